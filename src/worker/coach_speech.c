/* coach-speech — coachd's speech worker: eSpeak NG in a process of its own, so that a text
 * that crashes it (speech.h's known hazard) costs only this process.
 *
 *   coach-speech --wire=VERSION FD [VOICES_DIR]
 *
 * coachd's proxy (src/engine/speech_worker.h) starts it with its end of a socketpair as FD,
 * and speaks speech_wire.h's format on it. Single-threaded; serves one request at a time and
 * exits when the socket closes. Not for people to run: it says so and exits 2.
 *
 * It is linked with only what speech needs (speech.c, eSpeak NG, libc): it lives beside a
 * playing coachd, so its resident size counts (README, Memory).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "speech.h"
#include "speech_wire.h"

/* 0: all read; 1: EOF before anything; -1: EOF midway or an error. Blocking fd. */
static int get_all(int fd, void *buf, size_t n)
{
  char *p = buf;
  size_t got = 0;
  while(got < n) {
    ssize_t k = read(fd, p + got, n - got);
    if(k > 0)
      got += (size_t)k;
    else if(k < 0 && errno == EINTR)
      continue;
    else
      return k == 0 && got == 0 ? 1 : -1;
  }
  return 0;
}

static bool put_all(int fd, const void *buf, size_t n)
{
  const char *p = buf;
  while(n) {
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if(k > 0) {
      p += k;
      n -= (size_t)k;
    }
    else if(!(k < 0 && errno == EINTR))
      return false;
  }
  return true;
}

/* A reply's header and why, then the clip's samples when there is one. */
static bool put_reply(int fd, coach_rc rc, const char *why, const int16_t *samples,
                      int64_t length, int rate)
{
  size_t why_len = why ? strnlen(why, SPEECH_WIRE_WHY_MAX - 1) : 0;
  speech_wire_reply h = {.rc = (int32_t)rc, .why_len = (uint32_t)why_len,
                         .length = samples ? length : 0, .rate = samples ? rate : 0};
  return put_all(fd, &h, sizeof(h)) && put_all(fd, why, why_len) &&
         (!samples || put_all(fd, samples, (size_t)length * sizeof(*samples)));
}

/* Opens speech, says how that went, then answers requests until fd reaches EOF. Returns the
 * exit status (0 after a clean EOF). */
static int serve(int fd, const char *voices_dir)
{
  speech *sp = NULL;
  char why[SPEECH_WIRE_WHY_MAX] = "";
  coach_rc rc = speech_open(voices_dir && voices_dir[0] ? voices_dir : NULL, &sp, why,
                            sizeof(why));
  if(!put_reply(fd, rc, why, NULL, 0, 0) || rc) {
    speech_close(sp);
    return 1;
  }
  static char text[SPEECH_TEXT_MAX + 1];
  int status = 0;
  for(;;) {
    speech_wire_request h;
    int r = get_all(fd, &h, sizeof(h));
    if(r) {
      status = r > 0 ? 0 : 1;
      break;
    }
    bool sent;
    if(h.kind == SPEECH_WIRE_VOICE && h.len == sizeof(voice_settings)) {
      voice_settings v;
      if(get_all(fd, &v, sizeof(v))) {
        status = 1;
        break;
      }
      why[0] = '\0';
      rc = speech_set_voice(sp, &v, why, sizeof(why));
      sent = put_reply(fd, rc, why, NULL, 0, 0);
    }
    else if(h.kind == SPEECH_WIRE_SYNTH && h.len <= SPEECH_TEXT_MAX) {
      if(get_all(fd, text, h.len)) {
        status = 1;
        break;
      }
      text[h.len] = '\0';
      int16_t *pcm = NULL;
      int64_t n = 0;
      int rate = 0;
      rc = speech_synth(sp, text, &pcm, &n, &rate);
      sent = put_reply(fd, rc, rc ? speech_last_error(sp) : NULL, pcm, n, rate);
      free(pcm);
    }
    else {
      fprintf(stderr, "coach-speech: malformed request (kind %u, %u bytes)\n", h.kind, h.len);
      status = 2;
      break;
    }
    if(!sent) {
      status = 1;
      break;
    }
  }
  speech_close(sp);
  return status;
}

static long number(const char *s, long min, long max)
{
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  return errno || end == s || *end || v < min || v > max ? -1 : v;
}

int main(int argc, char **argv)
{
  size_t wire_len = strlen(SPEECH_WIRE_ARG);
  long version = -1, fd = -1;
  if(argc == 3 || argc == 4) {
    if(!strncmp(argv[1], SPEECH_WIRE_ARG, wire_len))
      version = number(argv[1] + wire_len, 0, INT32_MAX);
    fd = number(argv[2], 3, INT_MAX);
  }
  if(version < 0 || fd < 0) {
    fprintf(stderr, "coach-speech is coachd's speech worker: coachd starts it, as\n"
                    "  coach-speech %sVERSION FD [VOICES_DIR]\n", SPEECH_WIRE_ARG);
    return 2;
  }
  /* Nothing of the parent's but stdio and the socket (descriptors it left without
   * close-on-exec: sound server connections, its program file under valgrind). */
  if(fd > 3)
    close_range(3, (unsigned)fd - 1, 0);
  close_range((unsigned)fd + 1, ~0U, 0);

  /* Its version first, whatever was asked: a proxy of another version can then say what is
   * wrong, and this worker stops before it misreads a request. */
  speech_wire_hello hello = {.version = SPEECH_WIRE_VERSION};
  memcpy(hello.magic, SPEECH_WIRE_MAGIC, sizeof(hello.magic));
  if(!put_all((int)fd, &hello, sizeof(hello)))
    return 1;
  if(version != SPEECH_WIRE_VERSION) {
    fprintf(stderr, "coach-speech: asked for wire format %ld, speaks %d: coachd and "
                    "coach-speech are from different versions of coach\n",
            version, SPEECH_WIRE_VERSION);
    return 3;
  }

  /* eSpeak is expected to abort now and then on hostile text: no core file each time (a
   * client could fill the disk). Not PR_SET_DUMPABLE 0: that makes /proc/self/fd unreadable,
   * which voice files need (speech.c). */
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  /* Its life is its socket's: gone with the parent's thread (even while eSpeak loops), deaf
   * to the terminal's Ctrl-C and hangup, which are the parent's to handle. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  prctl(PR_SET_NAME, "coach-speech"); /* started through /proc/self/fd/N, it would show as "N" */
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  return serve((int)fd, argc > 3 ? argv[3] : NULL);
}
