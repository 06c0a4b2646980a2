#include "library.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int by_name(const void *a, const void *b)
{
  const routine *const *ra = a, *const *rb = b;
  return strcmp((*ra)->name, (*rb)->name);
}

static int index_of(const library *lib, const char *name)
{
  for(int i = 0; i < lib->count; i++)
    if(!strcmp(lib->items[i]->name, name))
      return i;
  return -1;
}

/* Puts r in lib, replacing a routine of the same name (a later folder wins). */
static coach_rc library_put(library *lib, routine *r)
{
  int at = index_of(lib, r->name);
  if(at >= 0) {
    routine_free(lib->items[at]);
    lib->items[at] = r;
    return COACH_OK;
  }
  if(lib->count >= LIBRARY_MAX)
    return COACH_E_LIMIT;
  routine **items = realloc(lib->items, (size_t)(lib->count + 1) * sizeof(*items));
  if(!items)
    return COACH_E_NOMEM;
  lib->items = items;
  lib->items[lib->count++] = r;
  return COACH_OK;
}

/* The stem of an .ini file name, or NULL when name is not a routine file. */
static int routine_stem(const char *file, char *stem, size_t len)
{
  size_t n = strlen(file);
  if(n < 5 || strcmp(file + n - 4, ".ini") != 0 || n - 4 >= len)
    return 0;
  memcpy(stem, file, n - 4);
  stem[n - 4] = '\0';
  return 1;
}

static int by_string(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static coach_rc load_dir(library *out, const char *dir, library *previous,
                         library_report_fn report, void *ctx)
{
  struct stat st;
  if(stat(dir, &st) != 0)
    return COACH_OK; /* a user without own routines is the normal case */
  if(!S_ISDIR(st.st_mode)) {
    coach_diag d;
    coach_diag_init(&d, dir);
    coach_diag_add(&d, 0, "is not a folder (routine folders hold .ini files; remove or rename "
                          "it)");
    if(report)
      report(ctx, &d, false);
    return COACH_OK;
  }
  DIR *dh = opendir(dir);
  if(!dh) {
    coach_diag d;
    coach_diag_init(&d, dir);
    coach_diag_add(&d, 0, "cannot read the folder: %s", strerror(errno));
    if(report)
      report(ctx, &d, false);
    return COACH_OK;
  }
  /* Sorted, so that reports and overrides do not depend on the file system's order. */
  char **names = NULL;
  size_t n = 0;
  coach_rc rc = COACH_OK;
  struct dirent *e;
  while((e = readdir(dh)) && !rc) {
    size_t len = strlen(e->d_name);
    if(len < 5 || strcmp(e->d_name + len - 4, ".ini") != 0 || e->d_name[0] == '.')
      continue;
    char **grown = realloc(names, (n + 1) * sizeof(*names));
    if(!grown) {
      rc = COACH_E_NOMEM;
      break;
    }
    names = grown;
    if(!(names[n] = strdup(e->d_name))) {
      rc = COACH_E_NOMEM;
      break;
    }
    n++;
  }
  closedir(dh);
  if(names)
    qsort(names, n, sizeof(*names), by_string);

  for(size_t i = 0; i < n && !rc; i++) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    coach_diag d;
    coach_diag_init(&d, path);
    routine *r = NULL;
    coach_rc lrc = routine_load(path, &r, &d);
    if(lrc == COACH_E_NOMEM) {
      rc = lrc;
      break;
    }
    if(lrc) {
      bool kept = false;
      char stem[ROUTINE_NAME_MAX + 8];
      if(previous && routine_stem(names[i], stem, sizeof(stem))) {
        int at = index_of(previous, stem);
        if(at >= 0 && previous->items[at]->path && !strcmp(previous->items[at]->path, path)) {
          routine *old = previous->items[at];
          previous->items[at] = previous->items[--previous->count];
          rc = library_put(out, old);
          kept = rc == COACH_OK;
          if(rc)
            routine_free(old);
        }
      }
      if(report)
        report(ctx, &d, kept);
      continue;
    }
    rc = library_put(out, r);
    if(rc == COACH_E_LIMIT) {
      coach_diag_add(&d, 0, "more than %d routines: this one is skipped", LIBRARY_MAX);
      if(report)
        report(ctx, &d, false);
      routine_free(r);
      rc = COACH_OK;
    }
    else if(rc)
      routine_free(r);
  }
  for(size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  return rc;
}

coach_rc library_load(library *out, const char *const *dirs, int n_dirs, library *previous,
                      library_report_fn report, void *ctx)
{
  library lib = {0};
  for(int i = 0; i < n_dirs; i++) {
    coach_rc rc = load_dir(&lib, dirs[i], previous, report, ctx);
    if(rc) {
      library_free(&lib);
      return rc;
    }
  }
  if(lib.count)
    qsort(lib.items, (size_t)lib.count, sizeof(*lib.items), by_name);
  *out = lib;
  return COACH_OK;
}

void library_dirs_from_config(const coach_config *cfg, library_dirs *out)
{
  library_dirs *d = out;
  d->count = 0;
  if(paths_shipped_routines(d->path[d->count], sizeof(d->path[0])) == COACH_OK)
    d->count++;
  for(int i = 0; i < cfg->n_dirs && i < CONFIG_DIRS_MAX; i++)
    snprintf(d->path[d->count++], sizeof(d->path[0]), "%s", cfg->dirs[i]);
  if(cfg->user_dir[0])
    snprintf(d->path[d->count++], sizeof(d->path[0]), "%s", cfg->user_dir);
  else if(paths_user_routines(d->path[d->count], sizeof(d->path[0])) == COACH_OK)
    d->count++;
}

coach_rc library_load_config(library *out, const coach_config *cfg, library *previous,
                             library_report_fn report, void *ctx)
{
  library_dirs *d = malloc(sizeof(*d)); /* 40 KiB: not on a thread's stack */
  if(!d)
    return COACH_E_NOMEM;
  library_dirs_from_config(cfg, d);
  const char *dirs[LIBRARY_DIRS_MAX];
  for(int i = 0; i < d->count; i++)
    dirs[i] = d->path[i];
  coach_rc rc = library_load(out, dirs, d->count, previous, report, ctx);
  free(d);
  return rc;
}

const routine *library_find(const library *lib, const char *name)
{
  int at = index_of(lib, name);
  return at >= 0 ? lib->items[at] : NULL;
}

routine *library_take(library *lib, const char *name)
{
  int at = index_of(lib, name);
  if(at < 0)
    return NULL;
  routine *r = lib->items[at];
  memmove(&lib->items[at], &lib->items[at + 1], (size_t)(lib->count - at - 1) * sizeof(r));
  lib->count--;
  return r;
}

void library_free(library *lib)
{
  for(int i = 0; i < lib->count; i++)
    routine_free(lib->items[i]);
  free(lib->items);
  lib->items = NULL;
  lib->count = 0;
}

void library_describe(const routine *r, library_emit_fn emit, void *ctx)
{
  emit(ctx, "routine", r->name);
  emit(ctx, "title", r->title);
  emit(ctx, "summary", r->summary);
  if(r->has_length) {
    char def[32], lo[32], hi[32], text[112];
    duration_format(r->length_ms, def, sizeof(def));
    duration_format(r->min_length_ms, lo, sizeof(lo));
    duration_format(r->max_length_ms, hi, sizeof(hi));
    snprintf(text, sizeof(text), "%s (%s to %s)", def, lo, hi);
    emit(ctx, "length", text);
  }
}
