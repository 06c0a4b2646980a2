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

/* The routine called name and its session length: the checks start and load share. */
static coach_rc find_routine(daemon_ctx *d, const char *name, const char *length,
                             const routine **out, int64_t *length_ms, char *why, size_t why_len)
{
  if(!routine_name_valid(name)) {
    coach_why(why, why_len,
              "\"%.60s\" is not a routine name (names use a-z, 0-9, - and _)", name);
    return COACH_E_INVALID;
  }
  const routine *rt = library_find(&d->lib, name);
  if(!rt) {
    coach_why(why, why_len, "no routine named \"%s\" (try: coach list)", name);
    return COACH_E_NOTFOUND;
  }
  if(length && !*length)
    length = NULL;
  if(routine_choose_length(rt, length, length_ms, why, why_len))
    return COACH_E_INVALID;
  *out = rt;
  return COACH_OK;
}

/* name at length (both checked) becomes what `play` starts. */
static void remember(daemon_ctx *d, const char *name, const char *length)
{
  daemon_loaded *l = &d->loaded;
  if(!length)
    length = "";
  if(!strcmp(l->name, name) && !strcmp(l->length, length))
    return;
  snprintf(l->name, sizeof(l->name), "%s", name);
  snprintf(l->length, sizeof(l->length), "%s", length);
  l->version++;
  daemon_notify(d, DAEMON_EVENT_LOADED);
}

void control_start(daemon_ctx *d, const char *name, const char *length, player_reply r)
{
  char why[512] = "";
  const routine *rt;
  int64_t length_ms;
  coach_rc rc = find_routine(d, name, length, &rt, &length_ms, why, sizeof(why));
  if(rc) {
    answer_now(r, rc, "%s", why);
    return;
  }
  remember(d, name, length);
  player_start(d->player, rt, length_ms, r);
}

coach_rc control_load(daemon_ctx *d, const char *name, const char *length, char *why,
                      size_t why_len)
{
  const routine *rt;
  int64_t length_ms;
  coach_rc rc = find_routine(d, name, length, &rt, &length_ms, why, why_len);
  if(rc)
    return rc;
  remember(d, name, length);
  return COACH_OK;
}

void control_play(daemon_ctx *d, player_reply r)
{
  player_status st;
  player_get_status(d->player, &st);
  if(st.state == PLAYER_PAUSED) {
    player_resume(d->player, r);
    return;
  }
  if(st.state == PLAYER_PLAYING || st.state == PLAYER_WAITING) {
    answer_now(r, COACH_OK, "%s", "");
    return;
  }
  if(!d->loaded.name[0]) {
    answer_now(r, COACH_E_STATE, "nothing to play: load a routine first");
    return;
  }
  char name[sizeof(d->loaded.name)], length[sizeof(d->loaded.length)];
  snprintf(name, sizeof(name), "%s", d->loaded.name); /* control_start may rewrite loaded */
  snprintf(length, sizeof(length), "%s", d->loaded.length);
  control_start(d, name, length, r);
}

void control_clear(daemon_ctx *d, player_reply r)
{
  player_status st;
  if(d->loaded.name[0]) {
    d->loaded.name[0] = d->loaded.length[0] = '\0';
    d->loaded.version++;
    daemon_notify(d, DAEMON_EVENT_LOADED);
  }
  player_get_status(d->player, &st);
  if(st.state == PLAYER_STOPPED || st.state == PLAYER_ERROR)
    answer_now(r, COACH_OK, "%s", "");
  else
    player_stop(d->player, r);
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

void control_play_pause(daemon_ctx *d, player_reply r)
{
  player_status st;
  player_get_status(d->player, &st);
  if(st.state == PLAYER_PLAYING || st.state == PLAYER_WAITING)
    player_pause(d->player, r);
  else
    control_play(d, r);
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
