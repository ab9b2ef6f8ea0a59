/* SPDX-License-Identifier: MIT */
/*
 * Session operations: Tversion (msize, dialect, reset), Tauth (no auth is
 * offered), Tclunk (flush written data, set a pending xattr, release) and
 * Tremove. Attach and walk are in gw_op_walk.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "gw_int.h"

void
gw_op_version(struct gw_req *r)
{
	struct gw_conn *c = r->conn;
	struct p9_tversion *t = &r->msg.tversion;
	struct p9_msg m = { .type = P9_RVERSION };
	unsigned dialect = p9_dialect_from_version(t->version.s, t->version.len);
	uint32_t msize = t->msize < c->srv->opts->msize ? t->msize :
	    c->srv->opts->msize;

	/* A new session: whatever the old one had in flight gets no reply
	 * (fuse_glue undoes what completes later), every fid is clunked. */
	for (;;) {
		struct gw_req *x = c->all;
		while (x == r)
			x = x->anext;
		if (!x)
			break;
		struct gw_req *t2 = x->flush_target ? x->flush_target : x;
		gw_flush_cancel(t2);
		gw_req_drop(t2);
	}
	gw_fid_clunk_all(c);
	if (msize < GW_MSIZE_MIN) {
		gw_conn_warn_once(c, 1u << 3, "Tversion: msize %u below the "
		    "minimum %u", t->msize, GW_MSIZE_MIN);
		dialect = 0;
	}
	static const struct {
		unsigned dialect;
		const char *name;
	} names[] = {
		{ P9_V_2000L, "9P2000.L" },
		{ P9_V_2000U, "9P2000.u" },
		{ P9_V_2000, "9P2000" },
		{ 0, "unknown" },
	};
	size_t i = 0;
	while (names[i].dialect != dialect)
		i++;
	c->dialect = dialect;
	if (dialect)
		c->msize = msize;
	m.rversion.msize = c->msize;
	m.rversion.version.s = names[i].name;
	m.rversion.version.len = (uint16_t)strlen(names[i].name);
	gw_req_reply(r, &m);
}

void
gw_op_auth(struct gw_req *r)
{
	/* No authentication is offered: attach with afid NOFID. ENOENT is
	 * what diod answers and what its clients read as "not required". */
	gw_req_fail(r, -ENOENT);
}

/* ------------------------------------------------------------- clunk */

static void
clunk_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct p9_msg m = { .type = P9_RCLUNK };

	(void)gw_req_fuse_done(r, fr);
	/* The fid is gone whatever the backend said (9P: clunk always
	 * clunks); a failed FLUSH or SETXATTR is still reported. */
	if (rep->error && rep->error != -ENOSYS)
		gw_req_fail(r, rep->error);
	else
		gw_req_reply(r, &m);
}

static void remove_node(struct gw_req *r, fg_done_fn *done);
static void remove_done(struct fg_req *fr, const struct fg_reply *rep,
    void *arg);

void
gw_op_clunk(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	struct p9_msg m = { .type = P9_RCLUNK };

	/* The number is free at once; the request keeps the fid alive. */
	gw_fid_unhash(r->conn, f);
	if (f->kind == GW_FID_XATTR_WRITE) {
		/* Txattrcreate's value is complete now: set it. */
		if (f->xlen != f->xsize) {
			gw_req_fail(r, -EINVAL);
			return;
		}
		struct fuse_setxattr_in in = { .size = (uint32_t)f->xlen,
			.flags = f->xflags };
		/* Linux's removexattr is Txattrcreate of size 0 with
		 * XATTR_REPLACE; size 0 otherwise sets an empty value. */
		bool remove = f->xsize == 0 && (f->xflags & XATTR_REPLACE);
		struct fg_op op = {
			.opcode = remove ? FUSE_REMOVEXATTR : FUSE_SETXATTR,
			.nodeid = f->node->nodeid,
			.ctx = r->ctx,
			.name = f->xname,
			.name_len = strlen(f->xname),
			.data = f->xbuf,
			.data_len = f->xlen,
		};
		if (op.opcode == FUSE_SETXATTR) {
			op.in = &in;
			op.in_len = FUSE_COMPAT_SETXATTR_IN_SIZE;
		}
		int err = gw_req_submit(r, &op, clunk_done);
		if (err < 0)
			gw_req_fail(r, err);
		return;
	}
	if (f->rclose && f->open) {
		remove_node(r, remove_done);
		return;
	}
	if (f->open && !f->is_dir && (f->open_flags & O_ACCMODE) != O_RDONLY) {
		/* Written data must be on its way before Rclunk (sshfs and
		 * others write back on FLUSH). */
		struct fuse_flush_in in = { .fh = f->fh };
		struct fg_op op = {
			.opcode = FUSE_FLUSH,
			.nodeid = f->node->nodeid,
			.ctx = r->ctx,
			.in = &in,
			.in_len = sizeof(in),
		};
		if (gw_req_submit(r, &op, clunk_done) == 0)
			return;
	}
	gw_req_reply(r, &m);
}

/* ------------------------------------------------------------- remove */

/* What was unlinked: the node table forgets that name when it is done. */
struct remove_op {
	struct gw_node *dir;	/* one reference */
	size_t name_len;
	char name[];
};

static void
remove_release(struct gw_req *r)
{
	struct remove_op *o = r->op;

	gw_node_unref(r->conn->srv, o->dir);
}

static void
remove_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct remove_op *o = r->op;
	struct p9_msg m = { .type = r->msg.type == P9_TCLUNK ? P9_RCLUNK :
		P9_RREMOVE };

	(void)gw_req_fuse_done(r, fr);
	if (rep->error == 0)
		gw_node_removed(r->conn->srv, o->dir, o->name, o->name_len);
	gw_fid_unhash(r->conn, r->fid);
	if (rep->error && r->msg.type == P9_TREMOVE)
		gw_req_fail(r, rep->error);
	else
		gw_req_reply(r, &m);
}

static void
remove_node(struct gw_req *r, fg_done_fn *done)
{
	struct gw_node *n = r->fid->node;
	int err = -EBUSY;	/* the root, or a node whose name is unknown */

	if (n->parent && n->name) {
		size_t len = strlen(n->name);
		struct remove_op *o = malloc(sizeof(*o) + len + 1);
		if (!o) {
			err = -ENOMEM;
			goto fail;
		}
		o->dir = n->parent;
		gw_node_ref(o->dir);
		o->name_len = len;
		memcpy(o->name, n->name, len + 1);
		r->op = o;
		r->abandon_fn = remove_release;
		struct fg_op op = {
			.opcode = S_ISDIR(n->mode) ? FUSE_RMDIR : FUSE_UNLINK,
			.nodeid = o->dir->nodeid,
			.ctx = r->ctx,
			.name = o->name,
			.name_len = len,
		};
		err = gw_req_submit(r, &op, done);
		if (err == 0)
			return;
	}
fail:
	gw_fid_unhash(r->conn, r->fid);
	gw_req_fail(r, err);
}

void
gw_op_remove(struct gw_req *r)
{
	remove_node(r, remove_done);
}
