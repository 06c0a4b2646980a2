/* coach list [--names | --lengths ROUTINE], read from the routine folders: what `coach list`
 * prints when no coachd runs (the same lines coachd's `list` sends, library_describe), and the
 * plain lists shell completion asks for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offline.h"

static void print_pair(void *ctx, const char *key, const char *value)
{
  (void)ctx;
  printf("%s: %s\n", key, value);
}

static int by_value(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Lengths worth offering for r, in order: its shortest and longest, its default, and round
 * steps in between (15 s steps within a 2-minute range, whole minutes within 20, else 5
 * minutes: at most 24 values). */
static void print_lengths(const routine *r)
{
  if(!r->has_length)
    return;
  int64_t lo = r->min_length_ms, hi = r->max_length_ms, range = hi - lo;
  int64_t step = range <= 120000 ? 15000 : range <= 1200000 ? 60000 : 300000;
  int64_t values[32];
  size_t n = 0;
  values[n++] = lo;
  values[n++] = hi;
  values[n++] = r->length_ms;
  for(int64_t t = (lo / step + 1) * step; t < hi && n < sizeof(values) / sizeof(values[0]);
      t += step)
    values[n++] = t;
  qsort(values, n, sizeof(values[0]), by_value);
  char text[32];
  for(size_t i = 0; i < n; i++) {
    if(i > 0 && values[i] == values[i - 1])
      continue;
    duration_format(values[i], text, sizeof(text));
    printf("%s\n", text);
  }
}

int cli_run_list(const cli_command *self, int argc, char **argv)
{
  bool names = argc == 2 && !strcmp(argv[1], "--names");
  bool lengths = argc == 3 && !strcmp(argv[1], "--lengths");
  if(argc > 1 && !names && !lengths)
    return cli_usage(self);
  coach_config cfg;
  cli_load_config(&cfg);
  if(lengths) {
    routine *r;
    if(cli_load_routine(&cfg, argv[2], &r) != COACH_OK)
      return 1;
    print_lengths(r);
    routine_free(r);
    return 0;
  }
  library lib;
  if(cli_load_library(&cfg, NULL, names, &lib) != COACH_OK)
    return 1;
  for(int i = 0; i < lib.count; i++) {
    if(names)
      printf("%s\n", lib.items[i]->name);
    else
      library_describe(lib.items[i], print_pair, NULL);
  }
  library_free(&lib);
  return 0;
}
