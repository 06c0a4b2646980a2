/* clip — a piece of mono audio at the mix rate (speech, or a recorded line).
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

typedef struct clip {
  float *samples; /* owned; peak at most 1.0 */
  int64_t frames;
} clip;

typedef struct clip_set {
  clip *items;
  int count, capacity;
} clip_set;

/* Takes ownership of samples (malloc'ed) on success; on failure the caller keeps it. */
coach_rc clip_set_add(clip_set *s, float *samples, int64_t frames, int *id);
void clip_set_free(clip_set *s);

#endif
