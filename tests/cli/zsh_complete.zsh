# zsh_complete.zsh COMPLETIONS_DIR LINE PATTERN — for tests/cli/test_completion.sh: types LINE
# and two Tabs into an interactive zsh that has coach's completion from COMPLETIONS_DIR, and
# waits until what the terminal shows matches the zsh PATTERN; prints it. The caller bounds
# the wait (timeout): a pattern that never shows is a failure, without any fixed sleep.
zmodload zsh/zpty || exit 2
zpty coach_zsh 'TERM=dumb zsh -f -i' || exit 2
# compinit, then a marker that only the command's output (not its echo) contains.
zpty -w coach_zsh "PS1='> '; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u; print \$((6 * 7))-ready"
zpty -r coach_zsh seen '*42-ready*' || exit 2
zpty -w -n coach_zsh "$2"$'\t\t'
zpty -r coach_zsh seen "$3" || exit 1
print -r -- "${seen//$'\r'/}"
zpty -d coach_zsh
