# Live playback as a user drives it: start gives sound, pause silence, resume sound, skip the
# next step, stop silence; status follows the session; say is heard; a session ends by itself.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
setup
rec=$T/rec.raw
record_start "$rec" || exit 1
record_wait_ms 300

t=$(record_ms)
check "start answers OK" coach start steady
record_wait_ms $((t + 1100))
onset=$(soundstat "$rec" onset-after "$t" | cut -d. -f1)
onset=${onset:-999999}
# The opening chime comes before the speech is made: at once (tests/bench measures how soon;
# this bound holds on a loaded machine under a sanitizer).
check "sound soon after start (at +$((onset - t)) ms)" test $((onset - t)) -le 1000
check "status says playing" wait_for state playing
check "status names the routine" wait_for routine steady
e0=$(status_of elapsed)
record_wait_ms $((t + 3000))
check "breathing step after the opening chime" wait_for step "2/4 tones"
breath=$(status_of breath)
check "breath phase is in or out ($breath)" test "$breath" = in -o "$breath" = out
e1=$(status_of elapsed)

# Silence comes within a fade of the pause (tests/bench measures how soon); what a test on a
# loaded machine can hold to is that it comes well within 250 ms of the recording's clock and
# lasts, since the recorder itself may lag behind real time by tens of ms.
t=$(record_ms)
check "pause answers OK" coach pause
check "status says paused" wait_for state paused
record_wait_ms $((t + 1200))
q=$(soundstat "$rec" silence-after "$t" | cut -d. -f1)
q=$((${q:-999998} + 1)) # the first quiet ms, whole
check "silence soon after pause (at +$((q - t)) ms)" test $((q - t)) -le 250
check "silence while paused" soundstat "$rec" quiet-between "$q" $((t + 1200))
e2=$(status_of elapsed)
sleep 0.5
check "elapsed stands still while paused ($e2)" test "$(status_of elapsed)" = "$e2"
check "elapsed moved while playing ($e0 -> $e1)" awk -v a="$e0" -v b="$e1" 'BEGIN { exit !(b >= a + 1.5) }'
check "pause when paused is refused" sh -c "! '$COACH_BIN' pause 2>/dev/null"

t=$(record_ms)
check "resume answers OK" coach resume
record_wait_ms $((t + 1000))
check "sound again after resume" soundstat "$rec" loud-between "$t" $((t + 1000))
check "status says playing again" wait_for state playing

check "skip answers OK" coach skip
check "skip moved to the next step" wait_for step "3/4 hello"
t=$(record_ms)
record_wait_ms $((t + 1500))
check "the next step's speech is heard" soundstat "$rec" loud-between "$t" $((t + 1500))

t=$(record_ms)
check "stop answers OK" coach stop
record_wait_ms $((t + 1000))
q=$(soundstat "$rec" silence-after "$t" | cut -d. -f1)
q=$((${q:-999998} + 1)) # the first quiet ms, whole
check "silence soon after stop (at +$((q - t)) ms)" test $((q - t)) -le 250
check "silence after stop" soundstat "$rec" quiet-between "$q" $((t + 1000))
check "status says stopped" wait_for state stopped
check "stop when stopped is refused" sh -c "! '$COACH_BIN' stop 2>/dev/null"

t=$(record_ms)
check "say answers OK" coach say "Testing, one two three."
record_wait_ms $((t + 2000))
check "say is heard" soundstat "$rec" loud-between "$t" $((t + 2000))

check "brief session starts" coach start brief
check "a session ends by itself" wait_for state stopped 15

check "volume 30 answers OK" coach volume 30
check "status shows volume 30" wait_for volume 30
check "volume 101 is refused" sh -c "! '$COACH_BIN' volume 101 2>/dev/null"
check "unknown routine is refused" sh -c "'$COACH_BIN' start nosuch 2>&1 | grep -q 'no routine named'"
check "length out of range names the range" sh -c "'$COACH_BIN' start rest 20m 2>&1 | grep -q '5m to 15m'"
check "list shows shipped and test routines" sh -c "'$COACH_BIN' list | grep -q 'routine: rest' && '$COACH_BIN' list | grep -q 'routine: steady'"
# A line far beyond the speech kept resident at the start is spoken again before it is heard,
# here by a skip that jumps two minutes ahead.
check "late session starts" coach start late
check "it reaches its long spoken step" wait_for step "2/5 hello"
check "skip to the quiet step answers OK" coach skip
check "it reaches its quiet step" wait_for step "3/5 quiet"
t=$(record_ms)
check "skip over two minutes of quiet answers OK" coach skip
check "skip moved to the late line" wait_for step "4/5 late"
record_wait_ms $((t + 2500))
check "the late line is heard" soundstat "$rec" loud-between "$t" $((t + 2500))
check "and the session ends by itself" wait_for state stopped 15

check "no underruns" test "$(status_of underruns)" = 0
record_stop
finish
