/* Each platform on its own (ptrace, then systrap): stubs are created, run
 * code until a syscall, are forked with copy-on-write memory, get threads,
 * and hand contexts between host threads. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "platform/platform.h"

static const struct platform_ops *P;
static int memfd = -1;

#define CODE 0x400000ULL
#define DATA 0x500000ULL

/* mov $39, %eax; syscall; mov $60, %eax; syscall; (loop) jmp . */
static const uint8_t prog[] = {0xb8, 39, 0, 0, 0,    0x0f, 0x05, 0xb8,
			       60,   0,	 0, 0, 0x0f, 0x05, 0xeb, 0xfe};

static void setup_code(struct platform_ctx *c)
{
	assert_int_equal(P->mmap(c, CODE, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
				 0),
			 CODE);
	assert_int_equal(P->write_mem(c, CODE, prog, sizeof(prog)),
			 sizeof(prog));
	assert_int_equal(P->mprotect(c, CODE, 4096, PROT_READ | PROT_EXEC), 0);
}

static void run_to_syscall(struct platform_ctx *c, struct platform_regs *r,
			   long nr)
{
	struct platform_event ev;
	assert_int_equal(P->switch_to(c, r, &ev), 0);
	assert_int_equal(ev.why, PLATFORM_SYSCALL);
	assert_int_equal((long)r->r.orig_rax, nr);
}

static void test_run_syscalls(void **state)
{
	struct platform_ctx *c;
	struct platform_regs r;
	assert_int_equal(P->new_as(&c), 0);
	setup_code(c);
	memset(&r, 0, sizeof(r));
	r.r.rip = CODE;
	r.r.cs = 0x33;
	r.r.ss = 0x2b;
	r.r.eflags = 0x202;
	run_to_syscall(c, &r, 39);
	run_to_syscall(c, &r, 60);
	/* The stub's memory outside mappings is unreadable. */
	char b;
	assert_true(P->read_mem(c, DATA, &b, 1) < 0);
	P->destroy(c);
}

static void test_fork_cow(void **state)
{
	struct platform_ctx *c, *f;
	uint32_t v = 1, w = 0;
	assert_int_equal(P->new_as(&c), 0);
	assert_int_equal(P->mmap(c, DATA, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
				 0),
			 DATA);
	assert_int_equal(P->write_mem(c, DATA, &v, 4), 4);
	assert_int_equal(P->fork_as(c, &f), 0);
	v = 2;
	assert_int_equal(P->write_mem(f, DATA, &v, 4), 4);
	assert_int_equal(P->read_mem(c, DATA, &w, 4), 4);
	assert_int_equal(w, 1);
	assert_int_equal(P->read_mem(f, DATA, &w, 4), 4);
	assert_int_equal(w, 2);
	P->destroy(f);
	P->destroy(c);
}

static struct platform_ctx *handed;

static void *adopter(void *arg)
{
	struct platform_regs r;
	memset(&r, 0, sizeof(r));
	r.r.rip = CODE;
	r.r.cs = 0x33;
	r.r.ss = 0x2b;
	r.r.eflags = 0x202;
	if (P->adopt(handed))
		return (void *)1;
	struct platform_event ev;
	P->switch_to(handed, &r, &ev);
	if (ev.why != PLATFORM_SYSCALL || r.r.orig_rax != 39)
		return (void *)2;
	P->destroy(handed);
	return NULL;
}

static void test_thread_handoff(void **state)
{
	struct platform_ctx *c;
	pthread_t th;
	void *res;
	assert_int_equal(P->new_as(&c), 0);
	setup_code(c);
	assert_int_equal(P->new_thread(c, &handed), 0);
	assert_int_equal(P->release(handed), 0);
	pthread_create(&th, NULL, adopter, NULL);
	pthread_join(th, &res);
	assert_null(res);
	P->destroy(c);
}

static int setup_ptrace(void **state)
{
	P = &platform_ptrace_ops;
	return P->init(memfd);
}

static int setup_systrap(void **state)
{
	P = &platform_systrap_ops;
	return P->init(memfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_run_syscalls),
	    cmocka_unit_test(test_fork_cow),
	    cmocka_unit_test(test_thread_handoff),
	};
	int failed;

	memfd = memfd_create("test-memory", 0);
	failed =
	    cmocka_run_group_tests_name("ptrace", tests, setup_ptrace, NULL);
	failed +=
	    cmocka_run_group_tests_name("systrap", tests, setup_systrap, NULL);
	return failed;
}
