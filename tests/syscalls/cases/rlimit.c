/* getrlimit, setrlimit, prlimit64: read back what was set, errors, and
 * inheritance across fork. Absolute default values are not printed: they
 * come from whoever started the test. */
#include "compat.h"
#include <sys/resource.h>

int main(void)
{
	struct rlimit rl, orig;

	RET("getrlimit(NOFILE)", getrlimit(RLIMIT_NOFILE, &orig));
	YESNO("soft <= hard", orig.rlim_cur <= orig.rlim_max);
	rl.rlim_cur = 100;
	rl.rlim_max = orig.rlim_max;
	RET("setrlimit(NOFILE, soft 100)", setrlimit(RLIMIT_NOFILE, &rl));
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("soft now %ld, hard unchanged: %s\n", (long)rl.rlim_cur,
	       rl.rlim_max == orig.rlim_max ? "yes" : "no");
	rl.rlim_cur = orig.rlim_max == RLIM_INFINITY ? 1000 : orig.rlim_max + 1;
	rl.rlim_max = rl.rlim_cur - 1;
	ERR("setrlimit(soft > hard)", setrlimit(RLIMIT_NOFILE, &rl));
	ERR("getrlimit(resource 99)", getrlimit(99, &rl));
	ERR("getrlimit(BADPTR)", syscall(SYS_getrlimit, RLIMIT_NOFILE, BADPTR));

	struct rlimit64 n, o;
	n.rlim_cur = 64;
	n.rlim_max = orig.rlim_max;
	RET("prlimit64(0, NOFILE, new, old)",
	    syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &n, &o));
	printf("old soft %ld\n", (long)o.rlim_cur);
	RET("prlimit64(self pid, NOFILE, NULL, old)",
	    syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, NULL, &o));
	printf("soft %ld\n", (long)o.rlim_cur);
	ERR("prlimit64(no such pid)",
	    syscall(SYS_prlimit64, 999999, RLIMIT_NOFILE, NULL, &o));

	pid_t pid = fork();
	if (pid == 0) {
		getrlimit(RLIMIT_NOFILE, &rl);
		_exit(rl.rlim_cur == 64 ? 0 : 1);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("child inherits soft 64: %s\n",
	       WEXITSTATUS(st) == 0 ? "yes" : "no");

	/* Lowering the hard limit is allowed; raising it back needs
	 * CAP_SYS_RESOURCE (we are root natively; printed as is). */
	rl.rlim_cur = 32;
	rl.rlim_max = 50;
	RET("setrlimit(NOFILE, 32/50)", setrlimit(RLIMIT_NOFILE, &rl));
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("now %ld/%ld\n", (long)rl.rlim_cur, (long)rl.rlim_max);

	const int res[] = {RLIMIT_STACK, RLIMIT_AS,	RLIMIT_DATA,
			   RLIMIT_CORE,	 RLIMIT_NPROC,	RLIMIT_CPU,
			   RLIMIT_FSIZE, RLIMIT_MEMLOCK};
	for (int i = 0; i < 8; i++) {
		int r = getrlimit(res[i], &rl);
		printf("getrlimit(%d) = %d, soft <= hard: %s\n", res[i], r,
		       rl.rlim_cur <= rl.rlim_max ? "yes" : "no");
	}
	/* RLIMIT_STACK soft value governs the main stack; set/get works. */
	getrlimit(RLIMIT_STACK, &orig);
	rl.rlim_cur = 4 << 20;
	rl.rlim_max = orig.rlim_max;
	RET("setrlimit(STACK, 4MiB)", setrlimit(RLIMIT_STACK, &rl));
	getrlimit(RLIMIT_STACK, &rl);
	printf("stack soft %ld\n", (long)rl.rlim_cur);
	return 0;
}
