/* SPDX-License-Identifier: MIT */
/*
 * sandbox internals: the allow-list row type and the steps that
 * sb_enter_gateway/sb_enter_backend (sb_enter.c) run in order. Each step
 * lives in its own file and knows nothing of the others; ordering and the
 * summary line are sb_enter.c's. Not included from outside sandbox/.
 */
#ifndef NG_SANDBOX_SB_INT_H
#define NG_SANDBOX_SB_INT_H

#include "sb.h"

#include <stdint.h>

/* ------------------------------------------------------- seccomp rows */

/* When a row applies (bits; 0 = always). */
enum {
	SB_W_SANITIZER = 1u << 0, /* sanitizer builds only */
	SB_W_DEVICES = 1u << 1,   /* backend with allow_devices */
	SB_W_NODEVICES = 1u << 2, /* backend without allow_devices */
	SB_W_ROOT = 1u << 3,      /* process runs with euid 0 */
};

/* How one argument is compared. */
enum sb_argop {
	SB_ANY,      /* no argument filter */
	SB_IN,       /* arg[idx] is one of v[0..nv) (one rule per value) */
	SB_MASK_IN,  /* (arg[idx] & mask) is one of v[0..nv) */
	SB_NOT,      /* arg[idx] != v[0] */
	SB_SELF_PID, /* arg[idx] == getpid() at install time */
};

#define SB_MAXV 12

struct sb_row {
	const char *name; /* libseccomp name */
	int nr;           /* number to use when libseccomp does not
	                   * know the name (0: skip the row) */
	int err;          /* 0: allow; else answer -err, never kill */
	unsigned when;    /* SB_W_* bits that must all hold */
	enum sb_argop op;
	unsigned idx;  /* argument index for op */
	uint64_t mask; /* for SB_MASK_IN */
	size_t nv;
	uint64_t v[SB_MAXV];
	const char *why; /* the reason the row exists */
};

extern const struct sb_row sb_gateway_rows[];
extern const size_t sb_ngateway_rows;
extern const struct sb_row sb_backend_rows[];
extern const size_t sb_nbackend_rows;

/*
 * Build and load a filter from rows whose `when` bits are all in `have`.
 * The default action follows mode (KILL_PROCESS, TRAP or LOG; BADARCH
 * the same), TSYNC, NNP and CTL_LOG are set. TRAP mode also installs the
 * SIGSYS handler (sb_trap.c) writing to log_fd. Stores the BPF length in
 * *ninsns. Returns 0 or a negative errno with a reason in err.
 */
int sb_seccomp_load(const struct sb_row *rows, size_t nrows, unsigned have,
    enum sb_seccomp_mode mode, int log_fd, unsigned *ninsns, char *err,
    size_t err_len);

/* --------------------------------------------------------------- trap */

/* Fill the syscall-name table and install the SIGSYS handler. */
int sb_trap_install(int log_fd);

/* ----------------------------------------------------------- landlock */

/* The Landlock ABI version of the running kernel, 0 if none. */
int sb_landlock_abi(void);

/*
 * Restrict the process with a ruleset handling every FS right of the ABI,
 * net BIND/CONNECT (ABI >= 4) and scopes (ABI >= 6: abstract unix sockets
 * always, signals when scope_signals). With root_fd >= 0, one PATH_BENEATH
 * rule grants beneath it: READ_FILE|READ_DIR when read_only, else all but
 * EXECUTE, IOCTL_DEV and (unless devices) MAKE_CHAR/MAKE_BLOCK.
 * Needs no_new_privs first. Returns the ABI used (> 0), 0 when the kernel
 * has no Landlock, or a negative errno.
 */
int sb_landlock_apply(
    int root_fd, bool read_only, bool devices, bool scope_signals);

/* --------------------------------------------------------------- caps */

/*
 * Drop the bounding set (all but keep; needs CAP_SETPCAP, skipped
 * without it), clear ambient caps, optionally switch to uid/gid (groups
 * cleared), then capset permitted = effective = keep, inheritable 0.
 * *bounding_dropped tells whether the bounding set could be trimmed.
 * Returns 0 or a negative errno with a reason in err.
 */
int sb_caps_drop(uint64_t keep, bool switch_ids, uid_t uid, gid_t gid,
    bool *bounding_dropped, char *err, size_t err_len);

/* Effective capability mask of the calling thread (for the summary). */
uint64_t sb_caps_effective(void);

/* -------------------------------------------------------------- rlimit */

/* setrlimit(res, {v, v}); if that fails for lack of privilege, retry with
 * the current hard limit as the cap. Returns 0 or a negative errno. */
int sb_rlimit_set(int res, rlim_t v);

/* true if fd refers to a regular file (RLIMIT_FSIZE must then stay). */
bool sb_fd_is_regular(int fd);

/* ---------------------------------------------------------- namespaces */

/*
 * Enter new namespaces per mode. AUTO and NAMESPACE first try the whole
 * set-up in a forked child; AUTO falls back to none if the child failed,
 * NAMESPACE returns its error. Unprivileged: USER|NS|NET|IPC|UTS with a
 * one-line id map; root: NS|NET|IPC|UTS and *need_id_switch = true. In
 * both the root becomes an empty read-only tmpfs. *desc gets the summary
 * word ("none", "user+net+mnt", "net+mnt"). Returns 0 or a negative
 * errno with a reason in err.
 */
int sb_ns_enter(enum sb_ns_mode mode, const char **desc, bool *need_id_switch,
    char *err, size_t err_len);

/*
 * The backend's namespaces: unless mode is SB_NS_NONE, and only with real
 * root (uid and euid 0), make the directory of root_fd (found again by
 * path, NULL: by its /proc/self/fd link, and checked) the "/" of new
 * mount and network namespaces (bind mount of itself, pivot_root, old
 * root detached; mount-move and chroot on an initramfs), first in a probe
 * child. root_fd is then replaced (dup3) by a descriptor of the same
 * directory in the new mount. AUTO falls back to none when not root or
 * when the probe failed, NAMESPACE returns an error. desc gets the
 * summary word: "mnt+net", "none", "none(not root)" or "none(REASON)".
 * Returns 0 or a negative errno with a reason in err.
 */
int sb_ns_enter_backend(enum sb_ns_mode mode, const char *path, int root_fd,
    char *desc, size_t desc_len, char *err, size_t err_len);

/* ---------------------------------------------------------- sanitizers */

/*
 * In a sanitizer build, before confinement: warm up the symbolizer (so a
 * report after entry needs no /proc) and, when leak_check_now, run
 * LeakSanitizer's one-shot check now (it also disables the check at exit,
 * which would need clone/ptrace under the filter). Returns a word for the
 * summary ("" when there is no sanitizer runtime).
 */
const char *sb_san_prepare(bool leak_check_now);

/* ---------------------------------------------------------------- fds */

/*
 * Close every fd but keep[] and log_fd (close_range around them); fds 0-2
 * that are not kept become /dev/null, so a later accept cannot land on
 * them. Returns 0 or a negative errno with a reason in err.
 */
int sb_fds_close(
    const int *keep, size_t nkeep, int log_fd, char *err, size_t err_len);

/* ----------------------------------------------------------- messages */

/* snprintf into buf when len > 0; returns -e (for `return sb_fail(...)`). */
int sb_fail(char *buf, size_t len, int e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* NG_SANDBOX_SB_INT_H */
