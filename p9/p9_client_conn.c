/* SPDX-License-Identifier: MIT */
/*
 * p9_client_conn: the client's transport and connection object. Frames the
 * byte stream (size[4] checked against the negotiated msize before a byte
 * of the body is kept), sends whole messages while draining replies so that
 * neither side can block the other, and keeps unclaimed replies in arrival
 * order.
 *
 * It does not decode replies beyond their size and tag, nor choose
 * messages (p9_client_rpc.c and the operation files do); tags and fids are
 * p9_client_ids.c, addresses p9_client_dial.c.
 */
#include "p9_client_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* read-ahead buffer for small frames */
#define IN_CAP (64u * 1024u)

/* ------------------------------------------------------ object lifecycle */

int
p9c_new(int fd, struct p9c **out)
{
	struct p9c *c;
	int type;
	socklen_t tlen = sizeof(type);
	int fl;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		return -ENOMEM;
	}
	c->in = malloc(IN_CAP);
	if (c->in == NULL) {
		free(c);
		close(fd);
		return -ENOMEM;
	}
	c->in_cap = IN_CAP;
	c->fd = fd;
	c->is_sock = getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) == 0;
	c->timeout_ms = -1;
	c->msize = P9C_DEFAULT_MSIZE;
	c->rx_limit = P9C_DEFAULT_MSIZE;
	c->tag_next = 0;
	c->fid_hint = 0;
	fl = fcntl(fd, F_GETFL);
	if (fl != -1)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	*out = c;
	return 0;
}

void
p9c_free(struct p9c *c)
{
	struct p9c_frame *f, *next;

	if (c == NULL)
		return;
	for (f = c->q_head; f != NULL; f = next) {
		next = f->next;
		free(f->buf);
		free(f);
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c->in);
	free(c->rx_buf);
	free(c->fids);
	free(c);
}

int
p9c_connect(
    const char *addr, uint32_t msize, const char *version, struct p9c **out)
{
	struct p9c *c;
	int fd, r;

	r = p9c_dial(addr, &fd);
	if (r < 0)
		return r;
	r = p9c_new(fd, &c);
	if (r < 0)
		return r;
	r = p9c_version(c, msize, version);
	if (r < 0) {
		p9c_free(c);
		return r;
	}
	*out = c;
	return 0;
}

int
p9c_fd(const struct p9c *c)
{
	return c->fd;
}

void
p9c_set_timeout(struct p9c *c, int timeout_ms)
{
	c->timeout_ms = timeout_ms < 0 ? -1 : timeout_ms;
}

uint32_t
p9c_msize(const struct p9c *c)
{
	return c->msize;
}

unsigned
p9c_dialect(const struct p9c *c)
{
	return c->dialect;
}

int
p9c_error(const struct p9c *c)
{
	return c->err;
}

int
p9c_fail(struct p9c *c, int err)
{
	if (c->err == 0)
		c->err = err;
	return c->err;
}

/* -------------------------------------------------------------- clock */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
p9c_deadline(int timeout_ms)
{
	if (timeout_ms < 0)
		return -1;
	return now_ms() + timeout_ms;
}

/* Milliseconds left until deadline for poll(): -1 none, 0 expired. */
static int
time_left(int64_t deadline_ms)
{
	int64_t left;

	if (deadline_ms < 0)
		return -1;
	left = deadline_ms - now_ms();
	if (left <= 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/* ------------------------------------------------------------- receiving */

static void
queue_push(
    struct p9c *c, uint8_t *buf, size_t len, uint64_t seq, struct p9c_frame *f)
{
	f->next = NULL;
	f->seq = seq;
	f->len = len;
	f->buf = buf;
	if (c->q_tail != NULL)
		c->q_tail->next = f;
	else
		c->q_head = f;
	c->q_tail = f;
	c->q_len++;
}

/*
 * Move every complete frame out of the read-ahead buffer (and the frame in
 * progress) into the queue. Returns 0 or a sticky error.
 */
static int
extract_frames(struct p9c *c)
{
	for (;;) {
		struct p9c_frame *f;
		size_t avail = c->in_len - c->in_off;

		if (c->rx_buf == NULL) {
			uint32_t size;

			if (avail < 4)
				break;
			size = p9_frame_size(c->in + c->in_off);
			if (size < P9_HDRSZ || size > c->rx_limit)
				return p9c_fail(c, -EPROTO);
			c->rx_buf = malloc(size);
			if (c->rx_buf == NULL)
				return p9c_fail(c, -ENOMEM);
			c->rx_need = size;
			c->rx_have = 0;
		}
		if (avail > 0 && c->rx_have < c->rx_need) {
			size_t n = c->rx_need - c->rx_have;

			if (n > avail)
				n = avail;
			memcpy(c->rx_buf + c->rx_have, c->in + c->in_off, n);
			c->rx_have += n;
			c->in_off += n;
		}
		if (c->rx_have < c->rx_need)
			break;
		f = malloc(sizeof(*f));
		if (f == NULL)
			return p9c_fail(c, -ENOMEM);
		queue_push(c, c->rx_buf, c->rx_need, c->seq_next++, f);
		c->rx_buf = NULL;
		c->rx_have = c->rx_need = 0;
	}
	if (c->in_off == c->in_len)
		c->in_off = c->in_len = 0;
	return 0;
}

/*
 * One read() of whatever is there: into the frame in progress when one is
 * (no copy for big frames), else into the read-ahead buffer. Returns 1 when
 * bytes came, 0 when none were ready, or a sticky error.
 */
static int
read_some(struct p9c *c)
{
	ssize_t n;

	if (c->rx_buf != NULL && c->in_off == c->in_len) {
		n = read(
		    c->fd, c->rx_buf + c->rx_have, c->rx_need - c->rx_have);
		if (n > 0)
			c->rx_have += (size_t)n;
	} else {
		if (c->in_off > 0 && c->in_len == c->in_cap) {
			memmove(
			    c->in, c->in + c->in_off, c->in_len - c->in_off);
			c->in_len -= c->in_off;
			c->in_off = 0;
		}
		n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
		if (n > 0)
			c->in_len += (size_t)n;
	}
	if (n == 0)
		return p9c_fail(c, -ECONNRESET);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		return p9c_fail(c, -errno);
	}
	{
		int r = extract_frames(c);

		return r < 0 ? r : 1;
	}
}

/* Wait for readable, then read. 0 on timeout, 1 on progress, or error. */
static int
poll_read(struct p9c *c, int64_t deadline_ms)
{
	struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
	int r;

	r = poll(&pfd, 1, time_left(deadline_ms));
	if (r == -1)
		return errno == EINTR ? 1 : p9c_fail(c, -errno);
	if (r == 0)
		return 0;
	return read_some(c);
}

uint64_t
p9c_seq(const struct p9c *c)
{
	return c->seq_next;
}

int
p9c_wait(struct p9c *c, uint64_t since, p9c_want_fn *want, void *arg,
    int64_t deadline_ms, uint8_t **buf, size_t *len)
{
	for (;;) {
		struct p9c_frame *f, *prev = NULL;
		int r;

		for (f = c->q_head; f != NULL; prev = f, f = f->next) {
			uint16_t tag;

			if (f->seq < since)
				continue;
			tag = (uint16_t)(f->buf[5] | f->buf[6] << 8);
			if (want != NULL && !want(arg, tag))
				continue;
			if (prev != NULL)
				prev->next = f->next;
			else
				c->q_head = f->next;
			if (c->q_tail == f)
				c->q_tail = prev;
			c->q_len--;
			*buf = f->buf;
			*len = f->len;
			free(f);
			return 0;
		}
		if (c->err != 0)
			return c->err;
		r = poll_read(c, deadline_ms);
		if (r < 0)
			return r;
		if (r == 0)
			return -ETIMEDOUT;
	}
}

size_t
p9c_pending(const struct p9c *c)
{
	return c->q_len;
}

int
p9c_recv_raw(struct p9c *c, void **frame, size_t *len, int timeout_ms)
{
	uint8_t *buf;
	int r;

	r = p9c_wait(c, 0, NULL, NULL, p9c_deadline(timeout_ms), &buf, len);
	if (r < 0)
		return r;
	*frame = buf;
	return 0;
}

int
p9c_decode(
    const struct p9c *c, const uint8_t *buf, size_t len, struct p9_msg *m)
{
	unsigned dl = c->dialect != 0 ? c->dialect : c->want_dialect;

	return p9_decode(buf, len, dl != 0 ? dl : P9_V_2000L, m, NULL);
}

int
p9c_recv(struct p9c *c, struct p9_msg *m, void **frame, int timeout_ms)
{
	size_t len;
	int r;

	r = p9c_recv_raw(c, frame, &len, timeout_ms);
	if (r < 0)
		return r;
	return p9c_decode(c, *frame, len, m);
}

/* --------------------------------------------------------------- sending */

int
p9c_send_iov(struct p9c *c, const void *head, size_t head_len, const void *data,
    size_t data_len, int64_t deadline_ms)
{
	struct iovec iov[2] = {
	    {.iov_base = (void *)head, .iov_len = head_len},
	    {.iov_base = (void *)data, .iov_len = data_len},
	};
	struct iovec *v = iov;
	int nv = data_len > 0 ? 2 : 1;

	if (c->err != 0)
		return c->err;
	while (nv > 0) {
		ssize_t n;

		if (c->is_sock) {
			struct msghdr mh = {
			    .msg_iov = v, .msg_iovlen = (size_t)nv};

			n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
		} else
			n = writev(c->fd, v, nv);
		if (n < 0) {
			struct pollfd pfd = {
			    .fd = c->fd, .events = POLLIN | POLLOUT};
			int r;

			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return p9c_fail(c, -errno);
			r = poll(&pfd, 1, time_left(deadline_ms));
			if (r == -1 && errno != EINTR)
				return p9c_fail(c, -errno);
			if (r == 0)
				/* half a frame may be out: unusable now */
				return p9c_fail(c, -ETIMEDOUT);
			if (r > 0 && (pfd.revents & (POLLIN | POLLHUP))) {
				/* keep replies flowing so the peer can
				 * go on reading our request */
				r = read_some(c);
				if (r < 0)
					return r;
			}
			continue;
		}
		while (nv > 0 && (size_t)n >= v->iov_len) {
			n -= (ssize_t)v->iov_len;
			v++;
			nv--;
		}
		if (nv > 0) {
			v->iov_base = (uint8_t *)v->iov_base + n;
			v->iov_len -= (size_t)n;
		}
	}
	return 0;
}

int
p9c_raw_send(struct p9c *c, const void *buf, size_t len)
{
	return p9c_send_iov(c, buf, len, NULL, 0, p9c_deadline(c->timeout_ms));
}

int
p9c_send(struct p9c *c, const struct p9_msg *m)
{
	unsigned dl = c->dialect != 0 ? c->dialect : c->want_dialect;
	uint32_t limit = c->dialect != 0 ? c->msize : UINT32_MAX;
	uint8_t small[512];
	uint8_t *buf = small;
	const void *data = NULL;
	size_t data_len = 0;
	ssize_t size, n;
	int r;

	if (dl == 0)
		dl = P9_V_2000L;
	size = p9_size(m, dl);
	if (size < 0)
		return (int)size;
	/* the types p9_encode_head leaves the bulk data out of */
	if (m->type == P9_TWRITE) {
		data = m->twrite.data;
		data_len = m->twrite.count;
	} else if (m->type == P9_RREAD) {
		data = m->rread.data;
		data_len = m->rread.count;
	} else if (m->type == P9_RREADDIR) {
		data = m->rreaddir.data;
		data_len = m->rreaddir.count;
	}
	if ((size_t)size - data_len > sizeof(small)) {
		buf = malloc((size_t)size - data_len);
		if (buf == NULL)
			return -ENOMEM;
	}
	n = p9_encode_head(m, dl, limit, buf, (size_t)size - data_len);
	if (n < 0)
		r = (int)n;
	else
		r = p9c_send_iov(c, buf, (size_t)n, data, data_len,
		    p9c_deadline(c->timeout_ms));
	if (buf != small)
		free(buf);
	return r;
}
