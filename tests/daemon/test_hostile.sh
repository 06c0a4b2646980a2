# Hostile input while a session plays: bytes no client should send on the socket, arguments no
# command takes, and broken routine and settings files picked up by `reload`. Each case is one
# named check: the answer names the problem (the ACK code of protocol.h and its words), and the
# daemon answers `ping` right after. Between groups, the session must still be playing and
# heard at the monitor with no dropout, and at the end it has had no underrun.
#
# Routine and settings fixtures: tests/data/hostile/{routines,config}/*.ini, whose first line
# is "; expect: LINE: TEXT" (the reload reply must carry "FILE:LINE: ...TEXT...").
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
H=$COACH_SOURCE_DIR/tests/data/hostile
USER_DIR=$XDG_CONFIG_HOME/coach/routines
setup
rec=$T/rec.raw
record_start "$rec" || exit 1
record_wait_ms 300

# --- helpers -----------------------------------------------------------------------------
# reply INPUT: sends INPUT (printf %b: \n, \0, \xHH) on a new connection, then hangs up its
# sending side; prints what came back after the greeting.
reply() { printf '%b' "$1" | socat -t 5 - UNIX-CONNECT:"$COACH_SOCKET" 2>/dev/null | sed 1d; }
reply_file() { socat -t 5 - UNIX-CONNECT:"$COACH_SOCKET" <"$1" 2>/dev/null | sed 1d; }
serving() { "$COACH_BIN" ping >/dev/null 2>&1; }
# judge NAME OUT LINES REGEX: OUT has LINES lines (0: any number), the first matching the
# extended regex REGEX, and the daemon still answers.
judge() {
  local name=$1 out=$2 lines=$3 re=$4 n
  n=$(printf '%s' "$out" | grep -c '')
  if { [ "$lines" -eq 0 ] || [ "$n" -eq "$lines" ]; } &&
    printf '%s\n' "$out" | head -n 1 | grep -Eq -- "$re" && serving; then
    ok "$name"
  else
    not_ok "$name: $n lines: $(printf '%s' "$out" | head -c 300)"
  fi
}
# one NAME INPUT REGEX: exactly one reply line, matching REGEX.
one() { judge "$1" "$(reply "$2")" 1 "$3"; }

# The session. steady plays tones for 40 s after a 1.5 s chime; quiet gaps between tones are
# under 1.1 s, so 1.5 s of silence inside the tones is a dropout.
session_t0=0
start_session() {
  session_t0=$(record_ms)
  "$COACH_BIN" start steady >/dev/null && wait_for state playing
}
# still_playing GROUP: playing now, heard in the last 2 s, no dropout since the session began;
# restarts the session when less than 15 s of tones are left, for the next group.
still_playing() {
  local t
  record_wait_ms $((session_t0 + 2500))
  t=$(record_ms)
  check "$1: the session still plays" test "$(status_of state)" = playing
  check "$1: and is heard" soundstat "$rec" loud-between $((t - 2000)) "$t"
  if [ $((t - session_t0)) -gt 3000 ]; then
    local end=$((session_t0 + 41000))
    [ "$t" -lt "$end" ] && end=$t
    check "$1: no dropout" soundstat -q 1500 "$rec" gaps $((session_t0 + 1700)) "$end"
  fi
  if [ $((t - session_t0)) -gt 26000 ]; then
    echo "note: restarting steady for the next group (at $((t - session_t0)) ms into it)"
    start_session
  fi
}

check "steady starts" start_session

# --- socket: bytes -------------------------------------------------------------------------
# Deterministic binary garbage (64 KiB, with newlines), then a real command on the same
# connection: every garbage line gets an ACK, and the connection still works after.
LC_ALL=C awk 'BEGIN { srand(7); for (i = 0; i < 65536; i++) printf "%c", int(rand() * 256) }' >"$T/garbage"
printf '\nping\n' >>"$T/garbage"
out=$(reply_file "$T/garbage")
check "binary garbage: every reply is an ACK [1], [2], [3] or [8], then ping's OK" \
  sh -c "printf '%s\n' \"\$1\" | sed '\$d' | grep -Evq '^ACK \[(1|2|3|8)\] ' && exit 1
         [ \"\$(printf '%s\n' \"\$1\" | tail -n 1)\" = OK ] && [ \$(printf '%s\n' \"\$1\" | wc -l) -gt 10 ]" _ "$out"
check "binary garbage: the daemon keeps serving" serving

one "NUL byte inside a command: ACK [3] names the NUL" 'pi\0ng\n' '^ACK \[3\] \{\} line holds a NUL byte'
one "NUL bytes only: ACK [3]" '\0\0\0\0\n' '^ACK \[3\] \{\} line holds a NUL byte'
one "invalid UTF-8: ACK [3] not valid UTF-8" 'say caf\xe9\n' '^ACK \[3\] \{\} line is not valid UTF-8'
one "overlong UTF-8 (/ as C0 AF): ACK [3]" 'start \xc0\xafetc\n' '^ACK \[3\] \{\} line is not valid UTF-8'
one "UTF-16 surrogate in UTF-8: ACK [3]" 'say \xed\xa0\x80\n' '^ACK \[3\] \{\} line is not valid UTF-8'
one "control bytes (an escape sequence): ACK [3]" 'say \x1b[2J\x07\n' '^ACK \[3\] \{\} .*control'

head -c 1048576 /dev/zero | tr '\0' a >"$T/mib"
printf '\nping\n' >>"$T/mib"
out=$(reply_file "$T/mib")
judge "1 MiB line: ACK [8] line too long, once" "$out" 2 '^ACK \[8\] \{\} line too long \(limit 4095 bytes\)$'
check "1 MiB line: the same connection then answers ping" test "$(printf '%s\n' "$out" | tail -n 1)" = OK
out=$(reply "$(head -c 4095 /dev/zero | tr '\0' ' ')x\n")
judge "a line of exactly 4096 bytes: ACK [8]" "$out" 1 '^ACK \[8\] '
out=$(reply "ping$(head -c 4090 /dev/zero | tr '\0' ' ')\n")
judge "a 4095-byte line (the limit) is not too long" "$out" 1 '^OK$'

out=$(reply 'ping')
judge "a line without newline, then hang-up: dropped without a reply" "$out" 0 '^$'
check "a line without newline, then hang-up: nothing was answered" test -z "$out"
out=$(reply 'status\nping')
judge "a last line without newline after a whole one: only the whole one is answered" "$out" 0 '^state: playing$'
check "a last line without newline: exactly one OK" test "$(printf '%s\n' "$out" | grep -c '^OK$')" -eq 1
for i in $(seq 20); do printf 'list\nstatus\n' | socat -t 0 - UNIX-CONNECT:"$COACH_SOCKET" >/dev/null 2>&1; done
check "20 clients hang up before reading their replies: the daemon keeps serving" serving

# --- socket: commands and arguments ----------------------------------------------------------
one "unknown command: ACK [1] names it" 'frobnicate\n' '^ACK \[1\] \{\} unknown command "frobnicate"$'
one "unknown command in capitals: ACK [1]" 'PING\n' '^ACK \[1\] \{\} unknown command "PING"$'
one "empty line: ACK [1] empty line" '\n' '^ACK \[1\] \{\} empty line'
one "only blanks: ACK [1] empty line" '  \t  \n' '^ACK \[1\] \{\} empty line'
one "too many arguments: ACK [2] names the count" 'ping now\n' '^ACK \[2\] \{ping\} wrong number of arguments for "ping": expected 0, got 1$'
one "start with three arguments: ACK [2]" 'start steady 5m extra\n' '^ACK \[2\] \{start\} wrong number of arguments for "start": expected 1 to 2, got 3$'
one "more than 16 words: ACK [2] names the word limit" 'say a b c d e f g h i j k l m n o p q r s t\n' '^ACK \[2\] \{say\} too many arguments .*at most 16 words'
one "too few arguments, start: ACK [2]" 'start\n' '^ACK \[2\] \{start\} wrong number of arguments for "start": expected 1 to 2, got 0$'
one "too few arguments, say: ACK [2]" 'say\n' '^ACK \[2\] \{say\} wrong number of arguments'
one "unterminated quote: ACK [3]" 'start "steady\n' '^ACK \[3\] \{\} unterminated quote$'
one "a quote inside a word: ACK [3]" 'sta"rt" steady\n' '^ACK \[3\] \{\} .*quote'
one "CRLF line end is accepted" 'ping\r\n' '^OK$'
one "noidle when not idle: no reply, as in MPD" 'noidle\nping\n' '^OK$'
one "idle with an unknown event: ACK [3] names it" 'idle player frobnicate\n' '^ACK \[3\] \{idle\} unknown event "frobnicate"'
out=$(reply 'idle database\nping\nping\n')
judge "a command other than noidle while idle: ACK [5], then the connection is closed" "$out" 1 '^ACK \[5\] .*noidle'

# Routine names are checked before any path is built from them.
one 'start ../etc/passwd: ACK [3] not a routine name' 'start ../etc/passwd\n' '^ACK \[3\] \{start\} "\.\./etc/passwd" is not a routine name'
one 'start a/b: ACK [3] not a routine name' 'start a/b\n' '^ACK \[3\] \{start\} "a/b" is not a routine name'
one 'start ..: ACK [3] not a routine name' 'start ..\n' '^ACK \[3\] \{start\} "\.\." is not a routine name'
one 'start -rf: ACK [3] not a routine name' 'start -rf\n' '^ACK \[3\] \{start\} "-rf" is not a routine name'
one 'start /etc/passwd, quoted: ACK [3]' 'start "/etc/passwd"\n' '^ACK \[3\] \{start\} "/etc/passwd" is not a routine name'
one 'start an empty name: ACK [3]' 'start ""\n' '^ACK \[3\] \{start\} "" is not a routine name'
one 'start a 49-byte name (one over the limit): ACK [3]' "start $(head -c 49 /dev/zero | tr '\0' a)\n" '^ACK \[3\] \{start\} "a+" is not a routine name'
one 'start a 4000-byte name: ACK [3], the name cut short in the reply' "start $(head -c 4000 /dev/zero | tr '\0' a)\n" '^ACK \[3\] \{start\} "a{60}" is not a routine name'
one 'start a 10 KB name: ACK [8] line too long' "start $(head -c 10240 /dev/zero | tr '\0' a)\n" '^ACK \[8\] \{\} line too long'
one 'start an unknown routine: ACK [4] no routine named' 'start nosuch\n' '^ACK \[4\] \{start\} no routine named "nosuch"'
one 'start rest 1e309: ACK [3] names the unit' 'start rest 1e309\n' '^ACK \[3\] \{start\} "1e309" has an unknown unit "e"'
one 'start rest -5s: ACK [3] negative' 'start rest -5s\n' '^ACK \[3\] \{start\} "-5s" is negative'
one 'start rest 0: ACK [3] no unit' 'start rest 0\n' '^ACK \[3\] \{start\} "0" has no unit'
one 'start rest 100h: ACK [3] too long' 'start rest 100h\n' '^ACK \[3\] \{start\} "100h" is too long'
one 'start rest 0s: ACK [3] outside the range' 'start rest 0s\n' '^ACK \[3\] \{start\} 0s is outside rest.s range of 5m to 15m'
one 'start steady 5m: ACK [3] fixed length' 'start steady 5m\n' '^ACK \[3\] \{start\} routine steady has a fixed length'
one 'volume -1: ACK [3] names the range' 'volume -1\n' '^ACK \[3\] \{volume\} volume is a whole number from 0 to 100, not "-1"$'
one 'volume 1e309: ACK [3]' 'volume 1e309\n' '^ACK \[3\] \{volume\} volume is a whole number from 0 to 100, not "1e309"$'
one 'volume abc: ACK [3]' 'volume abc\n' '^ACK \[3\] \{volume\} volume is a whole number from 0 to 100, not "abc"$'
one 'volume 99999999999999999999 (overflow): ACK [3]' 'volume 99999999999999999999\n' '^ACK \[3\] \{volume\} volume is a whole number from 0 to 100'
one 'volume 101: ACK [3]' 'volume 101\n' '^ACK \[3\] \{volume\} volume is a whole number from 0 to 100, not "101"$'
check "the refused volumes left the volume at 80" test "$(status_of volume)" = 80
one 'say with 5,000 bytes: ACK [8] line too long' "say $(head -c 5000 /dev/zero | tr '\0' a)\n" '^ACK \[8\] \{\} line too long'
one 'say with 4,050 bytes in 15 words: ACK [7] names the limit' "say$(for i in $(seq 15); do printf ' %s' "$(head -c 269 /dev/zero | tr '\0' a)"; done)\n" '^ACK \[7\] \{say\} the text is longer than 4000 bytes$'
one 'say an empty text: ACK [3] nothing to say' 'say ""\n' '^ACK \[3\] \{say\} nothing to say$'
still_playing "after the bad commands"

# --- socket: clients that misbehave in time ----------------------------------------------------
# 50,000 commands sent without reading a reply: the daemon stops reading that client (its
# replies wait), serves the others meanwhile, and every reply arrives, in order, once read.
awk 'BEGIN { for (i = 1; i <= 25000; i++) printf "ping\nx%d\n", i }' >"$T/flood.in"
socat -t 30 - UNIX-CONNECT:"$COACH_SOCKET" <"$T/flood.in" 2>/dev/null | { sleep 2; cat >"$T/flood.out"; } &
flood=$!
sleep 1
check "a flood of 50,000 commands unread: others are served meanwhile" serving
check "a flood of 50,000 commands unread: status answers meanwhile" test "$(status_of state)" = playing
wait "$flood"
check "a flood of 50,000 commands: 25,000 OKs once read" test "$(grep -c '^OK$' "$T/flood.out")" -eq 25000
check "a flood of 50,000 commands: 25,000 ACK [1], in order" \
  sh -c "sed -n 's/^ACK \[1\] {} unknown command \"x\([0-9]*\)\"\$/\1/p' '$T/flood.out' | awk '\$1 != NR { bad = 1 } END { exit !(NR == 25000 && !bad) }'"

# A client that connects and says nothing, and one that stops in the middle of a line.
sleep 3 | socat - UNIX-CONNECT:"$COACH_SOCKET" >"$T/silent.out" 2>&1 &
silent=$!
{ printf 'sta'; sleep 3; } | socat - UNIX-CONNECT:"$COACH_SOCKET" >"$T/half.out" 2>&1 &
half=$!
sleep 0.5
t0=$(date +%s%N)
check "a silent client and a half-line client connected: others are served" \
  sh -c "for i in 1 2 3 4 5; do '$COACH_BIN' ping || exit 1; done"
# Were the daemon waiting on either of them, the pings would wait the 3 s they stay.
check "... while they are still there: five pings within 2.5 s" \
  test $((($(date +%s%N) - t0) / 1000000)) -lt 2500
wait "$silent" "$half"
check "the silent client got only the greeting" test "$(cat "$T/silent.out")" = "OK coach 1"
check "the half-line client got only the greeting" test "$(cat "$T/half.out")" = "OK coach 1"
still_playing "after the misbehaving clients"

# --- reload: broken routine files in the user's folder ---------------------------------------
for f in "$H"/routines/*.ini; do cp "$f" "$USER_DIR/"; done
{
  printf '[routine]\ntitle = Ten thousand steps\nsummary = Far too many.\nsteps = s1\n'
  i=1
  while [ $i -le 10000 ]; do printf '[step s%d]\ndo=chime\n' $i; i=$((i + 1)); done
} >"$USER_DIR/ten_thousand.ini"
head -c 10000000 /dev/zero | tr '\0' ';' >"$USER_DIR/ten_mb.ini"
ln -s /dev/zero "$USER_DIR/zero.ini"
ln -s loop.ini "$USER_DIR/loop.ini"
mkdir "$USER_DIR/folder.ini"
cp "$COACH_SOURCE_DIR/tests/data/routines/brief.ini" "$USER_DIR/Bad Name.ini"
t0=$(date +%s%N)
out=$(timeout 20 "$COACH_BIN" reload 2>&1)
rc=$?
reload_ms=$((($(date +%s%N) - t0) / 1000000))
check "reload with broken routine files: answers OK (in $reload_ms ms)" test "$rc" -eq 0
for f in "$H"/routines/*.ini; do
  name=$(basename "$f")
  line=$(sed -n '1s/^; expect: \([0-9]*\): .*/\1/p' "$f")
  text=$(sed -n '1s/^; expect: [0-9]*: //p' "$f")
  check "reload $name: the error names $name:$line: $text" \
    sh -c "printf '%s\n' \"\$1\" | grep -F \"error: \$2:\$3: \" | grep -qF -- \"\$4\"" _ "$out" "$USER_DIR/$name" "$line" "$text"
done
rerr() { # NAME PATTERN: the reload reply has an error line matching PATTERN
  check "$1" sh -c "printf '%s\n' \"\$1\" | grep -Eq -- \"\$2\"" _ "$out" "$2"
}
rerr "reload a 10,000-step routine: more than 256 steps, file:line" "^error: $USER_DIR/ten_thousand.ini:517: more than 256 steps"
rerr "reload a 10 MB routine: more than 256 KiB" "^error: $USER_DIR/ten_mb.ini: .*more than 256 KiB"
rerr "reload a symlink to /dev/zero: not a regular file" "^error: $USER_DIR/zero.ini: is not a regular file"
rerr "reload a symlink loop: too many levels of symbolic links" "^error: $USER_DIR/loop.ini: cannot open: Too many levels"
rerr "reload a folder named .ini: is a directory" "^error: $USER_DIR/folder.ini: is a directory; give the path of a routine .ini file"
rerr "reload a file named \"Bad Name.ini\": not a valid routine name" "^error: $USER_DIR/Bad Name.ini: \"Bad Name\" is not a valid routine name"
check "reload: the log names the broken files too" grep -q "ten_thousand.ini:517: more than 256 steps" "$T/coachd.log"
one "a broken routine is not listed or startable: ACK [4]" 'start duration_negative\n' '^ACK \[4\] \{start\} no routine named "duration_negative"'
check "reload: the good routines are still listed" sh -c "'$COACH_BIN' list | grep -q '^routine: brief$'"
still_playing "after reloading broken routines"
rm -rf "${USER_DIR:?}"/*

# --- reload: broken settings -----------------------------------------------------------------
cp "$T/coach.ini" "$T/coach.ini.good"
: >"$T/a-file"
cat >"$T/coach.ini" <<INI
[routines]
dirs = $COACH_SOURCE_DIR/tests/data/routines, $T/a-file
[daemon]
log_level = debug
INI
out=$(timeout 20 "$COACH_BIN" reload 2>&1)
check "reload with a routine folder that is a file: answers OK" test $? -eq 0
rerr "reload with a routine folder that is a file: the error names it" "^error: $T/a-file: is not a folder"
check "a routine folder that is a file: the daemon logs it" grep -q "$T/a-file: is not a folder" "$T/coachd.log"
check "a routine folder that is a file: the other folder still loads" sh -c "'$COACH_BIN' list | grep -q '^routine: steady$'"

for f in "$H"/config/*.ini; do
  cp "$f" "$T/coach.ini"
  line=$(sed -n '1s/^; expect: \([0-9]*\): .*/\1/p' "$f")
  text=$(sed -n '1s/^; expect: [0-9]*: //p' "$f")
  out=$(timeout 20 "$COACH_BIN" reload 2>&1)
  check "reload settings $(basename "$f"): coach.ini:$line: $text" \
    sh -c "printf '%s\n' \"\$1\" | grep -F \"error: \$2:\$3: \" | grep -qF -- \"\$4\"" _ "$out" "$T/coach.ini" "$line" "$text"
done
rm -f "$T/coach.ini"
mkdir "$T/coach.ini"
out=$(timeout 20 "$COACH_BIN" reload 2>&1)
rerr "reload when the settings file became a directory: is a directory" "^error: $T/coach.ini: is a directory"
rmdir "$T/coach.ini"
ln -s "$T/nowhere.ini" "$T/coach.ini"
out=$(timeout 20 "$COACH_BIN" reload 2>&1)
rerr "reload when the settings file is a dangling symlink: No such file" "^error: $T/coach.ini: cannot open: No such file"
rm -f "$T/coach.ini"
mkfifo "$T/coach.ini"
out=$(timeout 10 "$COACH_BIN" reload 2>&1)
rerr "reload when the settings file is a FIFO: not a regular file, no hang" "^error: $T/coach.ini: is not a regular file"
rm -f "$T/coach.ini"
check "the log says the previous settings stay" grep -q "settings not reloaded: the previous ones stay in use" "$T/coachd.log"
check "unreadable settings kept the previous ones (volume 80)" test "$(status_of volume)" = 80
mv "$T/coach.ini.good" "$T/coach.ini"
check "reload with the good settings back: OK" coach reload
still_playing "after reloading broken settings"

check "no underruns through all of it" test "$(status_of underruns)" = 0

# --- last: cases that may leave the daemon stuck ---------------------------------------------
# A say of exactly the limit (4000 bytes) is within it.
text=$(printf 'la %.0s' $(seq 1333))x
check "say of exactly 4000 bytes (the limit) is accepted" coach say "$text"
check "no underruns after a 4000-byte say" test "$(status_of underruns)" = 0

# A FIFO in the routine folder: opening it must not wait for a writer, or the daemon hangs.
mkfifo "$USER_DIR/fifo.ini"
out=$(timeout 5 "$COACH_BIN" reload 2>&1)
rc=$?
if [ "$rc" -eq 124 ]; then
  # Stuck in open(): a writer lets it through, so the rest of the test (and its clean-up)
  # can go on.
  timeout 5 sh -c ": >'$USER_DIR/fifo.ini'"
fi
check "reload with a FIFO in the routine folder: answers within 5 s" test "$rc" -ne 124
rerr "reload with a FIFO in the routine folder: not a regular file" "^error: $USER_DIR/fifo.ini: .*not a regular file"
rm -f "$USER_DIR/fifo.ini"
check "the daemon keeps serving at the end" serving
finish
