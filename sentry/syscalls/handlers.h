/* Every syscall handler the table points at, by family (one header each). */
#ifndef SENTRY_SYSCALLS_HANDLERS_H
#define SENTRY_SYSCALLS_HANDLERS_H

#include <stdint.h>

struct task;

#define DECL_SYS(n) long sys_##n(struct task *t, const uint64_t a[6])

#endif
