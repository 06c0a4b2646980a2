# No client waits on another: while one client's long `say` is being made (several hundred
# ms of synthesis), other clients are answered, an `idle` client is told of a change, and the
# long say's own client gets its answer, then its next line's, in order. What is asserted is
# the order of the answers, not their timing (tests/bench/run responsive measures that).
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
command -v socat >/dev/null || { echo "socat missing"; exit 1; }
setup

long=$(awk 'BEGIN { while (length(s) < 3990) s = s "Breathe in slowly, and let it go. "; print substr(s, 1, 4000) }')

# An idle client waiting for the volume.
printf 'idle mixer\n' | socat -t 60 - UNIX-CONNECT:"$COACH_SOCKET" >"$T/idle.out" 2>&1 &
idler=$!
sleep 0.3

# The long say, with a ping after it on the same connection.
{ printf 'say "%s"\nping\n' "$long"; sleep 30; } | socat -t 60 - UNIX-CONNECT:"$COACH_SOCKET" \
  >"$T/say.out" 2>&1 &
sayer=$!
# The idle daemon runs no speech worker: one starts when the say reaches the speech thread.
for _ in $(seq 500); do
  ps --ppid "$DAEMON_PID" -o args= | grep -q '^coach-speech --wire=' && break
  sleep 0.01
done

check "another client's ping is answered while the say is being made" coach ping
check "... and so is status" sh -c "'$COACH_BIN' status | grep -q '^state: '"
check "the say has not been answered yet" test "$(grep -c . "$T/say.out")" -le 1
check "a volume change answers OK meanwhile" coach volume 40
for _ in $(seq 100); do grep -q '^OK$' "$T/idle.out" 2>/dev/null && break; sleep 0.05; done
check "the idle client was told of it" grep -q '^changed: mixer$' "$T/idle.out"
check "still before the say's answer" test "$(grep -c . "$T/say.out")" -le 1

for _ in $(seq 600); do [ "$(grep -c '^OK' "$T/say.out")" -ge 3 ] && break; sleep 0.05; done
check "the say's client gets the greeting, the say's answer, then the ping's, in order" \
  test "$(tr '\n' ' ' <"$T/say.out")" = "OK coach 1 OK OK "
check "and the line plays" wait_for state playing 5
kill "$sayer" "$idler" 2>/dev/null
wait "$sayer" "$idler" 2>/dev/null
coach stop >/dev/null 2>&1
finish
