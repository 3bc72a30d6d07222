/* A joined container's file tree: see container_root.h. */
#include "sentry/vfs/container_root.h"

#include <stdio.h>
#include <unistd.h>

#include "abi/errno.h"
#include "sentry/fs/dev/devfs.h"
#include "sentry/fs/gofer/gofer_fs.h"
#include "sentry/vfs/mount_spec.h"
#include "sentry/vfs/namei.h"
#include "sentry/vfs/vfs.h"

/* The sandbox's procfs, mounted in the tree of rm too. */
static int mount_proc(struct mount *rm)
{
	struct mount *gm = vfs_root_mount();
	struct walk_ctx wc = {.root = {gm, gm->root}, .start = {gm, gm->root}};
	struct path p;
	int ret = vfs_walk(&wc, "/proc", LOOKUP_DIRECTORY, &p);

	if (ret < 0)
		return ret;
	if (p.dentry != p.mnt->root)
		ret =
		    -LINUX_ENOENT; /* nothing mounted on the sandbox's /proc */
	else
		ret = vfs_mount_at_in(rm, "/proc", p.dentry->sb);
	path_put(&p);
	return ret;
}

struct mount *container_root_new(int gofer_fd, bool read_only,
				 char *const *specs, char *err, size_t errlen)
{
	struct mount *rm;
	struct super *sb;
	int ret = 0;

	for (size_t i = 0; specs && specs[i]; i++)
		if (mount_spec_add(specs[i], err, errlen) < 0) {
			mount_spec_clear();
			close(gofer_fd);
			return NULL;
		}
	sb = goferfs_new(gofer_fd, read_only, &ret);
	if (!sb) {
		mount_spec_clear();
		close(gofer_fd);
		snprintf(err, errlen, "mounting the container's root: %s",
			 linux_errno_msg(-ret));
		return NULL;
	}
	rm = vfs_mount_detached(sb);
	if (!rm) {
		mount_spec_clear();
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((ret = mount_proc(rm)) < 0 || (ret = devfs_mount_in(rm)) < 0) {
		mount_spec_clear();
		snprintf(err, errlen, "mounting /proc and /dev: %s",
			 linux_errno_msg(-ret));
		return NULL;
	}
	if (mount_spec_apply(rm, sb, err, errlen) < 0)
		return NULL;
	return rm;
}
