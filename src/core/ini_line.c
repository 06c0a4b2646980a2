#include "ini_line.h"

#include <string.h>

#include "utf8.h"

/* Control characters are refused before a line is read further, so the only spaces left
 * inside a line are these two. */
static bool is_blank(char c)
{
  return c == ' ' || c == '\t';
}

static char *skip_blanks(char *s)
{
  while(is_blank(*s))
    s++;
  return s;
}

static void strip_end(char *s)
{
  size_t n = strlen(s);
  while(n && is_blank(s[n - 1]))
    s[--n] = '\0';
}

/* The first of chars in s (any of them; NULL for none), or the ';' of an inline comment (one
 * that follows a blank), or the end of s. */
static char *find_or_comment(char *s, const char *chars)
{
  bool after_blank = false;
  while(*s && !(chars && strchr(chars, *s)) && !(after_blank && *s == ';')) {
    after_blank = is_blank(*s);
    s++;
  }
  return s;
}

/* Cuts s at its inline comment and drops the blanks around what is left. */
static char *clean_value(char *s)
{
  *find_or_comment(s, NULL) = '\0';
  s = skip_blanks(s);
  strip_end(s);
  return s;
}

/* Refuses what is not a line of text. */
static bool refused(ini_line *line, const char *s, size_t n)
{
  for(size_t i = 0; i < n; i++) {
    unsigned char b = (unsigned char)s[i];
    if(b == 0 || (b < 0x20 && b != '\t') || b == 0x7F) {
      line->problem = b ? INI_PROBLEM_CONTROL : INI_PROBLEM_NUL;
      line->at = i;
      line->byte = b;
      return true;
    }
  }
  if(n > INI_LINE_MAX) {
    line->problem = INI_PROBLEM_TOO_LONG;
    return true;
  }
  size_t bad = utf8_invalid_at((const unsigned char *)s, n);
  if(bad < n) {
    line->problem = INI_PROBLEM_UTF8;
    line->at = bad;
    line->byte = (unsigned char)s[bad];
    return true;
  }
  return false;
}

static void read_section(ini_reader *r, ini_line *line, char *start)
{
  r->in_value = false;
  char *close = find_or_comment(start + 1, "]");
  if(*close != ']') {
    line->kind = INI_LINE_MALFORMED;
    line->problem = INI_PROBLEM_UNCLOSED;
    return;
  }
  *close = '\0';
  char *after = skip_blanks(close + 1);
  line->trailing = *after && *after != ';' && *after != '#';
  char *name = skip_blanks(start + 1);
  strip_end(name);
  line->kind = INI_LINE_SECTION;
  line->name = name;
}

static void read_key(ini_reader *r, ini_line *line, char *start)
{
  char *sep = find_or_comment(start, "=:");
  line->kind = INI_LINE_MALFORMED;
  if(*sep != '=' && *sep != ':') {
    line->problem = INI_PROBLEM_NO_SEPARATOR;
    return;
  }
  if(sep == start) {
    line->problem = INI_PROBLEM_NO_KEY;
    return;
  }
  line->separator = *sep;
  *sep = '\0';
  strip_end(start);
  line->kind = INI_LINE_KEY;
  line->name = start;
  line->value = clean_value(sep + 1);
  r->in_value = true;
}

void ini_reader_init(ini_reader *r, const char *data, size_t len)
{
  memset(r, 0, sizeof(*r));
  r->data = data;
  r->len = data ? len : 0;
}

bool ini_reader_next(ini_reader *r, ini_line *line)
{
  if(r->pos >= r->len)
    return false;
  const char *s = r->data + r->pos;
  size_t rest = r->len - r->pos;
  const char *newline = memchr(s, '\n', rest);
  size_t n = newline ? (size_t)(newline - s) : rest;
  r->pos += newline ? n + 1 : n;

  memset(line, 0, sizeof(*line));
  line->number = ++r->number;
  line->text = line->name = line->value = "";
  if(n && s[n - 1] == '\r')
    n--;
  if(line->number == 1 && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
    s += 3;
    n -= 3;
  }
  line->length = n;
  if(refused(line, s, n)) {
    line->kind = INI_LINE_REFUSED;
    return true;
  }

  memcpy(r->parts, s, n);
  r->parts[n] = '\0';
  char *start = skip_blanks(r->parts);
  strip_end(start);
  memcpy(r->text, start, strlen(start) + 1);
  line->text = r->text;

  if(!*start || *start == ';' || *start == '#')
    line->kind = INI_LINE_BLANK;
  else if(r->in_value && start > r->parts) {
    line->kind = INI_LINE_CONTINUATION;
    line->value = clean_value(start);
  }
  else if(*start == '[')
    read_section(r, line, start);
  else
    read_key(r, line, start);
  return true;
}
