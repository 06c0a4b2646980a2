/* coach history [--json] — what has been practised, from the log coachd keeps (history.h):
 * the streak, a calendar of the last weeks (one cell a day, shaded by the minutes practised;
 * the shades are characters, so it reads without colour, and colour is added only on a
 * terminal without NO_COLOR), and the recent sessions. --json gives all of it to scripts.
 * Broken lines in the log are reported on stderr and skipped. */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "history.h"
#include "offline.h"
#include "paths.h"

#define CALENDAR_WEEKS 8
#define RECENT_SESSIONS 10
#define LEVELS 5

/* Minutes a day from which each shade is used (level 0: none practised). */
static const int level_from_min[LEVELS] = {0, 1, 5, 10, 20};

static int level_of(int64_t seconds)
{
  int level = 0;
  if(seconds < HISTORY_DAY_MIN_S)
    return 0;
  for(int i = 1; i < LEVELS; i++)
    if(seconds >= level_from_min[i] * 60)
      level = i;
  return level ? level : 1;
}

typedef struct shades {
  const char *cell[LEVELS];
  bool colour;
} shades;

static shades pick_shades(void)
{
  static const char *const unicode[LEVELS] = {"\u00b7", "\u2591", "\u2592", "\u2593", "\u2588"};
  static const char *const ascii[LEVELS] = {".", "-", "+", "*", "#"};
  shades s;
  setlocale(LC_CTYPE, "");
  bool utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
  for(int i = 0; i < LEVELS; i++)
    s.cell[i] = utf8 ? unicode[i] : ascii[i];
  const char *no_colour = getenv("NO_COLOR"), *term = getenv("TERM");
  s.colour = isatty(STDOUT_FILENO) && !(no_colour && *no_colour) && term && strcmp(term, "dumb");
  return s;
}

static void print_cell(const shades *s, int level)
{
  static const char *const sgr[LEVELS] = {"\033[2m", "\033[32m", "\033[32m", "\033[1;32m",
                                          "\033[1;32m"};
  if(s->colour)
    printf("%s%s\033[0m ", sgr[level], s->cell[level]);
  else
    printf("%s ", s->cell[level]);
}

/* Rows Monday to Sunday, a column a week, the last column this week. */
static void print_calendar(const history_entry *e, size_t n, int64_t today, const shades *s)
{
  static const char *const weekdays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int y, m, d, wd;
  history_civil(today, &y, &m, &d, &wd);
  int64_t first = today - wd - 7 * (CALENDAR_WEEKS - 1); /* a Monday */
  int64_t seconds[7 * CALENDAR_WEEKS];
  history_seconds_by_day(e, n, first, seconds, 7 * CALENDAR_WEEKS);

  /* Month names above the week in which each month starts. */
  char header[8 * CALENDAR_WEEKS + 8];
  memset(header, ' ', sizeof(header) - 1);
  header[sizeof(header) - 1] = '\0';
  int last_month = 0, free_from = 0;
  for(int w = 0; w < CALENDAR_WEEKS; w++) {
    history_civil(first + 7 * w + 6, &y, &m, &d, &wd);
    int at = 4 + 2 * w;
    if(m != last_month && (w == 0 || d <= 7) && at >= free_from) {
      memcpy(header + at, months[m - 1], 3);
      last_month = m;
      free_from = at + 4;
    }
  }
  size_t end = strlen(header);
  while(end > 0 && header[end - 1] == ' ')
    end--;
  header[end] = '\0';
  printf("%s\n", header);
  for(int row = 0; row < 7; row++) {
    printf("%s ", weekdays[row]);
    for(int w = 0; w < CALENDAR_WEEKS; w++) {
      int64_t day = first + 7 * w + row;
      if(day > today)
        break;
      print_cell(s, level_of(seconds[day - first]));
    }
    printf("\n");
  }
  printf("    ");
  for(int i = 0; i < LEVELS; i++) {
    print_cell(s, i);
    if(i == 0)
      printf("none  ");
    else if(i + 1 < LEVELS)
      printf("%d-%d min  ", level_from_min[i], level_from_min[i + 1] - 1);
    else
      printf("%d+ min\n", level_from_min[i]);
  }
}

static void print_clock(int64_t s, char *buf, size_t len)
{
  snprintf(buf, len, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

static void print_text(const history_entry *e, size_t n, int64_t today)
{
  if(n == 0) {
    printf("No sessions yet. Lie down and start one: coach start rest\n");
    return;
  }
  int streak = history_streak(e, n, today);
  int64_t today_s = 0;
  history_seconds_by_day(e, n, today, &today_s, 1);
  printf("Streak: %d day%s%s\n\n", streak, streak == 1 ? "" : "s",
         today_s >= HISTORY_DAY_MIN_S ? " (practised today)"
         : streak                     ? " (practise today to keep it)"
                                      : "");
  shades s = pick_shades();
  print_calendar(e, n, today, &s);
  printf("\nRecent sessions:\n");
  for(size_t i = n; i > 0 && i + RECENT_SESSIONS > n; i--) {
    const history_entry *x = &e[i - 1];
    char start[40], played[24], total[24], length[32] = "";
    history_format_start(x, start, sizeof(start));
    start[10] = ' ';
    start[16] = '\0'; /* "2026-11-03 07:41" */
    print_clock(x->played_s, played, sizeof(played));
    print_clock(x->total_s, total, sizeof(total));
    if(x->length_ms)
      duration_format(x->length_ms, length, sizeof(length));
    printf("  %s  %-10s %-6s %6s of %-6s step %d/%d, %s\n", start, x->routine, length, played,
           total, x->step, x->steps, history_end_name(x->end));
  }
}

static void print_json(const history_entry *e, size_t n, int64_t today, int skipped)
{
  printf("{\n  \"streak_days\": %d,\n  \"skipped_lines\": %d,\n  \"sessions\": [",
         history_streak(e, n, today), skipped);
  for(size_t i = 0; i < n; i++) {
    char start[40], length[32] = "";
    history_format_start(&e[i], start, sizeof(start));
    if(e[i].length_ms)
      duration_format(e[i].length_ms, length, sizeof(length));
    /* Every string here was checked by history_parse(): names, durations, words. */
    printf("%s\n    {\"start\": \"%s\", \"routine\": \"%s\", \"length\": %s%s%s, "
           "\"played_s\": %lld, \"total_s\": %lld, \"step\": %d, \"steps\": %d, "
           "\"end\": \"%s\"}",
           i ? "," : "", start, e[i].routine, length[0] ? "\"" : "", length[0] ? length : "null",
           length[0] ? "\"" : "", (long long)e[i].played_s, (long long)e[i].total_s, e[i].step,
           e[i].steps, history_end_name(e[i].end));
  }
  printf("%s],\n  \"days\": [", n ? "\n  " : "");
  int64_t seconds[7 * CALENDAR_WEEKS];
  int64_t first = today - 7 * CALENDAR_WEEKS + 1;
  history_seconds_by_day(e, n, first, seconds, 7 * CALENDAR_WEEKS);
  for(int i = 0; i < 7 * CALENDAR_WEEKS; i++) {
    int y, m, d, wd;
    history_civil(first + i, &y, &m, &d, &wd);
    printf("%s\n    {\"date\": \"%04d-%02d-%02d\", \"seconds\": %lld}", i ? "," : "", y, m, d,
           (long long)seconds[i]);
  }
  printf("\n  ]\n}\n");
}

int cli_run_history(const cli_command *self, int argc, char **argv)
{
  bool json = argc == 2 && !strcmp(argv[1], "--json");
  if(argc > 2 || (argc == 2 && !json))
    return cli_usage(self);
  char path[PATHS_MAX];
  if(paths_history(path, sizeof(path)) != COACH_OK) {
    fprintf(stderr, "coach: no history without HOME or XDG_STATE_HOME\n");
    return 1;
  }
  history_entry *e = NULL;
  size_t n = 0;
  coach_diag diag;
  coach_rc rc = history_read(path, &e, &n, &diag);
  cli_print_diag(&diag);
  if(rc) {
    if(rc == COACH_E_NOMEM)
      fprintf(stderr, "coach: %s: %s\n", path, coach_rc_str(rc));
    return 1;
  }
  int64_t today = history_day_of(time(NULL));
  if(json)
    print_json(e, n, today, diag.count);
  else
    print_text(e, n, today);
  free(e);
  return 0;
}
