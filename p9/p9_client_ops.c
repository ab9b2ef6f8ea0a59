/* SPDX-License-Identifier: MIT */
/*
 * p9_client_ops: operations on names and open files, one function per
 * operation, each choosing the message of the negotiated dialect: Tlopen or
 * Topen, Tlcreate or Tcreate, Tmkdir or Tcreate(DMDIR), Tunlinkat or
 * Tremove, Trenameat/Trename or Twstat(name), Tsymlink or Tcreate(DMSYMLINK),
 * and the 9P2000.L-only statfs, mknod and fsync.
 *
 * It does not read or write file data (p9_client_io.c) nor deal with
 * attributes, locks or xattrs (p9_client_attr.c).
 */
#include "p9_client_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static bool
is_dotl(const struct p9c *c)
{
	return c->dialect == P9_V_2000L;
}

/*
 * Host open(2) flags -> 9P2000.L wire flags. The wire carries the values
 * of Linux on x86 (the Linux client converts the same way), which other
 * architectures number differently (O_DIRECTORY on arm64, for one).
 */
static const struct {
	uint32_t host;
	uint32_t wire;
} dotl_flags[] = {
    {O_WRONLY, 01},
    {O_RDWR, 02},
    {O_CREAT, 0100},
    {O_EXCL, 0200},
    {O_NOCTTY, 0400},
    {O_TRUNC, 01000},
    {O_APPEND, 02000},
    {O_NONBLOCK, 04000},
    {O_DSYNC, 010000},
    {O_ASYNC, 020000},
    {O_DIRECT, 040000},
    {O_DIRECTORY, 0200000},
    {O_NOFOLLOW, 0400000},
    {O_NOATIME, 01000000},
    {O_CLOEXEC, 02000000},
    {O_SYNC, 04000000},
};

static uint32_t
wire_flags(uint32_t flags)
{
	uint32_t w = 0;

	for (size_t i = 0; i < sizeof(dotl_flags) / sizeof(dotl_flags[0]); i++)
		if (dotl_flags[i].host != 0 &&
		    (flags & dotl_flags[i].host) == dotl_flags[i].host)
			w |= dotl_flags[i].wire;
	return w;
}

/* Linux open flags -> Topen/Tcreate mode. */
static uint8_t
omode_from_flags(const struct p9c *c, uint32_t flags)
{
	uint8_t m;

	switch (flags & O_ACCMODE) {
	case O_WRONLY:
		m = P9_OWRITE;
		break;
	case O_RDWR:
		m = P9_ORDWR;
		break;
	default:
		m = P9_OREAD;
		break;
	}
	if (flags & O_TRUNC)
		m |= P9_OTRUNC;
	if ((flags & O_APPEND) && c->dialect == P9_V_2000U)
		m |= P9_OAPPEND;
	return m;
}

/* Linux permission bits -> 9P2000 perm (set-id bits only in .u). */
static uint32_t
perm_from_mode(const struct p9c *c, uint32_t mode)
{
	uint32_t p = mode & 0777;

	if (c->dialect == P9_V_2000U) {
		if (mode & S_ISUID)
			p |= P9_DMSETUID;
		if (mode & S_ISGID)
			p |= P9_DMSETGID;
		if (mode & S_ISVTX)
			p |= P9_DMSETVTX;
	}
	return p;
}

int
p9c_open(struct p9c *c, uint32_t fid, uint32_t flags, struct p9_qid *qid,
    uint32_t *iounit)
{
	struct p9_msg tx, rx;
	void *frame;
	int r;

	memset(&tx, 0, sizeof(tx));
	if (is_dotl(c)) {
		tx.type = P9_TLOPEN;
		tx.tlopen.fid = fid;
		tx.tlopen.flags = wire_flags(flags);
	} else {
		tx.type = P9_TOPEN;
		tx.topen.fid = fid;
		tx.topen.mode = omode_from_flags(c, flags);
	}
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	/* Rlopen and Ropen have the same body */
	if (is_dotl(c)) {
		if (qid != NULL)
			*qid = rx.rlopen.qid;
		if (iounit != NULL)
			*iounit = rx.rlopen.iounit;
		p9c_fid_set_iounit(c, fid, rx.rlopen.iounit);
	} else {
		if (qid != NULL)
			*qid = rx.ropen.qid;
		if (iounit != NULL)
			*iounit = rx.ropen.iounit;
		p9c_fid_set_iounit(c, fid, rx.ropen.iounit);
	}
	free(frame);
	return 0;
}

/* Tcreate with perm, mode and (in .u) extension. */
static int
tcreate(struct p9c *c, uint32_t fid, const char *name, uint32_t perm,
    uint8_t omode, const char *ext, struct p9_qid *qid, uint32_t *iounit)
{
	struct p9_msg tx, rx;
	void *frame;
	int r;

	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TCREATE;
	tx.tcreate.fid = fid;
	tx.tcreate.perm = perm;
	tx.tcreate.mode = omode;
	r = p9c_str(name, &tx.tcreate.name);
	if (r == 0)
		r = p9c_str(ext, &tx.tcreate.extension);
	if (r < 0)
		return r;
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	if (qid != NULL)
		*qid = rx.rcreate.qid;
	if (iounit != NULL)
		*iounit = rx.rcreate.iounit;
	p9c_fid_set_iounit(c, fid, rx.rcreate.iounit);
	free(frame);
	return 0;
}

int
p9c_create(struct p9c *c, uint32_t fid, const char *name, uint32_t flags,
    uint32_t mode, uint32_t gid, struct p9_qid *qid, uint32_t *iounit)
{
	struct p9_msg tx, rx;
	void *frame;
	int r;

	if (!is_dotl(c))
		return tcreate(c, fid, name, perm_from_mode(c, mode),
		    omode_from_flags(c, flags), NULL, qid, iounit);
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TLCREATE;
	tx.tlcreate.fid = fid;
	tx.tlcreate.flags = wire_flags(flags);
	tx.tlcreate.mode = mode & 07777;
	tx.tlcreate.gid = gid;
	r = p9c_str(name, &tx.tlcreate.name);
	if (r < 0)
		return r;
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	if (qid != NULL)
		*qid = rx.rlcreate.qid;
	if (iounit != NULL)
		*iounit = rx.rlcreate.iounit;
	p9c_fid_set_iounit(c, fid, rx.rlcreate.iounit);
	free(frame);
	return 0;
}

/*
 * 9P2000/.u: make a special file (directory, symlink, hard link) with a
 * Tcreate on a clone of dfid, which the create turns into the new file.
 */
static int
create_special(struct p9c *c, uint32_t dfid, const char *name, uint32_t perm,
    const char *ext, struct p9_qid *qid)
{
	uint32_t tmp;
	int r;

	r = p9c_walk(c, dfid, 0, NULL, &tmp, NULL);
	if (r < 0)
		return r;
	r = tcreate(c, tmp, name, perm, P9_OREAD, ext, qid, NULL);
	(void)p9c_clunk(c, tmp);
	return r;
}

int
p9c_mkdir(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode,
    uint32_t gid, struct p9_qid *qid)
{
	struct p9_msg tx, rx;
	void *frame;
	int r;

	if (!is_dotl(c))
		return create_special(c, dfid, name,
		    P9_DMDIR | perm_from_mode(c, mode), NULL, qid);
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TMKDIR;
	tx.tmkdir.dfid = dfid;
	tx.tmkdir.mode = mode & 07777;
	tx.tmkdir.gid = gid;
	r = p9c_str(name, &tx.tmkdir.name);
	if (r < 0)
		return r;
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	if (qid != NULL)
		*qid = rx.rmkdir.qid;
	free(frame);
	return 0;
}

int
p9c_unlinkat(struct p9c *c, uint32_t dfid, const char *name, uint32_t flags)
{
	struct p9_msg tx;
	int r;

	if (!is_dotl(c))
		return -EOPNOTSUPP;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TUNLINKAT;
	tx.tunlinkat.dirfd = dfid;
	tx.tunlinkat.flags = flags;
	r = p9c_str(name, &tx.tunlinkat.name);
	if (r < 0)
		return r;
	return rpc_noreply(c, &tx);
}

int
p9c_unlink(struct p9c *c, uint32_t dfid, const char *name, uint32_t flags)
{
	const char *names[1] = {name};
	struct p9_qid qid;
	uint32_t f;
	int r;

	if (is_dotl(c) && !c->no_unlinkat) {
		r = p9c_unlinkat(c, dfid, name, flags);
		if (r != -EOPNOTSUPP)
			return r;
		c->no_unlinkat = true;
	}
	r = p9c_walk(c, dfid, 1, names, &f, &qid);
	if (r < 0)
		return r;
	/* Tremove does not know unlink's file/directory distinction */
	if ((flags & P9_AT_REMOVEDIR) && !(qid.type & P9_QTDIR)) {
		(void)p9c_clunk(c, f);
		return -ENOTDIR;
	}
	if (!(flags & P9_AT_REMOVEDIR) && (qid.type & P9_QTDIR)) {
		(void)p9c_clunk(c, f);
		return -EISDIR;
	}
	return p9c_remove(c, f);
}

int
p9c_renameat(struct p9c *c, uint32_t olddfid, const char *oldname,
    uint32_t newdfid, const char *newname)
{
	struct p9_msg tx;
	int r;

	if (!is_dotl(c))
		return -EOPNOTSUPP;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TRENAMEAT;
	tx.trenameat.olddirfid = olddfid;
	tx.trenameat.newdirfid = newdfid;
	r = p9c_str(oldname, &tx.trenameat.oldname);
	if (r == 0)
		r = p9c_str(newname, &tx.trenameat.newname);
	if (r < 0)
		return r;
	return rpc_noreply(c, &tx);
}

int
p9c_rename(struct p9c *c, uint32_t fid, uint32_t dfid, const char *name)
{
	struct p9_msg tx;
	int r;

	if (!is_dotl(c))
		return -EOPNOTSUPP;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TRENAME;
	tx.trename.fid = fid;
	tx.trename.dfid = dfid;
	r = p9c_str(name, &tx.trename.name);
	if (r < 0)
		return r;
	return rpc_noreply(c, &tx);
}

/* 9P2000/.u: are two directory fids the same directory? */
static int
same_dir(struct p9c *c, uint32_t a, uint32_t b)
{
	struct p9c_attr aa, ab;
	int r;

	if (a == b)
		return 1;
	r = p9c_getattr(c, a, P9_GETATTR_BASIC, &aa);
	if (r == 0)
		r = p9c_getattr(c, b, P9_GETATTR_BASIC, &ab);
	if (r < 0)
		return r;
	return aa.qid.path == ab.qid.path && aa.qid.type == ab.qid.type;
}

int
p9c_move(struct p9c *c, uint32_t olddfid, const char *oldname, uint32_t newdfid,
    const char *newname)
{
	const char *names[1] = {oldname};
	uint32_t f;
	int r;

	if (is_dotl(c) && !c->no_renameat) {
		r = p9c_renameat(c, olddfid, oldname, newdfid, newname);
		if (r != -EOPNOTSUPP)
			return r;
		c->no_renameat = true;
	}
	if (!is_dotl(c)) {
		r = same_dir(c, olddfid, newdfid);
		if (r < 0)
			return r;
		if (r == 0)
			return -EXDEV;
	}
	r = p9c_walk(c, olddfid, 1, names, &f, NULL);
	if (r < 0)
		return r;
	if (is_dotl(c))
		r = p9c_rename(c, f, newdfid, newname);
	else {
		struct p9_stat st;

		p9c_stat_dont_touch(&st);
		r = p9c_str(newname, &st.name);
		if (r == 0)
			r = p9c_wstat(c, f, &st);
	}
	(void)p9c_clunk(c, f);
	return r;
}

int
p9c_symlink(struct p9c *c, uint32_t dfid, const char *name, const char *target,
    uint32_t gid, struct p9_qid *qid)
{
	struct p9_msg tx, rx;
	void *frame;
	int r;

	if (c->dialect == P9_V_2000U)
		return create_special(
		    c, dfid, name, P9_DMSYMLINK | 0777, target, qid);
	if (!is_dotl(c))
		return -EOPNOTSUPP;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TSYMLINK;
	tx.tsymlink.fid = dfid;
	tx.tsymlink.gid = gid;
	r = p9c_str(name, &tx.tsymlink.name);
	if (r == 0)
		r = p9c_str(target, &tx.tsymlink.symtgt);
	if (r < 0)
		return r;
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	if (qid != NULL)
		*qid = rx.rsymlink.qid;
	free(frame);
	return 0;
}

ssize_t
p9c_readlink(struct p9c *c, uint32_t fid, char *buf, size_t len)
{
	struct p9_msg tx, rx;
	const struct p9_str *t;
	void *frame;
	struct p9_stat st;
	ssize_t n;
	int r;

	if (c->dialect == P9_V_2000U) {
		r = p9c_stat(c, fid, &st, &frame);
		if (r < 0)
			return r;
		if (!(st.mode & P9_DMSYMLINK)) {
			free(frame);
			return -EINVAL;
		}
		t = &st.extension;
	} else if (is_dotl(c)) {
		memset(&tx, 0, sizeof(tx));
		tx.type = P9_TREADLINK;
		tx.treadlink.fid = fid;
		r = p9c_rpc(c, &tx, &rx, &frame);
		if (r < 0)
			return r;
		t = &rx.rreadlink.target;
	} else
		return -EOPNOTSUPP;
	p9c_strlcpy(buf, len, t);
	n = t->len;
	free(frame);
	return n;
}

int
p9c_link(struct p9c *c, uint32_t dfid, uint32_t fid, const char *name)
{
	struct p9_msg tx;
	int r;

	if (c->dialect == P9_V_2000U) {
		char ext[16];

		/* 9P2000.u names the link's target by its fid number */
		snprintf(ext, sizeof(ext), "%u\n", (unsigned)fid);
		return create_special(c, dfid, name, P9_DMLINK, ext, NULL);
	}
	if (!is_dotl(c))
		return -EOPNOTSUPP;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TLINK;
	tx.tlink.dfid = dfid;
	tx.tlink.fid = fid;
	r = p9c_str(name, &tx.tlink.name);
	if (r < 0)
		return r;
	return rpc_noreply(c, &tx);
}

int
p9c_mknod(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode,
    uint32_t major, uint32_t minor, uint32_t gid, struct p9_qid *qid)
{
	struct p9_msg tx, rx;
	void *frame;
	int r;

	if (!is_dotl(c))
		return -EOPNOTSUPP;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TMKNOD;
	tx.tmknod.dfid = dfid;
	tx.tmknod.mode = mode;
	tx.tmknod.major = major;
	tx.tmknod.minor = minor;
	tx.tmknod.gid = gid;
	r = p9c_str(name, &tx.tmknod.name);
	if (r < 0)
		return r;
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	if (qid != NULL)
		*qid = rx.rmknod.qid;
	free(frame);
	return 0;
}

int
p9c_statfs(struct p9c *c, uint32_t fid, struct p9_rstatfs *st)
{
	struct p9_msg tx, rx;
	void *frame;
	int r;

	if (!is_dotl(c))
		return -EOPNOTSUPP;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TSTATFS;
	tx.tstatfs.fid = fid;
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	*st = rx.rstatfs;
	free(frame);
	return 0;
}

int
p9c_fsync(struct p9c *c, uint32_t fid, bool datasync)
{
	struct p9_msg tx;

	if (!is_dotl(c)) {
		struct p9_stat st;

		p9c_stat_dont_touch(&st);
		return p9c_wstat(c, fid, &st);
	}
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TFSYNC;
	tx.tfsync.fid = fid;
	tx.tfsync.datasync = datasync ? 1 : 0;
	return rpc_noreply(c, &tx);
}
