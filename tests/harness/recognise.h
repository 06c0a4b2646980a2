/* recognise — what an offline recogniser (Debian's pocketsphinx, US English model) makes of
 * coach's speech: the measure of intelligibility of tests/bench/intelligibility and its check
 * in tests/audio/test_recognise.c.
 *
 * The recogniser listens with a language model of the routines' own lines, as a listener
 * knows roughly what a coach says: an n-gram model (Witten-Bell backoff, ARPA text) built
 * here, since Debian has no model builder, and a dictionary of its words from pocketsphinx's
 * CMU dictionary plus tests/bench/words.dict for the words it lacks ("psoas"). What it
 * cannot tell apart then is what the voice did not make clear: the word error rate (WER) of
 * its transcript against the text. The benchmark uses pairs of words (order 2): measured over
 * every shipped line, with the lines' word triples it heard every voice almost perfectly
 * (0.2-2.6 % WER), with single words it missed a third of any voice's words (33-43 %, mostly
 * "the", "a", "is"); pairs tell the voices apart (eSpeak NG at coach's old settings 4.1 %,
 * the espeak-ng command 2.0 %).
 *
 * Test and benchmark code, single-threaded.
 */
#ifndef COACH_TEST_RECOGNISE_H
#define COACH_TEST_RECOGNISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"

#define RECOGNISE_RATE 16000   /* the acoustic model's */
#define RECOGNISE_LUFS (-24.0)  /* every line is heard at this loudness */
#define RECOGNISE_WORD_MAX 32
#define RECOGNISE_WORDS_MAX 512 /* in one line */
/* Where Debian's pocketsphinx-en-us puts its model and dictionary. */
#define RECOGNISE_MODEL_DIR "/usr/share/pocketsphinx/model/en-us/en-us"
#define RECOGNISE_SYSTEM_DICT "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"

/* The words of text as the recogniser spells them: lower case, numbers as words ("5" is
 * "five", up to 999), hyphens as spaces, other punctuation dropped, apostrophes kept inside
 * a word ("don't"). Returns how many (at most max). */
int recognise_words(const char *text, char (*words)[RECOGNISE_WORD_MAX], int max);

/* Builds the language model of n sentences, of order 1 (the words alone), 2 or 3 (which
 * words follow which, and which pairs), into lm_path (ARPA) and the dictionary of its words into dict_path,
 * from system_dict and extra_dict (may be NULL). Words found in neither are listed in
 * missing ("psoas, iliacus"; empty when none), and the files are still written (the
 * recogniser then cannot hear those words). */
coach_rc recognise_build(const char *const *sentences, size_t n, int order,
                         const char *system_dict, const char *extra_dict, const char *lm_path,
                         const char *dict_path, char *missing, size_t missing_len, char *why,
                         size_t why_len);

typedef struct recogniser recogniser;

coach_rc recogniser_open(const char *lm_path, const char *dict_path, recogniser **out,
                         char *why, size_t why_len);

/* Transcribes n samples at rate into hyp (words separated by single spaces; empty when it
 * heard nothing): resampled to RECOGNISE_RATE, brought to RECOGNISE_LUFS and put over a noise
 * floor at -50 dBFS (pocketsphinx loses its way in digital silence), so that every voice is
 * heard equally loud over the same floor, and compared by how it speaks, not how loud. */
coach_rc recogniser_hear(recogniser *r, const int16_t *samples, int64_t n, int rate, char *hyp,
                         size_t hyp_len);

void recogniser_close(recogniser *r);

/* Word errors (substitutions, deletions, insertions: the edit distance in words) of hyp
 * against the words of ref; *ref_words gets how many words ref has. missed (NULL, or room
 * for RECOGNISE_WORDS_MAX) gets, for each word of ref, whether it was not heard as it is. */
int recognise_errors(const char *ref, const char *hyp, int *ref_words, bool *missed);

#endif
