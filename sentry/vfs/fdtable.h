/* File descriptor tables (Linux's files_struct): shared between tasks
 * created with CLONE_FILES, copied by fork otherwise. Each slot holds a
 * reference to an open file description and its FD_CLOEXEC bit. Kernel
 * lock held for all calls.
 *
 * Reference rule: the install functions take their OWN reference on the
 * file; the caller keeps (and eventually puts) the one it had. */
#ifndef SENTRY_VFS_FDTABLE_H
#define SENTRY_VFS_FDTABLE_H

#include <stdbool.h>
#include <stdint.h>

struct file;
struct task;

#define FDTABLE_DEFAULT_MAX 1024 /* RLIMIT_NOFILE when the task sets none */
#define FDTABLE_HARD_MAX    (1 << 20) /* Linux's nr_open */

struct fdtable {
	int refs;
	int size; /* allocated slots */
	struct file **files;
	uint8_t *cloexec;
};

struct fdtable *fdtable_new(void);
/* A copy sharing the same open files (fork without CLONE_FILES). */
struct fdtable *fdtable_dup(struct fdtable *fdt);
struct fdtable *fdtable_get(struct fdtable *fdt);
/* Dropping the last reference closes every fd. */
void fdtable_put(struct fdtable *fdt);
/* Close every FD_CLOEXEC fd (exec). */
void fdtable_close_on_exec(struct fdtable *fdt);

/* Install f at exactly fd, closing what was there (dup2 semantics).
 * -LINUX_EBADF when fd < 0 or >= FDTABLE_HARD_MAX, -LINUX_ENOMEM. */
int fdtable_install_at(struct fdtable *fdt, int fd, struct file *f,
		       bool cloexec);
/* Install f at the lowest free fd >= minfd and < limit; returns it or
 * -LINUX_EMFILE (-LINUX_EINVAL when minfd >= limit... as F_DUPFD). */
int fdtable_alloc(struct fdtable *fdt, struct file *f, int minfd,
		  uint64_t limit, bool cloexec);
/* The file at fd with a new reference (caller puts it), NULL if none. */
struct file *fdtable_get_file(struct fdtable *fdt, int fd);
/* Remove fd, putting its file. 0 or -LINUX_EBADF. */
int fdtable_close(struct fdtable *fdt, int fd);
int fdtable_get_cloexec(struct fdtable *fdt, int fd); /* 0/1 or -EBADF */
int fdtable_set_cloexec(struct fdtable *fdt, int fd, bool on);
/* Highest possibly-used fd + 1 (for iteration: /proc/PID/fd, close_range). */
int fdtable_max_fd(struct fdtable *fdt);

/* The task's RLIMIT_NOFILE (tg->rlim[7].cur when set, else 1024). */
uint64_t task_nofile_limit(struct task *t);
/* Install f in t's table at the lowest free fd (pipe, socket, eventfd...).
 * Returns the fd or -LINUX_EMFILE/-LINUX_ENOMEM. */
int fd_install(struct task *t, struct file *f, bool cloexec);
/* t's file at fd with a reference, NULL when fd is not open. */
struct file *fd_get(struct task *t, int fd);

#endif
