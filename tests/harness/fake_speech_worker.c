/* fake_speech_worker — a program in coach-speech's place that is not the right one, for the
 * tests of what coachd and the speech proxy say about it (audio.speech_worker,
 * daemon.speech_missing). What it does comes from $FAKE_SPEECH_WORKER:
 *   version (default)  says hello as a worker of another wire version, then waits for EOF
 *   garbage            answers something that is not a hello, then waits for EOF
 *   exit               exits with status 7 at once, without a word
 * It runs as the proxy runs coach-speech: its socket is the descriptor in argv[2]. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "speech_wire.h"

int main(int argc, char **argv)
{
  const char *mode = getenv("FAKE_SPEECH_WORKER");
  int fd = argc > 2 ? atoi(argv[2]) : -1;
  if(fd < 3 || (mode && !strcmp(mode, "exit")))
    return 7;
  speech_wire_hello h = {.version = SPEECH_WIRE_VERSION + 1};
  memcpy(h.magic, SPEECH_WIRE_MAGIC, sizeof(h.magic));
  if(mode && !strcmp(mode, "garbage"))
    memcpy(&h, "HTTP/1.0 200 OK\r\n", sizeof(h));
  if(write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h))
    return 1;
  char buf[256];
  while(read(fd, buf, sizeof(buf)) > 0)
    ;
  return 0;
}
