#include "proj.h"

/* A plain merge sort, so that the compiler has some real code to optimize. */
static void merge(long *v, long *tmp, size_t lo, size_t mid, size_t hi)
{
	size_t i = lo, j = mid, k = lo;
	while (i < mid && j < hi)
		tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < hi)
		tmp[k++] = v[j++];
	for (k = lo; k < hi; k++)
		v[k] = tmp[k];
}

static void msort(long *v, long *tmp, size_t lo, size_t hi)
{
	if (hi - lo < 2)
		return;
	size_t mid = lo + (hi - lo) / 2;
	msort(v, tmp, lo, mid);
	msort(v, tmp, mid, hi);
	merge(v, tmp, lo, mid, hi);
}

void sort_longs(long *v, size_t n)
{
	long tmp[n ? n : 1];
	msort(v, tmp, 0, n);
}
