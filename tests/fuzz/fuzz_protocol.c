/* The line protocol on any bytes: each input is split at newlines and every line goes
 * through what the server does with it (protocol_check_line, protocol_split, the command
 * lookup and the argument check, on a sample table) and what a client does with a reply
 * line (protocol_parse_greeting, protocol_parse_ack, protocol_parse_kv).
 *
 * Properties checked besides "no crash, no leak, no undefined behaviour":
 *   - split then format then split gives back the same words (the client's quoting and the
 *     server's unquoting agree);
 *   - a formatted ACK is exactly one line of valid UTF-8 without control bytes, within its
 *     buffer, and parses back with its code, whatever bytes its command and message held;
 *   - protocol_split's documented results: words within max, COACH_E_LIMIT with max words.
 * Seeds: tests/fuzz/seeds/protocol (typical command lines and replies). */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "protocol.h"

#define LINE_MAX_BYTES 4096
#define WORDS_MAX 16

/* Like coachd's table: sorted, with every kind of bound. Handlers are not needed to look up. */
static const protocol_command table[] = {
    {"idle", 0, PROTOCOL_ARGS_ANY, NULL}, {"list", 0, 0, NULL},   {"pause", 0, 0, NULL},
    {"ping", 0, 0, NULL},                 {"reload", 0, 0, NULL}, {"resume", 0, 0, NULL},
    {"say", 1, PROTOCOL_ARGS_ANY, NULL},  {"skip", 0, 0, NULL},   {"start", 1, 2, NULL},
    {"status", 0, 0, NULL},               {"stop", 0, 0, NULL},   {"volume", 0, 1, NULL},
};
#define N_TABLE (sizeof(table) / sizeof(table[0]))

static void check_ack(const char *command, const char *message)
{
  /* Sizes around the documented minimum of 32 and the server's. */
  static const size_t sizes[] = {32, 33, 47, 64, 100, 256, 1024};
  char buf[1024];
  for(size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
    size_t len = sizes[k];
    size_t n = protocol_format_ack(buf, len, PROTOCOL_ACK_ARG, command, "%s", message);
    FUZZ_ASSERT(n > 0 && n <= len - 1);
    FUZZ_ASSERT(strlen(buf) == n);
    FUZZ_ASSERT(buf[n - 1] == '\n');
    /* One line of UTF-8 without control bytes, whatever the command and message held. */
    FUZZ_ASSERT(protocol_check_line(buf, n - 1, NULL));
    /* When the "ACK [3] {command} " prefix fits, the line parses back (a long command may be
     * cut before its closing brace). */
    size_t prefix = strlen("ACK [3] {} ") + (command ? strlen(command) : 0);
    if(prefix + 2 < len && (!command || strlen(command) < 64)) {
      protocol_ack_line ack;
      FUZZ_ASSERT(protocol_parse_ack(buf, &ack));
      FUZZ_ASSERT(ack.code == PROTOCOL_ACK_ARG);
    }
  }
}

static void server_side(char *line, size_t n)
{
  const char *why = NULL;
  bool utf8 = protocol_check_line(line, n, &why);
  if(!utf8) {
    FUZZ_ASSERT(why != NULL && why[0] != '\0');
    check_ack(line, line); /* what a careless caller might echo back */
    return;
  }

  char *argv[WORDS_MAX];
  int argc = -7;
  why = NULL;
  coach_rc rc = protocol_split(line, argv, WORDS_MAX, &argc, &why);
  if(rc == COACH_E_INVALID) {
    FUZZ_ASSERT(argc == -7 && why != NULL);
    check_ack(NULL, why);
    return;
  }
  FUZZ_ASSERT(rc == COACH_OK || rc == COACH_E_LIMIT);
  FUZZ_ASSERT(argc >= 0 && argc <= WORDS_MAX);
  if(rc == COACH_E_LIMIT)
    FUZZ_ASSERT(argc == WORDS_MAX);
  for(int i = 0; i < argc; i++) {
    FUZZ_ASSERT(argv[i] >= line && argv[i] <= line + n);
    FUZZ_ASSERT(protocol_check_line(argv[i], strlen(argv[i]), NULL));
  }
  if(argc == 0)
    return;

  const protocol_command *cmd = protocol_command_lookup(table, N_TABLE, argv[0]);
  char msg[256];
  if(cmd) {
    FUZZ_ASSERT(strcmp(cmd->name, argv[0]) == 0);
    if(!protocol_check_args(cmd, argc - 1, msg, sizeof(msg))) {
      FUZZ_ASSERT(strlen(msg) < sizeof(msg));
      check_ack(cmd->name, msg);
    }
  }
  else {
    for(size_t i = 0; i < N_TABLE; i++)
      FUZZ_ASSERT(strcmp(table[i].name, argv[0]) != 0);
    check_ack(argv[0], argv[0]);
  }
  if(argc >= 2 && !strcmp(argv[0], "idle"))
    for(int i = 1; i < argc; i++) {
      unsigned bit = protocol_event_parse(argv[i]);
      FUZZ_ASSERT(bit == 0 || !strcmp(protocol_event_name(bit), argv[i]));
    }

  /* Round trip: the client formats these words, the server splits them back. */
  if(rc == COACH_OK) {
    static char formatted[3 * LINE_MAX_BYTES + 8];
    char *again[WORDS_MAX];
    int n_again = 0;
    coach_rc frc = protocol_format_command(formatted, sizeof(formatted), argc, argv);
    FUZZ_ASSERT(frc == COACH_OK); /* every word passed check_line: nothing unsendable */
    size_t flen = strlen(formatted);
    FUZZ_ASSERT(flen > 0 && formatted[flen - 1] == '\n');
    formatted[flen - 1] = '\0';
    FUZZ_ASSERT(protocol_check_line(formatted, flen - 1, NULL));
    FUZZ_ASSERT(protocol_split(formatted, again, WORDS_MAX, &n_again, NULL) == COACH_OK);
    FUZZ_ASSERT(n_again == argc);
    for(int i = 0; i < argc; i++)
      FUZZ_ASSERT(strcmp(again[i], argv[i]) == 0);
  }
}

static void client_side(char *line, size_t n)
{
  int version = -1;
  if(protocol_parse_greeting(line, &version))
    FUZZ_ASSERT(version >= 0);
  protocol_ack_line ack;
  if(protocol_parse_ack(line, &ack)) {
    FUZZ_ASSERT(ack.code >= 0 && ack.code <= 9999);
    FUZZ_ASSERT(strlen(ack.command) < sizeof(ack.command));
    FUZZ_ASSERT(ack.message >= line && ack.message <= line + n);
  }
  char *key = NULL, *value = NULL;
  if(protocol_parse_kv(line, &key, &value)) {
    FUZZ_ASSERT(key == line && key[0] != '\0');
    FUZZ_ASSERT(value > key && value <= line + n);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static char line[LINE_MAX_BYTES + 1];
  size_t pos = 0;
  while(pos < size) {
    const uint8_t *start = data + pos;
    const uint8_t *nl = memchr(start, '\n', size - pos);
    size_t n = nl ? (size_t)(nl - start) : size - pos;
    pos += n + (nl != NULL);
    if(n > LINE_MAX_BYTES)
      n = LINE_MAX_BYTES;

    memcpy(line, start, n);
    line[n] = '\0';
    client_side(line, n);
    memcpy(line, start, n); /* parse_kv wrote in it */
    line[n] = '\0';
    server_side(line, n);
  }
  return 0;
}
