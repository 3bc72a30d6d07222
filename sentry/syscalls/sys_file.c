/* File and name-space syscalls: open/close/dup/fcntl, directories,
 * links, renames, permissions, ownership, times, truncation, sync. */
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/syscalls/sys_file.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/fs_context.h"
#include "sentry/vfs/namei.h"
#include "sentry/vfs/vfs.h"

static int arg_fd(uint64_t v)
{
	return (int)(int32_t)v;
}

static uint32_t task_umask(struct task *t)
{
	return t->fs ? t->fs->umask : 022;
}

/* ------------------------------------------------------------------ */
/* open, close, dup */

static long do_openat(struct task *t, int dirfd, uint64_t upath, uint32_t flags,
		      uint32_t mode)
{
	char path[VFS_PATH_MAX];
	long ret = copy_path_in(t, upath, path, 0);
	if (ret < 0)
		return ret;
	if (flags & LINUX_O_PATH)
		flags &= LINUX_O_PATH | LINUX_O_DIRECTORY | LINUX_O_NOFOLLOW |
			 LINUX_O_CLOEXEC;
	if ((flags & LINUX_O_TMPFILE) == LINUX_O_TMPFILE)
		return -LINUX_EOPNOTSUPP;
	/* As on every 64-bit Linux, files are always large-file capable. */
	flags |= LINUX_O_LARGEFILE;
	mode = mode & 07777 & ~task_umask(t);
	struct walk_ctx wc;
	ret = walk_ctx_task(t, dirfd, path, &wc);
	if (ret < 0)
		return ret;
	struct file *f;
	ret = vfs_openat_ctx(&wc, path, flags, mode, &f);
	walk_ctx_release(&wc);
	if (ret < 0)
		return ret;
	ret = fd_install(t, f, flags & LINUX_O_CLOEXEC);
	file_put(f);
	return ret;
}

long sys_open(struct task *t, const uint64_t a[6])
{
	return do_openat(t, LINUX_AT_FDCWD, a[0], (uint32_t)a[1],
			 (uint32_t)a[2]);
}

long sys_openat(struct task *t, const uint64_t a[6])
{
	return do_openat(t, arg_fd(a[0]), a[1], (uint32_t)a[2], (uint32_t)a[3]);
}

long sys_creat(struct task *t, const uint64_t a[6])
{
	return do_openat(t, LINUX_AT_FDCWD, a[0],
			 LINUX_O_CREAT | LINUX_O_WRONLY | LINUX_O_TRUNC,
			 (uint32_t)a[1]);
}

/* openat2: RESOLVE_* flags are not supported (EINVAL... as an old
 * kernel would answer E2BIG/EINVAL for unknown bits). */
long sys_openat2(struct task *t, const uint64_t a[6])
{
	struct {
		uint64_t flags, mode, resolve;
	} how;
	if (a[3] < sizeof(how))
		return -LINUX_EINVAL;
	if (a[3] > 4096)
		return -LINUX_E2BIG;
	int ret = copy_in(t, a[2], &how, sizeof(how));
	if (ret < 0)
		return ret;
	if (how.resolve || (how.flags >> 32) || (how.mode & ~07777ULL))
		return -LINUX_EINVAL;
	if (!(how.flags & LINUX_O_CREAT) && how.mode)
		return -LINUX_EINVAL;
	return do_openat(t, arg_fd(a[0]), a[1], (uint32_t)how.flags,
			 (uint32_t)how.mode);
}

long sys_close(struct task *t, const uint64_t a[6])
{
	return fdtable_close(t->fdt, arg_fd(a[0]));
}

long sys_close_range(struct task *t, const uint64_t a[6])
{
	uint32_t first = (uint32_t)a[0], last = (uint32_t)a[1];
	uint32_t flags = (uint32_t)a[2];
	if (flags & ~(LINUX_CLOSE_RANGE_UNSHARE | LINUX_CLOSE_RANGE_CLOEXEC))
		return -LINUX_EINVAL;
	if (first > last)
		return -LINUX_EINVAL;
	if ((flags & LINUX_CLOSE_RANGE_UNSHARE) && t->fdt->refs > 1) {
		struct fdtable *copy = fdtable_dup(t->fdt);
		if (!copy)
			return -LINUX_ENOMEM;
		fdtable_put(t->fdt);
		t->fdt = copy;
	}
	int max = fdtable_max_fd(t->fdt);
	for (uint64_t fd = first; fd <= last && fd < (uint64_t)max; fd++) {
		if (flags & LINUX_CLOSE_RANGE_CLOEXEC)
			fdtable_set_cloexec(t->fdt, (int)fd, true);
		else
			fdtable_close(t->fdt, (int)fd);
	}
	return 0;
}

long sys_dup(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, arg_fd(a[0]));
	if (!f)
		return -LINUX_EBADF;
	long ret = fd_install(t, f, false);
	file_put(f);
	return ret;
}

static long do_dup3(struct task *t, int oldfd, int newfd, uint32_t flags)
{
	if (flags & ~LINUX_O_CLOEXEC)
		return -LINUX_EINVAL;
	struct file *f = fd_get(t, oldfd);
	if (!f)
		return -LINUX_EBADF;
	long ret;
	if (newfd < 0 || (uint64_t)newfd >= task_nofile_limit(t))
		ret = -LINUX_EBADF;
	else
		ret = fdtable_install_at(t->fdt, newfd, f,
					 flags & LINUX_O_CLOEXEC);
	file_put(f);
	return ret;
}

long sys_dup2(struct task *t, const uint64_t a[6])
{
	int oldfd = arg_fd(a[0]), newfd = arg_fd(a[1]);
	if (oldfd == newfd) {
		struct file *f = fd_get(t, oldfd);
		if (!f)
			return -LINUX_EBADF;
		file_put(f);
		return newfd;
	}
	return do_dup3(t, oldfd, newfd, 0);
}

long sys_dup3(struct task *t, const uint64_t a[6])
{
	if (arg_fd(a[0]) == arg_fd(a[1]))
		return -LINUX_EINVAL;
	return do_dup3(t, arg_fd(a[0]), arg_fd(a[1]), (uint32_t)a[2]);
}

/* fcntl: record locks are accepted but not enforced (one sandbox, one
 * user: advisory locks between its processes are not kept). */
long sys_fcntl(struct task *t, const uint64_t a[6])
{
	int fd = arg_fd(a[0]);
	int cmd = (int)a[1];
	struct file *f = fd_get(t, fd);
	if (!f)
		return -LINUX_EBADF;
	long ret = 0;
	bool opath = f->flags & LINUX_O_PATH;
	switch (cmd) {
	case LINUX_F_DUPFD:
	case LINUX_F_DUPFD_CLOEXEC: {
		uint64_t min = a[2];
		uint64_t lim = task_nofile_limit(t);
		if ((int64_t)(int32_t)min < 0 || min >= lim) {
			ret = -LINUX_EINVAL;
			break;
		}
		ret = fdtable_alloc(t->fdt, f, (int)min, lim,
				    cmd == LINUX_F_DUPFD_CLOEXEC);
		break;
	}
	case LINUX_F_GETFD:
		ret = fdtable_get_cloexec(t->fdt, fd);
		break;
	case LINUX_F_SETFD:
		ret = fdtable_set_cloexec(t->fdt, fd, a[2] & LINUX_FD_CLOEXEC);
		break;
	case LINUX_F_GETFL:
		ret = f->flags;
		break;
	case LINUX_F_SETFL: {
		if (opath) {
			ret = -LINUX_EBADF;
			break;
		}
		uint32_t settable = LINUX_O_APPEND | LINUX_O_NONBLOCK |
				    LINUX_O_ASYNC | LINUX_O_DIRECT |
				    LINUX_O_NOATIME;
		f->flags = (f->flags & ~settable) | ((uint32_t)a[2] & settable);
		break;
	}
	case LINUX_F_GETLK:
	case LINUX_F_OFD_GETLK: {
		if (opath) {
			ret = -LINUX_EBADF;
			break;
		}
		struct linux_flock fl;
		ret = copy_in(t, a[2], &fl, sizeof(fl));
		if (ret < 0)
			break;
		if (fl.l_type != LINUX_F_RDLCK && fl.l_type != LINUX_F_WRLCK) {
			ret = -LINUX_EINVAL;
			break;
		}
		fl.l_type = LINUX_F_UNLCK;
		ret = copy_out(t, a[2], &fl, sizeof(fl));
		break;
	}
	case LINUX_F_SETLK:
	case LINUX_F_SETLKW:
	case LINUX_F_OFD_SETLK:
	case LINUX_F_OFD_SETLKW: {
		if (opath) {
			ret = -LINUX_EBADF;
			break;
		}
		struct linux_flock fl;
		ret = copy_in(t, a[2], &fl, sizeof(fl));
		if (ret < 0)
			break;
		if (fl.l_type == LINUX_F_RDLCK && !file_readable(f))
			ret = -LINUX_EBADF;
		else if (fl.l_type == LINUX_F_WRLCK && !file_writable(f))
			ret = -LINUX_EBADF;
		else if (fl.l_type != LINUX_F_RDLCK &&
			 fl.l_type != LINUX_F_WRLCK &&
			 fl.l_type != LINUX_F_UNLCK)
			ret = -LINUX_EINVAL;
		break;
	}
	case LINUX_F_GETOWN:
	case LINUX_F_GETSIG:
	case LINUX_F_GETLEASE:
		ret = cmd == LINUX_F_GETLEASE ? LINUX_F_UNLCK : 0;
		break;
	case LINUX_F_SETOWN:
	case LINUX_F_SETSIG:
		ret = 0;
		break;
	default:
		ret = -LINUX_EINVAL;
		break;
	}
	file_put(f);
	return ret;
}

/* ------------------------------------------------------------------ */
/* cwd, umask */

long sys_getcwd(struct task *t, const uint64_t a[6])
{
	char buf[VFS_PATH_MAX];
	struct fs_context *fs = t->fs;
	if (fs->cwd.dentry->deleted)
		return -LINUX_ENOENT;
	int len = vfs_path_name(&fs->root, &fs->cwd, buf, sizeof(buf));
	if (len < 0)
		return len;
	if (a[1] < (uint64_t)len + 1)
		return -LINUX_ERANGE;
	int ret = copy_out(t, a[0], buf, (size_t)len + 1);
	return ret < 0 ? ret : len + 1;
}

static long set_cwd(struct task *t, struct path *p)
{
	if (!LINUX_S_ISDIR(p->dentry->inode->mode))
		return -LINUX_ENOTDIR;
	int ret = inode_permission(p->dentry->inode, &t->cred, LINUX_X_OK);
	if (ret < 0)
		return ret;
	fs_context_set_cwd(t->fs, p);
	return 0;
}

long sys_chdir(struct task *t, const uint64_t a[6])
{
	char path[VFS_PATH_MAX];
	long ret = copy_path_in(t, a[0], path, 0);
	if (ret < 0)
		return ret;
	struct path p;
	ret = vfs_walk_task(t, LINUX_AT_FDCWD, path,
			    LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	if (ret < 0)
		return ret;
	ret = set_cwd(t, &p);
	path_put(&p);
	return ret;
}

long sys_fchdir(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, arg_fd(a[0]));
	if (!f)
		return -LINUX_EBADF;
	long ret = -LINUX_ENOTDIR;
	if (f->path.dentry)
		ret = set_cwd(t, &f->path);
	file_put(f);
	return ret;
}

long sys_chroot(struct task *t, const uint64_t a[6])
{
	char path[VFS_PATH_MAX];
	long ret = copy_path_in(t, a[0], path, 0);
	if (ret < 0)
		return ret;
	struct path p;
	ret = vfs_walk_task(t, LINUX_AT_FDCWD, path,
			    LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	if (ret < 0)
		return ret;
	ret = inode_permission(p.dentry->inode, &t->cred, LINUX_X_OK);
	if (ret == 0 && !capable(&t->cred, CAP_SYS_CHROOT))
		ret = -LINUX_EPERM;
	if (ret == 0)
		fs_context_set_root(t->fs, &p);
	path_put(&p);
	return ret;
}

long sys_umask(struct task *t, const uint64_t a[6])
{
	uint32_t old = t->fs->umask;
	t->fs->umask = (uint32_t)a[0] & 0777;
	return old;
}

/* ------------------------------------------------------------------ */
/* Name-space operations */

/* Copy a path and set up a walk from dirfd; release with walk_ctx_release.
 */
static long path_ctx(struct task *t, int dirfd, uint64_t upath, char *path,
		     int allow_empty, struct walk_ctx *wc)
{
	long ret = copy_path_in(t, upath, path, allow_empty);
	if (ret < 0)
		return ret;
	return walk_ctx_task(t, dirfd, path, wc);
}

static long do_mkdirat(struct task *t, int dirfd, uint64_t upath, uint32_t mode)
{
	char path[VFS_PATH_MAX];
	struct walk_ctx wc;
	long ret = path_ctx(t, dirfd, upath, path, 0, &wc);
	if (ret < 0)
		return ret;
	ret = vfs_mkdir(&wc, path, mode & 01777 & ~task_umask(t));
	walk_ctx_release(&wc);
	return ret;
}

long sys_mkdir(struct task *t, const uint64_t a[6])
{
	return do_mkdirat(t, LINUX_AT_FDCWD, a[0], (uint32_t)a[1]);
}

long sys_mkdirat(struct task *t, const uint64_t a[6])
{
	return do_mkdirat(t, arg_fd(a[0]), a[1], (uint32_t)a[2]);
}

static long do_mknodat(struct task *t, int dirfd, uint64_t upath, uint32_t mode,
		       uint64_t dev)
{
	uint32_t type = mode & LINUX_S_IFMT;
	if (type == 0)
		mode |= LINUX_S_IFREG;
	else if (type != LINUX_S_IFREG && type != LINUX_S_IFCHR &&
		 type != LINUX_S_IFBLK && type != LINUX_S_IFIFO &&
		 type != LINUX_S_IFSOCK)
		return -LINUX_EINVAL;
	char path[VFS_PATH_MAX];
	struct walk_ctx wc;
	long ret = path_ctx(t, dirfd, upath, path, 0, &wc);
	if (ret < 0)
		return ret;
	/* The syscall's dev is the kernel's old 32-bit encoding: major in
	 * bits 8-19, minor in 0-7 and 20-31. */
	uint32_t d = (uint32_t)dev;
	uint64_t rdev =
	    LINUX_MKDEV((d >> 8) & 0xfff, (d & 0xff) | ((d >> 12) & 0xfff00));
	ret = vfs_mknod(&wc, path,
			(mode & LINUX_S_IFMT) | (mode & 07777 & ~task_umask(t)),
			rdev);
	walk_ctx_release(&wc);
	return ret;
}

long sys_mknod(struct task *t, const uint64_t a[6])
{
	return do_mknodat(t, LINUX_AT_FDCWD, a[0], (uint32_t)a[1], a[2]);
}

long sys_mknodat(struct task *t, const uint64_t a[6])
{
	return do_mknodat(t, arg_fd(a[0]), a[1], (uint32_t)a[2], a[3]);
}

static long do_unlinkat(struct task *t, int dirfd, uint64_t upath, int flags)
{
	if (flags & ~LINUX_AT_REMOVEDIR)
		return -LINUX_EINVAL;
	char path[VFS_PATH_MAX];
	struct walk_ctx wc;
	long ret = path_ctx(t, dirfd, upath, path, 0, &wc);
	if (ret < 0)
		return ret;
	ret = (flags & LINUX_AT_REMOVEDIR) ? vfs_rmdir(&wc, path)
					   : vfs_unlink(&wc, path);
	walk_ctx_release(&wc);
	return ret;
}

long sys_unlink(struct task *t, const uint64_t a[6])
{
	return do_unlinkat(t, LINUX_AT_FDCWD, a[0], 0);
}

long sys_unlinkat(struct task *t, const uint64_t a[6])
{
	return do_unlinkat(t, arg_fd(a[0]), a[1], (int)a[2]);
}

long sys_rmdir(struct task *t, const uint64_t a[6])
{
	return do_unlinkat(t, LINUX_AT_FDCWD, a[0], LINUX_AT_REMOVEDIR);
}

static long do_renameat2(struct task *t, int olddfd, uint64_t oldp, int newdfd,
			 uint64_t newp, unsigned flags)
{
	char op[VFS_PATH_MAX], np[VFS_PATH_MAX];
	struct walk_ctx owc, nwc;
	long ret = copy_path_in(t, newp, np, 0);
	if (ret < 0)
		return ret;
	ret = path_ctx(t, olddfd, oldp, op, 0, &owc);
	if (ret < 0)
		return ret;
	ret = walk_ctx_task(t, newdfd, np, &nwc);
	if (ret < 0) {
		walk_ctx_release(&owc);
		return ret;
	}
	ret = vfs_rename(&owc, op, &nwc, np, flags);
	walk_ctx_release(&nwc);
	walk_ctx_release(&owc);
	return ret;
}

long sys_rename(struct task *t, const uint64_t a[6])
{
	return do_renameat2(t, LINUX_AT_FDCWD, a[0], LINUX_AT_FDCWD, a[1], 0);
}

long sys_renameat(struct task *t, const uint64_t a[6])
{
	return do_renameat2(t, arg_fd(a[0]), a[1], arg_fd(a[2]), a[3], 0);
}

long sys_renameat2(struct task *t, const uint64_t a[6])
{
	return do_renameat2(t, arg_fd(a[0]), a[1], arg_fd(a[2]), a[3],
			    (unsigned)a[4]);
}

static long do_symlinkat(struct task *t, uint64_t utarget, int dirfd,
			 uint64_t upath)
{
	char target[VFS_PATH_MAX], path[VFS_PATH_MAX];
	long ret = copy_path_in(t, utarget, target, 0);
	if (ret < 0)
		return ret;
	struct walk_ctx wc;
	ret = path_ctx(t, dirfd, upath, path, 0, &wc);
	if (ret < 0)
		return ret;
	ret = vfs_symlink(&wc, target, path);
	walk_ctx_release(&wc);
	return ret;
}

long sys_symlink(struct task *t, const uint64_t a[6])
{
	return do_symlinkat(t, a[0], LINUX_AT_FDCWD, a[1]);
}

long sys_symlinkat(struct task *t, const uint64_t a[6])
{
	return do_symlinkat(t, a[0], arg_fd(a[1]), a[2]);
}

static long do_linkat(struct task *t, int olddfd, uint64_t oldp, int newdfd,
		      uint64_t newp, int flags)
{
	if (flags & ~(LINUX_AT_SYMLINK_FOLLOW | LINUX_AT_EMPTY_PATH))
		return -LINUX_EINVAL;
	char op[VFS_PATH_MAX], np[VFS_PATH_MAX];
	struct walk_ctx owc, nwc;
	long ret = copy_path_in(t, newp, np, 0);
	if (ret < 0)
		return ret;
	ret = path_ctx(t, olddfd, oldp, op, flags & LINUX_AT_EMPTY_PATH, &owc);
	if (ret < 0)
		return ret;
	ret = walk_ctx_task(t, newdfd, np, &nwc);
	if (ret < 0) {
		walk_ctx_release(&owc);
		return ret;
	}
	unsigned lf = 0;
	if (flags & LINUX_AT_SYMLINK_FOLLOW)
		lf |= LOOKUP_FOLLOW;
	if (flags & LINUX_AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	ret = vfs_link(&owc, op, &nwc, np, lf);
	walk_ctx_release(&nwc);
	walk_ctx_release(&owc);
	return ret;
}

long sys_link(struct task *t, const uint64_t a[6])
{
	return do_linkat(t, LINUX_AT_FDCWD, a[0], LINUX_AT_FDCWD, a[1], 0);
}

long sys_linkat(struct task *t, const uint64_t a[6])
{
	return do_linkat(t, arg_fd(a[0]), a[1], arg_fd(a[2]), a[3], (int)a[4]);
}

static long do_readlinkat(struct task *t, int dirfd, uint64_t upath,
			  uint64_t ubuf, int64_t size)
{
	if (size <= 0)
		return -LINUX_EINVAL;
	char path[VFS_PATH_MAX];
	struct walk_ctx wc;
	long ret =
	    path_ctx(t, dirfd, upath, path, dirfd != LINUX_AT_FDCWD, &wc);
	if (ret < 0)
		return ret;
	char buf[VFS_PATH_MAX];
	size_t n = (size_t)size < sizeof(buf) ? (size_t)size : sizeof(buf);
	ret = vfs_readlink(&wc, path, buf, n);
	walk_ctx_release(&wc);
	if (ret < 0)
		return ret;
	int cr = copy_out(t, ubuf, buf, (size_t)ret);
	return cr < 0 ? cr : ret;
}

long sys_readlink(struct task *t, const uint64_t a[6])
{
	return do_readlinkat(t, LINUX_AT_FDCWD, a[0], a[1], (int64_t)a[2]);
}

long sys_readlinkat(struct task *t, const uint64_t a[6])
{
	return do_readlinkat(t, arg_fd(a[0]), a[1], a[2], (int64_t)a[3]);
}

/* ------------------------------------------------------------------ */
/* access */

static long do_faccessat(struct task *t, int dirfd, uint64_t upath, int mode,
			 int flags)
{
	if (mode & ~(LINUX_R_OK | LINUX_W_OK | LINUX_X_OK))
		return -LINUX_EINVAL;
	if (flags & ~(LINUX_AT_EACCESS | LINUX_AT_SYMLINK_NOFOLLOW |
		      LINUX_AT_EMPTY_PATH))
		return -LINUX_EINVAL;
	char path[VFS_PATH_MAX];
	struct walk_ctx wc;
	long ret =
	    path_ctx(t, dirfd, upath, path, flags & LINUX_AT_EMPTY_PATH, &wc);
	if (ret < 0)
		return ret;
	/* access() checks with the real ids unless AT_EACCESS, and with the
	 * capabilities of the real uid: all permitted ones for root, none
	 * for others (Linux's access_override_creds). */
	struct cred c = t->cred;
	if (!(flags & LINUX_AT_EACCESS)) {
		c.fsuid = c.uid;
		c.fsgid = c.gid;
		if (!(c.securebits & SECBIT_NO_SETUID_FIXUP))
			c.cap_effective = c.uid == 0 ? c.cap_permitted : 0;
	}
	wc.cred = &c;
	struct path p;
	unsigned lf = (flags & LINUX_AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & LINUX_AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	ret = vfs_walk(&wc, path, lf, &p);
	walk_ctx_release(&wc);
	if (ret < 0)
		return ret;
	struct inode *inode = p.dentry->inode;
	ret = inode_permission(inode, &c, mode);
	if (ret == 0 && (mode & LINUX_W_OK) && path_rdonly(&p) &&
	    (LINUX_S_ISREG(inode->mode) || LINUX_S_ISDIR(inode->mode) ||
	     LINUX_S_ISLNK(inode->mode)))
		ret = -LINUX_EROFS;
	path_put(&p);
	return ret;
}

long sys_access(struct task *t, const uint64_t a[6])
{
	return do_faccessat(t, LINUX_AT_FDCWD, a[0], (int)a[1], 0);
}

long sys_faccessat(struct task *t, const uint64_t a[6])
{
	return do_faccessat(t, arg_fd(a[0]), a[1], (int)a[2], 0);
}

long sys_faccessat2(struct task *t, const uint64_t a[6])
{
	return do_faccessat(t, arg_fd(a[0]), a[1], (int)a[2], (int)a[3]);
}

/* ------------------------------------------------------------------ */
/* Attributes: chmod, chown, truncate, utimes */

/* Resolve (dirfd, path, flags) to a path; path NULL (upath 0) only when
 * allow_null (utimensat). */
static long resolve_at(struct task *t, int dirfd, uint64_t upath, int flags,
		       struct path *out)
{
	char path[VFS_PATH_MAX];
	struct walk_ctx wc;
	long ret =
	    path_ctx(t, dirfd, upath, path, flags & LINUX_AT_EMPTY_PATH, &wc);
	if (ret < 0)
		return ret;
	unsigned lf = (flags & LINUX_AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & LINUX_AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	ret = vfs_walk(&wc, path, lf, out);
	walk_ctx_release(&wc);
	return ret;
}

/* The path of an fd for f*() calls (O_PATH allowed or not). */
static long resolve_fd(struct task *t, int fd, bool allow_opath,
		       struct path *out)
{
	struct file *f = fd_get(t, fd);
	if (!f)
		return -LINUX_EBADF;
	long ret = 0;
	if (!allow_opath && (f->flags & LINUX_O_PATH))
		ret = -LINUX_EBADF;
	else if (!f->path.dentry)
		ret = -LINUX_EBADF; /* anonymous: handled by callers */
	if (ret == 0) {
		*out = f->path;
		path_get(out);
	}
	file_put(f);
	return ret;
}

static long chmod_path(struct task *t, struct path *p, uint32_t mode)
{
	struct iattr ia = {.valid = ATTR_MODE, .mode = mode & 07777};
	long ret = vfs_setattr(p, &t->cred, &ia);
	path_put(p);
	return ret;
}

long sys_chmod(struct task *t, const uint64_t a[6])
{
	struct path p;
	long ret = resolve_at(t, LINUX_AT_FDCWD, a[0], 0, &p);
	return ret < 0 ? ret : chmod_path(t, &p, (uint32_t)a[1]);
}

long sys_fchmodat(struct task *t, const uint64_t a[6])
{
	struct path p;
	long ret = resolve_at(t, arg_fd(a[0]), a[1], 0, &p);
	return ret < 0 ? ret : chmod_path(t, &p, (uint32_t)a[2]);
}

long sys_fchmod(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, arg_fd(a[0]));
	if (!f)
		return -LINUX_EBADF;
	long ret;
	if (f->flags & LINUX_O_PATH) {
		ret = -LINUX_EBADF;
	} else if (!f->path.dentry) {
		/* Anonymous inode: change it in place. */
		f->inode->mode =
		    (f->inode->mode & LINUX_S_IFMT) | ((uint32_t)a[1] & 07777);
		ret = 0;
	} else {
		struct path p = f->path;
		path_get(&p);
		ret = chmod_path(t, &p, (uint32_t)a[1]);
	}
	file_put(f);
	return ret;
}

static long chown_path(struct task *t, struct path *p, uint32_t uid,
		       uint32_t gid)
{
	struct iattr ia = {0};
	if (uid != (uint32_t)-1) {
		ia.valid |= ATTR_UID;
		ia.uid = uid;
	}
	if (gid != (uint32_t)-1) {
		ia.valid |= ATTR_GID;
		ia.gid = gid;
	}
	long ret = ia.valid ? vfs_setattr(p, &t->cred, &ia) : 0;
	path_put(p);
	return ret;
}

long sys_chown(struct task *t, const uint64_t a[6])
{
	struct path p;
	long ret = resolve_at(t, LINUX_AT_FDCWD, a[0], 0, &p);
	return ret < 0 ? ret
		       : chown_path(t, &p, (uint32_t)a[1], (uint32_t)a[2]);
}

long sys_lchown(struct task *t, const uint64_t a[6])
{
	struct path p;
	long ret =
	    resolve_at(t, LINUX_AT_FDCWD, a[0], LINUX_AT_SYMLINK_NOFOLLOW, &p);
	return ret < 0 ? ret
		       : chown_path(t, &p, (uint32_t)a[1], (uint32_t)a[2]);
}

long sys_fchownat(struct task *t, const uint64_t a[6])
{
	int flags = (int)a[4];
	if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH))
		return -LINUX_EINVAL;
	struct path p;
	long ret = resolve_at(t, arg_fd(a[0]), a[1], flags, &p);
	return ret < 0 ? ret
		       : chown_path(t, &p, (uint32_t)a[2], (uint32_t)a[3]);
}

long sys_fchown(struct task *t, const uint64_t a[6])
{
	struct path p;
	long ret = resolve_fd(t, arg_fd(a[0]), false, &p);
	return ret < 0 ? ret
		       : chown_path(t, &p, (uint32_t)a[1], (uint32_t)a[2]);
}

long sys_truncate(struct task *t, const uint64_t a[6])
{
	if ((int64_t)a[1] < 0)
		return -LINUX_EINVAL;
	struct path p;
	long ret = resolve_at(t, LINUX_AT_FDCWD, a[0], 0, &p);
	if (ret < 0)
		return ret;
	struct iattr ia = {.valid = ATTR_SIZE | ATTR_MTIME, .size = a[1]};
	ia.mtime = vfs_now();
	ret = vfs_setattr(&p, &t->cred, &ia);
	path_put(&p);
	return ret;
}

long sys_ftruncate(struct task *t, const uint64_t a[6])
{
	if ((int64_t)a[1] < 0)
		return -LINUX_EINVAL;
	struct file *f = fd_get(t, arg_fd(a[0]));
	if (!f)
		return -LINUX_EBADF;
	long ret;
	if (f->flags & LINUX_O_PATH)
		ret = -LINUX_EBADF;
	else if (!file_writable(f) || !LINUX_S_ISREG(f->inode->mode))
		ret = -LINUX_EINVAL;
	else if (!f->path.dentry)
		ret = -LINUX_EINVAL;
	else {
		struct iattr ia = {.valid = ATTR_SIZE | ATTR_MTIME,
				   .size = a[1]};
		ia.mtime = vfs_now();
		/* The fd was opened for writing: no permission check. */
		ret = vfs_setattr(&f->path, NULL, &ia);
	}
	file_put(f);
	return ret;
}

struct linux_timespec_ {
	int64_t sec, nsec;
};

/* Apply two timestamps (NULL = both now) to p. */
static long set_times(struct task *t, struct path *p,
		      const struct linux_timespec_ *ts)
{
	struct iattr ia = {0};
	struct timespec now = vfs_now();
	if (!ts) {
		ia.valid = ATTR_ATIME | ATTR_MTIME | ATTR_TOUCH;
		ia.atime = ia.mtime = now;
	} else {
		bool touch = true;
		for (int i = 0; i < 2; i++) {
			if (ts[i].nsec == LINUX_UTIME_OMIT)
				continue;
			struct timespec v = now;
			if (ts[i].nsec != LINUX_UTIME_NOW) {
				v.tv_sec = ts[i].sec;
				v.tv_nsec = ts[i].nsec;
				touch = false;
			}
			if (i == 0) {
				ia.valid |= ATTR_ATIME;
				ia.atime = v;
			} else {
				ia.valid |= ATTR_MTIME;
				ia.mtime = v;
			}
		}
		if (!ia.valid)
			return 0;
		if (touch)
			ia.valid |= ATTR_TOUCH;
	}
	return vfs_setattr(p, &t->cred, &ia);
}

static long check_times(const struct linux_timespec_ *ts)
{
	for (int i = 0; i < 2; i++)
		if (ts[i].nsec != LINUX_UTIME_NOW &&
		    ts[i].nsec != LINUX_UTIME_OMIT &&
		    (ts[i].nsec < 0 || ts[i].nsec >= 1000000000))
			return -LINUX_EINVAL;
	return 0;
}

long sys_utimensat(struct task *t, const uint64_t a[6])
{
	int dirfd = arg_fd(a[0]);
	int flags = (int)a[3];
	if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH))
		return -LINUX_EINVAL;
	struct linux_timespec_ ts[2];
	long ret;
	if (a[2]) {
		ret = copy_in(t, a[2], ts, sizeof(ts));
		if (ret < 0)
			return ret;
		ret = check_times(ts);
		if (ret < 0)
			return ret;
	}
	struct path p;
	if (a[1] == 0) {
		/* futimens: the fd itself. */
		if (dirfd == LINUX_AT_FDCWD)
			return -LINUX_EFAULT;
		ret = resolve_fd(t, dirfd, true, &p);
	} else {
		ret = resolve_at(t, dirfd, a[1], flags, &p);
	}
	if (ret < 0)
		return ret;
	ret = set_times(t, &p, a[2] ? ts : NULL);
	path_put(&p);
	return ret;
}

/* utimes/utime: times (NULL: now) on a path from the cwd, following
 * symlinks. */
static long set_times_path(struct task *t, uint64_t upath,
			   const struct linux_timespec_ *ts)
{
	struct path p;
	long ret = resolve_at(t, LINUX_AT_FDCWD, upath, 0, &p);

	if (ret < 0)
		return ret;
	ret = set_times(t, &p, ts);
	path_put(&p);
	return ret;
}

long sys_utimes(struct task *t, const uint64_t a[6])
{
	struct linux_timespec_ ts[2];
	long ret;
	if (a[1]) {
		int64_t tv[4];
		ret = copy_in(t, a[1], tv, sizeof(tv));
		if (ret < 0)
			return ret;
		for (int i = 0; i < 2; i++) {
			if (tv[2 * i + 1] < 0 || tv[2 * i + 1] >= 1000000)
				return -LINUX_EINVAL;
			ts[i].sec = tv[2 * i];
			ts[i].nsec = tv[2 * i + 1] * 1000;
		}
	}
	return set_times_path(t, a[0], a[1] ? ts : NULL);
}

long sys_utime(struct task *t, const uint64_t a[6])
{
	struct linux_timespec_ ts[2];
	long ret;
	if (a[1]) {
		int64_t ut[2];
		ret = copy_in(t, a[1], ut, sizeof(ut));
		if (ret < 0)
			return ret;
		ts[0] = (struct linux_timespec_){ut[0], 0};
		ts[1] = (struct linux_timespec_){ut[1], 0};
	}
	return set_times_path(t, a[0], a[1] ? ts : NULL);
}

/* ------------------------------------------------------------------ */
/* sync, advice */

static long do_fsync(struct task *t, int fd, int datasync)
{
	struct file *f = fd_get(t, fd);
	if (!f)
		return -LINUX_EBADF;
	long ret;
	if (f->flags & LINUX_O_PATH)
		ret = -LINUX_EBADF;
	else if (f->ops && f->ops->fsync)
		ret = f->ops->fsync(f, datasync);
	else if (LINUX_S_ISREG(f->inode->mode) || LINUX_S_ISDIR(f->inode->mode))
		ret = 0;
	else
		ret = -LINUX_EINVAL;
	file_put(f);
	return ret;
}

long sys_fsync(struct task *t, const uint64_t a[6])
{
	return do_fsync(t, arg_fd(a[0]), 0);
}

long sys_fdatasync(struct task *t, const uint64_t a[6])
{
	return do_fsync(t, arg_fd(a[0]), 1);
}

long sys_sync(struct task *t, const uint64_t a[6])
{
	return 0;
}

long sys_syncfs(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, arg_fd(a[0]));
	if (!f)
		return -LINUX_EBADF;
	file_put(f);
	return 0;
}

long sys_fadvise64(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, arg_fd(a[0]));
	if (!f)
		return -LINUX_EBADF;
	long ret = 0;
	uint32_t type = f->inode->mode & LINUX_S_IFMT;
	if (f->flags & LINUX_O_PATH)
		ret = -LINUX_EBADF;
	else if (type == LINUX_S_IFIFO || type == LINUX_S_IFSOCK)
		ret = -LINUX_ESPIPE;
	else if ((int64_t)a[2] < 0 || a[3] > 5)
		ret = -LINUX_EINVAL;
	file_put(f);
	return ret;
}

/* flock: accepted, not enforced (as fcntl's record locks). */
long sys_flock(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, arg_fd(a[0]));
	if (!f)
		return -LINUX_EBADF;
	long ret = 0;
	unsigned op = (unsigned)a[1] & ~4u; /* LOCK_NB */
	if (f->flags & LINUX_O_PATH)
		ret = -LINUX_EBADF;
	else if (op != 1 && op != 2 && op != 8) /* LOCK_SH, LOCK_EX, LOCK_UN */
		ret = -LINUX_EINVAL;
	file_put(f);
	return ret;
}
