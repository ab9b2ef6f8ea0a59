/* SPDX-License-Identifier: MIT */
/*
 * Dispatch: one frame in, one request out. Decodes (p9/), registers the tag,
 * checks the dialect, resolves fids and enforces the operation's flags once,
 * then calls the operation's start function from the table. Operations only
 * translate; none of them checks a dialect or looks a fid up again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_int.h"

#define V_L P9_V_2000L
#define V_U P9_V_2000_U
#define V_ALL P9_V_ALL
#define F GW_OP_FID
#define NF GW_OP_NEWFID
#define M GW_OP_MUTATES
#define A GW_OP_ATTACHED

const struct gw_op gw_ops[256] = {
	[P9_TVERSION] = { "Tversion", V_ALL, 0, gw_op_version },
	[P9_TAUTH] = { "Tauth", V_ALL, A, gw_op_auth },
	[P9_TATTACH] = { "Tattach", V_ALL, A | NF, gw_op_attach },
	[P9_TFLUSH] = { "Tflush", V_ALL, A, gw_op_flush },
	[P9_TWALK] = { "Twalk", V_ALL, A | F, gw_op_walk },
	[P9_TCLUNK] = { "Tclunk", V_ALL, A | F, gw_op_clunk },
	[P9_TREMOVE] = { "Tremove", V_ALL, A | F | M, gw_op_remove },
	[P9_TREAD] = { "Tread", V_ALL, A | F, gw_op_read },
	[P9_TWRITE] = { "Twrite", V_ALL, A | F, gw_op_write },
	[P9_TOPEN] = { "Topen", V_U, A | F, gw_op_open },
	[P9_TCREATE] = { "Tcreate", V_U, A | F | M, gw_op_create },
	[P9_TSTAT] = { "Tstat", V_U, A | F, gw_op_stat },
	[P9_TWSTAT] = { "Twstat", V_U, A | F | M, gw_op_wstat },
	[P9_TSTATFS] = { "Tstatfs", V_L, A | F, gw_op_statfs },
	[P9_TLOPEN] = { "Tlopen", V_L, A | F, gw_op_lopen },
	[P9_TLCREATE] = { "Tlcreate", V_L, A | F | M, gw_op_lcreate },
	[P9_TSYMLINK] = { "Tsymlink", V_L, A | F | M, gw_op_symlink },
	[P9_TMKNOD] = { "Tmknod", V_L, A | F | M, gw_op_mknod },
	[P9_TRENAME] = { "Trename", V_L, A | F | M, gw_op_rename },
	[P9_TREADLINK] = { "Treadlink", V_L, A | F, gw_op_readlink },
	[P9_TGETATTR] = { "Tgetattr", V_L, A | F, gw_op_getattr },
	[P9_TSETATTR] = { "Tsetattr", V_L, A | F | M, gw_op_setattr },
	[P9_TXATTRWALK] = { "Txattrwalk", V_L, A | F | NF, gw_op_xattrwalk },
	[P9_TXATTRCREATE] = { "Txattrcreate", V_L, A | F | M,
	    gw_op_xattrcreate },
	[P9_TREADDIR] = { "Treaddir", V_L, A | F, gw_op_readdir },
	[P9_TFSYNC] = { "Tfsync", V_L, A | F, gw_op_fsync },
	[P9_TLOCK] = { "Tlock", V_L, A | F, gw_op_lock },
	[P9_TGETLOCK] = { "Tgetlock", V_L, A | F, gw_op_getlock },
	[P9_TLINK] = { "Tlink", V_L, A | F | M, gw_op_link },
	[P9_TMKDIR] = { "Tmkdir", V_L, A | F | M, gw_op_mkdir },
	[P9_TRENAMEAT] = { "Trenameat", V_L, A | F | M, gw_op_renameat },
	[P9_TUNLINKAT] = { "Tunlinkat", V_L, A | F | M, gw_op_unlinkat },
};

/* The fid and newfid fields of a message, where it has them. The first
 * u32 of every T-message body that has a fid is that fid. */
static void
msg_fids(const struct p9_msg *m, uint32_t *fid, uint32_t *newfid)
{
	*newfid = P9_NOFID;
	switch (m->type) {
	case P9_TATTACH:
		*fid = P9_NOFID;
		*newfid = m->tattach.fid;
		return;
	case P9_TWALK:
		*fid = m->twalk.fid;
		*newfid = m->twalk.newfid;
		return;
	case P9_TXATTRWALK:
		*fid = m->txattrwalk.fid;
		*newfid = m->txattrwalk.newfid;
		return;
	case P9_TMKNOD:
		*fid = m->tmknod.dfid;
		return;
	case P9_TLINK:
		*fid = m->tlink.dfid;
		return;
	case P9_TMKDIR:
		*fid = m->tmkdir.dfid;
		return;
	case P9_TRENAMEAT:
		*fid = m->trenameat.olddirfid;
		return;
	case P9_TUNLINKAT:
		*fid = m->tunlinkat.dirfd;
		return;
	default:
		/* Every other fid-bearing T-message starts with fid[4], and
		 * so does its struct: read it through any of them. */
		*fid = m->tclunk.fid;
		return;
	}
}

void
gw_dispatch_frame(struct gw_conn *c, const void *bytes, void *frame,
    size_t len)
{
	struct gw_server *srv = c->srv;
	struct p9_diag diag = { 0 };
	unsigned dialect = c->dialect ? c->dialect : P9_V_2000L;
	/* A frame that is not in a buffer of its own lives in the request's
	 * allocation: one malloc per request. */
	struct gw_req *r = calloc(1, sizeof(*r) + (frame ? 0 : len));
	int err;

	if (!r) {
		free(frame);
		gw_conn_close(c, "out of memory");
		return;
	}
	r->conn = c;
	if (frame) {
		r->frame = frame;
	} else {
		memcpy(r->inline_frame, bytes, len);
		frame = r->inline_frame;
	}
	err = p9_decode(frame, len, dialect, &r->msg, &diag);
	r->tag = r->msg.tag;
	if (gw_conn_find_req(c, r->tag)) {
		char why[96];
		snprintf(why, sizeof(why), "tag %u reused while in flight",
		    r->tag);
		free(r->frame);
		free(r);
		gw_conn_close(c, why);
		return;
	}
	/* Register: from here the request ends through gw_req_*. */
	r->hnext = c->tags[r->tag & 255];
	c->tags[r->tag & 255] = r;
	r->anext = c->all;
	if (c->all)
		c->all->aprev = &r->anext;
	r->aprev = &c->all;
	c->all = r;
	c->nreqs++;

	if (gw_log_level_max >= GW_LOG_DEBUG && err == 0) {
		char line[512];
		if (p9_fmt(&r->msg, dialect, line, sizeof(line)) >= 0)
			log_debug("<- c%u %s", c->id, line);
	}
	if (err == -EBADMSG) {
		gw_conn_warn_once(c, 1u << 0, "%s tag %u: malformed: %s "
		    "(field %s at byte %zu, value %llu, limit %llu)",
		    p9_type_name(r->msg.type), r->tag,
		    diag.what ? diag.what : "bad", diag.field ? diag.field : "?",
		    diag.offset, (unsigned long long)diag.value,
		    (unsigned long long)diag.limit);
		gw_req_fail(r, -EINVAL);
		return;
	}
	const struct gw_op *op = &gw_ops[r->msg.type];
	if (err == -EOPNOTSUPP || !op->start || !(op->dialects & dialect)) {
		gw_conn_warn_once(c, 1u << 1, "%s tag %u: not a request of "
		    "this dialect", p9_type_name(r->msg.type), r->tag);
		gw_req_fail(r, -EOPNOTSUPP);
		return;
	}
	if ((op->flags & GW_OP_ATTACHED) && !c->dialect) {
		gw_req_fail(r, -EPROTO);
		return;
	}
	if (op->flags & (GW_OP_FID | GW_OP_NEWFID)) {
		uint32_t fid, newfid;
		msg_fids(&r->msg, &fid, &newfid);
		if (op->flags & GW_OP_FID) {
			r->fid = gw_fid_get(c, fid);
			if (!r->fid) {
				gw_req_fail(r, -EBADF);
				return;
			}
			gw_fid_ref(r->fid);
			/* An xattr fid is read, written and clunked only. */
			if (r->fid->kind != GW_FID_NODE &&
			    r->msg.type != P9_TREAD && r->msg.type != P9_TWRITE &&
			    r->msg.type != P9_TCLUNK) {
				gw_req_fail(r, -EBADF);
				return;
			}
		}
		if ((op->flags & GW_OP_NEWFID) && newfid != fid &&
		    gw_fid_get(c, newfid)) {
			gw_req_fail(r, -EEXIST);
			return;
		}
	}
	if ((op->flags & GW_OP_MUTATES) && srv->opts->read_only) {
		/* remove(5): the fid is clunked even when the remove fails. */
		if (r->msg.type == P9_TREMOVE)
			gw_fid_unhash(c, r->fid);
		gw_req_fail(r, -EROFS);
		return;
	}
	if (op->flags & GW_OP_MUTATES)
		gw_attr_gen++;
	r->attr_gen = gw_attr_gen;
	/* Replies that carry data count against the output bound from the
	 * start: a client that reads none of them cannot have more than
	 * the bound in flight. */
	if (r->msg.type == P9_TREAD || r->msg.type == P9_TREADDIR) {
		r->reserved = gw_max_count(c, r->msg.type == P9_TREAD ?
		    r->msg.tread.count : r->msg.treaddir.count, P9_IOHDRSZ);
		c->reserved += r->reserved;
	}
	if (r->fid) {
		r->ctx.uid = r->fid->uid;
		r->ctx.gid = r->fid->gid;
	}
	op->start(r);
}
