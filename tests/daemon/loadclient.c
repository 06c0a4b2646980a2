/* loadclient — many protocol clients at once from one process, for tests/daemon/test_load.sh.
 *
 *   loadclient SOCKET CLIENTS COMMANDS
 *
 * Connects CLIENTS sockets at once, before any of them sends a word, and reads each one's
 * first line: the greeting ("OK coach 1"), or the refusal a server gives beyond its client
 * limit ("ACK [7] ... too many clients ..."), which is counted and the connection closed.
 * Then each admitted client sends COMMANDS commands (status, ping and list in turn),
 * pipelined, and reads every reply. A refused client waits a little and connects again, until
 * it too has sent all its commands and read all its replies. Single-threaded, poll-driven.
 *
 * Prints one line of key=value counts and exits 0 when every command of every client was
 * answered with OK, 1 otherwise (an ACK to a command, a connection lost, an unexpected line,
 * or the time limit of 50 s).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define TIME_LIMIT_MS 50000
#define RETRY_MS 20
#define LINE_MAX_BYTES 8192

enum phase { GREETING, RUNNING, WAITING, DONE };

typedef struct client {
  int fd;
  enum phase phase;
  size_t sent;        /* bytes of the command script sent */
  long replies;       /* replies fully read (an OK or ACK line) */
  long acks;
  char line[LINE_MAX_BYTES];
  size_t len;
  long long retry_at; /* WAITING: when to connect again */
} client;

static const char *sock_path;
static char *script;
static size_t script_len;
static long n_commands;
/* Counts for the report. */
static long refusals, refused_first, admitted_first, unexpected, lost, ack_replies, ok_replies;
static char first_refusal[256], first_unexpected[256];

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int connect_to(void)
{
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock_path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if(fd < 0)
    return -1;
  if(connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, O_NONBLOCK);
  return fd;
}

static void note(char *buf, const char *line)
{
  if(!buf[0])
    snprintf(buf, 256, "%.200s", line);
}

static void drop(client *c, enum phase next)
{
  close(c->fd);
  c->fd = -1;
  c->len = 0;
  c->phase = next;
}

/* One complete line from the server. */
static void on_line(client *c, const char *line, int first_round)
{
  if(c->phase == GREETING) {
    if(!strcmp(line, "OK coach 1")) {
      c->phase = RUNNING;
      c->sent = 0;
      c->replies = 0;
      if(first_round)
        admitted_first++;
    }
    else if(!strncmp(line, "ACK [7]", 7) && strstr(line, "too many clients")) {
      refusals++;
      if(first_round)
        refused_first++;
      note(first_refusal, line);
      drop(c, WAITING);
      c->retry_at = now_ms() + RETRY_MS;
    }
    else {
      unexpected++;
      note(first_unexpected, line);
      drop(c, DONE);
    }
    return;
  }
  if(!strcmp(line, "OK")) {
    c->replies++;
    ok_replies++;
  }
  else if(!strncmp(line, "ACK ", 4)) {
    c->replies++;
    c->acks++;
    ack_replies++;
    note(first_unexpected, line);
  }
  else if(!strchr(line, ':')) {
    unexpected++;
    note(first_unexpected, line);
  }
  if(c->replies == n_commands)
    drop(c, DONE);
}

/* Reads what is there; returns the number of complete lines handled. */
static void on_readable(client *c, int first_round)
{
  for(;;) {
    ssize_t n = read(c->fd, c->line + c->len, sizeof(c->line) - c->len);
    if(n < 0 && errno == EINTR)
      continue;
    if(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    if(n <= 0) {
      lost++;
      note(first_unexpected, n == 0 ? "(connection closed by the server)" : strerror(errno));
      drop(c, DONE);
      return;
    }
    c->len += (size_t)n;
    char *start = c->line, *nl;
    while(c->fd >= 0 && (nl = memchr(start, '\n', c->len - (size_t)(start - c->line)))) {
      *nl = '\0';
      on_line(c, start, first_round);
      start = nl + 1;
    }
    if(c->fd < 0)
      return;
    c->len -= (size_t)(start - c->line);
    memmove(c->line, start, c->len);
    if(c->len == sizeof(c->line)) {
      unexpected++;
      note(first_unexpected, "(a reply line longer than 8 KiB)");
      drop(c, DONE);
      return;
    }
  }
}

static void on_writable(client *c)
{
  while(c->sent < script_len) {
    ssize_t n = send(c->fd, script + c->sent, script_len - c->sent, MSG_NOSIGNAL);
    if(n < 0 && errno == EINTR)
      continue;
    if(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    if(n < 0) {
      lost++;
      note(first_unexpected, strerror(errno));
      drop(c, DONE);
      return;
    }
    c->sent += (size_t)n;
  }
}

int main(int argc, char **argv)
{
  if(argc != 4) {
    fprintf(stderr, "usage: loadclient SOCKET CLIENTS COMMANDS\n");
    return 2;
  }
  sock_path = argv[1];
  int n = atoi(argv[2]);
  n_commands = atol(argv[3]);
  if(n < 1 || n_commands < 1)
    return 2;
  struct rlimit rl;
  if(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 16) {
    rl.rlim_cur = rl.rlim_max < (rlim_t)n + 16 ? rl.rlim_max : (rlim_t)n + 16;
    setrlimit(RLIMIT_NOFILE, &rl);
  }

  static const char *const cmds[] = {"status\n", "ping\n", "list\n"};
  script = malloc((size_t)n_commands * 8);
  for(long i = 0; i < n_commands; i++) {
    size_t l = strlen(cmds[i % 3]);
    memcpy(script + script_len, cmds[i % 3], l);
    script_len += l;
  }
  client *cl = calloc((size_t)n, sizeof(*cl));
  struct pollfd *pf = calloc((size_t)n, sizeof(*pf));
  int *idx = calloc((size_t)n, sizeof(*idx));
  long long t0 = now_ms();

  /* All at once: every connection is made before any client says a word. */
  for(int i = 0; i < n; i++) {
    cl[i].fd = connect_to();
    cl[i].phase = GREETING;
    if(cl[i].fd < 0) {
      lost++;
      note(first_unexpected, strerror(errno));
      cl[i].phase = DONE;
    }
  }
  /* Round one: every client's first line, before any command is sent. */
  for(;;) {
    int m = 0;
    for(int i = 0; i < n; i++)
      if(cl[i].fd >= 0 && cl[i].phase == GREETING) {
        pf[m] = (struct pollfd){.fd = cl[i].fd, .events = POLLIN};
        idx[m++] = i;
      }
    if(!m)
      break;
    if(now_ms() - t0 > TIME_LIMIT_MS) {
      note(first_unexpected, "(time limit: some clients got no first line)");
      break;
    }
    if(poll(pf, (nfds_t)m, 1000) < 0 && errno != EINTR)
      break;
    for(int k = 0; k < m; k++)
      if(pf[k].revents)
        on_readable(&cl[idx[k]], 1);
  }
  long long t1 = now_ms();

  /* Round two: the commands; refused clients come back until they are admitted. */
  for(;;) {
    int m = 0, open_or_waiting = 0;
    long long now = now_ms();
    for(int i = 0; i < n; i++) {
      client *c = &cl[i];
      if(c->phase == WAITING && now >= c->retry_at) {
        c->fd = connect_to();
        if(c->fd < 0) {
          c->retry_at = now + RETRY_MS;
        }
        else
          c->phase = GREETING;
      }
      if(c->phase == WAITING)
        open_or_waiting++;
      if(c->fd >= 0 && c->phase != DONE) {
        short ev = POLLIN;
        if(c->phase == RUNNING && c->sent < script_len)
          ev |= POLLOUT;
        pf[m] = (struct pollfd){.fd = c->fd, .events = ev};
        idx[m++] = i;
        open_or_waiting++;
      }
    }
    if(!open_or_waiting)
      break;
    if(now - t0 > TIME_LIMIT_MS) {
      note(first_unexpected, "(time limit)");
      break;
    }
    if(poll(pf, (nfds_t)m, RETRY_MS) < 0 && errno != EINTR)
      break;
    for(int k = 0; k < m; k++) {
      client *c = &cl[idx[k]];
      if(pf[k].revents & POLLOUT)
        on_writable(c);
      if(c->fd >= 0 && (pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
        on_readable(c, 0);
    }
  }
  long long t2 = now_ms();

  long complete = 0;
  for(int i = 0; i < n; i++)
    if(cl[i].phase == DONE && cl[i].replies == n_commands && cl[i].acks == 0)
      complete++;
  printf("clients=%d commands_each=%ld admitted_first=%ld refused_first=%ld refusals=%ld "
         "complete_clients=%ld ok=%ld acks=%ld unexpected=%ld lost=%ld first_round_ms=%lld "
         "total_ms=%lld\n",
         n, n_commands, admitted_first, refused_first, refusals, complete, ok_replies,
         ack_replies, unexpected, lost, t1 - t0, t2 - t0);
  if(first_refusal[0])
    printf("refusal: %s\n", first_refusal);
  if(first_unexpected[0])
    printf("problem: %s\n", first_unexpected);
  free(idx);
  free(pf);
  free(cl);
  free(script);
  return complete == n && !unexpected && !lost && !ack_replies ? 0 : 1;
}
