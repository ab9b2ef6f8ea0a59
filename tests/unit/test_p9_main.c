/* SPDX-License-Identifier: MIT */
/*
 * test_p9: the p9 module's unit test binary (meson suite 'unit'). Runs the
 * golden vector, codec, trace and directory entry test cases; it touches no
 * files, network or clock.
 */
#include "test_p9.h"

#include <stdlib.h>

int
main(void)
{
	Suite *s = suite_create("p9");
	SRunner *sr;
	int failed;

	suite_add_tcase(s, test_p9_vectors_tcase());
	suite_add_tcase(s, test_p9_codec_tcase());
	suite_add_tcase(s, test_p9_fmt_tcase());
	suite_add_tcase(s, test_p9_dirent_tcase());
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
