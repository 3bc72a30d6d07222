/* procfs: the sandbox's /proc, generated from sentry state.
 *
 * /proc/self, /proc/thread-self, /proc/PID and /proc/PID/task/TID for every
 * live process and thread (exe, cwd, root, fd/, fdinfo/, maps, stat,
 * status, cmdline, environ, comm, mounts, mountinfo, cgroup,
 * oom_score_adj, limits, task/), global files (meminfo, cpuinfo, uptime,
 * loadavg, filesystems, version, stat, mounts) and a minimal /proc/sys.
 * File contents are generated when the file is opened. Kernel lock held
 * for everything but procfs_preload().
 *
 * Differences from Linux: /proc/PID/fd/N are plain symlinks to the file's
 * path (opening one reopens that path; pipes and sockets cannot be opened
 * through them); no ptrace-mode access checks (one sandbox, one user).
 */
#ifndef SENTRY_FS_PROC_PROCFS_H
#define SENTRY_FS_PROC_PROCFS_H

#include <stdbool.h>
#include <stdint.h>

#include "sentry/vfs/vfs.h"

/* Capture what procfs reports about the host (its /proc/cpuinfo, CPU
 * count, memory size) and the sandbox's boot time. Call once at sentry
 * start-up, before the sentry pivots away from the host's /proc and
 * before its seccomp filter is installed. Safe to skip (generic values
 * are used). */
void procfs_preload(void);

/* Build procfs and mount it at /proc. Call once after vfs_init(), before
 * the first task runs. 0 or -LINUX_Exxx. */
int procfs_mount(void);

/* Magic links, for the VFS (Linux's proc_fd_link): /proc/PID/fd/N reads as
 * the file's path, but opening it must reach the open file itself, also
 * when it has no path (a pipe) or its path was unlinked. */
bool procfs_is_fd_link(const struct inode *inode);
/* The open file a /proc/PID/fd/N inode designates, referenced (caller
 * puts), or NULL when the process or fd is gone. t is the walking task. */
struct file *procfs_fd_link_file(struct inode *link, struct task *t);
/* open() whose final component is such a link (and not O_NOFOLLOW): a new
 * open file description of the same object with flags: path-backed files
 * are reopened by path (permission checks against cred), pipes through
 * fifo_open(); anything else is -LINUX_ENXIO (sockets, as Linux). */
int procfs_fd_link_open(struct inode *link, uint32_t flags,
			const struct cred *cred, struct task *t,
			struct file **out);

#endif
