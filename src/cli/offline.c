/* What the offline commands (render, show, check, list, history) share: finding and loading
 * routines, opening speech. Part of coach-offline.so (offline.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

void cli_load_config(coach_config *cfg)
{
  coach_diag d;
  char used[CONFIG_PATH_MAX];
  if(config_load_auto(NULL, cfg, used, sizeof(used), &d) != COACH_OK) {
    cli_print_diag(&d);
    fprintf(stderr, "coach: using the default settings\n");
    config_defaults(cfg);
  }
}

typedef struct library_report {
  const char *name; /* report only the files NAME.ini; NULL: every file */
} library_report;

static void report_routine(void *ctx, const coach_diag *d, bool kept_old)
{
  const library_report *lr = ctx;
  (void)kept_old;
  if(lr->name) {
    const char *base = strrchr(d->file, '/');
    base = base ? base + 1 : d->file;
    size_t n = strlen(lr->name);
    if(strncmp(base, lr->name, n) != 0 || strcmp(base + n, ".ini") != 0)
      return;
  }
  cli_print_diag(d);
  fprintf(stderr, "coach: %s is skipped, as coachd skips it\n", d->file);
}

coach_rc cli_load_library(const coach_config *cfg, const char *name, bool quiet, library *out)
{
  library_report lr = {.name = name};
  coach_rc rc = library_load_config(out, cfg, NULL, quiet ? NULL : report_routine, &lr);
  if(rc)
    fprintf(stderr, "coach: cannot read the routines: %s\n", coach_rc_str(rc));
  return rc;
}

/* "A, B and C": the folders a name was looked for in, for the message that it is not there. */
static void list_dirs(const coach_config *cfg, char *buf, size_t len)
{
  library_dirs *d = malloc(sizeof(*d));
  size_t used = 0;
  buf[0] = '\0';
  if(!d)
    return;
  library_dirs_from_config(cfg, d);
  for(int i = d->count - 1; i >= 0 && used < len; i--) {
    const char *sep = i == d->count - 1 ? "" : i == 0 ? " and " : ", ";
    int n = snprintf(buf + used, len - used, "%s%s", sep, d->path[i]);
    if(n < 0)
      break;
    used += (size_t)n;
  }
  free(d);
}

coach_rc cli_load_routine(const coach_config *cfg, const char *arg, routine **out)
{
  if(!looks_like_path(arg)) {
    if(!routine_name_valid(arg)) {
      fprintf(stderr, "coach: \"%s\" is not a routine name (names use a-z, 0-9, - and _; "
                      "to use a file, give its path ending in .ini)\n", arg);
      return COACH_E_INVALID;
    }
    library lib;
    coach_rc rc = cli_load_library(cfg, arg, false, &lib);
    if(rc)
      return rc;
    routine *r = library_take(&lib, arg);
    library_free(&lib);
    if(!r) {
      char dirs[1024];
      list_dirs(cfg, dirs, sizeof(dirs));
      fprintf(stderr, "coach: no routine named \"%s\" (coach list shows them; looked in %s)\n",
              arg, dirs);
      return COACH_E_NOTFOUND;
    }
    *out = r;
    return COACH_OK;
  }
  if(strlen(arg) >= PATHS_MAX) {
    fprintf(stderr, "coach: %s (a path is at most %d bytes)\n", strerror(ENAMETOOLONG),
            PATHS_MAX - 1);
    return COACH_E_LIMIT;
  }
  coach_diag d;
  coach_diag_init(&d, arg);
  coach_rc rc = routine_load(arg, out, &d);
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

/* The routine and voice coachd would use, so that a rendered session sounds like a live one. */
int cli_session_prepare(const char *name_or_path, const char *length_text, cli_session *out)
{
  cli_session s = {0};
  coach_config cfg;
  cli_load_config(&cfg);
  if(cli_load_routine(&cfg, name_or_path, &s.routine))
    return 1;
  char why[512] = "";
  int64_t length;
  if(routine_choose_length(s.routine, length_text, &length, why, sizeof(why))) {
    fprintf(stderr, "coach: %s\n", why);
    routine_free(s.routine);
    return 2;
  }
  voice_settings voice = cfg.voice;
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
