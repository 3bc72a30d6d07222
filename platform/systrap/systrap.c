/* The systrap platform: application threads run in stub processes under
 * a seccomp filter that traps (SIGSYS) every syscall not made from the
 * stub's own code page. The signal handler (stub.S) posts the event in a
 * context region shared with the sentry and waits; the sentry reads and
 * edits the registers in the signal frame in place, then lets the handler
 * rt_sigreturn into the application. No ptrace at all: any sentry thread
 * may drive any context, so release/adopt are no-ops.
 *
 * Hand-off uses a short spin on the shared words before sleeping on a
 * futex, on both sides: a round trip between two busy CPUs costs a few
 * microseconds, an idle sandbox burns nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <asm/prctl.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "platform/common.h"
#include "platform/platform.h"
#include "sentry/log.h"

#define STUB_ADDR   0x7fffffff0000ULL
#define STUB_SIZE   4096ULL
#define CTX_BASE    PLATFORM_APP_TOP
#define CTX_SIZE    0x10000ULL
#define CTX_MAX	    ((STUB_ADDR - CTX_SIZE - CTX_BASE) / CTX_SIZE)
#define INTR_SIG    SIGSTKFLT
#define SA_RESTORER 0x04000000
#define SPIN	    1000 /* ~50 us at ~50 ns a pause: longer only burns a CPU */

enum { ST_NONE, ST_EVENT, ST_DONE };
enum {
	CMD_NONE,
	CMD_RESUME,
	CMD_SYSCALL,
	CMD_FORK,
	CMD_THREAD,
	CMD_MAPFD,
	CMD_XSAVE,
	CMD_XRSTOR,
	CMD_POKE,
};
/* The fast entry's frame and XSAVE area in the region (stub.S). */
#define FAST_XS 0x1000

struct hdr {
	_Atomic uint32_t state;
	_Atomic uint32_t cmd;
	uint64_t sig, info, uctx;
	uint64_t nr, args[6], ret;
	_Atomic uint32_t sentry_sleeping;
	_Atomic uint32_t stub_sleeping;
	uint32_t pad;
	uint64_t chan; /* the stub's descriptor number of its channel */
	uint8_t pad2[176 - 120];
	uint64_t self;	       /* the region's address in the stub */
	_Atomic uint32_t fast; /* the event came through the fast entry */
	_Atomic uint32_t intr; /* (the stub's own) */
};
_Static_assert(offsetof(struct hdr, sentry_sleeping) == 96, "stub.S layout");
_Static_assert(offsetof(struct hdr, stub_sleeping) == 100, "stub.S layout");
_Static_assert(offsetof(struct hdr, chan) == 112, "stub.S layout");
_Static_assert(offsetof(struct hdr, self) == 176, "stub.S layout");
_Static_assert(offsetof(struct hdr, fast) == 184, "stub.S layout");
_Static_assert(CTX_BASE == 0x7fffc0000000ULL && STUB_ADDR == 0x7fffffff0000ULL,
	       "stub.S constants");
/* The channel's recvmsg block in the header page (stub.S H_MSG, H_CMSG). */
#define HDR_MSG 256
_Static_assert(HDR_MSG + CHAN_MSG_CMSG == 344, "stub.S layout");

extern const char systrap_stub_start[], systrap_stub_end[];
extern const uint64_t systrap_off_init, systrap_off_handler,
    systrap_off_restorer, systrap_off_fast;

struct stub_as {
	pid_t pid;
	/* The descriptor channel: a socket pair whose other end the stub
	 * holds as chan_no; host files to map are passed over it (SCM_RIGHTS).
	 * chan < 0: none (host files are then copied to the memory file). */
	int chan, chan_no;
	atomic_int live;
	/* Slots of context regions in this address space (bit set: used). */
	uint8_t used[CTX_MAX / 8 + 1];
	_Atomic bool dead;
};

struct platform_ctx {
	struct stub_as *as;
	pid_t tid;
	int slot;
	uint64_t region_off; /* in ctx_fd */
	char *region;	     /* the sentry's mapping */
	uint64_t fs_base;
	bool fresh; /* no event consumed yet */
};

static int mem_fd = -1; /* the sentry's memory file (kept in stubs) */
/* The host's XSAVE area size and enabled components (XCR0), for the FP
 * state of fast entries; 0: no XSAVE we can use, no fast entry. */
static uint32_t xs_size;
static uint64_t xs_mask;
static int ctx_fd = -1; /* context regions */
static _Atomic uint64_t ctx_next;
static struct sock_fprog filter;

static struct hdr *H(struct platform_ctx *c)
{
	return (struct hdr *)c->region;
}

static uint64_t stub_base(struct platform_ctx *c)
{
	return CTX_BASE + (uint64_t)c->slot * CTX_SIZE;
}

/* Translate a stub address inside c's region into the sentry's view. */
static void *in_region(struct platform_ctx *c, uint64_t addr)
{
	uint64_t base = stub_base(c);
	if (addr < base || addr >= base + CTX_SIZE)
		return NULL;
	return c->region + (addr - base);
}

static int futex(_Atomic uint32_t *w, int op, uint32_t val,
		 const struct timespec *ts)
{
	return syscall(SYS_futex, w, op, val, ts, NULL, 0);
}

/* The seccomp filter every stub thread runs under: only the stub page may
 * make host syscalls, and only these, with these arguments; everything
 * else traps into the handler and reaches the sentry as an application
 * syscall. An application that jumps into the stub page gets no more: the
 * calls allowed there act on its own stub process, tgkill can only send
 * the interrupt signal (which the sentry itself ignores), and clone only
 * makes the two kinds of stub children the platform makes itself. */
#define STUB_FORK_FLAGS (CLONE_PARENT | SIGCHLD)
#define STUB_THREAD_FLAGS                                                      \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |    \
	 CLONE_SYSVSEM)

static int build_filter(void)
{
	static const int plain[] = {
	    SYS_futex,		SYS_rt_sigreturn, SYS_mmap,    SYS_munmap,
	    SYS_mprotect,	SYS_mremap,	  SYS_madvise, SYS_exit,
	    SYS_arch_prctl,	SYS_sigaltstack,  SYS_getpid,  SYS_gettid,
	    SYS_rt_sigprocmask, SYS_recvmsg,	  SYS_close,   SYS_dup2,
	};
	const size_t n = sizeof(plain) / sizeof(plain[0]);
	struct sock_filter *f = calloc(32 + n, sizeof(*f));
	size_t i = 0, allow, l_tgkill, l_clone, j0;

	if (!f)
		return -ENOMEM;
#define INS(x)	(f[i] = (struct sock_filter)x, i++)
#define LD(off) INS(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
/* Jump targets are absolute indices here; the offsets are relative. */
#define JEQ(k, t, e)                                                           \
	do {                                                                   \
		size_t at_ = i;                                                \
		INS(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k),                   \
			     (t) ? (t) - (at_ + 1) : 0,                        \
			     (e) ? (e) - (at_ + 1) : 0));                      \
	} while (0)
#define RET(v) INS(BPF_STMT(BPF_RET | BPF_K, (v)))
	/* 0-6: the instruction pointer must be inside the stub page. */
	LD(offsetof(struct seccomp_data, instruction_pointer) + 4);
	JEQ((uint32_t)(STUB_ADDR >> 32), i + 2, 0);
	RET(SECCOMP_RET_TRAP);
	LD(offsetof(struct seccomp_data, instruction_pointer));
	INS(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)STUB_ADDR, 1, 0));
	RET(SECCOMP_RET_TRAP);
	INS(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
		     (uint32_t)(STUB_ADDR + STUB_SIZE), 0, 1));
	RET(SECCOMP_RET_TRAP);
	LD(offsetof(struct seccomp_data, nr));
	/* Layout after the nr load: n plain checks, tgkill check, clone
	 * check, TRAP, ALLOW, tgkill block (4), clone block (5). */
	j0 = i;
	allow = j0 + n + 3;
	l_tgkill = allow + 1;
	l_clone = l_tgkill + 4;
	for (size_t k = 0; k < n; k++)
		JEQ(plain[k], allow, 0);
	JEQ(SYS_tgkill, l_tgkill, 0);
	JEQ(SYS_clone, l_clone, 0);
	RET(SECCOMP_RET_TRAP);	/* trap */
	RET(SECCOMP_RET_ALLOW); /* allow */
	/* (BPF jumps only forward: each block has its own returns.) */
	/* tgkill(pid, tid, sig): only the interrupt signal. */
	LD(offsetof(struct seccomp_data, args) + 2 * 8);
	JEQ(INTR_SIG, 0, i + 2);
	RET(SECCOMP_RET_ALLOW);
	RET(SECCOMP_RET_TRAP);
	/* clone(flags, ...): only the platform's own two kinds. */
	LD(offsetof(struct seccomp_data, args));
	JEQ(STUB_FORK_FLAGS, i + 2, 0);
	JEQ(STUB_THREAD_FLAGS, 0, i + 2);
	RET(SECCOMP_RET_ALLOW);
	RET(SECCOMP_RET_TRAP);
#undef INS
#undef LD
#undef JEQ
#undef RET
	filter.len = i;
	filter.filter = f;
	return 0;
}

static int spawn_stub(struct platform_ctx **out);
static struct platform_ctx *zygote;

static void xs_probe(void)
{
	uint32_t a, b, c, d, lo, hi;

	__asm__ volatile("cpuid"
			 : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(1), "c"(0));
	if (!(c & (1u << 27))) /* OSXSAVE */
		return;
	__asm__ volatile("cpuid"
			 : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(0xd), "c"(0));
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	/* The area must fit below the signal frames on the alternate stack. */
	if (b < 576 || b > PLATFORM_FPSTATE_MAX)
		return;
	xs_size = b;
	xs_mask = (uint64_t)hi << 32 | lo;
}

static int systrap_init(int memfd)
{
	int err;

	mem_fd = memfd;
	ctx_fd = memfd_create("runsc-contexts", 0);
	if (ctx_fd < 0)
		return -errno;
	if (ftruncate(ctx_fd, 1ULL << 36) < 0)
		return -errno;
	if (systrap_stub_end - systrap_stub_start > (long)STUB_SIZE)
		return -E2BIG;
	err = build_filter();
	if (err)
		return err;
	xs_probe();
	/* The zygote now, while the sentry is small and single-threaded:
	 * it sets itself up on the other CPU while the sentry boots on. */
	return spawn_stub(&zygote);
}

/* Regions of stub processes known to be gone, for reuse: unmapping one
 * from the sentry and punching it out of the memory file costs a TLB
 * shootdown on every CPU the sentry runs on (hundreds of microseconds in
 * a VM), and every exec and exit would pay it. */
struct region {
	uint64_t off;
	char *map;
};
static pthread_mutex_t region_mu = PTHREAD_MUTEX_INITIALIZER;
static struct region *spare;
static size_t nspare, spare_cap;

static int region_new(struct platform_ctx *c)
{
	pthread_mutex_lock(&region_mu);
	if (nspare) {
		struct region r = spare[--nspare];

		pthread_mutex_unlock(&region_mu);
		c->region_off = r.off;
		c->region = r.map;
		/* A fresh header: every word of the protocol starts at 0. */
		memset(c->region, 0, 4096);
		return 0;
	}
	pthread_mutex_unlock(&region_mu);
	c->region_off = atomic_fetch_add(&ctx_next, CTX_SIZE);
	c->region = mmap(NULL, CTX_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 ctx_fd, c->region_off);
	if (c->region == MAP_FAILED) {
		c->region = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Give back a region no process maps any more. */
static void region_recycle(uint64_t off, char *map)
{
	pthread_mutex_lock(&region_mu);
	if (nspare == spare_cap) {
		size_t cap = spare_cap ? 2 * spare_cap : 16;
		struct region *r = realloc(spare, cap * sizeof(*r));

		if (r) {
			spare = r;
			spare_cap = cap;
		}
	}
	if (nspare < spare_cap) {
		spare[nspare++] = (struct region){off, map};
		pthread_mutex_unlock(&region_mu);
		return;
	}
	pthread_mutex_unlock(&region_mu);
	munmap(map, CTX_SIZE);
	fallocate(ctx_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
		  CTX_SIZE);
}

/* A region a live stub process may still touch (its thread is exiting):
 * released for good. */
static void region_free(struct platform_ctx *c)
{
	if (c->region)
		munmap(c->region, CTX_SIZE);
	fallocate(ctx_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		  c->region_off, CTX_SIZE);
	c->as->used[c->slot / 8] &= ~(1 << (c->slot % 8));
}

static int slot_alloc(struct stub_as *as)
{
	for (int s = 0; s < (int)CTX_MAX; s++) {
		if (!(as->used[s / 8] & (1 << (s % 8)))) {
			as->used[s / 8] |= 1 << (s % 8);
			return s;
		}
	}
	return -EAGAIN;
}

static struct platform_ctx *ctx_alloc(struct stub_as *as)
{
	struct platform_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->as = as;
	c->slot = slot_alloc(as);
	if (c->slot < 0 || region_new(c)) {
		if (c->slot >= 0)
			as->used[c->slot / 8] &= ~(1 << (c->slot % 8));
		free(c);
		return NULL;
	}
	c->fresh = true;
	H(c)->self = stub_base(c);
	atomic_fetch_add(&as->live, 1);
	return c;
}

static bool as_dead(struct stub_as *as)
{
	siginfo_t si;

	if (as->dead)
		return true;
	si.si_pid = 0;
	if (waitid(P_PID, as->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	    si.si_pid == as->pid) {
		as->dead = true;
		/* Nothing but the sentry should end a stub: say how it went. */
		log_warn("systrap: stub %d %s %d", as->pid,
			 si.si_code == CLD_EXITED ? "exited with status"
						  : "was killed by signal",
			 si.si_status);
	}
	return as->dead;
}

/* Wait until the stub posts `want` in state (then reset it). */
static int wait_state(struct platform_ctx *c, uint32_t want)
{
	struct hdr *h = H(c);
	struct timespec ts = {0, 200 * 1000 * 1000};

	for (;;) {
		for (int i = 0; i < SPIN; i++) {
			if (atomic_load(&h->state) == want) {
				atomic_store(&h->state, ST_NONE);
				return 0;
			}
			__builtin_ia32_pause();
		}
		atomic_store(&h->sentry_sleeping, 1);
		if (atomic_load(&h->state) != want)
			futex(&h->state, FUTEX_WAIT, atomic_load(&h->state),
			      &ts);
		atomic_store(&h->sentry_sleeping, 0);
		if (atomic_load(&h->state) != want && as_dead(c->as))
			return -ESRCH;
	}
}

/* A new context's stub posts one event ("ready") before it takes commands:
 * consume it first. */
static int settle(struct platform_ctx *c)
{
	int err;

	if (!c->fresh)
		return 0;
	err = wait_state(c, ST_EVENT);
	if (!err)
		c->fresh = false;
	return err;
}

static void post_cmd(struct platform_ctx *c, uint32_t cmd)
{
	/* seq_cst store then load: pairs with the stub's xchg on its
	 * sleeping flag, so one side always sees the other. */
	atomic_store(&H(c)->cmd, cmd);
	if (atomic_load(&H(c)->stub_sleeping))
		futex(&H(c)->cmd, FUTEX_WAKE, 1, NULL);
}

/* Run one host syscall in the stub thread (waiting in its handler). */
static long stub_call(struct platform_ctx *c, uint32_t cmd, long nr,
		      uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		      uint64_t a4, uint64_t a5)
{
	struct hdr *h = H(c);
	int err = settle(c);

	if (err)
		return err;
	h->nr = nr;
	h->args[0] = a0, h->args[1] = a1, h->args[2] = a2;
	h->args[3] = a3, h->args[4] = a4, h->args[5] = a5;
	post_cmd(c, cmd);
	err = wait_state(c, ST_DONE);
	return err ? err : (long)h->ret;
}

static void __attribute__((noreturn))
stub_child(uint64_t region_stub, uint64_t region_off, int chan)
{
	const int keep[3] = {mem_fd, ctx_fd, chan};
	struct sigaction sa;
	sigset_t none;
	stack_t ss;
	void *page, *r;
	static const int sigs[] = {SIGSYS, SIGSEGV, SIGBUS,  SIGFPE,
				   SIGILL, SIGTRAP, INTR_SIG};

	stub_child_cleanup(keep, 3);
	page = mmap((void *)STUB_ADDR, STUB_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (page == MAP_FAILED)
		_exit(121);
	memcpy(page, systrap_stub_start, systrap_stub_end - systrap_stub_start);
	if (mprotect(page, STUB_SIZE, PROT_READ | PROT_EXEC) < 0)
		_exit(122);
	r = mmap((void *)region_stub, CTX_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, ctx_fd, region_off);
	if (r == MAP_FAILED)
		_exit(126);
	/* No handler of the sentry's may survive into the stub (their code
	 * is about to be unmapped), and no host signal but ours may touch
	 * it: a terminal's SIGINT or SIGTTOU would otherwise kill or stop
	 * the application's thread behind the sentry's back. Its own
	 * session keeps it out of the terminal's process groups too. */
	setsid();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sa.sa_sigaction = (void *)(STUB_ADDR + systrap_off_handler);
	/* Every signal is blocked in the handler but SIGSYS: a seccomp trap
	 * taken while SIGSYS is blocked kills the process outright, and one
	 * was seen to happen inside the handler (not yet understood: see the
	 * issue notes), so it must be able to nest. */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER | SA_NODEFER;
	sa.sa_restorer = (void *)(STUB_ADDR + systrap_off_restorer);
	sigfillset(&sa.sa_mask);
	sigdelset(&sa.sa_mask, SIGSYS);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	ss.ss_sp = (void *)(region_stub + 4096);
	ss.ss_size = CTX_SIZE - 4096;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) < 0)
		_exit(123);
	/* The fast entry finds the region through %gs (stub.S). */
	if (syscall(SYS_arch_prctl, ARCH_SET_GS, region_stub) < 0)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) < 0)
		_exit(124);
	((void (*)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t))(
	    STUB_ADDR + systrap_off_init))(
	    STUB_ADDR, STUB_SIZE, CTX_BASE, STUB_ADDR - CTX_SIZE,
	    platform_vdso.n ? platform_vdso.lo : CTX_BASE,
	    platform_vdso.n ? platform_vdso.hi : CTX_BASE);
	_exit(125);
}

/* A stub forked from the sentry itself: used once, for the zygote. */
static int spawn_stub(struct platform_ctx **out)
{
	struct stub_as *as = calloc(1, sizeof(*as));
	struct platform_ctx *c;
	pid_t pid;

	if (!as)
		return -ENOMEM;
	c = ctx_alloc(as);
	if (!c) {
		free(as);
		return -ENOMEM;
	}
	int sv[2] = {-1, -1};
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		sv[0] = sv[1] = -1; /* no channel: host files get copied */
	pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid < 0) {
		int err = -errno;
		if (sv[0] >= 0) {
			close(sv[0]);
			close(sv[1]);
		}
		region_free(c);
		free(c);
		free(as);
		return err;
	}
	if (pid == 0)
		stub_child(stub_base(c), c->region_off, sv[1]);
	if (sv[1] >= 0)
		close(sv[1]);
	as->chan = sv[0];
	as->chan_no = sv[1];
	as->pid = pid;
	c->tid = pid;
	*out = c;
	return 0;
}

/* Lay out, in c's header page, the recvmsg the stub makes on its
 * channel (stub addresses), with an empty control buffer. */
static void prep_msg(struct platform_ctx *c)
{
	chan_msg_init(c->region + HDR_MSG, stub_base(c) + HDR_MSG);
	H(c)->chan = (uint64_t)c->as->chan_no;
}

/* The fork child's region starts as a copy of the parked parent's: the
 * header and the pages holding the signal frame (the handler's stack
 * above it), not the unused stack below. */
static int copy_region(struct platform_ctx *c, struct platform_ctx *n)
{
	struct hdr *h = H(c);
	char *uc = in_region(c, h->uctx), *si = in_region(c, h->info);
	char *lo;

	if (!uc || !si)
		return -EINVAL;
	/* A fast entry's frame lives in the header; its FP state in the
	 * thread, which the fork copies. */
	if (atomic_load(&h->fast)) {
		memcpy(n->region, c->region, 4096);
		return 0;
	}
	lo = uc < si ? uc : si;
	/* the frame's return address sits just below the ucontext */
	lo = (char *)((uintptr_t)(lo - 64) & ~(uintptr_t)4095);
	if (lo < c->region + 4096)
		lo = c->region + 4096;
	memcpy(n->region, c->region, 4096);
	memcpy(n->region + (lo - c->region), lo, CTX_SIZE - (lo - c->region));
	return 0;
}

static int systrap_fork_as(struct platform_ctx *c, struct platform_ctx **out)
{
	struct stub_as *as = calloc(1, sizeof(*as));
	struct platform_ctx *n;
	long pid;
	int err;

	if (!as)
		return -ENOMEM;
	/* The child lives on in a copy of c's signal frame, at the same
	 * address: its context takes the same slot in the new space. */
	n = calloc(1, sizeof(*n));
	if (!n) {
		free(as);
		return -ENOMEM;
	}
	n->as = as;
	n->slot = c->slot;
	as->used[n->slot / 8] |= 1 << (n->slot % 8);
	if (region_new(n)) {
		free(n);
		free(as);
		return -ENOMEM;
	}
	n->fs_base = c->fs_base;
	n->fresh = true;
	H(n)->self = stub_base(n);
	atomic_fetch_add(&as->live, 1);
	err = settle(c);
	if (!err) {
		prep_msg(c); /* the child's header gets the channel's number */
		err = copy_region(c, n);
	}
	if (err) {
		region_free(n);
		free(n);
		free(as);
		return err;
	}
	/* The child's own channel: its end goes to the parent stub, which
	 * hands it to the child in place of the parent's. */
	as->chan = -1;
	as->chan_no = c->as->chan_no;
	bool passed = false;
	if (c->as->chan >= 0) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ==
		    0) {
			passed = chan_send_fd(c->as->chan, sv[1]) == 0;
			close(sv[1]);
			if (passed)
				as->chan = sv[0];
			else
				close(sv[0]);
		}
	}
	pid = stub_call(c, CMD_FORK, SYS_clone, STUB_FORK_FLAGS, 0, passed, 0,
			n->region_off, ctx_fd);
	if (pid <= 0) {
		if (as->chan >= 0)
			close(as->chan);
		region_free(n);
		free(n);
		free(as);
		return pid < 0 ? (int)pid : -EAGAIN;
	}
	as->pid = n->tid = pid;
	*out = n;
	return 0;
}

/* New address spaces are forks of a zygote: a stub that never runs
 * application code and only ever forks. Forking that near-empty process
 * costs a fraction of forking the sentry (whose mappings the child must
 * then unmap), and exec makes a new address space every time. */
static pthread_mutex_t zygote_mu = PTHREAD_MUTEX_INITIALIZER;

static void systrap_destroy(struct platform_ctx *c);

static int systrap_new_as(struct platform_ctx **out)
{
	int err = -ESRCH;

	pthread_mutex_lock(&zygote_mu);
	for (int tries = 0; tries < 2 && err == -ESRCH; tries++) {
		if (zygote && as_dead(zygote->as)) {
			systrap_destroy(zygote);
			zygote = NULL;
		}
		err = zygote ? 0 : spawn_stub(&zygote);
		if (!err)
			err = systrap_fork_as(zygote, out);
	}
	pthread_mutex_unlock(&zygote_mu);
	return err;
}

static int systrap_new_thread(struct platform_ctx *c, struct platform_ctx **out)
{
	const uint64_t flags = STUB_THREAD_FLAGS;
	struct platform_ctx *n = ctx_alloc(c->as);
	long r;

	if (!n)
		return -ENOMEM;
	n->fs_base = c->fs_base;
	r = stub_call(c, CMD_SYSCALL, SYS_mmap, stub_base(n), CTX_SIZE,
		      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, ctx_fd,
		      n->region_off);
	if (r >= 0)
		r = stub_call(c, CMD_THREAD, SYS_clone, flags,
			      stub_base(n) + 4096, stub_base(n), 0, 0, 0);
	if (r <= 0) {
		atomic_fetch_sub(&c->as->live, 1);
		region_free(n);
		free(n);
		return r < 0 ? (int)r : -EAGAIN;
	}
	n->tid = r;
	*out = n;
	return 0;
}

static int systrap_release(struct platform_ctx *c)
{
	return 0;
}

static int systrap_adopt(struct platform_ctx *c)
{
	return 0;
}

/* Dead stubs are reaped by a thread of their own: a killed process's
 * memory is torn down before it can be waited for, and exec and exit need
 * not wait for that. */
static pthread_mutex_t reap_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reap_cv = PTHREAD_COND_INITIALIZER;
struct reap {
	pid_t pid;
	struct region r; /* recycled once pid is gone (map NULL: none) */
};
static struct reap *reap_q;
static size_t reap_n, reap_cap;
static bool reaper_started;

static void wait_gone(pid_t pid)
{
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
}

static void *reaper(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&reap_mu);
	for (;;) {
		while (!reap_n)
			pthread_cond_wait(&reap_cv, &reap_mu);
		struct reap e = reap_q[--reap_n];
		pthread_mutex_unlock(&reap_mu);
		wait_gone(e.pid);
		if (e.r.map)
			region_recycle(e.r.off, e.r.map);
		pthread_mutex_lock(&reap_mu);
	}
	return NULL;
}

/* Kill the stub process pid and have it reaped, then r recycled. */
static void stub_kill(pid_t pid, struct region r)
{
	kill(pid, SIGKILL);
	pthread_mutex_lock(&reap_mu);
	if (!reaper_started) {
		pthread_t th;

		if (pthread_create(&th, NULL, reaper, NULL) == 0) {
			pthread_setname_np(th, "stub-reaper");
			pthread_detach(th);
			reaper_started = true;
		}
	}
	if (reaper_started && reap_n == reap_cap) {
		size_t cap = reap_cap ? 2 * reap_cap : 16;
		struct reap *q = realloc(reap_q, cap * sizeof(*q));

		if (q) {
			reap_q = q;
			reap_cap = cap;
		}
	}
	if (reaper_started && reap_n < reap_cap) {
		reap_q[reap_n++] = (struct reap){pid, r};
		pthread_cond_signal(&reap_cv);
		pthread_mutex_unlock(&reap_mu);
		return;
	}
	pthread_mutex_unlock(&reap_mu);
	wait_gone(pid); /* no reaper or no memory for the queue */
	if (r.map)
		region_recycle(r.off, r.map);
}

static void systrap_destroy(struct platform_ctx *c)
{
	struct stub_as *as = c->as;

	if (atomic_fetch_sub(&as->live, 1) == 1) {
		if (as->chan >= 0)
			close(as->chan);
		stub_kill(as->pid, (struct region){c->region_off, c->region});
		free(c);
		free(as);
		return;
	}
	/* The thread exits from its handler; it never answers. */
	if (settle(c) == 0) {
		H(c)->nr = SYS_exit;
		memset(H(c)->args, 0, sizeof(H(c)->args));
		post_cmd(c, CMD_SYSCALL);
	}
	region_free(c);
	free(c);
}

static void to_regs(const ucontext_t *uc, struct user_regs_struct *r)
{
	const greg_t *g = uc->uc_mcontext.gregs;

	r->r8 = g[REG_R8], r->r9 = g[REG_R9], r->r10 = g[REG_R10];
	r->r11 = g[REG_R11], r->r12 = g[REG_R12], r->r13 = g[REG_R13];
	r->r14 = g[REG_R14], r->r15 = g[REG_R15], r->rdi = g[REG_RDI];
	r->rsi = g[REG_RSI], r->rbp = g[REG_RBP], r->rbx = g[REG_RBX];
	r->rdx = g[REG_RDX], r->rax = g[REG_RAX], r->rcx = g[REG_RCX];
	r->rsp = g[REG_RSP], r->rip = g[REG_RIP], r->eflags = g[REG_EFL];
	r->cs = 0x33;
	r->ss = 0x2b;
}

static void from_regs(ucontext_t *uc, const struct user_regs_struct *r)
{
	greg_t *g = uc->uc_mcontext.gregs;

	g[REG_R8] = r->r8, g[REG_R9] = r->r9, g[REG_R10] = r->r10;
	g[REG_R11] = r->r11, g[REG_R12] = r->r12, g[REG_R13] = r->r13;
	g[REG_R14] = r->r14, g[REG_R15] = r->r15, g[REG_RDI] = r->rdi;
	g[REG_RSI] = r->rsi, g[REG_RBP] = r->rbp, g[REG_RBX] = r->rbx;
	g[REG_RDX] = r->rdx, g[REG_RAX] = r->rax, g[REG_RCX] = r->rcx;
	g[REG_RSP] = r->rsp, g[REG_RIP] = r->rip;
	/* Only the flags user mode may set (sigreturn masks the rest). */
	g[REG_EFL] = r->eflags;
}

static int systrap_switch_to(struct platform_ctx *c, struct platform_regs *regs,
			     struct platform_event *ev)
{
	struct hdr *h = H(c);
	ucontext_t *uc;
	siginfo_t *si;

	if (settle(c))
		goto died;
	if (regs->r.fs_base != c->fs_base) {
		long r = stub_call(c, CMD_SYSCALL, SYS_arch_prctl, ARCH_SET_FS,
				   regs->r.fs_base, 0, 0, 0, 0);
		if (r == -ESRCH)
			goto died;
		c->fs_base = regs->r.fs_base;
	}
	uc = in_region(c, h->uctx);
	if (!uc)
		goto died;
	from_regs(uc, &regs->r);
	post_cmd(c, CMD_RESUME);
	if (wait_state(c, ST_EVENT))
		goto died;
	uc = in_region(c, h->uctx);
	si = in_region(c, h->info);
	if (!uc || !si)
		goto died;
	to_regs(uc, &regs->r);
	regs->r.fs_base = c->fs_base;
	regs->r.orig_rax = -1;
	switch (h->sig) {
	case SIGSYS:
		regs->r.orig_rax = si->si_syscall;
		regs->r.rax = -ENOSYS;
		ev->why = PLATFORM_SYSCALL;
		ev->fast = atomic_load(&h->fast);
		return 0;
	case 0:
	case INTR_SIG:
		ev->why = PLATFORM_INTERRUPT;
		return 0;
	}
	ev->why = PLATFORM_FAULT;
	ev->signo = h->sig;
	ev->code = si->si_code;
	ev->addr = (uint64_t)si->si_addr;
	return 0;
died:
	ev->why = PLATFORM_DIED;
	return 0;
}

static void systrap_interrupt(struct platform_ctx *c)
{
	syscall(SYS_tgkill, c->as->pid, c->tid, INTR_SIG);
}

static long systrap_mmap(struct platform_ctx *c, uint64_t addr, uint64_t len,
			 int prot, int flags, int fd, uint64_t off)
{
	return stub_call(c, CMD_SYSCALL, SYS_mmap, addr, len, prot, flags, fd,
			 off);
}

static long systrap_mmap_host(struct platform_ctx *c, uint64_t addr,
			      uint64_t len, int prot, int flags, int hostfd,
			      uint64_t off)
{
	struct hdr *h = H(c);
	int err;

	if (c->as->chan < 0)
		return -ENOSYS;
	err = settle(c);
	if (err)
		return err;
	prep_msg(c);
	err = chan_send_fd(c->as->chan, hostfd);
	if (err)
		return err;
	h->nr = SYS_mmap;
	h->args[0] = addr, h->args[1] = len, h->args[2] = (uint64_t)prot;
	h->args[3] = (uint64_t)flags, h->args[4] = 0, h->args[5] = off;
	post_cmd(c, CMD_MAPFD);
	err = wait_state(c, ST_DONE);
	return err ? err : (long)h->ret;
}

static int systrap_munmap(struct platform_ctx *c, uint64_t addr, uint64_t len)
{
	return stub_call(c, CMD_SYSCALL, SYS_munmap, addr, len, 0, 0, 0, 0);
}

static int systrap_mprotect(struct platform_ctx *c, uint64_t addr, uint64_t len,
			    int prot)
{
	return stub_call(c, CMD_SYSCALL, SYS_mprotect, addr, len, prot, 0, 0,
			 0);
}

static long systrap_mremap(struct platform_ctx *c, uint64_t old,
			   uint64_t oldlen, uint64_t newlen, int flags,
			   uint64_t newaddr)
{
	return stub_call(c, CMD_SYSCALL, SYS_mremap, old, oldlen, newlen, flags,
			 newaddr, 0);
}

static int systrap_madvise(struct platform_ctx *c, uint64_t addr, uint64_t len,
			   int advice)
{
	return stub_call(c, CMD_SYSCALL, SYS_madvise, addr, len, advice, 0, 0,
			 0);
}

static ssize_t systrap_read_mem(struct platform_ctx *c, uint64_t addr,
				void *buf, size_t n)
{
	return stub_read_mem(c->as->pid, addr, buf, n);
}

static ssize_t systrap_write_mem(struct platform_ctx *c, uint64_t addr,
				 const void *buf, size_t n)
{
	return stub_write_mem(c->as->pid, addr, buf, n);
}

/* The FP state lives in the signal frame's xsave area. */
static void *frame_fp(struct platform_ctx *c, size_t *len)
{
	ucontext_t *uc = in_region(c, H(c)->uctx);
	uint8_t *fp;
	uint32_t sw[5];

	if (!uc || !uc->uc_mcontext.fpregs)
		return NULL;
	fp = in_region(c, (uint64_t)uc->uc_mcontext.fpregs);
	if (!fp)
		return NULL;
	memcpy(sw, fp + 464, sizeof(sw));
	*len = (sw[0] == 0x46505853U && sw[4] >= 512 &&
		sw[4] <= PLATFORM_FPSTATE_MAX)
		   ? sw[4]
		   : 512;
	if ((uint8_t *)fp + *len > (uint8_t *)c->region + CTX_SIZE)
		return NULL;
	return fp;
}

static int systrap_get_fpstate(struct platform_ctx *c,
			       struct platform_fpstate *fp)
{
	size_t len;
	void *src;

	if (atomic_load(&H(c)->fast)) {
		uint8_t *xs = (uint8_t *)c->region + FAST_XS;

		/* XSAVE leaves the header's other words alone: a frame
		 * must have them zero. */
		memset(xs + 512, 0, 64);
		if (stub_call(c, CMD_XSAVE, 0, 0, 0, 0, 0, 0, 0))
			return -EFAULT;
		memcpy(fp->data, xs, xs_size);
		memset(fp->data + 464, 0, 48); /* the sentry's to fill */
		fp->len = xs_size;
		return 0;
	}
	src = frame_fp(c, &len);

	if (!src)
		return -EFAULT;
	memcpy(fp->data, src, len);
	fp->len = len;
	return 0;
}

/* Load fp into a fast-entry thread's registers. XRSTOR faults on what a
 * kernel's sigreturn would refuse: make it acceptable first (the
 * application's frame is not trusted). */
static int fast_set_fpstate(struct platform_ctx *c,
			    const struct platform_fpstate *fp)
{
	uint8_t *xs = (uint8_t *)c->region + FAST_XS;
	size_t len = fp->len < xs_size ? fp->len : xs_size;
	uint64_t bv = 3; /* x87 and SSE: all an FXSAVE frame has */
	uint32_t mxcsr;

	memset(xs, 0, xs_size);
	memcpy(xs, fp->data, len);
	if (len > 512 + 8)
		memcpy(&bv, fp->data + 512, 8);
	memset(xs + 512, 0, 64);
	bv &= xs_mask;
	memcpy(xs + 512, &bv, 8);
	memcpy(&mxcsr, xs + 24, 4);
	mxcsr &= 0xffff;
	memcpy(xs + 24, &mxcsr, 4);
	return stub_call(c, CMD_XRSTOR, 0, 0, 0, 0, 0, 0, 0) ? -EFAULT : 0;
}

static int systrap_set_fpstate(struct platform_ctx *c,
			       const struct platform_fpstate *fp)
{
	size_t len;
	uint8_t *dst;

	if (atomic_load(&H(c)->fast))
		return fast_set_fpstate(c, fp);
	dst = frame_fp(c, &len);

	if (!dst)
		return -EFAULT;
	/* Keep the frame's own fx_sw_bytes: they describe this frame. */
	memcpy(dst, fp->data, 464);
	if (fp->len > 512 && len > 512)
		memcpy(dst + 512, fp->data + 512,
		       (fp->len < len ? fp->len : len) - 512);
	return 0;
}

static pid_t systrap_as_pid(struct platform_ctx *ctx)
{
	return ctx->as->pid;
}

static uint64_t systrap_fast_entry(void)
{
	return xs_size ? STUB_ADDR + systrap_off_fast : 0;
}

static int systrap_poke_text(struct platform_ctx *c, uint64_t addr,
			     const uint8_t old[16], const uint8_t new[16])
{
	uint64_t o[2], n[2];
	long r;

	if (addr & 15)
		return -EINVAL;
	memcpy(o, old, 16);
	memcpy(n, new, 16);
	r = stub_call(c, CMD_POKE, 0, addr, o[0], o[1], n[0], n[1], 0);
	return r < 0 ? (int)r : r == 1 ? 0 : -EAGAIN;
}

const struct platform_ops platform_systrap_ops = {
    .name = "systrap",
    .init = systrap_init,
    .new_as = systrap_new_as,
    .fork_as = systrap_fork_as,
    .new_thread = systrap_new_thread,
    .release = systrap_release,
    .adopt = systrap_adopt,
    .destroy = systrap_destroy,
    .as_pid = systrap_as_pid,
    .switch_to = systrap_switch_to,
    .interrupt = systrap_interrupt,
    .mmap = systrap_mmap,
    .mmap_host = systrap_mmap_host,
    .munmap = systrap_munmap,
    .mprotect = systrap_mprotect,
    .mremap = systrap_mremap,
    .madvise = systrap_madvise,
    .read_mem = systrap_read_mem,
    .write_mem = systrap_write_mem,
    .get_fpstate = systrap_get_fpstate,
    .set_fpstate = systrap_set_fpstate,
    .fast_entry = systrap_fast_entry,
    .poke_text = systrap_poke_text,
};
