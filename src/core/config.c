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

#include <ini.h>

#include "listen_addr.h"
#include "utf8.h"

/* ---- the schema ----------------------------------------------------------------------- */

enum { SEC_AUDIO, SEC_PULSE, SEC_PORTAUDIO, SEC_VOICE, SEC_ROUTINES, SEC_DAEMON, SEC_MPD,
       SEC_COUNT };
/* Reader states for the current section besides a SEC_* index. */
#define SECTION_NONE (-1) /* no header yet */
#define SECTION_SKIP (-2) /* after an unknown or repeated header: its keys are not checked,
                           * the header's own message says what to fix */

static const char *const section_names[SEC_COUNT] = {"audio", "pulse", "portaudio", "voice",
                                                      "routines", "daemon", "mpd"};

typedef enum key_kind {
  KIND_INT,       /* a whole number in [min, max] at `offset` */
  KIND_DEVICE,    /* a device name of CONFIG_DEVICE_MAX bytes at `offset` */
  KIND_OUTPUT,    /* [audio] output */
  KIND_DURATION,  /* a duration (duration.h) in [min, max] ms, as int64_t ms at `offset` */
  KIND_VOICE,     /* [voice] name */
  KIND_DIR,       /* [routines] user_dir */
  KIND_DIRS,      /* [routines] dirs: a list, may continue on indented lines */
  KIND_SOCKET,    /* a socket path of PATHS_SOCKET_MAX bytes at `offset` */
  KIND_LOG_LEVEL, /* [daemon] log_level */
  KIND_BOOL,      /* yes/no (true/false, on/off) as a bool at `offset` */
  KIND_BIND,      /* [mpd] bind */
  KIND_PASSWORD,  /* [mpd] password */
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
  {SEC_ROUTINES, "user_dir", KIND_DIR, 0, 0, 0},
  {SEC_ROUTINES, "dirs", KIND_DIRS, 0, 0, 0},
  {SEC_DAEMON, "socket", KIND_SOCKET, offsetof(coach_config, socket), 0, 0},
  {SEC_DAEMON, "log_level", KIND_LOG_LEVEL, 0, 0, 0},
  {SEC_DAEMON, "max_clients", KIND_INT, offsetof(coach_config, max_clients), 1, 64},
  {SEC_MPD, "enabled", KIND_BOOL, offsetof(coach_config, mpd_enabled), 0, 0},
  {SEC_MPD, "socket", KIND_SOCKET, offsetof(coach_config, mpd_socket), 0, 0},
  {SEC_MPD, "bind", KIND_BIND, 0, 0, 0},
  {SEC_MPD, "password", KIND_PASSWORD, 0, 0, 0},
};
#define N_KEYS ((int)(sizeof(keys) / sizeof(keys[0])))

static const char *const log_level_names[] = {"error", "warn", "info", "debug"};
static const char *const output_names[] = {"auto", "pulse", "portaudio"};
/* Pairs: true, then false. */
static const char *const bool_names[] = {"yes", "no", "true", "false", "on", "off"};

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
  cfg->log_level = CONFIG_LOG_INFO;
  cfg->max_clients = CONFIG_DEFAULT_MAX_CLIENTS;
  cfg->mpd_enabled = true;
}

const char *config_log_level_name(config_log_level level)
{
  if((unsigned)level < sizeof(log_level_names) / sizeof(log_level_names[0]))
    return log_level_names[level];
  return "unknown";
}

/* ---- parse state ---------------------------------------------------------------------- */

/* inih calls our reader for a line, then the handler for that same line, before reading the
 * next one; so the reader can note what the line is (its number, whether it is a
 * continuation, which section it opens) and the handler can rely on it. That is how the
 * handler gets line numbers and sees repeated or unknown empty sections, which inih's
 * portable API does not report. */
typedef struct parse_ctx {
  const char *data;
  size_t len, pos;
  int line;          /* the line most recently handed to inih, 1-based */
  bool continuation; /* that line is indented under a key: inih passes it as more value */
  bool after_key;    /* inih's prev_name is set: an indented line would be a continuation */
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

/* Checks one raw line (without its newline). Bad lines are reported here and never reach
 * inih: it would cut an over-long line in two and parse the tail as a new line, and it
 * stops at a NUL. */
static bool line_valid(parse_ctx *c, const char *s, size_t n, int reader_max)
{
  size_t bad;
  if(n > CONFIG_LINE_MAX || n + 1 >= (size_t)reader_max) {
    coach_diag_add(c->diag, c->line,
                   "line is %zu bytes long; lines may be at most %d bytes", n,
                   CONFIG_LINE_MAX);
    return false;
  }
  for(size_t i = 0; i < n; i++) {
    unsigned char b = (unsigned char)s[i];
    if(b == 0) {
      coach_diag_add(c->diag, c->line,
                     "NUL byte (byte %zu of the line); a config file is plain UTF-8 text", i + 1);
      return false;
    }
    if((b < 0x20 && b != '\t') || b == 0x7F) {
      coach_diag_add(c->diag, c->line,
                     "control character 0x%02X (byte %zu of the line); a config file is plain text",
                     b, i + 1);
      return false;
    }
  }
  bad = utf8_invalid_at((const unsigned char *)s, n);
  if(bad < n) {
    coach_diag_add(c->diag, c->line,
                   "invalid UTF-8 (byte %zu of the line); save the file as UTF-8", bad + 1);
    return false;
  }
  return true;
}

/* inih's own scan (ini.c find_chars_or_comment with inline ';' comments): the first char of
 * `chars`, or a ';' after whitespace, or the end. Mirrored so the reader splits lines
 * exactly as inih will. */
static char *find_chars_or_comment(char *s, const char *chars)
{
  bool was_space = false;
  while(*s && !(chars && strchr(chars, *s)) && !(was_space && *s == ';')) {
    was_space = isspace((unsigned char)*s) != 0;
    s++;
  }
  return s;
}

static char *skip_space(char *s)
{
  while(*s && isspace((unsigned char)*s))
    s++;
  return s;
}

/* A [section] line: note which section the following keys belong to. */
static void read_header(parse_ctx *c, char *line, char *start)
{
  char *end = find_chars_or_comment(start + 1, "]");
  char *name, *rest, *name_end;
  int id = -1;

  c->last_key = -1;
  if(*end != ']') {
    coach_diag_add(c->diag, c->line, "section header has no closing ']'");
    c->section = SECTION_SKIP;
    line[0] = '\0'; /* inih would only flag it too; it gets a blank line */
    return;
  }
  c->after_key = false; /* inih clears prev_name on a header */
  rest = skip_space(end + 1);
  if(*rest && *rest != ';' && *rest != '#')
    coach_diag_add(c->diag, c->line,
                   "unexpected text after ']'; put each key on a line of its own");

  name = skip_space(start + 1);
  name_end = end;
  while(name_end > name && isspace((unsigned char)name_end[-1]))
    name_end--;
  for(int i = 0; i < SEC_COUNT; i++)
    if((size_t)(name_end - name) == strlen(section_names[i]) &&
       !strncmp(name, section_names[i], (size_t)(name_end - name)))
      id = i;
  if(id < 0) {
    char known[200];
    size_t used = 0;
    known[0] = '\0';
    for(int i = 0; i < SEC_COUNT && used < sizeof(known); i++)
      used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "",
                               section_names[i]);
    coach_diag_add(c->diag, c->line, "unknown section [%.*s] (known: %s)",
                   (int)(name_end - name), name, known);
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

/* Classifies a valid line the way inih r55 will parse it. */
static void classify(parse_ctx *c, char *line)
{
  char *start = skip_space(line);
  char *end, *name_end;

  if(*start == '\0' || *start == ';' || *start == '#')
    return; /* blank or comment */
  if(c->after_key && start > line) {
    /* Indented: inih hands it to the handler as more value for the key above (multi-line
     * values are on). The handler decides whether that key takes more. */
    c->continuation = true;
    return;
  }
  if(*start == '[') {
    read_header(c, line, start);
    return;
  }
  end = find_chars_or_comment(start, "=:");
  if(*end != '=' && *end != ':') {
    coach_diag_add(c->diag, c->line,
                   "expected \"key = value\", a [section] header or a ; comment");
    c->last_key = -1;
    line[0] = '\0';
    return;
  }
  name_end = end;
  while(name_end > start && isspace((unsigned char)name_end[-1]))
    name_end--;
  c->after_key = name_end > start; /* inih copies the (possibly empty) name to prev_name */
}

static char *read_line(char *str, int num, void *stream)
{
  parse_ctx *c = stream;
  const char *start, *nl;
  size_t n;

  if(c->pos >= c->len)
    return NULL;
  start = c->data + c->pos;
  nl = memchr(start, '\n', c->len - c->pos);
  n = nl ? (size_t)(nl - start) : c->len - c->pos;
  c->pos += n + (nl ? 1 : 0);
  c->line++;
  c->continuation = false;
  if(n && start[n - 1] == '\r') /* CRLF files from other systems are fine */
    n--;
  if(c->line == 1 && n >= 3 && !memcmp(start, "\xEF\xBB\xBF", 3)) {
    start += 3; /* a UTF-8 byte order mark, as some editors write */
    n -= 3;
  }
  if(!line_valid(c, start, n, num)) {
    c->last_key = -1; /* its indented follow-ups are part of the same mistake */
    str[0] = '\0';
    return str;
  }
  memcpy(str, start, n);
  str[n] = '\0';
  classify(c, str);
  return str;
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

/* eSpeak NG voice names ("en-us", "en-us+f3") and voice files in voices/: a plain name,
 * never a path, since it is looked up inside the voices folder. */
static bool voice_name_valid(const char *s)
{
  size_t n = strlen(s);
  if(n == 0 || n >= sizeof(((voice_settings *)0)->name) || s[0] == '.' || s[0] == '-')
    return false;
  for(size_t i = 0; i < n; i++)
    if(!isalnum((unsigned char)s[i]) && !strchr("-_+.", s[i]))
      return false;
  return true;
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
                     "[voice] name = \"%s\" is not a voice name (letters, digits and - _ + . "
                     "as in en-us or en-us+f3, at most %zu bytes)",
                     value, sizeof(cfg->voice.name) - 1);
      return false;
    }
    snprintf(cfg->voice.name, sizeof(cfg->voice.name), "%s", value);
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
  case KIND_BOOL:
    for(size_t i = 0; i < sizeof(bool_names) / sizeof(bool_names[0]); i++)
      if(!strcmp(value, bool_names[i])) {
        *(bool *)(void *)((char *)cfg + keys[k].offset) = i % 2 == 0;
        return true;
      }
    coach_diag_add(c->diag, c->line, "[%s] %s = \"%s\" is neither yes nor no", sec_name(k),
                   keys[k].name, value);
    return false;
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
  case KIND_PASSWORD:
    if(strlen(value) >= sizeof(cfg->mpd_password)) {
      coach_diag_add(c->diag, c->line, "[mpd] password is longer than %zu bytes",
                     sizeof(cfg->mpd_password) - 1);
      return false;
    }
    memcpy(cfg->mpd_password, value, strlen(value) + 1);
    return true;
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

static int on_value(void *user, const char *section, const char *name, const char *value)
{
  parse_ctx *c = user;
  int k;

  (void)section; /* the reader tracks sections itself, to catch repeats and typos */
  if(!name || !value)
    return 1; /* a new-section call, should inih be built with INI_CALL_HANDLER_ON_NEW_SECTION */
  if(c->continuation) {
    continue_value(c, value);
    return 1;
  }
  c->last_key = -1;
  if(c->section == SECTION_SKIP)
    return 1;
  if(!*name) {
    coach_diag_add(c->diag, c->line, "no key name before '='");
    return 1;
  }
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
    return 1;
  }
  k = find_key(c->section, name);
  if(k < 0) {
    char known[128];
    known_keys(c->section, known, sizeof(known));
    coach_diag_add(c->diag, c->line, "unknown key \"%s\" in [%s] (known: %s)", name,
                   section_names[c->section], known);
    return 1;
  }
  if(c->key_line[k]) {
    coach_diag_add(c->diag, c->line, "\"%s\" is set twice in [%s] (first on line %d)", name,
                   section_names[c->section], c->key_line[k]);
    return 1;
  }
  c->key_line[k] = c->line;
  if(set_value(c, k, value))
    c->last_key = k;
  return 1; /* problems are in the diag; inih's own error return is kept for syntax */
}

static bool diag_has_line(const coach_diag *d, int line)
{
  int n = d->count < COACH_DIAG_MAX ? d->count : COACH_DIAG_MAX;
  for(int i = 0; i < n; i++)
    if(d->entries[i].line == line)
      return true;
  return false;
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
  int rc;

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
  c->data = data;
  c->len = len;
  c->section = SECTION_NONE;
  c->last_key = -1;
  c->diag = diag;
  config_defaults(&c->cfg);

  rc = ini_parse_stream(read_line, c, on_value, c);
  if(rc == -2) {
    free(c);
    return COACH_E_NOMEM;
  }
  /* The reader only hands inih lines it can parse, so this is a safety net for a line our
   * classification and inih's disagree on. */
  if(rc > 0 && !diag_has_line(diag, rc))
    coach_diag_add(diag, rc, "cannot parse this line (expected [section] or key = value)");
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
  struct stat st;
  char *buf;
  size_t total = 0;
  coach_rc rc;
  int fd;

  coach_diag_init(diag, path);
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. */
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if(fd < 0) {
    /* glibc's strerror is thread-safe for known error numbers (static strings). */
    coach_diag_add(diag, 0, "cannot open: %s", strerror(errno));
    return COACH_E_IO;
  }
  if(fstat(fd, &st) < 0) {
    coach_diag_add(diag, 0, "cannot read: %s", strerror(errno));
    close(fd);
    return COACH_E_IO;
  }
  if(S_ISDIR(st.st_mode)) {
    coach_diag_add(diag, 0, "is a directory; give the path of a coach.ini file");
    close(fd);
    return COACH_E_IO;
  }
  if(!S_ISREG(st.st_mode)) {
    coach_diag_add(diag, 0,
                   "is not a regular file (a FIFO, socket or device); give the path of a "
                   "coach.ini file");
    close(fd);
    return COACH_E_IO;
  }
  buf = malloc(CONFIG_FILE_MAX_BYTES + 1);
  if(!buf) {
    close(fd);
    return COACH_E_NOMEM;
  }
  /* Read at most one byte past the limit: enough to know the file is too large, whatever
   * st_size said (the file may be growing). */
  while(total <= CONFIG_FILE_MAX_BYTES) {
    ssize_t n = read(fd, buf + total, CONFIG_FILE_MAX_BYTES + 1 - total);
    if(n < 0 && errno == EINTR)
      continue;
    if(n < 0) {
      coach_diag_add(diag, 0, "cannot read: %s", strerror(errno));
      free(buf);
      close(fd);
      return COACH_E_IO;
    }
    if(n == 0)
      break;
    total += (size_t)n;
  }
  close(fd);
  rc = config_load_buffer(buf, total, path, cfg, diag);
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
