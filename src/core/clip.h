/* clip — a piece of mono audio (a spoken or recorded line), kept at its own rate and heard at
 * the mix rate.
 *
 * Stored as 16-bit PCM at the rate it was made at (eSpeak NG: 22050 Hz), as it came: a session
 * keeps every line it will say for its whole length (`full` at its longest says about seven
 * minutes: 18.5 MB at 22050 Hz, 40 MB at 48 kHz), and the output is 16-bit anyway. The mixer
 * resamples a clip as it mixes it, frame by frame (resample.h), through the one resampler its
 * set keeps for that rate. A clip whose rate the mixer would resample at more cost than it
 * saves (a rate above the mix rate, or one sharing few divisors with it, whose table would be
 * large) is converted to the mix rate once, as it is added. CLIP_SCALE turns a sample into the
 * mixer's float range.
 *
 * Plain data shared between the code that makes clips (engine/speech, engine/score) and the
 * code that mixes them (core/mixer). A clip_set owns its clips and resamplers; ids are indices
 * and stay valid until clip_set_free(). Not thread-safe: one owner thread adds, readers read
 * only after adding is finished (or under the owner's own synchronisation): adding may move
 * `items`, though never a clip's samples or resampler.
 */
#ifndef COACH_CLIP_H
#define COACH_CLIP_H

#include <stdint.h>

#include "coach_error.h"
#include "resample.h"

#define CLIP_SCALE (1.0f / 32768.0f)
#define CLIP_RATES_MAX 8          /* rates kept as they are in one set; others are converted */
#define CLIP_KEEP_ROWS_MAX 1024   /* largest resampler kept (its table: 1024 x 24 taps, 96 KiB):
                                     every common rate (8, 11.025, 16, 22.05, 24, 32, 44.1 kHz) */

typedef struct clip {
  int16_t *samples;  /* owned: `length` samples at `rate` */
  int64_t length;
  int rate;
  int64_t frames;    /* its length at the mix rate: what the timeline lays out */
  const resampler *resampler; /* the set's, rate -> mix rate; NULL at the mix rate */
} clip;

typedef struct clip_set {
  int mix_rate;      /* set before the first clip_set_add() */
  clip *items;
  int count, capacity;
  resampler *resamplers[CLIP_RATES_MAX]; /* owned, one per rate kept */
  int n_resamplers;
} clip_set;

/* Adds length samples at rate (1000..768000 Hz) as a new clip and gives its id. Takes
 * ownership of samples (malloc'ed) on success; on failure the caller keeps it and the set is
 * as it was. COACH_E_INVALID for a rate out of range or a set without mix_rate;
 * COACH_E_LIMIT for a rate that cannot be converted (resampler_init's limit: one sharing
 * almost no divisor with the mix rate, as 44057 Hz); COACH_E_NOMEM. */
coach_rc clip_set_add(clip_set *s, int16_t *samples, int64_t length, int rate, int *id);

/* A level (within [-1, 1]; beyond is clamped) as a 16-bit sample, rounded to nearest: the
 * one rounding every clip is made with. */
int16_t clip_sample(float level);

/* Converts float samples to a new malloc'ed 16-bit buffer, by clip_sample(). NULL when out of
 * memory. */
int16_t *clip_from_float(const float *samples, int64_t frames);
void clip_set_free(clip_set *s);

#endif
