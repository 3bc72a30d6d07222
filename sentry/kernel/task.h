/* Tasks (threads) and thread groups (processes) of the sandbox.
 *
 * One sentry thread runs each task: it switches into the application
 * through the platform, handles the syscall or fault that brought it back,
 * and repeats. Everything here is protected by the kernel lock
 * (kernel/klock.h) unless noted.
 *
 * Ownership: a task holds one reference on each of mm, fdt, fs and its
 * thread group. Other modules may read the fields documented "public"; only
 * kernel/ writes them.
 */
#ifndef SENTRY_KERNEL_TASK_H
#define SENTRY_KERNEL_TASK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "platform/platform.h"
#include "sentry/kernel/cred.h"
#include "sentry/kernel/klock.h"

struct mm;
struct fdtable;	   /* vfs/fdtable.h */
struct fs_context; /* vfs/fs_context.h: root, cwd, umask */
struct file;

#define LINUX_NSIG 64
typedef uint64_t linux_sigset_t; /* bit (sig-1) */

struct linux_sigaction {
	uint64_t handler; /* SIG_DFL 0, SIG_IGN 1, else address */
	uint64_t flags;
	uint64_t restorer;
	linux_sigset_t mask;
};

struct sighand {
	int refs;
	struct linux_sigaction act[LINUX_NSIG + 1];
};

struct linux_siginfo {
	int32_t signo, errno_, code, pad0;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
			int32_t status; /* SIGCHLD */
			int32_t pad1;
			int64_t utime, stime;
		} kill;
		struct {
			uint64_t addr;
		} fault;
		uint8_t raw[112];
	};
};

/* A queued real-time signal (standard signals coalesce and need none). */
struct sigq {
	struct sigq *next;
	struct linux_siginfo info;
};

struct rlimit64 {
	uint64_t cur, max;
};
#define LINUX_RLIM_NLIMITS 16

/* Set one limit of rlim from "RES:SOFT:HARD" (RES: Linux's RLIMIT_*
 * number; the form of the sentry's --rlimit and of the control request's
 * rlimit= field). 0, or -1 with rlim untouched when arg is not that or
 * SOFT > HARD. */
int rlimit_set_arg(struct rlimit64 rlim[LINUX_RLIM_NLIMITS], const char *arg);

/* A process. */
struct thread_group {
	int refs;
	int pid; /* virtual: the first process is 1 */
	int pgid, sid;
	struct task *leader;
	struct task *threads; /* list via task->tg_next */
	int nthreads_live;
	struct thread_group *parent;
	struct thread_group *children, *sibling;
	struct sighand *sighand;
	linux_sigset_t shared_pending;
	struct linux_siginfo shared_info[LINUX_NSIG + 1];
	struct sigq *shared_rtq;
	struct waitq child_wq; /* parent sleeps here in wait4 */
	bool exiting;	       /* exit_group started */
	bool zombie;	       /* all threads exited; waits for reaping */
	bool stopped;	       /* job-control stop in effect */
	int stop_sig;
	bool stop_report; /* stop not yet reported to wait(WUNTRACED) */
	bool cont_report; /* continue not yet reported to wait(WCONTINUED) */
	struct waitq stop_wq;
	int exit_status; /* wait status word */
	int exit_signal; /* signal sent to parent at exit, usually SIGCHLD */
	int64_t start_time_ns;
	struct rlimit64 rlim[LINUX_RLIM_NLIMITS];
	char *exe_path; /* for /proc/PID/exe, owned */
	/* A process started by `runsc exec` (no parent in the sandbox): the
	 * control connection told its exit status, then it is reaped; -1
	 * for every other process. */
	int exec_conn;
	/* Which container of the sandbox the process belongs to: 0 the first
	 * (its init is the sandbox's), N the N-th that joined it (a pod's
	 * next container, sentry/control.h); inherited at fork. */
	int container;
	/* The joined container's init: when it ends, every process of its
	 * container is killed, as at the end of a pid namespace. */
	bool container_init;
};

/* SIGKILL every live process of container id. Kernel lock held. */
void kill_container(int id);

/* runsc pause / resume: with frozen, no task of the sandbox runs
 * application code (those running it are kicked out; those in a syscall
 * stop on their way back) until it is thawed; SIGKILL still ends a frozen
 * task, as in a cgroup v2 freezer. Kernel lock held. */
void sandbox_freeze(bool frozen);

struct task {
	/* public */
	int tid; /* virtual */
	struct thread_group *tg;
	struct mm *mm;
	struct fdtable *fdt;
	struct fs_context *fs;
	struct cred cred;
	char comm[16];

	/* kernel-private */
	struct task *tg_next;
	struct task *all_next; /* global list */
	struct platform_ctx *pctx;
	struct platform_regs regs;
	linux_sigset_t blocked, pending, saved_mask;
	bool has_saved_mask; /* restore after a signal frame (sigsuspend, ppoll)
			      */
	struct linux_siginfo pending_info[LINUX_NSIG + 1];
	struct sigq *rtq;
	enum { TS_KERNEL, TS_APP, TS_BLOCKED } state;
	bool syscall_restartable; /* regs.rax may hold a -ERESTART* code */
	uint64_t altstack_sp, altstack_size;
	int altstack_flags;
	uint64_t clear_child_tid, robust_list, robust_len;
	pthread_t thread;
	pthread_cond_t cond;
	struct waiter *waiting;
	int intr_efd; /* eventfd that interrupts a host-fd wait */
	bool killed;  /* SIGKILL / exit_group: unwind and exit */
	bool exited;
	int exit_code;
	struct task *vfork_parent; /* released when this task execs or exits */
	bool vfork_done;
	struct waitq vfork_wq;
};

/* The value a handler returns when it has set t->regs itself (execve,
 * rt_sigreturn): the dispatcher must not store it in rax. */
#define SYSCALL_KEEP_REGS (-0x7fff0001L)

/* Wake t so that it notices a new signal or kill: from task_wait, from a
 * host-fd wait, or out of application code. Kernel lock held. */
void task_kick(struct task *t);

static inline int task_pid(const struct task *t)
{
	return t->tg->pid;
}

/* Look up a task by virtual tid / a thread group by pid (NULL if none). */
struct task *task_lookup(int tid);
struct thread_group *tg_lookup(int pid);

/* Iterate over live thread groups (for /proc): returns the pids in ascending
 * order into out (at most max), count returned. */
int tg_list_pids(int *out, int max);

/* Render /proc/PID/<what> for target into a malloc'd buffer (caller frees).
 * what: "maps", "stat", "status", "cmdline", "environ", "comm".
 * Returns length or -LINUX_Exxx. */
long proc_render(struct task *target, const char *what, char **out);

/* Queue signal sig to task / thread group (kernel lock held). info may be
 * NULL for SI_KERNEL-style sends. Returns 0 or -LINUX_Exxx. */
int send_signal_task(struct task *t, int sig, const struct linux_siginfo *info);
int send_signal_group(struct thread_group *tg, int sig,
		      const struct linux_siginfo *info);

#endif
