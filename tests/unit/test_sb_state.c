/* SPDX-License-Identifier: MIT */
/*
 * Gateway sandbox tests, the state of a confined process: which fds
 * survive, what /proc/PID/status and limits show while it runs, that the
 * Check process itself is never confined, seccomp off (Landlock alone)
 * and log modes, and the namespace step (compared with what a plain
 * unshare on this machine can do).
 *
 * It does not probe individual syscalls (test_sb_gateway.c,
 * test_sb_allowed.c).
 */
#include "test_sb.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* --------------------------------------------------------- fds, state */

static void
fds_child(const struct t_sb_io *io, void *arg)
{
	int keep_pair[2], drop_pair[2];
	char line[64];

	(void)arg;
	if (pipe2(keep_pair, 0) != 0 || pipe2(drop_pair, 0) != 0)
		_exit(4);
	close(0); /* must come back as /dev/null */
	t_sb_gw_enter(io, SB_SECCOMP_KILL, SB_NS_NONE, keep_pair, 2);
	snprintf(line, sizeof(line), "keep %d %d drop %d %d std %d %d %d\n",
	    fcntl(keep_pair[0], F_GETFD) >= 0,
	    fcntl(keep_pair[1], F_GETFD) >= 0,
	    fcntl(drop_pair[0], F_GETFD) >= 0,
	    fcntl(drop_pair[1], F_GETFD) >= 0, fcntl(0, F_GETFD) >= 0,
	    fcntl(1, F_GETFD) >= 0, fcntl(2, F_GETFD) >= 0);
	t_sb_say(io->rep, line);
	_exit(0);
}

/* Kept fds survive, others are closed, stdio is open (/dev/null). */
START_TEST(test_gw_closes_unkept_fds)
{
	struct t_sb_out out;

	t_sb_run(fds_child, NULL, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
	ck_assert_ptr_nonnull(strstr(out.buf, "keep 1 1 drop 0 0 std 1 1 1"));
}
END_TEST

static void
wait_child(const struct t_sb_io *io, void *arg)
{
	char c;

	(void)arg;
	t_sb_gw_enter(io, SB_SECCOMP_KILL, SB_NS_NONE, NULL, 0);
	(void)!read(io->go, &c, 1); /* EOF when the parent has looked */
	_exit(0);
}

static void
status_field(
    pid_t pid, const char *file, const char *key, char *val, size_t len)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	val[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0) {
			const char *v = line + strlen(key);

			v += strspn(v, " \t:");
			snprintf(val, len, "%.*s", (int)strcspn(v, "\n"), v);
			break;
		}
	fclose(f);
}

static void
state_parent(pid_t pid, const char *ready, void *arg)
{
	char v[128];

	(void)arg;
	ck_assert_ptr_nonnull(strstr(ready, "seccomp=kill("));
	ck_assert_ptr_nonnull(strstr(ready, "nnp=1"));
	status_field(pid, "status", "Seccomp:", v, sizeof(v));
	ck_assert_str_eq(v, "2");
	status_field(pid, "status", "NoNewPrivs:", v, sizeof(v));
	ck_assert_str_eq(v, "1");
	status_field(pid, "status", "CapEff:", v, sizeof(v));
	ck_assert_str_eq(v, "0000000000000000");
	status_field(pid, "status", "CapPrm:", v, sizeof(v));
	ck_assert_str_eq(v, "0000000000000000");
	status_field(pid, "status", "CapAmb:", v, sizeof(v));
	ck_assert_str_eq(v, "0000000000000000");
	if (geteuid() == 0) { /* only root can trim the bounding set */
		status_field(pid, "status", "CapBnd:", v, sizeof(v));
		ck_assert_str_eq(v, "0000000000000000");
	}
	status_field(pid, "limits", "Max open files", v, sizeof(v));
	ck_assert_msg(strncmp(v, "64 ", 3) == 0, "limits: %s", v);
	status_field(pid, "limits", "Max processes", v, sizeof(v));
	ck_assert_msg(strncmp(v, "0 ", 2) == 0, "limits: %s", v);
	status_field(pid, "limits", "Max core file size", v, sizeof(v));
	ck_assert_msg(strncmp(v, "0 ", 2) == 0, "limits: %s", v);
}

/* While confined, /proc shows the filter, NNP, no caps and the limits. */
START_TEST(test_gw_proc_state)
{
	struct t_sb_out out;

	t_sb_run(wait_child, NULL, state_parent, NULL, &out);
	t_sb_assert_exit0(&out);
}
END_TEST

/* The Check process running this test is never confined itself. */
START_TEST(test_gw_check_process_unconfined)
{
	struct t_sb_out out;
	char v[64];

	t_sb_run(wait_child, NULL, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
	ck_assert_int_ne(out.pid, getpid());
	status_field(getpid(), "status", "Seccomp:", v, sizeof(v));
	ck_assert_str_eq(v, "0");
	status_field(getpid(), "status", "NoNewPrivs:", v, sizeof(v));
	ck_assert_str_eq(v, "0");
}
END_TEST

/* ------------------------------------------------------ other modes */

static void
landlock_child(const struct t_sb_io *io, void *arg)
{
	long fd;
	char line[64];

	(void)arg;
	t_sb_gw_enter(io, SB_SECCOMP_OFF, SB_NS_NONE, NULL, 0);
	fd = syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY);
	snprintf(
	    line, sizeof(line), "open %ld errno %d\n", fd, fd < 0 ? errno : 0);
	t_sb_say(io->rep, line);
	_exit(0);
}

static int
landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1u);

	return abi > 0 ? (int)abi : 0;
}

/* seccomp off: the summary says so loudly; Landlock alone still refuses
 * any path (EACCES) where the kernel has it. */
START_TEST(test_gw_off_mode_landlock_only)
{
	struct t_sb_out out;
	char want[64];

	t_sb_run(landlock_child, NULL, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
	ck_assert_ptr_nonnull(strstr(out.buf, "seccomp=OFF(WARNING"));
	ck_assert_ptr_nonnull(strstr(out.buf, "UNCONFINED"));
	if (landlock_abi() > 0) {
		snprintf(want, sizeof(want), "landlock=abi%d", landlock_abi());
		ck_assert_ptr_nonnull(strstr(out.buf, want));
		ck_assert_ptr_nonnull(strstr(out.buf, "open -1 errno 13"));
	} else {
		ck_assert_ptr_nonnull(strstr(out.buf, "landlock=none"));
	}
}
END_TEST

static void
log_child(const struct t_sb_io *io, void *arg)
{
	(void)arg;
	t_sb_gw_enter(io, SB_SECCOMP_LOG, SB_NS_NONE, NULL, 0);
	/* not on the list: logged by the kernel, but allowed */
	if (syscall(SYS_getppid) <= 0)
		_exit(4);
	_exit(0);
}

/* Log mode lets an unlisted call through. */
START_TEST(test_gw_log_mode_allows)
{
	struct t_sb_out out;

	t_sb_run(log_child, NULL, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
	ck_assert_ptr_nonnull(strstr(out.buf, "seccomp=log("));
}
END_TEST

/* ------------------------------------------------------- namespaces */

/* Can this machine make the namespaces the gateway wants? Decided here
 * independently of sb_ns.c, with a plain unshare in a child. */
static bool
ns_possible(void)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int flags = CLONE_NEWNS | CLONE_NEWNET;

		if (geteuid() != 0)
			flags |= CLONE_NEWUSER;
		if (unshare(flags) != 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount("t", "/tmp", "tmpfs", 0, "size=4k") != 0)
			_exit(1);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void
ns_child(const struct t_sb_io *io, void *arg)
{
	char c;

	struct sb_gateway_cfg cfg = {
	    .seccomp = SB_SECCOMP_KILL,
	    .ns = SB_NS_AUTO,
	    /* without root, the parent may read /proc/PID/ns of a
	     * same-uid process only while it is dumpable */
	    .core_dumps = geteuid() != 0,
	    .sanitizer_build = t_sb_sanitizer_build(),
	};

	(void)arg;
	t_sb_gw_enter_cfg(io, &cfg, NULL, 0);
	(void)!read(io->go, &c, 1);
	_exit(0);
}

static void
ns_parent(pid_t pid, const char *ready, void *arg)
{
	bool *possible = arg;
	char path[64], mine[64], theirs[64];
	ssize_t n1, n2;

	if (!*possible) {
		ck_assert_ptr_nonnull(strstr(ready, "ns=none(probe failed)"));
		return;
	}
	ck_assert_ptr_nonnull(strstr(ready,
	    geteuid() == 0 ? "ns=net+mnt uid=65534" : "ns=user+net+mnt"));
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	n1 = readlink("/proc/self/ns/net", mine, sizeof(mine));
	n2 = readlink(path, theirs, sizeof(theirs));
	ck_assert(n1 > 0 && n2 > 0);
	ck_assert(n1 != n2 || memcmp(mine, theirs, (size_t)n1) != 0);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	n1 = readlink("/proc/self/ns/mnt", mine, sizeof(mine));
	n2 = readlink(path, theirs, sizeof(theirs));
	ck_assert(n1 > 0 && n2 > 0);
	ck_assert(n1 != n2 || memcmp(mine, theirs, (size_t)n1) != 0);
	if (geteuid() == 0) {
		/* its root is the empty tmpfs */
		char root[64];
		struct stat st;

		snprintf(root, sizeof(root), "/proc/%d/root/etc", (int)pid);
		ck_assert_int_eq(stat(root, &st), -1);
		ck_assert_int_eq(errno, ENOENT);
	}
}

/* auto: new, empty namespaces when the machine allows them, and as root
 * the uid becomes nobody; otherwise "none(probe failed)". */
START_TEST(test_gw_namespaces_auto)
{
	struct t_sb_out out;
	bool possible = ns_possible();

	t_sb_run(ns_child, NULL, ns_parent, &possible, &out);
	t_sb_assert_exit0(&out);
}
END_TEST

TCase *
test_sb_state_tcase(bool valgrind)
{
	TCase *tc = tcase_create(valgrind ? "off" : "state");

	tcase_set_timeout(tc, 60);
	if (valgrind) {
		tcase_add_test(tc, test_gw_off_mode_landlock_only);
		return tc;
	}
	tcase_add_test(tc, test_gw_closes_unkept_fds);
	tcase_add_test(tc, test_gw_proc_state);
	tcase_add_test(tc, test_gw_check_process_unconfined);
	tcase_add_test(tc, test_gw_off_mode_landlock_only);
	tcase_add_test(tc, test_gw_log_mode_allows);
	tcase_add_test(tc, test_gw_namespaces_auto);
	return tc;
}
