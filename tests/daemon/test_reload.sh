# Routine files changed or broken under a running daemon, then SIGHUP or `reload`: good
# changes are picked up, a broken file keeps its old version and is reported, a user's file
# overrides a shipped one of the same name.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
user=$XDG_CONFIG_HOME/coach/routines
cat >"$user/mine.ini" <<'INI'
[routine]
title = Mine, first version
summary = A user's own routine.
steps = hello
[step hello]
do = say
text = Hello.
INI
setup
check "a user's routine is listed" sh -c "'$COACH_BIN' list | grep -q 'title: Mine, first version'"

sed -i 's/first version/second version/' "$user/mine.ini"
kill -HUP "$DAEMON_PID"
check "SIGHUP picks up the change" sh -c "for i in \$(seq 40); do '$COACH_BIN' list | grep -q 'second version' && exit 0; sleep 0.05; done; exit 1"

printf '[routine]\ntitle = Broken\nsumary = typo\n' >"$user/mine.ini"
out=$(coach reload 2>&1)
check "reload with a broken file still answers OK" test $? -eq 0
check "reload reports the file and line ($out)" sh -c "echo \"\$1\" | grep -q 'mine.ini:3'" _ "$out"
check "the old version stays in use" sh -c "'$COACH_BIN' list | grep -q 'second version'"
check "it still starts" coach start mine
check "the log names the broken file" grep -q "mine.ini:3" "$T/coachd.log"

cat >"$user/safety.ini" <<'INI'
[routine]
title = My own safety notes
summary = Overrides the shipped one.
steps = hello
[step hello]
do = say
text = Be careful.
INI
coach reload >/dev/null
check "a user's file overrides a shipped one" sh -c "'$COACH_BIN' list | grep -q 'title: My own safety notes'"
check "the daemon keeps serving" coach ping
finish
