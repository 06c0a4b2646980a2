/* timeline — a routine at a chosen length, laid out as cues at exact frame offsets.
 *
 * The timeline is the one schedule of a session: `coach show` prints it, `coach render`
 * mixes it into a file, coachd mixes it into the sound card, status reads positions from it.
 * Every time is a frame count at the mix rate; nothing is ever measured in wall-clock time.
 *
 * Layout needs the length of every spoken clip, so timeline_build() asks a speak function
 * for each text (the engine synthesises it; unit tests pass a stand-in). It is otherwise pure.
 *
 * Shape of a session: an opening chime (TIMELINE_LEAD_IN_MS, needs no speech, so playback can
 * begin before any speech is ready), the routine's steps in order, a closing chime. Every
 * text is spoken a sentence at a time, TIMELINE_SENTENCE_GAP_MS apart.
 *
 * Waiting for the person (a step of kind STEP_WAIT, `do = wait` in a routine): the step's
 * text is spoken from its start; wait_at is the frame right after it. Live playback stops
 * there (the text has been heard, nothing more plays) until the person carries on: `coach
 * resume`, `coach skip` or any other control does. It then goes on from the step's end
 * (start + frames), leaving out the quiet between wait_at and the end. That quiet, the step's
 * `for` (ROUTINE_WAIT_DEFAULT_MS unless the routine says), is what a render (`coach render`,
 * `coach show`) and the timeline's own clock put in place of the wait, so every frame
 * position stays fixed: only live playback skips it. No cue lies in that quiet.
 *
 * Ownership: a timeline owns its arrays and strings; timeline_free() releases all. Read-only
 * after build, so any number of threads may read one concurrently.
 */
#ifndef COACH_TIMELINE_H
#define COACH_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "coach_error.h"
#include "routine.h"

#define TIMELINE_LEAD_IN_MS 1500   /* opening chime before the first step */
#define TIMELINE_TAIL_MS 3000      /* closing chime rings out */
#define TIMELINE_HOLD_LEAD_MS 400  /* quiet between a hold's spoken cue and its start chime */
/* Quiet between the sentences of one text: each sentence is a cue of its own (sentence.h),
 * since the voice itself cannot be asked for a pause (eSpeak NG 1.51 misparses SSML breaks). */
#define TIMELINE_SENTENCE_GAP_MS 600
#define TIMELINE_STEPS_MAX 5000    /* expanded steps */
#define TIMELINE_CUES_MAX 100000

typedef enum cue_kind {
  CUE_SPEECH,      /* a clip */
  CUE_BREATH_IN,   /* rising tone over the in-breath */
  CUE_BREATH_OUT,  /* falling tone over the out-breath */
  CUE_CHIME,       /* transition chime */
  CUE_CHIME_START, /* a hold begins: its frame is the hold's first frame */
  CUE_CHIME_END,   /* a hold ends: its frame is the hold's start + its length, exactly */
} cue_kind;

typedef struct cue {
  int64_t start;     /* first frame */
  int64_t frames;    /* how long it sounds */
  cue_kind kind;
  int clip;          /* CUE_SPEECH: id from the speak function */
  int step;          /* index into timeline.steps */
  const char *text;  /* CUE_SPEECH: what is said (owned by the timeline); else NULL */
} cue;

typedef struct timeline_step {
  int64_t start, frames;
  const char *label;   /* for people: "hold (left side)", "lift 2 of 5" (owned) */
  const char *name;    /* the routine step's name, "" for the opening and closing */
  step_kind kind;
  /* breathe: the cycles, first cycle starts at breath_start */
  breath_pattern pattern;
  int cycles;
  int64_t breath_start;
  /* hold: the exact hold, from start chime to end chime */
  int64_t hold_start, hold_frames;
  /* wait: where live playback waits for the person; the rest of the step is the quiet a
   * render puts in the wait's place (see above) */
  int64_t wait_at;
} timeline_step;

typedef struct timeline {
  int rate;
  int64_t frames;          /* total length */
  cue *cues;               /* sorted by start */
  size_t n_cues;
  int64_t longest_cue;     /* frames of the longest cue, bounds the mixer's search */
  timeline_step *steps;    /* in order, contiguous, covering [0, frames) */
  size_t n_steps;
  char *title;
  struct timeline_strings *strings; /* private */
} timeline;

/* Gives the clip for text: its id (for cue.clip) and length in frames at the mix rate.
 * Called once per distinct text. Returns COACH_OK or an error that aborts the build. */
typedef coach_rc (*timeline_speak_fn)(void *ctx, const char *text, int *clip_id,
                                      int64_t *frames);

/* Lays out r at length_ms (from routine_choose_length) at rate frames per second.
 * On success *out owns a new timeline. On failure *out is untouched and why says what
 * went wrong (e.g. a session over ROUTINE_SESSION_MAX_MS). */
coach_rc timeline_build(const routine *r, int64_t length_ms, int rate, timeline_speak_fn speak,
                        void *speak_ctx, timeline **out, char *why, size_t why_len);

void timeline_free(timeline *t);

/* Index of the step playing at frame (the last step for frames past the end). */
size_t timeline_step_at(const timeline *t, int64_t frame);

/* The index of the first cue that may still sound at frame: cues are sorted by start and none
 * is longer than longest_cue, so nothing starting before frame - longest_cue reaches it
 * (n_cues when none can). Bisection: the mixer calls it for every block. */
size_t timeline_first_cue_near(const timeline *t, int64_t frame);

/* "in", "hold", "out" while a breathe step plays at frame, else NULL. */
const char *timeline_breath_phase(const timeline *t, int64_t frame);

/* Where a session carries on after its sound was lost at frame, so the listener never comes
 * back into the middle of something: the start of a hold step (its spoken cue, then its count
 * again from the start), of the breath (whole cycle) or of the spoken line playing at frame;
 * frame itself in the quiet between them. Never after frame. */
int64_t timeline_resume_point(const timeline *t, int64_t frame);

static inline int64_t timeline_ms_to_frames(int64_t ms, int rate)
{
  return ms * rate / 1000;
}

#endif
