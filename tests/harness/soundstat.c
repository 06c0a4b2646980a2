/* soundstat — answers questions about a recording for the daemon tests: raw s16le, 48000 Hz,
 * mono, no header (what pulse.sh's record_start writes). Times are ms from the start of the
 * file, the clock pulse.sh's record_ms gives a test.
 *
 *   soundstat [options] FILE                     seconds, peak and RMS of the whole file
 *   soundstat [options] FILE windows             "t_ms rms peak" per window (-w, 50 ms)
 *   soundstat [options] FILE loud-between A B    exit 0 if a sample in [A, B) is loud
 *   soundstat [options] FILE quiet-between A B   exit 0 if no sample in [A, B) is loud
 *   soundstat [options] FILE onset-after T       prints the ms of the first loud sample >= T
 *   soundstat [options] FILE silence-after T     prints the ms where the first quiet run of at
 *                                                least -q ms (100) begins, at or after T
 *   soundstat [options] FILE gaps A B            prints each quiet run of at least -q ms that
 *                                                has sound on both sides within [A, B);
 *                                                exit 0 if there is none (dropout check for
 *                                                a continuous tone: use -q 3)
 *   soundstat [options] FILE match REF R0 LEN A B
 *                                                finds where REF's [R0, R0 + LEN) ms best
 *                                                matches FILE, starting between A and B ms
 *                                                (every sample offset); prints "MS CORR
 *                                                MAXDIFF": where, the normalised correlation,
 *                                                and the largest sample difference there
 *   soundstat --tone MS                          writes MS ms of a 440 Hz sine at half scale
 *                                                to stdout, in the same format (a reference
 *                                                sound for tests, without sox)
 * FILE and REF may also be 16-bit mono 48 kHz WAV files (what `coach render x.wav` writes).
 * Options: -t N  loud means |sample| > N (16-bit units, default 300, about -41 dBFS)
 *          -q MS minimum quiet run for silence-after and gaps (default 100)
 *          -w MS window for windows (default 50)
 * Exit status: 0 yes / found, 1 no / not found (with the reason on stderr), 2 usage or I/O.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000

typedef struct sound {
  int16_t *s;
  size_t n;
} sound;

static int threshold = 300;
static double quiet_ms = 100.0, window_ms = 50.0;

static int usage(void)
{
  fputs("usage: soundstat [-t N] [-q MS] [-w MS] FILE "
        "[windows | loud-between A B | quiet-between A B | onset-after T | silence-after T |"
        " gaps A B | match REF R0 LEN A B]\n"
        "       soundstat --tone MS > FILE\n",
        stderr);
  return 2;
}

static uint32_t le32(const unsigned char *b)
{
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* A WAV file: where its samples are (*at, *len), after checking they are 16-bit mono at
 * RATE. Raw data (no RIFF header) is all samples. -1 with a message for another WAV. */
static int wav_data(const char *path, const unsigned char *b, size_t n, size_t *at, size_t *len)
{
  size_t pos = 12;
  int fmt_ok = 0;
  if(n < 12 || memcmp(b, "RIFF", 4) || memcmp(b + 8, "WAVE", 4))
    return 0;
  while(pos + 8 <= n) {
    size_t size = le32(b + pos + 4);
    if(!memcmp(b + pos, "fmt ", 4) && pos + 8 + 16 <= n) {
      const unsigned char *f = b + pos + 8;
      fmt_ok = (f[0] | f[1] << 8) == 1 && (f[2] | f[3] << 8) == 1 && le32(f + 4) == RATE &&
               (f[14] | f[15] << 8) == 16;
    }
    if(!memcmp(b + pos, "data", 4)) {
      if(!fmt_ok) {
        fprintf(stderr, "soundstat: %s: not 16-bit mono %d Hz PCM\n", path, RATE);
        return -1;
      }
      *at = pos + 8;
      *len = size < n - *at ? size : n - *at;
      return 0;
    }
    pos += 8 + size + (size & 1);
  }
  fprintf(stderr, "soundstat: %s: a WAV file without samples\n", path);
  return -1;
}

static int load(const char *path, sound *snd)
{
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t len = 0, cap = 0, got, i;

  if(!f) {
    fprintf(stderr, "soundstat: %s: %s\n", path, strerror(errno));
    return -1;
  }
  /* Read to the end rather than trusting the size: the recorder may still be writing. */
  do {
    if(cap - len < 65536) {
      unsigned char *nb;
      cap = cap ? cap * 2 : 1 << 20;
      nb = realloc(buf, cap);
      if(!nb) {
        free(buf);
        fclose(f);
        fputs("soundstat: out of memory\n", stderr);
        return -1;
      }
      buf = nb;
    }
    got = fread(buf + len, 1, cap - len, f);
    len += got;
  } while(got);
  fclose(f);

  size_t at = 0;
  if(wav_data(path, buf, len, &at, &len)) {
    free(buf);
    return -1;
  }
  snd->n = len / 2;
  snd->s = malloc((snd->n ? snd->n : 1) * sizeof(int16_t));
  if(!snd->s) {
    free(buf);
    fputs("soundstat: out of memory\n", stderr);
    return -1;
  }
  for(i = 0; i < snd->n; i++) /* little-endian on any host */
    snd->s[i] = (int16_t)(uint16_t)(buf[at + 2 * i] | (buf[at + 2 * i + 1] << 8));
  free(buf);
  return 0;
}

static int parse_ms(const char *text, double *ms)
{
  char *end;
  errno = 0;
  *ms = strtod(text, &end);
  if(errno || end == text || *end || *ms < 0) {
    fprintf(stderr, "soundstat: not a time in ms: \"%s\"\n", text);
    return -1;
  }
  return 0;
}

static size_t frame_at(const sound *snd, double ms)
{
  double f = ms * RATE / 1000.0;
  if(f >= (double)snd->n)
    return snd->n;
  return (size_t)f;
}

static double ms_of(size_t frame)
{
  return (double)frame * 1000.0 / RATE;
}

static int loud(int16_t v)
{
  return abs((int)v) > threshold;
}

static double dbfs(double v)
{
  return v > 0 ? 20.0 * log10(v / 32768.0) : -INFINITY;
}

static int summary(const sound *snd)
{
  size_t i;
  int peak = 0;
  double sum = 0, rms;

  for(i = 0; i < snd->n; i++) {
    int a = abs((int)snd->s[i]);
    if(a > peak)
      peak = a;
    sum += (double)snd->s[i] * snd->s[i];
  }
  rms = snd->n ? sqrt(sum / (double)snd->n) : 0;
  printf("seconds %.3f\npeak %d (%.1f dBFS)\nrms %.0f (%.1f dBFS)\n", (double)snd->n / RATE, peak,
         dbfs(peak), rms, dbfs(rms));
  return 0;
}

static int windows(const sound *snd)
{
  size_t w = (size_t)(window_ms * RATE / 1000.0), at, i;

  if(!w)
    w = 1;
  for(at = 0; at < snd->n; at += w) {
    size_t end = at + w < snd->n ? at + w : snd->n;
    double sum = 0;
    int peak = 0;
    for(i = at; i < end; i++) {
      int a = abs((int)snd->s[i]);
      if(a > peak)
        peak = a;
      sum += (double)snd->s[i] * snd->s[i];
    }
    printf("%.0f %.0f %d\n", ms_of(at), sqrt(sum / (double)(end - at)), peak);
  }
  return 0;
}

/* First loud frame in [from, to), or to. */
static size_t find_loud(const sound *snd, size_t from, size_t to)
{
  while(from < to && !loud(snd->s[from]))
    from++;
  return from;
}

static int between(const sound *snd, double a, double b, int want_loud)
{
  size_t from = frame_at(snd, a), to = frame_at(snd, b), hit;

  if(b > ms_of(snd->n)) {
    fprintf(stderr, "soundstat: the recording ends at %.1f ms, before %.1f\n", ms_of(snd->n), b);
    return 1;
  }
  hit = find_loud(snd, from, to);
  if(want_loud) {
    if(hit < to)
      return 0;
    fprintf(stderr, "soundstat: quiet from %.1f to %.1f ms\n", a, b);
    return 1;
  }
  if(hit == to)
    return 0;
  fprintf(stderr, "soundstat: loud at %.1f ms (sample %d)\n", ms_of(hit), snd->s[hit]);
  return 1;
}

static int onset_after(const sound *snd, double t)
{
  size_t hit = find_loud(snd, frame_at(snd, t), snd->n);
  if(hit == snd->n) {
    fprintf(stderr, "soundstat: no sound after %.1f ms\n", t);
    return 1;
  }
  printf("%.1f\n", ms_of(hit));
  return 0;
}

static size_t quiet_frames(void)
{
  size_t q = (size_t)(quiet_ms * RATE / 1000.0);
  return q ? q : 1;
}

static int silence_after(const sound *snd, double t)
{
  size_t need = quiet_frames(), run = 0, i;

  for(i = frame_at(snd, t); i < snd->n; i++) {
    run = loud(snd->s[i]) ? 0 : run + 1;
    if(run >= need) {
      printf("%.1f\n", ms_of(i + 1 - run));
      return 0;
    }
  }
  fprintf(stderr, "soundstat: no %.0f ms of silence after %.1f ms\n", quiet_ms, t);
  return 1;
}

static int gaps(const sound *snd, double a, double b)
{
  size_t from = frame_at(snd, a), to = frame_at(snd, b), need = quiet_frames(), i, count = 0;
  size_t run = 0;
  int seen_loud = 0;

  for(i = from; i < to; i++) {
    if(loud(snd->s[i])) {
      if(seen_loud && run >= need) {
        printf("gap %.1f %.1f\n", ms_of(i - run), ms_of(run));
        count++;
      }
      seen_loud = 1;
      run = 0;
    } else
      run++;
  }
  if(count)
    fprintf(stderr, "soundstat: %zu gaps of %.0f ms or more between %.1f and %.1f ms\n", count,
            quiet_ms, a, b);
  return count ? 1 : 0;
}

/* Where ref[r0, r0 + n) best matches snd, starting in [from, to). */
static int match(const sound *snd, const sound *ref, double r0_ms, double len_ms, double a,
                 double b)
{
  size_t r0 = frame_at(ref, r0_ms), n = (size_t)(len_ms * RATE / 1000.0);
  size_t from = frame_at(snd, a), to = frame_at(snd, b), best = from, d, i;
  double best_corr = -2, ref_energy = 0;
  int maxdiff = 0;

  if(r0 + n > ref->n || to + n > snd->n || n == 0) {
    fprintf(stderr, "soundstat: match: the reference or the recording is too short\n");
    return 1;
  }
  for(i = 0; i < n; i++)
    ref_energy += (double)ref->s[r0 + i] * ref->s[r0 + i];
  for(d = from; d <= to; d++) {
    double dot = 0, energy = 0;
    for(i = 0; i < n; i++) {
      dot += (double)snd->s[d + i] * ref->s[r0 + i];
      energy += (double)snd->s[d + i] * snd->s[d + i];
    }
    double corr = energy > 0 && ref_energy > 0 ? dot / sqrt(energy * ref_energy) : 0;
    if(corr > best_corr) {
      best_corr = corr;
      best = d;
    }
  }
  for(i = 0; i < n; i++) {
    int diff = abs((int)snd->s[best + i] - (int)ref->s[r0 + i]);
    if(diff > maxdiff)
      maxdiff = diff;
  }
  printf("%.3f %.6f %d\n", ms_of(best), best_corr, maxdiff);
  return 0;
}

static int tone(double ms)
{
  size_t n = (size_t)(ms * RATE / 1000.0), i;
  for(i = 0; i < n; i++) {
    int v = (int)lrint(16384.0 * sin(2.0 * M_PI * 440.0 * (double)i / RATE));
    putchar(v & 0xff);
    putchar((v >> 8) & 0xff);
  }
  return fflush(stdout) ? 2 : 0;
}

int main(int argc, char **argv)
{
  sound snd = {0};
  int i = 1, rc = 2;
  double a = 0, b = 0;
  const char *path, *query;

  if(argc == 3 && !strcmp(argv[1], "--tone"))
    return parse_ms(argv[2], &a) ? 2 : tone(a);

  for(; i + 1 < argc && argv[i][0] == '-' && argv[i][1] && !argv[i][2]; i += 2) {
    char *end;
    double v = strtod(argv[i + 1], &end);
    if(*end || v <= 0)
      return usage();
    switch(argv[i][1]) {
    case 't': threshold = (int)v; break;
    case 'q': quiet_ms = v; break;
    case 'w': window_ms = v; break;
    default: return usage();
    }
  }
  if(i >= argc)
    return usage();
  path = argv[i++];
  query = i < argc ? argv[i++] : NULL;

  if(query && !strcmp(query, "match")) {
    sound ref = {0};
    double r0, len;
    if(argc - i != 5 || parse_ms(argv[i + 1], &r0) || parse_ms(argv[i + 2], &len) ||
       parse_ms(argv[i + 3], &a) || parse_ms(argv[i + 4], &b) || b < a)
      return usage();
    if(load(path, &snd) || load(argv[i], &ref))
      return 2;
    rc = match(&snd, &ref, r0, len, a, b);
    free(snd.s);
    free(ref.s);
    return rc;
  }
  if(query) {
    int nargs = !strcmp(query, "windows")                                         ? 0
                : !strcmp(query, "onset-after") || !strcmp(query, "silence-after") ? 1
                : !strcmp(query, "loud-between") || !strcmp(query, "quiet-between") ||
                        !strcmp(query, "gaps")
                    ? 2
                    : -1;
    if(nargs < 0 || argc - i != nargs)
      return usage();
    if(nargs >= 1 && parse_ms(argv[i], &a))
      return 2;
    if(nargs == 2 && (parse_ms(argv[i + 1], &b) || b < a))
      return 2;
  }
  if(load(path, &snd))
    return 2;

  if(!query)
    rc = summary(&snd);
  else if(!strcmp(query, "windows"))
    rc = windows(&snd);
  else if(!strcmp(query, "loud-between"))
    rc = between(&snd, a, b, 1);
  else if(!strcmp(query, "quiet-between"))
    rc = between(&snd, a, b, 0);
  else if(!strcmp(query, "onset-after"))
    rc = onset_after(&snd, a);
  else if(!strcmp(query, "silence-after"))
    rc = silence_after(&snd, a);
  else if(!strcmp(query, "gaps"))
    rc = gaps(&snd, a, b);
  free(snd.s);
  return rc;
}
