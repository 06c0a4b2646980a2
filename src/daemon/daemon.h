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

typedef struct daemon_ctx {
  coach_config cfg;
  char config_path[CONFIG_PATH_MAX]; /* "" when running on built-in defaults */
  const char *explicit_config;       /* --config, or NULL */
  library lib;
  player *player;
  server *srv;
  int volume;
  time_t remind_since; /* coachd's start, then the last reminder said (cmd_remind.c) */
  char remind_text[256]; /* the reminder being said, for the log once it was */
  /* hands-free control (voice_control.h) */
  bool listen_on;           /* `coach listen on`, or [listen] enabled with what it needs */
  struct listener *listener; /* running while listen_on and a session plays */
} daemon_ctx;

/* The command table, sorted by name, for server_config. */
extern const protocol_command daemon_commands[];
extern const size_t daemon_n_commands;

/* `remind` (cmd_remind.c): the reminder, if it is due. */
void daemon_cmd_remind(void *ctx, server_client *c, int argc, char **argv);

/* (Re)reads the config and the routine folders. Problems are logged and, when c is not
 * NULL, also sent to that client as "error: ..." lines (the reply's OK is the caller's).
 * A broken config keeps the previous settings; a broken routine keeps its previous version. */
void daemon_reload(daemon_ctx *d, server_client *c);

#endif
