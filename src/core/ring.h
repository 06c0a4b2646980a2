/* ring — a single-producer single-consumer lock-free ring of mono float frames.
 *
 * The one way the engine thread hands mixed audio to the sound output, through the feed
 * (feed.h), which retains what was read until it is heard (ring_retain). Our own because
 * PortAudio's pa_ringbuffer is neither installed nor exported by Debian's PortAudio 19.6. Wait-free on both sides: no lock, no
 * allocation, no system call after ring_new(), so the consumer side is safe in a real-time
 * audio callback.
 *
 * Positions are monotonic 64-bit frame counters that never wrap in practice (2^64 frames at
 * 48 kHz is millions of years): the write position is "frames the producer has written since
 * the ring was made", the read position "frames the consumer has taken or discarded". So a
 * read position is a point on the producer's own timeline: the engine that remembers which
 * timeline time it wrote at write position P knows when P is being played.
 *
 * History: by default what the consumer reads is free for the producer at once. A ring made
 * to retain (ring_retain()) frees space only up to where the consumer releases it
 * (ring_release()), so the consumer may go back (ring_rewind()) to any position it has not
 * released: an output whose device queues audio the listener has not heard yet can take that
 * audio again and replay it differently (a fade where the listener pressed pause).
 *
 * Threads: exactly one producer thread calls ring_write() / ring_space(); exactly one
 * consumer calls ring_read() / ring_discard_to() / ring_discard_all() / ring_rewind() /
 * ring_release() (the consumer role may pass from one thread to another when they
 * synchronise, e.g. under a lock both take). ring_read_pos(),
 * ring_write_pos() and ring_available() may be called from any thread; from a thread other
 * than the consumer (for the read side) or the producer (for the write side) they return a
 * value that was true a moment ago. ring_new() and ring_free() belong to the owner, while
 * neither side is running. Ordering: the producer publishes its samples with a release store
 * of the write position and the consumer acquires it before reading them; symmetrically for
 * the space the consumer frees.
 */
#ifndef COACH_RING_H
#define COACH_RING_H

#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"

/* The largest capacity ring_new() accepts: 2^26 frames, about 23 minutes at 48 kHz. */
#define RING_MAX_FRAMES ((size_t)1 << 26)

typedef struct ring ring;

/* Makes an empty ring holding at least min_frames frames (rounded up to a power of two; at
 * least 2). COACH_E_INVALID when min_frames is 0 or above RING_MAX_FRAMES, COACH_E_NOMEM.
 * On failure *out is untouched. */
coach_rc ring_new(size_t min_frames, ring **out);
void ring_free(ring *r);

/* Frames the ring can hold (a power of two). Any thread. */
size_t ring_capacity(const ring *r);

/* Producer: copies up to n frames from src, as many as there is space for, and returns how
 * many were copied (0 when full). Never blocks. */
size_t ring_write(ring *r, const float *src, size_t n);

/* Producer: frames that ring_write() could take now (or more, if the consumer reads meanwhile). */
size_t ring_space(const ring *r);

/* Consumer: copies up to n frames into dst, as many as are available, and returns how many. */
size_t ring_read(ring *r, float *dst, size_t n);

/* Frames written and not yet read. Exact on the consumer thread (or less than the truth: the
 * producer may add meanwhile); from elsewhere an estimate that is never above capacity. */
size_t ring_available(const ring *r);

/* Consumer: drops frames up to position pos, without reading them; pos is clamped to the
 * write position (nothing beyond what was written can be dropped) and a pos at or before the
 * read position drops nothing. Returns the number of frames dropped. Used for "skip": take
 * pos = ring_write_pos() at the moment of the request, so frames written after it survive. */
size_t ring_discard_to(ring *r, uint64_t pos);

/* Consumer: drops everything written so far. Returns the number of frames dropped. */
size_t ring_discard_all(ring *r);

/* Owner, before the consumer starts: from now on reading frees no space; ring_release() does. */
void ring_retain(ring *r);

/* Consumer of a retaining ring: frees the space up to pos (clamped to the read position; a
 * pos before the last release frees nothing). */
void ring_release(ring *r, uint64_t pos);

/* Consumer of a retaining ring: moves the read position back to pos, which must lie between
 * the last release and the read position (COACH_E_INVALID otherwise, nothing changes): the
 * frames from pos on are read again. */
coach_rc ring_rewind(ring *r, uint64_t pos);

/* Monotonic positions (frames since ring_new). Any thread. The release position equals the
 * read position unless the ring retains. */
uint64_t ring_read_pos(const ring *r);
uint64_t ring_write_pos(const ring *r);
uint64_t ring_release_pos(const ring *r);

#endif
