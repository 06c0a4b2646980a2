/* coach_offline_run — the way into coach-offline.so and the one symbol it exports (cli.h says
 * why the offline commands are a module; offline_load.c is the other side). */
#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "offline.h"

/* Declared through the typedef the caller casts dlsym() to, so the two cannot drift apart. */
__attribute__((visibility("default"))) cli_offline_run_fn coach_offline_run;

int coach_offline_run(const char *version, const cli_command *cmd, int argc, char **argv)
{
  static const struct {
    const char *name;
    int (*run)(const cli_command *self, int argc, char **argv);
  } bodies[] = {
      {"check", cli_run_check},
      {"history", cli_run_history},
      {"list", cli_run_list},
      {"render", cli_run_render},
      {"show", cli_run_show},
  };
  /* A coach and a module of different versions: a partial install or upgrade. The table
   * entry passed in is only known to match this module's cli.h within one version. */
  if(strcmp(version, COACH_VERSION) != 0) {
    fprintf(stderr, "coach: the offline commands are from coach %s, this is coach %s "
                    "(reinstall coach)\n", COACH_VERSION, version);
    return 1;
  }
  for(size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
    if(!strcmp(cmd->name, bodies[i].name))
      return bodies[i].run(cmd, argc, argv);
  fprintf(stderr, "coach: the offline commands have no \"%s\" (reinstall coach)\n", cmd->name);
  return 1;
}
