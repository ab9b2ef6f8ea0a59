/* SPDX-License-Identifier: MIT */
/*
 * Scenario: testfs sends a malformed reply (--bad=MODE:getattr:hello:
 * short, unique, oversize, garbage) while another request is blocked in
 * it. The session must report the break once with a reason, fail both
 * requests with -EIO exactly once, refuse later submits, and shut down
 * cleanly (the child is stopped and reaped).
 *
 * Usage: t_fg_bad testfs EXE MODE
 */
#include "t_fg.h"
#include "t_fg_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

int
main(int argc, char **argv)
{
	struct t_backend tb;
	struct t_be be;
	struct t_res r, blocked, bad;
	char badopt[64];
	char *fake[5] = {argv[0], "testfs", argc > 2 ? argv[2] : "", badopt,
	    "--block=slow:lookup"};
	struct fuse_getattr_in gi = {0};
	struct fg_op op = {.opcode = FUSE_GETATTR,
	    .in = &gi,
	    .in_len = sizeof(gi),
	    .ctx = {0, 0, 1}};
	static const struct {
		const char *mode, *why;
	} modes[] = {
	    {"short", "bytes received"},
	    {"unique", "unknown unique"},
	    {"oversize", "GETATTR reply of 4200 bytes"},
	    {"garbage", ""},
	};
	const char *want = NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 4 || strcmp(argv[1], "testfs") != 0)
		t_fail("usage: %s testfs EXE MODE", argv[0]);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[3], modes[i].mode) == 0)
			want = modes[i].why;
	if (want == NULL)
		t_fail("unknown mode %s", argv[3]);
	snprintf(badopt, sizeof(badopt), "--bad=%s:getattr:hello", argv[3]);
	t_backend_setup(&tb, 5, fake);
	t_be_start_ok(&be, tb.argv);

	T_EQ(t_lookup(&be, 1, "hello", &r), 0);
	op.nodeid = r.rep.entry.nodeid;
	t_res_fini(&r);
	memset(&blocked, 0, sizeof(blocked));
	T_EQ(fg_lookup(be.s, &t_ctx, 1, "slow", 4, t_res_done, &blocked, NULL),
	    0);
	memset(&bad, 0, sizeof(bad));
	T_EQ(fg_submit(be.s, &op, t_res_done, &bad, NULL), 0);
	T_CHECK(t_be_wait(&be, &bad.done, 10000));
	printf("broken: %s\n", be.why);
	T_EQ(bad.error, -EIO);
	T_CHECK(blocked.done);
	T_EQ(blocked.error, -EIO);
	T_EQ(be.broken_calls, 1);
	T_CHECK(strstr(be.why, want) != NULL);
	T_CHECK(fg_session_is_broken(be.s));
	T_EQ(fg_session_inflight(be.s), 0);
	T_EQ(fg_submit(be.s, &op, t_res_done, &r, NULL), -EIO);
	for (int i = 0; i < 3; i++)
		t_be_turn(&be, 20);
	T_EQ(be.broken_calls, 1);
	t_res_fini(&bad);
	t_res_fini(&blocked);
	{
		int st = t_be_stop(&be, 2000);
		char how[96];

		fg_describe_status(st, how, sizeof(how));
		printf("backend %s\n", how);
		T_CHECK(be.child.reaped);
	}
	t_backend_cleanup(&tb);
	return 0;
}
