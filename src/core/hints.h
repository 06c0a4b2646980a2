/* hints — pronunciation hints: words a speech engine says wrong, and what to give it instead.
 *
 * eSpeak NG reads "Use a soft ball" with the noun "use" (a hiss, not a buzz) and other
 * engines have their own slips; a wording change would fix one line, a hint fixes every line
 * that says it, in every routine. A hints file (voices/hints/LANG.txt, LANG the voice's
 * language before any '-', "en" for "en-us") is plain text:
 *
 *   ; a comment
 *   use a = yooz a          ; every engine
 *   [espeak]
 *   pelvis = pellvis        ; eSpeak NG only
 *   [flite]
 *   ...                     ; flite only
 *
 * Each hint is a phrase of whole words and what the engine is given in its place; the phrase
 * matches in any case, only at word boundaries ("use" in "useful" stays). Hints apply in file
 * order, each to every match. Nothing is hinted in what a recorded clip is found by (its
 * slug comes from the text as written).
 *
 * Pure: parsing and applying; speech.c reads the file. A hints value is read-only after
 * hints_parse(), any thread may apply it.
 */
#ifndef COACH_HINTS_H
#define COACH_HINTS_H

#include <stddef.h>

#include "coach_error.h"
#include "voice_engine.h"

#define HINTS_FILE_MAX (64 * 1024)
#define HINTS_PHRASE_MAX 120 /* bytes of a phrase, and of what replaces it */

typedef struct hint {
  char from[HINTS_PHRASE_MAX];
  char to[HINTS_PHRASE_MAX];
  voice_engine engine; /* VOICE_ENGINE_UNSET: every engine */
} hint;

typedef struct hints {
  hint *items;
  size_t n;
} hints;

/* Parses len bytes of a hints file. On failure *out is untouched and why says
 * "LINE: what is wrong" (a line without '=', an empty side, an unknown [section], a phrase
 * over HINTS_PHRASE_MAX). */
coach_rc hints_parse(const char *text, size_t len, hints *out, char *why, size_t why_len);

/* text with the hints for engine applied, into out. COACH_E_LIMIT when the result does not
 * fit out_len; out then holds text unchanged when that fits (else COACH_E_LIMIT too). */
coach_rc hints_apply(const hints *h, voice_engine engine, const char *text, char *out,
                     size_t out_len);

void hints_free(hints *h);

#endif
