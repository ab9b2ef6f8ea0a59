/* SPDX-License-Identifier: MIT */
/*
 * Golden vector tests, one loop iteration per vector: decoding gives the
 * expected fields, encoding the expected message gives the exact bytes, and
 * every truncation, a size off by one either way, a trailing byte and a NUL
 * inside a string are rejected. A message type that exists in a dialect but
 * has no vector there fails a test.
 *
 * Hand-made malformed frames and API edge cases are in test_p9_codec.c.
 */
#include "test_p9.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p9_int.h"
#include "p9_vectors.h"

/* Compare the strings and data two structs borrow, then clear those
 * pointers so that the structs can be compared byte for byte. */
static void
settle(const struct p9_field *fields, size_t n, unsigned dialect, uint8_t *got,
    uint8_t *want, const char *vname)
{
	for (size_t i = 0; i < n; i++) {
		const struct p9_field *f = &fields[i];
		size_t nstr = 0;
		struct p9_str *gs = NULL, *ws = NULL;

		if ((f->dialects & dialect) == 0)
			continue;
		if (f->kind == P9_K_STR) {
			gs = (struct p9_str *)(got + f->off);
			ws = (struct p9_str *)(want + f->off);
			nstr = 1;
		} else if (f->kind == P9_K_ARRAY && f->elem == P9_K_STR) {
			uint16_t cnt;

			memcpy(&cnt, want + f->count_off, sizeof(cnt));
			gs = (struct p9_str *)(got + f->off);
			ws = (struct p9_str *)(want + f->off);
			nstr = cnt <= f->max ? cnt : f->max;
		} else if (f->kind == P9_K_STAT) {
			settle(p9_stat_fields, p9_stat_nfields, dialect,
			    got + f->off, want + f->off, vname);
		} else if (f->kind == P9_K_DATA) {
			uint32_t gc, wc;
			const void *gd, *wd;

			memcpy(&gc, got + f->count_off, sizeof(gc));
			memcpy(&wc, want + f->count_off, sizeof(wc));
			memcpy(&gd, got + f->off, sizeof(gd));
			memcpy(&wd, want + f->off, sizeof(wd));
			ck_assert_msg(gc == wc, "%s: %s %u, want %u", vname,
			    f->name, gc, wc);
			ck_assert_msg(gc == 0 || memcmp(gd, wd, gc) == 0,
			    "%s: data differs", vname);
			memset(got + f->off, 0, sizeof(gd));
			memset(want + f->off, 0, sizeof(wd));
		}
		for (size_t j = 0; j < nstr; j++) {
			ck_assert_msg(
			    gs[j].len == ws[j].len &&
			        (gs[j].len == 0 ||
			            memcmp(gs[j].s, ws[j].s, gs[j].len) == 0),
			    "%s: %s '%.*s', want '%.*s'", vname, f->name,
			    (int)gs[j].len, gs[j].s, (int)ws[j].len, ws[j].s);
			gs[j].s = NULL;
			ws[j].s = NULL;
		}
	}
}

void
test_p9_expect_msg(const struct p9_msg *got, const struct t_vector *v)
{
	const struct p9_msgdef *def = p9_msgdef_get(v->msg.type, v->dialect);
	struct p9_msg g, w;
	char gl[512], wl[512];

	ck_assert_msg(
	    def != NULL, "%s: type %u not in dialect", v->name, v->msg.type);
	ck_assert_uint_eq(got->type, v->msg.type);
	ck_assert_uint_eq(got->tag, v->msg.tag);
	memcpy(&g, got, sizeof(g));
	memcpy(&w, &v->msg, sizeof(w));
	settle(def->fields, def->nfields, v->dialect, (uint8_t *)&g.tversion,
	    (uint8_t *)&w.tversion, v->name);
	p9_fmt(got, v->dialect, gl, sizeof(gl));
	p9_fmt(&v->msg, v->dialect, wl, sizeof(wl));
	ck_assert_msg(memcmp(&g, &w, sizeof(g)) == 0,
	    "%s: decoded fields differ\n got: %s\nwant: %s", v->name, gl, wl);
}

/* a heap copy of the vector's bytes, with room for `extra` more */
static uint8_t *
copy_bytes(const struct t_vector *v, size_t extra)
{
	uint8_t *b = malloc(v->len + extra);

	ck_assert_ptr_nonnull(b);
	memcpy(b, v->bytes, v->len);
	memset(b + v->len, 0, extra);
	return b;
}

static void
put_size(uint8_t *b, uint32_t size)
{
	b[0] = (uint8_t)size;
	b[1] = (uint8_t)(size >> 8);
	b[2] = (uint8_t)(size >> 16);
	b[3] = (uint8_t)(size >> 24);
}

START_TEST(test_decode_fields)
{
	const struct t_vector *v = t_vector(_i);
	struct p9_diag diag = {0};
	struct p9_msg m;
	uint8_t *b = copy_bytes(v, 0);
	int rc;

	/* decode from a heap copy so ASan sees any read past the frame */
	rc = p9_decode(b, v->len, v->dialect, &m, &diag);
	ck_assert_msg(rc == 0, "%s (%s): %d: %s %s at %zu", v->name, v->origin,
	    rc, diag.field, diag.what, diag.offset);
	test_p9_expect_msg(&m, v);
	free(b);
}
END_TEST

START_TEST(test_encode_bytes)
{
	const struct t_vector *v = t_vector(_i);
	uint8_t *out = malloc(v->len);
	struct p9_msg m;
	ssize_t n;

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(p9_size(&v->msg, v->dialect), (ssize_t)v->len);
	/* the expected message, written out by hand, encodes to the bytes */
	n = p9_encode(&v->msg, v->dialect, (uint32_t)v->len, out, v->len);
	ck_assert_int_eq(n, (ssize_t)v->len);
	ck_assert_msg(
	    memcmp(out, v->bytes, v->len) == 0, "%s: bytes differ", v->name);
	/* and so does the decoded one */
	memset(out, 0, v->len);
	ck_assert_int_eq(p9_decode(v->bytes, v->len, v->dialect, &m, NULL), 0);
	ck_assert_int_eq(p9_size(&m, v->dialect), (ssize_t)v->len);
	n = p9_encode(&m, v->dialect, (uint32_t)v->len, out, v->len);
	ck_assert_int_eq(n, (ssize_t)v->len);
	ck_assert(memcmp(out, v->bytes, v->len) == 0);
	free(out);
}
END_TEST

START_TEST(test_encode_head)
{
	const struct t_vector *v = t_vector(_i);
	uint8_t *out = malloc(v->len);
	const void *data = NULL;
	size_t data_len = 0;
	ssize_t n;

	ck_assert_ptr_nonnull(out);
	if (v->msg.type == P9_RREAD) {
		data = v->msg.rread.data;
		data_len = v->msg.rread.count;
	} else if (v->msg.type == P9_TWRITE) {
		data = v->msg.twrite.data;
		data_len = v->msg.twrite.count;
	} else if (v->msg.type == P9_RREADDIR) {
		data = v->msg.rreaddir.data;
		data_len = v->msg.rreaddir.count;
	}
	/* msize is checked against the whole frame, buf_len the head */
	n = p9_encode_head(
	    &v->msg, v->dialect, (uint32_t)v->len, out, v->len - data_len);
	ck_assert_int_eq(n, (ssize_t)(v->len - data_len));
	ck_assert(memcmp(out, v->bytes, (size_t)n) == 0);
	ck_assert(data_len == 0 || memcmp(data, v->bytes + n, data_len) == 0);
	ck_assert_int_eq(p9_encode_head(&v->msg, v->dialect,
	                     (uint32_t)v->len - 1, out, v->len),
	    -EMSGSIZE);
	free(out);
}
END_TEST

START_TEST(test_decode_every_truncation)
{
	const struct t_vector *v = t_vector(_i);
	struct p9_msg m;

	for (size_t len = 0; len < v->len; len++) {
		uint8_t *b = copy_bytes(v, 0);

		/* as handed over: size[4] no longer matches */
		ck_assert_int_eq(
		    p9_decode(b, len, v->dialect, &m, NULL), -EBADMSG);
		/* and with size[4] patched, so the body itself is short */
		if (len >= 4) {
			put_size(b, (uint32_t)len);
			ck_assert_msg(
			    p9_decode(b, len, v->dialect, &m, NULL) == -EBADMSG,
			    "%s cut to %zu", v->name, len);
		}
		free(b);
	}
}
END_TEST

START_TEST(test_decode_size_off_by_one)
{
	const struct t_vector *v = t_vector(_i);
	uint8_t *b = copy_bytes(v, 0);
	struct p9_diag diag;
	struct p9_msg m;

	put_size(b, (uint32_t)v->len + 1);
	ck_assert_int_eq(p9_decode(b, v->len, v->dialect, &m, &diag), -EBADMSG);
	ck_assert_str_eq(diag.field, "size");
	ck_assert_uint_eq(diag.value, v->len + 1);
	ck_assert_uint_eq(diag.limit, v->len);
	/* type and tag are still reported */
	ck_assert_uint_eq(m.type, v->msg.type);
	ck_assert_uint_eq(m.tag, v->msg.tag);
	put_size(b, (uint32_t)v->len - 1);
	ck_assert_int_eq(p9_decode(b, v->len, v->dialect, &m, NULL), -EBADMSG);
	free(b);
}
END_TEST

START_TEST(test_decode_trailing_byte)
{
	const struct t_vector *v = t_vector(_i);
	uint8_t *b = copy_bytes(v, 1);
	struct p9_diag diag;
	struct p9_msg m;

	put_size(b, (uint32_t)v->len + 1);
	ck_assert_int_eq(
	    p9_decode(b, v->len + 1, v->dialect, &m, &diag), -EBADMSG);
	ck_assert_uint_eq(m.type, v->msg.type);
	ck_assert_uint_eq(m.tag, v->msg.tag);
	free(b);
}
END_TEST

START_TEST(test_decode_nul_in_string)
{
	const struct t_vector *v = t_vector(_i);
	struct p9_diag diag;
	struct p9_msg m;
	uint8_t *b;

	if (v->nul_at == 0) {
		/* then the message has no non-empty string: its trace shows
		 * only empty quotes '' */
		char line[512];

		p9_fmt(&v->msg, v->dialect, line, sizeof(line));
		for (const char *q = strchr(line, '\''); q != NULL;
		     q = strchr(q + 2, '\''))
			ck_assert_msg(q[1] == '\'', "%s: nul_at missing: %s",
			    v->name, line);
		return;
	}
	b = copy_bytes(v, 0);
	ck_assert_uint_lt(v->nul_at, v->len);
	b[v->nul_at] = 0;
	ck_assert_int_eq(p9_decode(b, v->len, v->dialect, &m, &diag), -EBADMSG);
	ck_assert_str_eq(diag.what, "NUL in string");
	ck_assert_uint_eq(diag.offset, v->nul_at - 2);
	free(b);
}
END_TEST

START_TEST(test_vector_sane)
{
	const struct t_vector *v = t_vector(_i);

	ck_assert(p9_dialect_ok(v->dialect));
	ck_assert_uint_ge(v->len, P9_HDRSZ);
	ck_assert_uint_eq(p9_frame_size(v->bytes), v->len);
	ck_assert_uint_eq(v->bytes[4], v->msg.type);
	ck_assert(strcmp(v->origin, "spec") == 0 ||
	          strncmp(v->origin, "capture ", 8) == 0);
	for (size_t j = 0; j < (size_t)_i; j++)
		ck_assert_str_ne(t_vector(j)->name, v->name);
}
END_TEST

/* Every type that exists in a dialect (p9_size does not refuse it) has a
 * vector in that dialect. */
START_TEST(test_every_type_has_a_vector)
{
	static const unsigned dialects[] = {P9_V_2000, P9_V_2000U, P9_V_2000L};
	size_t missing = 0, present = 0;

	for (size_t d = 0; d < 3; d++) {
		for (unsigned t = 0; t < 256; t++) {
			struct p9_msg m;
			bool found = false;

			memset(&m, 0, sizeof(m));
			m.type = (uint8_t)t;
			if (p9_size(&m, dialects[d]) == -EOPNOTSUPP)
				continue;
			present++;
			for (size_t i = 0; i < t_nvectors() && !found; i++)
				found = t_vector(i)->msg.type == t &&
				        t_vector(i)->dialect == dialects[d];
			if (!found) {
				fprintf(stderr, "no vector: %s in dialect %u\n",
				    p9_type_name((uint8_t)t), dialects[d]);
				missing++;
			}
		}
	}
	ck_assert_uint_eq(missing, 0);
	/* 27 in 9P2000 and in 9P2000.u, 57 in 9P2000.L */
	ck_assert_uint_eq(present, 27 + 27 + 57);
}
END_TEST

TCase *
test_p9_vectors_tcase(void)
{
	TCase *tc = tcase_create("vectors");
	int n = (int)t_nvectors();

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_every_type_has_a_vector);
	tcase_add_loop_test(tc, test_vector_sane, 0, n);
	tcase_add_loop_test(tc, test_decode_fields, 0, n);
	tcase_add_loop_test(tc, test_encode_bytes, 0, n);
	tcase_add_loop_test(tc, test_encode_head, 0, n);
	tcase_add_loop_test(tc, test_decode_every_truncation, 0, n);
	tcase_add_loop_test(tc, test_decode_size_off_by_one, 0, n);
	tcase_add_loop_test(tc, test_decode_trailing_byte, 0, n);
	tcase_add_loop_test(tc, test_decode_nul_in_string, 0, n);
	return tc;
}
