/* feed: the fades of play, pause and flush; the ring kept until heard; a cursor restored and
 * pulled again gives exactly what a consumer that had seen the request there would have
 * given; partial pulls stop where the ring runs short; the end and the session clock. */
#include <math.h>

#include "check.h"
#include "feed.h"

#define RATE 48000
#define FADE (RATE * FEED_FADE_MS / 1000) /* 240 frames */

static void fill(float *buf, size_t n, float v)
{
  for(size_t i = 0; i < n; i++)
    buf[i] = v;
}

static feed *new_feed(size_t frames)
{
  feed *f = NULL;
  CHECK(feed_new(RATE, frames, &f) == COACH_OK && f);
  return f;
}

static void test_new(void)
{
  feed *f = NULL;
  CHECK(feed_new(100, 1024, &f) == COACH_E_INVALID && !f);
  CHECK(feed_new(RATE, 0, &f) == COACH_E_INVALID && !f);
  f = new_feed(1024);
  CHECK(feed_state_now(f) == FEED_PAUSED && feed_requested(f) == FEED_PAUSED);
  CHECK(feed_space(f) == 1024 && feed_heard_pos(f) == 0 && !feed_drained(f));
  feed_free(f);
  feed_free(NULL);
}

/* Paused: silence, the ring untouched. Play: a linear rise over FADE frames, then unity. */
static void test_play_and_pause(void)
{
  feed *f = new_feed(8192);
  float in[2000], out[2000];
  fill(in, 2000, 0.5f);
  CHECK(feed_write(f, in, 2000) == 2000);

  CHECK(feed_pull(f, out, 100, true) == 100);
  CHECK(out[0] == 0.0f && out[99] == 0.0f && feed_read_pos(f) == 0);

  feed_play(f);
  CHECK(feed_pull(f, out, 1000, true) == 1000);
  CHECK(out[0] > 0.0f && out[0] < 0.01f);
  CHECKF(fabsf(out[FADE / 2] - 0.25f) < 0.01f, "mid-fade %f", out[FADE / 2]);
  CHECK(out[FADE] == 0.5f && out[999] == 0.5f);
  for(int i = 1; i < FADE; i++)
    CHECK(out[i] > out[i - 1]);
  CHECK(feed_state_now(f) == FEED_PLAYING && feed_read_pos(f) == 1000);

  feed_pause(f);
  CHECK(feed_pull(f, out, 500, true) == 500);
  CHECK(out[0] < 0.5f && out[FADE - 1] > 0.0f && out[FADE] == 0.0f && out[499] == 0.0f);
  CHECK(feed_read_pos(f) == 1000 + FADE); /* the fade consumed; the silence did not */
  CHECK(feed_state_now(f) == FEED_PAUSED);

  feed_stop(f);
  feed_pull(f, out, 10, true);
  CHECK(feed_state_now(f) == FEED_STOPPED);

  /* Started rather than played: the first frame at full level. */
  feed_reset(f);
  feed_write(f, in, 100);
  feed_start(f);
  CHECK(feed_pull(f, out, 100, true) == 100 && out[0] == 0.5f && out[99] == 0.5f);
  feed_free(f);
}

/* A flush fades out what was queued, drops it and fades in on what was written after. */
static void test_flush(void)
{
  feed *f = new_feed(8192);
  float a[1000], b[1000], out[3000];
  fill(a, 1000, 1.0f);
  fill(b, 1000, -0.5f);
  feed_play(f);
  feed_write(f, a, 1000);
  feed_pull(f, out, 300, true); /* past the fade in */
  uint64_t at = feed_write_pos(f);
  feed_write(f, b, 1000);
  uint64_t ticket = feed_flush(f, at);
  CHECK(!feed_flush_done(f, ticket));
  CHECK(feed_pull(f, out, 1000, true) == 1000);
  CHECK(feed_flush_done(f, ticket));
  CHECK(out[0] > 0.9f && out[FADE - 1] > 0.0f && out[FADE - 1] < 0.01f);
  CHECK(out[FADE] <= 0.0f && out[FADE + 1] < 0.0f); /* now b, fading in */
  CHECK(out[2 * FADE + 1] == -0.5f);
  CHECK(feed_read_pos(f) == 1000 + (1000 - FADE)); /* a dropped, b from its start */
  feed_free(f);
}

/* The ring keeps what was pulled until it is heard. */
static void test_retention(void)
{
  feed *f = new_feed(1024);
  float in[1024], out[1024];
  fill(in, 1024, 0.25f);
  feed_play(f);
  CHECK(feed_write(f, in, 1024) == 1024);
  CHECK(feed_pull(f, out, 1024, true) == 1024);
  CHECK(feed_space(f) == 0);
  feed_heard(f, 512);
  CHECK(feed_space(f) == 512 && feed_heard_pos(f) == 512);
  feed_heard(f, 100); /* never back */
  CHECK(feed_heard_pos(f) == 512);
  feed_heard(f, 5000); /* never past what was pulled */
  CHECK(feed_heard_pos(f) == 1024 && feed_space(f) == 1024);
  feed_free(f);
}

/* Restoring a cursor and pulling again under a newer request gives what a consumer that saw
 * the request at that frame gives; a cursor already heard cannot be restored. */
static void test_cursor_replay(void)
{
  feed *direct = new_feed(8192), *replay = new_feed(8192);
  float in[4000], a[4000], b[4000];
  feed_cursor at;
  for(int i = 0; i < 4000; i++)
    in[i] = sinf((float)i * 0.05f) * 0.4f;
  feed_set_volume(direct, 0.7f);
  feed_set_volume(replay, 0.7f);
  feed_play(direct);
  feed_play(replay);
  feed_write(direct, in, 4000);
  feed_write(replay, in, 4000);

  /* direct: 1000 frames, a pause and a flush requested, 2000 more */
  feed_pull(direct, a, 1000, true);
  feed_pause(direct);
  feed_flush(direct, feed_write_pos(direct));
  feed_pull(direct, a + 1000, 2000, true);

  /* replay: 1000 frames, the cursor saved, 1500 frames pulled ahead under no request, then
   * the same requests and a restore to the cursor */
  feed_pull(replay, b, 1000, true);
  feed_cursor_save(replay, &at);
  feed_pull(replay, b + 1000, 1500, true);
  feed_pause(replay);
  feed_flush(replay, feed_write_pos(replay));
  CHECK(feed_cursor_restore(replay, &at) == COACH_OK);
  CHECK(feed_read_pos(replay) == 1000);
  feed_pull(replay, b + 1000, 2000, true);
  int same = 1;
  for(int i = 0; i < 3000; i++)
    same &= a[i] == b[i];
  CHECK(same);
  CHECK(feed_read_pos(replay) == feed_read_pos(direct));

  feed_heard(replay, feed_read_pos(replay));
  CHECK(feed_cursor_restore(replay, &at) == COACH_E_INVALID);
  feed_free(direct);
  feed_free(replay);
}

/* A partial pull stops where the ring runs short while sound is wanted; silence is unlimited. */
static void test_partial(void)
{
  feed *f = new_feed(8192);
  float in[300], out[1000];
  fill(in, 300, 0.3f);
  CHECK(feed_pull(f, out, 1000, false) == 1000); /* paused: silence */
  feed_play(f);
  feed_write(f, in, 300);
  CHECK(feed_pull(f, out, 1000, false) == 300);
  CHECK(feed_pull(f, out, 1000, false) == 0);
  feed_stats st;
  feed_get_stats(f, &st);
  CHECK(st.underruns == 0);
  CHECK(feed_pull(f, out, 100, true) == 100); /* a whole pull counts the shortage */
  feed_get_stats(f, &st);
  CHECK(st.underruns == 1);
  feed_mark_end(f);
  CHECK(feed_pull(f, out, 1000, false) == 1000); /* past the end: silence */
  feed_free(f);
}

static void test_end_and_reset(void)
{
  feed *f = new_feed(8192);
  float in[500], out[600];
  fill(in, 500, 0.2f);
  feed_play(f);
  feed_write(f, in, 500);
  feed_mark_end(f);
  feed_pull(f, out, 600, true);
  CHECK(!feed_drained(f)); /* pulled, not heard */
  feed_heard(f, feed_read_pos(f));
  CHECK(feed_drained(f));
  feed_stats st;
  feed_get_stats(f, &st);
  CHECK(st.underruns == 0 && st.drained);

  feed_write(f, in, 500);
  feed_reset(f);
  CHECK(!feed_drained(f) && feed_read_pos(f) == 1000 && feed_heard_pos(f) == 1000);
  CHECK(feed_space(f) == 8192);
  feed_write(f, in, 500);
  CHECK(feed_pull(f, out, 10, true) == 10 && out[0] < 0.2f); /* fades in again */
  feed_free(f);
}

static void test_volume_glide(void)
{
  feed *f = new_feed(RATE);
  float in[RATE / 10], out[RATE / 10];
  fill(in, RATE / 10, 1.0f);
  feed_play(f);
  feed_write(f, in, RATE / 10);
  feed_pull(f, out, FADE, true);
  feed_set_volume(f, 0.25f);
  feed_set_volume(f, NAN);
  feed_pull(f, out, RATE / 20, true);
  CHECK(out[0] < 1.0f && out[0] > 0.9f);
  CHECKF(fabsf(out[RATE / 20 - 1] - 0.25f) < 1e-3f, "%f", out[RATE / 20 - 1]);
  feed_free(f);
}

int main(void)
{
  test_new();
  test_play_and_pause();
  test_flush();
  test_retention();
  test_cursor_replay();
  test_partial();
  test_end_and_reset();
  test_volume_glide();
  return check_done();
}
