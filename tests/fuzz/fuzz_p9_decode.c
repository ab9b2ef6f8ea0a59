/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the 9P codec: decode the input in every dialect (as
 * given, and with size[4] patched to the input length so the fuzzer reaches
 * the bodies), and for every accepted frame check that it encodes back to
 * the same bytes, that p9_size and p9_encode_head agree, and walk the
 * directory entries inside Rreaddir/Rread data. p9_fmt runs on every
 * result. A broken property aborts, which the fuzzer reports as a crash.
 *
 * Built with clang -fsanitize=fuzzer, and with the project compiler for the
 * corpus replay test (fuzz_replay.c). It checks codec properties only.
 */
#include "p9.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
			    __LINE__, #cond);                                  \
			abort();                                               \
		}                                                              \
	} while (0)

/* walk what a directory read returns; every step must stay in bounds */
static void
walk_entries(const struct p9_msg *m, unsigned dialect)
{
	const uint8_t *p;
	size_t left, used;

	if (m->type == P9_RREADDIR) {
		p = m->rreaddir.data;
		left = m->rreaddir.count;
		while (left > 0) {
			struct p9_qid qid;
			struct p9_str name;
			uint64_t off;
			uint8_t type;
			uint8_t again[24 + 65535];

			if (p9_dirent_get(
			        p, left, &qid, &off, &type, &name, &used) != 0)
				break;
			CHECK(used > 0 && used <= left);
			/* an entry read back writes the same bytes */
			CHECK(p9_dirent_put(again, sizeof(again), &qid, off,
			          type, name.s, name.len) == (ssize_t)used);
			CHECK(memcmp(again, p, used) == 0);
			p += used;
			left -= used;
		}
	} else if (m->type == P9_RREAD && dialect != P9_V_2000L) {
		p = m->rread.data;
		left = m->rread.count;
		while (left > 0) {
			struct p9_stat st;
			uint8_t again[2 + 65535];

			if (p9_stat_get(p, left, dialect, &st, &used) != 0)
				break;
			CHECK(used > 0 && used <= left);
			CHECK(p9_stat_put(again, sizeof(again), &st, dialect) ==
			      (ssize_t)used);
			CHECK(memcmp(again, p, used) == 0);
			p += used;
			left -= used;
		}
	}
}

static void
one(const uint8_t *frame, size_t len, unsigned dialect)
{
	struct p9_diag diag;
	struct p9_msg m;
	char line[256];
	uint8_t *out;
	ssize_t n, head;
	int rc;

	rc = p9_decode(frame, len, dialect, &m, &diag);
	CHECK(p9_fmt(&m, dialect, line, sizeof(line)) < (int)sizeof(line));
	if (rc != 0) {
		CHECK(rc == -EBADMSG || rc == -EOPNOTSUPP);
		return;
	}
	CHECK(p9_size(&m, dialect) == (ssize_t)len);
	out = malloc(len);
	CHECK(out != NULL);
	n = p9_encode(&m, dialect, (uint32_t)len, out, len);
	CHECK(n == (ssize_t)len);
	CHECK(memcmp(out, frame, len) == 0);
	CHECK(p9_encode(&m, dialect, (uint32_t)len - 1, out, len) == -EMSGSIZE);
	head = p9_encode_head(&m, dialect, (uint32_t)len, out, len);
	CHECK(head > 0 && head <= n);
	CHECK(memcmp(out, frame, (size_t)head) == 0);
	free(out);
	walk_entries(&m, dialect);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned dialects[] = {P9_V_2000, P9_V_2000U, P9_V_2000L};
	uint8_t *copy;

	/* an exact-size heap copy, so a read past the end is caught */
	copy = calloc(1, size > 0 ? size : 1);
	if (copy == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	for (size_t d = 0; d < 3; d++)
		one(copy, size, dialects[d]);
	if (size >= 4 && size <= UINT32_MAX) {
		copy[0] = (uint8_t)size;
		copy[1] = (uint8_t)(size >> 8);
		copy[2] = (uint8_t)(size >> 16);
		copy[3] = (uint8_t)(size >> 24);
		for (size_t d = 0; d < 3; d++)
			one(copy, size, dialects[d]);
	}
	free(copy);
	return 0;
}
