/* routine — the routine model and its loader (INI lines through ini_line.h).
 *
 * A routine is one INI file: a [routine] section (title, summary, voice, language, length
 * range, the top-level step order), [step NAME] sections and optionally a [cues] section
 * (cues.h). Steps either produce sound (say, hold, breathe, pause, chime, wait) or group
 * other steps (sides, repeat). config/ROUTINES.md is the user-facing description of the
 * format; keep both in step.
 *
 * The words the engine says on its own (cues.h) are the routine's [cues], completed from the
 * table of its language, config/cues/LANG.ini (found through paths.h): a loaded routine has
 * all of them, and its steps' defaults (halfway, switch, sides) are filled in from them.
 *
 * Loading is all-or-nothing: routine_load() either returns a complete, validated routine or
 * none, with every problem found recorded as file:line diagnostics.
 *
 * Ownership: a routine owns every string and array it points to; routine_free() releases all
 * once the last reference (routine_hold) is dropped. Pure code (reads one file, no other
 * effects); any thread; a loaded routine is read-only, so threads may share it.
 */
#ifndef COACH_ROUTINE_H
#define COACH_ROUTINE_H

#include <stdbool.h>
#include <stdint.h>

#include "coach_error.h"
#include "cues.h"
#include "duration.h"
#include "voice_engine.h"

/* Bounds. Every one is checked by the loader with a clear error. */
#define ROUTINE_FILE_MAX_BYTES (256 * 1024)
#define ROUTINE_TEXT_MAX 2000     /* bytes of one spoken text after joining continuations */
#define ROUTINE_NAME_MAX 48       /* bytes of a step name or routine name */
#define ROUTINE_STEPS_MAX 256     /* [step] sections in one file */
#define ROUTINE_CHILDREN_MAX 32   /* names in one steps = list */
#define ROUTINE_REMINDERS_MAX 16
#define ROUTINE_HOLD_REMINDERS_MAX 2 /* said at a quarter and three quarters of a hold */
#define ROUTINE_SIDES_MAX CUES_SIDES_MAX
#define ROUTINE_REPEAT_MAX 50
#define ROUTINE_NEST_MAX 4        /* depth of sides/repeat blocks */
#define ROUTINE_COUNT_MAX CUES_COUNT /* seconds counted down at the end of a hold */
#define ROUTINE_BREATHS_MAX 1000
#define ROUTINE_SESSION_MAX_MS (4LL * 60 * 60 * 1000) /* whole expanded session */

/* The for = value that means "the session's chosen length". */
#define ROUTINE_FOR_LENGTH (-1)

/* A wait step's quiet in a render, unless it says otherwise (for = ...): the 10-15 s a stiff
 * person needs for a change of position, at its upper end. */
#define ROUTINE_WAIT_DEFAULT_MS 15000
/* Quiet after a sides step's switch cue and a repeat step's text, unless `after` says. */
#define ROUTINE_SWITCH_AFTER_MS 1500
#define ROUTINE_ROUND_AFTER_MS 1000

typedef enum step_kind {
  STEP_SAY,     /* speak text, then `after` of quiet */
  STEP_HOLD,    /* a timed hold: start cue, halfway cue, last seconds counted, end chime */
  STEP_BREATHE, /* paced breathing by tones, spoken guidance at first, reminders */
  STEP_PAUSE,   /* quiet for a time */
  STEP_CHIME,   /* one soft chime */
  STEP_SIDES,   /* run children once per side, with a switch cue between sides */
  STEP_REPEAT,  /* run children `times` times */
  STEP_WAIT,    /* speak text, then wait for the person to carry on (timeline.h) */
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

  /* say and wait: what is spoken. hold: the start cue. sides: the switch cue. repeat: spoken
   * between rounds (may be NULL). Texts may contain {side} (sides), {n}/{times} (repeat) and
   * {minutes}/{seconds} (the chosen length), which the timeline substitutes. */
  char *text;
  int64_t after_ms;  /* say: quiet after the speech, default 1000; sides: after the switch
                      * cue, ROUTINE_SWITCH_AFTER_MS; repeat: after its text,
                      * ROUTINE_ROUND_AFTER_MS */

  int64_t for_ms;    /* hold, pause, breathe: duration, or ROUTINE_FOR_LENGTH; wait: the quiet
                      * a render puts in place of the wait; 0 when unset */

  /* hold */
  char *halfway;     /* spoken at half time; NULL for none. Default: the cue word */
  int count;         /* last seconds counted aloud, default 5; 0 for none */

  /* breathe */
  breath_pattern pattern;
  int breaths;       /* breathe by count instead of for_ms when > 0 */
  int guide;         /* breaths with spoken "in"/"out", default 3 */
  int64_t remind_ms; /* breathe: longest time between reminders; 0: no reminders */
  char **reminders;  /* breathe: spoken in turn (timeline.h); hold: at a quarter and three
                      * quarters of it, when there is room */
  bool *remind_on_in; /* breathe: reminder i starts with an in-breath ("in:" in the file),
                       * else with an out-breath */
  int n_reminders;

  /* sides and repeat: indices into routine.steps */
  int *children;
  int n_children;
  char **sides;      /* side labels for {side}, default the cue words' */
  int n_sides;
  int times;         /* repeat */
} routine_step;

typedef struct routine {
  char *name;        /* the file's stem: "rest" for rest.ini */
  char *path;
  char *title;
  char *summary;
  voice_settings voice;
  char *language;    /* of its words, "en" unless the file says */
  cue_words cues;    /* complete: every key set */
  bool has_length;   /* some step uses for = length */
  int64_t length_ms, min_length_ms, max_length_ms;
  int *sequence;     /* top-level order: indices into steps */
  int n_sequence;
  routine_step *steps;
  int n_steps;
  int holds;         /* references beyond the first (routine_hold); atomic */
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

/* Drops a reference to r; the last one frees it. NULL is fine. Any thread. */
void routine_free(routine *r);

/* Another reference to r, for a thread that may outlive the caller's (coachd's speech thread
 * lays out a session while a reload may drop the routine from the library). Any thread. */
routine *routine_hold(const routine *r);

/* Picks the session length: text NULL gives the default (0 for a routine without an
 * adjustable length). Outside [min,max], or a routine without an adjustable length given one,
 * is COACH_E_INVALID with a message naming the range in why ("1m30s is outside kneel's range
 * of 30s to 1m"); *length_ms is then untouched. why may be NULL. */
coach_rc routine_choose_length(const routine *r, const char *text, int64_t *length_ms,
                               char *why, size_t why_len);

/* Sentences longer than this are hard to follow lying down, eyes closed (routine_advice). */
#define ROUTINE_SENTENCE_WORDS 15

/* Advice on a routine that loads: what it says that a listener may find hard to follow (a
 * sentence of more than ROUTINE_SENTENCE_WORDS words), one diagnostic per sentence at its
 * step's line ([routine]'s for cue words). `coach check` prints them as warnings. Initialises
 * advice with the routine's path; returns how many there are. */
int routine_advice(const routine *r, coach_diag *advice);

/* True when name is a safe routine name: 1..ROUTINE_NAME_MAX bytes of [a-z0-9_-], not
 * starting with '-'. Anything else (slashes, "..", spaces) is refused before any path is
 * built from it. */
bool routine_name_valid(const char *name);

const char *step_kind_name(step_kind k);

#endif
