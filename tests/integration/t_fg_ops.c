/* SPDX-License-Identifier: MIT */
/*
 * Scenario: every FUSE operation the gateway uses (DESIGN §5), through
 * one fg_session, against one real backend given on the command line
 * (testfs, ninegate-passthrough, sshfs, rclone mount2). An operation the
 * backend does not implement (ENOSYS, EOPNOTSUPP; sshfs has no xattrs or
 * locks) is reported as skipped and the rest goes on; any other failure
 * fails the test. At the end the lookup ledger must be empty after the
 * FORGETs, and testfs's report must show no leaked node or handle.
 *
 * Usage: t_fg_ops testfs EXE | passthrough EXE | sshfs | rclone
 */
#include "t_fg.h"
#include "t_fg_backend.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct t_be be;
static int nskipped;

/* ENOSYS/EOPNOTSUPP: report and skip; other errors fail. */
static bool
supported(const char *what, int err)
{
	if (err == 0)
		return true;
	if (err == -ENOSYS || err == -EOPNOTSUPP || err == -ENOTSUP) {
		printf("skip %s: %s\n", what, strerror(-err));
		nskipped++;
		return false;
	}
	t_fail("%s: %s", what, strerror(-err));
}

static void
ok(const char *what, int err)
{
	if (err != 0)
		t_fail("%s: %s", what, strerror(-err));
	printf("ok %s\n", what);
}

/* Entry ops: return the new nodeid (counted once in the ledger). */
static uint64_t
entry_of(const char *what, int err, struct t_res *r)
{
	uint64_t id;

	ok(what, err);
	id = r->rep.entry.nodeid;
	T_CHECK(id > 1);
	T_CHECK(fg_nlookup(be.s, id) >= 1);
	t_res_fini(r);
	return id;
}

static void
release(uint64_t nodeid, uint64_t fh, bool dir)
{
	struct fuse_release_in ri = {.fh = fh};
	struct t_res r;

	ok(dir ? "RELEASEDIR" : "RELEASE",
	    t_simple(&be, dir ? FUSE_RELEASEDIR : FUSE_RELEASE, nodeid, &ri,
	        sizeof(ri), NULL, NULL, NULL, 0, &r));
	t_res_fini(&r);
}

static uint64_t
open_node(uint64_t nodeid, uint32_t flags, bool dir)
{
	struct fuse_open_in oi = {.flags = flags};
	struct t_res r;
	uint64_t fh;

	ok(dir ? "OPENDIR" : "OPEN",
	    t_simple(&be, dir ? FUSE_OPENDIR : FUSE_OPEN, nodeid, &oi,
	        sizeof(oi), NULL, NULL, NULL, 0, &r));
	fh = r.rep.open.fh;
	t_res_fini(&r);
	return fh;
}

/* Read the whole directory; returns how many of want[] were seen. With
 * plus, every counted entry is forgotten again. */
static int
list_dir(
    uint64_t dir, uint64_t fh, bool plus, const char *const *want, int nwant)
{
	uint64_t off = 0;
	int seen = 0;

	for (;;) {
		struct t_res r;
		struct fg_dirent_cur c;
		struct fg_dirent d;
		int rc, n = 0;

		memset(&r, 0, sizeof(r));
		rc = fg_read(be.s, &t_ctx,
		    plus ? FUSE_READDIRPLUS : FUSE_READDIR, dir, fh, off, 4096,
		    t_res_done, &r, NULL);
		T_EQ(rc, 0);
		if (!t_be_wait(&be, &r.done, T_OP_MS))
			t_fail("READDIR: no reply");
		ok(plus ? "READDIRPLUS" : "READDIR", r.error);
		fg_dirent_cur_init(&c, r.rep.data, r.rep.len, plus);
		while ((rc = fg_dirent_next(&c, &d)) > 0) {
			n++;
			off = d.off;
			for (int i = 0; i < nwant; i++)
				if (d.name_len == strlen(want[i]) &&
				    memcmp(d.name, want[i], d.name_len) == 0)
					seen++;
			if (plus && d.counted)
				fg_forget(be.s, d.entry.nodeid, 1);
		}
		T_EQ(rc, 0);
		t_res_fini(&r);
		if (n == 0)
			return seen;
	}
}

int
main(int argc, char **argv)
{
	struct t_backend tb;
	struct t_res r;
	struct fuse_mkdir_in mi = {.mode = 0755, .umask = 0};
	struct fuse_create_in ci = {
	    .flags = O_RDWR | O_CREAT, .mode = S_IFREG | 0644};
	struct fuse_setattr_in sa;
	struct fuse_flush_in fl;
	struct fuse_fsync_in fs;
	uint64_t d, f, fh, s, h = 0, p = 0, dh, g;
	static const char text[] = "hello world";
	static const char *const names[] = {"f", "s", "h", "p"};
	int nwant = 1, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	t_backend_setup(&tb, argc, argv);
	t_be_start_ok(&be, tb.argv);

	ok("STATFS",
	    t_simple(&be, FUSE_STATFS, 1, NULL, 0, NULL, NULL, NULL, 0, &r));
	printf("  statfs: bsize %u frsize %u blocks %llu namelen %u\n",
	    r.rep.statfs.st.bsize, r.rep.statfs.st.frsize,
	    (unsigned long long)r.rep.statfs.st.blocks,
	    r.rep.statfs.st.namelen);
	t_res_fini(&r);
	{
		struct fuse_getattr_in gi = {0};

		ok("GETATTR", t_simple(&be, FUSE_GETATTR, 1, &gi, sizeof(gi),
		                  NULL, NULL, NULL, 0, &r));
		T_CHECK(S_ISDIR(r.rep.attr.attr.mode));
		t_res_fini(&r);
	}

	/* Clean up what an earlier failed run may have left (testfs and
	 * passthrough start empty; ignore errors). */
	d = entry_of("MKDIR",
	    t_simple(
	        &be, FUSE_MKDIR, 1, &mi, sizeof(mi), "d", NULL, NULL, 0, &r),
	    &r);
	err = t_simple(
	    &be, FUSE_CREATE, d, &ci, sizeof(ci), "f", NULL, NULL, 0, &r);
	fh = r.rep.open.fh;
	f = entry_of("CREATE", err, &r);

	{
		struct t_res w;

		memset(&w, 0, sizeof(w));
		T_EQ(fg_write(be.s, &t_ctx, f, fh, 0, text, sizeof(text) - 1,
		         t_res_done, &w, NULL),
		    0);
		T_CHECK(t_be_wait(&be, &w.done, T_OP_MS));
		ok("WRITE", w.error);
		T_EQ(w.rep.write.size, sizeof(text) - 1);
		t_res_fini(&w);
	}
	memset(&fl, 0, sizeof(fl));
	fl.fh = fh;
	ok("FLUSH", t_simple(&be, FUSE_FLUSH, f, &fl, sizeof(fl), NULL, NULL,
	                NULL, 0, &r));
	t_res_fini(&r);
	memset(&fs, 0, sizeof(fs));
	fs.fh = fh;
	if (supported("FSYNC", t_simple(&be, FUSE_FSYNC, f, &fs, sizeof(fs),
	                           NULL, NULL, NULL, 0, &r)))
		printf("ok FSYNC\n");
	t_res_fini(&r);

	memset(&sa, 0, sizeof(sa));
	sa.valid = FATTR_SIZE | FATTR_FH;
	sa.fh = fh;
	sa.size = 5;
	ok("SETATTR", t_simple(&be, FUSE_SETATTR, f, &sa, sizeof(sa), NULL,
	                  NULL, NULL, 0, &r));
	T_EQ(r.rep.attr.attr.size, 5);
	t_res_fini(&r);

	memset(&r, 0, sizeof(r));
	T_EQ(fg_read(
	         be.s, &t_ctx, FUSE_READ, f, fh, 0, 100, t_res_done, &r, NULL),
	    0);
	T_CHECK(t_be_wait(&be, &r.done, T_OP_MS));
	ok("READ", r.error);
	T_EQ(r.rep.len, 5);
	T_CHECK(memcmp(r.rep.data, "hello", 5) == 0);
	t_res_fini(&r);
	release(f, fh, false);

	/* LOOKUP finds the same node; a second lookup is counted. */
	ok("LOOKUP", t_lookup(&be, d, "f", &r));
	T_EQ(r.rep.entry.nodeid, f);
	T_EQ(r.rep.entry.attr.size, 5);
	T_EQ(fg_nlookup(be.s, f), 2);
	t_res_fini(&r);
	T_EQ(t_lookup(&be, d, "nothere", &r), -ENOENT);
	t_res_fini(&r);

	fh = open_node(f, O_RDONLY, false);
	release(f, fh, false);

	err = t_simple(&be, FUSE_SYMLINK, d, NULL, 0, "s", "f", NULL, 0, &r);
	s = 0;
	if (supported("SYMLINK", err)) {
		s = entry_of("SYMLINK", err, &r);
		ok("READLINK", t_simple(&be, FUSE_READLINK, s, NULL, 0, NULL,
		                   NULL, NULL, 0, &r));
		T_EQ(r.rep.len, 1);
		T_CHECK(memcmp(r.rep.data, "f", 1) == 0);
		nwant++;
	}
	t_res_fini(&r);
	{
		struct fuse_link_in li = {.oldnodeid = f};

		err = t_simple(
		    &be, FUSE_LINK, d, &li, sizeof(li), "h", NULL, NULL, 0, &r);
		if (supported("LINK", err)) {
			/* Path-based backends (libfuse's high-level API:
			 * sshfs) give a hard link a node of its own. */
			h = entry_of("LINK", err, &r);
			nwant++;
		} else {
			t_res_fini(&r);
		}
	}
	{
		struct fuse_mknod_in mn = {.mode = S_IFIFO | 0644};

		err = t_simple(&be, FUSE_MKNOD, d, &mn, sizeof(mn), "p", NULL,
		    NULL, 0, &r);
		if (err == -EPERM || err == -EACCES) {
			printf("skip MKNOD: %s\n", strerror(-err));
			nskipped++;
			t_res_fini(&r);
		} else if (supported("MKNOD", err)) {
			p = entry_of("MKNOD", err, &r);
			nwant++;
		} else {
			t_res_fini(&r);
		}
	}

	dh = open_node(d, O_RDONLY | O_DIRECTORY, true);
	T_EQ(list_dir(d, dh, false, names, 4), nwant);
	if (fg_session_info(be.s)->flags & FUSE_DO_READDIRPLUS)
		T_EQ(list_dir(d, dh, true, names, 4), nwant);
	else
		printf("skip READDIRPLUS: not granted in INIT\n");
	memset(&fs, 0, sizeof(fs));
	fs.fh = dh;
	if (supported("FSYNCDIR", t_simple(&be, FUSE_FSYNCDIR, d, &fs,
	                              sizeof(fs), NULL, NULL, NULL, 0, &r)))
		printf("ok FSYNCDIR\n");
	t_res_fini(&r);
	release(d, dh, true);

	{
		struct fuse_rename_in rn = {.newdir = d};
		struct fuse_rename2_in rn2 = {
		    .newdir = d, .flags = RENAME_NOREPLACE};

		ok("RENAME", t_simple(&be, FUSE_RENAME, d, &rn, sizeof(rn), "f",
		                 "g", NULL, 0, &r));
		t_res_fini(&r);
		/* NOREPLACE to a free name renames; onto an existing one it
		 * is refused. */
		err = t_simple(&be, FUSE_RENAME2, d, &rn2, sizeof(rn2), "g",
		    "g2", NULL, 0, &r);
		t_res_fini(&r);
		if (err == -EINVAL) {
			printf("skip RENAME2: flags not supported\n");
			nskipped++;
		} else if (supported("RENAME2", err)) {
			uint64_t x;

			ok("RENAME2 NOREPLACE", err);
			ok("RENAME2 back",
			    t_simple(&be, FUSE_RENAME2, d, &rn2, sizeof(rn2),
			        "g2", "g", NULL, 0, &r));
			t_res_fini(&r);
			err = t_simple(&be, FUSE_CREATE, d, &ci, sizeof(ci),
			    "x", NULL, NULL, 0, &r);
			fh = r.rep.open.fh;
			x = entry_of("CREATE x", err, &r);
			release(x, fh, false);
			err = t_simple(&be, FUSE_RENAME2, d, &rn2, sizeof(rn2),
			    "g", "x", NULL, 0, &r);
			t_res_fini(&r);
			if (err == 0) {
				/* rclone: the flag is ignored */
				printf("note: backend ignores "
				       "RENAME_NOREPLACE\n");
				ok("RENAME back",
				    t_simple(&be, FUSE_RENAME, d, &rn,
				        sizeof(rn), "x", "g", NULL, 0, &r));
			} else {
				T_EQ(err, -EEXIST);
				printf("ok RENAME2 NOREPLACE onto x: EEXIST\n");
				ok("UNLINK x",
				    t_simple(&be, FUSE_UNLINK, d, NULL, 0, "x",
				        NULL, NULL, 0, &r));
			}
			t_res_fini(&r);
			fg_forget(be.s, x, 1);
		}
		g = entry_of(
		    "LOOKUP after rename", t_lookup(&be, d, "g", &r), &r);
		T_EQ(g, f);
	}

	/* xattrs */
	{
		struct fuse_setxattr_in sx = {.size = 3};
		struct fuse_getxattr_in gx = {.size = 0};

		err = t_simple(&be, FUSE_SETXATTR, g, &sx, sizeof(sx), "user.t",
		    NULL, "abc", 3, &r);
		t_res_fini(&r);
		if (err == -ENODATA) {
			/* rclone mount2 answers ENODATA: no xattrs */
			printf("skip SETXATTR: %s\n", strerror(-err));
			nskipped++;
		} else if (supported("SETXATTR", err)) {
			printf("ok SETXATTR\n");
			ok("GETXATTR size",
			    t_simple(&be, FUSE_GETXATTR, g, &gx, sizeof(gx),
			        "user.t", NULL, NULL, 0, &r));
			T_EQ(r.rep.xattr.size, 3);
			t_res_fini(&r);
			gx.size = 64;
			ok("GETXATTR",
			    t_simple(&be, FUSE_GETXATTR, g, &gx, sizeof(gx),
			        "user.t", NULL, NULL, 0, &r));
			T_EQ(r.rep.len, 3);
			T_CHECK(memcmp(r.rep.data, "abc", 3) == 0);
			t_res_fini(&r);
			gx.size = 0;
			ok("LISTXATTR size",
			    t_simple(&be, FUSE_LISTXATTR, g, &gx, sizeof(gx),
			        NULL, NULL, NULL, 0, &r));
			T_CHECK(r.rep.xattr.size >= 7);
			gx.size = r.rep.xattr.size;
			t_res_fini(&r);
			ok("LISTXATTR",
			    t_simple(&be, FUSE_LISTXATTR, g, &gx, sizeof(gx),
			        NULL, NULL, NULL, 0, &r));
			T_CHECK(
			    memmem(r.rep.data, r.rep.len, "user.t", 7) != NULL);
			t_res_fini(&r);
			ok("REMOVEXATTR",
			    t_simple(&be, FUSE_REMOVEXATTR, g, NULL, 0,
			        "user.t", NULL, NULL, 0, &r));
			t_res_fini(&r);
			gx.size = 64;
			T_EQ(t_simple(&be, FUSE_GETXATTR, g, &gx, sizeof(gx),
			         "user.t", NULL, NULL, 0, &r),
			    -ENODATA);
			t_res_fini(&r);
		}
	}

	/* POSIX locks */
	fh = open_node(g, O_RDWR, false);
	{
		struct fuse_lk_in lk = {.fh = fh, .owner = 0x1234};

		lk.lk.type = F_WRLCK;
		lk.lk.start = 0;
		lk.lk.end = 99;
		lk.lk.pid = 1;
		err = t_simple(&be, FUSE_GETLK, g, &lk, sizeof(lk), NULL, NULL,
		    NULL, 0, &r);
		if (supported("GETLK", err)) {
			printf("ok GETLK\n");
			T_EQ(r.rep.lk.lk.type, F_UNLCK);
			t_res_fini(&r);
			ok("SETLK", t_simple(&be, FUSE_SETLK, g, &lk,
			                sizeof(lk), NULL, NULL, NULL, 0, &r));
			t_res_fini(&r);
			ok("SETLKW", t_simple(&be, FUSE_SETLKW, g, &lk,
			                 sizeof(lk), NULL, NULL, NULL, 0, &r));
			t_res_fini(&r);
			lk.lk.type = F_UNLCK;
			ok("SETLK unlock",
			    t_simple(&be, FUSE_SETLK, g, &lk, sizeof(lk), NULL,
			        NULL, NULL, 0, &r));
		}
		t_res_fini(&r);
	}
	release(g, fh, false);

	/* Tear down. */
	ok("UNLINK g",
	    t_simple(&be, FUSE_UNLINK, d, NULL, 0, "g", NULL, NULL, 0, &r));
	t_res_fini(&r);
	if (s != 0) {
		ok("UNLINK s", t_simple(&be, FUSE_UNLINK, d, NULL, 0, "s", NULL,
		                   NULL, 0, &r));
		t_res_fini(&r);
	}
	if (h != 0) {
		ok("UNLINK h", t_simple(&be, FUSE_UNLINK, d, NULL, 0, "h", NULL,
		                   NULL, 0, &r));
		t_res_fini(&r);
	}
	if (p != 0) {
		ok("UNLINK p", t_simple(&be, FUSE_UNLINK, d, NULL, 0, "p", NULL,
		                   NULL, 0, &r));
		t_res_fini(&r);
	}
	T_EQ(
	    t_simple(&be, FUSE_RMDIR, 1, NULL, 0, "nothere", NULL, NULL, 0, &r),
	    -ENOENT);
	t_res_fini(&r);
	ok("RMDIR",
	    t_simple(&be, FUSE_RMDIR, 1, NULL, 0, "d", NULL, NULL, 0, &r));
	t_res_fini(&r);

	/* Give every lookup back: the ledger ends empty. */
	fg_forget(be.s, f, 0);
	if (s != 0)
		fg_forget(be.s, s, 0);
	if (p != 0)
		fg_forget(be.s, p, 0);
	if (h != 0 && h != f)
		fg_forget(be.s, h, 0);
	fg_forget(be.s, d, 0);
	T_EQ(fg_nlookup_nodes(be.s), 0);
	fg_session_flush(be.s);
	t_be_turn(&be, 10);
	T_EQ(be.broken_calls, 0);
	T_EQ(fg_session_inflight(be.s), 0);
	{
		int st = t_be_stop(&be, 5000);
		char how[96];

		fg_describe_status(st, how, sizeof(how));
		printf("backend %s\n", how);
	}
	if (tb.kind == T_TESTFS) {
		char path[400], line[256];
		FILE *rf;
		bool leaks = false, seen = false;

		snprintf(path, sizeof(path), "%s/report", tb.tmp);
		rf = fopen(path, "r");
		if (rf == NULL)
			t_fail("no testfs report: %s", strerror(errno));
		while (fgets(line, sizeof(line), rf) != NULL) {
			if (strncmp(line, "nodes_leaked ", 13) == 0 ||
			    strncmp(line, "open_handles ", 13) == 0) {
				seen = true;
				leaks |= atoi(line + 13) != 0;
				printf("testfs report: %s", line);
			}
		}
		fclose(rf);
		T_CHECK(seen && !leaks);
	}
	t_backend_cleanup(&tb);
	printf("all ops done, %d skipped as unsupported\n", nskipped);
	return 0;
}
