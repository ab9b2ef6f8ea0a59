/* SPDX-License-Identifier: MIT */
/*
 * ninebench: a 9P load generator. One or more connections (one thread
 * each), N requests in flight per connection by tag, for a fixed count of
 * units or a fixed time; workloads are sequential read and write, getattr
 * on one fid, stat of many files (walk + getattr + clunk), readdir,
 * create + write 4 KiB + clunk, a mix of those from several connections,
 * and a client that stops reading its replies. Without -a the same
 * workloads run as plain syscalls on a path (a kernel mount), for
 * reference.
 *
 * It prints one line of key=value figures. The clock and the CPU time of
 * the processes named with -p cover only the run, not connecting and
 * setting up. Scripts compare servers; this program compares nothing and
 * does not start or stop servers (tests/bench/run.sh does).
 */
#include "ninebench.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const wl_names[T_NB_NWL] = {
    [T_NB_READ] = "read",
    [T_NB_WRITE] = "write",
    [T_NB_GETATTR] = "getattr",
    [T_NB_STAT] = "stat",
    [T_NB_READDIR] = "readdir",
    [T_NB_CREATE] = "create",
    [T_NB_MIXED] = "mixed",
    [T_NB_STALL] = "stall",
};

void
t_nb_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("ninebench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool
t_nb_take(struct t_nb_shared *sh, uint64_t *idx)
{
	uint64_t i;

	if (sh->stop)
		return false;
	i = __atomic_fetch_add(&sh->next, 1, __ATOMIC_RELAXED);
	if (i >= sh->limit)
		return false;
	*idx = i;
	return true;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ninebench [options] WORKLOAD PATH\n"
	    "\n"
	    "WORKLOAD: read FILE | write FILE | getattr FILE | stat DIR |\n"
	    "          readdir DIR | create DIR | mixed FILE (-D DIR) |\n"
	    "          stall FILE\n"
	    "PATH is relative to the attached root (9P), or a path on a\n"
	    "mounted file system when -a is not given (plain syscalls).\n"
	    "\n"
	    "  -a ADDR    9P server: tcp:HOST:PORT or unix:PATH\n"
	    "  -A ANAME   attach name (default \"\")\n"
	    "  -m BYTES   msize to ask for (default 1M)\n"
	    "  -c N       connections, one thread each (default 1)\n"
	    "  -d N       requests in flight per connection; local: threads\n"
	    "             (default 1)\n"
	    "  -n N       units to do: reads/writes, getattrs, files,\n"
	    "             listings\n"
	    "  -t SECS    run for SECS instead (default 2 without -n)\n"
	    "  -s BYTES   read/write: bytes (read: default the whole file)\n"
	    "  -b BYTES   local read/write: bytes per syscall (default 1M)\n"
	    "  -o         local read/write with O_DIRECT (no page cache)\n"
	    "  -P PREFIX  stat/create: file names PREFIX0, PREFIX1, ...\n"
	    "  -N N       stat: names wrap at N (default: no wrap)\n"
	    "  -D DIR     mixed: the directory for stat and readdir\n"
	    "  -p PID     report PID's CPU time and RSS (up to 4 times)\n"
	    "  -L LABEL   put label=LABEL into the result line\n"
	    "\n"
	    "Sizes take K, M, G suffixes (powers of 1024). mixed runs\n"
	    "read/getattr/stat/readdir on connections 0/1/2/3 (mod 4).\n");
}

static int
parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	switch (*end) {
	case 'K':
	case 'k':
		v <<= 10;
		end++;
		break;
	case 'M':
	case 'm':
		v <<= 20;
		end++;
		break;
	case 'G':
	case 'g':
		v <<= 30;
		end++;
		break;
	default:
		break;
	}
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
parse_opts(int argc, char **argv, struct t_nb_opts *o)
{
	uint64_t v;
	int c;

	o->aname = "";
	o->msize = 1u << 20;
	o->conns = 1;
	o->depth = 1;
	o->bs = 1u << 20;
	o->prefix = "f";
	o->label = "-";
	while (
	    (c = getopt(argc, argv, "a:A:m:c:d:n:t:s:b:oP:N:D:p:L:h")) != -1) {
		switch (c) {
		case 'a':
			o->addr = optarg;
			break;
		case 'A':
			o->aname = optarg;
			break;
		case 'o':
			o->direct = true;
			break;
		case 'P':
			o->prefix = optarg;
			break;
		case 'D':
			o->dir = optarg;
			break;
		case 'L':
			o->label = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 't':
			o->secs = strtod(optarg, NULL);
			if (!(o->secs > 0))
				goto bad;
			break;
		case 'p':
			if (o->npids == 4)
				goto bad;
			o->pids[o->npids++] = atoi(optarg);
			break;
		default:
			if (c == '?' || parse_size(optarg, &v) != 0)
				goto bad;
			if (c == 'm' && v >= 4096 && v <= UINT32_MAX)
				o->msize = (uint32_t)v;
			else if (c == 'c' && v >= 1 && v <= T_NB_MAXCONNS)
				o->conns = (unsigned)v;
			else if (c == 'd' && v >= 1 && v <= T_NB_MAXDEPTH)
				o->depth = (unsigned)v;
			else if (c == 'n' && v >= 1)
				o->count = v;
			else if (c == 's')
				o->size = v;
			else if (c == 'b' && v >= 512 && v <= (1u << 30))
				o->bs = (uint32_t)v;
			else if (c == 'N')
				o->nfiles = v;
			else
				goto bad;
		}
	}
	if (argc - optind != 2)
		goto bad;
	for (o->wl = 0; o->wl < T_NB_NWL; o->wl++)
		if (strcmp(argv[optind], wl_names[o->wl]) == 0)
			break;
	if (o->wl == T_NB_NWL)
		goto bad;
	o->path = argv[optind + 1];
	if (o->wl == T_NB_MIXED && o->dir == NULL) {
		t_nb_warn("mixed needs -D DIR");
		return -1;
	}
	if (o->count == 0 && o->secs == 0 && o->wl != T_NB_READ &&
	    o->wl != T_NB_WRITE)
		o->secs = 2;
	if (o->wl == T_NB_WRITE && o->size == 0) {
		t_nb_warn("write needs -s BYTES");
		return -1;
	}
	if (o->wl == T_NB_MIXED || o->wl == T_NB_STALL) {
		o->count = 0;
		if (o->secs == 0)
			o->secs = 2;
	}
	return 0;
bad:
	usage(stderr);
	return -1;
}

/* ------------------------------------------------- process accounting */

struct nb_proc {
	double cpu_s; /* utime + stime */
	long rss_kib, hwm_kib;
};

static int
proc_sample(int pid, struct nb_proc *p)
{
	char path[64], line[1024];
	unsigned long ut = 0, st = 0;
	FILE *f;

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -errno;
	if (fgets(line, sizeof(line), f) != NULL) {
		/* after the ")" that ends comm: fields 3.. ; utime is 14 */
		const char *q = strrchr(line, ')');

		if (q != NULL)
			sscanf(q + 2,
			    "%*c %*d %*d %*d %*d %*d %*u %*u %*u "
			    "%*u %*u %lu %lu",
			    &ut, &st);
	}
	fclose(f);
	p->cpu_s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -errno;
	while (fgets(line, sizeof(line), f) != NULL) {
		sscanf(line, "VmRSS: %ld", &p->rss_kib);
		sscanf(line, "VmHWM: %ld", &p->hwm_kib);
	}
	fclose(f);
	return 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ the run */

struct nb_thread {
	pthread_t th;
	const struct t_nb_opts *o;
	unsigned index;
	struct t_nb_shared *sh;
	struct t_nb_count cnt;
};

static void *
thread_main(void *arg)
{
	struct nb_thread *t = arg;

	if (t->o->addr != NULL)
		t_nb_9p_run(t->o, t->index, t->sh, &t->cnt);
	else
		t_nb_local_run(t->o, t->index, t->sh, &t->cnt);
	return NULL;
}

static void
print_result(const struct t_nb_opts *o, unsigned nthreads,
    const struct nb_thread *t, double secs, const struct nb_proc *p0,
    const struct nb_proc *p1)
{
	struct t_nb_count sum = {0};
	double cpu = 0;

	for (unsigned i = 0; i < nthreads; i++) {
		sum.units += t[i].cnt.units;
		sum.reqs += t[i].cnt.reqs;
		sum.bytes += t[i].cnt.bytes;
		sum.items += t[i].cnt.items;
		if (sum.err == 0)
			sum.err = t[i].cnt.err;
	}
	printf("label=%s wl=%s mode=%s conns=%u depth=%u msize=%u units=%llu "
	       "reqs=%llu bytes=%llu items=%llu secs=%.4f units_s=%.1f "
	       "reqs_s=%.1f mib_s=%.2f items_s=%.1f",
	    o->label, wl_names[o->wl], o->addr ? "9p" : "local", o->conns,
	    o->depth, o->addr ? o->msize : o->bs, (unsigned long long)sum.units,
	    (unsigned long long)sum.reqs, (unsigned long long)sum.bytes,
	    (unsigned long long)sum.items, secs, (double)sum.units / secs,
	    (double)sum.reqs / secs, (double)sum.bytes / secs / 1048576.0,
	    (double)sum.items / secs);
	for (unsigned i = 0; i < o->npids; i++) {
		double c = p1[i].cpu_s - p0[i].cpu_s;

		cpu += c;
		printf(" pid%u_cpu_us=%.0f pid%u_rss_kib=%ld pid%u_hwm_kib=%ld",
		    i, c * 1e6, i, p1[i].rss_kib, i, p1[i].hwm_kib);
	}
	if (o->npids > 0)
		printf(" cpu_us=%.0f cpu_us_unit=%.2f", cpu * 1e6,
		    sum.units ? cpu * 1e6 / (double)sum.units : 0.0);
	printf(" err=%d\n", sum.err);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static struct t_nb_opts o;
	static struct t_nb_shared sh;
	struct nb_proc p0[4], p1[4];
	struct nb_thread *t;
	unsigned n;
	double t0, t1;
	int err = 0;

	if (parse_opts(argc, argv, &o) != 0)
		return 2;
	if (o.wl == T_NB_STALL && o.addr == NULL) {
		t_nb_warn("stall needs a 9P server (-a)");
		return 2;
	}
	n = o.conns;
	if (o.addr == NULL && o.wl != T_NB_MIXED) {
		/* local: threads stand for requests in flight */
		n = o.depth;
	} else if (o.addr == NULL) {
		n = o.conns * o.depth;
	}
	sh.limit = o.count ? o.count : UINT64_MAX;
	if (o.wl == T_NB_STALL)
		sh.limit = UINT64_MAX;
	if ((o.addr ? t_nb_9p_prepare(&o, &sh) : t_nb_local_prepare(&o, &sh)) !=
	    0)
		return 1;
	t = calloc(n, sizeof(*t));
	if (t == NULL)
		return 1;
	pthread_barrier_init(&sh.ready, NULL, n + 1);
	pthread_barrier_init(&sh.done, NULL, n + 1);
	pthread_barrier_init(&sh.measured, NULL, n + 1);
	for (unsigned i = 0; i < n; i++) {
		t[i].o = &o;
		t[i].index = i;
		t[i].sh = &sh;
		if (pthread_create(&t[i].th, NULL, thread_main, &t[i]) != 0) {
			t_nb_warn("cannot start thread %u", i);
			return 1;
		}
	}
	pthread_barrier_wait(&sh.ready);
	for (unsigned i = 0; i < o.npids; i++)
		if (proc_sample(o.pids[i], &p0[i]) != 0)
			t_nb_warn("pid %d: cannot read /proc", o.pids[i]);
	t0 = now_s();
	if (o.secs > 0) {
		struct timespec ts = {.tv_sec = (time_t)o.secs,
		    .tv_nsec = (long)((o.secs - (double)(time_t)o.secs) * 1e9)};

		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		sh.stop = 1;
	}
	pthread_barrier_wait(&sh.done);
	t1 = now_s();
	for (unsigned i = 0; i < o.npids; i++)
		(void)proc_sample(o.pids[i], &p1[i]);
	pthread_barrier_wait(&sh.measured);
	for (unsigned i = 0; i < n; i++) {
		pthread_join(t[i].th, NULL);
		if (t[i].cnt.err != 0 && err == 0)
			err = t[i].cnt.err;
	}
	print_result(&o, n, t, t1 - t0, p0, p1);
	free(t);
	return err != 0 ? 1 : 0;
}
