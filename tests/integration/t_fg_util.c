/* SPDX-License-Identifier: MIT */
/*
 * The fuse_glue integration tests' driver (see t_fg.h): a poll() loop
 * around one fg_session and its child, the way the gateway's event loop
 * drives it, but blocking and single-purpose.
 */
#include "t_fg.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const struct fg_ctx t_ctx = {0, 0, 1};

long
t_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void
t_skip(const char *fmt, ...)
{
	va_list ap;

	printf("SKIP: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(77);
}

void
t_fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

void
t_need_prog(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(prog, '/') != NULL) {
		if (access(prog, X_OK) != 0)
			t_skip("%s is not installed", prog);
		return;
	}
	if (path == NULL)
		path = "/usr/bin:/bin";
	while (*path != '\0') {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
		if (access(buf, X_OK) == 0)
			return;
		path += n;
		if (*path == ':')
			path++;
	}
	t_skip("%s is not installed (not in PATH)", prog);
}

void
t_mkdtemp(char *buf, size_t len, const char *tag)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, len, "%s/ng-%s-XXXXXX", tmp != NULL ? tmp : "/tmp", tag);
	if (mkdtemp(buf) == NULL)
		t_fail("mkdtemp %s: %s", buf, strerror(errno));
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : 0;
}

void
t_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------------ hooks */

static void
broken_cb(void *arg, const char *reason)
{
	struct t_be *b = arg;

	b->broken_calls++;
	snprintf(b->why, sizeof(b->why), "%s", reason);
}

static void
timer_cb(void *arg, unsigned ms)
{
	struct t_be *b = arg;

	b->timer_armed = true;
	b->timer_at = t_now_ms() + (long)ms;
}

static void
want_write_cb(void *arg, bool want)
{
	struct t_be *b = arg;

	b->want_write = want;
}

static void
trace_cb(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "  trace %s\n", line);
}

static void
line_cb(const char *line, void *arg)
{
	struct t_be *b = arg;

	if (b->echo)
		fprintf(stderr, "  %s[%d]: %s\n", b->child.name,
		    (int)b->child.pid, line);
}

/* ------------------------------------------------------------- loop */

int
t_be_start(struct t_be *b, const char *const *argv, int init_ms, char *err,
    size_t err_len)
{
	struct fg_spawn_opts o = {.argv = argv, .no_new_privs = true};
	struct fg_hooks h = {broken_cb, timer_cb, want_write_cb, NULL};
	char why[256];
	int fd, rc;

	memset(b, 0, sizeof(*b));
	b->echo = getenv("T_FG_QUIET") == NULL;
	if (getenv("T_FG_TRACE") != NULL)
		h.trace_cb = trace_cb;
	rc = fg_spawn(&o, &b->child, err, err_len);
	if (rc < 0)
		return rc;
	fd = b->child.fuse_fd;
	b->child.fuse_fd = -1;
	b->s = fg_session_new(fd, b->child.sockbuf, &h, b);
	if (b->s == NULL)
		t_fail("fg_session_new: out of memory");
	rc =
	    fg_session_init(b->s, 0, b->child.pidfd, init_ms, why, sizeof(why));
	if (rc < 0) {
		char buf[4096];
		ssize_t n;

		snprintf(err, err_len, "%s[%d]: %s", b->child.name,
		    (int)b->child.pid, why);
		fg_session_free(b->s);
		b->s = NULL;
		/* show what it said on its way out */
		while ((n = read(b->child.stderr_fd, buf, sizeof(buf))) > 0)
			fg_lines_feed(&b->lines, buf, (size_t)n, line_cb, b);
		fg_lines_feed(&b->lines, NULL, 0, line_cb, b);
		fg_child_stop(&b->child, 100);
		return rc;
	}
	return 0;
}

void
t_be_start_ok(struct t_be *b, const char *const *argv)
{
	char err[512];

	if (t_be_start(b, argv, T_INIT_MS, err, sizeof(err)) < 0)
		t_fail("starting %s: %s", argv[0], err);
	fprintf(stderr,
	    "  %s: FUSE 7.%u, flags 0x%llx, max_write %u, "
	    "sockbuf %zu\n",
	    b->child.name, fg_session_info(b->s)->minor,
	    (unsigned long long)fg_session_info(b->s)->flags,
	    fg_session_info(b->s)->max_write, b->child.sockbuf);
}

void
t_be_turn(struct t_be *b, int ms)
{
	struct pollfd p[3];
	int n = 0, fi = -1, ei = -1, pi = -1;
	long now = t_now_ms();

	fg_session_flush(b->s);
	if (b->timer_armed && b->timer_at - now < ms)
		ms = b->timer_at > now ? (int)(b->timer_at - now) : 0;
	if (!fg_session_is_broken(b->s) || b->want_write) {
		fi = n;
		p[n++] = (struct pollfd){fg_session_fd(b->s),
		    (short)(POLLIN | (b->want_write ? POLLOUT : 0)), 0};
	}
	if (b->child.stderr_fd >= 0) {
		ei = n;
		p[n++] = (struct pollfd){b->child.stderr_fd, POLLIN, 0};
	}
	if (b->child.pidfd >= 0 && !b->child_gone) {
		pi = n;
		p[n++] = (struct pollfd){b->child.pidfd, POLLIN, 0};
	}
	if (poll(p, (nfds_t)n, ms) < 0 && errno != EINTR)
		t_fail("poll: %s", strerror(errno));
	if (fi >= 0 && (p[fi].revents & POLLOUT))
		(void)fg_session_on_writable(b->s);
	if (fi >= 0 && (p[fi].revents & (POLLIN | POLLHUP | POLLERR)))
		(void)fg_session_on_readable(b->s);
	if (ei >= 0 && (p[ei].revents & (POLLIN | POLLHUP))) {
		char buf[4096];
		ssize_t r = read(b->child.stderr_fd, buf, sizeof(buf));

		if (r > 0) {
			fg_lines_feed(&b->lines, buf, (size_t)r, line_cb, b);
		} else if (r == 0) {
			fg_lines_feed(&b->lines, NULL, 0, line_cb, b);
			close(b->child.stderr_fd);
			b->child.stderr_fd = -1;
		}
	}
	if (pi >= 0 && (p[pi].revents & POLLIN))
		b->child_gone = true;
	if (b->timer_armed && t_now_ms() >= b->timer_at) {
		b->timer_armed = false;
		fg_session_on_timer(b->s);
	}
}

bool
t_be_wait(struct t_be *b, const bool *flag, int ms)
{
	long end = t_now_ms() + ms;

	while (!*flag) {
		long left = end - t_now_ms();

		if (left <= 0)
			break;
		t_be_turn(b, left > 200 ? 200 : (int)left);
	}
	return *flag;
}

int
t_be_stop(struct t_be *b, int grace_ms)
{
	int st;

	fg_session_free(b->s);
	b->s = NULL;
	st = fg_child_stop(&b->child, grace_ms);
	return st;
}

/* ------------------------------------------------------------ calls */

void
t_res_done(struct fg_req *req, const struct fg_reply *rep, void *arg)
{
	struct t_res *res = arg;

	(void)req;
	res->done = true;
	res->error = rep->error;
	res->rep = *rep;
	res->kept = rep->len > 0 ? fg_reply_keep(rep) : NULL;
	if (res->kept == NULL)
		res->rep.data = NULL;
}

void
t_res_fini(struct t_res *res)
{
	fg_buf_release(res->kept);
	memset(res, 0, sizeof(*res));
}

int
t_call(struct t_be *b, const struct fg_op *op, struct t_res *res)
{
	int rc;

	memset(res, 0, sizeof(*res));
	rc = fg_submit(b->s, op, t_res_done, res, NULL);
	if (rc < 0)
		return rc;
	if (!t_be_wait(b, &res->done, T_OP_MS))
		t_fail("%s: no reply within %d ms", fg_opcode_name(op->opcode),
		    T_OP_MS);
	return res->error;
}

int
t_lookup(struct t_be *b, uint64_t parent, const char *name, struct t_res *res)
{
	return t_simple(
	    b, FUSE_LOOKUP, parent, NULL, 0, name, NULL, NULL, 0, res);
}

int
t_simple(struct t_be *b, uint32_t opcode, uint64_t nodeid, const void *in,
    size_t in_len, const char *name, const char *name2, const void *data,
    size_t data_len, struct t_res *res)
{
	struct fg_op op = {
	    .opcode = opcode,
	    .nodeid = nodeid,
	    .ctx = t_ctx,
	    .in = in,
	    .in_len = in_len,
	    .name = name,
	    .name_len = name != NULL ? strlen(name) : 0,
	    .name2 = name2,
	    .name2_len = name2 != NULL ? strlen(name2) : 0,
	    .data = data,
	    .data_len = data_len,
	};

	return t_call(b, &op, res);
}
