/* phrases — the spoken commands coachd listens for: the phrase file (config/phrases.conf),
 * parsed and checked, and its {routine} lines expanded for the routines coachd knows.
 *
 * The file, one phrase a line ('#' or ';' starts a comment line; blank lines are fine):
 *
 *   coach pause              = pause
 *   coach next     /-25/     = skip
 *   coach louder             = volume up
 *   coach start {routine}    = start {routine}
 *
 * Left of '=' is what is said: 2 to PHRASES_WORDS_MAX words of lower-case letters (and '), the
 * first of them the wake word, the same on every line. An optional /N/ after it sets how
 * closely the sound must match (listen.h's recogniser: the phrase's average score per 10 ms
 * against the best free sequence of sounds, 0 a perfect match; from PHRASES_THRESHOLD_MIN to
 * PHRASES_THRESHOLD_MAX; default PHRASES_THRESHOLD_DEFAULT). Right of '=' is a command line
 * of coach's control protocol (protocol.h), checked against the caller's command table: what
 * the phrase does is what that command does from a terminal. {routine} in the phrase stands
 * for each routine's name, spoken (kneel, or "hip opener" for hip-opener), and then must also
 * appear in the command.
 *
 * Problems are reported as "FILE:LINE: what is wrong" in a coach_diag, all of them, and then
 * nothing is loaded (as routine and settings files).
 *
 * Pure: no I/O but phrases_load() reading the one file. Any thread; a list belongs to one
 * thread at a time. Plain values, no pointers: copy freely.
 */
#ifndef COACH_PHRASES_H
#define COACH_PHRASES_H

#include <stdbool.h>
#include <stddef.h>

#include "coach_error.h"
#include "protocol.h"

#define PHRASES_MAX 48           /* lines in a file, and phrases after expansion */
#define PHRASES_WORDS_MAX 6      /* words in a phrase, the wake word included */
#define PHRASES_TEXT_MAX 96      /* bytes of a phrase, and of its command */
#define PHRASES_LINE_MAX 190     /* bytes of a line */
#define PHRASES_FILE_MAX (16 * 1024)
#define PHRASES_THRESHOLD_MIN (-100)
#define PHRASES_THRESHOLD_MAX 10
/* Measured (README, Listening): the strictest value that still hears most voices at 20 dB SNR
 * and that no hour of unrelated speech reached. */
#define PHRASES_THRESHOLD_DEFAULT (-30)
#define PHRASES_ROUTINE "{routine}" /* stands for each routine's name */

typedef struct phrase {
  char words[PHRASES_TEXT_MAX];   /* "coach pause": single spaces, lower case */
  char command[PHRASES_TEXT_MAX]; /* "pause": a protocol line without its newline */
  int threshold;
  int line;                       /* where it was written, for messages */
} phrase;

typedef struct phrase_list {
  phrase items[PHRASES_MAX];
  int count;
} phrase_list;

/* Parses a phrase file held in memory. commands (n_commands, sorted as for the server) is
 * the table the commands must name, with their argument counts. Initialises diag with
 * display_path. COACH_OK: *out holds every line. COACH_E_INVALID with every problem in diag;
 * *out untouched. */
coach_rc phrases_parse(const char *data, size_t len, const char *display_path,
                       const protocol_command *commands, size_t n_commands, phrase_list *out,
                       coach_diag *diag);

/* The same from a file: COACH_E_IO (with the OS's reason in diag) when it cannot be read. */
coach_rc phrases_load(const char *path, const protocol_command *commands, size_t n_commands,
                      phrase_list *out, coach_diag *diag);

/* The phrases to listen for, in: each {routine} line once per routine name in names whose
 * spoken form (phrases_spoken_name) exists, the others as they are. Names that cannot be
 * spoken are skipped; so are expansions beyond PHRASES_MAX (*dropped counts both). */
void phrases_expand(const phrase_list *in, const char *const *names, size_t n_names,
                    phrase_list *out, int *dropped);

/* The words of a routine name: "hip-opener" is "hip opener". False when the name has other
 * than lower-case letters, '-' and '_' (digits have no one spoken form). */
bool phrases_spoken_name(const char *name, char *out, size_t len);

#endif
