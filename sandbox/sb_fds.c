/* SPDX-License-Identifier: MIT */
/*
 * File descriptors: close everything the gateway did not ask to keep
 * (close_range around the kept ones), point unkept stdio at /dev/null,
 * and list the open fds (sb_fd_list) so that a caller can find the fds a
 * library opened behind its back, such as libevent's epoll fd and signal
 * pipe.
 *
 * It does not decide what to keep; that is the caller's keep-list.
 */
#include "sb_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static bool
in_set(const int *set, size_t n, int fd)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == fd)
			return true;
	return false;
}

/* Close [lo, hi] (hi may be ~0u); close_range, else one by one. */
static void
close_span(unsigned lo, unsigned hi)
{
	struct rlimit rl;

	if (lo > hi || close_range(lo, hi, 0) == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur > 1u << 20)
		rl.rlim_cur = 1u << 20;
	for (unsigned fd = lo; fd <= hi && fd < rl.rlim_cur; fd++)
		close((int)fd);
}

/*
 * Close every fd but keep[] (and log_fd); fds 0-2 that are not kept become
 * /dev/null, so a later accept cannot land on them.
 */
int
sb_fds_close(
    const int *keep, size_t nkeep, int log_fd, char *err, size_t err_len)
{
	int *set = calloc(nkeep + 2, sizeof(int));
	size_t n = 0;
	unsigned next = 3;
	int nul, fd;

	if (set == NULL)
		return sb_fail(err, err_len, ENOMEM, "close fds: no memory");
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nul >= 0 && nul <= 2 && !in_set(keep, nkeep, nul)) {
		fd = fcntl(nul, F_DUPFD_CLOEXEC, 3);
		close(nul);
		nul = fd;
	}
	if (nul < 0) {
		free(set);
		return sb_fail(
		    err, err_len, errno, "open /dev/null: %s", strerror(errno));
	}
	for (size_t i = 0; i < nkeep; i++)
		if (keep[i] >= 0)
			set[n++] = keep[i];
	if (log_fd >= 0)
		set[n++] = log_fd;
	set[n++] = nul;
	qsort(set, n, sizeof(int), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (set[i] < (int)next)
			continue;
		close_span(next, (unsigned)set[i] - 1);
		next = (unsigned)set[i] + 1;
	}
	close_span(next, ~0u);
	for (fd = 0; fd <= 2; fd++)
		if (!in_set(set, n, fd) && dup2(nul, fd) != fd) {
			free(set);
			return sb_fail(err, err_len, errno,
			    "dup2 /dev/null: %s", strerror(errno));
		}
	free(set);
	if (nul > 2 && !in_set(keep, nkeep, nul) && nul != log_fd)
		close(nul);
	return 0;
}

ssize_t
sb_fd_list(int *fds, size_t max)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	size_t n = 0;
	int self;

	if (d == NULL)
		return -errno;
	self = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (de->d_name[0] == '.' || *end != '\0' || fd == self)
			continue;
		if (n == max) {
			closedir(d);
			return -ENOSPC;
		}
		fds[n++] = (int)fd;
	}
	closedir(d);
	return (ssize_t)n;
}
