/* The coach.ini loader on any bytes.
 *
 * Properties checked besides "no crash, no leak, no undefined behaviour":
 *   - all or nothing: a refusal leaves cfg byte for byte as it was and says at least one
 *     thing; an acceptance says nothing;
 *   - an accepted configuration is within every documented bound, every string ends inside
 *     its array, and loading the same bytes again gives the same configuration.
 * "~/" paths need $HOME: it is set for odd-sized inputs and unset for even ones, so both ways
 * are explored and each input always runs the same way.
 * Seeds: tests/data/config and config/coach.ini (see tests/fuzz/run). */
#include <string.h>

#include "config.h"
#include "fuzz.h"

static void check_string(const char *s, size_t size)
{
  FUZZ_ASSERT(memchr(s, '\0', size) != NULL);
}

static void check_config(const coach_config *c)
{
  check_string(c->output, sizeof(c->output));
  FUZZ_ASSERT(!strcmp(c->output, "auto") || !strcmp(c->output, "pulse") ||
              !strcmp(c->output, "portaudio"));
  FUZZ_ASSERT(c->volume >= 0 && c->volume <= 100);
  FUZZ_ASSERT(c->give_up_ms >= 1000 && c->give_up_ms <= 24 * 60 * 60 * 1000);
  check_string(c->pulse_device, sizeof(c->pulse_device));
  check_string(c->portaudio_device, sizeof(c->portaudio_device));
  FUZZ_ASSERT(c->period_ms >= 2 && c->period_ms <= 50);
  check_string(c->voice.name, sizeof(c->voice.name));
  FUZZ_ASSERT(c->voice.name[0] != '\0');
  FUZZ_ASSERT(c->voice.rate >= 80 && c->voice.rate <= 260);
  FUZZ_ASSERT(c->voice.pitch >= 0 && c->voice.pitch <= 100);
  FUZZ_ASSERT(c->voice.volume >= 0 && c->voice.volume <= 200);
  check_string(c->user_dir, sizeof(c->user_dir));
  FUZZ_ASSERT(c->user_dir[0] == '\0' || c->user_dir[0] == '/');
  FUZZ_ASSERT(c->n_dirs >= 0 && c->n_dirs <= CONFIG_DIRS_MAX);
  for(int i = 0; i < c->n_dirs; i++) {
    check_string(c->dirs[i], sizeof(c->dirs[i]));
    FUZZ_ASSERT(c->dirs[i][0] == '/');
  }
  check_string(c->socket, sizeof(c->socket));
  FUZZ_ASSERT(c->log_level >= CONFIG_LOG_ERROR && c->log_level <= CONFIG_LOG_DEBUG);
  FUZZ_ASSERT(strcmp(config_log_level_name(c->log_level), "unknown") != 0);
  FUZZ_ASSERT(c->max_clients >= 1 && c->max_clients <= 64);
  FUZZ_ASSERT(c->remind.every_ms >= 0 && c->remind.every_ms <= DURATION_MAX_MS);
  FUZZ_ASSERT(c->remind.from_min >= 0 && c->remind.from_min < REMIND_DAY_MINUTES);
  FUZZ_ASSERT(c->remind.to_min >= 0 && c->remind.to_min <= REMIND_DAY_MINUTES);
  FUZZ_ASSERT(c->remind.from_min != c->remind.to_min);
  FUZZ_ASSERT(c->remind.days != 0 && c->remind.days <= 0x7F);
  check_string(c->remind.routine, sizeof(c->remind.routine));
  FUZZ_ASSERT(routine_name_valid(c->remind.routine));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static coach_config cfg, before, again;
  static coach_diag diag;
  char line[COACH_DIAG_MSG + 300];

  if(size & 1)
    setenv("HOME", "/home/fuzz", 1);
  else
    unsetenv("HOME");

  memset(&cfg, 0xa5, sizeof(cfg));
  before = cfg;
  coach_rc rc = config_load_buffer((const char *)data, size, "fuzz.ini", &cfg, &diag);
  for(int i = 0; i < diag.count && i < COACH_DIAG_MAX; i++) {
    coach_diag_format(&diag, i, line, sizeof(line));
    FUZZ_ASSERT(strlen(line) < sizeof(line));
  }
  if(rc != COACH_OK) {
    FUZZ_ASSERT(memcmp(&cfg, &before, sizeof(cfg)) == 0);
    FUZZ_ASSERT(diag.count > 0);
    return 0;
  }
  FUZZ_ASSERT(diag.count == 0);
  check_config(&cfg);
  /* Starts from the defaults whatever cfg held before: the same bytes, the same result. */
  config_defaults(&again);
  again.volume = 3;
  FUZZ_ASSERT(config_load_buffer((const char *)data, size, "fuzz.ini", &again, &diag) ==
              COACH_OK);
  FUZZ_ASSERT(memcmp(&again, &cfg, sizeof(cfg)) == 0);
  return 0;
}
