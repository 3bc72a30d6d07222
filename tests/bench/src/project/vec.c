#include "proj.h"
#include <stdlib.h>

void vec_push(struct vec *v, long x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->v = realloc(v->v, v->cap * sizeof(*v->v));
		if (!v->v)
			abort();
	}
	v->v[v->n++] = x;
}

void vec_free(struct vec *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}
