/* SPDX-License-Identifier: MIT */
/*
 * 9P2000.L operations on one file: Tgetattr, Tsetattr, Tstatfs, Tlopen,
 * Tlcreate, Tfsync, Treadlink, and the open/create steps Topen/Tcreate
 * share. Data transfer (read, write, readdir) is in gw_op_io.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gw_int.h"

#define V9FS_MAGIC 0x01021997

uint32_t
gw_iounit(const struct gw_conn *c)
{
	return c->msize - P9_IOHDRSZ;
}

uint32_t
gw_max_count(const struct gw_conn *c, uint32_t count, uint32_t hdr)
{
	uint32_t max = c->msize - hdr;

	return count < max ? count : max;
}

/* 9P2000.L open flags are Linux's x86 values ("dotl" flags); the host's
 * differ on some architectures, so map bit by bit. */
uint32_t
gw_dotl_to_oflags(uint32_t dotl)
{
	static const struct {
		uint32_t dotl, host;
	} map[] = {
		{ 00000100, O_CREAT }, { 00000200, O_EXCL },
		{ 00000400, O_NOCTTY }, { 00001000, O_TRUNC },
		{ 00002000, O_APPEND }, { 00004000, O_NONBLOCK },
		{ 00010000, O_DSYNC }, { 00040000, O_DIRECT },
		{ 00100000, O_LARGEFILE }, { 00200000, O_DIRECTORY },
		{ 00400000, O_NOFOLLOW }, { 01000000, O_NOATIME },
		{ 02000000, O_CLOEXEC }, { 04000000, O_SYNC },
	};
	uint32_t host = dotl & O_ACCMODE;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (dotl & map[i].dotl)
			host |= map[i].host;
	return host;
}

void
gw_fill_rgetattr(struct p9_rgetattr *g, const struct fuse_attr *a)
{
	g->valid = P9_GETATTR_BASIC;
	gw_qid_from_attr(&g->qid, a);
	g->mode = a->mode;
	g->uid = gw_id_to_client(gw_srv->opts, a->uid, false);
	g->gid = gw_id_to_client(gw_srv->opts, a->gid, true);
	g->nlink = a->nlink;
	g->rdev = a->rdev;
	g->size = a->size;
	g->blksize = a->blksize ? a->blksize : 4096;
	g->blocks = a->blocks;
	g->atime_sec = a->atime;
	g->atime_nsec = a->atimensec;
	g->mtime_sec = a->mtime;
	g->mtime_nsec = a->mtimensec;
	g->ctime_sec = a->ctime;
	g->ctime_nsec = a->ctimensec;
}

/* ------------------------------------------------------------ getattr */

static void
getattr_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct p9_msg m = { .type = P9_RGETATTR };

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	gw_node_set_attr_of(r, r->fid->node, &rep->attr.attr,
	    rep->attr.attr_valid, rep->attr.attr_valid_nsec);
	gw_fill_rgetattr(&m.rgetattr, &rep->attr.attr);
	gw_req_reply(r, &m);
}

void
gw_send_getattr(struct gw_req *r, fg_done_fn *done)
{
	struct gw_fid *f = r->fid;
	struct fuse_getattr_in in = { 0 };

	if (f->open && !f->is_dir) {
		in.getattr_flags = FUSE_GETATTR_FH;
		in.fh = f->fh;
	}
	struct fg_op op = {
		.opcode = FUSE_GETATTR,
		.nodeid = f->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
	};
	gw_req_send(r, &op, done);
}

void
gw_op_getattr(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	struct p9_msg m = { .type = P9_RGETATTR };

	/* Attributes from the LOOKUP that found the node, while the backend
	 * says they are valid and nothing changed through us since. */
	if (gw_node_attr_fresh(f->node)) {
		gw_fill_rgetattr(&m.rgetattr, &f->node->attr);
		gw_req_reply(r, &m);
		return;
	}
	gw_send_getattr(r, getattr_done);
}

/* ------------------------------------------------------------ setattr */

static void
setattr_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct p9_msg m = { .type = P9_RSETATTR };

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	gw_node_set_attr(r->fid->node, &rep->attr.attr, rep->attr.attr_valid,
	    rep->attr.attr_valid_nsec);
	gw_req_reply(r, &m);
}

/* want is cur with only its set-user/group-ID bits taken away. */
static bool
kills_setid_only(uint32_t cur, uint32_t want)
{
	const uint32_t setid = S_ISUID | S_ISGID;

	cur &= 07777;
	want &= 07777;
	return want != cur && (want & ~cur) == 0 &&
	    ((cur ^ want) & ~setid) == 0;
}

void
gw_op_setattr(struct gw_req *r)
{
	static const struct {
		uint32_t p9, fattr;
	} map[] = {
		{ P9_SETATTR_MODE, FATTR_MODE }, { P9_SETATTR_UID, FATTR_UID },
		{ P9_SETATTR_GID, FATTR_GID }, { P9_SETATTR_SIZE, FATTR_SIZE },
	};
	struct p9_tsetattr *t = &r->msg.tsetattr;
	struct gw_fid *f = r->fid;
	struct fuse_setattr_in in = { 0 };

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (t->valid & map[i].p9)
			in.valid |= map[i].fattr;
	if (t->valid & P9_SETATTR_ATIME)
		in.valid |= (t->valid & P9_SETATTR_ATIME_SET) ? FATTR_ATIME :
		    FATTR_ATIME | FATTR_ATIME_NOW;
	if (t->valid & P9_SETATTR_MTIME)
		in.valid |= (t->valid & P9_SETATTR_MTIME_SET) ? FATTR_MTIME :
		    FATTR_MTIME | FATTR_MTIME_NOW;
	in.mode = t->mode;
	in.uid = gw_id_to_backend(r->conn->srv->opts, t->uid, false);
	in.gid = gw_id_to_backend(r->conn->srv->opts, t->gid, true);
	in.size = t->size;
	in.atime = t->atime_sec;
	in.atimensec = (uint32_t)t->atime_nsec;
	in.mtime = t->mtime_sec;
	in.mtimensec = (uint32_t)t->mtime_nsec;
	if (f->open && !f->is_dir) {
		in.valid |= FATTR_FH;
		in.fh = f->fh;
	}
	/* The Linux client sends the VFS's "clear set-id bits" of a truncate
	 * as a mode in the same Tsetattr. The backend's truncate clears them
	 * itself, as a local one by this caller would; a mode change would
	 * need an ownership a non-owner lacks (EPERM). */
	if ((in.valid & FATTR_MODE) && (in.valid & FATTR_SIZE) &&
	    kills_setid_only(f->node->attr.mode, t->mode))
		in.valid &= ~(uint32_t)FATTR_MODE;
	if (in.valid == 0) {
		/* Only ctime: nothing a FUSE backend can set by itself. */
		struct p9_msg m = { .type = P9_RSETATTR };
		gw_req_reply(r, &m);
		return;
	}
	struct fg_op op = {
		.opcode = FUSE_SETATTR,
		.nodeid = f->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
	};
	gw_req_send(r, &op, setattr_done);
}

/* ------------------------------------------------------------ statfs */

static void
statfs_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct p9_msg m = { .type = P9_RSTATFS };
	const struct fuse_kstatfs *st = &rep->statfs.st;

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	m.rstatfs.type = V9FS_MAGIC;
	m.rstatfs.bsize = st->bsize;
	m.rstatfs.blocks = st->blocks;
	m.rstatfs.bfree = st->bfree;
	m.rstatfs.bavail = st->bavail;
	m.rstatfs.files = st->files;
	m.rstatfs.ffree = st->ffree;
	m.rstatfs.namelen = st->namelen;
	gw_req_reply(r, &m);
}

void
gw_op_statfs(struct gw_req *r)
{
	struct fg_op op = {
		.opcode = FUSE_STATFS,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
	};
	gw_req_send(r, &op, statfs_done);
}

/* ------------------------------------------------------------ open */

static void
reply_opened(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	struct p9_msg m;
	struct p9_qid q;

	gw_qid_from_attr(&q, &f->node->attr);
	if (r->msg.type == P9_TLOPEN || r->msg.type == P9_TLCREATE) {
		m.type = r->msg.type + 1;
		m.rlopen.qid = q;
		m.rlopen.iounit = f->iounit;
	} else {
		m.type = r->msg.type + 1;
		m.ropen.qid = q;
		m.ropen.iounit = f->iounit;
	}
	gw_req_reply(r, &m);
}

static void
truncated_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;

	(void)gw_req_fuse_done(r, fr);
	if (rep->error == 0)
		gw_node_set_attr(r->fid->node, &rep->attr.attr,
		    rep->attr.attr_valid, rep->attr.attr_valid_nsec);
	/* The file is open either way; a failed truncate is reported and
	 * the fid stays open, as a client that gets an error clunks it. */
	if (rep->error)
		gw_req_fail(r, rep->error);
	else
		reply_opened(r);
}

static void
open_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct gw_fid *f = r->fid;

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		f->rclose = false;
		gw_req_end_error(r, rep->error);
		return;
	}
	/* Completed, even if a Tflush came meanwhile: the client learns of
	 * the open through the reply that precedes the Rflush. */
	f->open = true;
	f->fh = rep->open.fh;
	f->is_dir = S_ISDIR(f->node->mode);
	f->iounit = gw_iounit(r->conn);
	f->dir_off9 = 0;
	f->dir_cookie = 0;
	f->dir_eof = false;
	if ((f->open_flags & O_TRUNC) &&
	    !(r->conn->srv->info->flags & FUSE_ATOMIC_O_TRUNC)) {
		struct fuse_setattr_in in = { .valid = FATTR_SIZE | FATTR_FH,
			.fh = f->fh };
		struct fg_op op = {
			.opcode = FUSE_SETATTR,
			.nodeid = f->node->nodeid,
			.ctx = r->ctx,
			.in = &in,
			.in_len = sizeof(in),
		};
		if (gw_req_submit(r, &op, truncated_done) == 0)
			return;
	}
	reply_opened(r);
}

/* Another request opening or creating through r's fid is in flight. Its
 * completion and ours would both set the fid's handle, and the handle
 * overwritten would never be released. */
static bool
open_in_flight(const struct gw_req *r)
{
	for (const struct gw_req *x = r->conn->all; x; x = x->anext) {
		if (x == r || x->fid != r->fid)
			continue;
		if (x->msg.type == P9_TLOPEN || x->msg.type == P9_TLCREATE ||
		    x->msg.type == P9_TOPEN || x->msg.type == P9_TCREATE)
			return true;
	}
	return false;
}

void
gw_do_open(struct gw_req *r, uint32_t oflags)
{
	struct gw_fid *f = r->fid;
	bool dir = S_ISDIR(f->node->mode);
	const struct fg_info *info = r->conn->srv->info;

	if (f->open || f->kind != GW_FID_NODE || open_in_flight(r)) {
		gw_req_fail(r, -EBADF);
		return;
	}
	if (r->conn->srv->opts->read_only &&
	    ((oflags & O_ACCMODE) != O_RDONLY || (oflags & O_TRUNC))) {
		gw_req_fail(r, -EROFS);
		return;
	}
	if (dir && (oflags & O_ACCMODE) != O_RDONLY) {
		gw_req_fail(r, -EISDIR);
		return;
	}
	/* As the kernel does: creation flags never reach OPEN. */
	oflags &= ~(uint32_t)(O_CREAT | O_EXCL | O_NOCTTY);
	f->open_flags = oflags;	/* kept; `open` is set only on success */
	struct fuse_open_in in = { .flags = oflags };
	if (!(info->flags & FUSE_ATOMIC_O_TRUNC))
		in.flags &= ~(uint32_t)O_TRUNC;	/* SETATTR after OPEN */
	struct fg_op op = {
		.opcode = dir ? FUSE_OPENDIR : FUSE_OPEN,
		.nodeid = f->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
	};
	gw_req_send(r, &op, open_done);
}

void
gw_op_lopen(struct gw_req *r)
{
	gw_do_open(r, gw_dotl_to_oflags(r->msg.tlopen.flags));
}

/* ------------------------------------------------------------ create */

struct create_op {
	uint32_t oflags;
	uint32_t mode;
	struct p9_str name;	/* borrowed from the frame */
};

static void
create_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct create_op *co = r->op;
	struct gw_fid *f = r->fid;

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	struct gw_node *n = gw_node_enter(r->conn->srv, f->node, co->name.s,
	    co->name.len, &rep->entry);
	if (!n) {
		(void)fg_release(r->conn->srv->fs, rep->entry.nodeid,
		    rep->open.fh, false, co->oflags);
		gw_req_fail(r, -ENOMEM);
		return;
	}
	gw_node_unref(r->conn->srv, f->node);
	f->node = n;
	f->open = true;
	f->is_dir = false;
	f->rclose = r->msg.type == P9_TCREATE &&
	    (r->msg.tcreate.mode & P9_ORCLOSE);
	f->fh = rep->open.fh;
	f->open_flags = co->oflags & ~(uint32_t)(O_CREAT | O_EXCL);
	f->iounit = gw_iounit(r->conn);
	reply_opened(r);
}

/* CREATE is ENOSYS: MKNOD, then this fid walks to the node and opens. */
static void
mknod_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct create_op *co = r->op;
	struct gw_fid *f = r->fid;
	bool cancelled = gw_req_fuse_done(r, fr);

	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	struct gw_node *n = gw_node_enter(r->conn->srv, f->node, co->name.s,
	    co->name.len, &rep->entry);
	if (!n) {
		gw_req_fail(r, -ENOMEM);
		return;
	}
	if (cancelled) {
		/* The file exists; the client learns that from its next walk.
		 * It got no reply, so the fid stays the directory it knows. */
		gw_node_unref(r->conn->srv, n);
		gw_req_drop(r);
		return;
	}
	gw_node_unref(r->conn->srv, f->node);
	f->node = n;
	f->rclose = r->msg.type == P9_TCREATE &&
	    (r->msg.tcreate.mode & P9_ORCLOSE);
	gw_do_open(r, co->oflags & ~(uint32_t)O_TRUNC);
}

static void
create_try(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct create_op *co = r->op;

	if (rep->error != -ENOSYS) {
		create_done(fr, rep, arg);
		return;
	}
	if (gw_req_fuse_done(r, fr)) {
		gw_req_drop(r);	/* flushed: nothing made yet, no MKNOD */
		return;
	}
	struct fuse_mknod_in in = { .mode = S_IFREG | (co->mode & 07777) };
	struct fg_op op = {
		.opcode = FUSE_MKNOD,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
		.name = co->name.s,
		.name_len = co->name.len,
	};
	gw_req_send(r, &op, mknod_done);
}

void
gw_do_create(struct gw_req *r, const struct p9_str *name, uint32_t oflags,
    uint32_t mode, uint32_t gid)
{
	struct gw_fid *f = r->fid;

	if (f->open || open_in_flight(r)) {
		gw_req_fail(r, -EBADF);
		return;
	}
	if (f->kind != GW_FID_NODE || !S_ISDIR(f->node->mode)) {
		gw_req_fail(r, -ENOTDIR);
		return;
	}
	if (!gw_name_ok(name)) {
		gw_req_fail(r, -EINVAL);
		return;
	}
	struct create_op *co = calloc(1, sizeof(*co));
	if (!co) {
		gw_req_fail(r, -ENOMEM);
		return;
	}
	co->oflags = oflags | O_CREAT;
	co->mode = mode;
	co->name = *name;
	r->op = co;
	if (!r->conn->srv->opts->squash)
		r->ctx.gid = gw_id_to_backend(r->conn->srv->opts, gid, true);
	struct fuse_create_in in = {
		.flags = co->oflags & ~(uint32_t)O_NOCTTY,
		.mode = S_IFREG | (mode & 07777),
	};
	struct fg_op op = {
		.opcode = FUSE_CREATE,
		.nodeid = f->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
		.name = name->s,
		.name_len = name->len,
	};
	gw_req_send(r, &op, create_try);
}

void
gw_op_lcreate(struct gw_req *r)
{
	struct p9_tlcreate *t = &r->msg.tlcreate;

	gw_do_create(r, &t->name, gw_dotl_to_oflags(t->flags), t->mode, t->gid);
}

/* ------------------------------------------------------------ fsync */

static void
simple_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct p9_msg m = { .type = r->msg.type + 1 };

	(void)gw_req_fuse_done(r, fr);
	if (rep->error && !(rep->error == -ENOSYS && m.type == P9_RFSYNC))
		gw_req_end_error(r, rep->error);
	else
		gw_req_reply(r, &m);
}

void
gw_op_fsync(struct gw_req *r)
{
	struct gw_fid *f = r->fid;

	if (!f->open) {
		gw_req_fail(r, -EBADF);
		return;
	}
	struct fuse_fsync_in in = {
		.fh = f->fh,
		.fsync_flags = r->msg.tfsync.datasync ? 1 : 0,
	};
	struct fg_op op = {
		.opcode = f->is_dir ? FUSE_FSYNCDIR : FUSE_FSYNC,
		.nodeid = f->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
	};
	gw_req_send(r, &op, simple_done);
}

/* ------------------------------------------------------------ readlink */

static void
readlink_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct p9_msg m = { .type = P9_RREADLINK };

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	if (rep->len > 4095) {
		gw_req_fail(r, -ENAMETOOLONG);
		return;
	}
	m.rreadlink.target.s = rep->data;
	m.rreadlink.target.len = (uint16_t)rep->len;
	gw_req_reply(r, &m);
}

void
gw_op_readlink(struct gw_req *r)
{
	struct fg_op op = {
		.opcode = FUSE_READLINK,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
	};
	gw_req_send(r, &op, readlink_done);
}
