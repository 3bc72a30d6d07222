/* Syscall names and dispatch through syscall_table (syscall.h). */
#include "sentry/syscalls/syscall.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>

#include "abi/errno.h"
#include "sentry/kernel/task.h"
#include "sentry/log.h"
#include "sentry/panic.h"
#include "sentry/profile.h"
#include "sentry/strace.h"

/* One bit per table slot: set once the "unsupported" warning was logged, so
 * that a program probing a missing call in a loop logs it once (FreeBSD's
 * linux emulation does the same). Atomic because several task threads may
 * hit the same number at once; the kernel lock is not needed for a log. */
static _Atomic uint64_t warned[SYSCALL_TABLE_SIZE / 64];

/* Numbers beyond the table cannot have a bit each: cap their warnings. */
static atomic_int warned_out_of_range;
#define OUT_OF_RANGE_WARNINGS 16

const char *syscall_name(uint64_t nr)
{
	if (nr >= SYSCALL_TABLE_SIZE)
		return NULL;
	return syscall_table[nr].name;
}

static void warn_unsupported(uint64_t nr)
{
	const char *name;

	if (nr >= SYSCALL_TABLE_SIZE) {
		if (atomic_fetch_add(&warned_out_of_range, 1) <
		    OUT_OF_RANGE_WARNINGS)
			log_info("unsupported syscall syscall_%#" PRIx64
				 " (%" PRIu64 ")",
				 nr, nr);
		return;
	}
	uint64_t bit = UINT64_C(1) << (nr % 64);
	if (atomic_fetch_or(&warned[nr / 64], bit) & bit)
		return;
	name = syscall_table[nr].name;
	if (name)
		log_info("unsupported syscall %s (%" PRIu64 ")", name, nr);
	else
		log_info("unsupported syscall syscall_%#" PRIx64 " (%" PRIu64
			 ")",
			 nr, nr);
}

long syscall_dispatch(struct task *t, uint64_t nr, const uint64_t a[6])
{
	syscall_fn fn = NULL;
	long ret;

	if (nr < SYSCALL_TABLE_SIZE)
		fn = syscall_table[nr].fn;
	panic_record_syscall(t->tid, nr);
	if (strace_enabled)
		strace_enter(t, nr, a);
	if (fn && profile_enabled) {
		uint64_t t0 = profile_now();

		ret = fn(t, a);
		profile_syscall(nr, profile_now() - t0);
	} else if (fn) {
		ret = fn(t, a);
	} else {
		warn_unsupported(nr);
		ret = -LINUX_ENOSYS;
	}
	if (strace_enabled)
		strace_exit(t, nr, a, ret);
	return ret;
}
