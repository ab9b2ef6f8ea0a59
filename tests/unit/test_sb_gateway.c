/* SPDX-License-Identifier: MIT */
/*
 * Gateway sandbox tests, forbidden calls: a grandchild enters
 * sb_enter_gateway with a fake fd set, says "R", then makes one raw
 * syscall(2) (so no libc wrapper takes another route). Kill mode must end
 * it by SIGSYS; trap mode must name the right call and exit 70; the
 * production --sandbox-selftest calls likewise. The work that must keep
 * working is in test_sb_allowed.c, /proc state and modes in
 * test_sb_state.c.
 *
 * Not here: the production binary's --sandbox-selftest (integration
 * tests) and the exact BPF text (too tied to the libseccomp version).
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

/* ------------------------------------------------------ forbidden calls */

/* Another process (the test process), found before entry: getppid is not
 * on the list, so calling it in a probe would be the call that kills. */
static pid_t other_pid;

struct t_probe {
	const char *name; /* libseccomp's name: what trap mode prints */
	long nr;          /* what trap mode prints; -1: foreign arch */
	long (*fn)(void);
};

static long
p_openat(void)
{
	return syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY);
}

static long
p_execve(void)
{
	static char *const argv[] = {"true", NULL};

	return syscall(SYS_execve, "/bin/true", argv, argv + 1);
}

static long
p_socket(void)
{
	return syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
}

static long
p_connect(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	return syscall(SYS_connect, -1, &sun, sizeof(sun));
}

static long
p_fork(void)
{
	long rc = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);

	if (rc == 0)
		_exit(0);
	return rc;
}

static long
p_clone3(void)
{
	return syscall(SYS_clone3, NULL, 0);
}

static long
p_ptrace(void)
{
	return syscall(SYS_ptrace, PTRACE_TRACEME, 0, NULL, NULL);
}

static long
p_mount(void)
{
	return syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL);
}

static long
p_unshare(void)
{
	return syscall(SYS_unshare, CLONE_NEWUSER);
}

static long
p_io_uring(void)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	return syscall(SYS_io_uring_setup, 1, &p);
}

static long
p_bpf(void)
{
	return syscall(SYS_bpf, 0, NULL, 0);
}

static long
p_mmap_exec(void)
{
	return syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static long
p_mprotect_exec(void)
{
	void *p =
	    mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return syscall(SYS_mprotect, p, 4096, PROT_READ | PROT_EXEC);
}

static long
p_tiocsti(void)
{
	char c = 'x';

	return syscall(SYS_ioctl, 0, TIOCSTI, &c);
}

static long
p_tgkill_other(void)
{
	return syscall(SYS_tgkill, other_pid, other_pid, 0);
}

static long
p_kill(void)
{
	return syscall(SYS_kill, other_pid, 0);
}

static long
p_fcntl_dupfd(void)
{
	return syscall(SYS_fcntl, 0, F_DUPFD, 10);
}

static long
p_waitid_pid(void)
{
	siginfo_t si;

	return syscall(
	    SYS_waitid, P_PID, other_pid, &si, WEXITED | WNOHANG, NULL);
}

static long
p_memfd(void)
{
	return syscall(SYS_memfd_create, "x", 0);
}

static long
p_setsockopt(void)
{
	int one = 1;

	return syscall(
	    SYS_setsockopt, 0, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
}

#if defined(__x86_64__)
/* getpid through the i386 entry point. */
static long
p_int80(void)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
	return ret;
}

/* getpid with the x32 bit set. */
static long
p_x32(void)
{
	return syscall(0x40000000L | SYS_getpid);
}
#endif

static const struct t_probe gw_probes[] = {
    {"openat", SYS_openat, p_openat},
    {"execve", SYS_execve, p_execve},
    {"socket", SYS_socket, p_socket},
    {"connect", SYS_connect, p_connect},
    {"clone", SYS_clone, p_fork},
    {"clone3", SYS_clone3, p_clone3},
    {"ptrace", SYS_ptrace, p_ptrace},
    {"mount", SYS_mount, p_mount},
    {"unshare", SYS_unshare, p_unshare},
    {"io_uring_setup", SYS_io_uring_setup, p_io_uring},
    {"bpf", SYS_bpf, p_bpf},
    {"mmap", SYS_mmap, p_mmap_exec},
    {"mprotect", SYS_mprotect, p_mprotect_exec},
    {"ioctl", SYS_ioctl, p_tiocsti},
    {"tgkill", SYS_tgkill, p_tgkill_other},
    {"kill", SYS_kill, p_kill},
    {"fcntl", SYS_fcntl, p_fcntl_dupfd},
    {"waitid", SYS_waitid, p_waitid_pid},
    {"memfd_create", SYS_memfd_create, p_memfd},
    {"setsockopt", SYS_setsockopt, p_setsockopt},
#if defined(__x86_64__)
    {"?", 20, p_int80}, /* i386 getpid: foreign arch */
    {"?", 0x40000000L | SYS_getpid, p_x32},
#endif
};
#define N_GW_PROBES ((int)(sizeof(gw_probes) / sizeof(gw_probes[0])))

struct probe_arg {
	const struct t_probe *probe;
	enum sb_seccomp_mode mode;
};

static void
probe_child(const struct t_sb_io *io, void *arg)
{
	const struct probe_arg *pa = arg;
	char line[96];
	long rc;

	other_pid = getppid();
	t_sb_gw_enter(io, pa->mode, SB_NS_NONE, NULL, 0);
	rc = pa->probe->fn();
	snprintf(line, sizeof(line), "survived: %s returned %ld errno %d\n",
	    pa->probe->name, rc, errno);
	t_sb_say(io->rep, line);
	_exit(0);
}

/* Kill mode: each forbidden call ends the grandchild by SIGSYS, after it
 * said it was ready. */
START_TEST(test_gw_forbidden_kills)
{
	struct probe_arg pa = {&gw_probes[_i], SB_SECCOMP_KILL};
	struct t_sb_out out;

	t_sb_run(probe_child, &pa, NULL, NULL, &out);
	t_sb_assert_sigsys(&out);
}
END_TEST

/* Trap mode: the handler names the right call and exits 70. */
START_TEST(test_gw_forbidden_trap_names_call)
{
	struct probe_arg pa = {&gw_probes[_i], SB_SECCOMP_TRAP};
	struct t_sb_out out;
	char want[128];

	t_sb_run(probe_child, &pa, NULL, NULL, &out);
	t_sb_assert_ready(&out);
	ck_assert_msg(
	    WIFEXITED(out.status) && WEXITSTATUS(out.status) == SB_TRAP_EXIT,
	    "status 0x%x, output %s", (unsigned)out.status, out.buf);
	snprintf(want, sizeof(want), "ninegate: blocked syscall %s (nr %ld",
	    gw_probes[_i].name, gw_probes[_i].nr);
	ck_assert_msg(strstr(out.buf, want) != NULL, "want \"%s\" in \"%s\"",
	    want, out.buf);
	if (strcmp(gw_probes[_i].name, "?") == 0 && gw_probes[_i].nr == 20)
		ck_assert_ptr_nonnull(strstr(out.buf, "foreign arch"));
}
END_TEST

/* -------------------------------------------------------- selftest */

static const char *const selftests[] = {
    "openat", "execve", "socket", "connect", "fork"};

static void
selftest_child(const struct t_sb_io *io, void *arg)
{
	const char *call = arg;

	t_sb_gw_enter(io, SB_SECCOMP_TRAP, SB_NS_NONE, NULL, 0);
	(void)sb_selftest(call);
	t_sb_say(io->rep, "survived selftest\n");
	_exit(0);
}

/* sb_selftest(CALL) after entry is caught, and it is the named call. */
START_TEST(test_gw_selftest_is_caught)
{
	struct t_sb_out out;
	char want[96];
	const char *call = selftests[_i];

	t_sb_run(selftest_child, (void *)call, NULL, NULL, &out);
	t_sb_assert_ready(&out);
	ck_assert_int_eq(WIFEXITED(out.status), 1);
	ck_assert_int_eq(WEXITSTATUS(out.status), SB_TRAP_EXIT);
	snprintf(want, sizeof(want), "blocked syscall %s ",
	    strcmp(call, "fork") == 0 ? "clone" : call);
	ck_assert_msg(strstr(out.buf, want) != NULL, "want \"%s\" in \"%s\"",
	    want, out.buf);
}
END_TEST

/* ---------------------------------------------------------- suite */

Suite *
test_sb_gateway_suite(bool valgrind)
{
	Suite *s = suite_create("sandbox_gateway");
	TCase *tc;

	if (valgrind) {
		/* no seccomp possible: only the unfiltered mode */
		suite_add_tcase(s, test_sb_state_tcase(true));
		return s;
	}

	tc = tcase_create("forbidden");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_gw_forbidden_kills, 0, N_GW_PROBES);
	tcase_add_loop_test(
	    tc, test_gw_forbidden_trap_names_call, 0, N_GW_PROBES);
	tcase_add_loop_test(tc, test_gw_selftest_is_caught, 0,
	    (int)(sizeof(selftests) / sizeof(selftests[0])));
	suite_add_tcase(s, tc);
	suite_add_tcase(s, test_sb_allowed_tcase());
	suite_add_tcase(s, test_sb_state_tcase(false));
	return s;
}
