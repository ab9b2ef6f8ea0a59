/* SPDX-License-Identifier: MIT */
/*
 * The seccomp allow-lists (gateway and passthrough backend) and the code
 * that turns a list into a loaded libseccomp filter. One syscall per row,
 * with its reason; an argument filter where it is cheap; harmless libc
 * probes get an errno; everything else takes the mode's default action
 * (kill the process, trap and name it, or log it).
 *
 * This file does not decide when the filter goes on (sb_enter.c) and does
 * not print (the trap handler is sb_trap.c).
 *
 * How the lists were validated (Debian 12 userland, kernel 6.18, x86_64,
 * glibc 2.36, libevent 2.1.12, libseccomp 2.5.4, gcc 12; SANDBOX.md §6):
 *  - gateway: SANDBOX.md §7.2 plus pidfd_send_signal (TERM/KILL),
 *    waitid(P_PIDFD) and poll/ppoll. The positive probes of
 *    tests/unit/test_sb_gateway.c (libevent echo with a SIGTERM event and
 *    event_base_free, 64 MiB realloc + malloc_trim, SEQPACKET sendmsg/
 *    recvmsg, accept4, pidfd kill + reap, abort, exit()) were run in log
 *    mode (NINEGATE_SB_TEST_MODE=log CK_RUN_CASE=allowed) as root, reading
 *    the audit type=1326 lines in dmesg: none in a plain build. In the
 *    ASan+UBSan build, with the sanitizer rows left out, the log and
 *    strace showed madvise NOHUGEPAGE/DONTDUMP and sigaltstack (allocator,
 *    exit), ioctl TCGETS (report colours), and open + readlink of
 *    /proc/self/{exe,cmdline,environ} (UBSan's first report): those are
 *    the SB_W_SANITIZER rows and the TCGETS row. Then everything passes
 *    in kill mode, including complete ASan and UBSan reports.
 *  - backend: SANDBOX.md §7.3 (virtiofsd's list, trimmed), plus what
 *    fuse_glue/fg_pt_*.c calls (dup, fchmodat2, the *xattrat calls).
 *    test_sb_backend.c's work probe passes in kill mode, and the real
 *    ninegate-passthrough, built with the sandbox and mounted through
 *    /dev/fuse, served create/write/read/mkdir/rename/chmod/chown/
 *    truncate/symlink/link/xattrs/statfs/fsync/fallocate/flock/lockf/
 *    utimes/mkfifo/unlink/rmdir in log mode with no audit line but the
 *    clone3 ENOSYS row, and the same in kill mode. Paths not exercised
 *    there (interrupts, error paths) still need log-mode runs of the
 *    backend's own tests. Acting as each caller (fg_pt_creds.c) added
 *    setgroups, capset, capget and getgroups for a root backend; the
 *    perm_* integration tests run it in kill mode.
 */
#include "sb_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/wait.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The flags glibc 2.36's pthread_create passes to clone. */
#define SB_PTHREAD_CLONE_FLAGS                                                 \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |    \
	    CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |               \
	    CLONE_CHILD_CLEARTID)

/* int arguments: compare the low 32 bits only, as the kernel reads them. */
#define SB_INT 0xffffffffu

/* ------------------------------------------------------------ gateway */

/* clang-format off: one row per syscall reads better than the formatter */
const struct sb_row sb_gateway_rows[] = {
    /* event loop */
    {.name = "epoll_wait", .why = "libevent epoll backend (x86_64)"},
    {.name = "epoll_pwait", .why = "libevent epoll backend (aarch64)"},
    {.name = "epoll_ctl", .why = "connections come and go"},
    {.name = "poll", .why = "blocking waits at shutdown"},
    {.name = "ppoll", .why = "blocking waits at shutdown (aarch64)"},
    /* sockets and pipes already open */
    {.name = "accept4", .why = "listeners (NONBLOCK|CLOEXEC)"},
    {.name = "read", .why = "stdio transport, libevent signal pipe"},
    {.name = "readv", .why = "bufferevent reads"},
    {.name = "write", .why = "logs, bufferevent, signal-handler byte"},
    {.name = "writev", .why = "bufferevent writes"},
    {.name = "recvmsg",
        .why = "FUSE SEQPACKET reads (no control buffer: no fds in)"},
    {.name = "sendmsg", .why = "FUSE SEQPACKET writes"},
    {.name = "close", .why = "connection end, teardown"},
    {.name = "shutdown", .why = "half-close of a connection"},
    {.name = "getsockname", .why = "log subjects"},
    {.name = "getpeername", .why = "log subjects"},
    {.name = "ioctl",
        .op = SB_IN,
        .idx = 1,
        .nv = 1,
        .v = {FIONREAD},
        .why = "libevent evbuffer_read sizing"},
    {.name = "ioctl",
        .err = ENOTTY,
        .op = SB_IN,
        .idx = 1,
        .nv = 1,
        .v = {TCGETS},
        .why = "isatty(): stdio on a tty, sanitizer report colours"},
    {.name = "fcntl",
        .op = SB_MASK_IN,
        .idx = 1,
        .mask = SB_INT,
        .nv = 4,
        .v = {F_GETFL, F_SETFL, F_GETFD, F_SETFD},
        .why = "nonblocking/cloexec on inherited fds"},
    /* memory */
    {.name = "brk", .why = "malloc main arena"},
    {.name = "mmap",
        .op = SB_MASK_IN,
        .idx = 2,
        .mask = PROT_EXEC,
        .nv = 1,
        .v = {0},
        .why = "large buffers; never executable"},
    {.name = "mprotect",
        .op = SB_MASK_IN,
        .idx = 2,
        .mask = PROT_EXEC,
        .nv = 1,
        .v = {0},
        .why = "malloc heaps; never executable"},
    {.name = "munmap", .why = "free of mmapped chunks"},
    {.name = "mremap", .why = "realloc of mmapped chunks"},
    {.name = "madvise",
        .op = SB_MASK_IN,
        .idx = 2,
        .mask = SB_INT,
        .nv = 2,
        .v = {MADV_DONTNEED, MADV_FREE},
        .why = "malloc_trim and free"},
    {.name = "madvise",
        .when = SB_W_SANITIZER,
        .op = SB_MASK_IN,
        .idx = 2,
        .mask = SB_INT,
        .nv = 2,
        .v = {MADV_NOHUGEPAGE, MADV_DONTDUMP},
        .why = "ASan allocator and shadow mappings"},
    /* time (the vDSO answers these unless the clocksource forbids it) */
    {.name = "clock_gettime", .why = "vDSO fallback"},
    {.name = "clock_getres", .why = "vDSO fallback"},
    {.name = "gettimeofday", .why = "vDSO fallback"},
    {.name = "time", .why = "vDSO fallback"},
    /* signals, abort, exit */
    {.name = "rt_sigreturn", .why = "return from signal handlers"},
    {.name = "rt_sigaction",
        .why = "libevent restores handlers at "
               "teardown"},
    {.name = "rt_sigprocmask", .why = "abort()/raise()"},
    {.name = "getpid", .why = "abort()/raise()"},
    {.name = "gettid", .why = "abort()/raise()"},
    {.name = "tgkill",
        .op = SB_SELF_PID,
        .idx = 0,
        .why = "abort()/raise() on this process only"},
    {.name = "restart_syscall", .why = "waits resumed after a signal"},
    {.name = "exit", .why = "thread exit"},
    {.name = "exit_group", .why = "process exit"},
    {.name = "getrandom", .why = "arc4random, malloc tcache key"},
    {.name = "futex", .why = "contended locks, if a thread ever exists"},
    {.name = "sysinfo", .why = "first large qsort (_SC_PHYS_PAGES)"},
    /* the backend child */
    {.name = "waitid",
        .op = SB_MASK_IN,
        .idx = 0,
        .mask = SB_INT,
        .nv = 1,
        .v = {P_PIDFD},
        .why = "reap the backend by pidfd"},
    {.name = "pidfd_send_signal",
        .op = SB_MASK_IN,
        .idx = 1,
        .mask = SB_INT,
        .nv = 2,
        .v = {SIGTERM, SIGKILL},
        .why = "stop the backend at shutdown"},
    /* soft failures for stray libc probes (SANDBOX.md §6.5) */
    {.name = "newfstatat", .err = EACCES, .why = "stdio/tz probes"},
    {.name = "fstat", .err = EACCES, .why = "stdio/tz probes"},
    {.name = "statx", .err = EACCES, .why = "stdio/tz probes"},
    {.name = "lseek", .err = EACCES, .why = "stdio/tz probes"},
    /* sanitizer runtime (allocator, report and exit paths) */
    {.name = "sigaltstack",
        .when = SB_W_SANITIZER,
        .why = "ASan queries its signal stack at exit"},
    {.name = "open",
        .when = SB_W_SANITIZER,
        .err = EACCES,
        .why = "UBSan's first report reads /proc/self/cmdline, environ "
               "(legacy open: glibc itself uses openat)"},
    {.name = "readlink",
        .when = SB_W_SANITIZER,
        .err = EACCES,
        .why = "UBSan's first report reads /proc/self/exe"},
};
/* clang-format on */
const size_t sb_ngateway_rows =
    sizeof(sb_gateway_rows) / sizeof(sb_gateway_rows[0]);

/* ------------------------------------------------------------ backend */

/* clang-format off */
const struct sb_row sb_backend_rows[] = {
	/* the FUSE fd */
	{ .name = "read", .why = "FUSE requests" },
	{ .name = "readv", .why = "FUSE requests" },
	{ .name = "write", .why = "FUSE replies, logs" },
	{ .name = "writev", .why = "FUSE replies" },
	{ .name = "recvmsg", .why = "FUSE requests on the socket" },
	{ .name = "sendmsg", .why = "FUSE replies on the socket" },
	{ .name = "poll", .why = "libfuse waits" },
	{ .name = "ppoll", .why = "libfuse waits (aarch64)" },
	/* files beneath the export (Landlock bounds where) */
	{ .name = "openat", .why = "lookup/open beneath the root fd" },
	{ .name = "openat2", .why = "RESOLVE_BENEATH opens" },
	{ .name = "close", .why = "fds of forgotten inodes" },
	{ .name = "newfstatat", .why = "getattr" },
	{ .name = "fstat", .why = "getattr" },
	{ .name = "statx", .why = "getattr" },
	{ .name = "fstatfs", .why = "statfs" },
	{ .name = "getdents64", .why = "readdir" },
	{ .name = "lseek", .why = "readdir offsets, SEEK_DATA" },
	{ .name = "pread64", .why = "read" },
	{ .name = "pwrite64", .why = "write" },
	{ .name = "preadv", .why = "read" },
	{ .name = "pwritev", .why = "write" },
	{ .name = "preadv2", .why = "read" },
	{ .name = "pwritev2", .why = "write" },
	{ .name = "fsync", .why = "fsync" },
	{ .name = "fdatasync", .why = "fsync datasync" },
	{ .name = "ftruncate", .why = "setattr size" },
	{ .name = "fallocate", .why = "fallocate" },
	{ .name = "copy_file_range", .why = "copy_file_range" },
	{ .name = "mkdirat", .why = "mkdir" },
	{ .name = "symlinkat", .why = "symlink" },
	{ .name = "linkat", .why = "link" },
	{ .name = "unlinkat", .why = "unlink, rmdir" },
	{ .name = "renameat", .why = "rename" },
	{ .name = "renameat2", .why = "rename with flags" },
	{ .name = "readlinkat", .why = "readlink" },
	{ .name = "fchmod", .why = "setattr mode" },
	{ .name = "fchmodat", .why = "setattr mode" },
	{ .name = "fchown", .why = "setattr uid/gid" },
	{ .name = "fchownat", .why = "setattr uid/gid (AT_EMPTY_PATH)" },
	{ .name = "utimensat", .why = "setattr times" },
	{ .name = "fgetxattr", .why = "xattrs" },
	{ .name = "fsetxattr", .why = "xattrs" },
	{ .name = "flistxattr", .why = "xattrs" },
	{ .name = "fremovexattr", .why = "xattrs" },
	{ .name = "getxattr", .why = "xattrs via /proc/self/fd/N (O_PATH)" },
	{ .name = "setxattr", .why = "xattrs via /proc/self/fd/N (O_PATH)" },
	{ .name = "listxattr", .why = "xattrs via /proc/self/fd/N (O_PATH)" },
	{ .name = "removexattr", .why = "xattrs via /proc/self/fd/N" },
	{ .name = "lgetxattr", .why = "xattrs of symlinks" },
	{ .name = "llistxattr", .why = "xattrs of symlinks" },
	/* Numbers from 424 up are the same on every architecture but alpha;
	 * libseccomp 2.5.4 does not know the *xattrat names yet. */
	{ .name = "fchmodat2", .nr = 452,
	    .why = "chmod of an O_PATH fd (AT_EMPTY_PATH, 6.6+)" },
	{ .name = "setxattrat", .nr = 463, .why = "xattrs of O_PATH fds" },
	{ .name = "getxattrat", .nr = 464, .why = "xattrs of O_PATH fds" },
	{ .name = "listxattrat", .nr = 465, .why = "xattrs of O_PATH fds" },
	{ .name = "removexattrat", .nr = 466, .why = "xattrs of O_PATH fds" },
	{ .name = "dup", .why = "a private fd for a directory stream" },
	{ .name = "flock", .why = "flock" },
	{ .name = "umask", .why = "umask(0) at start" },
	{ .name = "mknodat", .when = SB_W_DEVICES, .why = "mknod" },
	{ .name = "mknodat", .when = SB_W_NODEVICES, .op = SB_MASK_IN,
	    .idx = 2, .mask = S_IFMT, .nv = 4,
	    .v = { 0, S_IFREG, S_IFIFO, S_IFSOCK },
	    .why = "mknod of files, fifos, sockets" },
	{ .name = "mknodat", .when = SB_W_NODEVICES, .err = EPERM,
	    .op = SB_MASK_IN, .idx = 2, .mask = S_IFMT, .nv = 4,
	    .v = { S_IFCHR, S_IFBLK, S_IFDIR, S_IFLNK },
	    .why = "devices refused softly" },
	{ .name = "fcntl", .op = SB_MASK_IN, .idx = 1, .mask = SB_INT,
	    .nv = 11,
	    .v = { F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_DUPFD_CLOEXEC,
		F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_GETLK, F_SETLK,
		F_SETLKW },
	    .why = "flags and POSIX/OFD locks" },
	/* identity switches of a root backend serving several uids */
	{ .name = "setresuid", .when = SB_W_ROOT, .why = "per-request uid" },
	{ .name = "setresgid", .when = SB_W_ROOT, .why = "per-request gid" },
	{ .name = "setfsuid", .when = SB_W_ROOT, .why = "per-request uid" },
	{ .name = "setfsgid", .when = SB_W_ROOT, .why = "per-request gid" },
	{ .name = "setgroups", .when = SB_W_ROOT,
	    .why = "per-request supplementary groups (raw, this thread)" },
	{ .name = "capset", .when = SB_W_ROOT,
	    .why = "per-thread effective set: none for a caller not root "
		   "(within the kept permitted set)" },
	{ .name = "capget", .when = SB_W_ROOT,
	    .why = "the kept set, read once before the loop" },
	{ .name = "getgroups", .when = SB_W_ROOT,
	    .why = "setgroups probe before the loop" },
	{ .name = "getuid", .why = "credential checks" },
	{ .name = "geteuid", .why = "credential checks" },
	{ .name = "getgid", .why = "credential checks" },
	{ .name = "getegid", .why = "credential checks" },
	/* memory */
	{ .name = "brk", .why = "malloc" },
	{ .name = "mmap", .op = SB_MASK_IN, .idx = 2, .mask = PROT_EXEC,
	    .nv = 1, .v = { 0 }, .why = "buffers, thread stacks; no exec" },
	{ .name = "mprotect", .op = SB_MASK_IN, .idx = 2, .mask = PROT_EXEC,
	    .nv = 1, .v = { 0 }, .why = "stack guards; never executable" },
	{ .name = "munmap", .why = "free, thread stacks" },
	{ .name = "mremap", .why = "realloc" },
	{ .name = "madvise", .op = SB_MASK_IN, .idx = 2, .mask = SB_INT,
	    .nv = 2, .v = { MADV_DONTNEED, MADV_FREE },
	    .why = "thread stack release, malloc_trim" },
	{ .name = "madvise", .when = SB_W_SANITIZER, .op = SB_MASK_IN,
	    .idx = 2, .mask = SB_INT, .nv = 2,
	    .v = { MADV_NOHUGEPAGE, MADV_DONTDUMP },
	    .why = "ASan allocator and shadow mappings" },
	/* threads */
	{ .name = "clone", .op = SB_IN, .idx = 0, .nv = 1,
	    .v = { SB_PTHREAD_CLONE_FLAGS }, .why = "pthread_create" },
	{ .name = "clone", .err = EPERM, .op = SB_NOT, .idx = 0, .nv = 1,
	    .v = { SB_PTHREAD_CLONE_FLAGS }, .why = "fork and the like" },
	{ .name = "clone3", .err = ENOSYS,
	    .why = "args in memory: make glibc fall back to clone" },
	{ .name = "futex", .why = "locks, semaphores, joins" },
	{ .name = "set_robust_list", .why = "new threads" },
	{ .name = "rseq", .why = "new threads (glibc >= 2.35)" },
	{ .name = "rt_sigaction", .why = "glibc's lazy SIGRT_1 handler" },
	{ .name = "rt_sigprocmask", .why = "thread creation, abort()" },
	{ .name = "rt_sigreturn", .why = "return from signal handlers" },
	{ .name = "sigaltstack", .why = "thread set-up" },
	{ .name = "sched_yield", .why = "lock back-off" },
	{ .name = "sched_getaffinity", .why = "glibc thread attributes" },
	{ .name = "prctl", .op = SB_MASK_IN, .idx = 0, .mask = SB_INT,
	    .nv = 1, .v = { PR_SET_NAME }, .why = "thread names" },
	{ .name = "exit", .why = "thread exit" },
	{ .name = "exit_group", .why = "process exit" },
	{ .name = "getpid", .why = "abort()" },
	{ .name = "gettid", .why = "abort()" },
	{ .name = "tgkill", .op = SB_SELF_PID, .idx = 0,
	    .why = "abort(), signals to own threads" },
	{ .name = "restart_syscall", .why = "waits resumed after a signal" },
	{ .name = "getrandom", .why = "malloc, RNG" },
	{ .name = "clock_gettime", .why = "vDSO fallback" },
	{ .name = "clock_getres", .why = "vDSO fallback" },
	{ .name = "gettimeofday", .why = "vDSO fallback" },
	{ .name = "time", .why = "vDSO fallback" },
	{ .name = "clock_nanosleep", .why = "back-off sleeps" },
	{ .name = "nanosleep", .why = "back-off sleeps" },
	/* sanitizer runtime (sigaltstack is on the list already) */
	{ .name = "open", .when = SB_W_SANITIZER, .err = EACCES,
	    .why = "UBSan's first report reads /proc/self/cmdline, environ "
		   "(legacy open: glibc itself uses openat)" },
	{ .name = "readlink", .when = SB_W_SANITIZER, .err = EACCES,
	    .why = "UBSan's first report reads /proc/self/exe" },
};
/* clang-format on */
const size_t sb_nbackend_rows =
    sizeof(sb_backend_rows) / sizeof(sb_backend_rows[0]);

/* ------------------------------------------------------------- loading */

static int
add_row(scmp_filter_ctx ctx, const struct sb_row *r, pid_t self)
{
	uint32_t act =
	    r->err ? SCMP_ACT_ERRNO((uint32_t)r->err) : SCMP_ACT_ALLOW;
	int nr = seccomp_syscall_resolve_name(r->name);
	int rc = 0;

	if (nr == __NR_SCMP_ERROR) {
		if (r->nr == 0)
			return 0; /* unknown here: the call stays forbidden */
		nr = r->nr;
	}

	switch (r->op) {
	case SB_ANY:
		rc = seccomp_rule_add(ctx, act, nr, 0);
		break;
	case SB_IN:
		for (size_t i = 0; i < r->nv && rc == 0; i++)
			rc = seccomp_rule_add(ctx, act, nr, 1,
			    SCMP_CMP(r->idx, SCMP_CMP_EQ, r->v[i]));
		break;
	case SB_MASK_IN:
		for (size_t i = 0; i < r->nv && rc == 0; i++)
			rc = seccomp_rule_add(ctx, act, nr, 1,
			    SCMP_CMP(
			        r->idx, SCMP_CMP_MASKED_EQ, r->mask, r->v[i]));
		break;
	case SB_NOT:
		rc = seccomp_rule_add(
		    ctx, act, nr, 1, SCMP_CMP(r->idx, SCMP_CMP_NE, r->v[0]));
		break;
	case SB_SELF_PID:
		rc = seccomp_rule_add(ctx, act, nr, 1,
		    SCMP_CMP(
		        r->idx, SCMP_CMP_MASKED_EQ, SB_INT, (uint32_t)self));
		break;
	}
	return rc;
}

/* Length of the BPF program, through a pipe (libseccomp 2.5 exports to
 * an fd only). 0 if it cannot be measured. */
static unsigned
count_insns(scmp_filter_ctx ctx)
{
	int p[2];
	size_t total = 0;
	char buf[4096];
	ssize_t n;

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
		return 0;
	if (seccomp_export_bpf(ctx, p[1]) == 0) {
		close(p[1]);
		p[1] = -1;
		while ((n = read(p[0], buf, sizeof(buf))) > 0)
			total += (size_t)n;
	}
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	return (unsigned)(total / 8); /* struct sock_filter is 8 bytes */
}

int
sb_seccomp_load(const struct sb_row *rows, size_t nrows, unsigned have,
    enum sb_seccomp_mode mode, int log_fd, unsigned *ninsns, char *err,
    size_t err_len)
{
	uint32_t def;
	scmp_filter_ctx ctx;
	pid_t self = getpid();
	int rc;

	switch (mode) {
	case SB_SECCOMP_KILL:
		def = SCMP_ACT_KILL_PROCESS;
		break;
	case SB_SECCOMP_TRAP:
		def = SCMP_ACT_TRAP;
		break;
	case SB_SECCOMP_LOG:
		def = SCMP_ACT_LOG;
		break;
	default:
		return sb_fail(
		    err, err_len, EINVAL, "seccomp: bad mode %d", (int)mode);
	}
	ctx = seccomp_init(def);
	if (ctx == NULL)
		return sb_fail(err, err_len, ENOMEM, "seccomp_init failed");
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, def);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (rc != 0) {
		seccomp_release(ctx);
		return sb_fail(err, err_len, -rc,
		    "seccomp: filter attributes: %s", strerror(-rc));
	}
	/* Kernel logging of non-allow actions; kernels before 4.14 lack it. */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);

	for (size_t i = 0; i < nrows; i++) {
		const struct sb_row *r = &rows[i];

		if ((r->when & have) != r->when)
			continue;
		rc = add_row(ctx, r, self);
		if (rc != 0) {
			seccomp_release(ctx);
			return sb_fail(err, err_len, -rc,
			    "seccomp: rule for %s: %s", r->name, strerror(-rc));
		}
	}
	*ninsns = count_insns(ctx);
	if (mode == SB_SECCOMP_TRAP) {
		rc = sb_trap_install(log_fd);
		if (rc != 0) {
			seccomp_release(ctx);
			return sb_fail(err, err_len, -rc,
			    "seccomp: SIGSYS handler: %s", strerror(-rc));
		}
	}
	rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0)
		return sb_fail(
		    err, err_len, -rc, "seccomp_load: %s", strerror(-rc));
	return 0;
}
