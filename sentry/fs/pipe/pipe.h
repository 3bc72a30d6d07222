/* Pipes and FIFOs (Linux's fs/pipe.c).
 *
 * A pipe is a byte ring (pipebuf.h) with a count of open read ends and
 * write ends and one wait queue woken on every change (data, space, an end
 * opened or closed). Each open file of a pipe has priv = struct pipe_end.
 * Anonymous pipes come from pipe_create(); named FIFOs get their pipe at
 * open through fifo_open() (inode->fifo_private), and lose it (and any
 * unread bytes) when the last end closes, as in Linux.
 *
 * Everything here runs under the kernel lock.
 */
#ifndef SENTRY_FS_PIPE_PIPE_H
#define SENTRY_FS_PIPE_PIPE_H

#include <stdbool.h>
#include <stdint.h>

#include "sentry/vfs/vfs.h"

struct task;

/* The file operations of every pipe end (read end, write end, or an O_RDWR
 * FIFO open). */
extern const struct file_ops pipe_file_ops;

/* Create an anonymous pipe: *rd (O_RDONLY) and *wr (O_WRONLY) share one
 * S_IFIFO inode owned by t's euid/egid. extra_flags: LINUX_O_NONBLOCK
 * and/or LINUX_O_DIRECT (accepted, no packet mode), added to both ends.
 * The caller owns one reference to each file. 0 or -LINUX_ENOMEM. */
int pipe_create(struct task *t, uint32_t extra_flags, struct file **rd,
		struct file **wr);

/* Open of a FIFO inode (S_IFIFO on any filesystem): the inode_ops.open
 * shape, to be called by the VFS (or the filesystem's open op) for FIFO
 * inodes. f->flags gives the access mode; sets f->ops and f->priv.
 * Linux's rules: O_RDONLY waits for a writer and O_WRONLY for a reader
 * unless O_NONBLOCK; O_WRONLY|O_NONBLOCK without a reader is ENXIO; O_RDWR
 * never waits. Also accepts the inode of an anonymous pipe while an end of
 * it is open: that reopens the pipe (open of /proc/PID/fd/N, as Linux).
 * Returns 0, -LINUX_ENXIO, -LINUX_ERESTARTSYS, -LINUX_ENOMEM. */
int fifo_open(struct inode *inode, struct file *f, struct task *t);

/* Make the VFS open FIFO inodes of every filesystem through fifo_open()
 * (vfs_fifo_open_hook). Called by devfs_mount(). */
void pipe_install_hooks(void);

/* True when f is an end of a pipe or FIFO. */
bool file_is_pipe(const struct file *f);

/* fcntl F_GETPIPE_SZ / F_SETPIPE_SZ on f: returns the (new) capacity, or
 * -LINUX_EBADF when f is not a pipe, -LINUX_EBUSY/-EPERM/-ENOMEM. For the
 * owner of sys_fcntl to call. */
long pipe_fcntl(struct file *f, int cmd, uint64_t arg);

#endif
