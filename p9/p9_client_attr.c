/* SPDX-License-Identifier: MIT */
/*
 * p9_client_attr: attributes, locks and extended attributes. Tgetattr and
 * Tsetattr in 9P2000.L; Tstat and Twstat, converted to and from the same
 * struct p9c_attr / p9c_setattr shapes, in 9P2000 and 9P2000.u. Tlock,
 * Tgetlock, Txattrwalk and Txattrcreate (9P2000.L only).
 *
 * It does not map user or group names to numbers: a 9P2000 server's names
 * are given as they are, and numbers only where the wire has them (.u's
 * n_uid, or a name that is all digits).
 */
#include "p9_client_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

/* p9c_rpc for replies whose body the caller does not need. */
static int
rpc_noreply(struct p9c *c, struct p9_msg *tx)
{
	struct p9_msg rx;
	void *frame;
	int r;

	r = p9c_rpc(c, tx, &rx, &frame);
	free(frame);
	return r;
}

/* ---------------------------------------------------------- stat <-> attr */

/* A name that is all digits is a number; else P9_NONUNAME. */
static uint32_t
id_from_name(const struct p9_str *s)
{
	uint64_t v = 0;

	if (s->len == 0 || s->len > 10)
		return P9_NONUNAME;
	for (uint16_t i = 0; i < s->len; i++) {
		if (s->s[i] < '0' || s->s[i] > '9')
			return P9_NONUNAME;
		v = v * 10 + (uint64_t)(s->s[i] - '0');
	}
	return v >= P9_NONUNAME ? P9_NONUNAME : (uint32_t)v;
}

/* .u device extension "b MAJOR MINOR" / "c MAJOR MINOR" */
static uint32_t
device_type(const struct p9_str *ext, uint64_t *rdev)
{
	char buf[64];
	char kind;
	unsigned maj, mnr;

	p9c_strlcpy(buf, sizeof(buf), ext);
	if (sscanf(buf, "%c %u %u", &kind, &maj, &mnr) != 3)
		return S_IFCHR;
	*rdev = makedev(maj, mnr);
	return kind == 'b' ? S_IFBLK : S_IFCHR;
}

void
p9c_attr_from_stat(
    const struct p9_stat *st, unsigned dialect, struct p9c_attr *a)
{
	bool u = dialect == P9_V_2000U;
	uint32_t type = S_IFREG;

	memset(a, 0, sizeof(*a));
	a->valid = P9_GETATTR_MODE | P9_GETATTR_ATIME | P9_GETATTR_MTIME |
	           P9_GETATTR_SIZE;
	if (st->mode & P9_DMDIR)
		type = S_IFDIR;
	else if (u && (st->mode & P9_DMSYMLINK))
		type = S_IFLNK;
	else if (u && (st->mode & P9_DMDEVICE))
		type = device_type(&st->extension, &a->rdev);
	else if (u && (st->mode & P9_DMNAMEDPIPE))
		type = S_IFIFO;
	else if (u && (st->mode & P9_DMSOCKET))
		type = S_IFSOCK;
	a->mode = type | (st->mode & 0777);
	if (u) {
		if (st->mode & P9_DMSETUID)
			a->mode |= S_ISUID;
		if (st->mode & P9_DMSETGID)
			a->mode |= S_ISGID;
		if (st->mode & P9_DMSETVTX)
			a->mode |= S_ISVTX;
	}
	a->qid = st->qid;
	a->uid =
	    u && st->n_uid != P9_NONUNAME ? st->n_uid : id_from_name(&st->uid);
	a->gid =
	    u && st->n_gid != P9_NONUNAME ? st->n_gid : id_from_name(&st->gid);
	if (a->uid != P9_NONUNAME)
		a->valid |= P9_GETATTR_UID;
	if (a->gid != P9_NONUNAME)
		a->valid |= P9_GETATTR_GID;
	a->nlink = 1;
	a->size = st->length;
	a->blksize = 4096;
	a->blocks = (st->length + 511) / 512;
	a->atime_sec = st->atime;
	a->mtime_sec = st->mtime;
	a->ctime_sec = st->mtime;
	p9c_strlcpy(a->uname, sizeof(a->uname), &st->uid);
	p9c_strlcpy(a->gname, sizeof(a->gname), &st->gid);
}

int
p9c_stat(struct p9c *c, uint32_t fid, struct p9_stat *st, void **frame)
{
	struct p9_msg tx, rx;
	int r;

	*frame = NULL;
	if (c->dialect == P9_V_2000L)
		return -EOPNOTSUPP;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TSTAT;
	tx.tstat.fid = fid;
	r = p9c_rpc(c, &tx, &rx, frame);
	if (r < 0)
		return r;
	*st = rx.rstat.stat;
	return 0;
}

int
p9c_wstat(struct p9c *c, uint32_t fid, const struct p9_stat *st)
{
	struct p9_msg tx;

	if (c->dialect == P9_V_2000L)
		return -EOPNOTSUPP;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TWSTAT;
	tx.twstat.fid = fid;
	tx.twstat.stat = *st;
	return rpc_noreply(c, &tx);
}

void
p9c_stat_dont_touch(struct p9_stat *st)
{
	memset(st, 0xff, sizeof(*st));
	st->name.len = st->uid.len = st->gid.len = 0;
	st->muid.len = st->extension.len = 0;
	st->name.s = st->uid.s = st->gid.s = "";
	st->muid.s = st->extension.s = "";
}

int
p9c_getattr(struct p9c *c, uint32_t fid, uint64_t mask, struct p9c_attr *a)
{
	struct p9_msg tx, rx;
	void *frame;
	int r;

	if (c->dialect != P9_V_2000L) {
		struct p9_stat st;

		r = p9c_stat(c, fid, &st, &frame);
		if (r < 0)
			return r;
		p9c_attr_from_stat(&st, c->dialect, a);
		free(frame);
		return 0;
	}
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TGETATTR;
	tx.tgetattr.fid = fid;
	tx.tgetattr.request_mask = mask;
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	memset(a, 0, sizeof(*a));
	a->valid = rx.rgetattr.valid;
	a->qid = rx.rgetattr.qid;
	a->mode = rx.rgetattr.mode;
	a->uid = rx.rgetattr.uid;
	a->gid = rx.rgetattr.gid;
	a->nlink = rx.rgetattr.nlink;
	a->rdev = rx.rgetattr.rdev;
	a->size = rx.rgetattr.size;
	a->blksize = rx.rgetattr.blksize;
	a->blocks = rx.rgetattr.blocks;
	a->atime_sec = rx.rgetattr.atime_sec;
	a->atime_nsec = rx.rgetattr.atime_nsec;
	a->mtime_sec = rx.rgetattr.mtime_sec;
	a->mtime_nsec = rx.rgetattr.mtime_nsec;
	a->ctime_sec = rx.rgetattr.ctime_sec;
	a->ctime_nsec = rx.rgetattr.ctime_nsec;
	free(frame);
	return 0;
}

/* 9P2000/.u: Twstat for what sa asks. */
static int
setattr_wstat(struct p9c *c, uint32_t fid, const struct p9c_setattr *sa)
{
	char uidbuf[16], gidbuf[16];
	struct p9_stat st;
	uint32_t now = (uint32_t)time(NULL);
	bool u = c->dialect == P9_V_2000U;
	int r;

	p9c_stat_dont_touch(&st);
	if (sa->valid & P9_SETATTR_MODE) {
		struct p9_stat cur;
		void *frame;
		uint32_t keep = 0777;

		/* a wstat must not change the type bits: keep the current */
		r = p9c_stat(c, fid, &cur, &frame);
		if (r < 0)
			return r;
		if (u)
			keep |= P9_DMSETUID | P9_DMSETGID | P9_DMSETVTX;
		st.mode = (cur.mode & ~keep) | (sa->mode & 0777);
		if (u && (sa->mode & S_ISUID))
			st.mode |= P9_DMSETUID;
		if (u && (sa->mode & S_ISGID))
			st.mode |= P9_DMSETGID;
		if (u && (sa->mode & S_ISVTX))
			st.mode |= P9_DMSETVTX;
		free(frame);
	}
	if (sa->valid & P9_SETATTR_SIZE)
		st.length = sa->size;
	if (sa->valid & P9_SETATTR_MTIME)
		st.mtime = (sa->valid & P9_SETATTR_MTIME_SET)
		               ? (uint32_t)sa->mtime_sec
		               : now;
	if (sa->valid & P9_SETATTR_ATIME)
		st.atime = (sa->valid & P9_SETATTR_ATIME_SET)
		               ? (uint32_t)sa->atime_sec
		               : now;
	if (sa->valid & P9_SETATTR_UID) {
		snprintf(uidbuf, sizeof(uidbuf), "%u", (unsigned)sa->uid);
		(void)p9c_str(uidbuf, &st.uid);
		if (u)
			st.n_uid = sa->uid;
	}
	if (sa->valid & P9_SETATTR_GID) {
		snprintf(gidbuf, sizeof(gidbuf), "%u", (unsigned)sa->gid);
		(void)p9c_str(gidbuf, &st.gid);
		if (u)
			st.n_gid = sa->gid;
	}
	return p9c_wstat(c, fid, &st);
}

int
p9c_setattr(struct p9c *c, uint32_t fid, const struct p9c_setattr *sa)
{
	struct p9_msg tx;

	if (c->dialect != P9_V_2000L)
		return setattr_wstat(c, fid, sa);
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TSETATTR;
	tx.tsetattr.fid = fid;
	tx.tsetattr.valid = sa->valid;
	tx.tsetattr.mode = sa->mode;
	tx.tsetattr.uid = sa->uid;
	tx.tsetattr.gid = sa->gid;
	tx.tsetattr.size = sa->size;
	tx.tsetattr.atime_sec = sa->atime_sec;
	tx.tsetattr.atime_nsec = sa->atime_nsec;
	tx.tsetattr.mtime_sec = sa->mtime_sec;
	tx.tsetattr.mtime_nsec = sa->mtime_nsec;
	return rpc_noreply(c, &tx);
}

/* ------------------------------------------------------------------ locks */

int
p9c_lock(
    struct p9c *c, uint32_t fid, const struct p9_tlock *lk, uint8_t *status)
{
	struct p9_msg tx, rx;
	void *frame;
	int r;

	if (c->dialect != P9_V_2000L)
		return -EOPNOTSUPP;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TLOCK;
	tx.tlock = *lk;
	tx.tlock.fid = fid;
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	*status = rx.rlock.status;
	free(frame);
	return 0;
}

int
p9c_getlock(struct p9c *c, uint32_t fid, const struct p9_tgetlock *lk,
    struct p9_rgetlock *out, char *client_id, size_t client_id_len)
{
	struct p9_msg tx, rx;
	void *frame;
	int r;

	if (c->dialect != P9_V_2000L)
		return -EOPNOTSUPP;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TGETLOCK;
	tx.tgetlock = *lk;
	tx.tgetlock.fid = fid;
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	*out = rx.rgetlock;
	out->client_id.len = 0;
	out->client_id.s = "";
	if (client_id != NULL && client_id_len > 0) {
		p9c_strlcpy(client_id, client_id_len, &rx.rgetlock.client_id);
		out->client_id.s = client_id;
		out->client_id.len = (uint16_t)strlen(client_id);
	}
	free(frame);
	return 0;
}

/* ----------------------------------------------------------------- xattrs */

ssize_t
p9c_xattr_get(
    struct p9c *c, uint32_t fid, const char *name, void *buf, size_t len)
{
	struct p9_msg tx, rx;
	void *frame;
	uint64_t size, got = 0;
	uint32_t xf;
	int r;

	if (c->dialect != P9_V_2000L)
		return -EOPNOTSUPP;
	xf = p9c_fid_alloc(c);
	if (xf == P9_NOFID)
		return -EMFILE;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TXATTRWALK;
	tx.txattrwalk.fid = fid;
	tx.txattrwalk.newfid = xf;
	r = p9c_str(name, &tx.txattrwalk.name);
	if (r == 0)
		r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0) {
		p9c_fid_free(c, xf);
		return r;
	}
	size = rx.rxattrwalk.size;
	free(frame);
	if (size > SSIZE_MAX) {
		(void)p9c_clunk(c, xf);
		return -E2BIG;
	}
	while (got < size && got < len) {
		ssize_t n = p9c_read(c, xf, (uint8_t *)buf + got,
		    (size_t)(len - got < size - got ? len - got : size - got),
		    got);

		if (n < 0) {
			(void)p9c_clunk(c, xf);
			return n;
		}
		if (n == 0)
			break;
		got += (uint64_t)n;
	}
	r = p9c_clunk(c, xf);
	if (r < 0)
		return r;
	return (ssize_t)size;
}

ssize_t
p9c_xattr_list(struct p9c *c, uint32_t fid, void *buf, size_t len)
{
	return p9c_xattr_get(c, fid, "", buf, len);
}

/* Txattrcreate on a clone of fid, write value, clunk (which applies it). */
static int
xattr_create(struct p9c *c, uint32_t fid, const char *name, const void *value,
    size_t len, uint32_t flags)
{
	struct p9_msg tx;
	size_t done = 0;
	uint32_t xf;
	int r;

	if (c->dialect != P9_V_2000L)
		return -EOPNOTSUPP;
	r = p9c_walk(c, fid, 0, NULL, &xf, NULL);
	if (r < 0)
		return r;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TXATTRCREATE;
	tx.txattrcreate.fid = xf;
	tx.txattrcreate.attr_size = len;
	tx.txattrcreate.flags = flags;
	r = p9c_str(name, &tx.txattrcreate.name);
	if (r == 0)
		r = rpc_noreply(c, &tx);
	while (r == 0 && done < len) {
		ssize_t n = p9c_write(
		    c, xf, (const uint8_t *)value + done, len - done, done);

		if (n < 0)
			r = (int)n;
		else if (n == 0)
			r = -EIO;
		else
			done += (size_t)n;
	}
	if (r < 0) {
		(void)p9c_clunk(c, xf);
		return r;
	}
	return p9c_clunk(c, xf);
}

int
p9c_xattr_set(struct p9c *c, uint32_t fid, const char *name, const void *value,
    size_t len, uint32_t flags)
{
	return xattr_create(c, fid, name, value, len, flags);
}

int
p9c_xattr_remove(struct p9c *c, uint32_t fid, const char *name)
{
	return xattr_create(c, fid, name, NULL, 0, 2 /* XATTR_REPLACE */);
}
