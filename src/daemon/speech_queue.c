#include "speech_queue.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock_ms.h"
#include "speech_worker.h"

struct speech_queue {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  fifo jobs;               /* under lock */
  bool quit;               /* under lock */
  _Atomic bool failing;    /* the last worker start failed */

  speech_queue_done_fn done;
  speech_queue_log_fn log;
  void *ctx;
  char voices_dir[4096];

  /* The speech thread's own. */
  speech_worker *sw;
  speaker spk;
};

speech_job *speech_job_new(speech_job_kind kind, uint64_t id, const char *text)
{
  speech_job *job = calloc(1, sizeof(*job));
  if(!job)
    return NULL;
  job->kind = kind;
  job->id = id;
  if(text) {
    job->text = strdup(text);
    if(!job->text) {
      free(job);
      return NULL;
    }
  }
  return job;
}

void speech_job_free(speech_job *job)
{
  if(!job)
    return;
  routine_free(job->routine);
  score_free(job->score);
  free(job->samples);
  free(job->text);
  free(job);
}

static void log_worker(void *ctx, bool trouble, const char *message)
{
  speech_queue *q = ctx;
  if(q->log)
    q->log(q->ctx, trouble, message);
}

/* A line of a session that could not be spoken: the score puts a marker tone in its place
 * (score.h) and the session plays on; the log names the line. */
static void log_line_failed(void *ctx, const char *text, const char *why)
{
  char line[700];
  snprintf(line, sizeof(line), "could not speak \"%.60s%s\": %s; a marker tone plays in its place",
           text, strlen(text) > 60 ? "..." : "", why);
  log_worker(ctx, true, line);
}

/* The worker, started when missing. */
static coach_rc worker(speech_queue *q, char *why, size_t why_len)
{
  if(q->sw)
    return COACH_OK;
  coach_rc rc = speech_worker_open(NULL, q->voices_dir[0] ? q->voices_dir : NULL, &q->sw, why,
                                   why_len);
  atomic_store(&q->failing, rc != COACH_OK);
  if(rc)
    return rc;
  speech_worker_set_log(q->sw, log_worker, q);
  q->spk = speaker_worker(q->sw);
  q->spk.line_failed = log_line_failed;
  q->spk.line_failed_ctx = q;
  return COACH_OK;
}

static void run(speech_queue *q, speech_job *job)
{
  job->rc = worker(q, job->why, sizeof(job->why));
  if(job->rc)
    return;
  if(job->kind == SPEECH_JOB_SCORE) {
    job->rc = score_build(&q->spk, &job->voice, job->routine, job->length_ms, &job->score,
                          job->why, sizeof(job->why));
    routine_free(job->routine); /* laid out: the score owns what it needs */
    job->routine = NULL;
    return;
  }
  job->rc = q->spk.set_voice(q->spk.ctx, &job->voice, job->why, sizeof(job->why));
  if(!job->rc)
    job->rc = q->spk.synth(q->spk.ctx, job->text, &job->samples, &job->length, &job->rate);
  if(job->rc && !job->why[0])
    snprintf(job->why, sizeof(job->why), "could not speak that line: %s",
             q->spk.last_error(q->spk.ctx));
}

static void *speech_main(void *arg)
{
  speech_queue *q = arg;
  pthread_setname_np(pthread_self(), "coach-speech"); /* tells it apart in top and perf */
  pthread_mutex_lock(&q->lock);
  for(;;) {
    while(!q->jobs.head && !q->quit) {
      if(!q->sw) {
        pthread_cond_wait(&q->wake, &q->lock);
        continue;
      }
      /* A worker is running: end it once nothing came for a while. */
      struct timespec until;
      clock_gettime(CLOCK_MONOTONIC, &until);
      until.tv_sec += SPEECH_QUEUE_IDLE_MS / 1000;
      if(pthread_cond_timedwait(&q->wake, &q->lock, &until) != 0 && !q->jobs.head && !q->quit) {
        pthread_mutex_unlock(&q->lock);
        speech_worker_close(q->sw);
        q->sw = NULL;
        log_worker(q, false, "speech worker ended: nothing to say for a while");
        pthread_mutex_lock(&q->lock);
      }
    }
    if(q->quit)
      break;
    speech_job *job = (speech_job *)fifo_pop(&q->jobs);
    pthread_mutex_unlock(&q->lock);
    run(q, job);
    q->done(q->ctx, job);
    pthread_mutex_lock(&q->lock);
  }
  pthread_mutex_unlock(&q->lock);
  speech_worker_close(q->sw);
  q->sw = NULL;
  return NULL;
}

/* Before the thread runs: the worker once, to check the voice of the settings. */
static coach_rc check_voice(speech_queue *q, const voice_settings *voice, char *why,
                            size_t why_len)
{
  char reason[512];
  coach_rc rc = worker(q, reason, sizeof(reason));
  if(rc) {
    char line[600];
    snprintf(line, sizeof(line), "speech is unavailable: %s; coachd runs on, and start and say "
             "will fail until this is fixed", reason);
    log_worker(q, true, line);
    return COACH_OK;
  }
  rc = q->spk.set_voice(q->spk.ctx, voice, why, why_len);
  speech_worker_close(q->sw); /* an idle coachd runs no worker */
  q->sw = NULL;
  return rc;
}

coach_rc speech_queue_new(const char *voices_dir, const voice_settings *voice,
                          speech_queue_done_fn done, speech_queue_log_fn log, void *ctx,
                          speech_queue **out, char *why, size_t why_len)
{
  speech_queue *q = calloc(1, sizeof(*q));
  coach_rc rc;
  if(!q)
    return COACH_E_NOMEM;
  q->done = done;
  q->log = log;
  q->ctx = ctx;
  snprintf(q->voices_dir, sizeof(q->voices_dir), "%s", voices_dir ? voices_dir : "");
  rc = check_voice(q, voice, why, why_len);
  if(rc) {
    free(q);
    return rc;
  }
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_mutex_init(&q->lock, NULL);
  pthread_cond_init(&q->wake, &ca);
  pthread_condattr_destroy(&ca);
  if(pthread_create(&q->thread, NULL, speech_main, q) != 0) {
    coach_why(why, why_len, "cannot start the speech thread");
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->wake);
    free(q);
    return COACH_E_NOMEM;
  }
  *out = q;
  return COACH_OK;
}

bool speech_queue_worker_failing(const speech_queue *q)
{
  return atomic_load(&q->failing);
}

void speech_queue_push(speech_queue *q, speech_job *job)
{
  pthread_mutex_lock(&q->lock);
  fifo_push(&q->jobs, &job->link);
  pthread_cond_signal(&q->wake);
  pthread_mutex_unlock(&q->lock);
}

void speech_queue_free(speech_queue *q)
{
  if(!q)
    return;
  pthread_mutex_lock(&q->lock);
  q->quit = true;
  pthread_cond_signal(&q->wake);
  pthread_mutex_unlock(&q->lock);
  pthread_join(q->thread, NULL);
  speech_job *job;
  while((job = (speech_job *)fifo_pop(&q->jobs)))
    speech_job_free(job);
  pthread_mutex_destroy(&q->lock);
  pthread_cond_destroy(&q->wake);
  free(q);
}
