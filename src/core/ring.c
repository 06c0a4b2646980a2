#include "ring.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Each counter sits on its own cache line so that the producer's stores to write_pos do not
 * keep invalidating the line the consumer's read_pos lives on (false sharing), which matters
 * when the callback runs every few milliseconds on another core. */
#define RING_CACHE_LINE 64

struct ring {
  alignas(RING_CACHE_LINE) _Atomic uint64_t write_pos; /* stored only by the producer */
  alignas(RING_CACHE_LINE) _Atomic uint64_t read_pos;  /* stored only by the consumer */
  /* Space is free up to here (== read_pos unless retaining); stored only by the consumer. */
  _Atomic uint64_t release_pos;
  alignas(RING_CACHE_LINE) size_t capacity;            /* power of two */
  size_t mask;
  bool retain;
  float *buf;
};

coach_rc ring_new(size_t min_frames, ring **out)
{
  ring *r;
  size_t cap = 2;

  if(min_frames == 0 || min_frames > RING_MAX_FRAMES)
    return COACH_E_INVALID;
  while(cap < min_frames)
    cap <<= 1;

  /* aligned_alloc because the struct asks for cache-line alignment, which malloc does not
   * promise; the size must be a multiple of the alignment, which sizeof already is. */
  r = aligned_alloc(alignof(ring), sizeof(*r));
  if(!r)
    return COACH_E_NOMEM;
  r->buf = calloc(cap, sizeof(float));
  if(!r->buf) {
    free(r);
    return COACH_E_NOMEM;
  }
  r->capacity = cap;
  r->mask = cap - 1;
  atomic_init(&r->write_pos, 0);
  atomic_init(&r->read_pos, 0);
  atomic_init(&r->release_pos, 0);
  r->retain = false;
  *out = r;
  return COACH_OK;
}

void ring_free(ring *r)
{
  if(!r)
    return;
  free(r->buf);
  free(r);
}

size_t ring_capacity(const ring *r)
{
  return r->capacity;
}

size_t ring_space(const ring *r)
{
  /* Own counter relaxed (only this thread stores it); the other side's with acquire so that
   * the consumer's reads of the slots happen before we overwrite them. */
  uint64_t w = atomic_load_explicit(&r->write_pos, memory_order_relaxed);
  uint64_t rd = atomic_load_explicit(&r->release_pos, memory_order_acquire);
  return r->capacity - (size_t)(w - rd);
}

size_t ring_write(ring *r, const float *src, size_t n)
{
  uint64_t w = atomic_load_explicit(&r->write_pos, memory_order_relaxed);
  uint64_t rd = atomic_load_explicit(&r->release_pos, memory_order_acquire);
  size_t space = r->capacity - (size_t)(w - rd);
  size_t at, first;

  if(n > space)
    n = space;
  if(!n)
    return 0;
  at = (size_t)w & r->mask;
  first = r->capacity - at;
  if(first > n)
    first = n;
  memcpy(r->buf + at, src, first * sizeof(float));
  memcpy(r->buf, src + first, (n - first) * sizeof(float));
  /* Release: the samples above become visible before the new position does. */
  atomic_store_explicit(&r->write_pos, w + n, memory_order_release);
  return n;
}

size_t ring_read(ring *r, float *dst, size_t n)
{
  uint64_t rd = atomic_load_explicit(&r->read_pos, memory_order_relaxed);
  uint64_t w = atomic_load_explicit(&r->write_pos, memory_order_acquire);
  size_t avail = (size_t)(w - rd);
  size_t at, first;

  if(n > avail)
    n = avail;
  if(!n)
    return 0;
  at = (size_t)rd & r->mask;
  first = r->capacity - at;
  if(first > n)
    first = n;
  memcpy(dst, r->buf + at, first * sizeof(float));
  memcpy(dst + first, r->buf, (n - first) * sizeof(float));
  atomic_store_explicit(&r->read_pos, rd + n, memory_order_release);
  /* Release: our reads of the slots are done before the producer may reuse them. */
  if(!r->retain)
    atomic_store_explicit(&r->release_pos, rd + n, memory_order_release);
  return n;
}

size_t ring_available(const ring *r)
{
  /* Read position first: both only grow, so loading it before the write position can only
   * over-count frames read meanwhile by the consumer, never go "negative"; clamp the rest. */
  uint64_t rd = atomic_load_explicit(&r->read_pos, memory_order_acquire);
  uint64_t w = atomic_load_explicit(&r->write_pos, memory_order_acquire);
  uint64_t n = w - rd;
  return n > r->capacity ? r->capacity : (size_t)n;
}

size_t ring_discard_to(ring *r, uint64_t pos)
{
  uint64_t rd = atomic_load_explicit(&r->read_pos, memory_order_relaxed);
  uint64_t w = atomic_load_explicit(&r->write_pos, memory_order_acquire);

  if(pos > w)
    pos = w;
  if(pos <= rd)
    return 0;
  atomic_store_explicit(&r->read_pos, pos, memory_order_release);
  if(!r->retain)
    atomic_store_explicit(&r->release_pos, pos, memory_order_release);
  return (size_t)(pos - rd);
}

size_t ring_discard_all(ring *r)
{
  return ring_discard_to(r, UINT64_MAX);
}

void ring_retain(ring *r)
{
  r->retain = true;
}

void ring_release(ring *r, uint64_t pos)
{
  uint64_t rd = atomic_load_explicit(&r->read_pos, memory_order_relaxed);
  uint64_t old = atomic_load_explicit(&r->release_pos, memory_order_relaxed);
  if(pos > rd)
    pos = rd;
  if(pos > old) /* release: done with the slots before the producer may reuse them */
    atomic_store_explicit(&r->release_pos, pos, memory_order_release);
}

coach_rc ring_rewind(ring *r, uint64_t pos)
{
  uint64_t rd = atomic_load_explicit(&r->read_pos, memory_order_relaxed);
  uint64_t old = atomic_load_explicit(&r->release_pos, memory_order_relaxed);
  if(pos < old || pos > rd)
    return COACH_E_INVALID;
  /* The producer never wrote over [release, read): its space ends at release. */
  atomic_store_explicit(&r->read_pos, pos, memory_order_release);
  return COACH_OK;
}

uint64_t ring_release_pos(const ring *r)
{
  return atomic_load_explicit(&r->release_pos, memory_order_acquire);
}

uint64_t ring_read_pos(const ring *r)
{
  return atomic_load_explicit(&r->read_pos, memory_order_acquire);
}

uint64_t ring_write_pos(const ring *r)
{
  return atomic_load_explicit(&r->write_pos, memory_order_acquire);
}
