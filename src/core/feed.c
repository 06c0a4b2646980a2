#include "feed.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

/* The consumer reads and writes 64-bit counters; if they were not lock-free, the C library
 * would take a lock inside the real-time thread. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "int atomics must be lock-free");

#define NO_END UINT64_MAX

struct feed {
  ring *ring;
  int rate;
  float fade_step;    /* envelope change per frame for a FEED_FADE_MS fade */
  float vol_coef;     /* one-pole glide coefficient per frame */
  size_t tail_frames; /* 1 ms: the fade-out when a whole pull finds the ring dry */

  /* Requests, stored by any thread, loaded by the consumer. */
  _Atomic int req_state;          /* feed_state */
  _Atomic uint32_t volume_bits;   /* a float's bits: atomic floats are not lock-free everywhere */
  _Atomic uint64_t flush_tickets; /* flushes requested so far */
  _Atomic uint64_t flush_target;  /* discard up to here; only ever grows */
  _Atomic uint64_t end_pos;       /* NO_END, or where the session ends */

  /* Reports, stored by the consumer. */
  _Atomic int state;
  _Atomic uint64_t flush_done; /* tickets carried out; only ever grows */
  _Atomic uint64_t heard;
  _Atomic uint64_t underruns;

  /* The consumer's own state (feed_cursor without the ring position, which the ring keeps). */
  float env, vol;
  bool fast_fade;
  uint64_t flush_seen;
};

static float volume_from_bits(uint32_t bits)
{
  float v;
  memcpy(&v, &bits, sizeof(v));
  return v;
}

static uint32_t volume_to_bits(float v)
{
  uint32_t bits;
  memcpy(&bits, &v, sizeof(bits));
  return bits;
}

coach_rc feed_new(int rate, size_t ring_frames, feed **out)
{
  feed *f;
  coach_rc rc;

  if(rate < 8000 || rate > 384000)
    return COACH_E_INVALID;
  f = calloc(1, sizeof(*f));
  if(!f)
    return COACH_E_NOMEM;
  rc = ring_new(ring_frames, &f->ring);
  if(rc) {
    free(f);
    return rc;
  }
  ring_retain(f->ring);
  f->rate = rate;
  f->fade_step = 1000.0f / ((float)rate * FEED_FADE_MS);
  f->vol_coef = (float)(1.0 - exp(-1000.0 / ((double)rate * FEED_VOLUME_MS)));
  f->tail_frames = (size_t)rate / 1000;
  atomic_init(&f->req_state, FEED_PAUSED);
  atomic_init(&f->state, FEED_PAUSED);
  atomic_init(&f->volume_bits, volume_to_bits(1.0f));
  atomic_init(&f->end_pos, NO_END);
  f->vol = 1.0f;
  *out = f;
  return COACH_OK;
}

void feed_free(feed *f)
{
  if(!f)
    return;
  ring_free(f->ring);
  free(f);
}

void feed_reset(feed *f)
{
  uint64_t tickets = atomic_load(&f->flush_tickets);
  ring_discard_all(f->ring);
  ring_release(f->ring, ring_read_pos(f->ring));
  atomic_store(&f->heard, ring_read_pos(f->ring));
  atomic_store(&f->end_pos, NO_END);
  f->env = 0.0f;
  f->fast_fade = false;
  f->flush_seen = tickets;
  atomic_store(&f->flush_done, tickets);
  atomic_store(&f->state, FEED_PAUSED);
}

void feed_start(feed *f)
{
  atomic_store(&f->req_state, FEED_PLAYING);
  atomic_store(&f->state, FEED_PLAYING);
  f->env = 1.0f;
  f->fast_fade = false;
}

/* ---- requests ---------------------------------------------------------------------------- */

void feed_play(feed *f)
{
  atomic_store_explicit(&f->req_state, FEED_PLAYING, memory_order_release);
}

void feed_pause(feed *f)
{
  atomic_store_explicit(&f->req_state, FEED_PAUSED, memory_order_release);
}

void feed_stop(feed *f)
{
  atomic_store_explicit(&f->req_state, FEED_STOPPED, memory_order_release);
}

void feed_set_volume(feed *f, float volume)
{
  if(isnan(volume))
    return;
  if(volume < 0.0f)
    volume = 0.0f;
  if(volume > 1.0f)
    volume = 1.0f;
  atomic_store_explicit(&f->volume_bits, volume_to_bits(volume), memory_order_relaxed);
}

feed_state feed_requested(const feed *f)
{
  return (feed_state)atomic_load_explicit(&f->req_state, memory_order_acquire);
}

/* ---- producer ---------------------------------------------------------------------------- */

size_t feed_write(feed *f, const float *frames, size_t n)
{
  return ring_write(f->ring, frames, n);
}

size_t feed_space(const feed *f)
{
  return ring_space(f->ring);
}

void feed_mark_end(feed *f)
{
  atomic_store_explicit(&f->end_pos, ring_write_pos(f->ring), memory_order_release);
}

void feed_clear_end(feed *f)
{
  atomic_store_explicit(&f->end_pos, NO_END, memory_order_release);
}

uint64_t feed_flush(feed *f, uint64_t upto)
{
  uint64_t written = ring_write_pos(f->ring);
  uint64_t target = upto < written ? upto : written;
  uint64_t cur = atomic_load_explicit(&f->flush_target, memory_order_relaxed);

  /* Raise the target to at least ours; a concurrent flush from another thread may have
   * raised it further, which only drops more of what was written before both requests. */
  while(cur < target && !atomic_compare_exchange_weak_explicit(
                            &f->flush_target, &cur, target, memory_order_release,
                            memory_order_relaxed))
    ;
  /* The ticket is published after the target (release), so the consumer that sees it sees
   * a target at least this high. */
  return atomic_fetch_add_explicit(&f->flush_tickets, 1, memory_order_acq_rel) + 1;
}

bool feed_flush_done(const feed *f, uint64_t ticket)
{
  return atomic_load_explicit(&f->flush_done, memory_order_acquire) >= ticket;
}

/* ---- consumer ---------------------------------------------------------------------------- */

/* No more frames will come: the end was marked and the ring is read up to it. */
static bool at_end(const feed *f)
{
  uint64_t end = atomic_load_explicit(&f->end_pos, memory_order_acquire);
  return end != NO_END && ring_read_pos(f->ring) >= end;
}

/* Carries out every flush requested up to the tickets loaded. The target only grows, so a
 * newer target read here covers the older tickets too. */
static void do_flush(feed *f, uint64_t tickets)
{
  uint64_t target = atomic_load_explicit(&f->flush_target, memory_order_acquire);
  uint64_t done = atomic_load_explicit(&f->flush_done, memory_order_relaxed);
  ring_discard_to(f->ring, target);
  f->flush_seen = tickets;
  f->fast_fade = true;
  if(tickets > done) /* a replay after a restore may carry out an old ticket again */
    atomic_store_explicit(&f->flush_done, tickets, memory_order_release);
}

/* The fade envelope and volume glide over seg frames of out, which hold what the ring gave. */
static void shape(feed *f, float *out, size_t seg, float target, float vol_target)
{
  float env = f->env, vol = f->vol, step = f->fade_step;
  for(size_t i = 0; i < seg; i++) {
    if(env < target) {
      env += step;
      if(env > target)
        env = target;
    }
    else if(env > target) {
      env -= step;
      if(env < target)
        env = target;
    }
    vol += (vol_target - vol) * f->vol_coef;
    out[i] *= env * vol;
  }
  if(fabsf(vol_target - vol) < 1e-4f)
    vol = vol_target; /* stop the glide before it crawls into denormals */
  f->env = env;
  f->vol = vol;
}

size_t feed_pull(feed *f, float *out, size_t n, bool whole)
{
  int req = atomic_load_explicit(&f->req_state, memory_order_acquire);
  uint64_t tickets = atomic_load_explicit(&f->flush_tickets, memory_order_acquire);
  float vol_target = volume_from_bits(atomic_load_explicit(&f->volume_bits, memory_order_relaxed));
  bool flush_pending = tickets != f->flush_seen;
  bool short_counted = false;
  size_t done = 0;

  while(done < n) {
    bool want_sound = req == FEED_PLAYING && !flush_pending;
    float target = want_sound ? 1.0f : 0.0f;
    size_t seg = n - done, got, ramp = 0;

    if(f->env == 0.0f && !want_sound) {
      if(flush_pending) {
        /* Silent now: drop the queue, then go round again to fade back in if playing. */
        do_flush(f, tickets);
        flush_pending = false;
        continue;
      }
      /* Paused or stopped: silence, and the ring is not touched (the position is kept). */
      memset(out + done, 0, (n - done) * sizeof(float));
      done = n;
      break;
    }
    if(f->env != target) {
      ramp = (size_t)ceilf(fabsf(target - f->env) / f->fade_step);
      if(ramp < seg)
        seg = ramp;
    }

    got = ring_read(f->ring, out + done, seg);
    if(got < seg && !whole && !at_end(f)) {
      /* More is coming: stop here, the envelope carries on at the next pull. */
      shape(f, out + done, got, target, vol_target);
      done += got;
      break;
    }
    if(got < seg) {
      memset(out + done + got, 0, (seg - got) * sizeof(float));
      if(!at_end(f) && !short_counted) {
        atomic_fetch_add_explicit(&f->underruns, 1, memory_order_relaxed);
        short_counted = true;
      }
    }
    shape(f, out + done, seg, target, vol_target);
    if(ramp && seg == ramp)
      f->env = target; /* exactly, whatever the float steps summed to */
    if(f->env == 1.0f)
      f->fast_fade = false;
    if(got < seg) {
      /* The ring ran dry (underrun or end of session). Soften the cut with a 1 ms fade over
       * the last frames there were, and let what comes next fade in, so neither edge clicks. */
      size_t k = got < f->tail_frames ? got : f->tail_frames;
      float inv = 1.0f / (float)(k + 1), g = (float)k * inv;
      for(size_t j = 0; j < k; j++, g -= inv)
        out[done + got - k + j] *= g;
      f->env = 0.0f;
      f->fast_fade = true;
    }
    done += seg;
  }

  atomic_store_explicit(&f->state,
                        f->env > 0.0f || req == FEED_PLAYING ? FEED_PLAYING : req,
                        memory_order_release);
  return done;
}

void feed_cursor_save(const feed *f, feed_cursor *c)
{
  c->pos = ring_read_pos(f->ring);
  c->env = f->env;
  c->vol = f->vol;
  c->fast_fade = f->fast_fade;
  c->flush_seen = f->flush_seen;
}

coach_rc feed_cursor_restore(feed *f, const feed_cursor *c)
{
  coach_rc rc = ring_rewind(f->ring, c->pos);
  if(rc)
    return rc;
  f->env = c->env;
  f->vol = c->vol;
  f->fast_fade = c->fast_fade;
  f->flush_seen = c->flush_seen;
  return COACH_OK;
}

void feed_heard(feed *f, uint64_t pos)
{
  uint64_t read = ring_read_pos(f->ring);
  uint64_t old = atomic_load_explicit(&f->heard, memory_order_relaxed);
  if(pos > read)
    pos = read;
  if(pos <= old)
    return;
  atomic_store_explicit(&f->heard, pos, memory_order_release);
  ring_release(f->ring, pos);
}

/* ---- readers ----------------------------------------------------------------------------- */

uint64_t feed_heard_pos(const feed *f)
{
  return atomic_load_explicit(&f->heard, memory_order_acquire);
}

uint64_t feed_read_pos(const feed *f)
{
  return ring_read_pos(f->ring);
}

uint64_t feed_write_pos(const feed *f)
{
  return ring_write_pos(f->ring);
}

feed_state feed_state_now(const feed *f)
{
  return (feed_state)atomic_load_explicit(&f->state, memory_order_acquire);
}

bool feed_drained(const feed *f)
{
  uint64_t end = atomic_load_explicit(&f->end_pos, memory_order_acquire);
  return end != NO_END && feed_heard_pos(f) >= end;
}

void feed_get_stats(const feed *f, feed_stats *st)
{
  memset(st, 0, sizeof(*st));
  st->state = feed_state_now(f);
  st->heard = feed_heard_pos(f);
  st->read = feed_read_pos(f);
  st->written = feed_write_pos(f);
  st->underruns = atomic_load_explicit(&f->underruns, memory_order_relaxed);
  st->drained = feed_drained(f);
}
