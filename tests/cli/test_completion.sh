# Shell completion (completions/): bash's completion function is driven as bash-completion
# drives it, and its candidates checked: every command `coach --help` lists, each command's
# options, routine names from the folders coachd reads (a configured one included), the
# lengths the chosen routine allows, sound files after `render -o`, routine files for
# `check`. fish's completion is asked the same questions through `complete -C`, and zsh's is
# typed into an interactive zsh on a pseudo-terminal (zsh_complete.zsh), which must show the
# candidates.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
C=$COACH_SOURCE_DIR/completions
bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || { echo "bash-completion is not installed (Debian: bash-completion)"; exit 1; }
# The completions run `coach`, as a user's shell would: this build's.
PATH=$(dirname "$COACH_BIN"):$PATH
cd "$T" || exit 1
cat >"$XDG_CONFIG_HOME/coach/coach.ini" <<INI
[routines]
dirs = $COACH_SOURCE_DIR/tests/data/routines
INI
mkdir -p out r
touch out/a.wav out/b.flac out/c.ogg out/notes.txt r/mine.ini r/README
mkdir out/sub

# shellcheck disable=SC1090
. "$bc"
# shellcheck disable=SC1091
. "$C/coach.bash"

# candidates LINE: what bash offers for the last word of LINE, sorted, one a line.
candidates() {
  COMP_LINE=$1
  COMP_POINT=${#COMP_LINE}
  read -ra COMP_WORDS <<<"$COMP_LINE"
  [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _coach coach "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
# offers WHAT LINE WORD...: the candidates for LINE are exactly the WORDs.
offers() {
  local what=$1 line=$2 got want
  shift 2
  got=$(candidates "$line" | tr '\n' ' ')
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  if [ "$got" = "$want" ]; then ok "bash: $what"; else not_ok "bash: $what: got [$got], want [$want]"; fi
}

commands=$("$COACH_BIN" --help | sed -n 's/^  \([a-z]*\) .*/\1/p')
all=$(candidates "coach " | tr '\n' ' ')
for c in $commands help --help --version; do
  check "bash: 'coach ' offers $c" sh -c "printf '%s' '$all' | grep -qw -- '$c'"
done
offers "coach st" "coach st" start status stop
routines=$("$COACH_BIN" list --names)
check "list --names has the shipped and the configured routines" \
  sh -c "printf '%s\n' \"\$1\" | grep -qx rest && printf '%s\n' \"\$1\" | grep -qx steady" _ "$routines"
# shellcheck disable=SC2086 # one word a routine
offers "start: the routine names (coach list --names)" "coach start " $routines
offers "start re: rest" "coach start re" rest
offers "start st: the configured folder's steady" "coach start st" steady
offers "start kneel: its lengths" "coach start kneel " 30s 45s 1m
offers "start rest: its lengths, 5m to 15m" "coach start rest " 5m 6m 7m 8m 9m 10m 11m 12m 13m 14m 15m
offers "start rest 1: the lengths starting with 1" "coach start rest 1" 10m 11m 12m 13m 14m 15m
offers "start rest 10m: nothing more" "coach start rest 10m "
offers "start safety: a fixed length, none" "coach start safety "
offers "start -: its option" "coach start -" --no-start
offers "show ball: lengths" "coach show ball " 30s 45s 1m 1m15s 1m30s
offers "render -o: sound files and folders" "coach render rest -o out/" out/a.wav out/b.flac out/c.ogg out/sub
offers "render with -o first: the routine next" "coach render -o x.wav re" rest
offers "render rest -o x.wav: then the length" "coach render rest -o x.wav 5" 5m
offers "render -: its option" "coach render rest -" -o --output
offers "check: routine files and folders" "coach check r/" r/mine.ini
offers "show with a path: .ini files" "coach show r/" r/mine.ini
offers "list: its options" "coach list --" --names --lengths
offers "list --lengths: routine names" "coach list --lengths ba" ball ballmassage
offers "history: --json" "coach history --" --json
offers "a daemon command takes nothing" "coach pause "

# fish, asked through `complete -C` (a non-interactive fish).
if command -v fish >/dev/null; then
  check "fish: the file parses" fish -n "$C/coach.fish"
  fish_offers() { # WHAT LINE WORD...: fish's candidates (first column) are exactly the WORDs
    local what=$1 line=$2 got want
    shift 2
    got=$(fish -c "source '$C/coach.fish'; complete -C '$line'" | cut -f1 | sort | tr '\n' ' ')
    want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
    if [ "$got" = "$want" ]; then ok "fish: $what"; else not_ok "fish: $what: got [$got], want [$want]"; fi
  }
  fall=$(fish -c "source '$C/coach.fish'; complete -C 'coach '" | cut -f1 | tr '\n' ' ')
  for c in $commands; do
    check "fish: 'coach ' offers $c" sh -c "printf '%s' '$fall' | grep -qw -- '$c'"
  done
  # shellcheck disable=SC2086
  fish_offers "start: routine names" "coach start " $routines
  fish_offers "start kneel: lengths" "coach start kneel " 30s 45s 1m
  fish_offers "render rest -o x.wav: lengths" "coach render rest -o x.wav 1" 10m 11m 12m 13m 14m 15m
  fish_offers "history: --json" "coach history --" --json
else
  not_ok "fish is not installed (Debian: fish), its completion is untested"
fi

# zsh, typed into an interactive zsh on a pseudo-terminal (zsh_complete.zsh).
if command -v zsh >/dev/null; then
  check "zsh: the file parses" zsh -n "$C/_coach"
  for c in $commands; do
    check "zsh: names $c" grep -q "^    '$c:" "$C/_coach"
  done
  zsh_shows() { # WHAT LINE PATTERN: the screen after LINE and Tab Tab matches PATTERN
    local out
    if out=$(timeout 30 zsh -f "$COACH_SOURCE_DIR/tests/cli/zsh_complete.zsh" "$C" "$2" "$3" 2>&1); then
      ok "zsh: $1"
    else
      not_ok "zsh: $1: never showed $3; saw: $(printf '%s' "$out" | tr -d '\033' | tail -c 300)"
    fi
  }
  zsh_shows "coach st: its commands" "coach st" "*start*--*status*--*stop*--*"
  zsh_shows "start knee: kneel, then its lengths in order" "coach start knee" "*kneel *30s*45s*1m*"
  zsh_shows "render -o FILE ROUTINE: the lengths" "coach render -o x.wav kneel " "*30s*45s*1m*"
  zsh_shows "start st: the configured folder's steady" "coach start ste" "*steady *"
  zsh_shows "history: --json" "coach history -" "*--json*"
else
  not_ok "zsh is not installed (Debian: zsh), its completion is untested"
fi
finish
