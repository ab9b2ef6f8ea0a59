/* SPDX-License-Identifier: MIT */
/*
 * rlimits: set one limit with soft = hard, falling back to the current
 * hard limit when raising it is not allowed (no CAP_SYS_RESOURCE; under
 * valgrind, which reserves fds, NOFILE fails outright and is left alone).
 * Also the test that decides whether RLIMIT_FSIZE 0 would kill the log
 * (SANDBOX.md §6.6).
 *
 * Which limits a process kind gets is sb_enter.c's decision, not this
 * file's.
 */
#include "sb_int.h"

#include <errno.h>
#include <sys/stat.h>

int
sb_rlimit_set(int res, rlim_t v)
{
	struct rlimit rl = {.rlim_cur = v, .rlim_max = v};
	struct rlimit cur;

	if (setrlimit(res, &rl) == 0)
		return 0;
	if (errno != EPERM || getrlimit(res, &cur) != 0)
		return -errno;
	if (cur.rlim_max != RLIM_INFINITY && cur.rlim_max < v) {
		rl.rlim_cur = rl.rlim_max = cur.rlim_max;
		if (setrlimit(res, &rl) == 0)
			return 0;
	}
	return -EPERM;
}

bool
sb_fd_is_regular(int fd)
{
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}
