/* history — the practice log: one line for each session that ended, so that practice is
 * visible (`coach history`) and the reminder knows when the last session was (remind.h).
 *
 * The file is $XDG_STATE_HOME/coach/history (paths_history). One line a session, words of
 * KEY=VALUE separated by one space, in this order:
 *
 *   start=2026-11-03T07:41:12+01:00 routine=rest length=10m played_s=612 total_s=763
 *   steps=19/19 end=finished
 *
 * (one line in the file). start is the local time the session started, with its offset from
 * UTC (ISO 8601); routine its name; length the length chosen ("-" for a routine of fixed
 * length; written as routine files write durations); played_s the seconds of the session
 * that were heard (how far it got) and total_s its whole length, in whole seconds; steps the
 * step it reached of how many; end how it ended: finished (played to the end), stopped
 * (stop, a new start, a skip past the last step, or coachd ending) or error (the audio
 * device was lost). A reader ignores keys it does not know, so later versions may add some.
 *
 * Safe against crashes and concurrent writers: a line is written by one write() of fewer than
 * PIPE_BUF bytes to a file opened with O_APPEND, so two coachds appending at once cannot
 * interleave their lines, and a crash can cut only the line being written. Before appending,
 * a file that does not end in a newline (a cut line) gets one, so the cut line stays one
 * broken line and the new one is whole. The reader reports each broken line (FILE:LINE: what
 * is wrong) and skips it; every other line is read.
 *
 * Pure apart from the one file (and localtime_r for the UTC offset); any thread.
 */
#ifndef COACH_HISTORY_H
#define COACH_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "coach_error.h"
#include "routine.h"

#define HISTORY_LINE_MAX 512                 /* a whole line, newline included; < PIPE_BUF */
#define HISTORY_READ_MAX (16 * 1024 * 1024)  /* a longer file is refused: rename it to start anew */
#define HISTORY_DAY_MIN_S 60                 /* a day counts as practised from one minute on */

typedef enum history_end {
  HISTORY_FINISHED,
  HISTORY_STOPPED,
  HISTORY_ERROR,
} history_end;

typedef struct history_entry {
  int64_t start;      /* seconds since the epoch */
  int utc_offset_s;   /* the local time's offset from UTC at start, seconds east */
  char routine[ROUTINE_NAME_MAX + 1];
  int64_t length_ms;  /* the length chosen; 0 for a routine of fixed length */
  int64_t played_s;   /* how far it got */
  int64_t total_s;    /* the whole session */
  int step, steps;    /* the step reached (1-based) and the number of steps */
  history_end end;
} history_entry;

/* The local time's offset from UTC at t, seconds east (localtime_r, so TZ applies). */
int history_utc_offset(time_t t);

/* "finished", "stopped", "error". Never NULL. */
const char *history_end_name(history_end end);

/* e's start as written in the file: "2026-11-03T07:41:12+01:00" (25 bytes and the NUL). */
void history_format_start(const history_entry *e, char *buf, size_t len);

/* Writes e as one line, newline included, to buf. COACH_E_INVALID (with why) when a field
 * cannot be written (a routine name that is not one, a step outside 1..steps);
 * COACH_E_LIMIT when buf is too small. */
coach_rc history_format(const history_entry *e, char *buf, size_t len, char *why,
                        size_t why_len);

/* Reads one line (without its newline). COACH_E_INVALID with why when it is not a history
 * line; *out untouched then. */
coach_rc history_parse(const char *line, history_entry *out, char *why, size_t why_len);

/* Appends e to the file at path, creating it (0600) and its folder (0700) when missing, as
 * described above. COACH_E_INVALID, COACH_E_IO with why (the file and the OS reason). */
coach_rc history_append(const char *path, const history_entry *e, char *why, size_t why_len);

/* history_append to paths_history(). */
coach_rc history_record(const history_entry *e, char *why, size_t why_len);

/* Reads every good line of the file at path, oldest first, into *out (free() it) and *n.
 * Each broken line is added to diag (initialised here with path) and skipped. A missing file
 * is an empty history. COACH_E_IO (diag says why), COACH_E_NOMEM. */
coach_rc history_read(const char *path, history_entry **out, size_t *n, coach_diag *diag);

/* The local calendar day of e's start, as days since 1970-01-01. */
int64_t history_day(const history_entry *e);

/* The local calendar day of t, as days since 1970-01-01. */
int64_t history_day_of(time_t t);

/* Seconds practised on each of n_days days from first_day on: seconds[i] is day
 * first_day + i. */
void history_seconds_by_day(const history_entry *e, size_t n, int64_t first_day,
                            int64_t *seconds, size_t n_days);

/* Days in a row, up to today, with at least HISTORY_DAY_MIN_S practised. A today without
 * practice yet does not break the streak: it then ends yesterday. */
int history_streak(const history_entry *e, size_t n, int64_t today);

/* Year, month (1-12), day (1-31) and weekday (0 = Monday) of a day number. */
void history_civil(int64_t day, int *year, int *month, int *mday, int *weekday);

#endif
