/* Processes and threads: clone family, execve, exit, wait, ids. */
#define _GNU_SOURCE
#include "sentry/syscalls/sys_thread.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"
#include "sentry/kernel/cgroup.h"
#include "sentry/kernel/kernel.h"
#include "sentry/kernel/signal.h"
#include "sentry/log.h"
#include "sentry/mm/mm.h"
#include "sentry/mm/usercopy.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/fs_context.h"
#include "sentry/vfs/vfs.h"

#define CSIGNAL		      0x000000ff
#define LCLONE_VM	      0x00000100
#define LCLONE_FS	      0x00000200
#define LCLONE_FILES	      0x00000400
#define LCLONE_SIGHAND	      0x00000800
#define LCLONE_PIDFD	      0x00001000
#define LCLONE_PTRACE	      0x00002000
#define LCLONE_VFORK	      0x00004000
#define LCLONE_PARENT	      0x00008000
#define LCLONE_THREAD	      0x00010000
#define LCLONE_NEWNS	      0x00020000
#define LCLONE_SYSVSEM	      0x00040000
#define LCLONE_SETTLS	      0x00080000
#define LCLONE_PARENT_SETTID  0x00100000
#define LCLONE_CHILD_CLEARTID 0x00200000
#define LCLONE_DETACHED	      0x00400000
#define LCLONE_UNTRACED	      0x00800000
#define LCLONE_CHILD_SETTID   0x01000000
#define LCLONE_NEWCGROUP      0x02000000
#define LCLONE_NEWUTS	      0x04000000
#define LCLONE_NEWIPC	      0x08000000
#define LCLONE_NEWUSER	      0x10000000
#define LCLONE_NEWPID	      0x20000000
#define LCLONE_NEWNET	      0x40000000
#define LCLONE_IO	      0x80000000ULL

#define SUPPORTED_FLAGS                                                        \
	(CSIGNAL | LCLONE_VM | LCLONE_FS | LCLONE_FILES | LCLONE_SIGHAND |     \
	 LCLONE_VFORK | LCLONE_PARENT | LCLONE_THREAD | LCLONE_SYSVSEM |       \
	 LCLONE_SETTLS | LCLONE_PARENT_SETTID | LCLONE_CHILD_CLEARTID |        \
	 LCLONE_DETACHED | LCLONE_UNTRACED | LCLONE_CHILD_SETTID | LCLONE_IO | \
	 LCLONE_PTRACE)

static long do_clone(struct task *t, uint64_t flags, uint64_t stack,
		     uint64_t ptid, uint64_t ctid, uint64_t tls)
{
	struct task *c;
	struct thread_group *tg;
	int err;

	if (flags & ~(uint64_t)SUPPORTED_FLAGS) {
		if (flags & (LCLONE_NEWNS | LCLONE_NEWUTS | LCLONE_NEWIPC |
			     LCLONE_NEWUSER | LCLONE_NEWPID | LCLONE_NEWNET |
			     LCLONE_NEWCGROUP))
			return -LINUX_EPERM; /* namespaces: not supported */
		return -LINUX_EINVAL;
	}
	if ((flags & LCLONE_THREAD) && !(flags & LCLONE_SIGHAND))
		return -LINUX_EINVAL;
	if ((flags & LCLONE_SIGHAND) && !(flags & LCLONE_VM))
		return -LINUX_EINVAL;
	if ((flags & LCLONE_PARENT) && t->tg == init_tg)
		return -LINUX_EINVAL;

	/* The container's pids.max: fork and thread creation alike. */
	err = cg_pids_check();
	if (err)
		return err;
	c = task_alloc();
	if (!c)
		return -LINUX_EAGAIN;
	if (flags & LCLONE_THREAD) {
		tg = t->tg;
	} else {
		tg = tg_alloc(c->tid);
		if (!tg) {
			err = -LINUX_EAGAIN;
			goto fail_task;
		}
		tg->pgid = t->tg->pgid;
		tg->sid = t->tg->sid;
		tg->exit_signal = flags & CSIGNAL;
		memcpy(tg->rlim, t->tg->rlim, sizeof(tg->rlim));
		tg->container = t->tg->container;
		tg->exe_path = t->tg->exe_path ? strdup(t->tg->exe_path) : NULL;
		if (flags & LCLONE_SIGHAND) {
			tg->sighand = t->tg->sighand;
			tg->sighand->refs++;
		} else {
			tg->sighand = malloc(sizeof(*tg->sighand));
			if (!tg->sighand) {
				err = -LINUX_ENOMEM;
				goto fail_tg;
			}
			*tg->sighand = *t->tg->sighand;
			tg->sighand->refs = 1;
		}
	}

	err = (flags & LCLONE_VM) ? plat->new_thread(t->pctx, &c->pctx)
				  : plat->fork_as(t->pctx, &c->pctx);
	if (err) {
		err = -linux_errno_from_host(-err);
		goto fail_tg;
	}
	c->mm = (flags & LCLONE_VM) ? mm_get(t->mm) : mm_fork(t->mm);
	c->fdt =
	    (flags & LCLONE_FILES) ? fdtable_get(t->fdt) : fdtable_dup(t->fdt);
	c->fs =
	    (flags & LCLONE_FS) ? fs_context_get(t->fs) : fs_context_dup(t->fs);
	if (!c->mm || !c->fdt || !c->fs) {
		err = -LINUX_ENOMEM;
		goto fail_ctx;
	}
	c->cred = t->cred;
	memcpy(c->comm, t->comm, sizeof(c->comm));
	c->blocked = t->blocked;
	c->regs = t->regs;
	c->regs.r.rax = 0;
	if (stack)
		c->regs.r.rsp = stack;
	if (flags & LCLONE_SETTLS)
		c->regs.r.fs_base = tls;
	if (!(flags & LCLONE_VM)) {
		/* A fork child keeps the sigaltstack (same memory). */
		c->altstack_sp = t->altstack_sp;
		c->altstack_size = t->altstack_size;
		c->altstack_flags = t->altstack_flags;
	}
	if (flags & LCLONE_CHILD_CLEARTID)
		c->clear_child_tid = ctid;
	int vtid = c->tid;
	if (flags & LCLONE_PARENT_SETTID)
		copy_out(t, ptid, &vtid, 4);
	if (flags & LCLONE_CHILD_SETTID) {
		/* Into the child's memory, which for a fork is its own copy:
		 * write through the child's context. */
		struct platform_ctx *saved = t->pctx;
		t->pctx = c->pctx;
		copy_out(t, ctid, &vtid, 4);
		t->pctx = saved;
	}
	err = plat->release(c->pctx);
	if (err) {
		err = -LINUX_EAGAIN;
		goto fail_ctx;
	}

	tg_add_thread(tg, c);
	if (!(flags & LCLONE_THREAD))
		tg_add_child((flags & LCLONE_PARENT) ? t->tg->parent : t->tg,
			     tg);
	if (flags & LCLONE_VFORK)
		c->vfork_parent = t;
	err = task_start(c);
	if (err) {
		/* The thread never ran: unwind as if it exited at once. */
		c->killed = true;
		log_error("clone: cannot start a sentry thread");
		return -LINUX_EAGAIN;
	}
	if (flags & LCLONE_VFORK) {
		while (!c->vfork_done && !t->killed)
			task_wait_killable(t, &c->vfork_wq);
	}
	return vtid;

fail_ctx:
	if (c->pctx)
		plat->destroy(c->pctx);
	if (c->mm)
		mm_put(c->mm);
	if (c->fdt)
		fdtable_put(c->fdt);
	if (c->fs)
		fs_context_put(c->fs);
	c->pctx = NULL;
	c->mm = NULL;
	c->fdt = NULL;
	c->fs = NULL;
fail_tg:
	if (!(flags & LCLONE_THREAD)) {
		tg->zombie = true;
		tg_release(tg); /* no threads yet: frees the group only */
	}
fail_task:
	task_free_unstarted(c);
	return err;
}

long sys_clone(struct task *t, const uint64_t a[6])
{
	/* x86-64 order: flags, stack, parent_tid, child_tid, tls. */
	return do_clone(t, a[0], a[1], a[2], a[3], a[4]);
}

struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
	    stack_size, tls, set_tid, set_tid_size, cgroup;
};

long sys_clone3(struct task *t, const uint64_t a[6])
{
	struct clone_args ca = {0};
	uint64_t size = a[1];

	if (size < 64 || size > 4096)
		return -LINUX_EINVAL;
	if (copy_in(t, a[0], &ca, size < sizeof(ca) ? size : sizeof(ca)))
		return -LINUX_EFAULT;
	if ((ca.flags & CSIGNAL) || ca.exit_signal > 64 || ca.set_tid_size)
		return -LINUX_EINVAL;
	if (ca.flags & LCLONE_PIDFD)
		return -LINUX_EINVAL;
	return do_clone(t, ca.flags | ca.exit_signal,
			ca.stack ? ca.stack + ca.stack_size : 0, ca.parent_tid,
			ca.child_tid, ca.tls);
}

long sys_fork(struct task *t, const uint64_t a[6])
{
	return do_clone(t, LINUX_SIGCHLD, 0, 0, 0, 0);
}

long sys_vfork(struct task *t, const uint64_t a[6])
{
	return do_clone(t, LCLONE_VM | LCLONE_VFORK | LINUX_SIGCHLD, 0, 0, 0,
			0);
}

/* Copy a NULL-terminated array of strings from the application (r: the
 * reader, shared by argv and envp, which usually sit side by side). */
static long copy_strv(struct ureader *r, uint64_t addr, char ***out)
{
	size_t n = 0, cap = 16, total = 0;
	char **v = calloc(cap, sizeof(char *));
	char *buf = malloc(131072);
	long err = 0;

	if (!v || !buf) {
		err = -LINUX_ENOMEM;
		goto out;
	}
	for (; addr;) {
		uint64_t p;
		long len;
		if (ureader_copy(r, addr + n * 8, &p, 8)) {
			err = -LINUX_EFAULT;
			goto out;
		}
		if (!p)
			break;
		len = ureader_string(r, p, buf, 131072);
		if (len == -LINUX_ENAMETOOLONG)
			len = -LINUX_E2BIG;
		if (len < 0) {
			err = len;
			goto out;
		}
		total += len + 1 + 8;
		if (total > (2u << 20)) {
			err = -LINUX_E2BIG;
			goto out;
		}
		if (n + 2 > cap) {
			char **nv = realloc(v, 2 * cap * sizeof(char *));
			if (!nv) {
				err = -LINUX_ENOMEM;
				goto out;
			}
			v = nv;
			cap *= 2;
		}
		v[n] = strdup(buf);
		if (!v[n]) {
			err = -LINUX_ENOMEM;
			goto out;
		}
		v[++n] = NULL;
	}
out:
	free(buf);
	if (err) {
		for (size_t i = 0; v && i < n; i++)
			free(v[i]);
		free(v);
		return err;
	}
	*out = v;
	return n;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static long do_execve(struct task *t, const char *path, uint64_t uargv,
		      uint64_t uenvp)
{
	char **argv = NULL, **envp = NULL;
	struct ureader *r = malloc(sizeof(*r));
	long err;

	if (!r)
		return -LINUX_ENOMEM;
	ureader_init(r, t);
	err = copy_strv(r, uargv, &argv);
	if (err >= 0)
		err = copy_strv(r, uenvp, &envp);
	free(r);
	if (err >= 0) {
		err = kernel_execve(t, path, argv, envp);
		if (err == 0)
			err = SYSCALL_KEEP_REGS;
	}
	free_strv(argv);
	free_strv(envp);
	return err;
}

long sys_execve(struct task *t, const uint64_t a[6])
{
	char path[4096];
	long n = copy_path_in(t, a[0], path, 0);

	if (n < 0)
		return n;
	return do_execve(t, path, a[1], a[2]);
}

long sys_execveat(struct task *t, const uint64_t a[6])
{
	char path[4096], full[8192];
	int dirfd = (int)a[0];
	long n = copy_path_in(t, a[1], path, (a[4] & 0x1000) != 0);

	if (n < 0)
		return n;
	if (a[4] & ~(uint64_t)(0x100 | 0x1000))
		return -LINUX_EINVAL;
	if (path[0] == '/' || dirfd == LINUX_AT_FDCWD)
		return do_execve(t, path, a[2], a[3]);
	/* Relative to a directory fd: name it by its path. */
	struct file *f = fd_get(t, dirfd);
	if (!f)
		return -LINUX_EBADF;
	int len = file_path(f, full, sizeof(full) - 4097);
	file_put(f);
	if (len < 0)
		return len;
	if (path[0])
		snprintf(full + len, sizeof(full) - len, "/%s", path);
	return do_execve(t, full, a[2], a[3]);
}

long sys_exit(struct task *t, const uint64_t a[6])
{
	t->exit_code = (int)a[0];
	t->killed = true;
	return 0;
}

long sys_exit_group(struct task *t, const uint64_t a[6])
{
	tg_exit_group(t->tg, ((int)a[0] & 0xff) << 8);
	t->killed = true;
	return 0;
}

#define WNOHANG	    1
#define WUNTRACED   2
#define WSTOPPED    2
#define WEXITED	    4
#define WCONTINUED  8
#define WNOWAIT	    0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL	    0x40000000
#define __WCLONE    0x80000000

static bool child_matches(struct task *t, struct thread_group *c, int idtype,
			  int id)
{
	switch (idtype) {
	case 0: /* P_ALL */
		return true;
	case 1: /* P_PID */
		return c->pid == id;
	case 2: /* P_PGID */
		return c->pgid == (id ? id : t->tg->pgid);
	}
	return false;
}

enum wait_kind { WK_EXITED, WK_STOPPED, WK_CONTINUED };

/* Common to wait4 and waitid: find a child with something to report (an
 * exit; a stop with WUNTRACED; a continue with WCONTINUED); 0 with *found
 * NULL when WNOHANG and none yet; -ECHILD when no child matches at all. */
static int wait_child(struct task *t, int idtype, int id, int options,
		      struct thread_group **found, enum wait_kind *kind)
{
	for (;;) {
		bool any = false;
		for (struct thread_group *c = t->tg->children; c;
		     c = c->sibling) {
			if (!child_matches(t, c, idtype, id))
				continue;
			/* __WCLONE selects children whose exit signal is not
			 * SIGCHLD; __WALL selects both. */
			bool clone_child = c->exit_signal != LINUX_SIGCHLD;
			if (!(options & __WALL) &&
			    clone_child != !!(options & __WCLONE))
				continue;
			any = true;
			*found = c;
			if (c->zombie && (options & WEXITED)) {
				*kind = WK_EXITED;
				return 0;
			}
			if (c->stopped && c->stop_report &&
			    (options & WUNTRACED)) {
				*kind = WK_STOPPED;
				return 0;
			}
			if (c->cont_report && (options & WCONTINUED)) {
				*kind = WK_CONTINUED;
				return 0;
			}
		}
		*found = NULL;
		if (!any)
			return -LINUX_ECHILD;
		if (options & WNOHANG)
			return 0;
		int err = task_wait(t, &t->tg->child_wq, NULL);
		if (err)
			return err;
	}
}

/* A report was given: a stop or continue is reported once; an exited
 * child is reaped. */
static void consume_report(struct thread_group *c, enum wait_kind kind)
{
	if (kind == WK_STOPPED)
		c->stop_report = false;
	else if (kind == WK_CONTINUED)
		c->cont_report = false;
	else
		tg_release(c);
}

struct linux_rusage {
	int64_t utime_sec, utime_usec, stime_sec, stime_usec;
	int64_t rest[14];
};

long sys_wait4(struct task *t, const uint64_t a[6])
{
	int pid = (int)a[0], options = (int)a[2];
	int idtype, id = 0, status, err;
	struct thread_group *c;
	enum wait_kind kind;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD |
			__WALL | __WCLONE))
		return -LINUX_EINVAL;
	if (pid == -1) {
		idtype = 0;
	} else if (pid > 0) {
		idtype = 1;
		id = pid;
	} else if (pid == 0) {
		idtype = 2;
	} else {
		if (pid == -2147483647 - 1)
			return -LINUX_ESRCH;
		idtype = 2;
		id = -pid;
	}
	err = wait_child(t, idtype, id, options | WEXITED, &c, &kind);
	if (err)
		return err;
	if (!c)
		return 0;
	if (kind == WK_STOPPED)
		status = (c->stop_sig << 8) | 0x7f;
	else if (kind == WK_CONTINUED)
		status = 0xffff;
	else
		status = c->exit_status;
	if (a[1] && copy_out(t, a[1], &status, 4))
		return -LINUX_EFAULT;
	if (a[3]) {
		struct linux_rusage ru = {0};
		if (copy_out(t, a[3], &ru, sizeof(ru)))
			return -LINUX_EFAULT;
	}
	pid = c->pid;
	consume_report(c, kind);
	return pid;
}

long sys_waitid(struct task *t, const uint64_t a[6])
{
	int idtype = (int)a[0], id = (int)a[1], options = (int)a[3], err;
	struct linux_siginfo info = {0};
	struct thread_group *c;
	enum wait_kind kind;

	if (options & ~(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT |
			__WNOTHREAD | __WALL | __WCLONE))
		return -LINUX_EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -LINUX_EINVAL;
	if (idtype < 0 || idtype > 3)
		return -LINUX_EINVAL;
	if (idtype == 3) /* P_PIDFD: no pidfds */
		return -LINUX_EBADF;
	if (idtype == 1 && id <= 0)
		return -LINUX_EINVAL;
	err = wait_child(t, idtype, id, options, &c, &kind);
	if (err)
		return err;
	if (c) {
		exit_siginfo(c, &info);
		info.kill.uid = t->cred.uid;
		if (kind == WK_STOPPED) {
			info.code = LINUX_CLD_STOPPED;
			info.kill.status = c->stop_sig;
		} else if (kind == WK_CONTINUED) {
			info.code = LINUX_CLD_CONTINUED;
			info.kill.status = LINUX_SIGCONT;
		}
	}
	if (a[2] && copy_out(t, a[2], &info, sizeof(info)))
		return -LINUX_EFAULT;
	if (c && !(options & WNOWAIT))
		consume_report(c, kind);
	return 0;
}

long sys_getpid(struct task *t, const uint64_t a[6])
{
	return t->tg->pid;
}

long sys_getppid(struct task *t, const uint64_t a[6])
{
	return t->tg->parent ? t->tg->parent->pid : 0;
}

long sys_gettid(struct task *t, const uint64_t a[6])
{
	return t->tid;
}

long sys_set_tid_address(struct task *t, const uint64_t a[6])
{
	t->clear_child_tid = a[0];
	return t->tid;
}

#define ARCH_SET_GS    0x1001
#define ARCH_SET_FS    0x1002
#define ARCH_GET_FS    0x1003
#define ARCH_GET_GS    0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

long sys_arch_prctl(struct task *t, const uint64_t a[6])
{
	uint64_t v;

	switch (a[0]) {
	case ARCH_SET_FS:
		if (a[1] >= 0x800000000000ULL)
			return -LINUX_EPERM;
		t->regs.r.fs_base = a[1];
		return 0;
	case ARCH_SET_GS:
		if (a[1] >= 0x800000000000ULL)
			return -LINUX_EPERM;
		t->regs.r.gs_base = a[1];
		return 0;
	case ARCH_GET_FS:
		v = t->regs.r.fs_base;
		return copy_out(t, a[1], &v, 8);
	case ARCH_GET_GS:
		v = t->regs.r.gs_base;
		return copy_out(t, a[1], &v, 8);
	case ARCH_GET_CPUID:
		return 1;
	case ARCH_SET_CPUID:
		return -LINUX_ENODEV;
	}
	return -LINUX_EINVAL;
}

long sys_getpgid(struct task *t, const uint64_t a[6])
{
	int pid = (int)a[0];
	struct thread_group *tg = pid ? tg_lookup(pid) : t->tg;
	return tg ? tg->pgid : -LINUX_ESRCH;
}

long sys_getpgrp(struct task *t, const uint64_t a[6])
{
	return t->tg->pgid;
}

long sys_setpgid(struct task *t, const uint64_t a[6])
{
	int pid = (int)a[0], pgid = (int)a[1];
	struct thread_group *tg = pid ? tg_lookup(pid) : t->tg;

	if (pgid < 0)
		return -LINUX_EINVAL;
	if (!tg)
		return -LINUX_ESRCH;
	if (tg != t->tg && tg->parent != t->tg)
		return -LINUX_ESRCH;
	if (tg->sid != t->tg->sid)
		return -LINUX_EPERM;
	if (tg->pid == tg->sid)
		return -LINUX_EPERM; /* a session leader */
	if (!pgid)
		pgid = tg->pid;
	if (pgid != tg->pid) {
		bool found = false;
		int i = 0;
		for (struct thread_group *o; (o = tg_iter(&i));)
			if (o->pgid == pgid && o->sid == tg->sid && !o->zombie)
				found = true;
		if (!found)
			return -LINUX_EPERM;
	}
	tg->pgid = pgid;
	return 0;
}

long sys_getsid(struct task *t, const uint64_t a[6])
{
	int pid = (int)a[0];
	struct thread_group *tg = pid ? tg_lookup(pid) : t->tg;
	return tg ? tg->sid : -LINUX_ESRCH;
}

long sys_setsid(struct task *t, const uint64_t a[6])
{
	struct thread_group *tg = t->tg;
	int i = 0;

	for (struct thread_group *o; (o = tg_iter(&i));)
		if (o->pgid == tg->pid && !o->zombie)
			return -LINUX_EPERM;
	tg->sid = tg->pgid = tg->pid;
	return tg->sid;
}

long sys_sched_yield(struct task *t, const uint64_t a[6])
{
	klock_release();
	sched_yield();
	klock_acquire();
	return 0;
}
