/* speech_worker — speech (speech.h) in a child process that can crash without taking its
 * parent down: speech-dispatcher's output-module design.
 *
 * eSpeak NG 1.51 aborts the whole process on some texts ("s'" repeated 220 times: "buffer
 * overflow detected"; tests/daemon/test_crash_text.sh), and nothing in-process can catch that. coachd speaks text
 * from clients and from users' routines, so it never calls eSpeak itself: a small program of
 * its own, coach-speech (src/worker/), owns eSpeak NG and talks to this proxy over a
 * socketpair (the wire format is speech_wire.h). The worker is single-threaded and serves one
 * request at a time: set the voice, or synthesise a text into 16-bit samples at the voice's
 * own rate. It is a separate program, not coachd re-executed, so that it maps only what
 * speech needs (eSpeak NG; not PortAudio, JACK and libstdc++): it lives beside a playing
 * coachd, and what it maps adds to coachd's own resident memory.
 *
 * The program file is opened once, by speech_worker_open(), and every worker runs that very
 * file (exec of /proc/self/fd/N) for the life of the proxy, even after a package upgrade has
 * replaced it on disk. The worker names its wire format before anything else; one of another
 * version of coach is refused with a message saying so (and what to do), not misread.
 *
 * Ownership: speech_worker_open() makes a speech_worker, speech_worker_close() frees it and
 * ends its worker; the proxy owns the worker process, its socket and the program's descriptor
 * (all close-on-exec). A clip from speech_worker_synth() belongs to the caller.
 *
 * Parent side (the proxy): the calls mirror speech.h and give the same results, plus:
 *  - a worker that died while idle (killed, the OOM killer) is reaped and replaced at the next
 *    request, which it does not affect;
 *  - the worker died during a request (a signal, an exit, EOF): the proxy reaps it, starts a
 *    fresh worker (re-applying the current voice) and sends the request once more, in case
 *    the death was not the request's doing. If the request kills the fresh worker too, it is
 *    refused with COACH_E_SPEECH ("speech synthesis crashed on this text (signal 6,
 *    Aborted); the text was refused") and no worker runs until the next request starts one;
 *  - the worker does not answer within the timeout (SPEECH_WORKER_TIMEOUT_MS): it is killed
 *    and the request refused with COACH_E_SPEECH, not retried (a text that hangs eSpeak
 *    would hang the retry too);
 *  - everything from the worker is bounded: why strings, and clips of at most
 *    SPEECH_WORKER_MAX_SECONDS at SPEECH_WORKER_RATE_MIN..MAX; a reply out of bounds counts
 *    as a crash.
 * Every worker the proxy starts is reaped by the proxy (waitpid on its pid: no SIGCHLD handler,
 * nothing that touches a caller's signal handling). Writes use MSG_NOSIGNAL, so a dead worker
 * never raises SIGPIPE in the parent.
 *
 * Threads: a speech_worker may be used by one thread at a time (any thread; coachd's engine
 * thread). The worker gets SIGKILL when the thread that started it exits (PR_SET_PDEATHSIG);
 * the proxy then starts another at the next request. Each request blocks the calling thread
 * until the answer (about 0.1 ms plus synthesis time) or the timeout.
 *
 * Worker side: coach-speech, started as `coach-speech --wire=VERSION FD [VOICES_DIR]`
 * with nothing blocked, SIGPIPE at its default, and only stdio and FD open; it exits when its
 * socket closes (the parent closed it or died).
 */
#ifndef COACH_SPEECH_WORKER_H
#define COACH_SPEECH_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "coach_error.h"
#include "routine.h" /* voice_settings */

#define SPEECH_WORKER_TIMEOUT_MS 10000 /* longest wait for one answer, then the worker is killed */
#define SPEECH_WORKER_MAX_SECONDS 601  /* longest clip accepted (speech.c's limit plus margin) */
#define SPEECH_WORKER_RATE_MIN 1000    /* the rates a clip may have (speech.c's, clip.h's) */
#define SPEECH_WORKER_RATE_MAX 768000

typedef struct speech_worker speech_worker;

/* Receives one line about the worker's life ("speech worker 1234 was killed by signal 6
 * (Aborted) while speaking \"s's'...\"; starting a new one"), for the caller's log. trouble:
 * false for the routine news of a worker starting (after it was rested, or lost), true for
 * everything that went wrong. Called on the thread making the request. */
typedef void (*speech_worker_log_fn)(void *ctx, bool trouble, const char *message);

/* Opens the worker program (program; NULL for paths_speech_worker()), starts a worker
 * (voices_dir as for speech_open()) and waits until its eSpeak NG is initialised.
 * On failure *out is untouched, no process is left behind, and why is one line saying what
 * went wrong and what to do: speech_open's own reason (and code) when the worker could
 * start; COACH_E_SPEECH naming the program when it is missing, cannot run, is not coach's
 * speech worker or belongs to another version of coach. */
coach_rc speech_worker_open(const char *program, const char *voices_dir, speech_worker **out,
                            char *why, size_t why_len);

/* Where the life of the worker is told; fn NULL (the default) tells no one. */
void speech_worker_set_log(speech_worker *w, speech_worker_log_fn fn, void *ctx);

/* Called on the calling thread every SPEECH_WORKER_WAIT_TICK_MS while a request waits for
 * the worker, so a long synthesis does not stop that thread's other work (the player keeps
 * its ring filled). fn must not call back into w. NULL removes it. */
#define SPEECH_WORKER_WAIT_TICK_MS 10
typedef void (*speech_worker_wait_fn)(void *ctx);
void speech_worker_set_wait(speech_worker *w, speech_worker_wait_fn fn, void *ctx);

/* The longest wait for one answer, in ms (default SPEECH_WORKER_TIMEOUT_MS; for tests). */
void speech_worker_set_timeout(speech_worker *w, int timeout_ms);

/* As speech_set_voice(). The voice in effect is re-applied to every new worker. A crashed or
 * hung worker gives COACH_E_SPEECH, and the previous voice stays. */
coach_rc speech_worker_set_voice(speech_worker *w, const voice_settings *v, char *why,
                                 size_t why_len);

/* As speech_synth(): the same 16-bit samples at the same rate, carried as they are, the same
 * errors, and *samples (malloc'ed, at least one sample) belongs to the caller. COACH_E_SPEECH
 * also when the text crashed or hung the worker (see above). On failure the outputs are
 * untouched and speech_worker_last_error() says why. */
coach_rc speech_worker_synth(speech_worker *w, const char *text, int16_t **samples,
                             int64_t *length, int *rate);

/* Why the last speech_worker_synth() failed. Never NULL; valid until the next call on w. */
const char *speech_worker_last_error(const speech_worker *w);

/* The running worker's process id, or -1 while none runs (after a crash, until the next
 * request). For tests and logs. */
pid_t speech_worker_pid(const speech_worker *w);

/* Ends the running worker, if one runs, the way speech_worker_close() does, but keeps w:
 * the next request starts a new worker with the voice in effect (5-10 ms; CMakeLists.txt has
 * the measurements, beside the worker's link). For a caller that speaks in bursts and would rather not keep a process of
 * a few MB resident in between: coachd rests its worker once a session's speech is ready. */
void speech_worker_rest(speech_worker *w);

/* Ends the worker (closes its socket, waits up to 0.5 s for it to exit, then kills it) and
 * frees w. NULL is fine. */
void speech_worker_close(speech_worker *w);

#endif
