#!/bin/bash
# SPDX-License-Identifier: MIT
# The bundled demo: install what is missing, build, export a copy of
# examples/demo/ with ninegate on a unix socket, and use it with `ninep`.
#
#   examples/demo.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash .ci/deps
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null

work=$(mktemp -d)
cleanup() {
	if [ -n "${gw:-}" ]; then
		kill "$gw" 2>/dev/null || true
		wait "$gw" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
cp -r examples/demo "$work/export"
sock="$work/9p.sock"

echo "+ ninegate -l unix:$sock --export $work/export"
build/gateway/ninegate -l "unix:$sock" --export "$work/export" \
	2>"$work/ninegate.log" &
gw=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done

export NINEP_ADDR="unix:$sock"
ninep=build/p9/ninep
run() { echo "+ ninep $*"; "$ninep" "$@"; }
run ls -l /
run cat /hello.txt
run ls /docs
echo "written through 9P" | { echo "+ echo ... | ninep write /new.txt"; "$ninep" write /new.txt; }
run cat /new.txt
run mkdir /made-over-9p
run mv /new.txt /made-over-9p/moved.txt
run ls -l /made-over-9p
run df /
echo "+ ninep cat /no-such-file   (fails, exit status 1)"
"$ninep" cat /no-such-file || echo "exit status $?"
echo
echo "The export directory on the host now holds:"
(cd "$work/export" && find . | sort)
echo
echo "ninegate's log:"
sed 's/^/  /' "$work/ninegate.log"
