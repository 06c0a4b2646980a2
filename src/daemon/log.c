#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static log_level max_level = LVL_INFO;

void log_set_level(log_level max)
{
  max_level = max;
}

void log_msg(log_level level, const char *fmt, ...)
{
  static const char *const names[] = {"error", "warning", "info", "debug"};
  if(level > max_level)
    return;
  char line[1024];
  int n = snprintf(line, sizeof(line), "coachd: %s: ", names[level]);
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
  va_end(ap);
  size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
  if(len > sizeof(line) - 2)
    len = sizeof(line) - 2;
  line[len++] = '\n';
  ssize_t w = write(STDERR_FILENO, line, len);
  (void)w; /* nowhere left to report a failing stderr */
}
