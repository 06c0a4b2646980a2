# The sound outputs (src/daemon/audio_out.h), each run of this test through the one that
# COACH_TEST_OUTPUT names: status says which plays; what the listener hears is exactly what
# `coach render` writes, sample for sample; a sink that nobody records (slow to ask for
# audio, like a Bluetooth sink waking up) is not taken for a lost one.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
out=${COACH_TEST_OUTPUT:-pulse}
# At full volume the feed passes the mixed samples through untouched. The portaudio output
# gets its largest device period here: a recording compared sample for sample must have no
# gap that a loaded machine put into the server's buffer.
sed -i '/^\[audio\]/a volume = 100' "$T/coach.ini"
sed -i 's/^period_ms = .*/period_ms = 50/' "$T/coach.ini"

routine=$COACH_SOURCE_DIR/tests/data/routines/steady.ini
coach render "$routine" -o "$T/steady.wav" >/dev/null || { echo "render failed"; exit 1; }

setup
rec=$T/rec.raw
record_start "$rec" || exit 1
record_wait_ms 300
t=$(record_ms)
check "start answers OK" coach start steady
check "status names the output ($(status_of output))" test "$(status_of output)" = "$out"
check "and its device ($(status_of device))" test -n "$(status_of device)"
record_wait_ms $((t + 4000))
coach stop >/dev/null
onset=$(soundstat "$rec" onset-after "$t")
check "sound from start (at $onset ms)" test -n "$onset"
# The first 50 ms are left out: the sound server does not give the very first fraction of a
# millisecond of a new stream to its monitor as written (seen with PulseAudio 16's null sink,
# whatever the client). From there on every sample must be the rendered one: the opening
# chime, then the breathing tones.
from=$(awk -v o="$onset" 'BEGIN { printf "%d", o + 40 }')
m=$(soundstat "$rec" match "$T/steady.wav" 50 3000 "$from" $((from + 20)))
check "what is heard is what render writes, to the sample (match: $m)" \
  awk -v m="$m" 'BEGIN { split(m, f, " "); exit !(f[2] > 0.99999 && f[3] <= 2) }'
record_stop
daemon_stop
pulse_stop

# A sink nobody records asks for its first audio up to 2 s late, and then in large blocks;
# the session plays on through it and is heard once a recorder listens.
PULSE_UNPACED=1 pulse_start || exit 1
daemon_start || exit 1
check "start on a slow sink answers OK" coach start steady
sleep 5
check "after 5 s unrecorded it still plays ($(status_of state))" test "$(status_of state)" = playing
check "and its time went on ($(status_of elapsed) s)" \
  awk -v e="$(status_of elapsed)" 'BEGIN { exit !(e >= 2) }'
record_start "$rec" || exit 1
t=$(record_ms)
record_wait_ms $((t + 1500))
check "a recorder that attaches hears it" soundstat "$rec" loud-between "$t" $((t + 1500))
coach stop >/dev/null
record_stop
finish
