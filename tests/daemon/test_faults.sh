# Faults a daemon in someone's home meets: no sound server at all, the sound server killed
# mid-session and never brought back (test_recovery.sh has it back), coachd killed with SIGKILL
# (stale socket), a second coachd.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"

# No output device: PulseAudio is not running, so ALSA's default has nowhere to go.
export PULSE_SERVER=unix:$T/no-such-server
daemon_start || exit 1
out=$(coach start steady 2>&1)
check "start without a device fails" test $? -ne 0
check "the error says there is no device ($out)" sh -c "echo '$out' | grep -qi 'device'"
check "the daemon keeps running" coach ping
check "status shows the error" sh -c "'$COACH_BIN' status | grep -qi '^error: .*device'"
daemon_stop

# The sound server is killed mid-session and does not come back: the session waits for it,
# stop works while waiting, and a session left waiting ends after give_up_after with an error
# that says what happened. The daemon keeps serving throughout.
sed -i '/^\[audio\]/a give_up_after = 3s' "$T/coach.ini"
pdir=$T/pulse
pulse_start "$pdir" || exit 1
daemon_start || exit 1
check "start plays" coach start steady
check "playing" wait_for state playing
sleep 1
pulse_kill
check "losing the server makes the session wait" wait_for state waiting 10
check "the daemon keeps serving" coach ping
check "stop works while waiting" coach stop
check "stopped" wait_for state stopped
pulse_start "$pdir" || exit 1
check "start plays again" coach start steady
check "playing again" wait_for state playing
sleep 1
pulse_kill
check "waiting again" wait_for state waiting 10
check "after give_up_after it ends in the error state" wait_for state error 10
check "the error says what happened" \
  sh -c "'$COACH_BIN' status | grep -q '^error: the sound output was lost .* did not come back within 3 s'"
check "the daemon keeps serving" coach ping
check "start without the server fails cleanly" sh -c "! '$COACH_BIN' start steady 2>/dev/null"
pulse_start "$pdir" || exit 1
rec=$T/rec.raw
record_start "$rec" || exit 1
t=$(record_ms)
check "start after the server is back plays" coach start steady
record_wait_ms $((t + 1000))
check "and it is heard" soundstat "$rec" loud-between "$t" $((t + 1000))
check "status playing again" wait_for state playing
coach stop >/dev/null

# coachd killed outright leaves its socket file behind; the next coachd takes over.
kill -9 "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
check "a killed coachd leaves a stale socket" test -S "$COACH_SOCKET"
check "a new coachd starts over the stale socket" daemon_start
first=$DAEMON_PID

# A second coachd on a live socket refuses and leaves the first unharmed.
"$COACHD_BIN" --config "$T/coach.ini" >"$T/second.log" 2>&1
check "a second coachd exits with an error" test $? -ne 0
check "it says another is listening" grep -q "another coachd is already listening" "$T/second.log"
check "the first still answers" coach ping
check "the first still plays" sh -c "'$COACH_BIN' start brief && '$COACH_BIN' status | grep -q 'state: playing'"

# SIGTERM: fade out, remove the socket, exit 0.
kill -TERM "$first"; wait "$first"; code=$?; DAEMON_PID=
check "SIGTERM exits 0 (got $code)" test "$code" -eq 0
check "SIGTERM removes the socket" test ! -e "$COACH_SOCKET"
finish
