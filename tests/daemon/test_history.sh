# The practice log end to end: each session coachd plays is appended to
# $XDG_STATE_HOME/coach/history when it ends (finished, or stopped part way), a lone `say` is
# not, and `coach history` (no coachd needed) shows the sessions, the streak and the calendar,
# or JSON for scripts. A broken or cut line is reported and skipped, never taking the other
# lines with it.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
H=$XDG_STATE_HOME/coach/history
out=$("$COACH_BIN" history 2>&1)
check "history before any session: exit 0, says there are none ($out)" \
  sh -c "printf '%s\n' \"\$1\" | grep -q '^No sessions yet'" _ "$out"

setup
check "a brief session starts" coach start brief
check "and ends by itself" wait_for state stopped 15
check "one line in the history" test "$(wc -l <"$H" 2>/dev/null)" = 1
check "it says brief, played to the end" \
  grep -Eq '^start=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2} routine=brief length=- played_s=[0-9]+ total_s=[0-9]+ steps=([0-9]+)/\1 end=finished$' "$H"
check "the log is the user's alone (0600)" test "$(stat -c %a "$H")" = 600

check "steady starts" coach start steady
check "it reaches its second step" wait_for step "2/4 tones"
check "stop answers OK" coach stop
check "a second line: steady, stopped at step 2 of 4" \
  sh -c "tail -n 1 '$H' | grep -Eq ' routine=steady .* steps=2/4 end=stopped$'"
played=$(tail -n 1 "$H" | sed -n 's/.* played_s=\([0-9]*\) total_s=\([0-9]*\) .*/\1 \2/p')
check "stopped part way: played less than the whole ($played)" \
  sh -c "set -- $played; [ \"\$1\" -ge 1 ] && [ \"\$1\" -lt \"\$2\" ]"

check "a lone say" coach say "Nothing to log."
check "is not logged" sh -c "sleep 3; [ \$(wc -l <'$H') -eq 2 ]"

# A line cut by a crash, then a session: the new line is whole, the cut one skipped.
printf 'start=2026-01-01T07:00:00+01:00 routine=re' >>"$H"
check "brief again" coach start brief
check "ends by itself" wait_for state stopped 15
check "the new line is whole, after the cut one" \
  sh -c "tail -n 1 '$H' | grep -q '^start=.* routine=brief .* end=finished$'"
# And garbage in the middle, plus two long sessions on the two days before today.
day() { date -d "-$1 days" +%Y-%m-%dT07:30:00%:z; }
{
  echo 'this is not a history line'
  echo "start=$(day 2) routine=rest length=10m played_s=763 total_s=763 steps=19/19 end=finished"
  echo "start=$(day 1) routine=kneel length=45s played_s=300 total_s=300 steps=12/12 end=finished"
} >>"$H"

out=$("$COACH_BIN" history 2>"$T/err")
rc=$?
check "history: exit 0 with broken lines ($rc)" test "$rc" -eq 0
check "the cut line is reported with its number" grep -q "^$H:3: .*skipped" "$T/err"
check "the garbage line too" grep -q "^$H:5: .*skipped" "$T/err"
check "every good session is listed (5)" \
  sh -c "printf '%s\n' \"\$1\" | grep -Ec '^  [0-9-]{10} [0-9:]{5}  (brief|steady|rest|kneel) ' | grep -qx 5" _ "$out"
check "the newest first" \
  sh -c "printf '%s\n' \"\$1\" | grep -A1 '^Recent sessions:' | tail -n 1 | grep -q ' brief '" _ "$out"
check "the streak: two days, today not yet (the brief sessions are under a minute)" \
  sh -c "printf '%s\n' \"\$1\" | grep -qx 'Streak: 2 days (practise today to keep it)'" _ "$out"
check "a calendar: seven weekday rows" \
  sh -c "[ \$(printf '%s\n' \"\$1\" | grep -Ec '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ') -eq 7 ]" _ "$out"
# Without a UTF-8 locale and not on a terminal: plain characters, no escape sequences.
plain=$(LC_ALL=C "$COACH_BIN" history 2>/dev/null)
check "without UTF-8: ASCII shades, no colour codes" \
  sh -c "printf '%s\n' \"\$1\" | grep -q '# 20+ min' && ! printf '%s' \"\$1\" | grep -q \$(printf '\033')" _ "$plain"
check "yesterday's 5 minutes are a shaded cell (+, 5-9 min)" \
  sh -c "printf '%s\n' \"\$1\" | grep -E '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ' | grep -q '+'" _ "$plain"

json=$("$COACH_BIN" history --json 2>/dev/null)
check "--json: the streak" sh -c "printf '%s\n' \"\$1\" | grep -q '\"streak_days\": 2,'" _ "$json"
check "--json: the skipped lines counted" sh -c "printf '%s\n' \"\$1\" | grep -q '\"skipped_lines\": 2,'" _ "$json"
check "--json: five sessions, steady stopped at step 2" \
  sh -c "[ \$(printf '%s\n' \"\$1\" | grep -c '\"routine\": ') -eq 5 ] && printf '%s\n' \"\$1\" | grep -q '\"routine\": \"steady\", \"length\": null, .*\"step\": 2, \"steps\": 4, \"end\": \"stopped\"'" _ "$json"
check "--json: 56 days" sh -c "[ \$(printf '%s\n' \"\$1\" | grep -c '\"date\": ') -eq 56 ]" _ "$json"
if command -v python3 >/dev/null; then
  check "--json: valid JSON" sh -c "printf '%s\n' \"\$1\" | python3 -m json.tool >/dev/null" _ "$json"
fi
check "history with an unknown option: usage, exit 2" sh -c "'$COACH_BIN' history --yaml 2>&1; [ \$? -eq 2 ]"
finish
