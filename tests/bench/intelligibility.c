/* intelligibility — how much of every shipped routine an offline recogniser understands, per
 * voice: the word error rate of pocketsphinx's transcript of each spoken line against its
 * text (tests/harness/recognise.h has the method), per routine and for all lines, and the
 * words it missed most. A benchmark (slow: every line is synthesised and transcribed once
 * per voice), not a test; tests/bench/run intelligibility runs it.
 *
 *   intelligibility [--routines DIR] [--voice SPEC]... [--order N] [--lines]
 *
 * SPEC is "coach" (coach.ini's defaults, as a user hears them), "espeak-ng" (the espeak-ng
 * command with -v en-us: eSpeak NG as it comes, the peer), or ENGINE:NAME:RATE:PITCH (e.g.
 * espeak:en-us:175:50, flite:slt:140:50). Default: coach, espeak-ng and flite's default
 * voice at coach's rate and pitch. --order: of the language model, 1 to 3 (2; recognise.h
 * says why). --lines prints every line's transcript. Reads
 * COACH_DATA_DIR like coach does (voices/, config/routines/) and COACH_WORDS_DICT (default
 * tests/bench/words.dict beside it) for the words the CMU dictionary lacks.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "lufs.h"
#include "paths.h"
#include "recognise.h"
#include "speech.h"
#include "timeline.h"

extern char **environ;

#define ROUTINES_MAX 32
#define LINES_MAX 2048
#define VOICES_MAX 8

typedef struct line_result {
  int errors, words;
  double lufs;
  bool missed[RECOGNISE_WORDS_MAX];
} line_result;

static const char *lines[LINES_MAX]; /* every distinct line of every routine, first seen first */
static size_t n_lines;
static line_result results[VOICES_MAX][LINES_MAX];

typedef struct routine_lines {
  char name[64];
  size_t line[512]; /* indices into lines */
  size_t n;
} routine_lines;

static routine_lines routines[ROUTINES_MAX];
static size_t n_routines;

static size_t line_index(const char *text)
{
  for(size_t i = 0; i < n_lines; i++)
    if(!strcmp(lines[i], text))
      return i;
  if(n_lines == LINES_MAX) {
    fprintf(stderr, "intelligibility: more than %d lines\n", LINES_MAX);
    exit(2);
  }
  lines[n_lines] = strdup(text);
  return n_lines++;
}

/* timeline_build()'s speak function: notes the routine's lines, speaks nothing. */
static coach_rc note_line(void *ctx, const char *text, int *clip_id, int64_t *frames)
{
  routine_lines *r = ctx;
  if(r->n < sizeof(r->line) / sizeof(r->line[0]))
    r->line[r->n++] = line_index(text);
  *clip_id = 0;
  *frames = 48000;
  return COACH_OK;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_routines(const char *dir)
{
  DIR *d = opendir(dir);
  char *names[ROUTINES_MAX];
  size_t n = 0;
  struct dirent *e;
  while(d && (e = readdir(d)) && n < ROUTINES_MAX) {
    size_t len = strlen(e->d_name);
    if(len > 4 && !strcmp(e->d_name + len - 4, ".ini"))
      names[n++] = strdup(e->d_name);
  }
  if(d)
    closedir(d);
  qsort(names, n, sizeof(names[0]), cmp_str);
  for(size_t i = 0; i < n; i++) {
    char path[2048], why[512] = "";
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    routine *r = NULL;
    coach_diag diag;
    coach_diag_init(&diag, path);
    int64_t length;
    timeline *t = NULL;
    routine_lines *rl = &routines[n_routines];
    snprintf(rl->name, sizeof(rl->name), "%.*s", (int)strlen(names[i]) - 4, names[i]);
    if(routine_load(path, &r, &diag) || routine_choose_length(r, NULL, &length, why, sizeof(why)) ||
       timeline_build(r, length, 48000, note_line, rl, &t, why, sizeof(why)))
      fprintf(stderr, "intelligibility: %s left out: %s\n", path, why[0] ? why : "does not load");
    else
      n_routines++;
    timeline_free(t);
    routine_free(r);
    free(names[i]);
  }
}

/* The line as eSpeak NG's own command speaks it, into a WAV file read back. */
static coach_rc espeak_command(const char *text, const char *wav, int16_t **samples,
                               int64_t *n, int *rate)
{
  char *argv[] = {"espeak-ng", "-v", "en-us", "-w", (char *)wav, (char *)text, NULL};
  pid_t pid;
  int status;
  if(posix_spawnp(&pid, "espeak-ng", NULL, NULL, argv, environ) != 0 ||
     waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return COACH_E_SPEECH;
  SF_INFO info = {0};
  SNDFILE *f = sf_open(wav, SFM_READ, &info);
  if(!f || info.channels != 1) {
    if(f)
      sf_close(f);
    return COACH_E_IO;
  }
  int16_t *pcm = malloc((size_t)(info.frames + 1) * sizeof(*pcm));
  sf_count_t got = pcm ? sf_readf_short(f, pcm, info.frames) : 0;
  sf_close(f);
  if(!pcm)
    return COACH_E_NOMEM;
  *samples = pcm;
  *n = got;
  *rate = info.samplerate;
  return COACH_OK;
}

static double loudness(const int16_t *x, int64_t n, int rate)
{
  float *f = malloc((size_t)(n > 0 ? n : 1) * sizeof(*f));
  if(!f)
    return -HUGE_VAL;
  for(int64_t i = 0; i < n; i++)
    f[i] = x[i] / 32768.0f;
  double l = lufs_of(f, n, rate);
  free(f);
  return l;
}

typedef struct voice_spec {
  char label[160];
  bool command;        /* the espeak-ng command */
  voice_settings voice;
} voice_spec;

static bool parse_spec(const char *s, voice_spec *v)
{
  coach_config cfg;
  config_defaults(&cfg);
  memset(v, 0, sizeof(*v));
  v->voice = cfg.voice;
  if(!strcmp(s, "coach")) {
    snprintf(v->label, sizeof(v->label), "coach (%s %s, rate %d, pitch %d)",
             voice_engine_name(cfg.voice.engine), cfg.voice.name, cfg.voice.rate,
             cfg.voice.pitch);
    return true;
  }
  if(!strcmp(s, "espeak-ng")) {
    v->command = true;
    snprintf(v->label, sizeof(v->label), "`espeak-ng -v en-us`");
    return true;
  }
  char engine[16], name[64];
  int rate, pitch;
  if(sscanf(s, "%15[^:]:%63[^:]:%d:%d", engine, name, &rate, &pitch) != 4 ||
     !voice_engine_parse(engine, &v->voice.engine))
    return false;
  snprintf(v->voice.name, sizeof(v->voice.name), "%s", name);
  v->voice.rate = rate;
  v->voice.pitch = pitch;
  snprintf(v->label, sizeof(v->label), "%s %s, rate %d, pitch %d", engine, name, rate, pitch);
  return true;
}

static void pct(char *buf, size_t len, int errors, int words)
{
  snprintf(buf, len, "%.1f %%", words ? 100.0 * errors / words : 0.0);
}

int main(int argc, char **argv)
{
  char data[PATHS_MAX], dir[PATHS_MAX + 32] = "", words_dict[PATHS_MAX + 64] = "";
  voice_spec voices[VOICES_MAX];
  int n_voices = 0;
  bool show_lines = false;
  int order = 2;
  const char *src = getenv("COACH_DATA_DIR");
  if(src)
    snprintf(dir, sizeof(dir), "%s/config/routines", src);
  for(int i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--routines") && i + 1 < argc)
      snprintf(dir, sizeof(dir), "%s", argv[++i]);
    else if(!strcmp(argv[i], "--voice") && i + 1 < argc && n_voices < VOICES_MAX) {
      if(!parse_spec(argv[++i], &voices[n_voices++])) {
        fprintf(stderr, "intelligibility: bad voice \"%s\" (coach, espeak-ng or "
                        "ENGINE:NAME:RATE:PITCH)\n", argv[i]);
        return 2;
      }
    }
    else if(!strcmp(argv[i], "--lines"))
      show_lines = true;
    else if(!strcmp(argv[i], "--order") && i + 1 < argc && atoi(argv[i + 1]) >= 1 &&
            atoi(argv[i + 1]) <= 3)
      order = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: intelligibility [--routines DIR] [--voice SPEC]... [--order N] "
                      "[--lines]\n");
      return 2;
    }
  }
  if(!n_voices) {
    coach_config cfg;
    config_defaults(&cfg);
    char flite[96];
    snprintf(flite, sizeof(flite), "flite:slt:%d:%d", cfg.voice.rate, cfg.voice.pitch);
    parse_spec("coach", &voices[n_voices++]);
    parse_spec("espeak-ng", &voices[n_voices++]);
    parse_spec(flite, &voices[n_voices++]);
  }
  if(!dir[0]) {
    fprintf(stderr, "intelligibility: set COACH_DATA_DIR or give --routines\n");
    return 2;
  }
  if(getenv("COACH_WORDS_DICT"))
    snprintf(words_dict, sizeof(words_dict), "%s", getenv("COACH_WORDS_DICT"));
  else if(src)
    snprintf(words_dict, sizeof(words_dict), "%s/tests/bench/words.dict", src);
  load_routines(dir);

  char tmp[] = "/tmp/coach-intelligibility.XXXXXX", lm[64], dict[64], wav[64];
  if(!mkdtemp(tmp)) {
    fprintf(stderr, "intelligibility: mkdtemp: %s\n", strerror(errno));
    return 1;
  }
  snprintf(lm, sizeof(lm), "%s/routines.lm", tmp);
  snprintf(dict, sizeof(dict), "%s/routines.dict", tmp);
  snprintf(wav, sizeof(wav), "%s/line.wav", tmp);
  char missing[2048], why[512] = "";
  recogniser *rec = NULL;
  speech *sp = NULL;
  int status = 1;
  if(recognise_build(lines, n_lines, order, RECOGNISE_SYSTEM_DICT, words_dict[0] ? words_dict : NULL,
                     lm, dict, missing, sizeof(missing), why, sizeof(why)) ||
     recogniser_open(lm, dict, &rec, why, sizeof(why))) {
    fprintf(stderr, "intelligibility: %s\n", why);
    goto done;
  }
  if(missing[0])
    fprintf(stderr, "intelligibility: no pronunciation for: %s (add them to %s)\n", missing,
            words_dict);
  const char *voices_dir = paths_voices(data, sizeof(data)) == COACH_OK ? data : NULL;
  if(speech_open(voices_dir, &sp, why, sizeof(why))) {
    fprintf(stderr, "intelligibility: %s\n", why);
    goto done;
  }

  for(int v = 0; v < n_voices; v++) {
    if(!voices[v].command && speech_set_voice(sp, &voices[v].voice, why, sizeof(why))) {
      fprintf(stderr, "intelligibility: %s: %s\n", voices[v].label, why);
      goto done;
    }
    for(size_t i = 0; i < n_lines; i++) {
      int16_t *pcm = NULL;
      int64_t n = 0;
      int rate = 0;
      char hyp[4096] = "";
      coach_rc rc = voices[v].command ? espeak_command(lines[i], wav, &pcm, &n, &rate)
                                      : speech_synth(sp, lines[i], &pcm, &n, &rate);
      if(!rc)
        rc = recogniser_hear(rec, pcm, n, rate, hyp, sizeof(hyp));
      line_result *r = &results[v][i];
      r->lufs = rc ? -HUGE_VAL : loudness(pcm, n, rate);
      free(pcm);
      if(rc)
        fprintf(stderr, "intelligibility: %s: \"%s\": %s\n", voices[v].label, lines[i],
                coach_rc_str(rc));
      r->errors = recognise_errors(lines[i], hyp, &r->words, r->missed);
      if(show_lines)
        printf("%s | %s | %s | %d/%d\n", voices[v].label, lines[i], hyp, r->errors, r->words);
    }
  }

  printf("| routine | words |");
  for(int v = 0; v < n_voices; v++)
    printf(" %s |", voices[v].label);
  printf("\n|---|---|");
  for(int v = 0; v < n_voices; v++)
    printf("---|");
  printf("\n");
  for(size_t k = 0; k <= n_routines; k++) {
    bool all = k == n_routines;
    size_t count = all ? n_lines : routines[k].n;
    int words = 0;
    for(size_t j = 0; j < count; j++)
      words += results[0][all ? j : routines[k].line[j]].words;
    printf("| %s | %d |", all ? "**every line once**" : routines[k].name, words);
    for(int v = 0; v < n_voices; v++) {
      int errors = 0;
      char p[32];
      for(size_t j = 0; j < count; j++)
        errors += results[v][all ? j : routines[k].line[j]].errors;
      pct(p, sizeof(p), errors, words);
      printf(" %s |", p);
    }
    printf("\n");
  }
  /* The words heard wrong most often, and how loud the lines were. */
  for(int v = 0; v < n_voices; v++) {
    char words[RECOGNISE_WORDS_MAX][RECOGNISE_WORD_MAX];
    char seen[512][RECOGNISE_WORD_MAX];
    int said[512] = {0}, wrong[512] = {0}, n_seen = 0;
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for(size_t i = 0; i < n_lines; i++) {
      int n = recognise_words(lines[i], words, RECOGNISE_WORDS_MAX);
      for(int w = 0; w < n; w++) {
        int s = 0;
        while(s < n_seen && strcmp(seen[s], words[w]))
          s++;
        if(s == n_seen && n_seen < 512)
          memcpy(seen[n_seen++], words[w], RECOGNISE_WORD_MAX);
        if(s < n_seen) {
          said[s]++;
          wrong[s] += results[v][i].missed[w];
        }
      }
      if(isfinite(results[v][i].lufs)) {
        lo = fmin(lo, results[v][i].lufs);
        hi = fmax(hi, results[v][i].lufs);
      }
    }
    printf("\n%s: line loudness %.1f .. %.1f LUFS; missed most:", voices[v].label, lo, hi);
    for(int top = 0; top < 8; top++) {
      int best = -1;
      for(int s = 0; s < n_seen; s++)
        if(wrong[s] > 0 && (best < 0 || wrong[s] > wrong[best]))
          best = s;
      if(best < 0)
        break;
      printf("%s \"%s\" %d of %d", top ? "," : "", seen[best], wrong[best], said[best]);
      wrong[best] = -1;
    }
    printf("\n");
  }
  status = 0;
done:
  recogniser_close(rec);
  speech_close(sp);
  remove(lm);
  remove(dict);
  remove(wav);
  rmdir(tmp);
  return status;
}
