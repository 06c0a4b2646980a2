/* speaker_in_process — score.h's speaker for speech in this process (coach render and show).
 *
 * Not in score.c: an object of its own in the static library, so that a program that speaks
 * only through a worker (coachd, speaker_worker) does not link speech.c, and with
 * --as-needed does not map eSpeak NG at all. */
#include "score.h"

static coach_rc in_process_set_voice(void *ctx, const voice_settings *v, char *why,
                                     size_t why_len)
{
  return speech_set_voice(ctx, v, why, why_len);
}

static coach_rc in_process_synth(void *ctx, const char *text, int16_t **samples,
                                 int64_t *length, int *rate)
{
  return speech_synth(ctx, text, samples, length, rate);
}

static const char *in_process_last_error(const void *ctx)
{
  return speech_last_error(ctx);
}

speaker speaker_in_process(speech *sp)
{
  return (speaker){.ctx = sp, .set_voice = in_process_set_voice, .synth = in_process_synth,
                   .last_error = in_process_last_error};
}
