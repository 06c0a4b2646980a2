/* coachd's commands: one handler each, one table sorted by name. The server has already
 * checked the argument count against the table, so handlers check only values. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "daemon.h"
#include "log.h"
#include "voice_control.h"

/* The answer to a command whose work went to the engine: sent to its client later. */
static void answer_client(void *ctx, uint64_t tag, coach_rc rc, const char *why)
{
  daemon_ctx *d = ctx;
  if(rc)
    server_finish_ack(d->srv, (server_ticket)tag, protocol_ack_from_rc(rc), "%s",
                      why && why[0] ? why : coach_rc_str(rc));
  else
    server_finish_ok(d->srv, (server_ticket)tag);
}

/* Defers c's reply (MPD's background commands) and says where the answer goes. */
static player_reply later(daemon_ctx *d, server_client *c)
{
  return (player_reply){.fn = answer_client, .ctx = d, .tag = server_defer(c)};
}

static void cmd_ping(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_reply_ok(c);
}

static void cmd_start(void *ctx, server_client *c, int argc, char **argv)
{
  daemon_ctx *d = ctx;
  control_start(d, argv[1], argc > 2 ? argv[2] : NULL, later(d, c));
}

static void cmd_stop(void *ctx, server_client *c, int argc, char **argv)
{
  (void)argc, (void)argv;
  control_stop(ctx, later(ctx, c));
}

static void cmd_pause(void *ctx, server_client *c, int argc, char **argv)
{
  (void)argc, (void)argv;
  control_pause(ctx, later(ctx, c));
}

static void cmd_resume(void *ctx, server_client *c, int argc, char **argv)
{
  (void)argc, (void)argv;
  control_resume(ctx, later(ctx, c));
}

static void cmd_skip(void *ctx, server_client *c, int argc, char **argv)
{
  (void)argc, (void)argv;
  control_skip(ctx, later(ctx, c));
}

static void cmd_say(void *ctx, server_client *c, int argc, char **argv)
{
  daemon_ctx *d = ctx;
  /* `say hello there` and `say "hello there"` mean the same. */
  char text[PLAYER_SAY_MAX + 2];
  size_t len = 0;
  for(int i = 1; i < argc && len <= PLAYER_SAY_MAX; i++) {
    size_t n = strlen(argv[i]);
    if(len)
      text[len++] = ' ';
    if(n > PLAYER_SAY_MAX + 1 - len)
      n = PLAYER_SAY_MAX + 1 - len; /* one byte over is enough to be refused as too long */
    memcpy(text + len, argv[i], n);
    len += n;
  }
  text[len] = '\0';
  control_say(d, text, 0, later(d, c));
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
    control_change_volume(d, (int)(up ? v : -v));
  else if(argc > 2 || errno || end == argv[1] || *end || v < 0 || v > 100) {
    server_reply_ack(c, PROTOCOL_ACK_ARG, NULL, "volume is a whole number from 0 to 100, not "
                     "\"%.20s\"", argv[1]);
    return;
  }
  else
    control_set_volume(d, (int)v, NULL, 0);
  server_reply_ok(c);
}

static void cmd_status(void *ctx, server_client *c, int argc, char **argv)
{
  daemon_ctx *d = ctx;
  (void)argc, (void)argv;
  player_status st;
  player_get_status(d->player, &st);
  server_reply_kv(c, "state", "%s", player_state_name(st.state));
  if(st.waiting[0])
    server_reply_kv(c, "waiting", "%s", st.waiting);
  server_reply_kv(c, "volume", "%d", st.volume);
  if(st.output[0]) {
    server_reply_kv(c, "output", "%s", st.output);
    server_reply_kv(c, "device", "%s", st.device);
  }
  if(st.preparing)
    server_reply_kv(c, "preparing", "speech");
  if(st.held)
    server_reply_kv(c, "held", "for you: coach resume or coach skip carries on");
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
  if(st.speech_errors)
    server_reply_kv(c, "speech_errors", "%d", st.speech_errors);
  server_reply_kv(c, "listen", "%s", voice_control_state(d));
  if(st.last_error[0])
    server_reply_kv(c, "error", "%s", st.last_error);
  server_reply_ok(c);
}

static void reply_pair(void *client, const char *key, const char *value)
{
  server_reply_kv(client, key, "%s", value);
}

static void cmd_list(void *ctx, server_client *c, int argc, char **argv)
{
  daemon_ctx *d = ctx;
  (void)argc, (void)argv;
  for(int i = 0; i < d->lib.count; i++)
    library_describe(d->lib.items[i], reply_pair, c);
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
    server_reply_ack(c, protocol_ack_from_rc(rc), NULL, "%s", why[0] ? why : coach_rc_str(rc));
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
    {.name = "remind", .min_args = 0, .max_args = 0, .handler = daemon_cmd_remind},
    {.name = "resume", .min_args = 0, .max_args = 0, .handler = cmd_resume},
    {.name = "say", .min_args = 1, .max_args = PROTOCOL_ARGS_ANY, .handler = cmd_say},
    {.name = "skip", .min_args = 0, .max_args = 0, .handler = cmd_skip},
    {.name = "start", .min_args = 1, .max_args = 2, .handler = cmd_start},
    {.name = "status", .min_args = 0, .max_args = 0, .handler = cmd_status},
    {.name = "stop", .min_args = 0, .max_args = 0, .handler = cmd_stop},
    {.name = "volume", .min_args = 0, .max_args = 2, .handler = cmd_volume},
};
const size_t daemon_n_commands = sizeof(daemon_commands) / sizeof(daemon_commands[0]);
