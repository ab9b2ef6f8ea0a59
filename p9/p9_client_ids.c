/* SPDX-License-Identifier: MIT */
/*
 * p9_client_ids: the client's tag and fid allocators (a bitmap of the 65535
 * usable tags, handed out round robin; fids lowest-free with their iounits)
 * and counted-string helpers.
 *
 * It sends nothing: releasing a fid on the server is p9c_clunk's job.
 */
#include "p9_client_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ tags */

static bool
tag_busy(const struct p9c *c, uint16_t tag)
{
	return c->tags[tag / 8] & (1u << (tag % 8));
}

int
p9c_tag_reserve(struct p9c *c, uint16_t tag)
{
	if (tag == P9_NOTAG || tag_busy(c, tag))
		return -EBUSY;
	c->tags[tag / 8] |= (uint8_t)(1u << (tag % 8));
	return 0;
}

int
p9c_tag_alloc(struct p9c *c, uint16_t *tag)
{
	/* round robin, so a tag is not reused at once (clearer traces) */
	for (uint32_t i = 0; i < 65535; i++) {
		uint16_t t = c->tag_next;

		c->tag_next = (uint16_t)(t + 1 == P9_NOTAG ? 0 : t + 1);
		if (p9c_tag_reserve(c, t) == 0) {
			*tag = t;
			return 0;
		}
	}
	return -EBUSY;
}

void
p9c_tag_free(struct p9c *c, uint16_t tag)
{
	c->tags[tag / 8] &= (uint8_t) ~(1u << (tag % 8));
}

/* ------------------------------------------------------------------ fids */

uint32_t
p9c_fid_alloc(struct p9c *c)
{
	uint32_t fid;

	for (fid = c->fid_hint; fid < c->nfids; fid++)
		if (!c->fids[fid].used)
			break;
	if (fid == c->nfids) {
		size_t n = c->nfids ? c->nfids * 2 : 64;
		struct p9c_fidinfo *nf;

		if (n > (size_t)P9_NOFID)
			n = P9_NOFID;
		if (n <= c->nfids)
			return P9_NOFID;
		nf = realloc(c->fids, n * sizeof(*nf));
		if (nf == NULL)
			return P9_NOFID;
		memset(nf + c->nfids, 0, (n - c->nfids) * sizeof(*nf));
		c->fids = nf;
		c->nfids = n;
	}
	c->fids[fid].used = true;
	c->fids[fid].iounit = 0;
	c->fid_hint = fid + 1;
	return fid;
}

void
p9c_fid_free(struct p9c *c, uint32_t fid)
{
	if (fid >= c->nfids)
		return;
	c->fids[fid].used = false;
	c->fids[fid].iounit = 0;
	if (fid < c->fid_hint)
		c->fid_hint = fid;
}

void
p9c_fid_set_iounit(struct p9c *c, uint32_t fid, uint32_t iounit)
{
	if (fid < c->nfids)
		c->fids[fid].iounit = iounit;
}

uint32_t
p9c_iosize(const struct p9c *c, uint32_t fid)
{
	uint32_t n = c->msize > P9_IOHDRSZ ? c->msize - P9_IOHDRSZ : 1;

	if (fid < c->nfids && c->fids[fid].iounit != 0 &&
	    c->fids[fid].iounit < n)
		n = c->fids[fid].iounit;
	return n;
}

/* ------------------------------------------------------------- strings */

void
p9c_strlcpy(char *dst, size_t dst_len, const struct p9_str *s)
{
	size_t n = s->len;

	if (dst_len == 0)
		return;
	if (n >= dst_len)
		n = dst_len - 1;
	if (n > 0)
		memcpy(dst, s->s, n);
	dst[n] = '\0';
}

int
p9c_str(const char *s, struct p9_str *out)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n > UINT16_MAX)
		return -ENAMETOOLONG;
	out->len = (uint16_t)n;
	out->s = s != NULL ? s : "";
	return 0;
}
