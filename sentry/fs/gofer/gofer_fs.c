/* The gofer filesystem: the container's root served over 9P2000.L.
 *
 * Read-only: every inode keeps one walked (unopened) fid; opening clones
 * it and Tlopens the clone. Attributes are fetched once at lookup (the
 * tree does not change under a read-only mount); writes reach the overlay's
 * upper layer instead. */
#include <stdlib.h>
#include <string.h>

#include "sentry/fs/gofer/gofer_fs.h"
#include "sentry/fs/gofer/p9client.h"
#include "sentry/log.h"

struct gofer_inode {
	uint32_t fid;
};

struct gofer_sb {
	struct p9_client *c;
};

struct gofer_dirent {
	char *name;
	uint64_t ino;
	unsigned dtype;
};

struct gofer_open {
	uint32_t fid; /* opened */
	/* directories: the whole listing, read at the first getdents */
	struct gofer_dirent *ents;
	size_t nents;
	bool listed;
};

static const struct inode_ops gofer_iops;
static const struct file_ops gofer_file_fops;
static const struct file_ops gofer_dir_fops;

static struct p9_client *CL(const struct inode *inode)
{
	return ((struct gofer_sb *)inode->sb->priv)->c;
}

static struct gofer_inode *GI(const struct inode *inode)
{
	return inode->priv;
}

static void gofer_evict(struct inode *inode)
{
	struct gofer_inode *gi = GI(inode);
	if (!gi)
		return;
	p9c_clunk(CL(inode), gi->fid);
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

/* A new inode for the walked fid (owned by the inode from here on, also
 * on failure). */
static int gofer_inode_new(struct super *sb, uint32_t fid, struct inode **out)
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
	inode->priv = gi;
	inode->ino = attr.qid.path;
	inode->mode = attr.mode;
	inode->uid = attr.uid;
	inode->gid = attr.gid;
	inode->nlink = (uint32_t)attr.nlink;
	inode->rdev = attr.rdev;
	inode->size = attr.size;
	inode->blksize = attr.blksize ? (uint32_t)attr.blksize : 4096;
	inode->blocks = attr.blocks;
	inode->atime = ts(attr.atime_sec, attr.atime_nsec);
	inode->mtime = ts(attr.mtime_sec, attr.mtime_nsec);
	inode->ctime = ts(attr.ctime_sec, attr.ctime_nsec);
	inode->btime = (attr.valid & P9_GETATTR_BTIME)
			   ? ts(attr.btime_sec, attr.btime_nsec)
			   : inode->ctime;
	inode->i_op = &gofer_iops;
	if (LINUX_S_ISREG(attr.mode))
		inode->f_op = &gofer_file_fops;
	else if (LINUX_S_ISDIR(attr.mode))
		inode->f_op = &gofer_dir_fops;
	*out = inode;
	return 0;
}

struct super *goferfs_new(int gofer_fd, int *err)
{
	struct p9_client *c = p9c_connect(gofer_fd, P9_MAX_MSIZE, err);
	if (!c)
		return NULL;
	struct super *sb = super_new("9p", &gofer_sops, LINUX_V9FS_MAGIC);
	struct gofer_sb *gs = calloc(1, sizeof(*gs));
	if (!sb || !gs) {
		free(sb);
		free(gs);
		p9c_close(c);
		*err = -LINUX_ENOMEM;
		return NULL;
	}
	gs->c = c;
	sb->priv = gs;
	sb->flags |= SB_RDONLY;
	uint32_t fid;
	int ret = p9c_attach(c, "", &fid, NULL);
	struct inode *root = NULL;
	if (ret == 0)
		ret = gofer_inode_new(sb, fid, &root);
	if (ret == 0)
		ret = super_set_root(sb, root);
	if (ret < 0) {
		log_error("gofer: attach failed: %d", ret);
		*err = ret;
		return NULL;
	}
	return sb;
}

static int gofer_lookup(struct inode *dir, const char *name, struct inode **out)
{
	const char *names[1] = {name};
	uint32_t fid;
	int ret = p9c_walk(CL(dir), GI(dir)->fid, 1, names, &fid, NULL);
	if (ret < 0)
		return ret;
	return gofer_inode_new(dir->sb, fid, out);
}

static int gofer_readlink(struct inode *inode, struct task *t, char *buf,
			  size_t size)
{
	char tmp[VFS_PATH_MAX + 1];
	long len = p9c_readlink(CL(inode), GI(inode)->fid, tmp, sizeof(tmp));
	if (len < 0)
		return (int)len;
	if ((size_t)len > size)
		len = (long)size;
	memcpy(buf, tmp, (size_t)len);
	return (int)len;
}

static int gofer_open(struct inode *inode, struct file *f, struct task *t)
{
	/* Device nodes, FIFOs, sockets of the lower tree are not opened
	 * through the gofer (a FIFO would block it); they have no file ops. */
	if (!LINUX_S_ISREG(inode->mode) && !LINUX_S_ISDIR(inode->mode))
		return 0;
	struct gofer_open *go = calloc(1, sizeof(*go));
	if (!go)
		return -LINUX_ENOMEM;
	struct p9_client *c = CL(inode);
	int ret = p9c_walk(c, GI(inode)->fid, 0, NULL, &go->fid, NULL);
	if (ret < 0) {
		free(go);
		return ret;
	}
	uint32_t fl = LINUX_O_RDONLY;
	if (LINUX_S_ISDIR(inode->mode))
		fl |= LINUX_O_DIRECTORY;
	ret = p9c_lopen(c, go->fid, fl, NULL, NULL);
	if (ret < 0) {
		p9c_clunk(c, go->fid);
		free(go);
		return ret;
	}
	f->priv = go;
	return 0;
}

static long gofer_read(struct file *f, struct task *t, void *buf, size_t n,
		       loff_t *pos)
{
	struct gofer_open *go = f->priv;
	if (n > (1u << 30))
		n = 1u << 30;
	long ret =
	    p9c_read(CL(f->inode), go->fid, (uint64_t)*pos, buf, (uint32_t)n);
	if (ret > 0)
		*pos += ret;
	return ret;
}

static int list_all(struct file *f, struct gofer_open *go)
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
		long n = p9c_readdir(c, go->fid, off, buf, count);
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
	return ret;
}

static int gofer_iterate(struct file *f, struct dir_context *ctx)
{
	struct gofer_open *go = f->priv;
	if (!go->listed) {
		int ret = list_all(f, go);
		if (ret < 0)
			return ret;
	}
	if (!dir_emit_dots(f, ctx))
		return 0;
	for (size_t i = (size_t)ctx->pos - 2; i < go->nents; i++) {
		struct gofer_dirent *e = &go->ents[i];
		if (!dir_emit(ctx, e->name, strlen(e->name), e->ino, e->dtype))
			return 0;
		ctx->pos = (loff_t)i + 3;
	}
	return 0;
}

static void gofer_release(struct file *f)
{
	struct gofer_open *go = f->priv;
	if (!go)
		return;
	p9c_clunk(CL(f->inode), go->fid);
	for (size_t i = 0; i < go->nents; i++)
		free(go->ents[i].name);
	free(go->ents);
	free(go);
}

static int gofer_fsync(struct file *f, int datasync)
{
	return 0;
}

static const struct inode_ops gofer_iops = {
    .lookup = gofer_lookup,
    .readlink = gofer_readlink,
    .open = gofer_open,
};

static const struct file_ops gofer_file_fops = {
    .read = gofer_read,
    .fsync = gofer_fsync,
    .release = gofer_release,
};

static const struct file_ops gofer_dir_fops = {
    .iterate = gofer_iterate,
    .fsync = gofer_fsync,
    .release = gofer_release,
};
