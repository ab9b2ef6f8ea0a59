#!/bin/bash
# SPDX-License-Identifier: MIT
# Share a host directory with a qemu VM through ninegate, the Linux 9p
# client (v9fs) mounting it over TCP. No root, no /dev/fuse and no kernel
# mount on the host; the VM reaches nothing but the 9P server.
#
#   usage: vm-qemu.sh DIR [QEMU ARGS...]
#   e.g.   vm-qemu.sh ~/shared -m 2G -drive file=debian.qcow2,if=virtio
#
# then, in the guest (as root):
#
#   mount -t 9p -o trans=tcp,port=564,version=9p2000.L,msize=1048576,cache=loose 10.0.2.100 /mnt
#
# or in its /etc/fstab:
#
#   10.0.2.100 /mnt 9p trans=tcp,port=564,version=9p2000.L,msize=1048576,cache=loose,_netdev 0 0
#
# Environment: NINEGATE (the ninegate command, default `ninegate` on PATH),
# PORT (host loopback port for the gateway, default 5640), QEMU (default
# qemu-system-x86_64). Use cache=none instead of cache=loose when the host
# changes the files while the VM has them open; add the ninegate option
# --read-only for a read-only share.
#
# This script does not make a VM image: bring your own. With
# NINEGATE_VM_SELFTEST=1 (set by the test suite) it boots the VM test's
# kernel and busybox initramfs (tests/vm/prepare.sh) in place of a disk
# image, and the guest runs the mount line above plus a one-line check.
set -euo pipefail

NINEGATE=${NINEGATE:-ninegate}
PORT=${PORT:-5640}
QEMU=${QEMU:-qemu-system-x86_64}
MOUNT_OPTS=trans=tcp,port=564,version=9p2000.L,msize=1048576,cache=loose
selftest=${NINEGATE_VM_SELFTEST:-0}

skip_or_fail() { # a missing tool: a failure in CI, a skip (77) elsewhere
	if [ "$selftest" = 1 ] && [ -z "${CI:-}" ]; then
		echo "vm-qemu: SKIP: $*"
		exit 77
	fi
	echo "vm-qemu: $*" >&2
	exit 1
}

if [ "$selftest" = 1 ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	if ! command -v "$NINEGATE" >/dev/null; then
		echo "vm-qemu: SKIP: ninegate is not built ($NINEGATE)"
		exit 77
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vm-qemu.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	chmod 755 "$tmp"
	DIR=$tmp/share
	mkdir "$DIR"
	echo "shared from the host" >"$DIR/hello.txt"
	cache=${NINEGATE_VM_CACHE:-${NINEGATE_VM_DEFAULT_CACHE:-$HOME/.cache/ninegate-vm}}
	bash "$here/../tests/vm/prepare.sh" -q "$cache" || exit 1
	PORT=$("$cache/vmtool" freeport)
else
	[ $# -ge 1 ] || { sed -n '5,12p' "$0"; exit 2; }
	DIR=$1
	shift
fi
command -v "$QEMU" >/dev/null || skip_or_fail "$QEMU not found (Debian: qemu-system-x86)"

# 1. The gateway: serves DIR on a loopback port only. It exports with the
#    user's own rights; run it as root only if the guest must change owners.
if [ "$selftest" = 1 ]; then
	"$NINEGATE" -l "tcp:127.0.0.1:$PORT" --export "$DIR" 2>"$tmp/ninegate.log" &
else
	"$NINEGATE" -l "tcp:127.0.0.1:$PORT" --export "$DIR" &
fi
gw=$!
trap 'kill $gw 2>/dev/null; wait $gw 2>/dev/null; rm -rf "${tmp:-/nonexistent}"' EXIT
for _ in $(seq 50); do # wait until it listens
	(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
	kill -0 $gw 2>/dev/null || { echo "vm-qemu: ninegate did not start" >&2; exit 1; }
	sleep 0.1
done

# 2. The VM's network: qemu's user-mode stack, restricted so the guest can
#    reach no host or outside address, except 10.0.2.100:564, which qemu
#    forwards to the gateway. nodelay=on matters: without it each large
#    write waits on Nagle's algorithm (~45 ms per 64 KiB). The forward is
#    one connection, opened when qemu starts: start ninegate first, and
#    mount the share once at a time in the guest.
net=(
	-chardev "socket,id=ninegate,host=127.0.0.1,port=$PORT,nodelay=on"
	-netdev "user,id=net0,restrict=on,guestfwd=tcp:10.0.2.100:564-chardev:ninegate"
	-device virtio-net-pci,netdev=net0
)

if [ "$selftest" != 1 ]; then
	echo "vm-qemu: in the guest: mount -t 9p -o $MOUNT_OPTS 10.0.2.100 /mnt" >&2
	"$QEMU" "${net[@]}" "$@"
	exit
fi

# ---- self-test: the VM test's kernel and initramfs in place of a disk ----
mkdir -p "$tmp/root/vmtest/files"
cat >"$tmp/root/vmtest/guest.sh" <<EOF
mount -t 9p -o $MOUNT_OPTS 10.0.2.100 /mnt &&
	[ "\$(cat /mnt/hello.txt)" = "shared from the host" ] &&
	echo "ok 1 - read the host's file through ninegate" &&
	echo "written in the guest" >/mnt/from-guest.txt && umount /mnt &&
	echo "VMTEST RESULT pass 1 fail 0 skip 0" ||
	echo "VMTEST RESULT pass 0 fail 1 skip 0"
EOF
(cd "$tmp/root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip >"$tmp/run.cpio.gz"
cat "$cache/base.cpio.gz" "$tmp/run.cpio.gz" >"$tmp/initrd.gz"
timeout --foreground 300 "$QEMU" "${net[@]}" -accel "${NINEGATE_VM_ACCEL:-tcg}" \
	-m 512 -nographic -no-reboot -kernel "$cache/vmlinuz" \
	-initrd "$tmp/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1 rdinit=/init" </dev/null 2>&1 |
	sed -u 's/\r//g' | tee "$tmp/console.log" | grep -E '^(ok|not ok|VMTEST RESULT)' || true
if grep -q '^VMTEST RESULT pass 1 fail 0' "$tmp/console.log" &&
	[ "$(cat "$DIR/from-guest.txt" 2>/dev/null)" = "written in the guest" ]; then
	echo "ok 2 - the host sees the guest's file"
	exit 0
fi
echo "vm-qemu: self-test FAILED; console:"
tail -n 30 "$tmp/console.log"
echo "vm-qemu: ninegate's log:"
tail -n 20 "$tmp/ninegate.log"
exit 1
