/* mpd_protocol — the subset of the Music Player Daemon's protocol that coachd speaks on its
 * MPD listener (src/daemon/mpd_server.h), so that Home Assistant, mpc and phone apps control
 * a session as they would a music player.
 *
 * MPD's protocol is the model coach's own follows (protocol.h): the same lines, quoting,
 * "key: value" replies and OK, the same `idle`. What differs is this module's dialect:
 *   <- OK MPD 0.23.5                              the greeting (the version of MPD whose
 *                                                 commands coachd answers as MPD does)
 *   <- ACK [50@0] {load} No such playlist "x"     errors carry MPD's codes (mpd_ack) and the
 *                                                 failing command's place in a command list
 *   -> command_list_ok_begin                      command lists: the commands are collected
 *   -> status                                     until command_list_end and then run in
 *   -> currentsong                                order; each success is followed by
 *   -> command_list_end                           "list_OK" (ok_begin form), the list by one
 *   <- ... list_OK ... list_OK OK                 OK; the first error ends it.
 * and MPD's idle subsystems (MPD_EVENT_*), a superset of coach's events.
 *
 * How a session looks through it (the commands themselves are src/daemon/mpd_commands.c):
 * each routine is a stored playlist; the queue holds at most one "song", the routine to
 * play, which `load NAME` or `load NAME@LENGTH` (mpd_parse_load) puts there; the song's
 * title is the step being played.
 *
 * Pure code: no I/O, no allocation, no global state. Any thread may call every function.
 */
#ifndef COACH_MPD_PROTOCOL_H
#define COACH_MPD_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>

#include "coach_error.h"
#include "protocol.h"

#define MPD_PROTOCOL_VERSION "0.23.5"
#define MPD_GREETING "OK MPD " MPD_PROTOCOL_VERSION "\n"

/* MPD's error codes (its src/protocol/Ack.hxx): clients such as python-mpd2 name them. */
typedef enum mpd_ack {
  MPD_ACK_NOT_LIST = 1,
  MPD_ACK_ARG = 2,          /* a bad argument, or a wrong number of them */
  MPD_ACK_PASSWORD = 3,     /* incorrect password */
  MPD_ACK_PERMISSION = 4,   /* not allowed before the password */
  MPD_ACK_UNKNOWN = 5,      /* unknown command; an error of no other kind */
  MPD_ACK_NO_EXIST = 50,    /* no such playlist, song or directory */
  MPD_ACK_PLAYLIST_MAX = 51,
  MPD_ACK_SYSTEM = 52,      /* the system, or the sound, failed */
  MPD_ACK_PLAYLIST_LOAD = 53,
  MPD_ACK_UPDATE_ALREADY = 54,
  MPD_ACK_PLAYER_SYNC = 55, /* not possible in the player's state ("Not playing") */
  MPD_ACK_EXIST = 56,
} mpd_ack;

/* MPD's idle subsystems as event bits: coach's four (protocol.h) keep their bits, so the
 * events the player reports reach MPD clients unchanged. */
enum {
  MPD_EVENT_PLAYER = PROTOCOL_EVENT_PLAYER,
  MPD_EVENT_MIXER = PROTOCOL_EVENT_MIXER,
  MPD_EVENT_OPTIONS = PROTOCOL_EVENT_OPTIONS,
  MPD_EVENT_DATABASE = PROTOCOL_EVENT_DATABASE,
  MPD_EVENT_PLAYLIST = 1u << 4,        /* the queue: what `play` starts */
  MPD_EVENT_STORED_PLAYLIST = 1u << 5, /* the routines, MPD's stored playlists */
  MPD_EVENT_UPDATE = 1u << 6,          /* `update` ran */
  MPD_EVENT_OUTPUT = 1u << 7,
  MPD_EVENT_PARTITION = 1u << 8,
  MPD_EVENT_STICKER = 1u << 9,
  MPD_EVENT_SUBSCRIPTION = 1u << 10,
  MPD_EVENT_MESSAGE = 1u << 11,
  MPD_EVENT_NEIGHBOR = 1u << 12,
  MPD_EVENT_MOUNT = 1u << 13,
  MPD_EVENT_ALL = (1u << 14) - 1,
};
/* The subsystem name of one event bit, NULL for anything else. */
const char *mpd_event_name(unsigned event);
/* The bit for a subsystem name, 0 when unknown. */
unsigned mpd_event_parse(const char *name);

/* MPD's code for an error the server makes itself (protocol_dialect.code). */
int mpd_ack_from_kind(protocol_ack kind);
/* MPD's code for what a coachd action answered (control.h). */
int mpd_ack_from_rc(coach_rc rc);

extern const protocol_dialect mpd_dialect;

/* MPD's boolean argument: "0" or "1". */
bool mpd_parse_bool(const char *s, bool *out);
/* A whole number in 0..max, digits only (MPD's song positions, ids, volumes). */
bool mpd_parse_uint(const char *s, unsigned max, unsigned *out);
/* The argument of MPD's `volume`: a change of -100..100, with or without a sign ("+5",
 * "-5", "5"). */
bool mpd_parse_volume_change(const char *s, int *delta);
/* A song range: "N" (just N), "N:M" (N up to but not including M, M > N) or "N:" (N on);
 * *end is UINT_MAX for an open end. */
bool mpd_parse_range(const char *s, unsigned *start, unsigned *end);

/* `load`'s argument: a routine name, optionally with the session's length after an '@'
 * ("rest", "rest@15m"). '@' is never part of a routine name, so nothing is ambiguous.
 * Writes the name and the length text ("" when none; checked later against the routine's
 * range) and returns COACH_OK; COACH_E_INVALID with why for an empty name or length, a
 * second '@', or a part too long for its buffer (no routine name is that long). Nothing is
 * checked against the routines here: the caller does that (control_load). */
coach_rc mpd_parse_load(const char *spec, char *name, size_t name_len, char *length,
                        size_t length_len, char *why, size_t why_len);

#endif
