#include "listen.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <pulse/error.h>
#include <pulse/simple.h>

#include "clock_ms.h"
#include "log.h"
#include "recognizer.h"
#include "tone.h"

#define CHUNK_SAMPLES (RECOGNIZER_RATE * LISTEN_CHUNK_MS / 1000)
#define ACK_RATE 48000

struct listener {
  pthread_t thread;
  atomic_bool stop;
  int wake_fd;
  pa_simple *rec;
  recognizer *rec_engine;
  listen_options opt;
  phrase_list phrases;
  char source[256];

  pthread_mutex_t lock; /* the queue */
  listen_heard queue[LISTEN_QUEUE_MAX];
  int head, count;
};

static void post(listener *l, const listen_heard *h)
{
  pthread_mutex_lock(&l->lock);
  if(l->count < LISTEN_QUEUE_MAX) {
    l->queue[(l->head + l->count) % LISTEN_QUEUE_MAX] = *h;
    l->count++;
  }
  pthread_mutex_unlock(&l->lock);
  uint64_t one = 1;
  if(write(l->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
    log_msg(LVL_WARN, "listen: cannot wake the main loop: %s", strerror(errno));
}

/* Plays TONE_ACK on a playback stream of its own, on coach's sink at coach's volume, and
 * waits until it has been heard. */
static void acknowledge(const listener *l)
{
  static float sound[ACK_RATE / 4];
  int64_t frames = tone_chime_frames(TONE_ACK, ACK_RATE);
  if(frames > (int64_t)(sizeof(sound) / sizeof(sound[0])))
    frames = (int64_t)(sizeof(sound) / sizeof(sound[0]));
  memset(sound, 0, sizeof(sound));
  tone_add(TONE_ACK, frames, ACK_RATE, 0, sound, (size_t)frames,
           l->opt.gain ? l->opt.gain(l->opt.ctx) : 1.0f);
  pa_sample_spec ss = {.format = PA_SAMPLE_FLOAT32NE, .rate = ACK_RATE, .channels = 1};
  int err = 0;
  pa_simple *play = pa_simple_new(NULL, "coachd", PA_STREAM_PLAYBACK,
                                  l->opt.sink && *l->opt.sink ? l->opt.sink : NULL, "heard you", &ss,
                                  NULL, NULL, &err);
  if(!play) {
    log_msg(LVL_WARN, "listen: cannot play the acknowledgement: %s", pa_strerror(err));
    return;
  }
  if(pa_simple_write(play, sound, (size_t)frames * sizeof(float), &err) < 0 ||
     pa_simple_drain(play, &err) < 0)
    log_msg(LVL_WARN, "listen: the acknowledgement did not play: %s", pa_strerror(err));
  pa_simple_free(play);
}

static void *listen_main(void *arg)
{
  listener *l = arg;
  pthread_setname_np(pthread_self(), "coach-listen");
  int16_t chunk[CHUNK_SAMPLES];
  int64_t fed = 0;        /* samples given to the recogniser (its clock) */
  int64_t deaf_until = 0; /* ms, after an acknowledgement */
  bool deaf = false;
  while(!atomic_load(&l->stop)) {
    int err = 0;
    if(pa_simple_read(l->rec, chunk, sizeof(chunk), &err) < 0) {
      listen_heard h = {.failed = true, .heard_ms = clock_ms_now()};
      snprintf(h.message, sizeof(h.message), "the microphone stopped: %s", pa_strerror(err));
      post(l, &h);
      break;
    }
    bool hear = clock_ms_now() >= deaf_until && (!l->opt.may_hear || l->opt.may_hear(l->opt.ctx));
    if(!hear) {
      deaf = true;
      continue;
    }
    if(deaf) {
      recognizer_reset(l->rec_engine);
      deaf = false;
    }
    recognizer_heard rh;
    int found = recognizer_feed(l->rec_engine, chunk, CHUNK_SAMPLES, &rh);
    fed += CHUNK_SAMPLES;
    if(!found)
      continue;
    const phrase *p = &l->phrases.items[rh.phrase];
    listen_heard h = {.score = rh.score, .heard_ms = clock_ms_now()};
    snprintf(h.phrase, sizeof(h.phrase), "%s", p->words);
    snprintf(h.command, sizeof(h.command), "%s", p->command);
    /* The chunk just read ends at `fed`; the phrase ended end_sample into the sound. */
    h.latency_ms = (fed - rh.end_sample) * 1000 / RECOGNIZER_RATE;
    post(l, &h);
    acknowledge(l);
    deaf_until = l->opt.may_hear ? clock_ms_now() + LISTEN_DEAF_AFTER_MS : 0;
    deaf = true;
    if(pa_simple_flush(l->rec, &err) < 0)
      log_msg(LVL_DEBUG, "listen: flush: %s", pa_strerror(err));
  }
  return NULL;
}

coach_rc listen_start(const listen_options *opt, listener **out, char *why, size_t why_len)
{
  listener *l = calloc(1, sizeof(*l));
  if(!l)
    return COACH_E_NOMEM;
  l->opt = *opt;
  l->phrases = *opt->phrases;
  l->opt.phrases = &l->phrases;
  snprintf(l->source, sizeof(l->source), "%s", opt->source ? opt->source : "");
  l->wake_fd = -1;
  pthread_mutex_init(&l->lock, NULL);
  coach_rc rc = recognizer_new(opt->model_dir, &l->phrases, opt->phrases_file, &l->rec_engine,
                               why, why_len);
  if(rc)
    goto fail;
  l->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if(l->wake_fd < 0) {
    coach_why(why, why_len, "cannot make an eventfd: %s", strerror(errno));
    rc = COACH_E_NOMEM;
    goto fail;
  }
  pa_sample_spec ss = {.format = PA_SAMPLE_S16NE, .rate = RECOGNIZER_RATE, .channels = 1};
  /* Fragments of one chunk: the server sends sound as it comes, not in its default 2 s. */
  pa_buffer_attr attr = {.maxlength = (uint32_t)-1, .fragsize = CHUNK_SAMPLES * 2};
  int err = 0;
  l->rec = pa_simple_new(NULL, "coachd", PA_STREAM_RECORD, l->source[0] ? l->source : NULL,
                         "spoken commands", &ss, NULL, &attr, &err);
  if(!l->rec) {
    coach_why(why, why_len, "no microphone: cannot record from %s%s%s: %s",
              l->source[0] ? "\"" : "the sound server's default input",
              l->source, l->source[0] ? "\" ([listen] source in coach.ini)" : "",
              pa_strerror(err));
    rc = COACH_E_DEVICE;
    goto fail;
  }
  if(pthread_create(&l->thread, NULL, listen_main, l) != 0) {
    coach_why(why, why_len, "cannot start the listener thread");
    rc = COACH_E_NOMEM;
    goto fail;
  }
  *out = l;
  return COACH_OK;
fail:
  if(l->rec)
    pa_simple_free(l->rec);
  if(l->wake_fd >= 0)
    close(l->wake_fd);
  recognizer_free(l->rec_engine);
  pthread_mutex_destroy(&l->lock);
  free(l);
  return rc;
}

void listen_stop(listener *l)
{
  if(!l)
    return;
  atomic_store(&l->stop, true);
  pthread_join(l->thread, NULL);
  pa_simple_free(l->rec);
  recognizer_free(l->rec_engine);
  close(l->wake_fd);
  pthread_mutex_destroy(&l->lock);
  free(l);
}

int listen_fd(const listener *l)
{
  return l->wake_fd;
}

bool listen_take(listener *l, listen_heard *out)
{
  uint64_t count;
  if(read(l->wake_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
    log_msg(LVL_WARN, "listen: eventfd: %s", strerror(errno));
  pthread_mutex_lock(&l->lock);
  bool any = l->count > 0;
  if(any) {
    *out = l->queue[l->head];
    l->head = (l->head + 1) % LISTEN_QUEUE_MAX;
    l->count--;
  }
  bool more = l->count > 0;
  pthread_mutex_unlock(&l->lock);
  if(more) {
    uint64_t one = 1; /* stay readable until the queue is empty */
    if(write(l->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
      log_msg(LVL_WARN, "listen: eventfd: %s", strerror(errno));
  }
  return any;
}
