/* library — the routines a user can start, gathered from several folders.
 *
 * Folders are given lowest priority first (shipped, then configured extras, then the user's
 * own): a file in a later folder replaces a routine of the same name from an earlier one. A
 * file that does not load is reported through the report callback (with its file:line
 * diagnostics) and skipped; the others still load. On reload, a routine whose file broke
 * keeps its previously loaded version, so a typo never takes a working routine away.
 *
 * Ownership: a library owns its routines. One thread at a time (coachd: the main thread).
 */
#ifndef COACH_LIBRARY_H
#define COACH_LIBRARY_H

#include "coach_error.h"
#include "routine.h"

#define LIBRARY_MAX 512 /* routines; more files are reported and skipped */

typedef struct library {
  routine **items; /* sorted by name */
  int count;
} library;

/* Called once per file that failed, with its diagnostics; kept_old tells whether an earlier
 * version stays in use. */
typedef void (*library_report_fn)(void *ctx, const coach_diag *diag, bool kept_old);

/* Fills *out (which must be empty) from dirs. previous may be NULL; broken files keep their
 * routine from it (moved out of previous). A dir that is missing is skipped silently; one
 * that is not a directory is reported. */
coach_rc library_load(library *out, const char *const *dirs, int n_dirs, library *previous,
                      library_report_fn report, void *ctx);

const routine *library_find(const library *lib, const char *name);

void library_free(library *lib);

#endif
