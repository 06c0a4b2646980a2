/* tone — the breathing tones and chimes, synthesised on demand at any offset.
 *
 * Every sound here is a closed-form function of its own sample index, so a block can be
 * rendered starting anywhere inside a cue (after a skip, or when the ring wraps) and give the
 * same samples as an uninterrupted render. Envelopes start and end at exactly zero, so no
 * sound ever begins or ends with a click.
 *
 * Design of the sounds, for someone following them for fifteen minutes with eyes closed:
 *  - breath in: a warm tone gliding up a fifth (330 -> 495 Hz) with some second and third
 *    harmonic, swelling in gently: "rising" is the cue to inhale.
 *  - breath out: a purer tone gliding down (440 -> 294 Hz), fading away slowly: "falling" is
 *    the cue to exhale. Different direction, pitch and colour, so they are never confused.
 *  - Pitched above 300 Hz, so a small speaker (a phone, a smart speaker, which roll off below
 *    about 300 Hz) still plays them: through a 300 Hz high-pass they lose 1.3 dB and sit about
 *    5 dB under the voice (tests/audio/test_render.c measures it; the 196-330 Hz tones before
 *    lost 4.3 dB and sat 10 dB under).
 *  - holds are silent.
 *  - chimes: a soft bell (inharmonic partials, exponential decay). The hold start chime is
 *    higher and shorter, the hold end chime lower, so each tells which it is.
 *
 * Pure; any thread; no allocation.
 */
#ifndef COACH_TONE_H
#define COACH_TONE_H

#include <stddef.h>
#include <stdint.h>

/* Levels: speech clips peak at 0.5 and measure about -23 dBFS while words sound; the breath
 * tones (sustained, so louder for the same peak) sit about 5 dB under that, the chimes
 * (short, decaying) a little higher so a transition is noticed. */
#define TONE_BREATH_PEAK 0.07f
#define TONE_CHIME_PEAK 0.18f

typedef enum tone_kind {
  TONE_BREATH_IN,
  TONE_BREATH_OUT,
  TONE_CHIME,       /* transitions, opening and closing */
  TONE_CHIME_START, /* a hold begins */
  TONE_CHIME_END,   /* a hold ends */
  TONE_ACK,         /* a spoken command was heard (listen.h): two quick rising notes */
  TONE_MARKER,      /* in place of a line that could not be spoken (tone_marker_frames) */
} tone_kind;

/* The acknowledgement (TONE_ACK): two short soft notes a fifth apart, rising (659 then
 * 988 Hz, 70 ms each, 40 ms apart): brighter and much shorter than any chime, and unlike the
 * breath glides, so it can only mean "heard you"; short, so the listener is deaf (half
 * duplex) for as little as possible. Peak TONE_ACK_PEAK. */
#define TONE_ACK_PEAK 0.16f

/* How long a chime (or TONE_ACK) sounds, in frames at rate (breath tones last their phase). */
int64_t tone_chime_frames(tone_kind kind, int rate);

/* How long the marker sounds, in frames at rate: a fixed 0.8 s. Two soft notes falling a
 * major third (E4, C4), plain and short, unlike any chime or breath tone: "something is
 * missing here", not an instruction. */
int64_t tone_marker_frames(int rate);

/* Adds gain * the sound into out[0..n): the frames [offset, offset + n) of a tone of kind
 * lasting length frames (breath tones: the phase length; chimes: tone_chime_frames(); the
 * marker: tone_marker_frames()).
 * Frames outside [0, length) contribute nothing. */
void tone_add(tone_kind kind, int64_t length, int rate, int64_t offset, float *out, size_t n,
              float gain);

/* The envelope of a breath tone at frame i of length: 0 at both ends, 1 in the middle,
 * raised-cosine ramps. Exposed for tests. */
float tone_breath_envelope(tone_kind kind, int64_t i, int64_t length, int rate);

#endif
