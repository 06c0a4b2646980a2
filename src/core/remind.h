/* remind — when to remind someone who sits all day to move, and what to say.
 *
 * The seeds name long sitting as the main cause of a tight psoas. A systemd user timer
 * (systemd/coach-remind.timer, disabled until the user enables it) runs `coach remind` every
 * few minutes; coachd then decides with these settings, coach.ini's [remind] section:
 *   every    how long since the last activity before a reminder (a duration, 0 to 2h; 0:
 *            at every firing of the timer). The last activity is the latest of: coachd's
 *            start, the last reminder, the end of the last session in the history.
 *   hours    the active hours, "09:00-18:00" (may run past midnight: "22:00-06:00";
 *            "00:00-24:00" is all day)
 *   days     the active days, "mon-fri", "mon,wed,fri", "sat-sun" or "all"
 *   routine  the routine the line suggests ("lunge")
 * Outside the active hours or days, or sooner than `every`, it stays quiet; coachd also
 * never says it while a session plays. This module is the pure part: parsing the values,
 * the decision and the line; the timer and its firing are systemd's, the speaking coachd's.
 *
 * Pure; any thread.
 */
#ifndef COACH_REMIND_H
#define COACH_REMIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "coach_error.h"
#include "routine.h"

#define REMIND_DEFAULT_EVERY_MS (60LL * 60 * 1000)
#define REMIND_DEFAULT_FROM_MIN (9 * 60)
#define REMIND_DEFAULT_TO_MIN (18 * 60)
#define REMIND_DEFAULT_DAYS 0x1Fu /* Monday to Friday */
#define REMIND_DEFAULT_ROUTINE "lunge"
#define REMIND_DAY_MINUTES (24 * 60)

typedef struct remind_settings {
  int64_t every_ms;     /* 0: at every firing */
  int from_min, to_min; /* active hours as minutes after midnight, to_min up to 1440 */
  unsigned days;        /* bit 0 Monday ... bit 6 Sunday */
  char routine[ROUTINE_NAME_MAX + 1];
} remind_settings;

void remind_defaults(remind_settings *s);

/* "HH:MM-HH:MM" into minutes after midnight (24:00 allowed as the end). COACH_E_INVALID with
 * why on anything else, or from == to; the outputs are untouched then. */
coach_rc remind_parse_hours(const char *text, int *from_min, int *to_min, char *why,
                            size_t why_len);

/* "mon-fri", "mon,wed,fri", "fri-mon" (wraps), "all": the day bits. COACH_E_INVALID with why
 * (naming the day names) otherwise; *days untouched then. */
coach_rc remind_parse_days(const char *text, unsigned *days, char *why, size_t why_len);

typedef enum remind_verdict {
  REMIND_NOW,         /* say it */
  REMIND_OFF_DAY,     /* today is not an active day */
  REMIND_OFF_HOURS,   /* outside the active hours */
  REMIND_NOT_YET,     /* less than `every` since the last activity */
} remind_verdict;

/* What to do at local time now, idle_s seconds after the last activity. */
remind_verdict remind_decide(const remind_settings *s, const struct tm *now, int64_t idle_s);

/* Why it stays quiet, for the reply and the log: "outside the active hours 09:00-18:00",
 * "today is not one of the active days", "12m since the last activity, every 1h". */
void remind_explain(const remind_settings *s, remind_verdict v, int64_t idle_s, char *buf,
                    size_t len);

/* The line: "You have been sitting for an hour. Say or type: coach start lunge." (without
 * the suggestion when suggest is false: the routine is not there). */
void remind_message(const remind_settings *s, bool suggest, char *buf, size_t len);

#endif
