/* SPDX-License-Identifier: MIT */
/*
 * ninegate-passthrough: access to the export through descriptors -- name
 * checks, opening beneath a directory without following symlinks,
 * re-opening an O_PATH node for I/O, and attribute/xattr changes on O_PATH
 * nodes.
 *
 * Nothing here builds a path from names: every call is relative to a
 * descriptor of the export and a single checked component. /proc/self/fd
 * is used only when main opened it (fg_pt_conf.proc_fd) and always has a
 * fallback, so a backend without /proc (after pivot_root) still works.
 */
#include "fg_pt_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Syscall numbers newer than the installed headers (same on every
 * architecture using the unified table). */
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#define SYS_getxattrat 464
#define SYS_listxattrat 465
#define SYS_removexattrat 466
#endif

/* struct xattr_args of Linux 6.13 */
struct pt_xattr_args {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

/* ------------------------------------------------------- names, paths */

int
fg_pt_check_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return -EINVAL;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

static atomic_bool no_openat2;

int
fg_pt_open_beneath(int dirfd, const char *name, int flags, mode_t mode)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
	    .resolve =
	        RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
	};
	int fd;

	if (!atomic_load(&no_openat2)) {
		fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS)
			return -errno;
		atomic_store(&no_openat2, true);
	}
	/* Names are single components (fg_pt_check_name), so O_NOFOLLOW on
	 * the one component is the whole of RESOLVE_BENEATH here. */
	fd = openat(dirfd, name, flags | O_CLOEXEC | O_NOFOLLOW, mode);
	return fd >= 0 ? fd : -errno;
}

int
fg_pt_stat_fd(int fd, struct stat *st)
{
	if (fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == -1)
		return -errno;
	return 0;
}

/* Flags a peer may ask for when a file is opened. */
#define PT_OPEN_FLAGS                                                          \
	(O_ACCMODE | O_APPEND | O_TRUNC | O_NONBLOCK | O_DSYNC | O_SYNC |      \
	    O_DIRECTORY | O_LARGEFILE)

int
fg_pt_reopen(struct fg_pt_node *n, int flags)
{
	struct fg_pt_node *parent;
	struct stat st;
	char *name, num[16];
	int fd, err;

	flags &= PT_OPEN_FLAGS;
	if (n->type == S_IFLNK)
		return -ELOOP;
	if (fg_pt_conf.proc_fd >= 0) {
		/* The magic link names exactly the inode we hold, and only
		 * its own permission bits are checked, as for a local open
		 * of a path that was already resolved. */
		snprintf(num, sizeof(num), "%d", n->fd);
		fd = openat(fg_pt_conf.proc_fd, num, flags | O_CLOEXEC);
		return fd >= 0 ? fd : -errno;
	}
	if (n->type == S_IFDIR) {
		/* "." beneath the directory itself needs no /proc (but
		 * search permission on it). */
		fd = openat(n->fd, ".", flags | O_DIRECTORY | O_CLOEXEC);
		return fd >= 0 ? fd : -errno;
	}
	/* No /proc: open by the last known parent and name, and accept it
	 * only if it is still the same inode. */
	err = fg_pt_node_place(n, &parent, &name);
	if (err != 0)
		return err;
	fd = fg_pt_open_beneath(parent->fd, name, flags | O_NOFOLLOW, 0);
	free(name);
	fg_pt_node_put(parent);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) == -1 || st.st_dev != n->dev ||
	    st.st_ino != n->ino) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

static void
proc_path(struct fg_pt_node *n, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", n->fd);
}

int
fg_pt_chmod(struct fg_pt_node *n, mode_t mode)
{
	char num[16];
	int fd, err;

	if (n->type == S_IFLNK)
		return -EOPNOTSUPP;
	if (syscall(SYS_fchmodat2, n->fd, "", mode, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return -errno;
	if (fg_pt_conf.proc_fd >= 0) {
		snprintf(num, sizeof(num), "%d", n->fd);
		if (fchmodat(fg_pt_conf.proc_fd, num, mode, 0) == -1)
			return -errno;
		return 0;
	}
	if (n->type != S_IFREG && n->type != S_IFDIR)
		return -EOPNOTSUPP;
	fd = fg_pt_reopen(n, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	err = fchmod(fd, mode) == -1 ? -errno : 0;
	close(fd);
	return err;
}

int
fg_pt_utimens(struct fg_pt_node *n, const struct timespec ts[2])
{
	char num[16];

	if (utimensat(n->fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	/* Before Linux 5.8 utimensat had no AT_EMPTY_PATH. */
	if ((errno != EINVAL && errno != ENOENT) || fg_pt_conf.proc_fd < 0 ||
	    n->type == S_IFLNK)
		return -errno;
	snprintf(num, sizeof(num), "%d", n->fd);
	if (utimensat(fg_pt_conf.proc_fd, num, ts, 0) == -1)
		return -errno;
	return 0;
}

/*
 * Extended attributes of an O_PATH inode. The *xattrat syscalls (Linux
 * 6.13) refuse an O_PATH descriptor with AT_EMPTY_PATH, but follow the
 * magic link "N" beneath our /proc/self/fd descriptor, which needs no /proc
 * mount at a path. Without them, the /proc/self/fd/N path; without /proc,
 * a re-opened regular file or directory.
 */
static atomic_bool no_xattrat;

enum pt_xop { PT_XGET, PT_XLIST, PT_XSET, PT_XREMOVE };

struct pt_xreq {
	enum pt_xop op;
	const char *name;
	void *buf; /* value in or out, list out */
	size_t size;
	int flags;
};

static ssize_t
xattr_at(int dirfd, const char *num, const struct pt_xreq *x)
{
	struct pt_xattr_args a = {.value = (uintptr_t)x->buf,
	    .size = (uint32_t)x->size,
	    .flags = (uint32_t)x->flags};

	switch (x->op) {
	case PT_XGET:
		return syscall(
		    SYS_getxattrat, dirfd, num, 0, x->name, &a, sizeof(a));
	case PT_XLIST:
		return syscall(SYS_listxattrat, dirfd, num, 0, x->buf, x->size);
	case PT_XSET:
		return syscall(
		    SYS_setxattrat, dirfd, num, 0, x->name, &a, sizeof(a));
	case PT_XREMOVE:
		return syscall(SYS_removexattrat, dirfd, num, 0, x->name);
	}
	return -1;
}

static ssize_t
xattr_path(const char *path, const struct pt_xreq *x)
{
	switch (x->op) {
	case PT_XGET:
		return getxattr(path, x->name, x->buf, x->size);
	case PT_XLIST:
		return listxattr(path, x->buf, x->size);
	case PT_XSET:
		return setxattr(path, x->name, x->buf, x->size, x->flags);
	case PT_XREMOVE:
		return removexattr(path, x->name);
	}
	return -1;
}

static ssize_t
xattr_fd(int fd, const struct pt_xreq *x)
{
	switch (x->op) {
	case PT_XGET:
		return fgetxattr(fd, x->name, x->buf, x->size);
	case PT_XLIST:
		return flistxattr(fd, x->buf, x->size);
	case PT_XSET:
		return fsetxattr(fd, x->name, x->buf, x->size, x->flags);
	case PT_XREMOVE:
		return fremovexattr(fd, x->name);
	}
	return -1;
}

static ssize_t
xattr_do(struct fg_pt_node *n, const struct pt_xreq *x)
{
	char num[16], path[40];
	ssize_t r;
	int fd;

	if (fg_pt_conf.proc_fd >= 0) {
		snprintf(num, sizeof(num), "%d", n->fd);
		if (!atomic_load(&no_xattrat)) {
			r = xattr_at(fg_pt_conf.proc_fd, num, x);
			if (r >= 0 || errno != ENOSYS)
				return r >= 0 ? r : -errno;
			atomic_store(&no_xattrat, true);
		}
		proc_path(n, path, sizeof(path));
		r = xattr_path(path, x);
		return r >= 0 ? r : -errno;
	}
	if (n->type != S_IFREG && n->type != S_IFDIR)
		return -EOPNOTSUPP;
	fd = fg_pt_reopen(n, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	r = xattr_fd(fd, x);
	if (r < 0)
		r = -errno;
	close(fd);
	return r;
}

ssize_t
fg_pt_getxattr(struct fg_pt_node *n, const char *name, void *buf, size_t size)
{
	struct pt_xreq x = {PT_XGET, name, buf, size, 0};

	return xattr_do(n, &x);
}

ssize_t
fg_pt_listxattr(struct fg_pt_node *n, char *buf, size_t size)
{
	struct pt_xreq x = {PT_XLIST, NULL, buf, size, 0};

	return xattr_do(n, &x);
}

int
fg_pt_setxattr(struct fg_pt_node *n, const char *name, const void *val,
    size_t size, int flags)
{
	struct pt_xreq x = {PT_XSET, name, (void *)val, size, flags};

	return (int)xattr_do(n, &x);
}

int
fg_pt_removexattr(struct fg_pt_node *n, const char *name)
{
	struct pt_xreq x = {PT_XREMOVE, name, NULL, 0, 0};

	return (int)xattr_do(n, &x);
}
