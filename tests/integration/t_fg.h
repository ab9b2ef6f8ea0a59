/* SPDX-License-Identifier: MIT */
/*
 * Shared driver of the fuse_glue integration tests (t_fg_*.c): start a
 * real backend through fg_spawn and fg_session_init, run a small poll()
 * loop (FUSE fd, the child's stderr, the session's timer), make
 * synchronous calls, stop it all, and the prerequisite checks that exit 77
 * with a reason.
 */
#ifndef NG_TESTS_T_FG_H
#define NG_TESTS_T_FG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fg.h"

/* A running backend with its session. */
struct t_be {
	struct fg_child child;
	struct fg_session *s;
	struct fg_lines lines;
	int broken_calls;
	char why[256];
	bool timer_armed;
	long timer_at; /* ms on the monotonic clock */
	bool want_write;
	bool echo; /* print the child's stderr lines */
	bool child_gone;
};

/* The result of a synchronous call. */
struct t_res {
	bool done;
	int error;
	struct fg_reply rep; /* data points into kept */
	void *kept;          /* fg_reply_keep handle, released by t_res_fini */
};

#define T_INIT_MS 20000
#define T_OP_MS 30000

long t_now_ms(void);
/* Print why and exit 77. */
void t_skip(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* Print why and exit 1. */
void t_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
#define T_CHECK(c)                                                             \
	do {                                                                   \
		if (!(c))                                                      \
			t_fail("%s:%d: check failed: %s", __FILE__, __LINE__,  \
			    #c);                                               \
	} while (0)
#define T_EQ(a, b)                                                             \
	do {                                                                   \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);        \
		if (t_a_ != t_b_)                                              \
			t_fail("%s:%d: %s == %lld, expected %s == %lld",       \
			    __FILE__, __LINE__, #a, t_a_, #b, t_b_);           \
	} while (0)

/* Program in PATH (or absolute and executable), else exit 77. */
void t_need_prog(const char *prog);
/* A fresh directory under $TMPDIR; removed by t_rmtree. */
void t_mkdtemp(char *buf, size_t len, const char *tag);
void t_rmtree(const char *path);

/* Spawn argv and run INIT. Returns 0, or -errno with the reason in err
 * (then nothing is left running). */
int t_be_start(struct t_be *b, const char *const *argv, int init_ms, char *err,
    size_t err_len);
/* Start, or fail the test with the reason. */
void t_be_start_ok(struct t_be *b, const char *const *argv);
/* One turn of the loop: wait up to ms for anything and handle it. */
void t_be_turn(struct t_be *b, int ms);
/* Turn until *flag or ms passed; returns *flag. */
bool t_be_wait(struct t_be *b, const bool *flag, int ms);
/* Free the session (FORGET all, DESTROY), stop the child; wait status. */
int t_be_stop(struct t_be *b, int grace_ms);

fg_done_fn t_res_done;
/* Submit op and wait for its reply (fails the test on a timeout). Returns
 * the reply's error, or fg_submit's error. */
int t_call(struct t_be *b, const struct fg_op *op, struct t_res *res);
void t_res_fini(struct t_res *res);

/* Common calls; each returns the error and fills res. */
int t_lookup(
    struct t_be *b, uint64_t parent, const char *name, struct t_res *res);
int t_simple(struct t_be *b, uint32_t opcode, uint64_t nodeid, const void *in,
    size_t in_len, const char *name, const char *name2, const void *data,
    size_t data_len, struct t_res *res);

extern const struct fg_ctx t_ctx;

#endif
