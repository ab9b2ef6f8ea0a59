#!/bin/bash
# SPDX-License-Identifier: MIT
# The VM permission test: users, owners and permissions through the Linux
# kernel's 9p client (access=user) against ninegate run as root. It makes
# an export directory with files of several users and modes, starts
# ninegate on a free loopback port, boots the guest with guest-perm.sh (and
# the static asuser program it switches users with), then checks on the
# host the owners, modes and times the guest asked for ("VMTEST HOSTCHECK"
# lines) and stops ninegate with SIGTERM, which must exit 0.
#
# ninegate's built-in backend takes supplementary groups from the host's
# user database, so this script re-runs itself in a private mount namespace
# (unshare -m) with its own /etc/passwd and /etc/group bind-mounted there,
# as tests/integration/t_perm.py does: alice 2001, bob 2002, carol 2003;
# staff 2100 has alice and bob, proj 2101 has carol. The host's files are
# not touched.
#
# Backends:
#   export  `ninegate --export DIR` (default): every rule must hold.
#   sshfs   `ninegate -- sshfs -f -o ssh_command=WRAPPER localhost:DIR {}`,
#           WRAPPER exec'ing the local sftp-server as root: the guest skips,
#           with the reason and sshfs's result, what depends on the backend.
# Not root, no unshare, no ninegate (or no sshfs/sftp-server for sshfs): exit
# 77 with the reason. It tests nothing but permissions and owners.
#
# usage: vm-perm.sh --ninegate EXE [--backend export|sshfs] [--name NAME]
#                   [--logdir DIR] [--cache DIR] [--timeout SEC] [-q]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ninegate='' backend=export name=vm-perm logdir='' timeout=300 quiet=''
cache=${NINEGATE_VM_CACHE:-${NINEGATE_VM_DEFAULT_CACHE:-${HOME:-/tmp}/.cache/ninegate-vm}}
orig_args=("$@")
while [ $# -gt 0 ]; do
	case "$1" in
	--ninegate) ninegate=$2; shift 2 ;;
	--backend) backend=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--logdir) logdir=$2; shift 2 ;;
	--cache) cache=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	-q) quiet=-q; shift ;;
	*) echo "vm-perm: unknown argument $1" >&2; exit 2 ;;
	esac
done

if [ -z "$ninegate" ] || [ ! -x "$ninegate" ]; then
	echo "vm-perm: SKIP: ninegate is not built (no gateway executable${ninegate:+ at $ninegate})"
	exit 77
fi
if [ "$(id -u)" != 0 ]; then
	echo "vm-perm: SKIP: needs root (ninegate acting as each user, bind mounts over /etc)"
	exit 77
fi
for tool in unshare mount gcc; do
	command -v "$tool" >/dev/null || { echo "vm-perm: SKIP: $tool not found"; exit 77; }
done
sftp_server=
case "$backend" in
export) ;;
sshfs)
	command -v sshfs >/dev/null || { echo "vm-perm: SKIP: sshfs not installed (Debian: sshfs)"; exit 77; }
	for p in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server \
		/usr/lib/ssh/sftp-server /usr/libexec/sftp-server; do
		[ -x "$p" ] && sftp_server=$p && break
	done
	[ -n "$sftp_server" ] ||
		{ echo "vm-perm: SKIP: no sftp-server found (Debian: openssh-sftp-server)"; exit 77; } ;;
*) echo "vm-perm: --backend export|sshfs" >&2; exit 2 ;;
esac

# a private mount namespace for our own user database
if [ "${VM_PERM_NS:-}" != 1 ]; then
	VM_PERM_NS=1 exec unshare -m --propagation private bash "$0" "${orig_args[@]}"
fi

bash "$here/prepare.sh" -q "$cache" || { echo "vm-perm: FAILURE: prepare.sh failed"; exit 1; }
cache=$(cd "$cache" && pwd)
vmtool=$cache/vmtool

work=$(mktemp -d "${TMPDIR:-/tmp}/ninegate-vmperm.XXXXXX")
chmod 755 "$work" # the users ninegate acts as must reach the export
logdir=${logdir:-$work}
mkdir -p "$logdir"
console=$logdir/$name.console.log
srvlog=$logdir/$name.server.log
spid='' status=1
cleanup() {
	if [ -n "$spid" ] && kill -0 "$spid" 2>/dev/null; then
		kill "$spid" 2>/dev/null || true
		wait "$spid" 2>/dev/null || true
	fi
	if [ "$logdir" != "$work" ] || [ "$status" = 0 ]; then
		rm -rf "$work"
	else
		rm -rf "$work/export"
	fi
}
trap cleanup EXIT

cat >"$work/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
alice:x:2001:2001::/nonexistent:/bin/sh
bob:x:2002:2002::/nonexistent:/bin/sh
carol:x:2003:2003::/nonexistent:/bin/sh
EOF
cat >"$work/group" <<'EOF'
root:x:0:
nogroup:x:65534:
alice:x:2001:
bob:x:2002:
carol:x:2003:
staff:x:2100:alice,bob
proj:x:2101:carol
EOF
chmod 644 "$work/passwd" "$work/group"
for f in passwd group; do
	mount --bind "$work/$f" "/etc/$f" ||
		{ echo "vm-perm: SKIP: cannot bind-mount /etc/$f here"; exit 77; }
done

gcc -static -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-o "$work/asuser" "$here/asuser.c" ||
	{ echo "vm-perm: FAILURE: cannot build asuser statically (libc6-dev has libc.a)"; exit 1; }

# ---- export directory: what guest-perm.sh expects to find ----
E=$work/export
mk() { # mk d|f PATH MODE UID GID [CONTENT]
	if [ "$1" = d ]; then mkdir "$E/$2"; else printf '%s\n' "${6:-data}" >"$E/$2"; fi
	chown "$4:$5" "$E/$2"
	chmod "$3" "$E/$2"
}
mkdir "$E"
chmod 755 "$E"
mk d pub 1777 0 0
mk d names 1777 0 0
mk f staff_rw 660 0 2100 staff
mk f other_only 604 0 2100
mk f alice_only 600 2001 2001 secret
mk d a_home 700 2001 2001
mk f a_home/inside 644 2001 2001
mk d a_ro 755 2001 2001
mk d a_work 755 2001 2001
mk d staff_dir 770 0 2100
mk d shared 2777 0 2100
mk d staff_sgid 2770 0 2100
mk f suid_w 6777 2001 2100
mk f suid_t 4777 2001 2001
mk f suid_r 4777 2001 2001
mk f suid_o 4755 2001 2001
mk f mine 6755 2001 2001
mk f t_rw 666 2001 2001
mk f t_ro 644 2001 2001

# ---- ninegate ----
port=$("$vmtool" freeport)
if [ "$backend" = sshfs ]; then
	printf '#!/bin/sh\n# ignores the ssh arguments sshfs passes\nexec %s\n' \
		"$sftp_server" >"$work/ssh-wrapper"
	chmod 755 "$work/ssh-wrapper"
	"$ninegate" -l "tcp:127.0.0.1:$port" -- sshfs -f -o "ssh_command=$work/ssh-wrapper" \
		"localhost:$E" {} >"$srvlog" 2>&1 &
	spid=$!
	server='ninegate-sshfs'
else
	"$ninegate" -l "tcp:127.0.0.1:$port" --export "$E" >"$srvlog" 2>&1 &
	spid=$!
	server=ninegate
fi
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
	echo "vm-perm: FAILURE: ninegate did not listen on 127.0.0.1:$port"
	tail -n 20 "$srvlog" 2>/dev/null | sed 's/^/  server| /'
	exit 1
fi
echo "# $name: ninegate ($backend) on 127.0.0.1:$port, export $E"

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
if [ "$backend" = export ]; then
	# the backend must say it acts as each caller, with the users' groups
	for _ in $(seq 1 50); do
		grep -q "each request acts as its caller" "$srvlog" && break
		sleep 0.1
	done
	grep -q "each request acts as its caller" "$srvlog" && r=0 || r=1
	hostcheck "ninegate acts as each caller" "$r" "$(tail -n 3 "$srvlog")"
	grep -q "groups of 5 known users" "$srvlog" && r=0 || r=1
	hostcheck "ninegate read the groups of the 5 users" "$r" "$(tail -n 3 "$srvlog")"
fi

vmst=0
bash "$here/run-vm.sh" $quiet --cache "$cache" --timeout "$timeout" \
	--log "$console" --port "$port" --script "$here/guest-perm.sh" \
	--file "$work/asuser" \
	--set "trans=tcp,version=9p2000.L,msize=131072,cache=none,access=user" \
	--env VMTEST_SERVER="$server" || vmst=1

# ---- the host's view of what the guest did ----
while read -r _ _ kind path want; do
	f=$E/$path
	case "$kind" in
	owner) got=$(stat -c %u:%g "$f" 2>&1 || true) ;;
	mode) got=$(stat -c %a "$f" 2>&1 || true) ;;
	mtime) got=$(stat -c %Y "$f" 2>&1 || true) ;;
	*) hostcheck "unknown check '$kind'" 1 "from the guest"; continue ;;
	esac
	[ "$got" = "$want" ] && r=0 || r=1
	hostcheck "$path $kind $want" "$r" "got '$got'"
done < <(grep -a '^VMTEST HOSTCHECK ' "$console" 2>/dev/null || true)
echo "# host checks: $hc_pass passed, $hc_fail failed"

status=$vmst
[ $hc_fail = 0 ] || status=1
if [ $status = 0 ] && ! grep -aq '^VMTEST HOSTCHECK ' "$console"; then
	echo "vm-perm: FAILURE: no host checks came from the guest"
	status=1
fi

if ! kill -0 "$spid" 2>/dev/null; then
	wait "$spid" && st=0 || st=$?
	echo "vm-perm: FAILURE: ninegate exited during the test (status $st)"
	tail -n 20 "$srvlog" | sed 's/^/  server| /'
	status=1
else
	kill -TERM "$spid"
	wait "$spid" && st=0 || st=$?
	if [ "$st" = 0 ]; then
		echo "ok - host: ninegate exits 0 on SIGTERM"
	else
		echo "not ok - host: ninegate exits 0 on SIGTERM (status $st)"
		tail -n 20 "$srvlog" | sed 's/^/  server| /'
		status=1
	fi
fi
spid=''
if [ $status != 0 ]; then
	echo "# console log: $console"
	echo "# server log: $srvlog"
fi
exit $status
