/* The gofer filesystem (9P2000.L client side): the container's root tree,
 * read-write (or read-only) through the gofer, with Linux's semantics for
 * every name-space and file operation, on the assumption that nothing but
 * the sandbox changes the tree (see gofer_inode.h). Kernel lock held for
 * all calls (the 9P client allows it). */
#ifndef SENTRY_FS_GOFER_GOFER_FS_H
#define SENTRY_FS_GOFER_GOFER_FS_H

#include "sentry/vfs/vfs.h"

/* Connect to the gofer over gofer_fd (owned by the filesystem on success)
 * and attach to its root. read_only: the super is SB_RDONLY (EROFS from
 * the VFS; a gofer run with --ro refuses writes too). NULL with
 * *err = -LINUX_Exxx on failure. */
struct super *goferfs_new(int gofer_fd, bool read_only, int *err);

/* Attach to tree aname ("1", "2"...: runsc-gofer's --mount order) of the
 * gofer serving sb (a super of goferfs_new): a new super sharing sb's
 * connection, for a bind mount; read_only as for goferfs_new. NULL with
 * *err = -LINUX_Exxx. */
struct super *goferfs_attach(struct super *sb, const char *aname,
			     bool read_only, int *err);

#endif
