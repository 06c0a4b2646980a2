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

void daemon_cmd_remind(void *ctx, server_client *c, int argc, char **argv)
{
  daemon_ctx *d = ctx;
  const remind_settings *s = &d->cfg.remind;
  (void)argc, (void)argv;
  time_t now = time(NULL), since = d->remind_since, ended = last_session_end();
  struct tm local;
  char reason[160], line[256], why[512] = "";
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
  remind_message(s, suggest, line, sizeof(line));
  coach_rc rc = player_announce(d->player, line, why, sizeof(why));
  if(rc == COACH_E_STATE) {
    quiet(c, why);
    return;
  }
  if(rc) {
    log_msg(LVL_WARN, "remind: %s", why);
    server_reply_ack(c, protocol_ack_from_rc(rc), NULL, "%s", why);
    return;
  }
  d->remind_since = now;
  log_msg(LVL_INFO, "remind: %s", line);
  server_reply_kv(c, "reminded", "yes");
  server_reply_ok(c);
}
