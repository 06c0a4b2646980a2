# The hostile socket inputs of test_hostile.sh, replayed on the MPD socket while a session
# (started over MPD) plays: bytes no client should send, arguments no command takes, command
# lists that break the rules, floods and clients that stall. Each case is one named check:
# the answer is MPD's ACK with MPD's code and words naming the problem, and coachd answers
# `ping` right after. At the end the session has played throughout, with no dropout and no
# underrun.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
setup
rec=$T/rec.raw
record_start "$rec" || exit 1
record_wait_ms 300
S=$MPD_HOST

# ask INPUT: what the MPD socket answers INPUT (printf %b) on a new connection that then
# stops sending, after the greeting.
ask() { printf '%b' "$1" | socat -t 5 - UNIX-CONNECT:"$S" 2>/dev/null | sed 1d; }
alive() { [ "$(printf 'ping\n' | socat -t 5 - UNIX-CONNECT:"$S" 2>/dev/null)" = "$(printf 'OK MPD 0.23.5\nOK')" ]; }
# answers NAME INPUT N REGEX: INPUT gets N reply lines (0: any), the first matching REGEX,
# and coachd still answers MPD's ping.
answers() {
  local out lines
  out=$(ask "$2")
  lines=$(printf '%s' "$out" | grep -c '')
  if { [ "$3" -eq 0 ] || [ "$lines" -eq "$3" ]; } && printf '%s\n' "$out" | head -n 1 |
    grep -Eq -- "$4" && alive; then
    ok "$1"
  else
    not_ok "$1: $lines lines: $(printf '%s' "$out" | head -c 300)"
  fi
}
a() { answers "$1" "$2" 1 "$3"; }

check "a session starts over MPD" sh -c "mpc load steady >/dev/null && mpc play >/dev/null"
check "it plays its breathing tones" wait_for step "2/4 tones"
t0=$(record_ms) # from here on, tones without a gap of 1.1 s for 40 s

# --- bytes ---------------------------------------------------------------------------------
LC_ALL=C awk 'BEGIN { srand(11); for (i = 0; i < 65536; i++) printf "%c", int(rand() * 256) }' >"$T/garbage"
printf '\nping\n' >>"$T/garbage"
out=$(socat -t 5 - UNIX-CONNECT:"$S" <"$T/garbage" 2>/dev/null | sed 1d)
check "binary garbage: every answer an ACK [2@0] or [5@0], then ping's OK" \
  sh -c "printf '%s\n' \"\$1\" | sed '\$d' | grep -Evq '^ACK \[(2|5)@0\] ' && exit 1
         [ \"\$(printf '%s\n' \"\$1\" | tail -n 1)\" = OK ] && [ \$(printf '%s\n' \"\$1\" | wc -l) -gt 10 ]" _ "$out"
a "a NUL byte: ACK [2@0] names it" 'pi\0ng\n' '^ACK \[2@0\] \{\} line holds a NUL byte$'
a "invalid UTF-8: ACK [2@0]" 'load caf\xe9\n' '^ACK \[2@0\] \{\} line is not valid UTF-8$'
a "an overlong UTF-8 slash: ACK [2@0]" 'load \xc0\xafetc\n' '^ACK \[2@0\] \{\} line is not valid UTF-8$'
a "control bytes: ACK [2@0]" 'load \x1b[2J\n' '^ACK \[2@0\] \{\} line holds a control character$'
head -c 1048576 /dev/zero | tr '\0' a >"$T/mib"
printf '\nping\n' >>"$T/mib"
out=$(socat -t 5 - UNIX-CONNECT:"$S" <"$T/mib" 2>/dev/null | sed 1d)
check "a 1 MiB line: ACK [2@0] line too long once, then ping's OK" \
  test "$out" = "$(printf 'ACK [2@0] {} line too long (limit 4095 bytes)\nOK')"
answers "a line of 4096 bytes: ACK [2@0]" "$(head -c 4095 /dev/zero | tr '\0' ' ')x\n" 1 '^ACK \[2@0\] \{\} line too long'
answers "a line without a newline, then hang-up: no answer" 'ping' 0 '^$'
for i in $(seq 20); do printf 'status\ncurrentsong\n' | socat -t 0 - UNIX-CONNECT:"$S" >/dev/null 2>&1; done
check "20 clients hang up before reading: still served" alive

# --- commands and arguments -------------------------------------------------------------------
a "an unknown command: ACK [5@0]" 'frobnicate\n' '^ACK \[5@0\] \{\} unknown command "frobnicate"$'
a "an empty line: ACK [5@0]" '\n' '^ACK \[5@0\] \{\} empty line'
a "an argument too many: ACK [2@0]" 'ping now\n' '^ACK \[2@0\] \{ping\} wrong number of arguments for "ping": expected 0, got 1$'
a "more than 16 words: ACK [2@0]" 'tagtypes enable a b c d e f g h i j k l m n o p q r\n' '^ACK \[2@0\] \{tagtypes\} too many arguments'
a "an unterminated quote: ACK [2@0]" 'load "steady\n' '^ACK \[2@0\] \{\} unterminated quote$'
a "idle with an unknown subsystem: ACK [2@0]" 'idle player bogus\n' '^ACK \[2@0\] \{idle\} unknown event "bogus"'
answers "a command while idle: ACK [55@0], then the connection closes" 'idle database\nping\nping\n' 1 '^ACK \[55@0\] .*noidle'
a "a stray noidle: no answer, then ping's OK" 'noidle\nping\n' '^OK$'
a 'load ../etc/passwd: not a routine name' 'load ../etc/passwd\n' '^ACK \[2@0\] \{load\} "\.\./etc/passwd" is not a routine name'
a 'load "/etc/passwd": not a routine name' 'load "/etc/passwd"\n' '^ACK \[2@0\] \{load\} "/etc/passwd" is not a routine name'
a 'add $(touch x): not a routine name' 'add "$(touch x)"\n' '^ACK \[2@0\] \{add\} .* is not a routine name'
a 'load a 4000-byte name: ACK [2@0], cut short' "load $(head -c 4000 /dev/zero | tr '\0' a)\n" '^ACK \[2@0\] \{load\} "a{60}" is too long'
a 'load rest@1e309: the unit' 'load rest@1e309\n' '^ACK \[2@0\] \{load\} "1e309" has an unknown unit "e"'
a 'load rest@-5s: negative' 'load rest@-5s\n' '^ACK \[2@0\] \{load\} "-5s" is negative'
a 'load rest@: no length' 'load rest@\n' '^ACK \[2@0\] \{load\} "rest@": give one length'
a 'load @5m: no name' 'load @5m\n' '^ACK \[2@0\] \{load\} no routine name'
a 'load nosuch: ACK [50@0]' 'load nosuch\n' '^ACK \[50@0\] \{load\} No such playlist "nosuch"'
a 'listplaylist ../x: ACK [50@0]' 'listplaylist ../x\n' '^ACK \[50@0\] \{listplaylist\} No such playlist'
a 'lsinfo /etc: ACK [50@0]' 'lsinfo /etc\n' '^ACK \[50@0\] \{lsinfo\} No such directory$'
for v in -1 abc 1e309 101 99999999999999999999 ''; do
  a "setvol \"$v\": ACK [2@0]" "setvol \"$v\"\n" '^ACK \[2@0\] \{setvol\} volume is a whole number from 0 to 100'
done
a 'volume +1000: ACK [2@0]' 'volume +1000\n' '^ACK \[2@0\] \{volume\} a volume change is -100 to \+100'
check "the refused volumes left the volume at 80" test "$(status_of volume)" = 80
a 'pause 2: ACK [2@0]' 'pause 2\n' '^ACK \[2@0\] \{pause\} Boolean \(0/1\) expected: 2$'
a 'play 1: ACK [2@0] Bad song index' 'play 1\n' '^ACK \[2@0\] \{play\} Bad song index$'
a 'playid 999999: ACK [50@0]' 'playid 999999\n' '^ACK \[50@0\] \{playid\} No such song$'
a 'playlistinfo -1: ACK [2@0]' 'playlistinfo -1\n' '^ACK \[2@0\] \{playlistinfo\} Bad song index$'
a 'plchanges abc: ACK [2@0]' 'plchanges abc\n' '^ACK \[2@0\] \{plchanges\} Integer expected'
a 'seekcur 10: refused' 'seekcur 10\n' '^ACK \[5@0\] \{seekcur\} Not seekable'
a 'random 1: refused' 'random 1\n' '^ACK \[2@0\] \{random\} a session plays once'
answers 'password with none set: ACK [3@0], the connection closed' 'password x\nping\n' 1 '^ACK \[3@0\] \{password\} incorrect password$'
check "the session still plays after the bad commands" test "$(status_of state)" = playing

# --- command lists ------------------------------------------------------------------------------
answers "a list with an unknown command: ACK [5@2], nothing after it" \
  'command_list_ok_begin\nping\nstatus\nfrobnicate\nping\ncommand_list_end\n' 0 '^list_OK$'
out=$(ask 'command_list_ok_begin\nping\nstatus\nfrobnicate\nping\ncommand_list_end\n')
check "... the ACK carries the failing command's index" \
  test "$(printf '%s\n' "$out" | tail -n 1)" = 'ACK [5@2] {} unknown command "frobnicate"'
answers "a nested command_list_begin: ACK, and the connection closes" \
  'command_list_begin\ncommand_list_begin\nping\ncommand_list_end\nping\n' 1 '^ACK \[2@0\] \{\} a command list cannot begin inside another'
answers "command_list_end alone: unknown" 'command_list_end\n' 1 '^ACK \[5@0\] \{\} unknown command "command_list_end"$'
answers "idle in a list: refused" 'command_list_begin\nidle\ncommand_list_end\n' 1 '^ACK \[55@0\] \{idle\} idle is not allowed in a command list$'
{ printf 'command_list_begin\n'; for i in $(seq 20); do printf 'load %s\n' "$(head -c 4000 /dev/zero | tr '\0' a)"; done
  printf 'command_list_end\nping\n'; } >"$T/biglist"
# socat gives up reading when its writing fails, as it does once coachd closes: a client
# that reads on after a refused write.
out=$(/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
try:
    s.sendall(open(sys.argv[2], "rb").read())
except OSError:
    pass
got = b""
while True:
    try:
        b = s.recv(65536)
    except OSError:
        break
    if not b:
        break
    got += b
sys.stdout.write(got.decode())' "$S" "$T/biglist" | sed 1d)
check "a list over 64 KiB: ACK [52@0], and the connection closes" \
  test "$out" = "ACK [52@0] {} command list too long (limit 65536 bytes): closing the connection"
check "a list that pauses and resumes the session runs whole" \
  test "$(ask 'command_list_ok_begin\npause 1\npause 0\ncommand_list_end\n' | tr '\n' ' ')" = "list_OK list_OK OK "
check "... and it plays" wait_for state playing

# --- clients that misbehave in time -------------------------------------------------------------
awk 'BEGIN { for (i = 1; i <= 25000; i++) printf "ping\nx%d\n", i }' >"$T/flood.in"
socat -t 30 - UNIX-CONNECT:"$S" <"$T/flood.in" 2>/dev/null | { sleep 2; cat >"$T/flood.out"; } &
flood=$!
sleep 1
check "50,000 commands sent unread: others are served meanwhile" alive
check "... and mpc status answers" sh -c "mpc status | grep -q '^\[playing\]'"
wait "$flood"
check "... 25,000 OKs once read" test "$(grep -c '^OK$' "$T/flood.out")" -eq 25000
check "... 25,000 ACK [5@0], in order" \
  sh -c "sed -n 's/^ACK \[5@0\] {} unknown command \"x\([0-9]*\)\"\$/\1/p' '$T/flood.out' | awk '\$1 != NR { bad = 1 } END { exit !(NR == 25000 && !bad) }'"
sleep 6 | socat - UNIX-CONNECT:"$S" >"$T/silent.out" 2>&1 &
silent=$!
{ printf 'sta'; sleep 6; } | socat - UNIX-CONNECT:"$S" >"$T/half.out" 2>&1 &
half=$!
sleep 0.5
t=$(date +%s%N)
check "a silent and a half-line client: five pings answered" \
  sh -c "for i in 1 2 3 4 5; do mpc status >/dev/null || exit 1; done"
# Were coachd waiting on either of them, the pings would wait the 6 s they stay.
check "... within 5 s, not waiting on them" test $((($(date +%s%N) - t) / 1000000)) -lt 5000
wait "$silent" "$half"
check "the silent client got only the greeting" test "$(cat "$T/silent.out")" = "OK MPD 0.23.5"
check "the half-line client got only the greeting" test "$(cat "$T/half.out")" = "OK MPD 0.23.5"

# --- and the session went on through all of it -----------------------------------------------------
t=$(record_ms)
if [ $((t - t0)) -lt 38000 ]; then
  check "still playing" test "$(status_of state)" = playing
  check "heard in the last 2 s" soundstat "$rec" loud-between $((t - 2000)) "$t"
else # a slow machine (a sanitizer build): the tones ran out first, the gaps still count
  echo "note: the tones ended $((t - t0 - 38000)) ms before the last case"
fi
end=$((t0 + 39000))
[ "$t" -lt "$end" ] && end=$t
check "no dropout since the tones began" soundstat -q 1500 "$rec" gaps "$t0" "$end"
check "no underruns" test "$(status_of underruns)" = 0
record_stop
finish
