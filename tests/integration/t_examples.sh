#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs the scripts of examples/ the way a user would, against real
# backends: script.sh on an --export share, sshfs.sh with sshfs talking to
# a local sftp-server, rclone.sh on a local directory, container.sh in both
# variants. Each one's result is checked through ninep.
#   t_examples.sh NINEGATE NINEP EXAMPLES_DIR
set -euo pipefail
export NINEGATE=$1 NINEP=$2
ex=$3
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
wait_sock() {
	for _ in $(seq 200); do [ -S "$1" ] && return 0; sleep 0.05; done
	fail "no socket $1"
}

# --- script.sh against a plain export
mkdir "$tmp/share"
"$NINEGATE" -l "unix:$tmp/s1" --export "$tmp/share" 2>"$tmp/gw1.log" &
pids+=($!)
wait_sock "$tmp/s1"
NINEP_ADDR=unix:$tmp/s1 "$ex/script.sh" "$ex/demo" >"$tmp/script.out" 2>&1 ||
	{ cat "$tmp/script.out"; fail "script.sh"; }
grep -q "hello.txt: same" "$tmp/script.out" || fail "script.sh did not read back"
grep -q "expected failure: ninep: .*no-such-file: No such file or directory" \
	"$tmp/script.out" || fail "script.sh error handling: $(cat "$tmp/script.out")"
[ -z "$(ls -A "$tmp/share")" ] || fail "script.sh left files: $(ls "$tmp/share")"
echo "ok - script.sh"

# --- sshfs.sh
srv=""
for s in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server; do
	[ -x "$s" ] && srv=$s && break
done
if command -v sshfs >/dev/null && [ -n "$srv" ]; then
	mkdir "$tmp/remote"
	cp "$ex/demo/hello.txt" "$tmp/remote/"
	printf '#!/bin/sh\nexec %s\n' "$srv" >"$tmp/ssh"
	chmod +x "$tmp/ssh"
	SSHFS_OPTS="-o ssh_command=$tmp/ssh" "$ex/sshfs.sh" \
		"localhost:$tmp/remote" "unix:$tmp/s2" 2>"$tmp/gw2.log" &
	pids+=($!)
	wait_sock "$tmp/s2"
	NINEP_ADDR=unix:$tmp/s2 "$NINEP" cat /hello.txt | cmp - "$ex/demo/hello.txt" ||
		fail "sshfs.sh: read"
	echo "from 9P" | NINEP_ADDR=unix:$tmp/s2 "$NINEP" write /new.txt
	[ "$(cat "$tmp/remote/new.txt")" = "from 9P" ] || fail "sshfs.sh: write"
	echo "ok - sshfs.sh"
else
	echo "ok - sshfs.sh # SKIP sshfs or sftp-server missing"
fi

# --- rclone.sh on a local directory
if command -v rclone >/dev/null; then
	mkdir "$tmp/rc" "$tmp/rccache"
	cp "$ex/demo/hello.txt" "$tmp/rc/"
	: >"$tmp/rclone.conf"
	RCLONE_OPTS="--config $tmp/rclone.conf --cache-dir $tmp/rccache --vfs-cache-mode writes" \
		"$ex/rclone.sh" "$tmp/rc" "unix:$tmp/s3" 2>"$tmp/gw3.log" &
	pids+=($!)
	wait_sock "$tmp/s3"
	NINEP_ADDR=unix:$tmp/s3 "$NINEP" cat /hello.txt | cmp - "$ex/demo/hello.txt" ||
		fail "rclone.sh: read"
	NINEP_ADDR=unix:$tmp/s3 "$NINEP" ls / | grep -qx hello.txt ||
		fail "rclone.sh: ls"
	echo "ok - rclone.sh"
else
	echo "ok - rclone.sh # SKIP rclone missing"
fi

# --- container.sh, read-write and read-only
mkdir "$tmp/ctr"
cp "$ex/demo/hello.txt" "$tmp/ctr/"
"$ex/container.sh" "$tmp/ctr" -- ls -la /mnt >"$tmp/c1.out" 2>&1 ||
	{ cat "$tmp/c1.out"; fail "container.sh"; }
grep -q hello.txt "$tmp/c1.out" || fail "container.sh: $(cat "$tmp/c1.out")"
"$ex/container.sh" "$tmp/ctr" --read-only -- sh -c 'echo x > /mnt/refused' \
	>"$tmp/c2.out" 2>&1 || true
grep -q "Read-only file system" "$tmp/c2.out" ||
	fail "container.sh --read-only: $(cat "$tmp/c2.out")"
[ ! -e "$tmp/ctr/refused" ] && [ ! -e "$tmp/ctr/refused.txt" ] ||
	fail "container.sh --read-only wrote"
echo "ok - container.sh"
