#!/bin/bash
# SPDX-License-Identifier: MIT
# Export an rclone remote over 9P without mounting it on the host.
#
#   examples/rclone.sh REMOTE:PATH [LISTEN]
#
# REMOTE:PATH is anything `rclone lsd` accepts (a configured remote, or a
# local path for a try-out). LISTEN defaults to tcp:127.0.0.1:5640. rclone's
# `mount2` (its libfuse-free FUSE server) gets /dev/fd/N as the mountpoint.
# Writes need rclone's VFS cache; RCLONE_OPTS adds options, e.g.
#   RCLONE_OPTS="--config ~/.config/rclone/rclone.conf --vfs-cache-mode writes"
set -euo pipefail
remote=${1:?usage: $0 REMOTE:PATH [LISTEN]}
listen=${2:-tcp:127.0.0.1:5640}
ninegate=${NINEGATE:-ninegate}
# shellcheck disable=SC2086 # RCLONE_OPTS is a list of words
exec "$ninegate" -l "$listen" ${NINEGATE_OPTS:-} -- \
	rclone mount2 ${RCLONE_OPTS:---vfs-cache-mode writes} "$remote" {}
