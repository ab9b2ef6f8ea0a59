/* SPDX-License-Identifier: MIT */
/*
 * 9P2000 and 9P2000.u stat entries: the mode bits both ways, Tstat, and
 * Tread on a directory, which returns packed stat entries from READDIRPLUS
 * (gw_legacy_dirread). The other operations of those dialects are in
 * gw_op_legacy.c.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "gw_int.h"

/* READDIRPLUS rounds one directory Tread may take to find an entry that
 * is not "." or "..": bounds a backend that never makes progress. */
#define DIRREAD_ROUNDS 16

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

/* A 9P stat mode from a Unix mode. */
uint32_t
gw_dm_from_mode(uint32_t mode)
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
uint32_t
gw_perm_from_dm(uint32_t dm)
{
	uint32_t mode = dm & 0777;

	for (size_t i = 0; i < sizeof(special_bits) / sizeof(special_bits[0]);
	    i++)
		if (dm & special_bits[i].dm)
			mode |= special_bits[i].mode;
	return mode;
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
	st->mode = gw_dm_from_mode(a->mode);
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
	gw_req_send(r, &op, stat_readlink_done);
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

	if (!gw_fid_is_node(f)) {
		gw_req_fail(r, -EBADF);
		return;
	}
	if (gw_node_attr_fresh(f->node)) {
		stat_have_attr(r, &f->node->attr);
		return;
	}
	gw_send_getattr(r, stat_getattr_done);
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
	/* FUSE entries are about twice the size of stat entries. */
	uint32_t size = d->count > UINT32_MAX / 2 ? UINT32_MAX : d->count * 2;

	if (size < 4096)
		size = 4096;
	if (size > r->conn->srv->chunk)
		size = r->conn->srv->chunk;
	struct fuse_read_in in = { .fh = f->fh, .offset = d->cookie,
		.size = size };
	struct fg_op op = {
		.opcode = d->plus ? FUSE_READDIRPLUS : FUSE_READDIR,
		.nodeid = f->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
	};
	gw_req_send(r, &op, dirread_done);
}

void
gw_legacy_dirread(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	struct p9_tread *t = &r->msg.tread;
	struct p9_msg m = { .type = P9_RREAD };

	if (!gw_fid_is_node(f) || !f->open || !f->is_dir) {
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
