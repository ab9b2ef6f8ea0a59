/* SPDX-License-Identifier: MIT */
/* Shared fixture of the gateway core tests (test_gw_harness.c). */
#ifndef NG_TESTS_TEST_GW_H
#define NG_TESTS_TEST_GW_H

#include <check.h>
#include <stdbool.h>

#include "gw_int.h"

struct t_gw {
	struct gw_opts opts;
	struct gw_server srv;
	int fuse;	/* the test's end: plays the FUSE backend */
	int cli;	/* the test's end: plays the 9P client */
	unsigned char frame[70000];
	uint64_t forgotten[256];	/* lookups given back, by nodeid & 255 */
};
extern struct t_gw t_gw;

struct t_freq {
	uint32_t opcode;
	uint64_t unique, nodeid;
	uint32_t uid, gid;
	unsigned char body[70000];
	size_t len;
};

void t_setup(void);	/* server, session, connection, version, attach fid 0 */
void t_teardown(void);
void t_pump(void);

bool t_fuse_recv(struct t_freq *q);
bool t_fuse_recv_skip_forgets(struct t_freq *q);
void t_fuse_expect(struct t_freq *q, uint32_t opcode);
void t_fuse_reply(uint64_t unique, int error, const void *p, size_t len);
void t_fuse_reply_entry(uint64_t unique, uint64_t nodeid, uint32_t mode);
void t_fuse_reply_attr(uint64_t unique, uint64_t ino, uint32_t mode);

void t_send(uint8_t type, uint16_t tag, struct p9_msg *m);
void t_send_raw(const void *p, size_t len);
bool t_recv(struct p9_msg *m);
void t_expect(uint8_t type, uint16_t tag, struct p9_msg *m);
void t_expect_nothing(void);
bool t_conn_closed(void);
void t_walk1(uint16_t tag, uint32_t fid, uint32_t newfid, const char *name,
    uint64_t nodeid, uint32_t mode);

Suite *t_gw_flush_suite(void);
Suite *t_gw_conn_suite(void);
Suite *t_gw_ids_suite(void);

#endif
