/* Signal syscalls. Delivery itself is in kernel/signal.c. */
#include "sentry/syscalls/sys_signal.h"

#include <string.h>

#include "abi/errno.h"
#include "sentry/kernel/kernel.h"
#include "sentry/kernel/signal.h"
#include "sentry/mm/usercopy.h"

#define SIG_BLOCK     0
#define SIG_UNBLOCK   1
#define SIG_SETMASK   2
#define SS_ONSTACK    1
#define SS_DISABLE    2
#define SS_AUTODISARM (1U << 31)
#define MINSIGSTKSZ   2048

long sys_rt_sigaction(struct task *t, const uint64_t a[6])
{
	int sig = (int)a[0];
	struct linux_sigaction act, *cur;

	if (a[3] != sizeof(linux_sigset_t))
		return -LINUX_EINVAL;
	if (sig < 1 || sig > LINUX_NSIG)
		return -LINUX_EINVAL;
	cur = &t->tg->sighand->act[sig];
	if (a[1]) {
		if (sig == LINUX_SIGKILL || sig == LINUX_SIGSTOP)
			return -LINUX_EINVAL;
		if (copy_in(t, a[1], &act, sizeof(act)))
			return -LINUX_EFAULT;
	}
	if (a[2] && copy_out(t, a[2], cur, sizeof(*cur)))
		return -LINUX_EFAULT;
	if (a[1]) {
		act.mask &= ~UNBLOCKABLE;
		*cur = act;
		/* Setting SIG_IGN (or SIG_DFL for a default-ignored signal)
		 * discards what is pending, as POSIX requires. */
		if (act.handler == 1 ||
		    (act.handler == 0 && sig_default_ignored(sig)))
			signal_discard(t->tg, sig);
	}
	return 0;
}

long sys_rt_sigprocmask(struct task *t, const uint64_t a[6])
{
	linux_sigset_t set, old = t->blocked;
	int how = (int)a[0];

	if (a[3] != sizeof(linux_sigset_t))
		return -LINUX_EINVAL;
	if (a[1]) {
		if (copy_in(t, a[1], &set, sizeof(set)))
			return -LINUX_EFAULT;
		switch (how) {
		case SIG_BLOCK:
			t->blocked |= set;
			break;
		case SIG_UNBLOCK:
			t->blocked &= ~set;
			break;
		case SIG_SETMASK:
			t->blocked = set;
			break;
		default:
			return -LINUX_EINVAL;
		}
		t->blocked &= ~UNBLOCKABLE;
	}
	if (a[2] && copy_out(t, a[2], &old, sizeof(old)))
		return -LINUX_EFAULT;
	return 0;
}

long sys_rt_sigreturn(struct task *t, const uint64_t a[6])
{
	return signal_sigreturn(t);
}

long sys_rt_sigpending(struct task *t, const uint64_t a[6])
{
	linux_sigset_t set = (t->pending | t->tg->shared_pending) & t->blocked;

	if (a[1] > sizeof(set))
		return -LINUX_EINVAL;
	return copy_out(t, a[0], &set, a[1]);
}

long sys_rt_sigsuspend(struct task *t, const uint64_t a[6])
{
	linux_sigset_t set;
	struct waitq never;

	if (a[1] != sizeof(set))
		return -LINUX_EINVAL;
	if (copy_in(t, a[0], &set, sizeof(set)))
		return -LINUX_EFAULT;
	t->saved_mask = t->blocked;
	t->has_saved_mask = true;
	t->blocked = set & ~UNBLOCKABLE;
	waitq_init(&never);
	while (task_wait(t, &never, NULL) == 0)
		;
	return -LINUX_ERESTARTNOHAND;
}

long sys_pause(struct task *t, const uint64_t a[6])
{
	struct waitq never;

	waitq_init(&never);
	while (task_wait(t, &never, NULL) == 0)
		;
	return -LINUX_ERESTARTNOHAND;
}

/* rt_sigtimedwait: dequeue one of the given signals, waiting if needed. */
long sys_rt_sigtimedwait(struct task *t, const uint64_t a[6])
{
	linux_sigset_t set;
	struct waitq never;
	struct timespec deadline, *dl = NULL;
	int err = 0;

	if (a[3] != sizeof(set))
		return -LINUX_EINVAL;
	if (copy_in(t, a[0], &set, sizeof(set)))
		return -LINUX_EFAULT;
	set &= ~UNBLOCKABLE;
	if (a[2]) {
		struct {
			int64_t sec, nsec;
		} ts;
		if (copy_in(t, a[2], &ts, sizeof(ts)))
			return -LINUX_EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -LINUX_EINVAL;
		int64_t ns =
		    now_ns(CLOCK_MONOTONIC) + ts.sec * 1000000000LL + ts.nsec;
		deadline.tv_sec = ns / 1000000000LL;
		deadline.tv_nsec = ns % 1000000000LL;
		dl = &deadline;
	}
	waitq_init(&never);
	for (;;) {
		struct linux_siginfo info;
		int sig = signal_dequeue(t, set, &info);
		if (sig) {
			if (a[1] && copy_out(t, a[1], &info, sizeof(info)))
				return -LINUX_EFAULT;
			return sig;
		}
		if (err == -LINUX_ETIMEDOUT)
			return -LINUX_EAGAIN;
		/* Signals in set are waited for even if blocked: only other
		 * unblocked ones interrupt. */
		linux_sigset_t saved = t->blocked;
		t->blocked |= set;
		err = task_wait(t, &never, dl);
		t->blocked = saved;
		if (err == -LINUX_ERESTARTSYS) {
			if ((t->pending | t->tg->shared_pending) & set)
				continue;
			return -LINUX_EINTR;
		}
	}
}

long sys_sigaltstack(struct task *t, const uint64_t a[6])
{
	struct {
		uint64_t sp;
		int32_t flags, pad;
		uint64_t size;
	} ss, old;
	bool on = t->altstack_size && t->regs.r.rsp > t->altstack_sp &&
		  t->regs.r.rsp <= t->altstack_sp + t->altstack_size;

	memset(&old, 0, sizeof(old));
	old.sp = t->altstack_sp;
	old.size = t->altstack_size;
	old.flags = on ? SS_ONSTACK : (t->altstack_size ? 0 : SS_DISABLE);
	if (a[0]) {
		if (copy_in(t, a[0], &ss, sizeof(ss)))
			return -LINUX_EFAULT;
		if (on)
			return -LINUX_EPERM;
		if (ss.flags &
		    ~(SS_DISABLE | SS_ONSTACK | (int32_t)SS_AUTODISARM))
			return -LINUX_EINVAL;
		if (ss.flags & SS_DISABLE) {
			t->altstack_sp = t->altstack_size = 0;
			t->altstack_flags = SS_DISABLE;
		} else {
			if (ss.size < MINSIGSTKSZ)
				return -LINUX_ENOMEM;
			t->altstack_sp = ss.sp;
			t->altstack_size = ss.size;
			t->altstack_flags = 0;
		}
	}
	if (a[1] && copy_out(t, a[1], &old, sizeof(old)))
		return -LINUX_EFAULT;
	return 0;
}

static void user_info(struct task *t, int sig, int code,
		      struct linux_siginfo *info)
{
	memset(info, 0, sizeof(*info));
	info->signo = sig;
	info->code = code;
	info->kill.pid = t->tg->pid;
	info->kill.uid = t->cred.uid;
}

/* Linux's check_kill_permission for a signal a process sends: allowed in
 * its own thread group, to a process whose real or saved uid is the
 * sender's real or effective uid, SIGCONT within the session, or with
 * CAP_KILL. Signal 0 is checked the same way. */
static int may_signal(struct task *t, struct task *target, int sig)
{
	const struct cred *c = &t->cred, *tc = &target->cred;

	if (target->tg == t->tg || capable(c, CAP_KILL))
		return 0;
	if (c->euid == tc->suid || c->euid == tc->uid || c->uid == tc->suid ||
	    c->uid == tc->uid)
		return 0;
	if (sig == LINUX_SIGCONT && target->tg->sid == t->tg->sid)
		return 0;
	return -LINUX_EPERM;
}

static long kill_group(struct task *t, struct thread_group *tg, int sig,
		       struct linux_siginfo *info)
{
	int err = may_signal(t, tg->leader, sig);
	return err ? err : send_signal_group(tg, sig, info);
}

long sys_kill(struct task *t, const uint64_t a[6])
{
	int pid = (int)a[0], sig = (int)a[1], n = 0, err = 0;
	struct linux_siginfo info;
	int i = 0;

	if (sig < 0 || sig > LINUX_NSIG)
		return -LINUX_EINVAL;
	user_info(t, sig, LINUX_SI_USER, &info);
	if (pid > 0) {
		struct thread_group *tg = tg_lookup_any(pid);
		if (!tg)
			return -LINUX_ESRCH;
		return kill_group(t, tg, sig, &info);
	}
	if (pid == -2147483647 - 1)
		return -LINUX_ESRCH;
	/* A process group (0: ours): success if one got it, else the last
	 * error. Every process but init and us (-1): the last error other
	 * than EPERM, as Linux reports them. */
	bool delivered = false;
	for (struct thread_group *tg; (tg = tg_iter(&i));) {
		if (tg->zombie)
			continue;
		if (pid == -1) {
			if (tg == init_tg || tg == t->tg)
				continue;
		} else if (tg->pgid != (pid == 0 ? t->tg->pgid : -pid)) {
			continue;
		}
		n++;
		int e = kill_group(t, tg, sig, &info);
		delivered |= !e;
		if (pid != -1 || e != -LINUX_EPERM)
			err = e;
	}
	if (!n)
		return -LINUX_ESRCH;
	return pid != -1 && delivered ? 0 : err;
}

static long do_tkill(struct task *t, int tgid, int tid, int sig)
{
	struct linux_siginfo info;
	struct task *target;

	if (tid <= 0 || (tgid != -1 && tgid <= 0))
		return -LINUX_EINVAL;
	if (sig < 0 || sig > LINUX_NSIG)
		return -LINUX_EINVAL;
	target = task_lookup(tid);
	if (!target || (tgid != -1 && target->tg->pid != tgid))
		return -LINUX_ESRCH;
	int err = may_signal(t, target, sig);
	if (err)
		return err;
	user_info(t, sig, LINUX_SI_TKILL, &info);
	return send_signal_task(target, sig, &info);
}

long sys_tkill(struct task *t, const uint64_t a[6])
{
	return do_tkill(t, -1, (int)a[0], (int)a[1]);
}

long sys_tgkill(struct task *t, const uint64_t a[6])
{
	return do_tkill(t, (int)a[0], (int)a[1], (int)a[2]);
}

/* rt_sigqueueinfo / rt_tgsigqueueinfo: send with the caller's siginfo. A
 * process may not forge kernel or kill() codes (si_code >= 0) for another
 * process, or SI_TKILL at all, as Linux checks. */
static int check_info(struct task *t, int pid, int sig, uint64_t uinfo,
		      struct linux_siginfo *info)
{
	if (sig < 0 || sig > LINUX_NSIG)
		return -LINUX_EINVAL;
	if (copy_in(t, uinfo, info, sizeof(*info)))
		return -LINUX_EFAULT;
	if ((info->code >= 0 || info->code == LINUX_SI_TKILL) &&
	    pid != t->tg->pid)
		return -LINUX_EPERM;
	info->signo = sig;
	return 0;
}

long sys_rt_sigqueueinfo(struct task *t, const uint64_t a[6])
{
	int pid = (int)a[0], sig = (int)a[1], err;
	struct linux_siginfo info;
	struct thread_group *tg;

	err = check_info(t, pid, sig, a[2], &info);
	if (err)
		return err;
	tg = tg_lookup(pid);
	if (!tg)
		return -LINUX_ESRCH;
	return kill_group(t, tg, sig, &info);
}

long sys_rt_tgsigqueueinfo(struct task *t, const uint64_t a[6])
{
	int tgid = (int)a[0], tid = (int)a[1], sig = (int)a[2], err;
	struct linux_siginfo info;
	struct task *target;

	if (tgid <= 0 || tid <= 0)
		return -LINUX_EINVAL;
	err = check_info(t, tgid, sig, a[3], &info);
	if (err)
		return err;
	target = task_lookup(tid);
	if (!target || target->tg->pid != tgid)
		return -LINUX_ESRCH;
	err = may_signal(t, target, sig);
	return err ? err : send_signal_task(target, sig, &info);
}
