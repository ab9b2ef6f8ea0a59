#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Backpressure: a client at msize 1 MiB sends 1 MiB Treads as fast as the
socket takes them and never reads a reply. ninegate must stop reading it:
its VmRSS (/proc/PID/status) stays bounded, well under 64 MiB above where
it started with the default --output-bound of 4 MiB, while other clients
are still served; when the greedy client finally reads, every reply it
gets is whole and in order of its tags' requests being answered, and
when it goes away the memory is given back to the pool.

Usage: t_gw_backpressure.py NINEGATE
"""

import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_gw_9p import (scratch_dir, Conn, Gateway, check, check_eq, finish,
                     frame, not_ok, vmrss_kib, TREAD)

exe = sys.argv[1]
work = scratch_dir("t_gw_bp.")
E = os.path.join(work, "export")
os.mkdir(E)
data = os.urandom(8 << 20)
with open(os.path.join(E, "big"), "wb") as f:
    f.write(data)
with open(os.path.join(E, "hello"), "w") as f:
    f.write("hello\n")
addr = "unix:" + os.path.join(work, "s")
# ASan keeps freed memory in quarantine (256 MiB by default), which would
# read as growth here; a small quarantine keeps RSS about live memory.
env = dict(os.environ)
if "quarantine_size_mb" not in env.get("ASAN_OPTIONS", ""):
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                           ":quarantine_size_mb=4").lstrip(":")
gw = Gateway(exe, ["-l", addr], ["--export", E], workdir=work, env=env)


def served(what):
    try:
        c = Conn(addr, timeout=10)
        c.version(65536)
        c.attach(0)
        c.walk(0, 1, ["hello"])
        c.lopen(1, 0)
        got = c.read(1, 0, 100)
        c.close()
        return check_eq(what, b"hello\n", got)
    except Exception as e:  # noqa: BLE001
        return not_ok(what, repr(e))


served("before: a client is served")
base = vmrss_kib(gw.pid)
print("# ninegate VmRSS at start: %d KiB" % base)

greedy = Conn(addr)
msize = greedy.version(1 << 20)[0]
greedy.attach(0)
greedy.walk(0, 1, ["big"])
_, iounit = greedy.lopen(1, 0)
count = min(iounit or msize - 24, 1 << 20)
print("# msize %d, reading %d bytes per Tread" % (msize, count))

greedy.sock.setblocking(False)
sent = 0
pending = b""
peak = base
deadline = time.monotonic() + 8
last_progress = time.monotonic()
while time.monotonic() < deadline:
    if not pending:
        tag = sent % 60000
        off = (sent % 7) * count     # whole reads inside the 8 MiB
        pending = frame(TREAD, tag, struct.pack("<IQI", 1, off, count))
    try:
        n = greedy.sock.send(pending)
        pending = pending[n:]
        if not pending:
            sent += 1
            last_progress = time.monotonic()
    except BlockingIOError:
        time.sleep(0.01)
        if time.monotonic() - last_progress > 2:
            break           # the gateway stopped reading us for 2 s
    peak = max(peak, vmrss_kib(gw.pid))
for _ in range(20):         # let anything in flight land
    peak = max(peak, vmrss_kib(gw.pid))
    time.sleep(0.05)
print("# sent %d Treads; VmRSS peak %d KiB (+%d KiB)" %
      (sent, peak, peak - base))
check("the gateway stopped reading the greedy client (%d Treads sent)" %
      sent, sent < 2000, sent)
check("VmRSS growth stayed under 48 MiB (peak +%d KiB)" % (peak - base),
      peak - base < 48 * 1024)
check("VmRSS well under 64 MiB above the start", peak - base < 64 * 1024)
served("during the flood: another client is served")
peak = max(peak, vmrss_kib(gw.pid))

# Now read everything: every reply whole, one per request
greedy.sock.setblocking(True)
greedy.sock.settimeout(30)
good = 0
try:
    for i in range(sent):
        r = greedy.recv_frame()
        if r is None:
            break
        typ, tag, body = r
        if typ == TREAD + 1 and struct.unpack("<I", body[:4])[0] == count:
            good += 1
        else:
            print("# reply %d: type %d tag %d body %r" % (i, typ, tag,
                                                          body[:16]))
except (OSError, ValueError) as e:
    print("# reading the replies: %r" % e)
check_eq("every whole Tread got a whole Rread of %d bytes" % count, sent,
         good)
greedy.close()
time.sleep(0.2)
served("after: a client is served")
check("ninegate still runs", gw.alive())
finish(gw)
