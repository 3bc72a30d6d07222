/* runsc/container: ids, the state directory's save/load round trip, the
 * status computed from the monitor's liveness and the markers, release
 * through the start fifo, removal. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runsc/container.h"

static char root[64];
static struct globals g;

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/test_oci_container.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	g.root = root;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_ids(void **state)
{
	struct rerr e;

	assert_int_equal(container_check_id("abc-1_2.3+x", &e), 0);
	assert_int_equal(container_check_id("", &e), -1);
	assert_int_equal(container_check_id(".", &e), -1);
	assert_int_equal(container_check_id("..", &e), -1);
	assert_int_equal(container_check_id("a/b", &e), -1);
	assert_string_equal(e.msg, "invalid container id \"a/b\": only "
				   "letters, digits and _.+- are allowed");
	assert_int_equal(container_check_id("a b", &e), -1);
}

/* A container whose monitor is pid (a child we control). */
static void make(struct container *c, const char *id, pid_t pid)
{
	struct rerr e;

	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	container_dir(&g, id, c->dir);
	assert_int_equal(mkdir(c->dir, 0711), 0);
	snprintf(c->bundle, sizeof(c->bundle), "/bundle/%s", id);
	snprintf(c->rootfs, sizeof(c->rootfs), "/bundle/%s/rootfs", id);
	snprintf(c->created, sizeof(c->created), "2024-01-02T03:04:05Z");
	c->pid = pid;
	c->start_time = proc_start_time(pid);
	c->annotations = json_object_new_object();
	json_object_object_add(c->annotations, "k",
			       json_object_new_string("v"));
	if (container_save(c, &e) < 0)
		fail_msg("%s", e.msg);
}

static pid_t sleeper(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

static void test_round_trip_and_status(void **state)
{
	struct container c, l;
	struct rerr e;
	char path[PATH_MAX + 16];
	pid_t pid = sleeper();
	struct json_object *js;

	make(&c, "c1", pid);
	assert_true(c.start_time != 0);
	assert_int_equal(container_load(&g, "c1", &l, &e), 0);
	assert_string_equal(l.bundle, "/bundle/c1");
	assert_string_equal(l.rootfs, "/bundle/c1/rootfs");
	assert_string_equal(l.created, "2024-01-02T03:04:05Z");
	assert_int_equal(l.pid, pid);
	assert_int_equal(l.status, CONTAINER_CREATED);
	assert_int_equal(l.exit_status, -1);
	js = container_state_json(&l);
	assert_string_equal(
	    json_object_get_string(json_object_object_get(js, "status")),
	    "created");
	assert_int_equal(json_object_get_int(json_object_object_get(js, "pid")),
			 pid);
	assert_string_equal(
	    json_object_get_string(json_object_object_get(
		json_object_object_get(js, "annotations"), "k")),
	    "v");
	json_object_put(js);
	container_free(&l);

	/* The marker of `start` makes it running. */
	snprintf(path, sizeof(path), "%s/started", c.dir);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	assert_int_equal(container_load(&g, "c1", &l, &e), 0);
	assert_int_equal(l.status, CONTAINER_RUNNING);
	container_free(&l);

	/* A dead monitor (even a zombie) is stopped, pid 0 in the state. */
	kill(pid, SIGKILL);
	assert_true(wait_pid_gone(pid, 2000));
	snprintf(path, sizeof(path), "%s/exit", c.dir);
	{
		FILE *f = fopen(path, "w");

		fputs("137\n", f);
		fclose(f);
	}
	assert_int_equal(container_load(&g, "c1", &l, &e), 0);
	assert_int_equal(l.status, CONTAINER_STOPPED);
	assert_int_equal(l.exit_status, 137);
	js = container_state_json(&l);
	assert_int_equal(json_object_get_int(json_object_object_get(js, "pid")),
			 0);
	json_object_put(js);
	container_free(&l);
	waitpid(pid, NULL, 0);

	assert_int_equal(container_remove_dir(c.dir, &e), 0);
	assert_int_equal(access(c.dir, F_OK), -1);
	assert_int_equal(container_load(&g, "c1", &l, &e), -1);
	assert_string_equal(e.msg, "container \"c1\" does not exist");
	container_free(&c);
}

/* A recycled pid is not the monitor: the start time differs. */
static void test_pid_reuse(void **state)
{
	struct container c, l;
	struct rerr e;
	pid_t pid = sleeper();

	make(&c, "c2", pid);
	c.start_time += 1;
	assert_int_equal(container_save(&c, &e), 0);
	assert_int_equal(container_load(&g, "c2", &l, &e), 0);
	assert_int_equal(l.status, CONTAINER_STOPPED);
	container_free(&l);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	container_remove_dir(c.dir, &e);
	container_free(&c);
}

static void test_incomplete(void **state)
{
	struct container l;
	struct rerr e;
	char dir[PATH_MAX];

	container_dir(&g, "half", dir);
	assert_int_equal(mkdir(dir, 0711), 0);
	assert_int_equal(container_load(&g, "half", &l, &e), -1);
	assert_non_null(strstr(e.msg, "unreadable or incomplete"));
	assert_int_equal(container_remove_dir(dir, &e), 0);
}

/* release: the monitor's byte arrives through the fifo; without a reader
 * (the monitor gone) it fails and takes the marker back. */
static void test_release(void **state)
{
	struct container c;
	struct rerr e;
	char fifo[PATH_MAX + 16], started[PATH_MAX + 16], byte = 1;
	int rd;

	make(&c, "c3", getpid());
	snprintf(fifo, sizeof(fifo), "%s/start.fifo", c.dir);
	snprintf(started, sizeof(started), "%s/started", c.dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);

	assert_int_equal(container_release(&c, &e), -1);
	assert_string_equal(e.msg, "container \"c3\": its sandbox is gone");
	assert_int_equal(access(started, F_OK), -1);

	rd = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_equal(container_release(&c, &e), 0);
	assert_int_equal(c.status, CONTAINER_RUNNING);
	assert_int_equal(read(rd, &byte, 1), 1);
	assert_int_equal(byte, 0);
	assert_int_equal(access(started, F_OK), 0);
	close(rd);
	container_remove_dir(c.dir, &e);
	container_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ids),
	    cmocka_unit_test(test_round_trip_and_status),
	    cmocka_unit_test(test_pid_reuse),
	    cmocka_unit_test(test_incomplete),
	    cmocka_unit_test(test_release),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
