/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the session against the scripted fake backend: INIT
 * negotiation (what is offered, old minors, refusals, timeouts), many
 * requests in flight answered out of order, the bytes of requests on the
 * wire, the limits fg_submit enforces, every malformed reply breaking the
 * session exactly once, kept reply buffers, and shutdown.
 */
#include "test_fg.h"
#include "fg_int.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* --------------------------------------------------------------- INIT */

static const uint64_t splice_bits =
    FUSE_SPLICE_READ | FUSE_SPLICE_WRITE | FUSE_SPLICE_MOVE;

START_TEST(test_init_offer_and_info)
{
	struct t_fake f;
	struct fuse_init_out io;
	struct fuse_init_in ii;
	struct t_msg *m = t_msg_new();
	char err[256] = "";
	const struct fg_info *info;

	t_fake_new(&f);
	memset(&io, 0, sizeof(io));
	io.major = 7;
	io.minor = 40; /* newer than us: we use ours */
	io.flags = FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_MAX_PAGES |
	           FUSE_POSIX_LOCKS | FUSE_DO_READDIRPLUS |
	           FUSE_AUTO_INVAL_DATA | FUSE_SPLICE_READ;
	io.max_write = 4u << 20;
	io.max_pages = 1024;
	io.max_readahead = 65536;
	io.time_gran = 1000;
	t_reply(&f, 2, 0, &io, sizeof(io));
	ck_assert_int_eq(
	    fg_session_init(f.s, 0, -1, 1000, err, sizeof(err)), 0);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_INIT);
	ck_assert_uint_eq(m->ih.unique, 2);
	ck_assert_uint_eq(m->ih.nodeid, 0);
	ck_assert_uint_eq(m->body_len, sizeof(ii));
	memcpy(&ii, m->body, sizeof(ii));
	ck_assert_uint_eq(ii.major, FUSE_KERNEL_VERSION);
	ck_assert_uint_eq(ii.minor, FUSE_KERNEL_MINOR_VERSION);
	ck_assert_uint_eq(ii.flags & splice_bits, 0);
	ck_assert_uint_eq(ii.flags2, 0);
	ck_assert(ii.flags & FUSE_MAX_PAGES);
	ck_assert(ii.flags & FUSE_ASYNC_READ);
	ck_assert(ii.flags & FUSE_DO_READDIRPLUS);
	ck_assert(ii.flags & FUSE_ATOMIC_O_TRUNC);
	ck_assert(!(ii.flags & FUSE_WRITEBACK_CACHE));
	ck_assert_uint_eq(ii.max_readahead, 1u << 20);

	info = fg_session_info(f.s);
	ck_assert_uint_eq(info->major, 7);
	ck_assert_uint_eq(info->minor, FUSE_KERNEL_MINOR_VERSION);
	/* Granted = offered AND answered: not the splice or cache bits. */
	ck_assert_uint_eq(info->flags, FUSE_ASYNC_READ | FUSE_BIG_WRITES |
	                                   FUSE_MAX_PAGES | FUSE_POSIX_LOCKS |
	                                   FUSE_DO_READDIRPLUS);
	ck_assert_uint_eq(info->max_write, 1u << 20); /* our cap */
	ck_assert_uint_eq(info->max_readahead, 65536);
	ck_assert_uint_eq(info->max_pages, 1024);
	ck_assert_uint_eq(info->time_gran, 1000);
	ck_assert(!fg_session_is_broken(f.s));
	ck_assert_ptr_null(fg_session_why(f.s));
	ck_assert_int_eq(fg_session_fd(f.s), f.sfd);
	ck_assert_int_eq(f.broken_calls, 0);
	free(m);
	t_fake_free(&f);
}
END_TEST

START_TEST(test_init_max_write_limits)
{
	struct t_fake f;
	struct fuse_init_out io;
	struct fuse_init_in ii;
	struct t_msg *m = t_msg_new();
	char err[256];
	int sv[2];

	/* The caller's wish caps it, then what the backend answers. */
	t_fake_new(&f);
	memset(&io, 0, sizeof(io));
	io.major = 7;
	io.minor = 38;
	io.flags = FUSE_MAX_PAGES;
	io.max_write = 200000;
	io.max_pages = 64; /* 256 KiB */
	t_reply(&f, 2, 0, &io, sizeof(io));
	ck_assert_int_eq(
	    fg_session_init(f.s, 512 * 1024, -1, 1000, err, sizeof(err)), 0);
	ck_assert(t_recv(&f, m));
	memcpy(&ii, m->body, sizeof(ii));
	ck_assert_uint_eq(ii.max_readahead, 512 * 1024);
	ck_assert_uint_eq(fg_session_info(f.s)->max_write, 200000);
	t_fake_free(&f);

	/* A small socket buffer caps what we offer (header room kept). */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	f.s = fg_session_new(sv[0], 64 * 1024, NULL, NULL);
	f.bfd = sv[1];
	io.max_write = 1u << 20;
	io.max_pages = 256;
	t_reply(&f, 2, 0, &io, sizeof(io));
	ck_assert_int_eq(
	    fg_session_init(f.s, 0, -1, 1000, err, sizeof(err)), 0);
	ck_assert(t_recv(&f, m));
	memcpy(&ii, m->body, sizeof(ii));
	ck_assert_uint_eq(ii.max_readahead, 56 * 1024);
	ck_assert_uint_eq(fg_session_info(f.s)->max_write, 56 * 1024);
	/* And a backend answering below a page gets a page. */
	t_fake_free(&f);
	free(m);
}
END_TEST

START_TEST(test_init_old_minor)
{
	struct t_fake f;
	struct fuse_init_out io;
	char err[256] = "";
	struct t_msg *m = t_msg_new();
	struct t_done d = {0};
	static const char value[] = "v";
	struct fuse_setxattr_in si = {.size = 1, .flags = 0};
	struct fg_op op = {
	    .opcode = FUSE_SETXATTR,
	    .nodeid = 3,
	    .in = &si,
	    .in_len = sizeof(si),
	    .name = "user.a",
	    .name_len = 6,
	    .data = value,
	    .data_len = 1,
	};

	t_fake_new(&f);
	memset(&io, 0, sizeof(io));
	io.major = 7;
	io.minor = 19;
	io.flags = FUSE_ASYNC_READ | FUSE_BIG_WRITES;
	io.max_write = 131072;
	/* 7.19 answers the 24-byte fuse_init_out. */
	t_reply(&f, 2, 0, &io, FUSE_COMPAT_22_INIT_OUT_SIZE);
	ck_assert_int_eq(
	    fg_session_init(f.s, 0, -1, 1000, err, sizeof(err)), 0);
	ck_assert_uint_eq(fg_session_info(f.s)->minor, 19);
	ck_assert_uint_eq(fg_session_info(f.s)->max_write, 131072);
	ck_assert_uint_eq(fg_session_info(f.s)->time_gran, 0);
	ck_assert_uint_eq(fg_session_info(f.s)->max_pages, 0);
	ck_assert(t_recv(&f, m));
	/* SETXATTR goes out with the 8-byte setxattr_in. */
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), 0);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_SETXATTR);
	ck_assert_uint_eq(m->body_len, 8 + 7 + 1);
	ck_assert_int_eq(memcmp(m->body + 8, "user.a\0v", 8), 0);
	free(m);
	t_fake_free(&f);
}
END_TEST

/* INIT answers that fg_session_init must refuse, and the words it says. */
static const struct {
	uint32_t major, minor;
	int error;
	size_t len; /* 0: by minor */
	const char *why;
	int rc;
} bad_init[] = {
    {7, 18, 0, 24, "protocol 7.18, need 7.19", -EPROTO},
    {6, 40, 0, 24, "protocol 6.40", -EPROTO},
    {8, 0, 0, 8, "protocol 8.0", -EPROTO},
    {7, 38, -EPROTO, 0, "refused FUSE_INIT: Protocol error", -EPROTO},
    {7, 38, -ENOSYS, 0, "refused FUSE_INIT: Function not implemented", -EPROTO},
    {7, 38, 0, 24, "24 bytes is too short for 7.38", -EPROTO},
    {7, 22, 0, 20, "20 bytes is too short for 7.22", -EPROTO},
    {7, 38, 0, 4, "bad answer to FUSE_INIT: unique 2: INIT reply of 4", -EIO},
};

START_TEST(test_init_refused)
{
	struct t_fake f;
	struct fuse_init_out io;
	char err[256] = "";
	struct t_done d = {0};
	struct fg_ctx ctx = {0, 0, 0};

	t_fake_new(&f);
	memset(&io, 0, sizeof(io));
	io.major = bad_init[_i].major;
	io.minor = bad_init[_i].minor;
	io.max_write = 65536;
	if (bad_init[_i].error != 0)
		t_reply(&f, 2, bad_init[_i].error, NULL, 0);
	else
		t_reply(&f, 2, 0, &io, bad_init[_i].len);
	ck_assert_int_eq(fg_session_init(f.s, 0, -1, 1000, err, sizeof(err)),
	    bad_init[_i].rc);
	ck_assert_msg(strstr(err, bad_init[_i].why) != NULL, "got '%s'", err);
	ck_assert(fg_session_is_broken(f.s));
	ck_assert_int_eq(f.broken_calls, 0); /* reported through err only */
	ck_assert_int_eq(
	    fg_lookup(f.s, &ctx, 1, "x", 1, t_done, &d, NULL), -EIO);
	ck_assert_int_eq(d.calls, 0);
	t_drain(&f);
	t_fake_free(&f);
	/* No DESTROY after a failed INIT (and no crash freeing). */
}
END_TEST

START_TEST(test_init_timeout_and_eof)
{
	struct t_fake f;
	char err[256] = "";

	/* A zero timeout expires at once: no sleeping in unit tests. */
	t_fake_new(&f);
	ck_assert_int_eq(
	    fg_session_init(f.s, 0, -1, 0, err, sizeof(err)), -ETIMEDOUT);
	ck_assert_str_eq(err, "no reply to FUSE_INIT within 0 ms");
	ck_assert(fg_session_is_broken(f.s));
	/* a second INIT is refused */
	ck_assert_int_eq(
	    fg_session_init(f.s, 0, -1, 0, err, sizeof(err)), -EINVAL);
	t_fake_free(&f);

	/* The backend closes its end. */
	t_fake_new(&f);
	close(f.bfd);
	f.bfd = -1;
	ck_assert_int_eq(
	    fg_session_init(f.s, 0, -1, 1000, err, sizeof(err)), -EIO);
	ck_assert_str_eq(
	    err, "closed the FUSE connection before answering FUSE_INIT");
	fg_session_free(f.s);
}
END_TEST

START_TEST(test_submit_before_init)
{
	struct t_fake f;
	struct t_done d = {0};
	struct fg_ctx ctx = {0, 0, 0};

	t_fake_new(&f);
	ck_assert_int_eq(
	    fg_lookup(f.s, &ctx, 1, "x", 1, t_done, &d, NULL), -EINVAL);
	t_fake_free(&f);
}
END_TEST

TCase *
test_fg_init_tcase(void)
{
	TCase *tc = tcase_create("init");

	tcase_add_test(tc, test_init_offer_and_info);
	tcase_add_test(tc, test_init_max_write_limits);
	tcase_add_test(tc, test_init_old_minor);
	tcase_add_loop_test(tc, test_init_refused, 0,
	    (int)(sizeof(bad_init) / sizeof(bad_init[0])));
	tcase_add_test(tc, test_init_timeout_and_eof);
	tcase_add_test(tc, test_submit_before_init);
	return tc;
}

/* ----------------------------------------------------------- requests */

#define NMANY 200

START_TEST(test_many_out_of_order)
{
	struct t_fake f;
	struct t_done *d = calloc(NMANY, sizeof(*d));
	struct fg_req *r[NMANY];
	uint64_t uniq[NMANY];
	struct t_msg *m = t_msg_new();
	char name[32];

	ck_assert_ptr_nonnull(d);
	t_fake_new(&f);
	t_fake_init(&f, 0, FUSE_MAX_PAGES, 0);
	for (int i = 0; i < NMANY; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		r[i] = t_lookup(&f, name, &d[i]);
		ck_assert_uint_eq(fg_req_unique(r[i]), 4 + 2 * (uint64_t)i);
	}
	ck_assert_uint_eq(fg_session_inflight(f.s), NMANY);
	for (int i = 0; i < NMANY; i++) {
		ck_assert(t_recv(&f, m));
		ck_assert_uint_eq(m->ih.opcode, FUSE_LOOKUP);
		ck_assert_uint_eq(m->ih.nodeid, 1);
		ck_assert_uint_eq(m->ih.uid, 1000);
		ck_assert_uint_eq(m->ih.pid, 42);
		snprintf(name, sizeof(name), "n%d", i);
		ck_assert_uint_eq(m->body_len, strlen(name) + 1);
		ck_assert_str_eq((char *)m->body, name);
		uniq[i] = m->ih.unique;
	}
	/* Answer in a scrambled order, in two batches. */
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 0; k < NMANY; k++) {
			int i = (k * 37 + 11) % NMANY;
			struct fuse_entry_out e;

			if ((i % 2) != pass)
				continue;
			t_entry(&e, 1000 + (uint64_t)i);
			t_reply(&f, uniq[i], 0, &e, sizeof(e));
		}
		ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	}
	for (int i = 0; i < NMANY; i++) {
		ck_assert_int_eq(d[i].calls, 1);
		ck_assert_int_eq(d[i].error, 0);
		ck_assert_uint_eq(d[i].opcode, FUSE_LOOKUP);
		ck_assert_uint_eq(d[i].rep.entry.nodeid, 1000 + (uint64_t)i);
		ck_assert_uint_eq(fg_nlookup(f.s, 1000 + (uint64_t)i), 1);
	}
	ck_assert_uint_eq(fg_session_inflight(f.s), 0);
	ck_assert_uint_eq(fg_nlookup_nodes(f.s), NMANY);
	ck_assert_int_eq(f.broken_calls, 0);
	free(d);
	free(m);
	t_fake_free(&f);
}
END_TEST

START_TEST(test_wire_layouts)
{
	struct t_fake f;
	struct t_msg *m = t_msg_new();
	struct t_done d = {0};
	struct fg_ctx ctx = {7, 8, 9};
	struct fuse_rename2_in rn = {.newdir = 44, .flags = 1};
	struct fg_op op = {
	    .opcode = FUSE_RENAME2,
	    .nodeid = 33,
	    .ctx = ctx,
	    .in = &rn,
	    .in_len = sizeof(rn),
	    .name = "old",
	    .name_len = 3,
	    .name2 = "new1",
	    .name2_len = 4,
	};
	static const unsigned char data[5] = {1, 2, 3, 4, 5};
	struct fuse_write_in wi;

	t_fake_new(&f);
	t_fake_init(&f, 0, FUSE_MAX_PAGES, 0);
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), 0);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_RENAME2);
	ck_assert_uint_eq(m->ih.nodeid, 33);
	ck_assert_uint_eq(m->ih.gid, 8);
	ck_assert_uint_eq(m->ih.len, 40 + 16 + 4 + 5);
	ck_assert_int_eq(memcmp(m->body, &rn, sizeof(rn)), 0);
	ck_assert_int_eq(memcmp(m->body + 16, "old\0new1\0", 9), 0);
	ck_assert_str_eq(
	    f.last_trace, "-> RENAME2 unique 4 nodeid 33 'old' 'new1' len 65");

	ck_assert_int_eq(
	    fg_write(f.s, &ctx, 5, 99, 4096, data, 5, t_done, &d, NULL), 0);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_WRITE);
	ck_assert_uint_eq(m->body_len, sizeof(wi) + 5);
	memcpy(&wi, m->body, sizeof(wi));
	ck_assert_uint_eq(wi.fh, 99);
	ck_assert_uint_eq(wi.offset, 4096);
	ck_assert_uint_eq(wi.size, 5);
	ck_assert_int_eq(memcmp(m->body + sizeof(wi), data, 5), 0);

	op = (struct fg_op){.opcode = FUSE_SYMLINK,
	    .nodeid = 1,
	    .name = "link",
	    .name_len = 4,
	    .name2 = "target/x",
	    .name2_len = 8};
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), 0);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->body_len, 5 + 9);
	ck_assert_int_eq(memcmp(m->body, "link\0target/x\0", 14), 0);

	ck_assert_int_eq(
	    fg_getattr(f.s, &ctx, 5, 77, true, t_done, &d, NULL), 0);
	ck_assert(t_recv(&f, m));
	{
		struct fuse_getattr_in gi;

		ck_assert_uint_eq(m->body_len, sizeof(gi));
		memcpy(&gi, m->body, sizeof(gi));
		ck_assert_uint_eq(gi.getattr_flags, FUSE_GETATTR_FH);
		ck_assert_uint_eq(gi.fh, 77);
	}
	free(m);
	t_fake_free(&f);
}
END_TEST

START_TEST(test_submit_limits)
{
	struct t_fake f;
	struct t_done d = {0};
	struct fg_ctx ctx = {0, 0, 0};
	struct fuse_mkdir_in mi = {0755, 0};
	struct fg_op op = {.opcode = FUSE_MKDIR,
	    .nodeid = 1,
	    .in = &mi,
	    .in_len = sizeof(mi),
	    .name = "a\0b",
	    .name_len = 3};
	static char big[70000];
	struct fuse_getxattr_in gi = {.size = 1u << 21};

	t_fake_new(&f);
	t_fake_init(&f, 0, FUSE_MAX_PAGES, 65536);
	/* NUL inside a name, a missing name, an empty name, a short in */
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), -EINVAL);
	op.name = NULL;
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), -EINVAL);
	op.name = "";
	op.name_len = 0;
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), -EINVAL);
	op.name = "ok";
	op.name_len = 2;
	op.in_len = 4;
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), -EINVAL);
	/* a name where none belongs; data where none belongs */
	op = (struct fg_op){
	    .opcode = FUSE_STATFS, .nodeid = 1, .name = "x", .name_len = 1};
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), -EINVAL);
	op = (struct fg_op){
	    .opcode = FUSE_STATFS, .nodeid = 1, .data = big, .data_len = 1};
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), -EINVAL);
	/* the session's own opcodes, and unknown ones */
	op = (struct fg_op){.opcode = FUSE_DESTROY};
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), -EINVAL);
	op.opcode = FUSE_INTERRUPT;
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), -EINVAL);
	op.opcode = 7;
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), -EINVAL);
	/* READ and WRITE beyond max_write, a huge xattr query */
	ck_assert_int_eq(
	    fg_read(f.s, &ctx, FUSE_READ, 2, 1, 0, 65537, t_done, &d, NULL),
	    -EMSGSIZE);
	ck_assert_int_eq(
	    fg_read(f.s, &ctx, FUSE_READ, 2, 1, 0, 65536, t_done, &d, NULL), 0);
	ck_assert_int_eq(
	    fg_read(f.s, &ctx, FUSE_LOOKUP, 2, 1, 0, 1, t_done, &d, NULL),
	    -EINVAL);
	ck_assert_int_eq(
	    fg_write(f.s, &ctx, 2, 1, 0, big, 65537, t_done, &d, NULL),
	    -EMSGSIZE);
	op = (struct fg_op){.opcode = FUSE_LISTXATTR,
	    .nodeid = 1,
	    .in = &gi,
	    .in_len = sizeof(gi)};
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d, NULL), -EMSGSIZE);
	ck_assert_int_eq(d.calls, 0);
	ck_assert_int_eq(t_drain(&f), 1);
	t_fake_free(&f);
}
END_TEST

/* Malformed replies: each breaks the session once, and everything pending
 * fails exactly once with -EIO. */
enum bad_kind {
	BK_SHORT,
	BK_UNKNOWN,
	BK_RANGE,
	BK_BELOW,
	BK_OVERSIZE,
	BK_ERRPAYLOAD,
	BK_LEN,
	BK_EOF,
	BK_INTR_NEVER,
	BK_DIRENTPLUS,
	BK_ABOVE,
	BK_READ_ABOVE,
	BK_N
};
static const char *const bad_words[BK_N] = {
    [BK_SHORT] = "short reply",
    [BK_UNKNOWN] = "unknown unique",
    [BK_RANGE] = "out of range",
    [BK_BELOW] = "LOOKUP reply of 100 bytes",
    [BK_OVERSIZE] = "oversize reply",
    [BK_ERRPAYLOAD] = "carries",
    [BK_LEN] = "length field",
    [BK_EOF] = "closed the FUSE connection",
    [BK_INTR_NEVER] = "unknown unique 5",
    [BK_DIRENTPLUS] = "malformed READDIRPLUS",
    [BK_ABOVE] = "LOOKUP reply of 129 bytes, expected 128..128",
    [BK_READ_ABOVE] = "READDIRPLUS reply of 4097 bytes, expected 0..4096",
};

START_TEST(test_bad_reply_breaks)
{
	struct t_fake f;
	struct t_done d[3] = {{0}};
	struct t_done late = {0};
	struct fg_req *r[3];
	struct fg_ctx ctx = {0, 0, 0};
	static unsigned char buf[100000];
	struct fuse_out_header oh;
	size_t len = 0;

	t_fake_new(&f);
	t_fake_init(&f, 0, FUSE_MAX_PAGES, 65536);
	r[0] = t_lookup(&f, "a", &d[0]); /* unique 4 */
	r[1] = t_lookup(&f, "b", &d[1]); /* unique 6 */
	ck_assert_int_eq(fg_read(f.s, &ctx, FUSE_READDIRPLUS, 1, 3, 0, 4096,
	                     t_done, &d[2], &r[2]),
	    0); /* unique 8 */
	ck_assert_int_eq(t_drain(&f), 3);
	fg_req_detach(r[1]); /* a detached request just goes away */
	oh = (struct fuse_out_header){16, 0, 4};
	switch (_i) {
	case BK_SHORT:
		len = 10;
		break;
	case BK_UNKNOWN:
		oh.unique = 10;
		len = 16;
		break;
	case BK_RANGE:
		oh.error = -5000;
		len = 16;
		break;
	case BK_BELOW:
		oh.len = len = 16 + 100;
		break;
	case BK_OVERSIZE:
		oh.len = len = 100000; /* the receive buffer holds 69632 */
		break;
	case BK_ERRPAYLOAD:
		oh.error = -ENOENT;
		oh.len = len = 16 + 8;
		break;
	case BK_LEN:
		oh.len = 16 + 128;
		len = 16 + 127;
		break;
	case BK_EOF:
		break;
	case BK_INTR_NEVER:
		oh.unique = 5; /* interrupt of 4, never sent */
		oh.error = -EAGAIN;
		len = 16;
		break;
	case BK_DIRENTPLUS:
		oh.unique = 8;
		oh.len = len = 16 + 200;
		break;
	case BK_ABOVE:
		oh.len = len = 16 + 129;
		break;
	case BK_READ_ABOVE:
		oh.unique = 8;
		oh.len = len = 16 + 4097;
		break;
	}
	memset(buf, 0xee, sizeof(buf));
	memcpy(buf, &oh, sizeof(oh));
	if (_i == BK_EOF) {
		close(f.bfd);
		f.bfd = -1;
	} else {
		t_send_raw(&f, buf, len);
	}
	ck_assert_int_eq(fg_session_on_readable(f.s), -EIO);
	ck_assert_int_eq(f.broken_calls, 1);
	ck_assert_msg(strstr(f.broken_why, bad_words[_i]) != NULL,
	    "reason '%s'", f.broken_why);
	ck_assert_str_eq(fg_session_why(f.s), f.broken_why);
	ck_assert_int_eq(d[0].calls, 1);
	ck_assert_int_eq(d[0].error, -EIO);
	ck_assert_int_eq(d[1].calls, 0);
	ck_assert_int_eq(d[2].calls, 1);
	ck_assert_int_eq(d[2].error, -EIO);
	ck_assert_uint_eq(fg_session_inflight(f.s), 0);
	ck_assert(fg_session_is_broken(f.s));
	/* Later: submits fail at once, hooks are quiet, nothing is sent. */
	ck_assert_int_eq(
	    fg_lookup(f.s, &ctx, 1, "c", 1, t_done, &late, NULL), -EIO);
	ck_assert_int_eq(fg_session_on_readable(f.s), -EIO);
	ck_assert_int_eq(fg_session_on_writable(f.s), -EIO);
	fg_session_on_timer(f.s);
	fg_session_flush(f.s);
	ck_assert_int_eq(f.broken_calls, 1);
	ck_assert_int_eq(late.calls, 0);
	fg_session_free(f.s);
	ck_assert_int_eq(d[0].calls, 1);
	if (f.bfd >= 0) {
		ck_assert_int_eq(t_drain(&f), 0); /* no FORGET, no DESTROY */
		close(f.bfd);
	}
}
END_TEST

START_TEST(test_notification_ignored)
{
	struct t_fake f;
	struct t_done d = {0};
	struct fuse_notify_inval_inode_out ni = {5, 0, -1};
	struct fuse_entry_out e;

	t_fake_new(&f);
	t_fake_init(&f, 0, 0, 0);
	t_lookup(&f, "a", &d);
	t_drain(&f);
	t_reply(&f, 0, FUSE_NOTIFY_INVAL_INODE, &ni, sizeof(ni));
	t_entry(&e, 5);
	t_reply(&f, 4, 0, &e, sizeof(e));
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_int_eq(d.calls, 1);
	ck_assert_int_eq(f.broken_calls, 0);
	t_fake_free(&f);
}
END_TEST

START_TEST(test_entry_nodeid_zero_and_root)
{
	struct t_fake f;
	struct t_done d[3] = {{0}};
	struct fuse_entry_out e;
	struct fuse_mkdir_in mi = {0755, 0};
	struct fg_op op = {.opcode = FUSE_MKDIR,
	    .nodeid = 1,
	    .in = &mi,
	    .in_len = sizeof(mi),
	    .name = "d",
	    .name_len = 1};

	t_fake_new(&f);
	t_fake_init(&f, 0, 0, 0);
	t_lookup(&f, "neg", &d[0]);
	t_lookup(&f, ".", &d[1]);
	ck_assert_int_eq(fg_submit(f.s, &op, t_done, &d[2], NULL), 0);
	ck_assert_int_eq(t_drain(&f), 3);
	t_entry(&e, 0);
	t_reply(&f, 4, 0, &e, sizeof(e));
	t_reply(&f, 8, 0, &e, sizeof(e));
	t_entry(&e, 1);
	t_reply(&f, 6, 0, &e, sizeof(e));
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_int_eq(d[0].error, -ENOENT); /* negative entry */
	ck_assert_int_eq(d[1].error, 0);
	ck_assert_uint_eq(d[1].rep.entry.nodeid, 1);
	ck_assert_int_eq(d[2].error, -EIO);
	ck_assert_uint_eq(fg_nlookup_nodes(f.s), 0);
	fg_forget(f.s, 1, 1); /* root: a no-op */
	fg_session_flush(f.s);
	ck_assert_int_eq(t_drain(&f), 0);
	t_fake_free(&f);
}
END_TEST

START_TEST(test_reply_keep)
{
	struct t_fake f;
	struct t_done d1 = {.want_keep = true}, d2 = {0};
	struct fg_ctx ctx = {0, 0, 0};
	static unsigned char a[60000], b[60000];
	const unsigned char *kept;

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	t_fake_new(&f);
	t_fake_init(&f, 0, FUSE_MAX_PAGES, 0);
	ck_assert_int_eq(
	    fg_read(f.s, &ctx, FUSE_READ, 2, 1, 0, 60000, t_done, &d1, NULL),
	    0);
	ck_assert_int_eq(
	    fg_read(f.s, &ctx, FUSE_READ, 2, 1, 0, 60000, t_done, &d2, NULL),
	    0);
	t_drain(&f);
	t_reply(&f, 4, 0, a, sizeof(a));
	t_reply(&f, 6, 0, b, sizeof(b));
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_ptr_nonnull(d1.keep);
	ck_assert_uint_eq(d1.len, 60000);
	kept = d1.rep.data;
	ck_assert_uint_eq(d2.len, 60000);
	/* The second reply did not land in the kept buffer. */
	for (size_t i = 0; i < sizeof(a); i++)
		ck_assert_int_eq(kept[i], 'a');
	/* The buffer outlives the session too. */
	fg_session_free(f.s);
	ck_assert_int_eq(kept[59999], 'a');
	fg_buf_release(d1.keep);
	close(f.bfd);
}
END_TEST

static void
submit_in_done(struct fg_req *req, const struct fg_reply *rep, void *arg)
{
	struct t_done *d = arg;
	struct t_fake *f = (struct t_fake *)d->keep;
	struct fg_ctx ctx = {0, 0, 0};

	(void)req;
	d->calls++;
	d->error = rep->error;
	/* Submitting from a done callback of a dying session fails. */
	d->len = (size_t)-fg_lookup(f->s, &ctx, 1, "z", 1, t_done, d, NULL);
}

START_TEST(test_free_fails_pending_forgets_destroys)
{
	struct t_fake f;
	struct t_done d = {0}, d2 = {0}, d3 = {0};
	struct t_msg *m = t_msg_new();
	struct fuse_entry_out e;
	struct fuse_batch_forget_in bi;
	struct fuse_forget_one one[2];
	struct fg_ctx ctx = {0, 0, 0};

	t_fake_new(&f);
	t_fake_init(&f, 0, 0, 0);
	t_lookup(&f, "a", &d);
	t_lookup(&f, "b", &d2);
	t_drain(&f);
	t_entry(&e, 20);
	t_reply(&f, 4, 0, &e, sizeof(e));
	t_entry(&e, 21);
	t_reply(&f, 6, 0, &e, sizeof(e));
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	d3.keep = &f;
	ck_assert_int_eq(
	    fg_lookup(f.s, &ctx, 1, "p", 1, submit_in_done, &d3, NULL), 0);
	ck_assert(t_recv(&f, m));
	fg_session_free(f.s);
	ck_assert_int_eq(d3.calls, 1);
	ck_assert_int_eq(d3.error, -EIO);
	ck_assert_uint_eq(d3.len, EIO);
	/* On the wire: the lookups given back, then DESTROY. */
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_BATCH_FORGET);
	memcpy(&bi, m->body, sizeof(bi));
	ck_assert_uint_eq(bi.count, 2);
	memcpy(one, m->body + sizeof(bi), sizeof(one));
	ck_assert_uint_eq(one[0].nodeid + one[1].nodeid, 41);
	ck_assert_uint_eq(one[0].nlookup + one[1].nlookup, 2);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_DESTROY);
	ck_assert_uint_eq(m->body_len, 0);
	ck_assert(!t_recv(&f, m));
	free(m);
	close(f.bfd);
	fg_session_free(NULL);
}
END_TEST

TCase *
test_fg_session_tcase(void)
{
	TCase *tc = tcase_create("session");

	tcase_add_test(tc, test_many_out_of_order);
	tcase_add_test(tc, test_wire_layouts);
	tcase_add_test(tc, test_submit_limits);
	tcase_add_loop_test(tc, test_bad_reply_breaks, 0, BK_N);
	tcase_add_test(tc, test_notification_ignored);
	tcase_add_test(tc, test_entry_nodeid_zero_and_root);
	tcase_add_test(tc, test_reply_keep);
	tcase_add_test(tc, test_free_fails_pending_forgets_destroys);
	return tc;
}
