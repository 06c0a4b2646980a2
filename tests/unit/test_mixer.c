/* Mixer: any block size gives the same samples, with speech at the mix rate and at a voice's
 * own (resampled as it is mixed); tones dip under speech; nothing clips. */
#include <math.h>

#include "check.h"
#include "mixer.h"

#define RATE 48000

static int voice_rate = RATE; /* the rate tone_speak makes its clips at */

static coach_rc tone_speak(void *ctx, const char *text, int *clip_id, int64_t *frames)
{
  /* A 1 s, 0.5-peak 1 kHz "voice": the mixer cannot tell it from speech. */
  clip_set *set = ctx;
  (void)text;
  int n = voice_rate;
  float *x = malloc((size_t)n * sizeof(float));
  for(int i = 0; i < n; i++)
    x[i] = 0.5f * sinf(6.2831853f * 1000.0f * i / n) * sinf(3.14159265f * i / n);
  int16_t *pcm = clip_from_float(x, n);
  free(x);
  coach_rc rc = clip_set_add(set, pcm, n, voice_rate, clip_id);
  if(!rc)
    *frames = set->items[*clip_id].frames;
  return rc;
}

/* Largest difference between rendering t whole and in blocks of many sizes. */
static float block_difference(const timeline *t, const clip_set *clips, float *peak)
{
  size_t n = (size_t)t->frames;
  float *whole = malloc(n * sizeof(float)), *pieces = malloc(n * sizeof(float));
  CHECK(mixer_render(t, clips, NULL, 0, 0, whole, n) == 0);
  for(size_t pos = 0, step = 3; pos < n; pos += step, step = step * 13 % 4099 + 1)
    mixer_render(t, clips, NULL, 0, (int64_t)pos, pieces + pos, pos + step > n ? n - pos : step);
  float worst = 0;
  *peak = 0;
  for(size_t i = 0; i < n; i++) {
    worst = fmaxf(worst, fabsf(whole[i] - pieces[i]));
    *peak = fmaxf(*peak, fabsf(whole[i]));
  }
  free(whole);
  free(pieces);
  return worst;
}

/* The voice at eSpeak NG's 22050 Hz: the clip lasts as long at the mix rate, sounds at the
 * same pitch, and any block size still gives the same samples. */
static void check_resampled(const routine *r)
{
  clip_set clips = {.mix_rate = RATE};
  timeline *t = NULL;
  char why[256];
  voice_rate = 22050;
  CHECK(timeline_build(r, 0, RATE, tone_speak, &clips, &t, why, sizeof(why)) == COACH_OK);
  voice_rate = RATE;
  if(!t)
    return;
  CHECK(clips.count >= 1 && clips.n_resamplers == 1);
  for(int i = 0; i < clips.count; i++)
    CHECK(clips.items[i].rate == 22050 && clips.items[i].length == 22050 &&
          clips.items[i].frames == RATE && clips.items[i].resampler == clips.resamplers[0]);
  float peak;
  float worst = block_difference(t, &clips, &peak);
  CHECKF(worst < 1e-6f, "block size changes the resampled sound by %g", worst);
  CHECK(peak < MIXER_CEILING && peak > 0.3f);
  /* In the middle of the first spoken cue: a 1 kHz sine at the clip's level. */
  const cue *c = NULL;
  for(size_t i = 0; i < t->n_cues && !c; i++)
    if(t->cues[i].kind == CUE_SPEECH)
      c = &t->cues[i];
  if(c) {
    float mid[RATE / 10];
    mixer_render(t, &clips, NULL, 0, c->start + RATE / 2 - RATE / 20, mid, RATE / 10);
    int crossings = 0;
    for(int i = 1; i < RATE / 10; i++)
      crossings += mid[i - 1] < 0.0f && mid[i] >= 0.0f;
    CHECKF(crossings >= 99 && crossings <= 101, "%d cycles in 100 ms", crossings);
  }
  timeline_free(t);
  clip_set_free(&clips);
}

int main(void)
{
  static const char ini[] =
      "[routine]\ntitle = M\nsummary = s\nsteps = breathe\n"
      "[step breathe]\ndo = breathe\nbreaths = 6\npattern = 4-1-6-1\nguide = 2\n";
  coach_diag d;
  routine *r = NULL;
  coach_diag_init(&d, "m.ini");
  CHECK(routine_load_buffer(ini, sizeof(ini) - 1, "m", "m.ini", &r, &d) == COACH_OK);
  if(!r)
    return check_done();
  clip_set clips = {.mix_rate = RATE};
  timeline *t = NULL;
  char why[256];
  CHECK(timeline_build(r, 0, RATE, tone_speak, &clips, &t, why, sizeof(why)) == COACH_OK);
  if(!t)
    return check_done();

  float peak;
  float worst = block_difference(t, &clips, &peak);
  CHECKF(worst < 1e-6f, "block size changes the sound by %g", worst);
  CHECK(peak < MIXER_CEILING && peak > 0.3f);

  /* Breaths 1-2 are guided (speech over the tone), breath 5 is not: compare the tone's level in
   * the middle of the out-breath, away from the out-cue speech, by removing the speech. */
  const timeline_step *b = &t->steps[1];
  int64_t cyc = 12LL * RATE;
  float plain[RATE / 10], guided[RATE / 10];
  int64_t in_mid = RATE / 2 + RATE / 4; /* 0.75 s into the in-breath: speech still playing */
  /* Breath 2 (index 1), not breath 1: the opening chime still rings into the first. */
  mixer_render(t, &clips, NULL, 0, b->breath_start + cyc + in_mid, guided, RATE / 10);
  mixer_render(t, &clips, NULL, 0, b->breath_start + 4 * cyc + in_mid, plain, RATE / 10);
  /* Subtract the known speech to get the tone alone in the guided breath. */
  double e_plain = 0, e_guided = 0;
  for(int i = 0; i < RATE / 10; i++) {
    float s = (float)clips.items[0].samples[in_mid + i] * CLIP_SCALE;
    e_guided += (double)(guided[i] - s) * (guided[i] - s);
    e_plain += (double)plain[i] * plain[i];
  }
  double ratio = sqrt(e_guided / e_plain);
  CHECKF(fabs(ratio - MIXER_DUCK_LEVEL) < 0.02, "tone under speech at %.2f of its level", ratio);

  /* Past the end: silence. */
  float tail[64];
  mixer_render(t, &clips, NULL, 0, t->frames + 5, tail, 64);
  CHECK(tail[0] == 0.0f && tail[63] == 0.0f);

  /* An overlay (a `say` from a script) is mixed in where it was put. */
  mixer_overlay ov = {0, 100};
  float with[RATE], without[RATE];
  mixer_render(t, &clips, NULL, 0, 0, without, RATE);
  mixer_render(t, &clips, &ov, 1, 0, with, RATE);
  /* A quarter period of 1 kHz past the clip's middle: the sine's crest, not a zero. */
  CHECK(fabsf(with[100 + RATE / 2 + 12] - without[100 + RATE / 2 + 12]) > 0.1f);

  timeline_free(t);
  clip_set_free(&clips);
  check_resampled(r);
  routine_free(r);
  return check_done();
}
