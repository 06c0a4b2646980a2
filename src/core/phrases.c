#include "phrases.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text_file.h"
#include "utf8.h"

static bool word_char(char c)
{
  return (c >= 'a' && c <= 'z') || c == '\'';
}

static char *trim(char *s)
{
  while(*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
  return s;
}

/* The spoken part: words into p->words with single spaces, an optional /N/ into
 * p->threshold. *has_routine: the phrase holds {routine}. wake: the first word of the file's
 * first phrase ("" until there is one). */
static bool parse_phrase(char *text, int line, const char *wake, phrase *p, bool *has_routine,
                         coach_diag *d)
{
  char *slash = strchr(text, '/');
  p->threshold = PHRASES_THRESHOLD_DEFAULT;
  *has_routine = false;
  if(slash) {
    char *end, *close = strchr(slash + 1, '/');
    if(!close || *trim(close + 1)) {
      coach_diag_add(d, line, "a threshold is written /N/ right before '=', as in "
                              "\"coach pause /-30/ = pause\"");
      return false;
    }
    *close = '\0';
    errno = 0;
    long v = strtol(slash + 1, &end, 10);
    if(errno || end == slash + 1 || *trim(end) || v < PHRASES_THRESHOLD_MIN ||
       v > PHRASES_THRESHOLD_MAX) {
      coach_diag_add(d, line, "threshold /%s/ is not a whole number from %d to %d (lower "
                              "hears more, and mistakes more)",
                     slash + 1, PHRASES_THRESHOLD_MIN, PHRASES_THRESHOLD_MAX);
      return false;
    }
    p->threshold = (int)v;
    *slash = '\0';
  }
  int words = 0;
  size_t used = 0;
  char *save = NULL;
  for(char *w = strtok_r(text, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
    if(!strcmp(w, PHRASES_ROUTINE)) {
      if(words == 0) {
        coach_diag_add(d, line, "a phrase starts with the wake word, not " PHRASES_ROUTINE);
        return false;
      }
      *has_routine = true;
    }
    else {
      for(const char *c = w; *c; c++)
        if(!word_char(*c)) {
          coach_diag_add(d, line, "\"%s\" is not a word of lower-case letters a-z (and ')%s",
                         w, isupper((unsigned char)*c) ? "; write it in lower case" : "");
          return false;
        }
    }
    if(words == 0 && wake[0] && strcmp(w, wake)) {
      coach_diag_add(d, line, "the phrase starts with \"%s\"; every phrase starts with the "
                              "same wake word, \"%s\" (from the first phrase)", w, wake);
      return false;
    }
    int n = snprintf(p->words + used, sizeof(p->words) - used, "%s%s", words ? " " : "", w);
    if(n < 0 || (size_t)n >= sizeof(p->words) - used) {
      coach_diag_add(d, line, "the phrase is longer than %d bytes", PHRASES_TEXT_MAX - 1);
      return false;
    }
    used += (size_t)n;
    words++;
  }
  if(words < 2 || words > PHRASES_WORDS_MAX) {
    coach_diag_add(d, line, "a phrase is the wake word and 1 to %d more words, not %d word%s",
                   PHRASES_WORDS_MAX - 1, words, words == 1 ? "" : "s");
    return false;
  }
  return true;
}

/* The command part: a protocol line naming a command of the table, its arguments in range. */
static bool parse_command(const char *text, int line, bool has_routine,
                          const protocol_command *commands, size_t n_commands, phrase *p,
                          coach_diag *d)
{
  char copy[PHRASES_TEXT_MAX], msg[160];
  char *argv[PHRASES_WORDS_MAX + 2];
  const char *why = NULL;
  int argc = 0;
  if(strlen(text) >= sizeof(copy)) {
    coach_diag_add(d, line, "the command is longer than %d bytes", PHRASES_TEXT_MAX - 1);
    return false;
  }
  memcpy(p->command, text, strlen(text) + 1);
  memcpy(copy, text, strlen(text) + 1);
  coach_rc rc = protocol_split(copy, argv, (int)(sizeof(argv) / sizeof(argv[0])), &argc, &why);
  if(rc == COACH_E_INVALID) {
    coach_diag_add(d, line, "the command \"%s\": %s", text, why);
    return false;
  }
  if(argc == 0) {
    coach_diag_add(d, line, "nothing after '=': say which coach command the phrase runs, as "
                            "in \"= pause\"");
    return false;
  }
  const protocol_command *cmd = protocol_command_lookup(commands, n_commands, argv[0]);
  if(!cmd || !strcmp(argv[0], "idle")) {
    coach_diag_add(d, line, "\"%s\" is not a coach command a phrase can run (try pause, "
                            "resume, skip, stop, volume up, start {routine})", argv[0]);
    return false;
  }
  if(rc == COACH_E_LIMIT || !protocol_check_args(cmd, argc - 1, msg, sizeof(msg))) {
    coach_diag_add(d, line, "%s", rc == COACH_E_LIMIT ? "the command has too many words" : msg);
    return false;
  }
  bool command_routine = strstr(text, PHRASES_ROUTINE) != NULL;
  if(has_routine != command_routine) {
    coach_diag_add(d, line, "%s", has_routine
                   ? "the phrase says " PHRASES_ROUTINE " but the command does not use it"
                   : "the command uses " PHRASES_ROUTINE " but the phrase does not say it");
    return false;
  }
  return true;
}

static void parse_line(char *s, int line, const protocol_command *commands,
                       size_t n_commands, phrase_list *list, coach_diag *d)
{
  char *text = trim(s);
  if(!*text || *text == '#' || *text == ';')
    return;
  char *eq = strchr(text, '=');
  if(!eq) {
    coach_diag_add(d, line, "expected \"PHRASE = COMMAND\", as in \"coach pause = pause\"");
    return;
  }
  *eq = '\0';
  phrase p = {.line = line};
  bool has_routine;
  const char *wake = "";
  char first[PHRASES_TEXT_MAX] = "";
  if(list->count) {
    snprintf(first, sizeof(first), "%s", list->items[0].words);
    first[strcspn(first, " ")] = '\0';
    wake = first;
  }
  if(!parse_phrase(trim(text), line, wake, &p, &has_routine, d) ||
     !parse_command(trim(eq + 1), line, has_routine, commands, n_commands, &p, d))
    return;
  for(int i = 0; i < list->count; i++)
    if(!strcmp(list->items[i].words, p.words)) {
      coach_diag_add(d, line, "\"%s\" is already on line %d", p.words, list->items[i].line);
      return;
    }
  if(list->count == PHRASES_MAX) {
    coach_diag_add(d, line, "more than %d phrases", PHRASES_MAX);
    return;
  }
  list->items[list->count++] = p;
}

coach_rc phrases_parse(const char *data, size_t len, const char *display_path,
                       const protocol_command *commands, size_t n_commands, phrase_list *out,
                       coach_diag *diag)
{
  coach_diag_init(diag, display_path);
  if(len > PHRASES_FILE_MAX) {
    coach_diag_add(diag, 0, "file is larger than %d bytes; is it really a phrase file?",
                   PHRASES_FILE_MAX);
    return COACH_E_INVALID;
  }
  phrase_list *list = calloc(1, sizeof(*list));
  if(!list)
    return COACH_E_NOMEM;
  size_t pos = 0;
  for(int line = 1; pos < len; line++) {
    const char *start = data + pos, *nl = memchr(start, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - start) : len - pos;
    pos += n + (nl ? 1 : 0);
    if(n && start[n - 1] == '\r')
      n--;
    if(n > PHRASES_LINE_MAX) {
      coach_diag_add(diag, line, "line is %zu bytes long; lines may be at most %d bytes", n,
                     PHRASES_LINE_MAX);
      continue;
    }
    size_t bad = utf8_invalid_at((const unsigned char *)start, n);
    if(bad < n || memchr(start, '\0', n)) {
      coach_diag_add(diag, line, "not UTF-8 text (byte %zu of the line); save the file as "
                                 "UTF-8", bad + 1);
      continue;
    }
    char buf[PHRASES_LINE_MAX + 1];
    memcpy(buf, start, n);
    buf[n] = '\0';
    parse_line(buf, line, commands, n_commands, list, diag);
  }
  if(!diag->count && !list->count)
    coach_diag_add(diag, 0, "no phrases: write at least one line \"coach pause = pause\"");
  coach_rc rc = diag->count ? COACH_E_INVALID : COACH_OK;
  if(!rc)
    *out = *list;
  free(list);
  return rc;
}

coach_rc phrases_load(const char *path, const protocol_command *commands, size_t n_commands,
                      phrase_list *out, coach_diag *diag)
{
  char *buf;
  size_t len;
  coach_diag_init(diag, path);
  coach_rc rc = text_file_read(path, PHRASES_FILE_MAX, "a phrase file", &buf, &len, diag);
  if(rc)
    return rc == COACH_E_NOTFOUND ? COACH_E_IO : rc;
  rc = phrases_parse(buf, len, path, commands, n_commands, out, diag);
  free(buf);
  return rc;
}

bool phrases_spoken_name(const char *name, char *out, size_t len)
{
  size_t n = strlen(name);
  if(n == 0 || n >= len)
    return false;
  for(size_t i = 0; i < n; i++) {
    char c = name[i];
    if(c == '-' || c == '_')
      c = ' ';
    else if(c < 'a' || c > 'z')
      return false;
    out[i] = c;
  }
  out[n] = '\0';
  return out[0] != ' ' && out[n - 1] != ' ' && !strstr(out, "  ");
}

/* Replaces each {routine} in s (of size len) by with; false when it does not fit. */
static bool listed(const phrase_list *list, const char *words)
{
  for(int i = 0; i < list->count; i++)
    if(!strcmp(list->items[i].words, words))
      return true;
  return false;
}

static bool substitute(char *s, size_t len, const char *with)
{
  char out[PHRASES_TEXT_MAX];
  size_t used = 0;
  const char *p = s;
  for(const char *hit; (hit = strstr(p, PHRASES_ROUTINE)); p = hit + strlen(PHRASES_ROUTINE)) {
    int n = snprintf(out + used, sizeof(out) - used, "%.*s%s", (int)(hit - p), p, with);
    if(n < 0 || (size_t)n >= sizeof(out) - used)
      return false;
    used += (size_t)n;
  }
  int n = snprintf(out + used, sizeof(out) - used, "%s", p);
  if(n < 0 || (size_t)n >= sizeof(out) - used || used + (size_t)n >= len)
    return false;
  memcpy(s, out, used + (size_t)n + 1);
  return true;
}

void phrases_expand(const phrase_list *in, const char *const *names, size_t n_names,
                    phrase_list *out, int *dropped)
{
  out->count = 0;
  *dropped = 0;
  for(int i = 0; i < in->count; i++) {
    const phrase *p = &in->items[i];
    if(!strstr(p->words, PHRASES_ROUTINE)) {
      if(out->count < PHRASES_MAX)
        out->items[out->count++] = *p;
      else
        (*dropped)++;
      continue;
    }
    for(size_t k = 0; k < n_names; k++) {
      char spoken[PHRASES_TEXT_MAX];
      phrase e = *p;
      if(!phrases_spoken_name(names[k], spoken, sizeof(spoken)) ||
         !substitute(e.words, sizeof(e.words), spoken) ||
         !substitute(e.command, sizeof(e.command), names[k]))
        (*dropped)++;
      else if(listed(in, e.words))
        continue; /* a line of its own says what this phrase does */
      else if(out->count == PHRASES_MAX)
        (*dropped)++;
      else
        out->items[out->count++] = e;
    }
  }
}
