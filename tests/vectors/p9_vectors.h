/* SPDX-License-Identifier: MIT */
/*
 * Golden 9P vectors: exact frames with their origin and the message a
 * decoder must produce, for every message type in every dialect it exists
 * in. The tables are split by dialect (p9_vectors_2000*.c); t_vector()
 * indexes them as one list for loop tests.
 *
 * Test data only: nothing here encodes or decodes.
 */
#ifndef NG_TESTS_P9_VECTORS_H
#define NG_TESTS_P9_VECTORS_H

#include "p9.h"

#include <stddef.h>
#include <stdint.h>

struct t_vector {
	const char *name;     /* "Twalk 9P2000.L", unique */
	unsigned dialect;     /* one P9_V_ bit */
	const char *origin;   /* "spec" or "capture FILE #N (Type)" */
	const uint8_t *bytes; /* the whole frame, size[4] included */
	size_t len;
	size_t nul_at;     /* offset of a string byte, 0: no string */
	struct p9_msg msg; /* what decoding the bytes gives */
};

#define T_BYTES(lit) .bytes = (const uint8_t *)(lit), .len = sizeof(lit) - 1
#define T_S(lit)                                                               \
	{                                                                      \
		.len = sizeof(lit) - 1, .s = (lit)                             \
	}
#define T_Q(t, v, p)                                                           \
	{                                                                      \
		.type = (t), .version = (v), .path = (p)                       \
	}

extern const struct t_vector t_vectors_2000[];
extern const size_t t_nvectors_2000;
extern const struct t_vector t_vectors_2000u[];
extern const size_t t_nvectors_2000u;
extern const struct t_vector t_vectors_2000l[];
extern const size_t t_nvectors_2000l;
extern const struct t_vector t_vectors_2000l_ops[];
extern const size_t t_nvectors_2000l_ops;

/* All vectors as one list: t_vector(i) for i < t_nvectors(). */
size_t t_nvectors(void);
const struct t_vector *t_vector(size_t i);

#endif /* NG_TESTS_P9_VECTORS_H */
