/* feed — the real-time half of playback that every sound output shares: the ring of mixed
 * frames the engine writes, and the listener's controls (play, pause, stop, the flush that
 * skip uses, volume), carried out on the frames as an output takes them, so that they act on
 * what is heard and not on what is queued.
 *
 * The engine (producer) writes mono float frames at the mix rate; an output (consumer) takes
 * them with feed_pull(), which applies:
 *  - pause and stop: a FEED_FADE_MS linear fade out, then silence without consuming the ring
 *    (the position is kept); stop is pause that the engine can tell apart;
 *  - play: a FEED_FADE_MS fade in;
 *  - flush (skip): fade out, drop everything written up to the request, fade back in on
 *    what is written after it;
 *  - volume: per sample, gliding with a FEED_VOLUME_MS time constant;
 *  - a ring that runs dry under a pull that must be whole: the last 1 ms faded out, what
 *    comes next faded in, and an underrun counted.
 * Every fade is short against the soft signals it acts on, so nothing clicks (tests/bench
 * measures the stop fade at the sink).
 *
 * The cursor. What the consumer does with a frame depends only on the requests and on its
 * cursor (ring read position, envelope, volume, flushes carried out). An output whose device
 * queues audio ahead of the listener (the pulse output keeps half a second at the server)
 * saves the cursor as it pulls (feed_cursor_save); when a request comes it restores the
 * cursor saved at the frame the listener is about to hear (feed_cursor_restore, which moves
 * the ring back) and pulls again from there: the fade then begins where the listener is, not
 * half a second later. For that the ring keeps what was pulled until the output says it has
 * been heard (feed_heard). An output that plays what it pulls at once (PortAudio's callback)
 * calls feed_heard with the read position after each pull and never restores.
 *
 * The clock: the ring position heard (feed_heard_pos) is the session clock; the engine maps
 * it to timeline frames.
 *
 * Threads (each function says its role):
 *   owner     creates, resets and frees the feed while no consumer runs (the engine thread).
 *   producer  one thread (the engine): write, space, mark_end, clear_end, flush.
 *   consumer  one thread at a time (the output's audio thread, or a thread holding the lock
 *             that the audio thread also takes): pull, cursor_save, cursor_restore, heard.
 *             No allocation, lock, I/O or logging: safe in a real-time audio callback.
 *   any       requests and readers; they only touch atomics and never block.
 */
#ifndef COACH_FEED_H
#define COACH_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"

#define FEED_FADE_MS 5   /* pause, resume, stop, and each side of a flush */
#define FEED_VOLUME_MS 5 /* time constant of the volume glide */

typedef struct feed feed;

/* What the listener hears as the consumer last pulled. PLAYING includes the fades, so PAUSED
 * and STOPPED mean "silent now". */
typedef enum feed_state {
  FEED_PAUSED = 0, /* the state of a new or reset feed: silent, position held */
  FEED_PLAYING,
  FEED_STOPPED,
} feed_state;

/* The consumer's whole state, saved before a pull and restored to pull the same frames again
 * under newer requests. Plain data: outputs keep copies. */
typedef struct feed_cursor {
  uint64_t pos;        /* ring read position */
  float env;           /* fade envelope, 0..1 */
  float vol;           /* smoothed volume */
  bool fast_fade;      /* fading in after a flush or a dry ring */
  uint64_t flush_seen; /* flush tickets carried out */
} feed_cursor;

typedef struct feed_stats {
  feed_state state;
  uint64_t heard;     /* ring position heard: the session clock */
  uint64_t read;      /* ring position pulled */
  uint64_t written;   /* ring position written */
  uint64_t underruns; /* whole pulls that found the ring short while playing */
  bool drained;       /* mark_end was called and the listener heard up to it */
} feed_stats;

/* owner: a feed for rate frames a second holding at least ring_frames frames (written and
 * not yet heard). COACH_E_INVALID for a rate outside 8000..384000 or a ring size ring.h
 * refuses; COACH_E_NOMEM. On failure *out is untouched. A new feed is PAUSED with volume 1. */
coach_rc feed_new(int rate, size_t ring_frames, feed **out);
void feed_free(feed *f);

/* owner, while no consumer runs: drops everything written, silences the envelope (the next
 * sound fades in), clears the end mark and answers every flush; requests and volume stay.
 * Positions keep counting from where they were. For a new output after one was lost. */
void feed_reset(feed *f);

/* owner, while no consumer runs: plays from the next frame at full level, with no fade in,
 * for a sound that begins at zero by itself (a chime): the first sound is then exactly what
 * was mixed, as in a rendered file. */
void feed_start(feed *f);

/* --- requests (any thread): carried out by the consumer at its next pull --- */
void feed_play(feed *f);  /* from PAUSED or STOPPED: fade in, consume the ring */
void feed_pause(feed *f); /* fade out, then silence with the position held */
void feed_stop(feed *f);  /* the same, but the state becomes STOPPED */
/* 0..1, clamped; NaN is ignored. */
void feed_set_volume(feed *f, float volume);
/* What the latest request asked for (not yet necessarily heard). */
feed_state feed_requested(const feed *f);

/* --- producer --- */
/* Copies up to n frames into the ring; returns how many fitted (never blocks). */
size_t feed_write(feed *f, const float *frames, size_t n);
/* Frames that fit now. */
size_t feed_space(const feed *f);
/* The session ends at what was written so far: once it is heard, the feed is drained, and
 * a whole pull past it is silence rather than an underrun. clear_end undoes it. */
void feed_mark_end(feed *f);
void feed_clear_end(feed *f);
/* Drops everything written before ring position upto (a write position the producer noted),
 * after a fade if playing, then fades back in on what was written from there; the state
 * (playing, paused) does not change. For skip: the producer notes where it is, writes the new
 * part of its timeline, then flushes up to the note, so the output never finds the ring
 * empty in between. Returns a ticket for feed_flush_done(). */
uint64_t feed_flush(feed *f, uint64_t upto);
/* any: true once the flush with this ticket (and every earlier one) was carried out. */
bool feed_flush_done(const feed *f, uint64_t ticket);

/* --- consumer --- */
/* Fills out[0..n) under the requests. whole: always all n frames (zeros where the ring is
 * short, counted as an underrun unless the end was reached); else it stops where the ring
 * runs short while sound is wanted and returns how many frames it filled (all n while
 * silent: paused, stopped, or past the end). */
size_t feed_pull(feed *f, float *out, size_t n, bool whole);
void feed_cursor_save(const feed *f, feed_cursor *c);
/* Moves the consumer back to a saved cursor. COACH_E_INVALID when its position was already
 * heard (released) or lies ahead of the read position: nothing changes then. */
coach_rc feed_cursor_restore(feed *f, const feed_cursor *c);
/* The listener has heard up to ring position pos (clamped to what was pulled; never goes
 * back): the session clock, and the space the producer may reuse. */
void feed_heard(feed *f, uint64_t pos);

/* --- readers (any thread) --- */
uint64_t feed_heard_pos(const feed *f);
uint64_t feed_read_pos(const feed *f);
uint64_t feed_write_pos(const feed *f);
feed_state feed_state_now(const feed *f);
bool feed_drained(const feed *f);
/* A snapshot of everything above (each field atomic on its own, not all together). */
void feed_get_stats(const feed *f, feed_stats *st);

#endif
