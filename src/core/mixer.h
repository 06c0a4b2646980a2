/* mixer — the sound of a timeline at any frame: tones, chimes and speech mixed into one
 * mono float signal at the timeline's rate.
 *
 * mixer_render() is a pure function of (timeline, clips, frame): rendering a session in one
 * go or in blocks of any size, or starting after a skip, gives the same samples. Tones are
 * lowered under speech with smooth ramps computed from the speech cues' positions (not from
 * a running state), which is what keeps it pure. Clips at another rate than the timeline's
 * are resampled as they are mixed, each frame computed on its own (clip.h, resample.h),
 * which keeps that true for them too.
 *
 * No allocation, no locks: the producer thread calls it for every block of live playback.
 * Any thread, as long as the timeline and clips are not being changed.
 */
#ifndef COACH_MIXER_H
#define COACH_MIXER_H

#include <stddef.h>
#include <stdint.h>

#include "clip.h"
#include "timeline.h"

#define MIXER_DUCK_LEVEL 0.35f   /* breath tones under speech, relative; chimes do not dip */
#define MIXER_DUCK_RAMP_MS 150   /* how gently tones dip and come back */
#define MIXER_CEILING 0.95f      /* no sample leaves the mixer louder than this */

/* One spoken line laid over a timeline (`say` while a session plays). */
typedef struct mixer_overlay {
  int clip;
  int64_t start; /* frame of the timeline at which it begins */
} mixer_overlay;

/* Writes the frames [frame, frame + n) of the session into out. Frames past the end are
 * silence. overlays may be NULL. Returns how many samples had to be limited to
 * MIXER_CEILING (0 for every shipped routine; tests assert it). */
size_t mixer_render(const timeline *t, const clip_set *clips, const mixer_overlay *overlays,
                    size_t n_overlays, int64_t frame, float *out, size_t n);

#endif
