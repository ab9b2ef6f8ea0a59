/* SPDX-License-Identifier: MIT */
/*
 * The lookup ledger: how many lookups the backend has handed us per node
 * id, the FORGETs that give them back (batched into one BATCH_FORGET per
 * flush, or a plain FORGET for a single node), and the undo of replies
 * nobody wants any more (detached requests): FORGET what was looked up,
 * RELEASE(DIR) what was opened.
 *
 * Node 1 (the root) is never counted and never forgotten, nor are the "."
 * and ".." entries of READDIRPLUS, exactly as the kernel does. Giving back
 * more than is held is our own bug and asserts. Nothing here reads the
 * socket; sends go through fg_sess_send.
 */
#include "fg_int.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t
lslot(const struct fg_session *s, uint64_t nodeid)
{
	uint64_t h = nodeid * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (s->nlbuckets - 1);
}

static struct fg_lnode **
lfind(const struct fg_session *s, uint64_t nodeid)
{
	struct fg_lnode **pp = &s->lbuckets[lslot(s, nodeid)];

	while (*pp != NULL && (*pp)->nodeid != nodeid)
		pp = &(*pp)->next;
	return pp;
}

static void
lgrow(struct fg_session *s)
{
	size_t n = s->nlbuckets * 2;
	struct fg_lnode **nb = calloc(n, sizeof(*nb));

	if (nb == NULL)
		return; /* longer chains, still correct */
	for (size_t i = 0; i < s->nlbuckets; i++) {
		while (s->lbuckets[i] != NULL) {
			struct fg_lnode *l = s->lbuckets[i];
			size_t j =
			    (size_t)((l->nodeid * 0x9e3779b97f4a7c15ULL) >>
			             32) &
			    (n - 1);

			s->lbuckets[i] = l->next;
			l->next = nb[j];
			nb[j] = l;
		}
	}
	free(s->lbuckets);
	s->lbuckets = nb;
	s->nlbuckets = n;
}

int
fg_ledger_add(struct fg_session *s, uint64_t nodeid)
{
	struct fg_lnode **pp;
	struct fg_lnode *l;

	assert(nodeid != 0 && nodeid != FUSE_ROOT_ID);
	pp = lfind(s, nodeid);
	if (*pp != NULL) {
		(*pp)->n++;
		return 0;
	}
	l = malloc(sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	l->nodeid = nodeid;
	l->n = 1;
	l->next = NULL;
	*pp = l;
	if (++s->nlnodes > s->nlbuckets)
		lgrow(s);
	return 0;
}

uint64_t
fg_nlookup(const struct fg_session *s, uint64_t nodeid)
{
	struct fg_lnode *l = *lfind(s, nodeid);

	return l != NULL ? l->n : 0;
}

size_t
fg_nlookup_nodes(const struct fg_session *s)
{
	return s->nlnodes;
}

void
fg_ledger_forget_raw(struct fg_session *s, uint64_t nodeid, uint64_t n)
{
	struct fuse_forget_one *last;

	if (s->state != FG_S_READY || s->break_pending)
		return; /* nobody to tell */
	if (s->nbatch == FG_FORGET_BATCH)
		fg_session_flush(s);
	if (s->nbatch == FG_FORGET_BATCH) {
		fg_sess_break_later(s, "out of memory queueing FORGETs");
		return;
	}
	last = s->nbatch > 0 ? &s->batch[s->nbatch - 1] : NULL;
	if (last != NULL && last->nodeid == nodeid) {
		last->nlookup += n;
		return;
	}
	s->batch[s->nbatch].nodeid = nodeid;
	s->batch[s->nbatch].nlookup = n;
	s->nbatch++;
	if (s->nbatch == FG_FORGET_BATCH)
		fg_session_flush(s);
}

void
fg_forget(struct fg_session *s, uint64_t nodeid, uint64_t n)
{
	struct fg_lnode **pp;
	struct fg_lnode *l;

	if (nodeid == 0 || nodeid == FUSE_ROOT_ID)
		return;
	pp = lfind(s, nodeid);
	l = *pp;
	/* Our own invariant: only what the ledger counted is given back. */
	assert(l != NULL && n <= l->n);
	if (n == 0)
		n = l->n;
	l->n -= n;
	if (l->n == 0) {
		*pp = l->next;
		free(l);
		s->nlnodes--;
	}
	fg_ledger_forget_raw(s, nodeid, n);
}

void
fg_session_flush(struct fg_session *s)
{
	struct fuse_in_header ih;
	struct fuse_forget_in fi;
	struct fuse_batch_forget_in bi;
	struct iovec iov[3] = {{&ih, sizeof(ih)}};
	size_t total;
	int err;

	if (s->nbatch == 0)
		return;
	if (s->state != FG_S_READY || s->break_pending) {
		s->nbatch = 0;
		return;
	}
	if (s->nbatch == 1) {
		fi.nlookup = s->batch[0].nlookup;
		iov[1] = (struct iovec){&fi, sizeof(fi)};
		total = sizeof(ih) + sizeof(fi);
		fg_sess_fill_in_header(&ih, total, FUSE_FORGET, s->next_unique,
		    s->batch[0].nodeid, NULL);
		err = fg_sess_send(s, iov, 2);
	} else {
		memset(&bi, 0, sizeof(bi));
		bi.count = (uint32_t)s->nbatch;
		iov[1] = (struct iovec){&bi, sizeof(bi)};
		iov[2] =
		    (struct iovec){s->batch, s->nbatch * sizeof(s->batch[0])};
		total = sizeof(ih) + sizeof(bi) + iov[2].iov_len;
		fg_sess_fill_in_header(
		    &ih, total, FUSE_BATCH_FORGET, s->next_unique, 0, NULL);
		err = fg_sess_send(s, iov, 3);
	}
	if (err == -ENOMEM)
		return; /* kept for the next flush */
	if (err < 0) {
		fg_sess_break_later(s, "sending FORGET: %s", strerror(-err));
		return;
	}
	fg_sess_next_unique(s);
	if (s->nbatch == 1)
		fg_sess_trace(s,
		    "-> FORGET unique %llu nodeid %llu nlookup %llu",
		    (unsigned long long)ih.unique,
		    (unsigned long long)ih.nodeid,
		    (unsigned long long)fi.nlookup);
	else
		fg_sess_trace(s,
		    "-> BATCH_FORGET unique %llu nodeid 0 count %zu",
		    (unsigned long long)ih.unique, s->nbatch);
	s->nbatch = 0;
}

int
fg_ledger_add_dirents(
    struct fg_session *s, const void *data, size_t len, bool forget_now)
{
	struct fg_dirent_cur c;
	struct fg_dirent d;
	size_t added = 0;
	int rc;

	/* Validate everything first, so that nothing is counted for a
	 * payload the session rejects. */
	fg_dirent_cur_init(&c, data, len, true);
	while ((rc = fg_dirent_next(&c, &d)) > 0)
		;
	if (rc < 0)
		return rc;
	fg_dirent_cur_init(&c, data, len, true);
	while (fg_dirent_next(&c, &d) > 0) {
		if (!d.counted)
			continue;
		if (fg_ledger_add(s, d.entry.nodeid) < 0) {
			/* Give back this one and those already counted. */
			fg_ledger_forget_raw(s, d.entry.nodeid, 1);
			forget_now = true;
			rc = -ENOMEM;
			break;
		}
		added++;
	}
	if (!forget_now)
		return 0;
	fg_dirent_cur_init(&c, data, len, true);
	while (added > 0 && fg_dirent_next(&c, &d) > 0) {
		if (!d.counted)
			continue;
		fg_forget(s, d.entry.nodeid, 1);
		added--;
	}
	return rc;
}

void
fg_ledger_undo(
    struct fg_session *s, const struct fg_req *req, const struct fg_reply *rep)
{
	const struct fg_opdef *d = fg_wire_op(req->opcode);
	uint64_t nodeid = rep->entry.nodeid;

	if (d != NULL && (d->flags & FG_OPF_ENTRY))
		fg_forget(s, nodeid, 1); /* 0 and 1 are no-ops */
	if (req->opcode == FUSE_CREATE)
		(void)fg_release(
		    s, nodeid, rep->open.fh, false, req->open_flags);
	else if (req->opcode == FUSE_OPEN || req->opcode == FUSE_OPENDIR)
		(void)fg_release(s, req->nodeid, rep->open.fh,
		    req->opcode == FUSE_OPENDIR, req->open_flags);
}

void
fg_ledger_forget_all(struct fg_session *s)
{
	for (size_t i = 0; i < s->nlbuckets; i++) {
		while (s->lbuckets[i] != NULL) {
			struct fg_lnode *l = s->lbuckets[i];

			s->lbuckets[i] = l->next;
			fg_ledger_forget_raw(s, l->nodeid, l->n);
			free(l);
		}
	}
	s->nlnodes = 0;
}

void
fg_ledger_free(struct fg_session *s)
{
	for (size_t i = 0; i < s->nlbuckets; i++) {
		while (s->lbuckets[i] != NULL) {
			struct fg_lnode *l = s->lbuckets[i];

			s->lbuckets[i] = l->next;
			free(l);
		}
	}
	free(s->lbuckets);
	s->lbuckets = NULL;
	s->nlnodes = 0;
}
