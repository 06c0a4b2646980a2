/* Pronunciation hints: the file format, whole-word matching in any case, per engine, and the
 * bounds; and the shipped hints files parse. */
#include <dirent.h>

#include "check.h"
#include "hints.h"

static void check_apply(const hints *h, voice_engine e, const char *text, const char *want)
{
  char out[256];
  CHECKF(hints_apply(h, e, text, out, sizeof(out)) == COACH_OK && !strcmp(out, want),
         "\"%s\" gave \"%s\", not \"%s\"", text, out, want);
}

/* Every file in voices/hints parses. */
static void check_shipped(void)
{
  const char *src = getenv("COACH_SOURCE_DIR");
  char dir[1024], path[1400], why[256] = "";
  snprintf(dir, sizeof(dir), "%s/voices/hints", src ? src : ".");
  DIR *d = opendir(dir);
  CHECKF(d != NULL, "%s", dir);
  struct dirent *e;
  int files = 0;
  while(d && (e = readdir(d))) {
    if(e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "r");
    static char buf[HINTS_FILE_MAX];
    size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
    if(f)
      fclose(f);
    hints h;
    CHECKF(n > 0 && hints_parse(buf, n, &h, why, sizeof(why)) == COACH_OK && h.n > 0, "%s: %s",
           path, why);
    hints_free(&h);
    files++;
  }
  if(d)
    closedir(d);
  CHECK(files >= 1);
}

int main(void)
{
  static const char file[] = "; hints\n"
                             "Use a = yooz a   ; the verb\n"
                             "\n"
                             "[espeak]\n"
                             "pelvis = pellviss\n"
                             "[flite]\n"
                             "tailbone = tail bone\n";
  hints h = {0};
  char why[256] = "", out[16];
  CHECKF(hints_parse(file, sizeof(file) - 1, &h, why, sizeof(why)) == COACH_OK, "%s", why);
  CHECK(h.n == 3 && h.items[1].engine == VOICE_ENGINE_ESPEAK &&
        h.items[0].engine == VOICE_ENGINE_UNSET);
  check_apply(&h, VOICE_ENGINE_ESPEAK, "Use a soft ball.", "yooz a soft ball.");
  check_apply(&h, VOICE_ENGINE_FLITE, "First, USE A ball; use a cushion.",
              "First, yooz a ball; yooz a cushion.");
  check_apply(&h, VOICE_ENGINE_ESPEAK, "A useful area. Reuse a towel.", "A useful area. Reuse a towel.");
  check_apply(&h, VOICE_ENGINE_ESPEAK, "Tilt your pelvis, your tailbone.",
              "Tilt your pellviss, your tailbone.");
  check_apply(&h, VOICE_ENGINE_FLITE, "Tilt your pelvis, your tailbone.",
              "Tilt your pelvis, your tail bone.");
  check_apply(NULL, VOICE_ENGINE_FLITE, "As it is.", "As it is.");
  /* No room: the text as it was, or nothing. */
  CHECK(hints_apply(&h, VOICE_ENGINE_ESPEAK, "use a pelvis", out, 14) == COACH_E_LIMIT &&
        !strcmp(out, "use a pelvis"));
  CHECK(hints_apply(&h, VOICE_ENGINE_ESPEAK, "use a pelvis and more", out, sizeof(out)) ==
        COACH_E_LIMIT);
  hints_free(&h);

  static const char *const bad[][2] = {
      {"use a\n", "1: expected \"words = what to say\""},
      {"; fine\n = yooz\n", "2: expected"},
      {"use =   \n", "1: expected"},
      {"[festival]\nuse = yooz\n", "1: unknown section [festival] (write [espeak or flite])"},
      {"[espeak\n", "1: unknown section"},
  };
  for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    hints none = {.n = 99};
    why[0] = '\0';
    CHECKF(hints_parse(bad[i][0], strlen(bad[i][0]), &none, why, sizeof(why)) ==
               COACH_E_INVALID && none.n == 99 && strstr(why, bad[i][1]),
           "%s: %s", bad[i][0], why);
  }
  char longer[300];
  snprintf(longer, sizeof(longer), "%0130d = x\n", 0);
  CHECK(hints_parse(longer, strlen(longer), &h, why, sizeof(why)) == COACH_E_INVALID);
  check_shipped();
  return check_done();
}
