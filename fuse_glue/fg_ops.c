/* SPDX-License-Identifier: MIT */
/*
 * Convenience builders over fg_submit for the request shapes the gateway
 * sends most: LOOKUP, GETATTR, READ/READDIR(PLUS), WRITE and a RELEASE
 * whose reply nobody waits for.
 *
 * They only fill a struct fg_op; every check (sizes, names, limits) is
 * fg_submit's. They know no 9P.
 */
#include "fg_int.h"

#include <errno.h>
#include <string.h>

int
fg_lookup(struct fg_session *s, const struct fg_ctx *ctx, uint64_t parent,
    const char *name, size_t name_len, fg_done_fn *done, void *arg,
    struct fg_req **reqp)
{
	struct fg_op op = {
	    .opcode = FUSE_LOOKUP,
	    .nodeid = parent,
	    .ctx = *ctx,
	    .name = name,
	    .name_len = name_len,
	};

	return fg_submit(s, &op, done, arg, reqp);
}

int
fg_getattr(struct fg_session *s, const struct fg_ctx *ctx, uint64_t nodeid,
    uint64_t fh, bool use_fh, fg_done_fn *done, void *arg, struct fg_req **reqp)
{
	struct fuse_getattr_in in = {
	    .getattr_flags = use_fh ? FUSE_GETATTR_FH : 0,
	    .fh = use_fh ? fh : 0,
	};
	struct fg_op op = {
	    .opcode = FUSE_GETATTR,
	    .nodeid = nodeid,
	    .ctx = *ctx,
	    .in = &in,
	    .in_len = sizeof(in),
	};

	return fg_submit(s, &op, done, arg, reqp);
}

int
fg_read(struct fg_session *s, const struct fg_ctx *ctx, uint32_t opcode,
    uint64_t nodeid, uint64_t fh, uint64_t offset, uint32_t size,
    fg_done_fn *done, void *arg, struct fg_req **reqp)
{
	struct fuse_read_in in = {
	    .fh = fh,
	    .offset = offset,
	    .size = size,
	};
	struct fg_op op = {
	    .opcode = opcode,
	    .nodeid = nodeid,
	    .ctx = *ctx,
	    .in = &in,
	    .in_len = sizeof(in),
	};

	if (opcode != FUSE_READ && opcode != FUSE_READDIR &&
	    opcode != FUSE_READDIRPLUS)
		return -EINVAL;
	return fg_submit(s, &op, done, arg, reqp);
}

int
fg_write(struct fg_session *s, const struct fg_ctx *ctx, uint64_t nodeid,
    uint64_t fh, uint64_t offset, const void *data, uint32_t size,
    fg_done_fn *done, void *arg, struct fg_req **reqp)
{
	struct fuse_write_in in = {
	    .fh = fh,
	    .offset = offset,
	    .size = size,
	};
	struct fg_op op = {
	    .opcode = FUSE_WRITE,
	    .nodeid = nodeid,
	    .ctx = *ctx,
	    .in = &in,
	    .in_len = sizeof(in),
	    .data = data,
	    .data_len = size,
	};

	return fg_submit(s, &op, done, arg, reqp);
}

int
fg_release(struct fg_session *s, uint64_t nodeid, uint64_t fh, bool dir,
    uint32_t flags)
{
	struct fuse_release_in in = {
	    .fh = fh,
	    .flags = flags,
	};
	struct fg_op op = {
	    .opcode = dir ? FUSE_RELEASEDIR : FUSE_RELEASE,
	    .nodeid = nodeid,
	    .in = &in,
	    .in_len = sizeof(in),
	};
	struct fg_req *r;
	int err;

	err = fg_submit(s, &op, NULL, NULL, &r);
	if (err == 0)
		fg_req_detach(r); /* nothing to undo for a release */
	return err;
}
