# `coach start` with no daemon running starts coachd itself, then plays; --no-start and
# COACH_NO_AUTOSTART say not to.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
pulse_start || exit 1
cp "$T/coach.ini" "$XDG_CONFIG_HOME/coach/coach.ini"
check "with autostart off, start fails when no daemon runs" sh -c "! '$COACH_BIN' start brief 2>/dev/null"
check "--no-start also" sh -c "COACH_NO_AUTOSTART= '$COACH_BIN' start brief --no-start 2>/dev/null; test \$? -ne 0"
check "ping does not start one" sh -c "! COACH_NO_AUTOSTART= '$COACH_BIN' ping 2>/dev/null"
COACH_NO_AUTOSTART= "$COACH_BIN" start brief
check "coach start starts coachd and plays" test $? -eq 0
check "playing" wait_for state playing
pid=$(pgrep -f "coachd --socket $COACH_SOCKET" | head -1)
check "coachd is running ($pid)" test -n "$pid"
[ -n "$pid" ] && kill "$pid"
for i in $(seq 40); do [ -e "$COACH_SOCKET" ] || break; sleep 0.05; done
finish
