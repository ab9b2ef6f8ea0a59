/* SPDX-License-Identifier: MIT */
/*
 * A 9P request's life: the three terminal calls (reply, fail, drop), reply
 * encoding per dialect, and the bookkeeping of the FUSE ops it has in flight.
 * Ending a request queues its reply first, then the Rflush of every Tflush
 * that waited on it (gw_flush.c), and only then frees the tags. It does not
 * decide what a request does; the operations do.
 */
#include <assert.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "gw_int.h"

static unsigned
conn_dialect(const struct gw_conn *c)
{
	return c->dialect ? c->dialect : P9_V_2000;
}

static void
trace(struct gw_conn *c, const struct p9_msg *m)
{
	char line[512];

	if (gw_log_level_max < GW_LOG_DEBUG)
		return;
	if (p9_fmt(m, conn_dialect(c), line, sizeof(line)) < 0)
		strcpy(line, p9_type_name(m->type));
	log_debug("-> c%u %s", c->id, line);
}

static void
release_bufs(void *const *bufs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (bufs[i])
			fg_buf_release(bufs[i]);
}

static void
evbuf_release_cb(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	fg_buf_release(arg);
}

/* Encode m for r's connection and queue it; false if it cannot be encoded
 * (too large for msize), nothing queued then. */
static bool
queue_msg(struct gw_conn *c, struct p9_msg *m, void *const *bufs,
    const void *const *datas, const size_t *lens, size_t n)
{
	unsigned char small[4096];
	unsigned dialect = conn_dialect(c);
	/* Every reply strictly smaller than msize (DESIGN.md §3). */
	uint32_t limit = c->msize - 1;
	ssize_t len;

	trace(c, m);
	if (c->state != GW_CONN_OPEN) {
		release_bufs(bufs, n);
		return true;
	}
	if (n == 0) {
		/* Most replies fit the stack buffer: encode once, no sizing
		 * pass of its own. */
		len = p9_encode(m, dialect, limit, small, sizeof(small));
		if (len >= 0) {
			evbuffer_add(c->out, small, (size_t)len);
		} else {
			struct evbuffer_iovec v;
			ssize_t size = p9_size(m, dialect);
			if (len != -EMSGSIZE || size < 0 ||
			    (uint32_t)size > limit ||
			    evbuffer_reserve_space(c->out, size, &v, 1) < 1)
				return false;
			len = p9_encode(m, dialect, limit, v.iov_base,
			    (size_t)size);
			if (len != size)
				return false;
			v.iov_len = (size_t)len;
			evbuffer_commit_space(c->out, &v, 1);
		}
	} else {
		len = p9_encode_head(m, dialect, limit, small, sizeof(small));
		if (len < 0)
			return false;
		evbuffer_add(c->out, small, (size_t)len);
		for (size_t i = 0; i < n; i++) {
			if (!lens[i]) {
				if (bufs[i])
					fg_buf_release(bufs[i]);
				continue;
			}
			if (!bufs[i] || evbuffer_add_reference(c->out, datas[i],
			    lens[i], evbuf_release_cb, bufs[i]) < 0) {
				evbuffer_add(c->out, datas[i], lens[i]);
				if (bufs[i])
					fg_buf_release(bufs[i]);
			}
		}
	}
	gw_conn_queued(c);
	return true;
}

static void
req_end(struct gw_req *r)
{
	struct gw_conn *c = r->conn;

	assert(r->state != GW_REQ_DONE);
	r->state = GW_REQ_DONE;
	/* What a multi-step op built and no reply handed over is undone. */
	if (r->abandon_fn) {
		void (*fn)(struct gw_req *) = r->abandon_fn;
		r->abandon_fn = NULL;
		fn(r);
	}
	/* Ops still in flight are no longer wanted: fuse_glue undoes them.
	 * Their fid (and so its file handle) stays until they are over. */
	for (unsigned i = 0; i < r->nfuse; i++) {
		if (r->fid) {
			gw_fid_ref(r->fid);
			fg_req_detach_then(r->fuse[i], gw_fid_put_cb, r->fid);
		} else {
			fg_req_detach(r->fuse[i]);
		}
	}
	r->nfuse = 0;
	if (r->flush_timer) {
		event_free(r->flush_timer);
		r->flush_timer = NULL;
	}
	gw_flush_release(r);
	gw_conn_req_ended(c, r);
	free(r->op);
	free(r->frame);
	free(r);
}

void
gw_req_reply(struct gw_req *r, struct p9_msg *m)
{
	m->tag = r->tag;
	if (!queue_msg(r->conn, m, NULL, NULL, NULL, 0)) {
		gw_req_fail(r, -EMSGSIZE);
		return;
	}
	req_end(r);
}

void
gw_req_reply_data(struct gw_req *r, struct p9_msg *m, void *const *bufs,
    const void *const *datas, const size_t *lens, size_t n)
{
	m->tag = r->tag;
	if (!queue_msg(r->conn, m, bufs, datas, lens, n)) {
		release_bufs(bufs, n);
		gw_req_fail(r, -EMSGSIZE);
		return;
	}
	req_end(r);
}

void
gw_req_fail(struct gw_req *r, int err)
{
	struct p9_msg m = { .tag = r->tag };
	unsigned d = conn_dialect(r->conn);
	int e = err < 0 ? -err : err;

	if (e <= 0 || e > 4095)
		e = EIO;
	if (d == P9_V_2000L) {
		m.type = P9_RLERROR;
		m.rlerror.ecode = (uint32_t)e;
	} else {
		const char *s = p9_errstr(e);
		m.type = P9_RERROR;
		m.rerror.ename.s = s;
		m.rerror.ename.len = (uint16_t)strlen(s);
		m.rerror.errnum = (uint32_t)e;
	}
	if (!queue_msg(r->conn, &m, NULL, NULL, NULL, 0))
		gw_conn_close(r->conn, "reply does not fit msize");
	req_end(r);
}

void
gw_req_drop(struct gw_req *r)
{
	req_end(r);
}

void
gw_req_end_error(struct gw_req *r, int err)
{
	if (err == -EINTR && r->state == GW_REQ_CANCELLED)
		gw_req_drop(r);
	else
		gw_req_fail(r, err);
}

int
gw_req_submit(struct gw_req *r, const struct fg_op *op, fg_done_fn *done)
{
	struct fg_req *fr;
	int err;

	assert(r->nfuse < GW_REQ_MAXFUSE);
	err = fg_submit(r->conn->srv->fs, op, done, r, &fr);
	if (err < 0)
		return err;
	r->fuse[r->nfuse++] = fr;
	if (r->state == GW_REQ_NEW)
		r->state = GW_REQ_SENT;
	return 0;
}

void
gw_req_send(struct gw_req *r, const struct fg_op *op, fg_done_fn *done)
{
	int err = gw_req_submit(r, op, done);

	if (err < 0)
		gw_req_fail(r, err);
}

bool
gw_req_fuse_done(struct gw_req *r, struct fg_req *fr)
{
	for (unsigned i = 0; i < r->nfuse; i++) {
		if (r->fuse[i] == fr) {
			r->fuse[i] = r->fuse[--r->nfuse];
			break;
		}
	}
	return r->state == GW_REQ_CANCELLED;
}
