/* SPDX-License-Identifier: MIT */
/*
 * testfs: an in-memory libfuse3 low-level file system whose misbehaviour
 * tests can order: delays and blocking per name and operation, injected
 * errors, three ways of treating FUSE_INTERRUPT, malformed replies, and a
 * report of operation counts and leaked lookups/handles. This file has
 * main, the rules, the control file, the raw channel layer and the report;
 * the tree and its operations are in testfs_ops.c. It is a test tool: it
 * does not check permissions and is not meant to be fast.
 *
 * Usage:
 *   testfs [options] /dev/fd/N
 *
 * N is an open FUSE channel (one end of a SOCK_SEQPACKET socketpair whose
 * other end is the kernel side). testfs never mounts anything.
 *
 * The tree at start:
 *   /hello        "hello\n", 0644
 *   /dir/         0755, holding /dir/inner ("inner\n")
 *   /big          0444, --big-size bytes (default 1048576); the byte at
 *                 offset o is (o % 251); writing or truncating it is EPERM
 *   /link         symlink to "hello"
 * plus whatever --dir/--file add and everything created at run time.
 *
 * Options (each may be given as "--opt VALUE" or "--opt=VALUE"; rules may
 * repeat):
 *   --big-size=N            size of /big in bytes
 *   --dir=PATH              add a directory (PATH relative to the root,
 *                           parents must exist)
 *   --file=PATH=CONTENT     add a regular file holding CONTENT
 *   --block=NAME:OP[:MS]    OP on NAME waits: without MS until interrupted
 *                           (then replies EINTR); with MS for MS
 *                           milliseconds, then completes normally (or
 *                           EINTR if interrupted first, in honour mode)
 *   --error=NAME:OP:ERRNO   OP on NAME fails with ERRNO (a number or a
 *                           name such as EIO, EACCES, ENOSPC)
 *   --bad=MODE:OP[:NAME]    the reply to OP (on NAME, if given) is
 *                           malformed; MODE is
 *                             short     header says the full length, fewer
 *                                       bytes are sent (header + half the
 *                                       payload; 8 bytes for a bare error)
 *                             unique    the unique is changed
 *                                       (unique ^ 1 << 62)
 *                             oversize  4096 bytes (0xab) appended, header
 *                                       length matching
 *                             garbage   64 pseudo-random bytes instead of
 *                                       the reply
 *   --interrupts=MODE       honour (default): blocked ops end with EINTR;
 *                           ignore: FUSE_INTERRUPT changes nothing, blocked
 *                           ops finish after their delay;
 *                           enosys: every FUSE_INTERRUPT is answered with
 *                           ENOSYS at once (as sshfs does), ops finish
 *                           after their delay
 *   --control=PATH          rules file, re-read whenever it changed
 *                           (checked as each request arrives); see below
 *   --report=PATH           write the report at DESTROY (or when the
 *                           channel closes) and on SIGUSR1; written to
 *                           PATH.tmp and renamed, so it appears whole
 *   --log=PATH              append one line per request received
 *   --timeout=SECS          entry/attribute timeout in replies (1.0)
 *   --max-threads=N         worker threads (64); each blocked op holds one
 *   -d, --debug             libfuse's debug trace on stderr
 *
 * NAME is a file name as the request carries it (LOOKUP, CREATE, MKDIR,
 * MKNOD, SYMLINK, UNLINK, RMDIR, LINK's new name, RENAME's old name) or,
 * for operations on a node, the name the node was last linked under ("/"
 * for the root). "*" matches every name. OP is an operation name in any
 * case: lookup, getattr, setattr, readlink, symlink, mknod, mkdir,
 * unlink, rmdir, rename (also RENAME2), link, open, read, write, statfs,
 * release, fsync, setxattr, getxattr, listxattr, removexattr, flush,
 * opendir, readdir, releasedir, fsyncdir, getlk, setlk (also SETLKW),
 * create, readdirplus; --bad also takes init, forget/batch_forget (no
 * reply) and any other opcode name.
 *
 * Control file: one rule per line, "block NAME:OP[:MS]", "error
 * NAME:OP:ERRNO", "bad MODE:OP[:NAME]", "interrupts MODE"; '#' starts a
 * comment. Its rules are added to the command line's and replace the
 * control file's previous ones; its "interrupts" overrides the command
 * line. A missing file means no control rules.
 *
 * Log lines (--log), one per request as it arrives, before any rule:
 *   OPNAME unique=U nodeid=N [name=NAME] [name2=NAME2] [target=U2]
 * name2 is RENAME's new name or SYMLINK's target; target is the unique an
 * INTERRUPT names. Non-printable bytes in names are written as '?'.
 *
 * Report (--report):
 *   ops OPNAME COUNT        per opcode received (INTERRUPT, FORGET,
 *                           BATCH_FORGET included), in opcode order
 *   interrupts N            FUSE_INTERRUPT messages received
 *   eintr N                 operations that replied EINTR
 *   open_handles N          OPEN+OPENDIR+CREATE minus RELEASE(DIR)
 *   nodes_leaked N          nodes other than the root with lookups held
 *   leaked ID NAME nlookup K   one line per such node
 *
 * Lookup counting: every entry reply (LOOKUP, CREATE, MKNOD, MKDIR,
 * SYMLINK, LINK) and every READDIRPLUS entry except "." and ".." (which
 * carry node id 0) counts one; FORGET and BATCH_FORGET take them back.
 *
 * Exit status: 0 after the channel closed, 1 on a start-up error, 2 on a
 * usage error.
 */
#include "testfs_int.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

struct t_conf t_conf = {.big_size = 1 << 20, .timeout = 1.0};
pthread_mutex_t t_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t t_wake;
bool t_exiting;
uint64_t t_open_handles;
uint64_t t_eintr;

/* ---------------------------------------------------------- op names */

static const char *const op_names[T_NOPS] = {
    [FUSE_LOOKUP] = "LOOKUP",
    [FUSE_FORGET] = "FORGET",
    [FUSE_GETATTR] = "GETATTR",
    [FUSE_SETATTR] = "SETATTR",
    [FUSE_READLINK] = "READLINK",
    [FUSE_SYMLINK] = "SYMLINK",
    [FUSE_MKNOD] = "MKNOD",
    [FUSE_MKDIR] = "MKDIR",
    [FUSE_UNLINK] = "UNLINK",
    [FUSE_RMDIR] = "RMDIR",
    [FUSE_RENAME] = "RENAME",
    [FUSE_LINK] = "LINK",
    [FUSE_OPEN] = "OPEN",
    [FUSE_READ] = "READ",
    [FUSE_WRITE] = "WRITE",
    [FUSE_STATFS] = "STATFS",
    [FUSE_RELEASE] = "RELEASE",
    [FUSE_FSYNC] = "FSYNC",
    [FUSE_SETXATTR] = "SETXATTR",
    [FUSE_GETXATTR] = "GETXATTR",
    [FUSE_LISTXATTR] = "LISTXATTR",
    [FUSE_REMOVEXATTR] = "REMOVEXATTR",
    [FUSE_FLUSH] = "FLUSH",
    [FUSE_INIT] = "INIT",
    [FUSE_OPENDIR] = "OPENDIR",
    [FUSE_READDIR] = "READDIR",
    [FUSE_RELEASEDIR] = "RELEASEDIR",
    [FUSE_FSYNCDIR] = "FSYNCDIR",
    [FUSE_GETLK] = "GETLK",
    [FUSE_SETLK] = "SETLK",
    [FUSE_SETLKW] = "SETLKW",
    [FUSE_ACCESS] = "ACCESS",
    [FUSE_CREATE] = "CREATE",
    [FUSE_INTERRUPT] = "INTERRUPT",
    [FUSE_BMAP] = "BMAP",
    [FUSE_DESTROY] = "DESTROY",
    [FUSE_IOCTL] = "IOCTL",
    [FUSE_POLL] = "POLL",
    [FUSE_NOTIFY_REPLY] = "NOTIFY_REPLY",
    [FUSE_BATCH_FORGET] = "BATCH_FORGET",
    [FUSE_FALLOCATE] = "FALLOCATE",
    [FUSE_READDIRPLUS] = "READDIRPLUS",
    [FUSE_RENAME2] = "RENAME2",
    [FUSE_LSEEK] = "LSEEK",
    [FUSE_COPY_FILE_RANGE] = "COPY_FILE_RANGE",
    [FUSE_SETUPMAPPING] = "SETUPMAPPING",
    [FUSE_REMOVEMAPPING] = "REMOVEMAPPING",
    [FUSE_SYNCFS] = "SYNCFS",
};

const char *
t_op_name(uint32_t opcode)
{
	return opcode < T_NOPS ? op_names[opcode] : NULL;
}

int
t_op_parse(const char *s, uint32_t *op)
{
	for (uint32_t i = 0; i < T_NOPS; i++) {
		if (op_names[i] != NULL && strcasecmp(op_names[i], s) == 0) {
			*op = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* ------------------------------------------------------------- report */

void
t_write_report(void)
{
	static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
	char tmp[PATH_MAX];
	FILE *f;

	if (t_conf.report_path == NULL)
		return;
	pthread_mutex_lock(&report_lock);
	snprintf(tmp, sizeof(tmp), "%s.tmp", t_conf.report_path);
	f = fopen(tmp, "we");
	if (f == NULL) {
		fprintf(stderr, T_PROG ": %s: %s\n", tmp, strerror(errno));
		pthread_mutex_unlock(&report_lock);
		return;
	}
	pthread_mutex_lock(&t_lock);
	t_chan_report(f);
	fprintf(f, "eintr %llu\n", (unsigned long long)t_eintr);
	fprintf(f, "open_handles %lld\n", (long long)t_open_handles);
	t_tree_report(f);
	pthread_mutex_unlock(&t_lock);
	if (fclose(f) != 0 || rename(tmp, t_conf.report_path) != 0)
		fprintf(stderr, T_PROG ": %s: %s\n", t_conf.report_path,
		    strerror(errno));
	pthread_mutex_unlock(&report_lock);
}

static atomic_bool report_quit;

/* SIGUSR1 is blocked in every thread; this one takes it. */
static void *
report_thread(void *arg)
{
	sigset_t *set = arg;
	int sig;

	while (sigwait(set, &sig) == 0 && !atomic_load(&report_quit))
		t_write_report();
	return NULL;
}

/* ------------------------------------------------------------- options */

struct t_opts {
	const char *mountpoint;
	bool debug;
	unsigned max_threads;
	char **adds; /* "d:PATH" or "f:PATH=CONTENT" */
	size_t nadds;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " T_PROG " [options] /dev/fd/N\n"
	    "  --big-size=N  --dir=PATH  --file=PATH=CONTENT\n"
	    "  --block=NAME:OP[:MS]  --error=NAME:OP:ERRNO  "
	    "--bad=MODE:OP[:NAME]\n"
	    "  --interrupts=honour|ignore|enosys  --control=PATH\n"
	    "  --report=PATH  --log=PATH  --timeout=SECS  --max-threads=N  "
	    "-d\n");
}

static int
add_tree_item(struct t_opts *o, char kind, const char *arg)
{
	char **v = realloc(o->adds, (o->nadds + 1) * sizeof(*v));
	size_t len = strlen(arg) + 3;

	if (v == NULL)
		return -ENOMEM;
	o->adds = v;
	v[o->nadds] = malloc(len);
	if (v[o->nadds] == NULL)
		return -ENOMEM;
	snprintf(v[o->nadds++], len, "%c:%s", kind, arg);
	return 0;
}

static int
parse_opts(int argc, char **argv, struct t_opts *o)
{
	enum {
		O_BIG = 256,
		O_DIR,
		O_FILE,
		O_BLOCK,
		O_ERROR,
		O_BAD,
		O_INTR,
		O_CONTROL,
		O_REPORT,
		O_LOG,
		O_TIMEOUT,
		O_THREADS
	};
	static const struct option longs[] = {
	    {"big-size", required_argument, NULL, O_BIG},
	    {"dir", required_argument, NULL, O_DIR},
	    {"file", required_argument, NULL, O_FILE},
	    {"block", required_argument, NULL, O_BLOCK},
	    {"error", required_argument, NULL, O_ERROR},
	    {"bad", required_argument, NULL, O_BAD},
	    {"interrupts", required_argument, NULL, O_INTR},
	    {"control", required_argument, NULL, O_CONTROL},
	    {"report", required_argument, NULL, O_REPORT},
	    {"log", required_argument, NULL, O_LOG},
	    {"timeout", required_argument, NULL, O_TIMEOUT},
	    {"max-threads", required_argument, NULL, O_THREADS},
	    {"debug", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	FILE *log;
	char *end;
	int c;

	o->max_threads = 64;
	while ((c = getopt_long(argc, argv, "dh", longs, NULL)) != -1) {
		int err = 0;

		switch (c) {
		case O_BIG:
			t_conf.big_size = strtoull(optarg, &end, 10);
			err = *optarg == '\0' || *end != '\0' ? -EINVAL : 0;
			break;
		case O_DIR:
			err = add_tree_item(o, 'd', optarg);
			break;
		case O_FILE:
			err = strchr(optarg, '=') == NULL
			          ? -EINVAL
			          : add_tree_item(o, 'f', optarg);
			break;
		case O_BLOCK:
		case O_ERROR:
		case O_BAD:
			err = t_rules_add_spec(c == O_BLOCK   ? 'b'
			                       : c == O_ERROR ? 'e'
			                                      : 'x',
			    optarg);
			break;
		case O_INTR:
			err = t_rules_set_int_mode(optarg);
			break;
		case O_CONTROL:
			t_rules_set_control(optarg);
			break;
		case O_REPORT:
			t_conf.report_path = optarg;
			break;
		case O_LOG:
			log = fopen(optarg, "ae");
			if (log == NULL) {
				fprintf(stderr, T_PROG ": %s: %s\n", optarg,
				    strerror(errno));
				return -1;
			}
			t_chan_set_log(log);
			break;
		case O_TIMEOUT:
			t_conf.timeout = strtod(optarg, &end);
			err = *end != '\0' || !(t_conf.timeout >= 0) ? -EINVAL
			                                             : 0;
			break;
		case O_THREADS:
			o->max_threads = (unsigned)strtoul(optarg, &end, 10);
			err = *end != '\0' || o->max_threads < 1 ? -EINVAL : 0;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
		if (err != 0) {
			fprintf(stderr,
			    T_PROG ": bad value '%s' for option %s\n", optarg,
			    argv[optind - 1]);
			return -1;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return -1;
	}
	o->mountpoint = argv[optind];
	return 0;
}

static int
parse_fd(const char *mp)
{
	const char *p = "/dev/fd/";
	char *end;
	long v;

	if (strncmp(mp, p, strlen(p)) != 0 || mp[strlen(p)] == '\0')
		return -1;
	v = strtol(mp + strlen(p), &end, 10);
	if (*end != '\0' || v < 0 || v > INT_MAX || fcntl((int)v, F_GETFD) < 0)
		return -1;
	return (int)v;
}

static int
build_tree(const struct t_opts *o)
{
	int err = t_tree_init();

	for (size_t i = 0; err == 0 && i < o->nadds; i++) {
		char *item = o->adds[i] + 2, *eq;

		if (o->adds[i][0] == 'd') {
			err = t_tree_add(item, true, NULL);
		} else {
			eq = strchr(item, '=');
			*eq = '\0';
			err = t_tree_add(item, false, eq + 1);
		}
		if (err != 0)
			fprintf(stderr, T_PROG ": cannot add %s: %s\n", item,
			    strerror(-err));
	}
	return err;
}

static int
run(const struct t_opts *o, int fd)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_loop_config *lc;
	struct fuse_session *se;
	pthread_t rt;
	sigset_t set;
	int err = 1;

	if (fuse_opt_add_arg(&args, T_PROG) != 0 ||
	    (o->debug && fuse_opt_add_arg(&args, "-d") != 0)) {
		fuse_opt_free_args(&args);
		return 1;
	}
	se = fuse_session_new(&args, &t_ops, sizeof(t_ops), NULL);
	fuse_opt_free_args(&args);
	if (se == NULL)
		return 1;
	t_conf.se = se;
	if (fuse_set_signal_handlers(se) != 0 ||
	    fuse_session_custom_io(se, &t_chan_io, fd) != 0) {
		fuse_session_destroy(se);
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&rt, NULL, report_thread, &set) != 0)
		goto out;
	lc = fuse_loop_cfg_create();
	if (lc != NULL) {
		fuse_loop_cfg_set_clone_fd(lc, 0);
		fuse_loop_cfg_set_max_threads(lc, o->max_threads);
		err = fuse_session_loop_mt(se, lc) != 0 ? 1 : 0;
		fuse_loop_cfg_destroy(lc);
	}
	atomic_store(&report_quit, true);
	pthread_kill(rt, SIGUSR1);
	pthread_join(rt, NULL);
out:
	fuse_remove_signal_handlers(se);
	/* Calls destroy (the report) if DESTROY never came. */
	fuse_session_destroy(se);
	return err;
}

int
main(int argc, char **argv)
{
	struct t_opts o;
	pthread_condattr_t ca;
	int fd, err;

	memset(&o, 0, sizeof(o));
	if (parse_opts(argc, argv, &o) != 0)
		return 2;
	fd = parse_fd(o.mountpoint);
	if (fd < 0) {
		fprintf(stderr,
		    T_PROG ": mountpoint must be /dev/fd/N with N "
		           "open, not '%s'\n",
		    o.mountpoint);
		return 2;
	}
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t_wake, &ca);
	pthread_condattr_destroy(&ca);
	err = build_tree(&o) != 0 ? 1 : run(&o, fd);
	t_tree_fini();
	t_rules_fini();
	t_chan_fini();
	for (size_t i = 0; i < o.nadds; i++)
		free(o.adds[i]);
	free(o.adds);
	pthread_cond_destroy(&t_wake);
	return err;
}
