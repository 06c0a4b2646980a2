#include "mpd_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock_ms.h"
#include "listen_addr.h"
#include "log.h"
#include "mpd_commands.h"
#include "mpd_protocol.h"

enum { LISTEN_UNIX, LISTEN_TCP, LISTEN_COUNT };

struct mpd_server {
  mpd_listener listeners[LISTEN_COUNT]; /* srv NULL when not listening there */
  int n_fds[LISTEN_COUNT];              /* how many fds each filled at the last pollfds */
  char where[PATHS_MAX + 64];
};

/* [mpd] socket, else mpd.socket in the control socket's folder (a socket systemd passed
 * without a path: the default control socket's folder). */
static coach_rc socket_path(const daemon_ctx *d, const char *control_socket, char *buf,
                            size_t len, char *why, size_t why_len)
{
  char control[PATHS_MAX];
  const char *slash;
  if(d->cfg.mpd_socket[0]) {
    snprintf(buf, len, "%s", d->cfg.mpd_socket);
    return COACH_OK;
  }
  if(control_socket && control_socket[0] == '/')
    snprintf(control, sizeof(control), "%s", control_socket);
  else if(paths_socket(control, sizeof(control)) != COACH_OK) {
    coach_why(why, why_len, "no place for the MPD socket: set [mpd] socket or XDG_RUNTIME_DIR");
    return COACH_E_NOTFOUND;
  }
  slash = strrchr(control, '/');
  if((size_t)snprintf(buf, len, "%.*s/mpd.socket", (int)(slash - control), control) >= len ||
     strlen(buf) >= PATHS_SOCKET_MAX) {
    coach_why(why, why_len, "the MPD socket's path beside %s is too long: set [mpd] socket",
              control);
    return COACH_E_LIMIT;
  }
  return COACH_OK;
}

static coach_rc open_listener(mpd_server *m, int which, daemon_ctx *d, const char *path,
                              char *why, size_t why_len)
{
  mpd_listener *l = &m->listeners[which];
  server_config sc = {.commands = mpd_commands, .n_commands = mpd_n_commands, .ctx = l,
                      .max_clients = d->cfg.max_clients, .dialect = &mpd_dialect,
                      .password_over_tcp = d->cfg.mpd_password[0] != '\0'};
  char reason[512] = "";
  coach_rc rc;
  l->d = d;
  l->started_ms = clock_ms_now();
  if(which == LISTEN_UNIX)
    rc = server_open(&l->srv, path, &sc, reason, sizeof(reason));
  else {
    listen_addr addr;
    rc = listen_addr_parse(path, &addr, reason, sizeof(reason));
    if(rc == COACH_OK)
      rc = server_open_tcp(&l->srv, (struct sockaddr *)&addr.ss, addr.len, &sc, reason,
                           sizeof(reason));
  }
  if(rc)
    coach_why(why, why_len, "MPD listener: %s (set [mpd] enabled = no to go without it)",
              reason);
  return rc;
}

coach_rc mpd_server_open(mpd_server **out, daemon_ctx *d, const char *control_socket, char *why,
                         size_t why_len)
{
  char path[PATHS_MAX];
  coach_rc rc;
  mpd_server *m = calloc(1, sizeof(*m));
  if(!m) {
    coach_why(why, why_len, "out of memory");
    return COACH_E_NOMEM;
  }
  rc = socket_path(d, control_socket, path, sizeof(path), why, why_len);
  if(rc == COACH_OK)
    rc = open_listener(m, LISTEN_UNIX, d, path, why, why_len);
  if(rc == COACH_OK && d->cfg.mpd_bind[0])
    rc = open_listener(m, LISTEN_TCP, d, d->cfg.mpd_bind, why, why_len);
  if(rc) {
    mpd_server_close(m);
    return rc;
  }
  snprintf(m->where, sizeof(m->where), "%s", server_path(m->listeners[LISTEN_UNIX].srv));
  if(m->listeners[LISTEN_TCP].srv)
    snprintf(m->where + strlen(m->where), sizeof(m->where) - strlen(m->where), " and %s%s",
             server_path(m->listeners[LISTEN_TCP].srv),
             d->cfg.mpd_password[0] ? " (password required)" : "");
  *out = m;
  return COACH_OK;
}

void mpd_server_close(mpd_server *m)
{
  if(!m)
    return;
  for(int i = 0; i < LISTEN_COUNT; i++)
    server_close(m->listeners[i].srv);
  free(m);
}

int mpd_server_pollfds(mpd_server *m, struct pollfd *fds, int max)
{
  int n = 0;
  if(!m)
    return 0;
  for(int i = 0; i < LISTEN_COUNT; i++) {
    m->n_fds[i] = m->listeners[i].srv ? server_pollfds(m->listeners[i].srv, fds + n, max - n) : 0;
    n += m->n_fds[i];
  }
  return n;
}

int mpd_server_timeout_ms(const mpd_server *m)
{
  int best = -1;
  if(!m)
    return -1;
  for(int i = 0; i < LISTEN_COUNT; i++) {
    int t = m->listeners[i].srv ? server_timeout_ms(m->listeners[i].srv) : -1;
    if(t >= 0 && (best < 0 || t < best))
      best = t;
  }
  return best;
}

void mpd_server_dispatch(mpd_server *m, const struct pollfd *fds, int n)
{
  int used = 0;
  if(!m)
    return;
  for(int i = 0; i < LISTEN_COUNT; i++) {
    int k = m->n_fds[i] < n - used ? m->n_fds[i] : n - used;
    if(m->listeners[i].srv)
      server_dispatch(m->listeners[i].srv, fds + used, k);
    used += k;
  }
}

void mpd_server_notify(mpd_server *m, unsigned events)
{
  if(!m)
    return;
  if(events & PROTOCOL_EVENT_DATABASE)
    events |= MPD_EVENT_STORED_PLAYLIST | MPD_EVENT_UPDATE;
  if(events & DAEMON_EVENT_LOADED)
    events |= MPD_EVENT_PLAYLIST;
  for(int i = 0; i < LISTEN_COUNT; i++)
    if(m->listeners[i].srv)
      server_notify(m->listeners[i].srv, events);
}

const char *mpd_server_where(const mpd_server *m)
{
  return m ? m->where : "";
}
