# Many clients at once while a session plays: all answered, playback undisturbed; a client
# that sends and never reads does not stall others; the client exits with the server's verdict.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
setup
check "start" coach start steady
check "playing" wait_for state playing

# 40 clients, 25 commands each, at the same time.
pids=
for c in $(seq 40); do
  (for i in $(seq 25); do printf 'status\nping\n'; done) |
    socat -t 5 - UNIX-CONNECT:"$COACH_SOCKET" >"$T/client.$c" 2>&1 &
  pids="$pids $!"
done
for p in $pids; do wait "$p" || true; done
answered=$(cat "$T"/client.* | grep -c '^OK$')
# Each client: 50 replies ending in OK (the greeting is "OK coach 1").
check "every command answered ($answered of $((40 * 50)))" test "$answered" -eq $((40 * 50))

# A client that floods and never reads does not stop the others.
(for i in $(seq 20000); do echo status; done; sleep 3) | socat -t 5 - UNIX-CONNECT:"$COACH_SOCKET" >/dev/null 2>&1 &
flood=$!
sleep 0.5
check "others are served during a flood" coach ping
check "still playing" test "$(status_of state)" = playing
kill "$flood" 2>/dev/null
check "no underruns under load" test "$(status_of underruns)" = 0

# Exit statuses for scripts.
coach pause >/dev/null; check "OK gives exit 0" test $? -eq 0
coach pause >/dev/null 2>&1; check "ACK gives exit 1" test $? -eq 1
check "ACK message on stderr" sh -c "'$COACH_BIN' pause 2>&1 >/dev/null | grep -q 'already paused'"
check "garbage on the socket gets an ACK, not a crash" sh -c "printf 'x\1\2\377\n' | socat -t 2 - UNIX-CONNECT:'$COACH_SOCKET' | grep -q '^ACK \[3\]'"
check "still serving" coach ping
finish
