/* SPDX-License-Identifier: MIT */
/*
 * Extended attributes and POSIX locks of 9P2000.L.
 *
 * Txattrwalk reads a whole value (GETXATTR) or name list (LISTXATTR) into a
 * new fid, sized by a first request with size 0; Tread on that fid serves
 * the bytes (gw_xattr_read). Txattrcreate turns a fid into a collector for
 * Twrite (gw_xattr_write); the SETXATTR or REMOVEXATTR goes out at Tclunk
 * (gw_op_session.c). Tlock and Tgetlock become SETLK/SETLKW and GETLK.
 *
 * Locks belong to an owner made of the connection and the client's
 * proc_id, as the kernel makes one per process. A backend without POSIX
 * lock support gets none of these requests: the locks are then the
 * client's own, exactly as a kernel FUSE mount does it. It does not keep
 * lock state of its own, and a lock granted after its Tlock was abandoned
 * (--flush-timeout) stays granted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gw_int.h"

/* Txattrcreate flags: Linux XATTR_CREATE and XATTR_REPLACE. */
#define XATTR_FLAGS_ALL 3u
/* A value that grew between the size query and the read is asked again
 * this many times. */
#define XATTR_TRIES 2
/* gw_conn_warn_once cause: Tlock on a backend without POSIX locks. */
#define WARN_NO_LOCKS (1u << 10)

/* ------------------------------------------------------------ xattrwalk */

struct xwalk_op {
	unsigned tries;		/* size queries made */
	uint32_t size;		/* bytes the value read asked for */
};

static void xwalk_query(struct gw_req *r);

/* A backend without xattr support answers ENOSYS; the kernel reports
 * that to programs as EOPNOTSUPP, and so does the gateway. */
static void
xattr_error(struct gw_req *r, int err)
{
	gw_req_end_error(r, err == -ENOSYS ? -EOPNOTSUPP : err);
}

/* Bind newfid to the bytes read and answer Rxattrwalk. */
static void
xwalk_finish(struct gw_req *r, const void *data, size_t len)
{
	struct gw_fid *f = r->fid, *nf;
	struct p9_msg m = { .type = P9_RXATTRWALK };
	unsigned char *buf = NULL;

	if (len) {
		buf = malloc(len);
		if (!buf) {
			gw_req_fail(r, -ENOMEM);
			return;
		}
		memcpy(buf, data, len);
	}
	int err = gw_fid_new(r->conn, r->msg.txattrwalk.newfid, &nf);
	if (err < 0) {
		free(buf);
		gw_req_fail(r, err);
		return;
	}
	nf->kind = GW_FID_XATTR_READ;
	nf->node = f->node;
	gw_node_ref(nf->node);
	nf->root = f->root;
	gw_node_ref(nf->root);
	nf->uid = f->uid;
	nf->gid = f->gid;
	nf->xbuf = buf;
	nf->xlen = len;
	nf->xsize = len;
	r->newfid = nf;	/* the request's reference */
	m.rxattrwalk.size = len;
	gw_req_reply(r, &m);
}

static void
xwalk_value_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct xwalk_op *x = r->op;
	bool cancelled = gw_req_fuse_done(r, fr);

	if (rep->error == -ERANGE && x->tries < XATTR_TRIES) {
		/* It grew since the size query: ask again. */
		if (cancelled)
			gw_req_drop(r);
		else
			xwalk_query(r);
		return;
	}
	if (rep->error) {
		xattr_error(r, rep->error);
		return;
	}
	if (rep->len > x->size) {
		gw_req_fail(r, -EIO);	/* more than asked for */
		return;
	}
	xwalk_finish(r, rep->data, rep->len);
}

static void
xwalk_size_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct xwalk_op *x = r->op;
	bool cancelled = gw_req_fuse_done(r, fr);

	if (rep->error) {
		xattr_error(r, rep->error);
		return;
	}
	if (rep->xattr.size > GW_XATTR_MAX) {
		gw_req_fail(r, -E2BIG);
		return;
	}
	if (cancelled) {
		gw_req_drop(r);	/* nothing built yet */
		return;
	}
	if (rep->xattr.size == 0) {
		xwalk_finish(r, NULL, 0);
		return;
	}
	x->size = rep->xattr.size;
	struct p9_txattrwalk *t = &r->msg.txattrwalk;
	struct fuse_getxattr_in in = { .size = x->size };
	struct fg_op op = {
		.opcode = t->name.len ? FUSE_GETXATTR : FUSE_LISTXATTR,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
		.name = t->name.len ? t->name.s : NULL,
		.name_len = t->name.len,
	};
	gw_req_send(r, &op, xwalk_value_done);
}

/* GETXATTR/LISTXATTR with size 0: how many bytes the value has. */
static void
xwalk_query(struct gw_req *r)
{
	struct xwalk_op *x = r->op;
	struct p9_txattrwalk *t = &r->msg.txattrwalk;
	struct fuse_getxattr_in in = { .size = 0 };
	struct fg_op op = {
		.opcode = t->name.len ? FUSE_GETXATTR : FUSE_LISTXATTR,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
		.name = t->name.len ? t->name.s : NULL,
		.name_len = t->name.len,
	};

	x->tries++;
	gw_req_send(r, &op, xwalk_size_done);
}

void
gw_op_xattrwalk(struct gw_req *r)
{
	struct p9_txattrwalk *t = &r->msg.txattrwalk;

	if (!gw_fid_is_node(r->fid)) {
		gw_req_fail(r, -EBADF);
		return;
	}
	/* The result is a new fid; replacing the walked fid is not offered
	 * (dispatch lets newfid == fid through for Twalk's sake). */
	if (t->newfid == t->fid) {
		gw_req_fail(r, -EINVAL);
		return;
	}
	r->op = calloc(1, sizeof(struct xwalk_op));
	if (!r->op) {
		gw_req_fail(r, -ENOMEM);
		return;
	}
	xwalk_query(r);
}

/* Tread on a Txattrwalk fid: the bytes at the offset. */
void
gw_xattr_read(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	struct p9_tread *t = &r->msg.tread;
	struct p9_msg m = { .type = P9_RREAD };

	if (f->kind != GW_FID_XATTR_READ) {
		gw_req_fail(r, -EBADF);
		return;
	}
	uint32_t count = gw_max_count(r->conn, t->count, P9_IOHDRSZ);
	if (t->offset < f->xlen) {
		size_t left = f->xlen - (size_t)t->offset;
		m.rread.count = left < count ? (uint32_t)left : count;
		m.rread.data = f->xbuf + t->offset;
	}
	gw_req_reply(r, &m);
}

/* ---------------------------------------------------------- xattrcreate */

void
gw_op_xattrcreate(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	struct p9_txattrcreate *t = &r->msg.txattrcreate;
	struct p9_msg m = { .type = P9_RXATTRCREATE };

	if (!gw_fid_is_node(f) || f->open) {
		gw_req_fail(r, -EBADF);
		return;
	}
	if (t->name.len == 0 || (t->flags & ~XATTR_FLAGS_ALL)) {
		gw_req_fail(r, -EINVAL);
		return;
	}
	if (t->attr_size > GW_XATTR_MAX) {
		gw_req_fail(r, -E2BIG);
		return;
	}
	char *name = malloc((size_t)t->name.len + 1);
	unsigned char *buf = malloc(t->attr_size ? (size_t)t->attr_size : 1);
	if (!name || !buf) {
		free(name);
		free(buf);
		gw_req_fail(r, -ENOMEM);
		return;
	}
	memcpy(name, t->name.s, t->name.len);
	name[t->name.len] = '\0';
	f->kind = GW_FID_XATTR_WRITE;
	f->xname = name;
	f->xbuf = buf;
	f->xlen = 0;
	f->xsize = (size_t)t->attr_size;
	f->xflags = t->flags;
	gw_req_reply(r, &m);
}

/* Twrite on a Txattrcreate fid: the value is collected in order; a write
 * may repeat bytes already written but leave no gap, so that the value is
 * complete when xlen reaches xsize. */
void
gw_xattr_write(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	struct p9_twrite *t = &r->msg.twrite;
	struct p9_msg m = { .type = P9_RWRITE };

	if (f->kind != GW_FID_XATTR_WRITE) {
		gw_req_fail(r, -EBADF);
		return;
	}
	if (t->offset > f->xlen) {
		gw_req_fail(r, -EINVAL);
		return;
	}
	size_t off = (size_t)t->offset;
	if (t->count > f->xsize - off) {
		gw_req_fail(r, -ENOSPC);	/* past the announced size */
		return;
	}
	if (t->count)
		memcpy(f->xbuf + off, t->data, t->count);
	if (off + t->count > f->xlen)
		f->xlen = off + t->count;
	m.rwrite.count = t->count;
	gw_req_reply(r, &m);
}

/* ---------------------------------------------------------------- locks */

static const struct {
	uint8_t p9;
	uint32_t posix;
} lock_types[] = {
	{ P9_LOCK_TYPE_RDLCK, F_RDLCK },
	{ P9_LOCK_TYPE_WRLCK, F_WRLCK },
	{ P9_LOCK_TYPE_UNLCK, F_UNLCK },
};

static bool
lock_type_to_posix(uint8_t p9, uint32_t *posix)
{
	for (size_t i = 0; i < sizeof(lock_types) / sizeof(lock_types[0]); i++)
		if (lock_types[i].p9 == p9) {
			*posix = lock_types[i].posix;
			return true;
		}
	return false;
}

static bool
lock_type_to_p9(uint32_t posix, uint8_t *p9)
{
	for (size_t i = 0; i < sizeof(lock_types) / sizeof(lock_types[0]); i++)
		if (lock_types[i].posix == posix) {
			*p9 = lock_types[i].p9;
			return true;
		}
	return false;
}

/* Whether the backend takes lock requests at all (INIT's POSIX_LOCKS). */
static bool
backend_locks(const struct gw_req *r)
{
	const struct fg_info *info = r->conn->srv->info;

	return info && (info->flags & FUSE_POSIX_LOCKS);
}

/* Fill a fuse_lk_in for r->fid: 9P's (start, length 0 = to the end) is
 * POSIX's (start, end inclusive, OFFSET_MAX = to the end). */
static int
lock_in(struct gw_req *r, uint32_t type, uint64_t start, uint64_t length,
    uint32_t proc_id, struct fuse_lk_in *in)
{
	struct gw_fid *f = r->fid;

	if (start > INT64_MAX)
		return -EINVAL;
	if (length && length - 1 > (uint64_t)INT64_MAX - start)
		return -EOVERFLOW;
	memset(in, 0, sizeof(*in));
	in->fh = f->fh;
	in->owner = ((uint64_t)r->conn->id << 32) | proc_id;
	in->lk.start = start;
	in->lk.end = length ? start + length - 1 : (uint64_t)INT64_MAX;
	in->lk.type = type;
	in->lk.pid = proc_id;
	return 0;
}

/* The fid locks go through: open, not a directory (FUSE has no
 * directory locks; the kernel keeps those locally, and so does the
 * client when Tlock says SUCCESS). */
static int
lock_fid_check(struct gw_req *r, bool *local)
{
	struct gw_fid *f = r->fid;

	if (!gw_fid_is_node(f) || !f->open)
		return -EBADF;
	*local = f->is_dir || !backend_locks(r);
	return 0;
}

static void
lock_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct p9_msg m = { .type = P9_RLOCK };
	bool cancelled = gw_req_fuse_done(r, fr);

	if (rep->error == -EINTR && cancelled) {
		gw_req_drop(r);
		return;
	}
	if (rep->error == 0 || rep->error == -ENOSYS) {
		m.rlock.status = P9_LOCK_SUCCESS;	/* ENOSYS: local only */
	} else if (rep->error == -EAGAIN || rep->error == -EACCES) {
		m.rlock.status = P9_LOCK_BLOCKED;	/* the client retries */
	} else {
		gw_req_fail(r, rep->error);
		return;
	}
	gw_req_reply(r, &m);
}

void
gw_op_lock(struct gw_req *r)
{
	struct p9_tlock *t = &r->msg.tlock;
	struct p9_msg m = { .type = P9_RLOCK };
	struct fuse_lk_in in;
	uint32_t type = 0;
	bool local;
	int err;

	err = lock_fid_check(r, &local);
	if (err == 0 && !lock_type_to_posix(t->type, &type))
		err = -EINVAL;
	if (err == 0)
		err = lock_in(r, type, t->start, t->length, t->proc_id, &in);
	if (err < 0) {
		gw_req_fail(r, err);
		return;
	}
	if (local) {
		if (!r->fid->is_dir)
			gw_conn_warn_once(r->conn, WARN_NO_LOCKS, "Tlock tag %u: "
			    "the backend has no POSIX locks; locks hold only "
			    "within each client", r->tag);
		m.rlock.status = P9_LOCK_SUCCESS;
		gw_req_reply(r, &m);
		return;
	}
	/* A blocking lock waits in the backend: the classic op a Tflush
	 * interrupts. */
	struct fg_op op = {
		.opcode = (t->flags & P9_LOCK_FLAGS_BLOCK) ? FUSE_SETLKW :
		    FUSE_SETLK,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
	};
	err = gw_req_submit(r, &op, lock_done);
	if (err < 0)
		gw_req_fail(r, err);
}

/* Rgetlock for "no conflict": the request's range, type UNLCK. */
static void
getlock_reply_free(struct gw_req *r)
{
	struct p9_tgetlock *t = &r->msg.tgetlock;
	struct p9_msg m = { .type = P9_RGETLOCK };

	m.rgetlock.type = P9_LOCK_TYPE_UNLCK;
	m.rgetlock.start = t->start;
	m.rgetlock.length = t->length;
	m.rgetlock.proc_id = t->proc_id;
	m.rgetlock.client_id = t->client_id;
	gw_req_reply(r, &m);
}

static void
getlock_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct p9_tgetlock *t = &r->msg.tgetlock;
	struct p9_msg m = { .type = P9_RGETLOCK };
	const struct fuse_file_lock *lk = &rep->lk.lk;

	(void)gw_req_fuse_done(r, fr);
	if (rep->error == -ENOSYS) {
		getlock_reply_free(r);
		return;
	}
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	if (!lock_type_to_p9(lk->type, &m.rgetlock.type) ||
	    lk->start > INT64_MAX || (lk->end < lk->start &&
		lk->type != F_UNLCK)) {
		gw_req_fail(r, -EIO);	/* the backend answered nonsense */
		return;
	}
	if (lk->type == F_UNLCK) {
		getlock_reply_free(r);
		return;
	}
	m.rgetlock.start = lk->start;
	m.rgetlock.length = lk->end >= (uint64_t)INT64_MAX ? 0 :
	    lk->end - lk->start + 1;
	m.rgetlock.proc_id = lk->pid;
	m.rgetlock.client_id = t->client_id;
	gw_req_reply(r, &m);
}

void
gw_op_getlock(struct gw_req *r)
{
	struct p9_tgetlock *t = &r->msg.tgetlock;
	struct fuse_lk_in in;
	uint32_t type = 0;
	bool local;
	int err;

	err = lock_fid_check(r, &local);
	if (err == 0 && !lock_type_to_posix(t->type, &type))
		err = -EINVAL;
	/* The Linux client tests its own locks first and then always asks
	 * with type UNLCK, the lock it wanted being lost: test as a write
	 * lock, which every lock of another owner conflicts with. */
	if (err == 0 && type == F_UNLCK)
		type = F_WRLCK;
	if (err == 0)
		err = lock_in(r, type, t->start, t->length, t->proc_id, &in);
	if (err < 0) {
		gw_req_fail(r, err);
		return;
	}
	if (local) {
		getlock_reply_free(r);
		return;
	}
	struct fg_op op = {
		.opcode = FUSE_GETLK,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
	};
	err = gw_req_submit(r, &op, getlock_done);
	if (err < 0)
		gw_req_fail(r, err);
}
