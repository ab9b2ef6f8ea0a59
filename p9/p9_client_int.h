/* SPDX-License-Identifier: MIT */
/*
 * p9_client internals: the connection object and the helpers the client's
 * files share (framing and waiting in p9_client_conn.c, the rpc in
 * p9_client_rpc.c).
 *
 * Only p9_client_*.c include this. It knows no message layout.
 */
#ifndef NG_P9_P9_CLIENT_INT_H
#define NG_P9_P9_CLIENT_INT_H

#include "p9_client.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A reply that arrived and nobody has taken yet. */
struct p9c_frame {
	struct p9c_frame *next;
	uint64_t seq; /* arrival number */
	size_t len;
	uint8_t *buf; /* owned */
};

struct p9c_fidinfo {
	bool used;
	uint32_t iounit;
};

struct p9c {
	int fd;
	bool is_sock; /* send() with MSG_NOSIGNAL, else write() */
	int err;      /* sticky: 0 or a negative errno */
	int timeout_ms;
	unsigned dialect;      /* 0 before Rversion */
	unsigned want_dialect; /* the dialect asked for in Tversion */
	uint32_t msize;        /* negotiated */
	uint32_t rx_limit;     /* largest frame accepted */

	/* receive side: bytes read ahead, and a frame being completed */
	uint8_t *in;
	size_t in_off, in_len, in_cap;
	uint8_t *rx_buf; /* frame in progress, rx_need bytes */
	size_t rx_have, rx_need;
	uint64_t seq_next; /* arrival number of the next frame */

	/* arrived, unclaimed frames in arrival order */
	struct p9c_frame *q_head, *q_tail;
	size_t q_len;

	uint8_t tags[65536 / 8];
	uint16_t tag_next;

	struct p9c_fidinfo *fids;
	size_t nfids;
	uint32_t fid_hint; /* lowest fid that may be free */

	bool no_unlinkat; /* server answered Tunlinkat with EOPNOTSUPP */
	bool no_renameat;
};

/* Tells whether a frame's tag is one the waiter is waiting for. */
typedef bool p9c_want_fn(void *arg, uint16_t tag);

/*
 * Wait until a frame that arrived at or after arrival number since has a
 * tag want accepts; take it out of the queue (or off the wire). Frames
 * that do not match are queued. deadline_ms is an absolute CLOCK_MONOTONIC
 * time in ms, or -1 for none. Returns 0 with *buf (owned by the caller),
 * *len, or -ETIMEDOUT / a transport error.
 */
int p9c_wait(struct p9c *c, uint64_t since, p9c_want_fn *want, void *arg,
    int64_t deadline_ms, uint8_t **buf, size_t *len);

/* The arrival number the next frame will get. */
uint64_t p9c_seq(const struct p9c *c);

/* A deadline timeout_ms from now (-1 stays -1). */
int64_t p9c_deadline(int timeout_ms);

/* Send one encoded message; head + data (data may be NULL/0). */
int p9c_send_iov(struct p9c *c, const void *head, size_t head_len,
    const void *data, size_t data_len, int64_t deadline_ms);

/* Break the connection with err (kept if already broken); returns err. */
int p9c_fail(struct p9c *c, int err);

/* Decode frame with the connection's dialect. */
int p9c_decode(
    const struct p9c *c, const uint8_t *buf, size_t len, struct p9_msg *m);

/* Remember fid's iounit (0: none given). */
void p9c_fid_set_iounit(struct p9c *c, uint32_t fid, uint32_t iounit);

/* Copy a counted string into a NUL-terminated buffer (cut to fit). */
void p9c_strlcpy(char *dst, size_t dst_len, const struct p9_str *s);

/* A counted string for a C string (NULL is ""). Returns 0 or
 * -ENAMETOOLONG above 65535 bytes. */
int p9c_str(const char *s, struct p9_str *out);

#endif /* NG_P9_P9_CLIENT_INT_H */
