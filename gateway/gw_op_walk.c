/* SPDX-License-Identifier: MIT */
/*
 * Walking: Twalk, and the aname of Tattach, as one LOOKUP per name in
 * sequence. `..` is answered from the node table (never sent to FUSE) and
 * stops at the fid's attach root. A walk that is flushed between its
 * LOOKUPs stops there and lets go of the nodes it had looked up; newfid is
 * bound only when every name was found.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gw_int.h"

#define WALK_MAX 64	/* components of an aname */

struct walk_op {
	struct gw_node *cur;	/* one reference */
	struct gw_node *root;	/* borrowed from the fid or the attach */
	unsigned i, n;
	struct p9_str names[WALK_MAX];
	struct p9_qid qids[WALK_MAX];
	/* called once: err 0 with every name walked, or the error of name i */
	void (*finish)(struct gw_req *r, struct walk_op *w, int err);
};

static void walk_step(struct gw_req *r);

static void
walk_abandon(struct gw_req *r)
{
	struct walk_op *w = r->op;

	if (w->cur)
		gw_node_unref(r->conn->srv, w->cur);
	w->cur = NULL;
}

bool
gw_name_ok(const struct p9_str *s)
{
	if (s->len == 0 || memchr(s->s, '/', s->len))
		return false;
	if (s->len == 1 && s->s[0] == '.')
		return false;
	if (s->len == 2 && s->s[0] == '.' && s->s[1] == '.')
		return false;
	return true;
}

static void
lookup_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct walk_op *w = r->op;
	bool cancelled = gw_req_fuse_done(r, fr);
	int err = rep->error;

	if (err == 0 && rep->entry.nodeid == 0)
		err = -ENOENT;	/* a negative entry: cached absence */
	if (err) {
		if (cancelled && err == -EINTR) {
			gw_req_drop(r);
			return;
		}
		w->finish(r, w, err);
		return;
	}
	struct gw_node *n = gw_node_enter(r->conn->srv, w->cur,
	    w->names[w->i].s, w->names[w->i].len, &rep->entry);
	if (!n) {
		w->finish(r, w, -ENOMEM);
		return;
	}
	if (r->attr_gen != gw_attr_gen)
		n->attr_expiry_ns = 0;	/* may predate a change: not cached */
	gw_node_unref(r->conn->srv, w->cur);
	w->cur = n;
	gw_qid_from_attr(&w->qids[w->i], &rep->entry.attr);
	w->i++;
	if (cancelled && w->i < w->n) {
		gw_req_drop(r);
		return;
	}
	walk_step(r);
}

static void
walk_step(struct gw_req *r)
{
	struct walk_op *w = r->op;

	while (w->i < w->n) {
		const struct p9_str *nm = &w->names[w->i];
		if (!S_ISDIR(w->cur->mode)) {
			/* 9P: names are walked from directories only. */
			w->finish(r, w, -ENOTDIR);
			return;
		}
		if (nm->len == 1 && nm->s[0] == '.') {
			/* Not special in 9P, but no client means a file
			 * called ".": stay, as a lookup of "." would. */
			gw_qid_from_attr(&w->qids[w->i], &w->cur->attr);
			w->i++;
			continue;
		}
		if (nm->len == 2 && nm->s[0] == '.' && nm->s[1] == '.') {
			struct gw_node *up = w->cur;
			if (up != w->root && up->parent)
				up = up->parent;
			gw_node_ref(up);
			gw_node_unref(r->conn->srv, w->cur);
			w->cur = up;
			gw_qid_from_attr(&w->qids[w->i], &up->attr);
			w->i++;
			continue;
		}
		if (!gw_name_ok(nm)) {
			w->finish(r, w, -EINVAL);
			return;
		}
		struct fg_op op = {
			.opcode = FUSE_LOOKUP,
			.nodeid = w->cur->nodeid,
			.ctx = r->ctx,
			.name = nm->s,
			.name_len = nm->len,
		};
		int err = gw_req_submit(r, &op, lookup_done);
		if (err < 0)
			w->finish(r, w, err);
		return;
	}
	w->finish(r, w, 0);
}

/* Start walking names from node start for r; r->op becomes the walk. */
static int
walk_start(struct gw_req *r, struct gw_node *start, struct gw_node *root,
    const struct p9_str *names, unsigned n,
    void (*finish)(struct gw_req *, struct walk_op *, int))
{
	struct walk_op *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	if (n > WALK_MAX) {
		free(w);
		return -ENAMETOOLONG;
	}
	memcpy(w->names, names, n * sizeof(*names));
	w->n = n;
	w->cur = start;
	gw_node_ref(start);
	w->root = root;
	w->finish = finish;
	r->op = w;
	r->abandon_fn = walk_abandon;
	walk_step(r);
	return 0;
}

static void
twalk_finish(struct gw_req *r, struct walk_op *w, int err)
{
	struct gw_conn *c = r->conn;
	struct p9_msg m = { .type = P9_RWALK };
	struct gw_fid *f = r->fid, *nf;

	if (err && w->i == 0) {
		walk_abandon(r);
		r->abandon_fn = NULL;
		gw_req_fail(r, err);
		return;
	}
	m.rwalk.nwqid = (uint16_t)w->i;
	memcpy(m.rwalk.wqid, w->qids, w->i * sizeof(w->qids[0]));
	if (w->i == w->n) {
		uint32_t newfid = r->msg.twalk.newfid;
		if (newfid == f->fid) {
			/* Rebind in place (it is not open: checked at start). */
			gw_node_unref(c->srv, f->node);
			f->node = w->cur;
			w->cur = NULL;
		} else {
			int e = gw_fid_new(c, newfid, &nf);
			if (e < 0) {
				walk_abandon(r);
				r->abandon_fn = NULL;
				gw_req_fail(r, e);
				return;
			}
			nf->node = w->cur;
			w->cur = NULL;
			nf->root = f->root;
			gw_node_ref(nf->root);
			nf->uid = f->uid;
			nf->gid = f->gid;
			r->newfid = nf;	/* the request's reference */
		}
	}
	walk_abandon(r);
	r->abandon_fn = NULL;
	gw_req_reply(r, &m);
}

void
gw_op_walk(struct gw_req *r)
{
	struct p9_twalk *t = &r->msg.twalk;
	struct gw_fid *f = r->fid;
	int err;

	if (f->kind != GW_FID_NODE || (f->open && t->newfid == f->fid)) {
		gw_req_fail(r, -EBADF);
		return;
	}
	err = walk_start(r, f->node, f->root, t->wname, t->nwname,
	    twalk_finish);
	if (err < 0)
		gw_req_fail(r, err);
}

/* ------------------------------------------------------------ attach */

static void
attach_getattr_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct walk_op *w = r->op;
	struct gw_conn *c = r->conn;
	struct gw_fid *f;
	struct p9_msg m = { .type = P9_RATTACH };
	int err;

	(void)gw_req_fuse_done(r, fr);
	if (rep->error) {
		gw_req_end_error(r, rep->error);
		return;
	}
	gw_node_set_attr(w->cur, &rep->attr.attr, rep->attr.attr_valid,
	    rep->attr.attr_valid_nsec);
	err = gw_fid_new(c, r->msg.tattach.fid, &f);
	if (err < 0) {
		gw_req_fail(r, err);
		return;
	}
	f->node = w->cur;
	f->root = w->cur;
	gw_node_ref(f->root);
	w->cur = NULL;
	f->uid = r->ctx.uid;
	f->gid = r->ctx.gid;
	r->newfid = f;
	gw_qid_from_attr(&m.rattach.qid, &rep->attr.attr);
	gw_req_reply(r, &m);
}

static void
attach_walked(struct gw_req *r, struct walk_op *w, int err)
{
	if (err == 0 && r->state == GW_REQ_CANCELLED) {
		gw_req_drop(r);	/* flushed: the GETATTR step is not taken */
		return;
	}
	if (err == 0) {
		struct fg_op op = {
			.opcode = FUSE_GETATTR,
			.nodeid = w->cur->nodeid,
			.ctx = r->ctx,
			.in = &(struct fuse_getattr_in){ 0 },
			.in_len = sizeof(struct fuse_getattr_in),
		};
		err = gw_req_submit(r, &op, attach_getattr_done);
	}
	if (err < 0)
		gw_req_fail(r, err);
}

static struct gw_node *
root_node(struct gw_server *srv)
{
	struct gw_node *n = gw_node_get(FUSE_ROOT_ID);

	if (n) {
		gw_node_ref(n);
		return n;
	}
	struct fuse_entry_out e = { .nodeid = FUSE_ROOT_ID };
	e.attr.ino = FUSE_ROOT_ID;
	e.attr.mode = 040755;
	return gw_node_enter(srv, NULL, "", 0, &e);
}

void
gw_op_attach(struct gw_req *r)
{
	struct gw_server *srv = r->conn->srv;
	struct p9_tattach *t = &r->msg.tattach;
	struct p9_str names[WALK_MAX];
	unsigned n = 0;
	uint32_t uid = P9_NONUNAME, gid = 0;

	if (t->afid != P9_NOFID) {
		gw_req_fail(r, -EINVAL);	/* no auth fids are issued */
		return;
	}
	if (srv->opts->squash) {
		uid = srv->opts->squash_uid;
		gid = srv->opts->squash_gid;
	} else {
		if (r->conn->dialect != P9_V_2000)
			uid = t->n_uname;
		if (uid == P9_NONUNAME &&
		    !gw_user_by_name(srv, t->uname.s, t->uname.len, &uid, &gid)) {
			char esc[64];
			gw_escape(t->uname.s, t->uname.len, esc, sizeof(esc));
			gw_conn_warn_once(r->conn, 1u << 2, "Tattach: unknown "
			    "user '%s', serving as nobody (65534)", esc);
			uid = gid = 65534;
		} else if (!gw_user_gid(srv, uid, &gid)) {
			gid = uid;
		}
	}
	if (!srv->opts->squash) {
		uid = gw_id_to_backend(srv->opts, uid, false);
		gid = gw_id_to_backend(srv->opts, gid, true);
	}
	r->ctx.uid = uid;
	r->ctx.gid = gid;
	/* aname: a path below the export root, "" or "/" for the root. */
	for (size_t i = 0; i < t->aname.len;) {
		size_t j = i;
		while (j < t->aname.len && t->aname.s[j] != '/')
			j++;
		if (j > i && !(j - i == 1 && t->aname.s[i] == '.')) {
			if (n == WALK_MAX) {
				gw_req_fail(r, -ENAMETOOLONG);
				return;
			}
			names[n].s = t->aname.s + i;
			names[n].len = (uint16_t)(j - i);
			if (!gw_name_ok(&names[n])) {
				gw_req_fail(r, -EACCES);	/* no `..` out */
				return;
			}
			n++;
		}
		i = j + 1;
	}
	struct gw_node *root = root_node(srv);
	if (!root) {
		gw_req_fail(r, -ENOMEM);
		return;
	}
	int err = walk_start(r, root, root, names, n, attach_walked);
	gw_node_unref(srv, root);
	if (err < 0)
		gw_req_fail(r, err);
}
