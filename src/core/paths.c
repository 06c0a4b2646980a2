#include "paths.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_config.h"

/* An environment variable that is set and not empty: an empty value means "unset" to every
 * XDG-aware program, and treating it as "" would put files in the working directory. */
static const char *env_nonempty(const char *name)
{
  const char *v = getenv(name);
  return (v && *v) ? v : NULL;
}

/* The XDG base directory spec says relative paths in XDG_* variables are invalid and must be
 * ignored; a relative runtime or config dir would also depend on the daemon's cwd. */
static const char *env_absolute(const char *name)
{
  const char *v = env_nonempty(name);
  return (v && v[0] == '/') ? v : NULL;
}

static bool path_exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

static bool is_dir(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* printf into buf, all or nothing: buf is left untouched when the result does not fit, as
 * coach_error.h promises for out-parameters on failure. */
static coach_rc put(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static coach_rc put(char *buf, size_t len, const char *fmt, ...)
{
  char tmp[PATHS_MAX];
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if(n < 0 || (size_t)n >= sizeof(tmp) || (size_t)n >= len)
    return COACH_E_LIMIT;
  memcpy(buf, tmp, (size_t)n + 1);
  return COACH_OK;
}

coach_rc paths_data_dir(char *buf, size_t len)
{
  const char *env = env_nonempty("COACH_DATA_DIR");
  if(env)
    return put(buf, len, "%s", env);
  /* Installed copy first: an installed program must not depend on its source tree still
   * being there. The source tree is the fallback for running straight from a build. */
  if(is_dir(COACH_DATADIR))
    return put(buf, len, "%s", COACH_DATADIR);
  return put(buf, len, "%s", COACH_SOURCE_DIR);
}

/* A shipped file or folder: DATA/NAME where coach is installed, DATA/config/NAME in the
 * source tree (the two layouts the data dir can have). */
static coach_rc data_entry(const char *name, char *buf, size_t len)
{
  char data[PATHS_MAX], installed[PATHS_MAX];
  coach_rc rc = paths_data_dir(data, sizeof(data));
  if(!rc)
    rc = put(installed, sizeof(installed), "%s/%s", data, name);
  if(rc)
    return rc;
  if(path_exists(installed))
    return put(buf, len, "%s", installed);
  return put(buf, len, "%s/config/%s", data, name);
}

coach_rc paths_shipped_routines(char *buf, size_t len)
{
  return data_entry("routines", buf, len);
}

coach_rc paths_cue_words(const char *language, char *buf, size_t len)
{
  char folder[PATHS_MAX];
  coach_rc rc = data_entry("cues", folder, sizeof(folder));
  if(rc)
    return rc;
  return put(buf, len, "%s/%s.ini", folder, language);
}

coach_rc paths_voices(char *buf, size_t len)
{
  char data[PATHS_MAX];
  coach_rc rc = paths_data_dir(data, sizeof(data));
  if(rc)
    return rc;
  return put(buf, len, "%s/voices", data);
}

/* $VAR/coach, with the XDG spec's default ~/UNDER_HOME/coach when VAR is unset. */
static coach_rc xdg_coach_dir(const char *var, const char *under_home, char *buf, size_t len)
{
  const char *xdg = env_absolute(var);
  const char *home;
  if(xdg)
    return put(buf, len, "%s/coach", xdg);
  home = env_nonempty("HOME");
  if(!home)
    return COACH_E_NOTFOUND;
  return put(buf, len, "%s/%s/coach", home, under_home);
}

static coach_rc user_config_dir(char *buf, size_t len)
{
  return xdg_coach_dir("XDG_CONFIG_HOME", ".config", buf, len);
}

coach_rc paths_user_routines(char *buf, size_t len)
{
  char dir[PATHS_MAX];
  coach_rc rc = user_config_dir(dir, sizeof(dir));
  if(rc)
    return rc;
  return put(buf, len, "%s/routines", dir);
}

/* $XDG_CONFIG_HOME/coach/NAME */
static coach_rc user_config_file(const char *name, char *buf, size_t len)
{
  char dir[PATHS_MAX];
  coach_rc rc = user_config_dir(dir, sizeof(dir));
  if(rc)
    return rc;
  return put(buf, len, "%s/%s", dir, name);
}

coach_rc paths_user_config(char *buf, size_t len)
{
  return user_config_file("coach.ini", buf, len);
}

coach_rc paths_history(char *buf, size_t len)
{
  char dir[PATHS_MAX];
  coach_rc rc = xdg_coach_dir("XDG_STATE_HOME", ".local/state", dir, sizeof(dir));
  if(rc)
    return rc;
  return put(buf, len, "%s/history", dir);
}

coach_rc paths_default_config(char *buf, size_t len)
{
  return data_entry("coach.ini", buf, len);
}

coach_rc paths_user_phrases(char *buf, size_t len)
{
  return user_config_file("phrases.conf", buf, len);
}

coach_rc paths_default_phrases(char *buf, size_t len)
{
  return data_entry("phrases.conf", buf, len);
}

/* NAME beside the running program when there is one, else the installed path. */
static coach_rc beside_or_installed(const char *name, const char *installed, char *buf,
                                   size_t len)
{
  char self[PATHS_MAX], beside[PATHS_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  char *slash;
  if(n > 0 && n < (ssize_t)sizeof(self) - 1) { /* filling the buffer may mean cut short */
    self[n] = '\0';
    slash = strrchr(self, '/');
    if(slash) {
      *slash = '\0';
      /* Beside the program first: a build tree's program must run its own build of its
       * parts, even when another version is installed. */
      if(put(beside, sizeof(beside), "%s/%s", self, name) == COACH_OK && path_exists(beside))
        return put(buf, len, "%s", beside);
    }
  }
  return put(buf, len, "%s", installed);
}

coach_rc paths_offline_module(char *buf, size_t len)
{
  return beside_or_installed(COACH_OFFLINE_MODULE_NAME, COACH_OFFLINE_MODULE, buf, len);
}

coach_rc paths_speech_worker(char *buf, size_t len)
{
  const char *env = env_nonempty("COACH_SPEECH_WORKER");
  if(env)
    return put(buf, len, "%s", env);
  return beside_or_installed(COACH_SPEECH_WORKER_NAME, COACH_SPEECH_WORKER, buf, len);
}

coach_rc paths_socket(char *buf, size_t len)
{
  char path[PATHS_MAX];
  const char *env = env_nonempty("COACH_SOCKET");
  const char *runtime;
  coach_rc rc;

  if(env)
    rc = put(path, sizeof(path), "%s", env);
  else if((runtime = env_absolute("XDG_RUNTIME_DIR")) != NULL)
    /* The same place coachd.socket listens on (%t/coach/socket). */
    rc = put(path, sizeof(path), "%s/coach/socket", runtime);
  else
    rc = put(path, sizeof(path), "/tmp/coach-%lu/socket", (unsigned long)getuid());
  if(rc)
    return rc;
  if(strlen(path) >= PATHS_SOCKET_MAX)
    return COACH_E_LIMIT;
  return put(buf, len, "%s", path);
}
