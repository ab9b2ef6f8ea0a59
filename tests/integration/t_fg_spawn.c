/* SPDX-License-Identifier: MIT */
/*
 * Scenario: starting backends that cannot serve, and what the child gets.
 *   - a program not in PATH, a file that cannot be executed, a program
 *     that exits at once, one that never answers FUSE_INIT: each gives one
 *     clear error naming the program and what happened, and leaves
 *     nothing running;
 *   - the child sees "/dev/fd/3" in place of "{}" (appended when absent)
 *     and the extra environment, has exactly fds 0 (/dev/null), 1 and 2
 *     (one pipe) and 3 (the socket), leads its own session, and is
 *     stopped (SIGTERM after the grace) and reaped without a zombie.
 */
#include "t_fg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void
expect_start_error(
    const char *const *argv, int init_ms, const char *want, int want_rc)
{
	struct t_be be;
	char err[512] = "";
	long t0 = t_now_ms();
	int rc = t_be_start(&be, argv, init_ms, err, sizeof(err));

	printf("%s: %s (%d, %ld ms)\n", argv[0], err, rc, t_now_ms() - t0);
	T_EQ(rc, want_rc);
	if (strstr(err, want) == NULL)
		t_fail("error '%s' lacks '%s'", err, want);
	T_CHECK(t_now_ms() - t0 < init_ms + 3000);
}

struct lines {
	int n;
	char text[8][600];
};

static void
keep_line(const char *line, void *arg)
{
	struct lines *l = arg;

	if (l->n < 8)
		snprintf(l->text[l->n++], sizeof(l->text[0]), "%s", line);
}

/* The child's fds as "0 1 2 3 " and what 0 and 1/2 are. */
static void
inspect_fds(pid_t pid)
{
	char dir[64], path[128], target[256], list[256] = "";
	struct stat s1, s2;
	struct dirent *de;
	DIR *d;
	ssize_t n;
	int nfds = 0;

	/* The shell's `echo >&2` saves fd 1 above 9 for a moment: look once
	 * it has become `sleep` (bounded wait). */
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 500; i++) {
		char comm[32] = "";
		FILE *f = fopen(path, "r");
		if (f != NULL) {
			if (fgets(comm, sizeof(comm), f) == NULL)
				comm[0] = '\0';
			fclose(f);
		}
		if (strncmp(comm, "sleep", 5) == 0)
			break;
		usleep(10 * 1000);
	}
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (d == NULL)
		t_skip("cannot read %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		nfds++;
		strcat(list, de->d_name);
		strcat(list, " ");
		T_CHECK(atoi(de->d_name) <= 3);
	}
	closedir(d);
	printf("child fds: %s\n", list);
	T_EQ(nfds, 4);
	snprintf(path, sizeof(path), "%s/0", dir);
	n = readlink(path, target, sizeof(target) - 1);
	T_CHECK(n > 0);
	target[n] = '\0';
	T_CHECK(strcmp(target, "/dev/null") == 0);
	snprintf(path, sizeof(path), "%s/3", dir);
	n = readlink(path, target, sizeof(target) - 1);
	T_CHECK(n > 0);
	target[n] = '\0';
	T_CHECK(strncmp(target, "socket:", 7) == 0);
	snprintf(path, sizeof(path), "%s/1", dir);
	T_EQ(stat(path, &s1), 0);
	snprintf(path, sizeof(path), "%s/2", dir);
	T_EQ(stat(path, &s2), 0);
	T_CHECK(S_ISFIFO(s1.st_mode) && s1.st_ino == s2.st_ino);
}

int
main(void)
{
	char tmp[256], noexec[300], err[512];
	static const char *const notfound[] = {
	    "ng-no-such-program-x", "{}", NULL};
	const char *const cannot[] = {noexec, NULL};
	static const char *const exits[] = {"false", NULL};
	static const char *const silent[] = {
	    "sh", "-c", "exec sleep 1000", "{}", NULL};
	static const char *const env_add[] = {"NG_T_SPAWN=yes", NULL};
	static const char *const probe[] = {"sh", "-c",
	    "echo \"arg=$0 env=$NG_T_SPAWN\" >&2; exec sleep 1000", NULL};
	struct fg_spawn_opts o = {.argv = probe, .env_add = env_add};
	struct fg_child c;
	struct fg_lines lb = {.len = 0};
	struct lines got = {0};
	int leak, st;
	long t0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	t_need_prog("sh");
	t_need_prog("sleep");
	t_need_prog("false");
	t_mkdtemp(tmp, sizeof(tmp), "spawn");
	snprintf(noexec, sizeof(noexec), "%s/not-executable", tmp);
	{
		FILE *f = fopen(noexec, "w");

		T_CHECK(f != NULL && fclose(f) == 0);
	}

	expect_start_error(
	    notfound, 1000, "ng-no-such-program-x: not found in PATH", -ENOENT);
	expect_start_error(cannot, 1000, "Permission denied", -EACCES);
	expect_start_error(exits, 5000, "false[", -EIO);
	expect_start_error(exits, 5000,
	    "exited with status 1 before answering FUSE_INIT", -EIO);
	expect_start_error(
	    silent, 300, "no reply to FUSE_INIT within 300 ms", -ETIMEDOUT);

	/* What the child gets. An fd of ours without CLOEXEC must not get
	 * through. */
	leak = open("/dev/null", O_RDONLY);
	T_CHECK(leak >= 0);
	T_CHECK(dup2(leak, 57) == 57);
	T_EQ(fg_spawn(&o, &c, err, sizeof(err)), 0);
	T_CHECK(c.pid > 0 && c.fuse_fd >= 0 && c.stderr_fd >= 0);
	T_CHECK(c.sockbuf >= 65536);
	T_CHECK(strcmp(c.name, "sh") == 0);
	printf("sockbuf granted: %zu\n", c.sockbuf);
	T_EQ(fg_child_reap(&c, &st), 0);
	t0 = t_now_ms();
	while (got.n == 0 && t_now_ms() - t0 < 5000) {
		char buf[256];
		ssize_t n = read(c.stderr_fd, buf, sizeof(buf));

		if (n > 0)
			fg_lines_feed(&lb, buf, (size_t)n, keep_line, &got);
		else
			usleep(10000);
	}
	T_EQ(got.n, 1);
	printf("child said: %s\n", got.text[0]);
	T_CHECK(strcmp(got.text[0], "arg=/dev/fd/3 env=yes") == 0);
	inspect_fds(c.pid);
	T_EQ(getsid(c.pid), c.pid);
	t0 = t_now_ms();
	st = fg_child_stop(&c, 200);
	{
		char how[96];

		fg_describe_status(st, how, sizeof(how));
		printf("stopped after %ld ms: %s\n", t_now_ms() - t0, how);
	}
	T_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	T_EQ(waitpid(c.pid, &st, WNOHANG), -1);
	T_EQ(c.pidfd, -1);
	T_EQ(c.fuse_fd, -1);
	T_EQ(c.stderr_fd, -1);
	T_EQ(fg_child_reap(&c, &st), 1);
	close(leak);
	close(57);
	t_rmtree(tmp);
	return 0;
}
