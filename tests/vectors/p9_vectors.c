/* SPDX-License-Identifier: MIT */
/*
 * The index over the per-dialect vector tables, so loop tests see one list.
 * The vectors themselves live in p9_vectors_2000*.c.
 */
#include "p9_vectors.h"

#include <assert.h>

struct table {
	const struct t_vector *v;
	const size_t *n;
};

static const struct table tables[] = {
    {t_vectors_2000, &t_nvectors_2000},
    {t_vectors_2000u, &t_nvectors_2000u},
    {t_vectors_2000l, &t_nvectors_2000l},
    {t_vectors_2000l_ops, &t_nvectors_2000l_ops},
};

size_t
t_nvectors(void)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		n += *tables[i].n;
	return n;
}

const struct t_vector *
t_vector(size_t i)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		if (i < *tables[t].n)
			return &tables[t].v[i];
		i -= *tables[t].n;
	}
	assert(!"vector index out of range");
	return NULL;
}
