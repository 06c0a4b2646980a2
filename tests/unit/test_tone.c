/* Tones: silent edges, no clicks, same samples whatever the block size, pitch as designed. */
#include <math.h>

#include "check.h"
#include "tone.h"

#define RATE 48000

static float max_step(const float *x, size_t n)
{
  float m = 0;
  for(size_t i = 1; i < n; i++)
    if(fabsf(x[i] - x[i - 1]) > m)
      m = fabsf(x[i] - x[i - 1]);
  return m;
}

static float peak(const float *x, size_t n)
{
  float m = 0;
  for(size_t i = 0; i < n; i++)
    if(fabsf(x[i]) > m)
      m = fabsf(x[i]);
  return m;
}

/* Frequency near frame `at` from zero crossings over 20 ms. */
static double freq_near(const float *x, size_t at)
{
  int crossings = 0;
  size_t w = RATE / 50;
  size_t first = 0, last = 0;
  for(size_t i = at; i < at + w; i++) {
    if((x[i - 1] < 0) != (x[i] < 0) && x[i] > x[i - 1]) {
      if(!crossings)
        first = i;
      last = i;
      crossings++;
    }
  }
  return crossings > 1 ? (crossings - 1) * (double)RATE / (double)(last - first) : 0;
}

static void test_breath(tone_kind kind, double f_start, double f_end)
{
  const int64_t len = 4 * RATE;
  static float whole[4 * RATE], pieces[4 * RATE];
  memset(whole, 0, sizeof(whole));
  memset(pieces, 0, sizeof(pieces));
  tone_add(kind, len, RATE, 0, whole, (size_t)len, 1.0f);
  /* Odd block sizes, as the ring and the sound card ask for them. */
  for(int64_t pos = 0, step = 1; pos < len; pos += step, step = step * 7 % 1013 + 1)
    tone_add(kind, len, RATE, pos, pieces + pos, (size_t)(pos + step > len ? len - pos : step),
             1.0f);
  float worst = 0;
  for(int64_t i = 0; i < len; i++)
    if(fabsf(whole[i] - pieces[i]) > worst)
      worst = fabsf(whole[i] - pieces[i]);
  CHECKF(worst < 1e-5f, "blockwise render differs by %g", worst);

  CHECK(fabsf(whole[0]) < 1e-6f);
  CHECK(fabsf(whole[len - 1]) < 1e-4f);
  float p = peak(whole, (size_t)len);
  CHECKF(p <= TONE_BREATH_PEAK + 1e-6f && p > TONE_BREATH_PEAK * 0.5f, "peak %g", p);
  /* A click is a jump; a smooth tone at these pitches moves at most ~0.02 a sample. */
  CHECKF(max_step(whole, 4800) < 0.02f, "attack step %g", max_step(whole, 4800));
  CHECKF(max_step(whole + len - 4800, 4800) < 0.02f, "release step");
  double f0 = freq_near(whole, (size_t)(0.6 * RATE)), f1 = freq_near(whole, (size_t)(3.3 * RATE));
  double e0 = f_start + (f_end - f_start) * 0.6 / 4, e1 = f_start + (f_end - f_start) * 3.3 / 4;
  CHECKF(fabs(f0 - e0) < e0 * 0.05, "pitch at 0.6 s: %.1f Hz, expected %.1f", f0, e0);
  CHECKF(fabs(f1 - e1) < e1 * 0.05, "pitch at 3.3 s: %.1f Hz, expected %.1f", f1, e1);
}

static void test_chimes(void)
{
  tone_kind kinds[] = {TONE_CHIME, TONE_CHIME_START, TONE_CHIME_END};
  for(size_t k = 0; k < 3; k++) {
    int64_t len = tone_chime_frames(kinds[k], RATE);
    CHECK(len > RATE / 2 && len <= 3 * RATE);
    float *x = calloc((size_t)len, sizeof(float));
    tone_add(kinds[k], len, RATE, 0, x, (size_t)len, 1.0f);
    float p = peak(x, (size_t)len);
    CHECKF(p <= TONE_CHIME_PEAK && p > TONE_CHIME_PEAK * 0.4f, "chime peak %g", p);
    CHECK(fabsf(x[0]) < 1e-6f && fabsf(x[len - 1]) < 1e-4f);
    CHECKF(max_step(x, (size_t)len) < 0.08f, "chime step %g", max_step(x, (size_t)len));
    free(x);
  }
}

/* The marker: 0.8 s, soft, silent at both ends and between its notes, no clicks, and two
 * notes falling from E4 to C4. */
static void test_marker(void)
{
  int64_t len = tone_marker_frames(RATE);
  CHECK(len == RATE * 8 / 10);
  float *x = calloc((size_t)len, sizeof(float));
  tone_add(TONE_MARKER, len, RATE, 0, x, (size_t)len, 1.0f);
  float p = peak(x, (size_t)len);
  CHECKF(p > TONE_BREATH_PEAK && p < TONE_CHIME_PEAK, "marker peak %g", p);
  CHECK(fabsf(x[0]) < 1e-6f && fabsf(x[len - 1]) < 1e-6f);
  CHECK(peak(x + RATE * 33 / 100, RATE * 6 / 100) < 1e-6f); /* the rest between the notes */
  CHECKF(max_step(x, (size_t)len) < 0.02f, "marker step %g", max_step(x, (size_t)len));
  double f1 = freq_near(x, RATE / 10), f2 = freq_near(x, RATE / 2);
  CHECKF(fabs(f1 - 329.6) < 5 && fabs(f2 - 261.6) < 5, "notes at %.1f and %.1f Hz", f1, f2);
  free(x);
}

static void test_envelope(void)
{
  int64_t len = 6 * RATE;
  CHECK(tone_breath_envelope(TONE_BREATH_OUT, 0, len, RATE) == 0.0f);
  CHECK(tone_breath_envelope(TONE_BREATH_OUT, len / 2, len, RATE) > 0.99f);
  CHECK(tone_breath_envelope(TONE_BREATH_OUT, len - 1, len, RATE) < 1e-6f);
  CHECK(tone_breath_envelope(TONE_BREATH_OUT, len, len, RATE) == 0.0f);
  /* A 1 s phase still rises and falls without the ramps overlapping into a spike. */
  float mid = tone_breath_envelope(TONE_BREATH_IN, RATE / 2, RATE, RATE);
  CHECK(mid > 0.5f && mid <= 1.0f);
}

int main(void)
{
  test_breath(TONE_BREATH_IN, 330, 495);
  test_breath(TONE_BREATH_OUT, 440, 294);
  test_chimes();
  test_marker();
  test_envelope();
  return check_done();
}
