/* speech_queue — coachd's speech thread: the one user of the speech worker (speech_worker.h),
 * so that making speech never holds up the engine (which keeps playing) or the main loop
 * (which keeps answering clients).
 *
 * Jobs run one at a time, in the order they were pushed: a session's whole score (every line
 * spoken once, first lines first, for the whole session), or one line (`say`). Each finished
 * job goes to the done callback, on the speech thread; the owner moves it to its own thread.
 *
 * The worker process starts with the first job that needs it and serves every job after
 * that; it ends when no job came for SPEECH_QUEUE_IDLE_MS, so an idle coachd has no worker.
 * A worker that dies is replaced and the line retried (speech_worker.h). A worker program
 * that is missing or unusable fails each job with the reason, and is looked for again at the
 * next job: installing it is enough, no restart.
 *
 * Ownership: a pushed job belongs to the queue until it is handed to done; then to the owner,
 * who frees it with speech_job_free(). A job's routine reference (routine_hold) is dropped by
 * the queue once the score is laid out.
 *
 * Threads: every function is for the owner's thread (coachd's engine thread), except the
 * done callback, which runs on the speech thread.
 */
#ifndef COACH_SPEECH_QUEUE_H
#define COACH_SPEECH_QUEUE_H

#include <stdint.h>

#include "coach_error.h"
#include "fifo.h"
#include "routine.h"
#include "score.h"

/* The worker's life after the last job: a session's lines are all made at its start, and a
 * new worker for a later `say` takes ~5-15 ms. */
#define SPEECH_QUEUE_IDLE_MS 10000

typedef enum speech_job_kind {
  SPEECH_JOB_SCORE, /* a session's score */
  SPEECH_JOB_LINE,  /* one line */
} speech_job_kind;

typedef struct speech_job {
  fifo_link link; /* first: the queue's, then its owner's */
  speech_job_kind kind;
  uint64_t id; /* the owner's, untouched */

  /* In. SCORE: routine (a held reference), length_ms, voice (the daemon's default, which
   * the routine's own settings override). LINE: text, voice. */
  routine *routine;
  int64_t length_ms;
  voice_settings voice;
  char *text;

  /* Out. rc and why; SCORE: score (owned by the job until taken); LINE: samples (malloc'ed,
   * owned by the job until taken), their length and rate, as speaker.synth gives them. */
  coach_rc rc;
  char why[512];
  score *score;
  int16_t *samples;
  int64_t length;
  int rate;
} speech_job;

typedef struct speech_queue speech_queue;

/* Called on the speech thread with each finished job; the receiver owns it from then on. */
typedef void (*speech_queue_done_fn)(void *ctx, speech_job *job);

/* Receives one line for the log about the worker's life or a line's trouble. */
typedef void (*speech_queue_log_fn)(void *ctx, bool trouble, const char *message);

/* Starts the speech thread (voices_dir as for speech_worker_open). Then checks
 * voice with a worker, waiting for the answer: a voice the worker refuses is COACH_E_NOTFOUND
 * or COACH_E_INVALID with why (a mistake in the settings); a worker program that cannot run
 * is no failure here (it is logged, and jobs fail until it is there). On failure *out is
 * untouched and nothing is left running. */
coach_rc speech_queue_new(const char *voices_dir, const voice_settings *voice,
                          speech_queue_done_fn done, speech_queue_log_fn log, void *ctx,
                          speech_queue **out, char *why, size_t why_len);

/* A new job, zeroed, with kind and id set; NULL when out of memory. text is copied. */
speech_job *speech_job_new(speech_job_kind kind, uint64_t id, const char *text);
/* Frees the job and whatever it still owns (routine reference, score, samples). */
void speech_job_free(speech_job *job);

/* Queues job behind the others. */
void speech_queue_push(speech_queue *q, speech_job *job);

/* True when the last attempt to start a worker failed (its program missing or unusable), so
 * a session should not begin to sound before its speech is made. Any thread. */
bool speech_queue_worker_failing(const speech_queue *q);

/* Stops the thread after the job in progress (the rest are freed, not done) and ends the
 * worker. NULL is fine. */
void speech_queue_free(speech_queue *q);

#endif
