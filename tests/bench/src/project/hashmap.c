#include "proj.h"
#include <stdlib.h>
#include <string.h>

struct entry {
	char *key;
	long value;
	struct entry *next;
};

struct hashmap {
	struct entry **b;
	size_t nb, n;
};

static unsigned long hash(const char *s)
{
	unsigned long h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

struct hashmap *hm_new(void)
{
	struct hashmap *hm = calloc(1, sizeof(*hm));
	hm->nb = 64;
	hm->b = calloc(hm->nb, sizeof(*hm->b));
	return hm;
}

static void hm_rehash(struct hashmap *hm)
{
	size_t nb = hm->nb * 2;
	struct entry **b = calloc(nb, sizeof(*b));
	for (size_t i = 0; i < hm->nb; i++)
		for (struct entry *e = hm->b[i], *next; e; e = next) {
			next = e->next;
			size_t k = hash(e->key) % nb;
			e->next = b[k];
			b[k] = e;
		}
	free(hm->b);
	hm->b = b;
	hm->nb = nb;
}

void hm_put(struct hashmap *hm, const char *key, long value)
{
	size_t k = hash(key) % hm->nb;
	for (struct entry *e = hm->b[k]; e; e = e->next)
		if (!strcmp(e->key, key)) {
			e->value = value;
			return;
		}
	struct entry *e = malloc(sizeof(*e));
	e->key = strdup(key);
	e->value = value;
	e->next = hm->b[k];
	hm->b[k] = e;
	if (++hm->n > hm->nb * 2)
		hm_rehash(hm);
}

int hm_get(const struct hashmap *hm, const char *key, long *value)
{
	for (struct entry *e = hm->b[hash(key) % hm->nb]; e; e = e->next)
		if (!strcmp(e->key, key)) {
			*value = e->value;
			return 1;
		}
	return 0;
}

size_t hm_size(const struct hashmap *hm)
{
	return hm->n;
}

void hm_free(struct hashmap *hm)
{
	for (size_t i = 0; i < hm->nb; i++)
		for (struct entry *e = hm->b[i], *next; e; e = next) {
			next = e->next;
			free(e->key);
			free(e);
		}
	free(hm->b);
	free(hm);
}
