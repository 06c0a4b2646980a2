#include "timeline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentence.h"
#include "tone.h"

/* Strings the timeline owns (labels, spoken texts after substitution). */
struct timeline_strings {
  char **items;
  size_t count, capacity;
};

/* A text already given to the speak function: each distinct text is synthesised once. */
typedef struct spoken {
  const char *text; /* in the string pool */
  int clip;
  int64_t frames;
} spoken;

/* What {side}, {n} and {times} stand for while a block is being laid out. */
typedef struct block_context {
  const char *side;
  int round, rounds;
} block_context;

typedef struct builder {
  const routine *r;
  int64_t length_ms;
  int rate;
  timeline_speak_fn speak;
  void *speak_ctx;
  timeline *t;
  size_t cue_capacity, step_capacity;
  spoken *spoken;
  size_t n_spoken, spoken_capacity;
  int64_t pos; /* where the next step begins */
  int64_t limit;
  char *why;
  size_t why_len;
} builder;

#define HOLD_TAIL_MS 2000        /* the end chime rings before anything else is said */
#define HALFWAY_MARGIN_MS 500    /* quiet kept between a cue inside a hold and the next one */
#define REMIND_SPREAD_MIN_MS 30000 /* breathing reminders never come closer than this */

static coach_rc fail(builder *b, coach_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static coach_rc fail(builder *b, coach_rc rc, const char *fmt, ...)
{
  if(b->why && b->why_len) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->why, b->why_len, fmt, ap);
    va_end(ap);
  }
  return rc;
}

static int64_t ms_frames(const builder *b, int64_t ms)
{
  return timeline_ms_to_frames(ms, b->rate);
}

static coach_rc pool_take(struct timeline_strings *pool, char *s, const char **out)
{
  if(pool->count == pool->capacity) {
    size_t cap = pool->capacity ? pool->capacity * 2 : 64;
    char **items = realloc(pool->items, cap * sizeof(*items));
    if(!items) {
      free(s);
      return COACH_E_NOMEM;
    }
    pool->items = items;
    pool->capacity = cap;
  }
  pool->items[pool->count++] = s;
  *out = s;
  return COACH_OK;
}

static coach_rc pool_printf(struct timeline_strings *pool, const char **out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static coach_rc pool_printf(struct timeline_strings *pool, const char **out, const char *fmt, ...)
{
  va_list ap;
  char *s = NULL;
  va_start(ap, fmt);
  int n = vasprintf(&s, fmt, ap);
  va_end(ap);
  if(n < 0)
    return COACH_E_NOMEM;
  return pool_take(pool, s, out);
}

/* Replaces {side}, {n}, {times}, {minutes} and {seconds}; other braces stay as written. */
static coach_rc substitute(builder *b, const char *text, const block_context *ctx,
                           const char **out)
{
  size_t cap = strlen(text) + 64, len = 0;
  char *s = malloc(cap);
  if(!s)
    return COACH_E_NOMEM;
  for(const char *p = text; *p;) {
    char num[24];
    const char *rep = NULL;
    size_t skip = 0;
    if(!strncmp(p, "{side}", 6) && ctx->side) {
      rep = ctx->side;
      skip = 6;
    }
    else if(!strncmp(p, "{n}", 3) && ctx->rounds) {
      snprintf(num, sizeof(num), "%d", ctx->round);
      rep = num;
      skip = 3;
    }
    else if(!strncmp(p, "{times}", 7) && ctx->rounds) {
      snprintf(num, sizeof(num), "%d", ctx->rounds);
      rep = num;
      skip = 7;
    }
    else if(!strncmp(p, "{minutes}", 9)) {
      snprintf(num, sizeof(num), "%lld", (long long)((b->length_ms + 30000) / 60000));
      rep = num;
      skip = 9;
    }
    else if(!strncmp(p, "{seconds}", 9)) {
      snprintf(num, sizeof(num), "%lld", (long long)((b->length_ms + 500) / 1000));
      rep = num;
      skip = 9;
    }
    size_t add = rep ? strlen(rep) : 1;
    if(len + add + 1 > cap) {
      cap = (len + add + 1) * 2;
      char *grown = realloc(s, cap);
      if(!grown) {
        free(s);
        return COACH_E_NOMEM;
      }
      s = grown;
    }
    if(rep) {
      memcpy(s + len, rep, add);
      p += skip;
    }
    else
      s[len] = *p++;
    len += add;
  }
  s[len] = '\0';
  return pool_take(b->t->strings, s, out);
}

static coach_rc add_cue(builder *b, int64_t start, int64_t frames, cue_kind kind, int clip,
                        const char *text)
{
  timeline *t = b->t;
  if(t->n_cues >= TIMELINE_CUES_MAX)
    return fail(b, COACH_E_LIMIT, "the session has more than %d sounds", TIMELINE_CUES_MAX);
  if(t->n_cues == b->cue_capacity) {
    size_t cap = b->cue_capacity ? b->cue_capacity * 2 : 256;
    cue *cues = realloc(t->cues, cap * sizeof(*cues));
    if(!cues)
      return COACH_E_NOMEM;
    t->cues = cues;
    b->cue_capacity = cap;
  }
  cue *c = &t->cues[t->n_cues++];
  c->start = start;
  c->frames = frames;
  c->kind = kind;
  c->clip = clip;
  c->step = (int)t->n_steps - 1;
  c->text = text;
  if(frames > t->longest_cue)
    t->longest_cue = frames;
  return COACH_OK;
}

/* One sentence from frame start, spoken once however often it is heard. */
static coach_rc add_sentence(builder *b, const char *text, int64_t start, int64_t *frames)
{
  const spoken *hit = NULL;
  for(size_t i = 0; i < b->n_spoken; i++) {
    if(!strcmp(b->spoken[i].text, text)) {
      hit = &b->spoken[i];
      break;
    }
  }
  if(!hit) {
    if(b->n_spoken == b->spoken_capacity) {
      size_t cap = b->spoken_capacity ? b->spoken_capacity * 2 : 64;
      spoken *grown = realloc(b->spoken, cap * sizeof(*grown));
      if(!grown)
        return COACH_E_NOMEM;
      b->spoken = grown;
      b->spoken_capacity = cap;
    }
    spoken *s = &b->spoken[b->n_spoken];
    s->text = text;
    coach_rc rc = b->speak(b->speak_ctx, text, &s->clip, &s->frames);
    if(rc)
      return fail(b, rc, "could not speak \"%.60s\": %s", text, coach_rc_str(rc));
    b->n_spoken++;
    hit = s;
  }
  *frames = hit->frames;
  return add_cue(b, start, hit->frames, CUE_SPEECH, hit->clip, text);
}

/* Speaks text (after substitution) from frame start, a sentence at a time with
 * TIMELINE_SENTENCE_GAP_MS between them; *frames gets the whole length. */
static coach_rc add_speech(builder *b, const char *raw, const block_context *ctx, int64_t start,
                           int64_t *frames)
{
  const char *text;
  coach_rc rc = substitute(b, raw, ctx, &text);
  if(rc)
    return rc;
  int64_t at = start, gap = ms_frames(b, TIMELINE_SENTENCE_GAP_MS);
  size_t pos = 0, from, len;
  bool first = true;
  while(sentence_next(text, &pos, &from, &len)) {
    const char *sentence;
    char *copy = strndup(text + from, len);
    if(!copy)
      return COACH_E_NOMEM;
    rc = pool_take(b->t->strings, copy, &sentence);
    int64_t said = 0;
    if(!rc)
      rc = add_sentence(b, sentence, at + (first ? 0 : gap), &said);
    if(rc)
      return rc;
    at += (first ? 0 : gap) + said;
    first = false;
  }
  *frames = at - start;
  return COACH_OK;
}

static coach_rc add_chime(builder *b, int64_t start, cue_kind kind, int64_t *frames)
{
  tone_kind tk = kind == CUE_CHIME_START ? TONE_CHIME_START
                 : kind == CUE_CHIME_END ? TONE_CHIME_END
                                          : TONE_CHIME;
  int64_t len = tone_chime_frames(tk, b->rate);
  if(frames)
    *frames = len;
  return add_cue(b, start, len, kind, -1, NULL);
}

static coach_rc begin_step(builder *b, const routine_step *s, const block_context *ctx,
                           const char *label_override)
{
  timeline *t = b->t;
  if(t->n_steps >= TIMELINE_STEPS_MAX)
    return fail(b, COACH_E_LIMIT, "the session has more than %d steps once expanded",
                TIMELINE_STEPS_MAX);
  if(t->n_steps == b->step_capacity) {
    size_t cap = b->step_capacity ? b->step_capacity * 2 : 64;
    timeline_step *steps = realloc(t->steps, cap * sizeof(*steps));
    if(!steps)
      return COACH_E_NOMEM;
    t->steps = steps;
    b->step_capacity = cap;
  }
  timeline_step *ts = &t->steps[t->n_steps];
  memset(ts, 0, sizeof(*ts));
  ts->start = b->pos;
  ts->kind = s ? s->kind : STEP_CHIME;
  ts->name = s ? s->name : "";

  const char *base = label_override ? label_override : s->name;
  coach_rc rc;
  if(ctx->side && ctx->rounds)
    rc = pool_printf(t->strings, &ts->label, "%s (%s side, round %d of %d)", base, ctx->side,
                     ctx->round, ctx->rounds);
  else if(ctx->side)
    rc = pool_printf(t->strings, &ts->label, "%s (%s side)", base, ctx->side);
  else if(ctx->rounds)
    rc = pool_printf(t->strings, &ts->label, "%s (round %d of %d)", base, ctx->round,
                     ctx->rounds);
  else
    rc = pool_printf(t->strings, &ts->label, "%s", base);
  if(rc)
    return rc;
  t->n_steps++;
  return COACH_OK;
}

static coach_rc end_step(builder *b)
{
  timeline_step *ts = &b->t->steps[b->t->n_steps - 1];
  ts->frames = b->pos - ts->start;
  if(b->pos > b->limit)
    return fail(b, COACH_E_LIMIT, "the session would last longer than %lld minutes",
                (long long)(ROUTINE_SESSION_MAX_MS / 60000));
  return COACH_OK;
}

static int64_t step_duration_ms(const builder *b, const routine_step *s)
{
  return s->for_ms == ROUTINE_FOR_LENGTH ? b->length_ms : s->for_ms;
}

static coach_rc lay_say(builder *b, const routine_step *s, const block_context *ctx)
{
  int64_t frames;
  coach_rc rc = add_speech(b, s->text, ctx, b->pos, &frames);
  if(rc)
    return rc;
  b->pos += frames + ms_frames(b, s->after_ms);
  return COACH_OK;
}

/* Speaks text inside a hold from frame at, unless it would not end HALFWAY_MARGIN_MS before
 * `before`: then nothing is added and *fits is false. */
static coach_rc add_if_room(builder *b, const char *text, const block_context *ctx, int64_t at,
                            int64_t before, bool *fits, int64_t *quiet_until)
{
  size_t cues_before = b->t->n_cues;
  int64_t said;
  coach_rc rc = add_speech(b, text, ctx, at, &said);
  if(rc)
    return rc;
  *quiet_until = at + said + ms_frames(b, HALFWAY_MARGIN_MS);
  *fits = *quiet_until <= before;
  if(!*fits)
    b->t->n_cues = cues_before;
  return COACH_OK;
}

/* The hold is exact: its start chime sounds at hold_start and its end chime at
 * hold_start + for, to the frame. Spoken cues inside it are fitted around those two: the
 * halfway cue at half time, reminders at a quarter and three quarters, the count in the last
 * seconds; a cue that has no room is left out. */
static coach_rc lay_hold(builder *b, const routine_step *s, const block_context *ctx)
{
  int64_t frames;
  coach_rc rc = add_speech(b, s->text, ctx, b->pos, &frames);
  if(rc)
    return rc;
  int64_t hold_start = b->pos + frames + ms_frames(b, TIMELINE_HOLD_LEAD_MS);
  int64_t hold = ms_frames(b, step_duration_ms(b, s));
  int64_t second = b->rate;
  timeline_step *ts = &b->t->steps[b->t->n_steps - 1];
  ts->hold_start = hold_start;
  ts->hold_frames = hold;

  int64_t start_chime;
  rc = add_chime(b, hold_start, CUE_CHIME_START, &start_chime);
  if(rc)
    return rc;

  /* The count takes the last seconds, but never the first half: short holds count less. */
  int count = s->count;
  while(count > 0 && (int64_t)count * second > hold / 2)
    count--;
  int64_t count_start = hold_start + hold - (int64_t)count * second;
  int64_t first_free = hold_start + start_chime / 2; /* the start chime has mostly rung */

  int64_t half = hold_start + hold / 2, after_half = half;
  bool halfway = false;
  if(s->halfway && half >= first_free) {
    rc = add_if_room(b, s->halfway, ctx, half, count_start, &halfway, &after_half);
    if(rc)
      return rc;
  }
  int64_t free_from = first_free; /* where the quiet a reminder may use begins */
  for(int i = 0; i < s->n_reminders && i < ROUTINE_HOLD_REMINDERS_MAX; i++) {
    int64_t at = hold_start + hold * (2 * i + 1) / 4, quiet = free_from;
    int64_t before = i == 0 && halfway ? half : count_start;
    if(i == 1 && halfway && after_half > free_from)
      free_from = after_half;
    bool fits = false;
    if(at >= free_from) {
      rc = add_if_room(b, s->reminders[i], ctx, at, before, &fits, &quiet);
      if(rc)
        return rc;
    }
    if(fits)
      free_from = quiet;
  }
  for(int k = count; k >= 1; k--) {
    int64_t said;
    block_context plain = {0};
    rc = add_speech(b, b->r->cues.count[k - 1], &plain, hold_start + hold - (int64_t)k * second,
                    &said);
    if(rc)
      return rc;
  }
  rc = add_chime(b, hold_start + hold, CUE_CHIME_END, NULL);
  if(rc)
    return rc;
  b->pos = hold_start + hold + ms_frames(b, HOLD_TAIL_MS);
  return COACH_OK;
}

/* How often reminders come: every remind_ms, or more often when the breathing is too short
 * for each of them to be heard once at that pace (evenly spread then, but never closer than
 * REMIND_SPREAD_MIN_MS), so that every reminder is heard rather than the first few again. */
static int64_t remind_interval_ms(const routine_step *s, int64_t breathing_ms)
{
  int64_t spread = breathing_ms / (s->n_reminders + 1);
  if(spread >= s->remind_ms)
    return s->remind_ms;
  return spread > REMIND_SPREAD_MIN_MS ? spread : REMIND_SPREAD_MIN_MS;
}

/* Whole cycles only, so every breath is the pattern exactly and the clock never drifts:
 * cycle k starts at breath_start + k * cycle, computed by multiplication, not summed. */
static coach_rc lay_breathe(builder *b, const routine_step *s, const block_context *ctx)
{
  const breath_pattern *p = &s->pattern;
  int64_t cycle_ms = breath_pattern_cycle_ms(p);
  int64_t cycles = s->breaths > 0 ? s->breaths : step_duration_ms(b, s) / cycle_ms;
  if(cycles < 1)
    cycles = 1;
  int64_t cycle = ms_frames(b, cycle_ms);
  int64_t in = ms_frames(b, p->in_ms);
  int64_t out_at = ms_frames(b, p->in_ms + p->hold_in_ms);
  int64_t out = ms_frames(b, p->out_ms);
  int64_t start = b->pos;
  timeline_step *ts = &b->t->steps[b->t->n_steps - 1];
  ts->pattern = *p;
  ts->cycles = (int)cycles;
  ts->breath_start = start;

  int64_t interval = 0, next_reminder = -1;
  if(s->remind_ms > 0 && s->n_reminders > 0) {
    interval = ms_frames(b, remind_interval_ms(s, cycles * cycle_ms));
    next_reminder = start + interval;
  }
  int reminder = 0;
  block_context plain = {0};
  for(int64_t k = 0; k < cycles; k++) {
    int64_t t0 = start + k * cycle;
    int64_t said;
    coach_rc rc = add_cue(b, t0, in, CUE_BREATH_IN, -1, NULL);
    if(!rc)
      rc = add_cue(b, t0 + out_at, out, CUE_BREATH_OUT, -1, NULL);
    if(!rc && k < s->guide) {
      rc = add_speech(b, b->r->cues.breathe_in, &plain, t0, &said);
      if(!rc)
        rc = add_speech(b, b->r->cues.breathe_out, &plain, t0 + out_at, &said);
    }
    /* Reminders wait for the guided breaths and never start in the last breath. One about
     * breathing in starts as the in-tone does, any other as the out-tone does: the longer,
     * quieter half, and never "as you breathe out" while the person breathes in. */
    if(!rc && next_reminder >= 0 && t0 >= next_reminder && k >= s->guide && k + 1 < cycles) {
      int which = reminder % s->n_reminders;
      rc = add_speech(b, s->reminders[which], ctx, t0 + (s->remind_on_in[which] ? 0 : out_at),
                      &said);
      reminder++;
      next_reminder += interval;
    }
    if(rc)
      return rc;
  }
  b->pos = start + cycles * cycle;
  return COACH_OK;
}

/* The text, then the point where live playback waits for the person (wait_at); a render
 * puts the step's quiet in the wait's place, and the step ends after it. */
static coach_rc lay_wait(builder *b, const routine_step *s, const block_context *ctx)
{
  int64_t frames;
  coach_rc rc = add_speech(b, s->text, ctx, b->pos, &frames);
  if(rc)
    return rc;
  timeline_step *ts = &b->t->steps[b->t->n_steps - 1];
  ts->wait_at = b->pos + frames;
  b->pos = ts->wait_at + ms_frames(b, s->for_ms);
  return COACH_OK;
}

static coach_rc lay_steps(builder *b, const int *indices, int n, const block_context *ctx,
                          int depth);

static coach_rc lay_step(builder *b, const routine_step *s, const block_context *ctx,
                         int depth)
{
  coach_rc rc = COACH_OK;
  if(depth > ROUTINE_NEST_MAX + 1)
    return fail(b, COACH_E_LIMIT, "steps nest deeper than %d", ROUTINE_NEST_MAX);

  if(s->kind == STEP_SIDES) {
    for(int i = 0; i < s->n_sides && !rc; i++) {
      block_context side = *ctx;
      side.side = s->sides[i];
      if(i > 0) {
        int64_t frames;
        rc = begin_step(b, s, &side, "switch sides");
        if(!rc)
          rc = add_speech(b, s->text, &side, b->pos, &frames);
        if(rc)
          return rc;
        b->pos += frames + ms_frames(b, s->after_ms);
        rc = end_step(b);
      }
      if(!rc)
        rc = lay_steps(b, s->children, s->n_children, &side, depth + 1);
    }
    return rc;
  }
  if(s->kind == STEP_REPEAT) {
    for(int i = 1; i <= s->times && !rc; i++) {
      block_context round = *ctx;
      round.round = i;
      round.rounds = s->times;
      if(i > 1 && s->text) {
        int64_t frames;
        rc = begin_step(b, s, &round, s->name);
        if(!rc)
          rc = add_speech(b, s->text, &round, b->pos, &frames);
        if(rc)
          return rc;
        b->pos += frames + ms_frames(b, s->after_ms);
        rc = end_step(b);
      }
      if(!rc)
        rc = lay_steps(b, s->children, s->n_children, &round, depth + 1);
    }
    return rc;
  }

  rc = begin_step(b, s, ctx, NULL);
  if(rc)
    return rc;
  switch(s->kind) {
  case STEP_SAY: rc = lay_say(b, s, ctx); break;
  case STEP_HOLD: rc = lay_hold(b, s, ctx); break;
  case STEP_BREATHE: rc = lay_breathe(b, s, ctx); break;
  case STEP_WAIT: rc = lay_wait(b, s, ctx); break;
  case STEP_PAUSE: b->pos += ms_frames(b, step_duration_ms(b, s)); break;
  case STEP_CHIME: {
    int64_t frames;
    rc = add_chime(b, b->pos, CUE_CHIME, &frames);
    b->pos += frames;
    break;
  }
  default: break;
  }
  if(rc)
    return rc;
  return end_step(b);
}

static coach_rc lay_steps(builder *b, const int *indices, int n, const block_context *ctx,
                          int depth)
{
  for(int i = 0; i < n; i++) {
    coach_rc rc = lay_step(b, &b->r->steps[indices[i]], ctx, depth);
    if(rc)
      return rc;
  }
  return COACH_OK;
}

static int cue_order(const void *pa, const void *pb)
{
  const cue *a = pa, *b = pb;
  if(a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return (int)a->kind - (int)b->kind;
}

static coach_rc lay_session(builder *b)
{
  block_context none = {0};
  int64_t frames;
  coach_rc rc = begin_step(b, NULL, &none, "opening");
  if(!rc)
    rc = add_chime(b, 0, CUE_CHIME, &frames);
  if(rc)
    return rc;
  b->pos = ms_frames(b, TIMELINE_LEAD_IN_MS);
  rc = end_step(b);
  if(!rc)
    rc = lay_steps(b, b->r->sequence, b->r->n_sequence, &none, 0);
  if(!rc)
    rc = begin_step(b, NULL, &none, "closing");
  if(!rc)
    rc = add_chime(b, b->pos, CUE_CHIME, &frames);
  if(rc)
    return rc;
  b->pos += ms_frames(b, TIMELINE_TAIL_MS);
  rc = end_step(b);
  if(rc)
    return rc;
  b->t->frames = b->pos;
  qsort(b->t->cues, b->t->n_cues, sizeof(cue), cue_order);
  return COACH_OK;
}

coach_rc timeline_build(const routine *r, int64_t length_ms, int rate, timeline_speak_fn speak,
                        void *speak_ctx, timeline **out, char *why, size_t why_len)
{
  if(!r || rate < 8000 || rate > 192000 || !speak)
    return COACH_E_INVALID;
  timeline *t = calloc(1, sizeof(*t));
  if(!t)
    return COACH_E_NOMEM;
  t->strings = calloc(1, sizeof(*t->strings));
  if(!t->strings) {
    free(t);
    return COACH_E_NOMEM;
  }
  t->rate = rate;
  builder b = {.r = r, .length_ms = length_ms, .rate = rate, .speak = speak,
               .speak_ctx = speak_ctx, .t = t, .why = why, .why_len = why_len};
  b.limit = timeline_ms_to_frames(ROUTINE_SESSION_MAX_MS, rate);
  coach_rc rc = pool_printf(t->strings, (const char **)&t->title, "%s",
                            r->title ? r->title : r->name);
  if(!rc)
    rc = lay_session(&b);
  free(b.spoken);
  if(rc) {
    if(rc == COACH_E_NOMEM && why && why_len)
      snprintf(why, why_len, "out of memory while laying out the session");
    timeline_free(t);
    return rc;
  }
  *out = t;
  return COACH_OK;
}

void timeline_free(timeline *t)
{
  if(!t)
    return;
  if(t->strings) {
    for(size_t i = 0; i < t->strings->count; i++)
      free(t->strings->items[i]);
    free(t->strings->items);
    free(t->strings);
  }
  free(t->cues);
  free(t->steps);
  free(t);
}

size_t timeline_step_at(const timeline *t, int64_t frame)
{
  size_t lo = 0, hi = t->n_steps;
  if(!t->n_steps)
    return 0;
  while(hi - lo > 1) { /* last step whose start <= frame */
    size_t mid = lo + (hi - lo) / 2;
    if(t->steps[mid].start <= frame)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

const char *timeline_breath_phase(const timeline *t, int64_t frame)
{
  if(!t->n_steps)
    return NULL;
  const timeline_step *s = &t->steps[timeline_step_at(t, frame)];
  if(s->kind != STEP_BREATHE || frame < s->breath_start || frame >= s->start + s->frames)
    return NULL;
  const breath_pattern *p = &s->pattern;
  int64_t ms = ((frame - s->breath_start) * 1000 / t->rate) % breath_pattern_cycle_ms(p);
  if(ms < p->in_ms)
    return "in";
  if(ms < p->in_ms + p->hold_in_ms)
    return "hold";
  if(ms < p->in_ms + p->hold_in_ms + p->out_ms)
    return "out";
  return "hold";
}

size_t timeline_first_cue_near(const timeline *t, int64_t frame)
{
  int64_t from = frame - t->longest_cue;
  size_t lo = 0, hi = t->n_cues;
  while(lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if(t->cues[mid].start < from)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int64_t timeline_resume_point(const timeline *t, int64_t frame)
{
  if(!t->n_steps || frame <= 0)
    return 0;
  if(frame > t->frames)
    frame = t->frames;
  const timeline_step *s = &t->steps[timeline_step_at(t, frame)];
  if(s->kind == STEP_HOLD)
    return s->start;
  if(s->kind == STEP_BREATHE && s->cycles > 0 && frame >= s->breath_start) {
    int64_t cycle = timeline_ms_to_frames(breath_pattern_cycle_ms(&s->pattern), t->rate);
    int64_t k = (frame - s->breath_start) / cycle;
    if(k < s->cycles)
      return s->breath_start + k * cycle;
  }
  for(size_t i = timeline_first_cue_near(t, frame); i < t->n_cues && t->cues[i].start <= frame;
      i++) {
    const cue *c = &t->cues[i];
    if(c->kind == CUE_SPEECH && c->start + c->frames > frame)
      return c->start;
  }
  return frame;
}
