# pulse.sh — a private PulseAudio server with a null sink, and a recorder of what it plays,
# for tests of real playback on machines without sound hardware. Source it from a test:
#
#   . "$COACH_SOURCE_DIR/tests/harness/pulse.sh"
#   trap pulse_stop EXIT
#   pulse_start || exit 1                 # exports XDG_RUNTIME_DIR, PULSE_SERVER, PULSE_MONITOR
#   record_start "$tmp/rec.raw"           # s16le, 48000 Hz, mono, no header
#   t_play=$(record_ms)                   # ms into the recording, right now
#   ... send the daemon a command ...
#   record_stop
#   soundstat "$tmp/rec.raw" onset-after "$t_play"   # $COACH_SOUNDSTAT, see soundstat.c
#
# Time in a test is "ms since the recording began", read from the size of the recording file
# at the moment a command is sent (record_ms); so the script and the analysis share one clock
# and no wall-clock time is compared with audio time.
#
# The null sink plays in real time (unlike ALSA's null and file PCMs) and ALSA's "default"
# device goes to this server when libasound2-plugins is installed and PULSE_SERVER points at a
# running server when the client initialises (the ALSA hook checks only then: start the server
# before the program under test). Works as root (PulseAudio warns, and runs). A watcher kills
# the server and the recorder if the test's shell dies without calling pulse_stop (a ctest
# timeout), so no server outlives its test.
#
# Needs: pulseaudio, pulseaudio-utils (pactl, parec), libasound2-plugins.

PULSE_SINK_NAME=${PULSE_SINK_NAME:-coach_test}

# The analysis tool (tests/harness/soundstat.c), built by CMake; its path comes from ctest.
soundstat() {
  "${COACH_SOUNDSTAT:?COACH_SOUNDSTAT is not set (the soundstat tool built by CMake)}" "$@"
}
PULSE_RATE=48000

# pulse_start [DIR]: starts the server with its runtime dir, state and log under DIR (default:
# a new directory under $COACH_TEST_TMP or $TMPDIR or /tmp). Returns 1, with the server's log
# on stderr, when it does not come up within 10 s. PULSE_UNPACED=1: no pacer (below), so the
# null sink behaves as one that nobody records: slow to ask for audio.
pulse_start() {
  local base=${COACH_TEST_TMP:-${TMPDIR:-/tmp}} i
  if [ -n "${1:-}" ]; then
    PULSE_DIR=$1
    mkdir -p "$PULSE_DIR" || return 1
  else
    mkdir -p "$base" && PULSE_DIR=$(mktemp -d "$base/pulse.XXXXXX") || return 1
  fi
  # A unix socket path must fit in 108 bytes; deep build trees do not.
  if [ ${#PULSE_DIR} -gt 80 ]; then
    PULSE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/coach-pulse.XXXXXX") || return 1
  fi
  mkdir -p "$PULSE_DIR/run/pulse" "$PULSE_DIR/state" && chmod 700 "$PULSE_DIR/run" || return 1

  export XDG_RUNTIME_DIR=$PULSE_DIR/run
  export PULSE_SERVER=unix:$PULSE_DIR/run/pulse/native
  export PULSE_MONITOR=$PULSE_SINK_NAME.monitor
  # The server keeps its cookie and state here, not in the real home; clients need no cookie
  # because the socket accepts anonymous clients.
  export PULSE_STATE_PATH=$PULSE_DIR/state
  export PULSE_COOKIE=$PULSE_DIR/state/cookie

  # No realtime, no nice, no CPU limiter: under a sanitizer or a loaded CI machine the limiter
  # would kill the server mid-test. -n: none of the system's default.pa (no hardware probing).
  HOME=$PULSE_DIR/state pulseaudio -n --daemonize=no --use-pid-file=no --system=no \
    --exit-idle-time=-1 --realtime=no --high-priority=no --no-cpu-limit=yes \
    --log-target=stderr \
    --load="module-native-protocol-unix auth-anonymous=1 socket=$PULSE_DIR/run/pulse/native" \
    --load="module-null-sink sink_name=$PULSE_SINK_NAME rate=$PULSE_RATE" \
    </dev/null >>"$PULSE_DIR/pulse.log" 2>&1 &
  PULSE_PID=$!

  for i in $(seq 100); do
    if ! kill -0 "$PULSE_PID" 2>/dev/null; then
      break
    fi
    if pactl info >/dev/null 2>&1; then
      pactl set-default-sink "$PULSE_SINK_NAME" >/dev/null 2>&1
      [ "${PULSE_UNPACED:-0}" = 1 ] || _pulse_pace
      _pulse_watch
      return 0
    fi
    sleep 0.1
  done
  echo "pulse_start: PulseAudio did not come up; its log ($PULSE_DIR/pulse.log):" >&2
  tail -n 20 "$PULSE_DIR/pulse.log" >&2
  kill -9 "$PULSE_PID" 2>/dev/null
  wait "$PULSE_PID" 2>/dev/null
  PULSE_PID=
  return 1
}

# A null sink that nobody listens to renders in 2 s blocks: a client that starts playing
# waits up to 2 s for its first request (a stalled callback, which a watchdog takes for a
# dead server), and a recorder's first bytes come that late. A sound card does not behave so.
# A "pacer" reading the monitor at 5 ms latency keeps the sink ticking every few ms; the
# suspend/resume restarts the sink's timer, already armed for 2 s, at that latency.
_pulse_pace() {
  local i
  parec -d "$PULSE_MONITOR" --raw --latency-msec=5 >/dev/null 2>>"$PULSE_DIR/parec.log" &
  PULSE_PACER_PID=$!
  for i in $(seq 50); do
    pactl list short source-outputs 2>/dev/null | grep -q . && break
    sleep 0.01
  done
  pactl suspend-sink "$PULSE_SINK_NAME" 1 >/dev/null 2>&1
  pactl suspend-sink "$PULSE_SINK_NAME" 0 >/dev/null 2>&1
}

# Kills the server and the recorder when this shell goes away without pulse_stop.
_pulse_watch() {
  local shell=$$ pulse=$PULSE_PID pacer=$PULSE_PACER_PID dir=$PULSE_DIR
  [ -n "${PULSE_WATCH_PID:-}" ] && kill "$PULSE_WATCH_PID" 2>/dev/null
  (
    trap - EXIT
    while kill -0 "$shell" 2>/dev/null; do sleep 1; done
    [ -f "$dir/rec.pid" ] && kill -9 "$(cat "$dir/rec.pid")" 2>/dev/null
    kill -9 "$pacer" "$pulse" 2>/dev/null
  ) </dev/null >/dev/null 2>&1 &
  PULSE_WATCH_PID=$!
}

# pulse_stop: stops the recorder and the server (TERM, then KILL after 3 s). Safe to call
# twice, or when nothing was started (so it can be the EXIT trap).
pulse_stop() {
  local i
  record_stop
  if [ -n "${PULSE_WATCH_PID:-}" ]; then
    kill "$PULSE_WATCH_PID" 2>/dev/null
    wait "$PULSE_WATCH_PID" 2>/dev/null
    PULSE_WATCH_PID=
  fi
  _pulse_unpace
  if [ -n "${PULSE_PID:-}" ]; then
    kill "$PULSE_PID" 2>/dev/null
    for i in $(seq 30); do
      kill -0 "$PULSE_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$PULSE_PID" 2>/dev/null
    wait "$PULSE_PID" 2>/dev/null
    PULSE_PID=
  fi
  return 0
}

# pulse_kill: SIGKILL to the server, as a crash would (fault tests). The recorder dies with
# its connection; call record_stop anyway. pulse_start may be called again afterwards (a new
# directory, so a new socket path: export the new PULSE_SERVER to what you start next).
pulse_kill() {
  if [ -n "${PULSE_PID:-}" ]; then
    kill -9 "$PULSE_PID" 2>/dev/null
    wait "$PULSE_PID" 2>/dev/null
    PULSE_PID=
  fi
  _pulse_unpace
  return 0
}

_pulse_unpace() {
  if [ -n "${PULSE_PACER_PID:-}" ]; then
    kill "$PULSE_PACER_PID" 2>/dev/null
    wait "$PULSE_PACER_PID" 2>/dev/null
    PULSE_PACER_PID=
  fi
}

# record_start FILE: records the null sink's monitor into FILE as raw s16le 48000 Hz mono, and
# returns once the first bytes are in the file (so record_ms is meaningful at once).
record_start() {
  local i
  REC_FILE=$1
  record_stop
  : >"$REC_FILE" || return 1
  # 1 ms fragments: the file grows in small steps, so its size is a clock good to ~1 ms
  # (p95; 5 ms fragments give ~5 ms). Data the recorder misses under load is dropped by the
  # server, which keeps marks and sound consistent with each other.
  parec -d "$PULSE_MONITOR" --format=s16le --rate=$PULSE_RATE --channels=1 --raw \
    --latency-msec=1 >"$REC_FILE" 2>>"$PULSE_DIR/parec.log" &
  REC_PID=$!
  echo "$REC_PID" >"$PULSE_DIR/rec.pid"
  for i in $(seq 100); do
    [ -s "$REC_FILE" ] && return 0
    kill -0 "$REC_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "record_start: parec did not start recording $PULSE_MONITOR" >&2
  tail -n 5 "$PULSE_DIR/parec.log" >&2
  record_stop
  return 1
}

# record_ms: milliseconds of audio recorded so far (2 bytes a frame, 48 frames a ms).
record_ms() {
  local bytes
  bytes=$(stat -c %s "$REC_FILE" 2>/dev/null) || bytes=0
  echo $((bytes / 96))
}

# record_wait_ms MS: waits until the recording is at least MS ms long (at most MS/1000 + 5 s
# of wall time). Lets a test wait in audio time rather than with sleep.
record_wait_ms() {
  local want=$1 deadline=$((SECONDS + $1 / 1000 + 5))
  while [ "$(record_ms)" -lt "$want" ]; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.01
  done
  return 0
}

# record_stop: ends the recording (the file keeps what was recorded). Safe to call twice.
record_stop() {
  if [ -n "${REC_PID:-}" ]; then
    kill "$REC_PID" 2>/dev/null
    wait "$REC_PID" 2>/dev/null
    REC_PID=
    rm -f "$PULSE_DIR/rec.pid"
  fi
  return 0
}
