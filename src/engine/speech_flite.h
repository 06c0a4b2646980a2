/* speech_flite — flite (Debian's libflite1), speech's second engine: US English voices that
 * a recogniser understands far better than eSpeak NG's (README, "Intelligibility").
 *
 * For speech.c alone. flite and a voice are loaded (dlopen) the first time a voice asks for
 * them: linked into every speech worker they would cost each one ~6 MB resident and 3 ms to
 * start (measured) for an engine most installations never choose. Loaded voices stay loaded
 * until the process exits, as eSpeak NG's data does.
 *
 * The voices: kal (8 kHz, diphones), kal16, awb, rms and slt (16 kHz); a name that is empty or
 * a language (starting with "en": US English is all flite speaks) means FLITE_DEFAULT_VOICE.
 * Rate: SPEECH_DEFAULT_RATE is flite's own pace (~210 words a minute, measured), and other
 * rates stretch or speed it in proportion. flite is understood best at its own pace: measured
 * by tests/bench/intelligibility, slt was misheard 2.4 % of the words at its own pace, 3.8 %
 * stretched to 175 words a minute, 8.2 % at 140. Pitch moves the voice's own mean F0 by up
 * to half an octave either way (50 = the voice's own).
 *
 * Same thread rule as speech.h: the owner thread of the speech handle calls these.
 */
#ifndef COACH_SPEECH_FLITE_H
#define COACH_SPEECH_FLITE_H

#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"

#define FLITE_DEFAULT_VOICE "slt"
#define FLITE_VOICES "kal, kal16, awb, rms, slt"

typedef struct flite_voice flite_voice;

/* The voice called name (see above), loading flite and it when needed. COACH_E_NOTFOUND for
 * a name flite does not have; COACH_E_SPEECH when flite or the voice cannot be loaded (not
 * installed); why says which and what to do. */
coach_rc flite_voice_get(const char *name, flite_voice **out, char *why, size_t why_len);

/* Speaks with rate (SPEECH_DEFAULT_RATE: its own pace) and pitch (0..100) from now on. */
void flite_voice_set(flite_voice *v, int rate, int pitch);

/* Synthesises text: *samples (malloc'ed, at least one sample) holds *n samples at *rate.
 * COACH_E_SPEECH when flite makes nothing; COACH_E_NOMEM. */
coach_rc flite_voice_synth(flite_voice *v, const char *text, int16_t **samples, size_t *n,
                           int *rate);

#endif
