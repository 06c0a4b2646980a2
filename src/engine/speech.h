/* speech — the one owner of the speech engines, eSpeak NG and flite (speech_flite.h): text in,
 * a 16-bit clip at the voice's own rate out.
 *
 * eSpeak NG keeps all its state in globals and is not thread-safe, so exactly one thread may
 * call speech_open(), speech_set_voice(), speech_synth() and speech_close(): the thread that
 * opened it. speech_request_stop() is the exception: any thread may call it to abort the
 * synthesis in progress (the synth callback sees the flag and returns 1, as
 * speech-dispatcher's espeak module does).
 *
 * A recorded clip replaces a spoken line when the voices directory has one: the text's slug
 * (speech_slug) plus any extension libsndfile reads, in VOICES_DIR/clips/ — "Now switch sides."
 * is clips/now-switch-sides.wav (or .flac, .ogg). Recorded clips are mixed down to mono and
 * keep their own rate, as spoken ones do (clip.h converts what the mixer should not resample
 * as it mixes).
 *
 * Clips come back levelled by loudness (ITU-R BS.1770, libebur128) to SPEECH_LOUDNESS, so
 * every line, voice and recording sounds equally loud in the mix: levelled by peak, a short
 * "Two." was 7 dB louder than a long warning (measured over every shipped line: -19.2 to
 * -26.2 LUFS; now within 0.1 dB of the target, README). A line whose peak would then pass
 * SPEECH_PEAK is set to that peak instead (none of eSpeak NG's shipped lines: their peaks
 * at -24 LUFS reach 0.65). They come as 16-bit samples at their own rate (clip.h's format,
 * rounded once; eSpeak NG's own samples are scaled in place): no caller holds a line as
 * floats.
 *
 * Known hazard: eSpeak NG 1.51 (Debian) aborts the whole process ("buffer overflow detected")
 * on some texts, e.g. "s'" repeated 220 times. Nothing here can catch that: a process that
 * synthesises text from clients must run speech in a process it can afford to lose.
 * speech_worker.h does that (coachd uses it); the one-shot CLI commands use speech directly.
 */
#ifndef COACH_SPEECH_H
#define COACH_SPEECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"
#include "routine.h" /* voice_settings */

/* -24 LUFS keeps the median line where peak levelling had it (-24.3), so speech against the
 * tones is unchanged; SPEECH_PEAK (-3.1 dBFS) leaves the mixer's ceiling (0.95) room for the
 * tones under speech (at most 0.07) and for peaks between samples when a clip is resampled. */
#define SPEECH_LOUDNESS (-24.0) /* LUFS */
#define SPEECH_PEAK 0.7f
#define SPEECH_TEXT_MAX 4000 /* bytes; longer text is refused with COACH_E_LIMIT */

/* The default: used for every field a routine and the config leave unset. The rate is the one
 * a recogniser understands best (tests/bench/intelligibility, README): eSpeak NG at 140 words
 * a minute was misheard 4.1 % of the words, at 160 2.8 %, at 175 3.0 % (the espeak-ng
 * command, also 175: 2.5 %); slower is harder to follow, not calmer. Calm comes from pauses
 * between lines. For flite this rate is its own pace (speech_flite.h). */
#define SPEECH_DEFAULT_VOICE "en-us"
#define SPEECH_DEFAULT_RATE 160
#define SPEECH_DEFAULT_PITCH 40
#define SPEECH_DEFAULT_VOLUME 100

typedef struct speech speech;

/* Initialises eSpeak NG (with espeakINITIALIZE_DONT_EXIT).
 * voices_dir: the project's voices/ folder (eSpeak voice files, clips/); may be NULL.
 * On failure *out is untouched and why says what to do. eSpeak's state is global: only one
 * speech may be open per process at a time (a second open gives COACH_E_STATE). */
coach_rc speech_open(const char *voices_dir, speech **out, char *why, size_t why_len);

/* Sets the voice for following syntheses. Fields at -1 / "" / VOICE_ENGINE_UNSET take the
 * defaults above; v NULL means all defaults. With eSpeak NG (the default engine), a name that
 * is a file in voices_dir is loaded as an eSpeak NG voice file (whatever the directory's
 * path); other names go to eSpeak ("en-us", "en-us+m3"). With flite, the name is one of its
 * voices (speech_flite.h; "" or a language name: slt). Unknown voice: COACH_E_NOTFOUND and
 * the previous voice stays; flite not installed: COACH_E_SPEECH, the same. Out-of-range rate (80..450), pitch
 * (0..100) or volume (0..200): COACH_E_INVALID. volume scales the normalised level: 100 and
 * above give SPEECH_LOUDNESS, 50 half of it, -6 dB (louder would eat the mixer's headroom). */
coach_rc speech_set_voice(speech *s, const voice_settings *v, char *why, size_t why_len);

/* Synthesises text (UTF-8, plain text, no SSML) with the current voice. On success
 * *samples is a malloc'ed mono 16-bit buffer (clip.h's format: the level is sample *
 * CLIP_SCALE: SPEECH_LOUDNESS, peaks at most SPEECH_PEAK), owned by the caller, *length its samples (leading
 * and trailing silence trimmed, 10 ms margins kept) and *rate their rate: the voice's own
 * (eSpeak NG's 22050 Hz) or a recording's. Text that makes no sound gives *length 0 with a
 * (1-sample) buffer still to free. COACH_E_INVALID for empty/blank text or invalid UTF-8,
 * COACH_E_LIMIT for text over SPEECH_TEXT_MAX, COACH_E_SPEECH if eSpeak fails, COACH_E_IO if
 * a recorded clip exists but cannot be read, COACH_E_STATE if speech_request_stop() aborted
 * it (or if called from another thread than speech_open's). On failure the outputs are
 * untouched; speech_last_error() says why. */
coach_rc speech_synth(speech *s, const char *text, int16_t **samples, int64_t *length,
                      int *rate);

/* Any thread: makes the synthesis in progress stop early: eSpeak NG within a fraction of a
 * millisecond of synthesis work; flite, which has no way in, when its line is made (the line
 * is then refused all the same). The flag is cleared when the next speech_synth() begins, so
 * a request made while no synthesis runs has no effect. */
void speech_request_stop(speech *s);

/* Why the last speech_synth() failed, e.g. "recorded clip PATH: ...". Never NULL; valid until
 * the next call on s. Owner thread only. */
const char *speech_last_error(const speech *s);

/* Frees s. eSpeak NG itself stays initialised until the process exits (1.51 hangs in a
 * second espeak_Terminate()), so a later speech_open() reuses it. NULL is fine. */
void speech_close(speech *s);

/* Writes the clip-file stem for text: lower case ASCII letters and digits, runs of anything
 * else as one '-', no leading or trailing '-', at most 60 bytes. "Now, switch sides." ->
 * "now-switch-sides". Pure. */
void speech_slug(const char *text, char *buf, size_t len);

#endif
