# voices.sh — spoken test audio made at test time from text, with several synthesisers, for
# the listening tests and benchmarks (nothing recorded is committed). Source it:
#
#   . "$COACH_SOURCE_DIR/tests/harness/voices.sh"
#   voice_say VOICE SPEED "coach pause" OUT.wav     # mono 16 kHz WAV
#   voice_list                                      # the voices this machine has
#
# VOICE: espeak-us, espeak-f3 (eSpeak NG's female variant), espeak-gb (en-gb, variant m3),
# flite-kal, flite-awb, flite-rms, flite-slt (flite's voices), festival-slt (Festival with
# the HTS voice cmu_us_slt_arctic_hts). SPEED: 1 (each synthesiser's usual pace) or 1.25
# (a quarter faster, as people say a short command; Festival's by sox's tempo). Needs sox; each voice needs its
# synthesiser: espeak-ng, flite, festival + festvox-us-slt-hts (Debian packages).

voice_list() {
  local v
  command -v espeak-ng >/dev/null 2>&1 && echo espeak-us espeak-f3 espeak-gb
  command -v flite >/dev/null 2>&1 && for v in kal awb rms slt; do echo "flite-$v"; done
  command -v text2wave >/dev/null 2>&1 &&
    [ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] && echo festival-slt
  return 0
}

# voice_say VOICE SPEED TEXT OUT: TEXT may be long (a book chapter); OUT is 16 kHz mono.
voice_say() {
  local voice=$1 speed=$2 text=$3 out=$4 raw="$4.synth.wav" rc=0
  local stretch wpm
  stretch=$(awk -v s="$speed" 'BEGIN { printf "%.3f", 1 / s }')
  wpm=$(awk -v s="$speed" 'BEGIN { printf "%d", 150 * s }')
  case $voice in
  espeak-us) espeak-ng -v en-us -s "$wpm" -w "$raw" "$text" || rc=1 ;;
  espeak-f3) espeak-ng -v en-us+f3 -s "$wpm" -w "$raw" "$text" || rc=1 ;;
  espeak-gb) espeak-ng -v en-gb+m3 -s "$wpm" -w "$raw" "$text" || rc=1 ;;
  flite-*)
    local fv=${voice#flite-}
    [ "$fv" = kal ] && fv=kal16
    flite -voice "$fv" --setf duration_stretch="$stretch" -t "$text" -o "$raw" || rc=1 ;;
  festival-slt)
    printf '%s\n' "$text" | text2wave -eval '(voice_cmu_us_slt_arctic_hts)' \
      -eval "(Parameter.set 'Duration_Stretch $stretch)" -o "$raw" >/dev/null 2>&1 || rc=1 ;;
  *) echo "voice_say: no voice $voice" >&2; return 1 ;;
  esac
  # Festival's HTS voice ignores Duration_Stretch: its faster speed is sox's time stretch
  # (tempo keeps the pitch), the others' is their own.
  local tempo=()
  [ "$voice" = festival-slt ] && [ "$speed" != 1 ] && tempo=(tempo -s "$speed")
  [ $rc -eq 0 ] && sox -q "$raw" -r 16000 -c 1 -b 16 "$out" "${tempo[@]}" 2>/dev/null || rc=1
  rm -f "$raw"
  return $rc
}
