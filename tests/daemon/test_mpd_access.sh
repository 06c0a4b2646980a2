# Who may reach the MPD listener: the owning user on its socket (0600, the peer check), no
# network unless [mpd] bind says so, no bind other machines can reach without a password,
# and over TCP nothing but a handful of commands before the right password; a wrong one is
# refused, logged, and costs the connection.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
PYTHON=/usr/bin/python3
setup
INI=$T/coach.ini
cp "$INI" "$T/base.ini"
free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# tcp_listeners PID: the TCP addresses PID listens on, one a line.
tcp_listeners() { ss -Hltnp 2>/dev/null | awk -v p="pid=$1," 'index($0, p) { print $4 }'; }
# with_mpd LINES...: coach.ini is the base one plus an [mpd] section of LINES.
with_mpd() { { cat "$T/base.ini"; echo "[mpd]"; printf '%s\n' "$@"; } >"$INI"; }
# refused WHAT REGEX: coachd with this coach.ini does not start, and says REGEX.
refused() {
  local out rc
  out=$(timeout 10 "$COACHD_BIN" --config "$INI" 2>&1)
  rc=$?
  if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -Eq -- "$2"; then ok "$1"; else not_ok "$1: exit $rc: $out"; fi
}

# --- the socket, and no network by default -----------------------------------------------------
check "the MPD socket is 0600 in the control socket's 0700 folder" \
  sh -c "[ \$(stat -c %a '$MPD_HOST') = 600 ] && [ \$(stat -c %a '$(dirname "$MPD_HOST")') = 700 ]"
check "by default coachd listens on no TCP port" test -z "$(tcp_listeners "$DAEMON_PID")"
check "over the socket no password is needed" sh -c "mpc status | grep -q '^volume'"
check "the lock beside the MPD socket keeps a second coachd off it" test -f "$MPD_HOST.lock"
{ cat "$T/base.ini"; printf '[mpd]\nsocket = %s\n' "$MPD_HOST"; } >"$T/second.ini"
out=$(timeout 5 "$COACHD_BIN" --config "$T/second.ini" --socket "$T/other/socket" 2>&1)
check "a second coachd with its own control socket but this MPD socket is refused" \
  sh -c "printf '%s\n' \"\$1\" | grep -q 'another coachd is already listening on $MPD_HOST'" _ "$out"
check "... and the first still answers MPD clients" sh -c "mpc status >/dev/null"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  chmod 0711 "$T" "$(dirname "$MPD_HOST")"
  chmod 0666 "$MPD_HOST"
  out=$(nobody socat -t 3 -u UNIX-CONNECT:"$MPD_HOST" STDOUT 2>&1)
  check "another uid on the MPD socket: ACK [4@0], MPD's permission error, and no greeting" \
    test "$out" = "ACK [4@0] {} permission denied: not the owner of this coachd"
  printf 'setvol 0\n' | nobody socat -t 2 - UNIX-CONNECT:"$MPD_HOST" >/dev/null 2>&1
  check "... and its setvol 0 was not run" test "$(status_of volume)" = 80
  chmod 0700 "$T" "$(dirname "$MPD_HOST")"
  chmod 0600 "$MPD_HOST"
else
  echo "skip: the peer check on the MPD socket needs root (to connect as nobody) and setpriv"
fi
daemon_stop

# --- binds that are refused ----------------------------------------------------------------------
port=$(free_port)
with_mpd "bind = 0.0.0.0:$port"
refused "bind = 0.0.0.0 without a password: coachd does not start, naming file, line and fix" \
  "$INI:[0-9]+: \[mpd\] bind = 0\.0\.0\.0:$port lets other machines connect: set \[mpd\] password too"
with_mpd "bind = [::]:$port"
refused "bind = [::] without a password: refused too" "set \[mpd\] password too"
with_mpd "password =" "bind = 192.168.1.1:$port"
refused "a LAN address with an empty password: refused" "set \[mpd\] password too"
with_mpd "bind = somehost:$port"
refused "a host name: refused, names are not looked up" "not a numeric IPv4 address"
"$PYTHON" -c "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', $port)); s.listen(); time.sleep(30)" &
holder=$!
for i in $(seq 200); do [ -n "$(tcp_listeners "$holder")" ] && break; sleep 0.1; done
with_mpd "bind = 127.0.0.1:$port"
refused "a port another program holds: refused, saying how to go without the listener" \
  "127\.0\.0\.1:$port is in use by another program \(set \[mpd\] enabled = no"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# --- this machine only, no password -------------------------------------------------------------
port=$(free_port)
with_mpd "bind = 127.0.0.1:$port"
daemon_start || exit 1
check "bind = 127.0.0.1: listening there and only there" test "$(tcp_listeners "$DAEMON_PID")" = "127.0.0.1:$port"
check "loopback without a password: mpc needs none" sh -c "mpc -h 127.0.0.1 -p $port status | grep -q '^volume'"
check "the log says where MPD clients connect" \
  grep -q "MPD clients: listening on $MPD_HOST and 127.0.0.1:$port$" "$T/coachd.log"
daemon_stop

# --- a password --------------------------------------------------------------------------------
port=$(free_port)
with_mpd "bind = 0.0.0.0:$port" "password = open sesame"
daemon_start || exit 1
check "bind = 0.0.0.0 with a password: coachd starts, listening on every address" \
  test "$(tcp_listeners "$DAEMON_PID")" = "0.0.0.0:$port"
out=$(mpc -h 127.0.0.1 -p "$port" status 2>&1)
check "no password: status refused with MPD's permission error" \
  sh -c "printf '%s\n' \"\$1\" | grep -q \"you don't have permission for \\\"status\\\"\"" _ "$out"
out=$(printf 'ping\ncommands\nnotcommands\nstatus\n' | socat -t 3 - TCP:127.0.0.1:"$port" 2>&1)
commands=$(printf '%s\n' "$out" | sed -n '3,/^OK$/p')
notcommands=$(printf '%s\n' "$out" | sed '1,/^OK$/d' | sed '1,/^OK$/d' | sed -n '1,/^OK$/p')
check "before the password: ping answers" test "$(printf '%s\n' "$out" | sed -n 2p)" = OK
check "... commands lists password, not status" \
  sh -c 'printf "%s\n" "$1" | grep -qx "command: password" && ! printf "%s\n" "$1" | grep -qx "command: status"' _ "$commands"
check "... notcommands lists status" sh -c 'printf "%s\n" "$1" | grep -qx "command: status"' _ "$notcommands"
check "... status is refused: ACK [4@0]" \
  test "$(printf '%s\n' "$out" | tail -n 1)" = "ACK [4@0] {status} you don't have permission for \"status\""
check "the right password: mpc works" sh -c "mpc -h 'open sesame@127.0.0.1' -p $port status | grep -q '^volume'"
out=$(mpc -h "guess@127.0.0.1" -p "$port" status 2>&1)
check "a wrong password: MPD's incorrect password" \
  sh -c "printf '%s\n' \"\$1\" | grep -q 'incorrect password'" _ "$out"
check "a wrong password is logged with where it came from" \
  grep -q "mpd: wrong password from 127.0.0.1:[0-9]*: connection closed" "$T/coachd.log"
out=$(printf 'password guess\nping\n' | socat -t 3 - TCP:127.0.0.1:"$port" 2>&1)
check "a wrong password ends the connection: the ping after it is not answered" \
  test "$out" = "$(printf 'OK MPD 0.23.5\nACK [3@0] {password} incorrect password')"
check "over the socket, still no password needed" sh -c "mpc status | grep -q '^volume'"
daemon_stop

# --- turned off -------------------------------------------------------------------------------
with_mpd "enabled = no"
: >"$T/coachd.log"
daemon_start || exit 1
check "enabled = no: no MPD socket" test ! -e "$MPD_HOST"
check "enabled = no: the log says so" grep -q "MPD listener off (\[mpd\] enabled = no)" "$T/coachd.log"
check "enabled = no: coach still works" coach ping

# --- no session bus: one line, and coachd carries on ----------------------------------------------
check "no session bus: one log line about it" \
  test "$(grep -c 'desktop media controls (MPRIS) off: no session bus' "$T/coachd.log")" -eq 1
finish
