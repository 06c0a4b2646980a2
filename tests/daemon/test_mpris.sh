# coachd on a session bus as desktops see it, through playerctl (the MPRIS client of
# GNOME's and KDE's media keys alike): the player's name, status, play-pause, next,
# volume and metadata, PropertiesChanged as the session moves, with the sound checked at
# the null sink's monitor. Runs itself under dbus-run-session: a bus of its own.
if [ -z "${COACH_TEST_DBUS:-}" ]; then
  COACH_TEST_DBUS=1 exec dbus-run-session -- bash "$0" "$@"
fi
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
setup
rec=$T/rec.raw
record_start "$rec" || exit 1
record_wait_ms 300
pc() { playerctl -p coach "$@"; }
# call METHOD: a Player method called straight on the bus (playerctl itself declines to
# send what the Can* properties say is pointless).
call() {
  dbus-send --session --print-reply --dest=org.mpris.MediaPlayer2.coach /org/mpris/MediaPlayer2 \
    "org.mpris.MediaPlayer2.Player.$1"
}
# prop_is INTERFACE NAME VALUE: the property reads VALUE (as dbus-send prints it: true,
# "coach" ...).
prop_is() {
  dbus-send --session --print-reply --dest=org.mpris.MediaPlayer2.coach /org/mpris/MediaPlayer2 \
    org.freedesktop.DBus.Properties.Get "string:$1" "string:$2" | sed -n '2,$p' |
    grep -qF -- " $3"
}
P=org.mpris.MediaPlayer2.Player
# pc_is WHAT WANT ARGS...: playerctl ARGS prints WANT (waits up to 10 s for it).
pc_is() {
  local what=$1 want=$2 got i
  shift 2
  for i in $(seq 100); do
    got=$(pc "$@" 2>&1)
    [ "$got" = "$want" ] && { ok "$what"; return; }
    sleep 0.1
  done
  not_ok "$what: playerctl $*: \"$got\", not \"$want\""
}

check "coachd owns org.mpris.MediaPlayer2.coach" \
  grep -q "desktop media controls: org.mpris.MediaPlayer2.coach on the session bus" "$T/coachd.log"
check "playerctl lists coach" sh -c "playerctl -l | grep -qx coach"
pc_is "nothing loaded: Stopped" Stopped status
check "Identity: coach" prop_is org.mpris.MediaPlayer2 Identity 'string "coach"'
check "CanControl: true" prop_is $P CanControl true
check "CanSeek: false" prop_is $P CanSeek false
check "CanPlay: false with nothing loaded" prop_is $P CanPlay false

# As a new user would: mpc starts a session and pauses it, the headset's button (what
# playerctl play-pause sends) carries on.
mpc load steady >/dev/null
pc_is "loaded: the routine is the track, stopped" "Steady tones" metadata xesam:album
check "CanPlay: true once loaded" prop_is $P CanPlay true
t=$(record_ms)
check "mpc load steady && mpc play" sh -c "mpc play >/dev/null"
pc_is "status: Playing" Playing status
record_wait_ms $((t + 1500))
check "mpc play: heard" soundstat "$rec" loud-between "$t" $((t + 1500))
t=$(record_ms)
check "mpc pause" sh -c "mpc pause >/dev/null"
pc_is "status: Paused" Paused status
record_wait_ms $((t + 1200))
check "mpc pause: silent" soundstat "$rec" quiet-between $((t + 250)) $((t + 1200))
t=$(record_ms)
check "playerctl play-pause resumes what mpc paused" pc play-pause
pc_is "status: Playing again" Playing status
# Within 2 s: playerctl goes through the session bus, which a loaded machine slows too.
record_wait_ms $((t + 2000))
check "playerctl play-pause: heard again" soundstat "$rec" loud-between "$t" $((t + 2000))
pc_is "metadata: the breathing step is the title" tones metadata xesam:title
pc_is "metadata: the routine's title is the album" "Steady tones" metadata xesam:album
pc_is "metadata: the artist is coach" coach metadata xesam:artist
pc_is "metadata: the track id names the routine" "'/org/coach/routine/steady'" metadata mpris:trackid
len=$(pc metadata mpris:length)
check "metadata: the length is the session's, about 48 s ($len us)" test "${len:-0}" -gt 40000000 -a "${len:-0}" -lt 60000000
pos=$(pc position)
check "position moves on ($pos s)" awk -v p="$pos" 'BEGIN { exit !(p > 1.5) }'

# PropertiesChanged: a watcher sees pause and resume as they happen.
playerctl -p coach --follow status >"$T/follow.out" 2>&1 &
follower=$!
# It prints the status it starts with once it listens: only then is a change its to see.
for i in $(seq 200); do [ -s "$T/follow.out" ] && break; sleep 0.1; done
check "a follower started: Playing" grep -qx Playing "$T/follow.out"
t=$(record_ms)
check "play-pause pauses" pc play-pause
pc_is "status: Paused" Paused status
record_wait_ms $((t + 1200))
q=$(soundstat "$rec" silence-after "$t" | cut -d. -f1)
q=$((${q:-999998} + 1))
check "play-pause: silent at +$((q - t)) ms" test $((q - t)) -le 250
check "coach status: paused" wait_for state paused
t=$(record_ms)
check "play-pause resumes" pc play-pause
pc_is "status: Playing again" Playing status
record_wait_ms $((t + 1000))
check "play-pause: heard again" soundstat "$rec" loud-between "$t" $((t + 1000))
sleep 0.5
kill "$follower" 2>/dev/null
wait "$follower" 2>/dev/null
check "PropertiesChanged: a follower saw Paused then Playing" \
  sh -c "grep -n . '$T/follow.out' | grep -A5 ':Paused$' | grep -q ':Playing$'"

check "volume 0.5" pc volume 0.5
check "coach status: volume 50" wait_for volume 50
pc_is "volume reads 0.5" 0.500000 volume
coach volume 70 >/dev/null
pc_is "volume set with coach reads 0.7" 0.700000 volume

check "next" pc next
check "coach status: the next step" wait_for step "3/4 hello"
pc_is "metadata after next: hello" hello metadata xesam:title
check "previous: the step again" pc previous
pc_is "metadata after previous: still hello" hello metadata xesam:title

t=$(record_ms)
check "stop" pc stop
pc_is "status: Stopped" Stopped status
check "coach status: stopped" wait_for state stopped
record_wait_ms $((t + 1200))
q=$(soundstat "$rec" silence-after "$t" | cut -d. -f1)
q=$((${q:-999998} + 1))
check "stop: silent at +$((q - t)) ms" test $((q - t)) -le 250
check "CanPause: false when stopped" prop_is $P CanPause false
check "CanGoNext: false when stopped" prop_is $P CanGoNext false
check "CanPlay: true, the routine is still loaded" prop_is $P CanPlay true
check "Pause when stopped: no effect, no error" call Pause
check "Next when stopped: no effect, no error" call Next
pc_is "still Stopped" Stopped status
out=$(dbus-send --session --print-reply --dest=org.mpris.MediaPlayer2.coach /org/mpris/MediaPlayer2 \
  $P.OpenUri string:file:///x 2>&1)
check "OpenUri is refused with an error that says why" \
  sh -c "printf '%s\n' \"\$1\" | grep -q 'NotSupported: coach plays its routines'" _ "$out"
check "Play when stopped starts the loaded routine again" pc play
pc_is "status: Playing" Playing status
check "coach status: steady again" wait_for routine steady
check "and Stop stops it" pc stop
pc_is "status: Stopped" Stopped status
check "play-pause when stopped (a headset's button) starts it too" pc play-pause
pc_is "status: Playing after play-pause" Playing status
check "coach status: playing steady" wait_for state playing
check "and play-pause then pauses it" pc play-pause
check "coach status: paused by play-pause" wait_for state paused
check "Stop stops a paused session" pc stop
pc_is "status: Stopped at the end" Stopped status
check "no underruns" test "$(status_of underruns)" = 0
record_stop
finish
