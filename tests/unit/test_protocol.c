/* The line protocol's pure parts: splitting, quoting, ACK lines, the command table. */
#include "check.h"
#include "protocol.h"

static int split(const char *text, char *buf, size_t len, char **argv, int max, int *argc,
                 const char **why)
{
  snprintf(buf, len, "%s", text);
  return (int)protocol_split(buf, argv, max, argc, why);
}

static void test_split(void)
{
  char buf[256], *argv[8];
  int argc = -1;
  const char *why = NULL;

  CHECK(split("start rest 15m", buf, sizeof(buf), argv, 8, &argc, &why) == COACH_OK);
  CHECK(argc == 3 && !strcmp(argv[0], "start") && !strcmp(argv[1], "rest") &&
        !strcmp(argv[2], "15m"));

  CHECK(split("  \t ping \t ", buf, sizeof(buf), argv, 8, &argc, &why) == COACH_OK);
  CHECK(argc == 1 && !strcmp(argv[0], "ping"));

  CHECK(split("", buf, sizeof(buf), argv, 8, &argc, &why) == COACH_OK && argc == 0);
  CHECK(split("   ", buf, sizeof(buf), argv, 8, &argc, &why) == COACH_OK && argc == 0);

  CHECK(split("say \"hello world\" x", buf, sizeof(buf), argv, 8, &argc, &why) == COACH_OK);
  CHECK(argc == 3 && !strcmp(argv[1], "hello world") && !strcmp(argv[2], "x"));

  CHECK(split("say \"a \\\"b\\\" \\\\ c\"", buf, sizeof(buf), argv, 8, &argc, &why) ==
        COACH_OK);
  CHECK(argc == 2 && !strcmp(argv[1], "a \"b\" \\ c"));

  CHECK(split("say \"\" \"\"", buf, sizeof(buf), argv, 8, &argc, &why) == COACH_OK);
  CHECK(argc == 3 && !strcmp(argv[1], "") && !strcmp(argv[2], ""));

  /* A backslash outside quotes is an ordinary byte; UTF-8 passes through. */
  CHECK(split("say a\\b caf\xc3\xa9", buf, sizeof(buf), argv, 8, &argc, &why) == COACH_OK);
  CHECK(argc == 3 && !strcmp(argv[1], "a\\b") && !strcmp(argv[2], "caf\xc3\xa9"));

  argc = 42;
  CHECK(split("say \"open", buf, sizeof(buf), argv, 8, &argc, &why) == COACH_E_INVALID);
  CHECK(argc == 42 && !strcmp(why, "unterminated quote"));
  CHECK(split("say \"open\\", buf, sizeof(buf), argv, 8, &argc, &why) == COACH_E_INVALID);
  CHECK(split("say \"a\"b", buf, sizeof(buf), argv, 8, &argc, &why) == COACH_E_INVALID);
  CHECK(strstr(why, "space expected") != NULL);
  CHECK(split("say a\"b\"", buf, sizeof(buf), argv, 8, &argc, &why) == COACH_E_INVALID);
  CHECK(split("say x", buf, sizeof(buf), argv, 8, &argc, NULL) == COACH_OK);

  /* Too many words: the first max are kept so the command can still be named. */
  CHECK(split("a b c d e", buf, sizeof(buf), argv, 3, &argc, &why) == COACH_E_LIMIT);
  CHECK(argc == 3 && !strcmp(argv[0], "a") && !strcmp(argv[2], "c"));
  CHECK(split("a b c", buf, sizeof(buf), argv, 3, &argc, &why) == COACH_OK && argc == 3);
  CHECK(split("a b c   ", buf, sizeof(buf), argv, 3, &argc, &why) == COACH_OK && argc == 3);
}

static void test_quote(void)
{
  char buf[64], line[128], *argv[8];
  int argc;
  const char *samples[] = {"rest", "", "two words", "q\"uote", "back\\slash", "tab\there",
                           "caf\xc3\xa9"};

  CHECK(protocol_quote("rest", buf, sizeof(buf)) == COACH_OK && !strcmp(buf, "rest"));
  CHECK(protocol_quote("", buf, sizeof(buf)) == COACH_OK && !strcmp(buf, "\"\""));
  CHECK(protocol_quote("a b", buf, sizeof(buf)) == COACH_OK && !strcmp(buf, "\"a b\""));
  CHECK(protocol_quote("a\"b\\", buf, sizeof(buf)) == COACH_OK &&
        !strcmp(buf, "\"a\\\"b\\\\\""));
  CHECK(protocol_quote("line\nbreak", buf, sizeof(buf)) == COACH_E_INVALID);
  CHECK(protocol_quote("abcd", buf, 4) == COACH_E_LIMIT);
  CHECK(protocol_quote("abc", buf, 4) == COACH_OK);
  CHECK(protocol_quote("a b", buf, 5) == COACH_E_LIMIT);

  /* Whatever protocol_quote writes, protocol_split reads back unchanged. */
  for(size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
    char *in[2] = {"say", (char *)samples[i]};
    CHECK(protocol_format_command(line, sizeof(line), 2, in) == COACH_OK);
    CHECK(line[strlen(line) - 1] == '\n');
    line[strlen(line) - 1] = '\0';
    CHECK(protocol_split(line, argv, 8, &argc, NULL) == COACH_OK);
    CHECKF(argc == 2 && !strcmp(argv[1], samples[i]), "sample %zu", i);
  }
  {
    char *in[1] = {"ping"};
    CHECK(protocol_format_command(line, 6, 1, in) == COACH_OK && !strcmp(line, "ping\n"));
    CHECK(protocol_format_command(line, 5, 1, in) == COACH_E_LIMIT);
  }
}

static void test_check_line(void)
{
  const char *why = NULL;
  const char *good = "say caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\tx";
  CHECK(protocol_check_line(good, strlen(good), &why));
  CHECK(!protocol_check_line("a\0b", 3, &why) && strstr(why, "NUL"));
  CHECK(!protocol_check_line("a\rb", 3, &why) && strstr(why, "control"));
  CHECK(!protocol_check_line("a\x1b[0m", 5, &why));
  CHECK(!protocol_check_line("\xff\xfe", 2, &why) && strstr(why, "UTF-8"));
  CHECK(!protocol_check_line("\xc3", 1, &why));          /* truncated sequence */
  CHECK(!protocol_check_line("\xc0\xaf", 2, &why));      /* overlong '/' */
  CHECK(!protocol_check_line("\xed\xa0\x80", 3, &why));  /* surrogate */
  CHECK(!protocol_check_line("\xf4\x90\x80\x80", 4, &why)); /* past U+10FFFF */
  CHECK(protocol_check_line("", 0, NULL));
}

static void test_ack(void)
{
  char buf[256], small[40];
  protocol_ack_line ack;
  size_t n;

  n = protocol_format_ack(buf, sizeof(buf), PROTOCOL_ACK_NO_ROUTINE, "start",
                          "no routine named \"%s\"", "x");
  CHECK(!strcmp(buf, "ACK [4] {start} no routine named \"x\"\n") && n == strlen(buf));

  n = protocol_format_ack(buf, sizeof(buf), 1, NULL, "unknown command \"%s\"", "a\nb\rc");
  CHECK(!strcmp(buf, "ACK [1] {} unknown command \"a b c\"\n") && n == strlen(buf));

  protocol_format_ack(buf, sizeof(buf), 3, "say\nOK", "%s", "");
  CHECK(!strcmp(buf, "ACK [3] {say OK}\n"));

  /* A long message is cut, the line still ends in its newline and never splits a UTF-8
   * character. */
  n = protocol_format_ack(small, sizeof(small), 7, "x", "%s",
                          "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                          "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
  CHECK(n == strlen(small) && n <= sizeof(small) - 1 && small[n - 1] == '\n');
  CHECK(protocol_check_line(small, n - 1, NULL));
  CHECK(!strncmp(small, "ACK [7] {x} ", 12));

  /* A caller's "%.Ns" may cut a name inside a character (found by tests/fuzz/fuzz_server):
   * the line stays UTF-8, the stray bytes become '?'. */
  n = protocol_format_ack(buf, sizeof(buf), 1, NULL, "unknown command \"%.2s\"", "x\xc3\xa9");
  CHECK(!strcmp(buf, "ACK [1] {} unknown command \"x?\"\n") && n == strlen(buf));
  n = protocol_format_ack(buf, sizeof(buf), 1, "\xff", "%s", "\xed\xa0\x80 ok \xc3\xa9");
  CHECK(!strcmp(buf, "ACK [1] {?} ??? ok \xc3\xa9\n") && n == strlen(buf));

  CHECK(protocol_parse_ack("ACK [4] {start} no routine named \"x\"", &ack));
  CHECK(ack.code == 4 && !strcmp(ack.command, "start") &&
        !strcmp(ack.message, "no routine named \"x\""));
  CHECK(protocol_parse_ack("ACK [10] {} boom", &ack) && ack.code == 10 && !ack.command[0]);
  CHECK(!protocol_parse_ack("OK", &ack));
  CHECK(!protocol_parse_ack("ACK [x] {} y", &ack));
  CHECK(!protocol_parse_ack("ACK [1] oops", &ack));

  CHECK(protocol_ack_from_rc(COACH_E_NOTFOUND) == PROTOCOL_ACK_NO_ROUTINE);
  CHECK(protocol_ack_from_rc(COACH_E_STATE) == PROTOCOL_ACK_STATE);
  CHECK(protocol_ack_from_rc(COACH_E_NOMEM) == PROTOCOL_ACK_SYSTEM);
}

static void test_replies(void)
{
  char line[64], *key, *value;
  int version = 0;
  snprintf(line, sizeof(line), "state: playing now");
  CHECK(protocol_parse_kv(line, &key, &value) && !strcmp(key, "state") &&
        !strcmp(value, "playing now"));
  snprintf(line, sizeof(line), "OK");
  CHECK(!protocol_parse_kv(line, &key, &value));
  snprintf(line, sizeof(line), "ACK [1] {} unknown command \"a: b\"");
  CHECK(!protocol_parse_kv(line, &key, &value));

  CHECK(protocol_parse_greeting(PROTOCOL_GREETING, &version) && version == PROTOCOL_VERSION);
  CHECK(protocol_parse_greeting("OK coach 12", &version) && version == 12);
  CHECK(!protocol_parse_greeting("OK MPD 0.23.5\n", &version));
  CHECK(!protocol_parse_greeting("OK coach 1x\n", &version));

  CHECK(protocol_event_parse("player") == PROTOCOL_EVENT_PLAYER);
  CHECK(protocol_event_parse("database") == PROTOCOL_EVENT_DATABASE);
  CHECK(protocol_event_parse("nope") == 0);
  CHECK(!strcmp(protocol_event_name(PROTOCOL_EVENT_MIXER), "mixer"));
  CHECK(protocol_event_name(PROTOCOL_EVENT_PLAYER | PROTOCOL_EVENT_MIXER) == NULL);
}

static void handler(void *ctx, struct server_client *client, int argc, char **argv)
{
  (void)ctx, (void)client, (void)argc, (void)argv;
}

static const protocol_command table[] = {
    {"idle", 0, PROTOCOL_ARGS_ANY, handler},
    {"ping", 0, 0, handler},
    {"say", 1, 1, handler},
    {"start", 1, 2, handler},
    {"volume", 1, 1, handler},
};
#define TABLE_N (sizeof(table) / sizeof(table[0]))

static void test_table(void)
{
  const protocol_command *c;
  const char *why = NULL;
  char msg[128];
  protocol_command unsorted[] = {{"b", 0, 0, handler}, {"a", 0, 0, handler}};
  protocol_command dup[] = {{"a", 0, 0, handler}, {"a", 0, 0, handler}};
  protocol_command inverted[] = {{"a", 2, 1, handler}};

  CHECK(protocol_table_check(table, TABLE_N, &why));
  CHECK(!protocol_table_check(unsorted, 2, &why) && why);
  CHECK(!protocol_table_check(dup, 2, &why));
  CHECK(!protocol_table_check(inverted, 1, &why));

  for(size_t i = 0; i < TABLE_N; i++)
    CHECK(protocol_command_lookup(table, TABLE_N, table[i].name) == &table[i]);
  CHECK(protocol_command_lookup(table, TABLE_N, "nosuch") == NULL);
  CHECK(protocol_command_lookup(table, TABLE_N, "") == NULL);
  CHECK(protocol_command_lookup(NULL, 0, "ping") == NULL);

  c = protocol_command_lookup(table, TABLE_N, "start");
  CHECK(protocol_check_args(c, 1, msg, sizeof(msg)));
  CHECK(protocol_check_args(c, 2, msg, sizeof(msg)));
  CHECK(!protocol_check_args(c, 3, msg, sizeof(msg)));
  CHECK(!strcmp(msg, "wrong number of arguments for \"start\": expected 1 to 2, got 3"));
  CHECK(!protocol_check_args(c, 0, msg, sizeof(msg)));
  c = protocol_command_lookup(table, TABLE_N, "ping");
  CHECK(!protocol_check_args(c, 1, msg, sizeof(msg)));
  CHECK(!strcmp(msg, "wrong number of arguments for \"ping\": expected 0, got 1"));
  c = protocol_command_lookup(table, TABLE_N, "idle");
  CHECK(protocol_check_args(c, 0, msg, sizeof(msg)) && protocol_check_args(c, 9, msg, 128));
}

int main(void)
{
  test_split();
  test_quote();
  test_check_line();
  test_ack();
  test_replies();
  test_table();
  return check_done();
}
