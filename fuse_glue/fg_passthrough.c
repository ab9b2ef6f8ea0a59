/* SPDX-License-Identifier: MIT */
/*
 * ninegate-passthrough: the built-in backend of `ninegate --export DIR`, a
 * libfuse3 low-level file system that exports one directory and nothing
 * outside it. This file has main, the options, INIT and the session loop;
 * the operations are in fg_pt_ops.c and fg_pt_io.c, the rest is listed in
 * fg_pt_int.h. It does not mount anything itself when given "/dev/fd/N",
 * and it never follows a symlink of the export.
 *
 * Usage:
 *   ninegate-passthrough [options] DIR MOUNTPOINT
 *
 *   DIR         the directory to export (the only argument ever resolved as
 *               a path; everything later is relative to it)
 *   MOUNTPOINT  "/dev/fd/N": N is an open FUSE channel, normally one end of
 *               a SOCK_SEQPACKET socketpair whose other end speaks the
 *               kernel side of the FUSE protocol (the ninegate gateway).
 *               Any other path is mounted with fuse_session_mount (for
 *               trying it out by hand; needs fusermount3).
 *
 * Options:
 *   -r, --read-only       every mutation fails with EROFS; opens for
 *                         writing or with O_TRUNC are refused
 *   --allow-devices       MKNOD may create character/block devices and OPEN
 *                         may open them (refused with EPERM by default)
 *   -d, --debug           libfuse's debug trace of every request on stderr
 *   --timeout=SECS        entry and attribute validity in replies (1.0)
 *   --no-proc             never use /proc/self/fd (what a backend after
 *                         pivot_root without /proc does); re-opening a file
 *                         then goes through its parent and name
 *   --max-threads=N       worker threads, each can hold one blocked op (64)
 *   --seccomp=MODE        kill|trap|log|off, passed to the sandbox (only in
 *                         builds with the sandbox module)
 *   -h, --help            this text;  -V, --version
 *
 * Behaviour the gateway relies on:
 *   - ".", ".." and names with '/' are refused with EINVAL in every op that
 *     takes a name (the gateway resolves ".." itself); READDIRPLUS gives
 *     "." and ".." node id 0 (no lookup counted), as the kernel expects.
 *   - Node ids are never reused; unknown ids get ESTALE, unknown file
 *     handles EBADF.
 *   - Blocking ops (open/read/write of FIFOs, SETLKW, FLOCK without
 *     LOCK_NB, fsync, I/O on a hung file system) are interruptible:
 *     FUSE_INTERRUPT makes them reply EINTR.
 *   - When the FUSE peer closes the channel, blocked ops are interrupted
 *     and the process exits with status 0.
 *   - As root, every operation runs as its caller (fg_pt_creds.c): the
 *     worker thread takes the header's uid, a gid, the user's
 *     supplementary groups from the passwd/group databases read at
 *     start-up, and drops every capability for a caller other than root,
 *     so the kernel applies local permission semantics and new files are
 *     the caller's. Otherwise every file is owned by the backend's own uid
 *     and permissions are checked as that uid, which is said once on
 *     stderr.
 *
 * Exit status: 0 after the peer closed the channel or DESTROY, 1 on a
 * start-up error (a one-line reason on stderr), 2 on a usage error.
 */
#include "fg_pt_int.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#ifdef NG_HAVE_SB
#include "sb.h"
#endif

#define PROG "ninegate-passthrough"

struct pt_opts {
	const char *dir;
	const char *mountpoint;
	bool debug;
	bool no_proc;
	unsigned max_threads;
#ifdef NG_HAVE_SB
	enum sb_seccomp_mode seccomp;
#endif
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [options] DIR MOUNTPOINT\n"
	    "  MOUNTPOINT is /dev/fd/N (an open FUSE channel) or a directory\n"
	    "  -r, --read-only      refuse every change (EROFS)\n"
	    "  --allow-devices      allow creating and opening device nodes\n"
	    "  -d, --debug          libfuse debug trace on stderr\n"
	    "  --timeout=SECS       entry/attribute timeout (default 1.0)\n"
	    "  --no-proc            never use /proc/self/fd\n"
	    "  --max-threads=N      worker threads (default 64)\n"
	    "  --seccomp=MODE       kill|trap|log|off (sandbox builds)\n"
	    "  -h, --help           show this text\n"
	    "  -V, --version        show the version\n");
}

static int
parse_opts(int argc, char **argv, struct pt_opts *o)
{
	enum { O_ALLOW_DEV = 256, O_TIMEOUT, O_NO_PROC, O_THREADS, O_SECCOMP };
	static const struct option longs[] = {
	    {"read-only", no_argument, NULL, 'r'},
	    {"allow-devices", no_argument, NULL, O_ALLOW_DEV},
	    {"debug", no_argument, NULL, 'd'},
	    {"timeout", required_argument, NULL, O_TIMEOUT},
	    {"no-proc", no_argument, NULL, O_NO_PROC},
	    {"max-threads", required_argument, NULL, O_THREADS},
	    {"seccomp", required_argument, NULL, O_SECCOMP},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	o->max_threads = 64;
	while ((c = getopt_long(argc, argv, "rdhV", longs, NULL)) != -1) {
		switch (c) {
		case 'r':
			fg_pt_conf.read_only = true;
			break;
		case O_ALLOW_DEV:
			fg_pt_conf.allow_devices = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case O_TIMEOUT:
			fg_pt_conf.timeout = strtod(optarg, &end);
			if (*end != '\0' || !(fg_pt_conf.timeout >= 0)) {
				fprintf(stderr, PROG ": bad --timeout '%s'\n",
				    optarg);
				return -1;
			}
			break;
		case O_NO_PROC:
			o->no_proc = true;
			break;
		case O_THREADS: {
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end != '\0' || v < 1 || v > 10000) {
				fprintf(stderr,
				    PROG ": bad --max-threads "
				         "'%s' (1-10000)\n",
				    optarg);
				return -1;
			}
			o->max_threads = (unsigned)v;
			break;
		}
		case O_SECCOMP:
#ifdef NG_HAVE_SB
			if (sb_seccomp_mode_parse(optarg, &o->seccomp) != 0) {
				fprintf(stderr,
				    PROG ": bad --seccomp '%s' "
				         "(kill|trap|log|off)\n",
				    optarg);
				return -1;
			}
#else
			fprintf(stderr, PROG ": --seccomp: built without the "
			                     "sandbox module\n");
			return -1;
#endif
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf(PROG " %s\n", NG_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return -1;
	}
	o->dir = argv[optind];
	o->mountpoint = argv[optind + 1];
	return 0;
}

/* "/dev/fd/N" -> N, or -1 if mountpoint is not of that form. */
static int
parse_fd_mountpoint(const char *mp)
{
	const char *p = "/dev/fd/";
	char *end;
	long v;

	if (strncmp(mp, p, strlen(p)) != 0)
		return -1;
	mp += strlen(p);
	if (*mp < '0' || *mp > '9')
		return -1;
	v = strtol(mp, &end, 10);
	if (*end != '\0' || v < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

static void
pt_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/* The gateway never splices; don't ask for it. max_write stays as
	 * negotiated (what the peer offered, capped by libfuse's buffer). */
	conn->want &=
	    ~(unsigned)(FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE |
	                FUSE_CAP_SPLICE_MOVE | FUSE_CAP_WRITEBACK_CACHE |
	                FUSE_CAP_EXPORT_SUPPORT);
	if (conn->capable & FUSE_CAP_READDIRPLUS)
		conn->want |= FUSE_CAP_READDIRPLUS;
	/* We apply the request's umask ourselves (process umask is 0). */
	if (conn->capable & FUSE_CAP_DONT_MASK)
		conn->want |= FUSE_CAP_DONT_MASK;
}

static const struct fuse_lowlevel_ops pt_ops = {
    .init = pt_init,
    .lookup = fg_pt_op_lookup,
    .forget = fg_pt_op_forget,
    .forget_multi = fg_pt_op_forget_multi,
    .getattr = fg_pt_op_getattr,
    .setattr = fg_pt_op_setattr,
    .readlink = fg_pt_op_readlink,
    .mknod = fg_pt_op_mknod,
    .mkdir = fg_pt_op_mkdir,
    .unlink = fg_pt_op_unlink,
    .rmdir = fg_pt_op_rmdir,
    .symlink = fg_pt_op_symlink,
    .rename = fg_pt_op_rename,
    .link = fg_pt_op_link,
    .open = fg_pt_op_open,
    .read = fg_pt_op_read,
    .write = fg_pt_op_write,
    .flush = fg_pt_op_flush,
    .release = fg_pt_op_release,
    .fsync = fg_pt_op_fsync,
    .opendir = fg_pt_op_opendir,
    .readdir = fg_pt_op_readdir,
    .releasedir = fg_pt_op_releasedir,
    .fsyncdir = fg_pt_op_fsyncdir,
    .statfs = fg_pt_op_statfs,
    .setxattr = fg_pt_op_setxattr,
    .getxattr = fg_pt_op_getxattr,
    .listxattr = fg_pt_op_listxattr,
    .removexattr = fg_pt_op_removexattr,
    .create = fg_pt_op_create,
    .getlk = fg_pt_op_getlk,
    .setlk = fg_pt_op_setlk,
    .flock = fg_pt_op_flock,
    .readdirplus = fg_pt_op_readdirplus,
};

/*
 * Channel I/O for "/dev/fd/N". libfuse would read the fd itself, but then
 * end-of-file reads as "short read on fuse device" and, worse, a worker
 * blocked in a FIFO read keeps the loop from ever joining it. Here EOF
 * interrupts every blocked op and ends the session cleanly (libfuse treats
 * ENODEV as "unmounted"). The -1/errno convention is libfuse's.
 */
static ssize_t
chan_read(int fd, void *buf, size_t len, void *userdata)
{
	ssize_t n;
	int old;

	(void)userdata;
	n = read(fd, buf, len);
	if (n > 0 || (n == -1 && (errno == EINTR || errno == EAGAIN)))
		return n;
	/* libfuse allows cancelling its workers while they read; not while
	 * this one holds the region lock. */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	fg_pt_block_shutdown();
	pthread_setcancelstate(old, NULL);
	errno = ENODEV;
	return -1;
}

static ssize_t
chan_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	ssize_t n;

	(void)userdata;
	n = writev(fd, iov, count);
	/* The peer is gone: to libfuse, the request no longer exists. */
	if (n == -1 && (errno == EPIPE || errno == ECONNRESET))
		errno = ENOENT;
	return n;
}

static const struct fuse_custom_io chan_io = {
    .read = chan_read,
    .writev = chan_writev,
};

/*
 * The last step before the session loop starts threads. What is ours: the
 * descriptor limit (one O_PATH fd per known inode) and loading what libc
 * would otherwise open later. The rest -- Landlock,
 * capabilities, no_new_privs, seccomp -- is the sandbox module's
 * sb_enter_backend() when this build has it.
 */
static int
pt_sandbox_enter(const struct pt_opts *o, int root_fd)
{
	struct rlimit rl;

	/* glibc loads libgcc_s at the first pthread_cancel (libfuse cancels
	 * its idle workers at exit): load it while files can be opened. */
	if (dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NODELETE) == NULL)
		fprintf(stderr, PROG ": %s\n", dlerror());
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
#ifdef NG_HAVE_SB
	{
		struct sb_backend_cfg cfg = {
			.root = o->dir,
			.root_fd = root_fd,
			.read_only = fg_pt_conf.read_only,
			.seccomp = o->seccomp,
			.allow_devices = fg_pt_conf.allow_devices,
			.nofile = 0,
			.log_fd = 2,
			.core_dumps = false,
#if defined(__SANITIZE_ADDRESS__)
			.sanitizer_build = true,
#endif
		};
		char err[256], summary[256];
		int r;

		err[0] = '\0';
		r = sb_enter_backend(
		    &cfg, summary, sizeof(summary), err, sizeof(err));
		if (r != 0) {
			fprintf(stderr, PROG ": sandbox: %s\n", err);
			return r;
		}
		/* The gateway logs it with our name and pid. */
		fprintf(stderr, "%s\n", summary);
	}
#else
	(void)o;
	(void)root_fd;
#endif
	return 0;
}

static int
run(const struct pt_opts *o, int root_fd)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_loop_config *lc = NULL;
	struct fuse_session *se;
	bool mounted = false;
	int chan_fd, err = 1;

	if (fuse_opt_add_arg(&args, PROG) != 0 ||
	    (o->debug && fuse_opt_add_arg(&args, "-d") != 0)) {
		fprintf(stderr, PROG ": out of memory\n");
		fuse_opt_free_args(&args);
		return 1;
	}
	se = fuse_session_new(&args, &pt_ops, sizeof(pt_ops), NULL);
	fuse_opt_free_args(&args);
	if (se == NULL)
		return 1;
	if (fuse_set_signal_handlers(se) != 0)
		goto out_session;
	chan_fd = parse_fd_mountpoint(o->mountpoint);
	if (chan_fd >= 0) {
		if (fcntl(chan_fd, F_GETFD) == -1) {
			fprintf(stderr, PROG ": %s: not an open descriptor\n",
			    o->mountpoint);
			goto out_signals;
		}
		if (fuse_session_custom_io(se, &chan_io, chan_fd) != 0) {
			fprintf(
			    stderr, PROG ": cannot use %s\n", o->mountpoint);
			goto out_signals;
		}
	} else {
		if (fuse_session_mount(se, o->mountpoint) != 0)
			goto out_signals;
		mounted = true;
	}
	if (pt_sandbox_enter(o, root_fd) != 0)
		goto out_unmount;
	{
		char msg[160];
		int r = fg_pt_creds_start(msg, sizeof(msg));

		if (r != 0) {
			fprintf(
			    stderr, PROG ": capabilities: %s\n", strerror(-r));
			goto out_unmount;
		}
		if (msg[0] != '\0')
			fprintf(stderr, PROG ": %s\n", msg);
	}
	lc = fuse_loop_cfg_create();
	if (lc == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out_unmount;
	}
	/* clone_fd would open /dev/fuse: never. */
	fuse_loop_cfg_set_clone_fd(lc, 0);
	fuse_loop_cfg_set_max_threads(lc, o->max_threads);
	err = fuse_session_loop_mt(se, lc) != 0 ? 1 : 0;
	fuse_loop_cfg_destroy(lc);
out_unmount:
	if (mounted)
		fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
	return err;
}

int
main(int argc, char **argv)
{
	struct pt_opts o;
	int root_fd, err;

	memset(&o, 0, sizeof(o));
#ifdef NG_HAVE_SB
	o.seccomp = sb_seccomp_mode_default();
#endif
	if (parse_opts(argc, argv, &o) != 0)
		return 2;
	/* Large READ replies are malloc'd per request: keep them off mmap
	 * (DESIGN.md §3) unless the environment already tunes malloc. */
	if (getenv("GLIBC_TUNABLES") == NULL)
		mallopt(M_MMAP_THRESHOLD, 4 << 20);
	/* Modes are passed explicitly (with the request's umask applied). */
	umask(0);

	root_fd = open(o.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd == -1) {
		fprintf(stderr, PROG ": %s: %s\n", o.dir, strerror(errno));
		return 1;
	}
	if (!o.no_proc)
		fg_pt_conf.proc_fd =
		    open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	fg_pt_conf.as_root = geteuid() == 0;
	if (!fg_pt_conf.as_root)
		fprintf(stderr,
		    PROG ": not running as root: every file is "
		         "created owned by uid %u, whoever asks, and "
		         "permissions are checked as uid %u\n",
		    (unsigned)geteuid(), (unsigned)geteuid());
	/* The user database is read now, while files can be opened. */
	err = fg_pt_creds_init();
	if (err == 0)
		err = fg_pt_tables_init(root_fd);
	if (err == 0)
		err = fg_pt_block_setup();
	if (err != 0) {
		fprintf(stderr, PROG ": %s: %s\n", o.dir, strerror(-err));
		close(root_fd);
		return 1;
	}
	err = run(&o, root_fd);
	fg_pt_tables_fini();
	fg_pt_creds_fini();
	if (fg_pt_conf.proc_fd >= 0)
		close(fg_pt_conf.proc_fd);
	return err;
}
