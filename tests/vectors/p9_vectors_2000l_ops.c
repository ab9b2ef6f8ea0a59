/* SPDX-License-Identifier: MIT */
/*
 * 9P2000.L golden vectors, file operations: create, write, xattrs,
 * setattr, mkdir, rename, links, mknod, locks, statfs, unlink, fsync
 * (Linux 6.1 v9fs <-> diod capture), and spec vectors for the replies it
 * does not contain (Rgetlock, Rrenameat, Runlinkat).
 *
 * Each vector: exact bytes, where they come from, and the fields a decoder
 * must find. Capture bytes are copied from shared/captures (cited by file
 * and message number); "spec" vectors were written from the protocol
 * descriptions. Expected fields are written out, not computed by the codec.
 */
#include "p9_vectors.h"

/* one line per field, bytes 12 to a line */
/* clang-format off */
const struct t_vector t_vectors_2000l_ops[] = {
	{
		.name = "Tlcreate 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#121 (Tlcreate)",
		T_BYTES("\x20\x00\x00\x00\x0e\x00\x00\x02\x00\x00\x00\x07"
		    "\x00\x6e\x65\x77\x2e\x74\x78\x74\x41\x80\x00\x00"
		    "\xa4\x81\x00\x00\x00\x00\x00\x00"),
		.nul_at = 13,
		.msg = { .type = P9_TLCREATE, .tag = 0, .tlcreate = {
			.fid = 2,
			.name = T_S("new.txt"),
			.flags = 0x8041,
			.mode = 0x81a4,
			.gid = 0,
		} },
	},
	{
		.name = "Rlcreate 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#122 (Rlcreate)",
		T_BYTES("\x18\x00\x00\x00\x0f\x00\x00\x00\x00\x00\x00\x00"
		    "\xce\x40\xa7\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RLCREATE, .tag = 0, .rlcreate = {
			.qid = T_Q(0x0, 0, 0xa740ce),
			.iounit = 0,
		} },
	},
	{
		.name = "Twrite 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#127 (Twrite)",
		T_BYTES("\x22\x00\x00\x00\x76\x00\x00\x02\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\x0b\x00\x00\x00\x66"
		    "\x69\x72\x73\x74\x20\x6c\x69\x6e\x65\x0a"),
		.nul_at = 0,
		.msg = { .type = P9_TWRITE, .tag = 0, .twrite = {
			.fid = 2,
			.offset = 0,
			.count = 11,
			.data = "first line\012",
		} },
	},
	{
		.name = "Rwrite 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#128 (Rwrite)",
		T_BYTES("\x0b\x00\x00\x00\x77\x00\x00\x0b\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RWRITE, .tag = 0, .rwrite = {
			.count = 11,
		} },
	},
	{
		.name = "Txattrwalk 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#183 (Txattrwalk)",
		T_BYTES("\x24\x00\x00\x00\x1e\x00\x00\x02\x00\x00\x00\x04"
		    "\x00\x00\x00\x13\x00\x73\x65\x63\x75\x72\x69\x74"
		    "\x79\x2e\x63\x61\x70\x61\x62\x69\x6c\x69\x74\x79"),
		.nul_at = 17,
		.msg = { .type = P9_TXATTRWALK, .tag = 0, .txattrwalk = {
			.fid = 2,
			.newfid = 4,
			.name = T_S("security.capability"),
		} },
	},
	{
		.name = "Txattrwalk 9P2000.L (2)",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#413 (Txattrwalk)",
		T_BYTES("\x1d\x00\x00\x00\x1e\x00\x00\x02\x00\x00\x00\x03"
		    "\x00\x00\x00\x0c\x00\x75\x73\x65\x72\x2e\x63\x61"
		    "\x70\x74\x75\x72\x65"),
		.nul_at = 17,
		.msg = { .type = P9_TXATTRWALK, .tag = 0, .txattrwalk = {
			.fid = 2,
			.newfid = 3,
			.name = T_S("user.capture"),
		} },
	},
	{
		.name = "Rxattrwalk 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#414 (Rxattrwalk)",
		T_BYTES("\x0f\x00\x00\x00\x1f\x00\x00\x0d\x00\x00\x00\x00"
		    "\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RXATTRWALK, .tag = 0, .rxattrwalk = {
			.size = 13,
		} },
	},
	{
		.name = "Txattrcreate 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#401 (Txattrcreate)",
		T_BYTES("\x25\x00\x00\x00\x20\x00\x00\x03\x00\x00\x00\x0c"
		    "\x00\x75\x73\x65\x72\x2e\x63\x61\x70\x74\x75\x72"
		    "\x65\x0d\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x00"),
		.nul_at = 13,
		.msg = { .type = P9_TXATTRCREATE, .tag = 0, .txattrcreate = {
			.fid = 3,
			.name = T_S("user.capture"),
			.attr_size = 13,
			.flags = 0,
		} },
	},
	{
		.name = "Rxattrcreate 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#402 (Rxattrcreate)",
		T_BYTES("\x07\x00\x00\x00\x21\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RXATTRCREATE, .tag = 0 },
	},
	{
		.name = "Tsetattr 9P2000.L (2)",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#185 (Tsetattr)",
		T_BYTES("\x43\x00\x00\x00\x1a\x00\x00\x03\x00\x00\x00\x68"
		    "\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff"
		    "\xff\xff\xff\x06\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TSETATTR, .tag = 0, .tsetattr = {
			.fid = 3,
			.valid = 104,
			.mode = 0,
			.uid = 0xffffffff,
			.gid = 0xffffffff,
			.size = 6,
			.atime_sec = 0,
			.atime_nsec = 0,
			.mtime_sec = 0,
			.mtime_nsec = 0,
		} },
	},
	{
		.name = "Rsetattr 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#186 (Rsetattr)",
		T_BYTES("\x07\x00\x00\x00\x1b\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RSETATTR, .tag = 0 },
	},
	{
		.name = "Tmkdir 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#195 (Tmkdir)",
		T_BYTES("\x1b\x00\x00\x00\x48\x00\x00\x01\x00\x00\x00\x06"
		    "\x00\x6e\x65\x77\x64\x69\x72\xed\x41\x00\x00\x00"
		    "\x00\x00\x00"),
		.nul_at = 13,
		.msg = { .type = P9_TMKDIR, .tag = 0, .tmkdir = {
			.dfid = 1,
			.name = T_S("newdir"),
			.mode = 0x41ed,
			.gid = 0,
		} },
	},
	{
		.name = "Rmkdir 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#196 (Rmkdir)",
		T_BYTES("\x14\x00\x00\x00\x49\x00\x00\x80\x00\x00\x00\x00"
		    "\xcf\x40\xa7\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RMKDIR, .tag = 0, .rmkdir = {
			.qid = T_Q(0x80, 0, 0xa740cf),
		} },
	},
	{
		.name = "Trenameat 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#225 (Trenameat)",
		T_BYTES("\x23\x00\x00\x00\x4a\x00\x00\x04\x00\x00\x00\x07"
		    "\x00\x6e\x65\x77\x2e\x74\x78\x74\x05\x00\x00\x00"
		    "\x09\x00\x6d\x6f\x76\x65\x64\x2e\x74\x78\x74"),
		.nul_at = 13,
		.msg = { .type = P9_TRENAMEAT, .tag = 0, .trenameat = {
			.olddirfid = 4,
			.oldname = T_S("new.txt"),
			.newdirfid = 5,
			.newname = T_S("moved.txt"),
		} },
	},
	{
		.name = "Trename 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#227 (Trename)",
		T_BYTES("\x1a\x00\x00\x00\x14\x00\x00\x03\x00\x00\x00\x05"
		    "\x00\x00\x00\x09\x00\x6d\x6f\x76\x65\x64\x2e\x74"
		    "\x78\x74"),
		.nul_at = 17,
		.msg = { .type = P9_TRENAME, .tag = 0, .trename = {
			.fid = 3,
			.dfid = 5,
			.name = T_S("moved.txt"),
		} },
	},
	{
		.name = "Rrename 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#228 (Rrename)",
		T_BYTES("\x07\x00\x00\x00\x15\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RRENAME, .tag = 0 },
	},
	{
		.name = "Tsymlink 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#243 (Tsymlink)",
		T_BYTES("\x2a\x00\x00\x00\x10\x00\x00\x01\x00\x00\x00\x07"
		    "\x00\x73\x79\x6d\x6c\x69\x6e\x6b\x10\x00\x6e\x65"
		    "\x77\x64\x69\x72\x2f\x6d\x6f\x76\x65\x64\x2e\x74"
		    "\x78\x74\x00\x00\x00\x00"),
		.nul_at = 13,
		.msg = { .type = P9_TSYMLINK, .tag = 0, .tsymlink = {
			.fid = 1,
			.name = T_S("symlink"),
			.symtgt = T_S("newdir/moved.txt"),
			.gid = 0,
		} },
	},
	{
		.name = "Rsymlink 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#244 (Rsymlink)",
		T_BYTES("\x14\x00\x00\x00\x11\x00\x00\x02\x00\x00\x00\x00"
		    "\xd0\x40\xa7\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RSYMLINK, .tag = 0, .rsymlink = {
			.qid = T_Q(0x2, 0, 0xa740d0),
		} },
	},
	{
		.name = "Treadlink 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#251 (Treadlink)",
		T_BYTES("\x0b\x00\x00\x00\x16\x00\x00\x02\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TREADLINK, .tag = 0, .treadlink = {
			.fid = 2,
		} },
	},
	{
		.name = "Rreadlink 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#252 (Rreadlink)",
		T_BYTES("\x19\x00\x00\x00\x17\x00\x00\x10\x00\x6e\x65\x77"
		    "\x64\x69\x72\x2f\x6d\x6f\x76\x65\x64\x2e\x74\x78"
		    "\x74"),
		.nul_at = 9,
		.msg = { .type = P9_RREADLINK, .tag = 0, .rreadlink = {
			.target = T_S("newdir/moved.txt"),
		} },
	},
	{
		.name = "Tlink 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#283 (Tlink)",
		T_BYTES("\x19\x00\x00\x00\x46\x00\x00\x01\x00\x00\x00\x03"
		    "\x00\x00\x00\x08\x00\x68\x61\x72\x64\x6c\x69\x6e"
		    "\x6b"),
		.nul_at = 17,
		.msg = { .type = P9_TLINK, .tag = 0, .tlink = {
			.dfid = 1,
			.fid = 3,
			.name = T_S("hardlink"),
		} },
	},
	{
		.name = "Rlink 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#284 (Rlink)",
		T_BYTES("\x07\x00\x00\x00\x47\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RLINK, .tag = 0 },
	},
	{
		.name = "Tmknod 9P2000.L (2)",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#349 (Tmknod)",
		T_BYTES("\x21\x00\x00\x00\x12\x00\x00\x01\x00\x00\x00\x04"
		    "\x00\x66\x69\x66\x6f\xa4\x11\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
		.nul_at = 13,
		.msg = { .type = P9_TMKNOD, .tag = 0, .tmknod = {
			.dfid = 1,
			.name = T_S("fifo"),
			.mode = 4516,
			.major = 0,
			.minor = 0,
			.gid = 0,
		} },
	},
	{
		.name = "Rmknod 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#350 (Rmknod)",
		T_BYTES("\x14\x00\x00\x00\x13\x00\x00\x00\x00\x00\x00\x00"
		    "\xd3\x40\xa7\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RMKNOD, .tag = 0, .rmknod = {
			.qid = T_Q(0x0, 0, 0xa740d3),
		} },
	},
	{
		.name = "Tlock 9P2000.L (2)",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#365 (Tlock)",
		T_BYTES("\x2a\x00\x00\x00\x34\x00\x00\x03\x00\x00\x00\x01"
		    "\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x00\x00\x00"
		    "\x04\x00\x76\x6d\x39\x70"),
		.nul_at = 38,
		.msg = { .type = P9_TLOCK, .tag = 0, .tlock = {
			.fid = 3,
			.type = 1,
			.flags = 1,
			.start = 0,
			.length = 0,
			.proc_id = 140,
			.client_id = T_S("vm9p"),
		} },
	},
	{
		.name = "Rlock 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#366 (Rlock)",
		T_BYTES("\x08\x00\x00\x00\x35\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RLOCK, .tag = 0, .rlock = {
			.status = 0,
		} },
	},
	{
		.name = "Tgetlock 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#385 (Tgetlock)",
		T_BYTES("\x26\x00\x00\x00\x36\x00\x00\x03\x00\x00\x00\x02"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x64\x00\x00\x00"
		    "\x00\x00\x00\x00\x8d\x00\x00\x00\x04\x00\x76\x6d"
		    "\x39\x70"),
		.nul_at = 34,
		.msg = { .type = P9_TGETLOCK, .tag = 0, .tgetlock = {
			.fid = 3,
			.type = 2,
			.start = 0,
			.length = 100,
			.proc_id = 141,
			.client_id = T_S("vm9p"),
		} },
	},
	{
		.name = "Tstatfs 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#577 (Tstatfs)",
		T_BYTES("\x0b\x00\x00\x00\x08\x00\x00\x01\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TSTATFS, .tag = 0, .tstatfs = {
			.fid = 1,
		} },
	},
	{
		.name = "Rstatfs 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#578 (Rstatfs)",
		T_BYTES("\x43\x00\x00\x00\x09\x00\x00\x97\x19\x02\x01\x00"
		    "\x10\x00\x00\x9d\xe3\xef\x03\x00\x00\x00\x00\x8c"
		    "\xd3\xa6\x03\x00\x00\x00\x00\x78\xb1\x35\x01\x00"
		    "\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x1e"
		    "\x6c\xf9\x00\x00\x00\x00\x00\x74\x32\x4d\x70\xe8"
		    "\x2a\x3f\x9d\xff\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RSTATFS, .tag = 0, .rstatfs = {
			.type = 0x1021997,
			.bsize = 4096,
			.blocks = 0x3efe39d,
			.bfree = 0x3a6d38c,
			.bavail = 0x135b178,
			.files = 0x1000000,
			.ffree = 0xf96c1e,
			.fsid = 0x9d3f2ae8704d3274,
			.namelen = 255,
		} },
	},
	{
		.name = "Tunlinkat 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#613 (Tunlinkat)",
		T_BYTES("\x18\x00\x00\x00\x4c\x00\x00\x01\x00\x00\x00\x07"
		    "\x00\x73\x79\x6d\x6c\x69\x6e\x6b\x00\x00\x00\x00"),
		.nul_at = 13,
		.msg = { .type = P9_TUNLINKAT, .tag = 0, .tunlinkat = {
			.dirfd = 1,
			.name = T_S("symlink"),
			.flags = 0,
		} },
	},
	{
		.name = "Tunlinkat 9P2000.L (2)",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#723 (Tunlinkat)",
		T_BYTES("\x17\x00\x00\x00\x4c\x00\x00\x01\x00\x00\x00\x06"
		    "\x00\x6e\x65\x77\x64\x69\x72\x00\x02\x00\x00"),
		.nul_at = 13,
		.msg = { .type = P9_TUNLINKAT, .tag = 0, .tunlinkat = {
			.dirfd = 1,
			.name = T_S("newdir"),
			.flags = 512,
		} },
	},
	{
		.name = "Tremove 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#617 (Tremove)",
		T_BYTES("\x0b\x00\x00\x00\x7a\x00\x00\x03\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TREMOVE, .tag = 0, .tremove = {
			.fid = 3,
		} },
	},
	{
		.name = "Rremove 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#618 (Rremove)",
		T_BYTES("\x07\x00\x00\x00\x7b\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RREMOVE, .tag = 0 },
	},
	{
		.name = "Tfsync 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#753 (Tfsync)",
		T_BYTES("\x0f\x00\x00\x00\x32\x00\x00\x02\x00\x00\x00\x00"
		    "\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TFSYNC, .tag = 0, .tfsync = {
			.fid = 2,
			.datasync = 0,
		} },
	},
	{
		.name = "Rfsync 9P2000.L",
		.dialect = P9_V_2000L,
		.origin = "capture linux-6.1-v9fs-diod-9p2000L.txt "
		    "#754 (Rfsync)",
		T_BYTES("\x07\x00\x00\x00\x33\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RFSYNC, .tag = 0 },
	},
	{
		.name = "Rgetattr 9P2000.L (3)",
		.dialect = P9_V_2000L,
		.origin = "spec",
		T_BYTES("\xa0\x00\x00\x00\x19\x06\x00\xff\x3f\x00\x00\x00"
		    "\x00\x00\x00\x00\x05\x00\x00\x00\x38\x40\xa7\x00"
		    "\x00\x00\x00\x00\xa4\x81\x00\x00\xe8\x03\x00\x00"
		    "\x64\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00"
		    "\x03\x08\x00\x00\x00\x00\x00\x00\x11\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00"
		    "\x08\x00\x00\x00\x00\x00\x00\x00\x25\x7d\x93\x65"
		    "\x00\x00\x00\x00\x0b\x00\x00\x00\x00\x00\x00\x00"
		    "\x26\x7d\x93\x65\x00\x00\x00\x00\x0c\x00\x00\x00"
		    "\x00\x00\x00\x00\x27\x7d\x93\x65\x00\x00\x00\x00"
		    "\x0d\x00\x00\x00\x00\x00\x00\x00\x28\x7d\x93\x65"
		    "\x00\x00\x00\x00\x0e\x00\x00\x00\x00\x00\x00\x00"
		    "\x0f\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00"
		    "\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RGETATTR, .tag = 6, .rgetattr = {
			.valid = 0x3fff,
			.qid = T_Q(0x0, 5, 0xa74038),
			.mode = 0x81a4,
			.uid = 1000,
			.gid = 100,
			.nlink = 2,
			.rdev = 2051,
			.size = 17,
			.blksize = 4096,
			.blocks = 8,
			.atime_sec = 0x65937d25,
			.atime_nsec = 11,
			.mtime_sec = 0x65937d26,
			.mtime_nsec = 12,
			.ctime_sec = 0x65937d27,
			.ctime_nsec = 13,
			.btime_sec = 0x65937d28,
			.btime_nsec = 14,
			.gen = 15,
			.data_version = 16,
		} },
	},
	{
		.name = "Tsetattr 9P2000.L (3)",
		.dialect = P9_V_2000L,
		.origin = "spec",
		T_BYTES("\x43\x00\x00\x00\x1a\x07\x00\x03\x00\x00\x00\xff"
		    "\x01\x00\x00\xa0\x01\x00\x00\xe8\x03\x00\x00\x64"
		    "\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00\xd9"
		    "\xfc\x55\x64\x00\x00\x00\x00\x15\x00\x00\x00\x00"
		    "\x00\x00\x00\xda\xfc\x55\x64\x00\x00\x00\x00\x16"
		    "\x00\x00\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TSETATTR, .tag = 7, .tsetattr = {
			.fid = 3,
			.valid = 511,
			.mode = 416,
			.uid = 1000,
			.gid = 100,
			.size = 6,
			.atime_sec = 0x6455fcd9,
			.atime_nsec = 21,
			.mtime_sec = 0x6455fcda,
			.mtime_nsec = 22,
		} },
	},
	{
		.name = "Tlock 9P2000.L (3)",
		.dialect = P9_V_2000L,
		.origin = "spec",
		T_BYTES("\x2a\x00\x00\x00\x34\x08\x00\x03\x00\x00\x00\x00"
		    "\x02\x00\x00\x00\x0a\x00\x00\x00\x00\x00\x00\x00"
		    "\x64\x00\x00\x00\x00\x00\x00\x00\x8c\x00\x00\x00"
		    "\x04\x00\x76\x6d\x39\x70"),
		.nul_at = 38,
		.msg = { .type = P9_TLOCK, .tag = 8, .tlock = {
			.fid = 3,
			.type = 0,
			.flags = 2,
			.start = 10,
			.length = 100,
			.proc_id = 140,
			.client_id = T_S("vm9p"),
		} },
	},
	{
		.name = "Tmknod 9P2000.L (3)",
		.dialect = P9_V_2000L,
		.origin = "spec",
		T_BYTES("\x20\x00\x00\x00\x12\x09\x00\x01\x00\x00\x00\x03"
		    "\x00\x73\x64\x61\xb0\x61\x00\x00\x08\x00\x00\x00"
		    "\x01\x00\x00\x00\x06\x00\x00\x00"),
		.nul_at = 13,
		.msg = { .type = P9_TMKNOD, .tag = 9, .tmknod = {
			.dfid = 1,
			.name = T_S("sda"),
			.mode = 0x61b0,
			.major = 8,
			.minor = 1,
			.gid = 6,
		} },
	},
	{
		.name = "Rgetlock 9P2000.L (2)",
		.dialect = P9_V_2000L,
		.origin = "spec",
		T_BYTES("\x22\x00\x00\x00\x37\x03\x00\x01\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x64\x00\x00\x00\x00\x00\x00\x00"
		    "\x8d\x00\x00\x00\x04\x00\x76\x6d\x39\x70"),
		.nul_at = 30,
		.msg = { .type = P9_RGETLOCK, .tag = 3, .rgetlock = {
			.type = 1,
			.start = 0,
			.length = 100,
			.proc_id = 141,
			.client_id = T_S("vm9p"),
		} },
	},
	{
		.name = "Rrenameat 9P2000.L (2)",
		.dialect = P9_V_2000L,
		.origin = "spec",
		T_BYTES("\x07\x00\x00\x00\x4b\x04\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RRENAMEAT, .tag = 4 },
	},
	{
		.name = "Runlinkat 9P2000.L (2)",
		.dialect = P9_V_2000L,
		.origin = "spec",
		T_BYTES("\x07\x00\x00\x00\x4d\x05\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RUNLINKAT, .tag = 5 },
	},
};
const size_t t_nvectors_2000l_ops =
    sizeof(t_vectors_2000l_ops) / sizeof(t_vectors_2000l_ops[0]);
/* clang-format on */
