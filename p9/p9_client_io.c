/* SPDX-License-Identifier: MIT */
/*
 * p9_client_io: file data and directory reads. Single Tread/Twrite calls,
 * and streams that keep a window of Treads or Twrites in flight on one
 * connection (each under its own tag, replies taken in any order, data
 * handed on in file order), and directory listings as 9P2000.L dirents or
 * 9P2000/.u stat entries.
 *
 * It does not cache, read ahead beyond the window, or retry a failed
 * request: the first error ends a stream after the requests still in
 * flight have been answered.
 */
#include "p9_client_int.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

ssize_t
p9c_read(struct p9c *c, uint32_t fid, void *buf, size_t len, uint64_t off)
{
	struct p9_msg tx, rx;
	uint32_t n = p9c_iosize(c, fid);
	void *frame;
	ssize_t count;
	int r;

	if (len < n)
		n = (uint32_t)len;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TREAD;
	tx.tread.fid = fid;
	tx.tread.offset = off;
	tx.tread.count = n;
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	if (rx.rread.count > n) {
		free(frame);
		return p9c_fail(c, -EPROTO);
	}
	if (rx.rread.count > 0)
		memcpy(buf, rx.rread.data, rx.rread.count);
	count = rx.rread.count;
	free(frame);
	return count;
}

ssize_t
p9c_write(
    struct p9c *c, uint32_t fid, const void *buf, size_t len, uint64_t off)
{
	struct p9_msg tx, rx;
	uint32_t n = p9c_iosize(c, fid);
	void *frame;
	ssize_t count;
	int r;

	if (len < n)
		n = (uint32_t)len;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TWRITE;
	tx.twrite.fid = fid;
	tx.twrite.offset = off;
	tx.twrite.count = n;
	tx.twrite.data = n > 0 ? buf : "";
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	if (rx.rwrite.count > n) {
		free(frame);
		return p9c_fail(c, -EPROTO);
	}
	count = rx.rwrite.count;
	free(frame);
	return count;
}

/* ------------------------------------------------------------- streams */

/*
 * One request of a stream: a chunk of the file at off, len bytes, of which
 * `done` have been read or written. Idle slots are not in flight.
 */
struct slot {
	uint16_t tag;
	bool busy; /* a request is in flight */
	bool used; /* holds a chunk not yet finished */
	bool eof;  /* a read came back empty */
	uint64_t off;
	uint32_t len;
	uint32_t done;
	uint8_t *buf;
};

struct stream {
	struct p9c *c;
	uint32_t fid;
	uint32_t chunk;
	unsigned n; /* slots */
	unsigned nbusy;
	struct slot *s;
	uint64_t since; /* arrival number when the tags were taken */
	bool tags_lost; /* a timeout: keep the tags reserved */
};

static bool
stream_want_cb(void *arg, uint16_t tag)
{
	const struct stream *st = arg;

	for (unsigned i = 0; i < st->n; i++)
		if (st->s[i].busy && st->s[i].tag == tag)
			return true;
	return false;
}

static int
stream_init(struct stream *st, struct p9c *c, uint32_t fid, unsigned window)
{
	if (window == 0)
		window = P9C_DEFAULT_WINDOW;
	if (window > P9C_MAX_WINDOW)
		window = P9C_MAX_WINDOW;
	memset(st, 0, sizeof(*st));
	st->c = c;
	st->fid = fid;
	st->chunk = p9c_iosize(c, fid);
	st->n = window;
	st->since = p9c_seq(c);
	st->s = calloc(window, sizeof(*st->s));
	if (st->s == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < window; i++) {
		int r = p9c_tag_alloc(c, &st->s[i].tag);

		if (r < 0) {
			st->n = i; /* slots 0..i-1 hold a tag */
			return r;
		}
		st->s[i].buf = malloc(st->chunk);
		if (st->s[i].buf == NULL) {
			st->n = i + 1;
			return -ENOMEM;
		}
	}
	return 0;
}

static void
stream_fini(struct stream *st)
{
	for (unsigned i = 0; i < st->n; i++) {
		if (!(st->tags_lost && st->s[i].busy))
			p9c_tag_free(st->c, st->s[i].tag);
		free(st->s[i].buf);
	}
	free(st->s);
}

/* Send the slot's request for what is left of its chunk. */
static int
slot_send(struct stream *st, struct slot *s, bool write)
{
	struct p9_msg tx;
	int r;

	memset(&tx, 0, sizeof(tx));
	tx.tag = s->tag;
	if (write) {
		tx.type = P9_TWRITE;
		tx.twrite.fid = st->fid;
		tx.twrite.offset = s->off + s->done;
		tx.twrite.count = s->len - s->done;
		tx.twrite.data = s->buf + s->done;
	} else {
		tx.type = P9_TREAD;
		tx.tread.fid = st->fid;
		tx.tread.offset = s->off + s->done;
		tx.tread.count = s->len - s->done;
	}
	r = p9c_send(st->c, &tx);
	if (r < 0)
		return r;
	s->busy = true;
	st->nbusy++;
	return 0;
}

/*
 * Wait for the next reply of a slot in flight: *sp is that slot, *count
 * the Rread/Rwrite count (data copied into the slot for a read). Returns 0,
 * an error reply's errno (the slot is idle then), or a transport error.
 */
static int
stream_next(struct stream *st, bool write, int64_t deadline, struct slot **sp,
    uint32_t *count)
{
	struct p9_msg rx;
	struct slot *s = NULL;
	uint8_t *buf;
	size_t len;
	int r;

	r = p9c_wait(
	    st->c, st->since, stream_want_cb, st, deadline, &buf, &len);
	if (r < 0) {
		if (r == -ETIMEDOUT)
			st->tags_lost = true;
		return r;
	}
	r = p9c_decode(st->c, buf, len, &rx);
	for (unsigned i = 0; i < st->n; i++)
		if (st->s[i].busy && st->s[i].tag == rx.tag)
			s = &st->s[i];
	if (s == NULL) { /* cannot be: want_cb matched the tag */
		free(buf);
		return p9c_fail(st->c, -EPROTO);
	}
	s->busy = false;
	st->nbusy--;
	*sp = s;
	if (r < 0) {
		free(buf);
		return p9c_fail(st->c, -EBADMSG);
	}
	r = p9c_reply_errno(&rx);
	if (r == 0 && rx.type != (write ? P9_RWRITE : P9_RREAD))
		r = p9c_fail(st->c, -EPROTO);
	if (r == 0) {
		*count = write ? rx.rwrite.count : rx.rread.count;
		if (*count > s->len - s->done)
			r = p9c_fail(st->c, -EPROTO);
		else if (!write && *count > 0)
			memcpy(s->buf + s->done, rx.rread.data, *count);
	}
	free(buf);
	return r;
}

/* After an error: collect the replies still due, then return err. */
static int
stream_drain(struct stream *st, bool write, int64_t deadline, int err)
{
	while (st->nbusy > 0 && st->c->err == 0) {
		struct slot *s;
		uint32_t count;
		int r = stream_next(st, write, deadline, &s, &count);

		if (r == -ETIMEDOUT || st->c->err != 0)
			break;
	}
	return err;
}

int
p9c_read_stream(struct p9c *c, uint32_t fid, uint64_t off, uint64_t max,
    unsigned window, p9c_sink_fn *sink, void *arg, uint64_t *total)
{
	int64_t deadline = p9c_deadline(c->timeout_ms);
	uint64_t end, next = off, given = 0;
	struct stream st;
	unsigned head = 0;
	bool stop = false;
	int r;

	if (total != NULL)
		*total = 0;
	if (c->err != 0)
		return c->err;
	end = max > UINT64_MAX - off ? UINT64_MAX : off + max;
	r = stream_init(&st, c, fid, window);
	/* start one chunk per slot, in ring order from head */
	for (unsigned i = 0; r == 0 && i < st.n && next < end; i++) {
		struct slot *s = &st.s[i];

		s->used = true;
		s->off = next;
		s->len =
		    end - next < st.chunk ? (uint32_t)(end - next) : st.chunk;
		s->done = 0;
		next += s->len;
		r = slot_send(&st, s, false);
	}
	while (r == 0 && st.nbusy > 0) {
		struct slot *s;
		uint32_t count;

		r = stream_next(&st, false, deadline, &s, &count);
		if (r < 0)
			break;
		if (!s->used)
			continue; /* beyond an end of file already seen */
		s->done += count;
		if (count == 0)
			s->eof = stop = true;
		else if (s->done < s->len) {
			r = slot_send(&st, s, false); /* short: the rest */
			continue;
		}
		/* hand on every finished chunk at the head, in order */
		for (;;) {
			struct slot *h = &st.s[head];

			if (!h->used || h->busy)
				break;
			if (h->done > 0) {
				r = sink(arg, h->buf, h->done, h->off);
				if (r < 0)
					break;
				given += h->done;
			}
			h->used = false;
			if (h->eof) {
				/* what lies beyond the end is not wanted */
				stop = true;
				for (unsigned i = 0; i < st.n; i++)
					st.s[i].used = false;
				break;
			}
			if (!stop && next < end) {
				h->used = true;
				h->off = next;
				h->len = end - next < st.chunk
				             ? (uint32_t)(end - next)
				             : st.chunk;
				h->done = 0;
				next += h->len;
				r = slot_send(&st, h, false);
				if (r < 0)
					break;
			}
			head = (head + 1) % st.n;
		}
	}
	if (r < 0)
		r = stream_drain(&st, false, deadline, r);
	stream_fini(&st);
	if (total != NULL)
		*total = given;
	return r;
}

struct membuf {
	uint8_t *p;
	size_t len;
	size_t pos;
	uint64_t base;
};

static int
mem_sink_cb(void *arg, const void *data, size_t len, uint64_t off)
{
	struct membuf *m = arg;

	memcpy(m->p + (off - m->base), data, len);
	return 0;
}

ssize_t
p9c_pread(struct p9c *c, uint32_t fid, void *buf, size_t len, uint64_t off,
    unsigned window)
{
	struct membuf m = {.p = buf, .len = len, .base = off};
	uint64_t total;
	int r;

	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	r = p9c_read_stream(c, fid, off, len, window, mem_sink_cb, &m, &total);
	if (r < 0)
		return r;
	return (ssize_t)total;
}

/* Fill a slot's buffer from source: a whole chunk unless it ends. */
static ssize_t
fill_slot(struct slot *s, uint32_t chunk, p9c_source_fn *source, void *arg)
{
	size_t have = 0;

	while (have < chunk) {
		ssize_t n = source(arg, s->buf + have, chunk - have);

		if (n < 0)
			return n;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	return (ssize_t)have;
}

int
p9c_write_stream(struct p9c *c, uint32_t fid, uint64_t off, unsigned window,
    p9c_source_fn *source, void *arg, uint64_t *total)
{
	int64_t deadline = p9c_deadline(c->timeout_ms);
	uint64_t next = off, written = 0;
	struct stream st;
	bool at_end = false;
	int r;

	if (total != NULL)
		*total = 0;
	if (c->err != 0)
		return c->err;
	r = stream_init(&st, c, fid, window);
	for (;;) {
		struct slot *s;
		uint32_t count;

		/* keep every idle slot busy while the source has bytes */
		for (unsigned i = 0; r == 0 && !at_end && i < st.n; i++) {
			ssize_t n;

			if (st.s[i].busy)
				continue;
			n = fill_slot(&st.s[i], st.chunk, source, arg);
			if (n < 0) {
				r = (int)n;
				break;
			}
			if (n == 0) {
				at_end = true;
				break;
			}
			st.s[i].off = next;
			st.s[i].len = (uint32_t)n;
			st.s[i].done = 0;
			next += (uint64_t)n;
			r = slot_send(&st, &st.s[i], true);
			if ((uint32_t)n < st.chunk)
				at_end = true;
		}
		if (r < 0 || st.nbusy == 0)
			break;
		r = stream_next(&st, true, deadline, &s, &count);
		if (r < 0)
			break;
		if (count == 0) {
			r = -EIO;
			break;
		}
		s->done += count;
		written += count;
		if (s->done < s->len)
			r = slot_send(&st, s, true); /* short: the rest */
	}
	if (r < 0)
		r = stream_drain(&st, true, deadline, r);
	stream_fini(&st);
	if (total != NULL)
		*total = written;
	return r;
}

static ssize_t
mem_source_cb(void *arg, void *buf, size_t len)
{
	struct membuf *m = arg;
	size_t n = m->len - m->pos;

	if (n > len)
		n = len;
	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

ssize_t
p9c_pwrite(struct p9c *c, uint32_t fid, const void *buf, size_t len,
    uint64_t off, unsigned window)
{
	struct membuf m = {.p = (uint8_t *)buf, .len = len};
	uint64_t total;
	int r;

	if (len > SSIZE_MAX)
		return -EINVAL;
	r = p9c_write_stream(c, fid, off, window, mem_source_cb, &m, &total);
	if (r < 0)
		return r;
	return (ssize_t)total;
}

/* ----------------------------------------------------------- directories */

ssize_t
p9c_readdir(
    struct p9c *c, uint32_t fid, uint64_t off, void *buf, uint32_t count)
{
	struct p9_msg tx, rx;
	uint32_t max = c->msize - P9_READDIRHDRSZ;
	void *frame;
	ssize_t n;
	int r;

	if (c->dialect != P9_V_2000L)
		return -EOPNOTSUPP;
	if (count > max)
		count = max;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TREADDIR;
	tx.treaddir.fid = fid;
	tx.treaddir.offset = off;
	tx.treaddir.count = count;
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0)
		return r;
	if (rx.rreaddir.count > count) {
		free(frame);
		return p9c_fail(c, -EPROTO);
	}
	if (rx.rreaddir.count > 0)
		memcpy(buf, rx.rreaddir.data, rx.rreaddir.count);
	n = rx.rreaddir.count;
	free(frame);
	return n;
}

/* largest directory read asked for at once */
#define DIRBUF_MAX (256u * 1024u)

static uint8_t
dtype_from_mode(uint32_t mode)
{
	return (uint8_t)IFTODT(mode);
}

/* Call fn for every entry of one buffer; *next_off gets the last cookie. */
static int
dirents_each(struct p9c *c, const uint8_t *buf, size_t len, char *name,
    p9c_dirent_fn *fn, void *arg, uint64_t *next_off)
{
	size_t pos = 0;

	while (pos < len) {
		struct p9c_dirent de;
		struct p9_stat st;
		struct p9_str nm;
		size_t used;
		int r;

		memset(&de, 0, sizeof(de));
		if (c->dialect == P9_V_2000L) {
			r = p9_dirent_get(buf + pos, len - pos, &de.qid,
			    &de.offset, &de.type, &nm, &used);
			if (r == 0)
				*next_off = de.offset;
		} else {
			r = p9_stat_get(
			    buf + pos, len - pos, c->dialect, &st, &used);
			if (r == 0) {
				struct p9c_attr a;

				p9c_attr_from_stat(&st, c->dialect, &a);
				nm = st.name;
				de.qid = st.qid;
				de.type = dtype_from_mode(a.mode);
				de.stat = &st;
			}
		}
		if (r < 0)
			return r;
		if (used == 0)
			return -EBADMSG;
		pos += used;
		p9c_strlcpy(name, (size_t)UINT16_MAX + 1, &nm);
		de.name = name;
		r = fn(arg, &de);
		if (r != 0)
			return r;
	}
	return 0;
}

int
p9c_readdir_all(struct p9c *c, uint32_t fid, p9c_dirent_fn *fn, void *arg)
{
	uint32_t size = p9c_iosize(c, fid);
	uint64_t off = 0;
	uint8_t *buf;
	char *name;
	int r = 0;

	if (size > DIRBUF_MAX)
		size = DIRBUF_MAX;
	buf = malloc(size);
	name = malloc((size_t)UINT16_MAX + 1);
	if (buf == NULL || name == NULL) {
		free(buf);
		free(name);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n;
		uint64_t next = off;

		if (c->dialect == P9_V_2000L)
			n = p9c_readdir(c, fid, off, buf, size);
		else
			n = p9c_read(c, fid, buf, size, off);
		if (n <= 0) {
			r = (int)n;
			break;
		}
		r = dirents_each(c, buf, (size_t)n, name, fn, arg, &next);
		if (r != 0)
			break;
		/* .L continues at the last cookie, 9P2000 at the byte offset */
		off = c->dialect == P9_V_2000L ? next : off + (uint64_t)n;
	}
	free(buf);
	free(name);
	return r;
}
