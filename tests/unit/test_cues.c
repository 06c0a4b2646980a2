/* cues: the shipped tables give every cue word; a table's mistakes are reported by line. */
#include "check.h"
#include "cues.h"
#include "paths.h"

static coach_rc parse(const char *text, cue_words *c, coach_diag *d)
{
  return cues_parse(text, strlen(text), "table.ini", c, d);
}

static bool has(const coach_diag *d, int line, const char *text)
{
  for(int i = 0; i < d->count && i < COACH_DIAG_MAX; i++)
    if(d->entries[i].line == line && strstr(d->entries[i].message, text))
      return true;
  return false;
}

static void shipped(const char *language)
{
  char path[PATHS_MAX];
  CHECK(paths_cue_words(language, path, sizeof(path)) == COACH_OK);
  FILE *f = fopen(path, "rb");
  CHECKF(f != NULL, "cannot open %s", path);
  if(!f)
    return;
  char text[4096];
  size_t n = fread(text, 1, sizeof(text) - 1, f);
  fclose(f);
  text[n] = '\0';
  cue_words c = {0};
  coach_diag d;
  CHECKF(parse(text, &c, &d) == COACH_OK && !cues_missing(&c), "%s: %d problems, missing %s",
         path, d.count, cues_missing(&c) ? cues_missing(&c) : "none");
  CHECK(c.n_sides == 2);
  cues_free(&c);
}

int main(void)
{
  shipped("en");
  shipped("de");

  cue_words c = {0};
  coach_diag d;
  CHECK(parse("[cues]\nhalfway = Half.\n", &c, &d) == COACH_OK);
  CHECK(!strcmp(c.halfway, "Half.") && !strcmp(cues_missing(&c), "switch"));
  cue_words more = {0};
  CHECK(parse("[cues]\nswitch = Swap.\nhalfway = Other.\nsides = a, b, c\n", &more, &d) ==
        COACH_OK);
  CHECK(cues_fill(&c, &more) == COACH_OK);
  CHECK(!strcmp(c.halfway, "Half.") && !strcmp(c.switch_sides, "Swap.") && c.n_sides == 3);
  CHECK(!strcmp(cues_missing(&c), "breathe_in"));
  cues_free(&more);
  cues_free(&c);

  CHECK(parse("[cues]\ncount = One. Two.\nsides = a,,b\nhalf = x\n[other]\nk = v\n", &c, &d) ==
        COACH_E_INVALID);
  CHECK(has(&d, 2, "2 sentences, not 10"));
  CHECK(has(&d, 3, "an empty side name"));
  CHECK(has(&d, 4, "unknown key \"half\""));
  CHECK(has(&d, 5, "unknown section [other]"));
  CHECK(has(&d, 6, "is not under [cues]"));
  CHECK(parse("[cues]\nsides = a, b, c, d, e\n", &c, &d) == COACH_E_INVALID &&
        has(&d, 2, "more than 4 side names"));
  CHECK(parse("[cues]\nhalfway =\n", &c, &d) == COACH_E_INVALID && has(&d, 2, "is empty"));
  return check_done();
}
