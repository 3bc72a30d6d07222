/* An application that jumps into the platform's stub page to make host
 * syscalls directly. Each attack runs in a child; the parent reports how
 * the child ended. The stub page is found by scanning for its `syscall`
 * instructions (0f 05) at the platform's fixed address. */
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

static const unsigned char *find_syscall_insn(void)
{
	const unsigned char *p = (const unsigned char *)STUB_PAGE;
	for (int i = 0; i < 4095; i++)
		if (p[i] == 0x0f && p[i + 1] == 0x05)
			return p + i;
	return NULL;
}

/* Jump to the instruction with the registers of a syscall. Whatever the
 * stub code does after it is not ours: expect a fault, or a return. */
static long jump(const unsigned char *insn, long nr, long a0, long a1, long a2)
{
	long ret;
	register long r10 __asm__("r10") = 0;
	__asm__ volatile("lea 1f(%%rip), %%rcx\n\t"
			 "push %%rcx\n\t"
			 "jmp *%[target]\n\t"
			 "1:"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2),
			   "r"(r10), [target] "r"(insn)
			 : "rcx", "r11", "memory");
	return ret;
}

static void attack(const char *name, const unsigned char *insn, long nr,
		   long a0, long a1, long a2)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		long r = jump(insn, nr, a0, a1, a2);
		printf("%s: returned %ld\n", name, r);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		printf("%s: child killed by signal %d\n", name, WTERMSIG(st));
	else
		printf("%s: child exited %d\n", name, WEXITSTATUS(st));
}

static volatile sig_atomic_t intr;

static void on_intr(int sig)
{
	intr++;
}

int main(int argc, char **argv)
{
	const unsigned char *insn;
	const char *victim = argc > 1 ? argv[1] : "/tmp/runsc-attack-victim";

	signal(SIGSTKFLT, on_intr);
	insn = find_syscall_insn();
	if (!insn) {
		printf("no stub page\n");
		return 2;
	}
	/* A forbidden call: mkdir on the host. */
	attack("mkdir", insn, SYS_mkdir, (long)victim, 0755, 0);
	/* The one signal the stubs may send, aimed at pid 1: the sentry in
	 * the stubs' view of the host (which ignores it), this process in
	 * the sandbox's (whose handler counts it). */
	attack("tgkill-intr", insn, SYS_tgkill, 1, 1, SIGSTKFLT);
	/* execve of a host shell. */
	attack("execve", insn, SYS_execve, (long)"/bin/true", 0, 0);
	printf("sandbox still alive\n");
	return 0;
}
