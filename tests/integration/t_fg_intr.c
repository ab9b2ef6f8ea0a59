/* SPDX-License-Identifier: MIT */
/*
 * Scenario: FUSE_INTERRUPT of a request in flight, against real backends:
 *   testfs EXE          READ of /hello blocks until interrupted (--block,
 *                       interrupts honoured): the READ ends with -EINTR
 *   testfs-enosys EXE   testfs answers every INTERRUPT with ENOSYS (as a
 *                       libfuse without interrupt support could): the
 *                       session turns interrupts off (fg_interrupt then
 *                       returns -ENOSYS) and the READ still completes
 *   passthrough EXE     READ of an empty FIFO blocks; the interrupt ends
 *                       it with -EINTR
 *   sshfs               nothing blocks in sshfs and its libfuse has no
 *                       interrupt handler: the op completes normally and
 *                       the session stays healthy, whatever sshfs answers
 */
#include "t_fg.h"
#include "t_fg_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t
lookup_open(struct t_be *be, const char *name, uint32_t flags, uint64_t *fh)
{
	struct t_res r;
	struct fuse_open_in oi = {.flags = flags};
	uint64_t node;

	T_EQ(t_lookup(be, 1, name, &r), 0);
	node = r.rep.entry.nodeid;
	t_res_fini(&r);
	T_EQ(t_simple(
	         be, FUSE_OPEN, node, &oi, sizeof(oi), NULL, NULL, NULL, 0, &r),
	    0);
	*fh = r.rep.open.fh;
	t_res_fini(&r);
	return node;
}

static void
close_node(struct t_be *be, uint64_t node, uint64_t fh)
{
	struct fuse_release_in ri = {.fh = fh};
	struct t_res r;

	T_EQ(t_simple(be, FUSE_RELEASE, node, &ri, sizeof(ri), NULL, NULL, NULL,
	         0, &r),
	    0);
	t_res_fini(&r);
	fg_forget(be->s, node, 0);
}

int
main(int argc, char **argv)
{
	struct t_backend tb;
	struct t_be be;
	struct t_res r, r2;
	struct fg_req *req, *req2;
	const char *name = "hello";
	bool enosys = false, fifo = false, sshfs = false;
	char *fake[8] = {argv[0]};
	uint64_t node, fh;
	long t0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && strcmp(argv[1], "testfs") == 0) {
		fake[1] = "testfs";
		fake[2] = argv[2];
		fake[3] = "--block=hello:read";
		t_backend_setup(&tb, 4, fake);
	} else if (argc >= 3 && strcmp(argv[1], "testfs-enosys") == 0) {
		enosys = true;
		fake[1] = "testfs";
		fake[2] = argv[2];
		fake[3] = "--block=hello:read:1500";
		fake[4] = "--interrupts=enosys";
		t_backend_setup(&tb, 5, fake);
	} else {
		t_backend_setup(&tb, argc, argv);
		fifo = tb.kind == T_PASSTHROUGH;
		sshfs = tb.kind == T_SSHFS;
		if (tb.kind != T_PASSTHROUGH && tb.kind != T_SSHFS)
			t_fail("no interrupt scenario for %s", argv[1]);
	}
	if (fifo) {
		char p[400];

		name = "fifo";
		snprintf(p, sizeof(p), "%s/fifo", tb.dir);
		if (mkfifo(p, 0644) != 0)
			t_fail("mkfifo %s: %s", p, strerror(errno));
	} else if (sshfs) {
		char p[400];
		FILE *f;

		snprintf(p, sizeof(p), "%s/hello", tb.dir);
		f = fopen(p, "w");
		T_CHECK(
		    f != NULL && fputs("hello\n", f) >= 0 && fclose(f) == 0);
	}
	t_be_start_ok(&be, tb.argv);
	node = lookup_open(&be, name, fifo ? O_RDWR : O_RDONLY, &fh);

	memset(&r, 0, sizeof(r));
	T_EQ(fg_read(be.s, &t_ctx, FUSE_READ, node, fh, 0, 4096, t_res_done, &r,
	         &req),
	    0);
	/* Let the backend take it up before interrupting (testfs answers
	 * EAGAIN to an interrupt that overtakes its request: resent). */
	t_be_turn(&be, 200);
	T_CHECK(sshfs || !r.done);
	t0 = t_now_ms();
	if (!r.done)
		T_EQ(fg_interrupt(req), 0);
	T_CHECK(t_be_wait(&be, &r.done, 10000));
	printf("READ ended after %ld ms: %s\n", t_now_ms() - t0,
	    r.error ? strerror(-r.error) : "ok");
	if (enosys || sshfs) {
		T_EQ(r.error, 0);
		T_EQ(r.rep.len, 6);
		T_CHECK(memcmp(r.rep.data, "hello\n", 6) == 0);
	} else {
		T_EQ(r.error, -EINTR);
	}
	t_res_fini(&r);

	/* A second request: is the session still good, are interrupts on? */
	memset(&r2, 0, sizeof(r2));
	T_EQ(fg_read(be.s, &t_ctx, FUSE_READ, node, fh, 0, 4096, t_res_done,
	         &r2, &req2),
	    0);
	{
		int ir = r2.done ? 0 : fg_interrupt(req2);

		printf("second interrupt: %s\n",
		    ir == -ENOSYS ? "interrupts are off (ENOSYS seen)"
		                  : "sent");
		if (enosys)
			T_EQ(ir, -ENOSYS);
		else if (!sshfs)
			T_EQ(ir, 0);
	}
	T_CHECK(t_be_wait(&be, &r2.done, 10000));
	if (!enosys && !sshfs)
		T_EQ(r2.error, -EINTR);
	t_res_fini(&r2);
	close_node(&be, node, fh);
	T_EQ(be.broken_calls, 0);
	T_EQ(fg_session_inflight(be.s), 0);
	t_be_stop(&be, 5000);
	t_backend_cleanup(&tb);
	return 0;
}
