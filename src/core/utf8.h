/* utf8 — the one check of UTF-8 well-formedness that every reader of outside text uses:
 * routine and settings files, protocol lines, text given to eSpeak NG.
 *
 * Well-formed means RFC 3629: no overlong forms, no UTF-16 surrogates, nothing above
 * U+10FFFF, no sequence cut short. Pure; any thread.
 */
#ifndef COACH_UTF8_H
#define COACH_UTF8_H

#include <stddef.h>

/* Length of the character at s (n > 0 bytes available): 1 for ASCII, 2 to 4 for a
 * well-formed sequence, 0 when the bytes there are not one. */
size_t utf8_sequence_length(const unsigned char *s, size_t n);

/* Offset of the first byte that does not begin a well-formed character, or n when all of
 * s[0..n) is well-formed. */
size_t utf8_invalid_at(const unsigned char *s, size_t n);

#endif
