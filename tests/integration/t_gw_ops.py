#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every 9P2000.L operation through `ninegate --export DIR`, built by hand
and checked against DIR itself: Tversion, Tauth, Tattach, Twalk (clone,
"..", partial walks), Tgetattr, Tsetattr (mode, size, times, owner),
Tlopen, Tlcreate, Tread, Twrite, Treaddir (with offsets), Tmkdir,
Tsymlink, Tmknod, Treadlink, Tlink, Trename, Trenameat, Tunlinkat,
Tremove, Tstatfs, Tfsync, Tlock, Tgetlock, Txattrwalk, Txattrcreate, Tflush
of a finished tag, Tclunk; and the errno each failing case must give.

Usage: t_gw_ops.py NINEGATE
It does not test the legacy dialects (t_gw_ninep_ops.sh does, through
ninep) nor flush of requests in flight (the flush tests do).
"""

import errno
import os
import stat
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_gw_9p import (scratch_dir, Conn, Gateway, P9Error, check, check_eq,
                     finish, not_ok, ok, TAUTH)

O_RDONLY, O_WRONLY, O_RDWR = 0, 1, 2
O_CREAT, O_EXCL, O_TRUNC, O_APPEND = 0o100, 0o200, 0o1000, 0o2000
O_DIRECTORY = 0o200000
AT_REMOVEDIR = 0x200

exe = sys.argv[1]
work = scratch_dir("t_gw_ops.")
E = os.path.join(work, "export")
os.mkdir(E)
os.mkdir(os.path.join(E, "dir"))
with open(os.path.join(E, "dir", "inner"), "w") as f:
    f.write("inner\n")
with open(os.path.join(E, "hello"), "w") as f:
    f.write("hello\n")
os.symlink("hello", os.path.join(E, "link"))
for i in range(300):
    with open(os.path.join(E, "dir", "f%03d with space é" % i), "w") as f:
        f.write(str(i))

sock = os.path.join(work, "s")
gw = Gateway(exe, ["-l", "unix:" + sock], ["--export", E], workdir=work)
H = lambda *p: os.path.join(E, *p)


def expect_err(what, want, fn, *args):
    """want: an errno, or a tuple of the errnos that are all right."""
    wants = want if isinstance(want, tuple) else (want,)
    try:
        fn(*args)
    except P9Error as e:
        return check(what, e.errno in wants, "expected %s, got %s" % (
            "/".join(errno.errorcode[w] for w in wants),
            errno.errorcode.get(e.errno, e.errno)))
    except Exception as e:  # noqa: BLE001 - report anything else
        not_ok(what, "unexpected %r" % e)
        return False
    not_ok(what, "succeeded, expected %s" % "/".join(
        errno.errorcode[w] for w in wants))
    return False


def step(what, fn, *args):
    try:
        r = fn(*args)
        ok(what)
        return r
    except Exception as e:  # noqa: BLE001
        not_ok(what, repr(e))
        return None


c = Conn("unix:" + sock)
msize, ver = c.version(1 << 20)
check_eq("Tversion 9P2000.L", "9P2000.L", ver)
check("Rversion msize <= asked", 4096 <= msize <= (1 << 20), msize)
try:
    c.rpc(TAUTH, struct.pack("<I", 9) + b"\x04\x00root\x00\x00" +
          struct.pack("<I", 0))
    not_ok("Tauth is refused (no auth needed)")
except P9Error:
    ok("Tauth is refused (no auth needed)")
q = step("Tattach", c.attach, 0, "root", "", 0)
check("root qid is a directory", q and q[0] & 0x80, q)

# --- walk
qs = step("Twalk clone (nwname 0)", c.walk, 0, 1, [])
check_eq("clone gives no qids", [], qs)
qs = step("Twalk two names", c.walk, 0, 2, ["dir", "inner"])
check_eq("walk qid path is the inode", os.stat(H("dir", "inner")).st_ino,
         qs and qs[-1][2])
qs = step("Twalk with ..", c.walk, 0, 3, ["dir", "..", "hello"])
check_eq("dir/../hello is hello", os.stat(H("hello")).st_ino,
         qs and qs[-1][2])
qs = step("Twalk .. at the root stays at the root", c.walk, 0, 4, [".."])
check_eq(".. of the root", q and q[2], qs and qs[-1][2])
c.clunk(4)
qs = c.walk(0, 5, ["dir", "nope", "x"])
check_eq("partial walk returns the qids found", 1, len(qs))
expect_err("Twalk of a missing first name", errno.ENOENT, c.walk, 0, 5,
           ["nope"])
expect_err("Twalk to a fid in use", (errno.EBADF, errno.EEXIST), c.walk,
           0, 2, [])
expect_err("Twalk from an unknown fid", errno.EBADF, c.walk, 77, 78, [])

# --- getattr
a = step("Tgetattr", c.getattr, 2)
st = os.stat(H("dir", "inner"))
if a:
    check_eq("getattr mode", st.st_mode, a["mode"])
    check_eq("getattr size", st.st_size, a["size"])
    check_eq("getattr nlink", st.st_nlink, a["nlink"])
    check_eq("getattr uid/gid", (st.st_uid, st.st_gid), (a["uid"], a["gid"]))
    check_eq("getattr mtime", (int(st.st_mtime), st.st_mtime_ns % 10**9),
             a["mtime"])
    check_eq("getattr ino = qid.path", st.st_ino, a["qid"][2])

# --- open, read
qid, iounit = step("Tlopen O_RDONLY", c.lopen, 2, O_RDONLY) or (None, 0)
check("iounit leaves room for the header", 0 < iounit <= msize - 24, iounit)
check_eq("Tread", b"inner\n", c.read(2, 0, 100))
check_eq("Tread at an offset", b"ner\n", c.read(2, 2, 100))
check_eq("Tread past the end", b"", c.read(2, 100, 100))
expect_err("Twrite on a read-only fid", errno.EBADF, c.write, 2, 0, b"x")
expect_err("Tlopen twice", errno.EBADF, c.lopen, 2, O_RDONLY)
c.clunk(2)
expect_err("Tread on a clunked fid", errno.EBADF, c.read, 2, 0, 1)

# --- create, write
c.walk(0, 10, [])
qid, _ = step("Tlcreate", c.lcreate, 10, "new é file", O_RDWR | O_CREAT,
              0o640) or (None, 0)
check("created on the host", os.path.isfile(H("new é file")))
check_eq("created with the mode", 0o640,
         stat.S_IMODE(os.stat(H("new é file")).st_mode))
check_eq("Twrite count", 5, c.write(10, 0, b"abcde"))
check_eq("Twrite at an offset", 3, c.write(10, 10, b"xyz"))
data = bytes(range(256)) * 1024
written = sum(c.write(10, 100 + o, data[o:o + iounit])
              for o in range(0, len(data), iounit))
check_eq("Twrite 256 KiB in iounit pieces", len(data), written)
c.fsync(10)
ok("Tfsync")
c.fsync(10, 1)
ok("Tfsync datasync")
with open(H("new é file"), "rb") as f:
    host = f.read()
check_eq("the host has the bytes, with the hole", b"abcde\0\0\0\0\0xyz" +
         b"\0" * 87 + data, host)
back = b""
while len(back) < len(host):
    chunk = c.read(10, len(back), iounit)
    if not chunk:
        break
    back += chunk
check_eq("read back through 9P", host, back)
c.clunk(10)
c.walk(0, 11, [])
expect_err("Tlcreate O_EXCL of an existing name", errno.EEXIST, c.lcreate,
           11, "hello", O_RDWR | O_CREAT | O_EXCL, 0o644)
expect_err("Tlcreate with a / in the name", errno.EINVAL, c.lcreate, 11,
           "a/b", O_RDWR | O_CREAT, 0o644)
c.clunk(11)

# --- append, truncate through open
c.walk(0, 12, ["hello"])
c.lopen(12, O_WRONLY | O_APPEND)
c.write(12, 0, b"more\n")
c.clunk(12)
check_eq("O_APPEND writes at the end", b"hello\nmore\n",
         open(H("hello"), "rb").read())
c.walk(0, 12, ["hello"])
c.lopen(12, O_WRONLY | O_TRUNC)
c.clunk(12)
check_eq("O_TRUNC empties", 0, os.stat(H("hello")).st_size)

# --- setattr
c.walk(0, 13, ["new é file"])
step("Tsetattr mode", c.setattr, 13, 0x1, 0o600)
check_eq("mode on the host", 0o600,
         stat.S_IMODE(os.stat(H("new é file")).st_mode))
step("Tsetattr size", c.setattr, 13, 0x8, 0, 0, 0, 7)
check_eq("size on the host", 7, os.stat(H("new é file")).st_size)
step("Tsetattr times", c.setattr, 13, 0x10 | 0x20 | 0x80 | 0x100, 0, 0, 0, 0,
     (1000000000, 5), (1234567890, 123456789))
st = os.stat(H("new é file"))
check_eq("mtime on the host", 1234567890123456789, st.st_mtime_ns)
check_eq("atime on the host", 1000000000000000005, st.st_atime_ns)
step("Tsetattr owner", c.setattr, 13, 0x2 | 0x4, 0, 4242, 4343)
st = os.stat(H("new é file"))
check_eq("owner on the host", (4242, 4343), (st.st_uid, st.st_gid))

# --- xattrs
try:
    os.setxattr(H("hello"), "user.probe", b"1")
    have_xattr = True
except OSError:
    have_xattr = False
if have_xattr:
    step("Txattrcreate", c.xattrcreate, 13, "user.t_gw", 5)
    c.write(13, 0, b"va")
    c.write(13, 2, b"lue")
    step("Tclunk sets the xattr", c.clunk, 13)
    check_eq("xattr on the host", b"value",
             os.getxattr(H("new é file"), "user.t_gw"))
    c.walk(0, 13, ["new é file"])
    n = step("Txattrwalk of one name", c.xattrwalk, 13, 14, "user.t_gw")
    check_eq("xattr size", 5, n)
    check_eq("xattr value read", b"value", c.read(14, 0, 100))
    c.clunk(14)
    n = step("Txattrwalk listing", c.xattrwalk, 13, 14, "")
    names = c.read(14, 0, 4096) if n else b""
    check("listing has user.t_gw", b"user.t_gw\0" in names, names)
    c.clunk(14)
    c.walk(13, 14, [])
    c.xattrcreate(14, "user.t_gw", 0, 2)  # size 0 + XATTR_REPLACE: remove
    step("Tclunk removes the xattr", c.clunk, 14)
    check("xattr gone on the host",
          "user.t_gw" not in os.listxattr(H("new é file")))
    expect_err("Txattrwalk of a removed name", errno.ENODATA, c.xattrwalk,
               13, 14, "user.t_gw")
else:
    print("# no user xattrs on %s: xattr checks left out" % E)

# --- locks
c.lopen(13, O_RDWR)
F_RDLCK, F_WRLCK, F_UNLCK = 0, 1, 2
check_eq("Tlock write lock: success", 0, c.lock(13, F_WRLCK, 0, 10))
r = step("Tgetlock", c.getlock, 13, F_WRLCK, 0, 10)
check("Tgetlock answers a type", r is not None and r[0] in (0, 1, 2), r)
check_eq("Tlock unlock", 0, c.lock(13, F_UNLCK, 0, 10))
c.clunk(13)

# --- directories: mkdir, readdir
c.walk(0, 20, [])
q = step("Tmkdir", c.mkdir, 20, "sub dir ü", 0o751)
check("Tmkdir qid is a directory", q and q[0] & 0x80)
check_eq("mkdir mode on the host", 0o751,
         stat.S_IMODE(os.stat(H("sub dir ü")).st_mode))
expect_err("Tmkdir of an existing name", errno.EEXIST, c.mkdir, 20, "dir",
           0o755)
c.walk(0, 21, ["dir"])
c.lopen(21, O_RDONLY | O_DIRECTORY)
names = c.readdir_all(21)
check_eq("Treaddir lists every entry (several calls, offsets)",
         sorted([".", ".."] + os.listdir(H("dir"))), sorted(names))
first = c.readdir(21, 0, 200)
check("a small Treaddir count gives fewer entries", 0 < len(first) < 10,
      len(first))
again = c.readdir(21, first[-1][2], 200)
check("continuing at the last offset gives the next entries",
      again and again[0][0] not in [e[0] for e in first])
c.clunk(21)

# --- symlink, readlink, mknod, link
q = step("Tsymlink", c.symlink, 20, "sl ü", "dir/inner")
check_eq("symlink on the host", "dir/inner", os.readlink(H("sl ü")))
c.walk(0, 22, ["sl ü"])
check_eq("Treadlink", "dir/inner", c.readlink(22))
c.clunk(22)
c.walk(0, 22, ["hello"])
expect_err("Treadlink of a file", errno.EINVAL, c.readlink, 22)
step("Tlink", c.link, 20, 22, "hard")
check_eq("hard link on the host", os.stat(H("hello")).st_ino,
         os.stat(H("hard")).st_ino)
c.clunk(22)
q = step("Tmknod a FIFO", c.mknod, 20, "fifo", stat.S_IFIFO | 0o600)
check("FIFO on the host", stat.S_ISFIFO(os.lstat(H("fifo")).st_mode))
expect_err("Tmknod a character device is refused", errno.EPERM, c.mknod, 20,
           "chr", stat.S_IFCHR | 0o600, 1, 3)

# --- rename, renameat, unlinkat, remove
c.walk(0, 23, ["hard"])
c.walk(0, 24, ["sub dir ü"])
step("Trename into a directory", c.rename, 23, 24, "moved")
check("Trename moved it", os.path.exists(H("sub dir ü", "moved")) and
      not os.path.exists(H("hard")))
check_eq("the fid follows the rename", os.stat(H("hello")).st_ino,
         c.getattr(23)["qid"][2])
step("Trenameat", c.renameat, 24, "moved", 20, "back again")
check("Trenameat moved it", os.path.exists(H("back again")))
expect_err("Trenameat of a missing name", errno.ENOENT, c.renameat, 20,
           "nope", 20, "x")
step("Tunlinkat a file", c.unlinkat, 20, "back again")
check("unlinked on the host", not os.path.exists(H("back again")))
expect_err("Tunlinkat a directory without AT_REMOVEDIR", errno.EISDIR,
           c.unlinkat, 20, "sub dir ü")
expect_err("Tunlinkat a non-empty directory", errno.ENOTEMPTY,
           c.unlinkat, 20, "dir", AT_REMOVEDIR)
step("Tunlinkat AT_REMOVEDIR", c.unlinkat, 20, "sub dir ü", AT_REMOVEDIR)
check("rmdir on the host", not os.path.exists(H("sub dir ü")))
c.walk(0, 25, ["fifo"])
step("Tremove", c.remove, 25)
check("removed on the host", not os.path.lexists(H("fifo")))
expect_err("Tremove clunks the fid even so", errno.EBADF, c.getattr, 25)
expect_err("Tunlinkat of a missing name", errno.ENOENT, c.unlinkat, 20,
           "nope")
c.clunk(23)
c.clunk(24)

# --- statfs, flush, clunk
sf = step("Tstatfs", c.statfs, 20)
vfs = os.statvfs(E)
if sf:
    check_eq("statfs bsize", vfs.f_bsize, sf["bsize"])
    check_eq("statfs blocks", vfs.f_blocks, sf["blocks"])
    check_eq("statfs namelen", vfs.f_namemax, sf["namelen"])
step("Tflush of a tag not in flight", c.flush, 4321)
expect_err("Tclunk of an unknown fid", errno.EBADF, c.clunk, 999)
step("Tclunk root", c.clunk, 0)
step("a new Tversion resets the session", c.version, 65536)
expect_err("fids are gone after Tversion", errno.EBADF, c.getattr, 20)
c.close()

check("ninegate still runs", gw.alive())
finish(gw)
