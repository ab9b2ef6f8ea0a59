/* SPDX-License-Identifier: MIT */
/*
 * p9_buf: the bounds-checked cursors every 9P byte goes through.
 *
 * Each primitive compares the length it needs with the bytes left (never
 * forming a pointer past the end), returns 0 or a negative errno, and does
 * not move the cursor on failure. Read failures note why in the cursor for
 * the caller's diagnostics. No layout knowledge here beyond the 9P basic
 * types (little-endian integers, qid, counted string).
 */
#include "p9_int.h"

#include <endian.h>
#include <errno.h>
#include <string.h>

int
p9_rd_fail(struct p9_rd *c, const char *why, uint64_t value, uint64_t limit)
{
	c->err = why;
	c->err_pos = (size_t)(c->p - c->start);
	c->err_value = value;
	c->err_limit = limit;
	return -EBADMSG;
}

void
p9_rd_adopt_err(struct p9_rd *c, const struct p9_rd *sub)
{
	if (sub->err == NULL)
		return;
	c->err = sub->err;
	c->err_pos = sub->err_pos;
	c->err_value = sub->err_value;
	c->err_limit = sub->err_limit;
}

void
p9_rd_init(struct p9_rd *c, const void *buf, size_t len)
{
	c->start = buf;
	c->p = buf;
	c->end = len > 0 ? c->p + len : c->p; /* no NULL + 0 */
	c->err = NULL;
	c->err_pos = 0;
	c->err_value = 0;
	c->err_limit = 0;
}

size_t
p9_rd_left(const struct p9_rd *c)
{
	return (size_t)(c->end - c->p);
}

size_t
p9_rd_pos(const struct p9_rd *c)
{
	return (size_t)(c->p - c->start);
}

static int
need(struct p9_rd *c, size_t n)
{
	if (n > p9_rd_left(c))
		return p9_rd_fail(c, "truncated", n, p9_rd_left(c));
	return 0;
}

/* Little-endian loads; memcpy of a constant size compiles to one move. */
static uint64_t
le(const uint8_t *p, size_t n)
{
	switch (n) {
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		return le16toh(v);
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return le32toh(v);
	}
	case 8: {
		uint64_t v;
		memcpy(&v, p, 8);
		return le64toh(v);
	}
	default:
		return p[0];
	}
}

int
p9_get_u8(struct p9_rd *c, uint8_t *v)
{
	if (need(c, 1) != 0)
		return -EBADMSG;
	*v = c->p[0];
	c->p += 1;
	return 0;
}

int
p9_get_u16(struct p9_rd *c, uint16_t *v)
{
	if (need(c, 2) != 0)
		return -EBADMSG;
	*v = (uint16_t)le(c->p, 2);
	c->p += 2;
	return 0;
}

int
p9_get_u32(struct p9_rd *c, uint32_t *v)
{
	if (need(c, 4) != 0)
		return -EBADMSG;
	*v = (uint32_t)le(c->p, 4);
	c->p += 4;
	return 0;
}

int
p9_get_u64(struct p9_rd *c, uint64_t *v)
{
	if (need(c, 8) != 0)
		return -EBADMSG;
	*v = le(c->p, 8);
	c->p += 8;
	return 0;
}

int
p9_get_qid(struct p9_rd *c, struct p9_qid *q)
{
	if (need(c, 13) != 0)
		return -EBADMSG;
	q->type = c->p[0];
	q->version = (uint32_t)le(c->p + 1, 4);
	q->path = le(c->p + 5, 8);
	c->p += 13;
	return 0;
}

int
p9_get_str(struct p9_rd *c, struct p9_str *s)
{
	const uint8_t *nul;
	uint16_t len;

	if (need(c, 2) != 0)
		return -EBADMSG;
	len = (uint16_t)le(c->p, 2);
	if (len > p9_rd_left(c) - 2)
		return p9_rd_fail(
		    c, "string truncated", len, p9_rd_left(c) - 2);
	nul = memchr(c->p + 2, 0, len);
	if (nul != NULL)
		return p9_rd_fail(
		    c, "NUL in string", (uint64_t)(nul - (c->p + 2)), len);
	s->len = len;
	s->s = (const char *)(c->p + 2);
	c->p += 2 + (size_t)len;
	return 0;
}

int
p9_get_count(struct p9_rd *c, uint16_t *n, uint16_t max)
{
	uint16_t v;

	if (need(c, 2) != 0)
		return -EBADMSG;
	v = (uint16_t)le(c->p, 2);
	if (v > max)
		return p9_rd_fail(c, "count over maximum", v, max);
	*n = v;
	c->p += 2;
	return 0;
}

int
p9_get_span(struct p9_rd *c, size_t n, const void **data)
{
	if (need(c, n) != 0)
		return -EBADMSG;
	*data = c->p;
	c->p += n;
	return 0;
}

int
p9_get_sub(struct p9_rd *c, size_t n, struct p9_rd *sub)
{
	if (need(c, n) != 0)
		return -EBADMSG;
	sub->start = c->start;
	sub->p = c->p;
	sub->end = c->p + n;
	sub->err = NULL;
	sub->err_pos = 0;
	sub->err_value = 0;
	sub->err_limit = 0;
	c->p += n;
	return 0;
}

int
p9_rd_done(struct p9_rd *c)
{
	if (p9_rd_left(c) != 0)
		return p9_rd_fail(c, "trailing bytes", p9_rd_left(c), 0);
	return 0;
}

void
p9_wr_init(struct p9_wr *w, void *buf, size_t len)
{
	w->start = buf;
	w->p = buf;
	w->end = len > 0 ? w->p + len : w->p;
}

size_t
p9_wr_pos(const struct p9_wr *w)
{
	return (size_t)(w->p - w->start);
}

static inline void
store_le(uint8_t *p, uint64_t v, size_t n)
{
	switch (n) {
	case 2: {
		uint16_t x = htole16((uint16_t)v);
		memcpy(p, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = htole32((uint32_t)v);
		memcpy(p, &x, 4);
		break;
	}
	case 8: {
		uint64_t x = htole64(v);
		memcpy(p, &x, 8);
		break;
	}
	default:
		p[0] = (uint8_t)v;
		break;
	}
}

static inline int
put_le(struct p9_wr *w, uint64_t v, size_t n)
{
	if (n > (size_t)(w->end - w->p))
		return -EMSGSIZE;
	store_le(w->p, v, n);
	w->p += n;
	return 0;
}

int
p9_put_u8(struct p9_wr *w, uint8_t v)
{
	return put_le(w, v, 1);
}

int
p9_put_u16(struct p9_wr *w, uint16_t v)
{
	return put_le(w, v, 2);
}

int
p9_put_u32(struct p9_wr *w, uint32_t v)
{
	return put_le(w, v, 4);
}

int
p9_put_u64(struct p9_wr *w, uint64_t v)
{
	return put_le(w, v, 8);
}

int
p9_put_qid(struct p9_wr *w, const struct p9_qid *q)
{
	if (13 > (size_t)(w->end - w->p))
		return -EMSGSIZE;
	put_le(w, q->type, 1);
	put_le(w, q->version, 4);
	put_le(w, q->path, 8);
	return 0;
}

int
p9_put_bytes(struct p9_wr *w, const void *data, size_t n)
{
	if (n > (size_t)(w->end - w->p))
		return -EMSGSIZE;
	if (n > 0)
		memcpy(w->p, data, n);
	w->p += n;
	return 0;
}

int
p9_put_str(struct p9_wr *w, const struct p9_str *s)
{
	if (2 + (size_t)s->len > (size_t)(w->end - w->p))
		return -EMSGSIZE;
	put_le(w, s->len, 2);
	return p9_put_bytes(w, s->s, s->len);
}
