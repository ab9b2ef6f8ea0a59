/* SPDX-License-Identifier: MIT */
/*
 * Golden FUSE vectors (see fg_vectors.h): one or more per opcode of
 * fuse_glue's table. Request and reply bytes are written field by field
 * in the order of the structs in <linux/fuse.h> 7.38, little-endian; the
 * expected fields are written out separately as struct initializers. A
 * request's header length is its array's size, which the tests check, so
 * a miscounted vector shows up at once.
 *
 * Test data only: nothing here sends, parses or checks bytes.
 */
#include "fg_vectors.h"

#include <dirent.h>
#include <errno.h>

_Static_assert(sizeof(struct fuse_in_header) == 40, "7.38 in_header");
_Static_assert(sizeof(struct fuse_out_header) == 16, "out_header");
_Static_assert(sizeof(struct fuse_entry_out) == 128, "entry_out");
_Static_assert(sizeof(struct fuse_init_in) == 64, "7.38 init_in");
_Static_assert(sizeof(struct fuse_init_out) == 64, "7.38 init_out");
_Static_assert(FUSE_KERNEL_MINOR_VERSION == 38,
    "the INIT vector was written for <linux/fuse.h> 7.38");

/* little-endian fields */
#define B16(v) (uint8_t)((v)&0xff), (uint8_t)(((v) >> 8) & 0xff)
#define B32(v) B16((uint32_t)(v)), B16((uint32_t)(v) >> 16)
#define B64(v) B32((uint64_t)(v)), B32((uint64_t)(v) >> 32)
#define Z8 0, 0, 0, 0, 0, 0, 0, 0
#define Z32 Z8, Z8, Z8, Z8

/* fuse_in_header with the vectors' caller, and with none (the session's
 * own messages); fuse_out_header */
#define IH(len, op, uniq, node)                                                \
	B32(len), B32(op), B64(uniq), B64(node), B32(T_FG_UID), B32(T_FG_GID), \
	    B32(T_FG_PID), B16(0), B16(0)
#define IH0(len, op, uniq, node)                                               \
	B32(len), B32(op), B64(uniq), B64(node), B32(0), B32(0), B32(0),       \
	    B16(0), B16(0)
#define OH(len, err, uniq) B32(len), B32(err), B64(uniq)

/* fuse_attr / fuse_entry_out: bytes, and the same values as a struct */
#define ATTR_B(ino, size, mode, nlink)                                         \
	B64(ino), B64(size), B64(8), B64(1700000000), B64(1700000001),         \
	    B64(1700000002), B32(1), B32(2), B32(3), B32(mode), B32(nlink),    \
	    B32(1000), B32(100), B32(0), B32(4096), B32(0)
#define ATTR_W(i, s, m, n)                                                     \
	{                                                                      \
		.ino = (i), .size = (s), .blocks = 8, .atime = 1700000000,     \
		.mtime = 1700000001, .ctime = 1700000002, .atimensec = 1,      \
		.mtimensec = 2, .ctimensec = 3, .mode = (m), .nlink = (n),     \
		.uid = 1000, .gid = 100, .rdev = 0, .blksize = 4096,           \
		.flags = 0                                                     \
	}
#define ENTRY_B(node, size, mode, nlink)                                       \
	B64(node), B64(1), B64(1), B64(2), B32(250), B32(500),                 \
	    ATTR_B(node, size, mode, nlink)
#define ENTRY_W(node, s, m, n)                                                 \
	{                                                                      \
		.nodeid = (node), .generation = 1, .entry_valid = 1,           \
		.attr_valid = 2, .entry_valid_nsec = 250,                      \
		.attr_valid_nsec = 500, .attr = ATTR_W(node, s, m, n)          \
	}
/* fuse_attr_out */
#define ATTROUT_B(ino, size, mode, nlink)                                      \
	B64(3), B32(750), B32(0), ATTR_B(ino, size, mode, nlink)
#define ATTROUT_W(i, s, m, n)                                                  \
	{                                                                      \
		.attr_valid = 3, .attr_valid_nsec = 750,                       \
		.attr = ATTR_W(i, s, m, n)                                     \
	}

#define CTX                                                                    \
	{                                                                      \
		.uid = T_FG_UID, .gid = T_FG_GID, .pid = T_FG_PID              \
	}
#define IN(type, ...)                                                          \
	.in = &(const struct type){__VA_ARGS__}, .in_len = sizeof(struct type)
#define NAME(s) .name = (s), .name_len = sizeof(s) - 1
#define NAME2(s) .name2 = (s), .name2_len = sizeof(s) - 1
#define REQ(a) .req = (a), .req_len = sizeof(a)
#define REP(a) .rep = (a), .rep_len = sizeof(a)
#define DIRENTS(a) .dirents = (a), .ndirents = sizeof(a) / sizeof((a)[0])
#define ORIGIN .origin = "linux/fuse.h layout"

/* An empty success reply to unique 4. */
static const uint8_t rep_empty[] = {OH(16, 0, 4)};

/* clang-format off */

/* ------------------------------------------------------------ entries */

static const uint8_t lookup_req[] = {IH(50, FUSE_LOOKUP, 4, 1),
	'h', 'e', 'l', 'l', 'o', '.', 't', 'x', 't', 0};
static const uint8_t lookup_rep[] = {OH(144, 0, 4),
	ENTRY_B(0x1234, 13, 0100644, 1)};

static const uint8_t lookupneg_req[] = {IH(48, FUSE_LOOKUP, 4, 1),
	'n', 'o', 't', 'h', 'e', 'r', 'e', 0};
static const uint8_t lookupneg_rep[] = {OH(144, 0, 4),
	B64(0), B64(0), B64(5), B64(0), B32(0), B32(0), Z32, Z32, Z8, Z8, Z8};

static const uint8_t symlink_req[] = {IH(57, FUSE_SYMLINK, 4, 1),
	'l', 'i', 'n', 'k', 0,
	't', 'a', 'r', 'g', 'e', 't', '/', 'f', 'i', 'l', 'e', 0};
static const uint8_t symlink_rep[] = {OH(144, 0, 4),
	ENTRY_B(0x56, 11, 0120777, 1)};

static const uint8_t mknod_req[] = {IH(61, FUSE_MKNOD, 4, 1),
	B32(010644), B32(0), B32(022), B32(0), 'f', 'i', 'f', 'o', 0};
static const uint8_t mknod_rep[] = {OH(144, 0, 4),
	ENTRY_B(0x57, 0, 010644, 1)};

static const uint8_t mkdir_req[] = {IH(52, FUSE_MKDIR, 4, 1),
	B32(040755), B32(022), 'd', 'i', 'r', 0};
static const uint8_t mkdir_rep[] = {OH(144, 0, 4),
	ENTRY_B(0x58, 4096, 040755, 2)};

static const uint8_t link_req[] = {IH(53, FUSE_LINK, 4, 0x58),
	B64(0x1234), 'h', 'a', 'r', 'd', 0};
static const uint8_t link_rep[] = {OH(144, 0, 4),
	ENTRY_B(0x1234, 13, 0100644, 2)};

static const uint8_t create_req[] = {IH(64, FUSE_CREATE, 4, 1),
	B32(0301), B32(0100644), B32(022), B32(0),
	'n', 'e', 'w', '.', 't', 'x', 't', 0};
static const uint8_t create_rep[] = {OH(160, 0, 4),
	ENTRY_B(0x59, 0, 0100644, 1), B64(0xabd), B32(1), B32(0)};

/* ------------------------------------------------------ names, no body */

static const uint8_t unlink_req[] = {IH(45, FUSE_UNLINK, 4, 1),
	'g', 'o', 'n', 'e', 0};
static const uint8_t rmdir_req[] = {IH(47, FUSE_RMDIR, 4, 1),
	'o', 'l', 'd', 'd', 'i', 'r', 0};
static const uint8_t rename_req[] = {IH(52, FUSE_RENAME, 4, 1),
	B64(0x58), 'a', 0, 'b', 0};
static const uint8_t rename2_req[] = {IH(60, FUSE_RENAME2, 4, 1),
	B64(0x58), B32(1), B32(0), 'a', 0, 'b', 0};
static const uint8_t removexattr_req[] = {IH(47, FUSE_REMOVEXATTR, 4, 0x1234),
	'u', 's', 'e', 'r', '.', 'x', 0};

/* ---------------------------------------------------------- attributes */

static const uint8_t getattr_req[] = {IH(56, FUSE_GETATTR, 4, 0x1234),
	B32(FUSE_GETATTR_FH), B32(0), B64(0xabc)};
static const uint8_t getattr_rep[] = {OH(120, 0, 4),
	ATTROUT_B(0x1234, 13, 0100644, 1)};

static const uint8_t setattr_req[] = {IH(128, FUSE_SETATTR, 4, 0x1234),
	B32(FATTR_MODE | FATTR_SIZE), B32(0), B64(0), B64(4096), B64(0),
	B64(0), B64(0), B64(0), B32(0), B32(0), B32(0), B32(0100600), B32(0),
	B32(0), B32(0), B32(0)};
static const uint8_t setattr_rep[] = {OH(120, 0, 4),
	ATTROUT_B(0x1234, 4096, 0100600, 1)};

static const uint8_t readlink_req[] = {IH(40, FUSE_READLINK, 4, 0x56)};
static const uint8_t readlink_rep[] = {OH(27, 0, 4),
	't', 'a', 'r', 'g', 'e', 't', '/', 'f', 'i', 'l', 'e'};

static const uint8_t statfs_req[] = {IH(40, FUSE_STATFS, 4, 1)};
static const uint8_t statfs_rep[] = {OH(96, 0, 4),
	B64(1000000), B64(500000), B64(400000), B64(100000), B64(90000),
	B32(4096), B32(255), B32(4096), B32(0), Z8, Z8, Z8};

static const uint8_t access_req[] = {IH(48, FUSE_ACCESS, 4, 0x1234),
	B32(4), B32(0)};

/* --------------------------------------------------------------- files */

static const uint8_t open_req[] = {IH(48, FUSE_OPEN, 4, 0x1234),
	B32(2), B32(0)};
static const uint8_t open_rep[] = {OH(32, 0, 4),
	B64(0xabc), B32(FOPEN_KEEP_CACHE), B32(0)};

static const uint8_t read_req[] = {IH(80, FUSE_READ, 4, 0x1234),
	B64(0xabc), B64(4096), B32(8), B32(0), B64(0), B32(2), B32(0)};
static const uint8_t read_rep[] = {OH(24, 0, 4),
	'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'};

static const uint8_t write_req[] = {IH(85, FUSE_WRITE, 4, 0x1234),
	B64(0xabc), B64(0), B32(5), B32(0), B64(0), B32(2), B32(0),
	'h', 'e', 'l', 'l', 'o'};
static const uint8_t write_rep[] = {OH(24, 0, 4), B32(5), B32(0)};

static const uint8_t release_req[] = {IH(64, FUSE_RELEASE, 4, 0x1234),
	B64(0xabc), B32(2), B32(0), B64(0)};
static const uint8_t fsync_req[] = {IH(56, FUSE_FSYNC, 4, 0x1234),
	B64(0xabc), B32(1), B32(0)};
static const uint8_t flush_req[] = {IH(64, FUSE_FLUSH, 4, 0x1234),
	B64(0xabc), B32(0), B32(0), B64(0x1111222233334444)};

static const uint8_t bmap_req[] = {IH(56, FUSE_BMAP, 4, 0x1234),
	B64(10), B32(4096), B32(0)};
static const uint8_t bmap_rep[] = {OH(24, 0, 4), B64(1234)};

static const uint8_t fallocate_req[] = {IH(72, FUSE_FALLOCATE, 4, 0x1234),
	B64(0xabc), B64(0), B64(65536), B32(0), B32(0)};

static const uint8_t lseek_req[] = {IH(64, FUSE_LSEEK, 4, 0x1234),
	B64(0xabc), B64(100), B32(3), B32(0)};
static const uint8_t lseek_rep[] = {OH(24, 0, 4), B64(4096)};

static const uint8_t cfr_req[] = {IH(96, FUSE_COPY_FILE_RANGE, 4, 0x1234),
	B64(0xabc), B64(0), B64(0x59), B64(0xabd), B64(0), B64(4096), B64(0)};
static const uint8_t cfr_rep[] = {OH(24, 0, 4), B32(4096), B32(0)};

static const uint8_t syncfs_req[] = {IH(48, FUSE_SYNCFS, 4, 1), B64(0)};

/* -------------------------------------------------------------- xattrs */

/* Without FUSE_SETXATTR_EXT only the first 8 bytes of setxattr_in go. */
static const uint8_t setxattr_req[] = {IH(58, FUSE_SETXATTR, 4, 0x1234),
	B32(3), B32(1), 'u', 's', 'e', 'r', '.', 'x', 0, 'a', 'b', 'c'};

static const uint8_t getxattrq_req[] = {IH(55, FUSE_GETXATTR, 4, 0x1234),
	B32(0), B32(0), 'u', 's', 'e', 'r', '.', 'x', 0};
static const uint8_t getxattrq_rep[] = {OH(24, 0, 4), B32(3), B32(0)};

static const uint8_t getxattr_req[] = {IH(55, FUSE_GETXATTR, 4, 0x1234),
	B32(3), B32(0), 'u', 's', 'e', 'r', '.', 'x', 0};
static const uint8_t getxattr_rep[] = {OH(19, 0, 4), 'a', 'b', 'c'};

static const uint8_t listxattrq_req[] = {IH(48, FUSE_LISTXATTR, 4, 0x1234),
	B32(0), B32(0)};
static const uint8_t listxattrq_rep[] = {OH(24, 0, 4), B32(14), B32(0)};

static const uint8_t listxattr_req[] = {IH(48, FUSE_LISTXATTR, 4, 0x1234),
	B32(14), B32(0)};
static const uint8_t listxattr_rep[] = {OH(30, 0, 4),
	'u', 's', 'e', 'r', '.', 'x', 0, 'u', 's', 'e', 'r', '.', 'y', 0};

/* --------------------------------------------------------------- locks */

static const uint8_t getlk_req[] = {IH(88, FUSE_GETLK, 4, 0x1234),
	B64(0xabc), B64(0x77), B64(0), B64(99), B32(1), B32(4242),
	B32(0), B32(0)};
static const uint8_t getlk_rep[] = {OH(40, 0, 4),
	B64(10), B64(19), B32(0), B32(999)};

static const uint8_t setlk_req[] = {IH(88, FUSE_SETLK, 4, 0x1234),
	B64(0xabc), B64(0x77), B64(100), B64(199), B32(0), B32(4242),
	B32(FUSE_LK_FLOCK), B32(0)};

static const uint8_t setlkw_req[] = {IH(88, FUSE_SETLKW, 4, 0x1234),
	B64(0xabc), B64(0x77), B64(0), B64(0x7fffffffffffffff), B32(1),
	B32(4242), B32(0), B32(0)};

/* --------------------------------------------------------- directories */

static const uint8_t opendir_req[] = {IH(48, FUSE_OPENDIR, 4, 1),
	B32(0), B32(0)};
static const uint8_t opendir_rep[] = {OH(32, 0, 4),
	B64(0xd1), B32(0), B32(0)};

static const uint8_t readdir_req[] = {IH(80, FUSE_READDIR, 4, 0x58),
	B64(0xd1), B64(0), B32(136), B32(0), B64(0), B32(0), B32(0)};
static const uint8_t readdir_rep[] = {OH(152, 0, 4),
	B64(0x58), B64(1), B32(1), B32(DT_DIR), '.', 0, 0, 0, 0, 0, 0, 0,
	B64(1), B64(2), B32(2), B32(DT_DIR), '.', '.', 0, 0, 0, 0, 0, 0,
	B64(0x1234), B64(3), B32(9), B32(DT_REG),
	'h', 'e', 'l', 'l', 'o', '.', 't', 'x', 't', 0, 0, 0, 0, 0, 0, 0,
	B64(0x5a), B64(4), B32(3), B32(DT_DIR), 's', 'u', 'b', 0, 0, 0, 0, 0};
static const struct t_fg_dirent readdir_ents[] = {
	{0x58, 1, DT_DIR, ".", 0, false},
	{1, 2, DT_DIR, "..", 0, false},
	{0x1234, 3, DT_REG, "hello.txt", 0, false},
	{0x5a, 4, DT_DIR, "sub", 0, false},
};

static const uint8_t readdirplus_req[] = {IH(80, FUSE_READDIRPLUS, 4, 0x58),
	B64(0xd1), B64(0), B32(488), B32(0), B64(0), B32(0), B32(0)};
static const uint8_t readdirplus_rep[] = {OH(504, 0, 4),
	Z32, Z32, Z32, Z32,
	B64(0x58), B64(1), B32(1), B32(DT_DIR), '.', 0, 0, 0, 0, 0, 0, 0,
	ENTRY_B(0x1234, 13, 0100644, 1),
	B64(0x1234), B64(2), B32(9), B32(DT_REG),
	'h', 'e', 'l', 'l', 'o', '.', 't', 'x', 't', 0, 0, 0, 0, 0, 0, 0,
	ENTRY_B(0x5a, 4096, 040755, 2),
	B64(0x5a), B64(3), B32(3), B32(DT_DIR), 's', 'u', 'b', 0, 0, 0, 0, 0};
static const struct t_fg_dirent readdirplus_ents[] = {
	{0x58, 1, DT_DIR, ".", 0, false},
	{0x1234, 2, DT_REG, "hello.txt", 0x1234, true},
	{0x5a, 3, DT_DIR, "sub", 0x5a, true},
};

static const uint8_t releasedir_req[] = {IH(64, FUSE_RELEASEDIR, 4, 0x58),
	B64(0xd1), B32(0), B32(0), B64(0)};
static const uint8_t fsyncdir_req[] = {IH(56, FUSE_FSYNCDIR, 4, 0x58),
	B64(0xd1), B32(0), B32(0)};

/* ------------------------------------------------ the session's own */

/* We offer 7.38, 1 MiB readahead and ASYNC_READ POSIX_LOCKS
 * ATOMIC_O_TRUNC EXPORT_SUPPORT BIG_WRITES DONT_MASK FLOCK_LOCKS
 * DO_READDIRPLUS PARALLEL_DIROPS HANDLE_KILLPRIV MAX_PAGES (0x4c247b). */
static const uint8_t init_req[] = {IH0(104, FUSE_INIT, 2, 0),
	B32(7), B32(38), B32(0x100000), B32(0x4c247b), B32(0),
	Z32, Z8, B32(0)};
/* The backend grants ASYNC_READ BIG_WRITES DO_READDIRPLUS MAX_PAGES and
 * WRITEBACK_CACHE (not offered: dropped), 128 KiB writes, 32 pages. */
static const uint8_t init_rep[] = {OH(80, 0, 2),
	B32(7), B32(38), B32(0x20000), B32(0x412021), B16(16), B16(12),
	B32(0x20000), B32(1), B16(32), B16(0), B32(0), Z8, Z8, Z8, B32(0)};

/* LOOKUPs of 7 (unique 4) and 8 (unique 6) came first. */
static const uint8_t forget_req[] = {IH0(48, FUSE_FORGET, 6, 7), B64(1)};
static const uint8_t batch_forget_req[] = {
	IH0(80, FUSE_BATCH_FORGET, 8, 0), B32(2), B32(0),
	B64(7), B64(1), B64(8), B64(1)};

/* The SETLKW below is unique 4; its interrupt is 4 | 1. */
static const uint8_t interrupt_req[] = {IH0(48, FUSE_INTERRUPT, 5, 0),
	B64(4)};
static const uint8_t interrupt_rep[] = {OH(16, -EAGAIN, 5)};

static const uint8_t destroy_req[] = {IH0(40, FUSE_DESTROY, 4, 0)};

#define SETLKW_OP                                                              \
	{                                                                      \
		.opcode = FUSE_SETLKW, .nodeid = 0x1234, .ctx = CTX,           \
		IN(fuse_lk_in, .fh = 0xabc, .owner = 0x77,                     \
		    .lk = {.start = 0, .end = 0x7fffffffffffffff, .type = 1,   \
		        .pid = 4242})                                          \
	}

const struct t_fg_vector t_fg_vectors[] = {
	{
		.name = "LOOKUP", .opcode = FUSE_LOOKUP, ORIGIN,
		.op = {.opcode = FUSE_LOOKUP, .nodeid = 1, .ctx = CTX,
		    NAME("hello.txt")},
		REQ(lookup_req), REP(lookup_rep),
		.want = {.opcode = FUSE_LOOKUP, .len = 128,
		    .entry = ENTRY_W(0x1234, 13, 0100644, 1)},
	},
	{
		.name = "LOOKUP negative", .opcode = FUSE_LOOKUP, ORIGIN,
		.op = {.opcode = FUSE_LOOKUP, .nodeid = 1, .ctx = CTX,
		    NAME("nothere")},
		REQ(lookupneg_req), REP(lookupneg_rep),
		.want = {.error = -ENOENT, .opcode = FUSE_LOOKUP, .len = 128,
		    .entry = {.entry_valid = 5}},
	},
	{
		.name = "FORGET", .opcode = FUSE_FORGET, ORIGIN,
		.how = T_FG_FORGET, .forget = {7},
		REQ(forget_req),
	},
	{
		.name = "BATCH_FORGET", .opcode = FUSE_BATCH_FORGET, ORIGIN,
		.how = T_FG_FORGET, .forget = {7, 8},
		REQ(batch_forget_req),
	},
	{
		.name = "GETATTR", .opcode = FUSE_GETATTR, ORIGIN,
		.op = {.opcode = FUSE_GETATTR, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_getattr_in, .getattr_flags = FUSE_GETATTR_FH,
		        .fh = 0xabc)},
		REQ(getattr_req), REP(getattr_rep),
		.want = {.opcode = FUSE_GETATTR, .len = 104,
		    .attr = ATTROUT_W(0x1234, 13, 0100644, 1)},
	},
	{
		.name = "SETATTR", .opcode = FUSE_SETATTR, ORIGIN,
		.op = {.opcode = FUSE_SETATTR, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_setattr_in, .valid = FATTR_MODE | FATTR_SIZE,
		        .size = 4096, .mode = 0100600)},
		REQ(setattr_req), REP(setattr_rep),
		.want = {.opcode = FUSE_SETATTR, .len = 104,
		    .attr = ATTROUT_W(0x1234, 4096, 0100600, 1)},
	},
	{
		.name = "READLINK", .opcode = FUSE_READLINK, ORIGIN,
		.op = {.opcode = FUSE_READLINK, .nodeid = 0x56, .ctx = CTX},
		REQ(readlink_req), REP(readlink_rep),
		.var = true, .extra_ok = true,
		.want = {.opcode = FUSE_READLINK, .len = 11},
	},
	{
		.name = "SYMLINK", .opcode = FUSE_SYMLINK, ORIGIN,
		.op = {.opcode = FUSE_SYMLINK, .nodeid = 1, .ctx = CTX,
		    NAME("link"), NAME2("target/file")},
		REQ(symlink_req), REP(symlink_rep),
		.want = {.opcode = FUSE_SYMLINK, .len = 128,
		    .entry = ENTRY_W(0x56, 11, 0120777, 1)},
	},
	{
		.name = "MKNOD", .opcode = FUSE_MKNOD, ORIGIN,
		.op = {.opcode = FUSE_MKNOD, .nodeid = 1, .ctx = CTX,
		    IN(fuse_mknod_in, .mode = 010644, .umask = 022),
		    NAME("fifo")},
		REQ(mknod_req), REP(mknod_rep),
		.want = {.opcode = FUSE_MKNOD, .len = 128,
		    .entry = ENTRY_W(0x57, 0, 010644, 1)},
	},
	{
		.name = "MKDIR", .opcode = FUSE_MKDIR, ORIGIN,
		.op = {.opcode = FUSE_MKDIR, .nodeid = 1, .ctx = CTX,
		    IN(fuse_mkdir_in, .mode = 040755, .umask = 022),
		    NAME("dir")},
		REQ(mkdir_req), REP(mkdir_rep),
		.want = {.opcode = FUSE_MKDIR, .len = 128,
		    .entry = ENTRY_W(0x58, 4096, 040755, 2)},
	},
	{
		.name = "UNLINK", .opcode = FUSE_UNLINK, ORIGIN,
		.op = {.opcode = FUSE_UNLINK, .nodeid = 1, .ctx = CTX,
		    NAME("gone")},
		REQ(unlink_req), REP(rep_empty),
		.want = {.opcode = FUSE_UNLINK},
	},
	{
		.name = "RMDIR", .opcode = FUSE_RMDIR, ORIGIN,
		.op = {.opcode = FUSE_RMDIR, .nodeid = 1, .ctx = CTX,
		    NAME("olddir")},
		REQ(rmdir_req), REP(rep_empty),
		.want = {.opcode = FUSE_RMDIR},
	},
	{
		.name = "RENAME", .opcode = FUSE_RENAME, ORIGIN,
		.op = {.opcode = FUSE_RENAME, .nodeid = 1, .ctx = CTX,
		    IN(fuse_rename_in, .newdir = 0x58), NAME("a"), NAME2("b")},
		REQ(rename_req), REP(rep_empty),
		.want = {.opcode = FUSE_RENAME},
	},
	{
		.name = "RENAME2", .opcode = FUSE_RENAME2, ORIGIN,
		.op = {.opcode = FUSE_RENAME2, .nodeid = 1, .ctx = CTX,
		    IN(fuse_rename2_in, .newdir = 0x58, .flags = 1), NAME("a"),
		    NAME2("b")},
		REQ(rename2_req), REP(rep_empty),
		.want = {.opcode = FUSE_RENAME2},
	},
	{
		.name = "LINK", .opcode = FUSE_LINK, ORIGIN,
		.op = {.opcode = FUSE_LINK, .nodeid = 0x58, .ctx = CTX,
		    IN(fuse_link_in, .oldnodeid = 0x1234), NAME("hard")},
		REQ(link_req), REP(link_rep),
		.want = {.opcode = FUSE_LINK, .len = 128,
		    .entry = ENTRY_W(0x1234, 13, 0100644, 2)},
	},
	{
		.name = "OPEN", .opcode = FUSE_OPEN, ORIGIN,
		.op = {.opcode = FUSE_OPEN, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_open_in, .flags = 2)},
		REQ(open_req), REP(open_rep),
		.want = {.opcode = FUSE_OPEN, .len = 16,
		    .open = {.fh = 0xabc, .open_flags = FOPEN_KEEP_CACHE}},
	},
	{
		.name = "READ", .opcode = FUSE_READ, ORIGIN,
		.op = {.opcode = FUSE_READ, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_read_in, .fh = 0xabc, .offset = 4096, .size = 8,
		        .flags = 2)},
		REQ(read_req), REP(read_rep), .var = true,
		.want = {.opcode = FUSE_READ, .len = 8},
	},
	{
		.name = "WRITE", .opcode = FUSE_WRITE, ORIGIN,
		.op = {.opcode = FUSE_WRITE, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_write_in, .fh = 0xabc, .size = 5, .flags = 2),
		    .data = "hello", .data_len = 5},
		REQ(write_req), REP(write_rep),
		.want = {.opcode = FUSE_WRITE, .len = 8, .write = {.size = 5}},
	},
	{
		.name = "STATFS", .opcode = FUSE_STATFS, ORIGIN,
		.op = {.opcode = FUSE_STATFS, .nodeid = 1, .ctx = CTX},
		REQ(statfs_req), REP(statfs_rep),
		.want = {.opcode = FUSE_STATFS, .len = 80,
		    .statfs = {.st = {.blocks = 1000000, .bfree = 500000,
		        .bavail = 400000, .files = 100000, .ffree = 90000,
		        .bsize = 4096, .namelen = 255, .frsize = 4096}}},
	},
	{
		.name = "RELEASE", .opcode = FUSE_RELEASE, ORIGIN,
		.op = {.opcode = FUSE_RELEASE, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_release_in, .fh = 0xabc, .flags = 2)},
		REQ(release_req), REP(rep_empty),
		.want = {.opcode = FUSE_RELEASE},
	},
	{
		.name = "FSYNC", .opcode = FUSE_FSYNC, ORIGIN,
		.op = {.opcode = FUSE_FSYNC, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_fsync_in, .fh = 0xabc, .fsync_flags = 1)},
		REQ(fsync_req), REP(rep_empty),
		.want = {.opcode = FUSE_FSYNC},
	},
	{
		.name = "SETXATTR", .opcode = FUSE_SETXATTR, ORIGIN,
		.op = {.opcode = FUSE_SETXATTR, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_setxattr_in, .size = 3, .flags = 1),
		    NAME("user.x"), .data = "abc", .data_len = 3},
		REQ(setxattr_req), REP(rep_empty),
		.want = {.opcode = FUSE_SETXATTR},
	},
	{
		.name = "GETXATTR size query", .opcode = FUSE_GETXATTR, ORIGIN,
		.op = {.opcode = FUSE_GETXATTR, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_getxattr_in, .size = 0), NAME("user.x")},
		REQ(getxattrq_req), REP(getxattrq_rep),
		.want = {.opcode = FUSE_GETXATTR, .len = 8,
		    .xattr = {.size = 3}},
	},
	{
		.name = "GETXATTR", .opcode = FUSE_GETXATTR, ORIGIN,
		.op = {.opcode = FUSE_GETXATTR, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_getxattr_in, .size = 3), NAME("user.x")},
		REQ(getxattr_req), REP(getxattr_rep), .var = true,
		.want = {.opcode = FUSE_GETXATTR, .len = 3},
	},
	{
		.name = "LISTXATTR size query", .opcode = FUSE_LISTXATTR,
		ORIGIN,
		.op = {.opcode = FUSE_LISTXATTR, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_getxattr_in, .size = 0)},
		REQ(listxattrq_req), REP(listxattrq_rep),
		.want = {.opcode = FUSE_LISTXATTR, .len = 8,
		    .xattr = {.size = 14}},
	},
	{
		.name = "LISTXATTR", .opcode = FUSE_LISTXATTR, ORIGIN,
		.op = {.opcode = FUSE_LISTXATTR, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_getxattr_in, .size = 14)},
		REQ(listxattr_req), REP(listxattr_rep), .var = true,
		.want = {.opcode = FUSE_LISTXATTR, .len = 14},
	},
	{
		.name = "REMOVEXATTR", .opcode = FUSE_REMOVEXATTR, ORIGIN,
		.op = {.opcode = FUSE_REMOVEXATTR, .nodeid = 0x1234, .ctx = CTX,
		    NAME("user.x")},
		REQ(removexattr_req), REP(rep_empty),
		.want = {.opcode = FUSE_REMOVEXATTR},
	},
	{
		.name = "FLUSH", .opcode = FUSE_FLUSH, ORIGIN,
		.op = {.opcode = FUSE_FLUSH, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_flush_in, .fh = 0xabc,
		        .lock_owner = 0x1111222233334444)},
		REQ(flush_req), REP(rep_empty),
		.want = {.opcode = FUSE_FLUSH},
	},
	{
		.name = "INIT", .opcode = FUSE_INIT, ORIGIN, .how = T_FG_INIT,
		REQ(init_req), REP(init_rep), .extra_ok = true,
		.info = {.major = 7, .minor = 38, .flags = 0x402021,
		    .max_write = 0x20000, .max_readahead = 0x20000,
		    .max_pages = 32, .time_gran = 1},
	},
	{
		.name = "OPENDIR", .opcode = FUSE_OPENDIR, ORIGIN,
		.op = {.opcode = FUSE_OPENDIR, .nodeid = 1, .ctx = CTX,
		    IN(fuse_open_in, .flags = 0)},
		REQ(opendir_req), REP(opendir_rep),
		.want = {.opcode = FUSE_OPENDIR, .len = 16,
		    .open = {.fh = 0xd1}},
	},
	{
		.name = "READDIR", .opcode = FUSE_READDIR, ORIGIN,
		.op = {.opcode = FUSE_READDIR, .nodeid = 0x58, .ctx = CTX,
		    IN(fuse_read_in, .fh = 0xd1, .size = 136)},
		REQ(readdir_req), REP(readdir_rep), .var = true,
		.want = {.opcode = FUSE_READDIR, .len = 136},
		DIRENTS(readdir_ents),
	},
	{
		.name = "RELEASEDIR", .opcode = FUSE_RELEASEDIR, ORIGIN,
		.op = {.opcode = FUSE_RELEASEDIR, .nodeid = 0x58, .ctx = CTX,
		    IN(fuse_release_in, .fh = 0xd1)},
		REQ(releasedir_req), REP(rep_empty),
		.want = {.opcode = FUSE_RELEASEDIR},
	},
	{
		.name = "FSYNCDIR", .opcode = FUSE_FSYNCDIR, ORIGIN,
		.op = {.opcode = FUSE_FSYNCDIR, .nodeid = 0x58, .ctx = CTX,
		    IN(fuse_fsync_in, .fh = 0xd1)},
		REQ(fsyncdir_req), REP(rep_empty),
		.want = {.opcode = FUSE_FSYNCDIR},
	},
	{
		.name = "GETLK", .opcode = FUSE_GETLK, ORIGIN,
		.op = {.opcode = FUSE_GETLK, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_lk_in, .fh = 0xabc, .owner = 0x77,
		        .lk = {.start = 0, .end = 99, .type = 1, .pid = 4242})},
		REQ(getlk_req), REP(getlk_rep),
		.want = {.opcode = FUSE_GETLK, .len = 24,
		    .lk = {.lk = {.start = 10, .end = 19, .type = 0,
		        .pid = 999}}},
	},
	{
		.name = "SETLK", .opcode = FUSE_SETLK, ORIGIN,
		.op = {.opcode = FUSE_SETLK, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_lk_in, .fh = 0xabc, .owner = 0x77,
		        .lk = {.start = 100, .end = 199, .type = 0,
		            .pid = 4242},
		        .lk_flags = FUSE_LK_FLOCK)},
		REQ(setlk_req), REP(rep_empty),
		.want = {.opcode = FUSE_SETLK},
	},
	{
		.name = "SETLKW", .opcode = FUSE_SETLKW, ORIGIN,
		.op = SETLKW_OP,
		REQ(setlkw_req), REP(rep_empty),
		.want = {.opcode = FUSE_SETLKW},
	},
	{
		.name = "ACCESS", .opcode = FUSE_ACCESS, ORIGIN,
		.op = {.opcode = FUSE_ACCESS, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_access_in, .mask = 4)},
		REQ(access_req), REP(rep_empty),
		.want = {.opcode = FUSE_ACCESS},
	},
	{
		.name = "CREATE", .opcode = FUSE_CREATE, ORIGIN,
		.op = {.opcode = FUSE_CREATE, .nodeid = 1, .ctx = CTX,
		    IN(fuse_create_in, .flags = 0301, .mode = 0100644,
		        .umask = 022),
		    NAME("new.txt")},
		REQ(create_req), REP(create_rep),
		.want = {.opcode = FUSE_CREATE, .len = 144,
		    .entry = ENTRY_W(0x59, 0, 0100644, 1),
		    .open = {.fh = 0xabd, .open_flags = FOPEN_DIRECT_IO}},
	},
	{
		.name = "INTERRUPT", .opcode = FUSE_INTERRUPT, ORIGIN,
		.how = T_FG_INTERRUPT, .op = SETLKW_OP,
		REQ(interrupt_req), REP(interrupt_rep),
		.want = {.error = -EAGAIN, .opcode = FUSE_INTERRUPT},
	},
	{
		.name = "BMAP", .opcode = FUSE_BMAP, ORIGIN,
		.op = {.opcode = FUSE_BMAP, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_bmap_in, .block = 10, .blocksize = 4096)},
		REQ(bmap_req), REP(bmap_rep),
		.want = {.opcode = FUSE_BMAP, .len = 8},
	},
	{
		.name = "DESTROY", .opcode = FUSE_DESTROY, ORIGIN,
		.how = T_FG_DESTROY,
		REQ(destroy_req),
	},
	{
		.name = "FALLOCATE", .opcode = FUSE_FALLOCATE, ORIGIN,
		.op = {.opcode = FUSE_FALLOCATE, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_fallocate_in, .fh = 0xabc, .length = 65536)},
		REQ(fallocate_req), REP(rep_empty),
		.want = {.opcode = FUSE_FALLOCATE},
	},
	{
		.name = "READDIRPLUS", .opcode = FUSE_READDIRPLUS, ORIGIN,
		.op = {.opcode = FUSE_READDIRPLUS, .nodeid = 0x58, .ctx = CTX,
		    IN(fuse_read_in, .fh = 0xd1, .size = 488)},
		REQ(readdirplus_req), REP(readdirplus_rep), .var = true,
		.want = {.opcode = FUSE_READDIRPLUS, .len = 488},
		DIRENTS(readdirplus_ents),
	},
	{
		.name = "LSEEK", .opcode = FUSE_LSEEK, ORIGIN,
		.op = {.opcode = FUSE_LSEEK, .nodeid = 0x1234, .ctx = CTX,
		    IN(fuse_lseek_in, .fh = 0xabc, .offset = 100, .whence = 3)},
		REQ(lseek_req), REP(lseek_rep),
		.want = {.opcode = FUSE_LSEEK, .len = 8},
	},
	{
		.name = "COPY_FILE_RANGE", .opcode = FUSE_COPY_FILE_RANGE,
		ORIGIN,
		.op = {.opcode = FUSE_COPY_FILE_RANGE, .nodeid = 0x1234,
		    .ctx = CTX,
		    IN(fuse_copy_file_range_in, .fh_in = 0xabc,
		        .nodeid_out = 0x59, .fh_out = 0xabd, .len = 4096)},
		REQ(cfr_req), REP(cfr_rep),
		.want = {.opcode = FUSE_COPY_FILE_RANGE, .len = 8,
		    .write = {.size = 4096}},
	},
	{
		.name = "SYNCFS", .opcode = FUSE_SYNCFS, ORIGIN,
		.op = {.opcode = FUSE_SYNCFS, .nodeid = 1, .ctx = CTX,
		    IN(fuse_syncfs_in, .padding = 0)},
		REQ(syncfs_req), REP(rep_empty),
		.want = {.opcode = FUSE_SYNCFS},
	},
};
/* clang-format on */

const size_t t_fg_nvectors = sizeof(t_fg_vectors) / sizeof(t_fg_vectors[0]);
