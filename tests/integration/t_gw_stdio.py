#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`ninegate -l stdio`: 9P on the gateway's stdin/stdout, spoken by hand
(Tversion, Tattach, Twalk, Tlopen, Tread, Treaddir, Tclunk); nothing but
9P appears on stdout (the log stays on stderr); when stdin ends the gateway
shuts down by itself with exit 0 and its backend is gone.

Usage: t_gw_stdio.py NINEGATE
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_gw_9p import (scratch_dir, Conn, Gateway, PipeSock, check, check_eq,
                     children_of, finish, not_ok, pid_gone)

exe = sys.argv[1]
work = scratch_dir("t_gw_stdio.")
E = os.path.join(work, "export")
os.mkdir(E)
with open(os.path.join(E, "hello"), "w") as f:
    f.write("hello over stdio\n")
data = os.urandom(300000)
with open(os.path.join(E, "bin"), "wb") as f:
    f.write(data)

gw = Gateway(exe, ["-l", "stdio"], ["--export", E], workdir=work,
             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
kids = children_of(gw.pid)
check("the backend runs", len(kids) == 1, kids)
c = Conn(sock=PipeSock(gw.proc.stdout.fileno(), gw.proc.stdin.fileno()))
try:
    msize, ver = c.version(65536)
    check_eq("Rversion over stdio", ("9P2000.L", 65536), (ver, msize))
    q = c.attach(0, "root", "", 0)
    check("Rattach qid is a directory", q[0] & 0x80, q)
    qs = c.walk(0, 1, ["hello"])
    check_eq("Rwalk one qid", os.stat(os.path.join(E, "hello")).st_ino,
             qs[0][2])
    c.lopen(1, 0)
    check_eq("Rread", b"hello over stdio\n", c.read(1, 0, 4096))
    c.clunk(1)
    c.walk(0, 2, ["bin"])
    _, iounit = c.lopen(2, 0)
    got = b""
    while True:
        chunk = c.read(2, len(got), iounit)
        if not chunk:
            break
        got += chunk
    check("300 KB read over stdio byte-exact", got == data, len(got))
    c.clunk(2)
    c.walk(0, 3, [])
    c.lopen(3, 0o200000)
    check_eq("Treaddir", sorted([".", "..", "bin", "hello"]),
             sorted(c.readdir_all(3)))
    c.clunk(3)
    c.clunk(0)
    check("no stray bytes on stdout after the replies", c.buf == b"")
except Exception as e:  # noqa: BLE001
    not_ok("9P over stdio", "%r\n%s" % (e, gw.log()))

gw.proc.stdin.close()
try:
    rc = gw.proc.wait(30)
except subprocess.TimeoutExpired:
    rc = None
check_eq("stdin closed: ninegate exits 0 by itself", 0, rc)
check("the log says why", "shutting down" in gw.log(), gw.log())
check("the backend is gone", all(pid_gone(k) for k in kids), kids)
gw.stop(expect_rc=0)
finish()
