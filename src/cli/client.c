/* The commands `coach` sends to coachd (start, stop, status, ...): a thin client, as tmux's,
 * that sends one protocol line and exits with the daemon's verdict: 0 on OK; on ACK the
 * message on stderr and status 1. `start` (and `say`) start coachd when none answers, as
 * speech-dispatcher's clients do, unless --no-start or COACH_NO_AUTOSTART=1. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "paths.h"
#include "protocol.h"

#define REPLY_LINE_MAX 8192
#define AUTOSTART_WAIT_MS 10000
#define WATCH_PROGRESS_MS 5000

typedef struct conn {
  int fd;
  char buf[REPLY_LINE_MAX];
  size_t len;
} conn;

static int connect_socket(const char *path)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if(strlen(path) >= sizeof(addr.sun_path)) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(addr.sun_path, path, strlen(path) + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if(fd < 0)
    return -1;
  if(connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* Reads one line (without the newline) into line; false on EOF or error or timeout. */
static bool read_line(conn *c, char *line, size_t len, int timeout_ms)
{
  for(;;) {
    char *nl = memchr(c->buf, '\n', c->len);
    if(nl) {
      size_t n = (size_t)(nl - c->buf);
      if(n >= len)
        n = len - 1;
      memcpy(line, c->buf, n);
      line[n] = '\0';
      size_t used = (size_t)(nl - c->buf) + 1;
      memmove(c->buf, c->buf + used, c->len - used);
      c->len -= used;
      return true;
    }
    if(c->len == sizeof(c->buf))
      return false; /* a line longer than any the daemon sends */
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    int r = poll(&pfd, 1, timeout_ms);
    if(r < 0 && errno == EINTR)
      continue;
    if(r <= 0)
      return false;
    ssize_t got = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
    if(got < 0 && errno == EINTR)
      continue;
    if(got <= 0)
      return false;
    c->len += (size_t)got;
  }
}

static bool send_all(int fd, const char *s, size_t n)
{
  while(n > 0) {
    ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
    if(w < 0 && errno == EINTR)
      continue;
    if(w <= 0)
      return false;
    s += w;
    n -= (size_t)w;
  }
  return true;
}

static const char *coachd_path(char *buf, size_t len)
{
  /* The coachd beside this coach (build tree or install), else the one on PATH. */
  char self[PATH_MAX - 16];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if(n > 0) {
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if(slash) {
      *slash = '\0';
      snprintf(buf, len, "%s/coachd", self);
      if(access(buf, X_OK) == 0)
        return buf;
    }
  }
  return "coachd";
}

static bool autostart_allowed(int argc, char **argv)
{
  const char *env = getenv("COACH_NO_AUTOSTART");
  if(env && *env && strcmp(env, "0") != 0)
    return false;
  for(int i = 0; i < argc; i++)
    if(!strcmp(argv[i], "--no-start"))
      return false;
  return true;
}

/* Starts coachd in the background, its log next to its socket, and waits for the socket. */
static int autostart(const char *socket_path)
{
  char exe[PATH_MAX], logpath[PATHS_MAX];
  const char *bin = coachd_path(exe, sizeof(exe));
  snprintf(logpath, sizeof(logpath), "%s", socket_path);
  char *slash = strrchr(logpath, '/');
  if(slash) {
    *slash = '\0';
    mkdir(logpath, 0700);
    strcat(logpath, "/coachd.log");
  }
  pid_t pid = fork();
  if(pid < 0)
    return -1;
  if(pid == 0) {
    setsid();
    int null = open("/dev/null", O_RDWR);
    int log = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if(null >= 0) {
      dup2(null, STDIN_FILENO);
      dup2(log >= 0 ? log : null, STDOUT_FILENO);
      /* Without a log (its folder cannot be made: XDG_RUNTIME_DIR missing, say), coachd's
       * messages, which say why it cannot start, go to this terminal. */
      if(log >= 0)
        dup2(log, STDERR_FILENO);
    }
    /* A second fork so coachd is not our child: this coach may exit at once. */
    if(fork() != 0)
      _exit(0);
    execlp(bin, bin, "--socket", socket_path, (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  for(int waited = 0; waited < AUTOSTART_WAIT_MS; waited += 10) {
    int fd = connect_socket(socket_path);
    if(fd >= 0)
      return fd;
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
  if(access(logpath, F_OK) == 0)
    fprintf(stderr, "coach: started coachd, but it did not answer within %d s (its log: %s)\n",
            AUTOSTART_WAIT_MS / 1000, logpath);
  else
    fprintf(stderr, "coach: started coachd, but it did not answer within %d s (it could not "
            "write its log at %s; what it said is above)\n", AUTOSTART_WAIT_MS / 1000, logpath);
  errno = ETIMEDOUT;
  return -2;
}

/* Connects and reads the greeting. When absent is not NULL and no coachd answers (and none
 * is started), *absent is set and nothing is printed, so the caller can do without it. */
static bool open_conn(conn *c, bool may_start, bool *absent)
{
  char path[PATHS_MAX];
  if(paths_socket(path, sizeof(path)) != COACH_OK) {
    fprintf(stderr, "coach: no socket path: set XDG_RUNTIME_DIR or COACH_SOCKET\n");
    return false;
  }
  c->len = 0;
  c->fd = connect_socket(path);
  bool not_there = c->fd < 0 && (errno == ENOENT || errno == ECONNREFUSED);
  if(not_there && may_start)
    c->fd = autostart(path);
  else if(not_there && absent) {
    *absent = true;
    return false;
  }
  if(c->fd < 0) {
    if(c->fd == -1)
      fprintf(stderr, "coach: coachd is not running (no answer on %s: %s); start it with "
                      "`coachd &` or `systemctl --user start coachd.socket`\n",
              path, strerror(errno));
    return false;
  }
  char line[REPLY_LINE_MAX];
  int version;
  if(!read_line(c, line, sizeof(line), 5000) || !protocol_parse_greeting(line, &version)) {
    protocol_ack_line ack;
    if(protocol_parse_ack(line, &ack))
      fprintf(stderr, "coach: %s\n", ack.message);
    else
      fprintf(stderr, "coach: %s does not answer like coachd\n", path);
    close(c->fd);
    return false;
  }
  return true;
}

/* Sends argv as one command and prints the reply's lines; returns the exit status. */
static int transact(conn *c, int argc, char **argv, bool quiet)
{
  char line[REPLY_LINE_MAX];
  if(protocol_format_command(line, sizeof(line), argc, argv) != COACH_OK) {
    fprintf(stderr, "coach: the command is too long or has characters that cannot be sent\n");
    return 2;
  }
  if(!send_all(c->fd, line, strlen(line))) {
    fprintf(stderr, "coach: lost the connection to coachd\n");
    return 1;
  }
  while(read_line(c, line, sizeof(line), -1)) {
    protocol_ack_line ack;
    if(!strcmp(line, "OK"))
      return 0;
    if(protocol_parse_ack(line, &ack)) {
      fprintf(stderr, "coach: %s\n", ack.message);
      return 1;
    }
    if(!quiet)
      printf("%s\n", line);
  }
  fprintf(stderr, "coach: coachd closed the connection without an answer\n");
  return 1;
}

static int run_simple(const cli_command *self, int argc, char **argv)
{
  /* Options of the client itself are not sent. */
  char *args[32];
  int n = 0;
  for(int i = 0; i < argc; i++) {
    if(!strcmp(argv[i], "--no-start"))
      continue;
    if(n == 32)
      return cli_usage(self);
    args[n++] = argv[i];
  }
  if(n - 1 < self->min_args || (self->max_args >= 0 && n - 1 > self->max_args))
    return cli_usage(self);
  bool may_start = (!strcmp(self->name, "start") || !strcmp(self->name, "say")) &&
                   autostart_allowed(argc, argv);
  conn c;
  if(!open_conn(&c, may_start, NULL))
    return 1;
  int status = transact(&c, n, args, false);
  close(c.fd);
  return status;
}

/* --- watch: one line per change, and progress every few seconds --------------------- */

static void print_progress(conn *c)
{
  char line[REPLY_LINE_MAX];
  char state[32] = "", name[64] = "", step[200] = "", breath[16] = "", error[256] = "";
  double elapsed = 0, duration = 0;
  char cmd[] = "status\n";
  if(!send_all(c->fd, cmd, strlen(cmd)))
    return;
  while(read_line(c, line, sizeof(line), 5000)) {
    char *k, *v;
    if(!strcmp(line, "OK") || !strncmp(line, "ACK", 3))
      break;
    if(!protocol_parse_kv(line, &k, &v))
      continue;
    if(!strcmp(k, "state"))
      snprintf(state, sizeof(state), "%s", v);
    else if(!strcmp(k, "routine"))
      snprintf(name, sizeof(name), "%s", v);
    else if(!strcmp(k, "step"))
      snprintf(step, sizeof(step), "%s", v);
    else if(!strcmp(k, "breath"))
      snprintf(breath, sizeof(breath), "%s", v);
    else if(!strcmp(k, "elapsed"))
      elapsed = atof(v);
    else if(!strcmp(k, "duration"))
      duration = atof(v);
    else if(!strcmp(k, "error"))
      snprintf(error, sizeof(error), "%s", v);
  }
  if(!strcmp(state, "playing") || !strcmp(state, "paused")) {
    int pct = duration > 0 ? (int)(100.0 * elapsed / duration) : 0;
    printf("%s %s %3d%%  %d:%02d/%d:%02d  step %s%s%s\n", state, name, pct,
           (int)elapsed / 60, (int)elapsed % 60, (int)duration / 60, (int)duration % 60, step,
           breath[0] ? ", breathe " : "", breath);
  }
  else
    printf("%s%s%s\n", state, error[0] ? ": " : "", error);
  fflush(stdout);
}

static int run_watch(const cli_command *self, int argc, char **argv)
{
  (void)argv;
  if(argc > 1)
    return cli_usage(self);
  conn c;
  if(!open_conn(&c, false, NULL))
    return 1;
  print_progress(&c);
  char line[REPLY_LINE_MAX];
  for(;;) {
    char cmd[] = "idle player mixer\n";
    if(!send_all(c.fd, cmd, strlen(cmd)))
      break;
    bool changed = false, got_ok = false;
    /* Wait for a change; every few seconds end the wait to show progress. */
    if(!read_line(&c, line, sizeof(line), WATCH_PROGRESS_MS)) {
      char noidle[] = "noidle\n";
      if(!send_all(c.fd, noidle, strlen(noidle)))
        break;
      if(!read_line(&c, line, sizeof(line), 5000))
        break;
    }
    do {
      if(!strcmp(line, "OK")) {
        got_ok = true;
        break;
      }
      if(!strncmp(line, "changed:", 8))
        changed = true;
      else if(!strncmp(line, "ACK", 3))
        break;
    } while(read_line(&c, line, sizeof(line), 5000));
    if(!got_ok)
      break;
    (void)changed;
    print_progress(&c);
  }
  fprintf(stderr, "coach: coachd went away\n");
  close(c.fd);
  return 1;
}

/* --- list: coachd's routines, or the folders' when none runs ----------------------- */

static int run_list(const cli_command *self, int argc, char **argv)
{
  /* --names and --lengths (for shell completion) never need coachd. */
  if(argc > 1)
    return cli_run_offline(self, argc, argv);
  conn c;
  bool absent = false;
  if(!open_conn(&c, false, &absent))
    return absent ? cli_run_offline(self, argc, argv) : 1;
  int status = transact(&c, argc, argv, false);
  close(c.fd);
  return status;
}

const cli_command cli_cmd_start = {.name = "start", .args = "ROUTINE [LENGTH] [--no-start]",
                                   .help = "start a session (starts coachd if needed)",
                                   .run = run_simple,
    .min_args = 1, .max_args = 2};
const cli_command cli_cmd_stop = {.name = "stop", .args = "", .help = "end the session",
                                  .run = run_simple,
    .min_args = 0, .max_args = 0};
const cli_command cli_cmd_pause = {.name = "pause", .args = "", .help = "pause the session",
                                   .run = run_simple,
    .min_args = 0, .max_args = 0};
const cli_command cli_cmd_resume = {.name = "resume", .args = "",
                                    .help = "carry on where it paused", .run = run_simple,
    .min_args = 0, .max_args = 0};
const cli_command cli_cmd_skip = {.name = "skip", .args = "", .help = "go to the next step",
                                  .run = run_simple,
    .min_args = 0, .max_args = 0};
const cli_command cli_cmd_status = {.name = "status", .args = "",
                                    .help = "what is playing, as key: value lines",
                                    .run = run_simple,
    .min_args = 0, .max_args = 0};
const cli_command cli_cmd_list = {.name = "list", .args = "[--names | --lengths ROUTINE]",
                                  .help = "the routines and their lengths", .run = run_list,
    .min_args = 0, .max_args = 2};
const cli_command cli_cmd_say = {.name = "say", .args = "TEXT",
                                 .help = "speak a line now", .run = run_simple,
    .min_args = 1, .max_args = -1};
const cli_command cli_cmd_listen = {.name = "listen", .args = "[on|off]",
                                    .help = "hear spoken commands (\"coach pause\"), or not",
                                    .run = run_simple,
    .min_args = 0, .max_args = 1};
const cli_command cli_cmd_volume = {.name = "volume", .args = "[0-100 | up [N] | down [N]]",
                                    .help = "set, change (by N, 10) or show the volume",
                                    .run = run_simple,
    .min_args = 0, .max_args = 2};
const cli_command cli_cmd_reload = {.name = "reload", .args = "",
                                    .help = "reread settings and routines", .run = run_simple,
    .min_args = 0, .max_args = 0};
const cli_command cli_cmd_remind = {.name = "remind", .args = "",
                                    .help = "say the reminder to move, if it is due",
                                    .run = run_simple,
    .min_args = 0, .max_args = 0};
const cli_command cli_cmd_ping = {.name = "ping", .args = "", .help = "is coachd there?",
                                  .run = run_simple,
    .min_args = 0, .max_args = 0};
const cli_command cli_cmd_watch = {.name = "watch", .args = "",
                                   .help = "print each change of the session as it happens",
                                   .run = run_watch,
    .min_args = 0, .max_args = 0};
