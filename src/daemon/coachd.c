/* coachd — the coach daemon: options, signals, wiring, and the main loop.
 *
 * Threads: this main thread polls the control socket, the MPD listener's sockets
 * (mpd_server.h), the session bus (mpris.h), a signalfd and an eventfd that the player's
 * engine thread writes to when something changed; handlers run here. The engine
 * thread (player.c) owns speech and the audio stream. Signals are blocked in every thread
 * and read through the signalfd, so no code runs in a signal handler.
 *
 * Processes: eSpeak NG never runs in coachd. The engine thread starts coach's speech worker,
 * coach-speech (speech_worker.h; beside coachd in a build tree, else in LIBEXECDIR/coach),
 * and talks to it over a socketpair; when a text crashes the worker, only that text is
 * refused. The engine thread restarts and reaps workers itself (waitpid): no SIGCHLD
 * handler. Without a usable worker coachd still runs, and start and say say why they fail.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "build_config.h"
#include "daemon.h"
#include "log.h"
#include "mpd_server.h"
#include "mpris.h"
#include "paths.h"
#include "sdnotify.h"
#include "voice_control.h"

static void usage(FILE *to)
{
  fprintf(to, "usage: coachd [--config FILE] [--socket PATH] [--verbose]\n"
              "  Plays coach sessions; control it with `coach` or over its socket.\n"
              "  --config FILE  settings (default: ~/.config/coach/coach.ini, then the "
              "installed one)\n"
              "  --socket PATH  control socket (default: $XDG_RUNTIME_DIR/coach/socket)\n"
              "  --verbose      log every step change\n"
              "Signals, settings, socket and units: man coachd\n");
}

static void log_diag(const coach_diag *d, log_level level)
{
  int shown = d->count < COACH_DIAG_MAX ? d->count : COACH_DIAG_MAX;
  for(int i = 0; i < shown; i++) {
    char line[COACH_DIAG_MSG + 300];
    coach_diag_format(d, i, line, sizeof(line));
    log_msg(level, "%s", line);
  }
}

typedef struct reload_report {
  server_client *client;
  int problems;
} reload_report;

static void report_routine(void *ctx, const coach_diag *d, bool kept_old)
{
  reload_report *rr = ctx;
  log_diag(d, LVL_WARN);
  log_msg(LVL_WARN, "%s: %s", d->file,
          kept_old ? "not reloaded, the previous version stays in use" : "skipped");
  rr->problems++;
  if(rr->client) {
    int shown = d->count < COACH_DIAG_MAX ? d->count : COACH_DIAG_MAX;
    for(int i = 0; i < shown; i++) {
      char line[COACH_DIAG_MSG + 300];
      coach_diag_format(d, i, line, sizeof(line));
      server_reply_kv(rr->client, "error", "%s", line);
    }
  }
}

static void load_routines(daemon_ctx *d, reload_report *rr)
{
  library fresh;
  coach_rc rc = library_load_config(&fresh, &d->cfg, &d->lib, report_routine, rr);
  if(rc) {
    log_msg(LVL_ERROR, "routines not reloaded: %s", coach_rc_str(rc));
    return;
  }
  library_free(&d->lib);
  d->lib = fresh;
  log_msg(LVL_INFO, "%d routines loaded", d->lib.count);
}

void daemon_reload(daemon_ctx *d, server_client *c)
{
  reload_report rr = {.client = c};
  coach_config cfg;
  coach_diag diag;
  char used[CONFIG_PATH_MAX];
  if(config_load_auto(d->explicit_config, &cfg, used, sizeof(used), &diag) == COACH_OK) {
    d->cfg = cfg;
    snprintf(d->config_path, sizeof(d->config_path), "%s", used);
  }
  else {
    log_diag(&diag, LVL_ERROR);
    log_msg(LVL_ERROR, "settings not reloaded: the previous ones stay in use");
    report_routine(&rr, &diag, true);
  }
  load_routines(d, &rr);
  voice_control_configure(d); /* new phrases, routines or [listen] settings */
  daemon_notify(d, PROTOCOL_EVENT_DATABASE | PROTOCOL_EVENT_OPTIONS);
}

static int open_signalfd(void)
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  /* Blocked before any thread starts, so every thread inherits it. */
  if(sigprocmask(SIG_BLOCK, &set, NULL) != 0)
    return -1;
  signal(SIGPIPE, SIG_IGN);
  return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static coach_rc open_server(daemon_ctx *d, const char *socket_opt, const server_config *sc)
{
  char why[512] = "";
  coach_rc rc = server_open_activated(&d->srv, sc, why, sizeof(why));
  if(rc == COACH_OK) {
    log_msg(LVL_INFO, "listening on the socket systemd passed (%s)", server_path(d->srv));
    return COACH_OK;
  }
  if(rc != COACH_E_NOTFOUND) {
    log_msg(LVL_ERROR, "%s", why);
    return rc;
  }
  char path[PATHS_MAX];
  if(socket_opt)
    snprintf(path, sizeof(path), "%s", socket_opt);
  else if(d->cfg.socket[0])
    snprintf(path, sizeof(path), "%s", d->cfg.socket);
  else if(paths_socket(path, sizeof(path)) != COACH_OK) {
    log_msg(LVL_ERROR, "no place for the control socket: set XDG_RUNTIME_DIR or --socket");
    return COACH_E_NOTFOUND;
  }
  rc = server_open(&d->srv, path, sc, why, sizeof(why));
  if(rc)
    log_msg(LVL_ERROR, "%s", why);
  else
    log_msg(LVL_INFO, "listening on %s", path);
  return rc;
}

/* What `systemctl --user status coachd` shows. */
static void tell_service_manager(daemon_ctx *d)
{
  player_status st;
  player_get_status(d->player, &st);
  if(st.state == PLAYER_STOPPED || st.state == PLAYER_ERROR || !st.routine[0])
    sdnotify_status("%s", st.state == PLAYER_ERROR ? "the last session ended with an error"
                                                   : "waiting for a session");
  else
    sdnotify_status("%s %s, step %d/%d", player_state_name(st.state), st.routine, st.step,
                    st.steps);
}

void daemon_notify(daemon_ctx *d, unsigned events)
{
  if(d->srv)
    server_notify(d->srv, events);
  mpd_server_notify(d->mpd, events);
  mpris_notify(d->mpris, events);
  if(events & PROTOCOL_EVENT_PLAYER) {
    tell_service_manager(d);
    voice_control_follow(d);
  }
}

/* Returns false when coachd should exit. */
static bool handle_signals(daemon_ctx *d, int sfd)
{
  struct signalfd_siginfo si;
  while(read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
    if(si.ssi_signo == SIGHUP) {
      log_msg(LVL_INFO, "SIGHUP: reloading settings and routines");
      daemon_reload(d, NULL);
    }
    else {
      log_msg(LVL_INFO, "%s: stopping", strsignal((int)si.ssi_signo));
      return false;
    }
  }
  return true;
}

/* The sooner of two poll timeouts, -1 meaning none. */
static int sooner(int a, int b)
{
  return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

static int run(daemon_ctx *d, int sfd, int wake)
{
  struct pollfd fds[4 + SERVER_POLLFDS_MAX + MPD_SERVER_POLLFDS_MAX];
  for(;;) {
    fds[0] = (struct pollfd){.fd = sfd, .events = POLLIN};
    fds[1] = (struct pollfd){.fd = wake, .events = POLLIN};
    fds[2] = (struct pollfd){.fd = voice_control_fd(d), .events = POLLIN}; /* -1: ignored */
    int n_bus = mpris_pollfd(d->mpris, &fds[3]);
    struct pollfd *sock = fds + 3 + n_bus;
    int n = server_pollfds(d->srv, sock, SERVER_POLLFDS_MAX);
    int n_mpd = mpd_server_pollfds(d->mpd, sock + n, MPD_SERVER_POLLFDS_MAX);
    int timeout = sooner(sooner(server_timeout_ms(d->srv), mpd_server_timeout_ms(d->mpd)),
                         mpris_timeout_ms(d->mpris));
    int r = poll(fds, (nfds_t)(3 + n_bus + n + n_mpd), timeout);
    if(r < 0 && errno != EINTR) {
      log_msg(LVL_ERROR, "poll: %s", strerror(errno));
      return 1;
    }
    if(r > 0 && (fds[0].revents & POLLIN) && !handle_signals(d, sfd))
      return 0;
    if(r > 0 && (fds[1].revents & POLLIN)) {
      uint64_t count;
      if(read(wake, &count, sizeof(count)) < 0 && errno != EAGAIN)
        log_msg(LVL_WARN, "eventfd: %s", strerror(errno));
      unsigned events = player_dispatch(d->player);
      if(events)
        daemon_notify(d, events);
    }
    if(r > 0 && (fds[2].revents & POLLIN))
      voice_control_dispatch(d);
    if(r < 0)
      continue;
    if(n_bus)
      mpris_dispatch(d->mpris, &fds[3]);
    server_dispatch(d->srv, sock, n);
    mpd_server_dispatch(d->mpd, sock + n, n_mpd);
  }
}

int main(int argc, char **argv)
{
  static const struct option longopts[] = {
      {"config", required_argument, NULL, 'c'}, {"socket", required_argument, NULL, 's'},
      {"verbose", no_argument, NULL, 'v'},      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0}};
  static daemon_ctx d; /* large (config paths); static keeps it off the stack */
  const char *socket_opt = NULL;
  bool verbose = false;
  int o;
  while((o = getopt_long(argc, argv, "c:s:vh", longopts, NULL)) != -1) {
    switch(o) {
    case 'c': d.explicit_config = optarg; break;
    case 's': socket_opt = optarg; break;
    case 'v': verbose = true; break;
    case 'h': usage(stdout); return 0;
    case 'V': printf("coachd %s\n", COACH_VERSION); return 0;
    default: usage(stderr); return 2;
    }
  }
  if(optind < argc) {
    usage(stderr);
    return 2;
  }

  coach_diag diag;
  char used[CONFIG_PATH_MAX];
  if(config_load_auto(d.explicit_config, &d.cfg, used, sizeof(used), &diag) != COACH_OK) {
    log_diag(&diag, LVL_ERROR);
    log_msg(LVL_ERROR, "fix the settings file above (or start with --config pointing to "
                       "another), then start coachd again");
    return 1;
  }
  snprintf(d.config_path, sizeof(d.config_path), "%s", used);
  /* Once, before any other thread exists (log.h); --verbose wins over the file. Like the
   * output and the voice, the level is read when coachd starts. */
  log_set_level(verbose ? LVL_DEBUG : (log_level)d.cfg.log_level);
  log_msg(LVL_INFO, "coach %s, settings from %s", COACH_VERSION,
          used[0] ? used : "built-in defaults");
  d.volume = d.cfg.volume;
  d.remind_since = time(NULL);

  int sfd = open_signalfd();
  int wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if(sfd < 0 || wake < 0) {
    log_msg(LVL_ERROR, "cannot set up signals: %s", strerror(errno));
    return 1;
  }

  reload_report rr = {0};
  load_routines(&d, &rr);

  char why[512] = "";
  server_config sc = {.commands = daemon_commands, .n_commands = daemon_n_commands, .ctx = &d,
                      .max_clients = d.cfg.max_clients};
  if(open_server(&d, socket_opt, &sc) != COACH_OK)
    return 1;
  if(!d.cfg.mpd_enabled)
    log_msg(LVL_INFO, "MPD listener off ([mpd] enabled = no)");
  else if(mpd_server_open(&d.mpd, &d, server_path(d.srv), why, sizeof(why)) != COACH_OK) {
    log_msg(LVL_ERROR, "%s", why);
    server_close(d.srv);
    return 1;
  }
  else
    log_msg(LVL_INFO, "MPD clients: listening on %s", mpd_server_where(d.mpd));

  char voices[PATHS_MAX];
  player_options po = {.output = d.cfg.output, .pulse_device = d.cfg.pulse_device,
                       .portaudio_device = d.cfg.portaudio_device, .period_ms = d.cfg.period_ms,
                       .give_up_ms = d.cfg.give_up_ms, .voice = d.cfg.voice,
                       .volume = d.volume,
                       .voices_dir = paths_voices(voices, sizeof(voices)) == COACH_OK ? voices
                                                                                      : NULL};
  if(player_new(&po, wake, &d.player, why, sizeof(why)) != COACH_OK) {
    log_msg(LVL_ERROR, "%s", why);
    mpd_server_close(d.mpd);
    server_close(d.srv);
    return 1;
  }

  if(mpris_open(&d.mpris, &d, why, sizeof(why)) != COACH_OK)
    log_msg(LVL_INFO, "desktop media controls (MPRIS) off: %s", why);
  voice_control_configure(&d);
  sdnotify_ready();
  tell_service_manager(&d);
  int status = run(&d, sfd, wake);
  sdnotify_stopping();
  voice_control_shutdown(&d); /* before the player: the listener asks it questions */
  player_free(d.player); /* fades out a playing session */
  mpris_close(d.mpris);
  mpd_server_close(d.mpd);
  server_close(d.srv); /* removes the socket files */
  library_free(&d.lib);
  close(wake);
  close(sfd);
  log_msg(LVL_INFO, "stopped");
  return status;
}
