/* SPDX-License-Identifier: MIT */
/*
 * The p9 codec's Check test cases, one function per unit file; the suite
 * is assembled in test_p9_main.c. The tests are white-box: they may read
 * the field tables in p9_int.h to compare decoded strings.
 */
#ifndef NG_TESTS_TEST_P9_H
#define NG_TESTS_TEST_P9_H

#include <check.h>

#include "p9.h"

TCase *test_p9_vectors_tcase(void);
TCase *test_p9_codec_tcase(void);
TCase *test_p9_fmt_tcase(void);
TCase *test_p9_dirent_tcase(void);

/* ck_assert that decoded m equals the vector's expected message */
struct t_vector;
void test_p9_expect_msg(const struct p9_msg *got, const struct t_vector *v);

#endif /* NG_TESTS_TEST_P9_H */
