/* voice_engine — which speech synthesiser speaks a voice: eSpeak NG (every language, the
 * default) or flite (US English only, clearer: README "Intelligibility").
 *
 * The one list of engine names, read by the config loader ([voice] engine), the routine
 * loader (engine in [routine]) and speech. Pure; any thread.
 */
#ifndef COACH_VOICE_ENGINE_H
#define COACH_VOICE_ENGINE_H

#include <stdbool.h>

typedef enum voice_engine {
  VOICE_ENGINE_UNSET = 0, /* inherits (voice_merge); eSpeak NG when nobody chose */
  VOICE_ENGINE_ESPEAK,
  VOICE_ENGINE_FLITE,
} voice_engine;

#define VOICE_ENGINE_CHOICES "espeak or flite"

/* "espeak" or "flite" (exactly, lower case) into *out; false for anything else, *out
 * untouched. */
bool voice_engine_parse(const char *name, voice_engine *out);

/* "espeak", "flite", or "" for VOICE_ENGINE_UNSET. */
const char *voice_engine_name(voice_engine e);

#endif
