#!/bin/bash
# SPDX-License-Identifier: MIT
# The real ninegate binary dies by SIGSYS when it makes a forbidden call
# after entering its sandbox: for each CALL of --sandbox-selftest (openat,
# execve, socket, connect, fork), with --seccomp kill,
#  - the process ends killed by SIGSYS (status 128+31 from the shell);
#  - the listener had been opened and the sandbox line logged first, so the
#    call came after the whole real entry path (SANDBOX.md §7.5.2);
#  - nothing was served: its unix socket refuses connections afterwards, and
#    a client that was already waiting on an inherited listener (-l fd:N)
#    with a Tversion sent gets not one byte;
#  - the passthrough backend it had started goes away too;
# and with --seccomp trap it exits 70 and names the blocked call.
#
# Usage: t_sb_selftest.sh NINEGATE
# It does not cover the abort path (SIGABRT, not SIGSYS): ninegate has no
# way to abort on request from outside, and must not get one; the unit test
# tests/unit/test_sb_gateway.c checks abort() under the gateway filter.

ninegate_bin=$1
. "$(dirname "$0")/t_gw_lib.sh"
[ -x "$ninegate_bin" ] || skip "ninegate not found at '$ninegate_bin'"

EXPORT=$T_WORK/export
mkdir "$EXPORT"
echo data >"$EXPORT/file"

# backend_of LOG: the passthrough's pid from the gateway's log
backend_of() {
	sed -n 's/.*backend ninegate-passthrough\[\([0-9]*\)\].*/\1/p' "$1" |
		head -n 1
}

# refused PATH: connecting to the unix socket PATH is refused (nobody
# accepts on it any more)
refused() {
	python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1])
except ConnectionRefusedError:
    sys.exit(0)
except OSError as e:
    print("#   connect: %s" % e)
    sys.exit(1)
print("#   connect succeeded")
sys.exit(1)
EOF
}

# queued_client CALL LOG: run ninegate --sandbox-selftest=CALL on an
# inherited listener that already has a client with a Tversion waiting.
# Prints "STATUS BYTES": how ninegate ended and how many bytes the client
# got.
queued_client() {
	python3 - "$ninegate_bin" "$1" "$EXPORT" "$2" <<'EOF'
import os, socket, struct, subprocess, sys
exe, call, export, log = sys.argv[1:5]
lis = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
path = log + ".sock"
lis.bind(path)
lis.listen(8)
cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
cli.connect(path)
ver = b"9P2000.L"
body = struct.pack("<IH", 65536, len(ver)) + ver
cli.sendall(struct.pack("<IBH", 7 + len(body), 100, 0xFFFF) + body)
fd = lis.fileno()
with open(log, "wb") as lf:
    p = subprocess.Popen([exe, "--seccomp", "kill",
                          "--sandbox-selftest=" + call, "-l", "fd:%d" % fd,
                          "--export", export],
                         stdin=subprocess.DEVNULL, stderr=lf, pass_fds=(fd,))
    rc = p.wait(120)
# The only process that could answer is gone: whatever it sent is in the
# client's receive queue now.
cli.setblocking(False)
try:
    got = len(cli.recv(65536))
except BlockingIOError:
    got = 0
except ConnectionResetError:
    got = 0
print("%s %d" % ("SIGSYS" if rc == -31 else "rc=%d" % rc, got))
EOF
}

for call in openat execve socket connect fork; do
	log=$T_WORK/$call.log
	sock=$T_WORK/$call.sock
	"$ninegate_bin" --seccomp kill --sandbox-selftest="$call" \
		-l "unix:$sock" --export "$EXPORT" 2>"$log" </dev/null
	rc=$?
	check_eq "$call: ninegate is killed by SIGSYS" "killed by SIGSYS" \
		"$(status_text $rc)"
	[ $rc -eq 159 ] || sed 's/^/#   /' "$log"
	check "$call: the listener was open before the call" \
		grep -q "listening on unix:$sock" "$log"
	check "$call: the sandbox was entered before the call" \
		grep -q '^ninegate: sandbox: seccomp=kill' "$log"
	check "$call: the call was not allowed" \
		eval "! grep -q 'the call was allowed' '$log'"
	check "$call: the socket exists and nobody serves it" refused "$sock"
	be=$(backend_of "$log")
	check_that "$call: the backend had started" '[ -n "$be" ]'
	[ -z "$be" ] || check "$call: the backend is gone" pid_dead "$be"

	out=$(queued_client "$call" "$T_WORK/$call.fd.log")
	check_eq "$call: a waiting client gets nothing (fd listener)" \
		"SIGSYS 0" "$out"
	[ "$out" = "SIGSYS 0" ] || sed 's/^/#   /' "$T_WORK/$call.fd.log"

	tlog=$T_WORK/$call.trap.log
	"$ninegate_bin" --seccomp trap --sandbox-selftest="$call" \
		-l "unix:$T_WORK/$call.trap.sock" --export "$EXPORT" \
		2>"$tlog" </dev/null
	rc=$?
	check_eq "$call: trap mode exits 70" "exit 70" "$(status_text $rc)"
	name=$call
	[ "$call" = fork ] && name=clone
	check "$call: trap mode names '$name'" \
		grep -q "blocked syscall $name (nr [0-9]*)" "$tlog"
	[ $rc -eq 70 ] || sed 's/^/#   /' "$tlog"
done

# Without the filter the call is allowed, and ninegate says so and exits:
# the SIGSYS above came from the filter, not from the call itself.
log=$T_WORK/off.log
"$ninegate_bin" --seccomp off --sandbox-selftest=socket \
	-l "unix:$T_WORK/off.sock" --export "$EXPORT" 2>"$log" </dev/null
rc=$?
check_eq "--seccomp off: not killed" "exit 1" "$(status_text $rc)"
check "--seccomp off: says the call was allowed" \
	grep -q 'sandbox-selftest=socket: the call was allowed' "$log"

finish
