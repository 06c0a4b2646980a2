/* cues — the words the engine says on its own, which a routine's steps do not spell out:
 * the side switch, the side names, the halfway cue, the countdown and the breathing guides.
 *
 * None of them is written in C, so that a routine in another language needs no code. They
 * come from a [cues] section: a routine's own, and for whatever it leaves out, the table of
 * its language (`language = de` in [routine], default en), config/cues/LANG.ini, which is a
 * file with just that section. The routine loader puts them together (routine.h); the keys:
 *   switch       said between the sides of a `sides` step   "Now switch sides."
 *   sides        the side names {side} takes, comma-separated "left, right"
 *   halfway      said halfway through a hold                "Halfway."
 *   breathe_in   said with the first in-breaths             "Breathe in."
 *   breathe_out  said with the first out-breaths            "And out."
 *   count        the countdown, one sentence per number from one to ten
 *                ("One. Two. Three. ..."; sentence.h says where sentences end)
 *
 * Ownership: a cue_words owns its strings; cues_free() releases them. Pure; any thread.
 */
#ifndef COACH_CUES_H
#define COACH_CUES_H

#include <stdbool.h>
#include <stddef.h>

#include "coach_error.h"

#define CUES_COUNT 10    /* countdown words: a hold counts at most this many seconds */
#define CUES_SIDES_MAX 4 /* side names */
#define CUES_KEYS "switch, sides, halfway, breathe_in, breathe_out, count"

typedef struct cue_words {
  char *switch_sides;
  char *sides[CUES_SIDES_MAX];
  int n_sides;
  char *halfway;
  char *breathe_in, *breathe_out;
  char *count[CUES_COUNT]; /* count[k - 1] is said k seconds before a hold ends */
} cue_words;

/* True when key is one of the keys above. */
bool cues_key_known(const char *key);

/* Sets key from value, replacing what was there. COACH_E_INVALID (why says what to write)
 * for an unknown key, an empty value, a side name list that is too long, or a count that is
 * not ten sentences; COACH_E_NOMEM. On failure *c is unchanged. */
coach_rc cues_set(cue_words *c, const char *key, const char *value, char *why,
                  size_t why_len);

/* Reads a table: a [cues] section and nothing else (INI through ini_line.h). Every problem
 * goes into diag, which is initialised with display_path. COACH_OK: *out has what the table
 * gives (the caller frees it); otherwise *out is untouched. */
coach_rc cues_parse(const char *data, size_t len, const char *display_path, cue_words *out,
                    coach_diag *diag);

/* Copies into c every word c does not have yet from from. COACH_E_NOMEM leaves c with what
 * it had plus some of the copies (cues_free releases all). */
coach_rc cues_fill(cue_words *c, const cue_words *from);

/* The key of the first word c lacks, or NULL when it has them all. */
const char *cues_missing(const cue_words *c);

void cues_free(cue_words *c);

#endif
