/* voice_name: the one rule for voice names. What eSpeak NG and coach's voices folder name is
 * accepted; what could be a path, an option or a buffer overflow is not. Routine files and
 * coach.ini apply the same rule (test_routine.c, test_config.c). */
#include "check.h"
#include "voice_name.h"

int main(void)
{
  static const char *const good[] = {"en-us",     "de",       "gmw/en-US", "en-us+f3",
                                     "en+klatt",  "calm",     "mb/mb-en1", "en-us+Andy",
                                     "zh_yue",    "a.b",      "1",         "slt"};
  static const char *const bad[] = {"",         "-odd",      "+f3",      "en-us+",    "en+f3+x",
                                    "/etc/x",   "../x",      "a/../b",   "a//b",      "a/",
                                    ".hidden",  "en us",     "en-us+/x", "en+-x",     "é",
                                    "!v/adam",  "English_(America)"};
  for(size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
    CHECKF(voice_name_valid(good[i]), "\"%s\" refused", good[i]);
  for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    CHECKF(!voice_name_valid(bad[i]), "\"%s\" accepted", bad[i]);
  CHECK(!voice_name_valid(NULL));

  char longest[VOICE_NAME_MAX + 2];
  memset(longest, 'a', sizeof(longest));
  longest[VOICE_NAME_MAX] = '\0';
  CHECK(voice_name_valid(longest));
  longest[VOICE_NAME_MAX] = 'a';
  longest[VOICE_NAME_MAX + 1] = '\0';
  CHECK(!voice_name_valid(longest));
  return check_done();
}
