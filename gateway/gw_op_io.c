/* SPDX-License-Identifier: MIT */
/*
 * Data transfer: Tread, Twrite and Treaddir. A large Tread or Twrite is
 * split into FUSE READs/WRITEs of the session's chunk size, all in flight at
 * once; Rread carries the FUSE reply buffers by reference (no copy). Treaddir
 * re-encodes READDIR entries as 9P dirents, offsets passed through.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gw_int.h"

struct io_op {
	unsigned n;		/* chunks */
	unsigned pending;
	struct {
		struct fg_req *fr;
		uint32_t size;	/* asked */
		int err;
		size_t len;	/* got (read) or written */
		void *buf;	/* fg buffer kept (read) */
		const void *data;
	} ch[GW_REQ_MAXFUSE];
};

static void
io_abandon(struct gw_req *r)
{
	struct io_op *io = r->op;

	for (unsigned i = 0; i < io->n; i++) {
		if (io->ch[i].buf)
			fg_buf_release(io->ch[i].buf);
		io->ch[i].buf = NULL;
	}
}

static unsigned
io_chunk_index(struct io_op *io, struct fg_req *fr)
{
	for (unsigned i = 0; i < io->n; i++)
		if (io->ch[i].fr == fr)
			return i;
	return io->n;	/* not reached: every chunk was submitted here */
}

/* Chunks that ended in EINTR after a Tflush mean the op was interrupted:
 * no reply. */
static bool
io_interrupted(struct gw_req *r, struct io_op *io)
{
	if (r->state != GW_REQ_CANCELLED)
		return false;
	for (unsigned i = 0; i < io->n; i++)
		if (io->ch[i].err == -EINTR)
			return true;
	return false;
}

static void
read_finish(struct gw_req *r, struct io_op *io)
{
	void *bufs[GW_REQ_MAXFUSE];
	const void *datas[GW_REQ_MAXFUSE];
	size_t lens[GW_REQ_MAXFUSE];
	unsigned n = 0;
	uint32_t total = 0;

	if (io_interrupted(r, io)) {
		gw_req_drop(r);
		return;
	}
	if (io->ch[0].err) {
		gw_req_fail(r, io->ch[0].err);
		return;
	}
	/* Data up to the first short or failed chunk: end of file there. */
	for (unsigned i = 0; i < io->n && !io->ch[i].err; i++) {
		bufs[n] = io->ch[i].buf;
		datas[n] = io->ch[i].data;
		lens[n] = io->ch[i].len;
		io->ch[i].buf = NULL;
		total += (uint32_t)lens[n++];
		if (io->ch[i].len < io->ch[i].size)
			break;
	}
	struct p9_msg m = { .type = P9_RREAD };
	m.rread.count = total;
	/* The codec checks the pointer; the bytes go out by reference. */
	m.rread.data = n ? datas[0] : "";
	gw_req_reply_data(r, &m, bufs, datas, lens, n);
}

static void
read_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct io_op *io = r->op;
	unsigned i = io_chunk_index(io, fr);

	(void)gw_req_fuse_done(r, fr);
	io->ch[i].fr = NULL;
	io->ch[i].err = rep->error;
	if (rep->error == 0) {
		size_t len = rep->len < io->ch[i].size ? rep->len :
		    io->ch[i].size;
		io->ch[i].len = len;
		io->ch[i].data = rep->data;
		if (len) {
			io->ch[i].buf = fg_reply_keep(rep);
			if (!io->ch[i].buf)
				io->ch[i].err = -ENOMEM;
		}
	}
	if (--io->pending == 0)
		read_finish(r, io);
}

static void
write_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct io_op *io = r->op;
	unsigned i = io_chunk_index(io, fr);

	(void)gw_req_fuse_done(r, fr);
	io->ch[i].fr = NULL;
	io->ch[i].err = rep->error;
	if (rep->error == 0)
		io->ch[i].len = rep->write.size < io->ch[i].size ?
		    rep->write.size : io->ch[i].size;
	if (--io->pending)
		return;
	if (io_interrupted(r, io)) {
		gw_req_drop(r);
		return;
	}
	if (io->ch[0].err) {
		gw_req_fail(r, io->ch[0].err);
		return;
	}
	uint32_t total = 0;
	for (unsigned k = 0; k < io->n && !io->ch[k].err; k++) {
		total += (uint32_t)io->ch[k].len;
		if (io->ch[k].len < io->ch[k].size)
			break;
	}
	struct p9_msg m = { .type = P9_RWRITE };
	m.rwrite.count = total;
	gw_req_reply(r, &m);
}

/* Split [offset, offset+count) into chunks and submit them all. */
static void
io_start(struct gw_req *r, bool write, uint64_t offset, uint32_t count,
    const unsigned char *data)
{
	struct gw_fid *f = r->fid;
	struct gw_server *srv = r->conn->srv;
	uint32_t chunk = srv->chunk;
	struct io_op *io = calloc(1, sizeof(*io));

	if (!io) {
		gw_req_fail(r, -ENOMEM);
		return;
	}
	r->op = io;
	r->abandon_fn = io_abandon;
	if ((uint64_t)count > (uint64_t)chunk * GW_REQ_MAXFUSE)
		count = chunk * GW_REQ_MAXFUSE;
	/* A read past what the file last measured plus one chunk (for
	 * growth) asks the backend for nothing: a short Rread is allowed
	 * and the client asks again. Small files cost one READ. */
	if (!write && f->node->attr.size <= offset + count) {
		uint64_t want = f->node->attr.size > offset ?
		    f->node->attr.size - offset : 0;
		if (want + chunk < count)
			count = (uint32_t)(want + chunk);
	}
	/* O_APPEND data lands where the file ends when the backend runs each
	 * WRITE, so chunks in flight at once could land out of order: one
	 * chunk per Twrite (a short Rwrite; the client sends the rest). */
	if (write && (f->open_flags & O_APPEND) && count > chunk)
		count = chunk;
	io->n = count ? (count + chunk - 1) / chunk : 1;
	for (unsigned i = 0; i < io->n; i++) {
		uint32_t off = i * chunk;
		uint32_t size = count - off < chunk ? count - off : chunk;
		struct fuse_read_in rin = {
			.fh = f->fh,
			.offset = offset + off,
			.size = size,
			.flags = f->open_flags,
		};
		struct fuse_write_in win = {
			.fh = f->fh,
			.offset = offset + off,
			.size = size,
			.flags = f->open_flags,
		};
		struct fg_op op = {
			.opcode = write ? FUSE_WRITE : FUSE_READ,
			.nodeid = f->node->nodeid,
			.ctx = r->ctx,
			.in = write ? (const void *)&win : (const void *)&rin,
			.in_len = write ? sizeof(win) : sizeof(rin),
			.data = write ? data + off : NULL,
			.data_len = write ? size : 0,
		};
		io->ch[i].size = size;
		int err = gw_req_submit(r, &op, write ? write_done : read_done);
		if (err < 0) {
			if (i == 0) {
				gw_req_fail(r, err);
				return;
			}
			io->n = i;	/* the chunks sent decide the reply */
			break;
		}
		io->ch[i].fr = r->fuse[r->nfuse - 1];
		io->pending++;
	}
}

void
gw_op_read(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	struct p9_tread *t = &r->msg.tread;

	if (f->kind == GW_FID_XATTR_READ) {
		gw_xattr_read(r);
		return;
	}
	if (f->kind != GW_FID_NODE || !f->open ||
	    (f->open_flags & O_ACCMODE) == O_WRONLY) {
		gw_req_fail(r, -EBADF);
		return;
	}
	if (f->is_dir) {
		if (r->conn->dialect == P9_V_2000L)
			gw_req_fail(r, -EISDIR);
		else
			gw_legacy_dirread(r);
		return;
	}
	io_start(r, false, t->offset, gw_max_count(r->conn, t->count,
	    P9_IOHDRSZ), NULL);
}

void
gw_op_write(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	struct p9_twrite *t = &r->msg.twrite;

	if (f->kind == GW_FID_XATTR_WRITE) {
		gw_xattr_write(r);
		return;
	}
	if (f->kind != GW_FID_NODE || !f->open || f->is_dir ||
	    (f->open_flags & O_ACCMODE) == O_RDONLY) {
		gw_req_fail(r, -EBADF);
		return;
	}
	if (r->conn->srv->opts->read_only) {
		gw_req_fail(r, -EROFS);
		return;
	}
	gw_attr_gen++;
	io_start(r, true, t->offset, t->count, t->data);
}

/* ------------------------------------------------------------ readdir */

/*
 * Treaddir: READDIR chunks, one after another, re-encoded as 9P dirents
 * until the client's count is nearly full or the directory ends — a large
 * count is filled in one 9P round trip, not one per chunk. A FUSE dirent is
 * never smaller than its 9P form, so a READDIR asked for the space left
 * always fits.
 */
#define READDIR_FILL_MIN 1024u	/* space left below which we stop */

struct readdir_op {
	uint32_t count;		/* bytes the Rreaddir may carry */
	uint32_t used;
	uint64_t next;		/* FUSE offset to read on from */
	unsigned char buf[];
};

static void readdir_step(struct gw_req *r);

static void
readdir_reply(struct gw_req *r)
{
	struct readdir_op *d = r->op;
	struct p9_msg m = { .type = P9_RREADDIR };

	m.rreaddir.count = d->used;
	m.rreaddir.data = d->buf;
	gw_req_reply(r, &m);
}

static void
readdir_done(struct fg_req *fr, const struct fg_reply *rep, void *arg)
{
	struct gw_req *r = arg;
	struct readdir_op *d = r->op;
	bool cancelled = gw_req_fuse_done(r, fr);
	struct fg_dirent_cur cur;
	struct fg_dirent e;
	unsigned n = 0;
	int more;

	if (rep->error) {
		/* Entries already gathered go out; the next Treaddir, from
		 * their end, meets the error again. */
		if (d->used)
			readdir_reply(r);
		else
			gw_req_end_error(r, rep->error);
		return;
	}
	fg_dirent_cur_init(&cur, rep->data, rep->len, false);
	while ((more = fg_dirent_next(&cur, &e)) == 1) {
		struct p9_qid q;
		gw_qid_from_mode(&q, e.ino, e.type << 12);
		ssize_t len = p9_dirent_put(d->buf + d->used,
		    d->count - d->used, &q, e.off, (uint8_t)e.type, e.name,
		    e.name_len);
		if (len < 0)
			break;	/* cannot happen: see above; ask again later */
		d->used += (uint32_t)len;
		d->next = e.off;
		n++;
	}
	if (more < 0) {
		gw_req_fail(r, -EIO);
		return;
	}
	if (n && more == 0 && !cancelled &&
	    d->count - d->used >= READDIR_FILL_MIN) {
		readdir_step(r);
		return;
	}
	readdir_reply(r);
}

static void
readdir_step(struct gw_req *r)
{
	struct readdir_op *d = r->op;
	uint32_t size = d->count - d->used;
	struct fuse_read_in in = {
		.fh = r->fid->fh,
		.offset = d->next,
		.size = size < r->conn->srv->chunk ? size : r->conn->srv->chunk,
	};
	struct fg_op op = {
		.opcode = FUSE_READDIR,
		.nodeid = r->fid->node->nodeid,
		.ctx = r->ctx,
		.in = &in,
		.in_len = sizeof(in),
	};

	gw_req_send(r, &op, readdir_done);
}

void
gw_op_readdir(struct gw_req *r)
{
	struct gw_fid *f = r->fid;
	struct p9_treaddir *t = &r->msg.treaddir;
	uint32_t count = gw_max_count(r->conn, t->count, P9_READDIRHDRSZ);

	if (f->kind != GW_FID_NODE || !f->open || !f->is_dir) {
		gw_req_fail(r, f->open ? -ENOTDIR : -EBADF);
		return;
	}
	struct readdir_op *d = malloc(sizeof(*d) + count);
	if (!d) {
		gw_req_fail(r, -ENOMEM);
		return;
	}
	d->count = count;
	d->used = 0;
	d->next = t->offset;
	r->op = d;
	readdir_step(r);
}
