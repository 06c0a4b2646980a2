/* speech_worker with the real eSpeak NG: it speaks like in-process speech, survives its worker
 * being killed between requests (the voice comes back with the new worker) and in the middle
 * of one (sent again), refuses the text that crashes eSpeak NG 1.51 and then speaks the next
 * one, gives up on a hung worker after the timeout, leaves no zombie and no stray descriptor,
 * and starts its worker with clean signal state. Prints the cost of the worker: synthesis
 * through it and in-process, and the time to start one.
 *
 * This program is its own speech worker (the proxy re-executes /proc/self/exe), as coachd is. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "score.h"
#include "speech.h"
#include "speech_worker.h"

#define RATE 48000
#define SENTENCE "Breathe in slowly and let your shoulders drop down now." /* 10 words */

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static float peak_of(const float *x, int64_t n)
{
  float p = 0.0f;
  for(int64_t i = 0; i < n; i++)
    if(fabsf(x[i]) > p)
      p = fabsf(x[i]);
  return p;
}

/* The log lines the proxy writes, kept for the checks. */
static char logged[8][640];
static int n_logged;

static void keep_log(void *ctx, bool trouble, const char *message)
{
  (void)ctx;
  (void)trouble;
  printf("  worker log: %s\n", message);
  if(n_logged < 8)
    snprintf(logged[n_logged], sizeof(logged[0]), "%s", message);
  n_logged++;
}

static bool log_has(const char *needle)
{
  for(int i = 0; i < n_logged && i < 8; i++)
    if(strstr(logged[i], needle))
      return true;
  return false;
}

typedef struct killer {
  pid_t pid;
  double after_ms;
} killer;

static void *kill_later(void *arg)
{
  const killer *k = arg;
  struct timespec ts = {0, (long)(k->after_ms * 1e6)};
  nanosleep(&ts, NULL);
  kill(k->pid, SIGKILL);
  return NULL;
}

/* Synthesises text through w: frames, or -1 on failure. */
static int64_t say(speech_worker *w, const char *text)
{
  float *x = NULL;
  int64_t n = 0;
  coach_rc rc = speech_worker_synth(w, text, &x, &n);
  CHECKF(rc == COACH_OK, "\"%s\": %s", text, speech_worker_last_error(w));
  if(rc)
    return -1;
  CHECKF(n > RATE / 4 && peak_of(x, n) > 0.45f && peak_of(x, n) <= SPEECH_PEAK,
         "\"%s\": %lld frames, peak %.3f", text, (long long)n, peak_of(x, n));
  free(x);
  return n;
}

static bool reaped(pid_t pid)
{
  return waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD;
}

/* A field of /proc/PID/status as a number (hex masks). */
static unsigned long long proc_status_hex(pid_t pid, const char *field)
{
  char path[64], line[256];
  unsigned long long v = ~0ULL;
  snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  if(!f)
    return v;
  size_t n = strlen(field);
  while(fgets(line, sizeof(line), f))
    if(!strncmp(line, field, n) && line[n] == ':')
      v = strtoull(line + n + 1, NULL, 16);
  fclose(f);
  return v;
}

static int count_fds(pid_t pid)
{
  char path[64];
  int n = 0;
  for(int fd = 0; fd < 256; fd++) {
    snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
    n += access(path, F_OK) == 0;
  }
  return n;
}

/* The worker starts with nothing blocked, SIGPIPE at its default, and only stdio and its
 * socket, whatever the parent blocked, ignored and left open. */
static void check_clean_start(const char *voices)
{
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
  int leak = open("/dev/null", O_RDONLY); /* no O_CLOEXEC: would be inherited by a plain exec */

  speech_worker *w = NULL;
  char why[512] = "";
  CHECKF(speech_worker_open(voices, RATE, &w, why, sizeof(why)) == COACH_OK, "%s", why);
  if(w) {
    pid_t pid = speech_worker_pid(w);
    CHECKF(proc_status_hex(pid, "SigBlk") == 0, "worker blocks %llx",
           proc_status_hex(pid, "SigBlk"));
    CHECKF(!(proc_status_hex(pid, "SigIgn") & (1ULL << (SIGPIPE - 1))),
           "worker ignores SIGPIPE (%llx)", proc_status_hex(pid, "SigIgn"));
    CHECKF(count_fds(pid) == 4, "worker has %d descriptors, not stdio and its socket",
           count_fds(pid));
    speech_worker_close(w);
    CHECK(reaped(pid));
  }
  close(leak);
  signal(SIGPIPE, old_pipe);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* What it costs: the same 10-word sentence through the worker and in this process. */
static void measure(speech_worker *w, const char *voices)
{
  enum { RUNS = 20 };
  double t0, through = 0, inproc = 0;
  float *x;
  int64_t n;
  for(int i = 0; i < RUNS + 2; i++) {
    t0 = now_ms();
    x = NULL;
    if(speech_worker_synth(w, SENTENCE, &x, &n) == COACH_OK && i >= 2)
      through += now_ms() - t0;
    free(x);
  }
  speech *sp = NULL;
  char why[512] = "";
  CHECKF(speech_open(voices, RATE, &sp, why, sizeof(why)) == COACH_OK, "%s", why);
  if(!sp)
    return;
  int64_t in_frames = 0, w_frames = 0;
  for(int i = 0; i < RUNS + 2; i++) {
    t0 = now_ms();
    x = NULL;
    if(speech_synth(sp, SENTENCE, &x, &n) == COACH_OK && i >= 2)
      inproc += now_ms() - t0;
    in_frames = n;
    free(x);
  }
  x = NULL;
  if(speech_worker_synth(w, SENTENCE, &x, &w_frames) == COACH_OK)
    free(x);
  /* Same engine, same text: the same length within eSpeak's few samples of jitter. */
  CHECKF(llabs(in_frames - w_frames) < RATE / 100, "in-process %lld frames, worker %lld",
         (long long)in_frames, (long long)w_frames);
  speech_close(sp);
  printf("10-word sentence (%.2f s of speech): %.2f ms through the worker, %.2f ms in-process "
         "(mean of %d)\n",
         (double)w_frames / RATE, through / RUNS, inproc / RUNS, RUNS);
}

int main(int argc, char **argv)
{
  int worker_status = speech_worker_main(argc, argv);
  if(worker_status >= 0)
    return worker_status;

  const char *src = getenv("COACH_SOURCE_DIR");
  char voices[1100], why[512] = "";
  snprintf(voices, sizeof(voices), "%s/voices", src ? src : ".");

  /* A worker that cannot open speech: its reason comes back, and no process stays. */
  speech_worker *w = NULL;
  char no_data[1200];
  const char *tmp = getenv("COACH_TEST_TMP") ? getenv("COACH_TEST_TMP") : "/tmp";
  snprintf(no_data, sizeof(no_data), "%s/worker-no-data.%d", tmp, (int)getpid());
  mkdir(no_data, 0700);
  snprintf(no_data + strlen(no_data), sizeof(no_data) - strlen(no_data), "/espeak-ng-data");
  mkdir(no_data, 0700); /* empty: eSpeak NG finds its data directory, and nothing in it */
  *strrchr(no_data, '/') = '\0';
  setenv("ESPEAK_DATA_PATH", no_data, 1);
  coach_rc rc = speech_worker_open(voices, RATE, &w, why, sizeof(why));
  CHECKF(rc == COACH_E_SPEECH && w == NULL && strstr(why, "espeak-ng-data"), "%d: %s", rc, why);
  CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);
  unsetenv("ESPEAK_DATA_PATH");
  speech_worker_close(w);
  w = NULL;
  rmdir(strcat(no_data, "/espeak-ng-data"));
  *strrchr(no_data, '/') = '\0';
  rmdir(no_data);
  CHECK(speech_worker_open(voices, 1000, &w, why, sizeof(why)) == COACH_E_INVALID);

  check_clean_start(voices);

  double t0 = now_ms();
  rc = speech_worker_open(voices, RATE, &w, why, sizeof(why));
  double open_ms = now_ms() - t0;
  CHECKF(rc == COACH_OK, "speech_worker_open: %s", why);
  if(rc)
    return check_done();
  speech_worker_set_log(w, keep_log, NULL);
  printf("worker started in %.1f ms\n", open_ms);

  /* Speaks, and as in-process speech does. */
  int64_t plain = say(w, "Now, switch sides.");
  measure(w, voices);

  /* Errors of speech itself come back as they are, and do not cost a worker. */
  pid_t first = speech_worker_pid(w);
  float *x = NULL;
  int64_t n = 0;
  CHECK(speech_worker_synth(w, "", &x, &n) == COACH_E_INVALID);
  CHECK(strstr(speech_worker_last_error(w), "empty") != NULL);
  CHECK(speech_worker_synth(w, "caf\xc3", &x, &n) == COACH_E_INVALID);
  CHECK(strstr(speech_worker_last_error(w), "UTF-8") != NULL);
  char big[SPEECH_TEXT_MAX + 2];
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  CHECK(speech_worker_synth(w, big, &x, &n) == COACH_E_LIMIT);
  CHECK(strstr(speech_worker_last_error(w), "4000") != NULL);
  voice_settings bad = {.name = "no-such-voice", .rate = -1, .pitch = -1, .volume = -1};
  why[0] = '\0';
  CHECK(speech_worker_set_voice(w, &bad, why, sizeof(why)) == COACH_E_NOTFOUND);
  CHECKF(strstr(why, "no-such-voice") != NULL, "%s", why);
  voice_settings wild = {.name = "en-us", .rate = 9999, .pitch = -1, .volume = -1};
  CHECK(speech_worker_set_voice(w, &wild, why, sizeof(why)) == COACH_E_INVALID);
  CHECK(speech_worker_pid(w) == first && n_logged == 0);

  /* A slow voice, then the worker is killed between requests: the next request gets a new
   * worker, with the slow voice, and is spoken. */
  voice_settings slow = {.name = "en-us", .rate = 80, .pitch = -1, .volume = -1};
  CHECK(speech_worker_set_voice(w, &slow, why, sizeof(why)) == COACH_OK);
  int64_t slow_before = say(w, "Now, switch sides.");
  CHECKF(slow_before > plain * 13 / 10, "slow %lld, plain %lld frames", (long long)slow_before,
         (long long)plain);
  kill(first, SIGKILL);
  usleep(20000);
  t0 = now_ms();
  int64_t slow_after = say(w, "Now, switch sides.");
  double restart_ms = now_ms() - t0;
  pid_t second = speech_worker_pid(w);
  CHECK(second > 0 && second != first);
  CHECK(reaped(first));
  CHECKF(llabs(slow_after - slow_before) < RATE / 20, "voice not re-applied: %lld then %lld",
         (long long)slow_before, (long long)slow_after);
  CHECK(log_has("was killed by signal 9 (Killed) while idle") && !log_has("trying once more"));
  printf("a killed worker replaced within the next request: %.1f ms\n", restart_ms);
  CHECK(speech_worker_set_voice(w, NULL, why, sizeof(why)) == COACH_OK);

  /* The text that aborts eSpeak NG 1.51: refused (after one retry on a fresh worker), logged,
   * no zombie; the next text is spoken by a new worker. */
  char crash[2 * 220 + 1];
  for(int i = 0; i < 220; i++)
    memcpy(crash + 2 * i, "s'", 2);
  crash[440] = '\0';
  n_logged = 0;
  x = NULL;
  t0 = now_ms();
  rc = speech_worker_synth(w, crash, &x, &n);
  double crash_ms = now_ms() - t0;
  CHECKF(rc == COACH_E_SPEECH && x == NULL, "crash text: %d", rc);
  const char *err = speech_worker_last_error(w);
  CHECKF(strstr(err, "crashed") && strstr(err, "signal 6") && strstr(err, "refused"), "%s", err);
  CHECK(n_logged == 3 && log_has("trying once more") && log_has("started") &&
        log_has("the text was refused"));
  CHECK(log_has("signal 6") && log_has("s's's'"));
  CHECK(speech_worker_pid(w) == -1);
  CHECK(reaped(second));
  CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD); /* nothing left to reap */
  printf("crash text refused in %.1f ms\n", crash_ms);
  CHECKF(llabs(say(w, "Now, switch sides.") - plain) < RATE / 20, "default voice after crash");
  CHECK(speech_worker_pid(w) > 0);

  /* A worker that stops answering: killed at the timeout, the text refused without a retry,
   * and the next request served by a new worker. */
  speech_worker_set_timeout(w, 300);
  pid_t third = speech_worker_pid(w);
  kill(third, SIGSTOP);
  n_logged = 0;
  t0 = now_ms();
  rc = speech_worker_synth(w, "Hold it.", &x, &n);
  double hung_ms = now_ms() - t0;
  CHECKF(rc == COACH_E_SPEECH && strstr(speech_worker_last_error(w), "0.3 s"), "%d: %s", rc,
         speech_worker_last_error(w));
  CHECKF(hung_ms >= 290 && hung_ms < 2000, "gave up after %.0f ms", hung_ms);
  CHECK(n_logged == 1 && log_has("did not answer"));
  CHECK(reaped(third));
  speech_worker_set_timeout(w, 0);
  say(w, "Hold it.");

  /* The largest request there is: SPEECH_TEXT_MAX bytes of words at the slowest rate, about
   * nine minutes of speech, comes back whole and well within the timeout. */
  char *longest = malloc(SPEECH_TEXT_MAX + 1);
  size_t used = 0;
  while(used + 8 <= SPEECH_TEXT_MAX) {
    memcpy(longest + used, "breathe ", 8);
    used += 8;
  }
  longest[used] = '\0';
  voice_settings slowest = {.name = "en-us", .rate = 80, .pitch = -1, .volume = -1};
  CHECK(speech_worker_set_voice(w, &slowest, why, sizeof(why)) == COACH_OK);
  x = NULL;
  t0 = now_ms();
  rc = speech_worker_synth(w, longest, &x, &n);
  double longest_ms = now_ms() - t0;
  CHECKF(rc == COACH_OK && n > (int64_t)RATE * 60, "%d: %s", rc, speech_worker_last_error(w));
  printf("%zu bytes at 80 wpm: %.0f s of speech in %.0f ms\n", used, (double)n / RATE,
         longest_ms);
  free(x);

  /* The worker killed in the middle of that request (by someone else): the request goes to a
   * new worker once more, and succeeds. */
  killer k = {.pid = speech_worker_pid(w), .after_ms = longest_ms / 4};
  pthread_t th;
  n_logged = 0;
  pthread_create(&th, NULL, kill_later, &k);
  x = NULL;
  rc = speech_worker_synth(w, longest, &x, &n);
  pthread_join(th, NULL);
  CHECKF(rc == COACH_OK && n > (int64_t)RATE * 60, "%d: %s", rc, speech_worker_last_error(w));
  CHECK(log_has("signal 9") && log_has("trying once more") && speech_worker_pid(w) != k.pid);
  CHECK(reaped(k.pid));
  free(x);
  free(longest);
  CHECK(speech_worker_set_voice(w, NULL, why, sizeof(why)) == COACH_OK);

  /* Through a score, as coachd uses it: a line added, the crash text refused with its reason. */
  speaker spk = speaker_worker(w);
  score sc = {0};
  int id = -1;
  CHECK(score_add_line(&spk, &sc, "Relax your jaw.", &id, why, sizeof(why)) == COACH_OK);
  CHECK(id == 0 && sc.clips.count == 1 && sc.clips.items[0].frames > RATE / 4);
  why[0] = '\0';
  CHECK(score_add_line(&spk, &sc, crash, &id, why, sizeof(why)) == COACH_E_SPEECH);
  CHECKF(strstr(why, "crashed") && strstr(why, "refused"), "%s", why);
  clip_set_free(&sc.clips);

  say(w, "Hold it.");
  pid_t last = speech_worker_pid(w);
  t0 = now_ms();
  speech_worker_close(w);
  printf("closed in %.1f ms\n", now_ms() - t0);
  CHECK(reaped(last));
  speech_worker_close(NULL);
  return check_done();
}
