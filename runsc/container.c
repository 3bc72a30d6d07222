#define _GNU_SOURCE
#include "runsc/container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runsc/hostcg.h"

int container_check_id(const char *id, struct rerr *e)
{
	size_t n = strlen(id);

	if (n == 0 || n > 255 || !strcmp(id, ".") || !strcmp(id, ".."))
		return rerr_set(e, 0, "invalid container id \"%s\"", id);
	for (const char *p = id; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("_.+-", *p))
			return rerr_set(e, 0,
					"invalid container id \"%s\": only "
					"letters, digits and _.+- are allowed",
					id);
	return 0;
}

void container_dir(const struct globals *g, const char *id, char *buf)
{
	snprintf(buf, PATH_MAX, "%s/%s", g->root, id);
}

unsigned long long proc_start_time(pid_t pid)
{
	char path[64], buf[1024], state;
	unsigned long long start = 0;
	ssize_t n;
	char *p;
	int fd;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* The command name may hold anything: fields start after the last
	 * ')'. Field 3 is the state, field 22 the start time. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%c", &state) != 1 || state == 'Z' ||
	    state == 'X')
		return 0;
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1)
		return 0;
	return start;
}

bool container_alive(const struct container *c)
{
	unsigned long long t = proc_start_time(c->pid);

	return t && t == c->start_time;
}

bool wait_pid_gone(pid_t pid, int timeout_ms)
{
	for (int waited = 0; proc_start_time(pid); waited += 10) {
		if (waited >= timeout_ms)
			return false;
		usleep(10000);
	}
	return true;
}

int read_small_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

static void copy_str(char *dst, size_t size, struct json_object *o,
		     const char *key)
{
	struct json_object *v = json_object_object_get(o, key);

	snprintf(dst, size, "%s", v ? json_object_get_string(v) : "");
}

int container_load(const struct globals *g, const char *id, struct container *c,
		   struct rerr *e)
{
	char path[PATH_MAX + 32], paused[PATH_MAX + 32], buf[32];
	struct json_object *o, *v;

	memset(c, 0, sizeof(*c));
	if (container_check_id(id, e) < 0)
		return -1;
	snprintf(c->id, sizeof(c->id), "%s", id);
	container_dir(g, id, c->dir);
	snprintf(path, sizeof(path), "%s/state.json", c->dir);
	o = json_object_from_file(path);
	if (!o || json_object_get_type(o) != json_type_object) {
		json_object_put(o);
		if (access(c->dir, F_OK) == 0)
			return rerr_set(e, 0,
					"container \"%s\": %s is unreadable "
					"or incomplete (remove it with "
					"delete --force)",
					id, path);
		return rerr_set(e, 0, "container \"%s\" does not exist", id);
	}
	copy_str(c->bundle, sizeof(c->bundle), o, "bundle");
	copy_str(c->rootfs, sizeof(c->rootfs), o, "rootfs");
	copy_str(c->created, sizeof(c->created), o, "created");
	if ((v = json_object_object_get(o, "pid")))
		c->pid = json_object_get_int(v);
	if ((v = json_object_object_get(o, "sandboxPid")))
		c->sentry_pid = json_object_get_int(v);
	if ((v = json_object_object_get(o, "goferPid")))
		c->gofer_pid = json_object_get_int(v);
	if ((v = json_object_object_get(o, "startTime")))
		c->start_time = json_object_get_uint64(v);
	v = json_object_object_get(o, "annotations");
	c->annotations = v && json_object_get_type(v) == json_type_object
			     ? json_object_get(v)
			     : json_object_new_object();
	json_object_put(o);

	c->exit_status = -1;
	snprintf(path, sizeof(path), "%s/exit", c->dir);
	if (read_small_file(path, buf, sizeof(buf)) == 0)
		c->exit_status = atoi(buf);
	snprintf(path, sizeof(path), "%s/started", c->dir);
	snprintf(paused, sizeof(paused), "%s/paused", c->dir);
	if (!container_alive(c))
		c->status = CONTAINER_STOPPED;
	else if (access(path, F_OK) == 0)
		c->status = access(paused, F_OK) == 0 ? CONTAINER_PAUSED
						      : CONTAINER_RUNNING;
	else
		c->status = CONTAINER_CREATED;
	return 0;
}

void container_free(struct container *c)
{
	json_object_put(c->annotations);
	c->annotations = NULL;
}

int container_save(const struct container *c, struct rerr *e)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 32];
	struct json_object *o = json_object_new_object();
	int ret = 0;

	json_object_object_add(o, "id", json_object_new_string(c->id));
	json_object_object_add(o, "pid", json_object_new_int(c->pid));
	json_object_object_add(o, "startTime",
			       json_object_new_uint64(c->start_time));
	json_object_object_add(o, "sandboxPid",
			       json_object_new_int(c->sentry_pid));
	json_object_object_add(o, "goferPid",
			       json_object_new_int(c->gofer_pid));
	json_object_object_add(o, "bundle", json_object_new_string(c->bundle));
	json_object_object_add(o, "rootfs", json_object_new_string(c->rootfs));
	json_object_object_add(o, "created",
			       json_object_new_string(c->created));
	json_object_object_add(o, "annotations",
			       json_object_get(c->annotations));
	snprintf(path, sizeof(path), "%s/state.json", c->dir);
	snprintf(tmp, sizeof(tmp), "%s/.state.json.tmp", c->dir);
	if (json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PLAIN) < 0)
		ret = rerr_set(e, errno, "writing %s", tmp);
	else if (rename(tmp, path) < 0)
		ret = rerr_set(e, errno, "renaming %s to %s", tmp, path);
	if (ret < 0)
		unlink(tmp);
	json_object_put(o);
	return ret;
}

const char *container_status_name(enum container_status s)
{
	switch (s) {
	case CONTAINER_CREATED:
		return "created";
	case CONTAINER_RUNNING:
		return "running";
	case CONTAINER_PAUSED:
		return "paused";
	case CONTAINER_STOPPED:
		break;
	}
	return "stopped";
}

struct json_object *container_state_json(const struct container *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ociVersion",
			       json_object_new_string(RUNSC_OCI_VERSION));
	json_object_object_add(o, "id", json_object_new_string(c->id));
	json_object_object_add(
	    o, "pid",
	    json_object_new_int(c->status == CONTAINER_STOPPED ? 0 : c->pid));
	json_object_object_add(
	    o, "status",
	    json_object_new_string(container_status_name(c->status)));
	json_object_object_add(o, "bundle", json_object_new_string(c->bundle));
	json_object_object_add(o, "rootfs", json_object_new_string(c->rootfs));
	json_object_object_add(o, "created",
			       json_object_new_string(c->created));
	json_object_object_add(o, "owner", json_object_new_string(""));
	if (json_object_object_length(c->annotations))
		json_object_object_add(o, "annotations",
				       json_object_get(c->annotations));
	return o;
}

int container_remove_dir(const char *dir, struct rerr *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[PATH_MAX + 300];
	const char *id = strrchr(dir, '/');

	/* The container's host cgroups go with its state, whichever path
	 * removes it (delete, a failed create, run's end). */
	hostcg_remove(id ? id + 1 : dir);

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return rerr_set(e, errno, "removing %s", dir);
	}
	/* The state directory is flat: files and the fifo only. */
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) < 0 && errno != ENOENT) {
			int err = errno;

			closedir(d);
			return rerr_set(e, err, "removing %s", path);
		}
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return rerr_set(e, errno, "removing %s", dir);
	return 0;
}

/* Release a created container: mark it started, then write the byte its
 * monitor waits for. */
int container_release(struct container *c, struct rerr *e)
{
	char path[PATH_MAX + 16];
	int fd;

	snprintf(path, sizeof(path), "%s/started", c->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return rerr_set(e, errno, "creating %s", path);
	close(fd);
	snprintf(path, sizeof(path), "%s/start.fifo", c->dir);
	/* Non-blocking: with the monitor gone there is no reader (ENXIO)
	 * and a blocking open would wait forever. */
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || write(fd, "", 1) != 1) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		snprintf(path, sizeof(path), "%s/started", c->dir);
		unlink(path);
		if (err == ENXIO)
			return rerr_set(e, 0,
					"container \"%s\": its sandbox "
					"is gone",
					c->id);
		return rerr_set(e, err, "container \"%s\": releasing it",
				c->id);
	}
	close(fd);
	c->status = CONTAINER_RUNNING;
	return 0;
}

void monitor_detach(bool foreground, int console)
{
	if (!foreground)
		setsid();
	if (console >= 0) {
		ioctl(console, TIOCSCTTY, 0);
		for (int fd = 0; fd < 3; fd++)
			dup2(console, fd);
		close(console);
	}
	if (chdir("/") < 0) {
		/* Harmless: nothing after uses relative paths. */
	}
}

void container_write_exit(const char *dir, int status)
{
	char path[PATH_MAX + 16], tmp[PATH_MAX + 16];
	int fd;

	snprintf(path, sizeof(path), "%s/exit", dir);
	snprintf(tmp, sizeof(tmp), "%s/.exit.tmp", dir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	dprintf(fd, "%d\n", status);
	close(fd);
	if (rename(tmp, path) < 0)
		unlink(tmp);
}

int write_pid_file(const char *path, pid_t pid, struct rerr *e)
{
	char tmp[PATH_MAX + 16];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return rerr_set(e, errno, "--pid-file %s", path);
	dprintf(fd, "%d", (int)pid);
	close(fd);
	if (rename(tmp, path) < 0) {
		int err = errno;

		unlink(tmp);
		return rerr_set(e, err, "--pid-file %s", path);
	}
	return 0;
}
