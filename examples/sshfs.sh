#!/bin/bash
# SPDX-License-Identifier: MIT
# Export an sshfs remote over 9P without mounting it on the host.
#
#   examples/sshfs.sh user@host:/srv/data [LISTEN]
#
# LISTEN defaults to tcp:127.0.0.1:5640. ninegate starts sshfs itself with
# /dev/fd/N as its "mountpoint"; nothing appears in the host's mount table,
# and neither /dev/fuse nor root is needed. sshfs must run in the foreground
# (-f). Extra sshfs options go in SSHFS_OPTS, e.g.
#   SSHFS_OPTS="-o reconnect,ServerAliveInterval=15 -o IdentityFile=~/.ssh/vm"
# A Linux guest then mounts it (see examples/vm-qemu.sh for the qemu side):
#   mount -t 9p -o trans=tcp,port=564,version=9p2000.L,msize=1048576 10.0.2.100 /mnt
# sshfs does not interrupt an SFTP request once sent: a flushed request
# waits for the remote to finish it (add --flush-timeout SECS to bound that
# wait, e.g. on a dead network).
set -euo pipefail
remote=${1:?usage: $0 user@host:/path [LISTEN]}
listen=${2:-tcp:127.0.0.1:5640}
ninegate=${NINEGATE:-ninegate}
# shellcheck disable=SC2086 # SSHFS_OPTS is a list of words
exec "$ninegate" -l "$listen" ${NINEGATE_OPTS:-} -- \
	sshfs -f ${SSHFS_OPTS:-} "$remote" {}
