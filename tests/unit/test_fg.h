/* SPDX-License-Identifier: MIT */
/*
 * fuse_glue's Check test cases, one function per unit file, assembled in
 * test_fg_main.c, and the scripted fake backend they share: the session
 * talks to the other end of an in-process SEQPACKET socketpair, where the
 * test reads each request and writes the replies it wants. No processes,
 * no sleeps, no clock.
 */
#ifndef NG_TESTS_TEST_FG_H
#define NG_TESTS_TEST_FG_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fg.h"

TCase *test_fg_wire_tcase(void);
TCase *test_fg_dirent_tcase(void);
TCase *test_fg_init_tcase(void);
TCase *test_fg_session_tcase(void);
TCase *test_fg_intr_tcase(void);
TCase *test_fg_ledger_tcase(void);
TCase *test_fg_queue_tcase(void);
TCase *test_fg_lines_tcase(void);
TCase *test_fg_vectors_tcase(void);

/* The fake backend and what the session's hooks reported. */
struct t_fake {
	int sfd; /* the session's end (owned by the session) */
	int bfd; /* the backend's end */
	struct fg_session *s;
	int broken_calls;
	char broken_why[256];
	int timer_calls;
	unsigned timer_ms;
	int ww_true, ww_false;
	bool want_write;
	int ntrace;
	char last_trace[512];
};

/* One received request, split into its parts. */
struct t_msg {
	size_t len;
	struct fuse_in_header ih;
	unsigned char body[1 << 21]; /* after the header */
	size_t body_len;
};

/* Completion record for fg_done_fn t_done. */
struct t_done {
	int calls;
	int error;
	uint32_t opcode;
	struct fg_reply rep;      /* copy; data points nowhere valid */
	unsigned char data[4096]; /* copy of the first bytes of data */
	size_t len;
	void *keep; /* fg_reply_keep handle when asked */
	bool want_keep;
};

void t_fake_new(struct t_fake *f);
/* Answer INIT with the given values (minor 0: FUSE_KERNEL_MINOR_VERSION,
 * max_write 0: 1 MiB), run fg_session_init and check it succeeded. */
void t_fake_init(
    struct t_fake *f, uint32_t minor, uint32_t flags, uint32_t max_write);
void t_fake_free(struct t_fake *f);
/* Read one request the session sent; false if none is waiting. */
bool t_recv(struct t_fake *f, struct t_msg *m);
/* Number of requests waiting to be read (reads and drops them). */
int t_drain(struct t_fake *f);
void t_reply(struct t_fake *f, uint64_t unique, int error, const void *payload,
    size_t len);
void t_send_raw(struct t_fake *f, const void *msg, size_t len);
/* A success payload of an entry reply for nodeid. */
void t_entry(struct fuse_entry_out *e, uint64_t nodeid);
/* Submit a LOOKUP of name under nodeid 1 with t_done d. */
struct fg_req *t_lookup(struct t_fake *f, const char *name, struct t_done *d);
fg_done_fn t_done;

/* Shared allocation for t_msg (too large for the stack). */
struct t_msg *t_msg_new(void);

#endif /* NG_TESTS_TEST_FG_H */
