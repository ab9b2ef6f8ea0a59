/* SPDX-License-Identifier: MIT */
/*
 * The flush engine (DESIGN.md §4) with the FUSE side scripted by hand, so
 * every interleaving is reached on purpose: the victim blocked in the
 * backend, completing anyway, interrupted, between the LOOKUPs of a walk;
 * several flushes, a flush of a flush, a flush of itself. Each case checks
 * the exact reply order and what the backend was sent (INTERRUPT's unique
 * and body, FORGET of abandoned lookups, RELEASE of abandoned handles).
 */
#include "test_gw.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
send_getattr(uint16_t tag, uint32_t fid)
{
	struct p9_msg m = { 0 };

	m.tgetattr.fid = fid;
	m.tgetattr.request_mask = P9_GETATTR_BASIC;
	t_send(P9_TGETATTR, tag, &m);
}

static void
send_flush(uint16_t tag, uint16_t oldtag)
{
	struct p9_msg m = { 0 };

	m.tflush.oldtag = oldtag;
	t_send(P9_TFLUSH, tag, &m);
}

/* The INTERRUPT for victim: its own unique is the victim's | 1. */
static void
expect_interrupt(const struct t_freq *victim)
{
	struct t_freq q;
	struct fuse_interrupt_in in;

	t_fuse_expect(&q, FUSE_INTERRUPT);
	ck_assert_uint_eq(q.unique, victim->unique | 1);
	ck_assert_uint_eq(q.nodeid, 0);
	memcpy(&in, q.body, sizeof(in));
	ck_assert_uint_eq(in.unique, victim->unique);
}

START_TEST(test_flush_unknown_tag)
{
	send_flush(5, 77);
	t_expect(P9_RFLUSH, 5, NULL);
	t_expect_nothing();
}
END_TEST

START_TEST(test_flush_own_tag)
{
	/* oldtag == tag: answered at once, nothing waits on itself. */
	send_flush(9, 9);
	t_expect(P9_RFLUSH, 9, NULL);
	t_expect_nothing();
}
END_TEST

START_TEST(test_flush_blocked_interrupted)
{
	struct t_freq q;

	send_getattr(3, 0);
	t_fuse_expect(&q, FUSE_GETATTR);
	send_flush(4, 3);
	expect_interrupt(&q);
	t_expect_nothing();	/* no Rflush before the victim ends */
	t_fuse_reply(q.unique, -EINTR, NULL, 0);
	/* Interrupted: no reply for tag 3, only the Rflush. */
	t_expect(P9_RFLUSH, 4, NULL);
	t_expect_nothing();
}
END_TEST

START_TEST(test_flush_completes_anyway)
{
	struct t_freq q;

	send_getattr(3, 0);
	t_fuse_expect(&q, FUSE_GETATTR);
	send_flush(4, 3);
	expect_interrupt(&q);
	t_fuse_reply_attr(q.unique, 1, 040755);
	t_expect(P9_RGETATTR, 3, NULL);	/* the real reply first */
	t_expect(P9_RFLUSH, 4, NULL);
	t_expect_nothing();
}
END_TEST

START_TEST(test_flush_three_in_order)
{
	struct t_freq q;

	send_getattr(3, 0);
	t_fuse_expect(&q, FUSE_GETATTR);
	send_flush(10, 3);
	send_flush(11, 3);
	send_flush(12, 3);
	expect_interrupt(&q);
	ck_assert(!t_fuse_recv(&q) || q.opcode != FUSE_INTERRUPT);
	t_expect_nothing();
	t_fuse_reply_attr(q.unique, 1, 040755);
	t_expect(P9_RGETATTR, 3, NULL);
	t_expect(P9_RFLUSH, 10, NULL);
	t_expect(P9_RFLUSH, 11, NULL);
	t_expect(P9_RFLUSH, 12, NULL);
	t_expect_nothing();
}
END_TEST

START_TEST(test_flush_of_flush)
{
	struct t_freq q;

	send_getattr(3, 0);
	t_fuse_expect(&q, FUSE_GETATTR);
	send_flush(4, 3);
	send_flush(5, 4);	/* flushes the flush: waits for the same end */
	expect_interrupt(&q);
	t_expect_nothing();
	t_fuse_reply(q.unique, -EINTR, NULL, 0);
	t_expect(P9_RFLUSH, 4, NULL);
	t_expect(P9_RFLUSH, 5, NULL);
	t_expect_nothing();
}
END_TEST

START_TEST(test_flush_walk_between_lookups)
{
	struct p9_msg m = { 0 };
	struct t_freq q1, q2;

	m.twalk.fid = 0;
	m.twalk.newfid = 1;
	m.twalk.nwname = 2;
	m.twalk.wname[0].s = "a";
	m.twalk.wname[0].len = 1;
	m.twalk.wname[1].s = "b";
	m.twalk.wname[1].len = 1;
	t_send(P9_TWALK, 3, &m);
	t_fuse_expect(&q1, FUSE_LOOKUP);
	t_fuse_reply_entry(q1.unique, 17, 040755);
	t_fuse_expect(&q2, FUSE_LOOKUP);
	ck_assert_uint_eq(q2.nodeid, 17);
	send_flush(4, 3);
	expect_interrupt(&q2);
	t_fuse_reply(q2.unique, -EINTR, NULL, 0);
	t_expect(P9_RFLUSH, 4, NULL);
	t_expect_nothing();
	/* The lookup of "a" is given back; newfid 1 was never bound. */
	struct t_freq q;
	ck_assert(!t_fuse_recv_skip_forgets(&q));
	ck_assert_uint_eq(t_gw.forgotten[17], 1);
	memset(&m, 0, sizeof(m));
	m.tclunk.fid = 1;
	t_send(P9_TCLUNK, 5, &m);
	t_expect(P9_RLERROR, 5, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EBADF);
}
END_TEST

START_TEST(test_flush_walk_stops_after_ignored_interrupt)
{
	struct p9_msg m = { 0 };
	struct t_freq q1, q;

	m.twalk.fid = 0;
	m.twalk.newfid = 1;
	m.twalk.nwname = 2;
	m.twalk.wname[0].s = "a";
	m.twalk.wname[0].len = 1;
	m.twalk.wname[1].s = "b";
	m.twalk.wname[1].len = 1;
	t_send(P9_TWALK, 3, &m);
	t_fuse_expect(&q1, FUSE_LOOKUP);
	send_flush(4, 3);
	expect_interrupt(&q1);
	/* The backend ignores the interrupt and finds "a": the walk stops
	 * there (no LOOKUP of "b") and gives "a" back. */
	t_fuse_reply_entry(q1.unique, 21, 040755);
	t_expect(P9_RFLUSH, 4, NULL);
	t_expect_nothing();
	ck_assert(!t_fuse_recv_skip_forgets(&q));
	ck_assert_uint_eq(t_gw.forgotten[21], 1);
}
END_TEST

START_TEST(test_flush_lcreate_succeeds)
{
	struct p9_msg m = { 0 };
	struct t_freq q;
	unsigned char out[sizeof(struct fuse_entry_out) +
	    sizeof(struct fuse_open_out)];
	struct fuse_entry_out e = { .nodeid = 30 };
	struct fuse_open_out o = { .fh = 99 };

	t_walk1(2, 0, 1, "dir", 29, 040755);
	m.tlcreate.fid = 1;
	m.tlcreate.name.s = "new";
	m.tlcreate.name.len = 3;
	m.tlcreate.flags = 02;	/* O_RDWR */
	m.tlcreate.mode = 0644;
	m.tlcreate.gid = 50;
	t_send(P9_TLCREATE, 3, &m);
	t_fuse_expect(&q, FUSE_CREATE);
	ck_assert_uint_eq(q.gid, 50);
	send_flush(4, 3);
	expect_interrupt(&q);
	e.attr.ino = 30;
	e.attr.mode = 0100644;
	memcpy(out, &e, sizeof(e));
	memcpy(out + sizeof(e), &o, sizeof(o));
	t_fuse_reply(q.unique, 0, out, sizeof(out));
	/* The file exists: the client learns it before the Rflush. */
	t_expect(P9_RLCREATE, 3, &m);
	ck_assert_uint_eq(m.rlcreate.qid.path, 30);
	t_expect(P9_RFLUSH, 4, NULL);
}
END_TEST

START_TEST(test_flush_timeout_detaches)
{
	struct t_freq q;
	struct p9_msg m = { 0 };
	unsigned char out[sizeof(struct fuse_entry_out) +
	    sizeof(struct fuse_open_out)];
	struct fuse_entry_out e = { .nodeid = 40 };
	struct fuse_open_out o = { .fh = 7 };

	/* A victim whose op the backend never finishes in time: with
	 * --flush-timeout the Rflush goes out and the late result is
	 * undone by the session (RELEASE of the handle, FORGET of the
	 * entry). Driven here by dropping the victim as the timer would. */
	m.tlcreate.fid = 0;
	m.tlcreate.name.s = "late";
	m.tlcreate.name.len = 4;
	m.tlcreate.mode = 0600;
	t_send(P9_TLCREATE, 3, &m);
	t_fuse_expect(&q, FUSE_CREATE);
	send_flush(4, 3);
	expect_interrupt(&q);
	gw_req_drop(gw_conn_find_req(t_gw.srv.conns, 3));
	t_expect(P9_RFLUSH, 4, NULL);
	e.attr.ino = 40;
	e.attr.mode = 0100600;
	memcpy(out, &e, sizeof(e));
	memcpy(out + sizeof(e), &o, sizeof(o));
	t_fuse_reply(q.unique, 0, out, sizeof(out));
	t_expect_nothing();
	struct t_freq r;
	ck_assert(t_fuse_recv_skip_forgets(&r));
	ck_assert_uint_eq(r.opcode, FUSE_RELEASE);
	struct fuse_release_in rin;
	memcpy(&rin, r.body, sizeof(rin));
	ck_assert_uint_eq(rin.fh, 7);
	ck_assert(!t_fuse_recv_skip_forgets(&r));
	ck_assert_uint_eq(t_gw.forgotten[40], 1);
}
END_TEST

START_TEST(test_interrupt_enosys_waits)
{
	struct t_freq q, i;

	send_getattr(3, 0);
	t_fuse_expect(&q, FUSE_GETATTR);
	send_flush(4, 3);
	t_fuse_expect(&i, FUSE_INTERRUPT);
	/* An sshfs-like backend: no interrupts. The flush waits. */
	t_fuse_reply(i.unique, -ENOSYS, NULL, 0);
	t_expect_nothing();
	t_fuse_reply_attr(q.unique, 1, 040755);
	t_expect(P9_RGETATTR, 3, NULL);
	t_expect(P9_RFLUSH, 4, NULL);
	/* Interrupts are off for the session now: a second flush sends
	 * none. */
	send_getattr(5, 0);
	t_fuse_expect(&q, FUSE_GETATTR);
	send_flush(6, 5);
	ck_assert(!t_fuse_recv(&i));
	t_fuse_reply_attr(q.unique, 1, 040755);
	t_expect(P9_RGETATTR, 5, NULL);
	t_expect(P9_RFLUSH, 6, NULL);
}
END_TEST

START_TEST(test_version_resets_inflight)
{
	struct p9_msg m = { 0 };
	struct t_freq q;

	send_getattr(3, 0);
	t_fuse_expect(&q, FUSE_GETATTR);
	m.tversion.msize = 8192;
	m.tversion.version.s = "9P2000.L";
	m.tversion.version.len = 8;
	t_send(P9_TVERSION, P9_NOTAG, &m);
	/* The old request is interrupted and gets no reply; fid 0 is gone. */
	expect_interrupt(&q);
	t_expect(P9_RVERSION, P9_NOTAG, &m);
	ck_assert_uint_eq(m.rversion.msize, 8192);
	t_fuse_reply_attr(q.unique, 1, 040755);
	t_expect_nothing();
	send_getattr(4, 0);
	t_expect(P9_RLERROR, 4, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EBADF);
}
END_TEST

START_TEST(test_disconnect_undoes)
{
	struct t_freq q, r;
	struct p9_msg m = { 0 };

	m.twalk.fid = 0;
	m.twalk.newfid = 1;
	m.twalk.nwname = 1;
	m.twalk.wname[0].s = "x";
	m.twalk.wname[0].len = 1;
	t_send(P9_TWALK, 3, &m);
	t_fuse_expect(&q, FUSE_LOOKUP);
	close(t_gw.cli);
	t_gw.cli = -1;
	expect_interrupt(&q);
	/* The lookup completes after the client left: given back. */
	t_fuse_reply_entry(q.unique, 50, 0100644);
	ck_assert(!t_fuse_recv_skip_forgets(&r));
	ck_assert_uint_eq(t_gw.forgotten[50], 1);
	ck_assert_uint_eq(t_gw.srv.nconns, 0);
}
END_TEST

static void
send_lcreate(uint16_t tag, uint32_t fid, const char *name)
{
	struct p9_msg m = { 0 };

	m.tlcreate.fid = fid;
	m.tlcreate.name.s = name;
	m.tlcreate.name.len = (uint16_t)strlen(name);
	m.tlcreate.flags = 02;	/* O_RDWR */
	m.tlcreate.mode = 0644;
	t_send(P9_TLCREATE, tag, &m);
}

START_TEST(test_flush_mknod_fallback_keeps_fid)
{
	struct p9_msg m = { 0 };
	struct t_freq q;

	t_walk1(2, 0, 1, "dir", 29, 040755);
	send_lcreate(3, 1, "new");
	t_fuse_expect(&q, FUSE_CREATE);
	t_fuse_reply(q.unique, -ENOSYS, NULL, 0);
	t_fuse_expect(&q, FUSE_MKNOD);
	send_flush(4, 3);
	expect_interrupt(&q);
	/* The backend ignores the interrupt and makes the file: the sequence
	 * stops (no OPEN), the client gets only the Rflush, so fid 1 stays
	 * the directory and the new file's lookup goes back. */
	t_fuse_reply_entry(q.unique, 30, 0100644);
	t_expect(P9_RFLUSH, 4, NULL);
	t_expect_nothing();
	ck_assert(!t_fuse_recv_skip_forgets(&q));
	ck_assert_uint_eq(t_gw.forgotten[30], 1);
	m.twalk.fid = 1;
	m.twalk.newfid = 2;
	m.twalk.nwname = 1;
	m.twalk.wname[0].s = "x";
	m.twalk.wname[0].len = 1;
	t_send(P9_TWALK, 5, &m);
	t_fuse_expect(&q, FUSE_LOOKUP);
	ck_assert_uint_eq(q.nodeid, 29);
	t_fuse_reply_entry(q.unique, 31, 0100644);
	t_expect(P9_RWALK, 5, NULL);
}
END_TEST

START_TEST(test_flush_create_enosys_no_mknod)
{
	struct t_freq q;

	t_walk1(2, 0, 1, "dir", 29, 040755);
	send_lcreate(3, 1, "new");
	t_fuse_expect(&q, FUSE_CREATE);
	send_flush(4, 3);
	expect_interrupt(&q);
	/* CREATE made nothing; flushed before the MKNOD step: none is sent. */
	t_fuse_reply(q.unique, -ENOSYS, NULL, 0);
	t_expect(P9_RFLUSH, 4, NULL);
	t_expect_nothing();
	ck_assert(!t_fuse_recv_skip_forgets(&q));
}
END_TEST

START_TEST(test_release_waits_for_detached_read)
{
	struct p9_msg m = { 0 };
	struct t_freq q, rd;

	t_walk1(2, 0, 1, "f", 60, 0100644);
	m.tlopen.fid = 1;
	t_send(P9_TLOPEN, 3, &m);
	t_fuse_expect(&q, FUSE_OPEN);
	struct fuse_open_out o = { .fh = 61 };
	t_fuse_reply(q.unique, 0, &o, sizeof(o));
	t_expect(P9_RLOPEN, 3, NULL);
	memset(&m, 0, sizeof(m));
	m.tread.fid = 1;
	m.tread.count = 100;
	t_send(P9_TREAD, 4, &m);
	t_fuse_expect(&rd, FUSE_READ);
	/* The client goes away with the READ in the backend: the handle
	 * must not be released while the READ may still use it. */
	close(t_gw.cli);
	t_gw.cli = -1;
	expect_interrupt(&rd);
	ck_assert(!t_fuse_recv_skip_forgets(&q));
	t_fuse_reply(rd.unique, 0, "data", 4);
	ck_assert(t_fuse_recv_skip_forgets(&q));
	ck_assert_uint_eq(q.opcode, FUSE_RELEASE);
	struct fuse_release_in rin;
	memcpy(&rin, q.body, sizeof(rin));
	ck_assert_uint_eq(rin.fh, 61);
}
END_TEST

Suite *
t_gw_flush_suite(void)
{
	Suite *s = suite_create("gateway flush");
	TCase *tc = tcase_create("flush");

	tcase_add_checked_fixture(tc, t_setup, t_teardown);
	tcase_add_test(tc, test_flush_unknown_tag);
	tcase_add_test(tc, test_flush_own_tag);
	tcase_add_test(tc, test_flush_blocked_interrupted);
	tcase_add_test(tc, test_flush_completes_anyway);
	tcase_add_test(tc, test_flush_three_in_order);
	tcase_add_test(tc, test_flush_of_flush);
	tcase_add_test(tc, test_flush_walk_between_lookups);
	tcase_add_test(tc, test_flush_walk_stops_after_ignored_interrupt);
	tcase_add_test(tc, test_flush_lcreate_succeeds);
	tcase_add_test(tc, test_flush_timeout_detaches);
	tcase_add_test(tc, test_interrupt_enosys_waits);
	tcase_add_test(tc, test_version_resets_inflight);
	tcase_add_test(tc, test_disconnect_undoes);
	tcase_add_test(tc, test_release_waits_for_detached_read);
	tcase_add_test(tc, test_flush_mknod_fallback_keeps_fid);
	tcase_add_test(tc, test_flush_create_enosys_no_mknod);
	suite_add_tcase(s, tc);
	return s;
}
