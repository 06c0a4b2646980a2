/* listen_eval — coachd's recogniser (src/daemon/recognizer.c) over recorded sound, faster
 * than real time, for tests/bench/listen: what it hears in a raw s16le 16 kHz mono file.
 *
 *   listen_eval PHRASES_FILE RAW [MODEL_DIR]
 *
 * The phrase file is expanded for the shipped routines' names (as coachd does). Prints one
 * line per phrase heard, "SECONDS_DECIDED|PHRASE|SCORE|SECONDS_PHRASE_END", then on stderr
 * the CPU time used against the sound's length. Exit 0, or 1 with the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "recognizer.h"

static const protocol_command commands[] = {
    {"pause", 0, 0, NULL}, {"resume", 0, 0, NULL}, {"skip", 0, 0, NULL},
    {"start", 1, 2, NULL}, {"stop", 0, 0, NULL},   {"volume", 0, 2, NULL},
};
static const char *const routines[] = {"ball", "bridge", "full",   "kneel",
                                       "lunge", "rest",  "safety", "supine"};

int main(int argc, char **argv)
{
  if(argc < 3) {
    fputs("usage: listen_eval PHRASES_FILE RAW [MODEL_DIR]\n", stderr);
    return 2;
  }
  static phrase_list file, list;
  coach_diag diag;
  if(phrases_load(argv[1], commands, sizeof(commands) / sizeof(commands[0]), &file, &diag)) {
    char line[COACH_DIAG_MSG + 300];
    coach_diag_format(&diag, 0, line, sizeof(line));
    fprintf(stderr, "listen_eval: %s\n", line);
    return 1;
  }
  int dropped;
  phrases_expand(&file, routines, sizeof(routines) / sizeof(routines[0]), &list, &dropped);
  recognizer *r;
  char why[512];
  if(recognizer_new(argc > 3 ? argv[3] : NULL, &list, argv[1], &r, why, sizeof(why))) {
    fprintf(stderr, "listen_eval: %s\n", why);
    return 1;
  }
  FILE *f = fopen(argv[2], "rb");
  if(!f) {
    perror(argv[2]);
    return 1;
  }
  int16_t buf[800]; /* 50 ms, as coachd's listener reads */
  size_t n;
  long total = 0;
  struct rusage before, after;
  getrusage(RUSAGE_SELF, &before);
  while((n = fread(buf, sizeof(buf[0]), sizeof(buf) / sizeof(buf[0]), f)) > 0) {
    recognizer_heard h;
    total += (long)n;
    if(recognizer_feed(r, buf, n, &h))
      printf("%.3f|%s|%.1f|%.3f\n", (double)h.decided_at / RECOGNIZER_RATE,
             list.items[h.phrase].words, h.score, (double)h.end_sample / RECOGNIZER_RATE);
  }
  getrusage(RUSAGE_SELF, &after);
  double cpu = (double)(after.ru_utime.tv_sec - before.ru_utime.tv_sec) +
               (double)(after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
               (double)(after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
               (double)(after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
  fprintf(stderr, "listen_eval: %.1f s of sound, %.2f s of CPU (%.2f%% of a core in real "
                  "time), %ld kB peak memory\n",
          (double)total / RECOGNIZER_RATE, cpu, 100.0 * cpu * RECOGNIZER_RATE / (double)total,
          after.ru_maxrss);
  fclose(f);
  recognizer_free(r);
  return 0;
}
