/* SPDX-License-Identifier: MIT */
/*
 * ninebench_9p: the workloads over 9P2000.L. One connection runs in the
 * calling thread with up to `depth` slots; each slot works through units
 * (one Tread, one getattr, one file's walk+getattr+clunk, one directory
 * listing, ...) as a chain of requests under its own tag, so `depth`
 * requests are in flight at once. Replies are matched by tag.
 *
 * It does not check data, retry, or survive a server error: the first
 * error reply stops the connection and is reported.
 */
#include "ninebench.h"

#include "p9.h"
#include "p9_client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct nb_slot {
	uint32_t fid;  /* this slot's scratch fid */
	unsigned step; /* position in the unit's chain */
	uint64_t idx;  /* unit index */
	uint64_t off;  /* read/write offset, readdir cookie */
};

struct nb_conn {
	const struct t_nb_opts *o;
	enum t_nb_wl wl;
	struct p9c *c;
	uint32_t root, base; /* attach fid; the file or directory worked on */
	uint32_t iosize;
	uint64_t total; /* read/write: bytes to move */
	uint64_t wrap;  /* mixed read: offsets wrap here */
	bool own;       /* mixed: units counted per connection */
	uint64_t next;  /* ... in this counter */
	struct t_nb_shared *sh;
	struct t_nb_count *cnt;
	uint8_t *wbuf;
	struct nb_slot *slots;
	unsigned nslots;
	char name[256];
};

static const char *const mixed_order[] = {"read", "getattr", "stat", "readdir"};
static const enum t_nb_wl mixed_wl[] = {
    T_NB_READ, T_NB_GETATTR, T_NB_STAT, T_NB_READDIR};

/* ----------------------------------------------------- small pieces */

static bool
take(struct nb_conn *k, uint64_t *idx)
{
	if (k->own) {
		if (k->sh->stop)
			return false;
		*idx = k->next++;
		return true;
	}
	return t_nb_take(k->sh, idx);
}

static void
set_str(struct p9_str *s, const char *p)
{
	s->s = p;
	s->len = (uint16_t)strlen(p);
}

static int
send_msg(struct nb_conn *k, struct p9_msg *m, struct nb_slot *s)
{
	m->tag = (uint16_t)(s - k->slots + 1);
	return p9c_send(k->c, m);
}

static const char *
unit_name(struct nb_conn *k, uint64_t idx)
{
	uint64_t n = idx;

	if (k->wl == T_NB_STAT && k->o->nfiles > 0)
		n = idx % k->o->nfiles;
	snprintf(k->name, sizeof(k->name), "%s%llu", k->o->prefix,
	    (unsigned long long)n);
	return k->name;
}

/* -------------------------------------------------------- the requests */

static int
send_walk(struct nb_conn *k, struct nb_slot *s, const char *name)
{
	struct p9_msg m = {.type = P9_TWALK};

	m.twalk.fid = k->base;
	m.twalk.newfid = s->fid;
	m.twalk.nwname = name != NULL ? 1 : 0;
	if (name != NULL)
		set_str(&m.twalk.wname[0], name);
	return send_msg(k, &m, s);
}

static int
send_fid_op(struct nb_conn *k, struct nb_slot *s, uint8_t type, uint32_t fid)
{
	struct p9_msg m = {.type = type};

	switch (type) {
	case P9_TGETATTR:
		m.tgetattr.fid = fid;
		m.tgetattr.request_mask = P9_GETATTR_BASIC;
		break;
	case P9_TCLUNK:
		m.tclunk.fid = fid;
		break;
	case P9_TLOPEN:
		m.tlopen.fid = fid;
		m.tlopen.flags = O_RDONLY | O_DIRECTORY;
		break;
	default:
		return -EINVAL;
	}
	return send_msg(k, &m, s);
}

static int
send_io(struct nb_conn *k, struct nb_slot *s, uint32_t fid, bool write,
    uint64_t off, uint32_t count)
{
	struct p9_msg m = {.type = write ? P9_TWRITE : P9_TREAD};

	if (write) {
		m.twrite.fid = fid;
		m.twrite.offset = off;
		m.twrite.count = count;
		m.twrite.data = k->wbuf;
	} else {
		m.tread.fid = fid;
		m.tread.offset = off;
		m.tread.count = count;
	}
	return send_msg(k, &m, s);
}

static int
send_readdir(struct nb_conn *k, struct nb_slot *s)
{
	struct p9_msg m = {.type = P9_TREADDIR};

	m.treaddir.fid = s->fid;
	m.treaddir.offset = s->off;
	m.treaddir.count = k->iosize;
	return send_msg(k, &m, s);
}

static int
send_lcreate(struct nb_conn *k, struct nb_slot *s, const char *name)
{
	struct p9_msg m = {.type = P9_TLCREATE};

	m.tlcreate.fid = s->fid;
	set_str(&m.tlcreate.name, name);
	m.tlcreate.flags = O_WRONLY | O_CREAT | O_TRUNC;
	m.tlcreate.mode = 0644;
	m.tlcreate.gid = (uint32_t)getgid();
	return send_msg(k, &m, s);
}

/* ------------------------------------------------------ unit machines */

/* Begin a unit on slot s. 1: started; 0: no unit left; <0: error. */
static int
unit_start(struct nb_conn *k, struct nb_slot *s)
{
	uint64_t idx;
	int r;

	if (!take(k, &idx))
		return 0;
	s->idx = idx;
	s->step = 0;
	s->off = 0;
	switch (k->wl) {
	case T_NB_READ:
	case T_NB_WRITE: {
		uint64_t off = idx * k->iosize;
		uint64_t left;

		if (k->own)
			off %= k->wrap;
		else if (off >= k->total)
			return 0;
		left = k->own ? k->iosize : k->total - off;
		r = send_io(k, s, k->base, k->wl == T_NB_WRITE, off,
		    left < k->iosize ? (uint32_t)left : k->iosize);
		break;
	}
	case T_NB_GETATTR:
		r = send_fid_op(k, s, P9_TGETATTR, k->base);
		break;
	case T_NB_STAT:
		r = send_walk(k, s, unit_name(k, idx));
		break;
	case T_NB_READDIR:
	case T_NB_CREATE:
		r = send_walk(k, s, NULL);
		break;
	default:
		r = -EINVAL;
	}
	return r < 0 ? r : 1;
}

static void
count_dirents(struct nb_conn *k, struct nb_slot *s, const struct p9_msg *m)
{
	const uint8_t *p = m->rreaddir.data;
	size_t len = m->rreaddir.count;

	while (len > 0) {
		struct p9_qid qid;
		struct p9_str name;
		uint64_t off;
		uint8_t type;
		size_t used;

		if (p9_dirent_get(p, len, &qid, &off, &type, &name, &used) != 0)
			break;
		s->off = off;
		k->cnt->items++;
		p += used;
		len -= used;
	}
}

/* The reply m came for slot s. 0: next request sent; 1: unit done; <0:
 * error. */
static int
unit_reply(struct nb_conn *k, struct nb_slot *s, const struct p9_msg *m)
{
	int e = p9c_reply_errno(m);

	if (e != 0)
		return e;
	s->step++;
	switch (k->wl) {
	case T_NB_READ:
		k->cnt->bytes += m->rread.count;
		return 1;
	case T_NB_WRITE:
		k->cnt->bytes += m->rwrite.count;
		return 1;
	case T_NB_GETATTR:
		return 1;
	case T_NB_STAT:
		if (s->step == 1)
			return send_fid_op(k, s, P9_TGETATTR, s->fid);
		if (s->step == 2)
			return send_fid_op(k, s, P9_TCLUNK, s->fid);
		return 1;
	case T_NB_READDIR:
		if (s->step == 1)
			return send_fid_op(k, s, P9_TLOPEN, s->fid);
		if (m->type == P9_RREADDIR) {
			if (m->rreaddir.count == 0)
				return send_fid_op(k, s, P9_TCLUNK, s->fid);
			count_dirents(k, s, m);
		}
		if (m->type == P9_RCLUNK)
			return 1;
		return send_readdir(k, s);
	case T_NB_CREATE:
		if (s->step == 1)
			return send_lcreate(k, s, unit_name(k, s->idx));
		if (s->step == 2)
			return send_io(k, s, s->fid, true, 0, 4096);
		if (s->step == 3) {
			k->cnt->bytes += m->rwrite.count;
			return send_fid_op(k, s, P9_TCLUNK, s->fid);
		}
		return 1;
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------ set-up */

/* Split path into the directory part (walked to) and the last name. */
static int
walk_parent(
    struct nb_conn *k, const char *path, uint32_t *fid, const char **last)
{
	const char *slash = strrchr(path, '/');
	char dir[1024];

	if (slash == NULL) {
		*last = path;
		return p9c_walk(k->c, k->root, 0, NULL, fid, NULL);
	}
	if ((size_t)(slash - path) >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	*last = slash + 1;
	return p9c_walk_path(k->c, k->root, dir, fid, NULL);
}

static int
conn_open(struct nb_conn *k, uint32_t msize)
{
	int r;

	r = p9c_connect(k->o->addr, msize, "9P2000.L", &k->c);
	if (r < 0) {
		t_nb_warn("%s: connect: %s", k->o->addr, strerror(-r));
		return r;
	}
	r = p9c_attach(
	    k->c, NULL, (uint32_t)getuid(), k->o->aname, &k->root, NULL);
	if (r < 0)
		t_nb_warn("%s: attach '%s': %s", k->o->addr, k->o->aname,
		    strerror(-r));
	return r;
}

static int
conn_setup(struct nb_conn *k)
{
	const struct t_nb_opts *o = k->o;
	const char *path = o->path;
	const char *last;
	uint32_t fid;
	int r;

	/* mixed: read and getattr use the file, stat and readdir the dir */
	if (o->wl == T_NB_MIXED &&
	    (k->wl == T_NB_STAT || k->wl == T_NB_READDIR))
		path = o->dir;

	switch (k->wl) {
	case T_NB_READ:
	case T_NB_STALL:
		r = p9c_walk_path(k->c, k->root, path, &k->base, NULL);
		if (r == 0)
			r = p9c_open(k->c, k->base, O_RDONLY, NULL, NULL);
		break;
	case T_NB_WRITE:
		r = walk_parent(k, path, &fid, &last);
		if (r == 0)
			r = p9c_create(k->c, fid, last,
			    O_WRONLY | O_CREAT | O_TRUNC, 0644,
			    (uint32_t)getgid(), NULL, NULL);
		k->base = fid;
		break;
	default: /* getattr: the file; stat/readdir/create: the directory */
		r = p9c_walk_path(k->c, k->root, path, &k->base, NULL);
		break;
	}
	if (r < 0) {
		t_nb_warn(
		    "%s: set-up of '%s': %s", o->addr, path, strerror(-r));
		return r;
	}
	k->iosize = p9c_iosize(k->c, k->base);
	if (k->wl == T_NB_READDIR || k->iosize == 0)
		k->iosize = p9c_msize(k->c) - P9_IOHDRSZ;
	k->total = o->size ? o->size : k->sh->file_size;
	if (k->wl == T_NB_READ && k->own) {
		k->wrap = k->sh->file_size / k->iosize * k->iosize;
		if (k->wrap == 0)
			k->wrap = k->iosize;
	}
	if (k->wl == T_NB_WRITE || k->wl == T_NB_CREATE) {
		k->wbuf = malloc(k->iosize > 4096 ? k->iosize : 4096);
		if (k->wbuf == NULL)
			return -ENOMEM;
		memset(k->wbuf, 0x5a, k->iosize > 4096 ? k->iosize : 4096);
	}
	k->nslots = o->depth;
	k->slots = calloc(k->nslots, sizeof(*k->slots));
	if (k->slots == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < k->nslots; i++) {
		k->slots[i].fid = p9c_fid_alloc(k->c);
		if (p9c_tag_reserve(k->c, (uint16_t)(i + 1)) != 0)
			return -EBUSY;
	}
	return 0;
}

/* ---------------------------------------------------------------- run */

static int
conn_loop(struct nb_conn *k)
{
	unsigned busy = 0;
	int err = 0;

	for (unsigned i = 0; i < k->nslots; i++) {
		int r = unit_start(k, &k->slots[i]);

		if (r < 0)
			return r;
		busy += (unsigned)r;
	}
	while (busy > 0) {
		struct p9_msg m;
		void *frame = NULL;
		struct nb_slot *s;
		int r;

		r = p9c_recv(k->c, &m, &frame, -1);
		if (r < 0) {
			free(frame);
			return r;
		}
		k->cnt->reqs++;
		if (m.tag == 0 || m.tag > k->nslots) {
			free(frame);
			return -EPROTO;
		}
		s = &k->slots[m.tag - 1];
		r = unit_reply(k, s, &m);
		free(frame);
		if (r < 0 && err == 0) {
			err = r;
			k->sh->stop = 1; /* let the others drain and end */
		}
		if (r == 0)
			continue;
		busy--;
		if (r > 0) {
			k->cnt->units++;
			r = unit_start(k, s);
			if (r < 0)
				return r;
			busy += (unsigned)r;
		}
	}
	return err;
}

/*
 * The stalling client: as many Treads as the socket takes (up to depth),
 * then nothing is read until the run ends. The gateway must stop reading
 * this connection once its queued replies pass the output bound.
 */
static int
conn_stall(struct nb_conn *k)
{
	int fd = p9c_fd(k->c);
	uint8_t frame[64];

	for (unsigned i = 0; i < k->nslots; i++) {
		struct p9_msg m = {.type = P9_TREAD};
		ssize_t len, n;

		m.tag = (uint16_t)(i + 1);
		m.tread.fid = k->base;
		m.tread.offset =
		    (uint64_t)i * k->iosize % (k->sh->file_size + 1);
		m.tread.count = k->iosize;
		len = p9_encode(
		    &m, P9_V_2000L, p9c_msize(k->c), frame, sizeof(frame));
		if (len < 0)
			return (int)len;
		n = write(fd, frame, (size_t)len);
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};

			/* stop when the gateway stops reading us */
			if (poll(&pfd, 1, 1000) <= 0)
				break;
			n = write(fd, frame, (size_t)len);
		}
		if (n != len)
			return n < 0 ? -errno : -EIO;
		k->cnt->reqs++;
	}
	while (!k->sh->stop)
		usleep(10000);
	return 0;
}

void
t_nb_9p_run(const struct t_nb_opts *o, unsigned index, struct t_nb_shared *sh,
    struct t_nb_count *cnt)
{
	struct nb_conn k;
	int err;

	memset(&k, 0, sizeof(k));
	k.o = o;
	k.sh = sh;
	k.cnt = cnt;
	k.wl = o->wl;
	if (o->wl == T_NB_MIXED) {
		k.wl = mixed_wl[index % 4];
		k.own = true;
	}
	err = conn_open(&k, o->msize);
	if (err == 0)
		err = conn_setup(&k);
	pthread_barrier_wait(&sh->ready);
	if (err == 0 && k.wl == T_NB_STALL)
		err = conn_stall(&k);
	else if (err == 0)
		err = conn_loop(&k);
	if (err < 0) {
		t_nb_warn("%s: connection %u (%s): %s", o->addr, index,
		    o->wl == T_NB_MIXED ? mixed_order[index % 4] : "run",
		    strerror(-err));
		sh->stop = 1;
	}
	cnt->err = err;
	pthread_barrier_wait(&sh->done);
	pthread_barrier_wait(&sh->measured);
	p9c_free(k.c); /* closing the connection clunks every fid */
	free(k.slots);
	free(k.wbuf);
}

int
t_nb_9p_prepare(const struct t_nb_opts *o, struct t_nb_shared *sh)
{
	struct nb_conn k;
	struct p9c_attr a;
	uint32_t fid;
	int r;

	if (o->wl != T_NB_READ && o->wl != T_NB_MIXED && o->wl != T_NB_STALL)
		return 0;
	memset(&k, 0, sizeof(k));
	k.o = o;
	r = conn_open(&k, o->msize);
	if (r == 0)
		r = p9c_walk_path(k.c, k.root, o->path, &fid, NULL);
	if (r == 0)
		r = p9c_getattr(k.c, fid, P9_GETATTR_SIZE, &a);
	if (r == 0)
		sh->file_size = a.size;
	else
		t_nb_warn(
		    "%s: size of '%s': %s", o->addr, o->path, strerror(-r));
	p9c_free(k.c);
	return r;
}
