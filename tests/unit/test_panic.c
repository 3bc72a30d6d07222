/* A sentry panic reports the message, a backtrace and the last syscalls,
 * then exits with 125; a fatal signal in the sentry panics the same way. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "sentry/log.h"
#include "sentry/panic.h"

static char out[65536];

/* Run fn in a child whose log goes to a pipe; return its wait status. */
static int run_child(void (*fn)(void))
{
	int p[2], st;
	ssize_t n, len = 0;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		log_fd = p[1];
		panic_install_handlers();
		fn();
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += n;
	out[len] = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	return st;
}

static void do_panic(void)
{
	panic_record_syscall(7, 39); /* getpid */
	panic_record_syscall(7, 1);  /* write */
	sentry_panic("test panic %d", 42);
}

static void do_segv(void)
{
	raise(SIGSEGV);
}

static void test_panic_report(void **state)
{
	int st = run_child(do_panic);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 125);
	assert_non_null(strstr(out, "PANIC: test panic 42"));
	assert_non_null(strstr(out, "#0 "));
	assert_non_null(strstr(out, "do_panic"));
	assert_non_null(strstr(out, "tid 7 getpid (39)"));
	assert_non_null(strstr(out, "tid 7 write (1)"));
}

static void test_fatal_signal_panics(void **state)
{
	int st = run_child(do_segv);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 125);
	assert_non_null(strstr(out, "PANIC: fatal signal 11"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_panic_report),
	    cmocka_unit_test(test_fatal_signal_panics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
