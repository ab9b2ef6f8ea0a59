/* SPDX-License-Identifier: MIT */
/*
 * t_rawfuse: a tiny FUSE kernel side for the tests -- start a program with
 * "/dev/fd/N", send requests as iovecs, receive and match replies, send
 * FUSE_INTERRUPT, keep a ledger of lookups to FORGET -- plus file helpers
 * for the scratch directory. No checks of its own beyond CHECK counting.
 */
#include "t_rawfuse.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

int t_nchecks, t_nfailed;
const char *t_scenario = "";

void
t_check_(bool ok, int line, const char *expr, const char *fmt, ...)
{
	va_list ap;

	t_nchecks++;
	if (ok)
		return;
	t_nfailed++;
	fprintf(stderr, "FAIL %s line %d: %s: ", t_scenario, line, expr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ------------------------------------------------------------- client */

/* Start argv with "{}" replaced by /dev/fd/N. */
int
t_cl_start(struct t_cl *c, const char *const *argv)
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

uint64_t
t_cl_send_raw(struct t_cl *c, uint32_t op, uint64_t unique, uint64_t nodeid,
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

uint64_t
t_cl_send(struct t_cl *c, uint32_t op, uint64_t nodeid, const void *in,
    size_t in_len, const char *name, const char *name2, const void *data,
    size_t data_len)
{
	c->unique += 2;
	return t_cl_send_raw(
	    c, op, c->unique, nodeid, in, in_len, name, name2, data, data_len);
}

/* Wait up to ms for a message. Returns its length, 0 on timeout, -1 on
 * EOF or error. */
ssize_t
t_cl_recv(struct t_cl *c, int ms)
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

struct fuse_out_header
t_cl_hdr(const struct t_cl *c)
{
	struct fuse_out_header o;

	memset(&o, 0, sizeof(o));
	if (c->len >= sizeof(o))
		memcpy(&o, c->buf, sizeof(o));
	return o;
}

/* Wait for the reply to unique. Returns its error (0 or -errno) with the
 * payload at c->buf + 16, or -ETIMEDOUT / -EPIPE / -EBADMSG. */
int
t_cl_wait(struct t_cl *c, uint64_t unique)
{
	struct fuse_out_header o;
	ssize_t n = t_cl_recv(c, T_TIMEOUT_MS);

	if (n == 0)
		return -ETIMEDOUT;
	if (n < 0)
		return -EPIPE;
	o = t_cl_hdr(c);
	if ((size_t)n < sizeof(o) || o.len != (size_t)n || o.unique != unique)
		return -EBADMSG;
	return o.error;
}

int
t_cl_call(struct t_cl *c, uint32_t op, uint64_t nodeid, const void *in,
    size_t in_len, const char *name, const char *name2, const void *data,
    size_t data_len)
{
	return t_cl_wait(c,
	    t_cl_send(c, op, nodeid, in, in_len, name, name2, data, data_len));
}

const void *
t_cl_payload(const struct t_cl *c)
{
	return c->buf + sizeof(struct fuse_out_header);
}

size_t
t_cl_payload_len(const struct t_cl *c)
{
	return c->len - sizeof(struct fuse_out_header);
}

int
t_cl_init(struct t_cl *c)
{
	struct fuse_init_in in;

	memset(&in, 0, sizeof(in));
	in.major = FUSE_KERNEL_VERSION;
	in.minor = FUSE_KERNEL_MINOR_VERSION;
	in.max_readahead = 65536;
	in.flags = FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_BIG_WRITES |
	           FUSE_DO_READDIRPLUS | FUSE_FLOCK_LOCKS | FUSE_MAX_PAGES |
	           FUSE_DONT_MASK;
	return t_cl_call(c, FUSE_INIT, 0, &in, sizeof(in), NULL, NULL, NULL, 0);
}

/* Close the channel and reap the child; returns its wait status or -1
 * if it did not exit within the timeout (it is then killed). */
int
t_cl_stop(struct t_cl *c)
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

void
t_ledger_add(struct t_ledger *l, uint64_t id)
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

void
t_ledger_forget_all(struct t_cl *c, struct t_ledger *l)
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
	t_cl_send(c, FUSE_BATCH_FORGET, 0, &m,
	    sizeof(m.b) + l->len * sizeof(m.one[0]), NULL, NULL, NULL, 0);
	l->len = 0;
}

/* LOOKUP-shaped calls: returns error, fills *e, records the lookup. */
int
t_entry_call(struct t_cl *c, struct t_ledger *l, uint32_t op, uint64_t nodeid,
    const void *in, size_t in_len, const char *name, const char *name2,
    struct fuse_entry_out *e)
{
	int err = t_cl_call(c, op, nodeid, in, in_len, name, name2, NULL, 0);

	memset(e, 0, sizeof(*e));
	if (err == 0 && t_cl_payload_len(c) >= sizeof(*e)) {
		memcpy(e, t_cl_payload(c), sizeof(*e));
		if (l != NULL && e->nodeid != 0)
			t_ledger_add(l, e->nodeid);
	}
	return err;
}

int
t_lookup(struct t_cl *c, struct t_ledger *l, uint64_t parent, const char *name,
    struct fuse_entry_out *e)
{
	return t_entry_call(c, l, FUSE_LOOKUP, parent, NULL, 0, name, NULL, e);
}

int
t_open_node(
    struct t_cl *c, uint32_t op, uint64_t nodeid, uint32_t flags, uint64_t *fh)
{
	struct fuse_open_in in = {.flags = flags};
	struct fuse_open_out out;
	int err =
	    t_cl_call(c, op, nodeid, &in, sizeof(in), NULL, NULL, NULL, 0);

	*fh = 0;
	if (err == 0 && t_cl_payload_len(c) >= sizeof(out)) {
		memcpy(&out, t_cl_payload(c), sizeof(out));
		*fh = out.fh;
	}
	return err;
}

void
t_release(struct t_cl *c, uint32_t op, uint64_t nodeid, uint64_t fh)
{
	struct fuse_release_in in = {.fh = fh};

	CHECK(
	    t_cl_call(c, op, nodeid, &in, sizeof(in), NULL, NULL, NULL, 0) == 0,
	    "release %llu", (unsigned long long)nodeid);
}

uint64_t
t_send_read(struct t_cl *c, uint32_t op, uint64_t nodeid, uint64_t fh,
    uint64_t off, uint32_t size)
{
	struct fuse_read_in in = {.fh = fh, .offset = off, .size = size};

	return t_cl_send(c, op, nodeid, &in, sizeof(in), NULL, NULL, NULL, 0);
}

int
t_getattr(struct t_cl *c, uint64_t nodeid, struct fuse_attr *a)
{
	struct fuse_getattr_in in;
	struct fuse_attr_out out;
	int err;

	memset(&in, 0, sizeof(in));
	err = t_cl_call(
	    c, FUSE_GETATTR, nodeid, &in, sizeof(in), NULL, NULL, NULL, 0);
	memset(a, 0, sizeof(*a));
	if (err == 0 && t_cl_payload_len(c) >= sizeof(out)) {
		memcpy(&out, t_cl_payload(c), sizeof(out));
		*a = out.attr;
	}
	return err;
}

/*
 * Interrupt the request victim and return its reply's error. EAGAIN to the
 * interrupt means "not seen yet": send it again. *intr_err gets the
 * interrupt's own reply error, if one came (0 if none).
 */
int
t_interrupt_and_wait(struct t_cl *c, uint64_t victim, int *intr_err)
{
	struct fuse_interrupt_in in = {.unique = victim};

	*intr_err = 0;
	t_cl_send_raw(c, FUSE_INTERRUPT, victim | T_INT_REQ_BIT, 0, &in,
	    sizeof(in), NULL, NULL, NULL, 0);
	for (int i = 0; i < 100; i++) {
		struct fuse_out_header o;
		ssize_t n = t_cl_recv(c, T_TIMEOUT_MS);

		if (n <= 0)
			return n == 0 ? -ETIMEDOUT : -EPIPE;
		o = t_cl_hdr(c);
		if (o.unique == victim)
			return o.error;
		if (o.unique != (victim | T_INT_REQ_BIT))
			return -EBADMSG;
		*intr_err = o.error;
		if (o.error == -EAGAIN)
			t_cl_send_raw(c, FUSE_INTERRUPT, victim | T_INT_REQ_BIT,
			    0, &in, sizeof(in), NULL, NULL, NULL, 0);
	}
	return -EBADMSG;
}

/* True if nothing arrives within ms (the request is really blocked). */
bool
t_quiet_for(struct t_cl *c, int ms)
{
	struct pollfd p = {.fd = c->fd, .events = POLLIN};

	return poll(&p, 1, ms) == 0;
}

/* t_cl_stop and check that the program exited with status 0. */
void
t_cl_stop_check(struct t_cl *c)
{
	int status = t_cl_stop(c);

	CHECK(t_exited_ok(status), "clean exit: wait status %d%s", status,
	    status == -1 ? " (did not exit in time)" : "");
}

bool
t_exited_ok(int status)
{
	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---------------------------------------------------------- utilities */

char t_tmp_root[256];

void
t_path_in(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", t_tmp_root, rel);
}

void
t_write_file(const char *rel, const char *content)
{
	char p[512];
	FILE *f;

	t_path_in(p, sizeof(p), rel);
	f = fopen(p, "w");
	if (f != NULL) {
		fputs(content, f);
		fclose(f);
	}
}

bool
t_file_is(const char *rel, const char *content)
{
	char p[512], buf[256];
	size_t n;
	FILE *f;

	t_path_in(p, sizeof(p), rel);
	f = fopen(p, "r");
	if (f == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strcmp(buf, content) == 0;
}

bool
t_exists(const char *rel)
{
	char p[512];
	struct stat st;

	t_path_in(p, sizeof(p), rel);
	return lstat(p, &st) == 0;
}

void
t_rm_rf(const char *path)
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
			t_rm_rf(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(path);
}

/* Count READDIRPLUS entries, recording lookups; find name's node id. */
size_t
t_dirplus_walk(const struct t_cl *c, struct t_ledger *l, const char *want,
    uint64_t *want_id, bool *dots_zero)
{
	const unsigned char *p = t_cl_payload(c);
	size_t len = t_cl_payload_len(c), pos = 0, n = 0;

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
			t_ledger_add(l, d.entry_out.nodeid);
		}
		if (want != NULL && strcmp(name, want) == 0)
			*want_id = d.entry_out.nodeid;
		pos += FUSE_DIRENTPLUS_SIZE(&d);
		n++;
	}
	return n;
}
