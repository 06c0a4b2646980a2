/* coach_error — the one error type every fallible function returns, and the list of
 * file:line diagnostics a loader fills.
 *
 * Rules (curl's): every function that can fail returns coach_rc and the caller checks it at
 * once. On failure a function leaves its out-parameters untouched unless its header says
 * otherwise, and frees whatever it allocated itself.
 *
 * Pure code; any thread may call these, each diag list belongs to one thread at a time.
 */
#ifndef COACH_ERROR_H
#define COACH_ERROR_H

#include <stddef.h>

typedef enum coach_rc {
  COACH_OK = 0,
  COACH_E_NOMEM,    /* out of memory */
  COACH_E_IO,       /* a file or socket could not be read or written */
  COACH_E_INVALID,  /* input (routine file, argument, text) is malformed or out of range */
  COACH_E_NOTFOUND, /* no such routine, file or voice */
  COACH_E_SPEECH,   /* eSpeak NG failed */
  COACH_E_DEVICE,   /* no audio device, or it was lost */
  COACH_E_LIMIT,    /* a size or count bound was reached */
  COACH_E_STATE,    /* not possible in the current state (e.g. pause when stopped) */
} coach_rc;

/* A short English phrase for rc, e.g. "out of memory". Never NULL. */
const char *coach_rc_str(coach_rc rc);

/* Writes a reason into a caller's buffer, as every function taking (char *why, size_t len)
 * does; why may be NULL or len 0, and then nothing is written. */
void coach_why(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* At most this many diagnostics are kept; more are counted but not stored. */
#define COACH_DIAG_MAX 64
#define COACH_DIAG_MSG 320

typedef struct coach_diag_entry {
  int line; /* 1-based line in the file, 0 when the problem is the whole file */
  char message[COACH_DIAG_MSG];
} coach_diag_entry;

/* Diagnostics about one file. Plain value, no heap: zero-initialise, then pass by pointer. */
typedef struct coach_diag {
  char file[256];
  int count;   /* how many problems were found, may exceed COACH_DIAG_MAX */
  coach_diag_entry entries[COACH_DIAG_MAX];
} coach_diag;

void coach_diag_init(coach_diag *d, const char *file);
/* Records "file:line: message". printf-style. */
void coach_diag_add(coach_diag *d, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Writes "FILE:LINE: MESSAGE" to buf for entry i (the form every tool prints). */
void coach_diag_format(const coach_diag *d, int i, char *buf, size_t len);

#endif
