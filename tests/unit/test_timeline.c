/* Timeline layout: exact holds, exact breathing cycles, sides and repeats, contiguity.
 * Speech lengths come from a stand-in (one second per 16 characters) so layout can be
 * checked to the frame; tests/audio/ does the same with real eSpeak NG. */
#include "check.h"
#include "timeline.h"

#define RATE 48000

static int64_t speech_frames(const char *text)
{
  return (int64_t)strlen(text) * RATE / 16;
}

static coach_rc fake_speak(void *ctx, const char *text, int *clip_id, int64_t *frames)
{
  int *n = ctx;
  *clip_id = (*n)++;
  *frames = speech_frames(text);
  return COACH_OK;
}

static timeline *build(const char *ini, const char *length, routine **rout)
{
  coach_diag d;
  routine *r = NULL;
  coach_diag_init(&d, "test.ini");
  coach_rc rc = routine_load_buffer(ini, strlen(ini), "test", "test.ini", &r, &d);
  for(int i = 0; i < d.count && i < COACH_DIAG_MAX; i++)
    fprintf(stderr, "diag: %d: %s\n", d.entries[i].line, d.entries[i].message);
  CHECK(rc == COACH_OK);
  if(rc)
    return NULL;
  int64_t len = 0;
  char why[256];
  CHECK(routine_choose_length(r, length, &len, why, sizeof(why)) == COACH_OK);
  int clips = 0;
  timeline *t = NULL;
  rc = timeline_build(r, len, RATE, fake_speak, &clips, &t, why, sizeof(why));
  CHECKF(rc == COACH_OK, "%s", why);
  *rout = r;
  return t;
}

static void check_contiguous(const timeline *t)
{
  CHECK(t->n_steps >= 2 && t->steps[0].start == 0);
  for(size_t i = 1; i < t->n_steps; i++)
    CHECKF(t->steps[i].start == t->steps[i - 1].start + t->steps[i - 1].frames,
           "step %zu does not follow step %zu", i, i - 1);
  CHECK(t->steps[t->n_steps - 1].start + t->steps[t->n_steps - 1].frames == t->frames);
  for(size_t i = 1; i < t->n_cues; i++)
    CHECK(t->cues[i].start >= t->cues[i - 1].start);
}

static const cue *find_cue(const timeline *t, cue_kind kind, int nth)
{
  for(size_t i = 0; i < t->n_cues; i++)
    if(t->cues[i].kind == kind && nth-- == 0)
      return &t->cues[i];
  return NULL;
}

static void test_breathing(void)
{
  static const char ini[] =
      "[routine]\ntitle = B\nsummary = s\nsteps = intro, breathe\n"
      "length = 10m\nmin_length = 5m\nmax_length = 15m\n"
      "[step intro]\ndo = say\ntext = Lie down.\n"
      "[step breathe]\ndo = breathe\nfor = length\npattern = 4-0-6-0\nguide = 2\n"
      "remind = 3m\nreminder = Let your belly rise.\n";
  routine *r;
  timeline *t = build(ini, "15m", &r);
  if(!t)
    return;
  check_contiguous(t);
  const timeline_step *b = &t->steps[2];
  CHECK(b->kind == STEP_BREATHE);
  CHECK(b->cycles == 90);
  CHECK(b->frames == 90LL * 10 * RATE); /* 15 minutes, to the frame */
  int ins = 0, outs = 0, reminders = 0, guides = 0;
  for(size_t i = 0; i < t->n_cues; i++) {
    const cue *c = &t->cues[i];
    if(c->kind == CUE_BREATH_IN) {
      CHECK(c->start == b->breath_start + (int64_t)ins * 10 * RATE);
      CHECK(c->frames == 4 * RATE);
      ins++;
    }
    if(c->kind == CUE_BREATH_OUT) {
      CHECK(c->start == b->breath_start + (int64_t)outs * 10 * RATE + 4 * RATE);
      CHECK(c->frames == 6 * RATE);
      outs++;
    }
    if(c->kind == CUE_SPEECH && !strcmp(c->text, "Let your belly rise."))
      reminders++;
    if(c->kind == CUE_SPEECH && !strcmp(c->text, "Breathe in."))
      guides++;
  }
  CHECK(ins == 90 && outs == 90);
  CHECK(guides == 2);
  CHECKF(reminders == 4, "%d reminders in 15 minutes every 3", reminders); /* 3,6,9,12 min */
  int64_t at = b->breath_start + 37 * 10 * RATE;
  CHECK(!strcmp(timeline_breath_phase(t, at + RATE), "in"));
  CHECK(!strcmp(timeline_breath_phase(t, at + 5 * RATE), "out"));
  CHECK(timeline_breath_phase(t, 10) == NULL);
  CHECK(timeline_step_at(t, at) == 2);
  timeline_free(t);
  routine_free(r);

  t = build(ini, NULL, &r); /* default 10m */
  if(t)
    CHECK(t->steps[2].cycles == 60);
  timeline_free(t);
  routine_free(r);
}

static void test_hold_sides(void)
{
  static const char ini[] =
      "[routine]\ntitle = H\nsummary = s\nsteps = each\n"
      "length = 30s\nmin_length = 30s\nmax_length = 60s\n"
      "[step each]\ndo = sides\nsteps = pose, hold\nswitch = Change sides.\n"
      "[step pose]\ndo = say\ntext = Your {side} knee down.\n"
      "[step hold]\ndo = hold\nfor = length\ntext = Hold.\n";
  routine *r;
  timeline *t = build(ini, "45s", &r);
  if(!t)
    return;
  check_contiguous(t);
  for(int side = 0; side < 2; side++) {
    const cue *a = find_cue(t, CUE_CHIME_START, side), *e = find_cue(t, CUE_CHIME_END, side);
    CHECK(a && e);
    if(a && e)
      CHECKF(e->start - a->start == 45LL * RATE, "hold lasts %lld frames",
             (long long)(e->start - a->start));
  }
  CHECK(find_cue(t, CUE_CHIME_START, 2) == NULL);
  int left = 0, right = 0, counts = 0, halfway = 0;
  for(size_t i = 0; i < t->n_cues; i++) {
    const cue *c = &t->cues[i];
    if(c->kind != CUE_SPEECH)
      continue;
    left += !strcmp(c->text, "Your left knee down.");
    right += !strcmp(c->text, "Your right knee down.");
    counts += !strcmp(c->text, "One.") || !strcmp(c->text, "Five.");
    halfway += !strcmp(c->text, "Halfway.");
  }
  CHECK(left == 1 && right == 1);
  CHECK(counts == 4);  /* five ... one, on both sides */
  CHECK(halfway == 2);
  /* The count lands on whole seconds before the end chime. */
  const cue *e = find_cue(t, CUE_CHIME_END, 0);
  bool one_on_time = false;
  for(size_t i = 0; e && i < t->n_cues; i++)
    if(t->cues[i].kind == CUE_SPEECH && !strcmp(t->cues[i].text, "One."))
      one_on_time |= t->cues[i].start == e->start - RATE;
  CHECK(one_on_time);
  bool labelled = false;
  for(size_t i = 0; i < t->n_steps; i++)
    labelled |= !strcmp(t->steps[i].label, "hold (right side)");
  CHECK(labelled);
  timeline_free(t);
  routine_free(r);
}

static void test_repeat_short_hold(void)
{
  static const char ini[] =
      "[routine]\ntitle = R\nsummary = s\nsteps = rounds\n"
      "[step rounds]\ndo = repeat\ntimes = 3\nsteps = lift, hold\ntext = Again, round {n}.\n"
      "[step lift]\ndo = say\ntext = Lift.\n"
      "[step hold]\ndo = hold\nfor = 6s\ntext = Hold.\ncount = 5\n";
  routine *r;
  timeline *t = build(ini, NULL, &r);
  if(!t)
    return;
  check_contiguous(t);
  int lifts = 0, again = 0, fives = 0, threes = 0, halfway = 0;
  for(size_t i = 0; i < t->n_cues; i++) {
    const cue *c = &t->cues[i];
    if(c->kind != CUE_SPEECH)
      continue;
    lifts += !strcmp(c->text, "Lift.");
    again += !strncmp(c->text, "Again, round ", 13);
    fives += !strcmp(c->text, "Five.");
    threes += !strcmp(c->text, "Three.");
    halfway += !strcmp(c->text, "Halfway.");
  }
  CHECK(lifts == 3 && again == 2);
  CHECK(fives == 0 && threes == 3); /* a 6 s hold counts only its second half: 3, 2, 1 */
  CHECK(halfway == 0);              /* no room for it before the count */
  for(int k = 0; k < 3; k++) {
    const cue *a = find_cue(t, CUE_CHIME_START, k), *e = find_cue(t, CUE_CHIME_END, k);
    CHECK(a && e && e->start - a->start == 6LL * RATE);
  }
  timeline_free(t);
  routine_free(r);
}

static int count_text(const timeline *t, const char *text)
{
  int n = 0;
  for(size_t i = 0; i < t->n_cues; i++)
    n += t->cues[i].kind == CUE_SPEECH && !strcmp(t->cues[i].text, text);
  return n;
}

static const cue *find_text(const timeline *t, const char *text)
{
  for(size_t i = 0; i < t->n_cues; i++)
    if(t->cues[i].kind == CUE_SPEECH && !strcmp(t->cues[i].text, text))
      return &t->cues[i];
  return NULL;
}

/* Each sentence is a cue of its own, TIMELINE_SENTENCE_GAP_MS after the one before; a wait
 * speaks, marks its wait point and leaves its quiet; after = on sides and repeat. */
static void test_sentences_and_wait(void)
{
  static const char ini[] =
      "[routine]\ntitle = W\nsummary = s\nsteps = two, fetch, wait-default, each\n"
      "[step two]\ndo = say\ntext = First one. Then the second!\nafter = 2s\n"
      "[step fetch]\ndo = wait\ntext = Fetch a cushion.\nfor = 30s\n"
      "[step wait-default]\ndo = wait\ntext = Lie down.\n"
      "[step each]\ndo = sides\nsteps = pose\nswitch = Turn over.\nafter = 12s\n"
      "[step pose]\ndo = say\ntext = Your {side} side.\nafter = 0s\n";
  routine *r;
  timeline *t = build(ini, NULL, &r);
  if(!t)
    return;
  check_contiguous(t);
  const cue *a = find_text(t, "First one."), *b = find_text(t, "Then the second!");
  CHECK(a && b && b->start == a->start + a->frames + TIMELINE_SENTENCE_GAP_MS * RATE / 1000);
  const timeline_step *two = &t->steps[1], *fetch = &t->steps[2], *plain = &t->steps[3];
  CHECK(b && two->frames == b->start + b->frames + 2 * RATE - two->start);
  CHECK(fetch->kind == STEP_WAIT && plain->kind == STEP_WAIT);
  CHECK(fetch->wait_at == fetch->start + speech_frames("Fetch a cushion."));
  CHECK(fetch->start + fetch->frames == fetch->wait_at + 30LL * RATE);
  CHECK(plain->start + plain->frames ==
        plain->wait_at + (int64_t)ROUTINE_WAIT_DEFAULT_MS * RATE / 1000);
  const cue *turn = find_text(t, "Turn over."), *right = find_text(t, "Your right side.");
  CHECK(turn && right && right->start == turn->start + turn->frames + 12LL * RATE);
  timeline_free(t);
  routine_free(r);
}

/* Reminders in a hold: at a quarter and three quarters, around the halfway cue. */
static void test_hold_reminders(void)
{
  static const char ini[] =
      "[routine]\ntitle = H\nsummary = s\nsteps = hold, short\n"
      "[step hold]\ndo = hold\nfor = 60s\ntext = Hold.\nreminder = Breathe.\n"
      "reminder = Let go.\n"
      "[step short]\ndo = hold\nfor = 8s\ntext = Hold.\nreminder = A reminder far too long "
      "to fit.\ncount = 0\n";
  routine *r;
  timeline *t = build(ini, NULL, &r);
  if(!t)
    return;
  const timeline_step *h = &t->steps[1];
  const cue *q1 = find_text(t, "Breathe."), *q3 = find_text(t, "Let go.");
  CHECK(q1 && q1->start == h->hold_start + 15LL * RATE);
  CHECK(q3 && q3->start == h->hold_start + 45LL * RATE);
  CHECK(count_text(t, "Halfway.") == 2); /* in both holds */
  CHECK(count_text(t, "A reminder far too long to fit.") == 0); /* no room: left out */
  timeline_free(t);
  routine_free(r);
}

/* Breathing reminders: spread so each is heard at a short length, on the phase they name;
 * the length in words; the cue words a routine gives itself. */
static void test_breathing_reminders(void)
{
  static const char ini[] =
      "[routine]\ntitle = B\nsummary = s\nsteps = intro, breathe\n"
      "length = 5m\nmin_length = 5m\nmax_length = 15m\n"
      "[step intro]\ndo = say\ntext = We breathe for {minutes} minutes, {seconds} seconds.\n"
      "[step breathe]\ndo = breathe\nfor = length\npattern = 4-0-6-0\nguide = 1\n"
      "remind = 3m\nreminder = in: Belly up.\nreminder = out: Let go.\nreminder = Rest.\n"
      "reminder = Soft.\nreminder = Still.\n"
      "[cues]\nbreathe_in = Inhale now.\n";
  routine *r;
  timeline *t = build(ini, NULL, &r);
  if(!t)
    return;
  CHECK(count_text(t, "We breathe for 5 minutes, 300 seconds.") == 1);
  CHECK(count_text(t, "Inhale now.") == 1 && count_text(t, "And out.") == 1);
  const timeline_step *b = &t->steps[2];
  static const char *const said[] = {"Belly up.", "Let go.", "Rest.", "Soft.", "Still."};
  for(int i = 0; i < 5; i++) {
    const cue *c = find_text(t, said[i]);
    CHECKF(c && count_text(t, said[i]) == 1, "\"%s\" heard %d times", said[i],
           count_text(t, said[i]));
    if(!c)
      continue;
    /* every 50 s (5 minutes for five), on a breath: the first as the in-tone starts */
    int64_t offset = (c->start - b->breath_start) % (10LL * RATE);
    CHECKF(offset == (i == 0 ? 0 : 4LL * RATE), "\"%s\" starts %lld frames into a breath",
           said[i], (long long)offset);
    CHECK(c->start - b->breath_start >= 50LL * (i + 1) * RATE);
    CHECK(c->start - b->breath_start < 50LL * (i + 1) * RATE + 10LL * RATE);
  }
  timeline_free(t);
  routine_free(r);
}

int main(void)
{
  test_breathing();
  test_hold_sides();
  test_repeat_short_hold();
  test_sentences_and_wait();
  test_hold_reminders();
  test_breathing_reminders();
  return check_done();
}
