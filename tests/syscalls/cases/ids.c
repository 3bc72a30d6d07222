/* getpid, getppid, gettid, getuid/geteuid/getgid/getegid, getresuid,
 * getresgid, getgroups, getpgid/getsid relations. Values that depend on the
 * sandbox's pid namespace are printed as relations only. */
#include "compat.h"
#include <grp.h>

int main(void)
{
	pid_t pid = getpid(), ppid = getppid();
	uid_t r, e, s;
	gid_t gr, ge, gs;
	int st;

	YESNO("getpid() > 0", pid > 0);
	YESNO("gettid() == getpid() in the main thread", gettid() == pid);
	YESNO("getpid() stable", getpid() == pid && syscall(SYS_getpid) == pid);
	YESNO("getppid() != getpid()", ppid != pid);

	int p[2];
	pipe(p);
	pid_t child = fork();
	if (child == 0) {
		int ok =
		    getppid() == pid && getpid() != pid && gettid() == getpid();
		write(p[1], ok ? "y" : "n", 1);
		pid_t mine = getpid();
		write(p[1], &mine, sizeof(mine));
		_exit(0);
	}
	char c;
	pid_t seen;
	read(p[0], &c, 1);
	read(p[0], &seen, sizeof(seen));
	waitpid(child, &st, 0);
	printf("child: getppid()==parent's getpid(), own pid, tid==pid: %c\n",
	       c);
	YESNO("fork()'s return == child's getpid()", seen == child);

	/* Credentials: printed as values (root natively and in the sandbox). */
	printf("uid=%d euid=%d gid=%d egid=%d\n", getuid(), geteuid(), getgid(),
	       getegid());
	RET("getresuid", getresuid(&r, &e, &s));
	printf("  r=%d e=%d s=%d\n", r, e, s);
	RET("getresgid", getresgid(&gr, &ge, &gs));
	printf("  r=%d e=%d s=%d\n", gr, ge, gs);
	ERR("getresuid(BADPTR)", syscall(SYS_getresuid, BADPTR, &e, &s));
	int n = getgroups(0, NULL);
	YESNO("getgroups(0, NULL) >= 0", n >= 0);
	gid_t groups[256];
	YESNO("getgroups(n) == n", getgroups(256, groups) == n);
	ERR("getgroups(-1)", getgroups(-1, groups));

	/* Process groups and sessions. */
	YESNO("getpgid(0) == getpgrp()", getpgid(0) == getpgrp());
	YESNO("getsid(0) succeeds", getsid(0) >= 0);
	ERR("getpgid(no such pid)", getpgid(999999));
	ERR("getsid(no such pid)", getsid(999999));
	child = fork();
	if (child == 0) {
		int ok = setpgid(0, 0) == 0 && getpgrp() == getpid();
		int ok2 = setsid() == -1 &&
			  errno == EPERM; /* already a group leader */
		_exit(ok * 2 + ok2);
	}
	waitpid(child, &st, 0);
	printf("child setpgid(0,0) makes it a group leader, then setsid EPERM: "
	       "%d\n",
	       WEXITSTATUS(st));
	child = fork();
	if (child == 0) {
		pid_t sid = setsid();
		_exit(sid == getpid() && getsid(0) == getpid() &&
		      getpgrp() == getpid());
	}
	waitpid(child, &st, 0);
	printf("child setsid() makes a new session it leads: %d\n",
	       WEXITSTATUS(st));
	return 0;
}
