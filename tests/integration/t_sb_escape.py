#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A 9P client tries to reach outside the exported directory of
`ninegate --seccomp kill --export DIR`, with hand-built frames:

 - Twalk ".." from the root, once and many times, and "sub/../..": it stays
   at the root (same qid, its listing is DIR's);
 - absolute and relative symlinks in DIR to a file, a directory and "/"
   outside: a walk onto one gives the symlink itself (QTSYMLINK, its own
   size), a walk through one fails, Tlopen of one fails (ELOOP or the like),
   Treadlink gives only the text, Tlcreate/Tmkdir/Tsymlink/Trenameat into
   one fail, Tsetattr (chmod, chown, truncate, times) of one does not touch
   the target;
 - a directory replaced by a symlink to outside between Twalk steps and,
   from a second thread, while walks run (a few hundred rounds): no walk
   ever reaches the outside file;
 - Tlink (a hard link) of a file outside: it cannot be named; linking the
   symlink links the symlink, not its target;
 - Trenameat/Trename/Tlcreate/Tmkdir/Tsymlink/Tlink/Tmknod/Tunlinkat with
   names holding "/" or "..", or ".": refused;
 - Tmknod of a character and a block device: refused (EPERM);
and after all of it the canary file beside DIR has the same content, mode,
owner, link count and mtime, nothing new appeared beside DIR or in the
outside directory, and ninegate (and so its filter) is still alive and
stops cleanly.

Usage: t_sb_escape.py NINEGATE
It does not test the gateway's own filter (t_sb_selftest.sh) nor read
/proc (t_sb_state.sh); it assumes nothing about the errno of a refusal
beyond "it failed", except where the protocol fixes it.
"""

import atexit
import errno
import os
import shutil
import stat
import struct
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_gw_9p import (Conn, Gateway, P9Error, check, check_eq, finish,  # noqa: E402
                     not_ok, ok, skip)

O_RDONLY, O_WRONLY, O_RDWR = 0, 1, 2
O_CREAT, O_TRUNC = 0o100, 0o1000
QTDIR, QTSYMLINK = 0x80, 0x02
SETATTR_MODE, SETATTR_UID, SETATTR_GID, SETATTR_SIZE = 1, 2, 4, 8
SETATTR_ATIME, SETATTR_MTIME = 0x10, 0x20
SETATTR_ATIME_SET, SETATTR_MTIME_SET = 0x80, 0x100

if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
    skip("usage: t_sb_escape.py NINEGATE (ninegate not built?)")
exe = sys.argv[1]

top = tempfile.mkdtemp(prefix="t_sb_escape.")
if not os.environ.get("T_KEEP"):
    atexit.register(shutil.rmtree, top, True)
PARENT = os.path.join(top, "parent")       # the directory beside DIR
E = os.path.join(PARENT, "export")          # DIR
OUT = os.path.join(PARENT, "outdir")        # an outside directory
CANARY = os.path.join(PARENT, "canary")
gwdir = os.path.join(top, "gw")             # log and socket, not beside DIR
for d in (PARENT, E, OUT, gwdir):
    os.mkdir(d)
with open(CANARY, "w") as f:
    f.write("canary: must never change\n")
os.chmod(CANARY, 0o640)
os.utime(CANARY, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
with open(os.path.join(OUT, "inner"), "w") as f:
    f.write("OUTSIDE\n")
os.utime(OUT, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
with open(os.path.join(E, "file"), "w") as f:
    f.write("inside\n")
os.mkdir(os.path.join(E, "sub"))
os.mkdir(os.path.join(E, "race"))
with open(os.path.join(E, "race", "inner"), "w") as f:
    f.write("INSIDE\n")
LINKS = {
    "abs_file": CANARY,
    "rel_file": "../canary",
    "abs_dir": OUT,
    "rel_dir": "../outdir",
    "root": "/",
    "dotdot": "..",
}
for name, target in LINKS.items():
    os.symlink(target, os.path.join(E, name))
os.symlink(OUT, os.path.join(E, "race.l"))


def snapshot():
    """Everything beside and above DIR that an escape could change: each
    entry of PARENT (but DIR's contents) and of OUT with its attributes,
    and the content of the canary."""
    out = {}
    for root_, dirs, files in os.walk(PARENT):
        if root_ == E or root_.startswith(E + os.sep):
            dirs[:] = []
            continue
        for n in dirs + files:
            p = os.path.join(root_, n)
            if p == E:
                continue
            st = os.lstat(p)
            out[p] = (st.st_mode, st.st_uid, st.st_gid, st.st_nlink,
                      st.st_size, st.st_mtime_ns, st.st_ino)
    st = os.lstat(PARENT)
    out[PARENT] = (st.st_mode, st.st_nlink, st.st_mtime_ns)
    with open(CANARY, "rb") as f:
        out["canary content"] = f.read()
    return out


before = snapshot()
top_before = set(os.listdir("/"))

gw = Gateway(exe, ["--seccomp", "kill", "-l", "unix:" + os.path.join(
    gwdir, "s")], ["--export", E], workdir=gwdir)
c = Conn("unix:" + os.path.join(gwdir, "s"))
c.version(1 << 16)
root_qid = c.attach(0, "root", "", 0)
_fid = [100]


def newfid():
    _fid[0] += 1
    return _fid[0]


def fails(what, fn, *args, want=None):
    """The call must fail (with one of want, when given)."""
    try:
        r = fn(*args)
    except P9Error as e:
        if want is None or e.errno in want:
            ok(what)
            return True
        not_ok(what, "failed with %s, expected %s" % (
            errno.errorcode.get(e.errno, e.errno),
            "/".join(errno.errorcode[w] for w in want)))
        return False
    except Exception as e:  # noqa: BLE001 - a dead gateway is a failure
        not_ok(what, "unexpected %r" % e)
        return False
    not_ok(what, "succeeded: %r" % (r,))
    return False


def walk_all(names):
    """fid of the full walk of names, or None if it did not get there."""
    f = newfid()
    try:
        qs = c.walk(0, f, names)
    except P9Error:
        return None, None
    if len(qs) != len(names):
        return None, None
    return f, (qs[-1] if qs else root_qid)


def walk_fails(what, names):
    f, q = walk_all(names)
    if f is None:
        ok(what)
        return True
    not_ok(what, "walked to qid %r" % (q,))
    c.clunk(f)
    return False


def read_file(names):
    """Content reached by walking names and reading, or None."""
    f, q = walk_all(names)
    if f is None:
        return None
    try:
        c.lopen(f, O_RDONLY)
        return c.read(f, 0, 4096)
    except P9Error:
        return None
    finally:
        c.clunk(f)


# ------------------------------------------------------------ ".." walks
for names in ([".."], [".."] * 8, ["sub", "..", ".."], ["..", "sub", "..",
                                                       "..", ".."]):
    f, q = walk_all(names)
    check_eq("walk %s stays at the root" % "/".join(names), root_qid, q)
    if f is not None:
        c.lopen(f, O_RDONLY)
        ents = set(c.readdir_all(f)) - {".", ".."}
        check_eq("  and lists DIR", set(os.listdir(E)), ents)
        c.clunk(f)
walk_fails("walk ../canary fails", ["..", "canary"])
walk_fails("walk ../../parent/canary fails", ["..", "..", "parent", "canary"])
walk_fails("walk sub/../../canary fails", ["sub", "..", "..", "canary"])
walk_fails("walk ../outdir/inner fails", ["..", "outdir", "inner"])

# ------------------------------------------------------------- symlinks
for name, target in LINKS.items():
    f, q = walk_all([name])
    if not check("walk onto symlink %s succeeds" % name, f is not None):
        continue
    check("  its qid is QTSYMLINK, not the target", q[0] & QTSYMLINK and
          not q[0] & QTDIR, q)
    check_eq("  its qid path is the link's inode",
             os.lstat(os.path.join(E, name)).st_ino, q[2])
    a = c.getattr(f)
    check("  getattr describes the link (S_IFLNK, size %d)" % len(target),
          stat.S_ISLNK(a["mode"]) and a["size"] == len(target),
          "mode %o size %d" % (a["mode"], a["size"]))
    check_eq("  Treadlink gives the text only", target, c.readlink(f))
    fails("  Tlopen O_RDONLY fails", c.lopen, f, O_RDONLY)
    g = newfid()
    c.walk(f, g, [])
    fails("  Tlopen O_WRONLY|O_TRUNC fails", c.lopen, g, O_WRONLY | O_TRUNC)
    c.clunk(g)
    fails("  Tlcreate beneath it fails", c.lcreate, f, "esc_new",
          O_RDWR | O_CREAT, 0o644)
    fails("  Tmkdir beneath it fails", c.mkdir, f, "esc_dir", 0o755)
    fails("  Tsymlink beneath it fails", c.symlink, f, "esc_sym", "x")
    fails("  Tmknod beneath it fails", c.mknod, f, "esc_fifo",
          stat.S_IFIFO | 0o644)
    fails("  Trenameat into it fails", c.renameat, 0, "file", f, "esc_mv")
    fails("  Tlink into it fails", c.link, f, 0, "esc_link")
    # Attribute changes through the link: either refused, or applied to
    # the link itself; the snapshot at the end proves the target kept its.
    for what, args in (
            ("chmod 0777", dict(valid=SETATTR_MODE, mode=0o777)),
            ("chown 1:1", dict(valid=SETATTR_UID | SETATTR_GID, uid=1,
                               gid=1)),
            ("truncate to 0", dict(valid=SETATTR_SIZE, size=0)),
            ("set times", dict(valid=SETATTR_ATIME | SETATTR_MTIME |
                               SETATTR_ATIME_SET | SETATTR_MTIME_SET,
                               atime=(5, 0), mtime=(5, 0)))):
        try:
            c.setattr(f, **args)
        except P9Error:
            pass
        check("  Tsetattr %s leaves the target alone" % what,
              snapshot() == before)
        check("  and the link is still a link to %s" % target,
              os.readlink(os.path.join(E, name)) == target)
    c.clunk(f)
    for tail in (["inner"], ["canary"], ["etc", "passwd"], [".", "inner"],
                 ["..", "..", "canary"]):
        walk_fails("walk %s/%s fails" % (name, "/".join(tail)), [name] + tail)
    # The gateway resolves "." and ".." itself (lexically): they may give
    # the link itself or its parent, never the link's target.
    for tail, want in (["."], q), ([".."], root_qid):
        g, gq = walk_all([name] + tail)
        # (the version may differ: Tsetattr above changed the link)
        check("walk %s/%s fails or stays inside" % (name, tail[0]),
              g is None or (gq[0], gq[2]) == (want[0], want[2]),
              "got %r, expected %r" % (gq, want))
        if g is not None:
            c.clunk(g)

# ------------------------------------------------- a symlink swapped in
# Deterministic: "race" is a directory at the first step and a symlink to
# the outside directory (which also has an "inner") at the second.
RACE, RACE_D, RACE_L = (os.path.join(E, n) for n in ("race", "race.d",
                                                     "race.l"))
outside_reads = 0
steps_done = 0
for i in range(100):
    f1 = newfid()
    c.walk(0, f1, ["race"])
    os.rename(RACE, RACE_D)
    os.rename(RACE_L, RACE)
    f2 = newfid()
    try:
        c.walk(f1, f2, ["inner"])
        c.lopen(f2, O_RDONLY)
        if c.read(f2, 0, 100) == b"OUTSIDE\n":
            outside_reads += 1
        steps_done += 1
        c.clunk(f2)
    except P9Error:
        pass
    c.clunk(f1)
    if read_file(["race", "inner"]) == b"OUTSIDE\n":
        outside_reads += 1
    os.rename(RACE, RACE_L)
    os.rename(RACE_D, RACE)
check_eq("dir swapped for a symlink between walk steps: never outside "
         "(%d walks kept the old directory)" % steps_done, 0, outside_reads)

# Racing: a thread flips "race" between the directory and the symlink
# while walks and reads run.
stop = threading.Event()
flips = [0]


def flipper():
    while not stop.is_set():
        try:
            os.rename(RACE, RACE_D)
            os.rename(RACE_L, RACE)
            os.rename(RACE, RACE_L)
            os.rename(RACE_D, RACE)
            flips[0] += 1
        except OSError:
            pass


t = threading.Thread(target=flipper)
t.start()
seen = {}
try:
    for i in range(400):
        r = read_file(["race", "inner"])
        seen[r] = seen.get(r, 0) + 1
finally:
    stop.set()
    t.join()
check_eq("walks racing a dir/symlink flip (%d flips, results %r): never "
         "outside" % (flips[0], sorted(seen.items(), key=repr)),
         0, seen.get(b"OUTSIDE\n", 0))
check("  some walks ran while it flipped", sum(seen.values()) == 400, seen)

# ------------------------------------------------- names that are paths
bad_names = ["../esc_x", "..", ".", "a/b", "/esc_abs", "sub/../../esc_y",
             "../canary", "../outdir/inner"]
for n in bad_names:
    fails("Trenameat file -> %r refused" % n, c.renameat, 0, "file", 0, n)
    fails("Trenameat %r -> esc refused" % n, c.renameat, 0, n, 0, "esc_r")
    fails("Tlink as %r refused" % n, lambda n=n: c.link(0, 0, n))
    fails("Tunlinkat %r refused" % n, c.unlinkat, 0, n)
    fails("Tmkdir %r refused" % n, c.mkdir, 0, n, 0o755)
    fails("Tsymlink %r refused" % n, c.symlink, 0, n, "x")
    fails("Tmknod %r refused" % n, c.mknod, 0, n, stat.S_IFIFO | 0o644)
    f = newfid()
    c.walk(0, f, [])
    fails("Tlcreate %r refused" % n, c.lcreate, f, n, O_RDWR | O_CREAT,
          0o644)
    c.clunk(f)
    f = newfid()
    c.walk(0, f, ["file"])
    fails("Trename file -> %r refused" % n, c.rename, f, 0, n)
    c.clunk(f)
walk_fails("walk of a name with '/' fails", ["sub/.."])
walk_fails("walk of '../canary' as one name fails", ["../canary"])

# ----------------------------------------------------------- hard links
# A file outside cannot be named: every walk to it failed above. Linking
# the symlink that points at it links the symlink.
f, q = walk_all(["abs_file"])
try:
    c.link(0, f, "esc_hard")
    st = os.lstat(os.path.join(E, "esc_hard"))
    check("Tlink of the symlink abs_file makes a link to the symlink",
          stat.S_ISLNK(st.st_mode) and st.st_ino ==
          os.lstat(os.path.join(E, "abs_file")).st_ino)
except P9Error as e:
    ok("Tlink of the symlink abs_file is refused (%s)" %
       errno.errorcode.get(e.errno, e.errno))
c.clunk(f)
check_eq("the canary still has one link", 1, os.stat(CANARY).st_nlink)

# -------------------------------------------------------------- devices
for kind, mode in (("character", stat.S_IFCHR), ("block", stat.S_IFBLK)):
    fails("Tmknod of a %s device refused with EPERM" % kind, c.mknod, 0,
          "esc_dev", mode | 0o666, 1, 3, want=(errno.EPERM,))
    check("  nothing was created", not os.path.lexists(
        os.path.join(E, "esc_dev")))

# ------------------------------------------------------------ the end
after = snapshot()
changed = sorted(k for k in set(before) | set(after)
                 if before.get(k) != after.get(k))
check_eq("nothing beside DIR or in the outside directory changed", [],
         changed)
check_eq("the canary's content", before["canary content"],
         after["canary content"])
st = os.stat(CANARY)
check_eq("the canary's mode, owner and mtime",
         (0o100640, os.getuid(), os.getgid(), 1_000_000_000_000_000_000),
         (st.st_mode, st.st_uid, st.st_gid, st.st_mtime_ns))
check_eq("nothing of ours appeared in /", [],
         [n for n in set(os.listdir("/")) - top_before
          if n.startswith("esc_")])
strays = [n for n in os.listdir(E) if n.startswith("esc_")
          and n != "esc_hard"]
check_eq("no stray file inside DIR from the refused calls", [], strays)
check("the gateway is still alive", gw.alive(), gw.log())
c.close()
finish(gw)
