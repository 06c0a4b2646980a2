/* coach render ROUTINE [LENGTH] -o FILE — the whole session into a sound file. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "render.h"
#include "score.h"

static int run_render(const cli_command *self, int argc, char **argv)
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

  routine *r = NULL;
  if(cli_load_routine(name, &r))
    return 1;
  char why[512] = "";
  int64_t length;
  if(routine_choose_length(r, length_text, &length, why, sizeof(why))) {
    fprintf(stderr, "coach: %s\n", why);
    routine_free(r);
    return 2;
  }
  speech *sp = NULL;
  score *sc = NULL;
  int status = 1;
  voice_settings voice = cli_default_voice();
  speaker spk;
  if(cli_open_speech(&sp) == COACH_OK) {
    spk = speaker_in_process(sp); /* in-process: a one-shot command takes no one down with it */
    render_stats st;
    if(score_build(&spk, &voice, r, length, &sc, why, sizeof(why)) != COACH_OK)
      fprintf(stderr, "coach: %s\n", why);
    else if(render_to_file(sc, out, &st, why, sizeof(why)) != COACH_OK)
      fprintf(stderr, "coach: %s\n", why);
    else {
      char clock[32];
      duration_format_clock(sc->timeline->frames * 1000 / sc->timeline->rate, clock,
                            sizeof(clock));
      printf("%s: %s, %s, peak %.2f\n", out, r->title, clock, st.peak);
      status = 0;
    }
  }
  score_free(sc);
  speech_close(sp);
  routine_free(r);
  return status;
}

const cli_command cli_cmd_render = {
    .name = "render",
    .args = "ROUTINE [LENGTH] -o FILE",
    .help = "write a whole session to a .wav, .flac or .ogg file",
    .run = run_render,
};
