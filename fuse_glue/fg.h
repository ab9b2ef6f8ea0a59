/* SPDX-License-Identifier: MIT */
/*
 * fuse_glue: the FUSE "kernel side" of ninegate.
 *
 * Starts a backing FUSE filesystem as a child process whose mountpoint is
 * "/dev/fd/N", one end of a SOCK_SEQPACKET socketpair, and speaks the FUSE
 * wire protocol (<linux/fuse.h>) to it: INIT, requests keyed by `unique`,
 * replies checked against the table in fg_wire.c, FUSE_INTERRUPT, and a
 * ledger of lookups with batched FORGETs.
 *
 * No event library here: the session owns its socket and reads/writes it
 * non-blocking when told to; the caller polls the fd, arms timers on request
 * and logs what the hooks report. Nothing here logs.
 */
#ifndef NG_FUSE_GLUE_FG_H
#define NG_FUSE_GLUE_FG_H

#include <linux/fuse.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---------------------------------------------------------------- child */

/* A spawned backing filesystem. */
struct fg_child {
	pid_t pid;
	int pidfd;	/* readable when the child has exited; -1 if unsupported */
	/* our end of the SEQPACKET pair, O_NONBLOCK|O_CLOEXEC. Set it to -1
	 * when handing it to fg_session_new (the session then closes it). */
	int fuse_fd;
	int stderr_fd;	/* read end of the child's stderr pipe, O_NONBLOCK */
	size_t sockbuf;	/* SO_SNDBUF/SO_RCVBUF the kernel granted (min of both ends) */
	char name[64];	/* basename of argv[0], for log subjects */
	bool reaped;	/* fg_child_reap/fg_child_stop collected it */
	int status;	/* its wait status once reaped */
};

struct fg_spawn_opts {
	const char *const *argv;	/* program and args; "{}" -> /dev/fd/N */
	const char *const *env_add;	/* extra "K=V" for the child, NULL-terminated, or NULL */
	size_t sockbuf;			/* socket buffer to ask for (bytes), 0: 4 MiB */
	bool no_new_privs;		/* PR_SET_NO_NEW_PRIVS in the child */
};

/*
 * Create the socketpair, size its buffers, fork and exec opts->argv in the
 * child with "{}" replaced by "/dev/fd/N" (appended when no "{}" is given).
 * The child gets stdin from /dev/null, stdout and stderr into one pipe
 * (stderr_fd; a closed fd 1 would be reused by the child's next open), its
 * FUSE fd as fd 3 ("/dev/fd/3"), its own session, default signal
 * dispositions, PR_SET_PDEATHSIG(SIGKILL) and nothing else open. Both
 * socket ends ask for opts->sockbuf (SO_*BUFFORCE when privileged, else
 * capped by net.core.[rw]mem_max); child->sockbuf is the least granted.
 * Returns 0, or a negative errno with a one-line reason in err ("sshfs: not
 * found in PATH", "exec /x: Permission denied"). An exec failure is detected
 * before returning (a CLOEXEC status pipe).
 */
int fg_spawn(const struct fg_spawn_opts *opts, struct fg_child *child,
    char *err, size_t err_len);

/*
 * Reap the child if it has exited. Returns 1 and fills *status (wait
 * status) if it was reaped, 0 if it still runs, negative errno on error.
 */
int fg_child_reap(struct fg_child *child, int *status);

/*
 * Stop the child: wait up to grace_ms for it to exit by itself (after
 * DESTROY and close), then SIGTERM, wait grace_ms, then SIGKILL; then
 * SIGKILL whatever is left of its process group (ssh under sshfs), reap it
 * and close pidfd, stderr_fd and fuse_fd (if still >= 0). Blocking (poll on
 * the pidfd). Returns the wait status (also when it was reaped before).
 */
int fg_child_stop(struct fg_child *child, int grace_ms);

/* Describe a wait status: "exited with status 1", "killed by SIGSEGV". */
void fg_describe_status(int status, char *buf, size_t len);

/*
 * Split child stderr bytes into lines: appends what read() from stderr_fd
 * gives to an internal buffer and calls line_cb for each complete line
 * (without '\n', escaped control bytes, truncated to 512 bytes). On EOF
 * (n == 0) a pending partial line is delivered too.
 */
struct fg_lines {
	char buf[1024];
	size_t len;
};
typedef void fg_line_fn(const char *line, void *arg);
void fg_lines_feed(struct fg_lines *lb, const char *p, size_t n,
    fg_line_fn *line_cb, void *arg);

/* -------------------------------------------------------------- session */

struct fg_session;
struct fg_req;
struct fg_buf;

/* Caller identity carried in every request header. */
struct fg_ctx {
	uint32_t uid;
	uint32_t gid;
	uint32_t pid;
};

/* What INIT negotiated. */
struct fg_info {
	uint32_t major, minor;
	uint64_t flags;		/* FUSE_* init flags granted (flags | flags2 << 32) */
	uint32_t max_write;	/* bytes per WRITE (and per READ we send) */
	uint32_t max_readahead;
	uint16_t max_pages;
	uint32_t time_gran;
};

struct fg_hooks {
	/* The session broke (EOF, ECONNRESET, malformed reply); reason is one
	 * line. Called once. Every pending request has already got -EIO.
	 * Notifications from the backend (unique 0) are not errors: they are
	 * ignored, as this side keeps no cache to invalidate. */
	void (*broken_cb)(void *arg, const char *reason);
	/* Please call fg_session_on_timer() in about ms milliseconds
	 * (interrupt resend after EAGAIN; 0 ms: a send failed and the session
	 * breaks on the next turn). A later call replaces an earlier. */
	void (*timer_cb)(void *arg, unsigned ms);
	/* Output is queued: poll for writable and call fg_session_on_writable. */
	void (*want_write_cb)(void *arg, bool want);
	/* Optional: a trace line per FUSE message sent or received (-v). */
	void (*trace_cb)(void *arg, const char *line);
};

/*
 * Take ownership of fd (SEQPACKET, non-blocking) and build a session.
 * sockbuf is what the kernel granted (fg_child.sockbuf; 0: read SO_SNDBUF
 * of fd); no message longer than sockbuf - 32 is sent, and max_write
 * leaves 4 KiB of it for headers. hooks (and each member) may be NULL; the
 * struct is copied. Callbacks run only inside fg_session_on_readable,
 * _on_writable, _on_timer and fg_session_free (done callbacks); never
 * inside fg_submit. A session must not be freed from its own callback.
 * Returns NULL only on ENOMEM.
 */
struct fg_session *fg_session_new(int fd, size_t sockbuf,
    const struct fg_hooks *hooks, void *arg);

/*
 * Send FUSE_INIT and wait for the reply, polling the fd and the child's
 * pidfd (may be -1) up to timeout_ms. Blocking: call before the event loop.
 * We send 7.FUSE_KERNEL_MINOR_VERSION (<linux/fuse.h>, 7.38 on Debian 12)
 * and use the smaller minor; the backend must answer 7.19 or later (libfuse
 * 2.9+, libfuse3, go-fuse do). Offered: ASYNC_READ, POSIX_LOCKS,
 * FLOCK_LOCKS, ATOMIC_O_TRUNC, EXPORT_SUPPORT, BIG_WRITES, MAX_PAGES,
 * DONT_MASK, DO_READDIRPLUS, PARALLEL_DIROPS, HANDLE_KILLPRIV (we never
 * send the suid-clearing SETATTR a kernel would); never splice, no caching
 * flags, no INIT_EXT. max_write is offered as min(want_max_write or 1 MiB,
 * 1 MiB, sockbuf - 32 - 4096) rounded down to 4 KiB, and becomes what the
 * backend answers within that (at least 4096). Reads, READDIR sizes and
 * WRITE data are limited to max_write.
 * Returns 0, or negative errno with a reason in err (to be prefixed with
 * the program's name): -ETIMEDOUT "no reply to FUSE_INIT within 10000 ms";
 * -EIO "exited with status 1 before answering FUSE_INIT", "closed the FUSE
 * connection before answering FUSE_INIT", "bad answer to FUSE_INIT: ...";
 * -EPROTO "refused FUSE_INIT: Protocol error", "answered FUSE_INIT with
 * protocol 7.18, need 7.19 or later". On failure the session is broken (no
 * broken_cb; the reason is in err) and only fg_session_free remains.
 */
int fg_session_init(struct fg_session *s, uint32_t want_max_write,
    int pidfd, int timeout_ms, char *err, size_t err_len);

const struct fg_info *fg_session_info(const struct fg_session *s);
/*
 * The caller never asks a READ, READDIR or READDIRPLUS for more than max
 * bytes (after INIT; capped to max_write): receive buffers shrink to that,
 * so a reply kept by fg_reply_keep holds no more memory than its size
 * calls for; a larger request then fails with -EMSGSIZE.
 */
void fg_session_set_max_read(struct fg_session *s, uint32_t max);
int fg_session_fd(const struct fg_session *s);
bool fg_session_is_broken(const struct fg_session *s);
size_t fg_session_inflight(const struct fg_session *s);
/* Why the session broke (the line broken_cb got), or NULL if it did not. */
const char *fg_session_why(const struct fg_session *s);

/* The fd is readable: receive and dispatch every reply available. Returns
 * 0, or a negative errno if the session broke (broken_cb was called). */
int fg_session_on_readable(struct fg_session *s);
/* The fd is writable: send what is queued. Same returns. */
int fg_session_on_writable(struct fg_session *s);
/* A timer asked for by timer_cb fired. */
void fg_session_on_timer(struct fg_session *s);
/* Send batched FORGETs now (call once per event-loop turn). */
void fg_session_flush(struct fg_session *s);

/*
 * Shut down: fail every pending request with -EIO (their done callbacks
 * run; submits from them get -EIO), FORGET every outstanding lookup, send
 * FUSE_DESTROY (waiting at most 1 s for queued output to go), close the fd.
 * After a break or a failed INIT nothing is sent. Frees s; kept reply
 * buffers stay valid until released. NULL is a no-op.
 */
void fg_session_free(struct fg_session *s);

/* ------------------------------------------------------------- requests */

/*
 * A parsed reply, valid only during the done callback. When error == 0,
 * the union member of the opcode is filled (copied out, never cast):
 *   LOOKUP MKNOD MKDIR SYMLINK LINK -> entry
 *   CREATE -> entry and open
 *   GETATTR SETATTR -> attr
 *   OPEN OPENDIR -> open
 *   WRITE -> write;  STATFS -> statfs;  GETLK -> lk
 *   GETXATTR LISTXATTR with size 0 -> xattr; otherwise data/len
 *   READ READDIR READDIRPLUS READLINK -> data/len only
 * data/len is the payload after fuse_out_header (borrowed).
 * Sizes were checked before: a success reply carrying a struct has exactly
 * its size (as the kernel demands), READ/READDIR(PLUS) at most the size
 * asked, GETXATTR/LISTXATTR exactly 8 bytes (size 0) or at most the size
 * asked, READLINK what fits the buffer; an error reply has no payload.
 */
struct fg_reply {
	int error;		/* 0 or a negative errno (-EINTR when interrupted) */
	uint32_t opcode;
	const void *data;	/* borrowed: valid during the callback */
	size_t len;
	struct fuse_entry_out entry;
	struct fuse_open_out open;
	struct fuse_attr_out attr;
	struct fuse_write_out write;
	struct fuse_statfs_out statfs;
	struct fuse_getxattr_out xattr;
	struct fuse_lk_out lk;
	struct fg_buf *buf;	/* internal: the receive buffer (fg_reply_keep) */
};

/*
 * Keep the reply's receive buffer beyond the callback (zero-copy Rread).
 * Returns a handle; rep->data stays valid until fg_buf_release(handle).
 * NULL on ENOMEM, and for a reply the session made up itself (the -EIO of
 * a broken session), which has no buffer.
 */
void *fg_reply_keep(const struct fg_reply *rep);
void fg_buf_release(void *handle);

/*
 * Called exactly once per submitted request that is not detached: with the
 * reply, or with error -EIO if the session broke. req is invalid afterwards.
 * Entry replies (LOOKUP, CREATE, MKNOD, MKDIR, SYMLINK, LINK and each
 * READDIRPLUS entry with a nodeid) have already been counted in the ledger,
 * except nodeid 1 (the root is never counted nor forgotten) and READDIRPLUS
 * "." and ".." (see fg_dirent.counted). An entry reply with nodeid 0 comes
 * as error -ENOENT for LOOKUP (a negative entry) and -EIO otherwise (as the
 * kernel does). -ENOMEM: the lookup could not be recorded and was given
 * back at once (a CREATE's handle released).
 */
typedef void fg_done_fn(struct fg_req *req, const struct fg_reply *rep,
    void *arg);

/* A request to build. Pointers are borrowed for the call only (copied if
 * the message cannot be sent at once). Names get a '\0' appended on the wire;
 * data does not. */
struct fg_op {
	uint32_t opcode;
	uint64_t nodeid;
	struct fg_ctx ctx;
	const void *in;		/* the opcode's fuse_*_in struct */
	size_t in_len;
	const char *name;	/* first name (LOOKUP, MKDIR, ..., RENAME old, SETXATTR/GETXATTR attr) */
	size_t name_len;
	const char *name2;	/* second name (RENAME/RENAME2 new, SYMLINK target) */
	size_t name2_len;
	const void *data;	/* WRITE data, SETXATTR value */
	size_t data_len;
};

/*
 * Submit a request. op->in must hold the whole current struct of the opcode
 * (sizeof(struct fuse_*_in)); the session sends the prefix the negotiated
 * protocol has (e.g. 8 bytes of fuse_setxattr_in without SETXATTR_EXT).
 * Names must be 1+ bytes without NUL, and are required exactly for the
 * opcodes that carry them; data only for WRITE and SETXATTR. done may be
 * NULL (the reply is then dropped). On success *reqp (may be NULL) is the
 * request, valid until done runs. Returns 0; -ENOMEM; -EIO if the session
 * is broken or closing (done is then NOT called); -EINVAL for a malformed
 * op, an opcode the session sends itself (INIT, FORGET, BATCH_FORGET,
 * INTERRUPT, DESTROY) or one it does not know, or before INIT completed;
 * -EMSGSIZE if it exceeds max_write (READ/READDIR size, WRITE data), the
 * receive buffer (GETXATTR/LISTXATTR size) or the socket buffer.
 */
int fg_submit(struct fg_session *s, const struct fg_op *op, fg_done_fn *done,
    void *arg, struct fg_req **reqp);

/*
 * Ask the backend to interrupt req (FUSE_INTERRUPT, unique | 1). At most one
 * outstanding; EAGAIN from the backend makes the session resend it later
 * while req is in flight; ENOSYS turns interrupts off for the session.
 * A backend may answer nothing at all (libfuse without an interrupt
 * handler): req then simply completes. A later call for the same req sends
 * nothing. Returns 0, -ENOSYS if interrupts are off (nothing sent), or
 * -ENOMEM.
 */
int fg_interrupt(struct fg_req *req);

/*
 * The caller no longer wants req's reply: done will not be called, and req
 * must not be used again. When the reply comes, the session undoes its
 * effects itself: an entry is FORGOTTEN (READDIRPLUS: every counted one),
 * an OPEN/CREATE handle RELEASEd (with the open flags of the request), an
 * OPENDIR handle RELEASEDIRed. Detach at most once, never inside req's done.
 */
void fg_req_detach(struct fg_req *req);

/*
 * fg_req_detach, and gone_fn(arg) is called once the request is over: after
 * its reply (and the undo), or when the session fails it. The caller uses it
 * to keep what the backend may still be using (an open file handle) until
 * then: a RELEASE must not overtake a READ of the same handle.
 */
void fg_req_detach_then(struct fg_req *req, void (*gone_fn)(void *arg),
    void *arg);

uint64_t fg_req_unique(const struct fg_req *req);

/* Convenience builders over fg_submit for the common shapes. */
int fg_lookup(struct fg_session *s, const struct fg_ctx *ctx, uint64_t parent,
    const char *name, size_t name_len, fg_done_fn *done, void *arg,
    struct fg_req **reqp);
int fg_getattr(struct fg_session *s, const struct fg_ctx *ctx, uint64_t nodeid,
    uint64_t fh, bool use_fh, fg_done_fn *done, void *arg,
    struct fg_req **reqp);
int fg_read(struct fg_session *s, const struct fg_ctx *ctx, uint32_t opcode,
    uint64_t nodeid, uint64_t fh, uint64_t offset, uint32_t size,
    fg_done_fn *done, void *arg, struct fg_req **reqp);	/* READ/READDIR/READDIRPLUS */
int fg_write(struct fg_session *s, const struct fg_ctx *ctx, uint64_t nodeid,
    uint64_t fh, uint64_t offset, const void *data, uint32_t size,
    fg_done_fn *done, void *arg, struct fg_req **reqp);
int fg_release(struct fg_session *s, uint64_t nodeid, uint64_t fh, bool dir,
    uint32_t flags);	/* RELEASE/RELEASEDIR, reply ignored */

/* ------------------------------------------------------------- lookups */

/* How many lookups the session holds on nodeid (0 if none). */
uint64_t fg_nlookup(const struct fg_session *s, uint64_t nodeid);
/* Total nodes with outstanding lookups (for tests and shutdown). */
size_t fg_nlookup_nodes(const struct fg_session *s);
/* Drop n lookups of nodeid (n ≤ what is held, asserted; 0 means all). The
 * FORGET is batched (BATCH_FORGET, or FORGET for one node) and goes out on
 * fg_session_flush, or at once when 256 are waiting. nodeid 1 (root) and 0
 * are no-ops. */
void fg_forget(struct fg_session *s, uint64_t nodeid, uint64_t n);

/* --------------------------------------------------------------- dirents */

/* One READDIR/READDIRPLUS entry; name borrowed from the reply buffer. */
struct fg_dirent {
	uint64_t ino;
	uint64_t off;
	uint32_t type;		/* DT_* */
	const char *name;
	size_t name_len;
	bool has_entry;		/* READDIRPLUS */
	/* READDIRPLUS: this entry's lookup was counted in the ledger (nodeid
	 * not 0 or 1, name not "." or ".."; the kernel counts the same).
	 * Only counted entries may be given to fg_forget. */
	bool counted;
	struct fuse_entry_out entry;
};
/* Cursor over a READDIR(PLUS) payload (the one place that walks dirents).
 * A record is 8-byte aligned; the padding of the last one may be missing.
 * Malformed: a fixed part cut short, namelen 0, over 1024 or past the end,
 * a '/' or NUL in the name. */
struct fg_dirent_cur {
	const unsigned char *p, *end;
	bool plus;
};
void fg_dirent_cur_init(struct fg_dirent_cur *c, const void *data, size_t len,
    bool plus);
/* Returns 1 and fills *d, 0 at the end, -EBADMSG on a malformed entry. */
int fg_dirent_next(struct fg_dirent_cur *c, struct fg_dirent *d);

/* Name of a FUSE opcode ("LOOKUP"), or "?" */
const char *fg_opcode_name(uint32_t opcode);

#endif
