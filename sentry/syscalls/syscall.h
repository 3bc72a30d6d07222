/* The syscall table: the one place that says what the sentry supports.
 *
 * Every handler has the same shape: it receives the calling task and the six
 * raw argument registers, runs with the kernel lock held (see
 * kernel/klock.h), and returns a value >= 0 or -LINUX_Exxx. It never touches
 * the host errno for its result. -LINUX_ERESTARTSYS means "interrupted by a
 * signal; restart if the handler has SA_RESTART, else EINTR".
 */
#ifndef SENTRY_SYSCALLS_SYSCALL_H
#define SENTRY_SYSCALLS_SYSCALL_H

#include <stdint.h>

struct task;

typedef long (*syscall_fn)(struct task *t, const uint64_t a[6]);

enum sys_status {
	SYS_STATUS_UNSUPPORTED = 0, /* ENOSYS, logged once */
	SYS_STATUS_SUPPORTED,
	SYS_STATUS_PARTIAL, /* works, with the limits in .note */
};

struct syscall_entry {
	const char *name; /* NULL: no syscall with this number */
	syscall_fn fn;
	enum sys_status status;
	const char *note;
};

#define SYSCALL_TABLE_SIZE 512

#define SYS_OK(n)                                                              \
	{                                                                      \
		.name = #n, .fn = sys_##n, .status = SYS_STATUS_SUPPORTED      \
	}
#define SYS_PARTIAL(n, why)                                                    \
	{                                                                      \
		.name = #n, .fn = sys_##n, .status = SYS_STATUS_PARTIAL,       \
		.note = why                                                    \
	}
#define SYS_NONE(n)                                                            \
	{                                                                      \
		.name = #n, .status = SYS_STATUS_UNSUPPORTED                   \
	}
#define SYS_NONE_WHY(n, why)                                                   \
	{                                                                      \
		.name = #n, .status = SYS_STATUS_UNSUPPORTED, .note = why      \
	}

extern const struct syscall_entry syscall_table[SYSCALL_TABLE_SIZE];

/* Name of syscall nr, or NULL. */
const char *syscall_name(uint64_t nr);

/* Dispatch one syscall for t (kernel lock held). Unknown or unsupported
 * numbers return -LINUX_ENOSYS and are logged once each. */
long syscall_dispatch(struct task *t, uint64_t nr, const uint64_t a[6]);

#endif
