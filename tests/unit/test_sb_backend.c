/* SPDX-License-Identifier: MIT */
/*
 * Backend sandbox tests: a grandchild enters sb_enter_backend on a fresh
 * temporary export directory and does what the passthrough backend does
 * (openat2 beneath the root, create/write/fsync, mkdir, rename, readdir,
 * worker threads), then tries what it must not: leave the export by "..",
 * an absolute path or a symlink (Landlock: EACCES, where the kernel has
 * it), fork (EPERM), clone3 (ENOSYS, so glibc falls back to clone), a
 * device node (EPERM), and execve/socket/connect/ptrace/mount (SIGSYS).
 *
 * Not here: libfuse itself (the passthrough backend's own tests must be
 * run in --seccomp=log mode to confirm the list).
 */
#include "test_sb.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

struct tree {
	char top[64];     /* /tmp/test_sb.XXXXXX */
	char export[96];  /* top/export: the backend root */
	char outside[96]; /* top/outside.txt */
};

static void
tree_make(struct tree *t)
{
	char path[160];
	int fd;

	snprintf(t->top, sizeof(t->top), "/tmp/test_sb.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->top));
	snprintf(t->export, sizeof(t->export), "%s/export", t->top);
	snprintf(t->outside, sizeof(t->outside), "%s/outside.txt", t->top);
	ck_assert_int_eq(mkdir(t->export, 0755), 0);
	fd = open(t->outside, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "secret", 6), 6);
	close(fd);
	snprintf(path, sizeof(path), "%s/pre.txt", t->export);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "pre", 3), 3);
	close(fd);
	snprintf(path, sizeof(path), "%s/link", t->export);
	ck_assert_int_eq(symlink(t->outside, path), 0);
}

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
tree_remove(struct tree *t)
{
	ck_assert_int_eq(nftw(t->top, rm_cb, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static int
landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1u);

	return abi > 0 ? (int)abi : 0;
}

static int
open_beneath(int dirfd, const char *name, int flags, mode_t mode)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .mode = mode,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
}

/* ------------------------------------------------------- positive work */

struct worker {
	int root;
	int n;
	bool ok;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	char name[16];
	int fd;

	snprintf(name, sizeof(name), "t%d", w->n);
	fd = open_beneath(w->root, name, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	w->ok =
	    fd >= 0 && write(fd, name, strlen(name)) == (ssize_t)strlen(name);
	if (fd >= 0)
		close(fd);
	return NULL;
}

#define STEP(cond, code, what)                                                 \
	do {                                                                   \
		if (!(cond)) {                                                 \
			t_sb_say(io->rep, "failed: ");                         \
			t_sb_say(io->rep, what);                               \
			t_sb_say(io->rep, "\n");                               \
			_exit(code);                                           \
		}                                                              \
	} while (0)

static void
work_child(const struct t_sb_io *io, void *arg)
{
	const struct tree *t = arg;
	int abi = landlock_abi();
	int root = open(t->export, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct worker w[4];
	pthread_t th[4];
	int fd, dfd, n;
	char buf[16];
	DIR *d;

	STEP(root >= 0, 3, "open root");
	t_sb_be_enter(io, SB_SECCOMP_KILL, t->export, false);

	fd = open_beneath(root, "new.txt", O_CREAT | O_WRONLY | O_EXCL, 0644);
	STEP(fd >= 0, 10, "create beneath");
	STEP(write(fd, "hello", 5) == 5 && fsync(fd) == 0, 11, "write");
	STEP(ftruncate(fd, 5) == 0, 11, "ftruncate");
	close(fd);
	fd = open_beneath(root, "pre.txt", O_RDONLY, 0);
	STEP(fd >= 0 && read(fd, buf, 3) == 3 && memcmp(buf, "pre", 3) == 0, 12,
	    "read beneath");
	close(fd);

	STEP(open_beneath(root, "../outside.txt", O_RDONLY, 0) == -1 &&
	         errno == EXDEV,
	    13, "RESOLVE_BENEATH refuses ..");
	if (abi >= 1) {
		STEP(open(t->outside, O_RDONLY | O_CLOEXEC) == -1 &&
		         errno == EACCES,
		    14, "Landlock refuses an outside path");
		STEP(openat(root, "link", O_RDONLY | O_CLOEXEC) == -1 &&
		         errno == EACCES,
		    15, "Landlock refuses a symlink to outside");
		STEP(openat(root, "../outside.txt", O_RDONLY | O_CLOEXEC) ==
		             -1 &&
		         errno == EACCES,
		    16, "Landlock refuses ..");
	}

	STEP(mkdirat(root, "d", 0755) == 0, 17, "mkdirat");
	dfd = open_beneath(root, "d", O_PATH | O_DIRECTORY, 0);
	STEP(dfd >= 0, 18, "open subdir");
	if (abi != 1) /* ABI 1 gives EXDEV for any rename across dirs */
		STEP(renameat(root, "new.txt", dfd, "new.txt") == 0, 19,
		    "rename into subdir");
	STEP(mkfifoat(root, "fifo", 0600) == 0, 20, "mkfifo");
	STEP(unlinkat(root, "fifo", 0) == 0, 21, "unlink");

	fd = open_beneath(root, ".", O_RDONLY | O_DIRECTORY, 0);
	d = fdopendir(fd);
	STEP(d != NULL, 22, "fdopendir");
	n = 0;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	STEP(n >= 5, 23, "readdir"); /* . .. pre.txt link d [new.txt] */

	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){.root = root, .n = i};
		STEP(pthread_create(&th[i], NULL, worker_main, &w[i]) == 0, 24,
		    "pthread_create");
	}
	for (int i = 0; i < 4; i++) {
		STEP(pthread_join(th[i], NULL) == 0, 25, "pthread_join");
		STEP(w[i].ok, 26, "worker file");
	}

	/* O_PATH forms the passthrough prefers (6.6+/6.13+): whatever the
	 * kernel answers (ENOSYS before them), the filter lets them through,
	 * so reaching the next step is the check. */
	fd = open_beneath(root, "pre.txt", O_PATH, 0);
	STEP(fd >= 0, 31, "O_PATH open");
	(void)syscall(452, fd, "", 0640, AT_EMPTY_PATH); /* fchmodat2 */
	{
		struct {
			uint64_t value;
			uint32_t size, flags;
		} xa = {(uintptr_t)buf, sizeof(buf), 0};

		(void)syscall(464, fd, "", AT_EMPTY_PATH, "user.none", &xa,
		    sizeof(xa)); /* getxattrat */
	}
	close(fd);
	fd = dup(root);
	STEP(fd > root, 34, "dup");
	close(fd);

	STEP(syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0) == -1 &&
	         errno == EPERM,
	    27, "fork refused with EPERM");
	STEP(syscall(SYS_clone3, NULL, 0) == -1 && errno == ENOSYS, 28,
	    "clone3 answers ENOSYS");
	STEP(mknodat(root, "null", S_IFCHR | 0600, makedev(1, 3)) == -1 &&
	         errno == EPERM,
	    29, "char device refused with EPERM");
	STEP(mknodat(root, "blk", S_IFBLK | 0600, makedev(7, 0)) == -1 &&
	         errno == EPERM,
	    30, "block device refused with EPERM");
	t_sb_say(io->rep, "work ok\n");
	_exit(0);
}

/* Everything a passthrough does, inside the export, works; escapes and
 * forks fail softly. The parent then sees the files written. */
START_TEST(test_be_work_inside_export)
{
	struct tree t;
	struct t_sb_out out;
	char path[160], buf[16];
	int fd;

	tree_make(&t);
	t_sb_run(work_child, &t, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
	ck_assert_ptr_nonnull(strstr(out.buf, "seccomp=kill("));
	ck_assert_ptr_nonnull(strstr(out.buf, "work ok"));
	snprintf(path, sizeof(path), "%s/%s", t.export,
	    landlock_abi() == 1 ? "new.txt" : "d/new.txt");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 5);
	ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
	close(fd);
	for (int i = 0; i < 4; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/t%d", t.export, i);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_int_eq((int)st.st_size, 2);
	}
	tree_remove(&t);
}
END_TEST

static void
ro_child(const struct t_sb_io *io, void *arg)
{
	const struct tree *t = arg;
	int root = open(t->export, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char buf[4];
	int fd;

	STEP(root >= 0, 3, "open root");
	t_sb_be_enter(io, SB_SECCOMP_KILL, t->export, true);
	fd = open_beneath(root, "pre.txt", O_RDONLY, 0);
	STEP(fd >= 0 && read(fd, buf, 3) == 3, 10, "read");
	close(fd);
	STEP(open_beneath(root, "x", O_CREAT | O_WRONLY, 0644) == -1 &&
	         errno == EACCES,
	    11, "create refused");
	STEP(
	    open_beneath(root, "pre.txt", O_WRONLY, 0) == -1 && errno == EACCES,
	    12, "write open refused");
	STEP(mkdirat(root, "d", 0755) == -1 && errno == EACCES, 13,
	    "mkdir refused");
	_exit(0);
}

/* A read-only export: reading works, every change is EACCES. */
START_TEST(test_be_read_only_export)
{
	struct tree t;
	struct t_sb_out out;

	if (landlock_abi() == 0) {
		/* Without Landlock the read-only export rests on the
		 * passthrough's own checks; only entry can be tested. */
		tree_make(&t);
		t_sb_run(ro_child, &t, NULL, NULL, &out);
		t_sb_assert_ready(&out);
		ck_assert_ptr_nonnull(strstr(out.buf, "landlock=none"));
		tree_remove(&t);
		return;
	}
	tree_make(&t);
	t_sb_run(ro_child, &t, NULL, NULL, &out);
	t_sb_assert_exit0(&out);
	ck_assert_ptr_nonnull(strstr(out.buf, "(ro)"));
	tree_remove(&t);
}
END_TEST

/* ------------------------------------------------------ forbidden calls */

static long
b_execve(void)
{
	static char *const argv[] = {"true", NULL};

	return syscall(SYS_execve, "/bin/true", argv, argv + 1);
}

static long
b_socket(void)
{
	return syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
}

static long
b_connect(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	return syscall(SYS_connect, -1, &sun, sizeof(sun));
}

static long
b_ptrace(void)
{
	return syscall(SYS_ptrace, PTRACE_TRACEME, 0, NULL, NULL);
}

static long
b_mount(void)
{
	return syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL);
}

static long
b_kill(void)
{
	return syscall(SYS_kill, getpid(), 0);
}

static long
b_open_by_handle(void)
{
	return syscall(SYS_open_by_handle_at, -1, NULL, 0);
}

static const struct {
	const char *name;
	long (*fn)(void);
} be_probes[] = {
    {"execve", b_execve},
    {"socket", b_socket},
    {"connect", b_connect},
    {"ptrace", b_ptrace},
    {"mount", b_mount},
    {"kill", b_kill},
    {"open_by_handle_at", b_open_by_handle},
};

struct be_job {
	const struct tree *t;
	int probe;
	enum sb_seccomp_mode mode;
};

static void
be_probe_child(const struct t_sb_io *io, void *arg)
{
	const struct be_job *job = arg;

	t_sb_be_enter(io, job->mode, job->t->export, false);
	be_probes[job->probe].fn();
	t_sb_say(io->rep, "survived\n");
	_exit(0);
}

/* execve, socket, connect, ptrace, mount, kill, open_by_handle_at kill
 * the backend by SIGSYS. */
START_TEST(test_be_forbidden_kills)
{
	struct tree t;
	struct t_sb_out out;
	struct be_job job = {&t, _i, SB_SECCOMP_KILL};

	tree_make(&t);
	t_sb_run(be_probe_child, &job, NULL, NULL, &out);
	t_sb_assert_sigsys(&out);
	tree_remove(&t);
}
END_TEST

/* The same calls in trap mode are named: they die for the right reason. */
START_TEST(test_be_forbidden_trap_names_call)
{
	struct tree t;
	struct t_sb_out out;
	struct be_job job = {&t, _i, SB_SECCOMP_TRAP};
	char want[96];

	tree_make(&t);
	t_sb_run(be_probe_child, &job, NULL, NULL, &out);
	t_sb_assert_ready(&out);
	ck_assert_int_eq(WIFEXITED(out.status), 1);
	ck_assert_int_eq(WEXITSTATUS(out.status), SB_TRAP_EXIT);
	snprintf(
	    want, sizeof(want), "blocked syscall %s (", be_probes[_i].name);
	ck_assert_msg(strstr(out.buf, want) != NULL, "want \"%s\" in \"%s\"",
	    want, out.buf);
	tree_remove(&t);
}
END_TEST

Suite *
test_sb_backend_suite(void)
{
	Suite *s = suite_create("sandbox_backend");
	TCase *tc = tcase_create("backend");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_be_work_inside_export);
	tcase_add_test(tc, test_be_read_only_export);
	tcase_add_loop_test(tc, test_be_forbidden_kills, 0,
	    (int)(sizeof(be_probes) / sizeof(be_probes[0])));
	tcase_add_loop_test(tc, test_be_forbidden_trap_names_call, 0,
	    (int)(sizeof(be_probes) / sizeof(be_probes[0])));
	suite_add_tcase(s, tc);
	return s;
}
