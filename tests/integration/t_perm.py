#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Many users through one ninegate: identities, ownership and permission
semantics, checked with hand-built 9P2000.L frames (one attach per user
with n_uname = uid, as the Linux client's access=user does) and with
lstat on the exported directory.

It runs as root, re-executes itself in a private mount namespace and
bind-mounts its own /etc/passwd and /etc/group there (the host's files
are untouched): users alice 2001, bob 2002, carol 2003; group staff 2100
has alice and bob as supplementary members; group proj 2101 has carol.

Modes (one meson test each; docs/semantics.md names them):
  root     ninegate --export DIR as root. Every rule with its errno:
           ownership of new files, directories, symlinks, FIFOs, sockets
           (and the setgid directory's group); owner/group/other bits
           with supplementary groups (group bits win over other bits);
           directory search and write permission; sticky directories;
           setgid directories (group inherited, setgid kept on subdirs, a
           non-member's create gid gives no group rights, chmod g+s by a
           non-member is dropped); suid/sgid cleared by a non-owner's write
           and truncate and by chown/chgrp, kept on root's write;
           chown only by root, chgrp to an own group; chmod only by the
           owner; utimes (explicit times: owner; "now": write permission);
           O_EXCL, O_TRUNC, O_APPEND; rename over a file, onto a non-empty
           directory; hard links (counts, protected_hardlinks); an open
           file unlinked (read, write, getattr, truncate through the fid);
           names of 255 bytes, ENAMETOOLONG at 256; a tree whose path is
           past 4096 bytes; symlink targets of 4095 bytes, ENAMETOOLONG at
           4096; mknod of a device refused (EPERM) by --export.
  devices  `ninegate -- ninegate-passthrough --allow-devices DIR {}` as
           root: root makes a character device (its rdev, the group it
           asked for); alice gets EPERM (no CAP_MKNOD for her).
  unpriv   ninegate run as alice (setpriv), exporting a directory alice
           owns: the start-up line says every file is owned by uid 2001;
           files bob makes are alice's; bob can write alice's 0600 file
           (checks are the backend's uid's); chown to another uid is
           EPERM even for root; plus the common checks below.
  sshfs    ninegate -- sshfs against a local sftp-server running as
           carol: every new file is carol's, chown is refused, a file
           alice makes can be written by bob (one sftp identity); plus the
           common checks with what sshfs gives.

  rclone   ninegate -- rclone mount2 on a local directory: files are
           reported as rclone's uid whoever made them, a 0600 file of
           alice's reads for bob (rclone checks no permissions), chown is
           not kept; plus the common checks with what rclone gives.
Common checks (unpriv, sshfs, rclone): O_EXCL on an existing name, names of
255 and 256 bytes, reading an open file after its unlink, mknod of a FIFO;
where a backend departs from the local rule, the test expects what it was
measured to give (docs/semantics.md lists it), so a change shows up.

Usage: t_perm.py NINEGATE PASSTHROUGH root|devices|unpriv|sshfs|rclone
Exit 77 (SKIP) when not root, without unshare/setpriv, or without sshfs
and sftp-server (sshfs) or rclone (rclone).
"""

import atexit
import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_gw_9p import (Conn, Gateway, P9Error, check, check_eq, finish,  # noqa: E402
                     not_ok, ok, skip)

O_RDONLY, O_WRONLY, O_RDWR = 0, 1, 2
O_CREAT, O_EXCL, O_TRUNC, O_APPEND = 0o100, 0o200, 0o1000, 0o2000
AT_REMOVEDIR = 0x200
SETATTR_MODE, SETATTR_UID, SETATTR_GID, SETATTR_SIZE = 1, 2, 4, 8
SETATTR_ATIME, SETATTR_MTIME = 0x10, 0x20
SETATTR_ATIME_SET, SETATTR_MTIME_SET = 0x80, 0x100

ROOT, ALICE, BOB, CAROL = 0, 2001, 2002, 2003

STAFF, PROJ = 2100, 2101

PASSWD = """root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
alice:x:2001:2001::/nonexistent:/bin/sh
bob:x:2002:2002::/nonexistent:/bin/sh
carol:x:2003:2003::/nonexistent:/bin/sh
"""
GROUP = """root:x:0:
nogroup:x:65534:
alice:x:2001:
bob:x:2002:
carol:x:2003:
staff:x:2100:alice,bob
proj:x:2101:carol
"""

MODES = ("root", "devices", "unpriv", "sshfs", "rclone")
if len(sys.argv) != 4 or sys.argv[3] not in MODES:
    print("usage: t_perm.py NINEGATE PASSTHROUGH " + "|".join(MODES),
          file=sys.stderr)
    sys.exit(2)
exe, pt_exe, mode = sys.argv[1:4]
if not os.access(exe, os.X_OK) or not os.access(pt_exe, os.X_OK):
    skip("ninegate or ninegate-passthrough not built")
if os.geteuid() != 0:
    skip("needs root (per-user identities, bind mounts over /etc)")
for tool in ("unshare", "mount", "setpriv"):
    if shutil.which(tool) is None:
        skip(tool + " not found (util-linux)")

# --- a private mount namespace with our own user database
if os.environ.get("T_PERM_NS") != "1":
    env = dict(os.environ, T_PERM_NS="1")
    r = subprocess.run(["unshare", "-m", "--propagation", "private",
                        sys.executable] + sys.argv, env=env)
    sys.exit(r.returncode)

top = tempfile.mkdtemp(prefix="t_perm.")
os.chmod(top, 0o755)
if not os.environ.get("T_KEEP"):
    atexit.register(shutil.rmtree, top, True)
for name, text in (("passwd", PASSWD), ("group", GROUP)):
    p = os.path.join(top, name)
    with open(p, "w") as f:
        f.write(text)
    os.chmod(p, 0o644)
    r = subprocess.run(["mount", "--bind", p, "/etc/" + name],
                       capture_output=True, text=True)
    if r.returncode != 0:
        skip("cannot bind-mount /etc/%s here: %s" % (name, r.stderr.strip()))

E = os.path.join(top, "export")
os.mkdir(E)
os.chmod(E, 0o755)
sock = os.path.join(top, "gw.sock")
ADDR = "unix:" + sock
env = dict(os.environ, NINEGATE_PASSTHROUGH=pt_exe)

# ------------------------------------------------------------ helpers


class User:
    """One attach per user, as the Linux client does with access=user."""

    def __init__(self, uid):
        self.uid = uid
        self.c = Conn(ADDR)
        self.c.version(1 << 16)
        self.c.attach(0, "", "", uid)
        self.nfid = 10

    def fid(self):
        self.nfid += 1
        return self.nfid

    def walk(self, path):
        """A new fid for path, walked 16 names at a time (the protocol's
        limit). A name that fails after the first of a Twalk gives a short
        Rwalk, not its errno: see walk1."""
        names = [p for p in path.split("/") if p]
        f = self.fid()
        self.c.walk(0, f, [])
        while True:
            chunk = names[:16]
            names = names[16:]
            try:
                q = self.c.walk(f, f, chunk)
            except P9Error:
                self.c.clunk(f)
                raise
            if len(q) != len(chunk):
                self.c.clunk(f)
                raise P9Error(errno.ENOENT)
            if not names:
                return f

    def walk1(self, dpath, name):
        """Walk one name from dpath: its errno comes back as it is."""
        d = self.walk(dpath)
        f = self.fid()
        try:
            self.c.walk(d, f, [name])
        finally:
            self.c.clunk(d)
        return f

    def create(self, path, flags=O_RDWR, mode=0o644, gid=None):
        d, _, name = path.rpartition("/")
        f = self.walk(d)
        self.c.lcreate(f, name, flags, mode, self.gid() if gid is None
                       else gid)
        return f  # the fid is now the open file

    def open(self, path, flags):
        f = self.walk(path)
        try:
            self.c.lopen(f, flags)
        except P9Error:
            self.c.clunk(f)
            raise
        return f

    def gid(self):
        return {ROOT: 0, ALICE: ALICE, BOB: BOB, CAROL: CAROL}[self.uid]

    def do(self, what, path, *args):
        """An op on a path: walk, call, clunk."""
        f = self.walk(path)
        try:
            return what(f, *args)
        finally:
            self.c.clunk(f)

    def at(self, what, dpath, *args):
        """An op on a directory and a name."""
        return self.do(what, dpath, *args)


def err_of(fn, *args, **kw):
    try:
        fn(*args, **kw)
    except P9Error as e:
        return e.errno
    return 0


def expect(what, want, fn, *args, **kw):
    """fn(*args, **kw) must end with errno want (0: succeed)."""
    got = err_of(fn, *args, **kw)
    check(what, got == want, "expected %s, got %s" % (
        errno.errorcode.get(want, want) if want else "success",
        errno.errorcode.get(got, got) if got else "success"))
    return got == want


def host(path):
    return os.lstat(os.path.join(E, path))


def owner(path):
    st = host(path)
    return (st.st_uid, st.st_gid)


def hmode(path):
    return stat.S_IMODE(host(path).st_mode)


def hfile(path, mode, uid, gid, data=b"data\n"):
    p = os.path.join(E, path)
    with open(p, "wb") as f:
        f.write(data)
    os.chown(p, uid, gid)
    os.chmod(p, mode)


def hdir(path, mode, uid, gid):
    p = os.path.join(E, path)
    os.mkdir(p)
    os.chown(p, uid, gid)
    os.chmod(p, mode)


def setattr_(u, path, valid, **kw):
    return u.do(lambda f: u.c.setattr(f, valid, **kw), path)


# ------------------------------------------------------------ modes


def started(gw):
    """Stop gw however the test ends (an exception must not leave it
    running)."""
    atexit.register(lambda: gw.rc is None and gw.stop(expect_rc=None))
    return gw


def common(u, want_fifo=0, want_long=errno.ENAMETOOLONG, want_unlinked=0,
           want_excl=errno.EEXIST):
    """O_EXCL, long names, an unlinked open file and mknod of a FIFO; the
    wants are what the backend gives (0: the local rule holds)."""
    u.c.clunk(u.create("x_excl"))
    expect("O_CREAT|O_EXCL on an existing name: %s" %
           errno.errorcode[want_excl], want_excl, u.create, "x_excl",
           O_RDWR | O_EXCL)
    expect("a name of 255 bytes", 0,
           lambda: u.c.clunk(u.create("n" * 255)))
    expect("a name of 256 bytes: %s" % errno.errorcode[want_long],
           want_long, u.create, "n" * 256)
    f = u.create("x_gone", O_RDWR)
    u.c.write(f, 0, b"kept")
    u.at(lambda d: u.c.unlinkat(d, "x_gone"), "")
    data = None
    try:
        data = u.c.read(f, 0, 100)
    except P9Error as e:
        data = e.errno
    if want_unlinked:
        check_eq("an open file unlinked: the fid's read fails with %s" %
                 errno.errorcode[want_unlinked], want_unlinked, data)
    else:
        check_eq("an open file unlinked: the fid still reads", b"kept",
                 data)
    u.c.clunk(f)
    expect("mknod of a FIFO: %s" % (errno.errorcode.get(want_fifo)
                                    if want_fifo else "made"),
           want_fifo, lambda: u.at(lambda d: u.c.mknod(
               d, "x_fifo", stat.S_IFIFO | 0o644, 0, 0, u.gid()), ""))


def run_root():
    gw = started(Gateway(exe, ["--seccomp", "kill", "-l", ADDR],
                         ["--export", E], workdir=top, env=env))
    check("backend says it acts as each caller",
          gw.wait_log("each request acts as its caller"), gw.log())
    check("backend knows the users' groups (5 users)",
          "groups of 5 known users" in gw.log(), gw.log())
    root, alice, bob, carol = (User(u) for u in (ROOT, ALICE, BOB, CAROL))

    # -- ownership of everything a user makes
    hdir("pub", 0o1777, 0, 0)
    alice.c.clunk(alice.create("pub/a_file"))
    check_eq("Tlcreate: alice's file is alice:alice", (ALICE, ALICE),
             owner("pub/a_file"))
    alice.at(lambda f: alice.c.mkdir(f, "a_dir", 0o755, ALICE), "pub")
    check_eq("Tmkdir: alice:alice", (ALICE, ALICE), owner("pub/a_dir"))
    alice.at(lambda f: alice.c.symlink(f, "a_link", "a_file", ALICE), "pub")
    check_eq("Tsymlink: alice:alice", (ALICE, ALICE), owner("pub/a_link"))
    alice.at(lambda f: alice.c.mknod(f, "a_fifo", stat.S_IFIFO | 0o644,
                                     0, 0, ALICE), "pub")
    check("Tmknod FIFO: a FIFO, alice:alice",
          stat.S_ISFIFO(host("pub/a_fifo").st_mode) and
          owner("pub/a_fifo") == (ALICE, ALICE), str(host("pub/a_fifo")))
    alice.at(lambda f: alice.c.mknod(f, "a_sock", stat.S_IFSOCK | 0o644,
                                     0, 0, ALICE), "pub")
    check("Tmknod socket: a socket, alice:alice",
          stat.S_ISSOCK(host("pub/a_sock").st_mode) and
          owner("pub/a_sock") == (ALICE, ALICE), str(host("pub/a_sock")))
    bob.c.clunk(bob.create("pub/b_file", gid=STAFF))
    check_eq("Tlcreate with gid staff (bob's supplementary group): bob:staff",
             (BOB, STAFF), owner("pub/b_file"))
    carol.c.clunk(carol.create("pub/c_file", gid=STAFF))
    check_eq("Tlcreate with gid staff, carol not in it: carol:carol",
             (CAROL, CAROL), owner("pub/c_file"))
    expect("Tmknod char device as root: EPERM (--export has no "
           "--allow-devices)", errno.EPERM,
           lambda: root.at(lambda f: root.c.mknod(
               f, "dev", stat.S_IFCHR | 0o600, 1, 3, 0), "pub"))

    # -- permission bits, supplementary groups
    hfile("staff_rw", 0o660, 0, STAFF, b"staff\n")
    f = None
    expect("alice (staff by supplementary group) opens a 0660 root:staff "
           "file O_RDWR", 0, lambda: alice.c.clunk(
               alice.open("staff_rw", O_RDWR)))
    f = alice.open("staff_rw", O_RDONLY)
    check_eq("... and reads it", b"staff\n", alice.c.read(f, 0, 100))
    alice.c.clunk(f)
    expect("carol (other) opens it: EACCES", errno.EACCES,
           carol.open, "staff_rw", O_RDONLY)
    hfile("other_only", 0o604, 0, STAFF)
    expect("carol (other) reads a 0604 root:staff file", 0,
           lambda: carol.c.clunk(carol.open("other_only", O_RDONLY)))
    expect("alice (group staff, group bits 0) reads it: EACCES (group "
           "bits win)", errno.EACCES, alice.open, "other_only", O_RDONLY)
    hfile("alice_only", 0o600, ALICE, ALICE)
    expect("bob opens alice's 0600 file: EACCES", errno.EACCES,
           bob.open, "alice_only", O_RDONLY)
    expect("alice opens it", 0,
           lambda: alice.c.clunk(alice.open("alice_only", O_RDWR)))
    expect("root opens it (CAP_DAC_OVERRIDE)", 0,
           lambda: root.c.clunk(root.open("alice_only", O_RDWR)))
    hdir("a_home", 0o700, ALICE, ALICE)
    hfile("a_home/inside", 0o644, ALICE, ALICE)
    expect("bob walks into alice's 0700 directory: EACCES", errno.EACCES,
           bob.walk1, "a_home", "inside")
    hdir("a_ro", 0o755, ALICE, ALICE)
    expect("bob creates in alice's 0755 directory: EACCES", errno.EACCES,
           bob.create, "a_ro/x")
    expect("bob mkdir there: EACCES", errno.EACCES, lambda: bob.at(
        lambda f: bob.c.mkdir(f, "d", 0o755, BOB), "a_ro"))
    hdir("staff_dir", 0o770, 0, STAFF)
    expect("bob creates in a 0770 root:staff directory", 0,
           lambda: bob.c.clunk(bob.create("staff_dir/b")))
    expect("carol creates there: EACCES", errno.EACCES,
           carol.create, "staff_dir/c")

    # -- sticky directory
    expect("sticky: bob removes alice's file in a 1777 directory: EPERM",
           errno.EPERM, lambda: bob.at(
               lambda f: bob.c.unlinkat(f, "a_file"), "pub"))
    expect("sticky: bob renames it: EPERM", errno.EPERM, lambda: bob.at(
        lambda f: bob.c.renameat(f, "a_file", f, "stolen"), "pub"))
    expect("sticky: bob replaces it by renaming his file over it: EPERM",
           errno.EPERM, lambda: bob.at(
               lambda f: bob.c.renameat(f, "b_file", f, "a_file"), "pub"))
    expect("sticky: root removes bob's file", 0, lambda: root.at(
        lambda f: root.c.unlinkat(f, "b_file"), "pub"))
    expect("sticky: alice removes her own file", 0, lambda: alice.at(
        lambda f: alice.c.unlinkat(f, "a_file"), "pub"))

    # -- setgid directory
    hdir("shared", 0o777, 0, STAFF)
    os.chmod(os.path.join(E, "shared"), 0o2777)
    alice.c.clunk(alice.create("shared/f", gid=STAFF))
    check_eq("setgid dir: a new file gets the directory's group",
             (ALICE, STAFF), owner("shared/f"))
    carol.c.clunk(carol.create("shared/cf", gid=STAFF))
    check_eq("setgid dir: carol (not in staff) too", (CAROL, STAFF),
             owner("shared/cf"))
    alice.at(lambda f: alice.c.mkdir(f, "sub", 0o755, STAFF), "shared")
    check("setgid dir: a subdirectory gets the group and keeps setgid",
          owner("shared/sub") == (ALICE, STAFF) and
          hmode("shared/sub") & stat.S_ISGID, oct(hmode("shared/sub")))
    hdir("staff_sgid", 0o770, 0, STAFF)
    os.chmod(os.path.join(E, "staff_sgid"), 0o2770)
    expect("a 2770 root:staff directory: carol's create with gid staff is "
           "still EACCES", errno.EACCES, carol.create, "staff_sgid/x",
           O_RDWR, 0o644, STAFF)
    expect("carol sets mode 02755 on her file of group staff", 0,
           setattr_, carol, "shared/cf", SETATTR_MODE, mode=0o2755)
    check_eq("... the kernel drops setgid (not in the group)", 0o755,
             hmode("shared/cf"))
    expect("alice sets mode 02755 on her file of group staff", 0,
           setattr_, alice, "shared/f", SETATTR_MODE, mode=0o2755)
    check_eq("... she is in staff: setgid stays", 0o2755, hmode("shared/f"))

    # -- suid/sgid cleared on write, truncate, chown
    hfile("suid_w", 0o6777, ALICE, STAFF)
    f = bob.open("suid_w", O_WRONLY)
    bob.c.write(f, 0, b"bob")
    bob.c.clunk(f)
    check_eq("bob writes alice's 06777 file: suid and sgid cleared",
             0o777, hmode("suid_w"))
    hfile("suid_t", 0o4777, ALICE, ALICE)
    expect("bob truncates alice's 04777 file", 0,
           setattr_, bob, "suid_t", SETATTR_SIZE, size=1)
    check_eq("... suid cleared", 0o777, hmode("suid_t"))
    hfile("suid_r", 0o4777, ALICE, ALICE)
    f = root.open("suid_r", O_WRONLY)
    root.c.write(f, 0, b"root")
    root.c.clunk(f)
    check_eq("root writes a 04777 file: suid kept (CAP_FSETID)", 0o4777,
             hmode("suid_r"))
    hfile("suid_o", 0o4755, ALICE, ALICE)
    f = alice.open("suid_o", O_WRONLY)
    alice.c.write(f, 0, b"own")
    alice.c.clunk(f)
    check_eq("alice writes her own 04755 file: suid cleared (no "
             "CAP_FSETID for her)", 0o755, hmode("suid_o"))

    # -- chown, chgrp, chmod
    hfile("mine", 0o6755, ALICE, ALICE)
    expect("alice chowns her file to bob: EPERM", errno.EPERM,
           setattr_, alice, "mine", SETATTR_UID, uid=BOB)
    expect("alice chgrps it to proj (not hers): EPERM", errno.EPERM,
           setattr_, alice, "mine", SETATTR_GID, gid=PROJ)
    expect("alice chgrps it to staff (her supplementary group)", 0,
           setattr_, alice, "mine", SETATTR_GID, gid=STAFF)
    check("... group staff, suid and sgid cleared by the chgrp",
          owner("mine") == (ALICE, STAFF) and hmode("mine") == 0o755,
          "%r %o" % (owner("mine"), hmode("mine")))
    expect("bob chmods alice's file: EPERM", errno.EPERM,
           setattr_, bob, "mine", SETATTR_MODE, mode=0o777)
    expect("root chowns it to bob:proj", 0, setattr_, root, "mine",
           SETATTR_UID | SETATTR_GID, uid=BOB, gid=PROJ)
    check_eq("... bob:proj", (BOB, PROJ), owner("mine"))

    # -- utimes
    hfile("t_rw", 0o666, ALICE, ALICE)
    hfile("t_ro", 0o644, ALICE, ALICE)
    expect("bob sets times to now on a file he may write", 0, setattr_,
           bob, "t_rw", SETATTR_ATIME | SETATTR_MTIME)
    expect("bob sets explicit times on it: EPERM (owner only)",
           errno.EPERM, setattr_, bob, "t_rw",
           SETATTR_ATIME | SETATTR_MTIME | SETATTR_ATIME_SET |
           SETATTR_MTIME_SET, atime=(1000, 0), mtime=(1000, 0))
    expect("bob sets times to now on a file he may not write: EACCES",
           errno.EACCES, setattr_, bob, "t_ro",
           SETATTR_ATIME | SETATTR_MTIME)
    expect("alice sets explicit times on her file", 0, setattr_, alice,
           "t_ro", SETATTR_ATIME | SETATTR_MTIME | SETATTR_ATIME_SET |
           SETATTR_MTIME_SET, atime=(1000, 0), mtime=(2000, 0))
    check_eq("... mtime is 2000", 2000, int(host("t_ro").st_mtime))

    # -- O_EXCL, O_TRUNC, O_APPEND
    hdir("flags", 0o777, 0, 0)
    alice.c.clunk(alice.create("flags/f"))
    expect("O_CREAT|O_EXCL on an existing name: EEXIST", errno.EEXIST,
           alice.create, "flags/f", O_RDWR | O_EXCL)
    with open(os.path.join(E, "flags/f"), "wb") as fh:
        fh.write(b"0123456789")
    os.chmod(os.path.join(E, "flags/f"), 0o644)
    expect("bob opens alice's 0644 file O_TRUNC|O_WRONLY: EACCES",
           errno.EACCES, bob.open, "flags/f", O_WRONLY | O_TRUNC)
    check_eq("... and it is not truncated", 10, host("flags/f").st_size)
    alice.c.clunk(alice.open("flags/f", O_WRONLY | O_TRUNC))
    check_eq("alice opens it O_TRUNC: size 0", 0, host("flags/f").st_size)
    with open(os.path.join(E, "flags/f"), "wb") as fh:
        fh.write(b"head")
    f = alice.open("flags/f", O_WRONLY | O_APPEND)
    alice.c.write(f, 0, b"tail")
    alice.c.clunk(f)
    with open(os.path.join(E, "flags/f"), "rb") as fh:
        check_eq("O_APPEND: a write at offset 0 lands at the end",
                 b"headtail", fh.read())

    # -- rename
    alice.c.clunk(alice.create("flags/r1"))
    alice.c.clunk(alice.create("flags/r2"))
    expect("rename over an existing file replaces it", 0, lambda: alice.at(
        lambda f: alice.c.renameat(f, "r1", f, "r2"), "flags"))
    check("... r1 gone, r2 there", not os.path.exists(
        os.path.join(E, "flags/r1")) and os.path.exists(
            os.path.join(E, "flags/r2")))
    alice.at(lambda f: alice.c.mkdir(f, "d1", 0o755, ALICE), "flags")
    alice.at(lambda f: alice.c.mkdir(f, "d2", 0o755, ALICE), "flags")
    alice.c.clunk(alice.create("flags/d2/x"))
    expect("rename a directory onto a non-empty one: ENOTEMPTY",
           errno.ENOTEMPTY, lambda: alice.at(
               lambda f: alice.c.renameat(f, "d1", f, "d2"), "flags"))
    expect("rename a directory onto a file: ENOTDIR", errno.ENOTDIR,
           lambda: alice.at(
               lambda f: alice.c.renameat(f, "d1", f, "r2"), "flags"))

    # -- hard links
    alice.c.clunk(alice.create("flags/l"))
    expect("Tlink", 0, lambda: alice.do(lambda d: alice.do(
        lambda f: alice.c.link(d, f, "l2"), "flags/l"), "flags"))
    f = alice.walk("flags/l")
    check_eq("link count 2 through 9P", 2, alice.c.getattr(f)["nlink"])
    alice.at(lambda d: alice.c.unlinkat(d, "l2"), "flags")
    check_eq("link count 1 after unlink of the other name", 1,
             alice.c.getattr(f)["nlink"])
    alice.c.clunk(f)
    with open("/proc/sys/fs/protected_hardlinks") as fh:
        protected = fh.read().strip() == "1"
    if protected:
        expect("bob links alice's 0600 file (protected_hardlinks=1): EPERM",
               errno.EPERM, lambda: bob.do(lambda d: bob.do(
                   lambda f: bob.c.link(d, f, "stolen"), "alice_only"),
                   "pub"))
    else:
        ok("# protected_hardlinks is 0 here: hard link rule not checked")

    # -- an open file unlinked
    f = alice.create("flags/gone", O_RDWR)
    alice.c.write(f, 0, b"still here")
    alice.at(lambda d: alice.c.unlinkat(d, "gone"), "flags")
    check("unlinked: gone from the directory", not os.path.exists(
        os.path.join(E, "flags/gone")))
    check_eq("unlinked: the open fid still reads", b"still here",
             alice.c.read(f, 0, 100))
    expect("unlinked: and writes", 0, alice.c.write, f, 10, b"!")
    a = {}
    expect("unlinked: Tgetattr works", 0,
           lambda: a.update(alice.c.getattr(f)))
    check("unlinked: nlink 0, size 11",
          a.get("nlink") == 0 and a.get("size") == 11, str(a))
    expect("unlinked: truncate through the fid", 0,
           alice.c.setattr, f, SETATTR_SIZE, 0, 0, 0, 4)
    check_eq("unlinked: read after truncate", b"stil",
             alice.c.read(f, 0, 100))
    alice.c.clunk(f)

    # -- names and long paths
    hdir("names", 0o777, 0, 0)
    n255 = "n" * 255
    expect("a name of 255 bytes", 0,
           lambda: alice.c.clunk(alice.create("names/" + n255)))
    check("... on disk", os.path.exists(os.path.join(E, "names", n255)))
    expect("a name of 256 bytes: ENAMETOOLONG", errno.ENAMETOOLONG,
           alice.create, "names/" + "n" * 256)
    expect("a walk to a name of 256 bytes: ENAMETOOLONG",
           errno.ENAMETOOLONG, alice.walk1, "names", "m" * 256)
    comp = "d" * 200
    parts = []
    d = alice.walk("names")
    for i in range(21):  # 21 * 201 bytes: past PATH_MAX below the export
        alice.c.mkdir(d, comp, 0o755, ALICE)
        nd = alice.fid()
        alice.c.walk(d, nd, [comp])
        alice.c.clunk(d)
        d = nd
        parts.append(comp)
    alice.c.lcreate(d, "leaf", O_RDWR, 0o644, ALICE)
    alice.c.write(d, 0, b"deep")
    alice.c.clunk(d)
    deep = "names/" + "/".join(parts) + "/leaf"
    check("a file %d bytes below the export root (past PATH_MAX) made and "
          "read back" % len(deep),
          len(deep) > 4096 and alice.c.read(alice.open(deep, O_RDONLY),
                                            0, 10) == b"deep")
    t4095 = "t" * 4095
    expect("a symlink target of 4095 bytes", 0, lambda: alice.at(
        lambda f: alice.c.symlink(f, "s4095", t4095, ALICE), "names"))
    check_eq("... Treadlink gives it back", t4095,
             alice.do(alice.c.readlink, "names/s4095"))
    expect("a symlink target of 4096 bytes: ENAMETOOLONG",
           errno.ENAMETOOLONG, lambda: alice.at(
               lambda f: alice.c.symlink(f, "s4096", "t" * 4096, ALICE),
               "names"))

    for u in (root, alice, bob, carol):
        u.c.close()
    check("ninegate still serves", gw.alive())
    gw.stop()


def run_devices():
    gw = started(Gateway(exe, ["--seccomp", "kill", "-l", ADDR],
                         ["--", pt_exe, "--allow-devices", E, "{}"],
                         workdir=top, env=env))
    hdir("dev", 0o1777, 0, 0)
    root, alice = User(ROOT), User(ALICE)
    expect("root makes a character device 1:3 with gid staff", 0,
           lambda: root.at(lambda f: root.c.mknod(
               f, "null", stat.S_IFCHR | 0o666, 1, 3, STAFF), "dev"))
    st = host("dev/null")
    check("... a char device, rdev 1:3, root:staff",
          stat.S_ISCHR(st.st_mode) and os.major(st.st_rdev) == 1 and
          os.minor(st.st_rdev) == 3 and (st.st_uid, st.st_gid) == (0, STAFF),
          str(st))
    expect("alice makes one: EPERM (no CAP_MKNOD)", errno.EPERM,
           lambda: alice.at(lambda f: alice.c.mknod(
               f, "mine", stat.S_IFCHR | 0o666, 1, 3, ALICE), "dev"))
    expect("alice makes a FIFO there", 0, lambda: alice.at(
        lambda f: alice.c.mknod(f, "fifo", stat.S_IFIFO | 0o644, 0, 0,
                                ALICE), "dev"))
    check_eq("... alice:alice", (ALICE, ALICE), owner("dev/fifo"))
    for u in (root, alice):
        u.c.close()
    gw.stop()


def run_unpriv():
    os.chown(E, ALICE, ALICE)
    os.chown(top, ALICE, ALICE)  # the socket goes here
    hfile("alice_only", 0o600, ALICE, ALICE, b"secret\n")
    gw = started(Gateway("setpriv", [
        "--reuid=%d" % ALICE, "--regid=%d" % ALICE, "--clear-groups",
        "--inh-caps=-all", exe, "--seccomp", "kill", "-l", ADDR],
        ["--export", E], workdir=top, env=env))
    check("start-up line: every file owned by uid 2001",
          gw.wait_log("every file is created owned by uid 2001"), gw.log())
    alice, bob = User(ALICE), User(BOB)
    bob.c.clunk(bob.create("b_file", gid=BOB))
    check_eq("bob's new file is alice's (the backend's uid)",
             (ALICE, ALICE), owner("b_file"))
    bob.at(lambda f: bob.c.mkdir(f, "b_dir", 0o755, BOB), "")
    check_eq("bob's new directory too", (ALICE, ALICE), owner("b_dir"))
    expect("bob opens alice's 0600 file O_RDWR (checked as uid 2001)", 0,
           lambda: bob.c.clunk(bob.open("alice_only", O_RDWR)))
    expect("chown to bob: EPERM (the backend cannot)", errno.EPERM,
           setattr_, bob, "b_file", SETATTR_UID, uid=BOB)
    root = User(ROOT)
    expect("root's chown to bob: EPERM too", errno.EPERM,
           setattr_, root, "b_file", SETATTR_UID, uid=BOB)
    expect("bob chmods alice's file (same uid to the kernel)", 0,
           setattr_, bob, "alice_only", SETATTR_MODE, mode=0o640)
    bob.at(lambda f: bob.c.mknod(f, "fifo", stat.S_IFIFO | 0o644, 0, 0,
                                 BOB), "")
    check_eq("a FIFO of bob's is alice's", (ALICE, ALICE), owner("fifo"))
    common(bob)
    for u in (alice, bob, root):
        u.c.close()
    gw.stop()


def run_sshfs():
    if shutil.which("sshfs") is None:
        skip("sshfs not found (Debian package sshfs)")
    srv = next((p for p in ("/usr/lib/openssh/sftp-server",
                            "/usr/libexec/openssh/sftp-server",
                            "/usr/lib/ssh/sftp-server") if os.access(p, os.X_OK)),
               None)
    if srv is None:
        skip("no sftp-server (Debian package openssh-sftp-server)")
    os.chown(E, CAROL, CAROL)
    wrapper = os.path.join(top, "ssh-wrapper")
    with open(wrapper, "w") as f:
        # sshfs passes ssh arguments; the SFTP peer is a local
        # sftp-server running as carol.
        f.write("#!/bin/sh\nexec setpriv --reuid=%d --regid=%d "
                "--clear-groups %s\n" % (CAROL, CAROL, srv))
    os.chmod(wrapper, 0o755)
    hfile("alice_only", 0o600, ALICE, ALICE, b"secret\n")
    gw = started(Gateway(exe, ["--seccomp", "kill", "-l", ADDR],
                         ["--", "sshfs", "-f", "-o",
                          "ssh_command=" + wrapper, "localhost:" + E, "{}"],
                         workdir=top, env=env))
    alice, bob = User(ALICE), User(BOB)
    alice.c.clunk(alice.create("a_file", mode=0o644))
    check_eq("alice's new file belongs to the sftp user (carol)",
             (CAROL, CAROL), owner("a_file"))
    f = bob.open("a_file", O_WRONLY)
    bob.c.write(f, 0, b"bob")
    bob.c.clunk(f)
    with open(os.path.join(E, "a_file"), "rb") as fh:
        check_eq("bob writes alice's 0644 file (one sftp identity)",
                 b"bob", fh.read())
    expect("alice reads alice's 0600 file: EACCES (carol cannot)",
           errno.EACCES, alice.open, "alice_only", O_RDONLY)
    got = err_of(setattr_, alice, "a_file", SETATTR_UID, uid=ALICE)
    check("chown to alice is refused (sftp-server is not root): %s" %
          errno.errorcode.get(got, got), got != 0 and
          owner("a_file") == (CAROL, CAROL))
    common(alice, want_fifo=errno.EPERM, want_long=errno.EBADMSG,
           want_excl=errno.EPERM)
    for u in (alice, bob):
        u.c.close()
    gw.stop()


def run_rclone():
    if shutil.which("rclone") is None:
        skip("rclone not found (Debian package rclone)")
    conf = os.path.join(top, "rclone.conf")
    open(conf, "w").close()
    hfile("alice_only", 0o600, ALICE, ALICE, b"secret\n")
    gw = started(Gateway(exe, ["--seccomp", "kill", "-l", ADDR], [
        "--", "rclone", "mount2", "--config", conf, "--cache-dir",
        os.path.join(top, "cache"), "--vfs-cache-mode", "writes",
        "--vfs-write-back", "0s", E, "{}"], workdir=top, env=env))
    alice, bob = User(ALICE), User(BOB)
    f = alice.create("a_file", mode=0o600)
    alice.c.write(f, 0, b"alice")
    alice.c.clunk(f)
    f = alice.walk("a_file")
    a = alice.c.getattr(f)
    alice.c.clunk(f)
    check("alice's new file is reported as rclone's (uid 0), mode %o" %
          (a["mode"] & 0o7777), a["uid"] == 0 and a["gid"] == 0, str(a))
    check_eq("bob reads alice's 0600 file (rclone checks nothing)",
             b"secret\n", bob.c.read(bob.open("alice_only", O_RDONLY),
                                      0, 100))
    got = err_of(setattr_, alice, "a_file", SETATTR_UID, uid=ALICE)
    f = alice.walk("a_file")
    a = alice.c.getattr(f)
    alice.c.clunk(f)
    check("chown is not kept (%s; uid still %d)" % (
        errno.errorcode.get(got, "no error"), a["uid"]), a["uid"] == 0)
    common(alice, want_fifo=errno.EOPNOTSUPP, want_long=errno.EIO,
           want_unlinked=errno.ENOENT)
    for u in (alice, bob):
        u.c.close()
    gw.stop()


{"root": run_root, "devices": run_devices, "unpriv": run_unpriv,
 "sshfs": run_sshfs, "rclone": run_rclone}[mode]()
finish()
