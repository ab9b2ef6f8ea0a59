/* SPDX-License-Identifier: MIT */
/*
 * testfs internals: shared between testfs.c (main, options, op names, the
 * report), testfs_rules.c (rules, control file, the gate and waits),
 * testfs_chan.c (the raw channel: logging, counting, ENOSYS interrupts,
 * malformed replies), testfs_tree.c (the in-memory tree), testfs_ops.c
 * (name and attribute operations) and testfs_io.c (files, directories,
 * xattrs, locks).
 *
 * Test-only code: one big lock, nodes never freed before exit, no
 * permission checks.
 */
#ifndef NG_TESTS_TESTFS_INT_H
#define NG_TESTS_TESTFS_INT_H

#define FUSE_USE_VERSION 314

#include <fuse_lowlevel.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#define T_PROG "testfs"

/* Opcodes we name, count and match rules on: FUSE opcodes are < 64 here
 * except CUSE_INIT, which never comes. */
#define T_NOPS 64

enum t_int_mode { T_INT_HONOUR, T_INT_IGNORE, T_INT_ENOSYS };
enum t_bad_mode { T_BAD_SHORT, T_BAD_UNIQUE, T_BAD_OVERSIZE, T_BAD_GARBAGE };

struct t_conf {
	uint64_t big_size;
	double timeout;
	const char *report_path;
	struct fuse_session *se;
};
extern struct t_conf t_conf;

/* The tree lock: every operation holds it, except while blocked. */
extern pthread_mutex_t t_lock;
/* Signalled (with t_lock) on interrupts, unlocks and session end. */
extern pthread_cond_t t_wake;
/* Set (with t_lock) when the channel is gone: blocked ops end. */
extern bool t_exiting;

/* "LOOKUP" for FUSE_LOOKUP, NULL if unknown. */
const char *t_op_name(uint32_t opcode);

/*
 * Apply the --error/--block rules for (opcode, name) to a request: sleeps
 * or waits for an interrupt as the rule says (dropping t_lock meanwhile;
 * the caller holds it). Returns 0 to go on, or a negative errno to reply
 * with (-EINTR when interrupted, the injected error).
 */
int t_gate(fuse_req_t req, uint32_t opcode, const char *name);

/*
 * Wait (t_lock held, dropped while waiting) until *cond_fn(arg) is true,
 * the request is interrupted (honour mode), ms milliseconds passed (ms <
 * 0: no limit) or the session ends. Returns 0 (condition or time), or
 * -EINTR.
 */
int t_wait(fuse_req_t req, long ms, bool (*cond_fn)(void *), void *arg);

/* "LOOKUP" (any case) -> FUSE_LOOKUP; 0 or -EINVAL. */
int t_op_parse(const char *s, uint32_t *op);

/* testfs_rules.c: add a rule from its option text (kind 'b' --block, 'e'
 * --error, 'x' --bad); set the command line's interrupt mode; name the
 * control file; re-read it if it changed; free everything. */
int t_rules_add_spec(char kind, const char *spec);
int t_rules_set_int_mode(const char *s);
void t_rules_set_control(const char *path);
void t_control_check(void);
void t_rules_fini(void);
/* Is there a --bad rule for (opcode, name)? Its mode in *mode. */
bool t_rules_bad(uint32_t opcode, const char *name, enum t_bad_mode *mode);

/* testfs_chan.c: the channel hooks for fuse_session_custom_io, the log
 * (ownership of f passes), the "ops"/"interrupts" report lines. */
extern const struct fuse_custom_io t_chan_io;
void t_chan_set_log(FILE *f);
void t_chan_report(FILE *f);
void t_chan_fini(void);

/* Current interrupt mode (command line, overridden by the control file). */
enum t_int_mode t_int_mode(void);

/* Counters kept by the ops (t_lock held). */
extern uint64_t t_open_handles;
extern uint64_t t_eintr;

/* Write the --report file now (t_lock not held). */
void t_write_report(void);

/* testfs_tree.c: the tree (t_lock held for all of it). */

#define T_IO_MAX (4u << 20)

struct t_ent {
	char *name;
	uint64_t id;
	uint64_t cookie; /* READDIR offset of the entry after it */
};

struct t_xattr {
	char *name;
	char *val;
	size_t len;
};

struct t_lk {
	uint64_t owner;
	short type;
	uint64_t start, end; /* inclusive */
	pid_t pid;
};

struct t_node {
	uint64_t id;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint32_t nlink;
	dev_t rdev;
	struct timespec atime, mtime, ctime;
	char *data; /* file content or symlink target */
	size_t size, cap;
	bool generated; /* "big": byte at offset o is o % 251 */
	struct t_ent *ents;
	size_t nents, ents_cap;
	uint64_t next_cookie;
	uint64_t parent;
	char *name; /* last name it was linked under */
	uint64_t nlookup;
	struct t_xattr *xa;
	size_t nxa;
	struct t_lk *lks;
	size_t nlks;
};

extern struct t_node **t_nodes; /* by id; [0] unused */
extern size_t t_nnodes;

void t_now(struct timespec *ts);
struct t_node *t_node_find(uint64_t id);
struct t_node *t_node_new(
    mode_t mode, uid_t uid, gid_t gid, uint64_t parent, const char *name);
ssize_t t_dir_find(const struct t_node *d, const char *name);
int t_dir_add(struct t_node *d, const char *name, uint64_t id);
void t_dir_del(struct t_node *d, size_t i);
int t_set_data(struct t_node *n, const char *p, size_t len);
int t_resize(struct t_node *n, size_t size);
void t_fill_stat(const struct t_node *n, struct stat *st);
/* Reply with n's entry and count the lookup the peer now holds. */
void t_reply_entry(fuse_req_t req, struct t_node *n);

/* testfs_ops.c: the operation frame -- t_begin/t_begin_name take t_lock,
 * find the node (or check the parent and name) and pass t_gate; on failure
 * they have replied and return NULL, t_lock still held. t_end unlocks;
 * t_reply_err_end replies an error and unlocks. */
struct t_node *t_begin(fuse_req_t req, fuse_ino_t ino, uint32_t opcode);
struct t_node *t_begin_name(
    fuse_req_t req, fuse_ino_t parent, const char *name, uint32_t opcode);
void t_end(void);
void t_reply_err_end(fuse_req_t req, int err);
/* Drop lookups of id (t_lock held). */
void t_forget_one(uint64_t id, uint64_t nlookup);
/* Name and attribute operations. */
void t_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void t_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void t_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *f);
void t_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void t_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
    struct fuse_file_info *fi);
void t_readlink(fuse_req_t req, fuse_ino_t ino);
void t_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
    dev_t rdev);
void t_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void t_symlink(
    fuse_req_t req, const char *link, fuse_ino_t parent, const char *name);
void t_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void t_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void t_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
    fuse_ino_t newparent, const char *newname, unsigned int flags);
void t_link(
    fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname);

/* testfs_io.c: the operation table. */
extern const struct fuse_lowlevel_ops t_ops;

/* testfs_tree.c: build the tree (built-in part, then --dir/--file items),
 * free it. */
int t_tree_init(void);
int t_tree_add(const char *path, bool dir, const char *content);
void t_tree_fini(void);
/* Name of a node for rules (its last name; "/" for the root), or NULL. */
const char *t_node_name(uint64_t nodeid);
/* Write the node part of the report: nodes_leaked N and one line per
 * leaked node. t_lock held. */
void t_tree_report(FILE *f);

#endif
