#!/bin/bash
# SPDX-License-Identifier: MIT
# The sandbox state of the real processes while ninegate serves (after a
# request has been answered), read from /proc (SANDBOX.md §7.5.3):
#  - the gateway: Seccomp 2 with at least one filter, NoNewPrivs 1, every
#    capability set empty, RLIMIT_NOFILE set from --max-connections (soft
#    = hard), NPROC/MEMLOCK/MSGQUEUE/LOCKS/CORE 0 and FSIZE left unlimited
#    because its log is a regular file (§6.6); when its start-up line says
#    it made namespaces, its net and mnt namespaces differ from ours and
#    its root is empty;
#  - the passthrough backend (--export): Seccomp 2, NoNewPrivs 1, no
#    capabilities when not root and exactly virtiofsd's set (CHOWN,
#    DAC_OVERRIDE, FOWNER, FSETID, SETGID, SETUID, SETFCAP) as root (§7.3),
#    NOFILE raised to its hard limit, MEMLOCK/CORE 0, no descriptor of
#    anything but stdio, its FUSE socket, the export and /proc/self/fd; as
#    root, its own mount and net namespaces whose "/" lists exactly the
#    export's entries (the pivot_root step);
#  - an external FUSE program (-- testfs {}): NoNewPrivs 1, nothing open
#    but fds 0, 1, 2 and its FUSE socket on 3, its own session and process
#    group;
#  - and both gateways still shut down cleanly on SIGTERM under the filter.
#
# Usage: t_sb_state.sh NINEGATE NINEP TESTFS
# It does not check Landlock (nothing in /proc shows a domain) nor what
# the filters allow (the selftest and escape tests do).

ninegate_bin=$1
ninep_bin=$2
testfs_bin=$3
. "$(dirname "$0")/t_gw_lib.sh"
for b in "$ninegate_bin" "$ninep_bin" "$testfs_bin"; do
	[ -x "$b" ] || skip "not built: '$b'"
done
[ -r /proc/self/status ] || skip "no /proc"
grep -q '^Seccomp:' /proc/self/status || skip "kernel without seccomp"

EXPORT=$T_WORK/export
mkdir "$EXPORT" "$EXPORT/dir"
echo hello >"$EXPORT/file"
ln -s file "$EXPORT/link"
ZERO=0000000000000000
# CHOWN DAC_OVERRIDE FOWNER FSETID SETGID SETUID SETFCAP
ROOT_BACKEND_CAPS=00000000800000db
MAXCONN=40

# field PID NAME: the value of "NAME:" in /proc/PID/status
field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"
}

# limit PID WHAT: "soft hard" of the /proc/PID/limits line starting WHAT
limit() {
	grep "^$2 " "/proc/$1/limits" | sed "s/^$2 *//" | awk '{print $1, $2}'
}

# check_filtered WHO PID: seccomp filter mode with a filter, no_new_privs
check_filtered() {
	check_eq "$1: Seccomp 2" 2 "$(field "$2" Seccomp)"
	check_that "$1: Seccomp_filters >= 1" \
		"[ '$(field "$2" Seccomp_filters)' -ge 1 ] 2>/dev/null"
	check_eq "$1: NoNewPrivs 1" 1 "$(field "$2" NoNewPrivs)"
}

# check_caps WHO PID EFF [BND]: CapEff = CapPrm = EFF, CapBnd = BND
# (unchecked when not given), CapInh = CapAmb = 0
check_caps() {
	check_eq "$1: CapEff" "$3" "$(field "$2" CapEff)"
	check_eq "$1: CapPrm" "$3" "$(field "$2" CapPrm)"
	[ -z "${4:-}" ] || check_eq "$1: CapBnd" "$4" "$(field "$2" CapBnd)"
	check_eq "$1: CapInh" $ZERO "$(field "$2" CapInh)"
	check_eq "$1: CapAmb" $ZERO "$(field "$2" CapAmb)"
}

# other_ns WHO PID NS: /proc/PID/ns/NS is readable and not ours
other_ns() {
	local theirs ours
	theirs=$(readlink "/proc/$2/ns/$3")
	ours=$(readlink "/proc/self/ns/$3")
	check_that "$1: another $3 namespace ($theirs, ours $ours)" \
		'[ -n "$theirs" ] && [ "$theirs" != "$ours" ]'
}

# fd_targets PID: "N -> TARGET" per open fd, sorted by number
fd_targets() {
	local f
	for f in /proc/"$1"/fd/*; do
		echo "${f##*/} -> $(readlink "$f")"
	done | sort -n
}

# session_and_group PID: "SID PGID" from /proc/PID/stat
session_and_group() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{print $4, $3}'
}

# ------------------------------------------------------------ the gateway
gw_must_start export --seccomp kill --max-connections $MAXCONN \
	-l "unix:$T_WORK/gw.sock" --export "$EXPORT"
GW1=$GW_PID
GW1_LOG=$GW_LOG
check_eq "a request is answered" hello \
	"$("$ninep_bin" -a "unix:$T_WORK/gw.sock" -t 60 cat file)"

check_filtered gateway $GW1
check_caps gateway $GW1 $ZERO $ZERO
read -r soft hard <<<"$(limit $GW1 "Max open files")"
check_that "gateway: NOFILE soft = hard ($soft $hard)" '[ "$soft" = "$hard" ]'
check_that "gateway: NOFILE from --max-connections $MAXCONN ($soft)" \
	"[ '$soft' -gt $MAXCONN ] && [ '$soft' -le $((MAXCONN + 256)) ]"
check_eq "gateway: NPROC 0" "0 0" "$(limit $GW1 "Max processes")"
check_eq "gateway: MEMLOCK 0" "0 0" "$(limit $GW1 "Max locked memory")"
check_eq "gateway: MSGQUEUE 0" "0 0" "$(limit $GW1 "Max msgqueue size")"
check_eq "gateway: LOCKS 0" "0 0" "$(limit $GW1 "Max file locks")"
check_eq "gateway: CORE 0" "0 0" "$(limit $GW1 "Max core file size")"
check_eq "gateway: FSIZE unlimited (its log is a regular file)" \
	"unlimited unlimited" "$(limit $GW1 "Max file size")"

gw_ns=$(sed -n 's/^ninegate: sandbox: .* ns=\([^ ]*\) .*/\1/p' "$GW1_LOG")
# /proc/PID/ns and root of a process that is not dumpable need root
# (SANDBOX.md §7.5.3).
if [ "$(id -u)" != 0 ]; then
	echo "# gateway namespaces not checked: not root, and it is not dumpable"
elif [ "${gw_ns#*mnt}" != "$gw_ns" ]; then
	other_ns "gateway ($gw_ns)" $GW1 net
	other_ns "gateway ($gw_ns)" $GW1 mnt
	check_eq "gateway ($gw_ns): its root is empty" "" \
		"$(ls -A "/proc/$GW1/root/" 2>&1)"
else
	echo "# gateway namespaces not checked: its log says ns=$gw_ns"
fi

# ---------------------------------------------------- the passthrough
BE=$(backend_pid)
check_that "the passthrough backend runs (pid '$BE')" \
	'[ -n "$BE" ] && [ -d "/proc/$BE" ]'
check_filtered passthrough "$BE"
if [ "$(id -u)" = 0 ]; then
	check_caps "passthrough (root)" "$BE" $ROOT_BACKEND_CAPS \
		$ROOT_BACKEND_CAPS
else
	# The bounding set stays without CAP_SETPCAP; with no_new_privs and
	# no exec allowed it can never be used.
	check_caps "passthrough (not root)" "$BE" $ZERO
fi
read -r soft hard <<<"$(limit "$BE" "Max open files")"
check_that "passthrough: NOFILE raised to its hard limit ($soft $hard)" \
	'[ -n "$soft" ] && [ "$soft" = "$hard" ]'
check_eq "passthrough: MEMLOCK 0" "0 0" "$(limit "$BE" "Max locked memory")"
check_eq "passthrough: CORE 0" "0 0" "$(limit "$BE" "Max core file size")"

be_line=$(grep 'backend ninegate-passthrough\[.*sandbox: backend' "$GW1_LOG")
be_ns=$(echo "$be_line" | sed -n 's/.* ns=\([^ ]*\) .*/\1/p')
check_that "passthrough: its sandbox line is logged" '[ -n "$be_line" ]'
if [ -r "/proc/$BE/fd" ]; then
	targets=$(fd_targets "$BE")
	bad=$(echo "$targets" | grep -v -E \
		"^[0-9]+ -> (/dev/null|pipe:\[[0-9]+\]|socket:\[[0-9]+\]|/|$EXPORT|/proc/$BE/fd)$")
	check_eq "passthrough: no fd but stdio, FUSE, the export, /proc/self/fd" \
		"" "$bad"
	[ -z "$bad" ] || echo "$targets" | sed 's/^/#   /'
else
	echo "# passthrough fds not checked: not root, and it is not dumpable"
fi

if [ "$(id -u)" = 0 ]; then
	check_eq "passthrough (root): the namespace step ran" "mnt+net" "$be_ns"
	[ "$be_ns" = mnt+net ] || echo "#   $be_line"
fi
if [ "$be_ns" = mnt+net ]; then
	other_ns passthrough "$BE" mnt
	other_ns passthrough "$BE" net
	check_eq "passthrough: its root lists exactly the export" \
		"$(ls -A "$EXPORT")" "$(ls -A "/proc/$BE/root/")"
	check_eq "passthrough: its root fd is its '/'" \
		"/" "$(echo "$targets" | sed -n 's/^[0-9]* -> \(\/\)$/\1/p')"
	# Still serving through the pivoted root: read, readlink, create,
	# rename.
	check_eq "passthrough: reads after the pivot" hello \
		"$("$ninep_bin" -a "unix:$T_WORK/gw.sock" -t 60 cat file)"
	check_eq "passthrough: readlink after the pivot" file \
		"$("$ninep_bin" -a "unix:$T_WORK/gw.sock" -t 60 readlink link)"
	echo new | "$ninep_bin" -a "unix:$T_WORK/gw.sock" -t 60 \
		write dir/new && "$ninep_bin" -a "unix:$T_WORK/gw.sock" -t 60 \
		mv dir/new moved
	check_eq "passthrough: a file written after the pivot is in the export" \
		new "$(cat "$EXPORT/moved" 2>&1)"
fi
gw_stop

# ------------------------------------------------- an external program
gw_must_start program --seccomp kill -l "unix:$T_WORK/gw2.sock" \
	-- "$testfs_bin" --file=a=external {}
check_eq "a request is answered (testfs)" external \
	"$("$ninep_bin" -a "unix:$T_WORK/gw2.sock" -t 60 cat a)"
check_filtered "gateway (testfs)" "$GW_PID"
check_caps "gateway (testfs)" "$GW_PID" $ZERO $ZERO
P=$(backend_pid)
check_that "testfs runs (pid '$P')" '[ -n "$P" ] && [ -d "/proc/$P" ]'
check_eq "testfs: NoNewPrivs 1" 1 "$(field "$P" NoNewPrivs)"
targets=$(fd_targets "$P")
check_eq "testfs: only fds 0, 1, 2 and 3 are open" "0 1 2 3" \
	"$(echo "$targets" | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')"
check_that "testfs: fd 3 is its FUSE socket" \
	"echo '$targets' | grep -q -E '^3 -> socket:'"
check_that "testfs: fd 0 is /dev/null" \
	"echo '$targets' | grep -q -x '0 -> /dev/null'"
check_eq "testfs: its own session and process group (sid = pgid = pid)" \
	"$P $P" "$(session_and_group "$P")"
gw_stop

finish
