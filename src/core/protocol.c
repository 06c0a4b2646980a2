#include "protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

protocol_ack protocol_ack_from_rc(coach_rc rc)
{
  switch(rc) {
  case COACH_E_INVALID: return PROTOCOL_ACK_ARG;
  case COACH_E_NOTFOUND: return PROTOCOL_ACK_NO_ROUTINE;
  case COACH_E_SPEECH: return PROTOCOL_ACK_SPEECH;
  case COACH_E_DEVICE: return PROTOCOL_ACK_DEVICE;
  case COACH_E_LIMIT: return PROTOCOL_ACK_LIMIT;
  case COACH_E_STATE: return PROTOCOL_ACK_STATE;
  case COACH_OK:
  case COACH_E_NOMEM:
  case COACH_E_IO: break;
  }
  return PROTOCOL_ACK_SYSTEM;
}

/* Indexed by bit number; the order is the order of "changed:" lines in an idle reply. */
static const char *const event_names[] = {"player", "mixer", "options", "database"};

const char *protocol_event_name(unsigned event)
{
  for(size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
    if(event == 1u << i)
      return event_names[i];
  return NULL;
}

unsigned protocol_event_parse(const char *name)
{
  for(size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
    if(!strcmp(name, event_names[i]))
      return 1u << i;
  return 0;
}

static int is_sep(char c)
{
  return c == ' ' || c == '\t';
}

coach_rc protocol_split(char *line, char **argv, int max, int *argc, const char **why)
{
  char *r = line;
  int n = 0;
  const char *dummy;
  if(!why)
    why = &dummy;
  for(;;) {
    char *word;
    while(is_sep(*r))
      r++;
    if(!*r)
      break;
    if(n >= max) {
      *why = "too many arguments";
      *argc = n;
      return COACH_E_LIMIT;
    }
    word = r;
    if(*r == '"') {
      /* The unquoted word is never longer than the quoted one, so it is written over it
       * from the opening quote on: w always trails r. */
      char *w = r++;
      for(;;) {
        if(!*r) {
          *why = "unterminated quote";
          return COACH_E_INVALID;
        }
        if(*r == '\\') {
          if(!r[1]) {
            *why = "unterminated quote";
            return COACH_E_INVALID;
          }
          *w++ = r[1];
          r += 2;
          continue;
        }
        if(*r == '"') {
          r++;
          break;
        }
        *w++ = *r++;
      }
      if(*r && !is_sep(*r)) {
        *why = "space expected after closing quote";
        return COACH_E_INVALID;
      }
      *w = '\0'; /* w < r: does not clobber the separator r looks at next */
    }
    else {
      while(*r && !is_sep(*r)) {
        if(*r == '"') {
          *why = "quote inside a word (quote the whole argument)";
          return COACH_E_INVALID;
        }
        r++;
      }
      if(*r)
        *r++ = '\0';
    }
    argv[n++] = word;
  }
  *argc = n;
  return COACH_OK;
}

static int is_bad_ctl(unsigned char c)
{
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

coach_rc protocol_quote(const char *arg, char *buf, size_t len)
{
  size_t need = 0, n = strlen(arg);
  int quote = n == 0;
  for(size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)arg[i];
    if(is_bad_ctl(c))
      return COACH_E_INVALID;
    if(c == ' ' || c == '\t' || c == '"' || c == '\\')
      quote = 1;
    need += (c == '"' || c == '\\') ? 2 : 1;
  }
  if(quote)
    need += 2;
  if(need + 1 > len)
    return COACH_E_LIMIT;
  if(!quote) {
    memcpy(buf, arg, n + 1);
    return COACH_OK;
  }
  *buf++ = '"';
  for(size_t i = 0; i < n; i++) {
    if(arg[i] == '"' || arg[i] == '\\')
      *buf++ = '\\';
    *buf++ = arg[i];
  }
  *buf++ = '"';
  *buf = '\0';
  return COACH_OK;
}

coach_rc protocol_format_command(char *buf, size_t len, int argc, char *const *argv)
{
  size_t used = 0;
  if(len == 0)
    return COACH_E_LIMIT;
  for(int i = 0; i < argc; i++) {
    coach_rc rc;
    if(i > 0) {
      if(used + 1 >= len)
        return COACH_E_LIMIT;
      buf[used++] = ' ';
    }
    rc = protocol_quote(argv[i], buf + used, len - used);
    if(rc != COACH_OK)
      return rc;
    used += strlen(buf + used);
  }
  if(used + 2 > len)
    return COACH_E_LIMIT;
  buf[used++] = '\n';
  buf[used] = '\0';
  return COACH_OK;
}

bool protocol_check_line(const char *line, size_t n, const char **why)
{
  const unsigned char *s = (const unsigned char *)line;
  const char *dummy;
  if(!why)
    why = &dummy;
  for(size_t i = 0; i < n;) {
    unsigned char c = s[i];
    size_t len;
    if(c < 0x80) {
      if(is_bad_ctl(c)) {
        *why = c == 0 ? "line holds a NUL byte" : "line holds a control character";
        return false;
      }
      i++;
      continue;
    }
    len = utf8_sequence_length(s + i, n - i);
    if(!len) {
      *why = "line is not valid UTF-8";
      return false;
    }
    i += len;
  }
  return true;
}

/* Control bytes would split one error into two lines: they become spaces. Bytes that are
 * not UTF-8 become '?': a caller's "%.64s" may cut a name inside a character, and a client
 * must be able to read every line as UTF-8. */
static void sanitize(char *s, size_t n)
{
  unsigned char *u = (unsigned char *)s;
  for(size_t i = 0; i < n;) {
    size_t len;
    if(u[i] < 0x80) {
      if(is_bad_ctl(u[i]))
        s[i] = ' ';
      i++;
      continue;
    }
    len = utf8_sequence_length(u + i, n - i);
    if(!len) {
      s[i++] = '?';
      continue;
    }
    i += len;
  }
}

size_t protocol_vformat_ack(char *buf, size_t len, int code, const char *command,
                            const char *fmt, va_list ap)
{
  return protocol_vformat_ack_at(buf, len, code, -1, command, fmt, ap);
}

size_t protocol_vformat_ack_at(char *buf, size_t len, int code, int index, const char *command,
                               const char *fmt, va_list ap)
{
  char cmd[64];
  size_t n, m = 0;
  int k;
  if(len < 2) {
    if(len)
      buf[0] = '\0';
    return 0;
  }
  snprintf(cmd, sizeof(cmd), "%s", command ? command : "");
  sanitize(cmd, strlen(cmd));
  if(index >= 0)
    k = snprintf(buf, len, "ACK [%d@%d] {%s} ", code, index, cmd);
  else
    k = snprintf(buf, len, "ACK [%d] {%s} ", code, cmd);
  n = k < 0 ? 0 : (size_t)k;
  if(n > len - 2)
    n = len - 2;
  if(n < len - 2) {
    k = vsnprintf(buf + n, len - n, fmt, ap);
    m = k < 0 ? 0 : (size_t)k;
    if(m > len - 2 - n) {
      m = len - 2 - n;
      /* Cut at a character boundary, not inside a UTF-8 sequence: buf[n + m] is the first
       * byte left out (vsnprintf was given one byte more than is kept). */
      while(m > 0 && ((unsigned char)buf[n + m] & 0xc0) == 0x80)
        m--;
    }
  }
  n += m;
  sanitize(buf, n); /* also the prefix: the command may have been cut in a character */
  while(n > 0 && buf[n - 1] == ' ')
    n--;
  buf[n++] = '\n';
  buf[n] = '\0';
  return n;
}

size_t protocol_format_ack(char *buf, size_t len, int code, const char *command, const char *fmt,
                           ...)
{
  va_list ap;
  size_t n;
  va_start(ap, fmt);
  n = protocol_vformat_ack(buf, len, code, command, fmt, ap);
  va_end(ap);
  return n;
}

bool protocol_parse_ack(const char *line, protocol_ack_line *out)
{
  const char *p, *close;
  char *end;
  long code, index = -1;
  size_t n;
  if(strncmp(line, "ACK [", 5))
    return false;
  p = line + 5;
  if(*p < '0' || *p > '9')
    return false;
  code = strtol(p, &end, 10);
  if(code > 9999)
    return false;
  if(*end == '@') {
    p = end + 1;
    if(*p < '0' || *p > '9')
      return false;
    index = strtol(p, &end, 10);
    if(index > 999999)
      return false;
  }
  if(strncmp(end, "] {", 3))
    return false;
  p = end + 3;
  close = strchr(p, '}');
  if(!close)
    return false;
  n = (size_t)(close - p);
  if(n >= sizeof(out->command))
    n = sizeof(out->command) - 1;
  out->code = (int)code;
  out->index = (int)index;
  memcpy(out->command, p, n);
  out->command[n] = '\0';
  p = close + 1;
  if(*p == ' ')
    p++;
  out->message = p;
  return true;
}

bool protocol_parse_kv(char *line, char **key, char **value)
{
  char *colon = strstr(line, ": ");
  if(!colon || colon == line)
    return false;
  for(char *p = line; p < colon; p++)
    if(is_sep(*p) || *p == '[' || *p == '{')
      return false;
  *colon = '\0';
  *key = line;
  *value = colon + 2;
  return true;
}

bool protocol_parse_greeting(const char *line, int *version)
{
  char *end;
  long v;
  if(strncmp(line, "OK coach ", 9) || line[9] < '0' || line[9] > '9')
    return false;
  v = strtol(line + 9, &end, 10);
  if((*end && strcmp(end, "\n") && strcmp(end, "\r\n")) || v > 1000000)
    return false;
  *version = (int)v;
  return true;
}

bool protocol_table_check(const protocol_command *table, size_t n, const char **why)
{
  const char *dummy;
  if(!why)
    why = &dummy;
  for(size_t i = 0; i < n; i++) {
    const protocol_command *c = &table[i];
    if(!c->name || !c->name[0]) {
      *why = "a command has no name";
      return false;
    }
    if(c->min_args < 0 || (c->max_args != PROTOCOL_ARGS_ANY && c->max_args < c->min_args)) {
      *why = "a command's argument bounds are inverted or negative";
      return false;
    }
    if(i > 0 && strcmp(table[i - 1].name, c->name) >= 0) {
      *why = "the command table is not sorted by name, or has a duplicate";
      return false;
    }
  }
  return true;
}

static int cmp_command(const void *key, const void *elem)
{
  return strcmp(key, ((const protocol_command *)elem)->name);
}

const protocol_command *protocol_command_lookup(const protocol_command *table, size_t n,
                                                const char *name)
{
  if(!table || n == 0)
    return NULL;
  return bsearch(name, table, n, sizeof(*table), cmp_command);
}

bool protocol_check_args(const protocol_command *cmd, int nargs, char *msg, size_t len)
{
  if(nargs >= cmd->min_args && (cmd->max_args == PROTOCOL_ARGS_ANY || nargs <= cmd->max_args))
    return true;
  if(cmd->max_args == PROTOCOL_ARGS_ANY)
    snprintf(msg, len, "wrong number of arguments for \"%s\": expected at least %d, got %d",
             cmd->name, cmd->min_args, nargs);
  else if(cmd->min_args == cmd->max_args)
    snprintf(msg, len, "wrong number of arguments for \"%s\": expected %d, got %d", cmd->name,
             cmd->min_args, nargs);
  else
    snprintf(msg, len, "wrong number of arguments for \"%s\": expected %d to %d, got %d",
             cmd->name, cmd->min_args, cmd->max_args, nargs);
  return false;
}

static int coach_code(protocol_ack kind)
{
  return (int)kind;
}

const protocol_dialect protocol_dialect_coach = {
    .name = "coach",
    .greeting = PROTOCOL_GREETING,
    .code = coach_code,
    .events = PROTOCOL_EVENT_ALL,
    .event_name = protocol_event_name,
    .event_parse = protocol_event_parse,
};
