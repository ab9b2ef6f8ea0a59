/* SPDX-License-Identifier: MIT */
/*
 * ninegate-passthrough: the node and handle tables.
 *
 * Node ids and file handles are (generation << 32 | slot) in a slot table:
 * a stale or forged id from the peer finds nothing (ESTALE/EBADF) instead of
 * a dangling pointer. Nodes are also hashed by (st_dev, st_ino), so one
 * inode is one node however it is reached. Looking names up beneath a node
 * is here; how a name is opened is fg_pt_path.c.
 */
#include "fg_pt_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fg_pt_conf fg_pt_conf = {.proc_fd = -1, .timeout = 1.0};

/* ---------------------------------------------------------- slot table */

struct pt_slot {
	void *obj;
	uint32_t gen;
	uint32_t next_free; /* free list link, 0: end */
};

struct pt_slots {
	struct pt_slot *v;
	uint32_t n; /* slots in use or freed; v[0] is reserved */
	uint32_t cap;
	uint32_t free_head;
};

static int
slots_alloc(struct pt_slots *s, void *obj, uint64_t *id)
{
	uint32_t idx;

	if (s->free_head != 0) {
		idx = s->free_head;
		s->free_head = s->v[idx].next_free;
	} else {
		if (s->n == 0)
			s->n = 1;
		if (s->n == UINT32_MAX)
			return -ENFILE;
		if (s->n >= s->cap) {
			uint32_t cap = s->cap ? s->cap * 2 : 256;
			struct pt_slot *v = realloc(s->v, cap * sizeof(*v));

			if (v == NULL)
				return -ENOMEM;
			memset(v + s->cap, 0, (cap - s->cap) * sizeof(*v));
			s->v = v;
			s->cap = cap;
		}
		idx = s->n++;
	}
	s->v[idx].obj = obj;
	s->v[idx].next_free = 0;
	*id = (uint64_t)s->v[idx].gen << 32 | idx;
	return 0;
}

static void *
slots_find(const struct pt_slots *s, uint64_t id)
{
	uint32_t idx = (uint32_t)id;

	if (idx == 0 || idx >= s->n || s->v[idx].obj == NULL ||
	    s->v[idx].gen != (uint32_t)(id >> 32))
		return NULL;
	return s->v[idx].obj;
}

static void
slots_free(struct pt_slots *s, uint64_t id)
{
	uint32_t idx = (uint32_t)id;

	s->v[idx].obj = NULL;
	s->v[idx].gen++;
	s->v[idx].next_free = s->free_head;
	s->free_head = idx;
}

/* -------------------------------------------------------------- tables */

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pt_slots node_slots;
static struct pt_slots handle_slots;
static struct fg_pt_node **key_buckets;
static size_t nkey_buckets; /* power of two */
static size_t nnodes;

static size_t
key_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;

	return (size_t)(h ^ h >> 29) & (nkey_buckets - 1);
}

static void
key_insert(struct fg_pt_node *n)
{
	size_t b = key_hash(n->dev, n->ino);

	n->key_next = key_buckets[b];
	key_buckets[b] = n;
}

static void
key_remove(struct fg_pt_node *n)
{
	struct fg_pt_node **pp = &key_buckets[key_hash(n->dev, n->ino)];

	while (*pp != n)
		pp = &(*pp)->key_next;
	*pp = n->key_next;
}

static struct fg_pt_node *
key_find(dev_t dev, ino_t ino)
{
	struct fg_pt_node *n = key_buckets[key_hash(dev, ino)];

	while (n != NULL && (n->dev != dev || n->ino != ino))
		n = n->key_next;
	return n;
}

/* Double the bucket array when it gets crowded; failure just keeps the
 * chains longer. */
static void
key_grow(void)
{
	struct fg_pt_node **old = key_buckets;
	size_t nold = nkey_buckets;
	struct fg_pt_node **v;

	if (nnodes < nkey_buckets || nkey_buckets > SIZE_MAX / 4 / sizeof(*v))
		return;
	v = calloc(nkey_buckets * 2, sizeof(*v));
	if (v == NULL)
		return;
	key_buckets = v;
	nkey_buckets *= 2;
	for (size_t i = 0; i < nold; i++) {
		struct fg_pt_node *n = old[i], *next;

		for (; n != NULL; n = next) {
			next = n->key_next;
			key_insert(n);
		}
	}
	free(old);
}

static void
node_free(struct fg_pt_node *n)
{
	close(n->fd);
	free(n->name);
	free(n);
}

/* Called with table_lock held. */
static void
node_maybe_free(struct fg_pt_node *n)
{
	if (n->nodeid == FUSE_ROOT_ID || n->nlookup != 0 || n->nref != 0)
		return;
	key_remove(n);
	slots_free(&node_slots, n->nodeid);
	nnodes--;
	node_free(n);
}

int
fg_pt_tables_init(int root_fd)
{
	struct fg_pt_node *root;
	struct stat st;
	uint64_t id;
	int err;

	err = fg_pt_stat_fd(root_fd, &st);
	if (err != 0)
		return err;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	nkey_buckets = 1024;
	key_buckets = calloc(nkey_buckets, sizeof(*key_buckets));
	root = calloc(1, sizeof(*root));
	if (key_buckets == NULL || root == NULL) {
		free(root);
		return -ENOMEM;
	}
	root->fd = root_fd;
	root->dev = st.st_dev;
	root->ino = st.st_ino;
	root->type = S_IFDIR;
	err = slots_alloc(&node_slots, root, &id);
	if (err != 0) {
		free(root);
		return err;
	}
	/* The first slot with generation 0 is 1, FUSE_ROOT_ID. */
	root->nodeid = id;
	key_insert(root);
	nnodes = 1;
	return 0;
}

void
fg_pt_tables_fini(void)
{
	for (uint32_t i = 1; i < handle_slots.n; i++) {
		struct fg_pt_handle *h = handle_slots.v[i].obj;

		if (h == NULL)
			continue;
		if (h->dir != NULL)
			closedir(h->dir);
		else
			close(h->fd);
		pthread_mutex_destroy(&h->lock);
		free(h);
	}
	for (uint32_t i = 1; i < node_slots.n; i++) {
		if (node_slots.v[i].obj != NULL)
			node_free(node_slots.v[i].obj);
	}
	free(handle_slots.v);
	free(node_slots.v);
	free(key_buckets);
	memset(&handle_slots, 0, sizeof(handle_slots));
	memset(&node_slots, 0, sizeof(node_slots));
	key_buckets = NULL;
}

struct fg_pt_node *
fg_pt_node_get(uint64_t nodeid)
{
	struct fg_pt_node *n;

	pthread_mutex_lock(&table_lock);
	n = slots_find(&node_slots, nodeid);
	if (n != NULL)
		n->nref++;
	pthread_mutex_unlock(&table_lock);
	return n;
}

void
fg_pt_node_put(struct fg_pt_node *n)
{
	if (n == NULL)
		return;
	pthread_mutex_lock(&table_lock);
	n->nref--;
	node_maybe_free(n);
	pthread_mutex_unlock(&table_lock);
}

int
fg_pt_do_lookup(struct fg_pt_node *parent, const char *name, uint64_t *nodeid,
    struct stat *st)
{
	struct fg_pt_node *n, *fresh;
	char *dup;
	int fd, err;

	fd = fg_pt_open_beneath(parent->fd, name, O_PATH | O_NOFOLLOW, 0);
	if (fd < 0)
		return fd;
	err = fg_pt_stat_fd(fd, st);
	if (err != 0) {
		close(fd);
		return err;
	}
	fresh = calloc(1, sizeof(*fresh));
	dup = strdup(name);
	if (fresh == NULL || dup == NULL) {
		free(fresh);
		free(dup);
		close(fd);
		return -ENOMEM;
	}

	pthread_mutex_lock(&table_lock);
	n = key_find(st->st_dev, st->st_ino);
	if (n == NULL) {
		err = slots_alloc(&node_slots, fresh, &fresh->nodeid);
		if (err != 0) {
			pthread_mutex_unlock(&table_lock);
			free(fresh);
			free(dup);
			close(fd);
			return err;
		}
		n = fresh;
		fresh = NULL;
		n->fd = fd;
		fd = -1;
		n->dev = st->st_dev;
		n->ino = st->st_ino;
		n->type = st->st_mode & S_IFMT;
		nnodes++;
		key_insert(n);
		key_grow();
	}
	if (n->nodeid != FUSE_ROOT_ID) {
		free(n->name);
		n->name = dup;
		dup = NULL;
		n->parent = parent->nodeid;
	}
	n->nlookup++;
	*nodeid = n->nodeid;
	pthread_mutex_unlock(&table_lock);

	if (fd >= 0)
		close(fd);
	free(fresh);
	free(dup);
	return 0;
}

void
fg_pt_forget(uint64_t nodeid, uint64_t nlookup)
{
	struct fg_pt_node *n;

	pthread_mutex_lock(&table_lock);
	n = slots_find(&node_slots, nodeid);
	if (n != NULL) {
		n->nlookup -= nlookup < n->nlookup ? nlookup : n->nlookup;
		node_maybe_free(n);
	}
	pthread_mutex_unlock(&table_lock);
}

void
fg_pt_node_moved(struct fg_pt_node *newparent, const char *newname)
{
	struct fg_pt_node *n;
	struct stat st;
	char *dup;

	if (fstatat(newparent->fd, newname, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return;
	dup = strdup(newname);
	if (dup == NULL)
		return;
	pthread_mutex_lock(&table_lock);
	n = key_find(st.st_dev, st.st_ino);
	if (n != NULL && n->nodeid != FUSE_ROOT_ID) {
		free(n->name);
		n->name = dup;
		dup = NULL;
		n->parent = newparent->nodeid;
	}
	pthread_mutex_unlock(&table_lock);
	free(dup);
}

uint64_t
fg_pt_handle_new(int fd, mode_t type, void *dir, int *err)
{
	struct fg_pt_handle *h = calloc(1, sizeof(*h));
	uint64_t fh = 0;

	if (h == NULL) {
		*err = -ENOMEM;
		return 0;
	}
	h->fd = fd;
	h->type = type;
	h->dir = dir;
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_lock(&table_lock);
	*err = slots_alloc(&handle_slots, h, &fh);
	if (*err == 0)
		h->fh = fh;
	pthread_mutex_unlock(&table_lock);
	if (*err != 0) {
		/* the caller still owns fd and dir */
		pthread_mutex_destroy(&h->lock);
		free(h);
		return 0;
	}
	return fh;
}

struct fg_pt_handle *
fg_pt_handle_get(uint64_t fh)
{
	struct fg_pt_handle *h;

	pthread_mutex_lock(&table_lock);
	h = slots_find(&handle_slots, fh);
	if (h != NULL && h->released)
		h = NULL;
	if (h != NULL)
		h->nref++;
	pthread_mutex_unlock(&table_lock);
	return h;
}

/* Called with table_lock held. */
static bool
handle_unlink_if_done(struct fg_pt_handle *h)
{
	if (!h->released || h->nref != 0)
		return false;
	slots_free(&handle_slots, h->fh);
	return true;
}

static void
handle_free(struct fg_pt_handle *h)
{
	if (h->dir != NULL)
		closedir(h->dir);
	else
		close(h->fd);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

void
fg_pt_handle_put(struct fg_pt_handle *h)
{
	bool done;

	if (h == NULL)
		return;
	pthread_mutex_lock(&table_lock);
	h->nref--;
	done = handle_unlink_if_done(h);
	pthread_mutex_unlock(&table_lock);
	if (done)
		handle_free(h);
}

void
fg_pt_handle_release(uint64_t fh)
{
	struct fg_pt_handle *h;
	bool done = false;

	pthread_mutex_lock(&table_lock);
	h = slots_find(&handle_slots, fh);
	if (h != NULL && !h->released) {
		h->released = true;
		done = handle_unlink_if_done(h);
	}
	pthread_mutex_unlock(&table_lock);
	if (done)
		handle_free(h);
}

int
fg_pt_node_place(struct fg_pt_node *n, struct fg_pt_node **parent, char **name)
{
	int err = 0;

	pthread_mutex_lock(&table_lock);
	*parent = n->parent ? slots_find(&node_slots, n->parent) : NULL;
	if (*parent == NULL || n->name == NULL) {
		err = -ESTALE;
	} else {
		*name = strdup(n->name);
		if (*name == NULL)
			err = -ENOMEM;
		else
			(*parent)->nref++;
	}
	pthread_mutex_unlock(&table_lock);
	return err;
}
