/* protocol — coach's line protocol, in MPD's manner, shared by the daemon and the client.
 *
 * The conversation:
 *   <- OK coach 1                        greeting: PROTOCOL_GREETING, on connect
 *   -> start rest "15 m"                 one command per line; spaces separate arguments,
 *                                        double quotes group, \" and \\ escape inside quotes
 *   <- key: value                        zero or more lines of the reply ...
 *   <- OK                                ... ending in OK,
 *   <- ACK [4] {start} no routine named "x"   or one error line instead.
 * Replies come strictly in order, one whole reply per command. `idle` is answered only when
 * something changes: "changed: NAME" lines (PROTOCOL_EVENT_*), then OK; "noidle" ends it early.
 *
 * The ACK codes below are part of the protocol: clients match on the number, never on the
 * text. Never renumber one; add new ones at the end.
 *
 * Pure code: no I/O, no allocation, no global state. Any thread may call every function.
 */
#ifndef COACH_PROTOCOL_H
#define COACH_PROTOCOL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "coach_error.h"

#define PROTOCOL_VERSION 1
#define PROTOCOL_GREETING "OK coach 1\n"

/* Stable error codes of "ACK [code] {command} message". */
typedef enum protocol_ack {
  PROTOCOL_ACK_UNKNOWN = 1,         /* unknown command, or an empty line */
  PROTOCOL_ACK_ARG_COUNT = 2,       /* too many or too few arguments */
  PROTOCOL_ACK_ARG = 3,             /* a malformed argument or line (bad quoting, bad bytes) */
  PROTOCOL_ACK_NO_ROUTINE = 4,      /* no routine (or other named thing) of that name */
  PROTOCOL_ACK_STATE = 5,           /* not possible now, e.g. pause when stopped */
  PROTOCOL_ACK_DEVICE = 6,          /* the audio device failed or is missing */
  PROTOCOL_ACK_LIMIT = 7,           /* a bound was reached: clients, reply size ... */
  PROTOCOL_ACK_LINE_TOO_LONG = 8,   /* the line exceeded the server's line limit */
  PROTOCOL_ACK_PERMISSION = 9,      /* not allowed (e.g. another user's connection) */
  PROTOCOL_ACK_SYSTEM = 10,         /* internal or operating-system error */
  PROTOCOL_ACK_SPEECH = 11,         /* speech synthesis failed */
} protocol_ack;

/* The ACK code that reports rc to a client (COACH_OK gives PROTOCOL_ACK_SYSTEM). */
protocol_ack protocol_ack_from_rc(coach_rc rc);

/* Events that `idle` waits for, as bits; "changed: NAME" on the wire. */
enum {
  PROTOCOL_EVENT_PLAYER = 1u << 0,   /* "player": the session state or step changed */
  PROTOCOL_EVENT_MIXER = 1u << 1,    /* "mixer": the volume changed */
  PROTOCOL_EVENT_OPTIONS = 1u << 2,  /* "options": settings changed */
  PROTOCOL_EVENT_DATABASE = 1u << 3, /* "database": routines were reloaded */
  PROTOCOL_EVENT_ALL = (1u << 4) - 1,
};
/* The wire name of one event bit, NULL for anything else. */
const char *protocol_event_name(unsigned event);
/* The bit for a wire name, 0 when unknown. */
unsigned protocol_event_parse(const char *name);

/* Splits line into words in place: argv[i] point into line, which is modified (quotes and
 * escapes are removed, words NUL-terminated). Spaces and tabs separate words. A word that
 * starts with a double quote runs to the matching quote, may hold spaces, and takes \" and \\
 * (a backslash makes any next byte literal); it must be followed by a space or the end.
 * "" is an empty word. Outside quotes every byte but space and tab is literal, except that a
 * quote in the middle of a word is an error (it is almost always a client's quoting bug).
 *
 * Returns COACH_OK with *argc words (possibly 0); COACH_E_INVALID for an unterminated quote
 * or a misplaced quote, with *why set to a short English reason, *argc untouched and the
 * contents of argv and line unspecified; COACH_E_LIMIT when there are more than max words:
 * then, unlike the usual rule, argv holds the first max words and *argc == max, so the caller
 * can still name the command. why may be NULL. */
coach_rc protocol_split(char *line, char **argv, int max, int *argc, const char **why);

/* Writes arg to buf as one protocol word (quoted and escaped only when needed: empty, or
 * holding a space, tab, quote or backslash), NUL-terminated. COACH_E_INVALID when arg holds a
 * byte that cannot travel in a line (newline, carriage return, other control bytes but tab);
 * COACH_E_LIMIT when it does not fit. */
coach_rc protocol_quote(const char *arg, char *buf, size_t len);

/* Writes a whole command line "argv[0] arg1 \"arg 2\"\n" to buf, quoting as above.
 * Same errors as protocol_quote. */
coach_rc protocol_format_command(char *buf, size_t len, int argc, char *const *argv);

/* Checks the bytes of a received line (without its newline): valid UTF-8, no control bytes
 * but tab. Returns true when fine; otherwise false and *why (may be NULL) a static reason. */
bool protocol_check_line(const char *line, size_t n, const char **why);

/* Writes "ACK [code] {command} message\n" to buf and returns its length (as snprintf would,
 * but never more than len - 1: a long message is cut and the line still ends in a newline,
 * given len >= 32). command may be NULL or "" for {}. Newlines and other control bytes in
 * command and message become spaces, so one error is always exactly one line; bytes that are
 * not UTF-8 (a name cut inside a character by "%.64s") become '?', so it is valid UTF-8. */
size_t protocol_format_ack(char *buf, size_t len, int code, const char *command, const char *fmt,
                           ...) __attribute__((format(printf, 5, 6)));
size_t protocol_vformat_ack(char *buf, size_t len, int code, const char *command,
                            const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
/* The same with MPD's list index when index >= 0: "ACK [code@index] {command} message". */
size_t protocol_vformat_ack_at(char *buf, size_t len, int code, int index, const char *command,
                               const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

/* A parsed ACK line (client side). message points into the line that was parsed. */
typedef struct protocol_ack_line {
  int code;
  int index; /* MPD's "@index", -1 when the line has none */
  char command[64];
  const char *message;
} protocol_ack_line;
/* Parses "ACK [code] {command} message" or "ACK [code@index] {command} message" (with or
 * without the newline); false if not one. */
bool protocol_parse_ack(const char *line, protocol_ack_line *out);
/* Splits "key: value" in place; false if the line is not one (e.g. "OK"). */
bool protocol_parse_kv(char *line, char **key, char **value);
/* Parses the greeting "OK coach N"; false when the peer is not a coach daemon. */
bool protocol_parse_greeting(const char *line, int *version);

/* The command table. The server owns the mechanism, the daemon owns the table's content.
 *
 * A handler runs on the server's thread (the daemon's main thread) for one command line.
 * argv[0] is the command name and argv[1..argc-1] its arguments, already unquoted; argc - 1
 * is within [min_args, max_args] (checked before the call). The strings live until the handler
 * returns. The handler must answer through the server's reply functions with exactly one
 * reply (key/value lines then OK, or one ACK), or park the client for `idle`. */
struct server_client;
typedef void protocol_handler(void *ctx, struct server_client *client, int argc, char **argv);

#define PROTOCOL_ARGS_ANY (-1) /* max_args: no upper bound (up to the server's word limit) */

typedef struct protocol_command {
  const char *name;          /* lower-case word; the table is sorted by strcmp on it */
  int min_args, max_args;    /* arguments after the name; max_args may be PROTOCOL_ARGS_ANY */
  protocol_handler *handler; /* NULL is allowed in tables used only for lookup (clients) */
} protocol_command;

/* Checks a table once, at start-up: sorted by strcmp, no duplicates, names non-empty,
 * 0 <= min_args <= max_args (or max_args == PROTOCOL_ARGS_ANY). false with *why (may be
 * NULL) pointing at a static reason when broken. */
bool protocol_table_check(const protocol_command *table, size_t n, const char **why);

/* The entry named name (binary search), NULL when none. */
const protocol_command *protocol_command_lookup(const protocol_command *table, size_t n,
                                                const char *name);

/* A dialect: what a server speaking in MPD's manner says, and how, beyond the line format,
 * quoting and command tables above, which every dialect shares. coach's own protocol is
 * protocol_dialect_coach; MPD's is mpd_dialect (mpd_protocol.h). The server (server.h) takes
 * one per listener. */
typedef struct protocol_dialect {
  const char *name;     /* for log lines: "coach", "mpd" */
  const char *greeting; /* the line sent on connect, newline included */
  bool list_index;      /* ACKs carry "@index": a command's place in a command list, else 0 */
  bool command_lists;   /* command_list_begin / command_list_ok_begin ... command_list_end */
  /* The code of an error the server makes itself (a bad line, an unknown command, a limit),
   * from its kind. */
  int (*code)(protocol_ack kind);
  /* The events `idle` knows: all their bits, and the wire name of each (NULL for a bit that
   * is not one) and back (0 for an unknown name). */
  unsigned events;
  const char *(*event_name)(unsigned event);
  unsigned (*event_parse)(const char *name);
  /* What a connection that has not given its password may send (NULL-terminated; NULL for
   * nothing): see server_config.password_over_tcp. */
  const char *const *open_commands;
} protocol_dialect;

extern const protocol_dialect protocol_dialect_coach;

/* Central argument-count check: true when nargs (arguments after the name) suits cmd;
 * otherwise false and msg gets the ACK message, e.g.
 *   wrong number of arguments for "start": expected 1 to 2 */
bool protocol_check_args(const protocol_command *cmd, int nargs, char *msg, size_t len);

#endif
