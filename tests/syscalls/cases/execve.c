/* execve: of itself with arguments and environment, of /bin/true and a #!
 * script, fds with and without O_CLOEXEC, and the errors. */
#include "compat.h"

extern char **environ;

int main(int argc, char **argv)
{
	int st;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		printf("exec'd child: argc=%d", argc);
		for (int i = 1; i < argc; i++)
			printf(" [%s]", argv[i]);
		printf("\n");
		printf("env COMPAT_VAR=%s\n",
		       getenv("COMPAT_VAR") ? getenv("COMPAT_VAR") : "(unset)");
		int keep = atoi(argv[2]), drop = atoi(argv[3]);
		printf("inherited fd open: %s\n",
		       fcntl(keep, F_GETFD) >= 0 ? "yes" : "no");
		printf("O_CLOEXEC fd open: %s\n",
		       fcntl(drop, F_GETFD) >= 0 ? "yes" : "no");
		char c = '?';
		ssize_t n = read(keep, &c, 1);
		printf("offset shared: read %zd byte '%c'\n", n, c);
		struct sigaction sa;
		sigaction(SIGUSR1, NULL, &sa);
		printf("SIGUSR1 handler reset to default: %s\n",
		       sa.sa_handler == SIG_DFL ? "yes" : "no");
		sigaction(SIGUSR2, NULL, &sa);
		printf("SIGUSR2 ignore kept: %s\n",
		       sa.sa_handler == SIG_IGN ? "yes" : "no");
		sigset_t m;
		sigprocmask(SIG_BLOCK, NULL, &m);
		printf("SIGINT still blocked: %s\n",
		       sigismember(&m, SIGINT) ? "yes" : "no");
		return 5;
	}

	compat_tmpdir();
	compat_write_file("data", "xyz");
	int keep = open("data", O_RDONLY);
	int drop = open("data", O_RDONLY | O_CLOEXEC);
	char c;
	read(keep, &c, 1);

	pid = fork();
	if (pid == 0) {
		char k[16], d[16];
		snprintf(k, sizeof(k), "%d", keep);
		snprintf(d, sizeof(d), "%d", drop);
		char *args[] = {argv[0], "child", k, d, "with space", "", NULL};
		char *env[] = {"COMPAT_VAR=hello", NULL};
		signal(SIGUSR1, (void (*)(int))exit);
		signal(SIGUSR2, SIG_IGN);
		sigset_t m;
		sigemptyset(&m);
		sigaddset(&m, SIGINT);
		sigprocmask(SIG_BLOCK, &m, NULL);
		execve(argv[0], args, env);
		printf("execve failed: %s\n", errname(errno));
		_exit(100);
	}
	waitpid(pid, &st, 0);
	printf("parent: child %s\n", wstatus_str(st));

	pid = fork();
	if (pid == 0) {
		char *args[] = {"true", NULL};
		execve("/bin/true", args, environ);
		_exit(100);
	}
	waitpid(pid, &st, 0);
	printf("/bin/true: %s\n", wstatus_str(st));

	/* A #! script through /bin/sh. */
	compat_write_file("script", "#!/bin/sh -e\necho \"script args: $0 $*\" "
				    "| sed 's|.*/||'\nexit 4\n");
	chmod("script", 0755);
	pid = fork();
	if (pid == 0) {
		char *args[] = {"./script", "a", "b", NULL};
		execve("./script", args, environ);
		_exit(100);
	}
	waitpid(pid, &st, 0);
	printf("script: %s\n", wstatus_str(st));

	/* execvp-style PATH search is libc's; the kernel sees full paths. */
	pid = fork();
	if (pid == 0) {
		execlp("sh", "sh", "-c", "exit 6", (char *)NULL);
		_exit(100);
	}
	waitpid(pid, &st, 0);
	printf("sh -c 'exit 6': %s\n", wstatus_str(st));

	char *noargs[] = {"x", NULL};
	ERR("execve(missing)", execve("/no/such/file", noargs, environ));
	ERR("execve(data, not executable)", execve("data", noargs, environ));
	chmod("data", 0755);
	ERR("execve(data, executable garbage)",
	    execve("./data", noargs, environ));
	ERR("execve(directory)", execve("/tmp", noargs, environ));
	ERR("execve(data/x)", execve("data/x", noargs, environ));
	ERR("execve(BADPTR path)",
	    syscall(SYS_execve, BADPTR, noargs, environ));
	ERR("execve(argv BADPTR)",
	    syscall(SYS_execve, "/bin/true", BADPTR, environ));
	compat_write_file("badinterp", "#!/no/such/interpreter\n");
	chmod("badinterp", 0755);
	ERR("execve(#! missing interpreter)",
	    execve("./badinterp", noargs, environ));
	printf("still running after failed execs: yes\n");
	return 0;
}
