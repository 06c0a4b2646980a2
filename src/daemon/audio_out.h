/* audio_out — how coachd's sound leaves the process: one interface, and one file per sound
 * system behind it, as MPD has one output plugin per audio system.
 *
 *   pulse       audio_out_pulse.c: libpulse, the client library of the sound server that
 *               current Linux desktops run (PulseAudio, or PipeWire through pipewire-pulse).
 *   portaudio   audio_out_portaudio.c: PortAudio, for machines with no sound server (ALSA
 *               hardware directly, JACK). Debian's PortAudio has no PulseAudio host API, so
 *               on a desktop it would go through ALSA's pulse plugin, which costs about six
 *               thread wake-ups per device period and cannot take back queued audio.
 *
 * What is shared: an output only moves frames from a feed (feed.h) to its sound system. The
 * feed owns the ring the engine mixes into, carries out pause, resume, stop, skip's flush and
 * volume on the frames as they are taken, and holds the session clock (the ring position
 * heard). So both outputs play exactly the same samples; they differ in how they keep the
 * listener's position and how soon a control is heard:
 *   - portaudio plays what its callback takes within one device period, so a control acts
 *     within a period or two;
 *   - pulse keeps about half a second queued at the server (few wake-ups) and, when a control
 *     comes, writes the new sound over the queued audio from just after the frame being heard
 *     (kick()), as the feed's cursor allows.
 *
 * Health, not guesses: an output says whether it is STARTING, PLAYING or LOST, from what its
 * sound system reports (pulse: the context and stream state callbacks; portaudio: the stream
 * finishing, or a callback that stops being called for AUDIO_OUT_STALL_MS, far longer than a
 * slow sink ever pauses). A slow sink is not a lost one. A lost output is closed and a new one
 * opened by the caller (the engine's waiting state).
 *
 * Threads: every function of the table is for one thread, the engine thread, which owns the
 * outputs it opens; notify() is called from the output's own thread.
 */
#ifndef COACH_AUDIO_OUT_H
#define COACH_AUDIO_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "coach_error.h"
#include "feed.h"

/* A portaudio callback silent this long means the device is gone; a null sink that nobody
 * records asks for its first audio up to 2 s late, a Bluetooth sink waking from suspend
 * alike, so this is well beyond. */
#define AUDIO_OUT_STALL_MS 5000

typedef enum audio_out_health {
  AUDIO_OUT_STARTING, /* connecting or opening; nothing is lost yet */
  AUDIO_OUT_PLAYING,  /* ready and taking frames (a slow sink is still PLAYING) */
  AUDIO_OUT_LOST,     /* the server, the device or the stream failed */
} audio_out_health;

typedef struct audio_out_params {
  feed *feed;              /* where the frames come from; outlives the output */
  int rate;                /* the feed's rate: mono float frames at this rate */
  const char *device;      /* NULL or "": the system default; else the output's own name
                              for a device (a pulse sink name; a PortAudio device name or
                              part of it) */
  const char *stream_name; /* for people, e.g. the routine's title: the desktop's volume
                              mixer shows "coach: Constructive rest" */
  int period_ms;           /* portaudio: the device period, 2..50 (coach.ini) */
  /* Called from the output's own thread whenever its health may have changed, so the
   * engine looks again (health()). Must not call back into the output. */
  void (*notify)(void *ctx);
  void *notify_ctx;
} audio_out_params;

typedef struct audio_out audio_out;

typedef struct audio_out_ops {
  const char *name; /* "pulse", "portaudio": what coach.ini's [audio] output and status say */

  /* Opens the output and starts it taking frames from the feed (the feed's requests decide
   * whether they are sound or silence). Returns once the sound system answered, or failed:
   * COACH_E_DEVICE with why saying what is missing and what to do (no server, no device, no
   * such device, the format refused); COACH_E_NOMEM. The stream may still be STARTING. On
   * failure *out is untouched and nothing is left open. */
  coach_rc (*open)(const audio_out_params *p, audio_out **out, char *why, size_t why_len);

  /* The feed's requests changed (pause, resume, stop, flush, volume): make them heard now. */
  void (*kick)(audio_out *ao);

  /* The engine wrote more frames into the feed, or time passed: hand what the sound system
   * wants, and bring the feed's heard position up to date. Call every engine tick. */
  void (*pump)(audio_out *ao);

  /* Where the output stands; for LOST, why says what happened (may be NULL). */
  audio_out_health (*health)(audio_out *ao, char *why, size_t why_len);

  /* Closes the output and frees ao (NULL is fine). fade: the feed was asked to stop and the
   * listener should hear its fade out before the stream ends (waits ~30 ms at most); false
   * for a lost output (nothing waits). Never blocks for long on a server that hangs. */
  void (*close)(audio_out *ao, bool fade);

  /* The device playing, for status and the log ("coach_null", "default"). */
  const char *(*device)(const audio_out *ao);

  /* Releases what the sound system keeps for the whole process once every output is closed
   * (at exit). NULL when there is nothing. */
  void (*shutdown)(void);
} audio_out_ops;

/* Each output's own struct begins with this. */
struct audio_out {
  const audio_out_ops *ops;
};

extern const audio_out_ops audio_out_pulse;
extern const audio_out_ops audio_out_portaudio;

/* The output named name ("pulse", "portaudio"), NULL for any other. */
const audio_out_ops *audio_out_find(const char *name);

/* At exit, once every output is closed: each output's shutdown. */
void audio_out_shutdown(void);

#endif
