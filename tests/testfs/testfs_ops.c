/* SPDX-License-Identifier: MIT */
/*
 * testfs: name and attribute operations (lookup, forget, getattr,
 * setattr, readlink, mknod, mkdir, symlink, link, unlink, rmdir, rename)
 * and the frame every operation runs in; files, directories, xattrs and
 * locks are in testfs_io.c.
 *
 * Every operation runs under t_lock and first passes t_gate (the --error
 * and --block rules). Lookups are counted per node (entry replies,
 * READDIRPLUS entries; FORGET takes them back) and open handles globally,
 * for the report. Deliberately simple: no permission checks, nodes stay
 * allocated until exit (an unlinked node keeps answering by its id),
 * POSIX locks are whole ranges (an unlock removes every overlapping lock
 * of that owner, it never splits one), no flock.
 */
#include "testfs_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

/* ----------------------------------------------------------- op frame */

/* Lock, find the node and pass the gate. Returns the node or NULL after
 * replying with the error (the lock is held either way). */
struct t_node *
t_begin(fuse_req_t req, fuse_ino_t ino, uint32_t opcode)
{
	struct t_node *n;
	int err;

	pthread_mutex_lock(&t_lock);
	n = t_node_find(ino);
	if (n == NULL) {
		fuse_reply_err(req, ESTALE);
		return NULL;
	}
	err = t_gate(req, opcode, n->name);
	if (err != 0) {
		fuse_reply_err(req, -err);
		return NULL;
	}
	return n;
}

/* The same for ops on a name in directory parent. */
struct t_node *
t_begin_name(
    fuse_req_t req, fuse_ino_t parent, const char *name, uint32_t opcode)
{
	struct t_node *d;
	int err;

	pthread_mutex_lock(&t_lock);
	d = t_node_find(parent);
	if (d == NULL) {
		fuse_reply_err(req, ESTALE);
		return NULL;
	}
	if (!S_ISDIR(d->mode)) {
		fuse_reply_err(req, ENOTDIR);
		return NULL;
	}
	err = t_gate(req, opcode, name);
	if (err == 0 && (strchr(name, '/') != NULL || *name == '\0' ||
	                    strcmp(name, ".") == 0 || strcmp(name, "..") == 0))
		err = -EINVAL;
	if (err == 0 && strlen(name) > 255)
		err = -ENAMETOOLONG;
	if (err != 0) {
		fuse_reply_err(req, -err);
		return NULL;
	}
	return d;
}

void
t_end(void)
{
	pthread_mutex_unlock(&t_lock);
}

void
t_reply_err_end(fuse_req_t req, int err)
{
	fuse_reply_err(req, err);
	t_end();
}

/* ------------------------------------------------------------ entries */

void
t_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct t_node *d = t_begin_name(req, parent, name, FUSE_LOOKUP);
	ssize_t i;

	if (d == NULL) {
		t_end();
		return;
	}
	i = t_dir_find(d, name);
	if (i < 0) {
		t_reply_err_end(req, ENOENT);
		return;
	}
	t_reply_entry(req, t_nodes[d->ents[i].id]);
	t_end();
}

void
t_forget_one(uint64_t id, uint64_t nlookup)
{
	struct t_node *n = t_node_find(id);

	if (n != NULL)
		n->nlookup -= nlookup < n->nlookup ? nlookup : n->nlookup;
}

/* The lookups were already dropped as the message arrived (testfs_chan.c). */
void
t_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	fuse_reply_none(req);
}

void
t_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *f)
{
	fuse_reply_none(req);
}

void
t_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct t_node *n = t_begin(req, ino, FUSE_GETATTR);
	struct stat st;

	if (n != NULL) {
		t_fill_stat(n, &st);
		fuse_reply_attr(req, &st, t_conf.timeout);
	}
	t_end();
}

void
t_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
    struct fuse_file_info *fi)
{
	struct t_node *n = t_begin(req, ino, FUSE_SETATTR);
	struct stat st;
	int err = 0;

	if (n == NULL) {
		t_end();
		return;
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		if (S_ISDIR(n->mode))
			err = -EISDIR;
		else if (!S_ISREG(n->mode))
			err = -EINVAL;
		else if (n->generated)
			err = -EPERM;
		else if ((uint64_t)attr->st_size > T_IO_MAX * 16ULL)
			err = -EFBIG;
		else
			err = t_resize(n, (size_t)attr->st_size);
		if (err != 0) {
			t_reply_err_end(req, -err);
			return;
		}
		t_now(&n->mtime);
	}
	if (to_set & FUSE_SET_ATTR_MODE)
		n->mode = (n->mode & S_IFMT) | (attr->st_mode & 07777);
	if (to_set & FUSE_SET_ATTR_UID)
		n->uid = attr->st_uid;
	if (to_set & FUSE_SET_ATTR_GID)
		n->gid = attr->st_gid;
	if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		t_now(&n->atime);
	else if (to_set & FUSE_SET_ATTR_ATIME)
		n->atime = attr->st_atim;
	if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		t_now(&n->mtime);
	else if (to_set & FUSE_SET_ATTR_MTIME)
		n->mtime = attr->st_mtim;
	t_now(&n->ctime);
	t_fill_stat(n, &st);
	fuse_reply_attr(req, &st, t_conf.timeout);
	t_end();
}

void
t_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct t_node *n = t_begin(req, ino, FUSE_READLINK);

	if (n == NULL) {
		t_end();
		return;
	}
	if (!S_ISLNK(n->mode)) {
		t_reply_err_end(req, EINVAL);
		return;
	}
	fuse_reply_readlink(req, n->data);
	t_end();
}

/* Create a node named name in d; reply with its entry. */
static void
make_node(fuse_req_t req, struct t_node *d, const char *name, mode_t mode,
    dev_t rdev, const char *target)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct t_node *n;

	if (t_dir_find(d, name) >= 0) {
		t_reply_err_end(req, EEXIST);
		return;
	}
	n = t_node_new(mode, ctx->uid, ctx->gid, d->id, name);
	if (n == NULL || (target && t_set_data(n, target, strlen(target))) ||
	    t_dir_add(d, name, n->id) != 0) {
		t_reply_err_end(req, ENOMEM);
		return;
	}
	n->rdev = rdev;
	if (S_ISDIR(mode))
		d->nlink++;
	t_reply_entry(req, n);
	t_end();
}

void
t_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
    dev_t rdev)
{
	struct t_node *d = t_begin_name(req, parent, name, FUSE_MKNOD);
	mode_t type = mode & S_IFMT;

	if (d == NULL) {
		t_end();
		return;
	}
	if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK &&
	    type != S_IFCHR && type != S_IFBLK) {
		t_reply_err_end(req, EINVAL);
		return;
	}
	make_node(req, d, name,
	    type | (mode & 07777 & ~fuse_req_ctx(req)->umask), rdev, NULL);
}

void
t_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct t_node *d = t_begin_name(req, parent, name, FUSE_MKDIR);

	if (d == NULL) {
		t_end();
		return;
	}
	make_node(req, d, name,
	    S_IFDIR | (mode & 07777 & ~fuse_req_ctx(req)->umask), 0, NULL);
}

void
t_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	struct t_node *d = t_begin_name(req, parent, name, FUSE_SYMLINK);

	if (d == NULL) {
		t_end();
		return;
	}
	make_node(req, d, name, S_IFLNK | 0777, 0, link);
}

void
t_link(
    fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	struct t_node *d = t_begin_name(req, newparent, newname, FUSE_LINK);
	struct t_node *n;

	if (d == NULL) {
		t_end();
		return;
	}
	n = t_node_find(ino);
	if (n == NULL) {
		t_reply_err_end(req, ESTALE);
		return;
	}
	if (S_ISDIR(n->mode)) {
		t_reply_err_end(req, EPERM);
		return;
	}
	if (t_dir_find(d, newname) >= 0) {
		t_reply_err_end(req, EEXIST);
		return;
	}
	if (t_dir_add(d, newname, n->id) != 0) {
		t_reply_err_end(req, ENOMEM);
		return;
	}
	n->nlink++;
	t_now(&n->ctime);
	t_reply_entry(req, n);
	t_end();
}

static void
remove_entry(fuse_req_t req, fuse_ino_t parent, const char *name, bool dir)
{
	struct t_node *d =
	    t_begin_name(req, parent, name, dir ? FUSE_RMDIR : FUSE_UNLINK);
	struct t_node *n;
	ssize_t i;

	if (d == NULL) {
		t_end();
		return;
	}
	i = t_dir_find(d, name);
	if (i < 0) {
		t_reply_err_end(req, ENOENT);
		return;
	}
	n = t_nodes[d->ents[i].id];
	if (dir && !S_ISDIR(n->mode)) {
		t_reply_err_end(req, ENOTDIR);
		return;
	}
	if (!dir && S_ISDIR(n->mode)) {
		t_reply_err_end(req, EISDIR);
		return;
	}
	if (dir && n->nents != 0) {
		t_reply_err_end(req, ENOTEMPTY);
		return;
	}
	t_dir_del(d, (size_t)i);
	if (dir) {
		n->nlink = 0;
		d->nlink--;
	} else {
		n->nlink--;
	}
	t_now(&n->ctime);
	t_reply_err_end(req, 0);
}

void
t_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_entry(req, parent, name, false);
}

void
t_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_entry(req, parent, name, true);
}

/* Is a the directory d or one of its ancestors? */
static bool
is_ancestor(const struct t_node *a, const struct t_node *d)
{
	for (;;) {
		if (a == d)
			return true;
		if (d->id == FUSE_ROOT_ID)
			return false;
		d = t_nodes[d->parent];
	}
}

static void
moved(
    struct t_node *n, struct t_node *from, struct t_node *to, const char *name)
{
	char *dup = strdup(name);

	if (dup != NULL) {
		free(n->name);
		n->name = dup;
	}
	if (S_ISDIR(n->mode) && from != to) {
		from->nlink--;
		to->nlink++;
		n->parent = to->id;
	}
	t_now(&n->ctime);
}

void
t_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
    fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct t_node *d = t_begin_name(req, parent, name, FUSE_RENAME);
	struct t_node *nd, *sn, *dn = NULL;
	ssize_t si, di;

	if (d == NULL) {
		t_end();
		return;
	}
	nd = t_node_find(newparent);
	if (nd == NULL) {
		t_reply_err_end(req, ESTALE);
		return;
	}
	if (!S_ISDIR(nd->mode)) {
		t_reply_err_end(req, ENOTDIR);
		return;
	}
	if (strchr(newname, '/') || !strcmp(newname, ".") ||
	    !strcmp(newname, "..") || !*newname ||
	    (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))) {
		t_reply_err_end(req, EINVAL);
		return;
	}
	si = t_dir_find(d, name);
	if (si < 0) {
		t_reply_err_end(req, ENOENT);
		return;
	}
	sn = t_nodes[d->ents[si].id];
	di = t_dir_find(nd, newname);
	if (di >= 0)
		dn = t_nodes[nd->ents[di].id];
	if (S_ISDIR(sn->mode) && is_ancestor(sn, nd)) {
		t_reply_err_end(req, EINVAL);
		return;
	}
	if (flags & RENAME_EXCHANGE) {
		if (dn == NULL) {
			t_reply_err_end(req, ENOENT);
			return;
		}
		if (S_ISDIR(dn->mode) && is_ancestor(dn, d)) {
			t_reply_err_end(req, EINVAL);
			return;
		}
		d->ents[si].id = dn->id;
		nd->ents[di].id = sn->id;
		moved(sn, d, nd, newname);
		moved(dn, nd, d, name);
		{
			t_reply_err_end(req, 0);
			return;
		}
	}
	if (dn != NULL && (flags & RENAME_NOREPLACE)) {
		t_reply_err_end(req, EEXIST);
		return;
	}
	if (dn == sn) {
		t_reply_err_end(req, 0);
		return;
	}
	if (dn != NULL) {
		if (S_ISDIR(dn->mode) && !S_ISDIR(sn->mode)) {
			t_reply_err_end(req, EISDIR);
			return;
		}
		if (!S_ISDIR(dn->mode) && S_ISDIR(sn->mode)) {
			t_reply_err_end(req, ENOTDIR);
			return;
		}
		if (S_ISDIR(dn->mode) && dn->nents != 0) {
			t_reply_err_end(req, ENOTEMPTY);
			return;
		}
		t_dir_del(nd, (size_t)di);
		if (S_ISDIR(dn->mode)) {
			dn->nlink = 0;
			nd->nlink--;
		} else {
			dn->nlink--;
		}
		/* t_dir_del moved entries: find the source again */
		si = t_dir_find(d, name);
	}
	if (t_dir_add(nd, newname, sn->id) != 0) {
		t_reply_err_end(req, ENOMEM);
		return;
	}
	t_dir_del(d, (size_t)si);
	moved(sn, d, nd, newname);
	t_reply_err_end(req, 0);
}
