/* The ptrace platform: application threads are threads of stub processes,
 * run under PTRACE_SYSEMU by the sentry thread that owns them.
 *
 * A ptrace tracee belongs to one tracer *thread*, so every context is owned
 * by exactly one sentry thread; handing a context to another thread detaches
 * it while it sits in the stub's park loop (which runs nothing of the
 * application) and re-attaches it with PTRACE_SEIZE + PTRACE_INTERRUPT.
 *
 * Stub processes are created with CLONE_PARENT so that all of them are
 * children of the sentry, whichever stub forked them: a sentry thread that
 * traces one then reaps it fully when it dies.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "platform/common.h"
#include "platform/platform.h"

#define STUB_ADDR 0x7fffffff0000ULL
#define STUB_SIZE 4096ULL
/* A writable page after the code: where the sentry lays out the recvmsg
 * the stub makes on its descriptor channel. */
#define SCRATCH_ADDR (STUB_ADDR + STUB_SIZE)
/* Sent to a stub thread to make a running switch_to return. Nothing else
 * ever sends it: the stubs make no host syscalls of the application's. */
#define INTR_SIG SIGSTKFLT

extern const char stub_code_start[], stub_code_end[];
extern const uint64_t stub_off_park, stub_off_syscall;

struct stub_as {
	pid_t pid;
	atomic_int live; /* contexts not yet destroyed */
	/* The descriptor channel (platform/common.h): our end, and the
	 * stub's end as numbered in the stub; chan < 0: none (host files are
	 * then copied to the memory file). */
	int chan, chan_no;
	/* Files passed and kept open in the stub, so that mapping one again
	 * (every segment of a binary) costs one injected syscall, not three.
	 * Keyed by the host file and access mode (a read-only descriptor
	 * cannot back a shared writable mapping), not the sentry's descriptor
	 * number (which a later file may reuse); a fork's child has the same
	 * ones. */
	struct {
		dev_t dev;
		ino_t ino;
		int acc;
		int fd;
	} kept[16];
	int nkept;
};

struct platform_ctx {
	struct stub_as *as;
	pid_t tid;
	bool fresh;	   /* not run yet: orig_rax must be -1 */
	bool intr_pending; /* INTR_SIG seen outside switch_to */
};

static int g_memfd = -1;

static int ptrace_init(int memfd)
{
	g_memfd = memfd;
	if (stub_code_end - stub_code_start > (long)STUB_SIZE)
		return -E2BIG;
	return 0;
}

static int wait_tid(pid_t tid, int *status)
{
	for (;;) {
		pid_t r = waitpid(tid, status, __WALL);
		if (r == tid)
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		return -errno;
	}
}

static inline int stop_event(int status)
{
	return status >> 16;
}

/* Wait until tid stops with signal `want` (or the event `want_event`), or
 * dies. INTR_SIG stops met on the way are remembered for the next
 * switch_to; other stray signals are discarded. */
static int wait_for(struct platform_ctx *ctx, pid_t tid, int want,
		    int want_event)
{
	int st, err;

	for (;;) {
		err = wait_tid(tid, &st);
		if (err)
			return err;
		if (WIFEXITED(st) || WIFSIGNALED(st))
			return -ESRCH;
		if (!WIFSTOPPED(st))
			continue;
		if (want_event) {
			if (stop_event(st) == want_event)
				return 0;
		} else if (WSTOPSIG(st) == want && !stop_event(st)) {
			return 0;
		}
		if (WSTOPSIG(st) == INTR_SIG && ctx)
			ctx->intr_pending = true;
		if (ptrace(PTRACE_CONT, tid, 0, 0) < 0)
			return -errno;
	}
}

static void __attribute__((noreturn)) stub_child(int chan)
{
	const int keep[2] = {g_memfd, chan};
	sigset_t none;
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	void *page;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	stub_child_cleanup(keep, 2);
	/* Out of the caller's terminal process groups: terminal signals are
	 * for the sentry to deliver, not the host. */
	setsid();
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(120);
	kill(getpid(), SIGSTOP);
	page = mmap((void *)STUB_ADDR, STUB_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (page == MAP_FAILED)
		_exit(121);
	memcpy(page, stub_code_start, stub_code_end - stub_code_start);
	if (mprotect(page, STUB_SIZE, PROT_READ | PROT_EXEC) < 0)
		_exit(122);
	if (mmap((void *)SCRATCH_ADDR, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		_exit(124);
	/* The stub keeps its code page and the scratch page after it. */
	((void (*)(uint64_t, uint64_t, uint64_t, uint64_t))page)(
	    STUB_ADDR, STUB_SIZE + 4096,
	    platform_vdso.n ? platform_vdso.lo : STUB_ADDR,
	    platform_vdso.n ? platform_vdso.hi : STUB_ADDR);
	_exit(123);
}

static struct platform_ctx *ctx_alloc(struct stub_as *as, pid_t tid)
{
	struct platform_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->as = as;
	ctx->tid = tid;
	ctx->fresh = true;
	atomic_fetch_add(&as->live, 1);
	return ctx;
}

static const long ptrace_opts = PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD |
				PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK;

static int ptrace_new_as(struct platform_ctx **out)
{
	struct stub_as *as;
	pid_t pid;
	int err;

	int sv[2] = {-1, -1};

	as = calloc(1, sizeof(*as));
	if (!as)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		sv[0] = sv[1] = -1; /* no channel: host files get copied */
	/* A raw fork: no atfork handlers run, and the child touches nothing
	 * but the stack it was forked on until it is in the stub page. */
	pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid < 0) {
		err = -errno;
		if (sv[0] >= 0) {
			close(sv[0]);
			close(sv[1]);
		}
		free(as);
		return err;
	}
	if (pid == 0)
		stub_child(sv[1]);
	if (sv[1] >= 0)
		close(sv[1]);
	as->chan = sv[0];
	as->chan_no = sv[1];
	as->pid = pid;
	err = wait_for(NULL, pid, SIGSTOP, 0);
	if (!err && ptrace(PTRACE_SETOPTIONS, pid, 0, ptrace_opts) < 0)
		err = -errno;
	if (!err && ptrace(PTRACE_CONT, pid, 0, 0) < 0)
		err = -errno;
	if (!err)
		err = wait_for(NULL, pid, SIGTRAP, 0); /* the stub's "ready" */
	if (!err) {
		*out = ctx_alloc(as, pid);
		if (!*out)
			err = -ENOMEM;
	}
	if (err) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		if (as->chan >= 0)
			close(as->chan);
		free(as);
	}
	return err;
}

/* Run one host syscall in the stub thread of ctx (stopped, owned by the
 * caller). Returns the syscall's result (which may be -errno). */
static long stub_call(struct platform_ctx *ctx, long nr, uint64_t a0,
		      uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		      uint64_t a5, int event, pid_t *event_tid)
{
	struct user_regs_struct saved, r;
	unsigned long msg;
	long ret;
	int err;

	if (ptrace(PTRACE_GETREGS, ctx->tid, 0, &saved) < 0)
		return -errno;
	r = saved;
	r.rip = STUB_ADDR + stub_off_syscall;
	r.rax = nr;
	r.orig_rax = -1;
	r.rdi = a0;
	r.rsi = a1;
	r.rdx = a2;
	r.r10 = a3;
	r.r8 = a4;
	r.r9 = a5;
	if (ptrace(PTRACE_SETREGS, ctx->tid, 0, &r) < 0)
		return -errno;
	if (ptrace(PTRACE_CONT, ctx->tid, 0, 0) < 0)
		return -errno;
	if (event) {
		err = wait_for(ctx, ctx->tid, 0, event);
		if (err)
			return err;
		if (ptrace(PTRACE_GETEVENTMSG, ctx->tid, 0, &msg) < 0)
			return -errno;
		*event_tid = msg;
		if (ptrace(PTRACE_CONT, ctx->tid, 0, 0) < 0)
			return -errno;
	}
	err = wait_for(ctx, ctx->tid, SIGTRAP, 0);
	if (err)
		return err;
	if (ptrace(PTRACE_GETREGS, ctx->tid, 0, &r) < 0)
		return -errno;
	ret = r.rax;
	if (ptrace(PTRACE_SETREGS, ctx->tid, 0, &saved) < 0)
		return -errno;
	return ret;
}

/* Pass hostfd to ctx's stub over its channel: the number it has there, or
 * -errno. */
static long pass_fd(struct platform_ctx *ctx, int hostfd)
{
	char msg[CHAN_MSG_SIZE];
	long r;
	int fd;

	if (ctx->as->chan < 0)
		return -ENOSYS;
	chan_msg_init(msg, SCRATCH_ADDR);
	if (stub_write_mem(ctx->tid, SCRATCH_ADDR, msg, sizeof(msg)) !=
	    sizeof(msg))
		return -EFAULT;
	r = chan_send_fd(ctx->as->chan, hostfd);
	if (r < 0)
		return r;
	r = stub_call(ctx, SYS_recvmsg, ctx->as->chan_no, SCRATCH_ADDR,
		      MSG_DONTWAIT, 0, 0, 0, 0, NULL);
	if (r < 0)
		return r;
	if (stub_read_mem(ctx->tid, SCRATCH_ADDR, msg, sizeof(msg)) !=
	    sizeof(msg))
		return -EFAULT;
	fd = chan_msg_fd(msg);
	return fd < 0 ? -EBADF : fd;
}

/* A forked stub shares its parent's channel: give it one of its own. On
 * failure the child has none (its host files get copied). */
static void new_channel(struct platform_ctx *child,
			const struct stub_as *parent)
{
	struct stub_as *as = child->as;
	int sv[2];
	long k;

	as->chan = -1;
	as->chan_no = parent->chan_no;
	if (parent->chan < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return;
	/* Received by the child through the channel it still shares. */
	as->chan = parent->chan;
	k = pass_fd(child, sv[1]);
	close(sv[1]);
	as->chan = -1;
	if (k >= 0 && stub_call(child, SYS_dup2, k, as->chan_no, 0, 0, 0, 0, 0,
				NULL) == as->chan_no) {
		as->chan = sv[0];
		sv[0] = -1;
	}
	if (k >= 0)
		stub_call(child, SYS_close, k, 0, 0, 0, 0, 0, 0, NULL);
	if (sv[0] >= 0)
		close(sv[0]);
}

/* A new stub thread or process was cloned by ctx's thread: wait for its
 * initial stop (it is auto-attached to us). */
static int adopt_clone_child(struct platform_ctx *parent, pid_t tid, long ret,
			     struct stub_as *as, struct platform_ctx **out)
{
	int st, err;

	if (ret < 0)
		return ret;
	err = wait_tid(tid, &st);
	if (err)
		return err;
	if (!WIFSTOPPED(st))
		return -ESRCH;
	*out = ctx_alloc(as, tid);
	return *out ? 0 : -ENOMEM;
}

static int ptrace_fork_as(struct platform_ctx *ctx, struct platform_ctx **out)
{
	struct stub_as *as;
	pid_t child = 0;
	long ret;
	int err;

	as = calloc(1, sizeof(*as));
	if (!as)
		return -ENOMEM;
	ret = stub_call(ctx, SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0, 0,
			PTRACE_EVENT_FORK, &child);
	if (ret < 0 && child <= 0) {
		free(as);
		return ret;
	}
	as->pid = child;
	as->chan = -1;
	err = adopt_clone_child(ctx, child, ret < 0 ? 0 : ret, as, out);
	if (!err) {
		memcpy(as->kept, ctx->as->kept, sizeof(as->kept));
		as->nkept = ctx->as->nkept;
		new_channel(*out, ctx->as);
	}
	if (err) {
		kill(child, SIGKILL);
		waitpid(child, NULL, __WALL);
		free(as);
	}
	return err;
}

static int ptrace_new_thread(struct platform_ctx *ctx,
			     struct platform_ctx **out)
{
	const uint64_t flags = CLONE_VM | CLONE_FS | CLONE_FILES |
			       CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
	pid_t child = 0;
	long ret;

	ret = stub_call(ctx, SYS_clone, flags, 0, 0, 0, 0, 0,
			PTRACE_EVENT_CLONE, &child);
	if (ret < 0 && child <= 0)
		return ret;
	return adopt_clone_child(ctx, child, ret < 0 ? 0 : ret, ctx->as, out);
}

static int park_regs(struct platform_ctx *ctx)
{
	struct user_regs_struct r;

	if (ptrace(PTRACE_GETREGS, ctx->tid, 0, &r) < 0)
		return -errno;
	r.rip = STUB_ADDR + stub_off_park;
	r.orig_rax = -1;
	if (ptrace(PTRACE_SETREGS, ctx->tid, 0, &r) < 0)
		return -errno;
	return 0;
}

static int ptrace_release(struct platform_ctx *ctx)
{
	int err = park_regs(ctx);
	if (err)
		return err;
	if (ptrace(PTRACE_DETACH, ctx->tid, 0, 0) < 0)
		return -errno;
	return 0;
}

static int ptrace_adopt(struct platform_ctx *ctx)
{
	if (ptrace(PTRACE_SEIZE, ctx->tid, 0, ptrace_opts) < 0)
		return -errno;
	if (ptrace(PTRACE_INTERRUPT, ctx->tid, 0, 0) < 0)
		return -errno;
	ctx->fresh = true;
	return wait_for(ctx, ctx->tid, 0, PTRACE_EVENT_STOP);
}

static void ptrace_destroy(struct platform_ctx *ctx)
{
	struct stub_as *as = ctx->as;
	int st;

	if (atomic_fetch_sub(&as->live, 1) == 1) {
		if (as->chan >= 0)
			close(as->chan);
		kill(as->pid, SIGKILL);
		if (ctx->tid != as->pid)
			waitpid(ctx->tid, &st, __WALL);
		/* The leader: traced by us, or a parked orphan whose real
		 * parent is the sentry; either way ours to reap. */
		while (waitpid(as->pid, &st, __WALL) < 0 && errno == EINTR)
			;
		free(as);
	} else if (ctx->tid == as->pid) {
		/* A group leader cannot go before its threads without
		 * becoming a zombie we could not reap now: park it. */
		ptrace_release(ctx);
	} else {
		stub_call(ctx, SYS_exit, 0, 0, 0, 0, 0, 0, 0, NULL);
		waitpid(ctx->tid, &st, __WALL);
	}
	free(ctx);
}

static void fill_fault(struct platform_ctx *ctx, int sig,
		       struct platform_event *ev)
{
	siginfo_t si;

	ev->why = PLATFORM_FAULT;
	ev->signo = sig;
	ev->code = 0;
	ev->addr = 0;
	if (ptrace(PTRACE_GETSIGINFO, ctx->tid, 0, &si) == 0) {
		ev->code = si.si_code;
		ev->addr = (uint64_t)si.si_addr;
	}
}

static int ptrace_switch_to(struct platform_ctx *ctx,
			    struct platform_regs *regs,
			    struct platform_event *ev)
{
	int st, err, sig;

	if (ctx->intr_pending) {
		ctx->intr_pending = false;
		ev->why = PLATFORM_INTERRUPT;
		return 0;
	}
	if (ctx->fresh) {
		regs->r.orig_rax = -1;
		ctx->fresh = false;
	}
	if (ptrace(PTRACE_SETREGS, ctx->tid, 0, &regs->r) < 0)
		goto died;
	if (ptrace(PTRACE_SYSEMU, ctx->tid, 0, 0) < 0)
		goto died;
	for (;;) {
		err = wait_tid(ctx->tid, &st);
		if (err || WIFEXITED(st) || WIFSIGNALED(st))
			goto died;
		if (!WIFSTOPPED(st))
			continue;
		sig = WSTOPSIG(st);
		if (ptrace(PTRACE_GETREGS, ctx->tid, 0, &regs->r) < 0)
			goto died;
		if (sig == (SIGTRAP | 0x80)) {
			ev->why = PLATFORM_SYSCALL;
			return 0;
		}
		if (stop_event(st) || sig == INTR_SIG) {
			ev->why = PLATFORM_INTERRUPT;
			return 0;
		}
		switch (sig) {
		case SIGSEGV:
		case SIGBUS:
		case SIGFPE:
		case SIGILL:
		case SIGTRAP:
			fill_fault(ctx, sig, ev);
			return 0;
		}
		/* Anything else (SIGSTOP, a stray SIGCHLD) is the host's, not
		 * the application's: drop it and go on. */
		if (ptrace(PTRACE_SYSEMU, ctx->tid, 0, 0) < 0)
			goto died;
	}
died:
	ev->why = PLATFORM_DIED;
	return 0;
}

static void ptrace_interrupt(struct platform_ctx *ctx)
{
	syscall(SYS_tgkill, ctx->as->pid, ctx->tid, INTR_SIG);
}

static long ptrace_mmap(struct platform_ctx *ctx, uint64_t addr, uint64_t len,
			int prot, int flags, int fd, uint64_t off)
{
	return stub_call(ctx, SYS_mmap, addr, len, prot, flags, fd, off, 0,
			 NULL);
}

static long ptrace_mmap_host(struct platform_ctx *ctx, uint64_t addr,
			     uint64_t len, int prot, int flags, int hostfd,
			     uint64_t off)
{
	struct stub_as *as = ctx->as;
	struct stat st;
	bool passed = false, keep = false;
	long fd = -1, r;
	int acc = fcntl(hostfd, F_GETFL);

	if (fstat(hostfd, &st) < 0 || acc < 0)
		return -errno;
	acc &= O_ACCMODE;
	for (int i = 0; i < as->nkept && fd < 0; i++)
		if (as->kept[i].dev == st.st_dev &&
		    as->kept[i].ino == st.st_ino && as->kept[i].acc == acc)
			fd = as->kept[i].fd;
	if (fd < 0) {
		fd = pass_fd(ctx, hostfd);
		if (fd < 0)
			return fd;
		passed = true;
		keep =
		    as->nkept < (int)(sizeof(as->kept) / sizeof(as->kept[0]));
		if (keep)
			as->kept[as->nkept++] = (typeof(as->kept[0])){
			    st.st_dev, st.st_ino, acc, (int)fd};
	}
	r = stub_call(ctx, SYS_mmap, addr, len, prot, flags, fd, off, 0, NULL);
	if (passed && !keep)
		stub_call(ctx, SYS_close, fd, 0, 0, 0, 0, 0, 0, NULL);
	return r;
}

static int ptrace_munmap(struct platform_ctx *ctx, uint64_t addr, uint64_t len)
{
	return stub_call(ctx, SYS_munmap, addr, len, 0, 0, 0, 0, 0, NULL);
}

static int ptrace_mprotect(struct platform_ctx *ctx, uint64_t addr,
			   uint64_t len, int prot)
{
	return stub_call(ctx, SYS_mprotect, addr, len, prot, 0, 0, 0, 0, NULL);
}

static long ptrace_mremap(struct platform_ctx *ctx, uint64_t old,
			  uint64_t oldlen, uint64_t newlen, int flags,
			  uint64_t newaddr)
{
	return stub_call(ctx, SYS_mremap, old, oldlen, newlen, flags, newaddr,
			 0, 0, NULL);
}

static int ptrace_madvise(struct platform_ctx *ctx, uint64_t addr, uint64_t len,
			  int advice)
{
	return stub_call(ctx, SYS_madvise, addr, len, advice, 0, 0, 0, 0, NULL);
}

static ssize_t ptrace_read_mem(struct platform_ctx *ctx, uint64_t addr,
			       void *buf, size_t n)
{
	return stub_read_mem(ctx->as->pid, addr, buf, n);
}

static ssize_t ptrace_write_mem(struct platform_ctx *ctx, uint64_t addr,
				const void *buf, size_t n)
{
	return stub_write_mem(ctx->as->pid, addr, buf, n);
}

static int ptrace_get_fpstate(struct platform_ctx *ctx,
			      struct platform_fpstate *fp)
{
	struct iovec iov = {fp->data, sizeof(fp->data)};

	if (ptrace(PTRACE_GETREGSET, ctx->tid, NT_X86_XSTATE, &iov) < 0)
		return -errno;
	fp->len = iov.iov_len;
	return 0;
}

static int ptrace_set_fpstate(struct platform_ctx *ctx,
			      const struct platform_fpstate *fp)
{
	struct iovec iov = {(void *)fp->data, fp->len};

	if (ptrace(PTRACE_SETREGSET, ctx->tid, NT_X86_XSTATE, &iov) < 0)
		return -errno;
	return 0;
}

static pid_t ptrace_as_pid(struct platform_ctx *ctx)
{
	return ctx->as->pid;
}

const struct platform_ops platform_ptrace_ops = {
    .name = "ptrace",
    .init = ptrace_init,
    .new_as = ptrace_new_as,
    .fork_as = ptrace_fork_as,
    .new_thread = ptrace_new_thread,
    .release = ptrace_release,
    .adopt = ptrace_adopt,
    .destroy = ptrace_destroy,
    .as_pid = ptrace_as_pid,
    .switch_to = ptrace_switch_to,
    .interrupt = ptrace_interrupt,
    .mmap = ptrace_mmap,
    .mmap_host = ptrace_mmap_host,
    .munmap = ptrace_munmap,
    .mprotect = ptrace_mprotect,
    .mremap = ptrace_mremap,
    .madvise = ptrace_madvise,
    .read_mem = ptrace_read_mem,
    .write_mem = ptrace_write_mem,
    .get_fpstate = ptrace_get_fpstate,
    .set_fpstate = ptrace_set_fpstate,
};
