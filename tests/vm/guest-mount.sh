#!/bin/sh
# SPDX-License-Identifier: MIT
# vmtest-mount SET [DIR]: mounts the share on DIR (default /mnt) in the VM.
# SET is a comma list of mount options, e.g.
#   trans=tcp,version=9p2000.L,msize=131072,cache=none
# trans=tcp goes to 10.0.2.100:564, which qemu forwards to the server on the
# host; trans=unix starts (once) a relay from /tmp/9p.sock in the guest to
# that same address, because the kernel's unix transport needs a unix socket
# inside the guest; trans=virtio uses qemu's own 9p server (tag "vmtest").
# $VMTEST_ANAME, when set, is passed as aname. Prints the mount command.
set -u
set_=$1
dir=${2:-/mnt}
trans=tcp
rest=
IFS=,
for o in $set_; do
	case "$o" in
	trans=*) trans=${o#trans=} ;;
	*) rest="$rest,$o" ;;
	esac
done
unset IFS
rest=${rest#,}
[ -n "${VMTEST_ANAME:-}" ] && rest="$rest,aname=$VMTEST_ANAME"
rest=${rest#,}
case "$trans" in
tcp)
	set -- -t 9p -o "trans=tcp,port=564,$rest" 10.0.2.100 "$dir" ;;
unix)
	if [ ! -S /tmp/9p.sock ]; then
		vmtool relay-unix /tmp/9p.sock 10.0.2.100 564 >/dev/null || exit 1
	fi
	set -- -t 9p -o "trans=unix,$rest" /tmp/9p.sock "$dir" ;;
virtio)
	set -- -t 9p -o "trans=virtio,$rest" vmtest "$dir" ;;
*)
	echo "vmtest-mount: unknown trans=$trans" >&2
	exit 2 ;;
esac
echo "# mount $*"
mount "$@"
