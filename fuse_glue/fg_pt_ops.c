/* SPDX-License-Identifier: MIT */
/*
 * ninegate-passthrough: operations on names and attributes (lookup,
 * forget, getattr/setattr, readlink, mknod, mkdir, unlink, rmdir, symlink,
 * rename, link, statfs, xattrs).
 *
 * Every name is checked to be one component and every call is relative to
 * a node's O_PATH descriptor, so nothing can reach outside the export.
 * Open files, directories and locks are in fg_pt_io.c.
 */
#include "fg_pt_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* The largest xattr value or list the kernel allows (XATTR_SIZE_MAX). */
#define PT_XATTR_MAX 65536

void
fg_pt_reply_entry(fuse_req_t req, uint64_t nodeid, const struct stat *st)
{
	struct fuse_entry_param e;

	memset(&e, 0, sizeof(e));
	e.ino = nodeid;
	e.attr = *st;
	e.attr_timeout = fg_pt_conf.timeout;
	e.entry_timeout = fg_pt_conf.timeout;
	/* A reply the peer did not take (it gave up on the request) counts
	 * no lookup. */
	if (fuse_reply_entry(req, &e) != 0)
		fg_pt_forget(nodeid, 1);
}

static void
reply_attr(fuse_req_t req, const struct stat *st)
{
	fuse_reply_attr(req, st, fg_pt_conf.timeout);
}

/* Resolve parent and check name: returns the parent with a reference, or
 * NULL after replying with the error. */
static struct fg_pt_node *
parent_and_name(
    fuse_req_t req, fuse_ino_t parent, const char *name, bool mutation)
{
	struct fg_pt_node *p;
	int err = fg_pt_check_name(name);

	/* Every op with a parent and a name comes here first. */
	if (fg_pt_as_caller(req) != 0)
		return NULL;
	if (err == 0 && mutation && fg_pt_conf.read_only)
		err = -EROFS;
	if (err != 0) {
		fuse_reply_err(req, -err);
		return NULL;
	}
	p = fg_pt_node_get(parent);
	if (p == NULL)
		fuse_reply_err(req, ESTALE);
	else if (p->type != S_IFDIR) {
		fg_pt_node_put(p);
		fuse_reply_err(req, ENOTDIR);
		return NULL;
	}
	return p;
}

/* Finish a creating op: look the new name up and reply with its entry. */
static void
reply_new_entry(fuse_req_t req, struct fg_pt_node *p, const char *name, int err)
{
	struct stat st;
	uint64_t id;

	if (err == 0)
		err = fg_pt_do_lookup(p, name, &id, &st);
	fg_pt_node_put(p);
	if (err != 0)
		fuse_reply_err(req, -err);
	else
		fg_pt_reply_entry(req, id, &st);
}

void
fg_pt_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fg_pt_node *p = parent_and_name(req, parent, name, false);

	if (p != NULL)
		reply_new_entry(req, p, name, 0);
}

void
fg_pt_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	fg_pt_forget(ino, nlookup);
	fuse_reply_none(req);
}

void
fg_pt_op_forget_multi(
    fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	for (size_t i = 0; i < count; i++)
		fg_pt_forget(forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

void
fg_pt_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fg_pt_node *n;
	struct fg_pt_handle *h;
	struct stat st;
	int err;

	if (fg_pt_as_caller(req) != 0)
		return;
	n = fg_pt_node_get(ino);
	if (n == NULL) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	h = fi != NULL ? fg_pt_handle_get(fi->fh) : NULL;
	if (h != NULL)
		err = fstat(h->fd, &st) == -1 ? -errno : 0;
	else
		err = fg_pt_stat_fd(n->fd, &st);
	fg_pt_handle_put(h);
	fg_pt_node_put(n);
	if (err != 0)
		fuse_reply_err(req, -err);
	else
		reply_attr(req, &st);
}

static int
setattr_size(struct fg_pt_node *n, struct fg_pt_handle *h, off_t size)
{
	int fd, err;

	if (h != NULL)
		return ftruncate(h->fd, size) == -1 ? -errno : 0;
	if (n->type == S_IFDIR)
		return -EISDIR;
	if (n->type != S_IFREG)
		return -EINVAL;
	fd = fg_pt_reopen(n, O_WRONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	err = ftruncate(fd, size) == -1 ? -errno : 0;
	close(fd);
	return err;
}

static int
setattr_times(struct fg_pt_node *n, struct fg_pt_handle *h,
    const struct stat *attr, int to_set)
{
	struct timespec ts[2];

	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = ts[0];
	if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		ts[0].tv_nsec = UTIME_NOW;
	else if (to_set & FUSE_SET_ATTR_ATIME)
		ts[0] = attr->st_atim;
	if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		ts[1].tv_nsec = UTIME_NOW;
	else if (to_set & FUSE_SET_ATTR_MTIME)
		ts[1] = attr->st_mtim;
	if (h != NULL)
		return futimens(h->fd, ts) == -1 ? -errno : 0;
	return fg_pt_utimens(n, ts);
}

void
fg_pt_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
    struct fuse_file_info *fi)
{
	struct fg_pt_node *n;
	struct fg_pt_handle *h = NULL;
	struct stat st;
	int err = 0;

	if (fg_pt_conf.read_only) {
		fuse_reply_err(req, EROFS);
		return;
	}
	if (fg_pt_as_caller(req) != 0)
		return;
	n = fg_pt_node_get(ino);
	if (n == NULL) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	if (fi != NULL) {
		h = fg_pt_handle_get(fi->fh);
		if (h == NULL)
			err = -EBADF;
	}
	if (err == 0 && (to_set & FUSE_SET_ATTR_MODE)) {
		mode_t mode = attr->st_mode & 07777;

		if (h != NULL)
			err = fchmod(h->fd, mode) == -1 ? -errno : 0;
		else
			err = fg_pt_chmod(n, mode);
	}
	if (err == 0 && (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))) {
		uid_t uid =
		    (to_set & FUSE_SET_ATTR_UID) ? attr->st_uid : (uid_t)-1;
		gid_t gid =
		    (to_set & FUSE_SET_ATTR_GID) ? attr->st_gid : (gid_t)-1;

		if (fchownat(n->fd, "", uid, gid,
		        AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == -1)
			err = -errno;
	}
	if (err == 0 && (to_set & FUSE_SET_ATTR_SIZE))
		err = setattr_size(n, h, attr->st_size);
	if (err == 0 &&
	    (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
	                  FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW)))
		err = setattr_times(n, h, attr, to_set);
	if (err == 0)
		err = fg_pt_stat_fd(n->fd, &st);
	fg_pt_handle_put(h);
	fg_pt_node_put(n);
	if (err != 0)
		fuse_reply_err(req, -err);
	else
		reply_attr(req, &st);
}

void
fg_pt_op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fg_pt_node *n;
	char buf[PATH_MAX + 1];
	ssize_t len;

	if (fg_pt_as_caller(req) != 0)
		return;
	n = fg_pt_node_get(ino);
	if (n == NULL) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	len = readlinkat(n->fd, "", buf, sizeof(buf));
	/* On an O_PATH fd of a non-symlink the kernel says ENOENT;
	 * readlink(2) on such a file says EINVAL. */
	if (len == -1)
		len = errno == ENOENT && !S_ISLNK(n->type) ? -EINVAL : -errno;
	fg_pt_node_put(n);
	if (len < 0)
		fuse_reply_err(req, (int)-len);
	else if ((size_t)len == sizeof(buf))
		fuse_reply_err(req, ENAMETOOLONG);
	else {
		buf[len] = '\0';
		fuse_reply_readlink(req, buf);
	}
}

void
fg_pt_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
    dev_t rdev)
{
	struct fg_pt_node *p;
	mode_t type = mode & S_IFMT;
	int err = 0;

	if (type == S_IFCHR || type == S_IFBLK) {
		if (!fg_pt_conf.allow_devices)
			err = -EPERM;
	} else if (type == S_IFDIR) {
		err = -EPERM;
	} else if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK) {
		err = -EINVAL;
	}
	if (err != 0 && !fg_pt_conf.read_only) {
		fuse_reply_err(req, -err);
		return;
	}
	p = parent_and_name(req, parent, name, true);
	if (p == NULL)
		return;
	mode = type | (mode & 07777 & ~fuse_req_ctx(req)->umask);
	if (mknodat(p->fd, name, mode, rdev) == -1)
		err = -errno;
	reply_new_entry(req, p, name, err);
}

void
fg_pt_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct fg_pt_node *p = parent_and_name(req, parent, name, true);
	int err = 0;

	if (p == NULL)
		return;
	mode = mode & 07777 & ~fuse_req_ctx(req)->umask;
	if (mkdirat(p->fd, name, mode) == -1)
		err = -errno;
	reply_new_entry(req, p, name, err);
}

static void
remove_name(fuse_req_t req, fuse_ino_t parent, const char *name, int flags)
{
	struct fg_pt_node *p = parent_and_name(req, parent, name, true);
	int err = 0;

	if (p == NULL)
		return;
	if (unlinkat(p->fd, name, flags) == -1)
		err = errno;
	fg_pt_node_put(p);
	fuse_reply_err(req, err);
}

void
fg_pt_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_name(req, parent, name, 0);
}

void
fg_pt_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_name(req, parent, name, AT_REMOVEDIR);
}

void
fg_pt_op_symlink(
    fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	struct fg_pt_node *p = parent_and_name(req, parent, name, true);
	int err = 0;

	if (p == NULL)
		return;
	/* The target is only text: the backend never follows it. */
	if (symlinkat(link, p->fd, name) == -1)
		err = -errno;
	reply_new_entry(req, p, name, err);
}

void
fg_pt_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
    fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct fg_pt_node *p, *np;
	int err = 0;

	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	err = fg_pt_check_name(newname);
	if (err != 0) {
		fuse_reply_err(req, -err);
		return;
	}
	p = parent_and_name(req, parent, name, true);
	if (p == NULL)
		return;
	np = fg_pt_node_get(newparent);
	if (np == NULL || np->type != S_IFDIR) {
		fuse_reply_err(req, np == NULL ? ESTALE : ENOTDIR);
		fg_pt_node_put(np);
		fg_pt_node_put(p);
		return;
	}
	if (renameat2(p->fd, name, np->fd, newname, flags) == -1) {
		err = errno;
	} else {
		fg_pt_node_moved(np, newname);
		if (flags & RENAME_EXCHANGE)
			fg_pt_node_moved(p, name);
	}
	fg_pt_node_put(np);
	fg_pt_node_put(p);
	fuse_reply_err(req, err);
}

void
fg_pt_op_link(
    fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	struct fg_pt_node *n,
	    *np = parent_and_name(req, newparent, newname, true);
	char num[16];
	int err = 0;

	if (np == NULL)
		return;
	n = fg_pt_node_get(ino);
	if (n == NULL) {
		fg_pt_node_put(np);
		fuse_reply_err(req, ESTALE);
		return;
	}
	/* n is a node of the export, so the link can only be to an inode
	 * already inside it. AT_EMPTY_PATH needs Linux 6.10 (or
	 * CAP_DAC_READ_SEARCH); otherwise follow the /proc magic link. */
	if (linkat(n->fd, "", np->fd, newname, AT_EMPTY_PATH) == -1) {
		err = -errno;
		if ((err == -ENOENT || err == -EPERM) &&
		    fg_pt_conf.proc_fd >= 0) {
			snprintf(num, sizeof(num), "%d", n->fd);
			err = linkat(fg_pt_conf.proc_fd, num, np->fd, newname,
			          AT_SYMLINK_FOLLOW) == -1
			          ? -errno
			          : 0;
		}
	}
	fg_pt_node_put(n);
	reply_new_entry(req, np, newname, err);
}

void
fg_pt_op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct fg_pt_node *n;
	struct statvfs sv;
	int err = 0;

	if (fg_pt_as_caller(req) != 0)
		return;
	n = fg_pt_node_get(ino);
	if (n == NULL) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	if (fstatvfs(n->fd, &sv) == -1)
		err = errno;
	fg_pt_node_put(n);
	if (err != 0)
		fuse_reply_err(req, err);
	else
		fuse_reply_statfs(req, &sv);
}

void
fg_pt_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
    const char *value, size_t size, int flags)
{
	struct fg_pt_node *n;
	int err;

	if (fg_pt_conf.read_only) {
		fuse_reply_err(req, EROFS);
		return;
	}
	if (fg_pt_as_caller(req) != 0)
		return;
	n = fg_pt_node_get(ino);
	if (n == NULL) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	err = fg_pt_setxattr(n, name, value, size, flags);
	fg_pt_node_put(n);
	fuse_reply_err(req, -err);
}

void
fg_pt_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct fg_pt_node *n;
	char *buf = NULL;
	ssize_t r;

	if (fg_pt_as_caller(req) != 0)
		return;
	n = fg_pt_node_get(ino);
	if (n == NULL) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	if (size > PT_XATTR_MAX)
		size = PT_XATTR_MAX;
	if (size != 0 && (buf = malloc(size)) == NULL)
		r = -ENOMEM;
	else
		r = fg_pt_getxattr(n, name, buf, size);
	fg_pt_node_put(n);
	if (r < 0)
		fuse_reply_err(req, (int)-r);
	else if (size == 0)
		fuse_reply_xattr(req, (size_t)r);
	else
		fuse_reply_buf(req, buf, (size_t)r);
	free(buf);
}

void
fg_pt_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct fg_pt_node *n;
	char *buf = NULL;
	ssize_t r;

	if (fg_pt_as_caller(req) != 0)
		return;
	n = fg_pt_node_get(ino);
	if (n == NULL) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	if (size > PT_XATTR_MAX)
		size = PT_XATTR_MAX;
	if (size != 0 && (buf = malloc(size)) == NULL)
		r = -ENOMEM;
	else
		r = fg_pt_listxattr(n, buf, size);
	fg_pt_node_put(n);
	if (r < 0)
		fuse_reply_err(req, (int)-r);
	else if (size == 0)
		fuse_reply_xattr(req, (size_t)r);
	else
		fuse_reply_buf(req, buf, (size_t)r);
	free(buf);
}

void
fg_pt_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct fg_pt_node *n;
	int err;

	if (fg_pt_conf.read_only) {
		fuse_reply_err(req, EROFS);
		return;
	}
	if (fg_pt_as_caller(req) != 0)
		return;
	n = fg_pt_node_get(ino);
	if (n == NULL) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	err = fg_pt_removexattr(n, name);
	fg_pt_node_put(n);
	fuse_reply_err(req, -err);
}
