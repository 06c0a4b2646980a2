/* render — a score mixed into a sound file (WAV, FLAC or OGG by the file's extension).
 * Uses the same mixer as live playback, so the file is what a listener hears.
 * Any thread that may read the score.
 */
#ifndef COACH_RENDER_H
#define COACH_RENDER_H

#include <stddef.h>

#include "score.h"

typedef struct render_stats {
  size_t limited; /* samples the mixer had to limit: 0 for a well-balanced session */
  float peak;
} render_stats;

/* Writes the whole session to path. A half-written file is removed on failure. */
coach_rc render_to_file(const score *s, const char *path, render_stats *stats, char *why,
                        size_t why_len);

#endif
