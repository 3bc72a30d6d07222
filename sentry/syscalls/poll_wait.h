/* The readiness-waiting engine shared by poll/select (sys_poll.c) and
 * epoll (sys_epoll.c): collect the wait queues of the files scanned, then
 * sleep until one of them (or a host fd, or a periodic re-check for files
 * that wake nobody) may have changed. Kernel lock held. */
#ifndef SENTRY_SYSCALLS_POLL_WAIT_H
#define SENTRY_SYSCALLS_POLL_WAIT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "abi/errno.h"

struct task;
struct file;
struct waitq;

/* An interrupted wait: EINTR to a handler, restarted otherwise. */
#define POLL_EINTR (-LINUX_ERESTARTNOHAND)

/* What one scan found to sleep on; holds a reference to every polled file
 * so that the wait queues stay valid while asleep. held has room for one
 * entry per file added. */
struct wait_set {
	struct file **held;
	int nheld;
	struct waitq *one; /* the first wait queue seen */
	int nwq;	   /* 0, 1, or 2 meaning "several" */
	int hostfd, nhost;
	short hostev;
	bool tick; /* some file changes readiness without waking anyone */
};

/* Add f (the caller's reference moves to ws), its queue from vfs_poll. */
void ws_add(struct wait_set *ws, struct file *f, struct waitq *wq,
	    unsigned want);
/* Drop every reference and reset. */
void ws_release(struct wait_set *ws);
/* Sleep until something in ws may have changed: 0 to re-scan,
 * -LINUX_ETIMEDOUT at the deadline, or -LINUX_ERESTARTSYS. */
int ws_wait(struct task *t, struct wait_set *ws,
	    const struct timespec *deadline);

/* Absolute CLOCK_MONOTONIC deadline from a relative timeout; false when it
 * is so far away that it is "never". */
bool deadline_from(struct timespec rel, struct timespec *abs);

/* The temporary signal mask of ppoll/pselect6/epoll_pwait: 1 installed,
 * 0 none given, or -LINUX_Exxx; finish restores it unless the call was
 * interrupted (then signal delivery restores it after the handler). */
int sigmask_install(struct task *t, uint64_t uaddr, uint64_t size);
void sigmask_finish(struct task *t, int installed, long ret);

#endif
