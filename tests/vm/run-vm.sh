#!/bin/bash
# SPDX-License-Identifier: MIT
# Boots the VM test guest once: Debian's kernel (prepared by prepare.sh) and
# a busybox initramfs, under qemu TCG with user networking restricted to one
# forwarded address, 10.0.2.100:564 -> 127.0.0.1:PORT on the host, and runs a
# guest script that mounts the 9P share with the kernel client (v9fs).
#
# The guest script prints its test lines and one result line
#   VMTEST RESULT pass N fail N skip N
# This script prints the guest's output (live, on stdout), keeps the whole
# console in a log, and exits with the guest's result: 0 when the result
# line has fail 0 and pass > 0, 1 otherwise. A guest that does not boot,
# hangs or prints no result line is a failure with a message saying so,
# never a skip. Only outside CI (CI unset) may a missing qemu exit 77.
#
# It does not start the 9P server: the caller does (vm-test.sh does, for
# the test suite) and passes its port.
#
# usage: run-vm.sh [options]
#   --port PORT        server port on 127.0.0.1 (trans=tcp and trans=unix)
#   --set OPTS         mount option set for the guest, repeatable, e.g.
#                      trans=tcp,version=9p2000.L,msize=131072,cache=none
#                      (the guest gets them in $VMTEST_SETS, ';'-separated)
#   --virtfs DIR       also give the guest qemu's own 9p server on DIR
#                      (mount tag "vmtest", for trans=virtio comparison runs)
#   --aname NAME       aname for the mount ($VMTEST_ANAME)
#   --script FILE      guest script (default: guest-tests.sh beside this)
#   --file PATH        extra file for the guest's /vmtest/files (repeatable;
#                      vmtool is always there, and /vmtest/files is on PATH)
#   --env NAME=VALUE   variable for the guest script (repeatable)
#   --timeout SEC      whole-VM time limit (default 900)
#   --log FILE         console log (default: a temporary file, kept and named
#                      on failure)
#   --cache DIR        prepare.sh's cache (default as there: $NINEGATE_VM_CACHE,
#                      $NINEGATE_VM_DEFAULT_CACHE, ~/.cache/ninegate-vm);
#                      prepared on first use
#   --mem MIB          guest memory (default 512)
#   --fwd chardev|cmd  how qemu forwards 10.0.2.100:564 (default chardev):
#                      chardev: one host connection, opened when qemu
#                      starts, TCP_NODELAY; every guest connection in turn
#                      uses it, so a remount is a new Tversion on the same
#                      server connection. cmd: qemu runs `vmtool
#                      relay-stdio` per guest connection, so each mount is a
#                      new server connection, but qemu then holds back the
#                      rest of each large guest write for ~45 ms (Twrite of
#                      64 KiB: ~1.4 MB/s); for the connection-per-mount case
#   -q                 print only the test lines (ok/not ok/#/VMTEST)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
port= virtfs= aname= script=$here/guest-tests.sh timeout=900 log= mem=512
cache=${NINEGATE_VM_CACHE:-${NINEGATE_VM_DEFAULT_CACHE:-${HOME:-/tmp}/.cache/ninegate-vm}}
sets=() files=() envs=() quiet=0 fwd=chardev
while [ $# -gt 0 ]; do
	case "$1" in
	--port) port=$2; shift 2 ;;
	--set) sets+=("$2"); shift 2 ;;
	--virtfs) virtfs=$2; shift 2 ;;
	--aname) aname=$2; shift 2 ;;
	--script) script=$2; shift 2 ;;
	--file) files+=("$2"); shift 2 ;;
	--env) envs+=("$2"); shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--cache) cache=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--fwd) fwd=$2; shift 2 ;;
	-q) quiet=1; shift ;;
	*) echo "run-vm: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ ${#sets[@]} -gt 0 ] || sets=("trans=tcp,version=9p2000.L,msize=131072,cache=none")

fail() { echo "run-vm: FAILURE: $*"; exit 1; }

qemu=$(command -v qemu-system-x86_64 || true)
if [ -z "$qemu" ]; then
	if [ -n "${CI:-}" ]; then
		fail "qemu-system-x86_64 not found (Debian: qemu-system-x86)"
	fi
	echo "run-vm: SKIP: qemu-system-x86_64 not found (Debian: qemu-system-x86)"
	exit 77
fi
bash "$here/prepare.sh" -q "$cache" || fail "prepare.sh failed"
cache=$(cd "$cache" && pwd)

need_port=0
for s in "${sets[@]}"; do
	case ",$s," in
	*,trans=virtio,*) [ -n "$virtfs" ] || fail "trans=virtio needs --virtfs DIR" ;;
	*) need_port=1 ;;
	esac
done
[ $need_port = 0 ] || [ -n "$port" ] || fail "--port is required for trans=tcp/unix"

work=$(mktemp -d "${TMPDIR:-/tmp}/ninegate-vm.XXXXXX")
keep_log=0
cleanup() {
	rm -rf "$work"
	if [ -n "$log" ] && [ "$own_log" = 1 ] && [ $keep_log = 0 ]; then
		rm -f "$log"
	fi
}
own_log=0
if [ -z "$log" ]; then
	log=$(mktemp "${TMPDIR:-/tmp}/ninegate-vm-console.XXXXXX")
	own_log=1
fi
trap cleanup EXIT

# ---- the run's own initramfs piece: /vmtest/{config,guest.sh,files/} ----
mkdir -p "$work/root/vmtest/files"
cp "$script" "$work/root/vmtest/guest.sh"
cp "$cache/vmtool" "$work/root/vmtest/files/vmtool"
for f in "${files[@]}"; do
	cp "$f" "$work/root/vmtest/files/"
done
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
	joined=$(IFS=';'; echo "${sets[*]}")
	echo "export VMTEST_SETS=$(q "$joined")"
	echo "export VMTEST_ANAME=$(q "$aname")"
	for e in "${envs[@]}"; do
		echo "export ${e%%=*}=$(q "${e#*=}")"
	done
} >"$work/root/vmtest/config"
(cd "$work/root" && find . | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$work/run.cpio.gz"
cat "$cache/base.cpio.gz" "$work/run.cpio.gz" >"$work/initrd.gz"

# ---- qemu ----
# restrict=on: the guest reaches nothing but the one forwarded address.
# chardev: qemu writes each guest segment straight to a host socket with
# TCP_NODELAY (without nodelay=on it stalls on Nagle, ~45 ms per 64 KiB).
# cmd: a relay per guest connection (see --fwd above).
netdev=user,id=n0,restrict=on
chardev=()
if [ -n "$port" ]; then
	case "$fwd" in
	chardev)
		chardev=(-chardev "socket,id=fwd,host=127.0.0.1,port=$port,nodelay=on")
		netdev="$netdev,guestfwd=tcp:10.0.2.100:564-chardev:fwd" ;;
	cmd)
		relay=$(printf '%s' "$cache/vmtool" | sed 's/,/,,/g')
		netdev="$netdev,guestfwd=tcp:10.0.2.100:564-cmd:$relay relay-stdio 127.0.0.1 $port" ;;
	*) fail "--fwd chardev|cmd" ;;
	esac
fi
args=("${chardev[@]}" -accel "${NINEGATE_VM_ACCEL:-tcg}" -m "$mem" -smp 1 -nographic -no-reboot
	-kernel "$cache/vmlinuz" -initrd "$work/initrd.gz"
	-append "console=ttyS0 quiet loglevel=4 panic=-1 mitigations=off rdinit=/init"
	-netdev "$netdev" -device virtio-net-pci,netdev=n0,romfile=)
if [ -n "$virtfs" ]; then
	args+=(-virtfs "local,path=$virtfs,mount_tag=vmtest,security_model=passthrough,id=fs0")
fi

t0=$(date +%s.%N)
set +e
# stdin from /dev/null: -nographic would otherwise read the terminal;
# --foreground keeps qemu in this process group, so a test runner that
# kills the group ends qemu too
timeout --foreground -k 10 "$timeout" "$qemu" "${args[@]}" </dev/null 2>&1 |
	sed -u 's/\r//g' | tee "$log" | {
	if [ $quiet = 1 ]; then
		grep --line-buffered -E '^(ok |not ok |#|VMTEST|run-vm)'
	else
		sed -u -n '/^VMTEST BEGIN/,$p'
	fi
}
st=("${PIPESTATUS[@]}")
set -e
t1=$(date +%s.%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')

result=$(grep -E '^VMTEST RESULT ' "$log" | tail -1 || true)
if [ "${st[0]}" = 124 ] || [ "${st[0]}" = 137 ]; then
	keep_log=1
	echo "run-vm: last console lines:"
	tail -n 25 "$log" | sed 's/^/  | /'
	fail "VM timed out after ${timeout}s (console log: $log)"
fi
if ! grep -q '^VMTEST BEGIN' "$log"; then
	keep_log=1
	echo "run-vm: last console lines:"
	tail -n 25 "$log" | sed 's/^/  | /'
	fail "VM did not boot to the test (qemu status ${st[0]}, console log: $log)"
fi
if [ -z "$result" ]; then
	keep_log=1
	fail "guest printed no VMTEST RESULT line (console log: $log)"
fi
set -- $result
pass=$4 nfail=$6
echo "run-vm: $result, VM ran ${secs}s"
if [ "$nfail" != 0 ] || [ "$pass" = 0 ]; then
	keep_log=1
	echo "run-vm: console log kept: $log"
	exit 1
fi
exit 0
