/* render_phases — where `coach render` spends its time and memory, phase by phase, using the
 * same engine calls as src/cli/cmd_render.c (so the figures are the real code's):
 *
 *   render_phases ROUTINE_INI LENGTH OUT.wav
 *
 * Prints one line per phase: "phase NAME ms X rss_kb Y", then the session's length, the
 * memory held by the spoken clips (16-bit at their own rate) and the peak RSS. "mix" runs the
 * mixer over the whole session into a scratch block without writing anything; "write" is a
 * full render_to_file (mixing again, plus libsndfile and the file system), so write - mix is
 * the cost of the file.
 * Reads COACH_DATA_DIR like coach does (for voices/). A benchmark helper, not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "mixer.h"
#include "paths.h"
#include "render.h"
#include "routine.h"
#include "score.h"
#include "speech.h"

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static long rss_kb(void)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  while(f && fgets(line, sizeof(line), f))
    if(!strncmp(line, "VmRSS:", 6))
      kb = atol(line + 6);
  if(f)
    fclose(f);
  return kb;
}

static double mark;

static void phase(const char *name)
{
  double t = now_ms();
  printf("phase %s ms %.1f rss_kb %ld\n", name, t - mark, rss_kb());
  mark = now_ms();
}

int main(int argc, char **argv)
{
  if(argc != 4) {
    fputs("usage: render_phases ROUTINE_INI LENGTH OUT.wav\n", stderr);
    return 2;
  }
  char why[512] = "", voices[PATHS_MAX];
  routine *r = NULL;
  speech *sp = NULL;
  score *sc = NULL;
  int64_t length;
  coach_diag d;

  mark = now_ms();
  if(routine_load(argv[1], &r, &d) || routine_choose_length(r, argv[2], &length, why, sizeof(why))) {
    fprintf(stderr, "render_phases: cannot load %s %s: %s\n", argv[1], argv[2], why);
    return 1;
  }
  phase("load");
  const char *dir = paths_voices(voices, sizeof(voices)) == COACH_OK ? voices : NULL;
  if(speech_open(dir, &sp, why, sizeof(why))) {
    fprintf(stderr, "render_phases: speech: %s\n", why);
    return 1;
  }
  phase("speech_open");
  voice_settings v = {.rate = SPEECH_DEFAULT_RATE, .pitch = SPEECH_DEFAULT_PITCH,
                      .volume = SPEECH_DEFAULT_VOLUME};
  snprintf(v.name, sizeof(v.name), "%s", SPEECH_DEFAULT_VOICE);
  speaker spk = speaker_in_process(sp); /* as coach render: eSpeak NG in this process */
  if(score_build(&spk, &v, r, length, &sc, why, sizeof(why))) {
    fprintf(stderr, "render_phases: score: %s\n", why);
    return 1;
  }
  phase("synthesis");

  static float block[4096];
  const timeline *t = sc->timeline;
  for(int64_t pos = 0; pos < t->frames; pos += 4096) {
    size_t n = (size_t)(t->frames - pos < 4096 ? t->frames - pos : 4096);
    mixer_render(t, &sc->clips, NULL, 0, pos, block, n);
  }
  phase("mix");
  render_stats st;
  if(render_to_file(sc, argv[3], &st, why, sizeof(why))) {
    fprintf(stderr, "render_phases: %s\n", why);
    return 1;
  }
  phase("write");

  int64_t clip_frames = 0, clip_bytes = 0;
  for(int i = 0; i < sc->clips.count; i++) {
    clip_frames += sc->clips.items[i].frames;
    clip_bytes += sc->clips.items[i].length * (int64_t)sizeof(int16_t);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("audio_s %.3f\nclips %d clip_s %.1f clip_kb %lld\nmaxrss_kb %ld\n",
         (double)t->frames / t->rate, sc->clips.count, (double)clip_frames / t->rate,
         (long long)(clip_bytes / 1024), ru.ru_maxrss);
  score_free(sc);
  speech_close(sp);
  routine_free(r);
  return 0;
}
