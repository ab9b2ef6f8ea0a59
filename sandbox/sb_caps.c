/* SPDX-License-Identifier: MIT */
/*
 * Capabilities: trim the bounding set, clear ambient capabilities,
 * optionally switch to another uid/gid, and set the permitted and
 * effective sets to exactly the kept ones (none for the gateway, a short
 * list for a root backend). Raw capget/capset, so no libcap.
 *
 * It runs before seccomp, so capset never needs to be on an allow-list.
 * It does not touch securebits: with no_new_privs and no execve on the
 * lists, uid 0 regaining capabilities through exec cannot happen.
 */
#include "sb_int.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
caps_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
	    .version = _LINUX_CAPABILITY_VERSION_3,
	    .pid = 0,
	};

	memset(data, 0, 2 * sizeof(data[0]));
	return (int)syscall(SYS_capget, &hdr, data);
}

uint64_t
sb_caps_effective(void)
{
	struct __user_cap_data_struct data[2];

	if (caps_get(data) != 0)
		return UINT64_MAX;
	return (uint64_t)data[0].effective |
	       ((uint64_t)data[1].effective << 32);
}

int
sb_caps_drop(uint64_t keep, bool switch_ids, uid_t uid, gid_t gid,
    bool *bounding_dropped, char *err, size_t err_len)
{
	struct __user_cap_header_struct hdr = {
	    .version = _LINUX_CAPABILITY_VERSION_3,
	    .pid = 0,
	};
	struct __user_cap_data_struct data[2];
	uid_t r, e, s;

	*bounding_dropped = true;
	for (unsigned long c = 0; c < 64; c++) {
		int held = prctl(PR_CAPBSET_READ, c, 0, 0, 0);

		if (held < 0)
			break; /* EINVAL: past the last capability */
		if (held == 0 || (keep & (1ull << c)) != 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0) {
			if (errno != EPERM)
				return sb_fail(err, err_len, errno,
				    "PR_CAPBSET_DROP %lu: %s", c,
				    strerror(errno));
			*bounding_dropped = false; /* no CAP_SETPCAP */
			break;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 &&
	    errno != EINVAL)
		return sb_fail(err, err_len, errno, "clear ambient caps: %s",
		    strerror(errno));

	if (switch_ids) {
		if (keep != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
			return sb_fail(err, err_len, errno,
			    "PR_SET_KEEPCAPS: %s", strerror(errno));
		if (setgroups(0, NULL) != 0)
			return sb_fail(err, err_len, errno, "setgroups: %s",
			    strerror(errno));
		if (setresgid(gid, gid, gid) != 0)
			return sb_fail(err, err_len, errno, "setresgid %u: %s",
			    (unsigned)gid, strerror(errno));
		if (setresuid(uid, uid, uid) != 0)
			return sb_fail(err, err_len, errno, "setresuid %u: %s",
			    (unsigned)uid, strerror(errno));
		if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid ||
		    s != uid)
			return sb_fail(err, err_len, EPERM,
			    "uid switch to %u did not hold", (unsigned)uid);
	}

	memset(data, 0, sizeof(data));
	data[0].permitted = data[0].effective = (uint32_t)keep;
	data[1].permitted = data[1].effective = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data) != 0)
		return sb_fail(
		    err, err_len, errno, "capset: %s", strerror(errno));
	if (caps_get(data) != 0 || data[0].permitted != (uint32_t)keep ||
	    data[1].permitted != (uint32_t)(keep >> 32) ||
	    data[0].inheritable != 0 || data[1].inheritable != 0)
		return sb_fail(err, err_len, EPERM,
		    "capabilities still held after capset");
	return 0;
}
