/* SPDX-License-Identifier: MIT */
/*
 * ninep: a command-line 9P client in the spirit of plan9port's 9p. Parses
 * the global options and the command's own, connects, negotiates the
 * dialect, attaches, runs one command and exits 0 (success), 1 (a remote or
 * I/O error; the message names the path) or 2 (bad usage).
 *
 * This file holds main, the command table and the helpers every command
 * uses; the commands live in ninep_ls.c (listing, stat) and ninep_cmds.c.
 * It keeps no state between runs and never retries a failed connection.
 */
#include "ninep_int.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ninep_cmd {
	const char *name;
	const char *flags; /* getopt letters it accepts */
	int min_args;
	int max_args; /* -1: any number */
	const char *usage;
	const char *help;
	ninep_cmd_fn *run;
};

static const struct ninep_cmd cmds[] = {
    {"ls", "adl", 0, -1, "ls [-adl] [PATH...]",
        "list directories (-l: long, -a: dot files, -d: not contents)",
        ninep_cmd_ls},
    {"stat", "", 1, -1, "stat PATH...", "show all attributes", ninep_cmd_stat},
    {"cat", "", 1, -1, "cat PATH...", "copy files to standard output",
        ninep_cmd_cat},
    {"write", "a", 1, 1, "write [-a] PATH",
        "standard input to PATH (created or truncated; -a: append)",
        ninep_cmd_write},
    {"put", "", 2, 2, "put LOCAL REMOTE", "copy a local file to REMOTE",
        ninep_cmd_put},
    {"get", "", 2, 2, "get REMOTE LOCAL",
        "copy REMOTE to a local file ('-': standard output)", ninep_cmd_get},
    {"mkdir", "p", 1, -1, "mkdir [-p] PATH...",
        "make directories (-p: with parents, existing ones are fine)",
        ninep_cmd_mkdir},
    {"rm", "r", 1, -1, "rm [-r] PATH...",
        "remove files (-r: directories and their contents)", ninep_cmd_rm},
    {"mv", "", 2, 2, "mv OLD NEW", "rename (into NEW when NEW is a directory)",
        ninep_cmd_mv},
    {"ln", "s", 2, 2, "ln [-s] TARGET PATH",
        "make a symbolic (-s) or hard link PATH", ninep_cmd_ln},
    {"readlink", "", 1, -1, "readlink PATH...", "print symbolic link targets",
        ninep_cmd_readlink},
    {"df", "", 0, 1, "df [PATH]", "file system usage (9P2000.L)", ninep_cmd_df},
    {"touch", "", 1, -1, "touch PATH...",
        "set times to now, creating empty files", ninep_cmd_touch},
    {"version", "", 0, 0, "version",
        "print the dialect and msize the server granted", ninep_cmd_version},
    {"chmod", "", 2, -1, "chmod MODE PATH...",
        "change permissions (octal, or symbolic like u+x,go-w)",
        ninep_cmd_chmod},
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ninep [-a ADDR] [-A ANAME] [-m MSIZE] [-u UID|UNAME]\n"
	    "             [-V 9P2000.L|9P2000.u|9P2000] [-w WINDOW] "
	    "[-t SECONDS] COMMAND [ARGS...]\n"
	    "\n"
	    "options:\n"
	    "  -a ADDR     server: tcp:HOST:PORT, unix:PATH, fd:N, HOST:PORT "
	    "or /PATH\n"
	    "              (default: $NINEP_ADDR)\n"
	    "  -A ANAME    tree to attach (default: \"\")\n"
	    "  -m MSIZE    largest message to ask for (default %u)\n"
	    "  -u USER     attach as USER, a name or a number (default: you)\n"
	    "  -V VERSION  dialect to ask for (default 9P2000.L)\n"
	    "  -w WINDOW   reads/writes in flight for cat, get, put, write "
	    "(default %u)\n"
	    "  -t SECONDS  give up when the server does not answer in time\n"
	    "  --help      this text\n"
	    "\n"
	    "commands:\n",
	    P9C_DEFAULT_MSIZE, P9C_DEFAULT_WINDOW);
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-22s %s\n", cmds[i].usage, cmds[i].help);
	fprintf(f,
	    "\n"
	    "Remote paths are relative to the attached tree. Exit status: 0 "
	    "success,\n"
	    "1 a remote or I/O error, 2 bad usage.\n");
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ninep: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'ninep --help' for more information.\n", stderr);
	return NINEP_USAGE;
}

/* ------------------------------------------------------------- helpers */

int
ninep_err(const char *what, int err)
{
	fprintf(
	    stderr, "ninep: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return NINEP_FAIL;
}

int
ninep_errf(const char *fmt, ...)
{
	va_list ap;

	fputs("ninep: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return NINEP_FAIL;
}

int
ninep_walk(
    struct ninep *np, const char *path, uint32_t *fid, struct p9_qid *qid)
{
	return p9c_walk_path(np->c, np->root, path, fid, qid);
}

const char *
ninep_basename(const char *path)
{
	size_t n = strlen(path);

	while (n > 0 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	return path + n;
}

int
ninep_parent(struct ninep *np, const char *path, uint32_t *dfid, char **name)
{
	char *dir, *base, *slash;
	size_t n;
	int r;

	dir = strdup(path);
	if (dir == NULL)
		return -ENOMEM;
	n = strlen(dir);
	while (n > 0 && dir[n - 1] == '/')
		dir[--n] = '\0';
	slash = strrchr(dir, '/');
	base = slash != NULL ? slash + 1 : dir;
	if (base[0] == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		free(dir);
		return -EINVAL;
	}
	*name = strdup(base);
	if (*name == NULL) {
		free(dir);
		return -ENOMEM;
	}
	if (slash != NULL)
		*slash = '\0';
	else
		dir[0] = '\0';
	r = ninep_walk(np, dir, dfid, NULL);
	free(dir);
	if (r < 0) {
		free(*name);
		*name = NULL;
	}
	return r;
}

int
ninep_opendir(struct ninep *np, uint32_t fid)
{
	return p9c_open(np->c, fid, O_RDONLY | O_DIRECTORY, NULL, NULL);
}

int
ninep_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* --------------------------------------------------------------- main */

struct globals {
	const char *addr;
	const char *aname;
	const char *user;
	const char *version;
	uint32_t msize;
	unsigned window;
	int timeout_ms;
};

static bool
parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno == 0 && *end == '\0' && *v <= max;
}

/* uname and n_uname for -u (or the caller's own identity). */
static void
who(const char *user, char *uname, size_t uname_len, uint32_t *n_uname)
{
	unsigned long id;
	struct passwd *pw;

	if (user == NULL) {
		*n_uname = (uint32_t)geteuid();
		pw = getpwuid(geteuid());
	} else if (parse_uint(user, UINT32_MAX - 1, &id)) {
		*n_uname = (uint32_t)id;
		pw = getpwuid((uid_t)id);
	} else {
		snprintf(uname, uname_len, "%s", user);
		pw = getpwnam(user);
		*n_uname = pw != NULL ? (uint32_t)pw->pw_uid : P9_NONUNAME;
		return;
	}
	snprintf(uname, uname_len, "%s", pw != NULL ? pw->pw_name : "");
}

static int
parse_globals(int argc, char **argv, struct globals *g)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	unsigned long v;
	int ch;

	memset(g, 0, sizeof(*g));
	g->addr = getenv("NINEP_ADDR");
	g->aname = "";
	g->version = "9P2000.L";
	g->msize = P9C_DEFAULT_MSIZE;
	g->window = P9C_DEFAULT_WINDOW;
	g->timeout_ms = -1;
	opterr = 0;
	while ((ch = getopt_long(
	            argc, argv, "+a:A:m:u:V:w:t:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			g->addr = optarg;
			break;
		case 'A':
			g->aname = optarg;
			break;
		case 'm':
			if (!parse_uint(optarg, UINT32_MAX, &v) ||
			    v < P9C_MIN_MSIZE)
				return usage_error("-m %s: not an msize "
				                   "(%u or more)",
				    optarg, P9C_MIN_MSIZE);
			g->msize = (uint32_t)v;
			break;
		case 'u':
			g->user = optarg;
			break;
		case 'V':
			if (strcmp(optarg, "9P2000.L") != 0 &&
			    strcmp(optarg, "9P2000.u") != 0 &&
			    strcmp(optarg, "9P2000") != 0)
				return usage_error("-V %s: not 9P2000.L, "
				                   "9P2000.u or 9P2000",
				    optarg);
			g->version = optarg;
			break;
		case 'w':
			if (!parse_uint(optarg, P9C_MAX_WINDOW, &v) || v == 0)
				return usage_error("-w %s: not a window "
				                   "(1..%u)",
				    optarg, P9C_MAX_WINDOW);
			g->window = (unsigned)v;
			break;
		case 't':
			if (!parse_uint(optarg, INT_MAX / 1000, &v))
				return usage_error("-t %s: not a number of "
				                   "seconds",
				    optarg);
			g->timeout_ms = (int)v * 1000;
			break;
		case 'h':
			usage(stdout);
			exit(NINEP_OK);
		default:
			if (optopt != 0 && strchr("aAmuVwt", optopt) != NULL)
				return usage_error("option -%c needs an "
				                   "argument",
				    optopt);
			return usage_error(
			    "unknown option '%s'", argv[optind - 1]);
		}
	}
	return NINEP_OK;
}

static const struct ninep_cmd *
find_cmd(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

/* Parse the command's flags; argv[0] is the command name. */
static int
parse_cmd(const struct ninep_cmd *cmd, int argc, char **argv,
    struct ninep_opts *o, int *first)
{
	char optstr[16];
	int ch, nargs;

	memset(o, 0, sizeof(*o));
	snprintf(optstr, sizeof(optstr), "+%s", cmd->flags);
	optind = 0; /* GNU getopt: start over */
	while ((ch = getopt(argc, argv, optstr)) != -1) {
		switch (ch) {
		case 'a':
			o->a = true;
			break;
		case 'd':
			o->d = true;
			break;
		case 'l':
			o->l = true;
			break;
		case 'p':
			o->p = true;
			break;
		case 'r':
			o->r = true;
			break;
		case 's':
			o->s = true;
			break;
		default:
			return usage_error("%s: unknown option '%s'\n"
			                   "usage: ninep %s",
			    cmd->name, argv[optind - 1], cmd->usage);
		}
	}
	nargs = argc - optind;
	if (nargs < cmd->min_args ||
	    (cmd->max_args >= 0 && nargs > cmd->max_args))
		return usage_error("%s: %s operands\nusage: ninep %s",
		    cmd->name, nargs < cmd->min_args ? "missing" : "too many",
		    cmd->usage);
	*first = optind;
	return NINEP_OK;
}

static int
session_open(struct ninep *np, const struct globals *g)
{
	char uname[256] = "";
	uint32_t n_uname;
	int r;

	int fd;

	r = p9c_dial(g->addr, &fd);
	if (r < 0)
		return ninep_err(g->addr, r);
	r = p9c_new(fd, &np->c);
	if (r < 0)
		return ninep_err(g->addr, r);
	p9c_set_timeout(np->c, g->timeout_ms);
	r = p9c_version(np->c, g->msize, g->version);
	if (r < 0)
		return ninep_errf(
		    "%s: version %s: %s", g->addr, g->version, strerror(-r));
	who(g->user, uname, sizeof(uname), &n_uname);
	r = p9c_attach(np->c, uname, n_uname, g->aname, &np->root, NULL);
	if (r < 0)
		return ninep_errf(
		    "%s: attach '%s': %s", g->addr, g->aname, strerror(-r));
	np->attached = true;
	return NINEP_OK;
}

int
main(int argc, char **argv)
{
	const struct ninep_cmd *cmd;
	struct ninep_opts o;
	struct globals g;
	struct ninep np;
	int ci, first = 0, status;

	status = parse_globals(argc, argv, &g);
	if (status != NINEP_OK)
		return status;
	ci = optind; /* getopt's optind changes below */
	if (ci >= argc)
		return usage_error("no command");
	if (strcmp(argv[ci], "help") == 0) {
		usage(stdout);
		return NINEP_OK;
	}
	cmd = find_cmd(argv[ci]);
	if (cmd == NULL)
		return usage_error("unknown command '%s'", argv[ci]);
	status = parse_cmd(cmd, argc - ci, argv + ci, &o, &first);
	if (status != NINEP_OK)
		return status;
	if (g.addr == NULL || g.addr[0] == '\0')
		return usage_error("no server address (-a ADDR or "
		                   "NINEP_ADDR)");

	memset(&np, 0, sizeof(np));
	np.addr = g.addr;
	np.window = g.window;
	np.umask = umask(022);
	umask(np.umask);
	np.gid = (uint32_t)getegid();
	status = session_open(&np, &g);
	if (status == NINEP_OK)
		status =
		    cmd->run(&np, &o, argc - ci - first, argv + ci + first);
	if (np.attached && p9c_error(np.c) == 0)
		(void)p9c_clunk(np.c, np.root);
	p9c_free(np.c);
	if (fflush(stdout) != 0 && status == NINEP_OK)
		status = ninep_err("standard output", -errno);
	return status;
}
