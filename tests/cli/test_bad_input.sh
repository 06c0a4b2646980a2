# Bad input on the command line and in files, offline: every routine file `coach check` is
# given, every routine name, length and output file `coach render` and `coach show` are given,
# every argument list of `coach`, and every settings file `coachd --config` is given. In every
# case the command fails with its documented exit status (1 for bad content, 2 for bad usage)
# and a message that names the problem (FILE:LINE: for file content), never hangs, and never
# leaves a half-written output file.
#
# Data-driven: tests/data/hostile/routines/*.ini and tests/data/hostile/config/*.ini start with
# "; expect: LINE: TEXT"; the message must be "FILE:LINE: ...TEXT...". Cases awkward to commit
# (10,000 steps, 10 MB, FIFOs, symlinks) are made here.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
H=$COACH_SOURCE_DIR/tests/data/hostile
R=$COACH_SOURCE_DIR/config/routines
cd "$T" || exit 1

# run CMD...: runs CMD (at most 10 s: a hang is a failure too), keeping its exit status in rc
# and its stdout and stderr in out. "coach" is $COACH_BIN.
run() {
  local cmd=$1
  shift
  [ "$cmd" = coach ] && cmd=$COACH_BIN
  out=$(timeout 10 "$cmd" "$@" 2>&1)
  rc=$?
}
# fails_with NAME STATUS PATTERN CMD...: CMD exits with STATUS and its output matches the
# extended regular expression PATTERN.
fails_with() {
  local name=$1 want=$2 pattern=$3
  shift 3
  run "$@"
  if [ "$rc" -eq "$want" ] && printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
    ok "$name"
  else
    not_ok "$name: exit $rc (want $want), output: $(printf '%s' "$out" | head -c 400)"
  fi
}
# The "; expect: LINE: TEXT" header of a fixture, as "LINE" and "TEXT".
expect_line() { sed -n '1s/^; expect: \([0-9]*\): .*/\1/p' "$1"; }
expect_text() { sed -n '1s/^; expect: [0-9]*: //p' "$1"; }
# A fixed-string match of TEXT after "FILE:LINE: ".
diag_matches() { # OUT FILE LINE TEXT
  printf '%s\n' "$1" | grep -F -- "$2:$3: " | grep -qF -- "$4"
}

# --- coach check: one file of each class of broken content --------------------------------
for f in "$H"/routines/*.ini; do
  name=$(basename "$f" .ini)
  line=$(expect_line "$f")
  text=$(expect_text "$f")
  run coach check "$f"
  if [ "$rc" -eq 1 ] && diag_matches "$out" "$f" "$line" "$text"; then
    ok "check $name: exit 1, $line: $text"
  else
    not_ok "check $name: exit $rc, want 1 and \"$f:$line: ...$text...\"; got: $(printf '%s' "$out" | head -c 300)"
  fi
done

# Made here: a routine of 10,000 steps (218 KB, under the 256 KiB file limit).
{
  printf '[routine]\ntitle = Ten thousand steps\nsummary = Far too many.\nsteps = s1\n'
  i=1
  while [ $i -le 10000 ]; do printf '[step s%d]\ndo=chime\n' $i; i=$((i + 1)); done
} >"$T/ten_thousand.ini"
fails_with "check a 10,000-step routine: more than 256 steps, at the 257th" 1 \
  "ten_thousand.ini:517: more than 256 steps" coach check "$T/ten_thousand.ini"
check "check a 10,000-step routine: the flood of problems is capped" \
  sh -c "printf '%s\n' \"\$1\" | grep -q 'more problems not shown' && [ \$(printf '%s\n' \"\$1\" | wc -l) -lt 100 ]" _ "$out"

{ cat "$R/kneel.ini"; printf 'text = %s\n' "$(head -c 100000 /dev/zero | tr '\0' x)"; } >"$T/line_100k.ini"
fails_with "check a 100 KB line: its length and line number" 1 \
  "line_100k.ini:[0-9]+: the line is 100007 bytes long, more than 190" coach check "$T/line_100k.ini"

head -c 10000000 /dev/zero | tr '\0' ';' >"$T/ten_mb.ini"
fails_with "check a 10 MB file: more than 256 KiB" 1 "ten_mb.ini: .*more than 256 KiB" \
  coach check "$T/ten_mb.ini"

head -c 4096 /dev/urandom >"$T/garbage.ini"
fails_with "check binary garbage: refused with a line number" 1 "garbage.ini:[0-9]+: " \
  coach check "$T/garbage.ini"

: >"$T/empty.ini"
fails_with "check an empty file: no [routine] section" 1 "empty.ini: no \[routine\] section" \
  coach check "$T/empty.ini"

fails_with "check a missing file: cannot open, No such file" 1 \
  "nosuch.ini: cannot open: No such file or directory" coach check "$T/nosuch.ini"

mkdir "$T/folder.ini"
fails_with "check a directory: is a directory" 1 "folder.ini: is a directory; give the path of a routine .ini file" \
  coach check "$T/folder.ini"

ln -s /dev/zero "$T/zero.ini"
fails_with "check a symlink to /dev/zero: not a regular file, no endless read" 1 \
  "zero.ini: is not a regular file" coach check "$T/zero.ini"

ln -s loop.ini "$T/loop.ini"
fails_with "check a symlink loop: too many levels of symbolic links" 1 \
  "loop.ini: cannot open: Too many levels of symbolic links" coach check "$T/loop.ini"

# A FIFO nobody writes to: opening it for reading must not wait for a writer.
mkfifo "$T/fifo.ini"
fails_with "check a FIFO: not a regular file, no hang" 1 "fifo.ini: .*not a regular file" \
  coach check "$T/fifo.ini"

fails_with "check a path through a regular file: Not a directory" 1 \
  "kneel.ini/x.ini: cannot open: Not a directory" coach check "$R/kneel.ini/x.ini"

fails_with "check good and bad files together: 2 of 3 have problems, the good one is ok" 1 \
  "2 of 3 files have problems" coach check "$R/kneel.ini" "$H/routines/nul_byte.ini" "$T/empty.ini"
check "check good and bad files together: the good one is reported ok" \
  sh -c "printf '%s\n' \"\$1\" | grep -q 'kneel.ini: ok'" _ "$out"

fails_with "check without a file: usage, exit 2" 2 "usage: coach check FILE" coach check

# --- coach render and show: names, lengths and output files ----------------------------------
fails_with "render an unknown routine: no routine named" 1 'no routine named "nosuch"' \
  coach render nosuch -o "$T/x.wav"
# A ROUTINE argument is a name (a-z 0-9 _ -) or the path of an .ini file: anything else with a
# slash is neither, and is refused before any file is opened.
fails_with "render ../etc/passwd: not a routine name" 1 '"\.\./etc/passwd" is not a routine name' \
  coach render ../etc/passwd -o "$T/x.wav"
fails_with "show /etc/passwd: not a routine name, and the file is not read" 1 \
  '"/etc/passwd" is not a routine name' coach show /etc/passwd
check "show /etc/passwd: none of its lines are printed" \
  sh -c "! printf '%s\n' \"\$1\" | grep -q '^/etc/passwd:[0-9]'" _ "$out"
fails_with "render a/b: not a routine name" 1 '"a/b" is not a routine name' \
  coach render a/b -o "$T/x.wav"
fails_with "render ..: not a routine name" 1 '"\.\." is not a routine name' \
  coach render .. -o "$T/x.wav"
fails_with "show -rf: not a routine name" 1 '"-rf" is not a routine name' coach show -rf
fails_with "show a 10 KB name: not a routine name" 1 '" is not a routine name' \
  coach show "$(head -c 10000 /dev/zero | tr '\0' a)"
fails_with "show Rest (capital): not a routine name" 1 '"Rest" is not a routine name' coach show Rest
fails_with "show a 5,000-byte file name: File name too long" 1 "File name too long" \
  coach show "$(head -c 5000 /dev/zero | tr '\0' a).ini"
# A path longer than the path buffer must be refused, not cut short: cut at 4095 bytes, this
# one would name rest.ini.
long_rest=$R/rest.ini
long_rest=$(printf "%0$((4095 - ${#long_rest}))d" 0 | tr 0 /)$long_rest.does-not-exist.ini
fails_with "show a path longer than PATH_MAX: refused, not cut to another file's name" 1 \
  "too long" coach show "$long_rest"
check "show a path longer than PATH_MAX: rest.ini was not shown instead" \
  sh -c "! printf '%s\n' \"\$1\" | grep -q 'Constructive rest'" _ "$out"

fails_with "render rest 20m: outside the range, named" 2 "20m is outside rest's range of 5m to 15m" \
  coach render rest 20m -o "$T/x.wav"
fails_with "render rest without -o: usage, exit 2" 2 "usage: coach render" coach render rest 20m
fails_with "render -o without a file: usage, exit 2" 2 "usage: coach render" coach render rest -o
fails_with "render with an extra argument: usage, exit 2" 2 "usage: coach render" \
  coach render kneel 30s extra -o "$T/x.wav"
fails_with "render to .mp3: unknown file type" 1 "out.mp3: unknown file type \(use a name ending in \.wav, \.flac or \.ogg\)" \
  coach render kneel -o "$T/out.mp3"
check "render to .mp3: no file written" test ! -e "$T/out.mp3"
fails_with "render into a missing folder: names the path and the reason" 1 \
  "/nonexistent/dir/x.wav: .*No such file or directory" coach render kneel -o /nonexistent/dir/x.wav
mkdir "$T/dir.wav"
fails_with "render onto a directory: Is a directory" 1 "dir.wav: .*Is a directory" \
  coach render kneel -o "$T/dir.wav"
fails_with "render to a 5,000-byte file name: the reason is not cut off" 1 \
  "File name too long" coach render kneel -o "$T/$(head -c 5000 /dev/zero | tr '\0' a).wav"
for len in 1e309 -5s 100h 0 20; do
  case $len in
    1e309) want='"1e309" has an unknown unit "e"' ;;
    -5s) want='"-5s" is negative' ;;
    100h) want='"100h" is too long \(a duration is at most 2h\)' ;;
    0) want='"0" has no unit' ;;
    20) want='"20" has no unit' ;;
  esac
  fails_with "show rest $len: exit 2, $want" 2 "$want" coach show rest "$len"
done
fails_with "show kneel 10m: outside the range" 2 "10m is outside kneel's range" coach show kneel 10m
fails_with "show safety 5m: a fixed-length routine takes no length" 2 "fixed length" coach show safety 5m
fails_with "show with three arguments: usage, exit 2" 2 "usage: coach show" coach show rest 5m extra
fails_with "show without a routine: usage, exit 2" 2 "usage: coach show" coach show
check "no x.wav was left by any refused render" test ! -e "$T/x.wav"

# --- coach: commands and argument counts -------------------------------------------------------
# No daemon runs here (and COACH_NO_AUTOSTART=1): a wrong argument count must be caught by
# coach itself, before it tries (or, without COACH_NO_AUTOSTART, starts) coachd.
fails_with "coach start without a routine: usage, exit 2" 2 "usage: coach start" coach start
fails_with "coach start with three arguments: usage, exit 2" 2 "usage: coach start" coach start rest 5m extra
fails_with "coach stop with an argument: usage, exit 2" 2 "usage: coach stop" coach stop now
fails_with "an unknown command: exit 2, named" 2 'unknown command "frobnicate"' coach frobnicate
fails_with "an unknown option: exit 2, named" 2 'unknown command "--frobnicate"' coach --frobnicate
fails_with "coach with no command: usage, exit 2" 2 "usage: coach COMMAND" coach
fails_with "coach ping without a daemon: says it is not running" 1 "coachd is not running" coach ping

# --- coachd --config: settings files ---------------------------------------------------------
export COACH_SOCKET=$T/run/socket
for f in "$H"/config/*.ini; do
  name=$(basename "$f" .ini)
  line=$(expect_line "$f")
  text=$(expect_text "$f")
  run "$COACHD_BIN" --config "$f"
  if [ "$rc" -eq 1 ] && diag_matches "$out" "$f" "$line" "$text"; then
    ok "coachd --config $name: exit 1, $line: $text"
  else
    not_ok "coachd --config $name: exit $rc, want 1 and \"$f:$line: ...$text...\"; got: $(printf '%s' "$out" | head -c 300)"
  fi
done
fails_with "coachd --config a missing file: exit 1, No such file" 1 \
  "nosuch.ini: cannot open: No such file or directory" "$COACHD_BIN" --config "$T/nosuch.ini"
fails_with "coachd --config a directory: exit 1, is a directory" 1 "folder.ini: is a directory" \
  "$COACHD_BIN" --config "$T/folder.ini"
ln -s "$T/nowhere.ini" "$T/dangling.ini"
fails_with "coachd --config a dangling symlink: exit 1, No such file" 1 \
  "dangling.ini: cannot open: No such file or directory" "$COACHD_BIN" --config "$T/dangling.ini"
fails_with "coachd --config a path through a regular file: exit 1, Not a directory" 1 \
  "kneel.ini/coach.ini: cannot open: Not a directory" "$COACHD_BIN" --config "$R/kneel.ini/coach.ini"
fails_with "coachd --config a FIFO: exit 1, not a regular file, no hang" 1 \
  "fifo.ini: is not a regular file" "$COACHD_BIN" --config "$T/fifo.ini"
fails_with "coachd --config /dev/zero: exit 1, not a regular file" 1 \
  "/dev/zero: is not a regular file" "$COACHD_BIN" --config /dev/zero
fails_with "coachd --config a routine file: exit 1, names its first line" 1 \
  "kneel.ini:[0-9]+: " "$COACHD_BIN" --config "$R/kneel.ini"
# Unreadable: mode 000 stops anyone but root, so as root the file is read as nobody.
mkdir -m 0755 "$T/open" && printf '[audio]\nvolume = 50\n' >"$T/open/locked.ini" &&
  chmod 000 "$T/open/locked.ini" && chmod 0711 "$T"
as_other=()
[ "$(id -u)" -eq 0 ] && as_other=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fails_with "coachd --config an unreadable file: exit 1, Permission denied" 1 \
  "locked.ini: cannot open: Permission denied" "${as_other[@]}" "$COACHD_BIN" --config "$T/open/locked.ini"
chmod 0700 "$T"
fails_with "coachd with an unknown option: usage, exit 2" 2 "usage: coachd" "$COACHD_BIN" --frobnicate
fails_with "coachd with an extra argument: usage, exit 2" 2 "usage: coachd" "$COACHD_BIN" extra
check "no coachd was left running" test ! -S "$COACH_SOCKET"
finish
