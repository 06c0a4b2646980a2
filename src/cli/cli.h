/* cli — the `coach` command: one table entry per subcommand, one small file per command
 * (as tmux's cmd-*.c), each entry defined with designated initialisers.
 *
 * coach is two pieces, for the latency of the client. The program (coach.c, client.c,
 * offline_load.c, usage.c) links only libc and coach_core: every daemon command goes through
 * it, and `coach start` -> first sound and `coach stop` -> silence are measured against
 * paplay's 4 ms, so its exec must cost next to nothing. Linked against the engine (eSpeak NG,
 * libsndfile and the ~35 libraries behind them: libpulse, X11, dbus, FLAC, vorbis,
 * libgcrypt...), `coach ping` without a daemon took a median 3.2 ms, against 0.6 ms for
 * /bin/true, nearly all of it the dynamic loader; split, it takes 0.6 ms (40 runs each, 2-core
 * CI machine, Nov 2026). The offline commands (render, show, check, history, and list
 * without coachd) need the engine or the loaders, so they live in a private module,
 * coach-offline.so (offline.h), loaded only when one of them runs
 * (about 0.15 ms more for them). Their table entries (name, usage, help) stay in the program,
 * so `coach help` needs no module.
 *
 * Every run function returns the process exit status: 0 on success, 1 when the thing asked
 * for failed (an error was printed to stderr), 2 for a usage error.
 * Single-threaded: the whole program runs on the main thread.
 */
#ifndef COACH_CLI_H
#define COACH_CLI_H

typedef struct cli_command {
  const char *name;
  const char *args;  /* for usage lines, e.g. "ROUTINE [LENGTH] -o FILE" */
  const char *help;  /* one line */
  int (*run)(const struct cli_command *self, int argc, char **argv); /* argv[0] is the name */
  /* Commands sent to coachd: arguments allowed (max -1: any). Checked before connecting, so
   * a typo neither starts a daemon nor waits for one. */
  int min_args, max_args;
} cli_command;

/* Offline: no daemon needed; run in coach-offline.so (offline_load.c). `list` is sent to
 * coachd when one runs and read from the routine folders otherwise. */
extern const cli_command cli_cmd_render, cli_cmd_check, cli_cmd_show, cli_cmd_history;
/* Sent to coachd (client.c). */
extern const cli_command cli_cmd_start, cli_cmd_stop, cli_cmd_pause, cli_cmd_resume, cli_cmd_skip,
    cli_cmd_status, cli_cmd_list, cli_cmd_say, cli_cmd_volume, cli_cmd_reload, cli_cmd_ping,
    cli_cmd_watch, cli_cmd_remind, cli_cmd_listen;

/* Runs cmd in coach-offline.so (offline_load.c): what an offline command's run is, and what
 * `coach list` falls back to when no coachd runs. */
int cli_run_offline(const cli_command *self, int argc, char **argv);

/* Prints "usage: coach NAME ARGS" to stderr and returns 2. (usage.c, in both pieces.) */
int cli_usage(const cli_command *cmd);

/* The one symbol coach-offline.so exports: runs the offline command cmd (one of the entries
 * above; dispatched by cmd->name) with argv[0] its name, and returns the exit status.
 * version is the caller's COACH_VERSION: a module from another version refuses, because
 * cli_command's layout is only promised within one build. */
#define CLI_OFFLINE_ENTRY "coach_offline_run"
typedef int cli_offline_run_fn(const char *version, const cli_command *cmd, int argc,
                               char **argv);

#endif
