/* SPDX-License-Identifier: MIT */
/*
 * The gateway's internal types: the server, connections, 9P requests, fids
 * and the node table, and the functions the gw_*.c files share. The gateway
 * has no public header; main() is its only entry.
 */
#ifndef NG_GATEWAY_GW_INT_H
#define NG_GATEWAY_GW_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fg.h"
#include "p9.h"

#include "gw_limits.h"

struct event_base;
struct event;
struct evbuffer;
struct gw_conn;
struct gw_req;
struct gw_server;

/* ------------------------------------------------------------- logging */

enum gw_log_level {
	GW_LOG_ERROR,
	GW_LOG_WARN,
	GW_LOG_INFO,	/* start-up and shutdown; the default */
	GW_LOG_VERBOSE,	/* -v: connections */
	GW_LOG_DEBUG,	/* -vv, --debug: every 9P and FUSE message */
};
extern int gw_log_level_max;	/* messages above it are dropped */

void gw_log(enum gw_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define log_error(...) gw_log(GW_LOG_ERROR, __VA_ARGS__)
#define log_warn(...) gw_log(GW_LOG_WARN, __VA_ARGS__)
#define log_info(...) gw_log(GW_LOG_INFO, __VA_ARGS__)
#define log_verbose(...) gw_log(GW_LOG_VERBOSE, __VA_ARGS__)
#define log_debug(...)                                                 \
	do {                                                           \
		if (gw_log_level_max >= GW_LOG_DEBUG)                  \
			gw_log(GW_LOG_DEBUG, __VA_ARGS__);             \
	} while (0)
/* Start-up only: log and exit(1). */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Escape peer bytes for a log line (truncated to out_len). */
void gw_escape(const char *s, size_t len, char *out, size_t out_len);

/* ------------------------------------------------------------- options */

enum gw_listen_kind { GW_L_TCP, GW_L_UNIX, GW_L_STDIO, GW_L_FD, GW_L_SYSTEMD };

struct gw_listen_spec {
	enum gw_listen_kind kind;
	char *addr;	/* host:port, path, or fd number as text */
};

#define GW_IDMAP_MAX 16

struct gw_idmaps {
	struct {
		uint32_t inside, outside, count;
	} r[GW_IDMAP_MAX];
	unsigned n;
};

struct gw_opts {
	struct gw_listen_spec *listen;
	size_t nlisten;
	char *export_dir;		/* --export DIR */
	char **prog_argv;		/* -- PROGRAM ARGS... */
	uint32_t msize;
	bool read_only;
	bool squash;			/* --uid/--gid, --all-squash */
	uint32_t squash_uid, squash_gid;
	bool root_squash;		/* uid/gid 0 -> 65534 */
	bool no_special_files;		/* EPERM for device/fifo/socket nodes */
	bool allow_devices;		/* built-in backend may mknod devices */
	struct gw_idmaps uid_map, gid_map;
	unsigned max_connections, max_fids, max_requests;
	size_t output_bound;
	uint32_t chunk;
	unsigned flush_timeout_ms;	/* 0: wait for ever */
	unsigned socket_mode;
	int verbose;			/* -v count; 2+ = --debug trace */
	const char *seccomp;		/* kill|trap|log|off */
	const char *sandbox;		/* auto|namespace|none */
	const char *selftest;		/* --sandbox-selftest=CALL */
};

/* Parse argv; prints usage/version and exits on --help/--version, prints
 * a usage error and exits 2 on bad arguments. */
void gw_opts_parse(struct gw_opts *o, int argc, char **argv);

/* "INSIDE:OUTSIDE:COUNT" appended to m: 0, -EINVAL, -ENOSPC (more than
 * GW_IDMAP_MAX ranges). */
int gw_idmap_parse(struct gw_idmaps *m, const char *spec);
/* A client's id as the backend sees it, and back. */
uint32_t gw_id_to_backend(const struct gw_opts *o, uint32_t id, bool group);
uint32_t gw_id_to_client(const struct gw_opts *o, uint32_t id, bool group);
/* A mode that --no-special-files allows (a regular file or no type). */
bool gw_regular_mode(uint32_t mode);

/* ------------------------------------------------------------- nodes */

/*
 * A node is a FUSE nodeid the gateway holds lookups on. It lives while a
 * fid or a child node refers to it; at the last reference its lookups are
 * FORGOTTEN. parent/name are what the gateway last learnt (walks, renames
 * and removes it performed) and serve `..`, Trename and Tremove.
 */
struct gw_node {
	uint64_t nodeid;
	uint64_t nlookup;	/* entry replies absorbed into this node */
	unsigned refs;		/* fids + children */
	uint32_t mode;		/* S_IFMT bits and permissions, last seen */
	struct gw_node *parent;	/* NULL for nodeid 1 and unlinked nodes */
	char *name;		/* NUL-terminated; "" for nodeid 1 */
	struct fuse_attr attr;	/* last attributes, valid until attr_expiry */
	uint64_t attr_expiry_ns;
	uint64_t attr_gen;	/* gw_attr_gen when attr was stored */
	struct gw_node *hnext;	/* nodeid hash chain */
	struct gw_node *nnext;	/* (parent, name) hash chain */
};

struct gw_node *gw_node_get(uint64_t nodeid);
/* Record an entry reply: find or create the node, count the lookup, set
 * parent/name (parent may be NULL). Returns the node with one reference
 * taken for the caller, or NULL on ENOMEM (the lookup is then forgotten). */
struct gw_node *gw_node_enter(struct gw_server *srv, struct gw_node *parent,
    const char *name, size_t name_len, const struct fuse_entry_out *e);
void gw_node_ref(struct gw_node *n);
void gw_node_unref(struct gw_server *srv, struct gw_node *n);
/* A rename/remove performed through the gateway. */
void gw_node_moved(struct gw_server *srv, struct gw_node *dir,
    const char *name, size_t name_len, struct gw_node *newdir,
    const char *newname, size_t newname_len);
void gw_node_removed(struct gw_server *srv, struct gw_node *dir,
    const char *name, size_t name_len);
void gw_node_set_attr(struct gw_node *n, const struct fuse_attr *a,
    uint64_t valid, uint32_t valid_nsec);
/* Bumped by every change made through the gateway: cached attributes are
 * used only while nothing changed since they were stored. */
extern uint64_t gw_attr_gen;
bool gw_node_attr_fresh(const struct gw_node *n);
/* Store attributes a reply to r brought; they are not cached as fresh if
 * something changed through the gateway since r was dispatched. */
void gw_node_set_attr_of(struct gw_req *r, struct gw_node *n,
    const struct fuse_attr *a, uint64_t valid, uint32_t valid_nsec);
/* Build a qid from FUSE attributes. */
void gw_qid_from_attr(struct p9_qid *q, const struct fuse_attr *a);
void gw_qid_from_mode(struct p9_qid *q, uint64_t ino, uint32_t mode);
uint64_t gw_now_ns(void);

/* ------------------------------------------------------------- fids */

enum gw_fid_kind {
	GW_FID_NODE,		/* walked, maybe opened */
	GW_FID_XATTR_READ,	/* Txattrwalk result: value or list in buf */
	GW_FID_XATTR_WRITE,	/* Txattrcreate: value collected in buf */
};

struct gw_fid {
	uint32_t fid;
	enum gw_fid_kind kind;
	struct gw_node *node;		/* one reference */
	struct gw_node *root;		/* attach root, for `..`; one reference */
	uint32_t uid, gid;		/* identity from the attach */
	bool open;
	bool is_dir;
	bool rclose;			/* 9P2000 ORCLOSE */
	uint32_t open_flags;		/* host O_* flags */
	uint64_t fh;
	uint32_t iounit;
	unsigned refs;			/* the table's + each request's */
	bool hashed;			/* still in the fid table */
	/* 9P2000 directory reads: stat entries are a byte stream */
	uint64_t dir_off9;		/* next 9P offset expected */
	uint64_t dir_cookie;		/* FUSE readdir offset to continue at */
	bool dir_eof;
	/* xattr fids */
	char *xname;
	unsigned char *xbuf;
	size_t xlen, xsize;
	uint32_t xflags;
	struct gw_fid *hnext;
};

/* f is a walked fid (not an xattr fid) with a node. */
static inline bool
gw_fid_is_node(const struct gw_fid *f)
{
	return f && f->kind == GW_FID_NODE && f->node;
}

/* The fid in the table, or NULL. No reference is taken. */
struct gw_fid *gw_fid_get(struct gw_conn *c, uint32_t fid);
/* A new fid in the table, holding the table's reference and one for the
 * caller; node/root are set by the caller. -EEXIST if in use, -EMFILE at
 * --max-fids, -ENOMEM. */
int gw_fid_new(struct gw_conn *c, uint32_t fid, struct gw_fid **out);
/* Take it out of the table (Tclunk, Tremove); it lives on while requests
 * hold it. */
void gw_fid_unhash(struct gw_conn *c, struct gw_fid *f);
void gw_fid_ref(struct gw_fid *f);
/* Drop a reference; the last one releases its handle (RELEASE or
 * RELEASEDIR), its nodes and the fid. */
void gw_fid_put(struct gw_conn *c, struct gw_fid *f);
/* The same, as an fg_req_detach_then callback (arg: the fid). */
void gw_fid_put_cb(void *arg);
void gw_fid_clunk_all(struct gw_conn *c);

/* ------------------------------------------------------------- requests */

/* NEW -submit-> SENT -reply-> DONE;  NEW|SENT -Tflush-> CANCELLED -> DONE */
enum gw_req_state { GW_REQ_NEW, GW_REQ_SENT, GW_REQ_CANCELLED, GW_REQ_DONE };

#define GW_REQ_MAXFUSE 16	/* FUSE ops one 9P request may have in flight */

struct gw_req {
	struct gw_conn *conn;
	struct p9_msg msg;		/* the T-message; points into its frame */
	void *frame;			/* owned, a large frame; else NULL */
	uint16_t tag;
	enum gw_req_state state;
	struct fg_ctx ctx;		/* identity for FUSE headers */
	uint64_t attr_gen;		/* gw_attr_gen when it was dispatched */
	uint32_t reserved;		/* reply bytes counted against the
					   connection's output bound */
	struct gw_fid *fid, *newfid;	/* resolved by dispatch */
	/* flush bookkeeping (DESIGN.md §4) */
	struct gw_req *flush_target;	/* for a Tflush: the request it waits on */
	struct gw_req *flush_head;	/* Tflushes waiting on this request */
	struct gw_req *flush_next;
	struct event *flush_timer;	/* --flush-timeout */
	/* FUSE ops in flight */
	struct fg_req *fuse[GW_REQ_MAXFUSE];
	unsigned nfuse;
	/* set by multi-step operations: undo what was built, on abandon */
	void (*abandon_fn)(struct gw_req *r);
	void *op;			/* operation state, owned, freed at end */
	struct gw_req *hnext;		/* tag hash chain */
	struct gw_req *anext;		/* list of all requests of the conn */
	struct gw_req **aprev;
	unsigned char inline_frame[];	/* the frame, unless r->frame */
};

/* The three terminal calls (STYLE.md §6); req is invalid after each. */
void gw_req_reply(struct gw_req *r, struct p9_msg *m);
/* Reply with bulk data after the header (Rread/Rreaddir): the data is
 * referenced, handles (fg buffers) are released once written. */
void gw_req_reply_data(struct gw_req *r, struct p9_msg *m,
    void *const *bufs, const void *const *datas, const size_t *lens,
    size_t n);
void gw_req_fail(struct gw_req *r, int err);
void gw_req_drop(struct gw_req *r);
/* Submit a FUSE op for r and remember it (0 or negative errno). */
int gw_req_submit(struct gw_req *r, const struct fg_op *op, fg_done_fn *done);
/* gw_req_submit, and r fails with the error if it cannot be sent. */
void gw_req_send(struct gw_req *r, const struct fg_op *op, fg_done_fn *done);
/* GETATTR of r->fid's node (through its handle when open). */
void gw_send_getattr(struct gw_req *r, fg_done_fn *done);
/* Called first in every fg done callback: forget the fg_req. Returns
 * true if r was cancelled (a Tflush arrived). */
bool gw_req_fuse_done(struct gw_req *r, struct fg_req *fr);
/* The standard end of a single-step op whose reply said error: if r was
 * cancelled and the error is EINTR, drop; else fail. */
void gw_req_end_error(struct gw_req *r, int err);

/* ------------------------------------------------------------- flush */

/* Ending r: queue the Rflush of every Tflush waiting on it, in order. */
void gw_flush_release(struct gw_req *r);
/* Cancel r as a Tflush or a closing connection would. */
void gw_flush_cancel(struct gw_req *r);

/* ------------------------------------------------------------- conns */

enum gw_conn_state { GW_CONN_OPEN, GW_CONN_CLOSING };

struct gw_conn {
	struct gw_server *srv;
	unsigned id;
	char subject[96];		/* "conn 4 (tcp:127.0.0.1:51234)" */
	enum gw_conn_state state;
	int in_fd, out_fd;
	struct event *rd_ev, *wr_ev, *flush_ev;
	bool flush_armed;		/* flush_ev is active */
	unsigned char *ibuf;		/* GW_INPUT_BUFFER bytes of input */
	size_t ioff, ilen;		/* unparsed: ibuf[ioff, ioff + ilen) */
	unsigned char *big;		/* a frame larger than ibuf, filling */
	uint32_t big_size, big_len;
	struct evbuffer *out;
	bool reading;			/* rd_ev armed */
	bool stdio;			/* exit when it closes */
	uint32_t msize;
	unsigned dialect;		/* 0 until Tversion */
	bool in_eof;			/* stdio input ended: answer what is
					   in flight, then close */
	/* tag table */
	struct gw_req *tags[256];
	struct gw_req *all;
	unsigned nreqs;
	size_t reserved;		/* replies in flight may need this */
	/* fid table */
	struct gw_fid *fids[256];
	unsigned nfids;
	uint32_t warned;		/* causes already logged once */
	struct gw_conn *next;
};

int gw_conn_new(struct gw_server *srv, int in_fd, int out_fd,
    const char *peer, bool stdio);
/* Mark for closing; the reaper frees it outside any callback. */
void gw_conn_close(struct gw_conn *c, const char *why);
/* Replies were added to c->out: have them written after this callback. */
void gw_conn_queued(struct gw_conn *c);
struct gw_req *gw_conn_find_req(struct gw_conn *c, uint16_t tag);
/* A request ended: remove it from the tables, maybe resume reading. */
void gw_conn_req_ended(struct gw_conn *c, struct gw_req *r);
void gw_conn_check_reading(struct gw_conn *c);
/* Reaper only: end every request, clunk every fid, free. */
void gw_conn_free(struct gw_conn *c);
void gw_conn_warn_once(struct gw_conn *c, unsigned cause, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------- server */

struct gw_user {
	uint32_t uid, gid;
	char *name;
};

struct gw_server {
	struct event_base *base;
	struct gw_opts *opts;
	struct fg_session *fs;
	struct fg_child child;
	bool have_child;
	const struct fg_info *info;
	uint32_t chunk;			/* bytes per FUSE READ/WRITE */
	struct gw_conn *conns;
	unsigned nconns;
	unsigned next_conn_id;
	bool stopping;
	bool backend_broken;
	struct event *fg_rd_ev, *fg_wr_ev, *fg_timer_ev, *child_ev, *err_ev;
	struct event *reap_ev;
	struct fg_lines err_lines;
	struct gw_user *users;	/* passwd: uid, primary gid, name */
	size_t nusers;
	struct gw_user *groups;	/* group: gid (in .gid), name */
	size_t ngroups;
	struct event **listen_evs;
	size_t nlisten;
};

extern struct gw_server *gw_srv;

/* Set up srv around opts: event base, reaper (0 or -ENOMEM). */
int gw_server_init(struct gw_server *srv, struct gw_opts *opts);
/* Read the user and group tables, before the sandbox. */
void gw_load_users(struct gw_server *srv);

/* Open every listener of the options (fatal on failure, start-up only). */
void gw_listen_open(struct gw_server *srv);
bool gw_listen_inherits(const struct gw_opts *o, int fd);
/* Start the backend and its FUSE session (fatal on failure). */
void gw_backend_start(struct gw_server *srv);
/* The session over an already connected FUSE fd (before INIT); events are
 * armed by gw_backend_ready once INIT is done. 0 or -ENOMEM. */
int gw_backend_attach(struct gw_server *srv, int fd, size_t sockbuf);
void gw_backend_ready(struct gw_server *srv);
/* Stop accepting and reading; end when in-flight requests are done. */
void gw_shutdown(struct gw_server *srv, const char *why);

void gw_schedule_reap(struct gw_server *srv);
bool gw_user_by_name(struct gw_server *srv, const char *name, size_t len,
    uint32_t *uid, uint32_t *gid);
bool gw_user_gid(struct gw_server *srv, uint32_t uid, uint32_t *gid);
const char *gw_user_name(struct gw_server *srv, uint32_t uid);
const char *gw_group_name(struct gw_server *srv, uint32_t gid);
bool gw_group_by_name(struct gw_server *srv, const char *name, size_t len,
    uint32_t *gid);

/* ------------------------------------------------------------- dispatch */

enum {
	GW_OP_FID = 1u << 0,		/* msg's fid must exist */
	GW_OP_NEWFID = 1u << 1,		/* msg's newfid must be unused */
	GW_OP_MUTATES = 1u << 2,	/* EROFS under --read-only */
	GW_OP_ATTACHED = 1u << 3,	/* needs Tversion done */
};

typedef void gw_start_fn(struct gw_req *r);

struct gw_op {
	const char *name;
	unsigned dialects;		/* P9_V_* mask */
	unsigned flags;
	gw_start_fn *start;
};

extern const struct gw_op gw_ops[256];

/* Decode-and-go for one frame: either bytes (copied) or frame (a buffer
 * of its own, owned by the call). */
void gw_dispatch_frame(struct gw_conn *c, const void *bytes, void *frame,
    size_t len);

/* operation start functions, per family file */
gw_start_fn gw_op_version, gw_op_auth, gw_op_attach, gw_op_flush,
    gw_op_walk, gw_op_clunk, gw_op_remove, gw_op_getattr, gw_op_setattr,
    gw_op_statfs, gw_op_lopen, gw_op_lcreate, gw_op_read, gw_op_write,
    gw_op_readdir, gw_op_fsync, gw_op_readlink, gw_op_mkdir, gw_op_symlink,
    gw_op_mknod, gw_op_link, gw_op_rename, gw_op_renameat, gw_op_unlinkat,
    gw_op_xattrwalk, gw_op_xattrcreate, gw_op_lock, gw_op_getlock,
    gw_op_open, gw_op_create, gw_op_stat, gw_op_wstat;

/* helpers shared by operations (gw_op_file.c) */
/* Open r->fid (OPEN, or OPENDIR for a directory) with host O_* flags; on
 * success the fid is open and r is answered with Rlopen or Ropen (qid,
 * iounit) by its type. Ends r either way. */
void gw_do_open(struct gw_req *r, uint32_t oflags);
/* Create name in r->fid's directory (CREATE; MKNOD + OPEN when the backend
 * has no CREATE) and open it; the fid then is the new file. Answers
 * Rlcreate or Rcreate by r's type. Ends r either way. */
void gw_do_create(struct gw_req *r, const struct p9_str *name,
    uint32_t oflags, uint32_t mode, uint32_t gid);
uint32_t gw_iounit(const struct gw_conn *c);
/* Tread/Twrite on xattr fids (gw_op_lockx.c). */
void gw_xattr_read(struct gw_req *r);
void gw_xattr_write(struct gw_req *r);
/* 9P2000 stat mode bits from a Unix mode, and Unix permission and set-id
 * bits from a 9P2000 mode (gw_op_stat.c). */
uint32_t gw_dm_from_mode(uint32_t mode);
uint32_t gw_perm_from_dm(uint32_t dm);
/* Tread on a directory fid in 9P2000/.u: stat entries (gw_op_stat.c). */
void gw_legacy_dirread(struct gw_req *r);
void gw_fill_rgetattr(struct p9_rgetattr *g, const struct fuse_attr *a);
/* Map dotl open flags (Tlopen/Tlcreate) to host O_* flags. */
uint32_t gw_dotl_to_oflags(uint32_t dotl);
/* A 9P name is valid: non-empty, no '/', not "." or "..". */
bool gw_name_ok(const struct p9_str *s);
/* The chunk a Tread/Treaddir may return in this connection. */
uint32_t gw_max_count(const struct gw_conn *c, uint32_t count,
    uint32_t hdr);
void gw_backend_trace(void *arg, const char *line);

#endif
