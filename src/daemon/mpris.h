/* mpris — coachd as a media player on the user's session bus (MPRIS 2.2), so that the
 * desktop's media keys and controls, playerctl, KDE Connect on a phone and the buttons of
 * Bluetooth headphones (through BlueZ's MPRIS support) pause, resume and skip a session.
 *
 * coachd owns org.mpris.MediaPlayer2.coach (org.mpris.MediaPlayer2.coach.instancePID when
 * another coachd has it), object /org/mpris/MediaPlayer2, through sd-bus from the main
 * loop: no thread of its own. It offers
 *   - org.mpris.MediaPlayer2: Identity "coach", no Raise, no Quit, no track list;
 *   - org.mpris.MediaPlayer2.Player: Play, Pause, PlayPause, Stop, Next (the next step),
 *     Previous (the current step again) as control.h's actions, answered once the engine
 *     has done them; PlaybackStatus, Volume (writable), Position, Metadata and the Can*
 *     properties. Seek and SetPosition do nothing (CanSeek is false), OpenUri is refused.
 * A session is one track: mpris:trackid /org/coach/routine/NAME (NAME escaped as an object
 * path element), xesam:album the routine's title, xesam:title the step being played,
 * xesam:artist "coach", mpris:length the session's length; Position is the time into it.
 * With no session, the loaded routine (what Play starts) is the track, without a step.
 *
 * PropertiesChanged is sent as the session moves (a step, a pause, the volume), from the
 * events the main loop already gets (daemon_notify), for what really changed; Seeked when
 * the position jumped (next, previous).
 *
 * No session bus (a bare server, a test machine), or a bus that goes away: one log line,
 * and coachd carries on without it.
 *
 * Threads: the main thread only. Every function takes NULL (no bus) and then does nothing.
 */
#ifndef COACH_MPRIS_H
#define COACH_MPRIS_H

#include <poll.h>

#include "daemon.h"

/* Connects to the session bus and takes the name. Fails (*out untouched, why says why) when
 * there is no bus or the name cannot be had: the caller logs it and starts anyway. */
coach_rc mpris_open(mpris **out, daemon_ctx *d, char *why, size_t why_len);
void mpris_close(mpris *m);

/* The bus's fd and the events it waits for: 1 when filled, 0 without a bus. */
int mpris_pollfd(mpris *m, struct pollfd *fd);
/* Milliseconds until the bus needs mpris_dispatch without its fd being ready, -1 for never. */
int mpris_timeout_ms(mpris *m);
/* Handles what the bus has (revents of the fd mpris_pollfd filled, or a timeout). */
void mpris_dispatch(mpris *m, const struct pollfd *fd);

/* Tells the bus what changed (daemon_notify's events). */
void mpris_notify(mpris *m, unsigned events);

#endif
