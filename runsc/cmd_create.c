/* runsc create / run: a container from an OCI bundle.
 *
 * create forks the container's monitor (its "pid"), which starts the gofer
 * on root.path and the sentry's namespaces, tells create that all went
 * well, and then holds the sentry back until `start` writes a byte into
 * ROOT/ID/start.fifo. The monitor then waits for the sandbox, records the
 * exit status in ROOT/ID/exit and exits with it. run is create + start,
 * then waits for the monitor (unless --detach) and deletes the
 * container. Nothing is left behind by a create that fails. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runsc/cli.h"
#include "runsc/console.h"
#include "runsc/container.h"
#include "runsc/control.h"
#include "runsc/hooks.h"
#include "runsc/hostcg.h"
#include "runsc/oci_spec.h"
#include "runsc/mounts.h"
#include "runsc/pod.h"
#include "runsc/sandbox.h"

struct create_opts {
	const char *id;
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	bool foreground; /* run without --detach: keep the caller's session */
};

static pid_t monitor_sentry = -1;

static void monitor_forward(int sig)
{
	if (monitor_sentry > 0)
		kill(monitor_sentry, sig);
}

static void on_sigchld(int sig)
{
	(void)sig;
}

/* The monitor: never returns. sync_fd gets one struct monitor_ready. */
static void monitor_main(const struct globals *g, const struct container *c,
			 struct sandbox_config *cfg, int sync_fd,
			 bool foreground, int console)
{
	struct monitor_ready m = {0};
	struct sigaction sa = {0};
	struct rerr e = {{0}};
	char fifo_path[PATH_MAX + 16];
	sigset_t chld, orig;
	struct sandbox sb;
	int rel[2], fifo, status = 125, st;
	bool crashed;

	monitor_detach(foreground, console);

	/* Every signal that can be caught goes to the sandbox, whose sentry
	 * passes the ones the application should see to its init. In the
	 * foreground the terminal's own signals already reach the sentry
	 * (same process group). */
	sa.sa_handler = monitor_forward;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++) {
		if (!signal_forwardable(sig))
			continue;
		if ((sig == SIGINT || sig == SIGQUIT) && foreground) {
			signal(sig, SIG_IGN);
			continue;
		}
		sigaction(sig, &sa, NULL); /* EINVAL for glibc's own: fine */
	}
	signal(SIGPIPE, SIG_IGN);
	sa.sa_handler = on_sigchld;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &orig);

	/* O_RDWR: never blocks, and we never see EOF when a `start` closes
	 * its end; only its byte counts. */
	snprintf(fifo_path, sizeof(fifo_path), "%s/start.fifo", c->dir);
	fifo = open(fifo_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0) {
		rerr_set(&e, errno, "opening %s", fifo_path);
		goto fail;
	}
	if (pipe2(rel, O_CLOEXEC) < 0) {
		rerr_set(&e, errno, "pipe");
		goto fail;
	}
	cfg->release_fd = rel[0];
	cfg->release_wfd = rel[1];
	cfg->die_with_parent = true;
	cfg->control_fd = control_listen(c->dir, &e);
	if (cfg->control_fd < 0)
		goto fail;
	if (sandbox_launch(cfg, &sb, &e) < 0)
		goto fail;
	close(rel[0]);
	close(cfg->control_fd);
	monitor_sentry = sb.sentry;

	m.ok = 1;
	m.sentry = sb.sentry;
	m.gofer = sb.gofer;
	if (write(sync_fd, &m, sizeof(m)) != sizeof(m))
		_exit(125); /* create is gone: the children die with us */
	close(sync_fd);

	for (;;) {
		struct pollfd p = {.fd = fifo, .events = POLLIN};
		char byte;

		if (waitpid(sb.sentry, &st, WNOHANG) == sb.sentry) {
			/* Killed before it was started. */
			kill(sb.gofer, SIGKILL);
			waitpid(sb.gofer, NULL, 0);
			status = WIFSIGNALED(st) ? 128 + WTERMSIG(st)
						 : WEXITSTATUS(st);
			goto out;
		}
		if (ppoll(&p, 1, NULL, &orig) > 0 && (p.revents & POLLIN) &&
		    read(fifo, &byte, 1) == 1)
			break;
	}
	if (write(rel[1], "", 1) != 1) {
		/* The sentry's side died: sandbox_wait reports it. */
	}
	close(rel[1]);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	status = sandbox_wait(&sb, &crashed);
	/* The sentry reports the application's death by a signal as an
	 * exit status; being killed itself means it crashed (or someone
	 * killed it from the host). */
	if (crashed)
		cli_log(g, "error", false,
			"container %s: the sandbox (sentry pid %d) died by "
			"signal %d; the container is stopped",
			c->id, (int)sb.sentry, status - 128);
out:
	container_write_exit(c->dir, status);
	_exit(status);

fail:
	snprintf(m.msg, sizeof(m.msg), "%s", e.msg);
	if (write(sync_fd, &m, sizeof(m)) != sizeof(m)) {
		/* create sees EOF and reports the monitor's death. */
	}
	_exit(125);
}

/* process.user as the sentry's --user=UID:GID[:G1,G2...]. */
static char *sentry_user(const struct oci_spec *s)
{
	size_t size = 32 + 11 * s->process.n_additional_gids, n;
	char *buf = malloc(size);

	if (!buf)
		abort();
	n = snprintf(buf, size, "%u:%u", s->process.uid, s->process.gid);
	for (size_t i = 0; i < s->process.n_additional_gids; i++)
		n += snprintf(buf + n, size - n, "%c%u", i ? ',' : ':',
			      s->process.additional_gids[i]);
	return buf;
}

/* process.rlimits as the sentry's --rlimit=RES:SOFT:HARD arguments
 * (RLIMIT_* of the host's headers are Linux's numbers). */
static char **sentry_rlimits(const struct oci_spec *s)
{
	char **v = calloc(s->process.n_rlimits + 1, sizeof(*v));

	if (!v)
		abort();
	for (size_t i = 0; i < s->process.n_rlimits; i++) {
		const struct oci_rlimit *r = &s->process.rlimits[i];

		if (asprintf(&v[i], "%d:%llu:%llu", r->resource,
			     (unsigned long long)r->soft,
			     (unsigned long long)r->hard) < 0)
			abort();
	}
	return v;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* mkdir -p: --root's parents may not exist yet (containerd passes
 * /run/containerd/runc/NAMESPACE). */
static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static void rfc3339_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
}

/* What the bundle asks that this slice cannot do: errors for what would
 * change the container's meaning, log lines for what is safe to skip. */
static int check_supported(struct globals *g, const struct oci_spec *s,
			   const struct create_opts *o, struct rerr *e)
{
	if (o->console_socket && !s->process.terminal)
		return rerr_set(e, 0,
				"--console-socket given, but config.json's "
				"process.terminal is false");
	if (s->process.terminal && !o->foreground && !o->console_socket)
		return rerr_set(e, 0,
				"config.json: process.terminal is true, but "
				"a detached container needs --console-socket "
				"for its terminal");
	/* A pod member's processes run in the pod's sentry: its own cpu
	 * resources have no host processes to apply to. */
	if (pod_sandbox_id(s) && hostcg_wanted(s))
		cli_log(g, "warning", g->debug,
			"config.json: linux.resources.cpu: not applied to a "
			"container joining a pod (the pod's sandbox has its "
			"processes); ignored");
	if (s->hooks[OCI_HOOK_START_CONTAINER].n)
		cli_log(g, "warning", g->debug,
			"config.json: hooks.startContainer: not supported "
			"yet; ignored");
	return 0;
}

/* Create the container; on success *c is loaded (status created) and the
 * monitor's pid is c->pid. On failure nothing is left behind. */
static int create_container(struct globals *g, const struct create_opts *o,
			    struct container *c, struct rerr *e)
{
	char bundle[PATH_MAX], rootfs_rel[PATH_MAX * 2], rootfs[PATH_MAX];
	char fifo[PATH_MAX + 16];
	struct sandbox_config cfg = {.log_fd = -1,
				     .oom_fd = -1,
				     .release_fd = -1,
				     .release_wfd = -1,
				     .control_fd = -1};
	struct oci_spec *spec = NULL;
	struct container_mounts mounts = {0};
	struct container pod = {0}; /* the sandbox joined, if any */
	const char *sandbox_id;
	struct monitor_ready m;
	struct json_object *state;
	struct stat st;
	int sync[2] = {-1, -1}, console = -1;
	char *user = NULL, *caps = NULL, **rlimits = NULL;
	ssize_t n;
	pid_t pid;

	memset(c, 0, sizeof(*c));
	if (container_check_id(o->id, e) < 0 ||
	    check_platform(g->platform, e) < 0)
		return -1;
	if (!realpath(o->bundle, bundle))
		return rerr_set(e, errno, "--bundle %s", o->bundle);
	if (oci_spec_load(bundle, &spec, e) < 0)
		return -1;
	if (check_supported(g, spec, o, e) < 0)
		goto fail_spec;
	if ((sandbox_id = pod_sandbox_id(spec))) {
		struct rerr le;
		bool loaded = container_load(g, sandbox_id, &pod, &le) == 0;

		if (!loaded || pod.status == CONTAINER_STOPPED) {
			rerr_set(e, 0,
				 "config.json: annotations: "
				 "io.kubernetes.cri.sandbox-id: %s",
				 loaded ? "that container is stopped" : le.msg);
			goto fail_spec;
		}
	}
	if (spec->root.path[0] == '/')
		snprintf(rootfs_rel, sizeof(rootfs_rel), "%s", spec->root.path);
	else
		snprintf(rootfs_rel, sizeof(rootfs_rel), "%s/%s", bundle,
			 spec->root.path);
	if (!realpath(rootfs_rel, rootfs) || stat(rootfs, &st) < 0) {
		rerr_set(e, errno, "config.json: root.path: %s", rootfs_rel);
		goto fail_spec;
	}
	if (!S_ISDIR(st.st_mode)) {
		rerr_set(e, ENOTDIR, "config.json: root.path: %s", rootfs_rel);
		goto fail_spec;
	}
	/* The sentry mounts its own /proc and /dev; like runc, make their
	 * mount points in the rootfs when missing (it may be read-only to
	 * the sandbox, not to us). Failure shows later as a sentry warning. */
	for (const char *const *d = (const char *const[]){"proc", "dev", NULL};
	     *d; d++)
		if (mkdir_beneath(rootfs, *d, 1) < 0)
			cli_log(g, "debug", false, "creating %s in %s: %s", *d,
				rootfs, strerror(errno));
	if (container_mounts_build(g, spec, bundle, rootfs, &mounts, e) < 0)
		goto fail_spec;

	if (mkdir_p(g->root, 0711) < 0) {
		rerr_set(e, errno, "--root %s", g->root);
		goto fail_spec;
	}
	snprintf(c->id, sizeof(c->id), "%s", o->id);
	container_dir(g, o->id, c->dir);
	if (mkdir(c->dir, 0711) < 0) {
		if (errno == EEXIST)
			rerr_set(e, 0, "container \"%s\" already exists",
				 o->id);
		else
			rerr_set(e, errno, "creating %s", c->dir);
		goto fail_spec;
	}
	/* From here on, failures remove c->dir (and the host cgroups with
	 * it). */
	snprintf(fifo, sizeof(fifo), "%s/start.fifo", c->dir);
	if (mkfifo(fifo, 0600) < 0) {
		rerr_set(e, errno, "creating %s", fifo);
		goto fail_dir;
	}
	if (!sandbox_id && hostcg_wanted(spec)) {
		int r = hostcg_create(c->id, spec, e);

		if (r < 0)
			goto fail_dir;
		if (r > 0)
			cli_log(g, "warning", g->debug, "%s; ignored", e->msg);
		else if (g->systemd_cgroup)
			cli_log(g, "debug", false,
				"--systemd-cgroup: runsc writes the cpu "
				"cgroups through cgroupfs (runsc/%s), not "
				"systemd",
				c->id);
	}
	snprintf(c->bundle, sizeof(c->bundle), "%s", bundle);
	snprintf(c->rootfs, sizeof(c->rootfs), "%s", rootfs);
	rfc3339_now(c->created, sizeof(c->created));
	c->annotations = json_object_new_object();
	for (size_t i = 0; i < spec->n_annotations; i++)
		json_object_object_add(
		    c->annotations, spec->annotations[i].key,
		    json_object_new_string(spec->annotations[i].value));

	cfg.rootfs = rootfs;
	cfg.rootfs_ro = spec->root.readonly;
	/* The root is the gofer's tree itself, as runc's is root.path:
	 * writes reach the bundle's rootfs (or fail with EROFS when
	 * root.readonly). */
	cfg.overlay = false;
	cfg.cwd = spec->process.cwd;
	cfg.argv = spec->process.args;
	cfg.envp = spec->process.env;
	cfg.hostname = spec->hostname;
	cfg.strace = g->strace;
	cfg.profile = g->profile;
	cfg.syscall_patch = g->syscall_patch;
	cfg.platform = g->platform;
	if (spec->lnx.resources.memory_limit > 0)
		cfg.memory_limit =
		    (unsigned long long)spec->lnx.resources.memory_limit;
	if (spec->lnx.resources.pids_limit > 0)
		cfg.pids_limit =
		    (unsigned long long)spec->lnx.resources.pids_limit;
	cfg.user = user = sentry_user(spec);
	cfg.rlimits = rlimits = sentry_rlimits(spec);
	cfg.caps = caps =
	    spec->process.has_caps ? oci_caps_arg(spec->process.caps) : NULL;
	cfg.no_new_privs = spec->process.no_new_privileges;
	cfg.mounts = mounts.v;
	cfg.n_mounts = mounts.n;
	if (g->debug_log) {
		cfg.log_fd =
		    open(g->debug_log,
			 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (cfg.log_fd < 0) {
			rerr_set(e, errno, "--debug-log=%s", g->debug_log);
			goto fail_dir;
		}
	}

	if (cfg.memory_limit) {
		char oom[PATH_MAX + 8];

		/* The sentry's OOM kills, for runsc events (container.h). */
		snprintf(oom, sizeof(oom), "%s/oom", c->dir);
		cfg.oom_fd =
		    open(oom, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (cfg.oom_fd < 0) {
			rerr_set(e, errno, "creating %s", oom);
			goto fail_dir;
		}
	}

	if (o->console_socket) {
		console = make_console(o->console_socket,
				       spec->process.has_console_size,
				       spec->process.console_height,
				       spec->process.console_width, e);
		if (console < 0)
			goto fail_dir;
	}
	if (pipe2(sync, O_CLOEXEC) < 0) {
		rerr_set(e, errno, "pipe");
		goto fail_dir;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rerr_set(e, errno, "fork");
		goto fail_dir;
	}
	if (pid == 0) {
		close(sync[0]);
		/* The monitor joins the container's host cgroups first: the
		 * gofer and the sentry (and its stubs) inherit them. */
		if (!sandbox_id && hostcg_enter(c->id, e) < 0) {
			m = (struct monitor_ready){0};
			snprintf(m.msg, sizeof(m.msg), "%s", e->msg);
			if (write(sync[1], &m, sizeof(m)) != sizeof(m)) {
				/* create sees EOF: the monitor died */
			}
			_exit(125);
		}
		if (sandbox_id)
			pod_monitor_main(g, c, &pod, spec, &cfg, sync[1],
					 o->foreground, console);
		monitor_main(g, c, &cfg, sync[1], o->foreground, console);
	}
	close(sync[1]);
	sync[1] = -1;
	if (console >= 0) {
		close(console);
		console = -1;
	}
	c->pid = pid;
	while ((n = read(sync[0], &m, sizeof(m))) < 0 && errno == EINTR)
		;
	close(sync[0]);
	if (n != sizeof(m) || !m.ok) {
		if (n == sizeof(m))
			rerr_set(e, 0, "starting the sandbox: %s", m.msg);
		else
			rerr_set(e, 0,
				 "the sandbox's monitor died while "
				 "starting it");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto fail_dir;
	}
	c->sentry_pid = m.sentry;
	c->gofer_pid = m.gofer;
	c->start_time = proc_start_time(pid);
	c->status = CONTAINER_CREATED;
	c->exit_status = -1;
	if (container_save(c, e) < 0)
		goto fail_kill;

	state = container_state_json(c);
	if (run_hooks(spec, OCI_HOOK_PRESTART, state, e) < 0 ||
	    run_hooks(spec, OCI_HOOK_CREATE_RUNTIME, state, e) < 0 ||
	    run_hooks(spec, OCI_HOOK_CREATE_CONTAINER, state, e) < 0) {
		json_object_put(state);
		goto fail_kill;
	}
	json_object_put(state);
	if (o->pid_file && write_pid_file(o->pid_file, pid, e) < 0)
		goto fail_kill;
	if (cfg.log_fd >= 0)
		close(cfg.log_fd);
	if (cfg.oom_fd >= 0)
		close(cfg.oom_fd);
	free(user);
	free(caps);
	free_strv(rlimits);
	container_mounts_free(&mounts);
	container_free(&pod);
	oci_spec_free(spec);
	return 0;

fail_kill:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* The gofer and the sentry die with the monitor (PDEATHSIG). */
	wait_pid_gone(c->sentry_pid, 2000);
	wait_pid_gone(c->gofer_pid, 2000);
fail_dir:
	if (sync[1] >= 0) {
		close(sync[0]);
		close(sync[1]);
	}
	if (cfg.log_fd >= 0)
		close(cfg.log_fd);
	if (cfg.oom_fd >= 0)
		close(cfg.oom_fd);
	if (console >= 0)
		close(console);
	free(user);
	free(caps);
	free_strv(rlimits);
	{
		struct rerr ignored;

		container_remove_dir(c->dir, &ignored);
	}
	container_free(c);
fail_spec:
	container_free(&pod);
	container_mounts_free(&mounts);
	oci_spec_free(spec);
	return -1;
}

static const char *bundle_flag, *pid_file_flag, *console_flag, *ignored_flag;
static bool bool_ignored, detach_flag;

static const struct flag create_flags[] = {
    {"bundle", 'b', true, &bundle_flag, NULL},
    {"pid-file", 0, true, &pid_file_flag, NULL},
    {"console-socket", 0, true, &console_flag, NULL},
    {"preserve-fds", 0, true, &ignored_flag, NULL},
    {"no-pivot", 0, false, NULL, &bool_ignored},
    {"no-new-keyring", 0, false, NULL, &bool_ignored},
    {"detach", 'd', false, NULL, &detach_flag},
    {"keep", 0, false, NULL, &bool_ignored},
    {NULL, 0, false, NULL, NULL},
};

static int parse_create(const char *cmd, int argc, char **argv,
			struct create_opts *o, struct rerr *e)
{
	int n = parse_flags(cmd, argc, argv, create_flags, e);

	if (n < 0)
		return -1;
	if (n != 1)
		return rerr_set(e, 0,
				"%s: want exactly one container id, got %d "
				"arguments",
				cmd, n);
	if (!strcmp(cmd, "create") && detach_flag)
		return rerr_set(e, 0, "create: unknown flag --detach");
	if (ignored_flag && strcmp(ignored_flag, "0"))
		return rerr_set(e, 0, "%s: --preserve-fds: not supported yet",
				cmd);
	o->id = argv[0];
	o->bundle = bundle_flag ? bundle_flag : ".";
	o->pid_file = pid_file_flag;
	o->console_socket = console_flag;
	return 0;
}

int cmd_create(struct globals *g, int argc, char **argv, struct rerr *e)
{
	struct create_opts o = {0};
	struct container c;

	if (parse_create("create", argc, argv, &o, e) < 0)
		return 1;
	if (create_container(g, &o, &c, e) < 0) {
		rerr_wrap(e, "create %s: ", o.id);
		return 1;
	}
	cli_log(g, "debug", false, "created container %s, pid %d", c.id,
		(int)c.pid);
	container_free(&c);
	return 0;
}

static pid_t run_monitor = -1;

static void run_forward(int sig)
{
	if (run_monitor > 0)
		kill(run_monitor, sig);
}

int cmd_run(struct globals *g, int argc, char **argv, struct rerr *e)
{
	struct create_opts o = {0};
	struct container c;
	struct rerr ignored;
	int status = 0;

	if (parse_create("run", argc, argv, &o, e) < 0)
		return 1;
	o.foreground = !detach_flag;
	if (create_container(g, &o, &c, e) < 0) {
		rerr_wrap(e, "run %s: ", o.id);
		return 1;
	}
	run_monitor = c.pid;
	if (o.foreground) {
		signal(SIGTERM, run_forward);
		signal(SIGHUP, run_forward);
		signal(SIGINT, SIG_IGN); /* the terminal sends it to all */
		signal(SIGQUIT, SIG_IGN);
	}
	if (container_release(&c, e) < 0) {
		kill(c.pid, SIGKILL);
		waitpid(c.pid, NULL, 0);
		container_remove_dir(c.dir, &ignored);
		container_free(&c);
		rerr_wrap(e, "run %s: ", o.id);
		return 1;
	}
	if (o.foreground) {
		int st = 0;

		while (waitpid(c.pid, &st, 0) < 0 && errno == EINTR)
			;
		status = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
		wait_pid_gone(c.sentry_pid, 2000);
		wait_pid_gone(c.gofer_pid, 2000);
		container_remove_dir(c.dir, &ignored);
	}
	container_free(&c);
	return status;
}
