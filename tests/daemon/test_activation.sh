# systemd integration without systemd: socket activation through systemd-socket-activate,
# readiness as a READY=1 datagram on $NOTIFY_SOCKET, and clean exit.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
command -v systemd-socket-activate >/dev/null || { echo "systemd-socket-activate missing"; exit 1; }
command -v socat >/dev/null || { echo "socat missing"; exit 1; }
pulse_start || exit 1

# Readiness: a datagram socket standing in for systemd's notify socket.
notify=$T/notify
socat -u UNIX-RECV:"$notify" - >"$T/notified" 2>/dev/null &
socat_pid=$!
for i in $(seq 50); do [ -S "$notify" ] && break; sleep 0.05; done

mkdir -p "$T/run"
# systemd-socket-activate passes on only the variables named with -E (the sanitizer options
# too, for .ci/sanitize; an unset one arrives empty, which means the defaults).
NOTIFY_SOCKET=$notify systemd-socket-activate -E NOTIFY_SOCKET -E PULSE_SERVER -E XDG_RUNTIME_DIR \
  -E COACH_DATA_DIR -E XDG_CONFIG_HOME -E XDG_STATE_HOME -E HOME -E ASAN_OPTIONS -E LSAN_OPTIONS -E UBSAN_OPTIONS \
  -l "$COACH_SOCKET" \
  "$COACHD_BIN" --config "$T/coach.ini" >>"$T/coachd.log" 2>&1 &
DAEMON_PID=$!
for i in $(seq 100); do [ -S "$COACH_SOCKET" ] && break; sleep 0.05; done
check "the activated socket answers (coachd started on first connection)" coach ping
check "coachd says it uses the passed socket" sh -c "for i in \$(seq 40); do grep -q 'systemd passed' '$T/coachd.log' && exit 0; sleep 0.05; done; exit 1"
check "readiness was notified" sh -c "for i in \$(seq 40); do grep -q 'READY=1' '$T/notified' && exit 0; sleep 0.05; done; exit 1"
check "it plays" coach start brief
daemon_stop
check "exit status 0 on SIGTERM" test "${DAEMON_EXIT:-1}" -eq 0
check "an activated socket file is left to systemd" test -S "$COACH_SOCKET"
kill "$socat_pid" 2>/dev/null
finish
