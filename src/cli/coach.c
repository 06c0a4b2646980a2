/* coach — the command a user types: the daemon commands are sent to coachd (client.c), the
 * offline ones run in coach-offline.so, loaded on demand (offline_load.c; cli.h says why). */
#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "cli.h"

/* Sorted by name, as `coach help` lists them. */
static const cli_command *const commands[] = {
    &cli_cmd_check,  &cli_cmd_history, &cli_cmd_list,   &cli_cmd_listen, &cli_cmd_pause,
    &cli_cmd_ping,   &cli_cmd_reload,  &cli_cmd_remind, &cli_cmd_render, &cli_cmd_resume,
    &cli_cmd_say,    &cli_cmd_show,    &cli_cmd_skip,   &cli_cmd_start,  &cli_cmd_status,
    &cli_cmd_stop,   &cli_cmd_volume,  &cli_cmd_watch,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_help(FILE *to)
{
  fprintf(to, "usage: coach COMMAND [ARGS]\n\n");
  for(size_t i = 0; i < N_COMMANDS; i++) {
    char head[80];
    snprintf(head, sizeof(head), "%s %s", commands[i]->name, commands[i]->args);
    fprintf(to, "  %-36s %s\n", head, commands[i]->help);
  }
  fprintf(to, "\nEvery command, exit status, file and example: man coach\n");
}

int main(int argc, char **argv)
{
  if(argc < 2) {
    print_help(stderr);
    return 2;
  }
  if(!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
    print_help(stdout);
    return 0;
  }
  if(!strcmp(argv[1], "--version")) {
    printf("coach %s\n", COACH_VERSION);
    return 0;
  }
  for(size_t i = 0; i < N_COMMANDS; i++)
    if(!strcmp(argv[1], commands[i]->name))
      return commands[i]->run(commands[i], argc - 1, argv + 1);
  fprintf(stderr, "coach: unknown command \"%s\" (coach help lists them)\n", argv[1]);
  return 2;
}
