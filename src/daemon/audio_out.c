#include "audio_out.h"

#include <string.h>

static const audio_out_ops *const outputs[] = {&audio_out_pulse, &audio_out_portaudio};

const audio_out_ops *audio_out_find(const char *name)
{
  for(size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++)
    if(name && !strcmp(outputs[i]->name, name))
      return outputs[i];
  return NULL;
}

void audio_out_shutdown(void)
{
  for(size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++)
    if(outputs[i]->shutdown)
      outputs[i]->shutdown();
}
