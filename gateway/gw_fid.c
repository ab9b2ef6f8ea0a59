/* SPDX-License-Identifier: MIT */
/*
 * The fid table of a connection. A fid holds a node (one reference) and,
 * once opened, a FUSE file handle. Tclunk takes it out of the table at once,
 * so the client may reuse the number, but the fid lives until the requests
 * using it end; the last reference releases the handle and the nodes.
 */
#include <errno.h>
#include <stdlib.h>

#include "gw_int.h"

static unsigned
slot(uint32_t fid)
{
	return (fid ^ (fid >> 8) ^ (fid >> 16)) & 255;
}

struct gw_fid *
gw_fid_get(struct gw_conn *c, uint32_t fid)
{
	for (struct gw_fid *f = c->fids[slot(fid)]; f; f = f->hnext)
		if (f->fid == fid)
			return f;
	return NULL;
}

int
gw_fid_new(struct gw_conn *c, uint32_t fid, struct gw_fid **out)
{
	if (fid == P9_NOFID || gw_fid_get(c, fid))
		return -EEXIST;
	if (c->nfids >= c->srv->opts->max_fids) {
		gw_conn_warn_once(c, 1u << 5, "%u fids in use, limit %u "
		    "(--max-fids): refusing new ones with EMFILE", c->nfids,
		    c->srv->opts->max_fids);
		return -EMFILE;
	}
	struct gw_fid *f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->fid = fid;
	f->refs = 2;
	f->hashed = true;
	f->hnext = c->fids[slot(fid)];
	c->fids[slot(fid)] = f;
	c->nfids++;
	*out = f;
	return 0;
}

void
gw_fid_unhash(struct gw_conn *c, struct gw_fid *f)
{
	if (!f->hashed)
		return;
	struct gw_fid **pp = &c->fids[slot(f->fid)];
	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	f->hashed = false;
	c->nfids--;
	gw_fid_put(c, f);
}

void
gw_fid_ref(struct gw_fid *f)
{
	f->refs++;
}

/* The node stays referenced until RELEASE is answered, as the kernel keeps
 * an inode while its file is being released: a FORGET must not overtake
 * the RELEASE of the same node. */
static void
release_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	(void)fr;
	(void)rep;
	gw_node_unref(gw_srv, arg);
}

void
gw_fid_put(struct gw_conn *c, struct gw_fid *f)
{
	(void)c;
	gw_fid_put_cb(f);
}

void
gw_fid_put_cb(void *arg)
{
	struct gw_fid *f = arg;
	struct gw_server *srv = gw_srv;

	if (--f->refs > 0)
		return;
	if (f->open && f->node && srv->fs && !srv->backend_broken) {
		struct fuse_release_in in = {
			.fh = f->fh,
			.flags = f->open_flags,
		};
		struct fg_op op = {
			.opcode = f->is_dir ? FUSE_RELEASEDIR : FUSE_RELEASE,
			.nodeid = f->node->nodeid,
			.in = &in,
			.in_len = sizeof(in),
		};
		if (fg_submit(srv->fs, &op, release_done, f->node, NULL) == 0)
			f->node = NULL;	/* release_done lets go of it */
	}
	if (f->node)
		gw_node_unref(srv, f->node);
	if (f->root)
		gw_node_unref(srv, f->root);
	free(f->xname);
	free(f->xbuf);
	free(f);
}

void
gw_fid_clunk_all(struct gw_conn *c)
{
	for (unsigned i = 0; i < 256; i++)
		while (c->fids[i])
			gw_fid_unhash(c, c->fids[i]);
}
