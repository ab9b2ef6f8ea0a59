#!/bin/bash
# SPDX-License-Identifier: MIT
# `ninep` in 9P2000.u and 9P2000 against t_ninep_fakesrv (an in-memory
# server of those dialects with an msize of 8192): the Topen/Tcreate/Tstat/
# Twstat paths of the client library, directory reads as stat entries,
# Rerror texts and errnums, and the commands those dialects cannot do.
#
# Usage: t_ninep_dialects.sh PATH/TO/ninep PATH/TO/t_ninep_fakesrv
set -u
ninep_bin=${1:?usage: t_ninep_dialects.sh NINEP FAKESRV}
fakesrv=${2:?usage: t_ninep_dialects.sh NINEP FAKESRV}
. "$(dirname "$0")/t_ninep_lib.sh"

export LC_ALL=C TZ=UTC
T_WORK=$(mktemp -d "${TMPDIR:-/tmp}/t_ninep.XXXXXX")
W=$T_WORK
srv_pid=
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

start_srv() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -f "$W/sock"
	"$fakesrv" "$W/sock" 2>>"$W/srv.log" &
	srv_pid=$!
	for _ in $(seq 1 100); do
		[ -S "$W/sock" ] && return 0
		sleep 0.02
	done
	echo "Bail out! fake server did not start" >&2
	exit 1
}

for D in 9P2000.u 9P2000; do
	start_srv
	n() { "$ninep_bin" -a "unix:$W/sock" -V "$D" "$@"; }

	check_eq "$D: version" "$D msize 8192" "$(n version)"
	check_eq "$D: ls" "$(printf 'dir\nhello.txt')" "$(n ls)"
	check_eq "$D: ls dir" "$(printf 'a\nempty\nwith space')" "$(n ls dir)"
	lsl=$(n ls -l dir)
	check_that "$D: ls -l dir lines" '[ "$(grep -c "^-" <<<"$lsl")" -eq 3 ]'
	check_eq "$D: ls -l file line" "-rw------- 1 alice staff 1" \
		"$(grep ' a$' <<<"$lsl" | cut -d' ' -f1-5)"
	check_eq "$D: ls -l total line (1 KiB per non-empty small file)" "total 2" "$(head -1 <<<"$lsl")"
	check_eq "$D: cat" "Hello, 9P2000!" "$(n cat hello.txt)"
	check_eq "$D: cat name with space" "spaced" "$(n cat 'dir/with space')"

	head -c 100000 /dev/urandom >"$W/src"
	n -w 8 put "$W/src" big && n get big "$W/back"
	check "$D: put/get 100000 bytes at msize 8192" cmp -s "$W/src" "$W/back"
	check_eq "$D: stat size" "size: 100000" "$(n stat big | grep '^size:')"
	printf 'abc' | n write big
	check_eq "$D: write truncates" "abc" "$(n cat big)"
	printf 'def' | n write -a big
	check_eq "$D: write -a" "abcdef" "$(n cat big)"

	n mkdir -p x/y/z
	check_eq "$D: mkdir -p" "z" "$(n ls x/y)"
	check_eq "$D: mkdir existing" "ninep: x: File exists" "$(n mkdir x 2>&1)"
	n mv big bigger
	check_eq "$D: mv in one directory (Twstat name)" "abcdef" "$(n cat bigger)"
	check_eq "$D: mv across directories" \
		"ninep: cannot move 'bigger' to 'x/bigger': Invalid cross-device link" \
		"$(n mv bigger x/bigger 2>&1)"
	n chmod 640 bigger
	check_eq "$D: chmod (Twstat mode)" "mode: 0100640 (-rw-r-----)" \
		"$(n stat bigger | grep '^mode:')"
	n chmod 755 x
	check_eq "$D: chmod of a directory keeps DMDIR" "mode: 040755 (drwxr-xr-x)" \
		"$(n stat x | grep '^mode:')"
	n touch new hello.txt
	check_eq "$D: touch creates" "size: 0" "$(n stat new | grep '^size:')"
	age=$(($(date +%s) - $(n stat hello.txt | sed -n 's/^mtime: .*(\(.*\))$/\1/p')))
	check_that "$D: touch sets mtime" '[ "$age" -ge 0 ] && [ "$age" -lt 60 ]'
	check_eq "$D: rm directory without -r" "ninep: x: Is a directory" "$(n rm x 2>&1)"
	n rm -r x new
	check_eq "$D: rm -r" "$(printf 'bigger\ndir\nhello.txt')" "$(n ls)"
	check_eq "$D: missing file" "ninep: nope: No such file or directory" \
		"$(n cat nope 2>&1)"
	check_eq "$D: missing file: status 1" 1 "$(n cat nope >/dev/null 2>&1; echo $?)"
	check_eq "$D: df" "ninep: /: Operation not supported" "$(n df 2>&1)"

	if [ "$D" = 9P2000.u ]; then
		n ln -s hello.txt sl
		check_eq "$D: ln -s + readlink" "hello.txt" "$(n readlink sl)"
		check_eq "$D: ls -l shows the target" "sl -> hello.txt" \
			"$(n ls -l | grep '^l' | sed 's/.* \(sl -> .*\)/\1/')"
		check_eq "$D: readlink of a file" "ninep: hello.txt: Invalid argument" \
			"$(n readlink hello.txt 2>&1)"
	else
		check_eq "$D: no symlinks" "ninep: sl: Operation not supported" \
			"$(n ln -s hello.txt sl 2>&1)"
	fi
done
check_eq "a bare /PATH address" "$(printf 'bigger\ndir\nhello.txt')" \
	"$("$ninep_bin" -a "$W/sock" -V 9P2000.u ls 2>&1)"
check_eq "9P2000.L refused by the fake server" \
	"ninep: unix:$W/sock: version 9P2000.L: Protocol not supported" \
	"$("$ninep_bin" -a "unix:$W/sock" ls 2>&1)"
if [ -s "$W/srv.log" ]; then
	not_ok "fake server log is empty"
	sed 's/^/# /' "$W/srv.log"
fi
finish
