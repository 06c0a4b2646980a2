#include "clip.h"

#include <stdlib.h>

coach_rc clip_set_add(clip_set *s, float *samples, int64_t frames, int *id)
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
