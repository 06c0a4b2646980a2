/* cli — the `coach` command: one table entry per subcommand, one small file per command
 * (as tmux's cmd-*.c), each entry defined with designated initialisers.
 *
 * Every run function returns the process exit status: 0 on success, 1 when the thing asked
 * for failed (an error was printed to stderr), 2 for a usage error.
 * Single-threaded: the whole program runs on the main thread.
 */
#ifndef COACH_CLI_H
#define COACH_CLI_H

#include "coach_error.h"
#include "routine.h"
#include "score.h"
#include "speech.h"

typedef struct cli_command {
  const char *name;
  const char *args;  /* for usage lines, e.g. "ROUTINE [LENGTH] -o FILE" */
  const char *help;  /* one line */
  int (*run)(const struct cli_command *self, int argc, char **argv); /* argv[0] is the name */
  /* Commands sent to coachd: arguments allowed (max -1: any). Checked before connecting, so
   * a typo neither starts a daemon nor waits for one. */
  int min_args, max_args;
} cli_command;

/* Offline: no daemon needed. */
extern const cli_command cli_cmd_render, cli_cmd_check, cli_cmd_show;
/* Sent to coachd (client.c). */
extern const cli_command cli_cmd_start, cli_cmd_stop, cli_cmd_pause, cli_cmd_resume, cli_cmd_skip,
    cli_cmd_status, cli_cmd_list, cli_cmd_say, cli_cmd_volume, cli_cmd_reload, cli_cmd_ping,
    cli_cmd_watch;

/* Prints "usage: coach NAME ARGS" to stderr and returns 2. */
int cli_usage(const cli_command *cmd);

/* Loads a routine given as a name (searched in the user's folder, then the shipped one) or
 * as a path to an .ini file. Prints every problem to stderr. */
coach_rc cli_load_routine(const char *name_or_path, routine **out);

/* A routine at a length, with its speech synthesised: what render and show work from. */
typedef struct cli_session {
  routine *routine;
  speech *speech;
  score *score;
} cli_session;

/* Loads name_or_path, picks the length (NULL: the default) and builds the score with the
 * voice from coach.ini. Returns 0, or the exit status to give after printing why. On
 * success release *out with cli_session_free(); on failure nothing is left to free. */
int cli_session_prepare(const char *name_or_path, const char *length_text, cli_session *out);
void cli_session_free(cli_session *s);

/* Opens speech with the shipped voices, printing the reason on failure. */
coach_rc cli_open_speech(speech **out);

/* The voice the offline commands use when a routine does not set one. */
voice_settings cli_default_voice(void);

/* Prints every diagnostic of d to stderr, one "FILE:LINE: message" a line. */
void cli_print_diag(const coach_diag *d);

#endif
