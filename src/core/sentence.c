#include "sentence.h"

#include <stdbool.h>
#include <string.h>

static bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Length of the sentence end at s ('.', '!', '?' or one of the wide ones), else 0. */
static size_t end_mark(const char *s)
{
  static const char *const wide[] = {"\xE2\x80\xA6" /* … */, "\xE3\x80\x82" /* 。 */,
                                     "\xEF\xBC\x81" /* ！ */, "\xEF\xBC\x9F" /* ？ */};
  if(*s == '.' || *s == '!' || *s == '?')
    return 1;
  for(size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
    if(!strncmp(s, wide[i], strlen(wide[i])))
      return strlen(wide[i]);
  return 0;
}

/* Length of a closing quote or bracket at s, else 0. */
static size_t closer(const char *s)
{
  static const char *const closers[] = {"\"", "'", ")", "]", "\xE2\x80\x9D" /* ” */,
                                        "\xE2\x80\x99" /* ’ */, "\xC2\xBB" /* » */,
                                        "\xE2\x80\x9C" /* “, which closes in German */};
  for(size_t i = 0; i < sizeof(closers) / sizeof(closers[0]); i++)
    if(!strncmp(s, closers[i], strlen(closers[i])))
      return strlen(closers[i]);
  return 0;
}

int sentence_next(const char *text, size_t *pos, size_t *start, size_t *len)
{
  size_t i = *pos;
  while(is_space(text[i]))
    i++;
  if(!text[i]) {
    *pos = i;
    return 0;
  }
  size_t from = i, end = 0;
  while(text[i] && !end) {
    size_t m = end_mark(text + i);
    if(!m) {
      i++;
      continue;
    }
    size_t j = i + m, n;
    while((n = end_mark(text + j)) || (n = closer(text + j)))
      j += n;
    if(!text[j] || is_space(text[j]))
      end = j;
    i = j;
  }
  if(!end)
    end = i;
  size_t last = end;
  while(last > from && is_space(text[last - 1]))
    last--;
  *start = from;
  *len = last - from;
  *pos = end;
  return 1;
}

int sentence_words(const char *s, size_t len)
{
  int words = 0;
  bool in_word = false;
  for(size_t i = 0; i < len; i++) {
    bool space = is_space(s[i]);
    words += !space && !in_word;
    in_word = !space;
  }
  return words;
}
