/* SPDX-License-Identifier: MIT */
/*
 * ninegate's main: parse options, acquire everything (listeners, the
 * backend and its FUSE session, the user table, the log fd), enter the
 * sandbox, run the event loop, and shut down in order on SIGINT/SIGTERM or
 * when a stdio connection ends.
 */
#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gw_int.h"
#include "sb.h"

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
	gw_log_level_max = opts.verbose >= 2 ? GW_LOG_DEBUG :
	    opts.verbose == 1 ? GW_LOG_VERBOSE : GW_LOG_INFO;
	signal(SIGPIPE, SIG_IGN);
	close_stray_fds(&opts);
	if (gw_server_init(&srv, &opts) < 0)
		fatal("cannot create the event loop");
	gw_load_users(&srv);
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
