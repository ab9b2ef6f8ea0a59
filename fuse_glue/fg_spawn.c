/* SPDX-License-Identifier: MIT */
/*
 * Starting, watching and stopping the backing FUSE program: the
 * SEQPACKET socketpair whose child end becomes "/dev/fd/3", its buffer
 * sizes, a child with nothing open but stdin (/dev/null), stdout and
 * stderr (one pipe we read), and the FUSE fd, in its own session, killed
 * when we die; exec errors reported through a CLOEXEC status pipe; a pidfd
 * for the caller's loop; reaping and a graceful stop; the splitting of its
 * stderr into escaped lines.
 *
 * It does not log (the caller does, with the lines handed to it), does not
 * speak FUSE (fg_session.c) and does not confine the child beyond
 * no_new_privs (sandbox/ does, if asked).
 */
#include "fg_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The child's descriptors after the shuffle. */
enum { CHILD_FUSE_FD = 3, CHILD_STATUS_FD = 4, CHILD_FIRST_FREE = 5 };
#define CHILD_FUSE_PATH "/dev/fd/3"

/* Which step failed in the child, reported through the status pipe. */
enum child_step { STEP_FDS, STEP_SETSID, STEP_PDEATHSIG, STEP_NNP, STEP_EXEC };
static const char *const step_names[] = {
    [STEP_FDS] = "setting up descriptors",
    [STEP_SETSID] = "setsid",
    [STEP_PDEATHSIG] = "PR_SET_PDEATHSIG",
    [STEP_NNP] = "PR_SET_NO_NEW_PRIVS",
    [STEP_EXEC] = "exec",
};
struct child_report {
	int step;
	int err;
};

/* ------------------------------------------------------------- helpers */

static void
free_strv(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

/* Resolve argv0 like execvp would, but before forking, so that "not
 * found" is a clear error. Returns a malloc'd path or NULL (*err set). */
static char *
resolve(const char *argv0, int *err)
{
	const char *path = getenv("PATH");
	const char *p;

	if (strchr(argv0, '/') != NULL) {
		char *r = strdup(argv0);

		*err = r == NULL ? -ENOMEM : 0;
		return r;
	}
	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	*err = -ENOENT;
	for (p = path; *p != '\0';) {
		const char *e = strchr(p, ':');
		size_t dl = e != NULL ? (size_t)(e - p) : strlen(p);
		char *cand;
		struct stat st;

		if (asprintf(&cand, "%.*s/%s", (int)(dl > 0 ? dl : 1),
		        dl > 0 ? p : ".", argv0) < 0) {
			*err = -ENOMEM;
			return NULL;
		}
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(cand, X_OK) == 0) {
				*err = 0;
				return cand;
			}
			*err = -EACCES;
		}
		free(cand);
		p += dl;
		if (*p == ':')
			p++;
	}
	return NULL;
}

/* argv with "{}" replaced by the fd path, appended when absent. */
static char **
build_argv(const char *const *argv)
{
	size_t n = 0;
	bool seen = false;
	char **v;

	while (argv[n] != NULL)
		n++;
	v = calloc(n + 2, sizeof(*v));
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bool mark = strcmp(argv[i], "{}") == 0;

		seen |= mark;
		v[i] = strdup(mark ? CHILD_FUSE_PATH : argv[i]);
		if (v[i] == NULL) {
			free_strv(v);
			return NULL;
		}
	}
	if (!seen && (v[n] = strdup(CHILD_FUSE_PATH)) == NULL) {
		free_strv(v);
		return NULL;
	}
	return v;
}

/* environ plus env_add, where env_add wins on equal keys. */
static char **
build_env(const char *const *add)
{
	size_t ne = 0, na = 0, k = 0;
	char **v;

	while (environ[ne] != NULL)
		ne++;
	while (add != NULL && add[na] != NULL)
		na++;
	v = calloc(ne + na + 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < ne; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t kl =
		    eq != NULL ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		bool overridden = false;

		for (size_t j = 0; j < na && !overridden; j++)
			overridden = strncmp(add[j], environ[i], kl) == 0 &&
			             add[j][kl] == '=';
		if (overridden)
			continue;
		if ((v[k++] = strdup(environ[i])) == NULL)
			goto fail;
	}
	for (size_t j = 0; j < na; j++)
		if ((v[k++] = strdup(add[j])) == NULL)
			goto fail;
	return v;
fail:
	free_strv(v);
	return NULL;
}

/* Ask for want bytes in both directions; return what the kernel granted
 * (SO_*BUFFORCE works for CAP_NET_ADMIN, beyond net.core.*mem_max). */
static size_t
size_buffers(int fd, size_t want)
{
	int v = want > INT_MAX ? INT_MAX : (int)want;
	int got;
	socklen_t gl;
	size_t min = SIZE_MAX;
	static const int opts[2][2] = {
	    {SO_SNDBUFFORCE, SO_SNDBUF},
	    {SO_RCVBUFFORCE, SO_RCVBUF},
	};

	for (int i = 0; i < 2; i++) {
		if (setsockopt(fd, SOL_SOCKET, opts[i][0], &v, sizeof(v)) != 0)
			(void)setsockopt(
			    fd, SOL_SOCKET, opts[i][1], &v, sizeof(v));
		gl = sizeof(got);
		if (getsockopt(fd, SOL_SOCKET, opts[i][1], &got, &gl) == 0 &&
		    got > 0 && (size_t)got < min)
			min = (size_t)got;
	}
	return min == SIZE_MAX ? 0 : min;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ------------------------------------------------------------- the child */

static void __attribute__((noreturn)) child_fail(int step, int e)
{
	struct child_report rep = {step, e};

	(void)!write(CHILD_STATUS_FD, &rep, sizeof(rep));
	_exit(127);
}

/* After fork: async-signal-safe calls only. */
static void __attribute__((noreturn))
child_main(const char *path, char **argv, char **envp, int devnull, int errw,
    int fusefd, int statw, pid_t parent, bool nnp)
{
	sigset_t all;
	int fd[4];
	int src[4] = {devnull, errw, fusefd, statw};

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);

	/* Lift every source above the targets, then place them. */
	for (int i = 0; i < 4; i++) {
		fd[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 10);
		if (fd[i] < 0) {
			/* No status pipe yet at its place: best effort. */
			(void)!write(statw,
			    &(struct child_report){STEP_FDS, errno},
			    sizeof(struct child_report));
			_exit(127);
		}
	}
	if (dup2(fd[0], 0) < 0 || dup2(fd[1], 1) < 0 || dup2(fd[1], 2) < 0 ||
	    dup2(fd[2], CHILD_FUSE_FD) < 0 ||
	    dup3(fd[3], CHILD_STATUS_FD, O_CLOEXEC) < 0) {
		int e = errno;

		(void)!write(fd[3], &(struct child_report){STEP_FDS, e},
		    sizeof(struct child_report));
		_exit(127);
	}
	if (close_range(CHILD_FIRST_FREE, ~0U, 0) != 0) {
		long max = sysconf(_SC_OPEN_MAX);

		for (long i = CHILD_FIRST_FREE; i < (max > 0 ? max : 1024); i++)
			close((int)i);
	}
	if (setsid() < 0)
		child_fail(STEP_SETSID, errno);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		child_fail(STEP_PDEATHSIG, errno);
	if (getppid() != parent)
		_exit(127); /* the parent died before PDEATHSIG was set */
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		child_fail(STEP_NNP, errno);
	execve(path, argv, envp);
	child_fail(STEP_EXEC, errno);
}

/* ------------------------------------------------------------ fg_spawn */

int
fg_spawn(const struct fg_spawn_opts *opts, struct fg_child *child, char *err,
    size_t err_len)
{
	int sv[2] = {-1, -1}, errp[2] = {-1, -1}, stp[2] = {-1, -1};
	int devnull = -1, rc;
	char **argv = NULL, **envp = NULL, *path = NULL;
	struct child_report rep;
	const char *base;
	pid_t pid, parent = getpid();
	ssize_t n;

	memset(child, 0, sizeof(*child));
	child->pid = -1;
	child->pidfd = child->fuse_fd = child->stderr_fd = -1;
	if (opts->argv == NULL || opts->argv[0] == NULL ||
	    opts->argv[0][0] == '\0') {
		snprintf(err, err_len, "no program to run");
		return -EINVAL;
	}
	base = strrchr(opts->argv[0], '/');
	base = base != NULL ? base + 1 : opts->argv[0];
	snprintf(child->name, sizeof(child->name), "%s", base);

	path = resolve(opts->argv[0], &rc);
	if (path == NULL) {
		if (rc == -ENOENT)
			snprintf(err, err_len, "%s: not found in PATH",
			    opts->argv[0]);
		else
			snprintf(err, err_len, "%s: %s", opts->argv[0],
			    strerror(-rc));
		return rc;
	}
	argv = build_argv(opts->argv);
	envp = build_env(opts->env_add);
	if (argv == NULL || envp == NULL) {
		rc = -ENOMEM;
		snprintf(err, err_len, "%s: out of memory", child->name);
		goto out;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0 ||
	    pipe2(errp, O_CLOEXEC) != 0 || pipe2(stp, O_CLOEXEC) != 0 ||
	    (devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		rc = -errno;
		snprintf(err, err_len, "%s: setting up descriptors: %s",
		    child->name, strerror(-rc));
		goto out;
	}
	{
		size_t want =
		    opts->sockbuf != 0 ? opts->sockbuf : 4u * 1024 * 1024;
		size_t a = size_buffers(sv[0], want);
		size_t b = size_buffers(sv[1], want);

		child->sockbuf = a < b ? a : b;
	}
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) != 0 ||
	    fcntl(errp[0], F_SETFL, O_NONBLOCK) != 0) {
		rc = -errno;
		snprintf(
		    err, err_len, "%s: fcntl: %s", child->name, strerror(-rc));
		goto out;
	}

	pid = fork();
	if (pid < 0) {
		rc = -errno;
		snprintf(
		    err, err_len, "%s: fork: %s", child->name, strerror(-rc));
		goto out;
	}
	if (pid == 0)
		child_main(path, argv, envp, devnull, errp[1], sv[1], stp[1],
		    parent, opts->no_new_privs);

	close_fd(&sv[1]);
	close_fd(&errp[1]);
	close_fd(&stp[1]);
	close_fd(&devnull);
	do
		n = read(stp[0], &rep, sizeof(rep));
	while (n < 0 && errno == EINTR);
	close_fd(&stp[0]);
	if (n != 0) {
		/* exec did not happen: collect the child and say why. */
		int st;

		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (n == (ssize_t)sizeof(rep) && rep.step >= 0 &&
		    rep.step <= STEP_EXEC) {
			rc = -rep.err;
			if (rep.step == STEP_EXEC)
				snprintf(err, err_len, "exec %s: %s", path,
				    strerror(rep.err));
			else
				snprintf(err, err_len, "%s: %s: %s",
				    child->name, step_names[rep.step],
				    strerror(rep.err));
		} else {
			rc = -EIO;
			snprintf(err, err_len, "%s: child failed before exec",
			    child->name);
		}
		goto out;
	}
	child->pid = pid;
	child->pidfd = pidfd_open(pid, 0);
	child->fuse_fd = sv[0];
	child->stderr_fd = errp[0];
	sv[0] = errp[0] = -1;
	rc = 0;
out:
	close_fd(&sv[0]);
	close_fd(&sv[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	close_fd(&stp[0]);
	close_fd(&stp[1]);
	close_fd(&devnull);
	free_strv(argv);
	free_strv(envp);
	free(path);
	return rc;
}

/* ------------------------------------------------------ reap and stop */

/* A wait status from waitid's siginfo, as waitpid would give it. */
static int
status_of(const siginfo_t *si)
{
	switch (si->si_code) {
	case CLD_EXITED:
		return (si->si_status & 0xff) << 8;
	case CLD_DUMPED:
		return (si->si_status & 0x7f) | 0x80;
	default:
		return si->si_status & 0x7f;
	}
}

/* Reap through the pidfd when there is one: the gateway's seccomp filter
 * allows waitid(P_PIDFD) and nothing that names a pid. */
static int
reap(struct fg_child *child, bool block)
{
	siginfo_t si;
	int rc;

	memset(&si, 0, sizeof(si));
	do
		rc = child->pidfd >= 0 ?
		    waitid(P_PIDFD, (id_t)child->pidfd, &si,
			WEXITED | (block ? 0 : WNOHANG)) :
		    waitid(P_PID, (id_t)child->pid, &si,
			WEXITED | (block ? 0 : WNOHANG));
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	if (si.si_pid == 0)
		return 0;
	child->reaped = true;
	child->status = status_of(&si);
	return 1;
}

int
fg_child_reap(struct fg_child *child, int *status)
{
	int rc;

	if (!child->reaped) {
		if (child->pid <= 0)
			return -ECHILD;
		rc = reap(child, false);
		if (rc <= 0)
			return rc;
	}
	*status = child->status;
	return 1;
}

/* Has the child exited (without reaping it)? Waits up to ms. */
static bool
wait_exited(const struct fg_child *child, int ms)
{
	struct timespec step = {0, 10 * 1000 * 1000};
	siginfo_t si;

	if (child->pidfd >= 0) {
		struct pollfd p = {.fd = child->pidfd, .events = POLLIN};
		int n;

		do
			n = poll(&p, 1, ms);
		while (n < 0 && errno == EINTR);
		return n > 0;
	}
	for (int waited = 0;; waited += 10) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)child->pid, &si,
		        WEXITED | WNOHANG | WNOWAIT) != 0 ||
		    si.si_pid != 0)
			return true;
		if (waited >= ms)
			return false;
		nanosleep(&step, NULL);
	}
}

/* Through the pidfd only when there is one (kill(2) is not allowed in
 * the gateway's sandbox); a child that already exited needs no signal. */
static void
send_signal(const struct fg_child *child, int sig)
{
	if (child->pidfd >= 0)
		(void)pidfd_send_signal(child->pidfd, sig, NULL, 0);
	else
		kill(child->pid, sig);
}

int
fg_child_stop(struct fg_child *child, int grace_ms)
{
	int st = 0;

	if (!child->reaped && child->pid > 0) {
		if (!wait_exited(child, grace_ms)) {
			send_signal(child, SIGTERM);
			if (!wait_exited(child, grace_ms))
				send_signal(child, SIGKILL);
		}
		/* Without a pidfd (and so without the sandbox), nothing of
		 * its session may outlive it: its pgid is still reserved,
		 * it is not reaped yet. With one, its children get their
		 * FUSE fd or pipes closed and go. */
		if (child->pidfd < 0)
			kill(-child->pid, SIGKILL);
		if (reap(child, true) < 0) {
			child->reaped = true;
			child->status = st;
		}
	}
	close_fd(&child->pidfd);
	close_fd(&child->stderr_fd);
	close_fd(&child->fuse_fd);
	return child->status;
}

void
fg_describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status)) {
		snprintf(
		    buf, len, "exited with status %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		const char *abbr = sigabbrev_np(WTERMSIG(status));

		if (abbr != NULL)
			snprintf(buf, len, "killed by SIG%s%s", abbr,
			    WCOREDUMP(status) ? " (core dumped)" : "");
		else
			snprintf(buf, len, "killed by signal %d%s",
			    WTERMSIG(status),
			    WCOREDUMP(status) ? " (core dumped)" : "");
	} else {
		snprintf(buf, len, "wait status 0x%x", (unsigned)status);
	}
}

/* ------------------------------------------------------------ stderr */

#define LINE_MAX_OUT 512

static void
emit_line(struct fg_lines *lb, fg_line_fn *line_cb, void *arg)
{
	static const char hex[] = "0123456789abcdef";
	char out[LINE_MAX_OUT + 1];
	size_t o = 0;

	for (size_t i = 0; i < lb->len; i++) {
		unsigned char c = (unsigned char)lb->buf[i];

		if (c < 0x20 || c == 0x7f) {
			if (o + 4 > LINE_MAX_OUT)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			if (o + 1 > LINE_MAX_OUT)
				break;
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	lb->len = 0;
	line_cb(out, arg);
}

void
fg_lines_feed(struct fg_lines *lb, const char *p, size_t n, fg_line_fn *line_cb,
    void *arg)
{
	if (n == 0) {
		if (lb->len > 0)
			emit_line(lb, line_cb, arg);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n')
			emit_line(lb, line_cb, arg);
		else if (lb->len < sizeof(lb->buf))
			lb->buf[lb->len++] = p[i];
		/* else: past what a line may show, dropped */
	}
}
