/* The VMA set (see vma.h): a sorted array, binary-searched. A process has
 * tens to a few thousand vmas; memmove on insert/remove is cheaper than a
 * tree at that size and keeps iteration trivial. */
#include "sentry/mm/vma.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"

#define PAGE_MASK (VMA_PAGE_SIZE - 1)

static bool aligned(uint64_t x)
{
	return (x & PAGE_MASK) == 0;
}

static bool valid_range(uint64_t start, uint64_t end)
{
	return aligned(start) && aligned(end) && start < end;
}

static void take_ref(struct vma_set *s, void *backing)
{
	if (backing && s->ops.ref)
		s->ops.ref(backing);
}

static void drop_ref(struct vma_set *s, void *backing)
{
	if (backing && s->ops.unref)
		s->ops.unref(backing);
}

/* Release what one vma owns (not the array slot). */
static void vma_release(struct vma_set *s, struct vma *v)
{
	drop_ref(s, v->backing);
	free(v->name);
	v->name = NULL;
}

void vma_set_init(struct vma_set *s, const struct vma_ops *ops)
{
	memset(s, 0, sizeof(*s));
	if (ops)
		s->ops = *ops;
}

void vma_set_destroy(struct vma_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		vma_release(s, &s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* Index of the first vma with end > addr (s->n if none). */
static size_t lower_index(const struct vma_set *s, uint64_t addr)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

struct vma *vma_find(const struct vma_set *s, uint64_t addr)
{
	size_t i = lower_index(s, addr);

	if (i < s->n && s->v[i].start <= addr)
		return &s->v[i];
	return NULL;
}

struct vma *vma_find_first_intersecting(const struct vma_set *s, uint64_t start,
					uint64_t end)
{
	size_t i;

	if (start >= end)
		return NULL;
	i = lower_index(s, start);
	if (i < s->n && s->v[i].start < end)
		return &s->v[i];
	return NULL;
}

struct vma *vma_first(const struct vma_set *s)
{
	return s->n ? &s->v[0] : NULL;
}

struct vma *vma_next(const struct vma_set *s, const struct vma *v)
{
	size_t i = (size_t)(v - s->v) + 1;

	return i < s->n ? &s->v[i] : NULL;
}

size_t vma_count(const struct vma_set *s)
{
	return s->n;
}

uint64_t vma_total_size(const struct vma_set *s)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i].end - s->v[i].start;
	return sum;
}

/* Make room for `more` further entries. */
static int reserve(struct vma_set *s, size_t more)
{
	size_t cap;
	struct vma *nv;

	if (s->n + more <= s->cap)
		return 0;
	cap = s->cap ? s->cap * 2 : 16;
	while (cap < s->n + more)
		cap *= 2;
	nv = realloc(s->v, cap * sizeof(*nv));
	if (!nv)
		return -LINUX_ENOMEM;
	s->v = nv;
	s->cap = cap;
	return 0;
}

static void array_insert(struct vma_set *s, size_t i, const struct vma *v)
{
	memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*v));
	s->v[i] = *v;
	s->n++;
}

static void array_delete(struct vma_set *s, size_t i, size_t count)
{
	memmove(&s->v[i], &s->v[i + count],
		(s->n - i - count) * sizeof(s->v[0]));
	s->n -= count;
}

int vma_insert(struct vma_set *s, const struct vma *v)
{
	struct vma nv = *v;
	size_t i;

	if (!valid_range(v->start, v->end))
		return -LINUX_EINVAL;
	i = lower_index(s, v->start);
	if (i < s->n && s->v[i].start < v->end)
		return -LINUX_EEXIST;
	if (reserve(s, 1) < 0)
		return -LINUX_ENOMEM;
	nv.name = NULL;
	if (v->name) {
		nv.name = strdup(v->name);
		if (!nv.name)
			return -LINUX_ENOMEM;
	}
	take_ref(s, nv.backing);
	array_insert(s, i, &nv);
	return 0;
}

/* Ensure a vma boundary at addr: a vma strictly containing it is cut in
 * two, the upper piece's offsets advanced. Returns 0 or -LINUX_ENOMEM with
 * the set unchanged. */
static int split_at(struct vma_set *s, uint64_t addr)
{
	size_t i = lower_index(s, addr);
	struct vma hi;
	uint64_t delta;

	if (i >= s->n || s->v[i].start >= addr)
		return 0;
	if (reserve(s, 1) < 0)
		return -LINUX_ENOMEM;
	hi = s->v[i];
	if (hi.name) {
		hi.name = strdup(hi.name);
		if (!hi.name)
			return -LINUX_ENOMEM;
	}
	delta = addr - hi.start;
	hi.start = addr;
	hi.off += delta;
	hi.memfd_off += delta;
	take_ref(s, hi.backing);
	s->v[i].end = addr;
	array_insert(s, i + 1, &hi);
	return 0;
}

static bool same_name(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool mergeable(const struct vma *a, const struct vma *b)
{
	uint64_t len = a->end - a->start;

	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
	    a->backing != b->backing || !same_name(a->name, b->name))
		return false;
	if (a->backing && b->off != a->off + len)
		return false;
	if ((a->flags & VMA_MEMFD) && b->memfd_off != a->memfd_off + len)
		return false;
	return true;
}

/* Merge v[i] into v[i-1] when they are mergeable; returns the index of the
 * vma now covering v[i]'s range. */
static size_t merge_with_prev(struct vma_set *s, size_t i)
{
	if (i == 0 || i >= s->n || !mergeable(&s->v[i - 1], &s->v[i]))
		return i;
	s->v[i - 1].end = s->v[i].end;
	vma_release(s, &s->v[i]);
	array_delete(s, i, 1);
	return i - 1;
}

void vma_try_merge(struct vma_set *s, uint64_t addr)
{
	struct vma *v = vma_find(s, addr);
	size_t i;

	if (!v)
		return;
	i = merge_with_prev(s, (size_t)(v - s->v));
	merge_with_prev(s, i + 1);
}

int vma_remove_range(struct vma_set *s, uint64_t start, uint64_t end)
{
	size_t i, j;
	int ret;

	if (!valid_range(start, end))
		return -LINUX_EINVAL;
	ret = split_at(s, start);
	if (ret < 0)
		return ret;
	ret = split_at(s, end);
	if (ret < 0) {
		/* Undo the first split: merging never allocates. */
		vma_try_merge(s, start);
		return ret;
	}
	i = lower_index(s, start);
	for (j = i; j < s->n && s->v[j].end <= end; j++)
		vma_release(s, &s->v[j]);
	array_delete(s, i, j - i);
	return 0;
}

int vma_protect_range(struct vma_set *s, uint64_t start, uint64_t end, int prot)
{
	uint64_t covered = start;
	size_t i, first, last;
	int ret;

	if (!valid_range(start, end))
		return -LINUX_EINVAL;
	for (i = lower_index(s, start); i < s->n && covered < end; i++) {
		if (s->v[i].start > covered)
			break;
		covered = s->v[i].end;
	}
	if (covered < end)
		return -LINUX_ENOMEM;

	ret = split_at(s, start);
	if (ret < 0)
		return ret;
	ret = split_at(s, end);
	if (ret < 0) {
		vma_try_merge(s, start);
		return ret;
	}
	first = lower_index(s, start);
	for (last = first; last < s->n && s->v[last].end <= end; last++)
		s->v[last].prot = prot;
	/* Merge from the vma after the range down to the first one and its
	 * predecessor: going down keeps the indices below valid. */
	for (i = last + 1; i-- > first;)
		merge_with_prev(s, i);
	return 0;
}

/* Is [start, start+len) free and inside [lo, hi)? */
static bool range_free(const struct vma_set *s, uint64_t start, uint64_t len,
		       uint64_t lo, uint64_t hi)
{
	if (start < lo || start > hi || len > hi - start)
		return false;
	return vma_find_first_intersecting(s, start, start + len) == NULL;
}

int vma_find_gap(const struct vma_set *s, uint64_t len, uint64_t hint,
		 uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t top;
	size_t i;

	if (len == 0 || !aligned(len))
		return -LINUX_EINVAL;
	lo = (lo + PAGE_MASK) & ~PAGE_MASK;
	hi &= ~PAGE_MASK;
	if (lo >= hi || len > hi - lo)
		return -LINUX_ENOMEM;
	if (hint && hint <= UINT64_MAX - PAGE_MASK) {
		hint = (hint + PAGE_MASK) & ~PAGE_MASK;
		if (range_free(s, hint, len, lo, hi)) {
			*out = hint;
			return 0;
		}
	}
	/* Walk down from hi: top is the end of the free space being looked
	 * at, each vma below it closes that space at its end. */
	top = hi;
	i = lower_index(s, hi);
	if (i < s->n && s->v[i].start < hi)
		top = s->v[i].start; /* a vma straddles hi */
	while (i-- > 0) {
		const struct vma *v = &s->v[i];
		uint64_t bottom = v->end > lo ? v->end : lo;

		if (top >= bottom && top - bottom >= len) {
			*out = top - len;
			return 0;
		}
		if (v->start <= lo)
			return -LINUX_ENOMEM;
		top = v->start;
	}
	if (top >= lo && top - lo >= len) {
		*out = top - len;
		return 0;
	}
	return -LINUX_ENOMEM;
}

int vma_set_clone(struct vma_set *dst, const struct vma_set *src)
{
	vma_set_init(dst, &src->ops);
	if (reserve(dst, src->n ? src->n : 1) < 0)
		return -LINUX_ENOMEM;
	for (size_t i = 0; i < src->n; i++) {
		struct vma v = src->v[i];

		if (v.flags & VMA_DONTCOPY)
			continue;
		if (v.name) {
			v.name = strdup(v.name);
			if (!v.name) {
				vma_set_destroy(dst);
				return -LINUX_ENOMEM;
			}
		}
		take_ref(dst, v.backing);
		dst->v[dst->n++] = v;
	}
	return 0;
}

/* Linux: seq_setwidth(m, 25 + sizeof(void *) * 6 - 1) then seq_pad(m, ' ')
 * before the name. */
#define MAPS_NAME_COLUMN 72

size_t vma_format_line(const struct vma *v, uint32_t major, uint32_t minor,
		       uint64_t ino, char *buf, size_t sz)
{
	char line[MAPS_NAME_COLUMN + 4096 + 64];
	int n;

	n = snprintf(line, sizeof(line),
		     "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08" PRIx64
		     " %02x:%02x %" PRIu64 " ",
		     v->start, v->end, (v->prot & VMA_PROT_READ) ? 'r' : '-',
		     (v->prot & VMA_PROT_WRITE) ? 'w' : '-',
		     (v->prot & VMA_PROT_EXEC) ? 'x' : '-',
		     (v->flags & VMA_SHARED) ? 's' : 'p',
		     v->backing ? v->off : 0, major, minor, ino);
	if (v->name) {
		while (n < MAPS_NAME_COLUMN)
			line[n++] = ' ';
		n += snprintf(line + n, sizeof(line) - n, " %s", v->name);
		if (n > (int)sizeof(line) - 2)
			n = (int)sizeof(line) - 2;
	}
	line[n++] = '\n';
	line[n] = '\0';
	if (sz > 0) {
		size_t c = (size_t)n < sz ? (size_t)n : sz - 1;
		memcpy(buf, line, c);
		buf[c] = '\0';
	}
	return (size_t)n;
}

long vma_render_maps(const struct vma_set *s, vma_devino_fn devino, void *ctx,
		     char **out)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -LINUX_ENOMEM;
	buf[0] = '\0';
	for (size_t i = 0; i < s->n; i++) {
		const struct vma *v = &s->v[i];
		uint32_t major = 0, minor = 0;
		uint64_t ino = 0;
		size_t need;

		if (v->backing && devino)
			devino(ctx, v, &major, &minor, &ino);
		need = vma_format_line(v, major, minor, ino, NULL, 0);
		if (len + need + 1 > cap) {
			char *nb;

			while (len + need + 1 > cap)
				cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -LINUX_ENOMEM;
			}
			buf = nb;
		}
		vma_format_line(v, major, minor, ino, buf + len, cap - len);
		len += need;
	}
	*out = buf;
	return (long)len;
}
