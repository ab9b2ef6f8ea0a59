#!/bin/bash
# SPDX-License-Identifier: MIT
# Instructions the gateway executes per operation, counted by callgrind, so
# the figure repeats on any machine (noise and CPU speed do not enter it).
# The gateway runs under valgrind twice per workload, once with N1 and once
# with N2 operations; (Ir(N2) - Ir(N1)) / (N2 - N1) cancels start-up and
# shut-down. Only the gateway process is counted (user-space instructions,
# libc and libevent included, the kernel not); its passthrough backend runs
# natively.
#
# Usage: callgrind.sh [--build DIR] [--keep DIR]
#   --keep DIR   leave the callgrind.out files in DIR for callgrind_annotate
# Needs valgrind and python3. It deliberately measures nothing but
# instruction counts (no timing).
set -u
BUILD=./build
KEEP=
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2; shift ;;
	--keep) KEEP=$2; shift ;;
	-h|--help) sed -n '3,14p' "$0"; exit 0 ;;
	*) echo "callgrind.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
BUILD=$(cd "$BUILD" && pwd) || exit 2
NB=$BUILD/tests/bench/ninebench
NG=$BUILD/gateway/ninegate
command -v valgrind >/dev/null || { echo "callgrind.sh: needs valgrind" >&2; exit 77; }
command -v python3 >/dev/null || { echo "callgrind.sh: needs python3" >&2; exit 77; }

WORK=$(mktemp -d /var/tmp/ninegate-cg.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/export/many"
head -c 96M /dev/zero >"$WORK/export/big"
(cd "$WORK/export/many" && seq 0 1999 | sed 's/^/f/' | xargs touch)

free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ir LABEL ninebench-args... : total Ir of one gateway life serving them
ir() {
	local label=$1 port pid out
	shift
	port=$(free_port)
	out=$WORK/callgrind.$label
	valgrind --tool=callgrind --callgrind-out-file="$out" \
		"$NG" --seccomp off --sandbox none -l "tcp:127.0.0.1:$port" \
		--export "$WORK/export" >"$WORK/$label.log" 2>&1 &
	pid=$!
	for _ in $(seq 300); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" \
			2>/dev/null && break
		sleep 0.1
	done
	"$NB" -a "tcp:127.0.0.1:$port" "$@" >"$WORK/$label.nb" 2>&1 ||
		{ echo "callgrind.sh: $label: $(cat "$WORK/$label.nb")" >&2; }
	kill -TERM "$pid"
	wait "$pid"
	[ -n "$KEEP" ] && mkdir -p "$KEEP" && cp "$out" "$KEEP/"
	awk '/^(summary|totals):/ {print $2; exit}' "$out"
}

per() { # what N1 N2 unit args-with-N...
	local what=$1 n1=$2 n2=$3 unit=$4 a b
	shift 4
	a=$(ir "$what-$n1" "${@//@N@/$n1}")
	b=$(ir "$what-$n2" "${@//@N@/$n2}")
	python3 -c "print('%-36s %10.0f instructions per %s  (Ir %d and %d)' % \
		('$what', ($b - $a) / ($n2 - $n1), '$unit', $a, $b))"
}

echo "gateway instructions per operation (callgrind, $(valgrind --version))"
per "getattr (1 in flight)" 2000 12000 getattr -n @N@ getattr big
per "getattr (16 in flight)" 2000 12000 getattr -d 16 -n @N@ getattr big
per "stat: walk+getattr+clunk" 500 2000 file -n @N@ -P f stat many
per "read msize 1 MiB (per MiB)" 16 80 MiB -m 1M -s @N@M read big
per "write msize 1 MiB (per MiB)" 16 80 MiB -m 1M -s @N@M write w.bin
