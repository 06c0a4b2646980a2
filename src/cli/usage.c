/* cli_usage, compiled into both coach and coach-offline.so: the module cannot call back into
 * the program, which exports no symbols. */
#include <stdio.h>

#include "cli.h"

int cli_usage(const cli_command *cmd)
{
  fprintf(stderr, "usage: coach %s %s\n", cmd->name, cmd->args);
  return 2;
}
