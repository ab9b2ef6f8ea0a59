/* SPDX-License-Identifier: MIT */
/*
 * Every limit of the gateway in one place: its default, and the option that
 * changes it. Nothing here is derived at run time.
 */
#ifndef NG_GATEWAY_GW_LIMITS_H
#define NG_GATEWAY_GW_LIMITS_H

/* --msize: largest 9P message; 1 MiB is the Linux client's maximum. */
#define GW_MSIZE_DEFAULT (1024u * 1024u)
#define GW_MSIZE_MIN 4096u
#define GW_MSIZE_MAX (16u * 1024u * 1024u)

/* --max-connections */
#define GW_MAX_CONNECTIONS_DEFAULT 64u
/* --max-fids: fids per connection */
#define GW_MAX_FIDS_DEFAULT 16384u
/* --max-requests: 9P requests in flight per connection; past it the
 * connection is not read until one ends. */
#define GW_MAX_REQUESTS_DEFAULT 256u
/* Bytes of replies queued for one connection past which it is not read
 * until they drain (backpressure); msize is added so one reply fits. */
#define GW_OUTPUT_BOUND_DEFAULT (4u * 1024u * 1024u)

/* Bytes of input a connection reads at once; larger frames are read into
 * a buffer of their own. */
#define GW_INPUT_BUFFER (64u * 1024u)

/* --read-chunk: bytes per FUSE READ/WRITE a large Tread/Twrite is split
 * into (all in flight at once); capped by what INIT granted. */
#define GW_CHUNK_DEFAULT (128u * 1024u)

/* Seconds to wait for FUSE_INIT from a starting backend. */
#define GW_INIT_TIMEOUT_MS 15000
/* Grace for requests in flight at SIGTERM, then for the backend to exit. */
#define GW_SHUTDOWN_GRACE_MS 2000

/* Most xattr value or list bytes a fid holds (the Linux maximum). */
#define GW_XATTR_MAX (64u * 1024u)

#endif
