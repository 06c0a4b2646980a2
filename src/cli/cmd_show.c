/* coach show ROUTINE [LENGTH] — print the timeline: when each cue starts and what it says or
 * plays, so a routine can be checked before lying down with it. */
#include <stdio.h>

#include "offline.h"
#include "score.h"

static const char *cue_description(const cue *c)
{
  switch(c->kind) {
  case CUE_BREATH_IN: return "tone: breathe in";
  case CUE_BREATH_OUT: return "tone: breathe out";
  case CUE_CHIME: return "chime";
  case CUE_CHIME_START: return "chime: hold begins";
  case CUE_CHIME_END: return "chime: hold ends";
  default: return "";
  }
}

/* "13.5 s" or "5 min 0 s": for people, not for reading back. */
static void format_length(int64_t ms, char *buf, size_t len)
{
  if(ms < 60000)
    snprintf(buf, len, "%.1f s", (double)ms / 1000.0);
  else
    snprintf(buf, len, "%lld min %lld s", (long long)(ms / 60000), (long long)(ms % 60000 / 1000));
}

/* Where a live session waits for the person, and the quiet this timeline has there. */
static void print_wait(const timeline *t, const timeline_step *st)
{
  char clock[32], len[32];
  duration_format_clock(st->wait_at * 1000 / t->rate, clock, sizeof(clock));
  format_length((st->start + st->frames - st->wait_at) * 1000 / t->rate, len, sizeof(len));
  printf("%s    wait: a live session waits here until you carry on (coach resume); "
         "this timeline has %s of quiet\n", clock, len);
}

static void print_timeline(const timeline *t)
{
  char clock[32], len[32];
  duration_format_clock(t->frames * 1000 / t->rate, clock, sizeof(clock));
  printf("%s, %s\n", t->title, clock);
  size_t c = 0;
  for(size_t s = 0; s < t->n_steps; s++) {
    const timeline_step *st = &t->steps[s];
    duration_format_clock(st->start * 1000 / t->rate, clock, sizeof(clock));
    format_length(st->frames * 1000 / t->rate, len, sizeof(len));
    printf("\n%s  step %zu/%zu: %s (%s)\n", clock, s + 1, t->n_steps, st->label, len);
    if(st->kind == STEP_BREATHE && st->cycles > 0)
      printf("           %d breaths of %lld-%lld-%lld-%lld ms\n", st->cycles,
             (long long)st->pattern.in_ms, (long long)st->pattern.hold_in_ms,
             (long long)st->pattern.out_ms, (long long)st->pattern.hold_out_ms);
    for(; c < t->n_cues && t->cues[c].step == (int)s; c++) {
      const cue *q = &t->cues[c];
      /* Breath tones repeat for minutes: show the first breaths, then only speech. */
      if((q->kind == CUE_BREATH_IN || q->kind == CUE_BREATH_OUT) &&
         q->start >= st->breath_start + 2 * (st->frames / (st->cycles ? st->cycles : 1)))
        continue;
      duration_format_clock(q->start * 1000 / t->rate, clock, sizeof(clock));
      if(q->kind == CUE_SPEECH)
        printf("%s    say: %s\n", clock, q->text);
      else
        printf("%s    %s\n", clock, cue_description(q));
    }
    if(st->kind == STEP_WAIT) /* no cue lies in the wait's quiet */
      print_wait(t, st);
  }
}

int cli_run_show(const cli_command *self, int argc, char **argv)
{
  if(argc < 2 || argc > 3)
    return cli_usage(self);
  cli_session ses;
  int status = cli_session_prepare(argv[1], argc > 2 ? argv[2] : NULL, &ses);
  if(status)
    return status;
  print_timeline(ses.score->timeline);
  cli_session_free(&ses);
  return 0;
}
