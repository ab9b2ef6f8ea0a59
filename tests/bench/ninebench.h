/* SPDX-License-Identifier: MIT */
/*
 * ninebench: a 9P load generator on the p9 client library. This header is
 * shared by its three files: ninebench.c (options, threads, CPU accounting,
 * the result line), ninebench_9p.c (the workloads as request chains over
 * 9P, many in flight per connection by tag) and ninebench_local.c (the same
 * workloads with plain syscalls on a mounted directory, the kernel FUSE
 * reference).
 *
 * It is a measuring tool, not a test: it checks replies only as far as
 * needed to go on (an error reply ends the run with a message) and does not
 * verify file contents.
 */
#ifndef NG_TESTS_NINEBENCH_H
#define NG_TESTS_NINEBENCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* most requests one connection keeps in flight */
#define T_NB_MAXDEPTH 4096
/* most connections (threads) */
#define T_NB_MAXCONNS 64

enum t_nb_wl {
	T_NB_READ,    /* sequential read of a file */
	T_NB_WRITE,   /* sequential write of a new file */
	T_NB_GETATTR, /* Tgetattr on one fid / stat() of one path */
	T_NB_STAT,    /* walk + getattr + clunk per file / stat() */
	T_NB_READDIR, /* whole listings of a directory */
	T_NB_CREATE,  /* create + write 4 KiB + clunk per file */
	T_NB_MIXED,   /* connection i runs read/getattr/stat/readdir (i % 4) */
	T_NB_STALL,   /* send Treads, never read a reply (9P only) */
	T_NB_NWL
};

struct t_nb_opts {
	enum t_nb_wl wl;
	const char *addr;  /* 9P server, NULL: local mode */
	const char *aname; /* attach name */
	const char *path;  /* file or directory, relative to the root */
	const char *dir;   /* mixed: the directory for stat and readdir */
	uint32_t msize;
	unsigned conns;
	unsigned depth;     /* requests in flight (local: threads) */
	uint64_t count;     /* units to do (0: by time) */
	double secs;        /* run time when count is 0 */
	uint64_t size;      /* bytes to read/write (read: 0 = whole file) */
	uint32_t bs;        /* local read/write: bytes per syscall */
	bool direct;        /* local read/write: O_DIRECT */
	const char *prefix; /* file name prefix for stat/create */
	uint64_t nfiles;    /* stat: names prefix0 .. prefix(nfiles-1) */
	unsigned npids;
	int pids[4];       /* processes whose CPU time is reported */
	const char *label; /* echoed in the result line */
};

/* What one connection (or local thread) did. */
struct t_nb_count {
	uint64_t units; /* reads/writes, getattrs, files, listings */
	uint64_t reqs;  /* 9P requests (local: syscalls) */
	uint64_t bytes; /* data moved */
	uint64_t items; /* readdir: entries seen */
	int err;        /* first error, negative errno */
};

/* The shared work counter: a unit index is taken by one slot only. */
struct t_nb_shared {
	uint64_t next;  /* next unit index (atomic) */
	uint64_t limit; /* units in all (UINT64_MAX: by time) */
	volatile int stop;
	uint64_t file_size; /* read: bytes in the file (set at setup) */
	/* every run function waits on these in turn: set up -> ready ->
	 * (clock runs) -> done -> measured -> tear down */
	pthread_barrier_t ready, done, measured;
};

/* One connection's whole run in the calling thread: connect, set up, run
 * until shared->limit or shared->stop, tear down. Index is the connection's
 * number (the mixed workload picks by it). */
void t_nb_9p_run(const struct t_nb_opts *o, unsigned index,
    struct t_nb_shared *sh, struct t_nb_count *cnt);

/* Connect, set up and wait: the set-up a 9P run needs before the clock
 * starts (read: the file size into sh->file_size). Returns 0 or -errno. */
int t_nb_9p_prepare(const struct t_nb_opts *o, struct t_nb_shared *sh);

/* One local thread's run (plain syscalls below o->path). */
void t_nb_local_run(const struct t_nb_opts *o, unsigned index,
    struct t_nb_shared *sh, struct t_nb_count *cnt);

int t_nb_local_prepare(const struct t_nb_opts *o, struct t_nb_shared *sh);

/* Take the next unit index; false when none is left or the run stops. */
bool t_nb_take(struct t_nb_shared *sh, uint64_t *idx);

/* A little error line on stderr ("ninebench: ..."). */
void t_nb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* NG_TESTS_NINEBENCH_H */
