/* Loading good routine files: the docs example, every kind of step, defaults, continuation
 * lines, nesting, the step limit, and choosing a session length. Bad files are in
 * test_bad_routines.c. */
#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "ini_line.h"
#include "routine.h"

/* The example from config/ROUTINES.md, byte for byte. */
static const char kneel[] =
  "; A short stretch, held once per side.\n"
  "[routine]\n"
  "title   = Kneeling hip flexor stretch\n"
  "summary = A half-kneeling stretch for the front of the hip, held on each side.\n"
  "steps   = setup, each-side, close\n"
  "length  = 30s        ; how long each hold lasts unless you say otherwise\n"
  "min_length = 30s\n"
  "max_length = 60s\n"
  "rate    = 140        ; words per minute\n"
  "\n"
  "[step setup]\n"
  "do   = say\n"
  "text = Kneel on a cushion with one knee down\n"
  "       and the other foot in front of you.\n"
  "\n"
  "[step each-side]\n"
  "do     = sides\n"
  "steps  = position, hold\n"
  "switch = Gently come out of the stretch. Now change to the other side.\n"
  "\n"
  "[step position]\n"
  "do   = say\n"
  "text = Your {side} knee is on the cushion.\n"
  "\n"
  "[step hold]\n"
  "do      = hold\n"
  "for     = length\n"
  "text    = Hold the stretch here.\n"
  "\n"
  "[step close]\n"
  "do   = say\n"
  "text = That is the end of the stretch.\n";

static routine *load_ok(const char *text, size_t len, const char *name)
{
  routine *r = NULL;
  coach_diag d;
  coach_rc rc = routine_load_buffer(text, len, name, name, &r, &d);
  CHECKF(rc == COACH_OK && r, "%s: %s", name, coach_rc_str(rc));
  for(int i = 0; i < d.count && i < COACH_DIAG_MAX; i++) {
    char line[COACH_DIAG_MSG + 300];
    coach_diag_format(&d, i, line, sizeof(line));
    fprintf(stderr, "  %s\n", line);
  }
  return rc == COACH_OK ? r : NULL;
}

static int step_index(const routine *r, const char *name)
{
  for(int i = 0; i < r->n_steps; i++)
    if(!strcmp(r->steps[i].name, name))
      return i;
  return -1;
}

static const routine_step *step(const routine *r, const char *name)
{
  int i = step_index(r, name);
  CHECKF(i >= 0, "no step %s", name);
  return i >= 0 ? &r->steps[i] : NULL;
}

static void check_kneel(const routine *r)
{
  CHECK(!strcmp(r->name, "kneel"));
  CHECK(!strcmp(r->title, "Kneeling hip flexor stretch"));
  CHECK(!strcmp(r->summary,
                "A half-kneeling stretch for the front of the hip, held on each side."));
  CHECK(r->has_length);
  CHECK(r->length_ms == 30000 && r->min_length_ms == 30000 && r->max_length_ms == 60000);
  CHECK(r->voice.rate == 140 && r->voice.pitch == -1 && r->voice.volume == -1);
  CHECK(r->voice.name[0] == '\0');
  CHECK(r->n_steps == 5);
  CHECK(r->n_sequence == 3);
  if(r->n_sequence == 3) {
    CHECK(r->sequence[0] == step_index(r, "setup"));
    CHECK(r->sequence[1] == step_index(r, "each-side"));
    CHECK(r->sequence[2] == step_index(r, "close"));
  }
  const routine_step *s = step(r, "setup");
  if(s) {
    CHECK(s->kind == STEP_SAY);
    CHECKF(!strcmp(s->text,
                   "Kneel on a cushion with one knee down and the other foot in front of you."),
           "joined text: %s", s->text);
    CHECK(s->after_ms == 1000);
    CHECK(s->line == 11);
  }
  s = step(r, "each-side");
  if(s) {
    CHECK(s->kind == STEP_SIDES);
    CHECK(!strcmp(s->text, "Gently come out of the stretch. Now change to the other side."));
    CHECK(s->n_children == 2 && s->children[0] == step_index(r, "position") &&
          s->children[1] == step_index(r, "hold"));
    CHECK(s->n_sides == 2 && !strcmp(s->sides[0], "left") && !strcmp(s->sides[1], "right"));
  }
  s = step(r, "hold");
  if(s) {
    CHECK(s->kind == STEP_HOLD);
    CHECK(s->for_ms == ROUTINE_FOR_LENGTH);
    CHECK(!strcmp(s->text, "Hold the stretch here."));
    CHECK(s->halfway && !strcmp(s->halfway, "Halfway."));
    CHECK(s->count == 5);
  }
  s = step(r, "position");
  if(s)
    CHECK(!strcmp(s->text, "Your {side} knee is on the cushion."));
}

static void docs_example(void)
{
  routine *r = load_ok(kneel, sizeof(kneel) - 1, "kneel");
  if(r)
    check_kneel(r);
  routine_free(r);

  /* The copy above must stay the one the docs show: load the docs' own first ini block. */
  const char *src = getenv("COACH_SOURCE_DIR");
  if(!src)
    return;
  char path[4096];
  snprintf(path, sizeof(path), "%s/config/ROUTINES.md", src);
  FILE *f = fopen(path, "rb");
  CHECKF(f != NULL, "cannot read %s", path);
  if(!f)
    return;
  static char doc[64 * 1024];
  size_t n = fread(doc, 1, sizeof(doc) - 1, f);
  fclose(f);
  doc[n] = '\0';
  char *start = strstr(doc, "```ini\n");
  char *end = start ? strstr(start + 7, "```") : NULL;
  CHECK(start && end);
  if(!start || !end)
    return;
  start += 7;
  r = load_ok(start, (size_t)(end - start), "kneel");
  if(r)
    check_kneel(r);
  routine_free(r);
}

static const char everything[] =
  "[routine]\n"
  "title = Everything\n"
  "summary = Every kind of step,\n"
  "  nested.   ; this comment is not part of the summary\n"
  "steps = intro, rounds, rest, breathing, bell\n"
  "voice = en-gb\n"
  "rate = 80\n"
  "pitch = 0\n"
  "volume = 200\n"
  "\n"
  "[step intro]\n"
  "do = say\n"
  "text = Welcome;   no comment without a space\n"
  "after = 2s500ms\n"
  "\n"
  "[step rounds]\n"
  "do = repeat\n"
  "times = 3\n"
  "steps = sides-block,\n"
  "        breath\n"
  "text = Round {n} of {times}.\n"
  "\n"
  "[step sides-block]\n"
  "do = sides\n"
  "sides = front, back,\n"
  "  middle\n"
  "steps = lift, lift\n"
  "\n"
  "[step lift]\n"
  "do = hold\n"
  "for = 5s\n"
  "text = Lift the {side} leg.\n"
  "halfway = none\n"
  "count = 0\n"
  "\n"
  "[step breath]\n"
  "do = breathe\n"
  "pattern = 4.5-0-5.5-1\n"
  "breaths = 2\n"
  "guide = 0\n"
  "\n"
  "[step rest]\n"
  "do = pause\n"
  "for = 1m30s\n"
  "\n"
  "# a hash comment\n"
  "[step breathing]\n"
  "do = breathe\n"
  "pattern = 4-0-6-0\n"
  "for = 20m\n"
  "remind = 3m\n"
  "reminder = Let the breath\n"
  "\n"
  "   be slow.\n"
  "reminder = Soften the jaw.\n"
  "guide = 5\n"
  "\n"
  "[step bell]\n"
  "do = chime\n";

static void every_kind(void)
{
  routine *r = load_ok(everything, sizeof(everything) - 1, "everything");
  if(!r)
    return;
  CHECK(!strcmp(r->summary, "Every kind of step, nested."));
  CHECK(!strcmp(r->voice.name, "en-gb"));
  CHECK(r->voice.rate == 80 && r->voice.pitch == 0 && r->voice.volume == 200);
  CHECK(!r->has_length);
  const routine_step *s = step(r, "intro");
  if(s) {
    CHECK(!strcmp(s->text, "Welcome;   no comment without a space"));
    CHECK(s->after_ms == 2500);
  }
  s = step(r, "rounds");
  if(s) {
    CHECK(s->kind == STEP_REPEAT && s->times == 3);
    CHECK(s->n_children == 2 && s->children[0] == step_index(r, "sides-block") &&
          s->children[1] == step_index(r, "breath"));
    CHECK(s->text && !strcmp(s->text, "Round {n} of {times}."));
  }
  s = step(r, "sides-block");
  if(s) {
    CHECK(s->kind == STEP_SIDES);
    CHECK(s->n_sides == 3 && !strcmp(s->sides[0], "front") && !strcmp(s->sides[1], "back") &&
          !strcmp(s->sides[2], "middle"));
    CHECK(!strcmp(s->text, "Now switch sides."));
    CHECK(s->n_children == 2 && s->children[0] == s->children[1]);
  }
  s = step(r, "lift");
  if(s) {
    CHECK(s->for_ms == 5000 && s->halfway == NULL && s->count == 0);
  }
  s = step(r, "breath");
  if(s) {
    CHECK(s->kind == STEP_BREATHE && s->breaths == 2 && s->for_ms == 0 && s->guide == 0);
    CHECK(s->pattern.in_ms == 4500 && s->pattern.hold_in_ms == 0 && s->pattern.out_ms == 5500 &&
          s->pattern.hold_out_ms == 1000);
  }
  s = step(r, "rest");
  if(s)
    CHECK(s->kind == STEP_PAUSE && s->for_ms == 90000);
  s = step(r, "breathing");
  if(s) {
    CHECK(s->for_ms == 20 * 60000 && s->breaths == 0 && s->guide == 5);
    CHECK(s->remind_ms == 3 * 60000);
    CHECK(s->n_reminders == 2);
    if(s->n_reminders == 2) {
      CHECKF(!strcmp(s->reminders[0], "Let the breath be slow."), "%s", s->reminders[0]);
      CHECK(!strcmp(s->reminders[1], "Soften the jaw."));
    }
  }
  s = step(r, "bell");
  if(s)
    CHECK(s->kind == STEP_CHIME);
  routine_free(r);
}

/* A repeat with no text keeps it NULL; a hold's defaults; CRLF line ends and a BOM. */
static void defaults_and_line_ends(void)
{
  static const char text[] = "\xEF\xBB\xBF[routine]\r\n"
                             "title = T\r\n"
                             "summary = S.\r\n"
                             "steps = again\r\n"
                             "\r\n"
                             "[step again]\r\n"
                             "do = repeat\r\n"
                             "times = 2\r\n"
                             "steps = h\r\n"
                             "[step h]\r\n"
                             "do = hold\r\n"
                             "for = 2h\r\n"
                             "text = Hold.\r\n";
  routine *r = load_ok(text, sizeof(text) - 1, "crlf");
  if(!r)
    return;
  const routine_step *s = step(r, "again");
  if(s)
    CHECK(s->text == NULL && s->times == 2);
  s = step(r, "h");
  if(s) {
    CHECK(!strcmp(s->text, "Hold."));
    CHECK(s->for_ms == DURATION_MAX_MS); /* 2 x 2h is exactly the 4h a session may last */
    CHECK(!strcmp(s->halfway, "Halfway.") && s->count == 5);
    CHECK(s->line == 10);
  }
  routine_free(r);
}

/* Blocks four deep are allowed; a 190-byte line is allowed. */
static void limits_that_pass(void)
{
  char text[4096];
  size_t len = (size_t)snprintf(text, sizeof(text),
                                "[routine]\ntitle = T\nsummary = S.\nsteps = b1\n\n");
  for(int i = 1; i <= ROUTINE_NEST_MAX; i++)
    len += (size_t)snprintf(text + len, sizeof(text) - len, "[step b%d]\n%s\nsteps = b%d\n", i,
                            i % 2 ? "do = repeat\ntimes = 2" : "do = sides", i + 1);
  len += (size_t)snprintf(text + len, sizeof(text) - len, "[step b5]\ndo = say\ntext = ");
  /* "text = " is 7 bytes: pad to a line of exactly INI_LINE_MAX bytes */
  for(int i = 7; i < INI_LINE_MAX; i++)
    text[len++] = 'a';
  text[len++] = '\n';
  text[len] = '\0';
  routine *r = load_ok(text, len, "deep");
  if(r) {
    const routine_step *s = step(r, "b5");
    CHECK(s && strlen(s->text) == INI_LINE_MAX - 7);
  }
  routine_free(r);
}

/* Exactly ROUTINE_STEPS_MAX steps load; long steps lists wrap onto continuation lines. */
static void all_the_steps(void)
{
  size_t cap = 128 * 1024, len = 0;
  char *text = malloc(cap);
  CHECK(text != NULL);
  if(!text)
    return;
  const int blocks = 8, per_block = (ROUTINE_STEPS_MAX - blocks) / blocks;
  CHECK(blocks + blocks * per_block == ROUTINE_STEPS_MAX);
  len += (size_t)snprintf(text + len, cap - len, "[routine]\ntitle = T\nsummary = S.\nsteps =");
  for(int b = 0; b < blocks; b++)
    len += (size_t)snprintf(text + len, cap - len, "%s block%d", b ? "," : "", b);
  len += (size_t)snprintf(text + len, cap - len, "\n");
  for(int b = 0; b < blocks; b++) {
    len += (size_t)snprintf(text + len, cap - len, "[step block%d]\ndo = repeat\ntimes = 2\n"
                            "steps =", b);
    for(int k = 0; k < per_block; k++)
      len += (size_t)snprintf(text + len, cap - len, "%s%s s%d", k ? "," : "",
                              k && k % 10 == 0 ? "\n   " : "", b * per_block + k);
    len += (size_t)snprintf(text + len, cap - len, "\n");
  }
  for(int i = 0; i < blocks * per_block; i++)
    len += (size_t)snprintf(text + len, cap - len, "[step s%d]\ndo = say\ntext = %d.\n", i, i);
  routine *r = load_ok(text, len, "many");
  if(r) {
    CHECK(r->n_steps == ROUTINE_STEPS_MAX);
    const routine_step *s = step(r, "block7");
    CHECK(s && s->n_children == per_block);
  }
  routine_free(r);
  free(text);
}

static void choose_length(void)
{
  routine *r = load_ok(kneel, sizeof(kneel) - 1, "kneel");
  if(!r)
    return;
  int64_t ms = -1;
  char why[200] = "";
  CHECK(routine_choose_length(r, NULL, &ms, why, sizeof(why)) == COACH_OK && ms == 30000);
  CHECK(routine_choose_length(r, "45s", &ms, why, sizeof(why)) == COACH_OK && ms == 45000);
  CHECK(routine_choose_length(r, "1m", &ms, why, sizeof(why)) == COACH_OK && ms == 60000);
  CHECK(routine_choose_length(r, "30s", &ms, why, sizeof(why)) == COACH_OK && ms == 30000);
  ms = -1;
  CHECK(routine_choose_length(r, "90s", &ms, why, sizeof(why)) == COACH_E_INVALID && ms == -1);
  CHECKF(!strcmp(why, "1m30s is outside kneel's range of 30s to 1m"), "why: %s", why);
  CHECK(routine_choose_length(r, "29s999ms", &ms, why, sizeof(why)) == COACH_E_INVALID);
  CHECKF(strstr(why, "29s999ms is outside"), "why: %s", why);
  CHECK(routine_choose_length(r, "45", &ms, why, sizeof(why)) == COACH_E_INVALID);
  CHECKF(strstr(why, "has no unit"), "why: %s", why);
  CHECK(routine_choose_length(r, "soon", &ms, NULL, 0) == COACH_E_INVALID && ms == -1);
  routine_free(r);

  r = load_ok(everything, sizeof(everything) - 1, "everything");
  if(!r)
    return;
  ms = -1;
  CHECK(routine_choose_length(r, NULL, &ms, why, sizeof(why)) == COACH_OK && ms == 0);
  CHECK(routine_choose_length(r, "5m", &ms, why, sizeof(why)) == COACH_E_INVALID);
  CHECKF(strstr(why, "routine everything has a fixed length"), "why: %s", why);
  routine_free(r);
}

/* From a real file: the name is the file's stem and the path is kept. */
static void from_file(void)
{
  const char *env_tmp = getenv("COACH_TEST_TMP");
  char dir[4096], path[4200];
  snprintf(dir, sizeof(dir), "%s/routine.XXXXXX", env_tmp ? env_tmp : "/tmp");
  if(env_tmp)
    mkdir(env_tmp, 0700);
  CHECKF(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
  snprintf(path, sizeof(path), "%s/kneel.ini", dir);
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if(!f)
    return;
  fwrite(kneel, 1, sizeof(kneel) - 1, f);
  fclose(f);
  routine *r = NULL;
  coach_diag d;
  CHECK(routine_load(path, &r, &d) == COACH_OK && r);
  CHECK(d.count == 0);
  if(r) {
    check_kneel(r);
    CHECK(r->path && !strcmp(r->path, path));
  }
  routine_free(r);
  unlink(path);
  rmdir(dir);
}

/* The voice rule is the one of coach.ini and speech (voice_name.h): gmw/en-US passes in
 * both, -odd in neither. */
static void voices(void)
{
  static const char good[] = "[routine]\ntitle = T\nsummary = S.\nsteps = a\n"
                             "voice = gmw/en-US\n[step a]\ndo = say\ntext = Hi.\n";
  routine *r = load_ok(good, sizeof(good) - 1, "voices");
  CHECK(r && !strcmp(r->voice.name, "gmw/en-US"));
  routine_free(r);
  static const char bad[] = "[routine]\ntitle = T\nsummary = S.\nsteps = a\n"
                            "voice = -odd\n[step a]\ndo = say\ntext = Hi.\n";
  r = NULL;
  coach_diag d;
  CHECK(routine_load_buffer(bad, sizeof(bad) - 1, "odd", "odd", &r, &d) == COACH_E_INVALID);
  CHECK(!r && d.count == 1 && d.entries[0].line == 5 &&
        strstr(d.entries[0].message, "\"-odd\" is not a voice name"));
}

/* A routine that refuses to load, with a diagnostic at line containing text. */
static void load_bad(const char *text, int line, const char *want)
{
  routine *r = NULL;
  coach_diag d;
  coach_rc rc = routine_load_buffer(text, strlen(text), "bad", "bad", &r, &d);
  bool found = false;
  for(int i = 0; i < d.count && i < COACH_DIAG_MAX; i++)
    found |= d.entries[i].line == line && strstr(d.entries[i].message, want) != NULL;
  CHECKF(rc == COACH_E_INVALID && !r && found, "no \"%s\" at line %d", want, line);
  if(!found)
    for(int i = 0; i < d.count && i < COACH_DIAG_MAX; i++)
      fprintf(stderr, "  %d: %s\n", d.entries[i].line, d.entries[i].message);
}

/* do = wait, the language and [cues]: the cue words come from the routine, else from its
 * language's table, never from code. */
static void waits_and_cues(void)
{
  static const char wait[] = "[routine]\ntitle = T\nsummary = S.\nsteps = a, b\n"
                             "[step a]\ndo = wait\ntext = Fetch a ball.\n"
                             "[step b]\ndo = wait\ntext = Kneel.\nfor = 40s\n";
  routine *r = load_ok(wait, sizeof(wait) - 1, "wait");
  if(r) {
    CHECK(r->steps[0].kind == STEP_WAIT && r->steps[0].for_ms == ROUTINE_WAIT_DEFAULT_MS);
    CHECK(r->steps[1].for_ms == 40000 && !strcmp(r->steps[1].text, "Kneel."));
    CHECK(!strcmp(step_kind_name(STEP_WAIT), "wait"));
    /* English unless the file says, with the English table's words */
    CHECK(!strcmp(r->language, "en") && !strcmp(r->cues.halfway, "Halfway.") &&
          !strcmp(r->cues.count[4], "Five.") && r->cues.n_sides == 2);
  }
  routine_free(r);

  static const char german[] =
      "[routine]\ntitle = T\nsummary = S.\nsteps = each\nlanguage = de\n"
      "[step each]\ndo = sides\nsteps = hold\n"
      "[step hold]\ndo = hold\nfor = 30s\ntext = Halten.\n";
  r = load_ok(german, sizeof(german) - 1, "german");
  if(r) {
    CHECK(!strcmp(r->steps[1].halfway, r->cues.halfway) && strcmp(r->cues.halfway, "Halfway."));
    CHECK(!strcmp(r->steps[0].sides[0], r->cues.sides[0]) &&
          !strcmp(r->steps[0].text, r->cues.switch_sides));
  }
  routine_free(r);

  /* A language without a table needs every cue word in the routine's own [cues]. */
  static const char own[] =
      "[routine]\ntitle = T\nsummary = S.\nsteps = a\nlanguage = xx-test\n"
      "[step a]\ndo = hold\nfor = 10s\ntext = Hold.\n"
      "[cues]\nswitch = Swap.\nsides = port, starboard\nhalfway = Half.\n"
      "breathe_in = In.\nbreathe_out = Out.\ncount = A. B. C. D. E. F. G. H. I. J.\n";
  r = load_ok(own, sizeof(own) - 1, "own");
  if(r)
    CHECK(!strcmp(r->steps[0].halfway, "Half.") && !strcmp(r->cues.count[9], "J.") &&
          !strcmp(r->cues.sides[1], "starboard"));
  routine_free(r);
  load_bad("[routine]\ntitle = T\nsummary = S.\nsteps = a\nlanguage = xx-test\n"
           "[step a]\ndo = chime\n",
           0, "the cue words of language xx-test cannot be used");
  load_bad("[routine]\ntitle = T\nsummary = S.\nsteps = a\nlanguage = xx-test\n"
           "[step a]\ndo = chime\n[cues]\nhalfway = Half.\n",
           0, "the cue words of language xx-test cannot be used");
  /* Steps that take cue words for their defaults, in a language without them (fuzzing). */
  load_bad("[routine]\ntitle = T\nsummary = S.\nsteps = a\nlanguage = e\n"
           "[step a]\ndo = sides\nsteps = b\n[step b]\ndo = hold\nfor = 10s\ntext = Hold.\n",
           0, "the cue words of language e cannot be used");
  load_bad("[routine]\ntitle = T\nsummary = S.\nsteps = a\nlanguage = ../en\n"
           "[step a]\ndo = chime\n",
           5, "\"../en\" is not a language name");
  load_bad("[routine]\ntitle = T\nsummary = S.\nsteps = a\n[step a]\ndo = chime\n"
           "[cues]\ncount = One. Two.\nhalf = Half.\n",
           8, "2 sentences, not 10");
  load_bad("[routine]\ntitle = T\nsummary = S.\nsteps = a\n[step a]\ndo = chime\n"
           "[cues]\nhalf = Half.\n",
           8, "unknown key \"half\" in [cues]");
  load_bad("[routine]\ntitle = T\nsummary = S.\nsteps = a\n[step a]\ndo = wait\n", 5,
           "step \"a\" has no text");
  load_bad("[routine]\ntitle = T\nsummary = S.\nsteps = a\n[step a]\ndo = wait\n"
           "text = Hi.\nfor = length\n",
           8, "for: \"length\" is not a duration");
}

/* Advice: sentences a listener lying down finds too long. */
static void advice(void)
{
  static const char text[] =
      "[routine]\ntitle = T\nsummary = S.\nsteps = a\n"
      "[step a]\ndo = say\ntext = Short. One two three four five six seven eight nine ten "
      "eleven twelve thirteen fourteen fifteen sixteen. Short again.\n";
  routine *r = load_ok(text, sizeof(text) - 1, "advice");
  coach_diag d;
  if(r) {
    CHECK(routine_advice(r, &d) == 1 && d.entries[0].line == 5 &&
          strstr(d.entries[0].message, "a sentence of 16 words"));
  }
  routine_free(r);
}

static void names(void)
{
  CHECK(routine_name_valid("rest"));
  CHECK(routine_name_valid("a"));
  CHECK(routine_name_valid("hip-flexor_2"));
  CHECK(routine_name_valid("abcdefghijklmnopqrstuvwxyz0123456789_-abcdefghij")); /* 48 */
  CHECK(!routine_name_valid("abcdefghijklmnopqrstuvwxyz0123456789_-abcdefghijk"));
  CHECK(!routine_name_valid(""));
  CHECK(!routine_name_valid(NULL));
  CHECK(!routine_name_valid("-rest"));
  CHECK(!routine_name_valid("Rest"));
  CHECK(!routine_name_valid("../rest"));
  CHECK(!routine_name_valid(".."));
  CHECK(!routine_name_valid("my rest"));
  CHECK(!routine_name_valid("rest.ini"));
  CHECK(!routine_name_valid("r\xC3\xA9st"));

  CHECK(!strcmp(step_kind_name(STEP_SAY), "say"));
  CHECK(!strcmp(step_kind_name(STEP_HOLD), "hold"));
  CHECK(!strcmp(step_kind_name(STEP_BREATHE), "breathe"));
  CHECK(!strcmp(step_kind_name(STEP_PAUSE), "pause"));
  CHECK(!strcmp(step_kind_name(STEP_CHIME), "chime"));
  CHECK(!strcmp(step_kind_name(STEP_SIDES), "sides"));
  CHECK(!strcmp(step_kind_name(STEP_REPEAT), "repeat"));
  CHECK(!strcmp(step_kind_name((step_kind)99), "unknown"));
  routine_free(NULL);
}

int main(void)
{
  docs_example();
  every_kind();
  defaults_and_line_ends();
  limits_that_pass();
  all_the_steps();
  choose_length();
  from_file();
  voices();
  waits_and_cues();
  advice();
  names();
  return check_done();
}
