/* Every file in tests/data/bad must be refused with a diagnostic at the right line.
 *
 * Each file starts with "; expect: LINE: SUBSTRING": some diagnostic must be at LINE (0 for
 * the whole file) and contain SUBSTRING. A new case is one new file. Cases awkward to commit
 * (NUL bytes, huge files) are written at run time. Every load is also checked to leave no
 * heap block behind.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "routine.h"

/* Counts live heap blocks by standing in for glibc's allocator (glibc supports replacing
 * malloc; its own functions such as strdup then call these too). Allocator statistics would
 * not do: blocks in glibc's per-thread cache count as in use. Sanitizer builds keep their own
 * allocator and find leaks themselves. */
#if defined(__SANITIZE_ADDRESS__)
#define COUNT_BLOCKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COUNT_BLOCKS 0
#endif
#endif
#ifndef COUNT_BLOCKS
#define COUNT_BLOCKS 1
#endif

static long live_blocks;

#if COUNT_BLOCKS
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

void *malloc(size_t size)
{
  void *p = __libc_malloc(size);
  live_blocks += p != NULL;
  return p;
}

void *calloc(size_t n, size_t size)
{
  void *p = __libc_calloc(n, size);
  live_blocks += p != NULL;
  return p;
}

void *realloc(void *old, size_t size)
{
  void *p = __libc_realloc(old, size);
  if(!old && p)
    live_blocks++;
  else if(old && !p && !size)
    live_blocks--;
  return p;
}

void free(void *p)
{
  live_blocks -= p != NULL;
  __libc_free(p);
}
#endif

static void print_diag(const coach_diag *d)
{
  for(int i = 0; i < d->count && i < COACH_DIAG_MAX; i++) {
    char line[COACH_DIAG_MSG + 300];
    coach_diag_format(d, i, line, sizeof(line));
    fprintf(stderr, "    %s\n", line);
  }
}

static bool diag_has(const coach_diag *d, int line, const char *substring)
{
  for(int i = 0; i < d->count && i < COACH_DIAG_MAX; i++)
    if(d->entries[i].line == line && strstr(d->entries[i].message, substring))
      return true;
  return false;
}

/* Loads path, which must fail with want_rc and a diagnostic at line containing substring. */
static void expect_refused(const char *path, coach_rc want_rc, int line, const char *substring)
{
  routine *sentinel = (routine *)&check_passed; /* any address routine_load must not touch */
  routine *r = sentinel;
  coach_diag d;
  long before = live_blocks;
  coach_rc rc = routine_load(path, &r, &d);
  long after = live_blocks;
  CHECKF(rc == want_rc, "%s: rc %s, want %s", path, coach_rc_str(rc), coach_rc_str(want_rc));
  CHECKF(r == sentinel, "%s: *out was changed on failure", path);
  CHECKF(after == before, "%s: %ld blocks left allocated", path, after - before);
  CHECKF(!strcmp(d.file, path), "%s: diag names the file %s", path, d.file);
  bool found = diag_has(&d, line, substring);
  CHECKF(found, "%s: no diagnostic at line %d containing \"%s\"", path, line, substring);
  if(!found || rc != want_rc)
    print_diag(&d);
  if(rc == COACH_OK && r != sentinel)
    routine_free(r);
}

/* Reads "; expect: LINE: SUBSTRING" from the first line of path. */
static bool read_expectation(const char *path, int *line, char *substring, size_t len)
{
  FILE *f = fopen(path, "rb");
  if(!f)
    return false;
  char first[512];
  bool ok = fgets(first, sizeof(first), f) != NULL;
  fclose(f);
  int used = 0;
  if(!ok || sscanf(first, "; expect: %d: %n", line, &used) != 1 || !used)
    return false;
  snprintf(substring, len, "%s", first + used);
  substring[strcspn(substring, "\r\n")] = '\0';
  return *substring != '\0';
}

static int run_fixtures(const char *dir)
{
  DIR *dh = opendir(dir);
  CHECKF(dh != NULL, "cannot open %s: %s", dir, strerror(errno));
  if(!dh)
    return 0;
  int files = 0;
  struct dirent *de;
  while((de = readdir(dh))) {
    size_t n = strlen(de->d_name);
    if(n < 5 || strcmp(de->d_name + n - 4, ".ini"))
      continue;
    char path[8192], substring[400];
    int line;
    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    bool ok = read_expectation(path, &line, substring, sizeof(substring));
    CHECKF(ok, "%s does not begin with \"; expect: LINE: SUBSTRING\"", path);
    if(ok)
      expect_refused(path, COACH_E_INVALID, line, substring);
    files++;
  }
  closedir(dh);
  return files;
}

static void write_file(const char *path, const char *data, size_t len)
{
  FILE *f = fopen(path, "wb");
  CHECKF(f != NULL, "cannot write %s: %s", path, strerror(errno));
  if(!f)
    return;
  CHECK(fwrite(data, 1, len, f) == len);
  CHECK(fclose(f) == 0);
}

static const char head[] = "[routine]\ntitle = T\nsummary = S.\nsteps = a\n\n";

static void nul_byte(const char *tmp)
{
  char path[8192];
  snprintf(path, sizeof(path), "%s/nul_byte.ini", tmp);
  static const char text[] = "[routine]\ntitle = T\nsummary = S.\nsteps = a\n\n"
                             "[step a]\ndo = say\ntext = Hello\0there.\n";
  write_file(path, text, sizeof(text) - 1);
  expect_refused(path, COACH_E_INVALID, 8, "NUL byte");
  unlink(path);
}

/* A control character would reach eSpeak NG as text: refused, as in coach.ini. */
static void control_character(const char *tmp)
{
  char path[8192];
  snprintf(path, sizeof(path), "%s/control_character.ini", tmp);
  static const char text[] = "[routine]\ntitle = T\nsummary = S.\nsteps = a\n\n"
                             "[step a]\ndo = say\ntext = Hello\033there.\n";
  write_file(path, text, sizeof(text) - 1);
  expect_refused(path, COACH_E_INVALID, 8, "the control character 0x1B (byte 13;");
  unlink(path);
}

/* 10,000 tiny steps: refused at the first step past the limit, in bounded memory and time. */
static void ten_thousand_steps(const char *tmp)
{
  char path[8192];
  snprintf(path, sizeof(path), "%s/ten_thousand_steps.ini", tmp);
  size_t cap = 400 * 1024, len = 0;
  char *text = malloc(cap);
  CHECK(text != NULL);
  if(!text)
    return;
  len += (size_t)snprintf(text + len, cap - len, "%s", head);
  int header_line = 6, limit_line = 0;
  for(int i = 0; i < 10000; i++) {
    if(i == ROUTINE_STEPS_MAX)
      limit_line = header_line;
    if(i)
      len += (size_t)snprintf(text + len, cap - len, "[step s%d]\ndo=chime\n", i);
    else
      len += (size_t)snprintf(text + len, cap - len, "[step a]\ndo=chime\n");
    header_line += 2;
  }
  CHECK(len < ROUTINE_FILE_MAX_BYTES);
  write_file(path, text, len);
  free(text);
  expect_refused(path, COACH_E_INVALID, limit_line, "more than 256 steps");
  unlink(path);
}

static void too_big(const char *tmp)
{
  char path[8192];
  snprintf(path, sizeof(path), "%s/too_big.ini", tmp);
  size_t len = ROUTINE_FILE_MAX_BYTES + 1;
  char *text = malloc(len);
  CHECK(text != NULL);
  if(!text)
    return;
  memset(text, '\n', len);
  memcpy(text, head, sizeof(head) - 1);
  write_file(path, text, len);
  free(text);
  expect_refused(path, COACH_E_INVALID, 0, "more than 256 KiB");
  unlink(path);
}

static void unreadable(const char *tmp)
{
  char path[8192];
  snprintf(path, sizeof(path), "%s/no-such-routine.ini", tmp);
  expect_refused(path, COACH_E_IO, 0, "No such file or directory");
  snprintf(path, sizeof(path), "%s/a-folder.ini", tmp);
  CHECK(mkdir(path, 0700) == 0 || errno == EEXIST);
  expect_refused(path, COACH_E_IO, 0, "is a directory; give the path of a routine .ini file");
  rmdir(path);
}

int main(void)
{
  const char *data = getenv("COACH_TEST_DATA");
  char dir[4096];
  snprintf(dir, sizeof(dir), "%s/bad", data ? data : "tests/data");
  int files = run_fixtures(dir);
  CHECKF(files >= 40, "only %d bad routine files in %s", files, dir);

  const char *env_tmp = getenv("COACH_TEST_TMP");
  char tmp[4096];
  snprintf(tmp, sizeof(tmp), "%s/bad_routines.XXXXXX", env_tmp ? env_tmp : "/tmp");
  if(env_tmp)
    mkdir(env_tmp, 0700);
  CHECKF(mkdtemp(tmp) != NULL, "mkdtemp %s: %s", tmp, strerror(errno));
  nul_byte(tmp);
  control_character(tmp);
  ten_thousand_steps(tmp);
  too_big(tmp);
  unreadable(tmp);
  rmdir(tmp);
  printf("%d fixture files\n", files);
  return check_done();
}
