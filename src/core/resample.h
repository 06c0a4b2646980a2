/* resample — 16-bit mono audio at its own rate, heard at another: band-limited
 * (windowed-sinc) interpolation, evaluated one output frame at a time.
 *
 * From in_rate to out_rate, with g their greatest common divisor, output frame j lies at input
 * position j * down / up (up = out_rate / g, down = in_rate / g; eSpeak NG's 22050 Hz into
 * 48000 Hz is 147 / 320). That position is computed in integers, so frame j is the same
 * sample whichever block computes it (the mixer's block invariance, mixer.h) and nothing
 * drifts however long the clip. Each of the `up` fractional positions has its own row of
 * taps (a polyphase table), computed once per rate pair by resampler_init(); evaluating a
 * frame is then one dot product of RESAMPLE_TAPS (more when the rate goes down, to keep the
 * same transition band in output terms).
 *
 * The filter, chosen by measurement (tests/unit/test_resample.c prints the figures): a
 * Kaiser-windowed sinc of RESAMPLE_TAPS taps, beta RESAMPLE_KAISER_BETA, cut off at
 * RESAMPLE_CUTOFF of the lower rate's Nyquist frequency. For 22050 -> 48000 Hz that is flat
 * within 0.002 dB to 8 kHz (eSpeak NG's speech has its energy there: above 8 kHz its level is
 * 30 dB under the whole, above 10 kHz 41 dB), -0.33 dB at 8.8 kHz and -3 dB near 9.7 kHz,
 * and the images of everything up to 8 kHz (at 14-22 kHz) are at least 75 dB down. 16 taps
 * would have cost 0.2 dB at 8 kHz and 10 dB of image rejection for 15 % less time; 32 gave
 * nothing audible.
 *
 * Pure, no threads; a resampler is read-only after resampler_init(), so any number of
 * threads may use one at once. resampler_add() does not allocate.
 */
#ifndef COACH_RESAMPLE_H
#define COACH_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"

#define RESAMPLE_TAPS 24           /* per output frame when the rate goes up; a multiple of 8 */
#define RESAMPLE_KAISER_BETA 7.0
#define RESAMPLE_CUTOFF 0.92       /* of the lower rate's Nyquist frequency */
#define RESAMPLE_COEFS_MAX (1 << 20) /* largest table (4 MiB): see resampler_init() */

typedef struct resampler {
  int in_rate, out_rate;
  int up, down;   /* out_rate / g and in_rate / g */
  int taps;       /* per output frame: RESAMPLE_TAPS, times down / up (rounded up) going down */
  float *coef;    /* up rows of taps; row p for the input position's fraction p / up. Scaled
                     by 1 / 32768, so 16-bit input gives output at full scale 1.0 (clip.h) */
} resampler;

/* Computes the table for in_rate -> out_rate (each 1 .. 1,000,000 Hz). COACH_E_INVALID for a
 * rate out of range; COACH_E_LIMIT when the table would exceed RESAMPLE_COEFS_MAX
 * coefficients (rates with almost no common divisor, e.g. 44057 -> 48000 Hz, whose table
 * would be 48000 rows); COACH_E_NOMEM. On failure *r is untouched. */
coach_rc resampler_init(resampler *r, int in_rate, int out_rate);

/* Frees the table; r may then be initialised again. NULL is fine. */
void resampler_free(resampler *r);

/* How many output frames in_len input samples give: every frame whose position lies inside
 * the input (ceil(in_len * up / down)). */
int64_t resampler_frames(const resampler *r, int64_t in_len);

/* Adds output frames [first, first + n) of in (in_len samples; outside them the input is
 * silence) to out[0 .. n). Any first, any n: the same frame always gets the same value. */
void resampler_add(const resampler *r, const int16_t *in, int64_t in_len, int64_t first,
                   float *out, size_t n);

#endif
