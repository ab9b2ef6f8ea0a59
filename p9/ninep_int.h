/* SPDX-License-Identifier: MIT */
/*
 * ninep internals: the session every command runs in, the parsed command
 * options, and the helpers the command files share (paths, errors, output).
 *
 * Only p9/ninep*.c include this.
 */
#ifndef NG_P9_NINEP_INT_H
#define NG_P9_NINEP_INT_H

#include "p9_client.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* exit statuses */
#define NINEP_OK 0
#define NINEP_FAIL 1  /* a remote or local I/O error */
#define NINEP_USAGE 2 /* bad command line */

struct ninep {
	struct p9c *c;
	uint32_t root;    /* the attach fid */
	bool attached;    /* root is valid */
	const char *addr; /* as the user gave it, for messages */
	unsigned window;  /* requests in flight for cat/get/put */
	mode_t umask;
	uint32_t gid; /* gid for new files (Tlcreate, Tmkdir) */
};

/* Command-line flags of one command (each command accepts a subset). */
struct ninep_opts {
	bool a; /* ls: all names; write: append */
	bool d; /* ls: directories themselves */
	bool l; /* ls: long format */
	bool p; /* mkdir: parents */
	bool r; /* rm: recursive */
	bool s; /* ln: symbolic */
};

typedef int ninep_cmd_fn(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv);

/* the commands (argv holds the operands only) */
ninep_cmd_fn ninep_cmd_ls, ninep_cmd_stat, ninep_cmd_cat, ninep_cmd_write,
    ninep_cmd_put, ninep_cmd_get, ninep_cmd_mkdir, ninep_cmd_rm, ninep_cmd_mv,
    ninep_cmd_ln, ninep_cmd_readlink, ninep_cmd_df, ninep_cmd_touch,
    ninep_cmd_chmod, ninep_cmd_version;

/* "ninep: what: strerror(-err)" on stderr; returns NINEP_FAIL. */
int ninep_err(const char *what, int err);

/* "ninep: message" on stderr (printf format); returns NINEP_FAIL. */
int ninep_errf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Walk from the root to path; *qid may be NULL. */
int ninep_walk(
    struct ninep *np, const char *path, uint32_t *fid, struct p9_qid *qid);

/*
 * Walk to the directory holding path's last component; *name (malloc'd,
 * free it) is that component. -EINVAL when path has no last component
 * (the root, "..", ".").
 */
int ninep_parent(
    struct ninep *np, const char *path, uint32_t *dfid, char **name);

/* The last component of path (a pointer into path; trailing '/' count as
 * nothing, so the result may end in '/'). */
const char *ninep_basename(const char *path);

/* Open fid for reading a directory (works in every dialect). */
int ninep_opendir(struct ninep *np, uint32_t fid);

/* write(2) all of buf to fd; 0 or a negative errno. */
int ninep_write_all(int fd, const void *buf, size_t len);

/* ls -l's ten-character mode string of a Linux st_mode. */
void ninep_mode_string(uint32_t mode, char out[11]);

#endif /* NG_P9_NINEP_INT_H */
