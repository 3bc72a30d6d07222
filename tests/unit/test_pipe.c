/* Unit tests for the pipe byte ring (sentry/fs/pipe/pipebuf.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "abi/errno.h"
#include "sentry/fs/pipe/pipebuf.h"

static void test_empty(void **state)
{
	struct pipebuf pb;
	char buf[8];
	pipebuf_init(&pb, PIPEBUF_DEFAULT_CAP);
	assert_int_equal(pipebuf_space(&pb), PIPEBUF_DEFAULT_CAP);
	assert_int_equal(pipebuf_peek(&pb, buf, sizeof(buf)), 0);
	assert_null(pb.data); /* no storage until the first write */
	pipebuf_destroy(&pb);
}

static void test_fifo_order(void **state)
{
	struct pipebuf pb;
	char out[16];
	pipebuf_init(&pb, 4096);
	assert_int_equal(pipebuf_write(&pb, "hello", 5), 5);
	assert_int_equal(pipebuf_write(&pb, " world", 6), 6);
	assert_int_equal(pipebuf_peek(&pb, out, 3), 3);
	assert_memory_equal(out, "hel", 3);
	pipebuf_consume(&pb, 3);
	assert_int_equal(pipebuf_peek(&pb, out, sizeof(out)), 8);
	assert_memory_equal(out, "lo world", 8);
	pipebuf_consume(&pb, 8);
	assert_int_equal(pb.len, 0);
	assert_int_equal(pb.head, 0);
	pipebuf_destroy(&pb);
}

static void test_full_and_wrap(void **state)
{
	struct pipebuf pb;
	static uint8_t in[8192], out[8192];
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 3);
	pipebuf_init(&pb, 4096);
	assert_int_equal(pipebuf_write(&pb, in, sizeof(in)), 4096);
	assert_int_equal(pipebuf_space(&pb), 0);
	assert_int_equal(pipebuf_write(&pb, in, 1), 0);
	pipebuf_consume(&pb, 1000);
	/* This write wraps around the end of the storage. */
	assert_int_equal(pipebuf_write(&pb, in + 4096, 1000), 1000);
	assert_int_equal(pipebuf_peek(&pb, out, sizeof(out)), 4096);
	assert_memory_equal(out, in + 1000, 4096);
	pipebuf_destroy(&pb);
}

static void test_resize(void **state)
{
	struct pipebuf pb;
	uint8_t in[6000], out[6000];
	memset(in, 'x', sizeof(in));
	in[0] = 'a';
	in[5999] = 'z';
	pipebuf_init(&pb, PIPEBUF_DEFAULT_CAP);
	assert_int_equal(pipebuf_resize(&pb, 1), 4096);
	assert_int_equal(pipebuf_resize(&pb, 5000), 8192);
	assert_int_equal(pipebuf_write(&pb, in, sizeof(in)), 6000);
	assert_int_equal(pipebuf_resize(&pb, 4096), -LINUX_EBUSY);
	assert_int_equal(pipebuf_resize(&pb, PIPEBUF_MAX_CAP + 1),
			 -LINUX_EPERM);
	assert_int_equal(pipebuf_resize(&pb, 16384), 16384);
	assert_int_equal(pipebuf_peek(&pb, out, sizeof(out)), 6000);
	assert_memory_equal(out, in, 6000);
	pipebuf_destroy(&pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_fifo_order),
	    cmocka_unit_test(test_full_and_wrap),
	    cmocka_unit_test(test_resize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
