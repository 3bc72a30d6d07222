/* Issues getpid, getppid and uname as raw `syscall` instructions (no libc
 * wrapper, no vDSO) and prints what came back. Under the sandbox every one of
 * them must be answered by the sentry: pid 1, ppid 0, and the sentry's own
 * uname, not the host's. Built -static so that nothing but this code runs. */
#include <stdio.h>
#include <string.h>

struct raw_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
	    domainname[65];
};

static long raw_syscall1(long nr, long a1)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1)
			 : "rcx", "r11", "memory");
	return ret;
}

int main(void)
{
	struct raw_utsname u;
	long r;

	memset(&u, 0, sizeof(u));
	printf("getpid=%ld\n", raw_syscall1(39, 0));
	printf("getppid=%ld\n", raw_syscall1(110, 0));
	r = raw_syscall1(63, (long)&u);
	printf("uname=%ld\n", r);
	printf("sysname=%s\n", u.sysname);
	printf("release=%s\n", u.release);
	printf("version=%s\n", u.version);
	/* A raw uname into an unmapped address: EFAULT from the sentry, not a
	 * crash of anything. */
	printf("uname(1)=%ld\n", raw_syscall1(63, 1));
	/* An unknown syscall number: ENOSYS. */
	printf("syscall(1000)=%ld\n", raw_syscall1(1000, 0));
	return 0;
}
