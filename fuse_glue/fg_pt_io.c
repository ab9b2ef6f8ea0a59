/* SPDX-License-Identifier: MIT */
/*
 * ninegate-passthrough: open files, directories and locks (open, create,
 * read, write, flush, release, fsync, opendir, readdir, readdirplus,
 * releasedir, fsyncdir, getlk, setlk, flock).
 *
 * Every syscall that can wait for someone else (opening or reading a FIFO,
 * a blocking lock, I/O on a hung file system) runs inside an
 * interruptible region (fg_pt_block_*), so FUSE_INTERRUPT ends it with
 * EINTR. POSIX locks are taken as open-file-description locks on the
 * handle's descriptor: a blocking one waits here, in the backend. Names and
 * attributes are in fg_pt_ops.c.
 */
#include "fg_pt_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* Largest READ/READDIR buffer we allocate; a shorter reply is legal. */
#define PT_IO_MAX (4u << 20)

/* Run call, retrying after EINTR until the request is interrupted. */
#define PT_BLOCKING(req, res, call)                                            \
	do {                                                                   \
		struct fg_pt_block blk_;                                       \
		fg_pt_block_begin(&blk_, (req));                               \
		for (;;) {                                                     \
			if (fg_pt_block_interrupted(&blk_)) {                  \
				(res) = -EINTR;                                \
				break;                                         \
			}                                                      \
			(res) = (call);                                        \
			if ((res) < 0)                                         \
				(res) = -errno;                                \
			if ((res) != -EINTR)                                   \
				break;                                         \
		}                                                              \
		fg_pt_block_end(&blk_);                                        \
	} while (0)

static bool
wants_write(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
}

/* Hand fd to the peer as a handle. */
static void
reply_open_fd(fuse_req_t req, struct fuse_file_info *fi, int fd, mode_t type)
{
	int err;

	fi->fh = fg_pt_handle_new(fd, type, NULL, &err);
	if (err != 0) {
		close(fd);
		fuse_reply_err(req, -err);
		return;
	}
	if (type != S_IFREG) {
		/* FIFOs, sockets, devices: no caching, no seeking. */
		fi->direct_io = 1;
		fi->nonseekable = 1;
	}
	if (fuse_reply_open(req, fi) != 0)
		fg_pt_handle_release(fi->fh);
}

/* fg_pt_reopen as a ssize_t call for PT_BLOCKING, errno set on failure */
static ssize_t
reopen_call(struct fg_pt_node *n, int flags)
{
	int fd = fg_pt_reopen(n, flags);

	if (fd < 0) {
		errno = -fd;
		return -1;
	}
	return fd;
}

void
fg_pt_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fg_pt_node *n;
	ssize_t fd;
	mode_t type;

	if (fg_pt_conf.read_only && wants_write(fi->flags)) {
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
	type = n->type;
	if ((type == S_IFCHR || type == S_IFBLK) && !fg_pt_conf.allow_devices)
		fd = -EPERM;
	else
		PT_BLOCKING(req, fd, reopen_call(n, fi->flags));
	fg_pt_node_put(n);
	if (fd < 0)
		fuse_reply_err(req, (int)-fd);
	else
		reply_open_fd(req, fi, (int)fd, type);
}

struct pt_create {
	int dirfd;
	const char *name;
	int flags;
	mode_t mode;
};

static ssize_t
create_call(const struct pt_create *c)
{
	int fd = fg_pt_open_beneath(c->dirfd, c->name, c->flags, c->mode);

	if (fd < 0) {
		errno = -fd;
		return -1;
	}
	return fd;
}

void
fg_pt_op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
    mode_t mode, struct fuse_file_info *fi)
{
	struct fg_pt_node *p;
	struct pt_create c;
	struct fuse_entry_param e;
	struct stat st;
	uint64_t id = 0;
	ssize_t fd;
	int err;

	memset(&e, 0, sizeof(e));
	memset(&st, 0, sizeof(st));
	if (fg_pt_as_caller(req) != 0)
		return;
	err = fg_pt_check_name(name);
	if (err == 0 && fg_pt_conf.read_only)
		err = -EROFS;
	p = err == 0 ? fg_pt_node_get(parent) : NULL;
	if (err == 0 && p == NULL)
		err = -ESTALE;
	if (err != 0) {
		fuse_reply_err(req, -err);
		return;
	}
	c.dirfd = p->fd;
	c.name = name;
	c.flags =
	    (fi->flags & (O_ACCMODE | O_APPEND | O_TRUNC | O_EXCL | O_NONBLOCK |
	                     O_DSYNC | O_SYNC | O_LARGEFILE)) |
	    O_CREAT | O_NOFOLLOW;
	c.mode = mode & 07777 & ~fuse_req_ctx(req)->umask;
	/* An existing FIFO under that name opens (and may block) instead. */
	PT_BLOCKING(req, fd, create_call(&c));
	if (fd >= 0) {
		err = fg_pt_do_lookup(p, name, &id, &e.attr);
		/* The name must still be what we opened. */
		if (err == 0 &&
		    (fstat((int)fd, &st) == -1 || st.st_dev != e.attr.st_dev ||
		        st.st_ino != e.attr.st_ino)) {
			fg_pt_forget(id, 1);
			err = -EIO;
		}
		if (err != 0) {
			close((int)fd);
			fd = err;
		}
	}
	fg_pt_node_put(p);
	if (fd < 0) {
		fuse_reply_err(req, (int)-fd);
		return;
	}
	fi->fh = fg_pt_handle_new((int)fd, st.st_mode & S_IFMT, NULL, &err);
	if (err != 0) {
		close((int)fd);
		fg_pt_forget(id, 1);
		fuse_reply_err(req, -err);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		fi->direct_io = 1;
		fi->nonseekable = 1;
	}
	e.ino = id;
	e.generation = 0;
	e.attr_timeout = fg_pt_conf.timeout;
	e.entry_timeout = fg_pt_conf.timeout;
	if (fuse_reply_create(req, &e, fi) != 0) {
		fg_pt_handle_release(fi->fh);
		fg_pt_forget(id, 1);
	}
}

void
fg_pt_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	struct fg_pt_handle *h;
	char *buf;
	ssize_t n;

	if (fg_pt_as_caller(req) != 0)
		return;
	h = fg_pt_handle_get(fi->fh);
	if (h == NULL) {
		fuse_reply_err(req, EBADF);
		return;
	}
	if (size > PT_IO_MAX)
		size = PT_IO_MAX;
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		n = -ENOMEM;
	else if (h->type == S_IFREG || h->type == S_IFBLK)
		PT_BLOCKING(req, n, pread(h->fd, buf, size, off));
	else
		PT_BLOCKING(req, n, read(h->fd, buf, size));
	fg_pt_handle_put(h);
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_buf(req, buf, (size_t)n);
	free(buf);
}

void
fg_pt_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
    off_t off, struct fuse_file_info *fi)
{
	struct fg_pt_handle *h;
	ssize_t n;

	if (fg_pt_conf.read_only) {
		fuse_reply_err(req, EROFS);
		return;
	}
	/* As the caller: a write by anyone but the owner (and root) clears
	 * suid/sgid only without CAP_FSETID. */
	if (fg_pt_as_caller(req) != 0)
		return;
	h = fg_pt_handle_get(fi->fh);
	if (h == NULL) {
		fuse_reply_err(req, EBADF);
		return;
	}
	if (h->type == S_IFREG || h->type == S_IFBLK)
		PT_BLOCKING(req, n, pwrite(h->fd, buf, size, off));
	else
		PT_BLOCKING(req, n, write(h->fd, buf, size));
	fg_pt_handle_put(h);
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_write(req, (size_t)n);
}

void
fg_pt_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fg_pt_handle *h;
	int fd, err = 0;

	if (fg_pt_as_caller(req) != 0)
		return;
	h = fg_pt_handle_get(fi->fh);
	if (h == NULL) {
		fuse_reply_err(req, EBADF);
		return;
	}
	/* Closing a duplicate reports deferred write errors (NFS and the
	 * like) without giving up the handle. */
	fd = dup(h->fd);
	if (fd == -1 || close(fd) == -1)
		err = errno;
	fg_pt_handle_put(h);
	fuse_reply_err(req, err);
}

void
fg_pt_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fg_pt_handle_release(fi->fh);
	fuse_reply_err(req, 0);
}

static void
do_fsync(fuse_req_t req, struct fuse_file_info *fi, int datasync)
{
	struct fg_pt_handle *h;
	ssize_t r;

	if (fg_pt_as_caller(req) != 0)
		return;
	h = fi ? fg_pt_handle_get(fi->fh) : NULL;
	if (h == NULL) {
		fuse_reply_err(req, EBADF);
		return;
	}
	if (datasync)
		PT_BLOCKING(req, r, fdatasync(h->fd));
	else
		PT_BLOCKING(req, r, fsync(h->fd));
	fg_pt_handle_put(h);
	fuse_reply_err(req, (int)-r);
}

void
fg_pt_op_fsync(
    fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	do_fsync(req, fi, datasync);
}

void
fg_pt_op_fsyncdir(
    fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	do_fsync(req, fi, datasync);
}

/* ---------------------------------------------------------- directories */

void
fg_pt_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fg_pt_node *n;
	DIR *dir = NULL;
	int fd, err = 0;

	if (fg_pt_as_caller(req) != 0)
		return;
	n = fg_pt_node_get(ino);
	if (n == NULL) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	if (n->type != S_IFDIR)
		fd = -ENOTDIR;
	else
		fd = fg_pt_reopen(n, O_RDONLY | O_DIRECTORY);
	fg_pt_node_put(n);
	if (fd >= 0) {
		dir = fdopendir(fd);
		if (dir == NULL) {
			err = -errno;
			close(fd);
		}
	} else {
		err = fd;
	}
	if (err == 0) {
		fi->fh = fg_pt_handle_new(fd, S_IFDIR, dir, &err);
		if (err != 0)
			closedir(dir);
	}
	if (err != 0) {
		fuse_reply_err(req, -err);
		return;
	}
	if (fuse_reply_open(req, fi) != 0)
		fg_pt_handle_release(fi->fh);
}

/* Lookups handed out in one READDIRPLUS reply, undone if it is not sent. */
struct pt_ids {
	uint64_t *v;
	size_t n, cap;
};

static int
ids_add(struct pt_ids *ids, uint64_t id)
{
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 64;
		uint64_t *v = realloc(ids->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		ids->v = v;
		ids->cap = cap;
	}
	ids->v[ids->n++] = id;
	return 0;
}

static void
ids_forget(struct pt_ids *ids)
{
	for (size_t i = 0; i < ids->n; i++)
		fg_pt_forget(ids->v[i], 1);
}

static bool
is_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/*
 * Fill one entry at buf+pos. Returns its size (possibly more than room:
 * then nothing was added), 0 to skip the entry, or a negative errno.
 */
static ssize_t
add_entry(fuse_req_t req, struct fg_pt_node *dn, struct pt_ids *ids, bool plus,
    char *buf, size_t room, const struct dirent *de, off_t next)
{
	struct fuse_entry_param e;
	size_t len;
	int err;

	memset(&e, 0, sizeof(e));
	e.attr.st_ino = de->d_ino;
	e.attr.st_mode = DTTOIF(de->d_type);
	if (!plus)
		return (ssize_t)fuse_add_direntry(
		    req, buf, room, de->d_name, &e.attr, next);
	if (!is_dot(de->d_name)) {
		/* "." and ".." carry node id 0: no lookup is counted for
		 * them, as the Linux client expects. */
		err = fg_pt_do_lookup(dn, de->d_name, &e.ino, &e.attr);
		if (err == -ENOENT)
			return 0; /* removed since getdents */
		if (err != 0)
			return err;
		e.attr_timeout = fg_pt_conf.timeout;
		e.entry_timeout = fg_pt_conf.timeout;
	}
	len = fuse_add_direntry_plus(req, buf, room, de->d_name, &e, next);
	if (e.ino != 0) {
		if (len > room)
			fg_pt_forget(e.ino, 1);
		else if ((err = ids_add(ids, e.ino)) != 0) {
			fg_pt_forget(e.ino, 1);
			return err;
		}
	}
	return (ssize_t)len;
}

static void
do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi, bool plus)
{
	struct fg_pt_handle *h;
	struct fg_pt_node *dn;
	struct pt_ids ids = {NULL, 0, 0};
	char *buf = NULL;
	size_t pos = 0;
	int err = 0;

	/* READDIRPLUS looks entries up: as the caller. */
	if (fg_pt_as_caller(req) != 0)
		return;
	h = fg_pt_handle_get(fi->fh);
	dn = plus ? fg_pt_node_get(ino) : NULL;
	if (h == NULL || h->dir == NULL || (plus && dn == NULL)) {
		fg_pt_handle_put(h);
		fg_pt_node_put(dn);
		fuse_reply_err(
		    req, h == NULL || h->dir == NULL ? EBADF : ESTALE);
		return;
	}
	if (size > PT_IO_MAX)
		size = PT_IO_MAX;
	buf = malloc(size ? size : 1);
	if (buf == NULL) {
		err = -ENOMEM;
		goto out;
	}
	pthread_mutex_lock(&h->lock);
	if (off != h->dir_pos) {
		if (off == 0)
			rewinddir(h->dir);
		else
			seekdir(h->dir, off);
		h->dir_pos = off;
	}
	for (;;) {
		struct dirent *de;
		ssize_t len;
		off_t next;

		errno = 0;
		de = readdir(h->dir);
		if (de == NULL) {
			if (errno != 0 && pos == 0)
				err = -errno;
			break;
		}
		next = telldir(h->dir);
		len = add_entry(
		    req, dn, &ids, plus, buf + pos, size - pos, de, next);
		if (len < 0) {
			if (pos == 0)
				err = (int)len;
			/* The stream is past an entry not sent. */
			h->dir_pos = -1;
			break;
		}
		if ((size_t)len > size - pos) {
			h->dir_pos = -1;
			break;
		}
		pos += (size_t)len;
		h->dir_pos = next;
	}
	pthread_mutex_unlock(&h->lock);
out:
	fg_pt_handle_put(h);
	fg_pt_node_put(dn);
	if (err != 0) {
		ids_forget(&ids);
		fuse_reply_err(req, -err);
	} else if (fuse_reply_buf(req, buf, pos) != 0) {
		ids_forget(&ids);
	}
	free(ids.v);
	free(buf);
}

void
fg_pt_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, fi, false);
}

void
fg_pt_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, fi, true);
}

void
fg_pt_op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fg_pt_handle_release(fi->fh);
	fuse_reply_err(req, 0);
}

/* ---------------------------------------------------------------- locks */

void
fg_pt_op_getlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
    struct flock *lock)
{
	struct fg_pt_handle *h;
	struct flock l = *lock;
	int err = 0;

	if (fg_pt_as_caller(req) != 0)
		return;
	h = fg_pt_handle_get(fi->fh);
	if (h == NULL) {
		fuse_reply_err(req, EBADF);
		return;
	}
	l.l_pid = 0; /* required for OFD locks */
	if (fcntl(h->fd, F_OFD_GETLK, &l) == -1)
		err = errno;
	fg_pt_handle_put(h);
	if (err != 0)
		fuse_reply_err(req, err);
	else
		fuse_reply_lock(req, &l);
}

void
fg_pt_op_setlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
    struct flock *lock, int sleep)
{
	struct fg_pt_handle *h;
	struct flock l = *lock;
	ssize_t r;

	if (fg_pt_as_caller(req) != 0)
		return;
	h = fg_pt_handle_get(fi->fh);
	if (h == NULL) {
		fuse_reply_err(req, EBADF);
		return;
	}
	l.l_pid = 0;
	if (sleep && l.l_type != F_UNLCK)
		PT_BLOCKING(req, r, fcntl(h->fd, F_OFD_SETLKW, &l));
	else
		r = fcntl(h->fd, F_OFD_SETLK, &l) == -1 ? -errno : 0;
	fg_pt_handle_put(h);
	fuse_reply_err(req, (int)-r);
}

void
fg_pt_op_flock(
    fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, int op)
{
	struct fg_pt_handle *h;
	ssize_t r;

	if (fg_pt_as_caller(req) != 0)
		return;
	h = fg_pt_handle_get(fi->fh);
	if (h == NULL) {
		fuse_reply_err(req, EBADF);
		return;
	}
	if (op & LOCK_NB || (op & LOCK_UN))
		r = flock(h->fd, op) == -1 ? -errno : 0;
	else
		PT_BLOCKING(req, r, flock(h->fd, op));
	fg_pt_handle_put(h);
	fuse_reply_err(req, (int)-r);
}
