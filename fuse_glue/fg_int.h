/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the fuse_glue session library: fg_wire.c (opcode
 * table, reply checker, dirent cursor), fg_buf.c (receive buffers),
 * fg_session.c (table, send queue, receive, interrupts, breaking,
 * shutdown), fg_submit.c (building requests), fg_init.c (FUSE_INIT),
 * fg_ledger.c (lookups, FORGET, undo), fg_ops.c (builders) and fg_spawn.c
 * (the child). Never included from outside fuse_glue/, and not used by the
 * passthrough backend.
 *
 * It holds the opcode table interface, the one reply-header checker, the
 * session and request structs, and the limits the session enforces. It
 * deliberately knows nothing about 9P or event loops.
 */
#ifndef NG_FUSE_GLUE_FG_INT_H
#define NG_FUSE_GLUE_FG_INT_H

#include "fg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* Bit 0 of an interrupt's unique (the protocol's FUSE_INT_REQ_BIT, which
 * the kernel defines internally, not in <linux/fuse.h>). */
#define FG_INT_REQ_BIT ((uint64_t)1)

/* ------------------------------------------------------------- limits */

/* Oldest protocol we speak: libfuse >= 2.9 and go-fuse answer at least
 * this. Below it, request and reply layouts differ (see fg_wire.c). */
#define FG_MIN_MINOR 19u
/* Largest max_write we ever ask for. */
#define FG_MAX_WRITE_CAP (1024u * 1024u)
/* Smallest max_write (the kernel's floor, one page). */
#define FG_MIN_WRITE 4096u
/* Room for headers and fixed structs beyond the payload of one message;
 * libfuse's receive buffer has the same allowance. */
#define FG_HDR_SLACK 4096u
/* An AF_UNIX datagram may be at most SO_SNDBUF - 32 bytes long. */
#define FG_SOCK_OVERHEAD 32u
/* Receive buffers never smaller than this payload (xattr values). */
#define FG_MIN_RECV_PAYLOAD (64u * 1024u)
/* FORGETs collected before a BATCH_FORGET goes out without a flush. */
#define FG_FORGET_BATCH 256u
/* Delay before an interrupt answered with EAGAIN is sent again. */
#define FG_INTR_RESEND_MS 10u
/* Free receive buffers kept for reuse. */
#define FG_POOL_KEEP 8u
/* Bytes of queued output at fg_session_free that are waited for. */
#define FG_FREE_DRAIN_MS 1000

/* ------------------------------------------------------- opcode table */

enum fg_opflag {
	FG_OPF_NAME = 1 << 0,    /* carries a first name */
	FG_OPF_NAME2 = 1 << 1,   /* carries a second name */
	FG_OPF_DATA = 1 << 2,    /* carries data after the names */
	FG_OPF_ENTRY = 1 << 3,   /* success reply starts with fuse_entry_out */
	FG_OPF_NOREPLY = 1 << 4, /* the backend never answers */
	FG_OPF_INTERNAL = 1
	                  << 5, /* sent by the session only, never submitted */
	FG_OPF_VAROUT = 1 << 6, /* reply length bounded by the request size */
	FG_OPF_XATTR = 1 << 7,  /* size 0 -> getxattr_out, else data */
	FG_OPF_ANYOUT = 1 << 8, /* reply length bounded by the buffer only */
};

struct fg_opdef {
	const char *name;
	uint16_t
	    in_size; /* fixed request struct at FUSE_KERNEL_MINOR_VERSION */
	uint16_t out_min;  /* payload of a success reply, at least */
	uint16_t flags;    /* enum fg_opflag */
	uint8_t out_kind;  /* which struct fg_reply member a success fills */
	uint8_t out_kind2; /* a second one after it (CREATE: open) */
};

/* The row of opcode, or NULL if the session does not know it. */
const struct fg_opdef *fg_wire_op(uint32_t opcode);
/* Request struct bytes for the negotiated minor and init flags. */
size_t fg_wire_in_size(uint32_t opcode, uint32_t minor, uint64_t flags);
/* Least success payload for the negotiated minor. */
size_t fg_wire_out_min(uint32_t opcode, uint32_t minor);

/* What a reply to one unique may look like. */
struct fg_expect {
	uint32_t opcode;
	uint32_t out_min; /* success payload at least */
	uint32_t out_max; /* success payload at most */
};

enum fg_find {
	FG_FIND_UNKNOWN, /* never issued or not in flight: breaks */
	FG_FIND_STALE,   /* an interrupt whose victim is gone: ignored */
	FG_FIND_OK,
};
typedef enum fg_find fg_find_fn(
    void *arg, uint64_t unique, struct fg_expect *e);

enum fg_check {
	FG_CHECK_REPLY,  /* a valid reply to a request in flight */
	FG_CHECK_NOTIFY, /* a notification (unique 0): ignored */
	FG_CHECK_STALE,  /* reply to an interrupt of a finished request */
};

/*
 * The one check of a message from the backend. msg holds cap bytes of a
 * datagram that was n bytes long (n > cap: it was truncated). find tells
 * what the unique may carry. Returns an enum fg_check with *oh and *e
 * filled, or -EPROTO with a one-line reason in why.
 */
int fg_wire_check_reply(const void *msg, size_t n, size_t cap, fg_find_fn *find,
    void *arg, struct fuse_out_header *oh, struct fg_expect *e, char *why,
    size_t why_len);

/* Copy the fixed parts of a checked success payload into rep (prefixes
 * shorter than the struct are zero-filled). size_query: a GETXATTR or
 * LISTXATTR with size 0, whose answer is a fuse_getxattr_out. */
void fg_wire_parse(uint32_t opcode, bool size_query, const void *payload,
    size_t len, struct fg_reply *rep);

/* Append printable text for len bytes of p to out (control bytes and
 * quotes as \xNN), at most max input bytes, always NUL-terminated. */
void fg_escape(
    char *out, size_t out_len, const char *p, size_t len, size_t max);

/* ------------------------------------------------------------ buffers */

/* Receive buffers, refcounted so that a reply can outlive its callback.
 * The pool outlives the session while any buffer is kept. */
struct fg_pool;
struct fg_buf {
	struct fg_pool *pool;
	unsigned refs;
	size_t size; /* bytes in data */
	unsigned char *data;
};
struct fg_pool {
	unsigned refs; /* 1 for the session + one per buffer out */
	bool dead;     /* the session is gone: release frees */
	size_t bufsize;
	size_t nfree;
	struct fg_buf *free[FG_POOL_KEEP];
};

/* ----------------------------------------------------------- requests */

/*
 * INFLIGHT -reply|break-> DONE
 * INFLIGHT -fg_req_detach-> DETACHED -reply|break-> DONE (undo runs on reply)
 */
enum fg_req_state { FG_REQ_INFLIGHT, FG_REQ_DETACHED, FG_REQ_DONE };

/*
 * NONE -fg_interrupt-> SENT -EAGAIN-> WAIT -timer-> SENT
 * SENT -any other answer-> ANSWERED
 * (ENOSYS also turns interrupts off for the session.)
 */
enum fg_intr_state {
	FG_INTR_NONE,
	FG_INTR_SENT,
	FG_INTR_WAIT,
	FG_INTR_ANSWERED
};

struct fg_req {
	struct fg_session *s;
	struct fg_req *hnext;       /* hash chain */
	struct fg_req *prev, *next; /* in flight, in submission order */
	uint64_t unique;
	uint64_t nodeid;
	uint32_t opcode;
	uint32_t open_flags; /* OPEN/CREATE/OPENDIR: for the undo RELEASE */
	uint32_t out_min, out_max;
	enum fg_req_state state;
	enum fg_intr_state intr;
	fg_done_fn *done;
	void *arg;
	void (*gone_fn)(void *arg);	/* detached: told when it is over */
	void *gone_arg;
};

/* ----------------------------------------------------------- session */

/* NEW -init sent-> INIT -good reply-> READY;  any -> BROKEN */
enum fg_sess_state { FG_S_NEW, FG_S_INIT, FG_S_READY, FG_S_BROKEN };

struct fg_qmsg {
	struct fg_qmsg *next;
	size_t len;
	unsigned char bytes[];
};

struct fg_lnode {
	struct fg_lnode *next;
	uint64_t nodeid;
	uint64_t n;
};

struct fg_session {
	int fd;
	size_t sockbuf;
	size_t max_msg; /* largest datagram we may send */
	struct fg_hooks hooks;
	void *arg;
	enum fg_sess_state state;
	bool closing;       /* fg_session_free runs: submits get -EIO */
	bool intr_off;      /* ENOSYS seen */
	bool timer_armed;   /* timer_cb asked for, not fired yet */
	bool break_pending; /* a send failed: break on the next turn */
	bool want_write;    /* want_write_cb(true) is in force */
	bool in_init;       /* fg_session_init waits: no broken_cb */
	bool peer_gone;     /* EOF or a receive error, not bad bytes */
	uint32_t init_cap;  /* max_write we offered in INIT */
	struct fg_info info;
	uint64_t init_flags; /* flags we asked for */
	char why[192];       /* reason of a break (pending or done) */

	/* INIT result, set by its completion */
	bool init_answered;
	int init_err;
	char init_why[256];

	uint64_t next_unique;
	struct fg_req **buckets;
	size_t nbuckets; /* power of two */
	size_t ninflight;
	struct fg_req *head, *tail;

	struct fg_qmsg *qhead, *qtail;

	struct fg_pool *pool;

	struct fg_lnode **lbuckets;
	size_t nlbuckets; /* power of two */
	size_t nlnodes;
	struct fuse_forget_one batch[FG_FORGET_BATCH];
	size_t nbatch;

	unsigned in_cb; /* depth of callbacks into the caller */
	uint32_t max_read;	/* largest READ/READDIR size a request may ask */
};

/* fg_buf.c */
struct fg_pool *fg_pool_new(size_t bufsize);
void fg_pool_unref(struct fg_pool *p);
/* A buffer with one reference, or NULL (ENOMEM). */
struct fg_buf *fg_pool_get(struct fg_pool *p);

/* fg_session.c */
/* Put r in the table of requests in flight (keyed by unique). */
void fg_table_insert(struct fg_session *s, struct fg_req *r);
/* Move r's state, asserting the transition is legal. */
void fg_req_set_state(struct fg_req *r, enum fg_req_state to);
/* Send FUSE_INTERRUPT for r (state NONE or WAIT -> SENT). */
int fg_sess_send_interrupt(struct fg_req *r);
/* Send one message (iovecs) now, or queue a copy if the socket is full or
 * output is already queued. Returns 0, -ENOMEM, or -EMSGSIZE. A hard send
 * error schedules a break and returns 0 (the request then fails -EIO). */
int fg_sess_send(struct fg_session *s, const struct iovec *iov, int iovcnt);
/* Break the session: fail every request with -EIO, call broken_cb once. */
void fg_sess_break(struct fg_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Schedule a break for the next turn (used where callbacks must not run). */
void fg_sess_break_later(struct fg_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void fg_sess_trace(struct fg_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
uint64_t fg_sess_next_unique(struct fg_session *s);
/* Send a request whose iov[1..iovcnt-1] hold the body (iov[0] is filled
 * with the header here) and put r in the table. r->opcode, nodeid, done,
 * arg, out_min, out_max are set by the caller. Returns 0 or -errno (r is
 * then not in the table). */
int fg_sess_submit_raw(struct fg_session *s, struct fg_req *r,
    const struct fg_ctx *ctx, struct iovec *iov, int iovcnt, size_t total);
/* Payload bytes a receive buffer holds. */
size_t fg_sess_recv_cap(const struct fg_session *s);
void fg_sess_set_recv_payload(struct fg_session *s, size_t payload);
void fg_sess_fill_in_header(struct fuse_in_header *ih, size_t len,
    uint32_t opcode, uint64_t unique, uint64_t nodeid,
    const struct fg_ctx *ctx);

/* fg_ledger.c */
/* Count one lookup of nodeid (not for 0 or 1). Returns 0 or -ENOMEM. */
int fg_ledger_add(struct fg_session *s, uint64_t nodeid);
/* Count the entries of a READDIRPLUS payload; on a detached request, or
 * when forget_now, forget them again. Returns 0, -ENOMEM or -EBADMSG. */
int fg_ledger_add_dirents(
    struct fg_session *s, const void *data, size_t len, bool forget_now);
/* Undo what a successful reply to a detached request built. */
void fg_ledger_undo(
    struct fg_session *s, const struct fg_req *req, const struct fg_reply *rep);
/* Add a FORGET of n lookups of nodeid to the batch, flushing it first
 * when it is full (no ledger change). */
void fg_ledger_forget_raw(struct fg_session *s, uint64_t nodeid, uint64_t n);
/* Queue a FORGET of every lookup held (shutdown). */
void fg_ledger_forget_all(struct fg_session *s);
void fg_ledger_free(struct fg_session *s);

/* True if a dirent name is "." or ".." (never counted, as in the kernel). */
bool fg_is_dot(const char *name, size_t len);

#endif
