/* voice_control — hands-free control in coachd: when the listener (listen.h) runs, what a
 * heard phrase does, and the `listen` command.
 *
 * Listening is on when coach.ini says [listen] enabled = yes, or after `coach listen on`
 * (until `coach listen off`). While on, the listener runs only while a session plays or is
 * paused, unless [listen] while_idle = yes: an idle coachd holds no input device. Whether the
 * microphone and model are there is checked when listening is turned on; what is missing is
 * logged once (at start) or given to `coach listen on` as its error, and coachd runs on as
 * without listening.
 *
 * A heard phrase's command runs through the socket's command table (server_run_local): the
 * same code decides what `pause` means, spoken or typed. Each is logged with its reply.
 *
 * Main thread only, like daemon.h.
 */
#ifndef COACH_VOICE_CONTROL_H
#define COACH_VOICE_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "coach_error.h"

struct daemon_ctx;

/* At start and after a reload: takes [listen] from the settings, says once in the log what
 * listening will do (or why it cannot), and follows the player. */
void voice_control_configure(struct daemon_ctx *d);

/* After the player announced a change: starts or stops the listener. */
void voice_control_follow(struct daemon_ctx *d);

/* The fd to poll for heard commands, -1 when not listening. */
int voice_control_fd(const struct daemon_ctx *d);

/* Runs what was heard (its fd was readable). */
void voice_control_dispatch(struct daemon_ctx *d);

/* `coach listen on|off`: COACH_OK, or an error with why naming what is missing. */
coach_rc voice_control_set(struct daemon_ctx *d, bool on, char *why, size_t why_len);

/* For status: "off", "on (listening)", "on (waiting for a session)". */
const char *voice_control_state(const struct daemon_ctx *d);

/* Stops listening for good (coachd exits). */
void voice_control_shutdown(struct daemon_ctx *d);

#endif
