/* SPDX-License-Identifier: MIT */
/*
 * Landlock, best effort: a ruleset that handles every right the running
 * kernel's ABI knows (file system; TCP bind/connect from ABI 4; abstract
 * unix socket and signal scopes from ABI 6) with either no rule (the
 * gateway: no path, no TCP connect at all) or one PATH_BENEATH rule on the
 * export root (the backend).
 *
 * Raw syscalls and local constants, because Debian 12's <linux/landlock.h>
 * stops at ABI 2. It does not set no_new_privs (the caller does, first)
 * and does not decide whether a missing Landlock is fatal (it never is).
 */
#include "sb_int.h"

#include <errno.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ABI 1 */
#define SB_LL_EXECUTE (1ull << 0)
#define SB_LL_READ_FILE (1ull << 2)
#define SB_LL_READ_DIR (1ull << 3)
#define SB_LL_MAKE_CHAR (1ull << 6)
#define SB_LL_MAKE_BLOCK (1ull << 11)
#define SB_LL_FS_ABI1 ((1ull << 13) - 1)
/* ABI 2: REFER, ABI 3: TRUNCATE, ABI 5: IOCTL_DEV */
#define SB_LL_REFER (1ull << 13)
#define SB_LL_TRUNCATE (1ull << 14)
#define SB_LL_IOCTL_DEV (1ull << 15)
/* ABI 4: network */
#define SB_LL_NET_BIND_TCP (1ull << 0)
#define SB_LL_NET_CONNECT_TCP (1ull << 1)
/* ABI 6: scopes */
#define SB_LL_SCOPE_ABSTRACT_UNIX (1ull << 0)
#define SB_LL_SCOPE_SIGNAL (1ull << 1)

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1u << 0)
#endif

/* struct landlock_ruleset_attr as of ABI 6; older kernels accept the
 * longer struct as long as the fields they do not know are zero. */
struct sb_ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

int
sb_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);

	return abi > 0 ? (int)abi : 0;
}

static uint64_t
fs_rights(int abi)
{
	uint64_t r = SB_LL_FS_ABI1;

	if (abi >= 2)
		r |= SB_LL_REFER;
	if (abi >= 3)
		r |= SB_LL_TRUNCATE;
	if (abi >= 5)
		r |= SB_LL_IOCTL_DEV;
	return r;
}

int
sb_landlock_apply(int root_fd, bool read_only, bool devices, bool scope_signals)
{
	struct sb_ll_ruleset_attr attr = {0};
	int abi = sb_landlock_abi();
	int fd, e;

	if (abi == 0)
		return 0;
	attr.handled_access_fs = fs_rights(abi);
	if (abi >= 4)
		attr.handled_access_net =
		    SB_LL_NET_BIND_TCP | SB_LL_NET_CONNECT_TCP;
	if (abi >= 6)
		attr.scoped = SB_LL_SCOPE_ABSTRACT_UNIX |
		              (scope_signals ? SB_LL_SCOPE_SIGNAL : 0);

	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return -errno;
	if (root_fd >= 0) {
		struct landlock_path_beneath_attr pb = {0};

		if (read_only) {
			pb.allowed_access = SB_LL_READ_FILE | SB_LL_READ_DIR;
		} else {
			pb.allowed_access = attr.handled_access_fs &
			                    ~(SB_LL_EXECUTE | SB_LL_IOCTL_DEV);
			if (!devices)
				pb.allowed_access &=
				    ~(SB_LL_MAKE_CHAR | SB_LL_MAKE_BLOCK);
		}
		pb.parent_fd = root_fd;
		if (syscall(SYS_landlock_add_rule, fd,
		        LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0) {
			e = errno;
			close(fd);
			return -e;
		}
	}
	if (syscall(SYS_landlock_restrict_self, fd, 0) != 0) {
		e = errno;
		close(fd);
		return -e;
	}
	close(fd);
	return abi;
}
