/* SPDX-License-Identifier: MIT */
/*
 * Scenario: a 64 MiB file written and read back byte-exact through one
 * fg_session, in requests of max_write (1 MiB where the backend allows
 * it), several in flight at once, against the backend named on the
 * command line. This exercises large messages over the socketpair (the
 * buffer sizing of fg_spawn), the output queue and the pooled receive
 * buffers.
 *
 * Usage: t_fg_bigfile testfs EXE | passthrough EXE | sshfs | rclone
 */
#include "t_fg.h"
#include "t_fg_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TOTAL (64u << 20)
#define DEPTH 4

static unsigned char
pattern(uint64_t off)
{
	return (unsigned char)((off * 7 + (off >> 20)) % 253);
}

int
main(int argc, char **argv)
{
	struct t_backend tb;
	struct t_be be;
	struct t_res r, slot[DEPTH];
	struct fuse_create_in ci = {
	    .flags = O_RDWR | O_CREAT, .mode = S_IFREG | 0644};
	unsigned char *buf;
	uint64_t node, fh, next = 0, done = 0;
	uint32_t chunk;
	long t0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	t_backend_setup(&tb, argc, argv);
	t_be_start_ok(&be, tb.argv);
	chunk = fg_session_info(be.s)->max_write;
	if (chunk > (1u << 20))
		chunk = 1u << 20;
	buf = malloc(TOTAL);
	T_CHECK(buf != NULL);
	for (uint64_t i = 0; i < TOTAL; i++)
		buf[i] = pattern(i);

	T_EQ(t_simple(&be, FUSE_CREATE, 1, &ci, sizeof(ci), "big64", NULL, NULL,
	         0, &r),
	    0);
	node = r.rep.entry.nodeid;
	fh = r.rep.open.fh;
	t_res_fini(&r);

	/* Write, DEPTH requests in flight. */
	t0 = t_now_ms();
	memset(slot, 0, sizeof(slot));
	while (done < TOTAL) {
		for (int k = 0; k < DEPTH; k++) {
			if (slot[k].done) {
				T_EQ(slot[k].error, 0);
				T_EQ(slot[k].rep.write.size, chunk);
				done += chunk;
				t_res_fini(&slot[k]);
			}
			if (next < TOTAL && !slot[k].done &&
			    slot[k].rep.opcode == 0) {
				T_EQ(fg_write(be.s, &t_ctx, node, fh, next,
				         buf + next, chunk, t_res_done,
				         &slot[k], NULL),
				    0);
				slot[k].rep.opcode = FUSE_WRITE; /* busy */
				next += chunk;
			}
		}
		T_CHECK(!fg_session_is_broken(be.s));
		if (done < TOTAL)
			t_be_turn(&be, 1000);
	}
	printf("wrote %u MiB in %u-byte requests in %ld ms\n", TOTAL >> 20,
	    chunk, t_now_ms() - t0);

	/* Read back, DEPTH in flight, comparing each chunk. */
	t0 = t_now_ms();
	next = done = 0;
	memset(slot, 0, sizeof(slot));
	{
		uint64_t at[DEPTH];

		while (done < TOTAL) {
			for (int k = 0; k < DEPTH; k++) {
				if (slot[k].done) {
					T_EQ(slot[k].error, 0);
					T_EQ(slot[k].rep.len, chunk);
					if (memcmp(slot[k].rep.data,
					        buf + at[k], chunk) != 0)
						t_fail("data differs in the "
						       "chunk at %llu",
						    (unsigned long long)at[k]);
					done += chunk;
					t_res_fini(&slot[k]);
				}
				if (next < TOTAL && !slot[k].done &&
				    slot[k].rep.opcode == 0) {
					T_EQ(fg_read(be.s, &t_ctx, FUSE_READ,
					         node, fh, next, chunk,
					         t_res_done, &slot[k], NULL),
					    0);
					slot[k].rep.opcode = FUSE_READ;
					at[k] = next;
					next += chunk;
				}
			}
			T_CHECK(!fg_session_is_broken(be.s));
			if (done < TOTAL)
				t_be_turn(&be, 1000);
		}
	}
	printf("read back %u MiB byte-exact in %ld ms\n", TOTAL >> 20,
	    t_now_ms() - t0);
	{
		struct fuse_release_in ri = {.fh = fh};

		T_EQ(t_simple(&be, FUSE_RELEASE, node, &ri, sizeof(ri), NULL,
		         NULL, NULL, 0, &r),
		    0);
		t_res_fini(&r);
	}
	T_EQ(t_simple(&be, FUSE_UNLINK, 1, NULL, 0, "big64", NULL, NULL, 0, &r),
	    0);
	t_res_fini(&r);
	fg_forget(be.s, node, 0);
	T_EQ(be.broken_calls, 0);
	t_be_stop(&be, 5000);
	free(buf);
	t_backend_cleanup(&tb);
	return 0;
}
