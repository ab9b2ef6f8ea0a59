/* SPDX-License-Identifier: MIT */
/*
 * Identities between the client and the backend: --uid-map/--gid-map ranges
 * (a container's user namespace), --root-squash. Ids go to the backend in
 * FUSE headers and chown requests, and come back in attributes; an id no
 * range covers becomes the overflow id 65534, as in a user namespace.
 * --all-squash (--uid/--gid) is applied at attach and is not a mapping.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "gw_int.h"

#define OVERFLOW_ID 65534u

int
gw_idmap_parse(struct gw_idmaps *m, const char *spec)
{
	unsigned long in, out, count;
	char tail;

	if (m->n == GW_IDMAP_MAX)
		return -ENOSPC;
	if (sscanf(spec, "%lu:%lu:%lu%c", &in, &out, &count, &tail) != 3 ||
	    count == 0 || in + count - 1 > UINT32_MAX - 1 ||
	    out + count - 1 > UINT32_MAX - 1)
		return -EINVAL;
	m->r[m->n].inside = (uint32_t)in;
	m->r[m->n].outside = (uint32_t)out;
	m->r[m->n].count = (uint32_t)count;
	m->n++;
	return 0;
}

uint32_t
gw_id_to_backend(const struct gw_opts *o, uint32_t id, bool group)
{
	const struct gw_idmaps *m = group ? &o->gid_map : &o->uid_map;

	if (o->root_squash && id == 0)
		return OVERFLOW_ID;
	if (m->n == 0)
		return id;
	for (unsigned i = 0; i < m->n; i++)
		if (id >= m->r[i].inside && id - m->r[i].inside < m->r[i].count)
			return m->r[i].outside + (id - m->r[i].inside);
	return OVERFLOW_ID;
}

uint32_t
gw_id_to_client(const struct gw_opts *o, uint32_t id, bool group)
{
	const struct gw_idmaps *m = group ? &o->gid_map : &o->uid_map;

	if (m->n == 0)
		return id;
	for (unsigned i = 0; i < m->n; i++)
		if (id >= m->r[i].outside &&
		    id - m->r[i].outside < m->r[i].count)
			return m->r[i].inside + (id - m->r[i].outside);
	return OVERFLOW_ID;
}

bool
gw_regular_mode(uint32_t mode)
{
	return (mode & S_IFMT) == 0 || (mode & S_IFMT) == S_IFREG;
}
