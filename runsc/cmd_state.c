/* runsc start, state, list, ps, wait: commands that read a container's
 * state (and start, which moves it from created to running). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runsc/cli.h"
#include "runsc/container.h"
#include "runsc/control.h"
#include "runsc/hooks.h"
#include "runsc/oci_spec.h"
#include "sentry/control.h"

/* Exactly one positional argument, the container id. */
static const char *one_id(const char *cmd, int argc, char **argv,
			  const struct flag *flags, struct rerr *e)
{
	static const struct flag none[] = {{NULL, 0, false, NULL, NULL}};
	int n = parse_flags(cmd, argc, argv, flags ? flags : none, e);

	if (n < 0)
		return NULL;
	if (n != 1) {
		rerr_set(e, 0,
			 "%s: want exactly one container id, got %d "
			 "arguments",
			 cmd, n);
		return NULL;
	}
	return argv[0];
}

static void print_json(struct json_object *o)
{
	printf("%s\n",
	       json_object_to_json_string_ext(
		   o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			  JSON_C_TO_STRING_NOSLASHESCAPE));
}

int cmd_start(struct globals *g, int argc, char **argv, struct rerr *e)
{
	const char *id = one_id("start", argc, argv, NULL, e);
	struct oci_spec *spec = NULL;
	struct container c;
	struct rerr hook_err;

	if (!id || container_load(g, id, &c, e) < 0)
		return 1;
	if (c.status != CONTAINER_CREATED) {
		rerr_set(e, 0, "start %s: cannot start a container that is %s",
			 id, container_status_name(c.status));
		container_free(&c);
		return 1;
	}
	if (container_release(&c, e) < 0) {
		rerr_wrap(e, "start %s: ", id);
		container_free(&c);
		return 1;
	}
	/* poststart failures are warnings (runtime-spec). */
	if (oci_spec_load(c.bundle, &spec, &hook_err) == 0 &&
	    spec->hooks[OCI_HOOK_POSTSTART].n) {
		struct json_object *state = container_state_json(&c);

		if (run_hooks(spec, OCI_HOOK_POSTSTART, state, &hook_err) < 0)
			cli_log(g, "warning", true, "start %s: %s", id,
				hook_err.msg);
		json_object_put(state);
	}
	oci_spec_free(spec);
	container_free(&c);
	return 0;
}

int cmd_state(struct globals *g, int argc, char **argv, struct rerr *e)
{
	const char *id = one_id("state", argc, argv, NULL, e);
	struct json_object *o;
	struct container c;

	if (!id || container_load(g, id, &c, e) < 0)
		return 1;
	o = container_state_json(&c);
	print_json(o);
	json_object_put(o);
	container_free(&c);
	return 0;
}

int cmd_list(struct globals *g, int argc, char **argv, struct rerr *e)
{
	const char *format = "table";
	bool quiet = false;
	const struct flag flags[] = {
	    {"format", 'f', true, &format, NULL},
	    {"quiet", 'q', false, NULL, &quiet},
	    {NULL, 0, false, NULL, NULL},
	};
	struct json_object *arr;
	struct dirent **names = NULL;
	int n, count;

	n = parse_flags("list", argc, argv, flags, e);
	if (n < 0)
		return 1;
	if (n > 0) {
		rerr_set(e, 0, "list: unexpected argument %s", argv[0]);
		return 1;
	}
	if (strcmp(format, "table") && strcmp(format, "json")) {
		rerr_set(e, 0, "list: --format %s: want table or json", format);
		return 1;
	}
	count = scandir(g->root, &names, NULL, alphasort);
	if (count < 0 && errno != ENOENT) {
		rerr_set(e, errno, "list: --root %s", g->root);
		return 1;
	}
	arr = json_object_new_array();
	if (!quiet && !strcmp(format, "table"))
		printf("%-20s %-8s %-8s %-40s %-31s %s\n", "ID", "PID",
		       "STATUS", "BUNDLE", "CREATED", "OWNER");
	for (int i = 0; i < count; i++) {
		struct container c;
		struct rerr ignored;

		if (names[i]->d_name[0] == '.' ||
		    container_load(g, names[i]->d_name, &c, &ignored) < 0)
			continue;
		if (quiet)
			printf("%s\n", c.id);
		else if (!strcmp(format, "table"))
			printf("%-20s %-8d %-8s %-40s %-31s %s\n", c.id,
			       c.status == CONTAINER_STOPPED ? 0 : (int)c.pid,
			       container_status_name(c.status), c.bundle,
			       c.created, "root");
		else
			json_object_array_add(arr, container_state_json(&c));
		container_free(&c);
	}
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
	if (!quiet && !strcmp(format, "json"))
		print_json(arr);
	json_object_put(arr);
	return 0;
}

/* The container's host processes: the monitor and its descendants (the
 * gofer, the sentry and its stubs), in /proc order. */
static size_t descendants(pid_t root, pid_t *out, size_t max)
{
	size_t n = 0;
	bool grew = true;

	out[n++] = root;
	/* Walk /proc until no new child of a known pid turns up. */
	while (grew && n < max) {
		DIR *d = opendir("/proc");
		struct dirent *de;

		grew = false;
		if (!d)
			break;
		while ((de = readdir(d)) && n < max) {
			char path[300], buf[512], *p;
			int ppid = 0;
			pid_t pid = atoi(de->d_name);
			FILE *f;
			bool known = false;

			if (pid <= 0)
				continue;
			for (size_t i = 0; i < n; i++)
				known |= out[i] == pid;
			if (known)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/stat", pid);
			f = fopen(path, "re");
			if (!f)
				continue;
			if (fgets(buf, sizeof(buf), f) &&
			    (p = strrchr(buf, ')')))
				sscanf(p + 2, "%*c %d", &ppid);
			fclose(f);
			for (size_t i = 0; i < n; i++) {
				if (out[i] == ppid) {
					out[n++] = pid;
					grew = true;
					break;
				}
			}
		}
		closedir(d);
	}
	return n;
}

int cmd_ps(struct globals *g, int argc, char **argv, struct rerr *e)
{
	const char *format = "table";
	const struct flag flags[] = {
	    {"format", 'f', true, &format, NULL},
	    {NULL, 0, false, NULL, NULL},
	};
	const char *id = one_id("ps", argc, argv, flags, e);
	pid_t pids[4096];
	struct container c;
	size_t n = 0;

	if (!id)
		return 1;
	if (strcmp(format, "table") && strcmp(format, "json")) {
		rerr_set(e, 0, "ps: --format %s: want table or json", format);
		return 1;
	}
	if (container_load(g, id, &c, e) < 0)
		return 1;
	if (c.status != CONTAINER_STOPPED)
		n = descendants(c.pid, pids, sizeof(pids) / sizeof(pids[0]));
	if (!strcmp(format, "json")) {
		struct json_object *arr = json_object_new_array();

		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr,
					      json_object_new_int(pids[i]));
		printf("%s\n", json_object_to_json_string_ext(
				   arr, JSON_C_TO_STRING_PLAIN));
		json_object_put(arr);
	} else {
		printf("%-8s %s\n", "PID", "CMD");
		for (size_t i = 0; i < n; i++) {
			char path[64], cmd[256] = "";
			FILE *f;

			snprintf(path, sizeof(path), "/proc/%d/comm",
				 (int)pids[i]);
			f = fopen(path, "re");
			if (f) {
				if (fgets(cmd, sizeof(cmd), f))
					cmd[strcspn(cmd, "\n")] = 0;
				fclose(f);
			}
			printf("%-8d %s\n", (int)pids[i], cmd);
		}
	}
	container_free(&c);
	return 0;
}

int cmd_wait(struct globals *g, int argc, char **argv, struct rerr *e)
{
	const char *id = one_id("wait", argc, argv, NULL, e);
	struct json_object *o;
	struct container c;

	if (!id || container_load(g, id, &c, e) < 0)
		return 1;
	/* The monitor may not be our child: poll for its end. */
	while (container_alive(&c))
		usleep(20000);
	container_free(&c);
	if (container_load(g, id, &c, e) < 0)
		return 1;
	if (c.exit_status < 0) {
		rerr_set(e, 0,
			 "wait %s: the exit status is unknown (the sandbox's "
			 "monitor was killed)",
			 id);
		container_free(&c);
		return 1;
	}
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "exitStatus",
			       json_object_new_int(c.exit_status));
	printf("%s\n",
	       json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	container_free(&c);
	return 0;
}

/* runsc pause / resume: the sentry stops or restarts running application
 * code (sentry/control.h); ROOT/ID/paused says so to state and list. */
static int pause_resume(struct globals *g, int argc, char **argv, bool pause,
			struct rerr *e)
{
	const char *cmd = pause ? "pause" : "resume";
	const char *id = one_id(cmd, argc, argv, NULL, e);
	char path[PATH_MAX + 16], line[128];
	struct container c;
	int ret = 1;

	if (!id || container_load(g, id, &c, e) < 0)
		return 1;
	if (c.status != (pause ? CONTAINER_RUNNING : CONTAINER_PAUSED)) {
		rerr_set(e, 0, "%s %s: container is %s, not %s", cmd, id,
			 container_status_name(c.status),
			 pause ? "running" : "paused");
		goto out;
	}
	/* A pod member runs in its pod's sentry: freezing it would freeze
	 * the pod. */
	if (!c.sentry_pid) {
		rerr_set(e, 0, "%s %s: not supported for a pod's member", cmd,
			 id);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/paused", c.dir);
	if (pause) {
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0) {
			rerr_set(e, errno, "%s %s: %s", cmd, id, path);
			goto out;
		}
		close(fd);
	}
	if (control_ask(c.dir,
			pause ? CONTROL_PAUSE_MAGIC : CONTROL_RESUME_MAGIC,
			line, sizeof(line), e) < 0 ||
	    strcmp(line, pause ? "paused" : "resumed")) {
		if (!e->msg[0])
			rerr_set(e, 0, "%s %s: the sandbox answered \"%s\"",
				 cmd, id, line);
		if (pause)
			unlink(path);
		goto out;
	}
	if (!pause)
		unlink(path);
	ret = 0;
out:
	container_free(&c);
	return ret;
}

int cmd_pause(struct globals *g, int argc, char **argv, struct rerr *e)
{
	return pause_resume(g, argc, argv, true, e);
}

int cmd_resume(struct globals *g, int argc, char **argv, struct rerr *e)
{
	return pause_resume(g, argc, argv, false, e);
}
