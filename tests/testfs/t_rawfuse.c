/* SPDX-License-Identifier: MIT */
/*
 * t_rawfuse: drives ninegate-passthrough and testfs over raw FUSE on a
 * SOCK_SEQPACKET socketpair, without the fuse_glue session library: a
 * tiny kernel side that sends INIT, LOOKUP, CREATE, READ, INTERRUPT...
 * and checks the replies byte by byte.
 *
 * Scenarios: passthrough basic operations on a temporary directory;
 * escapes (".." and '/' in names, symlinks out of the export never
 * followed, a directory or file swapped for a symlink under our feet,
 * link/rename out) with and without /proc; interrupted FIFO open/read and
 * blocking lock; exit with an op blocked; testfs blocking with each
 * interrupt mode, the control file, injected errors, each malformed reply
 * mode, and the leak report.
 *
 * Not a test of the gateway or of fuse_glue; those have their own.
 * Usage: t_rawfuse PASSTHROUGH TESTFS
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T_TIMEOUT_MS 5000
#define T_BUF (1 << 20)
/* A FUSE_INTERRUPT's unique is its victim's with bit 0 set. */
#define T_INT_REQ_BIT 1ULL

static int nchecks, nfailed;
static const char *t_scenario = "";

#define CHECK(cond, ...) check_((cond), __LINE__, #cond, __VA_ARGS__)

static void check_(bool ok, int line, const char *expr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
check_(bool ok, int line, const char *expr, const char *fmt, ...)
{
	va_list ap;

	nchecks++;
	if (ok)
		return;
	nfailed++;
	fprintf(stderr, "FAIL %s line %d: %s: ", t_scenario, line, expr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ------------------------------------------------------------- client */

struct cl {
	int fd;
	pid_t pid;
	uint64_t unique;
	unsigned char *buf; /* last reply */
	size_t len;         /* its length */
};

/* Start argv with "{}" replaced by /dev/fd/N. */
static int
cl_start(struct cl *c, const char *const *argv)
{
	const char *args[32];
	char path[32];
	int sv[2];
	size_t i;

	memset(c, 0, sizeof(*c));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -errno;
	c->buf = malloc(T_BUF);
	if (c->buf == NULL)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/dev/fd/%d", sv[1]);
	for (i = 0; argv[i] != NULL && i < 31; i++)
		args[i] = strcmp(argv[i], "{}") == 0 ? path : argv[i];
	args[i] = NULL;
	c->pid = fork();
	if (c->pid == 0) {
		fcntl(sv[1], F_SETFD, 0);
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	close(sv[1]);
	c->fd = sv[0];
	c->unique = 0;
	return c->pid > 0 ? 0 : -errno;
}

static uint64_t
cl_send_raw(struct cl *c, uint32_t op, uint64_t unique, uint64_t nodeid,
    const void *in, size_t in_len, const char *name, const char *name2,
    const void *data, size_t data_len)
{
	struct fuse_in_header h;
	struct iovec iov[6];
	int n = 0;

	memset(&h, 0, sizeof(h));
	h.opcode = op;
	h.unique = unique;
	h.nodeid = nodeid;
	h.uid = getuid();
	h.gid = getgid();
	h.pid = (uint32_t)getpid();
	iov[n].iov_base = &h;
	iov[n++].iov_len = sizeof(h);
	if (in_len) {
		iov[n].iov_base = (void *)in;
		iov[n++].iov_len = in_len;
	}
	if (name) {
		iov[n].iov_base = (void *)name;
		iov[n++].iov_len = strlen(name) + 1;
	}
	if (name2) {
		iov[n].iov_base = (void *)name2;
		iov[n++].iov_len = strlen(name2) + 1;
	}
	if (data_len) {
		iov[n].iov_base = (void *)data;
		iov[n++].iov_len = data_len;
	}
	h.len = 0;
	for (int i = 0; i < n; i++)
		h.len += (uint32_t)iov[i].iov_len;
	if (writev(c->fd, iov, n) != (ssize_t)h.len)
		fprintf(stderr, "%s: send opcode %u: %s\n", t_scenario, op,
		    strerror(errno));
	return unique;
}

static uint64_t
cl_send(struct cl *c, uint32_t op, uint64_t nodeid, const void *in,
    size_t in_len, const char *name, const char *name2, const void *data,
    size_t data_len)
{
	c->unique += 2;
	return cl_send_raw(
	    c, op, c->unique, nodeid, in, in_len, name, name2, data, data_len);
}

/* Wait up to ms for a message. Returns its length, 0 on timeout, -1 on
 * EOF or error. */
static ssize_t
cl_recv(struct cl *c, int ms)
{
	struct pollfd p = {.fd = c->fd, .events = POLLIN};
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = recv(c->fd, c->buf, T_BUF, 0);
	if (n <= 0)
		return -1;
	c->len = (size_t)n;
	return n;
}

static struct fuse_out_header
cl_hdr(const struct cl *c)
{
	struct fuse_out_header o;

	memset(&o, 0, sizeof(o));
	if (c->len >= sizeof(o))
		memcpy(&o, c->buf, sizeof(o));
	return o;
}

/* Wait for the reply to unique. Returns its error (0 or -errno) with the
 * payload at c->buf + 16, or -ETIMEDOUT / -EPIPE / -EBADMSG. */
static int
cl_wait(struct cl *c, uint64_t unique)
{
	struct fuse_out_header o;
	ssize_t n = cl_recv(c, T_TIMEOUT_MS);

	if (n == 0)
		return -ETIMEDOUT;
	if (n < 0)
		return -EPIPE;
	o = cl_hdr(c);
	if ((size_t)n < sizeof(o) || o.len != (size_t)n || o.unique != unique)
		return -EBADMSG;
	return o.error;
}

static int
cl_call(struct cl *c, uint32_t op, uint64_t nodeid, const void *in,
    size_t in_len, const char *name, const char *name2, const void *data,
    size_t data_len)
{
	return cl_wait(
	    c, cl_send(c, op, nodeid, in, in_len, name, name2, data, data_len));
}

static const void *
cl_payload(const struct cl *c)
{
	return c->buf + sizeof(struct fuse_out_header);
}

static size_t
cl_payload_len(const struct cl *c)
{
	return c->len - sizeof(struct fuse_out_header);
}

static int
cl_init(struct cl *c)
{
	struct fuse_init_in in;

	memset(&in, 0, sizeof(in));
	in.major = FUSE_KERNEL_VERSION;
	in.minor = FUSE_KERNEL_MINOR_VERSION;
	in.max_readahead = 65536;
	in.flags = FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_BIG_WRITES |
	           FUSE_DO_READDIRPLUS | FUSE_FLOCK_LOCKS | FUSE_MAX_PAGES |
	           FUSE_DONT_MASK;
	return cl_call(c, FUSE_INIT, 0, &in, sizeof(in), NULL, NULL, NULL, 0);
}

/* Close the channel and reap the child; returns its wait status or -1
 * if it did not exit within the timeout (it is then killed). */
static int
cl_stop(struct cl *c)
{
	int status = -1;

	close(c->fd);
	for (int i = 0; i < T_TIMEOUT_MS / 10; i++) {
		if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
			free(c->buf);
			return status;
		}
		usleep(10 * 1000);
	}
	kill(c->pid, SIGKILL);
	waitpid(c->pid, &status, 0);
	free(c->buf);
	return -1;
}

/* Lookup ledger: what we hold, to FORGET it all at the end. */
struct ledger {
	uint64_t id[256];
	uint64_t n[256];
	size_t len;
};

static void
ledger_add(struct ledger *l, uint64_t id)
{
	for (size_t i = 0; i < l->len; i++) {
		if (l->id[i] == id) {
			l->n[i]++;
			return;
		}
	}
	if (l->len < 256) {
		l->id[l->len] = id;
		l->n[l->len++] = 1;
	}
}

static void
ledger_forget_all(struct cl *c, struct ledger *l)
{
	struct {
		struct fuse_batch_forget_in b;
		struct fuse_forget_one one[256];
	} m;

	memset(&m, 0, sizeof(m));
	m.b.count = (uint32_t)l->len;
	for (size_t i = 0; i < l->len; i++) {
		m.one[i].nodeid = l->id[i];
		m.one[i].nlookup = l->n[i];
	}
	cl_send(c, FUSE_BATCH_FORGET, 0, &m,
	    sizeof(m.b) + l->len * sizeof(m.one[0]), NULL, NULL, NULL, 0);
	l->len = 0;
}

/* LOOKUP-shaped calls: returns error, fills *e, records the lookup. */
static int
entry_call(struct cl *c, struct ledger *l, uint32_t op, uint64_t nodeid,
    const void *in, size_t in_len, const char *name, const char *name2,
    struct fuse_entry_out *e)
{
	int err = cl_call(c, op, nodeid, in, in_len, name, name2, NULL, 0);

	memset(e, 0, sizeof(*e));
	if (err == 0 && cl_payload_len(c) >= sizeof(*e)) {
		memcpy(e, cl_payload(c), sizeof(*e));
		if (l != NULL && e->nodeid != 0)
			ledger_add(l, e->nodeid);
	}
	return err;
}

static int
lookup(struct cl *c, struct ledger *l, uint64_t parent, const char *name,
    struct fuse_entry_out *e)
{
	return entry_call(c, l, FUSE_LOOKUP, parent, NULL, 0, name, NULL, e);
}

static int
open_node(
    struct cl *c, uint32_t op, uint64_t nodeid, uint32_t flags, uint64_t *fh)
{
	struct fuse_open_in in = {.flags = flags};
	struct fuse_open_out out;
	int err = cl_call(c, op, nodeid, &in, sizeof(in), NULL, NULL, NULL, 0);

	*fh = 0;
	if (err == 0 && cl_payload_len(c) >= sizeof(out)) {
		memcpy(&out, cl_payload(c), sizeof(out));
		*fh = out.fh;
	}
	return err;
}

static void
release(struct cl *c, uint32_t op, uint64_t nodeid, uint64_t fh)
{
	struct fuse_release_in in = {.fh = fh};

	CHECK(cl_call(c, op, nodeid, &in, sizeof(in), NULL, NULL, NULL, 0) == 0,
	    "release %llu", (unsigned long long)nodeid);
}

static uint64_t
send_read(struct cl *c, uint32_t op, uint64_t nodeid, uint64_t fh, uint64_t off,
    uint32_t size)
{
	struct fuse_read_in in = {.fh = fh, .offset = off, .size = size};

	return cl_send(c, op, nodeid, &in, sizeof(in), NULL, NULL, NULL, 0);
}

static int
getattr(struct cl *c, uint64_t nodeid, struct fuse_attr *a)
{
	struct fuse_getattr_in in;
	struct fuse_attr_out out;
	int err;

	memset(&in, 0, sizeof(in));
	err = cl_call(
	    c, FUSE_GETATTR, nodeid, &in, sizeof(in), NULL, NULL, NULL, 0);
	memset(a, 0, sizeof(*a));
	if (err == 0 && cl_payload_len(c) >= sizeof(out)) {
		memcpy(&out, cl_payload(c), sizeof(out));
		*a = out.attr;
	}
	return err;
}

/*
 * Interrupt the request victim and return its reply's error. EAGAIN to the
 * interrupt means "not seen yet": send it again. *intr_err gets the
 * interrupt's own reply error, if one came (0 if none).
 */
static int
interrupt_and_wait(struct cl *c, uint64_t victim, int *intr_err)
{
	struct fuse_interrupt_in in = {.unique = victim};

	*intr_err = 0;
	cl_send_raw(c, FUSE_INTERRUPT, victim | T_INT_REQ_BIT, 0, &in,
	    sizeof(in), NULL, NULL, NULL, 0);
	for (int i = 0; i < 100; i++) {
		struct fuse_out_header o;
		ssize_t n = cl_recv(c, T_TIMEOUT_MS);

		if (n <= 0)
			return n == 0 ? -ETIMEDOUT : -EPIPE;
		o = cl_hdr(c);
		if (o.unique == victim)
			return o.error;
		if (o.unique != (victim | T_INT_REQ_BIT))
			return -EBADMSG;
		*intr_err = o.error;
		if (o.error == -EAGAIN)
			cl_send_raw(c, FUSE_INTERRUPT, victim | T_INT_REQ_BIT,
			    0, &in, sizeof(in), NULL, NULL, NULL, 0);
	}
	return -EBADMSG;
}

/* True if nothing arrives within ms (the request is really blocked). */
static bool
quiet_for(struct cl *c, int ms)
{
	struct pollfd p = {.fd = c->fd, .events = POLLIN};

	return poll(&p, 1, ms) == 0;
}

static bool
exited_ok(int status)
{
	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---------------------------------------------------------- utilities */

static char tmp_root[256];

static void
path_in(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", tmp_root, rel);
}

static void
write_file(const char *rel, const char *content)
{
	char p[512];
	FILE *f;

	path_in(p, sizeof(p), rel);
	f = fopen(p, "w");
	if (f != NULL) {
		fputs(content, f);
		fclose(f);
	}
}

static bool
file_is(const char *rel, const char *content)
{
	char p[512], buf[256];
	size_t n;
	FILE *f;

	path_in(p, sizeof(p), rel);
	f = fopen(p, "r");
	if (f == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strcmp(buf, content) == 0;
}

static bool
exists(const char *rel)
{
	char p[512];
	struct stat st;

	path_in(p, sizeof(p), rel);
	return lstat(p, &st) == 0;
}

static void
rm_rf(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char p[1024];

	if (d == NULL) {
		unlink(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_rf(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(path);
}

/* Count READDIRPLUS entries, recording lookups; find name's node id. */
static size_t
dirplus_walk(const struct cl *c, struct ledger *l, const char *want,
    uint64_t *want_id, bool *dots_zero)
{
	const unsigned char *p = cl_payload(c);
	size_t len = cl_payload_len(c), pos = 0, n = 0;

	*dots_zero = true;
	while (len - pos >= FUSE_NAME_OFFSET_DIRENTPLUS) {
		struct fuse_direntplus d;
		char name[256];

		memcpy(&d, p + pos, sizeof(d));
		if (d.dirent.namelen > 255 ||
		    FUSE_DIRENTPLUS_SIZE(&d) > len - pos)
			break;
		memcpy(name, p + pos + FUSE_NAME_OFFSET_DIRENTPLUS,
		    d.dirent.namelen);
		name[d.dirent.namelen] = '\0';
		if (!strcmp(name, ".") || !strcmp(name, "..")) {
			if (d.entry_out.nodeid != 0)
				*dots_zero = false;
		} else if (d.entry_out.nodeid != 0) {
			ledger_add(l, d.entry_out.nodeid);
		}
		if (want != NULL && strcmp(name, want) == 0)
			*want_id = d.entry_out.nodeid;
		pos += FUSE_DIRENTPLUS_SIZE(&d);
		n++;
	}
	return n;
}

/* ------------------------------------------------- passthrough: basic */

static void
pt_basic(const char *pt)
{
	const char *argv[] = {pt, tmp_root, "{}", NULL};
	struct ledger l = {.len = 0};
	struct fuse_entry_out e, d, s;
	struct fuse_attr a;
	struct cl c;
	uint64_t fh, dfh, id = 0;
	bool dots_zero;
	int err;

	t_scenario = "pt_basic";
	rm_rf(tmp_root);
	mkdir(tmp_root, 0755);
	CHECK(cl_start(&c, argv) == 0, "start");
	CHECK(cl_init(&c) == 0, "INIT");

	{
		struct {
			struct fuse_create_in in;
		} m = {{.flags = O_RDWR, .mode = S_IFREG | 0640}};
		struct fuse_open_out oo;

		err = entry_call(&c, &l, FUSE_CREATE, FUSE_ROOT_ID, &m,
		    sizeof(m), "f", NULL, &e);
		CHECK(err == 0, "CREATE f: %d", err);
		memcpy(
		    &oo, (const char *)cl_payload(&c) + sizeof(e), sizeof(oo));
		fh = oo.fh;
		CHECK((e.attr.mode & 07777) == 0640 && S_ISREG(e.attr.mode),
		    "mode %o", e.attr.mode);
	}
	{
		struct fuse_write_in w = {.fh = fh, .offset = 0, .size = 11};
		struct fuse_write_out wo;

		err = cl_call(&c, FUSE_WRITE, e.nodeid, &w, sizeof(w), NULL,
		    NULL, "hello world", 11);
		memcpy(&wo, cl_payload(&c), sizeof(wo));
		CHECK(err == 0 && wo.size == 11, "WRITE: %d", err);
	}
	err = cl_wait(&c, send_read(&c, FUSE_READ, e.nodeid, fh, 6, 100));
	CHECK(err == 0 && cl_payload_len(&c) == 5 &&
	          memcmp(cl_payload(&c), "world", 5) == 0,
	    "READ: %d", err);
	CHECK(file_is("f", "hello world"), "content on disk");
	{
		struct fuse_setattr_in sa;

		memset(&sa, 0, sizeof(sa));
		sa.valid = FATTR_SIZE | FATTR_FH | FATTR_MTIME;
		sa.fh = fh;
		sa.size = 5;
		sa.mtime = 1000000000;
		err = cl_call(&c, FUSE_SETATTR, e.nodeid, &sa, sizeof(sa), NULL,
		    NULL, NULL, 0);
		CHECK(err == 0, "SETATTR: %d", err);
		err = getattr(&c, e.nodeid, &a);
		CHECK(err == 0 && a.size == 5 && a.mtime == 1000000000,
		    "size %llu mtime %llu", (unsigned long long)a.size,
		    (unsigned long long)a.mtime);
		sa.valid = FATTR_MODE;
		sa.mode = 0600;
		CHECK(cl_call(&c, FUSE_SETATTR, e.nodeid, &sa, sizeof(sa), NULL,
		          NULL, NULL, 0) == 0,
		    "chmod without fh");
		err = getattr(&c, e.nodeid, &a);
		CHECK(err == 0 && (a.mode & 07777) == 0600, "mode %o", a.mode);
	}
	release(&c, FUSE_RELEASE, e.nodeid, fh);
	{
		struct fuse_mkdir_in mk = {.mode = 0750};

		err = entry_call(&c, &l, FUSE_MKDIR, FUSE_ROOT_ID, &mk,
		    sizeof(mk), "d", NULL, &d);
		CHECK(err == 0 && S_ISDIR(d.attr.mode), "MKDIR: %d", err);
	}
	{
		struct fuse_rename2_in rn = {.newdir = d.nodeid};

		err = cl_call(&c, FUSE_RENAME2, FUSE_ROOT_ID, &rn, sizeof(rn),
		    "f", "g", NULL, 0);
		CHECK(err == 0 && exists("d/g") && !exists("f"), "RENAME: %d",
		    err);
		write_file("x", "x");
		write_file("d/y", "y");
		rn.newdir = FUSE_ROOT_ID;
		rn.flags = RENAME_NOREPLACE;
		err = cl_call(&c, FUSE_RENAME2, d.nodeid, &rn, sizeof(rn), "y",
		    "x", NULL, 0);
		CHECK(err == -EEXIST, "RENAME_NOREPLACE: %d", err);
		rn.flags = RENAME_EXCHANGE;
		err = cl_call(&c, FUSE_RENAME2, d.nodeid, &rn, sizeof(rn), "y",
		    "x", NULL, 0);
		CHECK(err == 0 && file_is("x", "y") && file_is("d/y", "x"),
		    "RENAME_EXCHANGE: %d", err);
	}
	err = entry_call(&c, &l, FUSE_SYMLINK, FUSE_ROOT_ID, NULL, 0, "s",
	    "some/target", &s);
	CHECK(err == 0 && S_ISLNK(s.attr.mode), "SYMLINK: %d", err);
	err =
	    cl_call(&c, FUSE_READLINK, s.nodeid, NULL, 0, NULL, NULL, NULL, 0);
	CHECK(err == 0 && cl_payload_len(&c) == 11 &&
	          memcmp(cl_payload(&c), "some/target", 11) == 0,
	    "READLINK: %d", err);
	{
		struct fuse_mknod_in mn = {.mode = S_IFIFO | 0600};
		struct fuse_entry_out p;

		err = entry_call(&c, &l, FUSE_MKNOD, FUSE_ROOT_ID, &mn,
		    sizeof(mn), "p", NULL, &p);
		CHECK(err == 0 && S_ISFIFO(p.attr.mode), "MKNOD fifo: %d", err);
		mn.mode = S_IFCHR | 0600;
		mn.rdev = makedev(1, 3);
		err = entry_call(&c, &l, FUSE_MKNOD, FUSE_ROOT_ID, &mn,
		    sizeof(mn), "null", NULL, &p);
		CHECK(err == -EPERM && !exists("null"), "MKNOD chr: %d", err);
	}
	{
		struct fuse_link_in li = {.oldnodeid = s.nodeid};
		struct fuse_entry_out h;

		err = entry_call(&c, &l, FUSE_LINK, d.nodeid, &li, sizeof(li),
		    "s2", NULL, &h);
		CHECK(err == 0 && h.nodeid == s.nodeid && h.attr.nlink == 2,
		    "LINK: %d nlink %u", err, h.attr.nlink);
	}
	CHECK(open_node(&c, FUSE_OPENDIR, FUSE_ROOT_ID, O_RDONLY, &dfh) == 0,
	    "OPENDIR");
	err = cl_wait(
	    &c, send_read(&c, FUSE_READDIRPLUS, FUSE_ROOT_ID, dfh, 0, 4096));
	CHECK(err == 0, "READDIRPLUS: %d", err);
	CHECK(dirplus_walk(&c, &l, "d", &id, &dots_zero) == 6, "6 entries");
	CHECK(id == d.nodeid, "d has node id %llu", (unsigned long long)id);
	CHECK(dots_zero, "\".\" and \"..\" carry node id 0");
	err = cl_wait(
	    &c, send_read(&c, FUSE_READDIR, FUSE_ROOT_ID, dfh, 0, 4096));
	CHECK(err == 0 && cl_payload_len(&c) > 0, "READDIR: %d", err);
	release(&c, FUSE_RELEASEDIR, FUSE_ROOT_ID, dfh);
	{
		struct fuse_setxattr_in sx = {.size = 3};
		struct fuse_getxattr_in gx = {.size = 64};

		err = cl_call(&c, FUSE_SETXATTR, d.nodeid, &sx, 8, "user.t",
		    NULL, "abc", 3);
		if (err == -EOPNOTSUPP) {
			fprintf(
			    stderr, "note: no user xattrs on %s\n", tmp_root);
		} else {
			CHECK(err == 0, "SETXATTR: %d", err);
			err = cl_call(&c, FUSE_GETXATTR, d.nodeid, &gx,
			    sizeof(gx), "user.t", NULL, NULL, 0);
			CHECK(err == 0 && cl_payload_len(&c) == 3 &&
			          !memcmp(cl_payload(&c), "abc", 3),
			    "GETXATTR: %d", err);
			err = cl_call(&c, FUSE_REMOVEXATTR, d.nodeid, NULL, 0,
			    "user.t", NULL, NULL, 0);
			CHECK(err == 0, "REMOVEXATTR: %d", err);
		}
	}
	err = cl_call(
	    &c, FUSE_STATFS, FUSE_ROOT_ID, NULL, 0, NULL, NULL, NULL, 0);
	CHECK(err == 0 && cl_payload_len(&c) >= sizeof(struct fuse_statfs_out),
	    "STATFS: %d", err);
	err =
	    cl_call(&c, FUSE_RMDIR, FUSE_ROOT_ID, NULL, 0, "d", NULL, NULL, 0);
	CHECK(err == -ENOTEMPTY, "RMDIR non-empty: %d", err);
	CHECK(cl_call(&c, FUSE_UNLINK, d.nodeid, NULL, 0, "g", NULL, NULL, 0) ==
	              0 &&
	          cl_call(&c, FUSE_UNLINK, d.nodeid, NULL, 0, "y", NULL, NULL,
	              0) == 0 &&
	          cl_call(&c, FUSE_UNLINK, d.nodeid, NULL, 0, "s2", NULL, NULL,
	              0) == 0,
	    "UNLINK");
	err =
	    cl_call(&c, FUSE_RMDIR, FUSE_ROOT_ID, NULL, 0, "d", NULL, NULL, 0);
	CHECK(err == 0 && !exists("d"), "RMDIR: %d", err);
	err = lookup(&c, &l, FUSE_ROOT_ID, "nonexistent", &e);
	CHECK(err == -ENOENT, "LOOKUP missing: %d", err);
	CHECK(getattr(&c, 0x7777777777ULL, &a) == -ESTALE, "bogus node id");
	ledger_forget_all(&c, &l);
	CHECK(getattr(&c, FUSE_ROOT_ID, &a) == 0 && S_ISDIR(a.mode),
	    "root after FORGET");
	/* FORGET has no reply and runs on another worker: give it time. */
	for (int i = 0; i < 100 && getattr(&c, s.nodeid, &a) == 0; i++)
		usleep(10 * 1000);
	CHECK(getattr(&c, s.nodeid, &a) == -ESTALE, "forgotten node is gone");
	CHECK(exited_ok(cl_stop(&c)), "clean exit");
}

/* ------------------------------------------------ passthrough: escapes */

static void
pt_escapes(const char *pt, bool no_proc)
{
	const char *argv[] = {
	    pt, no_proc ? "--no-proc" : "--timeout=0", "exp", "{}", NULL};
	struct ledger l = {.len = 0};
	struct fuse_entry_out e, sub, esc, file, nsub;
	char exp[512], p1[512], p2[512];
	struct cl c;
	uint64_t fh;
	int err;

	t_scenario = no_proc ? "pt_escapes(--no-proc)" : "pt_escapes";
	rm_rf(tmp_root);
	mkdir(tmp_root, 0755);
	path_in(exp, sizeof(exp), "exp");
	argv[2] = exp;
	write_file("outside.txt", "secret");
	path_in(p1, sizeof(p1), "outdir");
	mkdir(p1, 0755);
	write_file("outdir/secret2", "secret2");
	mkdir(exp, 0755);
	path_in(p1, sizeof(p1), "exp/sub");
	mkdir(p1, 0755);
	write_file("exp/file", "inside");
	path_in(p1, sizeof(p1), "exp/esc");
	CHECK(symlink("../outside.txt", p1) == 0, "symlink");
	path_in(p1, sizeof(p1), "exp/abs");
	path_in(p2, sizeof(p2), "outdir");
	CHECK(symlink(p2, p1) == 0, "symlink");

	CHECK(cl_start(&c, argv) == 0, "start");
	CHECK(cl_init(&c) == 0, "INIT");
	CHECK(lookup(&c, &l, FUSE_ROOT_ID, "..", &e) == -EINVAL, "LOOKUP ..");
	CHECK(lookup(&c, &l, FUSE_ROOT_ID, ".", &e) == -EINVAL, "LOOKUP .");
	CHECK(lookup(&c, &l, FUSE_ROOT_ID, "../outside.txt", &e) == -EINVAL,
	    "LOOKUP ../x");
	CHECK(lookup(&c, &l, FUSE_ROOT_ID, "sub/..", &e) == -EINVAL,
	    "LOOKUP a/..");

	err = lookup(&c, &l, FUSE_ROOT_ID, "esc", &esc);
	CHECK(err == 0 && S_ISLNK(esc.attr.mode), "esc is a symlink: %d", err);
	err = open_node(&c, FUSE_OPEN, esc.nodeid, O_RDONLY, &fh);
	CHECK(err == -ELOOP, "OPEN of a symlink: %d", err);
	CHECK(lookup(&c, &l, esc.nodeid, "x", &e) == -ENOTDIR,
	    "LOOKUP under a symlink");
	err = lookup(&c, &l, FUSE_ROOT_ID, "abs", &e);
	CHECK(err == 0 && S_ISLNK(e.attr.mode), "abs is a symlink: %d", err);
	err = lookup(&c, &l, e.nodeid, "secret2", &e);
	CHECK(err == -ENOTDIR, "LOOKUP through abs: %d", err);
	{
		struct fuse_setattr_in sa;

		memset(&sa, 0, sizeof(sa));
		sa.valid = FATTR_MODE;
		sa.mode = 0666;
		err = cl_call(&c, FUSE_SETATTR, esc.nodeid, &sa, sizeof(sa),
		    NULL, NULL, NULL, 0);
		CHECK(err != 0, "chmod through a symlink refused: %d", err);
		sa.valid = FATTR_SIZE;
		sa.size = 0;
		err = cl_call(&c, FUSE_SETATTR, esc.nodeid, &sa, sizeof(sa),
		    NULL, NULL, NULL, 0);
		CHECK(err != 0, "truncate through a symlink refused: %d", err);
	}
	{
		struct fuse_create_in cr = {.flags = O_WRONLY, .mode = 0644};
		struct fuse_mkdir_in mk = {.mode = 0755};
		struct fuse_link_in li = {.oldnodeid = esc.nodeid};
		struct fuse_rename_in rn = {.newdir = FUSE_ROOT_ID};

		CHECK(entry_call(&c, &l, FUSE_CREATE, FUSE_ROOT_ID, &cr,
		          sizeof(cr), "../evil", NULL, &e) == -EINVAL,
		    "CREATE ../");
		CHECK(entry_call(&c, &l, FUSE_CREATE, FUSE_ROOT_ID, &cr,
		          sizeof(cr), "esc", NULL, &e) != 0,
		    "CREATE over a symlink does not follow it");
		CHECK(entry_call(&c, &l, FUSE_MKDIR, FUSE_ROOT_ID, &mk,
		          sizeof(mk), "..", NULL, &e) == -EINVAL,
		    "MKDIR ..");
		CHECK(entry_call(&c, &l, FUSE_SYMLINK, FUSE_ROOT_ID, NULL, 0,
		          "a/b", "x", &e) == -EINVAL,
		    "SYMLINK a/b");
		CHECK(entry_call(&c, &l, FUSE_LINK, FUSE_ROOT_ID, &li,
		          sizeof(li), "../linked", NULL, &e) == -EINVAL,
		    "LINK to ../");
		li.oldnodeid = 0x12345678ULL;
		CHECK(entry_call(&c, &l, FUSE_LINK, FUSE_ROOT_ID, &li,
		          sizeof(li), "linked", NULL, &e) == -ESTALE,
		    "LINK of an unknown node");
		CHECK(cl_call(&c, FUSE_RENAME, FUSE_ROOT_ID, &rn, sizeof(rn),
		          "file", "../moved", NULL, 0) == -EINVAL,
		    "RENAME to ../");
		CHECK(cl_call(&c, FUSE_RENAME, FUSE_ROOT_ID, &rn, sizeof(rn),
		          "../outside.txt", "stolen", NULL, 0) == -EINVAL,
		    "RENAME from ../");
		CHECK(cl_call(&c, FUSE_UNLINK, FUSE_ROOT_ID, NULL, 0,
		          "../outside.txt", NULL, NULL, 0) == -EINVAL,
		    "UNLINK ../");
	}

	/* A directory swapped for a symlink after it was looked up. */
	err = lookup(&c, &l, FUSE_ROOT_ID, "sub", &sub);
	CHECK(err == 0 && S_ISDIR(sub.attr.mode), "LOOKUP sub: %d", err);
	path_in(p1, sizeof(p1), "exp/sub");
	path_in(p2, sizeof(p2), "exp/sub.old");
	CHECK(rename(p1, p2) == 0, "swap");
	path_in(p2, sizeof(p2), "outdir");
	CHECK(symlink(p2, p1) == 0, "swap");
	CHECK(lookup(&c, &l, sub.nodeid, "secret2", &e) == -ENOENT,
	    "the old node still means the old directory");
	{
		struct fuse_create_in cr = {.flags = O_WRONLY, .mode = 0644};

		err = entry_call(&c, &l, FUSE_CREATE, sub.nodeid, &cr,
		    sizeof(cr), "new", NULL, &e);
		CHECK(err == 0 && exists("exp/sub.old/new") &&
		          !exists("outdir/new"),
		    "CREATE lands in the old dir: %d", err);
		if (err == 0) {
			struct fuse_open_out oo;

			memcpy(&oo, (const char *)cl_payload(&c) + sizeof(e),
			    sizeof(oo));
			release(&c, FUSE_RELEASE, e.nodeid, oo.fh);
		}
	}
	err = lookup(&c, &l, FUSE_ROOT_ID, "sub", &nsub);
	CHECK(err == 0 && S_ISLNK(nsub.attr.mode), "sub is now a symlink");
	CHECK(lookup(&c, &l, nsub.nodeid, "secret2", &e) == -ENOTDIR,
	    "never through it");

	/* A file swapped for a symlink after it was looked up. */
	err = lookup(&c, &l, FUSE_ROOT_ID, "file", &file);
	CHECK(err == 0 && S_ISREG(file.attr.mode), "LOOKUP file: %d", err);
	path_in(p1, sizeof(p1), "exp/file");
	unlink(p1);
	CHECK(symlink("../outside.txt", p1) == 0, "swap file");
	err = open_node(&c, FUSE_OPEN, file.nodeid, O_RDWR, &fh);
	if (err == 0) {
		err = cl_wait(
		    &c, send_read(&c, FUSE_READ, file.nodeid, fh, 0, 100));
		CHECK(err == 0 && cl_payload_len(&c) == 6 &&
		          memcmp(cl_payload(&c), "inside", 6) == 0,
		    "the held file, not the outside one: %d", err);
		release(&c, FUSE_RELEASE, file.nodeid, fh);
	} else {
		/* without /proc the file is reopened by name: refused */
		CHECK(no_proc && (err == -ESTALE || err == -ELOOP),
		    "OPEN after swap: %d", err);
	}
	{
		struct fuse_setattr_in sa;

		memset(&sa, 0, sizeof(sa));
		sa.valid = FATTR_SIZE;
		sa.size = 0;
		cl_call(&c, FUSE_SETATTR, file.nodeid, &sa, sizeof(sa), NULL,
		    NULL, NULL, 0);
	}
	ledger_forget_all(&c, &l);
	CHECK(exited_ok(cl_stop(&c)), "clean exit");
	CHECK(file_is("outside.txt", "secret"), "outside file untouched");
	CHECK(file_is("outdir/secret2", "secret2") && !exists("evil") &&
	          !exists("linked") && !exists("moved") && !exists("stolen") &&
	          !exists("outdir/new"),
	    "nothing created outside");
	{
		struct stat st;

		path_in(p1, sizeof(p1), "outside.txt");
		CHECK(stat(p1, &st) == 0 && (st.st_mode & 0777) != 0666,
		    "outside mode untouched");
	}
}

/* ----------------------------------------------- passthrough: read-only */

static void
pt_read_only(const char *pt)
{
	const char *argv[] = {pt, "--read-only", tmp_root, "{}", NULL};
	struct ledger l = {.len = 0};
	struct fuse_create_in cr = {.flags = O_WRONLY, .mode = 0644};
	struct fuse_setattr_in sa;
	struct fuse_entry_out e, e2;
	struct cl c;
	uint64_t fh;
	int err;

	t_scenario = "pt_read_only";
	rm_rf(tmp_root);
	mkdir(tmp_root, 0755);
	write_file("f", "data");
	CHECK(cl_start(&c, argv) == 0, "start");
	CHECK(cl_init(&c) == 0, "INIT");
	CHECK(lookup(&c, &l, FUSE_ROOT_ID, "f", &e) == 0, "LOOKUP");
	CHECK(open_node(&c, FUSE_OPEN, e.nodeid, O_RDWR, &fh) == -EROFS,
	    "OPEN O_RDWR");
	CHECK(open_node(&c, FUSE_OPEN, e.nodeid, O_RDONLY | O_TRUNC, &fh) ==
	          -EROFS,
	    "OPEN O_TRUNC");
	CHECK(entry_call(&c, &l, FUSE_CREATE, FUSE_ROOT_ID, &cr, sizeof(cr),
	          "new", NULL, &e2) == -EROFS,
	    "CREATE");
	CHECK(cl_call(&c, FUSE_UNLINK, FUSE_ROOT_ID, NULL, 0, "f", NULL, NULL,
	          0) == -EROFS,
	    "UNLINK");
	memset(&sa, 0, sizeof(sa));
	sa.valid = FATTR_SIZE;
	CHECK(cl_call(&c, FUSE_SETATTR, e.nodeid, &sa, sizeof(sa), NULL, NULL,
	          NULL, 0) == -EROFS,
	    "SETATTR");
	CHECK(open_node(&c, FUSE_OPEN, e.nodeid, O_RDONLY, &fh) == 0,
	    "OPEN O_RDONLY");
	err = cl_wait(&c, send_read(&c, FUSE_READ, e.nodeid, fh, 0, 100));
	CHECK(err == 0 && cl_payload_len(&c) == 4, "READ: %d", err);
	release(&c, FUSE_RELEASE, e.nodeid, fh);
	ledger_forget_all(&c, &l);
	CHECK(exited_ok(cl_stop(&c)), "clean exit");
	CHECK(file_is("f", "data") && !exists("new"), "nothing changed");
}

/* ------------------------------------------- passthrough: interrupts */

static void
pt_interrupts(const char *pt)
{
	const char *argv[] = {pt, tmp_root, "{}", NULL};
	struct ledger l = {.len = 0};
	struct fuse_entry_out p, f;
	struct fuse_attr a;
	struct cl c;
	uint64_t u, fh, fh1, fh2;
	int err, ierr, status;
	char path[512];

	t_scenario = "pt_interrupts";
	rm_rf(tmp_root);
	mkdir(tmp_root, 0755);
	path_in(path, sizeof(path), "fifo");
	CHECK(mkfifo(path, 0600) == 0, "mkfifo");
	write_file("locked", "x");
	CHECK(cl_start(&c, argv) == 0, "start");
	CHECK(cl_init(&c) == 0, "INIT");
	CHECK(lookup(&c, &l, FUSE_ROOT_ID, "fifo", &p) == 0, "LOOKUP fifo");

	/* Opening a FIFO for reading waits for a writer. */
	{
		struct fuse_open_in in = {.flags = O_RDONLY};

		u = cl_send(&c, FUSE_OPEN, p.nodeid, &in, sizeof(in), NULL,
		    NULL, NULL, 0);
		CHECK(quiet_for(&c, 200), "OPEN of a FIFO blocks");
		/* other requests still get answers meanwhile */
		CHECK(getattr(&c, FUSE_ROOT_ID, &a) == 0, "GETATTR meanwhile");
		err = interrupt_and_wait(&c, u, &ierr);
		CHECK(err == -EINTR, "interrupted OPEN: %d", err);
	}
	/* O_RDWR does not wait; the READ does. */
	CHECK(open_node(&c, FUSE_OPEN, p.nodeid, O_RDWR, &fh) == 0, "OPEN rw");
	u = send_read(&c, FUSE_READ, p.nodeid, fh, 0, 100);
	CHECK(quiet_for(&c, 200), "READ of an empty FIFO blocks");
	err = interrupt_and_wait(&c, u, &ierr);
	CHECK(err == -EINTR, "interrupted READ: %d", err);
	{
		struct fuse_write_in w = {.fh = fh, .size = 3};

		CHECK(cl_call(&c, FUSE_WRITE, p.nodeid, &w, sizeof(w), NULL,
		          NULL, "abc", 3) == 0,
		    "WRITE to the FIFO");
		err =
		    cl_wait(&c, send_read(&c, FUSE_READ, p.nodeid, fh, 0, 100));
		CHECK(
		    err == 0 && cl_payload_len(&c) == 3, "READ back: %d", err);
	}

	/* A blocking POSIX lock waits in the backend. */
	CHECK(lookup(&c, &l, FUSE_ROOT_ID, "locked", &f) == 0, "LOOKUP");
	CHECK(open_node(&c, FUSE_OPEN, f.nodeid, O_RDWR, &fh1) == 0 &&
	          open_node(&c, FUSE_OPEN, f.nodeid, O_RDWR, &fh2) == 0,
	    "OPEN x2");
	{
		struct fuse_lk_in lk;

		memset(&lk, 0, sizeof(lk));
		lk.fh = fh1;
		lk.owner = 1;
		lk.lk.type = F_WRLCK;
		lk.lk.end = (uint64_t)INT64_MAX;
		CHECK(cl_call(&c, FUSE_SETLK, f.nodeid, &lk, sizeof(lk), NULL,
		          NULL, NULL, 0) == 0,
		    "SETLK");
		lk.fh = fh2;
		lk.owner = 2;
		err = cl_call(&c, FUSE_GETLK, f.nodeid, &lk, sizeof(lk), NULL,
		    NULL, NULL, 0);
		{
			struct fuse_lk_out lo;

			memcpy(&lo, cl_payload(&c), sizeof(lo));
			CHECK(err == 0 && lo.lk.type == F_WRLCK,
			    "GETLK sees the lock: %d", err);
		}
		CHECK(cl_call(&c, FUSE_SETLK, f.nodeid, &lk, sizeof(lk), NULL,
		          NULL, NULL, 0) == -EAGAIN,
		    "SETLK conflicts");
		u = cl_send(&c, FUSE_SETLKW, f.nodeid, &lk, sizeof(lk), NULL,
		    NULL, NULL, 0);
		CHECK(quiet_for(&c, 200), "SETLKW blocks");
		err = interrupt_and_wait(&c, u, &ierr);
		CHECK(err == -EINTR, "interrupted SETLKW: %d", err);
	}
	release(&c, FUSE_RELEASE, f.nodeid, fh1);
	release(&c, FUSE_RELEASE, f.nodeid, fh2);

	/* The channel closing while an op is blocked: clean exit. */
	send_read(&c, FUSE_READ, p.nodeid, fh, 0, 100);
	CHECK(quiet_for(&c, 100), "READ blocks again");
	status = cl_stop(&c);
	CHECK(exited_ok(status), "exit with a blocked op: status %d", status);
}

/* ------------------------------------------------------------ testfs */

static int
testfs_start(struct cl *c, const char *tfs, const char *a1, const char *a2,
    const char *a3)
{
	char report[512], log[512];
	const char *argv[10];
	int n = 0;

	path_in(report, sizeof(report), "report");
	path_in(log, sizeof(log), "log");
	unlink(report);
	unlink(log);
	argv[n++] = tfs;
	argv[n++] = "--report";
	argv[n++] = report;
	argv[n++] = "--log";
	argv[n++] = log;
	if (a1)
		argv[n++] = a1;
	if (a2)
		argv[n++] = a2;
	if (a3)
		argv[n++] = a3;
	argv[n++] = "{}";
	argv[n] = NULL;
	if (cl_start(c, argv) != 0)
		return -1;
	return cl_init(c);
}

/* Does the file contain the line (or a line starting with prefix)? */
static bool
has_line(const char *rel, const char *line, bool prefix)
{
	char p[512], buf[512];
	bool found = false;
	FILE *f;

	path_in(p, sizeof(p), rel);
	f = fopen(p, "r");
	if (f == NULL)
		return false;
	while (!found && fgets(buf, sizeof(buf), f) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		found = prefix ? strncmp(buf, line, strlen(line)) == 0
		               : strcmp(buf, line) == 0;
	}
	fclose(f);
	return found;
}

/* Open hello for reading; returns its node id, *fh the handle. */
static uint64_t
open_hello(struct cl *c, struct ledger *l, uint64_t *fh)
{
	struct fuse_entry_out e;

	CHECK(lookup(c, l, FUSE_ROOT_ID, "hello", &e) == 0, "LOOKUP hello");
	CHECK(open_node(c, FUSE_OPEN, e.nodeid, O_RDONLY, fh) == 0, "OPEN");
	return e.nodeid;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
tfs_interrupts(const char *tfs)
{
	struct ledger l = {.len = 0};
	struct cl c;
	uint64_t id, fh, u;
	double t0;
	int err, ierr;

	t_scenario = "testfs honour";
	rm_rf(tmp_root);
	mkdir(tmp_root, 0755);
	CHECK(testfs_start(
	          &c, tfs, "--block=hello:read", "--block=x:create", NULL) == 0,
	    "start");
	{
		struct fuse_create_in cr = {.flags = O_WRONLY, .mode = 0644};
		struct fuse_entry_out e;

		u = cl_send(&c, FUSE_CREATE, FUSE_ROOT_ID, &cr, sizeof(cr), "x",
		    NULL, NULL, 0);
		CHECK(quiet_for(&c, 100), "CREATE x blocks");
		err = interrupt_and_wait(&c, u, &ierr);
		CHECK(err == -EINTR, "interrupted CREATE: %d", err);
		CHECK(lookup(&c, &l, FUSE_ROOT_ID, "x", &e) == -ENOENT,
		    "nothing created");
	}
	id = open_hello(&c, &l, &fh);
	u = send_read(&c, FUSE_READ, id, fh, 0, 100);
	CHECK(quiet_for(&c, 200), "READ blocks");
	err = interrupt_and_wait(&c, u, &ierr);
	CHECK(err == -EINTR, "interrupted: %d", err);
	release(&c, FUSE_RELEASE, id, fh);
	ledger_forget_all(&c, &l);
	CHECK(exited_ok(cl_stop(&c)), "clean exit");
	CHECK(has_line("log", "INTERRUPT ", true), "INTERRUPT logged");
	CHECK(has_line("report", "interrupts 2", false) &&
	          has_line("report", "eintr 2", false) &&
	          has_line("report", "nodes_leaked 0", false),
	    "report counts it");

	t_scenario = "testfs ignore";
	CHECK(testfs_start(&c, tfs, "--block=hello:read:300",
	          "--interrupts=ignore", NULL) == 0,
	    "start");
	id = open_hello(&c, &l, &fh);
	t0 = now_ms();
	u = send_read(&c, FUSE_READ, id, fh, 0, 100);
	CHECK(quiet_for(&c, 50), "READ delayed");
	err = interrupt_and_wait(&c, u, &ierr);
	CHECK(err == 0 && cl_payload_len(&c) == 6 &&
	          memcmp(cl_payload(&c), "hello\n", 6) == 0 && ierr == 0,
	    "completed despite INTERRUPT: %d/%d", err, ierr);
	CHECK(now_ms() - t0 >= 250, "after its delay");
	release(&c, FUSE_RELEASE, id, fh);
	ledger_forget_all(&c, &l);
	CHECK(exited_ok(cl_stop(&c)), "clean exit");

	t_scenario = "testfs enosys";
	CHECK(testfs_start(&c, tfs, "--block=hello:read:300",
	          "--interrupts=enosys", NULL) == 0,
	    "start");
	id = open_hello(&c, &l, &fh);
	u = send_read(&c, FUSE_READ, id, fh, 0, 100);
	CHECK(quiet_for(&c, 50), "READ delayed");
	err = interrupt_and_wait(&c, u, &ierr);
	CHECK(ierr == -ENOSYS, "INTERRUPT answered ENOSYS: %d", ierr);
	CHECK(err == 0 && cl_payload_len(&c) == 6, "READ completed: %d", err);
	release(&c, FUSE_RELEASE, id, fh);
	ledger_forget_all(&c, &l);
	CHECK(exited_ok(cl_stop(&c)), "clean exit");
	CHECK(
	    has_line("report", "ops INTERRUPT 1", false), "INTERRUPT counted");
}

static void
tfs_control_and_errors(const char *tfs)
{
	struct ledger l = {.len = 0};
	struct fuse_entry_out e;
	struct fuse_attr a;
	char ctl[512], arg[600], tmp[512];
	struct cl c;
	uint64_t u;
	int err, ierr;
	FILE *f;

	t_scenario = "testfs control";
	rm_rf(tmp_root);
	mkdir(tmp_root, 0755);
	path_in(ctl, sizeof(ctl), "control");
	snprintf(arg, sizeof(arg), "--control=%s", ctl);
	CHECK(testfs_start(&c, tfs, arg, "--error=dir:lookup:EACCES",
	          "--dir=dir/sub") == 0,
	    "start");
	CHECK(lookup(&c, &l, FUSE_ROOT_ID, "dir", &e) == -EACCES,
	    "injected error");
	CHECK(lookup(&c, &l, FUSE_ROOT_ID, "hello", &e) == 0, "LOOKUP hello");
	path_in(tmp, sizeof(tmp), "control.new");
	f = fopen(tmp, "w");
	if (f != NULL) {
		fputs("# test\nblock hello:getattr\n", f);
		fclose(f);
	}
	rename(tmp, ctl);
	u = cl_send(&c, FUSE_GETATTR, e.nodeid, &(struct fuse_getattr_in){0},
	    sizeof(struct fuse_getattr_in), NULL, NULL, NULL, 0);
	CHECK(quiet_for(&c, 200), "control file rule blocks GETATTR");
	err = interrupt_and_wait(&c, u, &ierr);
	CHECK(err == -EINTR, "interrupted: %d", err);
	f = fopen(tmp, "w");
	if (f != NULL) {
		fputs("error hello:getattr:5\n", f);
		fclose(f);
	}
	rename(tmp, ctl);
	CHECK(getattr(&c, e.nodeid, &a) == -EIO, "rule replaced");
	CHECK(getattr(&c, FUSE_ROOT_ID, &a) == 0, "others unaffected");
	unlink(ctl);
	CHECK(getattr(&c, e.nodeid, &a) == 0, "rules gone with the file");
	ledger_forget_all(&c, &l);
	CHECK(exited_ok(cl_stop(&c)), "clean exit");
}

static void
tfs_bad(const char *tfs)
{
	static const char *const modes[] = {
	    "short", "unique", "oversize", "garbage"};
	struct cl c;
	char arg[64];

	rm_rf(tmp_root);
	mkdir(tmp_root, 0755);
	for (int i = 0; i < 4; i++) {
		struct fuse_out_header o;
		struct fuse_getattr_in in;
		uint64_t u;
		ssize_t n;

		t_scenario = modes[i];
		snprintf(arg, sizeof(arg), "--bad=%s:getattr", modes[i]);
		CHECK(testfs_start(&c, tfs, arg, NULL, NULL) == 0, "start");
		memset(&in, 0, sizeof(in));
		u = cl_send(&c, FUSE_GETATTR, FUSE_ROOT_ID, &in, sizeof(in),
		    NULL, NULL, NULL, 0);
		n = cl_recv(&c, T_TIMEOUT_MS);
		o = cl_hdr(&c);
		CHECK(n > 0, "a reply came");
		switch (i) {
		case 0:
			CHECK(n == 16 + sizeof(struct fuse_attr_out) / 2 &&
			          o.len == 16 + sizeof(struct fuse_attr_out) &&
			          o.unique == u,
			    "short: %zd bytes, header %u", n, o.len);
			break;
		case 1:
			CHECK(
			    o.unique != u && o.len == (size_t)n && o.error == 0,
			    "unknown unique %llx",
			    (unsigned long long)o.unique);
			break;
		case 2:
			CHECK(o.len == (size_t)n &&
			          n == 16 + 4096 +
			                   (ssize_t)sizeof(
			                       struct fuse_attr_out) &&
			          o.unique == u,
			    "oversize: %zd", n);
			break;
		case 3:
			CHECK(n == 64 && !(o.len == 64 && o.unique == u),
			    "garbage: %zd", n);
			break;
		}
		/* the next op is fine again */
		{
			struct fuse_entry_out e;
			struct ledger l = {.len = 0};

			CHECK(lookup(&c, &l, FUSE_ROOT_ID, "hello", &e) == 0,
			    "LOOKUP after the bad reply");
			ledger_forget_all(&c, &l);
		}
		CHECK(exited_ok(cl_stop(&c)), "clean exit");
	}
}

static bool
wait_file(const char *rel)
{
	for (int i = 0; i < T_TIMEOUT_MS / 10; i++) {
		if (exists(rel))
			return true;
		usleep(10 * 1000);
	}
	return false;
}

static void
tfs_report(const char *tfs)
{
	struct ledger l = {.len = 0};
	struct fuse_entry_out e;
	struct cl c;
	uint64_t dfh, fh, id = 0;
	bool dots_zero;
	char rep[512];
	int err;

	t_scenario = "testfs report";
	rm_rf(tmp_root);
	mkdir(tmp_root, 0755);
	CHECK(testfs_start(&c, tfs, "--big-size=100000", NULL, NULL) == 0,
	    "start");
	CHECK(lookup(&c, &l, FUSE_ROOT_ID, "hello", &e) == 0, "LOOKUP");
	CHECK(lookup(&c, &l, FUSE_ROOT_ID, "dir", &e) == 0 &&
	          lookup(&c, &l, FUSE_ROOT_ID, "dir", &e) == 0,
	    "LOOKUP x2");
	CHECK(lookup(&c, &l, e.nodeid, "inner", &e) == 0, "LOOKUP inner");
	CHECK(
	    open_node(&c, FUSE_OPENDIR, FUSE_ROOT_ID, 0, &dfh) == 0, "OPENDIR");
	err = cl_wait(
	    &c, send_read(&c, FUSE_READDIRPLUS, FUSE_ROOT_ID, dfh, 0, 4096));
	CHECK(err == 0 && dirplus_walk(&c, &l, "big", &id, &dots_zero) == 6 &&
	          dots_zero,
	    "READDIRPLUS: %d", err);
	CHECK(open_node(&c, FUSE_OPEN, id, O_RDONLY, &fh) == 0, "OPEN big");
	err = cl_wait(&c, send_read(&c, FUSE_READ, id, fh, 99990, 100));
	{
		const unsigned char *p = cl_payload(&c);
		bool ok = err == 0 && cl_payload_len(&c) == 10;

		for (size_t i = 0; ok && i < 10; i++)
			ok = p[i] == (99990 + i) % 251;
		CHECK(ok, "big content at the end: %d", err);
	}
	path_in(rep, sizeof(rep), "report");
	unlink(rep);
	kill(c.pid, SIGUSR1);
	CHECK(wait_file("report"), "report on SIGUSR1");
	CHECK(has_line("report", "nodes_leaked 5", false) &&
	          has_line("report", "open_handles 2", false) &&
	          has_line("report", "leaked 2 hello nlookup 2", false),
	    "report shows what is held");
	release(&c, FUSE_RELEASE, id, fh);
	release(&c, FUSE_RELEASEDIR, FUSE_ROOT_ID, dfh);
	ledger_forget_all(&c, &l);
	CHECK(exited_ok(cl_stop(&c)), "clean exit");
	CHECK(has_line("report", "nodes_leaked 0", false) &&
	          has_line("report", "open_handles 0", false) &&
	          has_line("report", "ops LOOKUP 4", false) &&
	          has_line("report", "ops BATCH_FORGET 1", false),
	    "no leaks after FORGET");
}

int
main(int argc, char **argv)
{
	const char *base = getenv("TMPDIR");

	if (argc != 3) {
		fprintf(stderr, "usage: t_rawfuse PASSTHROUGH TESTFS\n");
		return 2;
	}
	if (access(argv[1], X_OK) != 0 || access(argv[2], X_OK) != 0) {
		fprintf(stderr, "t_rawfuse: programs not built\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(tmp_root, sizeof(tmp_root), "%s/t_rawfuse.XXXXXX",
	    base ? base : "/tmp");
	if (mkdtemp(tmp_root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	pt_basic(argv[1]);
	pt_escapes(argv[1], false);
	pt_escapes(argv[1], true);
	pt_read_only(argv[1]);
	pt_interrupts(argv[1]);
	tfs_interrupts(argv[2]);
	tfs_control_and_errors(argv[2]);
	tfs_bad(argv[2]);
	tfs_report(argv[2]);
	rm_rf(tmp_root);
	printf("t_rawfuse: %d checks, %d failed\n", nchecks, nfailed);
	return nfailed ? 1 : 0;
}
