# One rule for which routine a name means (src/engine/library.h): the shipped folder, then
# coach.ini's [routines] dirs, then the user's folder, a later one replacing a routine of the
# same name. `coach list` (with coachd and without), `coach show`, `coach render` and coachd's
# `start` must all agree, including for a routine that only a configured folder holds, and
# a broken file is skipped by all of them alike.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
cd "$T" || exit 1

# A routine with a title that says which folder it came from.
routine() { # FILE TITLE
  mkdir -p "$(dirname "$1")"
  cat >"$1" <<INI
[routine]
title = $2
summary = From the lookup test.
steps = hello

[step hello]
do    = say
text  = Hello.
after = 200ms
INI
}
routine "$T/extra/only-extra.ini" "Only in dirs"
routine "$T/extra/kneel.ini" "Kneel from dirs"
routine "$T/extra/supine.ini" "Supine from dirs"
routine "$T/mine/supine.ini" "Supine from user_dir"
printf '[routine]\ntitle = Broken\nsteps = nothing-here\n' >"$T/mine/bridge.ini"
# The CLI reads the settings coachd reads without --config: the user's coach.ini.
cat >"$XDG_CONFIG_HOME/coach/coach.ini" <<INI
[routines]
dirs = $T/extra
user_dir = $T/mine
INI

title_of() { "$COACH_BIN" show "$1" 2>/dev/null | head -n 1 | sed 's/, [0-9:.]*$//'; }
check "show: a routine only in [routines] dirs is found" test "$(title_of only-extra)" = "Only in dirs"
check "show: dirs replaces a shipped routine" test "$(title_of kneel)" = "Kneel from dirs"
check "show: user_dir replaces dirs" test "$(title_of supine)" = "Supine from user_dir"
check "show: a shipped routine nobody replaces" test "$(title_of rest)" = "Constructive rest"
out=$("$COACH_BIN" show bridge 2>&1)
check "show: a broken user file is reported with its line" \
  sh -c "printf '%s\n' \"\$1\" | grep -q '^$T/mine/bridge.ini:[0-9]*: '" _ "$out"
check "show: and skipped, as coachd skips it: the shipped bridge is shown" \
  sh -c "printf '%s\n' \"\$1\" | grep -q '^Bridge, '" _ "$out"
out=$("$COACH_BIN" show nosuch 2>&1)
check "show nosuch: names every folder it looked in" \
  sh -c "printf '%s\n' \"\$1\" | grep -qF 'looked in $T/mine, $T/extra and '" _ "$out"
check "render: a routine only in dirs" "$COACH_BIN" render only-extra -o "$T/extra.wav"
check "list --names has it" sh -c "'$COACH_BIN' list --names | grep -qx only-extra"

offline=$("$COACH_BIN" list 2>/dev/null)
check "list without coachd: exit 0" test $? -eq 0
check "list without coachd: the dirs routine and the user's supine" \
  sh -c "printf '%s\n' \"\$1\" | grep -qx 'routine: only-extra' && printf '%s\n' \"\$1\" | grep -qx 'title: Supine from user_dir'" _ "$offline"

# coachd with the same settings file.
cp "$XDG_CONFIG_HOME/coach/coach.ini" "$T/coach.ini"
setup
online=$("$COACH_BIN" list 2>/dev/null)
check "list with coachd: the very lines of list without it" test "$online" = "$offline"
check "start: coachd plays the routine only dirs holds" coach start only-extra
check "status: its title is the one show printed" wait_for title "Only in dirs"
check "start supine: coachd plays the user_dir one" coach start supine
check "status: Supine from user_dir" wait_for title "Supine from user_dir"
coach stop >/dev/null 2>&1
finish
