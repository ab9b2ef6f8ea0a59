/* SPDX-License-Identifier: MIT */
/*
 * p9_client_rpc: one request, one reply. Version negotiation, the generic
 * p9c_rpc (tag, send, wait for that tag, error replies to errnos), Tflush,
 * and the session basics built on them: attach, walk, clunk, remove.
 *
 * It does not pipeline (p9_client_io.c keeps several requests in flight)
 * and does not choose between dialects' messages (p9_client_ops.c does).
 */
#include "p9_client_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
p9c_reply_errno(const struct p9_msg *m)
{
	uint32_t e;

	if (m->type == P9_RLERROR)
		e = m->rlerror.ecode;
	else if (m->type == P9_RERROR) {
		e = m->rerror.errnum;
		if (e == 0)
			e = (uint32_t)p9_errnum_from_str(
			    m->rerror.ename.s, m->rerror.ename.len);
	} else
		return 0;
	if (e == 0 || e > 4095)
		e = EIO;
	return -(int)e;
}

static bool
want_tag_cb(void *arg, uint16_t tag)
{
	return tag == *(const uint16_t *)arg;
}

/* Send tx (tag set) and wait for a frame with its tag. */
static int
send_wait(struct p9c *c, const struct p9_msg *tx, uint8_t **buf, size_t *len)
{
	uint64_t since = p9c_seq(c);
	int64_t deadline = p9c_deadline(c->timeout_ms);
	uint16_t tag = tx->tag;
	int r;

	r = p9c_send(c, tx);
	if (r < 0)
		return r;
	return p9c_wait(c, since, want_tag_cb, &tag, deadline, buf, len);
}

/* Check a reply to a request of type ttype: 0, an errno, or -EPROTO. */
static int
check_reply(struct p9c *c, uint8_t ttype, const struct p9_msg *rx)
{
	int e = p9c_reply_errno(rx);

	if (e != 0)
		return e;
	if (rx->type != (uint8_t)(ttype + 1))
		return p9c_fail(c, -EPROTO);
	return 0;
}

int
p9c_rpc(struct p9c *c, struct p9_msg *tx, struct p9_msg *rx, void **frame)
{
	uint8_t *buf = NULL;
	size_t len;
	uint16_t tag;
	int r;

	*frame = NULL;
	if (c->err != 0)
		return c->err;
	r = p9c_tag_alloc(c, &tag);
	if (r < 0)
		return r;
	tx->tag = tag;
	r = send_wait(c, tx, &buf, &len);
	if (r == -ETIMEDOUT)
		return r; /* the tag stays reserved: see p9c_set_timeout */
	p9c_tag_free(c, tag);
	if (r < 0)
		return r;
	r = p9c_decode(c, buf, len, rx);
	if (r < 0) {
		free(buf);
		return p9c_fail(c, -EBADMSG);
	}
	r = check_reply(c, tx->type, rx);
	if (r < 0) {
		free(buf);
		return r;
	}
	*frame = buf;
	return 0;
}

/* p9c_rpc for replies whose body the caller does not need. */
static int
rpc_simple(struct p9c *c, struct p9_msg *tx)
{
	struct p9_msg rx;
	void *frame;
	int r;

	r = p9c_rpc(c, tx, &rx, &frame);
	free(frame);
	return r;
}

int
p9c_flush(struct p9c *c, uint16_t oldtag, uint16_t *tag)
{
	struct p9_msg m;
	bool mine = false;
	int r;

	if (*tag == P9_NOTAG) {
		r = p9c_tag_alloc(c, tag);
		if (r < 0)
			return r;
		mine = true;
	}
	memset(&m, 0, sizeof(m));
	m.type = P9_TFLUSH;
	m.tag = *tag;
	m.tflush.oldtag = oldtag;
	r = p9c_send(c, &m);
	if (r < 0 && mine) {
		p9c_tag_free(c, *tag);
		*tag = P9_NOTAG;
	}
	return r;
}

/* ---------------------------------------------------------------- version */

int
p9c_version(struct p9c *c, uint32_t msize, const char *version)
{
	struct p9_msg tx, rx;
	unsigned want, got;
	uint8_t *buf;
	size_t len;
	int r;

	if (c->err != 0)
		return c->err;
	if (msize == 0)
		msize = P9C_DEFAULT_MSIZE;
	if (version == NULL)
		version = "9P2000.L";
	want = p9_dialect_from_version(version, strlen(version));
	if (want == 0 || msize < P9C_MIN_MSIZE)
		return -EINVAL;
	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TVERSION;
	tx.tag = P9_NOTAG;
	tx.tversion.msize = msize;
	r = p9c_str(version, &tx.tversion.version);
	if (r < 0)
		return r;
	c->dialect = 0;
	c->want_dialect = want;
	c->rx_limit = msize;
	r = send_wait(c, &tx, &buf, &len);
	if (r < 0)
		return r;
	r = p9c_decode(c, buf, len, &rx);
	if (r < 0 && len >= P9_HDRSZ && buf[4] == P9_RLERROR)
		/* a 9P2000.L-only server refusing another dialect */
		r = p9_decode(buf, len, P9_V_2000L, &rx, NULL);
	if (r < 0) {
		free(buf);
		return p9c_fail(c, -EBADMSG);
	}
	if (p9c_reply_errno(&rx) != 0) {
		/* whatever the server says, it did not take this version */
		free(buf);
		return -EPROTONOSUPPORT;
	}
	r = check_reply(c, P9_TVERSION, &rx);
	if (r < 0) {
		free(buf);
		return r;
	}
	got = p9_dialect_from_version(
	    rx.rversion.version.s, rx.rversion.version.len);
	/* the server may only step down, to plain 9P2000 */
	if (got == 0 || (got != want && got != P9_V_2000)) {
		free(buf);
		return -EPROTONOSUPPORT;
	}
	if (rx.rversion.msize < P9C_MIN_MSIZE || rx.rversion.msize > msize) {
		free(buf);
		return p9c_fail(c, -EPROTO);
	}
	c->msize = rx.rversion.msize;
	c->rx_limit = c->msize;
	c->dialect = got;
	free(buf);
	/* a Tversion ends the session: every fid is gone */
	for (size_t i = 0; i < c->nfids; i++)
		c->fids[i].used = false;
	c->fid_hint = 0;
	c->no_unlinkat = false;
	c->no_renameat = false;
	return 0;
}

/* ------------------------------------------------------------ attach, walk */

int
p9c_attach(struct p9c *c, const char *uname, uint32_t n_uname,
    const char *aname, uint32_t *fid, struct p9_qid *qid)
{
	struct p9_msg tx, rx;
	void *frame;
	uint32_t f;
	int r;

	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TATTACH;
	tx.tattach.afid = P9_NOFID;
	tx.tattach.n_uname = n_uname;
	r = p9c_str(uname, &tx.tattach.uname);
	if (r == 0)
		r = p9c_str(aname, &tx.tattach.aname);
	if (r < 0)
		return r;
	f = p9c_fid_alloc(c);
	if (f == P9_NOFID)
		return -EMFILE;
	tx.tattach.fid = f;
	r = p9c_rpc(c, &tx, &rx, &frame);
	if (r < 0) {
		p9c_fid_free(c, f);
		return r;
	}
	if (qid != NULL)
		*qid = rx.rattach.qid;
	free(frame);
	*fid = f;
	return 0;
}

int
p9c_walk(struct p9c *c, uint32_t fid, unsigned nwname, const char *const *wname,
    uint32_t *newfid, struct p9_qid *qid)
{
	uint32_t nf, from = fid;
	unsigned done = 0;
	int r = 0;

	nf = p9c_fid_alloc(c);
	if (nf == P9_NOFID)
		return -EMFILE;
	do {
		unsigned n = nwname - done;
		struct p9_msg tx, rx;
		void *frame;

		if (n > P9_MAXWELEM)
			n = P9_MAXWELEM;
		memset(&tx, 0, sizeof(tx));
		tx.type = P9_TWALK;
		tx.twalk.fid = from;
		tx.twalk.newfid = nf;
		tx.twalk.nwname = (uint16_t)n;
		for (unsigned i = 0; i < n && r == 0; i++)
			r = p9c_str(wname[done + i], &tx.twalk.wname[i]);
		if (r < 0)
			break;
		r = p9c_rpc(c, &tx, &rx, &frame);
		if (r < 0)
			break;
		if (rx.rwalk.nwqid > n)
			r = p9c_fail(c, -EPROTO);
		else if (rx.rwalk.nwqid < n) {
			/*
			 * The protocol leaves newfid unbound after a partial
			 * walk, but some servers (diod) bind it anyway: clunk
			 * it as the Linux client does; a server that did not
			 * bind it answers with an error we ignore.
			 */
			r = -ENOENT;
			from = nf;
		} else if (n > 0 && qid != NULL)
			*qid = rx.rwalk.wqid[n - 1];
		free(frame);
		if (r < 0)
			break;
		done += n;
		from = nf;
	} while (done < nwname);
	if (r < 0) {
		/* after the first step (or a partial one) nf may exist */
		if (from == nf && p9c_error(c) == 0)
			(void)p9c_clunk(c, nf);
		else
			p9c_fid_free(c, nf);
		return r;
	}
	*newfid = nf;
	return 0;
}

#define WALK_MAX_COMPONENTS 4096

int
p9c_walk_path(struct p9c *c, uint32_t fid, const char *path, uint32_t *newfid,
    struct p9_qid *qid)
{
	const char **names;
	char *copy, *p, *save = NULL;
	unsigned n = 0;
	int r;

	copy = strdup(path != NULL ? path : "");
	if (copy == NULL)
		return -ENOMEM;
	names = calloc(WALK_MAX_COMPONENTS, sizeof(*names));
	if (names == NULL) {
		free(copy);
		return -ENOMEM;
	}
	r = 0;
	for (p = strtok_r(copy, "/", &save); p != NULL;
	     p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, ".") == 0)
			continue;
		if (strlen(p) > UINT16_MAX) {
			r = -ENAMETOOLONG;
			break;
		}
		if (n == WALK_MAX_COMPONENTS) {
			r = -EINVAL;
			break;
		}
		names[n++] = p;
	}
	if (r == 0)
		r = p9c_walk(c, fid, n, names, newfid, qid);
	free(names);
	free(copy);
	return r;
}

int
p9c_clunk(struct p9c *c, uint32_t fid)
{
	struct p9_msg tx;
	int r;

	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TCLUNK;
	tx.tclunk.fid = fid;
	r = rpc_simple(c, &tx);
	p9c_fid_free(c, fid);
	return r;
}

int
p9c_remove(struct p9c *c, uint32_t fid)
{
	struct p9_msg tx;
	int r;

	memset(&tx, 0, sizeof(tx));
	tx.type = P9_TREMOVE;
	tx.tremove.fid = fid;
	r = rpc_simple(c, &tx);
	p9c_fid_free(c, fid);
	return r;
}
