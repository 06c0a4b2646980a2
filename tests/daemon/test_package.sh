# The Debian package as a new user meets it: .ci/package builds coach_VERSION_ARCH.deb
# (cpack -G DEB, with its Depends from dpkg-shlibdeps) and lintian finds no error; the
# package holds the programs, routines, voices, config, user units, man pages and
# completions; `apt-get install` of it gives a coach whose man pages, completions and units
# work, and which plays `rest` through the installed units under systemd-socket-activate
# and when autostarted, logging both sessions in the history; `apt-get remove` leaves no
# file behind.
#
# Isolation: nothing is installed on this machine. The test runs itself again in a private
# mount namespace (unshare --mount) in which /usr, /var and /etc are overlays whose
# writable layers are on a tmpfs of this test's own: apt and dpkg install and remove the
# package there (their locks and database are copies), and no other process sees any of it
# (not the tests running beside this one, nor builds that would prefer an installed
# share/coach over their source tree). Everything goes away with the namespace. This needs
# root and unshare; without them the test is skipped (77). ctest runs it alone (RUN_SERIAL,
# tests/CMakeLists.txt), so its compile cannot starve the timing-bound tests of this suite;
# with the sanitizers it is disabled: the package is built without them anyway.
set -u
if [ "${COACH_PACKAGE_NAMESPACE:-}" != private ]; then
  if [ "$(id -u)" -ne 0 ] || ! unshare --mount true 2>/dev/null; then
    echo "skip: installing in a private mount namespace needs root and unshare --mount"
    exit 77
  fi
  COACH_PACKAGE_NAMESPACE=private exec unshare --mount --propagation private bash "$0" "$@"
fi
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
# lib.sh's cleanup, then the overlays (lazily: nothing may hold them by now, and the
# namespace ends with this shell anyway) before the test's folder goes.
cleanup_package() {
  daemon_stop
  pulse_stop
  for d in etc var usr; do umount -l "/$d" 2>/dev/null; done
  umount -l "$T/layers" 2>/dev/null
  rm -rf "$T"
}
trap cleanup_package EXIT
for tool in apt-get dpkg-deb lintian systemd-socket-activate systemd-analyze man; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (.ci/setup --tests installs it)"; exit 1; }
done
version=$(sed -n 's/^project(coach VERSION \([0-9.]*\) .*/\1/p' "$COACH_SOURCE_DIR/CMakeLists.txt")
arch=$(dpkg --print-architecture)

# --- build and lint ---------------------------------------------------------------------------
# Niced: the machine may be shared with other suites.
if PACKAGE_BUILD_DIR=$T/build nice -n 10 bash "$COACH_SOURCE_DIR/.ci/package" >"$T/package.out" \
  2>"$T/lintian.txt"; then
  ok ".ci/package built it and lintian found no error"
else
  not_ok ".ci/package failed:"$'\n'"$(tail -n 30 "$T/lintian.txt")"
  finish
  exit 1
fi
deb=$(tail -n 1 "$T/package.out")
check "the package is coach_${version}_$arch.deb ($deb)" test "$(basename "$deb")" = "coach_${version}_$arch.deb"
warnings=$(grep -c '^W: ' "$T/lintian.txt")
check "lintian: no warnings ($warnings)" test "$warnings" -eq 0
grep '^[EW]: ' "$T/lintian.txt" | sed 's/^/  lintian: /'
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libportaudio2 libespeak-ng1 libsndfile1 libebur128-1 libpulse0 libpocketsphinx3 espeak-ng-data; do
  check "Depends names $lib" sh -c "printf '%s\n' \"\$1\" | grep -q '\\b$lib\\b'" _ "$depends"
done
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|')
for f in /usr/bin/coach /usr/bin/coachd /usr/libexec/coach/coach-speech \
  "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)/coach/coach-offline.so" \
  /usr/share/coach/coach.ini /usr/share/coach/routines/rest.ini /usr/share/coach/voices/calm \
  /usr/lib/systemd/user/coachd.socket /usr/lib/systemd/user/coachd.service \
  /usr/lib/systemd/user/coach-remind.timer /usr/lib/systemd/user/coach-remind.service \
  /usr/share/man/man1/coach.1.gz /usr/share/man/man8/coachd.8.gz \
  /usr/share/man/man5/coach.ini.5.gz /usr/share/man/man5/coach-routine.5.gz \
  /usr/share/bash-completion/completions/coach /usr/share/zsh/vendor-completions/_coach \
  /usr/share/fish/vendor_completions.d/coach.fish /usr/share/doc/coach/copyright; do
  check "the package holds $f" sh -c "printf '%s\n' \"\$1\" | grep -qx '$f'" _ "$contents"
done
check "nothing outside /usr (so nothing in /etc to leave behind)" \
  sh -c "! printf '%s\n' \"\$1\" | grep -v '^/usr/' | grep -q ." _ "$contents"

# --- install, in the private overlays ---------------------------------------------------------
mkdir -p "$T/layers"
mount -t tmpfs coach-package-test "$T/layers" || { echo "cannot mount a tmpfs"; exit 1; }
for d in usr var etc; do
  mkdir -p "$T/layers/$d/upper" "$T/layers/$d/work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$T/layers/$d/upper,workdir=$T/layers/$d/work" \
    "/$d" || { echo "cannot overlay /$d"; exit 1; }
done
export DEBIAN_FRONTEND=noninteractive
if apt-get install -y "$deb" >"$T/apt-install.log" 2>&1; then
  ok "apt-get install of the package"
else
  not_ok "apt-get install failed:"$'\n'"$(tail -n 20 "$T/apt-install.log")"
fi
check "dpkg has it installed" test "$(dpkg-query -W -f='${Status}' coach 2>/dev/null)" = "install ok installed"

# As a user: the installed programs and data, no test overrides.
unset COACH_DATA_DIR COACH_SOCKET COACH_NO_AUTOSTART
export PATH=/usr/bin:/bin
check "coach is /usr/bin/coach" test "$(type -P coach)" = /usr/bin/coach
check "coach --version says $version" test "$(/usr/bin/coach --version)" = "coach $version"
n_shipped=$(ls "$COACH_SOURCE_DIR"/config/routines/*.ini | wc -l)
check "coach list, without coachd: the $n_shipped shipped routines" \
  test "$(/usr/bin/coach list | grep -c '^routine: ')" -eq "$n_shipped"
check "coach show rest, from the installed module" sh -c "/usr/bin/coach show rest | head -n 1 | grep -q '^Constructive rest, '"
for page in coach coachd coach.ini coach-routine; do
  check "man $page" sh -c "MANWIDTH=80 man $page 2>/dev/null | grep -q '^NAME'"
done
check "man -w coach: the installed page" test "$(man -w coach)" = /usr/share/man/man1/coach.1.gz

# Completion, as each shell finds it by itself.
out=$(bash -c '. /usr/share/bash-completion/bash_completion && __load_completion coach && complete -p coach' 2>&1)
check "bash-completion loads it for coach ($out)" test "$out" = "complete -F _coach coach"
out=$(bash -c '. /usr/share/bash-completion/bash_completion; __load_completion coach
  COMP_LINE="coach start kne"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(coach start kne); COMP_CWORD=2
  _coach coach kne start; echo "${COMPREPLY[*]}"' 2>&1)
check "bash: coach start kne -> kneel ($out)" test "$out" = kneel
if command -v fish >/dev/null; then
  out=$(fish -c 'complete -C "coach start kne"' 2>&1 | cut -f1)
  check "fish finds its completion: coach start kne -> kneel ($out)" test "$out" = kneel
fi
if command -v zsh >/dev/null; then
  check "zsh looks in the folder it is in" sh -c "zsh -fc 'print -l \$fpath' | grep -qx /usr/share/zsh/vendor-completions"
fi

# The installed units, with their man pages there now.
units=/usr/lib/systemd/user
out=$(XDG_RUNTIME_DIR=$T HOME=$T systemd-analyze verify --user "$units/coachd.socket" \
  "$units/coachd.service" "$units/coach-remind.timer" "$units/coach-remind.service" 2>&1)
check "systemd-analyze verify: the installed units, man pages included${out:+: $out}" test -z "$out"

# --- play: through the installed units under systemd-socket-activate ------------------------
pulse_start || exit 1
rec=$T/rec.raw
record_start "$rec" || exit 1
listen=$(sed -n 's/^ListenStream=//p' "$units/coachd.socket")
socket=${listen/\%t/$XDG_RUNTIME_DIR}
exec_start=$(sed -n 's/^ExecStart=//p' "$units/coachd.service")
check "the service runs /usr/bin/coachd ($exec_start)" test "$exec_start" = /usr/bin/coachd
check "the socket is where coach looks ($socket)" test "$socket" = "$XDG_RUNTIME_DIR/coach/socket"
mkdir -p "$(dirname "$socket")"
systemd-socket-activate -E PULSE_SERVER -E XDG_RUNTIME_DIR -E XDG_CONFIG_HOME -E XDG_STATE_HOME \
  -E HOME -l "$socket" $exec_start >>"$T/coachd.log" 2>&1 &
DAEMON_PID=$!
for i in $(seq 100); do [ -S "$socket" ] && break; sleep 0.05; done
t=$(record_ms)
check "coach start rest (coachd started by its socket)" /usr/bin/coach start rest
record_wait_ms $((t + 3000))
check "it is heard" soundstat "$rec" loud-between "$t" $((t + 3000))
check "status: rest" wait_for routine rest
check "coach stop" /usr/bin/coach stop
daemon_stop
check "coachd exits 0 on SIGTERM" test "${DAEMON_EXIT:-1}" -eq 0

# --- play: autostarted by coach ------------------------------------------------------------
rm -f "$socket"
t=$(record_ms)
check "coach start rest (autostarts the installed coachd)" /usr/bin/coach start rest
record_wait_ms $((t + 3000))
check "it is heard" soundstat "$rec" loud-between "$t" $((t + 3000))
# The coachd coach started: by its program and its runtime folder, this test's alone.
autostarted=
for p in /proc/[0-9]*; do
  [ "$(readlink "$p/exe" 2>/dev/null)" = /usr/bin/coachd ] || continue
  tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qx "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR" &&
    autostarted=${p#/proc/}
done
check "it is the installed coachd ($autostarted)" test -n "$autostarted"
check "coach stop" /usr/bin/coach stop
check "both sessions are in the history" sh -c "[ \$(/usr/bin/coach history --json | grep -c '\"routine\": \"rest\"') -eq 2 ]"
[ -n "$autostarted" ] && kill "$autostarted"
for i in $(seq 100); do [ -n "$autostarted" ] && kill -0 "$autostarted" 2>/dev/null || break; sleep 0.05; done
record_stop

# --- remove ---------------------------------------------------------------------------------
if apt-get remove -y coach >"$T/apt-remove.log" 2>&1; then
  ok "apt-get remove coach"
else
  not_ok "apt-get remove failed:"$'\n'"$(tail -n 20 "$T/apt-remove.log")"
fi
status=$(dpkg-query -W -f='${Status}' coach 2>/dev/null)
check "dpkg has nothing of it left, not even config files ($status)" \
  sh -c "[ -z '$status' ] || [ '$status' = 'unknown ok not-installed' ] || [ '$status' = 'deinstall ok not-installed' ]"
left=$(printf '%s\n' "$contents" | while read -r f; do [ -f "$f" ] && echo "$f"; done)
check "none of its files is left${left:+: $left}" test -z "$left"
# Not counted: man-db's cache of the pages `man` showed above (/var/cache/man), which is
# man-db's own and which its daily job purges once the pages are gone.
left=$(find "$T/layers" -name '*coach*' -not -path "$T/layers/var/upper/cache/man/*" 2>/dev/null)
check "nothing named coach is left in /usr, /var or /etc${left:+: $left}" test -z "$left"
finish
