#include "control.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static void answer_now(player_reply r, coach_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void answer_now(player_reply r, coach_rc rc, const char *fmt, ...)
{
  char why[512];
  va_list ap;
  if(!r.fn)
    return;
  va_start(ap, fmt);
  vsnprintf(why, sizeof(why), fmt, ap);
  va_end(ap);
  r.fn(r.ctx, r.tag, rc, why);
}

void control_start(daemon_ctx *d, const char *name, const char *length, player_reply r)
{
  char why[512] = "";
  int64_t length_ms;
  if(!routine_name_valid(name)) {
    answer_now(r, COACH_E_INVALID, "\"%.60s\" is not a routine name (names use a-z, 0-9, - and _)",
               name);
    return;
  }
  const routine *rt = library_find(&d->lib, name);
  if(!rt) {
    answer_now(r, COACH_E_NOTFOUND, "no routine named \"%s\" (try: coach list)", name);
    return;
  }
  if(routine_choose_length(rt, length, &length_ms, why, sizeof(why))) {
    answer_now(r, COACH_E_INVALID, "%s", why);
    return;
  }
  player_start(d->player, rt, length_ms, r);
}

void control_stop(daemon_ctx *d, player_reply r)
{
  player_stop(d->player, r);
}

void control_pause(daemon_ctx *d, player_reply r)
{
  player_pause(d->player, r);
}

void control_resume(daemon_ctx *d, player_reply r)
{
  player_resume(d->player, r);
}

void control_toggle(daemon_ctx *d, player_reply r)
{
  player_status st;
  player_get_status(d->player, &st);
  if(st.state == PLAYER_PAUSED)
    player_resume(d->player, r);
  else
    player_pause(d->player, r);
}

void control_skip(daemon_ctx *d, player_reply r)
{
  player_skip(d->player, r);
}

void control_restart(daemon_ctx *d, player_reply r)
{
  player_restart(d->player, r);
}

void control_say(daemon_ctx *d, const char *text, unsigned flags, player_reply r)
{
  size_t len = strlen(text);
  if(len > PLAYER_SAY_MAX) {
    answer_now(r, COACH_E_LIMIT, "the text is longer than %d bytes", PLAYER_SAY_MAX);
    return;
  }
  if(strspn(text, " \t") == len) {
    answer_now(r, COACH_E_INVALID, "nothing to say");
    return;
  }
  player_say(d->player, text, flags, r);
}

coach_rc control_set_volume(daemon_ctx *d, int volume, char *why, size_t why_len)
{
  if(volume < 0 || volume > 100) {
    coach_why(why, why_len, "volume is a whole number from 0 to 100");
    return COACH_E_INVALID;
  }
  d->volume = volume;
  player_set_volume(d->player, volume);
  return COACH_OK;
}

void control_change_volume(daemon_ctx *d, int delta)
{
  int v = d->volume + delta;
  control_set_volume(d, v < 0 ? 0 : v > 100 ? 100 : v, NULL, 0);
}
