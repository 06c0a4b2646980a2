#include "score.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tone.h"

/* ---- speakers ------------------------------------------------------------------------ */

/* speaker_in_process() is in speaker_in_process.c: a program that speaks only through a
 * worker (coachd) then links no eSpeak NG. */

static coach_rc worker_set_voice(void *ctx, const voice_settings *v, char *why, size_t why_len)
{
  return speech_worker_set_voice(ctx, v, why, why_len);
}

static coach_rc worker_synth(void *ctx, const char *text, int16_t **samples, int64_t *length,
                             int *rate)
{
  return speech_worker_synth(ctx, text, samples, length, rate);
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
  score *s;
  int marker; /* the marker's clip id, -1 until a line first needs it */
} speak_ctx;

/* Speaks text into a new clip of the score. On failure why (if not NULL) says why. */
static coach_rc speak_line(const speaker *sp, score *s, const char *text, int *clip_id,
                           char *why, size_t why_len)
{
  int16_t *pcm = NULL;
  int64_t n = 0;
  int rate = 0;
  coach_rc rc = sp->synth(sp->ctx, text, &pcm, &n, &rate);
  if(rc) {
    coach_why(why, why_len, "%s", sp->last_error(sp->ctx));
    return rc;
  }
  rc = clip_set_add(&s->clips, pcm, n, rate, clip_id);
  if(rc) {
    free(pcm);
    if(rc == COACH_E_NOMEM)
      coach_why(why, why_len, "out of memory");
    else
      coach_why(why, why_len, "its clip's rate of %d Hz cannot be converted to %d Hz (save "
                "it at 16000, 22050, 44100 or 48000 Hz)", rate, s->clips.mix_rate);
  }
  return rc;
}

/* The marker's clip (tone.h), made once per score. */
static coach_rc marker_clip(speak_ctx *c)
{
  if(c->marker >= 0)
    return COACH_OK;
  int64_t n = tone_marker_frames(SCORE_RATE);
  float *x = calloc((size_t)n, sizeof(*x));
  if(!x)
    return COACH_E_NOMEM;
  tone_add(TONE_MARKER, n, SCORE_RATE, 0, x, (size_t)n, 1.0f);
  int16_t *pcm = clip_from_float(x, n);
  free(x);
  if(!pcm)
    return COACH_E_NOMEM;
  coach_rc rc = clip_set_add(&c->s->clips, pcm, n, SCORE_RATE, &c->marker);
  if(rc)
    free(pcm);
  return rc;
}

/* A line failed twice, or for a reason another try cannot change: the text as it is (empty,
 * too long, not UTF-8). Out of memory is not the line's doing: it ends the score. */
static bool worth_retrying(coach_rc rc)
{
  return rc != COACH_E_INVALID && rc != COACH_E_LIMIT && rc != COACH_E_NOMEM;
}

/* timeline_build()'s speak function: the line's clip, or after a second failure the marker. */
static coach_rc speak_into_score(void *ctx, const char *text, int *clip_id, int64_t *frames)
{
  speak_ctx *c = ctx;
  char why[SCORE_ERROR_MAX] = "";
  coach_rc rc = speak_line(c->sp, c->s, text, clip_id, why, sizeof(why));
  if(rc && worth_retrying(rc))
    rc = speak_line(c->sp, c->s, text, clip_id, why, sizeof(why));
  if(rc == COACH_E_NOMEM)
    return rc;
  if(rc) {
    rc = marker_clip(c);
    if(rc)
      return rc;
    *clip_id = c->marker;
    c->s->speech_errors++;
    snprintf(c->s->speech_error, sizeof(c->s->speech_error), "could not speak \"%.60s%s\": %s",
             text, strlen(text) > 60 ? "..." : "", why);
    if(c->sp->line_failed)
      c->sp->line_failed(c->sp->line_failed_ctx, text, why);
  }
  *frames = c->s->clips.items[*clip_id].frames;
  return COACH_OK;
}

voice_settings voice_merge(const voice_settings *base, const voice_settings *top)
{
  voice_settings v = *base;
  if(top->engine != VOICE_ENGINE_UNSET) {
    /* A voice name belongs to its engine: choosing another engine without naming a voice
     * gives that engine's default voice, not the base's name (an eSpeak NG voice to flite). */
    if(top->engine != v.engine && !top->name[0])
      v.name[0] = '\0';
    v.engine = top->engine;
  }
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
  s->voice = v;
  s->clips.mix_rate = SCORE_RATE;
  speak_ctx ctx = {.sp = sp, .s = s, .marker = -1};
  rc = timeline_build(r, length_ms, SCORE_RATE, speak_into_score, &ctx, &s->timeline, why,
                      why_len);
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
  char reason[SCORE_ERROR_MAX] = "";
  coach_rc rc = speak_line(sp, s, text, clip_id, reason, sizeof(reason));
  if(rc)
    coach_why(why, why_len, "could not speak that line: %s", reason);
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
