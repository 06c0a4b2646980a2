#include "mpris.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "clock_ms.h"
#include "control.h"
#include "log.h"

#define OBJECT_PATH "/org/mpris/MediaPlayer2"
#define BUS_NAME "org.mpris.MediaPlayer2.coach"
#define IFACE_ROOT "org.mpris.MediaPlayer2"
#define IFACE_PLAYER "org.mpris.MediaPlayer2.Player"
#define ERROR_NAME "org.mpris.MediaPlayer2.coach.Error"
#define TRACK_PREFIX "/org/coach/routine"
#define NO_TRACK "/org/mpris/MediaPlayer2/TrackList/NoTrack"
/* Calls waiting for the engine's answer; more at once are refused as busy. */
#define PENDING_MAX 32
/* Messages handled per dispatch, so that a flood on the bus cannot starve the sockets. */
#define PROCESS_PER_ROUND 64
/* A position this far from where playing on would have taken it was a jump (Seeked). */
#define JUMP_US 1500000

/* What the Player interface shows: what PropertiesChanged last told, and what it is now. */
typedef struct shown {
  char status[8]; /* "Playing", "Paused", "Stopped" */
  char routine[ROUTINE_NAME_MAX + 8]; /* the track's routine, "" for none */
  char title[160];                    /* the step, "" without a session */
  char album[128];                    /* the routine's title */
  int64_t length_us;                  /* 0 while unknown */
  int volume;
  bool can_go, can_play, can_pause;
  bool active;          /* a session plays, is paused, or waits for its sound */
  int64_t position_us;
} shown;

typedef struct pending {
  uint64_t id; /* 0: free */
  sd_bus_message *call;
} pending;

struct mpris {
  daemon_ctx *d;
  sd_bus *bus; /* NULL once the bus is gone */
  sd_bus_slot *slots[2];
  shown told;
  int64_t told_at_ms; /* when told.position_us was read */
  pending calls[PENDING_MAX];
  uint64_t next_id;
};

/* ------------------------------------------------------------------ the state shown */

static void look(mpris *m, shown *s)
{
  player_status st;
  const daemon_ctx *d = m->d;
  memset(s, 0, sizeof(*s));
  player_get_status(d->player, &st);
  s->active = st.state == PLAYER_PLAYING || st.state == PLAYER_PAUSED ||
              st.state == PLAYER_WAITING;
  snprintf(s->status, sizeof(s->status), "%s",
           st.state == PLAYER_PAUSED ? "Paused" : s->active ? "Playing" : "Stopped");
  if(s->active && st.routine[0]) {
    snprintf(s->routine, sizeof(s->routine), "%s", st.routine);
    snprintf(s->album, sizeof(s->album), "%s", st.title);
    if(st.steps > 0) {
      snprintf(s->title, sizeof(s->title), "%s", st.step_label);
      s->length_us = (int64_t)(st.duration_s * 1e6);
      s->position_us = (int64_t)(st.elapsed_s * 1e6);
    }
  }
  else if(!s->active && d->loaded.name[0]) {
    const routine *r = library_find(&d->lib, d->loaded.name);
    snprintf(s->routine, sizeof(s->routine), "%s", d->loaded.name);
    snprintf(s->album, sizeof(s->album), "%s", r ? r->title : d->loaded.name);
  }
  s->volume = d->volume;
  s->can_go = s->active && st.steps > 0;
  s->can_pause = s->active;
  s->can_play = s->active || d->loaded.name[0];
}

static bool same_track(const shown *a, const shown *b)
{
  return !strcmp(a->routine, b->routine) && !strcmp(a->title, b->title) &&
         !strcmp(a->album, b->album) && a->length_us == b->length_us;
}

static int append_metadata(sd_bus_message *reply, const shown *s)
{
  char *track = NULL;
  int r;
  if(s->routine[0]) {
    r = sd_bus_path_encode(TRACK_PREFIX, s->routine, &track);
    if(r < 0)
      return r;
  }
  r = sd_bus_message_open_container(reply, 'a', "{sv}");
  if(r >= 0)
    r = sd_bus_message_append(reply, "{sv}", "mpris:trackid", "o", track ? track : NO_TRACK);
  if(r >= 0 && s->routine[0]) {
    r = sd_bus_message_append(reply, "{sv}", "xesam:album", "s", s->album);
    if(r >= 0)
      r = sd_bus_message_append(reply, "{sv}", "xesam:artist", "as", 1, "coach");
    if(r >= 0 && s->title[0])
      r = sd_bus_message_append(reply, "{sv}", "xesam:title", "s", s->title);
    if(r >= 0 && s->length_us > 0)
      r = sd_bus_message_append(reply, "{sv}", "mpris:length", "x", s->length_us);
  }
  if(r >= 0)
    r = sd_bus_message_close_container(reply);
  free(track);
  return r;
}

/* ------------------------------------------------------------------ properties */

static int get_root(sd_bus *bus, const char *path, const char *iface, const char *property,
                    sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
  (void)bus, (void)path, (void)iface, (void)userdata, (void)error;
  if(!strcmp(property, "Identity"))
    return sd_bus_message_append(reply, "s", "coach");
  if(!strcmp(property, "SupportedUriSchemes") || !strcmp(property, "SupportedMimeTypes"))
    return sd_bus_message_append(reply, "as", 0);
  return sd_bus_message_append(reply, "b", 0); /* CanQuit, CanRaise, HasTrackList */
}

static int get_player(sd_bus *bus, const char *path, const char *iface, const char *property,
                      sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
  mpris *m = userdata;
  shown s;
  (void)bus, (void)path, (void)iface, (void)error;
  look(m, &s);
  if(!strcmp(property, "PlaybackStatus"))
    return sd_bus_message_append(reply, "s", s.status);
  if(!strcmp(property, "Metadata"))
    return append_metadata(reply, &s);
  if(!strcmp(property, "Volume"))
    return sd_bus_message_append(reply, "d", s.volume / 100.0);
  if(!strcmp(property, "Position"))
    return sd_bus_message_append(reply, "x", s.position_us);
  if(!strcmp(property, "Rate") || !strcmp(property, "MinimumRate") ||
     !strcmp(property, "MaximumRate"))
    return sd_bus_message_append(reply, "d", 1.0);
  if(!strcmp(property, "CanGoNext") || !strcmp(property, "CanGoPrevious"))
    return sd_bus_message_append(reply, "b", s.can_go);
  if(!strcmp(property, "CanPlay"))
    return sd_bus_message_append(reply, "b", s.can_play);
  if(!strcmp(property, "CanPause"))
    return sd_bus_message_append(reply, "b", s.can_pause);
  if(!strcmp(property, "CanControl"))
    return sd_bus_message_append(reply, "b", 1);
  return sd_bus_message_append(reply, "b", 0); /* CanSeek */
}

static int set_volume(sd_bus *bus, const char *path, const char *iface, const char *property,
                      sd_bus_message *value, void *userdata, sd_bus_error *error)
{
  mpris *m = userdata;
  double v;
  int r = sd_bus_message_read(value, "d", &v);
  (void)bus, (void)path, (void)iface, (void)property, (void)error;
  if(r < 0)
    return r;
  /* MPRIS: below 0 is 0; above 1 is as loud as coach goes. */
  v = v != v || v < 0 ? 0 : v > 1 ? 1 : v;
  control_set_volume(m->d, (int)(v * 100 + 0.5), NULL, 0);
  return 0;
}

/* ------------------------------------------------------------------ methods */

static pending *pending_find(mpris *m, uint64_t id)
{
  for(int i = 0; i < PENDING_MAX; i++)
    if(m->calls[i].id == id)
      return &m->calls[i];
  return NULL;
}

/* The engine's answer to a call: done, or nothing to act on (COACH_E_STATE: pause when
 * paused, next when stopped, play with nothing loaded), which MPRIS says has no effect and
 * no error, or an error the caller sees. */
static void answer_call(void *ctx, uint64_t tag, coach_rc rc, const char *why)
{
  mpris *m = ctx;
  pending *p = pending_find(m, tag);
  if(!p || !tag)
    return;
  if(rc == COACH_OK || rc == COACH_E_STATE)
    sd_bus_reply_method_return(p->call, "");
  else
    sd_bus_reply_method_errorf(p->call, ERROR_NAME, "%s", why && why[0] ? why : coach_rc_str(rc));
  sd_bus_message_unref(p->call);
  p->call = NULL;
  p->id = 0;
}

/* Each Player method is a control.h action; the engine answers through answer_call. */
static void act(mpris *m, const char *member, player_reply r)
{
  if(!strcmp(member, "Play"))
    control_play(m->d, r);
  else if(!strcmp(member, "Pause"))
    control_pause(m->d, r);
  else if(!strcmp(member, "PlayPause"))
    control_play_pause(m->d, r);
  else if(!strcmp(member, "Stop"))
    control_stop(m->d, r);
  else if(!strcmp(member, "Next"))
    control_skip(m->d, r);
  else
    control_restart(m->d, r); /* Previous: the vtable routes nothing else here */
}

static int method_player(sd_bus_message *call, void *userdata, sd_bus_error *error)
{
  mpris *m = userdata;
  pending *slot = pending_find(m, 0);
  if(!slot)
    return sd_bus_error_set(error, ERROR_NAME, "too many requests at once; try again");
  slot->id = ++m->next_id;
  slot->call = sd_bus_message_ref(call);
  act(m, sd_bus_message_get_member(call),
      (player_reply){.fn = answer_call, .ctx = m, .tag = slot->id});
  return 1; /* answered by answer_call, now or once the engine has done it */
}

/* Raise and Quit (CanRaise, CanQuit false), Seek and SetPosition (CanSeek false): MPRIS says
 * these have no effect. */
static int method_no_effect(sd_bus_message *call, void *userdata, sd_bus_error *error)
{
  (void)userdata, (void)error;
  return sd_bus_reply_method_return(call, "");
}

static int method_open_uri(sd_bus_message *call, void *userdata, sd_bus_error *error)
{
  (void)call, (void)userdata;
  return sd_bus_error_set(error, SD_BUS_ERROR_NOT_SUPPORTED,
                          "coach plays its routines: start one with coach or an MPD client");
}

#define UNPRIV SD_BUS_VTABLE_UNPRIVILEGED
#define CONST SD_BUS_VTABLE_PROPERTY_CONST
#define CHANGES SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE

static const sd_bus_vtable root_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Raise", "", "", method_no_effect, UNPRIV),
    SD_BUS_METHOD("Quit", "", "", method_no_effect, UNPRIV),
    SD_BUS_PROPERTY("CanQuit", "b", get_root, 0, CONST),
    SD_BUS_PROPERTY("CanRaise", "b", get_root, 0, CONST),
    SD_BUS_PROPERTY("HasTrackList", "b", get_root, 0, CONST),
    SD_BUS_PROPERTY("Identity", "s", get_root, 0, CONST),
    SD_BUS_PROPERTY("SupportedUriSchemes", "as", get_root, 0, CONST),
    SD_BUS_PROPERTY("SupportedMimeTypes", "as", get_root, 0, CONST),
    SD_BUS_VTABLE_END};

static const sd_bus_vtable player_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Next", "", "", method_player, UNPRIV),
    SD_BUS_METHOD("Previous", "", "", method_player, UNPRIV),
    SD_BUS_METHOD("Pause", "", "", method_player, UNPRIV),
    SD_BUS_METHOD("PlayPause", "", "", method_player, UNPRIV),
    SD_BUS_METHOD("Stop", "", "", method_player, UNPRIV),
    SD_BUS_METHOD("Play", "", "", method_player, UNPRIV),
    SD_BUS_METHOD("Seek", "x", "", method_no_effect, UNPRIV),
    SD_BUS_METHOD("SetPosition", "ox", "", method_no_effect, UNPRIV),
    SD_BUS_METHOD("OpenUri", "s", "", method_open_uri, UNPRIV),
    SD_BUS_SIGNAL("Seeked", "x", 0),
    SD_BUS_PROPERTY("PlaybackStatus", "s", get_player, 0, CHANGES),
    SD_BUS_PROPERTY("Rate", "d", get_player, 0, CONST),
    SD_BUS_PROPERTY("MinimumRate", "d", get_player, 0, CONST),
    SD_BUS_PROPERTY("MaximumRate", "d", get_player, 0, CONST),
    SD_BUS_PROPERTY("Metadata", "a{sv}", get_player, 0, CHANGES),
    SD_BUS_WRITABLE_PROPERTY("Volume", "d", get_player, set_volume, 0, CHANGES | UNPRIV),
    SD_BUS_PROPERTY("Position", "x", get_player, 0, 0),
    SD_BUS_PROPERTY("CanGoNext", "b", get_player, 0, CHANGES),
    SD_BUS_PROPERTY("CanGoPrevious", "b", get_player, 0, CHANGES),
    SD_BUS_PROPERTY("CanPlay", "b", get_player, 0, CHANGES),
    SD_BUS_PROPERTY("CanPause", "b", get_player, 0, CHANGES),
    SD_BUS_PROPERTY("CanSeek", "b", get_player, 0, CONST),
    SD_BUS_PROPERTY("CanControl", "b", get_player, 0, CONST),
    SD_BUS_VTABLE_END};

/* ------------------------------------------------------------------ the bus */

static void drop_pending(mpris *m)
{
  for(int i = 0; i < PENDING_MAX; i++)
    if(m->calls[i].id) {
      sd_bus_message_unref(m->calls[i].call);
      m->calls[i] = (pending){0};
    }
}

static void bus_close(mpris *m)
{
  drop_pending(m);
  for(int i = 0; i < 2; i++)
    m->slots[i] = sd_bus_slot_unref(m->slots[i]);
  m->bus = sd_bus_flush_close_unref(m->bus);
}

/* The bus failed (r < 0): coachd goes on without it. */
static void bus_lost(mpris *m, const char *what, int r)
{
  log_msg(LVL_WARN, "session bus: %s failed (%s): desktop media controls (MPRIS) are off", what,
          strerror(-r));
  bus_close(m);
}

/* The well-known name, or an instance name beside another coachd's (as MPRIS asks). */
static int take_name(sd_bus *bus, char *name, size_t len)
{
  int r;
  snprintf(name, len, "%s", BUS_NAME);
  r = sd_bus_request_name(bus, name, 0);
  if(r != -EEXIST)
    return r;
  snprintf(name, len, "%s.instance%d", BUS_NAME, (int)getpid());
  return sd_bus_request_name(bus, name, 0);
}

coach_rc mpris_open(mpris **out, daemon_ctx *d, char *why, size_t why_len)
{
  char name[128];
  int r;
  mpris *m = calloc(1, sizeof(*m));
  if(!m) {
    coach_why(why, why_len, "out of memory");
    return COACH_E_NOMEM;
  }
  m->d = d;
  r = sd_bus_open_user(&m->bus);
  if(r < 0) {
    coach_why(why, why_len, "no session bus (%s)", strerror(-r));
    free(m);
    return COACH_E_NOTFOUND;
  }
  r = sd_bus_add_object_vtable(m->bus, &m->slots[0], OBJECT_PATH, IFACE_ROOT, root_vtable, m);
  if(r >= 0)
    r = sd_bus_add_object_vtable(m->bus, &m->slots[1], OBJECT_PATH, IFACE_PLAYER, player_vtable,
                                 m);
  if(r >= 0)
    r = take_name(m->bus, name, sizeof(name));
  if(r < 0) {
    coach_why(why, why_len, "no session bus (%s)", strerror(-r));
    bus_close(m);
    free(m);
    return r == -EEXIST ? COACH_E_STATE : COACH_E_IO;
  }
  look(m, &m->told);
  m->told_at_ms = clock_ms_now();
  log_msg(LVL_INFO, "desktop media controls: %s on the session bus", name);
  *out = m;
  return COACH_OK;
}

void mpris_close(mpris *m)
{
  if(!m)
    return;
  bus_close(m);
  free(m);
}

int mpris_pollfd(mpris *m, struct pollfd *fd)
{
  int events;
  if(!m || !m->bus)
    return 0;
  events = sd_bus_get_events(m->bus);
  if(events < 0) {
    bus_lost(m, "polling", events);
    return 0;
  }
  *fd = (struct pollfd){.fd = sd_bus_get_fd(m->bus), .events = (short)events};
  return 1;
}

int mpris_timeout_ms(mpris *m)
{
  uint64_t usec;
  int64_t left;
  if(!m || !m->bus || sd_bus_get_timeout(m->bus, &usec) < 0 || usec == UINT64_MAX)
    return -1;
  /* usec is CLOCK_MONOTONIC, the clock clock_ms_now() reads; rounded up, so that the wait
   * never ends a little before it is due. */
  left = (int64_t)((usec + 999) / 1000) - clock_ms_now();
  return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

void mpris_dispatch(mpris *m, const struct pollfd *fd)
{
  if(!m || !m->bus || (fd && !fd->revents && mpris_timeout_ms(m) != 0))
    return;
  for(int i = 0; i < PROCESS_PER_ROUND && m->bus; i++) {
    int r = sd_bus_process(m->bus, NULL);
    if(r < 0)
      bus_lost(m, "reading", r);
    if(r <= 0)
      break;
  }
}

void mpris_notify(mpris *m, unsigned events)
{
  const char *changed[8];
  int n = 0, r = 0;
  int64_t now_ms = clock_ms_now();
  shown now;
  if(!m || !m->bus)
    return;
  look(m, &now);
  if(strcmp(now.status, m->told.status))
    changed[n++] = "PlaybackStatus";
  if(!same_track(&now, &m->told))
    changed[n++] = "Metadata";
  if(now.volume != m->told.volume)
    changed[n++] = "Volume";
  if(now.can_go != m->told.can_go) {
    changed[n++] = "CanGoNext";
    changed[n++] = "CanGoPrevious";
  }
  if(now.can_play != m->told.can_play)
    changed[n++] = "CanPlay";
  if(now.can_pause != m->told.can_pause)
    changed[n++] = "CanPause";
  changed[n] = NULL;
  if(n)
    r = sd_bus_emit_properties_changed_strv(m->bus, OBJECT_PATH, IFACE_PLAYER, (char **)changed);
  /* Next and previous move the position by more than playing on would have: Seeked. */
  if(r >= 0 && (events & PROTOCOL_EVENT_PLAYER) && now.active && m->told.active &&
     !strcmp(now.routine, m->told.routine)) {
    int64_t expected = m->told.position_us;
    if(!strcmp(m->told.status, "Playing"))
      expected += (now_ms - m->told_at_ms) * 1000;
    if(llabs(now.position_us - expected) > JUMP_US)
      r = sd_bus_emit_signal(m->bus, OBJECT_PATH, IFACE_PLAYER, "Seeked", "x", now.position_us);
  }
  if(r < 0) {
    bus_lost(m, "sending a change", r);
    return;
  }
  m->told = now;
  m->told_at_ms = now_ms;
}
