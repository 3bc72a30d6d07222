/* The gofer filesystem (9P2000.L client side): the container's root tree,
 * read-only. Kernel lock held for all calls (the 9P client allows it). */
#ifndef SENTRY_FS_GOFER_GOFER_FS_H
#define SENTRY_FS_GOFER_GOFER_FS_H

#include "sentry/vfs/vfs.h"

/* Connect to the gofer over gofer_fd (owned by the filesystem on success)
 * and attach to its root. NULL with *err = -LINUX_Exxx on failure. */
struct super *goferfs_new(int gofer_fd, int *err);

#endif
