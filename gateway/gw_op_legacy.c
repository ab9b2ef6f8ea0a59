/* SPDX-License-Identifier: MIT */
/*
 * The operations of 9P2000 and 9P2000.u that 9P2000.L replaced: Topen,
 * Tcreate (files, directories, and through the .u extension symlinks,
 * devices, FIFOs, sockets and hard links) and Twstat (SETATTR, then RENAME
 * within the directory for a new name). Tstat and directory reads are in
 * gw_op_stat.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "gw_int.h"

/* Twstat's "don't touch" for numbers. */
#define NOCHANGE32 UINT32_MAX
#define NOCHANGE64 UINT64_MAX

/* Host open flags from a Topen/Tcreate mode. */
static uint32_t
oflags_from_mode(uint8_t mode)
{
	static const uint32_t access[4] = { O_RDONLY, O_WRONLY, O_RDWR,
		O_RDONLY };	/* OREAD, OWRITE, ORDWR, OEXEC */
	uint32_t fl = access[mode & 3];

	if (mode & P9_OTRUNC)
		fl |= O_TRUNC;
	if (mode & P9_OAPPEND)
		fl |= O_APPEND;
	return fl;
}

/* A decimal number at *p (before end) that fits 32 bits; *p moves past
 * it. */
static bool
parse_u32(const char **p, const char *end, uint32_t *v)
{
	uint64_t n = 0;
	const char *s = *p;

	if (s == end || *s < '0' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > UINT32_MAX)
			return false;
		s++;
	}
	*p = s;
	*v = (uint32_t)n;
	return true;
}

/* ------------------------------------------------------------ open */

void
gw_op_open(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	uint8_t mode = r->msg.topen.mode;
	uint32_t oflags = oflags_from_mode(mode);

	if (!gw_fid_is_node(f) || f->open) {
		gw_req_fail(r, -EBADF);
		return;
	}
	/* ORCLOSE removes the file at Tclunk, so it is set only for an open
	 * that gw_do_open will send (its failure clears it again): not under
	 * --read-only, not for a directory opened for writing. */
	if (mode & P9_ORCLOSE) {
		if (r->conn->srv->opts->read_only) {
			gw_req_fail(r, -EROFS);
			return;
		}
		if (S_ISDIR(f->node->mode) && (oflags & O_ACCMODE) != O_RDONLY) {
			gw_req_fail(r, -EISDIR);
			return;
		}
	}
	f->rclose = (mode & P9_ORCLOSE) != 0;
	gw_do_open(r, oflags);
}

/* ------------------------------------------------------------ create */

static void
create_dir_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct gw_server *srv = r->conn->srv;
	struct gw_fid *f = r->fid;
	struct p9_tcreate *t = &r->msg.tcreate;
	bool cancelled = gw_req_fuse_done(r, fr);

	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	if (rep->entry.nodeid == 0) {
		gw_req_fail(r, -EIO);
		return;
	}
	if (cancelled) {
		/* Flushed between MKDIR and OPENDIR: the directory stays, the
		 * fid does not move, the lookup goes back. */
		fg_forget(srv->fs, rep->entry.nodeid, 1);
		gw_req_drop(r);
		return;
	}
	struct gw_node *n = gw_node_enter(srv, f->node, t->name.s, t->name.len,
	    &rep->entry);
	if (!n) {
		gw_req_fail(r, -ENOMEM);
		return;
	}
	/* The fid is the new directory from here, even if OPENDIR fails;
	 * ORCLOSE applies once it is open (open_done clears it otherwise). */
	gw_node_unref(srv, f->node);
	f->node = n;
	f->rclose = (t->mode & P9_ORCLOSE) != 0;
	gw_do_open(r, O_RDONLY);
}

/* SYMLINK, MKNOD or LINK made the name: the fid moves to it (not open). */
static void
create_node_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct gw_server *srv = r->conn->srv;
	struct gw_fid *f = r->fid;
	struct p9_tcreate *t = &r->msg.tcreate;
	struct p9_msg m = { .type = P9_RCREATE };

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	if (rep->entry.nodeid == 0) {
		gw_req_fail(r, -EIO);
		return;
	}
	struct gw_node *n = gw_node_enter(srv, f->node, t->name.s, t->name.len,
	    &rep->entry);
	if (!n) {
		gw_req_fail(r, -ENOMEM);
		return;
	}
	gw_node_unref(srv, f->node);
	f->node = n;
	gw_qid_from_attr(&m.rcreate.qid, &rep->entry.attr);
	m.rcreate.iounit = 0;
	gw_req_reply(r, &m);
}

static void
create_submit(struct gw_req *r, uint32_t opcode, const void *in,
    size_t in_len, const struct p9_str *name2, fg_done_fn *done)
{
	struct p9_tcreate *t = &r->msg.tcreate;
	struct fg_op op = {
		.opcode = opcode,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
		.in = in,
		.in_len = in_len,
		.name = t->name.s,
		.name_len = t->name.len,
		.name2 = name2 ? name2->s : NULL,
		.name2_len = name2 ? name2->len : 0,
	};
	int err = gw_req_submit(r, &op, done);

	if (err < 0)
		gw_req_fail(r, err);
}

static void
create_dir(struct gw_req *r, uint32_t mode)
{
	struct fuse_mkdir_in in = { .mode = mode, .umask = 0 };

	create_submit(r, FUSE_MKDIR, &in, sizeof(in), NULL, create_dir_done);
}

static void
create_symlink(struct gw_req *r, uint32_t mode)
{
	(void)mode;
	create_submit(r, FUSE_SYMLINK, NULL, 0, &r->msg.tcreate.extension,
	    create_node_done);
}

static void
create_mknod(struct gw_req *r, uint32_t mode, uint32_t rdev)
{
	struct fuse_mknod_in in = { .mode = mode, .rdev = rdev, .umask = 0 };

	if (r->conn->srv->opts->no_special_files && !gw_regular_mode(mode)) {
		gw_req_fail(r, -EPERM);
		return;
	}
	create_submit(r, FUSE_MKNOD, &in, sizeof(in), NULL, create_node_done);
}

/* .u: extension "b MAJ MIN" or "c MAJ MIN". */
static void
create_device(struct gw_req *r, uint32_t mode)
{
	const struct p9_str *e = &r->msg.tcreate.extension;
	const char *p = e->s, *end = e->s + e->len;
	uint32_t type = 0, maj, min;

	if (e->len > 2 && p[1] == ' ') {
		type = p[0] == 'c' ? S_IFCHR : p[0] == 'b' ? S_IFBLK : 0;
		p += 2;
	}
	if (!type || !parse_u32(&p, end, &maj) || p == end || *p++ != ' ' ||
	    !parse_u32(&p, end, &min) || p != end || maj > 0xfff ||
	    min > 0xfffff) {
		gw_req_fail(r, -EINVAL);
		return;
	}
	/* The kernel's new_encode_dev form, which glibc's makedev matches
	 * for every major/minor in range (see gw_op_mknod). */
	create_mknod(r, type | mode, (uint32_t)makedev(maj, min));
}

static void
create_fifo(struct gw_req *r, uint32_t mode)
{
	create_mknod(r, S_IFIFO | mode, 0);
}

static void
create_socket(struct gw_req *r, uint32_t mode)
{
	create_mknod(r, S_IFSOCK | mode, 0);
}

/* .u: a hard link; extension is the number of the fid to link to, as the
 * Linux client writes it ("%d\n"). */
static void
create_link(struct gw_req *r, uint32_t mode)
{
	const struct p9_str *e = &r->msg.tcreate.extension;
	const char *p = e->s, *end = e->s + e->len;
	uint32_t num;

	(void)mode;
	if (!parse_u32(&p, end, &num) || (p != end && !(p + 1 == end &&
	    *p == '\n'))) {
		gw_req_fail(r, -EINVAL);
		return;
	}
	struct gw_fid *target = gw_fid_get(r->conn, num);
	if (!gw_fid_is_node(target)) {
		gw_req_fail(r, -EBADF);
		return;
	}
	gw_fid_ref(target);
	r->newfid = target;	/* put when r ends */
	struct fuse_link_in in = { .oldnodeid = target->node->nodeid };
	create_submit(r, FUSE_LINK, &in, sizeof(in), NULL, create_node_done);
}

/* Tcreate perm bits that make something other than a regular file, in
 * the order they are tested. */
static const struct {
	uint32_t dm;
	void (*start)(struct gw_req *r, uint32_t mode);
} create_kinds[] = {
	{ P9_DMDIR, create_dir },
	{ P9_DMSYMLINK, create_symlink },
	{ P9_DMLINK, create_link },
	{ P9_DMDEVICE, create_device },
	{ P9_DMNAMEDPIPE, create_fifo },
	{ P9_DMSOCKET, create_socket },
};

void
gw_op_create(struct gw_req *r)
{
	struct p9_tcreate *t = &r->msg.tcreate;
	struct gw_fid *f = r->fid;
	uint32_t mode = gw_perm_from_dm(t->perm);

	if (!gw_fid_is_node(f) || f->open) {
		gw_req_fail(r, -EBADF);
		return;
	}
	if (!gw_name_ok(&t->name)) {
		gw_req_fail(r, -EINVAL);
		return;
	}
	for (size_t i = 0; i < sizeof(create_kinds) / sizeof(create_kinds[0]);
	    i++) {
		if (t->perm & create_kinds[i].dm) {
			create_kinds[i].start(r, mode);
			return;
		}
	}
	/* create(5): a name that exists already is an error. */
	gw_do_create(r, &t->name, oflags_from_mode(t->mode) | O_EXCL, mode,
	    f->gid);
}

/* ------------------------------------------------------------ wstat */

/* A Twstat's rename: the directory (one reference) and both names. */
struct wstat_op {
	struct gw_node *dir;
	const char *newname;	/* borrowed from the frame */
	size_t newname_len, name_len;
	char name[];		/* the old name, NUL-terminated */
};

static void
wstat_release(struct gw_req *r)
{
	struct wstat_op *w = r->op;

	if (w->dir)
		gw_node_unref(r->conn->srv, w->dir);
	w->dir = NULL;
}

static void
wstat_renamed(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct wstat_op *w = r->op;
	struct p9_msg m = { .type = P9_RWSTAT };

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	gw_node_moved(r->conn->srv, w->dir, w->name, w->name_len, w->dir,
	    w->newname, w->newname_len);
	gw_req_reply(r, &m);
}

/* The second step, or the only one: RENAME within the directory. */
static void
wstat_rename(struct gw_req *r)
{
	struct wstat_op *w = r->op;
	struct p9_msg m = { .type = P9_RWSTAT };

	if (!w) {
		gw_req_reply(r, &m);	/* no new name */
		return;
	}
	struct fuse_rename_in in = { .newdir = w->dir->nodeid };
	struct fg_op op = {
		.opcode = FUSE_RENAME,
		.nodeid = w->dir->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
		.name = w->name,
		.name_len = w->name_len,
		.name2 = w->newname,
		.name2_len = w->newname_len,
	};
	gw_req_send(r, &op, wstat_renamed);
}

static void
wstat_setattr_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	bool cancelled = gw_req_fuse_done(r, fr);

	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	gw_node_set_attr(r->fid->node, &rep->attr.attr, rep->attr.attr_valid,
	    rep->attr.attr_valid_nsec);
	if (cancelled && r->op) {
		gw_req_drop(r);	/* flushed before the RENAME */
		return;
	}
	wstat_rename(r);
}

/* An owner or group from a Twstat: the .u number, else the name string
 * (a user name, a number, or for a group the primary group of the user
 * of that name, which is how private groups are named). Returns 1 if
 * one is given, 0 if not, -EINVAL if it names nobody. */
static int
wstat_id(struct gw_req *r, uint32_t num, const struct p9_str *s, bool group,
    uint32_t *id)
{
	uint32_t uid, gid;
	const char *p = s->s;

	/* 9P2000 has no numeric ids on the wire: the decoder leaves 0. */
	if ((r->conn->dialect & P9_V_2000U) && num != NOCHANGE32) {
		*id = num;
		return 1;
	}
	if (s->len == 0)
		return 0;
	if (group && parse_u32(&p, s->s + s->len, id) && p == s->s + s->len)
		return 1;
	if (group && gw_group_by_name(r->conn->srv, s->s, s->len, id))
		return 1;
	if (!gw_user_by_name(r->conn->srv, s->s, s->len, &uid, &gid))
		return -EINVAL;
	*id = group ? gid : uid;
	return 1;
}

/* wstat_id, as the backend names the id. */
static int
wstat_backend_id(struct gw_req *r, uint32_t num, const struct p9_str *s,
    bool group, uint32_t *id)
{
	int got = wstat_id(r, num, s, group, id);

	if (got > 0)
		*id = gw_id_to_backend(r->conn->srv->opts, *id, group);
	return got;
}

/* The attributes part of a Twstat as a SETATTR (valid 0: none). */
static int
wstat_setattr_in(struct gw_req *r, const struct p9_stat *st,
    struct fuse_setattr_in *in)
{
	struct gw_fid *f = r->fid;
	int got;

	memset(in, 0, sizeof(*in));
	if (st->mode != NOCHANGE32) {
		in->valid |= FATTR_MODE;
		in->mode = (f->node->mode & S_IFMT) | gw_perm_from_dm(st->mode);
	}
	if (st->length != NOCHANGE64) {
		in->valid |= FATTR_SIZE;
		in->size = st->length;
		if (f->open && !f->is_dir) {
			in->valid |= FATTR_FH;
			in->fh = f->fh;
		}
	}
	if (st->atime != NOCHANGE32) {
		in->valid |= FATTR_ATIME;
		in->atime = st->atime;
	}
	if (st->mtime != NOCHANGE32) {
		in->valid |= FATTR_MTIME;
		in->mtime = st->mtime;
	}
	got = wstat_backend_id(r, st->n_uid, &st->uid, false, &in->uid);
	if (got < 0)
		return got;
	if (got)
		in->valid |= FATTR_UID;
	got = wstat_backend_id(r, st->n_gid, &st->gid, true, &in->gid);
	if (got < 0)
		return got;
	if (got)
		in->valid |= FATTR_GID;
	return 0;
}

/* Prepare the rename part: r->op is set when the name changes. */
static int
wstat_prepare_rename(struct gw_req *r, const struct p9_str *newname)
{
	struct gw_node *n = r->fid->node;

	if (newname->len == 0)
		return 0;
	if (n->name && strlen(n->name) == newname->len &&
	    memcmp(n->name, newname->s, newname->len) == 0)
		return 0;
	if (!n->parent || !n->name || !n->name[0]) {
		/* The root keeps its name "/"; others whose name the
		 * gateway lost cannot be renamed. */
		if (n == r->fid->root && newname->len == 1 &&
		    newname->s[0] == '/')
			return 0;
		return -EBUSY;
	}
	if (!gw_name_ok(newname))
		return -EINVAL;
	size_t len = strlen(n->name);
	struct wstat_op *w = calloc(1, sizeof(*w) + len + 1);
	if (!w)
		return -ENOMEM;
	memcpy(w->name, n->name, len);
	w->name_len = len;
	w->dir = n->parent;
	gw_node_ref(w->dir);
	w->newname = newname->s;
	w->newname_len = newname->len;
	r->op = w;
	r->abandon_fn = wstat_release;
	return 0;
}

void
gw_op_wstat(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	const struct p9_stat *st = &r->msg.twstat.stat;
	struct fuse_setattr_in in;
	int err;

	if (!gw_fid_is_node(f)) {
		gw_req_fail(r, -EBADF);
		return;
	}
	/* type, dev, qid and muid cannot be set; their values are ignored.
	 * Everything left "don't touch" asks for nothing but a sync. */
	err = wstat_setattr_in(r, st, &in);
	if (err == 0)
		err = wstat_prepare_rename(r, &st->name);
	if (err < 0) {
		gw_req_fail(r, err);
		return;
	}
	if (in.valid == 0) {
		wstat_rename(r);
		return;
	}
	struct fg_op op = {
		.opcode = FUSE_SETATTR,
		.nodeid = f->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
	};
	err = gw_req_submit(r, &op, wstat_setattr_done);
	if (err < 0)
		gw_req_fail(r, err);
}

