/* audio_out_pulse — the pulse output (audio_out.h): a libpulse playback stream on a threaded
 * main loop of its own.
 *
 * Few wake-ups: the stream keeps AUDIO_PULSE_QUEUE_MS queued at the server and is asked for
 * more every AUDIO_PULSE_REQUEST_MS, so this process wakes a few times a second instead of
 * every few milliseconds.
 *
 * Controls heard at once anyway: the frames are pulled from the feed in grains of GRAIN
 * frames, and for each grain the feed's cursor before it is kept in a log, with the grain's
 * place in the stream. When a control comes (kick), the stream's playing position (libpulse's
 * interpolated timing) says which frame the listener hears now; from the first grain at least
 * MARGIN_MS after it, the feed is moved back to that grain's cursor and the rest of the queue
 * is written again under the new request, with PA_SEEK_ABSOLUTE at the grain's own index. The
 * server takes a write behind what its sink already read as a rewrite and rewinds the sink
 * (PulseAudio's protocol-native.c, handle_seek), so the fade begins MARGIN_MS after the frame
 * being heard, with the frames before it untouched: no click. A sink that cannot rewind
 * plays what it already read first; see README, "Sound output".
 *
 * Every write is at an absolute index (our own count of frames written), so the log, the
 * stream's timing and the feed agree whatever the server did meanwhile (an underrun drops a
 * late write's head, it does not shift the rest).
 *
 * Server loss is known from the context and stream state callbacks, never from silence: a
 * sink that asks slowly (a null sink nobody records, a Bluetooth sink waking up) keeps the
 * stream READY, and its position simply moves later.
 *
 * Threads: the table's functions run on the engine thread and take the main loop's lock;
 * the callbacks run on the main loop's thread with the lock held. So the feed's consumer role
 * is always held under that lock.
 */
#include "audio_out.h"

#include <errno.h>
#include <pulse/pulseaudio.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock_ms.h"

#define AUDIO_PULSE_QUEUE_MS 500   /* tlength: what the server holds for us */
#define AUDIO_PULSE_REQUEST_MS 125 /* minreq: how much is missing before it asks */
#define AUDIO_PULSE_PREBUF_MS 10   /* what starts playback: the first sound comes at once */
#define CONNECT_WAIT_MS 1000       /* a server that answers does so within a few ms */
#define FADE_WAIT_MS 200           /* longest wait for a stop's fade to be heard at close */
/* The rewrite starts this long after the frame being heard: libpulse interpolates the
 * server's timing to well under a millisecond, and a fade that starts a little late is
 * smooth, one that starts before the frame heard would cut in mid-fade. */
#define MARGIN_MS 3
#define GRAIN 96 /* 2 ms at 48 kHz: the finest point a rewrite can start from */
#define TIMING_WAIT_MS 50 /* longest wait for the server's timing (a round trip, ~0.2 ms) */
/* The log covers what is queued and not yet heard: the queue plus the sink's own latency,
 * which follows the queue (the stream asks for no more than it holds). 8 s at 48 kHz. */
#define LOG_GRAINS 4096

typedef struct grain {
  int64_t frame;   /* stream frame of its first sample */
  uint64_t end;    /* feed read position after it */
  feed_cursor cur; /* the feed before it */
} grain;

typedef struct pulse_out {
  audio_out base;
  feed *feed;
  int rate;
  void (*notify)(void *ctx);
  void *notify_ctx;
  char sink[128];

  pa_threaded_mainloop *ml;
  pa_context *ctx;
  pa_stream *st;

  /* Under the main loop's lock. */
  audio_out_health health;
  char why[256];
  int64_t written;       /* frames written, the stream's absolute write index in frames */
  int64_t fade_end;      /* stream frame where the last rewrite's fade is over */
  grain log[LOG_GRAINS]; /* ring of grains, oldest at head */
  size_t head, count;
} pulse_out;

static void set_health(pulse_out *po, audio_out_health h, const char *why)
{
  if(po->health == AUDIO_OUT_LOST) /* lost stays lost: a new output is opened */
    return;
  po->health = h;
  if(why)
    snprintf(po->why, sizeof(po->why), "%s", why);
  if(po->notify)
    po->notify(po->notify_ctx);
}

static void lost(pulse_out *po, const char *what)
{
  char why[256];
  int err = po->ctx ? pa_context_errno(po->ctx) : PA_ERR_UNKNOWN;
  snprintf(why, sizeof(why), "%s: %s", what, pa_strerror(err));
  set_health(po, AUDIO_OUT_LOST, why);
}

/* ---- the log ----------------------------------------------------------------------------- */

static grain *log_at(pulse_out *po, size_t i)
{
  return &po->log[(po->head + i) % LOG_GRAINS];
}

/* The index of the first grain whose frame is >= frame, or count when none is. */
static size_t log_find(pulse_out *po, int64_t frame)
{
  size_t lo = 0, hi = po->count;
  while(lo < hi) {
    size_t mid = (lo + hi) / 2;
    if(log_at(po, mid)->frame < frame)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* ---- writing ----------------------------------------------------------------------------- */

/* Pulls up to n frames into out grain by grain, logging each; stops where the feed runs
 * short or the log is full. */
static size_t pull(pulse_out *po, float *out, size_t n)
{
  size_t done = 0;
  while(done < n && po->count < LOG_GRAINS) {
    size_t want = n - done < GRAIN ? n - done : GRAIN;
    grain g = {.frame = po->written + (int64_t)done};
    feed_cursor_save(po->feed, &g.cur);
    size_t got = feed_pull(po->feed, out + done, want, false);
    if(got == 0)
      break;
    g.end = feed_read_pos(po->feed);
    *log_at(po, po->count++) = g;
    done += got;
    if(got < want)
      break;
  }
  return done;
}

/* Writes up to frames frames from the feed at the write index; returns how many. */
static size_t write_frames(pulse_out *po, size_t frames)
{
  size_t total = 0;
  while(frames > 0) {
    void *data = NULL;
    size_t bytes = frames * sizeof(float);
    if(pa_stream_begin_write(po->st, &data, &bytes) < 0 || !data)
      break;
    size_t got = pull(po, data, bytes / sizeof(float));
    if(got == 0) {
      pa_stream_cancel_write(po->st);
      break;
    }
    if(pa_stream_write(po->st, data, got * sizeof(float), NULL,
                       po->written * (int64_t)sizeof(float), PA_SEEK_ABSOLUTE) < 0) {
      lost(po, "cannot write to the sound server");
      break;
    }
    po->written += (int64_t)got;
    total += got;
    frames -= got;
    if(got < bytes / sizeof(float))
      break; /* the feed has no more for now */
  }
  return total;
}

/* Overwrites n queued frames from stream frame at with silence, without counting them as
 * written: the next write goes over them. */
static void write_silence(pulse_out *po, int64_t at, size_t n)
{
  while(n > 0) {
    void *data = NULL;
    size_t bytes = n * sizeof(float);
    if(pa_stream_begin_write(po->st, &data, &bytes) < 0 || !data || bytes < sizeof(float))
      return;
    memset(data, 0, bytes);
    if(pa_stream_write(po->st, data, bytes, NULL, at * (int64_t)sizeof(float),
                       PA_SEEK_ABSOLUTE) < 0)
      return;
    at += (int64_t)(bytes / sizeof(float));
    n -= bytes / sizeof(float);
  }
}

static void fill(pulse_out *po)
{
  if(!po->st || pa_stream_get_state(po->st) != PA_STREAM_READY)
    return;
  size_t want = pa_stream_writable_size(po->st);
  if(want != (size_t)-1 && want >= sizeof(float))
    write_frames(po, want / sizeof(float));
}

/* The stream frame being heard now, or -1 before the server has said: the server's read
 * index less its sink's latency, as of its last timing report, moved on by the time since.
 * Computed here rather than with libpulse's interpolating clock, which adapts over about a
 * second and was seen 100 ms behind the read index on a loaded machine. */
static int64_t heard_frame(pulse_out *po)
{
  const pa_timing_info *ti = pa_stream_get_timing_info(po->st);
  if(!ti || ti->read_index_corrupt)
    return -1;
  int64_t frame = ti->read_index / (int64_t)sizeof(float) -
                  (int64_t)(ti->sink_usec * (uint64_t)po->rate / 1000000u);
  if(ti->playing)
    frame += (int64_t)(pa_timeval_age(&ti->timestamp) * (uint64_t)po->rate / 1000000u);
  return frame < po->written ? frame : po->written;
}

static void timing_done(pa_stream *s, int success, void *userdata)
{
  pulse_out *po = userdata;
  (void)s;
  (void)success;
  pa_threaded_mainloop_signal(po->ml, 0);
}

/* Asks the server where it is now and waits (lock held) for the answer, at most
 * TIMING_WAIT_MS: a control acts on the frame being heard, not on a report from up to a
 * second ago (the automatic reports slow down to one every 1.5 s). */
static void fresh_timing(pulse_out *po)
{
  pa_operation *op = pa_stream_update_timing_info(po->st, timing_done, po);
  for(int waited = 0; op && pa_operation_get_state(op) == PA_OPERATION_RUNNING &&
                      waited < TIMING_WAIT_MS; waited++) {
    pa_threaded_mainloop_unlock(po->ml);
    clock_ms_sleep(1);
    pa_threaded_mainloop_lock(po->ml);
  }
  if(op)
    pa_operation_unref(op);
}

/* Tells the feed what was heard, and forgets the grains before it. */
static void update_heard(pulse_out *po)
{
  int64_t frame = heard_frame(po);
  if(frame < 0 || po->count == 0)
    return;
  size_t i = log_find(po, frame + 1); /* the first grain starting after the frame heard */
  if(i == 0)
    return;
  grain *g = log_at(po, i - 1);
  uint64_t pos = g->cur.pos + (uint64_t)(frame - g->frame);
  if(pos > g->end)
    pos = g->end;
  feed_heard(po->feed, pos);
  po->head = (po->head + i - 1) % LOG_GRAINS;
  po->count -= i - 1;
}

/* Writes the queue again from just after the frame being heard, under the feed's present
 * requests. What was queued beyond what the feed can give now is overwritten with silence,
 * which the next write replaces: better a moment of quiet than audio from before the change. */
static void rewrite(pulse_out *po)
{
  if(!po->st || pa_stream_get_state(po->st) != PA_STREAM_READY || po->count == 0)
    return;
  fresh_timing(po);
  if(!po->st || pa_stream_get_state(po->st) != PA_STREAM_READY || po->count == 0)
    return; /* the stream failed, or a write callback changed the queue meanwhile */
  int64_t heard = heard_frame(po);
  int64_t from = heard < 0 ? log_at(po, 0)->frame
                           : heard + (int64_t)po->rate * MARGIN_MS / 1000;
  size_t i = log_find(po, from);
  while(i < po->count && feed_cursor_restore(po->feed, &log_at(po, i)->cur) != COACH_OK)
    i++; /* already released: a later grain */
  if(i == po->count)
    return; /* nothing queued after it: the next write acts on the requests */
  int64_t old_end = po->written;
  po->written = log_at(po, i)->frame;
  po->count = i;
  po->fade_end = po->written + (int64_t)po->rate * FEED_FADE_MS / 1000;
  write_frames(po, (size_t)(old_end - po->written) + (size_t)po->rate / 10);
  if(po->written < old_end)
    write_silence(po, po->written, (size_t)(old_end - po->written));
}

/* ---- callbacks (main loop thread, lock held) --------------------------------------------- */

static void context_state_cb(pa_context *c, void *userdata)
{
  pulse_out *po = userdata;
  switch(pa_context_get_state(c)) {
  case PA_CONTEXT_FAILED: lost(po, "the sound server connection failed"); break;
  case PA_CONTEXT_TERMINATED: lost(po, "the sound server closed the connection"); break;
  default: break;
  }
  pa_threaded_mainloop_signal(po->ml, 0);
}

static void stream_state_cb(pa_stream *s, void *userdata)
{
  pulse_out *po = userdata;
  switch(pa_stream_get_state(s)) {
  case PA_STREAM_READY:
    set_health(po, AUDIO_OUT_PLAYING, NULL);
    fill(po);
    break;
  case PA_STREAM_FAILED: lost(po, "the sound server ended the stream"); break;
  case PA_STREAM_TERMINATED: lost(po, "the sound server removed the stream"); break;
  default: break;
  }
  pa_threaded_mainloop_signal(po->ml, 0);
}

static void stream_write_cb(pa_stream *s, size_t nbytes, void *userdata)
{
  pulse_out *po = userdata;
  (void)s;
  write_frames(po, nbytes / sizeof(float));
  update_heard(po);
}

/* ---- the table --------------------------------------------------------------------------- */

static void teardown(pulse_out *po)
{
  if(po->ml)
    pa_threaded_mainloop_stop(po->ml);
  if(po->st) {
    pa_stream_set_state_callback(po->st, NULL, NULL);
    pa_stream_set_write_callback(po->st, NULL, NULL);
    pa_stream_disconnect(po->st);
    pa_stream_unref(po->st);
  }
  if(po->ctx) {
    pa_context_set_state_callback(po->ctx, NULL, NULL);
    pa_context_disconnect(po->ctx);
    pa_context_unref(po->ctx);
  }
  if(po->ml)
    pa_threaded_mainloop_free(po->ml);
  free(po);
}

static pa_proplist *app_props(void)
{
  pa_proplist *p = pa_proplist_new();
  pa_proplist_sets(p, PA_PROP_APPLICATION_NAME, "coach");
  pa_proplist_sets(p, PA_PROP_APPLICATION_ID, "coach");
  pa_proplist_sets(p, PA_PROP_APPLICATION_ICON_NAME, "audio-headphones");
  return p;
}

static void no_server(pulse_out *po, char *why, size_t why_len)
{
  coach_why(why, why_len, "no sound output device: no sound server answers (%s); is PulseAudio "
            "or PipeWire running? Use `coach render` to write a file instead",
            pa_strerror(pa_context_errno(po->ctx)));
}

/* Waits (lock held) until the context is ready or failed, at most CONNECT_WAIT_MS. */
static coach_rc wait_connected(pulse_out *po, char *why, size_t why_len)
{
  for(int waited = 0;; waited++) {
    pa_context_state_t s = pa_context_get_state(po->ctx);
    if(s == PA_CONTEXT_READY)
      return COACH_OK;
    if(!PA_CONTEXT_IS_GOOD(s)) {
      no_server(po, why, why_len);
      return COACH_E_DEVICE;
    }
    if(waited >= CONNECT_WAIT_MS) {
      coach_why(why, why_len, "the sound server does not answer (waited %d ms)",
                CONNECT_WAIT_MS);
      return COACH_E_DEVICE;
    }
    pa_threaded_mainloop_unlock(po->ml);
    clock_ms_sleep(1);
    pa_threaded_mainloop_lock(po->ml);
  }
}

static coach_rc pulse_open(const audio_out_params *p, audio_out **out, char *why,
                           size_t why_len)
{
  pulse_out *po = calloc(1, sizeof(*po));
  pa_proplist *props = NULL;
  coach_rc rc = COACH_E_DEVICE;

  if(!po)
    return COACH_E_NOMEM;
  po->base.ops = &audio_out_pulse;
  po->feed = p->feed;
  po->rate = p->rate;
  po->notify = p->notify;
  po->notify_ctx = p->notify_ctx;
  po->health = AUDIO_OUT_STARTING;
  snprintf(po->sink, sizeof(po->sink), "%s", p->device && *p->device ? p->device : "");

  po->ml = pa_threaded_mainloop_new();
  if(!po->ml) {
    coach_why(why, why_len, "cannot start libpulse's main loop");
    goto fail;
  }
  props = app_props();
  po->ctx = pa_context_new_with_proplist(pa_threaded_mainloop_get_api(po->ml), "coach", props);
  pa_proplist_free(props);
  if(!po->ctx) {
    coach_why(why, why_len, "cannot create a sound server context");
    goto fail;
  }
  pa_context_set_state_callback(po->ctx, context_state_cb, po);
  if(pa_context_connect(po->ctx, NULL, PA_CONTEXT_NOAUTOSPAWN, NULL) < 0) {
    no_server(po, why, why_len);
    goto fail;
  }
  pa_threaded_mainloop_lock(po->ml);
  if(pa_threaded_mainloop_start(po->ml) < 0) {
    pa_threaded_mainloop_unlock(po->ml);
    coach_why(why, why_len, "cannot start libpulse's main loop thread");
    goto fail;
  }
  rc = wait_connected(po, why, why_len);
  if(rc) {
    pa_threaded_mainloop_unlock(po->ml);
    goto fail;
  }

  pa_sample_spec ss = {.format = PA_SAMPLE_FLOAT32NE, .rate = (uint32_t)p->rate, .channels = 1};
  props = pa_proplist_new();
  /* The desktop's mixer shows "coach: TITLE"; stream-restore keys the remembered volume on
   * the application (its default would be the role, shared with every music player). */
  pa_proplist_sets(props, PA_PROP_MEDIA_NAME, p->stream_name && *p->stream_name
                                                  ? p->stream_name : "coach");
  pa_proplist_sets(props, PA_PROP_MEDIA_ROLE, "music");
  pa_proplist_sets(props, "module-stream-restore.id", "sink-input-by-application-id:coach");
  po->st = pa_stream_new_with_proplist(po->ctx, p->stream_name && *p->stream_name
                                                    ? p->stream_name : "coach",
                                       &ss, NULL, props);
  pa_proplist_free(props);
  if(!po->st) {
    coach_why(why, why_len, "cannot create a playback stream: %s",
              pa_strerror(pa_context_errno(po->ctx)));
    pa_threaded_mainloop_unlock(po->ml);
    rc = COACH_E_DEVICE;
    goto fail;
  }
  pa_stream_set_state_callback(po->st, stream_state_cb, po);
  pa_stream_set_write_callback(po->st, stream_write_cb, po);
  uint32_t ms_bytes = (uint32_t)(p->rate / 1000 * sizeof(float));
  pa_buffer_attr attr = {.maxlength = (uint32_t)-1,
                         .tlength = AUDIO_PULSE_QUEUE_MS * ms_bytes,
                         .prebuf = AUDIO_PULSE_PREBUF_MS * ms_bytes,
                         .minreq = AUDIO_PULSE_REQUEST_MS * ms_bytes,
                         .fragsize = (uint32_t)-1};
  if(pa_stream_connect_playback(po->st, po->sink[0] ? po->sink : NULL, &attr,
                                PA_STREAM_AUTO_TIMING_UPDATE,
                                NULL, NULL) < 0) {
    coach_why(why, why_len, "cannot play on the sound server: %s",
              pa_strerror(pa_context_errno(po->ctx)));
    pa_threaded_mainloop_unlock(po->ml);
    rc = COACH_E_DEVICE;
    goto fail;
  }
  pa_threaded_mainloop_unlock(po->ml);
  *out = &po->base;
  return COACH_OK;

fail:
  teardown(po);
  return rc;
}

static void pulse_kick(audio_out *ao)
{
  pulse_out *po = (pulse_out *)ao;
  pa_threaded_mainloop_lock(po->ml);
  rewrite(po);
  pa_threaded_mainloop_unlock(po->ml);
}

static void pulse_pump(audio_out *ao)
{
  pulse_out *po = (pulse_out *)ao;
  pa_threaded_mainloop_lock(po->ml);
  fill(po);
  if(po->st && pa_stream_get_state(po->st) == PA_STREAM_READY)
    update_heard(po);
  pa_threaded_mainloop_unlock(po->ml);
}

static audio_out_health pulse_health(audio_out *ao, char *why, size_t why_len)
{
  pulse_out *po = (pulse_out *)ao;
  pa_threaded_mainloop_lock(po->ml);
  audio_out_health h = po->health;
  if(h == AUDIO_OUT_LOST)
    coach_why(why, why_len, "%s", po->why);
  pa_threaded_mainloop_unlock(po->ml);
  return h;
}

static void pulse_close(audio_out *ao, bool fade)
{
  pulse_out *po = (pulse_out *)ao;
  if(!po)
    return;
  pa_threaded_mainloop_lock(po->ml);
  if(fade && po->health == AUDIO_OUT_PLAYING) {
    rewrite(po); /* the stop may not have been kicked yet */
    for(int waited = 0; waited < FADE_WAIT_MS; waited++) {
      int64_t heard = heard_frame(po);
      if(heard < 0 || heard >= po->fade_end || po->health != AUDIO_OUT_PLAYING)
        break;
      pa_threaded_mainloop_unlock(po->ml);
      clock_ms_sleep(1);
      pa_threaded_mainloop_lock(po->ml);
    }
  }
  pa_threaded_mainloop_unlock(po->ml);
  teardown(po);
}

static const char *pulse_device(const audio_out *ao)
{
  const pulse_out *po = (const pulse_out *)ao;
  return po->sink[0] ? po->sink : "default";
}

const audio_out_ops audio_out_pulse = {
    .name = "pulse",
    .open = pulse_open,
    .kick = pulse_kick,
    .pump = pulse_pump,
    .health = pulse_health,
    .close = pulse_close,
    .device = pulse_device,
};
