/* config — the daemon's settings file, coach.ini (INI lines through ini_line.h).
 *
 * Sections and keys (config/coach.ini documents each one for users; keep both in step):
 *   [audio]    output (auto | pulse | portaudio, auto), volume (0-100, 80), give_up_after
 *              (a duration, 10m: how long a session waits for lost sound)
 *   [pulse]    device (a sink name, "" = the server's default)
 *   [portaudio] device (output device name or part of it, "" = system default), period_ms
 *              (2-50, 5: device period, CPU against stop/pause latency)
 *   [voice]    name ("en-us"), rate (80-260 words/min, 160), pitch (0-100, 40),
 *              volume (eSpeak amplitude 0-200, 100), engine (espeak|flite, espeak)
 *   [routines] user_dir (replaces ~/.config/coach/routines), dirs (more folders, separated
 *              by ',' or ':', may continue on indented lines)
 *   [daemon]   socket (control socket path, "" = paths_socket()), log_level
 *              (error|warn|info|debug, info), max_clients (1-64, 64)
 *   [remind]   every (0-2h, 1h), hours (09:00-18:00), days (mon-fri), routine (lunge):
 *              remind.h says what they mean
 *   [listen]   enabled (yes|no, no), source (input name, "" = the sound server's default),
 *              while_idle (yes|no, no), echo_cancelled (yes|no, no), phrases (phrase file,
 *              "" = the user's or the shipped one), model (pocketsphinx model folder, "" =
 *              Debian's pocketsphinx-en-us)
 *   [mpd]      enabled (yes|no, yes), socket ("" = mpd.socket beside the control socket),
 *              bind (ADDRESS:PORT for TCP as listen_addr.h reads it, "" = no TCP), password
 *              ("" = none; a bind that other machines can reach needs one)
 * Paths must be absolute or start with "~/". Folders are not checked for existence here: the
 * routine scan reports them, and a folder may appear later (a mount, a new checkout).
 *
 * Where the file comes from (config_find): --config FILE (must exist), else
 * $XDG_CONFIG_HOME/coach/coach.ini (~/.config when unset), else the installed default
 * (paths_default_config), else no file: the built-in defaults.
 *
 * Loading is all-or-nothing, like routine_load(): a file either yields a complete, checked
 * configuration or changes nothing, with every problem recorded in the diag as
 * "FILE:LINE: what is wrong (what is allowed)". Lines longer than INI_LINE_MAX bytes, bytes
 * that are not UTF-8 text (NUL, control characters, invalid sequences), unknown sections and
 * keys, keys set twice, and out-of-range values are all errors: a typo in a setting must not
 * be silently ignored.
 *
 * Ownership: coach_config is a plain value with no pointers; copy it freely. Pure apart from
 * reading the one file, the environment (HOME for "~/", the paths_* lookups) and stat();
 * any thread, one config and one diag per thread at a time.
 */
#ifndef COACH_CONFIG_H
#define COACH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "coach_error.h"
#include "paths.h"
#include "remind.h"
#include "routine.h" /* voice_settings */

#define CONFIG_FILE_MAX_BYTES (64 * 1024)
#define CONFIG_DEVICE_MAX 128
#define CONFIG_PATH_MAX 1024
#define CONFIG_DIRS_MAX 8
#define CONFIG_BIND_MAX 64      /* bytes of [mpd] bind */
#define CONFIG_PASSWORD_MAX 128 /* bytes of [mpd] password */

/* The defaults. The voice ones have the values of SPEECH_DEFAULT_* in engine/speech.h, which
 * core code cannot include; tests/unit/test_config.c checks that they agree. */
#define CONFIG_DEFAULT_OUTPUT "auto"
#define CONFIG_DEFAULT_VOLUME 80
#define CONFIG_DEFAULT_GIVE_UP_MS (10 * 60 * 1000)
#define CONFIG_DEFAULT_PERIOD_MS 5
#define CONFIG_DEFAULT_VOICE "en-us"
#define CONFIG_DEFAULT_RATE 160
#define CONFIG_DEFAULT_PITCH 40
#define CONFIG_DEFAULT_VOICE_VOLUME 100
#define CONFIG_DEFAULT_ENGINE VOICE_ENGINE_ESPEAK
#define CONFIG_DEFAULT_MAX_CLIENTS 64

typedef enum config_log_level {
  CONFIG_LOG_ERROR,
  CONFIG_LOG_WARN,
  CONFIG_LOG_INFO, /* the default */
  CONFIG_LOG_DEBUG,
} config_log_level;

typedef struct coach_config {
  /* [audio] */
  char output[16];                /* "auto", "pulse" or "portaudio" */
  int volume;                     /* master volume, percent 0..100 */
  int64_t give_up_ms;             /* a session waits this long for lost sound */

  /* [pulse] */
  char pulse_device[CONFIG_DEVICE_MAX]; /* sink name; "" = the server's default */

  /* [portaudio] */
  char portaudio_device[CONFIG_DEVICE_MAX]; /* device name or part of it; "" = default */
  int period_ms;                            /* device period, 2..50 ms */

  /* [voice]: the daemon's default voice; a routine's own settings win over it. Every field
   * is set (never -1 or ""), so this is what speech_set_voice() gets for unset fields. */
  voice_settings voice;

  /* [routines] */
  char user_dir[CONFIG_PATH_MAX];            /* "" = paths_user_routines() */
  char dirs[CONFIG_DIRS_MAX][CONFIG_PATH_MAX]; /* searched after shipped and user routines */
  int n_dirs;

  /* [daemon] */
  char socket[PATHS_SOCKET_MAX]; /* "" = paths_socket(); ignored under socket activation */
  config_log_level log_level;
  int max_clients;               /* connections served at once; more are refused */

  /* [remind] */
  remind_settings remind;
  /* [listen]: coachd hears spoken commands itself (daemon/listen.h) */
  bool listen_enabled;
  bool listen_while_idle;                /* also with no session (costs CPU all the time) */
  bool listen_echo_cancelled;            /* the source has coach's own sound removed (an
                                            echo canceller): listen while coach speaks too */
  char listen_source[CONFIG_DEVICE_MAX]; /* a PulseAudio source name; "" = the default */
  char listen_phrases[CONFIG_PATH_MAX];  /* "" = ~/.config/coach/phrases.conf if there, else
                                            the shipped config/phrases.conf */
  char listen_model[CONFIG_PATH_MAX];    /* "" = RECOGNIZER_MODEL_DIR */
  /* [mpd]: the MPD protocol listener (src/daemon/mpd_server.h) */
  bool mpd_enabled;
  char mpd_socket[PATHS_SOCKET_MAX];      /* "" = mpd.socket beside the control socket */
  char mpd_bind[CONFIG_BIND_MAX];         /* "" = no TCP; else a checked ADDRESS:PORT */
  char mpd_password[CONFIG_PASSWORD_MAX]; /* "" = none; set whenever bind is not loopback */
} coach_config;

/* Fills cfg with the built-in defaults (what an empty or missing file gives). */
void config_defaults(coach_config *cfg);

/* Reads and checks path. It always starts from the defaults: a key the file leaves out has
 * its default, not cfg's previous value. Initialises diag (coach_diag_init with path).
 * COACH_OK: *cfg is the new configuration. Otherwise *cfg is untouched and the diag says
 * why: COACH_E_IO when the file cannot be opened or read (the OS reason, e.g. "cannot open:
 * Permission denied"; a directory, FIFO or device is refused without being read),
 * COACH_E_INVALID for bad content, COACH_E_NOMEM. */
coach_rc config_load(const char *path, coach_config *cfg, coach_diag *diag);

/* The same from memory (tests, fuzzing); display_path is what the diag calls it. */
coach_rc config_load_buffer(const char *data, size_t len, const char *display_path,
                            coach_config *cfg, coach_diag *diag);

/* Picks the file to load, in the order above. explicit_path (--config; NULL when not given)
 * must exist: COACH_E_NOTFOUND if it does not. Otherwise COACH_OK, and either *found is
 * true and buf holds the path, or *found is false (no file anywhere: use the defaults) and
 * buf is "". Only "nothing there" (ENOENT, ENOTDIR) counts as absent: a file that is there
 * but broken (a dangling symlink, a folder on the way that may not be searched) is found, so
 * that loading it reports why instead of the daemon silently running with other settings.
 * COACH_E_LIMIT if the path does not fit buf. */
coach_rc config_find(const char *explicit_path, char *buf, size_t len, bool *found);

/* config_find + config_load: what coachd does at start. used (may be NULL) receives the path
 * loaded, "" for built-in defaults. An explicit_path that does not exist is an error in the
 * diag ("cannot open: No such file or directory"), like any other unreadable file. */
coach_rc config_load_auto(const char *explicit_path, coach_config *cfg, char *used,
                          size_t used_len, coach_diag *diag);

/* "error", "warn", "info", "debug". Never NULL. */
const char *config_log_level_name(config_log_level level);

#endif
