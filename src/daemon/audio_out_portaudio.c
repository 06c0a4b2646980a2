/* audio_out_portaudio — the portaudio output (audio_out.h): a PortAudio callback stream that
 * plays what it pulls from the feed within one device period.
 *
 * For machines with no sound server: ALSA hardware directly, or JACK. Facts this file relies
 * on, seen with Debian's PortAudio 19.6 (ALSA and JACK host APIs only):
 *  - With no device Pa_Initialize succeeds with no devices, and ALSA and JACK print about a
 *    hundred lines of probing noise on stderr; their error handlers silence it.
 *  - When the device or the server behind ALSA goes away, PortAudio reports no error: the
 *    callback stops being called, Pa_IsStreamActive turns 0 and the finished callback fires.
 *    Seeing a server that came back needs Pa_Terminate + Pa_Initialize: PortAudio (and ALSA's
 *    pulse hook) enumerate devices only then.
 *  - Pa_GetStreamTime has no fixed base, so the feed's ring position is the clock: the
 *    callback tells the feed what it took as heard.
 *
 * The callback is real-time safe: feed_pull and atomics only.
 *
 * Threads: PortAudio itself is used only from the engine thread (it must not be used from two
 * threads at once), except for a close left behind on a hung server (see close_later).
 */
#include "audio_out.h"

#include <alsa/asoundlib.h>
#include <errno.h>
#include <fcntl.h>
#include <jack/jack.h>
#include <portaudio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock_ms.h"

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

#define CLOSE_WAIT_MS 500 /* longest wait for a close on the engine thread (see close_later) */
#define CLOSE_TAIL_MS 10  /* beyond the reported latency, for the server's own buffer */

typedef struct pa_out {
  audio_out base;
  feed *feed;
  PaStream *stream;
  int rate, channels;
  double latency_ms;
  char device[128];
  void (*notify)(void *ctx);
  void *notify_ctx;

  /* Stored by the callback. */
  _Atomic uint64_t callbacks, frames_out;
  _Atomic bool finished;

  /* The engine thread's view of the callback, for health(). */
  uint64_t seen_callbacks;
  int64_t seen_ms;
  bool dead;
} pa_out;

/* PortAudio's state in this process. */
static bool initialised;
static bool needs_reinit; /* a stream was lost: a restarted server is seen only after this */

static const char *pa_text(PaError err)
{
  if(err == paUnanticipatedHostError) {
    const PaHostErrorInfo *info = Pa_GetLastHostErrorInfo();
    if(info && info->errorText && *info->errorText)
      return info->errorText;
  }
  return Pa_GetErrorText(err);
}

/* ---- the real-time side ------------------------------------------------------------------ */

static int cb_stream(const void *input, void *output, unsigned long frames,
                     const PaStreamCallbackTimeInfo *time_info, PaStreamCallbackFlags flags,
                     void *user)
{
  pa_out *po = user;
  float *out = output;
  size_t n = (size_t)frames, i;

  /* alsa-lib hands PortAudio a frame count with bits it never set (a partly written stack
   * flag in snd_interval_refine_set); the value is right, but memcheck would flag every use
   * of it downstream. Say so once here instead of suppressing our own code. */
  MARK_DEFINED(&n, sizeof(n));
  MARK_DEFINED(&flags, sizeof(flags));
  (void)input;
  (void)time_info;
  feed_pull(po->feed, out, n, true);
  /* What the callback hands over is heard within the device's own buffer: the closest the
   * clock can get without a trustworthy stream time. */
  feed_heard(po->feed, feed_read_pos(po->feed));
  if(po->channels == 2)
    for(i = n; i-- > 0;) /* widen in place, from the end so nothing is overwritten unread */
      out[2 * i] = out[2 * i + 1] = out[i];
  atomic_fetch_add_explicit(&po->frames_out, n, memory_order_relaxed);
  atomic_fetch_add_explicit(&po->callbacks, 1, memory_order_release);
  return paContinue;
}

static void cb_finished(void *user)
{
  pa_out *po = user;
  atomic_store_explicit(&po->finished, true, memory_order_release);
  if(po->notify)
    po->notify(po->notify_ctx);
}

/* ---- PortAudio's life in this process ---------------------------------------------------- */

/* Closing a stream whose sound server hangs (stopped, not dead) never returns: PortAudio
 * cancels its callback thread, whose clean-up calls snd_pcm_drop(), and the pulse plugin
 * waits for the server without a timeout. So the close runs on a thread of its own and the
 * engine waits for it only CLOSE_WAIT_MS. A close left behind finishes (and frees the output)
 * if the server ever comes back or dies; until then PortAudio is busy and open refuses. */
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
 * libasound2-plugins this loads the AC-3 encoder (libavcodec and some 40 libraries it needs),
 * JACK, OSS, speex and the up/down-mixers: 13 MB of resident memory (measured with
 * /proc/PID/smaps), for devices no default output goes through. So when the user has not
 * named a device, those definitions are taken out of this process's copy of ALSA's
 * configuration before PortAudio reads it. Nothing on disk changes, and a named device
 * (which might be one of them) leaves the configuration whole. */
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

/* Initialises PortAudio (again, after a loss) for device. */
static coach_rc ensure_initialised(const char *device, char *why, size_t why_len)
{
  const char *debug = getenv("COACH_AUDIO_DEBUG");
  PaError err;

  if(initialised && !needs_reinit)
    return COACH_OK;
  if(initialised) {
    /* Pa_Initialize counts its callers: terminate until it really closes, or the device list
     * (and ALSA's configuration, which PortAudio frees at the last terminate) would stay. */
    for(int i = 0; i < 64 && Pa_Terminate() == paNoError; i++)
      ;
    initialised = false;
  }
  /* The probing noise would drown the daemon's log (set COACH_AUDIO_DEBUG=1 to see it). The
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
  initialised = true;
  needs_reinit = false;
  return COACH_OK;
}

/* ---- devices ----------------------------------------------------------------------------- */

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

/* ALSA and the sound server's client need several file descriptors; without them every
 * device simply fails to open and looks absent, and PortAudio's own text for that case
 * ("Illegal combination of I/O devices") would mislead. Tell that case apart. */
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
    coach_why(why, why_len, "no audio output device: is a sound server running? Use `coach "
              "render` to write a file instead");
}

/* ---- the table --------------------------------------------------------------------------- */

static coach_rc pick_device(const char *device, PaDeviceIndex *dev, char *why, size_t why_len)
{
  if(device && *device) {
    *dev = find_device(device);
    if(*dev == paNoDevice) {
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
    *dev = Pa_GetDefaultOutputDevice();
    if(*dev == paNoDevice) {
      set_no_device(why, why_len);
      return COACH_E_DEVICE;
    }
  }
  return COACH_OK;
}

static coach_rc portaudio_open(const audio_out_params *p, audio_out **out, char *why,
                               size_t why_len)
{
  PaStreamParameters params;
  PaDeviceIndex dev;
  const PaDeviceInfo *info;
  PaError err;
  pa_out *po;
  coach_rc rc;

  if(p->period_ms < 2 || p->period_ms > 50) {
    coach_why(why, why_len, "device period of %d ms is out of range (2-50)", p->period_ms);
    return COACH_E_INVALID;
  }
  if(close_pending()) {
    coach_why(why, why_len, "the previous audio stream is still closing (the sound server does "
              "not answer); try again later");
    return COACH_E_DEVICE;
  }
  rc = ensure_initialised(p->device, why, why_len);
  if(!rc)
    rc = pick_device(p->device, &dev, why, why_len);
  if(rc) {
    needs_reinit = true; /* the next try starts from a fresh device list */
    return rc;
  }
  info = Pa_GetDeviceInfo(dev);
  if(!info) {
    set_no_device(why, why_len);
    return COACH_E_DEVICE;
  }

  po = calloc(1, sizeof(*po));
  if(!po)
    return COACH_E_NOMEM;
  po->base.ops = &audio_out_portaudio;
  po->feed = p->feed;
  po->rate = p->rate;
  po->notify = p->notify;
  po->notify_ctx = p->notify_ctx;
  snprintf(po->device, sizeof(po->device), "%s", info->name);

  memset(&params, 0, sizeof(params));
  params.device = dev;
  params.channelCount = 1;
  params.sampleFormat = paFloat32;
  /* The device's low latency: controls act inside the callback, so what is left to wait for
   * is the device's own buffer. */
  params.suggestedLatency = info->defaultLowOutputLatency;
  unsigned long period_frames = (unsigned long)p->rate * (unsigned long)p->period_ms / 1000;
  /* Straight to the open, with no Pa_IsFormatSupported first: through ALSA's pulse plugin
   * each of them connects to the sound server, ~1.5 ms that `coach start` would wait for.
   * The stream's first buffers come from the callback (priming), not silence, so a sound
   * already in the feed is the first thing the device plays. */
  err = Pa_OpenStream(&po->stream, NULL, &params, p->rate, period_frames,
                      paPrimeOutputBuffersUsingStreamCallback, cb_stream, po);
  if(err != paNoError && info->maxOutputChannels >= 2) {
    params.channelCount = 2; /* some hardware devices take only stereo */
    err = Pa_OpenStream(&po->stream, NULL, &params, p->rate, period_frames,
                        paPrimeOutputBuffersUsingStreamCallback, cb_stream, po);
  }
  if(err != paNoError) {
    if(!explain_fd_shortage(why, why_len))
      coach_why(why, why_len, "cannot open audio device \"%s\" for %d Hz float audio: %s",
                info->name, p->rate, pa_text(err));
    free(po);
    needs_reinit = true;
    return COACH_E_DEVICE;
  }
  po->channels = params.channelCount;
  Pa_SetStreamFinishedCallback(po->stream, cb_finished);
  err = Pa_StartStream(po->stream);
  if(err != paNoError) {
    coach_why(why, why_len, "cannot start audio device \"%s\": %s", po->device, pa_text(err));
    Pa_CloseStream(po->stream);
    free(po);
    needs_reinit = true;
    return COACH_E_DEVICE;
  }
  const PaStreamInfo *sinfo = Pa_GetStreamInfo(po->stream);
  po->latency_ms = sinfo ? sinfo->outputLatency * 1000.0 : 0.0;
  MARK_DEFINED(&po->latency_ms, sizeof(po->latency_ms)); /* computed from alsa-lib's values */
  po->seen_ms = clock_ms_now();
  *out = &po->base;
  return COACH_OK;
}

static void portaudio_kick(audio_out *ao)
{
  (void)ao; /* the callback acts on the feed's requests within a device period */
}

static void portaudio_pump(audio_out *ao)
{
  (void)ao; /* the callback takes what it needs */
}

/* LOST when PortAudio finished the stream or says it is inactive (the server died), or when
 * the callback has not run for AUDIO_OUT_STALL_MS (the server hangs). */
static audio_out_health portaudio_health(audio_out *ao, char *why, size_t why_len)
{
  pa_out *po = (pa_out *)ao;
  int64_t now = clock_ms_now();
  uint64_t calls;

  if(!po->dead && (atomic_load_explicit(&po->finished, memory_order_acquire) ||
                   Pa_IsStreamActive(po->stream) != 1)) {
    po->dead = true;
    coach_why(why, why_len, "the audio device \"%s\" stopped playing (did the sound server "
              "stop?)", po->device);
  }
  calls = atomic_load_explicit(&po->callbacks, memory_order_acquire);
  if(calls != po->seen_callbacks) {
    po->seen_callbacks = calls;
    po->seen_ms = now;
  }
  else if(!po->dead && now - po->seen_ms > AUDIO_OUT_STALL_MS) {
    po->dead = true;
    coach_why(why, why_len, "the audio device \"%s\" has not asked for sound for %d s (is the "
              "sound server stopped?)", po->device, AUDIO_OUT_STALL_MS / 1000);
  }
  if(po->dead) {
    needs_reinit = true;
    return AUDIO_OUT_LOST;
  }
  return calls ? AUDIO_OUT_PLAYING : AUDIO_OUT_STARTING;
}

static void close_stream(pa_out *po, bool gently)
{
  /* Stop plays out the device buffer (silence by now); abort drops it. After the server
   * died only abort is sure not to wait for a device that will never drain. */
  if(gently)
    Pa_StopStream(po->stream);
  else
    Pa_AbortStream(po->stream);
  Pa_CloseStream(po->stream);
  free(po);
}

typedef struct closer_arg {
  pa_out *po;
  bool gently;
} closer_arg;

static void *closer(void *arg)
{
  closer_arg a = *(closer_arg *)arg;
  free(arg);
  close_stream(a.po, a.gently);
  pthread_mutex_lock(&closing_lock);
  closing--;
  pthread_cond_broadcast(&closing_cond);
  pthread_mutex_unlock(&closing_lock);
  return NULL;
}

/* Waits, at most ~100 ms, until the callback is silent (frames 0) or has handed frames_out
 * >= frames to the device. False when it stops running meanwhile or time is up. */
static bool wait_callback(pa_out *po, uint64_t frames)
{
  uint64_t seen = atomic_load(&po->callbacks);
  int still = 0;

  for(int waited = 0; waited < 100; waited++) {
    if(frames ? atomic_load(&po->frames_out) >= frames
              : feed_state_now(po->feed) != FEED_PLAYING)
      return true;
    uint64_t now = atomic_load(&po->callbacks);
    still = now == seen ? still + 1 : 0;
    seen = now;
    if(still > 50)
      return false;
    clock_ms_sleep(1);
  }
  return false;
}

/* Closes on a thread of its own and waits for it at most CLOSE_WAIT_MS. */
static void close_later(pa_out *po, bool gently)
{
  pthread_attr_t attr;
  pthread_t th;
  struct timespec until;
  closer_arg *arg = malloc(sizeof(*arg));
  int err = ENOMEM;

  pthread_once(&closing_once, closing_init);
  pthread_mutex_lock(&closing_lock);
  closing++;
  if(arg) {
    *arg = (closer_arg){po, gently};
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    err = pthread_create(&th, &attr, closer, arg);
    pthread_attr_destroy(&attr);
  }
  if(err) {
    /* No thread to spare: close here and accept the risk of waiting. */
    free(arg);
    closing--;
    pthread_mutex_unlock(&closing_lock);
    close_stream(po, gently);
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

static void portaudio_close(audio_out *ao, bool fade)
{
  pa_out *po = (pa_out *)ao;
  bool gently;

  if(!po)
    return;
  gently = fade && !po->dead && !atomic_load(&po->finished) && Pa_IsStreamActive(po->stream) == 1;
  if(gently) {
    /* Let the callback fade out, then let the faded frames leave the device buffer before
     * the stream ends: PortAudio's stop through the pulse plugin cuts what is still
     * buffered, which would click in the middle of the fade. */
    uint64_t tail = (uint64_t)((po->latency_ms + CLOSE_TAIL_MS) * po->rate / 1000.0);
    gently = wait_callback(po, 0) && !atomic_load(&po->finished);
    if(gently)
      gently = wait_callback(po, atomic_load(&po->frames_out) + tail);
  }
  close_later(po, gently);
}

static const char *portaudio_device(const audio_out *ao)
{
  return ((const pa_out *)ao)->device;
}

static void portaudio_shutdown(void)
{
  /* A close stuck on a hung server would make Pa_Terminate hang too; at exit the system
   * reclaims everything anyway. */
  if(initialised && !close_pending())
    Pa_Terminate();
  initialised = false;
}

const audio_out_ops audio_out_portaudio = {
    .name = "portaudio",
    .open = portaudio_open,
    .kick = portaudio_kick,
    .pump = portaudio_pump,
    .health = portaudio_health,
    .close = portaudio_close,
    .device = portaudio_device,
    .shutdown = portaudio_shutdown,
};
