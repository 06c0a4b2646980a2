# The reminder as systemd fires it: coach-remind.service's command (`coach remind`, from the
# unit file itself) makes coachd say the line after a chime, heard at the sink's monitor,
# when one is due. It stays silent outside the active hours, on a day that is not active,
# sooner than `every` after the last reminder or session, and while a session plays; a
# routine to suggest that does not exist leaves the suggestion out.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
base=$(cat "$T/coach.ini")
# remind_settings EVERY HOURS DAYS ROUTINE: a [remind] section in coachd's settings, reloaded.
remind_settings() {
  printf '%s\n[remind]\nevery = %s\nhours = %s\ndays = %s\nroutine = %s\n' "$base" "$1" "$2" \
    "$3" "$4" >"$T/coach.ini"
  [ -z "$DAEMON_PID" ] || "$COACH_BIN" reload >/dev/null
}
remind_settings 0s 00:00-24:00 all brief
setup
rec=$T/rec.raw
record_start "$rec" || exit 1
record_wait_ms 300

# What the timer fires: the service's ExecStart, pointed at this build's coach.
unit=$COACH_SOURCE_DIR/systemd/coach-remind.service
args=$(sed -n 's|^ExecStart=/usr/local/bin/coach ||p' "$unit")
check "the service runs 'coach remind'" test "$args" = remind
fire() { "$COACH_BIN" $args 2>&1; }

t=$(record_ms)
out=$(fire)
check "due: coachd answers reminded: yes ($out)" test "$out" = "reminded: yes"
record_wait_ms $((t + 6000))
onset=$(soundstat "$rec" onset-after "$t" | cut -d. -f1)
onset=${onset:-999999}
check "the chime within 1.5 s of the firing (+$((onset - t)) ms)" test $((onset - t)) -le 1500
check "the line after it, heard once the chime has rung out" \
  soundstat "$rec" loud-between $((onset + 3100)) $((onset + 4500))
check "coachd logs the line it said" \
  grep -q 'remind: You have been sitting for a while. Say or type: coach start brief.' "$T/coachd.log"
check "and is over" wait_for state stopped 15

# stays_quiet WHAT REASON: firing answers "reminded: no" with a reason starting with REASON
# (a regular expression), and nothing is heard for 2.5 s.
stays_quiet() {
  local t out
  t=$(record_ms)
  out=$(fire)
  check "$1: reminded: no ($out)" \
    sh -c "printf '%s\n' \"\$1\" | grep -qx 'reminded: no' && printf '%s\n' \"\$1\" | grep -q '^reason: $2'" _ "$out"
  record_wait_ms $((t + 2500))
  check "$1: silent" soundstat "$rec" quiet-between "$t" $((t + 2500))
}

remind_settings 1h 00:00-24:00 all brief
stays_quiet "within the hour after that reminder" ".* since the last activity, every 1h"

# Outside the active hours: a span that starts two hours from now.
h=$((10#$(date +%H)))
from=$(printf '%02d:00' $(((h + 2) % 24)))
to=$(printf '%02d:00' $(((h + 3) % 24)))
remind_settings 0s "$from-$to" all brief
stays_quiet "outside the hours $from-$to" "outside the active hours $from-$to"

tomorrow=$(LC_ALL=C date -d tomorrow +%a | tr 'A-Z' 'a-z')
remind_settings 0s 00:00-24:00 "$tomorrow" brief
stays_quiet "on a day that is not active ($tomorrow only)" "today is not one of the active days"

# Never over a session.
remind_settings 0s 00:00-24:00 all brief
check "steady starts" coach start steady
check "it plays" wait_for state playing
out=$(fire)
check "during a session: reminded: no, a session is playing ($out)" \
  sh -c "printf '%s\n' \"\$1\" | grep -qx 'reason: a session is playing'" _ "$out"
check "nothing was said over it" test "$(grep -c 'remind: You have been sitting' "$T/coachd.log")" -eq 1
check "stop" coach stop

# A session that just ended counts as activity.
remind_settings 1m 00:00-24:00 all brief
sleep 1
out=$(fire)
check "a minute after the last session: reminded: no ($out)" \
  sh -c "printf '%s\n' \"\$1\" | grep -q '^reason: .* since the last activity, every 1m'" _ "$out"

# A routine to suggest that is not there: the line without it.
remind_settings 0s 00:00-24:00 all nosuch
out=$(fire)
check "with no routine to suggest: reminded: yes ($out)" test "$out" = "reminded: yes"
check "the line leaves the suggestion out" \
  sh -c "for i in \$(seq 100); do grep -q 'remind: You have been sitting for a while. Time to stand up and move.' '$T/coachd.log' && exit 0; sleep 0.05; done; exit 1"
check "and the log says why" grep -q 'no routine "nosuch" to suggest' "$T/coachd.log"
record_stop
finish
