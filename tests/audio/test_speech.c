/* speech with the real eSpeak NG: lengths, levels, voices (including the project's "calm"),
 * recorded clips, errors, stopping from another thread; clips at the voice's own rate, and a
 * recording's at its own. Prints the time a typical sentence takes to synthesise. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <espeak-ng/speak_lib.h>

#include <sndfile.h>

#include "check.h"
#include "clip.h"
#include "hints.h"
#include "harness/lufs.h"
#include "speech.h"

#define RATE 22050 /* eSpeak NG's own rate (Debian's 1.51), which its clips keep */

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

static double rms_of(const float *x, int64_t n)
{
  double acc = 0.0;
  for(int64_t i = 0; i < n; i++)
    acc += (double)x[i] * x[i];
  return n ? sqrt(acc / (double)n) : 0.0;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median fundamental frequency of the voiced parts (normalised autocorrelation over 40 ms
 * frames, 60..300 Hz). Crude, but enough to tell a lower voice from a higher one. */
static double median_f0(const float *x, int64_t n)
{
  const int win = RATE / 25, hop = RATE / 50, lag_min = RATE / 300, lag_max = RATE / 60;
  double loud = 0.0, f0s[4096];
  int nf = 0;

  for(int64_t s = 0; s + win + lag_max < n; s += hop) {
    double r = rms_of(x + s, win);
    if(r > loud)
      loud = r;
  }
  for(int64_t s = 0; s + win + lag_max < n && nf < 4096; s += hop) {
    double e0 = 0.0, best = 0.0, c[RATE / 60 + 2];
    int pick = 0;
    if(rms_of(x + s, win) < 0.3 * loud)
      continue;
    for(int i = 0; i < win; i += 2)
      e0 += (double)x[s + i] * x[s + i];
    for(int lag = lag_min - 1; lag <= lag_max + 1; lag++) {
      double num = 0.0, e1 = 0.0;
      for(int i = 0; i < win; i += 2) {
        num += (double)x[s + i] * x[s + i + lag];
        e1 += (double)x[s + i + lag] * x[s + i + lag];
      }
      c[lag] = num / sqrt(e0 * e1 + 1e-12);
      if(lag >= lag_min && lag <= lag_max && c[lag] > best)
        best = c[lag];
    }
    /* The shortest lag that is nearly as good as the best: the period, not a multiple. */
    for(int lag = lag_min; lag <= lag_max && !pick; lag++)
      if(c[lag] >= 0.9 * best && c[lag] >= c[lag - 1] && c[lag] >= c[lag + 1])
        pick = lag;
    if(best > 0.6 && pick)
      f0s[nf++] = (double)RATE / pick;
  }
  if(!nf)
    return 0.0;
  qsort(f0s, (size_t)nf, sizeof(f0s[0]), cmp_double);
  return f0s[nf / 2];
}

static voice_settings voice(const char *name, int rate, int pitch, int volume)
{
  voice_settings v;
  memset(&v, 0, sizeof(v));
  snprintf(v.name, sizeof(v.name), "%s", name);
  v.rate = rate;
  v.pitch = pitch;
  v.volume = volume;
  return v;
}

/* speech_synth, with the 16-bit clip as floats for the analysis below (sample * CLIP_SCALE,
 * exact), and its rate in *rate when rate is not NULL, else checked to be eSpeak NG's; the
 * outputs are untouched on failure, as speech_synth's. */
static coach_rc synth_f(speech *s, const char *text, float **x, int64_t *n, int *rate)
{
  int16_t *pcm = NULL;
  int64_t frames = 0;
  int clip_rate = 0;
  coach_rc rc = speech_synth(s, text, &pcm, &frames, &clip_rate);
  if(rc)
    return rc;
  if(rate)
    *rate = clip_rate;
  else
    CHECKF(clip_rate == RATE, "\"%.30s\" at %d Hz", text, clip_rate);
  float *f = malloc((size_t)(frames > 0 ? frames : 1) * sizeof(*f));
  CHECK(f != NULL);
  for(int64_t i = 0; f && i < frames; i++)
    f[i] = (float)pcm[i] * CLIP_SCALE;
  free(pcm);
  if(!f)
    return COACH_E_NOMEM;
  *x = f;
  *n = frames;
  return COACH_OK;
}

/* Synthesises text and returns its length in frames, -1 on failure; keeps the clip in
 * *out when out is not NULL. */
static int64_t say(speech *s, const char *text, float **out)
{
  float *x = NULL;
  int64_t n = -1;
  coach_rc rc = synth_f(s, text, &x, &n, NULL);
  CHECKF(rc == COACH_OK, "synth \"%.40s\": %s (%s)", text, coach_rc_str(rc),
         speech_last_error(s));
  if(rc)
    return -1;
  CHECKF(peak_of(x, n) <= SPEECH_PEAK, "peak %f", (double)peak_of(x, n));
  if(out)
    *out = x;
  else
    free(x);
  return n;
}

static void test_slug(void)
{
  char b[64], small[8];
  speech_slug("Now, switch sides.", b, sizeof(b));
  CHECK(strcmp(b, "now-switch-sides") == 0);
  speech_slug("Now switch sides.", b, sizeof(b));
  CHECK(strcmp(b, "now-switch-sides") == 0);
  speech_slug("  --Breathe IN...  4 counts!! ", b, sizeof(b));
  CHECKF(strcmp(b, "breathe-in-4-counts") == 0, "%s", b);
  speech_slug("Don't stop", b, sizeof(b));
  CHECK(strcmp(b, "don-t-stop") == 0);
  speech_slug("Caf\xc3\xa9 au lait", b, sizeof(b));
  CHECKF(strcmp(b, "caf-au-lait") == 0, "%s", b);
  speech_slug("...", b, sizeof(b));
  CHECK(b[0] == '\0');
  speech_slug("", b, sizeof(b));
  CHECK(b[0] == '\0');
  /* 60 bytes at most, and no dash left dangling at the cut. */
  speech_slug("aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffff gggg hhhh", b,
              sizeof(b));
  CHECKF(strlen(b) <= 60 && b[strlen(b) - 1] != '-', "%s", b);
  CHECK(strncmp(b, "aaaaaaaaaa-bbbbbbbbbb-", 22) == 0);
  speech_slug("aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee fffff gggg", b,
              sizeof(b));
  CHECKF(strcmp(b, "aaaaaaaaaa-bbbbbbbbbb-cccccccccc-dddddddddd-eeeeeeeeee-fffff") == 0, "%s",
         b);
  speech_slug("hello world", small, sizeof(small)); /* the buffer bounds it too */
  CHECKF(strcmp(small, "hello-w") == 0, "%s", small);
}

/* ---- stop from another thread ---- */

struct stopper {
  speech *s;
  int delay_ms;
};

static void *stop_later(void *arg)
{
  struct stopper *st = arg;
  struct timespec d = {0, (long)st->delay_ms * 1000000L};
  nanosleep(&d, NULL);
  speech_request_stop(st->s);
  return NULL;
}

static void test_stop(speech *s)
{
  char text[SPEECH_TEXT_MAX + 1] = "";
  const char *sentence = "Breathe in slowly and let your shoulders drop a little more. ";
  voice_settings slow = voice("", 80, -1, -1);
  struct stopper st = {s, 15};
  pthread_t th;
  double t0, full_ms, stop_ms;
  float *x = NULL;
  int64_t n = 0, full_n;
  coach_rc rc;

  while(strlen(text) + strlen(sentence) < sizeof(text))
    strcat(text, sentence);
  CHECK(speech_set_voice(s, &slow, NULL, 0) == COACH_OK);

  t0 = now_ms();
  full_n = say(s, text, NULL);
  full_ms = now_ms() - t0;
  CHECKF(full_n > (int64_t)RATE * 120, "4000 bytes at 80 wpm: %.1f s", (double)full_n / RATE);

  CHECK(pthread_create(&th, NULL, stop_later, &st) == 0);
  t0 = now_ms();
  rc = synth_f(s, text, &x, &n, NULL);
  stop_ms = now_ms() - t0;
  pthread_join(th, NULL);
  CHECKF(rc == COACH_E_STATE, "stopped synth gave %s", coach_rc_str(rc));
  CHECKF(stop_ms < full_ms * 0.2,
         "stop took %.1f ms, a full synthesis %.1f ms", stop_ms, full_ms);
  if(rc == COACH_OK)
    free(x);
  printf("stop: full synthesis of %zu bytes %.1f ms, stopped after %.1f ms\n", strlen(text),
         full_ms, stop_ms);

  /* A stop request made between syntheses is dropped: the next one runs in full. */
  speech_request_stop(s);
  CHECK(say(s, "Relax.", NULL) > 0);
  CHECK(speech_set_voice(s, NULL, NULL, 0) == COACH_OK);
}

static void test_errors(speech *s)
{
  char big[SPEECH_TEXT_MAX + 2];
  int16_t *x = (int16_t *)&big; /* must stay untouched */
  int64_t n = -7;
  int r = -3;

  CHECK(speech_synth(s, "", &x, &n, &r) == COACH_E_INVALID);
  CHECK(speech_synth(s, "  \n\t ", &x, &n, &r) == COACH_E_INVALID);
  CHECK(speech_synth(s, "caf\xc3", &x, &n, &r) == COACH_E_INVALID);         /* truncated */
  CHECK(speech_synth(s, "a\xc0\xaf", &x, &n, &r) == COACH_E_INVALID);       /* overlong '/' */
  CHECK(speech_synth(s, "\xed\xa0\x80", &x, &n, &r) == COACH_E_INVALID);    /* surrogate */
  CHECK(speech_synth(s, "stop \x80 here", &x, &n, &r) == COACH_E_INVALID);  /* stray byte */
  CHECK(speech_synth(s, "\xf4\x90\x80\x80", &x, &n, &r) == COACH_E_INVALID); /* > U+10FFFF */
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  CHECK(speech_synth(s, big, &x, &n, &r) == COACH_E_LIMIT);
  CHECK(x == (int16_t *)&big && n == -7 && r == -3);
  CHECK(strstr(speech_last_error(s), "4000") != NULL);
  /* Valid non-ASCII text is fine. */
  CHECK(say(s, "Caf\xc3\xa9, na\xc3\xafve \xe2\x80\x94 relax.", NULL) > 0);
}

static void test_voices(speech *s, const char *voices_dir)
{
  const char *text = "Breathe in slowly, and let the breath go all the way out.";
  voice_settings calm = voice("calm", -1, -1, -1), bad = voice("no-such-voice", -1, -1, -1);
  voice_settings half = voice("", -1, -1, 50), wild = voice("", 500, -1, -1);
  voice_settings evil = voice("../../etc/passwd", -1, -1, -1);
  float *a = NULL, *b = NULL, *c = NULL;
  int64_t na, nb, nc;
  double fa, fb, fc;
  char why[256] = "";

  CHECK(speech_set_voice(s, NULL, NULL, 0) == COACH_OK);
  na = say(s, text, &a);
  CHECKF(speech_set_voice(s, &calm, why, sizeof(why)) == COACH_OK, "calm from %s: %s",
         voices_dir, why);
  nb = say(s, text, &b);
  if(na > 0 && nb > 0) {
    fa = median_f0(a, na);
    fb = median_f0(b, nb);
    printf("voices: en-us F0 %.0f Hz, calm F0 %.0f Hz (%s)\n", fa, fb, voices_dir);
    CHECKF(fa > 0 && fb > 0 && fb < fa * 0.92, "calm F0 %.0f Hz vs en-us %.0f Hz", fb, fa);
  }

  /* Unknown voice: NOTFOUND, a message that helps, and calm still in effect. */
  why[0] = '\0';
  CHECK(speech_set_voice(s, &bad, why, sizeof(why)) == COACH_E_NOTFOUND);
  CHECKF(strstr(why, "no-such-voice") && strstr(why, "espeak-ng --voices"), "%s", why);
  CHECK(speech_set_voice(s, &evil, why, sizeof(why)) == COACH_E_NOTFOUND);
  CHECK(speech_set_voice(s, &wild, why, sizeof(why)) == COACH_E_INVALID);
  nc = say(s, text, &c);
  if(nb > 0 && nc > 0) {
    fb = median_f0(b, nb);
    fc = median_f0(c, nc);
    CHECKF(fabs(fc - fb) < fb * 0.03, "after a failed change F0 %.0f Hz, calm was %.0f", fc,
           fb);
    CHECKF(llabs(nc - nb) < RATE / 20, "after a failed change %lld frames, calm %lld",
           (long long)nc, (long long)nb);
  }
  free(a);
  free(b);
  free(c);

  /* An eSpeak voice with a variant, by name. */
  {
    voice_settings m3 = voice("en-us+m3", -1, -1, -1);
    CHECK(speech_set_voice(s, &m3, why, sizeof(why)) == COACH_OK);
    CHECK(say(s, "Hello.", NULL) > 0);
  }

  /* Volume scales the normalised level: 50 is half, 6 dB under. */
  CHECK(speech_set_voice(s, &half, NULL, 0) == COACH_OK);
  na = say(s, "Hold it there.", &a);
  if(na > 0) {
    double l = lufs_of(a, na, RATE);
    CHECKF(fabs(l - (SPEECH_LOUDNESS - 6.02)) < 0.1, "%.2f LUFS at volume 50", l);
    free(a);
  }
  CHECK(speech_set_voice(s, NULL, NULL, 0) == COACH_OK);
}

/* Every line at the same loudness, whatever its length: a one-word count (shorter than one
 * 400 ms gating block) as a long sentence; the word's peak then lower, not higher. */
static void test_loudness(speech *s)
{
  const char *lines[] = {"Two.", "Three.", "Breathe in.",
                         "If you feel sharp or shooting pain in your lower back, groin or leg, "
                         "stop, and see a doctor before you go on."};
  double lo = 1e9, hi = -1e9;
  float peak_short = 0.0f, peak_long = 0.0f;
  for(size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
    float *x = NULL;
    int64_t n = say(s, lines[i], &x);
    if(n <= 0)
      continue;
    double l = lufs_of(x, n, RATE);
    lo = fmin(lo, l);
    hi = fmax(hi, l);
    if(i == 0)
      peak_short = peak_of(x, n);
    if(i == 3)
      peak_long = peak_of(x, n);
    free(x);
  }
  printf("loudness: %.2f .. %.2f LUFS; peak of \"Two.\" %.3f, of the warning %.3f\n", lo, hi,
         (double)peak_short, (double)peak_long);
  CHECKF(lo > SPEECH_LOUDNESS - 0.1 && hi < SPEECH_LOUDNESS + 0.1, "%.2f .. %.2f LUFS", lo, hi);
  CHECK(peak_short < peak_long);
}

static void test_basic(speech *s)
{
  voice_settings slow = voice("", 80, -1, -1), fast = voice("", 250, -1, -1);
  float *x = NULL;
  int64_t n, n_slow, n_fast;

  n = say(s, "Breathe in slowly.", &x);
  if(n > 0) {
    float p = peak_of(x, n);
    double r = rms_of(x, n);
    printf("basic: \"Breathe in slowly.\" %.3f s, peak %.3f, rms %.3f\n", (double)n / RATE,
           (double)p, r);
    CHECKF(n >= RATE / 2 && n <= 3 * RATE, "%.3f s", (double)n / RATE);
    CHECK(p <= SPEECH_PEAK && p > 0.2f);
    CHECKF(r > 0.03, "rms %f", r);
    /* Trimmed: the first and last 5 ms are (nearly) quiet, but sound starts within 30 ms. */
    CHECK(peak_of(x, RATE / 200) < 0.05f);
    CHECK(peak_of(x + n - RATE / 200, RATE / 200) < 0.05f);
    CHECK(peak_of(x, RATE * 3 / 100) > 0.005f);
    free(x);
  }
  CHECK(speech_set_voice(s, &slow, NULL, 0) == COACH_OK);
  n_slow = say(s, "Breathe in slowly.", NULL);
  CHECK(speech_set_voice(s, &fast, NULL, 0) == COACH_OK);
  n_fast = say(s, "Breathe in slowly.", NULL);
  printf("basic: rate 80 %.3f s, rate 250 %.3f s\n", (double)n_slow / RATE,
         (double)n_fast / RATE);
  CHECK(n_slow > n_fast * 3 / 2);
  CHECK(speech_set_voice(s, NULL, NULL, 0) == COACH_OK);

  /* Punctuation only: no sound, an empty clip. */
  x = NULL;
  n = -1;
  CHECK(synth_f(s, "...", &x, &n, NULL) == COACH_OK && n >= 0 && n < RATE / 10);
  free(x);
}

/* flite, the second engine: its voices at their own rates, rate and pitch honoured, an
 * unknown voice refused with the list and the voice before kept, and back to eSpeak NG. */
static void test_flite(speech *s)
{
  const char *text = "Breathe in slowly, and let the breath go all the way out.";
  voice_settings slt = voice("", -1, -1, -1), kal = voice("kal", -1, -1, -1);
  voice_settings slow = voice("en-us", SPEECH_DEFAULT_RATE / 2, -1, -1);
  voice_settings low = voice("slt", -1, 20, -1);
  voice_settings bad = voice("nope", -1, -1, -1);
  slt.engine = kal.engine = slow.engine = low.engine = bad.engine = VOICE_ENGINE_FLITE;
  float *x = NULL;
  int64_t n = 0, n_slow = 0;
  int rate = 0;
  char why[256] = "";

  CHECKF(speech_set_voice(s, &slt, why, sizeof(why)) == COACH_OK, "%s", why);
  CHECKF(synth_f(s, text, &x, &n, &rate) == COACH_OK, "%s", speech_last_error(s));
  CHECKF(rate == 16000 && n > rate * 2 && n < rate * 6, "%lld samples at %d Hz",
         (long long)n, rate);
  double f_slt = x ? median_f0(x, n) * rate / RATE : 0.0; /* median_f0 counts at RATE */
  CHECK(x && peak_of(x, n) <= SPEECH_PEAK && fabs(lufs_of(x, n, rate) - SPEECH_LOUDNESS) < 0.1);
  free(x);
  x = NULL;
  CHECK(speech_set_voice(s, &slow, why, sizeof(why)) == COACH_OK); /* a language: slt */
  CHECK(synth_f(s, text, &x, &n_slow, &rate) == COACH_OK && rate == 16000);
  free(x);
  x = NULL;
  printf("flite: slt %.2f s at its own pace, %.2f s at half of it, F0 %.0f Hz\n",
         (double)n / 16000, (double)n_slow / 16000, f_slt);
  CHECKF(n_slow > n * 17 / 10, "half the rate: %lld samples, its own pace %lld", (long long)n_slow,
         (long long)n);
  CHECK(speech_set_voice(s, &low, why, sizeof(why)) == COACH_OK);
  CHECK(synth_f(s, text, &x, &n, &rate) == COACH_OK);
  double f_low = x ? median_f0(x, n) * rate / RATE : 0.0;
  CHECKF(f_low < f_slt * 0.9, "pitch 20: F0 %.0f Hz, pitch 40 (the default): %.0f Hz", f_low,
         f_slt);
  free(x);
  x = NULL;

  why[0] = '\0';
  CHECK(speech_set_voice(s, &bad, why, sizeof(why)) == COACH_E_NOTFOUND);
  CHECKF(strstr(why, "nope") && strstr(why, "kal, kal16, awb, rms, slt"), "%s", why);
  CHECK(synth_f(s, "Hold it.", &x, &n, &rate) == COACH_OK && rate == 16000);
  free(x);
  x = NULL;
  CHECK(speech_set_voice(s, &kal, why, sizeof(why)) == COACH_OK);
  CHECK(synth_f(s, "Hold it.", &x, &n, &rate) == COACH_OK && rate == 8000);
  free(x);
  CHECK(speech_set_voice(s, NULL, NULL, 0) == COACH_OK);
  CHECK(say(s, "Hold it.", NULL) > 0); /* eSpeak NG again, at its own rate */
}

/* The shipped English hints do what they say for eSpeak NG: "Use a soft ball" is read with
 * the noun "use" (j'u:s) as written, with the verb (j'u:z) once hinted. */
static void test_hints(speech *s, const char *voices_dir)
{
  char path[1200], why[256] = "", hinted[256];
  static char buf[HINTS_FILE_MAX];
  snprintf(path, sizeof(path), "%s/hints/en.txt", voices_dir);
  FILE *f = fopen(path, "r");
  size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
  if(f)
    fclose(f);
  hints h = {0};
  CHECKF(hints_parse(buf, n, &h, why, sizeof(why)) == COACH_OK, "%s: %s", path, why);
  CHECK(speech_set_voice(s, NULL, NULL, 0) == COACH_OK); /* eSpeak NG, en-us */
  const char *text = "Use a soft ball.";
  CHECK(hints_apply(&h, VOICE_ENGINE_ESPEAK, text, hinted, sizeof(hinted)) == COACH_OK);
  const void *p = text;
  const char *as_written = espeak_TextToPhonemes(&p, espeakCHARS_UTF8, 0);
  CHECKF(as_written && strstr(as_written, "j'u:s"), "as written: %s", as_written);
  p = hinted;
  const char *as_hinted = espeak_TextToPhonemes(&p, espeakCHARS_UTF8, 0);
  CHECKF(as_hinted && strstr(as_hinted, "j'u:z"), "hinted \"%s\": %s", hinted, as_hinted);
  hints_free(&h);
}

static void test_timing(speech *s)
{
  const char *text = "Now slowly lower your arms and breathe out through your nose.";
  double best = 1e9, total = 0.0;
  for(int i = 0; i < 10; i++) {
    double t0 = now_ms(), dt;
    int64_t n = say(s, text, NULL);
    dt = now_ms() - t0;
    CHECK(n > RATE);
    total += dt;
    if(dt < best)
      best = dt;
  }
  printf("timing: 11-word sentence (synth + trim + normalise, at %d Hz): "
         "mean %.2f ms, best %.2f ms\n",
         RATE, total / 10, best);
}

static int write_tone(const char *path, int rate, int channels, double seconds)
{
  SF_INFO info = {0};
  SNDFILE *f;
  int64_t n = (int64_t)(rate * seconds);
  float *buf = malloc((size_t)n * (size_t)channels * sizeof(float));
  if(!buf)
    return -1;
  for(int64_t i = 0; i < n; i++)
    for(int c = 0; c < channels; c++)
      buf[i * channels + c] = 0.8f * (float)sin(2 * M_PI * 440.0 * (double)i / rate);
  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  f = sf_open(path, SFM_WRITE, &info);
  if(!f) {
    free(buf);
    return -1;
  }
  sf_writef_float(f, buf, n);
  sf_close(f);
  free(buf);
  return 0;
}

static int copy_file(const char *from, const char *to)
{
  char buf[4096];
  size_t k;
  FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
  if(!out) {
    if(in)
      fclose(in);
    return -1;
  }
  while((k = fread(buf, 1, sizeof(buf), in)) > 0)
    fwrite(buf, 1, k, out);
  fclose(in);
  return fclose(out);
}

/* A second voices directory with an upper-case, long path: the recorded clip wins over
 * speech, and the calm voice file still loads from there (eSpeak alone could not). */
static void test_recorded(const char *source_voices, const char *tmp)
{
  char dir[1024], clips[1100], path[1200], why[256] = "";
  speech *s = NULL;
  float *x = NULL;
  int64_t n = 0;
  coach_rc rc;

  snprintf(dir, sizeof(dir), "%s/Speech-Test-Voices-In-A-Long-Upper-Case-Path-XXXXXX", tmp);
  if(!mkdtemp(dir)) {
    CHECKF(0, "mkdtemp %s: %s", dir, strerror(errno));
    return;
  }
  snprintf(clips, sizeof(clips), "%s/clips", dir);
  CHECK(mkdir(clips, 0700) == 0);
  snprintf(path, sizeof(path), "%s/now-switch-sides.wav", clips);
  CHECK(write_tone(path, 44100, 2, 0.5) == 0);
  {
    char calm_src[1100], calm_dst[1100];
    snprintf(calm_src, sizeof(calm_src), "%s/calm", source_voices);
    snprintf(calm_dst, sizeof(calm_dst), "%s/calm", dir);
    CHECK(copy_file(calm_src, calm_dst) == 0);
  }

  rc = speech_open(dir, &s, why, sizeof(why));
  CHECKF(rc == COACH_OK, "open %s: %s", dir, why);
  if(rc)
    return;
  int clip_rate = 0;
  rc = synth_f(s, "Now, switch sides.", &x, &n, &clip_rate);
  CHECKF(rc == COACH_OK, "%s", speech_last_error(s));
  if(rc == COACH_OK) {
    int crossings = 0;
    double f0;
    for(int64_t i = 1; i < n; i++)
      crossings += x[i - 1] < 0.0f && x[i] >= 0.0f;
    f0 = crossings / ((double)n / clip_rate);
    printf("recorded: %lld frames at %d Hz (%.4f s), peak %.3f, F0 %.1f Hz\n", (long long)n,
           clip_rate, (double)n / clip_rate, (double)peak_of(x, n), f0);
    CHECK(clip_rate == 44100); /* its own rate: the mixer resamples it */
    CHECKF(llabs(n - 44100 / 2) <= 44100 / 2 / 100, "%lld frames", (long long)n);
    double l = lufs_of(x, n, clip_rate);
    CHECKF(fabs(l - SPEECH_LOUDNESS) < 0.1, "the recording at %.2f LUFS", l);
    CHECKF(fabs(f0 - 440.0) < 5.0, "tone at %.1f Hz", f0);
    free(x);
  }
  test_voices(s, dir);

  /* A voice file eSpeak cannot use (no dictionary for its language): NOTFOUND naming the
   * file, and the previous voice still speaks (eSpeak dropped it while trying). */
  snprintf(path, sizeof(path), "%s/broken", dir);
  {
    FILE *f = fopen(path, "w");
    voice_settings broken = voice("broken", -1, -1, -1), calm = voice("calm", -1, -1, -1);
    int64_t before, after;
    if(f) {
      fputs("name broken\nlanguage zz-nowhere\n", f);
      fclose(f);
    }
    CHECK(speech_set_voice(s, &calm, why, sizeof(why)) == COACH_OK);
    before = say(s, "Breathe out.", NULL);
    why[0] = '\0';
    CHECK(speech_set_voice(s, &broken, why, sizeof(why)) == COACH_E_NOTFOUND);
    CHECKF(strstr(why, "broken") && strstr(why, "could not be loaded"), "%s", why);
    after = say(s, "Breathe out.", NULL);
    CHECKF(before > 0 && llabs(after - before) < RATE / 50, "%lld vs %lld frames",
           (long long)after, (long long)before);
    remove(path);
  }

  /* A clip that exists but is not audio is an error, not silently spoken. */
  snprintf(path, sizeof(path), "%s/hold-it.wav", clips);
  {
    FILE *f = fopen(path, "w");
    if(f) {
      fputs("not a wav file\n", f);
      fclose(f);
    }
  }
  x = NULL;
  CHECK(synth_f(s, "Hold it.", &x, &n, NULL) == COACH_E_IO);
  CHECKF(strstr(speech_last_error(s), "hold-it.wav") != NULL, "%s", speech_last_error(s));
  remove(path);
  speech_close(s);

  snprintf(path, sizeof(path), "%s/now-switch-sides.wav", clips);
  remove(path);
  snprintf(path, sizeof(path), "%s/calm", dir);
  remove(path);
  rmdir(clips);
  rmdir(dir);
}

int main(void)
{
  const char *src = getenv("COACH_SOURCE_DIR");
  const char *tmp = getenv("COACH_TEST_TMP");
  char voices[1024], why[256] = "";
  speech *s = NULL, *s2 = NULL;
  coach_rc rc;

  if(!src || !tmp) {
    fprintf(stderr, "COACH_SOURCE_DIR and COACH_TEST_TMP must be set (run through ctest)\n");
    return EXIT_FAILURE;
  }
  snprintf(voices, sizeof(voices), "%s/voices", src);

  test_slug();

  rc = speech_open(voices, &s, why, sizeof(why));
  CHECKF(rc == COACH_OK, "speech_open: %s", why);
  if(rc)
    return check_done();
  CHECK(speech_open(voices, &s2, why, sizeof(why)) == COACH_E_STATE && s2 == NULL);

  test_basic(s);
  test_loudness(s);
  test_errors(s);
  test_voices(s, voices);
  test_stop(s);
  test_flite(s);
  test_hints(s, voices);
  test_timing(s);
  speech_close(s);

  test_recorded(voices, tmp);
  return check_done();
}
