/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the lookup ledger: counting entry replies (READDIRPLUS
 * too, but never ".", ".." or the root), fg_forget batching into the exact
 * BATCH_FORGET/FORGET bytes, the automatic send of a full batch, and the
 * undo of detached requests (FORGET, RELEASE, RELEASEDIR).
 */
#include "test_fg.h"
#include "fg_int.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* Look name up and answer with nodeid; returns after the done ran. */
static void
lookup_ok(struct t_fake *f, const char *name, uint64_t nodeid)
{
	struct t_done d = {0};
	struct t_msg *m = t_msg_new();
	struct fuse_entry_out e;
	struct fg_req *r = t_lookup(f, name, &d);

	ck_assert(t_recv(f, m));
	t_entry(&e, nodeid);
	t_reply(f, fg_req_unique(r), 0, &e, sizeof(e));
	ck_assert_int_eq(fg_session_on_readable(f->s), 0);
	ck_assert_int_eq(d.calls, 1);
	ck_assert_int_eq(d.error, 0);
	free(m);
}

START_TEST(test_ledger_batch_bytes)
{
	struct t_fake f;
	struct t_msg *m = t_msg_new();
	struct fuse_batch_forget_in bi;
	struct fuse_forget_one one[3];
	struct fuse_forget_in fi;

	t_fake_new(&f);
	t_fake_init(&f, 0, 0, 0);
	lookup_ok(&f, "a", 5);
	lookup_ok(&f, "a", 5);
	lookup_ok(&f, "b", 6);
	lookup_ok(&f, "c", 7);
	ck_assert_uint_eq(fg_nlookup(f.s, 5), 2);
	ck_assert_uint_eq(fg_nlookup(f.s, 6), 1);
	ck_assert_uint_eq(fg_nlookup(f.s, 99), 0);
	ck_assert_uint_eq(fg_nlookup_nodes(f.s), 3);

	fg_forget(f.s, 5, 1);
	fg_forget(f.s, 6, 0); /* all */
	fg_forget(f.s, 7, 1);
	ck_assert_uint_eq(fg_nlookup(f.s, 5), 1);
	ck_assert_uint_eq(fg_nlookup(f.s, 6), 0);
	ck_assert_uint_eq(fg_nlookup_nodes(f.s), 1);
	ck_assert(!t_recv(&f, m)); /* batched until the flush */
	fg_session_flush(f.s);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_BATCH_FORGET);
	ck_assert_uint_eq(m->ih.nodeid, 0);
	ck_assert_uint_eq(m->ih.unique % 2, 0);
	ck_assert_uint_eq(m->body_len, sizeof(bi) + sizeof(one));
	memcpy(&bi, m->body, sizeof(bi));
	ck_assert_uint_eq(bi.count, 3);
	ck_assert_uint_eq(bi.dummy, 0);
	memcpy(one, m->body + sizeof(bi), sizeof(one));
	ck_assert_uint_eq(one[0].nodeid, 5);
	ck_assert_uint_eq(one[0].nlookup, 1);
	ck_assert_uint_eq(one[1].nodeid, 6);
	ck_assert_uint_eq(one[1].nlookup, 1);
	ck_assert_uint_eq(one[2].nodeid, 7);
	ck_assert_uint_eq(one[2].nlookup, 1);
	ck_assert_str_eq(
	    f.last_trace, "-> BATCH_FORGET unique 12 nodeid 0 count 3");
	fg_session_flush(f.s); /* nothing left */
	ck_assert(!t_recv(&f, m));

	/* A single node goes as a plain FORGET. */
	fg_forget(f.s, 5, 1);
	fg_session_flush(f.s);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_FORGET);
	ck_assert_uint_eq(m->ih.nodeid, 5);
	memcpy(&fi, m->body, sizeof(fi));
	ck_assert_uint_eq(m->body_len, sizeof(fi));
	ck_assert_uint_eq(fi.nlookup, 1);
	ck_assert_uint_eq(fg_nlookup_nodes(f.s), 0);
	free(m);
	t_fake_free(&f);
}
END_TEST

START_TEST(test_ledger_full_batch_goes_out)
{
	struct t_fake f;
	struct t_msg *m = t_msg_new();
	struct fuse_batch_forget_in bi;
	const uint64_t n = FG_FORGET_BATCH + 3;

	t_fake_new(&f);
	t_fake_init(&f, 0, 0, 0);
	for (uint64_t i = 0; i < n; i++)
		lookup_ok(&f, "x", 100 + i);
	for (uint64_t i = 0; i < n; i++)
		fg_forget(f.s, 100 + i, 1);
	ck_assert(t_recv(&f, m)); /* the full batch did not wait */
	ck_assert_uint_eq(m->ih.opcode, FUSE_BATCH_FORGET);
	memcpy(&bi, m->body, sizeof(bi));
	ck_assert_uint_eq(bi.count, FG_FORGET_BATCH);
	ck_assert(!t_recv(&f, m));
	fg_session_flush(f.s);
	ck_assert(t_recv(&f, m));
	memcpy(&bi, m->body, sizeof(bi));
	ck_assert_uint_eq(bi.count, 3);
	ck_assert_uint_eq(fg_nlookup_nodes(f.s), 0);
	free(m);
	t_fake_free(&f);
}
END_TEST

START_TEST(test_ledger_underflow_asserts)
{
	struct t_fake f;

	t_fake_new(&f);
	t_fake_init(&f, 0, 0, 0);
	lookup_ok(&f, "a", 5);
	fg_forget(f.s, 5, 2); /* more than held: our own bug */
}
END_TEST

/* A READDIRPLUS payload: (nodeid, name) pairs. */
static size_t
plus_payload(
    unsigned char *buf, const uint64_t *ids, const char *const *names, size_t n)
{
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		struct fuse_entry_out e;
		struct fuse_dirent de = {.ino = 10 + i,
		    .off = i + 1,
		    .namelen = (uint32_t)strlen(names[i]),
		    .type = DT_REG};
		size_t rec = FUSE_DIRENT_ALIGN(
		    sizeof(e) + FUSE_NAME_OFFSET + de.namelen);

		t_entry(&e, ids[i]);
		memset(buf + off, 0, rec);
		memcpy(buf + off, &e, sizeof(e));
		memcpy(buf + off + sizeof(e), &de, FUSE_NAME_OFFSET);
		memcpy(buf + off + sizeof(e) + FUSE_NAME_OFFSET, names[i],
		    de.namelen);
		off += rec;
	}
	return off;
}

START_TEST(test_ledger_readdirplus)
{
	static const uint64_t ids[] = {3, 1, 0, 9, 9, 1};
	static const char *const names[] = {
	    ".", "..", "nolookup", "f", "g", "root"};
	struct t_fake f;
	struct t_done d = {0}, d2 = {0};
	struct fg_ctx ctx = {0, 0, 0};
	struct fg_req *r;
	unsigned char buf[2048];
	size_t len = plus_payload(buf, ids, names, 6);
	struct t_msg *m = t_msg_new();
	struct fuse_batch_forget_in bi;
	struct fuse_forget_one one;

	t_fake_new(&f);
	t_fake_init(&f, 0, FUSE_DO_READDIRPLUS, 0);
	ck_assert_int_eq(fg_read(f.s, &ctx, FUSE_READDIRPLUS, 3, 7, 0, 4096,
	                     t_done, &d, NULL),
	    0);
	t_drain(&f);
	t_reply(&f, 4, 0, buf, len);
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_int_eq(d.error, 0);
	ck_assert_uint_eq(d.len, len);
	ck_assert_uint_eq(fg_nlookup(f.s, 9), 2);
	ck_assert_uint_eq(fg_nlookup(f.s, 3), 0);
	ck_assert_uint_eq(fg_nlookup_nodes(f.s), 1);

	/* Detached: counted and forgotten again at once. */
	ck_assert_int_eq(fg_read(f.s, &ctx, FUSE_READDIRPLUS, 3, 7, 0, 4096,
	                     t_done, &d2, &r),
	    0);
	t_drain(&f);
	fg_req_detach(r);
	t_reply(&f, 6, 0, buf, len);
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_int_eq(d2.calls, 0);
	ck_assert_uint_eq(fg_nlookup(f.s, 9), 2);
	fg_session_flush(f.s);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_FORGET); /* merged: one node */
	ck_assert_uint_eq(m->ih.nodeid, 9);
	ck_assert_uint_eq(m->body_len, 8);
	memcpy(&one.nlookup, m->body, 8);
	ck_assert_uint_eq(one.nlookup, 2);
	(void)bi;
	free(m);
	t_fake_free(&f);
}
END_TEST

/* Detached requests: done never runs, their effects are undone. */
START_TEST(test_detach_undo)
{
	struct t_fake f;
	struct t_done d = {0};
	struct t_msg *m = t_msg_new();
	struct fg_req *r;
	struct fuse_entry_out e;
	struct fuse_open_out oo = {.fh = 0xf00d};
	struct fuse_open_in oi = {.flags = 02};
	struct fuse_create_in ci = {.flags = 0101, .mode = 0644};
	struct fuse_release_in ri;
	struct fuse_forget_in fi;
	unsigned char cpay[sizeof(e) + sizeof(oo)];
	struct fg_op open_op = {
	    .opcode = FUSE_OPEN, .nodeid = 12, .in = &oi, .in_len = sizeof(oi)};
	struct fg_op create_op = {.opcode = FUSE_CREATE,
	    .nodeid = 1,
	    .in = &ci,
	    .in_len = sizeof(ci),
	    .name = "new",
	    .name_len = 3};

	t_fake_new(&f);
	t_fake_init(&f, 0, 0, 0);

	/* LOOKUP -> FORGET */
	r = t_lookup(&f, "gone", &d);
	t_drain(&f);
	fg_req_detach(r);
	t_entry(&e, 40);
	t_reply(&f, fg_req_unique(r), 0, &e, sizeof(e));
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_int_eq(d.calls, 0);
	ck_assert_uint_eq(fg_nlookup(f.s, 40), 0);
	fg_session_flush(f.s);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_FORGET);
	ck_assert_uint_eq(m->ih.nodeid, 40);
	memcpy(&fi, m->body, sizeof(fi));
	ck_assert_uint_eq(fi.nlookup, 1);

	/* OPEN -> RELEASE of the handle, with the open flags */
	ck_assert_int_eq(fg_submit(f.s, &open_op, t_done, &d, &r), 0);
	t_drain(&f);
	fg_req_detach(r);
	t_reply(&f, fg_req_unique(r), 0, &oo, sizeof(oo));
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_RELEASE);
	ck_assert_uint_eq(m->ih.nodeid, 12);
	memcpy(&ri, m->body, sizeof(ri));
	ck_assert_uint_eq(ri.fh, 0xf00d);
	ck_assert_uint_eq(ri.flags, 02);
	/* its reply is swallowed */
	t_reply(&f, m->ih.unique, 0, NULL, 0);
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_uint_eq(fg_session_inflight(f.s), 0);

	/* OPENDIR -> RELEASEDIR */
	open_op.opcode = FUSE_OPENDIR;
	ck_assert_int_eq(fg_submit(f.s, &open_op, t_done, &d, &r), 0);
	t_drain(&f);
	fg_req_detach(r);
	t_reply(&f, fg_req_unique(r), 0, &oo, sizeof(oo));
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_RELEASEDIR);
	t_reply(&f, m->ih.unique, -EBADF, NULL, 0);
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);

	/* CREATE -> RELEASE and FORGET */
	ck_assert_int_eq(fg_submit(f.s, &create_op, t_done, &d, &r), 0);
	t_drain(&f);
	fg_req_detach(r);
	t_entry(&e, 41);
	memcpy(cpay, &e, sizeof(e));
	memcpy(cpay + sizeof(e), &oo, sizeof(oo));
	t_reply(&f, fg_req_unique(r), 0, cpay, sizeof(cpay));
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_RELEASE);
	ck_assert_uint_eq(m->ih.nodeid, 41);
	memcpy(&ri, m->body, sizeof(ri));
	ck_assert_uint_eq(ri.flags, 0101);
	fg_session_flush(f.s);
	ck_assert(t_recv(&f, m));
	ck_assert_uint_eq(m->ih.opcode, FUSE_FORGET);
	ck_assert_uint_eq(m->ih.nodeid, 41);

	/* An error reply to a detached request undoes nothing. */
	r = t_lookup(&f, "none", &d);
	t_drain(&f);
	fg_req_detach(r);
	t_reply(&f, fg_req_unique(r), -ENOENT, NULL, 0);
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	fg_session_flush(f.s);
	ck_assert(!t_recv(&f, m));
	ck_assert_int_eq(d.calls, 0);
	ck_assert_uint_eq(fg_nlookup_nodes(f.s), 0);
	ck_assert_int_eq(f.broken_calls, 0);
	free(m);
	t_fake_free(&f);
}
END_TEST

TCase *
test_fg_ledger_tcase(void)
{
	TCase *tc = tcase_create("ledger");

	tcase_add_test(tc, test_ledger_batch_bytes);
	tcase_add_test(tc, test_ledger_full_batch_goes_out);
	tcase_add_test_raise_signal(tc, test_ledger_underflow_asserts, SIGABRT);
	tcase_add_test(tc, test_ledger_readdirplus);
	tcase_add_test(tc, test_detach_undo);
	return tc;
}
