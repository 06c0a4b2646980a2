/* The checked list of facts: every routine line that tests/data/facts.ini says carries a
 * fact of the reference texts is still in its routine, every length range it names is still
 * the routine's, and every routine listed as ending with a line ends with it. The list is
 * read through the routines' own line reader (ini_line.h). */
#include "check.h"
#include "duration.h"
#include "ini_line.h"
#include "routine.h"

#define LOADED_MAX 32

static routine *loaded[LOADED_MAX];
static int n_loaded;
static char routines_dir[2048];

static const routine *routine_named(const char *name)
{
  for(int i = 0; i < n_loaded; i++)
    if(!strcmp(loaded[i]->name, name))
      return loaded[i];
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s.ini", routines_dir, name);
  routine *r = NULL;
  coach_diag d;
  CHECKF(routine_load(path, &r, &d) == COACH_OK, "%s does not load", path);
  if(!r || n_loaded == LOADED_MAX) {
    routine_free(r);
    return NULL;
  }
  loaded[n_loaded++] = r;
  return r;
}

static const routine_step *step_named(const routine *r, const char *name)
{
  for(int i = 0; i < r->n_steps; i++)
    if(!strcmp(r->steps[i].name, name))
      return &r->steps[i];
  return NULL;
}

/* Does the step say phrase, in any text it has? */
static bool says(const routine_step *s, const char *phrase)
{
  if((s->text && strstr(s->text, phrase)) || (s->halfway && strstr(s->halfway, phrase)))
    return true;
  for(int i = 0; i < s->n_reminders; i++)
    if(strstr(s->reminders[i], phrase))
      return true;
  return false;
}

/* "ROUTINE STEP: PHRASE"; ends: STEP must also be the routine's last. */
static void check_said(const char *fact, int line, const char *value, bool ends)
{
  char routine_name[64], step[64];
  int used = 0;
  if(sscanf(value, "%63s %63[^:]: %n", routine_name, step, &used) != 2 || !used) {
    CHECKF(false, "facts.ini:%d: \"%s\" is not ROUTINE STEP: PHRASE", line, value);
    return;
  }
  const char *phrase = value + used;
  const routine *r = routine_named(routine_name);
  if(!r)
    return;
  const routine_step *s = step_named(r, step);
  CHECKF(s != NULL, "facts.ini:%d: %s: %s has no step %s", line, fact, routine_name, step);
  if(!s)
    return;
  CHECKF(says(s, phrase), "facts.ini:%d: %s: step %s of %s no longer says \"%s\"", line, fact,
         step, routine_name, phrase);
  if(ends)
    CHECKF(r->n_sequence > 0 && &r->steps[r->sequence[r->n_sequence - 1]] == s,
           "facts.ini:%d: %s: %s does not end with step %s", line, fact, routine_name, step);
}

/* "ROUTINE MIN MAX" */
static void check_range(const char *fact, int line, const char *value)
{
  char routine_name[64], min_s[32], max_s[32];
  int64_t min_ms = -1, max_ms = -1;
  CHECKF(sscanf(value, "%63s %31s %31s", routine_name, min_s, max_s) == 3 &&
             duration_parse(min_s, &min_ms, NULL, 0) == COACH_OK &&
             duration_parse(max_s, &max_ms, NULL, 0) == COACH_OK,
         "facts.ini:%d: \"%s\" is not ROUTINE MIN MAX", line, value);
  const routine *r = min_ms >= 0 && max_ms >= 0 ? routine_named(routine_name) : NULL;
  if(r)
    CHECKF(r->has_length && r->min_length_ms == min_ms && r->max_length_ms == max_ms,
           "facts.ini:%d: %s: %s no longer ranges from %s to %s", line, fact, routine_name,
           min_s, max_s);
}

int main(void)
{
  const char *src = getenv("COACH_SOURCE_DIR"), *data = getenv("COACH_TEST_DATA");
  snprintf(routines_dir, sizeof(routines_dir), "%s/config/routines", src ? src : ".");
  char path[4096];
  snprintf(path, sizeof(path), "%s/facts.ini", data ? data : "tests/data");
  FILE *f = fopen(path, "rb");
  CHECKF(f != NULL, "cannot open %s", path);
  if(!f)
    return check_done();
  static char text[256 * 1024];
  size_t len = fread(text, 1, sizeof(text), f);
  fclose(f);

  ini_reader reader;
  ini_line ln;
  char fact[INI_LINE_MAX + 1] = "";
  int facts = 0, lines = 0, checks_in_fact = 0, fact_line = 0;
  ini_reader_init(&reader, text, len);
  while(ini_reader_next(&reader, &ln)) {
    CHECKF(ln.kind != INI_LINE_REFUSED && ln.kind != INI_LINE_MALFORMED, "facts.ini:%d: %s",
           ln.number, ln.text);
    if(ln.kind == INI_LINE_SECTION) {
      CHECKF(!facts || checks_in_fact > 0, "facts.ini:%d: fact %s names no line", fact_line,
             fact);
      CHECKF(!strncmp(ln.name, "fact ", 5), "facts.ini:%d: [%s] is not [fact NAME]", ln.number,
             ln.name);
      snprintf(fact, sizeof(fact), "%s", ln.name + 5);
      fact_line = ln.number;
      checks_in_fact = 0;
      facts++;
      continue;
    }
    if(ln.kind != INI_LINE_KEY)
      continue;
    if(!strcmp(ln.name, "said") || !strcmp(ln.name, "ends")) {
      check_said(fact, ln.number, ln.value, !strcmp(ln.name, "ends"));
      checks_in_fact++;
      lines++;
    }
    else if(!strcmp(ln.name, "range")) {
      check_range(fact, ln.number, ln.value);
      checks_in_fact++;
    }
    else
      CHECKF(!strcmp(ln.name, "source") || !strcmp(ln.name, "fact") || !strcmp(ln.name, "note"),
             "facts.ini:%d: unknown key %s", ln.number, ln.name);
  }
  CHECKF(checks_in_fact > 0, "facts.ini:%d: fact %s names no line", fact_line, fact);
  CHECKF(facts >= 30, "only %d facts", facts);
  printf("%d facts, %d routine lines checked in %d routines\n", facts, lines, n_loaded);
  for(int i = 0; i < n_loaded; i++)
    routine_free(loaded[i]);
  return check_done();
}
