#!/bin/bash
# SPDX-License-Identifier: MIT
# SIGTERM and SIGINT end ninegate with exit 0 and the backend reaped (its
# pid gone), for the passthrough backend and for a `-- PROGRAM` (testfs),
# also with a client connected and a request blocked in the backend; the
# unix socket file it leaves behind is replaced by the next start.
#
# Usage: t_gw_signals.sh NINEGATE NINEP TESTFS
set -u
ninegate_bin=${1:?usage: t_gw_signals.sh NINEGATE NINEP TESTFS}
ninep_bin=${2:?usage: t_gw_signals.sh NINEGATE NINEP TESTFS}
testfs_bin=${3:?usage: t_gw_signals.sh NINEGATE NINEP TESTFS}
. "$(dirname "$0")/t_gw_lib.sh"

E=$T_WORK/export
mkdir "$E"
printf 'hello\n' >"$E/hello"
S=$T_WORK/gw.sock

# --- passthrough, SIGTERM, then SIGINT on the left-over socket
for sig in TERM INT; do
	gw_must_start "pt-$sig" -l "unix:$S" --export "$E"
	bpid=$(backend_pid)
	check_that "SIG$sig: the backend runs" '[ -n "$bpid" ] && kill -0 "$bpid"'
	check_eq "SIG$sig: serves" "hello" "$("$ninep_bin" -a "unix:$S" cat hello)"
	gw_stop "$sig"
	check "SIG$sig: the backend ninegate-passthrough is gone" pid_dead "$bpid"
	check "SIG$sig: logged" grep -q "shutting down" "$GW_LOG"
	if [ -S "$S" ]; then
		echo "# the socket file is left behind; the next start must replace it"
	fi
done

# --- testfs as a program, a client connected, a read blocked in it
gw_must_start tfs --debug -l "unix:$S" -- "$testfs_bin" --block=hello:read {}
bpid=$(backend_pid)
"$ninep_bin" -a "unix:$S" -t 60 cat hello >"$T_WORK/cat.out" 2>"$T_WORK/cat.err" &
catpid=$!
T_PIDS="$T_PIDS $catpid"
for _ in $(seq 1 200); do
	grep -q 'fuse -> READ' "$GW_LOG" && break
	sleep 0.05
done
check "the READ reached testfs" grep -q 'fuse -> READ' "$GW_LOG"
check "the blocked client is still waiting" kill -0 "$catpid"
start=$(date +%s)
gw_stop TERM
check_that "SIGTERM with a request blocked: ended within 20 s" \
	'[ $(($(date +%s) - start)) -lt 20 ]'
check "SIGTERM: testfs is gone" pid_dead "$bpid"
wait "$catpid"
check_that "the blocked client got an error, not data" '[ $? -ne 0 ] && [ ! -s "$T_WORK/cat.out" ]'

# --- one more start on the same path, one more SIGINT
gw_must_start again -l "unix:$S" -- "$testfs_bin" {}
check_eq "the left-over socket was replaced" "hello" \
	"$("$ninep_bin" -a "unix:$S" cat hello)"
bpid=$(backend_pid)
gw_stop INT
check "SIGINT: testfs is gone" pid_dead "$bpid"
finish
