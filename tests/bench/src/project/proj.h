#ifndef PROJ_H
#define PROJ_H
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_init(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_addf(struct strbuf *sb, const char *fmt, ...);
void sb_free(struct strbuf *sb);

struct hashmap;
struct hashmap *hm_new(void);
void hm_put(struct hashmap *hm, const char *key, long value);
int hm_get(const struct hashmap *hm, const char *key, long *value);
size_t hm_size(const struct hashmap *hm);
void hm_free(struct hashmap *hm);

struct vec {
	long *v;
	size_t n, cap;
};
void vec_push(struct vec *v, long x);
void vec_free(struct vec *v);

/* Splits "k1=v1,k2=v2" into the map; returns the number of pairs or -1. */
int parse_pairs(const char *s, struct hashmap *hm);

void sort_longs(long *v, size_t n);
#endif
