/* Signals: queueing, delivery with frames on the application's stack,
 * default actions, syscall restart. Kernel lock held throughout. */
#ifndef SENTRY_KERNEL_SIGNAL_H
#define SENTRY_KERNEL_SIGNAL_H

#include <stdbool.h>

#include "sentry/kernel/task.h"

#define LINUX_SIGHUP	1
#define LINUX_SIGINT	2
#define LINUX_SIGQUIT	3
#define LINUX_SIGILL	4
#define LINUX_SIGTRAP	5
#define LINUX_SIGABRT	6
#define LINUX_SIGBUS	7
#define LINUX_SIGFPE	8
#define LINUX_SIGKILL	9
#define LINUX_SIGUSR1	10
#define LINUX_SIGSEGV	11
#define LINUX_SIGUSR2	12
#define LINUX_SIGPIPE	13
#define LINUX_SIGALRM	14
#define LINUX_SIGTERM	15
#define LINUX_SIGSTKFLT 16
#define LINUX_SIGCHLD	17
#define LINUX_SIGCONT	18
#define LINUX_SIGSTOP	19
#define LINUX_SIGTSTP	20
#define LINUX_SIGTTIN	21
#define LINUX_SIGTTOU	22
#define LINUX_SIGURG	23
#define LINUX_SIGWINCH	28
#define LINUX_SIGSYS	31

#define LINUX_SA_NOCLDSTOP 0x1
#define LINUX_SA_NOCLDWAIT 0x2
#define LINUX_SA_SIGINFO   0x4
#define LINUX_SA_RESTORER  0x04000000
#define LINUX_SA_ONSTACK   0x08000000
#define LINUX_SA_RESTART   0x10000000
#define LINUX_SA_NODEFER   0x40000000
#define LINUX_SA_RESETHAND 0x80000000

#define LINUX_SI_USER	    0
#define LINUX_SI_KERNEL	    0x80
#define LINUX_SI_TKILL	    (-6)
#define LINUX_CLD_EXITED    1
#define LINUX_CLD_KILLED    2
#define LINUX_CLD_DUMPED    3
#define LINUX_CLD_STOPPED   5
#define LINUX_CLD_CONTINUED 6

#define SIGBIT(s)   (1ULL << ((s)-1))
#define UNBLOCKABLE (SIGBIT(LINUX_SIGKILL) | SIGBIT(LINUX_SIGSTOP))

/* An unblocked signal is pending for t (thread or group queue). */
bool signal_pending_unblocked(struct task *t);

/* Dequeue the lowest pending signal of t in set (thread queue first, then
 * the group's); 0 when none. For rt_sigtimedwait and delivery. */
int signal_dequeue(struct task *t, linux_sigset_t set,
		   struct linux_siginfo *info);

/* Drop every pending instance of sig in the thread group (SIG_IGN set). */
void signal_discard(struct thread_group *tg, int sig);

/* Free a real-time signal queue (thread or group teardown). */
void sigq_free(struct sigq **q);

/* Deliver t's pending signals before it returns to the application:
 * default actions (which may kill the thread group) or a handler frame.
 * Also finishes syscall restart when no handler ran. */
void signal_deliver(struct task *t);

/* A synchronous fault in application code: deliver signo with code/addr,
 * forced (a blocked or ignored fault signal kills, as Linux). */
void signal_force_fault(struct task *t, int signo, int code, uint64_t addr);

/* rt_sigreturn: restore the frame at the app's stack. Returns
 * SYSCALL_KEEP_REGS, or kills the task with SIGSEGV on a bad frame. */
long signal_sigreturn(struct task *t);

/* Begin exit of the whole thread group with wait status `status`
 * (exit code << 8, or the terminating signal). */
void tg_exit_group(struct thread_group *tg, int status);

/* Linux's default action for sig is to ignore it. */
bool sig_default_ignored(int sig);

#endif
