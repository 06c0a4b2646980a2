/* phrases: the shipped config/phrases.conf, every kind of mistake with its line, thresholds,
 * and the {routine} expansion. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "phrases.h"

static const protocol_command table[] = {
    {"idle", 0, PROTOCOL_ARGS_ANY, NULL}, {"pause", 0, 0, NULL}, {"resume", 0, 0, NULL},
    {"skip", 0, 0, NULL}, {"start", 1, 2, NULL}, {"stop", 0, 0, NULL}, {"volume", 0, 2, NULL},
};
#define N_TABLE (sizeof(table) / sizeof(table[0]))

static phrase_list list;
static coach_diag diag;

static coach_rc parse(const char *text)
{
  return phrases_parse(text, strlen(text), "p.conf", table, N_TABLE, &list, &diag);
}

/* The first diagnostic is on `line` and says `what`. */
static bool fails_with(const char *text, int line, const char *what)
{
  if(parse(text) != COACH_E_INVALID || diag.count < 1)
    return false;
  bool ok = diag.entries[0].line == line && strstr(diag.entries[0].message, what);
  if(!ok)
    fprintf(stderr, "  got %d: %s\n", diag.entries[0].line, diag.entries[0].message);
  return ok;
}

int main(void)
{
  char path[1024];
  snprintf(path, sizeof(path), "%s/config/phrases.conf", getenv("COACH_SOURCE_DIR"));
  CHECK(phrases_load(path, table, N_TABLE, &list, &diag) == COACH_OK);
  CHECK(list.count == 8);
  CHECK(!strcmp(list.items[0].words, "coach pause") && !strcmp(list.items[0].command, "pause"));
  CHECK(list.items[0].threshold == PHRASES_THRESHOLD_DEFAULT);

  CHECK(parse("# comment\n\n  coach   next  /-25/ =  skip  \r\ncoach louder = volume up\n") ==
        COACH_OK);
  CHECK(list.count == 2 && !strcmp(list.items[0].words, "coach next"));
  CHECK(list.items[0].threshold == -25 && list.items[0].line == 3);
  CHECK(!strcmp(list.items[1].command, "volume up"));

  CHECK(fails_with("coach pause\n", 1, "expected \"PHRASE = COMMAND\""));
  CHECK(fails_with("coach pause = pause\nhey stop = stop\n", 2, "same wake word"));
  CHECK(fails_with("coach = pause\n", 1, "1 to 5 more words"));
  CHECK(fails_with("coach Pause = pause\n", 1, "lower case"));
  CHECK(fails_with("coach pause = dance\n", 1, "not a coach command"));
  CHECK(fails_with("coach wait = idle\n", 1, "not a coach command"));
  CHECK(fails_with("coach pause = pause now\n", 1, "wrong number of arguments"));
  CHECK(fails_with("coach loud = volume up 5 now\n", 1, "wrong number of arguments"));
  CHECK(fails_with("coach pause = \"pause\n", 1, "the command"));
  CHECK(fails_with("coach pause =\n", 1, "nothing after '='"));
  CHECK(fails_with("coach pause /-300/ = pause\n", 1, "from -100 to 10"));
  CHECK(fails_with("coach pause /x/ = pause\n", 1, "not a whole number"));
  CHECK(fails_with("coach pause /-3 = pause\n", 1, "/N/"));
  CHECK(fails_with("coach pause = pause\ncoach  pause = stop\n", 2, "already on line 1"));
  CHECK(fails_with("coach start {routine} = start rest\n", 1, "command does not use it"));
  CHECK(fails_with("coach go = start {routine}\n", 1, "phrase does not say it"));
  CHECK(fails_with("coach pause = pause\n\xff\n", 2, "UTF-8"));
  CHECK(fails_with("# nothing\n", 0, "no phrases"));
  CHECK(parse("coach pause = dance\ncoach stop = halt\n") == COACH_E_INVALID && diag.count == 2);

  /* {routine}: spoken names, names that cannot be said, and a line of its own that wins */
  CHECK(parse("coach start {routine} = start {routine}\ncoach start rest = stop\n") == COACH_OK);
  static const char *const names[] = {"hip-opener", "rest", "day2", "kneel"};
  static phrase_list out;
  int dropped;
  phrases_expand(&list, names, 4, &out, &dropped);
  CHECK(out.count == 3 && dropped == 1);
  CHECK(!strcmp(out.items[0].words, "coach start hip opener"));
  CHECK(!strcmp(out.items[0].command, "start hip-opener"));
  CHECK(!strcmp(out.items[1].words, "coach start kneel"));
  CHECK(!strcmp(out.items[2].words, "coach start rest") && !strcmp(out.items[2].command, "stop"));
  char spoken[32];
  CHECK(phrases_spoken_name("supine_twist", spoken, sizeof(spoken)) &&
        !strcmp(spoken, "supine twist"));
  CHECK(!phrases_spoken_name("-x", spoken, sizeof(spoken)));
  CHECK(!phrases_spoken_name("Rest", spoken, sizeof(spoken)));
  return check_done();
}
