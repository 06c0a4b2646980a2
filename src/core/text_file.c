#include "text_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

coach_rc text_file_read(const char *path, size_t max, const char *what, char **data,
                        size_t *len, coach_diag *diag)
{
  coach_rc rc = COACH_E_IO;
  char *buf = NULL;
  size_t used = 0;
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if(fd < 0) {
    /* glibc's strerror is thread-safe for known error numbers (static strings). */
    int err = errno;
    coach_diag_add(diag, 0, "cannot open: %s (check the path)", strerror(err));
    return err == ENOENT ? COACH_E_NOTFOUND : COACH_E_IO;
  }
  if(fstat(fd, &st) < 0) {
    coach_diag_add(diag, 0, "cannot read: %s", strerror(errno));
    goto done;
  }
  if(S_ISDIR(st.st_mode)) {
    coach_diag_add(diag, 0, "is a directory; give the path of %s", what);
    goto done;
  }
  if(!S_ISREG(st.st_mode)) {
    coach_diag_add(diag, 0, "is not a regular file (a FIFO, socket or device); give the path "
                   "of %s", what);
    goto done;
  }
  buf = malloc(max + 2);
  if(!buf) {
    rc = COACH_E_NOMEM;
    goto done;
  }
  while(used <= max) {
    ssize_t n = read(fd, buf + used, max + 1 - used);
    if(n < 0 && errno == EINTR)
      continue;
    if(n < 0) {
      coach_diag_add(diag, 0, "cannot read: %s", strerror(errno));
      goto done;
    }
    if(n == 0)
      break;
    used += (size_t)n;
  }
  buf[used] = '\0';
  *data = buf;
  *len = used;
  buf = NULL;
  rc = COACH_OK;
done:
  free(buf);
  close(fd);
  return rc;
}
