/* SPDX-License-Identifier: MIT */
/*
 * Shared declarations of the sandbox unit tests (binary test_sb): the
 * grandchild harness of test_sb_run.c and the suites of each file.
 *
 * Every case that enters a sandbox does it in a grandchild: Check's own
 * forked test process reports through a tmpfile and leaves through libc's
 * exit path, neither of which is on an allow-list, so it must stay
 * unconfined (SANDBOX.md §7.5).
 */
#ifndef NG_TESTS_UNIT_TEST_SB_H
#define NG_TESTS_UNIT_TEST_SB_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sb.h"

/* The grandchild's end of the two pipes. */
struct t_sb_io {
	int rep; /* to the parent: "R" + summary line, then output */
	int go;  /* from the parent: EOF when the parent is done */
};

/* What the parent saw. */
struct t_sb_out {
	char buf[8192]; /* everything the grandchild wrote to rep, NUL-ended */
	size_t len;
	int status; /* waitpid status */
	pid_t pid;
};

typedef void t_sb_child_fn(const struct t_sb_io *io, void *arg);
typedef void t_sb_parent_fn(pid_t pid, const char *ready, void *arg);

/*
 * Fork a grandchild that runs child(io, arg) and then _exit(0). When the
 * grandchild has written its first line ("R..."), parent(pid, line, arg)
 * runs in the test process (if not NULL) while the grandchild may wait on
 * io->go; then the parent closes go, reads rep to EOF and reaps.
 */
void t_sb_run(t_sb_child_fn *child, void *arg, t_sb_parent_fn *parent,
    void *parent_arg, struct t_sb_out *out);

/* In the grandchild: enter the gateway sandbox keeping io's fds and
 * extra[]; on success write "R" + summary + "\n" to io->rep; on failure
 * write "E:" + reason and _exit(3). */
void t_sb_gw_enter(const struct t_sb_io *io, enum sb_seccomp_mode mode,
    enum sb_ns_mode ns, const int *extra, size_t nextra);

/* The same with a config of the caller's (keep_fds and log_fd are set
 * here). */
void t_sb_gw_enter_cfg(const struct t_sb_io *io, struct sb_gateway_cfg *cfg,
    const int *extra, size_t nextra);

/* Same for the backend sandbox on dir (opened O_PATH here). */
void t_sb_be_enter(const struct t_sb_io *io, enum sb_seccomp_mode mode,
    const char *dir, bool read_only);

/* The parent's standard checks. */
void t_sb_assert_ready(const struct t_sb_out *out);
void t_sb_assert_sigsys(const struct t_sb_out *out);
void t_sb_assert_exit0(const struct t_sb_out *out);

/* Write a string to fd (grandchild reporting). */
void t_sb_say(int fd, const char *s);

/* true in a build with ASan or UBSan (the gateway sets the same flag). */
bool t_sb_sanitizer_build(void);

Suite *test_sb_modes_suite(void);
/* Test cases of test_sb_allowed.c and test_sb_state.c (valgrind: only
 * the cases that load no seccomp filter). */
TCase *test_sb_allowed_tcase(void);
TCase *test_sb_state_tcase(bool valgrind);

/* valgrind: only the cases that load no seccomp filter. */
Suite *test_sb_gateway_suite(bool valgrind);
Suite *test_sb_backend_suite(void);

#endif /* NG_TESTS_UNIT_TEST_SB_H */
