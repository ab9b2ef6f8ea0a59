/* SPDX-License-Identifier: MIT */
/*
 * The golden FUSE vectors (tests/vectors/fg_vectors.c) against the session
 * and the scripted fake backend: each vector's op yields exactly its
 * request bytes; its reply yields the expected fields (entries counted,
 * directory entries, INIT's fg_info); error replies in range pass through;
 * and every truncation of a reply, a length field off by one, one extra
 * byte, an error outside -4095..-1 and an unknown unique break the session
 * cleanly: the pending request gets -EIO exactly once, broken_cb runs
 * once, later submits get -EIO. An opcode of fg_wire.c's table without a
 * vector fails a test.
 *
 * It checks the wire only; interrupt, ledger and queue behaviour beyond a
 * single reply is tested in their own files.
 */
#include "test_fg.h"
#include "fg_int.h"
#include "fg_vectors.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define OUT_HDR sizeof(struct fuse_out_header)

/* One session driven through one vector. */
struct run {
	struct t_fake f;
	struct t_done d;  /* the vector's request (INTERRUPT: its victim) */
	struct fg_req *r; /* the same, while in flight */
	struct t_msg *m;  /* the request the session sent */
};

/* Read the next message the session sent into run->m (vectors are
 * small: a stack buffer, not t_recv's 2 MiB one, keeps the thousands of
 * sessions below cheap, under valgrind too). */
static void
recv_req(struct run *x)
{
	unsigned char buf[4096];
	ssize_t n = recv(x->f.bfd, buf, sizeof(buf), MSG_DONTWAIT);

	ck_assert_msg(
	    n >= (ssize_t)sizeof(x->m->ih), "the session sent a request");
	x->m->len = (size_t)n;
	memcpy(&x->m->ih, buf, sizeof(x->m->ih));
	x->m->body_len = (size_t)n - sizeof(x->m->ih);
	memcpy(x->m->body, buf + sizeof(x->m->ih), x->m->body_len);
}

/* Nothing more was sent (EOF after DESTROY counts as nothing). */
static bool
nothing_sent(struct run *x)
{
	unsigned char b;
	ssize_t n = recv(x->f.bfd, &b, 1, MSG_DONTWAIT);

	return n == 0 || (n < 0 && errno == EAGAIN);
}

/* t_fake_init's INIT (7.38, MAX_PAGES, 1 MiB), without its buffers. */
static void
init_session(struct run *x)
{
	struct fuse_init_out io;
	char err[256];

	memset(&io, 0, sizeof(io));
	io.major = 7;
	io.minor = FUSE_KERNEL_MINOR_VERSION;
	io.flags = FUSE_MAX_PAGES;
	io.max_write = 1u << 20;
	io.max_readahead = 1u << 20;
	io.max_pages = 256;
	io.time_gran = 1;
	t_reply(&x->f, 2, 0, &io, sizeof(io));
	ck_assert_int_eq(
	    fg_session_init(x->f.s, 0, -1, 1000, err, sizeof(err)), 0);
	recv_req(x);
	ck_assert_uint_eq(x->m->ih.opcode, FUSE_INIT);
}

static void
start_submit(const struct t_fg_vector *v, struct run *x)
{
	init_session(x);
	ck_assert_int_eq(fg_submit(x->f.s, &v->op, t_done, &x->d, &x->r), 0);
	ck_assert_uint_eq(fg_req_unique(x->r), 4);
	recv_req(x);
}

static void
start_init(const struct t_fg_vector *v, struct run *x)
{
	(void)v;
	(void)x; /* INIT goes out when the reply is delivered */
}

static void
start_forget(const struct t_fg_vector *v, struct run *x)
{
	size_t n = 0;

	init_session(x);
	for (size_t i = 0; i < 2 && v->forget[i] != 0; i++, n++) {
		struct t_done d = {0};
		struct fuse_entry_out e;
		struct fg_req *r = t_lookup(&x->f, "n", &d);

		recv_req(x);
		t_entry(&e, v->forget[i]);
		t_reply(&x->f, fg_req_unique(r), 0, &e, sizeof(e));
		ck_assert_int_eq(fg_session_on_readable(x->f.s), 0);
		ck_assert_int_eq(d.calls, 1);
	}
	for (size_t i = 0; i < n; i++)
		fg_forget(x->f.s, v->forget[i], 1);
	ck_assert_msg(nothing_sent(x), "FORGETs wait for the flush");
	fg_session_flush(x->f.s);
	recv_req(x);
}

static void
start_interrupt(const struct t_fg_vector *v, struct run *x)
{
	start_submit(v, x);
	ck_assert_uint_eq(x->m->ih.opcode, v->op.opcode);
	ck_assert_int_eq(fg_interrupt(x->r), 0);
	recv_req(x);
}

static void
start_destroy(const struct t_fg_vector *v, struct run *x)
{
	(void)v;
	init_session(x);
	fg_session_free(x->f.s);
	x->f.s = NULL;
	recv_req(x);
}

static void (*const starts[])(const struct t_fg_vector *, struct run *) = {
    [T_FG_SUBMIT] = start_submit,
    [T_FG_INIT] = start_init,
    [T_FG_FORGET] = start_forget,
    [T_FG_INTERRUPT] = start_interrupt,
    [T_FG_DESTROY] = start_destroy,
};

static void
run_start(const struct t_fg_vector *v, struct run *x)
{
	memset(&x->f, 0, sizeof(x->f));
	memset(&x->d, 0, sizeof(x->d));
	x->r = NULL;
	t_fake_new(&x->f);
	starts[v->how](v, x);
}

/* Hand len bytes to the session as one reply. Returns what
 * fg_session_on_readable (T_FG_INIT: fg_session_init) returned. */
static int
deliver(const struct t_fg_vector *v, struct run *x, const void *msg, size_t len)
{
	char err[256];
	int rc;

	t_send_raw(&x->f, msg, len);
	if (v->how != T_FG_INIT)
		return fg_session_on_readable(x->f.s);
	rc = fg_session_init(x->f.s, 0, -1, 1000, err, sizeof(err));
	recv_req(x); /* INIT itself */
	return rc;
}

static void
run_end(struct run *x)
{
	if (x->f.s != NULL)
		fg_session_free(x->f.s);
	x->f.s = NULL;
	if (x->f.bfd >= 0)
		close(x->f.bfd);
	x->f.bfd = -1;
}

/* ------------------------------------------------------ the vectors */

START_TEST(test_vec_self_consistent)
{
	const struct t_fg_vector *v = &t_fg_vectors[_i];
	struct fuse_in_header ih;
	struct fuse_out_header oh;

	ck_assert_ptr_nonnull(fg_wire_op(v->opcode));
	ck_assert_str_eq(v->origin, "linux/fuse.h layout");
	ck_assert_uint_ge(v->req_len, sizeof(ih));
	memcpy(&ih, v->req, sizeof(ih));
	ck_assert_msg(ih.len == v->req_len, "%s: length field %u, %zu bytes",
	    v->name, ih.len, v->req_len);
	ck_assert_uint_eq(ih.opcode, v->opcode);
	if (v->rep != NULL) {
		ck_assert_uint_ge(v->rep_len, sizeof(oh));
		memcpy(&oh, v->rep, sizeof(oh));
		ck_assert_msg(oh.len == v->rep_len,
		    "%s: reply length field %u, %zu bytes", v->name, oh.len,
		    v->rep_len);
		ck_assert_uint_eq(oh.unique, ih.unique);
	}
	for (size_t j = 0; j < t_fg_nvectors; j++)
		ck_assert(j == (size_t)_i ||
		          strcmp(t_fg_vectors[j].name, v->name) != 0);
}
END_TEST

START_TEST(test_vec_every_opcode_has_one)
{
	/* Every opcode of the table has a request vector, and one with a
	 * reply unless the backend never answers it (FORGET, BATCH_FORGET)
	 * or the session never reads the answer (DESTROY: it closes). */
	for (uint32_t op = 0; op < 65536; op++) {
		const struct fg_opdef *d = fg_wire_op(op);
		bool req = false, rep = false;

		if (d == NULL)
			continue;
		for (size_t j = 0; j < t_fg_nvectors; j++) {
			if (t_fg_vectors[j].opcode != op)
				continue;
			req = true;
			rep = rep || t_fg_vectors[j].rep != NULL;
		}
		ck_assert_msg(req, "opcode %u (%s) has no vector", op, d->name);
		ck_assert_msg(
		    rep || (d->flags & FG_OPF_NOREPLY) || op == FUSE_DESTROY,
		    "opcode %u (%s) has no reply vector", op, d->name);
	}
}
END_TEST

START_TEST(test_vec_request_bytes)
{
	const struct t_fg_vector *v = &t_fg_vectors[_i];
	struct run x = {.m = t_msg_new()};

	run_start(v, &x);
	if (v->how == T_FG_INIT)
		ck_assert_int_eq(deliver(v, &x, v->rep, v->rep_len), 0);
	ck_assert_msg(x.m->len == v->req_len, "%s: sent %zu bytes, want %zu",
	    v->name, x.m->len, v->req_len);
	ck_assert_msg(memcmp(&x.m->ih, v->req, sizeof(x.m->ih)) == 0,
	    "%s: header differs", v->name);
	ck_assert_msg(memcmp(x.m->body, v->req + sizeof(x.m->ih),
	                  v->req_len - sizeof(x.m->ih)) == 0,
	    "%s: body differs", v->name);
	ck_assert_msg(nothing_sent(&x), "%s: one message only", v->name);
	run_end(&x);
	free(x.m);
}
END_TEST

static void
check_dirents(
    const struct t_fg_vector *v, const struct t_done *d, struct fg_session *s)
{
	struct fg_dirent_cur c;
	struct fg_dirent de;

	fg_dirent_cur_init(&c, d->data, d->len, v->opcode == FUSE_READDIRPLUS);
	for (size_t i = 0; i < v->ndirents; i++) {
		const struct t_fg_dirent *w = &v->dirents[i];

		ck_assert_int_eq(fg_dirent_next(&c, &de), 1);
		ck_assert_uint_eq(de.ino, w->ino);
		ck_assert_uint_eq(de.off, w->off);
		ck_assert_uint_eq(de.type, w->type);
		ck_assert_uint_eq(de.name_len, strlen(w->name));
		ck_assert_int_eq(memcmp(de.name, w->name, de.name_len), 0);
		ck_assert_int_eq(de.has_entry, v->opcode == FUSE_READDIRPLUS);
		ck_assert_uint_eq(de.entry.nodeid, w->nodeid);
		ck_assert_int_eq(de.counted, w->counted);
		ck_assert_uint_eq(fg_nlookup(s, w->nodeid), w->counted ? 1 : 0);
	}
	ck_assert_int_eq(fg_dirent_next(&c, &de), 0);
}

/* What done got for a success (or LOOKUP's negative entry). */
static void
check_fields(const struct t_fg_vector *v, struct run *x)
{
	const struct fg_reply *got = &x->d.rep, *w = &v->want;
	const struct fg_opdef *od = fg_wire_op(v->opcode);

	ck_assert_int_eq(x->d.calls, 1);
	ck_assert_int_eq(got->error, w->error);
	ck_assert_uint_eq(got->opcode, w->opcode);
	ck_assert_uint_eq(got->len, w->len);
	ck_assert_int_eq(memcmp(x->d.data, v->rep + OUT_HDR, w->len), 0);
	ck_assert_msg(memcmp(&got->entry, &w->entry, sizeof(w->entry)) == 0,
	    "%s: entry", v->name);
	ck_assert_msg(memcmp(&got->open, &w->open, sizeof(w->open)) == 0,
	    "%s: open", v->name);
	ck_assert_msg(memcmp(&got->attr, &w->attr, sizeof(w->attr)) == 0,
	    "%s: attr", v->name);
	ck_assert_msg(memcmp(&got->write, &w->write, sizeof(w->write)) == 0,
	    "%s: write", v->name);
	ck_assert_msg(memcmp(&got->statfs, &w->statfs, sizeof(w->statfs)) == 0,
	    "%s: statfs", v->name);
	ck_assert_msg(memcmp(&got->xattr, &w->xattr, sizeof(w->xattr)) == 0,
	    "%s: xattr", v->name);
	ck_assert_msg(
	    memcmp(&got->lk, &w->lk, sizeof(w->lk)) == 0, "%s: lk", v->name);
	/* An entry reply is counted once (the root and 0 never). */
	if ((od->flags & FG_OPF_ENTRY) && w->entry.nodeid > FUSE_ROOT_ID)
		ck_assert_uint_eq(fg_nlookup(x->f.s, w->entry.nodeid), 1);
	if (v->dirents != NULL)
		check_dirents(v, &x->d, x->f.s);
}

START_TEST(test_vec_reply_fields)
{
	const struct t_fg_vector *v = &t_fg_vectors[_i];
	struct run x = {.m = t_msg_new()};

	if (v->rep == NULL) {
		free(x.m);
		return; /* FORGET, BATCH_FORGET, DESTROY: nothing comes back */
	}
	run_start(v, &x);
	ck_assert_int_eq(deliver(v, &x, v->rep, v->rep_len), 0);
	ck_assert_int_eq(x.f.broken_calls, 0);
	if (v->how == T_FG_INIT) {
		const struct fg_info *i = fg_session_info(x.f.s);

		ck_assert_uint_eq(i->major, v->info.major);
		ck_assert_uint_eq(i->minor, v->info.minor);
		ck_assert_uint_eq(i->flags, v->info.flags);
		ck_assert_uint_eq(i->max_write, v->info.max_write);
		ck_assert_uint_eq(i->max_readahead, v->info.max_readahead);
		ck_assert_uint_eq(i->max_pages, v->info.max_pages);
		ck_assert_uint_eq(i->time_gran, v->info.time_gran);
	} else if (v->how == T_FG_INTERRUPT) {
		/* EAGAIN: the victim stays, the resend timer is armed. */
		ck_assert_int_eq(v->want.error, -EAGAIN);
		ck_assert_int_eq(x.d.calls, 0);
		ck_assert_int_eq(x.f.timer_calls, 1);
		ck_assert_uint_eq(x.f.timer_ms, FG_INTR_RESEND_MS);
		ck_assert_uint_eq(fg_session_inflight(x.f.s), 1);
	} else {
		check_fields(v, &x);
		ck_assert_uint_eq(fg_session_inflight(x.f.s), 0);
	}
	run_end(&x);
	free(x.m);
}
END_TEST

START_TEST(test_vec_error_replies)
{
	/* Any error in -4095..-1 passes through, with nothing parsed. */
	static const int errs[] = {-1, -ENOENT, -EINTR, -4095};
	const struct t_fg_vector *v = &t_fg_vectors[_i];
	struct run x = {.m = t_msg_new()};

	for (size_t k = 0; v->how == T_FG_SUBMIT && k < 4; k++) {
		struct fuse_out_header oh = {16, errs[k], 4};
		struct fg_reply zero;

		memset(&zero, 0, sizeof(zero));
		run_start(v, &x);
		ck_assert_int_eq(deliver(v, &x, &oh, sizeof(oh)), 0);
		ck_assert_int_eq(x.d.calls, 1);
		ck_assert_int_eq(x.d.error, errs[k]);
		ck_assert_uint_eq(x.d.opcode, v->opcode);
		ck_assert_uint_eq(x.d.len, 0);
		ck_assert_int_eq(
		    memcmp(&x.d.rep.entry, &zero.entry, sizeof(zero.entry)), 0);
		ck_assert_int_eq(
		    memcmp(&x.d.rep.open, &zero.open, sizeof(zero.open)), 0);
		ck_assert_uint_eq(fg_nlookup_nodes(x.f.s), 0);
		ck_assert_int_eq(x.f.broken_calls, 0);
		ck_assert(!fg_session_is_broken(x.f.s));
		run_end(&x);
	}
	free(x.m);
}
END_TEST

/* ------------------------------------------------ what breaks a session */

/* One malformed variant of a vector's reply. */
struct bad {
	unsigned char *buf;
	size_t len;
	char what[64];
};

/* After a bad reply: broken once, the pending request failed once with
 * -EIO, nothing else completes or gets through. */
static void
check_broken(
    const struct t_fg_vector *v, struct run *x, int rc, const char *what)
{
	struct t_done late = {0};
	struct fg_ctx ctx = {0, 0, 0};

	ck_assert_msg(rc < 0, "%s %s: accepted", v->name, what);
	ck_assert_msg(
	    fg_session_is_broken(x->f.s), "%s %s: not broken", v->name, what);
	ck_assert_uint_eq(fg_session_inflight(x->f.s), 0);
	if (v->how == T_FG_INIT) {
		/* fg_session_init reports it; no broken_cb during INIT. */
		ck_assert_int_eq(x->f.broken_calls, 0);
	} else {
		ck_assert_int_eq(rc, -EIO);
		ck_assert_msg(x->f.broken_calls == 1, "%s %s: broken_cb %d",
		    v->name, what, x->f.broken_calls);
		ck_assert_msg(x->d.calls == 1 && x->d.error == -EIO,
		    "%s %s: pending request: %d calls, error %d", v->name, what,
		    x->d.calls, x->d.error);
	}
	ck_assert_int_eq(
	    fg_lookup(x->f.s, &ctx, 1, "x", 1, t_done, &late, NULL), -EIO);
	if (v->how == T_FG_SUBMIT)
		ck_assert_int_eq(
		    fg_submit(x->f.s, &v->op, t_done, &late, NULL), -EIO);
	ck_assert_int_eq(fg_session_on_readable(x->f.s), -EIO);
	fg_session_free(x->f.s);
	x->f.s = NULL;
	ck_assert_int_eq(late.calls, 0);
	ck_assert_int_le(x->f.broken_calls, 1);
	if (v->how != T_FG_INIT)
		ck_assert_int_eq(x->d.calls, 1);
}

static void
try_bad(const struct t_fg_vector *v, struct run *x, const struct bad *b)
{
	int rc;

	run_start(v, x);
	rc = deliver(v, x, b->buf, b->len);
	check_broken(v, x, rc, b->what);
	run_end(x);
}

/* The reply with its length field set to len_field, cut or grown to len
 * bytes (grown bytes are 0x5a), and error/unique replaced. */
static void
make_bad(const struct t_fg_vector *v, struct bad *b, size_t len,
    uint32_t len_field, int error, uint64_t unique, const char *what)
{
	struct fuse_out_header oh;

	memset(b->buf, 0x5a, len + OUT_HDR);
	memcpy(b->buf, v->rep, len < v->rep_len ? len : v->rep_len);
	memcpy(&oh, v->rep, sizeof(oh));
	oh.len = len_field;
	oh.error = error;
	oh.unique = unique;
	if (len >= sizeof(oh))
		memcpy(b->buf, &oh, sizeof(oh));
	b->len = len;
	snprintf(b->what, sizeof(b->what), "%s", what);
}

START_TEST(test_vec_truncations_break)
{
	const struct t_fg_vector *v = &t_fg_vectors[_i];
	struct run x = {.m = t_msg_new()};
	struct bad b = {.buf = malloc(v->rep_len + 64)};
	struct fuse_out_header oh;
	char what[64];

	ck_assert_ptr_nonnull(b.buf);
	if (v->rep != NULL) {
		memcpy(&oh, v->rep, sizeof(oh));
		/* Cut anywhere, the length field unchanged. */
		for (size_t n = 0; n < v->rep_len; n++) {
			snprintf(what, sizeof(what), "cut to %zu", n);
			make_bad(v, &b, n, oh.len, oh.error, oh.unique, what);
			try_bad(v, &x, &b);
		}
		/* A fixed-size payload cut short, the length field agreeing. */
		for (size_t n = OUT_HDR; !v->var && n < v->rep_len; n++) {
			snprintf(what, sizeof(what), "payload cut to %zu",
			    n - OUT_HDR);
			make_bad(
			    v, &b, n, (uint32_t)n, oh.error, oh.unique, what);
			try_bad(v, &x, &b);
		}
	}
	free(b.buf);
	free(x.m);
}
END_TEST

START_TEST(test_vec_lengths_break)
{
	const struct t_fg_vector *v = &t_fg_vectors[_i];
	struct run x = {.m = t_msg_new()};
	struct bad b = {.buf = malloc(v->rep_len + 64)};
	struct fuse_out_header oh;
	const size_t n = v->rep_len;

	ck_assert_ptr_nonnull(b.buf);
	if (v->rep == NULL)
		goto out;
	memcpy(&oh, v->rep, sizeof(oh));
	make_bad(v, &b, n, oh.len + 1, oh.error, oh.unique, "length + 1");
	try_bad(v, &x, &b);
	make_bad(v, &b, n, oh.len - 1, oh.error, oh.unique, "length - 1");
	try_bad(v, &x, &b);
	make_bad(v, &b, n + 1, oh.len, oh.error, oh.unique, "one byte more");
	try_bad(v, &x, &b);
	make_bad(v, &b, n + 1, oh.len + 1, oh.error, oh.unique,
	    "one byte more, length agreeing");
	if (!v->extra_ok) {
		try_bad(v, &x, &b);
	} else {
		/* READLINK, INIT: bounded by the buffer only. */
		run_start(v, &x);
		ck_assert_int_eq(deliver(v, &x, b.buf, b.len), 0);
		ck_assert(!fg_session_is_broken(x.f.s));
		run_end(&x);
	}
out:
	free(b.buf);
	free(x.m);
}
END_TEST

START_TEST(test_vec_errors_and_uniques_break)
{
	static const int errs[] = {-4096, 1, INT_MIN, INT_MAX, -100000};
	/* never issued: even ones, and interrupts of never-issued ones */
	static const uint64_t uniques[] = {
	    1000, 1001, UINT64_MAX - 1, UINT64_MAX, 6, 7, 1};
	const struct t_fg_vector *v = &t_fg_vectors[_i];
	struct run x = {.m = t_msg_new()};
	struct bad b = {.buf = malloc(v->rep_len + 64)};
	struct fuse_out_header oh;
	char what[64];

	ck_assert_ptr_nonnull(b.buf);
	if (v->rep == NULL)
		goto out;
	memcpy(&oh, v->rep, sizeof(oh));
	for (size_t k = 0; k < sizeof(errs) / sizeof(errs[0]); k++) {
		snprintf(what, sizeof(what), "error %d", errs[k]);
		make_bad(v, &b, OUT_HDR, OUT_HDR, errs[k], oh.unique, what);
		try_bad(v, &x, &b);
	}
	for (size_t k = 0; k < sizeof(uniques) / sizeof(uniques[0]); k++) {
		snprintf(what, sizeof(what), "unique %llu",
		    (unsigned long long)uniques[k]);
		make_bad(v, &b, v->rep_len, oh.len, oh.error, uniques[k], what);
		try_bad(v, &x, &b);
	}
	/* INIT's unique once INIT is done; an interrupt never sent. */
	if (v->how == T_FG_SUBMIT) {
		make_bad(v, &b, v->rep_len, oh.len, oh.error, 2, "unique 2");
		try_bad(v, &x, &b);
		make_bad(v, &b, OUT_HDR, OUT_HDR, -EAGAIN, 5, "unique 5");
		try_bad(v, &x, &b);
	}
out:
	free(b.buf);
	free(x.m);
}
END_TEST

START_TEST(test_vec_noreply_unique_breaks)
{
	/* The backend never answers FORGET/BATCH_FORGET: an answer to its
	 * unique is one to an unknown unique. */
	const struct t_fg_vector *v = &t_fg_vectors[_i];
	struct run x = {.m = t_msg_new()};
	struct fuse_out_header oh = {16, 0, 0};

	if (v->how == T_FG_FORGET) {
		run_start(v, &x);
		oh.unique = x.m->ih.unique;
		x.r = t_lookup(&x.f, "pending", &x.d);
		ck_assert_int_eq(deliver(v, &x, &oh, sizeof(oh)), -EIO);
		check_broken(v, &x, -EIO, "answer to FORGET");
		run_end(&x);
	}
	free(x.m);
}
END_TEST

TCase *
test_fg_vectors_tcase(void)
{
	TCase *tc = tcase_create("vectors");
	const int n = (int)t_fg_nvectors;

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_vec_self_consistent, 0, n);
	tcase_add_test(tc, test_vec_every_opcode_has_one);
	tcase_add_loop_test(tc, test_vec_request_bytes, 0, n);
	tcase_add_loop_test(tc, test_vec_reply_fields, 0, n);
	tcase_add_loop_test(tc, test_vec_error_replies, 0, n);
	tcase_add_loop_test(tc, test_vec_truncations_break, 0, n);
	tcase_add_loop_test(tc, test_vec_lengths_break, 0, n);
	tcase_add_loop_test(tc, test_vec_errors_and_uniques_break, 0, n);
	tcase_add_loop_test(tc, test_vec_noreply_unique_breaks, 0, n);
	return tc;
}
