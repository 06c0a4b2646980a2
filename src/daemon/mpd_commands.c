/* MPD's commands as coachd answers them: how a session looks through MPD's eyes, and which
 * control.h action each one is. Replies follow MPD 0.23's field names and order, as Home
 * Assistant's integration and libmpdclient (mpc) read them. */
#include "mpd_commands.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "clock_ms.h"
#include "control.h"
#include "log.h"
#include "mpd_protocol.h"

/* ------------------------------------------------------------------ answers that come later */

static void answer_client(void *ctx, uint64_t tag, coach_rc rc, const char *why)
{
  server *srv = ctx;
  if(rc)
    server_finish_ack(srv, (server_ticket)tag, mpd_ack_from_rc(rc), "%s",
                      why && why[0] ? why : coach_rc_str(rc));
  else
    server_finish_ok(srv, (server_ticket)tag);
}

/* As MPD, pause, stop, next and previous with nothing to act on (COACH_E_STATE: nothing
 * plays, or already paused) do nothing and answer OK. */
static void answer_no_effect_ok(void *ctx, uint64_t tag, coach_rc rc, const char *why)
{
  answer_client(ctx, tag, rc == COACH_E_STATE ? COACH_OK : rc, why);
}

/* Defers c's reply (MPD's background commands) to the answer of a control.h action. */
static player_reply later(mpd_listener *l, server_client *c)
{
  return (player_reply){.fn = answer_client, .ctx = l->srv, .tag = server_defer(c)};
}

static player_reply later_no_effect_ok(mpd_listener *l, server_client *c)
{
  return (player_reply){.fn = answer_no_effect_ok, .ctx = l->srv, .tag = server_defer(c)};
}

/* ------------------------------------------------------------------ how a session looks */

/* MPD's three states: a session waiting for its sound still plays, as far as a remote
 * control can tell; it comes back by itself. */
static const char *mpd_state(const player_status *st)
{
  switch(st->state) {
  case PLAYER_PLAYING:
  case PLAYER_WAITING: return "play";
  case PLAYER_PAUSED: return "pause";
  case PLAYER_STOPPED:
  case PLAYER_ERROR: break;
  }
  return "stop";
}

/* MPD's whole seconds ("time", "Time"): rounded. */
static unsigned whole_seconds(double s)
{
  return s > 0 ? (unsigned)(s + 0.5) : 0;
}

static bool session_active(const player_status *st)
{
  return st->state == PLAYER_PLAYING || st->state == PLAYER_PAUSED ||
         st->state == PLAYER_WAITING;
}

/* The queue holds the loaded routine: song 0, whose id changes with every load. */
static bool queue_has_song(const daemon_ctx *d)
{
  return d->loaded.name[0] != '\0';
}

static unsigned song_id(const daemon_ctx *d)
{
  return d->loaded.version;
}

static unsigned playlist_version(const daemon_ctx *d)
{
  return d->loaded.version + 1; /* MPD's versions start at 1 */
}

/* One song: the routine called name. st is the session when it is that routine's (the step
 * being played is its title, the session's length its time), else NULL. */
static void reply_song(server_client *c, const daemon_ctx *d, const char *name,
                       const player_status *st, bool in_queue)
{
  const routine *r = library_find(&d->lib, name);
  const char *title = st ? st->title : r ? r->title : name;
  server_reply_kv(c, "file", "%s", name);
  if(st && st->steps > 0)
    server_reply_kv(c, "Title", "%s", st->step_label);
  server_reply_kv(c, "Name", "%s", title);
  server_reply_kv(c, "Album", "%s", title);
  server_reply_kv(c, "Artist", "coach");
  if(st && st->steps > 0) {
    server_reply_kv(c, "Time", "%u", whole_seconds(st->duration_s));
    server_reply_kv(c, "duration", "%.3f", st->duration_s);
  }
  if(in_queue) {
    server_reply_kv(c, "Pos", "0");
    server_reply_kv(c, "Id", "%u", song_id(d));
  }
}

/* The queue's song, with the session's details when the session plays it. */
static void reply_queue_song(server_client *c, const daemon_ctx *d, const player_status *st)
{
  bool playing_it = session_active(st) && !strcmp(st->routine, d->loaded.name);
  reply_song(c, d, d->loaded.name, playing_it ? st : NULL, true);
}

/* ------------------------------------------------------------------ status */

static void cmd_status(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  daemon_ctx *d = l->d;
  player_status st;
  (void)argc, (void)argv;
  player_get_status(d->player, &st);
  /* The volume as set, not as the engine last published it: a client that sets it and asks
   * at once (mpc volume +5) sees its own change. */
  server_reply_kv(c, "volume", "%d", d->volume);
  server_reply_kv(c, "repeat", "0");
  server_reply_kv(c, "random", "0");
  server_reply_kv(c, "single", "0");
  server_reply_kv(c, "consume", "0");
  server_reply_kv(c, "partition", "default");
  server_reply_kv(c, "playlist", "%u", playlist_version(d));
  server_reply_kv(c, "playlistlength", "%d", queue_has_song(d) ? 1 : 0);
  server_reply_kv(c, "mixrampdb", "0");
  server_reply_kv(c, "state", "%s", mpd_state(&st));
  if(queue_has_song(d)) {
    server_reply_kv(c, "song", "0");
    server_reply_kv(c, "songid", "%u", song_id(d));
  }
  if(session_active(&st) && st.steps > 0) {
    server_reply_kv(c, "time", "%u:%u", whole_seconds(st.elapsed_s), whole_seconds(st.duration_s));
    server_reply_kv(c, "elapsed", "%.3f", st.elapsed_s);
    server_reply_kv(c, "duration", "%.3f", st.duration_s);
  }
  if(st.last_error[0])
    server_reply_kv(c, "error", "%s", st.last_error);
  else if(st.waiting[0])
    server_reply_kv(c, "error", "waiting for the sound: %s", st.waiting);
  server_reply_ok(c);
}

static void cmd_currentsong(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  daemon_ctx *d = l->d;
  player_status st;
  (void)argc, (void)argv;
  player_get_status(d->player, &st);
  if(session_active(&st) && st.routine[0] && strcmp(st.routine, d->loaded.name))
    reply_song(c, d, st.routine, &st, false); /* loaded something else meanwhile */
  else if(queue_has_song(d))
    reply_queue_song(c, d, &st);
  server_reply_ok(c);
}

static void cmd_stats(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  (void)argc, (void)argv;
  server_reply_kv(c, "artists", "1");
  server_reply_kv(c, "albums", "%d", l->d->lib.count);
  server_reply_kv(c, "songs", "%d", l->d->lib.count);
  server_reply_kv(c, "uptime", "%lld", (long long)((clock_ms_now() - l->started_ms) / 1000));
  server_reply_ok(c);
}

static void cmd_outputs(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  player_status st;
  (void)argc, (void)argv;
  player_get_status(l->d->player, &st);
  server_reply_kv(c, "outputid", "0");
  server_reply_kv(c, "outputname", "coach");
  server_reply_kv(c, "plugin", "%s", st.output[0] ? st.output : l->d->cfg.output);
  server_reply_kv(c, "outputenabled", "1");
  server_reply_ok(c);
}

/* ------------------------------------------------------------------ what a client may send */

/* commands: what this connection may send now; notcommands: what it may not (yet). */
static void list_commands(server_client *c, bool allowed)
{
  for(size_t i = 0; i < mpd_n_commands; i++)
    if(server_client_may_send(c, mpd_commands[i].name) == allowed)
      server_reply_kv(c, "command", "%s", mpd_commands[i].name);
  server_reply_ok(c);
}

static void cmd_commands(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  list_commands(c, true);
}

static void cmd_notcommands(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  list_commands(c, false);
}

/* The tags coachd's songs carry. Choosing tags (clear, all, enable, disable) is accepted and
 * has nothing to change: every song carries all four. */
static const char *const tag_names[] = {"Artist", "Album", "Title", "Name"};

static void cmd_tagtypes(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx;
  if(argc == 1) {
    for(size_t i = 0; i < sizeof(tag_names) / sizeof(tag_names[0]); i++)
      server_reply_kv(c, "tagtype", "%s", tag_names[i]);
  }
  else if(((!strcmp(argv[1], "clear") || !strcmp(argv[1], "all")) && argc != 2) ||
          ((!strcmp(argv[1], "enable") || !strcmp(argv[1], "disable")) && argc < 3)) {
    server_reply_ack(c, MPD_ACK_ARG, NULL, "wrong number of arguments for \"tagtypes %.20s\"",
                     argv[1]);
    return;
  }
  else if(strcmp(argv[1], "clear") && strcmp(argv[1], "all") && strcmp(argv[1], "enable") &&
          strcmp(argv[1], "disable")) {
    server_reply_ack(c, MPD_ACK_ARG, NULL, "Unknown sub command \"%.40s\"", argv[1]);
    return;
  }
  server_reply_ok(c);
}

static void cmd_ok(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_reply_ok(c);
}

static void cmd_close(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_client_close(c);
}

/* Compares in time that does not depend on where the texts differ. */
static bool same_secret(const char *a, const char *b)
{
  size_t na = strlen(a), nb = strlen(b);
  unsigned char diff = na != nb;
  for(size_t i = 0; i < nb; i++)
    diff |= (unsigned char)(a[i < na ? i : 0] ^ b[i]);
  return diff == 0;
}

static void cmd_password(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  const char *want = l->d->cfg.mpd_password;
  (void)argc;
  if(want[0] && same_secret(argv[1], want)) {
    server_client_unlock(c);
    server_reply_ok(c);
    return;
  }
  /* Each guess costs a new connection, and leaves a line in the log. */
  log_msg(LVL_WARN, "mpd: wrong password from %s: connection closed", server_client_peer(c));
  server_reply_ack(c, MPD_ACK_PASSWORD, NULL, "incorrect password");
  server_client_close(c);
}

/* ------------------------------------------------------------------ routines as playlists */

static void cmd_listplaylists(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  (void)argc, (void)argv;
  for(int i = 0; i < l->d->lib.count; i++)
    server_reply_kv(c, "playlist", "%s", l->d->lib.items[i]->name);
  server_reply_ok(c);
}

/* The routine a playlist command names, or an ACK. */
static const routine *named_playlist(mpd_listener *l, server_client *c, const char *name)
{
  const routine *r = routine_name_valid(name) ? library_find(&l->d->lib, name) : NULL;
  if(!r)
    server_reply_ack(c, MPD_ACK_NO_EXIST, NULL, "No such playlist \"%.60s\"", name);
  return r;
}

static void cmd_listplaylist(void *ctx, server_client *c, int argc, char **argv)
{
  const routine *r = named_playlist(ctx, c, argv[1]);
  (void)argc;
  if(!r)
    return;
  server_reply_kv(c, "file", "%s", r->name);
  server_reply_ok(c);
}

static void cmd_listplaylistinfo(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  const routine *r = named_playlist(l, c, argv[1]);
  (void)argc;
  if(!r)
    return;
  reply_song(c, l->d, r->name, NULL, false);
  server_reply_ok(c);
}

/* The one folder there is: the routines, as playlists; a routine, as its song. */
static void cmd_lsinfo(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  const char *uri = argc > 1 ? argv[1] : "";
  if(!uri[0] || !strcmp(uri, "/")) {
    cmd_listplaylists(ctx, c, argc, argv);
    return;
  }
  if(routine_name_valid(uri) && library_find(&l->d->lib, uri)) {
    reply_song(c, l->d, uri, NULL, false);
    server_reply_ok(c);
    return;
  }
  server_reply_ack(c, MPD_ACK_NO_EXIST, NULL, "No such directory");
}

/* ------------------------------------------------------------------ the queue */

static void cmd_load(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  char name[ROUTINE_NAME_MAX + 2], length[32], why[512] = "";
  coach_rc rc;
  (void)argc;
  rc = mpd_parse_load(argv[1], name, sizeof(name), length, sizeof(length), why, sizeof(why));
  if(rc == COACH_OK)
    rc = control_load(l->d, name, length, why, sizeof(why));
  if(rc == COACH_E_NOTFOUND)
    server_reply_ack(c, MPD_ACK_NO_EXIST, NULL, "No such playlist \"%.60s\" (listplaylists names "
                     "them)", name);
  else if(rc)
    server_reply_ack(c, mpd_ack_from_rc(rc), NULL, "%s", why);
  else
    server_reply_ok(c);
}

static void cmd_clear(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  (void)argc, (void)argv;
  control_clear(l->d, later(l, c));
}

/* Song positions: 0 is the only one, while the queue holds a song. */
static bool position_ok(server_client *c, const daemon_ctx *d, const char *text)
{
  unsigned pos;
  if(!mpd_parse_uint(text, INT_MAX, &pos) || pos != 0 || !queue_has_song(d)) {
    server_reply_ack(c, MPD_ACK_ARG, NULL, "Bad song index");
    return false;
  }
  return true;
}

static bool id_ok(server_client *c, const daemon_ctx *d, const char *text)
{
  unsigned id;
  if(!mpd_parse_uint(text, UINT_MAX, &id) || id != song_id(d) || !queue_has_song(d)) {
    server_reply_ack(c, MPD_ACK_NO_EXIST, NULL, "No such song");
    return false;
  }
  return true;
}

static void cmd_playlistinfo(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  unsigned start = 0, end = UINT_MAX;
  player_status st;
  if(argc > 1 && !mpd_parse_range(argv[1], &start, &end)) {
    server_reply_ack(c, MPD_ACK_ARG, NULL, "Bad song index");
    return;
  }
  if(argc > 1 && !strchr(argv[1], ':') && !position_ok(c, l->d, argv[1]))
    return;
  player_get_status(l->d->player, &st);
  if(queue_has_song(l->d) && start == 0)
    reply_queue_song(c, l->d, &st);
  server_reply_ok(c);
}

static void cmd_playlistid(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  player_status st;
  if(argc > 1 && !id_ok(c, l->d, argv[1]))
    return;
  player_get_status(l->d->player, &st);
  if(queue_has_song(l->d))
    reply_queue_song(c, l->d, &st);
  server_reply_ok(c);
}

/* Whether the queue changed since the version text names; false after answering an ACK
 * when text is not a version. */
static bool queue_changed_since(server_client *c, const daemon_ctx *d, const char *text,
                                bool *changed)
{
  unsigned since;
  if(!mpd_parse_uint(text, UINT_MAX, &since)) {
    server_reply_ack(c, MPD_ACK_ARG, NULL, "Integer expected: %.20s", text);
    return false;
  }
  *changed = since < playlist_version(d) && queue_has_song(d);
  return true;
}

static void cmd_plchanges(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  player_status st;
  bool changed;
  (void)argc;
  if(!queue_changed_since(c, l->d, argv[1], &changed))
    return;
  player_get_status(l->d->player, &st);
  if(changed)
    reply_queue_song(c, l->d, &st);
  server_reply_ok(c);
}

static void cmd_plchangesposid(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  bool changed;
  (void)argc;
  if(!queue_changed_since(c, l->d, argv[1], &changed))
    return;
  if(changed) {
    server_reply_kv(c, "cpos", "0");
    server_reply_kv(c, "Id", "%u", song_id(l->d));
  }
  server_reply_ok(c);
}

/* ------------------------------------------------------------------ playback */

static void cmd_play(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  if(argc > 1 && !position_ok(c, l->d, argv[1]))
    return;
  control_play(l->d, later(l, c));
}

static void cmd_playid(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  if(argc > 1 && !id_ok(c, l->d, argv[1]))
    return;
  control_play(l->d, later(l, c));
}

/* pause 1 pauses, pause 0 resumes, pause alone toggles; never starts a session. */
static void cmd_pause(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  bool pause;
  if(argc > 1 && !mpd_parse_bool(argv[1], &pause)) {
    server_reply_ack(c, MPD_ACK_ARG, NULL, "Boolean (0/1) expected: %.20s", argv[1]);
    return;
  }
  if(argc == 1)
    control_toggle(l->d, later_no_effect_ok(l, c));
  else if(pause)
    control_pause(l->d, later_no_effect_ok(l, c));
  else
    control_resume(l->d, later_no_effect_ok(l, c));
}

static void cmd_stop(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  (void)argc, (void)argv;
  control_stop(l->d, later_no_effect_ok(l, c));
}

static void cmd_next(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  (void)argc, (void)argv;
  control_skip(l->d, later_no_effect_ok(l, c));
}

static void cmd_previous(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  (void)argc, (void)argv;
  control_restart(l->d, later_no_effect_ok(l, c));
}

static void cmd_seek(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_reply_ack(c, MPD_ACK_UNKNOWN, NULL,
                   "Not seekable: a session moves by whole steps (next, previous)");
}

/* repeat, random, single, consume: a session plays once, in order. */
static void cmd_mode(void *ctx, server_client *c, int argc, char **argv)
{
  bool on;
  (void)ctx, (void)argc;
  if(!mpd_parse_bool(argv[1], &on)) {
    server_reply_ack(c, MPD_ACK_ARG, NULL, "Boolean (0/1) expected: %.20s", argv[1]);
    return;
  }
  if(on) {
    server_reply_ack(c, MPD_ACK_ARG, NULL, "a session plays once, in order: %s stays 0",
                     argv[0]);
    return;
  }
  server_reply_ok(c);
}

/* ------------------------------------------------------------------ volume */

static void cmd_setvol(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  unsigned v;
  char why[128];
  (void)argc;
  if(!mpd_parse_uint(argv[1], 100, &v)) {
    server_reply_ack(c, MPD_ACK_ARG, NULL, "volume is a whole number from 0 to 100, not \"%.20s\"",
                     argv[1]);
    return;
  }
  if(control_set_volume(l->d, (int)v, why, sizeof(why)) != COACH_OK) {
    server_reply_ack(c, MPD_ACK_ARG, NULL, "%s", why);
    return;
  }
  server_reply_ok(c);
}

static void cmd_getvol(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  (void)argc, (void)argv;
  server_reply_kv(c, "volume", "%d", l->d->volume);
  server_reply_ok(c);
}

/* MPD's `volume`: a change, "+5" or "-5". */
static void cmd_volume(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  int delta;
  (void)argc;
  if(!mpd_parse_volume_change(argv[1], &delta)) {
    server_reply_ack(c, MPD_ACK_ARG, NULL, "a volume change is -100 to +100, not \"%.20s\"",
                     argv[1]);
    return;
  }
  control_change_volume(l->d, delta);
  server_reply_ok(c);
}

/* ------------------------------------------------------------------ the routines */

/* update and rescan: read the routine folders again, as `coach reload` does. */
static void cmd_update(void *ctx, server_client *c, int argc, char **argv)
{
  mpd_listener *l = ctx;
  (void)argc, (void)argv;
  daemon_reload(l->d, NULL);
  server_reply_kv(c, "updating_db", "1");
  server_reply_ok(c);
}

/* Sorted by name: the server looks commands up by binary search. */
const protocol_command mpd_commands[] = {
    {.name = "add", .min_args = 1, .max_args = 1, .handler = cmd_load},
    {.name = "clear", .min_args = 0, .max_args = 0, .handler = cmd_clear},
    {.name = "close", .min_args = 0, .max_args = 0, .handler = cmd_close},
    {.name = "commands", .min_args = 0, .max_args = 0, .handler = cmd_commands},
    {.name = "consume", .min_args = 1, .max_args = 1, .handler = cmd_mode},
    {.name = "currentsong", .min_args = 0, .max_args = 0, .handler = cmd_currentsong},
    {.name = "getvol", .min_args = 0, .max_args = 0, .handler = cmd_getvol},
    {.name = "idle", .min_args = 0, .max_args = PROTOCOL_ARGS_ANY, .handler = server_command_idle},
    {.name = "listplaylist", .min_args = 1, .max_args = 1, .handler = cmd_listplaylist},
    {.name = "listplaylistinfo", .min_args = 1, .max_args = 1, .handler = cmd_listplaylistinfo},
    {.name = "listplaylists", .min_args = 0, .max_args = 0, .handler = cmd_listplaylists},
    {.name = "load", .min_args = 1, .max_args = 1, .handler = cmd_load},
    {.name = "lsinfo", .min_args = 0, .max_args = 1, .handler = cmd_lsinfo},
    {.name = "next", .min_args = 0, .max_args = 0, .handler = cmd_next},
    {.name = "notcommands", .min_args = 0, .max_args = 0, .handler = cmd_notcommands},
    {.name = "outputs", .min_args = 0, .max_args = 0, .handler = cmd_outputs},
    {.name = "password", .min_args = 1, .max_args = 1, .handler = cmd_password},
    {.name = "pause", .min_args = 0, .max_args = 1, .handler = cmd_pause},
    {.name = "ping", .min_args = 0, .max_args = 0, .handler = cmd_ok},
    {.name = "play", .min_args = 0, .max_args = 1, .handler = cmd_play},
    {.name = "playid", .min_args = 0, .max_args = 1, .handler = cmd_playid},
    {.name = "playlistid", .min_args = 0, .max_args = 1, .handler = cmd_playlistid},
    {.name = "playlistinfo", .min_args = 0, .max_args = 1, .handler = cmd_playlistinfo},
    {.name = "plchanges", .min_args = 1, .max_args = 2, .handler = cmd_plchanges},
    {.name = "plchangesposid", .min_args = 1, .max_args = 2, .handler = cmd_plchangesposid},
    {.name = "previous", .min_args = 0, .max_args = 0, .handler = cmd_previous},
    {.name = "random", .min_args = 1, .max_args = 1, .handler = cmd_mode},
    {.name = "repeat", .min_args = 1, .max_args = 1, .handler = cmd_mode},
    {.name = "rescan", .min_args = 0, .max_args = 1, .handler = cmd_update},
    {.name = "seek", .min_args = 2, .max_args = 2, .handler = cmd_seek},
    {.name = "seekcur", .min_args = 1, .max_args = 1, .handler = cmd_seek},
    {.name = "seekid", .min_args = 2, .max_args = 2, .handler = cmd_seek},
    {.name = "setvol", .min_args = 1, .max_args = 1, .handler = cmd_setvol},
    {.name = "single", .min_args = 1, .max_args = 1, .handler = cmd_mode},
    {.name = "stats", .min_args = 0, .max_args = 0, .handler = cmd_stats},
    {.name = "status", .min_args = 0, .max_args = 0, .handler = cmd_status},
    {.name = "stop", .min_args = 0, .max_args = 0, .handler = cmd_stop},
    {.name = "tagtypes", .min_args = 0, .max_args = PROTOCOL_ARGS_ANY, .handler = cmd_tagtypes},
    {.name = "update", .min_args = 0, .max_args = 1, .handler = cmd_update},
    {.name = "urlhandlers", .min_args = 0, .max_args = 0, .handler = cmd_ok},
    {.name = "volume", .min_args = 1, .max_args = 1, .handler = cmd_volume},
};
const size_t mpd_n_commands = sizeof(mpd_commands) / sizeof(mpd_commands[0]);
