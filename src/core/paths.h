/* paths — where coach finds its routines, voices, config and socket.
 *
 * Lookups follow the XDG base directory rules and can be pointed elsewhere by environment
 * variables, which the tests use to stay private:
 *   COACH_DATA_DIR   a folder holding routines/ and cues/ (or config/routines/ and
 *                    config/cues/) and voices/;
 *                    default: the installed share/coach, else the source tree it was built from
 *   COACH_SOCKET     the control socket; default $XDG_RUNTIME_DIR/coach/socket
 *   COACH_SPEECH_WORKER  coachd's speech worker program; default coach-speech beside the
 *                    running program (a build tree), else LIBEXECDIR/coach/coach-speech
 *   XDG_CONFIG_HOME  user config, default ~/.config: coach/coach.ini and coach/routines/
 *   XDG_STATE_HOME   user state, default ~/.local/state: coach/history (history.h)
 *
 * Every function writes into a caller's buffer and returns COACH_OK, or COACH_E_LIMIT when the
 * path does not fit, or COACH_E_NOTFOUND when nothing suitable exists (e.g. no
 * XDG_RUNTIME_DIR and no HOME). Pure apart from reading the environment, /proc/self/exe and
 * stat(); any thread.
 */
#ifndef COACH_PATHS_H
#define COACH_PATHS_H

#include <stddef.h>

#include "coach_error.h"

#define PATHS_MAX 4096
/* A Unix socket path must fit sockaddr_un.sun_path (108 bytes with its NUL) on Linux;
 * paths_socket() refuses longer ones with COACH_E_LIMIT so bind()/connect() cannot fail on it. */
#define PATHS_SOCKET_MAX 108

/* The data folder: $COACH_DATA_DIR, else the installed share/coach when that folder exists,
 * else the source tree the program was built from (running from the build tree). */
coach_rc paths_data_dir(char *buf, size_t len);

/* The shipped routines folder: DATA/routines (installed layout), else DATA/config/routines
 * (source layout; returned even when missing, so a message can name it). */
coach_rc paths_shipped_routines(char *buf, size_t len);
/* The cue words of a language (cues.h): DATA/cues/LANGUAGE.ini (installed layout), else
 * DATA/config/cues/LANGUAGE.ini (need not exist). language must be a safe name (the
 * routine loader checks it as it checks routine names). */
coach_rc paths_cue_words(const char *language, char *buf, size_t len);
/* The shipped voices folder: DATA/voices (need not exist). */
coach_rc paths_voices(char *buf, size_t len);
/* $XDG_CONFIG_HOME/coach/routines (need not exist). */
coach_rc paths_user_routines(char *buf, size_t len);
/* $XDG_CONFIG_HOME/coach/coach.ini (need not exist). */
coach_rc paths_user_config(char *buf, size_t len);
/* The installed default coach.ini: DATA/coach.ini, else DATA/config/coach.ini (need not
 * exist). */
coach_rc paths_default_config(char *buf, size_t len);
/* $XDG_STATE_HOME/coach/history, else ~/.local/state/coach/history (need not exist). */
coach_rc paths_history(char *buf, size_t len);
/* The phrases coachd listens for (phrases.h): $XDG_CONFIG_HOME/coach/phrases.conf, and the
 * shipped DATA/phrases.conf, else DATA/config/phrases.conf (neither need exist). */
coach_rc paths_user_phrases(char *buf, size_t len);
coach_rc paths_default_phrases(char *buf, size_t len);
/* The module holding coach's offline commands (render, show, check, ...): coach-offline.so beside
 * the running program when there is one (a build tree), else the installed
 * LIBDIR/coach/coach-offline.so (need not exist). */
coach_rc paths_offline_module(char *buf, size_t len);
/* coachd's speech worker program (speech_worker.h): $COACH_SPEECH_WORKER, else coach-speech
 * beside the running program when there is one (a build tree), else the installed
 * LIBEXECDIR/coach/coach-speech (need not exist). */
coach_rc paths_speech_worker(char *buf, size_t len);
/* $COACH_SOCKET, else $XDG_RUNTIME_DIR/coach/socket, else /tmp/coach-UID/socket.
 * XDG_RUNTIME_DIR and XDG_CONFIG_HOME are used only when absolute (the XDG rules say to
 * ignore relative ones). The /tmp fallback is a predictable name in a shared folder: whoever
 * creates it must make the folder 0700 and check that it owns it. */
coach_rc paths_socket(char *buf, size_t len);

#endif
