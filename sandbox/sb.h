/* SPDX-License-Identifier: MIT */
/*
 * sandbox: confinement of the gateway process and of the built-in
 * passthrough backend.
 *
 * One call per process kind puts the whole sandbox on, in the order of
 * SANDBOX.md §7.1: close fds, optional empty namespaces, capabilities,
 * dumpable, rlimits, no_new_privs, Landlock, seccomp. After it returns the
 * process may only read, write, accept and wait (gateway) or work on files
 * beneath one directory (backend). There is no way back and no "leave the
 * sandbox" call.
 *
 * What it deliberately does not do: acquire anything (listeners, the log
 * fd, the child, libc/libevent warm-up are the caller's, before the call),
 * print anything (the caller logs the summary line), or fall back to
 * running unsandboxed on its own: a failure of no_new_privs or of the
 * seccomp filter is returned as an error and the caller exits. Only
 * SB_SECCOMP_OFF, chosen by whoever starts the process, runs unfiltered.
 */
#ifndef NG_SANDBOX_SB_H
#define NG_SANDBOX_SB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

/* ------------------------------------------------------------- modes */

/* What a syscall outside the allow-list does. */
enum sb_seccomp_mode {
	SB_SECCOMP_KILL, /* "kill": the process dies by SIGSYS (default) */
	SB_SECCOMP_TRAP, /* "trap": print "ninegate: blocked syscall NAME
	                  * (nr N)" to log_fd, then _exit(SB_TRAP_EXIT) */
	SB_SECCOMP_LOG,  /* "log": allowed, but the kernel logs it
	                  * (audit type=1326); for finding the list */
	SB_SECCOMP_OFF,  /* "off": no filter at all (valgrind, LSan) */
};

/* Whether to put the gateway into new, empty namespaces. */
enum sb_ns_mode {
	SB_NS_AUTO,      /* "auto": if a probe child manages, else none */
	SB_NS_NAMESPACE, /* "namespace": required; failure is an error */
	SB_NS_NONE,      /* "none": stay in the caller's namespaces */
};

/* Exit status of a process stopped by the trap-mode SIGSYS handler. */
#define SB_TRAP_EXIT 70

/* Identity a root gateway switches to in namespace mode by default. */
#define SB_NOBODY 65534

/*
 * Parse a command-line word ("kill", "trap", "log", "off") into *mode.
 * Returns 0, or -EINVAL (and leaves *mode alone) for anything else.
 */
int sb_seccomp_mode_parse(const char *s, enum sb_seccomp_mode *mode);

/* The command-line word of a mode ("kill", ...); "?" for a bad value. */
const char *sb_seccomp_mode_name(enum sb_seccomp_mode mode);

/*
 * The default mode of this build: SB_SECCOMP_TRAP when configured with
 * -Dseccomp_debug=true, else SB_SECCOMP_KILL.
 */
enum sb_seccomp_mode sb_seccomp_mode_default(void);

/* Parse "auto", "namespace" or "none". Returns 0 or -EINVAL. */
int sb_ns_mode_parse(const char *s, enum sb_ns_mode *mode);

/* The command-line word of a namespace mode; "?" for a bad value. */
const char *sb_ns_mode_name(enum sb_ns_mode mode);

/* ----------------------------------------------------------- gateway */

struct sb_gateway_cfg {
	enum sb_seccomp_mode seccomp;
	enum sb_ns_mode ns;
	/*
	 * Every fd that must survive: listeners, client fds, the FUSE
	 * socketpair end, the backend's pidfd, libevent's epoll fd and
	 * signal pipe. Any other fd is closed; fds 0-2 not listed are
	 * pointed at /dev/null instead, so that no later socket can land on
	 * them. log_fd is kept without being listed.
	 */
	const int *keep_fds;
	size_t nkeep_fds;
	/* RLIMIT_NOFILE soft = hard = nofile (clamped to the current hard
	 * limit without CAP_SYS_RESOURCE). 0 leaves it alone. */
	rlim_t nofile;
	/* true: stay dumpable and keep RLIMIT_CORE; false: PR_SET_DUMPABLE 0
	 * and RLIMIT_CORE 0. */
	bool core_dumps;
	/* Where the trap handler writes (-1: nowhere). RLIMIT_FSIZE becomes
	 * 0 only when neither log_fd nor fd 2 is a regular file (a write
	 * would otherwise die by SIGXFSZ). 0 is a valid fd here: set it,
	 * usually to 2. */
	int log_fd;
	/*
	 * Set from a compile-time check (__SANITIZE_ADDRESS__,
	 * __has_feature(address_sanitizer)/undefined_behavior_sanitizer).
	 * Adds the sanitizer runtime's rows (madvise NOHUGEPAGE/DONTDUMP,
	 * sched_yield...), warms up its symbolizer, and, unless seccomp is
	 * off, runs LeakSanitizer's check now instead of at exit (which
	 * would need clone/ptrace//proc under the filter). See sb_san.c.
	 */
	bool sanitizer_build;
	/* Root in namespace mode switches to these ids; 0 means SB_NOBODY. */
	uid_t run_uid;
	gid_t run_gid;
};

/*
 * Put the calling process into the gateway sandbox (SANDBOX.md §7.1,
 * steps 3-10): close fds, namespaces per cfg->ns (probed in a child
 * first), drop every capability (bounding set, ambient, capset zero),
 * dumpable per cfg->core_dumps, rlimits (NOFILE, NPROC/MEMLOCK/MSGQUEUE/
 * LOCKS 0, CORE, FSIZE), no_new_privs, Landlock with no rules (best
 * effort), then the gateway seccomp allow-list (sb_seccomp.c).
 *
 * Call it with one thread (any thread started earlier gets the filter
 * too through TSYNC, but not the rest), after every acquisition and the
 * libc/libevent warm-up (tzset, stdio buffers, qsort, evsignal_add...).
 *
 * On success returns 0 and writes one line (under 256 bytes) to summary,
 * e.g.
 * "sandbox: seccomp=kill(87 insns) landlock=abi4 ns=none uid=0 caps=0
 * nnp=1". On failure returns a negative errno and a one-line reason in
 * err; the process is then partly confined and must exit. summary/err may
 * be NULL when their length is 0.
 */
int sb_enter_gateway(const struct sb_gateway_cfg *cfg, char *summary,
    size_t summary_len, char *err, size_t err_len);

/* ----------------------------------------------------------- backend */

struct sb_backend_cfg {
	const char *root; /* export directory (for messages, and opened
	                   * O_PATH when root_fd < 0) */
	int root_fd;      /* O_PATH|O_DIRECTORY fd of root, or -1 */
	bool read_only;   /* Landlock: READ_FILE|READ_DIR only */
	enum sb_seccomp_mode seccomp;
	bool allow_devices;   /* keep MAKE_CHAR/MAKE_BLOCK, CAP_MKNOD and
	                       * mknodat of devices; default refused */
	rlim_t nofile;        /* RLIMIT_NOFILE; 0: soft raised to hard */
	int log_fd;           /* trap messages; -1 none (usually 2) */
	bool core_dumps;      /* as for the gateway */
	bool sanitizer_build; /* as for the gateway */
	/* Namespaces, real root only: AUTO (0, the default) makes root the
	 * "/" of new mount and network namespaces if a probe child manages,
	 * NAMESPACE requires it, NONE never does it. */
	enum sb_ns_mode ns;
};

/*
 * Put the calling process (the passthrough backend, after libfuse's setup
 * and before its session loop starts threads) into the backend sandbox
 * (SANDBOX.md §7.3): as real root, new mount and network namespaces whose
 * "/" is the export (per cfg->ns, probed in a child first; cfg->root_fd,
 * when given, then refers to the same directory in the new mount, and
 * no path outside the export resolves any more; descriptors opened
 * before, such as a /proc/self/fd one, keep working), capabilities
 * trimmed (none when not root; root keeps
 * CHOWN, DAC_OVERRIDE, FOWNER, FSETID, SETGID, SETUID, SETFCAP and, with
 * allow_devices, MKNOD), dumpable, rlimits (NOFILE, MEMLOCK/MSGQUEUE 0,
 * CORE; NPROC untouched because threads count against it), no_new_privs,
 * Landlock with one PATH_BENEATH rule on the root (best effort), then the
 * backend seccomp allow-list: file calls, threads (clone with pthread
 * flags only, clone3 answers ENOSYS), no exec, no sockets, no fork.
 *
 * Call it with one thread (the namespace probe forks). No fd is closed
 * here (the caller's libfuse session owns its fds). Return value,
 * summary and err as for sb_enter_gateway; the summary has "ns=mnt+net",
 * or "ns=none(REASON)" when the namespace step was skipped or its probe
 * failed.
 */
int sb_enter_backend(const struct sb_backend_cfg *cfg, char *summary,
    size_t summary_len, char *err, size_t err_len);

/* --------------------------------------------------------------- fds */

/*
 * Store the calling process's open fds (from /proc/self/fd, in no
 * particular order) in fds[0..max). Returns how many, -ENOSPC if there
 * are more than max, or another negative errno. For building keep_fds:
 * list before and after event_base_new/evsignal_add, and keep what
 * appeared (libevent's epoll fd and signal pipe have no accessor).
 * Before entry only (it opens /proc).
 */
ssize_t sb_fd_list(int *fds, size_t max);

/* ---------------------------------------------------------- selftest */

/*
 * Make one call that the gateway sandbox forbids, for
 * "--sandbox-selftest=CALL" (read from argv only, never from a peer):
 * "openat" (of /etc/hostname), "execve" (of a path that does not
 * exist), "socket" (AF_INET), "connect" (on fd -1: the filter looks at
 * the number, not the fd) or "fork" (raw clone with SIGCHLD). Under the
 * filter it does not return (SIGSYS, or exit SB_TRAP_EXIT in trap mode).
 * Without one, it returns 0 or the call's negative errno (a forked child
 * _exits at once and is not reaped). Unknown names return -EINVAL before
 * any call.
 */
int sb_selftest(const char *call);

#endif /* NG_SANDBOX_SB_H */
