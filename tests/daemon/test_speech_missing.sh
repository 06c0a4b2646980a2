# coachd's speech worker as a program of its own, coach-speech: what it is linked to, and
# coachd without a usable one (missing, or from another version of coach): coachd starts and
# keeps serving; `start` and `say` fail with one line that names the program and says what to
# do, and nothing plays; once the program is in place, the next request speaks, without a
# restart. A worker of another version is refused, not misread.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
: "${COACH_SPEECH_WORKER_BIN:?set by ctest: the coach-speech program}"
: "${COACH_FAKE_SPEECH_WORKER:?set by ctest: tests/harness/fake_speech_worker}"
command -v socat >/dev/null || { echo "socat missing"; exit 1; }

has() { printf '%s\n' "$1" | grep -q -- "$2"; }
lines() { printf '%s\n' "$1" | grep -c .; }

# What the worker maps (it lives beside a playing coachd, README "Memory"): an allow-list of
# what it links itself, so that any new library is a decision (libespeak-ng only where the
# static eSpeak NG was not found: CMakeLists.txt), and none of coachd's audio stack or
# libsndfile (loaded only for a recorded clip) however deep.
needed=$(readelf -d "$COACH_SPEECH_WORKER_BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
check "coach-speech needs only libc, libm, libebur128 and eSpeak NG's own (and the sanitizers'): $needed" \
  sh -c "printf '%s\n' $needed | grep -Ev '^(libc|libm|libebur128|libsonic|libespeak-ng|libdl|libasan|libubsan)\.so' | grep -q . && exit 1; exit 0"
unwanted='libportaudio|libjack'
case " $needed " in
  *" libubsan."*) ;;                       # UBSan's runtime brings libstdc++ itself
  *) unwanted="$unwanted|libstdc\+\+" ;;
esac
case " $needed " in
  *" libespeak-ng."*) ;;                   # the shared eSpeak NG brings libsndfile by libpulse
  *) unwanted="$unwanted|libsndfile" ;;
esac
check "and none of $unwanted, however deep: $(ldd "$COACH_SPEECH_WORKER_BIN" | awk '{print $1}' | tr '\n' ' ')" \
  sh -c "! ldd '$COACH_SPEECH_WORKER_BIN' | grep -Eq '$unwanted'"

# The worker program where coachd is told to look, and nothing there yet.
mkdir -p "$T/libexec"
worker=$T/libexec/coach-speech
export COACH_SPEECH_WORKER=$worker
pulse_start || { echo "cannot start PulseAudio" >&2; exit 1; }
rec=$T/rec.raw
record_start "$rec" || exit 1
daemon_start || exit 1
check "coachd starts without its speech worker" coach ping
check "it logs that speech is unavailable, and why" \
  grep -q "speech is unavailable: the speech worker $worker is missing" "$T/coachd.log"

t=$(record_ms)
out=$(coach start steady 2>&1)
code=$?
check "start fails (exit $code)" test "$code" -eq 1
check "with one line ($out)" test "$(lines "$out")" -eq 1
check "naming the program and what to do" has "$out" "$worker is missing.*reinstall coach"
check "the daemon answers after it" coach ping
check "nothing plays" test "$(status_of state)" = stopped
check "status keeps the reason" sh -c "'$COACH_BIN' status | grep -q '^error: .*coach-speech is missing'"
record_wait_ms $((t + 800))
check "and nothing was heard, not even the opening chime" soundstat "$rec" quiet-between "$t" $((t + 800))

out=$(coach say "Hello there." 2>&1)
code=$?
check "say fails (exit $code)" test "$code" -eq 1
check "with the same line ($out)" sh -c "test $(lines "$out") -eq 1 && printf '%s' '$out' | grep -q 'coach-speech is missing'"
reply=$(printf 'start steady\nping\n' | socat -t 15 - UNIX-CONNECT:"$COACH_SOCKET")
check "on the socket: ACK [11] {start}" has "$reply" '^ACK \[11\] {start} .*coach-speech is missing'
check "and the connection is still served" has "$(printf '%s\n' "$reply" | tail -n 1)" '^OK$'

# Installed (or built) while coachd runs: the next request finds it.
cp "$COACH_SPEECH_WORKER_BIN" "$worker"
t=$(record_ms)
check "once the worker is in place, say answers OK" coach say "Testing, one two three."
record_wait_ms $((t + 2000))
check "and it is heard" soundstat "$rec" loud-between "$t" $((t + 2000))
check "start plays" coach start steady
check "playing" wait_for state playing
coach stop >/dev/null
daemon_stop
check "coachd exits 0 (got $DAEMON_EXIT)" test "$DAEMON_EXIT" -eq 0

# A worker of another version of coach (a half-done upgrade): refused with what to do.
export COACH_SPEECH_WORKER=$COACH_FAKE_SPEECH_WORKER FAKE_SPEECH_WORKER=version
daemon_start || exit 1
check "coachd starts with a worker of another version" coach ping
check "it logs the mismatch" grep -q "speech is unavailable: .*belongs to another version of coach" "$T/coachd.log"
out=$(coach start steady 2>&1)
code=$?
check "start fails (exit $code)" test "$code" -eq 1
check "with one line naming the program and what to do ($out)" \
  sh -c "test $(lines "$out") -eq 1 && printf '%s' '$out' | grep -q 'fake_speech_worker belongs to another version of coach.*reinstall coach'"
check "the daemon answers after it" coach ping
check "no worker is left running" sh -c "! ps --ppid $DAEMON_PID -o pid= | grep -q ."
record_stop
finish
