/* The path walker and the name-space operations built on it. */
#include <stdlib.h>
#include <string.h>

#include "sentry/fs/proc/procfs.h"
#include "sentry/kernel/task.h"
#include "sentry/vfs/dcache.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/fs_context.h"
#include "sentry/vfs/namei.h"

#define MAX_SYMLINKS 40

/* procfs may be absent (unit tests): its magic links are then unknown. */
#pragma weak procfs_is_fd_link
#pragma weak procfs_fd_link_file

static bool is_dir(const struct path *p)
{
	return LINUX_S_ISDIR(p->dentry->inode->mode);
}

/* Replace *cur by next (a new reference the caller passes in). */
static void path_set(struct path *cur, struct path next)
{
	path_put(cur);
	*cur = next;
}

/* Step onto whatever is mounted on cur (repeatedly: stacked mounts). */
static void follow_down(struct path *cur)
{
	while (cur->dentry->mounted) {
		struct mount *m = mount_lookup(cur->mnt, cur->dentry);
		if (!m)
			return;
		struct path next = {m, m->root};
		path_get(&next);
		path_set(cur, next);
	}
}

static void follow_dotdot(const struct walk_ctx *wc, struct path *cur)
{
	for (;;) {
		if (path_equal(cur, &wc->root))
			return;
		if (cur->dentry != cur->mnt->root)
			break;
		if (!cur->mnt->parent)
			return; /* the global root: ".." is itself */
		struct path up = {cur->mnt->parent, cur->mnt->mountpoint};
		path_get(&up);
		path_set(cur, up);
	}
	if (!cur->dentry->parent)
		return;
	struct path up = {cur->mnt, cur->dentry->parent};
	path_get(&up);
	path_set(cur, up);
	follow_down(cur);
}

int vfs_lookup_one(struct dentry *dir, const char *name,
		   const struct cred *cred, struct dentry **out)
{
	struct inode *di = dir->inode;
	if (!LINUX_S_ISDIR(di->mode))
		return -LINUX_ENOTDIR;
	int ret = inode_permission(di, cred, LINUX_X_OK);
	if (ret < 0)
		return ret;
	struct dentry *d = dcache_lookup(dir, name);
	if (d) {
		*out = d;
		return 0;
	}
	if (!di->i_op || !di->i_op->lookup)
		return -LINUX_ENOENT;
	struct inode *inode = NULL;
	ret = di->i_op->lookup(di, name, &inode);
	if (ret < 0)
		return ret;
	d = dentry_alloc(dir, name, inode);
	if (!d) {
		inode_put(inode);
		return -LINUX_ENOMEM;
	}
	dcache_add(d);
	*out = d;
	return 0;
}

static int read_link(const struct walk_ctx *wc, struct inode *inode, char *buf,
		     size_t size)
{
	if (!inode->i_op || !inode->i_op->readlink)
		return -LINUX_EINVAL;
	int len = inode->i_op->readlink(inode, wc->task, buf, size);
	if (len < 0)
		return len;
	if ((size_t)len >= size)
		return -LINUX_ENAMETOOLONG;
	buf[len] = '\0';
	return len;
}

/* /proc/PID/fd/N: a magic link (Linux's nd_jump_link). Following it
 * reaches the open file itself, not the text readlink shows: its path, or
 * for a file without one (a pipe) a detached dentry of its inode. Replaces
 * *link by the destination. */
static int jump_fd_link(const struct walk_ctx *wc, struct path *link)
{
	struct file *f = procfs_fd_link_file(link->dentry->inode, wc->task);
	if (!f)
		return -LINUX_ENOENT;
	struct path dest;
	if (f->path.dentry) {
		dest = f->path;
		path_get(&dest);
	} else {
		struct dentry *d =
		    dentry_alloc(NULL, "anon", inode_get(f->inode));
		if (!d) {
			inode_put(f->inode);
			file_put(f);
			return -LINUX_ENOMEM;
		}
		dest = (struct path){link->mnt, d};
		dest.mnt->refs++;
	}
	file_put(f);
	path_put(link);
	*link = dest;
	return 0;
}

/* The one walker. want_parent: stop before the last component and report
 * it in last/last_type/trailing. */
static int do_walk(const struct walk_ctx *wc, const char *path, unsigned flags,
		   bool want_parent, struct path *out, char *last,
		   int *last_type, bool *trailing_out)
{
	size_t plen = strlen(path);
	if (plen >= VFS_PATH_MAX)
		return -LINUX_ENAMETOOLONG;
	if (plen == 0) {
		if (!(flags & LOOKUP_EMPTY) || want_parent)
			return -LINUX_ENOENT;
		*out = wc->start;
		path_get(out);
		if ((flags & LOOKUP_DIRECTORY) && !is_dir(out)) {
			path_put(out);
			return -LINUX_ENOTDIR;
		}
		return 0;
	}
	/* rest points into buf, which holds the remaining path; a symlink
	 * rewrites it as target + "/" + remainder. */
	char *buf = malloc(2 * VFS_PATH_MAX);
	char *lbuf = malloc(VFS_PATH_MAX);
	if (!buf || !lbuf) {
		free(buf);
		free(lbuf);
		return -LINUX_ENOMEM;
	}
	memcpy(buf, path, plen + 1);
	char *rest = buf;
	struct path cur = *rest == '/' ? wc->root : wc->start;
	path_get(&cur);
	int links = 0, ret = 0;
	char name[VFS_NAME_MAX + 1];

	for (;;) {
		if (*rest == '/') {
			path_set(&cur, wc->root);
			path_get(&cur);
			while (*rest == '/')
				rest++;
		}
		if (*rest == '\0') {
			/* "/" or a symlink to "/": the result is cur. */
			if (want_parent) {
				strcpy(last, "/");
				*last_type = LAST_ROOT;
				*trailing_out = false;
			}
			break;
		}
		size_t len = strcspn(rest, "/");
		if (len > VFS_NAME_MAX) {
			ret = -LINUX_ENAMETOOLONG;
			break;
		}
		memcpy(name, rest, len);
		name[len] = '\0';
		char *next = rest + len;
		bool trailing = *next == '/';
		while (*next == '/')
			next++;
		bool is_last = *next == '\0';

		if (!is_dir(&cur)) {
			ret = -LINUX_ENOTDIR;
			break;
		}
		ret = inode_permission(cur.dentry->inode, wc->cred, LINUX_X_OK);
		if (ret < 0)
			break;
		if (is_last && want_parent) {
			strcpy(last, name);
			*last_type = strcmp(name, ".") == 0    ? LAST_DOT
				     : strcmp(name, "..") == 0 ? LAST_DOTDOT
							       : LAST_NORM;
			*trailing_out = trailing;
			break;
		}
		if (strcmp(name, ".") == 0) {
			rest = next;
		} else if (strcmp(name, "..") == 0) {
			follow_dotdot(wc, &cur);
			rest = next;
		} else {
			struct dentry *d;
			ret = vfs_lookup_one(cur.dentry, name, NULL, &d);
			if (ret < 0)
				break;
			struct path child = {cur.mnt, d};
			cur.mnt->refs++;
			follow_down(&child);
			bool link = LINUX_S_ISLNK(child.dentry->inode->mode);
			if (link &&
			    (!is_last || trailing || (flags & LOOKUP_FOLLOW))) {
				if (++links > MAX_SYMLINKS) {
					path_put(&child);
					ret = -LINUX_ELOOP;
					break;
				}
				if (procfs_is_fd_link &&
				    procfs_is_fd_link(child.dentry->inode)) {
					ret = jump_fd_link(wc, &child);
					if (ret < 0)
						break;
					path_set(&cur, child);
					rest = next;
					goto last_check;
				}
				int tl = read_link(wc, child.dentry->inode,
						   lbuf, VFS_PATH_MAX);
				path_put(&child);
				if (tl < 0) {
					ret = tl;
					break;
				}
				if (tl == 0) {
					ret = -LINUX_ENOENT;
					break;
				}
				/* New remaining path: target, then what was
				 * left (keeping a trailing slash). */
				size_t rlen = strlen(next);
				bool keep_slash = is_last && trailing;
				if ((size_t)tl + 1 + rlen + 1 >=
				    2 * VFS_PATH_MAX) {
					ret = -LINUX_ENAMETOOLONG;
					break;
				}
				memmove(buf + tl + 1, next, rlen + 1);
				memcpy(buf, lbuf, (size_t)tl);
				buf[tl] = (rlen || keep_slash) ? '/' : '\0';
				if (!rlen && keep_slash)
					buf[tl + 1] = '\0';
				rest = buf;
				/* A relative target resolves from the link's
				 * directory, which is cur. */
				continue;
			}
			path_set(&cur, child);
			rest = next;
		}
	last_check:
		if (is_last) {
			if ((trailing || (flags & LOOKUP_DIRECTORY)) &&
			    !is_dir(&cur) &&
			    !(LINUX_S_ISLNK(cur.dentry->inode->mode) &&
			      !trailing))
				ret = -LINUX_ENOTDIR;
			break;
		}
	}
	free(buf);
	free(lbuf);
	if (ret < 0) {
		path_put(&cur);
		return ret;
	}
	if (!want_parent && (flags & LOOKUP_DIRECTORY) && !is_dir(&cur)) {
		path_put(&cur);
		return -LINUX_ENOTDIR;
	}
	*out = cur;
	return 0;
}

int vfs_walk(const struct walk_ctx *wc, const char *path, unsigned flags,
	     struct path *out)
{
	return do_walk(wc, path, flags, false, out, NULL, NULL, NULL);
}

int vfs_walk_parent(const struct walk_ctx *wc, const char *path,
		    struct path *parent, char last[VFS_NAME_MAX + 1],
		    int *last_type, bool *trailing)
{
	*trailing = false;
	int ret = do_walk(wc, path, 0, true, parent, last, last_type, trailing);
	if (ret < 0)
		return ret;
	if (*last_type == LAST_ROOT && strcmp(last, "/") != 0)
		*last_type = LAST_ROOT;
	return 0;
}

int walk_ctx_task(struct task *t, int dirfd, const char *path,
		  struct walk_ctx *wc)
{
	memset(wc, 0, sizeof(*wc));
	struct fs_context *fs = t->fs;
	if (!fs)
		return -LINUX_ENOENT;
	wc->cred = &t->cred;
	wc->task = t;
	wc->root = fs->root;
	path_get(&wc->root);
	if (path[0] == '/' || dirfd == LINUX_AT_FDCWD) {
		wc->start = fs->cwd;
		path_get(&wc->start);
		return 0;
	}
	struct file *f = fd_get(t, dirfd);
	if (!f) {
		path_put(&wc->root);
		return -LINUX_EBADF;
	}
	if (!f->path.dentry) {
		/* Anonymous files have no place in the tree. */
		file_put(f);
		path_put(&wc->root);
		return path[0] ? -LINUX_ENOTDIR : -LINUX_ENOENT;
	}
	if (path[0] && !LINUX_S_ISDIR(f->inode->mode)) {
		file_put(f);
		path_put(&wc->root);
		return -LINUX_ENOTDIR;
	}
	wc->start = f->path;
	path_get(&wc->start);
	file_put(f);
	return 0;
}

void walk_ctx_release(struct walk_ctx *wc)
{
	if (wc->root.dentry)
		path_put(&wc->root);
	if (wc->start.dentry)
		path_put(&wc->start);
}

int vfs_walk_task(struct task *t, int dirfd, const char *path, unsigned flags,
		  struct path *out)
{
	struct walk_ctx wc;
	int ret = walk_ctx_task(t, dirfd, path, &wc);
	if (ret < 0)
		return ret;
	ret = vfs_walk(&wc, path, flags, out);
	walk_ctx_release(&wc);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Name-space operations */

/* Linux's may_create: search+write on the directory, not read-only. */
static int may_create(const struct walk_ctx *wc, const struct path *dir)
{
	int ret = inode_permission(dir->dentry->inode, wc->cred,
				   LINUX_W_OK | LINUX_X_OK);
	if (ret < 0)
		return ret;
	if (path_rdonly(dir))
		return -LINUX_EROFS;
	return 0;
}

/* Linux's may_delete: as may_create plus the sticky bit. */
static int may_delete(const struct walk_ctx *wc, const struct path *dir,
		      struct inode *victim)
{
	int ret = may_create(wc, dir);
	if (ret < 0)
		return ret;
	struct inode *di = dir->dentry->inode;
	if (wc->cred && (di->mode & LINUX_S_ISVTX) &&
	    wc->cred->fsuid != victim->uid && wc->cred->fsuid != di->uid &&
	    !capable(wc->cred, CAP_FOWNER))
		return -LINUX_EPERM;
	return 0;
}

/* Look up last in parent: 0 with *out, or -LINUX_ENOENT. */
static int lookup_last(const struct path *parent, const char *last,
		       struct dentry **out)
{
	return vfs_lookup_one(parent->dentry, last, NULL, out);
}

static int add_new_dentry(const struct path *parent, const char *name,
			  struct inode *inode)
{
	struct dentry *d = dentry_alloc(parent->dentry, name, inode);
	if (!d) {
		inode_put(inode);
		return -LINUX_ENOMEM;
	}
	dcache_add(d);
	dentry_put(d);
	return 0;
}

static uint32_t creator_gid(const struct walk_ctx *wc, struct inode *dir)
{
	(void)wc;
	return dir->gid;
}

typedef int (*create_cb)(const struct walk_ctx *wc, struct inode *dir,
			 const char *name, void *arg, struct inode **out);

/* Shared frame of mkdir/mknod/symlink/create: walk to the parent, check
 * the name is new and creatable, call fn, cache the result. */
static int do_create(const struct walk_ctx *wc, const char *path, bool is_dir_,
		     create_cb fn, void *arg, struct path *result)
{
	struct path parent;
	char last[VFS_NAME_MAX + 1];
	int type;
	bool trailing;
	int ret = vfs_walk_parent(wc, path, &parent, last, &type, &trailing);
	if (ret < 0)
		return ret;
	if (type != LAST_NORM) {
		ret = -LINUX_EEXIST;
		goto out;
	}
	struct dentry *d;
	ret = lookup_last(&parent, last, &d);
	if (ret == 0) {
		dentry_put(d);
		ret = -LINUX_EEXIST;
		goto out;
	}
	if (ret != -LINUX_ENOENT)
		goto out;
	if (trailing && !is_dir_) {
		ret = -LINUX_ENOENT;
		goto out;
	}
	ret = may_create(wc, &parent);
	if (ret < 0)
		goto out;
	struct inode *inode = NULL;
	ret = fn(wc, parent.dentry->inode, last, arg, &inode);
	if (ret < 0)
		goto out;
	if (result) {
		struct dentry *nd = dentry_alloc(parent.dentry, last, inode);
		if (!nd) {
			inode_put(inode);
			ret = -LINUX_ENOMEM;
			goto out;
		}
		dcache_add(nd);
		result->mnt = parent.mnt;
		result->mnt->refs++;
		result->dentry = nd;
	} else {
		ret = add_new_dentry(&parent, last, inode);
	}
out:
	path_put(&parent);
	return ret;
}

struct mode_arg {
	uint32_t mode;
	uint64_t rdev;
	const char *target;
};

static int cred_fill(const struct walk_ctx *wc, struct inode *dir,
		     struct cred *c)
{
	memset(c, 0, sizeof(*c));
	if (wc->cred)
		*c = *wc->cred;
	/* setgid directories hand their group down. */
	if (dir->mode & LINUX_S_ISGID)
		c->fsgid = creator_gid(wc, dir);
	return 0;
}

static int mkdir_fn(const struct walk_ctx *wc, struct inode *dir,
		    const char *name, void *arg, struct inode **out)
{
	struct mode_arg *ma = arg;
	if (!dir->i_op || !dir->i_op->mkdir)
		return -LINUX_EPERM;
	struct cred c;
	cred_fill(wc, dir, &c);
	uint32_t mode = LINUX_S_IFDIR | (ma->mode & 07777);
	if (dir->mode & LINUX_S_ISGID)
		mode |= LINUX_S_ISGID;
	return dir->i_op->mkdir(dir, name, mode, &c, out);
}

int vfs_mkdir(const struct walk_ctx *wc, const char *path, uint32_t mode)
{
	struct mode_arg ma = {.mode = mode};
	return do_create(wc, path, true, mkdir_fn, &ma, NULL);
}

static int mknod_fn(const struct walk_ctx *wc, struct inode *dir,
		    const char *name, void *arg, struct inode **out)
{
	struct mode_arg *ma = arg;
	struct cred c;
	cred_fill(wc, dir, &c);
	if (LINUX_S_ISREG(ma->mode) || !(ma->mode & LINUX_S_IFMT)) {
		if (!dir->i_op || !dir->i_op->create)
			return -LINUX_EPERM;
		return dir->i_op->create(
		    dir, name, LINUX_S_IFREG | (ma->mode & 07777), &c, out);
	}
	if (!dir->i_op || !dir->i_op->mknod)
		return -LINUX_EPERM;
	return dir->i_op->mknod(dir, name, ma->mode, ma->rdev, &c, out);
}

int vfs_mknod(const struct walk_ctx *wc, const char *path, uint32_t mode,
	      uint64_t rdev)
{
	uint32_t type = mode & LINUX_S_IFMT;
	if (type == LINUX_S_IFDIR || type == LINUX_S_IFLNK)
		return -LINUX_EINVAL;
	if ((type == LINUX_S_IFCHR || type == LINUX_S_IFBLK) && wc->cred &&
	    !capable(wc->cred, CAP_MKNOD))
		return -LINUX_EPERM;
	struct mode_arg ma = {.mode = mode, .rdev = rdev};
	return do_create(wc, path, false, mknod_fn, &ma, NULL);
}

static int symlink_fn(const struct walk_ctx *wc, struct inode *dir,
		      const char *name, void *arg, struct inode **out)
{
	struct mode_arg *ma = arg;
	if (!dir->i_op || !dir->i_op->symlink)
		return -LINUX_EPERM;
	struct cred c;
	cred_fill(wc, dir, &c);
	return dir->i_op->symlink(dir, name, ma->target, &c, out);
}

int vfs_symlink(const struct walk_ctx *wc, const char *target, const char *path)
{
	if (!target[0])
		return -LINUX_ENOENT;
	struct mode_arg ma = {.target = target};
	return do_create(wc, path, false, symlink_fn, &ma, NULL);
}

/* Walk to the parent of path and look up its last component (no follow):
 * the common start of unlink, rmdir, rename. */
static int walk_victim(const struct walk_ctx *wc, const char *path,
		       struct path *parent, char *last, int *type,
		       bool *trailing, struct dentry **victim)
{
	int ret = vfs_walk_parent(wc, path, parent, last, type, trailing);
	if (ret < 0)
		return ret;
	*victim = NULL;
	if (*type != LAST_NORM)
		return 0;
	ret = lookup_last(parent, last, victim);
	if (ret < 0)
		path_put(parent);
	return ret;
}

/* What unlink and rmdir share once the victim's type is checked: the
 * sticky-bit and permission check, busy mount points, the fs's operation,
 * and dropping the dentry. */
static int remove_entry(const struct walk_ctx *wc, struct path *parent,
			struct dentry *v, const char *last, bool dir)
{
	struct inode *vi = v->inode, *di = parent->dentry->inode;
	int (*op)(struct inode *, const char *, struct inode *) = NULL;
	int ret = may_delete(wc, parent, vi);

	if (ret < 0)
		return ret;
	if (v->mounted)
		return -LINUX_EBUSY;
	if (di->i_op)
		op = dir ? di->i_op->rmdir : di->i_op->unlink;
	if (!op)
		return -LINUX_EPERM;
	ret = op(di, last, vi);
	if (ret == 0) {
		v->deleted = true;
		dcache_drop(v);
	}
	return ret;
}

int vfs_unlink(const struct walk_ctx *wc, const char *path)
{
	struct path parent;
	char last[VFS_NAME_MAX + 1];
	int type;
	bool trailing;
	struct dentry *v;
	int ret = walk_victim(wc, path, &parent, last, &type, &trailing, &v);
	if (ret < 0)
		return ret;
	if (type != LAST_NORM) {
		ret = -LINUX_EISDIR;
		goto out;
	}
	struct inode *vi = v->inode;
	if (LINUX_S_ISDIR(vi->mode)) {
		ret = -LINUX_EISDIR;
		goto out_v;
	}
	if (trailing) {
		ret = -LINUX_ENOTDIR;
		goto out_v;
	}
	ret = remove_entry(wc, &parent, v, last, false);
out_v:
	dentry_put(v);
out:
	path_put(&parent);
	return ret;
}

int vfs_rmdir(const struct walk_ctx *wc, const char *path)
{
	struct path parent;
	char last[VFS_NAME_MAX + 1];
	int type;
	bool trailing;
	struct dentry *v;
	int ret = walk_victim(wc, path, &parent, last, &type, &trailing, &v);
	if (ret < 0)
		return ret;
	if (type != LAST_NORM) {
		ret = type == LAST_DOT	    ? -LINUX_EINVAL
		      : type == LAST_DOTDOT ? -LINUX_ENOTEMPTY
					    : -LINUX_EBUSY;
		goto out;
	}
	struct inode *vi = v->inode;
	if (!LINUX_S_ISDIR(vi->mode)) {
		ret = -LINUX_ENOTDIR;
		goto out_v;
	}
	ret = remove_entry(wc, &parent, v, last, true);
out_v:
	dentry_put(v);
out:
	path_put(&parent);
	return ret;
}

int vfs_link(const struct walk_ctx *oldwc, const char *oldpath,
	     const struct walk_ctx *newwc, const char *newpath,
	     unsigned lookup_flags)
{
	struct path old;
	int ret = vfs_walk(oldwc, oldpath, lookup_flags, &old);
	if (ret < 0)
		return ret;
	struct path parent;
	char last[VFS_NAME_MAX + 1];
	int type;
	bool trailing;
	ret = vfs_walk_parent(newwc, newpath, &parent, last, &type, &trailing);
	if (ret < 0)
		goto out_old;
	if (type != LAST_NORM) {
		ret = -LINUX_EEXIST;
		goto out;
	}
	struct dentry *d;
	ret = lookup_last(&parent, last, &d);
	if (ret == 0) {
		dentry_put(d);
		ret = -LINUX_EEXIST;
		goto out;
	}
	if (ret != -LINUX_ENOENT)
		goto out;
	if (trailing) {
		ret = -LINUX_ENOENT;
		goto out;
	}
	if (old.mnt != parent.mnt) {
		ret = -LINUX_EXDEV;
		goto out;
	}
	ret = may_create(newwc, &parent);
	if (ret < 0)
		goto out;
	struct inode *oi = old.dentry->inode;
	if (LINUX_S_ISDIR(oi->mode)) {
		ret = -LINUX_EPERM;
		goto out;
	}
	struct inode *di = parent.dentry->inode;
	if (!di->i_op || !di->i_op->link) {
		ret = -LINUX_EPERM;
		goto out;
	}
	ret = di->i_op->link(oi, di, last);
	if (ret == 0)
		ret = add_new_dentry(&parent, last, inode_get(oi));
out:
	path_put(&parent);
out_old:
	path_put(&old);
	return ret;
}

/* Is a an ancestor of (or equal to) b within one super? */
static bool is_ancestor(struct dentry *a, struct dentry *b)
{
	for (; b; b = b->parent)
		if (b == a)
			return true;
	return false;
}

int vfs_rename(const struct walk_ctx *oldwc, const char *oldpath,
	       const struct walk_ctx *newwc, const char *newpath,
	       unsigned flags)
{
	if (flags & ~(unsigned)(LINUX_RENAME_NOREPLACE | LINUX_RENAME_EXCHANGE))
		return -LINUX_EINVAL;
	if ((flags & LINUX_RENAME_NOREPLACE) && (flags & LINUX_RENAME_EXCHANGE))
		return -LINUX_EINVAL;
	struct path op, np;
	char olast[VFS_NAME_MAX + 1], nlast[VFS_NAME_MAX + 1];
	int otype, ntype;
	bool otrail, ntrail;
	struct dentry *od = NULL, *nd = NULL;
	int ret = walk_victim(oldwc, oldpath, &op, olast, &otype, &otrail, &od);
	if (ret < 0)
		return ret;
	ret = vfs_walk_parent(newwc, newpath, &np, nlast, &ntype, &ntrail);
	if (ret < 0)
		goto out_op;
	if (otype != LAST_NORM || ntype != LAST_NORM) {
		ret = -LINUX_EBUSY;
		goto out;
	}
	if (op.mnt != np.mnt) {
		ret = -LINUX_EXDEV;
		goto out;
	}
	ret = lookup_last(&np, nlast, &nd);
	if (ret < 0 && ret != -LINUX_ENOENT)
		goto out;
	if (ret < 0 && (flags & LINUX_RENAME_EXCHANGE))
		goto out;
	ret = 0;
	if (nd && (flags & LINUX_RENAME_NOREPLACE)) {
		ret = -LINUX_EEXIST;
		goto out;
	}
	struct inode *oi = od->inode;
	bool odir = LINUX_S_ISDIR(oi->mode);
	if (!odir && (otrail || (ntrail && !nd))) {
		ret = -LINUX_ENOTDIR;
		goto out;
	}
	if (nd && !(flags & LINUX_RENAME_EXCHANGE)) {
		bool ndir = LINUX_S_ISDIR(nd->inode->mode);
		if (odir && !ndir) {
			ret = -LINUX_ENOTDIR;
			goto out;
		}
		if (!odir && ndir) {
			ret = -LINUX_EISDIR;
			goto out;
		}
	}
	if (nd && ntrail && !LINUX_S_ISDIR(nd->inode->mode)) {
		ret = -LINUX_ENOTDIR;
		goto out;
	}
	/* Moving a directory under itself. */
	if (odir && is_ancestor(od, np.dentry)) {
		ret = -LINUX_EINVAL;
		goto out;
	}
	if (nd && LINUX_S_ISDIR(nd->inode->mode) &&
	    is_ancestor(nd, op.dentry)) {
		ret = (flags & LINUX_RENAME_EXCHANGE) ? -LINUX_EINVAL
						      : -LINUX_ENOTEMPTY;
		goto out;
	}
	ret = may_delete(oldwc, &op, oi);
	if (ret < 0)
		goto out;
	ret = nd ? may_delete(newwc, &np, nd->inode) : may_create(newwc, &np);
	if (ret < 0)
		goto out;
	if (od->mounted || (nd && nd->mounted)) {
		ret = -LINUX_EBUSY;
		goto out;
	}
	if (nd && nd->inode == oi)
		goto out; /* two links to one inode: nothing to do */
	struct inode *odi = op.dentry->inode, *ndi = np.dentry->inode;
	if (!odi->i_op || !odi->i_op->rename) {
		ret = -LINUX_EPERM;
		goto out;
	}
	ret = odi->i_op->rename(odi, olast, oi, ndi, nlast,
				nd ? nd->inode : NULL, flags);
	if (ret < 0)
		goto out;
	if (nd && (flags & LINUX_RENAME_EXCHANGE)) {
		dcache_move(nd, op.dentry, olast);
	} else if (nd) {
		nd->deleted = true;
		dcache_drop(nd);
	}
	ret = dcache_move(od, np.dentry, nlast);
	if (ret < 0) {
		dcache_drop(od);
		ret = 0;
	}
out:
	if (nd)
		dentry_put(nd);
	path_put(&np);
out_op:
	dentry_put(od);
	path_put(&op);
	return ret;
}

int vfs_readlink(const struct walk_ctx *wc, const char *path, char *buf,
		 size_t size)
{
	struct path p;
	int ret = vfs_walk(wc, path, LOOKUP_EMPTY, &p);
	if (ret < 0)
		return ret;
	struct inode *inode = p.dentry->inode;
	if (!LINUX_S_ISLNK(inode->mode) || !inode->i_op ||
	    !inode->i_op->readlink)
		ret = -LINUX_EINVAL;
	else
		ret = inode->i_op->readlink(inode, wc->task, buf, size);
	path_put(&p);
	return ret;
}

/* cred NULL is the kernel itself: every capability. */
static bool may(const struct cred *cred, int cap)
{
	return !cred || capable(cred, cap);
}

static bool in_group_or_fsetid(const struct cred *cred, uint32_t gid)
{
	return may(cred, CAP_FSETID) || cred_in_group(cred, gid);
}

/* Linux's setattr_prepare: chown needs CAP_CHOWN but for an owner giving
 * the file to one of its groups; chmod and setting times need ownership or
 * CAP_FOWNER; chmod drops setgid unless the file's group is one of the
 * caller's or CAP_FSETID. */
int vfs_setattr(struct path *p, const struct cred *cred, struct iattr *attr)
{
	struct inode *inode = p->dentry->inode;
	bool is_owner = cred && cred->fsuid == inode->uid;
	bool owner = is_owner || may(cred, CAP_FOWNER);
	if (attr->valid & ATTR_SIZE) {
		if (LINUX_S_ISDIR(inode->mode))
			return -LINUX_EISDIR;
		if (!LINUX_S_ISREG(inode->mode))
			return -LINUX_EINVAL;
		int ret = inode_permission(inode, cred, LINUX_W_OK);
		if (ret < 0)
			return ret;
	}
	if ((attr->valid & ATTR_UID) && !may(cred, CAP_CHOWN) &&
	    !(is_owner && attr->uid == inode->uid))
		return -LINUX_EPERM;
	if ((attr->valid & ATTR_GID) && !may(cred, CAP_CHOWN) &&
	    !(is_owner &&
	      (attr->gid == inode->gid || cred_in_group(cred, attr->gid))))
		return -LINUX_EPERM;
	if ((attr->valid & ATTR_MODE) && !owner)
		return -LINUX_EPERM;
	if (attr->valid & (ATTR_ATIME | ATTR_MTIME)) {
		if ((attr->valid & ATTR_TOUCH) && !owner) {
			int ret = inode_permission(inode, cred, LINUX_W_OK);
			if (ret < 0)
				return ret;
		} else if (!owner) {
			return -LINUX_EPERM;
		}
	}
	if (path_rdonly(p))
		return -LINUX_EROFS;
	if ((attr->valid & ATTR_MODE) &&
	    !in_group_or_fsetid(cred, (attr->valid & ATTR_GID) ? attr->gid
							       : inode->gid))
		attr->mode &= ~(uint32_t)LINUX_S_ISGID;
	/* chown clears set-user-id of non-directories, even for root, and
	 * set-group-id when it means group-executable or when the caller
	 * could not have set it (Linux's setattr_should_drop_sgid). */
	if ((attr->valid & (ATTR_UID | ATTR_GID)) &&
	    !LINUX_S_ISDIR(inode->mode) && !(attr->valid & ATTR_MODE) &&
	    (inode->mode & (LINUX_S_ISUID | LINUX_S_ISGID))) {
		attr->valid |= ATTR_MODE;
		attr->mode = inode->mode & 07777 & ~(uint32_t)LINUX_S_ISUID;
		if ((inode->mode & 0010) ||
		    !in_group_or_fsetid(cred, inode->gid))
			attr->mode &= ~(uint32_t)LINUX_S_ISGID;
	}
	if (!(attr->valid & ATTR_CTIME)) {
		attr->valid |= ATTR_CTIME;
		attr->ctime = vfs_now();
	}
	if (!inode->i_op || !inode->i_op->setattr)
		return -LINUX_EPERM;
	return inode->i_op->setattr(inode, attr);
}

/* ------------------------------------------------------------------ */
/* open */

static int create_fn(const struct walk_ctx *wc, struct inode *dir,
		     const char *name, void *arg, struct inode **out)
{
	struct mode_arg *ma = arg;
	if (!dir->i_op || !dir->i_op->create)
		return -LINUX_EPERM;
	struct cred c;
	cred_fill(wc, dir, &c);
	return dir->i_op->create(dir, name, LINUX_S_IFREG | (ma->mode & 07777),
				 &c, out);
}

static int do_openat(const struct walk_ctx *wc, const char *path,
		     uint32_t flags, uint32_t mode, struct file **out,
		     int depth);

/* O_CREAT through a dangling symlink creates its target (Linux does, when
 * neither O_EXCL nor O_NOFOLLOW is given): open the target relative to
 * the link's directory. */
static int open_dangling(const struct walk_ctx *wc, struct path *parent,
			 const char *last, uint32_t flags, uint32_t mode,
			 struct file **out, int depth)
{
	if (depth >= MAX_SYMLINKS)
		return -LINUX_ELOOP;
	struct dentry *d;
	int ret = lookup_last(parent, last, &d);
	if (ret < 0)
		return ret;
	char *target = malloc(VFS_PATH_MAX);
	if (!target) {
		dentry_put(d);
		return -LINUX_ENOMEM;
	}
	ret = read_link(wc, d->inode, target, VFS_PATH_MAX);
	dentry_put(d);
	if (ret == 0)
		ret = -LINUX_ENOENT;
	if (ret > 0) {
		struct walk_ctx sub = *wc;
		sub.start = *parent;
		ret = do_openat(&sub, target, flags, mode, out, depth + 1);
	}
	free(target);
	return ret;
}

int vfs_openat_ctx(const struct walk_ctx *wc, const char *path, uint32_t flags,
		   uint32_t mode, struct file **out)
{
	return do_openat(wc, path, flags, mode, out, 0);
}

static int do_openat(const struct walk_ctx *wc, const char *path,
		     uint32_t flags, uint32_t mode, struct file **out,
		     int depth)
{
	struct path p;
	int ret, races = 0;
	if ((flags & LINUX_O_TMPFILE) == LINUX_O_TMPFILE)
		return -LINUX_EOPNOTSUPP;
	/* Linux 6.4+: the combination is refused rather than ambiguous. */
	if ((flags & LINUX_O_CREAT) && (flags & LINUX_O_DIRECTORY))
		return -LINUX_EINVAL;
	if (flags & LINUX_O_CREAT && !(flags & LINUX_O_PATH)) {
	again:;
		struct path parent;
		char last[VFS_NAME_MAX + 1];
		int type;
		bool trailing;
		ret =
		    vfs_walk_parent(wc, path, &parent, last, &type, &trailing);
		if (ret < 0)
			return ret;
		if (type != LAST_NORM || trailing) {
			path_put(&parent);
			return -LINUX_EISDIR;
		}
		struct dentry *d;
		ret = lookup_last(&parent, last, &d);
		if (ret == 0) {
			bool link = LINUX_S_ISLNK(d->inode->mode);
			dentry_put(d);
			if (flags & LINUX_O_EXCL) {
				path_put(&parent);
				return -LINUX_EEXIST;
			}
			if (link && (flags & LINUX_O_NOFOLLOW)) {
				path_put(&parent);
				return -LINUX_ELOOP;
			}
			/* Existing: open it like without O_CREAT. */
			ret = vfs_walk(wc, path, LOOKUP_FOLLOW, &p);
			if (ret == -LINUX_ENOENT && link)
				ret = open_dangling(wc, &parent, last, flags,
						    mode, out, depth);
			else if (ret == 0)
				ret = 1;
			path_put(&parent);
			if (ret <= 0)
				return ret;
			if (LINUX_S_ISDIR(p.dentry->inode->mode)) {
				path_put(&p);
				return -LINUX_EISDIR;
			}
			goto open;
		}
		if (ret != -LINUX_ENOENT) {
			path_put(&parent);
			return ret;
		}
		ret = may_create(wc, &parent);
		path_put(&parent);
		if (ret < 0)
			return ret;
		struct mode_arg ma = {.mode = mode};
		ret = do_create(wc, path, false, create_fn, &ma, &p);
		/* The name appeared between the lookup and the creation
		 * (a gofer tree changed on the host: its creation is
		 * exclusive): without O_EXCL, open what is there, as
		 * Linux's atomic open does. Bounded: a name that keeps
		 * coming and going gets EEXIST. */
		if (ret == -LINUX_EEXIST && !(flags & LINUX_O_EXCL) &&
		    ++races < 4)
			goto again;
		if (ret < 0)
			return ret;
		/* A new file may be opened in any mode, whatever its
		 * permission bits say. */
		ret = vfs_open_path(&p, flags & ~LINUX_O_TRUNC, NULL, wc->task,
				    out);
		path_put(&p);
		return ret;
	}
	unsigned lf = (flags & LINUX_O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & LINUX_O_DIRECTORY)
		lf |= LOOKUP_DIRECTORY;
	ret = vfs_walk(wc, path, lf, &p);
	if (ret < 0)
		return ret;
open:
	if (LINUX_S_ISLNK(p.dentry->inode->mode) && !(flags & LINUX_O_PATH)) {
		path_put(&p);
		return -LINUX_ELOOP;
	}
	ret = vfs_open_path(&p, flags, wc->cred, wc->task, out);
	path_put(&p);
	return ret;
}

int vfs_open_exec(struct task *t, const char *path, struct file **out)
{
	struct path p;
	int ret = vfs_walk_task(t, LINUX_AT_FDCWD, path, LOOKUP_FOLLOW, &p);
	if (ret < 0)
		return ret;
	struct inode *inode = p.dentry->inode;
	if (!LINUX_S_ISREG(inode->mode) || (p.mnt->flags & MNT_NOEXEC))
		ret = -LINUX_EACCES;
	else
		ret = inode_permission(inode, &t->cred, LINUX_X_OK);
	if (ret == 0)
		ret = vfs_open_path(&p, LINUX_O_RDONLY, NULL, t, out);
	path_put(&p);
	return ret;
}
