#include "score.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct speak_ctx {
  speech *sp;
  clip_set *clips;
} speak_ctx;

static coach_rc speak_into_clips(void *ctx, const char *text, int *clip_id, int64_t *frames)
{
  speak_ctx *c = ctx;
  float *samples = NULL;
  int64_t n = 0;
  coach_rc rc = speech_synth(c->sp, text, &samples, &n);
  if(rc)
    return rc;
  rc = clip_set_add(c->clips, samples, n, clip_id);
  if(rc) {
    free(samples);
    return rc;
  }
  *frames = n;
  return COACH_OK;
}

voice_settings voice_merge(const voice_settings *base, const voice_settings *top)
{
  voice_settings v = *base;
  if(top->name[0])
    snprintf(v.name, sizeof(v.name), "%s", top->name);
  if(top->rate >= 0)
    v.rate = top->rate;
  if(top->pitch >= 0)
    v.pitch = top->pitch;
  if(top->volume >= 0)
    v.volume = top->volume;
  return v;
}

coach_rc score_build(speech *sp, const voice_settings *base, const routine *r,
                     int64_t length_ms, score **out, char *why, size_t why_len)
{
  voice_settings v = voice_merge(base, &r->voice);
  coach_rc rc = speech_set_voice(sp, &v, why, why_len);
  if(rc)
    return rc;
  score *s = calloc(1, sizeof(*s));
  if(!s)
    return COACH_E_NOMEM;
  speak_ctx ctx = {sp, &s->clips};
  rc = timeline_build(r, length_ms, SCORE_RATE, speak_into_clips, &ctx, &s->timeline, why,
                      why_len);
  if(rc) {
    clip_set_free(&s->clips);
    free(s);
    return rc;
  }
  *out = s;
  return COACH_OK;
}

coach_rc score_add_line(speech *sp, score *s, const char *text, int *clip_id, char *why,
                        size_t why_len)
{
  int64_t frames;
  speak_ctx ctx = {sp, &s->clips};
  coach_rc rc = speak_into_clips(&ctx, text, clip_id, &frames);
  if(rc && why && why_len)
    snprintf(why, why_len, "could not speak that line: %s", coach_rc_str(rc));
  return rc;
}

void score_free(score *s)
{
  if(!s)
    return;
  timeline_free(s->timeline);
  clip_set_free(&s->clips);
  free(s);
}
