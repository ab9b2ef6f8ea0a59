/* SPDX-License-Identifier: MIT */
/*
 * vmtool: the small static program the VM test uses where busybox has no
 * applet. It is built with `gcc -static` on the host (tests/vm/prepare.sh)
 * and runs both in the guest and on the host:
 *
 *   guest:  lockwait posix|flock FILE   a lock held by one process blocks a
 *                                       second one until it is released
 *           getlk FILE                  F_GETLK with no lock held: F_UNLCK
 *           xattr FILE                  set/get/list/remove user.vmtest
 *           mmapcmp FILE                mmap(PROT_READ) equals read()
 *           rename OLD NEW              rename(2); prints "ok" or the errno
 *           asuser UID GID CMD...       drop to UID/GID, then exec CMD
 *           relay-unix SOCK HOST PORT   unix socket -> tcp relay (daemon)
 *   both:   fill FILE MIB SEED          write a deterministic pattern, fsync,
 *                                       print its checksum
 *           sum FILE                    print a file's checksum and size
 *   host:   relay-stdio HOST PORT       stdin/stdout -> tcp (qemu guestfwd
 *                                       cmd:), TCP_NODELAY on the tcp side
 *           freeport                    print a free loopback tcp port
 *
 * It deliberately does no 9P itself: it only makes the system calls whose
 * translation by the kernel client the test wants to see. Output lines are
 * meant for the guest script, which checks them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1u << 20)

static const char *
errname(int e)
{
	static char buf[32];

	switch (e) {
	case EXDEV: return "EXDEV";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ENOTEMPTY: return "ENOTEMPTY";
	case EISDIR: return "EISDIR";
	case ENOTDIR: return "ENOTDIR";
	case EINVAL: return "EINVAL";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENODATA: return "ENODATA";
	case EAGAIN: return "EAGAIN";
	case EIO: return "EIO";
	case ENOSYS: return "ENOSYS";
	default:
		snprintf(buf, sizeof(buf), "E%d", e);
		return buf;
	}
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- checksum and pattern ---- */

/* Position-dependent 64-bit pattern: word i of a file is a function of the
 * seed and i only, so a misplaced or repeated block changes the sum. */
static uint64_t
pattern_word(uint64_t seed, uint64_t i)
{
	uint64_t x = seed ^ (i * 0x9e3779b97f4a7c15ull);

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	return x;
}

struct sum {
	uint64_t h;
	uint64_t n;
};

static void
sum_update(struct sum *s, const unsigned char *p, size_t len)
{
	for (size_t k = 0; k < len; k++)
		s->h = (s->h ^ p[k]) * 0x100000001b3ull;
	s->n += len;
}

/* Word-wise mixing for whole 8-byte groups (fast under TCG), byte-wise for
 * the rest; the result depends on the split only through the byte stream,
 * because callers always pass buffers whose length is a multiple of 8
 * except for the file's last piece. */
static void
sum_feed(struct sum *s, const unsigned char *p, size_t len)
{
	size_t words = len / 8;

	for (size_t k = 0; k < words; k++) {
		uint64_t w;

		memcpy(&w, p + 8 * k, 8);
		s->h = (s->h ^ w) * 0x100000001b3ull;
		s->h ^= s->h >> 29;
	}
	s->n += words * 8;
	sum_update(s, p + words * 8, len - words * 8);
}

static int
read_full(int fd, unsigned char *buf, size_t len, size_t *got)
{
	size_t off = 0;

	while (off < len) {
		ssize_t r = read(fd, buf + off, len - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		off += (size_t)r;
	}
	*got = off;
	return 0;
}

static int
cmd_sum(const char *path)
{
	unsigned char *buf = malloc(CHUNK);
	struct sum s = { 0xcbf29ce484222325ull, 0 };
	double t0 = now_ms();
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf) {
		printf("sum: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		size_t got;

		if (read_full(fd, buf, CHUNK, &got) < 0) {
			printf("sum: read %s: %s\n", path, strerror(errno));
			return 1;
		}
		sum_feed(&s, buf, got);
		if (got < CHUNK)
			break;
	}
	close(fd);
	free(buf);
	printf("sum %016" PRIx64 " size %" PRIu64 " ms %.0f\n", s.h, s.n,
	       now_ms() - t0);
	return 0;
}

static int
write_full(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int
cmd_fill(const char *path, const char *mib_s, const char *seed_s)
{
	unsigned long mib = strtoul(mib_s, NULL, 0);
	uint64_t seed = strtoull(seed_s, NULL, 0);
	unsigned char *buf = malloc(CHUNK);
	struct sum s = { 0xcbf29ce484222325ull, 0 };
	double t0 = now_ms();
	uint64_t i = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || !buf) {
		printf("fill: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (unsigned long m = 0; m < mib; m++) {
		for (size_t k = 0; k < CHUNK / 8; k++, i++) {
			uint64_t w = pattern_word(seed, i);

			memcpy(buf + 8 * k, &w, 8);
		}
		sum_feed(&s, buf, CHUNK);
		if (write_full(fd, buf, CHUNK) < 0) {
			printf("fill: write %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		printf("fill: fsync/close %s: %s\n", path, strerror(errno));
		return 1;
	}
	free(buf);
	printf("sum %016" PRIx64 " size %" PRIu64 " ms %.0f\n", s.h, s.n,
	       now_ms() - t0);
	return 0;
}

/* ---- mmap ---- */

static int
cmd_mmapcmp(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	unsigned char *buf, *map;
	size_t got;

	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0) {
		printf("mmapcmp: open/stat %s: %s\n", path, strerror(errno));
		return 1;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf || read_full(fd, buf, (size_t)st.st_size, &got) < 0 ||
	    got != (size_t)st.st_size) {
		printf("mmapcmp: read %s failed\n", path);
		return 1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		printf("mmapcmp: mmap %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (memcmp(map, buf, (size_t)st.st_size) != 0) {
		printf("mmapcmp: mapped bytes differ from read bytes\n");
		return 1;
	}
	munmap(map, (size_t)st.st_size);
	close(fd);
	free(buf);
	printf("mmapcmp: %lld bytes equal\n", (long long)st.st_size);
	return 0;
}

/* ---- rename ---- */

static int
cmd_rename(const char *from, const char *to)
{
	if (rename(from, to) == 0) {
		printf("ok\n");
		return 0;
	}
	printf("%s\n", errname(errno));
	return 1;
}

/* ---- xattrs ---- */

static int
cmd_xattr(const char *path)
{
	static const char name[] = "user.vmtest";
	static const char val[] = "value-of-vmtest";
	char buf[256];
	ssize_t n;
	int bad = 0;

	if (setxattr(path, name, val, sizeof(val) - 1, 0) < 0) {
		printf("xattr: setxattr: %s\n", errname(errno));
		return 1;
	}
	n = getxattr(path, name, NULL, 0);
	if (n != (ssize_t)sizeof(val) - 1) {
		printf("xattr: size query gave %zd\n", n);
		bad = 1;
	}
	n = getxattr(path, name, buf, sizeof(buf));
	if (n != (ssize_t)sizeof(val) - 1 || memcmp(buf, val, (size_t)n)) {
		printf("xattr: getxattr gave %zd bytes\n", n);
		bad = 1;
	}
	n = listxattr(path, buf, sizeof(buf));
	{
		int found = 0;

		for (ssize_t k = 0; n > 0 && k < n; k += (ssize_t)strlen(buf + k) + 1)
			if (strcmp(buf + k, name) == 0)
				found = 1;
		if (!found) {
			printf("xattr: listxattr (%zd bytes) lacks %s\n", n, name);
			bad = 1;
		}
	}
	if (setxattr(path, name, "x", 1, XATTR_CREATE) == 0 || errno != EEXIST) {
		printf("xattr: XATTR_CREATE over an existing name: %s\n",
		       errname(errno));
		bad = 1;
	}
	if (removexattr(path, name) < 0) {
		printf("xattr: removexattr: %s\n", errname(errno));
		bad = 1;
	}
	n = getxattr(path, name, buf, sizeof(buf));
	if (n >= 0 || errno != ENODATA) {
		printf("xattr: getxattr after remove: %zd %s\n", n,
		       errname(errno));
		bad = 1;
	}
	if (!bad)
		printf("xattr: set/get/list/create-excl/remove ok\n");
	return bad;
}

/* ---- locks ---- */

static int
lock_op(int fd, int posix, int type, int wait)
{
	if (posix) {
		struct flock fl = { .l_type = (short)type, .l_whence = SEEK_SET };

		return fcntl(fd, wait ? F_SETLKW : F_SETLK, &fl);
	}
	if (type == F_UNLCK)
		return flock(fd, LOCK_UN);
	return flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB));
}

/* Parent takes an exclusive lock. A child with its own open file description
 * tries without waiting (must fail with EAGAIN/EWOULDBLOCK), reads F_GETLK
 * (posix: must name the parent), then waits; the parent releases after
 * HOLD_MS and the child must get the lock only then. */
static int
cmd_lockwait(const char *kind, const char *path)
{
	enum { HOLD_MS = 600 };
	int posix = strcmp(kind, "posix") == 0;
	int ready[2], fd, status;
	double t0;
	pid_t child;
	char c;

	fd = open(path, O_RDWR);
	if (fd < 0 || pipe(ready) < 0) {
		printf("lockwait: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (lock_op(fd, posix, F_WRLCK, 0) < 0) {
		printf("lockwait: first lock: %s\n", errname(errno));
		return 1;
	}
	child = fork();
	if (child == 0) {
		int cfd = open(path, O_RDWR);
		double waited;

		if (cfd < 0)
			_exit(10);
		if (lock_op(cfd, posix, F_WRLCK, 0) == 0) {
			printf("lockwait: second lock granted while held\n");
			_exit(11);
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EACCES) {
			printf("lockwait: non-blocking attempt: %s\n",
			       errname(errno));
			_exit(12);
		}
		if (posix) {
			struct flock q = { .l_type = F_WRLCK,
					   .l_whence = SEEK_SET };

			if (fcntl(cfd, F_GETLK, &q) < 0 ||
			    q.l_type != F_WRLCK || q.l_pid != getppid()) {
				printf("lockwait: F_GETLK: type %d pid %d\n",
				       q.l_type, (int)q.l_pid);
				_exit(13);
			}
		}
		t0 = now_ms();
		if (write(ready[1], "r", 1) != 1)
			_exit(14);
		if (lock_op(cfd, posix, F_WRLCK, 1) < 0) {
			printf("lockwait: blocking lock: %s\n", errname(errno));
			_exit(15);
		}
		waited = now_ms() - t0;
		printf("lockwait: %s lock granted after %.0f ms\n", kind,
		       waited);
		if (waited < HOLD_MS * 0.8)
			_exit(16);
		lock_op(cfd, posix, F_UNLCK, 0);
		_exit(0);
	}
	if (child < 0 || read(ready[0], &c, 1) != 1) {
		printf("lockwait: child did not get ready\n");
		return 1;
	}
	usleep(HOLD_MS * 1000);
	if (lock_op(fd, posix, F_UNLCK, 0) < 0) {
		printf("lockwait: unlock: %s\n", errname(errno));
		return 1;
	}
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		printf("lockwait: child status %d\n", status);
		return 1;
	}
	close(fd);
	return 0;
}

static int
cmd_getlk(const char *path)
{
	struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(path, O_RDWR);

	if (fd < 0 || fcntl(fd, F_GETLK, &q) < 0) {
		printf("getlk: %s\n", errname(errno));
		return 1;
	}
	printf("getlk: type %s\n", q.l_type == F_UNLCK ? "F_UNLCK" : "locked");
	return q.l_type == F_UNLCK ? 0 : 1;
}

/* ---- identity ---- */

static int
cmd_asuser(int argc, char **argv)
{
	uid_t uid = (uid_t)strtoul(argv[0], NULL, 10);
	gid_t gid = (gid_t)strtoul(argv[1], NULL, 10);

	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		printf("asuser: %s\n", strerror(errno));
		return 1;
	}
	(void)argc;
	execvp(argv[2], argv + 2);
	printf("asuser: exec %s: %s\n", argv[2], strerror(errno));
	return 127;
}

/* ---- relays ---- */

struct pipe_buf {
	unsigned char data[256 * 1024];
	size_t off, len;
	int eof;
};

static int
tcp_connect(const char *host, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sin_port = htons((uint16_t)atoi(port));
	if (s < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(s);
		return -1;
	}
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return s;
}

/* Moves bytes both ways between (ain, aout) and b until both directions
 * have ended; a half-close is passed on with shutdown(SHUT_WR). Reads stop
 * while a direction's buffer is full, so neither peer can make the relay
 * block on a write while the other waits for it to read. */
static void
relay(int ain, int aout, int b)
{
	static struct pipe_buf ab, ba;

	fcntl(ain, F_SETFL, fcntl(ain, F_GETFL) | O_NONBLOCK);
	fcntl(aout, F_SETFL, fcntl(aout, F_GETFL) | O_NONBLOCK);
	fcntl(b, F_SETFL, fcntl(b, F_GETFL) | O_NONBLOCK);
	ab.off = ab.len = ba.off = ba.len = 0;
	ab.eof = ba.eof = 0;
	for (;;) {
		struct pollfd p[4];
		int n = 0, i_ain = -1, i_aout = -1, i_b = -1;
		short bev = 0;

		if ((ab.eof && ab.len == 0) && (ba.eof && ba.len == 0))
			return;
		if (!ab.eof && ab.len < sizeof(ab.data)) {
			p[n] = (struct pollfd){ ain, POLLIN, 0 };
			i_ain = n++;
		}
		if (ba.len > 0) {
			if (aout == ain && i_ain >= 0) {
				p[i_ain].events |= POLLOUT;
				i_aout = i_ain;
			} else {
				p[n] = (struct pollfd){ aout, POLLOUT, 0 };
				i_aout = n++;
			}
		}
		if (!ba.eof && ba.len < sizeof(ba.data))
			bev |= POLLIN;
		if (ab.len > 0)
			bev |= POLLOUT;
		if (bev) {
			p[n] = (struct pollfd){ b, bev, 0 };
			i_b = n++;
		}
		if (n == 0)
			return;
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		/* a -> b */
		if (i_ain >= 0 && (p[i_ain].revents & (POLLIN | POLLHUP | POLLERR))) {
			size_t end = ab.off + ab.len;
			ssize_t r;

			if (ab.off > 0 && end == sizeof(ab.data)) {
				memmove(ab.data, ab.data + ab.off, ab.len);
				ab.off = 0;
				end = ab.len;
			}
			r = read(ain, ab.data + end, sizeof(ab.data) - end);
			if (r > 0)
				ab.len += (size_t)r;
			else if (r == 0 || (errno != EAGAIN && errno != EINTR))
				ab.eof = 1;
		}
		if (i_b >= 0 && (p[i_b].revents & (POLLOUT | POLLERR)) &&
		    ab.len > 0) {
			ssize_t w = write(b, ab.data + ab.off, ab.len);

			if (w > 0) {
				ab.off += (size_t)w;
				ab.len -= (size_t)w;
				if (ab.len == 0)
					ab.off = 0;
			} else if (errno != EAGAIN && errno != EINTR) {
				return;
			}
		}
		if (ab.eof && ab.len == 0 && ab.eof != 2) {
			shutdown(b, SHUT_WR);
			ab.eof = 2;
		}
		/* b -> a */
		if (i_b >= 0 && (p[i_b].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !ba.eof && ba.len < sizeof(ba.data)) {
			size_t end = ba.off + ba.len;
			ssize_t r;

			if (ba.off > 0 && end == sizeof(ba.data)) {
				memmove(ba.data, ba.data + ba.off, ba.len);
				ba.off = 0;
				end = ba.len;
			}
			r = read(b, ba.data + end, sizeof(ba.data) - end);
			if (r > 0)
				ba.len += (size_t)r;
			else if (r == 0 || (errno != EAGAIN && errno != EINTR))
				ba.eof = 1;
		}
		if (i_aout >= 0 && (p[i_aout].revents & (POLLOUT | POLLERR)) &&
		    ba.len > 0) {
			ssize_t w = write(aout, ba.data + ba.off, ba.len);

			if (w > 0) {
				ba.off += (size_t)w;
				ba.len -= (size_t)w;
				if (ba.len == 0)
					ba.off = 0;
			} else if (errno != EAGAIN && errno != EINTR) {
				return;
			}
		}
		if (ba.eof && ba.len == 0 && ba.eof != 2) {
			shutdown(aout, SHUT_WR);
			ba.eof = 2;
		}
	}
}

static int
cmd_relay_stdio(const char *host, const char *port)
{
	int devnull = open("/dev/null", O_WRONLY);
	int s;

	/* qemu hands the same socket as stdin, stdout and stderr: nothing may
	 * ever be printed, it would land in the 9P stream */
	if (devnull >= 0)
		dup2(devnull, 2);
	s = tcp_connect(host, port);
	if (s < 0)
		return 1;
	relay(0, 1, s);
	return 0;
}

static int
cmd_relay_unix(const char *path, const char *host, const char *port)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	if (ls < 0 || strlen(path) >= sizeof(sa.sun_path)) {
		printf("relay-unix: bad socket path\n");
		return 1;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(ls, 8) < 0) {
		printf("relay-unix: bind %s: %s\n", path, strerror(errno));
		return 1;
	}
	signal(SIGCHLD, SIG_IGN);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid > 0) {
		printf("relay-unix: %s -> %s:%s (pid %d)\n", path, host, port,
		       (int)pid);
		return 0; /* listening already: the caller may mount now */
	}
	setsid();
	for (;;) {
		int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC), s;

		if (c < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (fork() == 0) {
			close(ls);
			s = tcp_connect(host, port);
			if (s >= 0)
				relay(c, c, s);
			_exit(0);
		}
		close(c);
	}
}

static int
cmd_freeport(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) < 0)
		return 1;
	printf("%u\n", ntohs(sa.sin_port));
	close(s);
	return 0;
}

static int
usage(void)
{
	fprintf(stderr,
		"usage: vmtool lockwait posix|flock FILE | getlk FILE |"
		" xattr FILE | mmapcmp FILE\n"
		"       vmtool rename OLD NEW | asuser UID GID CMD...\n"
		"       vmtool fill FILE MIB SEED | sum FILE\n"
		"       vmtool relay-unix SOCK HOST PORT |"
		" relay-stdio HOST PORT | freeport\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(c, "lockwait") && argc == 4)
		return cmd_lockwait(argv[2], argv[3]);
	if (!strcmp(c, "getlk") && argc == 3)
		return cmd_getlk(argv[2]);
	if (!strcmp(c, "xattr") && argc == 3)
		return cmd_xattr(argv[2]);
	if (!strcmp(c, "mmapcmp") && argc == 3)
		return cmd_mmapcmp(argv[2]);
	if (!strcmp(c, "rename") && argc == 4)
		return cmd_rename(argv[2], argv[3]);
	if (!strcmp(c, "asuser") && argc >= 5)
		return cmd_asuser(argc - 2, argv + 2);
	if (!strcmp(c, "fill") && argc == 5)
		return cmd_fill(argv[2], argv[3], argv[4]);
	if (!strcmp(c, "sum") && argc == 3)
		return cmd_sum(argv[2]);
	if (!strcmp(c, "relay-stdio") && argc == 4)
		return cmd_relay_stdio(argv[2], argv[3]);
	if (!strcmp(c, "relay-unix") && argc == 5)
		return cmd_relay_unix(argv[2], argv[3], argv[4]);
	if (!strcmp(c, "freeport") && argc == 2)
		return cmd_freeport();
	return usage();
}
