/* SPDX-License-Identifier: MIT */
/*
 * A 9P connection: framing its input, its tag table, its output queue and
 * backpressure, and its end. A connection is read only while it has fewer
 * requests in flight than --max-requests and less queued output than the
 * bound; a bad frame closes it with a log line. It is never freed inside its
 * own callback: gw_conn_close() marks it and the reaper (gw_main.c) frees it.
 * It does not interpret messages; gw_dispatch.c does.
 */
#include <errno.h>
#include <malloc.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gw_int.h"

static void read_cb(evutil_socket_t fd, short what, void *arg);
static void write_cb(evutil_socket_t fd, short what, void *arg);
static void flush_cb(evutil_socket_t fd, short what, void *arg);
static void close_if_done(struct gw_conn *c);

void
gw_conn_warn_once(struct gw_conn *c, unsigned cause, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (c->warned & cause)
		return;
	c->warned |= cause;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_warn("%s: %s", c->subject, line);
}

int
gw_conn_new(struct gw_server *srv, int in_fd, int out_fd, const char *peer,
    bool stdio)
{
	struct gw_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->srv = srv;
	c->id = ++srv->next_conn_id;
	snprintf(c->subject, sizeof(c->subject), "conn %u (%s)", c->id, peer);
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->stdio = stdio;
	c->msize = srv->opts->msize;
	c->ibuf = malloc(GW_INPUT_BUFFER);
	c->out = evbuffer_new();
	c->flush_ev = event_new(srv->base, -1, 0, flush_cb, c);
	c->rd_ev = event_new(srv->base, in_fd, EV_READ | EV_PERSIST, read_cb, c);
	c->wr_ev = event_new(srv->base, out_fd, EV_WRITE | EV_PERSIST, write_cb,
	    c);
	if (!c->ibuf || !c->out || !c->rd_ev || !c->wr_ev || !c->flush_ev) {
		free(c->ibuf);
		if (c->flush_ev)
			event_free(c->flush_ev);
		if (c->out)
			evbuffer_free(c->out);
		if (c->rd_ev)
			event_free(c->rd_ev);
		if (c->wr_ev)
			event_free(c->wr_ev);
		free(c);
		return -ENOMEM;
	}
	c->next = srv->conns;
	srv->conns = c;
	srv->nconns++;
	log_verbose("%s: connected", c->subject);
	gw_conn_check_reading(c);
	return 0;
}

void
gw_conn_close(struct gw_conn *c, const char *why)
{
	if (c->state == GW_CONN_CLOSING)
		return;
	c->state = GW_CONN_CLOSING;
	log_verbose("%s: closed: %s", c->subject, why);
	event_del(c->rd_ev);
	event_del(c->wr_ev);
	event_del(c->flush_ev);
	c->reading = false;
	gw_schedule_reap(c->srv);
}

struct gw_req *
gw_conn_find_req(struct gw_conn *c, uint16_t tag)
{
	for (struct gw_req *r = c->tags[tag & 255]; r; r = r->hnext)
		if (r->tag == tag)
			return r;
	return NULL;
}

void
gw_conn_req_ended(struct gw_conn *c, struct gw_req *r)
{
	struct gw_req **pp = &c->tags[r->tag & 255];

	while (*pp && *pp != r)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = r->hnext;
	if (r->aprev) {
		*r->aprev = r->anext;
		if (r->anext)
			r->anext->aprev = r->aprev;
	}
	c->nreqs--;
	c->reserved -= r->reserved;
	if (c->srv->stopping)
		gw_schedule_reap(c->srv);	/* re-checks the shutdown */
	if (r->fid)
		gw_fid_put(c, r->fid);
	if (r->newfid)
		gw_fid_put(c, r->newfid);
	gw_conn_check_reading(c);
	close_if_done(c);
}

void
gw_conn_check_reading(struct gw_conn *c)
{
	struct gw_server *srv = c->srv;
	bool want = c->state == GW_CONN_OPEN && !srv->stopping &&
	    c->nreqs < srv->opts->max_requests &&
	    evbuffer_get_length(c->out) + c->reserved <=
		srv->opts->output_bound &&
	    !c->in_eof;

	if (want == c->reading)
		return;
	c->reading = want;
	if (want) {
		event_add(c->rd_ev, NULL);
		/* Frames may already be buffered. */
		event_active(c->rd_ev, EV_READ, 0);
	} else {
		event_del(c->rd_ev);
	}
}

void
gw_conn_queued(struct gw_conn *c)
{
	if (c->state != GW_CONN_OPEN)
		return;
	/* Replies queued in one turn of the loop go out in one write, after
	 * the callback that made them (flush_cb), without arming EV_WRITE
	 * unless the socket is full. */
	if (!c->flush_armed && evbuffer_get_length(c->out)) {
		c->flush_armed = true;
		event_active(c->flush_ev, EV_TIMEOUT, 0);
	}
}

/* After the input ended: close once every answer is out. */
static void
close_if_done(struct gw_conn *c)
{
	if (c->in_eof && c->nreqs == 0 && !evbuffer_get_length(c->out))
		gw_conn_close(c, "input ended, every request answered");
}

static void
write_out(struct gw_conn *c)
{
	while (evbuffer_get_length(c->out)) {
		int n = evbuffer_write(c->out, c->out_fd);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN) {
			gw_conn_close(c, strerror(errno));
			return;
		}
		if (n <= 0) {
			if (!event_pending(c->wr_ev, EV_WRITE, NULL))
				event_add(c->wr_ev, NULL);
			return;
		}
	}
	if (event_pending(c->wr_ev, EV_WRITE, NULL))
		event_del(c->wr_ev);
	gw_conn_check_reading(c);
	close_if_done(c);
}

static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gw_conn *c = arg;

	(void)fd;
	(void)what;
	c->flush_armed = false;
	if (c->state == GW_CONN_OPEN)
		write_out(c);
}

static void
write_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	write_out(arg);
}

/*
 * Input. Frames up to GW_INPUT_BUFFER bytes are read in batches into the
 * connection's buffer and copied out one by one; a larger frame (a big
 * Twrite) gets its own buffer, filled by reads of what is still missing,
 * and is dispatched without a further copy.
 */
static void
bad_size(struct gw_conn *c, uint32_t size)
{
	char why[128];

	snprintf(why, sizeof(why), "bad frame: size %u, must be %u..%u "
	    "(msize)", size, P9_HDRSZ, c->msize);
	gw_conn_close(c, why);
}

/* Dispatch the whole frames buffered, while the connection may read. */
static void
parse_input(struct gw_conn *c)
{
	while (c->reading && c->state == GW_CONN_OPEN && c->ilen >= 4 &&
	    !c->big) {
		uint32_t size = p9_frame_size(c->ibuf + c->ioff);
		if (size < P9_HDRSZ || size > c->msize) {
			bad_size(c, size);
			return;
		}
		if (c->ilen < size && size <= GW_INPUT_BUFFER)
			return;	/* the rest comes into the buffer */
		if (c->ilen < size) {
			/* Larger than the buffer: the rest is read straight
			 * into a frame buffer of its own. */
			void *frame = malloc(size);
			if (!frame) {
				gw_conn_close(c, "out of memory");
				return;
			}
			memcpy(frame, c->ibuf + c->ioff, c->ilen);
			c->big = frame;
			c->big_size = size;
			c->big_len = (uint32_t)c->ilen;
			c->ioff = c->ilen = 0;
			return;
		}
		const unsigned char *bytes = c->ibuf + c->ioff;
		c->ioff += size;
		c->ilen -= size;
		gw_dispatch_frame(c, bytes, NULL, size);
		gw_conn_check_reading(c);
	}
	if (c->ilen == 0)
		c->ioff = 0;
}

/* One read into the big frame or the buffer: >0, 0 at EOF, or -errno. */
static ssize_t
read_some(struct gw_conn *c)
{
	ssize_t n;

	if (c->big) {
		n = read(c->in_fd, c->big + c->big_len, c->big_size - c->big_len);
		if (n > 0) {
			c->big_len += (uint32_t)n;
			if (c->big_len == c->big_size) {
				void *frame = c->big;
				c->big = NULL;
				gw_dispatch_frame(c, NULL, frame, c->big_size);
				gw_conn_check_reading(c);
			}
		}
	} else {
		if (c->ioff + c->ilen == GW_INPUT_BUFFER) {
			memmove(c->ibuf, c->ibuf + c->ioff, c->ilen);
			c->ioff = 0;
		}
		n = read(c->in_fd, c->ibuf + c->ioff + c->ilen,
		    GW_INPUT_BUFFER - c->ioff - c->ilen);
		if (n > 0)
			c->ilen += (size_t)n;
	}
	return n < 0 ? -errno : n;
}

static void
read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gw_conn *c = arg;

	(void)fd;
	(void)what;
	/* A bounded number of reads per wake-up keeps connections fair. */
	for (int round = 0; round < 16; round++) {
		parse_input(c);	/* first: a paused connection resumes here */
		if (!c->reading || c->state != GW_CONN_OPEN)
			break;
		ssize_t n = read_some(c);
		if (n == 0) {
			if (c->ilen || c->big) {
				gw_conn_close(c, "peer closed mid-frame");
			} else if (c->in_fd != c->out_fd) {
				/* stdio: the client may have sent all it had
				 * and wait for the answers. */
				c->in_eof = true;
				gw_conn_check_reading(c);
				close_if_done(c);
			} else {
				gw_conn_close(c, "peer closed");
			}
			break;
		}
		if (n == -EINTR)
			continue;
		if (n < 0) {
			if (n != -EAGAIN)
				gw_conn_close(c, strerror((int)-n));
			break;
		}
	}
	parse_input(c);
	fg_session_flush(c->srv->fs);
}

/* Called by the reaper: end everything the connection still holds. */
void
gw_conn_free(struct gw_conn *c)
{
	struct gw_server *srv = c->srv;

	while (c->all) {
		struct gw_req *t = c->all->flush_target ? c->all->flush_target :
		    c->all;
		gw_flush_cancel(t);
		gw_req_drop(t);
	}
	gw_fid_clunk_all(c);
	for (struct gw_conn **pp = &srv->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	srv->nconns--;
	event_free(c->rd_ev);
	event_free(c->wr_ev);
	event_free(c->flush_ev);
	free(c->ibuf);
	free(c->big);
	evbuffer_free(c->out);
	if (c->in_fd >= 0)
		close(c->in_fd);
	if (c->out_fd >= 0 && c->out_fd != c->in_fd)
		close(c->out_fd);
	bool stdio = c->stdio;
	free(c);
	/* A connection that moved a lot of data leaves freed buffers in the
	 * heap; give them back. */
	malloc_trim(0);
	if (stdio)
		gw_shutdown(srv, "the stdio connection ended");
}
