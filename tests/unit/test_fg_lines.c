/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the child's stderr line splitter and of the wait-status
 * descriptions (pure functions; no child is started here: spawning is
 * tested in tests/integration/t_fg_spawn.c).
 */
#include "test_fg.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

struct lines {
	int n;
	char line[8][600];
};

static void
line_cb(const char *line, void *arg)
{
	struct lines *l = arg;

	ck_assert_int_lt(l->n, 8);
	ck_assert_uint_le(strlen(line), 512);
	strcpy(l->line[l->n++], line);
}

START_TEST(test_lines_split)
{
	struct fg_lines lb = {.len = 0};
	struct lines l = {0};

	fg_lines_feed(&lb, "one\ntw", 6, line_cb, &l);
	ck_assert_int_eq(l.n, 1);
	ck_assert_str_eq(l.line[0], "one");
	fg_lines_feed(&lb,
	    "o\n\nthr\x01"
	    "ee\r",
	    10, line_cb, &l);
	ck_assert_int_eq(l.n, 3);
	ck_assert_str_eq(l.line[1], "two");
	ck_assert_str_eq(l.line[2], "");
	fg_lines_feed(&lb, NULL, 0, line_cb, &l); /* EOF: partial line */
	ck_assert_int_eq(l.n, 4);
	ck_assert_str_eq(l.line[3], "thr\\x01ee\\x0d");
	fg_lines_feed(&lb, NULL, 0, line_cb, &l);
	ck_assert_int_eq(l.n, 4);
}
END_TEST

START_TEST(test_lines_truncated)
{
	struct fg_lines lb = {.len = 0};
	struct lines l = {0};
	static char big[5000];

	memset(big, 'x', sizeof(big));
	fg_lines_feed(&lb, big, sizeof(big), line_cb, &l);
	ck_assert_int_eq(l.n, 0);
	fg_lines_feed(&lb, "\nnext\n", 6, line_cb, &l);
	ck_assert_int_eq(l.n, 2);
	ck_assert_uint_eq(strlen(l.line[0]), 512);
	ck_assert_str_eq(l.line[1], "next");
	/* escapes count against the limit too */
	memset(big, '\t', 200);
	big[200] = '\n';
	fg_lines_feed(&lb, big, 201, line_cb, &l);
	ck_assert_int_eq(l.n, 3);
	ck_assert_uint_eq(strlen(l.line[2]), 512);
	ck_assert_int_eq(strncmp(l.line[2], "\\x09\\x09", 8), 0);
}
END_TEST

START_TEST(test_describe_status)
{
	char buf[96];

	fg_describe_status(1 << 8, buf, sizeof(buf));
	ck_assert_str_eq(buf, "exited with status 1");
	fg_describe_status(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "exited with status 0");
	fg_describe_status(SIGSEGV, buf, sizeof(buf));
	ck_assert_str_eq(buf, "killed by SIGSEGV");
	fg_describe_status(SIGKILL | 0x80, buf, sizeof(buf));
	ck_assert_str_eq(buf, "killed by SIGKILL (core dumped)");
}
END_TEST

TCase *
test_fg_lines_tcase(void)
{
	TCase *tc = tcase_create("lines");

	tcase_add_test(tc, test_lines_split);
	tcase_add_test(tc, test_lines_truncated);
	tcase_add_test(tc, test_describe_status);
	return tc;
}
