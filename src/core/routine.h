/* routine — the routine model and its loader (INI through inih).
 *
 * A routine is one INI file: a [routine] section (title, summary, voice, length range, the
 * top-level step order) and [step NAME] sections. Steps either produce sound (say, hold,
 * breathe, pause, chime) or group other steps (sides, repeat). config/ROUTINES.md is the
 * user-facing description of the format; keep both in step.
 *
 * Loading is all-or-nothing: routine_load() either returns a complete, validated routine or
 * none, with every problem found recorded as file:line diagnostics.
 *
 * Ownership: a routine owns every string and array it points to; routine_free() releases all.
 * Pure code (reads one file, no other effects); any thread, one routine per thread at a time.
 */
#ifndef COACH_ROUTINE_H
#define COACH_ROUTINE_H

#include <stdbool.h>
#include <stdint.h>

#include "coach_error.h"
#include "duration.h"
#include "voice_engine.h"

/* Bounds. Every one is checked by the loader with a clear error. */
#define ROUTINE_FILE_MAX_BYTES (256 * 1024)
#define ROUTINE_LINE_MAX 190      /* bytes; inih cuts longer lines (see PLATFORM.md) */
#define ROUTINE_TEXT_MAX 2000     /* bytes of one spoken text after joining continuations */
#define ROUTINE_NAME_MAX 48       /* bytes of a step name or routine name */
#define ROUTINE_STEPS_MAX 256     /* [step] sections in one file */
#define ROUTINE_CHILDREN_MAX 32   /* names in one steps = list */
#define ROUTINE_REMINDERS_MAX 16
#define ROUTINE_SIDES_MAX 4
#define ROUTINE_REPEAT_MAX 50
#define ROUTINE_NEST_MAX 4        /* depth of sides/repeat blocks */
#define ROUTINE_COUNT_MAX 10      /* seconds counted down at the end of a hold */
#define ROUTINE_BREATHS_MAX 1000
#define ROUTINE_SESSION_MAX_MS (4LL * 60 * 60 * 1000) /* whole expanded session */

/* The for = value that means "the session's chosen length". */
#define ROUTINE_FOR_LENGTH (-1)

typedef enum step_kind {
  STEP_SAY,     /* speak text, then `after` of quiet */
  STEP_HOLD,    /* a timed hold: start cue, halfway cue, last seconds counted, end chime */
  STEP_BREATHE, /* paced breathing by tones, spoken guidance at first, reminders */
  STEP_PAUSE,   /* quiet for a time */
  STEP_CHIME,   /* one soft chime */
  STEP_SIDES,   /* run children once per side, with a switch cue between sides */
  STEP_REPEAT,  /* run children `times` times */
} step_kind;

/* Voice settings; a field left at -1 (or empty name, VOICE_ENGINE_UNSET) inherits the
 * daemon's default. */
typedef struct voice_settings {
  char name[64]; /* eSpeak NG voice name ("en-us") or a voice file in voices/; a flite voice */
  int rate;      /* words per minute, 80..260 */
  int pitch;     /* 0..100 */
  int volume;    /* eSpeak amplitude, 0..200 */
  voice_engine engine;
} voice_settings;

typedef struct routine_step {
  char *name;
  int line;          /* line of the [step NAME] header, for later diagnostics */
  step_kind kind;

  /* say: what is spoken. hold: the start cue. sides: the switch cue. repeat: spoken between
   * rounds (may be NULL). Texts may contain {side} (sides) and {n}/{times} (repeat), which the
   * timeline substitutes. */
  char *text;
  int64_t after_ms;  /* say: quiet after the speech; default 1000 */

  int64_t for_ms;    /* hold, pause, breathe: duration, or ROUTINE_FOR_LENGTH; 0 when unset */

  /* hold */
  char *halfway;     /* spoken at half time; NULL for none. Default "Halfway." */
  int count;         /* last seconds counted aloud, default 5; 0 for none */

  /* breathe */
  breath_pattern pattern;
  int breaths;       /* breathe by count instead of for_ms when > 0 */
  int guide;         /* breaths with spoken "in"/"out", default 3 */
  int64_t remind_ms; /* 0: no reminders */
  char **reminders;  /* spoken in turn every remind_ms */
  int n_reminders;

  /* sides and repeat: indices into routine.steps */
  int *children;
  int n_children;
  char **sides;      /* side labels for {side}, default "left", "right" */
  int n_sides;
  int times;         /* repeat */
} routine_step;

typedef struct routine {
  char *name;        /* the file's stem: "rest" for rest.ini */
  char *path;
  char *title;
  char *summary;
  voice_settings voice;
  bool has_length;   /* some step uses for = length */
  int64_t length_ms, min_length_ms, max_length_ms;
  int *sequence;     /* top-level order: indices into steps */
  int n_sequence;
  routine_step *steps;
  int n_steps;
} routine;

/* Loads and validates path. On success *out owns a new routine and COACH_OK is returned;
 * diag may still be empty. On failure *out is untouched, nothing is left allocated, every
 * problem is in diag (file, line, what is wrong, what to do) and the rc says the class
 * (COACH_E_IO unreadable, COACH_E_INVALID bad content, COACH_E_NOMEM).
 * diag is initialised here (coach_diag_init with path); it may be NULL. */
coach_rc routine_load(const char *path, routine **out, coach_diag *diag);

/* Same, from memory; name is the routine name and display_path what diagnostics call it. */
coach_rc routine_load_buffer(const char *data, size_t len, const char *name,
                             const char *display_path, routine **out, coach_diag *diag);

void routine_free(routine *r);

/* Picks the session length: text NULL gives the default (0 for a routine without an
 * adjustable length). Outside [min,max], or a routine without an adjustable length given one,
 * is COACH_E_INVALID with a message naming the range in why ("1m30s is outside kneel's range
 * of 30s to 1m"); *length_ms is then untouched. why may be NULL. */
coach_rc routine_choose_length(const routine *r, const char *text, int64_t *length_ms,
                               char *why, size_t why_len);

/* True when name is a safe routine name: 1..ROUTINE_NAME_MAX bytes of [a-z0-9_-], not
 * starting with '-'. Anything else (slashes, "..", spaces) is refused before any path is
 * built from it. */
bool routine_name_valid(const char *name);

const char *step_kind_name(step_kind k);

#endif
