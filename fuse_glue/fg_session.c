/* SPDX-License-Identifier: MIT */
/*
 * The FUSE session, kernel side: the table of requests in flight keyed by
 * `unique`, sending (one sendmsg per message, or a copy in the output
 * queue when the socket is full), receiving into pooled refcounted
 * buffers, dispatching checked replies (counting lookups, undoing what
 * detached requests built), FUSE_INTERRUPT with its EAGAIN/ENOSYS rules,
 * breaking the session when the backend misbehaves, and shutdown.
 *
 * It never blocks except in fg_session_free (bounded), never logs (hooks
 * report), and never trusts a reply before fg_wire_check_reply accepted
 * it. Building requests is fg_submit.c's, INIT fg_init.c's, the lookup
 * ledger and FORGET batching fg_ledger.c's.
 */
#include "fg_int.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUT_HDR sizeof(struct fuse_out_header)
#define IN_HDR sizeof(struct fuse_in_header)

/* ------------------------------------------------------ request table */

static size_t
hslot(const struct fg_session *s, uint64_t unique)
{
	return (size_t)(unique >> 1) & (s->nbuckets - 1);
}

static void
table_grow(struct fg_session *s)
{
	size_t n = s->nbuckets * 2;
	struct fg_req **nb = calloc(n, sizeof(*nb));

	if (nb == NULL)
		return; /* longer chains, still correct */
	for (struct fg_req *r = s->head; r != NULL; r = r->next) {
		size_t i = (size_t)(r->unique >> 1) & (n - 1);

		r->hnext = nb[i];
		nb[i] = r;
	}
	free(s->buckets);
	s->buckets = nb;
	s->nbuckets = n;
}

void
fg_table_insert(struct fg_session *s, struct fg_req *r)
{
	size_t i;

	if (s->ninflight >= s->nbuckets)
		table_grow(s);
	i = hslot(s, r->unique);
	r->hnext = s->buckets[i];
	s->buckets[i] = r;
	r->next = NULL;
	r->prev = s->tail;
	if (s->tail != NULL)
		s->tail->next = r;
	else
		s->head = r;
	s->tail = r;
	s->ninflight++;
}

static struct fg_req *
table_find(const struct fg_session *s, uint64_t unique)
{
	for (struct fg_req *r = s->buckets[hslot(s, unique)]; r != NULL;
	     r = r->hnext)
		if (r->unique == unique)
			return r;
	return NULL;
}

static void
table_remove(struct fg_session *s, struct fg_req *r)
{
	struct fg_req **pp = &s->buckets[hslot(s, r->unique)];

	while (*pp != r) {
		assert(*pp != NULL);
		pp = &(*pp)->hnext;
	}
	*pp = r->hnext;
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		s->head = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	else
		s->tail = r->prev;
	assert(s->ninflight > 0);
	s->ninflight--;
}

void
fg_req_set_state(struct fg_req *r, enum fg_req_state to)
{
	/* INFLIGHT -> DETACHED | DONE;  DETACHED -> DONE */
	assert((r->state == FG_REQ_INFLIGHT && to != FG_REQ_INFLIGHT) ||
	       (r->state == FG_REQ_DETACHED && to == FG_REQ_DONE));
	r->state = to;
}

/* ------------------------------------------------------------ helpers */

void
fg_sess_trace(struct fg_session *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (s->hooks.trace_cb == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->hooks.trace_cb(s->arg, line);
}

uint64_t
fg_sess_next_unique(struct fg_session *s)
{
	uint64_t u = s->next_unique;

	s->next_unique += 2;
	return u;
}

void
fg_sess_fill_in_header(struct fuse_in_header *ih, size_t len, uint32_t opcode,
    uint64_t unique, uint64_t nodeid, const struct fg_ctx *ctx)
{
	memset(ih, 0, sizeof(*ih));
	ih->len = (uint32_t)len;
	ih->opcode = opcode;
	ih->unique = unique;
	ih->nodeid = nodeid;
	if (ctx != NULL) {
		ih->uid = ctx->uid;
		ih->gid = ctx->gid;
		ih->pid = ctx->pid;
	}
}

static void
set_want_write(struct fg_session *s, bool want)
{
	if (s->want_write == want)
		return;
	s->want_write = want;
	if (s->hooks.want_write_cb != NULL && !s->closing)
		s->hooks.want_write_cb(s->arg, want);
}

static void
arm_timer(struct fg_session *s, unsigned ms)
{
	if (s->hooks.timer_cb == NULL || s->closing)
		return;
	s->timer_armed = true;
	s->hooks.timer_cb(s->arg, ms);
}

static void
queue_free(struct fg_session *s)
{
	while (s->qhead != NULL) {
		struct fg_qmsg *q = s->qhead;

		s->qhead = q->next;
		free(q);
	}
	s->qtail = NULL;
}

/* ------------------------------------------------------------ sending */

static bool
send_errno_is_full(int e)
{
	return e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS;
}

int
fg_sess_send(struct fg_session *s, const struct iovec *iov, int iovcnt)
{
	struct msghdr mh = {
	    .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt};
	struct fg_qmsg *q;
	size_t total = 0;
	ssize_t n;

	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (total > s->max_msg)
		return -EMSGSIZE;
	if (s->state == FG_S_BROKEN || s->break_pending)
		return 0; /* the request fails with -EIO on the break */
	if (s->qhead == NULL) {
		do
			n = sendmsg(s->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		while (n == -1 && errno == EINTR);
		if (n >= 0)
			return 0; /* SEQPACKET: all or nothing */
		if (errno == EMSGSIZE)
			return -EMSGSIZE;
		if (errno == EPIPE || errno == ECONNRESET)
			s->peer_gone = true;
		if (!send_errno_is_full(errno)) {
			fg_sess_break_later(s, "send: %s", strerror(errno));
			return 0;
		}
	}
	q = malloc(sizeof(*q) + total);
	if (q == NULL)
		return -ENOMEM;
	q->next = NULL;
	q->len = total;
	total = 0;
	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > 0)
			memcpy(
			    q->bytes + total, iov[i].iov_base, iov[i].iov_len);
		total += iov[i].iov_len;
	}
	if (s->qtail != NULL)
		s->qtail->next = q;
	else
		s->qhead = q;
	s->qtail = q;
	set_want_write(s, true);
	return 0;
}

/* Send what is queued. Returns 0 (maybe still queued) or -errno. */
static int
queue_drain(struct fg_session *s)
{
	while (s->qhead != NULL) {
		struct fg_qmsg *q = s->qhead;
		ssize_t n;

		struct iovec v = { q->bytes, q->len };
		struct msghdr mh = { .msg_iov = &v, .msg_iovlen = 1 };

		/* sendmsg, as everywhere: the gateway's filter has no sendto. */
		do
			n = sendmsg(s->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		while (n == -1 && errno == EINTR);
		if (n == -1 && (errno == EPIPE || errno == ECONNRESET))
			s->peer_gone = true;
		if (n == -1)
			return send_errno_is_full(errno) ? 0 : -errno;
		s->qhead = q->next;
		if (s->qhead == NULL)
			s->qtail = NULL;
		free(q);
	}
	set_want_write(s, false);
	return 0;
}

/* ---------------------------------------------------------- breaking */

static void complete(
    struct fg_session *s, struct fg_req *r, struct fg_reply *rep);

static void
fail_all(struct fg_session *s)
{
	while (s->head != NULL) {
		struct fg_req *r = s->head;
		struct fg_reply rep;

		table_remove(s, r);
		memset(&rep, 0, sizeof(rep));
		rep.error = -EIO;
		rep.opcode = r->opcode;
		complete(s, r, &rep);
	}
}

static void
vbreak(struct fg_session *s, const char *fmt, va_list ap)
{
	if (s->state == FG_S_BROKEN)
		return;
	s->state = FG_S_BROKEN;
	if (!s->break_pending)
		vsnprintf(s->why, sizeof(s->why), fmt, ap);
	s->break_pending = false;
	queue_free(s);
	set_want_write(s, false);
	fg_sess_trace(s, "-- broken: %s", s->why);
	fail_all(s);
	if (s->hooks.broken_cb != NULL && !s->in_init && !s->closing) {
		s->in_cb++;
		s->hooks.broken_cb(s->arg, s->why);
		s->in_cb--;
	}
}

void
fg_sess_break(struct fg_session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbreak(s, fmt, ap);
	va_end(ap);
}

void
fg_sess_break_later(struct fg_session *s, const char *fmt, ...)
{
	va_list ap;

	if (s->state == FG_S_BROKEN || s->break_pending)
		return;
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	s->break_pending = true;
	arm_timer(s, 0);
}

static bool
check_pending_break(struct fg_session *s)
{
	if (s->break_pending)
		fg_sess_break(s, "%s", s->why);
	return s->state == FG_S_BROKEN;
}

/* ---------------------------------------------------------- receiving */

static enum fg_find
sess_find(void *arg, uint64_t unique, struct fg_expect *e)
{
	struct fg_session *s = arg;
	uint64_t victim_unique = unique & ~FG_INT_REQ_BIT;
	struct fg_req *r = table_find(s, victim_unique);

	if (unique & FG_INT_REQ_BIT) {
		/* The kernel accepts only a bare header here, too. */
		e->opcode = FUSE_INTERRUPT;
		e->out_min = e->out_max = 0;
		if (r != NULL && r->intr == FG_INTR_SENT)
			return FG_FIND_OK;
		if (r != NULL && r->intr == FG_INTR_NONE)
			return FG_FIND_UNKNOWN;
		/* Victim finished, or a duplicate answer: harmless. Unique 1
		 * would name victim 0, which is never issued (uniques start
		 * at 2): unknown like any other never issued. */
		return victim_unique != 0 && victim_unique < s->next_unique
		           ? FG_FIND_STALE
		           : FG_FIND_UNKNOWN;
	}
	if (r == NULL)
		return FG_FIND_UNKNOWN;
	e->opcode = r->opcode;
	e->out_min = r->out_min;
	e->out_max = r->out_max;
	return FG_FIND_OK;
}

int
fg_sess_send_interrupt(struct fg_req *r)
{
	struct fg_session *s = r->s;
	struct fuse_in_header ih;
	struct fuse_interrupt_in ii = {.unique = r->unique};
	struct iovec iov[2] = {
	    {&ih, sizeof(ih)},
	    {&ii, sizeof(ii)},
	};
	int err;

	fg_sess_fill_in_header(&ih, sizeof(ih) + sizeof(ii), FUSE_INTERRUPT,
	    r->unique | FG_INT_REQ_BIT, 0, NULL);
	err = fg_sess_send(s, iov, 2);
	if (err == 0) {
		r->intr = FG_INTR_SENT;
		fg_sess_trace(s,
		    "-> INTERRUPT unique %llu nodeid 0 victim %llu",
		    (unsigned long long)ih.unique,
		    (unsigned long long)r->unique);
	}
	return err;
}

static void
interrupt_answered(struct fg_session *s, struct fg_req *r, int error)
{
	assert(r->intr == FG_INTR_SENT);
	if (error == -EAGAIN) {
		/* The backend had not seen the request yet. */
		r->intr = FG_INTR_WAIT;
		if (!s->timer_armed)
			arm_timer(s, FG_INTR_RESEND_MS);
		return;
	}
	r->intr = FG_INTR_ANSWERED;
	if (error == -ENOSYS)
		s->intr_off = true;
}

/* Post-process a reply to an entry operation; may change rep->error. */
static void
entry_reply(struct fg_session *s, struct fg_req *r, struct fg_reply *rep)
{
	uint64_t nodeid = rep->entry.nodeid;

	if (nodeid == 0) {
		/* LOOKUP: a negative entry. Elsewhere the kernel, too, turns
		 * it into EIO. Nothing was counted, nothing to undo. */
		rep->error = r->opcode == FUSE_LOOKUP ? -ENOENT : -EIO;
		return;
	}
	if (nodeid == FUSE_ROOT_ID)
		return; /* never counted, never forgotten */
	if (fg_ledger_add(s, nodeid) < 0) {
		/* Cannot track it: give it back at once and fail the op. */
		fg_ledger_forget_raw(s, nodeid, 1);
		rep->error = -ENOMEM;
		if (r->opcode == FUSE_CREATE)
			(void)fg_release(
			    s, nodeid, rep->open.fh, false, r->open_flags);
	}
}

/* Finish r (already out of the table): count, undo or call done. */
static void
complete(struct fg_session *s, struct fg_req *r, struct fg_reply *rep)
{
	const struct fg_opdef *d = fg_wire_op(r->opcode);
	bool detached = r->state == FG_REQ_DETACHED;

	if (rep->error == 0 && d != NULL && (d->flags & FG_OPF_ENTRY))
		entry_reply(s, r, rep);
	if (rep->error == 0 && r->opcode == FUSE_READDIRPLUS) {
		int err =
		    fg_ledger_add_dirents(s, rep->data, rep->len, detached);

		if (err == -EBADMSG) {
			/* Counted nothing; the session is about to break. */
			fg_sess_break_later(s,
			    "unique %llu: malformed READDIRPLUS entry",
			    (unsigned long long)r->unique);
			rep->error = -EIO;
		} else if (err < 0) {
			rep->error = err;
		}
	}
	fg_req_set_state(r, FG_REQ_DONE);
	if (detached) {
		if (rep->error == 0)
			fg_ledger_undo(s, r, rep);
		if (r->gone_fn != NULL) {
			s->in_cb++;
			r->gone_fn(r->gone_arg);
			s->in_cb--;
		}
	} else if (r->done != NULL) {
		s->in_cb++;
		r->done(r, rep, r->arg);
		s->in_cb--;
	}
	free(r);
}

static void
dispatch(struct fg_session *s, struct fg_buf *b, size_t n)
{
	struct fuse_out_header oh;
	struct fg_expect e;
	struct fg_reply rep;
	struct fg_req *r;
	char why[160];
	int c;

	c = fg_wire_check_reply(
	    b->data, n, b->size, sess_find, s, &oh, &e, why, sizeof(why));
	if (c < 0) {
		fg_sess_break(s, "%s", why);
		return;
	}
	fg_sess_trace(s, "<- unique %llu error %d len %zu",
	    (unsigned long long)oh.unique, oh.error, n);
	if (c != FG_CHECK_REPLY)
		return; /* notification, or late interrupt answer */
	if (oh.unique & FG_INT_REQ_BIT) {
		r = table_find(s, oh.unique & ~FG_INT_REQ_BIT);
		interrupt_answered(s, r, oh.error);
		return;
	}
	r = table_find(s, oh.unique);
	table_remove(s, r);
	memset(&rep, 0, sizeof(rep));
	rep.error = oh.error;
	rep.opcode = r->opcode;
	rep.len = n - OUT_HDR;
	rep.data = b->data + OUT_HDR;
	rep.buf = b;
	if (rep.error == 0)
		fg_wire_parse(r->opcode,
		    r->out_min == sizeof(struct fuse_getxattr_out) &&
		        r->out_max == r->out_min,
		    rep.data, rep.len, &rep);
	complete(s, r, &rep);
}

int
fg_session_on_readable(struct fg_session *s)
{
	if (s->state == FG_S_BROKEN || check_pending_break(s))
		return -EIO;
	for (;;) {
		struct fg_buf *b = fg_pool_get(s->pool);
		struct iovec iov;
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
		ssize_t n;

		if (b == NULL) {
			fg_sess_break(s, "out of memory for a reply buffer");
			return -EIO;
		}
		iov.iov_base = b->data;
		iov.iov_len = b->size;
		do
			n = recvmsg(s->fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
		while (n == -1 && errno == EINTR);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			fg_buf_release(b);
			return 0;
		}
		if (n == -1) {
			int e = errno;

			fg_buf_release(b);
			s->peer_gone = true;
			fg_sess_break(s, "receive: %s", strerror(e));
			return -EIO;
		}
		if (n == 0) {
			fg_buf_release(b);
			s->peer_gone = true;
			fg_sess_break(s, "backend closed the FUSE connection");
			return -EIO;
		}
		dispatch(s, b, (size_t)n);
		fg_buf_release(b);
		if (s->state == FG_S_BROKEN || check_pending_break(s))
			return -EIO;
	}
}

int
fg_session_on_writable(struct fg_session *s)
{
	int err;

	if (s->state == FG_S_BROKEN || check_pending_break(s))
		return -EIO;
	err = queue_drain(s);
	if (err < 0) {
		fg_sess_break(s, "send: %s", strerror(-err));
		return -EIO;
	}
	return 0;
}

void
fg_session_on_timer(struct fg_session *s)
{
	s->timer_armed = false;
	if (s->state == FG_S_BROKEN || check_pending_break(s))
		return;
	for (struct fg_req *r = s->head; r != NULL; r = r->next)
		if (r->intr == FG_INTR_WAIT && fg_sess_send_interrupt(r) < 0 &&
		    !s->timer_armed)
			arm_timer(s, FG_INTR_RESEND_MS); /* ENOMEM: later */
}

/* ------------------------------------------------------------ session */

struct fg_session *
fg_session_new(int fd, size_t sockbuf, const struct fg_hooks *hooks, void *arg)
{
	struct fg_session *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	if (sockbuf == 0) {
		int v = 0;
		socklen_t vl = sizeof(v);

		if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &vl) == 0 &&
		    v > 0)
			sockbuf = (size_t)v;
		else
			sockbuf = 212992; /* the Linux default */
	}
	s->fd = fd;
	s->sockbuf = sockbuf;
	s->max_msg =
	    sockbuf > FG_SOCK_OVERHEAD ? sockbuf - FG_SOCK_OVERHEAD : 0;
	if (hooks != NULL)
		s->hooks = *hooks;
	s->arg = arg;
	s->next_unique = 2;
	s->nbuckets = 64;
	s->nlbuckets = 64;
	s->buckets = calloc(s->nbuckets, sizeof(*s->buckets));
	s->lbuckets = calloc(s->nlbuckets, sizeof(*s->lbuckets));
	s->pool = fg_pool_new(FG_MIN_RECV_PAYLOAD + FG_HDR_SLACK);
	if (s->buckets == NULL || s->lbuckets == NULL || s->pool == NULL) {
		free(s->buckets);
		free(s->lbuckets);
		free(s->pool);
		free(s);
		return NULL;
	}
	return s;
}

const struct fg_info *
fg_session_info(const struct fg_session *s)
{
	return &s->info;
}

int
fg_session_fd(const struct fg_session *s)
{
	return s->fd;
}

bool
fg_session_is_broken(const struct fg_session *s)
{
	return s->state == FG_S_BROKEN || s->break_pending;
}

size_t
fg_session_inflight(const struct fg_session *s)
{
	return s->ninflight;
}

const char *
fg_session_why(const struct fg_session *s)
{
	return fg_session_is_broken(s) ? s->why : NULL;
}

static void
drain_blocking(struct fg_session *s, int timeout_ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (s->qhead != NULL && s->state != FG_S_BROKEN) {
		struct pollfd p = {.fd = s->fd, .events = POLLOUT};
		long spent;

		clock_gettime(CLOCK_MONOTONIC, &t);
		spent = (t.tv_sec - t0.tv_sec) * 1000 +
		        (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= timeout_ms ||
		    poll(&p, 1, (int)(timeout_ms - spent)) <= 0 ||
		    (p.revents & (POLLERR | POLLHUP)) || queue_drain(s) < 0)
			break;
	}
}

void
fg_session_free(struct fg_session *s)
{
	if (s == NULL)
		return;
	assert(s->in_cb == 0); /* never from inside a callback */
	s->closing = true;
	fail_all(s);
	if (s->state == FG_S_READY && !s->break_pending) {
		struct fuse_in_header ih;
		struct iovec iov = {&ih, sizeof(ih)};

		fg_ledger_forget_all(s);
		fg_session_flush(s);
		fg_sess_fill_in_header(&ih, sizeof(ih), FUSE_DESTROY,
		    fg_sess_next_unique(s), 0, NULL);
		if (fg_sess_send(s, &iov, 1) == 0)
			fg_sess_trace(s, "-> DESTROY unique %llu nodeid 0",
			    (unsigned long long)ih.unique);
		drain_blocking(s, FG_FREE_DRAIN_MS);
	}
	queue_free(s);
	fg_ledger_free(s);
	if (s->fd >= 0)
		close(s->fd);
	free(s->buckets);
	s->pool->dead = true;
	fg_pool_unref(s->pool);
	free(s);
}

size_t
fg_sess_recv_cap(const struct fg_session *s)
{
	return s->pool->bufsize - OUT_HDR;
}

void
fg_sess_set_recv_payload(struct fg_session *s, size_t payload)
{
	s->pool->bufsize = payload + FG_HDR_SLACK;
}
