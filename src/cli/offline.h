/* offline — inside coach-offline.so only: what the offline commands (render, show, check,
 * list, history) share, and their run functions. This is the half of coach that links the
 * engine (eSpeak NG, flite's headers, libsndfile, libebur128); cli.h says why it is kept out
 * of the coach program.
 *
 * Built with hidden visibility: nothing here is exported, only coach_offline_run
 * (offline_entry.c, declared in cli.h).
 */
#ifndef COACH_OFFLINE_H
#define COACH_OFFLINE_H

#include "cli.h"
#include "coach_error.h"
#include "config.h"
#include "library.h"
#include "routine.h"
#include "score.h"
#include "speech.h"

/* The commands' bodies; their table entries (usage, help) are in offline_load.c. */
int cli_run_render(const cli_command *self, int argc, char **argv);
int cli_run_show(const cli_command *self, int argc, char **argv);
int cli_run_check(const cli_command *self, int argc, char **argv);
int cli_run_list(const cli_command *self, int argc, char **argv);
int cli_run_history(const cli_command *self, int argc, char **argv);

/* The settings coachd reads when started without --config (config_load_auto). A broken file
 * is reported on stderr and the built-in defaults are used: an offline command should not
 * fail over a setting it barely needs. */
void cli_load_config(coach_config *cfg);

/* The routines coachd would have with cfg: library_load_config, so the same folders in the
 * same order. Problems of the files called NAME.ini are printed to stderr (every file's when
 * name is NULL, none when quiet). COACH_E_NOMEM is the only failure, printed. */
coach_rc cli_load_library(const coach_config *cfg, const char *name, bool quiet, library *out);

/* Loads a routine given as a name (resolved as coachd resolves it: cli_load_library) or as
 * a path to an .ini file. Prints every problem to stderr. */
coach_rc cli_load_routine(const coach_config *cfg, const char *name_or_path, routine **out);

/* A routine at a length, with its speech synthesised: what render and show work from. */
typedef struct cli_session {
  routine *routine;
  speech *speech;
  score *score;
} cli_session;

/* Loads name_or_path, picks the length (NULL: the default) and builds the score with the
 * routine folders and the voice of coach.ini (cli_load_config). Returns 0, or the exit status to give after printing why. On
 * success release *out with cli_session_free(); on failure nothing is left to free. */
int cli_session_prepare(const char *name_or_path, const char *length_text, cli_session *out);
void cli_session_free(cli_session *s);

/* Opens speech with the shipped voices, printing the reason on failure. */
coach_rc cli_open_speech(speech **out);

/* Prints every diagnostic of d to stderr, one "FILE:LINE: message" a line. */
void cli_print_diag(const coach_diag *d);

#endif
