/* SPDX-License-Identifier: MIT */
/*
 * The scripted fake FUSE backend of test_fg: a SEQPACKET socketpair with
 * the session on one end and the test on the other, hooks that record what
 * the session reported, and small builders for replies. It never blocks:
 * every receive is MSG_DONTWAIT, and fg_session_init finds its reply
 * already waiting.
 */
#include "test_fg.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void
broken_cb(void *arg, const char *reason)
{
	struct t_fake *f = arg;

	f->broken_calls++;
	snprintf(f->broken_why, sizeof(f->broken_why), "%s", reason);
}

static void
timer_cb(void *arg, unsigned ms)
{
	struct t_fake *f = arg;

	f->timer_calls++;
	f->timer_ms = ms;
}

static void
want_write_cb(void *arg, bool want)
{
	struct t_fake *f = arg;

	f->want_write = want;
	if (want)
		f->ww_true++;
	else
		f->ww_false++;
}

static void
trace_cb(void *arg, const char *line)
{
	struct t_fake *f = arg;

	f->ntrace++;
	snprintf(f->last_trace, sizeof(f->last_trace), "%s", line);
}

static const struct fg_hooks hooks = {
    .broken_cb = broken_cb,
    .timer_cb = timer_cb,
    .want_write_cb = want_write_cb,
    .trace_cb = trace_cb,
};

void
t_fake_new(struct t_fake *f)
{
	int sv[2];
	int big = 8 << 20;

	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	for (int i = 0; i < 2; i++) {
		(void)setsockopt(
		    sv[i], SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
		(void)setsockopt(
		    sv[i], SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	}
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	f->sfd = sv[0];
	f->bfd = sv[1];
	/* Claim a large buffer: tests that need a full socket shrink the
	 * real one, which the session then finds out by EAGAIN. */
	f->s = fg_session_new(sv[0], 8u << 20, &hooks, f);
	ck_assert_ptr_nonnull(f->s);
}

void
t_fake_init(
    struct t_fake *f, uint32_t minor, uint32_t flags, uint32_t max_write)
{
	struct fuse_init_out io;
	struct t_msg *m = t_msg_new();
	char err[256] = "";

	memset(&io, 0, sizeof(io));
	io.major = 7;
	io.minor = minor != 0 ? minor : FUSE_KERNEL_MINOR_VERSION;
	io.flags = flags;
	io.max_write = max_write != 0 ? max_write : 1u << 20;
	io.max_readahead = 1u << 20;
	io.max_pages = (uint16_t)(io.max_write / 4096);
	io.time_gran = 1;
	/* INIT is the session's first request: unique 2. */
	t_reply(f, 2, 0, &io, io.minor < 23 ? 24 : sizeof(io));
	ck_assert_int_eq(
	    fg_session_init(f->s, 0, -1, 1000, err, sizeof(err)), 0);
	ck_assert_msg(t_recv(f, m), "INIT was sent");
	ck_assert_uint_eq(m->ih.opcode, FUSE_INIT);
	free(m);
}

void
t_fake_free(struct t_fake *f)
{
	fg_session_free(f->s);
	f->s = NULL;
	close(f->bfd);
}

struct t_msg *
t_msg_new(void)
{
	struct t_msg *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	return m;
}

bool
t_recv(struct t_fake *f, struct t_msg *m)
{
	unsigned char *buf = malloc(sizeof(m->body) + 64);
	ssize_t n;

	ck_assert_ptr_nonnull(buf);
	n = recv(f->bfd, buf, sizeof(m->body) + 64, MSG_DONTWAIT);
	if (n <= 0) {
		/* nothing waiting, or the session closed its end */
		ck_assert(n == 0 || errno == EAGAIN);
		free(buf);
		return false;
	}
	ck_assert_int_ge(n, (ssize_t)sizeof(m->ih));
	m->len = (size_t)n;
	memcpy(&m->ih, buf, sizeof(m->ih));
	ck_assert_uint_eq(m->ih.len, (size_t)n);
	m->body_len = (size_t)n - sizeof(m->ih);
	memcpy(m->body, buf + sizeof(m->ih), m->body_len);
	free(buf);
	return true;
}

int
t_drain(struct t_fake *f)
{
	struct t_msg *m = t_msg_new();
	int n = 0;

	while (t_recv(f, m))
		n++;
	free(m);
	return n;
}

void
t_reply(struct t_fake *f, uint64_t unique, int error, const void *payload,
    size_t len)
{
	unsigned char *buf = malloc(sizeof(struct fuse_out_header) + len);
	struct fuse_out_header oh = {
	    .len = (uint32_t)(sizeof(oh) + len),
	    .error = error,
	    .unique = unique,
	};

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, &oh, sizeof(oh));
	if (len > 0)
		memcpy(buf + sizeof(oh), payload, len);
	t_send_raw(f, buf, sizeof(oh) + len);
	free(buf);
}

void
t_send_raw(struct t_fake *f, const void *msg, size_t len)
{
	ck_assert_int_eq(send(f->bfd, msg, len, MSG_DONTWAIT), (ssize_t)len);
}

void
t_entry(struct fuse_entry_out *e, uint64_t nodeid)
{
	memset(e, 0, sizeof(*e));
	e->nodeid = nodeid;
	e->generation = 1;
	e->attr.ino = nodeid;
	e->attr.mode = 0100644;
	e->attr.nlink = 1;
}

void
t_done(struct fg_req *req, const struct fg_reply *rep, void *arg)
{
	struct t_done *d = arg;

	(void)req;
	d->calls++;
	d->error = rep->error;
	d->opcode = rep->opcode;
	d->rep = *rep;
	d->len = rep->len;
	if (rep->len > 0)
		memcpy(d->data, rep->data,
		    rep->len < sizeof(d->data) ? rep->len : sizeof(d->data));
	if (d->want_keep)
		d->keep = fg_reply_keep(rep);
}

struct fg_req *
t_lookup(struct t_fake *f, const char *name, struct t_done *d)
{
	struct fg_ctx ctx = {1000, 1000, 42};
	struct fg_req *r = NULL;

	ck_assert_int_eq(
	    fg_lookup(f->s, &ctx, 1, name, strlen(name), t_done, d, &r), 0);
	ck_assert_ptr_nonnull(r);
	return r;
}
