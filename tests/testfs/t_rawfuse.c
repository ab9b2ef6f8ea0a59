/* SPDX-License-Identifier: MIT */
/*
 * t_rawfuse: drives ninegate-passthrough and testfs over raw FUSE on a
 * SOCK_SEQPACKET socketpair, without the fuse_glue session library: a
 * tiny kernel side that sends INIT, LOOKUP, CREATE, READ, INTERRUPT...
 * and checks the replies byte by byte.
 *
 * Scenarios: passthrough basic operations on a temporary directory;
 * escapes (".." and '/' in names, symlinks out of the export never
 * followed, a directory or file swapped for a symlink under our feet,
 * link/rename out) with and without /proc; interrupted FIFO open/read and
 * blocking lock; exit with an op blocked; testfs blocking with each
 * interrupt mode, the control file, injected errors, each malformed reply
 * mode, and the leak report.
 *
 * This file has main and the passthrough scenarios; the client is in
 * t_rawfuse_cl.c, the testfs scenarios in t_rawfuse_tfs.c. Not a test of
 * the gateway or of fuse_glue; those have their own.
 * Usage: t_rawfuse PASSTHROUGH TESTFS [pt|tfs]  (pt/tfs: only those
 * scenarios; PASSTHROUGH/TESTFS may be wrappers, e.g. under valgrind)
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

/* ------------------------------------------------- passthrough: basic */

void
t_pt_basic(const char *pt)
{
	const char *argv[] = {pt, t_tmp_root, "{}", NULL};
	struct t_ledger l = {.len = 0};
	struct fuse_entry_out e, d, s;
	struct fuse_attr a;
	struct t_cl c;
	uint64_t fh, dfh, id = 0;
	bool dots_zero;
	int err;

	t_scenario = "pt_basic";
	t_rm_rf(t_tmp_root);
	mkdir(t_tmp_root, 0755);
	CHECK(t_cl_start(&c, argv) == 0, "start");
	CHECK(t_cl_init(&c) == 0, "INIT");

	{
		struct {
			struct fuse_create_in in;
		} m = {{.flags = O_RDWR, .mode = S_IFREG | 0640}};
		struct fuse_open_out oo;

		err = t_entry_call(&c, &l, FUSE_CREATE, FUSE_ROOT_ID, &m,
		    sizeof(m), "f", NULL, &e);
		CHECK(err == 0, "CREATE f: %d", err);
		memcpy(&oo, (const char *)t_cl_payload(&c) + sizeof(e),
		    sizeof(oo));
		fh = oo.fh;
		CHECK((e.attr.mode & 07777) == 0640 && S_ISREG(e.attr.mode),
		    "mode %o", e.attr.mode);
	}
	{
		struct fuse_write_in w = {.fh = fh, .offset = 0, .size = 11};
		struct fuse_write_out wo;

		err = t_cl_call(&c, FUSE_WRITE, e.nodeid, &w, sizeof(w), NULL,
		    NULL, "hello world", 11);
		memcpy(&wo, t_cl_payload(&c), sizeof(wo));
		CHECK(err == 0 && wo.size == 11, "WRITE: %d", err);
	}
	err = t_cl_wait(&c, t_send_read(&c, FUSE_READ, e.nodeid, fh, 6, 100));
	CHECK(err == 0 && t_cl_payload_len(&c) == 5 &&
	          memcmp(t_cl_payload(&c), "world", 5) == 0,
	    "READ: %d", err);
	CHECK(t_file_is("f", "hello world"), "content on disk");
	{
		struct fuse_setattr_in sa;

		memset(&sa, 0, sizeof(sa));
		sa.valid = FATTR_SIZE | FATTR_FH | FATTR_MTIME;
		sa.fh = fh;
		sa.size = 5;
		sa.mtime = 1000000000;
		err = t_cl_call(&c, FUSE_SETATTR, e.nodeid, &sa, sizeof(sa),
		    NULL, NULL, NULL, 0);
		CHECK(err == 0, "SETATTR: %d", err);
		err = t_getattr(&c, e.nodeid, &a);
		CHECK(err == 0 && a.size == 5 && a.mtime == 1000000000,
		    "size %llu mtime %llu", (unsigned long long)a.size,
		    (unsigned long long)a.mtime);
		sa.valid = FATTR_MODE;
		sa.mode = 0600;
		CHECK(t_cl_call(&c, FUSE_SETATTR, e.nodeid, &sa, sizeof(sa),
		          NULL, NULL, NULL, 0) == 0,
		    "chmod without fh");
		err = t_getattr(&c, e.nodeid, &a);
		CHECK(err == 0 && (a.mode & 07777) == 0600, "mode %o", a.mode);
	}
	t_release(&c, FUSE_RELEASE, e.nodeid, fh);
	{
		struct fuse_mkdir_in mk = {.mode = 0750};

		err = t_entry_call(&c, &l, FUSE_MKDIR, FUSE_ROOT_ID, &mk,
		    sizeof(mk), "d", NULL, &d);
		CHECK(err == 0 && S_ISDIR(d.attr.mode), "MKDIR: %d", err);
	}
	{
		struct fuse_rename2_in rn = {.newdir = d.nodeid};

		err = t_cl_call(&c, FUSE_RENAME2, FUSE_ROOT_ID, &rn, sizeof(rn),
		    "f", "g", NULL, 0);
		CHECK(err == 0 && t_exists("d/g") && !t_exists("f"),
		    "RENAME: %d", err);
		t_write_file("x", "x");
		t_write_file("d/y", "y");
		rn.newdir = FUSE_ROOT_ID;
		rn.flags = RENAME_NOREPLACE;
		err = t_cl_call(&c, FUSE_RENAME2, d.nodeid, &rn, sizeof(rn),
		    "y", "x", NULL, 0);
		CHECK(err == -EEXIST, "RENAME_NOREPLACE: %d", err);
		rn.flags = RENAME_EXCHANGE;
		err = t_cl_call(&c, FUSE_RENAME2, d.nodeid, &rn, sizeof(rn),
		    "y", "x", NULL, 0);
		CHECK(err == 0 && t_file_is("x", "y") && t_file_is("d/y", "x"),
		    "RENAME_EXCHANGE: %d", err);
	}
	err = t_entry_call(&c, &l, FUSE_SYMLINK, FUSE_ROOT_ID, NULL, 0, "s",
	    "some/target", &s);
	CHECK(err == 0 && S_ISLNK(s.attr.mode), "SYMLINK: %d", err);
	err = t_cl_call(
	    &c, FUSE_READLINK, s.nodeid, NULL, 0, NULL, NULL, NULL, 0);
	CHECK(err == 0 && t_cl_payload_len(&c) == 11 &&
	          memcmp(t_cl_payload(&c), "some/target", 11) == 0,
	    "READLINK: %d", err);
	{
		struct fuse_mknod_in mn = {.mode = S_IFIFO | 0600};
		struct fuse_entry_out p;

		err = t_entry_call(&c, &l, FUSE_MKNOD, FUSE_ROOT_ID, &mn,
		    sizeof(mn), "p", NULL, &p);
		CHECK(err == 0 && S_ISFIFO(p.attr.mode), "MKNOD fifo: %d", err);
		mn.mode = S_IFCHR | 0600;
		mn.rdev = makedev(1, 3);
		err = t_entry_call(&c, &l, FUSE_MKNOD, FUSE_ROOT_ID, &mn,
		    sizeof(mn), "null", NULL, &p);
		CHECK(err == -EPERM && !t_exists("null"), "MKNOD chr: %d", err);
	}
	{
		struct fuse_link_in li = {.oldnodeid = s.nodeid};
		struct fuse_entry_out h;

		err = t_entry_call(&c, &l, FUSE_LINK, d.nodeid, &li, sizeof(li),
		    "s2", NULL, &h);
		CHECK(err == 0 && h.nodeid == s.nodeid && h.attr.nlink == 2,
		    "LINK: %d nlink %u", err, h.attr.nlink);
	}
	CHECK(t_open_node(&c, FUSE_OPENDIR, FUSE_ROOT_ID, O_RDONLY, &dfh) == 0,
	    "OPENDIR");
	err = t_cl_wait(
	    &c, t_send_read(&c, FUSE_READDIRPLUS, FUSE_ROOT_ID, dfh, 0, 4096));
	CHECK(err == 0, "READDIRPLUS: %d", err);
	CHECK(t_dirplus_walk(&c, &l, "d", &id, &dots_zero) == 6, "6 entries");
	CHECK(id == d.nodeid, "d has node id %llu", (unsigned long long)id);
	CHECK(dots_zero, "\".\" and \"..\" carry node id 0");
	err = t_cl_wait(
	    &c, t_send_read(&c, FUSE_READDIR, FUSE_ROOT_ID, dfh, 0, 4096));
	CHECK(err == 0 && t_cl_payload_len(&c) > 0, "READDIR: %d", err);
	t_release(&c, FUSE_RELEASEDIR, FUSE_ROOT_ID, dfh);
	{
		struct fuse_setxattr_in sx = {.size = 3};
		struct fuse_getxattr_in gx = {.size = 64};

		err = t_cl_call(&c, FUSE_SETXATTR, d.nodeid, &sx, 8, "user.t",
		    NULL, "abc", 3);
		if (err == -EOPNOTSUPP) {
			fprintf(
			    stderr, "note: no user xattrs on %s\n", t_tmp_root);
		} else {
			CHECK(err == 0, "SETXATTR: %d", err);
			err = t_cl_call(&c, FUSE_GETXATTR, d.nodeid, &gx,
			    sizeof(gx), "user.t", NULL, NULL, 0);
			CHECK(err == 0 && t_cl_payload_len(&c) == 3 &&
			          !memcmp(t_cl_payload(&c), "abc", 3),
			    "GETXATTR: %d", err);
			err = t_cl_call(&c, FUSE_REMOVEXATTR, d.nodeid, NULL, 0,
			    "user.t", NULL, NULL, 0);
			CHECK(err == 0, "REMOVEXATTR: %d", err);
		}
	}
	err = t_cl_call(
	    &c, FUSE_STATFS, FUSE_ROOT_ID, NULL, 0, NULL, NULL, NULL, 0);
	CHECK(
	    err == 0 && t_cl_payload_len(&c) >= sizeof(struct fuse_statfs_out),
	    "STATFS: %d", err);
	err = t_cl_call(
	    &c, FUSE_RMDIR, FUSE_ROOT_ID, NULL, 0, "d", NULL, NULL, 0);
	CHECK(err == -ENOTEMPTY, "RMDIR non-empty: %d", err);
	CHECK(t_cl_call(&c, FUSE_UNLINK, d.nodeid, NULL, 0, "g", NULL, NULL,
	          0) == 0 &&
	          t_cl_call(&c, FUSE_UNLINK, d.nodeid, NULL, 0, "y", NULL, NULL,
	              0) == 0 &&
	          t_cl_call(&c, FUSE_UNLINK, d.nodeid, NULL, 0, "s2", NULL,
	              NULL, 0) == 0,
	    "UNLINK");
	err = t_cl_call(
	    &c, FUSE_RMDIR, FUSE_ROOT_ID, NULL, 0, "d", NULL, NULL, 0);
	CHECK(err == 0 && !t_exists("d"), "RMDIR: %d", err);
	err = t_lookup(&c, &l, FUSE_ROOT_ID, "nonexistent", &e);
	CHECK(err == -ENOENT, "LOOKUP missing: %d", err);
	CHECK(t_getattr(&c, 0x7777777777ULL, &a) == -ESTALE, "bogus node id");
	t_ledger_forget_all(&c, &l);
	CHECK(t_getattr(&c, FUSE_ROOT_ID, &a) == 0 && S_ISDIR(a.mode),
	    "root after FORGET");
	/* FORGET has no reply and runs on another worker: give it time. */
	for (int i = 0; i < 100 && t_getattr(&c, s.nodeid, &a) == 0; i++)
		usleep(10 * 1000);
	CHECK(t_getattr(&c, s.nodeid, &a) == -ESTALE, "forgotten node is gone");
	t_cl_stop_check(&c);
}

/* ------------------------------------------------ passthrough: escapes */

void
t_pt_escapes(const char *pt, bool no_proc)
{
	const char *argv[] = {
	    pt, no_proc ? "--no-proc" : "--timeout=0", "exp", "{}", NULL};
	struct t_ledger l = {.len = 0};
	struct fuse_entry_out e, sub, esc, file, nsub;
	char exp[512], p1[512], p2[512];
	struct t_cl c;
	uint64_t fh;
	int err;

	t_scenario = no_proc ? "t_pt_escapes(--no-proc)" : "pt_escapes";
	t_rm_rf(t_tmp_root);
	mkdir(t_tmp_root, 0755);
	t_path_in(exp, sizeof(exp), "exp");
	argv[2] = exp;
	t_write_file("outside.txt", "secret");
	t_path_in(p1, sizeof(p1), "outdir");
	mkdir(p1, 0755);
	t_write_file("outdir/secret2", "secret2");
	mkdir(exp, 0755);
	t_path_in(p1, sizeof(p1), "exp/sub");
	mkdir(p1, 0755);
	t_write_file("exp/file", "inside");
	t_path_in(p1, sizeof(p1), "exp/esc");
	CHECK(symlink("../outside.txt", p1) == 0, "symlink");
	t_path_in(p1, sizeof(p1), "exp/abs");
	t_path_in(p2, sizeof(p2), "outdir");
	CHECK(symlink(p2, p1) == 0, "symlink");

	CHECK(t_cl_start(&c, argv) == 0, "start");
	CHECK(t_cl_init(&c) == 0, "INIT");
	CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, "..", &e) == -EINVAL, "LOOKUP ..");
	CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, ".", &e) == -EINVAL, "LOOKUP .");
	CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, "../outside.txt", &e) == -EINVAL,
	    "LOOKUP ../x");
	CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, "sub/..", &e) == -EINVAL,
	    "LOOKUP a/..");

	err = t_lookup(&c, &l, FUSE_ROOT_ID, "esc", &esc);
	CHECK(err == 0 && S_ISLNK(esc.attr.mode), "esc is a symlink: %d", err);
	err = t_open_node(&c, FUSE_OPEN, esc.nodeid, O_RDONLY, &fh);
	CHECK(err == -ELOOP, "OPEN of a symlink: %d", err);
	CHECK(t_lookup(&c, &l, esc.nodeid, "x", &e) == -ENOTDIR,
	    "LOOKUP under a symlink");
	err = t_lookup(&c, &l, FUSE_ROOT_ID, "abs", &e);
	CHECK(err == 0 && S_ISLNK(e.attr.mode), "abs is a symlink: %d", err);
	err = t_lookup(&c, &l, e.nodeid, "secret2", &e);
	CHECK(err == -ENOTDIR, "LOOKUP through abs: %d", err);
	{
		struct fuse_setattr_in sa;

		memset(&sa, 0, sizeof(sa));
		sa.valid = FATTR_MODE;
		sa.mode = 0666;
		err = t_cl_call(&c, FUSE_SETATTR, esc.nodeid, &sa, sizeof(sa),
		    NULL, NULL, NULL, 0);
		CHECK(err != 0, "chmod through a symlink refused: %d", err);
		sa.valid = FATTR_SIZE;
		sa.size = 0;
		err = t_cl_call(&c, FUSE_SETATTR, esc.nodeid, &sa, sizeof(sa),
		    NULL, NULL, NULL, 0);
		CHECK(err != 0, "truncate through a symlink refused: %d", err);
	}
	{
		struct fuse_create_in cr = {.flags = O_WRONLY, .mode = 0644};
		struct fuse_mkdir_in mk = {.mode = 0755};
		struct fuse_link_in li = {.oldnodeid = esc.nodeid};
		struct fuse_rename_in rn = {.newdir = FUSE_ROOT_ID};

		CHECK(t_entry_call(&c, &l, FUSE_CREATE, FUSE_ROOT_ID, &cr,
		          sizeof(cr), "../evil", NULL, &e) == -EINVAL,
		    "CREATE ../");
		CHECK(t_entry_call(&c, &l, FUSE_CREATE, FUSE_ROOT_ID, &cr,
		          sizeof(cr), "esc", NULL, &e) != 0,
		    "CREATE over a symlink does not follow it");
		CHECK(t_entry_call(&c, &l, FUSE_MKDIR, FUSE_ROOT_ID, &mk,
		          sizeof(mk), "..", NULL, &e) == -EINVAL,
		    "MKDIR ..");
		CHECK(t_entry_call(&c, &l, FUSE_SYMLINK, FUSE_ROOT_ID, NULL, 0,
		          "a/b", "x", &e) == -EINVAL,
		    "SYMLINK a/b");
		CHECK(t_entry_call(&c, &l, FUSE_LINK, FUSE_ROOT_ID, &li,
		          sizeof(li), "../linked", NULL, &e) == -EINVAL,
		    "LINK to ../");
		li.oldnodeid = 0x12345678ULL;
		CHECK(t_entry_call(&c, &l, FUSE_LINK, FUSE_ROOT_ID, &li,
		          sizeof(li), "linked", NULL, &e) == -ESTALE,
		    "LINK of an unknown node");
		CHECK(t_cl_call(&c, FUSE_RENAME, FUSE_ROOT_ID, &rn, sizeof(rn),
		          "file", "../moved", NULL, 0) == -EINVAL,
		    "RENAME to ../");
		CHECK(t_cl_call(&c, FUSE_RENAME, FUSE_ROOT_ID, &rn, sizeof(rn),
		          "../outside.txt", "stolen", NULL, 0) == -EINVAL,
		    "RENAME from ../");
		CHECK(t_cl_call(&c, FUSE_UNLINK, FUSE_ROOT_ID, NULL, 0,
		          "../outside.txt", NULL, NULL, 0) == -EINVAL,
		    "UNLINK ../");
	}

	/* A directory swapped for a symlink after it was looked up. */
	err = t_lookup(&c, &l, FUSE_ROOT_ID, "sub", &sub);
	CHECK(err == 0 && S_ISDIR(sub.attr.mode), "LOOKUP sub: %d", err);
	t_path_in(p1, sizeof(p1), "exp/sub");
	t_path_in(p2, sizeof(p2), "exp/sub.old");
	CHECK(rename(p1, p2) == 0, "swap");
	t_path_in(p2, sizeof(p2), "outdir");
	CHECK(symlink(p2, p1) == 0, "swap");
	CHECK(t_lookup(&c, &l, sub.nodeid, "secret2", &e) == -ENOENT,
	    "the old node still means the old directory");
	{
		struct fuse_create_in cr = {.flags = O_WRONLY, .mode = 0644};

		err = t_entry_call(&c, &l, FUSE_CREATE, sub.nodeid, &cr,
		    sizeof(cr), "new", NULL, &e);
		CHECK(err == 0 && t_exists("exp/sub.old/new") &&
		          !t_exists("outdir/new"),
		    "CREATE lands in the old dir: %d", err);
		if (err == 0) {
			struct fuse_open_out oo;

			memcpy(&oo, (const char *)t_cl_payload(&c) + sizeof(e),
			    sizeof(oo));
			t_release(&c, FUSE_RELEASE, e.nodeid, oo.fh);
		}
	}
	err = t_lookup(&c, &l, FUSE_ROOT_ID, "sub", &nsub);
	CHECK(err == 0 && S_ISLNK(nsub.attr.mode), "sub is now a symlink");
	CHECK(t_lookup(&c, &l, nsub.nodeid, "secret2", &e) == -ENOTDIR,
	    "never through it");

	/* A file swapped for a symlink after it was looked up. */
	err = t_lookup(&c, &l, FUSE_ROOT_ID, "file", &file);
	CHECK(err == 0 && S_ISREG(file.attr.mode), "LOOKUP file: %d", err);
	t_path_in(p1, sizeof(p1), "exp/file");
	unlink(p1);
	CHECK(symlink("../outside.txt", p1) == 0, "swap file");
	err = t_open_node(&c, FUSE_OPEN, file.nodeid, O_RDWR, &fh);
	if (err == 0) {
		err = t_cl_wait(
		    &c, t_send_read(&c, FUSE_READ, file.nodeid, fh, 0, 100));
		CHECK(err == 0 && t_cl_payload_len(&c) == 6 &&
		          memcmp(t_cl_payload(&c), "inside", 6) == 0,
		    "the held file, not the outside one: %d", err);
		t_release(&c, FUSE_RELEASE, file.nodeid, fh);
	} else {
		/* without /proc the file is reopened by name: refused */
		CHECK(no_proc && (err == -ESTALE || err == -ELOOP),
		    "OPEN after swap: %d", err);
	}
	{
		struct fuse_setattr_in sa;

		memset(&sa, 0, sizeof(sa));
		sa.valid = FATTR_SIZE;
		sa.size = 0;
		t_cl_call(&c, FUSE_SETATTR, file.nodeid, &sa, sizeof(sa), NULL,
		    NULL, NULL, 0);
	}
	t_ledger_forget_all(&c, &l);
	t_cl_stop_check(&c);
	CHECK(t_file_is("outside.txt", "secret"), "outside file untouched");
	CHECK(t_file_is("outdir/secret2", "secret2") && !t_exists("evil") &&
	          !t_exists("linked") && !t_exists("moved") &&
	          !t_exists("stolen") && !t_exists("outdir/new"),
	    "nothing created outside");
	{
		struct stat st;

		t_path_in(p1, sizeof(p1), "outside.txt");
		CHECK(stat(p1, &st) == 0 && (st.st_mode & 0777) != 0666,
		    "outside mode untouched");
	}
}

/* ----------------------------------------------- passthrough: read-only */

void
t_pt_read_only(const char *pt)
{
	const char *argv[] = {pt, "--read-only", t_tmp_root, "{}", NULL};
	struct t_ledger l = {.len = 0};
	struct fuse_create_in cr = {.flags = O_WRONLY, .mode = 0644};
	struct fuse_setattr_in sa;
	struct fuse_entry_out e, e2;
	struct t_cl c;
	uint64_t fh;
	int err;

	t_scenario = "pt_read_only";
	t_rm_rf(t_tmp_root);
	mkdir(t_tmp_root, 0755);
	t_write_file("f", "data");
	CHECK(t_cl_start(&c, argv) == 0, "start");
	CHECK(t_cl_init(&c) == 0, "INIT");
	CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, "f", &e) == 0, "LOOKUP");
	CHECK(t_open_node(&c, FUSE_OPEN, e.nodeid, O_RDWR, &fh) == -EROFS,
	    "OPEN O_RDWR");
	CHECK(t_open_node(&c, FUSE_OPEN, e.nodeid, O_RDONLY | O_TRUNC, &fh) ==
	          -EROFS,
	    "OPEN O_TRUNC");
	CHECK(t_entry_call(&c, &l, FUSE_CREATE, FUSE_ROOT_ID, &cr, sizeof(cr),
	          "new", NULL, &e2) == -EROFS,
	    "CREATE");
	CHECK(t_cl_call(&c, FUSE_UNLINK, FUSE_ROOT_ID, NULL, 0, "f", NULL, NULL,
	          0) == -EROFS,
	    "UNLINK");
	memset(&sa, 0, sizeof(sa));
	sa.valid = FATTR_SIZE;
	CHECK(t_cl_call(&c, FUSE_SETATTR, e.nodeid, &sa, sizeof(sa), NULL, NULL,
	          NULL, 0) == -EROFS,
	    "SETATTR");
	CHECK(t_open_node(&c, FUSE_OPEN, e.nodeid, O_RDONLY, &fh) == 0,
	    "OPEN O_RDONLY");
	err = t_cl_wait(&c, t_send_read(&c, FUSE_READ, e.nodeid, fh, 0, 100));
	CHECK(err == 0 && t_cl_payload_len(&c) == 4, "READ: %d", err);
	t_release(&c, FUSE_RELEASE, e.nodeid, fh);
	t_ledger_forget_all(&c, &l);
	t_cl_stop_check(&c);
	CHECK(t_file_is("f", "data") && !t_exists("new"), "nothing changed");
}

/* ------------------------------------------- passthrough: interrupts */

void
t_pt_interrupts(const char *pt)
{
	const char *argv[] = {pt, t_tmp_root, "{}", NULL};
	struct t_ledger l = {.len = 0};
	struct fuse_entry_out p, f;
	struct fuse_attr a;
	struct t_cl c;
	uint64_t u, fh, fh1, fh2;
	int err, ierr, status;
	char path[512];

	t_scenario = "pt_interrupts";
	t_rm_rf(t_tmp_root);
	mkdir(t_tmp_root, 0755);
	t_path_in(path, sizeof(path), "fifo");
	CHECK(mkfifo(path, 0600) == 0, "mkfifo");
	t_write_file("locked", "x");
	CHECK(t_cl_start(&c, argv) == 0, "start");
	CHECK(t_cl_init(&c) == 0, "INIT");
	CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, "fifo", &p) == 0, "LOOKUP fifo");

	/* Opening a FIFO for reading waits for a writer. */
	{
		struct fuse_open_in in = {.flags = O_RDONLY};

		u = t_cl_send(&c, FUSE_OPEN, p.nodeid, &in, sizeof(in), NULL,
		    NULL, NULL, 0);
		CHECK(t_quiet_for(&c, 200), "OPEN of a FIFO blocks");
		/* other requests still get answers meanwhile */
		CHECK(
		    t_getattr(&c, FUSE_ROOT_ID, &a) == 0, "GETATTR meanwhile");
		err = t_interrupt_and_wait(&c, u, &ierr);
		CHECK(err == -EINTR, "interrupted OPEN: %d", err);
	}
	/* O_RDWR does not wait; the READ does. */
	CHECK(
	    t_open_node(&c, FUSE_OPEN, p.nodeid, O_RDWR, &fh) == 0, "OPEN rw");
	u = t_send_read(&c, FUSE_READ, p.nodeid, fh, 0, 100);
	CHECK(t_quiet_for(&c, 200), "READ of an empty FIFO blocks");
	err = t_interrupt_and_wait(&c, u, &ierr);
	CHECK(err == -EINTR, "interrupted READ: %d", err);
	{
		struct fuse_write_in w = {.fh = fh, .size = 3};

		CHECK(t_cl_call(&c, FUSE_WRITE, p.nodeid, &w, sizeof(w), NULL,
		          NULL, "abc", 3) == 0,
		    "WRITE to the FIFO");
		err = t_cl_wait(
		    &c, t_send_read(&c, FUSE_READ, p.nodeid, fh, 0, 100));
		CHECK(err == 0 && t_cl_payload_len(&c) == 3, "READ back: %d",
		    err);
	}

	/* A blocking POSIX lock waits in the backend. */
	CHECK(t_lookup(&c, &l, FUSE_ROOT_ID, "locked", &f) == 0, "LOOKUP");
	CHECK(t_open_node(&c, FUSE_OPEN, f.nodeid, O_RDWR, &fh1) == 0 &&
	          t_open_node(&c, FUSE_OPEN, f.nodeid, O_RDWR, &fh2) == 0,
	    "OPEN x2");
	{
		struct fuse_lk_in lk;

		memset(&lk, 0, sizeof(lk));
		lk.fh = fh1;
		lk.owner = 1;
		lk.lk.type = F_WRLCK;
		lk.lk.end = (uint64_t)INT64_MAX;
		CHECK(t_cl_call(&c, FUSE_SETLK, f.nodeid, &lk, sizeof(lk), NULL,
		          NULL, NULL, 0) == 0,
		    "SETLK");
		lk.fh = fh2;
		lk.owner = 2;
		err = t_cl_call(&c, FUSE_GETLK, f.nodeid, &lk, sizeof(lk), NULL,
		    NULL, NULL, 0);
		{
			struct fuse_lk_out lo;

			memcpy(&lo, t_cl_payload(&c), sizeof(lo));
			CHECK(err == 0 && lo.lk.type == F_WRLCK,
			    "GETLK sees the lock: %d", err);
		}
		CHECK(t_cl_call(&c, FUSE_SETLK, f.nodeid, &lk, sizeof(lk), NULL,
		          NULL, NULL, 0) == -EAGAIN,
		    "SETLK conflicts");
		u = t_cl_send(&c, FUSE_SETLKW, f.nodeid, &lk, sizeof(lk), NULL,
		    NULL, NULL, 0);
		CHECK(t_quiet_for(&c, 200), "SETLKW blocks");
		err = t_interrupt_and_wait(&c, u, &ierr);
		CHECK(err == -EINTR, "interrupted SETLKW: %d", err);
	}
	t_release(&c, FUSE_RELEASE, f.nodeid, fh1);
	t_release(&c, FUSE_RELEASE, f.nodeid, fh2);

	/* The channel closing while an op is blocked: clean exit. */
	t_send_read(&c, FUSE_READ, p.nodeid, fh, 0, 100);
	CHECK(t_quiet_for(&c, 100), "READ blocks again");
	status = t_cl_stop(&c);
	CHECK(t_exited_ok(status), "exit with a blocked op: status %d", status);
}

int
main(int argc, char **argv)
{
	const char *base = getenv("TMPDIR");
	bool pt, tfs;

	if (argc != 3 && argc != 4) {
		fprintf(
		    stderr, "usage: t_rawfuse PASSTHROUGH TESTFS [pt|tfs]\n");
		return 2;
	}
	pt = argc == 3 || strcmp(argv[3], "pt") == 0;
	tfs = argc == 3 || strcmp(argv[3], "tfs") == 0;
	if (access(argv[1], X_OK) != 0 || access(argv[2], X_OK) != 0) {
		fprintf(stderr, "t_rawfuse: programs not built\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(t_tmp_root, sizeof(t_tmp_root), "%s/t_rawfuse.XXXXXX",
	    base ? base : "/tmp");
	if (mkdtemp(t_tmp_root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (pt) {
		t_pt_basic(argv[1]);
		t_pt_escapes(argv[1], false);
		t_pt_escapes(argv[1], true);
		t_pt_read_only(argv[1]);
		t_pt_interrupts(argv[1]);
	}
	if (tfs) {
		t_tfs_interrupts(argv[2]);
		t_tfs_control_and_errors(argv[2]);
		t_tfs_bad(argv[2]);
		t_tfs_report(argv[2]);
	}
	t_rm_rf(t_tmp_root);
	printf("t_rawfuse: %d checks, %d failed\n", t_nchecks, t_nfailed);
	return t_nfailed ? 1 : 0;
}
