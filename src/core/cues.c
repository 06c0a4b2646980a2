#include "cues.h"

#include <stdlib.h>
#include <string.h>

#include "ini_line.h"
#include "sentence.h"

static const char *const keys[] = {"switch", "sides", "halfway", "breathe_in", "breathe_out",
                                   "count"};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

bool cues_key_known(const char *key)
{
  for(size_t i = 0; i < N_KEYS; i++)
    if(!strcmp(keys[i], key))
      return true;
  return false;
}

/* Copies s[0..n) without the spaces around it. */
static char *trimmed_copy(const char *s, size_t n)
{
  while(n && (*s == ' ' || *s == '\t')) {
    s++;
    n--;
  }
  while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  return strndup(s, n);
}

static void free_list(char **items, int n)
{
  for(int i = 0; i < n; i++)
    free(items[i]);
}

/* Side names, comma-separated. */
static coach_rc set_sides(cue_words *c, const char *value, char *why, size_t why_len)
{
  char *items[CUES_SIDES_MAX];
  int n = 0;
  for(const char *p = value;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    if(n == CUES_SIDES_MAX) {
      free_list(items, n);
      coach_why(why, why_len, "more than %d side names", CUES_SIDES_MAX);
      return COACH_E_INVALID;
    }
    items[n] = trimmed_copy(p, len);
    if(!items[n]) {
      free_list(items, n);
      return COACH_E_NOMEM;
    }
    if(!*items[n++]) {
      free_list(items, n);
      coach_why(why, why_len, "an empty side name (separate names with single commas)");
      return COACH_E_INVALID;
    }
    if(!comma)
      break;
    p = comma + 1;
  }
  free_list(c->sides, c->n_sides);
  memcpy(c->sides, items, (size_t)n * sizeof(items[0]));
  c->n_sides = n;
  return COACH_OK;
}

/* The countdown: exactly CUES_COUNT sentences, one to ten. */
static coach_rc set_count(cue_words *c, const char *value, char *why, size_t why_len)
{
  char *words[CUES_COUNT];
  int n = 0;
  size_t pos = 0, start, len;
  while(sentence_next(value, &pos, &start, &len)) {
    if(n == CUES_COUNT) {
      free_list(words, n);
      coach_why(why, why_len, "more than %d sentences (write the numbers one to ten, each "
                              "ending in a full stop)", CUES_COUNT);
      return COACH_E_INVALID;
    }
    words[n] = strndup(value + start, len);
    if(!words[n]) {
      free_list(words, n);
      return COACH_E_NOMEM;
    }
    n++;
  }
  if(n < CUES_COUNT) {
    free_list(words, n);
    coach_why(why, why_len, "%d sentences, not %d (write the numbers one to ten, each ending "
                            "in a full stop)", n, CUES_COUNT);
    return COACH_E_INVALID;
  }
  free_list(c->count, CUES_COUNT);
  memcpy(c->count, words, sizeof(words));
  return COACH_OK;
}

static coach_rc set_text(char **field, const char *value)
{
  char *copy = strdup(value);
  if(!copy)
    return COACH_E_NOMEM;
  free(*field);
  *field = copy;
  return COACH_OK;
}

coach_rc cues_set(cue_words *c, const char *key, const char *value, char *why,
                  size_t why_len)
{
  if(!cues_key_known(key)) {
    coach_why(why, why_len, "unknown key \"%.60s\" in [cues] (known keys: " CUES_KEYS ")", key);
    return COACH_E_INVALID;
  }
  if(!*value) {
    coach_why(why, why_len, "%s is empty (write what is said)", key);
    return COACH_E_INVALID;
  }
  if(!strcmp(key, "sides"))
    return set_sides(c, value, why, why_len);
  if(!strcmp(key, "count"))
    return set_count(c, value, why, why_len);
  if(!strcmp(key, "switch"))
    return set_text(&c->switch_sides, value);
  if(!strcmp(key, "halfway"))
    return set_text(&c->halfway, value);
  if(!strcmp(key, "breathe_in"))
    return set_text(&c->breathe_in, value);
  return set_text(&c->breathe_out, value);
}

coach_rc cues_parse(const char *data, size_t len, const char *display_path, cue_words *out,
                    coach_diag *diag)
{
  cue_words c = {0};
  ini_reader reader;
  ini_line ln;
  bool in_cues = false, seen[N_KEYS] = {false};
  coach_rc rc = COACH_OK;

  coach_diag_init(diag, display_path);
  ini_reader_init(&reader, data, len);
  while(!rc && ini_reader_next(&reader, &ln)) {
    char why[COACH_DIAG_MSG];
    switch(ln.kind) {
    case INI_LINE_BLANK: break;
    case INI_LINE_SECTION:
      in_cues = !strcmp(ln.name, "cues");
      if(!in_cues)
        coach_diag_add(diag, ln.number, "unknown section [%.60s] (a table has only [cues])",
                       ln.name);
      break;
    case INI_LINE_KEY:
      if(!in_cues) {
        coach_diag_add(diag, ln.number, "\"%.60s\" is not under [cues]", ln.name);
        break;
      }
      for(size_t k = 0; k < N_KEYS; k++)
        if(!strcmp(keys[k], ln.name)) {
          if(seen[k])
            coach_diag_add(diag, ln.number, "duplicate key \"%s\"", keys[k]);
          seen[k] = true;
        }
      rc = cues_set(&c, ln.name, ln.value, why, sizeof(why));
      if(rc == COACH_E_INVALID) {
        coach_diag_add(diag, ln.number, "%s", why);
        rc = COACH_OK;
      }
      break;
    case INI_LINE_CONTINUATION:
      coach_diag_add(diag, ln.number, "an indented line (keep each cue on one line)");
      break;
    case INI_LINE_REFUSED:
      coach_diag_add(diag, ln.number, "the line is not text of at most %d bytes in UTF-8",
                     INI_LINE_MAX);
      break;
    case INI_LINE_MALFORMED:
      coach_diag_add(diag, ln.number, "\"%.60s\" is not key = value", ln.text);
      break;
    }
  }
  if(!rc && diag->count)
    rc = COACH_E_INVALID;
  if(rc) {
    cues_free(&c);
    return rc;
  }
  *out = c;
  return COACH_OK;
}

static coach_rc fill_text(char **field, const char *from)
{
  if(*field || !from)
    return COACH_OK;
  *field = strdup(from);
  return *field ? COACH_OK : COACH_E_NOMEM;
}

coach_rc cues_fill(cue_words *c, const cue_words *from)
{
  coach_rc rc = fill_text(&c->switch_sides, from->switch_sides);
  if(!rc)
    rc = fill_text(&c->halfway, from->halfway);
  if(!rc)
    rc = fill_text(&c->breathe_in, from->breathe_in);
  if(!rc)
    rc = fill_text(&c->breathe_out, from->breathe_out);
  if(!rc && !c->count[0] && from->count[0])
    for(int k = 0; !rc && k < CUES_COUNT; k++)
      rc = fill_text(&c->count[k], from->count[k]);
  if(!rc && !c->n_sides)
    for(int i = 0; !rc && i < from->n_sides; i++) {
      rc = fill_text(&c->sides[i], from->sides[i]);
      if(!rc)
        c->n_sides++;
    }
  return rc;
}

const char *cues_missing(const cue_words *c)
{
  if(!c->switch_sides)
    return "switch";
  if(!c->n_sides)
    return "sides";
  if(!c->halfway)
    return "halfway";
  if(!c->breathe_in)
    return "breathe_in";
  if(!c->breathe_out)
    return "breathe_out";
  if(!c->count[0])
    return "count";
  return NULL;
}

void cues_free(cue_words *c)
{
  free(c->switch_sides);
  free_list(c->sides, c->n_sides);
  free(c->halfway);
  free(c->breathe_in);
  free(c->breathe_out);
  free_list(c->count, CUES_COUNT);
  memset(c, 0, sizeof(*c));
}
