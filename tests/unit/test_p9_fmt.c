/* SPDX-License-Identifier: MIT */
/*
 * p9_fmt: the one-line trace. Exact lines for a few messages, escaping and
 * cutting of peer strings, and a too-small output buffer.
 */
#include "test_p9.h"

#include <stdio.h>
#include <string.h>

#include "p9_vectors.h"

#define S(lit) ((struct p9_str){.len = sizeof(lit) - 1, .s = (lit)})

static const struct t_vector *
vec(const char *name)
{
	for (size_t i = 0; i < t_nvectors(); i++)
		if (strcmp(t_vector(i)->name, name) == 0)
			return t_vector(i);
	ck_abort_msg("no vector %s", name);
	return NULL;
}

static void
expect_line(const struct p9_msg *m, unsigned dialect, const char *want)
{
	char line[512];
	int n = p9_fmt(m, dialect, line, sizeof(line));

	ck_assert_str_eq(line, want);
	ck_assert_int_eq(n, (int)strlen(want));
}

START_TEST(test_fmt_twalk)
{
	struct p9_msg m = {.type = P9_TWALK, .tag = 7};

	m.twalk.fid = 1;
	m.twalk.newfid = 2;
	m.twalk.nwname = 2;
	m.twalk.wname[0] = S("a");
	m.twalk.wname[1] = S("b");
	expect_line(
	    &m, P9_V_2000L, "Twalk tag 7 fid 1 newfid 2 nwname 2 'a' 'b'");
}
END_TEST

START_TEST(test_fmt_vectors)
{
	expect_line(&vec("Tversion 9P2000.L")->msg, P9_V_2000L,
	    "Tversion tag 65535 msize 65536 version '9P2000.L'");
	expect_line(
	    &vec("Rlerror 9P2000.L")->msg, P9_V_2000L, "Rlerror tag 0 ecode 2");
	expect_line(&vec("Rattach 9P2000.L")->msg, P9_V_2000L,
	    "Rattach tag 0 qid (0x80 0 0xa74034)");
	expect_line(&vec("Tlopen 9P2000.L")->msg, P9_V_2000L,
	    "Tlopen tag 0 fid 3 flags 0304000");
	expect_line(
	    &vec("Rread 9P2000.L")->msg, P9_V_2000L, "Rread tag 0 count 17");
	expect_line(&vec("Rclunk 9P2000.L")->msg, P9_V_2000L, "Rclunk tag 0");
	/* the .u field appears in .u only */
	expect_line(&vec("Rerror 9P2000.u")->msg, P9_V_2000U,
	    "Rerror tag 3 ename 'file does not exist' errnum 2");
	expect_line(&vec("Rerror 9P2000.u")->msg, P9_V_2000,
	    "Rerror tag 3 ename 'file does not exist'");
	expect_line(&vec("Rstat 9P2000")->msg, P9_V_2000,
	    "Rstat tag 13 stat { type 3 dev 9 qid (0x0 7 0x1234) "
	    "mode 0x1a4 atime 1704164645 mtime 1704164600 length 11 "
	    "name 'notes' uid 'glenda' gid 'sys' muid 'bootes' }");
}
END_TEST

START_TEST(test_fmt_escapes_and_cuts)
{
	static char longname[200];
	struct p9_msg m = {.type = P9_TXATTRWALK, .tag = 1};
	char want[300];

	m.txattrwalk.name = S("a'b\\c\n\x7f\xc3\xbc");
	expect_line(&m, P9_V_2000L,
	    "Txattrwalk tag 1 fid 0 newfid 0 name "
	    "'a\\x27b\\x5cc\\x0a\\x7f\\xc3\\xbc'");
	memset(longname, 'n', sizeof(longname));
	m.txattrwalk.name.s = longname;
	m.txattrwalk.name.len = sizeof(longname);
	snprintf(want, sizeof(want),
	    "Txattrwalk tag 1 fid 0 newfid 0 name '%.64s'...", longname);
	expect_line(&m, P9_V_2000L, want);
}
END_TEST

START_TEST(test_fmt_small_buffer)
{
	const struct t_vector *v = vec("Tattach 9P2000.L");
	char line[12];

	memset(line, 'z', sizeof(line));
	ck_assert_int_eq(p9_fmt(&v->msg, v->dialect, line, sizeof(line)), 11);
	ck_assert_str_eq(line, "Tattach tag");
	ck_assert_int_eq(p9_fmt(&v->msg, v->dialect, line, 1), 0);
	ck_assert_str_eq(line, "");
	line[0] = 'z';
	ck_assert_int_eq(p9_fmt(&v->msg, v->dialect, line, 0), 0);
	ck_assert_int_eq(line[0], 'z');
}
END_TEST

START_TEST(test_fmt_foreign_type)
{
	struct p9_msg m = {.type = P9_TLOPEN, .tag = 4};

	expect_line(&m, P9_V_2000, "type 12 tag 4 (not in this dialect)");
}
END_TEST

TCase *
test_p9_fmt_tcase(void)
{
	TCase *tc = tcase_create("fmt");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_fmt_twalk);
	tcase_add_test(tc, test_fmt_vectors);
	tcase_add_test(tc, test_fmt_escapes_and_cuts);
	tcase_add_test(tc, test_fmt_small_buffer);
	tcase_add_test(tc, test_fmt_foreign_type);
	return tc;
}
