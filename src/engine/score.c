#include "score.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- speakers ------------------------------------------------------------------------ */

static coach_rc in_process_set_voice(void *ctx, const voice_settings *v, char *why,
                                     size_t why_len)
{
  return speech_set_voice(ctx, v, why, why_len);
}

static coach_rc in_process_synth(void *ctx, const char *text, float **samples, int64_t *frames)
{
  return speech_synth(ctx, text, samples, frames);
}

static const char *in_process_last_error(const void *ctx)
{
  return speech_last_error(ctx);
}

speaker speaker_in_process(speech *sp)
{
  return (speaker){.ctx = sp, .set_voice = in_process_set_voice, .synth = in_process_synth,
                   .last_error = in_process_last_error};
}

static coach_rc worker_set_voice(void *ctx, const voice_settings *v, char *why, size_t why_len)
{
  return speech_worker_set_voice(ctx, v, why, why_len);
}

static coach_rc worker_synth(void *ctx, const char *text, float **samples, int64_t *frames)
{
  return speech_worker_synth(ctx, text, samples, frames);
}

static const char *worker_last_error(const void *ctx)
{
  return speech_worker_last_error(ctx);
}

speaker speaker_worker(speech_worker *w)
{
  return (speaker){.ctx = w, .set_voice = worker_set_voice, .synth = worker_synth,
                   .last_error = worker_last_error};
}

/* ---- scores -------------------------------------------------------------------------- */

typedef struct speak_ctx {
  const speaker *sp;
  clip_set *clips;
  char failed[400]; /* what went wrong with the text that could not be spoken */
} speak_ctx;

static coach_rc speak_into_clips(void *ctx, const char *text, int *clip_id, int64_t *frames)
{
  speak_ctx *c = ctx;
  float *samples = NULL;
  int64_t n = 0;
  coach_rc rc = c->sp->synth(c->sp->ctx, text, &samples, &n);
  if(rc) {
    snprintf(c->failed, sizeof(c->failed), "could not speak \"%.60s\": %s", text,
             c->sp->last_error(c->sp->ctx));
    return rc;
  }
  int16_t *pcm = clip_from_float(samples, n);
  free(samples);
  if(!pcm)
    return COACH_E_NOMEM;
  rc = clip_set_add(c->clips, pcm, n, clip_id);
  if(rc) {
    free(pcm);
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

coach_rc score_build(const speaker *sp, const voice_settings *base, const routine *r,
                     int64_t length_ms, score **out, char *why, size_t why_len)
{
  voice_settings v = voice_merge(base, &r->voice);
  coach_rc rc = sp->set_voice(sp->ctx, &v, why, why_len);
  if(rc)
    return rc;
  score *s = calloc(1, sizeof(*s));
  if(!s)
    return COACH_E_NOMEM;
  speak_ctx ctx = {.sp = sp, .clips = &s->clips};
  rc = timeline_build(r, length_ms, SCORE_RATE, speak_into_clips, &ctx, &s->timeline, why,
                      why_len);
  if(rc && ctx.failed[0] && why && why_len) /* the speaker's reason, not just its class */
    snprintf(why, why_len, "%s", ctx.failed);
  if(rc) {
    clip_set_free(&s->clips);
    free(s);
    return rc;
  }
  *out = s;
  return COACH_OK;
}

coach_rc score_add_line(const speaker *sp, score *s, const char *text, int *clip_id, char *why,
                        size_t why_len)
{
  int64_t frames;
  speak_ctx ctx = {.sp = sp, .clips = &s->clips};
  coach_rc rc = speak_into_clips(&ctx, text, clip_id, &frames);
  if(rc && why && why_len)
    snprintf(why, why_len, "could not speak that line: %s",
             ctx.failed[0] ? sp->last_error(sp->ctx) : coach_rc_str(rc));
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
