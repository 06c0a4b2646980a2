/* mpd_server — coachd's second way in: the MPD protocol (mpd_protocol.h), so that Home
 * Assistant's `mpd` integration, mpc and phone MPD clients control a session.
 *
 * Where it listens ([mpd] in coach.ini, read when coachd starts):
 *   - a UNIX socket, always (unless enabled = no): [mpd] socket, else mpd.socket in the
 *     folder of the control socket ($XDG_RUNTIME_DIR/coach/mpd.socket). It is made, guarded
 *     and cleaned up as the control socket is (server.h: folder 0700, socket 0600, the peer
 *     check, the lock against a second coachd), and needs no password;
 *   - TCP at [mpd] bind, only when that is set. Its connections must give [mpd] password
 *     (when one is set) before any command but close, commands, notcommands, password and
 *     ping; config.c has already refused a bind that other machines can reach without one.
 * Both use the server's machinery (server.h) with MPD's dialect: the same limits as the
 * control socket, backpressure, timeouts, idle and deferred replies. The commands are in
 * mpd_commands.c; what each action means is control.h's, as for every way in.
 *
 * Failure to listen where [mpd] says is a failure to start: the user asked for it, and a
 * coachd that silently did not listen would look like a network problem.
 *
 * Threads: the main thread only. Every function takes NULL (no MPD listener) and then does
 * nothing.
 */
#ifndef COACH_MPD_SERVER_H
#define COACH_MPD_SERVER_H

#include <poll.h>

#include "daemon.h"

/* What mpd_server_pollfds may fill: both listeners with all their clients. */
#define MPD_SERVER_POLLFDS_MAX (2 * SERVER_POLLFDS_MAX)

/* Opens the listeners [mpd] asks for (d->cfg). control_socket is the control socket's path
 * (server_path), beside which the UNIX socket goes by default. On failure *out is untouched
 * and why says where and why, and what to do. */
coach_rc mpd_server_open(mpd_server **out, daemon_ctx *d, const char *control_socket, char *why,
                         size_t why_len);
void mpd_server_close(mpd_server *m);

/* As server_pollfds, server_timeout_ms and server_dispatch (server.h), for both listeners:
 * fds filled by mpd_server_pollfds go back to mpd_server_dispatch unchanged. */
int mpd_server_pollfds(mpd_server *m, struct pollfd *fds, int max);
int mpd_server_timeout_ms(const mpd_server *m);
void mpd_server_dispatch(mpd_server *m, const struct pollfd *fds, int n);

/* Reports coachd's events (daemon_notify) to MPD's idle clients, as MPD names them: a
 * reload is also "stored_playlist" and "update", DAEMON_EVENT_LOADED is "playlist". */
void mpd_server_notify(mpd_server *m, unsigned events);

/* Where the listeners are, for log lines ("PATH" or "PATH and ADDRESS:PORT"). */
const char *mpd_server_where(const mpd_server *m);

#endif
