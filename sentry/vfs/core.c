/* VFS objects: inodes, supers, dentries and their cache, mounts, paths. */
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/task.h"
#include "sentry/vfs/dcache.h"
#include "sentry/vfs/vfs.h"

/* The memory manager may not be linked (unit tests): call it only when it
 * exists. */
#pragma weak mm_inode_release

struct timespec vfs_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

/* ------------------------------------------------------------------ */
/* Inodes */

struct inode *inode_new(struct super *sb, uint32_t mode)
{
	struct inode *inode = calloc(1, sizeof(*inode));
	if (!inode)
		return NULL;
	inode->refs = 1;
	inode->sb = sb;
	if (sb) {
		inode->ino = ++sb->next_ino;
		inode->dev = sb->dev;
		sb->refs++;
	}
	inode->mode = mode;
	inode->nlink = LINUX_S_ISDIR(mode) ? 2 : 1;
	inode->blksize = 4096;
	inode->atime = inode->mtime = inode->ctime = inode->btime = vfs_now();
	return inode;
}

struct inode *inode_get(struct inode *inode)
{
	if (inode)
		inode->refs++;
	return inode;
}

static void super_put(struct super *sb)
{
	/* Supers live as long as the sandbox (they are mounted once and
	 * never unmounted yet); the count only documents ownership. */
	if (sb)
		sb->refs--;
}

int (*vfs_fifo_open_hook)(struct inode *inode, struct file *f, struct task *t);
void (*vfs_fifo_release_hook)(struct inode *inode);
int (*vfs_chrdev_open_hook)(struct inode *inode, struct file *f,
			    struct task *t);

void inode_put(struct inode *inode)
{
	if (!inode || --inode->refs > 0)
		return;
	if (inode->fifo_private && vfs_fifo_release_hook)
		vfs_fifo_release_hook(inode);
	if (inode->mm_private && mm_inode_release)
		mm_inode_release(inode);
	if (inode->sb && inode->sb->ops && inode->sb->ops->evict_inode)
		inode->sb->ops->evict_inode(inode);
	super_put(inode->sb);
	free(inode);
}

void inode_touch_mtime(struct inode *inode)
{
	inode->mtime = inode->ctime = vfs_now();
	inode->generation++;
}

int inode_permission(struct inode *inode, const struct cred *cred, int mask)
{
	if (!cred || !mask)
		return 0;
	if (inode->i_op && inode->i_op->permission)
		return inode->i_op->permission(inode, cred, mask);
	return vfs_generic_permission(inode, cred, mask);
}

int vfs_generic_permission(struct inode *inode, const struct cred *cred,
			   int mask)
{
	uint32_t mode = inode->mode, bits;
	if (cred->fsuid == inode->uid)
		bits = (mode >> 6) & 7;
	else if (cred_in_group(cred, inode->gid))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	if ((bits & (uint32_t)mask) == (uint32_t)mask)
		return 0;
	/* Linux's order: directories may always be read and searched with
	 * CAP_DAC_READ_SEARCH; files read with it. CAP_DAC_OVERRIDE allows
	 * everything but executing a file that no one may execute. */
	bool write = mask & LINUX_W_OK;
	if (LINUX_S_ISDIR(mode)) {
		if (!write && capable(cred, CAP_DAC_READ_SEARCH))
			return 0;
		return capable(cred, CAP_DAC_OVERRIDE) ? 0 : -LINUX_EACCES;
	}
	if (mask == LINUX_R_OK && capable(cred, CAP_DAC_READ_SEARCH))
		return 0;
	if ((!(mask & LINUX_X_OK) || (mode & 0111)) &&
	    capable(cred, CAP_DAC_OVERRIDE))
		return 0;
	return -LINUX_EACCES;
}

unsigned vfs_dtype(uint32_t mode)
{
	return (mode & LINUX_S_IFMT) >> 12;
}

/* ------------------------------------------------------------------ */
/* Supers */

static uint32_t next_anon_minor = 16;

struct super *super_new(const char *fstype, const struct super_ops *ops,
			uint64_t magic)
{
	struct super *sb = calloc(1, sizeof(*sb));
	if (!sb)
		return NULL;
	sb->refs = 1;
	sb->fstype = fstype;
	sb->ops = ops;
	sb->magic = magic;
	uint32_t minor = next_anon_minor++;
	sb->dev = LINUX_MKDEV(0, minor);
	return sb;
}

int super_set_root(struct super *sb, struct inode *root)
{
	struct dentry *d = dentry_alloc(NULL, "/", root);
	if (!d)
		return -LINUX_ENOMEM;
	sb->root = d;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Dentries and their cache: a hash of (parent, name). A cached dentry is
 * referenced by the cache, so it and its ancestors stay until dropped. */

#define DCACHE_BUCKETS 4096
static struct dentry *dcache[DCACHE_BUCKETS];

static unsigned dhash(const struct dentry *parent, const char *name)
{
	uint64_t h = (uint64_t)(uintptr_t)parent * 0x9e3779b97f4a7c15ULL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return (unsigned)(h ^ (h >> 29)) % DCACHE_BUCKETS;
}

struct dentry *dentry_alloc(struct dentry *parent, const char *name,
			    struct inode *inode)
{
	struct dentry *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->name = strdup(name);
	if (!d->name) {
		free(d);
		return NULL;
	}
	d->refs = 1;
	d->parent = dentry_get(parent);
	d->inode = inode;
	d->sb = inode->sb;
	return d;
}

struct dentry *dentry_get(struct dentry *d)
{
	if (d)
		d->refs++;
	return d;
}

void dentry_put(struct dentry *d)
{
	while (d && --d->refs == 0) {
		struct dentry *parent = d->parent;
		inode_put(d->inode);
		free(d->name);
		free(d);
		d = parent;
	}
}

struct dentry *dcache_lookup(struct dentry *parent, const char *name)
{
	for (struct dentry *d = dcache[dhash(parent, name)]; d;
	     d = d->hash_next)
		if (d->parent == parent && strcmp(d->name, name) == 0)
			return dentry_get(d);
	return NULL;
}

/* Unused cached dentries are evicted beyond this many (each may pin a
 * gofer fid, i.e. a host fd in the gofer). */
#ifndef DCACHE_MAX
#define DCACHE_MAX 16384
#endif
static size_t dcache_count;
static unsigned dcache_hand;

static void dcache_shrink(void);

void dcache_add(struct dentry *d)
{
	if (d->cached || !d->parent || (d->sb->flags & SB_NOCACHE))
		return;
	unsigned h = dhash(d->parent, d->name);
	d->hash_next = dcache[h];
	dcache[h] = d;
	d->cached = true;
	d->refs++;
	if (++dcache_count > DCACHE_MAX)
		dcache_shrink();
}

static void dcache_unhash(struct dentry *d)
{
	struct dentry **pp = &dcache[dhash(d->parent, d->name)];
	while (*pp && *pp != d)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = d->hash_next;
	d->hash_next = NULL;
	d->cached = false;
	dcache_count--;
}

/* Drop cached dentries nobody uses (only the cache's reference, no mount
 * on them), sweeping the buckets like a clock, until a quarter is gone.
 * Leaves go first; their parents become unused and follow on a later
 * sweep. Everything a dentry stands for can be looked up again: tmpfs and
 * the overlay's upper keep their trees in their own inodes. */
static void dcache_shrink(void)
{
	size_t target = DCACHE_MAX - DCACHE_MAX / 4;
	for (unsigned n = 0; n < DCACHE_BUCKETS && dcache_count > target; n++) {
		unsigned b = dcache_hand++ % DCACHE_BUCKETS;
		struct dentry **pp = &dcache[b];
		while (*pp) {
			struct dentry *d = *pp;
			if (d->refs == 1 && !d->mounted) {
				*pp = d->hash_next;
				d->hash_next = NULL;
				d->cached = false;
				dcache_count--;
				dentry_put(d);
			} else {
				pp = &d->hash_next;
			}
		}
	}
}

void dcache_drop(struct dentry *d)
{
	if (!d->cached)
		return;
	dcache_unhash(d);
	dentry_put(d);
}

void dcache_drop_name(struct dentry *parent, const char *name, bool deleted)
{
	struct dentry *d = dcache_lookup(parent, name);
	if (!d)
		return;
	if (deleted)
		d->deleted = true;
	dcache_drop(d);
	dentry_put(d);
}

int dcache_move(struct dentry *d, struct dentry *newparent, const char *newname)
{
	char *n = strdup(newname);
	if (!n)
		return -LINUX_ENOMEM;
	bool was_cached = d->cached;
	if (was_cached)
		dcache_unhash(d);
	struct dentry *oldparent = d->parent;
	d->parent = dentry_get(newparent);
	free(d->name);
	d->name = n;
	if (was_cached) {
		unsigned h = dhash(d->parent, d->name);
		d->hash_next = dcache[h];
		dcache[h] = d;
		d->cached = true;
	}
	dentry_put(oldparent);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Mounts and paths */

static struct mount *mount_list;
static struct mount *root_mount;
static int next_mount_id = 1;

struct mount *vfs_root_mount(void)
{
	return root_mount;
}

struct mount *vfs_mounts(void)
{
	return mount_list;
}

static struct mount *mount_new(struct super *sb, struct dentry *root,
			       const char *source)
{
	struct mount *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->source = strdup(source ? source : "none");
	if (!m->source) {
		free(m);
		return NULL;
	}
	m->refs = 1;
	m->id = next_mount_id++;
	m->sb = sb;
	sb->refs++;
	m->root = dentry_get(root);
	return m;
}

static void mount_link(struct mount *m)
{
	/* Append: /proc/mounts lists in mount order. */
	struct mount **pp = &mount_list;
	while (*pp)
		pp = &(*pp)->next;
	*pp = m;
}

int vfs_mount_root(struct super *sb)
{
	if (!sb->root)
		return -LINUX_EINVAL;
	struct mount *m = mount_new(sb, sb->root, sb->fstype);
	if (!m)
		return -LINUX_ENOMEM;
	mount_link(m);
	root_mount = m;
	return 0;
}

struct mount *vfs_mount_detached(struct super *sb)
{
	if (!sb->root)
		return NULL;
	struct mount *m = mount_new(sb, sb->root, sb->fstype);
	if (m)
		mount_link(m);
	return m;
}

struct mount *vfs_mount_ns_root(struct mount *m)
{
	while (m && m->parent)
		m = m->parent;
	return m;
}

int vfs_mount_on(const struct path *mp, struct super *sb, const char *source)
{
	if (!sb->root)
		return -LINUX_EINVAL;
	return vfs_mount_tree(mp, sb->root, 0, source ? source : sb->fstype);
}

int vfs_mount_tree(const struct path *mp, struct dentry *root,
		   unsigned mnt_flags, const char *source)
{
	bool dir = LINUX_S_ISDIR(root->inode->mode);
	if (LINUX_S_ISDIR(mp->dentry->inode->mode) != dir)
		return dir ? -LINUX_ENOTDIR : -LINUX_EISDIR;
	struct mount *m = mount_new(root->sb, root, source);
	if (!m)
		return -LINUX_ENOMEM;
	m->flags = mnt_flags;
	m->parent = mp->mnt;
	mp->mnt->refs++;
	m->mountpoint = dentry_get(mp->dentry);
	mp->dentry->mounted++;
	/* Keep the mountpoint reachable by name even on SB_NOCACHE supers. */
	dcache_add(mp->dentry);
	mount_link(m);
	return 0;
}

struct mount *mount_lookup(struct mount *parent, struct dentry *d)
{
	struct mount *found = NULL;
	/* The most recent mount on d hides earlier ones. */
	for (struct mount *m = mount_list; m; m = m->next)
		if (m->parent == parent && m->mountpoint == d)
			found = m;
	return found;
}

bool path_rdonly(const struct path *p)
{
	struct super *sb = p->dentry->inode->sb;
	return (p->mnt && (p->mnt->flags & MNT_RDONLY)) ||
	       (sb && (sb->flags & SB_RDONLY));
}

void path_get(const struct path *p)
{
	if (p->mnt)
		p->mnt->refs++;
	dentry_get(p->dentry);
}

void path_put(struct path *p)
{
	if (p->mnt)
		p->mnt->refs--;
	dentry_put(p->dentry);
	p->mnt = NULL;
	p->dentry = NULL;
}

bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

int vfs_path_name(const struct path *root, const struct path *p, char *buf,
		  size_t size)
{
	/* Build from the end of a scratch buffer towards its start. */
	char tmp[VFS_PATH_MAX];
	size_t at = sizeof(tmp) - 1;
	tmp[at] = '\0';
	struct mount *mnt = p->mnt;
	struct dentry *d = p->dentry;
	while (mnt) {
		if (root && mnt == root->mnt && d == root->dentry)
			break;
		if (d == mnt->root) {
			if (!mnt->parent)
				break;
			d = mnt->mountpoint;
			mnt = mnt->parent;
			continue;
		}
		if (!d->parent)
			break;
		size_t len = strlen(d->name);
		if (len + 1 > at)
			return -LINUX_ENAMETOOLONG;
		at -= len;
		memcpy(tmp + at, d->name, len);
		tmp[--at] = '/';
		d = d->parent;
	}
	if (at == sizeof(tmp) - 1)
		tmp[--at] = '/';
	size_t len = sizeof(tmp) - 1 - at;
	if (len + 1 > size)
		return -LINUX_ENAMETOOLONG;
	memcpy(buf, tmp + at, len + 1);
	return (int)len;
}
