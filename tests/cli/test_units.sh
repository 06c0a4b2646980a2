#!/bin/bash
# The systemd user units (coachd's socket and service, the reminder's timer and service):
# `systemd-analyze verify --user` accepts them with no output at all
# (any line is a warning: an unknown key, a bad value, a missing dependency), they say what
# the rest of coach relies on (socket path and mode, notify readiness), and their sandboxing
# keeps systemd's exposure score under 7.
#
# Works without systemd as PID 1: verify runs its own user manager in test mode, which needs
# only an XDG_RUNTIME_DIR (a private one here). verify also checks that ExecStart's program
# exists, so a copy of the service runs $COACHD_BIN (or /bin/true before coachd is built)
# instead of the installed path.
set -u

src=${COACH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
units=$src/systemd
failed=0

fail() {
  echo "FAIL: $*" >&2
  failed=1
}

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed (Debian: the systemd package)"
  exit 0
fi

tmp=$(mktemp -d "${COACH_TEST_TMP:-/tmp}/units.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/units" "$tmp/runtime" "$tmp/bad"
chmod 700 "$tmp/runtime"

bin=${COACHD_BIN:-/bin/true}
if [ ! -x "$bin" ]; then
  # COACHD_BIN names the build target even when it has not been built (yet): the units
  # can still be checked.
  echo "note: $bin is not built; checking the units with /bin/true"
  bin=/bin/true
fi
client=${COACH_BIN:-/bin/true}
[ -x "$client" ] || client=/bin/true
cp "$units/coachd.socket" "$units/coachd.service" "$units/coach-remind.timer" \
  "$units/coach-remind.service" "$tmp/units/"
sed -i "s|^ExecStart=/usr/local/bin/coachd\$|ExecStart=$bin|" "$tmp/units/coachd.service"
grep -qx "ExecStart=$bin" "$tmp/units/coachd.service" ||
  fail "coachd.service has no line 'ExecStart=/usr/local/bin/coachd' to point at $bin"
sed -i "s|^ExecStart=/usr/local/bin/coach remind\$|ExecStart=$client remind|" \
  "$tmp/units/coach-remind.service"
grep -qx "ExecStart=$client remind" "$tmp/units/coach-remind.service" ||
  fail "coach-remind.service has no line 'ExecStart=/usr/local/bin/coach remind'"

# HOME too, so that no unit of the real user's ~/.config/systemd/user is picked up.
analyze() {
  XDG_RUNTIME_DIR="$tmp/runtime" HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" \
    systemd-analyze "$@"
}

# --man=no: the pages Documentation= names are checked where they are installed (the package
# test, tests/daemon/test_package.sh).
out=$(analyze verify --user --man=no "$tmp/units/coachd.socket" "$tmp/units/coachd.service" \
  "$tmp/units/coach-remind.timer" "$tmp/units/coach-remind.service" 2>&1)
rc=$?
[ "$rc" -eq 0 ] || fail "systemd-analyze verify exited with $rc"
[ -z "$out" ] || fail "systemd-analyze verify printed warnings:"$'\n'"$out"

# The check has teeth: a misspelt key is reported.
sed 's/^ListenStream=/ListenStrem=/' "$tmp/units/coachd.socket" >"$tmp/bad/coachd.socket"
cp "$tmp/units/coachd.service" "$tmp/bad/"
out=$(analyze verify --user --man=no "$tmp/bad/coachd.socket" "$tmp/bad/coachd.service" 2>&1)
[ -n "$out" ] || fail "systemd-analyze verify did not notice an unknown key"
sed 's/^OnCalendar=.*/OnCalendar=every five minutes/' "$tmp/units/coach-remind.timer" \
  >"$tmp/bad/coach-remind.timer"
cp "$tmp/units/coach-remind.service" "$tmp/bad/"
out=$(analyze verify --user --man=no "$tmp/bad/coach-remind.timer" "$tmp/bad/coach-remind.service" 2>&1)
[ -n "$out" ] || fail "systemd-analyze verify did not notice a bad OnCalendar="

# What the code relies on.
expect() { # FILE LINE
  grep -qx -- "$2" "$units/$1" || fail "$1 lacks the line: $2"
}
expect coachd.socket 'ListenStream=%t/coach/socket' # = paths_socket() with XDG_RUNTIME_DIR
expect coachd.socket 'SocketMode=0600'
expect coachd.socket 'DirectoryMode=0700'
expect coachd.socket 'Accept=no'
expect coachd.service 'Type=notify'
expect coachd.service 'Restart=on-failure'
expect coachd.service 'NoNewPrivileges=yes'
expect coachd.service 'RestrictAddressFamilies=AF_UNIX'
# The reminder: off until enabled, coachd decides (so the timer only asks), never a coachd of
# its own (it would die with the oneshot service's cgroup), and coachd from its socket.
expect coach-remind.timer 'WantedBy=timers.target'
expect coach-remind.service 'Type=oneshot'
expect coach-remind.service 'Environment=COACH_NO_AUTOSTART=1'
expect coach-remind.service 'Wants=coachd.socket'
grep -q '^\[Install\]' "$units/coach-remind.service" &&
  fail "coach-remind.service has an [Install] section: the timer is what users enable"

# Sandboxing: a bare service scores 9.8 ("UNSAFE"); ours about 6.4. --threshold is the
# score times ten.
if ! out=$(analyze security --user --offline=yes --threshold=70 \
  "$tmp/units/coachd.service" 2>&1); then
  fail "exposure score above 7.0:"$'\n'"$(echo "$out" | tail -n 1)"
fi

if [ "$failed" -ne 0 ]; then
  exit 1
fi
echo "units: ok"
