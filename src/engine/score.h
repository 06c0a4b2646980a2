/* score — everything needed to mix one session: its timeline and the sound of every line.
 *
 * Built by speaking each distinct text of the timeline once, in the order the session first
 * says them, through a speaker: eSpeak NG in this process (speech.h; the one-shot
 * `coach render` and `coach show`) or in a speech worker process that may crash without harm
 * (speech_worker.h; coachd, which speaks text from clients). Every line is kept, as its
 * 16-bit clip at the voice's own rate (clip.h), for as long as the score lives: nothing is
 * spoken twice. The thread that calls score_build() and score_add_line() must be the one
 * allowed to use the speaker: the thread that opened the speech handle, or the one thread
 * using the worker. After that a score is read-only and may be read by any thread (the
 * mixer), but for score_add_line(), which the caller must keep apart from mixing.
 *
 * A line that cannot be spoken does not fail the score: it is tried once more, and if it
 * still fails a soft marker tone (tone.h, TONE_MARKER) of a fixed length takes its place, the
 * score counts it (speech_errors, speech_error) and the speaker's line_failed hook hears its
 * text and why, so the caller can log it and tell the user. Only what stops the whole score
 * fails it: the voice refused, out of memory, a session too long.
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

/* Told of a line of a score that could not be spoken, even when tried again (a marker tone
 * takes its place): its text and why. On the thread building the score. */
typedef void (*speaker_line_failed_fn)(void *ctx, const char *text, const char *why);

/* Who speaks a score's lines: the calls of speech.h on some handle (ctx). Clips come in the
 * score's own 16-bit format at their own rate (clip.h), which the score keeps as they are. */
typedef struct speaker {
  void *ctx;
  coach_rc (*set_voice)(void *ctx, const voice_settings *v, char *why, size_t why_len);
  coach_rc (*synth)(void *ctx, const char *text, int16_t **samples, int64_t *length,
                    int *rate);
  const char *(*last_error)(const void *ctx); /* why the last synth failed */
  speaker_line_failed_fn line_failed;         /* may be NULL: set by the caller */
  void *line_failed_ctx;
} speaker;

/* Speech in this process (speech_set_voice, speech_synth on sp). */
speaker speaker_in_process(speech *sp);

/* Speech in a worker process (speech_worker_set_voice, speech_worker_synth on w). */
speaker speaker_worker(speech_worker *w);

#define SCORE_RATE 48000 /* the one mix rate: PulseAudio's native rate, exact in ms */
#define SCORE_ERROR_MAX 400

typedef struct score {
  timeline *timeline;
  clip_set clips;       /* mix_rate SCORE_RATE; a score made by hand sets it */
  voice_settings voice; /* the one its lines are spoken in */
  int speech_errors;    /* lines that could not be spoken (a marker tone in their place) */
  char speech_error[SCORE_ERROR_MAX]; /* the last of them: "could not speak \"...\": why" */
} score;

/* Voice: base (the daemon's or command's default) overridden field by field by the
 * routine's own settings. Every line is synthesised here, first lines first. On failure *out
 * is untouched and why says what to do. */
coach_rc score_build(const speaker *sp, const voice_settings *base, const routine *r,
                     int64_t length_ms, score **out, char *why, size_t why_len);

/* Speaks one more line into the score's clips (for `say` during a session) and gives its id,
 * in the speaker's current voice. Same thread rule as score_build(); readers must not be
 * mixing while clips grow. A line that cannot be spoken is the caller's error (no retry, no
 * marker, not counted): why says so. */
coach_rc score_add_line(const speaker *sp, score *s, const char *text, int *clip_id, char *why,
                        size_t why_len);

void score_free(score *s);

/* Field-by-field merge: anything set in top (name non-empty, numbers >= 0, an engine) wins;
 * top's engine, when another than base's, comes without base's voice name. */
voice_settings voice_merge(const voice_settings *base, const voice_settings *top);

#endif
