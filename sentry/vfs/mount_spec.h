/* The container's mounts, as the sentry's command line gives them
 * (runsc turns config.json's mounts, maskedPaths and readonlyPaths into
 * these, in the order runc applies them):
 *
 *   --mount=TYPE:SRC:OPTS:DEST
 *
 *   bind:N:OPTS:DEST    the gofer's tree N (runsc-gofer's N-th --mount, a
 *                       directory or a single file) on DEST
 *   tmpfs::OPTS:DEST    an empty tmpfs on DEST (a directory)
 *   mask:::DEST         maskedPaths: DEST hidden, a directory under an
 *                       empty read-only tmpfs, anything else under
 *                       /dev/null; nothing when DEST does not exist
 *   readonly:::DEST     readonlyPaths: DEST bound onto itself read-only;
 *                       nothing when DEST does not exist
 *
 * OPTS, comma-separated: ro, rw, nosuid, nodev, noexec (and suid, dev,
 * exec to clear them); tmpfs also mode=OCTAL, uid=N, gid=N for its root,
 * and size=N[kmg], nr_blocks=N[kmg], nr_inodes=N[kmg] (ENOSPC past them).
 * DEST is absolute and last, so it may hold ':'. A missing DEST of a bind
 * or tmpfs mount is created (with its parents) in the sandbox's tree,
 * which fails with EROFS on a read-only root.
 */
#ifndef SENTRY_VFS_MOUNT_SPEC_H
#define SENTRY_VFS_MOUNT_SPEC_H

#include <stddef.h>

/* Parse and remember one --mount argument (before any mount is made).
 * 0, or -1 with a message naming what is wrong in err[errlen]. */
int mount_spec_add(const char *arg, char *err, size_t errlen);

/* Make the remembered mounts, in order, in the tree whose root mount is
 * root (the sandbox's, after vfs_init, devfs and procfs; or a joined
 * container's); kernel lock held. gofer: that tree's gofer super (bind
 * mounts attach through its connection; NULL: none may be asked). 0, or
 * -1 with a message naming the mount in err[errlen]. Frees what
 * mount_spec_add kept either way. */
struct super;
struct mount;
/* Forget the remembered mounts (mount_spec_apply does too). */
void mount_spec_clear(void);
int mount_spec_apply(struct mount *root, struct super *gofer, char *err,
		     size_t errlen);

#endif
