/* SPDX-License-Identifier: MIT */
/*
 * The command line: `ninegate [OPTIONS] --export DIR` or
 * `ninegate [OPTIONS] -- PROGRAM ARGS...`. Parses into struct gw_opts and
 * nothing more; checking that listeners bind or DIR exists is start-up's job.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_int.h"

static const char usage_text[] =
"usage: ninegate [OPTIONS] --export DIR\n"
"       ninegate [OPTIONS] -- PROGRAM [ARGS...]   ({} in ARGS marks /dev/fd/N)\n"
"\n"
"Serve a FUSE filesystem over 9P2000.L, 9P2000.u and 9P2000.\n"
"\n"
"Backend:\n"
"  --export DIR            export DIR with the built-in sandboxed passthrough\n"
"  -- PROGRAM ARGS...      run a FUSE program, e.g. -- sshfs -f host:/srv {}\n"
"\n"
"Listeners (repeatable; default: systemd sockets when LISTEN_FDS is set):\n"
"  -l, --listen tcp:HOST:PORT | unix:PATH | stdio | fd:N | systemd\n"
"  --socket-mode OCTAL     mode of unix sockets (default 0600)\n"
"\n"
"Protocol and access:\n"
"  --msize BYTES           largest 9P message (default 1048576, min 4096)\n"
"  -r, --read-only         refuse every change with EROFS\n"
"  --uid UID, --gid GID    run every request as this identity\n"
"  --all-squash UID:GID    the same, in one option\n"
"  --root-squash           run requests of uid 0 as 65534 (nobody)\n"
"  --uid-map IN:OUT:COUNT  client uids IN.. are backend uids OUT.. (repeatable;\n"
"  --gid-map IN:OUT:COUNT  unmapped ids become 65534, as in a user namespace)\n"
"  --no-special-files      refuse to create devices, FIFOs and sockets (EPERM)\n"
"  --allow-devices         let the built-in backend make device nodes (root\n"
"                          clients could then reach host devices; off by default)\n"
"  --flush-timeout SECS    answer a Tflush after SECS even if the backend\n"
"                          op still hangs (default: wait, as 9P asks)\n"
"  --chunk BYTES           bytes per FUSE READ/WRITE (default 131072)\n"
"\n"
"Limits:\n"
"  --max-connections N     (default 64)\n"
"  --max-fids N            fids per connection (default 16384)\n"
"  --max-requests N        requests in flight per connection (default 256)\n"
"  --output-bound BYTES    queued reply bytes per connection before it stops\n"
"                          being read (default 4194304)\n"
"\n"
"Sandbox:\n"
"  --seccomp kill|trap|log|off   seccomp mode (default kill)\n"
"  --sandbox auto|namespace|none namespaces for the gateway (default auto)\n"
"  --sandbox-selftest CALL  enter the sandbox, then make CALL (openat,\n"
"                          execve, socket, connect, fork): must die by SIGSYS\n"
"\n"
"Other:\n"
"  -v, --verbose           more log; twice (or --debug): every 9P and FUSE message\n"
"  -h, --help              this text\n"
"  -V, --version           print the version\n";

enum {
	O_EXPORT = 256, O_MSIZE, O_UID, O_GID, O_MAXCONN, O_MAXFIDS, O_MAXREQ,
	O_OUTBOUND, O_CHUNK, O_FLUSHTO, O_SOCKMODE, O_DEBUG, O_SECCOMP,
	O_SANDBOX, O_SELFTEST, O_ALLSQUASH, O_ROOTSQUASH, O_UIDMAP, O_GIDMAP,
	O_NOSPECIAL, O_ALLOWDEV,
};

static const struct option longopts[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "export", required_argument, NULL, O_EXPORT },
	{ "msize", required_argument, NULL, O_MSIZE },
	{ "read-only", no_argument, NULL, 'r' },
	{ "uid", required_argument, NULL, O_UID },
	{ "gid", required_argument, NULL, O_GID },
	{ "max-connections", required_argument, NULL, O_MAXCONN },
	{ "max-fids", required_argument, NULL, O_MAXFIDS },
	{ "max-requests", required_argument, NULL, O_MAXREQ },
	{ "output-bound", required_argument, NULL, O_OUTBOUND },
	{ "chunk", required_argument, NULL, O_CHUNK },
	{ "flush-timeout", required_argument, NULL, O_FLUSHTO },
	{ "socket-mode", required_argument, NULL, O_SOCKMODE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "debug", no_argument, NULL, O_DEBUG },
	{ "seccomp", required_argument, NULL, O_SECCOMP },
	{ "sandbox", required_argument, NULL, O_SANDBOX },
	{ "sandbox-selftest", required_argument, NULL, O_SELFTEST },
	{ "all-squash", required_argument, NULL, O_ALLSQUASH },
	{ "root-squash", no_argument, NULL, O_ROOTSQUASH },
	{ "uid-map", required_argument, NULL, O_UIDMAP },
	{ "gid-map", required_argument, NULL, O_GIDMAP },
	{ "no-special-files", no_argument, NULL, O_NOSPECIAL },
	{ "allow-devices", no_argument, NULL, O_ALLOWDEV },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ninegate: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'ninegate --help' for more information.\n");
	exit(2);
}

static uint64_t
num(const char *opt, const char *s, uint64_t min, uint64_t max, int base)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);

	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		usage_error("%s: invalid value '%s' (allowed %" PRIu64
			    "..%" PRIu64 ")", opt, s, min, max);
	return v;
}

static void
add_listen(struct gw_opts *o, const char *spec)
{
	static const struct {
		const char *prefix;
		enum gw_listen_kind kind;
	} kinds[] = {
		{ "tcp:", GW_L_TCP }, { "unix:", GW_L_UNIX },
		{ "fd:", GW_L_FD }, { "stdio", GW_L_STDIO },
		{ "systemd", GW_L_SYSTEMD },
	};
	struct gw_listen_spec *l;

	l = realloc(o->listen, (o->nlisten + 1) * sizeof(*l));
	if (!l)
		fatal("out of memory");
	o->listen = l;
	l = &o->listen[o->nlisten];
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i].prefix);
		if (strncmp(spec, kinds[i].prefix, n) != 0)
			continue;
		bool bare = kinds[i].prefix[n - 1] != ':';
		if (bare ? spec[n] != '\0' : spec[n] == '\0')
			break;
		l->kind = kinds[i].kind;
		l->addr = strdup(spec + n);
		if (!l->addr)
			fatal("out of memory");
		o->nlisten++;
		return;
	}
	usage_error("bad listener '%s' (tcp:HOST:PORT, unix:PATH, stdio, "
		    "fd:N or systemd)", spec);
}

static const char *
one_of(const char *opt, const char *v, const char *const *allowed)
{
	for (size_t i = 0; allowed[i]; i++)
		if (strcmp(v, allowed[i]) == 0)
			return allowed[i];
	usage_error("%s: unknown mode '%s'", opt, v);
}

void
gw_opts_parse(struct gw_opts *o, int argc, char **argv)
{
	static const char *const seccomp_modes[] = { "kill", "trap", "log",
		"off", NULL };
	static const char *const sandbox_modes[] = { "auto", "namespace",
		"none", NULL };
	static const char *const selftests[] = { "openat", "execve",
		"socket", "connect", "fork", NULL };
	int ch;

	memset(o, 0, sizeof(*o));
	o->msize = GW_MSIZE_DEFAULT;
	o->max_connections = GW_MAX_CONNECTIONS_DEFAULT;
	o->max_fids = GW_MAX_FIDS_DEFAULT;
	o->max_requests = GW_MAX_REQUESTS_DEFAULT;
	o->output_bound = GW_OUTPUT_BOUND_DEFAULT;
	o->chunk = GW_CHUNK_DEFAULT;
	o->socket_mode = 0600;
	o->seccomp = NG_SECCOMP_DEBUG ? "trap" : "kill";
	o->sandbox = "auto";

	while ((ch = getopt_long(argc, argv, "+l:rvhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			add_listen(o, optarg);
			break;
		case O_EXPORT:
			o->export_dir = optarg;
			break;
		case O_MSIZE:
			o->msize = (uint32_t)num("--msize", optarg, GW_MSIZE_MIN,
			    GW_MSIZE_MAX, 0);
			break;
		case 'r':
			o->read_only = true;
			break;
		case O_UID:
			o->squash = true;
			o->squash_uid = (uint32_t)num("--uid", optarg, 0,
			    UINT32_MAX - 1, 10);
			break;
		case O_GID:
			o->squash = true;
			o->squash_gid = (uint32_t)num("--gid", optarg, 0,
			    UINT32_MAX - 1, 10);
			break;
		case O_ALLSQUASH: {
			unsigned long u, g;
			char tail;
			if (sscanf(optarg, "%lu:%lu%c", &u, &g, &tail) != 2 ||
			    u >= UINT32_MAX || g >= UINT32_MAX)
				usage_error("--all-squash: expected UID:GID, got "
					    "'%s'", optarg);
			o->squash = true;
			o->squash_uid = (uint32_t)u;
			o->squash_gid = (uint32_t)g;
			break;
		}
		case O_ROOTSQUASH:
			o->root_squash = true;
			break;
		case O_UIDMAP:
		case O_GIDMAP:
			if (gw_idmap_parse(ch == O_UIDMAP ? &o->uid_map :
			    &o->gid_map, optarg) < 0)
				usage_error("%s: expected INSIDE:OUTSIDE:COUNT "
					    "(at most %d ranges), got '%s'",
				    ch == O_UIDMAP ? "--uid-map" : "--gid-map",
				    GW_IDMAP_MAX, optarg);
			break;
		case O_NOSPECIAL:
			o->no_special_files = true;
			break;
		case O_ALLOWDEV:
			o->allow_devices = true;
			break;
		case O_MAXCONN:
			o->max_connections = (unsigned)num("--max-connections",
			    optarg, 1, 65536, 10);
			break;
		case O_MAXFIDS:
			o->max_fids = (unsigned)num("--max-fids", optarg, 2,
			    1u << 24, 10);
			break;
		case O_MAXREQ:
			o->max_requests = (unsigned)num("--max-requests", optarg,
			    1, 65535, 10);
			break;
		case O_OUTBOUND:
			o->output_bound = (size_t)num("--output-bound", optarg,
			    4096, 1ull << 32, 10);
			break;
		case O_CHUNK:
			o->chunk = (uint32_t)num("--chunk", optarg, 4096,
			    GW_MSIZE_MAX, 10);
			break;
		case O_FLUSHTO:
			o->flush_timeout_ms = (unsigned)num("--flush-timeout",
			    optarg, 0, 86400, 10) * 1000u;
			break;
		case O_SOCKMODE:
			o->socket_mode = (unsigned)num("--socket-mode", optarg,
			    0, 0777, 8);
			break;
		case 'v':
			o->verbose++;
			break;
		case O_DEBUG:
			o->verbose = 2;
			break;
		case O_SECCOMP:
			o->seccomp = one_of("--seccomp", optarg, seccomp_modes);
			break;
		case O_SANDBOX:
			o->sandbox = one_of("--sandbox", optarg, sandbox_modes);
			break;
		case O_SELFTEST:
			o->selftest = one_of("--sandbox-selftest", optarg,
			    selftests);
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'V':
			printf("ninegate %s\n", NG_VERSION);
			exit(0);
		default:
			fprintf(stderr, "Try 'ninegate --help' for more "
					"information.\n");
			exit(2);
		}
	}
	if (optind < argc)
		o->prog_argv = &argv[optind];
	if (!o->export_dir && !o->prog_argv)
		usage_error("%s", "no backend: give --export DIR or -- PROGRAM "
				  "ARGS...");
	if (o->export_dir && o->prog_argv)
		usage_error("%s", "give either --export DIR or -- PROGRAM, "
				  "not both");
	if (o->nlisten == 0) {
		if (!getenv("LISTEN_FDS"))
			usage_error("%s", "no listener: give -l tcp:HOST:PORT, "
					  "-l unix:PATH, -l stdio or -l fd:N");
		add_listen(o, "systemd");
	}
}
