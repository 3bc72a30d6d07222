/* Extended attributes: no filesystem of the sandbox stores any yet, so
 * reads find none (ENODATA), lists are empty, and writes are refused with
 * EOPNOTSUPP, as on a filesystem mounted without xattr support. The path
 * or fd is still resolved so ENOENT/EBADF/EFAULT come out as on Linux. */
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/syscalls/sys_file.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/namei.h"
#include "sentry/vfs/vfs.h"

#define XATTR_NAME_MAX 255

static long check_path(struct task *t, uint64_t upath, bool follow)
{
	char path[VFS_PATH_MAX];
	long ret = copy_path_in(t, upath, path, 0);
	if (ret < 0)
		return ret;
	struct path p;
	ret = vfs_walk_task(t, LINUX_AT_FDCWD, path, follow ? LOOKUP_FOLLOW : 0,
			    &p);
	if (ret < 0)
		return ret;
	path_put(&p);
	return 0;
}

static long check_fd(struct task *t, uint64_t fd)
{
	struct file *f = fd_get(t, (int)(int32_t)fd);
	if (!f)
		return -LINUX_EBADF;
	long ret = (f->flags & LINUX_O_PATH) ? -LINUX_EBADF : 0;
	file_put(f);
	return ret;
}

static long check_name(struct task *t, uint64_t uname)
{
	char name[XATTR_NAME_MAX + 2];
	long len = copy_string_in(t, uname, name, sizeof(name));
	if (len == -LINUX_ENAMETOOLONG || len > XATTR_NAME_MAX)
		return -LINUX_ERANGE;
	if (len < 0)
		return len;
	if (len == 0)
		return -LINUX_ERANGE;
	return 0;
}

static long get_common(struct task *t, long target, uint64_t uname)
{
	if (target < 0)
		return target;
	long ret = check_name(t, uname);
	return ret < 0 ? ret : -LINUX_ENODATA;
}

long sys_getxattr(struct task *t, const uint64_t a[6])
{
	return get_common(t, check_path(t, a[0], true), a[1]);
}

long sys_lgetxattr(struct task *t, const uint64_t a[6])
{
	return get_common(t, check_path(t, a[0], false), a[1]);
}

long sys_fgetxattr(struct task *t, const uint64_t a[6])
{
	return get_common(t, check_fd(t, a[0]), a[1]);
}

long sys_listxattr(struct task *t, const uint64_t a[6])
{
	return check_path(t, a[0], true);
}

long sys_llistxattr(struct task *t, const uint64_t a[6])
{
	return check_path(t, a[0], false);
}

long sys_flistxattr(struct task *t, const uint64_t a[6])
{
	return check_fd(t, a[0]);
}

static long set_common(struct task *t, long target, uint64_t uname)
{
	if (target < 0)
		return target;
	long ret = check_name(t, uname);
	return ret < 0 ? ret : -LINUX_EOPNOTSUPP;
}

long sys_setxattr(struct task *t, const uint64_t a[6])
{
	return set_common(t, check_path(t, a[0], true), a[1]);
}

long sys_lsetxattr(struct task *t, const uint64_t a[6])
{
	return set_common(t, check_path(t, a[0], false), a[1]);
}

long sys_fsetxattr(struct task *t, const uint64_t a[6])
{
	return set_common(t, check_fd(t, a[0]), a[1]);
}

long sys_removexattr(struct task *t, const uint64_t a[6])
{
	return get_common(t, check_path(t, a[0], true), a[1]);
}

long sys_lremovexattr(struct task *t, const uint64_t a[6])
{
	return get_common(t, check_path(t, a[0], false), a[1]);
}

long sys_fremovexattr(struct task *t, const uint64_t a[6])
{
	return get_common(t, check_fd(t, a[0]), a[1]);
}
