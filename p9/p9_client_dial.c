/* SPDX-License-Identifier: MIT */
/*
 * p9_client_dial: turns an address ("tcp:HOST:PORT", "unix:PATH", "fd:N",
 * "HOST:PORT", "/PATH") into a connected stream descriptor.
 *
 * It does not speak 9P, retry, or time out a connect (a dead TCP peer takes
 * the kernel's connect timeout).
 */
#include "p9_client_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int
dial_unix(const char *path)
{
	struct sockaddr_un sun;
	size_t len = strlen(path);
	int fd;

	if (len == 0)
		return -EINVAL;
	if (len >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int
dial_tcp(const char *host, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int err = -EHOSTUNREACH;
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -EHOSTUNREACH;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			err = -errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		return err;
	{
		int one = 1;

		/* many small requests in flight: no Nagle delay */
		(void)setsockopt(
		    fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return fd;
}

/* host:port or [v6]:port or host (port 564); sep is ':' or '!' */
static int
dial_hostport(const char *s)
{
	char host[256], port[32];
	const char *colon;
	size_t hlen;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL)
			return -EINVAL;
		hlen = (size_t)(rb - s - 1);
		if (hlen == 0 || hlen >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		colon = rb[1] == '\0' ? NULL : rb + 1;
		if (colon != NULL && *colon != ':' && *colon != '!')
			return -EINVAL;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			colon = strrchr(s, '!');
		hlen = colon != NULL ? (size_t)(colon - s) : strlen(s);
		if (hlen == 0 || hlen >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, hlen);
		host[hlen] = '\0';
	}
	if (colon == NULL)
		strcpy(port, "564");
	else {
		size_t plen = strlen(colon + 1);

		if (plen == 0 || plen >= sizeof(port))
			return -EINVAL;
		memcpy(port, colon + 1, plen + 1);
	}
	return dial_tcp(host, port);
}

static int
dial_fd(const char *s)
{
	char *end;
	long n;
	int fd;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < 0 || n > INT_MAX)
		return -EINVAL;
	fd = fcntl((int)n, F_DUPFD_CLOEXEC, 0);
	if (fd == -1)
		return -errno;
	return fd;
}

static bool
has_scheme(const char *addr, const char *scheme, const char **rest)
{
	size_t n = strlen(scheme);

	if (strncmp(addr, scheme, n) != 0 || (addr[n] != ':' && addr[n] != '!'))
		return false;
	*rest = addr + n + 1;
	return true;
}

int
p9c_dial(const char *addr, int *fd)
{
	const char *rest;
	int r;

	if (addr == NULL || addr[0] == '\0')
		return -EINVAL;
	if (has_scheme(addr, "tcp", &rest))
		r = dial_hostport(rest);
	else if (has_scheme(addr, "unix", &rest))
		r = dial_unix(rest);
	else if (has_scheme(addr, "fd", &rest))
		r = dial_fd(rest);
	else if (addr[0] == '/' || addr[0] == '.')
		r = dial_unix(addr);
	else
		r = dial_hostport(addr);
	if (r < 0)
		return r;
	*fd = r;
	return 0;
}
