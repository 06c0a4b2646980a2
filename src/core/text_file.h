/* text_file — the one way coach reads a whole small file it then parses: coach.ini, routine
 * files and their languages' cue tables, the phrase file, the practice log.
 *
 * The rules, in one place: the file is opened without waiting (O_NONBLOCK: a FIFO would
 * otherwise block a reader, coachd's main thread included, until some writer came), and only
 * a regular file is read (a FIFO or device could block or never end). At most max + 1 bytes
 * are read, so the caller judges the size by what was read, not by a stat that may already be
 * stale, and a file that grows while it is read cannot grow the buffer.
 *
 * Problems go into diag at line 0 ("cannot open: ...", "is a directory; give the path of
 * WHAT", ...), WHAT being the caller's name for the file ("a coach.ini file").
 *
 * Pure apart from the file system; any thread.
 */
#ifndef COACH_TEXT_FILE_H
#define COACH_TEXT_FILE_H

#include <stddef.h>

#include "coach_error.h"

/* Reads path into *data (malloc'ed, NUL-terminated, owned by the caller) and its length into
 * *len (at most max + 1: more than max means the file is too large, the caller says so in its
 * own words). COACH_E_NOTFOUND when there is no such file (diag says so too),
 * COACH_E_IO for any other trouble, COACH_E_NOMEM. On failure *data and *len are untouched. */
coach_rc text_file_read(const char *path, size_t max, const char *what, char **data,
                        size_t *len, coach_diag *diag);

#endif
