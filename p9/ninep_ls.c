/* SPDX-License-Identifier: MIT */
/*
 * ninep_ls: the listing commands, `ls [-adl]` and `stat`. ls prints what
 * GNU ls prints for a non-terminal in the C locale: one name per line,
 * names sorted bytewise, dot files hidden unless -a, and with -l the
 * "total" line, mode string, link count, owner, group (numbers in
 * 9P2000.L, the server's names in 9P2000/.u), size, modification time and
 * "name -> target" for symbolic links, columns aligned.
 *
 * It does not quote odd characters in names (ls does not for a pipe
 * either), colour, or sort by anything but name.
 */
#include "ninep_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

struct entry {
	char *name; /* as shown */
	bool have_attr;
	struct p9c_attr a;
	char *link; /* symlink target (-l), or NULL */
};

struct list {
	struct entry *v;
	size_t n, cap;
};

static int
list_add(struct list *l, const char *name, struct entry **out)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct entry *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].name = strdup(name);
	if (l->v[l->n].name == NULL)
		return -ENOMEM;
	*out = &l->v[l->n++];
	return 0;
}

static void
list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].link);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(
	    ((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* by name, bytewise (ls in the C locale) */
static void
list_sort(struct list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(l->v[0]), entry_cmp);
}

void
ninep_mode_string(uint32_t mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	char t;

	switch (mode & S_IFMT) {
	case S_IFDIR:
		t = 'd';
		break;
	case S_IFLNK:
		t = 'l';
		break;
	case S_IFCHR:
		t = 'c';
		break;
	case S_IFBLK:
		t = 'b';
		break;
	case S_IFIFO:
		t = 'p';
		break;
	case S_IFSOCK:
		t = 's';
		break;
	default:
		t = '-';
		break;
	}
	out[0] = t;
	for (int i = 0; i < 9; i++)
		out[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	if (mode & S_ISUID)
		out[3] = (mode & S_IXUSR) ? 's' : 'S';
	if (mode & S_ISGID)
		out[6] = (mode & S_IXGRP) ? 's' : 'S';
	if (mode & S_ISVTX)
		out[9] = (mode & S_IXOTH) ? 't' : 'T';
	out[10] = '\0';
}

/* owner or group column: a name (9P2000/.u) or the number */
static void
id_string(const char *name, uint32_t id, char *out, size_t len)
{
	if (name[0] != '\0')
		snprintf(out, len, "%s", name);
	else if (id == P9_NONUNAME)
		snprintf(out, len, "?");
	else
		snprintf(out, len, "%" PRIu32, id);
}

static void
size_string(const struct p9c_attr *a, char *out, size_t len)
{
	if (S_ISCHR(a->mode) || S_ISBLK(a->mode))
		snprintf(out, len, "%u, %u", major(a->rdev), minor(a->rdev));
	else
		snprintf(out, len, "%" PRIu64, a->size);
}

/* GNU ls: "Mon dd HH:MM" within the last six months, else the year */
static void
time_string(uint64_t sec, time_t now, char *out, size_t len)
{
	const time_t half_year = 31556952 / 2;
	time_t t = (time_t)sec;
	struct tm tm;
	bool recent = t > now - half_year && t <= now;

	if (localtime_r(&t, &tm) == NULL) {
		snprintf(out, len, "%" PRIu64, sec);
		return;
	}
	strftime(out, len, recent ? "%b %e %H:%M" : "%b %e  %Y", &tm);
}

static int
num_width(const char *s)
{
	return (int)strlen(s);
}

struct widths {
	int nlink, uid, gid, size;
	uint64_t total; /* 1 KiB blocks */
};

static void
widths_add(struct widths *w, const struct list *l)
{
	char buf[64];

	for (size_t i = 0; i < l->n; i++) {
		const struct p9c_attr *a = &l->v[i].a;
		int n;

		if (!l->v[i].have_attr)
			continue;
		snprintf(buf, sizeof(buf), "%" PRIu64, a->nlink);
		n = num_width(buf);
		w->nlink = n > w->nlink ? n : w->nlink;
		id_string(a->uname, a->uid, buf, sizeof(buf));
		n = num_width(buf);
		w->uid = n > w->uid ? n : w->uid;
		id_string(a->gname, a->gid, buf, sizeof(buf));
		n = num_width(buf);
		w->gid = n > w->gid ? n : w->gid;
		size_string(a, buf, sizeof(buf));
		n = num_width(buf);
		w->size = n > w->size ? n : w->size;
		/* ls counts 1024-byte blocks, rounding each file up */
		w->total += (a->blocks * 512 + 1023) / 1024;
	}
}

/*
 * Print entries; -l aligns the columns over the group and, as GNU ls does
 * for command-line operands, over the directory operands in more too.
 */
static void
print_entries(const struct list *l, const struct ninep_opts *o, bool total_line,
    const struct list *more)
{
	struct widths w = {0};
	time_t now = time(NULL);

	if (!o->l) {
		for (size_t i = 0; i < l->n; i++)
			printf("%s\n", l->v[i].name);
		return;
	}
	widths_add(&w, l);
	if (more != NULL)
		widths_add(&w, more);
	if (total_line)
		printf("total %" PRIu64 "\n", w.total);
	for (size_t i = 0; i < l->n; i++) {
		const struct entry *e = &l->v[i];
		char mode[11], u[64], g[64], sz[64], tm[64];

		if (!e->have_attr) {
			printf("?????????? ? ? ? ? ? %s\n", e->name);
			continue;
		}
		ninep_mode_string(e->a.mode, mode);
		id_string(e->a.uname, e->a.uid, u, sizeof(u));
		id_string(e->a.gname, e->a.gid, g, sizeof(g));
		size_string(&e->a, sz, sizeof(sz));
		time_string(e->a.mtime_sec, now, tm, sizeof(tm));
		/* numbers right-aligned, names left-aligned, as ls does */
		printf("%s %*" PRIu64 " %*s %*s %*s %s %s", mode, w.nlink,
		    e->a.nlink, e->a.uname[0] ? -w.uid : w.uid, u,
		    e->a.gname[0] ? -w.gid : w.gid, g, w.size, sz, tm, e->name);
		if (e->link != NULL)
			printf(" -> %s", e->link);
		putchar('\n');
	}
}

/* Attributes (and a symlink's target) of fid into e. */
static int
fill_entry(struct ninep *np, uint32_t fid, struct entry *e)
{
	int r = p9c_getattr(np->c, fid, P9_GETATTR_BASIC, &e->a);

	if (r < 0)
		return r;
	e->have_attr = true;
	if (S_ISLNK(e->a.mode)) {
		char target[4096];
		ssize_t n = p9c_readlink(np->c, fid, target, sizeof(target));

		if (n >= 0)
			e->link = strdup(target);
	}
	return 0;
}

struct collect {
	struct list *l;
	unsigned dialect;
	bool all;
	int err;
};

static int
collect_cb(void *arg, const struct p9c_dirent *de)
{
	struct collect *co = arg;
	struct entry *e;
	int r;

	if (de->name[0] == '.' && !co->all)
		return 0;
	r = list_add(co->l, de->name, &e);
	if (r < 0) {
		co->err = r;
		return 1;
	}
	if (de->stat != NULL) {
		/* 9P2000/.u: the entry is a whole stat */
		p9c_attr_from_stat(de->stat, co->dialect, &e->a);
		e->have_attr = true;
	}
	return 0;
}

static int
list_dir(struct ninep *np, const char *path, uint32_t dfid,
    const struct ninep_opts *o)
{
	struct collect co = {.all = o->a};
	struct list l = {0};
	uint32_t f;
	int r, status = NINEP_OK;

	co.l = &l;
	co.dialect = p9c_dialect(np->c);
	r = p9c_walk(np->c, dfid, 0, NULL, &f, NULL);
	if (r == 0) {
		r = ninep_opendir(np, f);
		if (r == 0)
			r = p9c_readdir_all(np->c, f, collect_cb, &co);
		if (r == 1)
			r = co.err;
		(void)p9c_clunk(np->c, f);
	}
	if (r < 0) {
		list_free(&l);
		return ninep_err(path, r);
	}
	list_sort(&l);
	if (o->l) {
		for (size_t i = 0; i < l.n; i++) {
			struct entry *e = &l.v[i];
			const char *nm[1] = {e->name};
			uint32_t ef;

			/* 9P2000.L dirents carry no attributes */
			if (e->have_attr && !S_ISLNK(e->a.mode))
				continue;
			r = p9c_walk(np->c, dfid, 1, nm, &ef, NULL);
			if (r == 0) {
				r = fill_entry(np, ef, e);
				(void)p9c_clunk(np->c, ef);
			}
			if (r < 0) {
				fprintf(stderr, "ninep: %s/%s: %s\n", path,
				    e->name, strerror(-r));
				status = NINEP_FAIL;
			}
		}
	}
	print_entries(&l, o, true, NULL);
	list_free(&l);
	return status;
}

int
ninep_cmd_ls(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	struct list files = {0}, dirs = {0};
	char *dot[] = {"."};
	int status = NINEP_OK;
	bool any = false;

	if (argc == 0) {
		argc = 1;
		argv = dot;
	}
	for (int i = 0; i < argc; i++) {
		struct entry *e;
		struct list *l;
		uint32_t f;
		int r = ninep_walk(np, argv[i], &f, NULL);

		if (r == 0) {
			struct p9c_attr a;

			r = p9c_getattr(np->c, f, P9_GETATTR_BASIC, &a);
			l = r == 0 && S_ISDIR(a.mode) && !o->d ? &dirs : &files;
			if (r == 0)
				r = list_add(l, argv[i], &e);
			if (r == 0 && (o->l || l == &dirs))
				r = fill_entry(np, f, e);
			(void)p9c_clunk(np->c, f);
		}
		if (r < 0)
			status = ninep_err(argv[i], r);
	}
	list_sort(&files);
	list_sort(&dirs);
	print_entries(&files, o, false, &dirs);
	any = files.n > 0;
	for (size_t i = 0; i < dirs.n; i++) {
		uint32_t f;
		int r;

		if (any)
			putchar('\n');
		if (files.n + dirs.n > 1 || status != NINEP_OK)
			printf("%s:\n", dirs.v[i].name);
		any = true;
		r = ninep_walk(np, dirs.v[i].name, &f, NULL);
		if (r < 0) {
			status = ninep_err(dirs.v[i].name, r);
			continue;
		}
		if (list_dir(np, dirs.v[i].name, f, o) != NINEP_OK)
			status = NINEP_FAIL;
		(void)p9c_clunk(np->c, f);
	}
	list_free(&files);
	list_free(&dirs);
	return status;
}

/* ------------------------------------------------------------------ stat */

static void
print_time(const char *what, uint64_t sec, uint64_t nsec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char buf[64];

	if (gmtime_r(&t, &tm) == NULL)
		snprintf(buf, sizeof(buf), "?");
	else
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	printf(
	    "%s: %s.%09" PRIu64 " UTC (%" PRIu64 ")\n", what, buf, nsec, sec);
}

static void
print_stat(const char *path, const struct p9c_attr *a, const char *link)
{
	char mode[11];

	ninep_mode_string(a->mode, mode);
	printf("path: %s\n", path);
	printf("qid: type 0x%02x version %" PRIu32 " path 0x%" PRIx64 "\n",
	    a->qid.type, a->qid.version, a->qid.path);
	printf("mode: 0%o (%s)\n", (unsigned)a->mode, mode);
	if (link != NULL)
		printf("target: %s\n", link);
	printf("nlink: %" PRIu64 "\n", a->nlink);
	if (a->uname[0] != '\0')
		printf("uid: %s\ngid: %s\n", a->uname, a->gname);
	else
		printf("uid: %" PRIu32 "\ngid: %" PRIu32 "\n", a->uid, a->gid);
	printf("size: %" PRIu64 "\n", a->size);
	printf("blocks: %" PRIu64 "\n", a->blocks);
	printf("blksize: %" PRIu64 "\n", a->blksize);
	if (S_ISCHR(a->mode) || S_ISBLK(a->mode))
		printf("rdev: %u, %u\n", major(a->rdev), minor(a->rdev));
	print_time("atime", a->atime_sec, a->atime_nsec);
	print_time("mtime", a->mtime_sec, a->mtime_nsec);
	print_time("ctime", a->ctime_sec, a->ctime_nsec);
}

int
ninep_cmd_stat(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	int status = NINEP_OK;

	for (int i = 0; i < argc; i++) {
		struct entry e;
		uint32_t f;
		int r;

		memset(&e, 0, sizeof(e));
		r = ninep_walk(np, argv[i], &f, NULL);
		if (r == 0) {
			r = fill_entry(np, f, &e);
			(void)p9c_clunk(np->c, f);
		}
		if (r < 0) {
			status = ninep_err(argv[i], r);
			continue;
		}
		if (i > 0)
			putchar('\n');
		print_stat(argv[i], &e.a, e.link);
		free(e.link);
	}
	return status;
}
