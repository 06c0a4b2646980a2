# Who may talk to coachd, and what their words may reach. Only the owning user: the socket's
# directory is 0700 and the socket 0600 (whatever the umask), a directory others could write
# to or that another user owns is refused, and even with the file modes opened up, a peer of
# another uid (SO_PEERCRED) gets ACK [9] and a log line, and none of its commands runs. No
# client text reaches a shell or a file path: shell syntax in names and texts does nothing but
# earn an ACK (or be spoken), and line breaks cannot smuggle a second command through `coach`.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
setup
S=$COACH_SOCKET
reply() { printf '%b' "$1" | socat -t 5 - UNIX-CONNECT:"$S" 2>/dev/null | sed 1d; }
# one NAME INPUT REGEX: exactly one reply line, matching the extended regex REGEX.
one() {
  local out n
  out=$(reply "$2")
  n=$(printf '%s' "$out" | grep -c '')
  if [ "$n" -eq 1 ] && printf '%s\n' "$out" | grep -Eq -- "$3"; then
    ok "$1"
  else
    not_ok "$1: $(printf '%s' "$out" | head -c 300)"
  fi
}
mode() { stat -c %a "$1"; }

# --- file modes ------------------------------------------------------------------------------
check "the socket is a socket of mode 0600" sh -c "[ -S '$S' ] && [ \$(stat -c %a '$S') = 600 ]"
check "its directory has mode 0700" test "$(mode "$(dirname "$S")")" = 700
check "the socket and its directory belong to us" \
  test "$(stat -c %u "$S")$(stat -c %u "$(dirname "$S")")" = "$(id -u)$(id -u)"
check "the lock file beside it has mode 0600" test "$(mode "$S.lock")" = 600

# A second daemon, started with umask 000 on a socket directory it must make itself.
second() { # SOCKET: runs a second coachd on SOCKET for at most 3 s; output in out, status in rc
  out=$(umask 000; timeout 3 "$COACHD_BIN" --config "$T/coach.ini" --socket "$1" 2>&1)
  rc=$?
}
(umask 000; timeout 2 "$COACHD_BIN" --config "$T/coach.ini" --socket "$T/fresh/socket" \
  >"$T/fresh.log" 2>&1) &
fresh=$!
for _ in $(seq 100); do [ -S "$T/fresh/socket" ] && break; sleep 0.02; done
check "made under umask 000: the directory is 0700" test "$(mode "$T/fresh")" = 700
check "made under umask 000: the socket is 0600" test "$(mode "$T/fresh/socket")" = 600
wait "$fresh"
mkdir -m 0777 "$T/open"
chmod 0777 "$T/open"
second "$T/open/socket"
check "a socket directory others may write to is refused, naming its mode" \
  sh -c "[ $rc -eq 1 ] && printf '%s\n' \"\$1\" | grep -q 'writable by other users (mode 0777)'" _ "$out"
check "... and left as it was" test "$(mode "$T/open")" = 777
: >"$T/plain"
second "$T/plain/socket"
check "a socket path under a regular file is refused" \
  sh -c "[ $rc -eq 1 ] && printf '%s\n' \"\$1\" | grep -q 'is not a directory'" _ "$out"
mkdir -m 0700 "$T/taken" && echo "keep me" >"$T/taken/socket"
second "$T/taken/socket"
check "a socket path held by a regular file is refused, and the file kept" \
  sh -c "[ $rc -eq 1 ] && printf '%s\n' \"\$1\" | grep -q 'exists and is not a socket' && [ \"\$(cat '$T/taken/socket')\" = 'keep me' ]" _ "$out"
ln -s "$T/plain" "$T/taken/link"
second "$T/taken/link"
check "a socket path that is a symlink is refused, its target untouched" \
  sh -c "[ $rc -eq 1 ] && printf '%s\n' \"\$1\" | grep -q 'exists and is not a socket' && [ -f '$T/plain' ]" _ "$out"

# --- another uid (needs root to become one) ----------------------------------------------------
check "a session plays" sh -c "'$COACH_BIN' start steady >/dev/null" && wait_for state playing >/dev/null
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
  echo "skip: the SO_PEERCRED checks need root (to connect as nobody) and setpriv"
else
  nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  mkdir -m 0700 "$T/nobodys" && chown 65534 "$T/nobodys"
  second "$T/nobodys/socket"
  check "a socket directory another user owns is refused" \
    sh -c "[ $rc -eq 1 ] && printf '%s\n' \"\$1\" | grep -q 'belongs to uid 65534'" _ "$out"

  # Open the fences the file modes make, so only the credential check is left.
  chmod 0711 "$T" "$(dirname "$S")"
  chmod 0666 "$S"
fi
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && ! nobody test -w "$S"; then
  echo "skip: the SO_PEERCRED checks: nobody cannot reach $S (a folder above it is closed)"
  chmod 0700 "$T" "$(dirname "$S")"
  chmod 0600 "$S"
elif [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  out=$(nobody socat -t 3 -u UNIX-CONNECT:"$S" STDOUT 2>&1)
  check "nobody connecting gets ACK [9] and no greeting" \
    sh -c "[ \"\$1\" = 'ACK [9] {} permission denied: not the owner of this coachd' ]" _ "$out"
  check "the log says who was refused" grep -q "refused connection from uid 65534 (pid [0-9]*): only uid $(id -u) may connect" "$T/coachd.log"
  printf 'stop\nvolume 0\n' | nobody socat -t 2 - UNIX-CONNECT:"$S" >/dev/null 2>&1
  check "nobody's stop was not run: still playing" test "$(status_of state)" = playing
  check "nobody's volume 0 was not run: volume still 80" test "$(status_of volume)" = 80
  out=$(nobody "$COACH_BIN" stop 2>&1)
  rc=$?
  check "coach as nobody: exit 1, permission denied ($out)" \
    sh -c "[ $rc -eq 1 ] && printf '%s\n' \"\$1\" | grep -q 'permission denied'" _ "$out"
  for _ in $(seq 50); do nobody socat -t 1 -u UNIX-CONNECT:"$S" STDOUT 2>/dev/null; done >"$T/fifty"
  check "50 connections from nobody: each refused with ACK [9]" \
    test "$(grep -c '^ACK \[9\] ' "$T/fifty")" -eq 50
  check "... and the owner is still served, the session still playing" \
    sh -c "'$COACH_BIN' ping && [ \"\$('$COACH_BIN' status | sed -n 's/^state: //p')\" = playing ]"
  chmod 0700 "$T" "$(dirname "$S")"
  chmod 0600 "$S"
fi

# --- client text never reaches a shell or a path -----------------------------------------------
cd "$T" || exit 1
m=$T/pwned
one 'say $(touch ...): spoken, not run' "say \"\$(touch $m.1)\"\n" '^OK$'
one 'say `touch ...`: spoken, not run' "say \"\`touch $m.2\`\"\n" '^OK$'
one 'say ; touch ...: spoken, not run' "say \"x; touch $m.3\"\n" '^OK$'
one 'start $(touch ...): ACK [3] not a routine name' "start \"\$(touch $m.4)\"\n" '^ACK \[3\] \{start\} .* is not a routine name'
one 'start a;touch: ACK [3]' "start \"a;touch $m.5\"\n" '^ACK \[3\] \{start\} .* is not a routine name'
one 'start a|b: ACK [3]' 'start a|b\n' '^ACK \[3\] \{start\} "a\|b" is not a routine name'
one 'start a&b: ACK [3]' 'start a&b\n' '^ACK \[3\] \{start\} "a&b" is not a routine name'
one 'start ~root: ACK [3]' 'start ~root\n' '^ACK \[3\] \{start\} "~root" is not a routine name'
one 'start $HOME: ACK [3]' 'start $HOME\n' '^ACK \[3\] \{start\} "\$HOME" is not a routine name'
one 'start rest $(touch ...) as the length: ACK [3]' "start rest \"\$(touch $m.6)\"\n" '^ACK \[3\] \{start\} '
one 'volume $(touch ...): ACK [3]' "volume \"\$(touch $m.7)\"\n" '^ACK \[3\] \{volume\} '
one 'idle $(touch ...): ACK [3]' "idle \"\$(touch $m.8)\"\n" '^ACK \[3\] \{idle\} unknown event'
# A routine file outside every routine folder, reached by a relative name.
cp "$COACH_SOURCE_DIR/tests/data/routines/brief.ini" "$T/evil.ini"
rel=$(printf '../%.0s' $(seq 20))${T#/}/evil
one 'start a ../ path to a real routine file: ACK [3], not loaded' "start $rel\n" '^ACK \[3\] \{start\} .* is not a routine name'
check "... and it is not listed" sh -c "! '$COACH_BIN' list | grep -q '^routine: evil$'"
# Routine files whose names are shell syntax: skipped as bad names, never run.
u=$XDG_CONFIG_HOME/coach/routines
cp "$T/evil.ini" "$u/\$(touch $(basename "$m").9).ini"
cp "$T/evil.ini" "$u/x;touch $(basename "$m").10.ini"
out=$("$COACH_BIN" reload 2>&1)
check "routine files named with shell syntax: reported as bad names on reload" \
  sh -c "[ \$(printf '%s\n' \"\$1\" | grep -c 'is not a valid routine name') -eq 2 ]" _ "$out"
rm -f "$u"/*
check "no file was created by any of it" \
  sh -c "! ls '$T' /tmp \"\$(readlink /proc/$DAEMON_PID/cwd)\" 2>/dev/null | grep -q pwned"

# Through `coach`: a line break in an argument cannot become a second command.
out=$("$COACH_BIN" say "$(printf 'hello\nstop')" 2>&1)
rc=$?
check "coach say with a newline: refused before sending, exit 2" \
  sh -c "[ $rc -eq 2 ] && printf '%s\n' \"\$1\" | grep -q 'cannot be sent'" _ "$out"
out=$("$COACH_BIN" start "$(printf 'steady\rstop')" 2>&1)
rc=$?
check "coach start with a carriage return: refused before sending, exit 2" \
  sh -c "[ $rc -eq 2 ] && printf '%s\n' \"\$1\" | grep -q 'cannot be sent'" _ "$out"
check "... so nothing was stopped: still playing" test "$(status_of state)" = playing
check "coach say with quotes and backslashes goes through whole" \
  coach say 'She said "stop" \ and went on.'
check "... and did not stop the session either" test "$(status_of state)" = playing
check "the daemon keeps serving" coach ping
finish
