/* SPDX-License-Identifier: MIT */
/*
 * Gateway sandbox tests, work that must keep working under the filter
 * (kill mode): a libevent echo with a SIGTERM event and full teardown, a
 * 64 MiB realloc with malloc_trim, SEQPACKET messages, accept4 on a
 * listener made before entry, stopping and reaping a child by pidfd,
 * abort() ending by SIGABRT (not SIGSYS), the EACCES/ENOTTY answers to
 * stray probes, the normal exit path, and complete ASan/UBSan reports.
 *
 * It does not check what is forbidden (test_sb_gateway.c).
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

TCase *
test_sb_allowed_tcase(void)
{
	TCase *tc = tcase_create("allowed");

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
	return tc;
}
