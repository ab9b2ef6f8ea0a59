/* SPDX-License-Identifier: MIT */
/*
 * test_sb: the sandbox module's Check binary (suite 'unit').
 *
 * Under valgrind the cases that load a seccomp filter are not registered:
 * valgrind cannot run a filtered process (it does not know the seccomp
 * syscall, and its JIT needs executable mappings; SANDBOX.md §6.8). The
 * binary says so on stderr, and the remaining cases (modes, fd listing,
 * the gateway entry with --seccomp=off) are real tests that pass or fail
 * on their own; nothing is reported as passed without running. Valgrind is
 * detected by RUNNING_ON_VALGRIND, or by NINEGATE_UNDER_VALGRIND=1 in the
 * environment.
 */
#include "test_sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define T_SB_ON_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#else
#define T_SB_ON_VALGRIND() 0
#endif

static bool
under_valgrind(void)
{
	const char *env = getenv("NINEGATE_UNDER_VALGRIND");

	return T_SB_ON_VALGRIND() || (env != NULL && strcmp(env, "1") == 0);
}

int
main(void)
{
	SRunner *sr = srunner_create(test_sb_modes_suite());
	int failed;

	if (under_valgrind()) {
		fprintf(stderr, "test_sb: running under valgrind: the cases "
		                "that load a seccomp filter are not run "
		                "(valgrind cannot execute under one); the "
		                "mode, fd and --seccomp=off cases run\n");
		srunner_add_suite(sr, test_sb_gateway_suite(true));
	} else {
		srunner_add_suite(sr, test_sb_gateway_suite(false));
		srunner_add_suite(sr, test_sb_backend_suite());
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
