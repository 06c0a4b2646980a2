/* coach render ROUTINE [LENGTH] -o FILE — the whole session into a sound file. */
#include <stdio.h>
#include <string.h>

#include "offline.h"
#include "render.h"
#include "score.h"

int cli_run_render(const cli_command *self, int argc, char **argv)
{
  const char *name = NULL, *length_text = NULL, *out = NULL;
  for(int i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
      if(++i >= argc)
        return cli_usage(self);
      out = argv[i];
    }
    else if(!name)
      name = argv[i];
    else if(!length_text)
      length_text = argv[i];
    else
      return cli_usage(self);
  }
  if(!name || !out)
    return cli_usage(self);

  cli_session ses;
  int status = cli_session_prepare(name, length_text, &ses);
  if(status)
    return status;
  char why[512] = "";
  render_stats st;
  if(render_to_file(ses.score, out, &st, why, sizeof(why)) != COACH_OK) {
    fprintf(stderr, "coach: %s\n", why);
    status = 1;
  }
  else {
    const timeline *t = ses.score->timeline;
    char clock[32];
    duration_format_clock(t->frames * 1000 / t->rate, clock, sizeof(clock));
    printf("%s: %s, %s, peak %.2f\n", out, ses.routine->title, clock, st.peak);
  }
  cli_session_free(&ses);
  return status;
}
