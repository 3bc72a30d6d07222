/* The platform: the only code that knows how application code is run and
 * stopped (ptrace today; systrap and kvm later, behind the same ops).
 *
 * Model: an address space ("as") is a host process (a stub) whose memory
 * holds only the application's mappings and the platform's trampoline page.
 * A context ("ctx") is one application thread bound to the sentry thread
 * that created or adopted it: every operation on a ctx must be called from
 * that sentry thread (ptrace ties a tracee to one tracer thread).
 *
 * Memory operations (map/unmap/protect) are performed by the stub itself
 * through the trampoline, using a ctx of that address space that belongs to
 * the calling thread.
 */
#ifndef PLATFORM_PLATFORM_H
#define PLATFORM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

/* General registers as x86-64 Linux lays them out for ptrace; the FP state
 * stays in the stub thread and is saved/restored by the platform only when
 * a signal frame needs it. */
struct platform_regs {
	struct user_regs_struct r;
};

/* The XSAVE area of a thread, for signal frames (FXSAVE layout first 512
 * bytes). */
#define PLATFORM_FPSTATE_MAX 4096
struct platform_fpstate {
	size_t len;
	uint8_t data[PLATFORM_FPSTATE_MAX] __attribute__((aligned(64)));
};

struct platform_ctx;

enum platform_stop {
	PLATFORM_SYSCALL,   /* regs.orig_rax holds the syscall number */
	PLATFORM_FAULT,	    /* a synchronous fault: signo/code/addr set */
	PLATFORM_INTERRUPT, /* platform_interrupt() was called */
	PLATFORM_DIED,	    /* the stub is gone (killed from outside) */
};

struct platform_event {
	enum platform_stop why;
	int signo; /* PLATFORM_FAULT: SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP
		    */
	int code;  /* si_code as the host gave it */
	uint64_t addr; /* si_addr */
	bool fast;     /* PLATFORM_SYSCALL: came through fast_entry */
};

struct platform_ops {
	const char *name;
	/* Once per sentry process, before any other call. memfd: the sentry's
	 * memory file, kept open in every stub so that mappings of it can be
	 * made there. Returns 0 or -errno (host). */
	int (*init)(int memfd);

	/* A fresh, empty address space with one context owned by the caller.
	 * The context starts parked: it runs nothing until switch_to. */
	int (*new_as)(struct platform_ctx **out);
	/* fork: a new address space that is a copy-on-write copy of ctx's, with
	 * one context owned by the caller (the new thread's sentry thread must
	 * adopt it: see release/adopt). */
	int (*fork_as)(struct platform_ctx *ctx, struct platform_ctx **out);
	/* A new thread in ctx's address space, owned by the caller. */
	int (*new_thread)(struct platform_ctx *ctx, struct platform_ctx **out);
	/* Hand a context to another sentry thread: release on the old owner,
	 * then adopt on the new one. Between the two it runs no app code. */
	int (*release)(struct platform_ctx *ctx);
	int (*adopt)(struct platform_ctx *ctx);
	/* Destroy the thread (and the address space with its last thread). */
	void (*destroy)(struct platform_ctx *ctx);
	/* The host pid, as the sentry's pid namespace numbers it, of the
	 * process holding ctx's address space (where its memory use shows in
	 * /proc). Any thread may call it while ctx is not destroyed. */
	pid_t (*as_pid)(struct platform_ctx *ctx);

	/* Run the app thread with regs until it stops; regs are updated. */
	int (*switch_to)(struct platform_ctx *ctx, struct platform_regs *regs,
			 struct platform_event *ev);
	/* From any thread: make a running switch_to return PLATFORM_INTERRUPT
	 * soon (signal delivery, kill). Safe to call at any time. */
	void (*interrupt)(struct platform_ctx *ctx);

	/* Memory of the address space, run in the stub. Return 0/-errno. */
	long (*mmap)(struct platform_ctx *ctx, uint64_t addr, uint64_t len,
		     int prot, int flags, int memfd_or_neg, uint64_t off);
	/* mmap of a host file the sentry holds open (hostfd), mapped in the
	 * stub from the host's own pages: nothing copied. NULL or -ENOSYS
	 * where the platform cannot: the caller uses the memory file. */
	long (*mmap_host)(struct platform_ctx *ctx, uint64_t addr, uint64_t len,
			  int prot, int flags, int hostfd, uint64_t off);
	int (*munmap)(struct platform_ctx *ctx, uint64_t addr, uint64_t len);
	int (*mprotect)(struct platform_ctx *ctx, uint64_t addr, uint64_t len,
			int prot);
	long (*mremap)(struct platform_ctx *ctx, uint64_t old, uint64_t oldlen,
		       uint64_t newlen, int flags, uint64_t newaddr);
	int (*madvise)(struct platform_ctx *ctx, uint64_t addr, uint64_t len,
		       int advice);

	/* Copy to/from app memory: bytes copied (may be short at an unmapped
	 * page) or -errno. */
	ssize_t (*read_mem)(struct platform_ctx *ctx, uint64_t addr, void *buf,
			    size_t n);
	ssize_t (*write_mem)(struct platform_ctx *ctx, uint64_t addr,
			     const void *buf, size_t n);

	/* FP state of the stopped thread, for signal frames. */
	int (*get_fpstate)(struct platform_ctx *ctx,
			   struct platform_fpstate *fp);
	int (*set_fpstate)(struct platform_ctx *ctx,
			   const struct platform_fpstate *fp);

	/* Syscall patching (NULL where the platform has none). fast_entry:
	 * the address, the same in every address space, an application may
	 * jump to instead of executing `syscall`: eax = the number, rcx = the
	 * address to return to, every other register as for `syscall`; the
	 * thread then stops with PLATFORM_SYSCALL exactly as if it had run
	 * `syscall` at rcx - 2. 0: not available on this host. */
	uint64_t (*fast_entry)(void);
	/* Replace the 16 bytes at addr (16-byte aligned, in a page the
	 * caller made writable) with new if they still hold old, in one
	 * atomic store: other threads running that code see all old or all
	 * new instructions. 0, -EAGAIN (the bytes differ) or -errno (host). */
	int (*poke_text)(struct platform_ctx *ctx, uint64_t addr,
			 const uint8_t old[16], const uint8_t new[16]);
};

extern const struct platform_ops platform_ptrace_ops;
extern const struct platform_ops platform_systrap_ops;

/* The host's vDSO (and its data pages), inherited by every stub from the
 * sentry and left mapped there at the same address, so that applications
 * read the clock without a syscall (the sandbox's clocks are the host's).
 * Found by platform_vdso_probe() before the sentry leaves the host's /proc;
 * n == 0 when absent or when it would collide with the platform's area. */
struct platform_vdso {
	int n;
	struct {
		uint64_t lo, hi;
		int prot; /* PROT_* */
		char name[16];
	} r[4];
	uint64_t lo, hi; /* the whole range */
	uint64_t ehdr;	 /* the [vdso] ELF image: AT_SYSINFO_EHDR */
};
extern struct platform_vdso platform_vdso;
void platform_vdso_probe(void);

/* The lowest and highest (exclusive) addresses an application may map;
 * the trampoline lives above app_top. */
#define PLATFORM_APP_MIN 0x10000ULL
#define PLATFORM_APP_TOP 0x7fffc0000000ULL

#endif
