/* audio_out — the daemon's one owner of PortAudio: a callback stream that plays what the
 * engine mixes into a lock-free ring, with pause, resume, stop, skip (flush) and volume that
 * act within one device buffer however full the ring is.
 *
 * Why this shape (PLATFORM.md): Debian's PortAudio has no PulseAudio host API, so we play to
 * ALSA's "default", which libasound2-plugins routes to the PulseAudio server. When the server
 * dies PortAudio reports no error; the callback just stops being called. So the callback
 * counts frames (the only trustworthy clock) and the main thread runs a watchdog on that
 * count; recovery is audio_out_close() + audio_out_reinit() + audio_out_open().
 *
 * Audio: mono float32 at the mix rate (48000), samples within [-1, 1]. If a device refuses
 * mono it gets stereo with the same signal on both channels.
 *
 * Threads. Three roles; each function says which may call it:
 *   main      one thread for all of these (the one that calls audio_out_init(); in coachd the
 *             engine thread): init, terminate, reinit, open, close, closing, check_alive,
 *             device_name. PortAudio itself must not be used from two threads at once.
 *   producer  one thread at a time (the engine): write, space, mark_end, clear_end, flush.
 *   any       control requests and readers of state; they only touch atomics, never block,
 *             and are safe from any thread, including a signal-free poll loop.
 * The PortAudio callback (inside this module) is real-time safe: no allocation, lock, I/O or
 * logging; it talks to the other threads only through the ring and atomics.
 *
 * Playback control is carried out inside the callback, so it acts on what is being heard
 * now, not on what is queued: pause fades out over 5 ms and then plays silence without
 * consuming the ring (the position is kept); play fades in over 5 ms; stop is pause that
 * the caller can tell apart (the session is over); flush fades out over 5 ms and drops what
 * was queued. All fades are linear; volume changes glide (5 ms time constant), so nothing
 * clicks.
 */
#ifndef COACH_AUDIO_OUT_H
#define COACH_AUDIO_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"

/* 5 ms: long enough that a fade of these soft signals is smaller than their own sample
 * steps (no click, measured by tests/bench), short enough that stop is silent within 20 ms. */
#define AUDIO_OUT_FADE_MS 5        /* pause, resume, stop */
#define AUDIO_OUT_FLUSH_FADE_MS 5  /* flush (skip), out and back in */
#define AUDIO_OUT_VOLUME_MS 5      /* time constant of the volume glide */
#define AUDIO_OUT_WATCHDOG_MS 1000 /* callback silent this long: the device is gone */
/* The device period, how often the callback runs, is the caller's choice (coach.ini's
 * period_ms, 5 by default). Each period costs the ALSA pulse plugin and PortAudio about 5
 * thread wake-ups (~13 us each on our CI machines), so short periods cost CPU; the device
 * buffer is two or more periods, and stop and pause are heard only once it has played out,
 * so long periods cost latency. See README, Benchmarks. */

typedef struct audio_out audio_out;

/* What the listener hears, as the callback last saw it. PLAYING includes the fades, so
 * PAUSED and STOPPED mean "silent now". */
typedef enum audio_out_state {
  AUDIO_OUT_PAUSED = 0, /* the state after open: silent, ring position held */
  AUDIO_OUT_PLAYING,
  AUDIO_OUT_STOPPED,
} audio_out_state;

typedef struct audio_out_stats {
  audio_out_state state;
  uint64_t position;        /* frames taken from the ring (played or flushed): session clock */
  uint64_t written;         /* frames the producer has written into the ring */
  uint64_t frames_out;      /* frames handed to the device, silence included: wall clock */
  uint64_t callbacks;       /* callback invocations */
  uint64_t underruns;       /* callbacks that found the ring short while playing */
  uint64_t underrun_frames; /* zero frames inserted for those */
  uint64_t xruns;           /* callbacks PortAudio flagged with an output underflow */
  uint64_t flushes;         /* flushes carried out */
  bool drained;             /* mark_end was called and the position reached it */
  bool finished;            /* PortAudio ended the stream (device lost) */
  double callback_ms_avg;   /* time spent in the callback, per call */
  double callback_ms_max;
  double latency_ms;        /* output latency PortAudio reports for the stream */
  int channels;             /* 1, or 2 if the device refused mono */
} audio_out_stats;

/* main: initialises PortAudio with the ALSA and JACK libraries' probing noise silenced (set
 * COACH_AUDIO_DEBUG=1 in the environment to see it). Call once before audio_out_open().
 * device: the one the caller will open (as for audio_out_open); when it is the default,
 * ALSA plugins that only PortAudio's device probe would load (the AC-3 encoder and its
 * libavcodec, JACK, OSS...) are left out of this process's ALSA configuration: 13 MB less
 * resident memory. COACH_E_DEVICE if PortAudio fails (not when there is no device: open
 * says that). */
coach_rc audio_out_init(const char *device, char *why, size_t why_len);

/* main: closes PortAudio. Every audio_out must be closed first. Does nothing while
 * audio_out_closing() (it would hang; the process is about to exit anyway). */
void audio_out_terminate(void);

/* main: terminate + init, the only way to see a sound server that (re)started after init
 * (PortAudio and ALSA's pulse hook enumerate devices only then). Close every audio_out first.
 * COACH_E_STATE while audio_out_closing(). */
coach_rc audio_out_reinit(const char *device, char *why, size_t why_len);

/* main: opens the output device with a callback stream, not yet started, and an empty ring
 * of at least ring_frames frames. The producer may fill the ring before audio_out_start(),
 * so the first buffers the device plays are already sound. device: NULL for the system
 * default, else a substring of a PortAudio device name (an exact name wins over substrings;
 * case-insensitive). rate: the mix rate. period_ms: the device period (AUDIO_OUT_PERIOD_MS
 * says what it trades; 2..50), the device buffer being two or more of them. COACH_E_DEVICE with a message in why when there is
 * no device, none matches, or it refuses the format; COACH_E_INVALID for a bad rate or ring
 * size; COACH_E_STATE before init or while audio_out_closing(); COACH_E_NOMEM. On failure
 * *out is untouched. */
coach_rc audio_out_open(const char *device, int rate, int period_ms, size_t ring_frames,
                        audio_out **out, char *why, size_t why_len);

/* main: starts the stream opened by audio_out_open(). initial: AUDIO_OUT_PAUSED (silent
 * until audio_out_play, which fades in), or AUDIO_OUT_PLAYING: the ring plays from its first
 * frame with no fade-in, for a sound that begins at zero by itself (the opening chime,
 * speech). COACH_E_DEVICE with why if the device will not start; then close ao. */
coach_rc audio_out_start(audio_out *ao, audio_out_state initial, char *why, size_t why_len);

/* main: stops and closes the stream and frees ao (NULL is fine). The producer must have
 * stopped touching ao. Fades out first when the stream still runs (5 ms, plus the device
 * latency for the silence to play out: ~30 ms in all). Never waits more than ~0.7 s: a
 * server that hangs (stopped, not dead) would block PortAudio's close forever, so the close
 * finishes on a background thread when the server comes back or dies, and until then
 * audio_out_closing() is true and open and reinit fail with COACH_E_STATE (retry later). */
void audio_out_close(audio_out *ao);

/* main: true while a close left behind by audio_out_close() is still waiting for the server. */
bool audio_out_closing(void);

/* main: the watchdog, for the main thread's poll loop. now_ms: CLOCK_MONOTONIC in ms. False
 * (and false from then on) when the callback has not run for AUDIO_OUT_WATCHDOG_MS since the
 * first call, when PortAudio finished the stream, or when it says the stream is inactive.
 * Then: audio_out_close(), audio_out_reinit(), audio_out_open() again. */
bool audio_out_check_alive(audio_out *ao, int64_t now_ms);

/* main: the PortAudio name of the device that was opened. */
const char *audio_out_device_name(const audio_out *ao);

/* any: requests; the callback acts on them at its next run (within one device buffer). */
void audio_out_play(audio_out *ao);  /* from PAUSED or STOPPED: fade in, consume the ring */
void audio_out_pause(audio_out *ao); /* fade out, then silence, ring position held */
void audio_out_stop(audio_out *ao);  /* same, but the state becomes STOPPED */
/* volume 0..1 (clamped; NaN is ignored), applied per sample with a glide. */
void audio_out_set_volume(audio_out *ao, float volume);

/* producer (or any, less exactly): drops everything written to the ring up to now, after a
 * 5 ms fade-out if playing, then fades back in on what is written after. Called by the
 * producer right after it moved its own timeline (skip), so the boundary is exact. Returns a
 * ticket for audio_out_flush_done(). The state (playing, paused) does not change. */
uint64_t audio_out_flush(audio_out *ao);
/* any: true once the flush with this ticket (and every earlier one) was carried out. */
bool audio_out_flush_done(const audio_out *ao, uint64_t ticket);

/* producer: copies up to n frames into the ring; returns how many fitted (never blocks). */
size_t audio_out_write(audio_out *ao, const float *frames, size_t n);
/* producer: frames that fit in the ring now. */
size_t audio_out_space(const audio_out *ao);
/* producer: the session ends at what was written so far: once it is played, drained is set
 * and an empty ring is no longer an underrun. clear_end undoes it (a new session). Whenever
 * the ring runs dry, what is written next fades in over 5 ms rather than clicking. */
void audio_out_mark_end(audio_out *ao);
void audio_out_clear_end(audio_out *ao);

/* any: the session clock, frames taken from the ring (= audio_out_stats.position). */
uint64_t audio_out_position(const audio_out *ao);
audio_out_state audio_out_state_now(const audio_out *ao);
bool audio_out_drained(const audio_out *ao);
/* any: a snapshot of everything above (each field atomic on its own, not all together). */
void audio_out_get_stats(const audio_out *ao, audio_out_stats *st);

#endif
