#include "clip.h"

#include <math.h>
#include <stdlib.h>

int16_t *clip_from_float(const float *samples, int64_t frames)
{
  int16_t *pcm = malloc((size_t)(frames > 0 ? frames : 1) * sizeof(*pcm));
  if(!pcm)
    return NULL;
  for(int64_t i = 0; i < frames; i++) {
    float v = samples[i] * 32768.0f;
    v = v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v;
    pcm[i] = (int16_t)lrintf(v);
  }
  return pcm;
}

coach_rc clip_set_add(clip_set *s, int16_t *samples, int64_t frames, int *id)
{
  if(s->count == s->capacity) {
    int cap = s->capacity ? s->capacity * 2 : 16;
    clip *items = realloc(s->items, (size_t)cap * sizeof(*items));
    if(!items)
      return COACH_E_NOMEM;
    s->items = items;
    s->capacity = cap;
  }
  s->items[s->count].samples = samples;
  s->items[s->count].frames = frames;
  *id = s->count++;
  return COACH_OK;
}

void clip_set_free(clip_set *s)
{
  for(int i = 0; i < s->count; i++)
    free(s->items[i].samples);
  free(s->items);
  s->items = NULL;
  s->count = s->capacity = 0;
}
