/* Tasks: creation, the run loop of each task's sentry thread, exit and
 * reaping. */
#define _GNU_SOURCE
#include "sentry/kernel/task.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "abi/errno.h"
#include "sentry/control.h"
#include "sentry/kernel/futex.h"
#include "sentry/kernel/syspatch.h"
#include "sentry/kernel/kernel.h"
#include "sentry/kernel/signal.h"
#include "sentry/log.h"
#include "sentry/mm/mm.h"
#include "sentry/mm/usercopy.h"
#include "sentry/profile.h"
#include "sentry/syscalls/syscall.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/fs_context.h"
#include "sentry/vfs/hostfd.h"
#include "sentry/vfs/vfs.h"

#define MAX_TID 4194304

static struct task *all_tasks;
static struct thread_group *all_groups[MAX_TASKS];
static int ngroups;
static int next_tid = 1;
struct thread_group *init_tg;

/* Exit status of the sandbox: set when pid 1 exits. */
static pthread_cond_t sandbox_done = PTHREAD_COND_INITIALIZER;
static bool sandbox_finished;
static int sandbox_status;
extern pthread_mutex_t kernel_lock;

static bool tid_used(int tid)
{
	for (struct task *t = all_tasks; t; t = t->all_next)
		if (t->tid == tid)
			return true;
	for (int i = 0; i < ngroups; i++)
		if (all_groups[i]->pid == tid || all_groups[i]->pgid == tid ||
		    all_groups[i]->sid == tid)
			return true;
	return false;
}

static int alloc_tid(void)
{
	for (int tries = 0; tries < MAX_TID; tries++) {
		int tid = next_tid++;
		if (next_tid >= MAX_TID)
			next_tid = 300; /* Linux's RESERVED_PIDS */
		if (!tid_used(tid))
			return tid;
	}
	return -LINUX_EAGAIN;
}

struct task *task_lookup(int tid)
{
	for (struct task *t = all_tasks; t; t = t->all_next)
		if (t->tid == tid && !t->exited)
			return t;
	return NULL;
}

struct thread_group *tg_lookup(int pid)
{
	for (int i = 0; i < ngroups; i++)
		if (all_groups[i]->pid == pid && !all_groups[i]->zombie)
			return all_groups[i];
	return NULL;
}

struct thread_group *tg_lookup_any(int pid)
{
	for (int i = 0; i < ngroups; i++)
		if (all_groups[i]->pid == pid)
			return all_groups[i];
	return NULL;
}

int tg_list_pids(int *out, int max)
{
	int n = 0;
	for (int i = 0; i < ngroups && n < max; i++)
		if (!all_groups[i]->zombie)
			out[n++] = all_groups[i]->pid;
	/* Ascending, as /proc lists them. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && out[j - 1] > out[j]; j--) {
			int x = out[j];
			out[j] = out[j - 1];
			out[j - 1] = x;
		}
	return n;
}

int task_count(void)
{
	int n = 0;

	for (struct task *t = all_tasks; t; t = t->all_next)
		n += !t->exited;
	for (int i = 0; i < ngroups; i++)
		n += all_groups[i]->zombie;
	return n;
}

struct thread_group *tg_iter(int *i)
{
	while (*i < ngroups) {
		struct thread_group *tg = all_groups[(*i)++];
		return tg;
	}
	return NULL;
}

void task_kick(struct task *t)
{
	uint64_t one = 1;

	pthread_cond_signal(&t->cond);
	if (t->state == TS_BLOCKED && t->intr_efd >= 0)
		(void)!write(t->intr_efd, &one, sizeof(one));
	if (t->state == TS_APP && t->pctx)
		plat->interrupt(t->pctx);
}

int64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct task *task_alloc(void)
{
	struct task *t = calloc(1, sizeof(*t));
	pthread_condattr_t ca;

	if (!t)
		return NULL;
	t->tid = alloc_tid();
	if (t->tid < 0) {
		free(t);
		return NULL;
	}
	t->intr_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (t->intr_efd < 0) {
		free(t);
		return NULL;
	}
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cond, &ca);
	pthread_condattr_destroy(&ca);
	waitq_init(&t->vfork_wq);
	t->altstack_flags = 2; /* SS_DISABLE */
	t->all_next = all_tasks;
	all_tasks = t;
	return t;
}

struct thread_group *tg_alloc(int pid)
{
	struct thread_group *tg;

	if (ngroups >= MAX_TASKS)
		return NULL;
	tg = calloc(1, sizeof(*tg));
	if (!tg)
		return NULL;
	tg->refs = 1;
	tg->pid = pid;
	tg->pgid = pid;
	tg->sid = pid;
	tg->exit_signal = LINUX_SIGCHLD;
	tg->exec_conn = -1;
	tg->start_time_ns = now_ns(CLOCK_MONOTONIC);
	waitq_init(&tg->child_wq);
	waitq_init(&tg->stop_wq);
	all_groups[ngroups++] = tg;
	return tg;
}

void tg_add_thread(struct thread_group *tg, struct task *t)
{
	t->tg = tg;
	t->tg_next = tg->threads;
	tg->threads = t;
	tg->nthreads_live++;
	if (!tg->leader)
		tg->leader = t;
}

void tg_add_child(struct thread_group *parent, struct thread_group *child)
{
	child->parent = parent;
	child->sibling = parent->children;
	parent->children = child;
}

static void tg_unlink_child(struct thread_group *child)
{
	struct thread_group *p = child->parent;
	if (!p)
		return;
	for (struct thread_group **pp = &p->children; *pp; pp = &(*pp)->sibling)
		if (*pp == child) {
			*pp = child->sibling;
			break;
		}
	child->parent = NULL;
}

static void task_unlink(struct task *t)
{
	for (struct task **pp = &all_tasks; *pp; pp = &(*pp)->all_next)
		if (*pp == t) {
			*pp = t->all_next;
			break;
		}
}

void task_free_unstarted(struct task *t)
{
	task_unlink(t);
	close(t->intr_efd);
	pthread_cond_destroy(&t->cond);
	free(t);
}

struct task *process_new(const int fds[3])
{
	struct task *t = task_alloc();
	struct thread_group *tg = t ? tg_alloc(t->tid) : NULL;
	int fd;

	if (!tg)
		goto fail;
	tg_add_thread(tg, t);
	tg->sighand = calloc(1, sizeof(*tg->sighand));
	t->fdt = fdtable_new();
	t->fs = fs_context_new();
	if (!tg->sighand || !t->fdt || !t->fs)
		goto fail;
	tg->sighand->refs = 1;
	for (fd = 0; fd < 3; fd++) {
		struct file *f = fds[fd] >= 0 ? hostfd_file_new(fds[fd]) : NULL;

		if (!f) {
			if (fds[fd] >= 0)
				close(fds[fd]);
			continue;
		}
		fdtable_install_at(t->fdt, fd, f, false);
		file_put(f);
	}
	return t;
fail:
	for (fd = 0; fd < 3; fd++)
		if (fds[fd] >= 0)
			close(fds[fd]);
	if (t && t->fdt)
		fdtable_put(t->fdt);
	if (t && t->fs)
		fs_context_put(t->fs);
	if (tg)
		tg_release(tg); /* and t with it */
	else if (t)
		task_free_unstarted(t);
	return NULL;
}

void sighand_put(struct sighand *sh)
{
	if (sh && --sh->refs == 0)
		free(sh);
}

/* Free a reaped thread group and its task structs. */
void tg_release(struct thread_group *tg)
{
	struct task *t, *next;

	tg_unlink_child(tg);
	for (int i = 0; i < ngroups; i++)
		if (all_groups[i] == tg) {
			all_groups[i] = all_groups[--ngroups];
			break;
		}
	for (t = tg->threads; t; t = next) {
		next = t->tg_next;
		task_unlink(t);
		sigq_free(&t->rtq);
		close(t->intr_efd);
		pthread_cond_destroy(&t->cond);
		free(t);
	}
	sigq_free(&tg->shared_rtq);
	sighand_put(tg->sighand);
	free(tg->exe_path);
	free(tg);
}

void exit_siginfo(const struct thread_group *tg, struct linux_siginfo *info)
{
	memset(info, 0, sizeof(*info));
	info->signo = LINUX_SIGCHLD;
	info->kill.pid = tg->pid;
	/* The status never says "core dumped": no core file is written. */
	if ((tg->exit_status & 0x7f) == 0) {
		info->code = LINUX_CLD_EXITED;
		info->kill.status = (tg->exit_status >> 8) & 0xff;
	} else {
		info->code = LINUX_CLD_KILLED;
		info->kill.status = tg->exit_status & 0x7f;
	}
}

static bool sandbox_frozen;
static struct waitq thaw_wq;

void sandbox_freeze(bool frozen)
{
	struct thread_group *tg;
	int i = 0;

	sandbox_frozen = frozen;
	if (!frozen) {
		waitq_wake_all(&thaw_wq);
		return;
	}
	while ((tg = tg_iter(&i)))
		for (struct task *t = tg->threads; t; t = t->tg_next)
			task_kick(t);
}

void kill_container(int id)
{
	struct thread_group *tg;
	int i = 0;

	while ((tg = tg_iter(&i)))
		if (tg->container == id && !tg->zombie) {
			struct linux_siginfo info = {.signo = LINUX_SIGKILL,
						     .code = LINUX_SI_KERNEL};
			send_signal_group(tg, LINUX_SIGKILL, &info);
		}
}

/* The process is gone: tell the parent, hand the children to init. */
static void tg_became_zombie(struct thread_group *tg)
{
	struct thread_group *parent = tg->parent, *c;
	struct linux_siginfo info;

	tg->zombie = true;
	if (tg->container_init)
		kill_container(tg->container);
	/* Orphans go to init (pid 1), which reaps them. */
	while ((c = tg->children)) {
		tg->children = c->sibling;
		c->parent = NULL;
		if (init_tg && init_tg != tg && !init_tg->zombie) {
			tg_add_child(init_tg, c);
			if (c->zombie)
				waitq_wake_all(&init_tg->child_wq);
		}
	}
	if (tg == init_tg) {
		sandbox_status = tg->exit_status;
		sandbox_finished = true;
		pthread_cond_broadcast(&sandbox_done);
		return;
	}
	if (!parent && tg->exec_conn >= 0) {
		control_report_exit(tg->exec_conn, tg->exit_status);
		tg->exec_conn = -1;
		tg_release(tg);
		return;
	}
	if (!parent)
		return;
	exit_siginfo(tg, &info);
	if (tg->exit_signal)
		send_signal_group(parent, tg->exit_signal, &info);
	/* SIGCHLD ignored or SA_NOCLDWAIT: the child is reaped at once. */
	struct linux_sigaction *act = &parent->sighand->act[LINUX_SIGCHLD];
	if (tg->exit_signal == LINUX_SIGCHLD &&
	    (act->handler == 1 || (act->flags & LINUX_SA_NOCLDWAIT))) {
		waitq_wake_all(&parent->child_wq);
		tg_release(tg);
		return;
	}
	waitq_wake_all(&parent->child_wq);
}

static void release_vfork_parent(struct task *t)
{
	if (t->vfork_parent) {
		t->vfork_done = true;
		waitq_wake_all(&t->vfork_wq);
		t->vfork_parent = NULL;
	}
}

void task_release_mm(struct task *t)
{
	release_vfork_parent(t);
}

/* The thread is done: tear down what it holds. Kernel lock held. */
void task_exit_self(struct task *t)
{
	struct thread_group *tg = t->tg;

	if (t->clear_child_tid && t->pctx) {
		uint32_t zero = 0;
		if (!copy_out(t, t->clear_child_tid, &zero, 4))
			futex_wake_addr(t, t->clear_child_tid, 1);
	}
	release_vfork_parent(t);
	t->exited = true;
	if (t->pctx) {
		plat->destroy(t->pctx);
		t->pctx = NULL;
	}
	if (t->mm) {
		mm_put(t->mm);
		t->mm = NULL;
	}
	if (t->fdt) {
		fdtable_put(t->fdt);
		t->fdt = NULL;
	}
	if (t->fs) {
		fs_context_put(t->fs);
		t->fs = NULL;
	}
	if (--tg->nthreads_live == 0) {
		if (!tg->exiting)
			tg->exit_status = (t->exit_code & 0xff) << 8;
		tg_became_zombie(tg);
	} else {
		/* exec waits for the other threads to be gone. */
		waitq_wake_all(&tg->child_wq);
	}
}

static void handle_syscall(struct task *t)
{
	struct user_regs_struct *r = &t->regs.r;
	uint64_t nr = r->orig_rax;
	uint64_t a[6] = {r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9};
	long ret = syscall_dispatch(t, nr, a);

	if (ret == SYSCALL_KEEP_REGS)
		return;
	r->rax = ret;
	t->syscall_restartable =
	    ret == -LINUX_ERESTARTSYS || ret == -LINUX_ERESTARTNOINTR ||
	    ret == -LINUX_ERESTARTNOHAND || ret == -LINUX_ERESTART_RESTARTBLOCK;
}

void task_run_loop(struct task *t)
{
	struct platform_event ev = {0};

	for (;;) {
		/* Frozen first: what arrived meanwhile is delivered then. */
		while (sandbox_frozen && !t->killed)
			task_wait_killable(t, &thaw_wq);
		if (!t->killed)
			signal_deliver(t);
		if (t->killed)
			break;
		t->state = TS_APP;
		klock_release();
		if (profile_enabled) {
			uint64_t t0 = profile_now();

			plat->switch_to(t->pctx, &t->regs, &ev);
			profile_app(profile_now() - t0);
		} else {
			plat->switch_to(t->pctx, &t->regs, &ev);
		}
		klock_acquire();
		t->state = TS_KERNEL;
		switch (ev.why) {
		case PLATFORM_SYSCALL:
			if (syspatch_enabled && !ev.fast)
				syspatch_try(t);
			handle_syscall(t);
			break;
		case PLATFORM_FAULT:
			log_debug("tid %d: fault signal %d code %d addr %#lx "
				  "rip %#llx",
				  t->tid, ev.signo, ev.code,
				  (unsigned long)ev.addr, t->regs.r.rip);
			if (ev.signo == LINUX_SIGSEGV &&
			    mm_fault_is_sigbus(t, ev.addr))
				signal_force_fault(t, LINUX_SIGBUS,
						   2 /* BUS_ADRERR */, ev.addr);
			else
				signal_force_fault(t, ev.signo, ev.code,
						   ev.addr);
			break;
		case PLATFORM_INTERRUPT:
			break;
		case PLATFORM_DIED:
			log_warn("tid %d: stub died", t->tid);
			tg_exit_group(t->tg, LINUX_SIGKILL);
			t->killed = true;
			break;
		}
	}
}

static void *task_main(void *arg)
{
	struct task *t = arg;
	char name[16];
	int err;

	snprintf(name, sizeof(name), "task-%d", t->tid);
	pthread_setname_np(pthread_self(), name);
	err = t->pctx ? plat->adopt(t->pctx) : 0;
	klock_acquire();
	if (err) {
		log_error("tid %d: cannot adopt stub thread: %d", t->tid, err);
		tg_exit_group(t->tg, LINUX_SIGKILL);
	} else {
		task_run_loop(t);
	}
	task_exit_self(t);
	klock_release();
	return NULL;
}

int task_start(struct task *t)
{
	pthread_attr_t attr;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 << 10);
	err = pthread_create(&t->thread, &attr, task_main, t);
	pthread_attr_destroy(&attr);
	return err ? -LINUX_EAGAIN : 0;
}

int sandbox_wait(void)
{
	pthread_mutex_lock(&kernel_lock);
	while (!sandbox_finished)
		pthread_cond_wait(&sandbox_done, &kernel_lock);
	pthread_mutex_unlock(&kernel_lock);
	return sandbox_status;
}

int rlimit_set_arg(struct rlimit64 rlim[LINUX_RLIM_NLIMITS], const char *arg)
{
	unsigned long long cur, max;
	int res, n = 0;

	if (sscanf(arg, "%d:%llu:%llu%n", &res, &cur, &max, &n) != 3 ||
	    arg[n] || res < 0 || res >= LINUX_RLIM_NLIMITS || cur > max ||
	    strchr(arg, '-'))
		return -1;
	rlim[res].cur = cur;
	rlim[res].max = max;
	return 0;
}
