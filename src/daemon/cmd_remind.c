/* coachd's `remind`: what coach-remind.timer asks for (through `coach remind`) every few
 * minutes. coachd decides (remind.h): within the active hours and days, `every` after the
 * last activity, and never over a session, it says the reminder after a chime. The reply is
 * OK either way, with `reminded: yes` or `reminded: no` and the reason, which the service's
 * journal keeps. Main thread, as every handler. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "daemon.h"
#include "history.h"
#include "log.h"
#include "paths.h"

/* When the last session in the history ended, or 0 without one. */
static time_t last_session_end(void)
{
  char path[PATHS_MAX];
  history_entry *e = NULL;
  size_t n = 0;
  coach_diag diag;
  time_t end = 0;
  if(paths_history(path, sizeof(path)) != COACH_OK ||
     history_read(path, &e, &n, &diag) != COACH_OK)
    return 0;
  for(size_t i = 0; i < n; i++)
    if(e[i].start + e[i].played_s > end)
      end = (time_t)(e[i].start + e[i].played_s);
  free(e);
  return end;
}

static void quiet(server_client *c, const char *reason)
{
  log_msg(LVL_DEBUG, "remind: quiet: %s", reason);
  server_reply_kv(c, "reminded", "no");
  server_reply_kv(c, "reason", "%s", reason);
  server_reply_ok(c);
}

/* The answer once the engine has said the reminder, or refused to (a session began). */
static void reminded(void *ctx, uint64_t tag, coach_rc rc, const char *why)
{
  daemon_ctx *d = ctx;
  server_ticket t = (server_ticket)tag;
  if(rc == COACH_E_STATE) {
    log_msg(LVL_DEBUG, "remind: quiet: %s", why);
    server_finish_kv(d->srv, t, "reminded", "no");
    server_finish_kv(d->srv, t, "reason", "%s", why);
    server_finish_ok(d->srv, t);
    return;
  }
  if(rc) {
    log_msg(LVL_WARN, "remind: %s", why);
    server_finish_ack(d->srv, t, protocol_ack_from_rc(rc), "%s", why);
    return;
  }
  d->remind_since = time(NULL);
  log_msg(LVL_INFO, "remind: %s", d->remind_text);
  server_finish_kv(d->srv, t, "reminded", "yes");
  server_finish_ok(d->srv, t);
}

void daemon_cmd_remind(void *ctx, server_client *c, int argc, char **argv)
{
  daemon_ctx *d = ctx;
  const remind_settings *s = &d->cfg.remind;
  (void)argc, (void)argv;
  time_t now = time(NULL), since = d->remind_since, ended = last_session_end();
  struct tm local;
  char reason[160];
  if(ended > since)
    since = ended;
  localtime_r(&now, &local);
  int64_t idle = now > since ? (int64_t)(now - since) : 0;
  remind_verdict v = remind_decide(s, &local, idle);
  if(v != REMIND_NOW) {
    remind_explain(s, v, idle, reason, sizeof(reason));
    quiet(c, reason);
    return;
  }
  bool suggest = library_find(&d->lib, s->routine) != NULL;
  if(!suggest)
    log_msg(LVL_WARN, "remind: there is no routine \"%s\" to suggest ([remind] routine)",
            s->routine);
  remind_message(s, suggest, d->remind_text, sizeof(d->remind_text));
  /* Only when nothing plays, decided by the engine: a session may begin meanwhile. */
  player_say(d->player, d->remind_text, PLAYER_SAY_CHIME | PLAYER_SAY_IDLE_ONLY,
             (player_reply){.fn = reminded, .ctx = d, .tag = server_defer(c)});
}
