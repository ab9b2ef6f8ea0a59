/* SPDX-License-Identifier: MIT */
/*
 * p9 internals: the field descriptor tables (p9_msgs.c), the bounds-checked
 * cursors (p9_buf.c) and the record walkers of the engine (p9_codec.c).
 *
 * Only p9/ and its white-box tests include this. It adds no layout
 * knowledge of its own: layouts are the rows in p9_msgs.c, bounds are the
 * cursors in p9_buf.c.
 */
#ifndef NG_P9_P9_INT_H
#define NG_P9_P9_INT_H

#include "p9.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- cursors */

/*
 * A read cursor over [start, end). Primitives return 0 or -EBADMSG and never
 * move on failure; a failure records why in err/err_value/err_limit, which
 * the engine copies into struct p9_diag. Sub-cursors keep `start` of the
 * frame so offsets stay frame offsets.
 */
struct p9_rd {
	const uint8_t *start;
	const uint8_t *p;
	const uint8_t *end;
	const char *err; /* static; NULL until a primitive fails */
	size_t err_pos;  /* frame offset of the failure */
	uint64_t err_value;
	uint64_t err_limit;
};

/* A write cursor over [start, end): primitives return 0 or -EMSGSIZE and
 * never move on failure. */
struct p9_wr {
	uint8_t *start;
	uint8_t *p;
	uint8_t *end;
};

void p9_rd_init(struct p9_rd *c, const void *buf, size_t len);
size_t p9_rd_left(const struct p9_rd *c);
size_t p9_rd_pos(const struct p9_rd *c);
int p9_get_u8(struct p9_rd *c, uint8_t *v);
int p9_get_u16(struct p9_rd *c, uint16_t *v);
int p9_get_u32(struct p9_rd *c, uint32_t *v);
int p9_get_u64(struct p9_rd *c, uint64_t *v);
int p9_get_qid(struct p9_rd *c, struct p9_qid *q);
/* len[2] and len bytes, none of them NUL; s points into the buffer */
int p9_get_str(struct p9_rd *c, struct p9_str *s);
/* an array count[2], at most max */
int p9_get_count(struct p9_rd *c, uint16_t *n, uint16_t max);
/* n bytes in place */
int p9_get_span(struct p9_rd *c, size_t n, const void **data);
/* the next n bytes as their own cursor; c moves past them */
int p9_get_sub(struct p9_rd *c, size_t n, struct p9_rd *sub);
/* 0 if nothing is left, else -EBADMSG ("trailing bytes") */
int p9_rd_done(struct p9_rd *c);
/* record a failure at the current position; returns -EBADMSG */
int p9_rd_fail(
    struct p9_rd *c, const char *why, uint64_t value, uint64_t limit);
/* copy a sub-cursor's failure into its parent */
void p9_rd_adopt_err(struct p9_rd *c, const struct p9_rd *sub);

void p9_wr_init(struct p9_wr *w, void *buf, size_t len);
size_t p9_wr_pos(const struct p9_wr *w);
int p9_put_u8(struct p9_wr *w, uint8_t v);
int p9_put_u16(struct p9_wr *w, uint16_t v);
int p9_put_u32(struct p9_wr *w, uint32_t v);
int p9_put_u64(struct p9_wr *w, uint64_t v);
int p9_put_qid(struct p9_wr *w, const struct p9_qid *q);
int p9_put_str(struct p9_wr *w, const struct p9_str *s);
int p9_put_bytes(struct p9_wr *w, const void *data, size_t n);

/* ------------------------------------------------------ field descriptors */

enum p9_kind {
	P9_K_U8 = 1,
	P9_K_U16,
	P9_K_U32,
	P9_K_U64,
	P9_K_STR,   /* struct p9_str: len[2] bytes */
	P9_K_QID,   /* struct p9_qid: type[1] version[4] path[8] */
	P9_K_STAT,  /* struct p9_stat as n[2] then one stat entry */
	P9_K_ARRAY, /* count[2] then count elements of `elem` */
	P9_K_DATA,  /* count[4] then count bytes (the last field) */
};

/* how p9_fmt shows an integer */
enum p9_show { P9_SHOW_DEC, P9_SHOW_OCT, P9_SHOW_HEX };

struct p9_field {
	const char *name;
	uint16_t off;       /* offsetof the member */
	uint16_t count_off; /* ARRAY: u16 count member; DATA: u32 count */
	uint8_t kind;       /* enum p9_kind */
	uint8_t elem;       /* ARRAY: element kind (STR or QID) */
	uint8_t dialects;   /* P9_V_ mask the field is on the wire in */
	uint8_t show;       /* enum p9_show */
	uint16_t max;       /* ARRAY: maximum count */
};

struct p9_msgdef {
	const char *name; /* NULL: no such message */
	uint8_t dialects; /* P9_V_ mask the type exists in */
	uint8_t nfields;
	const struct p9_field *fields;
};

/* clang-format off */
/* Compile-time checks: the member's C type must be the kind's. */
#define P9_MEMBER(T, m) (((T *)0)->m)
#define P9_KIND_OF(x) _Generic((x), \
	uint8_t: P9_K_U8, \
	uint16_t: P9_K_U16, \
	uint32_t: P9_K_U32, \
	uint64_t: P9_K_U64, \
	struct p9_str: P9_K_STR, \
	struct p9_qid: P9_K_QID, \
	struct p9_stat: P9_K_STAT, \
	default: 0)
#define P9_KIND_SIZE(k) \
	((k) == P9_K_U8 ? 1 : (k) == P9_K_U16 ? 2 : (k) == P9_K_U32 ? 4 : \
	(k) == P9_K_U64 ? 8 : (k) == P9_K_STR ? sizeof(struct p9_str) : \
	(k) == P9_K_QID ? sizeof(struct p9_qid) : sizeof(struct p9_stat))
/* 0, or a compile error (negative array size) when cond is false */
#define P9_CHECK(cond) (sizeof(char[(cond) ? 1 : -1]) - 1)
#define P9_IS_KIND(x, k) \
	(P9_KIND_OF(x) == (k) && sizeof(x) == P9_KIND_SIZE(k))

#define P9_FIELD_SHOW(T, m, k, dl, sh) { \
	.name = #m, \
	.off = offsetof(T, m) + P9_CHECK(P9_IS_KIND(P9_MEMBER(T, m), k)), \
	.kind = (k), .dialects = (dl), .show = (sh) }
#define P9_FIELD(T, m, k, dl) P9_FIELD_SHOW(T, m, k, dl, P9_SHOW_DEC)
#define P9_FIELD_OCT(T, m, k, dl) P9_FIELD_SHOW(T, m, k, dl, P9_SHOW_OCT)
#define P9_FIELD_HEX(T, m, k, dl) P9_FIELD_SHOW(T, m, k, dl, P9_SHOW_HEX)

#define P9_ARRAY(T, m, cnt, ek, mx) { \
	.name = #cnt, \
	.off = offsetof(T, m) + \
	    P9_CHECK(P9_IS_KIND(P9_MEMBER(T, m)[0], ek) && \
		sizeof(P9_MEMBER(T, m)) / sizeof(P9_MEMBER(T, m)[0]) == (mx)), \
	.count_off = offsetof(T, cnt) + \
	    P9_CHECK(P9_IS_KIND(P9_MEMBER(T, cnt), P9_K_U16)), \
	.kind = P9_K_ARRAY, .elem = (ek), .dialects = P9_V_ALL, .max = (mx) }

#define P9_DATA(T, cnt, m) { \
	.name = #cnt, \
	.off = offsetof(T, m) + P9_CHECK(_Generic(P9_MEMBER(T, m), \
	    const void *: 1, default: 0)), \
	.count_off = offsetof(T, cnt) + \
	    P9_CHECK(P9_IS_KIND(P9_MEMBER(T, cnt), P9_K_U32)), \
	.kind = P9_K_DATA, .dialects = P9_V_ALL }

#define P9_NFIELDS(f) (sizeof(f) / sizeof((f)[0]))
#define P9_MSG(nm, dl, f) { .name = (nm), .dialects = (dl), \
	.nfields = P9_NFIELDS(f), .fields = (f) }
#define P9_MSG_EMPTY(nm, dl) { .name = (nm), .dialects = (dl) }

/* clang-format on */

/* Indexed by type; rows without a name do not exist. */
extern const struct p9_msgdef p9_msgdefs[256];

/* The stat entry (after its size[2]) and the 9P2000.L dirent. */
extern const struct p9_field p9_stat_fields[];
extern const size_t p9_stat_nfields;

struct p9_dirent {
	struct p9_qid qid;
	uint64_t offset;
	uint8_t type;
	struct p9_str name;
};
extern const struct p9_field p9_dirent_fields[];
extern const size_t p9_dirent_nfields;

/* The message definition for type in dialect, or NULL. */
const struct p9_msgdef *p9_msgdef_get(uint8_t type, unsigned dialect);

/* ------------------------------------------------------- record walkers */

/*
 * Walk fields[0..n) over the struct at base. rec_get fills it from c
 * (failing field in *bad); rec_size adds its wire size to *size (head:
 * leave out DATA bytes) and returns 0 or -EINVAL; rec_put writes it
 * (head: leave out DATA bytes). Fields not in dialect are skipped.
 */
int p9_rec_get(struct p9_rd *c, const struct p9_field *fields, size_t n,
    unsigned dialect, void *base, const struct p9_field **bad);
int p9_rec_size(const struct p9_field *fields, size_t n, unsigned dialect,
    const void *base, bool head, uint64_t *size);
int p9_rec_put(struct p9_wr *w, const struct p9_field *fields, size_t n,
    unsigned dialect, const void *base, bool head);

/* One stat entry: size[2] then p9_stat_fields, the size matching exactly. */
int p9_stat_entry_get(struct p9_rd *c, unsigned dialect, struct p9_stat *st);
int p9_stat_entry_size(
    const struct p9_stat *st, unsigned dialect, uint64_t *size);
int p9_stat_entry_put(
    struct p9_wr *w, const struct p9_stat *st, unsigned dialect);

/* true if dialect is exactly one known P9_V_ bit */
bool p9_dialect_ok(unsigned dialect);

#endif /* NG_P9_P9_INT_H */
