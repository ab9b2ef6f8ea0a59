#!/bin/bash
# SPDX-License-Identifier: MIT
# The ninegate benchmark: every ninebench workload against, in one run and
# interleaved (A B C D A B C D ...), ninegate with its passthrough backend,
# diod with one worker thread and with its default threads, and a kernel
# FUSE mount of libfuse's passthrough_ll (cache=never) read with plain
# syscalls. Prints one table of medians and ratios, the gateway's CPU per
# unit, its idle and peak RSS, what a client that stops reading costs, and
# the same read/write/stat comparison over sshfs (ninegate -- sshfs versus
# the kernel sshfs mount).
#
# Usage: run.sh [--build DIR] [--reps N] [--size BYTES] [--wsize BYTES]
#               [--quick] [--no-sshfs] [--raw FILE]
#   --build DIR   meson build directory (default: ./build)
#   --reps N      runs per workload and server; the median is shown (5)
#   --size        bytes of the file read sequentially (1G)
#   --wsize       bytes written per sequential-write run (256M)
#   --quick       1 rep, small sizes: checks that everything runs
# Needs root (the kernel mount, drop_caches), diod, fusermount3, gcc and
# libfuse3's examples (libfuse3-dev) for passthrough_ll, python3; sshfs and
# openssh-sftp-server for the sshfs part. It deliberately installs nothing;
# a missing server is left out of the table with a note.
set -u

BUILD=./build
REPS=5
SIZE=1G
WSIZE=256M
NFILES=10000
SSHFS=1
RAW=
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--size) SIZE=$2; shift ;;
	--wsize) WSIZE=$2; shift ;;
	--quick) REPS=1; SIZE=64M; WSIZE=32M; NFILES=2000 ;;
	--no-sshfs) SSHFS=0 ;;
	--raw) RAW=$2; shift ;;
	-h|--help) sed -n '3,22p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
BUILD=$(cd "$BUILD" && pwd) || exit 2
NB=$BUILD/tests/bench/ninebench
NG=$BUILD/gateway/ninegate
for f in "$NB" "$NG"; do
	[ -x "$f" ] || { echo "run.sh: $f not built" >&2; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (kernel FUSE mount)" >&2; exit 77; }
command -v python3 >/dev/null || { echo "run.sh: needs python3" >&2; exit 77; }

WORK=$(mktemp -d /var/tmp/ninebench.XXXXXX)
EXP=$WORK/export
MNT=$WORK/mnt
RAW=${RAW:-$WORK/raw.txt}
: >"$RAW"
PIDS=()
MOUNTS=()
cleanup() {
	for m in "${MOUNTS[@]}"; do fusermount3 -u "$m" 2>/dev/null; done
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
note() { echo "# $*" | tee -a "$RAW"; }

free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Wait until something accepts on 127.0.0.1:$1.
wait_port() {
	for _ in $(seq 100); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1)" \
			2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

wait_mount() {
	for _ in $(seq 100); do
		grep -q " $1 fuse" /proc/mounts && return 0
		sleep 0.1
	done
	return 1
}

# Forget what kernel mounts cached (their inodes pin backend fds).
drop_caches() { sync; echo 2 >/proc/sys/vm/drop_caches 2>/dev/null; }

# --------------------------------------------------------------- the tree
mkdir -p "$EXP/many" "$MNT" "$WORK/mnt2"
note "building the tree: $SIZE file, $NFILES files in many/"
head -c "$SIZE" /dev/zero >"$EXP/big"
(cd "$EXP/many" && seq 0 $((NFILES - 1)) | sed 's/^/f/' | xargs touch)
head -c 256M /dev/zero >"$EXP/mid"

# ------------------------------------------------------------- the servers
declare -A ADDR ANAME CPU_PIDS SPID
SERVERS=()

start_ninegate() { # name, extra args...
	local name=$1 port
	shift
	port=$(free_port)
	"$NG" -l "tcp:127.0.0.1:$port" "$@" >"$WORK/$name.log" 2>&1 &
	local pid=$!
	PIDS+=("$pid")
	wait_port "$port" || { note "$name did not start"; cat "$WORK/$name.log"; return 1; }
	ADDR[$name]="tcp:127.0.0.1:$port"
	ANAME[$name]=""
	CPU_PIDS[$name]="-p $pid -p $(pgrep -P "$pid" | head -1)"
	SPID[$name]=$pid
}

start_diod() { # name, extra args...
	local name=$1 port
	shift
	port=$(free_port)
	diod -f -n -e "$EXP" -l "127.0.0.1:$port" -L "$WORK/$name.log" "$@" \
		>>"$WORK/$name.log" 2>&1 &
	local pid=$!
	PIDS+=("$pid")
	wait_port "$port" || { note "$name did not start"; return 1; }
	ADDR[$name]="tcp:127.0.0.1:$port"
	ANAME[$name]="$EXP"
	CPU_PIDS[$name]="-p $pid"
}

start_ninegate ng --export "$EXP" || exit 1
SERVERS+=(ng)
# idle RSS: right after start, before any client
read -r IDLE_RSS < <(awk '/VmRSS/ {print $2}' /proc/${SPID[ng]}/status)
note "ninegate idle RSS after start: $IDLE_RSS KiB"
if command -v diod >/dev/null; then
	start_diod diod1 -t 1 && SERVERS+=(diod1)
	start_diod diod && SERVERS+=(diod)
else
	note "diod not installed: left out"
fi

# kernel FUSE: libfuse's passthrough_ll with cache=never (direct_io, all
# timeouts 0), built from libfuse3-dev's examples; else our own backend.
PLL_SRC=/usr/share/doc/libfuse3-dev/examples/passthrough_ll.c
KFUSE_WHAT=
# shellcheck disable=SC2046 # pkg-config output is meant to split
if [ -r "$PLL_SRC" ] && gcc -O2 "$PLL_SRC" $(pkg-config fuse3 --cflags --libs) \
	-o "$WORK/passthrough_ll" 2>"$WORK/pll-build.log"; then
	"$WORK/passthrough_ll" -f -o "source=$EXP,cache=never" "$MNT" \
		>"$WORK/kfuse.log" 2>&1 &
	KFUSE_WHAT="libfuse passthrough_ll -o cache=never"
else
	"$BUILD/fuse_glue/ninegate-passthrough" --timeout=0 "$EXP" "$MNT" \
		>"$WORK/kfuse.log" 2>&1 &
	KFUSE_WHAT="ninegate-passthrough --timeout=0 (page cache on: no direct_io)"
fi
KPID=$!
PIDS+=("$KPID")
if wait_mount "$MNT"; then
	MOUNTS+=("$MNT")
	SERVERS+=(kfuse)
	CPU_PIDS[kfuse]="-p $KPID"
	note "kernel FUSE reference: $KFUSE_WHAT"
else
	note "kernel FUSE mount failed: left out"; cat "$WORK/kfuse.log"
fi
note "servers: ${SERVERS[*]}"

# ------------------------------------------------------------ one run
# run SERVER WORKLOAD REP ninebench-args... ; the path argument is the last
# one and relative to the export; local runs get it below the mount.
RUNS=0
run() {
	local srv=$1 wl=$2 rep=$3
	shift 3
	local args=("$@") n=$#
	local path=${args[$((n - 1))]}
	unset 'args[$((n - 1))]'
	local out
	case $srv in
	kfuse|ksshfs)
		local m=$MNT
		[ "$srv" = ksshfs ] && m=$WORK/mnt2
		out=$("$NB" ${CPU_PIDS[$srv]} -L "$wl" "${args[@]}" \
			"$m/$path" 2>&1 | tail -1)
		drop_caches ;;
	*)
		out=$("$NB" -a "${ADDR[$srv]}" -A "${ANAME[$srv]}" \
			${CPU_PIDS[$srv]} -L "$wl" "${args[@]}" "$path" 2>&1 | tail -1) ;;
	esac
	RUNS=$((RUNS + 1))
	echo "srv=$srv rep=$rep $out" >>"$RAW"
	case $out in *err=0) ;; *) echo "run.sh: $srv $wl: $out" >&2 ;; esac
}

# ---------------------------------------------------------- the workloads
# name | 9P args | local args ("-" = not run on the kernel mount)
WORKLOADS=(
	"read-64k|-m 64K read big|-o -b 64K read big"
	"read-128k|-m 128K read big|-o -b 128K read big"
	"read-1m|-m 1M read big|-o -b 1M read big"
	"read-1m-d4|-m 1M -d 4 read big|-"
	"write-64k|-m 64K -s $WSIZE write w.bin|-o -b 64K -s $WSIZE write w.bin"
	"write-128k|-m 128K -s $WSIZE write w.bin|-o -b 128K -s $WSIZE write w.bin"
	"write-1m|-m 1M -s $WSIZE write w.bin|-o -b 1M -s $WSIZE write w.bin"
	"getattr-1|-t 1 getattr big|-t 1 getattr big"
	"getattr-16|-t 1 -d 16 getattr big|-t 1 -d 16 getattr big"
	"stat|-n $NFILES -P f stat many|-n $NFILES -P f stat many"
	"stat-16|-n $NFILES -d 16 -P f stat many|-n $NFILES -d 16 -P f stat many"
	"readdir|-t 1 readdir many|-t 1 readdir many"
	"create|-n $NFILES -P f create NEWDIR|-n $NFILES -P f create NEWDIR"
	"mixed|-t 2 -c 4 -d 4 -N $NFILES -D many mixed big|-"
)
# O_DIRECT on the passthrough_ll mount is passed on to the backing file
# (a real disk write); with cache=never the mount is uncached already.
if [ "$KFUSE_WHAT" = "libfuse passthrough_ll -o cache=never" ]; then
	for i in "${!WORKLOADS[@]}"; do
		WORKLOADS[$i]=${WORKLOADS[$i]//-o -b/-b}
	done
fi

T0=$(date +%s)
for w in "${WORKLOADS[@]}"; do
	IFS='|' read -r name a9 al <<<"$w"
	for rep in $(seq "$REPS"); do
		for srv in "${SERVERS[@]}"; do
			[ "$srv" = kfuse ] && [ "$al" = - ] && continue
			wargs=$a9
			[ "$srv" = kfuse ] && wargs=$al
			if [ "$name" = create ]; then
				d=c.$srv.$rep
				rm -rf "${EXP:?}/$d"; mkdir "$EXP/$d"
				wargs=${wargs/NEWDIR/$d}
			fi
			# shellcheck disable=SC2086
			run "$srv" "$name" "$rep" $wargs
			rm -f "$EXP/w.bin"
			[ "$name" = create ] && rm -rf "${EXP:?}/c.$srv.$rep"
		done
	done
	note "$name done ($(($(date +%s) - T0)) s)"
done
read -r PEAK_RSS < <(awk '/VmHWM/ {print $2}' /proc/${SPID[ng]}/status)
note "ninegate peak RSS over the run: $PEAK_RSS KiB"

# ------------------------------------------ a client that stops reading
stall() { # label, ninegate args...
	local label=$1 before during after
	shift
	start_ninegate st --export "$EXP" "$@" || return
	before=$(awk '/VmRSS/ {print $2}' /proc/${SPID[st]}/status)
	out=$("$NB" -a "${ADDR[st]}" -p "${SPID[st]}" -L stall -m 1M -d 2000 -t 3 \
		stall big 2>&1 | tail -1)
	sleep 1
	after=$(awk '/VmRSS/ {print $2}' /proc/${SPID[st]}/status)
	during=$(sed 's/.*pid0_hwm_kib=\([0-9]*\).*/\1/' <<<"$out")
	echo "stall label=$label rss_before_kib=$before hwm_kib=$during rss_after_kib=$after treads_sent=$(sed 's/.*reqs=\([0-9]*\).*/\1/' <<<"$out")" >>"$RAW"
	kill "${SPID[st]}"
	wait "${SPID[st]}" 2>/dev/null
}
stall "defaults (--max-requests 256 --output-bound 4M)"
stall "--max-requests 16 --output-bound 1048576" --max-requests 16 \
	--output-bound 1048576

# ----------------------------------------------------------------- sshfs
SSH_SERVERS=()
SFTP=
for s in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server; do
	[ -x "$s" ] && SFTP=$s && break
done
if [ "$SSHFS" = 1 ] && command -v sshfs >/dev/null && [ -n "$SFTP" ]; then
	printf '#!/bin/sh\nexec %s\n' "$SFTP" >"$WORK/ssh-wrapper"
	chmod 755 "$WORK/ssh-wrapper"
	start_ninegate ngs -- sshfs -f -o "ssh_command=$WORK/ssh-wrapper" \
		"localhost:$EXP" {} && SSH_SERVERS+=(ngs)
	# the kernel mount without kernel caching of attributes and names
	# (as passthrough_ll's cache=never); sshfs's own caches stay on for
	# both. Data is read and written with O_DIRECT (sshfs ignores it).
	sshfs -f -o "ssh_command=$WORK/ssh-wrapper" \
		-o entry_timeout=0,attr_timeout=0,negative_timeout=0 \
		"localhost:$EXP" "$WORK/mnt2" >"$WORK/ksshfs.log" 2>&1 &
	KS=$!
	PIDS+=("$KS")
	if wait_mount "$WORK/mnt2"; then
		MOUNTS+=("$WORK/mnt2")
		SSH_SERVERS+=(ksshfs)
		CPU_PIDS[ksshfs]="-p $KS"
	fi
	SSH_WL=(
		"sshfs-read-1m|-m 1M read mid|-o -b 1M read mid"
		"sshfs-write-1m|-m 1M -s 64M write w.bin|-o -b 1M -s 64M write w.bin"
		"sshfs-stat|-n $NFILES -P f stat many|-n $NFILES -P f stat many"
	)
	for w in "${SSH_WL[@]}"; do
		IFS='|' read -r name a9 al <<<"$w"
		for rep in $(seq "$REPS"); do
			for srv in "${SSH_SERVERS[@]}"; do
				wargs=$a9
				[ "$srv" = ksshfs ] && wargs=$al
				# shellcheck disable=SC2086
				run "$srv" "$name" "$rep" $wargs
				rm -f "$EXP/w.bin"
			done
		done
		note "$name done ($(($(date +%s) - T0)) s)"
	done
else
	note "sshfs or sftp-server missing: sshfs part left out"
fi

note "$RUNS runs in $(($(date +%s) - T0)) s; machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$(dirname "$0")/report.py" "$RAW" "$IDLE_RSS" "$PEAK_RSS"
exit 0
