/* duration — parsing and printing the time values routine files use.
 *
 * Durations are written as whole numbers with units in descending order, each unit at most
 * once: "30s", "2m", "1m30s", "1h5m", "500ms". Breathing patterns are "IN-HOLD-OUT-HOLD" in
 * seconds with at most one decimal: "4-0-6-0", "4.5-1-6-0".
 *
 * Pure; any thread. Values are milliseconds in int64_t so that sums over a session never
 * overflow and never round.
 */
#ifndef COACH_DURATION_H
#define COACH_DURATION_H

#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"

/* The largest single duration a file may state: two hours. */
#define DURATION_MAX_MS (2LL * 60 * 60 * 1000)

/* Parses text into *ms. On error returns COACH_E_INVALID and writes a reason that tells the
 * user what to write instead into why (e.g. "\"30\" has no unit: write 30s or 30m"); *ms is
 * untouched. Accepts 0 ("0s"); range checks beyond DURATION_MAX_MS are the caller's. */
coach_rc duration_parse(const char *text, int64_t *ms, char *why, size_t why_len);

/* Formats ms as the shortest duration_parse() reads back: 90000 -> "1m30s", 500 -> "500ms". */
void duration_format(int64_t ms, char *buf, size_t len);

/* Formats ms as a clock for people and the timeline: "12:03.250" (m:ss.mmm), "1:02:03.000". */
void duration_format_clock(int64_t ms, char *buf, size_t len);

typedef struct breath_pattern {
  int64_t in_ms, hold_in_ms, out_ms, hold_out_ms;
} breath_pattern;

/* Longest phase of a breath a pattern may ask for. */
#define BREATH_PHASE_MAX_MS (30 * 1000)

/* Parses "IN-HOLD-OUT-HOLD". IN and OUT must be at least 1 s, every part at most
 * BREATH_PHASE_MAX_MS. Errors as duration_parse(). */
coach_rc breath_pattern_parse(const char *text, breath_pattern *out, char *why, size_t why_len);

static inline int64_t breath_pattern_cycle_ms(const breath_pattern *p)
{
  return p->in_ms + p->hold_in_ms + p->out_ms + p->hold_out_ms;
}

#endif
