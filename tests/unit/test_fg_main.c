/* SPDX-License-Identifier: MIT */
/*
 * test_fg: the fuse_glue module's unit test binary (meson suite 'unit').
 * Drives the wire table, the dirent cursor and the session against a
 * scripted fake backend; it starts no process, sleeps never and reads no
 * clock.
 */
#include "test_fg.h"

#include <stdlib.h>

int
main(void)
{
	Suite *s = suite_create("fuse_glue");
	SRunner *sr;
	int failed;

	suite_add_tcase(s, test_fg_wire_tcase());
	suite_add_tcase(s, test_fg_dirent_tcase());
	suite_add_tcase(s, test_fg_init_tcase());
	suite_add_tcase(s, test_fg_session_tcase());
	suite_add_tcase(s, test_fg_intr_tcase());
	suite_add_tcase(s, test_fg_ledger_tcase());
	suite_add_tcase(s, test_fg_queue_tcase());
	suite_add_tcase(s, test_fg_lines_tcase());
	suite_add_tcase(s, test_fg_vectors_tcase());
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
