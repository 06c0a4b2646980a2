/* ini_line — the one reader of INI text: what each line of coach.ini (config.c) and of a
 * routine file (routine.c) means is decided here and nowhere else. The loaders decide what
 * the sections and keys mean, and word the messages.
 *
 * The rules of a line (config/ROUTINES.md and config/coach.ini tell users the same):
 *  - Lines end at "\n"; a "\r" just before it is dropped (files from Windows). A UTF-8 byte
 *    order mark at the very start of the file is skipped.
 *  - A line is at most INI_LINE_MAX bytes of UTF-8 text: no NUL, no control character but
 *    tab. A line that is not is refused (INI_LINE_REFUSED) and means nothing more.
 *  - Spaces and tabs around a line, a section name, a key or a value do not count.
 *  - A line whose first character is ';' or '#' is a comment, and so is everything from a ';'
 *    that follows a space or tab, on every kind of line ("volume = 5 ; quiet").
 *  - "[NAME]" opens a section; after the ']' only a comment may follow.
 *  - "KEY = VALUE" sets a key: the first '=' or ':' that is not in a comment separates them
 *    (a loader may refuse ':').
 *  - An indented line (starting with a space or tab) after a key line is more value for that
 *    key; the next section header ends the value. Blank, comment, refused and malformed lines
 *    in between do not, so one mistake in a long text is reported once.
 * Everything else is malformed (INI_LINE_MALFORMED, with the problem).
 *
 * Ownership: the reader points into the caller's data (which must outlive it) and owns one
 * line's buffer; the strings of an ini_line point into that buffer and are valid until the
 * next ini_reader_next(). Pure, no allocation; any thread, one reader per thread at a time.
 */
#ifndef COACH_INI_LINE_H
#define COACH_INI_LINE_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes in a line, newline not counted. A limit of the format, so that every line of a file
 * fits a fixed buffer and a diagnostic can quote it. */
#define INI_LINE_MAX 190

typedef enum ini_line_kind {
  INI_LINE_BLANK,        /* empty, or a comment */
  INI_LINE_SECTION,      /* name; trailing when other text follows the ']' */
  INI_LINE_KEY,          /* name, value and separator */
  INI_LINE_CONTINUATION, /* value: more for the latest key line */
  INI_LINE_REFUSED,      /* not a line of text: problem, at, byte */
  INI_LINE_MALFORMED,    /* text that is none of the above: problem, text */
} ini_line_kind;

typedef enum ini_problem {
  INI_PROBLEM_NONE,
  INI_PROBLEM_TOO_LONG,     /* refused: length is more than INI_LINE_MAX */
  INI_PROBLEM_NUL,          /* refused: a NUL byte at `at` */
  INI_PROBLEM_CONTROL,      /* refused: the control character `byte` at `at` */
  INI_PROBLEM_UTF8,         /* refused: the byte at `at` begins no UTF-8 character */
  INI_PROBLEM_UNCLOSED,     /* malformed: '[' without a closing ']' */
  INI_PROBLEM_NO_SEPARATOR, /* malformed: no '=' (or ':') and not a section or comment */
  INI_PROBLEM_NO_KEY,       /* malformed: nothing before the '=' */
} ini_problem;

typedef struct ini_line {
  int number;          /* 1-based */
  ini_line_kind kind;
  ini_problem problem; /* refused and malformed lines */
  size_t length;       /* bytes of the line as written, without "\r\n" and byte order mark */
  size_t at;           /* refused: offset of the offending byte in the line */
  unsigned char byte;  /* refused: the offending byte */
  const char *text;    /* the whole line without the spaces around it ("" when refused) */
  const char *name;    /* section: the name inside [ ]; key: the key; else "" */
  const char *value;   /* key and continuation: the value, without its comment; else "" */
  char separator;      /* key: '=' or ':' */
  bool trailing;       /* section: text that is not a comment after the ']' */
} ini_line;

typedef struct ini_reader {
  const char *data;
  size_t len, pos;
  int number;    /* lines handed out so far */
  bool in_value; /* a key line came after the latest section header */
  char text[INI_LINE_MAX + 1];  /* the line as written, trimmed */
  char parts[INI_LINE_MAX + 1]; /* the same, cut into name and value */
} ini_reader;

/* Starts reading data[0..len), which may hold anything (NULs, binary). */
void ini_reader_init(ini_reader *r, const char *data, size_t len);

/* The next line into *line; false after the last one. */
bool ini_reader_next(ini_reader *r, ini_line *line);

#endif
