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

/* Who speaks a score's lines: the calls of speech.h on some handle (ctx). Clips come in the
 * score's own 16-bit format (clip.h), which the score keeps as they are; synth with samples
 * NULL gives a line's length alone (a line the score does not hold yet). */
typedef struct speaker {
  void *ctx;
  coach_rc (*set_voice)(void *ctx, const voice_settings *v, char *why, size_t why_len);
  coach_rc (*synth)(void *ctx, const char *text, int16_t **samples, int64_t *frames);
  const char *(*last_error)(const void *ctx); /* why the last synth failed */
} speaker;

/* Speech in this process (speech_set_voice, speech_synth on sp). */
speaker speaker_in_process(speech *sp);

/* Speech in a worker process (speech_worker_set_voice, speech_worker_synth on w). */
speaker speaker_worker(speech_worker *w);

#define SCORE_RATE 48000 /* the one mix rate: PulseAudio's native rate, exact in ms */

typedef struct score {
  timeline *timeline;
  clip_set clips;       /* a clip's samples may be NULL: not resident (score_build_window) */
  voice_settings voice; /* the one its lines are spoken in */
} score;

/* Voice: base (the daemon's or command's default) overridden field by field by the
 * routine's own settings. On failure *out is untouched and why says what to do. */
coach_rc score_build(const speaker *sp, const voice_settings *base, const routine *r,
                     int64_t length_ms, score **out, char *why, size_t why_len);

/* As score_build, but keeps the audio of only about the first keep_frames of speech (every
 * line heard before keep_frames, and no more than that much audio) and of the rest only
 * its length: a session's memory then depends on the window, not on how much the routine
 * says (rest 10m says 112 s: 10.5 MB of 16-bit audio at 48 kHz). score_fill() makes lines
 * resident again before they are heard, score_release() lets go of those that are not. */
coach_rc score_build_window(const speaker *sp, const voice_settings *base, const routine *r,
                            int64_t length_ms, int64_t keep_frames, score **out, char *why,
                            size_t why_len);

/* Makes resident every line heard within frames [from, to), speaking it again in the
 * score's voice (same thread rule as score_build). The mixer must not be mixing that span
 * meanwhile. On failure why says which line could not be spoken; lines done stay done. */
coach_rc score_fill(const speaker *sp, score *s, int64_t from, int64_t to, char *why,
                    size_t why_len);

/* Frees the audio of every routine line not heard within [from, to) (`say` lines are kept:
 * they are not in the timeline). Never fails: it only gives memory back. */
void score_release(score *s, int64_t from, int64_t to);

/* Speaks one more line into the score's clips (for `say` during a session) and gives its id,
 * in the speaker's current voice. Same thread rule as score_build(); readers must not be
 * mixing while clips grow. */
coach_rc score_add_line(const speaker *sp, score *s, const char *text, int *clip_id, char *why,
                        size_t why_len);

void score_free(score *s);

/* Field-by-field merge: anything set in top (name non-empty, numbers >= 0) wins. */
voice_settings voice_merge(const voice_settings *base, const voice_settings *top);

#endif
