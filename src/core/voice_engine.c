#include "voice_engine.h"

#include <string.h>

static const char *const names[] = {
  [VOICE_ENGINE_UNSET] = "",
  [VOICE_ENGINE_ESPEAK] = "espeak",
  [VOICE_ENGINE_FLITE] = "flite",
};

bool voice_engine_parse(const char *name, voice_engine *out)
{
  for(int e = VOICE_ENGINE_ESPEAK; e <= VOICE_ENGINE_FLITE; e++)
    if(!strcmp(name, names[e])) {
      *out = (voice_engine)e;
      return true;
    }
  return false;
}

const char *voice_engine_name(voice_engine e)
{
  return e >= VOICE_ENGINE_UNSET && e <= VOICE_ENGINE_FLITE ? names[e] : "";
}
