/* SPDX-License-Identifier: MIT */
/*
 * 9P2000.L namespace operations: Tmkdir, Tsymlink, Tmknod and Tlink (one
 * entry-making FUSE request each), Trename and Trenameat (RENAME), and
 * Tunlinkat (UNLINK or RMDIR). Every one is a single FUSE request.
 *
 * The client gets only a qid for a new name and walks to it when it wants a
 * fid, so each entry reply's lookup is given back at once. The node table
 * learns of renames and removals done here (gw_node_moved, gw_node_removed);
 * it is not told about changes made behind the gateway's back. Tremove is in
 * gw_op_session.c, the 9P2000 Tcreate in gw_op_legacy.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "gw_int.h"

/* The largest major and minor a FUSE rdev (the kernel's 32-bit
 * new_encode_dev form) can carry. */
#define RDEV_MAJOR_MAX 0xfffu
#define RDEV_MINOR_MAX 0xfffffu

/* The directory fid (r->fid) and the new name are usable; otherwise r is
 * ended and false returned. */
static bool
check_dir_name(struct gw_req *r, const struct p9_str *name)
{
	if (!gw_fid_is_node(r->fid)) {
		gw_req_fail(r, -EBADF);
		return false;
	}
	if (!gw_name_ok(name)) {
		gw_req_fail(r, -EINVAL);
		return false;
	}
	return true;
}

/* Tlink, Trename and Trenameat name a second fid, which dispatch did not
 * resolve. It is kept in r->newfid, whose reference the request's end puts.
 * NULL if it is not a walked fid. */
static struct gw_fid *
second_fid(struct gw_req *r, uint32_t fid)
{
	struct gw_fid *f = gw_fid_get(r->conn, fid);

	if (!gw_fid_is_node(f))
		return NULL;
	gw_fid_ref(f);
	r->newfid = f;
	return f;
}

/* New objects get the group the message names (the client's fsgid or the
 * directory's setgid group), unless identities are squashed. */
static void
creation_gid(struct gw_req *r, uint32_t gid)
{
	if (!r->conn->srv->opts->squash && gid != P9_NONUNAME)
		r->ctx.gid = gw_id_to_backend(r->conn->srv->opts, gid, true);
}

/* ------------------------------------------ mkdir, symlink, mknod, link */

static void
entry_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct gw_server *srv = r->conn->srv;
	struct p9_msg m = { .type = (uint8_t)(r->msg.type + 1) };
	struct p9_qid *qid = NULL;

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	if (rep->entry.nodeid == 0) {
		gw_req_fail(r, -EIO);	/* a negative entry for a new name */
		return;
	}
	/* Done even if a Tflush came meanwhile: the client learns of the new
	 * name from this reply, which precedes the Rflush. It holds no fid
	 * on it, so the lookup goes back; a node we already hold (Tlink's
	 * target) gets the fresh attributes (nlink). */
	fg_forget(srv->fs, rep->entry.nodeid, 1);
	struct gw_node *n = gw_node_get(rep->entry.nodeid);
	if (n)
		gw_node_set_attr(n, &rep->entry.attr, rep->entry.attr_valid,
		    rep->entry.attr_valid_nsec);
	switch (m.type) {
	case P9_RMKDIR:
		qid = &m.rmkdir.qid;
		break;
	case P9_RSYMLINK:
		qid = &m.rsymlink.qid;
		break;
	case P9_RMKNOD:
		qid = &m.rmknod.qid;
		break;
	default:	/* Rlink has no body */
		break;
	}
	if (qid)
		gw_qid_from_attr(qid, &rep->entry.attr);
	gw_req_reply(r, &m);
}

void
gw_op_mkdir(struct gw_req *r)
{
	struct p9_tmkdir *t = &r->msg.tmkdir;

	if (!check_dir_name(r, &t->name))
		return;
	creation_gid(r, t->gid);
	/* The client applied its umask already (DONT_MASK semantics). */
	struct fuse_mkdir_in in = { .mode = t->mode & 07777, .umask = 0 };
	struct fg_op op = {
		.opcode = FUSE_MKDIR,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
		.name = t->name.s,
		.name_len = t->name.len,
	};
	gw_req_send(r, &op, entry_done);
}

void
gw_op_symlink(struct gw_req *r)
{
	struct p9_tsymlink *t = &r->msg.tsymlink;

	if (!check_dir_name(r, &t->name))
		return;
	creation_gid(r, t->gid);
	struct fg_op op = {
		.opcode = FUSE_SYMLINK,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
		.name = t->name.s,
		.name_len = t->name.len,
		.name2 = t->symtgt.s,
		.name2_len = t->symtgt.len,
	};
	gw_req_send(r, &op, entry_done);
}

/* The file types mknod(2) makes; 0 means a regular file. */
static bool
mknod_type_ok(uint32_t mode)
{
	static const uint32_t types[] = { 0, S_IFREG, S_IFCHR, S_IFBLK,
		S_IFIFO, S_IFSOCK };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if ((mode & S_IFMT) == types[i])
			return true;
	return false;
}

void
gw_op_mknod(struct gw_req *r)
{
	struct p9_tmknod *t = &r->msg.tmknod;

	if (!check_dir_name(r, &t->name))
		return;
	if (!mknod_type_ok(t->mode) || t->major > RDEV_MAJOR_MAX ||
	    t->minor > RDEV_MINOR_MAX) {
		gw_req_fail(r, -EINVAL);
		return;
	}
	if (r->conn->srv->opts->no_special_files && !gw_regular_mode(t->mode)) {
		gw_req_fail(r, -EPERM);
		return;
	}
	creation_gid(r, t->gid);
	/* FUSE carries the kernel's new_encode_dev() form, which libfuse
	 * hands to the filesystem as a dev_t; glibc's makedev() gives the
	 * same bits for every major/minor in range. */
	struct fuse_mknod_in in = {
		.mode = t->mode & (S_IFMT | 07777),
		.rdev = (uint32_t)makedev(t->major, t->minor),
		.umask = 0,
	};
	struct fg_op op = {
		.opcode = FUSE_MKNOD,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
		.name = t->name.s,
		.name_len = t->name.len,
	};
	gw_req_send(r, &op, entry_done);
}

void
gw_op_link(struct gw_req *r)
{
	struct p9_tlink *t = &r->msg.tlink;

	if (!check_dir_name(r, &t->name))
		return;
	struct gw_fid *target = second_fid(r, t->fid);
	if (!target) {
		gw_req_fail(r, -EBADF);
		return;
	}
	struct fuse_link_in in = { .oldnodeid = target->node->nodeid };
	struct fg_op op = {
		.opcode = FUSE_LINK,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
		.name = t->name.s,
		.name_len = t->name.len,
	};
	gw_req_send(r, &op, entry_done);
}

/* ------------------------------------------- rename, renameat, unlinkat */

/*
 * What a rename or unlink needs when its reply comes: the directories (one
 * reference each, since a fid may be rebound meanwhile) and the names as
 * sent (the node table's name may change meanwhile).
 */
struct ns_op {
	struct gw_node *dir, *newdir;	/* newdir NULL for unlinkat */
	const char *newname;		/* borrowed from the frame */
	size_t name_len, newname_len;
	char name[];			/* NUL-terminated copy */
};

static void
ns_release(struct gw_req *r)
{
	struct ns_op *o = r->op;

	if (o->dir)
		gw_node_unref(r->conn->srv, o->dir);
	if (o->newdir)
		gw_node_unref(r->conn->srv, o->newdir);
	o->dir = o->newdir = NULL;
}

/* r->op becomes an ns_op holding dir and newdir (may be NULL); the
 * references are let go when r ends. Ends r and returns NULL on ENOMEM. */
static struct ns_op *
ns_op_new(struct gw_req *r, struct gw_node *dir, const char *name,
    size_t name_len, struct gw_node *newdir, const struct p9_str *newname)
{
	struct ns_op *o = calloc(1, sizeof(*o) + name_len + 1);

	if (!o) {
		gw_req_fail(r, -ENOMEM);
		return NULL;
	}
	memcpy(o->name, name, name_len);
	o->name_len = name_len;
	o->dir = dir;
	gw_node_ref(dir);
	if (newdir) {
		o->newdir = newdir;
		gw_node_ref(newdir);
		o->newname = newname->s;
		o->newname_len = newname->len;
	}
	r->op = o;
	r->abandon_fn = ns_release;
	return o;
}

static void
rename_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct ns_op *o = r->op;
	struct p9_msg m = { .type = (uint8_t)(r->msg.type + 1) };

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	gw_node_moved(r->conn->srv, o->dir, o->name, o->name_len, o->newdir,
	    o->newname, o->newname_len);
	gw_req_reply(r, &m);	/* Rrename, Rrenameat: no body */
}

static void
rename_start(struct gw_req *r, struct gw_node *dir, const char *name,
    size_t name_len, struct gw_node *newdir, const struct p9_str *newname)
{
	if (!gw_name_ok(newname)) {
		gw_req_fail(r, -EINVAL);
		return;
	}
	struct ns_op *o = ns_op_new(r, dir, name, name_len, newdir, newname);
	if (!o)
		return;
	struct fuse_rename_in in = { .newdir = newdir->nodeid };
	struct fg_op op = {
		.opcode = FUSE_RENAME,
		.nodeid = dir->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
		.name = o->name,
		.name_len = o->name_len,
		.name2 = newname->s,
		.name2_len = newname->len,
	};
	gw_req_send(r, &op, rename_done);
}

void
gw_op_rename(struct gw_req *r)
{
	struct p9_trename *t = &r->msg.trename;
	struct gw_fid *f = r->fid;

	if (!gw_fid_is_node(f)) {
		gw_req_fail(r, -EBADF);
		return;
	}
	struct gw_fid *d = second_fid(r, t->dfid);
	if (!d) {
		gw_req_fail(r, -EBADF);
		return;
	}
	/* The old name is where the gateway last saw the node: the root and
	 * nodes whose name it lost (removed, or renamed behind its back,
	 * then found again under another name) have none. */
	struct gw_node *n = f->node;
	if (!n->parent || !n->name || !n->name[0]) {
		gw_req_fail(r, -EBUSY);
		return;
	}
	rename_start(r, n->parent, n->name, strlen(n->name), d->node,
	    &t->name);
}

void
gw_op_renameat(struct gw_req *r)
{
	struct p9_trenameat *t = &r->msg.trenameat;

	if (!check_dir_name(r, &t->oldname))
		return;
	struct gw_fid *d = second_fid(r, t->newdirfid);
	if (!d) {
		gw_req_fail(r, -EBADF);
		return;
	}
	rename_start(r, r->fid->node, t->oldname.s, t->oldname.len, d->node,
	    &t->newname);
}

static void
unlink_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct ns_op *o = r->op;
	struct p9_msg m = { .type = P9_RUNLINKAT };

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	gw_node_removed(r->conn->srv, o->dir, o->name, o->name_len);
	gw_req_reply(r, &m);
}

void
gw_op_unlinkat(struct gw_req *r)
{
	struct p9_tunlinkat *t = &r->msg.tunlinkat;

	if (!check_dir_name(r, &t->name))
		return;
	if (t->flags & ~(uint32_t)P9_AT_REMOVEDIR) {
		gw_req_fail(r, -EINVAL);
		return;
	}
	struct ns_op *o = ns_op_new(r, r->fid->node, t->name.s, t->name.len,
	    NULL, NULL);
	if (!o)
		return;
	struct fg_op op = {
		.opcode = (t->flags & P9_AT_REMOVEDIR) ? FUSE_RMDIR :
		    FUSE_UNLINK,
		.nodeid = o->dir->nodeid,
		.ctx = r->ctx,
		.name = o->name,
		.name_len = o->name_len,
	};
	gw_req_send(r, &op, unlink_done);
}
