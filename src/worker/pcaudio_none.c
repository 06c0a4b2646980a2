/* pcaudio_none — libpcaudio's API with no device behind it, for coach-speech linked with the
 * static eSpeak NG (CMakeLists.txt).
 *
 * eSpeak NG plays through pcaudio only in its playback modes; coach-speech initialises it
 * with AUDIO_OUTPUT_SYNCHRONOUS and takes the samples itself. Debian's eSpeak NG 1.51 still
 * creates a device at initialisation, whatever the mode (seen on Debian 12): the real libpcaudio
 * then connects to the user's sound server and opens and closes a test stream there, at
 * every worker start, and maps libpulse, libasound, libsndfile with its codecs, X11, systemd
 * and more (~3.3 MB resident) into every worker. Here creating a device fails, as pcaudio
 * does without a sound server; eSpeak NG then keeps no device and, in this mode, never asks
 * for one again. Should a later eSpeak NG call the rest anyway, every call that would play
 * fails.
 *
 * The prototypes are pcaudio 1.x's (pcaudiolib/audio.h, not installed with the runtime
 * library); the format is an enum there, an int here, which the C ABI passes alike.
 */
#include <stddef.h>
#include <stdint.h>

struct audio_object;

struct audio_object *create_audio_device_object(const char *device, const char *application_name,
                                                const char *description);
int audio_object_open(struct audio_object *object, int format, uint32_t rate, uint8_t channels);
void audio_object_close(struct audio_object *object);
void audio_object_destroy(struct audio_object *object);
int audio_object_write(struct audio_object *object, const void *data, size_t bytes);
int audio_object_drain(struct audio_object *object);
int audio_object_flush(struct audio_object *object);
const char *audio_object_strerror(struct audio_object *object, int error);

#define NO_DEVICE (-1)

struct audio_object *create_audio_device_object(const char *device, const char *application_name,
                                                const char *description)
{
  (void)device;
  (void)application_name;
  (void)description;
  return NULL;
}

int audio_object_open(struct audio_object *object, int format, uint32_t rate, uint8_t channels)
{
  (void)object;
  (void)format;
  (void)rate;
  (void)channels;
  return NO_DEVICE;
}

void audio_object_close(struct audio_object *object)
{
  (void)object;
}

void audio_object_destroy(struct audio_object *object)
{
  (void)object;
}

int audio_object_write(struct audio_object *object, const void *data, size_t bytes)
{
  (void)object;
  (void)data;
  (void)bytes;
  return NO_DEVICE;
}

int audio_object_drain(struct audio_object *object)
{
  (void)object;
  return 0;
}

int audio_object_flush(struct audio_object *object)
{
  (void)object;
  return 0;
}

const char *audio_object_strerror(struct audio_object *object, int error)
{
  (void)object;
  (void)error;
  return "no audio device: coach-speech only synthesises";
}
