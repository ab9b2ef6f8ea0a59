#!/bin/bash
# SPDX-License-Identifier: MIT
# Start-up errors say what and where and exit non-zero, with nothing left
# running: a tcp port in use, --export of a missing directory and of a
# file, a backend program not found, a backend that refuses FUSE_INIT (a
# fake one answering with an error; testfs sending a garbage or short INIT
# reply), one that exits at once, bad listener specs, --msize below 4096
# and other bad option values, and no backend or no listener given.
#
# Usage: t_gw_startup.sh NINEGATE TESTFS
set -u
ninegate_bin=${1:?usage: t_gw_startup.sh NINEGATE TESTFS}
testfs_bin=${2:?usage: t_gw_startup.sh NINEGATE TESTFS}
. "$(dirname "$0")/t_gw_lib.sh"

E=$T_WORK/export
mkdir "$E"
S=unix:$T_WORK/s

# --- a tcp port in use
port=$(free_port)
python3 - "$port" "$T_WORK/holder.ready" <<'EOF' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
open(sys.argv[2], "w").close()
time.sleep(60)
EOF
holder=$!
T_PIDS="$T_PIDS $holder"
for _ in $(seq 1 100); do [ -e "$T_WORK/holder.ready" ] && break; sleep 0.05; done
gw_run_fail port -l "tcp:127.0.0.1:$port" --export "$E"
check_fails "tcp port in use" "tcp:127.0.0.1:$port: Address already in use"
kill "$holder"

# --- the export directory
gw_run_fail nodir -l "$S" --export "$T_WORK/missing"
check_fails "--export of a missing directory" \
	"--export $T_WORK/missing: No such file or directory"
: >"$T_WORK/afile"
gw_run_fail notdir -l "$S" --export "$T_WORK/afile"
check_fails "--export of a file" "--export $T_WORK/afile: not a directory"

# --- the backend program
gw_run_fail noprog -l "$S" -- no-such-fuse-program-t-gw {}
check_fails "backend program not found" "no-such-fuse-program-t-gw.*not found"
gw_run_fail noexec -l "$S" -- "$T_WORK/afile" {}
check_fails "backend program not executable" "$T_WORK/afile.*(Permission denied|not executable)"
gw_run_fail exits -l "$S" -- sh -c 'echo "cannot mount: no luck" >&2; exit 3' sh {}
check_fails "backend that exits at once: the status" "exit(ed)?( with)?( status)? 3"
check_fails "backend that exits at once: its stderr is shown" "cannot mount: no luck"
cat >"$T_WORK/refuse.py" <<'EOF'
# A FUSE "filesystem" that answers FUSE_INIT with EPROTO, then waits.
import os, struct, sys, time
fd = int(sys.argv[1].rsplit("/", 1)[1])
msg = os.read(fd, 1 << 20)
unique = struct.unpack_from("<Q", msg, 8)[0]
os.write(fd, struct.pack("<IiQ", 16, -71, unique))
time.sleep(30)
EOF
gw_run_fail refuse -l "$S" -- python3 "$T_WORK/refuse.py" {}
check_fails "backend refuses INIT" "(INIT|init).*(Protocol error|EPROTO)"
for mode in garbage short; do
	gw_run_fail "bad-$mode" -l "$S" -- "$testfs_bin" "--bad=$mode:init" {}
	check_fails "testfs with a $mode INIT reply" "backend testfs.*(INIT|init)"
done
check_that "nothing left running" \
	'! pgrep -f "$T_WORK/refuse.py" >/dev/null && ! pgrep -f -- "--bad=(garbage|short):init" >/dev/null'

# --- command line
gw_run_fail msize -l "$S" --msize 4095 --export "$E"
check_eq "--msize 4095: usage error status" 2 "$GW_RC"
check_fails "--msize 4095" "--msize: invalid value '4095'"
gw_run_fail msize2 -l "$S" --msize lots --export "$E"
check_fails "--msize lots" "--msize: invalid value 'lots'"
gw_run_fail badl -l "udp:1.2.3.4:5" --export "$E"
check_fails "-l udp:..." "bad listener 'udp:1.2.3.4:5'"
gw_run_fail badtcp -l "tcp:nohostport" --export "$E"
check_fails "-l tcp: without a port" "tcp:nohostport"
gw_run_fail nobackend -l "$S"
check_fails "no backend" "no backend"
gw_run_fail nolisten --export "$E"
check_fails "no listener" "no listener"
gw_run_fail both -l "$S" --export "$E" -- "$testfs_bin" {}
check_fails "--export and a program" "either --export DIR or -- PROGRAM"
gw_run_fail badopt -l "$S" --frobnicate --export "$E"
check_fails "an unknown option" "unrecognized option|--help"
gw_run_fail seccomp -l "$S" --seccomp maybe --export "$E"
check_fails "--seccomp maybe" "--seccomp: unknown mode 'maybe'"
check "no unix socket left by the failed starts" [ ! -e "$T_WORK/s" ]
finish
