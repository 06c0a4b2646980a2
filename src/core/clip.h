/* clip — a piece of mono audio at the mix rate (speech, or a recorded line).
 *
 * Stored as 16-bit PCM: the output is 16-bit anyway, and a session keeps every line it will
 * say, so floats would double the daemon's memory for nothing. CLIP_SCALE turns a sample
 * into the mixer's float range.
 *
 * Plain data shared between the code that makes clips (engine/speech) and the code that mixes
 * them (core/mixer). A clip_set owns its clips; ids are indices and stay valid until
 * clip_set_free(). Not thread-safe: one owner thread adds, readers read only after adding is
 * finished (or under the owner's own synchronisation).
 */
#ifndef COACH_CLIP_H
#define COACH_CLIP_H

#include <stdint.h>

#include "coach_error.h"

#define CLIP_SCALE (1.0f / 32768.0f)

typedef struct clip {
  int16_t *samples; /* owned; NULL while not resident (the mixer then adds nothing) */
  int64_t frames;
} clip;

typedef struct clip_set {
  clip *items;
  int count, capacity;
} clip_set;

/* Takes ownership of samples (malloc'ed) on success; on failure the caller keeps it. */
coach_rc clip_set_add(clip_set *s, int16_t *samples, int64_t frames, int *id);

/* Converts float samples (within [-1, 1]; beyond is clamped) to a new malloc'ed 16-bit
 * buffer, rounding to nearest. NULL when out of memory. */
int16_t *clip_from_float(const float *samples, int64_t frames);
void clip_set_free(clip_set *s);

#endif
