#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "duration.h"
#include "paths.h"
#include "text_file.h"

#define SECONDS_PER_DAY 86400
#define STEPS_MAX 100000 /* far above any routine's expanded steps; bounds what is read */
#define SESSION_MAX_S (ROUTINE_SESSION_MAX_MS / 1000)

static const char *const end_names[] = {"finished", "stopped", "error"};

const char *history_end_name(history_end end)
{
  if((unsigned)end < sizeof(end_names) / sizeof(end_names[0]))
    return end_names[end];
  return "stopped";
}

int history_utc_offset(time_t t)
{
  struct tm tm;
  if(!localtime_r(&t, &tm))
    return 0;
  return (int)tm.tm_gmtoff;
}

/* ---- calendar arithmetic (proleptic Gregorian; H. Hinnant's days_from_civil) ---------- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void history_civil(int64_t day, int *year, int *month, int *mday, int *weekday)
{
  int64_t z = day + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *year = (int)(yoe + era * 400 + (m <= 2));
  *month = m;
  *mday = d;
  /* 1970-01-01 was a Thursday (3 with Monday as 0). */
  *weekday = (int)(((day % 7) + 7 + 3) % 7);
}

static int64_t floor_div(int64_t a, int64_t b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t history_day(const history_entry *e)
{
  return floor_div(e->start + e->utc_offset_s, SECONDS_PER_DAY);
}

int64_t history_day_of(time_t t)
{
  return floor_div((int64_t)t + history_utc_offset(t), SECONDS_PER_DAY);
}

/* ---- one line ------------------------------------------------------------------------- */

void history_format_start(const history_entry *e, char *buf, size_t len)
{
  int off = e->utc_offset_s, aoff = off < 0 ? -off : off;
  int64_t local = e->start + off, day = floor_div(local, SECONDS_PER_DAY);
  int64_t secs = local - day * SECONDS_PER_DAY;
  int y, mo, d, wd;
  history_civil(day, &y, &mo, &d, &wd);
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mo, d, (int)(secs / 3600),
           (int)(secs / 60 % 60), (int)(secs % 60), off < 0 ? '-' : '+', aoff / 3600,
           aoff / 60 % 60);
}

coach_rc history_format(const history_entry *e, char *buf, size_t len, char *why,
                        size_t why_len)
{
  if(!routine_name_valid(e->routine)) {
    coach_why(why, why_len, "\"%.60s\" is not a routine name", e->routine);
    return COACH_E_INVALID;
  }
  /* Only what history_parse() reads back. */
  if(e->steps < 1 || e->steps > STEPS_MAX || e->step < 1 || e->step > e->steps ||
     e->played_s < 0 || e->played_s > SESSION_MAX_S || e->total_s < 0 ||
     e->total_s > SESSION_MAX_S || e->length_ms < 0 || e->length_ms > DURATION_MAX_MS) {
    coach_why(why, why_len, "a session at step %d of %d, %lld s of %lld s, cannot be logged",
              e->step, e->steps, (long long)e->played_s, (long long)e->total_s);
    return COACH_E_INVALID;
  }
  char start[40], length[32] = "-";
  history_format_start(e, start, sizeof(start));
  if(e->length_ms > 0)
    duration_format(e->length_ms, length, sizeof(length));
  int n = snprintf(buf, len,
                   "start=%s routine=%s length=%s played_s=%lld total_s=%lld steps=%d/%d "
                   "end=%s\n",
                   start, e->routine, length, (long long)e->played_s, (long long)e->total_s,
                   e->step, e->steps, history_end_name(e->end));
  if(n < 0 || (size_t)n >= len) {
    coach_why(why, why_len, "a history line does not fit %zu bytes", len);
    return COACH_E_LIMIT;
  }
  return COACH_OK;
}

/* Reads exactly `digits` decimal digits at *p into *v and moves *p past them. */
static bool fixed_digits(const char **p, int digits, int *v)
{
  int x = 0;
  for(int i = 0; i < digits; i++) {
    char c = (*p)[i];
    if(c < '0' || c > '9')
      return false;
    x = x * 10 + (c - '0');
  }
  *p += digits;
  *v = x;
  return true;
}

static bool expect_char(const char **p, char c)
{
  if(**p != c)
    return false;
  (*p)++;
  return true;
}

/* "2026-11-03T07:41:12+01:00" (what history_format writes). */
static bool parse_start(const char *s, int64_t *start, int *offset)
{
  int y, mo, d, h, mi, sec, oh, om;
  const char *p = s;
  if(!fixed_digits(&p, 4, &y) || !expect_char(&p, '-') || !fixed_digits(&p, 2, &mo) ||
     !expect_char(&p, '-') || !fixed_digits(&p, 2, &d) || !expect_char(&p, 'T') ||
     !fixed_digits(&p, 2, &h) || !expect_char(&p, ':') || !fixed_digits(&p, 2, &mi) ||
     !expect_char(&p, ':') || !fixed_digits(&p, 2, &sec))
    return false;
  char sign = *p++;
  if((sign != '+' && sign != '-') || !fixed_digits(&p, 2, &oh) || !expect_char(&p, ':') ||
     !fixed_digits(&p, 2, &om) || *p)
    return false;
  if(mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || oh > 23 ||
     om > 59)
    return false;
  int64_t day = days_from_civil(y, mo, d);
  int cy, cm, cd, wd;
  history_civil(day, &cy, &cm, &cd, &wd);
  if(cy != y || cm != mo || cd != d) /* 2026-02-30 */
    return false;
  int off = (oh * 3600 + om * 60) * (sign == '-' ? -1 : 1);
  *offset = off;
  *start = day * SECONDS_PER_DAY + h * 3600 + mi * 60 + sec - off;
  return true;
}

/* A whole number 0..max with nothing after it. */
static bool parse_count(const char *s, int64_t max, int64_t *v)
{
  int64_t x = 0;
  if(!*s)
    return false;
  for(; *s; s++) {
    if(*s < '0' || *s > '9')
      return false;
    x = x * 10 + (*s - '0');
    if(x > max)
      return false;
  }
  *v = x;
  return true;
}

enum { K_START, K_ROUTINE, K_LENGTH, K_PLAYED, K_TOTAL, K_STEPS, K_END, K_COUNT };
static const char *const key_names[K_COUNT] = {"start",   "routine", "length", "played_s",
                                               "total_s", "steps",   "end"};

static int key_index(const char *name, size_t n)
{
  for(int k = 0; k < K_COUNT; k++)
    if(strlen(key_names[k]) == n && !memcmp(key_names[k], name, n))
      return k;
  return -1;
}

/* Sets one field from its value; false when the value is not one of its kind. */
static bool parse_value(int k, const char *v, history_entry *e, char *why, size_t why_len)
{
  int64_t x, y;
  switch(k) {
  case K_START:
    if(parse_start(v, &e->start, &e->utc_offset_s))
      return true;
    coach_why(why, why_len, "start=%.40s is not a time like 2026-11-03T07:41:12+01:00", v);
    return false;
  case K_ROUTINE:
    if(routine_name_valid(v)) {
      snprintf(e->routine, sizeof(e->routine), "%s", v);
      return true;
    }
    coach_why(why, why_len, "routine=%.60s is not a routine name", v);
    return false;
  case K_LENGTH:
    if(!strcmp(v, "-")) {
      e->length_ms = 0;
      return true;
    }
    if(duration_parse(v, &e->length_ms, NULL, 0) == COACH_OK)
      return true;
    coach_why(why, why_len, "length=%.40s is not a length (like 10m, or -)", v);
    return false;
  case K_PLAYED:
  case K_TOTAL:
    if(parse_count(v, SESSION_MAX_S, &x)) {
      *(k == K_PLAYED ? &e->played_s : &e->total_s) = x;
      return true;
    }
    coach_why(why, why_len, "%s=%.40s is not a number of seconds", k == K_PLAYED ? "played_s"
              : "total_s", v);
    return false;
  case K_STEPS: {
    const char *slash = strchr(v, '/');
    char first[16];
    if(slash && (size_t)(slash - v) < sizeof(first)) {
      memcpy(first, v, (size_t)(slash - v));
      first[slash - v] = '\0';
      if(parse_count(first, STEPS_MAX, &x) && parse_count(slash + 1, STEPS_MAX, &y) && x >= 1 &&
         x <= y) {
        e->step = (int)x;
        e->steps = (int)y;
        return true;
      }
    }
    coach_why(why, why_len, "steps=%.40s is not STEP/STEPS", v);
    return false;
  }
  case K_END:
    for(size_t i = 0; i < sizeof(end_names) / sizeof(end_names[0]); i++)
      if(!strcmp(v, end_names[i])) {
        e->end = (history_end)i;
        return true;
      }
    coach_why(why, why_len, "end=%.40s is not finished, stopped or error", v);
    return false;
  }
  return false;
}

coach_rc history_parse(const char *line, history_entry *out, char *why, size_t why_len)
{
  history_entry e = {0};
  bool seen[K_COUNT] = {false};
  char word[HISTORY_LINE_MAX];
  const char *p = line;
  if(strlen(line) >= HISTORY_LINE_MAX) {
    coach_why(why, why_len, "the line is longer than %d bytes", HISTORY_LINE_MAX - 1);
    return COACH_E_INVALID;
  }
  while(*p) {
    size_t n = strcspn(p, " ");
    memcpy(word, p, n);
    word[n] = '\0';
    p += n;
    if(*p == ' ')
      p++;
    char *eq = strchr(word, '=');
    if(!eq) {
      coach_why(why, why_len, "\"%.40s\" is not KEY=VALUE", word);
      return COACH_E_INVALID;
    }
    int k = key_index(word, (size_t)(eq - word));
    if(k < 0)
      continue; /* a key a later version added */
    if(seen[k]) {
      coach_why(why, why_len, "%s is given twice", key_names[k]);
      return COACH_E_INVALID;
    }
    seen[k] = true;
    if(!parse_value(k, eq + 1, &e, why, why_len))
      return COACH_E_INVALID;
  }
  static const int required[] = {K_START, K_ROUTINE, K_PLAYED, K_END};
  for(size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
    if(!seen[required[i]]) {
      coach_why(why, why_len, "no %s= (the line may have been cut short)",
                key_names[required[i]]);
      return COACH_E_INVALID;
    }
  if(!seen[K_STEPS])
    e.step = e.steps = 1;
  if(!seen[K_TOTAL])
    e.total_s = e.played_s;
  *out = e;
  return COACH_OK;
}

/* ---- the file ------------------------------------------------------------------------- */

/* Creates the folders above path that are missing (0700: the log is the user's own). */
static coach_rc make_parents(const char *path, char *why, size_t why_len)
{
  char dir[PATHS_MAX];
  if(snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir)) {
    coach_why(why, why_len, "%.100s...: the path is too long", path);
    return COACH_E_LIMIT;
  }
  for(char *s = strchr(dir + 1, '/'); s; s = strchr(s + 1, '/')) {
    *s = '\0';
    if(mkdir(dir, 0700) != 0 && errno != EEXIST) {
      coach_why(why, why_len, "cannot create %s: %s", dir, strerror(errno));
      return COACH_E_IO;
    }
    *s = '/';
  }
  return COACH_OK;
}

coach_rc history_append(const char *path, const history_entry *e, char *why, size_t why_len)
{
  /* Room for a newline in front, for a file whose last line was cut. */
  char buf[HISTORY_LINE_MAX + 1];
  coach_rc rc = history_format(e, buf + 1, sizeof(buf) - 1, why, why_len);
  if(rc)
    return rc;
  rc = make_parents(path, why, why_len);
  if(rc)
    return rc;
  /* Read and write, to look at the last byte; O_APPEND puts every write at the end whoever
   * else appends. O_NONBLOCK: a FIFO put in the file's place must not hang coachd. */
  int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
  if(fd < 0) {
    coach_why(why, why_len, "cannot open %s: %s", path, strerror(errno));
    return COACH_E_IO;
  }
  struct stat st;
  char last = '\n';
  if(fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    coach_why(why, why_len, "%s is not a regular file", path);
    close(fd);
    return COACH_E_IO;
  }
  if(st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1)
    last = '\n';
  const char *line = last == '\n' ? buf + 1 : buf;
  buf[0] = '\n';
  size_t n = strlen(line);
  ssize_t w;
  do
    w = write(fd, line, n);
  while(w < 0 && errno == EINTR);
  int err = errno;
  close(fd);
  if(w != (ssize_t)n) {
    coach_why(why, why_len, "cannot write to %s: %s", path,
              w < 0 ? strerror(err) : "the disk is full");
    return COACH_E_IO;
  }
  return COACH_OK;
}

coach_rc history_record(const history_entry *e, char *why, size_t why_len)
{
  char path[PATHS_MAX];
  coach_rc rc = paths_history(path, sizeof(path));
  if(rc) {
    coach_why(why, why_len, "no place for the history: set XDG_STATE_HOME or HOME");
    return rc;
  }
  return history_append(path, e, why, why_len);
}

static int by_start(const void *a, const void *b)
{
  const history_entry *x = a, *y = b;
  return (x->start > y->start) - (x->start < y->start);
}

coach_rc history_read(const char *path, history_entry **out, size_t *n_out, coach_diag *diag)
{
  char *text;
  size_t len;
  coach_diag_init(diag, path);
  coach_rc rc = text_file_read(path, HISTORY_READ_MAX, "the practice log", &text, &len, diag);
  if(rc == COACH_E_NOTFOUND) { /* nothing practised yet */
    coach_diag_init(diag, path);
    *out = NULL;
    *n_out = 0;
    return COACH_OK;
  }
  if(rc)
    return rc;
  if(len > HISTORY_READ_MAX) {
    coach_diag_add(diag, 0, "is larger than %d MiB; rename it to start a new history",
                   HISTORY_READ_MAX >> 20);
    free(text);
    return COACH_E_IO;
  }
  history_entry *entries = NULL;
  size_t n = 0, cap = 0;
  int line_no = 0;
  for(size_t pos = 0; pos < len;) {
    char *line = text + pos, *nl = memchr(line, '\n', len - pos);
    size_t line_len = nl ? (size_t)(nl - line) : len - pos;
    pos += line_len + 1;
    line_no++;
    line[line_len] = '\0';
    if(!line_len)
      continue; /* left by two writers each ending a cut line */
    history_entry e;
    char why[200];
    if(memchr(line, '\0', line_len) || history_parse(line, &e, why, sizeof(why))) {
      coach_diag_add(diag, line_no, "%s; the line is skipped",
                     memchr(line, '\0', line_len) ? "a NUL byte" : why);
      continue;
    }
    if(n == cap) {
      size_t grown_cap = cap ? cap * 2 : 64;
      history_entry *grown = realloc(entries, grown_cap * sizeof(*grown));
      if(!grown) {
        free(entries);
        free(text);
        return COACH_E_NOMEM;
      }
      entries = grown;
      cap = grown_cap;
    }
    entries[n++] = e;
  }
  free(text);
  /* Two coachds may each append a session that started before the other's ended. */
  if(n > 1)
    qsort(entries, n, sizeof(*entries), by_start);
  *out = entries;
  *n_out = n;
  return COACH_OK;
}

void history_seconds_by_day(const history_entry *e, size_t n, int64_t first_day,
                            int64_t *seconds, size_t n_days)
{
  memset(seconds, 0, n_days * sizeof(*seconds));
  for(size_t i = 0; i < n; i++) {
    int64_t d = history_day(&e[i]) - first_day;
    if(d >= 0 && (uint64_t)d < n_days)
      seconds[d] += e[i].played_s;
  }
}

int history_streak(const history_entry *e, size_t n, int64_t today)
{
  /* Only days from the earliest entry on can be in the streak (and at most a century). */
  int64_t first = today;
  for(size_t i = 0; i < n; i++) {
    int64_t d = history_day(&e[i]);
    if(d < first)
      first = d;
  }
  if(first < today - 36525)
    first = today - 36525;
  size_t n_days = (size_t)(today - first + 1);
  int64_t *seconds = calloc(n_days, sizeof(*seconds));
  if(!seconds)
    return 0;
  history_seconds_by_day(e, n, first, seconds, n_days);
  size_t i = n_days - 1;
  if(seconds[i] < HISTORY_DAY_MIN_S && i > 0)
    i--; /* nothing yet today: the streak may still end yesterday */
  int streak = 0;
  while(seconds[i] >= HISTORY_DAY_MIN_S) {
    streak++;
    if(i == 0)
      break;
    i--;
  }
  free(seconds);
  return streak;
}
