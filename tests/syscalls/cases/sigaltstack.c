/* sigaltstack and SA_ONSTACK: a handler runs on the alternate stack, sees
 * SS_ONSTACK, and a stack overflow's SIGSEGV can be handled there. */
#include "compat.h"
#include <setjmp.h>
#include <sys/resource.h>

static char *alt;
static size_t altsz;
static volatile int on_alt, flags_in_handler;
static sigjmp_buf jb;

static void handler(int sig)
{
	int local;
	stack_t cur;

	on_alt = (char *)&local >= alt && (char *)&local < alt + altsz;
	sigaltstack(NULL, &cur);
	flags_in_handler = cur.ss_flags;
}

static void segv(int sig)
{
	int local;

	on_alt = (char *)&local >= alt && (char *)&local < alt + altsz;
	siglongjmp(jb, 1);
}

static volatile int depth_limit = 1 << 30;

static int recurse(int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	if (n >= depth_limit)
		return 0;
	return recurse(n + 1) + pad[0];
}

int main(void)
{
	stack_t ss, old;
	struct sigaction sa;

	altsz = 64 * 1024;
	alt = malloc(altsz);
	RET("sigaltstack(NULL, &old)", sigaltstack(NULL, &old));
	printf("initially disabled: %s\n",
	       old.ss_flags & SS_DISABLE ? "yes" : "no");
	ss = (stack_t){.ss_sp = alt, .ss_size = altsz, .ss_flags = 0};
	RET("sigaltstack(64 KiB)", sigaltstack(&ss, NULL));
	sigaltstack(NULL, &old);
	YESNO("read back",
	      old.ss_sp == alt && old.ss_size == altsz && old.ss_flags == 0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("SA_ONSTACK handler on the alternate stack: %s, ss_flags has "
	       "SS_ONSTACK: %s\n",
	       on_alt ? "yes" : "no",
	       flags_in_handler & SS_ONSTACK ? "yes" : "no");
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("without SA_ONSTACK on the alternate stack: %s\n",
	       on_alt ? "yes" : "no");

	ss.ss_size = 100;
	ERR("sigaltstack(too small)", sigaltstack(&ss, NULL));
	ss.ss_size = altsz;
	ss.ss_flags = 0x1234;
	ERR("sigaltstack(bad flags)", sigaltstack(&ss, NULL));
	ERR("sigaltstack(BADPTR)", syscall(SYS_sigaltstack, BADPTR, NULL));

	/* Stack overflow: only an alternate stack can run the handler. */
	struct rlimit rl = {1 << 20, 1 << 20};
	struct rlimit nocore = {0, 0};
	setrlimit(RLIMIT_CORE, &nocore);
	pid_t pid = fork();
	if (pid == 0) {
		setrlimit(RLIMIT_STACK, &rl);
		sa.sa_handler = segv;
		sa.sa_flags = SA_ONSTACK;
		sigaction(SIGSEGV, &sa, NULL);
		on_alt = 0;
		if (sigsetjmp(jb, 1) == 0)
			recurse(0);
		_exit(on_alt ? 3 : 4);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("stack overflow caught on the alternate stack: %s\n",
	       wstatus_str(st));

	ss.ss_flags = SS_DISABLE;
	RET("sigaltstack(SS_DISABLE)", sigaltstack(&ss, NULL));
	sigaltstack(NULL, &old);
	printf("disabled: %s\n", old.ss_flags & SS_DISABLE ? "yes" : "no");
	return 0;
}
