/* Container state under the --root directory, one directory per
 * container, surviving the CLI that created it:
 *
 *   ROOT/ID/state.json   id, bundle, rootfs, pids, creation time,
 *                        annotations (written by create, atomically)
 *   ROOT/ID/start.fifo   the container's monitor waits on it until
 *                        `start` writes a byte
 *   ROOT/ID/started      exists once `start` has released the container
 *   ROOT/ID/paused       exists while `runsc pause` holds it
 *   ROOT/ID/exit         the exit status, written by the monitor
 *   ROOT/ID/init.pid     a pod member's init, as the sandbox numbers it
 *                        (runsc/pod.h), for runsc exec
 *   ROOT/ID/oom          with a memory limit: a line "oom PID COMM" per
 *                        process the sandbox's OOM killer killed, appended
 *                        by the sentry
 *
 * The container's pid (state.json "pid") is its monitor: the process that
 * `create` leaves behind, parent of the gofer and the sentry, which exits
 * with the application's status (128+N for a signal). Signals sent to it
 * reach the application's init in the sandbox.
 *
 * Host-side, single-threaded. */
#ifndef RUNSC_CONTAINER_H
#define RUNSC_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "runsc/cli.h"
#include "runsc/error.h"

struct json_object;

enum container_status {
	CONTAINER_CREATED,
	CONTAINER_RUNNING,
	CONTAINER_PAUSED, /* runsc pause: ROOT/ID/paused exists */
	CONTAINER_STOPPED,
};

struct container {
	char id[256];
	char dir[PATH_MAX]; /* ROOT/ID */
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];
	char created[64];	       /* RFC 3339, UTC */
	pid_t pid;		       /* the monitor */
	unsigned long long start_time; /* of pid, /proc/PID/stat field 22 */
	pid_t sentry_pid, gofer_pid;
	struct json_object *annotations; /* object, owned; never NULL */
	enum container_status status;	 /* computed by container_load */
	int exit_status;		 /* -1: unknown or still running */
};

/* Container ids: 1 to 255 of [A-Za-z0-9_.+-], not "." or "..". Returns 0
 * or -1 with e set. */
int container_check_id(const char *id, struct rerr *e);

/* ROOT/ID into buf (PATH_MAX). */
void container_dir(const struct globals *g, const char *id, char *buf);

/* Load ROOT/ID and compute its status. -1 with e set
 * ("container \"ID\" does not exist") when there is no such container.
 * Free with container_free. */
int container_load(const struct globals *g, const char *id, struct container *c,
		   struct rerr *e);
void container_free(struct container *c);

/* Write c's state.json atomically. */
int container_save(const struct container *c, struct rerr *e);

/* The state as the OCI spec's JSON (runc's fields), new reference. */
struct json_object *container_state_json(const struct container *c);

const char *container_status_name(enum container_status s);

/* Release a created container: mark it started, then write the byte its
 * monitor waits for. -1 with e set when the monitor is gone. */
int container_release(struct container *c, struct rerr *e);

/* Write pid to path (--pid-file), atomically (a temporary then rename).
 * 0, or -1 with e set. */
int write_pid_file(const char *path, pid_t pid, struct rerr *e);

/* What a container's monitor tells create once the sandbox is up or has
 * failed to come up, in one write (atomic: < PIPE_BUF). */
struct monitor_ready {
	int ok;
	pid_t sentry, gofer;
	char msg[2048];
};

/* The start of a monitor's life (create's, or a pod member's): a session
 * of its own unless foreground; console (>= 0, then closed) as its stdio
 * and controlling terminal, whose hangup then reaches the sandbox as
 * SIGHUP; "/" as its directory, not to pin the caller's (the bundle). */
void monitor_detach(bool foreground, int console);

/* The monitor's last word: the container's exit status into DIR/exit. */
void container_write_exit(const char *dir, int status);

/* Up to size - 1 bytes of a small file (/proc, cgroupfs), NUL-terminated
 * into buf. 0, or -1 with errno set. */
int read_small_file(const char *path, char *buf, size_t size);

/* Remove ROOT/ID and what it holds, and the container's host cgroups
 * (hostcg.h). */
int container_remove_dir(const char *dir, struct rerr *e);

/* Start time of a live, non-zombie process, or 0 when it is gone. */
unsigned long long proc_start_time(pid_t pid);

/* Is the container's monitor (or another recorded pid) still alive? */
bool container_alive(const struct container *c);

/* Wait up to timeout_ms for pid to be gone (dead or a zombie). Returns
 * true when it is. */
bool wait_pid_gone(pid_t pid, int timeout_ms);

#endif
