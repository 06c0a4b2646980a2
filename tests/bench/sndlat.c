/* sndlat — how long after a command is spawned the sound at a PulseAudio monitor changes.
 * A benchmark instrument, not a test: it prints a figure and leaves judging to the caller.
 *
 *   sndlat [options] onset   -- CMD [ARGS...]   ms to the first loud sample
 *   sndlat [options] silence -- CMD [ARGS...]   ms to the start of the first quiet run (-q)
 *
 * Options: -m MONITOR   source to record (default $PULSE_MONITOR)
 *          -t N         loud means |sample| > N (16-bit units, default 300, as soundstat)
 *          -q MS        quiet run for silence (default 100, as soundstat)
 *          -s MS        recording before the command is spawned (default 400)
 *          -T S         give up after S seconds (default 10)
 *
 * Output, one line on stdout:
 *   onset_ms 3.2 cmd_ms 2.1 [pre_loud]
 *   silence_ms 12.0 cmd_ms 2.1 step_before 1234 step_fade 567 [pre_quiet]
 * cmd_ms is when CMD exited (for a client: when its request was answered), to the ~1 ms the
 * recorder's reads give.
 * pre_loud / pre_quiet flag a run whose premise failed (sound already there before an onset,
 * no sound to silence). step_before is the largest sample-to-sample step in the 300 ms before
 * the command, step_fade the largest from the command to the end of the fade: a click (a cut
 * to zero) shows as step_fade well above step_before, a clean fade keeps it at or below.
 * Exit status: 0 found, 1 not found in time (reason on stderr), 2 usage or setup failure.
 *
 * Method: parec the monitor with 1 ms fragments, and
 * stamp each read with CLOCK_MONOTONIC. The last sample of a read is taken to have arrived
 * "now" and earlier ones 1/48000 s apart before it, so a read that returns a backlog is not
 * credited to the moment it was read. Time 0 is just before fork() of CMD: the figure includes
 * starting the command, as a user (or a script) would see it. The capture path's own delay
 * (about 1 ms) is in every figure alike, so comparisons between commands are fair.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RATE 48000

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int usage(void)
{
  fputs("usage: sndlat [-m MONITOR] [-t N] [-q MS] [-s MS] [-T S] onset|silence -- CMD [ARGS...]\n",
        stderr);
  return 2;
}

/* Everything recorded, with the time of each sample derived from the arrival of its read. */
typedef struct rec {
  int16_t *s;
  double *t; /* ms, same clock as now_ms() */
  size_t n, cap;
} rec;

static int rec_add(rec *r, const unsigned char *buf, size_t bytes, double arrived)
{
  size_t k = bytes / 2, i;
  if(r->n + k > r->cap) {
    size_t cap = r->cap ? r->cap : RATE;
    while(cap < r->n + k)
      cap *= 2;
    int16_t *s = realloc(r->s, cap * sizeof(*s));
    if(!s)
      return -1;
    r->s = s;
    double *t = realloc(r->t, cap * sizeof(*t));
    if(!t)
      return -1;
    r->t = t;
    r->cap = cap;
  }
  for(i = 0; i < k; i++) {
    r->s[r->n + i] = (int16_t)(uint16_t)(buf[2 * i] | (buf[2 * i + 1] << 8));
    r->t[r->n + i] = arrived - (double)(k - 1 - i) * 1000.0 / RATE;
  }
  r->n += k;
  return 0;
}

/* Runs argv with stdin, stdout and stderr on /dev/null, or with stdout on out_fd if >= 0. */
static pid_t spawn(char **argv, int out_fd)
{
  pid_t pid = fork();
  if(pid == 0) {
    int null = open("/dev/null", O_RDWR);
    if(null < 0)
      _exit(127);
    dup2(null, 0);
    dup2(out_fd >= 0 ? out_fd : null, 1);
    dup2(null, 2);
    execvp(argv[0], argv);
    _exit(127);
  }
  return pid;
}

/* Reads what parec has for up to wait_ms; returns -1 at end of stream or on error. */
static int pump(int fd, rec *r, int wait_ms)
{
  static unsigned char buf[65536];
  static unsigned char odd[1];
  static int have_odd;
  struct pollfd p = {.fd = fd, .events = POLLIN};
  int n = poll(&p, 1, wait_ms);
  if(n < 0)
    return errno == EINTR ? 0 : -1;
  if(n == 0)
    return 0;
  size_t off = 0;
  if(have_odd) {
    buf[0] = odd[0];
    off = 1;
  }
  ssize_t got = read(fd, buf + off, sizeof(buf) - off);
  double arrived = now_ms();
  if(got <= 0)
    return -1;
  size_t bytes = off + (size_t)got;
  have_odd = (int)(bytes & 1);
  if(have_odd)
    odd[0] = buf[bytes - 1];
  return rec_add(r, buf, bytes & ~(size_t)1, arrived);
}

static int loud(int16_t v, int threshold)
{
  return abs((int)v) > threshold;
}

/* The largest |s[i] - s[i-1]| for samples stamped in [a, b). */
static int max_step(const rec *r, double a, double b)
{
  int m = 0;
  for(size_t i = 1; i < r->n; i++)
    if(r->t[i] >= a && r->t[i] < b) {
      int d = abs((int)r->s[i] - (int)r->s[i - 1]);
      if(d > m)
        m = d;
    }
  return m;
}

int main(int argc, char **argv)
{
  const char *monitor = getenv("PULSE_MONITOR");
  int threshold = 300, opt;
  double quiet_ms = 100, settle_ms = 400, timeout_s = 10;
  while((opt = getopt(argc, argv, "+m:t:q:s:T:")) != -1) {
    switch(opt) {
    case 'm': monitor = optarg; break;
    case 't': threshold = atoi(optarg); break;
    case 'q': quiet_ms = atof(optarg); break;
    case 's': settle_ms = atof(optarg); break;
    case 'T': timeout_s = atof(optarg); break;
    default: return usage();
    }
  }
  if(optind + 1 >= argc || !monitor || threshold <= 0 || quiet_ms <= 0)
    return usage();
  int onset = !strcmp(argv[optind], "onset");
  if(!onset && strcmp(argv[optind], "silence"))
    return usage();
  optind++;
  if(!strcmp(argv[optind], "--"))
    optind++;
  if(optind >= argc)
    return usage();
  char **cmd = argv + optind;

  int pfd[2];
  /* Close-on-exec: the command under test must not hold the recorder's pipe. dup2() onto
   * parec's stdout clears the flag there. */
  if(pipe2(pfd, O_CLOEXEC)) {
    perror("sndlat: pipe");
    return 2;
  }
  char dev[512];
  snprintf(dev, sizeof(dev), "--device=%s", monitor);
  char *parec[] = {"parec", dev, "--format=s16le", "--rate=48000", "--channels=1", "--raw",
                   "--latency-msec=1", NULL};
  pid_t rec_pid = spawn(parec, pfd[1]);
  close(pfd[1]);
  if(rec_pid < 0) {
    perror("sndlat: fork");
    return 2;
  }

  rec r = {0};
  int rc = 2;
  /* The recorder's first bytes come late and in a lump; record a while before the command
   * so the stream is flowing in 1 ms steps when it matters (and for the pre-roll checks). */
  double first = -1, t0, deadline;
  double start = now_ms();
  while(first < 0 || now_ms() < first + settle_ms) {
    if(pump(pfd[0], &r, 50) < 0 || (first < 0 && now_ms() > start + 5000)) {
      fprintf(stderr, "sndlat: parec on %s gave no sound data\n", monitor);
      goto out;
    }
    if(first < 0 && r.n)
      first = now_ms();
  }
  size_t from = r.n; /* the first sample that arrived after the command was spawned */
  t0 = now_ms();
  pid_t cmd_pid = spawn(cmd, -1);
  if(cmd_pid < 0) {
    perror("sndlat: fork");
    goto out;
  }

  int pre_loud = 0;
  for(size_t i = 0; i < from; i++)
    if(r.t[i] >= t0 - 200 && loud(r.s[i], threshold))
      pre_loud = 1;

  size_t need = (size_t)(quiet_ms * RATE / 1000.0), run = 0, i = from;
  double found = 0;
  int have = 0;
  deadline = t0 + timeout_s * 1000.0;
  int status = 0, exited = 0;
  double cmd_ms = -1;
  while(!have && now_ms() < deadline) {
    if(!exited && waitpid(cmd_pid, &status, WNOHANG) == cmd_pid) {
      exited = 1;
      cmd_ms = now_ms() - t0;
    }
    if(pump(pfd[0], &r, 20) < 0) {
      fprintf(stderr, "sndlat: the recorder stopped\n");
      break;
    }
    for(; i < r.n && !have; i++) {
      int l = loud(r.s[i], threshold);
      if(onset && l) {
        found = r.t[i] - t0;
        have = 1;
      }
      else if(!onset) {
        run = l ? 0 : run + 1;
        if(run >= need) {
          found = r.t[i + 1 - run] - t0;
          have = 1;
        }
      }
    }
  }

  double wait_until = now_ms() + timeout_s * 1000.0;
  while(!exited && waitpid(cmd_pid, &status, WNOHANG) == 0) {
    if(now_ms() > wait_until) {
      kill(cmd_pid, SIGKILL);
      waitpid(cmd_pid, &status, 0);
      break;
    }
    usleep(500);
  }
  if(!exited)
    cmd_ms = now_ms() - t0; /* ended after the change; good to the 0.5 ms of the sleep */
  if(!WIFEXITED(status) || WEXITSTATUS(status))
    fprintf(stderr, "sndlat: %s ended with status %d\n", cmd[0],
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));

  if(!have) {
    fprintf(stderr, "sndlat: no %s within %.0f s\n", onset ? "sound" : "silence", timeout_s);
    rc = 1;
    goto out;
  }
  /* A quiet run that began before the command (pre_quiet) counts from the command. */
  if(found < 0.0 && !onset)
    found = 0.0;
  if(onset)
    printf("onset_ms %.1f cmd_ms %.1f%s\n", found, cmd_ms, pre_loud ? " pre_loud" : "");
  else {
    /* Fade region: from the command to a little past the start of the quiet run. */
    int before = max_step(&r, t0 - 300, t0), fade = max_step(&r, t0, t0 + found + 5);
    printf("silence_ms %.1f cmd_ms %.1f step_before %d step_fade %d%s\n", found, cmd_ms,
           before, fade,
           pre_loud ? "" : " pre_quiet");
  }
  rc = 0;
out:
  kill(rec_pid, SIGTERM);
  waitpid(rec_pid, NULL, 0);
  close(pfd[0]);
  free(r.s);
  free(r.t);
  return rc;
}
