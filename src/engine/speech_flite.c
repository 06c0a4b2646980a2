#include "speech_flite.h"

#include <dlfcn.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flite/flite.h>

#include "speech.h" /* SPEECH_DEFAULT_RATE */

/* The flite calls used, found in the voice library's handle (dlsym searches the libraries it
 * needs: libflite, libflite_usenglish, libflite_cmulex). */
typedef struct flite_api {
  int (*init)(void);
  cst_wave *(*text_to_wave)(const char *text, cst_voice *voice);
  void (*delete_wave)(cst_wave *w);
  void (*feat_set_float)(cst_features *f, const char *name, float v);
} flite_api;

struct flite_voice {
  const char *name;
  cst_voice *voice;
  flite_api api;
};

/* flite's voice libraries: libflite_cmu_us_NAME.so.1 (the soname since flite 2.0), each with
 * register_cmu_us_NAME(). */
static flite_voice voices[] = {{.name = "kal"}, {.name = "kal16"}, {.name = "awb"},
                               {.name = "rms"}, {.name = "slt"}};
#define N_VOICES (sizeof(voices) / sizeof(voices[0]))

static bool flite_ready; /* flite_init() has run (once per process) */

/* dlsym's void * as a function pointer: POSIX makes it work; memcpy keeps ISO C quiet. */
static bool symbol(void *lib, const char *name, void *fn, size_t size)
{
  void *p = dlsym(lib, name);
  if(p)
    memcpy(fn, &p, size);
  return p != NULL;
}

static coach_rc load(flite_voice *v, char *why, size_t why_len)
{
  char soname[64], reg[64];
  snprintf(soname, sizeof(soname), "libflite_cmu_us_%s.so.1", v->name);
  snprintf(reg, sizeof(reg), "register_cmu_us_%s", v->name);
  void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if(!lib) {
    const char *e = dlerror();
    coach_why(why, why_len, "the flite voice %s cannot be loaded (%s): install flite's "
              "libraries (Debian: libflite1)", v->name, e ? e : soname);
    return COACH_E_SPEECH;
  }
  cst_voice *(*register_voice)(const char *voxdir) = NULL;
  flite_api api = {0};
  if(!symbol(lib, reg, &register_voice, sizeof(register_voice)) ||
     !symbol(lib, "flite_init", &api.init, sizeof(api.init)) ||
     !symbol(lib, "flite_text_to_wave", &api.text_to_wave, sizeof(api.text_to_wave)) ||
     !symbol(lib, "delete_wave", &api.delete_wave, sizeof(api.delete_wave)) ||
     !symbol(lib, "feat_set_float", &api.feat_set_float, sizeof(api.feat_set_float))) {
    coach_why(why, why_len, "%s lacks flite's calls (%s, flite_text_to_wave...): install "
              "flite 2.x (Debian: libflite1)", soname, reg);
    dlclose(lib);
    return COACH_E_SPEECH;
  }
  if(!flite_ready) {
    api.init();
    flite_ready = true;
  }
  cst_voice *voice = register_voice(NULL);
  if(!voice) {
    coach_why(why, why_len, "the flite voice %s could not be set up", v->name);
    return COACH_E_SPEECH; /* the library stays: flite may hold on to it */
  }
  v->voice = voice;
  v->api = api;
  return COACH_OK;
}

coach_rc flite_voice_get(const char *name, flite_voice **out, char *why, size_t why_len)
{
  if(!name[0] || !strncmp(name, "en", 2))
    name = FLITE_DEFAULT_VOICE;
  for(size_t i = 0; i < N_VOICES; i++) {
    if(strcmp(voices[i].name, name))
      continue;
    if(!voices[i].voice) {
      coach_rc rc = load(&voices[i], why, why_len);
      if(rc)
        return rc;
    }
    *out = &voices[i];
    return COACH_OK;
  }
  coach_why(why, why_len, "flite has no voice \"%s\" (its voices: " FLITE_VOICES ")", name);
  return COACH_E_NOTFOUND;
}

void flite_voice_set(flite_voice *v, int rate, int pitch)
{
  v->api.feat_set_float(v->voice->features, "duration_stretch",
                        (float)SPEECH_DEFAULT_RATE / (float)(rate > 0 ? rate : SPEECH_DEFAULT_RATE));
  v->api.feat_set_float(v->voice->features, "f0_shift", (float)pow(2.0, (pitch - 50) / 100.0));
}

coach_rc flite_voice_synth(flite_voice *v, const char *text, int16_t **samples, size_t *n,
                           int *rate)
{
  cst_wave *w = v->api.text_to_wave(text, v->voice);
  if(!w || w->num_samples < 0 || w->sample_rate <= 0 || w->num_channels != 1) {
    if(w)
      v->api.delete_wave(w);
    return COACH_E_SPEECH;
  }
  size_t len = (size_t)w->num_samples;
  int16_t *pcm = malloc((len ? len : 1) * sizeof(*pcm));
  if(!pcm) {
    v->api.delete_wave(w);
    return COACH_E_NOMEM;
  }
  memcpy(pcm, w->samples, len * sizeof(*pcm));
  *rate = w->sample_rate;
  v->api.delete_wave(w);
  *samples = pcm;
  *n = len;
  return COACH_OK;
}
