/* SPDX-License-Identifier: MIT */
/*
 * The server's shared services: the user table (read before the sandbox),
 * the reaper that frees closed connections outside their callbacks, and the
 * orderly stop (no new connections or requests, then leave the loop once
 * nothing is in flight, bounded by a grace period). main() is in gw_main.c.
 */
#include <errno.h>
#include <event2/event.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gw_int.h"

struct gw_server *gw_srv;

/* ------------------------------------------------------------- users */

void
gw_load_users(struct gw_server *srv)
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

	struct group *gr;
	setgrent();
	while ((gr = getgrent()) != NULL) {
		struct gw_user *g = realloc(srv->groups,
		    (srv->ngroups + 1) * sizeof(*g));
		if (!g)
			break;
		srv->groups = g;
		g = &srv->groups[srv->ngroups];
		g->uid = 0;
		g->gid = gr->gr_gid;
		g->name = strdup(gr->gr_name);
		if (!g->name)
			break;
		srv->ngroups++;
	}
	endgrent();
}

const char *
gw_group_name(struct gw_server *srv, uint32_t gid)
{
	for (size_t i = 0; i < srv->ngroups; i++)
		if (srv->groups[i].gid == gid)
			return srv->groups[i].name;
	return NULL;
}

bool
gw_group_by_name(struct gw_server *srv, const char *name, size_t len,
    uint32_t *gid)
{
	for (size_t i = 0; i < srv->ngroups; i++) {
		if (strlen(srv->groups[i].name) == len &&
		    memcmp(srv->groups[i].name, name, len) == 0) {
			*gid = srv->groups[i].gid;
			return true;
		}
	}
	return false;
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

int
gw_server_init(struct gw_server *srv, struct gw_opts *opts)
{
	gw_srv = srv;
	srv->opts = opts;
	srv->base = event_base_new();
	if (!srv->base)
		return -ENOMEM;
	srv->reap_ev = event_new(srv->base, -1, 0, reap_cb, srv);
	return srv->reap_ev ? 0 : -ENOMEM;
}
