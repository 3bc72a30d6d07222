#include "proj.h"
#include <stdlib.h>
#include <string.h>

int parse_pairs(const char *s, struct hashmap *hm)
{
	int n = 0;

	while (*s) {
		const char *eq = strchr(s, '=');
		if (!eq)
			return -1;
		const char *end = strchr(eq, ',');
		if (!end)
			end = eq + strlen(eq);
		char key[64];
		size_t klen = (size_t)(eq - s);
		if (klen == 0 || klen >= sizeof(key))
			return -1;
		memcpy(key, s, klen);
		key[klen] = 0;
		char *stop;
		long v = strtol(eq + 1, &stop, 10);
		if (stop != end)
			return -1;
		hm_put(hm, key, v);
		n++;
		s = *end ? end + 1 : end;
	}
	return n;
}
