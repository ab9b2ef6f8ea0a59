#!/bin/sh
# SPDX-License-Identifier: MIT
# The VM test's workload: busybox sh in the guest, against a 9P share
# mounted with the Linux kernel client. For each mount option set in
# $VMTEST_SETS (';'-separated, see vmtest-mount) it mounts /mnt, works in its
# own directory /mnt/tN, checks every result, unmounts and remounts.
# Prints TAP-like lines (ok N - what / not ok N - what / ok N - what # SKIP
# why), then "VMTEST RESULT pass P fail F skip S".
#
# Expectations that differ by dialect are explicit: 9P2000.u and 9P2000 have
# no xattrs or locks, rename only within one directory (the client answers
# EXDEV itself), and 9P2000 has no links, special files or numeric owners.
# Such tests are skipped with the reason, or check the dialect's own result.
#
# Against ninegate with sshfs as its backend (VMTEST_SERVER=ninegate-sshfs)
# the checks sshfs cannot pass are skipped with the reason or narrowed:
# no link count (SFTP has none: hard links are checked without nlink), no
# special files (sshfs's mknod makes regular files only: EPERM), new files
# belong to the sftp-server's user whatever the caller's uid, no xattrs
# (EOPNOTSUPP), and sshfs refuses to read back an absolute symlink target
# (EPERM, also on a kernel FUSE mount), so the dangling link is relative.
#
# Settings (from run-vm.sh --env):
#   VMTEST_SERVER       diod | ninegate | ninegate-sshfs | virtfs (server
#                       quirks, see below)
#   VMTEST_SERVER_ROOT  1 when the server may change owners (chown test)
#   VMTEST_BIG_MIB      size of the large file test in MiB (0: not run)
#   VMTEST_MANY         entries the host made in many/ (0: not run)
#   VMTEST_MID_MIB      size of the per-set data test in MiB (default 4)
# The host prepared hello.txt and names/ in the export (vm-test.sh). Lines
# "VMTEST HOSTCHECK ..." ask the host to check the export after the VM ends.
# It does not test performance; timings are printed as comments only.

n=0 pass=0 fail=0 skip=0
srv=${VMTEST_SERVER:-unknown}
sshfs=0
[ "$srv" = ninegate-sshfs ] && sshfs=1

now() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

t() { # t DESC CMD... : passes when CMD exits 0; CMD's output shown on failure
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >/tmp/t.out 2>&1; then
		echo "ok $n - $desc"
		grep '^# ' /tmp/t.out
		pass=$((pass + 1))
	else
		echo "not ok $n - $desc"
		head -n 20 /tmp/t.out | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
}
skip() { # skip DESC REASON
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
	skip=$((skip + 1))
}
eq() { # eq GOT WANT [what]
	[ "$1" = "$2" ] && return 0
	echo "${3:-value}: expected '$2', got '$1'"
	return 1
}
hostcheck() { echo "VMTEST HOSTCHECK $*" >>/tmp/hostchecks; }
dropcaches() { sync; echo 3 >/proc/sys/vm/drop_caches; }

# ---- the checks; $W is this set's directory, $D the dialect ----

c_hello() { eq "$(cat /mnt/hello.txt)" "Hello, 9P!" hello.txt; }
c_names() {
	# a glob, not ls: busybox ls prints '?' for bytes outside ASCII
	got=
	for f in /mnt/names/*; do got="$got${f##*/}|"; done
	eq "$got" "a|grüße-日本語.txt|with space.txt|" names &&
		eq "$(cat "/mnt/names/with space.txt")" "space" content
}
c_create() {
	echo "first line" >"$W/f.txt" && eq "$(cat "$W/f.txt")" "first line"
}
c_append() {
	echo "second line" >>"$W/f.txt" &&
		eq "$(cat "$W/f.txt" | tr '\n' '|')" "first line|second line|" &&
		eq "$(stat -c %s "$W/f.txt")" 23 size
}
c_pwrite() {
	printf XY | dd of="$W/f.txt" bs=1 seek=2 conv=notrunc 2>/dev/null &&
		eq "$(head -n1 "$W/f.txt")" "fiXYt line"
}
c_truncate() {
	truncate -s 6 "$W/f.txt" && eq "$(stat -c %s "$W/f.txt")" 6 size &&
		eq "$(cat "$W/f.txt")" "fiXYt " &&
		truncate -s 4096 "$W/f.txt" && eq "$(stat -c %s "$W/f.txt")" 4096 size &&
		eq "$(tail -c 4090 "$W/f.txt" | tr -d '\0' | wc -c)" 0 "zeros after extend"
}
c_mkdir_rmdir() {
	mkdir "$W/d" && [ -d "$W/d" ] && echo x >"$W/d/x" &&
		{ if rmdir "$W/d" 2>/dev/null; then echo "rmdir of a non-empty dir succeeded"; return 1; fi; } &&
		rm "$W/d/x" && rmdir "$W/d" && [ ! -e "$W/d" ]
}
c_rename_file() {
	echo a >"$W/ra" && mv "$W/ra" "$W/rb" && [ ! -e "$W/ra" ] &&
		eq "$(cat "$W/rb")" a
}
c_rename_over() {
	echo new >"$W/ov1" && echo old >"$W/ov2" &&
		eq "$(vmtool rename "$W/ov1" "$W/ov2")" ok rename &&
		[ ! -e "$W/ov1" ] && eq "$(cat "$W/ov2")" new
}
c_rename_xdir_file() { # .L: moves; 9P2000(.u): the client refuses with EXDEV
	mkdir -p "$W/x1" "$W/x2" && echo moved >"$W/x1/m"
	r=$(vmtool rename "$W/x1/m" "$W/x2/m")
	if [ "$D" = 9p2000.L ]; then
		eq "$r" ok rename && [ ! -e "$W/x1/m" ] && eq "$(cat "$W/x2/m")" moved
	else
		eq "$r" EXDEV rename && eq "$(cat "$W/x1/m")" moved
	fi
}
c_rename_dir() {
	mkdir -p "$W/da/sub" && echo deep >"$W/da/sub/f" &&
		eq "$(vmtool rename "$W/da" "$W/db")" ok rename && [ ! -e "$W/da" ] &&
		eq "$(cat "$W/db/sub/f")" deep
}
c_rename_xdir_dir() {
	mkdir -p "$W/x3" && r=$(vmtool rename "$W/db" "$W/x3/db")
	if [ "$D" = 9p2000.L ]; then
		eq "$r" ok rename && eq "$(cat "$W/x3/db/sub/f")" deep
	else
		eq "$r" EXDEV rename && eq "$(cat "$W/db/sub/f")" deep
	fi
}
c_unlink_open() {
	seq 1 2000 >"$W/open.txt" || return 1
	exec 3<"$W/open.txt"
	if ! rm "$W/open.txt" || [ -e "$W/open.txt" ]; then
		exec 3<&-
		return 1
	fi
	got=$(md5sum <&3 | cut -d' ' -f1)
	exec 3<&-
	eq "$got" "$(seq 1 2000 | md5sum | cut -d' ' -f1)" "md5 after unlink"
}
nlink() { # nlink FILE WANT: 9P2000.u stat has no link count (the client shows 1)
	[ "$D" != 9p2000.L ] && return 0
	[ $sshfs = 1 ] && return 0 # SFTP has no link count: sshfs says 1
	eq "$(stat -c %h "$1")" "$2" "nlink of $1"
}
c_hardlink() {
	echo one >"$W/h1" && ln "$W/h1" "$W/h2" && nlink "$W/h1" 2 &&
		echo two >>"$W/h2" && eq "$(cat "$W/h1" | tr '\n' '|')" "one|two|" &&
		rm "$W/h1" && eq "$(cat "$W/h2" | tr '\n' '|')" "one|two|" &&
		nlink "$W/h2" 1
}
c_symlink() {
	dangling=/no/such/place
	[ $sshfs = 1 ] && dangling=no/such/place # sshfs: EPERM for absolute targets
	echo target >"$W/tgt" && ln -s tgt "$W/sl" && eq "$(readlink "$W/sl")" tgt readlink &&
		eq "$(cat "$W/sl")" target "read through" && [ -L "$W/sl" ] &&
		ln -s "$dangling" "$W/dangling" && eq "$(readlink "$W/dangling")" "$dangling"
}
c_mkfifo() {
	mkfifo "$W/fifo" && [ -p "$W/fifo" ] && eq "$(stat -c %F "$W/fifo")" "fifo"
}
c_chmod() {
	echo m >"$W/mode" && chmod 640 "$W/mode" && eq "$(stat -c %a "$W/mode")" 640 &&
		chmod 755 "$W/mode" && eq "$(stat -c %a "$W/mode")" 755
}
c_chown() {
	echo o >"$W/own" && chown 1000:1000 "$W/own" &&
		eq "$(stat -c %u:%g "$W/own")" 1000:1000 &&
		hostcheck "owner $T/own 1000:1000"
}
c_utimes() {
	echo t >"$W/times" && touch -d '2023-05-06 07:08:09' "$W/times" &&
		eq "$(stat -c %Y "$W/times")" 1683356889 mtime &&
		eq "$(stat -c %X "$W/times")" 1683356889 atime &&
		hostcheck "mtime $T/times 1683356889"
}
c_asuser() { # sshfs: the new file's owner is not the caller's, not checked
	mkdir "$W/pub" && chmod 1777 "$W/pub" && echo root >"$W/rootonly" &&
		chmod 644 "$W/rootonly" &&
		vmtool asuser 1000 1000 sh -c "echo mine >'$W/pub/u1000'" &&
		{ [ $sshfs = 1 ] ||
			eq "$(stat -c %u:%g "$W/pub/u1000")" 1000:1000 "new file owner"; } &&
		{ if vmtool asuser 1000 1000 sh -c "echo no >>'$W/rootonly'" 2>/dev/null; then
			echo "uid 1000 could write a root 0644 file"; return 1; fi; } &&
		eq "$(cat "$W/rootonly")" root &&
		{ [ $sshfs = 1 ] || hostcheck "owner $T/pub/u1000 1000:1000"; }
}
c_xattr() { echo x >"$W/xa" && vmtool xattr "$W/xa"; }
c_lock_posix() { echo l >"$W/lock" && vmtool lockwait posix "$W/lock"; }
c_lock_flock() { echo l >"$W/flock" && vmtool lockwait flock "$W/flock"; }
c_getlk() { echo l >"$W/getlk" && vmtool getlk "$W/getlk"; }
c_mmap() { seq 1 40000 >"$W/map.txt" && dropcaches && vmtool mmapcmp "$W/map.txt"; }
c_data() { # MiB: pattern written, caches dropped, read back: same sum
	w=$(vmtool fill "$W/data.bin" "$1" 7 | tee /dev/stderr | sed -n 's/^sum \([0-9a-f]*\) .*/\1/p')
	dropcaches
	r=$(vmtool sum "$W/data.bin" | tee /dev/stderr | sed -n 's/^sum \([0-9a-f]*\) .*/\1/p')
	[ -n "$w" ] && eq "$r" "$w" "read-back sum" &&
		eq "$(stat -c %s "$W/data.bin")" $(($1 * 1048576)) size &&
		hostcheck "sum $T/data.bin $w"
}
c_ls_types() {
	ls -la "$W" >/tmp/ls.out && grep -q '^d.* x1$' /tmp/ls.out &&
		grep -q '^-.* mode$' /tmp/ls.out &&
		{ [ "$D" = 9p2000 ] || grep -q '^l.* sl -> tgt$' /tmp/ls.out; }
}
c_parallel() {
	for i in 1 2 3 4; do
		(for j in 1 2 3; do cat /mnt/hello.txt "/mnt/names/with space.txt"; done >/tmp/par.$i) &
	done
	wait
	for i in 1 2 3 4; do
		eq "$(cat /tmp/par.$i | tr '\n' '|')" "Hello, 9P!|space|Hello, 9P!|space|Hello, 9P!|space|" "reader $i" || return 1
	done
}
c_df() {
	df /mnt >/tmp/df.out && cat /tmp/df.out && tail -n1 /tmp/df.out | grep -qE ' [0-9]+ +[0-9]+ +[0-9]+ '
}
c_df_blocks() { # 9P2000.L has Tstatfs: the host's numbers come through
	stat -f -c '%b %t' /mnt >/tmp/sf.out && cat /tmp/sf.out &&
		[ "$(cut -d' ' -f1 /tmp/sf.out)" -gt 0 ] && eq "$(cut -d' ' -f2 /tmp/sf.out)" 1021997 f_type
}
c_umount() { umount /mnt && ! grep -q ' /mnt ' /proc/mounts; }
c_remount() {
	vmtest-mount "$set" /mnt && eq "$(cat "$W/persist")" "still here $idx" &&
		eq "$(stat -c %s "$W/data.bin")" $((mid * 1048576)) size
}
c_big() {
	t0=$(now)
	w=$(vmtool fill "$W/big.bin" "$VMTEST_BIG_MIB" 11 | tee /dev/stderr | sed -n 's/^sum \([0-9a-f]*\) .*/\1/p')
	echo "# write ${VMTEST_BIG_MIB} MiB: $(elapsed "$t0") s" >&2
	dropcaches
	t0=$(now)
	r=$(vmtool sum "$W/big.bin" | tee /dev/stderr | sed -n 's/^sum \([0-9a-f]*\) .*/\1/p')
	echo "# read ${VMTEST_BIG_MIB} MiB: $(elapsed "$t0") s" >&2
	[ -n "$w" ] && eq "$r" "$w" "read-back sum" &&
		hostcheck "sum $T/big.bin $w"
}
c_many() {
	t0=$(now)
	ls -la /mnt/many >/tmp/many.out || return 1
	echo "# ls -la of $VMTEST_MANY entries: $(elapsed "$t0") s" >&2
	eq "$(grep -c ' f[0-9]*$' /tmp/many.out)" "$VMTEST_MANY" "entries in ls -la" &&
		eq "$(ls /mnt/many | wc -l)" "$VMTEST_MANY" "entries in ls" &&
		eq "$(grep -c '^-rw-r--r-- ' /tmp/many.out)" "$VMTEST_MANY" "plain 0644 files"
}

# ---- one mount option set ----

run_set() {
	set=$1 idx=$2
	D=$(echo ",$set," | sed -n 's/.*,version=\([^,]*\),.*/\1/p')
	[ "$D" = 9p2000.l ] && D=9p2000.L
	[ -n "$D" ] || D=9p2000.L
	# 9P2000 has no numeric uid: the client attaches as uname (default
	# "nobody") and the server acts as that user; these tests act as root
	if [ "$D" = 9p2000 ] && ! echo ",$set," | grep -q ',uname='; then
		set="$set,uname=root"
	fi
	T=t$idx
	W=/mnt/$T
	mid=${VMTEST_MID_MIB:-4}
	t_set=$(now)
	echo "# ---- set $idx: $set (server $srv)"
	t "mount ($set)" vmtest-mount "$set" /mnt
	if ! grep -q ' /mnt 9p ' /proc/mounts; then
		echo "# mount failed: the rest of this set is not run"
		return
	fi
	echo "# $(grep ' /mnt 9p ' /proc/mounts)"
	t "mkdir of the set's directory" mkdir "$W"
	if [ ! -d "$W" ]; then
		echo "# no directory to work in: the rest of this set is not run"
		umount /mnt
		return
	fi
	t "read a file the host made" c_hello
	t "readdir: names with space and UTF-8" c_names
	t "create + write + read" c_create
	t "append" c_append
	t "write in the middle (pwrite)" c_pwrite
	t "truncate shorter and longer" c_truncate
	t "mkdir, rmdir (non-empty refused)" c_mkdir_rmdir
	t "rename a file" c_rename_file
	t "rename over an existing file" c_rename_over
	t "rename a file across directories ($D)" c_rename_xdir_file
	t "rename a directory with contents" c_rename_dir
	t "rename a directory across directories ($D)" c_rename_xdir_dir
	t "unlinked open file keeps reading" c_unlink_open
	if [ "$D" = 9p2000 ]; then
		skip "hard links" "9P2000 has no link operation"
		skip "symlinks" "9P2000 has no symlinks"
		skip "mkfifo" "9P2000 has no special files"
	else
		t "hard links$([ "$D" = 9p2000.u ] && echo ' (no link count in 9P2000.u)')$([ $sshfs = 1 ] && echo ' (sshfs: no link count)')" c_hardlink
		t "symlinks (readlink, dangling$([ $sshfs = 1 ] && echo ' relative: sshfs refuses absolute targets'))" c_symlink
		if [ $sshfs = 1 ]; then
			skip "mkfifo" "sshfs makes regular files only (mknod: EPERM)"
		else
			t "mkfifo" c_mkfifo
		fi
	fi
	t "chmod" c_chmod
	if [ "$D" = 9p2000 ]; then
		skip "chown" "9P2000 owners are names, the client keeps no numeric ids"
	elif [ "${VMTEST_SERVER_ROOT:-0}" != 1 ]; then
		skip "chown" "the server does not run as root"
	else
		t "chown" c_chown
	fi
	t "utimes (touch -d)" c_utimes
	if [ "$D" = 9p2000 ]; then
		skip "setuid: new file owner, permission denied" "9P2000 attaches by name, no numeric uid"
	elif [ "${VMTEST_SERVER_ROOT:-0}" != 1 ]; then
		skip "setuid: new file owner, permission denied" "the server does not run as root"
	elif [ $sshfs = 1 ]; then
		echo "# sshfs: new files belong to the sftp-server's user, owner not checked"
		t "setuid: permission denied (sshfs: new file owner not the caller)" c_asuser
	else
		t "setuid: new file owner, permission denied" c_asuser
	fi
	if [ "$D" = 9p2000.L ]; then
		if [ $sshfs = 1 ]; then
			skip "xattrs: set/get/list/create-excl/remove" "sshfs has no xattrs (EOPNOTSUPP)"
		else
			t "xattrs: set/get/list/create-excl/remove" c_xattr
		fi
		t "POSIX lock blocks until released" c_lock_posix
		t "flock blocks until released" c_lock_flock
		if [ "$srv" = diod ]; then
			skip "F_GETLK on an unlocked file" "diod rejects Tgetlock with EINVAL"
		else
			t "F_GETLK on an unlocked file" c_getlk
		fi
	else
		skip "xattrs" "$D has no xattr messages"
		skip "POSIX lock blocks until released" "$D has no lock messages"
		skip "flock blocks until released" "$D has no lock messages"
		skip "F_GETLK on an unlocked file" "$D has no lock messages"
	fi
	t "mmap read equals read" c_mmap
	t "$mid MiB written and read back" c_data "$mid"
	t "ls -la shows types" c_ls_types
	t "parallel readers" c_parallel
	t "df" c_df
	if [ "$D" = 9p2000.L ]; then
		t "statfs numbers from the server" c_df_blocks
	else
		skip "statfs numbers from the server" "$D has no statfs message"
	fi
	if [ "${VMTEST_BIG_MIB:-0}" -gt 0 ]; then
		t "${VMTEST_BIG_MIB} MiB file written and read back" c_big
	fi
	if [ "${VMTEST_MANY:-0}" -gt 0 ]; then
		t "ls -la of ${VMTEST_MANY} entries" c_many
	fi
	echo "still here $idx" >"$W/persist"
	hostcheck content $T/persist still here $idx
	t "umount" c_umount
	t "remount sees earlier writes" c_remount
	t "final umount" c_umount
	[ -f /tmp/hostchecks ] && cat /tmp/hostchecks && rm /tmp/hostchecks
	echo "# set $idx took $(elapsed "$t_set") s"
}

mkdir -p /mnt
idx=0
IFS=';'
for s in $VMTEST_SETS; do
	unset IFS
	idx=$((idx + 1))
	run_set "$s" "$idx"
	grep -q ' /mnt ' /proc/mounts && umount -l /mnt
	IFS=';'
done
unset IFS
echo "VMTEST RESULT pass $pass fail $fail skip $skip"
