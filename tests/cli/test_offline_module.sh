# The split of coach (src/cli/cli.h): the coach program links only libc and the core, so that
# the daemon commands start as fast as /bin/true; render, show and check run in
# coach-offline.so beside it, which exports one symbol. A module that is missing, broken or
# without its entry point gives one line naming the path and exit status 1, never a crash,
# and the daemon commands and `coach help` still work without it.
. "$COACH_SOURCE_DIR/tests/daemon/lib.sh"
cd "$T" || exit 1
module=$(dirname "$COACH_BIN")/coach-offline.so

# What coach is linked to: libc and what the core or the sanitizers need, nothing of the
# engine. Checked as an allow-list, so that any new library is a decision.
needed=$(readelf -d "$COACH_BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
check "coach needs only libc (and the sanitizers' runtimes): $needed" \
  sh -c "printf '%s\n' $needed | grep -Ev '^(libc|libm|libdl|libasan|libubsan)\.so' | grep -q . && exit 1; exit 0"
check "the module is built beside coach" test -f "$module"
exported=$(nm -D --defined-only "$module" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | tr '\n' ' ')
check "the module exports only coach_offline_run: $exported" test "$exported" = "coach_offline_run "

# A copy of coach in a folder of its own, where the module beside it is whatever we put there.
mkdir "$T/bin"
cp "$COACH_BIN" "$T/bin/coach"
# fails_to_load NAME: `coach show rest` exits 1 with one line that names the module's path
# beside the copy and ends in "(reinstall coach)".
fails_to_load() {
  out=$("$T/bin/coach" show rest 2>&1)
  rc=$?
  if [ "$rc" -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
    printf '%s\n' "$out" | grep -q "^coach: cannot load the offline commands from $T/bin/coach-offline.so: .* (reinstall coach)\$"; then
    ok "$1: exit 1, one line ($out)"
  else
    not_ok "$1: exit $rc, want 1 and one line; got: $(printf '%s' "$out" | head -c 400)"
  fi
}

echo 'not a shared object' >"$T/bin/coach-offline.so"
fails_to_load "a module that is not a shared object"
check "with a broken module, help still works" sh -c "'$T/bin/coach' help | grep -q '^  render '"
out=$("$T/bin/coach" ping 2>&1)
rc=$?
check "with a broken module, ping still answers for itself (exit 1, not running)" \
  sh -c "[ $rc -eq 1 ] && printf '%s\n' \"\$1\" | grep -q 'coachd is not running'" _ "$out"

# A real shared object without the entry point: the module's own libm will do.
libm=$(ldd "$module" | awk '$1 == "libm.so.6" { print $3 }')
if [ -n "$libm" ] && [ -f "$libm" ]; then
  cp "$libm" "$T/bin/coach-offline.so"
  fails_to_load "a shared object without coach_offline_run"
  check "and the message names the missing symbol" \
    sh -c "printf '%s\n' \"\$1\" | grep -q 'undefined symbol: coach_offline_run'" _ "$out"
fi

# None beside the copy: the installed module, or a message naming where it was looked for.
rm -f "$T/bin/coach-offline.so"
out=$("$T/bin/coach" show rest 2>&1)
rc=$?
if [ "$rc" -eq 0 ]; then
  ok "no module beside coach: the installed one was used"
else
  check "no module beside coach: exit 1, names the installed path ($out)" \
    sh -c "[ $rc -eq 1 ] && printf '%s\n' \"\$1\" | grep -q '^coach: cannot load the offline commands from /.*/coach/coach-offline.so: .*(reinstall coach)\$'" _ "$out"
fi

# And the real one beside a copy is found there: build trees and installs are both beside.
cp "$module" "$T/bin/coach-offline.so"
check "the module beside a copy of coach is used" \
  sh -c "'$T/bin/coach' show rest | head -n 1 | grep -q '^Constructive rest, '"
finish
