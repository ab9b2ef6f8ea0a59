/* SPDX-License-Identifier: MIT */
/*
 * Sandbox tests that need no seccomp: the command-line words of the modes,
 * sb_selftest's refusal of unknown names, and sb_fd_list. These also run
 * under valgrind, where the filter cannot be loaded.
 */
#include "test_sb.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

START_TEST(test_modes_seccomp_words_round_trip)
{
	static const char *const words[] = {"kill", "trap", "log", "off"};
	enum sb_seccomp_mode m;

	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(sb_seccomp_mode_parse(words[i], &m), 0);
		ck_assert_int_eq((int)m, (int)i);
		ck_assert_str_eq(sb_seccomp_mode_name(m), words[i]);
	}
	m = SB_SECCOMP_LOG;
	ck_assert_int_eq(sb_seccomp_mode_parse("KILL", &m), -EINVAL);
	ck_assert_int_eq(sb_seccomp_mode_parse("", &m), -EINVAL);
	ck_assert_int_eq(sb_seccomp_mode_parse("killx", &m), -EINVAL);
	ck_assert_int_eq(sb_seccomp_mode_parse(NULL, &m), -EINVAL);
	ck_assert_int_eq((int)m, (int)SB_SECCOMP_LOG); /* left alone */
	ck_assert_str_eq(sb_seccomp_mode_name((enum sb_seccomp_mode)9), "?");
#if NG_SECCOMP_DEBUG
	ck_assert_int_eq((int)sb_seccomp_mode_default(), (int)SB_SECCOMP_TRAP);
#else
	ck_assert_int_eq((int)sb_seccomp_mode_default(), (int)SB_SECCOMP_KILL);
#endif
}
END_TEST

START_TEST(test_modes_ns_words_round_trip)
{
	static const char *const words[] = {"auto", "namespace", "none"};
	enum sb_ns_mode m;

	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(sb_ns_mode_parse(words[i], &m), 0);
		ck_assert_int_eq((int)m, (int)i);
		ck_assert_str_eq(sb_ns_mode_name(m), words[i]);
	}
	m = SB_NS_NONE;
	ck_assert_int_eq(sb_ns_mode_parse("namespaces", &m), -EINVAL);
	ck_assert_int_eq(sb_ns_mode_parse(NULL, &m), -EINVAL);
	ck_assert_int_eq((int)m, (int)SB_NS_NONE);
	ck_assert_str_eq(sb_ns_mode_name((enum sb_ns_mode)7), "?");
}
END_TEST

/* Unknown selftest names are refused before any call is made. */
START_TEST(test_modes_selftest_unknown_name)
{
	ck_assert_int_eq(sb_selftest("open"), -EINVAL);
	ck_assert_int_eq(sb_selftest(""), -EINVAL);
	ck_assert_int_eq(sb_selftest(NULL), -EINVAL);
}
END_TEST

/* A bad config is refused before anything is changed. */
START_TEST(test_modes_bad_config)
{
	struct sb_gateway_cfg cfg = {.seccomp = (enum sb_seccomp_mode)9};
	struct sb_backend_cfg bcfg = {.root = NULL, .root_fd = -1};
	char err[128] = "";

	ck_assert_int_eq(
	    sb_enter_gateway(NULL, NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(
	    sb_enter_gateway(&cfg, NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(
	    sb_enter_backend(&bcfg, NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "sandbox: bad config");
}
END_TEST

/* sb_fd_list sees a new pipe and no longer sees it once closed. */
START_TEST(test_modes_fd_list)
{
	int fds[4096], p[2];
	ssize_t n;
	int seen;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	n = sb_fd_list(fds, 4096);
	ck_assert_int_gt(n, 2);
	seen = 0;
	for (ssize_t i = 0; i < n; i++)
		seen += fds[i] == p[0] || fds[i] == p[1];
	ck_assert_int_eq(seen, 2);
	ck_assert_int_eq(sb_fd_list(fds, 1), -ENOSPC);
	close(p[0]);
	close(p[1]);
	n = sb_fd_list(fds, 4096);
	seen = 0;
	for (ssize_t i = 0; i < n; i++)
		seen += fds[i] == p[0] || fds[i] == p[1];
	ck_assert_int_eq(seen, 0);
}
END_TEST

Suite *
test_sb_modes_suite(void)
{
	Suite *s = suite_create("sandbox_modes");
	TCase *tc = tcase_create("modes");

	tcase_add_test(tc, test_modes_seccomp_words_round_trip);
	tcase_add_test(tc, test_modes_ns_words_round_trip);
	tcase_add_test(tc, test_modes_selftest_unknown_name);
	tcase_add_test(tc, test_modes_bad_config);
	tcase_add_test(tc, test_modes_fd_list);
	suite_add_tcase(s, tc);
	return s;
}
