/* SPDX-License-Identifier: MIT */
/*
 * The p9 client library against a live diod (9P2000.L): the async API with
 * many requests in flight under hand-picked, out-of-order tags, replies
 * matched by tag; Tflush of an unknown tag, of its own tag, of a finished
 * request, and twice of a request diod is blocked in (a FIFO open), with
 * the order of the answers checked; a frame sent in two halves; timeouts;
 * and the synchronous calls (long walks, pipelined reads and writes,
 * xattrs, locks, statfs, links, the Tunlinkat/Trenameat fallbacks, errno
 * mapping) compared with the exported directory.
 *
 * Usage: t_ninep_async ADDR EXPORT_DIR (t_ninep_async.sh starts diod).
 * Prints TAP-style lines; exits 1 if a check failed. It does not test
 * 9P2000/9P2000.u, which diod does not speak.
 */
#include "p9_client.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

static int nchecks, nfails;
static const char *exp_dir;

static bool check(bool ok, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool
check(bool ok, const char *fmt, ...)
{
	va_list ap;

	nchecks++;
	if (!ok)
		nfails++;
	printf("%s %d - ", ok ? "ok" : "not ok", nchecks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

static void
die(const char *what, int err)
{
	printf("Bail out! %s: %s\n", what, strerror(-err));
	exit(1);
}

static char *
local(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", exp_dir, name);
	return buf;
}

static uint8_t
pattern(uint64_t i)
{
	return (uint8_t)(i * 7 + 3 + (i >> 13));
}

static void
make_file(const char *name, size_t size)
{
	FILE *f = fopen(local(name), "w");

	if (f == NULL)
		die(name, -errno);
	for (size_t i = 0; i < size; i++)
		putc(pattern(i), f);
	fclose(f);
}

static bool
is_pattern(const uint8_t *p, size_t len, uint64_t off)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != pattern(off + i))
			return false;
	return true;
}

/* the next reply, or type 0 on timeout */
static struct p9_msg
next_reply(struct p9c *c, void **frame, int timeout_ms)
{
	struct p9_msg m;
	int r;

	memset(&m, 0, sizeof(m));
	*frame = NULL;
	r = p9c_recv(c, &m, frame, timeout_ms);
	if (r < 0) {
		if (r != -ETIMEDOUT)
			printf("# recv: %s\n", strerror(-r));
		free(*frame);
		*frame = NULL;
		memset(&m, 0, sizeof(m));
	}
	return m;
}

static void
send_or_die(struct p9c *c, struct p9_msg *m)
{
	int r = p9c_send(c, m);

	if (r < 0)
		die("p9c_send", r);
}

/* ------------------------------------------------------------ async */

static void
test_pipelined(struct p9c *c, uint32_t root)
{
	static const uint16_t tags[] = {900, 7, 31000, 3, 12};
	const char *nm[1] = {"data.bin"};
	bool seen[5] = {false};
	struct p9_msg m;
	uint32_t fa, wf;
	int r, order = 0;

	r = p9c_walk(c, root, 1, nm, &fa, NULL);
	if (r == 0)
		r = p9c_open(c, fa, O_RDONLY, NULL, NULL);
	if (!check(r == 0, "walk + lopen data.bin"))
		return;
	wf = p9c_fid_alloc(c);

	/* five requests in flight at once, tags in no order */
	memset(&m, 0, sizeof(m));
	m.type = P9_TREAD;
	m.tag = tags[0];
	m.tread = (struct p9_tread){.fid = fa, .offset = 0, .count = 4096};
	send_or_die(c, &m);
	m.tag = tags[1];
	m.tread.offset = 65536;
	send_or_die(c, &m);
	memset(&m, 0, sizeof(m));
	m.type = P9_TGETATTR;
	m.tag = tags[2];
	m.tgetattr =
	    (struct p9_tgetattr){.fid = fa, .request_mask = P9_GETATTR_BASIC};
	send_or_die(c, &m);
	memset(&m, 0, sizeof(m));
	m.type = P9_TREAD;
	m.tag = tags[3];
	m.tread = (struct p9_tread){.fid = fa, .offset = 200000, .count = 1000};
	send_or_die(c, &m);
	memset(&m, 0, sizeof(m));
	m.type = P9_TWALK;
	m.tag = tags[4];
	m.twalk.fid = root;
	m.twalk.newfid = wf;
	m.twalk.nwname = 1;
	m.twalk.wname[0] = (struct p9_str){8, "data.bin"};
	send_or_die(c, &m);

	for (int n = 0; n < 5; n++) {
		void *frame;
		struct p9_msg rx = next_reply(c, &frame, 5000);
		int k = -1;

		for (int i = 0; i < 5; i++)
			if (rx.type != 0 && rx.tag == tags[i])
				k = i;
		if (!check(k >= 0 && !seen[k],
		        "reply %d has a tag in flight "
		        "(tag %u)",
		        n, rx.tag)) {
			free(frame);
			break;
		}
		seen[k] = true;
		if (k != n)
			order++;
		switch (k) {
		case 0:
		case 1:
		case 3: {
			uint64_t off = k == 0 ? 0 : k == 1 ? 65536 : 200000;
			uint32_t cnt = k == 3 ? 1000 : 4096;

			check(rx.type == P9_RREAD && rx.rread.count == cnt &&
			          is_pattern(rx.rread.data, cnt, off),
			    "tag %u: Rread of %u bytes at %" PRIu64
			    " with the file's bytes",
			    rx.tag, cnt, off);
			break;
		}
		case 2:
			check(rx.type == P9_RGETATTR &&
			          rx.rgetattr.size == 262144,
			    "tag %u: Rgetattr size 262144", rx.tag);
			break;
		case 4:
			check(rx.type == P9_RWALK && rx.rwalk.nwqid == 1,
			    "tag %u: Rwalk with one qid", rx.tag);
			break;
		}
		free(frame);
	}
	printf("# %d of 5 replies came in another order than sent\n", order);
	check(p9c_pending(c) == 0, "nothing left queued");
	(void)p9c_clunk(c, wf);

	/* a burst: 200 requests in flight, every tag answered once */
	{
		enum { N = 200 };
		static bool got[N];
		int ok = 0, moved = 0;

		memset(got, 0, sizeof(got));
		for (int i = 0; i < N; i++) {
			memset(&m, 0, sizeof(m));
			m.type = P9_TREAD;
			m.tag = (uint16_t)(20000 + (i * 37) % N);
			m.tread = (struct p9_tread){.fid = fa,
			    .offset = (uint64_t)i * 1000,
			    .count = 100};
			send_or_die(c, &m);
		}
		for (int i = 0; i < N; i++) {
			void *frame;
			struct p9_msg rx = next_reply(c, &frame, 5000);
			int k = rx.tag - 20000;

			if (rx.type == P9_RREAD && k >= 0 && k < N && !got[k]) {
				uint64_t off = 0;

				/* tag 20000+k was sent as request i with
				 * (i*37)%N == k */
				for (int j = 0; j < N; j++)
					if ((j * 37) % N == k)
						off = (uint64_t)j * 1000;
				if (rx.rread.count == 100 &&
				    is_pattern(rx.rread.data, 100, off))
					ok++;
				got[k] = true;
				if ((i * 37) % N != k)
					moved++;
			}
			free(frame);
		}
		printf(
		    "# burst: %d of %d replies out of send order\n", moved, N);
		check(ok == N,
		    "burst of %d Treads in flight: %d right "
		    "answers, one per tag",
		    N, ok);
	}
	(void)p9c_clunk(c, fa);
}

static void
test_flush_simple(struct p9c *c, uint32_t root)
{
	struct p9_msg m, rx;
	void *frame;
	uint16_t tag;
	int r;

	/* oldtag not in flight */
	tag = 77;
	r = p9c_flush(c, 4242, &tag);
	rx = next_reply(c, &frame, 5000);
	check(r == 0 && rx.type == P9_RFLUSH && rx.tag == 77,
	    "Tflush of an unknown tag: Rflush tag 77");
	free(frame);

	/* oldtag == its own tag */
	tag = 78;
	r = p9c_flush(c, 78, &tag);
	rx = next_reply(c, &frame, 5000);
	check(r == 0 && rx.type == P9_RFLUSH && rx.tag == 78,
	    "Tflush with oldtag == its own tag: Rflush tag 78");
	free(frame);

	/* a request that already got its answer */
	memset(&m, 0, sizeof(m));
	m.type = P9_TGETATTR;
	m.tag = 79;
	m.tgetattr =
	    (struct p9_tgetattr){.fid = root, .request_mask = P9_GETATTR_BASIC};
	send_or_die(c, &m);
	rx = next_reply(c, &frame, 5000);
	check(rx.type == P9_RGETATTR && rx.tag == 79, "Rgetattr tag 79");
	free(frame);
	tag = 80;
	r = p9c_flush(c, 79, &tag);
	rx = next_reply(c, &frame, 5000);
	check(r == 0 && rx.type == P9_RFLUSH && rx.tag == 80,
	    "Tflush of a finished request: Rflush tag 80");
	free(frame);

	/* a tag from the allocator */
	tag = P9_NOTAG;
	r = p9c_flush(c, 4243, &tag);
	rx = next_reply(c, &frame, 5000);
	check(
	    r == 0 && tag != P9_NOTAG && rx.type == P9_RFLUSH && rx.tag == tag,
	    "Tflush under an allocated tag (%u)", tag);
	free(frame);
	p9c_tag_free(c, tag);

	/*
	 * Two flushes of one answered tag, sent back to back: both answered,
	 * in order. (Two flushes of a request still running are a race with
	 * diod, which answers only the last of them: see flush_blocked.)
	 */
	{
		uint16_t t1 = 82, t2 = 83;
		int pos1 = -1, pos2 = -1, other = 0;

		memset(&m, 0, sizeof(m));
		m.type = P9_TGETATTR;
		m.tag = 81;
		m.tgetattr = (struct p9_tgetattr){
		    .fid = root, .request_mask = P9_GETATTR_BASIC};
		send_or_die(c, &m);
		rx = next_reply(c, &frame, 5000);
		check(
		    rx.type == P9_RGETATTR && rx.tag == 81, "Rgetattr tag 81");
		free(frame);
		(void)p9c_flush(c, 81, &t1);
		(void)p9c_flush(c, 81, &t2);
		for (int i = 0; i < 3; i++) {
			rx = next_reply(c, &frame, i < 2 ? 5000 : 300);
			if (rx.type == P9_RFLUSH && rx.tag == 82)
				pos1 = i;
			else if (rx.type == P9_RFLUSH && rx.tag == 83)
				pos2 = i;
			else if (rx.type != 0)
				other++;
			free(frame);
		}
		/* diod answers these from several threads and, under load,
		 * sometimes not both (its flush bug, see flush_blocked): what
		 * it did is printed, not asserted. The client's part — both
		 * Tflushes sent with their own tags, replies read in arrival
		 * order — is what this block exercises; ninegate's answer to
		 * the same sequence is asserted in t_gw_flush. */
		printf("# diod: Rflush 82 at %d, Rflush 83 at %d, %d other\n",
		    pos1, pos2, other);
	}
}

/*
 * Flush a request diod is blocked in: Tlopen of a FIFO nobody writes to.
 * nflush Tflushes (tags 91, 92, ...) go out while it is blocked; then a
 * writer opens the FIFO. Returns how many of the Rflushes came, in order,
 * after the Rlopen if there was one; -1 if the order was wrong.
 */
static int
flush_blocked(struct p9c *c, uint32_t root, int nflush)
{
	const char *nm[1] = {"fifo"};
	struct p9_msg m, rx;
	int got = 0, pos_open = -1, bad = 0, i = 0;
	void *frame;
	uint32_t ff;
	int wfd;

	if (mkfifo(local("fifo"), 0644) != 0 ||
	    p9c_walk(c, root, 1, nm, &ff, NULL) != 0)
		return -1;
	memset(&m, 0, sizeof(m));
	m.type = P9_TLOPEN;
	m.tag = 90;
	m.tlopen = (struct p9_tlopen){.fid = ff, .flags = O_RDONLY};
	send_or_die(c, &m);
	rx = next_reply(c, &frame, 300);
	free(frame);
	check(rx.type == 0, "Tlopen of a FIFO without writer is blocked");
	for (int k = 0; k < nflush; k++) {
		uint16_t t = (uint16_t)(91 + k);

		(void)p9c_flush(c, 90, &t);
	}
	/* the Rflushes must wait for the open */
	rx = next_reply(c, &frame, 300);
	free(frame);
	if (rx.type != 0) {
		printf("# %s tag %u before the open finished\n",
		    p9_type_name(rx.type), rx.tag);
		bad++;
	}
	wfd = open(local("fifo"), O_WRONLY | O_NONBLOCK);
	for (;; i++) {
		rx = next_reply(c, &frame, i == 0 ? 5000 : 1000);
		if (rx.type == 0)
			break;
		printf("# after the writer: %s tag %u\n", p9_type_name(rx.type),
		    rx.tag);
		if ((rx.type == P9_RLOPEN || rx.type == P9_RLERROR) &&
		    rx.tag == 90 && pos_open < 0 && got == 0)
			pos_open = i;
		else if (rx.type == P9_RFLUSH && rx.tag == 91 + got)
			got++;
		else
			bad++;
		free(frame);
	}
	if (wfd >= 0)
		close(wfd);
	(void)p9c_clunk(c, ff);
	unlink(local("fifo"));
	return bad ? -1 : got;
}

static void
test_flush_blocked(struct p9c *c, uint32_t root)
{
	int got = flush_blocked(c, root, 1);

	check(got == 1, "Tflush of a blocked Tlopen: the Rflush comes after "
	                "the open ends, after its Rlopen if any");
	/* diod 1.0.24 answers only the last of several flushes of one
	 * blocked request; the protocol wants all of them: report only */
	got = flush_blocked(c, root, 2);
	printf("# two Tflushes of a blocked Tlopen: diod answered %d in "
	       "order\n",
	    got);
}

static void
test_raw_and_timeout(struct p9c *c, uint32_t root)
{
	struct p9_msg m, rx;
	uint8_t buf[64];
	void *frame;
	ssize_t n;
	int r;

	r = p9c_recv(c, &rx, &frame, 100);
	check(r == -ETIMEDOUT, "p9c_recv with nothing in flight times out");

	memset(&m, 0, sizeof(m));
	m.type = P9_TGETATTR;
	m.tag = 4321;
	m.tgetattr =
	    (struct p9_tgetattr){.fid = root, .request_mask = P9_GETATTR_BASIC};
	n = p9_encode(&m, P9_V_2000L, p9c_msize(c), buf, sizeof(buf));
	if (!check(n == 19, "Tgetattr encodes to 19 bytes"))
		return;
	r = p9c_raw_send(c, buf, 10);
	check(r == 0 && p9c_recv(c, &rx, &frame, 200) == -ETIMEDOUT,
	    "half a frame: no answer yet");
	r = p9c_raw_send(c, buf + 10, (size_t)n - 10);
	rx = next_reply(c, &frame, 5000);
	check(r == 0 && rx.type == P9_RGETATTR && rx.tag == 4321,
	    "the other half: Rgetattr tag 4321");
	free(frame);
}

/* ------------------------------------------------------------- sync */

static int
names_cb(void *arg, const struct p9c_dirent *de)
{
	char *list = arg;

	if (strcmp(de->name, ".") != 0 && strcmp(de->name, "..") != 0) {
		strcat(list, de->name);
		strcat(list, "/");
	}
	return 0;
}

static void
test_sync(struct p9c *c, uint32_t root)
{
	struct p9_qid qid;
	struct stat st;
	uint32_t f, d, probe;
	char path[512], buf[256];
	uint8_t *big;
	bool have_f;
	ssize_t n;
	int r;

	/* a walk of 21 names is two Twalks */
	strcpy(path, "deep");
	mkdir(local(path), 0755);
	for (int i = 0; i < 19; i++) {
		snprintf(path + strlen(path), sizeof(path) - strlen(path),
		    "/d%d", i);
		mkdir(local(path), 0755);
	}
	strcat(path, "/leaf");
	make_file(path, 10);
	r = p9c_walk_path(c, root, path, &f, &qid);
	check(r == 0 && qid.type == P9_QTFILE, "walk of 21 names");
	if (r == 0)
		(void)p9c_clunk(c, f);
	probe = p9c_fid_alloc(c);
	p9c_fid_free(c, probe);
	strcpy(path + strlen(path) - 4, "none");
	r = p9c_walk_path(c, root, path, &f, NULL);
	check(r == -ENOENT, "walk of 21 names, the last missing: ENOENT");
	r = p9c_walk_path(c, root,
	    "deep/d0/nope/d2/d3/d4/d5/d6/d7/d8/d9/"
	    "d10/d11/d12/d13/d14/d15/d16/d17",
	    &f, NULL);
	check(r == -ENOENT, "walk missing in the first Twalk: ENOENT");
	check(p9c_fid_alloc(c) == probe, "failed walks leave no fid");
	p9c_fid_free(c, probe);

	/* pipelined read and write of 3 MiB */
	make_file("three.bin", 3u << 20);
	big = malloc(3u << 20);
	r = p9c_walk_path(c, root, "three.bin", &f, NULL);
	if (r == 0)
		r = p9c_open(c, f, O_RDONLY, NULL, NULL);
	n = r == 0 ? p9c_pread(c, f, big, 3u << 20, 0, 16) : r;
	check(n == 3 << 20 && is_pattern(big, 3u << 20, 0),
	    "p9c_pread 3 MiB, window 16");
	n = p9c_pread(c, f, big, 100, (3u << 20) - 40, 4);
	check(n == 40 && is_pattern(big, 40, (3u << 20) - 40),
	    "p9c_pread across the end: 40 bytes");
	(void)p9c_clunk(c, f);
	for (size_t i = 0; i < (3u << 20); i++)
		big[i] = pattern(i);
	r = p9c_walk(c, root, 0, NULL, &f, NULL);
	if (r == 0)
		r = p9c_create(c, f, "copy.bin", O_WRONLY | O_CREAT, 0644,
		    P9_NONUNAME, NULL, NULL);
	n = r == 0 ? p9c_pwrite(c, f, big, 3u << 20, 0, 16) : r;
	(void)p9c_clunk(c, f);
	check(n == 3 << 20 && stat(local("copy.bin"), &st) == 0 &&
	          st.st_size == 3 << 20,
	    "p9c_pwrite 3 MiB, window 16");
	{
		FILE *fp = fopen(local("copy.bin"), "r");
		size_t got = fp ? fread(big, 1, 3u << 20, fp) : 0;

		if (fp)
			fclose(fp);
		check(got == 3u << 20 && is_pattern(big, got, 0),
		    "written bytes are right");
	}
	free(big);

	/* directory listing */
	{
		char list[4096] = "", want[4096] = "";
		DIR *dp = opendir(local("deep/d0/d1"));
		struct dirent *de;

		while (dp && (de = readdir(dp)) != NULL)
			if (de->d_name[0] != '.')
				snprintf(want + strlen(want),
				    sizeof(want) - strlen(want), "%s/",
				    de->d_name);
		if (dp)
			closedir(dp);
		r = p9c_walk_path(c, root, "deep/d0/d1", &d, NULL);
		if (r == 0)
			r = p9c_open(c, d, O_RDONLY | O_DIRECTORY, NULL, NULL);
		if (r == 0)
			r = p9c_readdir_all(c, d, names_cb, list);
		(void)p9c_clunk(c, d);
		check(r == 0 && strcmp(list, want) == 0,
		    "readdir: '%s' like the directory's '%s'", list, want);
	}

	/* xattrs */
	r = p9c_walk_path(c, root, "three.bin", &f, NULL);
	have_f = r == 0;
	if (r == 0 && setxattr(local("three.bin"), "user.probe", "1", 1, 0)) {
		printf(
		    "# no user xattrs on %s: %s\n", exp_dir, strerror(errno));
	} else if (r == 0) {
		r = p9c_xattr_set(c, f, "user.ninep", "hello", 5, 0);
		check(r == 0, "xattr set: %s", strerror(-r));
		n = getxattr(
		    local("three.bin"), "user.ninep", buf, sizeof(buf));
		check(n == 5 && memcmp(buf, "hello", 5) == 0,
		    "xattr is on the file");
		n = p9c_xattr_get(c, f, "user.ninep", buf, sizeof(buf));
		check(n == 5 && memcmp(buf, "hello", 5) == 0, "xattr get");
		n = p9c_xattr_get(c, f, "user.ninep", NULL, 0);
		check(n == 5, "xattr size only");
		n = p9c_xattr_list(c, f, buf, sizeof(buf));
		check(n > 0 && memmem(buf, (size_t)n, "user.ninep", 11) != NULL,
		    "xattr list has user.ninep");
		r = p9c_xattr_remove(c, f, "user.ninep");
		n = p9c_xattr_get(c, f, "user.ninep", buf, sizeof(buf));
		check(r == 0 && n == -ENODATA, "xattr removed: ENODATA");
	}

	/* locks */
	if (have_f) {
		struct p9_tlock lk = {.type = P9_LOCK_TYPE_WRLCK,
		    .start = 0,
		    .length = 100,
		    .proc_id = 1,
		    .client_id = {5, "ninep"}};
		struct p9_tgetlock gl = {.type = P9_LOCK_TYPE_WRLCK,
		    .start = 0,
		    .length = 100,
		    .proc_id = 1,
		    .client_id = {5, "ninep"}};
		struct p9_rgetlock out;
		char cid[64];
		uint8_t status = 99;

		r = p9c_open(c, f, O_RDWR, NULL, NULL);
		if (r == 0)
			r = p9c_lock(c, f, &lk, &status);
		check(r == 0 && status == P9_LOCK_SUCCESS, "Tlock WRLCK: "
		                                           "SUCCESS");
		r = p9c_getlock(c, f, &gl, &out, cid, sizeof(cid));
		check(r == 0 && out.type == P9_LOCK_TYPE_UNLCK,
		    "Tgetlock of our own range: UNLCK (r %d type %u)", r,
		    out.type);
		lk.type = P9_LOCK_TYPE_UNLCK;
		r = p9c_lock(c, f, &lk, &status);
		check(r == 0 && status == P9_LOCK_SUCCESS, "unlock");
		check(p9c_fsync(c, f, false) == 0, "Tfsync");
		(void)p9c_clunk(c, f);
	}

	/* statfs */
	{
		struct p9_rstatfs sf;
		struct statvfs sv;

		r = p9c_statfs(c, root, &sf);
		check(r == 0 && statvfs(exp_dir, &sv) == 0 &&
		          sf.blocks == sv.f_blocks && sf.bsize == sv.f_bsize,
		    "statfs blocks and bsize like statvfs");
	}

	/* names */
	r = p9c_mkdir(c, root, "sub", 0750, P9_NONUNAME, &qid);
	check(r == 0 && qid.type == P9_QTDIR && stat(local("sub"), &st) == 0 &&
	          S_ISDIR(st.st_mode),
	    "mkdir");
	check(p9c_mkdir(c, root, "sub", 0750, P9_NONUNAME, NULL) == -EEXIST,
	    "mkdir existing: EEXIST");
	r = p9c_walk_path(c, root, "sub", &d, NULL);
	check(r == 0 && p9c_symlink(
	                    c, d, "sl", "../three.bin", P9_NONUNAME, NULL) == 0,
	    "symlink");
	r = p9c_walk_path(c, root, "sub/sl", &f, NULL);
	n = r == 0 ? p9c_readlink(c, f, buf, sizeof(buf)) : r;
	check(n == 12 && strcmp(buf, "../three.bin") == 0, "readlink");
	if (r == 0)
		(void)p9c_clunk(c, f);
	r = p9c_walk_path(c, root, "three.bin", &f, NULL);
	check(r == 0 && p9c_link(c, d, f, "hard") == 0 &&
	          stat(local("three.bin"), &st) == 0 && st.st_nlink == 2,
	    "link");
	if (r == 0)
		(void)p9c_clunk(c, f);
	r = p9c_mknod(c, d, "fifo", S_IFIFO | 0600, 0, 0, P9_NONUNAME, NULL);
	check(
	    r == 0 && stat(local("sub/fifo"), &st) == 0 && S_ISFIFO(st.st_mode),
	    "mknod FIFO");
	check(p9c_move(c, d, "hard", root, "moved") == 0 &&
	          access(local("moved"), F_OK) == 0 &&
	          access(local("sub/hard"), F_OK) != 0,
	    "move (renameat or rename)");
	check(p9c_unlink(c, root, "sub", P9_AT_REMOVEDIR) == -ENOTEMPTY,
	    "remove non-empty directory: ENOTEMPTY");
	check(p9c_unlink(c, d, "fifo", 0) == 0 &&
	          p9c_unlink(c, d, "sl", 0) == 0 &&
	          p9c_unlink(c, root, "moved", 0) == 0,
	    "unlink three");
	(void)p9c_clunk(c, d);
	check(p9c_unlink(c, root, "sub", 0) == -EISDIR,
	    "unlink a directory without AT_REMOVEDIR: EISDIR");
	check(p9c_unlink(c, root, "sub", P9_AT_REMOVEDIR) == 0 &&
	          access(local("sub"), F_OK) != 0,
	    "rmdir");

	/* setattr */
	r = p9c_walk_path(c, root, "copy.bin", &f, NULL);
	if (r == 0) {
		struct p9c_setattr sa = {
		    .valid = P9_SETATTR_SIZE | P9_SETATTR_MODE |
		             P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET,
		    .size = 1234,
		    .mode = 0604,
		    .mtime_sec = 1000000000};
		struct p9c_attr a;

		r = p9c_setattr(c, f, &sa);
		check(r == 0 && stat(local("copy.bin"), &st) == 0 &&
		          st.st_size == 1234 && (st.st_mode & 07777) == 0604 &&
		          st.st_mtime == 1000000000,
		    "setattr size, mode, mtime");
		r = p9c_getattr(c, f, P9_GETATTR_ALL, &a);
		check(r == 0 && a.size == 1234 && a.mode == (S_IFREG | 0604) &&
		          a.mtime_sec == 1000000000 && a.qid.path == st.st_ino,
		    "getattr sees them");
		(void)p9c_clunk(c, f);
	}
	check(p9c_pending(c) == 0, "no unclaimed replies after the sync "
	                           "calls");
}

int
main(int argc, char **argv)
{
	struct p9c *c;
	uint32_t root;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: t_ninep_async ADDR EXPORT_DIR\n");
		return 2;
	}
	exp_dir = argv[2];
	make_file("data.bin", 262144);

	r = p9c_connect(argv[1], 65536, "9P2000.L", &c);
	if (r < 0)
		die(argv[1], r);
	check(p9c_dialect(c) == P9_V_2000L, "dialect 9P2000.L, msize %u",
	    p9c_msize(c));
	p9c_set_timeout(c, 10000);
	r = p9c_attach(c, NULL, (uint32_t)getuid(), exp_dir, &root, NULL);
	if (r < 0)
		die("attach", r);

	test_pipelined(c, root);
	test_flush_simple(c, root);
	test_flush_blocked(c, root);
	test_raw_and_timeout(c, root);
	test_sync(c, root);

	check(p9c_clunk(c, root) == 0, "clunk root");
	check(p9c_error(c) == 0, "connection still fine");
	p9c_free(c);
	printf("1..%d\n", nchecks);
	return nfails ? 1 : 0;
}
