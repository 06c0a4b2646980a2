/* One line of the practice log (history.h) on any bytes: the reader must survive whatever a
 * crash, a disk error or an editor leaves in the file.
 *
 * Properties checked besides "no crash, no leak, no undefined behaviour":
 *   - a refusal leaves the entry byte for byte as it was and says why;
 *   - an accepted entry is within the bounds the writer keeps, and written again it is one
 *     line under HISTORY_LINE_MAX that reads back to the same entry.
 * Seeds: tests/fuzz/seeds/history. */
#include <string.h>

#include "fuzz.h"
#include "history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static char line[HISTORY_LINE_MAX + 64], again[HISTORY_LINE_MAX + 64];
  static history_entry e, before, back;
  char why[256] = "";

  if(size >= sizeof(line))
    return 0;
  memcpy(line, data, size);
  line[size] = '\0'; /* the reader hands over a line without its newline, cut at a NUL */
  memset(&e, 0xa5, sizeof(e));
  before = e;
  if(history_parse(line, &e, why, sizeof(why)) != COACH_OK) {
    FUZZ_ASSERT(memcmp(&e, &before, sizeof(e)) == 0);
    FUZZ_ASSERT(why[0] != '\0');
    return 0;
  }
  FUZZ_ASSERT(routine_name_valid(e.routine));
  FUZZ_ASSERT(e.step >= 1 && e.step <= e.steps);
  FUZZ_ASSERT(e.played_s >= 0 && e.total_s >= 0 && e.length_ms >= 0);
  FUZZ_ASSERT(e.end == HISTORY_FINISHED || e.end == HISTORY_STOPPED || e.end == HISTORY_ERROR);
  FUZZ_ASSERT(history_format(&e, again, sizeof(again), why, sizeof(why)) == COACH_OK);
  size_t n = strlen(again);
  FUZZ_ASSERT(n > 0 && n < HISTORY_LINE_MAX && again[n - 1] == '\n' &&
              memchr(again, '\n', n - 1) == NULL);
  again[n - 1] = '\0';
  memset(&back, 0, sizeof(back));
  FUZZ_ASSERT(history_parse(again, &back, why, sizeof(why)) == COACH_OK);
  FUZZ_ASSERT(back.start == e.start && back.utc_offset_s == e.utc_offset_s &&
              !strcmp(back.routine, e.routine) && back.length_ms == e.length_ms &&
              back.played_s == e.played_s && back.total_s == e.total_s &&
              back.step == e.step && back.steps == e.steps && back.end == e.end);
  return 0;
}
