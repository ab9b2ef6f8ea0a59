/* SPDX-License-Identifier: MIT */
/*
 * Submitting requests: the checks of fg_submit (opcode known and not the
 * session's own, struct at least the negotiated size, names present
 * exactly where the opcode has them and free of NUL, sizes within
 * max_write and the buffers), the reply sizes each request may get back,
 * the one sendmsg with header, struct, names and data in place, and the
 * request handles (interrupt, detach, unique).
 *
 * Replies, breaking and the table itself are fg_session.c's.
 */
#include "fg_int.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IN_HDR sizeof(struct fuse_in_header)
#define OUT_HDR sizeof(struct fuse_out_header)

/* Expected reply sizes for one request; -EMSGSIZE if it asks too much. */
static int
expect_sizes(struct fg_session *s, const struct fg_opdef *d,
    const struct fg_op *op, struct fg_req *r)
{
	const size_t cap = s->pool->bufsize - OUT_HDR;

	r->out_min = (uint32_t)fg_wire_out_min(op->opcode, s->info.minor);
	r->out_max = (d->flags & FG_OPF_ANYOUT) ? (uint32_t)cap : r->out_min;
	if (d->flags & FG_OPF_VAROUT) {
		struct fuse_read_in ri;

		memcpy(&ri, op->in, sizeof(ri));
		if (ri.size > s->max_read)
			return -EMSGSIZE;
		r->out_max = ri.size;
	} else if (d->flags & FG_OPF_XATTR) {
		struct fuse_getxattr_in gi;

		memcpy(&gi, op->in, sizeof(gi));
		if (gi.size > cap)
			return -EMSGSIZE;
		r->out_min =
		    gi.size == 0 ? sizeof(struct fuse_getxattr_out) : 0;
		r->out_max =
		    gi.size == 0 ? sizeof(struct fuse_getxattr_out) : gi.size;
	}
	if (op->opcode == FUSE_WRITE && op->data_len > s->info.max_write)
		return -EMSGSIZE;
	if (op->opcode == FUSE_OPEN || op->opcode == FUSE_OPENDIR ||
	    op->opcode == FUSE_CREATE) {
		uint32_t flags;

		memcpy(&flags, op->in, sizeof(flags)); /* first member */
		r->open_flags = flags;
	}
	return 0;
}

static bool
name_ok(const char *name, size_t len)
{
	return name != NULL && len > 0 && memchr(name, '\0', len) == NULL;
}

int
fg_sess_submit_raw(struct fg_session *s, struct fg_req *r,
    const struct fg_ctx *ctx, struct iovec *iov, int iovcnt, size_t total)
{
	struct fuse_in_header ih;
	int err;

	r->s = s;
	r->unique = s->next_unique;
	fg_sess_fill_in_header(
	    &ih, total, r->opcode, r->unique, r->nodeid, ctx);
	iov[0] = (struct iovec){&ih, sizeof(ih)};
	err = fg_sess_send(s, iov, iovcnt);
	if (err < 0)
		return err;
	fg_sess_next_unique(s);
	fg_table_insert(s, r);
	return 0;
}

static void
trace_request(struct fg_session *s, const struct fg_req *r,
    const struct fg_op *op, size_t total)
{
	char n1[300] = "", n2[300] = "", e[260];

	if (op->name != NULL) {
		fg_escape(e, sizeof(e), op->name, op->name_len, 64);
		snprintf(n1, sizeof(n1), " '%s'", e);
	}
	if (op->name2 != NULL) {
		fg_escape(e, sizeof(e), op->name2, op->name2_len, 64);
		snprintf(n2, sizeof(n2), " '%s'", e);
	}
	fg_sess_trace(s, "-> %s unique %llu nodeid %llu%s%s len %zu",
	    fg_opcode_name(r->opcode), (unsigned long long)r->unique,
	    (unsigned long long)r->nodeid, n1, n2, total);
}

int
fg_submit(struct fg_session *s, const struct fg_op *op, fg_done_fn *done,
    void *arg, struct fg_req **reqp)
{
	const struct fg_opdef *d = fg_wire_op(op->opcode);
	static const char nul = '\0';
	struct iovec iov[7];
	struct fg_req *r;
	size_t in_size, total;
	bool has_name, has_name2;
	int n = 1, err;

	if (s->state == FG_S_BROKEN || s->break_pending || s->closing)
		return -EIO;
	if (s->state != FG_S_READY || d == NULL || (d->flags & FG_OPF_INTERNAL))
		return -EINVAL;
	in_size = fg_wire_in_size(op->opcode, s->info.minor, s->info.flags);
	if (op->in_len < in_size || (in_size > 0 && op->in == NULL))
		return -EINVAL;
	has_name = (d->flags & FG_OPF_NAME) != 0;
	has_name2 = (d->flags & FG_OPF_NAME2) != 0;
	if (has_name != (op->name != NULL) ||
	    has_name2 != (op->name2 != NULL) ||
	    (has_name && !name_ok(op->name, op->name_len)) ||
	    (has_name2 && !name_ok(op->name2, op->name2_len)) ||
	    (!(d->flags & FG_OPF_DATA) && op->data_len > 0) ||
	    (op->data_len > 0 && op->data == NULL))
		return -EINVAL;
	total = IN_HDR + in_size + op->data_len;
	if (has_name)
		total += op->name_len + 1;
	if (has_name2)
		total += op->name2_len + 1;
	if (total > s->max_msg || total > s->info.max_write + FG_HDR_SLACK)
		return -EMSGSIZE;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	err = expect_sizes(s, d, op, r);
	if (err < 0) {
		free(r);
		return err;
	}
	r->nodeid = op->nodeid;
	r->opcode = op->opcode;
	r->done = done;
	r->arg = arg;
	if (in_size > 0)
		iov[n++] = (struct iovec){(void *)op->in, in_size};
	if (has_name) {
		iov[n++] = (struct iovec){(void *)op->name, op->name_len};
		iov[n++] = (struct iovec){(void *)&nul, 1};
	}
	if (has_name2) {
		iov[n++] = (struct iovec){(void *)op->name2, op->name2_len};
		iov[n++] = (struct iovec){(void *)&nul, 1};
	}
	if (op->data_len > 0)
		iov[n++] = (struct iovec){(void *)op->data, op->data_len};
	err = fg_sess_submit_raw(s, r, &op->ctx, iov, n, total);
	if (err < 0) {
		free(r);
		return err;
	}
	if (s->hooks.trace_cb != NULL)
		trace_request(s, r, op, total);
	if (reqp != NULL)
		*reqp = r;
	return 0;
}

int
fg_interrupt(struct fg_req *req)
{
	struct fg_session *s = req->s;

	assert(req->state != FG_REQ_DONE);
	if (s->intr_off)
		return -ENOSYS;
	if (req->intr != FG_INTR_NONE || s->state == FG_S_BROKEN || s->closing)
		return 0;
	return fg_sess_send_interrupt(req);
}

void
fg_req_detach(struct fg_req *req)
{
	fg_req_set_state(req, FG_REQ_DETACHED);
}

void
fg_req_detach_then(struct fg_req *req, void (*gone_fn)(void *arg), void *arg)
{
	req->gone_fn = gone_fn;
	req->gone_arg = arg;
	fg_req_detach(req);
}

uint64_t
fg_req_unique(const struct fg_req *req)
{
	return req->unique;
}
