/* Futexes: wait queues keyed by application addresses. */
#ifndef SENTRY_KERNEL_FUTEX_H
#define SENTRY_KERNEL_FUTEX_H

#include <stdint.h>

struct task;

/* Wake up to n waiters of the private futex at addr in t's address space
 * (CLONE_CHILD_CLEARTID at thread exit). Returns the number woken. */
int futex_wake_addr(struct task *t, uint64_t addr, int n);

#endif
