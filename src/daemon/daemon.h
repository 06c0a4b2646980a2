/* daemon — what coachd's command handlers share: settings, routines, the player, the server.
 * Main thread only: handlers and the main loop run there.
 */
#ifndef COACH_DAEMON_H
#define COACH_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "library.h"
#include "player.h"
#include "protocol.h"
#include "server.h"

typedef struct mpd_server mpd_server;
typedef struct mpris mpris;

/* The routine that `play` starts when nothing plays (MPD's queue, the desktop's play
 * button): the one last loaded or started (control.h). */
typedef struct daemon_loaded {
  char name[ROUTINE_NAME_MAX + 1]; /* "" when none */
  char length[32];                 /* as given to load or start, "" for the default */
  unsigned version;                /* counts every change (MPD's playlist version) */
} daemon_loaded;

/* An event of coachd's own, beside the PROTOCOL_EVENT_* bits: d->loaded changed. Not a
 * coach protocol event (the coach listener ignores it); MPD calls it "playlist". */
#define DAEMON_EVENT_LOADED (1u << 16)

typedef struct daemon_ctx {
  coach_config cfg;
  char config_path[CONFIG_PATH_MAX]; /* "" when running on built-in defaults */
  const char *explicit_config;       /* --config, or NULL */
  library lib;
  player *player;
  server *srv;
  mpd_server *mpd; /* NULL when [mpd] enabled = no */
  mpris *mpris;    /* NULL without a session bus */
  int volume;
  daemon_loaded loaded;
  time_t remind_since; /* coachd's start, then the last reminder said (cmd_remind.c) */
  char remind_text[256]; /* the reminder being said, for the log once it was */
  /* hands-free control (voice_control.h) */
  bool listen_on;           /* `coach listen on`, or [listen] enabled with what it needs */
  struct listener *listener; /* running while listen_on and a session plays */
} daemon_ctx;

/* The command table, sorted by name, for server_config. */
extern const protocol_command daemon_commands[];
extern const size_t daemon_n_commands;

/* Tells every front end what changed (PROTOCOL_EVENT_* and DAEMON_EVENT_* bits): the coach
 * listener's and the MPD listener's `idle` clients, the desktop's media controls, and the
 * service manager's status line. */
void daemon_notify(daemon_ctx *d, unsigned events);
/* `remind` (cmd_remind.c): the reminder, if it is due. */
void daemon_cmd_remind(void *ctx, server_client *c, int argc, char **argv);

/* (Re)reads the config and the routine folders. Problems are logged and, when c is not
 * NULL, also sent to that client as "error: ..." lines (the reply's OK is the caller's).
 * A broken config keeps the previous settings; a broken routine keeps its previous version. */
void daemon_reload(daemon_ctx *d, server_client *c);

#endif
