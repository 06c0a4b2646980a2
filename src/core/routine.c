/* routine — loading a routine file: its lines through ini_line, then interpretation and
 * validation of what they said.
 *
 * Three passes, so that every problem in a file is reported in one go:
 *  1. read_lines() takes each line ini_line reads: [section] headers say where keys go, each
 *     key is stored with its line, continuation lines extend the last key.
 *  2. build_*() interpret the stored keys of each section into the routine.
 *  3. check_*() look at the routine as a whole: the length, the block graph, the session.
 * Any problem means no routine: everything is freed and the caller gets the diagnostics.
 */
#include "routine.h"

#include "ini_line.h"
#include "paths.h"
#include "sentence.h"
#include "text_file.h"
#include "voice_name.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* User text echoed in a message is cut here so the advice after it still fits. */
#define ECHO 60

#define HOLD_MIN_MS 5000
#define REMIND_MIN_MS 10000
#define STEP_FOR_MIN_MS 1000
#define KEYS_MAX 13

static const char *const kind_names[] = {
  [STEP_SAY] = "say",       [STEP_HOLD] = "hold",   [STEP_BREATHE] = "breathe",
  [STEP_PAUSE] = "pause",   [STEP_CHIME] = "chime", [STEP_SIDES] = "sides",
  [STEP_REPEAT] = "repeat", [STEP_WAIT] = "wait",
};
#define N_KINDS ((int)(sizeof(kind_names) / sizeof(kind_names[0])))
#define KIND_CHOICES "say, hold, breathe, pause, chime, wait, sides or repeat"

static const char *const routine_keys[KEYS_MAX + 1] = {
  "title", "summary", "steps", "length", "min_length", "max_length",
  "voice", "rate",    "pitch", "volume", "language",   "engine", NULL,
};

/* Keys each kind of step takes besides `do`. */
static const char *const step_keys[][KEYS_MAX + 1] = {
  [STEP_SAY] = {"text", "after", NULL},
  [STEP_HOLD] = {"for", "text", "halfway", "count", "reminder", NULL},
  [STEP_BREATHE] = {"pattern", "for", "breaths", "guide", "remind", "reminder", NULL},
  [STEP_PAUSE] = {"for", NULL},
  [STEP_CHIME] = {NULL},
  [STEP_SIDES] = {"steps", "switch", "sides", "after", NULL},
  [STEP_REPEAT] = {"steps", "times", "text", "after", NULL},
  [STEP_WAIT] = {"text", "for", NULL},
};

/* What to write for a missing key, for "(add KEY = EXAMPLE)". */
static const struct {
  const char *key, *example;
} key_examples[] = {
  {"title", "the routine's name"},
  {"summary", "a sentence or two about it"},
  {"steps", "step names separated by commas"},
  {"text", "what is said"},
  {"for", "a duration such as 30s, or length"},
  {"pattern", "IN-HOLD-OUT-HOLD seconds such as 4-0-6-0"},
  {"times", "how many rounds, 2 to 50"},
  {"switch", "what is said between the sides"},
  {"halfway", "what is said at half time, or none"},
  {"reminder", "what is said"},
  {"sides", "side names separated by commas"},
};

/* ---- pass 1: what the parser collects ---------------------------------------------- */

typedef struct raw_entry {
  char *key;
  char *value;
  size_t value_len;
  int line;
  bool too_long; /* already reported; continuation lines are dropped */
} raw_entry;

typedef struct raw_section {
  char *name; /* the step's name; NULL for [routine] */
  int line;   /* the header's line */
  bool lost_line; /* a refused line: its key may be the one that seems missing */
  raw_entry *entries;
  int n_entries, cap_entries;
} raw_section;

typedef struct loader {
  int line; /* the line being read */

  raw_section routine_section;
  bool have_routine;
  raw_section cues_section;
  bool have_cues;
  raw_section *steps; /* ROUTINE_STEPS_MAX of them */
  int n_steps;
  raw_section *section; /* where keys go; NULL drops them (no section yet, or a bad header) */
  bool seen_header;
  bool entry_open; /* the last key was stored, so continuation lines extend it */
  bool reported_orphan, reported_too_many;

  const raw_section *building; /* the section pass 2 is interpreting */
  bool nomem;
  coach_diag *diag;
} loader;

static bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

static void strip_end(char *s)
{
  size_t n = strlen(s);
  while(n && is_space(s[n - 1]))
    s[--n] = '\0';
}

static char *skip_space(char *s)
{
  while(is_space(*s))
    s++;
  return s;
}

static char *dup_text(loader *ld, const char *s)
{
  char *copy = strdup(s);
  if(!copy)
    ld->nomem = true;
  return copy;
}

static bool step_name_valid(const char *name)
{
  size_t n = strlen(name);
  if(n < 1 || n > ROUTINE_NAME_MAX)
    return false;
  for(size_t i = 0; i < n; i++) {
    char c = name[i];
    if(!((c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-'))
      return false;
  }
  return true;
}

bool routine_name_valid(const char *name)
{
  return name && name[0] != '-' && step_name_valid(name);
}

/* [routine] or [cues], which a file has once: keys go to sec unless it was opened before. */
static void open_single(loader *ld, raw_section *sec, bool *have, const char *name)
{
  if(*have) {
    coach_diag_add(ld->diag, ld->line,
                   "a second [%s] section (the first is at line %d; a file has one)", name,
                   sec->line);
    return;
  }
  *have = true;
  sec->line = ld->line;
  ld->section = sec;
}

/* A header line (or one that starts with '[' but is not closed). Sets where the following
 * keys go. */
static void section_line(loader *ld, const ini_line *ln)
{
  ld->section = NULL;
  ld->entry_open = false;
  ld->seen_header = true;
  if(ln->kind != INI_LINE_SECTION) {
    coach_diag_add(ld->diag, ld->line,
                   "section header without a closing ] (write [routine] or [step NAME])");
    return;
  }
  if(ln->trailing)
    coach_diag_add(ld->diag, ld->line,
                   "text after the section header (put a comment on its own line after ;)");
  const char *inner = ln->name;

  if(!strcmp(inner, "cues")) {
    open_single(ld, &ld->cues_section, &ld->have_cues, "cues");
    return;
  }
  if(!strcmp(inner, "routine")) {
    open_single(ld, &ld->routine_section, &ld->have_routine, "routine");
    return;
  }
  if(strncmp(inner, "step", 4) || (inner[4] && !is_space(inner[4]))) {
    coach_diag_add(ld->diag, ld->line,
                   "unknown section [%.*s] (sections are [routine], [step NAME] and [cues])", ECHO,
                   inner);
    return;
  }
  const char *name = inner + 4;
  while(is_space(*name))
    name++;
  if(!*name) {
    coach_diag_add(ld->diag, ld->line, "[step] without a name (write [step NAME])");
    return;
  }
  /* A bad name is still recorded as a step, so the steps lists that use it resolve and the
   * one mistake gives one message. */
  if(!step_name_valid(name))
    coach_diag_add(ld->diag, ld->line,
                   "\"%.*s\" is not a valid step name (use 1-%d characters of a-z 0-9 _ -)",
                   ECHO, name, ROUTINE_NAME_MAX);
  for(int i = 0; i < ld->n_steps; i++) {
    if(!strcmp(ld->steps[i].name, name)) {
      coach_diag_add(ld->diag, ld->line,
                     "duplicate step name \"%.*s\" (the first [step %.*s] is at line %d; "
                     "give each step its own name)",
                     ECHO, name, ECHO, name, ld->steps[i].line);
      return;
    }
  }
  if(ld->n_steps == ROUTINE_STEPS_MAX) {
    if(!ld->reported_too_many)
      coach_diag_add(ld->diag, ld->line,
                     "more than %d steps (a routine has at most %d [step] sections)",
                     ROUTINE_STEPS_MAX, ROUTINE_STEPS_MAX);
    ld->reported_too_many = true;
    return;
  }
  raw_section *sec = &ld->steps[ld->n_steps];
  sec->name = dup_text(ld, name);
  if(!sec->name)
    return;
  sec->line = ld->line;
  ld->n_steps++;
  ld->section = sec;
}

static bool is_known_key(const char *key, size_t n)
{
  for(int k = 0; routine_keys[k]; k++)
    if(strlen(routine_keys[k]) == n && !strncmp(routine_keys[k], key, n))
      return true;
  for(int kind = 0; kind < N_KINDS; kind++)
    for(int k = 0; step_keys[kind][k]; k++)
      if(strlen(step_keys[kind][k]) == n && !strncmp(step_keys[kind][k], key, n))
        return true;
  char name[KEYS_MAX * 2];
  if(n < sizeof(name)) {
    memcpy(name, key, n);
    name[n] = '\0';
    if(cues_key_known(name))
      return true;
  }
  return n == 2 && !strncmp(key, "do", 2);
}

/* An indented "text = ..." is almost always a key indented by mistake; taken as text it
 * would be spoken, so it is refused instead. */
static bool looks_like_key(const char *s)
{
  size_t n = 0;
  while((s[n] >= 'a' && s[n] <= 'z') || s[n] == '_')
    n++;
  const char *p = s + n;
  while(*p == ' ' || *p == '\t')
    p++;
  return n && *p == '=' && is_known_key(s, n);
}

static void add_entry(loader *ld, const char *key, const char *value)
{
  ld->entry_open = false;
  raw_section *sec = ld->section;
  if(!sec) {
    if(!ld->seen_header && !ld->reported_orphan)
      coach_diag_add(ld->diag, ld->line,
                     "key \"%.*s\" comes before any section (put it under [routine] or a "
                     "[step NAME])",
                     ECHO, key);
    ld->reported_orphan = true;
    return;
  }
  if(sec->n_entries == sec->cap_entries) {
    int cap = sec->cap_entries ? sec->cap_entries * 2 : 8;
    raw_entry *grown = realloc(sec->entries, (size_t)cap * sizeof(*grown));
    if(!grown) {
      ld->nomem = true;
      return;
    }
    sec->entries = grown;
    sec->cap_entries = cap;
  }
  raw_entry *e = &sec->entries[sec->n_entries];
  memset(e, 0, sizeof(*e));
  e->key = dup_text(ld, key);
  e->value = dup_text(ld, value);
  if(!e->key || !e->value) {
    free(e->key);
    free(e->value);
    return;
  }
  e->value_len = strlen(value);
  e->line = ld->line;
  sec->n_entries++;
  ld->entry_open = true;
}

static void extend_entry(loader *ld, const char *text)
{
  if(!ld->entry_open)
    return;
  raw_entry *e = &ld->section->entries[ld->section->n_entries - 1];
  if(e->too_long)
    return;
  size_t add = strlen(text), gap = e->value_len ? 1 : 0;
  if(e->value_len + gap + add > ROUTINE_TEXT_MAX) {
    coach_diag_add(ld->diag, e->line,
                   "%.*s is longer than %d bytes (shorten it, or split it over several steps)",
                   ECHO, e->key, ROUTINE_TEXT_MAX);
    e->too_long = true;
    return;
  }
  char *grown = realloc(e->value, e->value_len + gap + add + 1);
  if(!grown) {
    ld->nomem = true;
    return;
  }
  e->value = grown;
  if(gap)
    e->value[e->value_len++] = ' ';
  memcpy(e->value + e->value_len, text, add + 1);
  e->value_len += add;
}

static void continuation_line(loader *ld, const char *text)
{
  if(looks_like_key(text)) {
    coach_diag_add(ld->diag, ld->line,
                   "indented key (keys start at the beginning of the line; only continued "
                   "text is indented)");
    return;
  }
  extend_entry(ld, text);
}

static void key_line(loader *ld, const ini_line *ln)
{
  if(ln->separator != ':') {
    add_entry(ld, ln->name, ln->value);
    return;
  }
  coach_diag_add(ld->diag, ld->line,
                 "\"%.*s\" uses \":\" (write key = value, with an equals sign)", ECHO,
                 ln->text);
  ld->entry_open = false; /* its continuation lines belong to the same mistake */
}

static void refused_line(loader *ld, const ini_line *ln)
{
  switch(ln->problem) {
  case INI_PROBLEM_NUL:
    coach_diag_add(ld->diag, ld->line,
                   "the line contains a NUL byte (a routine file is UTF-8 text)");
    break;
  case INI_PROBLEM_CONTROL:
    coach_diag_add(ld->diag, ld->line,
                   "the line contains the control character 0x%02X (byte %zu; a routine file "
                   "is UTF-8 text)",
                   ln->byte, ln->at + 1);
    break;
  case INI_PROBLEM_TOO_LONG:
    coach_diag_add(ld->diag, ld->line,
                   "the line is %zu bytes long, more than %d (wrap long text onto indented "
                   "continuation lines)",
                   ln->length, INI_LINE_MAX);
    break;
  default:
    coach_diag_add(ld->diag, ld->line,
                   "the line is not valid UTF-8 (byte %zu; save the file as UTF-8)",
                   ln->at + 1);
    break;
  }
  if(ld->section)
    ld->section->lost_line = true;
}

static void malformed_line(loader *ld, const ini_line *ln)
{
  if(ln->problem == INI_PROBLEM_UNCLOSED)
    section_line(ld, ln);
  else if(ln->problem == INI_PROBLEM_NO_KEY)
    coach_diag_add(ld->diag, ld->line, "a value without a key (write key = value)");
  else
    coach_diag_add(ld->diag, ld->line,
                   "\"%.*s\" is not key = value (indent it to continue the text above, or "
                   "make it a comment with ;)",
                   ECHO, ln->text);
}

/* Pass 1: every line of the file into the raw sections. */
static void read_lines(loader *ld, const char *data, size_t len)
{
  ini_reader reader;
  ini_line ln;
  ini_reader_init(&reader, data, len);
  while(!ld->nomem && ini_reader_next(&reader, &ln)) {
    ld->line = ln.number;
    switch(ln.kind) {
    case INI_LINE_BLANK: break;
    case INI_LINE_SECTION: section_line(ld, &ln); break;
    case INI_LINE_KEY: key_line(ld, &ln); break;
    case INI_LINE_CONTINUATION: continuation_line(ld, ln.value); break;
    case INI_LINE_REFUSED: refused_line(ld, &ln); break;
    case INI_LINE_MALFORMED: malformed_line(ld, &ln); break;
    }
  }
}

static void free_section(raw_section *sec)
{
  for(int i = 0; i < sec->n_entries; i++) {
    free(sec->entries[i].key);
    free(sec->entries[i].value);
  }
  free(sec->entries);
  free(sec->name);
}

/* ---- pass 2: interpreting each section ------------------------------------------------ */

static const char *key_example(const char *key)
{
  for(size_t i = 0; i < sizeof(key_examples) / sizeof(key_examples[0]); i++)
    if(!strcmp(key_examples[i].key, key))
      return key_examples[i].example;
  return "a value";
}

static int key_index(const char *const *keys, const char *key)
{
  for(int i = 0; keys[i]; i++)
    if(!strcmp(keys[i], key))
      return i;
  return -1;
}

/* The keys a section gave, by their index in its key list. */
typedef struct found_keys {
  const char *const *keys;
  const raw_entry *of[KEYS_MAX];
} found_keys;

static const raw_entry *found(const found_keys *f, const char *key)
{
  int i = key_index(f->keys, key);
  return i >= 0 ? f->of[i] : NULL;
}

/* Files each entry under its key; reports keys the section does not take and keys given
 * twice. `do` is the caller's. kind < 0 means [routine]. */
static void collect_keys(loader *ld, const raw_section *sec, const char *const *keys, int kind,
                         found_keys *f)
{
  memset(f, 0, sizeof(*f));
  f->keys = keys;
  for(int i = 0; i < sec->n_entries; i++) {
    const raw_entry *e = &sec->entries[i];
    if(kind >= 0 && !strcmp(e->key, "do"))
      continue;
    int k = key_index(keys, e->key);
    if(k < 0) {
      char known[160] = "";
      for(int j = 0; keys[j]; j++) {
        strcat(known, j ? ", " : "");
        strcat(known, keys[j]);
      }
      if(kind < 0)
        coach_diag_add(ld->diag, e->line, "unknown key \"%.*s\" in [routine] (known keys: %s)",
                       ECHO, e->key, known);
      else if(!keys[0])
        coach_diag_add(ld->diag, e->line,
                       "unknown key \"%.*s\" in a %s step (it takes no keys besides do)", ECHO,
                       e->key, kind_names[kind]);
      else
        coach_diag_add(ld->diag, e->line,
                       "unknown key \"%.*s\" in a %s step (known keys: %s)", ECHO, e->key,
                       kind_names[kind], known);
      continue;
    }
    if(f->of[k] && strcmp(e->key, "reminder")) {
      coach_diag_add(ld->diag, e->line,
                     "duplicate key \"%s\" (the first is at line %d; give each key once)",
                     e->key, f->of[k]->line);
      continue;
    }
    if(!f->of[k])
      f->of[k] = e;
  }
}

static void report_missing(loader *ld, int line, const char *where, const char *key)
{
  if(ld->building && ld->building->lost_line)
    return; /* the refused line already has a message, and it likely held this key */
  coach_diag_add(ld->diag, line, "%s has no %s (add %s = %s)", where, key, key,
                 key_example(key));
}

/* A text value. Absent: required reports it, otherwise *out keeps its default. */
static bool take_text(loader *ld, const raw_entry *e, bool required, const char *where,
                      int header_line, const char *key, char **out)
{
  if(!e) {
    if(required)
      report_missing(ld, header_line, where, key);
    return !required;
  }
  if(!*e->value) {
    coach_diag_add(ld->diag, e->line, "%s is empty (write %s = %s)", e->key, e->key,
                   key_example(e->key));
    return false;
  }
  char *copy = dup_text(ld, e->value);
  if(!copy)
    return false;
  free(*out);
  *out = copy;
  return true;
}

/* A duration of at least min_ms; `length` too where length_allowed. */
static bool take_duration(loader *ld, const raw_entry *e, bool length_allowed, int64_t min_ms,
                          const char *what, int64_t *out)
{
  if(length_allowed && !strcmp(e->value, "length")) {
    *out = ROUTINE_FOR_LENGTH;
    return true;
  }
  char why[COACH_DIAG_MSG];
  int64_t ms;
  if(duration_parse(e->value, &ms, why, sizeof(why))) {
    if(length_allowed && !is_digit(e->value[0]) && e->value[0] != '-')
      coach_diag_add(ld->diag, e->line,
                     "%s: \"%.*s\" is neither a duration nor length (write e.g. 30s, or "
                     "length)",
                     e->key, ECHO, e->value);
    else
      coach_diag_add(ld->diag, e->line, "%s: %s", e->key, why);
    return false;
  }
  if(ms < min_ms) {
    char have[32], least[32];
    duration_format(ms, have, sizeof(have));
    duration_format(min_ms, least, sizeof(least));
    coach_diag_add(ld->diag, e->line, "%s: %s is too short for %s (make it at least %s)",
                   e->key, have, what, least);
    return false;
  }
  *out = ms;
  return true;
}

static bool take_int(loader *ld, const raw_entry *e, int min, int max, int *out)
{
  const char *p = e->value;
  bool negative = *p == '-';
  if(negative)
    p++;
  long long v = 0;
  const char *digits = p;
  while(is_digit(*p)) {
    if(v < 1000000000)
      v = v * 10 + (*p - '0');
    p++;
  }
  if(p == digits || *p) {
    coach_diag_add(ld->diag, e->line,
                   "%s: \"%.*s\" is not a whole number (write one from %d to %d)", e->key, ECHO,
                   e->value, min, max);
    return false;
  }
  if(negative)
    v = -v;
  if(v < min || v > max) {
    coach_diag_add(ld->diag, e->line, "%s: %.*s is out of range (use %d to %d)", e->key, ECHO,
                   e->value, min, max);
    return false;
  }
  *out = (int)v;
  return true;
}

/* Splits a comma-separated list; items point into *storage, which the caller frees. */
static bool split_list(loader *ld, const raw_entry *e, int max_items, char **storage,
                       char **items, int *n_items)
{
  *n_items = 0;
  *storage = NULL;
  if(!*e->value) {
    coach_diag_add(ld->diag, e->line, "%s is empty (write %s = %s)", e->key, e->key,
                   key_example(e->key));
    return false;
  }
  char *copy = dup_text(ld, e->value);
  if(!copy)
    return false;
  int n = 0;
  char *p = copy;
  for(;;) {
    char *comma = strchr(p, ',');
    if(comma)
      *comma = '\0';
    char *item = skip_space(p);
    strip_end(item);
    if(!*item) {
      coach_diag_add(ld->diag, e->line,
                     "%s: an empty name in the list (separate names with single commas)",
                     e->key);
      free(copy);
      return false;
    }
    if(n == max_items) {
      coach_diag_add(ld->diag, e->line, "%s: more than %d names (a list has at most %d)",
                     e->key, max_items, max_items);
      free(copy);
      return false;
    }
    items[n++] = item;
    if(!comma)
      break;
    p = comma + 1;
  }
  *storage = copy;
  *n_items = n;
  return true;
}

/* A steps = list, resolved to step indices. */
static bool take_steps(loader *ld, const routine *r, const raw_entry *e, int **out, int *n_out)
{
  char *storage, *names[ROUTINE_CHILDREN_MAX];
  int n;
  if(!split_list(ld, e, ROUTINE_CHILDREN_MAX, &storage, names, &n))
    return false;
  int *indices = malloc((size_t)n * sizeof(*indices));
  bool ok = indices != NULL;
  if(!ok)
    ld->nomem = true;
  for(int i = 0; i < n && indices; i++) {
    indices[i] = -1;
    for(int s = 0; s < r->n_steps; s++)
      if(!strcmp(r->steps[s].name, names[i]))
        indices[i] = s;
    if(indices[i] < 0) {
      coach_diag_add(ld->diag, e->line,
                     "%s: no step named \"%.*s\" (add a [step %.*s] section or fix the name)",
                     e->key, ECHO, names[i], ECHO, names[i]);
      ok = false;
    }
  }
  free(storage);
  if(!ok) {
    free(indices);
    return false;
  }
  *out = indices;
  *n_out = n;
  return true;
}

static void build_say(loader *ld, routine_step *s, const found_keys *f, const char *where,
                      int header_line)
{
  take_text(ld, found(f, "text"), true, where, header_line, "text", &s->text);
  const raw_entry *after = found(f, "after");
  if(after)
    take_duration(ld, after, false, 0, "a pause after speech", &s->after_ms);
}

static void build_reminders(loader *ld, routine_step *s, const raw_section *sec, int max);

static void build_hold(loader *ld, const routine *r, routine_step *s, const raw_section *sec,
                       const found_keys *f, const char *where, int header_line)
{
  const raw_entry *e = found(f, "for");
  if(!e)
    report_missing(ld, header_line, where, "for");
  else
    take_duration(ld, e, true, HOLD_MIN_MS, "a hold", &s->for_ms);
  take_text(ld, found(f, "text"), true, where, header_line, "text", &s->text);
  /* The cue words are missing only in a routine already refused (build_cues said why). */
  if(r->cues.halfway)
    s->halfway = dup_text(ld, r->cues.halfway);
  e = found(f, "halfway");
  if(e && !strcmp(e->value, "none")) {
    free(s->halfway);
    s->halfway = NULL;
  }
  else
    take_text(ld, e, false, where, header_line, "halfway", &s->halfway);
  e = found(f, "count");
  if(e)
    take_int(ld, e, 0, ROUTINE_COUNT_MAX, &s->count);
  build_reminders(ld, s, sec, ROUTINE_HOLD_REMINDERS_MAX);
}

/* A breathing reminder may name the phase it is about: "in: ..." starts it with an in-breath,
 * "out: ..." (or no prefix) with an out-breath. Returns the text after the prefix. */
static const char *reminder_phase(const char *value, bool *on_in)
{
  *on_in = false;
  const char *p = value;
  if(!strncmp(p, "in:", 3)) {
    *on_in = true;
    p += 3;
  }
  else if(!strncmp(p, "out:", 4))
    p += 4;
  else
    return value;
  while(is_space(*p))
    p++;
  return p;
}

/* The reminder keys of sec, at most max of them (breathe: with their phases). */
static void build_reminders(loader *ld, routine_step *s, const raw_section *sec, int max)
{
  int n = 0;
  for(int i = 0; i < sec->n_entries; i++)
    n += !strcmp(sec->entries[i].key, "reminder");
  if(!n)
    return;
  if(n > max)
    n = max;
  s->reminders = calloc((size_t)n, sizeof(*s->reminders));
  s->remind_on_in = calloc((size_t)n, sizeof(*s->remind_on_in));
  if(!s->reminders || !s->remind_on_in) {
    ld->nomem = true;
    return;
  }
  for(int i = 0; i < sec->n_entries; i++) {
    const raw_entry *e = &sec->entries[i];
    if(strcmp(e->key, "reminder"))
      continue;
    if(s->n_reminders == max) {
      coach_diag_add(ld->diag, e->line, "more than %d reminders (keep at most %d)", max, max);
      break;
    }
    raw_entry text = *e;
    if(s->kind == STEP_BREATHE)
      text.value = (char *)reminder_phase(e->value, &s->remind_on_in[s->n_reminders]);
    if(take_text(ld, &text, true, NULL, 0, "reminder", &s->reminders[s->n_reminders]))
      s->n_reminders++;
  }
}

static void build_breathe(loader *ld, routine_step *s, const raw_section *sec,
                          const found_keys *f, const char *where)
{
  const raw_entry *e = found(f, "pattern");
  char why[COACH_DIAG_MSG];
  if(!e)
    report_missing(ld, sec->line, where, "pattern");
  else if(breath_pattern_parse(e->value, &s->pattern, why, sizeof(why)))
    coach_diag_add(ld->diag, e->line, "pattern: %s", why);

  const raw_entry *for_e = found(f, "for"), *breaths_e = found(f, "breaths");
  if(for_e && breaths_e)
    coach_diag_add(ld->diag, for_e->line > breaths_e->line ? for_e->line : breaths_e->line,
                   "both for and breaths (give one of them: how long, or how many breaths)");
  else if(for_e)
    take_duration(ld, for_e, true, STEP_FOR_MIN_MS, "breathing", &s->for_ms);
  else if(breaths_e)
    take_int(ld, breaths_e, 1, ROUTINE_BREATHS_MAX, &s->breaths);
  else if(!sec->lost_line)
    coach_diag_add(ld->diag, sec->line,
                   "%s has neither for nor breaths (add for = 5m, or breaths = 30)", where);

  e = found(f, "guide");
  if(e)
    take_int(ld, e, 0, ROUTINE_BREATHS_MAX, &s->guide);
  const raw_entry *remind = found(f, "remind");
  if(remind)
    take_duration(ld, remind, false, REMIND_MIN_MS, "reminders", &s->remind_ms);
  build_reminders(ld, s, sec, ROUTINE_REMINDERS_MAX);
  const raw_entry *first_reminder = found(f, "reminder");
  if(remind && !first_reminder)
    coach_diag_add(ld->diag, remind->line,
                   "remind without a reminder (add reminder = what is said, once per "
                   "reminder)");
  if(first_reminder && !remind)
    coach_diag_add(ld->diag, first_reminder->line,
                   "reminder without remind (add remind = how often, e.g. 3m)");
}

/* Quiet after a sides or repeat step's text: `after`, else the kind's default. */
static void take_after(loader *ld, routine_step *s, const found_keys *f, int64_t default_ms)
{
  s->after_ms = default_ms;
  const raw_entry *after = found(f, "after");
  if(after)
    take_duration(ld, after, false, 0, "a pause after speech", &s->after_ms);
}

static void build_sides(loader *ld, const routine *r, routine_step *s, const found_keys *f,
                        const char *where, int header_line)
{
  const raw_entry *e = found(f, "steps");
  if(!e)
    report_missing(ld, header_line, where, "steps");
  else
    take_steps(ld, r, e, &s->children, &s->n_children);
  if(r->cues.switch_sides)
    s->text = dup_text(ld, r->cues.switch_sides);
  take_text(ld, found(f, "switch"), false, where, header_line, "switch", &s->text);
  take_after(ld, s, f, ROUTINE_SWITCH_AFTER_MS);

  char *storage = NULL, *names[ROUTINE_SIDES_MAX];
  const char *const *sides = (const char *const *)r->cues.sides;
  int n = r->cues.n_sides;
  e = found(f, "sides");
  if(e) {
    if(!split_list(ld, e, ROUTINE_SIDES_MAX, &storage, names, &n))
      return;
    for(int i = 0; i < n; i++) {
      if(strlen(names[i]) > ROUTINE_NAME_MAX) {
        coach_diag_add(ld->diag, e->line, "sides: a side name is longer than %d bytes",
                       ROUTINE_NAME_MAX);
        free(storage);
        return;
      }
    }
    sides = (const char *const *)names;
  }
  if(n < 1) { /* split_list refuses empty lists; this keeps the size below obviously sane */
    free(storage);
    return;
  }
  s->sides = calloc((size_t)n, sizeof(*s->sides));
  if(!s->sides)
    ld->nomem = true;
  for(int i = 0; s->sides && i < n; i++) {
    s->sides[i] = dup_text(ld, sides[i]);
    if(s->sides[i])
      s->n_sides++;
  }
  free(storage);
}

static void build_repeat(loader *ld, const routine *r, routine_step *s, const found_keys *f,
                         const char *where, int header_line)
{
  const raw_entry *e = found(f, "steps");
  if(!e)
    report_missing(ld, header_line, where, "steps");
  else
    take_steps(ld, r, e, &s->children, &s->n_children);
  e = found(f, "times");
  if(!e)
    report_missing(ld, header_line, where, "times");
  else
    take_int(ld, e, 2, ROUTINE_REPEAT_MAX, &s->times);
  take_text(ld, found(f, "text"), false, where, header_line, "text", &s->text);
  take_after(ld, s, f, ROUTINE_ROUND_AFTER_MS);
}

static void build_wait(loader *ld, routine_step *s, const found_keys *f, const char *where,
                       int header_line)
{
  take_text(ld, found(f, "text"), true, where, header_line, "text", &s->text);
  s->for_ms = ROUTINE_WAIT_DEFAULT_MS;
  const raw_entry *e = found(f, "for");
  if(e)
    take_duration(ld, e, false, STEP_FOR_MIN_MS, "a wait", &s->for_ms);
}

/* Builds step i. *for_line gets the line of its `for = length`, if any. */
static void build_step(loader *ld, routine *r, int i, int *for_line)
{
  const raw_section *sec = &ld->steps[i];
  routine_step *s = &r->steps[i];
  ld->building = sec;
  char where[ROUTINE_NAME_MAX + ECHO + 16];
  snprintf(where, sizeof(where), "step \"%.*s\"", ECHO, sec->name);

  const raw_entry *do_e = NULL;
  for(int k = 0; k < sec->n_entries; k++) {
    const raw_entry *e = &sec->entries[k];
    if(strcmp(e->key, "do"))
      continue;
    if(do_e)
      coach_diag_add(ld->diag, e->line,
                     "duplicate key \"do\" (the first is at line %d; give each key once)",
                     do_e->line);
    else
      do_e = e;
  }
  /* A step that cannot be built is left a chime so later checks see no children. */
  s->kind = STEP_CHIME;
  if(!do_e) {
    if(!sec->lost_line)
      coach_diag_add(ld->diag, sec->line, "%s has no do (add do = " KIND_CHOICES ")", where);
    return;
  }
  int kind = -1;
  for(int k = 0; k < N_KINDS; k++)
    if(!strcmp(do_e->value, kind_names[k]))
      kind = k;
  if(kind < 0) {
    coach_diag_add(ld->diag, do_e->line, "unknown do = \"%.*s\" (use " KIND_CHOICES ")", ECHO,
                   do_e->value);
    return;
  }
  s->kind = (step_kind)kind;

  found_keys f;
  collect_keys(ld, sec, step_keys[kind], kind, &f);
  const raw_entry *for_e = found(&f, "for");
  if(for_e && !strcmp(for_e->value, "length") && s->kind != STEP_WAIT)
    *for_line = for_e->line;

  switch(s->kind) {
  case STEP_SAY: build_say(ld, s, &f, where, sec->line); break;
  case STEP_HOLD: build_hold(ld, r, s, sec, &f, where, sec->line); break;
  case STEP_BREATHE: build_breathe(ld, s, sec, &f, where); break;
  case STEP_PAUSE:
    if(!for_e)
      report_missing(ld, sec->line, where, "for");
    else
      take_duration(ld, for_e, true, STEP_FOR_MIN_MS, "a pause", &s->for_ms);
    break;
  case STEP_CHIME: break;
  case STEP_SIDES: build_sides(ld, r, s, &f, where, sec->line); break;
  case STEP_REPEAT: build_repeat(ld, r, s, &f, where, sec->line); break;
  case STEP_WAIT: build_wait(ld, s, &f, where, sec->line); break;
  }
}

/* The [routine] length keys, kept for the checks that need the steps too. */
typedef struct length_keys {
  const raw_entry *length, *min, *max;
  bool length_ok, min_ok, max_ok;
  int64_t length_ms, min_ms, max_ms;
} length_keys;

static void build_routine(loader *ld, routine *r, length_keys *lk)
{
  const raw_section *sec = &ld->routine_section;
  ld->building = sec;
  found_keys f;
  collect_keys(ld, sec, routine_keys, -1, &f);
  take_text(ld, found(&f, "title"), true, "[routine]", sec->line, "title", &r->title);
  take_text(ld, found(&f, "summary"), true, "[routine]", sec->line, "summary", &r->summary);
  const raw_entry *e = found(&f, "steps");
  if(e)
    take_steps(ld, r, e, &r->sequence, &r->n_sequence);
  else if(ld->n_steps) /* no steps at all is reported once, as an empty routine */
    report_missing(ld, sec->line, "[routine]", "steps");

  lk->length = found(&f, "length");
  lk->min = found(&f, "min_length");
  lk->max = found(&f, "max_length");
  if(lk->length)
    lk->length_ok = take_duration(ld, lk->length, false, 0, "", &lk->length_ms);
  if(lk->min)
    lk->min_ok = take_duration(ld, lk->min, false, 0, "", &lk->min_ms);
  if(lk->max)
    lk->max_ok = take_duration(ld, lk->max, false, 0, "", &lk->max_ms);

  e = found(&f, "voice");
  if(e) {
    if(voice_name_valid(e->value))
      snprintf(r->voice.name, sizeof(r->voice.name), "%s", e->value);
    else
      coach_diag_add(ld->diag, e->line, "voice: \"%.*s\" is not a voice name (" VOICE_NAME_HELP ")",
                     ECHO, e->value);
  }
  e = found(&f, "language");
  if(e && step_name_valid(e->value)) {
    free(r->language);
    r->language = dup_text(ld, e->value);
  }
  else if(e)
    coach_diag_add(ld->diag, e->line,
                   "language: \"%.*s\" is not a language name (write one such as en or de: "
                   "1-%d characters of a-z 0-9 _ -)",
                   ECHO, e->value, ROUTINE_NAME_MAX);
  if((e = found(&f, "rate")))
    take_int(ld, e, 80, 260, &r->voice.rate);
  if((e = found(&f, "pitch")))
    take_int(ld, e, 0, 100, &r->voice.pitch);
  if((e = found(&f, "volume")))
    take_int(ld, e, 0, 200, &r->voice.volume);
  if((e = found(&f, "engine")) && !voice_engine_parse(e->value, &r->voice.engine))
    coach_diag_add(ld->diag, e->line, "engine: \"%.*s\" is not a speech engine (write "
                   VOICE_ENGINE_CHOICES ")", ECHO, e->value);
}

/* The table of the routine's language, read into *table; problems go into the routine's
 * diagnostics, naming the table. */
static bool load_cue_table(loader *ld, const routine *r, cue_words *table)
{
  char path[PATHS_MAX], why[COACH_DIAG_MSG];
  coach_rc rc = paths_cue_words(r->language, path, sizeof(path));
  if(rc) {
    coach_diag_add(ld->diag, 0, "no cue words for language %s: %s", r->language,
                   coach_rc_str(rc));
    return false;
  }
  coach_diag table_diag;
  char *data;
  size_t len;
  coach_diag_init(&table_diag, path);
  rc = text_file_read(path, ROUTINE_FILE_MAX_BYTES, "a cue table", &data, &len, &table_diag);
  if(!rc) {
    rc = cues_parse(data, len, path, table, &table_diag);
    free(data);
  }
  if(rc == COACH_E_NOMEM) {
    ld->nomem = true;
    return false;
  }
  if(rc && table_diag.count) {
    coach_diag_format(&table_diag, 0, why, sizeof(why));
    coach_diag_add(ld->diag, 0,
                   "the cue words of language %s cannot be used (%s; give them in a [cues] "
                   "section: " CUES_KEYS ")",
                   r->language, why);
  }
  return rc == COACH_OK;
}

/* The routine's own [cues], completed from its language's table when it leaves any out. */
static void build_cues(loader *ld, routine *r)
{
  const raw_section *sec = &ld->cues_section;
  for(int i = 0; i < sec->n_entries; i++) {
    const raw_entry *e = &sec->entries[i];
    char why[COACH_DIAG_MSG];
    for(int k = 0; k < i; k++)
      if(!strcmp(sec->entries[k].key, e->key)) {
        coach_diag_add(ld->diag, e->line,
                       "duplicate key \"%.*s\" (the first is at line %d; give each key once)",
                       ECHO, e->key, sec->entries[k].line);
        break;
      }
    coach_rc rc = cues_set(&r->cues, e->key, e->value, why, sizeof(why));
    if(rc == COACH_E_NOMEM)
      ld->nomem = true;
    else if(rc)
      coach_diag_add(ld->diag, e->line, "%s", why);
  }
  if(!cues_missing(&r->cues) || ld->nomem)
    return;
  cue_words table = {0};
  if(load_cue_table(ld, r, &table)) {
    if(cues_fill(&r->cues, &table))
      ld->nomem = true;
    const char *missing = cues_missing(&r->cues);
    if(missing && !ld->nomem)
      coach_diag_add(ld->diag, ld->have_cues ? ld->cues_section.line : 0,
                     "no cue word \"%s\" for language %s (add %s to a [cues] section)",
                     missing, r->language, missing);
  }
  cues_free(&table);
}

/* ---- pass 3: the routine as a whole --------------------------------------------------- */

static void check_length(loader *ld, routine *r, const length_keys *lk, const int *for_lines)
{
  int first_user = -1;
  bool hold_uses = false;
  for(int i = 0; i < r->n_steps; i++) {
    if(!for_lines[i])
      continue;
    if(first_user < 0)
      first_user = i;
    hold_uses |= r->steps[i].kind == STEP_HOLD;
  }
  if(first_user < 0) {
    if(lk->length)
      coach_diag_add(ld->diag, lk->length->line,
                     "length is set but no step has for = length (remove length, min_length "
                     "and max_length, or write for = length in a step)");
    else if(lk->min || lk->max)
      coach_diag_add(ld->diag, (lk->min ? lk->min : lk->max)->line,
                     "%s without length (remove it, or add length and for = length)",
                     (lk->min ? lk->min : lk->max)->key);
    return;
  }
  if(!lk->length) {
    coach_diag_add(ld->diag, for_lines[first_user],
                   "for = length, but [routine] has no length (add length, min_length and "
                   "max_length to [routine])");
    return;
  }
  if(!lk->min || !lk->max) {
    coach_diag_add(ld->diag, lk->length->line,
                   "length needs min_length and max_length (the range a user may choose)");
    return;
  }
  if(!lk->length_ok || !lk->min_ok || !lk->max_ok)
    return;
  char len_s[32], min_s[32], max_s[32], least_s[32];
  duration_format(lk->length_ms, len_s, sizeof(len_s));
  duration_format(lk->min_ms, min_s, sizeof(min_s));
  duration_format(lk->max_ms, max_s, sizeof(max_s));
  int64_t least = hold_uses ? HOLD_MIN_MS : STEP_FOR_MIN_MS;
  duration_format(least, least_s, sizeof(least_s));
  if(lk->min_ms > lk->max_ms) {
    coach_diag_add(ld->diag, lk->min->line,
                   "min_length %s is more than max_length %s (swap them)", min_s, max_s);
    return;
  }
  if(lk->min_ms < least) {
    coach_diag_add(ld->diag, lk->min->line,
                   "min_length %s is shorter than %s, the least a step with for = length may "
                   "last (raise min_length)",
                   min_s, least_s);
    return;
  }
  if(lk->length_ms < lk->min_ms || lk->length_ms > lk->max_ms) {
    coach_diag_add(ld->diag, lk->length->line,
                   "length %s is outside min_length %s to max_length %s (choose a length in "
                   "that range)",
                   len_s, min_s, max_s);
    return;
  }
  r->has_length = true;
  r->length_ms = lk->length_ms;
  r->min_length_ms = lk->min_ms;
  r->max_length_ms = lk->max_ms;
}

enum { WHITE, GREY, BLACK };

typedef struct graph_walk {
  loader *ld;
  const routine *r;
  unsigned char *colour;
  int *path;
  bool cyclic;
} graph_walk;

/* Depth-first search; a grey child is a block that contains itself. */
static void find_cycles(graph_walk *w, int i, int depth)
{
  const routine_step *s = &w->r->steps[i];
  w->colour[i] = GREY;
  w->path[depth] = i;
  for(int c = 0; c < s->n_children; c++) {
    int child = s->children[c];
    if(w->colour[child] == WHITE) {
      find_cycles(w, child, depth + 1);
      continue;
    }
    if(w->colour[child] != GREY)
      continue;
    char loop[COACH_DIAG_MSG / 2] = "";
    int from = depth;
    while(from > 0 && w->path[from] != child)
      from--;
    for(int k = from; k <= depth; k++) {
      size_t used = strlen(loop);
      snprintf(loop + used, sizeof(loop) - used, "%s > ", w->r->steps[w->path[k]].name);
    }
    size_t used = strlen(loop);
    snprintf(loop + used, sizeof(loop) - used, "%s", w->r->steps[child].name);
    coach_diag_add(w->ld->diag, w->r->steps[child].line,
                   "step \"%.*s\" contains itself (%s; a block may not contain itself)", ECHO,
                   w->r->steps[child].name, loop);
    w->cyclic = true;
  }
  w->colour[i] = BLACK;
}

/* How many blocks deep a step goes, itself included; memo[i] < 0 when not yet known. */
static int block_depth(const routine *r, int i, int *memo)
{
  if(memo[i] >= 0)
    return memo[i];
  const routine_step *s = &r->steps[i];
  int deepest = 0;
  for(int c = 0; c < s->n_children; c++) {
    int d = block_depth(r, s->children[c], memo);
    if(d > deepest)
      deepest = d;
  }
  memo[i] = (s->kind == STEP_SIDES || s->kind == STEP_REPEAT) ? deepest + 1 : 0;
  return memo[i];
}

/* Sums saturate, as nested repeats of long steps could overflow; the cap is far enough above
 * the limit that a session a little too long is told its length. */
#define ESTIMATE_CAP (ROUTINE_SESSION_MAX_MS * 1000)

static int64_t capped_add(int64_t a, int64_t b)
{
  return a + b > ESTIMATE_CAP ? ESTIMATE_CAP : a + b;
}

static int64_t capped_mul(int64_t a, int64_t k)
{
  return k > 0 && a > ESTIMATE_CAP / k ? ESTIMATE_CAP : a * k;
}

/* The least a step can take: speech counted as nothing, for = length at max_length. */
static int64_t step_estimate(const routine *r, int i, int64_t *memo)
{
  if(memo[i] >= 0)
    return memo[i];
  const routine_step *s = &r->steps[i];
  int64_t for_ms = s->for_ms == ROUTINE_FOR_LENGTH ? r->max_length_ms : s->for_ms;
  int64_t ms = 0, children = 0;
  for(int c = 0; c < s->n_children; c++)
    children = capped_add(children, step_estimate(r, s->children[c], memo));
  switch(s->kind) {
  case STEP_SAY: ms = s->after_ms; break;
  case STEP_HOLD:
  case STEP_PAUSE:
  case STEP_WAIT: ms = for_ms; break;
  case STEP_BREATHE: {
    int64_t cycle = breath_pattern_cycle_ms(&s->pattern);
    if(cycle <= 0)
      break;
    int64_t cycles = s->breaths > 0 ? s->breaths : for_ms / cycle;
    ms = capped_mul(cycle, cycles < 1 ? 1 : cycles);
    break;
  }
  case STEP_CHIME: break;
  case STEP_SIDES: ms = capped_mul(children, s->n_sides); break;
  case STEP_REPEAT: ms = capped_mul(children, s->times); break;
  }
  memo[i] = ms > ESTIMATE_CAP ? ESTIMATE_CAP : ms;
  return memo[i];
}

static void check_session(loader *ld, const routine *r, int64_t *memo)
{
  int64_t total = 0;
  for(int i = 0; i < r->n_sequence; i++)
    total = capped_add(total, step_estimate(r, r->sequence[i], memo));
  if(total <= ROUTINE_SESSION_MAX_MS)
    return;
  char max_s[32], total_s[32];
  duration_format(ROUTINE_SESSION_MAX_MS, max_s, sizeof(max_s));
  duration_format(total, total_s, sizeof(total_s));
  if(total >= ESTIMATE_CAP)
    coach_diag_add(ld->diag, ld->routine_section.line,
                   "the whole session would last far more than %s (shorten steps or use fewer "
                   "repeats; at most %s)",
                   max_s, max_s);
  else
    coach_diag_add(ld->diag, ld->routine_section.line,
                   "the whole session would last at least %s (shorten steps or use fewer "
                   "repeats; at most %s)",
                   total_s, max_s);
}

static void mark_used(const routine *r, int i, unsigned char *used)
{
  if(used[i])
    return;
  used[i] = 1;
  for(int c = 0; c < r->steps[i].n_children; c++)
    mark_used(r, r->steps[i].children[c], used);
}

static void check_graph(loader *ld, const routine *r, bool sequence_given)
{
  int n = r->n_steps;
  if(!n)
    return;
  unsigned char *colour = calloc((size_t)n, 1);
  int *path = malloc((size_t)n * sizeof(*path));
  int *depth = malloc((size_t)n * sizeof(*depth));
  int64_t *estimate = malloc((size_t)n * sizeof(*estimate));
  if(!colour || !path || !depth || !estimate) {
    ld->nomem = true;
    goto out;
  }
  graph_walk w = {.ld = ld, .r = r, .colour = colour, .path = path};
  for(int i = 0; i < n; i++)
    if(colour[i] == WHITE)
      find_cycles(&w, i, 0);

  if(!w.cyclic) {
    for(int i = 0; i < n; i++) {
      depth[i] = -1;
      estimate[i] = -1;
    }
    /* colour is reused to report each too-deep step once */
    memset(colour, 0, (size_t)n);
    for(int k = 0; k < r->n_sequence; k++) {
      int i = r->sequence[k];
      int d = block_depth(r, i, depth);
      if(d > ROUTINE_NEST_MAX && !colour[i]) {
        coach_diag_add(ld->diag, r->steps[i].line,
                       "step \"%.*s\" nests blocks %d deep (blocks nest at most %d deep; "
                       "flatten them)",
                       ECHO, r->steps[i].name, d, ROUTINE_NEST_MAX);
        colour[i] = 1;
      }
    }
    check_session(ld, r, estimate);
  }

  if(sequence_given) {
    memset(colour, 0, (size_t)n);
    for(int k = 0; k < r->n_sequence; k++)
      mark_used(r, r->sequence[k], colour);
    for(int i = 0; i < n; i++)
      if(!colour[i])
        coach_diag_add(ld->diag, r->steps[i].line,
                       "step \"%.*s\" is not used (name it in a steps list, or remove it)",
                       ECHO, r->steps[i].name);
  }
out:
  free(colour);
  free(path);
  free(depth);
  free(estimate);
}

/* ---- the whole load ------------------------------------------------------------------- */

static void step_defaults(routine_step *s)
{
  s->after_ms = 1000;
  s->count = 5;
  s->guide = 3;
}

/* Passes 2 and 3 over what the parser collected. Returns the routine, NULL on no memory. */
static routine *interpret(loader *ld, const char *name, const char *display_path)
{
  routine *r = calloc(1, sizeof(*r));
  int *for_lines = calloc((size_t)ld->n_steps + 1, sizeof(*for_lines));
  if(!r || !for_lines) {
    free(r);
    free(for_lines);
    ld->nomem = true;
    return NULL;
  }
  r->voice.rate = r->voice.pitch = r->voice.volume = -1;
  r->name = dup_text(ld, name);
  if(display_path)
    r->path = dup_text(ld, display_path);
  if(ld->n_steps) {
    r->steps = calloc((size_t)ld->n_steps, sizeof(*r->steps));
    if(!r->steps)
      ld->nomem = true;
  }
  for(int i = 0; r->steps && i < ld->n_steps; i++) {
    r->steps[i].name = dup_text(ld, ld->steps[i].name);
    r->steps[i].line = ld->steps[i].line;
    step_defaults(&r->steps[i]);
    r->n_steps++;
  }
  r->language = dup_text(ld, "en");
  if(ld->nomem)
    goto done;

  /* The routine first: its language gives the cue words the steps' defaults come from. */
  length_keys lk = {0};
  if(!ld->have_routine)
    coach_diag_add(ld->diag, 0,
                   "no [routine] section (add [routine] with title, summary and steps)");
  else
    build_routine(ld, r, &lk);
  build_cues(ld, r);
  if(ld->nomem)
    goto done;
  for(int i = 0; i < r->n_steps; i++)
    build_step(ld, r, i, &for_lines[i]);

  if(!ld->n_steps)
    coach_diag_add(ld->diag, ld->have_routine ? ld->routine_section.line : 0,
                   "the routine has no steps (add [step NAME] sections and name them in "
                   "steps)");
  check_length(ld, r, &lk, for_lines);
  check_graph(ld, r, r->sequence != NULL);
done:
  free(for_lines);
  return r;
}

static coach_rc load_text(const char *data, size_t len, const char *name,
                          const char *display_path, routine **out, coach_diag *diag)
{
  if(!routine_name_valid(name))
    coach_diag_add(diag, 0,
                   "\"%.*s\" is not a valid routine name (name the file with 1-%d characters "
                   "of a-z 0-9 _ -, e.g. my-stretch.ini)",
                   ECHO, name ? name : "", ROUTINE_NAME_MAX);
  if(len > ROUTINE_FILE_MAX_BYTES) {
    coach_diag_add(diag, 0, "the file is %zu bytes, more than %d KiB (split the routine)", len,
                   ROUTINE_FILE_MAX_BYTES / 1024);
    return COACH_E_INVALID;
  }

  loader *ld = calloc(1, sizeof(*ld));
  raw_section *steps = calloc(ROUTINE_STEPS_MAX, sizeof(*steps));
  if(!ld || !steps) {
    free(ld);
    free(steps);
    coach_diag_add(diag, 0, "out of memory");
    return COACH_E_NOMEM;
  }
  ld->steps = steps;
  ld->diag = diag;
  read_lines(ld, data, len);

  routine *r = NULL;
  if(!ld->nomem)
    r = interpret(ld, name ? name : "", display_path);

  coach_rc rc = COACH_OK;
  if(ld->nomem) {
    coach_diag_add(diag, 0, "out of memory");
    rc = COACH_E_NOMEM;
  }
  else if(diag->count)
    rc = COACH_E_INVALID;
  if(rc)
    routine_free(r);
  else
    *out = r;

  free_section(&ld->routine_section);
  free_section(&ld->cues_section);
  for(int i = 0; i < ld->n_steps; i++)
    free_section(&ld->steps[i]);
  free(steps);
  free(ld);
  return rc;
}

coach_rc routine_load_buffer(const char *data, size_t len, const char *name,
                             const char *display_path, routine **out, coach_diag *diag)
{
  coach_diag local;
  if(!diag)
    diag = &local;
  coach_diag_init(diag, display_path ? display_path : name);
  return load_text(data ? data : "", data ? len : 0, name, display_path, out, diag);
}

/* The file's stem: "rest" for ".../rest.ini". */
static void path_stem(const char *path, char *stem, size_t len)
{
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  if(n >= len)
    n = len - 1;
  memcpy(stem, base, n);
  stem[n] = '\0';
}

coach_rc routine_load(const char *path, routine **out, coach_diag *diag)
{
  coach_diag local;
  if(!diag)
    diag = &local;
  coach_diag_init(diag, path);
  if(!path) {
    coach_diag_add(diag, 0, "no file given");
    return COACH_E_IO;
  }
  char *data;
  size_t len;
  coach_rc rc = text_file_read(path, ROUTINE_FILE_MAX_BYTES, "a routine .ini file", &data, &len,
                               diag);
  if(rc)
    return rc == COACH_E_NOTFOUND ? COACH_E_IO : rc;
  char stem[256];
  path_stem(path, stem, sizeof(stem));
  rc = load_text(data, len, stem, path, out, diag);
  free(data);
  return rc;
}

static void free_strings(char **list, int n)
{
  for(int i = 0; i < n; i++)
    free(list[i]);
  free(list);
}

routine *routine_hold(const routine *r)
{
  routine *mut = (routine *)r; /* only the count changes: the routine stays read-only */
  __atomic_add_fetch(&mut->holds, 1, __ATOMIC_RELAXED);
  return mut;
}

void routine_free(routine *r)
{
  if(!r)
    return;
  /* Acquire-release: the last owner sees every other owner's reads finished. */
  if(__atomic_fetch_sub(&r->holds, 1, __ATOMIC_ACQ_REL) > 0)
    return;
  for(int i = 0; i < r->n_steps; i++) {
    routine_step *s = &r->steps[i];
    free(s->name);
    free(s->text);
    free(s->halfway);
    free_strings(s->reminders, s->n_reminders);
    free(s->remind_on_in);
    free(s->children);
    free_strings(s->sides, s->n_sides);
  }
  free(r->steps);
  free(r->sequence);
  free(r->name);
  free(r->path);
  free(r->title);
  free(r->summary);
  free(r->language);
  cues_free(&r->cues);
  free(r);
}

coach_rc routine_choose_length(const routine *r, const char *text, int64_t *length_ms,
                               char *why, size_t why_len)
{
  char scratch[8];
  if(!why || !why_len) {
    why = scratch;
    why_len = sizeof(scratch);
  }
  if(!r->has_length) {
    if(text) {
      snprintf(why, why_len, "routine %s has a fixed length (start it without a length)",
               r->name);
      return COACH_E_INVALID;
    }
    *length_ms = 0;
    return COACH_OK;
  }
  if(!text) {
    *length_ms = r->length_ms;
    return COACH_OK;
  }
  int64_t ms;
  coach_rc rc = duration_parse(text, &ms, why, why_len);
  if(rc)
    return rc;
  if(ms < r->min_length_ms || ms > r->max_length_ms) {
    char want[32], lo[32], hi[32];
    duration_format(ms, want, sizeof(want));
    duration_format(r->min_length_ms, lo, sizeof(lo));
    duration_format(r->max_length_ms, hi, sizeof(hi));
    snprintf(why, why_len, "%s is outside %s's range of %s to %s", want, r->name, lo, hi);
    return COACH_E_INVALID;
  }
  *length_ms = ms;
  return COACH_OK;
}

/* Advice on one text: each sentence of more than ROUTINE_SENTENCE_WORDS words. */
static void advise_text(coach_diag *advice, int line, const char *where, const char *text)
{
  size_t pos = 0, start, len;
  while(text && sentence_next(text, &pos, &start, &len)) {
    int words = sentence_words(text + start, len);
    if(words > ROUTINE_SENTENCE_WORDS)
      coach_diag_add(advice, line,
                     "%s: a sentence of %d words (\"%.*s...\"; split it: sentences of at most "
                     "%d words are easier to follow lying down)",
                     where, words, len < 40 ? (int)len : 40, text + start,
                     ROUTINE_SENTENCE_WORDS);
  }
}

int routine_advice(const routine *r, coach_diag *advice)
{
  coach_diag_init(advice, r->path ? r->path : r->name);
  for(int i = 0; i < r->n_steps; i++) {
    const routine_step *s = &r->steps[i];
    char where[ROUTINE_NAME_MAX + 16];
    snprintf(where, sizeof(where), "step \"%s\"", s->name);
    advise_text(advice, s->line, where, s->text);
    advise_text(advice, s->line, where, s->halfway);
    for(int k = 0; k < s->n_reminders; k++)
      advise_text(advice, s->line, where, s->reminders[k]);
  }
  advise_text(advice, 0, "cue words", r->cues.switch_sides);
  advise_text(advice, 0, "cue words", r->cues.halfway);
  return advice->count;
}

const char *step_kind_name(step_kind k)
{
  if((int)k < 0 || (int)k >= N_KINDS)
    return "unknown";
  return kind_names[k];
}
