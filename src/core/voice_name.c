#include "voice_name.h"

#include <string.h>

static bool is_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Length of the part at s (letters, digits, - _ .; starting with a letter or digit), 0 when
 * there is none. */
static size_t part_length(const char *s)
{
  if(!is_alnum(*s))
    return 0;
  size_t n = 1;
  while(is_alnum(s[n]) || s[n] == '-' || s[n] == '_' || s[n] == '.')
    n++;
  return n;
}

bool voice_name_valid(const char *name)
{
  if(!name || strlen(name) > VOICE_NAME_MAX)
    return false;
  const char *p = name;
  for(;;) {
    size_t n = part_length(p);
    if(!n)
      return false;
    p += n;
    if(*p != '/')
      break;
    p++;
  }
  if(*p == '+') {
    size_t n = part_length(p + 1);
    if(!n)
      return false;
    p += 1 + n;
  }
  return *p == '\0';
}
