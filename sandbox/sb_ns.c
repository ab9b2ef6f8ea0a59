/* SPDX-License-Identifier: MIT */
/*
 * Namespaces for the gateway: new mount, network, IPC and UTS namespaces
 * (plus a user namespace when not root) whose root is an empty, read-only
 * 4 KiB tmpfs. Sockets and fds opened before keep working; no new path,
 * no new outbound connection (only a down loopback) exists after it.
 *
 * The whole set-up is first run in a forked probe child, because some
 * systems (Ubuntu's AppArmor userns rules, Docker's profile) let unshare
 * succeed and then refuse the id maps or the mounts, which would leave
 * the real process half inside. Only if the child got all the way is it
 * repeated in the caller.
 *
 * For a backend running as real root there is a second set-up: new
 * mount and network namespaces whose root is the export directory itself
 * (bind-mounted onto itself, then pivot_root, as virtiofsd does), probed
 * the same way. The backend's root descriptor is moved onto the new root,
 * so that ".." from it stops there.
 *
 * It does not switch uid (sb_caps.c does, after the bounding set) and
 * makes no pid namespace (that needs a fork the gateway cannot do
 * afterwards; the backend keeps its /proc descriptor of the host's pid
 * namespace, and Landlock and seccomp bound what it can reach there).
 */
#include "sb_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int
write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(s);
	ssize_t n;
	int e;

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	e = n == (ssize_t)len ? 0 : (n < 0 ? -errno : -EIO);
	close(fd);
	return e;
}

/* An existing directory of the old root to mount the new root on; in the
 * new mount namespace this does not touch the host's view. */
static const char *
mount_point(void)
{
	static const char *const dirs[] = {
	    "/tmp", "/mnt", "/run", "/dev", "/var/tmp"};
	struct stat st;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode))
			return dirs[i];
	return NULL;
}

static int
ns_setup(bool root, char *err, size_t err_len)
{
	int flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
	uid_t uid = getuid();
	gid_t gid = getgid();
	const char *mp = mount_point();
	char map[64];
	int rc;

	if (mp == NULL)
		return sb_fail(err, err_len, ENOENT,
		    "namespace: no directory to mount the empty root on");
	if (!root)
		flags |= CLONE_NEWUSER;
	if (unshare(flags) != 0)
		return sb_fail(
		    err, err_len, errno, "unshare: %s", strerror(errno));
	if (!root) {
		rc = write_file("/proc/self/setgroups", "deny");
		if (rc == 0) {
			snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
			rc = write_file("/proc/self/uid_map", map);
		}
		if (rc == 0) {
			snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
			rc = write_file("/proc/self/gid_map", map);
		}
		if (rc != 0)
			return sb_fail(err, err_len, -rc,
			    "namespace: id maps: %s", strerror(-rc));
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return sb_fail(err, err_len, errno,
		    "namespace: make / private: %s", strerror(errno));
	if (mount("ninegate", mp, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	        "size=4k,nr_inodes=2,mode=0500") != 0)
		return sb_fail(err, err_len, errno,
		    "namespace: tmpfs on %s: %s", mp, strerror(errno));
	if (chdir(mp) != 0)
		return sb_fail(err, err_len, errno, "namespace: chdir: %s",
		    strerror(errno));
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		if (umount2(".", MNT_DETACH) != 0)
			return sb_fail(err, err_len, errno,
			    "namespace: detach old root: %s", strerror(errno));
	} else if (errno == EINVAL) {
		/* / is an initramfs: move the tmpfs over it instead. */
		if (mount(".", "/", NULL, MS_MOVE, NULL) != 0 ||
		    chroot(".") != 0)
			return sb_fail(err, err_len, errno,
			    "namespace: move root: %s", strerror(errno));
	} else {
		return sb_fail(
		    err, err_len, errno, "pivot_root: %s", strerror(errno));
	}
	if (chdir("/") != 0)
		return sb_fail(err, err_len, errno, "namespace: chdir /: %s",
		    strerror(errno));
	if (mount(NULL, "/", NULL,
	        MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV |
	            MS_NOEXEC,
	        NULL) != 0)
		return sb_fail(err, err_len, errno,
		    "namespace: read-only root: %s", strerror(errno));
	return 0;
}

/* One namespace set-up: gateway (root_fd < 0) or backend (root_fd). */
struct ns_plan {
	bool root;
	int root_fd;
	const char *path;
};

static int backend_setup(
    const char *path, int root_fd, char *err, size_t err_len);

static int
plan_run(const struct ns_plan *pl, char *err, size_t err_len)
{
	if (pl->root_fd >= 0)
		return backend_setup(pl->path, pl->root_fd, err, err_len);
	return ns_setup(pl->root, err, err_len);
}

/* Run the plan in a child; 0 if it got all the way, else its error. */
static int
probe(const struct ns_plan *pl, char *err, size_t err_len)
{
	int p[2];
	pid_t pid;
	int status;
	ssize_t n;
	char msg[200];

	if (pipe2(p, O_CLOEXEC) != 0)
		return sb_fail(err, err_len, errno, "namespace probe: %s",
		    strerror(errno));
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		return sb_fail(
		    err, err_len, e, "namespace probe: fork: %s", strerror(e));
	}
	if (pid == 0) {
		close(p[0]);
		if (plan_run(pl, msg, sizeof(msg)) == 0)
			_exit(0);
		(void)!write(p[1], msg, strlen(msg));
		_exit(1);
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return sb_fail(err, err_len, errno,
			    "namespace probe: waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	msg[n > 0 ? n : 0] = '\0';
	return sb_fail(err, err_len, EPERM, "namespace probe failed: %s",
	    n > 0 ? msg : "child died");
}

int
sb_ns_enter(enum sb_ns_mode mode, const char **desc, bool *need_id_switch,
    char *err, size_t err_len)
{
	struct ns_plan pl = {.root = geteuid() == 0, .root_fd = -1};
	bool root = pl.root;
	int rc;

	*desc = "none";
	*need_id_switch = false;
	if (mode == SB_NS_NONE)
		return 0;
	rc = probe(&pl, err, err_len);
	if (rc != 0) {
		if (mode == SB_NS_AUTO) {
			*desc = "none(probe failed)";
			return 0;
		}
		return rc;
	}
	rc = ns_setup(root, err, err_len);
	if (rc != 0)
		return rc;
	*desc = root ? "net+mnt" : "user+net+mnt";
	*need_id_switch = root;
	return 0;
}

/* ------------------------------------------------------------ backend */

/* Same directory? (A bind mount keeps st_dev and st_ino.) */
static bool
same_dir(int fd, const struct stat *want)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) &&
	       st.st_dev == want->st_dev && st.st_ino == want->st_ino;
}

/*
 * New mount and network namespaces whose "/" is a recursive bind mount of
 * the directory of root_fd. root_fd belongs to the old mount namespace,
 * where nothing can be mounted from here, so the export's path is looked
 * up again in the new one and must lead to the same directory; the bind
 * mount is then made from that descriptor (open_tree + move_mount), so
 * what was checked is what gets mounted. Finally root_fd is replaced by a
 * descriptor of the new root: the same inode, in the new mount, whose
 * ".." is itself.
 */
static int
backend_setup(const char *path, int root_fd, char *err, size_t err_len)
{
	struct stat want;
	int tree, dfd, nfd, rc;

	if (fstat(root_fd, &want) != 0)
		return sb_fail(err, err_len, errno, "namespace: fstat root: %s",
		    strerror(errno));
	if (unshare(CLONE_NEWNS | CLONE_NEWNET) != 0)
		return sb_fail(
		    err, err_len, errno, "unshare: %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return sb_fail(err, err_len, errno,
		    "namespace: make / private: %s", strerror(errno));
	dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !same_dir(dfd, &want)) {
		rc = sb_fail(err, err_len, dfd < 0 ? errno : EXDEV,
		    "namespace: %s: %s", path,
		    dfd < 0 ? strerror(errno) : "no longer the export");
		if (dfd >= 0)
			close(dfd);
		return rc;
	}
	tree = open_tree(dfd, "",
	    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	rc = tree < 0 ? -1
	              : move_mount(tree, "", dfd, "",
	                    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	close(dfd);
	if (rc == 0)
		rc = fchdir(tree);
	if (rc != 0)
		rc = sb_fail(err, err_len, errno,
		    "namespace: bind the export: %s", strerror(errno));
	if (tree >= 0)
		close(tree);
	if (rc != 0)
		return rc;
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		if (umount2(".", MNT_DETACH) != 0)
			return sb_fail(err, err_len, errno,
			    "namespace: detach old root: %s", strerror(errno));
	} else if (errno == EINVAL) {
		/* / is an initramfs: move the export's mount over it. */
		if (mount(".", "/", NULL, MS_MOVE, NULL) != 0 ||
		    chroot(".") != 0)
			return sb_fail(err, err_len, errno,
			    "namespace: move root: %s", strerror(errno));
	} else {
		return sb_fail(
		    err, err_len, errno, "pivot_root: %s", strerror(errno));
	}
	if (chdir("/") != 0)
		return sb_fail(err, err_len, errno, "namespace: chdir /: %s",
		    strerror(errno));
	nfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (nfd < 0)
		return sb_fail(err, err_len, errno, "namespace: open /: %s",
		    strerror(errno));
	if (!same_dir(nfd, &want)) {
		close(nfd);
		return sb_fail(err, err_len, EXDEV,
		    "namespace: the new root is not the export");
	}
	rc = dup3(nfd, root_fd, O_CLOEXEC) < 0 ? -errno : 0;
	close(nfd);
	if (rc != 0)
		return sb_fail(err, err_len, -rc, "namespace: dup3: %s",
		    strerror(-rc));
	return 0;
}

int
sb_ns_enter_backend(enum sb_ns_mode mode, const char *path, int root_fd,
    char *desc, size_t desc_len, char *err, size_t err_len)
{
	struct ns_plan pl = {.root = true, .root_fd = root_fd, .path = path};
	char why[160], link[PATH_MAX];
	ssize_t n;
	int rc;

	snprintf(desc, desc_len, "none");
	if (mode == SB_NS_NONE)
		return 0;
	if (getuid() != 0 || geteuid() != 0) {
		if (mode == SB_NS_NAMESPACE)
			return sb_fail(err, err_len, EPERM,
			    "namespace: the backend needs real root for one");
		snprintf(desc, desc_len, "none(not root)");
		return 0;
	}
	if (path == NULL) {
		snprintf(why, sizeof(why), "/proc/self/fd/%d", root_fd);
		n = readlink(why, link, sizeof(link) - 1);
		if (n <= 0 || link[0] != '/')
			return sb_fail(err, err_len, EINVAL,
			    "namespace: no path for the export");
		link[n] = '\0';
		pl.path = link;
	}
	rc = probe(&pl, why, sizeof(why));
	if (rc != 0) {
		if (mode == SB_NS_NAMESPACE)
			return sb_fail(err, err_len, -rc, "%s", why);
		snprintf(desc, desc_len, "none(%s)", why);
		return 0;
	}
	rc = backend_setup(pl.path, root_fd, err, err_len);
	if (rc != 0)
		return rc;
	snprintf(desc, desc_len, "mnt+net");
	return 0;
}
