# A routine step that waits for the person (do = wait): its words are spoken, then the
# session holds in silence (paused, and held in status) for as long as it takes, and
# `coach resume` goes on from the step's end, without the quiet a render puts there. A resume
# said while the wait's own words still play lets the session go on after them; skip carries
# on as resume does.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
setup
rec=$T/rec.raw
record_start "$rec" || exit 1

check "wait starts" coach start wait
check "the wait step comes" wait_for step "3/5 ready" 15
check "it holds once its words are said" wait_for state paused 15
check "status says it waits for the person" sh -c "'$COACH_BIN' status | grep -q '^held: for you'"
sleep 0.5
t=$(record_ms)
sleep 3
check "held for 3 s: silence" soundstat "$rec" quiet-between "$t" "$(record_ms)"
check "and still held" test "$(status_of state)" = paused
t=$(record_ms)
check "resume answers OK" coach resume
check "it plays on" wait_for state playing 5
check "from the next step, not the render's quiet" wait_for step "4/5 bye" 5
record_wait_ms $((t + 2500))
check "its words are heard" soundstat "$rec" loud-between "$t" $((t + 2500))
check "the session ends long before the 20 s of quiet would" wait_for state stopped 10

# Resume while the wait's words are spoken: no hold, on after them.
check "wait starts again" coach start wait
check "the wait step comes" wait_for step "3/5 ready" 15
check "resume during its words answers OK" coach resume
check "it goes on to the next step without holding" wait_for step "4/5 bye" 10
check "and ends" wait_for state stopped 10

# Skip at a held wait carries on too.
check "wait starts a third time" coach start wait
check "it holds" wait_for state paused 20
check "skip answers OK" coach skip
check "it plays the next step" wait_for step "4/5 bye" 5
check "playing, not paused" wait_for state playing 5
coach stop >/dev/null 2>&1
record_stop
finish
