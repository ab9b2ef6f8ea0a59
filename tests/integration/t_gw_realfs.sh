#!/bin/bash
# SPDX-License-Identifier: MIT
# ninegate in front of a real FUSE program: sshfs (talking SFTP to a local
# sftp-server through -o ssh_command, no network, no sshd) or rclone mount2
# on a local directory. The same file tree is read and written through 9P
# with ninep and must match the directory behind the backend byte for
# byte: every file got back, listings, new files put (sizes around the
# chunk and message sizes, 8 MiB), appends, mkdir, mv, rm, and the backend
# gone after SIGTERM.
#
# Usage: t_gw_realfs.sh NINEGATE NINEP sshfs|rclone
# Exit 77 (SKIP) without sshfs/sftp-server or rclone. Modes, owners and
# hard links are left out: both backends report them their own way.
set -u
ninegate_bin=${1:?usage: t_gw_realfs.sh NINEGATE NINEP sshfs|rclone}
ninep_bin=${2:?usage: t_gw_realfs.sh NINEGATE NINEP sshfs|rclone}
kind=${3:?usage: t_gw_realfs.sh NINEGATE NINEP sshfs|rclone}
. "$(dirname "$0")/t_gw_lib.sh"

E=$T_WORK/export
case $kind in
sshfs)
	command -v sshfs >/dev/null || skip "sshfs not found (Debian package sshfs)"
	srv=
	for p in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server \
		/usr/lib/ssh/sftp-server /usr/libexec/sftp-server; do
		[ -x "$p" ] && srv=$p && break
	done
	[ -n "$srv" ] || skip "no sftp-server found (Debian package openssh-sftp-server)"
	printf '#!/bin/sh\n# ignores the ssh arguments sshfs passes\nexec %s\n' \
		"$srv" >"$T_WORK/ssh-wrapper"
	chmod 755 "$T_WORK/ssh-wrapper"
	backend=(sshfs -f -o "ssh_command=$T_WORK/ssh-wrapper" "localhost:$E" {})
	;;
rclone)
	command -v rclone >/dev/null || skip "rclone not found (Debian package rclone)"
	: >"$T_WORK/rclone.conf"
	backend=(rclone mount2 --config "$T_WORK/rclone.conf" --cache-dir
		"$T_WORK/cache" --vfs-cache-mode writes --vfs-write-back 0s "$E" {})
	;;
*)
	echo "unknown backend '$kind'" >&2
	exit 2
	;;
esac

mkdir -p "$E/docs/deep/er" "$E/empty dir"
printf 'Hello through %s\n' "$kind" >"$E/hello.txt"
printf 'space\n' >"$E/docs/with space.txt"
printf 'utf-8\n' >"$E/docs/grüße 日本.txt"
: >"$E/docs/empty"
printf 'x' >"$E/docs/deep/er/leaf"
head -c 131073 /dev/urandom >"$E/docs/odd.bin"
head -c 8388608 /dev/urandom >"$E/big.bin"

sock=$T_WORK/gw.sock
gw_must_start "$kind" -l "unix:$sock" -- "${backend[@]}"
bpid=$(backend_pid)
check_that "$kind runs as ninegate's child" '[ -n "$bpid" ]'
n() { "$ninep_bin" -a "unix:$sock" -m 1048576 -t 60 "$@"; }

# --- read everything
while IFS= read -r -d '' f; do
	rel=${f#"$E"/}
	n get "$rel" "$T_WORK/got"
	check "get '$rel' byte-exact" cmp -s "$f" "$T_WORK/got"
done < <(find "$E" -type f -print0)
check_eq "cat 8 MiB, window 1" "$(md5sum <"$E/big.bin")" "$(n -w 1 cat big.bin | md5sum)"
check_eq "ls /" "$(cd "$E" && ls)" "$(n ls)"
check_eq "ls docs" "$(ls "$E/docs")" "$(n ls docs)"
check_eq "ls an empty directory" "" "$(n ls 'empty dir')"
check_eq "stat size" "size: 8388608" "$(n stat big.bin | grep '^size:')"

# --- write (rclone uploads from its cache after the close: wait for it)
settled() {
	local _
	for _ in $(seq 1 300); do
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}
mkdir "$T_WORK/src"
for size in 0 1 4096 131072 131073 1048575 1048577 8388608; do
	head -c "$size" /dev/urandom >"$T_WORK/src/f$size"
	n put "$T_WORK/src/f$size" "docs/put $size ü"
	check "put $size bytes: on disk byte-exact" \
		settled 'cmp -s "$T_WORK/src/f$size" "$E/docs/put $size ü"'
	n get "docs/put $size ü" "$T_WORK/back"
	check "put $size bytes: got back byte-exact" cmp -s "$T_WORK/src/f$size" "$T_WORK/back"
done
printf 'one\n' | n write 'new é.txt'
printf 'two\n' | n write -a 'new é.txt'
check "write, write -a" settled '[ "$(cat "$E/new é.txt" 2>/dev/null)" = "$(printf "one\ntwo")" ]'
printf 'three\n' | n write 'new é.txt'
check "write truncates" settled '[ "$(cat "$E/new é.txt" 2>/dev/null)" = three ]'
n mkdir -p 'made/by 9p'
check "mkdir -p" [ -d "$E/made/by 9p" ]
n mv 'new é.txt' 'made/by 9p/moved.txt'
check "mv into a directory" settled \
	'[ "$(cat "$E/made/by 9p/moved.txt" 2>/dev/null)" = three ] && [ ! -e "$E/new é.txt" ]'
n mv docs/empty docs/empty2
check_that "mv (rename)" '[ -f "$E/docs/empty2" ] && [ ! -e "$E/docs/empty" ]'
n rm 'docs/put 0 ü'
check "rm" [ ! -e "$E/docs/put 0 ü" ]
n rm -r made
check "rm -r" [ ! -e "$E/made" ]
n touch touched
check "touch creates" settled '[ -f "$E/touched" ]'

check_eq "ls after all changes" "$(cd "$E" && ls)" "$(n ls)"
check_eq "ls docs after all changes" "$(ls "$E/docs")" "$(n ls docs)"

gw_alive "after the $kind run"
gw_stop
check_that "$kind is gone after ninegate stopped" \
	'[ -n "$bpid" ] && pid_dead "$bpid"'
finish
