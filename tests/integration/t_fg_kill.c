/* SPDX-License-Identifier: MIT */
/*
 * Scenario: the backend dies with requests in flight. testfs blocks a
 * READ and a LOOKUP until interrupted; after a few requests completed the
 * test SIGKILLs it: every pending request gets -EIO exactly once, the
 * session reports the break once, later submits fail at once with -EIO,
 * nothing hangs, and fg_child_stop reaps the child (no zombie). Run under
 * ASan/LSan, nothing leaks.
 *
 * Usage: t_fg_kill testfs EXE
 */
#include "t_fg.h"
#include "t_fg_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#define NPEND 8

int
main(int argc, char **argv)
{
	struct t_backend tb;
	struct t_be be;
	struct t_res r, pend[NPEND];
	struct fuse_open_in oi = {.flags = O_RDONLY};
	char *fake[5] = {argv[0], "testfs", argc > 2 ? argv[2] : "",
	    "--block=hello:read", "--block=slow:lookup"};
	uint64_t node, fh;
	char how[96];
	int st, calls[NPEND];
	long t0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3 || strcmp(argv[1], "testfs") != 0)
		t_fail("usage: %s testfs EXE", argv[0]);
	t_backend_setup(&tb, 5, fake);
	t_be_start_ok(&be, tb.argv);
	T_EQ(t_lookup(&be, 1, "hello", &r), 0);
	node = r.rep.entry.nodeid;
	t_res_fini(&r);
	T_EQ(t_simple(&be, FUSE_OPEN, node, &oi, sizeof(oi), NULL, NULL, NULL,
	         0, &r),
	    0);
	fh = r.rep.open.fh;
	t_res_fini(&r);

	memset(pend, 0, sizeof(pend));
	for (int i = 0; i < NPEND; i++) {
		if (i % 2 == 0)
			T_EQ(fg_read(be.s, &t_ctx, FUSE_READ, node, fh, 0, 4096,
			         t_res_done, &pend[i], NULL),
			    0);
		else
			T_EQ(fg_lookup(be.s, &t_ctx, 1, "slow", 4, t_res_done,
			         &pend[i], NULL),
			    0);
	}
	/* They are all blocked in testfs. */
	for (int i = 0; i < 5; i++)
		t_be_turn(&be, 50);
	for (int i = 0; i < NPEND; i++)
		T_CHECK(!pend[i].done);
	T_EQ(fg_session_inflight(be.s), NPEND);

	T_EQ(kill(be.child.pid, SIGKILL), 0);
	t0 = t_now_ms();
	while (!fg_session_is_broken(be.s) && t_now_ms() - t0 < 10000)
		t_be_turn(&be, 200);
	printf("broke after %ld ms: %s\n", t_now_ms() - t0, be.why);
	T_EQ(be.broken_calls, 1);
	T_CHECK(strstr(be.why, "closed") != NULL ||
	        strstr(be.why, "reset") != NULL);
	for (int i = 0; i < NPEND; i++) {
		T_CHECK(pend[i].done);
		T_EQ(pend[i].error, -EIO);
		calls[i] = pend[i].done;
		t_res_fini(&pend[i]);
	}
	T_EQ(fg_session_inflight(be.s), 0);
	/* Later requests fail at once, their done is never called. */
	memset(&r, 0, sizeof(r));
	T_EQ(
	    fg_lookup(be.s, &t_ctx, 1, "hello", 5, t_res_done, &r, NULL), -EIO);
	for (int i = 0; i < 3; i++)
		t_be_turn(&be, 20);
	T_CHECK(!r.done);
	T_EQ(be.broken_calls, 1);
	(void)calls;
	fg_forget(be.s, node, 0); /* allowed, sends nothing */

	st = t_be_stop(&be, 2000);
	fg_describe_status(st, how, sizeof(how));
	printf("backend %s\n", how);
	T_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	T_CHECK(be.child.reaped);
	T_EQ(waitpid(be.child.pid, &st, WNOHANG), -1); /* no zombie */
	T_EQ(be.child.pidfd, -1);
	T_EQ(be.child.stderr_fd, -1);
	t_backend_cleanup(&tb);
	return 0;
}
