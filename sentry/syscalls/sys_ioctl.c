/* ioctl. */
#include "sentry/syscalls/sys_ioctl.h"

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/stat.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/vfs.h"

/* "Not a generic request": internal, never returned (Linux's ENOIOCTLCMD). */
#define LINUX_ENOIOCTLCMD_INTERNAL 515

static long set_flag(struct task *t, struct file *f, uint64_t arg,
		     uint32_t flag)
{
	int32_t on;
	int r = copy_in(t, arg, &on, sizeof(on));
	if (r < 0)
		return r;
	if (on)
		f->flags |= flag;
	else
		f->flags &= ~flag;
	return 0;
}

static long generic_ioctl(struct task *t, int fd, struct file *f, unsigned cmd,
			  uint64_t arg)
{
	uint32_t type = f->inode->mode & LINUX_S_IFMT;
	switch (cmd) {
	case LINUX_FIOCLEX:
		return fdtable_set_cloexec(t->fdt, fd, true);
	case LINUX_FIONCLEX:
		return fdtable_set_cloexec(t->fdt, fd, false);
	case LINUX_FIONBIO:
		return set_flag(t, f, arg, LINUX_O_NONBLOCK);
	case LINUX_FIOASYNC:
		/* No SIGIO delivery: the flag is only remembered. */
		return set_flag(t, f, arg, LINUX_O_ASYNC);
	case LINUX_FIOQSIZE:
		if (type == LINUX_S_IFDIR || type == LINUX_S_IFREG ||
		    type == LINUX_S_IFLNK) {
			vfs_getattr(f->inode);
			int64_t size = (int64_t)f->inode->size;
			return copy_out(t, arg, &size, sizeof(size));
		}
		return -LINUX_ENOTTY;
	case LINUX_FIGETBSZ: {
		int32_t bs =
		    f->inode->blksize ? (int32_t)f->inode->blksize : 4096;
		return copy_out(t, arg, &bs, sizeof(bs));
	}
	case LINUX_FIONREAD:
		if (type == LINUX_S_IFREG) {
			vfs_getattr(f->inode);
			int64_t left = (int64_t)f->inode->size - f->pos;
			int32_t n = left < 0	       ? 0
				    : left > INT32_MAX ? INT32_MAX
						       : (int32_t)left;
			return copy_out(t, arg, &n, sizeof(n));
		}
		break;
	}
	return -LINUX_ENOIOCTLCMD_INTERNAL;
}

/* ioctl(2): FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC (flag only), FIOQSIZE,
 * FIGETBSZ and FIONREAD on regular files here; everything else is the
 * file type's (ENOTTY when it has no ioctl op). */
long sys_ioctl(struct task *t, const uint64_t a[6])
{
	int fd = (int)a[0];
	unsigned cmd = (unsigned)a[1];
	uint64_t arg = a[2];
	struct file *f = fd_get(t, fd);
	if (!f)
		return -LINUX_EBADF;
	long ret;
	if (f->flags & LINUX_O_PATH) {
		ret = -LINUX_EBADF;
		goto out;
	}
	ret = generic_ioctl(t, fd, f, cmd, arg);
	if (ret != -LINUX_ENOIOCTLCMD_INTERNAL)
		goto out;
	if (f->ops && f->ops->ioctl)
		ret = f->ops->ioctl(f, t, cmd, arg);
	else
		ret = -LINUX_ENOTTY;
out:
	file_put(f);
	return ret;
}
