/* SPDX-License-Identifier: MIT */
/*
 * 9P2000.L golden vectors, session and I/O: version, attach, walk,
 * getattr, lopen, readdir, read, clunk, Rlerror (Linux 6.1 v9fs <-> diod
 * capture), and spec vectors for auth and flush, which it does not contain.
 *
 * Each vector: exact bytes, where they come from, and the fields a decoder
 * must find. Capture bytes are copied from shared/captures (cited by file
 * and message number); "spec" vectors were written from the protocol
 * descriptions. Expected fields are written out, not computed by the codec.
 */
#include "p9_vectors.h"

/* one line per field, bytes 12 to a line */
/* clang-format off */
const struct t_vector t_vectors_2000l[] = {
	{
		.name = "Tversion 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#1 (Tversion)",
		T_BYTES("\x15\x00\x00\x00\x64\xff\xff\x00\x00\x01\x00\x08"
		    "\x00\x39\x50\x32\x30\x30\x30\x2e\x4c"),
		.nul_at = 13,
		.msg = { .type = P9_TVERSION, .tag = 65535, .tversion = {
			.msize = 0x10000,
			.version = T_S("9P2000.L"),
		} },
	},
	{
		.name = "Rversion 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#2 (Rversion)",
		T_BYTES("\x15\x00\x00\x00\x65\xff\xff\x00\x00\x01\x00\x08"
		    "\x00\x39\x50\x32\x30\x30\x30\x2e\x4c"),
		.nul_at = 13,
		.msg = { .type = P9_RVERSION, .tag = 65535, .rversion = {
			.msize = 0x10000,
			.version = T_S("9P2000.L"),
		} },
	},
	{
		.name = "Tattach 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#3 (Tattach)",
		T_BYTES("\x28\x00\x00\x00\x68\x00\x00\x00\x00\x00\x00\xff"
		    "\xff\xff\xff\x06\x00\x6e\x6f\x62\x6f\x64\x79\x0b"
		    "\x00\x2f\x74\x6d\x70\x2f\x63\x61\x70\x65\x78\x70"
		    "\xff\xff\xff\xff"),
		.nul_at = 17,
		.msg = { .type = P9_TATTACH, .tag = 0, .tattach = {
			.fid = 0,
			.afid = 0xffffffff,
			.uname = T_S("nobody"),
			.aname = T_S("/tmp/capexp"),
			.n_uname = 0xffffffff,
		} },
	},
	{
		.name = "Rattach 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#4 (Rattach)",
		T_BYTES("\x14\x00\x00\x00\x69\x00\x00\x80\x00\x00\x00\x00"
		    "\x34\x40\xa7\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RATTACH, .tag = 0, .rattach = {
			.qid = T_Q(0x80, 0, 0xa74034),
		} },
	},
	{
		.name = "Tattach 9P2000.L (2)",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#7 (Tattach)",
		T_BYTES("\x22\x00\x00\x00\x68\x00\x00\x01\x00\x00\x00\xff"
		    "\xff\xff\xff\x00\x00\x0b\x00\x2f\x74\x6d\x70\x2f"
		    "\x63\x61\x70\x65\x78\x70\x00\x00\x00\x00"),
		.nul_at = 19,
		.msg = { .type = P9_TATTACH, .tag = 0, .tattach = {
			.fid = 1,
			.afid = 0xffffffff,
			.uname = T_S(""),
			.aname = T_S("/tmp/capexp"),
			.n_uname = 0,
		} },
	},
	{
		.name = "Tgetattr 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#5 (Tgetattr)",
		T_BYTES("\x13\x00\x00\x00\x18\x00\x00\x00\x00\x00\x00\xff"
		    "\x07\x00\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TGETATTR, .tag = 0, .tgetattr = {
			.fid = 0,
			.request_mask = 2047,
		} },
	},
	{
		.name = "Rgetattr 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#6 (Rgetattr)",
		T_BYTES("\xa0\x00\x00\x00\x19\x00\x00\xff\x07\x00\x00\x00"
		    "\x00\x00\x00\x80\x00\x00\x00\x00\x34\x40\xa7\x00"
		    "\x00\x00\x00\x00\xed\x41\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00"
		    "\x00\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00"
		    "\x08\x00\x00\x00\x00\x00\x00\x00\x25\x7d\x93\x65"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x25\x7d\x93\x65\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\xbd\x16\x0d\x6b\x00\x00\x00\x00"
		    "\x19\x6e\x8b\x09\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RGETATTR, .tag = 0, .rgetattr = {
			.valid = 2047,
			.qid = T_Q(0x80, 0, 0xa74034),
			.mode = 0x41ed,
			.uid = 0,
			.gid = 0,
			.nlink = 3,
			.rdev = 0,
			.size = 4096,
			.blksize = 4096,
			.blocks = 8,
			.atime_sec = 0x65937d25,
			.atime_nsec = 0,
			.mtime_sec = 0x65937d25,
			.mtime_nsec = 0,
			.ctime_sec = 0x6b0d16bd,
			.ctime_nsec = 0x98b6e19,
			.btime_sec = 0,
			.btime_nsec = 0,
			.gen = 0,
			.data_version = 0,
		} },
	},
	{
		.name = "Twalk 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#13 (Twalk)",
		T_BYTES("\x21\x00\x00\x00\x6e\x00\x00\x01\x00\x00\x00\x02"
		    "\x00\x00\x00\x01\x00\x0e\x00\x2e\x73\x74\x65\x70"
		    "\x2d\x30\x31\x2d\x6c\x73\x2d\x6c\x61"),
		.nul_at = 19,
		.msg = { .type = P9_TWALK, .tag = 0, .twalk = {
			.fid = 1,
			.newfid = 2,
			.nwname = 1,
			.wname = { T_S(".step-01-ls-la") },
		} },
	},
	{
		.name = "Rwalk 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#16 (Rwalk)",
		T_BYTES("\x16\x00\x00\x00\x6f\x00\x00\x01\x00\x80\x00\x00"
		    "\x00\x00\x36\x40\xa7\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RWALK, .tag = 0, .rwalk = {
			.nwqid = 1,
			.wqid = { T_Q(0x80, 0, 0xa74036) },
		} },
	},
	{
		.name = "Twalk 9P2000.L (2)",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#27 (Twalk)",
		T_BYTES("\x11\x00\x00\x00\x6e\x00\x00\x02\x00\x00\x00\x03"
		    "\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TWALK, .tag = 0, .twalk = {
			.fid = 2,
			.newfid = 3,
			.nwname = 0,
		} },
	},
	{
		.name = "Rwalk 9P2000.L (2)",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#28 (Rwalk)",
		T_BYTES("\x09\x00\x00\x00\x6f\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RWALK, .tag = 0, .rwalk = {
			.nwqid = 0,
		} },
	},
	{
		.name = "Rlerror 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#14 (Rlerror)",
		T_BYTES("\x0b\x00\x00\x00\x07\x00\x00\x02\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RLERROR, .tag = 0, .rlerror = {
			.ecode = 2,
		} },
	},
	{
		.name = "Tclunk 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#21 (Tclunk)",
		T_BYTES("\x0b\x00\x00\x00\x78\x00\x00\x02\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TCLUNK, .tag = 0, .tclunk = {
			.fid = 2,
		} },
	},
	{
		.name = "Rclunk 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#22 (Rclunk)",
		T_BYTES("\x07\x00\x00\x00\x79\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RCLUNK, .tag = 0 },
	},
	{
		.name = "Tlopen 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#29 (Tlopen)",
		T_BYTES("\x0f\x00\x00\x00\x0c\x00\x00\x03\x00\x00\x00\x00"
		    "\x88\x01\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TLOPEN, .tag = 0, .tlopen = {
			.fid = 3,
			.flags = 0x18800,
		} },
	},
	{
		.name = "Rlopen 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#30 (Rlopen)",
		T_BYTES("\x18\x00\x00\x00\x0d\x00\x00\x80\x00\x00\x00\x00"
		    "\x36\x40\xa7\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RLOPEN, .tag = 0, .rlopen = {
			.qid = T_Q(0x80, 0, 0xa74036),
			.iounit = 0,
		} },
	},
	{
		.name = "Treaddir 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#33 (Treaddir)",
		T_BYTES("\x17\x00\x00\x00\x28\x00\x00\x03\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\xe8\xff\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TREADDIR, .tag = 0, .treaddir = {
			.fid = 3,
			.offset = 0,
			.count = 0xffe8,
		} },
	},
	{
		.name = "Rreaddir 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#34 (Rreaddir)",
		T_BYTES("\xd0\x00\x00\x00\x29\x00\x00\xc5\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x38\x40\xa7\x00\x00\x00\x00\x00"
		    "\x17\x9a\x0a\x70\x48\xe2\xfc\x1e\x08\x0a\x00\x72"
		    "\x65\x61\x64\x6d\x65\x2e\x74\x78\x74\x80\x00\x00"
		    "\x00\x00\x36\x40\xa7\x00\x00\x00\x00\x00\x9f\x3c"
		    "\xb8\xd0\x45\x98\x09\x48\x04\x01\x00\x2e\x00\x00"
		    "\x00\x00\x00\x3b\x40\xa7\x00\x00\x00\x00\x00\xbf"
		    "\x3a\x6e\xdf\x4d\xc5\xee\x48\x08\x05\x00\x65\x6d"
		    "\x70\x74\x79\x00\x00\x00\x00\x00\x3a\x40\xa7\x00"
		    "\x00\x00\x00\x00\x1e\xba\x40\x30\xd7\x64\x3a\x58"
		    "\x08\x15\x00\x67\x72\xc3\xbc\xc3\x9f\x65\x2d\xe6"
		    "\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\x2e\x74\x78\x74"
		    "\x80\x00\x00\x00\x00\x34\x40\xa7\x00\x00\x00\x00"
		    "\x00\xc9\x31\x79\x4b\x58\x87\xe8\x6c\x04\x02\x00"
		    "\x2e\x2e\x00\x00\x00\x00\x00\x39\x40\xa7\x00\x00"
		    "\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\x7f\x08"
		    "\x0e\x00\x77\x69\x74\x68\x20\x73\x70\x61\x63\x65"
		    "\x2e\x74\x78\x74"),
		.nul_at = 0,
		.msg = { .type = P9_RREADDIR, .tag = 0, .rreaddir = {
			.count = 197,
			.data = "\000\000\000\000\0008@\247\000\000"
			    "\000\000\000\027\232\012pH\342\374"
			    "\036\010\012\000readme"
			    ".txt\200\000\000\000\0006"
			    "@\247\000\000\000\000\000\237<\270"
			    "\320E\230\011H\004\001\000.\000"
			    "\000\000\000\000;@\247\000\000\000"
			    "\000\000\277:n\337M\305\356H"
			    "\010\005\000empty\000\000"
			    "\000\000\000:@\247\000\000\000\000"
			    "\000\036\272@0\327d:X\010"
			    "\025\000gr\303\274\303\237e-"
			    "\346\227\245\346\234\254\350\252\236."
			    "txt\200\000\000\000\0004@"
			    "\247\000\000\000\000\000\3111yK"
			    "X\207\350l\004\002\000..\000"
			    "\000\000\000\0009@\247\000\000\000"
			    "\000\000\377\377\377\377\377\377\377\177"
			    "\010\016\000with sp"
			    "ace.txt",
		} },
	},
	{
		.name = "Rreaddir 9P2000.L (2)",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#36 (Rreaddir)",
		T_BYTES("\x0b\x00\x00\x00\x29\x00\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RREADDIR, .tag = 0, .rreaddir = {
			.count = 0,
			.data = "",
		} },
	},
	{
		.name = "Tread 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#99 (Tread)",
		T_BYTES("\x17\x00\x00\x00\x74\x00\x00\x03\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\xe8\xff\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TREAD, .tag = 0, .tread = {
			.fid = 3,
			.offset = 0,
			.count = 0xffe8,
		} },
	},
	{
		.name = "Rread 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#100 (Rread)",
		T_BYTES("\x1c\x00\x00\x00\x75\x00\x00\x11\x00\x00\x00\x48"
		    "\x65\x6c\x6c\x6f\x2c\x20\x39\x50\x32\x30\x30\x30"
		    "\x2e\x4c\x21\x0a"),
		.nul_at = 0,
		.msg = { .type = P9_RREAD, .tag = 0, .rread = {
			.count = 17,
			.data = "Hello, 9P2000.L!\012",
		} },
	},
	{
		.name = "Tauth 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "spec",
		T_BYTES("\x1b\x00\x00\x00\x66\x01\x00\x07\x00\x00\x00\x04"
		    "\x00\x75\x73\x65\x72\x04\x00\x2f\x73\x72\x76\xe8"
		    "\x03\x00\x00"),
		.nul_at = 13,
		.msg = { .type = P9_TAUTH, .tag = 1, .tauth = {
			.afid = 7,
			.uname = T_S("user"),
			.aname = T_S("/srv"),
			.n_uname = 1000,
		} },
	},
	{
		.name = "Rauth 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "spec",
		T_BYTES("\x14\x00\x00\x00\x67\x01\x00\x08\x00\x00\x00\x00"
		    "\x99\x00\x00\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RAUTH, .tag = 1, .rauth = {
			.aqid = T_Q(0x8, 0, 0x99),
		} },
	},
	{
		.name = "Tflush 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "spec",
		T_BYTES("\x09\x00\x00\x00\x6c\x02\x00\x01\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TFLUSH, .tag = 2, .tflush = {
			.oldtag = 1,
		} },
	},
	{
		.name = "Rflush 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "spec",
		T_BYTES("\x07\x00\x00\x00\x6d\x02\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RFLUSH, .tag = 2 },
	},
};
const size_t t_nvectors_2000l =
    sizeof(t_vectors_2000l) / sizeof(t_vectors_2000l[0]);
/* clang-format on */
