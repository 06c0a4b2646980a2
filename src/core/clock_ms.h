/* clock_ms — the one reading of the monotonic clock and the one sleep, in milliseconds, for
 * every timeout, deadline and back-off in coach. Wall-clock time never measures a duration
 * here: it jumps when the system's time is set. Any thread.
 */
#ifndef COACH_CLOCK_MS_H
#define COACH_CLOCK_MS_H

#include <stdint.h>

/* CLOCK_MONOTONIC in milliseconds (vDSO: no system call). */
int64_t clock_ms_now(void);

/* Sleeps ms milliseconds, the whole time even when a signal interrupts it. */
void clock_ms_sleep(int ms);

#endif
