/* offline — inside coach-offline.so only: what the offline commands (render, show, check)
 * share, and their run functions. This is the half of coach that links the engine (eSpeak NG,
 * libsndfile); cli.h says why it is kept out of the coach program.
 *
 * Built with hidden visibility: nothing here is exported, only coach_offline_run
 * (offline_entry.c, declared in cli.h).
 */
#ifndef COACH_OFFLINE_H
#define COACH_OFFLINE_H

#include "cli.h"
#include "coach_error.h"
#include "routine.h"
#include "score.h"
#include "speech.h"

/* The commands' bodies; their table entries (usage, help) are in offline_load.c. */
int cli_run_render(const cli_command *self, int argc, char **argv);
int cli_run_show(const cli_command *self, int argc, char **argv);
int cli_run_check(const cli_command *self, int argc, char **argv);

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
