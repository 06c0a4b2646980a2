/* voice_name — what may be written as a voice: the one rule for routine files (routine.c),
 * coach.ini (config.c) and the speech engine (engine/speech.c), so that a name one of them
 * accepts is never refused by another.
 *
 * A voice is an eSpeak NG voice, by its language name ("en-us", "de") or by its file under
 * eSpeak's voices ("gmw/en-US"), optionally with a variant ("en-us+f3", "en+klatt"), or the
 * name of a voice file in coach's voices folder ("calm"). So a name is one or more parts
 * separated by '/', then optionally '+' and a variant, which is one part; a part is letters,
 * digits, '-', '_' and '.', beginning with a letter or a digit. At most VOICE_NAME_MAX bytes:
 * eSpeak NG copies names into 60-byte buffers.
 *
 * Nothing else is a voice: no spaces, no empty part, no part beginning with '.' or '-' (so
 * never "..", a path out of the voices folder, or something an option parser would take for
 * an option). Whether such a voice exists is the speech engine's to find out.
 *
 * Pure; any thread.
 */
#ifndef COACH_VOICE_NAME_H
#define COACH_VOICE_NAME_H

#include <stdbool.h>

#define VOICE_NAME_MAX 59

/* What the rule allows, for messages: "... is not a voice name (" VOICE_NAME_HELP ")". */
#define VOICE_NAME_HELP                                                                      \
  "write an eSpeak NG voice such as en-us, gmw/en-US or en-us+f3, or the name of a file in " \
  "voices/"

/* True when name follows the rule above. NULL is not a name. */
bool voice_name_valid(const char *name);

#endif
