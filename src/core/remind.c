#include "remind.h"

#include <stdio.h>
#include <string.h>

#include "duration.h"

static const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

void remind_defaults(remind_settings *s)
{
  memset(s, 0, sizeof(*s));
  s->every_ms = REMIND_DEFAULT_EVERY_MS;
  s->from_min = REMIND_DEFAULT_FROM_MIN;
  s->to_min = REMIND_DEFAULT_TO_MIN;
  s->days = REMIND_DEFAULT_DAYS;
  snprintf(s->routine, sizeof(s->routine), "%s", REMIND_DEFAULT_ROUTINE);
}

/* "HH:MM" at *p, moving *p past it; minutes after midnight, or -1. */
static int clock_minutes(const char **p)
{
  const char *s = *p;
  int h = 0, m = 0, digits = 0;
  while(*s >= '0' && *s <= '9' && digits < 2) {
    h = h * 10 + (*s++ - '0');
    digits++;
  }
  if(!digits || *s++ != ':')
    return -1;
  for(int i = 0; i < 2; i++, s++) {
    if(*s < '0' || *s > '9')
      return -1;
    m = m * 10 + (*s - '0');
  }
  if(m > 59 || h * 60 + m > REMIND_DAY_MINUTES)
    return -1;
  *p = s;
  return h * 60 + m;
}

coach_rc remind_parse_hours(const char *text, int *from_min, int *to_min, char *why,
                            size_t why_len)
{
  const char *p = text;
  while(*p == ' ')
    p++;
  int from = clock_minutes(&p);
  while(*p == ' ')
    p++;
  bool dash = from >= 0 && *p == '-';
  if(dash)
    p++;
  while(*p == ' ')
    p++;
  int to = dash ? clock_minutes(&p) : -1;
  if(from < 0 || to < 0 || *p || from == REMIND_DAY_MINUTES) {
    coach_why(why, why_len, "\"%.40s\" is not a span of hours (write it like 09:00-18:00; "
                            "00:00-24:00 is all day)", text);
    return COACH_E_INVALID;
  }
  if(from == to) {
    coach_why(why, why_len, "\"%.40s\" is an empty span (for all day write 00:00-24:00)",
              text);
    return COACH_E_INVALID;
  }
  *from_min = from;
  *to_min = to;
  return COACH_OK;
}

static int day_index(const char *s, size_t n)
{
  for(int i = 0; i < 7; i++)
    if(n == 3 && !strncmp(s, day_names[i], 3))
      return i;
  return -1;
}

coach_rc remind_parse_days(const char *text, unsigned *days, char *why, size_t why_len)
{
  unsigned bits = 0;
  const char *p = text;
  if(!strcmp(text, "all")) {
    *days = 0x7F;
    return COACH_OK;
  }
  while(*p) {
    size_t n = strcspn(p, ",");
    const char *item = p, *end = p + n;
    p = *end ? end + 1 : end;
    while(item < end && *item == ' ')
      item++;
    while(end > item && end[-1] == ' ')
      end--;
    const char *dash = memchr(item, '-', (size_t)(end - item));
    int a = day_index(item, (size_t)((dash ? dash : end) - item));
    int b = dash ? day_index(dash + 1, (size_t)(end - dash - 1)) : a;
    if(a < 0 || b < 0) {
      coach_why(why, why_len, "\"%.*s\" is not a day or a span of days (use mon, tue, wed, "
                              "thu, fri, sat, sun, spans like mon-fri, or all)",
                (int)(end - item > 40 ? 40 : end - item), item);
      return COACH_E_INVALID;
    }
    for(int d = a;; d = (d + 1) % 7) {
      bits |= 1u << d;
      if(d == b)
        break;
    }
  }
  if(!bits) {
    coach_why(why, why_len, "no days given (use e.g. mon-fri, or all)");
    return COACH_E_INVALID;
  }
  *days = bits;
  return COACH_OK;
}

static bool in_hours(const remind_settings *s, int minute)
{
  if(s->from_min < s->to_min)
    return minute >= s->from_min && minute < s->to_min;
  return minute >= s->from_min || minute < s->to_min; /* past midnight */
}

remind_verdict remind_decide(const remind_settings *s, const struct tm *now, int64_t idle_s)
{
  int minute = now->tm_hour * 60 + now->tm_min;
  /* A span past midnight belongs to the day it starts on. */
  int weekday = (now->tm_wday + 6) % 7; /* Monday 0 */
  if(s->from_min > s->to_min && minute < s->to_min)
    weekday = (weekday + 6) % 7;
  if(!(s->days & (1u << weekday)))
    return REMIND_OFF_DAY;
  if(!in_hours(s, minute))
    return REMIND_OFF_HOURS;
  if(idle_s * 1000 < s->every_ms)
    return REMIND_NOT_YET;
  return REMIND_NOW;
}

void remind_explain(const remind_settings *s, remind_verdict v, int64_t idle_s, char *buf,
                    size_t len)
{
  char every[32], idle[32];
  switch(v) {
  case REMIND_OFF_DAY: snprintf(buf, len, "today is not one of the active days"); return;
  case REMIND_OFF_HOURS:
    snprintf(buf, len, "outside the active hours %02d:%02d-%02d:%02d", s->from_min / 60,
             s->from_min % 60, s->to_min / 60, s->to_min % 60);
    return;
  case REMIND_NOT_YET:
    duration_format(s->every_ms, every, sizeof(every));
    duration_format(idle_s * 1000, idle, sizeof(idle));
    snprintf(buf, len, "%s since the last activity, every %s", idle, every);
    return;
  case REMIND_NOW: snprintf(buf, len, "due"); return;
  }
  snprintf(buf, len, "quiet");
}

/* "an hour", "2 hours", "45 minutes", "an hour and 30 minutes", "a while" (every = 0). */
static void sitting_for(int64_t every_ms, char *buf, size_t len)
{
  int64_t minutes = every_ms / 60000, h = minutes / 60, m = minutes % 60;
  char hours[32] = "";
  if(minutes == 0) {
    snprintf(buf, len, "a while");
    return;
  }
  if(h == 1)
    snprintf(hours, sizeof(hours), "an hour");
  else if(h > 1)
    snprintf(hours, sizeof(hours), "%lld hours", (long long)h);
  if(!m)
    snprintf(buf, len, "%s", hours);
  else if(!h)
    snprintf(buf, len, "%lld minute%s", (long long)m, m == 1 ? "" : "s");
  else if(m == 30)
    snprintf(buf, len, "%s and a half", hours);
  else
    snprintf(buf, len, "%s and %lld minute%s", hours, (long long)m, m == 1 ? "" : "s");
}

void remind_message(const remind_settings *s, bool suggest, char *buf, size_t len)
{
  char span[64];
  sitting_for(s->every_ms, span, sizeof(span));
  if(suggest)
    snprintf(buf, len, "You have been sitting for %s. Say or type: coach start %s.", span,
             s->routine);
  else
    snprintf(buf, len, "You have been sitting for %s. Time to stand up and move.", span);
}
