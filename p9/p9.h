/* SPDX-License-Identifier: MIT */
/*
 * p9: the 9P wire codec of ninegate, for 9P2000, 9P2000.u and 9P2000.L.
 *
 * Every message is a plain struct below and a row of field descriptors in
 * p9_msgs.c; p9_decode, p9_encode, p9_size and p9_fmt walk those rows, so
 * no other code knows a layout. Decoding checks every bound and points
 * strings and bulk data into the caller's frame (nothing is copied or
 * allocated). Encoding computes the size first and never leaves a partial
 * frame. The directory entry helpers (9P2000.L dirents, 9P2000/.u stat
 * entries) use the same tables and the same bounds primitives.
 *
 * What this module deliberately does not do: I/O, allocation, logging, and
 * meaning. Fids, tags, "..", '/' in names, open modes and error policy are
 * the caller's business; the codec only says whether bytes are well formed.
 *
 * Dialects are bit masks. A connection speaks exactly one dialect; every
 * function taking `dialect` expects exactly one P9_V_ bit. Tversion has the
 * same layout in every dialect, so the first message of a connection can be
 * decoded with any single bit.
 */
#ifndef NG_P9_P9_H
#define NG_P9_P9_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ------------------------------------------------------------- dialects */

enum p9_dialect {
	P9_V_2000 = 1,                        /* plain 9P2000 (Plan 9) */
	P9_V_2000U = 2,                       /* 9P2000.u (Unix extensions) */
	P9_V_2000L = 4,                       /* 9P2000.L (Linux) */
	P9_V_2000_U = P9_V_2000 | P9_V_2000U, /* the 9P2000 family */
	P9_V_U_L = P9_V_2000U | P9_V_2000L,   /* numeric-uid extensions */
	P9_V_ALL = 7,
};

/* ---------------------------------------------------------- message types */

enum p9_type {
	P9_TLERROR = 6, /* not a valid message; Rlerror's T-slot */
	P9_RLERROR = 7,
	P9_TSTATFS = 8,
	P9_RSTATFS = 9,
	P9_TLOPEN = 12,
	P9_RLOPEN = 13,
	P9_TLCREATE = 14,
	P9_RLCREATE = 15,
	P9_TSYMLINK = 16,
	P9_RSYMLINK = 17,
	P9_TMKNOD = 18,
	P9_RMKNOD = 19,
	P9_TRENAME = 20,
	P9_RRENAME = 21,
	P9_TREADLINK = 22,
	P9_RREADLINK = 23,
	P9_TGETATTR = 24,
	P9_RGETATTR = 25,
	P9_TSETATTR = 26,
	P9_RSETATTR = 27,
	P9_TXATTRWALK = 30,
	P9_RXATTRWALK = 31,
	P9_TXATTRCREATE = 32,
	P9_RXATTRCREATE = 33,
	P9_TREADDIR = 40,
	P9_RREADDIR = 41,
	P9_TFSYNC = 50,
	P9_RFSYNC = 51,
	P9_TLOCK = 52,
	P9_RLOCK = 53,
	P9_TGETLOCK = 54,
	P9_RGETLOCK = 55,
	P9_TLINK = 70,
	P9_RLINK = 71,
	P9_TMKDIR = 72,
	P9_RMKDIR = 73,
	P9_TRENAMEAT = 74,
	P9_RRENAMEAT = 75,
	P9_TUNLINKAT = 76,
	P9_RUNLINKAT = 77,
	P9_TVERSION = 100,
	P9_RVERSION = 101,
	P9_TAUTH = 102,
	P9_RAUTH = 103,
	P9_TATTACH = 104,
	P9_RATTACH = 105,
	P9_TERROR = 106, /* not a valid message; Rerror's T-slot */
	P9_RERROR = 107,
	P9_TFLUSH = 108,
	P9_RFLUSH = 109,
	P9_TWALK = 110,
	P9_RWALK = 111,
	P9_TOPEN = 112,
	P9_ROPEN = 113,
	P9_TCREATE = 114,
	P9_RCREATE = 115,
	P9_TREAD = 116,
	P9_RREAD = 117,
	P9_TWRITE = 118,
	P9_RWRITE = 119,
	P9_TCLUNK = 120,
	P9_RCLUNK = 121,
	P9_TREMOVE = 122,
	P9_RREMOVE = 123,
	P9_TSTAT = 124,
	P9_RSTAT = 125,
	P9_TWSTAT = 126,
	P9_RWSTAT = 127,
};

/* ------------------------------------------------------------- constants */

#define P9_NOTAG ((uint16_t)0xffff)     /* Tversion's tag */
#define P9_NOFID ((uint32_t)0xffffffff) /* "no fid", e.g. afid without auth */
#define P9_NONUNAME ((uint32_t)0xffffffff) /* n_uname not given */
#define P9_MAXWELEM 16                     /* names per Twalk, qids per Rwalk */

/* size[4] type[1] tag[2]: the smallest frame */
#define P9_HDRSZ 7
/*
 * Room a message with bulk data needs besides the data: iounit and
 * Tread/Treaddir counts are at most msize - P9_IOHDRSZ, so that Twrite and
 * Rread (header 23 bytes) stay strictly below msize.
 */
#define P9_IOHDRSZ 24
#define P9_READDIRHDRSZ 24 /* the same for Treaddir/Rreaddir */

/* qid.type, and the top byte of a 9P2000 mode */
#define P9_QTDIR 0x80
#define P9_QTAPPEND 0x40
#define P9_QTEXCL 0x20
#define P9_QTMOUNT 0x10
#define P9_QTAUTH 0x08
#define P9_QTTMP 0x04
#define P9_QTSYMLINK 0x02 /* 9P2000.u */
#define P9_QTLINK 0x01    /* 9P2000.u */
#define P9_QTFILE 0x00

/* Topen/Tcreate mode (9P2000, 9P2000.u). Tlopen/Tlcreate flags are plain
 * Linux open(2) O_* values as the Linux client sends them (e.g. 0304000 is
 * O_RDONLY|O_NONBLOCK|O_LARGEFILE|O_DIRECTORY); no constants here. */
#define P9_OREAD 0x00
#define P9_OWRITE 0x01
#define P9_ORDWR 0x02
#define P9_OEXEC 0x03
#define P9_OTRUNC 0x10
#define P9_OCEXEC 0x20
#define P9_ORCLOSE 0x40
#define P9_OAPPEND 0x80 /* 9P2000.u */

/* 9P2000 stat mode / Tcreate perm bits; low 9 bits are rwxrwxrwx */
#define P9_DMDIR 0x80000000u
#define P9_DMAPPEND 0x40000000u
#define P9_DMEXCL 0x20000000u
#define P9_DMMOUNT 0x10000000u
#define P9_DMAUTH 0x08000000u
#define P9_DMTMP 0x04000000u
#define P9_DMSYMLINK 0x02000000u /* 9P2000.u from here on */
#define P9_DMLINK 0x01000000u
#define P9_DMDEVICE 0x00800000u
#define P9_DMNAMEDPIPE 0x00200000u
#define P9_DMSOCKET 0x00100000u
#define P9_DMSETUID 0x00080000u
#define P9_DMSETGID 0x00040000u
#define P9_DMSETVTX 0x00010000u

/* Tgetattr request_mask / Rgetattr valid */
#define P9_GETATTR_MODE 0x00000001ull
#define P9_GETATTR_NLINK 0x00000002ull
#define P9_GETATTR_UID 0x00000004ull
#define P9_GETATTR_GID 0x00000008ull
#define P9_GETATTR_RDEV 0x00000010ull
#define P9_GETATTR_ATIME 0x00000020ull
#define P9_GETATTR_MTIME 0x00000040ull
#define P9_GETATTR_CTIME 0x00000080ull
#define P9_GETATTR_INO 0x00000100ull
#define P9_GETATTR_SIZE 0x00000200ull
#define P9_GETATTR_BLOCKS 0x00000400ull
#define P9_GETATTR_BTIME 0x00000800ull
#define P9_GETATTR_GEN 0x00001000ull
#define P9_GETATTR_DATA_VERSION 0x00002000ull
#define P9_GETATTR_BASIC 0x000007ffull /* MODE .. BLOCKS */
#define P9_GETATTR_ALL 0x00003fffull

/* Tsetattr valid */
#define P9_SETATTR_MODE 0x00000001u
#define P9_SETATTR_UID 0x00000002u
#define P9_SETATTR_GID 0x00000004u
#define P9_SETATTR_SIZE 0x00000008u
#define P9_SETATTR_ATIME 0x00000010u
#define P9_SETATTR_MTIME 0x00000020u
#define P9_SETATTR_CTIME 0x00000040u
#define P9_SETATTR_ATIME_SET 0x00000080u /* atime from the message, */
#define P9_SETATTR_MTIME_SET 0x00000100u /* else "now" */

/* Tlock/Tgetlock type, Rlock status, Tlock flags */
#define P9_LOCK_TYPE_RDLCK 0
#define P9_LOCK_TYPE_WRLCK 1
#define P9_LOCK_TYPE_UNLCK 2
#define P9_LOCK_SUCCESS 0
#define P9_LOCK_BLOCKED 1
#define P9_LOCK_ERROR 2
#define P9_LOCK_GRACE 3
#define P9_LOCK_FLAGS_BLOCK 1
#define P9_LOCK_FLAGS_RECLAIM 2

/* Tunlinkat flags: Linux AT_REMOVEDIR. Txattrcreate flags are Linux
 * XATTR_CREATE (1) / XATTR_REPLACE (2); dirent types are Linux DT_*. */
#define P9_AT_REMOVEDIR 0x200

/* ------------------------------------------------------------ basic types */

/* A counted string. Borrowed: points into the frame it was decoded from
 * (or whatever the encoder's caller set) and is not NUL-terminated. A
 * decoded string never contains a NUL byte. */
struct p9_str {
	uint16_t len;
	const char *s;
};

struct p9_qid {
	uint8_t type; /* P9_QT* */
	uint32_t version;
	uint64_t path;
};

/* A 9P2000 / 9P2000.u stat (Rstat, Twstat, directory reads). The last four
 * members exist on the wire in 9P2000.u only. */
struct p9_stat {
	uint16_t size; /* decode: as on the wire; encode: ignored (computed) */
	uint16_t type;
	uint32_t dev;
	struct p9_qid qid;
	uint32_t mode; /* P9_DM* | permission bits */
	uint32_t atime;
	uint32_t mtime;
	uint64_t length;
	struct p9_str name;
	struct p9_str uid;
	struct p9_str gid;
	struct p9_str muid;
	struct p9_str extension; /* .u: symlink target, "b 1 2", ... */
	uint32_t n_uid;          /* .u */
	uint32_t n_gid;          /* .u */
	uint32_t n_muid;         /* .u */
};

/* -------------------------------------------------------------- messages */

/* All dialects */
struct p9_tversion {
	uint32_t msize;
	struct p9_str version;
};
struct p9_rversion {
	uint32_t msize;
	struct p9_str version;
};
struct p9_tauth {
	uint32_t afid;
	struct p9_str uname;
	struct p9_str aname;
	uint32_t n_uname; /* .u, .L */
};
struct p9_rauth {
	struct p9_qid aqid;
};
struct p9_tattach {
	uint32_t fid;
	uint32_t afid;
	struct p9_str uname;
	struct p9_str aname;
	uint32_t n_uname; /* .u, .L */
};
struct p9_rattach {
	struct p9_qid qid;
};
struct p9_tflush {
	uint16_t oldtag;
};
struct p9_twalk {
	uint32_t fid;
	uint32_t newfid;
	uint16_t nwname;
	struct p9_str wname[P9_MAXWELEM];
};
struct p9_rwalk {
	uint16_t nwqid;
	struct p9_qid wqid[P9_MAXWELEM];
};
struct p9_tread {
	uint32_t fid;
	uint64_t offset;
	uint32_t count;
};
struct p9_rread {
	uint32_t count;
	const void *data; /* count bytes; borrowed, like p9_str */
};
struct p9_twrite {
	uint32_t fid;
	uint64_t offset;
	uint32_t count;
	const void *data; /* count bytes; borrowed, like p9_str */
};
struct p9_rwrite {
	uint32_t count;
};
struct p9_tclunk {
	uint32_t fid;
};
struct p9_tremove {
	uint32_t fid;
};

/* 9P2000 and 9P2000.u */
struct p9_rerror {
	struct p9_str ename;
	uint32_t errnum; /* .u: the errno */
};
struct p9_topen {
	uint32_t fid;
	uint8_t mode; /* P9_O* */
};
struct p9_ropen {
	struct p9_qid qid;
	uint32_t iounit;
};
struct p9_tcreate {
	uint32_t fid;
	struct p9_str name;
	uint32_t perm;           /* P9_DM* | permission bits */
	uint8_t mode;            /* P9_O* */
	struct p9_str extension; /* .u */
};
struct p9_rcreate {
	struct p9_qid qid;
	uint32_t iounit;
};
struct p9_tstat {
	uint32_t fid;
};
struct p9_rstat {
	struct p9_stat stat;
};
struct p9_twstat {
	uint32_t fid;
	struct p9_stat stat;
};

/* 9P2000.L */
struct p9_rlerror {
	uint32_t ecode; /* a Linux errno */
};
struct p9_tstatfs {
	uint32_t fid;
};
struct p9_rstatfs {
	uint32_t type;
	uint32_t bsize;
	uint64_t blocks;
	uint64_t bfree;
	uint64_t bavail;
	uint64_t files;
	uint64_t ffree;
	uint64_t fsid;
	uint32_t namelen;
};
struct p9_tlopen {
	uint32_t fid;
	uint32_t flags; /* Linux O_* */
};
struct p9_rlopen {
	struct p9_qid qid;
	uint32_t iounit;
};
struct p9_tlcreate {
	uint32_t fid;
	struct p9_str name;
	uint32_t flags; /* Linux O_* */
	uint32_t mode;
	uint32_t gid;
};
struct p9_rlcreate {
	struct p9_qid qid;
	uint32_t iounit;
};
struct p9_tsymlink {
	uint32_t fid;
	struct p9_str name;
	struct p9_str symtgt;
	uint32_t gid;
};
struct p9_rsymlink {
	struct p9_qid qid;
};
struct p9_tmknod {
	uint32_t dfid;
	struct p9_str name;
	uint32_t mode;
	uint32_t major;
	uint32_t minor;
	uint32_t gid;
};
struct p9_rmknod {
	struct p9_qid qid;
};
struct p9_trename {
	uint32_t fid;
	uint32_t dfid;
	struct p9_str name;
};
struct p9_treadlink {
	uint32_t fid;
};
struct p9_rreadlink {
	struct p9_str target;
};
struct p9_tgetattr {
	uint32_t fid;
	uint64_t request_mask; /* P9_GETATTR_* */
};
struct p9_rgetattr {
	uint64_t valid; /* P9_GETATTR_* */
	struct p9_qid qid;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint64_t nlink;
	uint64_t rdev;
	uint64_t size;
	uint64_t blksize;
	uint64_t blocks;
	uint64_t atime_sec;
	uint64_t atime_nsec;
	uint64_t mtime_sec;
	uint64_t mtime_nsec;
	uint64_t ctime_sec;
	uint64_t ctime_nsec;
	uint64_t btime_sec;
	uint64_t btime_nsec;
	uint64_t gen;
	uint64_t data_version;
};
struct p9_tsetattr {
	uint32_t fid;
	uint32_t valid; /* P9_SETATTR_* */
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint64_t size;
	uint64_t atime_sec;
	uint64_t atime_nsec;
	uint64_t mtime_sec;
	uint64_t mtime_nsec;
};
struct p9_txattrwalk {
	uint32_t fid;
	uint32_t newfid;
	struct p9_str name; /* "" lists the names */
};
struct p9_rxattrwalk {
	uint64_t size;
};
struct p9_txattrcreate {
	uint32_t fid;
	struct p9_str name;
	uint64_t attr_size;
	uint32_t flags; /* Linux XATTR_CREATE / XATTR_REPLACE */
};
struct p9_treaddir {
	uint32_t fid;
	uint64_t offset;
	uint32_t count;
};
struct p9_rreaddir {
	uint32_t count;
	const void *data; /* count bytes of dirents; borrowed */
};
struct p9_tfsync {
	uint32_t fid;
	uint32_t datasync;
};
struct p9_tlock {
	uint32_t fid;
	uint8_t type;   /* P9_LOCK_TYPE_* */
	uint32_t flags; /* P9_LOCK_FLAGS_* */
	uint64_t start;
	uint64_t length;
	uint32_t proc_id;
	struct p9_str client_id;
};
struct p9_rlock {
	uint8_t status; /* P9_LOCK_SUCCESS ... */
};
struct p9_tgetlock {
	uint32_t fid;
	uint8_t type;
	uint64_t start;
	uint64_t length;
	uint32_t proc_id;
	struct p9_str client_id;
};
struct p9_rgetlock {
	uint8_t type;
	uint64_t start;
	uint64_t length;
	uint32_t proc_id;
	struct p9_str client_id;
};
struct p9_tlink {
	uint32_t dfid;
	uint32_t fid;
	struct p9_str name;
};
struct p9_tmkdir {
	uint32_t dfid;
	struct p9_str name;
	uint32_t mode;
	uint32_t gid;
};
struct p9_rmkdir {
	struct p9_qid qid;
};
struct p9_trenameat {
	uint32_t olddirfid;
	struct p9_str oldname;
	uint32_t newdirfid;
	struct p9_str newname;
};
struct p9_tunlinkat {
	uint32_t dirfd;
	struct p9_str name;
	uint32_t flags; /* 0 or P9_AT_REMOVEDIR */
};

/*
 * One message. `type` selects the union member (Rflush, Rclunk, Rremove,
 * Rwstat, Rrename, Rsetattr, Rxattrcreate, Rfsync, Rlink, Rrenameat and
 * Runlinkat have no body and no member). Plain data: no destructor; a
 * decoded message borrows from its frame and is invalid once the frame is.
 */
struct p9_msg {
	uint8_t type; /* P9_T* / P9_R* */
	uint16_t tag;
	union {
		struct p9_tversion tversion;
		struct p9_rversion rversion;
		struct p9_tauth tauth;
		struct p9_rauth rauth;
		struct p9_tattach tattach;
		struct p9_rattach rattach;
		struct p9_rerror rerror;
		struct p9_rlerror rlerror;
		struct p9_tflush tflush;
		struct p9_twalk twalk;
		struct p9_rwalk rwalk;
		struct p9_topen topen;
		struct p9_ropen ropen;
		struct p9_tcreate tcreate;
		struct p9_rcreate rcreate;
		struct p9_tread tread;
		struct p9_rread rread;
		struct p9_twrite twrite;
		struct p9_rwrite rwrite;
		struct p9_tclunk tclunk;
		struct p9_tremove tremove;
		struct p9_tstat tstat;
		struct p9_rstat rstat;
		struct p9_twstat twstat;
		struct p9_tstatfs tstatfs;
		struct p9_rstatfs rstatfs;
		struct p9_tlopen tlopen;
		struct p9_rlopen rlopen;
		struct p9_tlcreate tlcreate;
		struct p9_rlcreate rlcreate;
		struct p9_tsymlink tsymlink;
		struct p9_rsymlink rsymlink;
		struct p9_tmknod tmknod;
		struct p9_rmknod rmknod;
		struct p9_trename trename;
		struct p9_treadlink treadlink;
		struct p9_rreadlink rreadlink;
		struct p9_tgetattr tgetattr;
		struct p9_rgetattr rgetattr;
		struct p9_tsetattr tsetattr;
		struct p9_txattrwalk txattrwalk;
		struct p9_rxattrwalk rxattrwalk;
		struct p9_txattrcreate txattrcreate;
		struct p9_treaddir treaddir;
		struct p9_rreaddir rreaddir;
		struct p9_tfsync tfsync;
		struct p9_tlock tlock;
		struct p9_rlock rlock;
		struct p9_tgetlock tgetlock;
		struct p9_rgetlock rgetlock;
		struct p9_tlink tlink;
		struct p9_tmkdir tmkdir;
		struct p9_rmkdir rmkdir;
		struct p9_trenameat trenameat;
		struct p9_tunlinkat tunlinkat;
	};
};

/*
 * Why a decode failed, for a log line such as
 * "Twalk tag 7: nwname 17, limit 16". All members are set by a failing call
 * that was given a diag; `field` and `what` are static strings.
 */
struct p9_diag {
	const char *field; /* "size", "type", "wname", ... */
	size_t offset;     /* byte offset in the frame where it failed */
	uint64_t value;    /* the offending value (a count, a length) */
	uint64_t limit;    /* what it had to fit (bytes left, maximum) */
	const char *what;  /* "truncated", "over maximum", "NUL in string",
	                      "trailing bytes", "size mismatch", ... */
};

/* ------------------------------------------------------------------- API */

/*
 * Decode one whole frame. buf/len is the frame including size[4]; the size
 * field must equal len (and be at least P9_HDRSZ); checking it against msize
 * is the framing layer's job. dialect: one P9_V_ bit.
 *
 * Returns 0 with *m filled (strings and data point into buf: m is valid as
 * long as buf is), -EBADMSG for malformed bytes, -EOPNOTSUPP for a type that
 * does not exist in this dialect (unknown types included). On failure *m is
 * zeroed except type and tag, which are filled whenever the header could be
 * read (else type 0, tag P9_NOTAG); diag, if not NULL, says where and why.
 */
int p9_decode(const void *buf, size_t len, unsigned dialect, struct p9_msg *m,
    struct p9_diag *diag);

/*
 * Size of m's whole frame (size[4] included) in dialect. Returns the size,
 * -EOPNOTSUPP if m->type does not exist in dialect, -EINVAL if m cannot be
 * encoded (an array count over P9_MAXWELEM, a NUL inside a string, a NULL
 * data pointer with a non-zero count), -EMSGSIZE above UINT32_MAX.
 */
ssize_t p9_size(const struct p9_msg *m, unsigned dialect);

/*
 * Encode m as one whole frame into buf. Returns the bytes written, any
 * error of p9_size, or -EMSGSIZE if the frame would exceed msize or
 * buf_len; on error nothing is written. m and its borrowed strings/data are
 * only read.
 */
ssize_t p9_encode(const struct p9_msg *m, unsigned dialect, uint32_t msize,
    void *buf, size_t buf_len);

/*
 * Like p9_encode, but for Rread, Twrite and Rreaddir it writes everything
 * except the trailing count data bytes (size[4] still counts them), so the
 * caller sends m's data as its own iovec after the returned head bytes.
 * msize is checked against the whole frame, buf_len against the head. For
 * every other type identical to p9_encode.
 */
ssize_t p9_encode_head(const struct p9_msg *m, unsigned dialect, uint32_t msize,
    void *buf, size_t buf_len);

/*
 * Write a one-line trace of m into out, from the same table:
 * "Twalk tag 7 fid 1 newfid 2 nwname 2 'a' 'b'". Strings are quoted, bytes
 * outside printable ASCII escaped as \xHH, and long strings cut with "...".
 * Bulk data is shown by its count only. out is always NUL-terminated when
 * out_len > 0. Returns the length written (without the NUL); a line that
 * does not fit is cut.
 */
int p9_fmt(const struct p9_msg *m, unsigned dialect, char *out, size_t out_len);

/* "Twalk", "Rlerror", ...; "unknown" for a type no dialect defines.
 * The result is a static string. */
const char *p9_type_name(uint8_t type);

/* The little-endian size[4] at hdr4 (4 readable bytes). */
uint32_t p9_frame_size(const void *hdr4);

/*
 * The dialect a Tversion string asks for: "9P2000.L" -> P9_V_2000L,
 * "9P2000.u" -> P9_V_2000U, "9P2000" -> P9_V_2000; any other string that
 * starts "9P2000." (an unknown suffix, "9P2000.L.x" included) -> P9_V_2000,
 * as version(5) reads the string up to its first period; anything else -> 0
 * (the server answers "unknown"). s need not be NUL-terminated.
 */
unsigned p9_dialect_from_version(const char *s, size_t len);

/* ----------------------------------------------------- directory entries */

/*
 * Append one 9P2000.L readdir entry (qid[13] offset[8] type[1] name[s]) at
 * buf. offset is the cookie of the next entry, type a Linux DT_* value.
 * Returns the bytes written, -EMSGSIZE if the entry does not fit buf_len
 * (nothing written), -EINVAL if name_len > 65535 or name holds a NUL.
 */
ssize_t p9_dirent_put(void *buf, size_t buf_len, const struct p9_qid *qid,
    uint64_t offset, uint8_t type, const char *name, size_t name_len);

/*
 * Read one 9P2000.L readdir entry from buf/len (the rest of an Rreaddir's
 * data). Fills the outputs and *used (bytes consumed); name points into
 * buf. Returns 0, or -EBADMSG if the entry is truncated or malformed.
 */
int p9_dirent_get(const void *buf, size_t len, struct p9_qid *qid,
    uint64_t *offset, uint8_t *type, struct p9_str *name, size_t *used);

/*
 * Append one stat entry (size[2] and the fields, as a 9P2000/.u directory
 * read returns them) at buf; st->size is ignored. Returns the bytes
 * written, -EMSGSIZE if it does not fit (nothing written), -EINVAL if a
 * string holds a NUL, -EOPNOTSUPP if dialect is 9P2000.L.
 */
ssize_t p9_stat_put(
    void *buf, size_t buf_len, const struct p9_stat *st, unsigned dialect);

/*
 * Read one stat entry from buf/len; strings point into buf. Fills *st and
 * *used. Returns 0, -EBADMSG if malformed (truncated, size[2] not matching
 * the fields, NUL in a string), -EOPNOTSUPP if dialect is 9P2000.L.
 */
int p9_stat_get(const void *buf, size_t len, unsigned dialect,
    struct p9_stat *st, size_t *used);

/* ---------------------------------------------------------------- errors */

/*
 * Text for a positive errno, as a 9P2000 Rerror carries it (the strerror
 * texts of glibc's C locale, fixed so the wire does not depend on the
 * locale). Unknown numbers give "Input/output error". Static string.
 */
const char *p9_errstr(int errnum);

/*
 * Best-effort reverse of p9_errstr for a client talking to a 9P2000
 * server: the positive errno for an error text (the texts of p9_errstr and
 * common Plan 9 ones such as "file does not exist"), EIO when unknown.
 */
int p9_errnum_from_str(const char *s, size_t len);

#endif /* NG_P9_P9_H */
