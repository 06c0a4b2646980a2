/* speech_wire — what coachd's speech proxy (speech_worker.c) and the speech worker program
 * (coach-speech, src/worker/coach_speech.c) say to each other over their socketpair.
 *
 * The two ends are separate programs, installed side by side but replaceable one without the
 * other (a half-finished upgrade, a build tree next to an installed copy), so the worker names
 * its wire format before anything else: a speech_wire_hello, whose layout never changes, then
 * everything below in the format of that version. The proxy refuses a worker of another
 * version with a message saying so, instead of misreading it. Structs travel as they are:
 * both ends run on the same machine, and the version covers their layout.
 *
 * SPEECH_WIRE_VERSION 3 (2 sent clips at the mix rate, and could ask for a length alone; 1
 * was coachd re-executing itself, with float samples):
 *   worker, once:  speech_wire_hello, then a reply saying how speech_open() went
 *   request:       speech_wire_request {kind, len}, then len bytes (a voice_settings, or the
 *                  text without its NUL, len <= SPEECH_TEXT_MAX)
 *   reply:         speech_wire_reply {rc, why_len, length, rate}, then why_len bytes of why
 *                  (no NUL), then length int16 samples at rate (only when rc is COACH_OK and
 *                  the request was SPEECH_WIRE_SYNTH): clip.h's format at the voice's own rate,
 *                  as speech_synth() makes them, so a line crosses the socket once and as
 *                  small as it is. A worker that fails midway can only exit: the proxy sees
 *                  EOF.
 * The worker's command line carries the version too (SPEECH_WIRE_ARG), so a worker of
 * another version stops after its hello rather than reading requests it would misread.
 */
#ifndef COACH_SPEECH_WIRE_H
#define COACH_SPEECH_WIRE_H

#include <stdint.h>

#define SPEECH_WIRE_VERSION 3
#define SPEECH_WIRE_MAGIC "coachspw" /* 8 bytes, no NUL on the wire */
#define SPEECH_WIRE_ARG "--wire="    /* argv[1] of a worker: "--wire=3" */
#define SPEECH_WIRE_WHY_MAX 512      /* longest why on the wire, NUL included */

/* The worker's first words, in every version. */
typedef struct speech_wire_hello {
  char magic[8];
  uint32_t version;
  uint32_t reserved; /* 0 */
} speech_wire_hello;

enum { SPEECH_WIRE_VOICE = 1, SPEECH_WIRE_SYNTH = 2 };

typedef struct speech_wire_request {
  uint32_t kind;
  uint32_t len;
} speech_wire_request;

typedef struct speech_wire_reply {
  int32_t rc;
  uint32_t why_len;
  int64_t length; /* samples that follow */
  int32_t rate;   /* their rate; 0 when none follow */
  uint32_t reserved; /* 0 */
} speech_wire_reply;

#endif
