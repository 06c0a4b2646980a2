/* paths: every lookup and each environment override, in a private data folder. */
#include <ftw.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_config.h"
#include "check.h"
#include "paths.h"

static char tmp_dir[1024];

static bool is_dir(const char *p)
{
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Calls fn and checks it gives COACH_OK and exactly want. */
#define EXPECT(fn, want)                                                                     \
  do {                                                                                       \
    char got_[PATHS_MAX] = "";                                                               \
    coach_rc rc_ = fn(got_, sizeof(got_));                                                   \
    CHECKF(rc_ == COACH_OK && !strcmp(got_, want), "%s: rc %s, \"%s\", want \"%s\"", #fn,    \
           coach_rc_str(rc_), got_, want);                                                   \
  } while(0)

static void test_data_dir(void)
{
  char data[PATHS_MAX + 32], want[2 * PATHS_MAX];

  snprintf(data, sizeof(data), "%s/data", tmp_dir);
  CHECK(mkdir(data, 0700) == 0);
  setenv("COACH_DATA_DIR", data, 1);
  EXPECT(paths_data_dir, data);

  /* Source layout: routines and the default config live under config/. */
  snprintf(want, sizeof(want), "%s/config/routines", data);
  EXPECT(paths_shipped_routines, want);
  snprintf(want, sizeof(want), "%s/config/coach.ini", data);
  EXPECT(paths_default_config, want);
  snprintf(want, sizeof(want), "%s/voices", data);
  EXPECT(paths_voices, want);

  /* Installed layout: share/coach/routines and share/coach/coach.ini. */
  snprintf(want, sizeof(want), "%s/routines", data);
  CHECK(mkdir(want, 0700) == 0);
  EXPECT(paths_shipped_routines, want);
  snprintf(want, sizeof(want), "%s/coach.ini", data);
  fclose(fopen(want, "w"));
  EXPECT(paths_default_config, want);

  /* Unset or empty: the installed folder when it exists, else the source tree. */
  setenv("COACH_DATA_DIR", "", 1);
  EXPECT(paths_data_dir, is_dir(COACH_DATADIR) ? COACH_DATADIR : COACH_SOURCE_DIR);
  unsetenv("COACH_DATA_DIR");
  EXPECT(paths_data_dir, is_dir(COACH_DATADIR) ? COACH_DATADIR : COACH_SOURCE_DIR);
  if(!is_dir(COACH_DATADIR)) {
    /* Running from the build tree finds the shipped routines in the source tree. */
    snprintf(want, sizeof(want), "%s/config/routines", COACH_SOURCE_DIR);
    EXPECT(paths_shipped_routines, want);
  }
}

static void test_user(void)
{
  char buf[PATHS_MAX];

  setenv("XDG_CONFIG_HOME", "/xdg/conf", 1);
  setenv("HOME", "/home/u", 1);
  EXPECT(paths_user_routines, "/xdg/conf/coach/routines");
  EXPECT(paths_user_config, "/xdg/conf/coach/coach.ini");

  /* Relative or empty XDG_CONFIG_HOME is ignored, as the XDG rules say. */
  setenv("XDG_CONFIG_HOME", "relative/conf", 1);
  EXPECT(paths_user_config, "/home/u/.config/coach/coach.ini");
  setenv("XDG_CONFIG_HOME", "", 1);
  EXPECT(paths_user_routines, "/home/u/.config/coach/routines");
  unsetenv("XDG_CONFIG_HOME");
  EXPECT(paths_user_config, "/home/u/.config/coach/coach.ini");

  /* Nowhere to look: NOTFOUND and the buffer left as it was. */
  unsetenv("HOME");
  strcpy(buf, "untouched");
  CHECK(paths_user_config(buf, sizeof(buf)) == COACH_E_NOTFOUND);
  CHECK(paths_user_routines(buf, sizeof(buf)) == COACH_E_NOTFOUND);
  CHECK(!strcmp(buf, "untouched"));
  setenv("HOME", "/home/u", 1);
}

/* The practice log follows XDG_STATE_HOME as the config follows XDG_CONFIG_HOME. */
static void test_history(void)
{
  char buf[PATHS_MAX];

  setenv("HOME", "/home/u", 1);
  setenv("XDG_STATE_HOME", "/xdg/state", 1);
  EXPECT(paths_history, "/xdg/state/coach/history");
  setenv("XDG_STATE_HOME", "relative/state", 1);
  EXPECT(paths_history, "/home/u/.local/state/coach/history");
  unsetenv("XDG_STATE_HOME");
  EXPECT(paths_history, "/home/u/.local/state/coach/history");
  unsetenv("HOME");
  strcpy(buf, "untouched");
  CHECK(paths_history(buf, sizeof(buf)) == COACH_E_NOTFOUND);
  CHECK(!strcmp(buf, "untouched"));
  setenv("HOME", "/home/u", 1);
}

static void test_socket(void)
{
  char want[64], buf[PATHS_MAX], big[200];

  setenv("COACH_SOCKET", "/run/test/coach.sock", 1);
  setenv("XDG_RUNTIME_DIR", "/run/user/5", 1);
  EXPECT(paths_socket, "/run/test/coach.sock");
  unsetenv("COACH_SOCKET");
  EXPECT(paths_socket, "/run/user/5/coach/socket"); /* where coachd.socket listens */
  setenv("COACH_SOCKET", "", 1);
  EXPECT(paths_socket, "/run/user/5/coach/socket");

  snprintf(want, sizeof(want), "/tmp/coach-%lu/socket", (unsigned long)getuid());
  setenv("XDG_RUNTIME_DIR", "run/relative", 1);
  EXPECT(paths_socket, want);
  unsetenv("XDG_RUNTIME_DIR");
  EXPECT(paths_socket, want);

  /* Longer than sockaddr_un allows: refused up front, not at bind(). */
  memset(big, 'a', sizeof(big));
  big[0] = '/';
  big[PATHS_SOCKET_MAX] = '\0'; /* 108 bytes plus NUL: one too many */
  setenv("COACH_SOCKET", big, 1);
  strcpy(buf, "untouched");
  CHECK(paths_socket(buf, sizeof(buf)) == COACH_E_LIMIT);
  CHECK(!strcmp(buf, "untouched"));
  big[PATHS_SOCKET_MAX - 1] = '\0'; /* 107: the longest that fits */
  setenv("COACH_SOCKET", big, 1);
  EXPECT(paths_socket, big);
  unsetenv("COACH_SOCKET");
}

/* No coach-offline.so beside this test program (it is in the build tree's top folder, beside
 * coach): the installed path. The build-tree case is tests/cli/test_offline_module.sh. */
static void test_offline_module(void)
{
  EXPECT(paths_offline_module, COACH_OFFLINE_MODULE);
}

/* The same for coachd's speech worker (the build-tree case: every daemon test), and
 * $COACH_SPEECH_WORKER first when set and not empty. */
static void test_speech_worker(void)
{
  EXPECT(paths_speech_worker, COACH_SPEECH_WORKER);
  setenv("COACH_SPEECH_WORKER", "/opt/coach/coach-speech", 1);
  EXPECT(paths_speech_worker, "/opt/coach/coach-speech");
  setenv("COACH_SPEECH_WORKER", "", 1);
  EXPECT(paths_speech_worker, COACH_SPEECH_WORKER);
  unsetenv("COACH_SPEECH_WORKER");
}

/* A buffer too small: COACH_E_LIMIT, buffer untouched. */
static void test_small_buffer(void)
{
  char buf[8] = "keep";
  setenv("COACH_DATA_DIR", "/a/long/enough/folder", 1);
  CHECK(paths_data_dir(buf, sizeof(buf)) == COACH_E_LIMIT);
  CHECK(paths_voices(buf, sizeof(buf)) == COACH_E_LIMIT);
  CHECK(paths_shipped_routines(buf, sizeof(buf)) == COACH_E_LIMIT);
  CHECK(paths_default_config(buf, sizeof(buf)) == COACH_E_LIMIT);
  CHECK(paths_offline_module(buf, sizeof(buf)) == COACH_E_LIMIT);
  CHECK(paths_speech_worker(buf, sizeof(buf)) == COACH_E_LIMIT);
  setenv("COACH_SOCKET", "/run/x/socket", 1);
  CHECK(paths_socket(buf, sizeof(buf)) == COACH_E_LIMIT);
  CHECK(!strcmp(buf, "keep"));
  CHECK(paths_data_dir(buf, 0) == COACH_E_LIMIT);
  unsetenv("COACH_SOCKET");
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

int main(void)
{
  const char *tmp = getenv("COACH_TEST_TMP");

  if(!tmp)
    tmp = "/tmp";
  if(strlen(tmp) > 900) {
    fprintf(stderr, "COACH_TEST_TMP is too long\n");
    return EXIT_FAILURE;
  }
  snprintf(tmp_dir, sizeof(tmp_dir), "%s/paths-XXXXXX", tmp);
  if(!mkdtemp(tmp_dir)) {
    perror(tmp_dir);
    return EXIT_FAILURE;
  }
  test_data_dir();
  test_user();
  test_history();
  test_socket();
  test_offline_module();
  test_speech_worker();
  test_small_buffer();
  nftw(tmp_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
  return check_done();
}
