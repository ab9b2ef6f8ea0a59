#!/bin/sh
# SPDX-License-Identifier: MIT
# The VM flush test's workload (busybox sh in the guest, run by
# vm-test.sh --server ninegate-testfs): a process reading a file whose FUSE
# READ blocks in the backend (testfs, file "slow") is killed with SIGKILL.
# The kernel client then sends Tflush and keeps the dying process until the
# Rflush comes; ninegate answers it when the backend's READ has ended.
#
#   VMTEST_INTERRUPTS=honour  testfs blocks the READ until FUSE_INTERRUPT
#       and answers EINTR: the killed process must be gone within a few
#       seconds (one reader, then two at once), the mount keeps working.
#       The host checks that testfs got an INTERRUPT for each READ and
#       ended each with EINTR.
#   VMTEST_INTERRUPTS=enosys  testfs answers every FUSE_INTERRUPT with
#       ENOSYS and finishes the READ after 3 s: the killed process lives
#       until the op completes (>= 2.9 s after its start, <= 5 s after
#       the kill), a second kill gets no INTERRUPT at all (ninegate
#       stopped sending them), an unkilled read of "slow" returns its
#       content after 3 s.
#
# The readers are `dd bs=9` (one read(2) of exactly the file's 9 bytes),
# not cat: when a flushed READ completed anyway, ninegate sends its Rread
# before the Rflush, the client then counts those bytes as read and its
# read loop goes on with the next Tread (at EOF here: another 3 s READ)
# until the read(2) count is met or a Tread returns 0; busybox cat's
# sendfile loops the same way. With a 9-byte read(2) the first Tread
# ends it, and the process dies right after the op completes.
#
# A backend without interrupts is played by testfs, not sshfs: sshfs
# cannot be made to block one READ on demand, and it does not refuse
# interrupts either: its libfuse takes FUSE_INTERRUPT in and sshfs ignores
# it (no ENOSYS, no reply at all; seen with ninegate --debug on an OPEN
# of a FIFO that sftp-server held: INTERRUPT sent, the OPEN completed when
# a writer came, then Rlopen and Rflush). For the client both are "the op
# finishes in its own time"; --interrupts=enosys also checks that ninegate
# stops sending interrupts after an ENOSYS.
#
# Prints TAP-like lines and "VMTEST RESULT pass P fail F skip S" like
# guest-tests.sh; "VMTEST HOSTCHECK fuse-interrupt MODE KILLS" (at the end,
# KILLS over all sets) asks the host to check testfs's log and report.
#
# Mount with cache=none: with cache=loose the 6.1 client reads the page a
# second time after the flushed READ (readahead, then readpage), within the
# dying process and with the pending SIGKILL hidden from its wait, and
# never flushes that Tread: a READ that blocks until interrupted never
# ends (seen: Tread, Tflush, Rflush, the same Tread again, no Tflush).
# It does not test data paths (that is guest-tests.sh).

n=0 pass=0 fail=0 skip=0 kills=0
mode=${VMTEST_INTERRUPTS:-honour}

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
# ge A B: A >= B as decimals
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }

t() { # t DESC CMD... : passes when CMD exits 0; its output shown on failure
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >/tmp/t.out 2>&1; then
		echo "ok $n - $desc"
		grep '^# ' /tmp/t.out
		pass=$((pass + 1))
	else
		echo "not ok $n - $desc"
		head -n 20 /tmp/t.out | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
}
eq() { # eq GOT WANT [what]
	[ "$1" = "$2" ] && return 0
	echo "${3:-value}: expected '$2', got '$1'"
	return 1
}

state() { # one-letter state of PID, "gone" when reaped or a zombie
	s=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)
	case "$s" in
	'' | Z | X) echo gone ;;
	*) echo "$s" ;;
	esac
}
# blocked PID: waits (10 s at most) until PID sleeps in a read system call
# on the 9P mount: state D (the client's killable wait for a reply) and the
# syscall read (or pread64, readv, sendfile, for other readers), seen
# twice in a row, so the short RPCs of open/walk do not count
blocked() {
	seen=0 i=0
	while [ $i -lt 200 ]; do
		nr=$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)
		case "$(state "$1"):$nr" in
		D:0 | D:17 | D:19 | D:40 | D:295)
			seen=$((seen + 1))
			if [ $seen -ge 2 ]; then
				echo "# reader $1 blocked: syscall $nr, wchan $(cat "/proc/$1/wchan" 2>/dev/null)"
				return 0
			fi ;;
		gone:*)
			echo "reader $1 ended before it blocked"
			return 1 ;;
		*) seen=0 ;;
		esac
		sleep 0.05
		i=$((i + 1))
	done
	echo "reader $1 never blocked in read:"
	diag "$1"
	return 1
}
diag() { # where PID is
	echo "  state $(state "$1"), syscall $(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)," \
		"wchan $(cat "/proc/$1/wchan" 2>/dev/null)"
	sed 's/^/  /' "/proc/$1/stack" 2>/dev/null
}
gone_within() { # gone_within PID SECS: prints the seconds it took
	g0=$(now)
	while [ "$(state "$1")" != gone ]; do
		if ge "$(since "$g0")" "$2"; then
			echo "reader $1 still there after $2 s:" >&2
			diag "$1" >&2
			return 1
		fi
		sleep 0.02
	done
	since "$g0"
}

# kill_readers N MIN MAX: N readers of /mnt/slow, all killed with SIGKILL
# once blocked; each must be gone no sooner than MIN seconds after it
# started (the READ takes 3 s from a bit after the start: a lower bound
# that does not depend on how fast the guest saw it block) and no later
# than MAX seconds after the kill, and exit by SIGKILL (status 137). A
# reader that does not die is left behind (never waited for: it may never
# end).
# shellcheck disable=SC2086 # $pids: a list of pids, split on purpose
kill_readers() {
	pids=
	j=0
	r0=$(now)
	while [ $j -lt "$1" ]; do
		dd if=/mnt/slow of=/tmp/slow.out.$j bs=9 2>/dev/null &
		pids="$pids $!"
		j=$((j + 1))
	done
	for p in $pids; do
		blocked "$p" || { kill -9 $pids 2>/dev/null; return 1; }
	done
	echo "# readers blocked $(since "$r0") s after the start"
	kill -9 $pids
	for p in $pids; do
		took=$(gone_within "$p" "$3") || return 1
		life=$(since "$r0")
		echo "# reader $p gone ${took} s after SIGKILL, ${life} s after the start"
		ge "$life" "$2" ||
			{ echo "reader $p gone $life s after the start, expected >= $2 s"; return 1; }
		wait "$p"
		eq $? 137 "exit status of reader $p" || return 1
	done
}

c_other() { eq "$(cat /mnt/other)" "other file" other; }
c_works() { # the mount after the flush: read, list, stat, create, remove
	eq "$(cat /mnt/other)" "other file" other &&
		eq "$(cat /mnt/hello)" hello hello &&
		ls /mnt >/tmp/ls.out && grep -qx slow /tmp/ls.out && grep -qx other /tmp/ls.out &&
		eq "$(stat -c %s /mnt/slow)" 9 "size of slow" &&
		echo written >/mnt/new && eq "$(cat /mnt/new)" written new &&
		rm /mnt/new && [ ! -e /mnt/new ]
}
c_slow_whole() { # enosys: an unkilled read waits the 3 s and gets the data
	r0=$(now)
	got=$(dd if=/mnt/slow bs=9 count=1 2>/dev/null) || return 1
	took=$(since "$r0")
	echo "# unkilled read of slow took $took s"
	eq "$got" "slow file" slow || return 1
	if ! ge "$took" 2.9; then
		echo "read of slow took $took s, expected >= 2.9 s"
		return 1
	fi
}
c_umount() { umount /mnt && ! grep -q ' /mnt ' /proc/mounts; }

run_set() {
	set=$1
	echo "# ---- $set (testfs, interrupts $mode)"
	t "mount ($set)" vmtest-mount "$set" /mnt
	if ! grep -q ' /mnt 9p ' /proc/mounts; then
		echo "# mount failed: the rest of this set is not run"
		return
	fi
	t "read a file that does not block" c_other
	if [ "$mode" = honour ]; then
		t "SIGKILLed reader blocked in READ is gone within 3 s" kill_readers 1 0 3
		t "the mount works after the flush" c_works
		t "two SIGKILLed readers at once are gone within 3 s" kill_readers 2 0 3
		t "the mount works after two flushes" c_works
		kills=$((kills + 3))
	else
		t "SIGKILLed reader lives until the 3 s READ completes" kill_readers 1 2.9 5
		t "the mount works after the flush" c_works
		t "a second SIGKILLed reader also waits for its READ" kill_readers 1 2.9 5
		t "an unkilled read of the slow file completes" c_slow_whole
		t "the mount works after two flushes" c_works
		kills=$((kills + 2))
	fi
	t "umount" c_umount
}

mkdir -p /mnt
IFS=';'
for s in $VMTEST_SETS; do
	unset IFS
	run_set "$s"
	grep -q ' /mnt ' /proc/mounts && umount -l /mnt
	IFS=';'
done
unset IFS
# one backend session for all sets: the host counts over all of them
echo "VMTEST HOSTCHECK fuse-interrupt $mode $kills"
echo "VMTEST RESULT pass $pass fail $fail skip $skip"
