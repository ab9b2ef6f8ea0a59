#!/bin/bash
# SPDX-License-Identifier: MIT
# `ninegate --uid U --gid G`: every request runs as U:G whoever attaches.
# Files, directories and symlinks made through ninep (9P2000.L Tlcreate/
# Tmkdir/Tsymlink, 9P2000.u and 9P2000 Tcreate) are owned U:G on the host
# (stat), also for a client that attaches as root; and a file only root
# may read is refused. Without the options a root client's files are
# root's (the comparison that shows the options did it).
#
# Usage: t_gw_squash.sh NINEGATE NINEP. Needs root (exit 77 otherwise).
set -u
ninegate_bin=${1:?usage: t_gw_squash.sh NINEGATE NINEP}
ninep_bin=${2:?usage: t_gw_squash.sh NINEGATE NINEP}
. "$(dirname "$0")/t_gw_lib.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root to see files owned by other users"

U=4321
G=4567
chmod 755 "$T_WORK"
E=$T_WORK/export
mkdir "$E"
chmod 1777 "$E"
printf 'secret\n' >"$E/rootonly"
chmod 600 "$E/rootonly"
printf 'public\n' >"$E/public"
S=$T_WORK/gw.sock

gw_must_start plain -l "unix:$S" --export "$E"
printf 'x\n' | "$ninep_bin" -a "unix:$S" -u 0 write plain-root
check_eq "without --uid/--gid: a root client's file is root's" "0:0" \
	"$(stat -c %u:%g "$E/plain-root")"
gw_stop

gw_must_start squash -l "unix:$S" --uid "$U" --gid "$G" --export "$E"
for D in 9P2000.L 9P2000.u 9P2000; do
	for who in 0 1000; do
		n() { "$ninep_bin" -a "unix:$S" -V "$D" -u "$who" "$@"; }
		p="$D-u$who"
		printf 'data\n' | n write "f-$p"
		check_eq "$D, attached as $who: write creates a file owned $U:$G" \
			"$U:$G" "$(stat -c %u:%g "$E/f-$p" 2>&1)"
		n mkdir "d-$p"
		check_eq "$D, attached as $who: mkdir owned $U:$G" \
			"$U:$G" "$(stat -c %u:%g "$E/d-$p" 2>&1)"
		n touch "t-$p"
		check_eq "$D, attached as $who: touch creates owned $U:$G" \
			"$U:$G" "$(stat -c %u:%g "$E/t-$p" 2>&1)"
		if [ "$D" != 9P2000 ]; then
			n ln -s public "l-$p"
			check_eq "$D, attached as $who: symlink owned $U:$G" \
				"$U:$G" "$(stat -c %u:%g "$E/l-$p" 2>&1)"
		fi
		check_eq "$D, attached as $who: a world-readable file is read" \
			"public" "$(n cat public)"
		out=$(n cat rootonly 2>&1)
		check_eq "$D, attached as $who: a root-only file is refused" \
			"ninep: rootonly: Permission denied" "$out"
	done
done
gw_stop
finish
