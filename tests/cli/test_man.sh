# The man pages (man/*.scd, built into $COACH_MAN_DIR by cmake/Man.cmake): each renders with
# warnings as errors (groff -ww, and man --warnings at 80 columns), no placeholder is left
# unconfigured, coach(1) describes every command `coach --help` lists, coachd(8) every option
# `coachd --help` lists, coach.ini(5) every section and key of the shipped coach.ini, and
# both --help texts stay short and point at their page.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
M=${COACH_MAN_DIR:?the built man pages}
for page in coach.1 coachd.8 coach-routine.5 coach.ini.5; do
  check "$page is built, and compressed for installing" test -s "$M/$page" -a -s "$M/$page.gz"
  out=$(groff -ww -z -man "$M/$page" 2>&1)
  check "$page: groff -ww gives no warning${out:+: $out}" test -z "$out"
  out=$(MANWIDTH=80 man --warnings -l "$M/$page" 2>&1 >/dev/null)
  check "$page: man --warnings gives no warning${out:+: $out}" test -z "$out"
  check "$page: every @PLACEHOLDER@ is configured" sh -c "! grep -q '@[A-Z_]*@' '$M/$page'"
done

# render PAGE: the page as text, no formatting, at 80 columns.
render() { MANWIDTH=80 man -l "$M/$1" 2>/dev/null | col -b; }
# The body of one section (up to the next heading at the left margin).
section() { awk -v s="$1" '/^[A-Z]/ { on = ($0 == s); next } on'; }

commands=$("$COACH_BIN" --help | sed -n 's/^  \([a-z]*\) .*/\1/p')
check "coach --help lists commands ($(echo $commands | wc -w))" test "$(echo $commands | wc -w)" -ge 15
described=$(render coach.1 | section COMMANDS)
for c in $commands; do
  check "coach(1) describes $c" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^       $c( |\$)'" _ "$described"
done
check "coach --help is short (under 25 lines)" test "$("$COACH_BIN" --help | wc -l)" -lt 25
check "coach --help points at the man page" sh -c "'$COACH_BIN' --help | grep -q 'man coach\$'"
for s in "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
  check "coach(1) has $s" sh -c "render() { MANWIDTH=80 man -l '$M/coach.1' | col -b; }; render | grep -qx '$s'"
done

if [ -n "${COACHD_BIN:-}" ] && [ -x "$COACHD_BIN" ]; then
  options=$("$COACHD_BIN" --help | grep -o -- '--[a-z]*' | sort -u)
  daemon=$(render coachd.8)
  for o in $options; do
    check "coachd(8) describes $o" sh -c "printf '%s\n' \"\$1\" | grep -q -- '$o'" _ "$daemon"
  done
  check "coachd --help points at the man page" sh -c "'$COACHD_BIN' --help | grep -q 'man coachd\$'"
  for s in OPTIONS SIGNALS SETTINGS SOCKET "SYSTEMD UNITS"; do
    check "coachd(8) has $s" sh -c "printf '%s\n' \"\$1\" | grep -qx '$s'" _ "$daemon"
  done
fi

# coach.ini(5) against the shipped file: each [section] and each ";key =" under it.
ini=$(render coach.ini.5)
sec=
while IFS= read -r line; do
  case $line in
  \[*\])
    sec=${line#[}
    sec=${sec%]}
    check "coach.ini(5) has a part for [$sec]" sh -c "printf '%s\n' \"\$1\" | grep -q '^   \[$sec\]\$'" _ "$ini"
    ;;
  \;[a-z_]*\ =*)
    key=${line#;}
    key=${key%% =*}
    body=$(printf '%s\n' "$ini" | awk -v s="   [$sec]" '/^   \[/ { on = ($0 == s); next } /^[A-Z]/ { on = 0 } on')
    check "coach.ini(5) describes [$sec] $key" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^       $key = '" _ "$body"
    ;;
  esac
done <"$COACH_SOURCE_DIR/config/coach.ini"
finish
