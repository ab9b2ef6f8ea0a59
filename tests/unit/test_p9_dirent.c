/* SPDX-License-Identifier: MIT */
/*
 * Directory entries and error texts: 9P2000.L dirents against the captured
 * Rreaddir, stat entries against the Rstat vectors, put/get round trips,
 * truncation and overflow, and the errno <-> text maps.
 */
#include "test_p9.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "p9_vectors.h"

static const struct t_vector *
vec(const char *name)
{
	for (size_t i = 0; i < t_nvectors(); i++)
		if (strcmp(t_vector(i)->name, name) == 0)
			return t_vector(i);
	ck_abort_msg("no vector %s", name);
	return NULL;
}

/* The six entries of capture #34 (ls -la docs), in wire order. */
static const struct {
	struct p9_qid qid;
	uint64_t offset;
	uint8_t type;
	const char *name;
} captured[] = {
    {{0x00, 0, 0xa74038}, 2232908316014189079u, 8, "readme.txt"},
    {{0x80, 0, 0xa74036}, 5190847471143107743u, 4, "."},
    {{0x00, 0, 0xa7403b}, 5255354753439644351u, 8, "empty"},
    {{0x00, 0, 0xa7403a}, 6357504699377170974u, 8,
        "gr\xc3\xbc\xc3\x9f"
        "e-\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt"},
    {{0x80, 0, 0xa74034}, 7847671163986194889u, 4, ".."},
    {{0x00, 0, 0xa74039}, 0x7fffffffffffffffu, 8, "with space.txt"},
};
#define NCAPTURED (sizeof(captured) / sizeof(captured[0]))

START_TEST(test_dirent_get_capture)
{
	const struct t_vector *v = vec("Rreaddir 9P2000.L");
	const uint8_t *p = v->msg.rreaddir.data;
	size_t left = v->msg.rreaddir.count;

	for (size_t i = 0; i < NCAPTURED; i++) {
		struct p9_qid qid;
		struct p9_str name;
		uint64_t off;
		uint8_t type;
		size_t used;

		ck_assert_int_eq(
		    p9_dirent_get(p, left, &qid, &off, &type, &name, &used), 0);
		ck_assert_uint_eq(qid.type, captured[i].qid.type);
		ck_assert_uint_eq(qid.version, captured[i].qid.version);
		ck_assert_uint_eq(qid.path, captured[i].qid.path);
		ck_assert_uint_eq(off, captured[i].offset);
		ck_assert_uint_eq(type, captured[i].type);
		ck_assert_uint_eq(name.len, strlen(captured[i].name));
		ck_assert(memcmp(name.s, captured[i].name, name.len) == 0);
		ck_assert_uint_eq(used, 24 + name.len);
		p += used;
		left -= used;
	}
	ck_assert_uint_eq(left, 0);
}
END_TEST

START_TEST(test_dirent_put_capture)
{
	const struct t_vector *v = vec("Rreaddir 9P2000.L");
	uint8_t buf[256];
	size_t len = 0;

	for (size_t i = 0; i < NCAPTURED; i++) {
		ssize_t n = p9_dirent_put(buf + len, sizeof(buf) - len,
		    &captured[i].qid, captured[i].offset, captured[i].type,
		    captured[i].name, strlen(captured[i].name));

		ck_assert_int_eq(n, (ssize_t)(24 + strlen(captured[i].name)));
		len += (size_t)n;
	}
	ck_assert_uint_eq(len, v->msg.rreaddir.count);
	ck_assert(memcmp(buf, v->msg.rreaddir.data, len) == 0);
}
END_TEST

START_TEST(test_dirent_limits)
{
	static const struct p9_qid qid = {0x80, 1, 42};
	uint8_t buf[32], *heap;
	struct p9_qid got_qid;
	struct p9_str name;
	uint64_t off;
	uint8_t type;
	size_t used;
	ssize_t n;

	/* 24 + 5 bytes: 28 is too small and leaves buf alone */
	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(
	    p9_dirent_put(buf, 28, &qid, 9, 4, "hello", 5), -EMSGSIZE);
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0xee);
	n = p9_dirent_put(buf, 29, &qid, 9, 4, "hello", 5);
	ck_assert_int_eq(n, 29);
	ck_assert_int_eq(
	    p9_dirent_put(buf, sizeof(buf), &qid, 9, 4, "a\0b", 3), -EINVAL);
	ck_assert_int_eq(
	    p9_dirent_put(buf, sizeof(buf), &qid, 9, 4, "x", 65536), -EINVAL);
	/* every truncation of the entry is refused (heap: ASan checks) */
	for (size_t len = 0; len < 29; len++) {
		heap = malloc(len + 1);
		ck_assert_ptr_nonnull(heap);
		memcpy(heap, buf, len);
		ck_assert_int_eq(p9_dirent_get(heap, len, &got_qid, &off, &type,
		                     &name, &used),
		    -EBADMSG);
		free(heap);
	}
	/* a NUL in the name is refused */
	buf[26] = 0;
	ck_assert_int_eq(
	    p9_dirent_get(buf, 29, &got_qid, &off, &type, &name, &used),
	    -EBADMSG);
}
END_TEST

/* The Rstat vectors hold one stat entry at offset 9 (after n[2]). */
START_TEST(test_stat_put_get_vectors)
{
	static const char *const names[] = {"Rstat 9P2000", "Rstat 9P2000.u",
	    "Twstat 9P2000", "Twstat 9P2000.u"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct t_vector *v = vec(names[i]);
		const struct p9_stat *st = v->msg.type == P9_RSTAT
		                               ? &v->msg.rstat.stat
		                               : &v->msg.twstat.stat;
		size_t at = v->msg.type == P9_RSTAT ? 9 : 13;
		size_t len = v->len - at;
		uint8_t buf[512];
		struct p9_stat got;
		size_t used;

		ck_assert_int_eq(p9_stat_put(buf, sizeof(buf), st, v->dialect),
		    (ssize_t)len);
		ck_assert(memcmp(buf, v->bytes + at, len) == 0);
		ck_assert_int_eq(
		    p9_stat_put(buf, len - 1, st, v->dialect), -EMSGSIZE);
		ck_assert_int_eq(
		    p9_stat_get(v->bytes + at, len, v->dialect, &got, &used),
		    0);
		ck_assert_uint_eq(used, len);
		ck_assert_uint_eq(got.size, st->size);
		ck_assert_uint_eq(got.mode, st->mode);
		ck_assert_uint_eq(got.qid.path, st->qid.path);
		ck_assert_uint_eq(got.length, st->length);
		ck_assert_uint_eq(got.name.len, st->name.len);
		ck_assert(memcmp(got.name.s, st->name.s, st->name.len) == 0);
		ck_assert_uint_eq(got.n_uid, st->n_uid);
		ck_assert_uint_eq(got.extension.len, st->extension.len);
		for (size_t cut = 0; cut < len; cut++)
			ck_assert_int_eq(p9_stat_get(v->bytes + at, cut,
			                     v->dialect, &got, &used),
			    -EBADMSG);
	}
}
END_TEST

START_TEST(test_stat_dir_read)
{
	/* two entries back to back, as a directory Rread carries them */
	const struct p9_stat *st = &vec("Rstat 9P2000.u")->msg.rstat.stat;
	uint8_t buf[512];
	struct p9_stat got;
	size_t used, len = 0;
	ssize_t n;

	for (int i = 0; i < 2; i++) {
		n = p9_stat_put(buf + len, sizeof(buf) - len, st, P9_V_2000U);
		ck_assert_int_gt(n, 0);
		len += (size_t)n;
	}
	ck_assert_int_eq(p9_stat_get(buf, len, P9_V_2000U, &got, &used), 0);
	ck_assert_uint_eq(used, len / 2);
	ck_assert_int_eq(
	    p9_stat_get(buf + used, len - used, P9_V_2000U, &got, &used), 0);
	ck_assert_uint_eq(used, len / 2);
	/* a .u entry read as 9P2000 does not fit its size[2] */
	ck_assert_int_eq(
	    p9_stat_get(buf, len, P9_V_2000, &got, &used), -EBADMSG);
	ck_assert_int_eq(
	    p9_stat_get(buf, len, P9_V_2000L, &got, &used), -EOPNOTSUPP);
	ck_assert_int_eq(
	    p9_stat_put(buf, sizeof(buf), st, P9_V_2000L), -EOPNOTSUPP);
}
END_TEST

START_TEST(test_errstr)
{
	ck_assert_str_eq(p9_errstr(ENOENT), "No such file or directory");
	ck_assert_str_eq(p9_errstr(EACCES), "Permission denied");
	ck_assert_str_eq(p9_errstr(EOPNOTSUPP), "Operation not supported");
	ck_assert_str_eq(p9_errstr(0), "Input/output error");
	ck_assert_str_eq(p9_errstr(100000), "Input/output error");
	ck_assert_str_eq(p9_errstr(-ENOENT), "Input/output error");
	/* every text maps back to its number */
	for (int e = 1; e < 140; e++) {
		const char *t = p9_errstr(e);

		if (e != EIO && strcmp(t, "Input/output error") == 0)
			continue; /* not in the table */
		ck_assert_msg(
		    p9_errnum_from_str(t, strlen(t)) == e, "%d %s", e, t);
	}
}
END_TEST

START_TEST(test_errnum_from_plan9)
{
	static const struct {
		const char *s;
		int want;
	} cases[] = {
	    {"file does not exist", ENOENT},
	    {"'notes' file does not exist", ENOENT},
	    {"permission denied", EACCES},
	    {"PERMISSION DENIED", EACCES},
	    {"file already exists", EEXIST},
	    {"directory not empty", ENOTEMPTY},
	    {"unknown fid", EBADF},
	    {"not a directory", ENOTDIR},
	    {"something else entirely", EIO},
	    {"", EIO},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(p9_errnum_from_str(cases[i].s,
		                  strlen(cases[i].s)) == cases[i].want,
		    "'%s'", cases[i].s);
	/* only len bytes count */
	ck_assert_int_eq(
	    p9_errnum_from_str("Permission deniedXYZ", 17), EACCES);
}
END_TEST

TCase *
test_p9_dirent_tcase(void)
{
	TCase *tc = tcase_create("dirent");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_dirent_get_capture);
	tcase_add_test(tc, test_dirent_put_capture);
	tcase_add_test(tc, test_dirent_limits);
	tcase_add_test(tc, test_stat_put_get_vectors);
	tcase_add_test(tc, test_stat_dir_read);
	tcase_add_test(tc, test_errstr);
	tcase_add_test(tc, test_errnum_from_plan9);
	return tc;
}
