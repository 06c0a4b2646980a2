/* player — live sessions: the engine thread that plays them, and what the main thread asks of
 * it.
 *
 * Three threads work for a session:
 *  - the engine thread (this module) owns the sound output (audio_out.h) and the session: it
 *    mixes the session's score ahead of the listener into the feed (feed.h) with the mixer
 *    `coach render` uses, carries out every request, and keeps the session alive through a
 *    lost sound server;
 *  - the speech thread (speech_queue.h) makes the session's speech, every line once, while
 *    the engine already plays the opening chime;
 *  - the output's own thread (a PortAudio callback, or libpulse's main loop) takes the frames.
 * The main thread only hands requests over and collects answers: nothing it calls waits for
 * the engine or for speech.
 *
 * Requests and their answers: player_start/stop/pause/... return at once; the verdict comes
 * back through the reply given with the request, called on the main thread by
 * player_dispatch() once the engine has done the work (`start` once the session's speech is
 * made and it plays; `say` once its line is made and queued). Replies come in the order the
 * work finished, which for everything but start and say is the order of the requests.
 *
 * The clock is the ring position the listener has heard (feed.h), mapped to timeline frames.
 * Pause, resume, stop and volume are carried out on the frames as the output takes them, so
 * they are heard at once whatever is queued; skip drops the queue and goes on from the next
 * step's first frame.
 *
 * Sound lost: when the output reports its server, device or stream lost, the session waits
 * (state WAITING, and why) with its place and its speech kept, and opens a new output with a
 * short back-off. When one plays again the listener hears a soft chime, then the session
 * carries on from the start of the spoken line, hold or breath that was interrupted
 * (timeline_resume_point). Stop, pause and status work while waiting; after give_up_after
 * the session ends with an error that says what happened.
 *
 * The output is open only while a session (or a `say`) plays: an idle daemon holds no device
 * and no connection to the sound server, and its engine thread sleeps without a timer.
 *
 * Waiting for the person (a routine's `do = wait` step, timeline.h): mixing stops at the
 * step's wait point; once the listener has heard up to it the session is held (PAUSED, and
 * held in its status) until resume or skip, which go on from the step's end. A resume that
 * comes while the wait's own words still play lets the session go on after them.
 *
 * Every routine session that ends (finished, stopped, replaced, or ended by a fault) is
 * appended to the practice log (history.h), on the engine thread; a lone `say` is not.
 *
 * Threads: every function here is for the daemon's main thread (one caller). wake_fd (an
 * eventfd) is written whenever player_dispatch() has something to do.
 */
#ifndef COACH_PLAYER_H
#define COACH_PLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"
#include "routine.h"

/* The ring holds what is written and not yet heard: the output's queue (pulse keeps ~0.5 s at
 * the server, plus the sink's own latency) and the engine's lead. 5.5 s at 48 kHz. */
#define PLAYER_RING_FRAMES (1 << 18)
/* The engine wakes every PLAYER_TICK_MS to top the feed up to PLAYER_AHEAD_MS beyond what the
 * output has taken: each wake-up costs scheduling, so few and large refills; the margin keeps
 * a tick that runs late (a loaded machine) from starving the output. Requests wake it at
 * once, so ticks add no latency to them. */
#define PLAYER_AHEAD_MS 400
#define PLAYER_TICK_MS 100
#define PLAYER_SAY_MAX 4000 /* bytes of a `say` line */
#define PLAYER_GIVE_UP_MS_DEFAULT (10 * 60 * 1000)

typedef struct player player;

/* How a request's verdict comes back: fn(ctx, tag, rc, why) on the main thread, from
 * player_dispatch() (or at once, from the call, when the request cannot even be queued);
 * why is "" on success. ctx and tag are the asker's (a socket's reply ticket, say). fn may be
 * NULL. */
typedef struct player_reply {
  void (*fn)(void *ctx, uint64_t tag, coach_rc rc, const char *why);
  void *ctx;
  uint64_t tag;
} player_reply;

typedef struct player_options {
  const char *output;           /* "auto" (pulse when a server answers, else portaudio),
                                   "pulse" or "portaudio" */
  const char *pulse_device;     /* sink name, NULL or "" for the server's default */
  const char *portaudio_device; /* device name or part of it, NULL or "" for the default */
  int period_ms;                /* portaudio's device period */
  int64_t give_up_ms;           /* how long a session waits for lost sound, then ends */
  const char *voices_dir;       /* may be NULL */
  voice_settings voice;         /* the daemon's default voice (every field set) */
  int volume;                   /* 0..100 */
} player_options;

typedef enum player_state {
  PLAYER_STOPPED,
  PLAYER_PLAYING,
  PLAYER_PAUSED,
  PLAYER_WAITING, /* the sound output was lost; the session keeps its place and tries again */
  PLAYER_ERROR,   /* the last session ended because of a fault; last_error says which */
} player_state;

typedef struct player_status {
  player_state state;
  char routine[ROUTINE_NAME_MAX + 8]; /* "" for a lone `say` */
  char title[128];
  char step_label[160];
  int step, steps;              /* 1-based index of the playing step, and the total (0: none) */
  const char *breath;           /* "in", "hold", "out" or NULL (a static string) */
  double elapsed_s, duration_s; /* in the session */
  double step_elapsed_s, step_duration_s;
  bool preparing;               /* the session's speech is still being made */
  bool held;                    /* paused at a wait step until the person carries on */
  int volume;
  uint64_t underruns;
  int speech_errors;            /* the session's lines that play as a marker tone (score.h) */
  char output[16];              /* the output playing ("pulse", "portaudio"), "" when none */
  char device[128];             /* its device */
  char waiting[256];            /* why the session waits for its sound, "" when it does not */
  char last_error[512];
} player_status;

/* Starts the engine and speech threads; checks the voice with the speech worker. A voice the
 * worker refuses is a failure (a mistake in the settings); a worker program that is missing
 * or unusable is not: it is logged, and start and say fail with the reason (naming the
 * program and what to do) until it is there. On failure *out is untouched, why says what to
 * do. wake_fd is written to (8 bytes, eventfd style) when player_dispatch() has work. */
coach_rc player_new(const player_options *opt, int wake_fd, player **out, char *why,
                    size_t why_len);

/* Stops any session (with the fade) and the threads, and frees everything. Replies still
 * pending are dropped. NULL is fine. */
void player_free(player *p);

/* Plays r at length_ms (already checked by routine_choose_length), replacing any session; r
 * is held (routine_hold) as long as the engine needs it. The reply comes once the session's
 * speech is made and its sound plays: COACH_E_DEVICE (no output), COACH_E_SPEECH, COACH_E_STATE
 * (replaced or stopped before it was ready) with why. */
void player_start(player *p, const routine *r, int64_t length_ms, player_reply reply);

/* Each answers COACH_E_STATE with why when there is nothing to act on. */
void player_stop(player *p, player_reply reply);
void player_pause(player *p, player_reply reply);
void player_resume(player *p, player_reply reply);
void player_skip(player *p, player_reply reply);    /* to the next step (the last: the end) */
void player_restart(player *p, player_reply reply); /* the current step from its start */

#define PLAYER_SAY_CHIME 1u     /* a soft chime first (a reminder, not an answer) */
#define PLAYER_SAY_IDLE_ONLY 2u /* only when nothing plays or is paused, else COACH_E_STATE:
                                   decided on the engine thread, so no session can start
                                   between the check and the line (a reminder must never
                                   talk over a session) */
/* Speaks text (at most PLAYER_SAY_MAX bytes): over the session when one plays, else on its
 * own. The reply comes once the line is made and queued. */
void player_say(player *p, const char *text, unsigned flags, player_reply reply);

/* 0..100; applied at once with a short glide. */
void player_set_volume(player *p, int volume);

/* What the session is doing, from what the engine last published and the listener's
 * position now: never waits for the engine. */
void player_get_status(player *p, player_status *st);

/* When wake_fd is readable: calls the replies that are due and returns the PROTOCOL_EVENT_*
 * bits that happened since the last call. */
unsigned player_dispatch(player *p);

/* Half duplex for coachd's listener (listen.h): false while coach's own voice or a chime
 * sounds at the play position or sounded less than PLAYER_MIC_AFTER_MS ago (the room's echo,
 * the device's latency), or begins within PLAYER_MIC_BEFORE_MS; true during breathing tones,
 * silent holds, a pause, a wait, and with no session. Any thread: it reads what the engine
 * publishes at each tick and never waits for it. */
#define PLAYER_MIC_AFTER_MS 500
#define PLAYER_MIC_BEFORE_MS 200
bool player_mic_should_listen(player *p);

/* The gain coach's volume gives a sound (a cue of the listener's own). Any thread. */
float player_volume_gain(player *p);

const char *player_state_name(player_state s);

#endif
