#include "resample.h"

#include <math.h>
#include <stdlib.h>

/* Input samples converted to float per pass of resampler_add(): bounds its stack (32 KiB). */
#define SPAN_MAX 8192

static int64_t gcd(int64_t a, int64_t b)
{
  while(b) {
    int64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/* Modified Bessel function of the first kind, order 0 (the Kaiser window's), by its power
 * series; for the arguments used here (<= RESAMPLE_KAISER_BETA) it converges in ~20 terms. */
static double bessel_i0(double x)
{
  double sum = 1.0, term = 1.0, q = x * x / 4.0;
  for(int k = 1; k < 60 && term > sum * 1e-17; k++) {
    term *= q / ((double)k * k);
    sum += term;
  }
  return sum;
}

coach_rc resampler_init(resampler *r, int in_rate, int out_rate)
{
  if(in_rate < 1 || in_rate > 1000000 || out_rate < 1 || out_rate > 1000000)
    return COACH_E_INVALID;
  int64_t g = gcd(in_rate, out_rate);
  int up = (int)(out_rate / g), down = (int)(in_rate / g);
  /* Going down, the filter cuts off at the output's Nyquist frequency: as many more taps as
   * the input is denser, so the transition band stays the same width. */
  int taps = RESAMPLE_TAPS;
  if(down > up)
    taps = 2 * (int)(((int64_t)RESAMPLE_TAPS * down + 2 * up - 1) / (2 * up));
  if(taps > 1024 || (int64_t)up * taps > RESAMPLE_COEFS_MAX)
    return COACH_E_LIMIT;
  float *coef = malloc((size_t)up * (size_t)taps * sizeof(*coef));
  if(!coef)
    return COACH_E_NOMEM;

  /* Cut-off in cycles per input sample; the ideal low-pass is 2c sinc(2c d) at a distance of
   * d input samples, windowed over the taps' half-width. Tap i of row p stands for the input
   * sample at offset k = i - (taps / 2 - 1) from the position's whole part, so at distance
   * d = k - p / up. Each row is then scaled to a sum of exactly 1 / 32768: every fractional
   * position passes a constant unchanged, and no row is a little louder than the next. */
  double c = 0.5 * RESAMPLE_CUTOFF * (down > up ? (double)up / down : 1.0);
  double half = taps / 2.0, norm = bessel_i0(RESAMPLE_KAISER_BETA);
  for(int p = 0; p < up; p++) {
    float *row = coef + (size_t)p * (size_t)taps;
    double sum = 0.0, h[taps];
    for(int i = 0; i < taps; i++) {
      double d = (double)(i - (taps / 2 - 1)) - (double)p / up;
      double x = 2.0 * c * d, u = d / half;
      double sinc = x == 0.0 ? 1.0 : sin(M_PI * x) / (M_PI * x);
      double w = fabs(u) >= 1.0 ? 0.0 : bessel_i0(RESAMPLE_KAISER_BETA * sqrt(1.0 - u * u)) / norm;
      h[i] = 2.0 * c * sinc * w;
      sum += h[i];
    }
    for(int i = 0; i < taps; i++)
      row[i] = (float)(h[i] / sum / 32768.0);
  }
  *r = (resampler){.in_rate = in_rate, .out_rate = out_rate, .up = up, .down = down,
                   .taps = taps, .coef = coef};
  return COACH_OK;
}

void resampler_free(resampler *r)
{
  if(!r)
    return;
  free(r->coef);
  r->coef = NULL;
}

int64_t resampler_frames(const resampler *r, int64_t in_len)
{
  return in_len <= 0 ? 0 : (in_len * r->up + r->down - 1) / r->down;
}

/* One output frame: the row's taps against the input window. Eight running sums rather than
 * one, so the compiler may use vector instructions without reordering a float sum (it must
 * not on its own); with the fixed count the loop is unrolled too. Measured here for 22050 ->
 * 48000 Hz: 7 ns a frame against 10 with one sum. */
static inline float dot_fixed(const float *c, const float *x)
{
  float acc[8] = {0};
  for(int i = 0; i < RESAMPLE_TAPS; i += 8)
    for(int l = 0; l < 8; l++)
      acc[l] += c[i + l] * x[i + l];
  return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

static inline float dot(const float *c, const float *x, int n)
{
  float acc = 0.0f;
  for(int i = 0; i < n; i++)
    acc += c[i] * x[i];
  return acc;
}

void resampler_add(const resampler *r, const int16_t *in, int64_t in_len, int64_t first,
                   float *out, size_t n)
{
  const int taps = r->taps, lead = taps / 2 - 1, step_whole = r->down / r->up,
            step_frac = r->down % r->up;
  /* Frames per pass, so that the input they need fits SPAN_MAX. */
  size_t pass_max = (size_t)(((int64_t)SPAN_MAX - taps - 2) * r->up / r->down);
  float x[SPAN_MAX];
  while(n > 0) {
    size_t m = n < pass_max ? n : pass_max;
    int64_t pos = first * r->down;
    int64_t whole = pos / r->up, lo = whole - lead;
    int p = (int)(pos % r->up);
    int64_t hi = ((first + (int64_t)m - 1) * r->down) / r->up + taps / 2;
    for(int64_t i = lo; i <= hi; i++)
      x[i - lo] = i >= 0 && i < in_len ? (float)in[i] : 0.0f;
    size_t at = 0;
    for(size_t j = 0; j < m; j++) {
      const float *c = r->coef + (size_t)p * (size_t)taps;
      out[j] += taps == RESAMPLE_TAPS ? dot_fixed(c, x + at) : dot(c, x + at, taps);
      at += (size_t)step_whole;
      p += step_frac;
      if(p >= r->up) {
        p -= r->up;
        at++;
      }
    }
    first += (int64_t)m;
    out += m;
    n -= m;
  }
}
