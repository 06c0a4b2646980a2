#include "clip.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CONVERT_BLOCK 1024 /* frames converted at a time when a clip is converted on adding */

int16_t clip_sample(float level)
{
  float v = level * 32768.0f;
  v = v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v;
  return (int16_t)lrintf(v);
}

int16_t *clip_from_float(const float *samples, int64_t frames)
{
  int16_t *pcm = malloc((size_t)(frames > 0 ? frames : 1) * sizeof(*pcm));
  if(!pcm)
    return NULL;
  for(int64_t i = 0; i < frames; i++)
    pcm[i] = clip_sample(samples[i]);
  return pcm;
}

/* The set's resampler for rate, made on first use; NULL when rate is not to be kept (see
 * clip.h) or there is no room or memory for another: the clip is then converted. */
static const resampler *kept_resampler(clip_set *s, int rate)
{
  for(int i = 0; i < s->n_resamplers; i++)
    if(s->resamplers[i]->in_rate == rate)
      return s->resamplers[i];
  if(rate > s->mix_rate || s->n_resamplers == CLIP_RATES_MAX)
    return NULL;
  resampler *r = malloc(sizeof(*r));
  if(!r)
    return NULL;
  if(resampler_init(r, rate, s->mix_rate) != COACH_OK || r->up > CLIP_KEEP_ROWS_MAX) {
    resampler_free(r);
    free(r);
    return NULL;
  }
  s->resamplers[s->n_resamplers++] = r;
  return r;
}

/* samples (length at rate) as a new buffer at the mix rate, through a resampler made for it
 * alone (and freed). */
static coach_rc convert(const clip_set *s, const int16_t *samples, int64_t length, int rate,
                        int16_t **out, int64_t *frames)
{
  resampler r;
  coach_rc rc = resampler_init(&r, rate, s->mix_rate);
  if(rc)
    return rc;
  int64_t n = resampler_frames(&r, length);
  int16_t *pcm = malloc((size_t)(n > 0 ? n : 1) * sizeof(*pcm));
  if(!pcm) {
    resampler_free(&r);
    return COACH_E_NOMEM;
  }
  float block[CONVERT_BLOCK];
  for(int64_t at = 0; at < n; at += CONVERT_BLOCK) {
    size_t k = (size_t)(n - at < CONVERT_BLOCK ? n - at : CONVERT_BLOCK);
    memset(block, 0, k * sizeof(*block));
    resampler_add(&r, samples, length, at, block, k);
    for(size_t i = 0; i < k; i++)
      pcm[at + (int64_t)i] = clip_sample(block[i]);
  }
  resampler_free(&r);
  *out = pcm;
  *frames = n;
  return COACH_OK;
}

coach_rc clip_set_add(clip_set *s, int16_t *samples, int64_t length, int rate, int *id)
{
  if(s->mix_rate < 1000 || rate < 1000 || rate > 768000 || length < 0)
    return COACH_E_INVALID;
  if(s->count == s->capacity) {
    int cap = s->capacity ? s->capacity * 2 : 16;
    clip *items = realloc(s->items, (size_t)cap * sizeof(*items));
    if(!items)
      return COACH_E_NOMEM;
    s->items = items;
    s->capacity = cap;
  }
  clip c = {.samples = samples, .length = length, .rate = rate, .frames = length};
  if(rate != s->mix_rate) {
    c.resampler = kept_resampler(s, rate);
    if(c.resampler)
      c.frames = resampler_frames(c.resampler, length);
    else {
      coach_rc rc = convert(s, samples, length, rate, &c.samples, &c.frames);
      if(rc)
        return rc;
      free(samples);
      c.length = c.frames;
      c.rate = s->mix_rate;
    }
  }
  s->items[s->count] = c;
  *id = s->count++;
  return COACH_OK;
}

void clip_set_free(clip_set *s)
{
  for(int i = 0; i < s->count; i++)
    free(s->items[i].samples);
  free(s->items);
  for(int i = 0; i < s->n_resamplers; i++) {
    resampler_free(s->resamplers[i]);
    free(s->resamplers[i]);
  }
  s->items = NULL;
  s->count = s->capacity = s->n_resamplers = 0;
}
