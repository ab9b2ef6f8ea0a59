/* SPDX-License-Identifier: MIT */
/*
 * Writes the seed corpus of fuzz_fg_reply (tests/fuzz/corpus/fg/) from the
 * golden FUSE vectors: one input per vector reply (and the interrupt
 * answered with ENOSYS), one answering every request in turn, and one
 * mixing replies with interrupts, detaches, timer turns and a full
 * socket. The input format is fuzz_fg_reply.c's (fuzz_fg_seed).
 * Run by hand when vectors change: fg_seed tests/fuzz/corpus/fg
 */
#include "fg_vectors.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

size_t fuzz_fg_seed(const struct t_fg_vector *v, uint8_t *out, size_t cap);

static int
put(const char *dir, const char *name, const uint8_t *b, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(b, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

/* an action: bit 13, what in bits 0-2, argument in bits 3-12 */
static size_t
act(uint8_t *out, unsigned what, unsigned arg)
{
	unsigned pre = 0x2000u | what | arg << 3;

	out[0] = (uint8_t)pre;
	out[1] = (uint8_t)(pre >> 8);
	return 2;
}

int
main(int argc, char **argv)
{
	static uint8_t all[1 << 16], mixed[1 << 16], one[8192];
	size_t all_len = 1, mixed_len = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	all[0] = mixed[0] = 0; /* a good INIT at 7.38 */
	/* stop reading with a small socket buffer: the session queues */
	mixed_len += act(mixed + mixed_len, 5, 0);
	for (size_t i = 0; i < t_fg_nvectors; i++) {
		const struct t_fg_vector *v = &t_fg_vectors[i];
		size_t n = fuzz_fg_seed(v, one, sizeof(one));
		char name[64];
		size_t j = 0;

		if (n == 0)
			continue;
		/* "GETXATTR size query" -> "GETXATTR_size_query" */
		for (const char *s = v->name; *s && j < sizeof(name) - 1; s++)
			name[j++] = *s == ' ' ? '_' : *s;
		name[j] = '\0';
		if (put(argv[1], name, one, n) != 0)
			return 1;
		if (v->how == T_FG_INIT)
			continue;
		if (v->how == T_FG_INTERRUPT) {
			/* the other answer that matters: no interrupts */
			int32_t enosys = -ENOSYS;

			memcpy(one + 3 + 4, &enosys, 4);
			if (put(argv[1], "INTERRUPT_ENOSYS", one, n) != 0)
				return 1;
		}
		memcpy(all + all_len, one + 1, n - 1);
		all_len += n - 1;
		/* interrupt the next request, then answer this one; every
		 * fourth, detach one and let the timer run */
		mixed_len += act(mixed + mixed_len, 0, (unsigned)i);
		if (i % 4 == 0) {
			mixed_len += act(mixed + mixed_len, 1, (unsigned)i + 3);
			mixed_len += act(mixed + mixed_len, 2, 0);
		}
		memcpy(mixed + mixed_len, one + 1, n - 1);
		mixed_len += n - 1;
	}
	mixed_len += act(mixed + mixed_len, 3, 0);
	mixed_len += act(mixed + mixed_len, 4, 7);
	mixed_len += act(mixed + mixed_len, 6, 0);
	if (put(argv[1], "all_replies", all, all_len) != 0 ||
	    put(argv[1], "mixed", mixed, mixed_len) != 0)
		return 1;
	return 0;
}
