# coachd as mpc (Debian's MPD client) sees it: every command a user types, with the sound
# checked at the null sink's monitor for play, pause and stop, and idle as mpc waits for it.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
setup
rec=$T/rec.raw
record_start "$rec" || exit 1
record_wait_ms 300

# mpc_has WHAT REGEX ARGS...: mpc ARGS succeeds and its output has a line matching REGEX.
mpc_has() {
  local what=$1 re=$2 out
  shift 2
  out=$(mpc "$@" 2>&1)
  if printf '%s\n' "$out" | grep -Eq -- "$re"; then ok "$what"; else not_ok "$what: mpc $*: $out"; fi
}
# mpc_fails WHAT REGEX ARGS...: mpc ARGS fails, saying REGEX.
mpc_fails() {
  local what=$1 re=$2 out
  shift 2
  if out=$(mpc "$@" 2>&1); then not_ok "$what: mpc $* succeeded: $out"; return; fi
  if printf '%s\n' "$out" | grep -Eq -- "$re"; then ok "$what"; else not_ok "$what: mpc $*: $out"; fi
}
# heard WHAT FROM TO: sound in [FROM, TO] ms of the recording (waits for TO).
heard() { record_wait_ms "$3"; check "$1" soundstat "$rec" loud-between "$2" "$3"; }
# silenced WHAT T: silence comes within 250 ms of T and lasts 1 s (as test_playback.sh).
silenced() {
  local q
  record_wait_ms $(($2 + 1200))
  q=$(soundstat "$rec" silence-after "$2" | cut -d. -f1)
  q=$((${q:-999998} + 1))
  check "$1: silent at +$((q - $2)) ms" test $((q - $2)) -le 250
  check "$1: and stays silent" soundstat "$rec" quiet-between "$q" $(($2 + 1200))
}

check "the MPD socket is beside the control socket, mode 0600" \
  sh -c "[ -S '$MPD_HOST' ] && [ \$(stat -c %a '$MPD_HOST') = 600 ]"
mpc_has "mpc version: MPD 0.23.5" '^mpd version: 0\.23\.5$' version
mpc_has "mpc lsplaylists lists the routines" '^steady$' lsplaylists
check "mpc lsplaylists lists every routine coach list does" \
  test "$(mpc lsplaylists | sort | tr '\n' ' ')" = "$(coach list | sed -n 's/^routine: //p' | sort | tr '\n' ' ')"
mpc_has "mpc with nothing loaded: stopped" '^volume: 80%' status
mpc_fails "mpc play with nothing loaded names what to do" 'nothing to play: load a routine first' play

# mpc load steady && mpc play: the session starts.
mpc_has "mpc load steady" '^loading: steady$' load steady
mpc_has "mpc playlist shows the loaded routine" '^Steady tones' playlist
t=$(record_ms)
mpc_has "mpc play: [playing], with the session's length at once" '^\[playing\] #1/1 +0:0[0-9]/0:4[0-9] ' play
heard "mpc play: heard" "$t" $((t + 1500))
check "coach status: playing steady" wait_for routine steady
mpc_has "mpc: the routine's title and the step" '^Steady tones: coach - (opening|tones)$'
record_wait_ms $((t + 2500))
mpc_has "mpc current: the step being played" '^Steady tones: coach - tones$' current
mpc_has "mpc status: elapsed and the session's length" '^\[playing\] #1/1 +0:0[1-9]/0:4[0-9] ' status

t=$(record_ms)
mpc_has "mpc pause: [paused]" '^\[paused\]' pause
silenced "mpc pause" "$t"
check "coach status: paused" wait_for state paused
mpc_has "mpc pause when paused: still paused" '^\[paused\]' pause
t=$(record_ms)
mpc_has "mpc play resumes: [playing]" '^\[playing\]' play
heard "mpc play after pause: heard" "$t" $((t + 1000))
mpc_has "mpc toggle pauses" '^\[paused\]' toggle
mpc_has "mpc toggle resumes" '^\[playing\]' toggle
check "coach status: playing again" wait_for state playing

mpc_has "mpc volume 50" '^volume: 50%' volume 50
check "coach status: volume 50" wait_for volume 50
mpc_has "mpc volume +5: 55" '^volume: 55%' volume +5
mpc_has "mpc volume -15: 40" '^volume: 40%' volume -15
mpc_fails "mpc volume 101 is refused" '.' volume 101
mpc_has "mpc volume: 40" '^volume: 40%' volume

mpc_fails "mpc seek is refused as MPD refuses it" 'Not seekable' seek 10
mpc_fails "mpc repeat on is refused" 'plays once' repeat on
mpc_has "mpc repeat off is fine" 'repeat: off' repeat off
mpc_has "mpc outputs" '^Output 1 \(coach\) is enabled$' outputs
mpc_has "mpc stats counts the routines" '^Songs: +[0-9]+$' stats

# idle: mpc idle returns on a change made elsewhere; idleloop reports each one. The changes
# are made again until the client has seen one (at most 20 s): a client that connects after
# a change never hears of it, and a loaded machine may start mpc late.
# running PID: the process is still there.
running() { kill -0 "$1" 2>/dev/null; }
timeout 30 mpc idle >"$T/idle.out" 2>&1 &
idler=$!
for i in $(seq 40); do
  running "$idler" || break
  coach volume $((44 + i % 2)) >/dev/null
  sleep 0.5
done
wait "$idler"
check "mpc idle: mixer, when coach sets the volume" grep -qx mixer "$T/idle.out"
coach volume 45 >/dev/null
timeout 30 mpc idleloop player >"$T/idleloop.out" 2>&1 &
idler=$!
for i in $(seq 40); do
  [ "$(grep -c '^player$' "$T/idleloop.out")" -ge 2 ] && break
  coach pause >/dev/null
  sleep 0.25
  coach resume >/dev/null
  sleep 0.25
done
kill "$idler" 2>/dev/null
wait "$idler" 2>/dev/null
check "mpc idleloop: player for pause and for resume" test "$(grep -c '^player$' "$T/idleloop.out")" -ge 2
check "coach status: playing after the idle checks" wait_for state playing

t=$(record_ms)
mpc_has "mpc stop: stopped" '^volume: 45%' stop
silenced "mpc stop" "$t"
check "coach status: stopped" wait_for state stopped
mpc_has "mpc stop when stopped: fine, as in MPD" '^volume' stop
mpc_has "mpc play again: the loaded routine from its start" '^\[playing\] #1/1 +0:0[0-9]/' play
check "coach status: its breathing step" wait_for step "2/4 tones"
mpc_has "mpc next: the next step" '^Steady tones: coach - hello$' next
check "coach status: step 3" wait_for step "3/4 hello"
mpc_has "mpc prev: the step again, from its start" '^Steady tones: coach - hello$' prev
mpc_has "mpc clear: stops, and nothing is loaded" '^volume' clear
check "coach status: stopped after clear" wait_for state stopped
mpc_fails "mpc play after clear: nothing to play" 'nothing to play' play

# Lengths: NAME@LENGTH, checked against the routine's range at load.
mpc_fails "mpc load rest@20m names the range" "outside rest's range of 5m to 15m" load rest@20m
mpc_fails "mpc load steady@5m: a fixed length" 'fixed length' load steady@5m
mpc_fails "mpc load nosuch: No such playlist" 'No such playlist "nosuch"' load nosuch
mpc_fails "mpc load ../etc/passwd: not a routine name" 'not a routine name' load ../etc/passwd
mpc_has "mpc load rest@6m" '^loading: rest@6m$' load rest@6m
mpc_has "mpc play: rest plays" '^\[playing\]' play
check "coach status: rest" wait_for routine rest
dur=$(status_of duration)
check "rest@6m is shorter than rest's default ($dur s)" awk -v d="$dur" 'BEGIN { exit !(d > 360 && d < 600) }'
mpc_has "mpc stop" '^volume' stop

# A routine started with coach is what mpc shows, and plays again.
coach start brief >/dev/null
mpc_has "mpc shows a session coach started" '^Brief: coach - ' current
check "a session ends by itself" wait_for state stopped 15
mpc_has "mpc play replays it" '^\[playing\]' play
check "coach status: brief again" wait_for routine brief
check "no underruns" test "$(status_of underruns)" = 0
check "the log names the MPD socket" grep -q "MPD clients: listening on $MPD_HOST" "$T/coachd.log"
record_stop
finish
