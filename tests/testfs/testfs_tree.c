/* SPDX-License-Identifier: MIT */
/*
 * testfs: the in-memory tree -- nodes by id (never freed before exit),
 * directory entries with stable READDIR cookies, file data, the built-in
 * tree and the leak part of the report. Operations are in testfs_ops.c.
 */
#include "testfs_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct t_node **t_nodes; /* by id; [0] unused */
size_t t_nnodes;
static size_t nodes_cap;

void
t_now(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

struct t_node *
t_node_find(uint64_t id)
{
	return id >= 1 && id < t_nnodes ? t_nodes[id] : NULL;
}

struct t_node *
t_node_new(mode_t mode, uid_t uid, gid_t gid, uint64_t parent, const char *name)
{
	struct t_node *n;

	if (t_nnodes == nodes_cap) {
		size_t cap = nodes_cap ? nodes_cap * 2 : 64;
		struct t_node **v = realloc(t_nodes, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		t_nodes = v;
		nodes_cap = cap;
		if (t_nnodes == 0)
			t_nodes[t_nnodes++] = NULL;
	}
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->name = strdup(name);
	if (n->name == NULL) {
		free(n);
		return NULL;
	}
	n->id = t_nnodes;
	n->mode = mode;
	n->uid = uid;
	n->gid = gid;
	n->nlink = S_ISDIR(mode) ? 2 : 1;
	n->parent = parent;
	n->next_cookie = 3; /* 1 and 2 are "." and ".." */
	t_now(&n->atime);
	n->mtime = n->ctime = n->atime;
	t_nodes[t_nnodes++] = n;
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

ssize_t
t_dir_find(const struct t_node *d, const char *name)
{
	for (size_t i = 0; i < d->nents; i++)
		if (strcmp(d->ents[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

int
t_dir_add(struct t_node *d, const char *name, uint64_t id)
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
	t_now(&d->mtime);
	d->ctime = d->mtime;
	return 0;
}

void
t_dir_del(struct t_node *d, size_t i)
{
	free(d->ents[i].name);
	memmove(&d->ents[i], &d->ents[i + 1],
	    (d->nents - i - 1) * sizeof(d->ents[0]));
	d->nents--;
	t_now(&d->mtime);
	d->ctime = d->mtime;
}

int
t_set_data(struct t_node *n, const char *p, size_t len)
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

int
t_resize(struct t_node *n, size_t size)
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

void
t_fill_stat(const struct t_node *n, struct stat *st)
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

/* Reply with n's entry and count the lookup the peer t_now holds. */
void
t_reply_entry(fuse_req_t req, struct t_node *n)
{
	struct fuse_entry_param e;

	memset(&e, 0, sizeof(e));
	e.ino = n->id;
	t_fill_stat(n, &e.attr);
	e.attr_timeout = t_conf.timeout;
	e.entry_timeout = t_conf.timeout;
	n->nlookup++;
	if (fuse_reply_entry(req, &e) != 0)
		n->nlookup--;
}

const char *
t_node_name(uint64_t id)
{
	struct t_node *n = t_node_find(id);

	return n != NULL ? n->name : NULL;
}

/* --------------------------------------------------------------- tree */

int
t_tree_init(void)
{
	struct t_node *root, *n;
	uid_t uid = getuid();
	gid_t gid = getgid();

	root = t_node_new(S_IFDIR | 0755, uid, gid, 1, "/");
	if (root == NULL)
		return -ENOMEM;
	if (t_tree_add("hello", false, "hello\n") != 0 ||
	    t_tree_add("dir", true, NULL) != 0 ||
	    t_tree_add("dir/inner", false, "inner\n") != 0)
		return -ENOMEM;
	n = t_node_new(S_IFREG | 0444, uid, gid, 1, "big");
	if (n == NULL || t_dir_add(root, "big", n->id) != 0)
		return -ENOMEM;
	n->generated = true;
	n = t_node_new(S_IFLNK | 0777, uid, gid, 1, "link");
	if (n == NULL || t_dir_add(root, "link", n->id) != 0 ||
	    t_set_data(n, "hello", 5) != 0)
		return -ENOMEM;
	return 0;
}

int
t_tree_add(const char *path, bool dir, const char *content)
{
	struct t_node *d = t_node_find(FUSE_ROOT_ID), *n;
	char *copy = strdup(path), *name, *slash;
	ssize_t i;
	int err = 0;

	if (copy == NULL)
		return -ENOMEM;
	name = copy;
	while ((slash = strchr(name, '/')) != NULL) {
		*slash = '\0';
		i = t_dir_find(d, name);
		if (i < 0 || !S_ISDIR(t_nodes[d->ents[i].id]->mode)) {
			free(copy);
			return -ENOENT;
		}
		d = t_nodes[d->ents[i].id];
		name = slash + 1;
	}
	if (*name == '\0' || t_dir_find(d, name) >= 0) {
		free(copy);
		return -EEXIST;
	}
	n = t_node_new(dir ? S_IFDIR | 0755 : S_IFREG | 0644, getuid(),
	    getgid(), d->id, name);
	if (n == NULL)
		err = -ENOMEM;
	if (err == 0 && content != NULL)
		err = t_set_data(n, content, strlen(content));
	if (err == 0)
		err = t_dir_add(d, name, n->id);
	if (err == 0 && dir)
		d->nlink++;
	free(copy);
	return err;
}

void
t_tree_fini(void)
{
	for (size_t i = 1; i < t_nnodes; i++)
		node_free(t_nodes[i]);
	free(t_nodes);
	t_nodes = NULL;
	t_nnodes = nodes_cap = 0;
}

void
t_tree_report(FILE *f)
{
	size_t leaked = 0;

	for (size_t i = 2; i < t_nnodes; i++)
		if (t_nodes[i]->nlookup > 0)
			leaked++;
	fprintf(f, "nodes_leaked %zu\n", leaked);
	for (size_t i = 2; i < t_nnodes; i++)
		if (t_nodes[i]->nlookup > 0)
			fprintf(f, "leaked %zu %s nlookup %llu\n", i,
			    t_nodes[i]->name,
			    (unsigned long long)t_nodes[i]->nlookup);
}
