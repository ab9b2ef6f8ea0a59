/* SPDX-License-Identifier: MIT */
/*
 * Golden FUSE vectors: for every opcode in fuse_glue's table, the exact
 * request bytes the session sends for a given struct fg_op (or for the
 * session's own messages: INIT, FORGET, BATCH_FORGET, INTERRUPT,
 * DESTROY), one valid reply, and what the session makes of that reply
 * (struct fg_reply fields, directory entries, INIT's struct fg_info).
 *
 * The bytes were laid out by hand from the structs of <linux/fuse.h>
 * (protocol 7.38, Debian 12) and the expected fields were written out
 * separately; nothing here is computed by fuse_glue. Test data only: it
 * sends, receives and checks nothing (tests/unit/test_fg_vectors.c and
 * tests/fuzz/fg_seed.c use it).
 */
#ifndef NG_TESTS_FG_VECTORS_H
#define NG_TESTS_FG_VECTORS_H

#include "fg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How the session comes to send a vector's request. */
enum t_fg_how {
	T_FG_SUBMIT,    /* fg_submit(op) after INIT; unique 4 */
	T_FG_INIT,      /* fg_session_init; unique 2 */
	T_FG_FORGET,    /* LOOKUP each forget[] node, fg_forget, flush */
	T_FG_INTERRUPT, /* fg_submit(op) (unique 4), then fg_interrupt */
	T_FG_DESTROY,   /* fg_session_free after INIT */
};

/* One directory entry a READDIR(PLUS) vector's reply holds. */
struct t_fg_dirent {
	uint64_t ino, off;
	uint32_t type;
	const char *name;
	uint64_t nodeid; /* READDIRPLUS: entry_out.nodeid */
	bool counted;    /* READDIRPLUS: the ledger counts it */
};

struct t_fg_vector {
	const char *name;   /* unique: "LOOKUP", "GETXATTR size query" */
	uint32_t opcode;    /* of the request */
	const char *origin; /* "linux/fuse.h layout" */
	enum t_fg_how how;
	struct fg_op op;    /* T_FG_SUBMIT; T_FG_INTERRUPT: the victim */
	uint64_t forget[2]; /* T_FG_FORGET: nodes looked up, forgotten */
	const uint8_t *req; /* exact request, fuse_in_header included */
	size_t req_len;
	const uint8_t *rep; /* a valid reply (header included), or NULL */
	size_t rep_len;
	/* A shorter payload with a matching length field is valid too
	 * (READ, READDIR(PLUS), READLINK, xattr data). */
	bool var;
	/* One more payload byte with a matching length field is valid
	 * (READLINK and INIT: bounded by the receive buffer only). */
	bool extra_ok;
	/* T_FG_SUBMIT: what done gets (error, opcode, len, fixed parts;
	 * data is the reply's payload). T_FG_INTERRUPT: error is the
	 * interrupt's answer. T_FG_INIT: error only. */
	struct fg_reply want;
	struct fg_info info; /* T_FG_INIT: fg_session_info afterwards */
	const struct t_fg_dirent *dirents;
	size_t ndirents;
};

extern const struct t_fg_vector t_fg_vectors[];
extern const size_t t_fg_nvectors;

/* The caller context every T_FG_SUBMIT vector's op carries. */
#define T_FG_UID 1000u
#define T_FG_GID 100u
#define T_FG_PID 4242u

#endif /* NG_TESTS_FG_VECTORS_H */
