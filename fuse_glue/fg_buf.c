/* SPDX-License-Identifier: MIT */
/*
 * Receive buffers: a small pool of buffers of one size (max_write plus
 * header room, fixed after INIT), refcounted so that a reply can be kept
 * beyond its callback (fg_reply_keep: zero-copy Rread). The pool outlives
 * the session while any buffer is kept.
 *
 * It does not receive (fg_session.c does) and never shrinks a buffer in
 * use; buffers of an older size are freed as they come back.
 */
#include "fg_int.h"

#include <assert.h>
#include <stdlib.h>

struct fg_pool *
fg_pool_new(size_t bufsize)
{
	struct fg_pool *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->refs = 1;
	p->bufsize = bufsize;
	return p;
}

void
fg_pool_unref(struct fg_pool *p)
{
	assert(p->refs > 0);
	if (--p->refs > 0)
		return;
	for (size_t i = 0; i < p->nfree; i++)
		free(p->free[i]);
	free(p);
}

struct fg_buf *
fg_pool_get(struct fg_pool *p)
{
	struct fg_buf *b = NULL;

	while (p->nfree > 0) {
		b = p->free[--p->nfree];
		if (b->size == p->bufsize)
			break;
		free(b); /* from before INIT resized the pool */
		b = NULL;
	}
	if (b == NULL) {
		b = malloc(sizeof(*b) + p->bufsize);
		if (b == NULL)
			return NULL;
		b->pool = p;
		b->size = p->bufsize;
		b->data = (unsigned char *)(b + 1);
	}
	b->refs = 1;
	p->refs++;
	return b;
}

void
fg_buf_release(void *handle)
{
	struct fg_buf *b = handle;
	struct fg_pool *p;

	if (b == NULL)
		return;
	assert(b->refs > 0);
	if (--b->refs > 0)
		return;
	p = b->pool;
	if (!p->dead && b->size == p->bufsize && p->nfree < FG_POOL_KEEP)
		p->free[p->nfree++] = b;
	else
		free(b);
	fg_pool_unref(p);
}

void *
fg_reply_keep(const struct fg_reply *rep)
{
	if (rep->buf == NULL)
		return NULL;
	rep->buf->refs++;
	return rep->buf;
}
