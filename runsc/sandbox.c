#define _GNU_SOURCE
#include "runsc/sandbox.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runsc/cli.h"

extern char **environ;

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* In a child before exec: handlers the parent installed must not run
 * here (they would act on the parent's behalf), and a SIGCHLD the parent
 * blocks to wait for its children must not stay blocked in the sentry. */
static void child_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	for (int sig = 1; sig < NSIG; sig++) {
		if (sigaction(sig, NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN)
			signal(sig, SIG_DFL);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static bool is_bind(const struct sandbox_mount *m)
{
	return !strcmp(m->type, "bind");
}

static void exec_gofer(const struct sandbox_config *c, int sock)
{
	char gofer[PATH_MAX + 32], fdarg[32];
	int fd = dup(sock); /* without CLOEXEC */
	const char **args = calloc(2 * c->n_mounts + 8, sizeof(*args));
	size_t n = 0;

	child_signals();
	if (c->die_with_parent)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!args)
		_exit(125);
	snprintf(gofer, sizeof(gofer), "%s/runsc-gofer", helper_dir);
	snprintf(fdarg, sizeof(fdarg), "%d", fd);
	args[n++] = "runsc-gofer";
	args[n++] = "--root";
	args[n++] = c->rootfs;
	args[n++] = "--fd";
	args[n++] = fdarg;
	if (c->rootfs_ro)
		args[n++] = "--ro";
	/* Tree N of the gofer is the N-th bind mount (see exec_sentry). */
	for (size_t i = 0; i < c->n_mounts; i++) {
		if (!is_bind(&c->mounts[i]))
			continue;
		args[n++] = c->mounts[i].read_only ? "--mount-ro" : "--mount";
		args[n++] = c->mounts[i].source;
	}
	args[n] = NULL;
	execv(gofer, (char *const *)args);
	fprintf(stderr, "runsc: cannot run %s: %s\n", gofer, strerror(errno));
	_exit(125);
}

static void exec_sentry(const struct sandbox_config *c, int sock)
{
	char sentry[PATH_MAX + 32], fdarg[32], logarg[32], ctlarg[32];
	char memarg[48], pidsarg[48], oomarg[32], patcharg[32];
	char *cwdarg = NULL, *hostarg = NULL, *platarg = NULL, **mounts;
	size_t argc = 0, n = 0, nrlim = 0;
	char **args;

	child_signals();
	if (c->die_with_parent)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (c->release_wfd >= 0)
		close(c->release_wfd);
	if (c->release_fd >= 0) {
		char byte;
		ssize_t r;

		while ((r = read(c->release_fd, &byte, 1)) < 0 &&
		       errno == EINTR)
			;
		if (r != 1)
			_exit(125);
		close(c->release_fd);
	}
	while (c->argv[argc])
		argc++;
	while (c->rlimits && c->rlimits[nrlim])
		nrlim++;
	args = calloc(argc + 2 * nrlim + 2 * c->n_mounts + 25, sizeof(*args));
	if (!args || asprintf(&cwdarg, "--cwd=%s", c->cwd) < 0 ||
	    (c->hostname &&
	     asprintf(&hostarg, "--hostname=%s", c->hostname) < 0) ||
	    (c->platform &&
	     asprintf(&platarg, "--platform=%s", c->platform) < 0))
		_exit(125);
	snprintf(sentry, sizeof(sentry), "%s/runsc-sentry", helper_dir);
	snprintf(fdarg, sizeof(fdarg), "--gofer-fd=%d", dup(sock));
	args[n++] = "runsc-sentry";
	args[n++] = fdarg;
	args[n++] = cwdarg;
	if (!c->overlay)
		args[n++] = "--no-overlay";
	if (c->rootfs_ro)
		args[n++] = "--root-ro";
	if (hostarg)
		args[n++] = hostarg;
	if (platarg)
		args[n++] = platarg;
	if (c->user) {
		args[n++] = "--user";
		args[n++] = (char *)c->user;
	}
	if (c->caps) {
		args[n++] = "--caps";
		args[n++] = (char *)c->caps;
	}
	if (c->no_new_privs)
		args[n++] = "--no-new-privs";
	for (size_t i = 0; i < nrlim; i++) {
		args[n++] = "--rlimit";
		args[n++] = c->rlimits[i];
	}
	mounts = sandbox_mount_args(c);
	if (!mounts)
		_exit(125);
	for (size_t i = 0; i < c->n_mounts; i++) {
		args[n++] = "--mount";
		args[n++] = mounts[i];
	}
	if (c->memory_limit) {
		snprintf(memarg, sizeof(memarg), "--memory-limit=%llu",
			 c->memory_limit);
		args[n++] = memarg;
	}
	if (c->pids_limit) {
		snprintf(pidsarg, sizeof(pidsarg), "--pids-limit=%llu",
			 c->pids_limit);
		args[n++] = pidsarg;
	}
	if (c->oom_fd >= 0) {
		snprintf(oomarg, sizeof(oomarg), "--oom-fd=%d", dup(c->oom_fd));
		args[n++] = oomarg;
	}
	if (c->strace)
		args[n++] = "--strace";
	if (c->profile)
		args[n++] = "--profile";
	if (c->syscall_patch < 0) {
		args[n++] = "--syscall-patch";
	} else if (c->syscall_patch) {
		snprintf(patcharg, sizeof(patcharg), "--syscall-patch=%d",
			 c->syscall_patch);
		args[n++] = patcharg;
	}
	if (c->debug)
		args[n++] = "--debug";
	if (c->log_fd >= 0) {
		snprintf(logarg, sizeof(logarg), "--log-fd=%d", dup(c->log_fd));
		args[n++] = logarg;
	}
	if (c->control_fd >= 0) {
		snprintf(ctlarg, sizeof(ctlarg), "--control-fd=%d",
			 dup(c->control_fd));
		args[n++] = ctlarg;
	}
	args[n++] = "--";
	for (size_t i = 0; i < argc; i++)
		args[n++] = c->argv[i];
	args[n] = NULL;
	execve(sentry, args, c->envp ? c->envp : environ);
	fprintf(stderr, "runsc: cannot run %s: %s\n", sentry, strerror(errno));
	_exit(125);
}

int sandbox_start_gofer(const struct sandbox_config *c, pid_t *pid, int *sock,
			struct rerr *e)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return rerr_set(e, errno, "socketpair");
	*pid = fork();
	if (*pid < 0) {
		int err = errno;

		close(sv[0]);
		close(sv[1]);
		return rerr_set(e, err, "fork");
	}
	if (*pid == 0) {
		close(sv[0]);
		exec_gofer(c, sv[1]);
	}
	close(sv[1]);
	*sock = sv[0];
	return 0;
}

char **sandbox_mount_args(const struct sandbox_config *c)
{
	char **v = calloc(c->n_mounts + 1, sizeof(*v));

	for (size_t i = 0, tree = 0; v && i < c->n_mounts; i++) {
		const struct sandbox_mount *m = &c->mounts[i];
		char src[16] = "";

		if (is_bind(m))
			snprintf(src, sizeof(src), "%zu", ++tree);
		if (asprintf(&v[i], "%s:%s:%s:%s", m->type, src,
			     m->options ? m->options : "", m->dest) < 0) {
			v[i] = NULL;
			sandbox_free_args(v);
			return NULL;
		}
	}
	return v;
}

void sandbox_free_args(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int sandbox_launch(const struct sandbox_config *c, struct sandbox *sb,
		   struct rerr *e)
{
	int sv[2];

	if (sandbox_start_gofer(c, &sb->gofer, &sv[0], e) < 0)
		return -1;

	/* The sentry is pid 1 of new pid, mount, ipc and uts namespaces: when
	 * it dies, the kernel kills every stub process with it. */
	sb->sentry = syscall(SYS_clone,
			     CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC |
				 CLONE_NEWUTS | SIGCHLD,
			     0, 0, 0, 0);
	if (sb->sentry < 0) {
		int err = errno;

		close(sv[0]);
		kill(sb->gofer, SIGKILL);
		reap(sb->gofer);
		return rerr_set(e, err, "creating the sandbox namespaces");
	}
	if (sb->sentry == 0)
		exec_sentry(c, sv[0]);
	close(sv[0]);
	return 0;
}

int sandbox_wait(struct sandbox *sb, bool *signaled)
{
	int status = 0;

	while (waitpid(sb->sentry, &status, 0) < 0 && errno == EINTR)
		;
	/* The gofer exits when its socket closes; make sure. */
	kill(sb->gofer, SIGKILL);
	reap(sb->gofer);
	if (signaled)
		*signaled = WIFSIGNALED(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
