#!/bin/bash
# SPDX-License-Identifier: MIT
# The gateway under valgrind (memcheck, leak check): serve an export to
# ninep in all three dialects, with large transfers, a client that vanishes
# mid-transfer and a SIGTERM shutdown; valgrind's verdict decides. The
# sandbox's seccomp filter is off here: valgrind cannot run under it.
#   t_gw_valgrind.sh NINEGATE NINEP
set -euo pipefail
gw=$1 ninep=$2
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir "$tmp/x"
head -c 3000000 /dev/urandom >"$tmp/x/big"
printf 'hello\n' >"$tmp/x/small"
valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite --log-file="$tmp/vg.log" \
	"$gw" -l "unix:$tmp/s" --seccomp off --sandbox none \
	--export "$tmp/x" 2>"$tmp/gw.log" &
pid=$!
for _ in $(seq 600); do [ -S "$tmp/s" ] && break; sleep 0.05; done
[ -S "$tmp/s" ] || { cat "$tmp/gw.log" "$tmp/vg.log"; exit 1; }
export NINEP_ADDR=unix:$tmp/s
for v in 9P2000.L 9P2000.u 9P2000; do
	"$ninep" -V $v ls -l / >/dev/null
	"$ninep" -V $v cat /big | cmp - "$tmp/x/big"
	"$ninep" -V $v put "$tmp/x/big" /copy-$v
	cmp "$tmp/x/big" "$tmp/x/copy-$v"
	"$ninep" -V $v mkdir /d-$v
	"$ninep" -V $v mv /copy-$v /copy2-$v	# .u/9P2000: same directory
	"$ninep" -V $v rm -r /d-$v /copy2-$v
	"$ninep" -V $v stat /small >/dev/null
done
# a client that goes away with reads in flight
timeout 0.3 "$ninep" -w 16 cat /big >/dev/null 2>&1 || true
"$ninep" cat /small | grep -qx hello
kill -TERM $pid
status=0
wait $pid || status=$?
if [ "$status" -ne 0 ]; then
	echo "ninegate under valgrind exited $status"
	cat "$tmp/vg.log" "$tmp/gw.log"
	exit 1
fi
# Errors and definite leaks make the exit status 99; valgrind's warnings
# about syscalls it does not know (Landlock's) are not errors.
if grep -E "Invalid|uninitialised|definitely lost|Mismatched" "$tmp/vg.log"; then
	exit 1
fi
echo "valgrind: no errors, no definite leaks"
