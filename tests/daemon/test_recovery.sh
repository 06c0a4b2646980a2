# A session survives its sound server: the server is killed in the middle of a hold and
# started again 3 s later. The session waits (state and reason in status, its place kept,
# pause and resume still work), then plays on: a soft chime, then the interrupted hold from
# its start (its spoken cue, its count again), and it ends that much later than it would have.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"

pdir=$T/pulse
pulse_start "$pdir" || exit 1
daemon_start || exit 1

# The reference: the same session rendered, and where its hold step starts.
coach render "$COACH_SOURCE_DIR/tests/data/routines/hold.ini" -o "$T/hold.wav" >/dev/null ||
  { echo "render failed"; exit 1; }
hold_at=$(coach show "$COACH_SOURCE_DIR/tests/data/routines/hold.ini" |
  awk '/step 3\/5: hold/ { split($1, t, ":"); print (t[1] * 60 + t[2]) * 1000 }')
check "the reference has its hold step ($hold_at ms)" test -n "$hold_at"

check "start plays" coach start hold
check "the hold step comes" wait_for step "3/5 hold" 15
# Into the hold proper: past its spoken cue and its start chime.
for _ in $(seq 200); do
  awk -v e="$(status_of step_elapsed)" 'BEGIN { exit !(e >= 2.5) }' && break
  sleep 0.05
done
pulse_kill
check "losing the server makes the session wait" wait_for state waiting 10
check "status says why it waits" sh -c "'$COACH_BIN' status | grep -q '^waiting: .'"
check "and keeps its place in the hold" test "$(status_of step)" = "3/5 hold"
e_wait=$(status_of elapsed)
check "at the hold's start ($e_wait s)" awk -v e="$e_wait" -v h="$hold_at" \
  'BEGIN { exit !(e * 1000 >= h - 1 && e * 1000 <= h + 100) }'
check "the daemon keeps serving" coach ping
check "pause works while waiting" coach pause
check "paused" wait_for state paused
check "resume works while waiting" coach resume
check "waiting again" wait_for state waiting
sleep 3

pulse_start "$pdir" || exit 1
rec=$T/rec.raw
record_start "$rec" || exit 1
check "once the server is back, the session plays again" wait_for state playing 10
back=$(date +%s%N)
e_back=$(status_of elapsed)
left=$(status_of remaining)
check "from the hold's start: its count begins again (at $e_back s)" awk -v e="$e_back" \
  -v h="$hold_at" 'BEGIN { exit !(e * 1000 >= h - 1 && e * 1000 <= h + 2000) }'
record_wait_ms 4000
onset=$(soundstat "$rec" onset-after 0)
check "a chime is heard at once (at $onset ms)" test -n "$onset"
# The chime rings alone for the lead-in, then the hold's spoken cue begins: the recording
# matches the rendered cue there (over the chime's fading tail). 250 ms of the cue name it
# well enough; a longer window only gives a loaded machine more room to put a gap into the
# portaudio path (a 500 ms window failed once under ASan with 0.66).
m=$(soundstat "$rec" match "$T/hold.wav" "$hold_at" 250 $((${onset%.*} + 1350)) \
  $((${onset%.*} + 1650)))
check "then the hold from its start, its spoken cue (match: $m)" \
  awk -v m="$m" 'BEGIN { split(m, f, " "); exit !(f[2] >= 0.8) }'

# It ends when what was left runs out, not before: the outage moved the end.
early=$(awk -v l="$left" 'BEGIN { printf "%d", (l - 1.5) * 1000 }')
while [ $((($(date +%s%N) - back) / 1000000)) -lt "$early" ]; do sleep 0.1; done
check "still playing $((early / 1000)) s after coming back" test "$(status_of state)" = playing
check "and then ends by itself" wait_for state stopped 8
record_stop
finish
