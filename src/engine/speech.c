/* speech — eSpeak NG, flite (speech_flite.h) and recorded clips in, levelled mono 16-bit clips
 * at their own rate out.
 *
 * Pipeline for one line of text:
 *   recorded clip (libsndfile, floats, mixed down)  or  the text with the voice's language's
 *   pronunciation hints (hints.h) to eSpeak NG or flite (16-bit PCM at the voice's rate)
 *   -> trim leading/trailing near-silence (10 ms margins)
 *   -> level by loudness (SPEECH_LOUDNESS, peaks <= SPEECH_PEAK) -> 16-bit, rounded.
 * An engine's 16-bit samples are scaled in the buffer they were collected in, which is then
 * handed to the caller: a line is not copied again, and never held as floats. Nothing is
 * resampled here: the mixer hears every clip at its own rate (clip.h).
 *
 * libsndfile is loaded (dlopen) only when a recorded clip is found: in coach-speech, which
 * lives beside a playing coachd, it would otherwise map libsndfile and its seven codec
 * libraries (~0.8 MB resident) for the clips most installations do not have.
 */
#include "speech.h"
#include "clip.h"
#include "hints.h"
#include "speech_flite.h"
#include "utf8.h"
#include "text_file.h"
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

#include <ebur128.h>
#include <espeak-ng/speak_lib.h>
#include <sndfile.h>

/* eSpeak's synchronous callback delivers about this much audio per call. Small enough that a
 * stop request is seen within a fraction of a millisecond of synthesis work (eSpeak NG makes
 * speech several hundred times faster than real time: test_speech prints it), large enough
 * that the per-call cost does not matter. */
#define SPEECH_ESPEAK_BUFFER_MS 100

/* Longest clip accepted, from eSpeak or from a file: bounds memory (10 min of eSpeak NG's
 * 16-bit speech is 26 MB; of a 48 kHz recording, read as floats, 115 MB) whatever text or file
 * comes in. 4000 bytes of text at 80 wpm stay well below it. */
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
  int espeak_rate; /* what espeak_Initialize returned: 22050 on Debian */
  pthread_t owner; /* the thread that opened it: the only one allowed to call eSpeak */

  atomic_bool stop; /* set by speech_request_stop() from any thread */

  /* The synthesis in progress, filled by synth_callback() on the owner thread; handed to the
   * caller as the finished clip. */
  int16_t *pcm;
  size_t pcm_len, pcm_cap;
  bool aborted;      /* the callback returned 1 because of a stop request */
  bool probing;      /* probe_voice() runs: stop requests are for real syntheses only */
  coach_rc cb_error; /* the callback returned 1 because of a limit or out of memory */

  voice_settings voice; /* the voice in effect (defaults resolved); valid when has_voice */
  bool has_voice;
  flite_voice *flite;   /* the voice in effect when voice.engine is flite */
  hints hints;          /* the pronunciation hints of the voice's language (hints.h) */
  char hints_lang[16];  /* that language; "" before any voice */
  char said[2 * SPEECH_TEXT_MAX + 1]; /* the text as the engine is given it, hints applied */

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

/* ---- eSpeak ------------------------------------------------------------------------- */

/* Runs on the owner thread, inside espeak_Synth(). Returning 1 makes eSpeak abandon the
 * utterance ("1=abort synthesis", speak_lib.h): the way to stop in synchronous mode. */
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
 * than 59 bytes silently fails (espeak-ng 1.51 voices.c). Instead of copying the
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

/* The language of eSpeak NG's current voice, up to its first '-': "en" for en-us and for the
 * calm voice file ("language en-us"). The list starts with a priority byte. */
static void espeak_language(char *buf, size_t len)
{
  const espeak_VOICE *v = espeak_GetCurrentVoice();
  const char *l = v && v->languages && v->languages[0] ? v->languages + 1 : "";
  snprintf(buf, len, "%.*s", (int)strcspn(l, "-"), l);
}

/* Makes the hints of lang (VOICES_DIR/hints/LANG.txt; none without the file) the ones in use,
 * reading them when lang changes. A broken file: COACH_E_INVALID, why naming file and line,
 * and the hints in use stay. */
static coach_rc use_hints(speech *s, const char *lang, char *why, size_t why_len)
{
  if(!strcmp(lang, s->hints_lang))
    return COACH_OK;
  hints h = {0};
  coach_rc rc = COACH_OK;
  char *path = NULL, *buf = NULL;
  size_t got = 0;
  if(s->voices_dir && lang[0]) {
    size_t n = strlen(s->voices_dir) + strlen(lang) + sizeof("/hints/.txt");
    path = malloc(n);
    if(!path)
      return COACH_E_NOMEM;
    snprintf(path, n, "%s/hints/%s.txt", s->voices_dir, lang);
    coach_diag diag;
    coach_diag_init(&diag, path);
    rc = text_file_read(path, HINTS_FILE_MAX, "a hints file", &buf, &got, &diag);
    if(rc == COACH_E_NOTFOUND) /* no hints for this language */
      rc = COACH_OK;
    else if(rc)
      coach_diag_format(&diag, 0, why, why_len);
  }
  if(!rc && buf) {
    char msg[200] = "";
    if(got > HINTS_FILE_MAX) {
      coach_why(why, why_len, "%s: larger than %d bytes", path, HINTS_FILE_MAX);
      rc = COACH_E_LIMIT;
    }
    else if((rc = hints_parse(buf, got, &h, msg, sizeof(msg))))
      coach_why(why, why_len, "%s:%s", path, msg);
  }
  if(!rc) {
    hints_free(&s->hints);
    s->hints = h;
    snprintf(s->hints_lang, sizeof(s->hints_lang), "%s", lang);
  }
  free(buf);
  free(path);
  return rc;
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
  want.engine = v && v->engine != VOICE_ENGINE_UNSET ? v->engine : VOICE_ENGINE_ESPEAK;
  bool flite = want.engine == VOICE_ENGINE_FLITE;
  snprintf(want.name, sizeof(want.name), "%s",
           v && v->name[0] ? v->name : flite ? FLITE_DEFAULT_VOICE : SPEECH_DEFAULT_VOICE);
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

  if(flite) {
    flite_voice *fv = NULL;
    coach_rc rc = flite_voice_get(want.name, &fv, why, why_len);
    if(!rc)
      rc = use_hints(s, "en", why, why_len); /* US English is all flite speaks */
    if(rc)
      return rc;
    flite_voice_set(fv, want.rate, want.pitch);
    s->flite = fv;
    s->voice = want;
    s->has_voice = true;
    return COACH_OK;
  }
  if(!voice_name_valid(want.name)) {
    coach_why(why, why_len, "\"%s\" is not a voice name (" VOICE_NAME_HELP ")", want.name);
    return COACH_E_NOTFOUND;
  }
  coach_rc rc = COACH_OK;
  if(!apply_voice(s, &want, &was_file)) {
    rc = COACH_E_NOTFOUND;
    if(was_file)
      coach_why(why, why_len,
              "voice file %s/%s could not be loaded by eSpeak NG (check its language line)",
              s->voices_dir, want.name);
    else
      coach_why(why, why_len,
              "unknown voice \"%s\": neither a voice file in %s nor an eSpeak NG voice "
              "(`espeak-ng --voices` lists them)",
              want.name, s->voices_dir ? s->voices_dir : "the voices directory");
  }
  else {
    char lang[16];
    espeak_language(lang, sizeof(lang));
    rc = use_hints(s, lang, why, why_len);
  }
  if(rc) {
    /* A failed load may have half-replaced eSpeak's voice (a voice file whose language has no
     * dictionary deletes the old translator first): put the previous one back in full. */
    bool dummy;
    if(s->has_voice && s->voice.engine == VOICE_ENGINE_ESPEAK &&
       !apply_voice(s, &s->voice, &dummy))
      s->has_voice = false;
    return rc;
  }
  s->voice = want;
  s->has_voice = true;
  return COACH_OK;
}

coach_rc speech_open(const char *voices_dir, speech **out, char *why, size_t why_len)
{
  speech *s;
  coach_rc rc;
  int rate;

  if(!out) {
    coach_why(why, why_len, "no place for the speech handle");
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
  hints_free(&s->hints);
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

/* The input of finish_clip(): n samples at rate, eSpeak NG's 16-bit ones (in16, in a
 * malloc'ed buffer finish_clip() takes over) or a recording's floats (only read). */
typedef struct clip_in {
  void *samples;
  bool in16;
  size_t n;
  int rate;
} clip_in;

static float in_at(const clip_in *in, size_t i)
{
  return in->in16 ? (float)((const int16_t *)in->samples)[i] / 32768.0f
                  : ((const float *)in->samples)[i];
}

/* The loudness of in's samples [first, first + n), in LUFS (ITU-R BS.1770, libebur128):
 * gated over 400 ms blocks, as the standard measures a programme; a clip shorter than one
 * block has none, so it is measured ungated over its whole length (libebur128's window of
 * that length), which is what its one block would have been. -HUGE_VAL for silence. Not
 * ebur128_set_max_window(): libebur128 1.2.6 spends seconds in it. Nonzero: out of memory. */
static int loudness(const clip_in *in, size_t first, size_t n, double *lufs)
{
  ebur128_state *st = ebur128_init(1, (unsigned long)in->rate, EBUR128_MODE_I);
  if(!st)
    return -1;
  int e = in->in16
              ? ebur128_add_frames_short(st, (const short *)in->samples + first, n)
              : ebur128_add_frames_float(st, (const float *)in->samples + first, n);
  unsigned long ms = (unsigned long)((uint64_t)n * 1000 / (uint64_t)in->rate);
  if(!e)
    e = ms < 400 ? ebur128_loudness_window(st, ms ? ms : 1, lufs)
                 : ebur128_loudness_global(st, lufs);
  ebur128_destroy(&st);
  if(e == EBUR128_ERROR_NOMEM)
    return -1;
  if(e)
    *lufs = -HUGE_VAL;
  return 0;
}

/* Trim, normalise, round to 16 bits: the finished clip in *out (malloc'ed, at least one
 * sample) and its length in *length. A 16-bit input is scaled where it lies and becomes *out
 * (that cannot fail); floats go into a new buffer (COACH_E_NOMEM). */
static coach_rc finish_clip(speech *s, clip_in in, int16_t **out, int64_t *length)
{
  size_t first = 0, last, margin;
  float peak = 0.0f;

  for(size_t i = 0; i < in.n; i++)
    if(fabsf(in_at(&in, i)) > peak)
      peak = fabsf(in_at(&in, i));
  if(peak <= 0.0f || !isfinite(peak))
    in.n = 0; /* nothing audible (text of punctuation only, a silent file): an empty clip */
  else {
    float thr = peak * (float)pow(10.0, SPEECH_TRIM_DB / 20.0);
    while(first < in.n && fabsf(in_at(&in, first)) <= thr)
      first++;
    for(last = in.n; last > first && fabsf(in_at(&in, last - 1)) <= thr; last--)
      ;
    margin = (size_t)in.rate * SPEECH_TRIM_MARGIN_MS / 1000;
    first = first > margin ? first - margin : 0;
    last = in.n - last > margin ? last + margin : in.n;
    in.n = last - first;
  }

  double lufs = -HUGE_VAL;
  if(in.n && loudness(&in, first, in.n, &lufs))
    return COACH_E_NOMEM;
  int16_t *pcm = in.in16 ? in.samples : malloc((in.n ? in.n : 1) * sizeof(*pcm));
  if(!pcm)
    return COACH_E_NOMEM;
  /* To SPEECH_LOUDNESS, unless that would take the peak over SPEECH_PEAK: then to that peak.
   * Volume scales both (100 = as they are); louder than 100 would break the headroom the
   * mixer counts on, so it stops there. A clip that the gate leaves nothing of (only very
   * soft sound) is set by its peak. The clamp makes "peak <= limit" hold exactly despite float
   * rounding in the product. In place, front to back: sample i is read at first + i >= i,
   * before anything is written there. */
  float scale = (float)(s->voice.volume < 100 ? s->voice.volume : 100) / 100.0f;
  float limit = SPEECH_PEAK * scale;
  float gain = isfinite(lufs) ? scale * (float)pow(10.0, (SPEECH_LOUDNESS - lufs) / 20.0) : 0.0f;
  if(peak > 0.0f && (gain <= 0.0f || peak * gain > limit))
    gain = limit / peak;
  for(size_t i = 0; i < in.n; i++) {
    float v = in_at(&in, first + i) * gain;
    pcm[i] = clip_sample(v > limit ? limit : v < -limit ? -limit : v);
  }
  int16_t *fit = realloc(pcm, (in.n ? in.n : 1) * sizeof(*pcm)); /* only ever smaller */
  *out = fit ? fit : pcm;
  *length = (int64_t)in.n;
  return COACH_OK;
}

coach_rc speech_synth(speech *s, const char *text, int16_t **samples, int64_t *length,
                      int *rate)
{
  float *buf = NULL;
  int16_t *pcm = NULL;
  int64_t n = 0;
  int clip_rate = 0;
  size_t len;
  coach_rc rc;

  if(!s || !text || !samples || !length || !rate)
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

  /* Hints for the engine; a text they would make too long is said as written. */
  const char *say = text;
  if(hints_apply(&s->hints, s->voice.engine, text, s->said, sizeof(s->said)) == COACH_OK)
    say = s->said;
  rc = load_recorded(s, text, &buf, &n, &clip_rate);
  if(rc == COACH_E_NOTFOUND && s->voice.engine == VOICE_ENGINE_FLITE) {
    int16_t *made = NULL;
    size_t made_n = 0;
    rc = flite_voice_synth(s->flite, say, &made, &made_n, &clip_rate);
    if(rc)
      snprintf(s->err, sizeof(s->err), "%s", rc == COACH_E_NOMEM ? "out of memory"
                                                                : "flite made no sound");
    else {
      clip_in in = {.samples = made, .in16 = true, .n = made_n, .rate = clip_rate};
      rc = finish_clip(s, in, &pcm, &n);
    }
  }
  else if(rc == COACH_E_NOTFOUND) {
    espeak_ERROR er;
    s->pcm_len = 0;
    s->aborted = false;
    s->cb_error = COACH_OK;
    /* Plain text: no espeakSSML, so '<' and '&' from a routine are just spoken. */
    er = espeak_Synth(say, strlen(say) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, s);
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
    else if(!s->pcm && !(s->pcm = malloc(sizeof(*s->pcm))))
      rc = COACH_E_NOMEM; /* no sound at all, and no room for the empty clip */
    else { /* eSpeak's own buffer becomes the clip: taken over by finish_clip() */
      clip_in in = {.samples = s->pcm, .in16 = true, .n = s->pcm_len, .rate = s->espeak_rate};
      s->pcm = NULL;
      s->pcm_cap = 0;
      clip_rate = s->espeak_rate;
      rc = finish_clip(s, in, &pcm, &n);
    }
    s->pcm_len = 0;
  }
  else if(!rc) {
    clip_in in = {.samples = buf, .in16 = false, .n = (size_t)n, .rate = clip_rate};
    rc = finish_clip(s, in, &pcm, &n);
    free(buf);
  }
  if(!rc && atomic_load(&s->stop)) {
    free(pcm);
    snprintf(s->err, sizeof(s->err), "stopped on request");
    rc = COACH_E_STATE;
  }
  if(rc) {
    if(!s->err[0])
      snprintf(s->err, sizeof(s->err), "%s", coach_rc_str(rc));
    return rc;
  }
  *samples = pcm;
  *length = n;
  *rate = clip_rate;
  return COACH_OK;
}
