#include "coach_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *coach_rc_str(coach_rc rc)
{
  switch(rc) {
  case COACH_OK: return "no error";
  case COACH_E_NOMEM: return "out of memory";
  case COACH_E_IO: return "input/output error";
  case COACH_E_INVALID: return "invalid input";
  case COACH_E_NOTFOUND: return "not found";
  case COACH_E_SPEECH: return "speech synthesis failed";
  case COACH_E_DEVICE: return "audio device error";
  case COACH_E_LIMIT: return "limit reached";
  case COACH_E_STATE: return "not possible now";
  }
  return "unknown error";
}

void coach_why(char *why, size_t len, const char *fmt, ...)
{
  va_list ap;
  if(!why || !len)
    return;
  va_start(ap, fmt);
  vsnprintf(why, len, fmt, ap);
  va_end(ap);
}

void coach_diag_init(coach_diag *d, const char *file)
{
  memset(d, 0, sizeof(*d));
  snprintf(d->file, sizeof(d->file), "%s", file ? file : "-");
}

void coach_diag_add(coach_diag *d, int line, const char *fmt, ...)
{
  if(d->count < COACH_DIAG_MAX) {
    coach_diag_entry *e = &d->entries[d->count];
    va_list ap;
    e->line = line;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
  }
  d->count++;
}

void coach_diag_format(const coach_diag *d, int i, char *buf, size_t len)
{
  const coach_diag_entry *e = &d->entries[i];
  if(e->line > 0)
    snprintf(buf, len, "%s:%d: %s", d->file, e->line, e->message);
  else
    snprintf(buf, len, "%s: %s", d->file, e->message);
}
