#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The backend dies under the gateway (kill -9) with a request in it:
testfs holding a READ, and ninegate-passthrough in the middle of a stream
of 1 MiB reads. The pending request is answered with EIO, every later
request (on the same connection, and on a new one, attach included) gets
EIO, the gateway keeps running and accepting, it logs the death once, and
SIGTERM still ends it with exit 0.

Usage: t_gw_crash.py NINEGATE TESTFS
"""

import errno
import os
import signal
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_gw_9p import (scratch_dir, Conn, Gateway, P9Error, check, check_eq,
                     finish, frame, not_ok, pid_gone, RLERROR, TREAD)

exe, testfs = sys.argv[1], sys.argv[2]
work = scratch_dir("t_gw_crash.")


def expect_eio(what, fn, *args):
    try:
        fn(*args)
        not_ok(what + ": EIO", "succeeded")
    except P9Error as e:
        check_eq(what + ": EIO", errno.EIO, e.errno)
    except Exception as e:  # noqa: BLE001
        not_ok(what + ": EIO", repr(e))


def after_death(gw, c, name):
    """What every later request must see, and the log."""
    expect_eio("%s: a later Twalk on the same connection" % name, c.walk,
               0, 5, ["dir"])
    # (Tgetattr may still be answered from attributes the gateway holds)
    expect_eio("%s: a later Tlopen of the root" % name, c.lopen, 0,
               0o200000)
    expect_eio("%s: another Tread" % name, c.read, 1, 0, 10)
    n = Conn(gw_addr)
    try:
        n.version(65536)
        check("%s: a new connection is still accepted" % name, True)
        expect_eio("%s: Tattach on a new connection" % name, n.attach, 0)
    except Exception as e:  # noqa: BLE001
        not_ok("%s: a new connection is still accepted" % name, repr(e))
    n.close()
    check("%s: ninegate still runs" % name, gw.alive())
    time.sleep(0.2)
    lines = [ln for ln in gw.log().splitlines()
             if "every request now fails with EIO" in ln]
    check_eq("%s: the death is logged once" % name, 1, len(lines))
    if lines:
        print("# " + lines[0])


# --- testfs holding a READ for 20 s when it is killed
gw_addr = "unix:" + os.path.join(work, "t.sock")
gw = Gateway(exe, ["-l", gw_addr], ["--", testfs, "--block=hello:read:20000",
                                    "{}"], workdir=work)
bpid = gw.backend_pid
check("testfs runs", bpid is not None)
c = Conn(gw_addr)
c.version(65536)
c.attach(0)
c.walk(0, 1, ["hello"])
c.lopen(1, 0)
c.send(frame(TREAD, 77, struct.pack("<IQI", 1, 0, 100)))
time.sleep(0.3)
t0 = time.monotonic()
os.kill(bpid, signal.SIGKILL)
r = c.recv_frame()
check("testfs: the pending Tread is answered at once (%.1f s)" %
      (time.monotonic() - t0), r is not None and
      time.monotonic() - t0 < 5)
check_eq("testfs: ... with Rlerror EIO on its tag", (RLERROR, 77, errno.EIO),
         r and (r[0], r[1], struct.unpack("<I", r[2][:4])[0]))
check("testfs: the backend is reaped", pid_gone(bpid))
after_death(gw, c, "testfs")
c.close()
gw.stop()

# --- ninegate-passthrough killed in a stream of 1 MiB reads
E = os.path.join(work, "export")
os.mkdir(E)
with open(os.path.join(E, "big"), "wb") as f:
    f.write(os.urandom(8 << 20))
os.mkdir(os.path.join(E, "dir"))
gw_addr = "unix:" + os.path.join(work, "p.sock")
gw = Gateway(exe, ["-l", gw_addr], ["--export", E], workdir=work)
bpid = gw.backend_pid
c = Conn(gw_addr)
msize = c.version(1 << 20)[0]
c.attach(0)
c.walk(0, 1, ["big"])
_, iounit = c.lopen(1, 0)
count = iounit or msize - 24
window = 16
for i in range(window):
    c.send(frame(TREAD, i, struct.pack("<IQI", 1, (i % 7) * count, count)))
os.kill(bpid, signal.SIGKILL)
outcome = {"ok": 0, "eio": 0, "other": 0}
for i in range(window):
    r = c.recv_frame()
    if r is None:
        outcome["other"] += 1
        break
    if r[0] == TREAD + 1:
        outcome["ok"] += 1
    elif r[0] == RLERROR and struct.unpack("<I", r[2][:4])[0] == errno.EIO:
        outcome["eio"] += 1
    else:
        outcome["other"] += 1
print("# 16 Treads in flight at the kill: %r" % outcome)
check("passthrough: every Tread in flight is answered (data or EIO)",
      outcome["ok"] + outcome["eio"] == window, outcome)
check("passthrough: the backend is reaped", pid_gone(bpid))
after_death(gw, c, "passthrough")
c.close()
finish(gw)
