#!/bin/bash
# SPDX-License-Identifier: MIT
# The test command: builds ninegate twice and runs every pass/fail suite.
#  1. ASan+UBSan build, -Dwerror=true: unit, fuzz (corpus replay),
#     integration (sandbox on).
#  2. plain build: the unit suite under valgrind, and the 'valgrind' suite
#     (the gateway serving real traffic under valgrind, seccomp off).
#  3. the 'vm' suite on the plain build: Debian's 6.1 kernel in qemu mounts
#     ninegate with its 9p client (tests/vm/).
# Prints Check's summary lines and one closing "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0

setup() { # dir, options...
	local d=$1; shift
	if [ -d "$d" ]; then
		meson setup --reconfigure "$d" "$@" >/dev/null
	else
		meson setup "$d" "$@" >/dev/null
	fi
	ninja -C "$d" >/dev/null
}

# Only this run's logs are counted at the end.
rm -f build-asan/meson-logs/testlog* build-vg/meson-logs/testlog*

setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true
meson test -C build-asan --print-errorlogs --num-processes 2 \
	--suite unit --suite fuzz --suite integration || status=1

setup build-vg -Dwerror=true
meson test -C build-vg --print-errorlogs --num-processes 2 --suite unit \
	--logbase testlog-valgrind \
	--wrap='valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --trace-children=no' \
	|| status=1
meson test -C build-vg --print-errorlogs --suite valgrind \
	--logbase testlog-vgsuite || status=1
meson test -C build-vg --print-errorlogs --suite vm \
	--logbase testlog-vm || status=1

echo
echo "== Check summaries"
grep -h '^[0-9]*%: Checks:' build-asan/meson-logs/testlog.txt \
	build-vg/meson-logs/testlog-*.txt 2>/dev/null || true
pass=0 fail=0 skip=0
# (meson adds the wrapper's name to a --wrap run's log: testlog-valgrind-*)
for f in build-asan/meson-logs/testlog.json build-vg/meson-logs/testlog-*.json; do
	[ -f "$f" ] || continue
	pass=$((pass + $(grep -c '"result": "OK"' "$f" || true)))
	fail=$((fail + $(grep -cE '"result": "(FAIL|ERROR|TIMEOUT|UNEXPECTEDPASS)"' "$f" || true)))
	skip=$((skip + $(grep -c '"result": "SKIP"' "$f" || true)))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || status=1
exit $status
