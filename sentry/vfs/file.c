/* Open file descriptions: creation, I/O entry points with Linux's checks,
 * seeking, stat filling, names for /proc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/task.h"
#include "sentry/vfs/namei.h"
#include "sentry/vfs/vfs.h"

/* The memory manager's coherence hooks are optional (vfs.h). */
#pragma weak mm_inode_written
#pragma weak mm_inode_sync

struct file *file_get(struct file *f)
{
	if (f)
		f->refs++;
	return f;
}

void file_put(struct file *f)
{
	if (!f || --f->refs > 0)
		return;
	if (f->ops && f->ops->release)
		f->ops->release(f);
	inode_put(f->inode);
	if (f->path.dentry)
		path_put(&f->path);
	free(f);
}

static struct file *file_alloc(struct inode *inode, const struct file_ops *ops,
			       uint32_t flags, void *priv)
{
	struct file *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->refs = 1;
	f->inode = inode_get(inode);
	f->flags = flags;
	f->ops = ops;
	f->priv = priv;
	return f;
}

/* Anonymous inodes live on one internal filesystem, as Linux's pipefs/
 * anon_inodefs; they are never reachable by a path. */
static struct super *anon_sb;

struct file *file_new_anon(const struct file_ops *ops, uint32_t mode,
			   uint32_t flags, void *priv)
{
	if (!anon_sb) {
		anon_sb =
		    super_new("anon_inodefs", NULL, LINUX_ANON_INODE_FS_MAGIC);
		if (!anon_sb)
			return NULL;
	}
	struct inode *inode = inode_new(anon_sb, mode);
	if (!inode)
		return NULL;
	struct file *f = file_new_anon_inode(inode, ops, flags, priv);
	inode_put(inode);
	return f;
}

bool inode_is_anon(const struct inode *inode)
{
	return anon_sb && inode->sb == anon_sb;
}

struct file *file_new_anon_inode(struct inode *inode,
				 const struct file_ops *ops, uint32_t flags,
				 void *priv)
{
	return file_alloc(inode, ops, flags, priv);
}

static const struct file_ops path_only_ops = {0};

int vfs_open_path(const struct path *p, uint32_t flags, const struct cred *cred,
		  struct task *t, struct file **out)
{
	struct inode *inode = p->dentry->inode;
	uint32_t kept =
	    flags & ~(LINUX_O_CREAT | LINUX_O_EXCL | LINUX_O_NOCTTY |
		      LINUX_O_TRUNC | LINUX_O_CLOEXEC);
	if (flags & LINUX_O_PATH) {
		kept &= LINUX_O_PATH | LINUX_O_DIRECTORY | LINUX_O_NOFOLLOW;
		struct file *f = file_alloc(inode, &path_only_ops, kept, NULL);
		if (!f)
			return -LINUX_ENOMEM;
		f->path = *p;
		path_get(&f->path);
		*out = f;
		return 0;
	}
	uint32_t acc = flags & LINUX_O_ACCMODE;
	bool wr = acc == LINUX_O_WRONLY || acc == LINUX_O_RDWR;
	bool rd = acc == LINUX_O_RDONLY || acc == LINUX_O_RDWR;
	if (LINUX_S_ISLNK(inode->mode))
		return -LINUX_ELOOP;
	/* Sockets (and typeless anonymous inodes) cannot be opened by name,
	 * e.g. through /proc/PID/fd. */
	if (LINUX_S_ISSOCK(inode->mode) || !(inode->mode & LINUX_S_IFMT))
		return -LINUX_ENXIO;
	if (LINUX_S_ISDIR(inode->mode) && (wr || (flags & LINUX_O_TRUNC)))
		return -LINUX_EISDIR;
	if ((flags & LINUX_O_DIRECTORY) && !LINUX_S_ISDIR(inode->mode))
		return -LINUX_ENOTDIR;
	if ((LINUX_S_ISCHR(inode->mode) || LINUX_S_ISBLK(inode->mode)) &&
	    p->mnt && (p->mnt->flags & MNT_NODEV))
		return -LINUX_EACCES;
	int mask = (rd ? LINUX_R_OK : 0) |
		   (wr || (flags & LINUX_O_TRUNC) ? LINUX_W_OK : 0);
	int ret = inode_permission(inode, cred, mask);
	if (ret < 0)
		return ret;
	bool regular_or_dir = LINUX_S_ISREG(inode->mode) ||
			      LINUX_S_ISDIR(inode->mode) ||
			      LINUX_S_ISLNK(inode->mode);
	if ((wr || (flags & LINUX_O_TRUNC)) && regular_or_dir && path_rdonly(p))
		return -LINUX_EROFS;
	if ((flags & LINUX_O_TRUNC) && LINUX_S_ISREG(inode->mode)) {
		struct iattr ia = {.valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME,
				   .size = 0};
		ia.mtime = ia.ctime = vfs_now();
		if (!inode->i_op || !inode->i_op->setattr)
			return -LINUX_EPERM;
		ret = inode->i_op->setattr(inode, &ia);
		if (ret < 0)
			return ret;
	}
	struct file *f = file_alloc(inode, inode->f_op, kept, NULL);
	if (!f)
		return -LINUX_ENOMEM;
	f->path = *p;
	path_get(&f->path);
	int (*open)(struct inode *, struct file *, struct task *) =
	    inode->i_op ? inode->i_op->open : NULL;
	bool special = false;
	if (LINUX_S_ISFIFO(inode->mode)) {
		open = vfs_fifo_open_hook;
		special = true;
	} else if ((LINUX_S_ISCHR(inode->mode) || LINUX_S_ISBLK(inode->mode)) &&
		   !inode->f_op) {
		open = vfs_chrdev_open_hook;
		special = true;
	}
	if (special && !open) {
		file_put(f);
		return -LINUX_ENXIO;
	}
	if (open) {
		ret = open(inode, f, t);
		if (ret < 0) {
			/* The open op did not finish: no release. */
			f->ops = NULL;
			file_put(f);
			return ret;
		}
	}
	*out = f;
	return 0;
}

long vfs_read(struct file *f, struct task *t, void *buf, size_t n, loff_t *pos)
{
	if (!file_readable(f))
		return -LINUX_EBADF;
	if (LINUX_S_ISDIR(f->inode->mode))
		return -LINUX_EISDIR;
	if (!f->ops || !f->ops->read)
		return -LINUX_EINVAL;
	if (n > 0x7ffff000)
		n = 0x7ffff000; /* MAX_RW_COUNT */
	if (pos && *pos < 0)
		return -LINUX_EINVAL;
	if (f->inode->mm_private && mm_inode_sync &&
	    LINUX_S_ISREG(f->inode->mode))
		mm_inode_sync(f->inode);
	/* read() passes the file's own offset: ops may tell it from pread's
	 * by the pointer (host-backed files share the host's offset). */
	return f->ops->read(f, t, buf, n, pos ? pos : &f->pos);
}

long vfs_write(struct file *f, struct task *t, const void *buf, size_t n,
	       loff_t *pos)
{
	if (!file_writable(f))
		return -LINUX_EBADF;
	if (!f->ops || !f->ops->write)
		return -LINUX_EINVAL;
	if (n > 0x7ffff000)
		n = 0x7ffff000;
	loff_t *pp = pos ? pos : &f->pos;
	if (*pp < 0)
		return -LINUX_EINVAL;
	/* Linux appends even for pwrite on an O_APPEND file. Host-backed
	 * files append by themselves (the host fd has O_APPEND). */
	if ((f->flags & LINUX_O_APPEND) && LINUX_S_ISREG(f->inode->mode) &&
	    !(f->ops->host_fd)) {
		vfs_getattr(f->inode);
		*pp = (loff_t)f->inode->size;
	}
	loff_t start = *pp;
	long ret = f->ops->write(f, t, buf, n, pp);
	if (ret > 0 && f->inode->mm_private && mm_inode_written &&
	    LINUX_S_ISREG(f->inode->mode))
		mm_inode_written(f->inode, (uint64_t)start, buf, (size_t)ret);
	return ret;
}

loff_t vfs_generic_llseek(struct file *f, loff_t off, int whence)
{
	loff_t base;
	switch (whence) {
	case LINUX_SEEK_SET:
		base = 0;
		break;
	case LINUX_SEEK_CUR:
		base = f->pos;
		break;
	case LINUX_SEEK_END:
		vfs_getattr(f->inode);
		base = (loff_t)f->inode->size;
		break;
	case LINUX_SEEK_DATA:
		vfs_getattr(f->inode);
		if (off < 0 || (uint64_t)off >= f->inode->size)
			return -LINUX_ENXIO;
		base = 0;
		break;
	case LINUX_SEEK_HOLE:
		vfs_getattr(f->inode);
		if (off < 0 || (uint64_t)off >= f->inode->size)
			return -LINUX_ENXIO;
		base = 0;
		off = (loff_t)f->inode->size;
		break;
	default:
		return -LINUX_EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -LINUX_EINVAL;
	f->pos = base + off;
	return f->pos;
}

loff_t vfs_no_llseek(struct file *f, loff_t off, int whence)
{
	return -LINUX_ESPIPE;
}

loff_t vfs_llseek(struct file *f, loff_t off, int whence)
{
	if (f->flags & LINUX_O_PATH)
		return -LINUX_EBADF;
	if (f->ops && f->ops->llseek)
		return f->ops->llseek(f, off, whence);
	uint32_t type = f->inode->mode & LINUX_S_IFMT;
	if (type == LINUX_S_IFIFO || type == LINUX_S_IFSOCK)
		return -LINUX_ESPIPE;
	return vfs_generic_llseek(f, off, whence);
}

unsigned vfs_poll(struct file *f, struct waitq **wq)
{
	if (wq)
		*wq = NULL;
	if (f->flags & LINUX_O_PATH)
		return LINUX_POLLNVAL;
	if (f->ops && f->ops->poll)
		return f->ops->poll(f, wq);
	return LINUX_POLLIN | LINUX_POLLOUT | LINUX_POLLRDNORM |
	       LINUX_POLLWRNORM;
}

long file_pread(struct file *f, void *buf, size_t n, uint64_t off)
{
	if (!f->ops || !f->ops->read)
		return -LINUX_EINVAL;
	size_t done = 0;
	loff_t pos = (loff_t)off;
	while (done < n) {
		long r =
		    f->ops->read(f, NULL, (char *)buf + done, n - done, &pos);
		if (r < 0)
			return done ? (long)done : r;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (long)done;
}

int file_path(struct file *f, char *buf, size_t size)
{
	char tmp[64];
	/* Anonymous: no path, or a detached dentry (a pipe reopened through
	 * /proc/PID/fd). */
	struct dentry *fd_ = f->path.dentry;
	bool anon = !fd_ || (!fd_->parent && f->path.mnt &&
			     fd_ != f->path.mnt->root && fd_ != fd_->sb->root);
	if (anon) {
		uint32_t type = f->inode->mode & LINUX_S_IFMT;
		if (type == LINUX_S_IFIFO)
			snprintf(tmp, sizeof(tmp), "pipe:[%llu]",
				 (unsigned long long)f->inode->ino);
		else if (type == LINUX_S_IFSOCK)
			snprintf(tmp, sizeof(tmp), "socket:[%llu]",
				 (unsigned long long)f->inode->ino);
		else
			snprintf(tmp, sizeof(tmp), "anon_inode:[%llu]",
				 (unsigned long long)f->inode->ino);
		size_t len = strlen(tmp);
		if (len + 1 > size)
			return -LINUX_ENAMETOOLONG;
		memcpy(buf, tmp, len + 1);
		return (int)len;
	}
	int len = vfs_path_name(NULL, &f->path, buf, size);
	if (len < 0)
		return len;
	if (f->path.dentry->deleted) {
		static const char del[] = " (deleted)";
		if ((size_t)len + sizeof(del) > size)
			return -LINUX_ENAMETOOLONG;
		memcpy(buf + len, del, sizeof(del));
		len += (int)sizeof(del) - 1;
	}
	return len;
}

int vfs_getattr(struct inode *inode)
{
	if (inode->i_op && inode->i_op->getattr)
		return inode->i_op->getattr(inode);
	return 0;
}

void vfs_fill_stat(struct inode *inode, struct linux_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = inode->dev;
	st->st_ino = inode->ino;
	st->st_nlink = inode->nlink;
	st->st_mode = inode->mode;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_size = (int64_t)inode->size;
	st->st_blksize = inode->blksize ? inode->blksize : 4096;
	st->st_blocks = (int64_t)inode->blocks; /* 0 is real: fast symlinks */
	st->st_atime_sec = (uint64_t)inode->atime.tv_sec;
	st->st_atime_nsec = (uint64_t)inode->atime.tv_nsec;
	st->st_mtime_sec = (uint64_t)inode->mtime.tv_sec;
	st->st_mtime_nsec = (uint64_t)inode->mtime.tv_nsec;
	st->st_ctime_sec = (uint64_t)inode->ctime.tv_sec;
	st->st_ctime_nsec = (uint64_t)inode->ctime.tv_nsec;
}

static struct linux_statx_timestamp sx_time(struct timespec ts)
{
	return (struct linux_statx_timestamp){.tv_sec = ts.tv_sec,
					      .tv_nsec = (uint32_t)ts.tv_nsec};
}

void vfs_fill_statx(struct inode *inode, struct mount *mnt, uint32_t mask,
		    struct linux_statx *st)
{
	memset(st, 0, sizeof(*st));
	/* Like Linux, report everything we have regardless of mask. */
	st->stx_mask = LINUX_STATX_BASIC_STATS | LINUX_STATX_BTIME |
		       (mnt ? LINUX_STATX_MNT_ID : 0);
	st->stx_blksize = inode->blksize ? inode->blksize : 4096;
	st->stx_nlink = inode->nlink;
	st->stx_uid = inode->uid;
	st->stx_gid = inode->gid;
	st->stx_mode = (uint16_t)inode->mode;
	st->stx_ino = inode->ino;
	st->stx_size = inode->size;
	st->stx_blocks = inode->blocks;
	st->stx_atime = sx_time(inode->atime);
	st->stx_btime = sx_time(inode->btime);
	st->stx_ctime = sx_time(inode->ctime);
	st->stx_mtime = sx_time(inode->mtime);
	st->stx_rdev_major = LINUX_MAJOR(inode->rdev);
	st->stx_rdev_minor = LINUX_MINOR(inode->rdev);
	st->stx_dev_major = LINUX_MAJOR(inode->dev);
	st->stx_dev_minor = LINUX_MINOR(inode->dev);
	st->stx_mnt_id = mnt ? (uint64_t)mnt->id : 0;
}

bool dir_emit_dots(struct file *f, struct dir_context *ctx)
{
	if (ctx->pos == 0) {
		if (!dir_emit(ctx, ".", 1, f->inode->ino, LINUX_DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		uint64_t ino = f->inode->ino;
		struct dentry *d = f->path.dentry;
		if (d && d->parent)
			ino = d->parent->inode->ino;
		if (!dir_emit(ctx, "..", 2, ino, LINUX_DT_DIR))
			return false;
		ctx->pos = 2;
	}
	return true;
}

int vfs_open_inode(struct inode *inode, uint32_t flags, struct task *t,
		   struct file **out)
{
	flags &= ~(uint32_t)(LINUX_O_CREAT | LINUX_O_EXCL | LINUX_O_NOCTTY |
			     LINUX_O_TRUNC | LINUX_O_CLOEXEC);
	struct file *f = file_alloc(inode, inode->f_op, flags, NULL);
	if (!f)
		return -LINUX_ENOMEM;
	if (inode->i_op && inode->i_op->open) {
		int ret = inode->i_op->open(inode, f, t);
		if (ret < 0) {
			f->ops = NULL;
			file_put(f);
			return ret;
		}
	}
	*out = f;
	return 0;
}
