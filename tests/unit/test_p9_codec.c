/* SPDX-License-Identifier: MIT */
/*
 * Codec edge cases beyond the golden vectors: hand-made malformed frames
 * (array counts over the maximum, bad stat sizes, short headers), dialect
 * gating, msize/buffer limits, what p9_size refuses to encode, the
 * diagnostics, version strings and type names.
 */
#include "test_p9.h"

#include <errno.h>
#include <string.h>

#include "p9_vectors.h"

#define S(lit) ((struct p9_str){.len = sizeof(lit) - 1, .s = (lit)})

/* the vector named name */
static const struct t_vector *
vec(const char *name)
{
	for (size_t i = 0; i < t_nvectors(); i++)
		if (strcmp(t_vector(i)->name, name) == 0)
			return t_vector(i);
	ck_abort_msg("no vector %s", name);
	return NULL;
}

/* little builder for hand-made frames */
struct frame {
	uint8_t b[1024];
	size_t len;
};

static void
f_bytes(struct frame *f, const void *p, size_t n)
{
	ck_assert_uint_le(f->len + n, sizeof(f->b));
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void
f_le(struct frame *f, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		f->b[f->len++] = (uint8_t)(v >> (8 * i));
}

static void
f_begin(struct frame *f, uint8_t type, uint16_t tag)
{
	f->len = 0;
	f_le(f, 0, 4);
	f_le(f, type, 1);
	f_le(f, tag, 2);
}

static void
f_end(struct frame *f)
{
	uint32_t n = (uint32_t)f->len;

	memcpy(f->b,
	    (uint8_t[]){(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16),
	        (uint8_t)(n >> 24)},
	    4);
}

START_TEST(test_twalk_nwname_over_max)
{
	struct p9_diag diag;
	struct frame f;
	struct p9_msg m;

	f_begin(&f, P9_TWALK, 9);
	f_le(&f, 1, 4);
	f_le(&f, 2, 4);
	f_le(&f, 17, 2);
	for (int i = 0; i < 17; i++) {
		f_le(&f, 1, 2);
		f_bytes(&f, "a", 1);
	}
	f_end(&f);
	for (unsigned d = P9_V_2000; d <= P9_V_2000L; d <<= 1) {
		ck_assert_int_eq(p9_decode(f.b, f.len, d, &m, &diag), -EBADMSG);
		ck_assert_str_eq(diag.field, "nwname");
		ck_assert_str_eq(diag.what, "count over maximum");
		ck_assert_uint_eq(diag.value, 17);
		ck_assert_uint_eq(diag.limit, P9_MAXWELEM);
		ck_assert_uint_eq(diag.offset, 15);
		ck_assert_uint_eq(m.type, P9_TWALK);
		ck_assert_uint_eq(m.tag, 9);
	}
	/* 16 is fine */
	f_begin(&f, P9_TWALK, 9);
	f_le(&f, 1, 4);
	f_le(&f, 2, 4);
	f_le(&f, 16, 2);
	for (int i = 0; i < 16; i++) {
		f_le(&f, 1, 2);
		f_bytes(&f, "a", 1);
	}
	f_end(&f);
	ck_assert_int_eq(p9_decode(f.b, f.len, P9_V_2000L, &m, NULL), 0);
	ck_assert_uint_eq(m.twalk.nwname, 16);
	ck_assert_uint_eq(m.twalk.wname[15].len, 1);
}
END_TEST

START_TEST(test_rwalk_nwqid_over_max)
{
	struct p9_diag diag;
	struct frame f;
	struct p9_msg m;

	f_begin(&f, P9_RWALK, 3);
	f_le(&f, 17, 2);
	for (int i = 0; i < 17; i++) {
		f_le(&f, 0x80, 1);
		f_le(&f, 0, 4);
		f_le(&f, (uint64_t)i, 8);
	}
	f_end(&f);
	ck_assert_int_eq(
	    p9_decode(f.b, f.len, P9_V_2000U, &m, &diag), -EBADMSG);
	ck_assert_str_eq(diag.field, "nwqid");
	ck_assert_uint_eq(diag.value, 17);
	ck_assert_uint_eq(diag.limit, P9_MAXWELEM);
}
END_TEST

START_TEST(test_short_header)
{
	static const uint8_t hdr[] = {7, 0, 0, 0, P9_RCLUNK, 5, 0};
	struct p9_diag diag;
	struct p9_msg m;

	ck_assert_int_eq(p9_decode(hdr, 3, P9_V_2000L, &m, &diag), -EBADMSG);
	ck_assert_str_eq(diag.field, "size");
	ck_assert_uint_eq(m.tag, P9_NOTAG);
	ck_assert_int_eq(p9_decode(hdr, 6, P9_V_2000L, &m, &diag), -EBADMSG);
	ck_assert_str_eq(diag.field, "header");
	ck_assert_int_eq(p9_decode(hdr, 7, P9_V_2000L, &m, NULL), 0);
	ck_assert_uint_eq(m.type, P9_RCLUNK);
	ck_assert_uint_eq(m.tag, 5);
}
END_TEST

START_TEST(test_dialect_gating)
{
	const struct t_vector *lopen = vec("Tlopen 9P2000.L");
	const struct t_vector *rerror = vec("Rerror 9P2000.u");
	struct p9_diag diag;
	struct p9_msg m;
	uint8_t out[64];

	/* Tlopen only in .L; tag still filled */
	ck_assert_int_eq(
	    p9_decode(lopen->bytes, lopen->len, P9_V_2000, &m, &diag),
	    -EOPNOTSUPP);
	ck_assert_uint_eq(m.type, P9_TLOPEN);
	ck_assert_uint_eq(m.tag, lopen->msg.tag);
	ck_assert_str_eq(diag.field, "type");
	ck_assert_int_eq(
	    p9_decode(lopen->bytes, lopen->len, P9_V_2000U, &m, NULL),
	    -EOPNOTSUPP);
	/* Rerror not in .L, Rlerror only in .L */
	ck_assert_int_eq(
	    p9_decode(rerror->bytes, rerror->len, P9_V_2000L, &m, NULL),
	    -EOPNOTSUPP);
	ck_assert_int_eq(
	    p9_size(&vec("Rlerror 9P2000.L")->msg, P9_V_2000U), -EOPNOTSUPP);
	/* encoding refuses too */
	ck_assert_int_eq(
	    p9_encode(&lopen->msg, P9_V_2000, 8192, out, sizeof(out)),
	    -EOPNOTSUPP);
}
END_TEST

START_TEST(test_unknown_types)
{
	static const unsigned types[] = {
	    0, P9_TLERROR, P9_TERROR, 99, 128, 200, 255};
	uint8_t b[7] = {7, 0, 0, 0, 0, 0x34, 0x12};
	struct p9_msg m;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		b[4] = (uint8_t)types[i];
		for (unsigned d = P9_V_2000; d <= P9_V_2000L; d <<= 1) {
			ck_assert_int_eq(
			    p9_decode(b, sizeof(b), d, &m, NULL), -EOPNOTSUPP);
			ck_assert_uint_eq(m.tag, 0x1234);
		}
	}
}
END_TEST

START_TEST(test_u_extras)
{
	const struct t_vector *u = vec("Tattach 9P2000.u");
	const struct t_vector *p = vec("Tattach 9P2000");
	struct p9_diag diag;
	struct p9_msg m;

	/* .u carries n_uname: 4 bytes too many for 9P2000 */
	ck_assert_int_eq(
	    p9_decode(u->bytes, u->len, P9_V_2000, &m, &diag), -EBADMSG);
	ck_assert_str_eq(diag.what, "trailing bytes");
	ck_assert_uint_eq(diag.value, 4);
	ck_assert_int_eq(
	    p9_decode(p->bytes, p->len, P9_V_2000U, &m, &diag), -EBADMSG);
	ck_assert_str_eq(diag.field, "n_uname");
	ck_assert_int_eq(p9_size(&u->msg, P9_V_2000U), (ssize_t)u->len);
	ck_assert_int_eq(p9_size(&u->msg, P9_V_2000), (ssize_t)u->len - 4);
	/* .L has n_uname as well */
	ck_assert_int_eq(p9_size(&u->msg, P9_V_2000L), (ssize_t)u->len);
	/* Rerror: errnum only in .u; Tcreate: extension only in .u */
	ck_assert_int_eq(p9_size(&vec("Rerror 9P2000.u")->msg, P9_V_2000),
	    (ssize_t)vec("Rerror 9P2000.u")->len - 4);
	ck_assert_int_eq(p9_size(&vec("Tcreate 9P2000.u")->msg, P9_V_2000),
	    (ssize_t)vec("Tcreate 9P2000.u")->len - 2 - 5);
}
END_TEST

START_TEST(test_encode_limits)
{
	const struct t_vector *v = vec("Twrite 9P2000.L");
	uint8_t out[256];
	uint32_t len = (uint32_t)v->len;

	ck_assert_uint_le(v->len, sizeof(out));
	memset(out, 0xaa, sizeof(out));
	ck_assert_int_eq(
	    p9_encode(&v->msg, v->dialect, len - 1, out, sizeof(out)),
	    -EMSGSIZE);
	ck_assert_int_eq(
	    p9_encode(&v->msg, v->dialect, 65536, out, len - 1), -EMSGSIZE);
	/* nothing was written */
	for (size_t i = 0; i < sizeof(out); i++)
		ck_assert_uint_eq(out[i], 0xaa);
	/* exactly msize and exactly buf_len are fine */
	ck_assert_int_eq(
	    p9_encode(&v->msg, v->dialect, len, out, len), (ssize_t)len);
	ck_assert(memcmp(out, v->bytes, len) == 0);
	ck_assert_uint_eq(out[len], 0xaa);
}
END_TEST

START_TEST(test_size_refuses)
{
	struct p9_msg m;

	memset(&m, 0, sizeof(m));
	m.type = P9_TWALK;
	m.twalk.nwname = P9_MAXWELEM + 1;
	ck_assert_int_eq(p9_size(&m, P9_V_2000L), -EINVAL);
	memset(&m, 0, sizeof(m));
	m.type = P9_RWALK;
	m.rwalk.nwqid = 17;
	ck_assert_int_eq(p9_size(&m, P9_V_2000L), -EINVAL);
	memset(&m, 0, sizeof(m));
	m.type = P9_TLCREATE;
	m.tlcreate.name = S("a\0b");
	ck_assert_int_eq(p9_size(&m, P9_V_2000L), -EINVAL);
	m.tlcreate.name = S("ab");
	ck_assert_int_eq(p9_size(&m, P9_V_2000L), 7 + 4 + 4 + 4 + 4 + 4);
	memset(&m, 0, sizeof(m));
	m.type = P9_RREAD;
	m.rread.count = 10;
	ck_assert_int_eq(p9_size(&m, P9_V_2000L), -EINVAL);
	/* a stat whose strings exceed the stat's size[2] */
	memset(&m, 0, sizeof(m));
	m.type = P9_RSTAT;
	{
		static char big[40000];

		memset(big, 'x', sizeof(big));
		m.rstat.stat.name.len = sizeof(big);
		m.rstat.stat.name.s = big;
		m.rstat.stat.uid.len = sizeof(big);
		m.rstat.stat.uid.s = big;
		ck_assert_int_eq(p9_size(&m, P9_V_2000), -EINVAL);
	}
}
END_TEST

START_TEST(test_bad_stat_sizes)
{
	const struct t_vector *v = vec("Rstat 9P2000.u");
	uint8_t b[512];
	struct p9_msg m;

	ck_assert_uint_le(v->len, sizeof(b));
	/* n[2] at 7, the stat's own size[2] at 9 */
	for (int delta = -1; delta <= 1; delta += 2) {
		memcpy(b, v->bytes, v->len);
		b[9] = (uint8_t)(b[9] + delta);
		ck_assert_int_eq(
		    p9_decode(b, v->len, v->dialect, &m, NULL), -EBADMSG);
		memcpy(b, v->bytes, v->len);
		b[7] = (uint8_t)(b[7] + delta);
		ck_assert_int_eq(
		    p9_decode(b, v->len, v->dialect, &m, NULL), -EBADMSG);
	}
	/* a .u stat in a 9P2000 Rstat is malformed */
	ck_assert_int_eq(
	    p9_decode(v->bytes, v->len, P9_V_2000, &m, NULL), -EBADMSG);
}
END_TEST

START_TEST(test_data_count_must_fit)
{
	struct frame f;
	struct p9_msg m;

	/* Rread count 5 with 4 bytes, then with 6 */
	f_begin(&f, P9_RREAD, 1);
	f_le(&f, 5, 4);
	f_bytes(&f, "abcd", 4);
	f_end(&f);
	ck_assert_int_eq(p9_decode(f.b, f.len, P9_V_2000L, &m, NULL), -EBADMSG);
	f_bytes(&f, "ef", 2);
	f_end(&f);
	ck_assert_int_eq(p9_decode(f.b, f.len, P9_V_2000L, &m, NULL), -EBADMSG);
	f.len--;
	f_end(&f);
	ck_assert_int_eq(p9_decode(f.b, f.len, P9_V_2000L, &m, NULL), 0);
	ck_assert_uint_eq(m.rread.count, 5);
	ck_assert_ptr_eq(m.rread.data, f.b + 11);
	/* a huge count does not wrap */
	f_begin(&f, P9_TWRITE, 1);
	f_le(&f, 1, 4);
	f_le(&f, 0, 8);
	f_le(&f, 0xffffffff, 4);
	f_end(&f);
	ck_assert_int_eq(p9_decode(f.b, f.len, P9_V_2000, &m, NULL), -EBADMSG);
}
END_TEST

START_TEST(test_string_len_over_frame)
{
	struct p9_diag diag;
	struct frame f;
	struct p9_msg m;

	f_begin(&f, P9_TVERSION, P9_NOTAG);
	f_le(&f, 8192, 4);
	f_le(&f, 0xffff, 2);
	f_bytes(&f, "9P2000", 6);
	f_end(&f);
	ck_assert_int_eq(p9_decode(f.b, f.len, P9_V_2000, &m, &diag), -EBADMSG);
	ck_assert_str_eq(diag.field, "version");
	ck_assert_str_eq(diag.what, "string truncated");
	ck_assert_uint_eq(diag.offset, 11);
	ck_assert_uint_eq(diag.value, 0xffff);
	ck_assert_uint_eq(diag.limit, 6);
}
END_TEST

START_TEST(test_dialect_from_version)
{
	static const struct {
		const char *s;
		unsigned want;
	} cases[] = {
	    {"9P2000.L", P9_V_2000L},
	    {"9P2000.u", P9_V_2000U},
	    {"9P2000", P9_V_2000},
	    {"9P2000.x", P9_V_2000},
	    {"9P2000.L.xyz", P9_V_2000},
	    {"9P2000.", P9_V_2000},
	    {"9P2000.l", P9_V_2000},
	    {"9P2000L", 0},
	    {"9P200", 0},
	    {"9P", 0},
	    {"", 0},
	    {"unknown", 0},
	    {"9p2000.L", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(p9_dialect_from_version(cases[i].s,
		                  strlen(cases[i].s)) == cases[i].want,
		    "'%s'", cases[i].s);
	/* the length counts, not a NUL */
	ck_assert_uint_eq(p9_dialect_from_version("9P2000.Lx", 8), P9_V_2000L);
}
END_TEST

START_TEST(test_names_and_frame_size)
{
	static const uint8_t hdr[] = {0x12, 0x34, 0x56, 0x78};

	ck_assert_str_eq(p9_type_name(P9_TWALK), "Twalk");
	ck_assert_str_eq(p9_type_name(P9_RLERROR), "Rlerror");
	ck_assert_str_eq(p9_type_name(P9_RWSTAT), "Rwstat");
	ck_assert_str_eq(p9_type_name(0), "unknown");
	ck_assert_str_eq(p9_type_name(P9_TLERROR), "unknown");
	ck_assert_uint_eq(p9_frame_size(hdr), 0x78563412u);
}
END_TEST

TCase *
test_p9_codec_tcase(void)
{
	TCase *tc = tcase_create("codec");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_twalk_nwname_over_max);
	tcase_add_test(tc, test_rwalk_nwqid_over_max);
	tcase_add_test(tc, test_short_header);
	tcase_add_test(tc, test_dialect_gating);
	tcase_add_test(tc, test_unknown_types);
	tcase_add_test(tc, test_u_extras);
	tcase_add_test(tc, test_encode_limits);
	tcase_add_test(tc, test_size_refuses);
	tcase_add_test(tc, test_bad_stat_sizes);
	tcase_add_test(tc, test_data_count_must_fit);
	tcase_add_test(tc, test_string_len_over_frame);
	tcase_add_test(tc, test_dialect_from_version);
	tcase_add_test(tc, test_names_and_frame_size);
	return tc;
}
