/* The routine loader on any bytes, then, for what it accepts, the length choice and the
 * timeline built from it (a stand-in for speech, as in tests/unit/test_timeline.c).
 *
 * Properties checked besides "no crash, no leak, no undefined behaviour":
 *   - all or nothing: a refusal leaves *out untouched and says at least one thing;
 *   - an accepted routine is whole: every index in range, every name and text present;
 *   - its timeline is contiguous and sorted.
 * Seeds: tests/data/bad, tests/data/routines, config/routines (see tests/fuzz/run). */
#include <string.h>

#include "fuzz.h"
#include "routine.h"
#include "timeline.h"

#define RATE 8000 /* layout cost does not depend on it; frames stay small */

static coach_rc fake_speak(void *ctx, const char *text, int *clip_id, int64_t *frames)
{
  int *n = ctx;
  *clip_id = (*n)++;
  *frames = (int64_t)strlen(text) * RATE / 16 + 1;
  return COACH_OK;
}

static void check_routine(const routine *r)
{
  FUZZ_ASSERT(r->name && r->title && r->summary);
  FUZZ_ASSERT(r->n_steps >= 1 && r->n_steps <= ROUTINE_STEPS_MAX);
  FUZZ_ASSERT(r->n_sequence >= 1);
  for(int i = 0; i < r->n_sequence; i++)
    FUZZ_ASSERT(r->sequence[i] >= 0 && r->sequence[i] < r->n_steps);
  for(int i = 0; i < r->n_steps; i++) {
    const routine_step *s = &r->steps[i];
    FUZZ_ASSERT(s->name && strlen(s->name) <= ROUTINE_NAME_MAX);
    FUZZ_ASSERT(s->n_children >= 0 && s->n_children <= ROUTINE_CHILDREN_MAX);
    for(int k = 0; k < s->n_children; k++)
      FUZZ_ASSERT(s->children[k] >= 0 && s->children[k] < r->n_steps && s->children[k] != i);
    FUZZ_ASSERT(s->n_reminders >= 0 && s->n_reminders <= ROUTINE_REMINDERS_MAX);
    for(int k = 0; k < s->n_reminders; k++)
      FUZZ_ASSERT(s->reminders[k] != NULL);
    FUZZ_ASSERT(s->n_sides >= 0 && s->n_sides <= ROUTINE_SIDES_MAX);
    for(int k = 0; k < s->n_sides; k++)
      FUZZ_ASSERT(s->sides[k] != NULL);
    if(s->kind == STEP_SAY)
      FUZZ_ASSERT(s->text && strlen(s->text) <= ROUTINE_TEXT_MAX);
    if(s->kind == STEP_REPEAT)
      FUZZ_ASSERT(s->times >= 1 && s->times <= ROUTINE_REPEAT_MAX);
    if(s->kind == STEP_HOLD)
      FUZZ_ASSERT(s->count >= 0 && s->count <= ROUTINE_COUNT_MAX);
    if(s->kind == STEP_WAIT)
      FUZZ_ASSERT(s->text && s->for_ms > 0);
  }
  /* Complete cue words: the timeline speaks them without checking. */
  FUZZ_ASSERT(r->language && !cues_missing(&r->cues));
  if(r->has_length)
    FUZZ_ASSERT(r->min_length_ms <= r->length_ms && r->length_ms <= r->max_length_ms);
}

static void check_timeline(const timeline *t)
{
  FUZZ_ASSERT(t->n_steps >= 2 && t->steps[0].start == 0);
  for(size_t i = 1; i < t->n_steps; i++)
    FUZZ_ASSERT(t->steps[i].start == t->steps[i - 1].start + t->steps[i - 1].frames);
  FUZZ_ASSERT(t->steps[t->n_steps - 1].start + t->steps[t->n_steps - 1].frames == t->frames);
  for(size_t i = 0; i < t->n_steps; i++)
    if(t->steps[i].kind == STEP_WAIT)
      FUZZ_ASSERT(t->steps[i].wait_at >= t->steps[i].start &&
                  t->steps[i].wait_at < t->steps[i].start + t->steps[i].frames);
  for(size_t i = 1; i < t->n_cues; i++)
    FUZZ_ASSERT(t->cues[i].start >= t->cues[i - 1].start);
  for(size_t i = 0; i < t->n_cues; i++)
    FUZZ_ASSERT(t->cues[i].step >= 0 && (size_t)t->cues[i].step < t->n_steps);
  /* Positions as status reads them: a few frames across the session and past its end. */
  for(int k = 0; k <= 8; k++) {
    int64_t frame = t->frames / 8 * k + k;
    FUZZ_ASSERT(timeline_step_at(t, frame) < t->n_steps);
    (void)timeline_breath_phase(t, frame);
  }
}

static void layout(const routine *r, const char *length)
{
  int64_t ms = -12345;
  char why[256];
  if(routine_choose_length(r, length, &ms, why, sizeof(why)) != COACH_OK) {
    FUZZ_ASSERT(ms == -12345); /* untouched on failure */
    return;
  }
  int clips = 0;
  timeline *t = NULL;
  if(timeline_build(r, ms, RATE, fake_speak, &clips, &t, why, sizeof(why)) == COACH_OK) {
    check_timeline(t);
    timeline_free(t);
  }
  else
    FUZZ_ASSERT(t == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static routine sentinel;
  routine *r = &sentinel;
  coach_diag diag;
  coach_rc rc = routine_load_buffer((const char *)data, size, "fuzz", "fuzz.ini", &r, &diag);
  char line[COACH_DIAG_MSG + 300];
  for(int i = 0; i < diag.count && i < COACH_DIAG_MAX; i++) {
    coach_diag_format(&diag, i, line, sizeof(line));
    FUZZ_ASSERT(strlen(line) < sizeof(line));
  }
  if(rc != COACH_OK) {
    FUZZ_ASSERT(r == &sentinel);
    FUZZ_ASSERT(diag.count > 0);
    return 0;
  }
  FUZZ_ASSERT(r != NULL && r != &sentinel);
  check_routine(r);
  layout(r, NULL);
  if(r->has_length) {
    layout(r, "1m30s");
    layout(r, "15 m");
  }
  else
    layout(r, "1m"); /* refused: no adjustable length */
  routine_free(r);
  return 0;
}
