/* SPDX-License-Identifier: MIT */
/*
 * 9P2000.u golden vectors: the 9P2000 messages with the .u extras
 * (n_uname, Rerror errno, Tcreate extension, stat extension and ids).
 *
 * Each vector: exact bytes, where they come from, and the fields a decoder
 * must find. Capture bytes are copied from shared/captures (cited by file
 * and message number); "spec" vectors were written from the protocol
 * descriptions. Expected fields are written out, not computed by the codec.
 */
#include "p9_vectors.h"

/* one line per field, bytes 12 to a line */
/* clang-format off */
const struct t_vector t_vectors_2000u[] = {
	{
		.name = "Tversion 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x15\x00\x00\x00\x64\xff\xff\x00\x20\x00\x00\x08"
		    "\x00\x39\x50\x32\x30\x30\x30\x2e\x75"),
		.nul_at = 13,
		.msg = { .type = P9_TVERSION, .tag = 65535, .tversion = {
			.msize = 8192,
			.version = T_S("9P2000.u"),
		} },
	},
	{
		.name = "Rversion 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x15\x00\x00\x00\x65\xff\xff\x00\x20\x00\x00\x08"
		    "\x00\x39\x50\x32\x30\x30\x30\x2e\x75"),
		.nul_at = 13,
		.msg = { .type = P9_RVERSION, .tag = 65535, .rversion = {
			.msize = 8192,
			.version = T_S("9P2000.u"),
		} },
	},
	{
		.name = "Tauth 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x19\x00\x00\x00\x66\x01\x00\x05\x00\x00\x00\x06"
		    "\x00\x67\x6c\x65\x6e\x64\x61\x00\x00\xe8\x03\x00"
		    "\x00"),
		.nul_at = 13,
		.msg = { .type = P9_TAUTH, .tag = 1, .tauth = {
			.afid = 5,
			.uname = T_S("glenda"),
			.aname = T_S(""),
			.n_uname = 1000,
		} },
	},
	{
		.name = "Rauth 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x14\x00\x00\x00\x67\x01\x00\x08\x00\x00\x00\x00"
		    "\x77\x00\x00\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RAUTH, .tag = 1, .rauth = {
			.aqid = T_Q(0x8, 0, 0x77),
		} },
	},
	{
		.name = "Tattach 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x1e\x00\x00\x00\x68\x02\x00\x01\x00\x00\x00\xff"
		    "\xff\xff\xff\x06\x00\x67\x6c\x65\x6e\x64\x61\x01"
		    "\x00\x2f\xe8\x03\x00\x00"),
		.nul_at = 17,
		.msg = { .type = P9_TATTACH, .tag = 2, .tattach = {
			.fid = 1,
			.afid = 0xffffffff,
			.uname = T_S("glenda"),
			.aname = T_S("/"),
			.n_uname = 1000,
		} },
	},
	{
		.name = "Rattach 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x14\x00\x00\x00\x69\x02\x00\x80\x00\x00\x00\x00"
		    "\x01\x00\x00\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RATTACH, .tag = 2, .rattach = {
			.qid = T_Q(0x80, 0, 0x1),
		} },
	},
	{
		.name = "Rerror 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x20\x00\x00\x00\x6b\x03\x00\x13\x00\x66\x69\x6c"
		    "\x65\x20\x64\x6f\x65\x73\x20\x6e\x6f\x74\x20\x65"
		    "\x78\x69\x73\x74\x02\x00\x00\x00"),
		.nul_at = 9,
		.msg = { .type = P9_RERROR, .tag = 3, .rerror = {
			.ename = T_S("file does not exist"),
			.errnum = 2,
		} },
	},
	{
		.name = "Tflush 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x09\x00\x00\x00\x6c\x04\x00\x03\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TFLUSH, .tag = 4, .tflush = {
			.oldtag = 3,
		} },
	},
	{
		.name = "Rflush 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x07\x00\x00\x00\x6d\x04\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RFLUSH, .tag = 4 },
	},
	{
		.name = "Twalk 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x1e\x00\x00\x00\x6e\x05\x00\x01\x00\x00\x00\x02"
		    "\x00\x00\x00\x02\x00\x03\x00\x75\x73\x72\x06\x00"
		    "\x67\x6c\x65\x6e\x64\x61"),
		.nul_at = 19,
		.msg = { .type = P9_TWALK, .tag = 5, .twalk = {
			.fid = 1,
			.newfid = 2,
			.nwname = 2,
			.wname = { T_S("usr"), T_S("glenda") },
		} },
	},
	{
		.name = "Rwalk 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x23\x00\x00\x00\x6f\x05\x00\x02\x00\x80\x00\x00"
		    "\x00\x00\x2a\x00\x00\x00\x00\x00\x00\x00\x80\x03"
		    "\x00\x00\x00\x2b\x00\x00\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RWALK, .tag = 5, .rwalk = {
			.nwqid = 2,
			.wqid = { T_Q(0x80, 0, 0x2a), T_Q(0x80, 3, 0x2b) },
		} },
	},
	{
		.name = "Twalk 9P2000.u (2)",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x11\x00\x00\x00\x6e\x06\x00\x02\x00\x00\x00\x03"
		    "\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TWALK, .tag = 6, .twalk = {
			.fid = 2,
			.newfid = 3,
			.nwname = 0,
		} },
	},
	{
		.name = "Rwalk 9P2000.u (2)",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x09\x00\x00\x00\x6f\x06\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RWALK, .tag = 6, .rwalk = {
			.nwqid = 0,
		} },
	},
	{
		.name = "Topen 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x0c\x00\x00\x00\x70\x07\x00\x03\x00\x00\x00\x12"),
		.nul_at = 0,
		.msg = { .type = P9_TOPEN, .tag = 7, .topen = {
			.fid = 3,
			.mode = 18,
		} },
	},
	{
		.name = "Ropen 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x18\x00\x00\x00\x71\x07\x00\x00\x07\x00\x00\x00"
		    "\x34\x12\x00\x00\x00\x00\x00\x00\xe8\x1f\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_ROPEN, .tag = 7, .ropen = {
			.qid = T_Q(0x0, 7, 0x1234),
			.iounit = 8168,
		} },
	},
	{
		.name = "Tcreate 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x1d\x00\x00\x00\x72\x08\x00\x02\x00\x00\x00\x04"
		    "\x00\x6c\x69\x6e\x6b\xff\x01\x00\x02\x00\x05\x00"
		    "\x6e\x6f\x74\x65\x73"),
		.nul_at = 13,
		.msg = { .type = P9_TCREATE, .tag = 8, .tcreate = {
			.fid = 2,
			.name = T_S("link"),
			.perm = 0x20001ff,
			.mode = 0,
			.extension = T_S("notes"),
		} },
	},
	{
		.name = "Rcreate 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x18\x00\x00\x00\x73\x08\x00\x00\x07\x00\x00\x00"
		    "\x34\x12\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RCREATE, .tag = 8, .rcreate = {
			.qid = T_Q(0x0, 7, 0x1234),
			.iounit = 0,
		} },
	},
	{
		.name = "Tread 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x17\x00\x00\x00\x74\x09\x00\x03\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\xe8\x1f\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TREAD, .tag = 9, .tread = {
			.fid = 3,
			.offset = 0,
			.count = 8168,
		} },
	},
	{
		.name = "Rread 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x10\x00\x00\x00\x75\x09\x00\x05\x00\x00\x00\x68"
		    "\x65\x6c\x6c\x6f"),
		.nul_at = 0,
		.msg = { .type = P9_RREAD, .tag = 9, .rread = {
			.count = 5,
			.data = "hello",
		} },
	},
	{
		.name = "Twrite 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x1d\x00\x00\x00\x76\x0a\x00\x03\x00\x00\x00\x05"
		    "\x00\x00\x00\x00\x00\x00\x00\x06\x00\x00\x00\x20"
		    "\x77\x6f\x72\x6c\x64"),
		.nul_at = 0,
		.msg = { .type = P9_TWRITE, .tag = 10, .twrite = {
			.fid = 3,
			.offset = 5,
			.count = 6,
			.data = " world",
		} },
	},
	{
		.name = "Rwrite 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x0b\x00\x00\x00\x77\x0a\x00\x06\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RWRITE, .tag = 10, .rwrite = {
			.count = 6,
		} },
	},
	{
		.name = "Tclunk 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x0b\x00\x00\x00\x78\x0b\x00\x03\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TCLUNK, .tag = 11, .tclunk = {
			.fid = 3,
		} },
	},
	{
		.name = "Rclunk 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x07\x00\x00\x00\x79\x0b\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RCLUNK, .tag = 11 },
	},
	{
		.name = "Tremove 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x0b\x00\x00\x00\x7a\x0c\x00\x02\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TREMOVE, .tag = 12, .tremove = {
			.fid = 2,
		} },
	},
	{
		.name = "Rremove 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x07\x00\x00\x00\x7b\x0c\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RREMOVE, .tag = 12 },
	},
	{
		.name = "Tstat 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x0b\x00\x00\x00\x7c\x0d\x00\x01\x00\x00\x00"),
		.nul_at = 0,
		.msg = { .type = P9_TSTAT, .tag = 13, .tstat = {
			.fid = 1,
		} },
	},
	{
		.name = "Rstat 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x5c\x00\x00\x00\x7d\x0d\x00\x53\x00\x51\x00\x03"
		    "\x00\x09\x00\x00\x00\x00\x07\x00\x00\x00\x34\x12"
		    "\x00\x00\x00\x00\x00\x00\xa4\x01\x00\x00\x25\x7d"
		    "\x93\x65\xf8\x7c\x93\x65\x0b\x00\x00\x00\x00\x00"
		    "\x00\x00\x05\x00\x6e\x6f\x74\x65\x73\x06\x00\x67"
		    "\x6c\x65\x6e\x64\x61\x03\x00\x73\x79\x73\x06\x00"
		    "\x62\x6f\x6f\x74\x65\x73\x00\x00\xe8\x03\x00\x00"
		    "\x03\x00\x00\x00\xe9\x03\x00\x00"),
		.nul_at = 52,
		.msg = { .type = P9_RSTAT, .tag = 13, .rstat = {
			.stat = {
				.size = 81,
				.type = 3,
				.dev = 9,
				.qid = T_Q(0x0, 7, 0x1234),
				.mode = 420,
				.atime = 0x65937d25,
				.mtime = 0x65937cf8,
				.length = 11,
				.name = T_S("notes"),
				.uid = T_S("glenda"),
				.gid = T_S("sys"),
				.muid = T_S("bootes"),
				.extension = T_S(""),
				.n_uid = 1000,
				.n_gid = 3,
				.n_muid = 1001,
			},
		} },
	},
	{
		.name = "Twstat 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x53\x00\x00\x00\x7e\x0e\x00\x01\x00\x00\x00\x46"
		    "\x00\x44\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff"
		    "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
		    "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
		    "\xff\xff\xff\xff\xff\xff\x07\x00\x72\x65\x6e\x61"
		    "\x6d\x65\x64\x00\x00\x00\x00\x00\x00\x00\x00\xff"
		    "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
		.nul_at = 56,
		.msg = { .type = P9_TWSTAT, .tag = 14, .twstat = {
			.fid = 1,
			.stat = {
				.size = 68,
				.type = 0xffff,
				.dev = 0xffffffff,
				.qid = T_Q(0xff, 0xffffffff,
				    0xffffffffffffffff),
				.mode = 0xffffffff,
				.atime = 0xffffffff,
				.mtime = 0xffffffff,
				.length = 0xffffffffffffffff,
				.name = T_S("renamed"),
				.uid = T_S(""),
				.gid = T_S(""),
				.muid = T_S(""),
				.extension = T_S(""),
				.n_uid = 0xffffffff,
				.n_gid = 0xffffffff,
				.n_muid = 0xffffffff,
			},
		} },
	},
	{
		.name = "Rwstat 9P2000.u",
		.dialect = P9_V_2000U,
		.origin = "spec",
		T_BYTES("\x07\x00\x00\x00\x7f\x0e\x00"),
		.nul_at = 0,
		.msg = { .type = P9_RWSTAT, .tag = 14 },
	},
};
const size_t t_nvectors_2000u =
    sizeof(t_vectors_2000u) / sizeof(t_vectors_2000u[0]);
/* clang-format on */
