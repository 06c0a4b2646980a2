/* The control socket server in-process: each input is what one client sends, written into
 * a real connection to a server on a private socket, with the server's loop turned by hand
 * (no threads, no daemon, no sessions; a sample command table like tests/unit/test_server.c).
 * Only the public API of server.h is used, so the harness follows server.c as it changes;
 * the client's side is conversation.h, which fuzz_mpd shares.
 *
 * The first byte picks how the rest is cut into writes (1 byte to 16 KiB at a time), so
 * lines split across reads are explored too; the client reads every reply as it comes.
 *
 * Properties checked besides "no crash, no leak, no undefined behaviour":
 *   - every line the server sends is one of: OK, an ACK that parses, "changed: EVENT", or a
 *     key: value line of the table's replies; each is valid UTF-8 without control bytes;
 *   - once the client has hung up, the server lets go of it within a few rounds.
 * Seeds: tests/fuzz/seeds/server. */
#include <string.h>

#include "conversation.h"
#include "protocol.h"

static server *srv;

static void cmd_ok(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_reply_ok(c);
}

static void cmd_echo(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx;
  for(int i = 1; i < argc; i++)
    server_reply_kv(c, "arg", "%s", argv[i]);
  server_reply_ok(c);
}

static void cmd_big(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_reply_kv(c, "data", "%0*d", 1000, 7);
  server_reply_ok(c);
}

static void cmd_huge(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  for(int i = 0; i < 100; i++)
    server_reply_kv(c, "data", "%01000d", i);
  server_reply_ok(c);
}

static void cmd_noreply(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)c, (void)argc, (void)argv;
}

static void cmd_notify(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  unsigned events = argc > 1 ? protocol_event_parse(argv[1]) : PROTOCOL_EVENT_PLAYER;
  server_notify(srv, events);
  server_reply_ok(c);
  server_reply_ok(c); /* a second answer is dropped */
}

static void cmd_fail(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx;
  server_reply_kv(c, "text", "two\nlines");
  server_reply_ack(c, PROTOCOL_ACK_STATE, NULL, "cannot %s now\n", argc > 1 ? argv[1] : "");
}

static const protocol_command commands[] = {
    {"big", 0, 0, cmd_big},
    {"echo", 0, PROTOCOL_ARGS_ANY, cmd_echo},
    {"fail", 0, 1, cmd_fail},
    {"huge", 0, 0, cmd_huge},
    {"idle", 0, PROTOCOL_ARGS_ANY, server_command_idle},
    {"noreply", 0, 0, cmd_noreply},
    {"notify", 0, 1, cmd_notify},
    {"ping", 0, 0, cmd_ok},
    {"start", 1, 2, cmd_ok},
};

static void check_reply_line(char *line, size_t n)
{
  REPLY_ASSERT(strlen(line) == n);
  REPLY_ASSERT(protocol_check_line(line, n, NULL));
  if(!strcmp(line, "OK"))
    return;
  protocol_ack_line ack;
  if(!strncmp(line, "ACK ", 4)) {
    REPLY_ASSERT(protocol_parse_ack(line, &ack));
    REPLY_ASSERT(ack.code >= PROTOCOL_ACK_UNKNOWN && ack.code <= PROTOCOL_ACK_SPEECH);
    return;
  }
  char *key, *value;
  REPLY_ASSERT(protocol_parse_kv(line, &key, &value));
  if(!strcmp(key, "changed"))
    FUZZ_ASSERT(protocol_event_parse(value) != 0);
  else
    FUZZ_ASSERT(!strcmp(key, "arg") || !strcmp(key, "data") || !strcmp(key, "text"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static server_config cfg = {.commands = commands,
                              .n_commands = sizeof(commands) / sizeof(commands[0])};
  if(!srv)
    conversation_open(&srv, &cfg);
  if(size == 0)
    return 0;
  conversation_run(srv, PROTOCOL_GREETING, data + 1, size - 1, (size_t)1 << (data[0] % 15),
                   check_reply_line, NULL);
  return 0;
}
