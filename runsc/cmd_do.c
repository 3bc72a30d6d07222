/* runsc do CMD ARGS...: run a command in a sandbox over the host's root
 * filesystem, read-only with an in-memory overlay. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runsc/cli.h"
#include "runsc/sandbox.h"

/* --debug-log=PATH: a directory (existing, or named with a trailing '/')
 * gets a file per sandbox, as gVisor's runsc does; anything else is the
 * log file itself. */
static int open_debug_log(const char *path, struct rerr *e)
{
	char file[PATH_MAX + 64];
	struct stat st;
	size_t n = strlen(path);
	int fd;

	if ((n && path[n - 1] == '/') ||
	    (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return rerr_set(e, errno, "--debug-log=%s", path);
		snprintf(file, sizeof(file), "%s/runsc.%d.sentry.log", path,
			 (int)getpid());
	} else {
		snprintf(file, sizeof(file), "%s", path);
	}
	fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return rerr_set(e, errno, "--debug-log=%s", file);
	return fd;
}

static pid_t sentry_pid = -1;

static void forward(int sig)
{
	if (sentry_pid > 0)
		kill(sentry_pid, sig);
}

int cmd_do(struct globals *g, int argc, char **argv, struct rerr *e)
{
	struct sandbox_config c = {
	    .rootfs = "/",
	    .rootfs_ro = true,
	    .overlay = true,
	    .argv = argv,
	    .strace = g->strace,
	    .profile = g->profile,
	    .debug = g->debug,
	    .log_fd = -1,
	    .oom_fd = -1,
	    .release_fd = -1,
	    .control_fd = -1,
	};
	struct sandbox sb;
	char cwd[PATH_MAX];
	bool signaled;
	int status;

	if (argc < 1) {
		rerr_set(e, 0, "do: missing command");
		return 2;
	}
	if (check_platform(g->platform, e) < 0)
		return 2;
	c.platform = g->platform;
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	c.cwd = cwd;
	if (g->debug_log) {
		c.log_fd = open_debug_log(g->debug_log, e);
		if (c.log_fd < 0)
			return 125;
	}
	if (sandbox_launch(&c, &sb, e) < 0) {
		if (c.log_fd >= 0)
			close(c.log_fd);
		return 125;
	}
	if (c.log_fd >= 0)
		close(c.log_fd);
	sentry_pid = sb.sentry;
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	signal(SIGINT, SIG_IGN); /* the terminal sends it to the sentry too */
	signal(SIGQUIT, SIG_IGN);

	status = sandbox_wait(&sb, &signaled);
	if (signaled)
		fprintf(stderr, "runsc: sandbox killed by signal %d\n",
			status - 128);
	return status;
}
