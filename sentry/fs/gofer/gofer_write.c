/* The gofer filesystem's write side: creating, linking, removing and
 * renaming names, changing attributes, writing and syncing files, with
 * Linux's semantics, each keeping the caches of gofer_inode.h exact.
 *
 * The gofer does the work and the host's kernel gives most errors
 * (ENOTEMPTY, EEXIST, ENOSPC...); the VFS has already checked what Linux
 * checks before calling a filesystem. Attributes the host changes as a
 * side effect (ctime, set-id bits, blocks) are fetched again where they
 * matter. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/errno.h"
#include "sentry/fs/gofer/gofer_inode.h"
#include "sentry/kernel/task.h"
#include "sentry/log.h"

#define CL gofer_client

/* Give inode the creator's ownership, which the gofer (running as some
 * host user) does not: it sets the group only. Best effort: a gofer that
 * may not chown leaves the host's owner, which is then what stat shows. */
static void own(struct inode *inode, const struct cred *cred)
{
	struct p9_tsetattr a = {.valid = 0};

	if (inode->uid != cred->fsuid) {
		a.valid |= P9_SETATTR_UID;
		a.uid = cred->fsuid;
	}
	if (inode->gid != cred->fsgid) {
		a.valid |= P9_SETATTR_GID;
		a.gid = cred->fsgid;
	}
	if (!a.valid)
		return;
	int ret = p9c_setattr(CL(inode), GI(inode)->fid, &a);
	if (ret == 0)
		ret = gofer_refresh(inode);
	if (ret < 0)
		log_debug("gofer: cannot chown a new file: %d", ret);
}

/* The inode for dir/name, just made by the gofer: walked to, owned by
 * cred, and entered in dir's caches. On failure the name is removed
 * again, so that a failed creation leaves nothing behind. */
static int adopt(struct inode *dir, const char *name, uint32_t mode,
		 const struct cred *cred, struct inode **out)
{
	struct p9_client *c = CL(dir);
	const char *names[1] = {name};
	uint32_t fid;
	struct inode *inode;
	int ret = p9c_walk(c, GI(dir)->fid, 1, names, &fid, NULL);

	if (ret == 0)
		ret = gofer_inode_new(dir->sb, fid, &inode);
	if (ret < 0) {
		p9c_unlinkat(c, GI(dir)->fid, name,
			     LINUX_S_ISDIR(mode) ? P9_AT_REMOVEDIR : 0);
		return ret;
	}
	own(inode, cred);
	gofer_dir_added(dir, name, inode);
	*out = inode;
	return 0;
}

/* Tlcreate is exclusive: -EEXIST means the name is there after all (made
 * on the host behind the sandbox's back), so it must not be remembered
 * as missing; the VFS then looks it up again for O_CREAT without O_EXCL.
 * The new file's opened fid becomes the inode's: O_RDWR, so the open
 * that follows (whatever its mode) needs no round trip of its own. */
int gofer_create(struct inode *dir, const char *name, uint32_t mode,
		 const struct cred *cred, struct inode **out)
{
	struct p9_client *c = CL(dir);
	uint32_t ofid;
	int hostfd = -1;
	int ret = p9c_walk(c, GI(dir)->fid, 0, NULL, &ofid, NULL);

	if (ret < 0)
		return ret;
	ret = p9c_lcreate(c, ofid, name, LINUX_O_RDWR, mode & 07777,
			  cred->fsgid, NULL, NULL, &hostfd);
	if (ret == 0)
		ret = adopt(dir, name, mode, cred, out);
	if (ret < 0) {
		if (ret == -LINUX_EEXIST)
			gofer_neg_forget(dir, name);
		if (hostfd >= 0)
			close(hostfd);
		p9c_clunk(c, ofid);
		return ret;
	}
	gofer_set_open(*out, ofid, true, hostfd);
	return 0;
}

int gofer_mkdir(struct inode *dir, const char *name, uint32_t mode,
		const struct cred *cred, struct inode **out)
{
	int ret = p9c_mkdir(CL(dir), GI(dir)->fid, name, mode & 07777,
			    cred->fsgid, NULL);

	if (ret == 0)
		ret = adopt(dir, name, mode, cred, out);
	if (ret == 0)
		dir->nlink++;
	return ret;
}

/* FIFOs and sockets (the pipe and socket layers give them life inside the
 * sandbox); device nodes are refused by the gofer with EPERM. */
int gofer_mknod(struct inode *dir, const char *name, uint32_t mode,
		uint64_t rdev, const struct cred *cred, struct inode **out)
{
	int ret = p9c_mknod(CL(dir), GI(dir)->fid, name,
			    mode & (LINUX_S_IFMT | 07777), cred->fsgid, NULL);

	(void)rdev;
	return ret < 0 ? ret : adopt(dir, name, mode, cred, out);
}

int gofer_symlink(struct inode *dir, const char *name, const char *target,
		  const struct cred *cred, struct inode **out)
{
	int ret =
	    p9c_symlink(CL(dir), GI(dir)->fid, name, target, cred->fsgid, NULL);

	return ret < 0 ? ret
		       : adopt(dir, name, LINUX_S_IFLNK | 0777, cred, out);
}

int gofer_link(struct inode *old, struct inode *dir, const char *name)
{
	if (old->sb != dir->sb)
		return -LINUX_EXDEV;
	if (old->nlink == 0)
		return -LINUX_ENOENT;
	int ret = p9c_link(CL(dir), GI(dir)->fid, GI(old)->fid, name);
	if (ret < 0)
		return ret;
	gofer_refresh(old); /* nlink, ctime */
	gofer_dir_added(dir, name, old);
	return 0;
}

/* Removing one name of a file that keeps others: the gofer reopens a
 * regular file through the name its fid was walked by, which may be this
 * one, so the file is opened (for writing too, where the gofer allows)
 * while it can be, and that opened fid stays with the inode. */
static void pin(struct inode *victim)
{
	struct gofer_inode *gi = GI(victim);

	if (!LINUX_S_ISREG(victim->mode) || victim->nlink < 2 ||
	    (gi->opened && gi->writable))
		return;
	if (gofer_open_fid(victim, true) == 0 ||
	    gofer_open_fid(victim, false) == 0)
		gi->pinned = true;
}

int gofer_unlink(struct inode *dir, const char *name, struct inode *victim)
{
	pin(victim);
	int ret = p9c_unlinkat(CL(dir), GI(dir)->fid, name, 0);
	if (ret < 0)
		return ret;
	if (victim->nlink)
		victim->nlink--;
	victim->ctime = vfs_now();
	gofer_dir_removed(dir, name);
	return 0;
}

int gofer_rmdir(struct inode *dir, const char *name, struct inode *victim)
{
	int ret = p9c_unlinkat(CL(dir), GI(dir)->fid, name, P9_AT_REMOVEDIR);
	if (ret < 0)
		return ret;
	victim->nlink = 0;
	victim->ctime = vfs_now();
	if (dir->nlink > 2)
		dir->nlink--;
	gofer_dir_removed(dir, name);
	return 0;
}

/* Trenameat has no flags. RENAME_NOREPLACE: the VFS found newname absent
 * and only the sandbox changes the tree, so a plain rename is exact.
 * RENAME_EXCHANGE cannot be done atomically over 9P2000.L: EINVAL, as
 * Linux answers for a filesystem without it. */
int gofer_rename(struct inode *olddir, const char *oldname, struct inode *moved,
		 struct inode *newdir, const char *newname,
		 struct inode *victim, unsigned flags)
{
	if (flags & LINUX_RENAME_EXCHANGE)
		return -LINUX_EINVAL;
	if (victim && victim == moved)
		return 0;
	int ret = p9c_renameat(CL(olddir), GI(olddir)->fid, oldname,
			       GI(newdir)->fid, newname);
	if (ret < 0)
		return ret;
	bool isdir = LINUX_S_ISDIR(moved->mode);
	gofer_dir_removed(olddir, oldname);
	if (victim) {
		gofer_dir_removed(newdir, newname);
		if (LINUX_S_ISDIR(victim->mode)) {
			victim->nlink = 0;
			if (newdir->nlink > 2)
				newdir->nlink--;
		} else if (victim->nlink) {
			victim->nlink--;
		}
		victim->ctime = vfs_now();
	}
	gofer_dir_added(newdir, newname, moved);
	if (isdir && olddir != newdir) {
		if (olddir->nlink > 2)
			olddir->nlink--;
		newdir->nlink++;
	}
	moved->ctime = vfs_now();
	return 0;
}

/* ftruncate on the donated writable descriptor: no round trip. */
static int truncate_host(struct inode *inode, uint64_t size)
{
	struct gofer_inode *gi = GI(inode);

	if (size > INT64_MAX)
		return -LINUX_EFBIG;
	if (ftruncate(gi->hostfd, (off_t)size) < 0)
		return -linux_errno_from_host(errno);
	gi->stale = true;
	return 0;
}

int gofer_setattr(struct inode *inode, const struct iattr *a)
{
	struct gofer_inode *gi = GI(inode);
	struct p9_tsetattr t = {.valid = 0};
	int ret;

	if (a->valid & ATTR_MODE) {
		t.valid |= P9_SETATTR_MODE;
		t.mode = a->mode & 07777;
	}
	if (a->valid & ATTR_UID) {
		t.valid |= P9_SETATTR_UID;
		t.uid = a->uid;
	}
	if (a->valid & ATTR_GID) {
		t.valid |= P9_SETATTR_GID;
		t.gid = a->gid;
	}
	if (a->valid & ATTR_SIZE) {
		if (gi->hostfd >= 0 && gi->writable) {
			ret = truncate_host(inode, a->size);
			if (ret < 0)
				return ret;
		} else {
			t.valid |= P9_SETATTR_SIZE;
			t.size = a->size;
		}
		inode->generation++; /* the page cache's copy is stale */
	}
	/* The times as the VFS computed them ("now" included), so that the
	 * sandbox's clock is the one stamps come from. */
	if (a->valid & ATTR_ATIME) {
		t.valid |= P9_SETATTR_ATIME | P9_SETATTR_ATIME_SET;
		t.atime_sec = (uint64_t)a->atime.tv_sec;
		t.atime_nsec = (uint64_t)a->atime.tv_nsec;
	}
	if (a->valid & ATTR_MTIME) {
		t.valid |= P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET;
		t.mtime_sec = (uint64_t)a->mtime.tv_sec;
		t.mtime_nsec = (uint64_t)a->mtime.tv_nsec;
	}
	if (!t.valid) {
		/* A size set through the descriptor (gofer_getattr fetches
		 * the rest), or ctime alone, which the host moves only with
		 * a change. */
		if (!(a->valid & ATTR_SIZE))
			inode->ctime = a->ctime;
		return 0;
	}
	ret = p9c_setattr(CL(inode), gi->fid, &t);
	if (ret < 0)
		return ret;
	gi->stale = false;
	return gofer_refresh(inode);
}

/* After writes through the donated descriptor the host has the size,
 * blocks and times: one fstat, no round trip. */
int gofer_getattr(struct inode *inode)
{
	struct gofer_inode *gi = GI(inode);
	struct stat st;

	if (!gi->stale)
		return 0;
	if (gi->hostfd < 0 || fstat(gi->hostfd, &st) < 0) {
		int ret = gofer_refresh(inode);
		gi->stale = ret < 0;
		return ret;
	}
	gi->stale = false;
	inode->size = (uint64_t)st.st_size;
	inode->nlink = (uint32_t)st.st_nlink;
	inode->blocks = (uint64_t)st.st_blocks;
	inode->mtime = st.st_mtim;
	inode->ctime = st.st_ctim;
	inode->atime = st.st_atim;
	inode->mode = st.st_mode; /* a write by root keeps set-id bits; else
				   * the host cleared them */
	return 0;
}

long gofer_write(struct file *f, struct task *t, const void *buf, size_t n,
		 loff_t *pos)
{
	struct inode *inode = f->inode;
	struct gofer_inode *gi = GI(inode);
	long ret;

	if (!gi->opened || !gi->writable)
		return -LINUX_EBADF;
	if (n > (1u << 30))
		n = 1u << 30;
	if ((uint64_t)*pos + n > INT64_MAX)
		return -LINUX_EFBIG;
	if (gi->hostfd >= 0) {
		ret = gofer_host_io(gi->hostfd, true, (void *)buf, n, *pos);
	} else {
		ret = p9c_write(CL(inode), gi->ofid, (uint64_t)*pos, buf,
				(uint32_t)n);
	}
	if (ret <= 0)
		return ret;
	*pos += ret;
	if ((uint64_t)*pos > inode->size)
		inode->size = (uint64_t)*pos;
	inode_touch_mtime(inode);
	gi->stale = true;
	return ret;
}

int gofer_fsync(struct file *f, int datasync)
{
	struct gofer_inode *gi = GI(f->inode);

	if (gi->hostfd >= 0) {
		int r = datasync ? fdatasync(gi->hostfd) : fsync(gi->hostfd);
		return r < 0 ? -linux_errno_from_host(errno) : 0;
	}
	if (!gi->opened)
		return 0;
	return p9c_fsync(CL(f->inode), gi->ofid, datasync);
}
