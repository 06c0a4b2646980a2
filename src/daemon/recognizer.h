/* recognizer — hears the phrases of a phrase list (phrases.h) in 16 kHz mono sound, offline,
 * with pocketsphinx's keyword spotting and a check that each phrase was said on its own.
 *
 * How a phrase is heard (README, Listening, has the measurements behind each number):
 *  1. pocketsphinx spots every phrase of the list, leniently: each candidate comes with its
 *     start and end frame (10 ms) and a score, the log-likelihood of the phrase against the
 *     best free sequence of speech sounds (its phone loop). Divided by the phrase's length in
 *     frames, that score is the phrase's threshold's unit: per frame, 0 a perfect match.
 *  2. A command is an utterance of its own: the recogniser tracks the level of sound (above
 *     300 Hz, where speech is and room rumble is not) against the quietest of the last 3 s,
 *     and keeps a candidate only when the 300 ms before its start were quiet (the wake word
 *     began an utterance) and the utterance ended within 250 ms after its end (nothing more
 *     was said). This is what keeps "the coach stopped by the river" from stopping a session,
 *     and "coach start rest" from being heard as "coach stop".
 *  3. It decides once the utterance is over (120 ms of quiet, and the spotter's own delay):
 *     the candidate with the best score at or above its threshold, if any. The phrase end to
 *     the decision takes about 0.2 s of sound.
 *
 * Needs pocketsphinx's US English model (Debian: pocketsphinx-en-us) in model_dir: the
 * acoustic model in model_dir/en-us and the dictionary model_dir/cmudict-en-us.dict. Only
 * the phrases' words are taken from the dictionary (3 MB, ~30 MB of memory in full), so the
 * recogniser loads in ~0.2 s and uses ~8 MB.
 *
 * Threads: none of its own; one thread at a time per recognizer. No devices.
 */
#ifndef COACH_RECOGNIZER_H
#define COACH_RECOGNIZER_H

#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"
#include "phrases.h"

#define RECOGNIZER_RATE 16000
#define RECOGNIZER_MODEL_DIR "/usr/share/pocketsphinx/model/en-us"
/* The language of that model's words: routines in others cannot be named by voice. */
#define RECOGNIZER_LANGUAGE "en"

typedef struct recognizer recognizer;

typedef struct recognizer_heard {
  int phrase;          /* index into the list given to recognizer_new */
  double score;        /* per frame, as the threshold */
  int64_t end_sample;  /* where the phrase ended, in samples fed since recognizer_new */
  int64_t decided_at;  /* samples fed when it was decided */
} recognizer_heard;

/* Loads the model for phrases (copied). model_dir NULL means RECOGNIZER_MODEL_DIR.
 * COACH_E_NOTFOUND with why naming what is missing (the model, or a phrase's word the
 * dictionary lacks, as "FILE:LINE: ..." of the phrase file when phrases_file is not NULL);
 * COACH_E_NOMEM; COACH_E_IO. On failure *out is untouched. */
coach_rc recognizer_new(const char *model_dir, const phrase_list *phrases,
                        const char *phrases_file, recognizer **out, char *why, size_t why_len);

void recognizer_free(recognizer *r);

/* Feeds n samples; returns 1 and fills *heard when a phrase was decided on (at most one a
 * call: feed 10 ms or so at a time), else 0. */
int recognizer_feed(recognizer *r, const int16_t *samples, size_t n, recognizer_heard *heard);

/* Forgets what was being heard (after a stretch of sound that was not fed: half duplex).
 * The sample count goes on from where it was. */
void recognizer_reset(recognizer *r);

#endif
