/* SPDX-License-Identifier: MIT */
/*
 * ninebench_local: the workloads as plain system calls on a path, for the
 * reference a kernel FUSE mount gives (what dd and a stat loop would do,
 * without their process start-up in the figures). Each thread is one
 * "request in flight"; a unit is one syscall (read/write/fstat), or the
 * calls one file or listing takes (fstatat; open+write+close; getdents64
 * until empty).
 *
 * It does not do the stalling client (that is a 9P matter) and it opens
 * read/write files with O_DIRECT when asked, which is how a mount without
 * page cache (cache=never) is read.
 */
#include "ninebench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const enum t_nb_wl mixed_wl[] = {
    T_NB_READ, T_NB_GETATTR, T_NB_STAT, T_NB_READDIR};

struct nb_local {
	const struct t_nb_opts *o;
	enum t_nb_wl wl;
	struct t_nb_shared *sh;
	struct t_nb_count *cnt;
	bool own;
	uint64_t next;
	int fd; /* the file, or the directory */
	uint8_t *buf;
	size_t buf_len;
	uint64_t total, wrap;
};

static bool
take(struct nb_local *l, uint64_t *idx)
{
	if (l->own) {
		if (l->sh->stop)
			return false;
		*idx = l->next++;
		return true;
	}
	return t_nb_take(l->sh, idx);
}

static int
setup(struct nb_local *l)
{
	const struct t_nb_opts *o = l->o;
	const char *path = o->path;
	int dflag = o->direct ? O_DIRECT : 0;

	if (o->wl == T_NB_MIXED &&
	    (l->wl == T_NB_STAT || l->wl == T_NB_READDIR))
		path = o->dir;
	switch (l->wl) {
	case T_NB_READ:
		l->fd = open(path, O_RDONLY | O_CLOEXEC | dflag);
		break;
	case T_NB_WRITE:
		l->fd = open(path,
		    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | dflag, 0644);
		break;
	case T_NB_GETATTR:
		l->fd = open(path, O_PATH | O_CLOEXEC);
		break;
	default:
		l->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		break;
	}
	if (l->fd < 0) {
		t_nb_warn("%s: %s", path, strerror(errno));
		return -errno;
	}
	l->buf_len = o->bs > 65536 ? o->bs : 65536;
	if (posix_memalign((void **)&l->buf, 4096, l->buf_len) != 0)
		return -ENOMEM;
	memset(l->buf, 0x5a, l->buf_len);
	l->total = o->size ? o->size : l->sh->file_size;
	l->wrap = l->sh->file_size / o->bs * o->bs;
	if (l->wrap == 0)
		l->wrap = o->bs;
	return 0;
}

static int
list_dir(struct nb_local *l)
{
	int fd = openat(l->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	l->cnt->reqs++;
	for (;;) {
		long n = syscall(SYS_getdents64, fd, l->buf, l->buf_len);

		l->cnt->reqs++;
		if (n < 0) {
			int e = -errno;

			close(fd);
			return e;
		}
		if (n == 0)
			break;
		for (long p = 0; p < n;) {
			const struct dirent64 *d =
			    (const struct dirent64 *)(l->buf + p);

			l->cnt->items++;
			p += d->d_reclen;
		}
	}
	close(fd);
	l->cnt->reqs++;
	return 0;
}

static int
one_unit(struct nb_local *l, uint64_t idx)
{
	const struct t_nb_opts *o = l->o;
	char name[256];
	struct stat st;
	ssize_t n;
	int fd;

	switch (l->wl) {
	case T_NB_READ:
	case T_NB_WRITE: {
		uint64_t off = idx * o->bs;
		size_t len = o->bs;

		if (l->own)
			off %= l->wrap;
		else if (off >= l->total)
			return 1;
		else if (l->total - off < len)
			len = (size_t)(l->total - off);
		if (l->wl == T_NB_READ)
			n = pread(l->fd, l->buf, len, (off_t)off);
		else
			n = pwrite(l->fd, l->buf, len, (off_t)off);
		l->cnt->reqs++;
		if (n < 0)
			return -errno;
		l->cnt->bytes += (uint64_t)n;
		return 0;
	}
	case T_NB_GETATTR:
		l->cnt->reqs++;
		return fstat(l->fd, &st) == 0 ? 0 : -errno;
	case T_NB_STAT:
		snprintf(name, sizeof(name), "%s%llu", o->prefix,
		    (unsigned long long)(o->nfiles ? idx % o->nfiles : idx));
		l->cnt->reqs++;
		return fstatat(l->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
		           ? 0
		           : -errno;
	case T_NB_READDIR:
		return list_dir(l);
	case T_NB_CREATE:
		snprintf(name, sizeof(name), "%s%llu", o->prefix,
		    (unsigned long long)idx);
		fd = openat(l->fd, name,
		    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
		n = write(fd, l->buf, 4096);
		if (n < 0) {
			int e = -errno;

			close(fd);
			return e;
		}
		l->cnt->bytes += (uint64_t)n;
		l->cnt->reqs += 3;
		return close(fd) == 0 ? 0 : -errno;
	default:
		return -EINVAL;
	}
}

void
t_nb_local_run(const struct t_nb_opts *o, unsigned index,
    struct t_nb_shared *sh, struct t_nb_count *cnt)
{
	struct nb_local l;
	int err;

	memset(&l, 0, sizeof(l));
	l.o = o;
	l.sh = sh;
	l.cnt = cnt;
	l.fd = -1;
	l.wl = o->wl;
	if (o->wl == T_NB_MIXED) {
		l.wl = mixed_wl[index % 4];
		l.own = true;
	}
	err = l.wl == T_NB_STALL ? -EOPNOTSUPP : setup(&l);
	pthread_barrier_wait(&sh->ready);
	while (err == 0) {
		uint64_t idx;
		int r;

		if (!take(&l, &idx))
			break;
		r = one_unit(&l, idx);
		if (r == 1)
			break;
		if (r < 0) {
			err = r;
			sh->stop = 1;
			break;
		}
		cnt->units++;
	}
	if (err < 0)
		t_nb_warn("%s: thread %u: %s", o->path, index, strerror(-err));
	cnt->err = err;
	pthread_barrier_wait(&sh->done);
	pthread_barrier_wait(&sh->measured);
	if (l.fd >= 0)
		close(l.fd);
	free(l.buf);
}

int
t_nb_local_prepare(const struct t_nb_opts *o, struct t_nb_shared *sh)
{
	struct stat st;

	if (o->wl != T_NB_READ && o->wl != T_NB_MIXED)
		return 0;
	if (stat(o->path, &st) != 0) {
		t_nb_warn("%s: %s", o->path, strerror(errno));
		return -errno;
	}
	sh->file_size = (uint64_t)st.st_size;
	return 0;
}
