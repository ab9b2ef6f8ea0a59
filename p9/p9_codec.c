/* SPDX-License-Identifier: MIT */
/*
 * p9_codec: the engine. One walker per direction (get, size, put) runs over
 * the field rows of p9_msgs.c; p9_decode, p9_size, p9_encode and
 * p9_encode_head are thin frames around them.
 *
 * This file knows the frame header (size[4] type[1] tag[2]) and what each
 * field kind looks like on the wire, nothing about particular messages.
 * Every byte is read and written through the cursors of p9_buf.c.
 */
#include "p9_int.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

bool
p9_dialect_ok(unsigned dialect)
{
	return dialect == P9_V_2000 || dialect == P9_V_2000U ||
	       dialect == P9_V_2000L;
}

const struct p9_msgdef *
p9_msgdef_get(uint8_t type, unsigned dialect)
{
	const struct p9_msgdef *def = &p9_msgdefs[type];

	if (def->name == NULL || (def->dialects & dialect) == 0)
		return NULL;
	return def;
}

const char *
p9_type_name(uint8_t type)
{
	return p9_msgdefs[type].name != NULL ? p9_msgdefs[type].name
	                                     : "unknown";
}

uint32_t
p9_frame_size(const void *hdr4)
{
	const uint8_t *p = hdr4;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

unsigned
p9_dialect_from_version(const char *s, size_t len)
{
	static const char base[] = "9P2000";
	const size_t blen = sizeof(base) - 1;

	if (len < blen || memcmp(s, base, blen) != 0)
		return 0;
	if (len == blen)
		return P9_V_2000;
	if (s[blen] != '.')
		return 0;
	if (len == blen + 2 && s[blen + 1] == 'L')
		return P9_V_2000L;
	if (len == blen + 2 && s[blen + 1] == 'u')
		return P9_V_2000U;
	/* version(5): the part before the first period names the version */
	return P9_V_2000;
}

/* ------------------------------------------------------------------ get */

static int
get_one(struct p9_rd *c, uint8_t kind, unsigned dialect, void *dst)
{
	switch (kind) {
	case P9_K_U8:
		return p9_get_u8(c, dst);
	case P9_K_U16:
		return p9_get_u16(c, dst);
	case P9_K_U32:
		return p9_get_u32(c, dst);
	case P9_K_U64:
		return p9_get_u64(c, dst);
	case P9_K_STR:
		return p9_get_str(c, dst);
	case P9_K_QID:
		return p9_get_qid(c, dst);
	case P9_K_STAT: {
		/* n[2] wraps exactly one stat entry */
		struct p9_rd sub;
		uint16_t n;

		if (p9_get_u16(c, &n) != 0)
			return -EBADMSG;
		if (p9_get_sub(c, n, &sub) != 0)
			return -EBADMSG;
		if (p9_stat_entry_get(&sub, dialect, dst) != 0 ||
		    p9_rd_done(&sub) != 0) {
			p9_rd_adopt_err(c, &sub);
			return -EBADMSG;
		}
		return 0;
	}
	default:
		/* ARRAY and DATA need their row; get_field handles them */
		assert(!"kind without a single-value reader");
		return -EBADMSG;
	}
}

static int
get_field(
    struct p9_rd *c, const struct p9_field *f, unsigned dialect, uint8_t *base)
{
	switch (f->kind) {
	case P9_K_ARRAY: {
		size_t esz = P9_KIND_SIZE(f->elem);
		uint16_t n;

		if (p9_get_count(c, &n, f->max) != 0)
			return -EBADMSG;
		memcpy(base + f->count_off, &n, sizeof(n));
		for (size_t i = 0; i < n; i++)
			if (get_one(c, f->elem, dialect,
			        base + f->off + i * esz) != 0)
				return -EBADMSG;
		return 0;
	}
	case P9_K_DATA: {
		uint32_t n;
		const void *data;

		if (p9_get_u32(c, &n) != 0)
			return -EBADMSG;
		if (p9_get_span(c, n, &data) != 0)
			return -EBADMSG;
		memcpy(base + f->count_off, &n, sizeof(n));
		memcpy(base + f->off, &data, sizeof(data));
		return 0;
	}
	default:
		return get_one(c, f->kind, dialect, base + f->off);
	}
}

int
p9_rec_get(struct p9_rd *c, const struct p9_field *fields, size_t n,
    unsigned dialect, void *base, const struct p9_field **bad)
{
	for (size_t i = 0; i < n; i++) {
		const struct p9_field *f = &fields[i];

		if ((f->dialects & dialect) == 0)
			continue;
		if (get_field(c, f, dialect, base) != 0) {
			*bad = f;
			return -EBADMSG;
		}
	}
	return 0;
}

int
p9_stat_entry_get(struct p9_rd *c, unsigned dialect, struct p9_stat *st)
{
	const struct p9_field *bad = NULL;
	struct p9_rd sub;
	uint16_t size;

	if (p9_get_u16(c, &size) != 0)
		return -EBADMSG;
	if (p9_get_sub(c, size, &sub) != 0)
		return -EBADMSG;
	st->size = size;
	if (p9_rec_get(&sub, p9_stat_fields, p9_stat_nfields, dialect, st,
	        &bad) != 0 ||
	    p9_rd_done(&sub) != 0) {
		p9_rd_adopt_err(c, &sub);
		return -EBADMSG;
	}
	return 0;
}

static void
diag_set(struct p9_diag *d, const char *field, const struct p9_rd *c)
{
	if (d == NULL)
		return;
	d->field = field;
	d->offset = c->err != NULL ? c->err_pos : p9_rd_pos(c);
	d->value = c->err_value;
	d->limit = c->err_limit;
	d->what = c->err != NULL ? c->err : "malformed";
}

int
p9_decode(const void *buf, size_t len, unsigned dialect, struct p9_msg *m,
    struct p9_diag *diag)
{
	const struct p9_field *bad = NULL;
	const struct p9_msgdef *def;
	struct p9_rd c;
	uint32_t size;
	uint8_t type;
	uint16_t tag;

	assert(p9_dialect_ok(dialect));
	memset(m, 0, sizeof(*m));
	m->tag = P9_NOTAG;
	p9_rd_init(&c, buf, len);

	if (p9_get_u32(&c, &size) != 0) {
		diag_set(diag, "size", &c);
		return -EBADMSG;
	}
	if (p9_get_u8(&c, &type) != 0 || p9_get_u16(&c, &tag) != 0) {
		diag_set(diag, "header", &c);
		return -EBADMSG;
	}
	m->type = type;
	m->tag = tag;
	if (size != len) {
		c.p = c.start;
		p9_rd_fail(&c, "size mismatch", size, len);
		diag_set(diag, "size", &c);
		return -EBADMSG;
	}
	def = p9_msgdef_get(type, dialect);
	if (def == NULL) {
		c.p = c.start + 4;
		p9_rd_fail(&c, "type not in dialect", type, dialect);
		diag_set(diag, "type", &c);
		return -EOPNOTSUPP;
	}
	if (p9_rec_get(&c, def->fields, def->nfields, dialect, &m->tversion,
	        &bad) != 0) {
		diag_set(diag, bad->name, &c);
		goto fail;
	}
	if (p9_rd_done(&c) != 0) {
		diag_set(diag, "body", &c);
		goto fail;
	}
	return 0;
fail:
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->tag = tag;
	return -EBADMSG;
}

/* ----------------------------------------------------------------- size */

static int
size_one(uint8_t kind, unsigned dialect, const uint8_t *src, uint64_t *size)
{
	switch (kind) {
	case P9_K_U8:
	case P9_K_U16:
	case P9_K_U32:
	case P9_K_U64:
		*size += P9_KIND_SIZE(kind);
		return 0;
	case P9_K_QID:
		*size += 13;
		return 0;
	case P9_K_STR: {
		struct p9_str s;

		memcpy(&s, src, sizeof(s));
		if (s.len > 0 && (s.s == NULL || memchr(s.s, 0, s.len)))
			return -EINVAL;
		*size += 2 + (uint64_t)s.len;
		return 0;
	}
	case P9_K_STAT: {
		uint64_t n = 0;

		if (p9_stat_entry_size((const void *)src, dialect, &n) != 0)
			return -EINVAL;
		/* n[2] holds the entry, whose own size[2] holds the rest */
		if (n > UINT16_MAX)
			return -EINVAL;
		*size += 2 + n;
		return 0;
	}
	default:
		assert(!"kind without a single-value size");
		return -EINVAL;
	}
}

static int
size_field(const struct p9_field *f, unsigned dialect, const uint8_t *base,
    bool head, uint64_t *size)
{
	switch (f->kind) {
	case P9_K_ARRAY: {
		size_t esz = P9_KIND_SIZE(f->elem);
		uint16_t n;

		memcpy(&n, base + f->count_off, sizeof(n));
		if (n > f->max)
			return -EINVAL;
		*size += 2;
		for (size_t i = 0; i < n; i++)
			if (size_one(f->elem, dialect, base + f->off + i * esz,
			        size) != 0)
				return -EINVAL;
		return 0;
	}
	case P9_K_DATA: {
		uint32_t n;
		const void *data;

		memcpy(&n, base + f->count_off, sizeof(n));
		memcpy(&data, base + f->off, sizeof(data));
		if (n > 0 && data == NULL)
			return -EINVAL;
		*size += 4 + (head ? 0 : (uint64_t)n);
		return 0;
	}
	default:
		return size_one(f->kind, dialect, base + f->off, size);
	}
}

int
p9_rec_size(const struct p9_field *fields, size_t n, unsigned dialect,
    const void *base, bool head, uint64_t *size)
{
	/* Wire widths of U8..U64; everything else goes through size_field. */
	static const uint8_t width[] = { [P9_K_U8] = 1, [P9_K_U16] = 2,
		[P9_K_U32] = 4, [P9_K_U64] = 8 };

	for (size_t i = 0; i < n; i++) {
		const struct p9_field *f = &fields[i];

		if ((f->dialects & dialect) == 0)
			continue;
		if (f->kind <= P9_K_U64)
			*size += width[f->kind];
		else if (f->kind == P9_K_QID)
			*size += 13;
		else if (size_field(f, dialect, base, head, size) != 0)
			return -EINVAL;
	}
	return 0;
}

int
p9_stat_entry_size(const struct p9_stat *st, unsigned dialect, uint64_t *size)
{
	uint64_t n = 0;

	if (p9_rec_size(
	        p9_stat_fields, p9_stat_nfields, dialect, st, false, &n) != 0)
		return -EINVAL;
	if (n > UINT16_MAX)
		return -EINVAL;
	*size += 2 + n;
	return 0;
}

/* Whole frame size and head size (without trailing DATA bytes). */
static int
frame_sizes(
    const struct p9_msg *m, unsigned dialect, uint64_t *full, uint64_t *head)
{
	const struct p9_msgdef *def = p9_msgdef_get(m->type, dialect);

	assert(p9_dialect_ok(dialect));
	if (def == NULL)
		return -EOPNOTSUPP;
	*head = P9_HDRSZ;
	if (p9_rec_size(def->fields, def->nfields, dialect, &m->tversion, true,
	        head) != 0)
		return -EINVAL;
	/* The whole frame adds only the bytes of its DATA fields, which the
	 * walk above has already checked. */
	*full = *head;
	for (size_t i = 0; i < def->nfields; i++) {
		const struct p9_field *f = &def->fields[i];
		uint32_t n;

		if (f->kind != P9_K_DATA || (f->dialects & dialect) == 0)
			continue;
		memcpy(&n, (const uint8_t *)&m->tversion + f->count_off,
		    sizeof(n));
		*full += n;
	}
	if (*full > UINT32_MAX)
		return -EMSGSIZE;
	return 0;
}

ssize_t
p9_size(const struct p9_msg *m, unsigned dialect)
{
	uint64_t full, head;
	int rc = frame_sizes(m, dialect, &full, &head);

	return rc != 0 ? rc : (ssize_t)full;
}

/* ------------------------------------------------------------------ put */

static int
put_one(struct p9_wr *w, uint8_t kind, unsigned dialect, const uint8_t *src)
{
	switch (kind) {
	case P9_K_U8:
		return p9_put_u8(w, *src);
	case P9_K_U16: {
		uint16_t v;

		memcpy(&v, src, sizeof(v));
		return p9_put_u16(w, v);
	}
	case P9_K_U32: {
		uint32_t v;

		memcpy(&v, src, sizeof(v));
		return p9_put_u32(w, v);
	}
	case P9_K_U64: {
		uint64_t v;

		memcpy(&v, src, sizeof(v));
		return p9_put_u64(w, v);
	}
	case P9_K_STR:
		return p9_put_str(w, (const void *)src);
	case P9_K_QID:
		return p9_put_qid(w, (const void *)src);
	case P9_K_STAT: {
		uint64_t n = 0;

		if (p9_stat_entry_size((const void *)src, dialect, &n) != 0)
			return -EINVAL;
		if (p9_put_u16(w, (uint16_t)n) != 0)
			return -EMSGSIZE;
		return p9_stat_entry_put(w, (const void *)src, dialect);
	}
	default:
		assert(!"kind without a single-value writer");
		return -EINVAL;
	}
}

static int
put_field(struct p9_wr *w, const struct p9_field *f, unsigned dialect,
    const uint8_t *base, bool head)
{
	switch (f->kind) {
	case P9_K_ARRAY: {
		size_t esz = P9_KIND_SIZE(f->elem);
		uint16_t n;
		int rc;

		memcpy(&n, base + f->count_off, sizeof(n));
		rc = p9_put_u16(w, n);
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = put_one(
			    w, f->elem, dialect, base + f->off + i * esz);
		return rc;
	}
	case P9_K_DATA: {
		uint32_t n;
		const void *data;
		int rc;

		memcpy(&n, base + f->count_off, sizeof(n));
		memcpy(&data, base + f->off, sizeof(data));
		rc = p9_put_u32(w, n);
		if (rc == 0 && !head)
			rc = p9_put_bytes(w, data, n);
		return rc;
	}
	default:
		return put_one(w, f->kind, dialect, base + f->off);
	}
}

int
p9_rec_put(struct p9_wr *w, const struct p9_field *fields, size_t n,
    unsigned dialect, const void *base, bool head)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		if ((fields[i].dialects & dialect) == 0)
			continue;
		rc = put_field(w, &fields[i], dialect, base, head);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
p9_stat_entry_put(struct p9_wr *w, const struct p9_stat *st, unsigned dialect)
{
	uint64_t n = 0;
	int rc;

	if (p9_rec_size(
	        p9_stat_fields, p9_stat_nfields, dialect, st, false, &n) != 0 ||
	    n > UINT16_MAX)
		return -EINVAL;
	rc = p9_put_u16(w, (uint16_t)n);
	if (rc == 0)
		rc = p9_rec_put(
		    w, p9_stat_fields, p9_stat_nfields, dialect, st, false);
	return rc;
}

static ssize_t
encode(const struct p9_msg *m, unsigned dialect, uint32_t msize, void *buf,
    size_t buf_len, bool head)
{
	const struct p9_msgdef *def;
	uint64_t full, head_len, want;
	struct p9_wr w;
	int rc;

	rc = frame_sizes(m, dialect, &full, &head_len);
	if (rc != 0)
		return rc;
	want = head ? head_len : full;
	if (full > msize || want > buf_len)
		return -EMSGSIZE;
	def = p9_msgdef_get(m->type, dialect);
	p9_wr_init(&w, buf, (size_t)want);
	rc = p9_put_u32(&w, (uint32_t)full);
	if (rc == 0)
		rc = p9_put_u8(&w, m->type);
	if (rc == 0)
		rc = p9_put_u16(&w, m->tag);
	if (rc == 0)
		rc = p9_rec_put(
		    &w, def->fields, def->nfields, dialect, &m->tversion, head);
	/* the sizes were computed from the same rows: they must agree */
	assert(rc == 0 && p9_wr_pos(&w) == want);
	if (rc != 0)
		return rc;
	return (ssize_t)want;
}

ssize_t
p9_encode(const struct p9_msg *m, unsigned dialect, uint32_t msize, void *buf,
    size_t buf_len)
{
	return encode(m, dialect, msize, buf, buf_len, false);
}

ssize_t
p9_encode_head(const struct p9_msg *m, unsigned dialect, uint32_t msize,
    void *buf, size_t buf_len)
{
	return encode(m, dialect, msize, buf, buf_len, true);
}
