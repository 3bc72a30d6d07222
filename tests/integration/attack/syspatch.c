/* An application that abuses syscall patching (runsc --syscall-patch): it
 * gets a site of its own patched, follows the jump to its trampoline slot
 * and to the platform's fast entry, checks what a patched syscall leaves
 * in the registers, then jumps into both with registers of its choosing.
 * Each attack runs in a child; the parent reports how the child ended. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define STUB_PAGE 0x7fffffff0000UL

/* A site the sentry can patch: `mov $39, %eax; syscall` (getpid) at the
 * start of an aligned 16-byte block, after a byte that is no prefix. */
long patch_site(void);
__asm__(".text\n"
	".byte 0xc3\n"
	".balign 16, 0xcc\n"
	".globl patch_site\n"
	"patch_site:\n"
	"	mov $39, %eax\n"
	"	syscall\n"
	"	ret\n");

/* Jump to target with a syscall's registers (rcx: where to come back). */
static long jump(uintptr_t target, long nr, long a0, long a1, long a2)
{
	long ret;
	__asm__ volatile("lea 1f(%%rip), %%rcx\n\t"
			 "jmp *%[target]\n\t"
			 "1:"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2),
			   [target] "r"(target)
			 : "rcx", "r11", "memory");
	return ret;
}

/* The same with no usable stack: the fast path must not touch the
 * application's. */
static long jump_nostack(uintptr_t target, long nr)
{
	long ret;
	__asm__ volatile("mov %%rsp, %%r13\n\t"
			 "mov $16, %%rsp\n\t"
			 "lea 1f(%%rip), %%rcx\n\t"
			 "jmp *%[target]\n\t"
			 "1: mov %%r13, %%rsp"
			 : "=a"(ret)
			 : "a"(nr), [target] "r"(target)
			 : "rcx", "r11", "r13", "memory");
	return ret;
}

/* Sigreturn through the fast entry with a frame of zeros: the sentry
 * restores nonsense, the child faults. */
static long jump_sigreturn(uintptr_t target)
{
	static uint64_t frame[256] __attribute__((aligned(64)));
	long ret;
	__asm__ volatile("mov %%rsp, %%r13\n\t"
			 "mov %[sp], %%rsp\n\t"
			 "lea 1f(%%rip), %%rcx\n\t"
			 "jmp *%[target]\n\t"
			 "1: mov %%r13, %%rsp"
			 : "=a"(ret)
			 : "a"((long)SYS_rt_sigreturn),
			   [sp] "r"(frame + 8), [target] "r"(target)
			 : "rcx", "r11", "r13", "memory");
	return ret;
}

static void report(const char *name, pid_t pid)
{
	int st;

	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		printf("%s: child killed by signal %d\n", name, WTERMSIG(st));
	else
		printf("%s: child exited %d\n", name, WEXITSTATUS(st));
	fflush(stdout);
}

#define ATTACK(name, expr)                                                     \
	do {                                                                   \
		pid_t pid_ = fork();                                           \
		if (pid_ == 0) {                                               \
			long r_ = (expr);                                      \
			printf("%s: returned %ld\n", name, r_);                \
			fflush(stdout);                                        \
			_exit(0);                                              \
		}                                                              \
		report(name, pid_);                                            \
	} while (0)

/* Registers after a patched syscall: as after `syscall` (rax the result,
 * rcx the return address, r11 the flags), every other one kept. */
static int check_regs(void)
{
	uint64_t in[8] = {0x1111, 0x2222, 0x3333, 0x4444,
			  0x5555, 0x6666, 0x7777, 0x8888};
	uint64_t out[8], rcx, ret;
	uintptr_t back;

	__asm__ volatile("push %%rbx\n\t"
			 "push %%rbp\n\t"
			 "push %%r12\n\t"
			 "push %%r13\n\t"
			 "push %%r14\n\t"
			 "push %%r15\n\t"
			 "push %[out]\n\t"
			 "mov 0(%[in]), %%rbx\n\t"
			 "mov 8(%[in]), %%rbp\n\t"
			 "mov 16(%[in]), %%r12\n\t"
			 "mov 24(%[in]), %%r13\n\t"
			 "mov 32(%[in]), %%r14\n\t"
			 "mov 40(%[in]), %%r15\n\t"
			 "mov 48(%[in]), %%r8\n\t"
			 "mov 56(%[in]), %%r9\n\t"
			 "call patch_site\n\t"
			 "2: pop %%rdi\n\t"
			 "mov %%rbx, 0(%%rdi)\n\t"
			 "mov %%rbp, 8(%%rdi)\n\t"
			 "mov %%r12, 16(%%rdi)\n\t"
			 "mov %%r13, 24(%%rdi)\n\t"
			 "mov %%r14, 32(%%rdi)\n\t"
			 "mov %%r15, 40(%%rdi)\n\t"
			 "mov %%r8, 48(%%rdi)\n\t"
			 "mov %%r9, 56(%%rdi)\n\t"
			 "pop %%r15\n\t"
			 "pop %%r14\n\t"
			 "pop %%r13\n\t"
			 "pop %%r12\n\t"
			 "pop %%rbp\n\t"
			 "pop %%rbx\n\t"
			 : "=a"(ret), "=c"(rcx)
			 : [in] "S"(in), [out] "D"(out)
			 : "r8", "r9", "r10", "r11", "rdx", "memory");
	back = (uintptr_t)patch_site + 7;
	if ((long)ret != getpid() || rcx != back ||
	    memcmp(in, out, sizeof(in))) {
		printf("regs: wrong (rax %lu rcx %#lx want %#lx)\n",
		       (unsigned long)ret, (unsigned long)rcx,
		       (unsigned long)back);
		return -1;
	}
	printf("regs: ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *victim = argc > 1 ? argv[1] : "/tmp/runsc-attack-victim";
	const uint8_t *site = (const uint8_t *)patch_site, *slot;
	uintptr_t entry;
	int32_t rel;

	/* The first call traps and gets the site patched. */
	if (patch_site() != getpid() || patch_site() != getpid()) {
		printf("getpid through the site: wrong\n");
		return 2;
	}
	if (site[0] != 0xe9) {
		printf("not patched (%02x)\n", site[0]);
		return 3;
	}
	memcpy(&rel, site + 1, 4);
	slot = site + 5 + rel;
	if (slot[0] != 0x48 || slot[1] != 0x8d || slot[2] != 0x0d ||
	    slot[7] != 0xb8 || slot[12] != 0xff || slot[13] != 0x25) {
		printf("unexpected slot\n");
		return 4;
	}
	memcpy(&rel, slot + 14, 4);
	memcpy(&entry, slot + 18 + rel, 8);
	if (entry < STUB_PAGE || entry >= STUB_PAGE + 4096) {
		printf("fast entry %#lx outside the stub page\n",
		       (unsigned long)entry);
		return 5;
	}
	printf("patched\n");
	if (check_regs())
		return 6;
	fflush(stdout);
	/* The slot's last instruction, with another number: mkdir. */
	ATTACK("slot-mkdir", jump((uintptr_t)slot + 12, SYS_mkdir,
				  (long)victim, 0755, 0));
	ATTACK("entry-mkdir",
	       jump(entry, SYS_mkdir, (long)victim, 0755, 0));
	ATTACK("entry-execve",
	       jump(entry, SYS_execve, (long)"/bin/true", 0, 0));
	ATTACK("entry-nostack", jump_nostack(entry, SYS_getppid));
	ATTACK("entry-sigreturn", jump_sigreturn(entry));
	printf("sandbox still alive\n");
	return 0;
}
