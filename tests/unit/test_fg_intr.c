/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of FUSE_INTERRUPT: its unique and body, at most one
 * outstanding per request, EAGAIN resent through the timer hook while the
 * victim is in flight (and not after), ENOSYS turning interrupts off for
 * the session, and answers whose victim is gone being ignored.
 */
#include "test_fg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void
expect_interrupt(struct t_fake *f, struct t_msg *m, uint64_t victim)
{
	struct fuse_interrupt_in ii;

	ck_assert_msg(t_recv(f, m), "an INTERRUPT was sent");
	ck_assert_uint_eq(m->ih.opcode, FUSE_INTERRUPT);
	ck_assert_uint_eq(m->ih.unique, victim | 1);
	ck_assert_uint_eq(m->ih.nodeid, 0);
	ck_assert_uint_eq(m->ih.len, sizeof(m->ih) + sizeof(ii));
	ck_assert_uint_eq(m->body_len, sizeof(ii));
	memcpy(&ii, m->body, sizeof(ii));
	ck_assert_uint_eq(ii.unique, victim);
}

START_TEST(test_interrupt_wire_and_once)
{
	struct t_fake f;
	struct t_done d = {0};
	struct t_msg *m = t_msg_new();
	struct fg_req *r;

	t_fake_new(&f);
	t_fake_init(&f, 0, 0, 0);
	r = t_lookup(&f, "slow", &d);
	ck_assert(t_recv(&f, m));
	ck_assert_int_eq(fg_interrupt(r), 0);
	expect_interrupt(&f, m, 4);
	ck_assert_str_eq(
	    f.last_trace, "-> INTERRUPT unique 5 nodeid 0 victim 4");
	/* At most one outstanding: a second call sends nothing. */
	ck_assert_int_eq(fg_interrupt(r), 0);
	ck_assert(!t_recv(&f, m));
	/* The victim ends with EINTR: done sees it as is. */
	t_reply(&f, 4, -EINTR, NULL, 0);
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_int_eq(d.calls, 1);
	ck_assert_int_eq(d.error, -EINTR);
	/* libfuse may still answer the interrupt later: ignored. */
	t_reply(&f, 5, -EAGAIN, NULL, 0);
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_int_eq(f.timer_calls, 0);
	ck_assert_int_eq(f.broken_calls, 0);
	free(m);
	t_fake_free(&f);
}
END_TEST

START_TEST(test_interrupt_eagain_resend)
{
	struct t_fake f;
	struct t_done d = {0}, d2 = {0};
	struct t_msg *m = t_msg_new();
	struct fg_req *r, *r2;
	struct fuse_entry_out e;

	t_fake_new(&f);
	t_fake_init(&f, 0, 0, 0);
	r = t_lookup(&f, "slow", &d);    /* 4 */
	r2 = t_lookup(&f, "slow2", &d2); /* 6 */
	t_drain(&f);
	ck_assert_int_eq(fg_interrupt(r), 0);
	ck_assert_int_eq(fg_interrupt(r2), 0);
	expect_interrupt(&f, m, 4);
	expect_interrupt(&f, m, 6);
	/* Not seen yet: EAGAIN. One timer for both, 10 ms. */
	t_reply(&f, 5, -EAGAIN, NULL, 0);
	t_reply(&f, 7, -EAGAIN, NULL, 0);
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_int_eq(f.timer_calls, 1);
	ck_assert_uint_eq(f.timer_ms, 10);
	ck_assert(!t_recv(&f, m)); /* nothing before the timer */
	/* r2 finishes meanwhile: only r's interrupt goes again. */
	t_entry(&e, 50);
	t_reply(&f, 6, 0, &e, sizeof(e));
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_int_eq(d2.calls, 1);
	fg_session_on_timer(f.s);
	expect_interrupt(&f, m, 4);
	ck_assert(!t_recv(&f, m));
	/* Again EAGAIN: again a timer, again a resend. */
	t_reply(&f, 5, -EAGAIN, NULL, 0);
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_int_eq(f.timer_calls, 2);
	fg_session_on_timer(f.s);
	expect_interrupt(&f, m, 4);
	/* Now the victim finishes normally: the real reply is delivered. */
	t_entry(&e, 51);
	t_reply(&f, 4, 0, &e, sizeof(e));
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_int_eq(d.calls, 1);
	ck_assert_int_eq(d.error, 0);
	ck_assert_uint_eq(d.rep.entry.nodeid, 51);
	/* A timer firing with nothing to resend sends nothing. */
	fg_session_on_timer(f.s);
	ck_assert(!t_recv(&f, m));
	ck_assert_int_eq(f.broken_calls, 0);
	free(m);
	t_fake_free(&f);
}
END_TEST

START_TEST(test_interrupt_enosys)
{
	struct t_fake f;
	struct t_done d = {0}, d2 = {0};
	struct t_msg *m = t_msg_new();
	struct fg_req *r, *r2;

	t_fake_new(&f);
	t_fake_init(&f, 0, 0, 0);
	r = t_lookup(&f, "a", &d);
	r2 = t_lookup(&f, "b", &d2);
	t_drain(&f);
	ck_assert_int_eq(fg_interrupt(r), 0);
	expect_interrupt(&f, m, 4);
	t_reply(&f, 5, -ENOSYS, NULL, 0);
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	/* Off for the whole session: nothing is sent any more. */
	ck_assert_int_eq(fg_interrupt(r2), -ENOSYS);
	ck_assert_int_eq(fg_interrupt(r), -ENOSYS);
	ck_assert(!t_recv(&f, m));
	/* The ops still complete. */
	t_reply(&f, 4, -ENOENT, NULL, 0);
	t_reply(&f, 6, -ENOENT, NULL, 0);
	ck_assert_int_eq(fg_session_on_readable(f.s), 0);
	ck_assert_int_eq(d.calls + d2.calls, 2);
	ck_assert_int_eq(f.broken_calls, 0);
	free(m);
	t_fake_free(&f);
}
END_TEST

START_TEST(test_interrupt_bad_answers)
{
	struct t_fake f;
	struct t_done d = {0};
	struct t_msg *m = t_msg_new();
	struct fg_req *r;
	unsigned char payload[8] = {0};

	/* An interrupt answer with a payload breaks (the kernel, too,
	 * accepts only a bare header). */
	t_fake_new(&f);
	t_fake_init(&f, 0, 0, 0);
	r = t_lookup(&f, "a", &d);
	t_drain(&f);
	ck_assert_int_eq(fg_interrupt(r), 0);
	t_drain(&f);
	t_reply(&f, 5, 0, payload, sizeof(payload));
	ck_assert_int_eq(fg_session_on_readable(f.s), -EIO);
	ck_assert_int_eq(f.broken_calls, 1);
	ck_assert_int_eq(d.error, -EIO);
	t_fake_free(&f);

	/* An answer to the interrupt of a request never issued breaks. */
	t_fake_new(&f);
	t_fake_init(&f, 0, 0, 0);
	t_reply(&f, 1001, -EAGAIN, NULL, 0);
	ck_assert_int_eq(fg_session_on_readable(f.s), -EIO);
	ck_assert_int_eq(f.broken_calls, 1);
	free(m);
	t_fake_free(&f);
}
END_TEST

TCase *
test_fg_intr_tcase(void)
{
	TCase *tc = tcase_create("interrupt");

	tcase_add_test(tc, test_interrupt_wire_and_once);
	tcase_add_test(tc, test_interrupt_eagain_resend);
	tcase_add_test(tc, test_interrupt_enosys);
	tcase_add_test(tc, test_interrupt_bad_answers);
	return tc;
}
