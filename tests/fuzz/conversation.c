#include "conversation.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

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

/* ------------------------------------------------------------ the server's socket */

static char dir[] = "/tmp/coach-fuzz-server.XXXXXX";
static char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static server **opened;

static void close_server(void)
{
  char lock[sizeof(path) + 8];
  server_close(*opened);
  *opened = NULL;
  snprintf(lock, sizeof(lock), "%s.lock", path);
  unlink(lock);
  unlink(path);
  rmdir(dir);
}

void conversation_open(server **srv, const server_config *cfg)
{
  char why[256];
  if(!mkdtemp(dir)) {
    perror("mkdtemp");
    abort();
  }
  snprintf(path, sizeof(path), "%s/socket", dir);
  if(server_open(srv, path, cfg, why, sizeof(why)) != COACH_OK) {
    fprintf(stderr, "server_open: %s\n", why);
    abort();
  }
  opened = srv;
  atexit(close_server);
}

/* ------------------------------------------------------------ what the client reads */

static char got[SERVER_OUTPUT_MAX + 1024];
static size_t got_len;
static conversation_check_fn *check_line;

void conversation_show_line(const char *line, size_t n)
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

static void take_output(const char *buf, size_t n)
{
  for(size_t i = 0; i < n; i++) {
    if(buf[i] == '\n') {
      got[got_len] = '\0';
      check_line(got, got_len);
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

static void turn(server *srv, int timeout_ms, conversation_round_fn *round)
{
  server_run_once(srv, timeout_ms);
  if(round)
    round();
}

void conversation_run(server *srv, const char *greeting, const uint8_t *data, size_t size,
                      size_t chunk, conversation_check_fn *check, conversation_round_fn *round)
{
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  FUZZ_ASSERT(fd >= 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  memcpy(sa.sun_path, path, strlen(path) + 1);
  FUZZ_ASSERT(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
  got_len = 0;
  check_line = check;

  /* The greeting first. */
  size_t want_hello = strlen(greeting), have = 0;
  char hello[64];
  FUZZ_ASSERT(want_hello < sizeof(hello));
  for(int r = 0; r < 100 && have < want_hello; r++) {
    turn(srv, 10, round);
    ssize_t n = recv(fd, hello + have, want_hello - have, MSG_DONTWAIT);
    if(n > 0)
      have += (size_t)n;
  }
  FUZZ_ASSERT(have == want_hello && !memcmp(hello, greeting, have));

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
    turn(srv, 0, round);
    ssize_t n = drain(fd);
    if(n == 0)
      eof = true;
    /* Progress is data either way; an idle client may wait forever for its answer. */
    quiet = (n > 0 || sent < size) ? 0 : quiet + 1;
  }

  /* Hang up: the server must let the client go. */
  close(fd);
  for(int r = 0; r < 50 && server_client_count(srv) > 0; r++)
    turn(srv, 1, round);
  FUZZ_ASSERT(server_client_count(srv) == 0);
}
