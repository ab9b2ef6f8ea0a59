#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Malformed 9P over a unix socket, raw bytes from here: a size field
above msize, below 7, or zero closes that connection; an intact frame
whose body is wrong (truncated walk names, a string running past the
frame, a byte too many) gets Rlerror EINVAL on its tag and the connection
goes on; a tag reused while its request is in flight (a READ testfs
delays) closes the connection; unknown or reply types get an error reply;
a frame split into single bytes still works; and through all of it
another client keeps being served and ninegate never crashes.

Usage: t_gw_malformed.py NINEGATE TESTFS
"""

import errno
import os
import random
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_gw_9p import (scratch_dir, Conn, Gateway, check, check_eq, finish,
                     frame, not_ok, s, RLERROR, TATTACH, TCLUNK, TREAD,
                     TVERSION, TWALK, NOFID)

exe, testfs = sys.argv[1], sys.argv[2]
work = scratch_dir("t_gw_bad.")
addr = "unix:" + os.path.join(work, "s")
gw = Gateway(exe, ["-l", addr, "--msize", "65536"],
             ["--", testfs, "--block=hello:read:1500", "{}"], workdir=work)

witness = Conn(addr)
witness.version(65536)
witness.attach(0)


def witness_ok(what):
    """The well-behaved client is still served."""
    try:
        witness.walk(0, 1, ["dir", "inner"])
        witness.clunk(1)
        check("%s: another client is still served" % what, True)
    except Exception as e:  # noqa: BLE001
        not_ok("%s: another client is still served" % what, repr(e))


def session(msize=65536):
    c = Conn(addr)
    c.version(msize)
    c.attach(0)
    return c


def reply_to(c, tag):
    r = c.recv_frame()
    if r is None:
        return None
    check_eq("reply carries tag %d" % tag, tag, r[1])
    return r


def expect_closed(what, data, handshake=True):
    c = session() if handshake else Conn(addr)
    try:
        c.send(data)
    except OSError:
        pass
    check(what + ": connection closed", c.closed_by_peer(10))
    c.close()
    witness_ok(what)


def expect_einval(what, c, tag, data):
    c.send(data)
    r = reply_to(c, tag)
    if r is None:
        not_ok(what + ": Rlerror EINVAL", "connection closed")
        return False
    typ, _, body = r
    code = struct.unpack("<I", body[:4])[0] if len(body) >= 4 else None
    return check_eq(what + ": Rlerror EINVAL", (RLERROR, errno.EINVAL),
                    (typ, code))


# --- bad size fields
expect_closed("size 1 MiB above msize 64 KiB",
              struct.pack("<IBH", 1 << 20, TREAD, 1) + b"\0" * 64)
expect_closed("size 65537, msize + 1",
              struct.pack("<IBH", 65537, TREAD, 1) + b"\0" * 64)
expect_closed("size 0xffffffff", b"\xff\xff\xff\xff" + b"\0" * 16)
for n in (0, 4, 6):
    expect_closed("size %d (below 7)" % n,
                  struct.pack("<I", n) + b"\x76\x01\x00" + b"\0" * 16)
expect_closed("size above the default msize before Tversion",
              struct.pack("<IBH", 16 << 20, TVERSION, 0xFFFF) + b"\0" * 64,
              handshake=False)

# --- intact frames with bad bodies: Rlerror EINVAL, the connection lives
c = session()
expect_einval("Twalk nwname 2 with one name", c, 7,
              frame(TWALK, 7, struct.pack("<IIH", 0, 1, 2) + s("dir")))
expect_einval("Twalk name length past the frame", c, 8,
              frame(TWALK, 8, struct.pack("<IIHH", 0, 1, 1, 300) + b"dir"))
expect_einval("Tclunk with a byte too many", c, 9,
              frame(TCLUNK, 9, struct.pack("<I", 0) + b"\0"))
expect_einval("Tread with a short body", c, 10,
              frame(TREAD, 10, struct.pack("<I", 0)))
expect_einval("Tattach with no strings", c, 11,
              frame(TATTACH, 11, struct.pack("<II", 5, NOFID)))
expect_einval("Twalk of 17 names (more than 16)", c, 12,
              frame(TWALK, 12, struct.pack("<IIH", 0, 1, 17) +
                    s("x") * 17))
try:
    qs = c.walk(0, 1, ["dir", "inner"])
    check_eq("the connection still works after bad bodies", 2, len(qs))
    c.clunk(1)
except Exception as e:  # noqa: BLE001
    not_ok("the connection still works after bad bodies", repr(e))

# --- unknown and reply types: an error reply
for typ, what in ((200, "type 200"), (6, "Tlerror (no T message)"),
                  (101, "Rversion sent as a request"),
                  (117, "Rread sent as a request"), (255, "type 255")):
    c.send(frame(typ, 20, b"\0" * 8))
    r = reply_to(c, 20)
    check("%s: an error reply" % what, r is not None and r[0] in
          (RLERROR, 107), r)
try:
    c.walk(0, 1, [])
    c.clunk(1)
    check("the connection still works after unknown types", True)
except Exception as e:  # noqa: BLE001
    not_ok("the connection still works after unknown types", repr(e))

# --- a frame in single bytes
data = frame(TWALK, 30, struct.pack("<IIH", 0, 2, 1) + s("dir"))
for b in data:
    c.send(bytes([b]))
    time.sleep(0.002)
r = reply_to(c, 30)
check("a frame sent one byte at a time is answered with Rwalk",
      r is not None and r[0] == TWALK + 1, r)
c.close()
witness_ok("bad bodies and types")

# --- a tag reused while in flight (testfs holds hello's READ 1.5 s)
c = session()
c.walk(0, 1, ["hello"])
c.lopen(1, 0)
c.send(frame(TREAD, 40, struct.pack("<IQI", 1, 0, 100)))
time.sleep(0.1)
c.send(frame(TREAD, 40, struct.pack("<IQI", 1, 0, 100)))
closed = c.closed_by_peer(10)
check("tag 40 reused while its Tread is in flight: connection closed",
      closed)
c.close()
witness_ok("tag reuse")
# ... while a tag that was answered may be used again
c = session()
for _ in range(3):
    c.rpc(TWALK, struct.pack("<IIH", 0, 1, 0), tag=50)
    c.rpc(TCLUNK, struct.pack("<I", 1), tag=50)
check("a tag reused after its answer is fine", True)
c.close()

# --- random frames (right sizes, random types, tags and bodies) from
# several clients at once: each is answered or the connection is closed
rng = random.Random(9)
answered = closed = 0
for i in range(8):
    k = session()
    for j in range(40):
        body = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 64)))
        k.send(frame(rng.randrange(0, 256), j, body))
    try:
        for j in range(40):
            if k.recv_frame() is None:
                closed += 1
                break
        else:
            answered += 1
    except (OSError, ValueError):
        closed += 1
    k.close()
check_eq("8 clients sending random frames: each answered or closed", 8,
         answered + closed)
witness_ok("random frames from 8 clients")

check("ninegate still runs", gw.alive())
witness.close()
finish(gw)
