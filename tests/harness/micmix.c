/* micmix — what a microphone in a room would pick up: spoken clips one after another, at a
 * set speech level, with room noise at a chosen signal-to-noise ratio and a faint noise floor
 * throughout. For the listening tests and benchmarks (tests/daemon/test_listen.sh,
 * tests/bench/listen): the clips come from speech synthesisers at test time.
 *
 *   micmix [options] OUT CLIP...
 *   micmix [options] --length MS OUT          only the room noise and floor, MS long (a
 *                                             room's sound to play under separate clips)
 *
 * CLIPs are WAV files (or anything libsndfile reads), mono, 16000 Hz (convert with sox
 * first). OUT is raw s16le mono 16000 Hz (what coachd's listener captures). On stdout, one
 * line per clip: "INDEX START_MS END_MS PATH", where START and END are the clip's first and
 * last samples above -45 dB relative to its own peak, in ms from the start of OUT.
 *
 * Options:
 *   --level DB    speech level of every clip: the RMS of its active 10 ms frames (those within
 *                 30 dB of the loudest), in dBFS (default -26, a voice near a laptop's mic)
 *   --snr DB      room noise this many dB under the speech level (default: no room noise)
 *   --floor DB    white noise floor in dBFS under everything (default -50): a real microphone
 *                 never gives digital silence, and pocketsphinx is confused by it
 *   --gap MS      noise between clips, and before the first and after the last (default 2000)
 *   --lead MS     noise before the first clip (default: the gap)
 *   --seed N      the noise's seed (default 1): the same arguments give the same file
 *
 * Room noise is pink noise (equal energy per octave, -3 dB per octave, Paul Kellet's filter on
 * white noise): the spectrum of ventilation, traffic through a window and distant voices
 * more than white noise's hiss. Levels are measured over the whole band, no weighting.
 * Exit status: 0, 1 for a bad clip or I/O error (with the reason), 2 for a usage error.
 */
#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 16000
#define FRAME (RATE / 100)  /* 10 ms analysis frames */
#define ACTIVE_DB 30.0      /* frames within this of the loudest count as speech */
#define EDGE_DB 45.0        /* samples within this of the peak mark the clip's start and end */

typedef struct options {
  double level_db, snr_db, floor_db;
  bool room;
  int gap_ms, lead_ms, length_ms;
  uint64_t seed;
} options;

typedef struct noise {
  uint64_t state;
  double b[7]; /* Kellet's pink filter */
} noise;

static double white(noise *n) /* uniform in [-1, 1), xorshift64* */
{
  n->state ^= n->state >> 12;
  n->state ^= n->state << 25;
  n->state ^= n->state >> 27;
  uint64_t r = n->state * 2685821657736338717ULL;
  return (double)(r >> 11) / (double)(1ULL << 52) - 1.0;
}

/* Paul Kellet's refined pink filter; its RMS for white input in [-1, 1) is about 0.53 after
 * the 0.11 scale, measured and normalised by pink_rms below. */
static double pink(noise *n)
{
  double w = white(n);
  double *b = n->b;
  b[0] = 0.99886 * b[0] + w * 0.0555179;
  b[1] = 0.99332 * b[1] + w * 0.0750759;
  b[2] = 0.96900 * b[2] + w * 0.1538520;
  b[3] = 0.86650 * b[3] + w * 0.3104856;
  b[4] = 0.55000 * b[4] + w * 0.5329522;
  b[5] = -0.7616 * b[5] - w * 0.0168980;
  double p = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362;
  b[6] = w * 0.115926;
  return p * 0.11;
}

static double pink_rms(uint64_t seed)
{
  noise n = {.state = seed * 0x9E3779B97F4A7C15ULL | 1};
  double sum = 0.0;
  const int count = 10 * RATE;
  for(int i = 0; i < count; i++) {
    double v = pink(&n);
    sum += v * v;
  }
  return sqrt(sum / count);
}

typedef struct clip {
  float *s;
  size_t n;
  size_t first, last; /* active edges */
  double rms;         /* of active frames */
} clip;

static int load_clip(const char *path, clip *c)
{
  SF_INFO info = {0};
  SNDFILE *f = sf_open(path, SFM_READ, &info);
  if(!f) {
    fprintf(stderr, "micmix: %s: %s\n", path, sf_strerror(NULL));
    return -1;
  }
  if(info.channels != 1 || info.samplerate != RATE) {
    fprintf(stderr, "micmix: %s: %d channels at %d Hz; convert it to mono %d Hz (sox IN -r %d "
                    "-c 1 OUT)\n",
            path, info.channels, info.samplerate, RATE, RATE);
    sf_close(f);
    return -1;
  }
  c->n = (size_t)info.frames;
  c->s = calloc(c->n ? c->n : 1, sizeof(float));
  if(!c->s || sf_readf_float(f, c->s, (sf_count_t)c->n) != (sf_count_t)c->n) {
    fprintf(stderr, "micmix: %s: cannot read the samples\n", path);
    sf_close(f);
    free(c->s);
    return -1;
  }
  sf_close(f);

  double peak = 0.0, loudest = 0.0;
  for(size_t i = 0; i < c->n; i++)
    peak = fmax(peak, fabs(c->s[i]));
  size_t frames = c->n / FRAME;
  for(size_t k = 0; k < frames; k++) {
    double e = 0.0;
    for(size_t i = 0; i < FRAME; i++)
      e += (double)c->s[k * FRAME + i] * c->s[k * FRAME + i];
    loudest = fmax(loudest, e / FRAME);
  }
  if(peak <= 0.0 || frames == 0) {
    fprintf(stderr, "micmix: %s: the clip is silent or shorter than 10 ms\n", path);
    free(c->s);
    return -1;
  }
  double sum = 0.0;
  size_t active = 0;
  for(size_t k = 0; k < frames; k++) {
    double e = 0.0;
    for(size_t i = 0; i < FRAME; i++)
      e += (double)c->s[k * FRAME + i] * c->s[k * FRAME + i];
    if(e / FRAME >= loudest * pow(10.0, -ACTIVE_DB / 10.0)) {
      sum += e;
      active += FRAME;
    }
  }
  c->rms = sqrt(sum / (double)active);
  double edge = peak * pow(10.0, -EDGE_DB / 20.0);
  c->first = 0;
  while(c->first < c->n && fabs(c->s[c->first]) < edge)
    c->first++;
  c->last = c->n - 1;
  while(c->last > c->first && fabs(c->s[c->last]) < edge)
    c->last--;
  return 0;
}

static int usage(void)
{
  fputs("usage: micmix [--level DB] [--snr DB] [--floor DB] [--gap MS] [--lead MS] [--seed N] "
        "OUT CLIP...\n"
        "       micmix [--level DB] [--snr DB] [--floor DB] [--seed N] --length MS OUT\n",
        stderr);
  return 2;
}

static bool parse_num(const char *s, double *out)
{
  char *end;
  errno = 0;
  *out = strtod(s, &end);
  return !errno && end != s && !*end && isfinite(*out);
}

int main(int argc, char **argv)
{
  options o = {.level_db = -26.0, .floor_db = -50.0, .gap_ms = 2000, .lead_ms = -1, .seed = 1};
  int i = 1;
  for(; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
    double v;
    if(i + 1 >= argc || !parse_num(argv[i + 1], &v))
      return usage();
    if(!strcmp(argv[i], "--level"))
      o.level_db = v;
    else if(!strcmp(argv[i], "--snr")) {
      o.snr_db = v;
      o.room = true;
    }
    else if(!strcmp(argv[i], "--floor"))
      o.floor_db = v;
    else if(!strcmp(argv[i], "--gap") && v >= 0)
      o.gap_ms = (int)v;
    else if(!strcmp(argv[i], "--lead") && v >= 0)
      o.lead_ms = (int)v;
    else if(!strcmp(argv[i], "--length") && v > 0)
      o.length_ms = (int)v;
    else if(!strcmp(argv[i], "--seed") && v >= 0)
      o.seed = (uint64_t)v;
    else
      return usage();
  }
  if(argc - i < (o.length_ms ? 1 : 2))
    return usage();
  const char *out_path = argv[i++];
  int n_clips = argc - i;
  clip *clips = calloc((size_t)n_clips + 1, sizeof(*clips));
  if(!clips)
    return 1;
  size_t gap = (size_t)o.gap_ms * RATE / 1000;
  size_t lead = o.lead_ms < 0 ? gap : (size_t)o.lead_ms * RATE / 1000;
  size_t total = o.length_ms ? (size_t)o.length_ms * RATE / 1000 : lead;
  for(int k = 0; k < n_clips; k++) {
    if(load_clip(argv[i + k], &clips[k]) != 0)
      return 1;
    if(!o.length_ms)
      total += clips[k].n + gap;
  }

  FILE *out = fopen(out_path, "wb");
  if(!out) {
    fprintf(stderr, "micmix: %s: %s\n", out_path, strerror(errno));
    return 1;
  }
  double level = pow(10.0, o.level_db / 20.0);
  double room = o.room ? level * pow(10.0, -o.snr_db / 20.0) / pink_rms(o.seed + 1) : 0.0;
  if(o.length_ms)
    n_clips = 0; /* noise only */
  /* uniform noise in [-a, a) has RMS a / sqrt(3) */
  double floor_amp = pow(10.0, o.floor_db / 20.0) * sqrt(3.0);
  noise room_noise = {.state = (o.seed + 1) * 0x9E3779B97F4A7C15ULL | 1};
  noise floor_noise = {.state = (o.seed + 2) * 0xD1B54A32D192ED03ULL | 1};
  size_t clipped = 0;
  int k = -1;
  size_t in_clip = 0, next_start = lead;
  for(size_t t = 0; t < total; t++) {
    double v = room * pink(&room_noise) + floor_amp * white(&floor_noise);
    if(k + 1 < n_clips && t == next_start) {
      k++;
      in_clip = 0;
      printf("%d %.1f %.1f %s\n", k, (t + clips[k].first) * 1000.0 / RATE,
             (t + clips[k].last + 1) * 1000.0 / RATE, argv[i + k]);
      next_start = t + clips[k].n + gap;
    }
    if(k >= 0 && in_clip < clips[k].n)
      v += clips[k].s[in_clip++] * level / clips[k].rms;
    double s = v * 32767.0;
    if(s > 32767.0 || s < -32768.0)
      clipped++;
    s = s > 32767.0 ? 32767.0 : s < -32768.0 ? -32768.0 : s;
    int16_t q = (int16_t)lrint(s);
    if(fwrite(&q, sizeof(q), 1, out) != 1) {
      fprintf(stderr, "micmix: %s: %s\n", out_path, strerror(errno));
      return 1;
    }
  }
  if(fclose(out) != 0) {
    fprintf(stderr, "micmix: %s: %s\n", out_path, strerror(errno));
    return 1;
  }
  if(clipped)
    fprintf(stderr, "micmix: %zu samples clipped; lower --level\n", clipped);
  for(int c = 0; c < n_clips; c++)
    free(clips[c].s);
  free(clips);
  return 0;
}
