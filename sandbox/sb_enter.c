/* SPDX-License-Identifier: MIT */
/*
 * The two entry points, sb_enter_gateway and sb_enter_backend: the order
 * of the steps (SANDBOX.md §7.1 and §7.3), which failures are fatal
 * (no_new_privs, seccomp, a namespace or identity step that started) and
 * which are best effort (Landlock, rlimits), the fd clean-up, and the
 * one-line summary. Also the mode words of the command line.
 *
 * The steps themselves live in sb_fds.c, sb_ns.c, sb_caps.c, sb_rlimit.c,
 * sb_landlock.c, sb_seccomp.c and sb_san.c. Nothing here prints.
 */
#include "sb_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

int
sb_fail(char *buf, size_t len, int e, const char *fmt, ...)
{
	va_list ap;

	if (len > 0) {
		va_start(ap, fmt);
		vsnprintf(buf, len, fmt, ap);
		va_end(ap);
	}
	return e > 0 ? -e : -EPERM;
}

/* ------------------------------------------------------------- modes */

static const char *const seccomp_words[] = {
    [SB_SECCOMP_KILL] = "kill",
    [SB_SECCOMP_TRAP] = "trap",
    [SB_SECCOMP_LOG] = "log",
    [SB_SECCOMP_OFF] = "off",
};

static const char *const ns_words[] = {
    [SB_NS_AUTO] = "auto",
    [SB_NS_NAMESPACE] = "namespace",
    [SB_NS_NONE] = "none",
};

int
sb_seccomp_mode_parse(const char *s, enum sb_seccomp_mode *mode)
{
	for (size_t i = 0; s != NULL && i < 4; i++)
		if (strcmp(s, seccomp_words[i]) == 0) {
			*mode = (enum sb_seccomp_mode)i;
			return 0;
		}
	return -EINVAL;
}

const char *
sb_seccomp_mode_name(enum sb_seccomp_mode mode)
{
	return (unsigned)mode < 4 ? seccomp_words[mode] : "?";
}

enum sb_seccomp_mode
sb_seccomp_mode_default(void)
{
#if NG_SECCOMP_DEBUG
	return SB_SECCOMP_TRAP;
#else
	return SB_SECCOMP_KILL;
#endif
}

int
sb_ns_mode_parse(const char *s, enum sb_ns_mode *mode)
{
	for (size_t i = 0; s != NULL && i < 3; i++)
		if (strcmp(s, ns_words[i]) == 0) {
			*mode = (enum sb_ns_mode)i;
			return 0;
		}
	return -EINVAL;
}

const char *
sb_ns_mode_name(enum sb_ns_mode mode)
{
	return (unsigned)mode < 3 ? ns_words[mode] : "?";
}

/* ------------------------------------------------------------ common */

struct limits_out {
	bool partial;
};

static void
limit(struct limits_out *lo, int res, rlim_t v)
{
	if (sb_rlimit_set(res, v) != 0)
		lo->partial = true;
}

static const char *
landlock_word(int rc, char *buf, size_t len)
{
	if (rc > 0)
		snprintf(buf, len, "abi%d", rc);
	else if (rc == 0)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "error(%s)", strerror(-rc));
	return buf;
}

static void
seccomp_word(enum sb_seccomp_mode mode, unsigned ninsns, char *buf, size_t len)
{
	if (mode == SB_SECCOMP_OFF)
		snprintf(buf, len, "OFF(WARNING: no syscall filter)");
	else
		snprintf(buf, len, "%s(%u insns)", sb_seccomp_mode_name(mode),
		    ninsns);
}

static const char *
mode_hint(enum sb_seccomp_mode mode)
{
	switch (mode) {
	case SB_SECCOMP_KILL:
		return " (a violation ends the process with SIGSYS; rerun "
		       "with --seccomp=trap to name the call)";
	case SB_SECCOMP_TRAP:
		return " (a violation is named on the log, then exit 70)";
	case SB_SECCOMP_LOG:
		return " (violations only logged by the kernel)";
	case SB_SECCOMP_OFF:
		return " (UNCONFINED: any syscall is allowed; for valgrind "
		       "and leak checks only)";
	}
	return "";
}

/* ----------------------------------------------------------- gateway */

int
sb_enter_gateway(const struct sb_gateway_cfg *cfg, char *summary,
    size_t summary_len, char *err, size_t err_len)
{
	const char *ns_desc = "none";
	const char *san = "";
	bool id_switch = false, bnd = false;
	struct limits_out lim = {false};
	uid_t uid = getuid();
	uid_t run_uid;
	gid_t run_gid;
	unsigned have = 0, ninsns = 0;
	char llw[48], scw[48];
	uint64_t caps;
	int rc, ll;

	if (cfg == NULL || (unsigned)cfg->seccomp > SB_SECCOMP_OFF ||
	    (unsigned)cfg->ns > SB_NS_NONE)
		return sb_fail(err, err_len, EINVAL, "sandbox: bad config");
	run_uid = cfg->run_uid != 0 ? cfg->run_uid : SB_NOBODY;
	run_gid = cfg->run_gid != 0 ? cfg->run_gid : SB_NOBODY;

	if (cfg->sanitizer_build)
		san = sb_san_prepare(cfg->seccomp != SB_SECCOMP_OFF);

	rc = sb_fds_close(
	    cfg->keep_fds, cfg->nkeep_fds, cfg->log_fd, err, err_len);
	if (rc != 0)
		return rc;

	rc = sb_ns_enter(cfg->ns, &ns_desc, &id_switch, err, err_len);
	if (rc != 0)
		return rc;

	rc = sb_caps_drop(0, id_switch, run_uid, run_gid, &bnd, err, err_len);
	if (rc != 0)
		return rc;
	if (id_switch)
		uid = run_uid;

	(void)prctl(PR_SET_DUMPABLE, cfg->core_dumps ? 1 : 0, 0, 0, 0);

	if (cfg->nofile != 0)
		limit(&lim, RLIMIT_NOFILE, cfg->nofile);
	limit(&lim, RLIMIT_NPROC, 0);
	limit(&lim, RLIMIT_MEMLOCK, 0);
	limit(&lim, RLIMIT_MSGQUEUE, 0);
	limit(&lim, RLIMIT_LOCKS, 0);
	if (!cfg->core_dumps)
		limit(&lim, RLIMIT_CORE, 0);
	if (!sb_fd_is_regular(cfg->log_fd) && !sb_fd_is_regular(2))
		limit(&lim, RLIMIT_FSIZE, 0);

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return sb_fail(err, err_len, errno, "PR_SET_NO_NEW_PRIVS: %s",
		    strerror(errno));

	/* No signal scope: the gateway stops its backend by pidfd, and
	 * seccomp already allows no other way to signal anyone. */
	ll = sb_landlock_apply(-1, false, false, false);
	caps = sb_caps_effective();

	if (cfg->sanitizer_build)
		have |= SB_W_SANITIZER;
	if (cfg->seccomp != SB_SECCOMP_OFF) {
		rc = sb_seccomp_load(sb_gateway_rows, sb_ngateway_rows, have,
		    cfg->seccomp, cfg->log_fd, &ninsns, err, err_len);
		if (rc != 0)
			return rc;
	}

	seccomp_word(cfg->seccomp, ninsns, scw, sizeof(scw));
	if (summary_len > 0)
		snprintf(summary, summary_len,
		    "sandbox: seccomp=%s landlock=%s ns=%s uid=%u caps=%s "
		    "nnp=1%s%s%s",
		    scw, landlock_word(ll, llw, sizeof(llw)), ns_desc,
		    (unsigned)uid,
		    caps == 0 ? (bnd ? "0" : "0(bounding kept)") : "?",
		    lim.partial ? " rlimits=partial" : "", san,
		    mode_hint(cfg->seccomp));
	return 0;
}

/* ----------------------------------------------------------- backend */

/* What a root backend keeps (virtiofsd's set). */
static uint64_t
backend_caps(bool devices)
{
	uint64_t keep = (1ull << CAP_CHOWN) | (1ull << CAP_DAC_OVERRIDE) |
	                (1ull << CAP_FOWNER) | (1ull << CAP_FSETID) |
	                (1ull << CAP_SETGID) | (1ull << CAP_SETUID) |
	                (1ull << CAP_SETFCAP);

	if (devices)
		keep |= 1ull << CAP_MKNOD;
	return keep;
}

int
sb_enter_backend(const struct sb_backend_cfg *cfg, char *summary,
    size_t summary_len, char *err, size_t err_len)
{
	const char *san = "";
	bool root = geteuid() == 0, bnd = false;
	uid_t uid = getuid();
	struct limits_out lim = {false};
	struct rlimit rl;
	unsigned have = 0, ninsns = 0;
	char llw[48], scw[48], nsw[96];
	int rc, ll, root_fd;
	uint64_t keep;

	if (cfg == NULL || (unsigned)cfg->seccomp > SB_SECCOMP_OFF ||
	    (unsigned)cfg->ns > SB_NS_NONE ||
	    (cfg->root == NULL && cfg->root_fd < 0))
		return sb_fail(err, err_len, EINVAL, "sandbox: bad config");

	if (cfg->sanitizer_build)
		san = sb_san_prepare(cfg->seccomp != SB_SECCOMP_OFF);

	root_fd = cfg->root_fd;
	if (root_fd < 0) {
		root_fd = open(cfg->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root_fd < 0)
			return sb_fail(err, err_len, errno, "open %s: %s",
			    cfg->root, strerror(errno));
	}

	/* Before the capabilities go: it needs CAP_SYS_ADMIN. */
	rc = sb_ns_enter_backend(
	    cfg->ns, cfg->root, root_fd, nsw, sizeof(nsw), err, err_len);
	if (rc != 0)
		goto out;

	keep = root ? backend_caps(cfg->allow_devices) : 0;
	rc = sb_caps_drop(keep, false, 0, 0, &bnd, err, err_len);
	if (rc != 0)
		goto out;

	(void)prctl(PR_SET_DUMPABLE, cfg->core_dumps ? 1 : 0, 0, 0, 0);

	/* NPROC stays: it counts threads per uid, and the session loop
	 * needs them; fork is refused by the clone flag filter instead. */
	if (cfg->nofile != 0) {
		limit(&lim, RLIMIT_NOFILE, cfg->nofile);
	} else if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			lim.partial = true;
	}
	limit(&lim, RLIMIT_MEMLOCK, 0);
	limit(&lim, RLIMIT_MSGQUEUE, 0);
	if (!cfg->core_dumps)
		limit(&lim, RLIMIT_CORE, 0);

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		rc = sb_fail(err, err_len, errno, "PR_SET_NO_NEW_PRIVS: %s",
		    strerror(errno));
		goto out;
	}

	ll = sb_landlock_apply(
	    root_fd, cfg->read_only, cfg->allow_devices, true);

	if (cfg->sanitizer_build)
		have |= SB_W_SANITIZER;
	have |= cfg->allow_devices ? SB_W_DEVICES : SB_W_NODEVICES;
	if (root)
		have |= SB_W_ROOT;
	if (cfg->seccomp != SB_SECCOMP_OFF) {
		rc = sb_seccomp_load(sb_backend_rows, sb_nbackend_rows, have,
		    cfg->seccomp, cfg->log_fd, &ninsns, err, err_len);
		if (rc != 0)
			goto out;
	}

	seccomp_word(cfg->seccomp, ninsns, scw, sizeof(scw));
	if (summary_len > 0)
		snprintf(summary, summary_len,
		    "sandbox: backend seccomp=%s landlock=%s%s ns=%s root=%s "
		    "uid=%u caps=%s nnp=1%s%s%s",
		    scw, landlock_word(ll, llw, sizeof(llw)),
		    cfg->read_only ? "(ro)" : "", nsw,
		    cfg->root != NULL ? cfg->root : "(fd)", (unsigned)uid,
		    keep == 0 ? "0" : "fs-admin",
		    lim.partial ? " rlimits=partial" : "", san,
		    mode_hint(cfg->seccomp));
	rc = 0;
out:
	if (root_fd != cfg->root_fd)
		close(root_fd);
	return rc;
}
