/* SPDX-License-Identifier: MIT */
/*
 * --sandbox-selftest=CALL: make one call the gateway sandbox forbids, so
 * that an integration test can see the real binary die by SIGSYS after
 * the real entry path. Raw syscall(2), so no libc wrapper can answer
 * first or take another route.
 *
 * Reachable only from argv, never from a peer; it does not check that a
 * sandbox is on (without one, the call simply happens and its result is
 * returned).
 */
#include "sb_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

int
sb_selftest(const char *call)
{
	static const char *const argv[] = {"ninegate-selftest", NULL};
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	long rc;

	if (call == NULL)
		return -EINVAL;
	if (strcmp(call, "openat") == 0) {
		rc = syscall(SYS_openat, AT_FDCWD, "/etc/hostname",
		    O_RDONLY | O_CLOEXEC);
		if (rc >= 0)
			close((int)rc);
	} else if (strcmp(call, "execve") == 0) {
		rc = syscall(SYS_execve, "/nonexistent/ninegate-selftest", argv,
		    argv + 1);
	} else if (strcmp(call, "socket") == 0) {
		rc =
		    syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (rc >= 0)
			close((int)rc);
	} else if (strcmp(call, "connect") == 0) {
		memcpy(sun.sun_path, "\0ninegate-selftest", 18);
		rc = syscall(SYS_connect, -1, &sun, sizeof(sun));
	} else if (strcmp(call, "fork") == 0) {
		rc = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
		if (rc == 0)
			syscall(SYS_exit_group, 0);
	} else {
		return -EINVAL;
	}
	return rc < 0 ? -errno : 0;
}
