/* The kernel lock and blocking.
 *
 * The sentry starts with one coarse lock (DESIGN.md: "start with coarse locks;
 * make them finer where a benchmark says so"). A task's sentry thread holds
 * the kernel lock while it handles a syscall and releases it while the
 * application runs. All kernel state (tasks, fd tables, VFS, pipes, memory
 * maps) is protected by it unless a header says otherwise.
 *
 * Anything that may block for an unbounded time must either wait on a waitq
 * (which releases the lock) or release the lock around the host call with
 * klock_release()/klock_acquire() and touch no kernel state meanwhile.
 */
#ifndef SENTRY_KERNEL_KLOCK_H
#define SENTRY_KERNEL_KLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct task;

void klock_acquire(void);
void klock_release(void);
bool klock_held(void); /* by the calling thread; for assertions */

/* A wait queue: the tasks sleeping for one event (pipe readable, child
 * exited, futex word...). Embedded in the object that owns the event;
 * initialize with waitq_init, no destroy needed once empty. */
struct waiter;
struct waitq {
	struct waiter *head;
};

void waitq_init(struct waitq *wq);
/* Wake every task sleeping on wq (kernel lock held). */
void waitq_wake_all(struct waitq *wq);

/* Sleep on wq until woken, interrupted or the deadline passes.
 * Kernel lock held on entry and on return (released while asleep).
 * deadline: absolute CLOCK_MONOTONIC time, or NULL for none.
 * Returns 0 when woken (re-check your condition: wakeups may be spurious),
 * -LINUX_ETIMEDOUT at the deadline, or -LINUX_ERESTARTSYS when a signal is
 * pending for t or the task is being killed. */
int task_wait(struct task *t, struct waitq *wq,
	      const struct timespec *deadline);

/* Like task_wait without deadline, but only SIGKILL/exit (t->killed)
 * interrupts it (Linux's TASK_KILLABLE): for waits past a point of no
 * return (exec's de_thread, vfork). Returns 0 or -LINUX_EINTR when killed. */
int task_wait_killable(struct task *t, struct waitq *wq);

/* Wait, with the kernel lock released, until host fd becomes ready for
 * `events` (POLLIN/POLLOUT) or the task is interrupted. For host-backed
 * files (the caller's stdin/stdout). Returns 0, or -LINUX_ERESTARTSYS. */
int task_wait_host_fd(struct task *t, int hostfd, short events);

/* True when t has an unblocked pending signal or is being killed: a long
 * loop inside a syscall should stop and return -LINUX_ERESTARTSYS/-EINTR. */
bool task_interrupted(struct task *t);

#endif
