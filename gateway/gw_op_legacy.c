/* SPDX-License-Identifier: MIT */
/*
 * The operations of 9P2000 and 9P2000.u that 9P2000.L replaced: Topen,
 * Tcreate, Tstat, Twstat, and Tread on a directory, which returns stat
 * entries (gw_legacy_dirread).
 *
 * Stat entries are built from FUSE attributes: uid names from the user
 * table read at start-up (numeric strings otherwise), group names always
 * numeric (there is no group table), muid = uid. A directory read is a
 * READDIRPLUS whose every looked-up entry is given back at once; the 9P
 * offset of such a read is a byte count, so only a read from 0 or from
 * where the previous one ended is accepted. What this file does not do:
 * Plan 9's permission inheritance from the parent directory (the backend
 * decides), atomic multi-field Twstat (attributes first, then the rename),
 * and walking, reading or writing (shared with 9P2000.L elsewhere).
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

/* READDIRPLUS rounds one directory Tread may take to find an entry that
 * is not "." or "..": bounds a backend that never makes progress. */
#define DIRREAD_ROUNDS 16
/* Twstat's "don't touch" for numbers. */
#define NOCHANGE32 UINT32_MAX
#define NOCHANGE64 UINT64_MAX

static const struct {
	uint32_t ifmt, dm;
} type_bits[] = {
	{ S_IFDIR, P9_DMDIR },
	{ S_IFLNK, P9_DMSYMLINK },
	{ S_IFCHR, P9_DMDEVICE },
	{ S_IFBLK, P9_DMDEVICE },
	{ S_IFIFO, P9_DMNAMEDPIPE },
	{ S_IFSOCK, P9_DMSOCKET },
};

static const struct {
	uint32_t mode, dm;
} special_bits[] = {
	{ S_ISUID, P9_DMSETUID },
	{ S_ISGID, P9_DMSETGID },
	{ S_ISVTX, P9_DMSETVTX },
};

static bool
is_node_fid(const struct gw_fid *f)
{
	return f && f->kind == GW_FID_NODE && f->node;
}

/* A 9P stat mode from a Unix mode. */
static uint32_t
dm_from_mode(uint32_t mode)
{
	uint32_t dm = mode & 0777;

	for (size_t i = 0; i < sizeof(type_bits) / sizeof(type_bits[0]); i++)
		if ((mode & S_IFMT) == type_bits[i].ifmt)
			dm |= type_bits[i].dm;
	for (size_t i = 0; i < sizeof(special_bits) / sizeof(special_bits[0]);
	    i++)
		if (mode & special_bits[i].mode)
			dm |= special_bits[i].dm;
	return dm;
}

/* Unix permission and set-id bits from a 9P perm/mode (no type bits). */
static uint32_t
perm_from_dm(uint32_t dm)
{
	uint32_t mode = dm & 0777;

	for (size_t i = 0; i < sizeof(special_bits) / sizeof(special_bits[0]);
	    i++)
		if (dm & special_bits[i].dm)
			mode |= special_bits[i].mode;
	return mode;
}

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

/* ---------------------------------------------------------- stat entries */

/* The strings of a stat entry that are not borrowed from elsewhere. */
struct stat_strs {
	char uid[16], gid[16], ext[40];
};

static struct p9_str
str_of(const char *s, size_t len)
{
	struct p9_str p = { .len = (uint16_t)(len > UINT16_MAX ? UINT16_MAX :
		len), .s = s };
	return p;
}

/* Fill st from attributes; st's strings point to name, to the user table
 * or into b (all must outlive st). Extension: a device's "c MAJ MIN", else
 * empty (a symlink's target is the caller's). */
static void
stat_from_attr(struct gw_server *srv, const struct fuse_attr *a,
    const char *name, size_t name_len, struct p9_stat *st,
    struct stat_strs *b)
{
	uint32_t uid = gw_id_to_client(srv->opts, a->uid, false);
	uint32_t gid = gw_id_to_client(srv->opts, a->gid, true);
	const char *user = gw_user_name(srv, uid);

	memset(st, 0, sizeof(*st));
	gw_qid_from_attr(&st->qid, a);
	st->mode = dm_from_mode(a->mode);
	st->atime = (uint32_t)a->atime;
	st->mtime = (uint32_t)a->mtime;
	st->length = S_ISDIR(a->mode) ? 0 : a->size;
	st->name = str_of(name, name_len);
	if (!user) {
		snprintf(b->uid, sizeof(b->uid), "%u", uid);
		user = b->uid;
	}
	const char *group = gw_group_name(srv, gid);
	if (!group) {
		snprintf(b->gid, sizeof(b->gid), "%u", gid);
		group = b->gid;
	}
	st->uid = str_of(user, strlen(user));
	st->gid = str_of(group, strlen(group));
	st->muid = st->uid;
	st->n_uid = uid;
	st->n_gid = gid;
	st->n_muid = uid;
	st->extension = str_of("", 0);
	if (S_ISCHR(a->mode) || S_ISBLK(a->mode)) {
		snprintf(b->ext, sizeof(b->ext), "%c %u %u",
		    S_ISCHR(a->mode) ? 'c' : 'b', major(a->rdev),
		    minor(a->rdev));
		st->extension = str_of(b->ext, strlen(b->ext));
	}
}

/* ------------------------------------------------------------ open */

void
gw_op_open(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	uint8_t mode = r->msg.topen.mode;
	uint32_t oflags = oflags_from_mode(mode);

	if (!is_node_fid(f) || f->open) {
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
	if (!is_node_fid(target)) {
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
	uint32_t mode = perm_from_dm(t->perm);

	if (!is_node_fid(f) || f->open) {
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

/* ------------------------------------------------------------ stat */

static void
stat_reply(struct gw_req *r, const struct fuse_attr *a, const char *target,
    size_t target_len)
{
	struct gw_fid *f = r->fid;
	struct p9_msg m = { .type = P9_RSTAT };
	struct stat_strs b;
	const char *name = f->node->name ? f->node->name : "";

	/* The tree's root is "/" to the client, whatever its name here. */
	if (f->node == f->root || f->node->nodeid == FUSE_ROOT_ID)
		name = "/";
	stat_from_attr(r->conn->srv, a, name, strlen(name), &m.rstat.stat, &b);
	if (target)
		m.rstat.stat.extension = str_of(target, target_len);
	gw_req_reply(r, &m);
}

static void
stat_readlink_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	/* A 9P string holds no NUL and at most 65535 bytes. */
	const char *target = rep->len ? rep->data : "";
	const char *nul = memchr(target, '\0', rep->len);
	size_t len = nul ? (size_t)(nul - target) : rep->len;
	stat_reply(r, r->op, target, len);
}

/* Attributes known: reply, after a READLINK for a symlink's target. */
static void
stat_have_attr(struct gw_req *r, const struct fuse_attr *a)
{
	if (!S_ISLNK(a->mode)) {
		stat_reply(r, a, NULL, 0);
		return;
	}
	struct fuse_attr *keep = malloc(sizeof(*keep));
	if (!keep) {
		gw_req_fail(r, -ENOMEM);
		return;
	}
	*keep = *a;
	r->op = keep;
	struct fg_op op = {
		.opcode = FUSE_READLINK,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
	};
	int err = gw_req_submit(r, &op, stat_readlink_done);
	if (err < 0)
		gw_req_fail(r, err);
}

static void
stat_getattr_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	bool cancelled = gw_req_fuse_done(r, fr);

	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	gw_node_set_attr(r->fid->node, &rep->attr.attr, rep->attr.attr_valid,
	    rep->attr.attr_valid_nsec);
	if (cancelled && S_ISLNK(rep->attr.attr.mode)) {
		gw_req_drop(r);	/* flushed before the READLINK */
		return;
	}
	stat_have_attr(r, &rep->attr.attr);
}

void
gw_op_stat(struct gw_req *r)
{
	struct gw_fid *f = r->fid;

	if (!is_node_fid(f)) {
		gw_req_fail(r, -EBADF);
		return;
	}
	if (gw_node_attr_fresh(f->node)) {
		stat_have_attr(r, &f->node->attr);
		return;
	}
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
	int err = gw_req_submit(r, &op, stat_getattr_done);
	if (err < 0)
		gw_req_fail(r, err);
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
	int err = gw_req_submit(r, &op, wstat_renamed);
	if (err < 0)
		gw_req_fail(r, err);
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
		in->mode = (f->node->mode & S_IFMT) | perm_from_dm(st->mode);
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

	if (!is_node_fid(f)) {
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

/* ------------------------------------------------------ directory reads */

struct dirread_op {
	uint64_t cookie;	/* FUSE offset after the last entry used */
	uint64_t off9;		/* the 9P offset this read starts at */
	unsigned rounds;
	bool plus;		/* READDIRPLUS (the backend granted it) */
	uint32_t count;		/* room in buf */
	uint32_t len;		/* bytes of stat entries in buf */
	unsigned char buf[];
};

static void dirread_step(struct gw_req *r);

static bool
is_dot(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.');
}

static void
dirread_finish(struct gw_req *r, bool eof)
{
	struct dirread_op *d = r->op;
	struct gw_fid *f = r->fid;
	struct p9_msg m = { .type = P9_RREAD };

	f->dir_cookie = d->cookie;
	f->dir_off9 = d->off9 + d->len;
	f->dir_eof = eof;
	m.rread.count = d->len;
	m.rread.data = d->buf;
	gw_req_reply(r, &m);
}

/* Pack one entry: 0, or -EMSGSIZE if it does not fit (nothing packed
 * then). An entry without attributes (READDIR, or no lookup) shows its
 * type only. */
static int
dirread_pack(struct gw_req *r, const struct fg_dirent *e)
{
	struct dirread_op *d = r->op;
	struct fuse_attr a;
	struct p9_stat st;
	struct stat_strs b;

	if (e->has_entry && e->entry.nodeid != 0) {
		a = e->entry.attr;
	} else {
		memset(&a, 0, sizeof(a));
		a.ino = e->ino;
		a.mode = DTTOIF(e->type);
	}
	stat_from_attr(r->conn->srv, &a, e->name, e->name_len, &st, &b);
	ssize_t n = p9_stat_put(d->buf + d->len, d->count - d->len, &st,
	    r->conn->dialect);
	if (n < 0)
		return (int)n;
	d->len += (uint32_t)n;
	return 0;
}

static void
dirread_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct gw_server *srv = r->conn->srv;
	struct dirread_op *d = r->op;
	bool cancelled = gw_req_fuse_done(r, fr);
	struct fg_dirent_cur cur;
	struct fg_dirent e;
	bool full = false, any = false;
	uint64_t start = d->cookie;
	int err = 0, more;

	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	/* Every counted entry goes back, used or not: the stat entry is all
	 * the client gets. */
	fg_dirent_cur_init(&cur, rep->data, rep->len, d->plus);
	while ((more = fg_dirent_next(&cur, &e)) == 1) {
		any = true;
		if (e.counted) {
			struct gw_node *n = gw_node_get(e.entry.nodeid);
			if (n)
				gw_node_set_attr(n, &e.entry.attr,
				    e.entry.attr_valid,
				    e.entry.attr_valid_nsec);
			fg_forget(srv->fs, e.entry.nodeid, 1);
		}
		if (full || err)
			continue;
		if (!is_dot(e.name, e.name_len)) {
			int pe = dirread_pack(r, &e);
			if (pe == -EMSGSIZE) {
				full = true;	/* read again next time */
				continue;
			}
			if (pe < 0) {
				err = -EIO;
				continue;
			}
		}
		d->cookie = e.off;
	}
	if (more < 0 || err) {
		gw_req_fail(r, -EIO);
		return;
	}
	/* A count too small for the next entry gets 0 bytes, not an error:
	 * the Linux client fills its buffer with reads of what is left of
	 * it and stops at a short read; the entry comes with the next. */
	if (d->len || !any || full) {
		dirread_finish(r, !any);
		return;
	}
	/* Only "." and "..": read on, unless flushed or stuck. */
	if (cancelled) {
		gw_req_drop(r);
		return;
	}
	if (d->cookie == start || ++d->rounds >= DIRREAD_ROUNDS) {
		gw_req_fail(r, -EIO);
		return;
	}
	dirread_step(r);
}

static void
dirread_step(struct gw_req *r)
{
	struct dirread_op *d = r->op;
	struct gw_fid *f = r->fid;
	const struct fg_info *info = r->conn->srv->info;
	/* FUSE entries are about twice the size of stat entries. */
	uint32_t size = d->count > UINT32_MAX / 2 ? UINT32_MAX : d->count * 2;

	if (size < 4096)
		size = 4096;
	if (size > info->max_write)
		size = info->max_write;
	struct fuse_read_in in = { .fh = f->fh, .offset = d->cookie,
		.size = size };
	struct fg_op op = {
		.opcode = d->plus ? FUSE_READDIRPLUS : FUSE_READDIR,
		.nodeid = f->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
	};
	int err = gw_req_submit(r, &op, dirread_done);
	if (err < 0)
		gw_req_fail(r, err);
}

void
gw_legacy_dirread(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	struct p9_tread *t = &r->msg.tread;
	struct p9_msg m = { .type = P9_RREAD };

	if (!is_node_fid(f) || !f->open || !f->is_dir) {
		gw_req_fail(r, -EBADF);
		return;
	}
	/* read(5): a directory is read from 0 or where the last read ended. */
	if (t->offset != 0 && t->offset != f->dir_off9) {
		gw_req_fail(r, -EINVAL);
		return;
	}
	if (t->offset != 0 && f->dir_eof) {
		gw_req_reply(r, &m);	/* count 0: the end */
		return;
	}
	uint32_t count = gw_max_count(r->conn, t->count, P9_IOHDRSZ);
	struct dirread_op *d = malloc(sizeof(*d) + count);
	if (!d) {
		gw_req_fail(r, -ENOMEM);
		return;
	}
	d->cookie = t->offset ? f->dir_cookie : 0;
	d->off9 = t->offset;
	d->rounds = 0;
	d->plus = (r->conn->srv->info->flags & FUSE_DO_READDIRPLUS) != 0;
	d->count = count;
	d->len = 0;
	r->op = d;
	dirread_step(r);
}
