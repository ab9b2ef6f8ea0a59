/* SPDX-License-Identifier: MIT */
/*
 * Corpus replay: runs a libFuzzer target's LLVMFuzzerTestOneInput over
 * every file in the directories given on the command line, with the
 * project compiler (and its sanitizers), as meson suite 'fuzz'. A crash or
 * failed check aborts; an empty or missing corpus fails. It does not
 * mutate inputs; that is what the libFuzzer build is for.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* read path whole into *buf; returns 0 or -errno */
static int
slurp(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	size_t n = 0, cap = 0;

	if (f == NULL)
		return -errno;
	for (;;) {
		if (n == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 4096;
			nb = realloc(b, cap);
			if (nb == NULL) {
				free(b);
				fclose(f);
				return -ENOMEM;
			}
			b = nb;
		}
		size_t got = fread(b + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(b);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

int
main(int argc, char **argv)
{
	size_t files = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *e;

		if (d == NULL) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		while ((e = readdir(d)) != NULL) {
			char path[4096];
			uint8_t *buf = NULL;
			size_t len = 0;
			int rc;

			if (e->d_name[0] == '.')
				continue;
			snprintf(
			    path, sizeof(path), "%s/%s", argv[i], e->d_name);
			rc = slurp(path, &buf, &len);
			if (rc != 0) {
				fprintf(
				    stderr, "%s: %s\n", path, strerror(-rc));
				closedir(d);
				return 1;
			}
			LLVMFuzzerTestOneInput(buf, len);
			free(buf);
			files++;
		}
		closedir(d);
	}
	printf("replayed %zu inputs\n", files);
	return files > 0 ? 0 : 1;
}
