/* The offline commands as coach's table sees them: their usage and help are here, so that
 * `coach help` and the daemon commands never touch the module; their bodies are in
 * coach-offline.so, loaded when one of them runs (cli.h says why). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "cli.h"
#include "paths.h"

/* dlerror() mostly starts with "PATH: ", and the message names the path already. */
static const char *without_path(const char *err, const char *path)
{
  size_t n = strlen(path);
  if(!strncmp(err, path, n) && !strncmp(err + n, ": ", 2))
    return err + n + 2;
  return err;
}

int cli_run_offline(const cli_command *self, int argc, char **argv)
{
  char path[PATHS_MAX];
  if(paths_offline_module(path, sizeof(path)) != COACH_OK) {
    fprintf(stderr, "coach: cannot load the offline commands: the path of %s is too long "
                    "(reinstall coach)\n", COACH_OFFLINE_MODULE_NAME);
    return 1;
  }
  /* RTLD_NOW: a missing library or symbol is one line here, not a crash halfway through a
   * command. Never closed: the process ends with the command. */
  void *module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  cli_offline_run_fn *run = module ? (cli_offline_run_fn *)dlsym(module, CLI_OFFLINE_ENTRY)
                                   : NULL;
  if(!run) {
    const char *err = dlerror();
    fprintf(stderr, "coach: cannot load the offline commands from %s: %s (reinstall coach)\n",
            path, err ? without_path(err, path) : "no entry point");
    return 1;
  }
  return run(COACH_VERSION, self, argc, argv);
}

const cli_command cli_cmd_check = {
    .name = "check",
    .args = "FILE...",
    .help = "check routine files and print every problem with its line",
    .run = cli_run_offline,
};
const cli_command cli_cmd_history = {
    .name = "history",
    .args = "[--json]",
    .help = "the sessions practised: streak, calendar, recent ones",
    .run = cli_run_offline,
};
const cli_command cli_cmd_render = {
    .name = "render",
    .args = "ROUTINE [LENGTH] -o FILE",
    .help = "write a whole session to a .wav, .flac or .ogg file",
    .run = cli_run_offline,
};
const cli_command cli_cmd_show = {
    .name = "show",
    .args = "ROUTINE [LENGTH]",
    .help = "print the session's timeline: when each cue starts and what it says",
    .run = cli_run_offline,
};
