/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of fg_wire.c: the opcode table and its per-minor sizes, the
 * one reply-header checker (every rule that breaks a session), the copy
 * of fixed reply parts, and the READDIR(PLUS) cursor with its padding
 * rules. Pure functions: no socket.
 */
#include "test_fg.h"
#include "fg_int.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>

/* ------------------------------------------------------------- table */

/* Every opcode the gateway sends (DESIGN §5) and what a success carries. */
static const struct {
	uint32_t opcode;
	const char *name;
	size_t in_size, out_min;
} gw_ops[] = {
    {FUSE_LOOKUP, "LOOKUP", 0, sizeof(struct fuse_entry_out)},
    {FUSE_GETATTR, "GETATTR", 16, sizeof(struct fuse_attr_out)},
    {FUSE_SETATTR, "SETATTR", 88, sizeof(struct fuse_attr_out)},
    {FUSE_OPEN, "OPEN", 8, 16},
    {FUSE_OPENDIR, "OPENDIR", 8, 16},
    {FUSE_CREATE, "CREATE", 16, 144},
    {FUSE_MKNOD, "MKNOD", 16, 128},
    {FUSE_MKDIR, "MKDIR", 8, 128},
    {FUSE_SYMLINK, "SYMLINK", 0, 128},
    {FUSE_LINK, "LINK", 8, 128},
    {FUSE_READ, "READ", 40, 0},
    {FUSE_WRITE, "WRITE", 40, 8},
    {FUSE_READDIR, "READDIR", 40, 0},
    {FUSE_READDIRPLUS, "READDIRPLUS", 40, 0},
    {FUSE_RELEASE, "RELEASE", 24, 0},
    {FUSE_RELEASEDIR, "RELEASEDIR", 24, 0},
    {FUSE_FLUSH, "FLUSH", 24, 0},
    {FUSE_FSYNC, "FSYNC", 16, 0},
    {FUSE_FSYNCDIR, "FSYNCDIR", 16, 0},
    {FUSE_UNLINK, "UNLINK", 0, 0},
    {FUSE_RMDIR, "RMDIR", 0, 0},
    {FUSE_RENAME, "RENAME", 8, 0},
    {FUSE_RENAME2, "RENAME2", 16, 0},
    {FUSE_READLINK, "READLINK", 0, 0},
    {FUSE_STATFS, "STATFS", 0, 80},
    {FUSE_GETXATTR, "GETXATTR", 8, 0},
    {FUSE_SETXATTR, "SETXATTR", 8, 0},
    {FUSE_LISTXATTR, "LISTXATTR", 8, 0},
    {FUSE_REMOVEXATTR, "REMOVEXATTR", 0, 0},
    {FUSE_GETLK, "GETLK", 48, 24},
    {FUSE_SETLK, "SETLK", 48, 0},
    {FUSE_SETLKW, "SETLKW", 48, 0},
};
#define NGW (sizeof(gw_ops) / sizeof(gw_ops[0]))

START_TEST(test_table_gateway_ops)
{
	ck_assert_str_eq(fg_opcode_name(gw_ops[_i].opcode), gw_ops[_i].name);
	ck_assert_uint_eq(
	    fg_wire_in_size(gw_ops[_i].opcode, 38, 0), gw_ops[_i].in_size);
	ck_assert_uint_eq(
	    fg_wire_out_min(gw_ops[_i].opcode, 38), gw_ops[_i].out_min);
	ck_assert(!(fg_wire_op(gw_ops[_i].opcode)->flags & FG_OPF_INTERNAL));
}
END_TEST

START_TEST(test_table_unknown_and_internal)
{
	ck_assert_str_eq(fg_opcode_name(0), "?");
	ck_assert_str_eq(fg_opcode_name(7), "?");
	ck_assert_str_eq(fg_opcode_name(4096), "?");
	ck_assert_ptr_null(fg_wire_op(100000));
	ck_assert(fg_wire_op(FUSE_INIT)->flags & FG_OPF_INTERNAL);
	ck_assert(fg_wire_op(FUSE_INTERRUPT)->flags & FG_OPF_INTERNAL);
	ck_assert(fg_wire_op(FUSE_FORGET)->flags & FG_OPF_NOREPLY);
	ck_assert(fg_wire_op(FUSE_BATCH_FORGET)->flags & FG_OPF_NOREPLY);
	ck_assert(fg_wire_op(FUSE_DESTROY)->flags & FG_OPF_INTERNAL);
}
END_TEST

START_TEST(test_table_compat_sizes)
{
	/* fuse_init_out grew to 64 bytes in 7.23. */
	ck_assert_uint_eq(fg_wire_out_min(FUSE_INIT, 19), 24);
	ck_assert_uint_eq(fg_wire_out_min(FUSE_INIT, 22), 24);
	ck_assert_uint_eq(fg_wire_out_min(FUSE_INIT, 23), 64);
	/* setxattr_in is 16 bytes only with FUSE_SETXATTR_EXT. */
	ck_assert_uint_eq(fg_wire_in_size(FUSE_SETXATTR, 38, 0), 8);
	ck_assert_uint_eq(
	    fg_wire_in_size(FUSE_SETXATTR, 38, FUSE_SETXATTR_EXT), 16);
	ck_assert_uint_eq(fg_wire_in_size(FUSE_SETXATTR, 19, 0), 8);
}
END_TEST

/* ------------------------------------------------------------ checker */

struct find_ctx {
	enum fg_find res;
	struct fg_expect e;
	int calls;
};

static enum fg_find
find_fixed(void *arg, uint64_t unique, struct fg_expect *e)
{
	struct find_ctx *c = arg;

	(void)unique;
	c->calls++;
	*e = c->e;
	return c->res;
}

static size_t
mk(unsigned char *buf, uint32_t len_field, int error, uint64_t unique,
    size_t payload)
{
	struct fuse_out_header oh = {len_field, error, unique};

	memcpy(buf, &oh, sizeof(oh));
	memset(buf + sizeof(oh), 0xab, payload);
	return sizeof(oh) + payload;
}

static int
check(unsigned char *buf, size_t n, size_t cap, struct find_ctx *c, char *why)
{
	struct fuse_out_header oh;
	struct fg_expect e;

	return fg_wire_check_reply(
	    buf, n, cap, find_fixed, c, &oh, &e, why, 200);
}

START_TEST(test_check_valid)
{
	unsigned char buf[256];
	struct find_ctx c = {FG_FIND_OK, {FUSE_LOOKUP, 128, 1000}, 0};
	struct fuse_out_header oh;
	struct fg_expect e;
	char why[200] = "";
	size_t n = mk(buf, 16 + 128, 0, 4, 128);

	ck_assert_int_eq(fg_wire_check_reply(buf, n, sizeof(buf), find_fixed,
	                     &c, &oh, &e, why, sizeof(why)),
	    FG_CHECK_REPLY);
	ck_assert_uint_eq(oh.unique, 4);
	ck_assert_uint_eq(e.opcode, FUSE_LOOKUP);
	/* A zero-length error reply is fine whatever the minimum. */
	n = mk(buf, 16, -ENOENT, 4, 0);
	ck_assert_int_eq(check(buf, n, sizeof(buf), &c, why), FG_CHECK_REPLY);
	n = mk(buf, 16, -4095, 4, 0);
	ck_assert_int_eq(check(buf, n, sizeof(buf), &c, why), FG_CHECK_REPLY);
	/* Notifications (unique 0) are recognised and not looked up. */
	c.calls = 0;
	n = mk(buf, 16 + 24, FUSE_NOTIFY_INVAL_INODE, 0, 24);
	ck_assert_int_eq(check(buf, n, sizeof(buf), &c, why), FG_CHECK_NOTIFY);
	ck_assert_int_eq(c.calls, 0);
	/* Stale interrupt answers are let through as such. */
	c.res = FG_FIND_STALE;
	c.e = (struct fg_expect){FUSE_INTERRUPT, 0, 0};
	n = mk(buf, 16, -EAGAIN, 5, 0);
	ck_assert_int_eq(check(buf, n, sizeof(buf), &c, why), FG_CHECK_STALE);
}
END_TEST

/* Each row: a malformed message and the words its reason must hold. */
static const struct {
	const char *what;
	uint32_t len_field; /* 0: the true length */
	int error;
	uint64_t unique;
	size_t payload;
	size_t cap; /* 0: large */
	enum fg_find found;
	const char *why;
} bad[] = {
    {"short", 0, 0, 4, 0, 0, FG_FIND_OK, "short reply"},
    {"len too big", 200, 0, 4, 128, 0, FG_FIND_OK, "length field 200"},
    {"len too small", 100, 0, 4, 128, 0, FG_FIND_OK, "length field 100"},
    {"unknown unique", 0, 0, 6, 128, 0, FG_FIND_UNKNOWN, "unknown unique 6"},
    {"error positive", 0, 5, 4, 0, 0, FG_FIND_OK, "out of range"},
    {"error too negative", 0, -4096, 4, 0, 0, FG_FIND_OK, "out of range"},
    {"error with payload", 0, -2, 4, 8, 0, FG_FIND_OK, "carries 8 bytes"},
    {"below minimum", 0, 0, 4, 127, 0, FG_FIND_OK, "127 bytes"},
    {"above maximum", 0, 0, 4, 1001, 0, FG_FIND_OK, "1001 bytes"},
    {"oversize", 0, 0, 4, 300, 200, FG_FIND_OK, "oversize"},
    {"bad notify code", 0, 99, 0, 0, 0, FG_FIND_OK, "notification"},
    {"notify code 0", 0, 0, 0, 0, 0, FG_FIND_OK, "notification"},
};

START_TEST(test_check_bad)
{
	static unsigned char buf[4096];
	struct find_ctx c = {bad[_i].found, {FUSE_LOOKUP, 128, 1000}, 0};
	char why[200] = "";
	size_t n;

	n = mk(buf, 0, bad[_i].error, bad[_i].unique, bad[_i].payload);
	mk(buf, bad[_i].len_field != 0 ? bad[_i].len_field : (uint32_t)n,
	    bad[_i].error, bad[_i].unique, bad[_i].payload);
	if (strcmp(bad[_i].what, "short") == 0)
		n = 15;
	ck_assert_int_eq(
	    check(buf, n, bad[_i].cap ? bad[_i].cap : sizeof(buf), &c, why),
	    -EPROTO);
	ck_assert_msg(strstr(why, bad[_i].why) != NULL, "%s: reason '%s'",
	    bad[_i].what, why);
}
END_TEST

START_TEST(test_check_every_truncation)
{
	/* For each fixed-size reply of the gateway's ops: the exact minimum
	 * passes, every shorter payload breaks. */
	static unsigned char buf[512];
	const size_t min = gw_ops[_i].out_min;
	struct find_ctx c = {
	    FG_FIND_OK, {gw_ops[_i].opcode, (uint32_t)min, 400}, 0};
	char why[200];

	ck_assert_int_eq(check(buf, mk(buf, 16 + (uint32_t)min, 0, 8, min),
	                     sizeof(buf), &c, why),
	    FG_CHECK_REPLY);
	for (size_t p = 0; p < min; p++)
		ck_assert_int_eq(check(buf, mk(buf, 16 + (uint32_t)p, 0, 8, p),
		                     sizeof(buf), &c, why),
		    -EPROTO);
	for (size_t n = 0; n < 16; n++)
		ck_assert_int_eq(check(buf, n, sizeof(buf), &c, why), -EPROTO);
}
END_TEST

START_TEST(test_parse_fixed)
{
	unsigned char p[200];
	struct fuse_entry_out eo;
	struct fuse_open_out oo = {.fh = 77, .open_flags = 3};
	struct fg_reply rep;

	memset(&eo, 0, sizeof(eo));
	eo.nodeid = 9;
	eo.attr.size = 12345;
	memcpy(p, &eo, sizeof(eo));
	memcpy(p + sizeof(eo), &oo, sizeof(oo));
	memset(&rep, 0, sizeof(rep));
	fg_wire_parse(FUSE_CREATE, false, p, sizeof(eo) + sizeof(oo), &rep);
	ck_assert_uint_eq(rep.entry.nodeid, 9);
	ck_assert_uint_eq(rep.entry.attr.size, 12345);
	ck_assert_uint_eq(rep.open.fh, 77);
	ck_assert_uint_eq(rep.open.open_flags, 3);

	/* GETXATTR: a struct only for the size query. */
	memset(&rep, 0, sizeof(rep));
	memset(p, 0x11, 8);
	fg_wire_parse(FUSE_GETXATTR, false, p, 8, &rep);
	ck_assert_uint_eq(rep.xattr.size, 0);
	fg_wire_parse(FUSE_GETXATTR, true, p, 8, &rep);
	ck_assert_uint_eq(rep.xattr.size, 0x11111111);
}
END_TEST

TCase *
test_fg_wire_tcase(void)
{
	TCase *tc = tcase_create("wire");

	tcase_add_loop_test(tc, test_table_gateway_ops, 0, (int)NGW);
	tcase_add_test(tc, test_table_unknown_and_internal);
	tcase_add_test(tc, test_table_compat_sizes);
	tcase_add_test(tc, test_check_valid);
	tcase_add_loop_test(
	    tc, test_check_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_loop_test(tc, test_check_every_truncation, 0, (int)NGW);
	tcase_add_test(tc, test_parse_fixed);
	return tc;
}

/* ------------------------------------------------------------ dirents */

/* Append one dirent (plus: with an entry for nodeid) to buf at *off. */
static void
put_dirent(unsigned char *buf, size_t *off, bool plus, uint64_t nodeid,
    uint64_t ino, const char *name, bool pad)
{
	struct fuse_dirent de = {.ino = ino,
	    .off = *off + 1,
	    .namelen = (uint32_t)strlen(name),
	    .type = DT_REG};
	size_t start = *off;

	if (plus) {
		struct fuse_entry_out eo;

		t_entry(&eo, nodeid);
		memcpy(buf + *off, &eo, sizeof(eo));
		*off += sizeof(eo);
	}
	memcpy(buf + *off, &de, FUSE_NAME_OFFSET);
	*off += FUSE_NAME_OFFSET;
	memcpy(buf + *off, name, de.namelen);
	*off += de.namelen;
	if (pad) {
		size_t rec = FUSE_DIRENT_ALIGN(*off - start);

		memset(buf + *off, 0, start + rec - *off);
		*off = start + rec;
	}
}

START_TEST(test_dirent_plain)
{
	unsigned char buf[512];
	size_t len = 0;
	struct fg_dirent_cur c;
	struct fg_dirent d;

	put_dirent(buf, &len, false, 0, 10, "a", true);
	put_dirent(buf, &len, false, 0, 11, "eightchr", true);
	put_dirent(buf, &len, false, 0, 12, "last", false); /* no pad at end */
	fg_dirent_cur_init(&c, buf, len, false);
	ck_assert_int_eq(fg_dirent_next(&c, &d), 1);
	ck_assert_uint_eq(d.ino, 10);
	ck_assert_uint_eq(d.name_len, 1);
	ck_assert_int_eq(memcmp(d.name, "a", 1), 0);
	ck_assert(!d.has_entry);
	ck_assert_int_eq(fg_dirent_next(&c, &d), 1);
	ck_assert_uint_eq(d.ino, 11);
	ck_assert_int_eq(memcmp(d.name, "eightchr", 8), 0);
	ck_assert_uint_eq(d.type, DT_REG);
	ck_assert_int_eq(fg_dirent_next(&c, &d), 1);
	ck_assert_uint_eq(d.ino, 12);
	ck_assert_int_eq(fg_dirent_next(&c, &d), 0);
	ck_assert_int_eq(fg_dirent_next(&c, &d), 0);
}
END_TEST

START_TEST(test_dirent_plus_counted)
{
	unsigned char buf[2048];
	size_t len = 0;
	struct fg_dirent_cur c;
	struct fg_dirent d;
	static const struct {
		uint64_t nodeid;
		const char *name;
		bool counted;
	} ents[] = {
	    {5, ".", false},
	    {1, "..", false},
	    {0, "nolookup", false},
	    {1, "root", false},
	    {9, "file", true},
	    {9, ".hidden", true},
	};

	for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
		put_dirent(buf, &len, true, ents[i].nodeid, 100 + i,
		    ents[i].name, true);
	fg_dirent_cur_init(&c, buf, len, true);
	for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		ck_assert_int_eq(fg_dirent_next(&c, &d), 1);
		ck_assert(d.has_entry);
		ck_assert_uint_eq(d.entry.nodeid, ents[i].nodeid);
		ck_assert_uint_eq(d.ino, 100 + i);
		ck_assert_int_eq(d.counted, ents[i].counted);
	}
	ck_assert_int_eq(fg_dirent_next(&c, &d), 0);
}
END_TEST

START_TEST(test_dirent_malformed)
{
	unsigned char buf[512];
	size_t len = 0;
	struct fg_dirent_cur c;
	struct fg_dirent d;
	struct fuse_dirent de;

	/* Every truncation of a one-entry payload, except at the padding,
	 * is malformed. */
	put_dirent(buf, &len, false, 0, 1, "abc", true);
	for (size_t n = 1; n < FUSE_NAME_OFFSET + 3; n++) {
		fg_dirent_cur_init(&c, buf, n, false);
		ck_assert_int_eq(fg_dirent_next(&c, &d), -EBADMSG);
	}
	/* namelen 0 */
	memcpy(&de, buf, FUSE_NAME_OFFSET);
	de.namelen = 0;
	memcpy(buf, &de, FUSE_NAME_OFFSET);
	fg_dirent_cur_init(&c, buf, len, false);
	ck_assert_int_eq(fg_dirent_next(&c, &d), -EBADMSG);
	/* namelen past the end */
	de.namelen = 1000;
	memcpy(buf, &de, FUSE_NAME_OFFSET);
	fg_dirent_cur_init(&c, buf, len, false);
	ck_assert_int_eq(fg_dirent_next(&c, &d), -EBADMSG);
	/* namelen that would wrap */
	de.namelen = UINT32_MAX;
	memcpy(buf, &de, FUSE_NAME_OFFSET);
	fg_dirent_cur_init(&c, buf, len, false);
	ck_assert_int_eq(fg_dirent_next(&c, &d), -EBADMSG);
	/* '/' or NUL in a name */
	len = 0;
	put_dirent(buf, &len, false, 0, 1, "a/b", true);
	fg_dirent_cur_init(&c, buf, len, false);
	ck_assert_int_eq(fg_dirent_next(&c, &d), -EBADMSG);
	buf[FUSE_NAME_OFFSET + 1] = '\0';
	fg_dirent_cur_init(&c, buf, len, false);
	ck_assert_int_eq(fg_dirent_next(&c, &d), -EBADMSG);
	/* plus: a plain dirent is too short for an entry */
	len = 0;
	put_dirent(buf, &len, false, 0, 1, "abc", true);
	fg_dirent_cur_init(&c, buf, len, true);
	ck_assert_int_eq(fg_dirent_next(&c, &d), -EBADMSG);
	/* a good entry then garbage: the first still comes out */
	len = 0;
	put_dirent(buf, &len, false, 0, 1, "ok", true);
	memset(buf + len, 0xff, 5);
	fg_dirent_cur_init(&c, buf, len + 5, false);
	ck_assert_int_eq(fg_dirent_next(&c, &d), 1);
	ck_assert_int_eq(fg_dirent_next(&c, &d), -EBADMSG);
}
END_TEST

TCase *
test_fg_dirent_tcase(void)
{
	TCase *tc = tcase_create("dirent");

	tcase_add_test(tc, test_dirent_plain);
	tcase_add_test(tc, test_dirent_plus_counted);
	tcase_add_test(tc, test_dirent_malformed);
	return tc;
}
