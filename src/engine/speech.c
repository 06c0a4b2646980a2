/* speech — libespeak-ng and recorded clips in, normalised mono clips at the mix rate out.
 *
 * Pipeline for one line of text:
 *   recorded clip (libsndfile, floats, mixed down)  or  eSpeak NG (16-bit PCM at its own rate)
 *   -> trim leading/trailing near-silence (10 ms margins)
 *   -> resample to the mix rate (soxr, one whole clip at a time) -> peak-normalise
 *   (<= SPEECH_PEAK) -> 16-bit, rounded to nearest.
 * Trimming happens before resampling so that soxr sees less data; normalising happens after,
 * because resampling can overshoot the input peak slightly. The resampled clip is never held
 * as floats: soxr runs twice over the trimmed input, once for the output's peak and once into
 * 16 bits, through a small block, and the second pass can hand the clip on block by block
 * (speech_synth_to) rather than fill a buffer. Resampling is cheap (~0.17 ms per second of
 * speech, below); the floats were not (~190 KB per second of speech, held at the worker's
 * busiest moment, beside a playing coachd).
 *
 * libsndfile is loaded (dlopen) only when a recorded clip is found: in coach-speech, which
 * lives beside a playing coachd, it would otherwise map libsndfile and its seven codec
 * libraries (~0.8 MB resident) for the clips most installations do not have.
 */
#include "speech.h"
#include "utf8.h"
#include "voice_name.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <espeak-ng/speak_lib.h>
#include <sndfile.h>
#include <soxr.h>

/* eSpeak's synchronous callback delivers about this much audio per call. Small enough that a
 * stop request is seen within a fraction of a millisecond of synthesis work (1300x real time,
 * PLATFORM.md), large enough that the per-call cost does not matter. */
#define SPEECH_ESPEAK_BUFFER_MS 100

/* Longest clip accepted, from eSpeak or from a file: bounds memory (10 min of 48 kHz float is
 * 115 MB) whatever text or file comes in. 4000 bytes of text at 80 wpm stay well below it. */
#define SPEECH_MAX_SECONDS 600

/* Trimming: a sample counts as sound when louder than the clip's peak minus 50 dB. eSpeak's
 * leading and trailing pauses are digital silence, so any threshold would do for it; -50 dB
 * keeps soft onsets (an "h", a breathy "f") of recordings. The margin keeps the attack that
 * starts below the threshold, so onsets are never clipped. */
#define SPEECH_TRIM_DB (-50.0)
#define SPEECH_TRIM_MARGIN_MS 10

#define SPEECH_ERR_MAX 256

struct speech {
  char *voices_dir; /* owned copy; NULL when there is none */
  int mix_rate;
  int espeak_rate; /* what espeak_Initialize returned: 22050 on Debian */
  pthread_t owner; /* the thread that opened it: the only one allowed to call eSpeak */
  soxr_t resampler; /* eSpeak's 16-bit espeak_rate -> mix_rate, reused (soxr_clear) for
                       every clip; NULL when the rates are equal */

  atomic_bool stop; /* set by speech_request_stop() from any thread */

  /* The synthesis in progress, filled by synth_callback() on the owner thread. The buffer is
   * kept between syntheses so that each one does not start with a string of reallocs. */
  int16_t *pcm;
  size_t pcm_len, pcm_cap;
  bool aborted;      /* the callback returned 1 because of a stop request */
  bool probing;      /* probe_voice() runs: stop requests are for real syntheses only */
  coach_rc cb_error; /* the callback returned 1 because of a limit or out of memory */

  voice_settings voice; /* the voice in effect (defaults resolved); valid when has_voice */
  bool has_voice;

  char err[SPEECH_ERR_MAX]; /* why the last speech_synth() failed */
};

/* eSpeak NG's state is process-global: a second speech object would silently share the first
 * one's voice and callback. Refused instead. */
static atomic_bool speech_in_use;

/* eSpeak is initialised once per process and never terminated. Measured with 1.51 (Debian):
 * once anything has been synthesised, an espeak_Terminate() after a second espeak_Initialize()
 * blocks forever on a condition variable (init, synth, terminate, init, terminate hangs), so
 * close-then-reopen would hang the second close. Keeping the first initialisation lets
 * speech_open() be called again (a config reload, tests); what eSpeak holds (dictionaries,
 * an idle thread) stays until the process exits, where valgrind shows it as still reachable.
 * Written only by the thread holding speech_in_use. */
static int espeak_rate_once;

/* ---- pure helpers ------------------------------------------------------------------- */

void speech_slug(const char *text, char *buf, size_t len)
{
  size_t n = 0, cap;
  bool pending_dash = false;

  if(!buf || !len)
    return;
  cap = len - 1 < 60 ? len - 1 : 60;
  for(const unsigned char *p = (const unsigned char *)(text ? text : ""); *p && n < cap; p++) {
    unsigned char c = *p;
    if(c >= 'A' && c <= 'Z')
      c = (unsigned char)(c - 'A' + 'a');
    if((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if(pending_dash && n) {
        buf[n++] = '-';
        if(n == cap)
          break;
      }
      pending_dash = false;
      buf[n++] = (char)c;
    }
    else
      pending_dash = true;
  }
  /* A dash is only written before a following letter, so the only way to end on one is the
   * 60-byte cut right after it. */
  while(n && buf[n - 1] == '-')
    n--;
  buf[n] = '\0';
}

static bool has_visible_char(const char *s)
{
  for(; *s; s++)
    if(*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\v' && *s != '\f')
      return true;
  return false;
}

/* ---- resampling -------------------------------------------------------------------- */

/* Mono resampler to float at HQ (20-bit; soxr's default for streams), from 16-bit samples
 * (in16) or floats. Measured here for 4 s of 22050 -> 48000 Hz: HQ 0.67 ms, MQ 0.88 ms, LQ
 * 1.0 ms (soxr's HQ path is its best optimised), so the cleanest passband short of VHQ is
 * also the cheapest. */
static soxr_t new_resampler(int in_rate, int out_rate, bool in16, const char **err)
{
  soxr_io_spec_t io = soxr_io_spec(in16 ? SOXR_INT16_I : SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
  soxr_error_t e = NULL;
  soxr_t r = soxr_create(in_rate, out_rate, 1, &e, &io, &q, NULL);
  if(!r)
    *err = e ? e : "cannot create resampler";
  return r;
}

/* The input of finish_clip(): n samples at rate, 16-bit (in16) or float. */
typedef struct clip_in {
  const void *samples;
  bool in16;
  size_t n;
  int rate;
} clip_in;

static float in_at(const clip_in *in, size_t i)
{
  return in->in16 ? (float)((const int16_t *)in->samples)[i] / 32768.0f
                  : ((const float *)in->samples)[i];
}

/* What finish_clip() does with each block of the clip at the mix rate: pass 1 measures it,
 * pass 2 puts it into pcm, or hands it to sink. */
typedef struct clip_out {
  bool make;          /* pass 2 */
  float peak;         /* pass 1: the largest magnitude seen */
  int16_t *pcm;       /* pass 2: where the clip goes; NULL when it goes to sink */
  speech_sink sink;
  void *sink_ctx;
  bool refused;       /* sink returned false: stop */
  float gain, limit;
  size_t done;
} clip_out;

#define CLIP_BLOCK 4096 /* floats of resampled output at a time */

static void take_block(clip_out *o, const float *x, size_t n)
{
  int16_t blk[CLIP_BLOCK];
  if(!o->make) {
    for(size_t i = 0; i < n; i++)
      if(fabsf(x[i]) > o->peak)
        o->peak = fabsf(x[i]);
    return;
  }
  int16_t *to = o->pcm ? o->pcm + o->done : blk;
  for(size_t i = 0; i < n; i++) {
    /* The clamp makes "peak <= limit" hold exactly despite float rounding in the product;
     * then 16 bits, as clip_from_float() rounds. */
    float v = x[i] * o->gain;
    v = v > o->limit ? o->limit : v < -o->limit ? -o->limit : v;
    v *= 32768.0f;
    v = v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v;
    to[i] = (int16_t)lrintf(v);
  }
  if(!o->pcm && n && !o->sink(o->sink_ctx, blk, (int64_t)n))
    o->refused = true;
}

/* Feeds in (resampled by r, or as it is when r is NULL) to o, block by block, at most olen
 * samples. Blocks, not soxr_oneshot(): oneshot hands soxr the whole input at once, and soxr's
 * input FIFO then grows step by step — measured 75 GB of cumulative allocation and 0.4 s for
 * a 4-minute clip. Returns NULL or soxr's error. */
static const char *each_block(soxr_t r, const clip_in *in, int out_rate, size_t olen,
                              clip_out *o)
{
  /* Input in blocks whose output fits the output block, so that soxr's FIFO stays small. */
  const size_t size = in->in16 ? sizeof(int16_t) : sizeof(float);
  size_t in_block = (size_t)((double)CLIP_BLOCK * in->rate / out_rate);
  in_block = in_block > 16 ? in_block - 16 : 1;
  float blk[CLIP_BLOCK];
  size_t ipos = 0;
  o->done = 0;
  if(!r) {
    while(ipos < in->n && o->done < olen) {
      size_t k = in->n - ipos < CLIP_BLOCK ? in->n - ipos : CLIP_BLOCK;
      k = k < olen - o->done ? k : olen - o->done;
      for(size_t i = 0; i < k; i++)
        blk[i] = in_at(in, ipos + i);
      take_block(o, blk, k);
      ipos += k;
      o->done += k;
      if(o->refused)
        break;
    }
    return NULL;
  }
  soxr_clear(r);
  for(;;) {
    size_t ilen = in->n - ipos < in_block ? in->n - ipos : in_block, idone = 0, odone = 0;
    size_t room = olen - o->done < CLIP_BLOCK ? olen - o->done : CLIP_BLOCK;
    /* in == NULL tells soxr the input has ended: it then drains its filter tail. */
    const void *ip = ilen ? (const char *)in->samples + ipos * size : NULL;
    if(room == 0)
      break;
    soxr_error_t err = soxr_process(r, ip, ilen, &idone, blk, room, &odone);
    if(err)
      return err;
    take_block(o, blk, odone);
    ipos += idone;
    o->done += odone;
    if(o->refused || (!ip && odone == 0))
      break;
  }
  return NULL;
}

/* ---- eSpeak ------------------------------------------------------------------------- */

/* Runs on the owner thread, inside espeak_Synth(). Returning 1 makes eSpeak abandon the
 * utterance: the reliable way to stop (PLATFORM.md). */
static int synth_callback(short *wav, int numsamples, espeak_EVENT *events)
{
  speech *s = events ? events->user_data : NULL;
  size_t need;

  if(!s)
    return 1; /* not our synthesis: nothing to collect into */
  if(!s->probing && atomic_load_explicit(&s->stop, memory_order_relaxed)) {
    s->aborted = true;
    return 1;
  }
  if(!wav || numsamples <= 0)
    return 0; /* wav == NULL marks the end; an empty chunk is not the end */

  need = s->pcm_len + (size_t)numsamples;
  if(need > (size_t)s->espeak_rate * SPEECH_MAX_SECONDS) {
    s->cb_error = COACH_E_LIMIT;
    return 1;
  }
  if(need > s->pcm_cap) {
    size_t cap = s->pcm_cap ? s->pcm_cap : (size_t)s->espeak_rate * 4;
    int16_t *p;
    while(cap < need)
      cap *= 2;
    p = realloc(s->pcm, cap * sizeof(*p));
    if(!p) {
      s->cb_error = COACH_E_NOMEM;
      return 1;
    }
    s->pcm = p;
    s->pcm_cap = cap;
  }
  memcpy(s->pcm + s->pcm_len, wav, (size_t)numsamples * sizeof(*wav));
  s->pcm_len = need;
  return 0;
}

/* Loads one of the project's voice files.
 *
 * espeak_SetVoiceByFile() copies the path into a 60-byte buffer, lower-cases it and cuts it at
 * '+' (a variant suffix) before fopen(), so "/home/Ann/coach/voices/calm" or any path longer
 * than 59 bytes silently fails (PLATFORM.md; espeak-ng 1.51 voices.c). Instead of copying the
 * file to a short lower-case temporary path (a private directory to create, clean up and keep
 * safe), we open the file ourselves and hand eSpeak "/proc/self/fd/N": always short, lower
 * case, free of '+', and it names exactly the file we opened, whatever its real path. eSpeak
 * reads the file completely during the call, so the descriptor is closed right after.
 * Linux-only, as is the project; without /proc the real path is tried when eSpeak can take it. */
static bool load_voice_file(const char *path)
{
  char fdpath[40];
  struct stat st;
  bool ok = false;
  int fd = open(path, O_RDONLY | O_CLOEXEC);

  if(fd < 0)
    return false;
  if(fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
    if(access(fdpath, R_OK) == 0)
      ok = espeak_SetVoiceByFile(fdpath) == EE_OK;
    else {
      bool usable = strlen(path) < 60 && !strchr(path, '+');
      for(const char *p = path; usable && *p; p++)
        if(*p >= 'A' && *p <= 'Z')
          usable = false;
      ok = usable && espeak_SetVoiceByFile(path) == EE_OK;
    }
  }
  close(fd);
  return ok;
}

/* eSpeak accepts a voice file whose language it cannot speak (say "language zz"): it
 * reports success, and from then on every synthesis is silent. Speaking one short word is
 * the only reliable check (about half a millisecond). */
static bool probe_voice(speech *s)
{
  bool sound = false;
  s->pcm_len = 0;
  s->cb_error = COACH_OK;
  s->probing = true;
  if(espeak_Synth("ah", 3, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, s) == EE_OK)
    for(size_t i = 0; i < s->pcm_len && !sound; i++)
      sound = s->pcm[i] != 0;
  s->probing = false;
  s->pcm_len = 0;
  return sound;
}

/* Selects name (a voice file in voices_dir first, then an eSpeak voice). No parameters.
 * *was_file tells which one was tried, for the error message. */
static bool select_voice(speech *s, const char *name, bool *was_file)
{
  *was_file = false;
  if(s->voices_dir && !strchr(name, '/') && !strchr(name, '+')) {
    size_t n = strlen(s->voices_dir) + strlen(name) + 2;
    char *path = malloc(n);
    struct stat st;
    if(!path)
      return false;
    snprintf(path, n, "%s/%s", s->voices_dir, name);
    if(stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
      bool ok = load_voice_file(path) && probe_voice(s);
      free(path);
      *was_file = true;
      return ok; /* a file by that name is the voice meant: no fallback to eSpeak's */
    }
    free(path);
  }
  return espeak_SetVoiceByName(name) == EE_OK;
}

/* Voice plus parameters. eSpeak's own volume stays at 100: every clip is peak-normalised
 * anyway, and above 100 eSpeak saturates (measured: peaks of 1.000 at 200), so the volume
 * setting is applied as a clean gain in finish_clip() instead. */
static bool apply_voice(speech *s, const voice_settings *v, bool *was_file)
{
  return select_voice(s, v->name, was_file) &&
         espeak_SetParameter(espeakRATE, v->rate, 0) == EE_OK &&
         espeak_SetParameter(espeakPITCH, v->pitch, 0) == EE_OK &&
         espeak_SetParameter(espeakVOLUME, 100, 0) == EE_OK;
}

coach_rc speech_set_voice(speech *s, const voice_settings *v, char *why, size_t why_len)
{
  voice_settings want;
  bool was_file;

  if(!s) {
    coach_why(why, why_len, "no speech engine");
    return COACH_E_INVALID;
  }
  if(!pthread_equal(pthread_self(), s->owner)) {
    coach_why(why, why_len, "speech_set_voice called from a thread that does not own eSpeak NG");
    return COACH_E_STATE;
  }
  memset(&want, 0, sizeof(want));
  if(v && memchr(v->name, '\0', sizeof(v->name)) == NULL) {
    coach_why(why, why_len, "voice name is not terminated");
    return COACH_E_INVALID;
  }
  snprintf(want.name, sizeof(want.name), "%s",
           v && v->name[0] ? v->name : SPEECH_DEFAULT_VOICE);
  want.rate = v && v->rate >= 0 ? v->rate : SPEECH_DEFAULT_RATE;
  want.pitch = v && v->pitch >= 0 ? v->pitch : SPEECH_DEFAULT_PITCH;
  want.volume = v && v->volume >= 0 ? v->volume : SPEECH_DEFAULT_VOLUME;

  if(want.rate < espeakRATE_MINIMUM || want.rate > espeakRATE_MAXIMUM) {
    coach_why(why, why_len, "voice rate %d is out of range (%d..%d words per minute)", want.rate,
            espeakRATE_MINIMUM, espeakRATE_MAXIMUM);
    return COACH_E_INVALID;
  }
  if(want.pitch > 100) {
    coach_why(why, why_len, "voice pitch %d is out of range (0..100)", want.pitch);
    return COACH_E_INVALID;
  }
  if(want.volume > 200) {
    coach_why(why, why_len, "voice volume %d is out of range (0..200)", want.volume);
    return COACH_E_INVALID;
  }

  if(!voice_name_valid(want.name)) {
    coach_why(why, why_len, "\"%s\" is not a voice name (" VOICE_NAME_HELP ")", want.name);
    return COACH_E_NOTFOUND;
  }
  if(!apply_voice(s, &want, &was_file)) {
    /* A failed load may have half-replaced eSpeak's voice (a voice file whose language has no
     * dictionary deletes the old translator first): put the previous one back in full. */
    bool dummy;
    if(s->has_voice && !apply_voice(s, &s->voice, &dummy))
      s->has_voice = false;
    if(was_file)
      coach_why(why, why_len,
              "voice file %s/%s could not be loaded by eSpeak NG (check its language line)",
              s->voices_dir, want.name);
    else
      coach_why(why, why_len,
              "unknown voice \"%s\": neither a voice file in %s nor an eSpeak NG voice "
              "(`espeak-ng --voices` lists them)",
              want.name, s->voices_dir ? s->voices_dir : "the voices directory");
    return COACH_E_NOTFOUND;
  }
  s->voice = want;
  s->has_voice = true;
  return COACH_OK;
}

coach_rc speech_open(const char *voices_dir, int mix_rate, speech **out, char *why,
                     size_t why_len)
{
  speech *s;
  coach_rc rc;
  int rate;

  if(!out || mix_rate < 8000 || mix_rate > 384000) {
    coach_why(why, why_len, "invalid mix rate %d (8000..384000 Hz)", mix_rate);
    return COACH_E_INVALID;
  }
  if(atomic_exchange(&speech_in_use, true)) {
    coach_why(why, why_len, "eSpeak NG is already open in this process (it has one global state)");
    return COACH_E_STATE;
  }
  s = calloc(1, sizeof(*s));
  if(!s || (voices_dir && !(s->voices_dir = strdup(voices_dir)))) {
    free(s);
    atomic_store(&speech_in_use, false);
    coach_why(why, why_len, "out of memory");
    return COACH_E_NOMEM;
  }
  s->mix_rate = mix_rate;
  s->owner = pthread_self();
  atomic_init(&s->stop, false);

  /* Synchronous: audio comes back through the callback on this thread and nothing is played.
   * DONT_EXIT: without it a missing data directory calls exit(1) inside the library; with it
   * failure is 0 (not the documented -1), hence <= 0. */
  rate = espeak_rate_once;
  if(rate <= 0)
    rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, SPEECH_ESPEAK_BUFFER_MS, NULL,
                             espeakINITIALIZE_DONT_EXIT);
  if(rate <= 0) {
    free(s->voices_dir);
    free(s);
    atomic_store(&speech_in_use, false);
    coach_why(why, why_len,
            "eSpeak NG data not found: install espeak-ng-data (or point ESPEAK_DATA_PATH at "
            "the directory holding espeak-ng-data)");
    return COACH_E_SPEECH;
  }
  espeak_rate_once = rate;
  if(rate != mix_rate) {
    const char *err = NULL;
    s->resampler = new_resampler(rate, mix_rate, true, &err);
    if(!s->resampler) {
      coach_why(why, why_len, "resampler %d -> %d Hz: %s", rate, mix_rate, err);
      free(s->voices_dir);
      free(s);
      atomic_store(&speech_in_use, false);
      return COACH_E_NOMEM;
    }
  }
  s->espeak_rate = rate;
  espeak_SetSynthCallback(synth_callback);

  rc = speech_set_voice(s, NULL, why, why_len);
  if(rc) {
    speech_close(s);
    return rc == COACH_E_NOTFOUND ? COACH_E_SPEECH : rc;
  }
  *out = s;
  return COACH_OK;
}

void speech_request_stop(speech *s)
{
  if(s)
    atomic_store(&s->stop, true);
}

void speech_close(speech *s)
{
  if(!s)
    return;
  /* No espeak_Terminate(): see espeak_rate_once. */
  if(s->resampler)
    soxr_delete(s->resampler);
  free(s->pcm);
  free(s->voices_dir);
  free(s);
  atomic_store(&speech_in_use, false);
}

const char *speech_last_error(const speech *s)
{
  return s && s->err[0] ? s->err : "no error";
}

/* ---- clips -------------------------------------------------------------------------- */

/* libsndfile's soname: the ABI has been libsndfile.so.1 since version 1.0.0 (2002). */
#define SNDFILE_SONAME "libsndfile.so.1"

/* The libsndfile calls recorded clips need. */
typedef struct sndfile_api {
  SNDFILE *(*open)(const char *path, int mode, SF_INFO *info);
  sf_count_t (*readf_float)(SNDFILE *f, float *buf, sf_count_t frames);
  int (*close)(SNDFILE *f);
  const char *(*strerror)(SNDFILE *f);
} sndfile_api;

static sndfile_api sndfile;
static char sndfile_err[200];
static pthread_once_t sndfile_once = PTHREAD_ONCE_INIT;

/* Once per process; the library stays loaded (a clip is likely to be followed by others). */
static void load_sndfile(void)
{
  void *lib = dlopen(SNDFILE_SONAME, RTLD_NOW | RTLD_LOCAL);
  const char *e;
  if(!lib) {
    e = dlerror();
    snprintf(sndfile_err, sizeof(sndfile_err), "%s", e ? e : "cannot load " SNDFILE_SONAME);
    return;
  }
  /* dlsym's void * to a function pointer: POSIX requires it to work; memcpy keeps ISO C
   * quiet about the conversion. */
  void *open = dlsym(lib, "sf_open"), *readf = dlsym(lib, "sf_readf_float"),
       *close_fn = dlsym(lib, "sf_close"), *strerr = dlsym(lib, "sf_strerror");
  if(!open || !readf || !close_fn || !strerr) {
    snprintf(sndfile_err, sizeof(sndfile_err), "%s lacks sf_open, sf_readf_float, sf_close or "
             "sf_strerror", SNDFILE_SONAME);
    return;
  }
  memcpy(&sndfile.readf_float, &readf, sizeof(readf));
  memcpy(&sndfile.close, &close_fn, sizeof(close_fn));
  memcpy(&sndfile.strerror, &strerr, sizeof(strerr));
  memcpy(&sndfile.open, &open, sizeof(open));
}

/* Reads voices_dir/clips/<slug>.{wav,flac,ogg} mixed down to mono. COACH_E_NOTFOUND when
 * there is none (the caller then synthesises); any other error means a clip exists but is
 * unusable, which is reported rather than papered over with speech. */
static coach_rc load_recorded(speech *s, const char *text, float **buf, int64_t *frames,
                              int *rate)
{
  static const char *const exts[] = {"wav", "flac", "ogg"};
  char slug[64];
  size_t n;
  char *path;

  if(!s->voices_dir)
    return COACH_E_NOTFOUND;
  speech_slug(text, slug, sizeof(slug));
  if(!slug[0])
    return COACH_E_NOTFOUND;
  n = strlen(s->voices_dir) + sizeof("/clips/") + strlen(slug) + sizeof(".flac");
  path = malloc(n);
  if(!path)
    return COACH_E_NOMEM;

  for(size_t e = 0; e < sizeof(exts) / sizeof(exts[0]); e++) {
    SF_INFO info;
    SNDFILE *f;
    float *inter, *mono;
    sf_count_t got;

    snprintf(path, n, "%s/clips/%s.%s", s->voices_dir, slug, exts[e]);
    if(access(path, F_OK) != 0)
      continue;
    pthread_once(&sndfile_once, load_sndfile);
    if(!sndfile.open) {
      snprintf(s->err, sizeof(s->err), "recorded clip %s: %s", path, sndfile_err);
      free(path);
      return COACH_E_IO;
    }
    memset(&info, 0, sizeof(info));
    f = sndfile.open(path, SFM_READ, &info);
    if(!f) {
      snprintf(s->err, sizeof(s->err), "recorded clip %s: %s", path, sndfile.strerror(NULL));
      free(path);
      return COACH_E_IO;
    }
    if(info.channels < 1 || info.channels > 64 || info.samplerate < 1000 ||
       info.samplerate > 768000 || info.frames < 0 ||
       info.frames > (sf_count_t)info.samplerate * SPEECH_MAX_SECONDS) {
      snprintf(s->err, sizeof(s->err),
               "recorded clip %s: unsupported (%d channels, %d Hz, %lld frames; at most %d s)",
               path, info.channels, info.samplerate, (long long)info.frames,
               SPEECH_MAX_SECONDS);
      sndfile.close(f);
      free(path);
      return COACH_E_LIMIT;
    }
    inter = malloc(((size_t)info.frames * (size_t)info.channels + 1) * sizeof(float));
    mono = malloc(((size_t)info.frames + 1) * sizeof(float));
    if(!inter || !mono) {
      free(inter);
      free(mono);
      sndfile.close(f);
      free(path);
      return COACH_E_NOMEM;
    }
    got = sndfile.readf_float(f, inter, info.frames);
    sndfile.close(f);
    if(got < 0)
      got = 0;
    /* Average, not sum: keeps the mix-down within range before normalising. */
    for(sf_count_t i = 0; i < got; i++) {
      float acc = 0.0f;
      for(int c = 0; c < info.channels; c++)
        acc += inter[(size_t)i * (size_t)info.channels + (size_t)c];
      mono[i] = acc / (float)info.channels;
    }
    free(inter);
    free(path);
    *buf = mono;
    *frames = got;
    *rate = info.samplerate;
    return COACH_OK;
  }
  free(path);
  return COACH_E_NOTFOUND;
}

/* Where finish_clip() puts a clip: into a new buffer (*out: malloc'ed, at least one sample),
 * block by block to sink, or nowhere (its length only). */
typedef struct clip_dest {
  int16_t **out;
  speech_sink sink;
  void *ctx;
} clip_dest;

/* Trim, resample, normalise, round to 16 bits: the finished clip at the mix rate to d, and
 * its length in *frames. in is only read. */
static coach_rc finish_clip(speech *s, clip_in in, const clip_dest *d, int64_t *frames)
{
  size_t first = 0, last, margin, olen;
  float peak = 0.0f, thr, target;

  for(size_t i = 0; i < in.n; i++)
    if(fabsf(in_at(&in, i)) > peak)
      peak = fabsf(in_at(&in, i));
  if(peak <= 0.0f || !isfinite(peak)) {
    /* Nothing audible (e.g. text of punctuation only, or a silent file): an empty clip. */
    int16_t *none = d->out ? calloc(1, sizeof(*none)) : NULL;
    if(d->out && !none)
      return COACH_E_NOMEM;
    if(d->sink && !d->sink(d->ctx, NULL, 0)) {
      snprintf(s->err, sizeof(s->err), "the clip could not be passed on");
      return COACH_E_IO;
    }
    if(d->out)
      *d->out = none;
    *frames = 0;
    return COACH_OK;
  }

  thr = peak * (float)pow(10.0, SPEECH_TRIM_DB / 20.0);
  while(first < in.n && fabsf(in_at(&in, first)) <= thr)
    first++;
  for(last = in.n; last > first && fabsf(in_at(&in, last - 1)) <= thr; last--)
    ;
  margin = (size_t)in.rate * SPEECH_TRIM_MARGIN_MS / 1000;
  first = first > margin ? first - margin : 0;
  last = in.n - last > margin ? last + margin : in.n;
  in.samples = (const char *)in.samples + first * (in.in16 ? sizeof(int16_t) : sizeof(float));
  in.n = last - first;

  soxr_t r = NULL, tmp = NULL;
  const char *err = NULL;
  olen = in.n;
  if(in.rate != s->mix_rate) {
    r = in.in16 && in.rate == s->espeak_rate ? s->resampler : NULL;
    if(!r)
      r = tmp = new_resampler(in.rate, s->mix_rate, in.in16, &err);
    if(!r) {
      snprintf(s->err, sizeof(s->err), "resampler %d -> %d Hz: %s", in.rate, s->mix_rate, err);
      return COACH_E_SPEECH;
    }
    olen = (size_t)ceil((double)in.n * s->mix_rate / in.rate) + 16;
  }

  /* Pass 1: the peak and the length at the mix rate. Pass 2: the clip. Volume scales the
   * normalised level (100 = SPEECH_PEAK); louder than 100 would break the headroom the mixer
   * counts on, so it stops there. */
  clip_out o = {0};
  int16_t *pcm = NULL;
  coach_rc rc = COACH_OK;
  err = each_block(r, &in, s->mix_rate, olen, &o);
  size_t n = o.done;
  if(!err && (d->out || d->sink)) {
    target = SPEECH_PEAK * (float)(s->voice.volume < 100 ? s->voice.volume : 100) / 100.0f;
    pcm = d->out ? malloc((n ? n : 1) * sizeof(*pcm)) : NULL;
    o = (clip_out){.make = true, .pcm = pcm, .sink = d->sink, .sink_ctx = d->ctx,
                   .limit = target, .gain = o.peak > 0.0f ? target / o.peak : 1.0f};
    if(d->out && !pcm)
      rc = COACH_E_NOMEM;
    else if(d->sink && !d->sink(d->ctx, NULL, (int64_t)n))
      o.refused = true;
    else
      err = each_block(r, &in, s->mix_rate, n, &o);
    /* soxr is deterministic, so pass 2 gives what pass 1 measured; but should it ever give
     * less, the clip holds silence there, not garbage, and a sink gets the length it was
     * told. */
    static const int16_t zeros[256];
    while(!err && !rc && !o.refused && o.done < n) {
      size_t k = n - o.done < 256 ? n - o.done : 256;
      if(pcm)
        memset(pcm + o.done, 0, k * sizeof(*pcm));
      else if(!d->sink(d->ctx, zeros, (int64_t)k))
        o.refused = true;
      o.done += k;
    }
  }
  if(tmp)
    soxr_delete(tmp);
  if(err) {
    snprintf(s->err, sizeof(s->err), "resampling %d -> %d Hz failed: %s", in.rate, s->mix_rate,
             err);
    rc = COACH_E_SPEECH;
  }
  else if(o.refused) {
    snprintf(s->err, sizeof(s->err), "the clip could not be passed on");
    rc = COACH_E_IO;
  }
  if(rc) {
    free(pcm);
    return rc;
  }
  if(d->out)
    *d->out = pcm;
  *frames = (int64_t)n;
  return COACH_OK;
}

static coach_rc synth(speech *s, const char *text, const clip_dest *d, int64_t *frames)
{
  float *buf = NULL;
  int64_t n = 0;
  int rate = 0;
  size_t len;
  coach_rc rc;

  if(!s || !text || !d || !frames)
    return COACH_E_INVALID;
  /* Cleared first: a stop requested before this call was for the previous synthesis. */
  atomic_store(&s->stop, false);
  s->err[0] = '\0';
  if(!pthread_equal(pthread_self(), s->owner)) {
    snprintf(s->err, sizeof(s->err), "speech_synth called from a thread that does not own it");
    return COACH_E_STATE;
  }
  len = strnlen(text, SPEECH_TEXT_MAX + 1);
  if(len > SPEECH_TEXT_MAX) {
    snprintf(s->err, sizeof(s->err), "text longer than %d bytes", SPEECH_TEXT_MAX);
    return COACH_E_LIMIT;
  }
  if(!has_visible_char(text)) {
    snprintf(s->err, sizeof(s->err), "nothing to say: the text is empty");
    return COACH_E_INVALID;
  }
  if(utf8_invalid_at((const unsigned char *)text, len) != len) {
    snprintf(s->err, sizeof(s->err), "the text is not valid UTF-8");
    return COACH_E_INVALID;
  }
  if(!s->has_voice) {
    snprintf(s->err, sizeof(s->err), "no voice loaded (restoring the previous voice failed)");
    return COACH_E_SPEECH;
  }

  rc = load_recorded(s, text, &buf, &n, &rate);
  if(rc == COACH_E_NOTFOUND) {
    espeak_ERROR er;
    s->pcm_len = 0;
    s->aborted = false;
    s->cb_error = COACH_OK;
    /* Plain text: no espeakSSML, so '<' and '&' from a routine are just spoken. */
    er = espeak_Synth(text, len + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, s);
    rc = COACH_OK;
    if(s->cb_error) {
      snprintf(s->err, sizeof(s->err), "%s",
               s->cb_error == COACH_E_LIMIT ? "speech longer than the clip limit"
                                            : "out of memory");
      rc = s->cb_error;
    }
    else if(s->aborted || atomic_load(&s->stop)) {
      snprintf(s->err, sizeof(s->err), "stopped on request");
      rc = COACH_E_STATE;
    }
    else if(er != EE_OK) {
      snprintf(s->err, sizeof(s->err), "espeak_Synth failed (%d)", (int)er);
      rc = COACH_E_SPEECH;
    }
    else { /* straight from eSpeak's own 16-bit samples: no float copy at its rate */
      clip_in in = {.samples = s->pcm, .in16 = true, .n = s->pcm_len, .rate = s->espeak_rate};
      rc = finish_clip(s, in, d, &n);
    }
    /* Keep the buffer for the next line unless one long text blew it up. */
    s->pcm_len = 0;
    if(s->pcm_cap > (size_t)s->espeak_rate * 60) {
      free(s->pcm);
      s->pcm = NULL;
      s->pcm_cap = 0;
    }
  }
  else if(!rc) {
    clip_in in = {.samples = buf, .in16 = false, .n = (size_t)n, .rate = rate};
    rc = finish_clip(s, in, d, &n);
    free(buf);
  }
  if(rc)
    return rc;
  if(d->out && atomic_load(&s->stop)) { /* a sink has the clip already: it stands */
    free(*d->out);
    *d->out = NULL;
    snprintf(s->err, sizeof(s->err), "stopped on request");
    return COACH_E_STATE;
  }
  *frames = n;
  return COACH_OK;
}

coach_rc speech_synth(speech *s, const char *text, int16_t **samples, int64_t *frames)
{
  clip_dest d = {.out = samples};
  coach_rc rc = synth(s, text, &d, frames);
  if(rc && s && !s->err[0])
    snprintf(s->err, sizeof(s->err), "%s", coach_rc_str(rc));
  return rc;
}

coach_rc speech_synth_to(speech *s, const char *text, speech_sink sink, void *ctx,
                         int64_t *frames)
{
  clip_dest d = {.sink = sink, .ctx = ctx};
  if(!sink)
    return COACH_E_INVALID;
  coach_rc rc = synth(s, text, &d, frames);
  if(rc && s && !s->err[0])
    snprintf(s->err, sizeof(s->err), "%s", coach_rc_str(rc));
  return rc;
}
