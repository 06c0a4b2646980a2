#include "mixer.h"

#include <math.h>
#include <string.h>

#include "resample.h"
#include "tone.h"

#define CHUNK 1024 /* frames mixed at a time; bounds the stack used for the duck curve */

static tone_kind tone_of(cue_kind k)
{
  switch(k) {
  case CUE_BREATH_IN: return TONE_BREATH_IN;
  case CUE_BREATH_OUT: return TONE_BREATH_OUT;
  case CUE_CHIME_START: return TONE_CHIME_START;
  case CUE_CHIME_END: return TONE_CHIME_END;
  default: return TONE_CHIME;
  }
}

/* 1 inside speech, 0 far from it, raised-cosine ramps of `ramp` frames on both sides. */
static void speech_presence(int64_t start, int64_t frames, int64_t ramp, int64_t frame,
                            float *presence, size_t n)
{
  int64_t end = start + frames;
  for(size_t j = 0; j < n; j++) {
    int64_t f = frame + (int64_t)j;
    double w;
    if(f >= start && f < end)
      w = 1.0;
    else if(f < start && f >= start - ramp)
      w = 0.5 - 0.5 * cos(M_PI * (double)(f - (start - ramp)) / (double)ramp);
    else if(f >= end && f < end + ramp)
      w = 0.5 + 0.5 * cos(M_PI * (double)(f - end) / (double)ramp);
    else
      continue;
    if(w > presence[j])
      presence[j] = (float)w;
  }
}

/* Adds the frames of c (at the mix rate) that fall in [frame, frame + n), c starting at start. */
static void add_clip(const clip *c, int64_t start, int64_t frame, float *out, size_t n)
{
  int64_t from = frame - start; /* offset into the clip of out[0] */
  int64_t j0 = from < 0 ? -from : 0, j1 = c->frames - from;
  if(j1 > (int64_t)n)
    j1 = (int64_t)n;
  if(j1 <= j0)
    return;
  if(c->resampler) {
    resampler_add(c->resampler, c->samples, c->length, from + j0, out + j0, (size_t)(j1 - j0));
    return;
  }
  for(int64_t j = j0; j < j1; j++)
    out[j] += (float)c->samples[from + j] * CLIP_SCALE;
}

static size_t render_chunk(const timeline *t, const clip_set *clips, const mixer_overlay *ov,
                           size_t n_ov, int64_t frame, float *out, size_t n)
{
  float tones[CHUNK];
  float presence[CHUNK];
  int64_t ramp = timeline_ms_to_frames(MIXER_DUCK_RAMP_MS, t->rate);
  int64_t end = frame + (int64_t)n;
  memset(out, 0, n * sizeof(float));
  memset(tones, 0, n * sizeof(float));
  memset(presence, 0, n * sizeof(float));

  /* Speech cues reach `ramp` beyond their ends in the duck curve, so look that much wider. */
  for(size_t i = timeline_first_cue_near(t, frame - ramp); i < t->n_cues; i++) {
    const cue *c = &t->cues[i];
    if(c->start >= end + ramp)
      break;
    if(c->start + c->frames + ramp <= frame)
      continue;
    if(c->kind == CUE_SPEECH) {
      speech_presence(c->start, c->frames, ramp, frame, presence, n);
      if(c->clip >= 0 && c->clip < clips->count && c->start < end)
        add_clip(&clips->items[c->clip], c->start, frame, out, n);
    }
    else if(c->start < end) {
      /* Breath tones dip under speech; chimes are short marks that ring out as they are
       * (which also makes a chime mixed on its own add up to the same samples: coachd
       * plays the opening chime before a session's speech exists, player.c). */
      tone_add(tone_of(c->kind), c->frames, t->rate, frame - c->start,
               c->kind == CUE_BREATH_IN || c->kind == CUE_BREATH_OUT ? tones : out, n, 1.0f);
    }
  }
  for(size_t k = 0; k < n_ov; k++) {
    if(ov[k].clip < 0 || ov[k].clip >= clips->count)
      continue;
    const clip *c = &clips->items[ov[k].clip];
    if(ov[k].start >= end + ramp || ov[k].start + c->frames + ramp <= frame)
      continue;
    speech_presence(ov[k].start, c->frames, ramp, frame, presence, n);
    add_clip(c, ov[k].start, frame, out, n);
  }

  size_t limited = 0;
  for(size_t j = 0; j < n; j++) {
    float duck = 1.0f - (1.0f - MIXER_DUCK_LEVEL) * presence[j];
    float v = out[j] + tones[j] * duck;
    if(v > MIXER_CEILING) {
      v = MIXER_CEILING;
      limited++;
    }
    else if(v < -MIXER_CEILING) {
      v = -MIXER_CEILING;
      limited++;
    }
    out[j] = v;
  }
  return limited;
}

size_t mixer_render(const timeline *t, const clip_set *clips, const mixer_overlay *overlays,
                    size_t n_overlays, int64_t frame, float *out, size_t n)
{
  size_t limited = 0;
  while(n > 0) {
    size_t chunk = n < CHUNK ? n : CHUNK;
    limited += render_chunk(t, clips, overlays, n_overlays, frame, out, chunk);
    frame += (int64_t)chunk;
    out += chunk;
    n -= chunk;
  }
  return limited;
}
