/* SPDX-License-Identifier: MIT */
/*
 * Connections and dispatch: bad frames, tags, fids, dialect gating,
 * read-only, the reply-size rule and attribute caching, with the FUSE side
 * scripted by hand.
 */
#include "test_gw.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

START_TEST(test_size_over_msize_closes)
{
	/* size[4] = 1 MiB > msize 64 KiB: the frame is never read. */
	static const unsigned char bad[] = { 0x00, 0x00, 0x10, 0x00, 100,
		0xff, 0xff };

	t_send_raw(bad, sizeof(bad));
	ck_assert(t_conn_closed());
}
END_TEST

START_TEST(test_size_under_header_closes)
{
	static const unsigned char bad[] = { 6, 0, 0, 0, 100, 0xff };

	t_send_raw(bad, sizeof(bad));
	ck_assert(t_conn_closed());
}
END_TEST

START_TEST(test_malformed_body_einval)
{
	/* Tclunk tag 7 with a 2-byte fid: intact frame, bad body. */
	static const unsigned char bad[] = { 9, 0, 0, 0, P9_TCLUNK, 7, 0, 1,
		0 };
	struct p9_msg m;

	t_send_raw(bad, sizeof(bad));
	t_expect(P9_RLERROR, 7, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EINVAL);
	ck_assert(!t_conn_closed());
}
END_TEST

START_TEST(test_tag_reuse_closes)
{
	struct p9_msg m = { 0 };
	struct t_freq q;

	m.tgetattr.fid = 0;
	t_send(P9_TGETATTR, 3, &m);
	t_fuse_expect(&q, FUSE_GETATTR);
	t_send(P9_TGETATTR, 3, &m);
	ck_assert(t_conn_closed());
	/* The request in flight was interrupted on the way out. */
	t_fuse_expect(&q, FUSE_INTERRUPT);
}
END_TEST

START_TEST(test_unknown_fid_ebadf)
{
	struct p9_msg m = { 0 };

	m.tgetattr.fid = 42;
	t_send(P9_TGETATTR, 3, &m);
	t_expect(P9_RLERROR, 3, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EBADF);
}
END_TEST

START_TEST(test_newfid_in_use)
{
	struct p9_msg m = { 0 };

	m.twalk.fid = 0;
	m.twalk.newfid = 0;	/* clone onto itself: allowed */
	t_send(P9_TWALK, 3, &m);
	t_expect(P9_RWALK, 3, NULL);
	m.twalk.newfid = 1;
	t_send(P9_TWALK, 4, &m);
	t_expect(P9_RWALK, 4, NULL);
	m.twalk.fid = 0;
	m.twalk.newfid = 1;	/* taken now */
	t_send(P9_TWALK, 5, &m);
	t_expect(P9_RLERROR, 5, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EEXIST);
}
END_TEST

START_TEST(test_dotdot_never_sent)
{
	struct p9_msg m = { 0 };
	struct t_freq q;

	t_walk1(3, 0, 1, "sub", 12, 040755);
	m.twalk.fid = 1;
	m.twalk.newfid = 2;
	m.twalk.nwname = 2;
	m.twalk.wname[0].s = "..";
	m.twalk.wname[0].len = 2;
	m.twalk.wname[1].s = "..";	/* past the root: stays there */
	m.twalk.wname[1].len = 2;
	t_send(P9_TWALK, 4, &m);
	t_expect(P9_RWALK, 4, &m);
	ck_assert_uint_eq(m.rwalk.nwqid, 2);
	ck_assert_uint_eq(m.rwalk.wqid[0].path, 1);
	ck_assert_uint_eq(m.rwalk.wqid[1].path, 1);
	ck_assert(!t_fuse_recv_skip_forgets(&q));
}
END_TEST

START_TEST(test_bad_names_einval)
{
	static const char *const names[] = { "a/b", "" };
	struct p9_msg m = { 0 };

	for (unsigned i = 0; i < 2; i++) {
		m.twalk.fid = 0;
		m.twalk.newfid = 1;
		m.twalk.nwname = 1;
		m.twalk.wname[0].s = names[i];
		m.twalk.wname[0].len = (uint16_t)strlen(names[i]);
		t_send(P9_TWALK, 3, &m);
		t_expect(P9_RLERROR, 3, &m);
		ck_assert_uint_eq(m.rlerror.ecode, EINVAL);
	}
}
END_TEST

START_TEST(test_partial_walk)
{
	struct p9_msg m = { 0 };
	struct t_freq q;

	m.twalk.fid = 0;
	m.twalk.newfid = 1;
	m.twalk.nwname = 2;
	m.twalk.wname[0].s = "d";
	m.twalk.wname[0].len = 1;
	m.twalk.wname[1].s = "nope";
	m.twalk.wname[1].len = 4;
	t_send(P9_TWALK, 3, &m);
	t_fuse_expect(&q, FUSE_LOOKUP);
	t_fuse_reply_entry(q.unique, 8, 040755);
	t_fuse_expect(&q, FUSE_LOOKUP);
	t_fuse_reply(q.unique, -ENOENT, NULL, 0);
	/* Rwalk with the qids found; newfid not bound; "d" given back. */
	t_expect(P9_RWALK, 3, &m);
	ck_assert_uint_eq(m.rwalk.nwqid, 1);
	ck_assert(!t_fuse_recv_skip_forgets(&q));
	ck_assert_uint_eq(t_gw.forgotten[8], 1);
}
END_TEST

START_TEST(test_read_only_erofs)
{
	struct p9_msg m = { 0 };

	t_gw.opts.read_only = true;
	m.tmkdir.dfid = 0;
	m.tmkdir.name.s = "x";
	m.tmkdir.name.len = 1;
	t_send(P9_TMKDIR, 3, &m);
	t_expect(P9_RLERROR, 3, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EROFS);
}
END_TEST

START_TEST(test_dialect_gating)
{
	/* Tstat fid 0: a 9P2000 message that 9P2000.L does not have. */
	static const unsigned char tstat[] = { 11, 0, 0, 0, P9_TSTAT, 3, 0, 0,
		0, 0, 0 };
	struct p9_msg m;

	t_send_raw(tstat, sizeof(tstat));
	t_expect(P9_RLERROR, 3, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EOPNOTSUPP);
}
END_TEST

START_TEST(test_read_split_and_short)
{
	struct p9_msg m = { 0 };
	struct t_freq q[3];
	unsigned char data[65536];

	/* A file the LOOKUP says is 40000 bytes long. */
	struct fuse_entry_out e = { .nodeid = 9 };
	e.attr.ino = 9;
	e.attr.mode = 0100644;
	e.attr.size = 40000;
	m.twalk.fid = 0;
	m.twalk.newfid = 1;
	m.twalk.nwname = 1;
	m.twalk.wname[0].s = "f";
	m.twalk.wname[0].len = 1;
	t_send(P9_TWALK, 2, &m);
	t_fuse_expect(&q[0], FUSE_LOOKUP);
	t_fuse_reply(q[0].unique, 0, &e, sizeof(e));
	t_expect(P9_RWALK, 2, NULL);
	memset(&m, 0, sizeof(m));
	m.tlopen.fid = 1;
	t_send(P9_TLOPEN, 3, &m);
	t_fuse_expect(&q[0], FUSE_OPEN);
	struct fuse_open_out o = { .fh = 5 };
	t_fuse_reply(q[0].unique, 0, &o, sizeof(o));
	t_expect(P9_RLOPEN, 3, &m);
	ck_assert_uint_eq(m.rlopen.iounit, 65536 - P9_IOHDRSZ);
	/* msize 64 KiB, chunk 64 KiB: one READ; with chunk 16 KiB, 4. */
	t_gw.srv.chunk = 16384;
	memset(&m, 0, sizeof(m));
	m.tread.fid = 1;
	m.tread.offset = 0;
	m.tread.count = 40000;
	t_send(P9_TREAD, 4, &m);
	for (int i = 0; i < 3; i++) {
		struct fuse_read_in in;
		t_fuse_expect(&q[i], FUSE_READ);
		memcpy(&in, q[i].body, sizeof(in));
		ck_assert_uint_eq(in.offset, (uint64_t)i * 16384);
		ck_assert_uint_eq(in.size, i < 2 ? 16384 : 40000 - 32768);
		ck_assert_uint_eq(in.fh, 5);
	}
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7);
	/* Out of order; the second chunk is short (end of file). */
	t_fuse_reply(q[2].unique, 0, data, 0);
	t_fuse_reply(q[1].unique, 0, data + 16384, 1000);
	t_expect_nothing();
	t_fuse_reply(q[0].unique, 0, data, 16384);
	t_expect(P9_RREAD, 4, &m);
	ck_assert_uint_eq(m.rread.count, 16384 + 1000);
	ck_assert(memcmp(m.rread.data, data, 17384) == 0);

	/* Past the known size plus one chunk nothing is asked for: a read
	 * at 32768 of 60000 bytes is one READ of the 7232 bytes left plus
	 * a chunk for growth. */
	memset(&m, 0, sizeof(m));
	m.tread.fid = 1;
	m.tread.offset = 32768;
	m.tread.count = 60000;
	t_send(P9_TREAD, 5, &m);
	struct fuse_read_in in;
	t_fuse_expect(&q[0], FUSE_READ);
	memcpy(&in, q[0].body, sizeof(in));
	ck_assert_uint_eq(in.size, 16384);
	t_fuse_expect(&q[1], FUSE_READ);
	memcpy(&in, q[1].body, sizeof(in));
	ck_assert_uint_eq(in.size, 23616 - 16384);	/* 7232 + 16384 in all */
	ck_assert(!t_fuse_recv(&q[2]));
	t_fuse_reply(q[0].unique, 0, data, 7232);
	t_fuse_reply(q[1].unique, 0, data, 0);
	t_expect(P9_RREAD, 5, &m);
	ck_assert_uint_eq(m.rread.count, 7232);
}
END_TEST

START_TEST(test_getattr_from_lookup)
{
	struct p9_msg m = { 0 };
	struct t_freq q;
	struct fuse_entry_out e = { .nodeid = 9, .attr_valid = 100 };

	m.twalk.fid = 0;
	m.twalk.newfid = 1;
	m.twalk.nwname = 1;
	m.twalk.wname[0].s = "f";
	m.twalk.wname[0].len = 1;
	t_send(P9_TWALK, 2, &m);
	t_fuse_expect(&q, FUSE_LOOKUP);
	e.attr.ino = 9;
	e.attr.mode = 0100640;
	e.attr.size = 1234;
	t_fuse_reply(q.unique, 0, &e, sizeof(e));
	t_expect(P9_RWALK, 2, NULL);
	/* Valid for 100 s and nothing changed: no GETATTR sent. */
	memset(&m, 0, sizeof(m));
	m.tgetattr.fid = 1;
	t_send(P9_TGETATTR, 3, &m);
	t_expect(P9_RGETATTR, 3, &m);
	ck_assert_uint_eq(m.rgetattr.size, 1234);
	ck_assert_uint_eq(m.rgetattr.mode, 0100640);
	ck_assert(!t_fuse_recv(&q));
	/* A change through the gateway invalidates it. */
	memset(&m, 0, sizeof(m));
	m.tsetattr.fid = 1;
	m.tsetattr.valid = P9_SETATTR_SIZE;
	m.tsetattr.size = 0;
	t_send(P9_TSETATTR, 4, &m);
	t_fuse_expect(&q, FUSE_SETATTR);
	struct fuse_attr_out a = { .attr_valid = 100 };
	a.attr.ino = 9;
	a.attr.mode = 0100640;
	t_fuse_reply(q.unique, 0, &a, sizeof(a));
	t_expect(P9_RSETATTR, 4, NULL);
	memset(&m, 0, sizeof(m));
	m.tgetattr.fid = 1;
	t_send(P9_TGETATTR, 5, &m);
	t_expect(P9_RGETATTR, 5, &m);	/* from the SETATTR reply */
	ck_assert_uint_eq(m.rgetattr.size, 0);
}
END_TEST

START_TEST(test_backend_broken_eio)
{
	struct p9_msg m = { 0 };
	struct t_freq q;

	m.tgetattr.fid = 0;
	t_send(P9_TGETATTR, 3, &m);
	t_fuse_expect(&q, FUSE_GETATTR);
	/* A reply for a unique never sent breaks the session. */
	t_fuse_reply(q.unique + 1000, 0, NULL, 0);
	t_expect(P9_RLERROR, 3, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EIO);
	memset(&m, 0, sizeof(m));
	m.tgetattr.fid = 0;
	t_send(P9_TGETATTR, 4, &m);
	t_expect(P9_RLERROR, 4, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EIO);
}
END_TEST

START_TEST(test_backend_eof_stops_polling)
{
	struct p9_msg m = { 0 };

	/* The backend goes away: the session breaks, and its socket, at EOF
	 * for good, is polled no more (it would wake the loop on every
	 * turn). New requests get EIO. */
	close(t_gw.fuse);
	t_gw.fuse = -1;
	t_pump();
	ck_assert(t_gw.srv.backend_broken);
	ck_assert(!event_pending(t_gw.srv.fg_rd_ev, EV_READ, NULL));
	m.tgetattr.fid = 0;
	t_send(P9_TGETATTR, 3, &m);
	t_expect(P9_RLERROR, 3, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EIO);
}
END_TEST

START_TEST(test_remove_read_only_clunks)
{
	struct p9_msg m = { 0 };
	struct t_freq q;

	t_walk1(2, 0, 1, "f", 9, 0100644);
	t_gw.opts.read_only = true;
	m.tremove.fid = 1;
	t_send(P9_TREMOVE, 3, &m);
	t_expect(P9_RLERROR, 3, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EROFS);
	/* remove(5) clunks even on error: fid 1 is free, its node given
	 * back. */
	ck_assert(!t_fuse_recv_skip_forgets(&q));
	ck_assert_uint_eq(t_gw.forgotten[9], 1);
	memset(&m, 0, sizeof(m));
	m.tclunk.fid = 1;
	t_send(P9_TCLUNK, 4, &m);
	t_expect(P9_RLERROR, 4, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EBADF);
}
END_TEST

START_TEST(test_append_write_one_chunk)
{
	static unsigned char data[6000];
	struct p9_msg m = { 0 };
	struct t_freq q;
	struct fuse_open_in oin;
	struct fuse_write_in win;

	t_walk1(2, 0, 1, "log", 9, 0100644);
	m.tlopen.fid = 1;
	m.tlopen.flags = 01 | 02000;	/* dotl O_WRONLY | O_APPEND */
	t_send(P9_TLOPEN, 3, &m);
	t_fuse_expect(&q, FUSE_OPEN);
	memcpy(&oin, q.body, sizeof(oin));
	ck_assert(oin.flags & O_APPEND);
	struct fuse_open_out o = { .fh = 5 };
	t_fuse_reply(q.unique, 0, &o, sizeof(o));
	t_expect(P9_RLOPEN, 3, NULL);
	/* Appending WRITEs in flight at once could land in any order: a
	 * Twrite larger than a chunk becomes one WRITE and a short Rwrite. */
	t_gw.srv.chunk = 4096;
	memset(&m, 0, sizeof(m));
	m.twrite.fid = 1;
	m.twrite.count = sizeof(data);
	m.twrite.data = data;
	t_send(P9_TWRITE, 4, &m);
	t_fuse_expect(&q, FUSE_WRITE);
	memcpy(&win, q.body, sizeof(win));
	ck_assert_uint_eq(win.size, 4096);
	struct t_freq q2;
	ck_assert(!t_fuse_recv(&q2));
	struct fuse_write_out wo = { .size = 4096 };
	t_fuse_reply(q.unique, 0, &wo, sizeof(wo));
	t_expect(P9_RWRITE, 4, &m);
	ck_assert_uint_eq(m.rwrite.count, 4096);
}
END_TEST

START_TEST(test_concurrent_open_ebadf)
{
	struct p9_msg m = { 0 };
	struct t_freq q, q2;

	t_walk1(2, 0, 1, "f", 9, 0100644);
	m.tlopen.fid = 1;
	t_send(P9_TLOPEN, 3, &m);
	t_fuse_expect(&q, FUSE_OPEN);
	/* The same fid again while the first open is in flight: refused,
	 * or two handles would race for the fid and one never be released. */
	t_send(P9_TLOPEN, 4, &m);
	t_expect(P9_RLERROR, 4, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EBADF);
	ck_assert(!t_fuse_recv(&q2));
	struct fuse_open_out o = { .fh = 5 };
	t_fuse_reply(q.unique, 0, &o, sizeof(o));
	t_expect(P9_RLOPEN, 3, NULL);
	memset(&m, 0, sizeof(m));
	m.tclunk.fid = 1;
	t_send(P9_TCLUNK, 5, &m);
	t_expect(P9_RCLUNK, 5, NULL);
	struct fuse_release_in rin;
	ck_assert(t_fuse_recv_skip_forgets(&q2));
	ck_assert_uint_eq(q2.opcode, FUSE_RELEASE);
	memcpy(&rin, q2.body, sizeof(rin));
	ck_assert_uint_eq(rin.fh, 5);
	ck_assert(!t_fuse_recv_skip_forgets(&q2));
}
END_TEST

START_TEST(test_truncate_setid_mode_left_to_backend)
{
	struct p9_msg m = { 0 };
	struct t_freq q;
	struct fuse_setattr_in in;

	t_walk1(2, 0, 1, "suid", 70, 0104777);
	/* What the Linux client sends for a truncate by a non-owner: the
	 * size and the mode without its set-user-ID bit. */
	m.tsetattr.fid = 1;
	m.tsetattr.valid = P9_SETATTR_SIZE | P9_SETATTR_MODE;
	m.tsetattr.size = 1;
	m.tsetattr.mode = 0777;
	t_send(P9_TSETATTR, 3, &m);
	t_fuse_expect(&q, FUSE_SETATTR);
	memcpy(&in, q.body, sizeof(in));
	ck_assert_uint_eq(in.valid, FATTR_SIZE);
	struct fuse_attr_out a = { 0 };
	a.attr.ino = 70;
	a.attr.mode = 0100777;
	t_fuse_reply(q.unique, 0, &a, sizeof(a));
	t_expect(P9_RSETATTR, 3, NULL);
	/* A real mode change with the size still goes through. */
	memset(&m, 0, sizeof(m));
	m.tsetattr.fid = 1;
	m.tsetattr.valid = P9_SETATTR_SIZE | P9_SETATTR_MODE;
	m.tsetattr.mode = 0700;
	t_send(P9_TSETATTR, 4, &m);
	t_fuse_expect(&q, FUSE_SETATTR);
	memcpy(&in, q.body, sizeof(in));
	ck_assert_uint_eq(in.valid, FATTR_SIZE | FATTR_MODE);
	t_fuse_reply(q.unique, 0, &a, sizeof(a));
	t_expect(P9_RSETATTR, 4, NULL);
}
END_TEST

/* A FUSE dirent: header, name, padding to 8. */
static size_t
put_fuse_dirent(unsigned char *p, uint64_t ino, uint64_t off,
    const char *name)
{
	struct fuse_dirent d = { .ino = ino, .off = off,
		.namelen = (uint32_t)strlen(name), .type = 8 };
	size_t len = FUSE_DIRENT_SIZE(&d);

	memset(p, 0, len);
	memcpy(p, &d, sizeof(d));
	memcpy(p + FUSE_NAME_OFFSET, name, d.namelen);
	return len;
}

START_TEST(test_readdir_fills_count)
{
	struct p9_msg m = { 0 };
	struct t_freq q;
	struct fuse_read_in in;
	unsigned char buf[256];
	size_t len;

	t_walk1(2, 0, 1, "d", 80, 040755);
	m.tlopen.fid = 1;
	t_send(P9_TLOPEN, 3, &m);
	t_fuse_expect(&q, FUSE_OPENDIR);
	struct fuse_open_out o = { .fh = 81 };
	t_fuse_reply(q.unique, 0, &o, sizeof(o));
	t_expect(P9_RLOPEN, 3, NULL);
	/* One chunk of 4 KiB per READDIR; the client asks for 60000 bytes:
	 * READDIRs go on from the last offset until the directory ends. */
	t_gw.srv.chunk = 4096;
	memset(&m, 0, sizeof(m));
	m.treaddir.fid = 1;
	m.treaddir.count = 60000;
	t_send(P9_TREADDIR, 4, &m);
	t_fuse_expect(&q, FUSE_READDIR);
	memcpy(&in, q.body, sizeof(in));
	ck_assert_uint_eq(in.offset, 0);
	ck_assert_uint_eq(in.size, 4096);
	len = put_fuse_dirent(buf, 90, 1, "one");
	len += put_fuse_dirent(buf + len, 91, 2, "two");
	t_fuse_reply(q.unique, 0, buf, len);
	t_expect_nothing();
	t_fuse_expect(&q, FUSE_READDIR);
	memcpy(&in, q.body, sizeof(in));
	ck_assert_uint_eq(in.offset, 2);
	t_fuse_reply(q.unique, 0, NULL, 0);	/* the end */
	t_expect(P9_RREADDIR, 4, &m);
	/* two 9P dirents: qid[13] offset[8] type[1] name[2+n] */
	ck_assert_uint_eq(m.rreaddir.count, (24 + 3) * 2);
}
END_TEST

Suite *
t_gw_conn_suite(void)
{
	Suite *s = suite_create("gateway conn");
	TCase *tc = tcase_create("conn");

	tcase_add_checked_fixture(tc, t_setup, t_teardown);
	tcase_add_test(tc, test_size_over_msize_closes);
	tcase_add_test(tc, test_size_under_header_closes);
	tcase_add_test(tc, test_malformed_body_einval);
	tcase_add_test(tc, test_tag_reuse_closes);
	tcase_add_test(tc, test_unknown_fid_ebadf);
	tcase_add_test(tc, test_newfid_in_use);
	tcase_add_test(tc, test_dotdot_never_sent);
	tcase_add_test(tc, test_bad_names_einval);
	tcase_add_test(tc, test_partial_walk);
	tcase_add_test(tc, test_read_only_erofs);
	tcase_add_test(tc, test_dialect_gating);
	tcase_add_test(tc, test_read_split_and_short);
	tcase_add_test(tc, test_getattr_from_lookup);
	tcase_add_test(tc, test_truncate_setid_mode_left_to_backend);
	tcase_add_test(tc, test_readdir_fills_count);
	tcase_add_test(tc, test_backend_broken_eio);
	tcase_add_test(tc, test_backend_eof_stops_polling);
	tcase_add_test(tc, test_remove_read_only_clunks);
	tcase_add_test(tc, test_append_write_one_chunk);
	tcase_add_test(tc, test_concurrent_open_ebadf);
	suite_add_tcase(s, tc);
	return s;
}
