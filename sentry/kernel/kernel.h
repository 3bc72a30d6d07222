/* Kernel-internal task management shared by kernel/ and syscalls/. */
#ifndef SENTRY_KERNEL_KERNEL_H
#define SENTRY_KERNEL_KERNEL_H

#include <stdint.h>
#include <time.h>

#include "sentry/kernel/task.h"

#define MAX_TASKS 4096

extern struct thread_group *init_tg;

/* A new task struct with a fresh tid (not yet in a thread group). */
struct task *task_alloc(void);
/* Free a task from task_alloc that never joined a group nor ran (clone
 * failed half-way); it holds no mm, files or context. */
void task_free_unstarted(struct task *t);
/* A new thread group with the given pid. */
struct thread_group *tg_alloc(int pid);
void tg_add_thread(struct thread_group *tg, struct task *t);
void tg_add_child(struct thread_group *parent, struct thread_group *child);
/* The SIGCHLD/waitid siginfo of an exited thread group (CLD_EXITED or
 * CLD_KILLED, its status, its pid; si_uid left 0). */
void exit_siginfo(const struct thread_group *tg, struct linux_siginfo *info);
/* Free a reaped zombie. */
void tg_release(struct thread_group *tg);
/* Including zombies. */
struct thread_group *tg_lookup_any(int pid);
/* Tasks holding a pid, as Linux's pids controller counts them: every
 * thread not yet exited, and each zombie process until it is reaped. */
int task_count(void);
/* Iterate all thread groups: for (int i = 0; (tg = tg_iter(&i));). */
struct thread_group *tg_iter(int *i);
void sighand_put(struct sighand *sh);

/* Start t's sentry thread (it adopts t->pctx, then runs the app). */
int task_start(struct task *t);
/* Run t until it exits (kernel lock held; used by task threads). */
void task_run_loop(struct task *t);
/* The calling task's thread is done: release everything it holds and,
 * for the last thread, make the process a zombie. */
void task_exit_self(struct task *t);
/* Wake a vfork parent: t no longer uses the parent's memory. */
void task_release_mm(struct task *t);

/* A new process with no parent and one thread not started yet: its own
 * signal handlers, "/" as root and cwd, no descriptors but fds[0..2]
 * (host descriptors, taken over; -1: none) as its 0, 1 and 2. NULL on
 * out-of-memory (the fds closed). Kernel lock held. */
struct task *process_new(const int fds[3]);

/* Wait for pid 1 to exit; returns its wait status. */
int sandbox_wait(void);

/* Replace t's image (execve). argv/envp are sentry-side NULL-terminated
 * arrays. On success t->regs are the new image's; on failure before the
 * point of no return the old image is intact and -LINUX_Exxx returned. */
int kernel_execve(struct task *t, const char *path, char *const argv[],
		  char *const envp[]);

/* Boot: the first task runs path (searched in PATH from envp when it has
 * no '/'). Returns 0, or the exit status to use (127 not found, 126 not
 * executable) after printing a message. */
int boot_init_task(struct task *t, const char *cmd, char *const argv[],
		   char *const envp[]);
/* The same, with the message in msg instead of on stderr. */
int boot_task(struct task *t, const char *cmd, char *const argv[],
	      char *const envp[], char *msg, size_t msgsize);

int64_t now_ns(clockid_t clk);

#endif
