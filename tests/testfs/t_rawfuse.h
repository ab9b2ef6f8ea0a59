/* SPDX-License-Identifier: MIT */
/*
 * t_rawfuse: the shared part of the raw FUSE test driver -- check
 * counting, a tiny FUSE kernel side over a SOCK_SEQPACKET socketpair
 * (t_rawfuse_cl.c), and the scenarios (t_rawfuse.c for
 * ninegate-passthrough, t_rawfuse_tfs.c for testfs).
 */
#ifndef NG_TESTS_T_RAWFUSE_H
#define NG_TESTS_T_RAWFUSE_H

#include <linux/fuse.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define T_TIMEOUT_MS 5000
#define T_BUF (1 << 20)
/* A FUSE_INTERRUPT's unique is its victim's with bit 0 set. */
#define T_INT_REQ_BIT 1ULL

extern int t_nchecks, t_nfailed;
extern const char *t_scenario;
/* The scratch directory of the run; scenarios empty it first. */
extern char t_tmp_root[256];

#define CHECK(cond, ...) t_check_((cond), __LINE__, #cond, __VA_ARGS__)
void t_check_(bool ok, int line, const char *expr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

struct t_cl {
	int fd;
	pid_t pid;
	uint64_t unique;
	unsigned char *buf; /* last reply */
	size_t len;         /* its length */
};

/* Lookup ledger: what we hold, to FORGET it all at the end. */
struct t_ledger {
	uint64_t id[256];
	uint64_t n[256];
	size_t len;
};

int t_cl_start(struct t_cl *c, const char *const *argv);
uint64_t t_cl_send_raw(struct t_cl *c, uint32_t op, uint64_t unique,
    uint64_t nodeid, const void *in, size_t in_len, const char *name,
    const char *name2, const void *data, size_t data_len);
uint64_t t_cl_send(struct t_cl *c, uint32_t op, uint64_t nodeid, const void *in,
    size_t in_len, const char *name, const char *name2, const void *data,
    size_t data_len);
ssize_t t_cl_recv(struct t_cl *c, int ms);
struct fuse_out_header t_cl_hdr(const struct t_cl *c);
int t_cl_wait(struct t_cl *c, uint64_t unique);
int t_cl_call(struct t_cl *c, uint32_t op, uint64_t nodeid, const void *in,
    size_t in_len, const char *name, const char *name2, const void *data,
    size_t data_len);
const void *t_cl_payload(const struct t_cl *c);
size_t t_cl_payload_len(const struct t_cl *c);
int t_cl_init(struct t_cl *c);
int t_cl_stop(struct t_cl *c);
void t_ledger_add(struct t_ledger *l, uint64_t id);
void t_ledger_forget_all(struct t_cl *c, struct t_ledger *l);
int t_entry_call(struct t_cl *c, struct t_ledger *l, uint32_t op,
    uint64_t nodeid, const void *in, size_t in_len, const char *name,
    const char *name2, struct fuse_entry_out *e);
int t_lookup(struct t_cl *c, struct t_ledger *l, uint64_t parent,
    const char *name, struct fuse_entry_out *e);
int t_open_node(
    struct t_cl *c, uint32_t op, uint64_t nodeid, uint32_t flags, uint64_t *fh);
void t_release(struct t_cl *c, uint32_t op, uint64_t nodeid, uint64_t fh);
uint64_t t_send_read(struct t_cl *c, uint32_t op, uint64_t nodeid, uint64_t fh,
    uint64_t off, uint32_t size);
int t_getattr(struct t_cl *c, uint64_t nodeid, struct fuse_attr *a);
int t_interrupt_and_wait(struct t_cl *c, uint64_t victim, int *intr_err);
bool t_quiet_for(struct t_cl *c, int ms);
bool t_exited_ok(int status);
void t_cl_stop_check(struct t_cl *c);
void t_path_in(char *buf, size_t len, const char *rel);
void t_write_file(const char *rel, const char *content);
bool t_file_is(const char *rel, const char *content);
bool t_exists(const char *rel);
void t_rm_rf(const char *path);
size_t t_dirplus_walk(const struct t_cl *c, struct t_ledger *l,
    const char *want, uint64_t *want_id, bool *dots_zero);

void t_pt_basic(const char *pt);
void t_pt_escapes(const char *pt, bool no_proc);
void t_pt_read_only(const char *pt);
void t_pt_interrupts(const char *pt);
void t_tfs_interrupts(const char *tfs);
void t_tfs_control_and_errors(const char *tfs);
void t_tfs_bad(const char *tfs);
void t_tfs_report(const char *tfs);

#endif
