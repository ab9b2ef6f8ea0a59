# SPDX-License-Identifier: MIT
# Shared by the t_ninep_* integration tests (sourced, not run): start
# Debian's diod on a free loopback port exporting a fresh directory, stop it
# on exit, and small assertion helpers that count failures.
#
# It does not install anything: a missing diod or python3 ends the test
# with exit 77 (SKIP) and the reason.

T_FAILS=0
T_CHECKS=0

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

ok() {
	T_CHECKS=$((T_CHECKS + 1))
	echo "ok $T_CHECKS - $*"
}

not_ok() {
	T_CHECKS=$((T_CHECKS + 1))
	T_FAILS=$((T_FAILS + 1))
	echo "not ok $T_CHECKS - $*"
}

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# check_that DESCRIPTION 'SHELL EXPRESSION': passes when it evaluates true
check_that() {
	if eval "$2"; then ok "$1"; else not_ok "$1"; fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   expected: $(printf '%q' "$2")"
		echo "#   actual:   $(printf '%q' "$3")"
	fi
}

finish() {
	echo "1..$T_CHECKS"
	if [ "$T_FAILS" -ne 0 ]; then
		echo "$T_FAILS of $T_CHECKS checks failed" >&2
		exit 1
	fi
	exit 0
}

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start_diod: sets T_WORK (scratch), T_EXPORT (exported), T_PORT, T_ADDR
start_diod() {
	DIOD=${DIOD:-/usr/sbin/diod}
	[ -x "$DIOD" ] || skip "diod not found at $DIOD (Debian package diod)"
	command -v python3 >/dev/null || skip "python3 not found (picks a port)"
	T_WORK=$(mktemp -d "${TMPDIR:-/tmp}/t_ninep.XXXXXX")
	T_EXPORT=$T_WORK/export
	mkdir "$T_EXPORT"
	trap stop_diod EXIT
	T_PORT=$(free_port)
	T_ADDR=tcp:127.0.0.1:$T_PORT
	"$DIOD" -f -n -e "$T_EXPORT" -l "127.0.0.1:$T_PORT" \
		-L "$T_WORK/diod.log" >"$T_WORK/diod.out" 2>&1 &
	T_DIOD_PID=$!
	for _ in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$T_PORT") 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$T_DIOD_PID" 2>/dev/null; then
			cat "$T_WORK/diod.out" "$T_WORK/diod.log" >&2 2>/dev/null
			skip "diod did not start"
		fi
		sleep 0.05
	done
	skip "diod does not accept on 127.0.0.1:$T_PORT"
}

stop_diod() {
	if [ -n "${T_DIOD_PID:-}" ]; then
		kill "$T_DIOD_PID" 2>/dev/null
		wait "$T_DIOD_PID" 2>/dev/null
	fi
	[ -n "${T_WORK:-}" ] && rm -rf "$T_WORK"
}
