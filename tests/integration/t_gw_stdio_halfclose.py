#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`ninegate -l stdio` answers everything a client sent before closing its
input: a script that writes its requests and closes stdin gets every reply
on stdout, and ninegate then exits 0 (inetd-style use).
    t_gw_stdio_halfclose.py NINEGATE"""
import os
import struct
import subprocess
import sys
import tempfile


def msg(t, tag, body):
    return struct.pack("<IBH", 7 + len(body), t, tag) + body


def s(text):
    b = text.encode()
    return struct.pack("<H", len(b)) + b


def read_msg(f):
    hdr = f.read(7)
    if len(hdr) < 7:
        return None
    size, t, tag = struct.unpack("<IBH", hdr)
    return t, tag, f.read(size - 7)


def main():
    gw = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "f"), "w") as f:
            f.write("hello stdio\n")
        p = subprocess.Popen([gw, "-l", "stdio", "--export", d],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        p.stdin.write(msg(100, 0xffff, struct.pack("<I", 65536) +
                          s("9P2000.L")))
        p.stdin.write(msg(104, 1, struct.pack("<II", 0, 0xffffffff) +
                          s("root") + s("") + struct.pack("<I", 0)))
        p.stdin.flush()
        fails = 0
        for want in (101, 105):
            r = read_msg(p.stdout)
            if r is None or r[0] != want:
                print("not ok - setup reply %d: got %r" % (want, r))
                fails += 1
        for m, want in ((msg(110, 2, struct.pack("<IIH", 0, 1, 1) + s("f")),
                         111),
                        (msg(12, 3, struct.pack("<II", 1, 0)), 13)):
            p.stdin.write(m)
            p.stdin.flush()
            r = read_msg(p.stdout)
            if r is None or r[0] != want:
                print("not ok - setup reply %d: got %r" % (want, r))
                fails += 1
        # Independent requests in one go, then the input ends at once.
        p.stdin.write(msg(116, 4, struct.pack("<IQI", 1, 0, 100)) +
                      msg(24, 6, struct.pack("<IQ", 1, 0x7ff)) +
                      msg(120, 5, struct.pack("<I", 1)))
        p.stdin.close()
        got = {}
        while True:
            r = read_msg(p.stdout)
            if r is None:
                break
            got[r[1]] = r
        rc = p.wait(timeout=30)
        err = p.stderr.read().decode(errors="replace")
        for tag, want in ((4, 117), (6, 25), (5, 121)):
            ok = tag in got and got[tag][0] == want
            print("%s - tag %d answered with type %d" %
                  ("ok" if ok else "not ok", tag, want))
            fails += not ok
        data = got.get(4, (0, 0, b""))[2][4:]
        ok = data == b"hello stdio\n"
        print("%s - Rread carries the file" % ("ok" if ok else "not ok"))
        fails += not ok
        print("%s - exit status 0 after the input ended (got %d)" %
              ("ok" if rc == 0 else "not ok", rc))
        fails += rc != 0
        if fails:
            print(err)
        return 1 if fails else 0


sys.exit(main())
