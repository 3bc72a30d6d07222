/* The byte ring of a pipe, without tasks or locking: pure data structure so
 * that it can be unit-tested alone (tests/unit/test_pipe.c).
 *
 * Callers (sentry/fs/pipe/pipe.c) hold the kernel lock around every call.
 * The ring owns its storage; pipebuf_destroy frees it.
 */
#ifndef SENTRY_FS_PIPE_PIPEBUF_H
#define SENTRY_FS_PIPE_PIPEBUF_H

#include <stddef.h>
#include <stdint.h>

#define PIPEBUF_DEFAULT_CAP (64 * 1024)	  /* Linux's default pipe size */
#define PIPEBUF_MAX_CAP	    (1024 * 1024) /* /proc/sys/fs/pipe-max-size */
#define PIPEBUF_ATOMIC	    4096	  /* PIPE_BUF */

struct pipebuf {
	uint8_t *data; /* NULL until the first write: idle pipes cost nothing */
	size_t cap;    /* capacity in bytes, a multiple of the page size */
	size_t head;   /* index of the oldest byte */
	size_t len;    /* bytes stored */
};

void pipebuf_init(struct pipebuf *pb, size_t cap);
void pipebuf_destroy(struct pipebuf *pb);

static inline size_t pipebuf_space(const struct pipebuf *pb)
{
	return pb->cap - pb->len;
}

/* Append up to n bytes from src; returns the number appended (<= space),
 * or -LINUX_ENOMEM when the storage cannot be allocated. */
long pipebuf_write(struct pipebuf *pb, const void *src, size_t n);

/* Copy up to n of the oldest bytes into dst without consuming them;
 * returns the count copied. */
size_t pipebuf_peek(const struct pipebuf *pb, void *dst, size_t n);

/* Drop the n oldest bytes (n <= len). */
void pipebuf_consume(struct pipebuf *pb, size_t n);

/* Change the capacity (F_SETPIPE_SZ). cap is rounded up to a power-of-two
 * number of pages as Linux does; returns the new capacity, -LINUX_EBUSY when
 * the stored bytes do not fit, -LINUX_EPERM past PIPEBUF_MAX_CAP (Linux:
 * pipe-max-size without CAP_SYS_RESOURCE), or -LINUX_ENOMEM. */
long pipebuf_resize(struct pipebuf *pb, size_t cap);

#endif
