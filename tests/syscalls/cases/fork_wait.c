/* fork, vfork, clone (as fork), wait4, waitpid, waitid: exit statuses,
 * WIFSIGNALED, WNOHANG, ECHILD, and the pid/ppid relations. */
#include "compat.h"
#include <sched.h>
#include <sys/resource.h>

int main(void)
{
	int st, p[2];
	pid_t pid, r;
	pid_t me = getpid();

	/* Exit status. */
	pid = fork();
	die_if(pid < 0, "fork");
	if (pid == 0)
		_exit(getppid() == me ? 7 : 1);
	YESNO("fork returns a positive pid != own", pid > 0 && pid != me);
	r = waitpid(pid, &st, 0);
	YESNO("waitpid returns the child's pid", r == pid);
	printf("child: %s (7 means getppid()==parent's getpid())\n",
	       wstatus_str(st));

	/* Killed by a signal. */
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	RET("kill(child, SIGKILL)", kill(pid, SIGKILL));
	r = wait4(pid, &st, 0, NULL);
	printf("wait4: same pid %s, %s, WIFSIGNALED=%d WTERMSIG=%s\n",
	       r == pid ? "yes" : "no", wstatus_str(st), WIFSIGNALED(st),
	       signame(WTERMSIG(st)));

	/* Child dies of its own SIGSEGV (no core: RLIMIT_CORE 0). */
	struct rlimit nocore = {0, 0};
	setrlimit(RLIMIT_CORE, &nocore);
	pid = fork();
	if (pid == 0) {
		*(volatile int *)8 = 1;
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("child touching NULL: %s\n", wstatus_str(st));
	pid = fork();
	if (pid == 0) {
		abort();
	}
	waitpid(pid, &st, 0);
	printf("child calling abort(): %s\n", wstatus_str(st));

	/* WNOHANG while the child still runs. */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		read(p[0], &c, 1);
		_exit(3);
	}
	close(p[0]);
	RET("waitpid(WNOHANG) on a running child", waitpid(pid, &st, WNOHANG));
	close(p[1]);
	r = waitpid(pid, &st, 0);
	printf("then: %s\n", wstatus_str(st));

	/* waitid. */
	pid = fork();
	if (pid == 0)
		_exit(42);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	RET("waitid(P_PID, WEXITED)", waitid(P_PID, pid, &si, WEXITED));
	printf("si_signo=%s si_code=%s si_status=%d si_pid ok: %s\n",
	       signame(si.si_signo),
	       si.si_code == CLD_EXITED ? "CLD_EXITED" : "other", si.si_status,
	       si.si_pid == pid ? "yes" : "no");
	pid = fork();
	if (pid == 0)
		_exit(5);
	memset(&si, 0, sizeof(si));
	RET("waitid(P_ALL, WEXITED|WNOWAIT)",
	    waitid(P_ALL, 0, &si, WEXITED | WNOWAIT));
	printf("si_status=%d\n", si.si_status);
	r = waitpid(pid, &st, 0);
	printf("child still reapable after WNOWAIT: %s (%s)\n",
	       r == pid ? "yes" : "no", wstatus_str(st));
	pid = fork();
	if (pid == 0) {
		raise(SIGTERM);
		_exit(0);
	}
	memset(&si, 0, sizeof(si));
	waitid(P_PID, pid, &si, WEXITED);
	printf("waitid killed: si_code=%s si_status=%s\n",
	       si.si_code == CLD_KILLED ? "CLD_KILLED" : "other",
	       signame(si.si_status));

	/* No children. */
	ERR("wait(no children)", wait(&st));
	ERR("waitpid(1234567, no such child)", waitpid(1234567, &st, 0));
	ERR("waitid(P_ALL, no children)", waitid(P_ALL, 0, &si, WEXITED));
	ERR("waitpid(bad options)", waitpid(-1, &st, 0x10000000));
	ERR("waitid(no WEXITED etc.)", waitid(P_ALL, 0, &si, 0));

	/* Several children reaped in any order, each once. */
	int seen = 0;
	for (int i = 0; i < 5; i++)
		if (fork() == 0)
			_exit(i);
	while ((r = wait(&st)) > 0)
		seen |= 1 << WEXITSTATUS(st);
	printf("5 children reaped, statuses seen: 0x%x, then %s\n", seen,
	       errname(errno));

	/* vfork: the parent waits until the child exits; memory is shared. */
	volatile int shared = 0;
	pid = vfork();
	if (pid == 0) {
		shared = 1;
		_exit(9);
	}
	waitpid(pid, &st, 0);
	printf("vfork: child %s, wrote parent's memory: %s\n", wstatus_str(st),
	       shared ? "yes" : "no");

	/* Raw clone() with only SIGCHLD is fork. */
	pid = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
	if (pid == 0)
		_exit(11);
	waitpid(pid, &st, 0);
	printf("clone(SIGCHLD): child %s\n", wstatus_str(st));

	/* Orphans are reparented (to the sandbox init or a subreaper). */
	int q[2];
	pipe(p);
	pipe(q);
	pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			char c;
			close(p[1]);
			close(q[0]);
			read(p[0], &c, 1); /* EOF once the middle one is gone */
			c = getppid() != getpid() && getppid() != me ? 'y'
								     : 'n';
			write(q[1], &c, 1);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("middle child: %s\n", wstatus_str(st));
	close(p[0]);
	close(p[1]);
	close(q[1]);
	char c = '?';
	read(q[0], &c, 1);
	printf(
	    "orphaned grandchild reparented away from the middle child: %c\n",
	    c);
	ERR("wait: the grandchild is not our child", wait(&st));
	return 0;
}
