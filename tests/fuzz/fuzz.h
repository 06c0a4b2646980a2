/* fuzz.h — what the harnesses share.
 *
 * Every harness is one LLVMFuzzerTestOneInput(). Built two ways (tests/fuzz/CMakeLists.txt):
 *   - with clang -fsanitize=fuzzer,address,undefined (COACH_FUZZ=ON): the fuzzer itself,
 *     run for a bounded time by tests/fuzz/run;
 *   - with any compiler and replay.c's main(): replays the seed corpora and every input in
 *     tests/fuzz/regressions/ (ctest "fuzz.replay_NAME"), so a crash once found stays fixed.
 *
 * FUZZ_ASSERT checks a property the code promises (its header's contract). A broken one
 * aborts, which libFuzzer reports as a crash with the input that caused it.
 */
#ifndef COACH_FUZZ_H
#define COACH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                                    \
  do {                                                                                       \
    if(!(cond)) {                                                                            \
      fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #cond);            \
      abort();                                                                               \
    }                                                                                        \
  } while(0)

#endif
