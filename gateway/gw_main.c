/* SPDX-License-Identifier: MIT */
/*
 * ninegate's main: parse options, acquire everything (listeners, the
 * backend and its FUSE session, the user table, the log fd), enter the
 * sandbox, run the event loop, and shut down in order on SIGINT/SIGTERM or
 * when a stdio connection ends. The reaper frees closed connections outside
 * their callbacks.
 */
#include <errno.h>
#include <event2/event.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gw_int.h"
#include "sb.h"

struct gw_server *gw_srv;

/* ------------------------------------------------------------- users */

static void
load_users(struct gw_server *srv)
{
	struct passwd *pw;

	setpwent();
	while ((pw = getpwent()) != NULL) {
		struct gw_user *u = realloc(srv->users,
		    (srv->nusers + 1) * sizeof(*u));
		if (!u)
			break;
		srv->users = u;
		u = &srv->users[srv->nusers];
		u->uid = pw->pw_uid;
		u->gid = pw->pw_gid;
		u->name = strdup(pw->pw_name);
		if (!u->name)
			break;
		srv->nusers++;
	}
	endpwent();
}

bool
gw_user_by_name(struct gw_server *srv, const char *name, size_t len,
    uint32_t *uid, uint32_t *gid)
{
	char *end;
	char num[16];

	for (size_t i = 0; i < srv->nusers; i++) {
		if (strlen(srv->users[i].name) == len &&
		    memcmp(srv->users[i].name, name, len) == 0) {
			*uid = srv->users[i].uid;
			*gid = srv->users[i].gid;
			return true;
		}
	}
	if (len == 0 || len >= sizeof(num))
		return false;
	memcpy(num, name, len);
	num[len] = '\0';
	unsigned long v = strtoul(num, &end, 10);
	if (*end || num[0] < '0' || num[0] > '9' || v >= UINT32_MAX)
		return false;
	*uid = (uint32_t)v;
	if (!gw_user_gid(srv, *uid, gid))
		*gid = *uid;
	return true;
}

bool
gw_user_gid(struct gw_server *srv, uint32_t uid, uint32_t *gid)
{
	for (size_t i = 0; i < srv->nusers; i++) {
		if (srv->users[i].uid == uid) {
			*gid = srv->users[i].gid;
			return true;
		}
	}
	return false;
}

const char *
gw_user_name(struct gw_server *srv, uint32_t uid)
{
	for (size_t i = 0; i < srv->nusers; i++)
		if (srv->users[i].uid == uid)
			return srv->users[i].name;
	return NULL;
}

/* ------------------------------------------------------------- reaper */

static void
reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gw_server *srv = arg;

	(void)fd;
	(void)what;
	for (struct gw_conn *c = srv->conns, *next; c; c = next) {
		next = c->next;
		if (c->state == GW_CONN_CLOSING)
			gw_conn_free(c);
	}
	if (srv->fs)
		fg_session_flush(srv->fs);
	if (srv->stopping)
		gw_shutdown(srv, NULL);	/* done once nothing is in flight */
}

void
gw_schedule_reap(struct gw_server *srv)
{
	event_active(srv->reap_ev, EV_TIMEOUT, 0);
}

/* ------------------------------------------------------------- shutdown */

static struct event *grace_ev;

static void
grace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gw_server *srv = arg;

	(void)fd;
	(void)what;
	log_warn("shutdown: requests still in flight after %d ms; ending them",
	    GW_SHUTDOWN_GRACE_MS);
	event_base_loopbreak(srv->base);
}

void
gw_shutdown(struct gw_server *srv, const char *why)
{
	size_t inflight = 0;

	if (!srv->stopping || why) {
		if (why)
			log_info("shutting down: %s", why);
		srv->stopping = true;
		for (size_t i = 0; i < srv->nlisten; i++)
			event_del(srv->listen_evs[i]);
		for (struct gw_conn *c = srv->conns; c; c = c->next)
			gw_conn_check_reading(c);
	}
	for (struct gw_conn *c = srv->conns; c; c = c->next)
		inflight += c->nreqs;
	if (inflight == 0 || srv->backend_broken) {
		event_base_loopbreak(srv->base);
		return;
	}
	if (!grace_ev) {
		grace_ev = evtimer_new(srv->base, grace_cb, srv);
		struct timeval tv = { GW_SHUTDOWN_GRACE_MS / 1000,
			(GW_SHUTDOWN_GRACE_MS % 1000) * 1000 };
		if (grace_ev)
			evtimer_add(grace_ev, &tv);
	}
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	gw_shutdown(arg, strsignal((int)sig));
}

/* ------------------------------------------------------------- sandbox */

static void
enter_sandbox(struct gw_server *srv)
{
	struct gw_opts *o = srv->opts;
	struct sb_gateway_cfg cfg = { .log_fd = 2 };
	int fds[1024];
	char summary[256], err[256];

	if (sb_seccomp_mode_parse(o->seccomp, &cfg.seccomp) < 0 ||
	    sb_ns_mode_parse(o->sandbox, &cfg.ns) < 0)
		fatal("bad sandbox mode");
	ssize_t n = sb_fd_list(fds, sizeof(fds) / sizeof(fds[0]));
	if (n < 0)
		fatal("sandbox: listing open fds: %s", strerror((int)-n));
	cfg.keep_fds = fds;
	cfg.nkeep_fds = (size_t)n;
	cfg.nofile = o->max_connections + 64;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
	cfg.sanitizer_build = true;
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
	cfg.sanitizer_build = true;
#endif
#endif
	if (sb_enter_gateway(&cfg, summary, sizeof(summary), err,
	    sizeof(err)) < 0)
		fatal("sandbox: %s", err);
	log_info("%s", summary);
}

/* ------------------------------------------------------------- main */

/* Only fds we open from here on (and listeners handed to us) stay. */
static void
close_stray_fds(const struct gw_opts *o)
{
	int fds[1024];
	ssize_t n = sb_fd_list(fds, sizeof(fds) / sizeof(fds[0]));

	for (ssize_t i = 0; i < n; i++)
		if (fds[i] > 2 && !gw_listen_inherits(o, fds[i]))
			close(fds[i]);
}

int
main(int argc, char **argv)
{
	static struct gw_opts opts;
	static struct gw_server srv;
	struct event *sigev[3];
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };

	gw_opts_parse(&opts, argc, argv);
	gw_log_level_max = opts.verbose >= 2 ? GW_LOG_DEBUG : GW_LOG_INFO;
	signal(SIGPIPE, SIG_IGN);
	close_stray_fds(&opts);
	gw_srv = &srv;
	srv.opts = &opts;
	load_users(&srv);
	srv.base = event_base_new();
	if (!srv.base)
		fatal("cannot create the event loop");
	srv.reap_ev = event_new(srv.base, -1, 0, reap_cb, &srv);
	for (int i = 0; i < 3; i++) {
		sigev[i] = evsignal_new(srv.base, sigs[i], signal_cb, &srv);
		if (!sigev[i] || event_add(sigev[i], NULL) < 0)
			fatal("cannot install signal handlers");
	}
	gw_backend_start(&srv);
	gw_listen_open(&srv);
	enter_sandbox(&srv);
	if (opts.selftest) {
		int e = sb_selftest(opts.selftest);
		fatal("--sandbox-selftest=%s: the call was allowed (%s)",
		    opts.selftest, strerror(-e));
	}
	event_base_dispatch(srv.base);

	/* Shut down: end every connection, then the session, then the
	 * backend. */
	srv.stopping = true;
	while (srv.conns) {
		srv.conns->state = GW_CONN_CLOSING;
		gw_conn_free(srv.conns);
	}
	fg_session_free(srv.fs);
	srv.fs = NULL;
	int status = 0;
	if (srv.have_child) {
		char desc[128];
		status = fg_child_stop(&srv.child, GW_SHUTDOWN_GRACE_MS);
		fg_describe_status(status, desc, sizeof(desc));
		log_info("backend %s[%d]: %s", srv.child.name,
		    (int)srv.child.pid, desc);
	}
	for (int i = 0; i < 3; i++)
		event_free(sigev[i]);
	log_info("stopped");
	return 0;
}
