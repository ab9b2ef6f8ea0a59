/* SPDX-License-Identifier: MIT */
/*
 * The backing filesystem, seen from the event loop: start it (the built-in
 * passthrough for --export, or the user's program), run FUSE_INIT, then
 * watch its FUSE socket, its stderr (each line logged with its name and
 * pid) and its pidfd (its exit is logged once). fuse_glue does the protocol.
 */
#include <errno.h>
#include <event2/event.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gw_int.h"

static void
broken_cb(void *arg, const char *reason)
{
	struct gw_server *srv = arg;
	bool first = !srv->backend_broken;	/* the child's exit may come first */

	srv->backend_broken = true;
	/* A broken session reads nothing more: a socket left at EOF (or
	 * with unread bytes) would wake the loop on every turn. */
	event_del(srv->fg_rd_ev);
	event_del(srv->fg_wr_ev);
	gw_log(first ? GW_LOG_ERROR : GW_LOG_INFO, "backend %s[%d]: %s%s",
	    srv->child.name, (int)srv->child.pid, reason,
	    first ? "; every request now fails with EIO" : "");
}

static void
timer_hook(void *arg, unsigned ms)
{
	struct gw_server *srv = arg;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(srv->fg_timer_ev, &tv);
}

static void
want_write_hook(void *arg, bool want)
{
	struct gw_server *srv = arg;

	if (want)
		event_add(srv->fg_wr_ev, NULL);
	else
		event_del(srv->fg_wr_ev);
}

void
gw_backend_trace(void *arg, const char *line)
{
	(void)arg;
	log_debug("fuse %s", line);
}

/* The trace hook only with --debug: a line is formatted per message. */
static const struct fg_hooks hooks = {
	.broken_cb = broken_cb,
	.timer_cb = timer_hook,
	.want_write_cb = want_write_hook,
};
static const struct fg_hooks hooks_traced = {
	.broken_cb = broken_cb,
	.timer_cb = timer_hook,
	.want_write_cb = want_write_hook,
	.trace_cb = gw_backend_trace,
};

static void
fg_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gw_server *srv = arg;

	(void)fd;
	(void)what;
	(void)fg_session_on_readable(srv->fs);
	fg_session_flush(srv->fs);
}

static void
fg_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gw_server *srv = arg;

	(void)fd;
	(void)what;
	(void)fg_session_on_writable(srv->fs);
}

static void
fg_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gw_server *srv = arg;

	(void)fd;
	(void)what;
	fg_session_on_timer(srv->fs);
}

static void
log_line(const char *line, void *arg)
{
	struct gw_server *srv = arg;

	log_info("backend %s[%d]: %s", srv->child.name, (int)srv->child.pid,
	    line);
}

static void
stderr_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gw_server *srv = arg;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	(void)what;
	if (n > 0) {
		fg_lines_feed(&srv->err_lines, buf, (size_t)n, log_line, srv);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	fg_lines_feed(&srv->err_lines, buf, 0, log_line, srv);
	event_del(srv->err_ev);
}

static void
child_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gw_server *srv = arg;
	char desc[128];
	int status;

	(void)fd;
	(void)what;
	if (fg_child_reap(&srv->child, &status) != 1)
		return;
	event_del(srv->child_ev);
	srv->have_child = false;
	fg_describe_status(status, desc, sizeof(desc));
	if (srv->stopping || srv->backend_broken) {	/* said once already */
		log_info("backend %s[%d]: %s", srv->child.name,
		    (int)srv->child.pid, desc);
		return;
	}
	srv->backend_broken = true;
	log_error("backend %s[%d]: %s; every request now fails with EIO",
	    srv->child.name, (int)srv->child.pid, desc);
}

int
gw_backend_attach(struct gw_server *srv, int fd, size_t sockbuf)
{
	srv->fs = fg_session_new(fd, sockbuf,
	    gw_log_level_max >= GW_LOG_DEBUG ? &hooks_traced : &hooks, srv);
	if (!srv->fs)
		return -ENOMEM;
	srv->fg_rd_ev = event_new(srv->base, fd, EV_READ | EV_PERSIST,
	    fg_read_cb, srv);
	srv->fg_wr_ev = event_new(srv->base, fd, EV_WRITE | EV_PERSIST,
	    fg_write_cb, srv);
	srv->fg_timer_ev = evtimer_new(srv->base, fg_timer_cb, srv);
	if (!srv->fg_rd_ev || !srv->fg_wr_ev || !srv->fg_timer_ev)
		return -ENOMEM;
	return 0;
}

void
gw_backend_ready(struct gw_server *srv)
{
	srv->info = fg_session_info(srv->fs);
	srv->chunk = srv->opts->chunk < srv->info->max_write ?
	    srv->opts->chunk : srv->info->max_write;
	/* Every READ and READDIR asks at most a chunk. */
	fg_session_set_max_read(srv->fs, srv->chunk);
	event_add(srv->fg_rd_ev, NULL);
}

/* The built-in backend's path: $NINEGATE_PASSTHROUGH, beside this binary
 * (installed, or in the build tree), or the libexec directory. */
static void
find_passthrough(char *out, size_t len)
{
	const char *env = getenv("NINEGATE_PASSTHROUGH");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			static const char *const rel[] = {
				"/ninegate-passthrough",
				"/../fuse_glue/ninegate-passthrough",
			};
			for (size_t i = 0; i < 2; i++) {
				int k = snprintf(out, len, "%s%s", self, rel[i]);
				if (k > 0 && (size_t)k < len &&
				    access(out, X_OK) == 0)
					return;
			}
		}
	}
	snprintf(out, len, "%s/ninegate-passthrough", NG_LIBEXECDIR);
}

void
gw_backend_start(struct gw_server *srv)
{
	struct gw_opts *o = srv->opts;
	char pt[PATH_MAX], err[256];
	const char *argv_pt[12];
	const char *const *argv;
	/* Large READ replies come from fresh buffers in libfuse: keep them
	 * off mmap (DESIGN.md §3). */
	static const char *const env_add[] = {
		"GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4194304", NULL
	};

	if (o->export_dir) {
		struct stat st;
		if (stat(o->export_dir, &st) < 0)
			fatal("--export %s: %s", o->export_dir, strerror(errno));
		if (!S_ISDIR(st.st_mode))
			fatal("--export %s: not a directory", o->export_dir);
		find_passthrough(pt, sizeof(pt));
		size_t i = 0;
		argv_pt[i++] = pt;
		if (o->read_only)
			argv_pt[i++] = "--read-only";
		if (o->allow_devices)
			argv_pt[i++] = "--allow-devices";
		if (strcmp(o->seccomp, "kill") != 0) {
			argv_pt[i++] = "--seccomp";
			argv_pt[i++] = o->seccomp;
		}
		argv_pt[i++] = o->export_dir;
		argv_pt[i++] = "{}";
		argv_pt[i] = NULL;
		argv = argv_pt;
	} else {
		argv = (const char *const *)o->prog_argv;
	}
	struct fg_spawn_opts so = {
		.argv = argv,
		.env_add = env_add,
		.no_new_privs = true,
	};
	if (fg_spawn(&so, &srv->child, err, sizeof(err)) < 0)
		fatal("backend: %s", err);
	srv->have_child = true;
	if (gw_backend_attach(srv, srv->child.fuse_fd, srv->child.sockbuf) < 0)
		fatal("out of memory");
	srv->child.fuse_fd = -1;	/* the session owns it now */
	srv->err_ev = event_new(srv->base, srv->child.stderr_fd,
	    EV_READ | EV_PERSIST, stderr_cb, srv);
	/* Start-up messages of the child (usage errors) reach the log even
	 * when INIT fails: drain stderr before deciding. */
	if (fg_session_init(srv->fs, GW_MSIZE_DEFAULT, srv->child.pidfd,
	    GW_INIT_TIMEOUT_MS, err, sizeof(err)) < 0) {
		char buf[4096];
		ssize_t n;
		while ((n = read(srv->child.stderr_fd, buf, sizeof(buf))) > 0)
			fg_lines_feed(&srv->err_lines, buf, (size_t)n, log_line,
			    srv);
		fg_lines_feed(&srv->err_lines, buf, 0, log_line, srv);
		/* Nothing is left behind: the backend is stopped and reaped
		 * before ninegate exits. */
		log_error("backend %s[%d]: %s", srv->child.name,
		    (int)srv->child.pid, err);
		fg_session_free(srv->fs);
		srv->fs = NULL;
		fg_child_stop(&srv->child, 100);
		_exit(1);	/* as fatal() */
	}
	gw_backend_ready(srv);
	log_info("backend %s[%d]: FUSE %u.%u, max_write %u, chunk %u, "
	    "socket buffer %zu", srv->child.name, (int)srv->child.pid,
	    srv->info->major, srv->info->minor, srv->info->max_write,
	    srv->chunk, srv->child.sockbuf);
	if (!srv->err_ev)
		fatal("out of memory");
	event_add(srv->err_ev, NULL);
	if (srv->child.pidfd >= 0) {
		srv->child_ev = event_new(srv->base, srv->child.pidfd,
		    EV_READ | EV_PERSIST, child_cb, srv);
		if (!srv->child_ev)
			fatal("out of memory");
		event_add(srv->child_ev, NULL);
	}
}
