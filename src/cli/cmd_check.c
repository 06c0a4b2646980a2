/* coach check FILE... — validate routine files without playing them. */
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
    routine_free(r);
  }
  if(bad)
    fprintf(stderr, "coach: %d of %d files have problems\n", bad, argc - 1);
  return bad ? 1 : 0;
}
