/* SPDX-License-Identifier: MIT */
/*
 * The gateway test harness (t_gw_harness.h): ninegate + testfs on a unix
 * socket in a temporary directory, testfs's log and report, a stop that
 * insists on exit status 0, and TAP-style checks. Every wait is a bounded
 * poll for an event; nothing here sleeps to let something happen. It does
 * not interpret 9P traffic.
 */
#include "t_gw_harness.h"

#include "p9_client.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define POLL_STEP_MS 5

int t_nchecks, t_nfails;

/* ---------------------------------------------------------------- checks */

bool
t_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	t_nchecks++;
	if (!ok)
		t_nfails++;
	printf("%s %d - ", ok ? "ok" : "not ok", t_nchecks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

void
t_note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void
t_bail(struct t_gw *g, const char *fmt, ...)
{
	va_list ap;

	fputs("Bail out! ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (g) {
		t_gw_dump(g);
		(void)t_gw_stop(g, 10000, NULL);
	}
	exit(1);
}

int
t_done(void)
{
	printf("1..%d\n", t_nchecks);
	if (t_nfails)
		printf("# %d of %d checks failed\n", t_nfails, t_nchecks);
	fflush(stdout);
	return t_nfails ? 1 : 0;
}

int64_t
t_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
poll_pause(void)
{
	struct timespec ts = { 0, POLL_STEP_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------- processes */

static void
print_file(const char *path, const char *prefix)
{
	char line[1024];
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("%s%s%s", prefix, line,
		    strchr(line, '\n') ? "" : "\n");
	fclose(f);
	fflush(stdout);
}

void
t_gw_dump(const struct t_gw *g)
{
	int n = t_gw_log_lines(g);
	char line[1024];
	FILE *f = fopen(g->log, "re");

	printf("# testfs log (%d lines), the last 30:\n", n);
	for (int i = 0; f && fgets(line, sizeof(line), f); i++)
		if (i >= n - 30)
			printf("#   %s%s", line, strchr(line, '\n') ? "" : "\n");
	if (f)
		fclose(f);
	printf("# ninegate's stderr:\n");
	print_file(g->errlog, "#   ");
}

static void
describe(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(st),
		    strsignal(WTERMSIG(st)));
	else
		snprintf(buf, len, "wait status 0x%x", (unsigned)st);
}

static void
hint_status(const struct t_gw *g, int st)
{
	char d[96];

	describe(st, d, sizeof(d));
	printf("# ninegate %s\n", d);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		printf("# ninegate died by SIGSYS: a system call outside its "
		    "seccomp allow-list; rerun it with --seccomp=trap to have "
		    "the call named\n");
	if (WIFEXITED(st) && WEXITSTATUS(st) == 70)
		printf("# exit 70 is the --seccomp=trap exit: see the blocked "
		    "call named below\n");
	print_file(g->errlog, "#   ninegate: ");
}

static char **
build_argv(const struct t_gw *g, const char *ninegate, const char *testfs,
    const char *const *gw_args, const char *const *fs_args, char *bufs[3])
{
	size_t n = 0, ng = 0, nf = 0;

	while (gw_args && gw_args[ng])
		ng++;
	while (fs_args && fs_args[nf])
		nf++;
	char **v = calloc(16 + ng + nf, sizeof(*v));
	if (!v)
		return NULL;
	if (asprintf(&bufs[0], "--log=%s", g->log) < 0 ||
	    asprintf(&bufs[1], "--report=%s", g->report) < 0 ||
	    asprintf(&bufs[2], "--control=%s", g->control) < 0) {
		free(v);
		return NULL;
	}
	v[n++] = (char *)ninegate;
	v[n++] = (char *)"-l";
	v[n++] = (char *)g->addr;
	v[n++] = (char *)"--seccomp";
	v[n++] = (char *)"kill";
	for (size_t i = 0; i < ng; i++)
		v[n++] = (char *)gw_args[i];
	v[n++] = (char *)"--";
	v[n++] = (char *)testfs;
	v[n++] = bufs[0];
	v[n++] = bufs[1];
	v[n++] = bufs[2];
	for (size_t i = 0; i < nf; i++)
		v[n++] = (char *)fs_args[i];
	v[n++] = (char *)"{}";
	v[n] = NULL;
	return v;
}

/* In the child: stderr to the log file, LeakSanitizer off (it needs
 * calls the seccomp policy forbids: SANDBOX.md §6.8), die with us. */
static void
child_setup(const struct t_gw *g)
{
	int fd = open(g->errlog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600);
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	const char *a = getenv("ASAN_OPTIONS");
	char *opts;

	if (fd >= 0)
		dup2(fd, 2);
	if (nul >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
	}
	if (asprintf(&opts, "%s%sdetect_leaks=0", a ? a : "",
	    a && *a ? ":" : "") >= 0)
		setenv("ASAN_OPTIONS", opts, 1);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

int
t_gw_start(struct t_gw *g, const char *ninegate, const char *testfs,
    const char *const *gw_args, const char *const *fs_args, int timeout_ms)
{
	char *bufs[3] = { NULL, NULL, NULL };
	char **argv;
	int st;

	memset(g, 0, sizeof(*g));
	g->pid = -1;
	snprintf(g->dir, sizeof(g->dir), "/tmp/t_gwflush.XXXXXX");
	if (!mkdtemp(g->dir)) {
		printf("# mkdtemp: %s\n", strerror(errno));
		return -errno;
	}
	snprintf(g->addr, sizeof(g->addr), "unix:%s/sock", g->dir);
	snprintf(g->log, sizeof(g->log), "%s/testfs.log", g->dir);
	snprintf(g->report, sizeof(g->report), "%s/testfs.report", g->dir);
	snprintf(g->control, sizeof(g->control), "%s/testfs.control", g->dir);
	snprintf(g->errlog, sizeof(g->errlog), "%s/ninegate.err", g->dir);
	argv = build_argv(g, ninegate, testfs, gw_args, fs_args, bufs);
	if (!argv)
		return -ENOMEM;
	fflush(stdout);
	g->pid = fork();
	if (g->pid == 0) {
		child_setup(g);
		execv(ninegate, argv);
		fprintf(stderr, "exec %s: %s\n", ninegate, strerror(errno));
		_exit(127);
	}
	free(argv);
	for (int i = 0; i < 3; i++)
		free(bufs[i]);
	if (g->pid < 0) {
		printf("# fork: %s\n", strerror(errno));
		return -errno;
	}
	int64_t end = t_now_ms() + timeout_ms;
	for (;;) {
		int fd;
		if (p9c_dial(g->addr, &fd) == 0) {
			close(fd);
			return 0;
		}
		if (waitpid(g->pid, &st, WNOHANG) == g->pid) {
			printf("# ninegate did not start\n");
			hint_status(g, st);
			g->stopped = true;
			g->pid = -1;
			return -ECHILD;
		}
		if (t_now_ms() > end) {
			printf("# ninegate did not listen within %d ms\n",
			    timeout_ms);
			return -ETIMEDOUT;
		}
		poll_pause();
	}
}

static void
remove_dir(const struct t_gw *g)
{
	DIR *d = opendir(g->dir);
	struct dirent *e;
	char p[PATH_MAX];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", g->dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(g->dir);
}

static void
keep_tail(struct t_gw *g)
{
	FILE *f = fopen(g->errlog, "re");
	size_t n = 0;

	g->errtail[0] = '\0';
	if (!f)
		return;
	if (fseek(f, -(long)(sizeof(g->errtail) - 1), SEEK_END) != 0)
		rewind(f);
	n = fread(g->errtail, 1, sizeof(g->errtail) - 1, f);
	g->errtail[n] = '\0';
	fclose(f);
}

/* Did ASan/UBSan say anything on ninegate's stderr (which also carries
 * the backend's stderr lines)? */
static bool
sanitizer_report(const struct t_gw *g)
{
	char line[1024];
	bool found = false;
	FILE *f = fopen(g->errlog, "re");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, "AddressSanitizer") ||
		    strstr(line, "LeakSanitizer") ||
		    strstr(line, "runtime error:");
	if (f)
		fclose(f);
	return found;
}

int
t_gw_stop(struct t_gw *g, int timeout_ms, struct t_report *rep)
{
	int st = 0, ret = 0;

	if (rep)
		memset(rep, 0, sizeof(*rep));
	if (g->stopped)
		return -1;
	g->stopped = true;
	if (g->pid > 0) {
		/* What is read afterwards is what testfs wrote at its end. */
		unlink(g->report);
		kill(g->pid, SIGTERM);
		int64_t end = t_now_ms() + timeout_ms;
		pid_t w;
		while ((w = waitpid(g->pid, &st, WNOHANG)) == 0 &&
		    t_now_ms() < end)
			poll_pause();
		if (w == 0) {
			printf("# ninegate did not exit within %d ms of "
			    "SIGTERM; killing it\n", timeout_ms);
			pid_t fs = t_gw_backend_pid(g);
			kill(g->pid, SIGKILL);
			waitpid(g->pid, &st, 0);
			if (fs > 0)
				kill(fs, SIGKILL);
			print_file(g->errlog, "#   ninegate: ");
			ret = -1;
		} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			hint_status(g, st);
			ret = -1;
		}
	}
	if (ret == 0 && sanitizer_report(g)) {
		printf("# a sanitizer reported an error (ninegate or, through "
		    "its log, testfs):\n");
		print_file(g->errlog, "#   ninegate: ");
		ret = -1;
	}
	if (rep)
		(void)t_report_read(g->report, rep);
	keep_tail(g);
	remove_dir(g);
	return ret;
}

pid_t
t_gw_backend_pid(const struct t_gw *g)
{
	char p[64], buf[256];
	DIR *d;
	struct dirent *e;
	pid_t found = -1;

	if (g->pid <= 0 || g->stopped)
		return -1;
	d = opendir("/proc");
	if (!d)
		return -1;
	while (found < 0 && (e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		snprintf(p, sizeof(p), "/proc/%ld/stat", pid);
		FILE *f = fopen(p, "re");
		if (!f)
			continue;
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* pid (comm) state ppid ...; comm may hold spaces */
		char *rp = strrchr(buf, ')');
		long ppid;
		if (rp && sscanf(rp + 1, " %*c %ld", &ppid) == 1 &&
		    ppid == g->pid)
			found = (pid_t)pid;
	}
	closedir(d);
	return found;
}

int
t_gw_connect(const struct t_gw *g, struct p9c **out)
{
	int err = p9c_connect(g->addr, 64 * 1024, "9P2000.L", out);

	if (err == 0)
		p9c_set_timeout(*out, 15000);
	return err;
}

int
t_gw_control(const struct t_gw *g, const char *text)
{
	char tmp[160];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", g->control);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fputs(text, f);
	if (fclose(f) != 0 || rename(tmp, g->control) != 0)
		return -errno;
	return 0;
}

/* ------------------------------------------------------- report and log */

int
t_report_read(const char *path, struct t_report *r)
{
	FILE *f = fopen(path, "re");
	char line[512], name[64];
	unsigned long long v;
	long long sv;
	size_t used = 0;

	memset(r, 0, sizeof(*r));
	if (!f)
		return -errno;
	r->present = true;
	while (fgets(line, sizeof(line), f)) {
		size_t l = strlen(line);
		if (used + l < sizeof(r->text)) {
			memcpy(r->text + used, line, l + 1);
			used += l;
		}
		if (sscanf(line, "ops %63s %llu", name, &v) == 2) {
			if (strcmp(name, "RELEASE") == 0)
				r->ops_release = v;
			else if (strcmp(name, "FORGET") == 0)
				r->ops_forget = v;
			else if (strcmp(name, "BATCH_FORGET") == 0)
				r->ops_batch_forget = v;
			else if (strcmp(name, "DESTROY") == 0)
				r->ops_destroy = v;
		} else if (sscanf(line, "interrupts %llu", &v) == 1) {
			r->interrupts = v;
		} else if (sscanf(line, "eintr %llu", &v) == 1) {
			r->eintr = v;
		} else if (sscanf(line, "open_handles %lld", &sv) == 1) {
			r->open_handles = sv;
		} else if (sscanf(line, "nodes_leaked %llu", &v) == 1) {
			r->nodes_leaked = v;
		}
	}
	fclose(f);
	return 0;
}

int
t_gw_report_now(const struct t_gw *g, struct t_report *r, int timeout_ms)
{
	pid_t fs = t_gw_backend_pid(g);
	int64_t end = t_now_ms() + timeout_ms;

	memset(r, 0, sizeof(*r));
	if (fs <= 0)
		return -ESRCH;
	unlink(g->report);
	if (kill(fs, SIGUSR1) != 0)
		return -errno;
	/* The report appears whole (written aside, then renamed). */
	while (access(g->report, F_OK) != 0) {
		if (t_now_ms() > end)
			return -ETIMEDOUT;
		poll_pause();
	}
	return t_report_read(g->report, r);
}

bool
t_gw_wait_clean(const struct t_gw *g, struct t_report *r, int timeout_ms)
{
	int64_t end = t_now_ms() + timeout_ms;

	for (;;) {
		int err = t_gw_report_now(g, r, 5000);
		if (err == 0 && r->nodes_leaked == 0 && r->open_handles == 0)
			return true;
		if (t_now_ms() > end) {
			printf("# testfs still holds lookups or handles after "
			    "%d ms; last report:\n", timeout_ms);
			for (char *s = r->text; *s;) {
				char *nl = strchr(s, '\n');
				int len = nl ? (int)(nl - s) : (int)strlen(s);
				printf("#   %.*s\n", len, s);
				s += len + (nl ? 1 : 0);
			}
			return false;
		}
		poll_pause();
	}
}

static bool
parse_logline(char *s, struct t_logline *l)
{
	char *save = NULL, *w;

	memset(l, 0, sizeof(*l));
	w = strtok_r(s, " \n", &save);
	if (!w)
		return false;
	snprintf(l->op, sizeof(l->op), "%s", w);
	while ((w = strtok_r(NULL, " \n", &save)) != NULL) {
		if (strncmp(w, "unique=", 7) == 0)
			l->unique = strtoull(w + 7, NULL, 10);
		else if (strncmp(w, "nodeid=", 7) == 0)
			l->nodeid = strtoull(w + 7, NULL, 10);
		else if (strncmp(w, "target=", 7) == 0)
			l->target = strtoull(w + 7, NULL, 10);
		else if (strncmp(w, "name=", 5) == 0)
			snprintf(l->name, sizeof(l->name), "%s", w + 5);
	}
	return true;
}

/* Call fn for each log line from index `from`; stop when it returns true.
 * Returns the index it stopped at, or -1; *count gets the line count. */
static int
log_scan(const struct t_gw *g, int from,
    bool (*fn)(const struct t_logline *, void *), void *arg, int *count)
{
	FILE *f = fopen(g->log, "re");
	char line[1024];
	int i = 0, hit = -1;
	struct t_logline l;

	if (count)
		*count = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n'))
			break;	/* a line still being written */
		if (i >= from && hit < 0 && parse_logline(line, &l) &&
		    fn(&l, arg))
			hit = i;
		i++;
	}
	fclose(f);
	if (count)
		*count = i;
	return hit;
}

struct log_query {
	const char *op, *name;
	uint64_t nodeid, target;
	struct t_logline *out;
	int n;
	bool count_all;
};

static bool
log_match(const struct t_logline *l, void *arg)
{
	struct log_query *q = arg;

	if (strcmp(l->op, q->op) != 0 ||
	    (q->name && strcmp(l->name, q->name) != 0) ||
	    (q->nodeid && l->nodeid != q->nodeid) ||
	    (q->target && l->target != q->target))
		return false;
	if (q->out)
		*q->out = *l;
	q->n++;
	return !q->count_all;
}

int
t_gw_log_find(const struct t_gw *g, int from, const char *op,
    const char *name, uint64_t nodeid, uint64_t target,
    struct t_logline *out)
{
	struct log_query q = { op, name, nodeid, target, out, 0, false };

	return log_scan(g, from, log_match, &q, NULL);
}

int
t_gw_log_wait(const struct t_gw *g, int from, const char *op,
    const char *name, uint64_t nodeid, uint64_t target,
    struct t_logline *out, int timeout_ms)
{
	int64_t end = t_now_ms() + timeout_ms;

	for (;;) {
		int i = t_gw_log_find(g, from, op, name, nodeid, target, out);
		if (i >= 0 || t_now_ms() > end)
			return i;
		poll_pause();
	}
}

int
t_gw_log_count(const struct t_gw *g, const char *op, uint64_t target)
{
	struct log_query q = { op, NULL, 0, target, NULL, 0, true };

	(void)log_scan(g, 0, log_match, &q, NULL);
	return q.n;
}

static bool
log_none(const struct t_logline *l, void *arg)
{
	(void)l;
	(void)arg;
	return false;
}

int
t_gw_log_lines(const struct t_gw *g)
{
	int n;

	(void)log_scan(g, 0, log_none, NULL, &n);
	return n;
}

bool
t_gw_log_wait_count(const struct t_gw *g, const char *op, int n,
    int timeout_ms)
{
	int64_t end = t_now_ms() + timeout_ms;

	for (;;) {
		if (t_gw_log_count(g, op, 0) >= n)
			return true;
		if (t_now_ms() > end)
			return false;
		poll_pause();
	}
}
