#include "tone.h"

#include <math.h>

#define TWO_PI 6.283185307179586

typedef struct glide {
  double f0, f1;     /* Hz at the start and end of the tone */
  double h2, h3;     /* level of the 2nd and 3rd harmonics */
  double attack_s;   /* ramp in */
  double release_s;  /* ramp out */
} glide;

static const glide breath_in = {330.0, 495.0, 0.30, 0.10, 0.9, 0.9};
static const glide breath_out = {440.0, 294.0, 0.18, 0.05, 0.4, 1.8};

/* A bell: partial ratios (slightly inharmonic, as in real bells), levels and decay times. */
typedef struct chime {
  double f0;
  double length_s;
  double ratio[4], level[4], decay_s[4];
} chime;

static const chime chime_transition = {
    523.25, 3.0, {1.0, 2.01, 2.76, 4.07}, {1.0, 0.32, 0.18, 0.06}, {1.10, 0.60, 0.40, 0.25}};
static const chime chime_start = {
    783.99, 1.6, {1.0, 2.01, 2.76, 4.07}, {1.0, 0.25, 0.12, 0.04}, {0.55, 0.30, 0.22, 0.15}};
static const chime chime_end = {
    392.00, 3.0, {1.0, 2.01, 2.76, 4.07}, {1.0, 0.35, 0.20, 0.06}, {1.20, 0.70, 0.45, 0.30}};

/* A struck bell speaks at once: 2 ms is still a smooth (raised-cosine) rise, so no click
 * (test_tone checks the steps), and the first chime of a session is heard ~1.5 ms sooner
 * than with the 6 ms this used to be (tests/bench/run latency). */
#define CHIME_ATTACK_S 0.002
#define CHIME_FADE_S 0.25    /* brings the tail to exact zero at the end */

static const chime *chime_of(tone_kind kind)
{
  switch(kind) {
  case TONE_CHIME_START: return &chime_start;
  case TONE_CHIME_END: return &chime_end;
  default: return &chime_transition;
  }
}

/* --- the acknowledgement ---------------------------------------------------------------- */

#define ACK_NOTE_S 0.070
#define ACK_GAP_S 0.040
#define ACK_RAMP_S 0.008 /* raised-cosine edges: no click */

static double ack_length_s(void)
{
  return 2.0 * ACK_NOTE_S + ACK_GAP_S;
}

int64_t tone_chime_frames(tone_kind kind, int rate)
{
  if(kind == TONE_ACK)
    return (int64_t)(ack_length_s() * rate);
  return (int64_t)(chime_of(kind)->length_s * rate);
}

static double raised_cosine(double x) /* 0 -> 0, 1 -> 1, smooth at both ends */
{
  if(x <= 0.0)
    return 0.0;
  if(x >= 1.0)
    return 1.0;
  return 0.5 - 0.5 * cos(M_PI * x);
}

static double envelope(const glide *g, int64_t i, int64_t length, int rate)
{
  /* Short phases shrink both ramps in proportion so they never overlap. */
  double len_s = (double)length / rate;
  double a = g->attack_s, r = g->release_s;
  if(a + r > len_s) {
    double k = len_s / (a + r);
    a *= k;
    r *= k;
  }
  double t = (double)i / rate;
  double end = (double)(length - 1 - i) / rate;
  return raised_cosine(t / a) * raised_cosine(end / r);
}

float tone_breath_envelope(tone_kind kind, int64_t i, int64_t length, int rate)
{
  const glide *g = kind == TONE_BREATH_IN ? &breath_in : &breath_out;
  if(i < 0 || i >= length)
    return 0.0f;
  return (float)envelope(g, i, length, rate);
}

/* A linear glide has phase(n) = 2pi (f0 n/sr + k n^2 / (2 sr^2)), k = (f1 - f0) / T.
 * The block starts from that closed form (so any offset is exact) and then advances by a
 * rotating phasor whose step itself rotates by a constant: two complex multiplies a sample
 * instead of a sin(). Harmonics come from powers of the phasor. */
static void glide_add(const glide *g, int64_t length, int rate, int64_t offset, float *out,
                      size_t n, float gain)
{
  double sr = rate;
  double k = (g->f1 - g->f0) / ((double)length / sr);
  double norm = 1.0 / (1.0 + g->h2 + g->h3);
  double n0 = (double)offset;
  double phase = TWO_PI * (g->f0 * n0 / sr + k * n0 * n0 / (2.0 * sr * sr));
  double step = TWO_PI * (g->f0 / sr + k * (2.0 * n0 + 1.0) / (2.0 * sr * sr));
  double dstep = TWO_PI * k / (sr * sr);
  double zr = cos(phase), zi = sin(phase);
  double wr = cos(step), wi = sin(step);
  double cr = cos(dstep), ci = sin(dstep);

  for(size_t j = 0; j < n; j++) {
    int64_t i = offset + (int64_t)j;
    if(i >= 0 && i < length) {
      /* sin(theta), sin(2 theta), sin(3 theta) from z = e^{i theta} */
      double s1 = zi;
      double s2 = 2.0 * zr * zi;
      double s3 = zi * (3.0 - 4.0 * zi * zi);
      double v = (s1 + g->h2 * s2 + g->h3 * s3) * norm;
      out[j] += (float)(gain * TONE_BREATH_PEAK * v * envelope(g, i, length, rate));
    }
    double tr = zr * wr - zi * wi;
    zi = zr * wi + zi * wr;
    zr = tr;
    tr = wr * cr - wi * ci;
    wi = wr * ci + wi * cr;
    wr = tr;
  }
}

static void chime_add(const chime *c, int64_t length, int rate, int64_t offset, float *out,
                      size_t n, float gain)
{
  double sr = rate;
  double norm = 0.0;
  for(int p = 0; p < 4; p++)
    norm += c->level[p];
  for(size_t j = 0; j < n; j++) {
    int64_t i = offset + (int64_t)j;
    if(i < 0 || i >= length)
      continue;
    double t = (double)i / sr;
    double v = 0.0;
    for(int p = 0; p < 4; p++)
      v += c->level[p] * exp(-t / c->decay_s[p]) * sin(TWO_PI * c->f0 * c->ratio[p] * t);
    double env = raised_cosine(t / CHIME_ATTACK_S) *
                 raised_cosine((double)(length - 1 - i) / sr / CHIME_FADE_S);
    out[j] += (float)(gain * TONE_CHIME_PEAK * v / norm * env);
  }
}

/* --- two-note signals: the acknowledgement and the marker ---------------------------------- */

/* Two notes, each a sine with a little second harmonic under a raised-cosine rise and fall,
 * a short rest between them. */
typedef struct two_notes {
  double hz[2];
  double note_s, gap_s; /* each note's length, the rest between them */
  double rise_s, fall_s;
  double peak;
} two_notes;

static const two_notes ack_notes = {
  .hz = {659.26, 987.77}, .note_s = ACK_NOTE_S, .gap_s = ACK_GAP_S,
  .rise_s = ACK_RAMP_S, .fall_s = ACK_RAMP_S, .peak = TONE_ACK_PEAK,
};

/* The marker: falling a major third (E4, C4), each note fading over its second half, peak
 * between the breath tones and the chimes. */
#define MARKER_NOTE_S 0.32
#define MARKER_GAP_S 0.08
static const two_notes marker_notes = {
  .hz = {329.63, 261.63}, .note_s = MARKER_NOTE_S, .gap_s = MARKER_GAP_S,
  .rise_s = 0.02, .fall_s = MARKER_NOTE_S / 2.0, .peak = 0.12,
};

int64_t tone_marker_frames(int rate)
{
  return (int64_t)((2 * MARKER_NOTE_S + MARKER_GAP_S + 0.08) * rate);
}

static void two_notes_add(const two_notes *tn, int64_t length, int rate, int64_t offset,
                          float *out, size_t n, float gain)
{
  for(size_t j = 0; j < n; j++) {
    int64_t i = offset + (int64_t)j;
    if(i < 0 || i >= length)
      continue;
    double t = (double)i / rate;
    int note = t < tn->note_s + tn->gap_s ? 0 : 1;
    double u = note ? t - tn->note_s - tn->gap_s : t; /* time into the note */
    if(u >= tn->note_s)
      continue;
    double env = raised_cosine(u / tn->rise_s) * raised_cosine((tn->note_s - u) / tn->fall_s);
    double ph = TWO_PI * tn->hz[note] * u;
    out[j] += (float)(gain * tn->peak * env * (sin(ph) + 0.2 * sin(2.0 * ph)) / 1.2);
  }
}

void tone_add(tone_kind kind, int64_t length, int rate, int64_t offset, float *out, size_t n,
              float gain)
{
  if(length <= 0 || offset >= length || offset + (int64_t)n <= 0)
    return;
  switch(kind) {
  case TONE_BREATH_IN: glide_add(&breath_in, length, rate, offset, out, n, gain); break;
  case TONE_BREATH_OUT: glide_add(&breath_out, length, rate, offset, out, n, gain); break;
  case TONE_ACK: two_notes_add(&ack_notes, length, rate, offset, out, n, gain); break;
  case TONE_MARKER: two_notes_add(&marker_notes, length, rate, offset, out, n, gain); break;
  default: chime_add(chime_of(kind), length, rate, offset, out, n, gain); break;
  }
}
