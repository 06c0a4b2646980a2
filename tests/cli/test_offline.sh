# The offline commands as a user runs them, without coachd: `coach check` passes every shipped
# routine, `coach show` prints a timeline whose length follows the chosen length, and
# `coach render` writes a 48 kHz mono WAV as long as that timeline (and FLAC and Ogg files).
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
R=$COACH_SOURCE_DIR/config/routines
cd "$T" || exit 1

# ms M:SS.mmm -> milliseconds (the clock coach show and render print).
ms() { awk -v t="$1" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%d\n", s * 1000 + 0.5 }'; }
# The total of a `coach show` header, "Title, M:SS.mmm", in ms.
show_total() { "$COACH_BIN" show "$@" 2>/dev/null | head -n 1 | sed -n 's/.*, \([0-9:.]*\)$/\1/p'; }

# --- check ---------------------------------------------------------------------------------
n=0
for f in "$R"/*.ini; do
  n=$((n + 1))
  out=$("$COACH_BIN" check "$f" 2>&1)
  rc=$?
  check "check $(basename "$f"): exit 0 ($out)" sh -c "[ $rc -eq 0 ] && printf '%s\n' \"\$1\" | grep -Eq '^.*: ok: .+, [0-9]+ steps$'" _ "$out"
done
check "all $n shipped routines are there (at least 8)" test "$n" -ge 8
check "check of all shipped routines at once: exit 0, one ok line each" \
  sh -c "out=\$('$COACH_BIN' check '$R'/*.ini) && [ \$(printf '%s\n' \"\$out\" | grep -c ': ok: ') -eq $n ]"

check "check of all shipped routines: no warnings" \
  sh -c "[ -z \"\$('$COACH_BIN' check '$R'/*.ini 2>&1 >/dev/null)\" ]"
# A sentence too long to follow lying down: a warning naming file, line and length, exit 0.
printf '[routine]\ntitle = T\nsummary = S.\nsteps = a\n\n[step a]\ndo = say\ntext = %s.\n' \
  "One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen" \
  >"$T/wordy.ini"
out=$("$COACH_BIN" check "$T/wordy.ini" 2>&1)
check "check wordy.ini: exit 0 with a warning ($out)" sh -c "[ $? -eq 0 ] && printf '%s\n' \"\$1\" | grep -q 'wordy.ini:6: warning: step \"a\": a sentence of 16 words'" _ "$out"

# --- show ----------------------------------------------------------------------------------
out=$("$COACH_BIN" show kneel 2>&1)
check "show kneel: the wait for the cushion, and its quiet in a render" \
  sh -c "printf '%s\n' \"\$1\" | grep -Eq '^[0-9]+:[0-9]{2}\.[0-9]{3} +wait: a live session waits here .*30\.0 s of quiet'" _ "$out"
check "show ruhe: German, with the length in its words" \
  sh -c "\"\$1\" show ruhe 7m | grep -q 'say: So atmen wir etwa 7 Minuten lang.'" _ "$COACH_BIN"
out=$("$COACH_BIN" show rest 2>&1)
check "show rest: exit 0" test $? -eq 0
check "show rest: a title and total first" sh -c "printf '%s\n' \"\$1\" | head -n 1 | grep -Eq '^Constructive rest, [0-9]+:[0-9]{2}\.[0-9]{3}$'" _ "$out"
check "show rest: numbered steps, 1/N to N/N" sh -c "printf '%s\n' \"\$1\" | awk '/ step [0-9]+\/[0-9]+: / { split(\$3, a, \"/\"); n++; if (a[1] + 0 != n) bad = 1; total = a[2] } END { exit !(n > 1 && n == total + 0 && !bad) }'" _ "$out"
check "show rest: spoken lines with their times" sh -c "[ \$(printf '%s\n' \"\$1\" | grep -Ec '^[0-9]+:[0-9]{2}\.[0-9]{3} +say: [A-Z]') -ge 5 ]" _ "$out"
check "show rest: the times never go back" sh -c "printf '%s\n' \"\$1\" | awk '/^[0-9]+:[0-9][0-9]\.[0-9]/ { split(\$1, p, \":\"); t = p[1] * 60 + p[2]; if (t < last) bad = 1; last = t } END { exit bad }'" _ "$out"
t5=$(ms "$(show_total rest 5m)")
t15=$(ms "$(show_total rest 15m)")
tdef=$(ms "$(show_total rest)")
check "show rest 15m is 10 minutes longer than 5m ($t5 ms, $t15 ms)" \
  awk -v a="$t5" -v b="$t15" 'BEGIN { exit !(a > 0 && b - a >= 9.5 * 60000 && b - a <= 10.5 * 60000) }'
check "show rest without a length lies between ($tdef ms)" test "$t5" -lt "$tdef" -a "$tdef" -lt "$t15"

# --- render: WAV -----------------------------------------------------------------------------
# le16/le32 FILE OFFSET: little-endian numbers from a file's bytes.
le() { od -A n -t u"$3" -j "$2" -N "$3" --endian=little "$1" | tr -d ' '; }
tag() { dd if="$1" bs=1 skip="$2" count=4 2>/dev/null; }
out=$("$COACH_BIN" render safety -o "$T/safety.wav" 2>&1)
check "render safety: exit 0 ($out)" test $? -eq 0
check "render safety: a RIFF WAVE file" test "$(tag "$T/safety.wav" 0)$(tag "$T/safety.wav" 8)$(tag "$T/safety.wav" 12)" = "RIFFWAVEfmt "
check "render safety: PCM, mono, 48000 Hz, 16-bit" sh -c "[ $(le "$T/safety.wav" 20 2) -eq 1 ] && [ $(le "$T/safety.wav" 22 2) -eq 1 ] && [ $(le "$T/safety.wav" 24 4) -eq 48000 ] && [ $(le "$T/safety.wav" 34 2) -eq 16 ]"
# The data chunk: after fmt, skipping any others.
off=$((20 + $(le "$T/safety.wav" 16 4)))
while [ "$off" -lt 4096 ] && [ "$(tag "$T/safety.wav" "$off")" != data ]; do
  off=$((off + 8 + $(le "$T/safety.wav" $((off + 4)) 4)))
done
data=$(le "$T/safety.wav" $((off + 4)) 4)
wav_ms=$((data / 2 * 1000 / 48000))
show_ms=$(ms "$(show_total safety)")
check "render safety: as long as coach show says ($wav_ms ms, show $show_ms ms)" \
  awk -v a="$wav_ms" -v b="$show_ms" 'BEGIN { exit !(a > 60000 && a - b <= 1 && b - a <= 1) }'
check "render safety: the data fills the file" test $((off + 8 + data)) -le "$(stat -c %s "$T/safety.wav")"
tail -c "$data" "$T/safety.wav" >"$T/safety.raw"
check "render safety: the opening chime is heard" soundstat "$T/safety.raw" loud-between 0 1500
check "render safety: speech after the chime" soundstat "$T/safety.raw" loud-between 2000 7000
check "render safety: the peak is reported and plausible" sh -c "printf '%s\n' \"\$1\" | awk '{ for (i = 1; i < NF; i++) if (\$i == \"peak\") p = \$(i + 1) } END { exit !(p > 0.1 && p <= 1.0) }'" _ "$out"
"$COACH_BIN" render safety -o "$T/again.wav" >/dev/null 2>&1
check "render safety twice: identical files" cmp -s "$T/safety.wav" "$T/again.wav"

# --- render: FLAC and Ogg --------------------------------------------------------------------
for ext in flac ogg; do
  out=$("$COACH_BIN" render kneel 45s -o "$T/kneel.$ext" 2>&1)
  check "render kneel 45s to .$ext: exit 0 ($out)" test $? -eq 0
  check "render kneel 45s to .$ext: not empty" test -s "$T/kneel.$ext"
  check "render kneel 45s to .$ext: reports the length coach show gives" \
    sh -c "printf '%s\n' \"\$1\" | grep -qF \", \$2, peak\"" _ "$out" "$(show_total kneel 45s)"
done
check "the .flac file is FLAC" test "$(tag "$T/kneel.flac" 0)" = fLaC
check "the .ogg file is Ogg" test "$(tag "$T/kneel.ogg" 0)" = OggS
check "the FLAC holds more than a header (over 100 KB)" test "$(stat -c %s "$T/kneel.flac")" -gt 100000
finish
