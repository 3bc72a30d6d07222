/* overlay: read-only lower + tmpfs upper (see overlay.h). */
#include <stdlib.h>
#include <string.h>

#include "sentry/fs/overlay/overlay.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/kernel/task.h"

/* Upper-only inodes get numbers above any lower one we expect. */
#define OVL_UPPER_INO_BASE (1ULL << 32)

struct ovl_child {
	char *name;
	struct inode *inode; /* not referenced: removed when it is evicted */
	struct ovl_child *next;
};

struct ovl_inode {
	struct inode *lower;  /* referenced, may be NULL */
	struct inode *upper;  /* referenced, NULL until copied up */
	struct inode *parent; /* overlay dir, referenced; NULL for the root */
	char *name;	      /* name in parent */
	/* Live overlay inodes of this dir's children, so that every lookup
	 * of a name yields the same overlay inode (copy-up state lives here).
	 */
	struct ovl_child *children;
};

static const struct inode_ops ovl_iops;
static const struct file_ops ovl_fops;

static struct ovl_inode *OI(const struct inode *inode)
{
	return inode->priv;
}

static struct inode *real(const struct inode *inode)
{
	return OI(inode)->upper ? OI(inode)->upper : OI(inode)->lower;
}

static bool is_whiteout(const struct inode *inode)
{
	return LINUX_S_ISCHR(inode->mode) && inode->rdev == 0;
}

static void child_remove(struct inode *dir, struct inode *child)
{
	struct ovl_child **pp = &OI(dir)->children;
	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->inode == child) {
			struct ovl_child *c = *pp;
			*pp = c->next;
			free(c->name);
			free(c);
			return;
		}
	}
}

static struct inode *child_find(struct inode *dir, const char *name)
{
	for (struct ovl_child *c = OI(dir)->children; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c->inode;
	return NULL;
}

static void ovl_evict(struct inode *inode)
{
	struct ovl_inode *oi = OI(inode);
	if (!oi)
		return;
	if (oi->parent) {
		child_remove(oi->parent, inode);
		inode_put(oi->parent);
	}
	struct ovl_child *c = oi->children;
	while (c) {
		struct ovl_child *n = c->next;
		/* Children hold their parent: none can be live here. */
		free(c->name);
		free(c);
		c = n;
	}
	inode_put(oi->lower);
	inode_put(oi->upper);
	free(oi->name);
	free(oi);
}

static int ovl_statfs(struct super *sb, struct linux_statfs *st)
{
	st->f_blocks = 1 << 20;
	st->f_bfree = st->f_bavail = 1 << 19;
	st->f_files = 1 << 20;
	st->f_ffree = 1 << 19;
	return 0;
}

static const struct super_ops ovl_sops = {
    .evict_inode = ovl_evict,
    .statfs = ovl_statfs,
};

/* Copy the attributes of the layer that is authoritative. */
static void ovl_sync(struct inode *inode)
{
	struct inode *r = real(inode);
	vfs_getattr(r);
	inode->mode = r->mode;
	inode->uid = r->uid;
	inode->gid = r->gid;
	inode->nlink = r->nlink;
	inode->size = r->size;
	inode->rdev = r->rdev;
	inode->atime = r->atime;
	inode->mtime = r->mtime;
	inode->ctime = r->ctime;
	inode->btime = r->btime;
	inode->blksize = r->blksize;
	inode->blocks = r->blocks;
	inode->generation = r->generation;
	/* A merged directory counts its lower subdirectories, as the upper
	 * copy (made empty) does not know them. */
	struct inode *low = OI(inode)->lower;
	if (OI(inode)->upper && low && LINUX_S_ISDIR(r->mode) &&
	    LINUX_S_ISDIR(low->mode) && !tmpfs_dir_opaque(r) &&
	    low->nlink > inode->nlink)
		inode->nlink = low->nlink;
}

/* A new overlay inode for name in parent (NULL: the root); takes over the
 * references on lower and upper. */
static struct inode *ovl_inode_new(struct super *sb, struct inode *parent,
				   const char *name, struct inode *lower,
				   struct inode *upper)
{
	struct inode *inode = inode_new(sb, (upper ? upper : lower)->mode);
	struct ovl_inode *oi = calloc(1, sizeof(*oi));
	char *n = strdup(name);
	struct ovl_child *c = parent ? calloc(1, sizeof(*c)) : NULL;
	char *cn = parent ? strdup(name) : NULL;
	if (!inode || !oi || !n || (parent && (!c || !cn))) {
		if (inode)
			inode_put(inode);
		free(oi);
		free(n);
		free(c);
		free(cn);
		inode_put(lower);
		inode_put(upper);
		return NULL;
	}
	sb->next_ino--; /* we choose the number below */
	oi->lower = lower;
	oi->upper = upper;
	oi->name = n;
	oi->parent = inode_get(parent);
	inode->priv = oi;
	inode->i_op = &ovl_iops;
	/* Device nodes and FIFOs are opened by their layers (vfs.h hooks). */
	uint32_t type = inode->mode & LINUX_S_IFMT;
	if (type == LINUX_S_IFREG || type == LINUX_S_IFDIR ||
	    type == LINUX_S_IFLNK || type == LINUX_S_IFSOCK)
		inode->f_op = &ovl_fops;
	inode->ino = lower ? lower->ino : OVL_UPPER_INO_BASE + upper->ino;
	if (parent) {
		c->name = cn;
		c->inode = inode;
		c->next = OI(parent)->children;
		OI(parent)->children = c;
	}
	ovl_sync(inode);
	return inode;
}

struct super *overlay_new(struct inode *lower_root)
{
	struct super *sb =
	    super_new("overlay", &ovl_sops, LINUX_OVERLAYFS_SUPER_MAGIC);
	if (!sb)
		return NULL;
	struct super *up = tmpfs_new(lower_root->mode & 07777);
	if (!up)
		return NULL;
	sb->priv = up;
	struct inode *uroot = inode_get(up->root->inode);
	/* The upper root is a copy-up of the lower root: owner, mode and
	 * times. */
	vfs_getattr(lower_root);
	uroot->uid = lower_root->uid;
	uroot->gid = lower_root->gid;
	uroot->atime = lower_root->atime;
	uroot->mtime = lower_root->mtime;
	uroot->ctime = lower_root->ctime;
	struct inode *root =
	    ovl_inode_new(sb, NULL, "/", inode_get(lower_root), uroot);
	if (!root)
		return NULL;
	/* The root's number is the lower's, like every merged dir. */
	if (super_set_root(sb, root) < 0) {
		inode_put(root);
		return NULL;
	}
	return sb;
}

/* ------------------------------------------------------------------ */
/* Copy-up */

static int lookup_in(struct inode *dir, const char *name, struct inode **out)
{
	*out = NULL;
	if (!dir || !LINUX_S_ISDIR(dir->mode) || !dir->i_op ||
	    !dir->i_op->lookup)
		return -LINUX_ENOENT;
	return dir->i_op->lookup(dir, name, out);
}

static int copy_attrs(struct inode *to, struct inode *from)
{
	struct iattr ia = {.valid = ATTR_MODE | ATTR_UID | ATTR_GID |
				    ATTR_ATIME | ATTR_MTIME,
			   .mode = from->mode & 07777,
			   .uid = from->uid,
			   .gid = from->gid,
			   .atime = from->atime,
			   .mtime = from->mtime};
	if (!to->i_op || !to->i_op->setattr)
		return 0;
	return to->i_op->setattr(to, &ia);
}

static int copy_content(struct inode *up, struct inode *low)
{
	struct file *f;
	int ret = vfs_open_inode(low, LINUX_O_RDONLY, NULL, &f);
	if (ret < 0)
		return ret;
	size_t size = low->size;
	char *buf = malloc(size ? size : 1);
	if (!buf) {
		file_put(f);
		return -LINUX_ENOMEM;
	}
	long n = file_pread(f, buf, size, 0);
	file_put(f);
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	ret = tmpfs_set_content(up, buf, (size_t)n);
	free(buf);
	return ret;
}

static int copy_up(struct inode *inode)
{
	struct ovl_inode *oi = OI(inode);
	if (oi->upper)
		return 0;
	int ret = copy_up(oi->parent);
	if (ret < 0)
		return ret;
	struct inode *udir = OI(oi->parent)->upper;
	struct inode *low = oi->lower;
	vfs_getattr(low);
	/* Copy-up is not a change the application made to the directory:
	 * keep its times, as Linux's overlayfs does. */
	struct timespec dir_mtime = udir->mtime, dir_ctime = udir->ctime;
	struct cred c = {.fsuid = low->uid, .fsgid = low->gid};
	struct inode *up = NULL;
	/* A stale whiteout cannot be here: the lower was visible. */
	switch (low->mode & LINUX_S_IFMT) {
	case LINUX_S_IFDIR:
		ret = udir->i_op->mkdir(udir, oi->name, low->mode, &c, &up);
		break;
	case LINUX_S_IFREG:
		ret = udir->i_op->create(udir, oi->name, low->mode, &c, &up);
		if (ret == 0) {
			ret = copy_content(up, low);
			if (ret < 0) {
				udir->i_op->unlink(udir, oi->name, up);
				inode_put(up);
			}
		}
		break;
	case LINUX_S_IFLNK: {
		char target[VFS_PATH_MAX];
		ret =
		    low->i_op->readlink(low, NULL, target, sizeof(target) - 1);
		if (ret < 0)
			break;
		target[ret] = '\0';
		ret = udir->i_op->symlink(udir, oi->name, target, &c, &up);
		break;
	}
	default:
		ret = udir->i_op->mknod(udir, oi->name, low->mode, low->rdev,
					&c, &up);
		break;
	}
	udir->mtime = dir_mtime;
	udir->ctime = dir_ctime;
	if (ret < 0)
		return ret;
	copy_attrs(up, low);
	oi->upper = up;
	ovl_sync(inode);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Merged directory listing */

struct ovl_entry {
	char *name;
	uint64_t ino;
	unsigned dtype;
};

struct ovl_list {
	struct ovl_entry *e;
	size_t n, cap;
	/* upper names, whiteouts included, to filter the lower */
	char **seen;
	size_t nseen, capseen;
};

static int list_push(struct ovl_list *l, const char *name, size_t len,
		     uint64_t ino, unsigned dtype)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		struct ovl_entry *e = realloc(l->e, cap * sizeof(*e));
		if (!e)
			return -LINUX_ENOMEM;
		l->e = e;
		l->cap = cap;
	}
	char *n = strndup(name, len);
	if (!n)
		return -LINUX_ENOMEM;
	l->e[l->n++] = (struct ovl_entry){n, ino, dtype};
	return 0;
}

static int seen_push(struct ovl_list *l, const char *name)
{
	if (l->nseen == l->capseen) {
		size_t cap = l->capseen ? 2 * l->capseen : 32;
		char **s = realloc(l->seen, cap * sizeof(*s));
		if (!s)
			return -LINUX_ENOMEM;
		l->seen = s;
		l->capseen = cap;
	}
	char *n = strdup(name);
	if (!n)
		return -LINUX_ENOMEM;
	l->seen[l->nseen++] = n;
	return 0;
}

static bool seen(const struct ovl_list *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->nseen; i++)
		if (strlen(l->seen[i]) == len &&
		    memcmp(l->seen[i], name, len) == 0)
			return true;
	return false;
}

static void list_free(struct ovl_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->e[i].name);
	for (size_t i = 0; i < l->nseen; i++)
		free(l->seen[i]);
	free(l->e);
	free(l->seen);
	memset(l, 0, sizeof(*l));
}

struct upper_walk {
	struct ovl_list *l;
	struct inode *lower_dir;
	int err;
};

static bool upper_cb(void *arg, const char *name, struct inode *child)
{
	struct upper_walk *uw = arg;
	uw->err = seen_push(uw->l, name);
	if (uw->err < 0)
		return false;
	if (is_whiteout(child))
		return true;
	uint64_t ino = OVL_UPPER_INO_BASE + child->ino;
	struct inode *low = NULL;
	if (uw->lower_dir && lookup_in(uw->lower_dir, name, &low) == 0) {
		if (!LINUX_S_ISDIR(child->mode) || LINUX_S_ISDIR(low->mode))
			ino = low->ino;
		inode_put(low);
	}
	uw->err =
	    list_push(uw->l, name, strlen(name), ino, vfs_dtype(child->mode));
	return uw->err == 0;
}

struct lower_walk {
	struct ovl_list *l;
	int err;
};

static bool lower_actor(struct dir_context *ctx, const char *name, size_t len,
			uint64_t ino, unsigned dtype)
{
	struct lower_walk *lw = ctx->priv;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	if (seen(lw->l, name, len))
		return true;
	lw->err = list_push(lw->l, name, len, ino, dtype);
	return lw->err == 0;
}

static int merged_list(struct inode *dir, struct ovl_list *l)
{
	struct ovl_inode *oi = OI(dir);
	memset(l, 0, sizeof(*l));
	bool use_lower = oi->lower && LINUX_S_ISDIR(oi->lower->mode) &&
			 !(oi->upper && tmpfs_dir_opaque(oi->upper));
	if (oi->upper) {
		struct upper_walk uw = {l, use_lower ? oi->lower : NULL, 0};
		tmpfs_dir_list(oi->upper, upper_cb, &uw);
		if (uw.err < 0) {
			list_free(l);
			return uw.err;
		}
	}
	if (use_lower) {
		struct file *f;
		int ret = vfs_open_inode(
		    oi->lower, LINUX_O_RDONLY | LINUX_O_DIRECTORY, NULL, &f);
		if (ret < 0) {
			list_free(l);
			return ret;
		}
		struct lower_walk lw = {l, 0};
		struct dir_context ctx = {
		    .pos = 0, .actor = lower_actor, .priv = &lw};
		/* Loop: an iterate may stop early on its own buffer. */
		for (;;) {
			loff_t before = ctx.pos;
			ret = f->ops && f->ops->iterate
				  ? f->ops->iterate(f, &ctx)
				  : -LINUX_ENOTDIR;
			if (ret < 0 || lw.err < 0 || ctx.pos == before)
				break;
		}
		file_put(f);
		if (ret < 0 || lw.err < 0) {
			list_free(l);
			return ret < 0 ? ret : lw.err;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Inode operations */

static int ovl_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct inode *known = child_find(dir, name);
	if (known) {
		*out = inode_get(known);
		return 0;
	}
	struct ovl_inode *od = OI(dir);
	struct inode *up = NULL, *low = NULL;
	int ret = lookup_in(od->upper, name, &up);
	if (ret < 0 && ret != -LINUX_ENOENT)
		return ret;
	if (up && is_whiteout(up)) {
		inode_put(up);
		return -LINUX_ENOENT;
	}
	bool opaque = od->upper && tmpfs_dir_opaque(od->upper);
	if (!opaque && od->lower) {
		ret = lookup_in(od->lower, name, &low);
		if (ret < 0 && ret != -LINUX_ENOENT) {
			inode_put(up);
			return ret;
		}
	}
	if (up && low) {
		/* Keep the lower only where it is the same object copied up
		 * (for its inode number) or a dir to merge. */
		bool updir = LINUX_S_ISDIR(up->mode);
		bool lowdir = LINUX_S_ISDIR(low->mode);
		if (updir != lowdir || (updir && tmpfs_dir_opaque(up))) {
			inode_put(low);
			low = NULL;
		}
	}
	if (!up && !low)
		return -LINUX_ENOENT;
	struct inode *inode = ovl_inode_new(dir->sb, dir, name, low, up);
	if (!inode)
		return -LINUX_ENOMEM;
	*out = inode;
	return 0;
}

/* Prepare dir's upper for a new entry name: copy dir up and remove a
 * whiteout there. *was_whiteout tells the caller the lower had the name. */
static int prepare_create(struct inode *dir, const char *name,
			  bool *was_whiteout)
{
	*was_whiteout = false;
	int ret = copy_up(dir);
	if (ret < 0)
		return ret;
	struct inode *udir = OI(dir)->upper;
	struct inode *up = NULL;
	if (lookup_in(udir, name, &up) == 0) {
		if (!is_whiteout(up)) {
			inode_put(up);
			return -LINUX_EEXIST;
		}
		ret = udir->i_op->unlink(udir, name, up);
		inode_put(up);
		if (ret < 0)
			return ret;
		*was_whiteout = true;
	}
	return 0;
}

static int finish_create(struct inode *dir, const char *name, int ret,
			 struct inode *up, struct inode **out)
{
	if (ret < 0)
		return ret;
	struct inode *inode = ovl_inode_new(dir->sb, dir, name, NULL, up);
	if (!inode)
		return -LINUX_ENOMEM;
	ovl_sync(dir);
	*out = inode;
	return 0;
}

static int ovl_create(struct inode *dir, const char *name, uint32_t mode,
		      const struct cred *cred, struct inode **out)
{
	bool wo;
	int ret = prepare_create(dir, name, &wo);
	if (ret < 0)
		return ret;
	struct inode *udir = OI(dir)->upper, *up = NULL;
	ret = udir->i_op->create(udir, name, mode, cred, &up);
	return finish_create(dir, name, ret, up, out);
}

static int ovl_mkdir(struct inode *dir, const char *name, uint32_t mode,
		     const struct cred *cred, struct inode **out)
{
	bool wo;
	int ret = prepare_create(dir, name, &wo);
	if (ret < 0)
		return ret;
	struct inode *udir = OI(dir)->upper, *up = NULL;
	ret = udir->i_op->mkdir(udir, name, mode, cred, &up);
	if (ret == 0 && wo)
		tmpfs_dir_set_opaque(up, true);
	return finish_create(dir, name, ret, up, out);
}

static int ovl_mknod(struct inode *dir, const char *name, uint32_t mode,
		     uint64_t rdev, const struct cred *cred, struct inode **out)
{
	bool wo;
	/* A 0/0 char device would read as a whiteout. */
	if (LINUX_S_ISCHR(mode) && rdev == 0)
		return -LINUX_EPERM;
	int ret = prepare_create(dir, name, &wo);
	if (ret < 0)
		return ret;
	struct inode *udir = OI(dir)->upper, *up = NULL;
	ret = udir->i_op->mknod(udir, name, mode, rdev, cred, &up);
	return finish_create(dir, name, ret, up, out);
}

static int ovl_symlink(struct inode *dir, const char *name, const char *target,
		       const struct cred *cred, struct inode **out)
{
	bool wo;
	int ret = prepare_create(dir, name, &wo);
	if (ret < 0)
		return ret;
	struct inode *udir = OI(dir)->upper, *up = NULL;
	ret = udir->i_op->symlink(udir, name, target, cred, &up);
	return finish_create(dir, name, ret, up, out);
}

static int ovl_link(struct inode *old, struct inode *dir, const char *name)
{
	int ret = copy_up(old);
	if (ret < 0)
		return ret;
	bool wo;
	ret = prepare_create(dir, name, &wo);
	if (ret < 0)
		return ret;
	struct inode *udir = OI(dir)->upper;
	ret = udir->i_op->link(OI(old)->upper, udir, name);
	if (ret < 0)
		return ret;
	/* The new name resolves to the same overlay inode. */
	struct ovl_child *c = calloc(1, sizeof(*c));
	if (c) {
		c->name = strdup(name);
		if (!c->name) {
			free(c);
		} else {
			c->inode = old;
			c->next = OI(dir)->children;
			OI(dir)->children = c;
		}
	}
	ovl_sync(old);
	ovl_sync(dir);
	return 0;
}

static int make_whiteout(struct inode *udir, const char *name)
{
	struct cred c = {0};
	struct inode *wo = NULL;
	int ret = udir->i_op->mknod(udir, name, LINUX_S_IFCHR | 0, 0, &c, &wo);
	inode_put(wo);
	return ret;
}

/* Forget the child entry name of dir (the name no longer resolves to it). */
static void child_forget(struct inode *dir, const char *name)
{
	struct ovl_child **pp = &OI(dir)->children;
	for (; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->name, name) == 0) {
			struct ovl_child *c = *pp;
			*pp = c->next;
			free(c->name);
			free(c);
			return;
		}
	}
}

/* Remove name (victim) from dir: drop the upper entry, whiteout a lower
 * one. */
static int remove_entry(struct inode *dir, const char *name,
			struct inode *victim, bool isdir)
{
	int ret = copy_up(dir);
	if (ret < 0)
		return ret;
	struct inode *udir = OI(dir)->upper;
	struct ovl_inode *ov = OI(victim);
	if (ov->upper) {
		ret = isdir ? udir->i_op->rmdir(udir, name, ov->upper)
			    : udir->i_op->unlink(udir, name, ov->upper);
		if (ret < 0)
			return ret;
	}
	struct inode *low = NULL;
	bool opaque = tmpfs_dir_opaque(udir);
	if (!opaque && OI(dir)->lower &&
	    lookup_in(OI(dir)->lower, name, &low) == 0) {
		inode_put(low);
		ret = make_whiteout(udir, name);
		if (ret < 0)
			return ret;
	}
	child_forget(dir, name);
	ovl_sync(victim);
	if (!ov->upper && !isdir)
		victim->nlink = victim->nlink ? victim->nlink - 1 : 0;
	if (isdir)
		victim->nlink = 0;
	ovl_sync(dir);
	return 0;
}

static int ovl_unlink(struct inode *dir, const char *name, struct inode *victim)
{
	return remove_entry(dir, name, victim, false);
}

/* Remove the whiteouts left in an upper dir so tmpfs can rmdir it. */
static bool collect_wo(void *arg, const char *name, struct inode *child)
{
	struct ovl_list *l = arg;
	if (is_whiteout(child))
		seen_push(l, name);
	return true;
}

static int clear_whiteouts(struct inode *udir)
{
	struct ovl_list l = {0};
	tmpfs_dir_list(udir, collect_wo, &l);
	for (size_t i = 0; i < l.nseen; i++) {
		struct inode *w = NULL;
		if (lookup_in(udir, l.seen[i], &w) == 0) {
			udir->i_op->unlink(udir, l.seen[i], w);
			inode_put(w);
		}
	}
	list_free(&l);
	return 0;
}

static int check_empty(struct inode *dir)
{
	struct ovl_list l;
	int ret = merged_list(dir, &l);
	if (ret < 0)
		return ret;
	ret = l.n ? -LINUX_ENOTEMPTY : 0;
	list_free(&l);
	return ret;
}

static int ovl_rmdir(struct inode *dir, const char *name, struct inode *victim)
{
	int ret = check_empty(victim);
	if (ret < 0)
		return ret;
	if (OI(victim)->upper)
		clear_whiteouts(OI(victim)->upper);
	return remove_entry(dir, name, victim, true);
}

static int ovl_rename(struct inode *olddir, const char *oldname,
		      struct inode *moved, struct inode *newdir,
		      const char *newname, struct inode *victim, unsigned flags)
{
	/* Looked up again below, as the merged view's children. */
	(void)moved;
	(void)victim;
	struct inode *src, *dst = NULL;
	int ret = ovl_lookup(olddir, oldname, &src);
	if (ret < 0)
		return ret;
	ret = ovl_lookup(newdir, newname, &dst);
	if (ret < 0 && ret != -LINUX_ENOENT)
		goto out;
	ret = 0;
	bool sdir = LINUX_S_ISDIR(src->mode);
	if ((sdir && OI(src)->lower) ||
	    ((flags & LINUX_RENAME_EXCHANGE) &&
	     (OI(src)->lower || (dst && OI(dst)->lower)))) {
		ret = -LINUX_EXDEV;
		goto out;
	}
	if (dst && LINUX_S_ISDIR(dst->mode) &&
	    !(flags & LINUX_RENAME_EXCHANGE)) {
		ret = check_empty(dst);
		if (ret < 0)
			goto out;
	}
	if ((ret = copy_up(src)) < 0 || (ret = copy_up(newdir)) < 0 ||
	    (ret = copy_up(olddir)) < 0)
		goto out;
	if (dst && !(flags & LINUX_RENAME_EXCHANGE) && OI(dst)->upper &&
	    LINUX_S_ISDIR(dst->mode))
		clear_whiteouts(OI(dst)->upper);
	struct inode *uold = OI(olddir)->upper, *unew = OI(newdir)->upper;
	/* A lower-only target has no upper entry; a whiteout there is
	 * simply replaced by the rename. */
	ret = uold->i_op->rename(uold, oldname, NULL, unew, newname, NULL,
				 flags & LINUX_RENAME_EXCHANGE);
	if (ret < 0)
		goto out;
	bool low_had_new = false;
	struct inode *tmp = NULL;
	if (OI(newdir)->lower && !tmpfs_dir_opaque(unew) &&
	    lookup_in(OI(newdir)->lower, newname, &tmp) == 0) {
		low_had_new = true;
		inode_put(tmp);
	}
	if (sdir && low_had_new)
		tmpfs_dir_set_opaque(OI(src)->upper, true);
	if (OI(src)->lower && !(flags & LINUX_RENAME_EXCHANGE))
		make_whiteout(uold, oldname);
	/* Update the name maps and the moved inodes' parent links. */
	child_forget(olddir, oldname);
	child_forget(newdir, newname);
	if (dst) {
		if (flags & LINUX_RENAME_EXCHANGE) {
			/* dst now lives at olddir/oldname. */
			struct ovl_inode *od = OI(dst);
			char *n = strdup(oldname);
			if (n) {
				free(od->name);
				od->name = n;
			}
			inode_put(od->parent);
			od->parent = inode_get(olddir);
		} else {
			ovl_sync(dst);
		}
	}
	struct ovl_inode *os = OI(src);
	char *n = strdup(newname);
	if (n) {
		free(os->name);
		os->name = n;
	}
	inode_put(os->parent);
	os->parent = inode_get(newdir);
	/* The moved object is now upper-only at its new place. */
	if (!sdir) {
		inode_put(os->lower);
		os->lower = NULL;
	}
	struct ovl_child *c = calloc(1, sizeof(*c));
	if (c && (c->name = strdup(newname))) {
		c->inode = src;
		c->next = OI(newdir)->children;
		OI(newdir)->children = c;
	} else {
		free(c);
	}
	if (dst && (flags & LINUX_RENAME_EXCHANGE)) {
		c = calloc(1, sizeof(*c));
		if (c && (c->name = strdup(oldname))) {
			c->inode = dst;
			c->next = OI(olddir)->children;
			OI(olddir)->children = c;
		} else {
			free(c);
		}
	}
	ovl_sync(src);
	ovl_sync(olddir);
	ovl_sync(newdir);
out:
	inode_put(src);
	inode_put(dst);
	return ret;
}

static int ovl_readlink(struct inode *inode, struct task *t, char *buf,
			size_t size)
{
	struct inode *r = real(inode);
	if (!r->i_op || !r->i_op->readlink)
		return -LINUX_EINVAL;
	return r->i_op->readlink(r, t, buf, size);
}

static int ovl_setattr(struct inode *inode, const struct iattr *attr)
{
	int ret = copy_up(inode);
	if (ret < 0)
		return ret;
	struct inode *up = OI(inode)->upper;
	if (!up->i_op || !up->i_op->setattr)
		return -LINUX_EPERM;
	ret = up->i_op->setattr(up, attr);
	ovl_sync(inode);
	return ret;
}

static int ovl_getattr(struct inode *inode)
{
	ovl_sync(inode);
	return 0;
}

/* Open files hold an open file of the real layer in f->priv. */
static int ovl_open(struct inode *inode, struct file *f, struct task *t)
{
	bool wr = file_writable(f);
	if (wr && LINUX_S_ISREG(inode->mode)) {
		int ret = copy_up(inode);
		if (ret < 0)
			return ret;
	}
	if (LINUX_S_ISDIR(inode->mode)) {
		f->priv = NULL; /* listing built at the first getdents */
		return 0;
	}
	struct file *inner;
	int ret =
	    vfs_open_inode(real(inode), f->flags & ~LINUX_O_APPEND, t, &inner);
	if (ret < 0)
		return ret;
	f->priv = inner;
	return 0;
}

static const struct inode_ops ovl_iops = {
    .lookup = ovl_lookup,
    .create = ovl_create,
    .mkdir = ovl_mkdir,
    .mknod = ovl_mknod,
    .symlink = ovl_symlink,
    .link = ovl_link,
    .unlink = ovl_unlink,
    .rmdir = ovl_rmdir,
    .rename = ovl_rename,
    .readlink = ovl_readlink,
    .setattr = ovl_setattr,
    .getattr = ovl_getattr,
    .open = ovl_open,
};

/* ------------------------------------------------------------------ */
/* File operations: delegate to the real layer's open file. */

static struct file *inner(struct file *f)
{
	return f->priv;
}

static long ovl_read(struct file *f, struct task *t, void *buf, size_t n,
		     loff_t *pos)
{
	struct file *in = inner(f);
	if (!in || !in->ops || !in->ops->read)
		return -LINUX_EINVAL;
	return in->ops->read(in, t, buf, n, pos);
}

static long ovl_write(struct file *f, struct task *t, const void *buf, size_t n,
		      loff_t *pos)
{
	struct file *in = inner(f);
	if (!in || !in->ops || !in->ops->write)
		return -LINUX_EINVAL;
	long ret = in->ops->write(in, t, buf, n, pos);
	ovl_sync(f->inode);
	return ret;
}

static int ovl_iterate(struct file *f, struct dir_context *ctx)
{
	struct ovl_list *l = f->dir_priv;
	if (!l || ctx->pos == 0) {
		/* (Re)build the merged listing at the start, so a rewound
		 * directory sees changes. */
		if (l) {
			list_free(l);
			free(l);
			f->dir_priv = NULL;
		}
		l = calloc(1, sizeof(*l));
		if (!l)
			return -LINUX_ENOMEM;
		int ret = merged_list(f->inode, l);
		if (ret < 0) {
			free(l);
			return ret;
		}
		f->dir_priv = l;
	}
	if (!dir_emit_dots(f, ctx))
		return 0;
	for (size_t i = (size_t)ctx->pos - 2; i < l->n; i++) {
		struct ovl_entry *e = &l->e[i];
		if (!dir_emit(ctx, e->name, strlen(e->name), e->ino, e->dtype))
			return 0;
		ctx->pos = (loff_t)i + 3;
	}
	return 0;
}

static long ovl_ioctl(struct file *f, struct task *t, unsigned cmd,
		      uint64_t arg)
{
	struct file *in = inner(f);
	if (!in || !in->ops || !in->ops->ioctl)
		return -LINUX_ENOTTY;
	return in->ops->ioctl(in, t, cmd, arg);
}

static unsigned ovl_poll(struct file *f, struct waitq **wq)
{
	struct file *in = inner(f);
	if (!in)
		return LINUX_POLLIN | LINUX_POLLOUT | LINUX_POLLRDNORM |
		       LINUX_POLLWRNORM;
	return vfs_poll(in, wq);
}

/* A lower file's own descriptor, until it is copied up (a mapping made
 * before the copy-up keeps the lower content, as Linux's overlayfs). */
static int ovl_mmap_fd(struct file *f)
{
	struct file *in = inner(f);
	if (!in || !in->ops || !in->ops->mmap_fd || OI(f->inode)->upper)
		return -1;
	return in->ops->mmap_fd(in);
}

static int ovl_fsync(struct file *f, int datasync)
{
	struct file *in = inner(f);
	if (in && in->ops && in->ops->fsync)
		return in->ops->fsync(in, datasync);
	return 0;
}

static void ovl_release(struct file *f)
{
	if (f->priv)
		file_put(f->priv);
	struct ovl_list *l = f->dir_priv;
	if (l) {
		list_free(l);
		free(l);
	}
}

static const struct file_ops ovl_fops = {
    .read = ovl_read,
    .write = ovl_write,
    .iterate = ovl_iterate,
    .ioctl = ovl_ioctl,
    .poll = ovl_poll,
    .mmap_fd = ovl_mmap_fd,
    .fsync = ovl_fsync,
    .release = ovl_release,
};
