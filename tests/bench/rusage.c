/* rusage — runs a command and reports what it cost, for benchmarks on machines without GNU
 * time (Debian's `time` package):
 *
 *   rusage CMD [ARGS...]
 *
 * The command's stdout and stderr pass through; after it ends one line goes to stderr:
 *   rusage wall_s 0.912 user_s 0.610 sys_s 0.050 maxrss_kb 32648 status 0
 * Exit status: the command's (128 + signal if killed), 127 if it could not be run.
 * maxrss is the kernel's high-water mark of the child's resident set (wait4), as `time -v`.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timespec t)
{
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double tv(struct timeval t)
{
  return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
  if(argc < 2) {
    fputs("usage: rusage CMD [ARGS...]\n", stderr);
    return 2;
  }
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  pid_t pid = fork();
  if(pid < 0) {
    perror("rusage: fork");
    return 127;
  }
  if(pid == 0) {
    execvp(argv[1], argv + 1);
    perror("rusage: exec");
    _exit(127);
  }
  int status;
  struct rusage ru;
  if(wait4(pid, &status, 0, &ru) != pid) {
    perror("rusage: wait4");
    return 127;
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  fprintf(stderr, "rusage wall_s %.3f user_s %.3f sys_s %.3f maxrss_kb %ld status %d\n",
          seconds(b) - seconds(a), tv(ru.ru_utime), tv(ru.ru_stime), ru.ru_maxrss, code);
  return code;
}
