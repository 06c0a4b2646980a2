# Home Assistant's mpd integration, replayed with its own client library (python-mpd2):
# over the MPD socket, as when Home Assistant runs on the same machine (its host field takes
# the socket's path), and over TCP with a password, as from another machine.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
PYTHON=/usr/bin/python3 # Debian's, which python3-mpd is installed for
setup

out=$("$PYTHON" "$COACH_SOURCE_DIR/tests/daemon/ha_replay.py" "$MPD_HOST" 2>&1)
printf '%s\n' "$out" | sed 's/^/  socket: /'
check "the replay over the socket passes" test "$(printf '%s\n' "$out" | tail -n 1)" = "ok: the replay (0 failed)"
check "the replay over the socket checked the session moving" \
  sh -c "printf '%s\n' \"\$1\" | grep -q '^ok: media_next_track: the next step'" _ "$out"

# Over TCP, on a port of this machine, with a password.
daemon_stop
port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >>"$T/coach.ini" <<INI
[mpd]
bind = 127.0.0.1:$port
password = s3cret word
INI
daemon_start || exit 1
out=$("$PYTHON" "$COACH_SOURCE_DIR/tests/daemon/ha_replay.py" 127.0.0.1 "$port" "s3cret word" 2>&1)
printf '%s\n' "$out" | sed 's/^/  tcp: /'
check "the replay over TCP with a password passes" test "$(printf '%s\n' "$out" | tail -n 1)" = "ok: the replay (0 failed)"
check "the wrong password was logged with who sent it" \
  grep -q "mpd: wrong password from 127.0.0.1:[0-9]*: connection closed" "$T/coachd.log"
finish
