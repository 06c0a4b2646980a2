/* history: the line format both ways, the tolerant reader (a broken line is reported with
 * its number and skipped, the rest read), appends from many processes at once never mixing
 * lines, a cut last line not swallowing the next append, and the day arithmetic behind the
 * streak and the calendar. */
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "history.h"

static char tmp_dir[1024];

static history_entry sample(void)
{
  history_entry e = {.start = 1793688072, /* 2026-11-03T06:41:12Z */
                     .utc_offset_s = 3600,
                     .length_ms = 600000,
                     .played_s = 612,
                     .total_s = 763,
                     .step = 19,
                     .steps = 19,
                     .end = HISTORY_FINISHED};
  strcpy(e.routine, "rest");
  return e;
}

static void test_format(void)
{
  char line[HISTORY_LINE_MAX], why[200] = "";
  history_entry e = sample();
  CHECK(history_format(&e, line, sizeof(line), why, sizeof(why)) == COACH_OK);
  CHECKF(!strcmp(line, "start=2026-11-03T07:41:12+01:00 routine=rest length=10m played_s=612 "
                       "total_s=763 steps=19/19 end=finished\n"),
         "%s", line);

  e.utc_offset_s = -(5 * 3600 + 30 * 60);
  e.length_ms = 0;
  e.end = HISTORY_STOPPED;
  e.step = 3;
  CHECK(history_format(&e, line, sizeof(line), why, sizeof(why)) == COACH_OK);
  CHECKF(!strcmp(line, "start=2026-11-03T01:11:12-05:30 routine=rest length=- played_s=612 "
                       "total_s=763 steps=3/19 end=stopped\n"),
         "%s", line);

  /* Back again, field by field. */
  line[strlen(line) - 1] = '\0';
  history_entry back;
  CHECKF(history_parse(line, &back, why, sizeof(why)) == COACH_OK, "%s", why);
  CHECK(back.start == e.start && back.utc_offset_s == e.utc_offset_s);
  CHECK(!strcmp(back.routine, "rest") && back.length_ms == 0 && back.played_s == 612);
  CHECK(back.total_s == 763 && back.step == 3 && back.steps == 19 && back.end == HISTORY_STOPPED);

  /* What cannot be written is refused, not written half. */
  strcpy(e.routine, "../x");
  CHECK(history_format(&e, line, sizeof(line), why, sizeof(why)) == COACH_E_INVALID);
  e = sample();
  e.step = 20;
  CHECK(history_format(&e, line, sizeof(line), why, sizeof(why)) == COACH_E_INVALID);
  e = sample();
  CHECK(history_format(&e, line, 20, why, sizeof(why)) == COACH_E_LIMIT);
}

static void test_parse(void)
{
  history_entry e, untouched = sample();
  char why[200];
  /* A later version's extra key is ignored. */
  CHECK(history_parse("start=2026-11-03T07:41:12+01:00 routine=kneel length=45s played_s=30 "
                      "total_s=270 steps=4/12 end=error mood=calm",
                      &e, why, sizeof(why)) == COACH_OK);
  CHECK(e.end == HISTORY_ERROR && e.length_ms == 45000 && !strcmp(e.routine, "kneel"));

  static const struct {
    const char *line, *why;
  } bad[] = {
      {"", "no start="},
      {"start=2026-11-03T07:41:12+01:00 routine=rest length=10m played_s=61", "no end="},
      {"start=2026-11-03T07:41:12+01:00 routine=rest played_s=1 end=finish", "end=finish"},
      {"start=2026-02-30T07:41:12+01:00 routine=rest played_s=1 end=stopped", "start="},
      {"start=2026-11-03 07:41:12 routine=rest played_s=1 end=stopped", "start="},
      {"start=2026-11-03T07:41:12+01:00 routine=Rest played_s=1 end=stopped", "routine="},
      {"start=2026-11-03T07:41:12+01:00 routine=rest played_s=-1 end=stopped", "played_s="},
      {"start=2026-11-03T07:41:12+01:00 routine=rest played_s=1 steps=5/4 end=stopped",
       "steps="},
      {"start=2026-11-03T07:41:12+01:00 routine=rest length=10 played_s=1 end=stopped",
       "length="},
      {"start=2026-11-03T07:41:12+01:00 routine=rest played_s=1 end=stopped end=stopped",
       "twice"},
      {"start=2026-11-03T07:41:12+01:00 rest played_s=1 end=stopped", "KEY=VALUE"},
  };
  for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    e = untouched;
    why[0] = '\0';
    coach_rc rc = history_parse(bad[i].line, &e, why, sizeof(why));
    CHECKF(rc == COACH_E_INVALID && strstr(why, bad[i].why) && e.start == untouched.start,
           "\"%s\": rc %d, why \"%s\", want \"%s\"", bad[i].line, rc, why, bad[i].why);
  }
}

static void write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if(f) {
    fputs(text, f);
    fclose(f);
  }
}

static void test_file(void)
{
  char path[1200], why[300] = "";
  coach_diag diag;
  history_entry *es = NULL, e = sample();
  size_t n = 99;
  snprintf(path, sizeof(path), "%s/state/coach/history", tmp_dir);

  /* No file yet: an empty history. */
  CHECK(history_read(path, &es, &n, &diag) == COACH_OK && n == 0 && diag.count == 0);
  free(es);

  /* The folders are made, the file is the user's alone. */
  CHECKF(history_append(path, &e, why, sizeof(why)) == COACH_OK, "%s", why);
  struct stat st;
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);

  /* A crash cut the last line: the next append starts a line of its own. */
  int fd = open(path, O_WRONLY | O_APPEND);
  CHECK(fd >= 0 && write(fd, "start=2026-11-04T07:00:00+01:00 routine=ki", 42) == 42);
  close(fd);
  e.played_s = 100;
  CHECK(history_append(path, &e, why, sizeof(why)) == COACH_OK);
  es = NULL;
  CHECK(history_read(path, &es, &n, &diag) == COACH_OK);
  CHECKF(n == 2 && es && es[0].played_s == 612 && es[1].played_s == 100, "n = %zu", n);
  CHECKF(diag.count == 1 && diag.entries[0].line == 2 && strstr(diag.entries[0].message, "skipped"),
         "%d problems, first on line %d", diag.count, diag.count ? diag.entries[0].line : 0);
  free(es);

  /* Garbage in the middle costs only its own lines. */
  write_text(path, "start=2026-11-01T07:00:00+01:00 routine=rest played_s=600 end=finished\n"
                   "\xff\xfe binary\n"
                   "start=2026-11-02T07:00:00+01:00 routine=rest played_s=600 end=finished\n"
                   "\n"
                   "start=2026-11-03T07:00:00+01:00 routine=rest played_s=600 end=finished");
  es = NULL;
  CHECK(history_read(path, &es, &n, &diag) == COACH_OK);
  CHECKF(n == 3 && diag.count == 1 && diag.entries[0].line == 2, "n %zu, %d problems", n,
         diag.count);
  free(es);

  /* A FIFO in the file's place is refused at once (never waited on). */
  char fifo[1300];
  snprintf(fifo, sizeof(fifo), "%s/fifo", tmp_dir);
  CHECK(mkfifo(fifo, 0600) == 0);
  CHECK(history_append(fifo, &e, why, sizeof(why)) == COACH_E_IO);
  CHECK(history_read(fifo, &es, &n, &diag) == COACH_E_IO);
}

/* Many processes appending at once: every line whole, none lost. */
static void test_concurrent(void)
{
  enum { WRITERS = 8, EACH = 200 };
  char path[1200];
  snprintf(path, sizeof(path), "%s/many/history", tmp_dir);
  for(int w = 0; w < WRITERS; w++) {
    pid_t pid = fork();
    if(pid == 0) {
      history_entry e = sample();
      char why[200];
      for(int i = 0; i < EACH; i++) {
        e.played_s = w * 1000 + i;
        if(history_append(path, &e, why, sizeof(why)))
          _exit(1);
      }
      _exit(0);
    }
  }
  int failed = 0, st;
  while(wait(&st) > 0)
    failed += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
  CHECK(failed == 0);
  history_entry *es = NULL;
  size_t n = 0;
  coach_diag diag;
  CHECK(history_read(path, &es, &n, &diag) == COACH_OK);
  CHECKF(n == WRITERS * EACH && diag.count == 0, "%zu lines, %d broken", n, diag.count);
  static bool seen[WRITERS][EACH];
  int distinct = 0;
  for(size_t i = 0; i < n; i++) {
    int64_t w = es[i].played_s / 1000, k = es[i].played_s % 1000;
    if(w < WRITERS && k < EACH && !seen[w][k]) {
      seen[w][k] = true;
      distinct++;
    }
  }
  CHECKF(distinct == WRITERS * EACH, "%d distinct lines", distinct);
  free(es);
}

static history_entry on_day(int64_t day, int64_t played_s)
{
  history_entry e = sample();
  e.utc_offset_s = 0;
  e.start = day * 86400 + 8 * 3600;
  e.played_s = played_s;
  return e;
}

static void test_days(void)
{
  int y, m, d, wd;
  history_civil(0, &y, &m, &d, &wd);
  CHECK(y == 1970 && m == 1 && d == 1 && wd == 3); /* a Thursday */
  history_entry e = sample();
  int64_t day = history_day(&e);
  history_civil(day, &y, &m, &d, &wd);
  CHECK(y == 2026 && m == 11 && d == 3 && wd == 1); /* a Tuesday */
  /* The local day: 23:30 at -05:00 is the next day in UTC but this one locally. */
  CHECK(history_parse("start=2026-11-03T23:30:00-05:00 routine=rest played_s=1 end=stopped", &e,
                      NULL, 0) == COACH_OK);
  CHECK(history_day(&e) == day);

  int64_t today = 20000;
  history_entry es[] = {
      on_day(today, 600),     on_day(today - 1, 30), on_day(today - 1, 40),
      on_day(today - 2, 300), on_day(today - 4, 900),
  };
  size_t n = sizeof(es) / sizeof(es[0]);
  int64_t sec[5];
  history_seconds_by_day(es, n, today - 4, sec, 5);
  CHECK(sec[0] == 900 && sec[1] == 0 && sec[2] == 300 && sec[3] == 70 && sec[4] == 600);
  CHECK(history_streak(es, n, today) == 3);    /* today, yesterday (30 s + 40 s), the day before */
  CHECK(history_streak(es, n, today + 1) == 3); /* nothing yet today: it ends yesterday */
  CHECK(history_streak(es, n, today + 2) == 0);
  es[1].played_s = es[2].played_s = 20;        /* 40 s is not a practised day */
  CHECK(history_streak(es, n, today) == 1);
  CHECK(history_streak(NULL, 0, today) == 0);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

int main(void)
{
  const char *tmp = getenv("COACH_TEST_TMP");
  if(!tmp || strlen(tmp) > 900)
    tmp = "/tmp";
  snprintf(tmp_dir, sizeof(tmp_dir), "%s/history-XXXXXX", tmp);
  if(!mkdtemp(tmp_dir)) {
    perror(tmp_dir);
    return EXIT_FAILURE;
  }
  test_format();
  test_parse();
  test_file();
  test_concurrent();
  test_days();
  nftw(tmp_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  return check_done();
}
