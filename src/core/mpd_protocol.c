#include "mpd_protocol.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Indexed by bit number, as MPD_EVENT_*. */
static const char *const event_names[] = {
    "player", "mixer",   "options", "database",     "playlist", "stored_playlist", "update",
    "output", "partition", "sticker", "subscription", "message",  "neighbor",        "mount"};

const char *mpd_event_name(unsigned event)
{
  for(size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
    if(event == 1u << i)
      return event_names[i];
  return NULL;
}

unsigned mpd_event_parse(const char *name)
{
  for(size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
    if(!strcmp(name, event_names[i]))
      return 1u << i;
  return 0;
}

int mpd_ack_from_kind(protocol_ack kind)
{
  switch(kind) {
  case PROTOCOL_ACK_UNKNOWN: return MPD_ACK_UNKNOWN;
  case PROTOCOL_ACK_ARG_COUNT:
  case PROTOCOL_ACK_ARG:
  case PROTOCOL_ACK_LINE_TOO_LONG: return MPD_ACK_ARG;
  case PROTOCOL_ACK_NO_ROUTINE: return MPD_ACK_NO_EXIST;
  case PROTOCOL_ACK_STATE: return MPD_ACK_PLAYER_SYNC;
  case PROTOCOL_ACK_PERMISSION: return MPD_ACK_PERMISSION;
  case PROTOCOL_ACK_DEVICE:
  case PROTOCOL_ACK_LIMIT:
  case PROTOCOL_ACK_SYSTEM:
  case PROTOCOL_ACK_SPEECH: break;
  }
  return MPD_ACK_SYSTEM;
}

int mpd_ack_from_rc(coach_rc rc)
{
  switch(rc) {
  case COACH_E_INVALID: return MPD_ACK_ARG;
  case COACH_E_NOTFOUND: return MPD_ACK_NO_EXIST;
  case COACH_E_STATE: return MPD_ACK_PLAYER_SYNC;
  case COACH_OK:
  case COACH_E_NOMEM:
  case COACH_E_IO:
  case COACH_E_SPEECH:
  case COACH_E_DEVICE:
  case COACH_E_LIMIT: break;
  }
  return MPD_ACK_SYSTEM;
}

/* MPD answers these before a password (its "none" permission set) so that a client can
 * greet, ask what it may do, and log in. */
static const char *const open_commands[] = {"close", "commands", "notcommands", "password",
                                            "ping", NULL};

const protocol_dialect mpd_dialect = {
    .name = "mpd",
    .greeting = MPD_GREETING,
    .list_index = true,
    .command_lists = true,
    .code = mpd_ack_from_kind,
    .events = MPD_EVENT_ALL,
    .event_name = mpd_event_name,
    .event_parse = mpd_event_parse,
    .open_commands = open_commands,
};

bool mpd_parse_bool(const char *s, bool *out)
{
  if((s[0] != '0' && s[0] != '1') || s[1])
    return false;
  *out = s[0] == '1';
  return true;
}

bool mpd_parse_uint(const char *s, unsigned max, unsigned *out)
{
  unsigned long v = 0;
  if(!*s)
    return false;
  for(const char *p = s; *p; p++) {
    if(*p < '0' || *p > '9')
      return false;
    v = v * 10 + (unsigned long)(*p - '0');
    if(v > max)
      return false;
  }
  *out = (unsigned)v;
  return true;
}

bool mpd_parse_volume_change(const char *s, int *delta)
{
  unsigned v;
  bool negative = s[0] == '-';
  if(!mpd_parse_uint(s + (s[0] == '-' || s[0] == '+'), 100, &v))
    return false;
  *delta = negative ? -(int)v : (int)v;
  return true;
}

bool mpd_parse_range(const char *s, unsigned *start, unsigned *end)
{
  char first[16];
  const char *colon = strchr(s, ':');
  unsigned a, b = UINT_MAX;
  size_t n = colon ? (size_t)(colon - s) : strlen(s);
  if(n == 0 || n >= sizeof(first))
    return false;
  memcpy(first, s, n);
  first[n] = '\0';
  if(!mpd_parse_uint(first, INT_MAX, &a))
    return false;
  if(!colon)
    b = a + 1;
  else if(colon[1] && (!mpd_parse_uint(colon + 1, INT_MAX, &b) || b <= a))
    return false;
  *start = a;
  *end = b;
  return true;
}

coach_rc mpd_parse_load(const char *spec, char *name, size_t name_len, char *length,
                        size_t length_len, char *why, size_t why_len)
{
  const char *at = strchr(spec, '@');
  size_t n = at ? (size_t)(at - spec) : strlen(spec);
  const char *len_text = at ? at + 1 : "";
  if(n == 0) {
    coach_why(why, why_len, "no routine name before the '@' (load NAME or NAME@LENGTH)");
    return COACH_E_INVALID;
  }
  if(at && (!*len_text || strchr(len_text, '@'))) {
    coach_why(why, why_len, "\"%.60s\": give one length after the '@', as in rest@15m", spec);
    return COACH_E_INVALID;
  }
  if(n >= name_len || strlen(len_text) >= length_len) {
    coach_why(why, why_len, "\"%.60s\" is too long for a routine name and length", spec);
    return COACH_E_INVALID;
  }
  memcpy(name, spec, n);
  name[n] = '\0';
  memcpy(length, len_text, strlen(len_text) + 1);
  return COACH_OK;
}
