/* speech_worker — the proxy that runs speech in a child process: the coach-speech program
 * (src/worker/coach_speech.c), spoken to in speech_wire.h's format over a SOCK_STREAM
 * socketpair.
 *
 * The parent's end is non-blocking and every wait is a poll() bounded by the request's
 * deadline, so a worker that stops answering (or stops reading) costs at most the timeout.
 */
#include "speech_worker.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock_ms.h"
#include "paths.h"
#include "speech.h"
#include "speech_wire.h"

extern char **environ;

#define CHILD_FD 3         /* the worker's end of the socketpair, in the worker */
#define WHY_MAX SPEECH_WIRE_WHY_MAX
#define CLOSE_WAIT_MS 500  /* speech_worker_close(): grace before SIGKILL */
/* What to do about a worker program that is missing or of another version. */
#define REINSTALL                                                                           \
  "reinstall coach, or build it (cmake --build) when coachd runs from a build tree"

enum {
  REQ_VOICE = SPEECH_WIRE_VOICE,
  REQ_SYNTH = SPEECH_WIRE_SYNTH,
};

struct speech_worker {
  pid_t pid;            /* the running worker, -1 when none runs */
  int fd;               /* our end of its socketpair (non-blocking), -1 when none runs */
  int prog_fd;          /* the worker program, opened once: what every worker runs */
  char *program;        /* its path, for messages */
  const char *name;     /* its file name (in program): the worker's argv[0] */
  char *voices_dir;     /* owned copy; NULL when there is none */
  voice_settings voice; /* what the last successful set_voice asked for */
  bool has_voice;
  int timeout_ms;
  speech_worker_log_fn log;
  void *log_ctx;
  speech_worker_wait_fn wait;   /* called every SPEECH_WORKER_WAIT_TICK_MS while waiting */
  void *wait_ctx;
  char err[WHY_MAX];    /* why the last synthesis failed */
};

/* How one exchange with the worker ended. */
typedef enum exchange {
  XCH_OK,      /* a well-formed reply arrived */
  XCH_DEAD,    /* EOF, reset or a broken pipe: the worker is gone */
  XCH_TIMEOUT, /* no answer before the deadline */
  XCH_BAD,     /* a reply out of bounds */
  XCH_NOMEM,   /* no room here for the reply */
} exchange;

static void news(const speech_worker *w, bool trouble, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void news(const speech_worker *w, bool trouble, const char *fmt, ...)
{
  char line[640];
  va_list ap;
  if(!w->log)
    return;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  w->log(w->log_ctx, trouble, line);
}

/* ---- parent side: bounded I/O ------------------------------------------------------- */

static exchange wait_fd(const speech_worker *w, int fd, short events, int64_t deadline)
{
  for(;;) {
    int64_t left = deadline - clock_ms_now();
    if(left <= 0)
      return XCH_TIMEOUT;
    /* With a wait hook, wake up every tick to run it (the player keeps mixing). */
    if(w->wait && left > SPEECH_WORKER_WAIT_TICK_MS)
      left = SPEECH_WORKER_WAIT_TICK_MS;
    struct pollfd pfd = {.fd = fd, .events = events};
    int r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
    if(r > 0)
      return XCH_OK; /* readable, writable, or hung up: the next call tells which */
    if(r == 0) {
      if(w->wait)
        w->wait(w->wait_ctx);
      continue; /* the deadline check above ends it */
    }
    if(errno != EINTR)
      return XCH_DEAD;
  }
}

static exchange send_all(const speech_worker *w, int fd, const void *buf, size_t n,
                         int64_t deadline)
{
  const char *p = buf;
  while(n) {
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if(k > 0) {
      p += k;
      n -= (size_t)k;
    }
    else if(k < 0 && errno == EINTR)
      continue;
    else if(k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      exchange x = wait_fd(w, fd, POLLOUT, deadline);
      if(x)
        return x;
    }
    else
      return XCH_DEAD; /* EPIPE, ECONNRESET */
  }
  return XCH_OK;
}

static exchange recv_all(const speech_worker *w, int fd, void *buf, size_t n,
                         int64_t deadline)
{
  char *p = buf;
  while(n) {
    ssize_t k = recv(fd, p, n, 0);
    if(k > 0) {
      p += k;
      n -= (size_t)k;
    }
    else if(k == 0)
      return XCH_DEAD;
    else if(errno == EINTR)
      continue;
    else if(errno == EAGAIN || errno == EWOULDBLOCK) {
      exchange x = wait_fd(w, fd, POLLIN, deadline);
      if(x)
        return x;
    }
    else
      return XCH_DEAD;
  }
  return XCH_OK;
}

/* Reads one reply. samples NULL: the reply must carry no audio (a voice, speech's opening);
 * else that of a synthesis, whose success carries a clip. On XCH_OK, *rc is the worker's
 * answer, why holds its reason (may be empty), and on success of a synthesis *samples holds
 * the clip (owned by the caller), *length and *rate its length and rate. */
static exchange read_reply(const speech_worker *w, int64_t deadline, coach_rc *rc, char *why,
                           size_t why_len, int16_t **samples, int64_t *length, int *rate)
{
  speech_wire_reply h;
  char msg[WHY_MAX];
  exchange x = recv_all(w, w->fd, &h, sizeof(h), deadline);
  if(x)
    return x;
  bool clip = samples && h.rc == COACH_OK;
  if(h.rc < COACH_OK || h.rc > COACH_E_STATE || h.why_len >= WHY_MAX ||
     (clip ? h.rate < SPEECH_WORKER_RATE_MIN || h.rate > SPEECH_WORKER_RATE_MAX ||
                 h.length < 0 || h.length > (int64_t)h.rate * SPEECH_WORKER_MAX_SECONDS
           : h.rate != 0 || h.length != 0))
    return XCH_BAD;
  x = recv_all(w, w->fd, msg, h.why_len, deadline);
  if(x)
    return x;
  msg[h.why_len] = '\0';
  int16_t *buf = NULL;
  if(clip) {
    buf = malloc((size_t)(h.length > 0 ? h.length : 1) * sizeof(*buf));
    if(!buf)
      return XCH_NOMEM;
    x = recv_all(w, w->fd, buf, (size_t)h.length * sizeof(*buf), deadline);
    if(x) {
      free(buf);
      return x;
    }
  }
  *rc = (coach_rc)h.rc;
  coach_why(why, why_len, "%s", msg);
  if(clip) {
    *samples = buf;
    *length = h.length;
    *rate = h.rate;
  }
  return XCH_OK;
}

static exchange send_request(const speech_worker *w, uint32_t kind, const void *payload,
                             uint32_t len, int64_t deadline)
{
  speech_wire_request h = {.kind = kind, .len = len};
  exchange x = send_all(w, w->fd, &h, sizeof(h), deadline);
  return x ? x : send_all(w, w->fd, payload, len, deadline);
}

/* ---- parent side: the worker's life --------------------------------------------------- */

static void describe_end(int status, char *how, size_t how_len)
{
  if(WIFSIGNALED(status))
    coach_why(how, how_len, "was killed by signal %d (%s)", WTERMSIG(status),
            strsignal(WTERMSIG(status)));
  else
    coach_why(how, how_len, "exited with status %d", WEXITSTATUS(status));
}

/* Ends the running worker: SIGKILL unless graceful (then closing its socket asks it to exit,
 * and it gets CLOSE_WAIT_MS to do so), and always reaped. Describes how it ended ("was killed
 * by signal 6 (Aborted)") and gives the signal that ended it, or 0. */
static int end_worker(speech_worker *w, bool graceful, char *how, size_t how_len)
{
  int status = 0;
  pid_t got = 0;
  if(w->pid < 0)
    return 0;
  if(!graceful)
    kill(w->pid, SIGKILL);
  close(w->fd);
  w->fd = -1;
  if(graceful) {
    for(int waited = 0; waited < CLOSE_WAIT_MS && got == 0; waited++) {
      got = waitpid(w->pid, &status, WNOHANG);
      if(got == 0) {
        struct timespec ms = {0, 1000000L};
        nanosleep(&ms, NULL);
      }
    }
    if(got == 0)
      kill(w->pid, SIGKILL);
  }
  while(got == 0 || (got < 0 && errno == EINTR))
    got = waitpid(w->pid, &status, 0);
  if(got < 0)
    coach_why(how, how_len, "was lost (%s)", strerror(errno));
  else
    describe_end(status, how, how_len);
  w->pid = -1;
  return got > 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/* Reads the worker's hello and checks that it speaks this wire format. On XCH_OK with *rc
 * not COACH_OK, why says what is wrong with the program. */
static exchange read_hello(const speech_worker *w, int64_t deadline, coach_rc *rc, char *why,
                           size_t why_len)
{
  speech_wire_hello h;
  exchange x = recv_all(w, w->fd, &h, sizeof(h), deadline);
  if(x)
    return x;
  *rc = COACH_E_SPEECH;
  if(memcmp(h.magic, SPEECH_WIRE_MAGIC, sizeof(h.magic)) != 0)
    coach_why(why, why_len, "%s is not coach's speech worker (it does not answer as one): "
              REINSTALL, w->program);
  else if(h.version != SPEECH_WIRE_VERSION)
    coach_why(why, why_len, "the speech worker %s belongs to another version of coach (it "
              "speaks wire format %u, this program %d): " REINSTALL, w->program,
              (unsigned)h.version, SPEECH_WIRE_VERSION);
  else
    *rc = COACH_OK;
  return XCH_OK;
}

/* Starts a worker and waits for its speech to be open; re-applies the voice in effect.
 * *died: it started, then was killed before it was ready (from outside: worth a retry). */
static coach_rc start_worker(speech_worker *w, bool *died, char *why, size_t why_len)
{
  *died = false;
  int sv[2];
  if(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    coach_why(why, why_len, "cannot start the speech worker: socketpair: %s", strerror(errno));
    return COACH_E_SPEECH;
  }
  /* The worker's end becomes CHILD_FD by dup2, which only clears close-on-exec when the
   * numbers differ: so never hand over the end that already is CHILD_FD. */
  int mine = sv[0], theirs = sv[1];
  if(theirs == CHILD_FD) {
    mine = sv[1];
    theirs = sv[0];
  }
  char exe[40], wire_arg[24], fd_arg[16];
  snprintf(exe, sizeof(exe), "/proc/self/fd/%d", w->prog_fd);
  snprintf(wire_arg, sizeof(wire_arg), "%s%d", SPEECH_WIRE_ARG, SPEECH_WIRE_VERSION);
  snprintf(fd_arg, sizeof(fd_arg), "%d", CHILD_FD);
  /* argv[0] is the program's name, so ps shows "coach-speech", not the descriptor's path. */
  char *argv[] = {(char *)w->name, wire_arg, fd_arg, w->voices_dir, NULL};

  /* posix_spawn (vfork + exec in glibc): nothing runs between fork and exec that a
   * multi-threaded parent could trip over. The worker starts with no signal blocked (coachd
   * blocks SIGTERM/SIGINT/SIGHUP in all its threads for its signalfd) and SIGPIPE back at its
   * default (coachd ignores it); it closes any descriptor it inherits but stdio and its socket
   * itself, since closing them here would close prog_fd before the exec needs it
   * (close-on-exec closes it after). */
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, theirs, CHILD_FD);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid;
  int e = posix_spawn(&pid, exe, &fa, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(theirs);
  if(e != 0) {
    close(mine);
    coach_why(why, why_len, "cannot start the speech worker %s: %s; " REINSTALL, w->program,
              strerror(e));
    return COACH_E_SPEECH;
  }
  fcntl(mine, F_SETFL, fcntl(mine, F_GETFL) | O_NONBLOCK);
  w->pid = pid;
  w->fd = mine;

  /* Its first words: its wire format, then how speech_open() went. */
  coach_rc rc = COACH_E_SPEECH;
  char msg[WHY_MAX] = "";
  int64_t deadline = clock_ms_now() + w->timeout_ms;
  bool hello = false;
  exchange x = read_hello(w, deadline, &rc, msg, sizeof(msg));
  if(!x && !rc) {
    hello = true;
    x = read_reply(w, deadline, &rc, msg, sizeof(msg), NULL, NULL, NULL);
  }
  if(!x && !rc && w->has_voice) {
    coach_rc voice_rc = COACH_E_SPEECH;
    x = send_request(w, REQ_VOICE, &w->voice, sizeof(w->voice), deadline);
    if(!x)
      x = read_reply(w, deadline, &voice_rc, msg, sizeof(msg), NULL, NULL, NULL);
    if(!x && voice_rc) {
      /* It worked before (a voice file since removed?): speak with the defaults rather than
       * not at all; the next set_voice chooses again. */
      news(w, true, "the new speech worker cannot take the voice again (%s): using the default",
           msg);
      w->has_voice = false;
    }
  }
  if(x || rc) {
    char how[160] = "";
    /* Dead already (EOF), or a worker of ours that could not open speech and exits: let it
     * end by itself, so its status is its own. Anything else may never stop: killed. */
    int sig = end_worker(w, x == XCH_DEAD || (x == XCH_OK && hello), how, sizeof(how));
    *died = x == XCH_DEAD && sig != 0;
    if(x == XCH_TIMEOUT)
      coach_why(why, why_len, "the speech worker %s did not answer within %.1f s of starting",
                w->program, w->timeout_ms / 1000.0);
    else if(x == XCH_NOMEM)
      coach_why(why, why_len, "out of memory for the speech worker's answer");
    else if(x == XCH_BAD)
      coach_why(why, why_len, "the speech worker %s sent a malformed answer while starting: "
                REINSTALL, w->program);
    else if(x && !hello && !*died)
      coach_why(why, why_len, "the speech worker %s %s before it said which version it is: "
                REINSTALL, w->program, how);
    else if(x)
      coach_why(why, why_len, "the speech worker %s while starting", how);
    else
      coach_why(why, why_len, "%s", msg[0] ? msg : coach_rc_str(rc));
    return x == XCH_NOMEM ? COACH_E_NOMEM : x ? COACH_E_SPEECH : rc;
  }
  return COACH_OK;
}

/* Printable excerpt of a text for a log line: no control bytes, no half characters. */
static void excerpt(const char *text, uint32_t len, char *buf, size_t buf_len)
{
  size_t n = 0, cap = buf_len - 4;
  for(uint32_t i = 0; i < len && n < cap; i++) {
    unsigned char c = (unsigned char)text[i];
    buf[n++] = c >= 0x20 && c < 0x7f && c != '"' ? (char)c : '?';
  }
  if(n == cap && len > cap) {
    memcpy(buf + n, "...", 3);
    n += 3;
  }
  buf[n] = '\0';
}

/* One request with the retry policy of the header: a worker that dies is replaced and the
 * request sent once more; a second death, a timeout or a malformed reply refuses it. */
static coach_rc call(speech_worker *w, uint32_t kind, const void *payload, uint32_t len,
                     int16_t **samples, int64_t *length, int *rate, char *why, size_t why_len)
{
  char what[80];
  bool text = kind != REQ_VOICE;
  const char *subject = text ? "text" : "voice";
  const char *outcome = text ? "the text was refused" : "the voice stays as it was";
  if(text) {
    char ex[48];
    excerpt(payload, len, ex, sizeof(ex));
    snprintf(what, sizeof(what), "speaking \"%s\"", ex);
  }
  else
    snprintf(what, sizeof(what), "setting the voice");
  if(w->pid > 0) { /* died while idle (killed, OOM): replaced without costing an attempt */
    int status;
    if(waitpid(w->pid, &status, WNOHANG) == w->pid) {
      char how[160];
      int pid = (int)w->pid;
      describe_end(status, how, sizeof(how));
      close(w->fd);
      w->fd = -1;
      w->pid = -1;
      news(w, true, "speech worker %d %s while idle; starting a new one", pid, how);
    }
  }
  for(int attempt = 1;; attempt++) {
    if(w->pid < 0) {
      bool died;
      coach_rc rc = start_worker(w, &died, why, why_len);
      if(rc) {
        news(w, true, "%s%s", why, died && attempt == 1 ? "; trying once more with a new worker" : "");
        if(died && attempt == 1)
          continue;
        return rc;
      }
      news(w, false, "speech worker %d started", (int)w->pid);
    }
    coach_rc rc = COACH_E_SPEECH;
    int64_t deadline = clock_ms_now() + w->timeout_ms;
    exchange x = send_request(w, kind, payload, len, deadline);
    if(!x)
      x = read_reply(w, deadline, &rc, why, why_len, samples, length, rate);
    if(!x)
      return rc;

    int pid = (int)w->pid;
    char how[160] = "";
    int sig = end_worker(w, false, how, sizeof(how));
    switch(x) {
    case XCH_TIMEOUT:
      coach_why(why, why_len, "speech synthesis did not finish within %.1f s on this %s; %s",
              w->timeout_ms / 1000.0, subject, outcome);
      news(w, true, "speech worker %d did not answer within %.1f s while %s: killed it; %s", pid,
           w->timeout_ms / 1000.0, what, outcome);
      return COACH_E_SPEECH;
    case XCH_BAD:
      coach_why(why, why_len, "the speech worker sent a malformed answer; %s", outcome);
      news(w, true, "speech worker %d sent a malformed answer while %s: killed it; %s", pid, what,
           outcome);
      return COACH_E_SPEECH;
    case XCH_NOMEM:
      coach_why(why, why_len, "out of memory for the speech worker's answer");
      return COACH_E_NOMEM;
    default: /* XCH_DEAD: retried once, on a fresh worker */
      news(w, true, "speech worker %d %s while %s; %s", pid, how, what,
           attempt == 1 ? "trying once more with a new worker" : outcome);
      if(attempt == 1)
        continue;
      if(sig)
        coach_why(why, why_len, "speech synthesis crashed on this %s (signal %d, %s); %s",
                subject, sig, strsignal(sig), outcome);
      else
        coach_why(why, why_len, "the speech worker %s on this %s; %s", how, subject, outcome);
      return COACH_E_SPEECH;
    }
  }
}

static void free_worker(speech_worker *w)
{
  if(w->prog_fd >= 0)
    close(w->prog_fd);
  free(w->program);
  free(w->voices_dir);
  free(w);
}

/* Opens the worker program once, for every worker to run: even after a package upgrade has
 * replaced it on disk, the workers stay the version this proxy checked. */
static coach_rc open_program(speech_worker *w, char *why, size_t why_len)
{
  struct stat st;
  int fd = open(w->program, O_RDONLY | O_CLOEXEC);
  if(fd < 0) {
    if(errno == ENOENT)
      coach_why(why, why_len, "the speech worker %s is missing: " REINSTALL, w->program);
    else
      coach_why(why, why_len, "the speech worker %s cannot be opened (%s): " REINSTALL,
                w->program, strerror(errno));
    return COACH_E_SPEECH;
  }
  if(fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
    close(fd);
    coach_why(why, why_len, "the speech worker %s is not an executable file: " REINSTALL,
              w->program);
    return COACH_E_SPEECH;
  }
  if(fd <= CHILD_FD) { /* the worker's socket takes CHILD_FD before the exec */
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, CHILD_FD + 1);
    int e = errno;
    close(fd);
    if(moved < 0) {
      coach_why(why, why_len, "cannot keep the speech worker %s open: %s", w->program,
                strerror(e));
      return COACH_E_SPEECH;
    }
    fd = moved;
  }
  w->prog_fd = fd;
  return COACH_OK;
}

coach_rc speech_worker_open(const char *program, const char *voices_dir, speech_worker **out,
                            char *why, size_t why_len)
{
  if(!out) {
    coach_why(why, why_len, "no place for the speech worker");
    return COACH_E_INVALID;
  }
  char found[PATHS_MAX];
  if(!program) {
    coach_rc rc = paths_speech_worker(found, sizeof(found));
    if(rc) {
      coach_why(why, why_len, "cannot tell where the speech worker is: %s", coach_rc_str(rc));
      return rc;
    }
    program = found;
  }
  speech_worker *w = calloc(1, sizeof(*w));
  if(!w) {
    coach_why(why, why_len, "out of memory");
    return COACH_E_NOMEM;
  }
  w->pid = -1;
  w->fd = -1;
  w->prog_fd = -1;
  w->timeout_ms = SPEECH_WORKER_TIMEOUT_MS;
  w->program = strdup(program);
  if(!w->program || (voices_dir && !(w->voices_dir = strdup(voices_dir)))) {
    free_worker(w);
    coach_why(why, why_len, "out of memory");
    return COACH_E_NOMEM;
  }
  const char *slash = strrchr(w->program, '/');
  w->name = slash ? slash + 1 : w->program;
  coach_rc rc = open_program(w, why, why_len);
  if(!rc) {
    bool died;
    rc = start_worker(w, &died, why, why_len);
  }
  if(rc) {
    free_worker(w);
    return rc;
  }
  *out = w;
  return COACH_OK;
}

void speech_worker_set_wait(speech_worker *w, speech_worker_wait_fn fn, void *ctx)
{
  w->wait = fn;
  w->wait_ctx = ctx;
}

void speech_worker_set_log(speech_worker *w, speech_worker_log_fn fn, void *ctx)
{
  w->log = fn;
  w->log_ctx = ctx;
}

void speech_worker_set_timeout(speech_worker *w, int timeout_ms)
{
  w->timeout_ms = timeout_ms > 0 ? timeout_ms : SPEECH_WORKER_TIMEOUT_MS;
}

coach_rc speech_worker_set_voice(speech_worker *w, const voice_settings *v, char *why,
                                 size_t why_len)
{
  if(!w) {
    coach_why(why, why_len, "no speech engine");
    return COACH_E_INVALID;
  }
  /* NULL means every default: the worker reads fields at -1 / "" the same way. Copied field
   * by field so that no byte after the name's NUL goes on the wire uninitialised. */
  voice_settings want = {.name = "", .rate = -1, .pitch = -1, .volume = -1};
  if(v) {
    size_t n = strnlen(v->name, sizeof(v->name));
    if(n == sizeof(v->name)) {
      coach_why(why, why_len, "voice name is not terminated");
      return COACH_E_INVALID;
    }
    memcpy(want.name, v->name, n);
    want.rate = v->rate;
    want.pitch = v->pitch;
    want.volume = v->volume;
    want.engine = v->engine;
  }
  char msg[WHY_MAX] = "";
  coach_rc rc = call(w, REQ_VOICE, &want, sizeof(want), NULL, NULL, NULL, msg, sizeof(msg));
  if(rc == COACH_OK) {
    w->voice = want;
    w->has_voice = true;
  }
  else
    coach_why(why, why_len, "%s", msg[0] ? msg : coach_rc_str(rc));
  return rc;
}

coach_rc speech_worker_synth(speech_worker *w, const char *text, int16_t **samples,
                             int64_t *length, int *rate)
{
  if(!w || !text || !samples || !length || !rate)
    return COACH_E_INVALID;
  w->err[0] = '\0';
  size_t len = strnlen(text, SPEECH_TEXT_MAX + 1);
  if(len > SPEECH_TEXT_MAX) {
    snprintf(w->err, sizeof(w->err), "text longer than %d bytes", SPEECH_TEXT_MAX);
    return COACH_E_LIMIT;
  }
  coach_rc rc = call(w, REQ_SYNTH, text, (uint32_t)len, samples, length, rate, w->err,
                     sizeof(w->err));
  if(rc && !w->err[0])
    snprintf(w->err, sizeof(w->err), "%s", coach_rc_str(rc));
  return rc;
}

const char *speech_worker_last_error(const speech_worker *w)
{
  return w && w->err[0] ? w->err : "no error";
}

pid_t speech_worker_pid(const speech_worker *w)
{
  return w ? w->pid : -1;
}

void speech_worker_rest(speech_worker *w)
{
  char how[160];
  if(w && w->pid > 0)
    end_worker(w, true, how, sizeof(how));
}

void speech_worker_close(speech_worker *w)
{
  if(!w)
    return;
  char how[160];
  end_worker(w, true, how, sizeof(how));
  free_worker(w);
}
