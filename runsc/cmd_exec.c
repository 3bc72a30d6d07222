/* runsc exec: another process in a running container, started by the
 * sandbox's sentry over the container's control socket (sentry/control.h).
 *
 * The process gets this command's stdin, stdout and stderr. Without
 * --detach, runsc exec waits for it and exits with its status (128+N when
 * killed by signal N). With --detach (what containerd's shim uses) a child
 * of runsc exec stays behind as the process's stand-in on the host: its pid
 * goes to --pid-file, and it exits with the process's status when the
 * process ends, so that a subreaper (the shim) learns that status. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/scm.h"
#include "runsc/cli.h"
#include "runsc/console.h"
#include "runsc/container.h"
#include "runsc/control.h"
#include "runsc/oci_spec.h"
#include "runsc/pod.h"
#include "sentry/control.h"

/* What to run, from --process or from the flags and arguments. */
struct proc {
	unsigned long long uid, gid;
	char groups[512]; /* comma-separated */
	const char *cwd;
	const char **argv, **envp;
	size_t argc, envc;
	bool terminal;
	bool has_size;
	unsigned rows, cols;
	/* process.json's capabilities, when it has them (else the
	 * container's, which the sentry keeps) and noNewPrivileges. */
	bool has_caps, no_new_privs;
	uint64_t caps[OCI_CAP_SETS];
	struct json_object *json; /* --process, owned */
};

static const char *envs[256];
static size_t nenvs;
static bool envs_overflow;
/* --cap names, as given. */
static const char *cap_flags[64];
static size_t ncap_flags;
static bool caps_overflow;

static void add_env(const char *v)
{
	if (nenvs < sizeof(envs) / sizeof(envs[0]) - 1)
		envs[nenvs++] = v;
	else
		envs_overflow = true;
}

static void add_cap(const char *v)
{
	if (ncap_flags < sizeof(cap_flags) / sizeof(cap_flags[0]))
		cap_flags[ncap_flags++] = v;
	else
		caps_overflow = true;
}

/* runc's --cap: each capability joins the bounding, effective and
 * permitted sets, and the ambient one when inheritable has it (never
 * inheritable itself: CVE-2022-29162). The base is process.json's sets,
 * else the container's config.json ones (what runc execs with). Names as
 * in config.json, "CAP_" optional, any case. 0, or -1 with e set. */
static int apply_cap_flags(struct proc *p, const struct container *c,
			   struct rerr *e)
{
	if (!ncap_flags)
		return 0;
	if (caps_overflow)
		return rerr_set(e, 0, "exec: too many --cap");
	if (!p->has_caps) {
		struct oci_spec *spec;

		if (oci_spec_load(c->bundle, &spec, e) < 0)
			return rerr_wrap(e, "exec: --cap: the container's ");
		p->has_caps = true;
		memcpy(p->caps, spec->process.caps, sizeof(p->caps));
		oci_spec_free(spec);
	}
	for (size_t i = 0; i < ncap_flags; i++) {
		char name[64];
		const char *f = cap_flags[i];
		int cap, k = 0;

		if (strncasecmp(f, "CAP_", 4))
			k = snprintf(name, sizeof(name), "CAP_");
		for (; *f && k < (int)sizeof(name) - 1; f++)
			name[k++] = (char)toupper((unsigned char)*f);
		name[k] = 0;
		cap = oci_cap_from_name(name);
		if (cap < 0)
			return rerr_set(e, 0,
					"exec: --cap %s: unknown capability",
					cap_flags[i]);
		p->caps[OCI_CAP_BOUNDING] |= 1ull << cap;
		p->caps[OCI_CAP_EFFECTIVE] |= 1ull << cap;
		p->caps[OCI_CAP_PERMITTED] |= 1ull << cap;
		if (p->caps[OCI_CAP_INHERITABLE] & (1ull << cap))
			p->caps[OCI_CAP_AMBIENT] |= 1ull << cap;
	}
	return 0;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* A JSON array of strings as a NULL-terminated array (pointing into the
 * JSON). -1 when it is something else. */
static int strv(struct json_object *a, const char ***out, size_t *n)
{
	size_t len;

	*out = NULL;
	*n = 0;
	if (!a)
		return 0;
	if (!json_object_is_type(a, json_type_array))
		return -1;
	len = json_object_array_length(a);
	*out = calloc(len + 1, sizeof(**out));
	if (!*out)
		abort();
	for (size_t i = 0; i < len; i++) {
		struct json_object *s = json_object_array_get_idx(a, i);

		if (!json_object_is_type(s, json_type_string))
			return -1;
		(*out)[i] = json_object_get_string(s);
	}
	*n = len;
	return 0;
}

static int load_process(const char *path, struct proc *p, struct rerr *e)
{
	struct json_object *j = json_object_from_file(path), *u, *v;

	if (!j || !json_object_is_type(j, json_type_object)) {
		json_object_put(j);
		return rerr_set(e, 0, "exec: --process %s: not a JSON object",
				path);
	}
	p->json = j;
	if (strv(get(j, "args"), &p->argv, &p->argc) < 0 || !p->argc)
		return rerr_set(e, 0,
				"exec: --process %s: args: must be a non-empty "
				"array of strings",
				path);
	if (strv(get(j, "env"), &p->envp, &p->envc) < 0)
		return rerr_set(e, 0,
				"exec: --process %s: env: must be an array of "
				"strings",
				path);
	if ((v = get(j, "cwd")))
		p->cwd = json_object_get_string(v);
	if ((v = get(j, "terminal")))
		p->terminal = json_object_get_boolean(v);
	if ((v = get(j, "consoleSize"))) {
		p->has_size = true;
		p->rows = json_object_get_int64(get(v, "height"));
		p->cols = json_object_get_int64(get(v, "width"));
	}
	if ((v = get(j, "noNewPrivileges")))
		p->no_new_privs = json_object_get_boolean(v);
	if ((v = get(j, "capabilities"))) {
		char where[PATH_MAX + 32];

		snprintf(where, sizeof(where), "exec: --process %s: ", path);
		p->has_caps = true;
		if (oci_caps_parse(v, p->caps, where, e) < 0)
			return -1;
	}
	if ((u = get(j, "user"))) {
		struct json_object *g = get(u, "additionalGids");

		p->uid = json_object_get_uint64(get(u, "uid"));
		p->gid = json_object_get_uint64(get(u, "gid"));
		for (size_t i = 0; g && i < json_object_array_length(g); i++) {
			size_t k = strlen(p->groups);

			snprintf(p->groups + k, sizeof(p->groups) - k, "%s%llu",
				 k ? "," : "",
				 (unsigned long long)json_object_get_uint64(
				     json_object_array_get_idx(g, i)));
		}
	}
	return 0;
}

static const char *process_flag, *pid_file_flag, *cwd_flag, *user_flag,
    *console_flag, *ignored_flag;
static bool detach_flag, tty_flag, no_new_privs_flag;

static const struct flag exec_flags[] = {
    {"process", 'p', true, &process_flag, NULL, NULL},
    {"detach", 'd', false, NULL, &detach_flag, NULL},
    {"pid-file", 0, true, &pid_file_flag, NULL, NULL},
    {"cwd", 0, true, &cwd_flag, NULL, NULL},
    {"env", 'e', true, NULL, NULL, add_env},
    {"user", 'u', true, &user_flag, NULL, NULL},
    {"tty", 't', false, NULL, &tty_flag, NULL},
    {"console-socket", 0, true, &console_flag, NULL, NULL},
    {"no-new-privs", 0, false, NULL, &no_new_privs_flag, NULL},
    {"cap", 'c', true, NULL, NULL, add_cap},
    {"process-label", 0, true, &ignored_flag, NULL, NULL},
    {"apparmor", 0, true, &ignored_flag, NULL, NULL},
    {NULL, 0, false, NULL, NULL, NULL},
};

/* Where the container id is: flags come before it, and everything after
 * it is the command (as runc: `exec -e A=1 ID sh -c ...`). */
static int id_index(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *name;
		const struct flag *f;

		if (!strcmp(a, "--"))
			return i + 1 < argc ? i + 1 : argc;
		if (a[0] != '-' || !a[1])
			return i;
		name = a + (a[1] == '-' ? 2 : 1);
		for (f = exec_flags; f->name; f++) {
			size_t n = strcspn(name, "=");

			if ((strlen(f->name) == n &&
			     !strncmp(f->name, name, n)) ||
			    (f->short_name && n == 1 &&
			     name[0] == f->short_name))
				break;
		}
		if (f->name && f->takes_value && !strchr(name, '='))
			i++;
	}
	return argc;
}

int cmd_exec(struct globals *g, int argc, char **argv, struct rerr *e)
{
	struct proc p = {0};
	struct container c = {0};
	char ctl_dir[PATH_MAX];
	unsigned member;
	char line[600];
	int npos, sock = -1, status = 1, pid, id = id_index(argc, argv);
	int stdio[3] = {0, 1, 2}, tty = -1;
	char *caps = NULL;
	int ncmd = id < argc ? argc - id - 1 : 0;

	npos =
	    parse_flags("exec", id < argc ? id + 1 : argc, argv, exec_flags, e);
	if (npos < 0)
		return 1;
	/* the command follows the id */
	for (int i = 0; i < ncmd; i++)
		argv[npos + i] = argv[id + 1 + i];
	npos += ncmd;
	if (npos < 1)
		return rerr_set(e, 0, "exec: needs a container id"), 1;
	if (envs_overflow)
		return rerr_set(e, 0, "exec: too many --env"), 1;
	if (process_flag) {
		if (npos > 1)
			return rerr_set(e, 0,
					"exec: --process and a command "
					"exclude each other"),
			       1;
		if (load_process(process_flag, &p, e) < 0)
			goto out;
	} else {
		if (npos < 2) {
			rerr_set(e, 0, "exec: needs a command (or --process)");
			goto out;
		}
		p.argv = (const char **)argv + 1;
		p.argc = npos - 1;
		p.envp = envs;
		p.envc = nenvs;
		p.terminal = tty_flag;
	}
	if (cwd_flag)
		p.cwd = cwd_flag;
	if (user_flag && sscanf(user_flag, "%llu:%llu", &p.uid, &p.gid) < 1) {
		rerr_set(e, 0, "exec: --user %s: not UID[:GID]", user_flag);
		goto out;
	}
	if (p.terminal != !!console_flag) {
		rerr_set(e, 0,
			 p.terminal ? "exec: a terminal needs --console-socket"
				    : "exec: --console-socket without a "
				      "terminal (--tty)");
		goto out;
	}
	if (p.cwd && p.cwd[0] != '/') {
		rerr_set(e, 0, "exec: cwd %s: must be an absolute path", p.cwd);
		goto out;
	}
	if (container_load(g, argv[0], &c, e) < 0 ||
	    apply_cap_flags(&p, &c, e) < 0)
		goto out;
	if (p.has_caps)
		caps = oci_caps_arg(p.caps);
	if (c.status != CONTAINER_RUNNING) {
		rerr_set(e, 0, "exec: container %s is %s, not running", c.id,
			 container_status_name(c.status));
		goto out;
	}
	if (p.terminal) {
		/* The process's stdio is a new pty whose master goes to the
		 * console socket, as for create. */
		tty = make_console(console_flag, p.has_size, p.rows, p.cols, e);
		if (tty < 0)
			goto out;
		stdio[0] = stdio[1] = stdio[2] = tty;
	}
	if (pod_exec_target(g, &c, ctl_dir, &member, e) < 0)
		goto out;
	sock = control_connect(ctl_dir, e);
	if (sock < 0)
		goto out;
	{
		struct control_request r = {
		    .member_pid = member,
		    .uid = p.uid,
		    .gid = p.gid,
		    .groups = p.groups,
		    .cwd = p.cwd,
		    .argv = p.argv,
		    .argc = p.argc,
		    .envp = p.envp,
		    .envc = p.envc,
		    .gofer_fd = -1,
		    .caps = caps,
		    .no_new_privs = p.no_new_privs || no_new_privs_flag,
		};
		if (control_send(sock, &r, stdio, e) < 0)
			goto out;
	}
	if (control_read_line(sock, line, sizeof(line)) < 0) {
		rerr_set(e, 0, "exec: the sandbox closed the connection");
		goto out;
	}
	if (!strncmp(line, "error ", 6)) {
		status = control_wait_exit(sock);
		rerr_set(e, 0, "exec: %s", line + 6);
		goto out;
	}
	if (sscanf(line, "started %d", &pid) != 1) {
		rerr_set(e, 0, "exec: unexpected reply \"%s\"", line);
		goto out;
	}
	cli_log(g, "debug", false, "exec: %s: started pid %d in the sandbox",
		c.id, pid);
	if (detach_flag) {
		pid_t child = fork();

		if (child < 0) {
			rerr_set(e, errno, "exec: fork");
			goto out;
		}
		if (child == 0) {
			/* The stand-in: holds none of the process's stdio
			 * (its readers must see EOF when it ends), but a
			 * terminal's as its controlling one, so that the
			 * terminal's signals reach it and go on. */
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);

			setsid();
			for (int fd = 0; fd < 3 && null >= 0; fd++)
				dup2(null, fd);
			if (tty >= 0)
				ioctl(tty, TIOCSCTTY, 0);
			control_forward_signals(sock);
			_exit(control_wait_exit(sock));
		}
		status = 0;
		if (pid_file_flag &&
		    write_pid_file(pid_file_flag, child, e) < 0)
			status = 1;
		goto out;
	}
	if (pid_file_flag && write_pid_file(pid_file_flag, getpid(), e) < 0)
		goto out;
	control_forward_signals(sock);
	status = control_wait_exit(sock);
out:
	free(caps);
	if (tty >= 0)
		close(tty);
	if (sock >= 0)
		close(sock);
	if (p.json) {
		free(p.argv);
		free(p.envp);
		json_object_put(p.json);
	}
	container_free(&c);
	return status;
}
