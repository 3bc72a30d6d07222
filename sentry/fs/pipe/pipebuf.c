/* Pipe byte ring. See pipebuf.h. */
#include "sentry/fs/pipe/pipebuf.h"

#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"

#define PAGE 4096

void pipebuf_init(struct pipebuf *pb, size_t cap)
{
	pb->data = NULL;
	pb->cap = cap;
	pb->head = 0;
	pb->len = 0;
}

void pipebuf_destroy(struct pipebuf *pb)
{
	free(pb->data);
	pb->data = NULL;
	pb->len = 0;
	pb->head = 0;
}

long pipebuf_write(struct pipebuf *pb, const void *src, size_t n)
{
	size_t space = pipebuf_space(pb);
	if (n > space)
		n = space;
	if (n == 0)
		return 0;
	if (!pb->data) {
		pb->data = malloc(pb->cap);
		if (!pb->data)
			return -LINUX_ENOMEM;
	}
	size_t tail = (pb->head + pb->len) % pb->cap;
	size_t first = pb->cap - tail;
	if (first > n)
		first = n;
	memcpy(pb->data + tail, src, first);
	memcpy(pb->data, (const uint8_t *)src + first, n - first);
	pb->len += n;
	return (long)n;
}

size_t pipebuf_peek(const struct pipebuf *pb, void *dst, size_t n)
{
	if (n > pb->len)
		n = pb->len;
	if (n == 0)
		return 0;
	size_t first = pb->cap - pb->head;
	if (first > n)
		first = n;
	memcpy(dst, pb->data + pb->head, first);
	memcpy((uint8_t *)dst + first, pb->data, n - first);
	return n;
}

void pipebuf_consume(struct pipebuf *pb, size_t n)
{
	if (n > pb->len)
		n = pb->len;
	pb->len -= n;
	/* An empty ring restarts at 0 so that later writes are contiguous. */
	pb->head = pb->len ? (pb->head + n) % pb->cap : 0;
}

long pipebuf_resize(struct pipebuf *pb, size_t cap)
{
	size_t want = PAGE;
	while (want < cap && want <= PIPEBUF_MAX_CAP)
		want <<= 1;
	if (want > PIPEBUF_MAX_CAP)
		return -LINUX_EPERM;
	if (pb->len > want)
		return -LINUX_EBUSY;
	if (want == pb->cap)
		return (long)want;
	if (!pb->data) {
		pb->cap = want;
		return (long)want;
	}
	uint8_t *nd = malloc(want);
	if (!nd)
		return -LINUX_ENOMEM;
	pipebuf_peek(pb, nd, pb->len);
	free(pb->data);
	pb->data = nd;
	pb->head = 0;
	pb->cap = want;
	return (long)want;
}
