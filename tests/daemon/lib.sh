# lib.sh — what every daemon test shares: a private PulseAudio server with a null sink, a
# private coachd with its own socket and settings, and small helpers. Source it:
#   . "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
#   setup                 # pulse + coachd; everything is cleaned up on exit
# Every test gets its own directory, socket and server: tests run in parallel safely.
set -u
. "$COACH_SOURCE_DIR/tests/harness/pulse.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/coach-test.XXXXXX")
export COACH_SOCKET=$T/run/socket
export COACH_DATA_DIR=$COACH_SOURCE_DIR
export COACH_NO_AUTOSTART=1
export XDG_CONFIG_HOME=$T/config
export XDG_STATE_HOME=$T/state # the practice log (history.h): never the real user's
# coachd's MPD listener is beside its control socket (src/daemon/mpd_server.h); mpc and
# python-mpd2 read MPD_HOST.
export MPD_HOST=$T/run/mpd.socket
# No session bus unless a test brings its own (test_mpris.sh runs under dbus-run-session and
# sets COACH_TEST_DBUS=1): a test's coachd must never reach the desktop bus of whoever runs
# the suite, nor fight another test's coachd for its name there.
[ -n "${COACH_TEST_DBUS:-}" ] || export DBUS_SESSION_BUS_ADDRESS=unix:path=$T/no-session-bus
mkdir -p "$T/config/coach/routines"
# COACH_TEST_OUTPUT: the sound output coachd plays through (ctest runs the playback tests
# once for each: tests/CMakeLists.txt); auto when unset. The portaudio output is fed in 20 ms
# periods here rather than 5: with 2-period device buffers, a loaded 2-core machine running
# the suite two tests at a time (and under ASan) starved the 5 ms one into real dropouts.
cat >"$T/coach.ini" <<INI
[audio]
output = ${COACH_TEST_OUTPUT:-auto}
[routines]
dirs = $COACH_SOURCE_DIR/tests/data/routines
[daemon]
log_level = debug
[portaudio]
period_ms = 20
INI

passed=0
failed=0
DAEMON_PID=

ok() { passed=$((passed + 1)); echo "ok: $*"; }
not_ok() { failed=$((failed + 1)); echo "FAILED: $*"; [ -f "$T/coachd.log" ] && tail -n 20 "$T/coachd.log" | sed 's/^/  log: /'; }
# check "what" command...: passes when the command succeeds.
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

coach() { "$COACH_BIN" "$@"; }

# The value of one status field.
status_of() { "$COACH_BIN" status 2>/dev/null | sed -n "s/^$1: //p"; }

# wait_for FIELD VALUE [SECONDS]: until status shows it (default 10 s).
wait_for() {
  local i
  for i in $(seq $((${3:-10} * 20))); do
    [ "$(status_of "$1")" = "$2" ] && return 0
    sleep 0.05
  done
  echo "  status $1 is \"$(status_of "$1")\", not \"$2\"" >&2
  return 1
}

# COACH_DAEMON_WRAPPER: a command coachd runs under, split into words (test_valgrind.sh sets
# it to valgrind). DAEMON_PID is then the wrapper's, which valgrind's is too: it runs coachd
# in its own process, so signals and the exit status are coachd's. COACH_DAEMON_START_S: how
# long coachd may take to answer (default 10 s; much longer under valgrind).
daemon_start() {
  # shellcheck disable=SC2086 # the wrapper is a command line, split on purpose
  ${COACH_DAEMON_WRAPPER:-} "$COACHD_BIN" --config "$T/coach.ini" "$@" >>"$T/coachd.log" 2>&1 &
  DAEMON_PID=$!
  local i
  for i in $(seq $((${COACH_DAEMON_START_S:-10} * 20))); do
    "$COACH_BIN" ping >/dev/null 2>&1 && return 0
    kill -0 "$DAEMON_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "coachd did not come up:" >&2
  cat "$T/coachd.log" >&2
  return 1
}

daemon_stop() {
  if [ -n "$DAEMON_PID" ]; then
    kill "$DAEMON_PID" 2>/dev/null
    wait "$DAEMON_PID" 2>/dev/null
    DAEMON_EXIT=$?
    DAEMON_PID=
  fi
}

cleanup() {
  daemon_stop
  pulse_stop
  rm -rf "$T"
}
trap cleanup EXIT

setup() {
  pulse_start || { echo "cannot start PulseAudio" >&2; exit 1; }
  daemon_start || exit 1
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
