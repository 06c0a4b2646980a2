#!/usr/bin/env bash
# Manual end-to-end probe of audio_out through ALSA -> a private PulseAudio null sink: builds
# probe.c and soundstat by hand, plays, pauses, skips, stops, kills the server, recovers, and
# prints what the recording shows. Run from anywhere: bash tests/audio_out_probe/probe.sh
# (PROBE_CFLAGS="-fsanitize=address,undefined" to run it under the sanitizers).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d /tmp/coach-aoprobe.XXXXXX)
export COACH_TEST_TMP=$tmp
. "$src/tests/harness/pulse.sh"

cleanup() {
  [ -n "${P_PID:-}" ] && kill "$P_PID" 2>/dev/null
  [ -n "${PULSE_PID:-}" ] && kill -CONT "$PULSE_PID" 2>/dev/null
  pulse_stop
}
trap cleanup EXIT

flags="-std=c17 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Wshadow -Wmissing-prototypes ${PROBE_CFLAGS:-}"
cc $flags -I"$src/src/core" -I"$src/src/daemon" "$here/probe.c" "$src/src/daemon/audio_out.c" \
  "$src/src/core/ring.c" "$src/src/core/coach_error.c" \
  $(pkg-config --cflags --libs portaudio-2.0 alsa jack) -lm -pthread -o "$tmp/probe" || exit 1
cc $flags "$src/tests/harness/soundstat.c" -lm -o "$tmp/soundstat" || exit 1
ss() { "$tmp/soundstat" "$@"; }

fail=0
check() { if "$@"; then echo "  PASS: ${*: -4}"; else echo "  FAIL: $*"; fail=1; fi; }

pulse_start "$tmp/pulse" || exit 1
record_start "$tmp/rec1.raw" || exit 1

coproc P { exec "$tmp/probe"; }
P_PID=$P_PID
# send CMD: sends a command, prints "REC_MS CMD -> REPLY", leaves the reply in $reply and the
# recording time at sending in $at.
send() {
  at=$(record_ms)
  echo "$*" >&"${P[1]}"
  reply=
  read -r -t 10 reply <&"${P[0]}" || reply="(no reply within 10 s)"
  printf '%7s ms  %-18s -> %s\n' "$at" "$*" "$reply"
}
wait_rec() { record_wait_ms $(($(record_ms) + $1)); }

send init
send open;                  t_open=$at
send play
wait_rec 1000
send pause;                 t_pause=$at
send wait-state paused 200
wait_rec 500
send play;                  t_resume=$at
wait_rec 700
send skip silence;          t_skip=$at
wait_rec 500
send skip tone;             t_skip2=$at
wait_rec 500
send vol 0.25;              t_vol=$at
wait_rec 400
send vol 1
wait_rec 300
send starve;                t_starve=$at
wait_rec 1200
send stats
send feed
wait_rec 500
send stop;                  t_stop=$at
send wait-state stopped 200
wait_rec 500
send play;                  t_replay=$at
wait_rec 300
send cpu 2000
send stats
t_kill=$(record_ms)
echo "        killing PulseAudio (SIGKILL)"
pulse_kill
send watch 5000
send close
record_stop

echo "        restarting PulseAudio on the same socket"
pulse_start "$tmp/pulse" || exit 1
record_start "$tmp/rec2.raw" || exit 1
send reinit
send open;                  t_open2=$at
send play
wait_rec 600
send end;                   t_end=$at
wait_rec 1000
send stats
send close
wait_rec 300
send open-play;             t_openplay=$at
wait_rec 300
send close
wait_rec 200

echo "        hung server (SIGSTOP) while playing"
send open
send play
wait_rec 500
kill -STOP "$PULSE_PID"
send watch 5000
send close
send open
echo "        resuming the server (SIGCONT): the close left behind finishes"
kill -CONT "$PULSE_PID"
sleep 0.5
send open
send play
wait_rec 300
send close
record_stop
send quit

echo
echo "== recording 1 (ms from its start)"
ss "$tmp/rec1.raw"
on=$(ss "$tmp/rec1.raw" onset-after "$t_open")
echo "open+start+play -> first sound: $(echo "$on - $t_open" | bc) ms"
sil=$(ss "$tmp/rec1.raw" silence-after "$t_pause")
echo "pause -> silence:              $(echo "$sil - $t_pause" | bc) ms"
on=$(ss "$tmp/rec1.raw" onset-after "$t_resume")
echo "resume -> sound:               $(echo "$on - $t_resume" | bc) ms"
sil=$(ss "$tmp/rec1.raw" silence-after "$t_skip")
echo "skip (flush ~680 ms queued) -> silence: $(echo "$sil - $t_skip" | bc) ms"
on=$(ss "$tmp/rec1.raw" onset-after "$t_skip2")
echo "skip back to tone -> sound:    $(echo "$on - $t_skip2" | bc) ms"
sil=$(ss "$tmp/rec1.raw" silence-after "$t_stop")
echo "stop -> silence:               $(echo "$sil - $t_stop" | bc) ms"
on=$(ss "$tmp/rec1.raw" onset-after "$t_replay")
echo "play after stop -> sound:      $(echo "$on - $t_replay" | bc) ms"
check ss "$tmp/rec1.raw" quiet-between 0 "$t_open"
check ss -q 3 "$tmp/rec1.raw" gaps $((t_open + 50)) "$t_pause"
check ss "$tmp/rec1.raw" quiet-between $((t_pause + 50)) "$t_resume"
check ss -q 3 "$tmp/rec1.raw" gaps $((t_resume + 50)) "$t_skip"
check ss "$tmp/rec1.raw" quiet-between $((t_skip + 50)) "$t_skip2"
check ss "$tmp/rec1.raw" quiet-between $((t_stop + 50)) "$t_replay"
echo "volume 0.25 (RMS per 100 ms around the change; 11585 is full half-scale sine):"
ss -w 100 "$tmp/rec1.raw" windows | awk -v a=$((t_vol - 200)) -v b=$((t_vol + 500)) \
  '$1 >= a && $1 < b { printf "  %s:%s", $1, $2 } END { print "" }'
echo "starved producer (ring empties ~680 ms after $t_starve):"
ss -q 3 "$tmp/rec1.raw" gaps "$t_starve" $((t_starve + 1600))
echo
echo "== recording 2 (after kill + restart + reinit + reopen)"
ss "$tmp/rec2.raw"
on=$(ss "$tmp/rec2.raw" onset-after "$t_open2")
echo "reopen+play -> first sound:    $(echo "$on - $t_open2" | bc) ms"
check ss -q 3 "$tmp/rec2.raw" gaps $((t_open2 + 50)) "$t_end"
on=$(ss "$tmp/rec2.raw" onset-after "$t_openplay")
echo "open+start (playing at once) -> first sound: $(echo "$on - $t_openplay" | bc) ms"
exit $fail
