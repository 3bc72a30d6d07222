/* A joined container's file tree (a pod's next container, control.h): its
 * root is its own gofer's tree, apart from the sandbox's; /proc is the
 * sandbox's procfs (one pid namespace), /dev a tmpfs of its own, and then
 * its mounts (mount_spec.h), as the sandbox's first container gets them at
 * boot. Kernel lock held. */
#ifndef SENTRY_VFS_CONTAINER_ROOT_H
#define SENTRY_VFS_CONTAINER_ROOT_H

#include <stdbool.h>
#include <stddef.h>

struct mount;

/* Connect to the gofer on gofer_fd (owned from here on, also on failure),
 * mount its tree writable or read_only as a tree of its own, then /proc,
 * /dev and specs (NULL-terminated --mount arguments, may be NULL). Returns
 * the tree's root mount, or NULL with a message in err[errlen]. */
struct mount *container_root_new(int gofer_fd, bool read_only,
				 char *const *specs, char *err, size_t errlen);

#endif
