#include "voice_control.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "listen.h"
#include "log.h"
#include "paths.h"
#include "recognizer.h"

/* The listener's half duplex: coachd's player knows when its own voice and chimes sound. */
static bool may_hear(void *ctx)
{
  return player_mic_should_listen(ctx);
}

/* The phrase file in use: [listen] phrases, else the user's, else the shipped one. */
static float volume_gain(void *ctx)
{
  return player_volume_gain(ctx);
}

static void phrases_path(const daemon_ctx *d, char *buf, size_t len)
{
  if(d->cfg.listen_phrases[0]) {
    snprintf(buf, len, "%s", d->cfg.listen_phrases);
    return;
  }
  if(paths_user_phrases(buf, len) == COACH_OK && access(buf, F_OK) == 0)
    return;
  if(paths_default_phrases(buf, len) != COACH_OK)
    snprintf(buf, len, "phrases.conf");
}

/* Starts the listener: the phrase file (every problem as FILE:LINE in the log, the first in
 * why), expanded for the routines coachd knows, the model and the microphone. */
static coach_rc start_listener(daemon_ctx *d, char *why, size_t why_len)
{
  static phrase_list file, list; /* large; main thread only */
  char path[PATHS_MAX];
  coach_diag diag;
  phrases_path(d, path, sizeof(path));
  coach_rc rc = phrases_load(path, daemon_commands, daemon_n_commands, &file, &diag);
  if(rc) {
    for(int i = 0; i < diag.count && i < COACH_DIAG_MAX; i++) {
      char line[COACH_DIAG_MSG + 300];
      coach_diag_format(&diag, i, line, sizeof(line));
      log_msg(LVL_ERROR, "%s", line);
      if(i == 0)
        coach_why(why, why_len, "%s", line);
    }
    return rc;
  }
  /* The model hears one language: only the names of routines in it can be said (the German
   * "coach start ruhe" is not English words). */
  const char *names[LIBRARY_MAX];
  size_t n = 0;
  for(int i = 0; i < d->lib.count && n < LIBRARY_MAX; i++)
    if(!strcmp(d->lib.items[i]->language, RECOGNIZER_LANGUAGE))
      names[n++] = d->lib.items[i]->name;
  int dropped;
  phrases_expand(&file, names, n, &list, &dropped);
  if(dropped)
    log_msg(LVL_DEBUG, "listen: %d routine names cannot be spoken (digits) or did not fit",
            dropped);
  /* With an echo-cancelled source coach's own voice is not in what it hears: full duplex. */
  listen_options o = {.source = d->cfg.listen_source, .model_dir = d->cfg.listen_model,
                      .phrases = &list, .phrases_file = path,
                      .may_hear = d->cfg.listen_echo_cancelled ? NULL : may_hear,
                      .sink = d->cfg.pulse_device, .gain = volume_gain,
                      .ctx = d->player};
  rc = listen_start(&o, &d->listener, why, why_len);
  if(!rc)
    log_msg(LVL_INFO, "listening for %d phrases (%s) on %s", list.count, path,
            d->cfg.listen_source[0] ? d->cfg.listen_source : "the default input");
  return rc;
}

static bool session_on(daemon_ctx *d)
{
  player_status st;
  player_get_status(d->player, &st);
  return st.state == PLAYER_PLAYING || st.state == PLAYER_PAUSED;
}

void voice_control_follow(daemon_ctx *d)
{
  bool want = d->listen_on && (d->cfg.listen_while_idle || session_on(d));
  if(want && !d->listener) {
    char why[512] = "";
    if(start_listener(d, why, sizeof(why)) != COACH_OK) {
      log_msg(LVL_WARN, "listening is off: %s", why);
      d->listen_on = false;
    }
  }
  else if(!want && d->listener) {
    listen_stop(d->listener);
    d->listener = NULL;
    log_msg(LVL_DEBUG, "listen: stopped (no session)");
  }
}

/* Checks that listening can work now: the phrases, the model and the microphone, each
 * opened once and closed again (an idle coachd holds no input device). */
static coach_rc check(daemon_ctx *d, char *why, size_t why_len)
{
  if(d->listener)
    return COACH_OK;
  coach_rc rc = start_listener(d, why, why_len);
  if(!rc) {
    listen_stop(d->listener);
    d->listener = NULL;
  }
  return rc;
}

void voice_control_configure(daemon_ctx *d)
{
  if(d->listener) { /* a reload: new phrases, source or model take effect now */
    listen_stop(d->listener);
    d->listener = NULL;
  }
  d->listen_on = false;
  if(!d->cfg.listen_enabled) {
    log_msg(LVL_INFO, "listening is off ([listen] enabled = no in coach.ini; `coach listen "
                      "on` turns it on)");
    return;
  }
  char why[512] = "";
  if(check(d, why, sizeof(why)) != COACH_OK) {
    log_msg(LVL_WARN, "listening is off: %s", why);
    return;
  }
  d->listen_on = true;
  log_msg(LVL_INFO, "listening is on%s", d->cfg.listen_while_idle ? ", also while idle"
                                                                 : " while a session plays");
  voice_control_follow(d);
}

coach_rc voice_control_set(daemon_ctx *d, bool on, char *why, size_t why_len)
{
  if(on && !d->listen_on) {
    coach_rc rc = check(d, why, why_len);
    if(rc)
      return rc;
  }
  d->listen_on = on;
  voice_control_follow(d);
  return COACH_OK;
}

int voice_control_fd(const daemon_ctx *d)
{
  return d->listener ? listen_fd(d->listener) : -1;
}

/* The answer to a heard command, once it comes: "spoken command: ACK [5] {pause} ..." */
static void log_answer(void *ctx, const char *reply)
{
  char line[1024];
  (void)ctx;
  snprintf(line, sizeof(line), "%s", reply);
  for(char *c = line; *c; c++)
    if(*c == '\n')
      *c = ' ';
  log_msg(LVL_INFO, "spoken command: %s", line);
}

void voice_control_dispatch(daemon_ctx *d)
{
  listen_heard h;
  while(d->listener && listen_take(d->listener, &h)) {
    if(h.failed) {
      log_msg(LVL_WARN, "listening is off: %s", h.message);
      listen_stop(d->listener);
      d->listener = NULL;
      d->listen_on = false;
      return;
    }
    log_msg(LVL_INFO, "heard \"%s\" (score %.1f, %.2f s after it ended): %s", h.phrase,
            h.score, (double)h.latency_ms / 1000.0, h.command);
    server_run_local(d->srv, h.command, log_answer, NULL);
  }
}

const char *voice_control_state(const daemon_ctx *d)
{
  if(!d->listen_on)
    return "off";
  return d->listener ? "on (listening)" : "on (waiting for a session)";
}

void voice_control_shutdown(daemon_ctx *d)
{
  listen_stop(d->listener);
  d->listener = NULL;
  d->listen_on = false;
}
