/* mpd_commands — the MPD commands coachd answers, one handler each, in one table sorted by
 * name (the server checks argument counts against it). mpd_server.c gives the table to its
 * listeners; each handler's ctx is its listener.
 *
 * Supported: status, currentsong, stats, outputs, commands, notcommands, tagtypes,
 * urlhandlers, idle, ping, close, password; listplaylists, listplaylist,
 * listplaylistinfo, lsinfo; playlistinfo, playlistid, plchanges, plchangesposid; load and
 * add (NAME or NAME@LENGTH), clear; play, playid, pause [0|1], stop, next (the next step),
 * previous (the current step again), setvol, getvol, volume (+N/-N); repeat, random, single
 * and consume 0 (a session plays once, in order: 1 is refused); update and rescan (reload
 * the routines). seek, seekid and seekcur are refused as MPD refuses a stream that cannot
 * seek. Anything else is MPD's "unknown command".
 *
 * Threads: the main thread (handlers run there).
 */
#ifndef COACH_MPD_COMMANDS_H
#define COACH_MPD_COMMANDS_H

#include <stdint.h>

#include "daemon.h"

/* One listener (UNIX or TCP): what its handlers need. */
typedef struct mpd_listener {
  daemon_ctx *d;
  server *srv;        /* its server, which deferred replies go back to */
  int64_t started_ms; /* clock_ms_now() when coachd began listening (stats' uptime) */
} mpd_listener;

extern const protocol_command mpd_commands[];
extern const size_t mpd_n_commands;

#endif
