#include "player.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "audio_out.h"
#include "log.h"
#include "mixer.h"
#include "protocol.h"
#include "score.h"
#include "tone.h"

#define PREMIX_FIRST_FRAMES 2048 /* opening chime queued before the stream starts (43 ms) */
#define BLOCK 1024          /* frames mixed per write into the ring */
#define OVERLAYS_MAX 8      /* `say` lines over one session at once */
#define STOP_WAIT_MS 200    /* longest wait for the callback's fade before closing anyway */
#define SAY_TAIL_MS 300     /* quiet after a lone `say` before the stream closes */

typedef enum request_kind {
  REQ_NONE,
  REQ_START,
  REQ_STOP,
  REQ_PAUSE,
  REQ_RESUME,
  REQ_SKIP,
  REQ_SAY,
  REQ_VOLUME,
  REQ_STATUS,
  REQ_QUIT,
} request_kind;

/* One request at a time travels from the main thread to the engine thread and back. */
typedef struct request {
  request_kind kind;
  const routine *routine;
  int64_t length_ms;
  const char *text;
  int volume;
  player_status *status;
  coach_rc rc;
  char why[512];
} request;

struct player {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;  /* engine waits for a request (or its next tick) */
  pthread_cond_t done;  /* main waits for the answer */
  request *pending;     /* under lock: set by main, cleared by the engine when answered */
  unsigned events;      /* under lock */
  int wake_fd;

  bool started;         /* the engine finished initialising (under lock) */
  coach_rc init_rc;
  char init_why[512];

  /* Everything below belongs to the engine thread alone. */
  player_options opt;
  char device[256];
  char voices_dir[4096];
  speech_worker *sw;    /* eSpeak NG runs in this worker process, never in coachd; NULL
                           while the worker program cannot run (speech_ready tries again) */
  speaker spk;          /* score's view of sw */
  bool pa_ready;        /* audio_out_init succeeded and nothing since asks for a reinit */
  audio_out *ao;        /* open while a session (or a lone `say`) plays */
  score *sc;
  player_state state;
  char routine_name[ROUTINE_NAME_MAX + 8];
  char last_error[512];
  int volume;
  int64_t next_frame;   /* timeline frame the next mixed block starts at */
  uint64_t written;     /* frames written into the ring since it was opened */
  uint64_t base_ring;   /* ring position ... */
  int64_t base_tl;      /* ... that plays this timeline frame (moved by skip) */
  uint64_t flush_ticket;
  bool flushing;
  bool end_marked;
  size_t last_step;
  mixer_overlay overlays[OVERLAYS_MAX];
  size_t n_overlays;
  uint64_t underruns_before; /* of sessions already closed, so status keeps counting */
  float buf[BLOCK];
};

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while(nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

/* Perceived loudness grows roughly with the square of the gain's percent. */
static float volume_gain(int volume)
{
  double v = volume / 100.0;
  return (float)(v * v);
}

static void announce(player *p, unsigned events)
{
  pthread_mutex_lock(&p->lock);
  p->events |= events;
  pthread_mutex_unlock(&p->lock);
  uint64_t one = 1;
  if(write(p->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
    log_msg(LVL_WARN, "cannot wake the main loop: %s", strerror(errno));
}

/* Writes why and returns rc, so a handler can fail in one statement. */
static coach_rc fail(char *why, size_t len, coach_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static coach_rc fail(char *why, size_t len, coach_rc rc, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, len, fmt, ap);
  va_end(ap);
  return rc;
}

/* --- engine thread ------------------------------------------------------------------- */

/* The timeline frame being heard now. */
static int64_t play_position(const player *p)
{
  uint64_t pos = audio_out_position(p->ao);
  int64_t tl = p->base_tl;
  if(pos > p->base_ring)
    tl += (int64_t)(pos - p->base_ring);
  if(tl > p->sc->timeline->frames)
    tl = p->sc->timeline->frames;
  return tl;
}

static void close_session(player *p, player_state state, const char *error)
{
  if(p->ao) {
    audio_out_stats st;
    audio_out_get_stats(p->ao, &st);
    p->underruns_before += st.underruns;
    if(state != PLAYER_ERROR) {
      audio_out_stop(p->ao);
      for(int waited = 0; waited < STOP_WAIT_MS; waited++) {
        if(audio_out_state_now(p->ao) == AUDIO_OUT_STOPPED)
          break;
        sleep_ms(1);
      }
    }
    audio_out_close(p->ao);
    p->ao = NULL;
  }
  score_free(p->sc);
  p->sc = NULL;
  p->n_overlays = 0;
  p->state = state;
  if(error)
    snprintf(p->last_error, sizeof(p->last_error), "%s", error);
  if(state == PLAYER_ERROR) {
    /* PortAudio sees a restarted sound server only after a fresh initialisation. */
    p->pa_ready = false;
  }
  announce(p, PROTOCOL_EVENT_PLAYER);
}

static coach_rc ensure_portaudio(player *p, char *why, size_t len)
{
  if(p->pa_ready)
    return COACH_OK;
  coach_rc rc = audio_out_reinit(p->device, why, len);
  p->pa_ready = rc == COACH_OK;
  return rc;
}

/* libpulse, under PortAudio's ALSA plugin, calls exit() when an allocation fails, so a
 * daemon near its address-space limit (ulimit -v) would die opening the device. Check that
 * the room it needs is there first and refuse the start cleanly when it is not. The room
 * covers the stacks of the audio threads (8 MiB each) and the plugin's buffers. */
#define AUDIO_HEADROOM ((size_t)96 << 20)

static bool address_space_short(void)
{
  struct rlimit rl;
  if(getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
    return false;
  void *room = mmap(NULL, AUDIO_HEADROOM, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                    -1, 0);
  if(room == MAP_FAILED)
    return true;
  munmap(room, AUDIO_HEADROOM);
  return false;
}

static coach_rc open_stream(player *p, char *why, size_t len)
{
  if(address_space_short()) {
    snprintf(why, len, "not enough memory to open the audio device: the address-space limit "
                       "(ulimit -v) leaves less than %zu MiB; raise it", AUDIO_HEADROOM >> 20);
    snprintf(p->last_error, sizeof(p->last_error), "%s", why);
    return COACH_E_NOMEM;
  }
  coach_rc rc = ensure_portaudio(p, why, len);
  if(!rc)
    rc = audio_out_open(p->device[0] ? p->device : NULL, SCORE_RATE, p->opt.period_ms,
                        PLAYER_RING_FRAMES,
                        &p->ao, why, len);
  if(rc) {
    p->pa_ready = false; /* the next try starts from a fresh device list */
    snprintf(p->last_error, sizeof(p->last_error), "%s", why);
    return rc;
  }
  audio_out_set_volume(p->ao, volume_gain(p->volume));
  p->written = p->base_ring = 0;
  p->base_tl = 0;
  p->next_frame = 0;
  p->flushing = p->end_marked = false;
  p->last_step = 0;
  return COACH_OK;
}

/* Starts the stream open_stream() opened, playing what is already queued from its first
 * frame; on failure the stream is closed and last_error says why. */
static coach_rc start_stream(player *p, char *why, size_t len)
{
  coach_rc rc = audio_out_start(p->ao, AUDIO_OUT_PLAYING, why, len);
  if(rc) {
    audio_out_close(p->ao);
    p->ao = NULL;
    p->pa_ready = false; /* the next try starts from a fresh device list */
    snprintf(p->last_error, sizeof(p->last_error), "%s", why);
  }
  return rc;
}

/* Mixes ahead of the play position, up to PLAYER_AHEAD_MS. */
static void produce(player *p)
{
  const timeline *t = p->sc->timeline;
  int64_t ahead = timeline_ms_to_frames(PLAYER_AHEAD_MS, t->rate);
  if(p->flushing && audio_out_flush_done(p->ao, p->flush_ticket))
    p->flushing = false;
  while(p->next_frame < t->frames) {
    uint64_t pos = audio_out_position(p->ao);
    uint64_t from = pos > p->base_ring ? pos : p->base_ring;
    if(p->written > from && (int64_t)(p->written - from) >= ahead)
      break;
    size_t n = BLOCK;
    if(t->frames - p->next_frame < (int64_t)n)
      n = (size_t)(t->frames - p->next_frame);
    size_t space = audio_out_space(p->ao);
    if(space < n)
      n = space;
    if(n == 0)
      break;
    mixer_render(t, &p->sc->clips, p->overlays, p->n_overlays, p->next_frame, p->buf, n);
    size_t w = audio_out_write(p->ao, p->buf, n);
    p->written += w;
    p->next_frame += (int64_t)w;
    if(w < n)
      break;
  }
  if(p->next_frame >= t->frames && !p->end_marked) {
    audio_out_mark_end(p->ao);
    p->end_marked = true;
  }
}

static void tick(player *p)
{
  if(!p->ao)
    return;
  produce(p);
  if(p->end_marked && audio_out_drained(p->ao)) {
    log_msg(LVL_INFO, "session %s finished", p->routine_name[0] ? p->routine_name : "(say)");
    close_session(p, PLAYER_STOPPED, NULL);
    return;
  }
  if(!audio_out_check_alive(p->ao, now_ms())) {
    log_msg(LVL_ERROR, "the audio device stopped playing (sound server gone?): session ended");
    close_session(p, PLAYER_ERROR,
                  "the audio device was lost mid-session (did the sound server stop?); "
                  "start again once it is back");
    return;
  }
  size_t step = timeline_step_at(p->sc->timeline, play_position(p));
  if(step != p->last_step) {
    p->last_step = step;
    log_msg(LVL_DEBUG, "step %zu: %s", step + 1, p->sc->timeline->steps[step].label);
    announce(p, PROTOCOL_EVENT_PLAYER);
  }
  /* Forget `say` lines that are over, so new ones always find room. */
  size_t keep = 0;
  for(size_t i = 0; i < p->n_overlays; i++) {
    const mixer_overlay *o = &p->overlays[i];
    if(o->start + p->sc->clips.items[o->clip].frames > p->next_frame)
      p->overlays[keep++] = *o;
  }
  p->n_overlays = keep;
}

/* The opening chime is a fixed sound that needs no speech: it goes into the ring before the
 * session's speech is synthesised, so the first sound comes within milliseconds of `start`.
 * It is mixed through the same mixer from a timeline holding only that chime, for the
 * frames before anything else of the session could be heard, so the samples are the ones
 * the full timeline gives. */
static void premix_opening(player *p, int64_t until)
{
  cue chime = {.start = 0, .kind = CUE_CHIME, .clip = -1,
               .frames = tone_chime_frames(TONE_CHIME, SCORE_RATE)};
  timeline opening = {.rate = SCORE_RATE, .frames = chime.frames, .cues = &chime, .n_cues = 1,
                      .longest_cue = chime.frames};
  clip_set none = {0};
  int64_t safe = timeline_ms_to_frames(TIMELINE_LEAD_IN_MS - MIXER_DUCK_RAMP_MS, SCORE_RATE);
  if(until > safe)
    until = safe;
  while(p->next_frame < until) {
    size_t n = BLOCK;
    if(until - p->next_frame < (int64_t)n)
      n = (size_t)(until - p->next_frame);
    mixer_render(&opening, &none, NULL, 0, p->next_frame, p->buf, n);
    size_t w = audio_out_write(p->ao, p->buf, n);
    p->written += w;
    p->next_frame += (int64_t)w;
    if(w < n)
      break;
  }
}

static coach_rc speech_ready(player *p, char *why, size_t why_len);

static coach_rc do_start(player *p, request *rq)
{
  /* Before any sound: a session that cannot speak would play its chime and stop. */
  coach_rc rc = speech_ready(p, rq->why, sizeof(rq->why));
  if(rc) {
    snprintf(p->last_error, sizeof(p->last_error), "%s", rq->why);
    return rc;
  }
  if(p->ao)
    close_session(p, PLAYER_STOPPED, NULL);
  rc = open_stream(p, rq->why, sizeof(rq->why));
  if(!rc) {
    /* The device's first buffers are the chime's first ms: the first sound need not wait
     * for the rest of it (~10 ms to mix), let alone the session's speech. */
    premix_opening(p, PREMIX_FIRST_FRAMES);
    rc = start_stream(p, rq->why, sizeof(rq->why));
  }
  if(rc)
    return rc;
  premix_opening(p, INT64_MAX);

  voice_settings voice = p->opt.voice;
  score *sc = NULL;
  rc = score_build(&p->spk, &voice, rq->routine, rq->length_ms, &sc, rq->why, sizeof(rq->why));
  if(rc) {
    close_session(p, PLAYER_STOPPED, NULL);
    snprintf(p->last_error, sizeof(p->last_error), "%s", rq->why);
    return rc;
  }
  /* The session's speech took memory; the sound server's client must still find its room,
   * or libpulse exits the whole process (see address_space_short). */
  if(address_space_short()) {
    score_free(sc);
    close_session(p, PLAYER_STOPPED, NULL);
    snprintf(rq->why, sizeof(rq->why), "not enough memory for this session: the address-space "
             "limit (ulimit -v) leaves less than %zu MiB once its speech is ready; raise it or "
             "choose a shorter routine", AUDIO_HEADROOM >> 20);
    snprintf(p->last_error, sizeof(p->last_error), "%s", rq->why);
    return COACH_E_NOMEM;
  }
  p->sc = sc;
  p->state = PLAYER_PLAYING;
  /* Lines that could not be spoken (logged by log_line_failed) play as a marker tone. */
  snprintf(p->last_error, sizeof(p->last_error), "%s", sc->speech_error);
  snprintf(p->routine_name, sizeof(p->routine_name), "%s", rq->routine->name);
  produce(p);
  log_msg(LVL_INFO, "playing %s (%.0f s) on %s", p->routine_name,
          (double)sc->timeline->frames / sc->timeline->rate, audio_out_device_name(p->ao));
  announce(p, PROTOCOL_EVENT_PLAYER);
  return COACH_OK;
}

/* A lone `say`: a session whose timeline is that one line. */
static coach_rc say_alone(player *p, request *rq)
{
  score *sc = calloc(1, sizeof(*sc));
  timeline *t = calloc(1, sizeof(*t));
  timeline_step *step = calloc(1, sizeof(*step));
  cue *c = calloc(1, sizeof(*c));
  if(!sc || !t || !step || !c) {
    free(sc);
    free(t);
    free(step);
    free(c);
    return fail(rq->why, sizeof(rq->why), COACH_E_NOMEM, "out of memory");
  }
  sc->timeline = t;
  sc->clips.mix_rate = SCORE_RATE;
  int id;
  coach_rc rc = speech_worker_set_voice(p->sw, &p->opt.voice, rq->why, sizeof(rq->why));
  if(!rc)
    rc = score_add_line(&p->spk, sc, rq->text, &id, rq->why, sizeof(rq->why));
  if(rc) {
    free(step);
    free(c);
    score_free(sc);
    return rc;
  }
  *c = (cue){.start = 0, .frames = sc->clips.items[id].frames, .kind = CUE_SPEECH, .clip = id,
             .text = NULL};
  t->rate = SCORE_RATE;
  t->cues = c;
  t->n_cues = 1;
  t->longest_cue = c->frames;
  t->frames = c->frames + timeline_ms_to_frames(SAY_TAIL_MS, SCORE_RATE);
  *step = (timeline_step){.start = 0, .frames = t->frames, .label = "say", .name = "say",
                          .kind = STEP_SAY};
  t->steps = step;
  t->n_steps = 1;

  rc = open_stream(p, rq->why, sizeof(rq->why));
  if(rc) {
    score_free(sc);
    return rc;
  }
  p->sc = sc;
  produce(p);
  rc = start_stream(p, rq->why, sizeof(rq->why));
  if(rc) {
    p->sc = NULL;
    score_free(sc);
    return rc;
  }
  p->routine_name[0] = '\0';
  p->state = PLAYER_PLAYING;
  announce(p, PROTOCOL_EVENT_PLAYER);
  return COACH_OK;
}

static coach_rc do_say(player *p, request *rq)
{
  coach_rc rc = speech_ready(p, rq->why, sizeof(rq->why));
  if(rc)
    return rc;
  if(!p->sc)
    return say_alone(p, rq);
  if(p->n_overlays >= OVERLAYS_MAX)
    return fail(rq->why, sizeof(rq->why), COACH_E_LIMIT,
                "%d lines are already waiting to be said; try again in a moment",
                OVERLAYS_MAX);
  int id;
  rc = score_add_line(&p->spk, p->sc, rq->text, &id, rq->why, sizeof(rq->why));
  if(rc)
    return rc;
  /* It joins the mix where mixing is now: heard after what is already queued. */
  p->overlays[p->n_overlays++] = (mixer_overlay){.clip = id, .start = p->next_frame};
  if(p->end_marked) { /* the session was about to end: let the line finish first */
    int64_t end = p->next_frame + p->sc->clips.items[id].frames;
    if(end > p->sc->timeline->frames)
      p->sc->timeline->frames = end;
    audio_out_clear_end(p->ao);
    p->end_marked = false;
  }
  produce(p);
  return COACH_OK;
}

static coach_rc do_skip(player *p, request *rq)
{
  if(!p->sc)
    return fail(rq->why, sizeof(rq->why), COACH_E_STATE, "nothing is playing");
  const timeline *t = p->sc->timeline;
  size_t step = timeline_step_at(t, play_position(p));
  if(step + 1 >= t->n_steps) {
    close_session(p, PLAYER_STOPPED, NULL);
    return COACH_OK;
  }
  int64_t target = t->steps[step + 1].start;
  p->flush_ticket = audio_out_flush(p->ao);
  p->flushing = true;
  p->base_ring = p->written;
  p->base_tl = target;
  p->next_frame = target;
  p->n_overlays = 0;
  if(p->end_marked) {
    audio_out_clear_end(p->ao);
    p->end_marked = false;
  }
  produce(p);
  log_msg(LVL_INFO, "skipped to step %zu: %s", step + 2, t->steps[step + 1].label);
  return COACH_OK;
}

static void fill_status(player *p, player_status *st)
{
  memset(st, 0, sizeof(*st));
  st->state = p->state;
  st->volume = p->volume;
  st->underruns = p->underruns_before;
  snprintf(st->last_error, sizeof(st->last_error), "%s", p->last_error);
  if(!p->sc || !p->ao)
    return;
  audio_out_stats as;
  audio_out_get_stats(p->ao, &as);
  st->underruns += as.underruns;
  const timeline *t = p->sc->timeline;
  int64_t pos = play_position(p);
  size_t i = timeline_step_at(t, pos);
  const timeline_step *s = &t->steps[i];
  snprintf(st->routine, sizeof(st->routine), "%s", p->routine_name);
  snprintf(st->title, sizeof(st->title), "%s", t->title ? t->title : "say");
  snprintf(st->step_label, sizeof(st->step_label), "%s", s->label);
  st->step = (int)i + 1;
  st->steps = (int)t->n_steps;
  st->breath = timeline_breath_phase(t, pos);
  st->elapsed_s = (double)pos / t->rate;
  st->duration_s = (double)t->frames / t->rate;
  st->step_elapsed_s = (double)(pos - s->start) / t->rate;
  st->step_duration_s = (double)s->frames / t->rate;
}

static coach_rc handle(player *p, request *rq)
{
  rq->why[0] = '\0';
  switch(rq->kind) {
  case REQ_START: return do_start(p, rq);
  case REQ_STOP:
    if(!p->ao)
      return fail(rq->why, sizeof(rq->why), COACH_E_STATE, "nothing is playing");
    close_session(p, PLAYER_STOPPED, NULL);
    log_msg(LVL_INFO, "stopped");
    return COACH_OK;
  case REQ_PAUSE:
    if(p->state != PLAYER_PLAYING || !p->ao)
      return fail(rq->why, sizeof(rq->why), COACH_E_STATE, "%s",
                  p->state == PLAYER_PAUSED ? "already paused" : "nothing is playing");
    audio_out_pause(p->ao);
    p->state = PLAYER_PAUSED;
    announce(p, PROTOCOL_EVENT_PLAYER);
    return COACH_OK;
  case REQ_RESUME:
    if(p->state != PLAYER_PAUSED || !p->ao)
      return fail(rq->why, sizeof(rq->why), COACH_E_STATE, "%s",
                  p->state == PLAYER_PLAYING ? "already playing" : "nothing is paused");
    audio_out_play(p->ao);
    p->state = PLAYER_PLAYING;
    announce(p, PROTOCOL_EVENT_PLAYER);
    return COACH_OK;
  case REQ_SKIP: return do_skip(p, rq);
  case REQ_SAY: return do_say(p, rq);
  case REQ_VOLUME:
    p->volume = rq->volume;
    if(p->ao)
      audio_out_set_volume(p->ao, volume_gain(p->volume));
    announce(p, PROTOCOL_EVENT_MIXER);
    return COACH_OK;
  case REQ_STATUS: fill_status(p, rq->status); return COACH_OK;
  default: return COACH_OK;
  }
}

/* While the worker synthesises (a long `say` takes a while), keep the ring filled so the
 * session plays on without an underrun. Only clips already in the score are mixed; the new
 * one is added after the synthesis returns. */
static void keep_playing(void *ctx)
{
  player *p = ctx;
  if(p->sc && p->ao)
    produce(p);
}

static void log_speech_worker(void *ctx, bool trouble, const char *message)
{
  (void)ctx;
  log_msg(trouble ? LVL_WARN : LVL_DEBUG, "%s", message);
}

static void log_line_failed(void *ctx, const char *text, const char *why)
{
  (void)ctx;
  log_msg(LVL_ERROR, "could not speak \"%.60s%s\": %s; a marker tone plays in its place", text,
          strlen(text) > 60 ? "..." : "", why);
}

/* Opens the speech worker (its program, found by paths_speech_worker(), then held open for
 * the life of coachd) with the daemon's voice. *voice_failed: it ran, and refused the voice. */
static coach_rc open_speech(player *p, bool *voice_failed, char *why, size_t why_len)
{
  speech_worker *sw = NULL;
  *voice_failed = false;
  coach_rc rc = speech_worker_open(NULL, p->voices_dir[0] ? p->voices_dir : NULL, &sw, why,
                                   why_len);
  if(rc)
    return rc;
  speech_worker_set_log(sw, log_speech_worker, NULL);
  speech_worker_set_wait(sw, keep_playing, p);
  rc = speech_worker_set_voice(sw, &p->opt.voice, why, why_len);
  if(rc) {
    *voice_failed = true;
    speech_worker_close(sw);
    return rc;
  }
  speech_worker_rest(sw); /* it could start and speak: enough until a line is needed */
  p->sw = sw;
  p->spk = speaker_worker(sw);
  p->spk.line_failed = log_line_failed;
  return COACH_OK;
}

/* A worker program that was missing or unusable when coachd started (or since) is looked for
 * again at every request that needs speech: installing or building it is enough, no restart. */
static coach_rc speech_ready(player *p, char *why, size_t why_len)
{
  bool voice_failed;
  if(p->sw)
    return COACH_OK;
  coach_rc rc = open_speech(p, &voice_failed, why, why_len);
  if(rc)
    log_msg(LVL_ERROR, "speech is unavailable: %s", why);
  return rc;
}

static coach_rc engine_init(player *p)
{
  bool voice_failed;
  coach_rc rc = open_speech(p, &voice_failed, p->init_why, sizeof(p->init_why));
  if(rc && voice_failed)
    return rc; /* a mistake in the settings: coachd does not start on those */
  if(rc)
    log_msg(LVL_ERROR, "speech is unavailable: %s; coachd runs on, and start and say will "
            "fail until this is fixed", p->init_why);
  char why[512];
  p->pa_ready = audio_out_init(p->device, why, sizeof(why)) == COACH_OK;
  if(!p->pa_ready)
    log_msg(LVL_WARN, "PortAudio: %s (will retry at the next start)", why);
  return COACH_OK;
}

static void *engine_main(void *arg)
{
  player *p = arg;
  pthread_setname_np(pthread_self(), "coach-engine"); /* tells it apart in top and perf */
  coach_rc rc = engine_init(p);
  pthread_mutex_lock(&p->lock);
  p->init_rc = rc;
  p->started = true;
  pthread_cond_broadcast(&p->done);
  if(rc) {
    pthread_mutex_unlock(&p->lock);
    return NULL;
  }
  for(;;) {
    request *rq = p->pending;
    if(rq && rq->kind != REQ_NONE) {
      pthread_mutex_unlock(&p->lock);
      bool quit = rq->kind == REQ_QUIT;
      rq->rc = quit ? COACH_OK : handle(p, rq);
      pthread_mutex_lock(&p->lock);
      p->pending = NULL;
      pthread_cond_broadcast(&p->done);
      if(quit)
        break;
      /* The worker is ~10 MB resident and idle between bursts of speech (a session's lines
       * are all spoken at its start): let it go once the caller has its answer; the next
       * line starts a new one. */
      pthread_mutex_unlock(&p->lock);
      speech_worker_rest(p->sw);
      pthread_mutex_lock(&p->lock);
      continue;
    }
    if(p->ao) {
      pthread_mutex_unlock(&p->lock);
      tick(p);
      pthread_mutex_lock(&p->lock);
      if(!p->pending && p->ao) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += PLAYER_TICK_MS * 1000000L;
        if(until.tv_nsec >= 1000000000L) {
          until.tv_sec++;
          until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->wake, &p->lock, &until);
      }
    }
    else if(!p->pending)
      pthread_cond_wait(&p->wake, &p->lock); /* idle: no timer, no wake-ups */
  }
  pthread_mutex_unlock(&p->lock);
  if(p->ao)
    close_session(p, PLAYER_STOPPED, NULL);
  speech_worker_close(p->sw);
  if(p->pa_ready)
    audio_out_terminate();
  return NULL;
}

/* --- main thread ----------------------------------------------------------------------- */

static coach_rc ask(player *p, request *rq, char *why, size_t why_len)
{
  pthread_mutex_lock(&p->lock);
  while(p->pending) /* one caller, so this only guards against misuse */
    pthread_cond_wait(&p->done, &p->lock);
  p->pending = rq;
  pthread_cond_signal(&p->wake);
  while(p->pending == rq)
    pthread_cond_wait(&p->done, &p->lock);
  pthread_mutex_unlock(&p->lock);
  if(rq->rc && why && why_len)
    snprintf(why, why_len, "%s", rq->why[0] ? rq->why : coach_rc_str(rq->rc));
  return rq->rc;
}

coach_rc player_new(const player_options *opt, int wake_fd, player **out, char *why,
                    size_t why_len)
{
  player *p = calloc(1, sizeof(*p));
  if(!p)
    return COACH_E_NOMEM;
  p->opt = *opt;
  snprintf(p->device, sizeof(p->device), "%s", opt->device ? opt->device : "");
  snprintf(p->voices_dir, sizeof(p->voices_dir), "%s", opt->voices_dir ? opt->voices_dir : "");
  p->opt.device = p->device;
  p->opt.voices_dir = p->voices_dir;
  p->volume = opt->volume;
  p->wake_fd = wake_fd;
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->wake, &ca);
  pthread_cond_init(&p->done, NULL);
  pthread_condattr_destroy(&ca);
  if(pthread_create(&p->thread, NULL, engine_main, p) != 0) {
    snprintf(why, why_len, "cannot start the engine thread");
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    free(p);
    return COACH_E_NOMEM;
  }
  pthread_mutex_lock(&p->lock);
  while(!p->started)
    pthread_cond_wait(&p->done, &p->lock);
  coach_rc rc = p->init_rc;
  pthread_mutex_unlock(&p->lock);
  if(rc) {
    snprintf(why, why_len, "%s", p->init_why);
    pthread_join(p->thread, NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    free(p);
    return rc;
  }
  *out = p;
  return COACH_OK;
}

void player_free(player *p)
{
  if(!p)
    return;
  request rq = {.kind = REQ_QUIT};
  ask(p, &rq, NULL, 0);
  pthread_join(p->thread, NULL);
  pthread_mutex_destroy(&p->lock);
  pthread_cond_destroy(&p->wake);
  pthread_cond_destroy(&p->done);
  free(p);
}

coach_rc player_start(player *p, const routine *r, int64_t length_ms, char *why, size_t why_len)
{
  request rq = {.kind = REQ_START, .routine = r, .length_ms = length_ms};
  return ask(p, &rq, why, why_len);
}

static coach_rc simple(player *p, request_kind kind, char *why, size_t why_len)
{
  request rq = {.kind = kind};
  return ask(p, &rq, why, why_len);
}

coach_rc player_stop(player *p, char *why, size_t why_len)
{
  return simple(p, REQ_STOP, why, why_len);
}

coach_rc player_pause(player *p, char *why, size_t why_len)
{
  return simple(p, REQ_PAUSE, why, why_len);
}

coach_rc player_resume(player *p, char *why, size_t why_len)
{
  return simple(p, REQ_RESUME, why, why_len);
}

coach_rc player_skip(player *p, char *why, size_t why_len)
{
  return simple(p, REQ_SKIP, why, why_len);
}

coach_rc player_say(player *p, const char *text, char *why, size_t why_len)
{
  request rq = {.kind = REQ_SAY, .text = text};
  return ask(p, &rq, why, why_len);
}

void player_set_volume(player *p, int volume)
{
  request rq = {.kind = REQ_VOLUME, .volume = volume < 0 ? 0 : volume > 100 ? 100 : volume};
  ask(p, &rq, NULL, 0);
}

void player_get_status(player *p, player_status *st)
{
  request rq = {.kind = REQ_STATUS, .status = st};
  ask(p, &rq, NULL, 0);
}

unsigned player_take_events(player *p)
{
  pthread_mutex_lock(&p->lock);
  unsigned e = p->events;
  p->events = 0;
  pthread_mutex_unlock(&p->lock);
  return e;
}

const char *player_state_name(player_state s)
{
  switch(s) {
  case PLAYER_PLAYING: return "playing";
  case PLAYER_PAUSED: return "paused";
  case PLAYER_ERROR: return "error";
  default: return "stopped";
  }
}
