/* coachd's commands: one handler each, one table sorted by name. The server has already
 * checked the argument count against the table, so handlers check only values. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "voice_control.h"

static void ack_rc(server_client *c, coach_rc rc, const char *why)
{
  server_reply_ack(c, protocol_ack_from_rc(rc), NULL, "%s", why && why[0] ? why : coach_rc_str(rc));
}

static void cmd_ping(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_reply_ok(c);
}

static void cmd_start(void *ctx, server_client *c, int argc, char **argv)
{
  daemon_ctx *d = ctx;
  const char *name = argv[1];
  if(!routine_name_valid(name)) {
    server_reply_ack(c, PROTOCOL_ACK_ARG, NULL,
                     "\"%.60s\" is not a routine name (names use a-z, 0-9, - and _)", name);
    return;
  }
  const routine *r = library_find(&d->lib, name);
  if(!r) {
    server_reply_ack(c, PROTOCOL_ACK_NO_ROUTINE, NULL, "no routine named \"%s\" (try: coach list)",
                     name);
    return;
  }
  char why[512] = "";
  int64_t length;
  if(routine_choose_length(r, argc > 2 ? argv[2] : NULL, &length, why, sizeof(why))) {
    server_reply_ack(c, PROTOCOL_ACK_ARG, NULL, "%s", why);
    return;
  }
  coach_rc rc = player_start(d->player, r, length, why, sizeof(why));
  if(rc) {
    log_msg(LVL_WARN, "start %s: %s", name, why);
    ack_rc(c, rc, why);
    return;
  }
  server_reply_ok(c);
}

typedef coach_rc (*player_action)(player *, char *, size_t);

static void run_action(void *ctx, server_client *c, player_action act)
{
  daemon_ctx *d = ctx;
  char why[512] = "";
  coach_rc rc = act(d->player, why, sizeof(why));
  if(rc)
    ack_rc(c, rc, why);
  else
    server_reply_ok(c);
}

static void cmd_stop(void *ctx, server_client *c, int argc, char **argv)
{
  (void)argc, (void)argv;
  run_action(ctx, c, player_stop);
}

static void cmd_pause(void *ctx, server_client *c, int argc, char **argv)
{
  (void)argc, (void)argv;
  run_action(ctx, c, player_pause);
}

static void cmd_resume(void *ctx, server_client *c, int argc, char **argv)
{
  (void)argc, (void)argv;
  run_action(ctx, c, player_resume);
}

static void cmd_skip(void *ctx, server_client *c, int argc, char **argv)
{
  (void)argc, (void)argv;
  run_action(ctx, c, player_skip);
}

static void cmd_say(void *ctx, server_client *c, int argc, char **argv)
{
  daemon_ctx *d = ctx;
  /* `say hello there` and `say "hello there"` mean the same. */
  char text[PLAYER_SAY_MAX + 1];
  size_t len = 0;
  for(int i = 1; i < argc; i++) {
    size_t n = strlen(argv[i]);
    if(len + (len ? 1 : 0) + n > PLAYER_SAY_MAX) {
      server_reply_ack(c, PROTOCOL_ACK_LIMIT, NULL, "the text is longer than %d bytes",
                       PLAYER_SAY_MAX);
      return;
    }
    if(len)
      text[len++] = ' ';
    memcpy(text + len, argv[i], n);
    len += n;
  }
  text[len] = '\0';
  if(!len) {
    server_reply_ack(c, PROTOCOL_ACK_ARG, NULL, "nothing to say");
    return;
  }
  char why[512] = "";
  coach_rc rc = player_say(d->player, text, why, sizeof(why));
  if(rc)
    ack_rc(c, rc, why);
  else
    server_reply_ok(c);
}

static void cmd_volume(void *ctx, server_client *c, int argc, char **argv)
{
  daemon_ctx *d = ctx;
  if(argc < 2) {
    server_reply_kv(c, "volume", "%d", d->volume);
    server_reply_ok(c);
    return;
  }
  /* `volume up [N]`, `volume down [N]`: by N (10), within 0..100 ("coach louder"). */
  bool up = !strcmp(argv[1], "up"), down = !strcmp(argv[1], "down");
  char *end;
  errno = 0;
  long v = strtol(argc > 2 ? argv[2] : up || down ? "10" : argv[1], &end, 10);
  if((up || down) && argc > 2 && (errno || end == argv[2] || *end || v < 1 || v > 100)) {
    server_reply_ack(c, PROTOCOL_ACK_ARG, NULL, "volume %s takes a step from 1 to 100, not "
                     "\"%.20s\"", argv[1], argv[2]);
    return;
  }
  if(up || down)
    v = d->volume + (up ? v : -v) < 0 ? 0 : d->volume + (up ? v : -v) > 100 ? 100
                                                                          : d->volume + (up ? v : -v);
  else if(argc > 2 || errno || end == argv[1] || *end || v < 0 || v > 100) {
    server_reply_ack(c, PROTOCOL_ACK_ARG, NULL, "volume is a whole number from 0 to 100, not "
                     "\"%.20s\"", argv[1]);
    return;
  }
  d->volume = (int)v;
  player_set_volume(d->player, d->volume);
  server_reply_ok(c);
}

static void cmd_status(void *ctx, server_client *c, int argc, char **argv)
{
  daemon_ctx *d = ctx;
  (void)argc, (void)argv;
  player_status st;
  player_get_status(d->player, &st);
  server_reply_kv(c, "state", "%s", player_state_name(st.state));
  server_reply_kv(c, "volume", "%d", st.volume);
  if(st.steps > 0) {
    if(st.routine[0])
      server_reply_kv(c, "routine", "%s", st.routine);
    server_reply_kv(c, "title", "%s", st.title);
    server_reply_kv(c, "step", "%d/%d %s", st.step, st.steps, st.step_label);
    if(st.breath)
      server_reply_kv(c, "breath", "%s", st.breath);
    server_reply_kv(c, "step_elapsed", "%.1f", st.step_elapsed_s);
    server_reply_kv(c, "step_remaining", "%.1f", st.step_duration_s - st.step_elapsed_s);
    server_reply_kv(c, "elapsed", "%.1f", st.elapsed_s);
    server_reply_kv(c, "remaining", "%.1f", st.duration_s - st.elapsed_s);
    server_reply_kv(c, "duration", "%.1f", st.duration_s);
  }
  server_reply_kv(c, "underruns", "%llu", (unsigned long long)st.underruns);
  server_reply_kv(c, "listen", "%s", voice_control_state(d));
  if(st.last_error[0])
    server_reply_kv(c, "error", "%s", st.last_error);
  server_reply_ok(c);
}

static void cmd_list(void *ctx, server_client *c, int argc, char **argv)
{
  daemon_ctx *d = ctx;
  (void)argc, (void)argv;
  for(int i = 0; i < d->lib.count; i++) {
    const routine *r = d->lib.items[i];
    server_reply_kv(c, "routine", "%s", r->name);
    server_reply_kv(c, "title", "%s", r->title);
    server_reply_kv(c, "summary", "%s", r->summary);
    if(r->has_length) {
      char def[32], lo[32], hi[32];
      duration_format(r->length_ms, def, sizeof(def));
      duration_format(r->min_length_ms, lo, sizeof(lo));
      duration_format(r->max_length_ms, hi, sizeof(hi));
      server_reply_kv(c, "length", "%s (%s to %s)", def, lo, hi);
    }
  }
  server_reply_ok(c);
}

static void cmd_listen(void *ctx, server_client *c, int argc, char **argv)
{
  daemon_ctx *d = ctx;
  if(argc < 2) {
    server_reply_kv(c, "listen", "%s", voice_control_state(d));
    server_reply_ok(c);
    return;
  }
  if(strcmp(argv[1], "on") && strcmp(argv[1], "off")) {
    server_reply_ack(c, PROTOCOL_ACK_ARG, NULL, "listen takes on or off, not \"%.20s\"",
                     argv[1]);
    return;
  }
  char why[512] = "";
  coach_rc rc = voice_control_set(d, argv[1][1] == 'n', why, sizeof(why));
  if(rc)
    ack_rc(c, rc, why);
  else
    server_reply_ok(c);
}

static void cmd_reload(void *ctx, server_client *c, int argc, char **argv)
{
  (void)argc, (void)argv;
  daemon_reload(ctx, c);
  server_reply_ok(c);
}

/* Sorted by name: the server looks commands up by binary search. */
const protocol_command daemon_commands[] = {
    {.name = "idle", .min_args = 0, .max_args = PROTOCOL_ARGS_ANY, .handler = server_command_idle},
    {.name = "list", .min_args = 0, .max_args = 0, .handler = cmd_list},
    {.name = "listen", .min_args = 0, .max_args = 1, .handler = cmd_listen},
    {.name = "pause", .min_args = 0, .max_args = 0, .handler = cmd_pause},
    {.name = "ping", .min_args = 0, .max_args = 0, .handler = cmd_ping},
    {.name = "reload", .min_args = 0, .max_args = 0, .handler = cmd_reload},
    {.name = "resume", .min_args = 0, .max_args = 0, .handler = cmd_resume},
    {.name = "say", .min_args = 1, .max_args = PROTOCOL_ARGS_ANY, .handler = cmd_say},
    {.name = "skip", .min_args = 0, .max_args = 0, .handler = cmd_skip},
    {.name = "start", .min_args = 1, .max_args = 2, .handler = cmd_start},
    {.name = "status", .min_args = 0, .max_args = 0, .handler = cmd_status},
    {.name = "stop", .min_args = 0, .max_args = 0, .handler = cmd_stop},
    {.name = "volume", .min_args = 0, .max_args = 2, .handler = cmd_volume},
};
const size_t daemon_n_commands = sizeof(daemon_commands) / sizeof(daemon_commands[0]);
