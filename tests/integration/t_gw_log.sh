#!/bin/bash
# SPDX-License-Identifier: MIT
# What ninegate says: --help (exit 0, every option listed) and --version;
# the default log has no per-connection lines, -v adds one line when a
# connection comes and one when it goes, --debug (and -vv) one line per 9P
# message each way and one per FUSE message each way (every FUSE request
# but FORGET answered once, by its unique; DESTROY's answer is not waited
# for at shutdown).
#
# Usage: t_gw_log.sh NINEGATE
set -u
ninegate_bin=${1:?usage: t_gw_log.sh NINEGATE}
. "$(dirname "$0")/t_gw_lib.sh"

help=$("$ninegate_bin" --help)
check "--help exits 0" [ $? -eq 0 ]
missing=
for o in --export --listen --socket-mode --msize --read-only --uid --gid \
	--max-connections --max-fids --max-requests --output-bound --seccomp \
	--verbose --debug --help --version; do
	grep -q -- "$o" <<<"$help" || missing="$missing $o"
done
check_eq "--help lists every option" "" "$missing"
check_that "--help: usage line first" 'head -1 <<<"$help" | grep -q "^usage: ninegate"'
ver=$("$ninegate_bin" --version)
check "--version exits 0" [ $? -eq 0 ]
check_that "--version prints 'ninegate X.Y.Z'" \
	'grep -Eq "^ninegate [0-9]+\.[0-9]+\.[0-9]+" <<<"$ver"'
check_eq "-h is --help" "$help" "$("$ninegate_bin" -h)"

E=$T_WORK/export
mkdir "$E"
printf 'hello\n' >"$E/hello"
S=$T_WORK/gw.sock
# one session: Tversion, Tattach, Twalk of one name, Tclunk, Tclunk
session() {
	python3 - "$S" "$(dirname "$0")" <<'EOF'
import sys
sys.path.insert(0, sys.argv[2])
from t_gw_9p import Conn
c = Conn("unix:" + sys.argv[1])
c.version(65536)
c.attach(0)
c.walk(0, 1, ["hello"])
c.clunk(1)
c.clunk(0)
c.close()
EOF
}

gw_must_start quiet -l "unix:$S" --export "$E"
session
session
gw_stop
check_eq "default: no connection lines" 0 "$(grep -c 'conn ' "$GW_LOG")"

for v in -v; do
	gw_must_start verbose -l "unix:$S" "$v" --export "$E"
	session
	session
	gw_stop
	check_eq "$v: two 'connected' lines for two sessions" 2 \
		"$(grep -c 'conn [0-9]* (unix.*): connected' "$GW_LOG")"
	check_eq "$v: two 'closed' lines" 2 \
		"$(grep -c 'conn [0-9]* (unix.*): closed' "$GW_LOG")"
	check_eq "$v: no per-message lines" 0 "$(grep -c ' <- c[0-9]' "$GW_LOG")"
done

for v in --debug -vv; do
	gw_must_start "debug$v" -l "unix:$S" "$v" --export "$E"
	session
	gw_stop
	L=$GW_LOG
	check_eq "$v: one line per 9P request" \
		"Tversion Tattach Twalk Tclunk Tclunk" \
		"$(grep -o ' <- c[0-9]* T[a-z]*' "$L" | awk '{print $3}' | xargs)"
	check_eq "$v: one line per 9P reply" \
		"Rversion Rattach Rwalk Rclunk Rclunk" \
		"$(grep -o ' -> c[0-9]* R[a-z]*' "$L" | awk '{print $3}' | xargs)"
	check_that "$v: the walk line names the file" "grep -q \"Twalk .*'hello'\" \"\$L\""
	reqs=$(grep 'fuse -> ' "$L" | grep -v 'FORGET\|INTERRUPT\|DESTROY' |
		sed -n 's/.*unique \([0-9]*\).*/\1/p' | sort -n | xargs)
	reps=$(grep 'fuse <- ' "$L" | sed -n 's/.*unique \([0-9]*\).*/\1/p' | sort -n | xargs)
	check_eq "$v: every FUSE request has one reply line, by unique" "$reqs" "$reps"
	check_that "$v: FUSE lines for INIT, GETATTR and LOOKUP" \
		'grep -q "fuse -> INIT" "$L" && grep -q "fuse -> GETATTR" "$L" && grep -q "fuse -> LOOKUP" "$L"'
done
finish
