/* SPDX-License-Identifier: MIT */
/*
 * A small in-memory 9P2000 / 9P2000.u file server, so that the client's
 * paths for those dialects (Topen, Tcreate, Tstat, Twstat, directory reads
 * as stat entries, Rerror texts and errnums) run against something while
 * diod speaks only 9P2000.L. It is strict where a client can go wrong: a
 * Twstat whose "don't touch" fields are not all ones, a directory read at
 * an offset other than 0 or the end of the last one, a Tcreate of a name
 * that exists, and unknown fids are errors.
 *
 * Usage: t_ninep_fakesrv SOCKET_PATH. Listens on a unix socket and serves
 * one connection at a time, keeping the tree across connections, until
 * killed. msize is at most 8192, so that reads and writes get split.
 *
 * It deliberately does not do authentication, hard links, devices,
 * permissions checks, flush (Tflush is answered at once: requests are
 * served in order) or 9P2000.L.
 */
#include "p9.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_NODES 256
#define MAX_FIDS 1024
#define MSIZE_MAX 8192

struct node {
	bool used;
	int parent;
	char name[256];
	uint32_t mode; /* P9_DM* | perm */
	uint32_t version;
	uint32_t atime, mtime;
	char target[256]; /* symlink */
	uint8_t *data;
	size_t len;
};

struct fid {
	bool used;
	int node;
	bool open;
	int dir_next;     /* directory read: next child index */
	uint64_t dir_pos; /* byte offset the next read must give */
};

static struct node nodes[MAX_NODES];
static struct fid fids[MAX_FIDS];
static unsigned dialect;
static uint32_t msize;

static int
node_new(int parent, const char *name, uint32_t mode)
{
	for (int i = 0; i < MAX_NODES; i++) {
		if (nodes[i].used)
			continue;
		memset(&nodes[i], 0, sizeof(nodes[i]));
		nodes[i].used = true;
		nodes[i].parent = parent;
		snprintf(nodes[i].name, sizeof(nodes[i].name), "%s", name);
		nodes[i].mode = mode;
		nodes[i].mtime = nodes[i].atime = (uint32_t)time(NULL);
		return i;
	}
	return -1;
}

static int
child(int dir, const char *name, size_t len)
{
	for (int i = 1; i < MAX_NODES; i++)
		if (nodes[i].used && nodes[i].parent == dir &&
		    strlen(nodes[i].name) == len &&
		    memcmp(nodes[i].name, name, len) == 0)
			return i;
	return -1;
}

static void
set_data(int n, const char *s)
{
	nodes[n].len = strlen(s);
	nodes[n].data = malloc(nodes[n].len);
	memcpy(nodes[n].data, s, nodes[n].len);
}

static void
populate(void)
{
	int d;

	node_new(0, "/", P9_DMDIR | 0755);
	set_data(node_new(0, "hello.txt", 0644), "Hello, 9P2000!\n");
	d = node_new(0, "dir", P9_DMDIR | 0755);
	set_data(node_new(d, "a", 0600), "A");
	set_data(node_new(d, "with space", 0644), "spaced\n");
	node_new(d, "empty", 0444);
}

static struct p9_qid
qid_of(int n)
{
	struct p9_qid q = {
	    .version = nodes[n].version, .path = (uint64_t)n + 1};

	if (nodes[n].mode & P9_DMDIR)
		q.type = P9_QTDIR;
	else if (nodes[n].mode & P9_DMSYMLINK)
		q.type = P9_QTSYMLINK;
	return q;
}

static struct p9_str
str(const char *s)
{
	return (struct p9_str){(uint16_t)strlen(s), s};
}

static void
stat_of(int n, struct p9_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->qid = qid_of(n);
	st->mode = nodes[n].mode;
	st->atime = nodes[n].atime;
	st->mtime = nodes[n].mtime;
	st->length = (nodes[n].mode & P9_DMDIR) ? 0 : nodes[n].len;
	st->name = str(nodes[n].name);
	st->uid = str("alice");
	st->gid = str("staff");
	st->muid = str("alice");
	st->extension = str(nodes[n].target);
	st->n_uid = 1000;
	st->n_gid = 50;
	st->n_muid = 1000;
}

/* ------------------------------------------------------------ replies */

static int conn_fd = -1;

static void
send_msg(struct p9_msg *m)
{
	static uint8_t buf[MSIZE_MAX + 64];
	ssize_t n = p9_encode(m, dialect ? dialect : P9_V_2000,
	    msize ? msize : MSIZE_MAX, buf, sizeof(buf));

	if (n < 0) {
		fprintf(stderr, "fakesrv: encode %s: %s\n",
		    p9_type_name(m->type), strerror((int)-n));
		exit(1);
	}
	if (write(conn_fd, buf, (size_t)n) != n)
		fprintf(stderr, "fakesrv: short write\n");
}

static void
send_err(uint16_t tag, int err)
{
	struct p9_msg m;

	memset(&m, 0, sizeof(m));
	m.type = P9_RERROR;
	m.tag = tag;
	m.rerror.ename = str(p9_errstr(err));
	m.rerror.errnum = (uint32_t)err;
	send_msg(&m);
}

static struct fid *
get_fid(uint32_t fid)
{
	if (fid >= MAX_FIDS || !fids[fid].used || !nodes[fids[fid].node].used)
		return NULL;
	return &fids[fid];
}

/* ------------------------------------------------------------ handlers */

static int
do_walk(const struct p9_msg *t, struct p9_msg *r)
{
	struct fid *f = get_fid(t->twalk.fid);
	int n;

	if (f == NULL)
		return -EBADF;
	if (f->open)
		return -EBUSY;
	if (t->twalk.newfid >= MAX_FIDS ||
	    (t->twalk.newfid != t->twalk.fid && fids[t->twalk.newfid].used))
		return -EBADF;
	n = f->node;
	for (uint16_t i = 0; i < t->twalk.nwname; i++) {
		const struct p9_str *w = &t->twalk.wname[i];
		int next;

		if (!(nodes[n].mode & P9_DMDIR))
			next = -1;
		else if (w->len == 2 && memcmp(w->s, "..", 2) == 0)
			next = nodes[n].parent;
		else
			next = child(n, w->s, w->len);
		if (next < 0) {
			if (i == 0)
				return -ENOENT;
			return 0; /* partial: newfid untouched */
		}
		n = next;
		r->rwalk.wqid[i] = qid_of(n);
		r->rwalk.nwqid = (uint16_t)(i + 1);
	}
	fids[t->twalk.newfid] = (struct fid){.used = true, .node = n};
	return 0;
}

static int
do_open(struct fid *f, uint8_t mode)
{
	struct node *nd = &nodes[f->node];

	if (f->open)
		return -EBUSY;
	if ((nd->mode & P9_DMDIR) && (mode & 3) != P9_OREAD)
		return -EISDIR;
	if ((mode & P9_OTRUNC) && !(nd->mode & P9_DMDIR))
		nd->len = 0;
	f->open = true;
	f->dir_next = 1;
	f->dir_pos = 0;
	return 0;
}

static int
do_create(const struct p9_msg *t, struct p9_msg *r)
{
	struct fid *f = get_fid(t->tcreate.fid);
	char name[256];
	uint32_t perm = t->tcreate.perm;
	int n;

	if (f == NULL)
		return -EBADF;
	if (!(nodes[f->node].mode & P9_DMDIR))
		return -ENOTDIR;
	if (t->tcreate.name.len == 0 || t->tcreate.name.len >= sizeof(name) ||
	    memchr(t->tcreate.name.s, '/', t->tcreate.name.len) != NULL)
		return -EINVAL;
	memcpy(name, t->tcreate.name.s, t->tcreate.name.len);
	name[t->tcreate.name.len] = '\0';
	if (child(f->node, name, strlen(name)) >= 0)
		return -EEXIST;
	if (perm & (P9_DMLINK | P9_DMDEVICE | P9_DMNAMEDPIPE | P9_DMSOCKET))
		return -EOPNOTSUPP;
	if ((perm & P9_DMSYMLINK) && dialect != P9_V_2000U)
		return -EINVAL;
	n = node_new(f->node, name, perm);
	if (n < 0)
		return -ENOSPC;
	if (perm & P9_DMSYMLINK)
		snprintf(nodes[n].target, sizeof(nodes[n].target), "%.*s",
		    (int)t->tcreate.extension.len, t->tcreate.extension.s);
	nodes[f->node].version++;
	f->node = n;
	f->open = false;
	(void)do_open(f, t->tcreate.mode);
	r->rcreate.qid = qid_of(n);
	return 0;
}

static int
do_read(const struct p9_msg *t, struct p9_msg *r, uint8_t *buf)
{
	struct fid *f = get_fid(t->tread.fid);
	struct node *nd;
	uint32_t count = t->tread.count;

	if (f == NULL)
		return -EBADF;
	if (!f->open)
		return -EBADF;
	if (count > msize - P9_IOHDRSZ)
		count = msize - P9_IOHDRSZ;
	nd = &nodes[f->node];
	r->rread.data = buf;
	if (!(nd->mode & P9_DMDIR)) {
		if (t->tread.offset < nd->len) {
			size_t left = nd->len - t->tread.offset;

			r->rread.count = left < count ? (uint32_t)left : count;
			memcpy(buf, nd->data + t->tread.offset, r->rread.count);
		}
		return 0;
	}
	if (t->tread.offset == 0) {
		f->dir_next = 1;
		f->dir_pos = 0;
	} else if (t->tread.offset != f->dir_pos)
		return -EINVAL; /* 9P2000: only 0 or where the last ended */
	for (; f->dir_next < MAX_NODES; f->dir_next++) {
		struct p9_stat st;
		ssize_t n;

		if (!nodes[f->dir_next].used ||
		    nodes[f->dir_next].parent != f->node)
			continue;
		stat_of(f->dir_next, &st);
		n = p9_stat_put(
		    buf + r->rread.count, count - r->rread.count, &st, dialect);
		if (n == -EMSGSIZE)
			break;
		if (n < 0)
			return (int)n;
		r->rread.count += (uint32_t)n;
	}
	f->dir_pos += r->rread.count;
	return 0;
}

static int
do_write(const struct p9_msg *t, struct p9_msg *r)
{
	struct fid *f = get_fid(t->twrite.fid);
	struct node *nd;
	uint64_t end;

	if (f == NULL || !f->open)
		return -EBADF;
	nd = &nodes[f->node];
	if (nd->mode & P9_DMDIR)
		return -EISDIR;
	end = t->twrite.offset + t->twrite.count;
	if (end > 256u << 20)
		return -EFBIG;
	if (end > nd->len) {
		uint8_t *p = realloc(nd->data, end);

		if (p == NULL)
			return -ENOMEM;
		memset(p + nd->len, 0, end - nd->len);
		nd->data = p;
		nd->len = end;
	}
	memcpy(nd->data + t->twrite.offset, t->twrite.data, t->twrite.count);
	nd->mtime = (uint32_t)time(NULL);
	nd->version++;
	r->rwrite.count = t->twrite.count;
	return 0;
}

static int
do_remove(uint32_t fid)
{
	struct fid *f = get_fid(fid);
	int n;

	if (f == NULL)
		return -EBADF;
	n = f->node;
	f->used = false; /* a Tremove clunks, even when it fails */
	if (n == 0)
		return -EBUSY;
	for (int i = 1; i < MAX_NODES; i++)
		if (nodes[i].used && nodes[i].parent == n)
			return -ENOTEMPTY;
	free(nodes[n].data);
	nodes[n].used = false;
	return 0;
}

static bool
all_ones(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != 0xff)
			return false;
	return true;
}

static int
do_wstat(const struct p9_msg *t)
{
	const struct p9_stat *st = &t->twstat.stat;
	struct fid *f = get_fid(t->twstat.fid);
	struct node *nd;

	if (f == NULL)
		return -EBADF;
	nd = &nodes[f->node];
	/* what a client may not change must say "don't touch" */
	if (st->type != 0xffff || st->dev != UINT32_MAX ||
	    !all_ones(&st->qid.type, 1) || st->qid.version != UINT32_MAX ||
	    st->qid.path != UINT64_MAX || st->muid.len != 0)
		return -EINVAL;
	if (dialect == P9_V_2000U &&
	    (st->n_muid != UINT32_MAX || st->extension.len != 0))
		return -EINVAL;
	if (st->mode != UINT32_MAX &&
	    (st->mode & P9_DMDIR) != (nd->mode & P9_DMDIR))
		return -EINVAL;
	if (st->length != UINT64_MAX && (nd->mode & P9_DMDIR))
		return -EISDIR;
	if (st->name.len != 0) {
		char name[256];

		if (st->name.len >= sizeof(name) ||
		    memchr(st->name.s, '/', st->name.len) != NULL)
			return -EINVAL;
		memcpy(name, st->name.s, st->name.len);
		name[st->name.len] = '\0';
		if (child(nd->parent, name, strlen(name)) >= 0)
			return -EEXIST;
		snprintf(nd->name, sizeof(nd->name), "%s", name);
	}
	if (st->mode != UINT32_MAX)
		nd->mode = st->mode;
	if (st->length != UINT64_MAX) {
		uint8_t *p = realloc(nd->data, st->length ? st->length : 1);

		if (p == NULL)
			return -ENOMEM;
		if (st->length > nd->len)
			memset(p + nd->len, 0, st->length - nd->len);
		nd->data = p;
		nd->len = st->length;
	}
	if (st->mtime != UINT32_MAX)
		nd->mtime = st->mtime;
	if (st->atime != UINT32_MAX)
		nd->atime = st->atime;
	return 0;
}

/* Answer one request; returns false when the connection should end. */
static bool
serve(const uint8_t *frame, size_t len)
{
	static uint8_t data[MSIZE_MAX];
	struct p9_msg t, r;
	struct fid *f;
	int err = 0;

	if (p9_decode(frame, len, dialect ? dialect : P9_V_2000, &t, NULL) !=
	    0) {
		fprintf(
		    stderr, "fakesrv: undecodable %s\n", p9_type_name(t.type));
		return false;
	}
	memset(&r, 0, sizeof(r));
	r.type = (uint8_t)(t.type + 1);
	r.tag = t.tag;
	switch (t.type) {
	case P9_TVERSION:
		dialect = p9_dialect_from_version(
		    t.tversion.version.s, t.tversion.version.len);
		msize =
		    t.tversion.msize < MSIZE_MAX ? t.tversion.msize : MSIZE_MAX;
		r.rversion.msize = msize;
		memset(fids, 0, sizeof(fids));
		if (dialect == P9_V_2000L || dialect == 0) {
			dialect = 0;
			r.rversion.version = str("unknown");
		} else
			r.rversion.version =
			    str(dialect == P9_V_2000U ? "9P2000.u" : "9P2000");
		break;
	case P9_TATTACH:
		if (t.tattach.fid >= MAX_FIDS || fids[t.tattach.fid].used)
			err = -EBADF;
		else {
			fids[t.tattach.fid] = (struct fid){.used = true};
			r.rattach.qid = qid_of(0);
		}
		break;
	case P9_TFLUSH:
		break;
	case P9_TWALK:
		err = do_walk(&t, &r);
		break;
	case P9_TOPEN:
		f = get_fid(t.topen.fid);
		err = f == NULL ? -EBADF : do_open(f, t.topen.mode);
		if (err == 0)
			r.ropen.qid = qid_of(f->node);
		break;
	case P9_TCREATE:
		err = do_create(&t, &r);
		break;
	case P9_TREAD:
		err = do_read(&t, &r, data);
		break;
	case P9_TWRITE:
		err = do_write(&t, &r);
		break;
	case P9_TCLUNK:
		f = get_fid(t.tclunk.fid);
		if (f == NULL)
			err = -EBADF;
		else
			f->used = false;
		break;
	case P9_TREMOVE:
		err = do_remove(t.tremove.fid);
		break;
	case P9_TSTAT:
		f = get_fid(t.tstat.fid);
		if (f == NULL)
			err = -EBADF;
		else
			stat_of(f->node, &r.rstat.stat);
		break;
	case P9_TWSTAT:
		err = do_wstat(&t);
		break;
	default:
		err = -ENOSYS;
		break;
	}
	if (err < 0)
		send_err(t.tag, -err);
	else
		send_msg(&r);
	return true;
}

static bool
read_full(int fd, uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

int
main(int argc, char **argv)
{
	static uint8_t frame[MSIZE_MAX + 64];
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int lfd;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: t_ninep_fakesrv SOCKET_PATH\n");
		return 2;
	}
	populate();
	strcpy(sun.sun_path, argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    listen(lfd, 4) != 0) {
		perror("fakesrv: listen");
		return 1;
	}
	for (;;) {
		conn_fd = accept(lfd, NULL, NULL);
		if (conn_fd < 0)
			continue;
		dialect = 0;
		msize = 0;
		for (;;) {
			uint32_t size;

			if (!read_full(conn_fd, frame, 4))
				break;
			size = p9_frame_size(frame);
			if (size < P9_HDRSZ || size > sizeof(frame) ||
			    (msize != 0 && size > msize) ||
			    !read_full(conn_fd, frame + 4, size - 4)) {
				fprintf(stderr, "fakesrv: bad frame size %u\n",
				    size);
				break;
			}
			if (!serve(frame, size))
				break;
		}
		close(conn_fd);
	}
}
