/* Unit tests for sentry/mm/vma.c. Backings are counters: every reference
 * the set takes must be dropped by the end of each test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"
#include "sentry/mm/vma.h"

#define P 4096ULL

struct backing {
	int refs;
	uint32_t ino;
};

static void bref(void *b)
{
	((struct backing *)b)->refs++;
}

static void bunref(void *b)
{
	struct backing *x = b;
	assert_true(x->refs > 0);
	x->refs--;
}

static const struct vma_ops ops = {.ref = bref, .unref = bunref};

static struct vma mk(uint64_t start, uint64_t end, int prot, void *backing,
		     uint64_t off, const char *name)
{
	struct vma v = {.start = start,
			.end = end,
			.prot = prot,
			.flags =
			    backing ? VMA_PRIVATE : VMA_PRIVATE | VMA_ANONYMOUS,
			.backing = backing,
			.off = off,
			.name = (char *)name};
	return v;
}

/* The set as a compact string "start-end:prot:off;..." in pages. */
static const char *shape(const struct vma_set *s)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (struct vma *v = vma_first(s); v; v = vma_next(s, v))
		n += snprintf(buf + n, sizeof(buf) - n, "%lu-%lu:%d:%lu;",
			      (unsigned long)(v->start / P),
			      (unsigned long)(v->end / P), v->prot,
			      (unsigned long)(v->off / P));
	return buf;
}

static void test_insert_find(void **state)
{
	struct vma_set s;
	struct vma v;

	vma_set_init(&s, &ops);
	v = mk(10 * P, 20 * P, 3, NULL, 0, "[heap]");
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(30 * P, 40 * P, 1, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(0, 5 * P, 5, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_string_equal(shape(&s), "0-5:5:0;10-20:3:0;30-40:1:0;");

	assert_null(vma_find(&s, 5 * P));
	assert_non_null(vma_find(&s, 10 * P));
	assert_string_equal(vma_find(&s, 20 * P - 1)->name, "[heap]");
	assert_null(vma_find(&s, 20 * P));
	assert_int_equal(vma_find(&s, 0)->start, 0);
	assert_null(vma_find(&s, UINT64_MAX));

	assert_null(vma_find_first_intersecting(&s, 20 * P, 30 * P));
	assert_int_equal(vma_find_first_intersecting(&s, 19 * P, 31 * P)->start,
			 10 * P);
	assert_int_equal(
	    vma_find_first_intersecting(&s, 25 * P, 100 * P)->start, 30 * P);
	assert_null(vma_find_first_intersecting(&s, 40 * P, 50 * P));
	assert_null(vma_find_first_intersecting(&s, 12 * P, 12 * P));

	/* Overlaps: EEXIST, set unchanged. */
	v = mk(19 * P, 21 * P, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), -LINUX_EEXIST);
	v = mk(5 * P, 50 * P, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), -LINUX_EEXIST);
	v = mk(12 * P, 13 * P, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), -LINUX_EEXIST);
	/* Exactly filling a hole is fine. */
	v = mk(20 * P, 30 * P, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);

	/* Bad ranges. */
	v = mk(100 * P, 100 * P, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), -LINUX_EINVAL);
	v = mk(100 * P + 1, 101 * P, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), -LINUX_EINVAL);
	/* start + len wrapped past 2^64. */
	v = mk(UINT64_MAX - P + 1, (UINT64_MAX - P + 1) + 2 * P, 3, NULL, 0,
	       NULL);
	assert_int_equal(vma_insert(&s, &v), -LINUX_EINVAL);

	assert_int_equal(vma_count(&s), 4);
	assert_int_equal(vma_total_size(&s), 35 * P);
	vma_set_destroy(&s);
}

static void test_remove_splits(void **state)
{
	struct backing b = {0};
	struct vma_set s;
	struct vma v;

	vma_set_init(&s, &ops);
	v = mk(10 * P, 20 * P, 1, &b, 100 * P, "/lib/x.so");
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(b.refs, 1);

	/* Hole in the middle: two pieces, the upper one's offset advanced. */
	assert_int_equal(vma_remove_range(&s, 12 * P, 15 * P), 0);
	assert_string_equal(shape(&s), "10-12:1:100;15-20:1:105;");
	assert_int_equal(b.refs, 2);
	assert_string_equal(vma_find(&s, 15 * P)->name, "/lib/x.so");
	assert_ptr_not_equal(vma_find(&s, 15 * P)->name,
			     vma_find(&s, 10 * P)->name);

	/* Trim the low end of one and the high end of the other. */
	assert_int_equal(vma_remove_range(&s, 10 * P, 11 * P), 0);
	assert_int_equal(vma_remove_range(&s, 19 * P, 30 * P), 0);
	assert_string_equal(shape(&s), "11-12:1:101;15-19:1:105;");
	assert_int_equal(b.refs, 2);

	/* Removing a hole: no-op. */
	assert_int_equal(vma_remove_range(&s, 12 * P, 15 * P), 0);
	assert_string_equal(shape(&s), "11-12:1:101;15-19:1:105;");

	/* Bad ranges. */
	assert_int_equal(vma_remove_range(&s, 12 * P, 12 * P), -LINUX_EINVAL);
	assert_int_equal(vma_remove_range(&s, 12 * P + 7, 13 * P),
			 -LINUX_EINVAL);
	assert_int_equal(vma_remove_range(&s, 13 * P, 12 * P), -LINUX_EINVAL);

	vma_set_destroy(&s);
	assert_int_equal(b.refs, 0);
}

static void test_remove_spanning(void **state)
{
	struct backing b1 = {0}, b2 = {0};
	struct vma_set s;
	struct vma v;

	vma_set_init(&s, &ops);
	v = mk(0 * P, 10 * P, 1, &b1, 0, "a");
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(10 * P, 20 * P, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(25 * P, 30 * P, 5, &b2, 0, "b");
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(30 * P, 40 * P, 1, &b2, 5 * P, "b");
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(50 * P, 60 * P, 1, &b1, 0, "a");
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(b1.refs, 2);
	assert_int_equal(b2.refs, 2);

	/* From the middle of the first to the middle of the fourth. */
	assert_int_equal(vma_remove_range(&s, 5 * P, 35 * P), 0);
	assert_string_equal(shape(&s), "0-5:1:0;35-40:1:10;50-60:1:0;");
	assert_int_equal(b1.refs, 2);
	assert_int_equal(b2.refs, 1);

	/* Everything. */
	assert_int_equal(vma_remove_range(&s, 0, 1ULL << 47), 0);
	assert_int_equal(vma_count(&s), 0);
	assert_int_equal(b1.refs, 0);
	assert_int_equal(b2.refs, 0);
	vma_set_destroy(&s);
}

static void test_protect(void **state)
{
	struct backing b = {0};
	struct vma_set s;
	struct vma v;

	vma_set_init(&s, &ops);
	v = mk(10 * P, 20 * P, 3, &b, 0, "f");
	assert_int_equal(vma_insert(&s, &v), 0);

	/* Middle: three pieces. */
	assert_int_equal(vma_protect_range(&s, 12 * P, 14 * P, 1), 0);
	assert_string_equal(shape(&s), "10-12:3:0;12-14:1:2;14-20:3:4;");
	assert_int_equal(b.refs, 3);

	/* Back to 3: everything merges into one again. */
	assert_int_equal(vma_protect_range(&s, 12 * P, 14 * P, 3), 0);
	assert_string_equal(shape(&s), "10-20:3:0;");
	assert_int_equal(b.refs, 1);

	/* Low edge, then high edge, then the middle joins both. */
	assert_int_equal(vma_protect_range(&s, 10 * P, 11 * P, 0), 0);
	assert_int_equal(vma_protect_range(&s, 19 * P, 20 * P, 0), 0);
	assert_string_equal(shape(&s), "10-11:0:0;11-19:3:1;19-20:0:9;");
	assert_int_equal(vma_protect_range(&s, 11 * P, 19 * P, 0), 0);
	assert_string_equal(shape(&s), "10-20:0:0;");
	assert_int_equal(b.refs, 1);

	/* A hole: ENOMEM, nothing changed. */
	v = mk(30 * P, 40 * P, 0, &b, 20 * P, "f");
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(vma_protect_range(&s, 15 * P, 35 * P, 7),
			 -LINUX_ENOMEM);
	assert_string_equal(shape(&s), "10-20:0:0;30-40:0:20;");
	assert_int_equal(vma_protect_range(&s, 20 * P, 30 * P, 7),
			 -LINUX_ENOMEM);

	/* Adjacent but with offsets that do not follow: never merged. */
	v = mk(20 * P, 30 * P, 0, &b, 500 * P, "f");
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(vma_protect_range(&s, 10 * P, 40 * P, 5), 0);
	assert_string_equal(shape(&s), "10-20:5:0;20-30:5:500;30-40:5:20;");
	assert_int_equal(b.refs, 3);

	/* Different names or backings are not merged either. */
	vma_set_destroy(&s);
	assert_int_equal(b.refs, 0);
	vma_set_init(&s, &ops);
	v = mk(0, P, 1, NULL, 0, "[heap]");
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(P, 2 * P, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(2 * P, 3 * P, 3, &b, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(vma_protect_range(&s, 0, 3 * P, 3), 0);
	assert_int_equal(vma_count(&s), 3);

	/* Anonymous neighbours merge whatever their off. */
	v = mk(3 * P, 4 * P, 1, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(4 * P, 5 * P, 1, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(vma_protect_range(&s, 4 * P, 5 * P, 1), 0);
	assert_string_equal(shape(&s), "0-1:3:0;1-2:3:0;2-3:3:0;3-5:1:0;");

	assert_int_equal(vma_protect_range(&s, 5 * P, 5 * P, 1), -LINUX_EINVAL);
	vma_set_destroy(&s);
	assert_int_equal(b.refs, 0);
}

static void test_try_merge(void **state)
{
	struct backing b = {0};
	struct vma_set s;
	struct vma v;

	vma_set_init(&s, &ops);
	v = mk(0, P, 1, &b, 0, "x");
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(2 * P, 3 * P, 1, &b, 2 * P, "x");
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(P, 2 * P, 1, &b, P, "x");
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(b.refs, 3);
	vma_try_merge(&s, P);
	assert_string_equal(shape(&s), "0-3:1:0;");
	assert_int_equal(b.refs, 1);
	vma_try_merge(&s, 100 * P); /* nothing there */

	/* memfd offsets must follow as well. */
	v = mk(3 * P, 4 * P, 1, NULL, 0, NULL);
	v.flags |= VMA_MEMFD;
	v.memfd_off = 10 * P;
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(4 * P, 5 * P, 1, NULL, 0, NULL);
	v.flags |= VMA_MEMFD;
	v.memfd_off = 20 * P;
	assert_int_equal(vma_insert(&s, &v), 0);
	vma_try_merge(&s, 4 * P);
	assert_int_equal(vma_count(&s), 3);
	vma_remove_range(&s, 4 * P, 5 * P);
	v.memfd_off = 11 * P;
	assert_int_equal(vma_insert(&s, &v), 0);
	vma_try_merge(&s, 4 * P);
	assert_int_equal(vma_count(&s), 2);
	assert_int_equal(vma_find(&s, 4 * P)->memfd_off, 10 * P);

	/* Split keeps memfd_off in step. */
	assert_int_equal(vma_remove_range(&s, 3 * P, 4 * P), 0);
	assert_int_equal(vma_find(&s, 4 * P)->memfd_off, 11 * P);
	vma_set_destroy(&s);
	assert_int_equal(b.refs, 0);
}

static void test_find_gap(void **state)
{
	struct vma_set s;
	struct vma v;
	uint64_t a;
	const uint64_t lo = 0x10000, hi = 0x7ffff0000000ULL;

	vma_set_init(&s, NULL);
	/* Empty: top-down from hi. */
	assert_int_equal(vma_find_gap(&s, 2 * P, 0, lo, hi, &a), 0);
	assert_int_equal(a, hi - 2 * P);

	v = mk(hi - 10 * P, hi, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(vma_find_gap(&s, P, 0, lo, hi, &a), 0);
	assert_int_equal(a, hi - 11 * P);

	/* A one-page hole below it: a 1-page request fits there first. */
	v = mk(hi - 20 * P, hi - 11 * P, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(vma_find_gap(&s, P, 0, lo, hi, &a), 0);
	assert_int_equal(a, hi - 11 * P);
	assert_int_equal(vma_find_gap(&s, 2 * P, 0, lo, hi, &a), 0);
	assert_int_equal(a, hi - 22 * P);

	/* A vma straddling hi. */
	v = mk(hi + 10 * P, hi + 20 * P, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(vma_find_gap(&s, P, 0, lo, hi + 15 * P, &a), 0);
	assert_int_equal(a, hi + 9 * P);

	/* Hint honoured when free, ignored when taken or out of bounds. */
	assert_int_equal(vma_find_gap(&s, P, 0x400000, lo, hi, &a), 0);
	assert_int_equal(a, 0x400000);
	assert_int_equal(vma_find_gap(&s, P, 0x400001, lo, hi, &a), 0);
	assert_int_equal(a, 0x401000); /* rounded up */
	assert_int_equal(vma_find_gap(&s, 2 * P, hi - 12 * P, lo, hi, &a), 0);
	assert_int_equal(a, hi - 22 * P);
	assert_int_equal(vma_find_gap(&s, P, 0x1000, lo, hi, &a), 0);
	assert_int_equal(a, hi - 11 * P); /* below lo */
	/* hint + len wraps: ignored, no overflow. */
	assert_int_equal(
	    vma_find_gap(&s, 2 * P, UINT64_MAX - P + 1, lo, hi, &a), 0);
	assert_int_equal(a, hi - 22 * P);
	assert_int_equal(vma_find_gap(&s, 2 * P, UINT64_MAX - 5, lo, hi, &a),
			 0);
	assert_int_equal(a, hi - 22 * P);

	/* Exactly the space between lo and the first vma. */
	vma_set_destroy(&s);
	vma_set_init(&s, NULL);
	v = mk(lo + 4 * P, hi, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(vma_find_gap(&s, 4 * P, 0, lo, hi, &a), 0);
	assert_int_equal(a, lo);
	assert_int_equal(vma_find_gap(&s, 5 * P, 0, lo, hi, &a), -LINUX_ENOMEM);
	/* A vma below lo does not help nor hurt. */
	v = mk(0, lo + P, 3, NULL, 0, NULL);
	assert_int_equal(vma_remove_range(&s, 0, lo + P), 0);
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(vma_find_gap(&s, 3 * P, 0, lo, hi, &a), 0);
	assert_int_equal(a, lo + P);
	assert_int_equal(vma_find_gap(&s, 4 * P, 0, lo, hi, &a), -LINUX_ENOMEM);

	/* Bad lengths and bounds. */
	assert_int_equal(vma_find_gap(&s, 0, 0, lo, hi, &a), -LINUX_EINVAL);
	assert_int_equal(vma_find_gap(&s, 100, 0, lo, hi, &a), -LINUX_EINVAL);
	assert_int_equal(vma_find_gap(&s, hi, 0, lo, hi, &a), -LINUX_ENOMEM);
	assert_int_equal(vma_find_gap(&s, P, 0, hi, lo, &a), -LINUX_ENOMEM);
	assert_int_equal(vma_find_gap(&s, UINT64_MAX & ~(P - 1), 0, lo, hi, &a),
			 -LINUX_ENOMEM);
	vma_set_destroy(&s);
}

static void test_clone(void **state)
{
	struct backing b = {0};
	struct vma_set s, c;
	struct vma v;

	vma_set_init(&s, &ops);
	v = mk(0, P, 1, &b, 0, "/bin/x");
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(P, 2 * P, 3, NULL, 0, "[heap]");
	v.flags |= VMA_DONTCOPY;
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(2 * P, 3 * P, 3, &b, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	assert_int_equal(b.refs, 2);

	assert_int_equal(vma_set_clone(&c, &s), 0);
	assert_int_equal(b.refs, 4);
	assert_string_equal(shape(&c), "0-1:1:0;2-3:3:0;");
	assert_ptr_not_equal(vma_first(&c)->name, vma_first(&s)->name);
	assert_string_equal(vma_first(&c)->name, "/bin/x");

	/* Independent: changing the child leaves the parent alone. */
	assert_int_equal(vma_remove_range(&c, 0, 3 * P), 0);
	assert_int_equal(b.refs, 2);
	assert_int_equal(vma_count(&s), 3);
	vma_set_destroy(&c);
	vma_set_destroy(&s);
	assert_int_equal(b.refs, 0);

	/* Clone of an empty set. */
	vma_set_init(&s, &ops);
	assert_int_equal(vma_set_clone(&c, &s), 0);
	assert_int_equal(vma_count(&c), 0);
	vma_set_destroy(&c);
	vma_set_destroy(&s);
}

static void devino(void *ctx, const struct vma *v, uint32_t *major,
		   uint32_t *minor, uint64_t *ino)
{
	*major = 0xfe;
	*minor = 0;
	*ino = ((struct backing *)v->backing)->ino;
}

static void test_maps(void **state)
{
	struct backing b = {.ino = 247134};
	struct vma_set s;
	struct vma v;
	char *out;
	long n;
	char line[256];

	vma_set_init(&s, &ops);
	v = mk(0x5573fd4ec000, 0x5573fd4f1000, 5, &b, 0x2000, "/usr/bin/cat");
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(0x55743b9d8000, 0x55743b9f9000, 3, NULL, 0, "[heap]");
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(0x7f29697ee000, 0x7f2969810000, 3, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(0x7f2969a56000, 0x7f2969a5d000, 1, &b, 0, "/g.cache");
	v.flags = VMA_SHARED;
	assert_int_equal(vma_insert(&s, &v), 0);
	v = mk(0x400000, 0x401000, 0, NULL, 0, NULL);
	assert_int_equal(vma_insert(&s, &v), 0);

	n = vma_render_maps(&s, devino, NULL, &out);
	/* Copied from a real /proc/self/maps (Linux 6.x). */
	assert_string_equal(
	    out, "00400000-00401000 ---p 00000000 00:00 0 \n"
		 "5573fd4ec000-5573fd4f1000 r-xp 00002000 fe:00 247134"
		 "                     /usr/bin/cat\n"
		 "55743b9d8000-55743b9f9000 rw-p 00000000 00:00 0"
		 "                          [heap]\n"
		 "7f29697ee000-7f2969810000 rw-p 00000000 00:00 0 \n"
		 "7f2969a56000-7f2969a5d000 r--s 00000000 fe:00 247134"
		 "                     /g.cache\n");
	assert_int_equal(n, strlen(out));
	free(out);

	/* The name column is 73 (0-based), however short the prefix. */
	v = mk(0x1000, 0x2000, 7, NULL, 0, "[stack]");
	assert_int_equal(vma_format_line(&v, 0, 0, 0, line, sizeof(line)),
			 73 + 7 + 1);
	assert_string_equal(line + 73, "[stack]\n");
	assert_int_equal(line[72], ' ');
	assert_memory_equal(line, "00001000-00002000 rwxp 00000000 00:00 0 ",
			    40);
	for (int i = 40; i < 73; i++)
		assert_int_equal(line[i], ' ');
	/* A prefix past column 72 still gets exactly one separating space
	 * after its own trailing one (Linux's seq_pad). */
	v = mk(0x7ffff7ff0000, 0x7ffff7ff1000, 1, &b, 0x123456789000, "/x");
	b.ino = 123456789012345ULL & 0xffffffff;
	vma_format_line(&v, 0x103, 0x1ff, 12345678901234567890ULL, line,
			sizeof(line));
	assert_string_equal(line, "7ffff7ff0000-7ffff7ff1000 r--p 123456789000"
				  " 103:1ff 12345678901234567890  /x\n");
	/* Truncation is snprintf-like. */
	assert_int_equal(vma_format_line(&v, 0, 0, 0, line, 10), 76);
	assert_string_equal(line, "7ffff7ff0");
	vma_set_destroy(&s);
	assert_int_equal(b.refs, 0);
}

/* Many vmas: the array grows, search stays right. */
static void test_many(void **state)
{
	struct backing b = {0};
	struct vma_set s;

	vma_set_init(&s, &ops);
	for (uint64_t i = 0; i < 5000; i++) {
		struct vma v = mk((2 * i + 1) * P, (2 * i + 2) * P, 1, &b, 0,
				  (i & 1) ? "odd" : NULL);
		assert_int_equal(vma_insert(&s, &v), 0);
	}
	assert_int_equal(vma_count(&s), 5000);
	for (uint64_t i = 0; i < 5000; i += 7) {
		assert_null(vma_find(&s, 2 * i * P));
		assert_int_equal(vma_find(&s, (2 * i + 1) * P + 5)->start,
				 (2 * i + 1) * P);
	}
	assert_int_equal(vma_remove_range(&s, 1000 * P, 9000 * P), 0);
	assert_int_equal(vma_count(&s), 1000);
	assert_int_equal(b.refs, 1000);
	vma_set_destroy(&s);
	assert_int_equal(b.refs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_insert_find),
	    cmocka_unit_test(test_remove_splits),
	    cmocka_unit_test(test_remove_spanning),
	    cmocka_unit_test(test_protect),
	    cmocka_unit_test(test_try_merge),
	    cmocka_unit_test(test_find_gap),
	    cmocka_unit_test(test_clone),
	    cmocka_unit_test(test_maps),
	    cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
