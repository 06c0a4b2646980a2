/* The control socket server in-process: each input is what one client sends, written into
 * a real connection to a server on a private socket, with the server's loop turned by hand
 * (no threads, no daemon, no sessions; a sample command table like tests/unit/test_server.c).
 * Only the public API of server.h is used, so the harness follows server.c as it changes.
 *
 * The first byte picks how the rest is cut into writes (1 byte to 16 KiB at a time), so
 * lines split across reads are explored too; the client reads every reply as it comes.
 *
 * Properties checked besides "no crash, no leak, no undefined behaviour":
 *   - every line the server sends is one of: OK, an ACK that parses, "changed: EVENT", or a
 *     key: value line of the table's replies; each is valid UTF-8 without control bytes;
 *   - once the client has hung up, the server lets go of it within a few rounds.
 * Seeds: tests/fuzz/seeds/server. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fuzz.h"
#include "log.h"
#include "protocol.h"
#include "server.h"

/* coachd's log.c writes to stderr: here every message is formatted (so a bad format
 * argument is still caught) and dropped. */
void log_set_level(log_level max)
{
  (void)max;
}

void log_msg(log_level level, const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  (void)level;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
}

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

static char dir[] = "/tmp/coach-fuzz-server.XXXXXX";
static char path[sizeof(((struct sockaddr_un *)0)->sun_path)];

static void close_server(void)
{
  char lock[sizeof(path) + 8];
  server_close(srv);
  srv = NULL;
  snprintf(lock, sizeof(lock), "%s.lock", path);
  unlink(lock);
  unlink(path);
  rmdir(dir);
}

static void open_server(void)
{
  static server_config cfg;
  char why[256];
  cfg.commands = commands;
  cfg.n_commands = sizeof(commands) / sizeof(commands[0]);
  if(!mkdtemp(dir)) {
    perror("mkdtemp");
    abort();
  }
  snprintf(path, sizeof(path), "%s/socket", dir);
  if(server_open(&srv, path, &cfg, why, sizeof(why)) != COACH_OK) {
    fprintf(stderr, "server_open: %s\n", why);
    abort();
  }
  atexit(close_server);
}

/* ------------------------------------------------------------ what the client reads */

static char got[SERVER_OUTPUT_MAX + 1024];
static size_t got_len;

/* Shows the offending reply line (escaped, cut) before the property that it broke. */
static void show_line(const char *line, size_t n)
{
  fprintf(stderr, "reply line (%zu bytes): \"", n);
  for(size_t i = 0; i < n && i < 300; i++) {
    unsigned char ch = (unsigned char)line[i];
    if(ch >= 0x20 && ch < 0x7f && ch != '\\' && ch != '"')
      fputc(ch, stderr);
    else
      fprintf(stderr, "\\x%02x", ch);
  }
  fprintf(stderr, "%s\"\n", n > 300 ? "..." : "");
}

#define REPLY_ASSERT(cond)                                                                   \
  do {                                                                                       \
    if(!(cond)) {                                                                            \
      show_line(line, n);                                                                    \
      FUZZ_ASSERT(!#cond);                                                                   \
    }                                                                                        \
  } while(0)

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

static void take_output(const char *buf, size_t n)
{
  for(size_t i = 0; i < n; i++) {
    if(buf[i] == '\n') {
      got[got_len] = '\0';
      check_reply_line(got, got_len);
      got_len = 0;
      continue;
    }
    FUZZ_ASSERT(got_len < sizeof(got) - 1); /* no line is longer than the output limit */
    got[got_len++] = buf[i];
  }
}

/* Reads what is there. Returns bytes read, 0 at EOF, -1 when nothing is there now. */
static ssize_t drain(int fd)
{
  static char buf[1 << 16];
  ssize_t total = -1;
  for(;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if(n > 0) {
      take_output(buf, (size_t)n);
      total = (total < 0 ? 0 : total) + n;
      continue;
    }
    if(n == 0)
      return total > 0 ? total : 0;
    if(errno == EINTR)
      continue;
    FUZZ_ASSERT(errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNRESET);
    return errno == ECONNRESET ? 0 : total;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(!srv)
    open_server();
  if(size == 0)
    return 0;
  size_t chunk = (size_t)1 << (data[0] % 15);
  data++, size--;

  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  FUZZ_ASSERT(fd >= 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  memcpy(sa.sun_path, path, strlen(path) + 1);
  FUZZ_ASSERT(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
  got_len = 0;

  /* The greeting first. */
  const char greeting[] = PROTOCOL_GREETING;
  char hello[sizeof(greeting)];
  size_t have = 0;
  for(int round = 0; round < 100 && have < sizeof(greeting) - 1; round++) {
    server_run_once(srv, 10);
    ssize_t n = recv(fd, hello + have, sizeof(greeting) - 1 - have, MSG_DONTWAIT);
    if(n > 0)
      have += (size_t)n;
  }
  FUZZ_ASSERT(have == sizeof(greeting) - 1 && !memcmp(hello, greeting, have));

  /* Then the input, a chunk at a time, reading replies as they come. */
  size_t sent = 0;
  bool eof = false, hung_up = false;
  int quiet = 0, rounds = 0;
  while(!eof && quiet < 8) {
    FUZZ_ASSERT(++rounds < 100000); /* the conversation makes progress */
    if(sent < size) {
      size_t want = size - sent < chunk ? size - sent : chunk;
      ssize_t n = send(fd, data + sent, want, MSG_NOSIGNAL | MSG_DONTWAIT);
      if(n > 0)
        sent += (size_t)n;
      else
        FUZZ_ASSERT(errno == EAGAIN || errno == EWOULDBLOCK || errno == EPIPE ||
                    errno == ECONNRESET);
      if(n < 0 && (errno == EPIPE || errno == ECONNRESET))
        sent = size; /* the server closed (e.g. after ACK [5]): nothing more to send */
    }
    else if(!hung_up) {
      shutdown(fd, SHUT_WR);
      hung_up = true;
    }
    server_run_once(srv, 0);
    ssize_t n = drain(fd);
    if(n == 0)
      eof = true;
    /* Progress is data either way; an idle client may wait forever for its answer. */
    quiet = (n > 0 || sent < size) ? 0 : quiet + 1;
  }

  /* Hang up: the server must let the client go. */
  close(fd);
  for(int round = 0; round < 50 && server_client_count(srv) > 0; round++)
    server_run_once(srv, 1);
  FUZZ_ASSERT(server_client_count(srv) == 0);
  return 0;
}
