# SPDX-License-Identifier: MIT
# Shared by the t_gw_*.sh integration tests (sourced, not run): a scratch
# directory, starting ninegate with its log in a file and waiting until it
# serves, stopping it with a signal and checking how it ended (a death by
# SIGSYS fails with the hint to rerun with --seccomp trap), and cleanup of
# everything started. The check helpers come from t_ninep_lib.sh.
#
# It does not pick the backend or the listener: each test passes them.

. "$(dirname "${BASH_SOURCE[0]}")/t_ninep_lib.sh"

command -v python3 >/dev/null || skip "python3 not found"
T_WORK=$(mktemp -d "${TMPDIR:-/tmp}/t_gw.XXXXXX")
T_PIDS=
# LeakSanitizer cannot run inside the seccomp filter (SANDBOX.md §6.8).
case ${ASAN_OPTIONS:-} in
*detect_leaks*) ;;
*) export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 ;;
esac
export LC_ALL=C.UTF-8 TZ=UTC
# Every run is under the real filter; NINEGATE_SECCOMP=trap names a call.
T_SECCOMP=${NINEGATE_SECCOMP:-kill}

# pid_tag PID: "PID:STARTTIME", so that cleanup never signals a process
# that merely reuses a pid of ours
pid_tag() {
	[ -n "$1" ] && echo "$1:$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20)"
}

gw_cleanup() {
	local t p
	for t in $T_PIDS; do
		p=${t%%:*}
		[ "$(pid_tag "$p")" = "$t" ] || continue
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_WORK"
}
trap gw_cleanup EXIT

# status_text RC: "exit N" or "killed by SIGNAME"
status_text() {
	if [ "$1" -gt 128 ] && [ "$1" -lt 160 ]; then
		echo "killed by SIG$(kill -l "$(($1 - 128))")"
	else
		echo "exit $1"
	fi
}

# gw_start NAME ARGS...: run ninegate ARGS in the background with stderr in
# $T_WORK/NAME.log; GW_PID and GW_LOG are set. Returns once the sandbox
# line is logged (it serves from then on), 1 if it died first.
gw_start() {
	local name=$1 _
	shift
	GW_LOG=$T_WORK/$name.log
	"$ninegate_bin" --seccomp "$T_SECCOMP" "$@" 2>"$GW_LOG" </dev/null &
	GW_PID=$!
	T_PIDS="$T_PIDS $(pid_tag "$GW_PID")"
	for _ in $(seq 1 600); do
		if grep -q '^ninegate: sandbox:' "$GW_LOG"; then
			T_PIDS="$T_PIDS $(pid_tag "$(backend_pid)")"
			return 0
		fi
		kill -0 "$GW_PID" 2>/dev/null || break
		sleep 0.05
	done
	wait "$GW_PID"
	local rc=$?
	echo "# ninegate $* did not start ($(status_text $rc)):"
	sed 's/^/#   /' "$GW_LOG"
	return 1
}

# gw_must_start NAME ARGS...: gw_start, or fail the whole test.
gw_must_start() {
	if gw_start "$@"; then
		ok "ninegate started ($1)"
	else
		not_ok "ninegate started ($1)"
		finish
	fi
}

# gw_wait: wait (up to 30 s) for GW_PID to end and set GW_RC; a SIGSYS death is a failure
# of its own with the hint.
gw_wait() {
	local _
	for _ in $(seq 1 600); do
		kill -0 "$GW_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$GW_PID" 2>/dev/null; then
		not_ok "ninegate ended within 30 s (killed now; log follows)"
		sed 's/^/#   /' "$GW_LOG"
		kill -KILL "$GW_PID"
	fi
	wait "$GW_PID"
	GW_RC=$?
	check_clean_log
	if [ "$GW_RC" -eq $((128 + 31)) ]; then
		not_ok "ninegate not killed by the sandbox (SIGSYS: rerun with NINEGATE_SECCOMP=trap, i.e. --seccomp trap, to name the call)"
		sed 's/^/#   /' "$GW_LOG"
	fi
}

# gw_stop [SIGNAL]: signal GW_PID (default TERM), wait, check exit 0.
gw_stop() {
	local sig=${1:-TERM}
	kill "-$sig" "$GW_PID" 2>/dev/null
	gw_wait
	check_eq "ninegate exits 0 on SIG$sig" "exit 0" "$(status_text "$GW_RC")"
	[ "$GW_RC" -eq 0 ] || sed 's/^/#   /' "$GW_LOG"
}

# gw_alive WHAT: the gateway is still running.
gw_alive() {
	check "ninegate still runs $1" kill -0 "$GW_PID"
}

# backend_pid: the child process of GW_PID (the FUSE backend).
backend_pid() {
	cat "/proc/$GW_PID/task/$GW_PID/children" 2>/dev/null | awk '{print $1}'
}

# pid_dead PID: no such process, or only a zombie left (waits up to 10 s)
pid_dead() {
	local _ st
	for _ in $(seq 1 200); do
		[ -e "/proc/$1" ] || return 0
		st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
		[ -z "$st" ] || [ "$st" = Z ] && return 0
		sleep 0.05
	done
	return 1
}

# gw_run_fail NAME ARGS...: run ninegate ARGS in the foreground, as a
# start-up that must fail; GW_RC and GW_LOG are set. One that serves
# instead is stopped after 10 s (GW_RC 124).
gw_run_fail() {
	local name=$1
	shift
	GW_LOG=$T_WORK/$name.log
	timeout 10 "$ninegate_bin" --seccomp "$T_SECCOMP" "$@" 2>"$GW_LOG" \
		</dev/null >/dev/null
	GW_RC=$?
	check_clean_log
}

# check_clean_log: GW_LOG has no sanitizer report (ASan/UBSan builds).
check_clean_log() {
	if grep -Eq 'runtime error:|ERROR: (Address|Leak|Undefined)Sanitizer' "$GW_LOG"; then
		not_ok "no sanitizer report in $(basename "$GW_LOG")"
		sed 's/^/#   /' "$GW_LOG"
	fi
}

# check_fails WHAT PATTERN: the last gw_run_fail ended with 0 < exit < 124
# and its log has a line matching the grep -E PATTERN.
check_fails() {
	check_that "$1: exit != 0" '[ "$GW_RC" -gt 0 ] && [ "$GW_RC" -lt 124 ]'
	if grep -Eq -- "$2" "$GW_LOG"; then
		ok "$1: says '$2'"
	else
		not_ok "$1: says '$2'"
		sed 's/^/#   /' "$GW_LOG"
	fi
}
