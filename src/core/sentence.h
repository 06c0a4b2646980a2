/* sentence — where a spoken text's sentences end, and how many words they have.
 *
 * The timeline speaks each sentence of a text as a line of its own with a pause between
 * (timeline.h), rather than asking the voice for pauses: eSpeak NG 1.51 misparses the SSML
 * <break> that would do it, so timed silence belongs on our own timeline. `coach check` counts
 * the words of each sentence, since a listener lying down follows short sentences best.
 *
 * A sentence ends at '.', '!' or '?' (or a run of them, as in "..." or "?!"), or at '…', '。',
 * '！' or '？', together with any closing quotes or brackets after it, when a space or the end
 * of the text follows: "1.5" or "e.g.," do not end one. Spaces around a sentence are not part
 * of it. Words are runs of characters between spaces.
 *
 * Pure; any thread; no allocation.
 */
#ifndef COACH_SENTENCE_H
#define COACH_SENTENCE_H

#include <stddef.h>

/* The next sentence of text at or after *pos: *start and *len give it (without the spaces
 * around it) and *pos moves past it. Returns 0 when no sentence is left (only spaces). */
int sentence_next(const char *text, size_t *pos, size_t *start, size_t *len);

/* Words in s[0..len). */
int sentence_words(const char *s, size_t len);

#endif
