/* SPDX-License-Identifier: MIT */
/*
 * t_rawfuse: the testfs scenarios -- blocking with each interrupt mode,
 * the control file and injected errors, every malformed reply mode, and the
 * leak report. The passthrough scenarios and main are in t_rawfuse.c.
 */
#include "t_rawfuse.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ testfs */

static int
testfs_start(struct t_cl *c, const char *tfs, const char *a1, const char *a2,
    const char *a3)
{
	char report[512], log[512];
	const char *argv[10];
	int n = 0;

	t_path_in(report, sizeof(report), "report");
	t_path_in(log, sizeof(log), "log");
	unlink(report);
	unlink(log);
	argv[n++] = tfs;
	argv[n++] = "--report";
	argv[n++] = report;
	argv[n++] = "--log";
	argv[n++] = log;
	if (a1)
		argv[n++] = a1;
	if (a2)
		argv[n++] = a2;
	if (a3)
		argv[n++] = a3;
	argv[n++] = "{}";
	argv[n] = NULL;
	if (t_cl_start(c, argv) != 0)
		return -1;
	return t_cl_init(c);
}

/* Does the file contain the line (or a line starting with prefix)? */
static bool
has_line(const char *rel, const char *line, bool prefix)
{
	char p[512], buf[512];
	bool found = false;
	FILE *f;

	t_path_in(p, sizeof(p), rel);
	f = fopen(p, "r");
	if (f == NULL)
		return false;
	while (!found && fgets(buf, sizeof(buf), f) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		found = prefix ? strncmp(buf, line, strlen(line)) == 0
		               : strcmp(buf, line) == 0;
	}
	fclose(f);
	return found;
}

/* Open hello for reading; returns its node id, *fh the handle. */
static uint64_t
open_hello(struct t_cl *c, struct t_ledger *l, uint64_t *fh)
{
	struct fuse_entry_out e;

	CHECK(t_lookup(c, l, FUSE_ROOT_ID, "hello", &e) == 0, "LOOKUP hello");
	CHECK(t_open_node(c, FUSE_OPEN, e.nodeid, O_RDONLY, fh) == 0, "OPEN");
	return e.nodeid;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void
t_tfs_interrupts(const char *tfs)
{
	struct t_ledger l = {.len = 0};
	struct t_cl c;
	uint64_t id, fh, u;
	double t0;
	int err, ierr;

	t_scenario = "testfs honour";
	t_rm_rf(t_tmp_root);
	mkdir(t_tmp_root, 0755);
	CHECK(testfs_start(
	          &c, tfs, "--block=hello:read", "--block=x:create", NULL) == 0,
	    "start");
	{
		struct fuse_create_in cr = {.flags = O_WRONLY, .mode = 0644};
		struct fuse_entry_out e;

		u = t_cl_send(&c, FUSE_CREATE, FUSE_ROOT_ID, &cr, sizeof(cr),
		    "x", NULL, NULL, 0);
		CHECK(t_quiet_for(&c, 100), "CREATE x blocks");
		err = t_interrupt_and_wait(&c, u, &ierr);
		CHECK(err == -EINTR, "interrupted CREATE: %d", err);
		CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, "x", &e) == -ENOENT,
		    "nothing created");
	}
	id = open_hello(&c, &l, &fh);
	u = t_send_read(&c, FUSE_READ, id, fh, 0, 100);
	CHECK(t_quiet_for(&c, 200), "READ blocks");
	err = t_interrupt_and_wait(&c, u, &ierr);
	CHECK(err == -EINTR, "interrupted: %d", err);
	t_release(&c, FUSE_RELEASE, id, fh);
	t_ledger_forget_all(&c, &l);
	t_cl_stop_check(&c);
	CHECK(has_line("log", "INTERRUPT ", true), "INTERRUPT logged");
	CHECK(has_line("report", "interrupts ", true) &&
	          has_line("report", "eintr 2", false) &&
	          has_line("report", "nodes_leaked 0", false),
	    "report counts it");

	t_scenario = "testfs ignore";
	CHECK(testfs_start(&c, tfs, "--block=hello:read:300",
	          "--interrupts=ignore", NULL) == 0,
	    "start");
	id = open_hello(&c, &l, &fh);
	t0 = now_ms();
	u = t_send_read(&c, FUSE_READ, id, fh, 0, 100);
	CHECK(t_quiet_for(&c, 50), "READ delayed");
	err = t_interrupt_and_wait(&c, u, &ierr);
	CHECK(err == 0 && t_cl_payload_len(&c) == 6 &&
	          memcmp(t_cl_payload(&c), "hello\n", 6) == 0 && ierr == 0,
	    "completed despite INTERRUPT: %d/%d", err, ierr);
	CHECK(now_ms() - t0 >= 250, "after its delay");
	t_release(&c, FUSE_RELEASE, id, fh);
	t_ledger_forget_all(&c, &l);
	t_cl_stop_check(&c);

	t_scenario = "testfs enosys";
	CHECK(testfs_start(&c, tfs, "--block=hello:read:300",
	          "--interrupts=enosys", NULL) == 0,
	    "start");
	id = open_hello(&c, &l, &fh);
	u = t_send_read(&c, FUSE_READ, id, fh, 0, 100);
	CHECK(t_quiet_for(&c, 50), "READ delayed");
	err = t_interrupt_and_wait(&c, u, &ierr);
	CHECK(ierr == -ENOSYS, "INTERRUPT answered ENOSYS: %d", ierr);
	CHECK(err == 0 && t_cl_payload_len(&c) == 6, "READ completed: %d", err);
	t_release(&c, FUSE_RELEASE, id, fh);
	t_ledger_forget_all(&c, &l);
	t_cl_stop_check(&c);
	CHECK(
	    has_line("report", "ops INTERRUPT 1", false), "INTERRUPT counted");
}

void
t_tfs_control_and_errors(const char *tfs)
{
	struct t_ledger l = {.len = 0};
	struct fuse_entry_out e;
	struct fuse_attr a;
	char ctl[512], arg[600], tmp[512];
	struct t_cl c;
	uint64_t u;
	int err, ierr;
	FILE *f;

	t_scenario = "testfs control";
	t_rm_rf(t_tmp_root);
	mkdir(t_tmp_root, 0755);
	t_path_in(ctl, sizeof(ctl), "control");
	snprintf(arg, sizeof(arg), "--control=%s", ctl);
	CHECK(testfs_start(&c, tfs, arg, "--error=dir:lookup:EACCES",
	          "--dir=dir/sub") == 0,
	    "start");
	CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, "dir", &e) == -EACCES,
	    "injected error");
	CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, "hello", &e) == 0, "LOOKUP hello");
	t_path_in(tmp, sizeof(tmp), "control.new");
	f = fopen(tmp, "w");
	if (f != NULL) {
		fputs("# test\nblock hello:getattr\n", f);
		fclose(f);
	}
	rename(tmp, ctl);
	u = t_cl_send(&c, FUSE_GETATTR, e.nodeid, &(struct fuse_getattr_in){0},
	    sizeof(struct fuse_getattr_in), NULL, NULL, NULL, 0);
	CHECK(t_quiet_for(&c, 200), "control file rule blocks GETATTR");
	err = t_interrupt_and_wait(&c, u, &ierr);
	CHECK(err == -EINTR, "interrupted: %d", err);
	f = fopen(tmp, "w");
	if (f != NULL) {
		fputs("error hello:getattr:5\n", f);
		fclose(f);
	}
	rename(tmp, ctl);
	CHECK(t_getattr(&c, e.nodeid, &a) == -EIO, "rule replaced");
	CHECK(t_getattr(&c, FUSE_ROOT_ID, &a) == 0, "others unaffected");
	unlink(ctl);
	CHECK(t_getattr(&c, e.nodeid, &a) == 0, "rules gone with the file");
	t_ledger_forget_all(&c, &l);
	t_cl_stop_check(&c);
}

void
t_tfs_bad(const char *tfs)
{
	static const char *const modes[] = {
	    "short", "unique", "oversize", "garbage"};
	struct t_cl c;
	char arg[64];

	t_rm_rf(t_tmp_root);
	mkdir(t_tmp_root, 0755);
	for (int i = 0; i < 4; i++) {
		struct fuse_out_header o;
		struct fuse_getattr_in in;
		uint64_t u;
		ssize_t n;

		t_scenario = modes[i];
		snprintf(arg, sizeof(arg), "--bad=%s:getattr", modes[i]);
		CHECK(testfs_start(&c, tfs, arg, NULL, NULL) == 0, "start");
		memset(&in, 0, sizeof(in));
		u = t_cl_send(&c, FUSE_GETATTR, FUSE_ROOT_ID, &in, sizeof(in),
		    NULL, NULL, NULL, 0);
		n = t_cl_recv(&c, T_TIMEOUT_MS);
		o = t_cl_hdr(&c);
		CHECK(n > 0, "a reply came");
		switch (i) {
		case 0:
			CHECK(n == 16 + sizeof(struct fuse_attr_out) / 2 &&
			          o.len == 16 + sizeof(struct fuse_attr_out) &&
			          o.unique == u,
			    "short: %zd bytes, header %u", n, o.len);
			break;
		case 1:
			CHECK(
			    o.unique != u && o.len == (size_t)n && o.error == 0,
			    "unknown unique %llx",
			    (unsigned long long)o.unique);
			break;
		case 2:
			CHECK(o.len == (size_t)n &&
			          n == 16 + 4096 +
			                   (ssize_t)sizeof(
			                       struct fuse_attr_out) &&
			          o.unique == u,
			    "oversize: %zd", n);
			break;
		case 3:
			CHECK(n == 64 && !(o.len == 64 && o.unique == u),
			    "garbage: %zd", n);
			break;
		}
		/* the next op is fine again */
		{
			struct fuse_entry_out e;
			struct t_ledger l = {.len = 0};

			CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, "hello", &e) == 0,
			    "LOOKUP after the bad reply");
			t_ledger_forget_all(&c, &l);
		}
		t_cl_stop_check(&c);
	}
}

static bool
wait_file(const char *rel)
{
	for (int i = 0; i < T_TIMEOUT_MS / 10; i++) {
		if (t_exists(rel))
			return true;
		usleep(10 * 1000);
	}
	return false;
}

void
t_tfs_report(const char *tfs)
{
	struct t_ledger l = {.len = 0};
	struct fuse_entry_out e;
	struct t_cl c;
	uint64_t dfh, fh, id = 0;
	bool dots_zero;
	char rep[512];
	int err;

	t_scenario = "testfs report";
	t_rm_rf(t_tmp_root);
	mkdir(t_tmp_root, 0755);
	CHECK(testfs_start(&c, tfs, "--big-size=100000", NULL, NULL) == 0,
	    "start");
	CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, "hello", &e) == 0, "LOOKUP");
	CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, "dir", &e) == 0 &&
	          t_lookup(&c, &l, FUSE_ROOT_ID, "dir", &e) == 0,
	    "LOOKUP x2");
	CHECK(t_lookup(&c, &l, e.nodeid, "inner", &e) == 0, "LOOKUP inner");
	CHECK(t_open_node(&c, FUSE_OPENDIR, FUSE_ROOT_ID, 0, &dfh) == 0,
	    "OPENDIR");
	err = t_cl_wait(
	    &c, t_send_read(&c, FUSE_READDIRPLUS, FUSE_ROOT_ID, dfh, 0, 4096));
	CHECK(err == 0 && t_dirplus_walk(&c, &l, "big", &id, &dots_zero) == 6 &&
	          dots_zero,
	    "READDIRPLUS: %d", err);
	CHECK(t_open_node(&c, FUSE_OPEN, id, O_RDONLY, &fh) == 0, "OPEN big");
	err = t_cl_wait(&c, t_send_read(&c, FUSE_READ, id, fh, 99990, 100));
	{
		const unsigned char *p = t_cl_payload(&c);
		bool ok = err == 0 && t_cl_payload_len(&c) == 10;

		for (size_t i = 0; ok && i < 10; i++)
			ok = p[i] == (99990 + i) % 251;
		CHECK(ok, "big content at the end: %d", err);
	}
	t_path_in(rep, sizeof(rep), "report");
	unlink(rep);
	kill(c.pid, SIGUSR1);
	CHECK(wait_file("report"), "report on SIGUSR1");
	CHECK(has_line("report", "nodes_leaked 5", false) &&
	          has_line("report", "open_handles 2", false) &&
	          has_line("report", "leaked 2 hello nlookup 2", false),
	    "report shows what is held");
	t_release(&c, FUSE_RELEASE, id, fh);
	t_release(&c, FUSE_RELEASEDIR, FUSE_ROOT_ID, dfh);
	t_ledger_forget_all(&c, &l);
	t_cl_stop_check(&c);
	CHECK(has_line("report", "nodes_leaked 0", false) &&
	          has_line("report", "open_handles 0", false) &&
	          has_line("report", "ops LOOKUP 4", false) &&
	          has_line("report", "ops BATCH_FORGET 1", false),
	    "no leaks after FORGET");
}
