/* control — what each command does to coachd, the one place that decides it for every way in:
 * the coach socket (commands.c), and any other front end (a second protocol, the desktop's
 * media controls, spoken commands) that offers the same actions.
 *
 * Each action checks its values, acts through the player, and answers through a reply
 * (player.h): at once, from inside the call, when it fails before reaching the player or
 * needs no engine work; else later, from the main loop's player_dispatch(). Errors are
 * coach_rc with a message for people; a front end maps the rc to its own error codes
 * (protocol_ack_from_rc for ours). COACH_E_STATE means the action does not fit the state
 * (pause when nothing plays, resume when playing, a start replaced before it played): our
 * protocol says so, while MPD's pause, stop, next and previous and every MPRIS call, whose
 * protocols say such a command does nothing, answer it as done.
 *
 * What `play` starts (MPD's queue, the desktop's play button) is d->loaded: the routine last
 * loaded or started. Changing it is announced as DAEMON_EVENT_LOADED (daemon_notify).
 *
 * Threads: the main thread only (the daemon's handlers run there).
 */
#ifndef COACH_CONTROL_H
#define COACH_CONTROL_H

#include "daemon.h"

/* Starts the routine called name (a routine name, refused unless routine_name_valid) at
 * length (text as `coach start` takes it, NULL for its default). COACH_E_INVALID for a bad
 * name or length (the message names the allowed range), COACH_E_NOTFOUND for no such
 * routine, else what player_start answers. A routine that passes these checks becomes what
 * `play` starts. */
void control_start(daemon_ctx *d, const char *name, const char *length, player_reply r);

/* Makes name at length (as control_start takes them; "" or NULL for the default) what
 * `play` starts, with the same checks and errors, without starting it. */
coach_rc control_load(daemon_ctx *d, const char *name, const char *length, char *why,
                      size_t why_len);
/* Resumes a paused session; a session that plays (or waits for its sound) goes on, answered
 * at once; otherwise starts what is loaded: COACH_E_STATE "nothing to play ..." when
 * nothing is. */
void control_play(daemon_ctx *d, player_reply r);
/* Forgets what is loaded and stops the session, if one plays (MPD's `clear`). */
void control_clear(daemon_ctx *d, player_reply r);

void control_stop(daemon_ctx *d, player_reply r);
void control_pause(daemon_ctx *d, player_reply r);
void control_resume(daemon_ctx *d, player_reply r);
/* Pause when playing, resume when paused; COACH_E_STATE when neither (MPD's `pause`). */
void control_toggle(daemon_ctx *d, player_reply r);
/* A play/pause button: pause when playing (or waiting for its sound), else control_play. */
void control_play_pause(daemon_ctx *d, player_reply r);
void control_skip(daemon_ctx *d, player_reply r);    /* to the next step */
void control_restart(daemon_ctx *d, player_reply r); /* the current step from its start */

/* Speaks text (over the session, or on its own): COACH_E_INVALID for empty text,
 * COACH_E_LIMIT over PLAYER_SAY_MAX bytes. flags: PLAYER_SAY_*. */
void control_say(daemon_ctx *d, const char *text, unsigned flags, player_reply r);

/* Sets the volume (0..100; COACH_E_INVALID otherwise) or moves it by delta, clamped. Applied
 * at once; `idle` clients hear of it as "mixer". */
coach_rc control_set_volume(daemon_ctx *d, int volume, char *why, size_t why_len);
void control_change_volume(daemon_ctx *d, int delta);

#endif
