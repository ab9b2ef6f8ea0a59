#!/bin/bash
# SPDX-License-Identifier: MIT
# Share a directory with a container through a sandboxed ninegate: the
# container's mount namespace mounts it over a unix socket (trans=unix), so
# the container gets no view of the host's filesystem beyond DIR, and the
# process that parses the container's 9P runs under seccomp.
#
#   examples/container.sh DIR [--read-only] [-- COMMAND...]
#
# Runs COMMAND (default: ls -la /mnt) in a new mount namespace (unshare -m)
# with DIR mounted on /mnt. Needs root for the mount and the kernel's 9p
# module; without it the share is shown with ninep instead.
set -euo pipefail
dir=${1:?usage: $0 DIR [--read-only] [-- COMMAND...]}
shift
ro=()
if [ "${1:-}" = "--read-only" ]; then
	ro=(--read-only)
	shift
fi
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || set -- ls -la /mnt
ninegate=${NINEGATE:-ninegate}
ninep=${NINEP:-ninep}

run=$(mktemp -d)
sock=$run/9p.sock
"$ninegate" -l "unix:$sock" "${ro[@]}" --export "$dir" 2>"$run/log" &
gw=$!
trap 'kill $gw 2>/dev/null; wait $gw 2>/dev/null || true; rm -rf "$run"' EXIT
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || { cat "$run/log" >&2; exit 1; }

if grep -qw 9p /proc/filesystems || modprobe 9p 2>/dev/null; then
	# The container side: its own mount namespace, the share on /mnt.
	unshare -m --propagation private sh -c '
		mount -t 9p -o trans=unix,version=9p2000.L,msize=1048576,access=user \
			"$0" /mnt && exec "$@"' "$sock" "$@"
else
	echo "container.sh: this kernel has no 9p client; showing the share" \
		"with ninep instead" >&2
	NINEP_ADDR=unix:$sock "$ninep" ls -l /
	if [ ${#ro[@]} -gt 0 ]; then
		echo "read-only export: a write is refused:"
		echo x | NINEP_ADDR=unix:$sock "$ninep" write /refused.txt || true
	fi
fi
