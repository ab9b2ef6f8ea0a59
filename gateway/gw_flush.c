/* SPDX-License-Identifier: MIT */
/*
 * Tflush, as DESIGN.md §4 lays it out. The loop is single-threaded, so
 * there are no races between a flush and the completion of its target:
 *  - no victim, or oldtag == own tag: Rflush at once;
 *  - the victim is a Tflush: wait on that flush's target instead;
 *  - otherwise cancel the victim once (FUSE_INTERRUPT for its ops in flight)
 *    and append to its list. The victim's end queues its own reply (if it
 *    has one), then every Rflush in arrival order.
 * --flush-timeout bounds the wait: the victim is then dropped, its FUSE ops
 * detached (fuse_glue undoes their effects when they finish).
 */
#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>

#include "gw_int.h"

void
gw_flush_cancel(struct gw_req *t)
{
	if (t->state == GW_REQ_CANCELLED || t->state == GW_REQ_DONE)
		return;
	t->state = GW_REQ_CANCELLED;
	for (unsigned i = 0; i < t->nfuse; i++)
		(void)fg_interrupt(t->fuse[i]);	/* -ENOSYS: it will finish */
}

static void
timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gw_req *t = arg;

	(void)fd;
	(void)what;
	gw_conn_warn_once(t->conn, 1u << 4,
	    "%s tag %u: backend did not finish within --flush-timeout; "
	    "answering Tflush, its result will be undone",
	    p9_type_name(t->msg.type), t->tag);
	gw_req_drop(t);
}

void
gw_op_flush(struct gw_req *r)
{
	struct gw_conn *c = r->conn;
	uint16_t old = r->msg.tflush.oldtag;
	struct gw_req *v = old == r->tag ? NULL : gw_conn_find_req(c, old);
	struct p9_msg m = { .type = P9_RFLUSH };

	if (!v) {
		gw_req_reply(r, &m);
		return;
	}
	struct gw_req *t = v->flush_target ? v->flush_target : v;
	gw_flush_cancel(t);
	r->flush_target = t;
	struct gw_req **pp = &t->flush_head;
	while (*pp)
		pp = &(*pp)->flush_next;
	*pp = r;
	unsigned ms = c->srv->opts->flush_timeout_ms;
	if (ms && !t->flush_timer) {
		t->flush_timer = evtimer_new(c->srv->base, timeout_cb, t);
		if (t->flush_timer) {
			struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
			evtimer_add(t->flush_timer, &tv);
		}
	}
}

void
gw_flush_release(struct gw_req *t)
{
	struct gw_req *f = t->flush_head;

	t->flush_head = NULL;
	while (f) {
		struct gw_req *next = f->flush_next;
		struct p9_msg m = { .type = P9_RFLUSH };
		f->flush_target = NULL;
		f->flush_next = NULL;
		gw_req_reply(f, &m);
		f = next;
	}
}
