# SPDX-License-Identifier: MIT
"""Shared by the t_gw_*.py integration tests (imported, not run): start
ninegate and stop it (a death by SIGSYS fails with the --seccomp trap hint),
a minimal 9P2000.L client that builds frames by hand so tests can also send
wrong ones, and TAP-style check counting.

It is deliberately small and synchronous: it knows only the messages the
tests send, decodes only what they look at, and is not a 9P library.
"""

import atexit
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

# 9P2000.L message types (T; R is T + 1) and the classic ones.
TLERROR = 6
TSTATFS = 8
TLOPEN = 12
TLCREATE = 14
TSYMLINK = 16
TMKNOD = 18
TRENAME = 20
TREADLINK = 22
TGETATTR = 24
TSETATTR = 26
TXATTRWALK = 30
TXATTRCREATE = 32
TREADDIR = 40
TFSYNC = 50
TLOCK = 52
TGETLOCK = 54
TLINK = 70
TMKDIR = 72
TRENAMEAT = 74
TUNLINKAT = 76
TVERSION = 100
TAUTH = 102
TATTACH = 104
RERROR = 107
TFLUSH = 108
TWALK = 110
TREAD = 116
TWRITE = 118
TCLUNK = 120
TREMOVE = 122
RLERROR = 7
NOFID = 0xFFFFFFFF
NOTAG = 0xFFFF

# ------------------------------------------------------------------ checks

_checks = 0
_fails = 0


def ok(what):
    global _checks
    _checks += 1
    print("ok %d - %s" % (_checks, what), flush=True)


def not_ok(what, detail=None):
    global _checks, _fails
    _checks += 1
    _fails += 1
    print("not ok %d - %s" % (_checks, what), flush=True)
    if detail is not None:
        for line in str(detail).splitlines():
            print("#   " + line, flush=True)


def check(what, cond, detail=None):
    if cond:
        ok(what)
    else:
        not_ok(what, detail)
    return cond


def check_eq(what, expected, actual):
    return check(what, expected == actual,
                 "expected: %r\nactual:   %r" % (expected, actual))


def skip(why):
    print("SKIP: " + why, file=sys.stderr, flush=True)
    sys.exit(77)


def finish(gw=None):
    if gw is not None:
        gw.stop()
    print("1..%d" % _checks)
    if _fails:
        print("%d of %d checks failed" % (_fails, _checks), file=sys.stderr)
        sys.exit(1)
    sys.exit(0)


# ------------------------------------------------------------------ gateway

def scratch_dir(prefix):
    """A scratch directory, removed at exit unless T_KEEP is set."""
    d = tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("TMPDIR"))
    if not os.environ.get("T_KEEP"):
        atexit.register(shutil.rmtree, d, True)
    return d


def sanitizer_env(env=None):
    """LeakSanitizer cannot run inside the gateway's seccomp filter."""
    env = dict(os.environ if env is None else env)
    asan = env.get("ASAN_OPTIONS", "")
    if "detect_leaks" not in asan:
        env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "detect_leaks=0"
    return env


def status_text(rc):
    if rc is None:
        return "still running"
    if rc < 0:
        return "killed by %s" % signal.Signals(-rc).name
    return "exit %d" % rc


class Gateway:
    """ninegate as a child: `Gateway(exe, ["-l", "unix:..."], ["--export",
    d])`. The log goes to a file; wait_log() polls it."""

    def __init__(self, exe, args, backend, workdir=None, env=None,
                 pass_fds=(), stdin=None, stdout=None, wait=True):
        self.workdir = workdir or scratch_dir("t_gw.")
        fd, self.logpath = tempfile.mkstemp(prefix="ninegate.", suffix=".log",
                                            dir=self.workdir)
        os.close(fd)
        # Every run is under the real filter; NINEGATE_SECCOMP=trap names
        # the call that killed it.
        seccomp = ["--seccomp", os.environ.get("NINEGATE_SECCOMP", "kill")]
        self.argv = [exe] + list(args) + seccomp + list(backend)
        self.logf = open(self.logpath, "ab")
        self.proc = subprocess.Popen(
            self.argv, stdin=stdin, stdout=stdout, stderr=self.logf,
            env=sanitizer_env(env), pass_fds=pass_fds)
        self.rc = None
        self.kids = []
        atexit.register(self._kill)
        if wait and not self.wait_log("ninegate: sandbox:", 30):
            not_ok("ninegate started", self.log())
            self.stop()
            finish()
        if wait:
            self.kids = [(k, start_time(k)) for k in children_of(self.pid)]

    def _kill(self):
        """At exit, if the test ended before stop(): nothing of ours keeps
        running."""
        if self.rc is not None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        for k, start in self.kids:
            if start is not None and start_time(k) == start:
                try:
                    os.kill(k, signal.SIGKILL)
                except OSError:
                    pass

    @property
    def pid(self):
        return self.proc.pid

    @property
    def backend_pid(self):
        """The backend's pid as it was at start, or None."""
        return self.kids[0][0] if self.kids else None

    def log(self):
        with open(self.logpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_log(self, text, timeout=10.0, count=1):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.log().count(text) >= count:
                return True
            if self.proc.poll() is not None:
                return self.log().count(text) >= count
            time.sleep(0.02)
        return False

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, expect_rc=0):
        """Signal it, wait, and check how it ended (once)."""
        if self.rc is not None:
            return self.rc
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.rc = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            not_ok("ninegate ended within 30 s of %s" %
                   signal.Signals(sig).name, self.log())
            self.proc.kill()
            self.rc = self.proc.wait()
        self.logf.close()
        log = self.log()
        if "runtime error:" in log or ("Sanitizer" in log and "ERROR:" in log):
            not_ok("no sanitizer report in the log", log)
        for k, start in self.kids:      # a backend it could not stop
            if not pid_gone(k, 0.5) and start_time(k) == start:
                not_ok("backend %d ended with ninegate" % k)
                try:
                    os.kill(k, signal.SIGKILL)
                except OSError:
                    pass
        if self.rc == -signal.SIGSYS:
            not_ok("ninegate was not killed by the sandbox",
                   "ninegate died by SIGSYS: rerun with NINEGATE_SECCOMP="
                   "trap (--seccomp trap) to name the call\n" + self.log())
        elif expect_rc is not None:
            check_eq("ninegate ended with exit %d after %s" %
                     (expect_rc, signal.Signals(sig).name),
                     status_text(expect_rc), status_text(self.rc))
        return self.rc


def children_of(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def start_time(pid):
    """pid's start time (/proc/PID/stat field 22), None if it is gone:
    with the pid it names one process, never a later one reusing it."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def pid_gone(pid, timeout=10.0):
    """True once pid has ended (no such process, or a zombie)."""
    end = time.monotonic() + timeout
    while True:
        try:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except (OSError, IndexError):
            return True
        if time.monotonic() >= end:
            return False
        time.sleep(0.02)


def vmrss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


# ------------------------------------------------------------------ 9P


def s(text):
    b = text.encode() if isinstance(text, str) else text
    return struct.pack("<H", len(b)) + b


def frame(mtype, tag, body=b""):
    return struct.pack("<IBH", 7 + len(body), mtype, tag) + body


class P9Error(Exception):
    def __init__(self, errno_, text=""):
        super().__init__("%s (errno %d)" % (text or os.strerror(errno_),
                                            errno_))
        self.errno = errno_


class Reader:
    def __init__(self, data):
        self.d = data
        self.o = 0

    def take(self, n):
        b = self.d[self.o:self.o + n]
        if len(b) != n:
            raise ValueError("short reply")
        self.o += n
        return b

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return struct.unpack("<H", self.take(2))[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def str(self):
        return self.take(self.u16()).decode("utf-8", "surrogateescape")

    def qid(self):
        t, v, p = struct.unpack("<BIQ", self.take(13))
        return (t, v, p)


class PipeSock:
    """The socket calls Conn uses, over a read fd and a write fd (the
    stdio transport)."""

    def __init__(self, rfd, wfd):
        self.rfd, self.wfd = rfd, wfd
        self.timeout = 20.0

    def settimeout(self, t):
        self.timeout = t

    def sendall(self, data):
        view = memoryview(data)
        while view:
            view = view[os.write(self.wfd, view):]

    def recv(self, n):
        r, _, _ = select.select([self.rfd], [], [], self.timeout)
        if not r:
            raise socket.timeout("no reply in %.1f s" % self.timeout)
        return os.read(self.rfd, n)

    def close(self):
        for fd in (self.rfd, self.wfd):
            try:
                os.close(fd)
            except OSError:
                pass


class Conn:
    """One 9P connection over a stream socket (or a pair of pipe fds)."""

    def __init__(self, addr=None, sock=None, timeout=20.0):
        if sock is None:
            if addr.startswith("unix:"):
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(timeout)
                sock.connect(addr[5:])
            else:
                host, port = addr[4:].rsplit(":", 1)
                sock = socket.create_connection((host, int(port)), timeout)
        sock.settimeout(timeout)
        self.sock = sock
        self.buf = b""
        self.tag = 0
        self.msize = 8192

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def recv_frame(self):
        """Next whole frame as (type, tag, body); None at EOF."""
        while True:
            if len(self.buf) >= 4:
                size = struct.unpack("<I", self.buf[:4])[0]
                if size < 7:
                    raise ValueError("reply size %d" % size)
                if len(self.buf) >= size:
                    f, self.buf = self.buf[:size], self.buf[size:]
                    return f[4], struct.unpack("<H", f[5:7])[0], f[7:]
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                return None
            self.buf += chunk

    def closed_by_peer(self, timeout=10.0):
        """True when the server ends the connection (EOF or reset) without
        sending anything more."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def next_tag(self):
        self.tag = (self.tag + 1) % 0xFFFF
        return self.tag

    def rpc(self, mtype, body=b"", tag=None):
        tag = self.next_tag() if tag is None else tag
        self.send(frame(mtype, tag, body))
        r = self.recv_frame()
        if r is None:
            raise ConnectionError("connection closed by the server")
        rtype, rtag, rbody = r
        if rtag != tag:
            raise ValueError("reply tag %d for tag %d" % (rtag, tag))
        if rtype == RLERROR:
            raise P9Error(struct.unpack("<I", rbody[:4])[0])
        if rtype == RERROR:
            rd = Reader(rbody)
            raise P9Error(0, rd.str())
        if rtype != mtype + 1:
            raise ValueError("reply type %d to %d" % (rtype, mtype))
        return Reader(rbody)

    # --- messages
    def version(self, msize=65536, version="9P2000.L"):
        r = self.rpc(TVERSION, struct.pack("<I", msize) + s(version),
                     tag=NOTAG)
        self.msize = r.u32()
        return self.msize, r.str()

    def attach(self, fid=0, uname="root", aname="", n_uname=0):
        return self.rpc(TATTACH, struct.pack("<II", fid, NOFID) + s(uname) +
                        s(aname) + struct.pack("<I", n_uname)).qid()

    def walk(self, fid, newfid, names):
        b = struct.pack("<IIH", fid, newfid, len(names))
        for n in names:
            b += s(n)
        r = self.rpc(TWALK, b)
        return [r.qid() for _ in range(r.u16())]

    def walkpath(self, fid, newfid, path):
        names = [p for p in path.split("/") if p]
        qids = self.walk(fid, newfid, names)
        if len(qids) != len(names):
            self.clunk(newfid) if len(names) == 0 else None
            raise P9Error(2)
        return qids

    def clunk(self, fid):
        self.rpc(TCLUNK, struct.pack("<I", fid))

    def remove(self, fid):
        self.rpc(TREMOVE, struct.pack("<I", fid))

    def lopen(self, fid, flags):
        r = self.rpc(TLOPEN, struct.pack("<II", fid, flags))
        return r.qid(), r.u32()

    def lcreate(self, fid, name, flags, mode, gid=0):
        r = self.rpc(TLCREATE, struct.pack("<I", fid) + s(name) +
                     struct.pack("<III", flags, mode, gid))
        return r.qid(), r.u32()

    def read(self, fid, offset, count):
        r = self.rpc(TREAD, struct.pack("<IQI", fid, offset, count))
        return r.take(r.u32())

    def write(self, fid, offset, data):
        r = self.rpc(TWRITE, struct.pack("<IQI", fid, offset, len(data)) +
                     data)
        return r.u32()

    def getattr(self, fid, mask=0x3FFF):
        r = self.rpc(TGETATTR, struct.pack("<IQ", fid, mask))
        a = {"valid": r.u64(), "qid": r.qid(), "mode": r.u32(),
             "uid": r.u32(), "gid": r.u32(), "nlink": r.u64(),
             "rdev": r.u64(), "size": r.u64(), "blksize": r.u64(),
             "blocks": r.u64()}
        for t in ("atime", "mtime", "ctime", "btime"):
            a[t] = (r.u64(), r.u64())
        return a

    def setattr(self, fid, valid, mode=0, uid=0, gid=0, size=0,
                atime=(0, 0), mtime=(0, 0)):
        self.rpc(TSETATTR, struct.pack("<IIIIIQQQQQ", fid, valid, mode, uid,
                                       gid, size, atime[0], atime[1],
                                       mtime[0], mtime[1]))

    def readdir(self, fid, offset=0, count=8192):
        r = self.rpc(TREADDIR, struct.pack("<IQI", fid, offset, count))
        n = r.u32()
        d = Reader(r.take(n))
        out = []
        while d.o < n:
            q = d.qid()
            off = d.u64()
            typ = d.u8()
            out.append((d.str(), q, off, typ))
        return out

    def readdir_all(self, fid):
        names, off = [], 0
        while True:
            ents = self.readdir(fid, off)
            if not ents:
                return names
            names += [e[0] for e in ents]
            off = ents[-1][2]

    def mkdir(self, dfid, name, mode, gid=0):
        return self.rpc(TMKDIR, struct.pack("<I", dfid) + s(name) +
                        struct.pack("<II", mode, gid)).qid()

    def symlink(self, dfid, name, target, gid=0):
        return self.rpc(TSYMLINK, struct.pack("<I", dfid) + s(name) +
                        s(target) + struct.pack("<I", gid)).qid()

    def mknod(self, dfid, name, mode, major=0, minor=0, gid=0):
        return self.rpc(TMKNOD, struct.pack("<I", dfid) + s(name) +
                        struct.pack("<IIII", mode, major, minor, gid)).qid()

    def readlink(self, fid):
        return self.rpc(TREADLINK, struct.pack("<I", fid)).str()

    def link(self, dfid, fid, name):
        self.rpc(TLINK, struct.pack("<II", dfid, fid) + s(name))

    def rename(self, fid, dfid, name):
        self.rpc(TRENAME, struct.pack("<II", fid, dfid) + s(name))

    def renameat(self, odfid, oname, ndfid, nname):
        self.rpc(TRENAMEAT, struct.pack("<I", odfid) + s(oname) +
                 struct.pack("<I", ndfid) + s(nname))

    def unlinkat(self, dfid, name, flags=0):
        self.rpc(TUNLINKAT, struct.pack("<I", dfid) + s(name) +
                 struct.pack("<I", flags))

    def statfs(self, fid):
        r = self.rpc(TSTATFS, struct.pack("<I", fid))
        return {"type": r.u32(), "bsize": r.u32(), "blocks": r.u64(),
                "bfree": r.u64(), "bavail": r.u64(), "files": r.u64(),
                "ffree": r.u64(), "fsid": r.u64(), "namelen": r.u32()}

    def fsync(self, fid, datasync=0):
        self.rpc(TFSYNC, struct.pack("<II", fid, datasync))

    def lock(self, fid, ltype, start=0, length=0, proc_id=1, flags=0,
             client="t_gw"):
        return self.rpc(TLOCK, struct.pack("<IBIQQI", fid, ltype, flags,
                                           start, length, proc_id) +
                        s(client)).u8()

    def getlock(self, fid, ltype, start=0, length=0, proc_id=1,
                client="t_gw"):
        r = self.rpc(TGETLOCK, struct.pack("<IBQQI", fid, ltype, start,
                                           length, proc_id) + s(client))
        return (r.u8(), r.u64(), r.u64(), r.u32(), r.str())

    def xattrwalk(self, fid, newfid, name):
        return self.rpc(TXATTRWALK, struct.pack("<II", fid, newfid) +
                        s(name)).u64()

    def xattrcreate(self, fid, name, size, flags=0):
        self.rpc(TXATTRCREATE, struct.pack("<I", fid) + s(name) +
                 struct.pack("<QI", size, flags))

    def flush(self, oldtag):
        self.rpc(TFLUSH, struct.pack("<H", oldtag))


def connect_session(addr, msize=65536, uname="root", n_uname=0):
    c = Conn(addr)
    c.version(msize)
    c.attach(0, uname, "", n_uname)
    return c


def wait_connectable(addr, proc=None, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            Conn(addr, timeout=2).close()
            return True
        except OSError:
            if proc is not None and proc.poll() is not None:
                return False
            time.sleep(0.02)
    return False


def free_port():
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]
