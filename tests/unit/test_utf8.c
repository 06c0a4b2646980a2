/* The one UTF-8 check: well-formed text passes, each kind of malformed sequence is found at
 * the byte where it starts. */
#include "check.h"
#include "utf8.h"

static size_t at(const char *s)
{
  return utf8_invalid_at((const unsigned char *)s, strlen(s));
}

int main(void)
{
  CHECK(at("") == 0);
  CHECK(at("plain ASCII") == 11);
  CHECK(at("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == 14); /* é, €, an emoji: 14 bytes */
  CHECK(at("ab\x80") == 2);                 /* a stray continuation byte */
  CHECK(at("ab\xc3") == 2);                 /* cut short at the end */
  CHECK(at("a\xc0\xaf") == 1);              /* overlong '/' */
  CHECK(at("a\xe0\x80\xaf") == 1);          /* overlong, three bytes */
  CHECK(at("a\xed\xa0\x80") == 1);          /* a UTF-16 surrogate */
  CHECK(at("a\xf4\x90\x80\x80") == 1);      /* above U+10FFFF */
  CHECK(at("a\xff") == 1);
  CHECK(utf8_sequence_length((const unsigned char *)"A", 1) == 1);
  CHECK(utf8_sequence_length((const unsigned char *)"\xe2\x82\xac", 3) == 3);
  CHECK(utf8_sequence_length((const unsigned char *)"\xe2\x82\xac", 2) == 0);
  return check_done();
}
