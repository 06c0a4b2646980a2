# coachd short of file descriptors or address space: every refusal is a clean ACK that says
# why, the daemon never dies, a playing session goes on while clients are turned away, and
# once the pressure is gone everything works again.
#   1. ulimit -n 16: too few descriptors even for the audio stream.
#   2. ulimit -n 24: a session plays, and 20 clients at once exhaust the rest.
#   3. address space: ulimit -v 300 MB from the start; then limits set on a running daemon
#      (prlimit), 1 MB apart around the least in which a session starts, a fresh daemon each.
# coachd runs under a small wrapper that closes descriptors inherited from the test's shell
# (so the limits mean the same everywhere) and sets the limit before exec.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
REAL_COACHD=$COACHD_BIN
cat >"$T/limited" <<'SH'
#!/bin/bash
for fd in $(ls /proc/$$/fd); do
  [ "$fd" -gt 2 ] && [ "$fd" -ne 255 ] && eval "exec $fd>&-"
done
[ -n "${LIMIT_OPT:-}" ] && { ulimit "$LIMIT_OPT" "$LIMIT_VALUE" || exit 99; }
exec "$REAL_COACHD" "$@"
SH
chmod +x "$T/limited"
export REAL_COACHD
COACHD_BIN=$T/limited
pulse_start || { echo "cannot start PulseAudio" >&2; exit 1; }
rec=$T/rec.raw
record_start "$rec" || exit 1

alive() { kill -0 "$DAEMON_PID" 2>/dev/null; }
sanitized() { grep -qa '__asan_init\|__msan_init\|__tsan_init' "$REAL_COACHD"; }
nfds() { ls "/proc/$DAEMON_PID/fd" | wc -l; }
# clients N: N clients connect at once and stay 2 s without a word; afterwards each one's
# first line is in $T/c.I. Returns once all have gone.
clients() {
  local i pids=
  rm -f "$T"/c.*
  for i in $(seq "$1"); do
    sleep 2 | timeout 10 socat - UNIX-CONNECT:"$COACH_SOCKET" 2>/dev/null | head -n 1 >"$T/c.$i" &
    pids="$pids $!"
  done
  sleep 1
  during
  for i in $pids; do wait "$i"; done
}
during() { :; } # what to do while the clients are connected
# The first lines the clients got, as "N greeting, N refused, N other".
tally() {
  local g r o
  g=$(cat "$T"/c.* | grep -cx 'OK coach 1')
  r=$(cat "$T"/c.* | grep -cx 'ACK \[10\] {} coachd is out of file descriptors')
  o=$(($(ls "$T"/c.* | wc -l) - g - r))
  echo "$g greeting, $r refused, $o other"
}

# --- 1. ulimit -n 16 ---------------------------------------------------------------------------
export LIMIT_OPT=-n LIMIT_VALUE=16
check "coachd starts under ulimit -n 16" daemon_start
check "its limit is 16 descriptors" grep -Eq '^Max open files +16 ' "/proc/$DAEMON_PID/limits"
during() { # coach itself, while the descriptors are gone: an answer or a clean refusal
  out=$(timeout 5 "$COACH_BIN" ping 2>&1)
  rc=$?
}
clients 20
t=$(tally)
check "20 clients at once: each got the greeting or ACK [10] out of file descriptors ($t)" \
  sh -c "echo '$t' | grep -q ', 0 other$'"
check "... and some were refused" sh -c "! echo '$t' | grep -q ', 0 refused'"
check "coach ping meanwhile: OK, or exit 1 with the reason ($out)" \
  sh -c "[ $rc -eq 0 ] || { [ $rc -eq 1 ] && echo \"\$1\" | grep -q 'out of file descriptors'; }" _ "$out"
check "the log says it is out of file descriptors" \
  grep -q "out of file descriptors: refusing new connections until some close" "$T/coachd.log"
check "the daemon is alive" alive
check "once they are gone, it answers again" coach ping
out=$(timeout 20 "$COACH_BIN" start steady 2>&1)
rc=$?
check "start under ulimit -n 16: plays, or a clean ACK (exit $rc: $out)" \
  sh -c "[ $rc -eq 0 ] || { [ $rc -eq 1 ] && echo \"\$1\" | grep -q '^coach: ' && ! echo \"\$1\" | grep -q 'without an answer'; }" _ "$out"
if [ "$rc" -ne 0 ]; then
  check "start under ulimit -n 16: the error names file descriptors, not a missing sound server" \
    sh -c "echo \"\$1\" | grep -qi 'file descriptor\|too many open files'" _ "$out"
fi
check "the daemon is alive after start" alive
check "and answers status" sh -c "'$COACH_BIN' status | grep -q '^state: '"
daemon_stop
check "it stops cleanly on SIGTERM (exit $DAEMON_EXIT)" test "$DAEMON_EXIT" -eq 0

# --- 2. ulimit -n 24: a session plays while clients exhaust the descriptors ----------------------
export LIMIT_VALUE=24
check "coachd starts under ulimit -n 24" daemon_start
t0=$(record_ms)
check "a session starts under ulimit -n 24" coach start steady
check "and plays" wait_for state playing
record_wait_ms $((t0 + 2000))
during() { # a command that cannot get through must be refused, not lost
  out=$(timeout 5 "$COACH_BIN" stop 2>&1)
  rc=$?
}
ta=$(record_ms)
clients 20
tb=$(record_ms)
t=$(tally)
check "20 clients while playing: each got the greeting or ACK [10] ($t)" \
  sh -c "echo '$t' | grep -q ', 0 other$'"
check "... and some were refused" sh -c "! echo '$t' | grep -q ', 0 refused'"
check "coach stop meanwhile: done, or refused with the reason ($out)" \
  sh -c "[ $rc -eq 0 ] || { [ $rc -eq 1 ] && echo \"\$1\" | grep -q 'out of file descriptors'; }" _ "$out"
if [ "$rc" -ne 0 ]; then
  check "the refused stop did not stop the session" test "$(status_of state)" = playing
  check "the session was heard throughout, no dropout" soundstat -q 1500 "$rec" gaps "$ta" "$tb"
  check "no underruns" test "$(status_of underruns)" = 0
fi
check "once the clients are gone: stop works" sh -c "'$COACH_BIN' stop >/dev/null 2>&1 || [ \"\$('$COACH_BIN' status | sed -n 's/^state: //p')\" = stopped ]"
# One cycle first: the speech worker it starts lives on for a while (speech_queue.h) with its
# socket; a leak is what grows with each further cycle.
"$COACH_BIN" start steady >/dev/null 2>&1 && wait_for state playing 5 >/dev/null 2>&1
"$COACH_BIN" stop >/dev/null 2>&1
wait_for state stopped >/dev/null 2>&1
sleep 0.5
n0=$(nfds)
for i in 1 2 3 4 5; do
  "$COACH_BIN" start steady >/dev/null 2>&1 && wait_for state playing 5 >/dev/null 2>&1
  "$COACH_BIN" stop >/dev/null 2>&1
done
wait_for state stopped >/dev/null 2>&1
sleep 0.5
check "five start/stop cycles under the limit leak no descriptor ($n0 -> $(nfds))" test "$(nfds)" -le "$n0"
t0=$(record_ms)
check "and a session starts again" coach start steady
record_wait_ms $((t0 + 1500))
check "and is heard" soundstat "$rec" loud-between "$t0" $((t0 + 1500))
check "the daemon is alive" alive
daemon_stop
check "it stops cleanly on SIGTERM (exit $DAEMON_EXIT)" test "$DAEMON_EXIT" -eq 0

# --- 3. address space --------------------------------------------------------------------------
if sanitized; then
  echo "skip: address-space limits: coachd is built with a sanitizer, which reserves terabytes"
  record_stop
  finish
  exit $?
fi
export LIMIT_OPT=-v LIMIT_VALUE=300000
if daemon_start 2>/dev/null; then
  ok "coachd starts under ulimit -v 300000 (300 MB)"
  out=$(timeout 20 "$COACH_BIN" start steady 2>&1)
  rc=$?
  check "start under 300 MB: plays, or a clean ACK (exit $rc: $out)" \
    sh -c "[ $rc -eq 0 ] || { [ $rc -eq 1 ] && echo \"\$1\" | grep -q '^coach: ' && ! echo \"\$1\" | grep -q 'without an answer'; }" _ "$out"
  check "the daemon is alive after start under 300 MB" alive
  check "and answers status" sh -c "'$COACH_BIN' status | grep -q '^state: '"
  daemon_stop
  check "it stops cleanly on SIGTERM (exit $DAEMON_EXIT)" test "$DAEMON_EXIT" -eq 0
else
  wait "$DAEMON_PID" 2>/dev/null
  code=$?
  DAEMON_PID=
  check "coachd under ulimit -v 300000 cannot start: it exits with a message, not a signal ($code)" \
    test "$code" -ge 1 -a "$code" -lt 128
fi

if ! command -v prlimit >/dev/null; then
  echo "skip: the address-space sweep needs prlimit (util-linux)"
  record_stop
  finish
  exit $?
fi
unset LIMIT_OPT LIMIT_VALUE
# limited KB: a fresh coachd whose address space is limited to KB once it runs (so it starts
# as usual, and every later allocation, thread and stream meets the limit).
limited() {
  daemon_start >/dev/null 2>&1 || return 1
  prlimit --pid "$DAEMON_PID" --as=$(($1 * 1024)):
}
# died: true (and reaped, its exit status in code) when the daemon is gone.
died() {
  alive && return 1
  wait "$DAEMON_PID" 2>/dev/null
  code=$?
  DAEMON_PID=
  return 0
}
# The least address space (to 1 MB) in which a session starts: between the idle daemon's size
# and what a session takes unconstrained.
daemon_start
idle_kb=$(awk '/^VmSize:/ { print $2 }' "/proc/$DAEMON_PID/status")
"$COACH_BIN" start steady >/dev/null
wait_for state playing >/dev/null
play_kb=$(awk '/^VmSize:/ { print $2 }' "/proc/$DAEMON_PID/status")
daemon_stop
lo=$idle_kb hi=$((play_kb + 1000)) dead=
while [ $((hi - lo)) -gt 1000 ]; do
  mid=$(((lo + hi) / 2))
  limited "$mid" || break
  if timeout 20 "$COACH_BIN" start steady >/dev/null 2>&1; then hi=$mid; else lo=$mid; fi
  if died; then dead="$dead ${mid}kB:start-steady:exit-$code"; else daemon_stop; fi
done
echo "VmSize: $idle_kb kB idle, $play_kb kB playing; a session starts from $hi kB"

# Around that threshold, 1 MB apart: steady, then rest, then full, on one fresh daemon each.
# Near the limit each start either plays or is refused cleanly; none may kill the daemon.
t0=$(date +%s) runs=0 refused=0
for lim in $(seq $((hi - 3000)) 1000 $((hi + 20000))); do
  runs=$((runs + 1))
  limited "$lim" || { dead="$dead ${lim}kB:no-start"; continue; }
  for r in steady rest full; do
    out=$(timeout 20 "$COACH_BIN" start "$r" 2>&1)
    rc=$?
    if died; then
      dead="$dead ${lim}kB:start-$r:exit-$code:$(tail -n 1 "$T/coachd.log" | tr ' ' _)"
      break
    fi
    if [ "$rc" -ne 0 ]; then
      refused=$((refused + 1))
      echo "$out" | grep -q '^coach: ' || dead="$dead ${lim}kB:start-$r:unclean-answer"
    fi
  done
  [ -n "$DAEMON_PID" ] && daemon_stop
done
echo "address-space sweep: $runs limits, $refused starts refused cleanly, $(($(date +%s) - t0)) s"
check "no crash at any address-space limit tried, $(((hi - 3000) / 1000)) to $(((hi + 20000) / 1000)) MB:${dead:- none}" \
  test -z "$dead"
record_stop
finish
