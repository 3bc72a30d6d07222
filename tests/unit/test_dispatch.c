/* Unit tests for sentry/syscalls/dispatch.c with a small syscall table of
 * the test's own (so that no real handler is linked in). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi/errno.h"
#include "sentry/kernel/task.h"
#include "sentry/log.h"
#include "sentry/strace.h"
#include "sentry/syscalls/syscall.h"

static int calls;
static long sys_getpid(struct task *t, const uint64_t a[6])
{
	calls++;
	return 42 + (long)a[0];
}

const struct syscall_entry syscall_table[SYSCALL_TABLE_SIZE] = {
    [0] = {.name = "read", .status = SYS_STATUS_UNSUPPORTED},
    [39] = SYS_OK(getpid),
    [63] = {.name = "uname", .status = SYS_STATUS_UNSUPPORTED},
};

/* strace.c reads application memory: none in these tests. */
int copy_in(struct task *t, uint64_t addr, void *dst, size_t n)
{
	return -LINUX_EFAULT;
}

static int log_memfd;

static size_t log_size(void)
{
	return (size_t)lseek(log_memfd, 0, SEEK_CUR);
}

static const char *log_text(void)
{
	static char buf[4096];
	ssize_t n = pread(log_memfd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void test_names(void **state)
{
	assert_string_equal(syscall_name(39), "getpid");
	assert_string_equal(syscall_name(0), "read");
	assert_null(syscall_name(1));
	assert_null(syscall_name(SYSCALL_TABLE_SIZE));
	assert_null(syscall_name(UINT64_MAX));
}

static void test_dispatch(void **state)
{
	struct task t = {.tid = 1};
	const uint64_t a[6] = {1};
	size_t before;

	log_min_level = LOG_INFO; /* unsupported calls log at info */
	log_memfd = memfd_create("log", 0);
	log_fd = log_memfd;

	assert_int_equal(syscall_dispatch(&t, 39, a), 43);
	assert_int_equal(calls, 1);
	assert_int_equal(log_size(), 0);

	/* Unsupported: ENOSYS, logged once per number. */
	assert_int_equal(syscall_dispatch(&t, 63, a), -LINUX_ENOSYS);
	assert_non_null(strstr(log_text(), "unsupported syscall uname (63)"));
	before = log_size();
	assert_int_equal(syscall_dispatch(&t, 63, a), -LINUX_ENOSYS);
	assert_int_equal(log_size(), before);
	assert_int_equal(syscall_dispatch(&t, 0, a), -LINUX_ENOSYS);
	assert_non_null(strstr(log_text(), "unsupported syscall read (0)"));

	/* No name, in range and beyond the table. */
	assert_int_equal(syscall_dispatch(&t, 400, a), -LINUX_ENOSYS);
	assert_non_null(
	    strstr(log_text(), "unsupported syscall syscall_0x190 (400)"));
	assert_int_equal(syscall_dispatch(&t, 100000, a), -LINUX_ENOSYS);
	assert_non_null(
	    strstr(log_text(), "unsupported syscall syscall_0x186a0 (100000)"));
	/* Out-of-range numbers stop being logged after a few. */
	for (int i = 0; i < 100; i++)
		syscall_dispatch(&t, UINT64_MAX - i, a);
	before = log_size();
	syscall_dispatch(&t, 1ULL << 40, a);
	assert_int_equal(log_size(), before);

	log_fd = 2;
	close(log_memfd);
}

static void test_strace_hook(void **state)
{
	struct task t = {.tid = 1};
	const uint64_t a[6] = {0};
	char buf[256];
	int fd = memfd_create("strace", 0);
	ssize_t n;

	strace_fd = fd;
	strace_enabled = true;
	assert_int_equal(syscall_dispatch(&t, 39, a), 42);
	assert_int_equal(syscall_dispatch(&t, 63, a), -LINUX_ENOSYS);
	strace_enabled = false;
	assert_int_equal(syscall_dispatch(&t, 39, a), 42);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(
	    buf, "getpid()                                = 42\n"
		 "uname(NULL)                             = -1 ENOSYS "
		 "(Function not implemented)\n");
	strace_fd = 2;
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_dispatch),
	    cmocka_unit_test(test_strace_hook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
