#include "hints.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The part of [s, e) without the spaces around it. */
static void trim(const char **s, const char **e)
{
  while(*s < *e && isspace((unsigned char)**s))
    (*s)++;
  while(*e > *s && isspace((unsigned char)(*e)[-1]))
    (*e)--;
}

static bool copy_side(const char *s, const char *e, char *out)
{
  trim(&s, &e);
  if(s == e || (size_t)(e - s) >= HINTS_PHRASE_MAX)
    return false;
  memcpy(out, s, (size_t)(e - s));
  out[e - s] = '\0';
  return true;
}

coach_rc hints_parse(const char *text, size_t len, hints *out, char *why, size_t why_len)
{
  hints h = {0};
  size_t cap = 0;
  voice_engine section = VOICE_ENGINE_UNSET;
  const char *p = text, *end = text + len;
  for(int line = 1; p < end; line++) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    const char *next = eol ? eol + 1 : end;
    const char *s = p, *e = eol ? eol : end;
    const char *comment = memchr(s, ';', (size_t)(e - s));
    if(comment)
      e = comment;
    trim(&s, &e);
    p = next;
    if(s == e)
      continue;
    if(*s == '[') {
      char name[HINTS_PHRASE_MAX];
      if(e[-1] != ']' || !copy_side(s + 1, e - 1, name) || !voice_engine_parse(name, &section)) {
        coach_why(why, why_len, "%d: unknown section %.*s (write [" VOICE_ENGINE_CHOICES "])",
                  line, (int)(e - s < 40 ? e - s : 40), s);
        hints_free(&h);
        return COACH_E_INVALID;
      }
      continue;
    }
    const char *eq = memchr(s, '=', (size_t)(e - s));
    hint x = {.engine = section};
    if(!eq || !copy_side(s, eq, x.from) || !copy_side(eq + 1, e, x.to)) {
      coach_why(why, why_len, "%d: expected \"words = what to say\", both sides at most %d "
                "bytes", line, HINTS_PHRASE_MAX - 1);
      hints_free(&h);
      return COACH_E_INVALID;
    }
    if(h.n == cap) {
      cap = cap ? cap * 2 : 16;
      hint *grown = realloc(h.items, cap * sizeof(*grown));
      if(!grown) {
        hints_free(&h);
        return COACH_E_NOMEM;
      }
      h.items = grown;
    }
    h.items[h.n++] = x;
  }
  *out = h;
  return COACH_OK;
}

static bool word_char(char c)
{
  return isalnum((unsigned char)c) || c == '\'' || (unsigned char)c >= 0x80;
}

/* Where phrase starts in text at or after from, as whole words in any case; NULL if nowhere. */
static const char *find(const char *text, const char *from, const char *phrase)
{
  size_t n = strlen(phrase);
  for(const char *q = from; *q; q++)
    if(!strncasecmp(q, phrase, n) && (q == text || !word_char(q[-1])) && !word_char(q[n]))
      return q;
  return NULL;
}

coach_rc hints_apply(const hints *h, voice_engine engine, const char *text, char *out,
                     size_t out_len)
{
  size_t len = strlen(text);
  if(len >= out_len)
    return COACH_E_LIMIT;
  memcpy(out, text, len + 1);
  for(size_t i = 0; h && i < h->n; i++) {
    const hint *x = &h->items[i];
    if(x->engine != VOICE_ENGINE_UNSET && x->engine != engine)
      continue;
    size_t from_n = strlen(x->from), to_n = strlen(x->to);
    const char *at = out;
    while((at = find(out, at, x->from))) {
      size_t pos = (size_t)(at - out), now = strlen(out);
      if(now - from_n + to_n >= out_len) {
        memcpy(out, text, len + 1);
        return COACH_E_LIMIT;
      }
      memmove(out + pos + to_n, out + pos + from_n, now - pos - from_n + 1);
      memcpy(out + pos, x->to, to_n);
      at = out + pos + to_n; /* what was put in is not looked at again */
    }
  }
  return COACH_OK;
}

void hints_free(hints *h)
{
  free(h->items);
  h->items = NULL;
  h->n = 0;
}
