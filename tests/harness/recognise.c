#include "recognise.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pocketsphinx.h>

#include "lufs.h"
#include "resample.h"

/* ---- words -------------------------------------------------------------------------- */

static const char *const ones[] = {"zero", "one", "two", "three", "four", "five", "six",
                                   "seven", "eight", "nine", "ten", "eleven", "twelve",
                                   "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                                   "eighteen", "nineteen"};
static const char *const tens[] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty",
                                   "seventy", "eighty", "ninety"};

static int add_word(char (*words)[RECOGNISE_WORD_MAX], int n, int max, const char *w)
{
  if(n < max)
    snprintf(words[n], RECOGNISE_WORD_MAX, "%s", w);
  return n + 1;
}

/* v (0..999) as words, the way eSpeak NG and flite read a number. */
static int number_words(long v, char (*words)[RECOGNISE_WORD_MAX], int n, int max)
{
  if(v >= 100) {
    n = add_word(words, n, max, ones[v / 100]);
    n = add_word(words, n, max, "hundred");
    v %= 100;
    if(!v)
      return n;
  }
  if(v < 20)
    return add_word(words, n, max, ones[v]);
  n = add_word(words, n, max, tens[v / 10]);
  return v % 10 ? add_word(words, n, max, ones[v % 10]) : n;
}

int recognise_words(const char *text, char (*words)[RECOGNISE_WORD_MAX], int max)
{
  int n = 0;
  const char *p = text;
  while(*p) {
    if(isdigit((unsigned char)*p)) {
      char *end;
      long v = strtol(p, &end, 10);
      n = number_words(v < 1000 ? v : 999, words, n, max);
      p = end;
      continue;
    }
    if(!isalpha((unsigned char)*p)) {
      p++;
      continue;
    }
    char w[RECOGNISE_WORD_MAX];
    size_t k = 0;
    while(*p && (isalpha((unsigned char)*p) ||
                 (*p == '\'' && isalpha((unsigned char)p[1]) && k > 0))) {
      if(k + 1 < sizeof(w))
        w[k++] = (char)tolower((unsigned char)*p);
      p++;
    }
    w[k] = '\0';
    n = add_word(words, n, max, w);
  }
  return n < max ? n : max;
}

/* ---- the language model ----------------------------------------------------------- */

typedef struct vocab {
  char (*word)[RECOGNISE_WORD_MAX]; /* sorted; then <s> and </s> */
  int n;                            /* words, without <s> and </s> */
} vocab;

static int cmp_word(const void *a, const void *b)
{
  return strcmp(a, b);
}

static int word_id(const vocab *v, const char *w)
{
  const char(*hit)[RECOGNISE_WORD_MAX] = bsearch(w, v->word, (size_t)v->n, sizeof(*v->word),
                                                 cmp_word);
  return hit ? (int)(hit - v->word) : -1;
}

typedef struct gram {
  int w[3];
  int count;
} gram;

static int cmp_gram(const void *a, const void *b)
{
  const gram *x = a, *y = b;
  for(int i = 0; i < 3; i++)
    if(x->w[i] != y->w[i])
      return x->w[i] < y->w[i] ? -1 : 1;
  return 0;
}

/* Sorts g[0..n) and merges equal ones, summing counts; returns how many remain. */
static size_t merge(gram *g, size_t n)
{
  size_t k = 0;
  qsort(g, n, sizeof(*g), cmp_gram);
  for(size_t i = 0; i < n; i++) {
    if(k && !cmp_gram(&g[k - 1], &g[i]))
      g[k - 1].count += g[i].count;
    else
      g[k++] = g[i];
  }
  return k;
}

/* The n-grams of order `order` whose first order-1 words are h (a prefix match). */
static const gram *history(const gram *g, size_t n, const int *h, int order, size_t *count)
{
  size_t lo = 0, hi = n;
  while(lo < hi) { /* first gram not below h */
    size_t mid = (lo + hi) / 2;
    int c = 0;
    for(int i = 0; i < order - 1 && !c; i++)
      c = g[mid].w[i] < h[i] ? -1 : g[mid].w[i] > h[i];
    if(c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t end = lo;
  while(end < n && !memcmp(g[end].w, h, (size_t)(order - 1) * sizeof(int)))
    end++;
  *count = end - lo;
  return g + lo;
}

typedef struct model {
  vocab v;
  double *p1;          /* unigram probabilities, by id */
  double *a1;          /* backoff weight of each word as a bigram history (1 when none) */
  gram *g2, *g3;
  size_t n2, n3;
  double *p2, *a2, *p3; /* by index into g2 (p2, a2) and g3 (p3) */
} model;

/* The backed-off bigram probability P(b | a). */
static double bigram(const model *m, int a, int b)
{
  size_t k;
  int h[1] = {a};
  const gram *g = history(m->g2, m->n2, h, 2, &k);
  for(size_t i = 0; i < k; i++)
    if(g[i].w[1] == b)
      return m->p2[g - m->g2 + (ptrdiff_t)i];
  return m->a1[a] * m->p1[b];
}

/* Witten-Bell: P(w | h) = (c(h w) + T(h) P_lower(w)) / (c(h) + T(h)), T(h) the number of
 * distinct words seen after h; the rest of the mass goes to the lower order through h's
 * backoff weight. */
static void estimate(model *m, int order)
{
  gram *g = order == 2 ? m->g2 : m->g3;
  size_t n = order == 2 ? m->n2 : m->n3;
  double *p = order == 2 ? m->p2 : m->p3;
  size_t i = 0;
  while(i < n) {
    size_t k;
    const gram *run = history(g, n, g[i].w, order, &k);
    double c = 0, seen = 0, lower_seen = 0;
    for(size_t j = 0; j < k; j++)
      c += run[j].count;
    for(size_t j = 0; j < k; j++) {
      const gram *x = &run[j];
      double lower = order == 2 ? m->p1[x->w[1]] : bigram(m, x->w[1], x->w[2]);
      p[i + j] = ((double)x->count + (double)k * lower) / (c + (double)k);
      seen += p[i + j];
      lower_seen += lower;
    }
    double alpha = lower_seen < 1.0 - 1e-12 ? (1.0 - seen) / (1.0 - lower_seen) : 1.0;
    if(order == 2)
      m->a1[g[i].w[0]] = alpha;
    else { /* the weight belongs to the bigram (w0 w1) */
      size_t kk;
      const gram *b = history(m->g2, m->n2, g[i].w, 2, &kk);
      for(size_t j = 0; j < kk; j++)
        if(b[j].w[1] == g[i].w[1])
          m->a2[b - m->g2 + (ptrdiff_t)j] = alpha;
    }
    i += k;
  }
}

static const char *name_of(const vocab *v, int id)
{
  return id == v->n ? "<s>" : id == v->n + 1 ? "</s>" : v->word[id];
}

static double lg(double p)
{
  return p > 0 ? log10(p) : -99.0;
}

static bool write_arpa(const model *m, int order, const char *path)
{
  FILE *f = fopen(path, "w");
  if(!f)
    return false;
  const vocab *v = &m->v;
  fprintf(f, "\\data\\\nngram 1=%d\n", v->n + 2);
  if(order >= 2)
    fprintf(f, "ngram 2=%zu\n", m->n2);
  if(order >= 3)
    fprintf(f, "ngram 3=%zu\n", m->n3);
  fprintf(f, "\n\\1-grams:\n");
  for(int id = 0; id < v->n + 2; id++) {
    fprintf(f, "%.6f %s", id == v->n ? -99.0 : lg(m->p1[id]), name_of(v, id));
    if(order >= 2)
      fprintf(f, " %.6f", lg(m->a1[id]));
    fprintf(f, "\n");
  }
  if(order < 2)
    goto end;
  fprintf(f, "\n\\2-grams:\n");
  for(size_t i = 0; i < m->n2; i++)
    if(order >= 3)
      fprintf(f, "%.6f %s %s %.6f\n", lg(m->p2[i]), name_of(v, m->g2[i].w[0]),
              name_of(v, m->g2[i].w[1]), lg(m->a2[i]));
    else
      fprintf(f, "%.6f %s %s\n", lg(m->p2[i]), name_of(v, m->g2[i].w[0]),
              name_of(v, m->g2[i].w[1]));
  if(order < 3)
    goto end;
  fprintf(f, "\n\\3-grams:\n");
  for(size_t i = 0; i < m->n3; i++)
    fprintf(f, "%.6f %s %s %s\n", lg(m->p3[i]), name_of(v, m->g3[i].w[0]),
            name_of(v, m->g3[i].w[1]), name_of(v, m->g3[i].w[2]));
end:
  fprintf(f, "\n\\end\\\n");
  return fclose(f) == 0;
}

/* Copies the entries of dict (lines "word PHONES", alternatives "word(2) PHONES") whose word
 * is in v to out, marking found[id]. */
static void copy_entries(const char *dict, const vocab *v, bool *found, FILE *out)
{
  FILE *in = dict ? fopen(dict, "r") : NULL;
  char line[512];
  while(in && fgets(line, sizeof(line), in)) {
    char w[RECOGNISE_WORD_MAX];
    size_t k = strcspn(line, " \t(");
    if(line[0] == '#' || k == 0 || k >= sizeof(w))
      continue;
    memcpy(w, line, k);
    w[k] = '\0';
    int id = word_id(v, w);
    if(id >= 0) {
      found[id] = true;
      fputs(line, out);
    }
  }
  if(in)
    fclose(in);
}

coach_rc recognise_build(const char *const *sentences, size_t n, int order,
                         const char *system_dict, const char *extra_dict, const char *lm_path,
                         const char *dict_path, char *missing, size_t missing_len, char *why,
                         size_t why_len)
{
  static char words[RECOGNISE_WORDS_MAX][RECOGNISE_WORD_MAX];
  model m = {0};
  size_t all = 0, cap = 0;
  coach_rc rc = COACH_E_NOMEM;
  int **tokens = calloc(n ? n : 1, sizeof(*tokens));
  bool *found = NULL;
  FILE *dict = NULL;
  if(!tokens)
    goto done;
  /* The vocabulary: every word of every sentence, sorted, once. */
  for(size_t s = 0; s < n; s++) {
    int k = recognise_words(sentences[s], words, RECOGNISE_WORDS_MAX);
    if(all + (size_t)k > cap) {
      cap = (all + (size_t)k) * 2;
      void *grown = realloc(m.v.word, cap * sizeof(*m.v.word));
      if(!grown)
        goto done;
      m.v.word = grown;
    }
    memcpy(m.v.word + all, words, (size_t)k * sizeof(*words));
    all += (size_t)k;
  }
  qsort(m.v.word, all, sizeof(*m.v.word), cmp_word);
  for(size_t i = 0; i < all; i++)
    if(!m.v.n || strcmp(m.v.word[m.v.n - 1], m.v.word[i]))
      memcpy(m.v.word[m.v.n++], m.v.word[i], sizeof(*m.v.word));
  /* Each sentence as ids, between <s> and </s>; its n-grams. */
  int bos = m.v.n, eos = m.v.n + 1;
  m.g2 = calloc(all + 2 * n + 1, sizeof(*m.g2));
  m.g3 = calloc(all + 2 * n + 1, sizeof(*m.g3));
  m.p1 = calloc((size_t)m.v.n + 2, sizeof(*m.p1));
  m.a1 = calloc((size_t)m.v.n + 2, sizeof(*m.a1));
  if(!m.g2 || !m.g3 || !m.p1 || !m.a1)
    goto done;
  double total = 0;
  for(size_t s = 0; s < n; s++) {
    int k = recognise_words(sentences[s], words, RECOGNISE_WORDS_MAX);
    int *t = tokens[s] = malloc(((size_t)k + 2) * sizeof(int));
    if(!t)
      goto done;
    t[0] = bos;
    for(int i = 0; i < k; i++)
      t[i + 1] = word_id(&m.v, words[i]);
    t[k + 1] = eos;
    for(int i = 1; i < k + 2; i++) {
      m.p1[t[i]] += 1;
      total += 1;
      m.g2[m.n2++] = (gram){{t[i - 1], t[i], 0}, 1};
      if(i >= 2)
        m.g3[m.n3++] = (gram){{t[i - 2], t[i - 1], t[i]}, 1};
    }
  }
  for(int id = 0; id < m.v.n + 2; id++) {
    m.p1[id] = total > 0 ? m.p1[id] / total : 0;
    m.a1[id] = 1.0;
  }
  m.n2 = merge(m.g2, m.n2);
  m.n3 = merge(m.g3, m.n3);
  m.p2 = calloc(m.n2 + 1, sizeof(*m.p2));
  m.a2 = calloc(m.n2 + 1, sizeof(*m.a2));
  m.p3 = calloc(m.n3 + 1, sizeof(*m.p3));
  if(!m.p2 || !m.a2 || !m.p3)
    goto done;
  for(size_t i = 0; i < m.n2; i++)
    m.a2[i] = 1.0;
  estimate(&m, 2);
  estimate(&m, 3);
  rc = COACH_E_IO;
  if(!write_arpa(&m, order, lm_path)) {
    coach_why(why, why_len, "cannot write %s", lm_path);
    goto done;
  }
  found = calloc((size_t)m.v.n + 1, sizeof(*found));
  dict = fopen(dict_path, "w");
  if(!found || !dict) {
    coach_why(why, why_len, "cannot write %s", dict_path);
    goto done;
  }
  copy_entries(system_dict, &m.v, found, dict);
  copy_entries(extra_dict, &m.v, found, dict);
  if(missing_len)
    missing[0] = '\0';
  for(int id = 0; id < m.v.n; id++)
    if(!found[id] && missing_len) {
      size_t used = strlen(missing);
      snprintf(missing + used, missing_len - used, "%s%s", used ? ", " : "", m.v.word[id]);
    }
  rc = COACH_OK;
done:
  if(dict && fclose(dict) != 0 && !rc) {
    coach_why(why, why_len, "cannot write %s", dict_path);
    rc = COACH_E_IO;
  }
  for(size_t s = 0; tokens && s < n; s++)
    free(tokens[s]);
  free(tokens);
  free(found);
  free(m.v.word);
  free(m.p1);
  free(m.a1);
  free(m.g2);
  free(m.g3);
  free(m.p2);
  free(m.a2);
  free(m.p3);
  if(rc == COACH_E_NOMEM)
    coach_why(why, why_len, "out of memory");
  return rc;
}

/* ---- recognising --------------------------------------------------------------------- */

struct recogniser {
  ps_decoder_t *ps;
  uint32_t noise; /* the noise floor's generator: the same noise for every run */
};

coach_rc recogniser_open(const char *lm_path, const char *dict_path, recogniser **out,
                         char *why, size_t why_len)
{
  cmd_ln_t *config = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", RECOGNISE_MODEL_DIR, "-lm",
                                 lm_path, "-dict", dict_path, "-logfn", "/dev/null", NULL);
  if(!config) {
    coach_why(why, why_len, "pocketsphinx refused its settings (is pocketsphinx-en-us "
              "installed in " RECOGNISE_MODEL_DIR "?)");
    return COACH_E_INVALID;
  }
  ps_decoder_t *ps = ps_init(config);
  cmd_ln_free_r(config);
  if(!ps) {
    coach_why(why, why_len, "pocketsphinx cannot start with %s and %s", lm_path, dict_path);
    return COACH_E_INVALID;
  }
  recogniser *r = calloc(1, sizeof(*r));
  if(!r) {
    ps_free(ps);
    return COACH_E_NOMEM;
  }
  r->ps = ps;
  *out = r;
  return COACH_OK;
}

coach_rc recogniser_hear(recogniser *r, const int16_t *samples, int64_t n, int rate, char *hyp,
                         size_t hyp_len)
{
  resampler rs;
  coach_rc rc = resampler_init(&rs, rate, RECOGNISE_RATE);
  if(rc)
    return rc;
  /* Half a second of the noise floor before and after: a listener's room, not a cut. */
  int64_t pad = RECOGNISE_RATE / 2, len = resampler_frames(&rs, n) + 2 * pad;
  float *x = calloc((size_t)len, sizeof(*x));
  int16_t *pcm = malloc((size_t)len * sizeof(*pcm));
  if(!x || !pcm) {
    free(x);
    free(pcm);
    resampler_free(&rs);
    return COACH_E_NOMEM;
  }
  resampler_add(&rs, samples, n, 0, x + pad, (size_t)(len - 2 * pad));
  resampler_free(&rs);
  double l = lufs_of(x + pad, len - 2 * pad, RECOGNISE_RATE);
  float gain = isfinite(l) ? (float)pow(10.0, (RECOGNISE_LUFS - l) / 20.0) : 1.0f;
  r->noise = 12345;
  for(int64_t i = 0; i < len; i++) {
    /* Uniform noise of RMS 0.00316 (-50 dBFS): amplitude 0.00548. */
    r->noise = r->noise * 1664525u + 1013904223u;
    float u = (float)(r->noise >> 8) / (float)(1u << 24) * 2.0f - 1.0f;
    float v = (x[i] * gain + 0.00548f * u) * 32768.0f;
    pcm[i] = (int16_t)lrintf(v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v);
  }
  free(x);
  rc = COACH_E_SPEECH;
  if(ps_start_utt(r->ps) >= 0 && ps_process_raw(r->ps, pcm, (size_t)len, FALSE, TRUE) >= 0 &&
     ps_end_utt(r->ps) >= 0) {
    int32 score;
    const char *h = ps_get_hyp(r->ps, &score);
    snprintf(hyp, hyp_len, "%s", h ? h : "");
    rc = COACH_OK;
  }
  free(pcm);
  return rc;
}

void recogniser_close(recogniser *r)
{
  if(!r)
    return;
  ps_free(r->ps);
  free(r);
}

int recognise_errors(const char *ref, const char *hyp, int *ref_words, bool *missed)
{
  static char a[RECOGNISE_WORDS_MAX][RECOGNISE_WORD_MAX], b[RECOGNISE_WORDS_MAX][RECOGNISE_WORD_MAX];
  int na = recognise_words(ref, a, RECOGNISE_WORDS_MAX);
  int nb = recognise_words(hyp, b, RECOGNISE_WORDS_MAX);
  int w = nb + 1;
  int *d = malloc(((size_t)na + 1) * (size_t)w * sizeof(int));
  *ref_words = na;
  if(!d)
    return na + nb;
  for(int j = 0; j <= nb; j++)
    d[j] = j;
  for(int i = 1; i <= na; i++) {
    d[i * w] = i;
    for(int j = 1; j <= nb; j++) {
      int sub = d[(i - 1) * w + j - 1] + (strcmp(a[i - 1], b[j - 1]) != 0);
      int del = d[(i - 1) * w + j] + 1, ins = d[i * w + j - 1] + 1;
      d[i * w + j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
  }
  int errors = d[na * w + nb];
  /* Back through the table: which words of ref were not heard as they are. */
  for(int i = na, j = nb; missed && i > 0;) {
    if(j > 0 && d[i * w + j] == d[(i - 1) * w + j - 1] + (strcmp(a[i - 1], b[j - 1]) != 0)) {
      missed[i - 1] = strcmp(a[i - 1], b[j - 1]) != 0;
      i--;
      j--;
    }
    else if(d[i * w + j] == d[(i - 1) * w + j] + 1)
      missed[--i] = true;
    else
      j--;
  }
  free(d);
  return errors;
}
