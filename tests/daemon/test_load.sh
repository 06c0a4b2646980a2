# Load while a session plays: 200 clients connect at once and each sends 1,000 commands
# (status, ping and list in turn, pipelined). The server admits max_clients (64) and refuses
# the others with "ACK [7] {} too many clients (limit 64)"; a refused client comes back until
# it is admitted, so in the end every one of the 200,000 commands is answered OK. Meanwhile
# the session plays on without an underrun or a dropout, and coachd's memory is flat after.
# Twice, so a leak per connection or per command would show as growth between the rounds.
#
# The clients are one poll-driven process, tests/daemon/loadclient.c.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
CLIENTS=200
COMMANDS=1000
LIMIT=64

# Built by CMake with the project's warnings (COACH_LOADCLIENT).
check "the load client is built" test -x "${COACH_LOADCLIENT:-}" || { finish; exit 1; }
sed -i "/^\[daemon\]$/a max_clients = $LIMIT" "$T/coach.ini"
setup
rec=$T/rec.raw
record_start "$rec" || exit 1
record_wait_ms 300
t_session=$(record_ms)
check "steady starts" coach start steady
check "playing" wait_for state playing
record_wait_ms $((t_session + 2000))

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status"; }
rss_before=$(rss)
rss_after=()

# round N: runs the 200 clients, sampling coachd's RSS meanwhile; sets out, rc, ms, rss_max.
round() {
  local sampler t0
  (while kill -0 "$DAEMON_PID" 2>/dev/null; do rss; sleep 0.05; done) >"$T/rss.$1" 2>/dev/null &
  sampler=$!
  t0=$(date +%s%N)
  out=$(timeout 60 "$COACH_LOADCLIENT" "$COACH_SOCKET" "$CLIENTS" "$COMMANDS")
  rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  kill "$sampler" 2>/dev/null
  wait "$sampler" 2>/dev/null
  rss_max=$(sort -n "$T/rss.$1" | tail -n 1)
  echo "round $1: $out"
  echo "round $1: ${ms} ms, coachd RSS $rss_before kB before, $rss_max kB at most during"
}
field() { printf '%s\n' "$out" | head -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }

for r in 1 2; do
  t0=$(record_ms)
  round $r
  t1=$(record_ms)
  check "round $r: the load client ran to the end (exit $rc)" test "$rc" -eq 0
  check "round $r: all $CLIENTS clients connected at once: $LIMIT admitted, the rest refused" \
    test "$(field admitted_first)/$(field refused_first)" = "$LIMIT/$((CLIENTS - LIMIT))"
  check "round $r: answered + refused-clients x $COMMANDS = $((CLIENTS * COMMANDS))" \
    test $(($(field admitted_first) * COMMANDS + $(field refused_first) * COMMANDS)) -eq $((CLIENTS * COMMANDS))
  check "round $r: every refusal says so: ACK [7] {} too many clients (limit $LIMIT)" \
    sh -c "printf '%s\n' \"\$1\" | grep -qx 'refusal: ACK \[7\] {} too many clients (limit $LIMIT)'" _ "$out"
  check "round $r: refused clients came back until admitted: all $CLIENTS complete" \
    test "$(field complete_clients)" -eq "$CLIENTS"
  check "round $r: every one of the $((CLIENTS * COMMANDS)) commands answered OK" \
    test "$(field ok)" -eq $((CLIENTS * COMMANDS))
  check "round $r: no ACK, no stray line, no connection lost" \
    test "$(field acks)$(field unexpected)$(field lost)" = 000
  check "round $r: within 50 s ($ms ms)" test "$ms" -lt 50000
  check "round $r: the session still plays" test "$(status_of state)" = playing
  check "round $r: no underruns" test "$(status_of underruns)" = 0
  record_wait_ms $((t1 + 200))
  check "round $r: heard throughout, no dropout" soundstat -q 1500 "$rec" gaps "$t0" "$t1"
  check "round $r: heard at the end" soundstat "$rec" loud-between $((t1 - 1500)) "$t1"
  sleep 0.5
  rss_after[r]=$(rss)
done

refused_logged=$(grep -c "refused connection from pid [0-9]*: too many clients (limit $LIMIT)" "$T/coachd.log")
check "each refusal is logged ($refused_logged lines)" test "$refused_logged" -ge $((2 * (CLIENTS - LIMIT)))
echo "coachd RSS: $rss_before kB before, ${rss_after[1]} kB after round 1, ${rss_after[2]} kB after round 2"
if grep -qa '__asan_init\|__msan_init\|__tsan_init' "$COACHD_BIN"; then
  # A sanitizer's allocator keeps freed memory in quarantine: RSS says nothing about leaks
  # there (LeakSanitizer checks them at exit instead).
  echo "skip: the memory checks: coachd is built with a sanitizer"
else
  check "memory flat after round 1 (+$((rss_after[1] - rss_before)) kB, at most +2048)" \
    test $((rss_after[1] - rss_before)) -le 2048
  check "memory flat after round 2 (+$((rss_after[2] - rss_before)) kB, at most +2048)" \
    test $((rss_after[2] - rss_before)) -le 2048
  check "no growth from round 1 to round 2 (+$((rss_after[2] - rss_after[1])) kB, at most +512)" \
    test $((rss_after[2] - rss_after[1])) -le 512
fi
check "the daemon keeps serving" coach ping
check "no error in the log" sh -c "! grep -q ': error: ' '$T/coachd.log'"
finish
