/* The VMA set of an address space: the sentry's truth about which ranges
 * are mapped, how, and backed by what (DESIGN.md, "Memory").
 *
 * A vma_set is a sorted array of non-overlapping, page-aligned [start, end)
 * ranges. It only does bookkeeping: realizing a change in the stub through
 * the platform is the caller's job (mm/).
 *
 * Backings: each vma may point at a backing object (a file, a memfd range
 * owner...) that the set reference-counts through the callbacks given at
 * init: every vma holding a non-NULL backing owns one reference, taken with
 * ops->ref when the vma is created (insert, split, clone) and dropped with
 * ops->unref when it disappears (remove, merge, destroy). The caller keeps
 * its own reference: vma_insert takes a new one.
 *
 * Pointers returned (struct vma *) point into the set's array: they stay
 * valid only until the next call that modifies the set.
 *
 * Thread-safety: none; the set belongs to one mm, protected by the kernel
 * lock (kernel/klock.h).
 */
#ifndef SENTRY_MM_VMA_H
#define SENTRY_MM_VMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMA_PAGE_SIZE 4096ULL

/* prot: Linux's PROT_* bits. */
#define VMA_PROT_READ  0x1
#define VMA_PROT_WRITE 0x2
#define VMA_PROT_EXEC  0x4

/* flags: the MAP_* bits of Linux where one exists (same values, so that mmap
 * flags can be masked in), then vma-only bits. */
#define VMA_SHARED     0x01
#define VMA_PRIVATE    0x02
#define VMA_ANONYMOUS  0x20
#define VMA_GROWSDOWN  0x0100
#define VMA_STACK      0x20000
#define VMA_DONTCOPY   (1u << 24) /* MADV_DONTFORK: not inherited by fork */
#define VMA_WIPEONFORK (1u << 25) /* MADV_WIPEONFORK: child sees zeros */
#define VMA_MEMFD      (1u << 26) /* memfd_off is meaningful */
#define VMA_HOSTFD     (1u << 27) /* mapped from the backing's host fd */

struct vma {
	uint64_t start, end; /* page-aligned, start < end */
	int prot;
	uint32_t flags;
	void *backing;	    /* NULL for private anonymous memory */
	uint64_t off;	    /* file offset of start (backing != NULL) */
	uint64_t memfd_off; /* memory-file offset of start (VMA_MEMFD) */
	char *name;	    /* owned by the set, or NULL: "[heap]", a path */
};

struct vma_ops {
	void (*ref)(void *backing);   /* may be NULL */
	void (*unref)(void *backing); /* may be NULL */
};

struct vma_set {
	struct vma *v; /* sorted by start */
	size_t n, cap;
	struct vma_ops ops;
};

/* ops may be NULL (no reference counting). Cannot fail. */
void vma_set_init(struct vma_set *s, const struct vma_ops *ops);
/* Drop every vma (unref, free names). s can be reused after vma_set_init. */
void vma_set_destroy(struct vma_set *s);

/* The vma containing addr, or NULL. */
struct vma *vma_find(const struct vma_set *s, uint64_t addr);
/* The lowest vma intersecting [start, end), or NULL. */
struct vma *vma_find_first_intersecting(const struct vma_set *s, uint64_t start,
					uint64_t end);
/* Iteration in address order: for (v = vma_first(s); v; v = vma_next(s, v))
 * (no modification of s inside the loop). */
struct vma *vma_first(const struct vma_set *s);
struct vma *vma_next(const struct vma_set *s, const struct vma *v);
size_t vma_count(const struct vma_set *s);
/* Sum of the sizes of all vmas (for RLIMIT_AS and accounting). */
uint64_t vma_total_size(const struct vma_set *s);

/* Add a copy of *v: the set takes a reference on v->backing and copies
 * v->name. Does not merge with neighbours (see vma_try_merge).
 * Returns 0; -LINUX_EINVAL if v->start/end are not page-aligned or
 * start >= end (including an end that wrapped); -LINUX_EEXIST if any byte
 * of the range is already mapped; -LINUX_ENOMEM. */
int vma_insert(struct vma_set *s, const struct vma *v);

/* Unmap [start, end): vmas inside are dropped, vmas straddling an edge are
 * split and the piece outside kept (its off/memfd_off advanced by the
 * distance from the old start). Holes in the range are fine (munmap).
 * Returns 0, -LINUX_EINVAL (unaligned, start >= end), -LINUX_ENOMEM (the set
 * is unchanged then). */
int vma_remove_range(struct vma_set *s, uint64_t start, uint64_t end);

/* Set prot on [start, end), splitting at the edges and merging each
 * changed vma with equal neighbours. Unlike Linux's mprotect, which changes
 * the vmas before a hole and then fails, a range with any hole fails with
 * -LINUX_ENOMEM before changing anything. -LINUX_EINVAL as for remove. */
int vma_protect_range(struct vma_set *s, uint64_t start, uint64_t end,
		      int prot);

/* Merge the vma containing addr with its neighbours where they are
 * contiguous and equal in prot, flags, backing and name, and their offsets
 * follow (off when backed, memfd_off when VMA_MEMFD). Linux merges this
 * way after mmap; call it after vma_insert to get Linux's /proc/PID/maps
 * shape. Never fails. */
void vma_try_merge(struct vma_set *s, uint64_t addr);

/* Find a free range of len bytes (page-aligned, > 0) inside [lo, hi), like
 * Linux's top-down mmap: hint (rounded up to a page) when [hint, hint+len)
 * is free and inside [lo, hi), else the highest free range that fits.
 * Returns 0 with *out set, -LINUX_EINVAL (len 0 or unaligned), or
 * -LINUX_ENOMEM (no room). */
int vma_find_gap(const struct vma_set *s, uint64_t len, uint64_t hint,
		 uint64_t lo, uint64_t hi, uint64_t *out);

/* Initialize dst as a copy of src for fork: same ops, every vma except
 * those with VMA_DONTCOPY, new references and names. Returns 0 or
 * -LINUX_ENOMEM (dst then needs no destroy). */
int vma_set_clone(struct vma_set *dst, const struct vma_set *src);

/* /proc/PID/maps. The device and inode of a vma's backing, supplied by the
 * caller (the set does not know what a backing is). Called only for vmas
 * with a non-NULL backing; others print 00:00 0. */
typedef void (*vma_devino_fn)(void *ctx, const struct vma *v, uint32_t *major,
			      uint32_t *minor, uint64_t *ino);

/* One line exactly as Linux prints it, newline included:
 * "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu " then, when the vma has a
 * name, spaces up to column 72, a space and the name. The offset printed is
 * v->off for backed vmas, 0 for anonymous ones (as Linux). Returns the
 * length the full line needs (snprintf-style; truncated when >= sz). */
size_t vma_format_line(const struct vma *v, uint32_t major, uint32_t minor,
		       uint64_t ino, char *buf, size_t sz);

/* The whole file into a malloc'd, NUL-terminated buffer (*out, caller
 * frees). Returns its length or -LINUX_ENOMEM. */
long vma_render_maps(const struct vma_set *s, vma_devino_fn devino, void *ctx,
		     char **out);

#endif
