/* The kernel lock, wait queues and interruptible sleeps. */
#define _GNU_SOURCE
#include "sentry/kernel/klock.h"

/* Waiters live on the sleeping thread's stack and are always unlinked
 * before the wait returns. */
#pragma GCC diagnostic ignored "-Wdangling-pointer"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "abi/errno.h"
#include "sentry/kernel/signal.h"
#include "sentry/kernel/task.h"

pthread_mutex_t kernel_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread bool lock_held;

void klock_acquire(void)
{
	pthread_mutex_lock(&kernel_lock);
	lock_held = true;
}

void klock_release(void)
{
	lock_held = false;
	pthread_mutex_unlock(&kernel_lock);
}

bool klock_held(void)
{
	return lock_held;
}

struct waiter {
	struct waiter *next;
	struct task *task;
	bool woken;
};

void waitq_init(struct waitq *wq)
{
	wq->head = NULL;
}

void waitq_wake_all(struct waitq *wq)
{
	struct waiter *w = wq->head;

	wq->head = NULL;
	while (w) {
		struct waiter *next = w->next;
		w->woken = true;
		w->next = NULL;
		pthread_cond_signal(&w->task->cond);
		w = next;
	}
}

static void waitq_remove(struct waitq *wq, struct waiter *w)
{
	for (struct waiter **pp = &wq->head; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			return;
		}
	}
}

bool task_interrupted(struct task *t)
{
	return t->killed || signal_pending_unblocked(t);
}

int task_wait(struct task *t, struct waitq *wq, const struct timespec *deadline)
{
	struct waiter w = {.task = t};
	int ret = 0;

	if (task_interrupted(t))
		return -LINUX_ERESTARTSYS;
	w.next = wq->head;
	wq->head = &w;
	t->state = TS_BLOCKED;
	while (!w.woken) {
		int r;
		if (task_interrupted(t)) {
			ret = -LINUX_ERESTARTSYS;
			break;
		}
		lock_held = false;
		if (deadline)
			r = pthread_cond_timedwait(&t->cond, &kernel_lock,
						   deadline);
		else
			r = pthread_cond_wait(&t->cond, &kernel_lock);
		lock_held = true;
		if (r == ETIMEDOUT && !w.woken) {
			ret = -LINUX_ETIMEDOUT;
			break;
		}
	}
	if (!w.woken)
		waitq_remove(wq, &w);
	t->state = TS_KERNEL;
	return ret;
}

int task_wait_host_fd(struct task *t, int hostfd, short events)
{
	struct pollfd p[2] = {
	    {.fd = hostfd, .events = events},
	    {.fd = t->intr_efd, .events = POLLIN},
	};
	uint64_t junk;
	int ret = 0;

	for (;;) {
		if (task_interrupted(t))
			return -LINUX_ERESTARTSYS;
		t->state = TS_BLOCKED;
		klock_release();
		int r = poll(p, 2, -1);
		if (p[1].revents)
			(void)!read(t->intr_efd, &junk, sizeof(junk));
		klock_acquire();
		t->state = TS_KERNEL;
		if (r < 0 && errno != EINTR) {
			ret = -linux_errno_from_host(errno);
			break;
		}
		if (r > 0 && p[0].revents)
			break;
	}
	return ret;
}

int task_wait_killable(struct task *t, struct waitq *wq)
{
	struct waiter w = {.task = t};

	if (t->killed)
		return -LINUX_EINTR;
	w.next = wq->head;
	wq->head = &w;
	t->state = TS_BLOCKED;
	while (!w.woken && !t->killed) {
		lock_held = false;
		pthread_cond_wait(&t->cond, &kernel_lock);
		lock_held = true;
	}
	if (!w.woken)
		waitq_remove(wq, &w);
	t->state = TS_KERNEL;
	return w.woken ? 0 : -LINUX_EINTR;
}
