/* SPDX-License-Identifier: MIT */
/*
 * testfs internals: shared between testfs.c (main, options, rules, the
 * control file, the raw channel layer with logging, counting, ENOSYS
 * interrupts and malformed replies, the report) and testfs_ops.c (the
 * in-memory tree and its FUSE operations).
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
#include <sys/types.h>

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

/* Current interrupt mode (command line, overridden by the control file). */
enum t_int_mode t_int_mode(void);

/* Counters kept by the ops (t_lock held). */
extern uint64_t t_open_handles;
extern uint64_t t_eintr;

/* Write the --report file now (t_lock not held). */
void t_write_report(void);

/* testfs_ops.c */
extern const struct fuse_lowlevel_ops t_ops;
int t_tree_init(void);
int t_tree_add(const char *path, bool dir, const char *content);
void t_tree_fini(void);
/* Name of a node for rules (its last name; "/" for the root), or NULL. */
const char *t_node_name(uint64_t nodeid);
/* Write the node part of the report: nodes_leaked N and one line per
 * leaked node. t_lock held. */
void t_tree_report(FILE *f);

#endif
