/* SPDX-License-Identifier: MIT */
/* The gateway core's Check binary: flush engine, connections, dispatch. */
#include "test_gw.h"

#include <stdlib.h>

int
main(void)
{
	SRunner *sr = srunner_create(t_gw_flush_suite());
	int failed;

	srunner_add_suite(sr, t_gw_conn_suite());
	srunner_add_suite(sr, t_gw_ids_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
