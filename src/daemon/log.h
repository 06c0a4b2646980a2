/* log — coachd's log lines on stderr, one per event, with a level:
 *   "coachd: info: playing rest (660 s) on default"
 * systemd's journal adds the time. Any thread: each line is written with one write(), so
 * lines from different threads never interleave. Never called from the audio callback.
 */
#ifndef COACH_LOG_H
#define COACH_LOG_H

typedef enum log_level { LVL_ERROR, LVL_WARN, LVL_INFO, LVL_DEBUG } log_level;

/* Lines above this level are dropped. Set once at start-up, before other threads exist. */
void log_set_level(log_level max);

void log_msg(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
