/* tmpfs: regular files in a growable buffer, directories as a list of
 * entries with stable offsets (so getdents resumes correctly across
 * unlinks), symlinks, device/fifo/socket nodes, hard links. */
#include <stdlib.h>
#include <string.h>

#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/kernel/cgroup.h"
#include "sentry/kernel/task.h"

struct tmpfs_dirent {
	char *name;
	struct inode *inode; /* referenced */
	uint64_t off;	     /* getdents cookie, increasing */
	struct tmpfs_dirent *next;
};

struct tmpfs_inode {
	/* regular files */
	char *data;
	size_t cap;
	uint64_t charged; /* bytes charged to the memory limit */
	/* symlinks */
	char *target;
	/* directories */
	struct tmpfs_dirent *head;
	uint64_t next_off;
	bool opaque;
};

/* A mount's size= and nr_inodes= (0: no limit), and what is in use. */
struct tmpfs_sb {
	uint64_t max_bytes, bytes;
	uint64_t max_inodes, inodes;
};

static const struct inode_ops tmpfs_dir_iops;
static const struct inode_ops tmpfs_file_iops;
static const struct inode_ops tmpfs_link_iops;
static const struct file_ops tmpfs_dir_fops;
static const struct file_ops tmpfs_file_fops;

static struct tmpfs_inode *TI(const struct inode *inode)
{
	return inode->priv;
}

static struct tmpfs_sb *TS(const struct super *sb)
{
	return sb->priv;
}

static void tmpfs_evict(struct inode *inode)
{
	struct tmpfs_inode *ti = TI(inode);
	if (!ti)
		return;
	struct tmpfs_dirent *e = ti->head;
	while (e) {
		struct tmpfs_dirent *n = e->next;
		inode_put(e->inode);
		free(e->name);
		free(e);
		e = n;
	}
	free(ti->data);
	cg_mem_uncharge(ti->charged);
	if (TS(inode->sb)) {
		TS(inode->sb)->bytes -= ti->charged;
		TS(inode->sb)->inodes--;
	}
	free(ti->target);
	free(ti);
}

static int tmpfs_statfs(struct super *sb, struct linux_statfs *st)
{
	struct tmpfs_sb *ts = TS(sb);

	/* Without limits, a large, mostly free filesystem, as a memory-backed
	 * one; with size= and nr_inodes=, those and what is in use. */
	st->f_blocks = ts && ts->max_bytes ? ts->max_bytes / 4096 : 1 << 20;
	st->f_bfree = st->f_bavail =
	    ts && ts->max_bytes ? st->f_blocks - ts->bytes / 4096 : 1 << 19;
	st->f_files = ts && ts->max_inodes ? ts->max_inodes : 1 << 20;
	st->f_ffree = ts ? st->f_files - ts->inodes : (1 << 20) - sb->next_ino;
	return 0;
}

static const struct super_ops tmpfs_sops = {
    .evict_inode = tmpfs_evict,
    .statfs = tmpfs_statfs,
};

/* NULL with *err: ENOSPC past nr_inodes=, ENOMEM. */
static struct inode *tmpfs_inode_new(struct super *sb, uint32_t mode,
				     const struct cred *cred, int *err)
{
	struct tmpfs_sb *ts = TS(sb);
	*err = -LINUX_ENOSPC;
	if (ts && ts->max_inodes && ts->inodes >= ts->max_inodes)
		return NULL;
	*err = -LINUX_ENOMEM;
	struct inode *inode = inode_new(sb, mode);
	if (!inode)
		return NULL;
	struct tmpfs_inode *ti = calloc(1, sizeof(*ti));
	if (!ti) {
		inode_put(inode);
		return NULL;
	}
	inode->priv = ti;
	if (ts)
		ts->inodes++;
	ti->next_off = 2;
	if (cred) {
		inode->uid = cred->fsuid;
		inode->gid = cred->fsgid;
	}
	switch (mode & LINUX_S_IFMT) {
	case LINUX_S_IFDIR:
		inode->i_op = &tmpfs_dir_iops;
		inode->f_op = &tmpfs_dir_fops;
		inode->size = 4096;
		break;
	case LINUX_S_IFREG:
		inode->i_op = &tmpfs_file_iops;
		inode->f_op = &tmpfs_file_fops;
		break;
	case LINUX_S_IFLNK:
		inode->i_op = &tmpfs_link_iops;
		break;
	default:
		/* Device nodes, FIFOs and sockets: attributes only; opening
		 * them is the device/pipe layer's business. */
		inode->i_op = &tmpfs_file_iops;
		break;
	}
	return inode;
}

struct super *tmpfs_new(uint32_t root_mode)
{
	struct super *sb = super_new("tmpfs", &tmpfs_sops, LINUX_TMPFS_MAGIC);
	struct tmpfs_sb *ts = calloc(1, sizeof(*ts));
	int err;
	if (!sb || !ts) {
		free(sb);
		free(ts);
		return NULL;
	}
	sb->priv = ts;
	struct inode *root = tmpfs_inode_new(
	    sb, LINUX_S_IFDIR | (root_mode & 07777), NULL, &err);
	if (!root || super_set_root(sb, root) < 0) {
		inode_put(root);
		free(ts);
		free(sb);
		return NULL;
	}
	return sb;
}

void tmpfs_set_limits(struct super *sb, uint64_t max_bytes, uint64_t max_inodes)
{
	TS(sb)->max_bytes = max_bytes ? (max_bytes + 4095) & ~4095ULL : 0;
	TS(sb)->max_inodes = max_inodes;
}

bool tmpfs_is_tmpfs(const struct inode *inode)
{
	return inode->sb && inode->sb->ops == &tmpfs_sops;
}

bool tmpfs_dir_opaque(const struct inode *dir)
{
	return tmpfs_is_tmpfs(dir) && TI(dir) && TI(dir)->opaque;
}

void tmpfs_dir_set_opaque(struct inode *dir, bool opaque)
{
	if (tmpfs_is_tmpfs(dir) && TI(dir))
		TI(dir)->opaque = opaque;
}

void tmpfs_dir_list(struct inode *dir,
		    bool (*fn)(void *arg, const char *name,
			       struct inode *child),
		    void *arg)
{
	for (struct tmpfs_dirent *e = TI(dir)->head; e; e = e->next)
		if (!fn(arg, e->name, e->inode))
			return;
}

/* ------------------------------------------------------------------ */
/* Directory entries */

static struct tmpfs_dirent *dir_find(struct inode *dir, const char *name,
				     struct tmpfs_dirent ***pprev)
{
	struct tmpfs_dirent **pp = &TI(dir)->head;
	for (; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->name, name) == 0) {
			if (pprev)
				*pprev = pp;
			return *pp;
		}
	}
	return NULL;
}

/* Append name -> inode (takes a new reference on inode). */
static int dir_add(struct inode *dir, const char *name, struct inode *inode)
{
	struct tmpfs_dirent *e = calloc(1, sizeof(*e));
	if (!e)
		return -LINUX_ENOMEM;
	e->name = strdup(name);
	if (!e->name) {
		free(e);
		return -LINUX_ENOMEM;
	}
	e->inode = inode_get(inode);
	e->off = TI(dir)->next_off++;
	struct tmpfs_dirent **pp = &TI(dir)->head;
	while (*pp)
		pp = &(*pp)->next;
	*pp = e;
	inode_touch_mtime(dir);
	return 0;
}

/* Unlink the entry at *pp; returns its inode reference to the caller. */
static struct inode *dir_remove(struct inode *dir, struct tmpfs_dirent **pp)
{
	struct tmpfs_dirent *e = *pp;
	*pp = e->next;
	struct inode *inode = e->inode;
	free(e->name);
	free(e);
	inode_touch_mtime(dir);
	return inode;
}

static int tmpfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct tmpfs_dirent *e = dir_find(dir, name, NULL);
	if (!e)
		return -LINUX_ENOENT;
	*out = inode_get(e->inode);
	return 0;
}

static int tmpfs_mknod_common(struct inode *dir, const char *name,
			      uint32_t mode, uint64_t rdev,
			      const struct cred *cred, const char *target,
			      struct inode **out)
{
	if (dir->nlink == 0)
		return -LINUX_ENOENT; /* dir was removed */
	int err;
	struct inode *inode = tmpfs_inode_new(dir->sb, mode, cred, &err);
	if (!inode)
		return err;
	inode->rdev = rdev;
	if (target) {
		TI(inode)->target = strdup(target);
		if (!TI(inode)->target) {
			inode_put(inode);
			return -LINUX_ENOMEM;
		}
		inode->size = strlen(target);
	}
	int ret = dir_add(dir, name, inode);
	if (ret < 0) {
		inode_put(inode);
		return ret;
	}
	if (LINUX_S_ISDIR(mode))
		dir->nlink++;
	*out = inode;
	return 0;
}

static int tmpfs_create(struct inode *dir, const char *name, uint32_t mode,
			const struct cred *cred, struct inode **out)
{
	return tmpfs_mknod_common(dir, name, mode, 0, cred, NULL, out);
}

static int tmpfs_mkdir(struct inode *dir, const char *name, uint32_t mode,
		       const struct cred *cred, struct inode **out)
{
	return tmpfs_mknod_common(dir, name, mode, 0, cred, NULL, out);
}

static int tmpfs_mknod(struct inode *dir, const char *name, uint32_t mode,
		       uint64_t rdev, const struct cred *cred,
		       struct inode **out)
{
	return tmpfs_mknod_common(dir, name, mode, rdev, cred, NULL, out);
}

static int tmpfs_symlink(struct inode *dir, const char *name,
			 const char *target, const struct cred *cred,
			 struct inode **out)
{
	return tmpfs_mknod_common(dir, name, LINUX_S_IFLNK | 0777, 0, cred,
				  target, out);
}

static int tmpfs_link(struct inode *old, struct inode *dir, const char *name)
{
	if (dir->nlink == 0)
		return -LINUX_ENOENT;
	if (old->nlink == 0)
		return -LINUX_ENOENT;
	if (old->sb != dir->sb)
		return -LINUX_EXDEV;
	int ret = dir_add(dir, name, old);
	if (ret < 0)
		return ret;
	old->nlink++;
	old->ctime = vfs_now();
	return 0;
}

static int tmpfs_unlink(struct inode *dir, const char *name,
			struct inode *victim)
{
	struct tmpfs_dirent **pp;
	if (!dir_find(dir, name, &pp))
		return -LINUX_ENOENT;
	struct inode *inode = dir_remove(dir, pp);
	if (inode->nlink)
		inode->nlink--;
	inode->ctime = vfs_now();
	inode_put(inode);
	return 0;
}

static int tmpfs_rmdir(struct inode *dir, const char *name,
		       struct inode *victim)
{
	struct tmpfs_dirent **pp;
	struct tmpfs_dirent *e = dir_find(dir, name, &pp);
	if (!e)
		return -LINUX_ENOENT;
	if (TI(e->inode)->head)
		return -LINUX_ENOTEMPTY;
	struct inode *inode = dir_remove(dir, pp);
	inode->nlink = 0;
	dir->nlink--;
	inode_put(inode);
	return 0;
}

static int tmpfs_rename(struct inode *olddir, const char *oldname,
			struct inode *moved, struct inode *newdir,
			const char *newname, struct inode *victim,
			unsigned flags)
{
	/* The entries name moved and victim: found there. */
	(void)moved;
	(void)victim;
	struct tmpfs_dirent **opp, **npp;
	struct tmpfs_dirent *oe = dir_find(olddir, oldname, &opp);
	if (!oe)
		return -LINUX_ENOENT;
	struct tmpfs_dirent *ne = dir_find(newdir, newname, &npp);
	struct inode *oi = oe->inode;
	bool odir = LINUX_S_ISDIR(oi->mode);
	if (flags & LINUX_RENAME_EXCHANGE) {
		if (!ne)
			return -LINUX_ENOENT;
		struct inode *ni = ne->inode;
		bool ndir = LINUX_S_ISDIR(ni->mode);
		oe->inode = ni;
		ne->inode = oi;
		if (odir != ndir && olddir != newdir) {
			if (odir) {
				olddir->nlink--;
				newdir->nlink++;
			} else {
				olddir->nlink++;
				newdir->nlink--;
			}
		}
		inode_touch_mtime(olddir);
		inode_touch_mtime(newdir);
		oi->ctime = ni->ctime = vfs_now();
		return 0;
	}
	if (ne) {
		if (flags & LINUX_RENAME_NOREPLACE)
			return -LINUX_EEXIST;
		struct inode *ni = ne->inode;
		if (LINUX_S_ISDIR(ni->mode)) {
			if (TI(ni)->head)
				return -LINUX_ENOTEMPTY;
			ni->nlink = 0;
			newdir->nlink--;
		} else if (ni->nlink) {
			ni->nlink--;
		}
		ni->ctime = vfs_now();
		inode_put(dir_remove(newdir, npp));
		/* dir_remove may have moved the old entry's predecessor. */
		oe = dir_find(olddir, oldname, &opp);
	}
	int ret = dir_add(newdir, newname, oi);
	if (ret < 0)
		return ret;
	inode_put(dir_remove(olddir, opp));
	if (odir && olddir != newdir) {
		olddir->nlink--;
		newdir->nlink++;
	}
	oi->ctime = vfs_now();
	return 0;
}

static int tmpfs_readlink(struct inode *inode, struct task *t, char *buf,
			  size_t size)
{
	const char *target = TI(inode)->target;
	size_t len = strlen(target);
	if (len > size)
		len = size;
	memcpy(buf, target, len);
	return (int)len;
}

static int resize(struct inode *inode, uint64_t size)
{
	struct tmpfs_inode *ti = TI(inode);
	if (size > ((uint64_t)1 << 40))
		return -LINUX_EFBIG;
	/* The container's memory limit covers tmpfs data, by the page as
	 * Linux charges it (not by the capacity allocated ahead). */
	uint64_t charge = (size + 4095) & ~4095ULL;
	struct tmpfs_sb *ts = TS(inode->sb);
	if (charge > ti->charged && ts && ts->max_bytes &&
	    ts->bytes + (charge - ti->charged) > ts->max_bytes)
		return -LINUX_ENOSPC; /* size= */
	if (charge > ti->charged) {
		int err = cg_mem_charge(charge - ti->charged);
		if (err)
			return err;
	}
	if (size > ti->cap) {
		size_t cap = ti->cap ? ti->cap : 4096;

		while (cap < size)
			cap *= 2;
		char *data = realloc(ti->data, cap);
		if (!data) {
			if (charge > ti->charged)
				cg_mem_uncharge(charge - ti->charged);
			return -LINUX_ENOSPC;
		}
		ti->data = data;
		ti->cap = cap;
	}
	if (charge < ti->charged)
		cg_mem_uncharge(ti->charged - charge);
	if (ts)
		ts->bytes = ts->bytes - ti->charged + charge;
	ti->charged = charge;
	if (size > inode->size)
		memset(ti->data + inode->size, 0, size - inode->size);
	inode->size = size;
	/* Memory is allocated by pages, as Linux's tmpfs counts it. */
	inode->blocks = (size + 4095) / 4096 * 8;
	return 0;
}

int tmpfs_set_content(struct inode *inode, const void *data, size_t len)
{
	inode->size = 0;
	int ret = resize(inode, len);
	if (ret < 0)
		return ret;
	if (len)
		memcpy(TI(inode)->data, data, len);
	inode->generation++;
	return 0;
}

static int tmpfs_setattr(struct inode *inode, const struct iattr *a)
{
	if (a->valid & ATTR_SIZE) {
		if (!LINUX_S_ISREG(inode->mode))
			return -LINUX_EINVAL;
		int ret = resize(inode, a->size);
		if (ret < 0)
			return ret;
		inode_touch_mtime(inode);
	}
	if (a->valid & ATTR_MODE)
		inode->mode = (inode->mode & LINUX_S_IFMT) | (a->mode & 07777);
	if (a->valid & ATTR_UID)
		inode->uid = a->uid;
	if (a->valid & ATTR_GID)
		inode->gid = a->gid;
	if (a->valid & ATTR_ATIME)
		inode->atime = a->atime;
	if (a->valid & ATTR_MTIME)
		inode->mtime = a->mtime;
	if (a->valid & ATTR_CTIME)
		inode->ctime = a->ctime;
	return 0;
}

static const struct inode_ops tmpfs_dir_iops = {
    .lookup = tmpfs_lookup,
    .create = tmpfs_create,
    .mkdir = tmpfs_mkdir,
    .mknod = tmpfs_mknod,
    .symlink = tmpfs_symlink,
    .link = tmpfs_link,
    .unlink = tmpfs_unlink,
    .rmdir = tmpfs_rmdir,
    .rename = tmpfs_rename,
    .setattr = tmpfs_setattr,
};

static const struct inode_ops tmpfs_file_iops = {
    .setattr = tmpfs_setattr,
};

static const struct inode_ops tmpfs_link_iops = {
    .readlink = tmpfs_readlink,
    .setattr = tmpfs_setattr,
};

/* ------------------------------------------------------------------ */
/* Open files */

static long tmpfs_read(struct file *f, struct task *t, void *buf, size_t n,
		       loff_t *pos)
{
	struct inode *inode = f->inode;
	if ((uint64_t)*pos >= inode->size)
		return 0;
	size_t avail = inode->size - (uint64_t)*pos;
	if (n > avail)
		n = avail;
	memcpy(buf, TI(inode)->data + *pos, n);
	*pos += (loff_t)n;
	return (long)n;
}

static long tmpfs_write(struct file *f, struct task *t, const void *buf,
			size_t n, loff_t *pos)
{
	struct inode *inode = f->inode;
	if (n == 0)
		return 0;
	uint64_t end = (uint64_t)*pos + n;
	if (end > inode->size) {
		int ret = resize(inode, end);
		if (ret < 0)
			return ret;
	}
	memcpy(TI(inode)->data + *pos, buf, n);
	*pos += (loff_t)n;
	inode_touch_mtime(inode);
	return (long)n;
}

static int tmpfs_iterate(struct file *f, struct dir_context *ctx)
{
	if (!dir_emit_dots(f, ctx))
		return 0;
	for (struct tmpfs_dirent *e = TI(f->inode)->head; e; e = e->next) {
		if ((loff_t)e->off < ctx->pos)
			continue;
		if (!dir_emit(ctx, e->name, strlen(e->name), e->inode->ino,
			      vfs_dtype(e->inode->mode)))
			return 0;
		ctx->pos = (loff_t)e->off + 1;
	}
	return 0;
}

static int tmpfs_fsync(struct file *f, int datasync)
{
	return 0;
}

static const struct file_ops tmpfs_file_fops = {
    .read = tmpfs_read,
    .write = tmpfs_write,
    .fsync = tmpfs_fsync,
};

static const struct file_ops tmpfs_dir_fops = {
    .iterate = tmpfs_iterate,
    .fsync = tmpfs_fsync,
};
