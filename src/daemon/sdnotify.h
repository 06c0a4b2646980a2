/* sdnotify — the two pieces of the systemd protocol coachd speaks, without libsystemd.
 *
 * Socket activation: systemd (or `systemd-socket-activate -l PATH coachd`) passes listening
 * sockets from fd 3 (SD_LISTEN_FDS_START) and names our pid in LISTEN_PID.
 * Readiness: one datagram "READY=1" (or "STOPPING=1", "STATUS=...") to the AF_UNIX socket
 * in $NOTIFY_SOCKET; a leading '@' there means the abstract namespace.
 *
 * Without systemd (the variables unset) every function is a harmless no-op, so coachd calls
 * them unconditionally. Main thread only (they read and change the environment).
 */
#ifndef COACH_SDNOTIFY_H
#define COACH_SDNOTIFY_H

#include <stdint.h>

#include "coach_error.h"

#define SD_LISTEN_FDS_START 3

/* How many sockets were passed to this process (0 when not socket-activated, including when
 * LISTEN_PID names another process). They are fds 3 .. 3+n-1, now close-on-exec. Unsets
 * LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES so that children do not mistake them for theirs;
 * a second call therefore returns 0. */
int sdnotify_listen_fds(void);

/* Sends state (e.g. "READY=1\nSTATUS=playing") as one datagram. COACH_OK when sent or when
 * NOTIFY_SOCKET is unset; COACH_E_IO (with errno kept) when the send failed. */
coach_rc sdnotify_send(const char *state);
/* "READY=1": start-up is finished and the socket accepts connections. */
coach_rc sdnotify_ready(void);
/* "STOPPING=1": shutdown has begun. */
coach_rc sdnotify_stopping(void);
/* "STATUS=text" shown by `systemctl --user status`; printf-style, cut at 200 bytes. */
coach_rc sdnotify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
