/* pingrtt — round trips of a command on one connection to coachd (either of its sockets:
 * coach's or MPD's), for tests/bench/run. A benchmark instrument: it prints figures and
 * leaves judging to the caller.
 *
 *   pingrtt SOCKET SECONDS [COMMAND]
 *
 * Connects once, then sends COMMAND (default "ping") and waits for the end of its reply
 * ("OK" or an ACK line), again and again with 1 ms between, for SECONDS. Prints one line per
 * round trip, "T_MS RTT_MS": when it was sent (the wall clock, ms since 1970, to compare
 * with `date +%s%N` in a script) and how long the answer took (the monotonic clock). Exit status 0, or 2 when it cannot connect or the daemon hangs up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static double clock_ms(clockid_t id)
{
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
  return clock_ms(CLOCK_MONOTONIC);
}

/* Reads until a line that ends a reply; false on EOF or error. */
static int read_reply(int fd, char *buf, size_t cap, size_t *len)
{
  for(;;) {
    char *start = buf, *nl;
    while((nl = memchr(start, '\n', *len - (size_t)(start - buf)))) {
      int last = !strncmp(start, "OK", 2) || !strncmp(start, "ACK ", 4);
      start = nl + 1;
      if(last) {
        *len -= (size_t)(start - buf);
        memmove(buf, start, *len);
        return 1;
      }
    }
    *len -= (size_t)(start - buf);
    memmove(buf, start, *len);
    if(*len == cap)
      *len = 0; /* a reply line longer than the buffer: only its end matters */
    ssize_t n = read(fd, buf + *len, cap - *len);
    if(n <= 0) {
      if(n < 0 && errno == EINTR)
        continue;
      return 0;
    }
    *len += (size_t)n;
  }
}

int main(int argc, char **argv)
{
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  char buf[65536], line[256];
  size_t len = 0;
  int fd;

  if(argc < 3 || argc > 4 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
    fputs("usage: pingrtt SOCKET SECONDS [COMMAND]\n", stderr);
    return 2;
  }
  double seconds = atof(argv[2]);
  snprintf(line, sizeof(line), "%s\n", argc > 3 ? argv[3] : "ping");
  memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if(fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
    fprintf(stderr, "pingrtt: %s: %s\n", argv[1], strerror(errno));
    return 2;
  }
  if(!read_reply(fd, buf, sizeof(buf), &len)) { /* "OK coach 1", or MPD's greeting */
    fputs("pingrtt: no greeting\n", stderr);
    return 2;
  }
  double end = now_ms() + seconds * 1000.0;
  while(now_ms() < end) {
    double t0 = now_ms();
    if(write(fd, line, strlen(line)) != (ssize_t)strlen(line) ||
       !read_reply(fd, buf, sizeof(buf), &len)) {
      fputs("pingrtt: the daemon hung up\n", stderr);
      return 2;
    }
    printf("%.3f %.3f\n", clock_ms(CLOCK_REALTIME) - (now_ms() - t0), now_ms() - t0);
    struct timespec pause = {0, 1000000};
    nanosleep(&pause, NULL);
  }
  close(fd);
  return 0;
}
