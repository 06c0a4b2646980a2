/* The pieces of the intelligibility benchmark (tests/bench/intelligibility), so a change that
 * breaks them fails here rather than in a figure nobody reads: the words of a line as the
 * recogniser spells them, the word error count, the language model and dictionary builder
 * (a valid ARPA file; a word with no pronunciation is named, and found in
 * tests/bench/words.dict), and one line spoken by flite and transcribed by pocketsphinx with
 * a known result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "recognise.h"
#include "speech.h"

static void check_words(const char *text, const char *want)
{
  char words[RECOGNISE_WORDS_MAX][RECOGNISE_WORD_MAX], got[512] = "";
  int n = recognise_words(text, words, RECOGNISE_WORDS_MAX);
  for(int i = 0; i < n; i++)
    snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "", words[i]);
  CHECKF(!strcmp(got, want), "\"%s\" gave \"%s\", not \"%s\"", text, got, want);
}

static bool file_has(const char *path, const char *needle)
{
  char buf[65536];
  FILE *f = fopen(path, "r");
  size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
  if(f)
    fclose(f);
  buf[n] = '\0';
  return strstr(buf, needle) != NULL;
}

int main(void)
{
  const char *tmp = getenv("COACH_TEST_TMP"), *words_dict = getenv("COACH_WORDS_DICT");
  if(!tmp || !words_dict) {
    fprintf(stderr, "COACH_TEST_TMP and COACH_WORDS_DICT must be set (run through ctest)\n");
    return EXIT_FAILURE;
  }
  check_words("Round 1 of 5.", "round one of five");
  check_words("Hold for 30 seconds, then 105.", "hold for thirty seconds then one hundred five");
  check_words("Don't arch your back -- self-release, 'slowly'.",
              "don't arch your back self release slowly");

  int words = 0;
  bool missed[RECOGNISE_WORDS_MAX] = {false};
  CHECK(recognise_errors("Breathe in, slowly.", "breathe in slowly", &words, NULL) == 0 &&
        words == 3);
  CHECK(recognise_errors("tilt your pelvis", "tilt your belly is", &words, missed) == 2 &&
        !missed[0] && !missed[1] && missed[2]);
  CHECK(recognise_errors("five four three", "four three", &words, missed) == 1 && missed[0] &&
        !missed[1] && !missed[2]);

  static const char *const lines[] = {
      "Breathe in slowly, and let your shoulders drop.",
      "Gently tilt your pelvis back.",
      "Release the psoas.",
      "Five. Four. Three. Two. One.",
  };
  char lm[1100], dict[1100], missing[256], why[512] = "";
  snprintf(lm, sizeof(lm), "%s/recognise-test.lm", tmp);
  snprintf(dict, sizeof(dict), "%s/recognise-test.dict", tmp);
  CHECKF(recognise_build(lines, 4, 3, RECOGNISE_SYSTEM_DICT, NULL, lm, dict, missing,
                         sizeof(missing), why, sizeof(why)) == COACH_OK, "%s", why);
  CHECKF(!strcmp(missing, "psoas"), "missing: %s", missing);
  CHECKF(recognise_build(lines, 4, 3, RECOGNISE_SYSTEM_DICT, words_dict, lm, dict, missing,
                         sizeof(missing), why, sizeof(why)) == COACH_OK, "%s", why);
  CHECKF(!missing[0], "missing with %s: %s", words_dict, missing);
  CHECK(file_has(lm, "\\data\\\nngram 1=22\n") && file_has(lm, "\\3-grams:") &&
        file_has(lm, "\\end\\") && file_has(lm, " <s> breathe in\n"));
  CHECK(file_has(dict, "\npelvis P EH L V AH S\n") && file_has(dict, "psoas "));

  recogniser *r = NULL;
  CHECKF(recogniser_open(lm, dict, &r, why, sizeof(why)) == COACH_OK, "%s", why);
  speech *sp = NULL;
  CHECKF(speech_open(NULL, &sp, why, sizeof(why)) == COACH_OK, "%s", why);
  voice_settings slt = {.name = "slt", .rate = 160, .pitch = -1, .volume = -1,
                        .engine = VOICE_ENGINE_FLITE};
  CHECKF(sp && speech_set_voice(sp, &slt, why, sizeof(why)) == COACH_OK, "%s", why);
  int16_t *pcm = NULL;
  int64_t n = 0;
  int rate = 0;
  char hyp[512] = "";
  if(r && sp && speech_synth(sp, lines[0], &pcm, &n, &rate) == COACH_OK) {
    CHECK(recogniser_hear(r, pcm, n, rate, hyp, sizeof(hyp)) == COACH_OK);
    printf("heard \"%s\" as \"%s\"\n", lines[0], hyp);
    CHECK(recognise_errors(lines[0], hyp, &words, NULL) == 0 && words == 8);
    free(pcm);
  }
  else
    CHECKF(0, "flite: %s", sp ? speech_last_error(sp) : why);
  speech_close(sp);
  recogniser_close(r);
  remove(lm);
  remove(dict);
  return check_done();
}
