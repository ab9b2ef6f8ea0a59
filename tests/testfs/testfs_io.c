/* SPDX-License-Identifier: MIT */
/*
 * testfs: FUSE operations on open files, directories, xattrs and locks,
 * and the operation table (name and attribute operations are in
 * testfs_ops.c).
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

/* --------------------------------------------------------------- files */

static void
open_common(fuse_req_t req, struct t_node *n, struct fuse_file_info *fi)
{
	if ((fi->flags & O_TRUNC) && S_ISREG(n->mode) && !n->generated &&
	    (fi->flags & O_ACCMODE) != O_RDONLY)
		n->size = 0;
	fi->fh = n->id;
	t_open_handles++;
	if (fuse_reply_open(req, fi) != 0)
		t_open_handles--;
}

static void
t_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct t_node *n = t_begin(req, ino, FUSE_OPEN);

	if (n == NULL) {
		t_end();
		return;
	}
	if (S_ISLNK(n->mode)) {
		t_reply_err_end(req, ELOOP);
		return;
	}
	if (n->generated && (fi->flags & O_ACCMODE) != O_RDONLY) {
		t_reply_err_end(req, EACCES);
		return;
	}
	open_common(req, n, fi);
	t_end();
}

static void
t_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
    struct fuse_file_info *fi)
{
	struct t_node *d = t_begin_name(req, parent, name, FUSE_CREATE);
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct fuse_entry_param e;
	struct t_node *n;
	ssize_t i;

	if (d == NULL) {
		t_end();
		return;
	}
	i = t_dir_find(d, name);
	if (i >= 0) {
		if (fi->flags & O_EXCL) {
			t_reply_err_end(req, EEXIST);
			return;
		}
		n = t_nodes[d->ents[i].id];
		if (S_ISDIR(n->mode)) {
			t_reply_err_end(req, EISDIR);
			return;
		}
	} else {
		n = t_node_new(S_IFREG | (mode & 07777 & ~ctx->umask), ctx->uid,
		    ctx->gid, d->id, name);
		if (n == NULL || t_dir_add(d, name, n->id) != 0) {
			t_reply_err_end(req, ENOMEM);
			return;
		}
	}
	if ((fi->flags & O_TRUNC) && !n->generated)
		n->size = 0;
	memset(&e, 0, sizeof(e));
	e.ino = n->id;
	t_fill_stat(n, &e.attr);
	e.attr_timeout = t_conf.timeout;
	e.entry_timeout = t_conf.timeout;
	fi->fh = n->id;
	n->nlookup++;
	t_open_handles++;
	if (fuse_reply_create(req, &e, fi) != 0) {
		n->nlookup--;
		t_open_handles--;
	}
	t_end();
}

static void
t_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	struct t_node *n = t_begin(req, ino, FUSE_READ);
	uint64_t fsize;
	char *buf;
	size_t len;

	if (n == NULL) {
		t_end();
		return;
	}
	if (S_ISDIR(n->mode)) {
		t_reply_err_end(req, EISDIR);
		return;
	}
	if (off < 0) {
		t_reply_err_end(req, EINVAL);
		return;
	}
	if (size > T_IO_MAX)
		size = T_IO_MAX;
	fsize = n->generated ? t_conf.big_size : n->size;
	len = (uint64_t)off >= fsize ? 0
	                             : (fsize - (uint64_t)off < size
	                                       ? (size_t)(fsize - (uint64_t)off)
	                                       : size);
	if (!n->generated) {
		fuse_reply_buf(req, n->data + (len ? off : 0), len);
		{
			t_end();
			return;
		}
	}
	buf = malloc(len ? len : 1);
	if (buf == NULL) {
		t_reply_err_end(req, ENOMEM);
		return;
	}
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(((uint64_t)off + i) % 251);
	fuse_reply_buf(req, buf, len);
	free(buf);
	t_end();
}

static void
t_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	struct t_node *n = t_begin(req, ino, FUSE_WRITE);

	if (n == NULL) {
		t_end();
		return;
	}
	if (!S_ISREG(n->mode)) {
		t_reply_err_end(req, S_ISDIR(n->mode) ? EISDIR : EINVAL);
		return;
	}
	if (n->generated) {
		t_reply_err_end(req, EPERM);
		return;
	}
	if (fi->flags & O_APPEND)
		off = (off_t)n->size;
	if (off < 0 || (uint64_t)off + size > T_IO_MAX * 16ULL) {
		t_reply_err_end(req, EFBIG);
		return;
	}
	if ((size_t)off + size > n->size &&
	    t_resize(n, (size_t)off + size) != 0) {
		t_reply_err_end(req, ENOMEM);
		return;
	}
	memcpy(n->data + off, buf, size);
	t_now(&n->mtime);
	n->ctime = n->mtime;
	fuse_reply_write(req, size);
	t_end();
}

static void
drop_locks(struct t_node *n, uint64_t owner, uint64_t start, uint64_t last)
{
	size_t j = 0;

	for (size_t i = 0; i < n->nlks; i++) {
		struct t_lk *l = &n->lks[i];

		if (l->owner == owner && l->start <= last && start <= l->end)
			continue;
		n->lks[j++] = *l;
	}
	if (j != n->nlks)
		pthread_cond_broadcast(&t_wake);
	n->nlks = j;
}

static void
t_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct t_node *n = t_begin(req, ino, FUSE_FLUSH);

	if (n == NULL) {
		t_end();
		return;
	}
	drop_locks(n, fi->lock_owner, 0, UINT64_MAX);
	t_reply_err_end(req, 0);
}

static void
t_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct t_node *n = t_begin(req, ino, FUSE_RELEASE);

	/* The handle is gone whatever the gate said. */
	t_open_handles--;
	if (n != NULL) {
		drop_locks(n, fi->lock_owner, 0, UINT64_MAX);
		fuse_reply_err(req, 0);
	}
	t_end();
}

static void
t_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	if (t_begin(req, ino, FUSE_FSYNC) != NULL)
		fuse_reply_err(req, 0);
	t_end();
}

/* --------------------------------------------------------- directories */

static void
t_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct t_node *n = t_begin(req, ino, FUSE_OPENDIR);

	if (n == NULL) {
		t_end();
		return;
	}
	if (!S_ISDIR(n->mode)) {
		t_reply_err_end(req, ENOTDIR);
		return;
	}
	open_common(req, n, fi);
	t_end();
}

static void
do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, bool plus)
{
	struct t_node *d =
	    t_begin(req, ino, plus ? FUSE_READDIRPLUS : FUSE_READDIR);
	struct fuse_entry_param e;
	size_t pos = 0, nids = 0;
	uint64_t *ids;
	char *buf;

	if (d == NULL) {
		t_end();
		return;
	}
	if (!S_ISDIR(d->mode)) {
		t_reply_err_end(req, ENOTDIR);
		return;
	}
	if (size > T_IO_MAX)
		size = T_IO_MAX;
	buf = malloc(size ? size : 1);
	ids = calloc(d->nents + 1, sizeof(*ids));
	if (buf == NULL || ids == NULL) {
		free(buf);
		free(ids);
		{
			t_reply_err_end(req, ENOMEM);
			return;
		}
	}
	for (size_t i = 0; i < d->nents + 2; i++) {
		const char *name;
		struct t_node *n;
		uint64_t cookie;
		size_t len;

		if (i == 0) {
			name = ".";
			n = d;
			cookie = 1;
		} else if (i == 1) {
			name = "..";
			n = t_nodes[d->parent];
			cookie = 2;
		} else {
			name = d->ents[i - 2].name;
			n = t_nodes[d->ents[i - 2].id];
			cookie = d->ents[i - 2].cookie;
		}
		if (cookie <= (uint64_t)off)
			continue;
		memset(&e, 0, sizeof(e));
		t_fill_stat(n, &e.attr);
		if (!plus) {
			len = fuse_add_direntry(req, buf + pos, size - pos,
			    name, &e.attr, (off_t)cookie);
		} else {
			/* "." and ".." get node id 0: no lookup counted */
			if (i >= 2) {
				e.ino = n->id;
				e.attr_timeout = t_conf.timeout;
				e.entry_timeout = t_conf.timeout;
			}
			len = fuse_add_direntry_plus(req, buf + pos, size - pos,
			    name, &e, (off_t)cookie);
		}
		if (len > size - pos)
			break;
		pos += len;
		if (plus && e.ino != 0) {
			n->nlookup++;
			ids[nids++] = n->id;
		}
	}
	if (fuse_reply_buf(req, buf, pos) != 0) {
		for (size_t i = 0; i < nids; i++)
			t_forget_one(ids[i], 1);
	}
	free(ids);
	free(buf);
	t_end();
}

static void
t_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, false);
}

static void
t_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, true);
}

static void
t_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct t_node *n = t_begin(req, ino, FUSE_RELEASEDIR);

	t_open_handles--;
	if (n != NULL)
		fuse_reply_err(req, 0);
	t_end();
}

static void
t_fsyncdir(
    fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	if (t_begin(req, ino, FUSE_FSYNCDIR) != NULL)
		fuse_reply_err(req, 0);
	t_end();
}

static void
t_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;

	if (t_begin(req, ino, FUSE_STATFS) == NULL) {
		t_end();
		return;
	}
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = 4096;
	sv.f_frsize = 4096;
	sv.f_blocks = 1 << 20;
	sv.f_bfree = 1 << 19;
	sv.f_bavail = 1 << 19;
	sv.f_files = 1 << 16;
	sv.f_ffree = (1 << 16) - t_nnodes;
	sv.f_favail = sv.f_ffree;
	sv.f_namemax = 255;
	fuse_reply_statfs(req, &sv);
	t_end();
}

/* -------------------------------------------------------------- xattrs */

static ssize_t
xa_find(const struct t_node *n, const char *name)
{
	for (size_t i = 0; i < n->nxa; i++)
		if (strcmp(n->xa[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

static void
t_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
    size_t size, int flags)
{
	struct t_node *n = t_begin(req, ino, FUSE_SETXATTR);
	struct t_xattr *v;
	char *val;
	ssize_t i;

	if (n == NULL) {
		t_end();
		return;
	}
	i = xa_find(n, name);
	if (i >= 0 && (flags & XATTR_CREATE)) {
		t_reply_err_end(req, EEXIST);
		return;
	}
	if (i < 0 && (flags & XATTR_REPLACE)) {
		t_reply_err_end(req, ENODATA);
		return;
	}
	val = malloc(size ? size : 1);
	if (val == NULL) {
		t_reply_err_end(req, ENOMEM);
		return;
	}
	memcpy(val, value, size);
	if (i < 0) {
		v = realloc(n->xa, (n->nxa + 1) * sizeof(*v));
		if (v == NULL || (v[n->nxa].name = strdup(name)) == NULL) {
			if (v != NULL)
				n->xa = v;
			free(val);
			{
				t_reply_err_end(req, ENOMEM);
				return;
			}
		}
		n->xa = v;
		i = (ssize_t)n->nxa++;
	} else {
		free(n->xa[i].val);
	}
	n->xa[i].val = val;
	n->xa[i].len = size;
	t_reply_err_end(req, 0);
}

static void
t_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct t_node *n = t_begin(req, ino, FUSE_GETXATTR);
	ssize_t i;

	if (n == NULL) {
		t_end();
		return;
	}
	i = xa_find(n, name);
	if (i < 0) {
		t_reply_err_end(req, ENODATA);
		return;
	}
	if (size == 0)
		fuse_reply_xattr(req, n->xa[i].len);
	else if (size < n->xa[i].len)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, n->xa[i].val, n->xa[i].len);
	t_end();
}

static void
t_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct t_node *n = t_begin(req, ino, FUSE_LISTXATTR);
	size_t len = 0, pos = 0;
	char *buf;

	if (n == NULL) {
		t_end();
		return;
	}
	for (size_t i = 0; i < n->nxa; i++)
		len += strlen(n->xa[i].name) + 1;
	if (size == 0) {
		fuse_reply_xattr(req, len);
		{
			t_end();
			return;
		}
	}
	if (size < len) {
		t_reply_err_end(req, ERANGE);
		return;
	}
	buf = malloc(len ? len : 1);
	if (buf == NULL) {
		t_reply_err_end(req, ENOMEM);
		return;
	}
	for (size_t i = 0; i < n->nxa; i++) {
		size_t l = strlen(n->xa[i].name) + 1;

		memcpy(buf + pos, n->xa[i].name, l);
		pos += l;
	}
	fuse_reply_buf(req, buf, len);
	free(buf);
	t_end();
}

static void
t_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct t_node *n = t_begin(req, ino, FUSE_REMOVEXATTR);
	ssize_t i;

	if (n == NULL) {
		t_end();
		return;
	}
	i = xa_find(n, name);
	if (i < 0) {
		t_reply_err_end(req, ENODATA);
		return;
	}
	free(n->xa[i].name);
	free(n->xa[i].val);
	n->xa[i] = n->xa[--n->nxa];
	t_reply_err_end(req, 0);
}

/* --------------------------------------------------------------- locks */

static void
lock_range(const struct flock *fl, uint64_t *start, uint64_t *last)
{
	*start = (uint64_t)fl->l_start;
	*last = fl->l_len == 0
	            ? UINT64_MAX
	            : (uint64_t)fl->l_start + (uint64_t)fl->l_len - 1;
}

struct lk_query {
	struct t_node *n;
	uint64_t owner, start, last;
	short type;
};

static struct t_lk *
lk_conflict(const struct lk_query *q)
{
	for (size_t i = 0; i < q->n->nlks; i++) {
		struct t_lk *l = &q->n->lks[i];

		if (l->owner != q->owner && l->start <= q->last &&
		    q->start <= l->end &&
		    (l->type == F_WRLCK || q->type == F_WRLCK))
			return l;
	}
	return NULL;
}

static bool
lk_free_cb(void *arg)
{
	return lk_conflict(arg) == NULL;
}

static void
t_getlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
    struct flock *lock)
{
	struct t_node *n = t_begin(req, ino, FUSE_GETLK);
	struct lk_query q;
	struct t_lk *l;
	struct flock out = *lock;

	if (n == NULL) {
		t_end();
		return;
	}
	q.n = n;
	q.owner = fi->lock_owner;
	q.type = lock->l_type;
	lock_range(lock, &q.start, &q.last);
	l = lk_conflict(&q);
	if (l == NULL) {
		out.l_type = F_UNLCK;
	} else {
		out.l_type = l->type;
		out.l_start = (off_t)l->start;
		out.l_len =
		    l->end == UINT64_MAX ? 0 : (off_t)(l->end - l->start + 1);
		out.l_pid = l->pid;
	}
	fuse_reply_lock(req, &out);
	t_end();
}

static void
t_setlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
    struct flock *lock, int sleep)
{
	struct t_node *n = t_begin(req, ino, FUSE_SETLK);
	struct lk_query q;
	struct t_lk *v;
	int err;

	if (n == NULL) {
		t_end();
		return;
	}
	q.n = n;
	q.owner = fi->lock_owner;
	q.type = lock->l_type;
	lock_range(lock, &q.start, &q.last);
	if (lock->l_type == F_UNLCK) {
		drop_locks(n, q.owner, q.start, q.last);
		{
			t_reply_err_end(req, 0);
			return;
		}
	}
	if (lk_conflict(&q) != NULL) {
		if (!sleep) {
			t_reply_err_end(req, EAGAIN);
			return;
		}
		err = t_wait(req, -1, lk_free_cb, &q);
		if (err != 0) {
			t_eintr++;
			{
				t_reply_err_end(req, -err);
				return;
			}
		}
	}
	drop_locks(n, q.owner, q.start, q.last);
	v = realloc(n->lks, (n->nlks + 1) * sizeof(*v));
	if (v == NULL) {
		t_reply_err_end(req, ENOMEM);
		return;
	}
	n->lks = v;
	v[n->nlks].owner = q.owner;
	v[n->nlks].type = q.type;
	v[n->nlks].start = q.start;
	v[n->nlks].end = q.last;
	v[n->nlks].pid = lock->l_pid;
	n->nlks++;
	t_reply_err_end(req, 0);
}

/* ----------------------------------------------------------- lifecycle */

static void t_init_cb(void *userdata, struct fuse_conn_info *conn);
static void t_destroy_cb(void *userdata);

static void
t_init_cb(void *userdata, struct fuse_conn_info *conn)
{
	conn->want &=
	    ~(unsigned)(FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE |
	                FUSE_CAP_SPLICE_MOVE | FUSE_CAP_WRITEBACK_CACHE);
	if (conn->capable & FUSE_CAP_READDIRPLUS)
		conn->want |= FUSE_CAP_READDIRPLUS;
}

static void
t_destroy_cb(void *userdata)
{
	t_write_report();
}

const struct fuse_lowlevel_ops t_ops = {
    .init = t_init_cb,
    .destroy = t_destroy_cb,
    .lookup = t_lookup,
    .forget = t_forget,
    .forget_multi = t_forget_multi,
    .getattr = t_getattr,
    .setattr = t_setattr,
    .readlink = t_readlink,
    .mknod = t_mknod,
    .mkdir = t_mkdir,
    .unlink = t_unlink,
    .rmdir = t_rmdir,
    .symlink = t_symlink,
    .rename = t_rename,
    .link = t_link,
    .open = t_open,
    .read = t_read,
    .write = t_write,
    .flush = t_flush,
    .release = t_release,
    .fsync = t_fsync,
    .opendir = t_opendir,
    .readdir = t_readdir,
    .releasedir = t_releasedir,
    .fsyncdir = t_fsyncdir,
    .statfs = t_statfs,
    .setxattr = t_setxattr,
    .getxattr = t_getxattr,
    .listxattr = t_listxattr,
    .removexattr = t_removexattr,
    .create = t_create,
    .getlk = t_getlk,
    .setlk = t_setlk,
    .readdirplus = t_readdirplus,
};
