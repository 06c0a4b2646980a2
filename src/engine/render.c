#include "render.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mixer.h"

#define BLOCK 4096

static int format_for(const char *path)
{
  const char *dot = strrchr(path, '.');
  if(!dot)
    return 0;
  if(!strcasecmp(dot, ".wav"))
    return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  if(!strcasecmp(dot, ".flac"))
    return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
  if(!strcasecmp(dot, ".ogg") || !strcasecmp(dot, ".oga"))
    return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
  return 0;
}

/* A path for a message: whole when short, else its end, so the reason after it always
 * fits in the caller's buffer. */
static const char *shown(const char *path, char *buf, size_t len)
{
  size_t n = strlen(path);
  if(n <= 160)
    return path;
  snprintf(buf, len, "...%s", path + n - 150);
  return buf;
}

coach_rc render_to_file(const score *s, const char *path, render_stats *stats, char *why,
                        size_t why_len)
{
  char short_path[160];
  const char *name = shown(path, short_path, sizeof(short_path));
  const timeline *t = s->timeline;
  SF_INFO info = {.samplerate = t->rate, .channels = 1, .format = format_for(path)};
  if(!info.format) {
    snprintf(why, why_len, "%s: unknown file type (use a name ending in .wav, .flac or .ogg)",
             name);
    return COACH_E_INVALID;
  }
  /* Opened here rather than by sf_open, so a failure gives the system's own reason
   * ("Is a directory", "File name too long") instead of libsndfile's paraphrase. */
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if(fd < 0) {
    snprintf(why, why_len, "%s: cannot write: %s", name, strerror(errno));
    return COACH_E_IO;
  }
  SNDFILE *f = sf_open_fd(fd, SFM_WRITE, &info, SF_TRUE);
  if(!f) {
    snprintf(why, why_len, "%s: cannot write: %s", name, sf_strerror(NULL));
    close(fd);
    unlink(path);
    return COACH_E_IO;
  }
  /* The mixer already keeps peaks below full scale; this keeps libsndfile from rescaling. */
  sf_command(f, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);
  sf_command(f, SFC_SET_CLIPPING, NULL, SF_TRUE);

  float buf[BLOCK];
  render_stats st = {0};
  coach_rc rc = COACH_OK;
  for(int64_t pos = 0; pos < t->frames; pos += BLOCK) {
    size_t n = (size_t)(t->frames - pos < BLOCK ? t->frames - pos : BLOCK);
    st.limited += mixer_render(t, &s->clips, NULL, 0, pos, buf, n);
    for(size_t i = 0; i < n; i++)
      if(fabsf(buf[i]) > st.peak)
        st.peak = fabsf(buf[i]);
    if(sf_writef_float(f, buf, (sf_count_t)n) != (sf_count_t)n) {
      snprintf(why, why_len, "%s: write failed: %s", name, sf_strerror(f));
      rc = COACH_E_IO;
      break;
    }
  }
  if(sf_close(f) != 0 && !rc) {
    snprintf(why, why_len, "%s: could not finish the file", name);
    rc = COACH_E_IO;
  }
  if(rc)
    unlink(path);
  else if(stats)
    *stats = st;
  return rc;
}
