/* runsc: the command-line front end. Global flags come before the
 * subcommand, as runc and gVisor's runsc take them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct globals {
	bool strace;
	bool debug;
	const char *platform;
	const char *debug_log;
};

static char helper_dir[PATH_MAX];

static void find_helpers(void)
{
	ssize_t n = readlink("/proc/self/exe", helper_dir, sizeof(helper_dir) - 1);
	char *slash;

	if (n <= 0) {
		strcpy(helper_dir, ".");
		return;
	}
	helper_dir[n] = 0;
	slash = strrchr(helper_dir, '/');
	if (slash)
		*slash = 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: runsc [global flags] COMMAND [args]\n"
		"\n"
		"commands:\n"
		"  do CMD [ARG...]   run CMD in a sandbox over the host's root\n"
		"                    filesystem (read-only, with an in-memory\n"
		"                    overlay: writes vanish when CMD exits)\n"
		"\n"
		"global flags:\n"
		"  --platform=ptrace   how application code is run (ptrace)\n"
		"  --strace            print each syscall of the application\n"
		"  --debug             verbose sentry log on stderr\n"
		"  --debug-log=FILE    write the sentry's log to FILE\n");
}

/* --debug-log=PATH: a directory (existing, or named with a trailing '/')
 * gets a file per sandbox, as gVisor's runsc does; anything else is the
 * log file itself. */
static int open_debug_log(const char *path)
{
	char file[PATH_MAX + 64];
	struct stat st;
	size_t n = strlen(path);
	int fd;

	if ((n && path[n - 1] == '/') ||
	    (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "runsc: --debug-log=%s: %s\n", path,
				strerror(errno));
			return -1;
		}
		snprintf(file, sizeof(file), "%s/runsc.%d.sentry.log", path,
			 (int)getpid());
	} else {
		snprintf(file, sizeof(file), "%s", path);
	}
	fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		fprintf(stderr, "runsc: --debug-log=%s: %s\n", file,
			strerror(errno));
	return fd;
}

static pid_t sentry_pid = -1;

static void forward(int sig)
{
	if (sentry_pid > 0)
		kill(sentry_pid, sig);
}

static int cmd_do(struct globals *g, int argc, char **argv)
{
	char gofer[PATH_MAX + 32], sentry[PATH_MAX + 32], fdarg[32], cwdarg[PATH_MAX + 8];
	char cwd[PATH_MAX];
	int sv[2], status, logfd = -1;
	pid_t gofer_pid;

	if (argc < 1) {
		fprintf(stderr, "runsc do: missing command\n");
		return 2;
	}
	if (g->platform && strcmp(g->platform, "ptrace")) {
		fprintf(stderr, "runsc: --platform=%s: unsupported platform "
				"(available: ptrace)\n",
			g->platform);
		return 2;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	if (g->debug_log) {
		logfd = open_debug_log(g->debug_log);
		if (logfd < 0)
			return 125;
	}
	snprintf(gofer, sizeof(gofer), "%s/runsc-gofer", helper_dir);
	snprintf(sentry, sizeof(sentry), "%s/runsc-sentry", helper_dir);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		perror("runsc: socketpair");
		return 125;
	}

	gofer_pid = fork();
	if (gofer_pid < 0) {
		perror("runsc: fork");
		return 125;
	}
	if (gofer_pid == 0) {
		int fd = dup(sv[1]); /* without CLOEXEC */
		snprintf(fdarg, sizeof(fdarg), "%d", fd);
		execl(gofer, "runsc-gofer", "--root", "/", "--fd", fdarg, "--ro",
		      (char *)NULL);
		fprintf(stderr, "runsc: cannot run %s: %s\n", gofer,
			strerror(errno));
		_exit(125);
	}
	close(sv[1]);

	/* The sentry is pid 1 of new pid, mount, ipc and uts namespaces: when
	 * it dies, the kernel kills every stub process with it. */
	sentry_pid = syscall(SYS_clone,
			     CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC |
				     CLONE_NEWUTS | SIGCHLD,
			     0, 0, 0, 0);
	if (sentry_pid < 0) {
		perror("runsc: creating the sandbox namespaces");
		kill(gofer_pid, SIGKILL);
		return 125;
	}
	if (sentry_pid == 0) {
		char *args[argc + 16], logarg[32];
		int n = 0, fd = dup(sv[0]);
		snprintf(fdarg, sizeof(fdarg), "--gofer-fd=%d", fd);
		snprintf(cwdarg, sizeof(cwdarg), "--cwd=%s", cwd);
		args[n++] = "runsc-sentry";
		args[n++] = fdarg;
		args[n++] = cwdarg;
		if (g->strace)
			args[n++] = "--strace";
		if (g->debug)
			args[n++] = "--debug";
		if (logfd >= 0) {
			snprintf(logarg, sizeof(logarg), "--log-fd=%d",
				 dup(logfd));
			args[n++] = logarg;
		}
		args[n++] = "--";
		for (int i = 0; i < argc; i++)
			args[n++] = argv[i];
		args[n] = NULL;
		execv(sentry, args);
		fprintf(stderr, "runsc: cannot run %s: %s\n", sentry,
			strerror(errno));
		_exit(125);
	}
	close(sv[0]);
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	signal(SIGINT, SIG_IGN); /* the terminal sends it to the sentry too */
	signal(SIGQUIT, SIG_IGN);

	while (waitpid(sentry_pid, &status, 0) < 0 && errno == EINTR)
		;
	/* The gofer exits when its socket closes; make sure. */
	kill(gofer_pid, SIGKILL);
	while (waitpid(gofer_pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "runsc: sandbox killed by signal %d\n",
			WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	struct globals g = {0};
	int i;

	find_helpers();
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--strace"))
			g.strace = true;
		else if (!strcmp(a, "--debug"))
			g.debug = true;
		else if (!strncmp(a, "--platform=", 11))
			g.platform = a + 11;
		else if (!strncmp(a, "--debug-log=", 12))
			g.debug_log = a + 12;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "runsc: unknown flag %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "do"))
		return cmd_do(&g, argc - i - 1, argv + i + 1);
	fprintf(stderr, "runsc: unknown command %s\n", argv[i]);
	usage(stderr);
	return 2;
}
