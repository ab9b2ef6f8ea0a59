/* SPDX-License-Identifier: MIT */
/*
 * ninep_cmds: the commands that move data or change the tree: cat, write,
 * put, get, mkdir, rm, mv, ln, readlink, df, touch, chmod. Each works in
 * every dialect through the client library's dialect-neutral calls; an
 * error names the path and the command goes on with its next operand, as
 * coreutils do.
 *
 * It does not follow symbolic links on the client side, preserve times or
 * owners on copies, or ask before overwriting.
 */
#include "ninep_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ data out */

struct fd_sink {
	int fd;
	int err; /* local write error (to tell it from a remote one) */
};

static int
fd_sink_cb(void *arg, const void *data, size_t len, uint64_t off)
{
	struct fd_sink *s = arg;
	int r = ninep_write_all(s->fd, data, len);

	if (r < 0)
		s->err = r;
	return r;
}

/* Copy remote path to fd; what names the local side in messages. */
static int
copy_out(
    struct ninep *np, const char *path, uint32_t fid, int fd, const char *what)
{
	struct fd_sink s = {.fd = fd};
	int r;

	r = p9c_open(np->c, fid, O_RDONLY, NULL, NULL);
	if (r < 0)
		return ninep_err(path, r);
	r = p9c_read_stream(
	    np->c, fid, 0, UINT64_MAX, np->window, fd_sink_cb, &s, NULL);
	if (s.err != 0)
		return ninep_err(what, s.err);
	if (r < 0)
		return ninep_err(path, r);
	return NINEP_OK;
}

int
ninep_cmd_cat(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	int status = NINEP_OK;

	for (int i = 0; i < argc; i++) {
		uint32_t f;
		int r = ninep_walk(np, argv[i], &f, NULL);

		if (r < 0) {
			status = ninep_err(argv[i], r);
			continue;
		}
		if (copy_out(np, argv[i], f, STDOUT_FILENO,
		        "standard output") != NINEP_OK)
			status = NINEP_FAIL;
		(void)p9c_clunk(np->c, f);
	}
	return status;
}

int
ninep_cmd_get(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	const char *remote = argv[0], *local = argv[1];
	struct p9c_attr a;
	uint32_t f;
	int fd, r, status;

	r = ninep_walk(np, remote, &f, NULL);
	if (r < 0)
		return ninep_err(remote, r);
	r = p9c_getattr(np->c, f, P9_GETATTR_BASIC, &a);
	if (r < 0) {
		status = ninep_err(remote, r);
		goto out;
	}
	if (S_ISDIR(a.mode)) {
		status = ninep_err(remote, -EISDIR);
		goto out;
	}
	if (strcmp(local, "-") == 0)
		fd = STDOUT_FILENO;
	else {
		fd = open(local, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    a.mode & 0777);
		if (fd == -1) {
			status = ninep_err(local, -errno);
			goto out;
		}
	}
	status = copy_out(np, remote, f, fd, local);
	if (fd != STDOUT_FILENO && close(fd) == -1 && status == NINEP_OK)
		status = ninep_err(local, -errno);
out:
	(void)p9c_clunk(np->c, f);
	return status;
}

/* ------------------------------------------------------------- data in */

struct fd_source {
	int fd;
	int err;
};

static ssize_t
fd_source_cb(void *arg, void *buf, size_t len)
{
	struct fd_source *s = arg;

	for (;;) {
		ssize_t n = read(s->fd, buf, len);

		if (n >= 0)
			return n;
		if (errno != EINTR) {
			s->err = -errno;
			return s->err;
		}
	}
}

/*
 * Open path for writing (created with mode when missing; truncated unless
 * append) and write everything from fd to it.
 */
static int
copy_in(struct ninep *np, const char *path, int fd, const char *what,
    uint32_t mode, bool append)
{
	struct fd_source src = {.fd = fd};
	uint64_t off = 0;
	uint32_t dfid, f;
	char *name = NULL;
	unsigned window = np->window;
	int r;

	r = ninep_parent(np, path, &dfid, &name);
	if (r < 0)
		return ninep_err(path, r);
	{
		const char *nm[1] = {name};

		r = p9c_walk(np->c, dfid, 1, nm, &f, NULL);
	}
	if (r == 0) {
		uint32_t flags = O_WRONLY | (append ? O_APPEND : O_TRUNC);
		struct p9c_attr a;

		r = p9c_getattr(np->c, f, P9_GETATTR_BASIC, &a);
		if (r == 0 && S_ISDIR(a.mode))
			r = -EISDIR;
		if (r == 0 && append) {
			/* also for 9P2000, which has no append mode */
			off = a.size;
			window = 1;
		}
		if (r == 0)
			r = p9c_open(np->c, f, flags, NULL, NULL);
		if (r < 0)
			(void)p9c_clunk(np->c, f);
	} else if (r == -ENOENT) {
		r = p9c_walk(np->c, dfid, 0, NULL, &f, NULL);
		if (r == 0) {
			r = p9c_create(np->c, f, name,
			    O_WRONLY | O_CREAT | O_TRUNC, mode & ~np->umask,
			    np->gid, NULL, NULL);
			if (r < 0)
				(void)p9c_clunk(np->c, f);
		}
	}
	(void)p9c_clunk(np->c, dfid);
	free(name);
	if (r < 0)
		return ninep_err(path, r);
	r = p9c_write_stream(np->c, f, off, window, fd_source_cb, &src, NULL);
	if (src.err != 0) {
		(void)p9c_clunk(np->c, f);
		return ninep_err(what, src.err);
	}
	if (r < 0) {
		(void)p9c_clunk(np->c, f);
		return ninep_err(path, r);
	}
	r = p9c_clunk(np->c, f);
	if (r < 0)
		return ninep_err(path, r);
	return NINEP_OK;
}

int
ninep_cmd_write(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	return copy_in(np, argv[0], STDIN_FILENO, "standard input", 0666, o->a);
}

int
ninep_cmd_put(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	const char *local = argv[0], *remote = argv[1];
	struct stat st;
	int fd, status;

	fd = open(local, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return ninep_err(local, -errno);
	if (fstat(fd, &st) == -1) {
		status = ninep_err(local, -errno);
		close(fd);
		return status;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return ninep_err(local, -EISDIR);
	}
	status = copy_in(np, remote, fd, local, st.st_mode & 07777, false);
	close(fd);
	return status;
}

/* ------------------------------------------------------------ the tree */

static int
mkdir_one(struct ninep *np, const char *path)
{
	uint32_t dfid;
	char *name;
	int r;

	r = ninep_parent(np, path, &dfid, &name);
	if (r == 0) {
		r = p9c_mkdir(
		    np->c, dfid, name, 0777 & ~np->umask, np->gid, NULL);
		(void)p9c_clunk(np->c, dfid);
		free(name);
	}
	return r;
}

/* mkdir -p: walk component by component, making the missing ones. */
static int
mkdir_parents(struct ninep *np, const char *path)
{
	char *copy, *p, *save = NULL;
	uint32_t cur;
	int r;

	copy = strdup(path);
	if (copy == NULL)
		return -ENOMEM;
	r = p9c_walk(np->c, np->root, 0, NULL, &cur, NULL);
	for (p = strtok_r(copy, "/", &save); r == 0 && p != NULL;
	     p = strtok_r(NULL, "/", &save)) {
		const char *nm[1] = {p};
		struct p9_qid qid;
		uint32_t next;

		if (strcmp(p, ".") == 0)
			continue;
		r = p9c_walk(np->c, cur, 1, nm, &next, &qid);
		if (r == -ENOENT) {
			r = p9c_mkdir(
			    np->c, cur, p, 0777 & ~np->umask, np->gid, NULL);
			if (r == 0 || r == -EEXIST)
				r = p9c_walk(np->c, cur, 1, nm, &next, &qid);
		}
		if (r == 0 && !(qid.type & P9_QTDIR)) {
			(void)p9c_clunk(np->c, next);
			r = -ENOTDIR;
		}
		(void)p9c_clunk(np->c, cur);
		if (r < 0) {
			free(copy);
			return r;
		}
		cur = next;
	}
	if (r == 0)
		(void)p9c_clunk(np->c, cur);
	free(copy);
	return r;
}

int
ninep_cmd_mkdir(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	int status = NINEP_OK;

	for (int i = 0; i < argc; i++) {
		int r =
		    o->p ? mkdir_parents(np, argv[i]) : mkdir_one(np, argv[i]);

		if (r < 0)
			status = ninep_err(argv[i], r);
	}
	return status;
}

struct names {
	char **v;
	size_t n, cap;
	int err;
};

static int
names_cb(void *arg, const struct p9c_dirent *de)
{
	struct names *nm = arg;

	if (strcmp(de->name, ".") == 0 || strcmp(de->name, "..") == 0)
		return 0;
	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? nm->cap * 2 : 16;
		char **v = realloc(nm->v, cap * sizeof(*v));

		if (v == NULL) {
			nm->err = -ENOMEM;
			return 1;
		}
		nm->v = v;
		nm->cap = cap;
	}
	nm->v[nm->n] = strdup(de->name);
	if (nm->v[nm->n] == NULL) {
		nm->err = -ENOMEM;
		return 1;
	}
	nm->n++;
	return 0;
}

static void
names_free(struct names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
}

/* Remove name in dfid; directories with everything below them if rec. */
static int
rm_entry(struct ninep *np, uint32_t dfid, const char *name, const char *path,
    bool rec)
{
	const char *nm[1] = {name};
	struct names names = {0};
	struct p9_qid qid;
	uint32_t f, lf;
	int r, status = NINEP_OK;

	r = p9c_walk(np->c, dfid, 1, nm, &f, &qid);
	if (r < 0)
		return ninep_err(path, r);
	if (!(qid.type & P9_QTDIR)) {
		(void)p9c_clunk(np->c, f);
		r = p9c_unlink(np->c, dfid, name, 0);
		return r < 0 ? ninep_err(path, r) : NINEP_OK;
	}
	if (!rec) {
		(void)p9c_clunk(np->c, f);
		return ninep_err(path, -EISDIR);
	}
	r = p9c_walk(np->c, f, 0, NULL, &lf, NULL);
	if (r == 0) {
		r = ninep_opendir(np, lf);
		if (r == 0)
			r = p9c_readdir_all(np->c, lf, names_cb, &names);
		if (r == 1)
			r = names.err;
		(void)p9c_clunk(np->c, lf);
	}
	if (r < 0)
		status = ninep_err(path, r);
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		size_t len = strlen(path) + strlen(names.v[i]) + 2;
		char *sub = malloc(len);

		if (sub == NULL) {
			status = ninep_err(path, -ENOMEM);
			break;
		}
		snprintf(sub, len, "%s/%s", path, names.v[i]);
		if (rm_entry(np, f, names.v[i], sub, true) != NINEP_OK)
			status = NINEP_FAIL;
		free(sub);
	}
	names_free(&names);
	(void)p9c_clunk(np->c, f);
	if (status != NINEP_OK)
		return status;
	r = p9c_unlink(np->c, dfid, name, P9_AT_REMOVEDIR);
	return r < 0 ? ninep_err(path, r) : NINEP_OK;
}

int
ninep_cmd_rm(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	int status = NINEP_OK;

	for (int i = 0; i < argc; i++) {
		uint32_t dfid;
		char *name;
		int r = ninep_parent(np, argv[i], &dfid, &name);

		if (r == -EINVAL) {
			status = ninep_errf("%s: refusing to remove '.', "
			                    "'..' or the root",
			    argv[i]);
			continue;
		}
		if (r < 0) {
			status = ninep_err(argv[i], r);
			continue;
		}
		if (rm_entry(np, dfid, name, argv[i], o->r) != NINEP_OK)
			status = NINEP_FAIL;
		(void)p9c_clunk(np->c, dfid);
		free(name);
	}
	return status;
}

int
ninep_cmd_mv(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	const char *from = argv[0], *to = argv[1];
	uint32_t odfid, ndfid, tf;
	char *oname, *nname = NULL;
	struct p9_qid qid;
	int r;

	r = ninep_parent(np, from, &odfid, &oname);
	if (r < 0)
		return ninep_err(from, r);
	/* into an existing directory, as mv does */
	r = ninep_walk(np, to, &tf, &qid);
	if (r == 0 && (qid.type & P9_QTDIR)) {
		ndfid = tf;
		nname = strdup(oname);
		r = nname != NULL ? 0 : -ENOMEM;
	} else {
		if (r == 0)
			(void)p9c_clunk(np->c, tf);
		r = ninep_parent(np, to, &ndfid, &nname);
	}
	if (r < 0) {
		(void)p9c_clunk(np->c, odfid);
		free(oname);
		return ninep_err(to, r);
	}
	r = p9c_move(np->c, odfid, oname, ndfid, nname);
	(void)p9c_clunk(np->c, odfid);
	(void)p9c_clunk(np->c, ndfid);
	free(oname);
	free(nname);
	if (r < 0)
		return ninep_errf(
		    "cannot move '%s' to '%s': %s", from, to, strerror(-r));
	return NINEP_OK;
}

int
ninep_cmd_ln(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	const char *target = argv[0], *path = argv[1];
	uint32_t dfid, tf = P9_NOFID;
	char *name;
	int r;

	if (!o->s) {
		r = ninep_walk(np, target, &tf, NULL);
		if (r < 0)
			return ninep_err(target, r);
	}
	r = ninep_parent(np, path, &dfid, &name);
	if (r == 0) {
		if (o->s)
			r = p9c_symlink(
			    np->c, dfid, name, target, np->gid, NULL);
		else
			r = p9c_link(np->c, dfid, tf, name);
		(void)p9c_clunk(np->c, dfid);
		free(name);
	}
	if (tf != P9_NOFID)
		(void)p9c_clunk(np->c, tf);
	return r < 0 ? ninep_err(path, r) : NINEP_OK;
}

int
ninep_cmd_readlink(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	int status = NINEP_OK;

	for (int i = 0; i < argc; i++) {
		char target[4096];
		ssize_t n = -ENOENT;
		uint32_t f;
		int r = ninep_walk(np, argv[i], &f, NULL);

		if (r == 0) {
			n = p9c_readlink(np->c, f, target, sizeof(target));
			(void)p9c_clunk(np->c, f);
		} else
			n = r;
		if (n < 0) {
			status = ninep_err(argv[i], (int)n);
			continue;
		}
		if ((size_t)n >= sizeof(target)) {
			status = ninep_err(argv[i], -ENAMETOOLONG);
			continue;
		}
		printf("%s\n", target);
	}
	return status;
}

int
ninep_cmd_df(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	const char *path = argc > 0 ? argv[0] : "/";
	struct p9_rstatfs st;
	uint64_t kb, total, used, avail, pct = 0;
	uint32_t f;
	int r;

	r = ninep_walk(np, path, &f, NULL);
	if (r == 0) {
		r = p9c_statfs(np->c, f, &st);
		(void)p9c_clunk(np->c, f);
	}
	if (r < 0)
		return ninep_err(path, r);
	kb = st.bsize / 1024 ? st.bsize / 1024 : 1;
	if (st.bsize >= 1024) {
		total = st.blocks * kb;
		used = (st.blocks - st.bfree) * kb;
		avail = st.bavail * kb;
	} else {
		total = st.blocks * st.bsize / 1024;
		used = (st.blocks - st.bfree) * st.bsize / 1024;
		avail = st.bavail * st.bsize / 1024;
	}
	/* df rounds the percentage up */
	if (used + avail > 0)
		pct = (used * 100 + used + avail - 1) / (used + avail);
	printf("%-20s %10s %10s %10s %4s %s\n", "Filesystem", "1K-blocks",
	    "Used", "Available", "Use%", "Mounted on");
	printf("%-20s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %3" PRIu64
	       "%% %s\n",
	    np->addr, total, used, avail, pct, path);
	return NINEP_OK;
}

int
ninep_cmd_touch(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	int status = NINEP_OK;

	for (int i = 0; i < argc; i++) {
		uint32_t f, dfid;
		char *name;
		int r = ninep_walk(np, argv[i], &f, NULL);

		if (r == 0) {
			struct p9c_setattr sa = {.valid = P9_SETATTR_ATIME |
			                                  P9_SETATTR_MTIME |
			                                  P9_SETATTR_CTIME};

			r = p9c_setattr(np->c, f, &sa);
			(void)p9c_clunk(np->c, f);
		} else if (r == -ENOENT) {
			r = ninep_parent(np, argv[i], &dfid, &name);
			if (r == 0) {
				r = p9c_walk(np->c, dfid, 0, NULL, &f, NULL);
				if (r == 0) {
					r = p9c_create(np->c, f, name,
					    O_WRONLY | O_CREAT,
					    0666 & ~np->umask, np->gid, NULL,
					    NULL);
					(void)p9c_clunk(np->c, f);
				}
				(void)p9c_clunk(np->c, dfid);
				free(name);
			}
		}
		if (r < 0)
			status = ninep_err(argv[i], r);
	}
	return status;
}

/* ---------------------------------------------------------------- chmod */

/*
 * Apply a chmod(1) mode to old: octal ("644", "2755") or symbolic clauses
 * "[ugoa]*[-+=][rwxXst]*", comma-separated. Returns the new permission
 * bits, or -1 if spec does not parse.
 */
static long
apply_mode(const char *spec, uint32_t old, mode_t umask_bits)
{
	uint32_t mode = old & 07777;
	const char *p = spec;

	if (*p >= '0' && *p <= '7') {
		char *end;
		long v = strtol(spec, &end, 8);

		if (*end != '\0' || v < 0 || v > 07777)
			return -1;
		return v;
	}
	while (*p != '\0') {
		uint32_t who = 0;

		for (;; p++) {
			if (*p == 'u')
				who |= 04700;
			else if (*p == 'g')
				who |= 02070;
			else if (*p == 'o')
				who |= 01007;
			else if (*p == 'a')
				who |= 07777;
			else
				break;
		}
		if (*p != '+' && *p != '-' && *p != '=')
			return -1;
		while (*p == '+' || *p == '-' || *p == '=') {
			char op = *p++;
			uint32_t bits = 0;
			uint32_t mask = who ? who : (07777 & ~umask_bits);

			for (; *p != '\0' && *p != ',' && *p != '+' &&
			       *p != '-' && *p != '=';
			     p++) {
				switch (*p) {
				case 'r':
					bits |= 0444;
					break;
				case 'w':
					bits |= 0222;
					break;
				case 'x':
					bits |= 0111;
					break;
				case 'X':
					if (S_ISDIR(old) || (mode & 0111))
						bits |= 0111;
					break;
				case 's':
					bits |= 06000;
					break;
				case 't':
					bits |= 01000;
					break;
				default:
					return -1;
				}
			}
			bits &= mask;
			if (op == '+')
				mode |= bits;
			else if (op == '-')
				mode &= ~bits;
			else
				mode = (mode & ~(who ? who : 07777)) | bits;
		}
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return -1;
	}
	return mode;
}

int
ninep_cmd_chmod(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	int status = NINEP_OK;

	if (apply_mode(argv[0], 0, np->umask) < 0) {
		ninep_errf("invalid mode: '%s'", argv[0]);
		return NINEP_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		struct p9c_setattr sa = {
		    .valid = P9_SETATTR_MODE | P9_SETATTR_CTIME};
		struct p9c_attr a;
		uint32_t f;
		int r = ninep_walk(np, argv[i], &f, NULL);

		if (r == 0) {
			r = p9c_getattr(np->c, f, P9_GETATTR_BASIC, &a);
			if (r == 0) {
				sa.mode = (uint32_t)apply_mode(
				    argv[0], a.mode, np->umask);
				r = p9c_setattr(np->c, f, &sa);
			}
			(void)p9c_clunk(np->c, f);
		}
		if (r < 0)
			status = ninep_err(argv[i], r);
	}
	return status;
}

int
ninep_cmd_version(
    struct ninep *np, const struct ninep_opts *o, int argc, char **argv)
{
	static const char *const names[] = {
	    [P9_V_2000] = "9P2000",
	    [P9_V_2000U] = "9P2000.u",
	    [P9_V_2000L] = "9P2000.L",
	};
	unsigned d = p9c_dialect(np->c);

	printf("%s msize %" PRIu32 "\n", d < 5 && names[d] ? names[d] : "?",
	    p9c_msize(np->c));
	return NINEP_OK;
}
