/* SPDX-License-Identifier: MIT */
/*
 * A small harness for the gateway's integration tests: start ninegate with
 * testfs as its backend on a unix socket in a fresh temporary directory,
 * wait until it accepts, read testfs's request log and its report (on
 * demand through SIGUSR1, and the final one written at DESTROY), and stop
 * ninegate with SIGTERM, insisting on exit status 0. TAP-style check lines
 * are here too.
 *
 * It does not judge 9P replies (the tests do) and never sleeps to
 * synchronise: every wait is a bounded poll for an event (a socket that
 * accepts, a log line, a report file, a process that exited).
 */
#ifndef NG_TESTS_T_GW_HARNESS_H
#define NG_TESTS_T_GW_HARNESS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct p9c;

/* One running ninegate + testfs. */
struct t_gw {
	pid_t pid;			/* ninegate */
	char dir[64];			/* temporary directory, removed by stop */
	char addr[128];			/* "unix:DIR/sock" */
	char log[96];			/* testfs --log */
	char report[96];		/* testfs --report */
	char control[96];		/* testfs --control */
	char errlog[96];		/* ninegate's stderr */
	bool stopped;
	char errtail[2048];		/* end of ninegate's stderr, kept by
					 * t_gw_stop for diagnostics */
};

/* testfs's report, the lines tests look at. */
struct t_report {
	bool present;
	uint64_t interrupts, eintr;
	int64_t open_handles;
	uint64_t nodes_leaked;
	uint64_t ops_release, ops_forget, ops_batch_forget, ops_destroy;
	char text[4096];		/* the whole report, for diagnostics */
};

/* One line of testfs's --log. */
struct t_logline {
	char op[24];
	uint64_t unique, nodeid, target;
	char name[256];			/* "" when absent */
};

/* --------------------------------------------------------------- checks */

extern int t_nchecks, t_nfails;

/* Print "ok N - ..." or "not ok N - ..."; returns ok. */
bool t_check(bool ok, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print "# ..." */
void t_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "Bail out! ..." and exit 1 (after stopping g if not NULL). */
void t_bail(struct t_gw *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* Print the plan's end and return the exit status (0, or 1 on failures). */
int t_done(void);

/* Milliseconds on the monotonic clock. */
int64_t t_now_ms(void);

/* ------------------------------------------------------------- processes */

/*
 * Start ninegate: `NINEGATE -l unix:DIR/sock --seccomp kill GW_ARGS... --
 * TESTFS --log=... --report=... --control=... FS_ARGS... {}` with stderr
 * into DIR/ninegate.err, and wait (up to timeout_ms) until the socket
 * accepts a connection. gw_args and fs_args are NULL-terminated (or NULL).
 * Returns 0, or a negative errno with the reason printed (ninegate's
 * stderr included).
 */
int t_gw_start(struct t_gw *g, const char *ninegate, const char *testfs,
    const char *const *gw_args, const char *const *fs_args, int timeout_ms);

/*
 * SIGTERM, wait up to timeout_ms for the exit, read the final report (if
 * rep is not NULL), and remove the temporary directory. Returns 0 when
 * ninegate exited with status 0; otherwise prints why (a SIGSYS death gets
 * the hint to rerun with --seccomp=trap) and its stderr, and returns -1.
 * Safe to call twice.
 */
int t_gw_stop(struct t_gw *g, int timeout_ms, struct t_report *rep);

/* Print the end of testfs's log and ninegate's stderr (diagnostics). */
void t_gw_dump(const struct t_gw *g);

/* testfs's pid (ninegate's child), or -1. */
pid_t t_gw_backend_pid(const struct t_gw *g);

/* Connect a 9P2000.L client (msize 64 KiB, synchronous calls time out
 * after 15 s). Returns 0 or a negative errno. */
int t_gw_connect(const struct t_gw *g, struct p9c **out);

/* Replace testfs's control file with text (atomically, by rename). */
int t_gw_control(const struct t_gw *g, const char *text);

/* ------------------------------------------------------- report and log */

/* Parse a report file; -ENOENT if absent. */
int t_report_read(const char *path, struct t_report *r);

/* Ask testfs for a report now (SIGUSR1) and read it (bounded wait). */
int t_gw_report_now(const struct t_gw *g, struct t_report *r,
    int timeout_ms);

/*
 * Poll reports until testfs holds no lookups (nodes_leaked 0) and no open
 * handles, up to timeout_ms. Returns true if it got there; *r is the last
 * report either way.
 */
bool t_gw_wait_clean(const struct t_gw *g, struct t_report *r,
    int timeout_ms);

/*
 * Read the log from line `from` on; the first line with opcode op (and,
 * when given, name; nodeid when non-zero; target when non-zero) is copied
 * to *out and its index returned. -1 if none yet.
 */
int t_gw_log_find(const struct t_gw *g, int from, const char *op,
    const char *name, uint64_t nodeid, uint64_t target,
    struct t_logline *out);

/* t_gw_log_find, polled until found or timeout_ms passed (-1 then). */
int t_gw_log_wait(const struct t_gw *g, int from, const char *op,
    const char *name, uint64_t nodeid, uint64_t target,
    struct t_logline *out, int timeout_ms);

/* Number of log lines so far, and how many of them have opcode op
 * (and target, when non-zero). */
int t_gw_log_count(const struct t_gw *g, const char *op, uint64_t target);
int t_gw_log_lines(const struct t_gw *g);
/* Poll until at least n lines have opcode op, up to timeout_ms; returns
 * whether they came. */
bool t_gw_log_wait_count(const struct t_gw *g, const char *op, int n,
    int timeout_ms);

#endif
