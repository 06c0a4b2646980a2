/* player — live sessions: the engine thread that owns speech and the audio stream.
 *
 * One thread (started by player_new) does everything with effects on sound: it owns the
 * speech worker (eSpeak NG runs in a child process, coach-speech, so a text that crashes it
 * cannot take coachd down; speech_worker.h; the process runs only while lines are spoken),
 * opens and closes the PortAudio stream, builds each session's score, and mixes it ahead of
 * the play position into the stream's ring with the same mixer `coach render` uses. The
 * PortAudio callback only copies from that ring.
 *
 * The clock is the stream's frame counter: the position in the session is "frames taken from
 * the ring", mapped to the timeline. Pause, resume and stop act inside the callback (so they
 * are heard at once, whatever is queued); skip drops the queue and continues from the next
 * step's first frame.
 *
 * The stream is open only while a session (or a `say`) plays: an idle daemon holds no
 * device, and its engine thread sleeps on a condition variable with no timeout.
 *
 * Threads: every function here is for the daemon's main thread (one caller). Requests are
 * carried out by the engine thread; the calls wait for its answer (a few ms; `start` also
 * waits for the session's speech to be synthesised, ~1 ms per second of speech). Changes the
 * main thread should announce (`idle`) are signalled by writing to wake_fd (an eventfd) and
 * collected with player_take_events().
 */
#ifndef COACH_PLAYER_H
#define COACH_PLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"
#include "routine.h"

#define PLAYER_RING_FRAMES (1 << 17)    /* 2.7 s: room for the whole opening chime */
/* The engine wakes every PLAYER_TICK_MS to top the ring up to PLAYER_AHEAD_MS: each wake-up
 * costs ~13 us of scheduling here, so fewer, larger refills (20 ms ticks were 0.25% of a
 * core); 300 ms of margin keeps a tick that runs late (a loaded machine) from underrunning.
 * Control requests wake it at once, so ticks add no latency to them. */
#define PLAYER_AHEAD_MS 400             /* how far mixing runs ahead of the play position */
#define PLAYER_TICK_MS 100              /* engine wake-ups while a session plays */
#define PLAYER_SAY_MAX 4000             /* bytes of a `say` line */

typedef struct player player;

typedef struct player_options {
  const char *device;          /* NULL or "" for the default output */
  const char *voices_dir;      /* may be NULL */
  voice_settings voice;        /* the daemon's default voice (every field set) */
  int volume;                  /* 0..100 */
  int period_ms;               /* audio device period (coach.ini period_ms) */
} player_options;

typedef enum player_state {
  PLAYER_STOPPED,
  PLAYER_PLAYING,
  PLAYER_PAUSED,
  PLAYER_ERROR, /* the last session ended because of a fault; last_error says which */
} player_state;

typedef struct player_status {
  player_state state;
  char routine[ROUTINE_NAME_MAX + 8];
  char title[128];
  char step_label[160];
  int step, steps;              /* 1-based index of the playing step, and the total */
  const char *breath;           /* "in", "hold", "out" or NULL (a static string) */
  double elapsed_s, duration_s; /* in the session */
  double step_elapsed_s, step_duration_s;
  int volume;
  uint64_t underruns;
  char last_error[512];
} player_status;

/* Starts the engine thread; it initialises speech and PortAudio. On failure *out is untouched
 * and why says what to do. wake_fd is written to (8 bytes, eventfd style) on every change.
 * A speech worker program that is missing or unusable is no failure here: it is logged, and
 * start and say fail with COACH_E_SPEECH and the reason (naming the program and what to do)
 * until a request finds it usable. A voice the worker refuses is a failure. */
coach_rc player_new(const player_options *opt, int wake_fd, player **out, char *why,
                    size_t why_len);

/* Stops any session (with the fade) and the thread, and frees everything. NULL is fine. */
void player_free(player *p);

/* Starts r at length_ms (already checked by routine_choose_length), replacing any session.
 * Returns once the first sound is on its way and the session's speech is ready.
 * COACH_E_DEVICE (no output device), COACH_E_SPEECH, COACH_E_LIMIT... with why. r is only
 * read during the call. */
coach_rc player_start(player *p, const routine *r, int64_t length_ms, char *why,
                      size_t why_len);

/* COACH_E_STATE with why when there is nothing to act on. */
coach_rc player_stop(player *p, char *why, size_t why_len);
coach_rc player_pause(player *p, char *why, size_t why_len);
coach_rc player_resume(player *p, char *why, size_t why_len);
coach_rc player_skip(player *p, char *why, size_t why_len);

/* Speaks text now: over the session when one plays, else on its own. */
coach_rc player_say(player *p, const char *text, char *why, size_t why_len);

/* 0..100; applied at once with a short glide. */
void player_set_volume(player *p, int volume);

void player_get_status(player *p, player_status *st);

/* PROTOCOL_EVENT_* bits that happened since the last call. */
unsigned player_take_events(player *p);

const char *player_state_name(player_state s);

#endif
