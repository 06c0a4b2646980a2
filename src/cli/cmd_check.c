/* coach check FILE... — validate routine files without playing them, and warn of what a
 * listener may find hard to follow (routine_advice). */
#include <stdio.h>

#include "offline.h"

int cli_run_check(const cli_command *self, int argc, char **argv)
{
  if(argc < 2)
    return cli_usage(self);
  int bad = 0;
  for(int i = 1; i < argc; i++) {
    coach_diag d;
    routine *r = NULL;
    coach_diag_init(&d, argv[i]);
    if(routine_load(argv[i], &r, &d) != COACH_OK) {
      cli_print_diag(&d);
      bad++;
      continue;
    }
    printf("%s: ok: %s, %d steps\n", argv[i], r->title, r->n_steps);
    /* Advice does not fail the check: the file is right, but could be easier to follow. */
    coach_diag advice;
    int n = routine_advice(r, &advice);
    fflush(stdout); /* its ok line first, even when both go to one pipe */
    for(int k = 0; k < n && k < COACH_DIAG_MAX; k++)
      fprintf(stderr, "%s:%d: warning: %s\n", advice.file, advice.entries[k].line,
              advice.entries[k].message);
    routine_free(r);
  }
  if(bad)
    fprintf(stderr, "coach: %d of %d files have problems\n", bad, argc - 1);
  return bad ? 1 : 0;
}
