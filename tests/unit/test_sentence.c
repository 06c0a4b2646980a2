/* sentence: where sentences end (so each is spoken with a pause after it), and word counts. */
#include "check.h"
#include "sentence.h"

/* The sentences of text joined with " | ". */
static const char *split(const char *text)
{
  static char out[512];
  size_t pos = 0, start, len, used = 0;
  out[0] = '\0';
  while(sentence_next(text, &pos, &start, &len))
    used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%.*s", used ? " | " : "",
                             (int)len, text + start);
  return out;
}

int main(void)
{
  CHECK(!strcmp(split("Halfway."), "Halfway."));
  CHECK(!strcmp(split("  Hold here.  Keep breathing!  "), "Hold here. | Keep breathing!"));
  CHECK(!strcmp(split("Ready? Go..."), "Ready? | Go..."));
  CHECK(!strcmp(split("No end mark"), "No end mark"));
  CHECK(!strcmp(split("About 1.5 times, e.g.,so. Next."), "About 1.5 times, e.g.,so. | Next."));
  CHECK(!strcmp(split("He said \"stop.\" Then rest."), "He said \"stop.\" | Then rest."));
  CHECK(!strcmp(split("Eins. Zwei."), "Eins. | Zwei."));
  CHECK(!strcmp(split("Warte\xE2\x80\xA6 jetzt."), "Warte\xE2\x80\xA6 | jetzt."));
  CHECK(!strcmp(split("   "), "") && !strcmp(split(""), ""));
  CHECK(sentence_words("Bend your {side} knee.", 22) == 4);
  CHECK(sentence_words("  a  b\tc ", 9) == 3);
  CHECK(sentence_words("", 0) == 0);
  return check_done();
}
