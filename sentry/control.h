/* The sandbox's control channel: how `runsc exec` starts a process in a
 * running sandbox.
 *
 * The container's monitor binds a listening AF_UNIX stream socket at
 * ROOT/ID/control.sock and hands it to the sentry (--control-fd). Each
 * connection asks for one process:
 *
 *   request  (runsc exec -> sentry): one message, "RSX1", then a u32
 *            (host order) byte count, then that many bytes of
 *            NUL-terminated fields:
 *              uid, gid, supplementary gids (comma-separated, may be
 *              empty), cwd, argc, the argc arguments, envc, the envc
 *              NAME=VALUE strings, then optional fields (any order, a
 *              later one of a kind wins; an unknown one is an error):
 *                "caps=BND:EFF:INH:PRM:AMB"  the process's capability
 *                        sets before its execve, hex masks (absent: the
 *                        container process's)
 *                "nnp"   it runs with no_new_privs (absent: as the
 *                        container's process)
 *                "rlimit=RES:SOFT:HARD"  one limit (Linux's RLIMIT_*
 *                        number), replacing the container's
 *            and, as SCM_RIGHTS on its first byte, exactly three host
 *            descriptors: the process's stdin, stdout and stderr.
 *   then, while the process runs, lines "kill SIG" (runsc exec passing on
 *   a signal it got: it goes to the process as kill(2) would send it).
 *   replies  (sentry -> runsc exec), lines of text:
 *              "started PID"     the process runs (PID as the sandbox
 *                                numbers it)
 *              "error MESSAGE"   it could not start (not found...)
 *              "exited STATUS"   it is gone; STATUS is its wait status
 *                                (exit code << 8, or the killing signal)
 *
 * A container joining the sandbox (a pod's next container) is asked for
 * the same way with "RSC1" instead of "RSX1", after the environment the
 * fields "ro" or "rw" (its root) and a count and that many --mount
 * arguments (sentry/vfs/mount_spec.h), then the optional fields above
 * (its process's), and a fourth descriptor: the socket
 * of the gofer serving its root and bind mounts. Its process is then the
 * container's init: it gets a file tree of its own (container_root.h),
 * what it forks belongs to the container, and when it ends, or the
 * connection does (its monitor was killed, the container deleted), every
 * process of the container is killed, as at a pid namespace's end. Pid
 * numbers, hostname, IPC and network are the sandbox's, shared.
 *
 * A connection may instead ask for the sandbox's resource usage (`runsc
 * events`): "RSS1" and a u32 byte count of 0, nothing else (descriptors
 * passed along are closed). The reply is one line,
 *              "stats KEY=VALUE KEY=VALUE..."
 * with decimal values, a key left out when the sentry does not know it
 * (sentry/kernel/cgroup.h says what each means):
 *   mem_usage mem_max mem_anon mem_file mem_heap (bytes), mem_limit (left
 *   out: none), mem_failcnt, oom_kills, pids_current, pids_limit (left out:
 *   none), cpu_user_ns cpu_sys_ns
 * then the sentry closes the connection. A malformed request gets "error
 * MESSAGE" and "exited 32000", as an exec request would.
 *
 * `runsc pause` and `runsc resume` ask the same way with "RSP1" and
 * "RSU1": no application code of the sandbox runs from "paused" on (its
 * tasks wait on their way back to it; SIGKILL still ends them) until
 * "resumed" (sentry/kernel/task.h: sandbox_freeze).
 *
 * `runsc exec` into a joined container asks with "RSM1": a first field,
 * the sandbox pid of a live process of that container (its init), then
 * an exec request's fields: the process runs in that container's tree and
 * belongs to it.
 *
 * Such a process has no parent in the sandbox (getppid() is 0, as for a
 * process runc execs into a container's pid namespace); its children go
 * to init when it exits, and it is reaped as soon as it has said so.
 * The sandbox ends with its init, exec'd processes with it. */
#ifndef SENTRY_CONTROL_H
#define SENTRY_CONTROL_H

#define CONTROL_MAGIC		"RSX1"
#define CONTROL_MAGIC_CONTAINER "RSC1"
#define CONTROL_MAGIC_MEMBER	"RSM1"
#define CONTROL_STATS_MAGIC	"RSS1"
#define CONTROL_PAUSE_MAGIC	"RSP1"
#define CONTROL_RESUME_MAGIC	"RSU1"
#define CONTROL_MAX_REQUEST	(1u << 20)

struct cred;

/* The credentials, before their execve, of the processes runsc exec
 * starts (the request's ids replace the ids): the container's process
 * ones. Copied; call before control_start (without it, they start with
 * no capability at all). */
void control_set_exec_cred(const struct cred *c);

/* Serve listen_fd from a thread of its own (after the init task exists).
 * Returns 0 or -errno. */
int control_start(int listen_fd);

/* The exec'd process whose connection is conn is gone with wait status
 * status: tell runsc exec and close conn. Kernel lock held. */
void control_report_exit(int conn, int status);

#endif
