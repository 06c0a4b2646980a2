/* score — everything needed to mix one session: its timeline and the sound of every line.
 *
 * Built by speaking each distinct text of the timeline once through the speech module, so the
 * thread that calls score_build() must be the thread that owns the speech handle. After that
 * a score is read-only and may be read by any thread (the mixer).
 *
 * Ownership: a score owns its timeline and clips; score_free() releases them.
 */
#ifndef COACH_SCORE_H
#define COACH_SCORE_H

#include "clip.h"
#include "routine.h"
#include "speech.h"
#include "timeline.h"

#define SCORE_RATE 48000 /* the one mix rate: PulseAudio's native rate, exact in ms */

typedef struct score {
  timeline *timeline;
  clip_set clips;
} score;

/* Voice: base (the daemon's or command's default) overridden field by field by the
 * routine's own settings. On failure *out is untouched and why says what to do. */
coach_rc score_build(speech *sp, const voice_settings *base, const routine *r,
                     int64_t length_ms, score **out, char *why, size_t why_len);

/* Speaks one more line into the score's clips (for `say` during a session) and gives its id.
 * Same thread rule as score_build(); readers must not be mixing while clips grow. */
coach_rc score_add_line(speech *sp, score *s, const char *text, int *clip_id, char *why,
                        size_t why_len);

void score_free(score *s);

/* Field-by-field merge: anything set in top (name non-empty, numbers >= 0) wins. */
voice_settings voice_merge(const voice_settings *base, const voice_settings *top);

#endif
