/* What the offline commands (render, show, check) share: finding and loading routines,
 * opening speech. Part of coach-offline.so (offline.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "offline.h"
#include "paths.h"
#include "score.h"

void cli_print_diag(const coach_diag *d)
{
  int shown = d->count < COACH_DIAG_MAX ? d->count : COACH_DIAG_MAX;
  for(int i = 0; i < shown; i++) {
    char line[COACH_DIAG_MSG + 300];
    coach_diag_format(d, i, line, sizeof(line));
    fprintf(stderr, "%s\n", line);
  }
  if(d->count > shown)
    fprintf(stderr, "%s: %d more problems not shown\n", d->file, d->count - shown);
}

/* A routine file is named by a path ending in .ini; anything else must be a routine name,
 * so "../etc/passwd" or "a/b" are refused, never opened. */
static bool looks_like_path(const char *s)
{
  size_t n = strlen(s);
  return n > 4 && !strcmp(s + n - 4, ".ini");
}

coach_rc cli_load_routine(const char *arg, routine **out)
{
  char path[PATHS_MAX];
  if(looks_like_path(arg)) {
    if(snprintf(path, sizeof(path), "%s", arg) >= (int)sizeof(path)) {
      fprintf(stderr, "coach: %s (a path is at most %d bytes)\n", strerror(ENAMETOOLONG),
              PATHS_MAX - 1);
      return COACH_E_LIMIT;
    }
  }
  else {
    if(!routine_name_valid(arg)) {
      fprintf(stderr, "coach: \"%s\" is not a routine name (names use a-z, 0-9, - and _; "
                      "to use a file, give its path ending in .ini)\n", arg);
      return COACH_E_INVALID;
    }
    char user[PATHS_MAX], shipped[PATHS_MAX];
    const char *dirs[2];
    int n = 0;
    if(paths_user_routines(user, sizeof(user)) == COACH_OK)
      dirs[n++] = user;
    if(paths_shipped_routines(shipped, sizeof(shipped)) == COACH_OK)
      dirs[n++] = shipped;
    path[0] = '\0';
    for(int i = 0; i < n; i++) {
      struct stat st;
      char candidate[PATHS_MAX];
      if(snprintf(candidate, sizeof(candidate), "%s/%s.ini", dirs[i], arg) >=
         (int)sizeof(candidate))
        continue;
      if(stat(candidate, &st) == 0) {
        memcpy(path, candidate, sizeof(path));
        break;
      }
    }
    if(!path[0]) {
      fprintf(stderr, "coach: no routine named \"%s\" (the shipped ones are in %s; "
                      "yours go in %s)\n", arg, n > 1 ? dirs[1] : "?", n > 0 ? dirs[0] : "?");
      return COACH_E_NOTFOUND;
    }
  }
  coach_diag d;
  coach_diag_init(&d, path);
  coach_rc rc = routine_load(path, out, &d);
  if(rc)
    cli_print_diag(&d);
  return rc;
}

coach_rc cli_open_speech(speech **out)
{
  char voices[PATHS_MAX], why[512] = "";
  const char *dir = paths_voices(voices, sizeof(voices)) == COACH_OK ? voices : NULL;
  coach_rc rc = speech_open(dir, out, why, sizeof(why));
  if(rc)
    fprintf(stderr, "coach: cannot start speech: %s\n", why[0] ? why : coach_rc_str(rc));
  return rc;
}

/* A line of the session that could not be spoken: the session is still made, with a marker
 * tone in the line's place (score.h), and the user told which line and why. */
static void warn_line_failed(void *ctx, const char *text, const char *why)
{
  (void)ctx;
  fprintf(stderr, "coach: could not speak \"%.60s%s\": %s; a marker tone is in its place\n",
          text, strlen(text) > 60 ? "..." : "", why);
}

/* The voice coachd would use: the one in the user's coach.ini, so that a rendered session
 * sounds like a live one. A broken settings file is reported and the defaults are used: an
 * offline render should not fail over a setting it barely needs. */
int cli_session_prepare(const char *name_or_path, const char *length_text, cli_session *out)
{
  cli_session s = {0};
  if(cli_load_routine(name_or_path, &s.routine))
    return 1;
  char why[512] = "";
  int64_t length;
  if(routine_choose_length(s.routine, length_text, &length, why, sizeof(why))) {
    fprintf(stderr, "coach: %s\n", why);
    routine_free(s.routine);
    return 2;
  }
  voice_settings voice = cli_default_voice();
  if(cli_open_speech(&s.speech) != COACH_OK) {
    routine_free(s.routine);
    return 1;
  }
  /* In-process: a one-shot command takes no one down with it if eSpeak crashes. */
  speaker spk = speaker_in_process(s.speech);
  spk.line_failed = warn_line_failed;
  if(score_build(&spk, &voice, s.routine, length, &s.score, why, sizeof(why)) != COACH_OK) {
    fprintf(stderr, "coach: %s\n", why);
    cli_session_free(&s);
    return 1;
  }
  *out = s;
  return 0;
}

void cli_session_free(cli_session *s)
{
  score_free(s->score);
  speech_close(s->speech);
  routine_free(s->routine);
  *s = (cli_session){0};
}

voice_settings cli_default_voice(void)
{
  coach_config cfg;
  coach_diag d;
  char used[CONFIG_PATH_MAX];
  if(config_load_auto(NULL, &cfg, used, sizeof(used), &d) != COACH_OK) {
    cli_print_diag(&d);
    fprintf(stderr, "coach: using the default voice\n");
    config_defaults(&cfg);
  }
  return cfg.voice;
}
