/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the FUSE session's reply path: arbitrary bytes are
 * sent as replies, from the backend's end of an in-process SEQPACKET
 * socketpair, to a session that has a request of every opcode in flight
 * (the golden vectors' ops, tests/vectors/fg_vectors.c), some of them
 * detached or interrupted, and fg_session_on_readable is driven after each
 * message. The dirent cursor also walks the whole input as a READDIR and
 * as a READDIRPLUS payload.
 *
 * Checked (a failure aborts, which the fuzzer reports): every done
 * callback runs at most once, only for requests not detached, with a sane
 * reply, and every such request has completed exactly once when the
 * session is freed; every message the session sends is well-formed; the
 * cursor stays inside its buffer. Leaks are LSan's to find.
 *
 * Input: byte 0 sets the session up (bits 0-2: INIT minor, 3-4: max_write,
 * 5: no MAX_PAGES, 7: INIT's reply is the first message instead of a good
 * one). Then messages, each behind a little-endian u16: bits 0-12 length
 * (a longer one than what is left takes the rest), bit 15 writes the
 * length into the reply's len field, bit 14 reads the unique field as
 * opcode[4] which[1] intr[1] and puts there the unique of the which-th
 * request of that opcode (INTERRUPT: of the which-th interrupted one), bit
 * 13 makes it an action instead (bits 0-2 what, 3-12 an argument; no
 * bytes follow): interrupt, detach, timer, flush, submit, stop reading
 * with a small socket buffer, read again and report writable.
 *
 * Built with clang -fsanitize=fuzzer, and with the project compiler for
 * the corpus replay test (fuzz_replay.c). fuzz_fg_seed() writes seeds in
 * this format (tests/fuzz/fg_seed.c). It checks the session's
 * robustness, not the meaning of replies (test_fg_vectors.c does).
 */
#include "fg.h"
#include "fg_vectors.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t fuzz_fg_seed(const struct t_fg_vector *v, uint8_t *out, size_t cap);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
			    __LINE__, #cond);                                  \
			abort();                                               \
		}                                                              \
	} while (0)

#define SETUP_INIT_FROM_INPUT 0x80u
#define MSG_LEN_MASK 0x1fffu
#define MSG_ACTION 0x2000u
#define MSG_RESOLVE 0x4000u
#define MSG_PATCH_LEN 0x8000u
#define MAX_SLOTS 160
#define MAX_KEPT 64
#define OUT_HDR sizeof(struct fuse_out_header)
#define IN_HDR sizeof(struct fuse_in_header)

struct harness;

/* One request the harness submitted. */
struct slot {
	struct harness *h;
	struct fg_req *r; /* while in flight and not detached */
	uint32_t opcode;
	uint64_t unique;
	unsigned calls;
	bool detached;
	bool interrupted;
};

struct harness {
	int bfd;
	struct fg_session *s;
	struct slot slots[MAX_SLOTS];
	size_t nslots;
	void *kept[MAX_KEPT];
	size_t nkept;
	unsigned broken_calls;
	bool want_write;
	bool no_drain; /* let the session's output queue up */
};

/* ------------------------------------------------------------- hooks */

static void
broken_cb(void *arg, const char *reason)
{
	struct harness *h = arg;

	CHECK(reason != NULL && reason[0] != '\0');
	h->broken_calls++;
	CHECK(h->broken_calls == 1);
}

static void
timer_cb(void *arg, unsigned ms)
{
	(void)arg;
	CHECK(ms <= 1000);
}

static void
want_write_cb(void *arg, bool want)
{
	struct harness *h = arg;

	h->want_write = want;
}

static void
trace_cb(void *arg, const char *line)
{
	(void)arg;
	CHECK(line[0] != '\0' && strlen(line) < 512);
}

static const struct fg_hooks hooks = {
    .broken_cb = broken_cb,
    .timer_cb = timer_cb,
    .want_write_cb = want_write_cb,
    .trace_cb = trace_cb,
};

/* Read and check what the session sent, so its socket never fills. */
static void
drain(struct harness *h)
{
	static uint8_t buf[1 << 21];
	struct fuse_in_header ih;
	ssize_t n;

	if (h->no_drain)
		return;
	while ((n = recv(h->bfd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		CHECK((size_t)n >= IN_HDR);
		memcpy(&ih, buf, IN_HDR);
		CHECK(ih.len == (size_t)n);
		CHECK(strcmp(fg_opcode_name(ih.opcode), "?") != 0);
	}
}

/* ------------------------------------------------------ completions */

static void
walk_dirents(const void *data, size_t len, bool plus, struct fg_session *s)
{
	const uint8_t *lo = data, *hi = lo + len;
	struct fg_dirent_cur c;
	struct fg_dirent d;
	int rc;

	fg_dirent_cur_init(&c, data, len, plus);
	while ((rc = fg_dirent_next(&c, &d)) == 1) {
		CHECK(d.name_len >= 1 && d.name_len <= 1024);
		CHECK((const uint8_t *)d.name >= lo &&
		      d.name_len <= (size_t)(hi - (const uint8_t *)d.name));
		CHECK(memchr(d.name, '/', d.name_len) == NULL);
		CHECK(memchr(d.name, '\0', d.name_len) == NULL);
		CHECK(d.has_entry == plus);
		CHECK(!d.counted || (d.entry.nodeid > FUSE_ROOT_ID));
		if (s != NULL && d.counted) {
			CHECK(fg_nlookup(s, d.entry.nodeid) > 0);
			fg_forget(s, d.entry.nodeid, 1);
		}
	}
	CHECK(rc == 0 || rc == -EBADMSG);
}

static bool
is_entry_op(uint32_t opcode)
{
	return opcode == FUSE_LOOKUP || opcode == FUSE_MKNOD ||
	       opcode == FUSE_MKDIR || opcode == FUSE_SYMLINK ||
	       opcode == FUSE_LINK || opcode == FUSE_CREATE;
}

static void
done_cb(struct fg_req *req, const struct fg_reply *rep, void *arg)
{
	struct slot *sl = arg;
	struct harness *h = sl->h;

	CHECK(!sl->detached);
	CHECK(sl->calls == 0);
	CHECK(req == sl->r);
	sl->calls++;
	sl->r = NULL;
	CHECK(rep->opcode == sl->opcode);
	CHECK(rep->error <= 0 && rep->error >= -4095);
	if (rep->error != 0)
		return; /* (a negative entry keeps its payload) */
	CHECK(rep->len == 0 || rep->data != NULL);
	if (is_entry_op(sl->opcode) && rep->entry.nodeid != FUSE_ROOT_ID) {
		/* counted on our behalf: give it back */
		CHECK(rep->entry.nodeid != 0);
		CHECK(fg_nlookup(h->s, rep->entry.nodeid) > 0);
		fg_forget(h->s, rep->entry.nodeid, 1);
	}
	if (sl->opcode == FUSE_READDIR || sl->opcode == FUSE_READDIRPLUS)
		walk_dirents(
		    rep->data, rep->len, sl->opcode == FUSE_READDIRPLUS, h->s);
	if (sl->opcode == FUSE_READ && h->nkept < MAX_KEPT) {
		void *k = fg_reply_keep(rep);

		CHECK(k != NULL);
		h->kept[h->nkept++] = k;
	}
}

/* ----------------------------------------------------------- setup */

static void
add_slot(struct harness *h, const struct fg_op *op, bool detach)
{
	struct slot *sl;
	int err;

	if (h->nslots == MAX_SLOTS)
		return;
	sl = &h->slots[h->nslots];
	memset(sl, 0, sizeof(*sl));
	sl->h = h;
	sl->opcode = op->opcode;
	err = fg_submit(h->s, op, done_cb, sl, &sl->r);
	if (err != 0) {
		/* too large for what INIT granted, or the session broke */
		CHECK(err == -EMSGSIZE || err == -EIO);
		return;
	}
	sl->unique = fg_req_unique(sl->r);
	h->nslots++;
	if (detach) {
		fg_req_detach(sl->r);
		sl->detached = true;
		sl->r = NULL;
	}
}

static void
interrupt_slot(struct harness *h, struct slot *sl)
{
	int err;

	if (sl->r == NULL)
		return; /* done or detached: the handle is gone */
	err = fg_interrupt(sl->r);
	CHECK(err == 0 || err == -ENOSYS || err == -ENOMEM);
	if (err == 0)
		sl->interrupted = true;
}

/* A copy of op with a READ-like size (the vectors ask for little). */
static void
add_big_read(struct harness *h, const struct fg_op *op, uint32_t size)
{
	struct fuse_read_in in;
	struct fg_op big = *op;

	memcpy(&in, op->in, sizeof(in));
	in.size = size;
	big.in = &in;
	add_slot(h, &big, false);
}

static void
submit_all(struct harness *h)
{
	static const uint32_t detach_too[] = {FUSE_LOOKUP, FUSE_CREATE,
	    FUSE_OPEN, FUSE_OPENDIR, FUSE_READDIRPLUS, FUSE_MKDIR};
	size_t first_setlkw = SIZE_MAX, first_lookup = SIZE_MAX;

	for (size_t i = 0; i < t_fg_nvectors; i++) {
		const struct t_fg_vector *v = &t_fg_vectors[i];

		if (v->how != T_FG_SUBMIT)
			continue;
		if (v->opcode == FUSE_SETLKW && first_setlkw == SIZE_MAX)
			first_setlkw = h->nslots;
		if (v->opcode == FUSE_LOOKUP && first_lookup == SIZE_MAX)
			first_lookup = h->nslots;
		add_slot(h, &v->op, false);
	}
	for (size_t i = 0; i < t_fg_nvectors; i++) {
		const struct t_fg_vector *v = &t_fg_vectors[i];

		for (size_t k = 0;
		     k < sizeof(detach_too) / sizeof(detach_too[0]); k++)
			if (v->how == T_FG_SUBMIT && v->opcode == detach_too[k])
				add_slot(h, &v->op, true);
		if (v->how == T_FG_SUBMIT &&
		    (v->opcode == FUSE_READ || v->opcode == FUSE_READDIR ||
		        v->opcode == FUSE_READDIRPLUS))
			add_big_read(h, &v->op, 4096);
	}
	if (first_setlkw < h->nslots)
		interrupt_slot(h, &h->slots[first_setlkw]);
	if (first_lookup < h->nslots)
		interrupt_slot(h, &h->slots[first_lookup]);
	drain(h);
}

/* A good INIT reply for setup byte b. */
static size_t
good_init(uint8_t b, uint8_t *out)
{
	static const uint32_t minors[8] = {38, 19, 22, 23, 28, 31, 36, 37};
	static const uint32_t writes[4] = {1u << 20, 4096, 65536, 131072};
	struct fuse_out_header oh = {0, 0, 2};
	struct fuse_init_out io;
	size_t len;

	memset(&io, 0, sizeof(io));
	io.major = 7;
	io.minor = minors[b & 7];
	io.max_readahead = 1u << 20;
	io.flags = 0xffffffffu & ~(b & 0x20 ? FUSE_MAX_PAGES : 0);
	io.max_write = writes[(b >> 3) & 3];
	io.max_pages = 256;
	io.time_gran = 1;
	len = io.minor < 23 ? 24 : sizeof(io);
	oh.len = (uint32_t)(OUT_HDR + len);
	memcpy(out, &oh, OUT_HDR);
	memcpy(out + OUT_HDR, &io, len);
	return OUT_HDR + len;
}

/* ----------------------------------------------------------- messages */

static void
resolve_unique(struct harness *h, uint8_t *msg, size_t len)
{
	uint32_t opcode;
	uint8_t which, intr;
	size_t n = 0, pick;
	uint64_t u;

	if (len < OUT_HDR)
		return;
	memcpy(&opcode, msg + 8, 4);
	which = msg[12];
	intr = msg[13] & 1;
	for (size_t i = 0; i < h->nslots; i++)
		if (opcode == FUSE_INTERRUPT ? h->slots[i].interrupted
		                             : h->slots[i].opcode == opcode)
			n++;
	if (n == 0)
		return;
	pick = which % n;
	for (size_t i = 0; i < h->nslots; i++) {
		const struct slot *sl = &h->slots[i];

		if (opcode == FUSE_INTERRUPT ? !sl->interrupted
		                             : sl->opcode != opcode)
			continue;
		if (pick-- > 0)
			continue;
		u = sl->unique | (opcode == FUSE_INTERRUPT ? 1 : intr);
		memcpy(msg + 8, &u, 8);
		return;
	}
}

static void
action(struct harness *h, unsigned what, unsigned arg)
{
	struct fg_ctx ctx = {0, 0, 0};
	struct slot *sl = h->nslots > 0 ? &h->slots[arg % h->nslots] : NULL;

	switch (what) {
	case 0:
		if (sl != NULL)
			interrupt_slot(h, sl);
		break;
	case 1:
		if (sl != NULL && sl->r != NULL) {
			fg_req_detach(sl->r);
			sl->detached = true;
			sl->r = NULL;
		}
		break;
	case 2:
		fg_session_on_timer(h->s);
		break;
	case 3:
		fg_session_flush(h->s);
		break;
	case 4:
		if (h->nslots < MAX_SLOTS) {
			struct fg_op op = {.opcode = FUSE_LOOKUP,
			    .nodeid = arg,
			    .ctx = ctx,
			    .name = "n",
			    .name_len = 1};

			add_slot(h, &op, false);
		}
		break;
	case 5:
		/* stop reading what the session sends, with a small socket
		 * buffer: its sends queue up (until action 6) */
		if (!h->no_drain) {
			int small = 1;

			h->no_drain = true;
			(void)setsockopt(fg_session_fd(h->s), SOL_SOCKET,
			    SO_SNDBUF, &small, sizeof(small));
		}
		break;
	default:
		h->no_drain = false;
		drain(h);
		if (h->want_write)
			(void)fg_session_on_writable(h->s);
		break;
	}
	drain(h);
}

static void
send_msg(struct harness *h, const uint8_t *msg, size_t len)
{
	ssize_t n = send(h->bfd, msg, len, MSG_DONTWAIT);

	if (n < 0) {
		/* full, or longer than a datagram may be: let the session
		 * read what waits, then try once more */
		CHECK(errno == EAGAIN || errno == EMSGSIZE || errno == ENOBUFS);
		(void)fg_session_on_readable(h->s);
		(void)send(h->bfd, msg, len, MSG_DONTWAIT);
	}
}

static void
run_session(const uint8_t *data, size_t size)
{
	static uint8_t msg[MSG_LEN_MASK + 1];
	struct harness h;
	uint8_t init[OUT_HDR + sizeof(struct fuse_init_out)];
	char err[256];
	size_t off = 1;
	int sv[2], rc;

	memset(&h, 0, sizeof(h));
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
	CHECK(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0);
	h.bfd = sv[1];
	h.s = fg_session_new(sv[0], 0, &hooks, &h);
	CHECK(h.s != NULL);

	if ((data[0] & SETUP_INIT_FROM_INPUT) && size >= 3) {
		/* INIT's answer from the input: a message that cannot answer
		 * unique 2 gets a good answer behind it, so that
		 * fg_session_init never waits. */
		size_t len = (size_t)(data[1] | data[2] << 8) & MSG_LEN_MASK;
		uint64_t u = 0;

		off = 3;
		if (len > size - off)
			len = size - off;
		memcpy(msg, data + off, len);
		off += len;
		if (len >= OUT_HDR && ((data[2] << 8) & MSG_PATCH_LEN)) {
			uint32_t l = (uint32_t)len;

			memcpy(msg, &l, 4);
		}
		send_msg(&h, msg, len);
		if (len >= OUT_HDR)
			memcpy(&u, msg + 8, 8);
		if (u != 2)
			send_msg(&h, init, good_init(0, init));
	} else {
		send_msg(&h, init, good_init(data[0], init));
	}
	rc = fg_session_init(h.s, 0, -1, 1000, err, sizeof(err));
	CHECK(rc == 0 || err[0] != '\0');
	drain(&h);
	if (rc == 0)
		submit_all(&h);

	while (rc == 0 && off + 2 <= size && !fg_session_is_broken(h.s)) {
		unsigned pre = (unsigned)(data[off] | data[off + 1] << 8);
		size_t len = pre & MSG_LEN_MASK;

		off += 2;
		if (pre & MSG_ACTION) {
			action(&h, pre & 7, (pre & MSG_LEN_MASK) >> 3);
			continue;
		}
		if (len > size - off)
			len = size - off;
		memcpy(msg, data + off, len);
		off += len;
		if ((pre & MSG_PATCH_LEN) && len >= 4) {
			uint32_t l = (uint32_t)len;

			memcpy(msg, &l, 4);
		}
		if (pre & MSG_RESOLVE)
			resolve_unique(&h, msg, len);
		send_msg(&h, msg, len);
		(void)fg_session_on_readable(h.s);
		drain(&h);
	}
	if (rc == 0 && !fg_session_is_broken(h.s))
		fg_session_flush(h.s);
	/* room for what fg_session_free sends, so that it never waits */
	if (h.no_drain) {
		int big = 1 << 20;

		(void)setsockopt(fg_session_fd(h.s), SOL_SOCKET, SO_SNDBUF,
		    &big, sizeof(big));
		h.no_drain = false;
	}
	drain(&h);
	for (int i = 0; i < 1000 && h.want_write; i++) {
		if (fg_session_on_writable(h.s) < 0)
			break;
		drain(&h);
	}
	fg_session_free(h.s);
	/* Every request not detached completed exactly once. */
	for (size_t i = 0; i < h.nslots; i++)
		CHECK(h.slots[i].detached || h.slots[i].calls == 1);
	CHECK(h.broken_calls <= 1);
	drain(&h);
	/* kept reply buffers outlive the session */
	for (size_t i = 0; i < h.nkept; i++)
		fg_buf_release(h.kept[i]);
	close(h.bfd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	if (size == 0)
		return 0;
	/* an exact-size heap copy, so a read past the end is caught */
	copy = malloc(size);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	walk_dirents(copy, size, false, NULL);
	walk_dirents(copy, size, true, NULL);
	free(copy);
	run_session(data, size);
	return 0;
}

/* ------------------------------------------------------------- seeds */

/*
 * Write a seed for vector v into out: a good INIT, then v's reply with
 * its unique resolved by opcode (INIT: the reply as INIT's answer).
 * Returns the seed's length, or 0 if v has no reply or cap is too small.
 */
size_t
fuzz_fg_seed(const struct t_fg_vector *v, uint8_t *out, size_t cap)
{
	uint16_t pre;
	uint32_t op = v->opcode;
	uint8_t which = 0;

	if (v->rep == NULL || cap < 3 + v->rep_len || v->rep_len > 0x1fff)
		return 0;
	/* the n-th vector of an opcode is the n-th request of it */
	for (size_t i = 0; &t_fg_vectors[i] != v; i++)
		if (t_fg_vectors[i].opcode == op &&
		    t_fg_vectors[i].how == T_FG_SUBMIT)
			which++;
	if (v->how == T_FG_INIT) {
		out[0] = SETUP_INIT_FROM_INPUT;
		pre = (uint16_t)(v->rep_len | MSG_PATCH_LEN);
		memcpy(out + 1, &pre, 2);
		memcpy(out + 3, v->rep, v->rep_len);
		return 3 + v->rep_len;
	}
	out[0] = 0;
	pre = (uint16_t)(v->rep_len | MSG_PATCH_LEN | MSG_RESOLVE);
	memcpy(out + 1, &pre, 2);
	memcpy(out + 3, v->rep, v->rep_len);
	if (v->rep_len >= OUT_HDR) {
		memset(out + 3 + 8, 0, 8);
		memcpy(out + 3 + 8, &op, 4);
		out[3 + 12] = which;
	}
	return 3 + v->rep_len;
}
