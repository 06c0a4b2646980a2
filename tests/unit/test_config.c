/* config: defaults, a full good file, every kind of bad file with its line number, the
 * shipped config/coach.ini, and where the file is looked for.
 *
 * Unreadable files: the tests run as root, and chmod 000 does not stop root from reading.
 * What fails for root too is used instead: a symlink pointing at itself (open() fails with
 * ELOOP, a real OS error with a reason to show), a directory and a FIFO (refused before
 * reading; a FIFO must not hang the loader). chmod 000 is checked as well when not root. */
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_config.h"
#include "check.h"
#include "config.h"
#include "paths.h"
#include "speech.h"

/* Sized well below PATHS_MAX so that every path built from them fits (and gcc can tell). */
static char data_dir[1024]; /* tests/data/config */
static char tmp_dir[1024];  /* private to this run */

static void dump(const coach_diag *d)
{
  char line[COACH_DIAG_MSG + 300];
  for(int i = 0; i < d->count && i < COACH_DIAG_MAX; i++) {
    coach_diag_format(d, i, line, sizeof(line));
    fprintf(stderr, "    %s\n", line);
  }
}

/* True when d has an entry on `line` whose message contains `text`. */
static bool has(const coach_diag *d, int line, const char *text)
{
  for(int i = 0; i < d->count && i < COACH_DIAG_MAX; i++)
    if(d->entries[i].line == line && strstr(d->entries[i].message, text))
      return true;
  return false;
}

static void fixture(const char *name, char *buf, size_t len)
{
  snprintf(buf, len, "%s/%s", data_dir, name);
}

static void tmp_path(const char *name, char *buf, size_t len)
{
  snprintf(buf, len, "%s/%s", tmp_dir, name);
}

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  if(!f) {
    perror(path);
    exit(EXIT_FAILURE);
  }
  fputs(text, f);
  fclose(f);
}

/* A config whose every field differs from the defaults, to see that failures leave it be. */
static void sentinel(coach_config *cfg)
{
  memset(cfg, 0, sizeof(*cfg));
  cfg->volume = 7;
  snprintf(cfg->voice.name, sizeof(cfg->voice.name), "sentinel");
  cfg->max_clients = 42;
  cfg->log_level = CONFIG_LOG_ERROR;
}

static bool is_sentinel(const coach_config *cfg)
{
  return cfg->volume == 7 && !strcmp(cfg->voice.name, "sentinel") && cfg->max_clients == 42 &&
         cfg->log_level == CONFIG_LOG_ERROR;
}

static bool is_default(const coach_config *c)
{
  return !strcmp(c->output, "auto") && c->volume == 80 && c->give_up_ms == 600000 &&
         c->pulse_device[0] == '\0' && c->portaudio_device[0] == '\0' && c->period_ms == 5 &&
         !strcmp(c->voice.name, "en-us") &&
         c->voice.rate == 160 && c->voice.pitch == 40 && c->voice.volume == 100 &&
         c->voice.engine == VOICE_ENGINE_ESPEAK &&
         c->user_dir[0] == '\0' && c->n_dirs == 0 && c->socket[0] == '\0' &&
         c->log_level == CONFIG_LOG_INFO && c->max_clients == 64 &&
         c->remind.every_ms == 3600000 && c->remind.from_min == 9 * 60 &&
         c->remind.to_min == 18 * 60 && c->remind.days == 0x1F &&
         !strcmp(c->remind.routine, "lunge") && c->mpd_enabled && !c->mpd_socket[0] &&
         !c->mpd_bind[0] && !c->mpd_password[0];
}

/* Loads fixture `name`, expects failure with rc and a message containing `text` on `line`. */
static void expect_bad(const char *name, coach_rc want_rc, int line, const char *text)
{
  char path[PATHS_MAX];
  coach_config cfg;
  coach_diag d;
  coach_rc rc;

  fixture(name, path, sizeof(path));
  sentinel(&cfg);
  rc = config_load(path, &cfg, &d);
  CHECKF(rc == want_rc, "%s: rc %s, want %s", name, coach_rc_str(rc), coach_rc_str(want_rc));
  CHECKF(has(&d, line, text), "%s: no \"%s\" on line %d", name, text, line);
  CHECKF(is_sentinel(&cfg), "%s: config changed although loading failed", name);
  if(!has(&d, line, text))
    dump(&d);
}

/* The same for text in memory. */
static void expect_bad_text(const char *what, const char *text, size_t len, int line,
                            const char *msg)
{
  coach_config cfg;
  coach_diag d;
  coach_rc rc;

  sentinel(&cfg);
  rc = config_load_buffer(text, len, what, &cfg, &d);
  CHECKF(rc == COACH_E_INVALID, "%s: rc %s", what, coach_rc_str(rc));
  CHECKF(has(&d, line, msg), "%s: no \"%s\" on line %d", what, msg, line);
  CHECKF(is_sentinel(&cfg), "%s: config changed although loading failed", what);
  if(!has(&d, line, msg))
    dump(&d);
}

#define BAD(what, lit, line, msg) expect_bad_text(what, lit, sizeof(lit) - 1, line, msg)

static void expect_good_text(const char *what, const char *text, coach_config *cfg)
{
  coach_diag d;
  coach_rc rc = config_load_buffer(text, strlen(text), what, cfg, &d);
  CHECKF(rc == COACH_OK && d.count == 0, "%s: rc %s, %d problems", what, coach_rc_str(rc),
         d.count);
  if(d.count)
    dump(&d);
}

static void test_defaults(void)
{
  coach_config cfg;
  config_defaults(&cfg);
  CHECK(is_default(&cfg));
  /* The config's voice defaults are the engine's (core cannot include speech.h). */
  CHECK(!strcmp(cfg.voice.name, SPEECH_DEFAULT_VOICE));
  CHECK(cfg.voice.rate == SPEECH_DEFAULT_RATE);
  CHECK(cfg.voice.pitch == SPEECH_DEFAULT_PITCH);
  CHECK(cfg.voice.volume == SPEECH_DEFAULT_VOLUME);
  CHECK(!strcmp(config_log_level_name(CONFIG_LOG_DEBUG), "debug"));
  CHECK(!strcmp(config_log_level_name((config_log_level)99), "unknown"));
}

static void test_good_file(void)
{
  char path[PATHS_MAX];
  coach_config cfg;
  coach_diag d;
  coach_rc rc;

  setenv("HOME", "/home/tester", 1);
  fixture("good.ini", path, sizeof(path));
  rc = config_load(path, &cfg, &d);
  CHECKF(rc == COACH_OK && d.count == 0, "rc %s", coach_rc_str(rc));
  dump(&d);
  CHECK(!strcmp(cfg.output, "portaudio"));
  CHECK(cfg.volume == 55); /* "key: value" is accepted (ini_line.h) */
  CHECK(cfg.give_up_ms == 90000);
  CHECK(!strcmp(cfg.pulse_device, "alsa_output.usb-audio.analog-stereo"));
  CHECK(!strcmp(cfg.portaudio_device, "USB Audio")); /* the inline comment is not part of it */
  CHECK(cfg.period_ms == 20);
  CHECK(!strcmp(cfg.voice.name, "en-gb+f3"));
  CHECK(cfg.voice.rate == 160);
  CHECK(cfg.voice.pitch == 60);
  CHECK(cfg.voice.volume == 150);
  CHECK(!strcmp(cfg.user_dir, "/home/tester/my-routines"));
  CHECK(cfg.n_dirs == 3);
  CHECK(!strcmp(cfg.dirs[0], "/srv/yoga"));
  CHECK(!strcmp(cfg.dirs[1], "/home/tester/shared"));
  CHECK(!strcmp(cfg.dirs[2], "/opt/coach/extra")); /* from the continuation line */
  CHECK(!strcmp(cfg.socket, "/run/user/1000/coach-test.sock"));
  CHECK(cfg.log_level == CONFIG_LOG_DEBUG);
  CHECK(cfg.max_clients == 3);
}

/* The file users copy must load and change nothing. */
static void test_shipped_file(void)
{
  const char *src = getenv("COACH_SOURCE_DIR");
  char path[PATHS_MAX];
  coach_config cfg;
  coach_diag d;
  coach_rc rc;

  if(!src)
    src = COACH_SOURCE_DIR;
  snprintf(path, sizeof(path), "%s/config/coach.ini", src);
  sentinel(&cfg);
  rc = config_load(path, &cfg, &d);
  CHECKF(rc == COACH_OK && d.count == 0, "%s: rc %s", path, coach_rc_str(rc));
  dump(&d);
  CHECK(is_default(&cfg));
}

static void test_bad_files(void)
{
  expect_bad("unknown_section.ini", COACH_E_INVALID, 4,
             "unknown section [audoi] (known: audio, pulse, portaudio, voice, routines, daemon, "
             "remind, listen, mpd)");
  expect_bad("unknown_key.ini", COACH_E_INVALID, 3,
             "unknown key \"volme\" in [audio] (known: output, volume, give_up_after)");
  expect_bad("volume_high.ini", COACH_E_INVALID, 2,
             "[audio] volume = 101 is out of range (use 0 to 100)");
  expect_bad("volume_negative.ini", COACH_E_INVALID, 3,
             "[audio] volume = -1 is out of range (use 0 to 100)");
  expect_bad("bad_log_level.ini", COACH_E_INVALID, 2,
             "log_level = \"verbose\" is not a log level (use error, warn, info or debug)");
  /* The long line is refused, and the error after it still has its own line number. */
  expect_bad("long_line.ini", COACH_E_INVALID, 2, "line is 200 bytes long");
  expect_bad("long_line.ini", COACH_E_INVALID, 3, "volume = 101 is out of range");
  expect_bad("bad_utf8.ini", COACH_E_INVALID, 2, "invalid UTF-8 (byte 6 of the line)");
}

/* One file with many mistakes: every one is reported, each on its own line. */
static void test_several(void)
{
  char path[PATHS_MAX];
  coach_config cfg;
  coach_diag d;

  fixture("several.ini", path, sizeof(path));
  CHECK(config_load(path, &cfg, &d) == COACH_E_INVALID);
  CHECK(has(&d, 1, "\"volume\" comes before any [section]; it belongs under [audio] or [voice]"));
  CHECK(has(&d, 4, "\"volume\" is set twice in [audio] (first on line 3)"));
  CHECK(has(&d, 7, "[voice] rate = \"fast\" is not a whole number (use 80 to 260)"));
  CHECK(has(&d, 8, "a comment after a value starts with \" ;\""));
  CHECK(has(&d, 9, "section [audio] appears twice (first on line 2)"));
  CHECK(has(&d, 11, "section header has no closing ']'"));
  CHECK(has(&d, 13, "expected \"key = value\""));
  CHECK(has(&d, 14, "unexpected text after ']'"));
  CHECK(has(&d, 15, "\"relative/path\" is not an absolute path"));
  CHECKF(d.count == 9, "%d problems", d.count);
  if(d.count != 9)
    dump(&d);
}

static void test_bad_text(void)
{
  static const char nul[] = "[audio]\nvolume = 5\0 0\n";
  char big[CONFIG_FILE_MAX_BYTES + 2];
  char sock[400];

  expect_bad_text("nul", nul, sizeof(nul) - 1, 2, "NUL byte (byte 11 of the line)");
  BAD("period_low", "[portaudio]\nperiod_ms = 1\n", 2,
      "[portaudio] period_ms = 1 is out of range (use 2 to 50)");
  BAD("period_high", "[portaudio]\nperiod_ms = 51\n", 2,
      "[portaudio] period_ms = 51 is out of range (use 2 to 50)");
  BAD("ctrl", "[pulse]\ndevice = a\033b\n", 2,
                  "control character 0x1B (byte 11 of the line)");
  BAD("output", "[audio]\noutput = alsa\n", 2,
      "[audio] output = \"alsa\" is not an output (use auto, pulse or portaudio)");
  BAD("give_up_unit", "[audio]\ngive_up_after = 10\n", 2, "[audio] give_up_after: \"10\" has no unit");
  BAD("give_up_short", "[audio]\ngive_up_after = 500ms\n", 2,
      "[audio] give_up_after = 500ms is out of range (use 1s to 24h)");
  BAD("old_key", "[audio]\ndevice = x\n", 2,
      "unknown key \"device\" in [audio] (known: output, volume, give_up_after)");
  BAD("overlong", "[audio]\n; \xC0\xAF\n", 2, "invalid UTF-8 (byte 3 of the line)");
  BAD("surrogate", "[audio]\n; \xED\xA0\x80\n", 2, "invalid UTF-8");
  BAD("cut", "[voice]\n; \xE2\x82", 2, "invalid UTF-8");
  BAD("indented", "[voice]\nrate = 120\n  pitch = 30\n", 3,
                  "indented line continues \"rate\", which takes one value");
  BAD("rate", "[voice]\nrate = 79\n", 2, "(use 80 to 260)");
  BAD("huge", "[voice]\nrate = 99999999999999999999\n", 2, "out of range");
  BAD("voice", "[voice]\nname = ../../etc/x\n", 2, "is not a voice name");
  BAD("option", "[voice]\nname = -odd\n", 2, "\"-odd\" is not a voice name");
  BAD("engine", "[voice]\nengine = festival\n", 2,
      "[voice] engine = \"festival\" is not a speech engine (write espeak or flite)");
  BAD("clients", "[daemon]\nmax_clients = 0\n", 2, "(use 1 to 64)");
  BAD("tilde", "[routines]\nuser_dir = ~bob/r\n", 2,
                  "only \"~/\" is understood");
  BAD("nokey", "[audio]\n= 5\n", 2, "no key name before '='");
  BAD("dirs", "[routines]\ndirs = /1,/2,/3,/4,/5,/6,/7,/8,/9\n", 2,
                  "more than 8 folders");

  snprintf(sock, sizeof(sock), "[daemon]\nsocket = /%0120d\n", 0);
  expect_bad_text("socket", sock, strlen(sock), 2, "a Unix socket path must be shorter");

  memset(big, ';', sizeof(big));
  expect_bad_text("big", big, sizeof(big), 0, "larger than 65536 bytes");
}

/* [remind]: each key's values, and what is wrong said with the key's name. */
static void test_remind(void)
{
  coach_config cfg;
  expect_good_text("remind", "[remind]\nevery = 45m\nhours = 22:00-06:30\ndays = sat,sun\n"
                   "routine = kneel\n", &cfg);
  CHECK(cfg.remind.every_ms == 45 * 60000 && cfg.remind.from_min == 22 * 60 &&
        cfg.remind.to_min == 6 * 60 + 30 && cfg.remind.days == 0x60 &&
        !strcmp(cfg.remind.routine, "kneel"));
  expect_good_text("remind_all", "[remind]\nevery = 0s\nhours = 00:00-24:00\ndays = all\n",
                   &cfg);
  CHECK(cfg.remind.every_ms == 0 && cfg.remind.to_min == 24 * 60 && cfg.remind.days == 0x7F);
  BAD("every", "[remind]\nevery = 1\n", 2, "[remind] every: \"1\" has no unit");
  BAD("every_long", "[remind]\nevery = 3h\n", 2, "[remind] every: \"3h\" is too long");
  BAD("hours", "[remind]\nhours = 9-18\n", 2, "[remind] hours: \"9-18\" is not a span of hours");
  BAD("hours_empty", "[remind]\nhours = 10:00-10:00\n", 2, "is an empty span");
  BAD("days", "[remind]\ndays = weekdays\n", 2, "[remind] days: \"weekdays\" is not a day");
  BAD("routine", "[remind]\nroutine = ../x\n", 2, "[remind] routine: \"../x\" is not a routine");
}

static void test_good_text(void)
{
  coach_config cfg;

  /* A byte order mark and CRLF line ends, as Windows editors write them. */
  expect_good_text("crlf", "\xEF\xBB\xBF[audio]\r\nvolume = 0\r\n", &cfg);
  CHECK(cfg.volume == 0);
  /* Empty values mean the defaults; an empty file is all defaults; sections may be empty
   * and the voice may be a UTF-8 commented file. */
  expect_good_text("empty", "", &cfg);
  CHECK(is_default(&cfg));
  expect_good_text("blank", "[pulse]\ndevice =\n[voice]\nname =\n; caf\xC3\xA9\n[daemon]\n",
                   &cfg);
  CHECK(is_default(&cfg));
  expect_good_text("bounds", "[audio]\nvolume = 100\n[voice]\nrate = 80\nvolume = 0\n", &cfg);
  CHECK(cfg.volume == 100 && cfg.voice.rate == 80 && cfg.voice.volume == 0);
  /* The voice rule of routine files (voice_name.h): eSpeak NG's own file names pass. */
  expect_good_text("espeak file", "[voice]\nname = gmw/en-US\n", &cfg);
  CHECK(!strcmp(cfg.voice.name, "gmw/en-US"));
  expect_good_text("engine", "[voice]\nengine = flite\n", &cfg);
  CHECK(cfg.voice.engine == VOICE_ENGINE_FLITE);
  expect_good_text("engine_default", "[voice]\nengine =\n", &cfg);
  CHECK(cfg.voice.engine == VOICE_ENGINE_ESPEAK);
  expect_good_text("period", "[portaudio]\nperiod_ms = 2\n", &cfg);
  CHECK(cfg.period_ms == 2);
  expect_good_text("period_max", "[portaudio]\nperiod_ms = 50\n", &cfg);
  CHECK(cfg.period_ms == 50);
  expect_good_text("outputs", "[audio]\noutput = pulse\ngive_up_after = 1s\n", &cfg);
  CHECK(!strcmp(cfg.output, "pulse") && cfg.give_up_ms == 1000);
  expect_good_text("socket", "[daemon]\nsocket = ~/s\n", &cfg);
  CHECK(!strcmp(cfg.socket, "/home/tester/s"));
  /* A line of exactly the limit is fine. */
  {
    char text[300];
    snprintf(text, sizeof(text), "[audio]\n;%0189d\n", 0);
    expect_good_text("limit", text, &cfg);
  }
}

/* [mpd]: the listener's switch, socket, TCP address and password, and the rule that a bind
 * other machines can reach needs a password. */
static void test_mpd(void)
{
  coach_config cfg;
  expect_good_text("mpd", "[mpd]\nenabled = no\nsocket = ~/mpd.sock\nbind = 127.0.0.1:6600\n",
                   &cfg);
  CHECK(!cfg.mpd_enabled && !strcmp(cfg.mpd_socket, "/home/tester/mpd.sock") &&
        !strcmp(cfg.mpd_bind, "127.0.0.1:6600") && !cfg.mpd_password[0]);
  expect_good_text("mpd_on", "[mpd]\nenabled = yes\nbind = localhost:6600\n", &cfg);
  CHECK(cfg.mpd_enabled && !strcmp(cfg.mpd_bind, "localhost:6600"));
  expect_good_text("mpd_v6", "[mpd]\nbind = [::1]:6601\n", &cfg);
  /* The password may come after the bind it allows. */
  expect_good_text("mpd_lan", "[mpd]\nbind = 0.0.0.0:6600\npassword = open sesame\n", &cfg);
  CHECK(!strcmp(cfg.mpd_bind, "0.0.0.0:6600") && !strcmp(cfg.mpd_password, "open sesame"));
  expect_good_text("mpd_any6", "[mpd]\npassword = x\nbind = [::]:6600\n", &cfg);

  BAD("mpd_open", "[mpd]\nbind = 0.0.0.0:6600\n", 2,
      "[mpd] bind = 0.0.0.0:6600 lets other machines connect: set [mpd] password too");
  BAD("mpd_open6", "[mpd]\n\nbind = [::]:6600\n", 3, "set [mpd] password too");
  BAD("mpd_lan", "[mpd]\nbind = 192.168.1.5:6600\n", 2, "set [mpd] password too");
  BAD("mpd_noport", "[mpd]\nbind = 127.0.0.1\n", 2,
      "[mpd] bind: \"127.0.0.1\" is not ADDRESS:PORT (as in 127.0.0.1:6600");
  BAD("mpd_port0", "[mpd]\nbind = 127.0.0.1:0\n", 2, "the port must be a number from 1 to 65535");
  BAD("mpd_port_big", "[mpd]\nbind = 127.0.0.1:65536\n", 2, "from 1 to 65535");
  BAD("mpd_host", "[mpd]\nbind = example.org:6600\n", 2,
      "\"example.org\" is not a numeric IPv4 address (host names are not looked up");
  BAD("mpd_v6_bare", "[mpd]\nbind = ::1:6600\n", 2, "is not ADDRESS:PORT");
  BAD("mpd_v6_bad", "[mpd]\nbind = [::g]:6600\n", 2, "\"::g\" is not an IPv6 address");
  BAD("mpd_noaddr", "[mpd]\nbind = :6600\n", 2, "names no address before the port");
  BAD("mpd_bool", "[mpd]\nenabled = maybe\n", 2, "[mpd] enabled = \"maybe\": use yes or no");
  BAD("mpd_key", "[mpd]\nport = 6600\n", 2,
      "unknown key \"port\" in [mpd] (known: enabled, socket, bind, password)");
  {
    char text[400];
    snprintf(text, sizeof(text), "[mpd]\npassword = %0130d\n", 0);
    expect_bad_text("mpd_password", text, strlen(text), 2,
                    "[mpd] password is too long (at most 127 bytes)");
    snprintf(text, sizeof(text), "[mpd]\nsocket = /%0120d\n", 0);
    expect_bad_text("mpd_socket", text, strlen(text), 2,
                    "[mpd] socket: \"/000");
  }
}

/* Files that cannot be read at all: E_IO and the reason, never a hang or a crash. */
static void test_unreadable(void)
{
  char path[PATHS_MAX], used[PATHS_MAX];
  coach_config cfg;
  coach_diag d;
  bool found = true;

  sentinel(&cfg);
  CHECK(config_load_auto("/nonexistent/coach.ini", &cfg, used, sizeof(used), &d) ==
        COACH_E_IO);
  CHECK(has(&d, 0, "cannot open: No such file or directory"));
  CHECK(!strcmp(d.file, "/nonexistent/coach.ini"));
  CHECK(config_find("/nonexistent/coach.ini", path, sizeof(path), &found) ==
        COACH_E_NOTFOUND);
  CHECK(is_sentinel(&cfg));

  CHECK(config_load(data_dir, &cfg, &d) == COACH_E_IO);
  CHECK(has(&d, 0, "is a directory"));

  tmp_path("fifo.ini", path, sizeof(path));
  CHECK(mkfifo(path, 0600) == 0);
  CHECK(config_load(path, &cfg, &d) == COACH_E_IO);
  CHECK(has(&d, 0, "is not a regular file"));

  tmp_path("loop.ini", path, sizeof(path));
  CHECK(symlink(path, path) == 0);
  CHECK(config_load(path, &cfg, &d) == COACH_E_IO);
  CHECKF(has(&d, 0, strerror(ELOOP)), "no ELOOP reason");

  /* A path through a regular file: ENOTDIR, also for root. */
  fixture("good.ini/coach.ini", path, sizeof(path));
  CHECK(config_load(path, &cfg, &d) == COACH_E_IO);
  CHECK(has(&d, 0, strerror(ENOTDIR)));

  if(geteuid() != 0) {
    tmp_path("secret.ini", path, sizeof(path));
    write_file(path, "[audio]\n");
    CHECK(chmod(path, 0) == 0);
    CHECK(config_load(path, &cfg, &d) == COACH_E_IO);
    CHECK(has(&d, 0, "cannot open: Permission denied"));
  }
  CHECK(is_sentinel(&cfg));
}

/* --config, then the user's file, then the installed default, then none. */
static void test_find(void)
{
  char xdg[1100], data[1100], path[PATHS_MAX], want[PATHS_MAX], used[PATHS_MAX];
  char dir[1200];
  coach_config cfg;
  coach_diag d;
  bool found = true;

  tmp_path("xdg", xdg, sizeof(xdg));
  tmp_path("data", data, sizeof(data));
  snprintf(dir, sizeof(dir), "%s/coach", xdg);
  CHECK(mkdir(xdg, 0700) == 0 && mkdir(dir, 0700) == 0);
  snprintf(dir, sizeof(dir), "%s/config", data);
  CHECK(mkdir(data, 0700) == 0 && mkdir(dir, 0700) == 0);
  setenv("XDG_CONFIG_HOME", xdg, 1);
  setenv("COACH_DATA_DIR", data, 1);

  CHECK(config_find(NULL, path, sizeof(path), &found) == COACH_OK && !found && !*path);
  sentinel(&cfg);
  CHECK(config_load_auto(NULL, &cfg, used, sizeof(used), &d) == COACH_OK);
  CHECK(is_default(&cfg) && !*used);

  snprintf(want, sizeof(want), "%s/config/coach.ini", data); /* source layout */
  write_file(want, "[audio]\nvolume = 11\n");
  CHECK(config_find(NULL, path, sizeof(path), &found) == COACH_OK && found);
  CHECK(!strcmp(path, want));

  snprintf(want, sizeof(want), "%s/coach.ini", data); /* installed layout wins */
  write_file(want, "[audio]\nvolume = 12\n");
  CHECK(config_find(NULL, path, sizeof(path), &found) == COACH_OK && found);
  CHECK(!strcmp(path, want));
  CHECK(config_load_auto(NULL, &cfg, used, sizeof(used), &d) == COACH_OK);
  CHECK(cfg.volume == 12 && !strcmp(used, want));

  snprintf(want, sizeof(want), "%s/coach/coach.ini", xdg); /* the user's file wins */
  write_file(want, "[audio]\nvolume = 13\n");
  CHECK(config_find(NULL, path, sizeof(path), &found) == COACH_OK && found);
  CHECK(!strcmp(path, want));
  CHECK(config_load_auto(NULL, &cfg, used, sizeof(used), &d) == COACH_OK && cfg.volume == 13);

  fixture("good.ini", want, sizeof(want)); /* --config wins over all */
  CHECK(config_find(want, path, sizeof(path), &found) == COACH_OK && found);
  CHECK(!strcmp(path, want));
  CHECK(config_find(want, path, 4, &found) == COACH_E_LIMIT);

  /* A broken user file is an error, not a silent fall back to the installed default. */
  snprintf(want, sizeof(want), "%s/coach/coach.ini", xdg);
  CHECK(unlink(want) == 0 && symlink("/nonexistent/coach.ini", want) == 0);
  CHECK(config_find(NULL, path, sizeof(path), &found) == COACH_OK && found);
  CHECK(!strcmp(path, want));
  sentinel(&cfg);
  CHECK(config_load_auto(NULL, &cfg, used, sizeof(used), &d) == COACH_E_IO);
  CHECK(has(&d, 0, "cannot open: No such file or directory") && is_sentinel(&cfg));

  /* A bad file names itself and the line. */
  CHECK(unlink(want) == 0);
  write_file(want, "[audio]\n\nvolme = 3\n");
  CHECK(config_load_auto(NULL, &cfg, used, sizeof(used), &d) == COACH_E_INVALID);
  {
    char line[COACH_DIAG_MSG + 300], expect[PATHS_MAX + 100];
    coach_diag_format(&d, 0, line, sizeof(line));
    snprintf(expect, sizeof(expect),
             "%s:3: unknown key \"volme\" in [audio] (known: output, volume, give_up_after)", want);
    CHECKF(!strcmp(line, expect), "got \"%s\"", line);
  }
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
  const char *data = getenv("COACH_TEST_DATA");
  const char *tmp = getenv("COACH_TEST_TMP");

  if(!data)
    data = COACH_SOURCE_DIR "/tests/data";
  if(!tmp)
    tmp = "/tmp";
  if(strlen(data) > 900 || strlen(tmp) > 900) {
    fprintf(stderr, "COACH_TEST_DATA or COACH_TEST_TMP is too long\n");
    return EXIT_FAILURE;
  }
  snprintf(data_dir, sizeof(data_dir), "%s/config", data);
  /* A fresh folder per run: ctest may run other tests in COACH_TEST_TMP at the same time. */
  snprintf(tmp_dir, sizeof(tmp_dir), "%s/config-XXXXXX", tmp);
  if(!mkdtemp(tmp_dir)) {
    perror(tmp_dir);
    return EXIT_FAILURE;
  }

  test_defaults();
  test_good_file();
  test_shipped_file();
  test_remind();
  test_bad_files();
  test_several();
  test_bad_text();
  test_good_text();
  test_mpd();
  test_unreadable();
  test_find();
  nftw(tmp_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
  return check_done();
}
