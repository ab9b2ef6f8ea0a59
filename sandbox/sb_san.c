/* SPDX-License-Identifier: MIT */
/*
 * Sanitizer builds: what the ASan/UBSan/LSan runtime would otherwise do
 * after the sandbox is on and die doing.
 *  - LeakSanitizer's exit-time check stops the world with a cloned tracer
 *    thread, ptrace and /proc reads: impossible under the filter (and
 *    after Landlock and the namespace step). So, unless seccomp is off,
 *    the one-shot check runs here, before confinement; it covers the
 *    start-up and disables the check at exit. Leaks of the serving phase
 *    are found by runs with --seccomp=off (valgrind, LSan jobs).
 *  - The symbolizer is initialised here (module list, debug info of the
 *    main program) so a report after entry has less to open.
 * The runtime's functions are weak references: in a build without
 * sanitizers they are NULL and this file does nothing.
 */
#include "sb_int.h"

#include <stddef.h>

void __lsan_do_leak_check(void) __attribute__((weak));
void __sanitizer_symbolize_pc(
    void *pc, const char *fmt, char *out, size_t out_len) __attribute__((weak));

const char *
sb_san_prepare(bool leak_check_now)
{
	char buf[256];
	const char *word = "";

	if (__sanitizer_symbolize_pc != NULL) {
		__sanitizer_symbolize_pc(
		    __builtin_return_address(0), "%p %F %L", buf, sizeof(buf));
		word = " san=symbolizer";
	}
	if (__lsan_do_leak_check != NULL && leak_check_now) {
		__lsan_do_leak_check();
		word = " san=symbolizer+lsan-at-entry";
	}
	return word;
}
