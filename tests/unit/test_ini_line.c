/* ini_line: every rule of a line that coach.ini and routine files share, one case each:
 * comments, inline comments, blanks, the byte order mark, CRLF, headers, keys, continuation
 * lines and when they end, and every kind of refused or malformed line. */
#include "check.h"
#include "ini_line.h"

#define LINES_MAX 32

typedef struct seen {
  ini_line_kind kind;
  ini_problem problem;
  char name[INI_LINE_MAX + 1], value[INI_LINE_MAX + 1], text[INI_LINE_MAX + 1];
  char separator;
  bool trailing;
  size_t at, length;
  int number;
} seen;

/* Reads all of data (len bytes) into out; returns the number of lines. */
static int read_all(const char *data, size_t len, seen *out)
{
  ini_reader r;
  ini_line ln;
  int n = 0;
  ini_reader_init(&r, data, len);
  while(n < LINES_MAX && ini_reader_next(&r, &ln)) {
    seen *s = &out[n++];
    s->kind = ln.kind;
    s->problem = ln.problem;
    snprintf(s->name, sizeof(s->name), "%s", ln.name);
    snprintf(s->value, sizeof(s->value), "%s", ln.value);
    snprintf(s->text, sizeof(s->text), "%s", ln.text);
    s->separator = ln.separator;
    s->trailing = ln.trailing;
    s->at = ln.at;
    s->length = ln.length;
    s->number = ln.number;
  }
  return n;
}

static int read_text(const char *text, seen *out)
{
  return read_all(text, strlen(text), out);
}

static void keys_and_comments(void)
{
  seen s[LINES_MAX];
  int n = read_text("; a comment\n"
                    "# another\n"
                    "   ; indented comment\n"
                    "\n"
                    "[ audio ]  ; a comment after the header\n"
                    "volume = 5 ; quiet\n"
                    "device=USB;card\n"
                    "name =\t;nothing\n"
                    "rate: 120\n"
                    "a b = c = d\n",
                    s);
  CHECK(n == 10);
  for(int i = 0; i < 4; i++)
    CHECK(s[i].kind == INI_LINE_BLANK);
  CHECK(s[4].kind == INI_LINE_SECTION && !strcmp(s[4].name, "audio") && !s[4].trailing);
  CHECK(s[5].kind == INI_LINE_KEY && !strcmp(s[5].name, "volume") && !strcmp(s[5].value, "5"));
  /* A ';' right after other text is part of the value: only " ;" starts a comment. */
  CHECK(s[6].kind == INI_LINE_KEY && !strcmp(s[6].name, "device") &&
        !strcmp(s[6].value, "USB;card"));
  CHECK(s[7].kind == INI_LINE_KEY && !strcmp(s[7].value, ""));
  CHECK(s[8].kind == INI_LINE_KEY && s[8].separator == ':' && !strcmp(s[8].value, "120"));
  /* The first separator splits; the key keeps its inner spaces for the loader to judge. */
  CHECK(s[9].kind == INI_LINE_KEY && !strcmp(s[9].name, "a b") && !strcmp(s[9].value, "c = d"));
  CHECK(s[9].number == 10);
}

static void continuation(void)
{
  seen s[LINES_MAX];
  int n = read_text("  indented = before any key\n" /* a key: nothing to continue yet */
                    "text = one\n"
                    "  two ; a note\n"
                    "\n"
                    "; a comment\n"
                    "\tthree\n"
                    "no separator here\n"
                    "  four\n"
                    "[step x]\n"
                    "  after = header\n",
                    s);
  CHECK(n == 10);
  CHECK(s[0].kind == INI_LINE_KEY && !strcmp(s[0].name, "indented"));
  CHECK(s[2].kind == INI_LINE_CONTINUATION && !strcmp(s[2].value, "two"));
  CHECK(s[5].kind == INI_LINE_CONTINUATION && !strcmp(s[5].value, "three"));
  CHECK(s[6].kind == INI_LINE_MALFORMED && s[6].problem == INI_PROBLEM_NO_SEPARATOR &&
        !strcmp(s[6].text, "no separator here"));
  /* A malformed line does not end the value above it: its continuation is still one. */
  CHECK(s[7].kind == INI_LINE_CONTINUATION && !strcmp(s[7].value, "four"));
  CHECK(s[8].kind == INI_LINE_SECTION && !strcmp(s[8].name, "step x"));
  CHECK(s[9].kind == INI_LINE_KEY && !strcmp(s[9].name, "after"));
  /* An unclosed header ends the value as well. */
  n = read_text("text = a\n[step\n  b\n", s);
  CHECK(n == 3 && s[1].kind == INI_LINE_MALFORMED && s[1].problem == INI_PROBLEM_UNCLOSED);
  CHECK(s[2].kind == INI_LINE_MALFORMED && s[2].problem == INI_PROBLEM_NO_SEPARATOR);
}

static void headers(void)
{
  seen s[LINES_MAX];
  int n = read_text("[routine] extra\n[a ; b]\n[]\n[x]#c\n", s);
  CHECK(n == 4);
  CHECK(s[0].kind == INI_LINE_SECTION && s[0].trailing && !strcmp(s[0].name, "routine"));
  CHECK(s[1].kind == INI_LINE_MALFORMED && s[1].problem == INI_PROBLEM_UNCLOSED);
  CHECK(s[2].kind == INI_LINE_SECTION && !strcmp(s[2].name, ""));
  CHECK(s[3].kind == INI_LINE_SECTION && !s[3].trailing);
  n = read_text("= 5\n", s);
  CHECK(n == 1 && s[0].kind == INI_LINE_MALFORMED && s[0].problem == INI_PROBLEM_NO_KEY);
}

static void bytes(void)
{
  seen s[LINES_MAX];
  /* A byte order mark on the first line only, CRLF, and a last line without a newline. */
  int n = read_text("\xEF\xBB\xBF[a]\r\nk = v\r\n\xEF\xBB\xBFx = y", s);
  CHECK(n == 3 && s[0].kind == INI_LINE_SECTION && !strcmp(s[0].name, "a") && s[0].length == 3);
  CHECK(s[1].kind == INI_LINE_KEY && !strcmp(s[1].value, "v"));
  CHECK(s[2].kind == INI_LINE_KEY && !strcmp(s[2].name, "\xEF\xBB\xBFx"));

  static const char nul[] = "k = a\0b\n";
  n = read_all(nul, sizeof(nul) - 1, s);
  CHECK(n == 1 && s[0].kind == INI_LINE_REFUSED && s[0].problem == INI_PROBLEM_NUL &&
        s[0].at == 5 && !strcmp(s[0].text, ""));
  n = read_text("k = a\033b\nk = a\rb\n", s);
  CHECK(n == 2 && s[0].problem == INI_PROBLEM_CONTROL && s[0].at == 5);
  CHECK(s[1].problem == INI_PROBLEM_CONTROL && s[1].at == 5);
  n = read_text("k = caf\xC3\xA9\nk = caf\xC3\n", s);
  CHECK(n == 2 && s[0].kind == INI_LINE_KEY && s[1].kind == INI_LINE_REFUSED &&
        s[1].problem == INI_PROBLEM_UTF8 && s[1].at == 7);

  char line[INI_LINE_MAX + 3];
  memset(line, 'a', sizeof(line));
  line[INI_LINE_MAX] = '\n'; /* exactly the limit: fine */
  n = read_all(line, INI_LINE_MAX + 1, s);
  CHECK(n == 1 && s[0].kind == INI_LINE_MALFORMED && s[0].length == INI_LINE_MAX);
  memset(line, 'a', sizeof(line));
  n = read_all(line, INI_LINE_MAX + 1, s); /* one byte over, no newline */
  CHECK(n == 1 && s[0].kind == INI_LINE_REFUSED && s[0].problem == INI_PROBLEM_TOO_LONG &&
        s[0].length == INI_LINE_MAX + 1);
  /* A refused line does not end the value above it either. */
  n = read_text("text = a\nk = \xFF\n  b\n", s);
  CHECK(n == 3 && s[1].kind == INI_LINE_REFUSED && s[2].kind == INI_LINE_CONTINUATION);
  CHECK(read_all(NULL, 5, s) == 0 && read_text("", s) == 0);
}

int main(void)
{
  keys_and_comments();
  continuation();
  headers();
  bytes();
  return check_done();
}
