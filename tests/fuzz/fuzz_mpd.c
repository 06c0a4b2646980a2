/* MPD's dialect in the real server, and MPD's argument forms (mpd_protocol.h): each input is
 * what one MPD client sends, through conversation.h (a real connection, the server's loop
 * turned by hand), to a server with MPD's dialect and a sample table whose handlers parse
 * their arguments as coachd's MPD commands do. Command lists, deferred commands inside them
 * (answered on a later round, alternately OK and ACK), idle, the stray noidle, close and a
 * refused password all get explored.
 *
 * The first byte picks how the rest is cut into writes (1 byte to 16 KiB at a time).
 *
 * Properties checked besides "no crash, no leak, no undefined behaviour":
 *   - every line the server sends is OK, list_OK, an ACK in MPD's form that parses with an
 *     index and one of MPD's codes, "changed: SUBSYSTEM" with one of MPD's subsystems, or a
 *     key: value line of the table's replies; each is valid UTF-8 without control bytes;
 *   - what the argument parsers accept is what they promise: a load spec splits into a
 *     non-empty name and a length only after one '@', a range has start < end, a volume
 *     change is within -100..100, a position within its maximum;
 *   - once the client has hung up, the server lets go of it within a few rounds.
 * Seeds: tests/fuzz/seeds/mpd (mpc's and Home Assistant's conversations). */
#include <limits.h>
#include <string.h>

#include "conversation.h"
#include "mpd_protocol.h"
#include "routine.h"

static server *srv;

static void cmd_ok(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_reply_ok(c);
}

static void bad_arg(server_client *c, const char *what)
{
  server_reply_ack(c, MPD_ACK_ARG, NULL, "%s", what);
}

static void cmd_load(void *ctx, server_client *c, int argc, char **argv)
{
  char name[ROUTINE_NAME_MAX + 2] = "", length[32] = "", why[256] = "";
  (void)ctx, (void)argc;
  if(mpd_parse_load(argv[1], name, sizeof(name), length, sizeof(length), why, sizeof(why)) !=
     COACH_OK) {
    FUZZ_ASSERT(why[0] != '\0' && name[0] == '\0');
    bad_arg(c, why);
    return;
  }
  const char *at = strchr(argv[1], '@');
  FUZZ_ASSERT(name[0] && !strchr(name, '@') && !strchr(length, '@'));
  FUZZ_ASSERT(at ? length[0] && !strcmp(at + 1, length) : !length[0]);
  server_reply_kv(c, "name", "%s", name);
  server_reply_kv(c, "length", "%s", length);
  server_reply_ok(c);
}

static void cmd_pause(void *ctx, server_client *c, int argc, char **argv)
{
  bool on = false;
  (void)ctx;
  if(argc > 1 && !mpd_parse_bool(argv[1], &on)) {
    bad_arg(c, "Boolean (0/1) expected");
    return;
  }
  FUZZ_ASSERT(argc == 1 || !strcmp(argv[1], on ? "1" : "0"));
  server_reply_ok(c);
}

static void cmd_setvol(void *ctx, server_client *c, int argc, char **argv)
{
  unsigned v = 1000;
  (void)ctx, (void)argc;
  if(!mpd_parse_uint(argv[1], 100, &v)) {
    bad_arg(c, "volume is a whole number from 0 to 100");
    return;
  }
  FUZZ_ASSERT(v <= 100);
  server_reply_kv(c, "volume", "%u", v);
  server_reply_ok(c);
}

static void cmd_volume(void *ctx, server_client *c, int argc, char **argv)
{
  int d = 1000;
  (void)ctx, (void)argc;
  if(!mpd_parse_volume_change(argv[1], &d)) {
    bad_arg(c, "a volume change is -100 to +100");
    return;
  }
  FUZZ_ASSERT(d >= -100 && d <= 100);
  server_reply_kv(c, "volume", "%d", d);
  server_reply_ok(c);
}

static void cmd_playlistinfo(void *ctx, server_client *c, int argc, char **argv)
{
  unsigned a = 0, b = 0;
  (void)ctx;
  if(argc > 1 && !mpd_parse_range(argv[1], &a, &b)) {
    bad_arg(c, "Bad song index");
    return;
  }
  FUZZ_ASSERT(argc == 1 || (a < b && a <= INT_MAX));
  server_reply_kv(c, "file", "rest");
  server_reply_ok(c);
}

static void cmd_status(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_reply_kv(c, "volume", "80");
  server_reply_kv(c, "state", "play");
  server_reply_ok(c);
}

/* Background commands: answered on a later round of the loop, as the engine would. */
static server_ticket waiting[16];
static unsigned n_waiting, n_answered;

static void cmd_later(void *ctx, server_client *c, int argc, char **argv)
{
  server_ticket t;
  (void)ctx, (void)argc, (void)argv;
  if(n_waiting == sizeof(waiting) / sizeof(waiting[0])) {
    server_reply_ack(c, MPD_ACK_SYSTEM, NULL, "busy");
    return;
  }
  t = server_defer(c);
  FUZZ_ASSERT(t != 0);
  waiting[n_waiting++] = t;
}

static void answer_waiting(void)
{
  while(n_waiting) {
    server_ticket t = waiting[--n_waiting];
    if(n_answered++ % 2)
      server_finish_ack(srv, t, MPD_ACK_PLAYER_SYNC, "Not playing");
    else
      server_finish_ok(srv, t);
  }
}

static void cmd_notify(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx;
  server_notify(srv, argc > 1 ? mpd_event_parse(argv[1]) : MPD_EVENT_PLAYLIST);
  server_reply_ok(c);
}

static void cmd_password(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc;
  if(strcmp(argv[1], "pw")) {
    server_reply_ack(c, MPD_ACK_PASSWORD, NULL, "incorrect password");
    server_client_close(c);
    return;
  }
  server_client_unlock(c);
  server_reply_ok(c);
}

static void cmd_close(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_client_close(c);
}

static const protocol_command commands[] = {
    {.name = "add", .min_args = 1, .max_args = 1, .handler = cmd_load},
    {.name = "close", .min_args = 0, .max_args = 0, .handler = cmd_close},
    {.name = "idle", .min_args = 0, .max_args = PROTOCOL_ARGS_ANY, .handler = server_command_idle},
    {.name = "later", .min_args = 0, .max_args = 0, .handler = cmd_later},
    {.name = "load", .min_args = 1, .max_args = 1, .handler = cmd_load},
    {.name = "notify", .min_args = 0, .max_args = 1, .handler = cmd_notify},
    {.name = "password", .min_args = 1, .max_args = 1, .handler = cmd_password},
    {.name = "pause", .min_args = 0, .max_args = 1, .handler = cmd_pause},
    {.name = "ping", .min_args = 0, .max_args = 0, .handler = cmd_ok},
    {.name = "playlistinfo", .min_args = 0, .max_args = 1, .handler = cmd_playlistinfo},
    {.name = "setvol", .min_args = 1, .max_args = 1, .handler = cmd_setvol},
    {.name = "status", .min_args = 0, .max_args = 0, .handler = cmd_status},
    {.name = "volume", .min_args = 1, .max_args = 1, .handler = cmd_volume},
};

static bool mpd_code(int code)
{
  return (code >= MPD_ACK_NOT_LIST && code <= MPD_ACK_UNKNOWN) ||
         (code >= MPD_ACK_NO_EXIST && code <= MPD_ACK_EXIST);
}

static void check_reply_line(char *line, size_t n)
{
  REPLY_ASSERT(strlen(line) == n);
  REPLY_ASSERT(protocol_check_line(line, n, NULL));
  if(!strcmp(line, "OK") || !strcmp(line, "list_OK"))
    return;
  protocol_ack_line ack;
  if(!strncmp(line, "ACK ", 4)) {
    REPLY_ASSERT(protocol_parse_ack(line, &ack));
    REPLY_ASSERT(ack.index >= 0 && mpd_code(ack.code));
    return;
  }
  char *key, *value;
  REPLY_ASSERT(protocol_parse_kv(line, &key, &value));
  if(!strcmp(key, "changed"))
    FUZZ_ASSERT(mpd_event_parse(value) != 0);
  else
    FUZZ_ASSERT(!strcmp(key, "name") || !strcmp(key, "length") || !strcmp(key, "volume") ||
                !strcmp(key, "state") || !strcmp(key, "file"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static server_config cfg = {.commands = commands,
                              .n_commands = sizeof(commands) / sizeof(commands[0]),
                              .dialect = &mpd_dialect};
  if(!srv)
    conversation_open(&srv, &cfg);
  if(size == 0)
    return 0;
  conversation_run(srv, MPD_GREETING, data + 1, size - 1, (size_t)1 << (data[0] % 15),
                   check_reply_line, answer_waiting);
  answer_waiting(); /* tickets of a client that left answer nobody */
  return 0;
}
