/* server — coachd's listening sockets: a UNIX (or TCP) listener, its clients with bounded
 * buffers, and the non-blocking poll-driven dispatch of command lines to a command table.
 *
 * The server knows the line protocol (protocol.h) but nothing about sessions: each command
 * line is split, looked up in the caller's table, its argument count checked, and handed to
 * the table's handler, which answers through server_reply_*(). It never blocks and never
 * trusts a client: every input is bounded, every bound gives the client a clear ACK, and a
 * slow or stuck client costs only its own buffers.
 *
 * Dialects: what a listener says beyond that is its protocol_dialect (protocol.h): coach's
 * own (the default), or MPD's (mpd_protocol.h) for coachd's second listener. The dialect gives
 * the greeting, the codes of the server's own errors, MPD's "@index" in ACKs, command lists,
 * and the names of idle's events. Everything else (limits, backpressure, timeouts, the peer
 * check, idle, deferred replies) is the same for every dialect.
 *
 * Integrating it in a main loop that also watches a signalfd, a wake-up eventfd and a timer:
 *
 *   struct pollfd fds[2 + SERVER_POLLFDS_MAX];
 *   fds[0] = signalfd, fds[1] = eventfd (events POLLIN);
 *   n = server_pollfds(srv, fds + 2, SERVER_POLLFDS_MAX);
 *   timeout = min(own_timeout, server_timeout_ms(srv))      (-1 means "none")
 *   poll(fds, 2 + n, timeout);
 *   ... handle fds[0..1], call server_notify() for what changed ...
 *   server_dispatch(srv, fds + 2, n);                       (always, even after a timeout)
 *
 * Semantics, in MPD's manner (codes below are coach's; a dialect maps them to its own):
 * - On connect to a UNIX socket: the peer's uid (SO_PEERCRED) must be ours, else the
 *   connection gets "ACK [9] {} ..." and is closed, with a warning in the log (log.h). Over
 *   SERVER_MAX_CLIENTS, a new connection gets "ACK [7] {} too many clients (limit 64)" and is
 *   closed. Otherwise it gets the dialect's greeting. A TCP connection has no uid to check:
 *   see server_config.password_over_tcp.
 * - Each line gets exactly one reply, in order. Trailing spaces and a trailing CR are ignored.
 *   A line with control bytes or invalid UTF-8 gets ACK [3]; an empty line or unknown command
 *   ACK [1]; a bad argument count ACK [2]; a line longer than SERVER_LINE_MAX ACK [8], after
 *   which the rest of that line is skipped and the connection goes on.
 * - Command lists (dialects with command_lists, as MPD): "command_list_begin" or
 *   "command_list_ok_begin" starts collecting lines, unanswered, up to SERVER_LIST_MAX bytes;
 *   "command_list_end" runs them in order, each as if sent alone (a deferred one included)
 *   except that its OK is left out, or is "list_OK" after command_list_ok_begin. After the
 *   last, one OK. The first command that fails ends the list: its ACK carries its index
 *   ("ACK [code@index]"), and nothing follows. A list too long, or a nested begin, gets an
 *   ACK and the connection is closed (MPD closes it too), since the lines that would follow
 *   could not be told apart from commands sent alone. `idle` is refused inside a list.
 * - Backpressure: while a client has unsent output, no more of its lines are executed and its
 *   input is not read (the kernel's socket buffers then push back on the sender). So a client
 *   that floods commands without reading gets every reply, in order, once it reads.
 * - A reply that would exceed SERVER_OUTPUT_MAX is replaced by "ACK [7] {cmd} reply too large"
 *   (the handler's partial output is dropped): a reply is whole or not at all.
 * - Hang-up: lines already received are still answered when the peer only shut down its
 *   writing side (`printf 'status\n' | socat - UNIX-CONNECT:...`); a last line without a
 *   newline is discarded.
 * - `idle`: server_command_idle parks the client until server_notify() reports one of the
 *   events it waits for, then replies "changed: NAME" lines and OK. Events that happen while a
 *   client is not idle are remembered and answered at its next `idle` (as MPD does), so no
 *   change falls between a `status` and an `idle`; an idle answer forgets the events it
 *   reported and keeps the others for a later `idle` (as MPD). While idle, "noidle" ends the
 *   wait with a bare OK
 *   (remembered events stay for the next idle); any other line gets ACK [5] and
 *   the connection is closed once that is sent, because that command's reply could not be
 *   told apart from idle's.
 *   "noidle" when not idle is ignored (no reply), as in MPD, which makes it race-free.
 * - Timeout: a client that sends nothing (and drains nothing) for SERVER_CLIENT_TIMEOUT_MS is
 *   closed, unless it is parked in `idle` with nothing to send, which may last forever.
 *
 * Threads: every function here is for the daemon's main thread only (the one that polls);
 * handlers run on it too. Other threads wake it (eventfd) and let it call server_notify().
 */
#ifndef COACH_SERVER_H
#define COACH_SERVER_H

#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "coach_error.h"
#include "protocol.h"

/* Limits. */
#define SERVER_MAX_CLIENTS 64              /* connected clients at once */
#define SERVER_LINE_MAX 4096               /* bytes in one command line, newline included */
#define SERVER_ARGS_MAX 16                 /* words in one line, command name included */
#define SERVER_OUTPUT_MAX (64 * 1024)      /* unsent bytes held for one client */
#define SERVER_CLIENT_TIMEOUT_MS 60000     /* silence before a non-idle client is closed */
#define SERVER_LIST_MAX (64 * 1024)        /* bytes of one command list's lines */
#define SERVER_POLLFDS_MAX (1 + SERVER_MAX_CLIENTS) /* what server_pollfds may fill */

typedef struct server server;
typedef struct server_client server_client;

typedef struct server_config {
  const protocol_command *commands; /* sorted by name (checked by server_open*); not copied:
                                       must outlive the server */
  size_t n_commands;
  void *ctx;                        /* passed to every handler */
  int timeout_ms;                   /* client timeout; 0 means SERVER_CLIENT_TIMEOUT_MS */
  int max_clients;                  /* clients at once; 0 (or more) means SERVER_MAX_CLIENTS */
  const protocol_dialect *dialect;  /* NULL means coach's own (protocol_dialect_coach) */
  /* Connections over TCP start locked: until a handler calls server_client_unlock() (MPD's
   * `password`), they may send only the dialect's open_commands, and anything else gets
   * ACK [9] {cmd} you don't have permission for "cmd". UNIX connections pass the peer check
   * instead and are never locked. */
  bool password_over_tcp;
} server_config;

/* Listens on the UNIX socket at path (from paths_socket()). Creates the parent directory
 * with mode 0700 when missing; refuses a parent that is not a directory, or that others may
 * write to (group/other write without the sticky bit), or that another user owns (unless it
 * is sticky, like /tmp). Takes an exclusive lock on PATH.lock (left in place, as tmux does)
 * against a second daemon starting at the same moment. A socket file left by a crashed
 * daemon (connect() refused) is replaced; a live one makes this fail with COACH_E_STATE and
 * "another coachd is already listening on PATH". The socket gets mode 0600.
 * On failure returns the error and writes a one-line explanation to why (may be NULL). */
coach_rc server_open(server **out, const char *path, const server_config *cfg, char *why,
                     size_t why_len);

/* Listens on TCP at the address sa (IPv4 or IPv6; SO_REUSEADDR, so a restart finds the port
 * free at once). COACH_E_STATE with "ADDRESS:PORT is in use" when another program listens
 * there; COACH_E_IO for any other failure, with the system's reason. server_path() then
 * says "ADDRESS:PORT" (with the port the system chose when sa's was 0). */
coach_rc server_open_tcp(server **out, const struct sockaddr *sa, socklen_t sa_len,
                         const server_config *cfg, char *why, size_t why_len);

/* Uses the socket passed by systemd socket activation (sdnotify_listen_fds(), the first of
 * them; extra ones are closed). COACH_E_NOTFOUND when the process was not socket-activated,
 * so the caller can fall back to server_open(); COACH_E_INVALID when the passed fd is not a
 * listening AF_UNIX stream socket. The socket file belongs to systemd: never unlinked. */
coach_rc server_open_activated(server **out, const server_config *cfg, char *why,
                               size_t why_len);

/* Closes every client (without a word: they see EOF), the listening socket, and unlinks the
 * socket file when this server created it and it is still the same file. NULL is fine. */
void server_close(server *s);

/* The socket's path (or "ADDRESS:PORT" over TCP), for log lines. */
const char *server_path(const server *s);
/* How many clients are connected now. */
int server_client_count(const server *s);

/* Fills fds (room for max entries; SERVER_POLLFDS_MAX is always enough) with the listening
 * socket and every client, with the events each needs now. Returns how many were filled. */
int server_pollfds(server *s, struct pollfd *fds, int max);
/* Milliseconds until the server next needs server_dispatch() without any fd being ready (a
 * client's timeout, or buffered lines waiting): -1 for never, 0 for now. */
int server_timeout_ms(const server *s);
/* Handles what poll() reported in fds (as filled by server_pollfds, revents set), then
 * timeouts. Accepts, reads, runs handlers, writes, closes. Never fails: trouble with a
 * client closes that client with a log line. */
void server_dispatch(server *s, const struct pollfd *fds, int n);
/* One round of poll() over the server alone, then server_dispatch(): for tests and simple
 * loops. COACH_E_IO when poll() itself failed (not for EINTR). */
coach_rc server_run_once(server *s, int timeout_ms);

/* Reports events (PROTOCOL_EVENT_* bits) to every client: clients waiting in `idle` for one
 * of them are answered now, the others remember them for their next `idle`. Safe to call from
 * a handler. */
void server_notify(server *s, unsigned events);

/* Runs one command line as if a client had sent it, through the same parsing, command table
 * and handlers (coachd's listener: a spoken "coach pause" is the `pause` command), from a
 * client without a connection. fn gets the whole reply without its last newline ("OK", key
 * lines then "OK", or the "ACK ..." line) once there is one: from inside this call, or later
 * for a command whose reply is deferred. Such a client counts among the clients while its
 * reply is pending. COACH_E_LIMIT (and an ACK to fn) for a line over SERVER_LINE_MAX or too
 * many clients. Main thread, outside handlers. */
typedef void (*server_local_fn)(void *ctx, const char *reply);
coach_rc server_run_local(server *s, const char *line, server_local_fn fn, void *ctx);

/* --- For handlers, on the client whose command is running ---
 * A handler answers with zero or more server_reply_kv() then server_reply_ok(), or with one
 * server_reply_ack(), or parks the client with server_client_idle(). A handler that returns
 * without answering makes the server answer ACK [10] (and log it); output after the answer
 * is dropped with a log line. These never fail from the handler's point of view: if the
 * reply grows past SERVER_OUTPUT_MAX the server answers ACK [7] instead. Calls on a client
 * outside its own handler are ignored with a log line. */

/* "key: value\n". Newlines and control bytes in the value become spaces. */
void server_reply_kv(server_client *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "OK\n": the end of a successful reply. */
void server_reply_ok(server_client *c);
/* "ACK [code] {command} message\n"; command NULL means the running command's name. */
void server_reply_ack(server_client *c, int code, const char *command, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void server_reply_vack(server_client *c, int code, const char *command, const char *fmt,
                       va_list ap) __attribute__((format(printf, 4, 0)));
/* Closes the connection once what was sent before is out: as the whole answer (MPD's
 * `close`), or after one (a refused password). Nothing more is read from it. */
void server_client_close(server_client *c);
/* Lets a locked connection (server_config.password_over_tcp) send every command. */
void server_client_unlock(server_client *c);
/* Who is at the other end, for log lines: "pid 1234" over UNIX, "ADDRESS:PORT" over TCP. */
const char *server_client_peer(const server_client *c);
/* Whether the client may send command now: a locked one only the dialect's open commands. */
bool server_client_may_send(const server_client *c, const char *command);
/* Parks the client until one of events (PROTOCOL_EVENT_* bits; 0 means all) happens; if one
 * already happened since its last idle, answers at once. */
void server_client_idle(server_client *c, unsigned events);
/* A reply that comes later, for a command whose work runs on another thread (MPD's
 * background commands): the handler calls server_defer() instead of answering and keeps the
 * ticket; the client's next lines wait, as they do behind unsent output, and it is not timed
 * out meanwhile; later the main thread answers with server_finish_ok() or
 * server_finish_ack(). A ticket whose client has gone answers nobody. Tickets are never 0;
 * server_defer() returns 0 (and does nothing) outside the client's own handler. */
typedef unsigned server_ticket;
server_ticket server_defer(server_client *c);
/* A "key: value" line of the deferred reply, before its server_finish_ok(). */
void server_finish_kv(server *s, server_ticket t, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void server_finish_ok(server *s, server_ticket t);
/* "ACK [code] {command} message" for the command that was deferred (its index in a command
 * list too, for dialects with list_index). */
void server_finish_ack(server *s, server_ticket t, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A ready-made handler for the table entry {"idle", 0, PROTOCOL_ARGS_ANY, server_command_idle}:
 * `idle [EVENT...]` with the dialect's event names (unknown name: ACK [3]). */
void server_command_idle(void *ctx, server_client *c, int argc, char **argv);

#endif
