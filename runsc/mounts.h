/* config.json's mounts, linux.readonlyPaths and linux.maskedPaths as the
 * sandbox's mounts (runsc/sandbox.h), in runc's order: the mounts as
 * listed, then the read-only paths, then the masked ones.
 *
 * The sandbox makes /proc, /dev (with /dev/pts, /dev/mqueue) and needs no
 * sysfs or cgroup mount: those entries are skipped (a tmpfs on /dev/shm
 * is mounted, with its size= and flags). Bind
 * mounts (type "bind", or any type with a "bind"/"rbind" option) are
 * served by the gofer, always recursively; tmpfs mounts are the sentry's.
 * Any other type is an error naming the entry. Options: ro/rw,
 * nosuid/nodev/noexec (and their inverses), tmpfs's mode/uid/gid and
 * size/nr_blocks/nr_inodes (checked by the sentry); the propagation and
 * atime options have no meaning in a sandbox with one mount namespace and
 * are accepted; anything else is an error.
 *
 * Mount points missing in the root are created on the host beforehand,
 * as runc does, resolved beneath root.path (openat2 RESOLVE_IN_ROOT:
 * symlinks in the bundle cannot lead out of it).
 */
#ifndef RUNSC_MOUNTS_H
#define RUNSC_MOUNTS_H

#include <stddef.h>

#include "runsc/cli.h"
#include "runsc/error.h"
#include "runsc/oci_spec.h"
#include "runsc/sandbox.h"

struct container_mounts {
	struct sandbox_mount *v;
	size_t n;
	char **owned; /* strings v points to that we allocated */
	size_t n_owned;
};

/* Build m from spec (bundle: where relative sources are; rootfs: the
 * resolved root.path). 0, or -1 with e naming the JSON path at fault and
 * nothing allocated. */
int container_mounts_build(const struct globals *g, const struct oci_spec *s,
			   const char *bundle, const char *rootfs,
			   struct container_mounts *m, struct rerr *e);
void container_mounts_free(struct container_mounts *m);

/* Create path (relative to rootfs, or absolute in it) and its missing
 * parents beneath rootfs: directories, and the last one a directory too
 * when dir, else an empty file. Existing entries are left alone. 0 or -1
 * with errno. */
int mkdir_beneath(const char *rootfs, const char *path, int dir);

#endif
