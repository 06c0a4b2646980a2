#include "score.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- speakers ------------------------------------------------------------------------ */

/* speaker_in_process() is in speaker_in_process.c: a program that speaks only through a
 * worker (coachd) then links no eSpeak NG. */

static coach_rc worker_set_voice(void *ctx, const voice_settings *v, char *why, size_t why_len)
{
  return speech_worker_set_voice(ctx, v, why, why_len);
}

static coach_rc worker_synth(void *ctx, const char *text, int16_t **samples, int64_t *frames)
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
  int64_t keep_frames; /* audio kept until this much speech is held; then lengths only */
  int64_t held;        /* frames of speech synthesised so far */
  char failed[400];    /* what went wrong with the text that could not be spoken */
} speak_ctx;

static coach_rc speak_into_clips(void *ctx, const char *text, int *clip_id, int64_t *frames)
{
  speak_ctx *c = ctx;
  int16_t *pcm = NULL;
  int64_t n = 0;
  /* Lines come in the order they are first heard, and do not overlap, so a line whose audio
   * is not kept starts after keep_frames: the window that is kept covers the start. Of the
   * others only the length is asked for: no clip is made, or carried from a worker. */
  bool keep = c->held < c->keep_frames;
  coach_rc rc = c->sp->synth(c->sp->ctx, text, keep ? &pcm : NULL, &n);
  if(rc) {
    snprintf(c->failed, sizeof(c->failed), "could not speak \"%.60s\": %s", text,
             c->sp->last_error(c->sp->ctx));
    return rc;
  }
  c->held += n;
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
  return score_build_window(sp, base, r, length_ms, INT64_MAX, out, why, why_len);
}

coach_rc score_build_window(const speaker *sp, const voice_settings *base, const routine *r,
                            int64_t length_ms, int64_t keep_frames, score **out, char *why,
                            size_t why_len)
{
  voice_settings v = voice_merge(base, &r->voice);
  coach_rc rc = sp->set_voice(sp->ctx, &v, why, why_len);
  if(rc)
    return rc;
  score *s = calloc(1, sizeof(*s));
  if(!s)
    return COACH_E_NOMEM;
  s->voice = v;
  speak_ctx ctx = {.sp = sp, .clips = &s->clips, .keep_frames = keep_frames};
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

/* One pass over the cues: per clip, the text it says (NULL for a `say` line, which has no
 * cue) and whether it sounds within [from, to). The caller frees *text; need is inside it. */
static coach_rc clip_uses(const score *s, int64_t from, int64_t to, const char ***text,
                          bool **need)
{
  size_t n = (size_t)s->clips.count;
  *text = calloc(n, sizeof(**text) + sizeof(**need));
  if(!*text)
    return COACH_E_NOMEM;
  *need = (bool *)(*text + n);
  const timeline *t = s->timeline;
  for(size_t i = 0; i < t->n_cues; i++) {
    const cue *c = &t->cues[i];
    if(c->kind != CUE_SPEECH || c->clip < 0 || c->clip >= s->clips.count)
      continue;
    (*text)[c->clip] = c->text;
    if(c->start < to && c->start + c->frames > from)
      (*need)[c->clip] = true;
  }
  return COACH_OK;
}

coach_rc score_fill(const speaker *sp, score *s, int64_t from, int64_t to, char *why,
                    size_t why_len)
{
  const char **text;
  bool *need;
  if(s->clips.count == 0)
    return COACH_OK;
  if(clip_uses(s, from, to, &text, &need))
    return COACH_E_NOMEM;
  coach_rc rc = COACH_OK;
  bool voice_set = false;
  for(int id = 0; id < s->clips.count && !rc; id++) {
    clip *c = &s->clips.items[id];
    if(!need[id] || c->samples || !text[id])
      continue;
    if(!voice_set) { /* a fresh worker, or a `say` in between, may speak otherwise */
      rc = sp->set_voice(sp->ctx, &s->voice, why, why_len);
      voice_set = true;
      if(rc)
        break;
    }
    int16_t *pcm = NULL;
    int64_t n = 0;
    rc = sp->synth(sp->ctx, text[id], &pcm, &n);
    if(rc) {
      snprintf(why, why_len, "could not speak \"%.60s\" again: %s", text[id],
               sp->last_error(sp->ctx));
      break;
    }
    /* eSpeak NG does not give the very same samples twice (a line's length varies by ~1 ms
     * from one synthesis to the next): the timeline's length wins, so nothing after the line
     * moves, and a line cut short is faded over its last 2 ms rather than clipped. */
    if(n > c->frames) {
      int64_t fade = c->frames < SCORE_RATE / 500 ? c->frames : SCORE_RATE / 500;
      for(int64_t i = 0; i < fade; i++) {
        int16_t *x = &pcm[c->frames - fade + i];
        *x = (int16_t)lrintf((float)*x * (float)(fade - i) / (float)fade);
      }
    }
    if(n != c->frames) {
      int16_t *fit = realloc(pcm, (size_t)(c->frames > 0 ? c->frames : 1) * sizeof(*fit));
      if(!fit) {
        free(pcm);
        rc = COACH_E_NOMEM;
        break;
      }
      if(n < c->frames)
        memset(fit + n, 0, (size_t)(c->frames - n) * sizeof(*fit));
      pcm = fit;
    }
    c->samples = pcm;
  }
  free(text);
  return rc;
}

void score_release(score *s, int64_t from, int64_t to)
{
  const char **text;
  bool *need;
  if(s->clips.count == 0 || clip_uses(s, from, to, &text, &need))
    return; /* keeping memory is always safe */
  for(int id = 0; id < s->clips.count; id++) {
    clip *c = &s->clips.items[id];
    if(!need[id] && c->samples && text[id]) { /* `say` lines have no cue: kept */
      free(c->samples);
      c->samples = NULL;
    }
  }
  free(text);
}

coach_rc score_add_line(const speaker *sp, score *s, const char *text, int *clip_id, char *why,
                        size_t why_len)
{
  int64_t frames;
  speak_ctx ctx = {.sp = sp, .clips = &s->clips, .keep_frames = INT64_MAX};
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
