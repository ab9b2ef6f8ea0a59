/* SPDX-License-Identifier: MIT */
/*
 * Writes every golden 9P vector as one file into a directory: the seed
 * corpus of fuzz_p9_decode (tests/fuzz/corpus/p9/). Run by hand when
 * vectors change: p9_seed tests/fuzz/corpus/p9
 */
#include "p9_vectors.h"

#include <stdio.h>

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < t_nvectors(); i++) {
		const struct t_vector *v = t_vector(i);
		char path[4096], name[128];
		size_t j = 0;
		FILE *f;

		/* "Twalk 9P2000.L (2)" -> "seed-Twalk_9P2000.L_2" */
		for (const char *s = v->name; *s && j < sizeof(name) - 1; s++)
			if (*s != '(' && *s != ')')
				name[j++] = *s == ' ' ? '_' : *s;
		name[j] = '\0';
		snprintf(path, sizeof(path), "%s/seed-%s", argv[1], name);
		f = fopen(path, "wb");
		if (f == NULL || fwrite(v->bytes, 1, v->len, f) != v->len ||
		    fclose(f) != 0) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
