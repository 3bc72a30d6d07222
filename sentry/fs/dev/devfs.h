/* devfs: the sandbox's /dev, as runc and Docker make a container's: a
 * tmpfs (mode 755) holding the device nodes null (1:3), zero (1:5), full
 * (1:7), random (1:8), urandom (1:9) and tty (5:0, ENXIO: the sentry has
 * no controlling terminals yet); stdin, stdout, stderr and fd as symlinks
 * into /proc/self/fd; shm (a tmpfs mounted over it), pts (empty). Like
 * any tmpfs it takes new files (bind-mount points, sockets). Kernel lock
 * held for everything.
 */
#ifndef SENTRY_FS_DEV_DEVFS_H
#define SENTRY_FS_DEV_DEVFS_H

#include <stdint.h>

#include "sentry/vfs/vfs.h"

/* Mount a tmpfs at /dev and populate it, then a tmpfs at /dev/shm. Also sets
 * the VFS's open hooks for character devices and FIFOs living on other
 * filesystems (vfs_chrdev_open_hook = devfs_chr_open, and the pipe
 * layer's). Call once after vfs_init(), before the first task runs. 0 or
 * -LINUX_Exxx. */
int devfs_mount(void);
/* The same in the tree whose root mount is root (a joined container's:
 * vfs_mount_detached). */
int devfs_mount_in(struct mount *root);

/* The file operations of the character device rdev (LINUX_MKDEV
 * encoding) when it is one of the memory devices above, else NULL. For
 * filesystems holding device nodes made with mknod (a container's own
 * /dev on tmpfs or the gofer): set f->ops to this at open. */
const struct file_ops *devfs_chr_ops(uint64_t rdev);

/* inode_ops.open for a character device node on any filesystem: picks the
 * ops by inode->rdev; -LINUX_ENXIO for /dev/tty (no controlling terminal)
 * and -LINUX_ENXIO for devices the sentry does not have, as Linux does for
 * a device number without a driver. */
int devfs_chr_open(struct inode *inode, struct file *f, struct task *t);

#endif
