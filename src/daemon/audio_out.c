#include "audio_out.h"

#include <alsa/asoundlib.h>
#include <jack/jack.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <portaudio.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "ring.h"

/* Free when not under valgrind (a few no-op instructions); optional at build time. */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define MARK_DEFINED(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#endif
#endif
#ifndef MARK_DEFINED
#define MARK_DEFINED(p, n) ((void)(p), (void)(n))
#endif

/* The callback reads and writes 64-bit counters; if they were not lock-free, the C library
 * would take a lock inside the real-time thread. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "int atomics must be lock-free");

#define NO_END UINT64_MAX

struct audio_out {
  ring *ring;
  PaStream *stream;
  int rate, channels;
  double latency_ms;
  char device[128];

  /* Requests, stored by control threads, loaded by the callback. */
  _Atomic int req_state;          /* audio_out_state */
  _Atomic uint32_t volume_bits;   /* a float's bits: atomic floats are not lock-free everywhere */
  _Atomic uint64_t flush_tickets; /* flushes requested so far */
  _Atomic uint64_t flush_target;  /* discard up to here; only ever grows */
  _Atomic uint64_t end_pos;       /* NO_END, or where the session ends */

  /* Reports, stored by the callback only. */
  _Atomic int state;
  _Atomic uint64_t flush_done; /* tickets carried out */
  _Atomic uint64_t frames_out, callbacks, underruns, underrun_frames, xruns, flushes;
  _Atomic uint64_t cb_ns_total, cb_ns_max;
  _Atomic bool finished; /* set by PortAudio's finished callback */

  /* The callback's own state: touched by no other thread while the stream runs. */
  float env;       /* fade envelope 0..1 */
  float vol;       /* smoothed volume */
  float step_slow; /* envelope change per frame for a 10 ms fade */
  float step_fast; /* ... for a 5 ms (flush) fade */
  float vol_coef;  /* one-pole glide coefficient per frame */
  size_t tail_frames; /* 1 ms: the fade-out when the ring runs dry */
  bool fast_fade;  /* fading in after a flush or a dry ring: use step_fast */
  uint64_t flush_seen;

  /* The main thread's watchdog and close. */
  bool wd_started, dead, close_gently;
  uint64_t wd_callbacks;
  int64_t wd_last_ms;
};

static const char *pa_text(PaError err)
{
  if(err == paUnanticipatedHostError) {
    const PaHostErrorInfo *info = Pa_GetLastHostErrorInfo();
    if(info && info->errorText && *info->errorText)
      return info->errorText;
  }
  return Pa_GetErrorText(err);
}

static uint64_t now_ns(void)
{
  struct timespec ts;
  /* vDSO on Linux: no system call, fine in the callback. */
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static float volume_from_bits(uint32_t bits)
{
  float v;
  memcpy(&v, &bits, sizeof(v));
  return v;
}

static uint32_t volume_to_bits(float v)
{
  uint32_t bits;
  memcpy(&bits, &v, sizeof(bits));
  return bits;
}

/* ---- the real-time side ---------------------------------------------------------------- */

static bool cb_drained(audio_out *ao)
{
  uint64_t end = atomic_load_explicit(&ao->end_pos, memory_order_acquire);
  return end != NO_END && ring_read_pos(ao->ring) >= end;
}

/* Carries out every flush requested up to the ticket we loaded. The target only grows, so a
 * newer target read here covers the older tickets too. */
static void cb_flush(audio_out *ao, uint64_t tickets)
{
  uint64_t target = atomic_load_explicit(&ao->flush_target, memory_order_acquire);
  ring_discard_to(ao->ring, target);
  ao->flush_seen = tickets;
  ao->fast_fade = true;
  atomic_fetch_add_explicit(&ao->flushes, 1, memory_order_relaxed);
  atomic_store_explicit(&ao->flush_done, tickets, memory_order_release);
}

/* Fills out[0..n) from the ring under the envelope and the volume glide. Splits the buffer
 * where a fade ends, so a whole segment uses one envelope target. */
static void cb_fill(audio_out *ao, float *out, size_t n)
{
  int req = atomic_load_explicit(&ao->req_state, memory_order_relaxed);
  uint64_t tickets = atomic_load_explicit(&ao->flush_tickets, memory_order_acquire);
  float vol_target =
      volume_from_bits(atomic_load_explicit(&ao->volume_bits, memory_order_relaxed));
  bool flush_pending = tickets != ao->flush_seen;
  uint64_t short_frames = 0;
  size_t done = 0;

  while(done < n) {
    bool want_sound = req == AUDIO_OUT_PLAYING && !flush_pending;
    float target = want_sound ? 1.0f : 0.0f;
    float step = (flush_pending || ao->fast_fade) ? ao->step_fast : ao->step_slow;
    size_t seg = n - done, got, i, ramp = 0;
    float env = ao->env, vol = ao->vol;

    if(env == 0.0f && !want_sound) {
      if(flush_pending) {
        /* Silent now: drop the queue, then go round again to fade back in if playing. */
        cb_flush(ao, tickets);
        flush_pending = false;
        continue;
      }
      /* Paused or stopped: silence, and the ring is not touched (the position is kept). */
      memset(out + done, 0, (n - done) * sizeof(float));
      break;
    }
    if(env != target) {
      ramp = (size_t)ceilf(fabsf(target - env) / step);
      if(ramp < seg)
        seg = ramp;
    }

    got = ring_read(ao->ring, out + done, seg);
    if(got < seg) {
      memset(out + done + got, 0, (seg - got) * sizeof(float));
      if(!cb_drained(ao))
        short_frames += seg - got;
    }

    for(i = 0; i < seg; i++) {
      if(env < target) {
        env += step;
        if(env > target)
          env = target;
      }
      else if(env > target) {
        env -= step;
        if(env < target)
          env = target;
      }
      vol += (vol_target - vol) * ao->vol_coef;
      out[done + i] *= env * vol;
    }
    if(ramp && seg == ramp)
      env = target; /* exactly, whatever the float steps summed to */
    if(fabsf(vol_target - vol) < 1e-4f)
      vol = vol_target; /* stop the glide before it crawls into denormals */
    if(env == 1.0f)
      ao->fast_fade = false;
    if(got < seg) {
      /* The ring ran dry (underrun or end of session). Soften the cut with a 1 ms fade over
       * the last frames there were, and let what comes next fade in, so neither edge clicks. */
      size_t k = got < ao->tail_frames ? got : ao->tail_frames, j;
      float inv = 1.0f / (float)(k + 1), g = (float)k * inv;
      for(j = 0; j < k; j++, g -= inv)
        out[done + got - k + j] *= g;
      env = 0.0f;
      ao->fast_fade = true;
    }
    ao->env = env;
    ao->vol = vol;
    done += seg;
  }

  if(short_frames) {
    atomic_fetch_add_explicit(&ao->underruns, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&ao->underrun_frames, short_frames, memory_order_relaxed);
  }
  atomic_store_explicit(&ao->state,
                        ao->env > 0.0f || (req == AUDIO_OUT_PLAYING) ? AUDIO_OUT_PLAYING : req,
                        memory_order_release);
}

static int cb_stream(const void *input, void *output, unsigned long frames,
                     const PaStreamCallbackTimeInfo *time_info, PaStreamCallbackFlags flags,
                     void *user)
{
  audio_out *ao = user;
  float *out = output;
  uint64_t t0 = now_ns(), took, max;
  size_t n = (size_t)frames, i;

  /* alsa-lib hands PortAudio a frame count with bits it never set (a partly written stack
   * flag in snd_interval_refine_set); the value is right, but memcheck would flag every use
   * of it downstream. Say so once here instead of suppressing our own code. */
  MARK_DEFINED(&n, sizeof(n));
  MARK_DEFINED(&flags, sizeof(flags));
  (void)input;
  (void)time_info;
  cb_fill(ao, out, n);
  if(ao->channels == 2)
    for(i = n; i-- > 0;) /* widen in place, from the end so nothing is overwritten unread */
      out[2 * i] = out[2 * i + 1] = out[i];

  if(flags & paOutputUnderflow)
    atomic_fetch_add_explicit(&ao->xruns, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&ao->frames_out, n, memory_order_relaxed);
  took = now_ns() - t0;
  atomic_fetch_add_explicit(&ao->cb_ns_total, took, memory_order_relaxed);
  max = atomic_load_explicit(&ao->cb_ns_max, memory_order_relaxed);
  if(took > max)
    atomic_store_explicit(&ao->cb_ns_max, took, memory_order_relaxed);
  /* Last, with release: whoever sees the new count sees everything above. */
  atomic_fetch_add_explicit(&ao->callbacks, 1, memory_order_release);
  return paContinue;
}

static void cb_finished(void *user)
{
  audio_out *ao = user;
  atomic_store_explicit(&ao->finished, true, memory_order_release);
}

/* ---- PortAudio setup (main thread) ----------------------------------------------------- */

/* Closing a stream whose sound server hangs (stopped, not dead) never returns: PortAudio
 * cancels its callback thread, whose clean-up calls snd_pcm_drop(), and the pulse plugin
 * waits for the server without a timeout. So the close runs on a thread of its own and the
 * main thread waits for it only CLOSE_WAIT_MS. A close left behind finishes (and frees the
 * audio_out) if the server ever comes back or dies; until then PortAudio is busy and open
 * and reinit refuse, because PortAudio must not be used from two threads at once. */
#define CLOSE_WAIT_MS 500
#define CLOSE_TAIL_MS 10 /* beyond the reported latency, for the server's own buffer */

static pthread_once_t closing_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t closing_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t closing_cond;
static int closing; /* closes in progress; guarded by closing_lock */

static void closing_init(void)
{
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&closing_cond, &attr);
  pthread_condattr_destroy(&attr);
}

static bool close_pending(void)
{
  bool busy;
  pthread_once(&closing_once, closing_init);
  pthread_mutex_lock(&closing_lock);
  busy = closing > 0;
  pthread_mutex_unlock(&closing_lock);
  return busy;
}

static void alsa_quiet(const char *file, int line, const char *function, int err,
                       const char *fmt, ...)
{
  (void)file;
  (void)line;
  (void)function;
  (void)err;
  (void)fmt;
}

static void jack_quiet(const char *msg)
{
  (void)msg;
}

/* PortAudio 19.6 lists devices by opening every PCM that ALSA's configuration defines, and
 * alsa-lib keeps each plugin it loads for that until the process ends. On Debian with
 * libasound2-plugins this loads the AC-3 encoder (libavcodec and some 40 libraries it needs:
 * librsvg, x265, aom, ICU...), JACK, OSS, speex and the up/down-mixers: 13 MB of coachd's
 * 25 MB when idle (measured with /proc/PID/smaps), for devices no default output ever goes
 * through. So when the user has not named a device, those definitions are taken out of this
 * process's copy of ALSA's configuration before PortAudio reads it. Nothing on disk changes,
 * and a named device (which might be one of them) leaves the configuration whole. */
static const char *const probe_only_types[] = {"a52", "jack", "oss", "speex", "upmix",
                                               "vdownmix", "usb_stream"};

static const char *pcm_type(snd_config_t *node)
{
  snd_config_t *type;
  const char *s = NULL;
  if(snd_config_get_type(node) != SND_CONFIG_TYPE_COMPOUND ||
     snd_config_search(node, "type", &type) < 0 || snd_config_get_string(type, &s) < 0)
    return NULL;
  return s;
}

static bool probe_only(snd_config_t *node)
{
  const char *type = pcm_type(node);
  if(!type)
    return false;
  for(size_t i = 0; i < sizeof(probe_only_types) / sizeof(probe_only_types[0]); i++)
    if(!strcmp(type, probe_only_types[i]))
      return true;
  return false;
}

static void hide_probe_only_pcms(void)
{
  snd_config_t *pcms, *def, *target;
  snd_config_iterator_t it, next;
  const char *alias;

  if(snd_config_update() < 0 || !snd_config || snd_config_search(snd_config, "pcm", &pcms) < 0)
    return;
  /* The default output must keep whatever it is made of: if it is (or names) one of these
   * plugins, leave everything as it is. */
  if(snd_config_search(pcms, "default", &def) >= 0) {
    if(probe_only(def))
      return;
    if(snd_config_get_string(def, &alias) >= 0 && snd_config_search(pcms, alias, &target) >= 0 &&
       probe_only(target))
      return;
  }
  snd_config_for_each(it, next, pcms) {
    snd_config_t *node = snd_config_iterator_entry(it);
    const char *id;
    if(snd_config_get_id(node, &id) >= 0 && strcmp(id, "default") && probe_only(node))
      snd_config_delete(node);
  }
}

coach_rc audio_out_init(const char *device, char *why, size_t why_len)
{
  const char *debug = getenv("COACH_AUDIO_DEBUG");
  PaError err;

  /* Probing every ALSA PCM and the JACK server prints ~100 lines of noise to stderr when
   * there is no sound card and no JACK (PLATFORM.md); it would drown the daemon's log. The
   * handlers are process-wide and stay set: stream opens probe again. */
  if(!debug || !*debug || !strcmp(debug, "0")) {
    snd_lib_error_set_handler(alsa_quiet);
    jack_set_error_function(jack_quiet);
    jack_set_info_function(jack_quiet);
  }
  if(!device || !*device)
    hide_probe_only_pcms();
  err = Pa_Initialize();
  if(err != paNoError) {
    coach_why(why, why_len, "cannot initialise PortAudio: %s", pa_text(err));
    return COACH_E_DEVICE;
  }
  return COACH_OK;
}

void audio_out_terminate(void)
{
  /* A close stuck on a hung server would make Pa_Terminate hang too; at exit the system
   * reclaims everything anyway. */
  if(close_pending())
    return;
  Pa_Terminate();
}

#define CLOSING_MSG                                                                           \
  "the previous audio stream is still closing (the sound server does not answer); try again " \
  "later"

coach_rc audio_out_reinit(const char *device, char *why, size_t why_len)
{
  if(close_pending()) {
    coach_why(why, why_len, CLOSING_MSG);
    return COACH_E_STATE;
  }
  /* Pa_Initialize counts its callers: terminate until it really closes, or the device list
   * (and ALSA's configuration, which PortAudio frees at the last terminate) would be kept. */
  for(int i = 0; i < 64 && Pa_Terminate() == paNoError; i++)
    ;
  return audio_out_init(device, why, why_len);
}

/* An exact name wins; else the first output device whose name contains the text. */
static PaDeviceIndex find_device(const char *name)
{
  PaDeviceIndex i, count = Pa_GetDeviceCount(), partial = paNoDevice;

  for(i = 0; i < count; i++) {
    const PaDeviceInfo *info = Pa_GetDeviceInfo(i);
    if(!info || info->maxOutputChannels < 1 || !info->name)
      continue;
    if(!strcasecmp(info->name, name))
      return i;
    if(partial == paNoDevice && strcasestr(info->name, name))
      partial = i;
  }
  return partial;
}

static void list_devices(char *buf, size_t len)
{
  PaDeviceIndex i, count = Pa_GetDeviceCount();
  size_t used = 0;

  buf[0] = '\0';
  for(i = 0; i < count && used + 1 < len; i++) {
    const PaDeviceInfo *info = Pa_GetDeviceInfo(i);
    int w;
    if(!info || info->maxOutputChannels < 1 || !info->name)
      continue;
    w = snprintf(buf + used, len - used, "%s\"%s\"", used ? ", " : "", info->name);
    if(w < 0)
      break;
    used += (size_t)w;
  }
}

#define NO_DEVICE_MSG                                                                         \
  "no audio output device: is a sound server running? Use `coach render` to write a file "   \
  "instead"

/* ALSA and the sound server's client need several file descriptors; without them every
 * device simply fails to open and looks absent. Tell that case apart, so the message names
 * the real cause. */
#define AUDIO_FDS_NEEDED 8

static bool short_of_fds(void)
{
  int fds[AUDIO_FDS_NEEDED], n = 0;
  bool short_of = false;
  while(n < AUDIO_FDS_NEEDED) {
    fds[n] = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if(fds[n] < 0) {
      short_of = errno == EMFILE || errno == ENFILE;
      break;
    }
    n++;
  }
  while(n > 0)
    close(fds[--n]);
  return short_of;
}

/* Says so and returns true when the process is out of descriptors: PortAudio's own text for
 * that case ("Illegal combination of I/O devices", or no device at all) would mislead. */
static bool explain_fd_shortage(char *why, size_t why_len)
{
  struct rlimit rl;
  if(!short_of_fds() || getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return false;
  coach_why(why, why_len, "cannot open the audio device: out of file descriptors (the limit is "
            "%llu; close some connections or raise `ulimit -n`)", (unsigned long long)rl.rlim_cur);
  return true;
}

static void set_no_device(char *why, size_t why_len)
{
  if(!explain_fd_shortage(why, why_len))
    coach_why(why, why_len, NO_DEVICE_MSG);
}

coach_rc audio_out_open(const char *device, int rate, int period_ms, size_t ring_frames,
                        audio_out **out, char *why, size_t why_len)
{
  PaStreamParameters params;
  PaDeviceIndex dev;
  const PaDeviceInfo *info;
  PaError err;
  audio_out *ao;
  coach_rc rc;

  if(rate < 8000 || rate > 192000) {
    coach_why(why, why_len, "sample rate %d Hz is out of range", rate);
    return COACH_E_INVALID;
  }
  if(period_ms < 2 || period_ms > 50) {
    coach_why(why, why_len, "device period of %d ms is out of range (2-50)", period_ms);
    return COACH_E_INVALID;
  }
  if(ring_frames == 0 || ring_frames > RING_MAX_FRAMES) {
    coach_why(why, why_len, "ring size of %zu frames is out of range", ring_frames);
    return COACH_E_INVALID;
  }
  if(close_pending()) {
    coach_why(why, why_len, CLOSING_MSG);
    return COACH_E_STATE;
  }
  if(Pa_GetDeviceCount() < 0) {
    coach_why(why, why_len, "audio output is not initialised");
    return COACH_E_STATE;
  }

  if(device && *device) {
    dev = find_device(device);
    if(dev == paNoDevice) {
      char names[512];
      list_devices(names, sizeof(names));
      if(names[0])
        coach_why(why, why_len, "no audio output device matches \"%s\"; there are: %s", device,
                names);
      else
        set_no_device(why, why_len);
      return COACH_E_DEVICE;
    }
  }
  else {
    dev = Pa_GetDefaultOutputDevice();
    if(dev == paNoDevice) {
      set_no_device(why, why_len);
      return COACH_E_DEVICE;
    }
  }
  info = Pa_GetDeviceInfo(dev);
  if(!info) {
    set_no_device(why, why_len);
    return COACH_E_DEVICE;
  }

  memset(&params, 0, sizeof(params));
  params.device = dev;
  params.channelCount = 1;
  params.sampleFormat = paFloat32;
  /* The device's low latency: pause, stop and skip act inside the callback, so what is left
   * to wait for is the device's own buffer. */
  params.suggestedLatency = info->defaultLowOutputLatency;

  ao = calloc(1, sizeof(*ao));
  if(!ao)
    return COACH_E_NOMEM;
  rc = ring_new(ring_frames, &ao->ring);
  if(rc) {
    free(ao);
    return rc;
  }
  ao->rate = rate;
  snprintf(ao->device, sizeof(ao->device), "%s", info->name);
  atomic_init(&ao->req_state, AUDIO_OUT_PAUSED);
  atomic_init(&ao->state, AUDIO_OUT_PAUSED);
  atomic_init(&ao->volume_bits, volume_to_bits(1.0f));
  atomic_init(&ao->end_pos, NO_END);
  ao->vol = 1.0f;
  ao->env = 0.0f;
  ao->step_slow = 1000.0f / ((float)rate * AUDIO_OUT_FADE_MS);
  ao->step_fast = 1000.0f / ((float)rate * AUDIO_OUT_FLUSH_FADE_MS);
  ao->vol_coef = (float)(1.0 - exp(-1000.0 / ((double)rate * AUDIO_OUT_VOLUME_MS)));
  ao->tail_frames = (size_t)rate / 1000;

  unsigned long period_frames = (unsigned long)rate * (unsigned long)period_ms / 1000;
  /* Straight to the open, with no Pa_IsFormatSupported first: through ALSA's pulse plugin
   * each of them connects to the sound server, ~1.5 ms that `coach start` would wait for.
   * The stream's first buffers come from the callback (priming), not silence, so a sound
   * queued before audio_out_start() is the first thing the device plays. */
  err = Pa_OpenStream(&ao->stream, NULL, &params, rate, period_frames,
                      paPrimeOutputBuffersUsingStreamCallback, cb_stream, ao);
  if(err != paNoError && info->maxOutputChannels >= 2) {
    params.channelCount = 2; /* some hardware devices take only stereo */
    err = Pa_OpenStream(&ao->stream, NULL, &params, rate, period_frames,
                        paPrimeOutputBuffersUsingStreamCallback, cb_stream, ao);
  }
  if(err != paNoError) {
    if(!explain_fd_shortage(why, why_len))
      coach_why(why, why_len, "cannot open audio device \"%s\" for %d Hz float audio: %s",
                info->name, rate, pa_text(err));
    ring_free(ao->ring);
    free(ao);
    return COACH_E_DEVICE;
  }
  ao->channels = params.channelCount;
  Pa_SetStreamFinishedCallback(ao->stream, cb_finished);
  *out = ao;
  return COACH_OK;
}

coach_rc audio_out_start(audio_out *ao, audio_out_state initial, char *why, size_t why_len)
{
  const PaStreamInfo *sinfo;
  PaError err;

  if(initial == AUDIO_OUT_PLAYING) {
    /* The callback has not run yet, so its own state may be set here; starting the stream
     * publishes it to the callback's thread. */
    atomic_store(&ao->req_state, AUDIO_OUT_PLAYING);
    atomic_store(&ao->state, AUDIO_OUT_PLAYING);
    ao->env = 1.0f;
  }
  err = Pa_StartStream(ao->stream);
  if(err != paNoError) {
    coach_why(why, why_len, "cannot start audio device \"%s\": %s", ao->device, pa_text(err));
    ao->dead = true; /* closing it must not wait for a fade that will never play */
    return COACH_E_DEVICE;
  }
  sinfo = Pa_GetStreamInfo(ao->stream);
  ao->latency_ms = sinfo ? sinfo->outputLatency * 1000.0 : 0.0;
  MARK_DEFINED(&ao->latency_ms, sizeof(ao->latency_ms)); /* computed from alsa-lib's values */
  return COACH_OK;
}

static void sleep_ms(int ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void close_stream(audio_out *ao)
{
  /* Stop plays out the device buffer (silence by now); abort drops it. After the server
   * died only abort is sure not to wait for a device that will never drain. */
  if(ao->close_gently)
    Pa_StopStream(ao->stream);
  else
    Pa_AbortStream(ao->stream);
  Pa_CloseStream(ao->stream);
  ring_free(ao->ring);
  free(ao);
}

static void *closer(void *arg)
{
  close_stream(arg);
  pthread_mutex_lock(&closing_lock);
  closing--;
  pthread_cond_broadcast(&closing_cond);
  pthread_mutex_unlock(&closing_lock);
  return NULL;
}

/* Waits on the main thread, at most ~100 ms, until the callback is silent (frames == 0) or
 * has handed frames_out >= frames to the device. False when it stops running meanwhile (the
 * server died) or time is up. */
static bool wait_callback(audio_out *ao, uint64_t frames)
{
  uint64_t seen = atomic_load(&ao->callbacks);
  int waited, still = 0;

  for(waited = 0; waited < 100; waited++) {
    uint64_t now;
    if(frames ? atomic_load(&ao->frames_out) >= frames
              : audio_out_state_now(ao) != AUDIO_OUT_PLAYING)
      return true;
    now = atomic_load(&ao->callbacks);
    still = now == seen ? still + 1 : 0;
    seen = now;
    if(still > 50)
      return false;
    sleep_ms(1);
  }
  return false;
}

void audio_out_close(audio_out *ao)
{
  pthread_attr_t attr;
  pthread_t th;
  struct timespec until;
  int err;

  if(!ao)
    return;
  ao->close_gently =
      !ao->dead && !atomic_load(&ao->finished) && Pa_IsStreamActive(ao->stream) == 1;
  if(ao->close_gently) {
    /* Fade out in the callback, then let the faded frames leave the device buffer before
     * the stream ends: PortAudio's stop through the pulse plugin cuts what is still
     * buffered, which would click in the middle of the fade. */
    uint64_t tail = (uint64_t)((ao->latency_ms + CLOSE_TAIL_MS) * ao->rate / 1000.0);
    atomic_store(&ao->req_state, AUDIO_OUT_STOPPED);
    ao->close_gently = wait_callback(ao, 0) && !atomic_load(&ao->finished);
    if(ao->close_gently)
      ao->close_gently = wait_callback(ao, atomic_load(&ao->frames_out) + tail);
  }

  pthread_once(&closing_once, closing_init);
  pthread_mutex_lock(&closing_lock);
  closing++;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  err = pthread_create(&th, &attr, closer, ao);
  pthread_attr_destroy(&attr);
  if(err) {
    /* No thread to spare: close here and accept the risk of waiting. */
    closing--;
    pthread_mutex_unlock(&closing_lock);
    close_stream(ao);
    return;
  }
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_nsec += (long)CLOSE_WAIT_MS * 1000000L;
  until.tv_sec += until.tv_nsec / 1000000000L;
  until.tv_nsec %= 1000000000L;
  while(closing > 0 && pthread_cond_timedwait(&closing_cond, &closing_lock, &until) == 0)
    ;
  pthread_mutex_unlock(&closing_lock);
}

bool audio_out_closing(void)
{
  return close_pending();
}

bool audio_out_check_alive(audio_out *ao, int64_t now_ms)
{
  uint64_t calls;

  if(ao->dead)
    return false;
  if(atomic_load_explicit(&ao->finished, memory_order_acquire) ||
     Pa_IsStreamActive(ao->stream) != 1) {
    ao->dead = true;
    return false;
  }
  calls = atomic_load_explicit(&ao->callbacks, memory_order_acquire);
  if(!ao->wd_started || calls != ao->wd_callbacks) {
    ao->wd_started = true;
    ao->wd_callbacks = calls;
    ao->wd_last_ms = now_ms;
    return true;
  }
  if(now_ms - ao->wd_last_ms > AUDIO_OUT_WATCHDOG_MS) {
    ao->dead = true;
    return false;
  }
  return true;
}

const char *audio_out_device_name(const audio_out *ao)
{
  return ao->device;
}

/* ---- requests (any thread) ------------------------------------------------------------- */

void audio_out_play(audio_out *ao)
{
  atomic_store_explicit(&ao->req_state, AUDIO_OUT_PLAYING, memory_order_release);
}

void audio_out_pause(audio_out *ao)
{
  atomic_store_explicit(&ao->req_state, AUDIO_OUT_PAUSED, memory_order_release);
}

void audio_out_stop(audio_out *ao)
{
  atomic_store_explicit(&ao->req_state, AUDIO_OUT_STOPPED, memory_order_release);
}

void audio_out_set_volume(audio_out *ao, float volume)
{
  if(isnan(volume))
    return;
  if(volume < 0.0f)
    volume = 0.0f;
  if(volume > 1.0f)
    volume = 1.0f;
  atomic_store_explicit(&ao->volume_bits, volume_to_bits(volume), memory_order_relaxed);
}

uint64_t audio_out_flush(audio_out *ao)
{
  uint64_t target = ring_write_pos(ao->ring);
  uint64_t cur = atomic_load_explicit(&ao->flush_target, memory_order_relaxed);

  /* Raise the target to at least ours; a concurrent flush from another thread may have
   * raised it further, which only drops more of what was written before both requests. */
  while(cur < target && !atomic_compare_exchange_weak_explicit(
                            &ao->flush_target, &cur, target, memory_order_release,
                            memory_order_relaxed))
    ;
  /* The ticket is published after the target (release), so the callback that sees it
   * sees a target at least this high. */
  return atomic_fetch_add_explicit(&ao->flush_tickets, 1, memory_order_acq_rel) + 1;
}

bool audio_out_flush_done(const audio_out *ao, uint64_t ticket)
{
  return atomic_load_explicit(&ao->flush_done, memory_order_acquire) >= ticket;
}

/* ---- producer -------------------------------------------------------------------------- */

size_t audio_out_write(audio_out *ao, const float *frames, size_t n)
{
  return ring_write(ao->ring, frames, n);
}

size_t audio_out_space(const audio_out *ao)
{
  return ring_space(ao->ring);
}

void audio_out_mark_end(audio_out *ao)
{
  atomic_store_explicit(&ao->end_pos, ring_write_pos(ao->ring), memory_order_release);
}

void audio_out_clear_end(audio_out *ao)
{
  atomic_store_explicit(&ao->end_pos, NO_END, memory_order_release);
}

/* ---- readers (any thread) -------------------------------------------------------------- */

uint64_t audio_out_position(const audio_out *ao)
{
  return ring_read_pos(ao->ring);
}

audio_out_state audio_out_state_now(const audio_out *ao)
{
  return (audio_out_state)atomic_load_explicit(&ao->state, memory_order_acquire);
}

bool audio_out_drained(const audio_out *ao)
{
  uint64_t end = atomic_load_explicit(&ao->end_pos, memory_order_acquire);
  return end != NO_END && ring_read_pos(ao->ring) >= end;
}

void audio_out_get_stats(const audio_out *ao, audio_out_stats *st)
{
  uint64_t calls = atomic_load_explicit(&ao->callbacks, memory_order_acquire);
  uint64_t total = atomic_load_explicit(&ao->cb_ns_total, memory_order_relaxed);

  memset(st, 0, sizeof(*st));
  st->state = audio_out_state_now(ao);
  st->position = ring_read_pos(ao->ring);
  st->written = ring_write_pos(ao->ring);
  st->frames_out = atomic_load_explicit(&ao->frames_out, memory_order_relaxed);
  st->callbacks = calls;
  st->underruns = atomic_load_explicit(&ao->underruns, memory_order_relaxed);
  st->underrun_frames = atomic_load_explicit(&ao->underrun_frames, memory_order_relaxed);
  st->xruns = atomic_load_explicit(&ao->xruns, memory_order_relaxed);
  st->flushes = atomic_load_explicit(&ao->flushes, memory_order_relaxed);
  st->drained = audio_out_drained(ao);
  st->finished = atomic_load_explicit(&ao->finished, memory_order_acquire);
  st->callback_ms_avg = calls ? (double)total / (double)calls / 1e6 : 0.0;
  st->callback_ms_max =
      (double)atomic_load_explicit(&ao->cb_ns_max, memory_order_relaxed) / 1e6;
  st->latency_ms = ao->latency_ms;
  st->channels = ao->channels;
}
