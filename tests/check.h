/* A tiny test harness: CHECK records a failure and goes on, so one run shows every broken
 * assertion; check_done() prints "N passed, N failed" and gives main's exit status. */
#ifndef COACH_TEST_CHECK_H
#define COACH_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                          \
  do {                                                                                       \
    if(cond)                                                                                 \
      check_passed++;                                                                        \
    else {                                                                                   \
      check_failed++;                                                                        \
      fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond);                     \
    }                                                                                        \
  } while(0)

#define CHECKF(cond, ...)                                                                    \
  do {                                                                                       \
    if(cond)                                                                                 \
      check_passed++;                                                                        \
    else {                                                                                   \
      check_failed++;                                                                        \
      fprintf(stderr, "%s:%d: FAILED: %s: ", __FILE__, __LINE__, #cond);                     \
      fprintf(stderr, __VA_ARGS__);                                                          \
      fputc('\n', stderr);                                                                   \
    }                                                                                        \
  } while(0)

static inline int check_done(void)
{
  printf("%d passed, %d failed\n", check_passed, check_failed);
  return check_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
