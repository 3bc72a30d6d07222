/* runsc do [--root-rw] [-v SRC:DST[:ro]]... [--tmpfs DST]... CMD ARGS...:
 * run a command in a sandbox over the host's root filesystem, read-only
 * with an in-memory overlay (writes vanish at exit), or with --root-rw
 * served writable by the gofer, no overlay: writes reach the host, as an
 * OCI container's reach its root.path (for tests of that path, and for
 * tools meant to change the host); -v binds host paths into it (docker
 * run's -v), --tmpfs mounts an empty tmpfs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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

/* -v SRC:DST[:ro|:rw] into m (pointing into spec, which is modified). */
static int parse_volume(char *spec, struct sandbox_mount *m, struct rerr *e)
{
	char *dst = strchr(spec, ':'), *mode;
	struct stat st;

	if (!dst || spec[0] != '/' || dst[1] != '/')
		return rerr_set(e, 0,
				"do: -v %s: want /HOST/PATH:/SANDBOX/PATH[:ro]",
				spec);
	*dst++ = 0;
	mode = strchr(dst, ':');
	m->read_only = false;
	if (mode) {
		*mode++ = 0;
		if (!strcmp(mode, "ro"))
			m->read_only = true;
		else if (strcmp(mode, "rw"))
			return rerr_set(e, 0, "do: -v: mode %s: want ro or rw",
					mode);
	}
	if (stat(spec, &st) < 0)
		return rerr_set(e, errno, "do: -v %s", spec);
	m->type = "bind";
	m->source = spec;
	m->dest = dst;
	m->options = m->read_only ? "ro" : NULL;
	return 0;
}

/* The flags before CMD (CMD's own are CMD's): returns how many argv
 * entries they took, or -1 with e set. */
static int parse_do_flags(int argc, char **argv, struct sandbox_config *c,
			  struct sandbox_mount *mounts, struct rerr *e)
{
	size_t *n = &c->n_mounts;
	int i;

	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		char *a = argv[i], *val = NULL;
		bool vol = !strcmp(a, "-v") || !strcmp(a, "--volume"),
		     tmp = !strcmp(a, "--tmpfs");

		if (!strcmp(a, "--"))
			return i + 1;
		if (!strcmp(a, "--root-rw")) {
			c->rootfs_ro = false;
			c->overlay = false;
			continue;
		}
		if (!strncmp(a, "--volume=", 9) || !strncmp(a, "--tmpfs=", 8)) {
			val = strchr(a, '=') + 1;
			vol = a[2] == 'v';
			tmp = !vol;
		} else if ((vol || tmp) && i + 1 < argc) {
			val = argv[++i];
		} else {
			return rerr_set(e, 0,
					"do: unknown flag %s (flags go "
					"before the command)",
					a);
		}
		if (vol && parse_volume(val, &mounts[*n], e) < 0)
			return -1;
		if (tmp) {
			if (val[0] != '/')
				return rerr_set(e, 0,
						"do: --tmpfs %s: not an "
						"absolute path",
						val);
			mounts[*n] = (struct sandbox_mount){.type = "tmpfs",
							    .dest = val};
		}
		(*n)++;
	}
	return i;
}

static pid_t sentry_pid = -1;

static void forward(int sig)
{
	if (sentry_pid > 0)
		kill(sentry_pid, sig);
}

/* The sandbox's life once its mounts are known; cmd_do frees them. */
static int run(struct globals *g, struct sandbox_config *c, struct rerr *e)
{
	struct sandbox sb;
	char cwd[PATH_MAX];
	bool signaled;
	int status;

	if (!c->argv[0]) {
		rerr_set(e, 0, "do: missing command");
		return 2;
	}
	if (check_platform(g->platform, e) < 0)
		return 2;
	c->platform = g->platform;
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	c->cwd = cwd;
	if (g->debug_log) {
		c->log_fd = open_debug_log(g->debug_log, e);
		if (c->log_fd < 0)
			return 125;
	}
	if (sandbox_launch(c, &sb, e) < 0) {
		if (c->log_fd >= 0)
			close(c->log_fd);
		return 125;
	}
	if (c->log_fd >= 0)
		close(c->log_fd);
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

int cmd_do(struct globals *g, int argc, char **argv, struct rerr *e)
{
	struct sandbox_config c = {
	    .rootfs = "/",
	    .rootfs_ro = true,
	    .overlay = true,
	    .strace = g->strace,
	    .profile = g->profile,
	    .syscall_patch = g->syscall_patch,
	    .debug = g->debug,
	    .log_fd = -1,
	    .oom_fd = -1,
	    .release_fd = -1,
	    .release_wfd = -1,
	    .control_fd = -1,
	};
	/* At most one mount per argument. */
	struct sandbox_mount *mounts =
	    calloc((size_t)argc + 1, sizeof(*mounts));
	int used, status = 2;

	if (!mounts) {
		rerr_set(e, errno, "do");
		return 125;
	}
	used = parse_do_flags(argc, argv, &c, mounts, e);
	if (used >= 0) {
		c.mounts = mounts;
		c.argv = argv + used;
		status = run(g, &c, e);
	}
	free(mounts);
	return status;
}
