/* Mounting the sandbox's root filesystem. */
#include "sentry/fs/gofer/gofer_fs.h"
#include "sentry/fs/overlay/overlay.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/log.h"
#include "sentry/vfs/vfs.h"

static struct super *root_gofer;

struct super *vfs_gofer_super(void)
{
	return root_gofer;
}

int vfs_init(int gofer_fd, enum vfs_root_mode mode)
{
	if (vfs_root_mount())
		return -LINUX_EBUSY;
	struct super *sb;
	if (gofer_fd < 0) {
		sb = tmpfs_new(0755);
		if (!sb)
			return -LINUX_ENOMEM;
		return vfs_mount_root(sb);
	}
	int err = 0;
	/* An overlay's lower layer is never written. */
	struct super *gsb = goferfs_new(gofer_fd, mode != VFS_ROOT_RW, &err);
	if (!gsb) {
		log_error("vfs: cannot mount the gofer root: %d", err);
		return err ? err : -LINUX_EIO;
	}
	root_gofer = gsb;
	if (mode != VFS_ROOT_OVERLAY)
		return vfs_mount_root(gsb);
	sb = overlay_new(gsb->root->inode);
	if (!sb)
		return -LINUX_ENOMEM;
	return vfs_mount_root(sb);
}
