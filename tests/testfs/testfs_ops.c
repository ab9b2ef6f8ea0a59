/* SPDX-License-Identifier: MIT */
/*
 * testfs: the in-memory tree and its FUSE low-level operations.
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

#define T_IO_MAX (4u << 20)

struct t_ent {
	char *name;
	uint64_t id;
	uint64_t cookie; /* READDIR offset of the entry after it */
};

struct t_xattr {
	char *name;
	char *val;
	size_t len;
};

struct t_lk {
	uint64_t owner;
	short type;
	uint64_t start, end; /* inclusive */
	pid_t pid;
};

struct t_node {
	uint64_t id;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint32_t nlink;
	dev_t rdev;
	struct timespec atime, mtime, ctime;
	char *data; /* file content or symlink target */
	size_t size, cap;
	bool generated; /* "big": byte at offset o is o % 251 */
	struct t_ent *ents;
	size_t nents, ents_cap;
	uint64_t next_cookie;
	uint64_t parent;
	char *name; /* last name it was linked under */
	uint64_t nlookup;
	struct t_xattr *xa;
	size_t nxa;
	struct t_lk *lks;
	size_t nlks;
};

static struct t_node **nodes; /* by id; [0] unused */
static size_t nnodes, nodes_cap;

static void
now(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

static struct t_node *
node_find(uint64_t id)
{
	return id >= 1 && id < nnodes ? nodes[id] : NULL;
}

static struct t_node *
node_new(mode_t mode, uid_t uid, gid_t gid, uint64_t parent, const char *name)
{
	struct t_node *n;

	if (nnodes == nodes_cap) {
		size_t cap = nodes_cap ? nodes_cap * 2 : 64;
		struct t_node **v = realloc(nodes, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		nodes = v;
		nodes_cap = cap;
		if (nnodes == 0)
			nodes[nnodes++] = NULL;
	}
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->name = strdup(name);
	if (n->name == NULL) {
		free(n);
		return NULL;
	}
	n->id = nnodes;
	n->mode = mode;
	n->uid = uid;
	n->gid = gid;
	n->nlink = S_ISDIR(mode) ? 2 : 1;
	n->parent = parent;
	n->next_cookie = 3; /* 1 and 2 are "." and ".." */
	now(&n->atime);
	n->mtime = n->ctime = n->atime;
	nodes[nnodes++] = n;
	return n;
}

static void
node_free(struct t_node *n)
{
	for (size_t i = 0; i < n->nents; i++)
		free(n->ents[i].name);
	for (size_t i = 0; i < n->nxa; i++) {
		free(n->xa[i].name);
		free(n->xa[i].val);
	}
	free(n->ents);
	free(n->xa);
	free(n->lks);
	free(n->data);
	free(n->name);
	free(n);
}

static ssize_t
dir_find(const struct t_node *d, const char *name)
{
	for (size_t i = 0; i < d->nents; i++)
		if (strcmp(d->ents[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

static int
dir_add(struct t_node *d, const char *name, uint64_t id)
{
	char *dup;

	if (d->nents == d->ents_cap) {
		size_t cap = d->ents_cap ? d->ents_cap * 2 : 16;
		struct t_ent *v = realloc(d->ents, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		d->ents = v;
		d->ents_cap = cap;
	}
	dup = strdup(name);
	if (dup == NULL)
		return -ENOMEM;
	d->ents[d->nents].name = dup;
	d->ents[d->nents].id = id;
	d->ents[d->nents].cookie = d->next_cookie++;
	d->nents++;
	now(&d->mtime);
	d->ctime = d->mtime;
	return 0;
}

static void
dir_del(struct t_node *d, size_t i)
{
	free(d->ents[i].name);
	memmove(&d->ents[i], &d->ents[i + 1],
	    (d->nents - i - 1) * sizeof(d->ents[0]));
	d->nents--;
	now(&d->mtime);
	d->ctime = d->mtime;
}

static int
set_data(struct t_node *n, const char *p, size_t len)
{
	char *v = malloc(len + 1);

	if (v == NULL)
		return -ENOMEM;
	memcpy(v, p, len);
	v[len] = '\0';
	free(n->data);
	n->data = v;
	n->size = len;
	n->cap = len + 1;
	return 0;
}

static int
resize(struct t_node *n, size_t size)
{
	if (size + 1 > n->cap) {
		size_t cap = n->cap ? n->cap : 64;
		char *v;

		while (cap < size + 1)
			cap *= 2;
		v = realloc(n->data, cap);
		if (v == NULL)
			return -ENOMEM;
		n->data = v;
		n->cap = cap;
	}
	if (size > n->size)
		memset(n->data + n->size, 0, size - n->size);
	n->size = size;
	return 0;
}

static void
fill_stat(const struct t_node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->id;
	st->st_mode = n->mode;
	st->st_nlink = n->nlink;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_rdev = n->rdev;
	st->st_size = (off_t)(n->generated ? t_conf.big_size : n->size);
	st->st_blksize = 4096;
	st->st_blocks = (st->st_size + 511) / 512;
	st->st_atim = n->atime;
	st->st_mtim = n->mtime;
	st->st_ctim = n->ctime;
}

/* Reply with n's entry and count the lookup the peer now holds. */
static void
reply_entry(fuse_req_t req, struct t_node *n)
{
	struct fuse_entry_param e;

	memset(&e, 0, sizeof(e));
	e.ino = n->id;
	fill_stat(n, &e.attr);
	e.attr_timeout = t_conf.timeout;
	e.entry_timeout = t_conf.timeout;
	n->nlookup++;
	if (fuse_reply_entry(req, &e) != 0)
		n->nlookup--;
}

const char *
t_node_name(uint64_t id)
{
	struct t_node *n = node_find(id);

	return n != NULL ? n->name : NULL;
}

/* --------------------------------------------------------------- tree */

int
t_tree_init(void)
{
	struct t_node *root, *n;
	uid_t uid = getuid();
	gid_t gid = getgid();

	root = node_new(S_IFDIR | 0755, uid, gid, 1, "/");
	if (root == NULL)
		return -ENOMEM;
	if (t_tree_add("hello", false, "hello\n") != 0 ||
	    t_tree_add("dir", true, NULL) != 0 ||
	    t_tree_add("dir/inner", false, "inner\n") != 0)
		return -ENOMEM;
	n = node_new(S_IFREG | 0444, uid, gid, 1, "big");
	if (n == NULL || dir_add(root, "big", n->id) != 0)
		return -ENOMEM;
	n->generated = true;
	n = node_new(S_IFLNK | 0777, uid, gid, 1, "link");
	if (n == NULL || dir_add(root, "link", n->id) != 0 ||
	    set_data(n, "hello", 5) != 0)
		return -ENOMEM;
	return 0;
}

int
t_tree_add(const char *path, bool dir, const char *content)
{
	struct t_node *d = node_find(FUSE_ROOT_ID), *n;
	char *copy = strdup(path), *name, *slash;
	ssize_t i;
	int err = 0;

	if (copy == NULL)
		return -ENOMEM;
	name = copy;
	while ((slash = strchr(name, '/')) != NULL) {
		*slash = '\0';
		i = dir_find(d, name);
		if (i < 0 || !S_ISDIR(nodes[d->ents[i].id]->mode)) {
			free(copy);
			return -ENOENT;
		}
		d = nodes[d->ents[i].id];
		name = slash + 1;
	}
	if (*name == '\0' || dir_find(d, name) >= 0) {
		free(copy);
		return -EEXIST;
	}
	n = node_new(dir ? S_IFDIR | 0755 : S_IFREG | 0644, getuid(), getgid(),
	    d->id, name);
	if (n == NULL)
		err = -ENOMEM;
	if (err == 0 && content != NULL)
		err = set_data(n, content, strlen(content));
	if (err == 0)
		err = dir_add(d, name, n->id);
	if (err == 0 && dir)
		d->nlink++;
	free(copy);
	return err;
}

void
t_tree_fini(void)
{
	for (size_t i = 1; i < nnodes; i++)
		node_free(nodes[i]);
	free(nodes);
	nodes = NULL;
	nnodes = nodes_cap = 0;
}

void
t_tree_report(FILE *f)
{
	size_t leaked = 0;

	for (size_t i = 2; i < nnodes; i++)
		if (nodes[i]->nlookup > 0)
			leaked++;
	fprintf(f, "nodes_leaked %zu\n", leaked);
	for (size_t i = 2; i < nnodes; i++)
		if (nodes[i]->nlookup > 0)
			fprintf(f, "leaked %zu %s nlookup %llu\n", i,
			    nodes[i]->name,
			    (unsigned long long)nodes[i]->nlookup);
}

/* ----------------------------------------------------------- op frame */

/* Lock, find the node and pass the gate. Returns the node or NULL after
 * replying with the error (the lock is held either way). */
static struct t_node *
begin(fuse_req_t req, fuse_ino_t ino, uint32_t opcode)
{
	struct t_node *n;
	int err;

	pthread_mutex_lock(&t_lock);
	n = node_find(ino);
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
static struct t_node *
begin_name(fuse_req_t req, fuse_ino_t parent, const char *name, uint32_t opcode)
{
	struct t_node *d;
	int err;

	pthread_mutex_lock(&t_lock);
	d = node_find(parent);
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

static void
end(void)
{
	pthread_mutex_unlock(&t_lock);
}

static void
reply_err_end(fuse_req_t req, int err)
{
	fuse_reply_err(req, err);
	end();
}

/* ------------------------------------------------------------ entries */

static void
t_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct t_node *d = begin_name(req, parent, name, FUSE_LOOKUP);
	ssize_t i;

	if (d == NULL) {
		end();
		return;
	}
	i = dir_find(d, name);
	if (i < 0) {
		reply_err_end(req, ENOENT);
		return;
	}
	reply_entry(req, nodes[d->ents[i].id]);
	end();
}

static void
forget_one(uint64_t id, uint64_t nlookup)
{
	struct t_node *n = node_find(id);

	if (n != NULL)
		n->nlookup -= nlookup < n->nlookup ? nlookup : n->nlookup;
}

static void
t_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	pthread_mutex_lock(&t_lock);
	forget_one(ino, nlookup);
	pthread_mutex_unlock(&t_lock);
	fuse_reply_none(req);
}

static void
t_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *f)
{
	pthread_mutex_lock(&t_lock);
	for (size_t i = 0; i < count; i++)
		forget_one(f[i].ino, f[i].nlookup);
	pthread_mutex_unlock(&t_lock);
	fuse_reply_none(req);
}

static void
t_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct t_node *n = begin(req, ino, FUSE_GETATTR);
	struct stat st;

	if (n != NULL) {
		fill_stat(n, &st);
		fuse_reply_attr(req, &st, t_conf.timeout);
	}
	end();
}

static void
t_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
    struct fuse_file_info *fi)
{
	struct t_node *n = begin(req, ino, FUSE_SETATTR);
	struct stat st;
	int err = 0;

	if (n == NULL) {
		end();
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
			err = resize(n, (size_t)attr->st_size);
		if (err != 0) {
			reply_err_end(req, -err);
			return;
		}
		now(&n->mtime);
	}
	if (to_set & FUSE_SET_ATTR_MODE)
		n->mode = (n->mode & S_IFMT) | (attr->st_mode & 07777);
	if (to_set & FUSE_SET_ATTR_UID)
		n->uid = attr->st_uid;
	if (to_set & FUSE_SET_ATTR_GID)
		n->gid = attr->st_gid;
	if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		now(&n->atime);
	else if (to_set & FUSE_SET_ATTR_ATIME)
		n->atime = attr->st_atim;
	if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		now(&n->mtime);
	else if (to_set & FUSE_SET_ATTR_MTIME)
		n->mtime = attr->st_mtim;
	now(&n->ctime);
	fill_stat(n, &st);
	fuse_reply_attr(req, &st, t_conf.timeout);
	end();
}

static void
t_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct t_node *n = begin(req, ino, FUSE_READLINK);

	if (n == NULL) {
		end();
		return;
	}
	if (!S_ISLNK(n->mode)) {
		reply_err_end(req, EINVAL);
		return;
	}
	fuse_reply_readlink(req, n->data);
	end();
}

/* Create a node named name in d; reply with its entry. */
static void
make_node(fuse_req_t req, struct t_node *d, const char *name, mode_t mode,
    dev_t rdev, const char *target)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct t_node *n;

	if (dir_find(d, name) >= 0) {
		reply_err_end(req, EEXIST);
		return;
	}
	n = node_new(mode, ctx->uid, ctx->gid, d->id, name);
	if (n == NULL || (target && set_data(n, target, strlen(target))) ||
	    dir_add(d, name, n->id) != 0) {
		reply_err_end(req, ENOMEM);
		return;
	}
	n->rdev = rdev;
	if (S_ISDIR(mode))
		d->nlink++;
	reply_entry(req, n);
	end();
}

static void
t_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
    dev_t rdev)
{
	struct t_node *d = begin_name(req, parent, name, FUSE_MKNOD);
	mode_t type = mode & S_IFMT;

	if (d == NULL) {
		end();
		return;
	}
	if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK &&
	    type != S_IFCHR && type != S_IFBLK) {
		reply_err_end(req, EINVAL);
		return;
	}
	make_node(req, d, name,
	    type | (mode & 07777 & ~fuse_req_ctx(req)->umask), rdev, NULL);
}

static void
t_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct t_node *d = begin_name(req, parent, name, FUSE_MKDIR);

	if (d == NULL) {
		end();
		return;
	}
	make_node(req, d, name,
	    S_IFDIR | (mode & 07777 & ~fuse_req_ctx(req)->umask), 0, NULL);
}

static void
t_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	struct t_node *d = begin_name(req, parent, name, FUSE_SYMLINK);

	if (d == NULL) {
		end();
		return;
	}
	make_node(req, d, name, S_IFLNK | 0777, 0, link);
}

static void
t_link(
    fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	struct t_node *d = begin_name(req, newparent, newname, FUSE_LINK);
	struct t_node *n;

	if (d == NULL) {
		end();
		return;
	}
	n = node_find(ino);
	if (n == NULL) {
		reply_err_end(req, ESTALE);
		return;
	}
	if (S_ISDIR(n->mode)) {
		reply_err_end(req, EPERM);
		return;
	}
	if (dir_find(d, newname) >= 0) {
		reply_err_end(req, EEXIST);
		return;
	}
	if (dir_add(d, newname, n->id) != 0) {
		reply_err_end(req, ENOMEM);
		return;
	}
	n->nlink++;
	now(&n->ctime);
	reply_entry(req, n);
	end();
}

static void
remove_entry(fuse_req_t req, fuse_ino_t parent, const char *name, bool dir)
{
	struct t_node *d =
	    begin_name(req, parent, name, dir ? FUSE_RMDIR : FUSE_UNLINK);
	struct t_node *n;
	ssize_t i;

	if (d == NULL) {
		end();
		return;
	}
	i = dir_find(d, name);
	if (i < 0) {
		reply_err_end(req, ENOENT);
		return;
	}
	n = nodes[d->ents[i].id];
	if (dir && !S_ISDIR(n->mode)) {
		reply_err_end(req, ENOTDIR);
		return;
	}
	if (!dir && S_ISDIR(n->mode)) {
		reply_err_end(req, EISDIR);
		return;
	}
	if (dir && n->nents != 0) {
		reply_err_end(req, ENOTEMPTY);
		return;
	}
	dir_del(d, (size_t)i);
	if (dir) {
		n->nlink = 0;
		d->nlink--;
	} else {
		n->nlink--;
	}
	now(&n->ctime);
	reply_err_end(req, 0);
}

static void
t_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_entry(req, parent, name, false);
}

static void
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
		d = nodes[d->parent];
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
	now(&n->ctime);
}

static void
t_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
    fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct t_node *d = begin_name(req, parent, name, FUSE_RENAME);
	struct t_node *nd, *sn, *dn = NULL;
	ssize_t si, di;

	if (d == NULL) {
		end();
		return;
	}
	nd = node_find(newparent);
	if (nd == NULL) {
		reply_err_end(req, ESTALE);
		return;
	}
	if (!S_ISDIR(nd->mode)) {
		reply_err_end(req, ENOTDIR);
		return;
	}
	if (strchr(newname, '/') || !strcmp(newname, ".") ||
	    !strcmp(newname, "..") || !*newname ||
	    (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))) {
		reply_err_end(req, EINVAL);
		return;
	}
	si = dir_find(d, name);
	if (si < 0) {
		reply_err_end(req, ENOENT);
		return;
	}
	sn = nodes[d->ents[si].id];
	di = dir_find(nd, newname);
	if (di >= 0)
		dn = nodes[nd->ents[di].id];
	if (S_ISDIR(sn->mode) && is_ancestor(sn, nd)) {
		reply_err_end(req, EINVAL);
		return;
	}
	if (flags & RENAME_EXCHANGE) {
		if (dn == NULL) {
			reply_err_end(req, ENOENT);
			return;
		}
		if (S_ISDIR(dn->mode) && is_ancestor(dn, d)) {
			reply_err_end(req, EINVAL);
			return;
		}
		d->ents[si].id = dn->id;
		nd->ents[di].id = sn->id;
		moved(sn, d, nd, newname);
		moved(dn, nd, d, name);
		{
			reply_err_end(req, 0);
			return;
		}
	}
	if (dn != NULL && (flags & RENAME_NOREPLACE)) {
		reply_err_end(req, EEXIST);
		return;
	}
	if (dn == sn) {
		reply_err_end(req, 0);
		return;
	}
	if (dn != NULL) {
		if (S_ISDIR(dn->mode) && !S_ISDIR(sn->mode)) {
			reply_err_end(req, EISDIR);
			return;
		}
		if (!S_ISDIR(dn->mode) && S_ISDIR(sn->mode)) {
			reply_err_end(req, ENOTDIR);
			return;
		}
		if (S_ISDIR(dn->mode) && dn->nents != 0) {
			reply_err_end(req, ENOTEMPTY);
			return;
		}
		dir_del(nd, (size_t)di);
		if (S_ISDIR(dn->mode)) {
			dn->nlink = 0;
			nd->nlink--;
		} else {
			dn->nlink--;
		}
		/* dir_del moved entries: find the source again */
		si = dir_find(d, name);
	}
	if (dir_add(nd, newname, sn->id) != 0) {
		reply_err_end(req, ENOMEM);
		return;
	}
	dir_del(d, (size_t)si);
	moved(sn, d, nd, newname);
	reply_err_end(req, 0);
}

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
	struct t_node *n = begin(req, ino, FUSE_OPEN);

	if (n == NULL) {
		end();
		return;
	}
	if (S_ISLNK(n->mode)) {
		reply_err_end(req, ELOOP);
		return;
	}
	if (n->generated && (fi->flags & O_ACCMODE) != O_RDONLY) {
		reply_err_end(req, EACCES);
		return;
	}
	open_common(req, n, fi);
	end();
}

static void
t_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
    struct fuse_file_info *fi)
{
	struct t_node *d = begin_name(req, parent, name, FUSE_CREATE);
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct fuse_entry_param e;
	struct t_node *n;
	ssize_t i;

	if (d == NULL) {
		end();
		return;
	}
	i = dir_find(d, name);
	if (i >= 0) {
		if (fi->flags & O_EXCL) {
			reply_err_end(req, EEXIST);
			return;
		}
		n = nodes[d->ents[i].id];
		if (S_ISDIR(n->mode)) {
			reply_err_end(req, EISDIR);
			return;
		}
	} else {
		n = node_new(S_IFREG | (mode & 07777 & ~ctx->umask), ctx->uid,
		    ctx->gid, d->id, name);
		if (n == NULL || dir_add(d, name, n->id) != 0) {
			reply_err_end(req, ENOMEM);
			return;
		}
	}
	if ((fi->flags & O_TRUNC) && !n->generated)
		n->size = 0;
	memset(&e, 0, sizeof(e));
	e.ino = n->id;
	fill_stat(n, &e.attr);
	e.attr_timeout = t_conf.timeout;
	e.entry_timeout = t_conf.timeout;
	fi->fh = n->id;
	n->nlookup++;
	t_open_handles++;
	if (fuse_reply_create(req, &e, fi) != 0) {
		n->nlookup--;
		t_open_handles--;
	}
	end();
}

static void
t_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	struct t_node *n = begin(req, ino, FUSE_READ);
	uint64_t fsize;
	char *buf;
	size_t len;

	if (n == NULL) {
		end();
		return;
	}
	if (S_ISDIR(n->mode)) {
		reply_err_end(req, EISDIR);
		return;
	}
	if (off < 0) {
		reply_err_end(req, EINVAL);
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
			end();
			return;
		}
	}
	buf = malloc(len ? len : 1);
	if (buf == NULL) {
		reply_err_end(req, ENOMEM);
		return;
	}
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(((uint64_t)off + i) % 251);
	fuse_reply_buf(req, buf, len);
	free(buf);
	end();
}

static void
t_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	struct t_node *n = begin(req, ino, FUSE_WRITE);

	if (n == NULL) {
		end();
		return;
	}
	if (!S_ISREG(n->mode)) {
		reply_err_end(req, S_ISDIR(n->mode) ? EISDIR : EINVAL);
		return;
	}
	if (n->generated) {
		reply_err_end(req, EPERM);
		return;
	}
	if (fi->flags & O_APPEND)
		off = (off_t)n->size;
	if (off < 0 || (uint64_t)off + size > T_IO_MAX * 16ULL) {
		reply_err_end(req, EFBIG);
		return;
	}
	if ((size_t)off + size > n->size &&
	    resize(n, (size_t)off + size) != 0) {
		reply_err_end(req, ENOMEM);
		return;
	}
	memcpy(n->data + off, buf, size);
	now(&n->mtime);
	n->ctime = n->mtime;
	fuse_reply_write(req, size);
	end();
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
	struct t_node *n = begin(req, ino, FUSE_FLUSH);

	if (n == NULL) {
		end();
		return;
	}
	drop_locks(n, fi->lock_owner, 0, UINT64_MAX);
	reply_err_end(req, 0);
}

static void
t_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct t_node *n = begin(req, ino, FUSE_RELEASE);

	/* The handle is gone whatever the gate said. */
	t_open_handles--;
	if (n != NULL) {
		drop_locks(n, fi->lock_owner, 0, UINT64_MAX);
		fuse_reply_err(req, 0);
	}
	end();
}

static void
t_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	if (begin(req, ino, FUSE_FSYNC) != NULL)
		fuse_reply_err(req, 0);
	end();
}

/* --------------------------------------------------------- directories */

static void
t_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct t_node *n = begin(req, ino, FUSE_OPENDIR);

	if (n == NULL) {
		end();
		return;
	}
	if (!S_ISDIR(n->mode)) {
		reply_err_end(req, ENOTDIR);
		return;
	}
	open_common(req, n, fi);
	end();
}

static void
do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, bool plus)
{
	struct t_node *d =
	    begin(req, ino, plus ? FUSE_READDIRPLUS : FUSE_READDIR);
	struct fuse_entry_param e;
	size_t pos = 0, nids = 0;
	uint64_t *ids;
	char *buf;

	if (d == NULL) {
		end();
		return;
	}
	if (!S_ISDIR(d->mode)) {
		reply_err_end(req, ENOTDIR);
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
			reply_err_end(req, ENOMEM);
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
			n = nodes[d->parent];
			cookie = 2;
		} else {
			name = d->ents[i - 2].name;
			n = nodes[d->ents[i - 2].id];
			cookie = d->ents[i - 2].cookie;
		}
		if (cookie <= (uint64_t)off)
			continue;
		memset(&e, 0, sizeof(e));
		fill_stat(n, &e.attr);
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
			forget_one(ids[i], 1);
	}
	free(ids);
	free(buf);
	end();
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
	struct t_node *n = begin(req, ino, FUSE_RELEASEDIR);

	t_open_handles--;
	if (n != NULL)
		fuse_reply_err(req, 0);
	end();
}

static void
t_fsyncdir(
    fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	if (begin(req, ino, FUSE_FSYNCDIR) != NULL)
		fuse_reply_err(req, 0);
	end();
}

static void
t_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;

	if (begin(req, ino, FUSE_STATFS) == NULL) {
		end();
		return;
	}
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = 4096;
	sv.f_frsize = 4096;
	sv.f_blocks = 1 << 20;
	sv.f_bfree = 1 << 19;
	sv.f_bavail = 1 << 19;
	sv.f_files = 1 << 16;
	sv.f_ffree = (1 << 16) - nnodes;
	sv.f_favail = sv.f_ffree;
	sv.f_namemax = 255;
	fuse_reply_statfs(req, &sv);
	end();
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
	struct t_node *n = begin(req, ino, FUSE_SETXATTR);
	struct t_xattr *v;
	char *val;
	ssize_t i;

	if (n == NULL) {
		end();
		return;
	}
	i = xa_find(n, name);
	if (i >= 0 && (flags & XATTR_CREATE)) {
		reply_err_end(req, EEXIST);
		return;
	}
	if (i < 0 && (flags & XATTR_REPLACE)) {
		reply_err_end(req, ENODATA);
		return;
	}
	val = malloc(size ? size : 1);
	if (val == NULL) {
		reply_err_end(req, ENOMEM);
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
				reply_err_end(req, ENOMEM);
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
	reply_err_end(req, 0);
}

static void
t_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct t_node *n = begin(req, ino, FUSE_GETXATTR);
	ssize_t i;

	if (n == NULL) {
		end();
		return;
	}
	i = xa_find(n, name);
	if (i < 0) {
		reply_err_end(req, ENODATA);
		return;
	}
	if (size == 0)
		fuse_reply_xattr(req, n->xa[i].len);
	else if (size < n->xa[i].len)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, n->xa[i].val, n->xa[i].len);
	end();
}

static void
t_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct t_node *n = begin(req, ino, FUSE_LISTXATTR);
	size_t len = 0, pos = 0;
	char *buf;

	if (n == NULL) {
		end();
		return;
	}
	for (size_t i = 0; i < n->nxa; i++)
		len += strlen(n->xa[i].name) + 1;
	if (size == 0) {
		fuse_reply_xattr(req, len);
		{
			end();
			return;
		}
	}
	if (size < len) {
		reply_err_end(req, ERANGE);
		return;
	}
	buf = malloc(len ? len : 1);
	if (buf == NULL) {
		reply_err_end(req, ENOMEM);
		return;
	}
	for (size_t i = 0; i < n->nxa; i++) {
		size_t l = strlen(n->xa[i].name) + 1;

		memcpy(buf + pos, n->xa[i].name, l);
		pos += l;
	}
	fuse_reply_buf(req, buf, len);
	free(buf);
	end();
}

static void
t_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct t_node *n = begin(req, ino, FUSE_REMOVEXATTR);
	ssize_t i;

	if (n == NULL) {
		end();
		return;
	}
	i = xa_find(n, name);
	if (i < 0) {
		reply_err_end(req, ENODATA);
		return;
	}
	free(n->xa[i].name);
	free(n->xa[i].val);
	n->xa[i] = n->xa[--n->nxa];
	reply_err_end(req, 0);
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
	struct t_node *n = begin(req, ino, FUSE_GETLK);
	struct lk_query q;
	struct t_lk *l;
	struct flock out = *lock;

	if (n == NULL) {
		end();
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
	end();
}

static void
t_setlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
    struct flock *lock, int sleep)
{
	struct t_node *n = begin(req, ino, FUSE_SETLK);
	struct lk_query q;
	struct t_lk *v;
	int err;

	if (n == NULL) {
		end();
		return;
	}
	q.n = n;
	q.owner = fi->lock_owner;
	q.type = lock->l_type;
	lock_range(lock, &q.start, &q.last);
	if (lock->l_type == F_UNLCK) {
		drop_locks(n, q.owner, q.start, q.last);
		{
			reply_err_end(req, 0);
			return;
		}
	}
	if (lk_conflict(&q) != NULL) {
		if (!sleep) {
			reply_err_end(req, EAGAIN);
			return;
		}
		err = t_wait(req, -1, lk_free_cb, &q);
		if (err != 0) {
			t_eintr++;
			{
				reply_err_end(req, -err);
				return;
			}
		}
	}
	drop_locks(n, q.owner, q.start, q.last);
	v = realloc(n->lks, (n->nlks + 1) * sizeof(*v));
	if (v == NULL) {
		reply_err_end(req, ENOMEM);
		return;
	}
	n->lks = v;
	v[n->nlks].owner = q.owner;
	v[n->nlks].type = q.type;
	v[n->nlks].start = q.start;
	v[n->nlks].end = q.last;
	v[n->nlks].pid = lock->l_pid;
	n->nlks++;
	reply_err_end(req, 0);
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
