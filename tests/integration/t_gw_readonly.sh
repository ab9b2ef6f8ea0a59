#!/bin/bash
# SPDX-License-Identifier: MIT
# `ninegate --read-only`: every change through ninep (write, write -a, put,
# mkdir, rm, rm -r, mv, chmod, touch of an old and a new file, ln -s, ln)
# fails with "Read-only file system" and exit 1, in 9P2000.L and 9P2000,
# and the exported directory is unchanged; reading still works.
#
# Usage: t_gw_readonly.sh NINEGATE NINEP
set -u
ninegate_bin=${1:?usage: t_gw_readonly.sh NINEGATE NINEP}
ninep_bin=${2:?usage: t_gw_readonly.sh NINEGATE NINEP}
. "$(dirname "$0")/t_gw_lib.sh"

E=$T_WORK/export
mkdir -p "$E/dir/sub"
printf 'hello\n' >"$E/hello"
printf 'inner\n' >"$E/dir/inner"
printf 'local\n' >"$T_WORK/local"
touch -d '2020-01-01 00:00:00' "$E/hello"
snapshot() { (cd "$E" && find . -printf '%y %m %s %T@ %p\n' | sort); }
before=$(snapshot)

S=$T_WORK/gw.sock
gw_must_start ro -l "unix:$S" --read-only --export "$E"

for D in 9P2000.L 9P2000; do
	n() { "$ninep_bin" -a "unix:$S" -V "$D" "$@"; }
	# refused NAME ninep-ARGS...: exit 1 and "Read-only file system"
	refused() {
		local what=$1 out rc
		shift
		out=$(n "$@" 2>&1 </dev/null)
		rc=$?
		if [ "$rc" -eq 1 ] && grep -q 'Read-only file system' <<<"$out"; then
			ok "$D: $what refused with EROFS"
		else
			not_ok "$D: $what refused with EROFS"
			echo "#   exit $rc: $out"
		fi
	}
	check_eq "$D: cat still works" "hello" "$(n cat hello)"
	check_eq "$D: ls still works" "$(cd "$E" && ls)" "$(n ls)"
	refused "write to an existing file" write hello
	refused "write -a" write -a hello
	refused "write of a new file" write newfile
	refused "put" put "$T_WORK/local" newput
	refused "mkdir" mkdir newdir
	refused "mkdir -p" mkdir -p dir/a/b
	refused "rm" rm hello
	refused "rm -r" rm -r dir
	refused "mv" mv hello hello2
	refused "chmod" chmod 600 hello
	refused "touch of an existing file" touch hello
	refused "touch of a new file" touch newtouch
	if [ "$D" = 9P2000.L ]; then
		refused "ln -s" ln -s hello sl
		refused "ln" ln hello hl
	fi
	check_eq "$D: the export is unchanged" "$before" "$(snapshot)"
done
gw_alive "after the refused changes"
gw_stop
finish
