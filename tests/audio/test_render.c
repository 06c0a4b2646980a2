/* Renders every shipped routine, English and German, with real eSpeak NG and listens to the
 * result:
 *  - speech sounds where the timeline puts it (a sentence at a time), and quiet is quiet,
 *    including where a live session would wait for the person;
 *  - the breath tones stay clearly audible through a small speaker, under the voice;
 *  - a hold lasts what it says, measured between the chime onsets in the audio;
 *  - the breathing tones repeat at exactly the pattern's period, first minute and last;
 *  - no sample is limited or near full scale, and tone edges have no clicks;
 *  - files come out in WAV, FLAC and OGG with the same content.
 * Long sessions are rendered in memory (faster than real time); nothing is played. */
#include <math.h>
#include <sndfile.h>
#include <unistd.h>

#include "check.h"
#include "mixer.h"
#include "render.h"
#include "score.h"

/* Breath tones against the voice (check_tone_levels), in dB: through a small speaker at most
 * 7 dB under it (the tones of 196-330 Hz that were here before measured 10.0, and lost 4.3 dB
 * to the speaker), yet at least 3 dB under it on a full-range one, and at most 2 dB lost. */
#define TONES_UNDER_VOICE_SMALL_DB 7.0
#define TONES_UNDER_VOICE_DB 3.0
#define TONES_SMALL_LOSS_DB 2.0

/* Every shipped routine, in English and in German (config/ROUTINES.md). */
static const char *const shipped[] = {
  "rest", "kneel", "ball",        "supine",      "bridge", "lunge",          "full",     "safety",
  "ruhe", "knien", "ballmassage", "rueckenlage", "bruecke", "ausfallschritt", "komplett",
  "sicherheit"};

static char routines_dir[1024];

static routine *load(const char *name)
{
  char path[1200];
  snprintf(path, sizeof(path), "%s/%s.ini", routines_dir, name);
  coach_diag d;
  routine *r = NULL;
  coach_diag_init(&d, path);
  coach_rc rc = routine_load(path, &r, &d);
  CHECKF(rc == COACH_OK, "%s does not load (%d problems)", path, d.count);
  return r;
}

static double rms(const float *x, int64_t from, int64_t to)
{
  double e = 0;
  if(to <= from)
    return 0;
  for(int64_t i = from; i < to; i++)
    e += (double)x[i] * x[i];
  return sqrt(e / (double)(to - from));
}

/* First frame in [from, to) louder than threshold, or -1. */
static int64_t onset(const float *x, int64_t from, int64_t to, float threshold)
{
  for(int64_t i = from; i < to; i++)
    if(fabsf(x[i]) > threshold)
      return i;
  return -1;
}

/* Is any line spoken in [from, to)? */
static bool covered_by_speech(const timeline *t, int64_t from, int64_t to)
{
  for(size_t i = 0; i < t->n_cues; i++)
    if(t->cues[i].kind == CUE_SPEECH && t->cues[i].start < to &&
       t->cues[i].start + t->cues[i].frames > from)
      return true;
  return false;
}

/* Is any cue sounding in [from, to)? */
static bool covered(const timeline *t, int64_t from, int64_t to)
{
  for(size_t i = 0; i < t->n_cues; i++)
    if(t->cues[i].start < to && t->cues[i].start + t->cues[i].frames > from)
      return true;
  return false;
}

static void check_speech_and_quiet(const char *name, const timeline *t, const float *x)
{
  int speech_ok = 0, speech_all = 0, quiet_ok = 0, quiet_all = 0;
  int64_t r = t->rate;
  for(size_t i = 0; i < t->n_cues; i++) {
    const cue *c = &t->cues[i];
    if(c->kind != CUE_SPEECH || c->frames < r / 5)
      continue;
    speech_all++;
    /* The middle of every spoken line carries sound. */
    speech_ok += rms(x, c->start + c->frames / 4, c->start + c->frames * 3 / 4) > 0.03;
  }
  /* Every stretch of at least 300 ms that no cue covers is silent: each 300 ms window, in
   * steps of 100 ms, from the energy of its three 100 ms blocks (summed once). */
  int64_t block = r / 10, n_blocks = t->frames / block;
  double *energy = malloc((size_t)(n_blocks > 0 ? n_blocks : 1) * sizeof(double));
  for(int64_t k = 0; k < n_blocks; k++) {
    double e = 0;
    for(int64_t i = k * block; i < (k + 1) * block; i++)
      e += (double)x[i] * x[i];
    energy[k] = e;
  }
  for(int64_t k = 0; k + 3 <= n_blocks; k++) {
    int64_t f = k * block;
    if(covered(t, f, f + 3 * block))
      continue;
    quiet_all++;
    quiet_ok += sqrt((energy[k] + energy[k + 1] + energy[k + 2]) / (double)(3 * block)) < 1e-4;
  }
  free(energy);
  CHECKF(speech_all > 0 && speech_ok == speech_all, "%s: %d of %d lines heard", name,
         speech_ok, speech_all);
  CHECKF(quiet_ok == quiet_all, "%s: %d of %d quiet stretches silent", name, quiet_ok,
         quiet_all);
}

static void check_holds(const char *name, const timeline *t, const float *x)
{
  int64_t ms = t->rate / 1000;
  for(size_t s = 0; s < t->n_steps; s++) {
    const timeline_step *st = &t->steps[s];
    if(st->kind != STEP_HOLD)
      continue;
    int64_t a = onset(x, st->hold_start - 300 * ms, st->hold_start + 50 * ms, 2e-3f);
    int64_t end = st->hold_start + st->hold_frames;
    int64_t b = onset(x, end - 300 * ms, end + 50 * ms, 2e-3f);
    CHECKF(a >= st->hold_start && a < st->hold_start + 2 * ms, "%s: %s start chime at %+lld",
           name, st->label, (long long)(a - st->hold_start));
    CHECKF(b >= end && b < end + 2 * ms, "%s: %s end chime at %+lld", name, st->label,
           (long long)(b - end));
    /* Heard hold length, onset to onset, within a millisecond of the stated one. */
    CHECKF(llabs((b - a) - st->hold_frames) <= ms, "%s: hold heard as %lld frames, not %lld",
           name, (long long)(b - a), (long long)st->hold_frames);
  }
}

/* The period of the loudness envelope, by autocorrelation over [from, from + span). */
static double envelope_period_s(const float *x, int64_t from, int64_t span, int rate)
{
  int64_t hop = rate / 100; /* 10 ms */
  size_t n = (size_t)(span / hop);
  double *env = calloc(n, sizeof(double));
  for(size_t i = 0; i < n; i++)
    env[i] = rms(x, from + (int64_t)i * hop, from + (int64_t)(i + 1) * hop);
  double mean = 0;
  for(size_t i = 0; i < n; i++)
    mean += env[i] / (double)n;
  /* Multiples of the period correlate as well as the period: take the shortest lag that
   * comes within 10% of the best. */
  size_t lo = 200, hi = n / 2 < 2000 ? n / 2 : 2000; /* 2 s .. 20 s */
  double *corr = calloc(hi + 1, sizeof(double));
  double best_c = -1e30;
  for(size_t lag = lo; lag <= hi; lag++) {
    double c = 0;
    for(size_t i = 0; i + lag < n; i++)
      c += (env[i] - mean) * (env[i + lag] - mean);
    corr[lag] = c / (double)(n - lag);
    if(corr[lag] > best_c)
      best_c = corr[lag];
  }
  size_t best = lo;
  for(size_t lag = lo; lag <= hi; lag++) {
    if(corr[lag] >= 0.9 * best_c) {
      best = lag;
      /* climb to the top of this first peak */
      while(best + 1 <= hi && corr[best + 1] > corr[best])
        best++;
      break;
    }
  }
  free(corr);
  free(env);
  return (double)best * (double)hop / rate;
}

static void check_breathing(const char *name, const timeline *t, const float *x)
{
  for(size_t s = 0; s < t->n_steps; s++) {
    const timeline_step *st = &t->steps[s];
    if(st->kind != STEP_BREATHE || st->cycles < 8)
      continue;
    double cycle_s = (double)breath_pattern_cycle_ms(&st->pattern) / 1000.0;
    int64_t cyc = (int64_t)(cycle_s * t->rate);
    /* Four breaths without speech near the start and near the end (reminders come every
     * five breaths or more): the period must not drift. */
    int run = 4, first_run = -1, last_run = -1;
    for(int k = 0; k + run <= st->cycles; k++) {
      int64_t from = st->breath_start + k * cyc;
      if(covered_by_speech(t, from, from + run * cyc))
        continue;
      if(first_run < 0)
        first_run = k;
      last_run = k;
    }
    CHECKF(first_run >= 0 && last_run > first_run, "%s: no %d breaths without speech", name,
           run);
    if(first_run < 0)
      continue;
    double early = envelope_period_s(x, st->breath_start + first_run * cyc, run * cyc, t->rate);
    double late = envelope_period_s(x, st->breath_start + last_run * cyc, run * cyc, t->rate);
    /* Coarse: the loudness envelope repeats at the pattern's period. */
    CHECKF(fabs(early - cycle_s) <= 0.03, "%s: breathing period %.3f s, pattern %.3f s", name,
           early, cycle_s);
    CHECKF(fabs(late - cycle_s) <= 0.03, "%s: breathing period at the end %.3f s", name, late);
    /* Exact: the tone of the first clean breath reappears in the last one exactly a whole
     * number of cycles later, to the sample, so fifteen minutes have not drifted at all. */
    int first = -1, last = -1;
    for(int k = 0; k < st->cycles; k++) {
      int64_t from = st->breath_start + k * cyc;
      if(covered_by_speech(t, from, from + cyc))
        continue;
      if(first < 0)
        first = k;
      last = k;
    }
    CHECK(first >= 0 && last > first);
    if(first >= 0 && last > first) {
      int64_t mid = (int64_t)((st->pattern.in_ms / 2) * t->rate / 1000);
      int64_t a = st->breath_start + first * cyc + mid;
      int64_t expect = (int64_t)(last - first) * cyc;
      int64_t win = t->rate / 2, slack = t->rate / 200; /* 0.5 s compared, +-5 ms searched */
      int64_t best = 0;
      double best_c = -1e30;
      for(int64_t lag = expect - slack; lag <= expect + slack; lag++) {
        double c = 0;
        for(int64_t i = 0; i < win; i++)
          c += (double)x[a + i] * x[a + lag + i];
        if(c > best_c) {
          best_c = c;
          best = lag;
        }
      }
      CHECKF(best == expect, "%s: breath %d repeats breath %d %+lld frames off", name, last,
             first, (long long)(best - expect));
    }
    /* The last breath's tone starts exactly where whole cycles put it. */
    int64_t last_in = -1;
    for(size_t i = 0; i < t->n_cues; i++)
      if(t->cues[i].kind == CUE_BREATH_IN && t->cues[i].step == (int)s)
        last_in = t->cues[i].start;
    CHECK(last_in == st->breath_start + (int64_t)(st->cycles - 1) * cyc);
  }
}

static void check_tone_edges(const char *name, const timeline *t, const float *x)
{
  int64_t win = t->rate / 100;
  float worst = 0;
  for(size_t i = 0; i < t->n_cues; i++) {
    const cue *c = &t->cues[i];
    if(c->kind != CUE_BREATH_IN && c->kind != CUE_BREATH_OUT)
      continue;
    int64_t edges[2] = {c->start, c->start + c->frames};
    for(int e = 0; e < 2; e++) {
      int64_t from = edges[e] - win, to = edges[e] + win;
      if(covered_by_speech(t, from, to) || from < 1 || to > t->frames)
        continue;
      for(int64_t f = from; f < to; f++)
        worst = fmaxf(worst, fabsf(x[f] - x[f - 1]));
    }
  }
  CHECKF(worst < 0.02f, "%s: a step of %.4f at a tone edge (a click)", name, worst);
}

/* How loud x is over [from, to), as heard: straight, or through a small speaker. */
typedef double (*level_fn)(const float *x, int64_t from, int64_t to, int rate);

static double rms_straight(const float *x, int64_t from, int64_t to, int rate)
{
  (void)rate;
  return rms(x, from, to);
}

/* What a small speaker (a phone, a smart speaker) leaves of a sound: a second-order
 * Butterworth high-pass at 300 Hz (RBJ's biquad, Q = 1/sqrt(2)), 12 dB per octave below.
 * It runs from 20 ms before the span, long enough for it to settle (its time constant is
 * about a millisecond), so no copy of the whole session is needed. */
static double rms_small_speaker(const float *x, int64_t from, int64_t to, int rate)
{
  double w = 2.0 * M_PI * 300.0 / rate, alpha = sin(w) / (2.0 * M_SQRT1_2), c = cos(w);
  double a0 = 1.0 + alpha;
  double b0 = (1.0 + c) / 2.0 / a0, b1 = -(1.0 + c) / a0, b2 = b0;
  double a1 = -2.0 * c / a0, a2 = (1.0 - alpha) / a0;
  double x1 = 0, x2 = 0, y1 = 0, y2 = 0, e = 0;
  if(to <= from)
    return 0;
  for(int64_t i = from - rate / 50 > 0 ? from - rate / 50 : 0; i < to; i++) {
    double v = b0 * x[i] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x[i];
    y2 = y1;
    y1 = v;
    if(i >= from)
      e += v * v;
  }
  return sqrt(e / (double)(to - from));
}

static double db(double power)
{
  return 10.0 * log10(power > 1e-20 ? power : 1e-20);
}

/* The level of the voice while it speaks: the mean power of the 50 ms windows of each line
 * that are within 20 dB of that line's loudest, so the pauses between words do not count. */
static double speech_level_db(const timeline *t, const float *x, level_fn level)
{
  int64_t win = t->rate / 20;
  double sum = 0;
  int64_t n = 0;
  for(size_t i = 0; i < t->n_cues; i++) {
    const cue *c = &t->cues[i];
    if(c->kind != CUE_SPEECH || c->frames < 4 * win)
      continue;
    double levels[c->frames / win], loudest = 0;
    int64_t n_win = c->frames / win;
    for(int64_t k = 0; k < n_win; k++) {
      levels[k] = level(x, c->start + k * win, c->start + (k + 1) * win, t->rate);
      loudest = fmax(loudest, levels[k]);
    }
    for(int64_t k = 0; k < n_win; k++) {
      if(levels[k] > loudest * 0.1) {
        sum += levels[k] * levels[k];
        n++;
      }
    }
  }
  return n ? db(sum / (double)n) : -200.0;
}

/* The level of the breath tones where nothing is spoken: the middle half of each phase. */
static double breath_level_db(const timeline *t, const float *x, level_fn level)
{
  double sum = 0;
  int64_t n = 0;
  for(size_t i = 0; i < t->n_cues; i++) {
    const cue *c = &t->cues[i];
    if((c->kind != CUE_BREATH_IN && c->kind != CUE_BREATH_OUT) ||
       covered_by_speech(t, c->start - t->rate, c->start + c->frames + t->rate))
      continue;
    double r = level(x, c->start + c->frames / 4, c->start + c->frames * 3 / 4, t->rate);
    sum += r * r;
    n++;
  }
  return n ? db(sum / (double)n) : -200.0;
}

/* The breath tones guide the person alone for up to fifteen minutes, often from a small
 * speaker: through one they must stay clearly audible next to the voice, while still sitting
 * under it as a soft background. */
static void check_tone_levels(const char *name, const timeline *t, const float *x)
{
  double voice = speech_level_db(t, x, rms_straight);
  double tones = breath_level_db(t, x, rms_straight);
  double voice_small = speech_level_db(t, x, rms_small_speaker);
  double tones_small = breath_level_db(t, x, rms_small_speaker);
  if(tones < -150)
    return; /* no unspoken breath in this routine */
  printf("%s levels: voice %.1f dBFS, breath tones %.1f dBFS; through a 300 Hz high-pass: "
         "voice %.1f, tones %.1f (the tones lose %.1f dB)\n",
         name, voice, tones, voice_small, tones_small, tones - tones_small);
  CHECKF(voice_small - tones_small <= TONES_UNDER_VOICE_SMALL_DB,
         "%s: through a small speaker the tones are %.1f dB under the voice", name,
         voice_small - tones_small);
  CHECKF(voice - tones >= TONES_UNDER_VOICE_DB, "%s: the tones are only %.1f dB under the voice",
         name, voice - tones);
  CHECKF(tones - tones_small <= TONES_SMALL_LOSS_DB,
         "%s: a small speaker takes %.1f dB off the tones", name, tones - tones_small);
}

/* "Take your time" is said only where the time is there: at least 10 s before anything
 * else is said (a change of position takes a stiff person 10-15 s). */
static void check_time_to_move(const char *name, const timeline *t)
{
  static const char *const take_your_time[] = {"Take your time.", "Lass dir Zeit."};
  for(size_t i = 0; i < t->n_cues; i++) {
    const cue *c = &t->cues[i];
    bool promise = false;
    for(size_t k = 0; c->kind == CUE_SPEECH && k < 2; k++)
      promise |= !strcmp(c->text, take_your_time[k]);
    if(!promise)
      continue;
    int64_t end = c->start + c->frames, next = t->frames;
    for(size_t j = i + 1; j < t->n_cues; j++)
      if(t->cues[j].kind == CUE_SPEECH) {
        next = t->cues[j].start;
        break;
      }
    CHECKF(next - end >= 10LL * t->rate, "%s: \"%s\" at %.1f s, then only %.1f s", name,
           c->text, (double)c->start / t->rate, (double)(next - end) / t->rate);
  }
}

/* Where a live session would wait, a render is quiet: no cue, no sound. */
static void check_waits(const char *name, const timeline *t, const float *x)
{
  for(size_t s = 0; s < t->n_steps; s++) {
    const timeline_step *st = &t->steps[s];
    if(st->kind != STEP_WAIT)
      continue;
    int64_t end = st->start + st->frames;
    CHECKF(end - st->wait_at >= t->rate && !covered(t, st->wait_at, end),
           "%s: %s: a cue inside the wait", name, st->label);
    CHECKF(rms(x, st->wait_at + t->rate / 5, end) < 1e-4, "%s: %s: the wait is not quiet",
           name, st->label);
  }
}

static void check_routine(const speaker *sp, const char *name, const char *length)
{
  routine *r = load(name);
  if(!r)
    return;
  /* Nothing a listener would find hard to follow (what coach check warns of). */
  coach_diag advice;
  CHECKF(routine_advice(r, &advice) == 0, "%s: %d warnings, the first at line %d: %s", name,
         advice.count, advice.entries[0].line, advice.entries[0].message);
  voice_settings voice = {.name = SPEECH_DEFAULT_VOICE, .rate = SPEECH_DEFAULT_RATE,
                          .pitch = SPEECH_DEFAULT_PITCH, .volume = SPEECH_DEFAULT_VOLUME};
  char why[512] = "";
  int64_t len = 0;
  CHECKF(routine_choose_length(r, length, &len, why, sizeof(why)) == COACH_OK, "%s", why);
  score *sc = NULL;
  coach_rc rc = score_build(sp, &voice, r, len, &sc, why, sizeof(why));
  CHECKF(rc == COACH_OK, "%s: %s", name, why);
  if(rc) {
    routine_free(r);
    return;
  }
  CHECKF(sc->speech_errors == 0, "%s: %d lines not spoken: %s", name, sc->speech_errors,
         sc->speech_error);
  const timeline *t = sc->timeline;
  float *x = malloc((size_t)t->frames * sizeof(float));
  size_t limited = mixer_render(t, &sc->clips, NULL, 0, 0, x, (size_t)t->frames);
  float peak = 0;
  for(int64_t i = 0; i < t->frames; i++)
    peak = fmaxf(peak, fabsf(x[i]));
  CHECKF(limited == 0 && peak < 0.8f, "%s: peak %.3f, %zu samples limited", name, peak, limited);
  CHECKF(peak > 0.3f, "%s: peak only %.3f", name, peak);
  check_speech_and_quiet(name, t, x);
  check_holds(name, t, x);
  check_breathing(name, t, x);
  check_tone_edges(name, t, x);
  check_tone_levels(name, t, x);
  check_waits(name, t, x);
  check_time_to_move(name, t);
  printf("%s %s: %.1f s, %zu steps, %zu cues, peak %.2f\n", name, length ? length : "",
         (double)t->frames / t->rate, t->n_steps, t->n_cues, peak);
  free(x);
  score_free(sc);
  routine_free(r);
}

static void check_files(const speaker *sp)
{
  routine *r = load("safety");
  if(!r)
    return;
  voice_settings voice = {.name = SPEECH_DEFAULT_VOICE, .rate = 140, .pitch = 40, .volume = 100};
  char why[512] = "";
  score *sc = NULL;
  CHECK(score_build(sp, &voice, r, 0, &sc, why, sizeof(why)) == COACH_OK);
  const char *tmp = getenv("COACH_TEST_TMP") ? getenv("COACH_TEST_TMP") : "/tmp";
  const char *exts[] = {"wav", "flac", "ogg"};
  for(int i = 0; sc && i < 3; i++) {
    char path[1200];
    snprintf(path, sizeof(path), "%s/render-test.%s", tmp, exts[i]);
    render_stats st;
    CHECKF(render_to_file(sc, path, &st, why, sizeof(why)) == COACH_OK, "%s", why);
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    CHECKF(f != NULL, "%s unreadable", path);
    if(!f)
      continue;
    CHECK(info.samplerate == 48000 && info.channels == 1);
    CHECKF(llabs(info.frames - sc->timeline->frames) <= (i == 2 ? 4096 : 0),
           "%s has %lld frames, timeline %lld", exts[i], (long long)info.frames,
           (long long)sc->timeline->frames);
    /* Lossless formats hold the mix to 16-bit precision. */
    if(i < 2) {
      float got[4096], want[4096];
      int64_t at = sc->timeline->frames / 2;
      sf_seek(f, at, SEEK_SET);
      sf_readf_float(f, got, 4096);
      mixer_render(sc->timeline, &sc->clips, NULL, 0, at, want, 4096);
      float worst = 0;
      for(int k = 0; k < 4096; k++)
        worst = fmaxf(worst, fabsf(got[k] - want[k]));
      CHECKF(worst < 1.0f / 16384, "%s differs from the mix by %g", exts[i], worst);
    }
    sf_close(f);
    unlink(path);
  }
  char bad[1200];
  snprintf(bad, sizeof(bad), "%s/render-test.mp3", tmp);
  CHECK(sc && render_to_file(sc, bad, NULL, why, sizeof(why)) == COACH_E_INVALID);
  score_free(sc);
  routine_free(r);
}

/* A routine that chooses flite: its lines come from flite's default voice (the base voice's
 * eSpeak NG name does not carry over), at flite's 16 kHz, and mix as any other. */
static void check_flite_routine(const speaker *sp)
{
  static const char ini[] =
      "[routine]\ntitle = F\nsummary = s\nsteps = a\nengine = flite\nrate = 160\n"
      "[step a]\ndo = say\ntext = Lie on your back and let your knees fall together.\n";
  coach_diag d;
  routine *r = NULL;
  coach_diag_init(&d, "f.ini");
  CHECK(routine_load_buffer(ini, sizeof(ini) - 1, "f", "f.ini", &r, &d) == COACH_OK);
  if(!r)
    return;
  CHECK(r->voice.engine == VOICE_ENGINE_FLITE);
  voice_settings voice = {.name = "calm", .rate = 140, .pitch = 40, .volume = 100,
                          .engine = VOICE_ENGINE_ESPEAK};
  char why[512] = "";
  score *sc = NULL;
  CHECKF(score_build(sp, &voice, r, 0, &sc, why, sizeof(why)) == COACH_OK, "%s", why);
  if(sc) {
    CHECKF(sc->voice.engine == VOICE_ENGINE_FLITE && !sc->voice.name[0] &&
           sc->voice.rate == 160, "voice \"%s\" engine %d rate %d", sc->voice.name,
           sc->voice.engine, sc->voice.rate);
    CHECK(sc->speech_errors == 0 && sc->clips.count == 1 && sc->clips.items[0].rate == 16000);
    const timeline *t = sc->timeline;
    float *x = malloc((size_t)t->frames * sizeof(float));
    CHECK(mixer_render(t, &sc->clips, NULL, 0, 0, x, (size_t)t->frames) == 0);
    check_speech_and_quiet("flite", t, x);
    free(x);
  }
  score_free(sc);
  routine_free(r);
}

int main(void)
{
  const char *src = getenv("COACH_SOURCE_DIR");
  snprintf(routines_dir, sizeof(routines_dir), "%s/config/routines", src ? src : ".");
  char voices[1100], why[512] = "";
  snprintf(voices, sizeof(voices), "%s/voices", src ? src : ".");
  speech *sp = NULL;
  coach_rc rc = speech_open(voices, &sp, why, sizeof(why));
  CHECKF(rc == COACH_OK, "speech: %s", why);
  if(rc)
    return check_done();
  speaker spk = speaker_in_process(sp);
  for(size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++)
    check_routine(&spk, shipped[i], NULL);
  check_routine(&spk, "rest", "5m");
  check_routine(&spk, "rest", "15m");
  check_routine(&spk, "ruhe", "15m");
  check_files(&spk);
  check_flite_routine(&spk);
  speech_close(sp);
  return check_done();
}
