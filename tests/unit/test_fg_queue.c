/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the output queue: with a small socket buffer, requests the
 * socket cannot take are copied and queued in order, want_write_cb is
 * raised once, on_writable drains them as the backend reads, and the hook
 * is lowered when the queue is empty. Also FORGETs and INTERRUPTs queue
 * behind earlier requests, and free drops what is left.
 */
#include "test_fg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define NQ 64
#define QDATA 2000

static void
shrink(int fd)
{
	int small = 4096;

	ck_assert_int_eq(
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
}

START_TEST(test_queue_and_drain)
{
	struct t_fake f;
	struct t_done d[NQ];
	struct fg_ctx ctx = {0, 0, 0};
	struct t_msg *m = t_msg_new();
	unsigned char data[QDATA];
	int got = 0, rounds = 0;

	memset(d, 0, sizeof(d));
	t_fake_new(&f);
	t_fake_init(&f, 0, FUSE_MAX_PAGES, 0);
	shrink(f.sfd);
	for (int i = 0; i < NQ; i++) {
		memset(data, i, sizeof(data));
		ck_assert_int_eq(fg_write(f.s, &ctx, 2, 1, (uint64_t)i * QDATA,
		                     data, QDATA, t_done, &d[i], NULL),
		    0);
	}
	/* The socket filled up: the rest waits in order. */
	ck_assert(f.want_write);
	ck_assert_int_eq(f.ww_true, 1);
	ck_assert_uint_eq(fg_session_inflight(f.s), NQ);
	while (got < NQ) {
		struct fuse_write_in wi;

		ck_assert_int_lt(rounds++, 10 * NQ);
		if (!t_recv(&f, m)) {
			ck_assert(f.want_write);
			ck_assert_int_eq(fg_session_on_writable(f.s), 0);
			continue;
		}
		ck_assert_uint_eq(m->ih.opcode, FUSE_WRITE);
		ck_assert_uint_eq(m->ih.unique, 4 + 2 * (uint64_t)got);
		memcpy(&wi, m->body, sizeof(wi));
		ck_assert_uint_eq(wi.offset, (uint64_t)got * QDATA);
		ck_assert_uint_eq(m->body_len, sizeof(wi) + QDATA);
		for (int k = 0; k < QDATA; k++)
			ck_assert_int_eq(m->body[sizeof(wi) + k], got & 0xff);
		got++;
	}
	ck_assert_int_eq(fg_session_on_writable(f.s), 0);
	ck_assert(!f.want_write);
	ck_assert_int_eq(f.ww_true, 1);
	ck_assert_int_eq(f.ww_false, 1);
	ck_assert_int_eq(f.broken_calls, 0);
	free(m);
	t_fake_free(&f);
}
END_TEST

START_TEST(test_queue_keeps_order_of_own_messages)
{
	struct t_fake f;
	struct t_done d = {0}, w = {0};
	struct fg_ctx ctx = {0, 0, 0};
	struct t_msg *m = t_msg_new();
	static unsigned char data[QDATA];
	struct fuse_entry_out e;
	struct fg_req *r;
	int n = 0;

	t_fake_new(&f);
	t_fake_init(&f, 0, FUSE_MAX_PAGES, 0);
	r = t_lookup(&f, "a", &d); /* 4 */
	ck_assert(t_recv(&f, m));
	t_entry(&e, 9);
	t_reply(&f, 4, 0, &e, sizeof(e));
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	r = t_lookup(&f, "b", &d); /* 6: stays in flight */
	ck_assert(t_recv(&f, m));
	shrink(f.sfd);
	while (!f.want_write)
		ck_assert_int_eq(
		    fg_write(f.s, &ctx, 2, 1, 0, data, QDATA, t_done, &w, NULL),
		    0);
	/* Queued behind the writes: an interrupt and a FORGET. */
	ck_assert_int_eq(fg_interrupt(r), 0);
	fg_forget(f.s, 9, 1);
	fg_session_flush(f.s);
	for (;;) {
		if (!t_recv(&f, m)) {
			if (!f.want_write)
				break;
			ck_assert_int_eq(fg_session_on_writable(f.s), 0);
			continue;
		}
		n++;
		if (m->ih.opcode != FUSE_WRITE)
			break;
	}
	ck_assert_uint_eq(m->ih.opcode, FUSE_INTERRUPT);
	ck_assert_uint_eq(m->ih.unique, 7);
	while (!t_recv(&f, m))
		ck_assert_int_eq(fg_session_on_writable(f.s), 0);
	ck_assert_uint_eq(m->ih.opcode, FUSE_FORGET);
	ck_assert_uint_eq(m->ih.nodeid, 9);
	ck_assert_int_gt(n, 1);
	free(m);
	/* Free with output still queued and requests in flight. */
	t_fake_free(&f);
	ck_assert_int_eq(d.calls, 2);
	ck_assert_int_eq(d.error, -EIO);
}
END_TEST

TCase *
test_fg_queue_tcase(void)
{
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, test_queue_and_drain);
	tcase_add_test(tc, test_queue_keeps_order_of_own_messages);
	return tc;
}
