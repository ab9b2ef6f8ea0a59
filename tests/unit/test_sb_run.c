/* SPDX-License-Identifier: MIT */
/*
 * The grandchild harness of the sandbox tests: fork, let the grandchild
 * enter a sandbox and probe, collect what it wrote and how it died.
 * It never confines the calling (Check) process itself.
 */
#include "test_sb.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

bool
t_sb_sanitizer_build(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
	return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) ||                                        \
    __has_feature(undefined_behavior_sanitizer)
	return true;
#else
	return false;
#endif
#else
	return false;
#endif
}

void
t_sb_say(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

void
t_sb_gw_enter_cfg(const struct t_sb_io *io, struct sb_gateway_cfg *cfg,
    const int *extra, size_t nextra)
{
	int keep[16];
	size_t n = 0;
	char summary[512], err[256];

	/* List discovery (sb_seccomp.c's note): NINEGATE_SB_TEST_MODE=log
	 * with CK_RUN_CASE=allowed runs the positive probes in log mode and
	 * the kernel log names every call the list lacks. */
	if (cfg->seccomp == SB_SECCOMP_KILL &&
	    getenv("NINEGATE_SB_TEST_MODE") != NULL)
		(void)sb_seccomp_mode_parse(
		    getenv("NINEGATE_SB_TEST_MODE"), &cfg->seccomp);
	keep[n++] = io->rep;
	keep[n++] = io->go;
	for (size_t i = 0; i < nextra && n < 16; i++)
		keep[n++] = extra[i];
	cfg->keep_fds = keep;
	cfg->nkeep_fds = n;
	cfg->log_fd = io->rep;
	if (sb_enter_gateway(cfg, summary, sizeof(summary), err, sizeof(err)) !=
	    0) {
		t_sb_say(io->rep, "E:");
		t_sb_say(io->rep, err);
		_exit(3);
	}
	cfg->keep_fds = NULL; /* keep[] ends here */
	t_sb_say(io->rep, "R");
	t_sb_say(io->rep, summary);
	t_sb_say(io->rep, "\n");
}

void
t_sb_gw_enter(const struct t_sb_io *io, enum sb_seccomp_mode mode,
    enum sb_ns_mode ns, const int *extra, size_t nextra)
{
	struct sb_gateway_cfg cfg = {
	    .seccomp = mode,
	    .ns = ns,
	    .nofile = 64,
	    .sanitizer_build = t_sb_sanitizer_build(),
	};

	t_sb_gw_enter_cfg(io, &cfg, extra, nextra);
}

void
t_sb_be_enter(const struct t_sb_io *io, enum sb_seccomp_mode mode,
    const char *dir, bool read_only)
{
	char summary[512], err[256];
	struct sb_backend_cfg cfg = {
	    .root = dir,
	    .root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC),
	    .read_only = read_only,
	    .seccomp = mode,
	    .log_fd = io->rep,
	    .sanitizer_build = t_sb_sanitizer_build(),
	    /* Landlock and seccomp alone: a root backend's mount namespace
	     * would hide outside paths first (tests/integration/
	     * t_sb_state.sh covers it). */
	    .ns = SB_NS_NONE,
	};

	if (mode == SB_SECCOMP_KILL && getenv("NINEGATE_SB_TEST_MODE") != NULL)
		(void)sb_seccomp_mode_parse(
		    getenv("NINEGATE_SB_TEST_MODE"), &cfg.seccomp);
	if (cfg.root_fd < 0 || sb_enter_backend(&cfg, summary, sizeof(summary),
	                           err, sizeof(err)) != 0) {
		t_sb_say(io->rep, "E:");
		t_sb_say(io->rep, cfg.root_fd < 0 ? strerror(errno) : err);
		_exit(3);
	}
	close(cfg.root_fd);
	t_sb_say(io->rep, "R");
	t_sb_say(io->rep, summary);
	t_sb_say(io->rep, "\n");
}

static size_t
read_some(int fd, struct t_sb_out *out, bool one_line)
{
	size_t start = out->len;

	while (out->len < sizeof(out->buf) - 1) {
		ssize_t n = read(fd, out->buf + out->len, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		out->len += (size_t)n;
		if (one_line && out->buf[out->len - 1] == '\n')
			break;
	}
	out->buf[out->len] = '\0';
	return out->len - start;
}

void
t_sb_run(t_sb_child_fn *child, void *arg, t_sb_parent_fn *parent,
    void *parent_arg, struct t_sb_out *out)
{
	int rep[2], go[2];
	pid_t pid;

	memset(out, 0, sizeof(*out));
	ck_assert_int_eq(pipe2(rep, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct t_sb_io io = {.rep = rep[1], .go = go[0]};

		close(rep[0]);
		close(go[1]);
		child(&io, arg);
		_exit(0);
	}
	close(rep[1]);
	close(go[0]);
	out->pid = pid;
	read_some(rep[0], out, true);
	if (parent != NULL && out->buf[0] == 'R')
		parent(pid, out->buf, parent_arg);
	close(go[1]);
	read_some(rep[0], out, false);
	close(rep[0]);
	while (waitpid(pid, &out->status, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
}

void
t_sb_assert_ready(const struct t_sb_out *out)
{
	ck_assert_msg(out->len > 0 && out->buf[0] == 'R',
	    "grandchild did not enter the sandbox: \"%s\"", out->buf);
}

void
t_sb_assert_sigsys(const struct t_sb_out *out)
{
	t_sb_assert_ready(out);
	ck_assert_msg(
	    WIFSIGNALED(out->status) && WTERMSIG(out->status) == SIGSYS,
	    "expected death by SIGSYS, got status 0x%x; output: %s",
	    (unsigned)out->status, out->buf);
}

void
t_sb_assert_exit0(const struct t_sb_out *out)
{
	t_sb_assert_ready(out);
	ck_assert_msg(WIFEXITED(out->status) && WEXITSTATUS(out->status) == 0,
	    "expected exit 0, got status 0x%x (signal %d); output: %s",
	    (unsigned)out->status,
	    WIFSIGNALED(out->status) ? WTERMSIG(out->status) : 0, out->buf);
}
