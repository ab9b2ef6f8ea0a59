#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The limits and their errors: --msize caps Rversion's msize (and a
smaller client msize is kept), --max-connections refuses the connection
past the limit (closed at once, the log says the limit) and takes a new
one when a slot is free, --max-fids refuses the fid past the limit on that
connection only and frees it again on clunk.

Usage: t_gw_limits.py NINEGATE
"""

import errno
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_gw_9p import (scratch_dir, Conn, Gateway, P9Error, check, check_eq,
                     finish, not_ok)

exe = sys.argv[1]
work = scratch_dir("t_gw_limits.")
E = os.path.join(work, "export")
os.mkdir(E)
with open(os.path.join(E, "hello"), "w") as f:
    f.write("hello\n")
addr = "unix:" + os.path.join(work, "s")

# --- msize
gw = Gateway(exe, ["-l", addr, "--msize", "8192"], ["--export", E],
             workdir=work)
c = Conn(addr)
check_eq("--msize 8192: a client asking 1 MiB gets 8192", 8192,
         c.version(1 << 20)[0])
c.attach()
c.walk(0, 1, ["hello"])
_, iounit = c.lopen(1, 0)
check("iounit fits in msize 8192", 0 < iounit <= 8192 - 24, iounit)
check_eq("a read of 1 MiB is cut to fit", b"hello\n", c.read(1, 0, 1 << 20))
c.close()
c = Conn(addr)
check_eq("--msize 8192: a client asking 5000 keeps 5000", 5000,
         c.version(5000)[0])
c.close()
c = Conn(addr)
try:
    m, v = c.version(100)
    check("a client msize of 100 is refused or raised", m >= 100 and
          v in ("9P2000.L", "unknown"), (m, v))
except (P9Error, ConnectionError) as e:
    check("a client msize of 100 is refused", True, e)
c.close()
gw.stop()

gw = Gateway(exe, ["-l", addr], ["--export", E], workdir=work)
c = Conn(addr)
m = c.version(16 << 20)[0]
check("default msize: at most 1 MiB for a client asking 16 MiB",
      4096 <= m <= 1 << 20, m)
c.close()
gw.stop()

# --- max-connections
gw = Gateway(exe, ["-l", addr, "--max-connections", "2"], ["--export", E],
             workdir=work)
c1, c2 = Conn(addr), Conn(addr)
for c in (c1, c2):
    c.version()
    c.attach()
check("two connections at --max-connections 2 are served", True)
c3 = Conn(addr)
try:
    c3.send(b"\x13\x00\x00\x00\x64\xff\xff\x00\x00\x01\x00\x08\x009P2000.L")
except OSError:
    pass
check("the third is closed without an answer", c3.closed_by_peer(10))
check("the log says the limit", gw.wait_log("limit 2", 5) and
      "--max-connections" in gw.log(), gw.log())
check_eq("the first two still work", [b"hello\n"] * 2,
         [(c.walk(0, 1, ["hello"]), c.lopen(1, 0), c.read(1, 0, 99))[2]
          for c in (c1, c2)])
c1.close()
ok4 = False
for _ in range(50):        # the slot frees once the gateway saw the close
    c4 = Conn(addr)
    try:
        c4.version()
        ok4 = True
        break
    except (ConnectionError, OSError):
        c4.close()
        gw.wait_log("never", 0.05)
check("after one closes, a new connection is served", ok4)
c2.close()
gw.stop()

# --- max-fids
gw = Gateway(exe, ["-l", addr, "--max-fids", "8"], ["--export", E],
             workdir=work)
c = Conn(addr)
c.version()
c.attach(0)
got = 1
err = None
try:
    for fid in range(1, 20):
        c.walk(0, fid, [])
        got += 1
except P9Error as e:
    err = e
check_eq("--max-fids 8: 8 fids, then an error", 8, got)
check("the error is an errno (EMFILE/ENFILE/ENOSPC...)",
      err is not None and err.errno in (errno.EMFILE, errno.ENFILE,
                                        errno.ENOSPC, errno.EBUSY,
                                        errno.ENOMEM), err)
other = Conn(addr)
other.version()
other.attach(0)
try:
    other.walk(0, 1, [])
    check("another connection has its own fids", True)
except P9Error as e:
    not_ok("another connection has its own fids", e)
c.clunk(3)
try:
    c.walk(0, 100, ["hello"])
    check("a clunk frees a fid slot", True)
except P9Error as e:
    not_ok("a clunk frees a fid slot", e)
check("ninegate still runs", gw.alive())
c.close()
other.close()
finish(gw)
