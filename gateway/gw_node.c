/* SPDX-License-Identifier: MIT */
/*
 * The node table: every FUSE nodeid the gateway holds lookups on, with the
 * parent and name it was last reached by. A node lives while fids or child
 * nodes refer to it; at its last reference every lookup it absorbed is
 * FORGOTTEN (batched by fuse_glue). The root (nodeid 1) is never forgotten.
 * It does not cache directory contents: the backend owns the namespace.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gw_int.h"

uint64_t gw_attr_gen;
static struct gw_node **table;	/* by nodeid, chained through hnext */
static struct gw_node **names;	/* by (parent, name), through nnext */
static size_t table_size;	/* power of two, for both */
static size_t nnodes;

static size_t
slot(uint64_t nodeid)
{
	uint64_t h = nodeid * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (table_size - 1);
}

static size_t
name_slot(const struct gw_node *parent, const char *name, size_t len)
{
	uint64_t h = parent->nodeid * 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3ull;
	return (size_t)(h >> 32) & (table_size - 1);
}

static void
name_link(struct gw_node *n)
{
	size_t s = name_slot(n->parent, n->name, strlen(n->name));

	n->nnext = names[s];
	names[s] = n;
}

static void
name_unlink(struct gw_node *n)
{
	if (!n->parent || !n->name)
		return;
	struct gw_node **pp = &names[name_slot(n->parent, n->name,
	    strlen(n->name))];
	while (*pp != n)
		pp = &(*pp)->nnext;
	*pp = n->nnext;
}

static int
grow(void)
{
	size_t osize = table_size, nsize = osize ? osize * 2 : 1024;
	struct gw_node **nt = calloc(nsize, sizeof(*nt));
	struct gw_node **nn = calloc(nsize, sizeof(*nn));

	if (!nt || !nn) {
		free(nt);
		free(nn);
		return -ENOMEM;
	}
	struct gw_node **old = table;
	free(names);
	table = nt;
	names = nn;
	table_size = nsize;
	for (size_t i = 0; i < osize; i++) {
		struct gw_node *n = old[i], *next;
		for (; n; n = next) {
			next = n->hnext;
			size_t s = slot(n->nodeid);
			n->hnext = table[s];
			table[s] = n;
			if (n->parent && n->name)
				name_link(n);
		}
	}
	free(old);
	return 0;
}

struct gw_node *
gw_node_get(uint64_t nodeid)
{
	if (!table_size)
		return NULL;
	for (struct gw_node *n = table[slot(nodeid)]; n; n = n->hnext)
		if (n->nodeid == nodeid)
			return n;
	return NULL;
}

uint64_t
gw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
gw_node_set_attr(struct gw_node *n, const struct fuse_attr *a, uint64_t valid,
    uint32_t valid_nsec)
{
	n->attr = *a;
	n->mode = a->mode;
	n->attr_gen = gw_attr_gen;
	if (valid > 1000000)
		valid = 1000000;
	n->attr_expiry_ns = (valid || valid_nsec) ?
	    gw_now_ns() + valid * 1000000000ull + valid_nsec : 0;
}

void
gw_node_set_attr_of(struct gw_req *r, struct gw_node *n,
    const struct fuse_attr *a, uint64_t valid, uint32_t valid_nsec)
{
	gw_node_set_attr(n, a, valid, valid_nsec);
	if (r->attr_gen != gw_attr_gen)
		n->attr_expiry_ns = 0;	/* may predate a change: not cached */
}

bool
gw_node_attr_fresh(const struct gw_node *n)
{
	return n->attr_expiry_ns && n->attr_gen == gw_attr_gen &&
	    gw_now_ns() < n->attr_expiry_ns;
}

static struct gw_node *
find_child(struct gw_node *dir, const char *name, size_t name_len)
{
	if (!table_size)
		return NULL;
	for (struct gw_node *n = names[name_slot(dir, name, name_len)]; n;
	    n = n->nnext)
		if (n->parent == dir && strlen(n->name) == name_len &&
		    memcmp(n->name, name, name_len) == 0)
			return n;
	return NULL;
}

static void
set_parent(struct gw_node *n, struct gw_node *parent, const char *name,
    size_t name_len)
{
	char *nm = NULL;

	if (name) {
		nm = malloc(name_len + 1);
		if (!nm)
			return;	/* keep the old link; only `..` loses */
		memcpy(nm, name, name_len);
		nm[name_len] = '\0';
	}
	if (parent)
		gw_node_ref(parent);
	struct gw_node *old = n->parent;
	name_unlink(n);
	free(n->name);
	n->name = nm;
	n->parent = parent;
	if (parent && nm) {
		/* A node still known by this name was replaced behind our
		 * back: it keeps its parent (for `..`), not the name. */
		struct gw_node *stale = find_child(parent, nm, name_len);
		if (stale) {
			name_unlink(stale);
			free(stale->name);
			stale->name = NULL;
		}
		name_link(n);
	}
	if (old)
		gw_node_unref(gw_srv, old);
}

/* n is p or above it: linking n under p would make a cycle (a backend
 * that returns an ancestor's nodeid under a descendant). */
static bool
is_ancestor(const struct gw_node *n, const struct gw_node *p)
{
	for (; p; p = p->parent)
		if (p == n)
			return true;
	return false;
}

struct gw_node *
gw_node_enter(struct gw_server *srv, struct gw_node *parent, const char *name,
    size_t name_len, const struct fuse_entry_out *e)
{
	struct gw_node *n = gw_node_get(e->nodeid);

	if (!n) {
		if (nnodes >= table_size && grow() < 0)
			goto nomem;
		n = calloc(1, sizeof(*n));
		if (!n)
			goto nomem;
		n->nodeid = e->nodeid;
		size_t s = slot(n->nodeid);
		n->hnext = table[s];
		table[s] = n;
		nnodes++;
	}
	n->nlookup++;
	n->refs++;
	gw_node_set_attr(n, &e->attr, e->attr_valid, e->attr_valid_nsec);
	if (n->nodeid != FUSE_ROOT_ID && parent && !is_ancestor(n, parent) &&
	    (n->parent != parent || !n->name ||
		strlen(n->name) != name_len ||
		memcmp(n->name, name, name_len) != 0))
		set_parent(n, parent, name, name_len);
	return n;
nomem:
	fg_forget(srv->fs, e->nodeid, 1);
	return NULL;
}

void
gw_node_ref(struct gw_node *n)
{
	n->refs++;
}

void
gw_node_unref(struct gw_server *srv, struct gw_node *n)
{
	while (n) {
		if (--n->refs > 0)
			return;
		struct gw_node *parent = n->parent;
		struct gw_node **pp = &table[slot(n->nodeid)];
		while (*pp != n)
			pp = &(*pp)->hnext;
		*pp = n->hnext;
		name_unlink(n);
		nnodes--;
		if (n->nlookup && n->nodeid != FUSE_ROOT_ID && srv->fs)
			fg_forget(srv->fs, n->nodeid, n->nlookup);
		free(n->name);
		free(n);
		n = parent;	/* drop the child's reference on its parent */
	}
}

void
gw_node_moved(struct gw_server *srv, struct gw_node *dir, const char *name,
    size_t name_len, struct gw_node *newdir, const char *newname,
    size_t newname_len)
{
	struct gw_node *over = find_child(newdir, newname, newname_len);
	struct gw_node *n = find_child(dir, name, name_len);

	if (over && over != n) {
		gw_node_ref(over);
		set_parent(over, NULL, NULL, 0);
		gw_node_unref(srv, over);
	}
	if (n)
		set_parent(n, newdir, newname, newname_len);
}

void
gw_node_removed(struct gw_server *srv, struct gw_node *dir, const char *name,
    size_t name_len)
{
	struct gw_node *n = find_child(dir, name, name_len);

	if (n) {
		gw_node_ref(n);
		set_parent(n, NULL, NULL, 0);
		gw_node_unref(srv, n);
	}
}

void
gw_qid_from_mode(struct p9_qid *q, uint64_t ino, uint32_t mode)
{
	q->path = ino;
	q->version = 0;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		q->type = P9_QTDIR;
		break;
	case S_IFLNK:
		q->type = P9_QTSYMLINK;
		break;
	default:
		q->type = P9_QTFILE;
		break;
	}
}

void
gw_qid_from_attr(struct p9_qid *q, const struct fuse_attr *a)
{
	gw_qid_from_mode(q, a->ino, a->mode);
	/* Changes with every modification the backend reports in mtime. */
	q->version = (uint32_t)a->mtime ^ (uint32_t)(a->mtime >> 32) ^
	    (a->mtimensec << 2);
}
