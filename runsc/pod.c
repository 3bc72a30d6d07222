/* Containers joining a running sandbox: see pod.h. */
#define _GNU_SOURCE
#include "runsc/pod.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "runsc/control.h"

const char *pod_sandbox_id(const struct oci_spec *spec)
{
	const char *type = NULL, *id = NULL;

	for (size_t i = 0; i < spec->n_annotations; i++) {
		const struct oci_kv *a = &spec->annotations[i];

		if (!strcmp(a->key, "io.kubernetes.cri.container-type"))
			type = a->value;
		else if (!strcmp(a->key, "io.kubernetes.cri.sandbox-id"))
			id = a->value;
	}
	return type && !strcmp(type, "container") ? id : NULL;
}

int pod_exec_target(const struct globals *g, const struct container *c,
		    char *dir, unsigned *pid, struct rerr *e)
{
	struct json_object *type = NULL, *id = NULL;
	char path[PATH_MAX + 16];
	struct container pod;
	FILE *f;
	int ok;

	snprintf(dir, PATH_MAX, "%s", c->dir);
	*pid = 0;
	json_object_object_get_ex(c->annotations,
				  "io.kubernetes.cri.container-type", &type);
	json_object_object_get_ex(c->annotations,
				  "io.kubernetes.cri.sandbox-id", &id);
	if (!type || !id || strcmp(json_object_get_string(type), "container"))
		return 0;
	snprintf(path, sizeof(path), "%s/init.pid", c->dir);
	f = fopen(path, "re");
	ok = f && fscanf(f, "%u", pid) == 1 && *pid;
	if (f)
		fclose(f);
	if (!ok)
		return rerr_set(e, 0, "container %s has not started", c->id);
	if (container_load(g, json_object_get_string(id), &pod, e) < 0)
		return -1;
	snprintf(dir, PATH_MAX, "%s", pod.dir);
	container_free(&pod);
	return 0;
}

/* Wait for the byte `start` writes; false when the pod's sandbox ended
 * first (there is nothing to join any more). */
static bool wait_start(const char *dir, const struct container *sandbox)
{
	char path[PATH_MAX + 16], byte;
	int fifo;

	snprintf(path, sizeof(path), "%s/start.fifo", dir);
	/* O_RDWR: never blocks, and no EOF when a `start` closes its end. */
	fifo = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return false;
	for (;;) {
		struct pollfd p = {.fd = fifo, .events = POLLIN};

		if (poll(&p, 1, 500) > 0 && read(fifo, &byte, 1) == 1)
			break;
		if (kill(sandbox->pid, 0) < 0 && errno == ESRCH) {
			close(fifo);
			return false;
		}
	}
	close(fifo);
	return true;
}

/* process.user's additional gids, comma-separated, into buf. */
static void groups_of(const struct oci_spec *spec, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < spec->process.n_additional_gids && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%u", i ? "," : "",
				      spec->process.additional_gids[i]);
}

/* Have the sentry start the container; its wait status as a shell
 * reports it. */
static int run_in_sandbox(const struct globals *g, const struct container *c,
			  const struct container *sandbox,
			  const struct oci_spec *spec,
			  const struct sandbox_config *cfg, int gofer_sock)
{
	static const int stdio[3] = {0, 1, 2};
	char groups[512], line[600], **mounts = sandbox_mount_args(cfg);
	struct rerr e = {{0}};
	int sock = -1, status = 125;

	if (!mounts) {
		cli_log(g, "error", true, "container %s: out of memory", c->id);
		goto out;
	}
	groups_of(spec, groups, sizeof(groups));
	struct control_request r = {
	    .uid = spec->process.uid,
	    .gid = spec->process.gid,
	    .groups = groups,
	    .cwd = spec->process.cwd,
	    .argv = (const char **)spec->process.args,
	    .argc = spec->process.n_args,
	    .envp = (const char **)spec->process.env,
	    .envc = spec->process.n_env,
	    .gofer_fd = gofer_sock,
	    .read_only = spec->root.readonly,
	    .mounts = mounts,
	    .nmounts = cfg->n_mounts,
	    .caps = cfg->caps,
	    .no_new_privs = cfg->no_new_privs,
	    .rlimits = cfg->rlimits,
	};
	sock = control_connect(sandbox->dir, &e);
	if (sock < 0 || control_send(sock, &r, stdio, &e) < 0) {
		cli_log(g, "error", true, "container %s: joining %s: %s", c->id,
			sandbox->id, e.msg);
		goto out;
	}
	if (control_read_line(sock, line, sizeof(line)) < 0) {
		cli_log(g, "error", true,
			"container %s: the sandbox of %s closed the "
			"connection",
			c->id, sandbox->id);
		status = 128 + SIGKILL;
		goto out;
	}
	if (!strncmp(line, "error ", 6)) {
		cli_log(g, "error", true, "container %s: %s", c->id, line + 6);
		status = control_wait_exit(sock);
		goto out;
	}
	/* runsc exec into this container finds its init by this. */
	{
		char path[PATH_MAX + 16];
		int pid;

		snprintf(path, sizeof(path), "%s/init.pid", c->dir);
		if (sscanf(line, "started %d", &pid) == 1 &&
		    write_pid_file(path, pid, &e) < 0)
			cli_log(g, "warning", false, "container %s: %s", c->id,
				e.msg);
	}
	control_forward_signals(sock);
	status = control_wait_exit(sock);
out:
	if (sock >= 0)
		close(sock);
	sandbox_free_args(mounts);
	return status;
}

void pod_monitor_main(const struct globals *g, const struct container *c,
		      const struct container *sandbox,
		      const struct oci_spec *spec, struct sandbox_config *cfg,
		      int sync_fd, bool foreground, int console)
{
	struct monitor_ready m = {0};
	struct rerr e = {{0}};
	int gofer_sock = -1, status = 128 + SIGKILL;
	pid_t gofer;

	monitor_detach(foreground, console);
	signal(SIGPIPE, SIG_IGN);
	cfg->die_with_parent = true;
	if (sandbox_start_gofer(cfg, &gofer, &gofer_sock, &e) < 0) {
		snprintf(m.msg, sizeof(m.msg), "%s", e.msg);
		if (write(sync_fd, &m, sizeof(m)) != sizeof(m)) {
			/* create sees EOF and reports the monitor's death. */
		}
		_exit(125);
	}
	/* No sentry of its own: the pod's is not this container's to wait
	 * for or kill. */
	m.ok = 1;
	m.gofer = gofer;
	if (write(sync_fd, &m, sizeof(m)) != sizeof(m))
		_exit(125); /* create is gone: the gofer dies with us */
	close(sync_fd);

	if (wait_start(c->dir, sandbox))
		status = run_in_sandbox(g, c, sandbox, spec, cfg, gofer_sock);
	close(gofer_sock);
	kill(gofer, SIGKILL);
	while (waitpid(gofer, NULL, 0) < 0 && errno == EINTR)
		;
	container_write_exit(c->dir, status);
	_exit(status);
}
