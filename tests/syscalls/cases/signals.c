/* kill, tgkill, rt_sigaction, rt_sigprocmask, rt_sigpending,
 * rt_sigsuspend, rt_sigreturn (every handler returns through it):
 * handlers with siginfo, blocked signals pending then delivered, SA_RESTART
 * vs EINTR, SA_RESETHAND, SA_NODEFER, SIGCHLD, and errors. */
#include "compat.h"
#include <sys/resource.h>
#include <time.h>

static volatile sig_atomic_t count[65];
static volatile int last_code, last_pid_ok, nested, depth, max_depth;
static pid_t me;

static void handler(int sig)
{
	count[sig]++;
}

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	count[sig]++;
	last_code = si->si_code;
	last_pid_ok = si->si_pid == me && si->si_signo == sig;
}

static void nodefer_handler(int sig)
{
	count[sig]++;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (count[sig] < 3)
		raise(sig); /* re-entered at once only with SA_NODEFER */
	depth--;
}

static const char *code_name(int c)
{
	switch (c) {
	case SI_USER:
		return "SI_USER";
	case SI_TKILL:
		return "SI_TKILL";
	case SI_QUEUE:
		return "SI_QUEUE";
	case SI_KERNEL:
		return "SI_KERNEL";
	}
	return "other";
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Fork a child that sends sig to us after ms, then writes to fd. */
static pid_t signal_later(int sig, int ms, int fd)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		sleep_ms(ms);
		kill(parent, sig);
		sleep_ms(ms);
		if (fd >= 0)
			write(fd, "z", 1);
		_exit(0);
	}
	return pid;
}

int main(void)
{
	struct sigaction sa, old;
	sigset_t set, oldset, pend;
	int p[2], st;
	char c;

	me = getpid();
	/* Core dumps would depend on the host's core_pattern: none. */
	struct rlimit nocore = {0, 0};
	setrlimit(RLIMIT_CORE, &nocore);

	/* A plain handler via kill and raise. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	RET("rt_sigaction(SIGUSR1)", sigaction(SIGUSR1, &sa, &old));
	YESNO("previous action was SIG_DFL", old.sa_handler == SIG_DFL);
	RET("kill(self, SIGUSR1)", kill(me, SIGUSR1));
	printf("handler ran %d times\n", count[SIGUSR1]);
	RET("raise(SIGUSR1) (tgkill)", raise(SIGUSR1));
	printf("handler ran %d times\n", count[SIGUSR1]);
	RET("kill(self, 0) probes", kill(me, 0));

	/* siginfo. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR2, &sa, NULL);
	kill(me, SIGUSR2);
	printf("kill: si_code=%s, si_pid/si_signo right: %d\n",
	       code_name(last_code), last_pid_ok);
	syscall(SYS_tgkill, me, gettid(), SIGUSR2);
	printf("tgkill: si_code=%s, si_pid/si_signo right: %d\n",
	       code_name(last_code), last_pid_ok);
	union sigval sv = {.sival_int = 7};
	sigqueue(me, SIGUSR2, sv);
	printf("sigqueue: si_code=%s\n", code_name(last_code));

	/* Blocked: pending until unblocked, delivered once (not queued). */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	RET("rt_sigprocmask(SIG_BLOCK, {USR1})",
	    sigprocmask(SIG_BLOCK, &set, &oldset));
	YESNO("USR1 was not blocked before", !sigismember(&oldset, SIGUSR1));
	int before = count[SIGUSR1];
	kill(me, SIGUSR1);
	kill(me, SIGUSR1);
	printf("while blocked: handler ran %d more times\n",
	       count[SIGUSR1] - before);
	sigpending(&pend);
	YESNO("sigpending has USR1", sigismember(&pend, SIGUSR1));
	RET("rt_sigprocmask(SIG_UNBLOCK, {USR1})",
	    sigprocmask(SIG_UNBLOCK, &set, NULL));
	printf("after unblock: handler ran %d more times\n",
	       count[SIGUSR1] - before);
	sigpending(&pend);
	YESNO("sigpending has USR1 now", sigismember(&pend, SIGUSR1));
	/* Real-time signals are queued. */
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	signal(SIGRTMIN, handler);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < 3; i++)
		kill(me, SIGRTMIN);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("SIGRTMIN sent 3 times while blocked: delivered %d times\n",
	       count[SIGRTMIN]);

	/* SIGKILL and SIGSTOP cannot be blocked or caught. */
	sigemptyset(&set);
	sigaddset(&set, SIGKILL);
	sigaddset(&set, SIGSTOP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigprocmask(SIG_BLOCK, NULL, &set);
	YESNO("SIGKILL in mask after blocking it", sigismember(&set, SIGKILL));
	ERR("sigaction(SIGKILL)", sigaction(SIGKILL, &sa, NULL));
	ERR("sigaction(SIGSTOP)", sigaction(SIGSTOP, &sa, NULL));
	ERR("sigaction(0)", syscall(SYS_rt_sigaction, 0, NULL, NULL, 8));
	ERR("sigaction(65)", syscall(SYS_rt_sigaction, 65, NULL, NULL, 8));
	ERR("rt_sigaction(sigsetsize 4)",
	    syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4));
	ERR("rt_sigaction(BADPTR)",
	    syscall(SYS_rt_sigaction, SIGUSR1, BADPTR, NULL, 8));
	ERR("rt_sigprocmask(bad how)",
	    syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8));
	ERR("rt_sigprocmask(BADPTR)",
	    syscall(SYS_rt_sigprocmask, SIG_BLOCK, BADPTR, NULL, 8));
	ERR("kill(self, 99)", kill(me, 99));
	ERR("kill(no such pid)", kill(999999, SIGUSR1));
	ERR("tgkill(bad tid)", syscall(SYS_tgkill, me, 999999, SIGUSR1));
	ERR("tgkill(tgid 0)", syscall(SYS_tgkill, 0, gettid(), SIGUSR1));

	/* SA_RESETHAND: the second delivery takes the default action (here
	 * for SIGURG, ignore). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGURG, &sa, NULL);
	raise(SIGURG);
	sigaction(SIGURG, NULL, &old);
	printf("SA_RESETHAND: ran %d, action now default: %s\n", count[SIGURG],
	       old.sa_handler == SIG_DFL ? "yes" : "no");

	/* The signal is blocked in its own handler unless SA_NODEFER. */
	sa.sa_handler = nodefer_handler;
	sa.sa_flags = 0;
	sigaction(SIGWINCH, &sa, NULL);
	raise(SIGWINCH);
	printf("without SA_NODEFER: ran %d, max nesting %d\n", count[SIGWINCH],
	       max_depth);
	count[SIGWINCH] = 0;
	max_depth = 0;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGWINCH, &sa, NULL);
	raise(SIGWINCH);
	printf("with SA_NODEFER: ran %d, max nesting %d\n", count[SIGWINCH],
	       max_depth);

	/* SA_RESTART: a blocking read continues after the handler. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	pipe(p);
	pid_t pid = signal_later(SIGALRM, 200, p[1]);
	ssize_t n = read(p[0], &c, 1);
	printf("SA_RESTART: read = %zd '%c', handler ran %d\n", n,
	       n == 1 ? c : '?', count[SIGALRM]);
	waitpid(pid, &st, 0);
	/* Without it: EINTR. */
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	pid = signal_later(SIGALRM, 200, p[1]);
	n = read(p[0], &c, 1);
	printf("no SA_RESTART: read = %zd %s, handler ran %d\n", n,
	       n < 0 ? errname(errno) : "", count[SIGALRM]);
	waitpid(pid, &st, 0);
	read(p[0], &c, 1);

	/* sigsuspend waits for a blocked signal with a temporary mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	before = count[SIGUSR1];
	pid = signal_later(SIGUSR1, 100, -1);
	sigset_t wait_mask;
	sigemptyset(&wait_mask);
	ERR("sigsuspend(empty mask)", sigsuspend(&wait_mask));
	printf("handler ran %d; USR1 blocked again after: %s\n",
	       count[SIGUSR1] - before,
	       (sigprocmask(SIG_BLOCK, NULL, &set), sigismember(&set, SIGUSR1))
		   ? "yes"
		   : "no");
	waitpid(pid, &st, 0);
	/* sigtimedwait takes a blocked pending signal without running the
	 * handler. */
	kill(me, SIGUSR1);
	siginfo_t si;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	struct timespec ts = {1, 0};
	RET("sigtimedwait(USR1)", sigtimedwait(&set, &si, &ts));
	ts.tv_sec = 0;
	ts.tv_nsec = 10000000;
	ERR("sigtimedwait(nothing pending, 10ms)",
	    sigtimedwait(&set, &si, &ts));
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	/* SIGCHLD on child exit. */
	signal(SIGCHLD, handler);
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, &st, 0);
	printf("SIGCHLD delivered: %d\n", count[SIGCHLD]);
	signal(SIGCHLD, SIG_DFL);

	/* Ignored signals are discarded; default-action signals kill. */
	signal(SIGUSR1, SIG_IGN);
	kill(me, SIGUSR1);
	printf("SIG_IGN: survived\n");
	const int sigs[] = {SIGTERM, SIGUSR1, SIGINT, SIGHUP, SIGQUIT};
	for (int i = 0; i < 5; i++) {
		pid = fork();
		if (pid == 0) {
			signal(sigs[i], SIG_DFL);
			sigset_t none;
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			kill(getpid(), sigs[i]);
			_exit(0);
		}
		waitpid(pid, &st, 0);
		printf("child sent itself %s: %s\n", signame(sigs[i]),
		       wstatus_str(st));
	}
	/* A stopped child continues on SIGCONT. */
	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(8);
	}
	waitpid(pid, &st, WUNTRACED);
	printf("WUNTRACED: %s\n", wstatus_str(st));
	kill(pid, SIGCONT);
	waitpid(pid, &st, 0);
	printf("after SIGCONT: %s\n", wstatus_str(st));
	return 0;
}
