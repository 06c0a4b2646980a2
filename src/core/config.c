#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini_line.h"
#include "listen_addr.h"
#include "text_file.h"
#include "voice_name.h"

/* ---- the schema ----------------------------------------------------------------------- */

enum {
  SEC_AUDIO,
  SEC_PULSE,
  SEC_PORTAUDIO,
  SEC_VOICE,
  SEC_ROUTINES,
  SEC_DAEMON,
  SEC_REMIND,
  SEC_LISTEN,
  SEC_MPD,
  SEC_COUNT
};
/* Reader states for the current section besides a SEC_* index. */
#define SECTION_NONE (-1) /* no header yet */
#define SECTION_SKIP (-2) /* after an unknown or repeated header: its keys are not checked,
                           * the header's own message says what to fix */

static const char *const section_names[SEC_COUNT] = {
    "audio", "pulse", "portaudio", "voice", "routines", "daemon", "remind", "listen", "mpd"};

typedef enum key_kind {
  KIND_INT,       /* a whole number in [min, max] at `offset` */
  KIND_DEVICE,    /* a device name of CONFIG_DEVICE_MAX bytes at `offset` */
  KIND_OUTPUT,    /* [audio] output */
  KIND_DURATION,  /* a duration (duration.h) in [min, max] ms, as int64_t ms at `offset` */
  KIND_VOICE,     /* [voice] name */
  KIND_ENGINE,    /* [voice] engine */
  KIND_DIR,       /* [routines] user_dir */
  KIND_DIRS,      /* [routines] dirs: a list, may continue on indented lines */
  KIND_SOCKET,    /* a socket path of PATHS_SOCKET_MAX bytes at `offset` */
  KIND_LOG_LEVEL, /* [daemon] log_level */
  /* [remind] (remind.h) */
  KIND_REMIND_EVERY, KIND_REMIND_HOURS, KIND_REMIND_DAYS, KIND_REMIND_ROUTINE,
  KIND_BOOL,      /* yes or no, a bool at `offset` */
  KIND_TEXT,      /* free text of at most `max` - 1 bytes at `offset` */
  KIND_PATH,      /* "" or a path (expand_path) into `max` bytes at `offset` */
  KIND_BIND,      /* [mpd] bind */
} key_kind;

typedef struct key_def {
  int section;
  const char *name;
  key_kind kind;
  size_t offset; /* KIND_INT: where the int lives in coach_config */
  int min, max;  /* KIND_INT: allowed range, inclusive */
} key_def;

/* Voice bounds are those of routine files (voice_settings in routine.h), so that a value
 * accepted here is also accepted when a routine states it. */
static const key_def keys[] = {
  {SEC_AUDIO, "output", KIND_OUTPUT, 0, 0, 0},
  {SEC_AUDIO, "volume", KIND_INT, offsetof(coach_config, volume), 0, 100},
  {SEC_AUDIO, "give_up_after", KIND_DURATION, offsetof(coach_config, give_up_ms), 1000,
   24 * 60 * 60 * 1000},
  {SEC_PULSE, "device", KIND_DEVICE, offsetof(coach_config, pulse_device), 0, 0},
  {SEC_PORTAUDIO, "device", KIND_DEVICE, offsetof(coach_config, portaudio_device), 0, 0},
  {SEC_PORTAUDIO, "period_ms", KIND_INT, offsetof(coach_config, period_ms), 2, 50},
  {SEC_VOICE, "name", KIND_VOICE, 0, 0, 0},
  {SEC_VOICE, "rate", KIND_INT, offsetof(coach_config, voice.rate), 80, 260},
  {SEC_VOICE, "pitch", KIND_INT, offsetof(coach_config, voice.pitch), 0, 100},
  {SEC_VOICE, "volume", KIND_INT, offsetof(coach_config, voice.volume), 0, 200},
  {SEC_VOICE, "engine", KIND_ENGINE, 0, 0, 0},
  {SEC_ROUTINES, "user_dir", KIND_DIR, 0, 0, 0},
  {SEC_ROUTINES, "dirs", KIND_DIRS, 0, 0, 0},
  {SEC_DAEMON, "socket", KIND_SOCKET, offsetof(coach_config, socket), 0, 0},
  {SEC_DAEMON, "log_level", KIND_LOG_LEVEL, 0, 0, 0},
  {SEC_DAEMON, "max_clients", KIND_INT, offsetof(coach_config, max_clients), 1, 64},
  {SEC_REMIND, "every", KIND_REMIND_EVERY, 0, 0, 0},
  {SEC_REMIND, "hours", KIND_REMIND_HOURS, 0, 0, 0},
  {SEC_REMIND, "days", KIND_REMIND_DAYS, 0, 0, 0},
  {SEC_REMIND, "routine", KIND_REMIND_ROUTINE, 0, 0, 0},
  {SEC_LISTEN, "enabled", KIND_BOOL, offsetof(coach_config, listen_enabled), 0, 0},
  {SEC_LISTEN, "source", KIND_TEXT, offsetof(coach_config, listen_source), 0, CONFIG_DEVICE_MAX},
  {SEC_LISTEN, "while_idle", KIND_BOOL, offsetof(coach_config, listen_while_idle), 0, 0},
  {SEC_LISTEN, "echo_cancelled", KIND_BOOL, offsetof(coach_config, listen_echo_cancelled), 0,
   0},
  {SEC_LISTEN, "phrases", KIND_PATH, offsetof(coach_config, listen_phrases), 0, CONFIG_PATH_MAX},
  {SEC_LISTEN, "model", KIND_PATH, offsetof(coach_config, listen_model), 0, CONFIG_PATH_MAX},
  {SEC_MPD, "enabled", KIND_BOOL, offsetof(coach_config, mpd_enabled), 0, 0},
  {SEC_MPD, "socket", KIND_SOCKET, offsetof(coach_config, mpd_socket), 0, 0},
  {SEC_MPD, "bind", KIND_BIND, 0, 0, 0},
  {SEC_MPD, "password", KIND_TEXT, offsetof(coach_config, mpd_password), 0, CONFIG_PASSWORD_MAX},
};
#define N_KEYS ((int)(sizeof(keys) / sizeof(keys[0])))

static const char *const log_level_names[] = {"error", "warn", "info", "debug"};
static const char *const output_names[] = {"auto", "pulse", "portaudio"};

void config_defaults(coach_config *cfg)
{
  memset(cfg, 0, sizeof(*cfg));
  snprintf(cfg->output, sizeof(cfg->output), "%s", CONFIG_DEFAULT_OUTPUT);
  cfg->volume = CONFIG_DEFAULT_VOLUME;
  cfg->give_up_ms = CONFIG_DEFAULT_GIVE_UP_MS;
  cfg->period_ms = CONFIG_DEFAULT_PERIOD_MS;
  snprintf(cfg->voice.name, sizeof(cfg->voice.name), "%s", CONFIG_DEFAULT_VOICE);
  cfg->voice.rate = CONFIG_DEFAULT_RATE;
  cfg->voice.pitch = CONFIG_DEFAULT_PITCH;
  cfg->voice.volume = CONFIG_DEFAULT_VOICE_VOLUME;
  cfg->voice.engine = CONFIG_DEFAULT_ENGINE;
  cfg->log_level = CONFIG_LOG_INFO;
  cfg->max_clients = CONFIG_DEFAULT_MAX_CLIENTS;
  remind_defaults(&cfg->remind);
  cfg->mpd_enabled = true;
}

const char *config_log_level_name(config_log_level level)
{
  if((unsigned)level < sizeof(log_level_names) / sizeof(log_level_names[0]))
    return log_level_names[level];
  return "unknown";
}

/* ---- parse state ---------------------------------------------------------------------- */

typedef struct parse_ctx {
  int line;          /* the line being read, 1-based */
  int section;       /* SEC_*, SECTION_NONE or SECTION_SKIP */
  int section_line[SEC_COUNT];
  int key_line[N_KEYS];
  int last_key;      /* key of the latest key line if it was good, else -1 */
  coach_config cfg;  /* built here, copied out only when the whole file is good */
  coach_diag *diag;
} parse_ctx;

static void known_keys(int section, char *buf, size_t len)
{
  size_t used = 0;
  buf[0] = '\0';
  for(int k = 0; k < N_KEYS; k++) {
    int n;
    if(keys[k].section != section)
      continue;
    n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", keys[k].name);
    if(n < 0 || (size_t)n >= len - used)
      return;
    used += (size_t)n;
  }
}

static int find_key(int section, const char *name)
{
  for(int k = 0; k < N_KEYS; k++)
    if(keys[k].section == section && !strcmp(keys[k].name, name))
      return k;
  return -1;
}

/* A line that is not text. Its indented follow-ups are part of the same mistake. */
static void refused_line(parse_ctx *c, const ini_line *ln)
{
  switch(ln->problem) {
  case INI_PROBLEM_TOO_LONG:
    coach_diag_add(c->diag, c->line, "line is %zu bytes long; lines may be at most %d bytes",
                   ln->length, INI_LINE_MAX);
    break;
  case INI_PROBLEM_NUL:
    coach_diag_add(c->diag, c->line,
                   "NUL byte (byte %zu of the line); a config file is plain UTF-8 text",
                   ln->at + 1);
    break;
  case INI_PROBLEM_CONTROL:
    coach_diag_add(c->diag, c->line,
                   "control character 0x%02X (byte %zu of the line); a config file is plain text",
                   ln->byte, ln->at + 1);
    break;
  default:
    coach_diag_add(c->diag, c->line,
                   "invalid UTF-8 (byte %zu of the line); save the file as UTF-8", ln->at + 1);
    break;
  }
  c->last_key = -1;
}

/* A [section] line, or one that starts with '[' but is not closed: note which section the
 * following keys belong to. */
static void read_header(parse_ctx *c, const ini_line *ln)
{
  int id = -1;

  c->last_key = -1;
  if(ln->kind != INI_LINE_SECTION) {
    coach_diag_add(c->diag, c->line, "section header has no closing ']'");
    c->section = SECTION_SKIP;
    return;
  }
  if(ln->trailing)
    coach_diag_add(c->diag, c->line,
                   "unexpected text after ']'; put each key on a line of its own");
  for(int i = 0; i < SEC_COUNT; i++)
    if(!strcmp(ln->name, section_names[i]))
      id = i;
  if(id < 0) {
    char known[200];
    size_t used = 0;
    known[0] = '\0';
    for(int i = 0; i < SEC_COUNT && used < sizeof(known); i++)
      used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "",
                               section_names[i]);
    coach_diag_add(c->diag, c->line, "unknown section [%s] (known: %s)", ln->name, known);
    c->section = SECTION_SKIP;
  }
  else if(c->section_line[id]) {
    coach_diag_add(c->diag, c->line,
                   "section [%s] appears twice (first on line %d); keep its keys under one "
                   "header",
                   section_names[id], c->section_line[id]);
    c->section = SECTION_SKIP;
  }
  else {
    c->section_line[id] = c->line;
    c->section = id;
  }
}

/* ---- values --------------------------------------------------------------------------- */

static const char *sec_name(int k)
{
  return section_names[keys[k].section];
}

static bool set_int(parse_ctx *c, int k, const char *value)
{
  const key_def *d = &keys[k];
  char *end;
  long v;

  errno = 0;
  v = strtol(value, &end, 10);
  if(!*value || *end || end == value || isspace((unsigned char)*value)) {
    coach_diag_add(c->diag, c->line, "[%s] %s = \"%s\" is not a whole number (use %d to %d)%s",
                   sec_name(k), d->name, value, d->min, d->max,
                   strchr(value, '#') ? "; a comment after a value starts with \" ;\"" : "");
    return false;
  }
  if(errno == ERANGE || v < d->min || v > d->max) {
    coach_diag_add(c->diag, c->line, "[%s] %s = %s is out of range (use %d to %d)",
                   sec_name(k), d->name, value, d->min, d->max);
    return false;
  }
  *(int *)(void *)((char *)&c->cfg + d->offset) = (int)v;
  return true;
}

/* Writes the absolute form of a path value to out: "~/x" is $HOME/x; anything else must
 * already be absolute, because the daemon's working directory (/ under systemd) says nothing
 * about where the user meant. */
static bool expand_path(parse_ctx *c, int k, const char *value, char *out, size_t len)
{
  const char *home;
  int n;

  if(value[0] == '~') {
    if(value[1] != '\0' && value[1] != '/') {
      coach_diag_add(c->diag, c->line,
                     "[%s] %s: \"%s\": only \"~/\" is understood, not ~user", sec_name(k),
                     keys[k].name, value);
      return false;
    }
    home = getenv("HOME");
    if(!home || home[0] != '/') {
      coach_diag_add(c->diag, c->line,
                     "[%s] %s: \"%s\" starts with ~ but $HOME is not set", sec_name(k),
                     keys[k].name, value);
      return false;
    }
    n = snprintf(out, len, "%s%s", home, value + 1);
  }
  else if(value[0] != '/') {
    coach_diag_add(c->diag, c->line,
                   "[%s] %s: \"%s\" is not an absolute path; start it with / or ~/",
                   sec_name(k), keys[k].name, value);
    return false;
  }
  else
    n = snprintf(out, len, "%s", value);
  if(n < 0 || (size_t)n >= len) {
    coach_diag_add(c->diag, c->line, "[%s] %s: \"%s\" is too long (at most %zu bytes)",
                   sec_name(k), keys[k].name, value, len - 1);
    return false;
  }
  return true;
}

/* Adds the folders of one line of `dirs` (split at ',' or ':', blanks skipped, so a line
 * may end with a separator before its continuation). */
static bool add_dirs(parse_ctx *c, int k, const char *value)
{
  char item[CONFIG_PATH_MAX];
  const char *p = value;
  bool ok = true;

  while(*p) {
    size_t n = strcspn(p, ",:");
    const char *s = p, *e = p + n;
    p = *e ? e + 1 : e;
    while(s < e && isspace((unsigned char)*s))
      s++;
    while(e > s && isspace((unsigned char)e[-1]))
      e--;
    if(s == e)
      continue;
    if((size_t)(e - s) >= sizeof(item)) {
      coach_diag_add(c->diag, c->line, "[routines] dirs: a folder name is too long");
      ok = false;
      continue;
    }
    memcpy(item, s, (size_t)(e - s));
    item[e - s] = '\0';
    if(c->cfg.n_dirs == CONFIG_DIRS_MAX) {
      coach_diag_add(c->diag, c->line, "[routines] dirs: more than %d folders",
                     CONFIG_DIRS_MAX);
      return false;
    }
    if(expand_path(c, k, item, c->cfg.dirs[c->cfg.n_dirs], CONFIG_PATH_MAX))
      c->cfg.n_dirs++;
    else
      ok = false;
  }
  return ok;
}

/* [remind] (remind.h): the module that uses the values reads them. */
static bool set_remind(parse_ctx *c, int k, const char *value)
{
  remind_settings *r = &c->cfg.remind;
  char why[256] = "";
  int64_t ms;
  coach_rc rc = COACH_E_INVALID;
  switch(keys[k].kind) {
  case KIND_REMIND_EVERY:
    rc = duration_parse(value, &ms, why, sizeof(why));
    if(!rc)
      r->every_ms = ms;
    break;
  case KIND_REMIND_HOURS: rc = remind_parse_hours(value, &r->from_min, &r->to_min, why,
                                                  sizeof(why)); break;
  case KIND_REMIND_DAYS: rc = remind_parse_days(value, &r->days, why, sizeof(why)); break;
  case KIND_REMIND_ROUTINE:
    if(routine_name_valid(value)) {
      snprintf(r->routine, sizeof(r->routine), "%s", value);
      return true;
    }
    coach_why(why, sizeof(why), "\"%s\" is not a routine name (a-z, 0-9, - and _)", value);
    break;
  default: break;
  }
  if(rc)
    coach_diag_add(c->diag, c->line, "[remind] %s: %s", keys[k].name, why);
  return rc == COACH_OK;
}
static bool set_value(parse_ctx *c, int k, const char *value)
{
  coach_config *cfg = &c->cfg;

  switch(keys[k].kind) {
  case KIND_INT:
    return set_int(c, k, value);
  case KIND_DEVICE:
    if(strlen(value) >= CONFIG_DEVICE_MAX) {
      coach_diag_add(c->diag, c->line, "[%s] device is too long (at most %d bytes)",
                     section_names[keys[k].section], CONFIG_DEVICE_MAX - 1);
      return false;
    }
    memcpy((char *)cfg + keys[k].offset, value, strlen(value) + 1);
    return true;
  case KIND_OUTPUT:
    for(size_t i = 0; i < sizeof(output_names) / sizeof(output_names[0]); i++)
      if(!strcmp(value, output_names[i])) {
        snprintf(cfg->output, sizeof(cfg->output), "%s", value);
        return true;
      }
    coach_diag_add(c->diag, c->line,
                   "[audio] output = \"%s\" is not an output (use auto, pulse or portaudio)",
                   value);
    return false;
  case KIND_DURATION: {
    char why[160];
    int64_t ms;
    if(duration_parse(value, &ms, why, sizeof(why)) != COACH_OK) {
      coach_diag_add(c->diag, c->line, "[%s] %s: %s", section_names[keys[k].section],
                     keys[k].name, why);
      return false;
    }
    if(ms < keys[k].min || ms > keys[k].max) {
      char lo[32], hi[32];
      duration_format(keys[k].min, lo, sizeof(lo));
      duration_format(keys[k].max, hi, sizeof(hi));
      coach_diag_add(c->diag, c->line, "[%s] %s = %s is out of range (use %s to %s)",
                     section_names[keys[k].section], keys[k].name, value, lo, hi);
      return false;
    }
    memcpy((char *)cfg + keys[k].offset, &ms, sizeof(ms));
    return true;
  }
  case KIND_VOICE:
    if(!*value)
      value = CONFIG_DEFAULT_VOICE; /* "" means the default, as for the other names */
    if(!voice_name_valid(value)) {
      coach_diag_add(c->diag, c->line,
                     "[voice] name = \"%s\" is not a voice name (" VOICE_NAME_HELP ")", value);
      return false;
    }
    snprintf(cfg->voice.name, sizeof(cfg->voice.name), "%s", value);
    return true;
  case KIND_ENGINE:
    if(!*value)
      value = voice_engine_name(CONFIG_DEFAULT_ENGINE);
    if(!voice_engine_parse(value, &cfg->voice.engine)) {
      coach_diag_add(c->diag, c->line, "[voice] engine = \"%s\" is not a speech engine (write "
                     VOICE_ENGINE_CHOICES ")", value);
      return false;
    }
    return true;
  case KIND_DIR:
    if(!*value) {
      cfg->user_dir[0] = '\0';
      return true;
    }
    return expand_path(c, k, value, cfg->user_dir, sizeof(cfg->user_dir));
  case KIND_DIRS:
    return add_dirs(c, k, value);
  case KIND_SOCKET: {
    char path[CONFIG_PATH_MAX], *dest = (char *)cfg + keys[k].offset;
    if(!*value) {
      dest[0] = '\0';
      return true;
    }
    if(!expand_path(c, k, value, path, sizeof(path)))
      return false;
    if(strlen(path) >= PATHS_SOCKET_MAX) {
      coach_diag_add(c->diag, c->line,
                     "[%s] %s: \"%s\" is %zu bytes; a Unix socket path must be "
                     "shorter than %d",
                     sec_name(k), keys[k].name, path, strlen(path), PATHS_SOCKET_MAX);
      return false;
    }
    memcpy(dest, path, strlen(path) + 1); /* fits: checked just above */
    return true;
  }
  case KIND_BOOL: {
    bool *b = (bool *)(void *)((char *)cfg + keys[k].offset);
    if(!strcmp(value, "yes") || !strcmp(value, "no")) {
      *b = value[0] == 'y';
      return true;
    }
    coach_diag_add(c->diag, c->line, "[%s] %s = \"%s\": use yes or no", sec_name(k),
                   keys[k].name, value);
    return false;
  }
  case KIND_TEXT:
  case KIND_PATH: {
    char *dst = (char *)cfg + keys[k].offset;
    size_t len = (size_t)keys[k].max;
    if(keys[k].kind == KIND_PATH && *value)
      return expand_path(c, k, value, dst, len);
    if(strlen(value) >= len) {
      coach_diag_add(c->diag, c->line, "[%s] %s is too long (at most %zu bytes)", sec_name(k),
                     keys[k].name, len - 1);
      return false;
    }
    memcpy(dst, value, strlen(value) + 1);
    return true;
  }
  case KIND_BIND: {
    char why[200];
    listen_addr addr;
    if(*value && listen_addr_parse(value, &addr, why, sizeof(why)) != COACH_OK) {
      coach_diag_add(c->diag, c->line, "[mpd] bind: %s", why);
      return false;
    }
    if(strlen(value) >= sizeof(cfg->mpd_bind)) { /* a valid address is never this long */
      coach_diag_add(c->diag, c->line, "[mpd] bind is too long");
      return false;
    }
    memcpy(cfg->mpd_bind, value, strlen(value) + 1);
    return true;
  }
  case KIND_LOG_LEVEL:
    for(size_t i = 0; i < sizeof(log_level_names) / sizeof(log_level_names[0]); i++)
      if(!strcmp(value, log_level_names[i])) {
        cfg->log_level = (config_log_level)i;
        return true;
      }
    coach_diag_add(c->diag, c->line,
                   "[daemon] log_level = \"%s\" is not a log level (use error, warn, info or "
                   "debug)",
                   value);
    return false;
  default:
    return set_remind(c, k, value);
  }
  return false;
}

/* An indented line: more value for the key above. */
static void continue_value(parse_ctx *c, const char *value)
{
  int k = c->last_key;
  if(k < 0)
    return; /* the key line itself was wrong and is reported already */
  if(keys[k].kind == KIND_DIRS) {
    if(!add_dirs(c, k, value))
      c->last_key = -1;
    return;
  }
  coach_diag_add(c->diag, c->line,
                 "indented line continues \"%s\", which takes one value; start every key "
                 "at the beginning of its line",
                 keys[k].name);
  c->last_key = -1; /* once is enough for a run of such lines */
}

static void key_line(parse_ctx *c, const char *name, const char *value)
{
  int k;

  c->last_key = -1;
  if(c->section == SECTION_SKIP)
    return; /* the header's own message says what to fix */
  if(c->section == SECTION_NONE) {
    char where[64] = "";
    for(k = 0; k < N_KEYS; k++)
      if(!strcmp(keys[k].name, name)) {
        size_t used = strlen(where);
        snprintf(where + used, sizeof(where) - used, "%s[%s]", used ? " or " : "",
                 sec_name(k));
      }
    coach_diag_add(c->diag, c->line, "\"%s\" comes before any [section]%s%s", name,
                   *where ? "; it belongs under " : "", where);
    return;
  }
  k = find_key(c->section, name);
  if(k < 0) {
    char known[128];
    known_keys(c->section, known, sizeof(known));
    coach_diag_add(c->diag, c->line, "unknown key \"%s\" in [%s] (known: %s)", name,
                   section_names[c->section], known);
    return;
  }
  if(c->key_line[k]) {
    coach_diag_add(c->diag, c->line, "\"%s\" is set twice in [%s] (first on line %d)", name,
                   section_names[c->section], c->key_line[k]);
    return;
  }
  c->key_line[k] = c->line;
  if(set_value(c, k, value))
    c->last_key = k;
}

static void malformed_line(parse_ctx *c, const ini_line *ln)
{
  if(ln->problem == INI_PROBLEM_UNCLOSED) {
    read_header(c, ln);
    return;
  }
  if(ln->problem == INI_PROBLEM_NO_KEY && c->section != SECTION_SKIP)
    coach_diag_add(c->diag, c->line, "no key name before '='");
  else if(ln->problem != INI_PROBLEM_NO_KEY)
    coach_diag_add(c->diag, c->line,
                   "expected \"key = value\", a [section] header or a ; comment");
  c->last_key = -1;
}

/* A listener other machines can reach must ask for a password: without one, anyone on the
 * network could play, stop or talk over a session. Checked once the whole file is read,
 * since the password may come after the bind. */
static void check_mpd_access(parse_ctx *c)
{
  listen_addr addr;
  if(!c->cfg.mpd_bind[0] || c->cfg.mpd_password[0] ||
     listen_addr_parse(c->cfg.mpd_bind, &addr, NULL, 0) != COACH_OK || addr.loopback)
    return;
  coach_diag_add(c->diag, c->key_line[find_key(SEC_MPD, "bind")],
                 "[mpd] bind = %s lets other machines connect: set [mpd] password too (or "
                 "bind to 127.0.0.1 for this machine only)",
                 c->cfg.mpd_bind);
}

/* ---- loading -------------------------------------------------------------------------- */

coach_rc config_load_buffer(const char *data, size_t len, const char *display_path,
                            coach_config *cfg, coach_diag *diag)
{
  parse_ctx *c;
  ini_reader reader;
  ini_line ln;

  coach_diag_init(diag, display_path);
  if(len > CONFIG_FILE_MAX_BYTES) {
    coach_diag_add(diag, 0, "file is larger than %d bytes; is it really a coach.ini?",
                   CONFIG_FILE_MAX_BYTES);
    return COACH_E_INVALID;
  }
  /* ~20 KiB of state: on the heap, so any thread's stack will do. */
  c = calloc(1, sizeof(*c));
  if(!c)
    return COACH_E_NOMEM;
  c->section = SECTION_NONE;
  c->last_key = -1;
  c->diag = diag;
  config_defaults(&c->cfg);

  ini_reader_init(&reader, data, len);
  while(ini_reader_next(&reader, &ln)) {
    c->line = ln.number;
    switch(ln.kind) {
    case INI_LINE_BLANK: break;
    case INI_LINE_SECTION: read_header(c, &ln); break;
    case INI_LINE_KEY: key_line(c, ln.name, ln.value); break;
    case INI_LINE_CONTINUATION: continue_value(c, ln.value); break;
    case INI_LINE_REFUSED: refused_line(c, &ln); break;
    case INI_LINE_MALFORMED: malformed_line(c, &ln); break;
    }
  }
  check_mpd_access(c);
  if(diag->count) {
    free(c);
    return COACH_E_INVALID;
  }
  *cfg = c->cfg;
  free(c);
  return COACH_OK;
}

coach_rc config_load(const char *path, coach_config *cfg, coach_diag *diag)
{
  char *buf;
  size_t len;
  coach_diag_init(diag, path);
  coach_rc rc = text_file_read(path, CONFIG_FILE_MAX_BYTES, "a coach.ini file", &buf, &len,
                               diag);
  if(rc)
    return rc == COACH_E_NOTFOUND ? COACH_E_IO : rc;
  rc = config_load_buffer(buf, len, path, cfg, diag);
  free(buf);
  return rc;
}

/* ---- finding the file ----------------------------------------------------------------- */

/* Whether something is at path for the lookup: only "nothing there" (ENOENT, or ENOTDIR for
 * a file on the way) counts as absent. Anything else (a dangling or looping symlink, a folder
 * that may not be searched) is the user's config, broken, and loading it says why instead of
 * the daemon silently running with other settings. */
static bool present(const char *path)
{
  struct stat st;
  return lstat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

static coach_rc take(char *buf, size_t len, const char *path, bool *found)
{
  size_t n = strlen(path);
  if(n >= len)
    return COACH_E_LIMIT;
  memcpy(buf, path, n + 1);
  *found = true;
  return COACH_OK;
}

coach_rc config_find(const char *explicit_path, char *buf, size_t len, bool *found)
{
  char path[PATHS_MAX];
  coach_rc rc;

  if(explicit_path)
    return present(explicit_path) ? take(buf, len, explicit_path, found) : COACH_E_NOTFOUND;

  rc = paths_user_config(path, sizeof(path));
  if(rc == COACH_OK && present(path))
    return take(buf, len, path, found);
  if(rc != COACH_OK && rc != COACH_E_NOTFOUND) /* NOTFOUND: no HOME, so no user config */
    return rc;

  rc = paths_default_config(path, sizeof(path));
  if(rc)
    return rc;
  if(present(path))
    return take(buf, len, path, found);

  if(len == 0)
    return COACH_E_LIMIT;
  buf[0] = '\0';
  *found = false;
  return COACH_OK;
}

coach_rc config_load_auto(const char *explicit_path, coach_config *cfg, char *used,
                          size_t used_len, coach_diag *diag)
{
  char path[PATHS_MAX];
  bool found = false;
  coach_rc rc;

  if(explicit_path) {
    /* Loaded directly rather than through config_find, so a missing or unreadable file is
     * reported with the OS's reason. */
    rc = config_load(explicit_path, cfg, diag);
    if(!rc && used)
      snprintf(used, used_len, "%s", explicit_path);
    return rc;
  }
  rc = config_find(NULL, path, sizeof(path), &found);
  if(rc) {
    coach_diag_init(diag, "coach.ini");
    coach_diag_add(diag, 0, "cannot work out where the config file is: %s", coach_rc_str(rc));
    return rc;
  }
  if(!found) {
    coach_diag_init(diag, "(built-in defaults)");
    config_defaults(cfg);
    if(used && used_len)
      used[0] = '\0';
    return COACH_OK;
  }
  rc = config_load(path, cfg, diag);
  if(!rc && used)
    snprintf(used, used_len, "%s", path);
  return rc;
}
