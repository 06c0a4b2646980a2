/* listen — coachd's ears: a thread that captures the microphone and hands recognised spoken
 * commands to the main loop.
 *
 * The listener thread owns a record stream of its own on the sound server (libpulse's simple
 * API: 16 kHz mono, read every LISTEN_CHUNK_MS) and the recogniser (recognizer.h). For every
 * chunk it first asks may_hear (half duplex: coachd must not hear its own voice and chimes;
 * player_mic_should_listen() in coachd): when the answer is no, the chunk is dropped and the
 * recogniser starts afresh once it may hear again. When a phrase is heard, the listener
 *  - queues it for the main loop and makes listen_fd() readable (an eventfd),
 *  - plays the acknowledgement (tone.h, TONE_ACK) on a short playback stream of its own, on
 *    coach's sink at coach's volume, so it is heard whatever the session does (a pause
 *    silences the session, not this), and
 *  - stays deaf until LISTEN_DEAF_AFTER_MS after the acknowledgement, which the microphone
 *    hears too (unless may_hear is NULL: full duplex).
 * The main loop takes each command with listen_take() and runs it through the same command
 * table as the socket (server_run_local), so a spoken "coach pause" is exactly `coach pause`.
 *
 * Cost: ~5 % of one core while listening (README, Listening), nothing when stopped: the
 * stream and the recogniser exist only between listen_start() and listen_stop().
 *
 * Threads: listen_start, listen_stop, listen_fd and listen_take are for one thread (coachd's
 * main thread). may_hear runs on the listener thread.
 */
#ifndef COACH_LISTEN_H
#define COACH_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"
#include "phrases.h"

#define LISTEN_CHUNK_MS 50        /* how often the listener reads the microphone */
#define LISTEN_DEAF_AFTER_MS 500  /* after its own acknowledgement */
#define LISTEN_QUEUE_MAX 8        /* heard commands waiting for the main loop */

typedef struct listener listener;

typedef struct listen_options {
  const char *source;           /* PulseAudio source name; NULL or "" for the default input */
  const char *model_dir;        /* NULL for RECOGNIZER_MODEL_DIR */
  const phrase_list *phrases;   /* already expanded (phrases_expand); copied */
  const char *phrases_file;     /* for messages about its lines */
  bool (*may_hear)(void *ctx);  /* NULL: always, not even deaf after the acknowledgement
                                   (an echo-cancelled source: full duplex) */
  const char *sink;             /* where the acknowledgement plays: coach's pulse sink, NULL
                                   or "" for the server's default */
  float (*gain)(void *ctx);     /* the acknowledgement's level: coach's volume; NULL: 1 */
  void *ctx;
} listen_options;

typedef struct listen_heard {
  bool failed;                     /* the microphone was lost: message says why; the
                                      listener has stopped and should be listen_stop()ped */
  char phrase[PHRASES_TEXT_MAX];   /* "coach pause" */
  char command[PHRASES_TEXT_MAX];  /* "pause" */
  double score;
  int64_t heard_ms;                /* CLOCK_MONOTONIC when it was decided */
  int64_t latency_ms;              /* from the phrase's end in the sound to that moment */
  char message[256];
} listen_heard;

/* Loads the recogniser and opens the microphone, then starts the thread. COACH_E_NOTFOUND
 * (no model, a word the model does not know), COACH_E_DEVICE (no sound server, no such
 * source), COACH_E_NOMEM, with why naming what is missing and what to do. On failure *out is
 * untouched and nothing is left open. Takes ~0.2 s (the model). */
coach_rc listen_start(const listen_options *opt, listener **out, char *why, size_t why_len);

/* Stops the thread (within LISTEN_CHUNK_MS), closes the stream, frees everything. NULL is
 * fine. Commands not yet taken are dropped. */
void listen_stop(listener *l);

/* Readable (POLLIN) while heard commands wait; listen_take empties it. */
int listen_fd(const listener *l);

/* The next heard command (or the failure), oldest first; false when none waits. */
bool listen_take(listener *l, listen_heard *out);

#endif
