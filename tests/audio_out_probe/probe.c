/* A manual probe of audio_out against a real sound server; not part of the build.
 * It reads one command a line on stdin and answers one line on stdout, so a shell script can
 * drive it, note the recording time of each command (pulse.sh's record_ms), and check the
 * recording afterwards. probe.sh does all of that.
 *
 *   cc -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -Isrc/core -Isrc/daemon \
 *      tests/audio_out_probe/probe.c src/daemon/audio_out.c src/core/ring.c \
 *      src/core/coach_error.c \
 *      $(pkg-config --cflags --libs portaudio-2.0 alsa jack) -lm -pthread -o probe
 *
 * Commands: init | reinit | open [DEVICE] | open-play [DEVICE] | play | pause | stop | vol X
 *           | skip tone|silence | starve | feed | end | wait-state playing|paused|stopped MS
 *           | watch MS | stats | cpu MS | close | quit
 * The producer thread writes a 440 Hz sine at half scale (or silence after "skip silence")
 * as far ahead as the ring allows, as the engine will.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "audio_out.h"

#define RATE 48000
#define RING_FRAMES 32768 /* ~680 ms queued: control must not wait for it */

enum { MODE_TONE, MODE_SILENCE };

static audio_out *ao;
static pthread_t producer_th;
static bool producer_running;
static atomic_bool producer_quit, starving;
static atomic_int skip_req = -1; /* a mode to flush to, or -1 */
static atomic_bool ended;

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
  struct timespec ts = {(time_t)(ms / 1000), (long)(fmod(ms, 1000.0) * 1e6)};
  nanosleep(&ts, NULL);
}

static void *producer(void *arg)
{
  float chunk[256];
  size_t have = 0, off = 0;
  double phase = 0;
  int mode = MODE_TONE;

  (void)arg;
  while(!atomic_load(&producer_quit)) {
    int skip = atomic_exchange(&skip_req, -1);
    if(skip >= 0) {
      /* As the engine will: move our own timeline first, then drop what was queued. */
      mode = skip;
      have = off = 0;
      audio_out_flush(ao);
    }
    if(atomic_load(&starving) || atomic_load(&ended)) {
      sleep_ms(2);
      continue;
    }
    if(off == have) {
      size_t i;
      for(i = 0; i < 256; i++) {
        chunk[i] = mode == MODE_TONE ? 0.5f * (float)sin(phase) : 0.0f;
        phase += 2 * M_PI * 440.0 / RATE;
        if(phase > 2 * M_PI)
          phase -= 2 * M_PI;
      }
      have = 256;
      off = 0;
    }
    off += audio_out_write(ao, chunk + off, have - off);
    if(off < have)
      sleep_ms(2);
  }
  return NULL;
}

static void stop_producer(void)
{
  if(!producer_running)
    return;
  atomic_store(&producer_quit, true);
  pthread_join(producer_th, NULL);
  producer_running = false;
}

static const char *state_name(audio_out_state s)
{
  return s == AUDIO_OUT_PLAYING ? "playing" : s == AUDIO_OUT_PAUSED ? "paused" : "stopped";
}

static void stats(void)
{
  audio_out_stats st;
  audio_out_get_stats(ao, &st);
  printf("ok state=%s position=%llu written=%llu frames_out=%llu callbacks=%llu "
         "underruns=%llu underrun_frames=%llu xruns=%llu flushes=%llu drained=%d finished=%d "
         "cb_avg_ms=%.4f cb_max_ms=%.4f frames_per_cb=%.0f latency_ms=%.1f channels=%d\n",
         state_name(st.state), (unsigned long long)st.position, (unsigned long long)st.written,
         (unsigned long long)st.frames_out, (unsigned long long)st.callbacks,
         (unsigned long long)st.underruns, (unsigned long long)st.underrun_frames,
         (unsigned long long)st.xruns, (unsigned long long)st.flushes, st.drained, st.finished,
         st.callback_ms_avg, st.callback_ms_max,
         st.callbacks ? (double)st.frames_out / (double)st.callbacks : 0.0, st.latency_ms,
         st.channels);
}

static double cpu_s(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* CPU seconds per thread, from /proc: names the PortAudio callback thread apart from the
 * pulse plugin's mainloop ("threaded-ml") and our producer. */
#define MAX_THREADS 32
typedef struct thread_cpu {
  int tid;
  char name[32];
  double s;
} thread_cpu;

static int threads_cpu(thread_cpu *t)
{
  DIR *d = opendir("/proc/self/task");
  struct dirent *e;
  int n = 0;
  long hz = sysconf(_SC_CLK_TCK);

  if(!d)
    return 0;
  while((e = readdir(d)) && n < MAX_THREADS) {
    char path[300], buf[512], *p;
    unsigned long ut = 0, st = 0;
    FILE *f;
    if(e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "/proc/self/task/%s/stat", e->d_name);
    f = fopen(path, "r");
    if(!f)
      continue;
    if(fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')'))) {
      char *open = strchr(buf, '(');
      t[n].tid = atoi(e->d_name);
      snprintf(t[n].name, sizeof(t[n].name), "%.*s", (int)(p - open - 1), open + 1);
      /* fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt
       * majflt cmajflt utime stime */
      sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
      t[n].s = (double)(ut + st) / (double)hz;
      n++;
    }
    fclose(f);
  }
  closedir(d);
  return n;
}

int main(void)
{
  char line[256], why[512];

  setvbuf(stdout, NULL, _IOLBF, 0);
  while(fgets(line, sizeof(line), stdin)) {
    char cmd[32] = "", arg[200] = "";
    double t0 = now_ms();
    coach_rc rc;

    line[strcspn(line, "\n")] = '\0';
    if(sscanf(line, "%31s %199[^\n]", cmd, arg) < 1)
      continue;
    if(!strcmp(cmd, "init") || !strcmp(cmd, "reinit")) {
      rc = !strcmp(cmd, "init") ? audio_out_init(NULL, why, sizeof(why))
                                : audio_out_reinit(NULL, why, sizeof(why));
      if(rc)
        printf("err %s: %s\n", coach_rc_str(rc), why);
      else
        printf("ok %.1f ms\n", now_ms() - t0);
    }
    else if(!strcmp(cmd, "open") || !strcmp(cmd, "open-play")) {
      rc = audio_out_open(arg[0] ? arg : NULL, RATE, 5, RING_FRAMES, &ao, why, sizeof(why));
      if(!rc && (rc = audio_out_start(ao, AUDIO_OUT_PAUSED, why, sizeof(why)))) {
        audio_out_close(ao);
        ao = NULL;
      }
      if(rc) {
        printf("err %s: %s\n", coach_rc_str(rc), why);
        continue;
      }
      atomic_store(&producer_quit, false);
      atomic_store(&starving, false);
      atomic_store(&ended, false);
      producer_running = pthread_create(&producer_th, NULL, producer, NULL) == 0;
      if(producer_running)
        pthread_setname_np(producer_th, "producer");
      if(!strcmp(cmd, "open-play"))
        audio_out_play(ao); /* the producer fills the ring within microseconds */
      printf("ok %.1f ms device=\"%s\"\n", now_ms() - t0, audio_out_device_name(ao));
    }
    else if(!ao && strcmp(cmd, "quit")) {
      printf("err not open\n");
    }
    else if(!strcmp(cmd, "play")) {
      audio_out_play(ao);
      printf("ok\n");
    }
    else if(!strcmp(cmd, "pause")) {
      audio_out_pause(ao);
      printf("ok\n");
    }
    else if(!strcmp(cmd, "stop")) {
      audio_out_stop(ao);
      printf("ok\n");
    }
    else if(!strcmp(cmd, "vol")) {
      audio_out_set_volume(ao, strtof(arg, NULL));
      printf("ok\n");
    }
    else if(!strcmp(cmd, "skip")) {
      atomic_store(&skip_req, !strcmp(arg, "silence") ? MODE_SILENCE : MODE_TONE);
      printf("ok\n");
    }
    else if(!strcmp(cmd, "starve") || !strcmp(cmd, "feed")) {
      atomic_store(&starving, !strcmp(cmd, "starve"));
      printf("ok\n");
    }
    else if(!strcmp(cmd, "end")) {
      atomic_store(&ended, true);
      sleep_ms(5); /* let the producer finish the write in progress */
      audio_out_mark_end(ao);
      printf("ok\n");
    }
    else if(!strcmp(cmd, "wait-state")) {
      char want[16] = "";
      double limit = 1000;
      sscanf(arg, "%15s %lf", want, &limit);
      while(strcmp(state_name(audio_out_state_now(ao)), want) && now_ms() - t0 < limit)
        sleep_ms(0.2);
      if(strcmp(state_name(audio_out_state_now(ao)), want))
        printf("err still %s after %.0f ms\n", state_name(audio_out_state_now(ao)), limit);
      else
        printf("ok %.1f ms\n", now_ms() - t0);
    }
    else if(!strcmp(cmd, "watch")) {
      double limit = atof(arg);
      bool alive;
      while((alive = audio_out_check_alive(ao, (int64_t)now_ms())) && now_ms() - t0 < limit)
        sleep_ms(5);
      printf(alive ? "err alive after %.0f ms\n" : "ok dead after %.0f ms\n", now_ms() - t0);
    }
    else if(!strcmp(cmd, "stats")) {
      stats();
    }
    else if(!strcmp(cmd, "cpu")) {
      double ms = atof(arg), c0 = cpu_s(), w0 = now_ms(), wall;
      audio_out_stats a, b;
      thread_cpu t0s[MAX_THREADS], t1s[MAX_THREADS];
      int n0 = threads_cpu(t0s), n1, i, j;
      audio_out_get_stats(ao, &a);
      sleep_ms(ms);
      audio_out_get_stats(ao, &b);
      n1 = threads_cpu(t1s);
      wall = (now_ms() - w0) / 1e3;
      printf("ok process_cpu=%.2f%% callbacks=%llu threads:", 100.0 * (cpu_s() - c0) / wall,
             (unsigned long long)(b.callbacks - a.callbacks));
      for(i = 0; i < n1; i++)
        for(j = 0; j < n0; j++)
          if(t0s[j].tid == t1s[i].tid)
            printf(" %s/%d=%.2f%%", t1s[i].name, t1s[i].tid,
                   100.0 * (t1s[i].s - t0s[j].s) / wall);
      printf("\n");
    }
    else if(!strcmp(cmd, "close")) {
      stop_producer();
      audio_out_close(ao);
      ao = NULL;
      printf("ok %.1f ms\n", now_ms() - t0);
    }
    else if(!strcmp(cmd, "quit")) {
      printf("ok\n");
      break;
    }
    else
      printf("err unknown command\n");
  }
  stop_producer();
  audio_out_close(ao);
  audio_out_terminate();
  return 0;
}
