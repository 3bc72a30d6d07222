/* The gofer filesystem: the container's root served over 9P2000.L. Its
 * read side: mounting, lookup, open, read, listing, and the caches (see
 * gofer_inode.h); the write side is gofer_write.c.
 *
 * The tree is taken not to change under the sandbox (as gVisor's
 * exclusive file access): so everything learnt from the gofer is kept for
 * the inode's life and each fact costs one round trip per sandbox, not
 * one per use. Attributes are fetched at lookup, a symlink's target at
 * its first readlink, a directory's listing at its first getdents, and
 * names found missing in a directory are remembered as missing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "abi/errno.h"
#include "sentry/fs/gofer/gofer_fs.h"
#include "sentry/fs/gofer/gofer_inode.h"
#include "sentry/log.h"

#define NEG_MAX 4096

struct gofer_sb {
	struct p9_client *c;
};

/* Donated host descriptors held (one per opened regular file), bounded
 * well below the sentry's descriptor limit (set at mount). */
static unsigned nhostfds, hostfds_max;
/* Inodes holding an opened fid. Each is an open descriptor in the gofer
 * too: beyond OPENED_KEEP, an inode's opened fid goes when its last open
 * file does (as before it was kept), so the gofer stays within its own
 * descriptor limit however many files the sandbox goes through. */
#define OPENED_KEEP 2048
static unsigned nopened;

static const struct inode_ops gofer_iops;
static const struct file_ops gofer_file_fops;
static const struct file_ops gofer_dir_fops;

struct p9_client *gofer_client(const struct inode *inode)
{
	return ((struct gofer_sb *)inode->sb->priv)->c;
}

#define CL gofer_client

static size_t name_hash(const char *name)
{
	size_t h = 5381;

	while (*name)
		h = h * 33 + (unsigned char)*name++;
	return h;
}

static bool neg_has(const struct negset *ns, const char *name)
{
	if (!ns->n)
		return false;
	for (size_t i = name_hash(name) & (ns->cap - 1); ns->slot[i];
	     i = (i + 1) & (ns->cap - 1))
		if (!strcmp(ns->slot[i], name))
			return true;
	return false;
}

static void neg_put(char **slot, size_t cap, char *name)
{
	size_t i = name_hash(name) & (cap - 1);

	while (slot[i])
		i = (i + 1) & (cap - 1);
	slot[i] = name;
}

/* Remember name as absent (best effort: out of memory or a full set just
 * means asking the gofer again next time). */
static void neg_add(struct negset *ns, const char *name)
{
	if (ns->n >= NEG_MAX)
		return;
	if (2 * (ns->n + 1) > ns->cap) {
		size_t cap = ns->cap ? 2 * ns->cap : 16;
		char **slot = calloc(cap, sizeof(*slot));

		if (!slot)
			return;
		for (size_t i = 0; i < ns->cap; i++)
			if (ns->slot[i])
				neg_put(slot, cap, ns->slot[i]);
		free(ns->slot);
		ns->slot = slot;
		ns->cap = cap;
	}
	char *copy = strdup(name);
	if (!copy)
		return;
	neg_put(ns->slot, ns->cap, copy);
	ns->n++;
}

static void free_listing(struct gofer_inode *gi)
{
	for (size_t i = 0; i < gi->nents; i++)
		free(gi->ents[i].name);
	free(gi->ents);
	gi->ents = NULL;
	gi->nents = 0;
}

/* Forget name (linear probing: the rest of its cluster is put back so
 * that no later name becomes unreachable). */
static void neg_del(struct negset *ns, const char *name)
{
	size_t mask = ns->cap - 1, i;

	if (!ns->n)
		return;
	for (i = name_hash(name) & mask; ns->slot[i]; i = (i + 1) & mask)
		if (!strcmp(ns->slot[i], name))
			break;
	if (!ns->slot[i])
		return;
	free(ns->slot[i]);
	ns->slot[i] = NULL;
	ns->n--;
	for (i = (i + 1) & mask; ns->slot[i]; i = (i + 1) & mask) {
		char *moved = ns->slot[i];

		ns->slot[i] = NULL;
		neg_put(ns->slot, ns->cap, moved);
	}
}

void gofer_neg_forget(struct inode *dir, const char *name)
{
	neg_del(&GI(dir)->neg, name);
}

void gofer_dir_added(struct inode *dir, const char *name,
		     const struct inode *child)
{
	struct gofer_inode *gd = GI(dir);

	neg_del(&gd->neg, name);
	inode_touch_mtime(dir);
	if (!gd->listed)
		return;
	/* Appended, as a new name comes last in a listing read afresh. Out
	 * of memory: the listing is read again at the next getdents. */
	struct gofer_dirent *e =
	    realloc(gd->ents, (gd->nents + 1) * sizeof(*e));
	char *copy = strdup(name);
	if (e)
		gd->ents = e;
	if (!e || !copy) {
		free(copy);
		free_listing(gd);
		gd->listed = false;
		return;
	}
	gd->ents[gd->nents++] =
	    (struct gofer_dirent){copy, child->ino, vfs_dtype(child->mode)};
}

void gofer_dir_removed(struct inode *dir, const char *name)
{
	struct gofer_inode *gd = GI(dir);

	neg_add(&gd->neg, name);
	inode_touch_mtime(dir);
	for (size_t i = 0; gd->listed && i < gd->nents; i++) {
		if (gd->ents[i].name && !strcmp(gd->ents[i].name, name)) {
			free(gd->ents[i].name);
			gd->ents[i].name = NULL;
			return;
		}
	}
}

/* Give back the opened fid (and the host descriptor that came with it). */
static void drop_open(struct inode *inode, struct gofer_inode *gi)
{
	if (gi->opened) {
		p9c_clunk(CL(inode), gi->ofid);
		gi->opened = false;
		nopened--;
	}
	if (gi->hostfd >= 0) {
		close(gi->hostfd);
		gi->hostfd = -1;
		nhostfds--;
	}
}

void gofer_set_open(struct inode *inode, uint32_t ofid, bool writable,
		    int hostfd)
{
	struct gofer_inode *gi = GI(inode);

	drop_open(inode, gi);
	gi->ofid = ofid;
	gi->opened = true;
	gi->writable = writable;
	gi->hostfd = hostfd;
	nopened++;
	if (gi->hostfd >= 0 && ++nhostfds > hostfds_max) {
		/* Enough descriptors held: this file goes over 9P. */
		close(gi->hostfd);
		gi->hostfd = -1;
		nhostfds--;
	}
}

static void gofer_evict(struct inode *inode)
{
	struct gofer_inode *gi = GI(inode);
	if (!gi)
		return;
	p9c_clunk(CL(inode), gi->fid);
	drop_open(inode, gi);
	free(gi->link);
	free_listing(gi);
	for (size_t i = 0; i < gi->neg.cap; i++)
		free(gi->neg.slot[i]);
	free(gi->neg.slot);
	free(gi);
}

static int gofer_statfs(struct super *sb, struct linux_statfs *st)
{
	struct gofer_sb *gs = sb->priv;
	struct p9_statfs s;
	int ret = p9c_statfs(gs->c, GI(sb->root->inode)->fid, &s);
	if (ret < 0)
		return 0; /* keep the defaults */
	st->f_bsize = s.bsize ? s.bsize : 4096;
	st->f_frsize = st->f_bsize;
	st->f_blocks = s.blocks;
	st->f_bfree = s.bfree;
	st->f_bavail = s.bavail;
	st->f_files = s.files;
	st->f_ffree = s.ffree;
	if (s.namelen)
		st->f_namelen = s.namelen;
	return 0;
}

static const struct super_ops gofer_sops = {
    .evict_inode = gofer_evict,
    .statfs = gofer_statfs,
};

static struct timespec ts(uint64_t sec, uint64_t nsec)
{
	return (struct timespec){.tv_sec = (time_t)sec, .tv_nsec = (long)nsec};
}

static void apply_attr(struct inode *inode, const struct p9_attr *attr)
{
	inode->ino = attr->qid.path;
	inode->mode = attr->mode;
	inode->uid = attr->uid;
	inode->gid = attr->gid;
	inode->nlink = (uint32_t)attr->nlink;
	inode->rdev = attr->rdev;
	inode->size = attr->size;
	inode->blksize = attr->blksize ? (uint32_t)attr->blksize : 4096;
	inode->blocks = attr->blocks;
	inode->atime = ts(attr->atime_sec, attr->atime_nsec);
	inode->mtime = ts(attr->mtime_sec, attr->mtime_nsec);
	inode->ctime = ts(attr->ctime_sec, attr->ctime_nsec);
	inode->btime = (attr->valid & P9_GETATTR_BTIME)
			   ? ts(attr->btime_sec, attr->btime_nsec)
			   : inode->ctime;
}

int gofer_refresh(struct inode *inode)
{
	struct p9_attr attr;
	int ret = p9c_getattr(CL(inode), GI(inode)->fid,
			      P9_GETATTR_BASIC | P9_GETATTR_BTIME, &attr);

	if (ret == 0)
		apply_attr(inode, &attr);
	return ret;
}

int gofer_inode_new(struct super *sb, uint32_t fid, struct inode **out)
{
	struct gofer_sb *gs = sb->priv;
	struct p9_attr attr;
	int ret =
	    p9c_getattr(gs->c, fid, P9_GETATTR_BASIC | P9_GETATTR_BTIME, &attr);
	if (ret < 0) {
		p9c_clunk(gs->c, fid);
		return ret;
	}
	struct inode *inode = inode_new(sb, attr.mode);
	struct gofer_inode *gi = calloc(1, sizeof(*gi));
	if (!inode || !gi) {
		if (inode)
			inode_put(inode);
		free(gi);
		p9c_clunk(gs->c, fid);
		return -LINUX_ENOMEM;
	}
	sb->next_ino--; /* the host's number is used instead */
	gi->fid = fid;
	gi->hostfd = -1;
	inode->priv = gi;
	apply_attr(inode, &attr);
	inode->i_op = &gofer_iops;
	if (LINUX_S_ISREG(attr.mode))
		inode->f_op = &gofer_file_fops;
	else if (LINUX_S_ISDIR(attr.mode))
		inode->f_op = &gofer_dir_fops;
	*out = inode;
	return 0;
}

/* A super for tree aname of the gofer on c. NULL with *err on failure
 * (c is the caller's either way). */
static struct super *gofer_super(struct p9_client *c, const char *aname,
				 bool read_only, int *err)
{
	struct super *sb = super_new("9p", &gofer_sops, LINUX_V9FS_MAGIC);
	struct gofer_sb *gs = calloc(1, sizeof(*gs));
	if (!sb || !gs) {
		free(sb);
		free(gs);
		*err = -LINUX_ENOMEM;
		return NULL;
	}
	gs->c = c;
	sb->priv = gs;
	if (read_only)
		sb->flags |= SB_RDONLY;
	uint32_t fid;
	int ret = p9c_attach(c, aname, &fid, NULL);
	struct inode *root = NULL;
	if (ret == 0)
		ret = gofer_inode_new(sb, fid, &root);
	if (ret == 0)
		ret = super_set_root(sb, root);
	if (ret < 0) {
		log_error("gofer: attach to \"%s\" failed: %d", aname, ret);
		if (root)
			inode_put(root);
		free(gs);
		free(sb);
		*err = ret;
		return NULL;
	}
	return sb;
}

struct super *goferfs_attach(struct super *sb, const char *aname,
			     bool read_only, int *err)
{
	return gofer_super(((struct gofer_sb *)sb->priv)->c, aname, read_only,
			   err);
}

struct super *goferfs_new(int gofer_fd, bool read_only, int *err)
{
	struct p9_client *c = p9c_connect(gofer_fd, P9_MAX_MSIZE, err);
	if (!c)
		return NULL;
	/* Room for the descriptors the gofer donates (the sandbox's own
	 * limits are its own: see sys_misc.c). */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		hostfds_max =
		    rl.rlim_cur / 2 < 8192 ? (unsigned)rl.rlim_cur / 2 : 8192;
	}
	struct super *sb = gofer_super(c, "", read_only, err);
	if (!sb)
		p9c_close(c);
	return sb;
}

static int gofer_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct gofer_inode *gd = GI(dir);
	const char *names[1] = {name};
	uint32_t fid;

	if (neg_has(&gd->neg, name))
		return -LINUX_ENOENT;
	int ret = p9c_walk(CL(dir), gd->fid, 1, names, &fid, NULL);
	if (ret == -LINUX_ENOENT)
		neg_add(&gd->neg, name);
	if (ret < 0)
		return ret;
	return gofer_inode_new(dir->sb, fid, out);
}

static int gofer_readlink(struct inode *inode, struct task *t, char *buf,
			  size_t size)
{
	struct gofer_inode *gi = GI(inode);

	if (!gi->link) {
		char tmp[VFS_PATH_MAX + 1];
		long len = p9c_readlink(CL(inode), gi->fid, tmp, sizeof(tmp));
		if (len < 0)
			return (int)len;
		gi->link = strndup(tmp, (size_t)len);
		if (!gi->link)
			return -LINUX_ENOMEM;
	}
	size_t len = strlen(gi->link);
	if (len > size)
		len = size;
	memcpy(buf, gi->link, len);
	return (int)len;
}

int gofer_open_fid(struct inode *inode, bool write)
{
	struct gofer_inode *gi = GI(inode);
	if (gi->opened && (gi->writable || !write))
		return 0;
	struct p9_client *c = CL(inode);
	uint32_t fid;
	int hostfd = -1;
	int ret = p9c_walk(c, gi->fid, 0, NULL, &fid, NULL);
	if (ret < 0)
		return ret;
	uint32_t fl = write ? LINUX_O_RDWR : LINUX_O_RDONLY;
	if (LINUX_S_ISDIR(inode->mode))
		fl |= LINUX_O_DIRECTORY;
	ret = p9c_lopen(c, fid, fl, NULL, NULL, &hostfd);
	if (ret < 0) {
		p9c_clunk(c, fid);
		return ret;
	}
	/* A writable fid replaces a read-only one: it reads as well, and
	 * every open file of the inode shares it. */
	gofer_set_open(inode, fid, write, hostfd);
	return 0;
}

static int gofer_open(struct inode *inode, struct file *f, struct task *t)
{
	/* Device nodes, FIFOs, sockets of the lower tree are not opened
	 * through the gofer (a FIFO would block it); they have no file ops. */
	if (!LINUX_S_ISREG(inode->mode) && !LINUX_S_ISDIR(inode->mode))
		return 0;
	int ret = gofer_open_fid(inode, file_writable(f));
	if (ret < 0)
		return ret;
	GI(inode)->nopen++;
	return 0;
}

long gofer_host_io(int fd, bool write, void *buf, size_t n, loff_t pos)
{
	long ret;

	do
		ret = write ? pwrite(fd, buf, n, pos) : pread(fd, buf, n, pos);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -linux_errno_from_host(errno) : ret;
}

static long gofer_read(struct file *f, struct task *t, void *buf, size_t n,
		       loff_t *pos)
{
	struct gofer_inode *gi = GI(f->inode);
	long ret;

	if (n > (1u << 30))
		n = 1u << 30;
	if (gi->hostfd >= 0) {
		ret = gofer_host_io(gi->hostfd, false, buf, n, *pos);
	} else {
		ret = p9c_read(CL(f->inode), gi->ofid, (uint64_t)*pos, buf,
			       (uint32_t)n);
	}
	if (ret > 0)
		*pos += ret;
	return ret;
}

/* The donated descriptor: O_RDWR once some file of the inode was opened
 * for writing, so that a shared writable mapping maps the host file. */
static int gofer_mmap_fd(struct file *f)
{
	return GI(f->inode)->hostfd;
}

static int list_all(struct file *f, struct gofer_inode *go)
{
	struct p9_client *c = CL(f->inode);
	uint32_t count = p9c_msize(c) - 64;
	char *buf = malloc(count);
	if (!buf)
		return -LINUX_ENOMEM;
	uint64_t off = 0;
	size_t cap = 0;
	int ret = 0;
	for (;;) {
		long n = p9c_readdir(c, go->ofid, off, buf, count);
		if (n <= 0) {
			ret = (int)n;
			break;
		}
		struct p9_dirent_iter it;
		struct p9_dirent d;
		p9_dirent_iter_init(&it, buf, (size_t)n);
		int r;
		bool any = false;
		while ((r = p9_dirent_next(&it, &d)) == 1) {
			any = true;
			off = d.offset;
			if (p9_str_eq(d.name, ".") || p9_str_eq(d.name, ".."))
				continue;
			if (go->nents == cap) {
				cap = cap ? 2 * cap : 64;
				struct gofer_dirent *e =
				    realloc(go->ents, cap * sizeof(*e));
				if (!e) {
					ret = -LINUX_ENOMEM;
					goto out;
				}
				go->ents = e;
			}
			char *name = strndup(d.name.s, d.name.len);
			if (!name) {
				ret = -LINUX_ENOMEM;
				goto out;
			}
			go->ents[go->nents++] =
			    (struct gofer_dirent){name, d.qid.path, d.type};
		}
		if (r < 0) {
			ret = r;
			break;
		}
		if (!any)
			break;
	}
out:
	free(buf);
	go->listed = ret == 0;
	if (!go->listed)
		free_listing(go);
	return ret;
}

static int gofer_iterate(struct file *f, struct dir_context *ctx)
{
	struct gofer_inode *go = GI(f->inode);
	if (!go->listed) {
		int ret = list_all(f, go);
		if (ret < 0)
			return ret;
	}
	if (!dir_emit_dots(f, ctx))
		return 0;
	for (size_t i = (size_t)ctx->pos - 2; i < go->nents; i++) {
		struct gofer_dirent *e = &go->ents[i];
		if (e->name &&
		    !dir_emit(ctx, e->name, strlen(e->name), e->ino, e->dtype))
			return 0;
		ctx->pos = (loff_t)i + 3;
	}
	return 0;
}

static void gofer_release(struct file *f)
{
	struct gofer_inode *gi = GI(f->inode);

	if (gi->nopen && --gi->nopen == 0 && nopened > OPENED_KEEP &&
	    !gi->pinned)
		drop_open(f->inode, gi);
}

static const struct inode_ops gofer_iops = {
    .lookup = gofer_lookup,
    .create = gofer_create,
    .mkdir = gofer_mkdir,
    .mknod = gofer_mknod,
    .symlink = gofer_symlink,
    .link = gofer_link,
    .unlink = gofer_unlink,
    .rmdir = gofer_rmdir,
    .rename = gofer_rename,
    .readlink = gofer_readlink,
    .setattr = gofer_setattr,
    .getattr = gofer_getattr,
    .open = gofer_open,
};

static const struct file_ops gofer_file_fops = {
    .read = gofer_read,
    .write = gofer_write,
    .mmap_fd = gofer_mmap_fd,
    .fsync = gofer_fsync,
    .release = gofer_release,
};

static const struct file_ops gofer_dir_fops = {
    .iterate = gofer_iterate,
    .fsync = gofer_fsync,
    .release = gofer_release,
};
