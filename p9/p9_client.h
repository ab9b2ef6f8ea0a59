/* SPDX-License-Identifier: MIT */
/*
 * p9_client: a small 9P client library for 9P2000, 9P2000.u and 9P2000.L,
 * used by the `ninep` command and by the integration tests.
 *
 * One connection (`struct p9c`) is single-threaded and blocking: every call
 * waits with poll() (bounded by the connection's timeout) and never spawns a
 * thread or installs a signal handler. Many requests can be in flight on one
 * connection, each under its own tag; replies are matched by tag, and any
 * reply nobody waits for is queued in arrival order for p9c_recv().
 *
 * Three layers:
 *  - async: p9c_send / p9c_recv / p9c_flush / p9c_raw_send with tags the
 *    caller chooses (or takes from p9c_tag_alloc), for tests that must
 *    control exactly what is on the wire and see replies in arrival order;
 *  - rpc: p9c_rpc sends one message and waits for the reply to its tag;
 *  - file operations (p9c_walk, p9c_open, p9c_pread, ...), which pick the
 *    messages of the negotiated dialect (Tlopen or Topen, Tgetattr or Tstat,
 *    ...) and fall back where a server lacks a 9P2000.L message (Tunlinkat,
 *    Trenameat).
 *
 * What it deliberately does not do: authentication (afid is always NOFID),
 * caching, retrying on its own, threads, or logging. Errors are negative
 * errnos: an Rlerror's ecode, an Rerror's 9P2000.u errnum or, without one,
 * the errno its text names (p9_errnum_from_str). Message layouts are the
 * codec's (p9.h); this library never builds a frame by hand.
 */
#ifndef NG_P9_P9_CLIENT_H
#define NG_P9_P9_CLIENT_H

#include "p9.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct p9c;

/* msize asked for when the caller gives 0 */
#define P9C_DEFAULT_MSIZE (1024u * 1024u)
/* smallest msize a server may grant */
#define P9C_MIN_MSIZE 256u
/* Treads/Twrites in flight by default in p9c_pread/p9c_pwrite */
#define P9C_DEFAULT_WINDOW 8u
/* most requests one stream keeps in flight */
#define P9C_MAX_WINDOW 64u

/* ------------------------------------------------------------ connection */

/*
 * Connect to addr: "tcp:HOST:PORT", "unix:PATH", "fd:N" (an already
 * connected descriptor, used for both directions), a bare "HOST:PORT", or a
 * path starting with '/'. HOST may be a name, an IPv4 address or an IPv6
 * address in brackets; "tcp:HOST" means port 564; '!' may stand for ':'
 * ("tcp!host!564"). On success *fd is a connected descriptor the caller
 * owns (for fd:N, a dup of N). Returns 0, -EINVAL for an address that does
 * not parse, -EHOSTUNREACH for a host name that does not resolve, or the
 * negative errno of socket()/connect() (e.g. -ECONNREFUSED, -ENOENT).
 */
int p9c_dial(const char *addr, int *fd);

/*
 * Make a client on a connected descriptor; takes ownership of fd (closed by
 * p9c_free, also when p9c_new fails). The descriptor is set non-blocking.
 * No message is sent. Returns 0 with *out set, or -ENOMEM.
 */
int p9c_new(int fd, struct p9c **out);

/* Close the descriptor and free everything. NULL is a no-op. */
void p9c_free(struct p9c *c);

/*
 * p9c_dial + p9c_new + p9c_version(msize, version). Returns 0 with *out
 * set, or the first error (nothing is left open).
 */
int p9c_connect(
    const char *addr, uint32_t msize, const char *version, struct p9c **out);

/* The descriptor (still owned by c). */
int p9c_fd(const struct p9c *c);

/*
 * How long the synchronous calls wait for the peer, in milliseconds; -1
 * (the default) waits for ever. A call that times out returns -ETIMEDOUT;
 * the tags of its requests stay reserved so a late reply is never taken
 * for another request's.
 */
void p9c_set_timeout(struct p9c *c, int timeout_ms);

/*
 * Tversion/Rversion with tag NOTAG: asks for msize (0: P9C_DEFAULT_MSIZE)
 * and version ("9P2000.L", "9P2000.u" or "9P2000"; NULL: "9P2000.L").
 * Accepts the server's answer when it is one of the three dialects and its
 * msize is between P9C_MIN_MSIZE and the one asked for. Forgets all fids
 * (a Tversion ends the session). Returns 0, -EPROTONOSUPPORT when the
 * server answers "unknown" (or another version), -EPROTO for an msize out
 * of range, or a transport error.
 */
int p9c_version(struct p9c *c, uint32_t msize, const char *version);

/* The negotiated msize (before p9c_version: the limit a frame may have). */
uint32_t p9c_msize(const struct p9c *c);

/* The negotiated dialect: one P9_V_ bit (0 before p9c_version). */
unsigned p9c_dialect(const struct p9c *c);

/* Payload bytes one Tread/Twrite may carry on fid: the fid's iounit when
 * the server gave one, capped at msize - P9_IOHDRSZ. */
uint32_t p9c_iosize(const struct p9c *c, uint32_t fid);

/*
 * A sticky error: once the connection broke (peer closed, frame over msize,
 * malformed reply in a synchronous call, I/O error), every call returns it.
 * 0 while the connection is usable.
 */
int p9c_error(const struct p9c *c);

/* ------------------------------------------------------------ tags, fids */

/*
 * Reserve a tag that no request of this client's own calls uses (never
 * NOTAG). Returns 0 with *tag set, or -EBUSY when all 65535 are taken.
 */
int p9c_tag_alloc(struct p9c *c, uint16_t *tag);

/* Release a tag from p9c_tag_alloc (or one marked by p9c_tag_reserve). */
void p9c_tag_free(struct p9c *c, uint16_t tag);

/* Mark tag as taken, so the client's own calls avoid it (a test that picks
 * tags by hand and mixes in synchronous calls). Returns 0 or -EBUSY if it
 * was already taken. */
int p9c_tag_reserve(struct p9c *c, uint16_t tag);

/* A fid number no other fid of this client uses; P9_NOFID when exhausted.
 * The file operations allocate their fids themselves. */
uint32_t p9c_fid_alloc(struct p9c *c);

/* Forget a fid number without a Tclunk (the server already forgot it). */
void p9c_fid_free(struct p9c *c, uint32_t fid);

/* -------------------------------------------------------------- async API */

/*
 * Encode m in the negotiated dialect and send it whole, with m->tag exactly
 * as given (any value, also one in flight or NOTAG). Does not wait for a
 * reply. While the socket is full, replies that arrive are queued (never
 * lost). Returns 0, -EINVAL/-EOPNOTSUPP/-EMSGSIZE from the codec (nothing
 * sent), -ETIMEDOUT, or a transport error.
 */
int p9c_send(struct p9c *c, const struct p9_msg *m);

/* Send len raw bytes as they are (a malformed frame, half a frame, two
 * frames). Returns 0 or an error as p9c_send. */
int p9c_raw_send(struct p9c *c, const void *buf, size_t len);

/*
 * The next reply in arrival order, whatever its tag: first the replies that
 * arrived while other calls were waiting and nobody claimed, then new ones
 * from the connection. Waits up to timeout_ms (-1: for ever, 0: only what
 * is already there). On success *frame is the whole frame (malloc'd, the
 * caller frees it) and m is decoded from it (m borrows from *frame).
 * Returns 0; -ETIMEDOUT when nothing came; -EBADMSG/-EOPNOTSUPP when the
 * frame does not decode (m->type and m->tag are still set, *frame is set
 * and must be freed); a transport error (peer closed: -ECONNRESET).
 */
int p9c_recv(struct p9c *c, struct p9_msg *m, void **frame, int timeout_ms);

/* Like p9c_recv without decoding: *frame (malloc'd) and *len. */
int p9c_recv_raw(struct p9c *c, void **frame, size_t *len, int timeout_ms);

/* Replies queued and not yet returned by p9c_recv. */
size_t p9c_pending(const struct p9c *c);

/*
 * Send Tflush(oldtag) under *tag: if *tag is P9_NOTAG on entry a tag is
 * taken with p9c_tag_alloc (free it with p9c_tag_free once its Rflush came),
 * else *tag is used as it is, so a test can flush a flush, flush the same
 * tag several times, or send oldtag == its own tag. Does not wait. Returns
 * 0 with *tag the tag sent, or an error as p9c_send / p9c_tag_alloc.
 */
int p9c_flush(struct p9c *c, uint16_t oldtag, uint16_t *tag);

/* --------------------------------------------------------------------- rpc */

/*
 * Send tx under a tag of its own (tx->tag is overwritten) and wait for the
 * reply with that tag; other replies that arrive meanwhile are queued for
 * p9c_recv or the calls waiting for them. On success *frame (malloc'd,
 * free it) holds the reply and rx is decoded from it. Returns 0 when the
 * reply is tx->type + 1; the negative errno of an Rlerror/Rerror (*frame
 * NULL); -EPROTO for any other reply type (the connection breaks);
 * -ETIMEDOUT; or a transport/codec error.
 */
int p9c_rpc(struct p9c *c, struct p9_msg *tx, struct p9_msg *rx, void **frame);

/* The negative errno an Rlerror or Rerror m stands for (0 for other types);
 * never 0 for an error reply. */
int p9c_reply_errno(const struct p9_msg *m);

/* ---------------------------------------------------------- session, walk */

/*
 * Tattach with afid NOFID. uname may be NULL (""), n_uname P9_NONUNAME;
 * aname NULL means "". On success *fid is the new root fid and *qid (if
 * not NULL) its qid.
 */
int p9c_attach(struct p9c *c, const char *uname, uint32_t n_uname,
    const char *aname, uint32_t *fid, struct p9_qid *qid);

/*
 * Walk from fid through nwname names (any number; sent as Twalks of at most
 * P9_MAXWELEM names). On success *newfid is a new fid for the result and
 * *qid (if not NULL) the last qid; nwname 0 clones fid (qid untouched).
 * A walk that stops early returns -ENOENT and leaves no new fid behind.
 */
int p9c_walk(struct p9c *c, uint32_t fid, unsigned nwname,
    const char *const *wname, uint32_t *newfid, struct p9_qid *qid);

/*
 * p9c_walk through the components of path ('/'-separated; empty and "."
 * components are skipped, so "", "/" and "." clone fid). Names longer than
 * 65535 bytes give -ENAMETOOLONG; more than 4096 components -EINVAL.
 */
int p9c_walk_path(struct p9c *c, uint32_t fid, const char *path,
    uint32_t *newfid, struct p9_qid *qid);

/* Tclunk. The fid number is released whatever the server answers. */
int p9c_clunk(struct p9c *c, uint32_t fid);

/* Tremove (which also clunks). The fid number is released in any case. */
int p9c_remove(struct p9c *c, uint32_t fid);

/* ------------------------------------------------------------- open, I/O */

/*
 * Open fid with the host's open(2) O_* flags: Tlopen in 9P2000.L (the flags
 * converted to the wire's values, those of Linux on x86), Topen with the
 * matching P9_O* mode otherwise (O_TRUNC -> OTRUNC, O_APPEND -> OAPPEND in
 * .u). *qid and *iounit may be NULL; the iounit is also kept for
 * p9c_iosize.
 */
int p9c_open(struct p9c *c, uint32_t fid, uint32_t flags, struct p9_qid *qid,
    uint32_t *iounit);

/*
 * Create name in the directory fid and open it with flags; fid then stands
 * for the new file (the protocol's rule). mode is the permission (Linux
 * S_IFREG bits are ignored); gid only in 9P2000.L (P9_NONUNAME: "mine").
 */
int p9c_create(struct p9c *c, uint32_t fid, const char *name, uint32_t flags,
    uint32_t mode, uint32_t gid, struct p9_qid *qid, uint32_t *iounit);

/* One Tread of at most min(len, p9c_iosize) bytes at off. Returns the
 * count (0 at end of file) or a negative errno. */
ssize_t p9c_read(
    struct p9c *c, uint32_t fid, void *buf, size_t len, uint64_t off);

/* One Twrite of at most min(len, p9c_iosize) bytes. Returns the count the
 * server wrote or a negative errno. */
ssize_t p9c_write(
    struct p9c *c, uint32_t fid, const void *buf, size_t len, uint64_t off);

/*
 * Called with the file's bytes in order: data/len at file offset off.
 * Return 0 to go on, a negative errno to stop (p9c_read_stream returns it).
 */
typedef int p9c_sink_fn(void *arg, const void *data, size_t len, uint64_t off);

/*
 * Read fid from off up to max bytes (UINT64_MAX: to the end of file) with
 * up to window Treads in flight (0: P9C_DEFAULT_WINDOW, at most
 * P9C_MAX_WINDOW), each of p9c_iosize bytes; sink gets the bytes in file
 * order. A short read is completed by reading the rest; an empty read is
 * the end of file. *total (if not NULL) is the number of bytes given to
 * sink. Returns 0 or the first error (a sink's, a server's, transport).
 */
int p9c_read_stream(struct p9c *c, uint32_t fid, uint64_t off, uint64_t max,
    unsigned window, p9c_sink_fn *sink, void *arg, uint64_t *total);

/* p9c_read_stream into buf: returns the bytes read (fewer than len only at
 * end of file) or a negative errno. */
ssize_t p9c_pread(struct p9c *c, uint32_t fid, void *buf, size_t len,
    uint64_t off, unsigned window);

/*
 * Fills buf (at most len bytes) with the next bytes to write. Returns the
 * count, 0 at the end, or a negative errno.
 */
typedef ssize_t p9c_source_fn(void *arg, void *buf, size_t len);

/*
 * Write what source gives to fid from off, with up to window Twrites in
 * flight (0: default; use 1 where order matters, e.g. an O_APPEND fid).
 * Short writes are completed; a write of 0 bytes is -EIO. *total (if not
 * NULL) is the number of bytes written. Returns 0 or the first error.
 */
int p9c_write_stream(struct p9c *c, uint32_t fid, uint64_t off, unsigned window,
    p9c_source_fn *source, void *arg, uint64_t *total);

/* All of buf through p9c_write_stream; returns len or a negative errno. */
ssize_t p9c_pwrite(struct p9c *c, uint32_t fid, const void *buf, size_t len,
    uint64_t off, unsigned window);

/* ------------------------------------------------------------- directories */

/* One directory entry as p9c_readdir_all gives it. */
struct p9c_dirent {
	const char *name; /* NUL-terminated; valid during the callback */
	struct p9_qid qid;
	uint8_t type;    /* Linux DT_* (from the qid/mode in 9P2000/.u) */
	uint64_t offset; /* 9P2000.L: cookie of the next entry */
	const struct p9_stat *stat; /* 9P2000/.u: the whole entry; else NULL */
};

/* Return 0 to go on, anything else to stop (p9c_readdir_all returns it). */
typedef int p9c_dirent_fn(void *arg, const struct p9c_dirent *de);

/*
 * Every entry of the open directory fid ("." and ".." included when the
 * server sends them): Treaddir in 9P2000.L, Tread of stat entries
 * otherwise. Returns 0, the callback's non-zero value, or a negative errno
 * (-EBADMSG for a malformed entry).
 */
int p9c_readdir_all(struct p9c *c, uint32_t fid, p9c_dirent_fn *fn, void *arg);

/* One Treaddir (9P2000.L): up to count bytes of dirents from cookie off
 * into buf (decode them with p9_dirent_get). Returns the byte count. */
ssize_t p9c_readdir(
    struct p9c *c, uint32_t fid, uint64_t off, void *buf, uint32_t count);

/* ------------------------------------------------------------- attributes */

/* Attributes in one shape for every dialect. */
struct p9c_attr {
	uint64_t valid; /* P9_GETATTR_* bits that are meaningful */
	struct p9_qid qid;
	uint32_t mode; /* Linux st_mode, file type included */
	uint32_t uid;  /* P9_NONUNAME when unknown */
	uint32_t gid;
	uint64_t nlink;
	uint64_t rdev;
	uint64_t size;
	uint64_t blksize;
	uint64_t blocks; /* 512-byte units */
	uint64_t atime_sec, atime_nsec;
	uint64_t mtime_sec, mtime_nsec;
	uint64_t ctime_sec, ctime_nsec;
	char uname[64]; /* 9P2000/.u owner name ("" in .L; cut) */
	char gname[64];
};

/* Tgetattr(mask) in 9P2000.L, Tstat otherwise. */
int p9c_getattr(struct p9c *c, uint32_t fid, uint64_t mask, struct p9c_attr *a);

/* A 9P2000/.u stat entry in p9c_attr's shape (dialect: one P9_V_ bit). */
void p9c_attr_from_stat(
    const struct p9_stat *st, unsigned dialect, struct p9c_attr *a);

/* What p9c_setattr changes: the P9_SETATTR_* bits in valid say which. */
struct p9c_setattr {
	uint32_t valid;
	uint32_t mode; /* permission bits (07777) */
	uint32_t uid;
	uint32_t gid;
	uint64_t size;
	uint64_t atime_sec, atime_nsec; /* with P9_SETATTR_ATIME_SET */
	uint64_t mtime_sec, mtime_nsec; /* with P9_SETATTR_MTIME_SET */
};

/*
 * Tsetattr in 9P2000.L; Twstat otherwise (ATIME/MTIME without _SET mean
 * the client's clock now; CTIME is ignored there; uid/gid become numeric
 * strings and, in .u, n_uid/n_gid).
 */
int p9c_setattr(struct p9c *c, uint32_t fid, const struct p9c_setattr *sa);

/* Tstat (9P2000/.u): *st borrows from *frame (malloc'd, free it). */
int p9c_stat(struct p9c *c, uint32_t fid, struct p9_stat *st, void **frame);

/* Twstat (9P2000/.u) of st as given. */
int p9c_wstat(struct p9c *c, uint32_t fid, const struct p9_stat *st);

/* A stat that changes nothing ("don't touch" in every field). */
void p9c_stat_dont_touch(struct p9_stat *st);

/* ---------------------------------------------------------- name space ops */

/* Make directory name in dfid: Tmkdir, or Tcreate(DMDIR) on a clone of
 * dfid in 9P2000/.u. *qid may be NULL. */
int p9c_mkdir(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode,
    uint32_t gid, struct p9_qid *qid);

/* Tunlinkat (9P2000.L only). flags 0 or P9_AT_REMOVEDIR. */
int p9c_unlinkat(
    struct p9c *c, uint32_t dfid, const char *name, uint32_t flags);

/* Remove name in dfid: Tunlinkat where the server has it, else a walk to
 * name and Tremove (the answer -EOPNOTSUPP to Tunlinkat is remembered). */
int p9c_unlink(struct p9c *c, uint32_t dfid, const char *name, uint32_t flags);

/* Trenameat (9P2000.L only). */
int p9c_renameat(struct p9c *c, uint32_t olddfid, const char *oldname,
    uint32_t newdfid, const char *newname);

/* Trename (9P2000.L only): fid moves to name in dfid. */
int p9c_rename(struct p9c *c, uint32_t fid, uint32_t dfid, const char *name);

/*
 * Move oldname in olddfid to newname in newdfid: Trenameat, falling back to
 * walk + Trename when the server lacks it (remembered); in 9P2000/.u a
 * Twstat of the name, which works within one directory only (-EXDEV when
 * the two directory qids differ).
 */
int p9c_move(struct p9c *c, uint32_t olddfid, const char *oldname,
    uint32_t newdfid, const char *newname);

/* Symbolic link name -> target in dfid: Tsymlink; Tcreate(DMSYMLINK) in
 * .u; -EOPNOTSUPP in 9P2000. */
int p9c_symlink(struct p9c *c, uint32_t dfid, const char *name,
    const char *target, uint32_t gid, struct p9_qid *qid);

/*
 * The target of symlink fid into buf (NUL-terminated; cut to len - 1).
 * Treadlink; in .u the stat's extension; -EOPNOTSUPP in 9P2000. Returns
 * the target's full length or a negative errno (-EINVAL: not a symlink).
 */
ssize_t p9c_readlink(struct p9c *c, uint32_t fid, char *buf, size_t len);

/* Hard link name in dfid to fid: Tlink; Tcreate(DMLINK) in .u. */
int p9c_link(struct p9c *c, uint32_t dfid, uint32_t fid, const char *name);

/* Tmknod (9P2000.L only): mode includes the file type. */
int p9c_mknod(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode,
    uint32_t major, uint32_t minor, uint32_t gid, struct p9_qid *qid);

/* Tstatfs (9P2000.L only). */
int p9c_statfs(struct p9c *c, uint32_t fid, struct p9_rstatfs *st);

/* Tfsync in 9P2000.L; a Twstat that changes nothing (the protocol's
 * "sync") otherwise. */
int p9c_fsync(struct p9c *c, uint32_t fid, bool datasync);

/* ------------------------------------------------------- locks and xattrs */

/* Tlock (9P2000.L only); *status is P9_LOCK_SUCCESS, ..._BLOCKED, ... */
int p9c_lock(
    struct p9c *c, uint32_t fid, const struct p9_tlock *lk, uint8_t *status);

/* Tgetlock (9P2000.L only). The reply's client_id is copied into
 * client_id (NUL-terminated, cut to client_id_len - 1; may be NULL/0);
 * out->client_id then points to it. */
int p9c_getlock(struct p9c *c, uint32_t fid, const struct p9_tgetlock *lk,
    struct p9_rgetlock *out, char *client_id, size_t client_id_len);

/*
 * Value of extended attribute name of fid (9P2000.L): Txattrwalk on a new
 * fid, Treads, Tclunk. name "" lists the names (NUL-separated). With len 0
 * only the size is asked. Returns the attribute's size (which may exceed
 * len: then only len bytes were read) or a negative errno (-ENODATA).
 */
ssize_t p9c_xattr_get(
    struct p9c *c, uint32_t fid, const char *name, void *buf, size_t len);

/* The NUL-separated list of attribute names: p9c_xattr_get(fid, ""). */
ssize_t p9c_xattr_list(struct p9c *c, uint32_t fid, void *buf, size_t len);

/*
 * Set attribute name to value (9P2000.L): a clone of fid, Txattrcreate
 * (flags: 0, XATTR_CREATE 1, XATTR_REPLACE 2), Twrite(s), Tclunk (the
 * server applies it at the clunk, so the clunk's error is returned).
 */
int p9c_xattr_set(struct p9c *c, uint32_t fid, const char *name,
    const void *value, size_t len, uint32_t flags);

/* Remove attribute name: Txattrcreate of size 0 with XATTR_REPLACE. */
int p9c_xattr_remove(struct p9c *c, uint32_t fid, const char *name);

#endif /* NG_P9_P9_CLIENT_H */
