#include "utf8.h"

size_t utf8_sequence_length(const unsigned char *s, size_t n)
{
  unsigned char c = s[0];
  size_t extra;
  unsigned cp, min;
  if(c < 0x80)
    return 1;
  if(c >= 0xc2 && c <= 0xdf) {
    extra = 1, cp = c & 0x1f, min = 0x80;
  }
  else if(c >= 0xe0 && c <= 0xef) {
    extra = 2, cp = c & 0x0f, min = 0x800;
  }
  else if(c >= 0xf0 && c <= 0xf4) {
    extra = 3, cp = c & 0x07, min = 0x10000;
  }
  else
    return 0;
  if(n <= extra)
    return 0;
  for(size_t k = 1; k <= extra; k++) {
    if((s[k] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[k] & 0x3f);
  }
  if(cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
    return 0;
  return extra + 1;
}

size_t utf8_invalid_at(const unsigned char *s, size_t n)
{
  size_t i = 0;
  while(i < n) {
    size_t len = utf8_sequence_length(s + i, n - i);
    if(!len)
      return i;
    i += len;
  }
  return n;
}
