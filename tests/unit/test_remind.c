/* remind: the active hours and days (with spans past midnight and across the week's end),
 * the wait since the last activity, and the line that is spoken. */
#include <string.h>

#include "check.h"
#include "remind.h"

/* A Monday (2026-11-02) at hh:mm plus `days`. */
static struct tm at(int days, int hh, int mm)
{
  struct tm t = {.tm_year = 126, .tm_mon = 10, .tm_mday = 2 + days, .tm_hour = hh, .tm_min = mm};
  t.tm_wday = (1 + days) % 7;
  return t;
}

static void test_parse(void)
{
  int from = -1, to = -1;
  unsigned days = 0;
  char why[200];
  CHECK(remind_parse_hours("09:00-18:00", &from, &to, why, sizeof(why)) == COACH_OK);
  CHECK(from == 540 && to == 1080);
  CHECK(remind_parse_hours("7:30 - 24:00", &from, &to, why, sizeof(why)) == COACH_OK);
  CHECK(from == 450 && to == 1440);
  static const char *const bad_hours[] = {"", "9-17", "09:00", "09:00-25:00", "09:60-10:00",
                                          "24:00-01:00", "09:00-17:00x", "08:00-08:00"};
  for(size_t i = 0; i < sizeof(bad_hours) / sizeof(bad_hours[0]); i++) {
    from = to = -7;
    CHECKF(remind_parse_hours(bad_hours[i], &from, &to, why, sizeof(why)) == COACH_E_INVALID &&
               from == -7 && to == -7,
           "\"%s\" accepted", bad_hours[i]);
  }
  CHECK(remind_parse_days("mon-fri", &days, why, sizeof(why)) == COACH_OK && days == 0x1F);
  CHECK(remind_parse_days("mon, wed,fri", &days, why, sizeof(why)) == COACH_OK && days == 0x15);
  CHECK(remind_parse_days("fri-mon", &days, why, sizeof(why)) == COACH_OK && days == 0x71);
  CHECK(remind_parse_days("sun", &days, why, sizeof(why)) == COACH_OK && days == 0x40);
  CHECK(remind_parse_days("all", &days, why, sizeof(why)) == COACH_OK && days == 0x7F);
  days = 3;
  CHECK(remind_parse_days("Monday", &days, why, sizeof(why)) == COACH_E_INVALID && days == 3);
  CHECK(strstr(why, "\"Monday\" is not a day"));
  CHECK(remind_parse_days("", &days, why, sizeof(why)) == COACH_E_INVALID && days == 3);
  CHECK(remind_parse_days("mon-", &days, why, sizeof(why)) == COACH_E_INVALID);
}

static void test_decide(void)
{
  remind_settings s;
  remind_defaults(&s); /* every 1h, 09:00-18:00, mon-fri */
  struct tm t = at(0, 10, 0);
  CHECK(remind_decide(&s, &t, 3600) == REMIND_NOW);
  CHECK(remind_decide(&s, &t, 3599) == REMIND_NOT_YET);
  t = at(0, 8, 59);
  CHECK(remind_decide(&s, &t, 99999) == REMIND_OFF_HOURS);
  t = at(0, 18, 0);
  CHECK(remind_decide(&s, &t, 99999) == REMIND_OFF_HOURS);
  t = at(0, 17, 59);
  CHECK(remind_decide(&s, &t, 99999) == REMIND_NOW);
  t = at(5, 10, 0); /* Saturday */
  CHECK(remind_decide(&s, &t, 99999) == REMIND_OFF_DAY);
  t = at(4, 10, 0); /* Friday */
  CHECK(remind_decide(&s, &t, 99999) == REMIND_NOW);

  /* A night shift, Friday 22:00 to Saturday 06:00: Saturday 03:00 belongs to Friday. */
  s.from_min = 22 * 60;
  s.to_min = 6 * 60;
  t = at(5, 3, 0);
  CHECK(remind_decide(&s, &t, 99999) == REMIND_NOW);
  t = at(5, 22, 30); /* Saturday night is not a working night */
  CHECK(remind_decide(&s, &t, 99999) == REMIND_OFF_DAY);
  t = at(0, 12, 0);
  CHECK(remind_decide(&s, &t, 99999) == REMIND_OFF_HOURS);
  t = at(0, 3, 0); /* Monday 03:00 belongs to Sunday night */
  CHECK(remind_decide(&s, &t, 99999) == REMIND_OFF_DAY);

  /* every = 0: at every asking. */
  remind_defaults(&s);
  s.every_ms = 0;
  t = at(1, 9, 0);
  CHECK(remind_decide(&s, &t, 0) == REMIND_NOW);
}

static void test_words(void)
{
  remind_settings s;
  char line[200];
  remind_defaults(&s);
  remind_message(&s, true, line, sizeof(line));
  CHECKF(!strcmp(line, "You have been sitting for an hour. Say or type: coach start lunge."),
         "%s", line);
  s.every_ms = 90 * 60000;
  strcpy(s.routine, "kneel");
  remind_message(&s, true, line, sizeof(line));
  CHECK(!strcmp(line, "You have been sitting for an hour and a half. Say or type: coach start kneel."));
  s.every_ms = 45 * 60000;
  remind_message(&s, false, line, sizeof(line));
  CHECKF(!strcmp(line, "You have been sitting for 45 minutes. Time to stand up and move."), "%s", line);
  s.every_ms = 2 * 3600000;
  remind_message(&s, true, line, sizeof(line));
  CHECK(strstr(line, "for 2 hours."));
  s.every_ms = 0;
  remind_message(&s, true, line, sizeof(line));
  CHECK(strstr(line, "for a while."));

  remind_defaults(&s);
  remind_explain(&s, REMIND_OFF_HOURS, 0, line, sizeof(line));
  CHECK(!strcmp(line, "outside the active hours 09:00-18:00"));
  remind_explain(&s, REMIND_NOT_YET, 720, line, sizeof(line));
  CHECKF(!strcmp(line, "12m since the last activity, every 1h"), "%s", line);
  remind_explain(&s, REMIND_OFF_DAY, 0, line, sizeof(line));
  CHECK(strstr(line, "not one of the active days"));
}

int main(void)
{
  test_parse();
  test_decide();
  test_words();
  return check_done();
}
