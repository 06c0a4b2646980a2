/* lufs — a clip's loudness as speech.c levels it: ITU-R BS.1770 by libebur128, gated, or
 * over the whole clip when it is shorter than one 400 ms block. For the tests and benchmarks
 * that check the level (audio.speech, tests/bench/intelligibility). */
#ifndef COACH_TEST_LUFS_H
#define COACH_TEST_LUFS_H

#include <ebur128.h>
#include <math.h>
#include <stdint.h>

/* x: n samples at rate, full scale 1.0. -HUGE_VAL for silence or failure. */
static inline double lufs_of(const float *x, int64_t n, int rate)
{
  ebur128_state *st = n > 0 ? ebur128_init(1, (unsigned long)rate, EBUR128_MODE_I) : NULL;
  double l = -HUGE_VAL;
  if(!st)
    return l;
  ebur128_add_frames_float(st, x, (size_t)n);
  if(n * 1000 < (int64_t)rate * 400)
    ebur128_loudness_window(st, (unsigned long)(n * 1000 / rate), &l);
  else
    ebur128_loudness_global(st, &l);
  ebur128_destroy(&st);
  return l;
}

#endif
