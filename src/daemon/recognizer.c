#include "recognizer.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pocketsphinx.h>

#define FRAME 160            /* 10 ms: pocketsphinx's frame shift */
#define RING 1024            /* frames of level history (10 s) */
#define FLOOR_FRAMES 300     /* the quiet level is the lowest of the last 3 s */
#define QUIET_DB 8.0         /* a frame within this of the quiet level is quiet */
#define BEFORE_FRAMES 30     /* quiet before the wake word ... */
#define BEFORE_SKIP 10       /* ... ending this long before the spotted start (its onset) */
#define BEFORE_QUIET 0.8     /* fraction of those frames that must be quiet */
#define END_FRAMES 12        /* quiet that ends an utterance */
#define TAIL_FRAMES 25       /* the utterance ends at most this long after the phrase */
#define TAIL_EARLY 10        /* ... or this much before its spotted end (a soft ending) */
#define REPORT_FRAMES 26     /* the spotter reports a phrase this long after its end */
#define GIVE_UP_FRAMES 300   /* an utterance that never ends is decided on after 3 s */
#define CANDIDATES_MAX 64
#define HIGH_PASS_HZ 300.0

typedef struct candidate {
  int phrase;
  int sf, ef;
  double score;
} candidate;

struct recognizer {
  ps_decoder_t *ps;
  cmd_ln_t *config;
  phrase_list phrases;
  int dict_fd, kws_fd;
  int16_t pending[FRAME];
  size_t n_pending;
  int64_t frames;            /* fed to pocketsphinx since the start */
  float level[RING];         /* dB per frame, high-passed */
  double hp_b[3], hp_a[3], hp_x[2], hp_y[2];
  candidate cand[CANDIDATES_MAX];
  int n_cand;
};

/* A memory file pocketsphinx can open by name (/proc/self/fd/N): the list of phrases to spot
 * and the small dictionary are never written to disk. */
static int memory_file(const char *name, const char *data, size_t len)
{
  int fd = memfd_create(name, MFD_CLOEXEC);
  if(fd < 0)
    return -1;
  size_t done = 0;
  while(done < len) {
    ssize_t w = write(fd, data + done, len - done);
    if(w < 0 && errno == EINTR)
      continue;
    if(w <= 0) {
      close(fd);
      return -1;
    }
    done += (size_t)w;
  }
  return fd;
}

static bool word_needed(const phrase_list *list, const char *word, size_t n)
{
  for(int i = 0; i < list->count; i++)
    for(const char *w = list->items[i].words; *w;) {
      size_t len = strcspn(w, " ");
      if(len == n && !memcmp(w, word, n))
        return true;
      w += len;
      w += *w == ' ';
    }
  return false;
}

/* The dictionary's lines for the phrases' words (with their alternative pronunciations,
 * "resume(2)"), into a memory file; the first word the dictionary lacks is reported. */
static coach_rc small_dictionary(const char *model_dir, const phrase_list *list,
                                 const char *phrases_file, int *fd_out, char *why,
                                 size_t why_len)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/cmudict-en-us.dict", model_dir);
  FILE *f = fopen(path, "re");
  if(!f) {
    coach_why(why, why_len, "no speech model: cannot open %s (%s); install Debian's "
              "pocketsphinx-en-us, or set [listen] model in coach.ini", path, strerror(errno));
    return COACH_E_NOTFOUND;
  }
  char *out = NULL, *line = NULL;
  size_t out_len = 0, cap = 0;
  FILE *mem = open_memstream(&out, &out_len);
  coach_rc rc = mem ? COACH_OK : COACH_E_NOMEM;
  while(!rc && getline(&line, &cap, f) > 0) {
    size_t n = strcspn(line, " \t(");
    if(word_needed(list, line, n))
      fputs(line, mem);
  }
  free(line);
  fclose(f);
  if(mem && fclose(mem) != 0)
    rc = COACH_E_NOMEM;
  for(int i = 0; !rc && i < list->count; i++)
    for(const char *w = list->items[i].words; *w && !rc;) {
      size_t len = strcspn(w, " ");
      bool found = false;
      for(const char *l = out; l && *l && !found; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "")
        found = !strncmp(l, w, len) && (l[len] == ' ' || l[len] == '\t' || l[len] == '(');
      if(!found) {
        coach_why(why, why_len, "%s:%d: the speech model does not know the word \"%.*s\" "
                  "(it is not in %s); use another word", phrases_file ? phrases_file : "phrases",
                  list->items[i].line, (int)len, w, path);
        rc = COACH_E_NOTFOUND;
      }
      w += len;
      w += *w == ' ';
    }
  if(!rc) {
    *fd_out = memory_file("coach-dict", out, out_len);
    if(*fd_out < 0) {
      coach_why(why, why_len, "cannot make the speech dictionary: %s", strerror(errno));
      rc = COACH_E_IO;
    }
  }
  free(out);
  return rc;
}

static void high_pass_init(recognizer *r)
{
  /* 2nd-order Butterworth (RBJ's cookbook) */
  double w = 2.0 * M_PI * HIGH_PASS_HZ / RECOGNIZER_RATE, alpha = sin(w) / (2.0 * M_SQRT1_2);
  double c = cos(w), a0 = 1.0 + alpha;
  r->hp_b[0] = (1.0 + c) / 2.0 / a0;
  r->hp_b[1] = -(1.0 + c) / a0;
  r->hp_b[2] = r->hp_b[0];
  r->hp_a[1] = -2.0 * c / a0;
  r->hp_a[2] = (1.0 - alpha) / a0;
}

coach_rc recognizer_new(const char *model_dir, const phrase_list *phrases,
                        const char *phrases_file, recognizer **out, char *why, size_t why_len)
{
  if(!model_dir || !*model_dir)
    model_dir = RECOGNIZER_MODEL_DIR;
  recognizer *r = calloc(1, sizeof(*r));
  if(!r)
    return COACH_E_NOMEM;
  r->phrases = *phrases;
  r->dict_fd = r->kws_fd = -1;
  high_pass_init(r);
  char hmm[4096], mdef[4200], dict[64], kws[64];
  snprintf(hmm, sizeof(hmm), "%s/en-us", model_dir);
  snprintf(mdef, sizeof(mdef), "%s/mdef", hmm);
  coach_rc rc = COACH_OK;
  if(access(mdef, R_OK) != 0) {
    coach_why(why, why_len, "no speech model: %s is missing; install Debian's "
              "pocketsphinx-en-us, or set [listen] model in coach.ini", mdef);
    rc = COACH_E_NOTFOUND;
    goto fail;
  }
  rc = small_dictionary(model_dir, phrases, phrases_file, &r->dict_fd, why, why_len);
  if(rc)
    goto fail;
  /* Every phrase is spotted leniently (-kws_threshold); the real threshold is applied per
   * frame in decide(), which compares phrases of different lengths fairly. */
  char list[PHRASES_MAX * (PHRASES_TEXT_MAX + 1)];
  size_t used = 0;
  for(int i = 0; i < phrases->count; i++)
    used += (size_t)snprintf(list + used, sizeof(list) - used, "%s\n", phrases->items[i].words);
  r->kws_fd = memory_file("coach-phrases", list, used);
  if(r->kws_fd < 0) {
    coach_why(why, why_len, "cannot list the phrases for the recogniser: %s", strerror(errno));
    rc = COACH_E_IO;
    goto fail;
  }
  snprintf(dict, sizeof(dict), "/proc/self/fd/%d", r->dict_fd);
  snprintf(kws, sizeof(kws), "/proc/self/fd/%d", r->kws_fd);
  /* -remove_silence no: with pocketsphinx's own silence removal a phrase at the end of an
   * utterance is reported only when the next one begins. -kws_plp and -beam: a less
   * likely phone loop and a wider beam spot synthetic and noisy voices far more often (the
   * per-frame threshold and the utterance checks keep the mistakes out; README). */
  r->config = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", hmm, "-dict", dict, "-kws", kws,
                          "-kws_threshold", "1e-80", "-kws_plp", "1e-5", "-beam", "1e-80",
                          "-remove_silence", "no", "-samprate", "16000", "-logfn", "/dev/null",
                          NULL);
  r->ps = r->config ? ps_init(r->config) : NULL;
  if(!r->ps) {
    coach_why(why, why_len, "pocketsphinx cannot load the speech model in %s", hmm);
    rc = COACH_E_NOTFOUND;
    goto fail;
  }
  ps_start_utt(r->ps);
  *out = r;
  return COACH_OK;
fail:
  recognizer_free(r);
  return rc;
}

void recognizer_free(recognizer *r)
{
  if(!r)
    return;
  if(r->ps)
    ps_free(r->ps);
  if(r->config)
    cmd_ln_free_r(r->config);
  if(r->dict_fd >= 0)
    close(r->dict_fd);
  if(r->kws_fd >= 0)
    close(r->kws_fd);
  free(r);
}

static double level_at(const recognizer *r, int64_t frame)
{
  return r->level[frame % RING];
}

/* The level under which a frame counts as quiet, judged over the 3 s before `at`. */
static double quiet_below(const recognizer *r, int64_t at)
{
  double lowest = 1e9;
  for(int64_t k = at - FLOOR_FRAMES; k < at; k++)
    if(k >= 0 && r->frames - k < RING && level_at(r, k) < lowest)
      lowest = level_at(r, k);
  return lowest + QUIET_DB;
}

static void add_candidates(recognizer *r)
{
  for(ps_seg_t *seg = ps_seg_iter(r->ps); seg; seg = ps_seg_next(seg)) {
    int sf, ef, idx = -1;
    int32 ascr, lscr, lback;
    ps_seg_frames(seg, &sf, &ef);
    int32 prob = ps_seg_prob(seg, &ascr, &lscr, &lback);
    const char *word = ps_seg_word(seg);
    size_t len = strlen(word);
    while(len && word[len - 1] == ' ') /* pocketsphinx keeps the line's trailing blanks */
      len--;
    for(int i = 0; i < r->phrases.count && idx < 0; i++)
      if(strlen(r->phrases.items[i].words) == len && !strncmp(r->phrases.items[i].words, word, len))
        idx = i;
    bool known = idx < 0 || ef <= sf;
    for(int i = 0; i < r->n_cand && !known; i++)
      known = r->cand[i].phrase == idx && r->cand[i].sf == sf && r->cand[i].ef == ef;
    if(!known && r->n_cand < CANDIDATES_MAX)
      r->cand[r->n_cand++] = (candidate){idx, sf, ef, (double)prob / (ef - sf)};
  }
}

/* The candidate to act on once the utterance ended at frame `end`, or -1. */
static int best_candidate(const recognizer *r, int64_t end)
{
  int best = -1;
  for(int i = 0; i < r->n_cand; i++) {
    const candidate *c = &r->cand[i];
    if(c->score < r->phrases.items[c->phrase].threshold)
      continue;
    int64_t tail = end - c->ef;
    if(tail < -TAIL_EARLY || tail > TAIL_FRAMES)
      continue; /* more was said after it (or it ends inside what was said) */
    double below = quiet_below(r, c->sf);
    int quiet = 0, counted = 0;
    for(int64_t k = c->sf - BEFORE_SKIP - BEFORE_FRAMES; k < c->sf - BEFORE_SKIP; k++)
      if(k >= 0 && r->frames - k < RING) {
        counted++;
        quiet += level_at(r, k) < below;
      }
    if(counted && quiet < BEFORE_QUIET * counted)
      continue; /* something was being said when the wake word began */
    if(best < 0 || c->score > r->cand[best].score)
      best = i;
  }
  return best;
}

/* One 10 ms frame: its level, the spotter, and a decision once an utterance with candidates
 * is over. */
static int feed_frame(recognizer *r, int16_t *frame, recognizer_heard *heard)
{
  double energy = 0.0;
  for(int i = 0; i < FRAME; i++) {
    double x = frame[i];
    double y = r->hp_b[0] * x + r->hp_b[1] * r->hp_x[0] + r->hp_b[2] * r->hp_x[1] -
               r->hp_a[1] * r->hp_y[0] - r->hp_a[2] * r->hp_y[1];
    r->hp_x[1] = r->hp_x[0];
    r->hp_x[0] = x;
    r->hp_y[1] = r->hp_y[0];
    r->hp_y[0] = y;
    energy += y * y;
  }
  r->level[r->frames % RING] = (float)(10.0 * log10(energy / FRAME + 1.0));
  r->frames++;
  ps_process_raw(r->ps, frame, FRAME, FALSE, FALSE);
  add_candidates(r);
  if(!r->n_cand)
    return 0;
  int last_ef = 0;
  for(int i = 0; i < r->n_cand; i++)
    if(r->cand[i].ef > last_ef)
      last_ef = r->cand[i].ef;
  /* Where the quiet that goes on now began: the end of the utterance, if long enough. */
  double below = quiet_below(r, r->frames);
  int64_t end = r->frames;
  while(end > 0 && r->frames - end < RING - 1 && level_at(r, end - 1) < below)
    end--;
  int64_t quiet = r->frames - end;
  bool over = quiet >= END_FRAMES && quiet >= REPORT_FRAMES && end >= last_ef - TAIL_EARLY;
  if(!over && r->frames < last_ef + GIVE_UP_FRAMES)
    return 0;
  int best = best_candidate(r, over ? end : r->frames);
  int found = 0;
  if(best >= 0) {
    *heard = (recognizer_heard){.phrase = r->cand[best].phrase, .score = r->cand[best].score,
                                .end_sample = (int64_t)r->cand[best].ef * FRAME,
                                .decided_at = r->frames * FRAME};
    found = 1;
  }
  recognizer_reset(r);
  return found;
}

int recognizer_feed(recognizer *r, const int16_t *samples, size_t n, recognizer_heard *heard)
{
  int found = 0;
  while(n) {
    size_t take = FRAME - r->n_pending;
    if(take > n)
      take = n;
    memcpy(r->pending + r->n_pending, samples, take * sizeof(*samples));
    r->n_pending += take;
    samples += take;
    n -= take;
    if(r->n_pending == FRAME) {
      r->n_pending = 0;
      if(!found)
        found = feed_frame(r, r->pending, heard);
      else {
        recognizer_heard later;
        feed_frame(r, r->pending, &later); /* one decision a call: an utterance takes longer */
      }
    }
  }
  return found;
}

void recognizer_reset(recognizer *r)
{
  r->n_cand = 0;
  ps_end_utt(r->ps);
  ps_start_utt(r->ps);
}
