/* SPDX-License-Identifier: MIT */
/*
 * The gateway core under test: a real server, connection, dispatch and
 * flush engine on one event loop, with the test playing both peers through
 * socketpairs — the 9P client on a stream socket and the FUSE backend on a
 * SEQPACKET socket, answering each FUSE request by hand and in any order.
 * No processes, no sleeps: the loop is run until it has nothing to do.
 */
#include "test_gw.h"

#include <check.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct t_gw t_gw;

void
t_pump(void)
{
	for (int i = 0; i < 50; i++)
		event_base_loop(t_gw.srv.base, EVLOOP_NONBLOCK);
}

/* ------------------------------------------------------------- FUSE side */

bool
t_fuse_recv(struct t_freq *q)
{
	unsigned char buf[sizeof(q->body) + sizeof(struct fuse_in_header)];
	struct fuse_in_header h;

	t_pump();
	ssize_t n = recv(t_gw.fuse, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0)
		return false;
	ck_assert_int_ge(n, (ssize_t)sizeof(h));
	memcpy(&h, buf, sizeof(h));
	ck_assert_uint_eq(h.len, (size_t)n);
	q->opcode = h.opcode;
	q->unique = h.unique;
	q->nodeid = h.nodeid;
	q->uid = h.uid;
	q->gid = h.gid;
	q->len = (size_t)n - sizeof(h);
	memcpy(q->body, buf + sizeof(h), q->len);
	return true;
}

void
t_fuse_expect(struct t_freq *q, uint32_t opcode)
{
	ck_assert_msg(t_fuse_recv(q), "no FUSE request, expected opcode %u",
	    opcode);
	ck_assert_msg(q->opcode == opcode, "FUSE opcode %u, expected %u",
	    q->opcode, opcode);
}

/* Skip FORGET/BATCH_FORGET; count the lookups they give back. */
bool
t_fuse_recv_skip_forgets(struct t_freq *q)
{
	while (t_fuse_recv(q)) {
		if (q->opcode == FUSE_FORGET) {
			struct fuse_forget_in in;
			memcpy(&in, q->body, sizeof(in));
			t_gw.forgotten[q->nodeid & 255] += in.nlookup;
			continue;
		}
		if (q->opcode == FUSE_BATCH_FORGET) {
			struct fuse_batch_forget_in b;
			memcpy(&b, q->body, sizeof(b));
			for (uint32_t i = 0; i < b.count; i++) {
				struct fuse_forget_one one;
				memcpy(&one, q->body + sizeof(b) +
				    i * sizeof(one), sizeof(one));
				t_gw.forgotten[one.nodeid & 255] += one.nlookup;
			}
			continue;
		}
		return true;
	}
	return false;
}

void
t_fuse_reply(uint64_t unique, int error, const void *p, size_t len)
{
	static unsigned char buf[70000];
	struct fuse_out_header h = {
		.len = (uint32_t)(sizeof(h) + len),
		.error = error,
		.unique = unique,
	};

	ck_assert_uint_le(len, sizeof(buf) - sizeof(h));
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), p, len);
	ck_assert_int_eq(send(t_gw.fuse, buf, h.len, 0), (ssize_t)h.len);
	t_pump();
}

void
t_fuse_reply_entry(uint64_t unique, uint64_t nodeid, uint32_t mode)
{
	struct fuse_entry_out e = { .nodeid = nodeid, .attr_valid = 0 };

	e.attr.ino = nodeid;
	e.attr.mode = mode;
	e.attr.nlink = 1;
	t_fuse_reply(unique, 0, &e, sizeof(e));
}

void
t_fuse_reply_attr(uint64_t unique, uint64_t ino, uint32_t mode)
{
	struct fuse_attr_out a = { 0 };

	a.attr.ino = ino;
	a.attr.mode = mode;
	a.attr.nlink = 1;
	t_fuse_reply(unique, 0, &a, sizeof(a));
}

/* ------------------------------------------------------------- 9P side */

void
t_send(uint8_t type, uint16_t tag, struct p9_msg *m)
{
	unsigned char buf[8192];

	m->type = type;
	m->tag = tag;
	ssize_t n = p9_encode(m, P9_V_2000L, 65536, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(write(t_gw.cli, buf, (size_t)n), n);
	t_pump();
}

void
t_send_raw(const void *p, size_t len)
{
	ck_assert_int_eq(write(t_gw.cli, p, len), (ssize_t)len);
	t_pump();
}

bool
t_recv(struct p9_msg *m)
{
	unsigned char hdr[4];

	t_pump();
	ssize_t n = recv(t_gw.cli, hdr, 4, MSG_DONTWAIT | MSG_PEEK);
	if (n < 4)
		return false;
	uint32_t size = p9_frame_size(hdr);
	ck_assert_uint_le(size, sizeof(t_gw.frame));
	n = recv(t_gw.cli, t_gw.frame, size, MSG_WAITALL);
	ck_assert_int_eq(n, (ssize_t)size);
	ck_assert_int_eq(p9_decode(t_gw.frame, size, P9_V_2000L, m, NULL), 0);
	return true;
}

void
t_expect(uint8_t type, uint16_t tag, struct p9_msg *m)
{
	struct p9_msg tmp;

	if (!m)
		m = &tmp;
	ck_assert_msg(t_recv(m), "no 9P reply, expected %s tag %u",
	    p9_type_name(type), tag);
	ck_assert_msg(m->type == type && m->tag == tag,
	    "got %s tag %u (ecode %u), expected %s tag %u",
	    p9_type_name(m->type), m->tag,
	    m->type == P9_RLERROR ? m->rlerror.ecode : 0, p9_type_name(type),
	    tag);
}

void
t_expect_nothing(void)
{
	struct p9_msg m;

	ck_assert_msg(!t_recv(&m), "unexpected %s tag %u",
	    p9_type_name(m.type), m.tag);
}

bool
t_conn_closed(void)
{
	char c;

	t_pump();
	return recv(t_gw.cli, &c, 1, MSG_DONTWAIT) == 0;
}

/* ------------------------------------------------------------- fixture */

static void
init_reply(int fd)
{
	struct fuse_init_out init = {
		.major = FUSE_KERNEL_VERSION,
		.minor = 31,
		.max_readahead = 65536,
		.flags = FUSE_ASYNC_READ | FUSE_BIG_WRITES |
		    FUSE_ATOMIC_O_TRUNC | FUSE_MAX_PAGES,
		.max_write = 65536,
		.max_pages = 16,
	};
	unsigned char buf[sizeof(struct fuse_out_header) + sizeof(init)];
	struct fuse_out_header h = { .len = sizeof(buf), .unique = 2 };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &init, sizeof(init));
	ck_assert_int_eq(send(fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
}

void
t_setup(void)
{
	int fp[2], cp[2];
	char err[256];
	struct t_freq q;
	struct p9_msg m = { 0 };

	memset(&t_gw, 0, sizeof(t_gw));
	t_gw.opts.msize = 65536;
	t_gw.opts.max_connections = 8;
	t_gw.opts.max_fids = 64;
	t_gw.opts.max_requests = 64;
	t_gw.opts.output_bound = 1u << 20;
	t_gw.opts.chunk = 65536;
	t_gw.opts.seccomp = "off";
	t_gw.opts.sandbox = "none";
	gw_log_level_max = GW_LOG_WARN;
	ck_assert_int_eq(gw_server_init(&t_gw.srv, &t_gw.opts), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    fp), 0);
	ck_assert_int_eq(fcntl(fp[0], F_SETFL, O_NONBLOCK), 0);
	t_gw.fuse = fp[1];
	init_reply(t_gw.fuse);
	ck_assert_int_eq(gw_backend_attach(&t_gw.srv, fp[0], 1u << 20), 0);
	ck_assert_msg(fg_session_init(t_gw.srv.fs, 65536, -1, 2000, err,
	    sizeof(err)) == 0, "INIT: %s", err);
	struct t_freq init_req;
	ck_assert(t_fuse_recv(&init_req));	/* the INIT itself */
	gw_backend_ready(&t_gw.srv);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    cp), 0);
	ck_assert_int_eq(fcntl(cp[0], F_SETFL, O_NONBLOCK), 0);
	t_gw.cli = cp[1];
	ck_assert_int_eq(gw_conn_new(&t_gw.srv, cp[0], cp[0], "test", false),
	    0);

	m.tversion.msize = 65536;
	m.tversion.version.s = "9P2000.L";
	m.tversion.version.len = 8;
	t_send(P9_TVERSION, P9_NOTAG, &m);
	t_expect(P9_RVERSION, P9_NOTAG, &m);
	ck_assert_uint_eq(m.rversion.msize, 65536);

	memset(&m, 0, sizeof(m));
	m.tattach.fid = 0;
	m.tattach.afid = P9_NOFID;
	m.tattach.uname.s = "root";
	m.tattach.uname.len = 4;
	m.tattach.n_uname = 1000;
	t_send(P9_TATTACH, 1, &m);
	t_fuse_expect(&q, FUSE_GETATTR);
	ck_assert_uint_eq(q.nodeid, 1);
	ck_assert_uint_eq(q.uid, 1000);
	t_fuse_reply_attr(q.unique, 1, 040755);
	t_expect(P9_RATTACH, 1, &m);
	ck_assert_uint_eq(m.rattach.qid.type, P9_QTDIR);
}

void
t_teardown(void)
{
	/* Everything the gateway holds goes back: fids, nodes, lookups. */
	while (t_gw.srv.conns) {
		t_gw.srv.conns->state = GW_CONN_CLOSING;
		gw_conn_free(t_gw.srv.conns);
	}
	fg_session_free(t_gw.srv.fs);
	close(t_gw.fuse);
	close(t_gw.cli);
}

void
t_walk1(uint16_t tag, uint32_t fid, uint32_t newfid, const char *name,
    uint64_t nodeid, uint32_t mode)
{
	struct p9_msg m = { 0 };
	struct t_freq q;

	m.twalk.fid = fid;
	m.twalk.newfid = newfid;
	m.twalk.nwname = 1;
	m.twalk.wname[0].s = name;
	m.twalk.wname[0].len = (uint16_t)strlen(name);
	t_send(P9_TWALK, tag, &m);
	ck_assert(t_fuse_recv_skip_forgets(&q));
	ck_assert_uint_eq(q.opcode, FUSE_LOOKUP);
	t_fuse_reply_entry(q.unique, nodeid, mode);
	t_expect(P9_RWALK, tag, &m);
	ck_assert_uint_eq(m.rwalk.nwqid, 1);
}
