/* conversation — one client's whole conversation with an in-process server (server.h), for
 * the harnesses that fuzz a listener (fuzz_server: coach's dialect, fuzz_mpd: MPD's): a real
 * connection to a real listening socket, the server's loop turned by hand (no threads).
 *
 * The client checks the greeting, sends the input cut into writes of a given size while it
 * reads every reply as it comes (each line goes to the harness's check), hangs up its
 * sending side when done, and at the end closes: the server must let go of it within a few
 * rounds. Properties checked here besides the harness's: the conversation makes progress
 * (no round limit hit), no reply line is longer than the server's output limit, the
 * greeting is the dialect's.
 *
 * Also here, for all such harnesses: coachd's log.c (log_msg formats every message, so a
 * bad format argument is still caught, and drops it).
 */
#ifndef COACH_FUZZ_CONVERSATION_H
#define COACH_FUZZ_CONVERSATION_H

#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"
#include "server.h"

/* Called with each reply line (without its newline, NUL-terminated at line[n]). */
typedef void conversation_check_fn(char *line, size_t n);
/* Called once per round of the server's loop (e.g. to answer deferred commands). */
typedef void conversation_round_fn(void);

/* Opens a server with cfg on a socket in a new private folder (removed at exit): *srv. */
void conversation_open(server **srv, const server_config *cfg);

/* One conversation: data cut into writes of chunk bytes. round may be NULL. */
void conversation_run(server *srv, const char *greeting, const uint8_t *data, size_t size,
                      size_t chunk, conversation_check_fn *check, conversation_round_fn *round);

/* Shows a reply line (escaped, cut) on stderr, before the property it broke. */
void conversation_show_line(const char *line, size_t n);

/* FUZZ_ASSERT for a reply line: shows the line first. Needs `line` and `n` in scope. */
#define REPLY_ASSERT(cond)                                                                   \
  do {                                                                                       \
    if(!(cond)) {                                                                            \
      conversation_show_line(line, n);                                                       \
      FUZZ_ASSERT(!#cond);                                                                   \
    }                                                                                        \
  } while(0)

#endif
