/* stat family, statfs, getdents. */
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/syscalls/sys_stat.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/namei.h"
#include "sentry/vfs/vfs.h"

static int arg_fd(uint64_t v)
{
	return (int)(int32_t)v;
}

/* The inode (and mount) named by (dirfd, path, flags); an empty path with
 * AT_EMPTY_PATH names dirfd itself, anonymous files included. */
static long stat_target(struct task *t, int dirfd, uint64_t upath, int flags,
			struct inode **inode, struct mount **mnt)
{
	char path[VFS_PATH_MAX];
	long ret = copy_path_in(t, upath, path, flags & LINUX_AT_EMPTY_PATH);
	if (ret < 0)
		return ret;
	if (path[0] == '\0' && dirfd != LINUX_AT_FDCWD) {
		struct file *f = fd_get(t, dirfd);
		if (!f)
			return -LINUX_EBADF;
		*inode = inode_get(f->inode);
		*mnt = f->path.mnt;
		file_put(f);
		return 0;
	}
	struct path p;
	unsigned lf = (flags & LINUX_AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & LINUX_AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	ret = vfs_walk_task(t, dirfd, path, lf, &p);
	if (ret < 0)
		return ret;
	*inode = inode_get(p.dentry->inode);
	*mnt = p.mnt;
	path_put(&p);
	return 0;
}

static long put_stat(struct task *t, struct inode *inode, uint64_t ubuf)
{
	struct linux_stat st;
	long ret = vfs_getattr(inode);
	if (ret == 0) {
		vfs_fill_stat(inode, &st);
		ret = copy_out(t, ubuf, &st, sizeof(st));
	}
	inode_put(inode);
	return ret;
}

static long do_fstatat(struct task *t, int dirfd, uint64_t upath, uint64_t ubuf,
		       int flags)
{
	if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH |
		      LINUX_AT_NO_AUTOMOUNT))
		return -LINUX_EINVAL;
	struct inode *inode;
	struct mount *mnt;
	long ret = stat_target(t, dirfd, upath, flags, &inode, &mnt);
	if (ret < 0)
		return ret;
	return put_stat(t, inode, ubuf);
}

long sys_stat(struct task *t, const uint64_t a[6])
{
	return do_fstatat(t, LINUX_AT_FDCWD, a[0], a[1], 0);
}

long sys_lstat(struct task *t, const uint64_t a[6])
{
	return do_fstatat(t, LINUX_AT_FDCWD, a[0], a[1],
			  LINUX_AT_SYMLINK_NOFOLLOW);
}

long sys_newfstatat(struct task *t, const uint64_t a[6])
{
	return do_fstatat(t, arg_fd(a[0]), a[1], a[2], (int)a[3]);
}

long sys_fstat(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, arg_fd(a[0]));
	if (!f)
		return -LINUX_EBADF;
	struct inode *inode = inode_get(f->inode);
	file_put(f);
	return put_stat(t, inode, a[1]);
}

long sys_statx(struct task *t, const uint64_t a[6])
{
	int dirfd = arg_fd(a[0]);
	int flags = (int)a[2];
	uint32_t mask = (uint32_t)a[3];
	if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH |
		      LINUX_AT_NO_AUTOMOUNT | LINUX_AT_STATX_SYNC_TYPE))
		return -LINUX_EINVAL;
	if ((flags & LINUX_AT_STATX_SYNC_TYPE) == LINUX_AT_STATX_SYNC_TYPE)
		return -LINUX_EINVAL;
	if (mask & LINUX_STATX__RESERVED)
		return -LINUX_EINVAL;
	struct inode *inode;
	struct mount *mnt;
	long ret = stat_target(t, dirfd, a[1], flags, &inode, &mnt);
	if (ret < 0)
		return ret;
	ret = vfs_getattr(inode);
	if (ret == 0) {
		struct linux_statx st;
		vfs_fill_statx(inode, mnt, mask, &st);
		ret = copy_out(t, a[4], &st, sizeof(st));
	}
	inode_put(inode);
	return ret;
}

/* mnt: the mount statfs looked at (its flags), NULL for anonymous files. */
static long put_statfs(struct task *t, struct super *sb,
		       const struct mount *mnt, uint64_t ubuf)
{
	struct linux_statfs st;
	memset(&st, 0, sizeof(st));
	st.f_type = sb ? (int64_t)sb->magic : LINUX_ANON_INODE_FS_MAGIC;
	st.f_bsize = 4096;
	st.f_frsize = 4096;
	st.f_namelen = VFS_NAME_MAX;
	if (sb) {
		st.f_fsid[0] = (int32_t)sb->dev;
		st.f_fsid[1] = (int32_t)(sb->dev >> 32);
		/* MNT_* are ST_* bits. */
		st.f_flags |= mnt ? mnt->flags : 0;
		if (sb->flags & SB_RDONLY)
			st.f_flags |= MNT_RDONLY;
		if (sb->ops && sb->ops->statfs) {
			int ret = sb->ops->statfs(sb, &st);
			if (ret < 0)
				return ret;
		}
	}
	return copy_out(t, ubuf, &st, sizeof(st));
}

long sys_statfs(struct task *t, const uint64_t a[6])
{
	char path[VFS_PATH_MAX];
	long ret = copy_path_in(t, a[0], path, 0);
	if (ret < 0)
		return ret;
	struct path p;
	ret = vfs_walk_task(t, LINUX_AT_FDCWD, path, LOOKUP_FOLLOW, &p);
	if (ret < 0)
		return ret;
	ret = put_statfs(t, p.dentry->inode->sb, p.mnt, a[1]);
	path_put(&p);
	return ret;
}

long sys_fstatfs(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, arg_fd(a[0]));
	if (!f)
		return -LINUX_EBADF;
	long ret = put_statfs(t, f->inode->sb, f->path.mnt, a[1]);
	file_put(f);
	return ret;
}

/* ------------------------------------------------------------------ */
/* getdents */

struct dents_buf {
	char *buf;
	size_t size, used;
	bool legacy;	   /* struct linux_dirent */
	int64_t *prev_off; /* d_off of the previous record */
};

/* As Linux's filldir64: a record's d_off is the position to resume after
 * it, which the fs only knows once it moves on, so each record's d_off is
 * patched when the next one comes (and the last one after the loop). */
static bool dents_actor(struct dir_context *ctx, const char *name, size_t len,
			uint64_t ino, unsigned dtype)
{
	struct dents_buf *db = ctx->priv;
	size_t hdr = db->legacy ? offsetof(struct linux_dirent, d_name)
				: offsetof(struct linux_dirent64, d_name);
	/* legacy: name, NUL, then d_type in the record's last byte */
	size_t reclen = (hdr + len + 1 + (db->legacy ? 1 : 0) + 7) & ~7UL;
	if (db->used + reclen > db->size)
		return false;
	if (db->prev_off)
		*db->prev_off = ctx->pos;
	char *rec = db->buf + db->used;
	memset(rec, 0, reclen);
	if (db->legacy) {
		struct linux_dirent *d = (struct linux_dirent *)rec;
		d->d_ino = ino;
		d->d_reclen = (uint16_t)reclen;
		memcpy(d->d_name, name, len);
		rec[reclen - 1] = (char)dtype;
		db->prev_off = &d->d_off;
	} else {
		struct linux_dirent64 *d = (struct linux_dirent64 *)rec;
		d->d_ino = ino;
		d->d_reclen = (uint16_t)reclen;
		d->d_type = (uint8_t)dtype;
		memcpy(d->d_name, name, len);
		db->prev_off = &d->d_off;
	}
	db->used += reclen;
	return true;
}

static long do_getdents(struct task *t, int fd, uint64_t ubuf, uint64_t count,
			bool legacy)
{
	struct file *f = fd_get(t, fd);
	if (!f)
		return -LINUX_EBADF;
	long ret;
	if (f->flags & LINUX_O_PATH) {
		ret = -LINUX_EBADF;
		goto out;
	}
	if (!LINUX_S_ISDIR(f->inode->mode) || !f->ops || !f->ops->iterate) {
		ret = -LINUX_ENOTDIR;
		goto out;
	}
	if (count > (1 << 20))
		count = 1 << 20;
	struct dents_buf db = {.size = count, .legacy = legacy};
	db.buf = malloc(count ? count : 1);
	if (!db.buf) {
		ret = -LINUX_ENOMEM;
		goto out;
	}
	struct dir_context ctx = {
	    .pos = f->pos, .actor = dents_actor, .priv = &db};
	ret = f->ops->iterate(f, &ctx);
	if (ret == 0) {
		if (db.prev_off)
			*db.prev_off = ctx.pos;
		f->pos = ctx.pos;
		ret = (long)db.used;
	}
	if (ret > 0) {
		int cr = copy_out(t, ubuf, db.buf, db.used);
		if (cr < 0)
			ret = cr;
	} else if (ret == 0) {
		/* Nothing fit: EOF, or a buffer too small for one entry
		 * (EINVAL)? Probe with a scratch buffer. */
		char tmp[512];
		struct dents_buf probe = {
		    .buf = tmp, .size = sizeof(tmp), .legacy = legacy};
		struct dir_context pc = {
		    .pos = f->pos, .actor = dents_actor, .priv = &probe};
		if (f->ops->iterate(f, &pc) == 0 && probe.used > 0)
			ret = -LINUX_EINVAL;
	}
	free(db.buf);
out:
	file_put(f);
	return ret;
}

long sys_getdents64(struct task *t, const uint64_t a[6])
{
	return do_getdents(t, arg_fd(a[0]), a[1], (uint32_t)a[2], false);
}

long sys_getdents(struct task *t, const uint64_t a[6])
{
	return do_getdents(t, arg_fd(a[0]), a[1], (uint32_t)a[2], true);
}
