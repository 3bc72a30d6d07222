/* The page-caching reader of application memory (sentry/mm/ureader.c),
 * over a fake address space: copy_in is this file's, reading from a
 * buffer where one page is "unmapped", and counting host copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "abi/errno.h"
#include "sentry/mm/usercopy.h"

#define BASE  0x400000ULL
#define NPAGE 4
#define HOLE  2 /* the page at BASE + HOLE * 4096 is not mapped */

static char mem[NPAGE * 4096];
static int copies;

int copy_in(struct task *t, uint64_t addr, void *dst, size_t n)
{
	(void)t;
	copies++;
	if (addr < BASE || addr + n > BASE + sizeof(mem))
		return -LINUX_EFAULT;
	for (uint64_t a = addr & ~4095ULL; a < addr + n; a += 4096)
		if ((a - BASE) / 4096 == HOLE)
			return -LINUX_EFAULT;
	memcpy(dst, mem + (addr - BASE), n);
	return 0;
}

static void test_strings_and_pointers(void **state)
{
	struct ureader r;
	char buf[64];
	uint64_t p;

	memset(mem, 'x', sizeof(mem));
	strcpy(mem + 10, "hello");
	strcpy(mem + 20, "world");
	memcpy(mem + 4096 - 3, "abcdef", 7); /* across pages 0 and 1 */
	memcpy(mem + 100, &(uint64_t){BASE + 20}, 8);
	copies = 0;
	ureader_init(&r, NULL);
	assert_int_equal(ureader_string(&r, BASE + 10, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(ureader_string(&r, BASE + 20, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "world");
	assert_int_equal(ureader_copy(&r, BASE + 100, &p, 8), 0);
	assert_int_equal(p, BASE + 20);
	assert_int_equal(copies, 1); /* one page, read once */
	assert_int_equal(ureader_string(&r, BASE + 4096 - 3, buf, sizeof(buf)),
			 6);
	assert_string_equal(buf, "abcdef");
	assert_int_equal(copies, 2);
	/* max counts the NUL: "hello" needs 6 bytes */
	assert_int_equal(ureader_string(&r, BASE + 10, buf, 5),
			 -LINUX_ENAMETOOLONG);
	assert_int_equal(ureader_string(&r, BASE + 10, buf, 6), 5);
}

static void test_faults(void **state)
{
	struct ureader r;
	char buf[8192];
	uint64_t p;

	memset(mem, 'x', sizeof(mem));
	ureader_init(&r, NULL);
	/* A string running into the unmapped page. */
	assert_int_equal(
	    ureader_string(&r, BASE + 4096 + 100, buf, sizeof(buf)),
	    -LINUX_EFAULT);
	assert_int_equal(ureader_copy(&r, BASE + 3 * 4096 - 4, &p, 8),
			 -LINUX_EFAULT);
	assert_int_equal(ureader_copy(&r, BASE - 8, &p, 8), -LINUX_EFAULT);
	assert_int_equal(ureader_copy(&r, ~0ULL - 3, &p, 8), -LINUX_EFAULT);
	/* More pages than the cache holds: still right. */
	mem[0] = mem[4096] = mem[3 * 4096] = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ureader_string(&r, BASE, buf, 16), 0);
		assert_int_equal(ureader_string(&r, BASE + 4096, buf, 16), 0);
		assert_int_equal(ureader_string(&r, BASE + 3 * 4096, buf, 16),
				 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strings_and_pointers),
	    cmocka_unit_test(test_faults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
