#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Inherited sockets: `-l fd:N` with one end of a socketpair (one
connection) and with a listening unix socket (accepted on), and systemd
socket activation (LISTEN_FDS/LISTEN_PID set for the exec'd gateway, two
sockets, with and without `-l systemd`); LISTEN_FDS meant for another
process and fd:N of a closed fd are start-up errors.

Usage: t_gw_fdlisten.py NINEGATE
"""

import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_gw_9p import (scratch_dir, Conn, Gateway, check, check_eq, finish,
                     not_ok, sanitizer_env)

exe = sys.argv[1]
work = scratch_dir("t_gw_fd.")
E = os.path.join(work, "export")
os.mkdir(E)
with open(os.path.join(E, "hello"), "w") as f:
    f.write("hello\n")


def cat_hello(c, what):
    try:
        c.version(65536)
        c.attach(0, "root", "", 0)
        c.walk(0, 1, ["hello"])
        c.lopen(1, 0)
        check_eq(what, b"hello\n", c.read(1, 0, 100))
        c.clunk(1)
        c.clunk(0)
    except Exception as e:  # noqa: BLE001
        not_ok(what, repr(e))


def high(sock, fd):
    """Move a socket to fd number fd, so that shell redirections to 3, 4
    cannot clobber it."""
    os.dup2(sock.fileno(), fd)
    os.set_inheritable(fd, True)
    return fd


# --- fd:N, a connected socketpair end
a, b = socket.socketpair()
fd = high(b, 40)
b.close()
gw = Gateway(exe, ["-l", "fd:%d" % fd], ["--export", E], workdir=work,
             pass_fds=(fd,))
os.close(fd)
cat_hello(Conn(sock=a), "fd:N with a socketpair end: 9P works")
a.close()
gw.stop()

# --- fd:N, a listening socket: accepted on, several times
lpath = os.path.join(work, "l.sock")
ls = socket.socket(socket.AF_UNIX)
ls.bind(lpath)
ls.listen(8)
fd = high(ls, 41)
ls.close()
gw = Gateway(exe, ["-l", "fd:%d" % fd], ["--export", E], workdir=work,
             pass_fds=(fd,))
os.close(fd)
check("fd:N listening socket: logged as a listener",
      "listening on fd:%d" % fd in gw.log(), gw.log())
for i in range(3):
    cat_hello(Conn("unix:" + lpath), "fd:N listening socket: connection %d"
              % (i + 1))
gw.stop()

# --- systemd: LISTEN_FDS=2 on fds 3 and 4, LISTEN_PID the gateway's own
p1 = os.path.join(work, "sd1.sock")
p2 = os.path.join(work, "sd2.sock")
socks = []
for p in (p1, p2):
    s = socket.socket(socket.AF_UNIX)
    s.bind(p)
    s.listen(8)
    socks.append(s)
f1, f2 = high(socks[0], 42), high(socks[1], 43)
for s in socks:
    s.close()
wrap = ["bash", "-c",
        'LISTEN_PID=$$ LISTEN_FDS=2 exec "$@" 3<&%d 4<&%d %d<&- %d<&-' %
        (f1, f2, f1, f2), "sh", exe]
for extra in (["-l", "systemd"], []):
    gw = Gateway(wrap[0], wrap[1:] + extra, ["--export", E], workdir=work,
                 pass_fds=(f1, f2))
    what = "systemd (%s)" % (" ".join(extra) or "no -l, LISTEN_FDS set")
    check(what + ": both sockets listened on",
          gw.log().count("listening on systemd") == 2, gw.log())
    cat_hello(Conn("unix:" + p1), what + ": first socket serves")
    cat_hello(Conn("unix:" + p2), what + ": second socket serves")
    gw.stop()

# --- LISTEN_PID of another process
env = sanitizer_env()
env.update(LISTEN_FDS="2", LISTEN_PID="1")
r = subprocess.run(["bash", "-c", 'exec "$@" 3<&%d 4<&%d' % (f1, f2), "sh",
                    exe, "-l", "systemd", "--export", E], env=env,
                   pass_fds=(f1, f2), capture_output=True, timeout=20)
check("LISTEN_PID of another process: exit != 0", 0 < r.returncode < 124,
      r.returncode)
check("... says LISTEN_FDS is not for it",
      b"LISTEN_FDS not set for this process" in r.stderr, r.stderr)
os.close(f1)
os.close(f2)

# --- fd:N that is not open
r = subprocess.run([exe, "-l", "fd:77", "--export", E], env=sanitizer_env(),
                   capture_output=True, timeout=20)
check("fd:77 not open: exit != 0", 0 < r.returncode < 124, r.returncode)
check("... says fd 77 is not open", b"fd 77 is not open" in r.stderr,
      r.stderr)
finish()
