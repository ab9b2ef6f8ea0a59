/* SPDX-License-Identifier: MIT */
/*
 * ninegate-passthrough: acting as the caller. When the backend runs as
 * root, a worker thread takes on the identity of the user in the request
 * header before it touches the export: fsuid, fsgid, supplementary groups
 * and, for any caller but root, no capabilities at all. The kernel then
 * decides every permission question itself, exactly as for a local
 * process of that user: owner/group/other bits with supplementary groups,
 * sticky and setgid directories, suid/sgid clearing on write, truncate,
 * chmod and chown, who may chown, chgrp and set times, device nodes
 * (CAP_MKNOD), file capabilities (CAP_SETFCAP).
 *
 * Credentials are per thread in the kernel; glibc's setgroups() would
 * copy the change to every thread, so the raw syscalls are used (as for
 * setfsuid/setfsgid and capset, which glibc does not broadcast). A thread
 * keeps the identity between requests and switches only when the next
 * request is somebody else's (a thread starts as "unknown", since it
 * inherits its creator's identity), so a single user's requests cost no
 * extra syscalls.
 *
 * Supplementary groups come from the passwd and group databases, read
 * once at start-up before the sandbox; a uid they do not know gets none.
 * Nothing here maps ids (the gateway does), and nothing happens when the
 * backend is not root: then the kernel checks everything as the backend's
 * own uid.
 */
#include "fg_pt_int.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A user of the database: primary gid and every group it is in. */
struct pt_user {
	uid_t uid;
	gid_t gid;
	size_t ngroups;
	gid_t *groups; /* owned; includes gid */
};

/* Read-only once the session loop runs. */
static struct pt_user *users;
static size_t nusers;
static uint32_t root_caps[2]; /* the permitted set, effective as root */
static bool no_setgroups;     /* setgroups refused (a user namespace) */

/* What this thread currently is; !known for a new thread or after a
 * switch that failed half-way. */
static _Thread_local struct {
	bool known;
	uid_t uid;
	gid_t gid;
} cur;

static int
user_cmp(const void *a, const void *b)
{
	const struct pt_user *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* The groups of pw, into *u. 0 or -ENOMEM. */
static int
user_fill(struct pt_user *u, const struct passwd *pw)
{
	int n = 32;

	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	for (;;) {
		gid_t *g = malloc((size_t)n * sizeof(*g));
		int want = n;

		if (g == NULL)
			return -ENOMEM;
		if (getgrouplist(pw->pw_name, pw->pw_gid, g, &want) >= 0) {
			u->groups = g;
			u->ngroups = (size_t)want;
			return 0;
		}
		free(g);
		/* want now holds the number needed (glibc). */
		if (want <= n || want > 65536)
			n *= 2;
		else
			n = want;
		if (n > 65536) {
			/* More than NGROUPS_MAX: keep the primary only. */
			u->groups = malloc(sizeof(*u->groups));
			if (u->groups == NULL)
				return -ENOMEM;
			u->groups[0] = pw->pw_gid;
			u->ngroups = 1;
			return 0;
		}
	}
}

int
fg_pt_creds_init(void)
{
	struct passwd *pw;
	size_t cap = 0;
	int err = 0;

	if (!fg_pt_conf.as_root)
		return 0;
	setpwent();
	while ((pw = getpwent()) != NULL) {
		if (nusers == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct pt_user *v = realloc(users, ncap * sizeof(*v));

			if (v == NULL) {
				err = -ENOMEM;
				break;
			}
			users = v;
			cap = ncap;
		}
		err = user_fill(&users[nusers], pw);
		if (err != 0)
			break;
		nusers++;
	}
	endpwent();
	if (err != 0)
		return err;
	if (nusers > 1)
		qsort(users, nusers, sizeof(*users), user_cmp);
	/* Two names for one uid: the first in the database counts. */
	for (size_t i = 1; i < nusers;) {
		if (users[i].uid == users[i - 1].uid) {
			free(users[i].groups);
			memmove(&users[i], &users[i + 1],
			    (nusers - i - 1) * sizeof(*users));
			nusers--;
		} else {
			i++;
		}
	}
	return 0;
}

void
fg_pt_creds_fini(void)
{
	for (size_t i = 0; i < nusers; i++)
		free(users[i].groups);
	free(users);
	users = NULL;
	nusers = 0;
}

static int
caps_effective(const uint32_t eff[2])
{
	struct __user_cap_header_struct hdr = {
	    .version = _LINUX_CAPABILITY_VERSION_3,
	    .pid = 0, /* this thread only */
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].permitted = root_caps[0];
	data[1].permitted = root_caps[1];
	data[0].effective = eff[0];
	data[1].effective = eff[1];
	return syscall(SYS_capset, &hdr, data) == 0 ? 0 : -errno;
}

int
fg_pt_creds_start(char *msg, size_t msg_len)
{
	struct __user_cap_header_struct hdr = {
	    .version = _LINUX_CAPABILITY_VERSION_3,
	    .pid = 0,
	};
	struct __user_cap_data_struct data[2];
	gid_t *g;
	int n, err = 0;

	msg[0] = '\0';
	if (!fg_pt_conf.as_root)
		return 0;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0)
		return -errno;
	root_caps[0] = data[0].permitted;
	root_caps[1] = data[1].permitted;
	/* Can a thread set its groups? Not in a user namespace whose
	 * setgroups is denied: say so once and go on without them. The
	 * probe sets the groups this thread has already. */
	n = getgroups(0, NULL);
	if (n < 0)
		return -errno;
	g = malloc(((size_t)n + 1) * sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	n = getgroups(n, g);
	if (n < 0)
		err = -errno;
	else if (syscall(SYS_setgroups, (size_t)n, g) != 0) {
		if (errno != EPERM)
			err = -errno;
		no_setgroups = true;
		snprintf(msg, msg_len,
		    "setgroups refused (%s): supplementary groups of "
		    "callers are not applied",
		    strerror(errno));
	}
	free(g);
	if (err == 0 && !no_setgroups)
		snprintf(msg, msg_len,
		    "running as root: each request acts as its caller "
		    "(fsuid, fsgid, groups of %zu known users; no "
		    "capabilities but root's)",
		    nusers);
	return err;
}

static const struct pt_user *
user_find(uid_t uid)
{
	struct pt_user key = {.uid = uid};

	return nusers == 0
	           ? NULL
	           : bsearch(&key, users, nusers, sizeof(*users), user_cmp);
}

static bool
in_groups(const struct pt_user *u, gid_t gid)
{
	for (size_t i = 0; i < u->ngroups; i++)
		if (u->groups[i] == gid)
			return true;
	return false;
}

/*
 * The fsgid to act with. The header's gid is the user's primary group,
 * or for a creating op the group the client asked for -- which the Linux
 * client sets to the directory's group under a setgid directory, whether
 * or not the user is in it. Taking that as fsgid would grant the
 * group's permissions, so a known user gets it only if it is one of its
 * groups (the kernel still gives a new file the setgid directory's
 * group). Root may act with any group; an unknown uid has only the
 * header to go by.
 */
static gid_t
pick_gid(const struct pt_user *u, uid_t uid, gid_t hgid)
{
	if (uid == 0 || u == NULL || in_groups(u, hgid))
		return hgid;
	return u->gid;
}

static int
become(uid_t uid, gid_t gid, const struct pt_user *u)
{
	static const uint32_t none[2] = {0, 0};
	int err;

	cur.known = false;
	/* Raise the kept capabilities first: setgroups needs CAP_SETGID
	 * and an fsuid other than 0 or our own needs CAP_SETUID. */
	err = caps_effective(root_caps);
	if (err != 0)
		return err;
	if (!no_setgroups && syscall(SYS_setgroups, u != NULL ? u->ngroups : 0,
	                         u != NULL ? u->groups : NULL) != 0)
		return -errno;
	/* setfsuid/setfsgid report no error: read the value back. */
	setfsgid(gid);
	if ((gid_t)setfsgid((gid_t)-1) != gid)
		return -EPERM;
	/* Leaving fsuid 0 clears the file capabilities from the effective
	 * set (capabilities(7)); the capset below clears the rest. */
	setfsuid(uid);
	if ((uid_t)setfsuid((uid_t)-1) != uid)
		return -EPERM;
	if (uid != 0) {
		err = caps_effective(none);
		if (err != 0)
			return err;
	}
	cur.uid = uid;
	cur.gid = gid;
	cur.known = true;
	return 0;
}

int
fg_pt_as_caller(fuse_req_t req)
{
	const struct fuse_ctx *ctx;
	const struct pt_user *u;
	gid_t gid;
	int err;

	if (!fg_pt_conf.as_root)
		return 0;
	ctx = fuse_req_ctx(req);
	u = user_find(ctx->uid);
	gid = pick_gid(u, ctx->uid, ctx->gid);
	if (cur.known && cur.uid == ctx->uid && cur.gid == gid)
		return 0;
	err = become(ctx->uid, gid, u);
	if (err != 0) {
		/* Never go on as root for somebody else. */
		fuse_reply_err(req, -err == EPERM ? EPERM : EIO);
		return err;
	}
	return 0;
}
