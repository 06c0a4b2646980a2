#!/usr/bin/env bash
# Checks the playback test harness itself: a private server comes up, a recording starts, a
# 300 ms tone played at a noted time shows up in the recording at that time and for that long.
# Needs COACH_SOUNDSTAT (ctest sets it). Exit 0 when all is well.
set -u
. "$(dirname "$0")/pulse.sh"
trap pulse_stop EXIT
tmp=$(mktemp -d "${COACH_TEST_TMP:-/tmp}/harness.XXXXXX") || exit 1
fail=0
expect() { # expect DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what ($*)"; fail=1; fi
}

pulse_start "$tmp/pulse" || exit 1
soundstat --tone 300 >"$tmp/tone.raw" || exit 1

# One play-and-record round. pacat (the player here, not the harness under test) can itself
# underrun on a loaded 2-core machine and put a real gap into what it plays; so a round with
# a dropout is tried again, up to three times, and every round is reported.
round() {
  fail=0
  record_start "$tmp/rec.raw" || exit 1
  record_wait_ms 200
  t_play=$(record_ms)
  pacat --raw --format=s16le --rate=48000 --channels=1 --latency-msec=30 <"$tmp/tone.raw"
  t_done=$(record_ms)
  record_wait_ms $((t_done + 300))
  record_stop

  onset=$(soundstat "$tmp/rec.raw" onset-after 0) || onset=-1
  end=$(soundstat "$tmp/rec.raw" silence-after "${onset%.*}") || end=-1
  echo "tone sent at $t_play ms, heard from $onset to $end ms, pacat returned at $t_done ms"
  expect "silence before the tone" soundstat "$tmp/rec.raw" quiet-between 0 "$t_play"
  expect "tone starts within 150 ms of sending" \
    test "${onset%.*}" -ge "$t_play" -a "${onset%.*}" -le $((t_play + 150))
  expect "tone lasts 300 ms (+-20)" \
    test $((${end%.*} - ${onset%.*})) -ge 280 -a $((${end%.*} - ${onset%.*})) -le 320
  expect "no dropout in the tone" soundstat -q 3 "$tmp/rec.raw" gaps "$onset" "$end"
  expect "silence after the tone" soundstat "$tmp/rec.raw" quiet-between $((${end%.*} + 5)) \
    $((${end%.*} + 200))
}
for attempt in 1 2 3; do
  echo "round $attempt"
  round
  [ $fail -eq 0 ] && break
done
exit $fail
