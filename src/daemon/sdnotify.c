#include "sdnotify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Parses a whole decimal number; false for empty, signed, trailing junk or overflow. */
static int parse_ulong(const char *s, unsigned long long *out)
{
  char *end;
  unsigned long long v;
  if(!s || *s < '0' || *s > '9')
    return 0;
  errno = 0;
  v = strtoull(s, &end, 10);
  if(errno || *end)
    return 0;
  *out = v;
  return 1;
}

int sdnotify_listen_fds(void)
{
  unsigned long long pid, n;
  int ok = parse_ulong(getenv("LISTEN_PID"), &pid) && parse_ulong(getenv("LISTEN_FDS"), &n) &&
           pid == (unsigned long long)getpid() && n > 0 && n < 1024;
  /* Unset in every case: the variables are meant for exactly one process. */
  unsetenv("LISTEN_PID");
  unsetenv("LISTEN_FDS");
  unsetenv("LISTEN_FDNAMES");
  if(!ok)
    return 0;
  for(int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + (int)n; fd++) {
    int flags = fcntl(fd, F_GETFD);
    if(flags < 0)
      return 0; /* not actually open: treat as not activated */
    if(!(flags & FD_CLOEXEC))
      fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
  return (int)n;
}

coach_rc sdnotify_send(const char *state)
{
  const char *path = getenv("NOTIFY_SOCKET");
  struct sockaddr_un sa;
  socklen_t salen;
  size_t n;
  int fd, saved;
  ssize_t sent;

  if(!path || !*path)
    return COACH_OK;
  n = strlen(path);
  if((path[0] != '/' && path[0] != '@') || n >= sizeof(sa.sun_path)) {
    errno = EINVAL;
    return COACH_E_IO;
  }
  memset(&sa, 0, sizeof(sa));
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path, n);
  if(path[0] == '@')
    sa.sun_path[0] = '\0'; /* abstract namespace: the name's length is the address length */
  salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '/'));

  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if(fd < 0)
    return COACH_E_IO;
  do
    sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
  while(sent < 0 && errno == EINTR);
  saved = errno;
  close(fd);
  errno = saved;
  return sent < 0 ? COACH_E_IO : COACH_OK;
}

coach_rc sdnotify_ready(void)
{
  return sdnotify_send("READY=1");
}

coach_rc sdnotify_stopping(void)
{
  return sdnotify_send("STOPPING=1");
}

coach_rc sdnotify_status(const char *fmt, ...)
{
  char buf[8 + 200];
  va_list ap;
  memcpy(buf, "STATUS=", 7);
  va_start(ap, fmt);
  vsnprintf(buf + 7, sizeof(buf) - 7, fmt, ap);
  va_end(ap);
  /* A newline would start a second assignment in the datagram. */
  for(char *p = buf; *p; p++)
    if(*p == '\n')
      *p = ' ';
  return sdnotify_send(buf);
}
