/* SPDX-License-Identifier: MIT */
/*
 * Listeners: tcp:HOST:PORT, unix:PATH, stdio, fd:N and systemd sockets, all
 * opened before the sandbox. A listening socket gets an accept event; a
 * connected fd (stdio, or fd:N / a systemd fd that is not listening) becomes
 * a connection at once. Nothing here parses 9P.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gw_int.h"

static void
describe_peer(int fd, char *out, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[64], serv[16];

	if (getpeername(fd, (struct sockaddr *)&ss, &sl) < 0) {
		snprintf(out, len, "fd:%d", fd);
		return;
	}
	if (ss.ss_family == AF_UNIX) {
		snprintf(out, len, "unix");
		return;
	}
	if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), serv,
	    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, len, "tcp");
		return;
	}
	snprintf(out, len, "tcp:%s:%s", host, serv);
}

static void
accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct gw_server *srv = arg;
	char peer[128];

	(void)what;
	for (int i = 0; i < 16; i++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("accept: %s", strerror(errno));
			return;
		}
		if (srv->stopping || srv->nconns >= srv->opts->max_connections) {
			log_warn("connection refused: %u connections, limit "
			    "%u (--max-connections)", srv->nconns,
			    srv->opts->max_connections);
			close(fd);
			continue;
		}
		/* TCP_NODELAY comes from the listener (Linux copies it to
		 * accepted sockets); setsockopt is not allowed in here. */
		describe_peer(fd, peer, sizeof(peer));
		if (gw_conn_new(srv, fd, fd, peer, false) < 0) {
			log_error("%s: out of memory", peer);
			close(fd);
		}
	}
}

static int
add_listener(struct gw_server *srv, int fd)
{
	struct event **evs = realloc(srv->listen_evs,
	    (srv->nlisten + 1) * sizeof(*evs));

	if (!evs)
		return -ENOMEM;
	srv->listen_evs = evs;
	evs[srv->nlisten] = event_new(srv->base, fd, EV_READ | EV_PERSIST,
	    accept_cb, srv);
	if (!evs[srv->nlisten] || event_add(evs[srv->nlisten], NULL) < 0)
		return -ENOMEM;
	srv->nlisten++;
	return 0;
}

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* An inherited fd: a listening socket gets accepted on, anything else is
 * one connection. */
static void
adopt_fd(struct gw_server *srv, int fd, const char *what)
{
	int acc = 0;
	socklen_t len = sizeof(acc);
	char peer[64];

	if (fcntl(fd, F_GETFD) < 0)
		fatal("%s: fd %d is not open", what, fd);
	set_nonblock(fd);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == 0 && acc) {
		if (add_listener(srv, fd) < 0)
			fatal("out of memory");
		log_info("listening on %s (fd %d)", what, fd);
		return;
	}
	snprintf(peer, sizeof(peer), "%s", what);
	if (gw_conn_new(srv, fd, fd, peer, false) < 0)
		fatal("out of memory");
}

static void
listen_tcp(struct gw_server *srv, const char *addr)
{
	char host[256];
	const char *colon = strrchr(addr, ':');
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *res;
	int err, fd = -1;

	if (!colon || colon == addr || (size_t)(colon - addr) >= sizeof(host))
		fatal("-l tcp:%s: expected tcp:HOST:PORT", addr);
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	err = getaddrinfo(host, colon + 1, &hints, &res);
	if (err)
		fatal("-l tcp:%s: %s", addr, gai_strerror(err));
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		int one = 1;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 128) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
		errno = err;
	}
	freeaddrinfo(res);
	if (fd < 0)
		fatal("-l tcp:%s: %s", addr, strerror(errno));
	if (add_listener(srv, fd) < 0)
		fatal("out of memory");
	log_info("listening on tcp:%s", addr);
}

static void
listen_unix(struct gw_server *srv, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		fatal("-l unix:%s: path longer than %zu bytes", path,
		    sizeof(sa.sun_path) - 1);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fatal("-l unix:%s: socket: %s", path, strerror(errno));
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			fatal("-l unix:%s: exists and is not a socket", path);
		/* A live server answers; a stale socket file refuses. */
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sa,
		    sizeof(sa)) == 0)
			fatal("-l unix:%s: in use by a running server", path);
		if (probe >= 0)
			close(probe);
		if (unlink(path) < 0)
			fatal("-l unix:%s: cannot remove stale socket: %s",
			    path, strerror(errno));
	}
	mode_t old = umask(0777 & ~srv->opts->socket_mode);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0)
		fatal("-l unix:%s: %s", path, strerror(errno));
	if (chmod(path, srv->opts->socket_mode) < 0 || listen(fd, 128) < 0)
		fatal("-l unix:%s: %s", path, strerror(errno));
	if (add_listener(srv, fd) < 0)
		fatal("out of memory");
	log_info("listening on unix:%s", path);
}

static void
listen_systemd(struct gw_server *srv)
{
	const char *pid = getenv("LISTEN_PID");
	const char *n = getenv("LISTEN_FDS");

	if (!n || (pid && (pid_t)atol(pid) != getpid()))
		fatal("-l systemd: LISTEN_FDS not set for this process");
	int count = atoi(n);
	if (count <= 0 || count > 1024)
		fatal("-l systemd: LISTEN_FDS=%s is not a count", n);
	for (int i = 0; i < count; i++)
		adopt_fd(srv, 3 + i, "systemd");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDNAMES");
}

void
gw_listen_open(struct gw_server *srv)
{
	struct gw_opts *o = srv->opts;

	for (size_t i = 0; i < o->nlisten; i++) {
		struct gw_listen_spec *l = &o->listen[i];
		char what[64];
		switch (l->kind) {
		case GW_L_TCP:
			listen_tcp(srv, l->addr);
			break;
		case GW_L_UNIX:
			listen_unix(srv, l->addr);
			break;
		case GW_L_FD:
			snprintf(what, sizeof(what), "fd:%s", l->addr);
			adopt_fd(srv, atoi(l->addr), what);
			break;
		case GW_L_SYSTEMD:
			listen_systemd(srv);
			break;
		case GW_L_STDIO: {
			set_nonblock(0);
			set_nonblock(1);
			if (gw_conn_new(srv, 0, 1, "stdio", true) < 0)
				fatal("out of memory");
			break;
		}
		}
	}
}

/* The fds a listener spec hands over, which start-up must not close. */
bool
gw_listen_inherits(const struct gw_opts *o, int fd)
{
	for (size_t i = 0; i < o->nlisten; i++) {
		const struct gw_listen_spec *l = &o->listen[i];
		if (l->kind == GW_L_FD && atoi(l->addr) == fd)
			return true;
		if (l->kind == GW_L_SYSTEMD) {
			const char *n = getenv("LISTEN_FDS");
			if (n && fd >= 3 && fd < 3 + atoi(n))
				return true;
		}
	}
	return false;
}
