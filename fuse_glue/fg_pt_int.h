/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of ninegate-passthrough, the built-in libfuse3
 * low-level backend that exports one directory (fg_passthrough.c: main and
 * session; fg_pt_node.c: the node and handle tables; fg_pt_path.c: name
 * checks, opening and re-opening; fg_pt_creds.c: acting as the caller;
 * fg_pt_block.c: interruptible syscalls; fg_pt_ops.c: name and attribute
 * operations; fg_pt_io.c: open files, directories and locks).
 *
 * Not part of the fuse_glue session library and never included from outside
 * these files. Nothing here trusts the request: node ids and file handles
 * are looked up in tables (never cast to pointers) and every name is
 * checked to be one path component.
 */
#ifndef NG_FUSE_GLUE_FG_PT_INT_H
#define NG_FUSE_GLUE_FG_PT_INT_H

#define FUSE_USE_VERSION 314

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Options and process-wide state, set once in main before the loop. */
struct fg_pt_conf {
	bool read_only;
	bool allow_devices;
	bool as_root;   /* euid 0: act as each caller (fg_pt_creds.c) */
	int proc_fd;    /* /proc/self/fd (O_PATH) or -1: no /proc use */
	double timeout; /* entry and attribute validity, seconds */
};
extern struct fg_pt_conf fg_pt_conf;

/*
 * A node: one inode of the export, held open O_PATH|O_NOFOLLOW. Known by
 * its (dev, ino) and by a node id that is never reused. Lifetime: lives
 * while nlookup > 0 (the FUSE peer's references) or nref > 0 (operations in
 * progress); the root lives for ever. Both counts and parent/name are
 * protected by the table lock.
 */
struct fg_pt_node {
	uint64_t nodeid;
	dev_t dev;
	ino_t ino;
	int fd;      /* owned */
	mode_t type; /* S_IFMT bits */
	uint64_t nlookup;
	uint64_t nref;
	uint64_t parent; /* last directory it was found in, 0: none */
	char *name;      /* its name there (owned), NULL for the root */
	struct fg_pt_node *key_next; /* (dev, ino) hash chain */
};

/*
 * An open file or directory. fd is a real (not O_PATH) descriptor. Lives
 * until RELEASE/RELEASEDIR and no operation holds it (nref).
 */
struct fg_pt_handle {
	uint64_t fh;
	int fd; /* owned */
	mode_t type;
	bool released;
	uint64_t nref;
	pthread_mutex_t lock; /* directories: the stream below */
	void *dir;            /* DIR *, owns fd when set */
	long dir_pos;         /* telldir() cookie the stream is at */
};

/* ---- tables (fg_pt_node.c) ---- */

/* Build the tables with the export root open as fd (O_PATH directory,
 * ownership passes). Returns 0 or a negative errno. */
int fg_pt_tables_init(int root_fd);
/* Close and free everything (after the loop). */
void fg_pt_tables_fini(void);

/* Find a node by id and take an operation reference, or NULL. */
struct fg_pt_node *fg_pt_node_get(uint64_t nodeid);
void fg_pt_node_put(struct fg_pt_node *n);

/*
 * Look name up beneath parent (one component, already checked), fill *st,
 * and count one lookup on the node found or created: the caller must hand
 * it to the peer (fuse_reply_entry, a readdirplus entry) or undo it with
 * fg_pt_forget. Returns 0 and the node id in *nodeid, or a negative errno.
 */
int fg_pt_do_lookup(struct fg_pt_node *parent, const char *name,
    uint64_t *nodeid, struct stat *st);
/* Drop n lookups of nodeid; unknown ids are ignored. */
void fg_pt_forget(uint64_t nodeid, uint64_t n);
/* Parent and name n was last seen under, with an operation reference on
 * the parent and name owned by the caller; -ESTALE if unknown. */
int fg_pt_node_place(struct fg_pt_node *n, struct fg_pt_node **parent,
    char **name);
/* A node was renamed: remember its new place (for /proc-less reopen). */
void fg_pt_node_moved(struct fg_pt_node *newparent, const char *newname);

uint64_t fg_pt_handle_new(int fd, mode_t type, void *dir, int *err);
struct fg_pt_handle *fg_pt_handle_get(uint64_t fh);
void fg_pt_handle_put(struct fg_pt_handle *h);
/* Mark fh released; it is freed once no operation holds it. */
void fg_pt_handle_release(uint64_t fh);

/* ---- names and paths (fg_pt_path.c) ---- */

/* 0 if name is one path component (not "", ".", "..", no '/', short
 * enough), else -EINVAL or -ENAMETOOLONG. */
int fg_pt_check_name(const char *name);
/* openat2 beneath dirfd, never following a symlink; falls back to openat
 * with O_NOFOLLOW where openat2 is missing. Returns fd or negative errno. */
int fg_pt_open_beneath(int dirfd, const char *name, int flags, mode_t mode);
/* A real descriptor for node n opened with flags (never following a
 * symlink): through /proc/self/fd when available, otherwise through the
 * parent and name the node was last seen under (checked to still be the
 * same inode). Returns fd or negative errno. May block (FIFO): the caller
 * wraps it in an interruptible region. */
int fg_pt_reopen(struct fg_pt_node *n, int flags);
/* fstatat(fd, "", AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW). 0 or -errno. */
int fg_pt_stat_fd(int fd, struct stat *st);

/* Attribute and xattr changes on an O_PATH node (AT_EMPTY_PATH syscalls
 * where the kernel has them, /proc/self/fd paths otherwise). 0/size or
 * negative errno. */
int fg_pt_chmod(struct fg_pt_node *n, mode_t mode);
int fg_pt_utimens(struct fg_pt_node *n, const struct timespec ts[2]);
ssize_t fg_pt_getxattr(
    struct fg_pt_node *n, const char *name, void *buf, size_t size);
ssize_t fg_pt_listxattr(struct fg_pt_node *n, char *buf, size_t size);
int fg_pt_setxattr(struct fg_pt_node *n, const char *name, const void *val,
    size_t size, int flags);
int fg_pt_removexattr(struct fg_pt_node *n, const char *name);

/* ---- caller identity (fg_pt_creds.c) ---- */

/* As root: read every user's groups from the passwd/group databases
 * (before the sandbox; NSS may open files). No-op otherwise. 0 or
 * negative errno. */
int fg_pt_creds_init(void);
/* After the sandbox, before the loop: note the capabilities kept and
 * probe setgroups. 0 or negative errno; msg (never NULL) gets a line for
 * the log saying how callers are served (as root), or "". */
int fg_pt_creds_start(char *msg, size_t msg_len);
void fg_pt_creds_fini(void);
/*
 * Act as the caller of req from now on, in this thread: as root, switch
 * fsuid, fsgid, supplementary groups and (for a caller other than root)
 * drop every capability; a no-op for the caller the thread already acts
 * as, and when not root. Every operation that touches the export calls it
 * first. Returns 0, or a negative errno after replying to req with an
 * error (the switch failed; nothing may be done for req).
 */
int fg_pt_as_caller(fuse_req_t req);

/* ---- interruptible blocking syscalls (fg_pt_block.c) ---- */

/*
 * A region in which the worker thread may block in a syscall. While it is
 * active, FUSE_INTERRUPT for req (or the end of the session) sets
 * interrupted and sends the worker FG_PT_KICK_SIGNAL, whose handler is
 * installed without SA_RESTART, so the syscall fails with EINTR. The
 * syscall loop checks fg_pt_block_interrupted() before each (re)try.
 * Lives on the worker's stack between _begin and _end.
 */
struct fg_pt_block {
	fuse_req_t req;
	pthread_t tid;
	atomic_bool active;
	atomic_bool interrupted;
	struct fg_pt_block *prev, *next; /* list of active regions */
};
void fg_pt_block_begin(struct fg_pt_block *b, fuse_req_t req);
bool fg_pt_block_interrupted(struct fg_pt_block *b);
void fg_pt_block_end(struct fg_pt_block *b);
/* Install the kick signal handler (once, in main). 0 or -errno. */
int fg_pt_block_setup(void);
/* The session is over: interrupt every active region, and every later
 * region at once. */
void fg_pt_block_shutdown(void);

/* ---- operations ---- */

/* fg_pt_ops.c */
void fg_pt_reply_entry(fuse_req_t req, uint64_t nodeid, const struct stat *st);
void fg_pt_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void fg_pt_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void fg_pt_op_forget_multi(
    fuse_req_t req, size_t count, struct fuse_forget_data *forgets);
void fg_pt_op_getattr(
    fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fg_pt_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
    int to_set, struct fuse_file_info *fi);
void fg_pt_op_readlink(fuse_req_t req, fuse_ino_t ino);
void fg_pt_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
    mode_t mode, dev_t rdev);
void fg_pt_op_mkdir(
    fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void fg_pt_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void fg_pt_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void fg_pt_op_symlink(
    fuse_req_t req, const char *link, fuse_ino_t parent, const char *name);
void fg_pt_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
    fuse_ino_t newparent, const char *newname, unsigned int flags);
void fg_pt_op_link(
    fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname);
void fg_pt_op_statfs(fuse_req_t req, fuse_ino_t ino);
void fg_pt_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
    const char *value, size_t size, int flags);
void fg_pt_op_getxattr(
    fuse_req_t req, fuse_ino_t ino, const char *name, size_t size);
void fg_pt_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
void fg_pt_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);

/* fg_pt_io.c */
void fg_pt_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fg_pt_op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
    mode_t mode, struct fuse_file_info *fi);
void fg_pt_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi);
void fg_pt_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
    size_t size, off_t off, struct fuse_file_info *fi);
void fg_pt_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fg_pt_op_release(
    fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fg_pt_op_fsync(
    fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);
void fg_pt_op_opendir(
    fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fg_pt_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi);
void fg_pt_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
    off_t off, struct fuse_file_info *fi);
void fg_pt_op_releasedir(
    fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fg_pt_op_fsyncdir(
    fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);
void fg_pt_op_getlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
    struct flock *lock);
void fg_pt_op_setlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
    struct flock *lock, int sleep);
void fg_pt_op_flock(
    fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, int op);

#endif
