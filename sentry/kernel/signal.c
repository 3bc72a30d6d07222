/* Signal delivery, as x86-64 Linux does it: the same rt_sigframe layout on
 * the application's stack (or its sigaltstack), the same syscall-restart
 * rules, the same default actions. */
#include "sentry/kernel/signal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"
#include "sentry/kernel/task.h"
#include "sentry/log.h"
#include "sentry/mm/mm.h"
#include "sentry/mm/usercopy.h"

/* uapi struct sigcontext (x86-64). */
struct linux_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct linux_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

struct linux_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct linux_stack uc_stack;
	struct linux_sigcontext uc_mcontext;
	linux_sigset_t uc_sigmask;
};

struct rt_sigframe {
	uint64_t pretcode;
	struct linux_ucontext uc;
	struct linux_siginfo info;
};

_Static_assert(sizeof(struct linux_sigcontext) == 256, "sigcontext");
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo");

#define UC_FP_XSTATE	     0x1
#define UC_SIGCONTEXT_SS     0x2
#define UC_STRICT_RESTORE_SS 0x4
#define FP_XSTATE_MAGIC1     0x46505853U
#define FP_XSTATE_MAGIC2     0x46505845U
#define SS_ONSTACK	     1
#define SS_DISABLE	     2

bool sig_default_ignored(int sig)
{
	return sig == LINUX_SIGCHLD || sig == LINUX_SIGURG ||
	       sig == LINUX_SIGWINCH || sig == LINUX_SIGCONT;
}

static bool sig_default_stops(int sig)
{
	return sig == LINUX_SIGSTOP || sig == LINUX_SIGTSTP ||
	       sig == LINUX_SIGTTIN || sig == LINUX_SIGTTOU;
}

#define SIGRTMIN_ 32
/* Queued real-time signals in the whole sandbox (RLIMIT_SIGPENDING-like). */
#define MAX_QUEUED 4096
static int nqueued;

bool signal_pending_unblocked(struct task *t)
{
	return ((t->pending | t->tg->shared_pending) & ~t->blocked) != 0;
}

/* Append info to a real-time queue; -EAGAIN past the limit. */
static int rtq_push(struct sigq **q, const struct linux_siginfo *info)
{
	struct sigq *e, **pp;

	if (nqueued >= MAX_QUEUED)
		return -LINUX_EAGAIN;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -LINUX_EAGAIN;
	e->info = *info;
	for (pp = q; *pp; pp = &(*pp)->next)
		;
	*pp = e;
	nqueued++;
	return 0;
}

/* Pop the first queued instance of sig; *more tells whether another
 * remains. */
static bool rtq_pop(struct sigq **q, int sig, struct linux_siginfo *info,
		    bool *more)
{
	bool found = false;

	*more = false;
	for (struct sigq **pp = q; *pp;) {
		struct sigq *e = *pp;
		if (e->info.signo != sig) {
			pp = &e->next;
			continue;
		}
		if (found) {
			*more = true;
			break;
		}
		*info = e->info;
		*pp = e->next;
		free(e);
		nqueued--;
		found = true;
	}
	return found;
}

void sigq_free(struct sigq **q)
{
	while (*q) {
		struct sigq *e = *q;
		*q = e->next;
		free(e);
		nqueued--;
	}
}

static void rtq_drop(struct sigq **q, int sig)
{
	struct linux_siginfo info;
	bool more = true;
	while (more && rtq_pop(q, sig, &info, &more))
		;
}

void signal_discard(struct thread_group *tg, int sig)
{
	tg->shared_pending &= ~SIGBIT(sig);
	rtq_drop(&tg->shared_rtq, sig);
	for (struct task *o = tg->threads; o; o = o->tg_next) {
		o->pending &= ~SIGBIT(sig);
		rtq_drop(&o->rtq, sig);
	}
}

/* Take signal sig from one of the pending sets. */
static void take(linux_sigset_t *pending, struct linux_siginfo *infos,
		 struct sigq **q, int sig, struct linux_siginfo *info)
{
	bool more = false;

	if (sig >= SIGRTMIN_ && rtq_pop(q, sig, info, &more)) {
		if (!more)
			*pending &= ~SIGBIT(sig);
		return;
	}
	*pending &= ~SIGBIT(sig);
	*info = infos[sig];
}

int signal_dequeue(struct task *t, linux_sigset_t set,
		   struct linux_siginfo *info)
{
	linux_sigset_t ready = (t->pending | t->tg->shared_pending) & set;
	int sig;

	if (!ready)
		return 0;
	sig = (ready & SIGBIT(LINUX_SIGKILL)) ? LINUX_SIGKILL
					      : __builtin_ctzll(ready) + 1;
	if (t->pending & SIGBIT(sig))
		take(&t->pending, t->pending_info, &t->rtq, sig, info);
	else
		take(&t->tg->shared_pending, t->tg->shared_info,
		     &t->tg->shared_rtq, sig, info);
	return sig;
}

/* Take the lowest deliverable signal (SIGKILL first). 0 if none. */
static int dequeue(struct task *t, struct linux_siginfo *info)
{
	return signal_dequeue(t, ~t->blocked, info);
}

/* Record sig as pending in (pending, infos, q): real-time signals queue
 * one instance per send, standard ones coalesce. */
static int make_pending(linux_sigset_t *pending, struct linux_siginfo *infos,
			struct sigq **q, int sig,
			const struct linux_siginfo *info)
{
	struct linux_siginfo def;

	if (!info) {
		memset(&def, 0, sizeof(def));
		def.signo = sig;
		def.code = LINUX_SI_KERNEL;
		info = &def;
	}
	if (sig >= SIGRTMIN_) {
		int err = rtq_push(q, info);
		if (err)
			return err;
	} else if (*pending & SIGBIT(sig)) {
		return 0; /* coalesced: the first one's info stays */
	} else {
		infos[sig] = *info;
	}
	*pending |= SIGBIT(sig);
	return 0;
}

/* Tell the parent about a stop or continue (SIGCHLD unless it asked for
 * SA_NOCLDSTOP) and wake its wait. */
static void notify_parent_jobctl(struct thread_group *tg, int code, int sig)
{
	struct thread_group *p = tg->parent;
	struct linux_siginfo info;

	if (!p)
		return;
	waitq_wake_all(&p->child_wq);
	if (p->sighand->act[LINUX_SIGCHLD].flags & LINUX_SA_NOCLDSTOP)
		return;
	memset(&info, 0, sizeof(info));
	info.signo = LINUX_SIGCHLD;
	info.code = code;
	info.kill.pid = tg->pid;
	info.kill.status = sig;
	send_signal_group(p, LINUX_SIGCHLD, &info);
}

static void group_stop(struct thread_group *tg, int sig)
{
	if (tg->stopped || tg->exiting)
		return;
	tg->stopped = true;
	tg->stop_sig = sig;
	tg->stop_report = true;
	tg->cont_report = false;
	for (struct task *o = tg->threads; o; o = o->tg_next)
		if (!o->exited)
			task_kick(o);
	notify_parent_jobctl(tg, LINUX_CLD_STOPPED, sig);
}

/* SIGCONT's effect happens when it is sent, even if blocked or ignored. */
static void group_continue(struct thread_group *tg)
{
	linux_sigset_t stops = SIGBIT(LINUX_SIGSTOP) | SIGBIT(LINUX_SIGTSTP) |
			       SIGBIT(LINUX_SIGTTIN) | SIGBIT(LINUX_SIGTTOU);

	tg->shared_pending &= ~stops;
	for (struct task *o = tg->threads; o; o = o->tg_next)
		o->pending &= ~stops;
	if (!tg->stopped)
		return;
	tg->stopped = false;
	tg->stop_report = false;
	tg->cont_report = true;
	waitq_wake_all(&tg->stop_wq);
	notify_parent_jobctl(tg, LINUX_CLD_CONTINUED, LINUX_SIGCONT);
}

void tg_exit_group(struct thread_group *tg, int status)
{
	if (tg->exiting)
		return;
	tg->exiting = true;
	tg->exit_status = status;
	for (struct task *o = tg->threads; o; o = o->tg_next) {
		if (o->exited)
			continue;
		o->killed = true;
		task_kick(o);
	}
}

static bool is_restart(long rax)
{
	return rax == -LINUX_ERESTARTSYS || rax == -LINUX_ERESTARTNOINTR ||
	       rax == -LINUX_ERESTARTNOHAND ||
	       rax == -LINUX_ERESTART_RESTARTBLOCK;
}

static void restart_syscall(struct task *t)
{
	t->regs.r.rip -= 2;
	t->regs.r.rax = t->regs.r.orig_rax;
}

static bool on_altstack(struct task *t, uint64_t sp)
{
	return t->altstack_size && sp > t->altstack_sp &&
	       sp <= t->altstack_sp + t->altstack_size;
}

static int build_frame(struct task *t, int sig, struct linux_sigaction *act,
		       struct linux_siginfo *info)
{
	struct user_regs_struct *r = &t->regs.r;
	static __thread struct platform_fpstate fp;
	struct rt_sigframe frame;
	uint64_t sp = r->rsp - 128, fpaddr, frameaddr;
	bool onstack = on_altstack(t, r->rsp);

	if ((act->flags & LINUX_SA_ONSTACK) && t->altstack_size &&
	    !(t->altstack_flags & SS_DISABLE) && !onstack)
		sp = t->altstack_sp + t->altstack_size;
	if (plat->get_fpstate(t->pctx, &fp))
		return -LINUX_EFAULT;
	/* The kernel's regset already carries the fx_sw_bytes; make sure,
	 * then append the trailing magic as a signal frame has it. */
	{
		uint32_t *sw = (uint32_t *)(fp.data + 464);
		uint64_t xfeatures;
		memcpy(&xfeatures, fp.data + 512, 8);
		if (sw[0] != FP_XSTATE_MAGIC1) {
			sw[0] = FP_XSTATE_MAGIC1;
			memcpy(&sw[2], &xfeatures, 8);
		}
		sw[1] = fp.len + 4;
		sw[4] = fp.len;
	}
	sp = (sp - fp.len - 4) & ~63ULL;
	fpaddr = sp;
	frameaddr = ((sp - sizeof(frame)) & ~15ULL) - 8;

	memset(&frame, 0, sizeof(frame));
	frame.pretcode = act->restorer;
	frame.uc.uc_flags =
	    UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	frame.uc.uc_stack.ss_sp = t->altstack_sp;
	frame.uc.uc_stack.ss_size = t->altstack_size;
	frame.uc.uc_stack.ss_flags =
	    !t->altstack_size ? SS_DISABLE
			      : (onstack ? SS_ONSTACK : t->altstack_flags);
	struct linux_sigcontext *sc = &frame.uc.uc_mcontext;
	sc->r8 = r->r8, sc->r9 = r->r9, sc->r10 = r->r10, sc->r11 = r->r11;
	sc->r12 = r->r12, sc->r13 = r->r13, sc->r14 = r->r14, sc->r15 = r->r15;
	sc->rdi = r->rdi, sc->rsi = r->rsi, sc->rbp = r->rbp, sc->rbx = r->rbx;
	sc->rdx = r->rdx, sc->rax = r->rax, sc->rcx = r->rcx, sc->rsp = r->rsp;
	sc->rip = r->rip, sc->eflags = r->eflags;
	sc->cs = r->cs, sc->ss = r->ss;
	sc->fpstate = fpaddr;
	if (info->signo == LINUX_SIGSEGV || info->signo == LINUX_SIGBUS) {
		sc->cr2 = info->fault.addr;
		sc->trapno = info->signo == LINUX_SIGSEGV ? 14 : 0;
	}
	sc->oldmask = t->blocked;
	frame.uc.uc_sigmask = t->has_saved_mask ? t->saved_mask : t->blocked;
	t->has_saved_mask = false;
	frame.info = *info;

	uint32_t magic2 = FP_XSTATE_MAGIC2;
	if (copy_out(t, fpaddr, fp.data, fp.len) ||
	    copy_out(t, fpaddr + fp.len, &magic2, 4) ||
	    copy_out(t, frameaddr, &frame, sizeof(frame)))
		return -LINUX_EFAULT;

	r->rsp = frameaddr;
	r->rip = act->handler;
	r->rdi = sig;
	r->rsi = frameaddr + offsetof(struct rt_sigframe, info);
	r->rdx = frameaddr + offsetof(struct rt_sigframe, uc);
	r->rax = 0;
	r->eflags &= ~(0x100ULL | 0x400ULL); /* TF, DF */
	r->cs = 0x33;
	r->ss = 0x2b;
	return 0;
}

static void kill_by_signal(struct task *t, int sig)
{
	/* The wait status has no "core dumped" bit: the sentry writes no
	 * core files, and Linux sets the bit only when it wrote one. */
	tg_exit_group(t->tg, sig);
}

void signal_deliver(struct task *t)
{
	struct linux_siginfo info;
	int sig;

	for (;;) {
		/* A stopped group's threads wait here until SIGCONT or
		 * SIGKILL, before running anything of the application's. */
		while (t->tg->stopped && !t->killed)
			task_wait_killable(t, &t->tg->stop_wq);
		if (t->killed || !(sig = dequeue(t, &info)))
			break;
		struct linux_sigaction *act = &t->tg->sighand->act[sig];

		if (sig == LINUX_SIGKILL) {
			kill_by_signal(t, sig);
			break;
		}
		if (act->handler == 1 /* SIG_IGN */)
			continue;
		if (act->handler == 0 /* SIG_DFL */) {
			if (sig_default_ignored(sig))
				continue;
			if (sig_default_stops(sig)) {
				group_stop(t->tg, sig);
				continue;
			}
			kill_by_signal(t, sig);
			break;
		}
		/* A handler: settle the interrupted syscall first, so that the
		 * frame saves the registers the app must resume with. */
		if (t->syscall_restartable) {
			long rax = (long)t->regs.r.rax;
			t->syscall_restartable = false;
			if (rax == -LINUX_ERESTARTNOINTR ||
			    (rax == -LINUX_ERESTARTSYS &&
			     (act->flags & LINUX_SA_RESTART)))
				restart_syscall(t);
			else if (is_restart(rax))
				t->regs.r.rax = -LINUX_EINTR;
		}
		if (!(act->flags & LINUX_SA_RESTORER) ||
		    build_frame(t, sig, act, &info)) {
			log_debug("tid %d: cannot build frame for signal %d",
				  t->tid, sig);
			kill_by_signal(t, LINUX_SIGSEGV);
			break;
		}
		t->blocked |= act->mask;
		if (!(act->flags & LINUX_SA_NODEFER))
			t->blocked |= SIGBIT(sig);
		t->blocked &= ~UNBLOCKABLE;
		if (act->flags & LINUX_SA_RESETHAND) {
			act->handler = 0;
			act->flags &= ~LINUX_SA_SIGINFO;
		}
	}
	/* No handler ran: an interrupted syscall is restarted. */
	if (t->syscall_restartable) {
		t->syscall_restartable = false;
		if (is_restart((long)t->regs.r.rax))
			restart_syscall(t);
	}
	if (t->has_saved_mask && !signal_pending_unblocked(t)) {
		t->blocked = t->saved_mask;
		t->has_saved_mask = false;
	}
}

void signal_force_fault(struct task *t, int signo, int code, uint64_t addr)
{
	struct linux_sigaction *act = &t->tg->sighand->act[signo];

	if ((t->blocked & SIGBIT(signo)) || act->handler == 1) {
		t->blocked &= ~SIGBIT(signo);
		act->handler = 0;
	}
	memset(&t->pending_info[signo], 0, sizeof(t->pending_info[signo]));
	t->pending_info[signo].signo = signo;
	t->pending_info[signo].code = code;
	t->pending_info[signo].fault.addr = addr;
	t->pending |= SIGBIT(signo);
}

long signal_sigreturn(struct task *t)
{
	struct user_regs_struct *r = &t->regs.r;
	static __thread struct platform_fpstate fp;
	struct rt_sigframe frame;
	uint64_t frameaddr = r->rsp - 8;
	struct linux_sigcontext *sc = &frame.uc.uc_mcontext;

	if (copy_in(t, frameaddr, &frame, sizeof(frame)))
		goto bad;
	r->r8 = sc->r8, r->r9 = sc->r9, r->r10 = sc->r10, r->r11 = sc->r11;
	r->r12 = sc->r12, r->r13 = sc->r13, r->r14 = sc->r14, r->r15 = sc->r15;
	r->rdi = sc->rdi, r->rsi = sc->rsi, r->rbp = sc->rbp, r->rbx = sc->rbx;
	r->rdx = sc->rdx, r->rax = sc->rax, r->rcx = sc->rcx, r->rsp = sc->rsp;
	r->rip = sc->rip;
	/* Only the flags user mode may change (AC, OF, DF, TF, SF, ZF, AF,
	 * PF, CF, RF, NT... as Linux's FIX_EFLAGS). */
	r->eflags = (r->eflags & ~0x50dd5ULL) | (sc->eflags & 0x50dd5ULL);
	r->cs = 0x33;
	r->ss = 0x2b;
	r->orig_rax = -1;
	t->blocked = frame.uc.uc_sigmask & ~UNBLOCKABLE;
	if (sc->fpstate) {
		uint32_t sw[8];
		if (copy_in(t, sc->fpstate + 464, sw, sizeof(sw)))
			goto bad;
		fp.len = (sw[0] == FP_XSTATE_MAGIC1 && sw[4] >= 512 &&
			  sw[4] <= PLATFORM_FPSTATE_MAX)
			     ? sw[4]
			     : 512;
		if (copy_in(t, sc->fpstate, fp.data, fp.len))
			goto bad;
		if (plat->set_fpstate(t->pctx, &fp))
			goto bad;
	}
	/* sigaltstack state saved in the frame is restored too. */
	if (!on_altstack(t, r->rsp)) {
		if (frame.uc.uc_stack.ss_flags & SS_DISABLE) {
			t->altstack_sp = t->altstack_size = 0;
			t->altstack_flags = SS_DISABLE;
		} else if (frame.uc.uc_stack.ss_size) {
			t->altstack_sp = frame.uc.uc_stack.ss_sp;
			t->altstack_size = frame.uc.uc_stack.ss_size;
			t->altstack_flags = 0;
		}
	}
	return SYSCALL_KEEP_REGS;
bad:
	signal_force_fault(t, LINUX_SIGSEGV, LINUX_SI_KERNEL, 0);
	return SYSCALL_KEEP_REGS;
}

int send_signal_task(struct task *t, int sig, const struct linux_siginfo *info)
{
	struct linux_sigaction *act;

	if (sig < 0 || sig > LINUX_NSIG)
		return -LINUX_EINVAL;
	if (sig == 0 || t->exited)
		return 0;
	if (sig == LINUX_SIGKILL) {
		tg_exit_group(t->tg, LINUX_SIGKILL);
		return 0;
	}
	if (sig == LINUX_SIGCONT)
		group_continue(t->tg);
	act = &t->tg->sighand->act[sig];
	if (!(t->blocked & SIGBIT(sig)) &&
	    (act->handler == 1 ||
	     (act->handler == 0 && sig_default_ignored(sig))))
		return 0;
	int err =
	    make_pending(&t->pending, t->pending_info, &t->rtq, sig, info);
	if (err)
		return err;
	if (!(t->blocked & SIGBIT(sig)))
		task_kick(t);
	return 0;
}

int send_signal_group(struct thread_group *tg, int sig,
		      const struct linux_siginfo *info)
{
	struct linux_sigaction *act;
	struct task *target = NULL;

	if (sig < 0 || sig > LINUX_NSIG)
		return -LINUX_EINVAL;
	if (sig == 0 || tg->exiting || tg->zombie)
		return 0;
	if (sig == LINUX_SIGKILL) {
		tg_exit_group(tg, LINUX_SIGKILL);
		return 0;
	}
	if (sig == LINUX_SIGCONT)
		group_continue(tg);
	act = &tg->sighand->act[sig];
	for (struct task *o = tg->threads; o; o = o->tg_next) {
		if (!o->exited && !(o->blocked & SIGBIT(sig))) {
			target = o;
			break;
		}
	}
	if (target && (act->handler == 1 ||
		       (act->handler == 0 && sig_default_ignored(sig))))
		return 0;
	int err = make_pending(&tg->shared_pending, tg->shared_info,
			       &tg->shared_rtq, sig, info);
	if (err)
		return err;
	if (target)
		task_kick(target);
	return 0;
}
