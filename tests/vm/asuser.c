/* SPDX-License-Identifier: MIT */
/*
 * asuser: runs a command, or one file operation, as another user with a
 * given primary group and supplementary group list, for the VM permission
 * test (tests/vm/guest-perm.sh). Built on the host with `gcc -static`
 * (tests/vm/vm-perm.sh) and run as root in the guest:
 *
 *   asuser UID GID GROUPS CMD ARGS...   setgroups, setgid, setuid, exec CMD
 *   asuser UID GID GROUPS @OP ARGS...   do OP as that user, print "ok" or
 *                                       the errno's name (EPERM, ...);
 *                                       exit 0 on success, 1 on an errno
 *
 * GROUPS is a comma list of gids, or "-" for none. UID 0 keeps root's
 * capabilities (no switch is made), so "0 0 -" is root.
 * Operations (MODE in octal):
 *   @open PATH r|w|rw|excl|trunc|creat   open (excl: O_CREAT|O_EXCL|O_RDWR)
 *   @write PATH TEXT        open O_WRONLY|O_APPEND, write TEXT, close
 *   @mkdir PATH MODE        @unlink PATH        @rename OLD NEW
 *   @chmod PATH MODE        @chown PATH UID GID (-1 leaves one unchanged)
 *   @truncate PATH SIZE     @utimes PATH now|SECONDS (atime and mtime)
 *   @owner PATH             prints uid:gid (lstat)
 *   @mode PATH              prints the permission bits, octal, with
 *                           setuid/setgid/sticky
 *   @mtime PATH             prints the mtime in seconds
 *   @unlinkopen PATH        creates PATH, writes, unlinks it, then reads,
 *                           writes, fstats and ftruncates through the open
 *                           descriptor; prints what failed, or "ok"
 * It deliberately checks nothing itself beyond @unlinkopen's sequence: the
 * expected results are the guest script's.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

static int
result(int rc)
{
	if (rc == 0) {
		printf("ok\n");
		return 0;
	}
	printf("%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "E?");
	return 1;
}

static int
usage(void)
{
	fprintf(stderr, "usage: asuser UID GID GROUPS CMD ARGS... | "
			"asuser UID GID GROUPS @OP ARGS...\n");
	return 2;
}

static int
op_open(const char *path, const char *how)
{
	int flags;
	int fd;

	if (!strcmp(how, "r"))
		flags = O_RDONLY;
	else if (!strcmp(how, "w"))
		flags = O_WRONLY;
	else if (!strcmp(how, "rw"))
		flags = O_RDWR;
	else if (!strcmp(how, "excl"))
		flags = O_RDWR | O_CREAT | O_EXCL;
	else if (!strcmp(how, "trunc"))
		flags = O_WRONLY | O_TRUNC;
	else if (!strcmp(how, "creat"))
		flags = O_WRONLY | O_CREAT;
	else
		return usage();
	fd = open(path, flags, 0644);
	if (fd < 0)
		return result(-1);
	close(fd);
	return result(0);
}

static int
op_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	ssize_t w;

	if (fd < 0)
		return result(-1);
	w = write(fd, text, strlen(text));
	if (w < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return result(-1);
	}
	return result(close(fd));
}

static int
op_utimes(const char *path, const char *when)
{
	struct timespec ts[2];

	if (!strcmp(when, "now")) {
		ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
		ts[0].tv_sec = ts[1].tv_sec = 0;
	} else {
		ts[0].tv_sec = ts[1].tv_sec = (time_t)strtoll(when, NULL, 10);
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
	}
	return result(utimensat(AT_FDCWD, path, ts, 0));
}

static int
op_unlinkopen(const char *path)
{
	char buf[64];
	struct stat st;
	ssize_t r;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);

	if (fd < 0) {
		printf("create: %s\n", strerrorname_np(errno));
		return 1;
	}
	if (write(fd, "kept", 4) != 4) {
		printf("write: %s\n", strerrorname_np(errno));
		return 1;
	}
	if (unlink(path) < 0) {
		printf("unlink: %s\n", strerrorname_np(errno));
		return 1;
	}
	if (access(path, F_OK) == 0 || errno != ENOENT) {
		printf("the name is still there after unlink\n");
		return 1;
	}
	r = pread(fd, buf, sizeof(buf), 0);
	if (r != 4 || memcmp(buf, "kept", 4)) {
		printf("read after unlink: %zd %s\n", r,
		       r < 0 ? strerrorname_np(errno) : "(wrong bytes)");
		return 1;
	}
	if (pwrite(fd, "more", 4, 4) != 4) {
		printf("write after unlink: %s\n", strerrorname_np(errno));
		return 1;
	}
	r = pread(fd, buf, sizeof(buf), 0);
	if (r != 8 || memcmp(buf, "keptmore", 8)) {
		printf("read back after unlink: %zd bytes\n", r);
		return 1;
	}
	if (fstat(fd, &st) < 0) {
		printf("fstat after unlink: %s\n", strerrorname_np(errno));
		return 1;
	}
	if (st.st_size != 8 || st.st_nlink != 0) {
		printf("fstat after unlink: size %lld nlink %lu\n",
		       (long long)st.st_size, (unsigned long)st.st_nlink);
		return 1;
	}
	if (ftruncate(fd, 2) < 0 || fstat(fd, &st) < 0 || st.st_size != 2) {
		printf("ftruncate after unlink: %s\n", strerrorname_np(errno));
		return 1;
	}
	close(fd);
	printf("ok\n");
	return 0;
}

static int
run_op(int argc, char **argv)
{
	const char *op = argv[0] + 1;
	struct stat st;

	if (!strcmp(op, "open") && argc == 3)
		return op_open(argv[1], argv[2]);
	if (!strcmp(op, "write") && argc == 3)
		return op_write(argv[1], argv[2]);
	if (!strcmp(op, "mkdir") && argc == 3)
		return result(mkdir(argv[1], (mode_t)strtoul(argv[2], NULL, 8)));
	if (!strcmp(op, "unlink") && argc == 2)
		return result(unlink(argv[1]));
	if (!strcmp(op, "rename") && argc == 3)
		return result(rename(argv[1], argv[2]));
	if (!strcmp(op, "chmod") && argc == 3)
		return result(chmod(argv[1], (mode_t)strtoul(argv[2], NULL, 8)));
	if (!strcmp(op, "chown") && argc == 4)
		return result(chown(argv[1], (uid_t)strtol(argv[2], NULL, 10),
				    (gid_t)strtol(argv[3], NULL, 10)));
	if (!strcmp(op, "truncate") && argc == 3)
		return result(truncate(argv[1], strtoll(argv[2], NULL, 10)));
	if (!strcmp(op, "utimes") && argc == 3)
		return op_utimes(argv[1], argv[2]);
	if (!strcmp(op, "unlinkopen") && argc == 2)
		return op_unlinkopen(argv[1]);
	if ((!strcmp(op, "owner") || !strcmp(op, "mode") ||
	     !strcmp(op, "mtime")) && argc == 2) {
		if (lstat(argv[1], &st) < 0)
			return result(-1);
		if (op[1] == 'w')
			printf("%u:%u\n", (unsigned)st.st_uid,
			       (unsigned)st.st_gid);
		else if (op[1] == 'o')
			printf("%o\n", (unsigned)(st.st_mode & 07777));
		else
			printf("%lld\n", (long long)st.st_mtime);
		return 0;
	}
	return usage();
}

int
main(int argc, char **argv)
{
	gid_t groups[64];
	size_t ngroups = 0;
	uid_t uid;
	gid_t gid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 5)
		return usage();
	uid = (uid_t)strtoul(argv[1], NULL, 10);
	gid = (gid_t)strtoul(argv[2], NULL, 10);
	if (strcmp(argv[3], "-")) {
		char *list = argv[3], *tok, *save = NULL;

		for (tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (ngroups == sizeof(groups) / sizeof(groups[0]))
				return usage();
			groups[ngroups++] = (gid_t)strtoul(tok, NULL, 10);
		}
	}
	if (uid != 0 || gid != 0) {
		if (setgroups(ngroups, groups) < 0 || setgid(gid) < 0 ||
		    setuid(uid) < 0) {
			printf("asuser: cannot become %u: %s\n", (unsigned)uid,
			       strerror(errno));
			return 3;
		}
	}
	if (argv[4][0] == '@')
		return run_op(argc - 4, argv + 4);
	execvp(argv[4], argv + 4);
	printf("asuser: exec %s: %s\n", argv[4], strerror(errno));
	return 127;
}
