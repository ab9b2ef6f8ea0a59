/* SPDX-License-Identifier: MIT */
/*
 * A randomized flush storm against ninegate on testfs (--seccomp kill):
 * several connections, hundreds of requests on blocking and non-blocking
 * files (Tread, two-step Twalks whose second LOOKUP blocks, Tlcreate with a
 * blocking CREATE, Tgetattr, Tclunk), Tflush at random (of requests, of
 * flushes, repeated, of unknown tags, of their own tag) and clients that
 * disconnect at random. Four phases, each on a fresh gateway:
 *
 *   honour   blocked ops wait until FUSE_INTERRUPT (then EINTR);
 *   ignore   testfs ignores interrupts, blocked ops finish after a delay;
 *   enosys   testfs answers FUSE_INTERRUPT with ENOSYS (a backend without
 *            interrupts);
 *   timeout  --flush-timeout 1, interrupts ignored, READs, LOOKUPs and
 *            CREATEs that finish 1.5 s later, after their Rflush (their
 *            results must then be undone by the gateway).
 *
 * Every reply on a live connection is checked against DESIGN.md §4 as it
 * arrives: its tag is in flight (never a second answer, never an answer
 * after the Rflush that settled it); a Tflush gets Rflush; the Rflushes
 * for one target come in the order the Tflushes were sent; no Rflush for
 * a target precedes the target's reply (a reply after it is a violation).
 * At the end every request still in flight is flushed and every tag must
 * be settled; then every fid is clunked and testfs must hold no lookups
 * and no open handles, ninegate must exit 0 on SIGTERM.
 *
 * The sequence of actions comes from the seed only (timing still varies);
 * the seed is printed first. Usage:
 *   t_gw_storm NINEGATE TESTFS [SEED [SECONDS]]
 * SECONDS (default 4) is split over the four phases. It does not check
 * data contents or attribute values; other tests do.
 */
#include "p9_client.h"
#include "t_gw_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NCONN 6
#define MAXFLIGHT 14		/* requests in flight per connection */
#define MAXTAGS 8000		/* a connection is replaced when used up */
#define MAXFIDS 512
#define FID_BASE 100000u	/* our fids; p9c's own start at 0 */

static const char *ng_bin, *fs_bin;
static uint64_t rng;
static int violations;

static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* ------------------------------------------------------------ the model */

enum fid_kind { FK_NONE, FK_DIR, FK_FAST, FK_SLOW, FK_TIMED, FK_NEW };

struct sfid {
	uint32_t fid;
	enum fid_kind kind;
	unsigned busy;		/* requests in flight using it */
};

enum req_state { RS_FREE, RS_FLIGHT, RS_ANSWERED, RS_SETTLED };

struct sreq {
	enum req_state state;
	uint8_t type;
	int fidx;		/* index into fids, -1 */
	uint32_t newfid;	/* Twalk */
	int target;		/* Tflush: tag it waits on, -1 for none */
	int flushes[8];		/* Tflush tags waiting on this, sent order */
	int nflushes;
	int nflush_answered;
	bool wants_walk_full;	/* nwname of the Twalk */
	uint16_t nwname;
};

struct sconn {
	int id;
	struct p9c *c;
	uint32_t root;
	struct sreq *reqs;	/* by tag, MAXTAGS */
	int next_tag;
	int inflight;
	struct sfid fids[MAXFIDS];
	int nfids;
	uint32_t next_fid;
	unsigned ncreate;
};

struct stats {
	unsigned sent, flushes, replies, dropped, done_despite, disconnects;
	unsigned conns;
};

static struct t_gw gw;
static struct sconn conns[NCONN];
static struct stats st;
static const char *phase;

static void
violation(struct sconn *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
violation(struct sconn *s, const char *fmt, ...)
{
	va_list ap;
	char buf[256];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	violations++;
	if (violations <= 20)
		t_check(false, "%s: conn %d: %s", phase, s->id, buf);
}

static int
add_fid(struct sconn *s, uint32_t fid, enum fid_kind k)
{
	if (s->nfids == MAXFIDS)
		return -1;
	s->fids[s->nfids] = (struct sfid){ fid, k, 0 };
	return s->nfids++;
}

static void
drop_fid(struct sconn *s, int i)
{
	s->fids[i] = s->fids[--s->nfids];
}

/* Open path synchronously (set-up only). */
static void
setup_open(struct sconn *s, const char *path, enum fid_kind k)
{
	uint32_t fid;
	int err = p9c_walk_path(s->c, s->root, path, &fid, NULL);

	if (err == 0)
		err = p9c_open(s->c, fid, O_RDONLY, NULL, NULL);
	if (err < 0)
		t_bail(&gw, "%s: open %s: %s", phase, path, strerror(-err));
	add_fid(s, fid, k);
}

static void
conn_open(struct sconn *s, int id)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->id = id;
	s->reqs = calloc(MAXTAGS, sizeof(*s->reqs));
	if (!s->reqs)
		t_bail(&gw, "out of memory");
	err = t_gw_connect(&gw, &s->c);
	if (err == 0)
		err = p9c_attach(s->c, "root", (uint32_t)getuid(), NULL,
		    &s->root, NULL);
	if (err < 0)
		t_bail(&gw, "%s: connect: %s", phase, strerror(-err));
	s->next_fid = FID_BASE;
	setup_open(s, "f0", FK_FAST);
	setup_open(s, "f1", FK_FAST);
	setup_open(s, "s0", FK_SLOW);
	setup_open(s, "s1", FK_TIMED);
	add_fid(s, s->root, FK_DIR);
	s->fids[s->nfids - 1].busy = 1000000;	/* never clunked, never
						 * used for Tlcreate */
	st.conns++;
}

static void
conn_close(struct sconn *s)
{
	p9c_free(s->c);
	free(s->reqs);
	s->c = NULL;
	s->reqs = NULL;
}

/* ------------------------------------------------------------- sending */

static int
new_tag(struct sconn *s)
{
	if (s->next_tag >= MAXTAGS)
		return -1;
	return s->next_tag++;
}

static bool
send_msg(struct sconn *s, struct p9_msg *m, struct sreq *r)
{
	int err = p9c_send(s->c, m);

	if (err < 0) {
		violation(s, "send %s: %s", p9_type_name(m->type),
		    strerror(-err));
		return false;
	}
	r->state = RS_FLIGHT;
	r->type = m->type;
	s->inflight++;
	st.sent++;
	return true;
}

/* A Tflush of oldtag, modelled as the gateway resolves it. */
static void
send_flush(struct sconn *s, int oldtag)
{
	int t = new_tag(s);
	struct p9_msg m = { .type = P9_TFLUSH };

	if (t < 0)
		return;
	if (oldtag < 0)
		oldtag = t;	/* its own tag */
	m.tag = (uint16_t)t;
	m.tflush.oldtag = (uint16_t)oldtag;
	struct sreq *r = &s->reqs[t];
	r->fidx = -1;
	r->target = -1;
	if (oldtag != t && oldtag < MAXTAGS &&
	    s->reqs[oldtag].state == RS_FLIGHT) {
		struct sreq *o = &s->reqs[oldtag];
		int tg = o->type == P9_TFLUSH ? o->target : oldtag;
		if (tg >= 0 && s->reqs[tg].state == RS_FLIGHT &&
		    s->reqs[tg].nflushes < 8)
			r->target = tg;
		else if (tg >= 0 && s->reqs[tg].state == RS_FLIGHT)
			return;	/* enough flushes on that one */
	}
	if (!send_msg(s, &m, r))
		return;
	if (r->target >= 0) {
		struct sreq *v = &s->reqs[r->target];
		v->flushes[v->nflushes++] = t;
	}
	st.flushes++;
}

static int
random_fid(struct sconn *s, enum fid_kind k)
{
	int n = 0, idx = -1;

	for (int i = 0; i < s->nfids; i++) {
		if (s->fids[i].kind != k)
			continue;
		if (pick((unsigned)++n) == 0)
			idx = i;
	}
	return idx;
}

static void
act(struct sconn *s)
{
	static const char *const walks[][2] = {
		{ "dir", "inner" }, { "wb", "x" }, { "dir", NULL },
		{ "nope", NULL }, { "hello", NULL }, { "wb", "y" },
	};
	unsigned a = pick(100);
	struct p9_msg m = { 0 };
	int t, fi;

	if (pick(300) == 0)
		a = 99;		/* now and then a client vanishes */
	else if (a == 99 || s->inflight >= MAXFLIGHT)
		a = 60;		/* full: only flushes */
	if (a < 30) {
		/* Tread: fast files more often, slow and timed ones too */
		enum fid_kind k = a < 10 ? FK_FAST : a < 22 ? FK_SLOW :
		    a < 26 ? FK_TIMED : FK_NEW;
		fi = random_fid(s, k);
		if (fi < 0 || (t = new_tag(s)) < 0)
			return;
		m.type = P9_TREAD;
		m.tag = (uint16_t)t;
		m.tread.fid = s->fids[fi].fid;
		m.tread.count = 16;
		s->reqs[t].fidx = -1;
		send_msg(s, &m, &s->reqs[t]);
	} else if (a < 44) {
		/* Twalk from the root: clone, one name or two */
		unsigned w = pick(8);
		if ((t = new_tag(s)) < 0)
			return;
		m.type = P9_TWALK;
		m.tag = (uint16_t)t;
		m.twalk.fid = s->root;
		m.twalk.newfid = s->next_fid++;
		if (w < 6) {
			for (int i = 0; i < 2 && walks[w][i]; i++) {
				m.twalk.wname[i].s = walks[w][i];
				m.twalk.wname[i].len =
				    (uint16_t)strlen(walks[w][i]);
				m.twalk.nwname++;
			}
		}
		s->reqs[t].fidx = -1;
		s->reqs[t].newfid = m.twalk.newfid;
		s->reqs[t].nwname = m.twalk.nwname;
		send_msg(s, &m, &s->reqs[t]);
	} else if (a < 52) {
		/* Tlcreate on an idle clone of the root */
		char name[32];
		fi = random_fid(s, FK_DIR);
		if (fi < 0 || s->fids[fi].busy || (t = new_tag(s)) < 0)
			return;
		if (pick(3) == 0)
			snprintf(name, sizeof(name), "cs");	/* blocks */
		else
			snprintf(name, sizeof(name), "c%d_%u", s->id,
			    s->ncreate++);
		m.type = P9_TLCREATE;
		m.tag = (uint16_t)t;
		m.tlcreate.fid = s->fids[fi].fid;
		m.tlcreate.name.s = name;
		m.tlcreate.name.len = (uint16_t)strlen(name);
		m.tlcreate.flags = O_RDWR | O_CREAT;
		m.tlcreate.mode = 0644;
		m.tlcreate.gid = (uint32_t)getgid();
		s->reqs[t].fidx = fi;
		s->fids[fi].busy++;
		if (!send_msg(s, &m, &s->reqs[t]))
			s->fids[fi].busy--;
	} else if (a < 57) {
		/* Tgetattr on anything */
		fi = s->nfids ? (int)pick((unsigned)s->nfids) : -1;
		if (fi < 0 || (t = new_tag(s)) < 0)
			return;
		m.type = P9_TGETATTR;
		m.tag = (uint16_t)t;
		m.tgetattr.fid = s->fids[fi].fid;
		m.tgetattr.request_mask = 0x7ff;
		s->reqs[t].fidx = -1;
		send_msg(s, &m, &s->reqs[t]);
	} else if (a < 60) {
		/* Tclunk of an idle walked or created fid */
		enum fid_kind k = (enum fid_kind[]){ FK_DIR, FK_NEW,
		    FK_NONE }[pick(3)];
		fi = random_fid(s, k);
		if (fi < 0 || s->fids[fi].busy || (t = new_tag(s)) < 0)
			return;
		m.type = P9_TCLUNK;
		m.tag = (uint16_t)t;
		m.tclunk.fid = s->fids[fi].fid;
		s->reqs[t].fidx = -1;
		if (send_msg(s, &m, &s->reqs[t]))
			drop_fid(s, fi);	/* gone whatever happens */
	} else if (a < 99) {
		/* Tflush: mostly of something in flight (flushes too) */
		unsigned f = pick(20);
		if (f == 0) {
			send_flush(s, -1);	/* its own tag */
		} else if (f == 1) {
			send_flush(s, MAXTAGS + (int)pick(1000)); /* unknown */
		} else {
			int n = 0, cand = -1;
			for (int i = 0; i < s->next_tag; i++) {
				if (s->reqs[i].state != RS_FLIGHT)
					continue;
				if (pick((unsigned)++n) == 0)
					cand = i;
			}
			if (cand >= 0)
				send_flush(s, cand);
		}
	} else {
		/* vanish, with whatever is in flight; a new client comes */
		st.disconnects++;
		int id = s->id;
		conn_close(s);
		conn_open(s, id);
	}
}

/* ------------------------------------------------------------ receiving */

static void
settle_flush_target(struct sconn *s, int ftag, struct sreq *f)
{
	struct sreq *v = &s->reqs[f->target];

	/* Rflushes for one target in the order their Tflushes went out. */
	if (v->nflush_answered >= v->nflushes ||
	    v->flushes[v->nflush_answered] != ftag)
		violation(s, "Rflush %d out of order for target %d (expected "
		    "Rflush %d next)", ftag, f->target,
		    v->nflush_answered < v->nflushes ?
		    v->flushes[v->nflush_answered] : -1);
	v->nflush_answered++;
	if (v->state == RS_FLIGHT) {
		/* No reply came first: none may come now. */
		v->state = RS_SETTLED;
		s->inflight--;
		st.dropped++;
		if (v->fidx >= 0)
			s->fids[v->fidx].busy--;
	}
}

static void
on_reply(struct sconn *s, const struct p9_msg *m)
{
	int t = m->tag;
	struct sreq *r = t < MAXTAGS ? &s->reqs[t] : NULL;

	st.replies++;
	if (!r || r->state != RS_FLIGHT) {
		violation(s, "%s for tag %d, which is %s", p9_type_name(m->type),
		    t, !r || r->state == RS_FREE ? "not in flight" :
		    r->state == RS_ANSWERED ? "already answered" :
		    "settled by an Rflush");
		return;
	}
	if (r->type == P9_TFLUSH) {
		if (m->type != P9_RFLUSH)
			violation(s, "Tflush %d answered with %s", t,
			    p9_type_name(m->type));
		r->state = RS_ANSWERED;
		s->inflight--;
		if (r->target >= 0)
			settle_flush_target(s, t, r);
		return;
	}
	if (m->type != r->type + 1 && m->type != P9_RLERROR)
		violation(s, "%s %d answered with %s", p9_type_name(r->type), t,
		    p9_type_name(m->type));
	r->state = RS_ANSWERED;
	s->inflight--;
	if (r->nflushes > 0)
		st.done_despite++;
	if (r->fidx >= 0)
		s->fids[r->fidx].busy--;
	/* What the client learns from the reply. */
	if (m->type == P9_RWALK && m->rwalk.nwqid == r->nwname)
		add_fid(s, r->newfid, r->nwname == 0 ? FK_DIR : FK_NONE);
	if (m->type == P9_RLCREATE && r->fidx >= 0)
		s->fids[r->fidx].kind = FK_NEW;
}

/* Take every reply already there, on every connection. */
static void
pump(int timeout_ms)
{
	struct pollfd p[NCONN];

	for (int i = 0; i < NCONN; i++) {
		p[i].fd = conns[i].c ? p9c_fd(conns[i].c) : -1;
		p[i].events = POLLIN;
		p[i].revents = 0;
	}
	bool pending = false;
	for (int i = 0; i < NCONN; i++)
		pending |= conns[i].c && p9c_pending(conns[i].c) > 0;
	(void)poll(p, NCONN, pending ? 0 : timeout_ms);
	for (int i = 0; i < NCONN; i++) {
		struct sconn *s = &conns[i];
		if (!s->c || (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    p9c_pending(s->c) == 0))
			continue;
		for (;;) {
			struct p9_msg m;
			void *frame = NULL;
			int err = p9c_recv(s->c, &m, &frame, 0);
			if (err == -ETIMEDOUT) {
				free(frame);
				break;
			}
			if (err < 0) {
				violation(s, "receive: %s", strerror(-err));
				free(frame);
				t_bail(&gw, "%s: connection broken", phase);
			}
			on_reply(s, &m);
			free(frame);
		}
	}
}

static int
unsettled(struct sconn *s, bool print)
{
	int n = 0;

	for (int i = 0; i < s->next_tag; i++) {
		if (s->reqs[i].state != RS_FLIGHT)
			continue;
		if (print && n < 10)
			t_note("  conn %d tag %d (%s) unanswered, %d flushes",
			    s->id, i, p9_type_name(s->reqs[i].type),
			    s->reqs[i].nflushes);
		n++;
	}
	return n;
}

/* -------------------------------------------------------------- phases */

struct phase {
	const char *name;
	const char *const *gw_args;
	const char *const *fs_args;
	bool expect_drops;
};

static const char *const fs_honour[] = {
	"--interrupts=honour", "--block=s0:read", "--block=s1:read:20",
	"--block=x:lookup", "--block=y:lookup:30", "--block=cs:create",
	NULL };
static const char *const fs_ignore[] = {
	"--interrupts=ignore", "--block=s0:read:200", "--block=s1:read:20",
	"--block=x:lookup:150", "--block=y:lookup:30", "--block=cs:create:150",
	NULL };
static const char *const fs_enosys[] = {
	"--interrupts=enosys", "--block=s0:read:200", "--block=s1:read:20",
	"--block=x:lookup:150", "--block=y:lookup:30", "--block=cs:create:150",
	NULL };
static const char *const fs_timeout[] = {
	"--interrupts=ignore", "--block=s0:read:1500", "--block=s1:read:20",
	"--block=x:lookup:1500", "--block=y:lookup:30",
	"--block=cs:create:1500", NULL };
static const char *const gw_timeout[] = { "--flush-timeout", "1", NULL };

static void
run_phase(const struct phase *ph, uint64_t seed, int ms)
{
	const char *common[] = { "--max-threads=256", "--file=f0=0123456789",
		"--file=f1=abcdefghij", "--file=s0=slow", "--file=s1=timed",
		"--dir=wb", "--file=wb/x=x", "--file=wb/y=y", NULL };
	const char *fs[32];
	size_t n = 0;
	struct t_report rep;

	for (size_t i = 0; common[i]; i++)
		fs[n++] = common[i];
	for (size_t i = 0; ph->fs_args[i]; i++)
		fs[n++] = ph->fs_args[i];
	fs[n] = NULL;
	phase = ph->name;
	rng = seed ? seed : 1;
	memset(&st, 0, sizeof(st));
	violations = 0;
	t_note("---- phase %s (seed %" PRIu64 ", %d ms)", ph->name, seed, ms);
	if (t_gw_start(&gw, ng_bin, fs_bin, ph->gw_args, fs, 30000) < 0) {
		t_check(false, "%s: ninegate starts", phase);
		return;
	}
	for (int i = 0; i < NCONN; i++)
		conn_open(&conns[i], i);

	int64_t end = t_now_ms() + ms;
	while (t_now_ms() < end) {
		struct sconn *s = &conns[pick(NCONN)];
		if (s->next_tag >= MAXTAGS - 16) {
			conn_close(s);
			conn_open(s, s->id);
		}
		act(s);
		pump(s->inflight >= MAXFLIGHT ? 2 : 0);
	}

	/* Flush whatever is still in flight and wait for every answer. */
	for (int i = 0; i < NCONN; i++)
		for (int t = 0; t < conns[i].next_tag; t++)
			if (conns[i].reqs[t].state == RS_FLIGHT &&
			    conns[i].reqs[t].type != P9_TFLUSH &&
			    conns[i].reqs[t].nflushes == 0)
				send_flush(&conns[i], t);
	int64_t until = t_now_ms() + 30000;
	int left = 0;
	do {
		pump(20);
		left = 0;
		for (int i = 0; i < NCONN; i++)
			left += unsettled(&conns[i], false);
	} while (left && t_now_ms() < until);
	if (left)
		for (int i = 0; i < NCONN; i++)
			(void)unsettled(&conns[i], true);
	t_check(left == 0, "%s: every tag answered or settled by an Rflush "
	    "(%d left)", phase, left);
	t_check(violations == 0, "%s: reply streams follow DESIGN.md §4 "
	    "(%d violations)", phase, violations);
	t_note("%s: %u connections (%u vanished), %u requests sent, %u "
	    "flushes, %u replies, %u victims dropped, %u completed despite a "
	    "flush", phase, st.conns, st.disconnects, st.sent, st.flushes,
	    st.replies, st.dropped, st.done_despite);
	if (ph->expect_drops)
		t_check(st.dropped > 0, "%s: the storm did drop victims", phase);

	/* Clunk every fid we hold (not the roots), then nothing may be
	 * held in testfs. */
	for (int i = 0; i < NCONN; i++) {
		struct sconn *s = &conns[i];
		while (s->nfids > 0) {
			int fi = s->nfids - 1;
			if (s->fids[fi].fid != s->root) {
				int t = new_tag(s);
				struct p9_msg m = { .type = P9_TCLUNK };
				if (t < 0)
					break;
				m.tag = (uint16_t)t;
				m.tclunk.fid = s->fids[fi].fid;
				s->reqs[t].fidx = -1;
				send_msg(s, &m, &s->reqs[t]);
			}
			drop_fid(s, fi);
		}
	}
	until = t_now_ms() + 30000;
	do {
		pump(20);
		left = 0;
		for (int i = 0; i < NCONN; i++)
			left += unsettled(&conns[i], false);
	} while (left && t_now_ms() < until);
	t_check(left == 0 && violations == 0, "%s: every Tclunk answered",
	    phase);
	bool clean = t_gw_wait_clean(&gw, &rep, 20000);
	t_check(clean, "%s: testfs holds no lookups and no handles with the "
	    "clients still attached (interrupts %" PRIu64 ", eintr %" PRIu64
	    ")", phase, rep.interrupts, rep.eintr);
	for (int i = 0; i < NCONN; i++)
		conn_close(&conns[i]);
	clean = t_gw_wait_clean(&gw, &rep, 20000);
	t_check(clean, "%s: and none after the clients left", phase);
	int stop = t_gw_stop(&gw, 30000, &rep);
	t_check(stop == 0, "%s: ninegate exits 0 on SIGTERM", phase);
	t_check(rep.present && rep.nodes_leaked == 0 && rep.open_handles == 0,
	    "%s: final report clean (leaked %" PRIu64 ", handles %" PRId64 ")",
	    phase, rep.nodes_leaked, rep.open_handles);
}

int
main(int argc, char **argv)
{
	static const struct phase phases[] = {
		{ "honour", NULL, fs_honour, true },
		{ "ignore", NULL, fs_ignore, false },
		{ "enosys", NULL, fs_enosys, false },
		{ "timeout", gw_timeout, fs_timeout, true },
	};
	uint64_t seed;
	double secs = 4.0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s NINEGATE TESTFS [SEED [SECONDS]]\n",
		    argv[0]);
		return 2;
	}
	ng_bin = argv[1];
	fs_bin = argv[2];
	if (access(ng_bin, X_OK) != 0 || access(fs_bin, X_OK) != 0) {
		printf("# SKIP: %s or %s is not an executable\n", ng_bin,
		    fs_bin);
		return 77;
	}
	if (argc > 3) {
		seed = strtoull(argv[3], NULL, 0);
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec ^
		    (uint64_t)getpid();
	}
	if (argc > 4)
		secs = atof(argv[4]);
	if (!(secs > 0.1 && secs < 3600))
		secs = 4.0;
	printf("# seed %" PRIu64 " (rerun: %s %s %s %" PRIu64 " %g)\n", seed,
	    argv[0], ng_bin, fs_bin, seed, secs);
	fflush(stdout);
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
		run_phase(&phases[i], seed + i,
		    (int)(secs * 1000 / (double)(sizeof(phases) /
		    sizeof(phases[0]))));
	int rc = t_done();
	if (rc)
		printf("# FAILED with seed %" PRIu64 "\n", seed);
	return rc;
}
