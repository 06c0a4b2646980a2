#include "player.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audio_out.h"
#include "clock_ms.h"
#include "feed.h"
#include "history.h"
#include "log.h"
#include "mixer.h"
#include "protocol.h"
#include "score.h"
#include "speech_queue.h"
#include "tone.h"

#define BLOCK 1024            /* frames mixed per write into the feed */
#define OVERLAYS_MAX 8        /* `say` lines over one session at once */
#define SAYS_PENDING_MAX 8    /* `say` lines being made at once */
#define SAY_TAIL_MS 300       /* quiet after a lone `say` before the output closes */
#define SAY_CHIME_LEAD_MS 900 /* a reminder's chime rings this long before its line */
#define RETRY_FIRST_MS 250    /* the first new output after a loss, then doubling ... */
#define RETRY_MAX_MS 1000     /* ... up to this (a connect attempt costs ~1 ms) */
/* Mixed before the output opens: enough for the device's first buffers at the longest
 * PortAudio period (two periods of 50 ms, and a margin), because its callback may ask for
 * them before the engine thread mixes again: on a loaded machine, with 2048 frames here, the
 * portaudio output began a session with an underrun (daemon.outputs.portaudio). Mixing the
 * chime's first 125 ms takes well under a millisecond. */
#define PREMIX_FRAMES 6000

typedef enum request_kind {
  REQ_START,
  REQ_STOP,
  REQ_PAUSE,
  REQ_RESUME,
  REQ_SKIP,
  REQ_RESTART,
  REQ_SAY,
  REQ_VOLUME,
} request_kind;

/* A request on its way from the main thread to the engine. */
typedef struct request {
  fifo_link link; /* first */
  request_kind kind;
  routine *routine; /* held */
  int64_t length_ms;
  char *text;
  unsigned flags;
  int volume;
  player_reply reply;
} request;

/* An answer on its way back. */
typedef struct answer {
  fifo_link link; /* first */
  player_reply reply;
  coach_rc rc;
  char why[512];
} answer;

/* A `say` whose line is being made. */
typedef struct pending_say {
  uint64_t job;
  unsigned flags;
  player_reply reply;
} pending_say;

/* What the main thread reads for status (under lock). */
typedef struct published {
  player_status st;  /* positions filled from the fields below at read time */
  bool mapped;       /* the session's timeline plays: positions follow the feed */
  uint64_t base_ring;
  int64_t base_tl, fixed_tl; /* fixed_tl >= 0: the position stands (waiting) */
  int64_t frames, step_start, step_frames;
} published;

struct player {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake; /* the engine waits for work or its next deadline */
  int wake_fd;

  /* Under lock. */
  fifo requests;  /* main -> engine */
  fifo results;   /* speech thread -> engine */
  fifo answers;   /* engine -> main */
  bool output_event; /* the output's health may have changed */
  bool quit;
  unsigned events;
  published pub;
  _Atomic bool mic_ok; /* player_mic_should_listen(), as of the last publish */
  _Atomic int volume_now; /* player_volume_gain()'s, as the engine last set it */

  /* Shared, never freed before the threads stop. */
  feed *feed;
  speech_queue *sq;
  player_options opt;
  char output_kind[16], pulse_device[128], portaudio_device[128], voices_dir[4096];

  /* Everything below belongs to the engine thread alone. */
  audio_out *out;
  bool active;      /* a session or a lone `say` wants sound */
  player_state idle_state; /* what status says when nothing is active: STOPPED or ERROR */
  bool lone_say;
  uint64_t job_seq; /* ids of speech jobs; a session's is its score job */
  uint64_t session_job;
  score *sc;        /* NULL while the session's speech is being made */
  timeline live;    /* sc's timeline without its opening chime (mixed as the intro) */
  bool start_pending;
  player_reply start_reply;
  bool silent_until_speech; /* no sound before the speech is made (the worker failed) */
  bool paused;
  char routine_name[ROUTINE_NAME_MAX + 8];
  char title[128];
  time_t started_at; /* the wall clock at start, and the length chosen: for the history */
  int64_t length_ms;
  /* The mapping from the feed to the timeline: ring position base_ring plays timeline frame
   * base_tl; a chime of its own plays from ring position intro_at. */
  uint64_t base_ring;
  int64_t base_tl;
  uint64_t stretch_at; /* where the present stretch of sound began (begin_at) */
  bool intro;
  uint64_t intro_at;
  timeline intro_tl;
  cue intro_cue;
  bool end_marked;
  /* A wait step (do = wait) ahead: mixing stops at its wait_at until the person carries
   * on. wait_step is its index once mixing has reached it (-1: none); held once the
   * listener has too; released when a resume came before that, so it is not held. */
  int wait_step;
  bool held, wait_released;
  size_t last_step;
  mixer_overlay overlays[OVERLAYS_MAX];
  size_t n_overlays;
  pending_say says[SAYS_PENDING_MAX];
  size_t n_says;
  /* The output and its loss. */
  bool ever_played; /* the output of this session played: a loss then waits, before fails */
  bool lost;
  int64_t lost_since, retry_at;
  int backoff_ms;
  char lost_why[256];
  int64_t resume_tl;
  int64_t next_tick;
  int volume;
  uint64_t underruns_before;
  char last_error[512];
  float buf[BLOCK], extra[BLOCK];
};

static void wake_main(player *p)
{
  uint64_t one = 1;
  if(write(p->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
    log_msg(LVL_WARN, "cannot wake the main loop: %s", strerror(errno));
}

/* Perceived loudness grows roughly with the square of the gain's percent. */
static float volume_gain(int volume)
{
  double v = volume / 100.0;
  return (float)(v * v);
}

/* ---- engine thread: answers and news ------------------------------------------------------ */

static void reply(player *p, player_reply r, coach_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void reply(player *p, player_reply r, coach_rc rc, const char *fmt, ...)
{
  if(!r.fn)
    return;
  answer *a = calloc(1, sizeof(*a));
  if(!a) {
    log_msg(LVL_ERROR, "out of memory for an answer: a client waits until it times out");
    return;
  }
  a->reply = r;
  a->rc = rc;
  if(fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->why, sizeof(a->why), fmt, ap);
    va_end(ap);
  }
  pthread_mutex_lock(&p->lock);
  fifo_push(&p->answers, &a->link);
  pthread_mutex_unlock(&p->lock);
  wake_main(p);
}

static void announce(player *p, unsigned events)
{
  pthread_mutex_lock(&p->lock);
  p->events |= events;
  pthread_mutex_unlock(&p->lock);
  wake_main(p);
}

static player_state state_of(const player *p)
{
  if(!p->active)
    return PLAYER_STOPPED;
  if(p->paused)
    return PLAYER_PAUSED;
  return p->lost ? PLAYER_WAITING : PLAYER_PLAYING;
}

/* The timeline frame the listener hears now. */
static int64_t heard_tl(const player *p)
{
  uint64_t heard = feed_heard_pos(p->feed);
  int64_t tl = p->base_tl;
  if(heard > p->base_ring)
    tl += (int64_t)(heard - p->base_ring);
  if(p->sc && tl > p->sc->timeline->frames)
    tl = p->sc->timeline->frames;
  return tl;
}

/* Whether the listener may listen: no spoken line (cue or `say` overlay) or chime sounds
 * within [heard - PLAYER_MIC_AFTER_MS, heard + PLAYER_MIC_BEFORE_MS + a tick) (the tick:
 * this is worked out only as often as the engine ticks). */
static bool mic_may_listen(const player *p)
{
  if(!p->active || p->paused || p->lost || !p->sc)
    return true;
  const timeline *t = p->sc->timeline;
  int64_t pos = heard_tl(p);
  int64_t from = pos - timeline_ms_to_frames(PLAYER_MIC_AFTER_MS, t->rate);
  int64_t to = pos + timeline_ms_to_frames(PLAYER_MIC_BEFORE_MS + PLAYER_TICK_MS, t->rate);
  /* A chime of its own (a session's start, the sound coming back), and its echo. */
  if(p->intro && feed_heard_pos(p->feed) < p->intro_at + (uint64_t)p->intro_cue.frames +
                                               (uint64_t)(pos - from))
    return false;
  for(size_t i = timeline_first_cue_near(t, from); i < t->n_cues && t->cues[i].start < to;
      i++) {
    const cue *c = &t->cues[i];
    if(c->kind != CUE_BREATH_IN && c->kind != CUE_BREATH_OUT && c->start + c->frames > from)
      return false;
  }
  for(size_t i = 0; i < p->n_overlays; i++) {
    const mixer_overlay *o = &p->overlays[i];
    if(o->start < to && o->start + p->sc->clips.items[o->clip].frames > from)
      return false;
  }
  return true;
}

/* Publishes what status shows. Called after every change and every tick. */
static void publish(player *p)
{
  atomic_store_explicit(&p->mic_ok, mic_may_listen(p), memory_order_relaxed);
  atomic_store_explicit(&p->volume_now, p->volume, memory_order_relaxed);
  published pub;
  memset(&pub, 0, sizeof(pub));
  player_status *st = &pub.st;
  feed_stats fs;
  feed_get_stats(p->feed, &fs);
  st->state = p->active ? state_of(p) : p->idle_state;
  st->volume = p->volume;
  st->underruns = p->underruns_before + (p->active ? fs.underruns : 0);
  snprintf(st->last_error, sizeof(st->last_error), "%s", p->last_error);
  pub.fixed_tl = -1;
  if(p->active) {
    snprintf(st->routine, sizeof(st->routine), "%s", p->routine_name);
    snprintf(st->title, sizeof(st->title), "%s", p->title);
    st->preparing = !p->sc;
    st->speech_errors = p->sc ? p->sc->speech_errors : 0;
    st->held = p->held;
    if(p->out) {
      snprintf(st->output, sizeof(st->output), "%s", p->out->ops->name);
      snprintf(st->device, sizeof(st->device), "%s", p->out->ops->device(p->out));
    }
    if(p->lost)
      snprintf(st->waiting, sizeof(st->waiting), "%s", p->lost_why);
  }
  if(p->active && p->sc) {
    const timeline *t = p->sc->timeline;
    int64_t pos = p->lost ? p->resume_tl : heard_tl(p);
    size_t i = timeline_step_at(t, pos);
    const timeline_step *s = &t->steps[i];
    snprintf(st->step_label, sizeof(st->step_label), "%s", s->label);
    st->step = (int)i + 1;
    st->steps = (int)t->n_steps;
    st->breath = p->lost ? NULL : timeline_breath_phase(t, pos);
    pub.mapped = true;
    pub.base_ring = p->base_ring;
    pub.base_tl = p->base_tl;
    pub.fixed_tl = p->lost ? p->resume_tl : -1;
    pub.frames = t->frames;
    pub.step_start = s->start;
    pub.step_frames = s->frames;
  }
  pthread_mutex_lock(&p->lock);
  p->pub = pub;
  pthread_mutex_unlock(&p->lock);
}

/* ---- engine thread: the output ------------------------------------------------------------ */

static void output_notify(void *ctx)
{
  player *p = ctx;
  pthread_mutex_lock(&p->lock);
  p->output_event = true;
  pthread_cond_signal(&p->wake);
  pthread_mutex_unlock(&p->lock);
}

/* Opens the output coach.ini asks for ("auto": pulse when a server answers, else portaudio). */
static coach_rc open_output(player *p, const char *stream_name, char *why, size_t why_len)
{
  audio_out_params params = {.feed = p->feed, .rate = SCORE_RATE, .stream_name = stream_name,
                             .period_ms = p->opt.period_ms, .notify = output_notify,
                             .notify_ctx = p};
  bool autodetect = !strcmp(p->output_kind, "auto");
  coach_rc rc = COACH_E_DEVICE;
  char pulse_why[256] = "";

  if(autodetect || !strcmp(p->output_kind, "pulse")) {
    params.device = p->pulse_device;
    rc = audio_out_pulse.open(&params, &p->out, autodetect ? pulse_why : why,
                              autodetect ? sizeof(pulse_why) : why_len);
    if(!rc || !autodetect)
      return rc;
  }
  params.device = p->portaudio_device;
  rc = audio_out_portaudio.open(&params, &p->out, why, why_len);
  if(rc && autodetect)
    log_msg(LVL_DEBUG, "pulse output: %s", pulse_why);
  return rc;
}

static void kick(player *p)
{
  if(p->out)
    p->out->ops->kick(p->out);
}

/* ---- engine thread: mixing ---------------------------------------------------------------- */

/* The timeline as coachd mixes it: without the opening chime, which plays as an intro of its
 * own so that it can begin before the session's speech exists (mixer.h: chimes add up). */
static timeline live_view(const timeline *t)
{
  timeline v = *t;
  if(v.n_cues > 0 && v.cues[0].kind == CUE_CHIME && v.cues[0].start == 0) {
    v.cues++;
    v.n_cues--;
  }
  return v;
}

/* The timeline frame mixing has reached. */
static int64_t next_tl(const player *p)
{
  uint64_t w = feed_write_pos(p->feed);
  return p->base_tl + (w > p->base_ring ? (int64_t)(w - p->base_ring) : 0);
}

static bool intro_over(const player *p, uint64_t ring_pos)
{
  return !p->intro || ring_pos >= p->intro_at + (uint64_t)p->intro_cue.frames;
}

/* Mixes the n frames the feed's ring positions [pos, pos + n) play into out. */
static void mix_block(player *p, uint64_t pos, float *out, size_t n)
{
  static const clip_set none;
  memset(out, 0, n * sizeof(float));
  if(p->sc && pos + n > p->base_ring) {
    size_t skip = pos < p->base_ring ? (size_t)(p->base_ring - pos) : 0;
    int64_t frame = p->base_tl + (int64_t)(pos + skip - p->base_ring);
    mixer_render(&p->live, &p->sc->clips, p->overlays, p->n_overlays, frame, out + skip,
                 n - skip);
  }
  if(!intro_over(p, pos) && pos + n > p->intro_at) {
    size_t skip = pos < p->intro_at ? (size_t)(p->intro_at - pos) : 0;
    mixer_render(&p->intro_tl, &none, NULL, 0, (int64_t)(pos + skip - p->intro_at), p->extra,
                 n - skip);
    for(size_t i = 0; i < n - skip; i++)
      out[skip + i] += p->extra[i];
  }
}

/* Mixes ahead of what the output has taken, up to ahead frames; marks the end once the
 * session's last frame is written. */
/* The wait point of the first wait step at or after timeline frame from, or -1. */
static int next_wait(const player *p, int64_t from, int64_t *wait_at)
{
  const timeline *t = p->sc->timeline;
  for(size_t k = timeline_step_at(t, from); k < t->n_steps; k++)
    if(t->steps[k].kind == STEP_WAIT && t->steps[k].wait_at >= from) {
      *wait_at = t->steps[k].wait_at;
      return (int)k;
    }
  return -1;
}

static void produce_ahead(player *p, uint64_t ahead)
{
  int64_t stop_at = p->sc ? p->live.frames : 0;
  int wait = p->sc && !p->end_marked ? next_wait(p, next_tl(p), &stop_at) : -1;
  for(;;) {
    /* Ahead of what the output took, or of where this stretch of sound began: after a jump
     * the old stretch is still queued, to be flushed once the new one is written. */
    uint64_t w = feed_write_pos(p->feed), from = feed_read_pos(p->feed);
    if(from < p->stretch_at)
      from = p->stretch_at;
    if(w >= from + ahead)
      break;
    size_t n = BLOCK, space = feed_space(p->feed);
    if(p->sc) {
      int64_t left = stop_at - next_tl(p);
      if(left <= 0 && intro_over(p, w)) {
        if(!p->end_marked) { /* the session's end, or a wait for the person */
          feed_mark_end(p->feed);
          p->end_marked = true;
          p->wait_step = wait;
        }
        break;
      }
      if(left > 0 && left < (int64_t)n && intro_over(p, w + (uint64_t)left))
        n = (size_t)left;
    }
    if(space < n)
      n = space;
    if(n == 0)
      break;
    mix_block(p, w, p->buf, n);
    if(feed_write(p->feed, p->buf, n) < n)
      break;
  }
}

static void produce(player *p)
{
  produce_ahead(p, (uint64_t)timeline_ms_to_frames(PLAYER_AHEAD_MS, SCORE_RATE));
}

/* ---- engine thread: sessions -------------------------------------------------------------- */

/* Appends the session that ends to the practice log: how far it got, and how it ended. */
static void record_history(player *p, player_state state)
{
  const timeline *t = p->sc->timeline;
  int64_t pos = p->lost ? p->resume_tl : heard_tl(p);
  history_entry e = {.start = p->started_at, .utc_offset_s = history_utc_offset(p->started_at),
                     .length_ms = p->length_ms, .played_s = pos / t->rate,
                     .total_s = t->frames / t->rate,
                     .step = (int)timeline_step_at(t, pos) + 1, .steps = (int)t->n_steps,
                     .end = state == PLAYER_ERROR ? HISTORY_ERROR
                            : pos >= t->frames    ? HISTORY_FINISHED
                                                  : HISTORY_STOPPED};
  snprintf(e.routine, sizeof(e.routine), "%.*s", (int)sizeof(e.routine) - 1, p->routine_name);
  char why[512];
  if(history_record(&e, why, sizeof(why)) != COACH_OK)
    log_msg(LVL_WARN, "the session is not in the history: %s", why);
}

static void end_session(player *p, player_state state, const char *error)
{
  bool fade = state != PLAYER_ERROR && !p->lost;
  if(p->sc && !p->lone_say)
    record_history(p, state);
  if(p->out) {
    if(fade) {
      feed_stop(p->feed);
      kick(p);
    }
    p->out->ops->close(p->out, fade);
    p->out = NULL;
  }
  feed_stats fs;
  feed_get_stats(p->feed, &fs);
  p->underruns_before += fs.underruns;
  feed_reset(p->feed);
  if(p->start_pending) {
    p->start_pending = false;
    reply(p, p->start_reply, state == PLAYER_ERROR ? COACH_E_DEVICE : COACH_E_STATE, "%s",
          error ? error : "stopped before it was ready");
  }
  for(size_t i = 0; i < p->n_says; i++)
    reply(p, p->says[i].reply, COACH_E_STATE, "the session ended before the line was ready");
  p->n_says = 0;
  score_free(p->sc);
  p->sc = NULL;
  p->session_job = 0; /* a score still being made is dropped when it comes */
  p->active = p->lone_say = p->paused = p->lost = p->intro = false;
  p->n_overlays = 0;
  p->routine_name[0] = p->title[0] = '\0';
  if(error)
    snprintf(p->last_error, sizeof(p->last_error), "%s", error);
  p->idle_state = state;
  publish(p);
  announce(p, PROTOCOL_EVENT_PLAYER);
}

/* A session that played to its end. A `say` whose line is still being made was not part of
 * it: it is said on its own when the line comes (line_ready), not refused as end_session()
 * refuses it when a session is stopped. Without this, a say sent while another lone say was
 * finishing was answered "the session ended" and never heard (daemon.crash_text, ASan). */
static void finish_session(player *p)
{
  pending_say keep[SAYS_PENDING_MAX];
  size_t n = p->n_says;
  memcpy(keep, p->says, n * sizeof(keep[0]));
  p->n_says = 0;
  end_session(p, PLAYER_STOPPED, NULL);
  memcpy(p->says, keep, n * sizeof(keep[0]));
  p->n_says = n;
}

/* Sets the feed up for a new stretch of sound: a chime of its own when intro, then the
 * timeline from frame tl at ring position base (the chime's lead later when it rings first). */
static void begin_at(player *p, int64_t tl, bool intro, int64_t lead_ms)
{
  uint64_t w = feed_write_pos(p->feed);
  p->stretch_at = w;
  p->intro = intro;
  p->intro_at = w;
  p->base_ring = w + (uint64_t)timeline_ms_to_frames(lead_ms, SCORE_RATE);
  p->base_tl = tl;
  p->end_marked = false;
  p->wait_step = -1;
  p->held = p->wait_released = false;
  p->n_overlays = 0;
  p->last_step = (size_t)-1;
  feed_clear_end(p->feed);
}

/* Before an output opens on the feed: its sound begins with a chime, which rises from zero
 * by itself, so it plays as mixed from its first frame (unless the session is paused). */
static void start_sound(player *p)
{
  feed_set_volume(p->feed, volume_gain(p->volume));
  if(p->paused)
    feed_pause(p->feed);
  else
    feed_start(p->feed);
}

/* Starts the session's sound: the opening chime, queued before the output starts so the first
 * sound comes within milliseconds, then whatever of the session is ready. */
static coach_rc begin_sound(player *p, char *why, size_t why_len)
{
  begin_at(p, 0, true, 0);
  start_sound(p);
  produce_ahead(p, PREMIX_FRAMES);
  coach_rc rc = open_output(p, p->title, why, why_len);
  if(rc) {
    feed_reset(p->feed);
    return rc;
  }
  log_msg(LVL_INFO, "%s plays on %s (%s)", p->routine_name, p->out->ops->name,
          p->out->ops->device(p->out));
  produce(p);
  p->out->ops->pump(p->out);
  return COACH_OK;
}

static void do_start(player *p, request *rq)
{
  char why[512] = "";
  if(p->active)
    end_session(p, PLAYER_STOPPED, NULL);
  uint64_t id = ++p->job_seq;
  speech_job *job = speech_job_new(SPEECH_JOB_SCORE, id, NULL);
  if(!job) {
    reply(p, rq->reply, COACH_E_NOMEM, "out of memory");
    return;
  }
  job->routine = rq->routine; /* the request's reference goes to the job */
  rq->routine = NULL;
  job->length_ms = rq->length_ms;
  job->voice = p->opt.voice;
  p->started_at = time(NULL);
  p->length_ms = job->routine->has_length ? rq->length_ms : 0;
  snprintf(p->title, sizeof(p->title), "%s", job->routine->title);
  snprintf(p->routine_name, sizeof(p->routine_name), "%s", job->routine->name);
  p->paused = false;

  /* The opening chime needs no speech, so it plays while the speech thread makes the
   * session's lines; unless the speech worker could not run last time: then nothing sounds
   * until the lines are made, so a session that cannot speak never begins. */
  p->silent_until_speech = speech_queue_worker_failing(p->sq);
  if(!p->silent_until_speech) {
    coach_rc rc = begin_sound(p, why, sizeof(why));
    if(rc) {
      p->title[0] = p->routine_name[0] = '\0';
      speech_job_free(job);
      snprintf(p->last_error, sizeof(p->last_error), "%s", why);
      reply(p, rq->reply, rc, "%s", why);
      publish(p);
      announce(p, PROTOCOL_EVENT_PLAYER);
      return;
    }
  }
  p->active = true;
  p->ever_played = false;
  p->lost = false;
  p->session_job = id;
  p->start_pending = true;
  p->start_reply = rq->reply;
  p->last_error[0] = '\0';
  speech_queue_push(p->sq, job);
  publish(p);
  announce(p, PROTOCOL_EVENT_PLAYER);
}

/* The session's score is made: it plays from where the opening chime has got to. */
static void score_ready(player *p, speech_job *job)
{
  if(job->rc) {
    log_msg(LVL_ERROR, "%s: %s", p->routine_name, job->why);
    char why[600];
    snprintf(why, sizeof(why), "%s", job->why);
    player_reply r = p->start_reply;
    p->start_pending = false;
    end_session(p, PLAYER_STOPPED, why);
    reply(p, r, job->rc, "%s", why);
    return;
  }
  if(p->silent_until_speech) {
    char why[512] = "";
    p->silent_until_speech = false;
    coach_rc rc = begin_sound(p, why, sizeof(why));
    if(rc) {
      player_reply r = p->start_reply;
      p->start_pending = false;
      end_session(p, PLAYER_STOPPED, why);
      reply(p, r, rc, "%s", why);
      return;
    }
  }
  p->sc = job->score;
  job->score = NULL;
  /* Lines that could not be spoken play as a marker tone (the speech thread logged each);
   * status shows the last one as the session's error, so the person's helper can see why. */
  if(p->sc->speech_errors)
    snprintf(p->last_error, sizeof(p->last_error), "%s", p->sc->speech_error);
  p->live = live_view(p->sc->timeline);
  /* Before the first line the timeline without its chime is silent: the session goes on
   * seamlessly from the frame mixing has reached, or, if the speech took longer than that
   * silence, with the whole timeline that much later. */
  int64_t first = p->live.n_cues ? p->live.cues[0].start : p->live.frames;
  if(next_tl(p) > first) {
    p->base_ring = feed_write_pos(p->feed) - (uint64_t)first;
    p->base_tl = 0;
  }
  /* Published before the answer: a client that asks for status as soon as start (or MPD's
   * play) is answered sees the session's steps and length, not "preparing". */
  publish(p);
  if(p->start_pending) {
    p->start_pending = false;
    reply(p, p->start_reply, COACH_OK, NULL);
  }
  log_msg(LVL_INFO, "playing %s (%.0f s)", p->routine_name,
          (double)p->sc->timeline->frames / SCORE_RATE);
  produce(p);
  if(p->out)
    p->out->ops->pump(p->out);
}

/* A lone `say`: a session whose timeline is that one line (after a chime, with flags). */
static coach_rc say_alone(player *p, pending_say *ps, speech_job *job, char *why, size_t why_len)
{
  score *sc = calloc(1, sizeof(*sc));
  timeline *t = calloc(1, sizeof(*t));
  timeline_step *step = calloc(1, sizeof(*step));
  cue *c = calloc(1, sizeof(*c));
  int id;
  coach_rc rc = COACH_E_NOMEM;
  if(!sc || !t || !step || !c)
    goto fail;
  sc->timeline = t;
  sc->clips.mix_rate = SCORE_RATE;
  rc = clip_set_add(&sc->clips, job->samples, job->length, job->rate, &id);
  if(rc)
    goto fail;
  job->samples = NULL; /* the score has it */
  int64_t frames = sc->clips.items[id].frames;
  *c = (cue){.start = 0, .frames = frames, .kind = CUE_SPEECH, .clip = id};
  t->rate = SCORE_RATE;
  t->cues = c;
  t->n_cues = 1;
  t->longest_cue = frames;
  t->frames = frames + timeline_ms_to_frames(SAY_TAIL_MS, SCORE_RATE);
  *step = (timeline_step){.frames = t->frames, .label = "say", .name = "say", .kind = STEP_SAY};
  t->steps = step;
  t->n_steps = 1;

  p->paused = false;
  p->sc = sc;
  p->live = *t;
  begin_at(p, 0, ps->flags & PLAYER_SAY_CHIME, ps->flags & PLAYER_SAY_CHIME ? SAY_CHIME_LEAD_MS
                                                                             : 0);
  start_sound(p);
  produce(p);
  rc = open_output(p, "coach", why, why_len);
  if(rc) {
    p->sc = NULL;
    feed_reset(p->feed);
    score_free(sc);
    return rc;
  }
  p->active = p->lone_say = true;
  p->ever_played = false;
  p->routine_name[0] = '\0';
  snprintf(p->title, sizeof(p->title), "say");
  p->out->ops->pump(p->out);
  return COACH_OK;

fail:
  free(step);
  free(c);
  score_free(sc); /* frees t; the samples stay the caller's when adding failed */
  return rc;
}

static void line_ready(player *p, speech_job *job)
{
  size_t i = 0;
  while(i < p->n_says && p->says[i].job != job->id)
    i++;
  if(i == p->n_says)
    return; /* the session it was for has ended: it was answered then */
  pending_say ps = p->says[i];
  p->says[i] = p->says[--p->n_says];
  if(job->rc) {
    log_msg(LVL_WARN, "say: %s", job->why);
    reply(p, ps.reply, job->rc, "%s", job->why);
    return;
  }
  char why[512] = "";
  if(p->active && (ps.flags & PLAYER_SAY_IDLE_ONLY)) { /* a session began meanwhile */
    reply(p, ps.reply, COACH_E_STATE, "a session is playing");
    return;
  }
  if(!p->active) {
    coach_rc rc = say_alone(p, &ps, job, why, sizeof(why));
    reply(p, ps.reply, rc, "%s", why);
    publish(p);
    announce(p, PROTOCOL_EVENT_PLAYER);
    return;
  }
  if(!p->sc || p->lost) {
    reply(p, ps.reply, COACH_E_STATE, "%s", p->lost ? "the session is waiting for its sound "
          "output; say it again once it plays" : "the session is still being prepared; say it "
          "again in a moment");
    return;
  }
  if(p->n_overlays >= OVERLAYS_MAX) {
    reply(p, ps.reply, COACH_E_LIMIT, "%d lines are already being said; try again in a moment",
          OVERLAYS_MAX);
    return;
  }
  int id;
  coach_rc rc = clip_set_add(&p->sc->clips, job->samples, job->length, job->rate, &id);
  if(rc) {
    reply(p, ps.reply, rc, "out of memory");
    return;
  }
  job->samples = NULL;
  /* It joins the mix where mixing is now: heard after what is already queued. */
  int64_t at = next_tl(p);
  p->overlays[p->n_overlays++] = (mixer_overlay){.clip = id, .start = at};
  int64_t end = at + p->sc->clips.items[id].frames;
  if(end > p->live.frames) { /* the session was about to end: let the line finish first */
    p->sc->timeline->frames = end;
    p->live.frames = end;
    if(p->end_marked) {
      feed_clear_end(p->feed);
      p->end_marked = false;
    }
  }
  produce(p);
  if(p->out)
    p->out->ops->pump(p->out);
  reply(p, ps.reply, COACH_OK, NULL);
}

static void do_say(player *p, request *rq)
{
  if((rq->flags & PLAYER_SAY_IDLE_ONLY) && (p->active || p->n_says > 0)) {
    reply(p, rq->reply, COACH_E_STATE, "%s", !p->active ? "a line is being said"
                                           : p->lone_say ? "a line is being said"
                                                         : "a session is playing");
    return;
  }
  if(p->n_says >= SAYS_PENDING_MAX) {
    reply(p, rq->reply, COACH_E_LIMIT, "%d lines are already waiting to be said; try again in "
          "a moment", SAYS_PENDING_MAX);
    return;
  }
  uint64_t id = ++p->job_seq;
  speech_job *job = speech_job_new(SPEECH_JOB_LINE, id, rq->text);
  if(!job) {
    reply(p, rq->reply, COACH_E_NOMEM, "out of memory");
    return;
  }
  job->voice = p->sc && !p->lone_say ? p->sc->voice : p->opt.voice;
  p->says[p->n_says++] = (pending_say){.job = id, .flags = rq->flags, .reply = rq->reply};
  speech_queue_push(p->sq, job);
}

/* Goes on from timeline frame target: what is queued fades out and is dropped. The new part
 * is mixed before the flush, so the output never finds nothing to play in between. */
static void jump(player *p, int64_t target)
{
  uint64_t at = feed_write_pos(p->feed);
  begin_at(p, target, false, 0);
  produce(p);
  feed_flush(p->feed, at);
  kick(p);
}

/* The person carries on after a wait step: on from its end, leaving out the quiet a render
 * puts there (timeline.h). */
static void continue_after_wait(player *p)
{
  int step = p->wait_step;
  const timeline_step *s = &p->sc->timeline->steps[step];
  p->paused = false;
  feed_play(p->feed);
  jump(p, s->start + s->frames);
  log_msg(LVL_INFO, "carrying on after the wait at step %d", step + 1);
}

static void do_skip(player *p, request *rq, bool restart)
{
  if(!p->active || p->lone_say || p->lost || !p->sc) {
    reply(p, rq->reply, COACH_E_STATE, "%s",
          !p->active || p->lone_say ? "nothing is playing"
          : p->lost ? "the session is waiting for its sound output"
                    : "the session is still being prepared; try again in a moment");
    return;
  }
  const timeline *t = p->sc->timeline;
  size_t step = timeline_step_at(t, heard_tl(p));
  if(!restart && step + 1 >= t->n_steps) {
    end_session(p, PLAYER_STOPPED, NULL);
    reply(p, rq->reply, COACH_OK, NULL);
    return;
  }
  size_t to = restart ? step : step + 1;
  if(p->held) { /* skip carries on after a wait, as resume does */
    p->paused = false;
    feed_play(p->feed);
  }
  jump(p, t->steps[to].start);
  log_msg(LVL_INFO, "%s step %zu: %s", restart ? "back to the start of" : "skipped to", to + 1,
          t->steps[to].label);
  publish(p);
  announce(p, PROTOCOL_EVENT_PLAYER);
  reply(p, rq->reply, COACH_OK, NULL);
}

static void handle(player *p, request *rq)
{
  switch(rq->kind) {
  case REQ_START: do_start(p, rq); return;
  case REQ_SAY: do_say(p, rq); return;
  case REQ_SKIP: do_skip(p, rq, false); return;
  case REQ_RESTART: do_skip(p, rq, true); return;
  case REQ_STOP:
    if(!p->active) {
      reply(p, rq->reply, COACH_E_STATE, "nothing is playing");
      return;
    }
    end_session(p, PLAYER_STOPPED, NULL);
    log_msg(LVL_INFO, "stopped");
    reply(p, rq->reply, COACH_OK, NULL);
    return;
  case REQ_PAUSE:
    if(!p->active || p->paused) {
      reply(p, rq->reply, COACH_E_STATE, "%s", p->paused ? "already paused" : "nothing is playing");
      return;
    }
    p->paused = true;
    feed_pause(p->feed);
    kick(p);
    break;
  case REQ_RESUME:
    if(p->held) {
      continue_after_wait(p);
      break;
    }
    if(p->active && !p->paused && p->sc && !p->lost &&
       p->sc->timeline->steps[timeline_step_at(p->sc->timeline, heard_tl(p))].kind ==
           STEP_WAIT) {
      p->wait_released = true; /* said while the wait's own words play: go on after them */
      reply(p, rq->reply, COACH_OK, NULL);
      return;
    }
    if(!p->active || !p->paused) {
      reply(p, rq->reply, COACH_E_STATE, "%s", p->active ? "already playing" : "nothing is paused");
      return;
    }
    p->paused = false;
    feed_play(p->feed);
    kick(p);
    break;
  case REQ_VOLUME:
    p->volume = rq->volume;
    feed_set_volume(p->feed, volume_gain(p->volume));
    kick(p);
    publish(p);
    announce(p, PROTOCOL_EVENT_MIXER);
    reply(p, rq->reply, COACH_OK, NULL);
    return;
  }
  publish(p);
  announce(p, PROTOCOL_EVENT_PLAYER);
  reply(p, rq->reply, COACH_OK, NULL);
}

/* ---- engine thread: the sound lost and found ---------------------------------------------- */

static void lose_output(player *p, const char *why)
{
  if(p->lone_say) { /* a line, not a session: nothing to come back to */
    log_msg(LVL_WARN, "say: the sound output was lost (%s)", why);
    end_session(p, PLAYER_STOPPED, NULL);
    return;
  }
  if(!p->ever_played && p->start_pending) {
    char msg[400];
    snprintf(msg, sizeof(msg), "the sound output failed before the session began: %s", why);
    log_msg(LVL_ERROR, "%s", msg);
    end_session(p, PLAYER_ERROR, msg);
    return;
  }
  uint64_t heard = feed_heard_pos(p->feed);
  if(!p->lost) {
    /* Where to come back to: the last place heard, back to the start of what was cut. */
    if(p->sc && heard >= p->base_ring)
      p->resume_tl = timeline_resume_point(p->sc->timeline, heard_tl(p));
    else if(!p->sc)
      p->resume_tl = 0;
    else
      p->resume_tl = p->base_tl; /* still in the chime before it */
    p->lost_since = clock_ms_now();
    p->backoff_ms = RETRY_FIRST_MS;
  }
  else if(p->sc && heard >= p->base_ring) /* a new output played a little, then failed too */
    p->resume_tl = timeline_resume_point(p->sc->timeline, heard_tl(p));
  snprintf(p->lost_why, sizeof(p->lost_why), "%s", why);
  log_msg(LVL_WARN, "sound output lost (%s): waiting for it, the session keeps its place", why);
  p->out->ops->close(p->out, false);
  p->out = NULL;
  feed_stats fs;
  feed_get_stats(p->feed, &fs);
  p->underruns_before += fs.underruns;
  feed_reset(p->feed);
  p->lost = true;
  p->retry_at = clock_ms_now() + p->backoff_ms;
  publish(p);
  announce(p, PROTOCOL_EVENT_PLAYER);
}

static void try_output_again(player *p)
{
  char why[256] = "";
  begin_at(p, p->resume_tl, true, p->resume_tl > 0 ? TIMELINE_LEAD_IN_MS : 0);
  start_sound(p);
  produce(p);
  if(open_output(p, p->title, why, sizeof(why)) != COACH_OK) {
    feed_reset(p->feed);
    p->backoff_ms = p->backoff_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : p->backoff_ms * 2;
    p->retry_at = clock_ms_now() + p->backoff_ms;
    log_msg(LVL_DEBUG, "sound output still missing: %s", why);
    return;
  }
  p->lost = false;
  log_msg(LVL_INFO, "sound output back (%s, %s): carrying on from %.1f s", p->out->ops->name,
          p->out->ops->device(p->out), (double)p->resume_tl / SCORE_RATE);
  p->out->ops->pump(p->out);
  publish(p);
  announce(p, PROTOCOL_EVENT_PLAYER);
}

/* ---- engine thread: the tick -------------------------------------------------------------- */

static void tick(player *p)
{
  int64_t now = clock_ms_now();
  if(p->out) {
    char why[256] = "";
    audio_out_health h = p->out->ops->health(p->out, why, sizeof(why));
    if(h == AUDIO_OUT_LOST) {
      lose_output(p, why[0] ? why : "the sound output stopped");
      return;
    }
    if(h == AUDIO_OUT_PLAYING)
      p->ever_played = true;
    produce(p);
    p->out->ops->pump(p->out);
  }
  else if(p->lost) {
    if(now - p->lost_since >= p->opt.give_up_ms) {
      char msg[512];
      snprintf(msg, sizeof(msg), "the sound output was lost (%s) and did not come back within "
               "%lld s; the session ended at %.0f s. Start it again with: coach start %s",
               p->lost_why, (long long)(p->opt.give_up_ms / 1000),
               (double)p->resume_tl / SCORE_RATE, p->routine_name);
      log_msg(LVL_ERROR, "%s", msg);
      end_session(p, PLAYER_ERROR, msg);
      return;
    }
    if(now >= p->retry_at)
      try_output_again(p);
    return;
  }
  if(p->end_marked && feed_drained(p->feed) && p->wait_step >= 0) {
    if(p->wait_released)
      continue_after_wait(p);
    else if(!p->held) {
      p->held = p->paused = true;
      log_msg(LVL_INFO, "step %d waits for you (coach resume carries on)", p->wait_step + 1);
      announce(p, PROTOCOL_EVENT_PLAYER);
    }
  }
  else if(p->end_marked && feed_drained(p->feed)) {
    log_msg(LVL_INFO, "session %s finished", p->routine_name[0] ? p->routine_name : "(say)");
    finish_session(p);
    return;
  }
  if(p->sc) {
    size_t step = timeline_step_at(p->sc->timeline, heard_tl(p));
    if(step != p->last_step) {
      p->last_step = step;
      log_msg(LVL_DEBUG, "step %zu: %s", step + 1, p->sc->timeline->steps[step].label);
      announce(p, PROTOCOL_EVENT_PLAYER);
    }
    /* Forget `say` lines that are over, so new ones always find room. */
    size_t keep = 0;
    for(size_t i = 0; i < p->n_overlays; i++) {
      const mixer_overlay *o = &p->overlays[i];
      if(o->start + p->sc->clips.items[o->clip].frames > next_tl(p))
        p->overlays[keep++] = *o;
    }
    p->n_overlays = keep;
  }
  publish(p);
}

/* The engine's next deadline: a tick while sound plays, the next try while waiting. */
static int64_t next_deadline(const player *p)
{
  if(!p->active)
    return -1;
  if(p->lost) {
    int64_t give_up = p->lost_since + p->opt.give_up_ms;
    return p->retry_at < give_up ? p->retry_at : give_up;
  }
  return p->next_tick;
}

/* ---- engine thread: the loop -------------------------------------------------------------- */

static void speech_done(void *ctx, speech_job *job)
{
  player *p = ctx;
  pthread_mutex_lock(&p->lock);
  fifo_push(&p->results, &job->link);
  pthread_cond_signal(&p->wake);
  pthread_mutex_unlock(&p->lock);
}

static void speech_log(void *ctx, bool trouble, const char *message)
{
  (void)ctx;
  log_msg(trouble ? LVL_WARN : LVL_DEBUG, "%s", message);
}

static void free_request(request *rq)
{
  routine_free(rq->routine);
  free(rq->text);
  free(rq);
}

static void *engine_main(void *arg)
{
  player *p = arg;
  pthread_setname_np(pthread_self(), "coach-engine"); /* tells it apart in top and perf */
  pthread_mutex_lock(&p->lock);
  for(;;) {
    while(!p->quit && !p->requests.head && !p->results.head && !p->output_event) {
      int64_t deadline = next_deadline(p);
      if(deadline < 0) {
        pthread_cond_wait(&p->wake, &p->lock); /* idle: no timer, no wake-ups */
        continue;
      }
      struct timespec until = {.tv_sec = deadline / 1000,
                               .tv_nsec = (long)(deadline % 1000) * 1000000L};
      if(pthread_cond_timedwait(&p->wake, &p->lock, &until) != 0)
        break;
    }
    if(p->quit)
      break;
    request *rq = (request *)fifo_take_all(&p->requests);
    speech_job *done = (speech_job *)fifo_take_all(&p->results);
    p->output_event = false;
    pthread_mutex_unlock(&p->lock);

    while(rq) {
      request *next = (request *)rq->link.next;
      handle(p, rq);
      free_request(rq);
      rq = next;
    }
    while(done) {
      speech_job *next = (speech_job *)done->link.next;
      if(done->kind == SPEECH_JOB_SCORE && done->id == p->session_job && p->active && !p->sc)
        score_ready(p, done);
      else if(done->kind == SPEECH_JOB_LINE)
        line_ready(p, done);
      speech_job_free(done);
      done = next;
    }
    if(p->active && (p->lost || clock_ms_now() >= p->next_tick || p->out)) {
      tick(p);
      p->next_tick = clock_ms_now() + PLAYER_TICK_MS;
    }
    pthread_mutex_lock(&p->lock);
  }
  pthread_mutex_unlock(&p->lock);
  if(p->active)
    end_session(p, PLAYER_STOPPED, NULL);
  return NULL;
}

/* ---- main thread -------------------------------------------------------------------------- */

static void push(player *p, request *rq)
{
  pthread_mutex_lock(&p->lock);
  fifo_push(&p->requests, &rq->link);
  pthread_cond_signal(&p->wake);
  pthread_mutex_unlock(&p->lock);
}

static request *new_request(request_kind kind, player_reply r)
{
  request *rq = calloc(1, sizeof(*rq));
  if(!rq) {
    if(r.fn)
      r.fn(r.ctx, r.tag, COACH_E_NOMEM, "out of memory");
    return NULL;
  }
  rq->kind = kind;
  rq->reply = r;
  return rq;
}

static void simple(player *p, request_kind kind, player_reply r)
{
  request *rq = new_request(kind, r);
  if(rq)
    push(p, rq);
}

coach_rc player_new(const player_options *opt, int wake_fd, player **out, char *why,
                    size_t why_len)
{
  player *p = calloc(1, sizeof(*p));
  coach_rc rc;
  if(!p)
    return COACH_E_NOMEM;
  p->opt = *opt;
  snprintf(p->output_kind, sizeof(p->output_kind), "%s", opt->output ? opt->output : "auto");
  snprintf(p->pulse_device, sizeof(p->pulse_device), "%s",
           opt->pulse_device ? opt->pulse_device : "");
  snprintf(p->portaudio_device, sizeof(p->portaudio_device), "%s",
           opt->portaudio_device ? opt->portaudio_device : "");
  snprintf(p->voices_dir, sizeof(p->voices_dir), "%s", opt->voices_dir ? opt->voices_dir : "");
  p->opt.output = p->output_kind;
  p->opt.pulse_device = p->pulse_device;
  p->opt.portaudio_device = p->portaudio_device;
  p->opt.voices_dir = p->voices_dir;
  if(p->opt.give_up_ms <= 0)
    p->opt.give_up_ms = PLAYER_GIVE_UP_MS_DEFAULT;
  p->volume = opt->volume;
  atomic_init(&p->volume_now, opt->volume);
  atomic_init(&p->mic_ok, true);
  p->wake_fd = wake_fd;
  p->wait_step = -1;
  p->intro_cue = (cue){.start = 0, .kind = CUE_CHIME, .clip = -1,
                       .frames = tone_chime_frames(TONE_CHIME, SCORE_RATE)};
  p->intro_tl = (timeline){.rate = SCORE_RATE, .frames = p->intro_cue.frames,
                           .cues = &p->intro_cue, .n_cues = 1,
                           .longest_cue = p->intro_cue.frames};
  rc = feed_new(SCORE_RATE, PLAYER_RING_FRAMES, &p->feed);
  if(rc) {
    free(p);
    return rc;
  }
  rc = speech_queue_new(p->voices_dir[0] ? p->voices_dir : NULL, &p->opt.voice,
                        speech_done, speech_log, p, &p->sq, why, why_len);
  if(rc) {
    feed_free(p->feed);
    free(p);
    return rc;
  }
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->wake, &ca);
  pthread_condattr_destroy(&ca);
  p->pub.st.volume = p->volume;
  if(pthread_create(&p->thread, NULL, engine_main, p) != 0) {
    coach_why(why, why_len, "cannot start the engine thread");
    speech_queue_free(p->sq);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    feed_free(p->feed);
    free(p);
    return COACH_E_NOMEM;
  }
  *out = p;
  return COACH_OK;
}

void player_free(player *p)
{
  if(!p)
    return;
  pthread_mutex_lock(&p->lock);
  p->quit = true;
  pthread_cond_signal(&p->wake);
  pthread_mutex_unlock(&p->lock);
  pthread_join(p->thread, NULL);
  speech_queue_free(p->sq); /* after the engine: nothing more is pushed */
  fifo_link *item;
  while((item = fifo_pop(&p->requests)))
    free_request((request *)item);
  while((item = fifo_pop(&p->results)))
    speech_job_free((speech_job *)item);
  while((item = fifo_pop(&p->answers)))
    free(item);
  audio_out_shutdown();
  pthread_mutex_destroy(&p->lock);
  pthread_cond_destroy(&p->wake);
  feed_free(p->feed);
  free(p);
}

void player_start(player *p, const routine *r, int64_t length_ms, player_reply reply_to)
{
  request *rq = new_request(REQ_START, reply_to);
  if(!rq)
    return;
  rq->routine = routine_hold(r);
  rq->length_ms = length_ms;
  push(p, rq);
}

void player_stop(player *p, player_reply r)
{
  simple(p, REQ_STOP, r);
}

void player_pause(player *p, player_reply r)
{
  simple(p, REQ_PAUSE, r);
}

void player_resume(player *p, player_reply r)
{
  simple(p, REQ_RESUME, r);
}

void player_skip(player *p, player_reply r)
{
  simple(p, REQ_SKIP, r);
}

void player_restart(player *p, player_reply r)
{
  simple(p, REQ_RESTART, r);
}

void player_say(player *p, const char *text, unsigned flags, player_reply r)
{
  request *rq = new_request(REQ_SAY, r);
  if(!rq)
    return;
  rq->text = strdup(text);
  if(!rq->text) {
    free(rq);
    if(r.fn)
      r.fn(r.ctx, r.tag, COACH_E_NOMEM, "out of memory");
    return;
  }
  rq->flags = flags;
  push(p, rq);
}

void player_set_volume(player *p, int volume)
{
  request *rq = new_request(REQ_VOLUME, (player_reply){0});
  if(!rq)
    return;
  rq->volume = volume < 0 ? 0 : volume > 100 ? 100 : volume;
  push(p, rq);
}

void player_get_status(player *p, player_status *st)
{
  pthread_mutex_lock(&p->lock);
  published pub = p->pub;
  pthread_mutex_unlock(&p->lock);
  *st = pub.st;
  if(!pub.mapped)
    return;
  int64_t pos = pub.fixed_tl;
  if(pos < 0) {
    uint64_t heard = feed_heard_pos(p->feed);
    pos = pub.base_tl + (heard > pub.base_ring ? (int64_t)(heard - pub.base_ring) : 0);
  }
  if(pos > pub.frames)
    pos = pub.frames;
  int64_t in_step = pos - pub.step_start;
  if(in_step < 0)
    in_step = 0;
  if(in_step > pub.step_frames)
    in_step = pub.step_frames;
  st->elapsed_s = (double)pos / SCORE_RATE;
  st->duration_s = (double)pub.frames / SCORE_RATE;
  st->step_elapsed_s = (double)in_step / SCORE_RATE;
  st->step_duration_s = (double)pub.step_frames / SCORE_RATE;
}

unsigned player_dispatch(player *p)
{
  pthread_mutex_lock(&p->lock);
  answer *a = (answer *)fifo_take_all(&p->answers);
  unsigned events = p->events;
  p->events = 0;
  pthread_mutex_unlock(&p->lock);
  while(a) {
    answer *next = (answer *)a->link.next;
    a->reply.fn(a->reply.ctx, a->reply.tag, a->rc, a->why);
    free(a);
    a = next;
  }
  return events;
}

float player_volume_gain(player *p)
{
  return volume_gain(atomic_load_explicit(&p->volume_now, memory_order_relaxed));
}

bool player_mic_should_listen(player *p)
{
  return atomic_load_explicit(&p->mic_ok, memory_order_relaxed);
}

const char *player_state_name(player_state s)
{
  switch(s) {
  case PLAYER_PLAYING: return "playing";
  case PLAYER_PAUSED: return "paused";
  case PLAYER_WAITING: return "waiting";
  case PLAYER_ERROR: return "error";
  default: return "stopped";
  }
}
