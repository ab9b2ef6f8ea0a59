#!/bin/bash
# SPDX-License-Identifier: MIT
# One VM test of the 'vm' suite: makes an export directory, starts a 9P
# server on a free loopback port, boots the guest (run-vm.sh) with the given
# mount option sets, then checks on the host what the guest asked to be
# checked (file contents, checksums, owners, times: "VMTEST HOSTCHECK"
# lines), stops the server and fails if it died during the run.
#
# Servers: ninegate (the one under test: `ninegate -l tcp:127.0.0.1:PORT
# --export DIR`), diod (comparison, 9P2000.L only: `diod -f -n -e DIR -l
# 127.0.0.1:PORT`), virtfs (qemu's own 9p server over virtio; no host
# process, for comparing the client's behaviour per dialect).
# Two more run ninegate in front of another backend:
#   ninegate-sshfs   real sshfs as the FUSE program (`ninegate -- sshfs -f
#                    -o ssh_command=WRAPPER localhost:DIR {}`), WRAPPER being
#                    a script that execs the local sftp-server: no sshd, no
#                    network. The usual guest checks run, with the ones
#                    sshfs cannot pass skipped by the guest (VMTEST_SERVER).
#   ninegate-testfs  testfs (--testfs EXE) with a file "slow" whose READ
#                    blocks: the guest runs guest-flush.sh (a reader killed
#                    with SIGKILL), the host then reads testfs's log and
#                    report. --interrupts honour: the READ blocks until
#                    interrupted and ends with EINTR; --interrupts enosys:
#                    the READ takes 3 s whatever happens and every
#                    FUSE_INTERRUPT is answered ENOSYS (a backend without
#                    interrupts; see guest-flush.sh for why not sshfs).
# A server that is not built or installed exits 77 with the reason; a VM
# that fails to boot or times out is a failure.
#
# usage: vm-test.sh --server ninegate|ninegate-sshfs|ninegate-testfs|diod|virtfs
#                   [--ninegate EXE] [--testfs EXE] [--interrupts honour|enosys]
#                   --set OPTS [--set OPTS...] [--big MIB] [--many N]
#                   [--mid MIB] [--timeout SEC] [--cache DIR] [--logdir DIR]
#                   [--name NAME] [--fwd chardev|cmd] [-q]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fwd=chardev server= ninegate= testfs= interrupts=honour big=0 many=0 mid=4 timeout=900 logdir= name=vm quiet=
cache=${NINEGATE_VM_CACHE:-${NINEGATE_VM_DEFAULT_CACHE:-${HOME:-/tmp}/.cache/ninegate-vm}}
sets=()
while [ $# -gt 0 ]; do
	case "$1" in
	--server) server=$2; shift 2 ;;
	--ninegate) ninegate=$2; shift 2 ;;
	--testfs) testfs=$2; shift 2 ;;
	--interrupts) interrupts=$2; shift 2 ;;
	--set) sets+=(--set "$2"); shift 2 ;;
	--big) big=$2; shift 2 ;;
	--many) many=$2; shift 2 ;;
	--mid) mid=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--cache) cache=$2; shift 2 ;;
	--logdir) logdir=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--fwd) fwd=$2; shift 2 ;;
	-q) quiet=-q; shift ;;
	*) echo "vm-test: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ ${#sets[@]} -gt 0 ] || { echo "vm-test: no --set given" >&2; exit 2; }

sftp_server=
case "$server" in
ninegate*)
	if [ -z "$ninegate" ] || [ ! -x "$ninegate" ]; then
		echo "vm-test: SKIP: ninegate is not built (no gateway executable${ninegate:+ at $ninegate})"
		exit 77
	fi ;;&
ninegate) ;;
ninegate-sshfs)
	command -v sshfs >/dev/null || { echo "vm-test: SKIP: sshfs not installed (Debian: sshfs)"; exit 77; }
	for p in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server \
		/usr/lib/ssh/sftp-server /usr/libexec/sftp-server; do
		[ -x "$p" ] && sftp_server=$p && break
	done
	[ -n "$sftp_server" ] ||
		{ echo "vm-test: SKIP: no sftp-server found (Debian: openssh-sftp-server)"; exit 77; } ;;
ninegate-testfs)
	if [ -z "$testfs" ] || [ ! -x "$testfs" ]; then
		echo "vm-test: SKIP: testfs is not built${testfs:+ (no executable at $testfs)}"
		exit 77
	fi
	case "$interrupts" in
	honour | enosys) ;;
	*) echo "vm-test: --interrupts honour|enosys" >&2; exit 2 ;;
	esac ;;
diod)
	command -v diod >/dev/null || { echo "vm-test: SKIP: diod not installed (Debian: diod)"; exit 77; } ;;
virtfs) ;;
*) echo "vm-test: --server ninegate|ninegate-sshfs|ninegate-testfs|diod|virtfs" >&2; exit 2 ;;
esac

bash "$here/prepare.sh" -q "$cache" || { echo "vm-test: FAILURE: prepare.sh failed"; exit 1; }
cache=$(cd "$cache" && pwd)
vmtool=$cache/vmtool

work=$(mktemp -d "${TMPDIR:-/tmp}/ninegate-vmtest.XXXXXX")
logdir=${logdir:-$work}
mkdir -p "$logdir"
console=$logdir/$name.console.log
srvlog=$logdir/$name.server.log
tfslog=$logdir/$name.testfs.log tfsreport=$logdir/$name.testfs.report
spid=
cleanup() {
	if [ -n "$spid" ] && kill -0 "$spid" 2>/dev/null; then
		kill "$spid" 2>/dev/null || true
		wait "$spid" 2>/dev/null || true
	fi
	rm -rf "$work/export"
	# logs stay in --logdir; in the temporary directory only after a failure
	if [ "$logdir" != "$work" ] || [ "${status:-1}" = 0 ]; then
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# ---- export directory ----
exp=$work/export
chmod 755 "$work" # servers that switch to the client's uid must reach the export
mkdir -p "$exp/names" "$exp/many"
chmod 755 "$exp"
echo "Hello, 9P!" >"$exp/hello.txt"
echo "space" >"$exp/names/with space.txt"
echo "utf8" >"$exp/names/grüße-日本語.txt"
: >"$exp/names/a"
if [ "$many" -gt 0 ]; then
	(cd "$exp/many" && seq -f 'f%05g' 1 "$many" | xargs touch)
	chmod 644 "$exp"/many/*
fi

# ---- server ----
port= aname= runargs=()
backend=()
case "$server" in
ninegate-sshfs)
	printf '#!/bin/sh\n# ignores the ssh arguments sshfs passes\nexec %s\n' \
		"$sftp_server" >"$work/ssh-wrapper"
	chmod 755 "$work/ssh-wrapper"
	backend=(sshfs -f -o "ssh_command=$work/ssh-wrapper" "localhost:$exp" {}) ;;
ninegate-testfs)
	# slow: its READ blocks (until interrupted, or for 3 s); other: plain
	if [ "$interrupts" = honour ]; then
		block=slow:read
	else
		block=slow:read:3000
	fi
	: >"$tfslog"
	backend=("$testfs" "--block=$block" "--interrupts=$interrupts"
		"--log=$tfslog" "--report=$tfsreport"
		"--file=slow=slow file" "--file=other=other file" {})
	runargs+=(--script "$here/guest-flush.sh" --env VMTEST_INTERRUPTS="$interrupts") ;;
esac
if [ "$server" = virtfs ]; then
	runargs+=(--virtfs "$exp")
else
	port=$("$vmtool" freeport)
	case "$server" in
	ninegate)
		# shellcheck disable=SC2086 # NINEGATE_OPTS: extra words, e.g. --debug
		"$ninegate" -l "tcp:127.0.0.1:$port" ${NINEGATE_OPTS:-} --export "$exp" \
			>"$srvlog" 2>&1 &
		spid=$! ;;
	ninegate-*)
		# shellcheck disable=SC2086 # NINEGATE_OPTS: extra words, e.g. --debug
		"$ninegate" -l "tcp:127.0.0.1:$port" ${NINEGATE_OPTS:-} -- "${backend[@]}" \
			>"$srvlog" 2>&1 &
		spid=$! ;;
	diod)
		# diod wants the export path as aname
		diod -f -n -e "$exp" -l "127.0.0.1:$port" -L "$srvlog" >>"$srvlog" 2>&1 &
		spid=$!
		aname=$exp ;;
	esac
	up=0
	for _ in $(seq 1 100); do
		kill -0 "$spid" 2>/dev/null || break
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			up=1
			break
		fi
		sleep 0.1
	done
	if [ $up = 0 ]; then
		echo "vm-test: FAILURE: $server did not listen on 127.0.0.1:$port"
		tail -n 20 "$srvlog" 2>/dev/null | sed 's/^/  server| /'
		exit 1
	fi
	runargs+=(--port "$port")
fi
[ -n "$aname" ] && runargs+=(--aname "$aname")
root=0
[ "$(id -u)" = 0 ] && root=1
echo "# $name: server $server${port:+ on 127.0.0.1:$port}, export $exp"

status=0
bash "$here/run-vm.sh" $quiet --cache "$cache" --timeout "$timeout" --fwd "$fwd" \
	--log "$console" "${runargs[@]}" "${sets[@]}" \
	--env VMTEST_SERVER="$server" --env VMTEST_SERVER_ROOT=$root \
	--env VMTEST_BIG_MIB="$big" --env VMTEST_MANY="$many" \
	--env VMTEST_MID_MIB="$mid" || status=1

# ---- the host's view of what the guest did ----
hc_pass=0 hc_fail=0
hostcheck() { # desc, result (0 = ok), detail
	if [ "$2" = 0 ]; then
		echo "ok - host: $1"
		hc_pass=$((hc_pass + 1))
	else
		echo "not ok - host: $1 ($3)"
		hc_fail=$((hc_fail + 1))
	fi
}
# testfs_report: has testfs (the server's child) write its report now
testfs_report() {
	local bpid _
	bpid=$(awk '{print $1}' "/proc/$spid/task/$spid/children" 2>/dev/null || true)
	[ -n "$bpid" ] || { echo "testfs is not running"; return 1; }
	rm -f "$tfsreport"
	kill -USR1 "$bpid" || return 1
	for _ in $(seq 1 100); do
		[ -s "$tfsreport" ] && return 0
		sleep 0.05
	done
	echo "testfs wrote no report"
	return 1
}
# fuse-interrupt MODE KILLS: in testfs's log, the FUSE_INTERRUPTs that name a
# READ; honour: one for each of KILLS readers, and KILLS ops ended EINTR;
# enosys: one INTERRUPT in all (answered ENOSYS, ninegate sends no more),
# no op ended EINTR
intr_check() {
	local mode=$1 kills=$2 reads intrs eintr
	testfs_report || return 1
	reads=$(awk '$1 == "READ" { sub("unique=", "", $2); r[$2] = 1 }
		$1 == "INTERRUPT" { sub("target=", "", $4); if ($4 in r) t[$4] = 1 }
		END { n = 0; for (k in t) n++; print n }' "$tfslog")
	intrs=$(awk '$1 == "interrupts" { print $2 }' "$tfsreport")
	eintr=$(awk '$1 == "eintr" { print $2 }' "$tfsreport")
	echo "READs interrupted: $reads, INTERRUPTs: $intrs, EINTR replies: $eintr"
	if [ "$mode" = honour ]; then
		[ "$reads" = "$kills" ] && [ "$eintr" = "$kills" ]
	else
		[ "$reads" = 1 ] && [ "$intrs" = 1 ] && [ "$eintr" = 0 ]
	fi
}
while read -r _ _ kind path rest; do
	f=$exp/$path
	case "$kind" in
	fuse-interrupt)
		got=$(intr_check "$path" "$rest" 2>&1) && st=0 || st=$?
		echo "# testfs: $got"
		hostcheck "testfs got FUSE_INTERRUPT for the READs ($path, $rest killed)" "$st" "$got" ;;
	content)
		got=$(cat "$f" 2>&1 || true)
		[ "$got" = "$rest" ]; hostcheck "$path contains '$rest'" $? "got '$got'" ;;
	sum)
		got=$("$vmtool" sum "$f" | sed -n 's/^sum \([0-9a-f]*\) .*/\1/p' || true)
		[ "$got" = "$rest" ]; hostcheck "$path checksum $rest" $? "got '$got'" ;;
	owner)
		got=$(stat -c %u:%g "$f" 2>&1 || true)
		[ "$got" = "$rest" ]; hostcheck "$path owner $rest" $? "got '$got'" ;;
	mtime)
		got=$(stat -c %Y "$f" 2>&1 || true)
		[ "$got" = "$rest" ]; hostcheck "$path mtime $rest" $? "got '$got'" ;;
	*)
		hostcheck "unknown check '$kind'" 1 "from the guest" ;;
	esac
done < <(grep -a '^VMTEST HOSTCHECK ' "$console" 2>/dev/null || true)
echo "# host checks: $hc_pass passed, $hc_fail failed"
[ $hc_fail = 0 ] || status=1
if [ $status = 0 ] && [ $hc_pass = 0 ]; then
	echo "vm-test: FAILURE: no host checks came from the guest"
	status=1
fi

if [ -n "$spid" ]; then
	if ! kill -0 "$spid" 2>/dev/null; then
		wait "$spid" && st=0 || st=$?
		echo "vm-test: FAILURE: $server exited during the test (status $st)"
		tail -n 20 "$srvlog" | sed 's/^/  server| /'
		status=1
	fi
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	spid=
fi
if [ $status != 0 ]; then
	echo "# console log: $console"
	[ -f "$srvlog" ] && echo "# server log: $srvlog"
	[ "$server" = ninegate-testfs ] && echo "# testfs log and report: $tfslog $tfsreport"
fi
exit $status
