/* SPDX-License-Identifier: MIT */
/*
 * The FUSE wire, seen from the kernel side: one table per opcode (name,
 * request struct size, least success payload, shape), the per-minor
 * differences of those sizes, the one function that checks every message
 * coming back from the backend, the copy of fixed reply parts into a
 * struct fg_reply, and the one cursor over READDIR(PLUS) payloads.
 *
 * It never casts a pointer into a receive buffer: fixed parts are copied
 * out with memcpy, and lengths are compared before anything is read. It
 * does not know about requests, sockets or the ledger (fg_session.c).
 */
#include "fg_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ROW(op, nm, in, out, fl, k1, k2)                                       \
	[op] = {.name = nm,                                                    \
	    .in_size = in,                                                     \
	    .out_min = out,                                                    \
	    .flags = fl,                                                       \
	    .out_kind = k1,                                                    \
	    .out_kind2 = k2}

#define ENTRY_OUT ((uint16_t)sizeof(struct fuse_entry_out))
#define OPEN_OUT ((uint16_t)sizeof(struct fuse_open_out))
#define NAME FG_OPF_NAME
#define NAME2 FG_OPF_NAME2
#define DATA FG_OPF_DATA
#define ENTRY FG_OPF_ENTRY
#define NOREPLY FG_OPF_NOREPLY
#define INTERNAL FG_OPF_INTERNAL
#define VAROUT FG_OPF_VAROUT
#define XATTR FG_OPF_XATTR
#define ANYOUT FG_OPF_ANYOUT

enum { K_NONE, K_ENTRY, K_OPEN, K_ATTR, K_WRITE, K_STATFS, K_XATTR, K_LK };

/* Indexed by opcode; holes have no name (unknown opcode). A success reply
 * is exactly out_min bytes (the kernel is as strict), except for VAROUT
 * (at most the size asked for), XATTR (see fg_submit) and ANYOUT. */
static const struct fg_opdef opdefs[] = {
    ROW(FUSE_LOOKUP, "LOOKUP", 0, ENTRY_OUT, NAME | ENTRY, K_ENTRY, 0),
    ROW(FUSE_FORGET, "FORGET", sizeof(struct fuse_forget_in), 0,
        NOREPLY | INTERNAL, 0, 0),
    ROW(FUSE_GETATTR, "GETATTR", sizeof(struct fuse_getattr_in),
        sizeof(struct fuse_attr_out), 0, K_ATTR, 0),
    ROW(FUSE_SETATTR, "SETATTR", sizeof(struct fuse_setattr_in),
        sizeof(struct fuse_attr_out), 0, K_ATTR, 0),
    ROW(FUSE_READLINK, "READLINK", 0, 0, ANYOUT, 0, 0),
    ROW(FUSE_SYMLINK, "SYMLINK", 0, ENTRY_OUT, NAME | NAME2 | ENTRY, K_ENTRY,
        0),
    ROW(FUSE_MKNOD, "MKNOD", sizeof(struct fuse_mknod_in), ENTRY_OUT,
        NAME | ENTRY, K_ENTRY, 0),
    ROW(FUSE_MKDIR, "MKDIR", sizeof(struct fuse_mkdir_in), ENTRY_OUT,
        NAME | ENTRY, K_ENTRY, 0),
    ROW(FUSE_UNLINK, "UNLINK", 0, 0, NAME, 0, 0),
    ROW(FUSE_RMDIR, "RMDIR", 0, 0, NAME, 0, 0),
    ROW(FUSE_RENAME, "RENAME", sizeof(struct fuse_rename_in), 0, NAME | NAME2,
        0, 0),
    ROW(FUSE_LINK, "LINK", sizeof(struct fuse_link_in), ENTRY_OUT, NAME | ENTRY,
        K_ENTRY, 0),
    ROW(FUSE_OPEN, "OPEN", sizeof(struct fuse_open_in), OPEN_OUT, 0, K_OPEN, 0),
    ROW(FUSE_READ, "READ", sizeof(struct fuse_read_in), 0, VAROUT, 0, 0),
    ROW(FUSE_WRITE, "WRITE", sizeof(struct fuse_write_in),
        sizeof(struct fuse_write_out), DATA, K_WRITE, 0),
    ROW(FUSE_STATFS, "STATFS", 0, sizeof(struct fuse_statfs_out), 0, K_STATFS,
        0),
    ROW(FUSE_RELEASE, "RELEASE", sizeof(struct fuse_release_in), 0, 0, 0, 0),
    ROW(FUSE_FSYNC, "FSYNC", sizeof(struct fuse_fsync_in), 0, 0, 0, 0),
    ROW(FUSE_SETXATTR, "SETXATTR", sizeof(struct fuse_setxattr_in), 0,
        NAME | DATA, 0, 0),
    ROW(FUSE_GETXATTR, "GETXATTR", sizeof(struct fuse_getxattr_in), 0,
        NAME | XATTR, K_XATTR, 0),
    ROW(FUSE_LISTXATTR, "LISTXATTR", sizeof(struct fuse_getxattr_in), 0, XATTR,
        K_XATTR, 0),
    ROW(FUSE_REMOVEXATTR, "REMOVEXATTR", 0, 0, NAME, 0, 0),
    ROW(FUSE_FLUSH, "FLUSH", sizeof(struct fuse_flush_in), 0, 0, 0, 0),
    ROW(FUSE_INIT, "INIT", sizeof(struct fuse_init_in),
        sizeof(struct fuse_init_out), INTERNAL, 0, 0),
    ROW(FUSE_OPENDIR, "OPENDIR", sizeof(struct fuse_open_in), OPEN_OUT, 0,
        K_OPEN, 0),
    ROW(FUSE_READDIR, "READDIR", sizeof(struct fuse_read_in), 0, VAROUT, 0, 0),
    ROW(FUSE_RELEASEDIR, "RELEASEDIR", sizeof(struct fuse_release_in), 0, 0, 0,
        0),
    ROW(FUSE_FSYNCDIR, "FSYNCDIR", sizeof(struct fuse_fsync_in), 0, 0, 0, 0),
    ROW(FUSE_GETLK, "GETLK", sizeof(struct fuse_lk_in),
        sizeof(struct fuse_lk_out), 0, K_LK, 0),
    ROW(FUSE_SETLK, "SETLK", sizeof(struct fuse_lk_in), 0, 0, 0, 0),
    ROW(FUSE_SETLKW, "SETLKW", sizeof(struct fuse_lk_in), 0, 0, 0, 0),
    ROW(FUSE_ACCESS, "ACCESS", sizeof(struct fuse_access_in), 0, 0, 0, 0),
    ROW(FUSE_CREATE, "CREATE", sizeof(struct fuse_create_in),
        ENTRY_OUT + OPEN_OUT, NAME | ENTRY, K_ENTRY, K_OPEN),
    ROW(FUSE_INTERRUPT, "INTERRUPT", sizeof(struct fuse_interrupt_in), 0,
        INTERNAL, 0, 0),
    ROW(FUSE_BMAP, "BMAP", sizeof(struct fuse_bmap_in),
        sizeof(struct fuse_bmap_out), 0, 0, 0),
    ROW(FUSE_DESTROY, "DESTROY", 0, 0, INTERNAL, 0, 0),
    ROW(FUSE_BATCH_FORGET, "BATCH_FORGET", sizeof(struct fuse_batch_forget_in),
        0, NOREPLY | INTERNAL, 0, 0),
    ROW(FUSE_FALLOCATE, "FALLOCATE", sizeof(struct fuse_fallocate_in), 0, 0, 0,
        0),
    ROW(FUSE_READDIRPLUS, "READDIRPLUS", sizeof(struct fuse_read_in), 0, VAROUT,
        0, 0),
    ROW(FUSE_RENAME2, "RENAME2", sizeof(struct fuse_rename2_in), 0,
        NAME | NAME2, 0, 0),
    ROW(FUSE_LSEEK, "LSEEK", sizeof(struct fuse_lseek_in),
        sizeof(struct fuse_lseek_out), 0, 0, 0),
    ROW(FUSE_COPY_FILE_RANGE, "COPY_FILE_RANGE",
        sizeof(struct fuse_copy_file_range_in), sizeof(struct fuse_write_out),
        0, K_WRITE, 0),
    ROW(FUSE_SYNCFS, "SYNCFS", sizeof(struct fuse_syncfs_in), 0, 0, 0, 0),
};

/* Where each reply struct kind lands in struct fg_reply. */
static const struct {
	size_t off, size;
} out_kinds[] = {
    [K_ENTRY] = {offsetof(struct fg_reply, entry),
        sizeof(struct fuse_entry_out)},
    [K_OPEN] = {offsetof(struct fg_reply, open), sizeof(struct fuse_open_out)},
    [K_ATTR] = {offsetof(struct fg_reply, attr), sizeof(struct fuse_attr_out)},
    [K_WRITE] = {offsetof(struct fg_reply, write),
        sizeof(struct fuse_write_out)},
    [K_STATFS] = {offsetof(struct fg_reply, statfs),
        sizeof(struct fuse_statfs_out)},
    [K_XATTR] = {offsetof(struct fg_reply, xattr),
        sizeof(struct fuse_getxattr_out)},
    [K_LK] = {offsetof(struct fg_reply, lk), sizeof(struct fuse_lk_out)},
};

/*
 * Where an older minor, or a flag not negotiated, changes a size. Only
 * minors >= FG_MIN_MINOR are ever negotiated, so layouts older than that
 * (entry_out/attr_out before 7.9, mknod_in before 7.12, ...) are not here:
 * fg_session_init refuses such backends.
 */
struct fg_compat {
	uint32_t opcode;
	uint32_t below_minor; /* applies when minor < below_minor ... */
	uint64_t unless_flag; /* ... and this init flag is not granted */
	uint16_t in_size;
	uint16_t out_min;
};

static const struct fg_compat compats[] = {
    /* 7.23 grew fuse_init_out to 64 bytes (time_gran, reserved). */
    {FUSE_INIT, 23, 0, sizeof(struct fuse_init_in),
        FUSE_COMPAT_22_INIT_OUT_SIZE},
    /* The 16-byte setxattr_in exists only with FUSE_SETXATTR_EXT. */
    {FUSE_SETXATTR, UINT32_MAX, FUSE_SETXATTR_EXT, FUSE_COMPAT_SETXATTR_IN_SIZE,
        0},
};

const struct fg_opdef *
fg_wire_op(uint32_t opcode)
{
	if (opcode >= sizeof(opdefs) / sizeof(opdefs[0]) ||
	    opdefs[opcode].name == NULL)
		return NULL;
	return &opdefs[opcode];
}

static const struct fg_compat *
find_compat(uint32_t opcode, uint32_t minor, uint64_t flags)
{
	for (size_t i = 0; i < sizeof(compats) / sizeof(compats[0]); i++) {
		const struct fg_compat *c = &compats[i];

		if (c->opcode == opcode && minor < c->below_minor &&
		    !(flags & c->unless_flag))
			return c;
	}
	return NULL;
}

size_t
fg_wire_in_size(uint32_t opcode, uint32_t minor, uint64_t flags)
{
	const struct fg_opdef *d = fg_wire_op(opcode);
	const struct fg_compat *c = find_compat(opcode, minor, flags);

	if (d == NULL)
		return 0;
	return c != NULL ? c->in_size : d->in_size;
}

size_t
fg_wire_out_min(uint32_t opcode, uint32_t minor)
{
	const struct fg_opdef *d = fg_wire_op(opcode);
	const struct fg_compat *c = find_compat(opcode, minor, 0);

	if (d == NULL)
		return 0;
	return c != NULL ? c->out_min : d->out_min;
}

const char *
fg_opcode_name(uint32_t opcode)
{
	const struct fg_opdef *d = fg_wire_op(opcode);

	return d != NULL ? d->name : "?";
}

int
fg_wire_check_reply(const void *msg, size_t n, size_t cap, fg_find_fn *find,
    void *arg, struct fuse_out_header *oh, struct fg_expect *e, char *why,
    size_t why_len)
{
	const size_t hl = sizeof(*oh);
	enum fg_find f;
	size_t payload;

	if (n > cap) {
		snprintf(why, why_len, "oversize reply: %zu bytes, limit %zu",
		    n, cap);
		return -EPROTO;
	}
	if (n < hl) {
		snprintf(why, why_len, "short reply: %zu bytes, header is %zu",
		    n, hl);
		return -EPROTO;
	}
	memcpy(oh, msg, hl);
	if (oh->len != n) {
		snprintf(why, why_len,
		    "reply length field %u, but %zu bytes received", oh->len,
		    n);
		return -EPROTO;
	}
	payload = n - hl;
	if (oh->unique == 0) {
		/* A notification: its code rides in the error field. */
		if (oh->error <= 0 || oh->error >= FUSE_NOTIFY_CODE_MAX) {
			snprintf(why, why_len, "notification with code %d",
			    oh->error);
			return -EPROTO;
		}
		return FG_CHECK_NOTIFY;
	}
	if (oh->error > 0 || oh->error < -4095) {
		snprintf(why, why_len, "unique %llu: error %d out of range",
		    (unsigned long long)oh->unique, oh->error);
		return -EPROTO;
	}
	if (oh->error != 0 && payload != 0) {
		snprintf(why, why_len,
		    "unique %llu: error reply %d carries %zu bytes",
		    (unsigned long long)oh->unique, oh->error, payload);
		return -EPROTO;
	}
	memset(e, 0, sizeof(*e));
	f = find(arg, oh->unique, e);
	if (f == FG_FIND_UNKNOWN) {
		snprintf(why, why_len, "reply to unknown unique %llu",
		    (unsigned long long)oh->unique);
		return -EPROTO;
	}
	if (oh->error != 0)
		return f == FG_FIND_STALE ? FG_CHECK_STALE : FG_CHECK_REPLY;
	if (payload < e->out_min || payload > e->out_max) {
		snprintf(why, why_len,
		    "unique %llu: %s reply of %zu bytes, expected %u..%u",
		    (unsigned long long)oh->unique, fg_opcode_name(e->opcode),
		    payload, e->out_min, e->out_max);
		return -EPROTO;
	}
	return f == FG_FIND_STALE ? FG_CHECK_STALE : FG_CHECK_REPLY;
}

/* Copy a fixed struct from the payload: a shorter prefix is zero-filled. */
static void
copy_fixed(void *dst, size_t dst_len, const unsigned char *p, size_t len)
{
	size_t n = len < dst_len ? len : dst_len;

	memset(dst, 0, dst_len);
	memcpy(dst, p, n);
}

void
fg_wire_parse(uint32_t opcode, bool size_query, const void *payload, size_t len,
    struct fg_reply *rep)
{
	const struct fg_opdef *d = fg_wire_op(opcode);
	const unsigned char *p = payload;
	size_t used = 0;

	if (d == NULL)
		return;
	if (d->out_kind != K_NONE && (d->out_kind != K_XATTR || size_query)) {
		used = out_kinds[d->out_kind].size;
		copy_fixed(
		    (char *)rep + out_kinds[d->out_kind].off, used, p, len);
	}
	if (d->out_kind2 != K_NONE && len > used)
		copy_fixed((char *)rep + out_kinds[d->out_kind2].off,
		    out_kinds[d->out_kind2].size, p + used, len - used);
}

void
fg_escape(char *out, size_t out_len, const char *p, size_t len, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (out_len == 0)
		return;
	for (size_t i = 0; i < len && i < max; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
			if (o + 4 >= out_len)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			if (o + 1 >= out_len)
				break;
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
}

/* ------------------------------------------------------------ dirents */

bool
fg_is_dot(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') ||
	       (len == 2 && name[0] == '.' && name[1] == '.');
}

void
fg_dirent_cur_init(
    struct fg_dirent_cur *c, const void *data, size_t len, bool plus)
{
	c->p = data;
	c->end = c->p + len;
	c->plus = plus;
}

int
fg_dirent_next(struct fg_dirent_cur *c, struct fg_dirent *d)
{
	const size_t left = (size_t)(c->end - c->p);
	const size_t eo = c->plus ? sizeof(struct fuse_entry_out) : 0;
	const size_t fixed = eo + FUSE_NAME_OFFSET;
	struct fuse_dirent de;
	size_t reclen;

	if (left == 0)
		return 0;
	if (left < fixed)
		return -EBADMSG;
	memset(d, 0, sizeof(*d));
	if (c->plus) {
		memcpy(&d->entry, c->p, sizeof(d->entry));
		d->has_entry = true;
	}
	memcpy(&de, c->p + eo, FUSE_NAME_OFFSET);
	/* A name is 1..NAME_MAX bytes (the kernel's own limit, 1024 there),
	 * holds no '/' or NUL; the record is padded to 8 bytes, and the
	 * padding may be missing only at the very end. */
	if (de.namelen == 0 || de.namelen > 1024 || de.namelen > left - fixed)
		return -EBADMSG;
	d->ino = de.ino;
	d->off = de.off;
	d->type = de.type;
	d->name = (const char *)c->p + fixed;
	d->name_len = de.namelen;
	if (memchr(d->name, '\0', d->name_len) != NULL ||
	    memchr(d->name, '/', d->name_len) != NULL)
		return -EBADMSG;
	if (d->has_entry)
		d->counted = d->entry.nodeid != 0 &&
		             d->entry.nodeid != FUSE_ROOT_ID &&
		             !fg_is_dot(d->name, d->name_len);
	reclen = FUSE_DIRENT_ALIGN(fixed + de.namelen);
	if (reclen > left)
		reclen = left;
	c->p += reclen;
	return 1;
}
