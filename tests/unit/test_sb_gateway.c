/* SPDX-License-Identifier: MIT */
/*
 * Gateway sandbox tests: a grandchild enters sb_enter_gateway with a fake
 * fd set, says "R", then probes. Forbidden calls (raw syscall(2), so no
 * libc wrapper takes another route) must kill it with SIGSYS in kill mode
 * and be named by the handler in trap mode; the work a gateway really
 * does (a libevent echo with a SIGTERM event and teardown, big realloc
 * and malloc_trim, SEQPACKET messages, accept4, reaping a child by pidfd,
 * abort) must succeed. The parent also reads the grandchild's
 * /proc/PID/status while it is confined.
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

/* ------------------------------------------------------ positive work */

/* libevent: an echo server bufferevent and a client bufferevent on a
 * socketpair, a SIGTERM event that ends the loop, then full teardown. */
struct echo {
	struct event_base *base;
	size_t want, got;
	bool bad, term;
};

static void
srv_read_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	evbuffer_add_buffer(
	    bufferevent_get_output(bev), bufferevent_get_input(bev));
}

static void
cli_read_cb(struct bufferevent *bev, void *arg)
{
	struct echo *e = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	unsigned char buf[4096];
	size_t n;

	while ((n = evbuffer_remove(in, buf, sizeof(buf))) > 0 &&
	       n != (size_t)-1) {
		for (size_t i = 0; i < n; i++)
			if (buf[i] != (unsigned char)((e->got + i) * 7))
				e->bad = true;
		e->got += n;
	}
	if (e->got >= e->want)
		raise(SIGTERM);
}

static void
term_cb(evutil_socket_t fd, short what, void *arg)
{
	struct echo *e = arg;

	(void)fd;
	(void)what;
	e->term = true;
	event_base_loopbreak(e->base);
}

static void
echo_child(const struct t_sb_io *io, void *arg)
{
	int before[64], after[64], extra[16], sv[2];
	ssize_t nb, na;
	size_t nextra = 0;
	struct echo e = {.want = 300 * 1024};
	struct bufferevent *srv, *cli;
	struct event *term;
	unsigned char *data;

	(void)arg;
	nb = sb_fd_list(before, 64);
	e.base = event_base_new();
	term = evsignal_new(e.base, SIGTERM, term_cb, &e);
	if (nb < 0 || e.base == NULL || term == NULL ||
	    evsignal_add(term, NULL) != 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		_exit(4);
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);
	srv = bufferevent_socket_new(e.base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	cli = bufferevent_socket_new(e.base, sv[1], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(srv, srv_read_cb, NULL, NULL, NULL);
	bufferevent_setcb(cli, cli_read_cb, NULL, NULL, &e);
	bufferevent_enable(srv, EV_READ | EV_WRITE);
	bufferevent_enable(cli, EV_READ | EV_WRITE);
	/* keep what libevent and we opened since the first listing */
	na = sb_fd_list(after, 64);
	for (ssize_t i = 0; i < na && nextra < 16; i++) {
		bool old = false;

		for (ssize_t j = 0; j < nb; j++)
			old = old || before[j] == after[i];
		if (!old)
			extra[nextra++] = after[i];
	}
	t_sb_gw_enter(io, SB_SECCOMP_KILL, SB_NS_NONE, extra, nextra);

	data = malloc(e.want);
	for (size_t i = 0; i < e.want; i++)
		data[i] = (unsigned char)(i * 7);
	bufferevent_write(cli, data, e.want);
	free(data);
	event_base_dispatch(e.base);
	bufferevent_free(cli);
	bufferevent_free(srv);
	event_free(term);
	event_base_free(e.base);
	if (!e.term || e.bad || e.got != e.want) {
		t_sb_say(io->rep, "echo: wrong result\n");
		_exit(5);
	}
	t_sb_say(io->rep, "echo ok\n");
	_exit(0);
}

START_TEST(test_gw_libevent_echo_and_teardown)
{
	struct t_sb_out out;

	t_sb_run(echo_child, NULL, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
	ck_assert_ptr_nonnull(strstr(out.buf, "echo ok"));
}
END_TEST

static void
malloc_child(const struct t_sb_io *io, void *arg)
{
	char *p = malloc(1 << 20), *q;
	void *small[512];

	(void)arg;
	t_sb_gw_enter(io, SB_SECCOMP_KILL, SB_NS_NONE, NULL, 0);
	memset(p, 1, 1 << 20);
	q = realloc(p, 64u << 20);
	if (q == NULL)
		_exit(4);
	memset(q, 2, 64u << 20);
	p = realloc(q, 4096);
	if (p == NULL || p[4095] != 2)
		_exit(5);
	for (int i = 0; i < 512; i++)
		small[i] = malloc(1000 + (size_t)i * 16);
	for (int i = 0; i < 512; i++)
		free(small[i]);
	free(p);
	malloc_trim(0);
	_exit(0);
}

/* 64 MiB realloc (mremap), many small frees, malloc_trim (madvise). */
START_TEST(test_gw_big_realloc_and_trim)
{
	struct t_sb_out out;

	t_sb_run(malloc_child, NULL, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
}
END_TEST

static void
abort_child(const struct t_sb_io *io, void *arg)
{
	(void)arg;
	t_sb_gw_enter(io, SB_SECCOMP_KILL, SB_NS_NONE, NULL, 0);
	abort();
}

/* abort() dies by SIGABRT, not SIGSYS: the abort path is allowed. */
START_TEST(test_gw_abort_is_sigabrt)
{
	struct t_sb_out out;

	t_sb_run(abort_child, NULL, NULL, NULL, &out);
	t_sb_assert_ready(&out);
	ck_assert_msg(
	    WIFSIGNALED(out.status) && WTERMSIG(out.status) == SIGABRT,
	    "status 0x%x", (unsigned)out.status);
}
END_TEST

static void
seqpacket_child(const struct t_sb_io *io, void *arg)
{
	int sv[2];
	char buf[64];
	struct iovec iov;
	struct msghdr mh;
	static const char *const msgs[] = {"one", "second", "3"};

	(void)arg;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		_exit(4);
	t_sb_gw_enter(io, SB_SECCOMP_KILL, SB_NS_NONE, sv, 2);
	for (int i = 0; i < 3; i++) {
		iov.iov_base = (void *)msgs[i];
		iov.iov_len = strlen(msgs[i]);
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if (sendmsg(sv[0], &mh, MSG_NOSIGNAL) != (ssize_t)iov.iov_len)
			_exit(5);
	}
	for (int i = 0; i < 3; i++) {
		ssize_t n;

		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		n = recvmsg(sv[1], &mh, MSG_DONTWAIT);
		if (n != (ssize_t)strlen(msgs[i]) ||
		    memcmp(buf, msgs[i], (size_t)n) != 0)
			_exit(6);
	}
	_exit(0);
}

/* sendmsg/recvmsg on a SEQPACKET pair keep message boundaries. */
START_TEST(test_gw_seqpacket_messages)
{
	struct t_sb_out out;

	t_sb_run(seqpacket_child, NULL, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
}
END_TEST

static void
accept_child(const struct t_sb_io *io, void *arg)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fds[2];
	int c, lfd;
	char buf[8];

	(void)arg;
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* autobind: an abstract name picked by the kernel */
	if (lfd < 0 ||
	    bind(lfd, (struct sockaddr *)&sun, sizeof(sa_family_t)) != 0 ||
	    listen(lfd, 4) != 0)
		_exit(4);
	{
		socklen_t len = sizeof(sun);

		if (getsockname(lfd, (struct sockaddr *)&sun, &len) != 0)
			_exit(4);
		c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&sun, len) != 0)
			_exit(4);
	}
	fds[0] = lfd;
	fds[1] = c;
	t_sb_gw_enter(io, SB_SECCOMP_KILL, SB_NS_NONE, fds, 2);
	{
		int a = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (a < 0)
			_exit(5);
		if (write(a, "hi", 2) != 2 || read(c, buf, 2) != 2 ||
		    memcmp(buf, "hi", 2) != 0)
			_exit(6);
		close(a);
	}
	_exit(0);
}

/* A listener created before entry keeps accepting (accept4). */
START_TEST(test_gw_accept4_on_old_listener)
{
	struct t_sb_out out;

	t_sb_run(accept_child, NULL, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
}
END_TEST

static void
pidfd_child(const struct t_sb_io *io, void *arg)
{
	int hold[2];
	pid_t kid;
	int pidfd;
	siginfo_t si;

	(void)arg;
	if (pipe2(hold, O_CLOEXEC) != 0)
		_exit(4);
	signal(SIGTERM, SIG_DFL); /* the kid must not run Check's handler */
	kid = fork();
	if (kid == 0) {
		char c;

		close(hold[1]);
		(void)!read(hold[0], &c, 1); /* until the signal */
		_exit(0);
	}
	close(hold[0]);
	pidfd = (int)syscall(SYS_pidfd_open, kid, 0);
	if (kid < 0 || pidfd < 0)
		_exit(4);
	{
		int keep[2] = {pidfd, hold[1]};

		t_sb_gw_enter(io, SB_SECCOMP_KILL, SB_NS_NONE, keep, 2);
	}
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0) != 0)
		_exit(5);
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) != 0)
		_exit(6);
	if (si.si_code != CLD_KILLED || si.si_status != SIGTERM)
		_exit(7);
	_exit(0);
}

/* Stop the backend through its pidfd and reap it with waitid(P_PIDFD). */
START_TEST(test_gw_pidfd_signal_and_reap)
{
	struct t_sb_out out;

	t_sb_run(pidfd_child, NULL, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
}
END_TEST

static void
soft_child(const struct t_sb_io *io, void *arg)
{
	struct stat st;
	struct timespec ts;
	char r[8];

	(void)arg;
	t_sb_gw_enter(io, SB_SECCOMP_KILL, SB_NS_NONE, NULL, 0);
	/* stray stdio probes fail softly */
	if (syscall(SYS_fstat, 1, &st) != -1 || errno != EACCES)
		_exit(4);
	if (syscall(SYS_lseek, 1, 0, SEEK_CUR) != -1 || errno != EACCES)
		_exit(5);
	/* the real syscalls behind the vDSO, and getrandom */
	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) != 0)
		_exit(6);
	if (syscall(SYS_getrandom, r, sizeof(r), 0) != (long)sizeof(r))
		_exit(7);
	_exit(0);
}

/* Harmless probes answer EACCES; clock and getrandom work. */
START_TEST(test_gw_soft_errno_rows)
{
	struct t_sb_out out;

	t_sb_run(soft_child, NULL, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
}
END_TEST

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

/* ------------------------------------------------- sanitizer reports */

#if defined(__SANITIZE_ADDRESS__)
static void
uaf_child(const struct t_sb_io *io, void *arg)
{
	char *volatile p = malloc(16);
	int err_fd = 2;

	(void)arg;
	if (dup2(io->rep, 2) != 2) /* the report goes to stderr */
		_exit(4);
	t_sb_gw_enter(io, SB_SECCOMP_KILL, SB_NS_NONE, &err_fd, 1);
	free(p);
	t_sb_say(io->rep, p[3] == 0 ? "zero\n" : "nonzero\n");
	_exit(0);
}

/* An ASan report after entry is written in full (the sanitizer rows and
 * the symbolizer warm-up suffice) and ends the process the way ASan
 * ends it, not by SIGSYS. */
START_TEST(test_gw_asan_report_completes)
{
	struct t_sb_out out;

	t_sb_run(uaf_child, NULL, NULL, NULL, &out);
	t_sb_assert_ready(&out);
	ck_assert_msg(
	    strstr(out.buf, "AddressSanitizer: heap-use-after-free") != NULL,
	    "%s", out.buf);
	ck_assert_msg(strstr(out.buf, "SUMMARY: AddressSanitizer") != NULL,
	    "report cut short: %s", out.buf);
	ck_assert_msg(
	    !(WIFSIGNALED(out.status) && WTERMSIG(out.status) == SIGSYS),
	    "killed by SIGSYS during the report: %s", out.buf);
	ck_assert(!(WIFEXITED(out.status) && WEXITSTATUS(out.status) == 0));
}
END_TEST
#endif

/* UBSan's runtime is present (weak reference: NULL without it). */
void __ubsan_handle_add_overflow(void *data, void *lhs, void *rhs)
    __attribute__((weak));

static void
ubsan_child(const struct t_sb_io *io, void *arg)
{
	volatile int big = 0x7fffffff;
	int err_fd = 2;
	char line[32];

	(void)arg;
	if (dup2(io->rep, 2) != 2)
		_exit(4);
	t_sb_gw_enter(io, SB_SECCOMP_KILL, SB_NS_NONE, &err_fd, 1);
	snprintf(line, sizeof(line), "sum %d\n", big + *(int *)arg);
	t_sb_say(io->rep, line);
	_exit(0);
}

/* A UBSan report (with print_stacktrace=1 if the environment asks) after
 * entry is written in full, not cut short by SIGSYS. */
START_TEST(test_gw_ubsan_report_completes)
{
	struct t_sb_out out;
	int one = 1;

	if (__ubsan_handle_add_overflow == NULL) {
		/* not a UBSan build: the overflow is not checked, and the
		 * sandbox must still let the process run on */
		t_sb_run(ubsan_child, &one, NULL, NULL, &out);
		t_sb_assert_exit0(&out);
		return;
	}
	t_sb_run(ubsan_child, &one, NULL, NULL, &out);
	t_sb_assert_ready(&out);
	ck_assert_msg(
	    strstr(out.buf, "runtime error: signed integer overflow") != NULL,
	    "%s", out.buf);
	ck_assert_msg(
	    !(WIFSIGNALED(out.status) && WTERMSIG(out.status) == SIGSYS),
	    "killed by SIGSYS during the report: %s", out.buf);
}
END_TEST

static void
exit_child(const struct t_sb_io *io, void *arg)
{
	(void)arg;
	t_sb_gw_enter(io, SB_SECCOMP_KILL, SB_NS_NONE, NULL, 0);
	printf("first stdout use after entry\n"); /* fstat -> EACCES */
	exit(0);
}

/* The normal exit path (atexit handlers, stdio flush, the sanitizer
 * runtime's exit hooks) works under the filter. */
START_TEST(test_gw_exit_path)
{
	struct t_sb_out out;

	t_sb_run(exit_child, NULL, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
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
		tc = tcase_create("off");
		tcase_set_timeout(tc, 60);
		tcase_add_test(tc, test_gw_off_mode_landlock_only);
		suite_add_tcase(s, tc);
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

	tc = tcase_create("allowed");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_gw_libevent_echo_and_teardown);
	tcase_add_test(tc, test_gw_big_realloc_and_trim);
	tcase_add_test(tc, test_gw_abort_is_sigabrt);
	tcase_add_test(tc, test_gw_seqpacket_messages);
	tcase_add_test(tc, test_gw_accept4_on_old_listener);
	tcase_add_test(tc, test_gw_pidfd_signal_and_reap);
	tcase_add_test(tc, test_gw_soft_errno_rows);
#if defined(__SANITIZE_ADDRESS__)
	tcase_add_test(tc, test_gw_asan_report_completes);
#endif
	tcase_add_test(tc, test_gw_ubsan_report_completes);
	tcase_add_test(tc, test_gw_exit_path);
	suite_add_tcase(s, tc);

	tc = tcase_create("state");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_gw_closes_unkept_fds);
	tcase_add_test(tc, test_gw_proc_state);
	tcase_add_test(tc, test_gw_check_process_unconfined);
	tcase_add_test(tc, test_gw_off_mode_landlock_only);
	tcase_add_test(tc, test_gw_log_mode_allows);
	tcase_add_test(tc, test_gw_namespaces_auto);
	suite_add_tcase(s, tc);
	return s;
}
