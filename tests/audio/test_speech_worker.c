/* speech_worker with the real eSpeak NG: it speaks like in-process speech, survives its worker
 * being killed between requests (the voice comes back with the new worker) and in the middle
 * of one (sent again), refuses the text that crashes eSpeak NG 1.51 and then speaks the next
 * one, gives up on a hung worker after the timeout, leaves no zombie and no stray descriptor,
 * and starts its worker with clean signal state. Its clips are 16-bit at the voice's own rate
 * and the very samples of in-process speech. A score built through it puts a marker tone in
 * place of a line that crashes it, counts it and says so, and speaks the rest. A worker program that is missing, cannot run, is something else or
 * of another version is refused at open with one line naming it; the program replaced on disk
 * under an open proxy does not change what its workers run. Prints the cost of the worker:
 * synthesis through it and in-process, and the time to start one.
 *
 * The worker is coach-speech ($COACH_SPEECH_WORKER_BIN); $COACH_FAKE_SPEECH_WORKER is a
 * program that is not the right one (tests/harness/fake_speech_worker.c). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sndfile.h>

#include "check.h"
#include "clip.h"
#include "score.h"
#include "speech.h"
#include "speech_wire.h"
#include "speech_worker.h"
#include "tone.h"

#define RATE 22050 /* eSpeak NG's own (Debian's 1.51): the rate of its clips */
#define SENTENCE "Breathe in slowly and let your shoulders drop down now." /* 10 words */

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *worker_bin; /* coach-speech */

static float peak_of(const int16_t *x, int64_t n)
{
  int p = 0;
  for(int64_t i = 0; i < n; i++)
    if(abs(x[i]) > p)
      p = abs(x[i]);
  return (float)p * CLIP_SCALE;
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
  int16_t *x = NULL;
  int64_t n = 0;
  int rate = 0;
  coach_rc rc = speech_worker_synth(w, text, &x, &n, &rate);
  CHECKF(rc == COACH_OK, "\"%s\": %s", text, speech_worker_last_error(w));
  if(rc)
    return -1;
  CHECKF(rate == RATE, "\"%s\" at %d Hz", text, rate);
  CHECKF(n > RATE / 4 && peak_of(x, n) > 0.1f && peak_of(x, n) <= SPEECH_PEAK,
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
  CHECKF(speech_worker_open(worker_bin, voices, &w, why, sizeof(why)) == COACH_OK, "%s", why);
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
  int16_t *pcm;
  int64_t n;
  int rate;
  for(int i = 0; i < RUNS + 2; i++) {
    t0 = now_ms();
    pcm = NULL;
    if(speech_worker_synth(w, SENTENCE, &pcm, &n, &rate) == COACH_OK && i >= 2)
      through += now_ms() - t0;
    free(pcm);
  }
  speech *sp = NULL;
  char why[512] = "";
  CHECKF(speech_open(voices, &sp, why, sizeof(why)) == COACH_OK, "%s", why);
  if(!sp)
    return;
  int64_t in_frames = 0, w_frames = 0;
  for(int i = 0; i < RUNS + 2; i++) {
    t0 = now_ms();
    pcm = NULL;
    if(speech_synth(sp, SENTENCE, &pcm, &n, &rate) == COACH_OK && i >= 2)
      inproc += now_ms() - t0;
    in_frames = n;
    free(pcm);
  }
  pcm = NULL;
  if(speech_worker_synth(w, SENTENCE, &pcm, &w_frames, &rate) == COACH_OK)
    free(pcm);
  /* Same engine, same text: the same length within eSpeak's few samples of jitter. */
  CHECKF(llabs(in_frames - w_frames) < RATE / 100, "in-process %lld frames, worker %lld",
         (long long)in_frames, (long long)w_frames);

  speech_close(sp);
  printf("10-word sentence (%.2f s of speech): %.2f ms through the worker, %.2f ms in-process "
         "(mean of %d)\n",
         (double)w_frames / RATE, through / RUNS, inproc / RUNS, RUNS);
}

/* A recorded clip through the worker (libsndfile loaded by coach-speech) is the in-process
 * clip, sample for sample, at the recording's own rate: a score sounds the same whichever
 * speaker made it. And it is the recording's floats, normalised, rounded once to 16 bits:
 * nothing on the way moved a level. (eSpeak NG itself does not give the very same samples
 * twice, so a recording is compared.) */
static void check_same_samples(const char *tmp)
{
  char dir[1024], path[1200], why[512] = "";
  snprintf(dir, sizeof(dir), "%s/worker-voices.%d", tmp, (int)getpid());
  snprintf(path, sizeof(path), "%s/clips", dir);
  CHECK(mkdir(dir, 0700) == 0 && mkdir(path, 0700) == 0);
  snprintf(path, sizeof(path), "%s/clips/hello-there.wav", dir);
  enum { IN_RATE = 44100, IN_FRAMES = IN_RATE / 2 };
  static float tone[IN_FRAMES];
  for(int i = 0; i < IN_FRAMES; i++) /* a swell, loud enough from its first ms not to be trimmed */
    tone[i] = (0.2f + 0.5f * sinf((float)M_PI * (float)i / IN_FRAMES)) *
              sinf(2.0f * (float)M_PI * 330.0f * (float)i / IN_RATE);
  SF_INFO info = {.samplerate = IN_RATE, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  SNDFILE *f = sf_open(path, SFM_WRITE, &info);
  CHECKF(f != NULL, "%s: %s", path, sf_strerror(NULL));
  if(!f)
    return;
  sf_writef_float(f, tone, IN_FRAMES);
  sf_close(f);

  speech *sp = NULL;
  speech_worker *w = NULL;
  int16_t *x = NULL, *pcm = NULL;
  int64_t n_in = -1, n_w = -2;
  int rate_in = 0, rate_w = 0;
  CHECKF(speech_open(dir, &sp, why, sizeof(why)) == COACH_OK, "%s", why);
  CHECKF(speech_worker_open(worker_bin, dir, &w, why, sizeof(why)) == COACH_OK, "%s", why);
  if(sp && w && speech_synth(sp, "Hello there!", &x, &n_in, &rate_in) == COACH_OK &&
     speech_worker_synth(w, "Hello there!", &pcm, &n_w, &rate_w) == COACH_OK) {
    int64_t differ = 0;
    for(int64_t i = 0; n_in == n_w && i < n_in; i++)
      differ += x[i] != pcm[i];
    CHECKF(n_in == n_w && n_w == IN_FRAMES && rate_in == IN_RATE && rate_w == IN_RATE &&
           differ == 0,
           "worker %lld frames at %d Hz, in-process %lld at %d Hz, %lld samples differ",
           (long long)n_w, rate_w, (long long)n_in, rate_in, (long long)differ);
    /* One gain for the whole recording: its samples, scaled and rounded. */
    float top = 0.0f;
    for(int i = 0; i < IN_FRAMES; i++)
      top = fabsf(tone[i]) > top ? fabsf(tone[i]) : top;
    float gain = peak_of(pcm, n_w) / top;
    int worst = 0;
    for(int64_t i = 0; i < n_w && i < IN_FRAMES; i++) {
      int d = abs(pcm[i] - (int)lrintf(tone[i] * gain * 32768.0f));
      worst = d > worst ? d : worst;
    }
    CHECKF(gain > 0.0f && worst <= 1, "off the recording by up to %d steps", worst);
  }
  else
    CHECKF(0, "the recorded line: %s / %s", speech_last_error(sp), speech_worker_last_error(w));
  free(x);
  free(pcm);
  speech_worker_close(w);
  speech_close(sp);
  unlink(path);
  snprintf(path, sizeof(path), "%s/clips", dir);
  rmdir(path);
  rmdir(dir);
}

/* What score_build() told the caller about lines it could not speak. */
static int n_failed;
static char failed_text[64], failed_why[512];

static void line_failed(void *ctx, const char *text, const char *why)
{
  (void)ctx;
  n_failed++;
  snprintf(failed_text, sizeof(failed_text), "%s", text);
  snprintf(failed_why, sizeof(failed_why), "%s", why);
}

/* A session whose second line crashes eSpeak NG, built through the worker as coachd builds
 * it: the score is made, the line tried again and then replaced by the marker tone, counted,
 * and the caller told which line and why; the lines around it are spoken. */
static void check_score_marker(speech_worker *w, const char *crash)
{
  char ini[1200];
  snprintf(ini, sizeof(ini),
           "[routine]\ntitle = Crash\nsummary = s\nsteps = a, bad, c\n"
           "[step a]\ndo = say\ntext = Hello.\n"
           "[step bad]\ndo = say\ntext = %.180s\n  %.180s\n  %.80s\n"
           "[step c]\ndo = say\ntext = Goodbye.\n",
           crash, crash + 180, crash + 360);
  coach_diag d;
  routine *r = NULL;
  coach_diag_init(&d, "crash.ini");
  CHECKF(routine_load_buffer(ini, strlen(ini), "crash", "crash.ini", &r, &d) == COACH_OK,
         "%d problems", d.count);
  if(!r)
    return;
  speaker spk = speaker_worker(w);
  spk.line_failed = line_failed;
  voice_settings voice = {.name = "", .rate = -1, .pitch = -1, .volume = -1};
  score *sc = NULL;
  char why[512] = "";
  n_failed = 0;
  double t0 = now_ms();
  CHECKF(score_build(&spk, &voice, r, 0, &sc, why, sizeof(why)) == COACH_OK, "%s", why);
  printf("a session with the crash text built in %.0f ms\n", now_ms() - t0);
  if(sc) {
    CHECKF(sc->speech_errors == 1 && strstr(sc->speech_error, "s's's'") &&
           strstr(sc->speech_error, "crashed"), "%d: %s", sc->speech_errors, sc->speech_error);
    CHECKF(n_failed == 1 && !strncmp(failed_text, "s's's'", 6) && strstr(failed_why, "signal 6"),
           "%d: \"%s\": %s", n_failed, failed_text, failed_why);
    int spoken = 0, markers = 0;
    for(size_t i = 0; i < sc->timeline->n_cues; i++) {
      const cue *c = &sc->timeline->cues[i];
      if(c->kind != CUE_SPEECH)
        continue;
      if(c->frames == tone_marker_frames(SCORE_RATE) && sc->clips.items[c->clip].rate == SCORE_RATE)
        markers++;
      else if(sc->clips.items[c->clip].rate == RATE && c->frames > SCORE_RATE / 5)
        spoken++;
    }
    CHECKF(markers == 1 && spoken == 2, "%d markers, %d spoken lines", markers, spoken);
  }
  score_free(sc);
  routine_free(r);
}

/* speech_worker_open(program) fails with why naming program and containing want. */
static void check_refused(const char *program, const char *voices, const char *want)
{
  speech_worker *w = NULL;
  char why[512] = "";
  double t0 = now_ms();
  coach_rc rc = speech_worker_open(program, voices, &w, why, sizeof(why));
  CHECKF(rc == COACH_E_SPEECH && w == NULL && strstr(why, program) && strstr(why, want) &&
         strstr(why, "reinstall coach") && !strchr(why, '\n'),
         "%s: %d: %s", program, rc, why);
  CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD); /* nothing left to reap */
  printf("refused in %.1f ms: %s\n", now_ms() - t0, why);
}

/* The worker program, held open from speech_worker_open() on: a new file put in its place (a
 * package upgrade renames one over it), or none, changes nothing for the proxy's workers. */
static void check_program_held(const char *voices, const char *tmp)
{
  char copy[1100], next[1200], why[512] = "";
  snprintf(copy, sizeof(copy), "%s/coach-speech.%d", tmp, (int)getpid());
  snprintf(next, sizeof(next), "%s.new", copy);
  int in = open(worker_bin, O_RDONLY), out = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  char buf[65536];
  ssize_t k;
  while(in >= 0 && out >= 0 && (k = read(in, buf, sizeof(buf))) > 0)
    CHECK(write(out, buf, (size_t)k) == k);
  close(in);
  CHECK(out >= 0 && close(out) == 0);
  speech_worker *w = NULL;
  CHECKF(speech_worker_open(copy, voices, &w, why, sizeof(why)) == COACH_OK, "%s", why);
  if(!w)
    return;
  CHECK(symlink(getenv("COACH_FAKE_SPEECH_WORKER"), next) == 0 && rename(next, copy) == 0);
  kill(speech_worker_pid(w), SIGKILL); /* the next request needs a new worker */
  usleep(20000);
  say(w, "Hold it.");
  unlink(copy);
  kill(speech_worker_pid(w), SIGKILL);
  usleep(20000);
  say(w, "Hold it.");
  speech_worker_close(w);
}

int main(void)
{
  const char *src = getenv("COACH_SOURCE_DIR");
  char voices[1100], why[512] = "";
  snprintf(voices, sizeof(voices), "%s/voices", src ? src : ".");
  worker_bin = getenv("COACH_SPEECH_WORKER_BIN");
  const char *fake = getenv("COACH_FAKE_SPEECH_WORKER");
  const char *tmp = getenv("COACH_TEST_TMP") ? getenv("COACH_TEST_TMP") : "/tmp";
  if(!worker_bin || !fake) {
    fprintf(stderr, "COACH_SPEECH_WORKER_BIN and COACH_FAKE_SPEECH_WORKER must be set "
                    "(ctest sets them)\n");
    return 1;
  }

  /* A worker program that cannot serve: refused at open, in one line that names it and says
   * what to do, and no process stays. */
  char path[1200];
  snprintf(path, sizeof(path), "%s/no-such-coach-speech", tmp);
  check_refused(path, voices, "is missing");
  snprintf(path, sizeof(path), "%s/coach-speech-not-executable.%d", tmp, (int)getpid());
  FILE *f = fopen(path, "w");
  CHECK(f && fclose(f) == 0);
  check_refused(path, voices, "not an executable file");
  unlink(path);
  check_refused(tmp, voices, "not an executable file"); /* a directory */
  setenv("FAKE_SPEECH_WORKER", "version", 1);
  char other[80];
  snprintf(other, sizeof(other), "speaks wire format %d, this program %d", SPEECH_WIRE_VERSION + 1,
           SPEECH_WIRE_VERSION);
  check_refused(fake, voices, other);
  setenv("FAKE_SPEECH_WORKER", "garbage", 1);
  check_refused(fake, voices, "is not coach's speech worker");
  setenv("FAKE_SPEECH_WORKER", "exit", 1);
  check_refused(fake, voices, "exited with status 7 before it said which version it is");
  unsetenv("FAKE_SPEECH_WORKER");

  /* coach-speech itself refuses a proxy of another version, after saying its own. */
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  pid_t pid = fork();
  if(pid == 0) {
    dup2(sv[1], 3);
    execl(worker_bin, "coach-speech", "--wire=1", "3", (char *)NULL);
    _exit(127);
  }
  close(sv[1]);
  speech_wire_hello hello;
  int status = -1;
  CHECK(read(sv[0], &hello, sizeof(hello)) == (ssize_t)sizeof(hello) &&
        !memcmp(hello.magic, SPEECH_WIRE_MAGIC, 8) && hello.version == SPEECH_WIRE_VERSION);
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 3);
  close(sv[0]);

  /* A worker that cannot open speech: its reason comes back, and no process stays. */
  speech_worker *w = NULL;
  char no_data[1200];
  snprintf(no_data, sizeof(no_data), "%s/worker-no-data.%d", tmp, (int)getpid());
  mkdir(no_data, 0700);
  snprintf(no_data + strlen(no_data), sizeof(no_data) - strlen(no_data), "/espeak-ng-data");
  mkdir(no_data, 0700); /* empty: eSpeak NG finds its data directory, and nothing in it */
  *strrchr(no_data, '/') = '\0';
  setenv("ESPEAK_DATA_PATH", no_data, 1);
  coach_rc rc = speech_worker_open(worker_bin, voices, &w, why, sizeof(why));
  CHECKF(rc == COACH_E_SPEECH && w == NULL && strstr(why, "espeak-ng-data"), "%d: %s", rc, why);
  CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);
  unsetenv("ESPEAK_DATA_PATH");
  speech_worker_close(w);
  w = NULL;
  rmdir(strcat(no_data, "/espeak-ng-data"));
  *strrchr(no_data, '/') = '\0';
  rmdir(no_data);

  check_program_held(voices, tmp);
  check_same_samples(tmp);
  check_clean_start(voices);

  double t0 = now_ms();
  rc = speech_worker_open(worker_bin, voices, &w, why, sizeof(why));
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
  int16_t *x = NULL;
  int64_t n = 0;
  int r = 0;
  CHECK(speech_worker_synth(w, "", &x, &n, &r) == COACH_E_INVALID);
  CHECK(strstr(speech_worker_last_error(w), "empty") != NULL);
  CHECK(speech_worker_synth(w, "caf\xc3", &x, &n, &r) == COACH_E_INVALID);
  CHECK(strstr(speech_worker_last_error(w), "UTF-8") != NULL);
  char big[SPEECH_TEXT_MAX + 2];
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  CHECK(speech_worker_synth(w, big, &x, &n, &r) == COACH_E_LIMIT);
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
  rc = speech_worker_synth(w, crash, &x, &n, &r);
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
  rc = speech_worker_synth(w, "Hold it.", &x, &n, &r);
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
  rc = speech_worker_synth(w, longest, &x, &n, &r);
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
  rc = speech_worker_synth(w, longest, &x, &n, &r);
  pthread_join(th, NULL);
  CHECKF(rc == COACH_OK && n > (int64_t)RATE * 60, "%d: %s", rc, speech_worker_last_error(w));
  CHECK(log_has("signal 9") && log_has("trying once more") && speech_worker_pid(w) != k.pid);
  CHECK(reaped(k.pid));
  free(x);
  free(longest);
  /* flite through the worker: its voice, at its own rate. */
  voice_settings slt = {.name = "", .rate = -1, .pitch = -1, .volume = -1,
                        .engine = VOICE_ENGINE_FLITE};
  CHECK(speech_worker_set_voice(w, &slt, why, sizeof(why)) == COACH_OK);
  x = NULL;
  CHECK(speech_worker_synth(w, "Hold it.", &x, &n, &r) == COACH_OK && r == 16000 && n > 4000);
  free(x);
  CHECK(speech_worker_set_voice(w, NULL, why, sizeof(why)) == COACH_OK);

  /* Through a score, as coachd uses it: a line added, the crash text refused with its reason. */
  speaker spk = speaker_worker(w);
  score sc = {.clips = {.mix_rate = SCORE_RATE}};
  int id = -1;
  CHECK(score_add_line(&spk, &sc, "Relax your jaw.", &id, why, sizeof(why)) == COACH_OK);
  CHECK(id == 0 && sc.clips.count == 1 && sc.clips.items[0].frames > SCORE_RATE / 4 &&
        sc.clips.items[0].rate == RATE);
  why[0] = '\0';
  CHECK(score_add_line(&spk, &sc, crash, &id, why, sizeof(why)) == COACH_E_SPEECH);
  CHECKF(strstr(why, "crashed") && strstr(why, "refused"), "%s", why);
  clip_set_free(&sc.clips);
  check_score_marker(w, crash);

  say(w, "Hold it.");
  pid_t last = speech_worker_pid(w);
  t0 = now_ms();
  speech_worker_close(w);
  printf("closed in %.1f ms\n", now_ms() - t0);
  CHECK(reaped(last));
  speech_worker_close(NULL);
  return check_done();
}
