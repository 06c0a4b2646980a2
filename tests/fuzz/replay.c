/* replay — runs a fuzz harness over files instead of under libFuzzer: each argument is a
 * file or a directory of files (not recursive, in name order). This is how the seed corpora
 * and tests/fuzz/regressions/ are replayed by ctest (fuzz.replay_NAME) with the ordinary
 * compiler, and under the sanitizers by .ci/sanitize.
 *
 * Exits 1 when an argument cannot be read or no input at all was found (a moved corpus must
 * not turn the test into a silent pass); a broken property aborts inside the harness. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replayed;

static int run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if(!f) {
    fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
    return 1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc(cap);
  size_t n;
  while(buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
    len += n;
    if(len == cap) {
      uint8_t *more = realloc(buf, cap *= 2);
      if(!more)
        free(buf);
      buf = more;
    }
  }
  int bad = ferror(f) || !buf;
  fclose(f);
  if(bad) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    free(buf);
    return 1;
  }
  /* An exact-size copy, so that a read past the input's end is caught by ASan as it is
   * under libFuzzer. */
  uint8_t *exact = malloc(len ? len : 1);
  if(!exact) {
    free(buf);
    return 1;
  }
  memcpy(exact, buf, len);
  free(buf);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  replayed++;
  return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
  return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_entry(const struct dirent *e)
{
  return e->d_name[0] != '.'; /* ".", "..", dotfiles such as .gitkeep */
}

static int run_dir(const char *dir)
{
  struct dirent **list;
  int n = scandir(dir, &list, skip_entry, by_name), rc = 0;
  if(n < 0) {
    fprintf(stderr, "replay: cannot read the directory %s: %s\n", dir, strerror(errno));
    return 1;
  }
  for(int i = 0; i < n; i++) {
    char path[4096];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
    if(stat(path, &st) == 0 && S_ISREG(st.st_mode))
      rc |= run_file(path);
    free(list[i]);
  }
  free(list);
  return rc;
}

int main(int argc, char **argv)
{
  int rc = 0;
  for(int i = 1; i < argc; i++) {
    struct stat st;
    if(stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      rc = 1;
    }
    else if(S_ISDIR(st.st_mode))
      rc |= run_dir(argv[i]);
    else
      rc |= run_file(argv[i]);
  }
  printf("replayed %d inputs\n", replayed);
  if(replayed == 0) {
    fprintf(stderr, "replay: no inputs found\n");
    rc = 1;
  }
  return rc;
}
