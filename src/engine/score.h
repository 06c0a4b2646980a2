/* score — everything needed to mix one session: its timeline and the sound of every line.
 *
 * Built by speaking each distinct text of the timeline once through a speaker: eSpeak NG in
 * this process (speech.h; the one-shot `coach render` and `coach show`) or in a speech
 * worker process that may crash without harm (speech_worker.h; coachd, which speaks text
 * from clients). The thread that calls score_build() and score_add_line() must be the one
 * allowed to use the speaker: the thread that opened the speech handle, or the one thread
 * using the worker (coachd's engine thread). After that a score is read-only and may be read
 * by any thread (the mixer).
 *
 * Ownership: a score owns its timeline and clips; score_free() releases them. A speaker
 * borrows its handle: the caller keeps it open while the speaker is used, and closes it.
 */
#ifndef COACH_SCORE_H
#define COACH_SCORE_H

#include "clip.h"
#include "routine.h"
#include "speech.h"
#include "speech_worker.h"
#include "timeline.h"

/* Who speaks a score's lines: the calls of speech.h on some handle (ctx). */
typedef struct speaker {
  void *ctx;
  coach_rc (*set_voice)(void *ctx, const voice_settings *v, char *why, size_t why_len);
  coach_rc (*synth)(void *ctx, const char *text, float **samples, int64_t *frames);
  const char *(*last_error)(const void *ctx); /* why the last synth failed */
} speaker;

/* Speech in this process (speech_set_voice, speech_synth on sp). */
speaker speaker_in_process(speech *sp);

/* Speech in a worker process (speech_worker_set_voice, speech_worker_synth on w). */
speaker speaker_worker(speech_worker *w);

#define SCORE_RATE 48000 /* the one mix rate: PulseAudio's native rate, exact in ms */

typedef struct score {
  timeline *timeline;
  clip_set clips;
} score;

/* Voice: base (the daemon's or command's default) overridden field by field by the
 * routine's own settings. On failure *out is untouched and why says what to do. */
coach_rc score_build(const speaker *sp, const voice_settings *base, const routine *r,
                     int64_t length_ms, score **out, char *why, size_t why_len);

/* Speaks one more line into the score's clips (for `say` during a session) and gives its id,
 * in the speaker's current voice. Same thread rule as score_build(); readers must not be
 * mixing while clips grow. */
coach_rc score_add_line(const speaker *sp, score *s, const char *text, int *clip_id, char *why,
                        size_t why_len);

void score_free(score *s);

/* Field-by-field merge: anything set in top (name non-empty, numbers >= 0) wins. */
voice_settings voice_merge(const voice_settings *base, const voice_settings *top);

#endif
