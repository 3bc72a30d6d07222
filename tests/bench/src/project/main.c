#include "proj.h"
#include <stdio.h>
#include <string.h>

int main(void)
{
	struct hashmap *hm = hm_new();
	struct strbuf sb;
	struct vec v = {0};
	long x;

	sb_init(&sb);
	for (int i = 0; i < 200; i++)
		sb_addf(&sb, "%sk%d=%d", i ? "," : "", i, (i * 7919) % 1000);
	if (parse_pairs(sb.buf, hm) != 200 || hm_size(hm) != 200)
		return 1;
	for (int i = 0; i < 200; i++) {
		char key[16];
		snprintf(key, sizeof(key), "k%d", i);
		if (!hm_get(hm, key, &x))
			return 1;
		vec_push(&v, x);
	}
	sort_longs(v.v, v.n);
	for (size_t i = 1; i < v.n; i++)
		if (v.v[i - 1] > v.v[i])
			return 1;
	printf("ok %zu %ld %ld\n", v.n, v.v[0], v.v[v.n - 1]);
	vec_free(&v);
	sb_free(&sb);
	hm_free(hm);
	return 0;
}
