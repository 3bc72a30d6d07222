/* Mounting a filesystem at a path of the global tree. */
#include "sentry/vfs/namei.h"
#include "sentry/vfs/vfs.h"

int vfs_mount_at(const char *path, struct super *sb)
{
	return vfs_mount_at_in(vfs_root_mount(), path, sb);
}

int vfs_mount_at_in(struct mount *rm, const char *path, struct super *sb)
{
	if (!rm)
		return -LINUX_ENOENT;
	struct walk_ctx wc = {.root = {rm, rm->root}, .start = {rm, rm->root}};
	struct path p;
	int ret = vfs_walk(&wc, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	if (ret == -LINUX_ENOENT) {
		ret = vfs_mkdir(&wc, path, 0755);
		if (ret < 0)
			return ret;
		ret = vfs_walk(&wc, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	}
	if (ret < 0)
		return ret;
	ret = vfs_mount_on(&p, sb, sb->fstype);
	path_put(&p);
	return ret;
}
