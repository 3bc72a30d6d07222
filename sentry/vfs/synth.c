/* Synthetic files, symlinks and directories for /proc, /dev, /sys. */
#include <stdlib.h>
#include <string.h>

#include "sentry/vfs/vfs.h"

enum synth_kind { SYNTH_FILE, SYNTH_LINK, SYNTH_DIR };

struct synth_child {
	char *name;
	struct inode *inode;
	struct synth_child *next;
};

struct synth_node {
	enum synth_kind kind;
	void *arg;
	/* files */
	synth_gen_fn gen;
	synth_write_fn write;
	/* links */
	synth_link_fn link;
	char *target;
	/* dirs */
	const struct synth_dir_ops *dops;
	struct synth_child *children;
	int nchildren;
};

/* Content of an open synthetic file, generated at open. */
struct synth_open {
	char *buf;
	size_t len;
};

static const struct inode_ops synth_file_iops;
static const struct inode_ops synth_link_iops;
static const struct inode_ops synth_dir_iops;
static const struct file_ops synth_file_fops;
static const struct file_ops synth_dir_fops;

static struct synth_node *SN(const struct inode *inode)
{
	return inode->priv;
}

static bool is_synth(const struct inode *inode)
{
	return inode->i_op == &synth_file_iops ||
	       inode->i_op == &synth_link_iops ||
	       inode->i_op == &synth_dir_iops;
}

static void synth_evict(struct inode *inode)
{
	if (!is_synth(inode))
		return;
	struct synth_node *n = SN(inode);
	if (!n)
		return;
	struct synth_child *c = n->children;
	while (c) {
		struct synth_child *next = c->next;
		inode_put(c->inode);
		free(c->name);
		free(c);
		c = next;
	}
	if (n->kind == SYNTH_DIR && n->dops && n->dops->free)
		n->dops->free(n->arg);
	free(n->target);
	free(n);
}

static const struct super_ops synth_sops = {.evict_inode = synth_evict};

struct super *synth_super_new(const char *fstype, uint64_t magic)
{
	struct super *sb = super_new(fstype, &synth_sops, magic);
	if (sb)
		sb->flags |= SB_NOCACHE;
	return sb;
}

static struct inode *synth_new(struct super *sb, uint32_t mode,
			       enum synth_kind kind, void *arg)
{
	struct inode *inode = inode_new(sb, mode);
	if (!inode)
		return NULL;
	struct synth_node *n = calloc(1, sizeof(*n));
	if (!n) {
		inode_put(inode);
		return NULL;
	}
	n->kind = kind;
	n->arg = arg;
	inode->priv = n;
	return inode;
}

void *synth_arg(struct inode *inode)
{
	return is_synth(inode) && SN(inode) ? SN(inode)->arg : NULL;
}

/* ------------------------------------------------------------------ */
/* Files */

struct inode *synth_file_new(struct super *sb, uint32_t mode, synth_gen_fn gen,
			     synth_write_fn write, void *arg)
{
	if (!(mode & LINUX_S_IFMT))
		mode |= LINUX_S_IFREG;
	struct inode *inode = synth_new(sb, mode, SYNTH_FILE, arg);
	if (!inode)
		return NULL;
	SN(inode)->gen = gen;
	SN(inode)->write = write;
	inode->i_op = &synth_file_iops;
	inode->f_op = &synth_file_fops;
	return inode;
}

static int synth_file_open(struct inode *inode, struct file *f, struct task *t)
{
	struct synth_open *so = calloc(1, sizeof(*so));
	if (!so)
		return -LINUX_ENOMEM;
	struct synth_node *n = SN(inode);
	if (n->gen && file_readable(f)) {
		long len = n->gen(t, n->arg, &so->buf);
		if (len < 0) {
			free(so);
			return (int)len;
		}
		so->len = (size_t)len;
	}
	f->priv = so;
	return 0;
}

static long synth_file_read(struct file *f, struct task *t, void *buf, size_t n,
			    loff_t *pos)
{
	struct synth_open *so = f->priv;
	if ((uint64_t)*pos >= so->len)
		return 0;
	size_t avail = so->len - (size_t)*pos;
	if (n > avail)
		n = avail;
	memcpy(buf, so->buf + *pos, n);
	*pos += (loff_t)n;
	return (long)n;
}

static long synth_file_write(struct file *f, struct task *t, const void *buf,
			     size_t n, loff_t *pos)
{
	struct synth_node *sn = SN(f->inode);
	if (!sn->write)
		return -LINUX_EINVAL;
	long ret = sn->write(t, sn->arg, buf, n);
	if (ret > 0)
		*pos += ret;
	return ret;
}

static loff_t synth_file_llseek(struct file *f, loff_t off, int whence)
{
	struct synth_open *so = f->priv;
	loff_t base;
	switch (whence) {
	case LINUX_SEEK_SET:
		base = 0;
		break;
	case LINUX_SEEK_CUR:
		base = f->pos;
		break;
	case LINUX_SEEK_END:
		base = (loff_t)so->len;
		break;
	default:
		return -LINUX_EINVAL;
	}
	if (base + off < 0)
		return -LINUX_EINVAL;
	f->pos = base + off;
	return f->pos;
}

static void synth_file_release(struct file *f)
{
	struct synth_open *so = f->priv;
	if (so) {
		free(so->buf);
		free(so);
	}
}

static int synth_setattr(struct inode *inode, const struct iattr *a)
{
	/* Accept truncation (shells do "echo x > /proc/sys/...") and
	 * ignore it; refuse the rest as /proc does. */
	if (a->valid & (ATTR_MODE | ATTR_UID | ATTR_GID))
		return -LINUX_EPERM;
	return 0;
}

static const struct inode_ops synth_file_iops = {
    .open = synth_file_open,
    .setattr = synth_setattr,
};

static const struct file_ops synth_file_fops = {
    .read = synth_file_read,
    .write = synth_file_write,
    .llseek = synth_file_llseek,
    .release = synth_file_release,
};

/* ------------------------------------------------------------------ */
/* Symlinks */

struct inode *synth_symlink_new(struct super *sb, synth_link_fn fn, void *arg)
{
	struct inode *inode =
	    synth_new(sb, LINUX_S_IFLNK | 0777, SYNTH_LINK, arg);
	if (!inode)
		return NULL;
	SN(inode)->link = fn;
	inode->i_op = &synth_link_iops;
	return inode;
}

struct inode *synth_symlink_fixed(struct super *sb, const char *target)
{
	struct inode *inode =
	    synth_new(sb, LINUX_S_IFLNK | 0777, SYNTH_LINK, NULL);
	if (!inode)
		return NULL;
	SN(inode)->target = strdup(target);
	if (!SN(inode)->target) {
		inode_put(inode);
		return NULL;
	}
	inode->size = strlen(target);
	inode->i_op = &synth_link_iops;
	return inode;
}

static int synth_readlink(struct inode *inode, struct task *t, char *buf,
			  size_t size)
{
	struct synth_node *n = SN(inode);
	if (n->link)
		return n->link(t, n->arg, buf, size);
	size_t len = strlen(n->target);
	if (len > size)
		len = size;
	memcpy(buf, n->target, len);
	return (int)len;
}

static const struct inode_ops synth_link_iops = {
    .readlink = synth_readlink,
};

/* ------------------------------------------------------------------ */
/* Directories */

struct inode *synth_dir_new(struct super *sb, uint32_t mode,
			    const struct synth_dir_ops *ops, void *arg)
{
	struct inode *inode =
	    synth_new(sb, LINUX_S_IFDIR | (mode & 07777), SYNTH_DIR, arg);
	if (!inode)
		return NULL;
	SN(inode)->dops = ops;
	inode->i_op = &synth_dir_iops;
	inode->f_op = &synth_dir_fops;
	return inode;
}

int synth_dir_add(struct inode *dir, const char *name, struct inode *child)
{
	struct synth_node *n = SN(dir);
	struct synth_child *c = calloc(1, sizeof(*c));
	if (!c)
		return -LINUX_ENOMEM;
	c->name = strdup(name);
	if (!c->name) {
		free(c);
		return -LINUX_ENOMEM;
	}
	c->inode = child;
	struct synth_child **pp = &n->children;
	while (*pp)
		pp = &(*pp)->next;
	*pp = c;
	n->nchildren++;
	if (LINUX_S_ISDIR(child->mode))
		dir->nlink++;
	return 0;
}

static int synth_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct synth_node *n = SN(dir);
	for (struct synth_child *c = n->children; c; c = c->next) {
		if (strcmp(c->name, name) == 0) {
			*out = inode_get(c->inode);
			return 0;
		}
	}
	if (n->dops && n->dops->lookup)
		return n->dops->lookup(dir, n->arg, name, out);
	return -LINUX_ENOENT;
}

struct list_state {
	struct dir_context *ctx;
	loff_t index; /* position of the next dynamic child */
	bool full;
};

static bool list_emit(void *ectx, const char *name, uint64_t ino,
		      unsigned dtype)
{
	struct list_state *ls = ectx;
	if (ls->index < ls->ctx->pos) {
		ls->index++;
		return true;
	}
	if (!dir_emit(ls->ctx, name, strlen(name), ino, dtype)) {
		ls->full = true;
		return false;
	}
	ls->index++;
	ls->ctx->pos = ls->index;
	return true;
}

static int synth_iterate(struct file *f, struct dir_context *ctx)
{
	if (!dir_emit_dots(f, ctx))
		return 0;
	struct synth_node *n = SN(f->inode);
	loff_t i = 2;
	for (struct synth_child *c = n->children; c; c = c->next, i++) {
		if (i < ctx->pos)
			continue;
		if (!dir_emit(ctx, c->name, strlen(c->name), c->inode->ino,
			      vfs_dtype(c->inode->mode)))
			return 0;
		ctx->pos = i + 1;
	}
	if (n->dops && n->dops->list) {
		struct list_state ls = {.ctx = ctx, .index = i};
		return n->dops->list(f->inode, n->arg, list_emit, &ls);
	}
	return 0;
}

static const struct inode_ops synth_dir_iops = {
    .lookup = synth_lookup,
};

static const struct file_ops synth_dir_fops = {
    .iterate = synth_iterate,
};
