/* ring: capacity rounding, wrap-around, positions, discard, and a two-thread stress run in
 * which the producer writes a counting sequence and the consumer checks every frame. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "check.h"
#include "ring.h"

/* The value at position p: floats hold integers exactly up to 2^24. */
#define SEQ(p) ((float)((p) & ((1u << 24) - 1)))

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_new(void)
{
  ring *r = NULL;

  CHECK(ring_new(0, &r) == COACH_E_INVALID && r == NULL);
  CHECK(ring_new(RING_MAX_FRAMES + 1, &r) == COACH_E_INVALID && r == NULL);
  CHECK(ring_new(1, &r) == COACH_OK && ring_capacity(r) == 2);
  ring_free(r);
  CHECK(ring_new(3, &r) == COACH_OK && ring_capacity(r) == 4);
  ring_free(r);
  CHECK(ring_new(1024, &r) == COACH_OK && ring_capacity(r) == 1024);
  CHECK(ring_available(r) == 0 && ring_space(r) == 1024);
  CHECK(ring_read_pos(r) == 0 && ring_write_pos(r) == 0);
  ring_free(r);
  CHECK(ring_new(1025, &r) == COACH_OK && ring_capacity(r) == 2048);
  ring_free(r);
  ring_free(NULL);
}

static void test_wrap(void)
{
  ring *r;
  float in[16], out[16];
  int i, round;
  uint64_t pos = 0;

  CHECK(ring_new(8, &r) == COACH_OK);
  for(i = 0; i < 16; i++)
    in[i] = (float)i;

  /* Full and empty edges. */
  CHECK(ring_write(r, in, 16) == 8);
  CHECK(ring_space(r) == 0 && ring_available(r) == 8);
  CHECK(ring_write(r, in, 1) == 0);
  CHECK(ring_read(r, out, 16) == 8);
  CHECK(out[0] == 0.0f && out[7] == 7.0f);
  CHECK(ring_read(r, out, 1) == 0);
  CHECK(ring_read_pos(r) == 8 && ring_write_pos(r) == 8);
  pos = 8;

  /* Odd-sized chunks so that every split point of the wrap is crossed. */
  for(round = 0; round < 40; round++) {
    size_t n = (size_t)(round % 7) + 1, got;
    for(i = 0; i < (int)n; i++)
      in[i] = SEQ(pos + (uint64_t)i);
    CHECK(ring_write(r, in, n) == n);
    got = ring_read(r, out, n);
    CHECK(got == n);
    for(i = 0; i < (int)got; i++)
      CHECKF(out[i] == SEQ(pos + (uint64_t)i), "round %d i %d: %g", round, i, (double)out[i]);
    pos += n;
  }
  CHECK(ring_read_pos(r) == pos && ring_write_pos(r) == pos);
  ring_free(r);
}

static void test_discard(void)
{
  ring *r;
  float in[8] = {0, 1, 2, 3, 4, 5, 6, 7}, out[8];

  CHECK(ring_new(8, &r) == COACH_OK);
  CHECK(ring_write(r, in, 6) == 6);
  CHECK(ring_read(r, out, 1) == 1);
  CHECK(ring_discard_to(r, 0) == 0);   /* before the read position: nothing */
  CHECK(ring_discard_to(r, 1) == 0);   /* at it: nothing */
  CHECK(ring_discard_to(r, 3) == 2);   /* frames 1 and 2 */
  CHECK(ring_read_pos(r) == 3);
  CHECK(ring_read(r, out, 1) == 1 && out[0] == 3.0f);
  CHECK(ring_discard_to(r, 100) == 2); /* clamped to the write position */
  CHECK(ring_read_pos(r) == 6 && ring_available(r) == 0);
  CHECK(ring_write(r, in, 8) == 8);    /* all space is back */
  CHECK(ring_discard_all(r) == 8);
  CHECK(ring_discard_all(r) == 0);
  CHECK(ring_read_pos(r) == 14 && ring_write_pos(r) == 14 && ring_space(r) == 8);
  ring_free(r);
}

/* The stress run: a tiny ring so that both threads wrap all the time and keep meeting at the
 * full and empty edges; random chunk sizes on both sides; the consumer sometimes discards
 * (like a skip) and then checks that the sequence continues at exactly the new position. */
#define STRESS_SECONDS 1.0
#define STRESS_FRAMES ((uint64_t)50 * 1000 * 1000)

typedef struct stress {
  ring *r;
  atomic_bool done;
  uint64_t written;
} stress;

static uint32_t xorshift(uint32_t *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

static void *producer(void *arg)
{
  stress *st = arg;
  float chunk[97];
  uint64_t pos = 0;
  uint32_t seed = 12345;
  double end = now_s() + STRESS_SECONDS;
  unsigned iter = 0;

  /* Bounded both ways: a frame count, and a time limit for slow (sanitised, loaded) runs. */
  while(pos < STRESS_FRAMES) {
    size_t n = xorshift(&seed) % 97 + 1, i;
    for(i = 0; i < n; i++)
      chunk[i] = SEQ(pos + i);
    pos += ring_write(st->r, chunk, n);
    if((++iter & 1023) == 0 && now_s() > end)
      break;
  }
  st->written = pos;
  atomic_store(&st->done, true);
  return NULL;
}

static void test_stress(void)
{
  stress st = {0};
  pthread_t th;
  float chunk[131];
  uint64_t frames = 0, discards = 0, bad = 0;
  uint32_t seed = 999;
  double t0 = now_s();

  CHECK(ring_new(64, &st.r) == COACH_OK);
  atomic_init(&st.done, false);
  CHECK(pthread_create(&th, NULL, producer, &st) == 0);

  for(;;) {
    bool done = atomic_load(&st.done); /* before the read: then an empty ring means finished */
    uint64_t at = ring_read_pos(st.r);
    size_t n = xorshift(&seed) % 131 + 1, got, i;
    got = ring_read(st.r, chunk, n);
    for(i = 0; i < got; i++)
      if(chunk[i] != SEQ(at + i) && bad++ < 5)
        fprintf(stderr, "at %llu: got %g\n", (unsigned long long)(at + i), (double)chunk[i]);
    frames += got;
    if(xorshift(&seed) % 4096 == 0) {
      /* As audio_out does for a skip: drop up to where the producer was a moment ago. */
      uint64_t target = ring_write_pos(st.r);
      ring_discard_to(st.r, target);
      CHECK(ring_read_pos(st.r) >= target);
      discards++;
    }
    if(!got && done && ring_available(st.r) == 0)
      break;
  }
  pthread_join(th, NULL);
  CHECKF(bad == 0, "%llu frames out of order", (unsigned long long)bad);
  CHECK(ring_read_pos(st.r) == st.written);
  /* That the run did meet the edges many times over; not a speed figure: under ctest -j2
   * beside the audio tests the two threads may get one core between them. */
  CHECK(frames > 10000);
  printf("stress: %llu frames through, %llu written, %llu discards, %.2f s\n",
         (unsigned long long)frames, (unsigned long long)st.written,
         (unsigned long long)discards, now_s() - t0);
  ring_free(st.r);
}

int main(void)
{
  test_new();
  test_wrap();
  test_discard();
  test_stress();
  return check_done();
}
