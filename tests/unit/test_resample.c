/* resample: the filter's passband and images (aliasing, going down) as measured with sines,
 * the same samples whatever the blocks, constants passed exactly, no drift over a long clip,
 * and the limits. Prints the figures resample.h quotes. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "resample.h"

#define LEVEL 16000 /* of the test sines, in 16-bit steps */

/* Amplitude (full scale 1.0) of frequency f in y[0..n) at rate, through a Hann window. */
static double amplitude(const float *y, size_t n, double f, double rate)
{
  double re = 0.0, im = 0.0, wsum = 0.0;
  for(size_t i = 0; i < n; i++) {
    double w = 0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)(n - 1));
    re += w * y[i] * cos(2.0 * M_PI * f * (double)i / rate);
    im += w * y[i] * sin(2.0 * M_PI * f * (double)i / rate);
    wsum += w;
  }
  return 2.0 * sqrt(re * re + im * im) / wsum;
}

static double db(double a)
{
  return 20.0 * log10(a / (LEVEL / 32768.0) + 1e-12);
}

/* One second of a sine at f through r: its gain in dB, and in *image the loudest of its
 * images (k * in_rate +- f) or, going down, of its alias, in dB under the sine's level. */
static double measure(const resampler *r, double f, double *image)
{
  int64_t len = r->in_rate;
  int16_t *x = malloc((size_t)len * sizeof(*x));
  size_t n = (size_t)resampler_frames(r, len);
  float *y = calloc(n, sizeof(*y));
  if(!x || !y) {
    free(x);
    free(y);
    CHECK(!"out of memory");
    return -999.0;
  }
  for(int64_t i = 0; i < len; i++)
    x[i] = (int16_t)lrint(LEVEL * sin(2.0 * M_PI * f * (double)i / r->in_rate));
  resampler_add(r, x, len, 0, y, n);
  /* The middle, away from the clip's edges. */
  const float *mid = y + n / 8;
  size_t m = n * 3 / 4;
  double out = r->out_rate, gain = db(amplitude(mid, m, f, out));
  double seen[82];
  int n_seen = 0;
  *image = -999.0;
  for(int k = 0; k <= 40; k++)
    for(int sign = -1; sign <= 1; sign += 2) {
      double g = fabs(k * (double)r->in_rate + sign * f);
      /* Where g lands at the output rate (folded into 0 .. out / 2). */
      g = fmod(g, out);
      if(g > out / 2)
        g = out - g;
      bool again = fabs(g - f) < 20.0 || g < 20.0; /* the sine itself, or too close to it */
      for(int i = 0; i < n_seen && !again; i++)
        again = fabs(seen[i] - g) < 1.0;
      if(again)
        continue;
      seen[n_seen++] = g;
      double v = db(amplitude(mid, m, g, out));
      if(v > *image)
        *image = v;
    }
  free(x);
  free(y);
  return gain;
}

/* Up from in_rate to 48 kHz: flat to flat_hz within 0.05 dB, every image of that band at
 * least min_image_db down, and at 0.8 of the input's Nyquist frequency still within 1 dB. */
static void check_up(int in_rate, double flat_hz, double min_image_db)
{
  double edge_hz = 0.4 * in_rate;
  resampler r;
  CHECK(resampler_init(&r, in_rate, 48000) == COACH_OK);
  double lo = 0.0, hi = -999.0, worst = -999.0, image;
  for(double f = 100.0; f <= flat_hz; f += 150.0 + f / 6) {
    double g = measure(&r, f, &image);
    lo = fmin(lo, g);
    hi = fmax(hi, g);
    worst = fmax(worst, image);
  }
  double edge = measure(&r, edge_hz, &image);
  printf("%d -> 48000 Hz (%d taps): %.3f .. %+.3f dB to %.0f Hz, images <= %.1f dB; "
         "%.2f dB at %.0f Hz\n", in_rate, r.taps, lo, hi, flat_hz, worst, edge, edge_hz);
  CHECKF(lo > -0.05 && hi < 0.05, "%d Hz: passband %.3f .. %.3f dB", in_rate, lo, hi);
  CHECKF(worst < -min_image_db, "%d Hz: image at %.1f dB", in_rate, worst);
  CHECKF(edge > -1.0, "%d Hz: %.2f dB at %.0f Hz", in_rate, edge, edge_hz);
  resampler_free(&r);
}

/* Down from 96 kHz: speech passes, what lies above the output's Nyquist frequency does not
 * fold back into it. */
static void check_down(void)
{
  resampler r;
  double image, worst = -999.0;
  CHECK(resampler_init(&r, 96000, 48000) == COACH_OK);
  CHECK(r.taps == 2 * RESAMPLE_TAPS);
  double g = measure(&r, 4000.0, &image);
  CHECKF(fabs(g) < 0.05, "4 kHz at %.3f dB", g);
  for(double f = 27000.0; f < 46000.0; f += 1500.0) {
    /* Alias at 48000 - f: the whole sine's level there, nothing of it belongs to the output. */
    measure(&r, f, &image);
    worst = fmax(worst, image);
  }
  printf("96000 -> 48000 Hz (%d taps): 4 kHz at %.3f dB, aliases of 27-46 kHz <= %.1f dB\n",
         r.taps, g, worst);
  CHECKF(worst < -60.0, "alias at %.1f dB", worst);
  resampler_free(&r);
}

/* The same samples whatever the blocks; a constant stays exactly that constant. */
static void check_blocks(void)
{
  resampler r;
  CHECK(resampler_init(&r, 22050, 48000) == COACH_OK);
  CHECK(r.up == 320 && r.down == 147);
  CHECK(resampler_frames(&r, 22050) == 48000 && resampler_frames(&r, 1) == 3 &&
        resampler_frames(&r, 0) == 0);
  enum { LEN = 22050 };
  static int16_t x[LEN];
  static float whole[48000 + 100], pieces[48000 + 100];
  for(int i = 0; i < LEN; i++)
    x[i] = (int16_t)(((i * 7919) % 20001) - 10000);
  size_t n = 48000 + 100; /* past the end too: the input's silence */
  resampler_add(&r, x, LEN, 0, whole, n);
  for(size_t pos = 0, step = 1; pos < n; pos += step, step = step * 7 % 997 + 1)
    resampler_add(&r, x, LEN, (int64_t)pos, pieces + pos, pos + step > n ? n - pos : step);
  float worst = 0.0f;
  for(size_t i = 0; i < n; i++)
    worst = fmaxf(worst, fabsf(whole[i] - pieces[i]));
  CHECKF(worst == 0.0f, "blocks change the output by %g", (double)worst);
  CHECK(whole[n - 1] == 0.0f);

  for(int i = 0; i < LEN; i++)
    x[i] = 12345;
  float c[1000] = {0};
  resampler_add(&r, x, LEN, 20000, c, 1000);
  float off = 0.0f;
  for(int i = 0; i < 1000; i++)
    off = fmaxf(off, fabsf(c[i] * 32768.0f - 12345.0f));
  CHECKF(off < 0.01f, "a constant comes out %g steps off", (double)off);
  resampler_free(&r);
}

/* Output frame j lies at input position j * 147 / 320 exactly: after 100 s a sine is where
 * it should be, to a small fraction of a sample. */
static void check_no_drift(void)
{
  resampler r;
  CHECK(resampler_init(&r, 22050, 48000) == COACH_OK);
  int64_t len = 22050 * 101;
  int16_t *x = malloc((size_t)len * sizeof(*x));
  if(!x) {
    CHECK(!"out of memory");
    return;
  }
  const double f = 1000.0;
  for(int64_t i = 0; i < len; i++)
    x[i] = (int16_t)lrint(LEVEL * sin(2.0 * M_PI * f * (double)i / 22050.0));
  float y[480] = {0};
  int64_t first = 48000LL * 100;
  resampler_add(&r, x, len, first, y, 480);
  double err = 0.0;
  for(int j = 0; j < 480; j++) {
    double want = LEVEL / 32768.0 * sin(2.0 * M_PI * f * (double)(first + j) / 48000.0);
    err = fmax(err, fabs(y[j] - want));
  }
  CHECKF(err < 2e-4, "after 100 s the sine is off by %g", err);
  free(x);
  resampler_free(&r);
}

static void check_limits(void)
{
  resampler r = {0};
  CHECK(resampler_init(&r, 0, 48000) == COACH_E_INVALID);
  CHECK(resampler_init(&r, 22050, 2000000) == COACH_E_INVALID);
  CHECK(resampler_init(&r, 44057, 48000) == COACH_E_LIMIT); /* 48000 rows */
  CHECK(r.coef == NULL);
  CHECK(resampler_init(&r, 48000, 48000) == COACH_OK && r.up == 1 && r.down == 1);
  resampler_free(&r);
  resampler_free(NULL);
}

int main(void)
{
  check_up(22050, 8000.0, 75.0); /* eSpeak NG */
  check_up(16000, 6000.0, 75.0); /* flite */
  check_up(44100, 16000.0, 75.0);
  check_down();
  check_blocks();
  check_no_drift();
  check_limits();
  return check_done();
}
