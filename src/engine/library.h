/* library — the routines a user can start, gathered from several folders.
 *
 * Which folders, and in which order, is one rule (library_dirs_from_config), used by coachd
 * and by every coach command that names a routine (list, show, render), so that a routine
 * coach lists is the one coach shows and coachd plays.
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
#include "config.h"
#include "paths.h"
#include "routine.h"

#define LIBRARY_MAX 512 /* routines; more files are reported and skipped */
#define LIBRARY_DIRS_MAX (2 + CONFIG_DIRS_MAX)

/* Routine folders, lowest priority first. */
typedef struct library_dirs {
  char path[LIBRARY_DIRS_MAX][PATHS_MAX];
  int count;
} library_dirs;

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

/* The folders the settings name, lowest priority first: the shipped routines
 * (paths_shipped_routines), then [routines] dirs in their order, then the user's folder
 * ([routines] user_dir, else paths_user_routines). A folder whose path cannot be worked out
 * (no HOME) is left out. */
void library_dirs_from_config(const coach_config *cfg, library_dirs *out);

/* library_load over library_dirs_from_config(cfg). */
coach_rc library_load_config(library *out, const coach_config *cfg, library *previous,
                             library_report_fn report, void *ctx);

const routine *library_find(const library *lib, const char *name);

/* Removes the routine called name from lib and hands it to the caller (routine_free), or
 * returns NULL when lib has none of that name. */
routine *library_take(library *lib, const char *name);

/* What `list` says of one routine, as key/value pairs in order: routine, title, summary and,
 * for a routine with an adjustable length, length ("10m (5m to 15m)"). emit is called once
 * per pair; value is only valid during the call. */
typedef void (*library_emit_fn)(void *ctx, const char *key, const char *value);
void library_describe(const routine *r, library_emit_fn emit, void *ctx);

void library_free(library *lib);

#endif
