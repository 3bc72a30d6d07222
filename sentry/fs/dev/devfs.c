/* devfs. See devfs.h. */
#include "sentry/fs/dev/devfs.h"

#include <string.h>

#include "abi/errno.h"
#include "abi/stat.h"
#include "sentry/fs/dev/random.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/log.h"
#include "sentry/mm/usercopy.h"

/* devtmpfs is a tmpfs to statfs(2). */
#define DEVFS_MAGIC LINUX_TMPFS_MAGIC

#define RDEV_NULL    LINUX_MKDEV(1, 3)
#define RDEV_ZERO    LINUX_MKDEV(1, 5)
#define RDEV_FULL    LINUX_MKDEV(1, 7)
#define RDEV_RANDOM  LINUX_MKDEV(1, 8)
#define RDEV_URANDOM LINUX_MKDEV(1, 9)
#define RDEV_TTY     LINUX_MKDEV(5, 0)

/* ------------------------------------------------------------------ */
/* /dev/null, /dev/zero, /dev/full */

static long null_read(struct file *f, struct task *t, void *buf, size_t n,
		      loff_t *pos)
{
	return 0;
}

static long sink_write(struct file *f, struct task *t, const void *buf,
		       size_t n, loff_t *pos)
{
	return (long)n;
}

/* Linux's null_lseek and full_lseek: the offset stays 0. */
static loff_t zero_pos_llseek(struct file *f, loff_t off, int whence)
{
	f->pos = 0;
	return 0;
}

/* noop_llseek: nothing moves, the current offset is reported. */
static loff_t noop_llseek(struct file *f, loff_t off, int whence)
{
	return f->pos;
}

static long zero_read(struct file *f, struct task *t, void *buf, size_t n,
		      loff_t *pos)
{
	memset(buf, 0, n);
	return (long)n;
}

static long full_write(struct file *f, struct task *t, const void *buf,
		       size_t n, loff_t *pos)
{
	return -LINUX_ENOSPC;
}

static const struct file_ops null_ops = {
    .read = null_read,
    .write = sink_write,
    .llseek = zero_pos_llseek,
};

static const struct file_ops zero_ops = {
    .read = zero_read,
    .write = sink_write,
    .llseek = noop_llseek,
};

static const struct file_ops full_ops = {
    .read = zero_read,
    .write = full_write,
    .llseek = zero_pos_llseek,
};

/* ------------------------------------------------------------------ */
/* /dev/random, /dev/urandom: the sentry's entropy, never blocking (Linux
 * since 5.6 behaves so once the pool is initialized). Writes are accepted
 * and dropped (they would only mix into the pool). */

#define LINUX_RNDGETENTCNT 0x80045200

static long random_read(struct file *f, struct task *t, void *buf, size_t n,
			loff_t *pos)
{
	return sentry_getrandom(buf, n);
}

static long random_ioctl(struct file *f, struct task *t, unsigned cmd,
			 uint64_t arg)
{
	if (cmd == LINUX_RNDGETENTCNT) {
		int32_t bits = 256;
		return copy_out(t, arg, &bits, sizeof(bits));
	}
	return -LINUX_EINVAL;
}

static const struct file_ops random_ops = {
    .read = random_read,
    .write = sink_write,
    .llseek = noop_llseek,
    .ioctl = random_ioctl,
};

/* ------------------------------------------------------------------ */
/* Open by device number */

const struct file_ops *devfs_chr_ops(uint64_t rdev)
{
	if (rdev == RDEV_NULL)
		return &null_ops;
	if (rdev == RDEV_ZERO)
		return &zero_ops;
	if (rdev == RDEV_FULL)
		return &full_ops;
	if (rdev == RDEV_RANDOM || rdev == RDEV_URANDOM)
		return &random_ops;
	return NULL;
}

int devfs_chr_open(struct inode *inode, struct file *f, struct task *t)
{
	const struct file_ops *ops = devfs_chr_ops(inode->rdev);
	if (!ops)
		return -LINUX_ENXIO;
	f->ops = ops;
	return 0;
}

static const struct inode_ops chr_iops = {
    .open = devfs_chr_open,
};

/* ------------------------------------------------------------------ */
/* The tree */

static int add_chr(struct inode *root, const char *name, uint64_t rdev,
		   uint32_t perm)
{
	struct inode *i = inode_new(root->sb, LINUX_S_IFCHR | perm);
	if (!i)
		return -LINUX_ENOMEM;
	i->rdev = rdev;
	i->size = 0;
	i->i_op = &chr_iops;
	i->f_op = devfs_chr_ops(rdev);
	int r = synth_dir_add(root, name, i);
	if (r < 0)
		inode_put(i);
	return r;
}

static int add_link(struct inode *root, const char *name, const char *target)
{
	struct inode *i = synth_symlink_fixed(root->sb, target);
	if (!i)
		return -LINUX_ENOMEM;
	int r = synth_dir_add(root, name, i);
	if (r < 0)
		inode_put(i);
	return r;
}

static int add_dir(struct inode *root, const char *name, uint32_t perm)
{
	struct inode *i = synth_dir_new(root->sb, perm, NULL, NULL);
	if (!i)
		return -LINUX_ENOMEM;
	int r = synth_dir_add(root, name, i);
	if (r < 0)
		inode_put(i);
	return r;
}

static int devfs_populate(struct inode *root)
{
	static const struct {
		const char *name;
		uint64_t rdev;
		uint32_t perm;
	} chr[] = {
	    {"null", RDEV_NULL, 0666},	     {"zero", RDEV_ZERO, 0666},
	    {"full", RDEV_FULL, 0666},	     {"random", RDEV_RANDOM, 0666},
	    {"urandom", RDEV_URANDOM, 0666}, {"tty", RDEV_TTY, 0666},
	};
	static const struct {
		const char *name, *target;
	} links[] = {
	    {"stdin", "/proc/self/fd/0"},
	    {"stdout", "/proc/self/fd/1"},
	    {"stderr", "/proc/self/fd/2"},
	    {"fd", "/proc/self/fd"},
	};
	int r;
	for (size_t i = 0; i < sizeof(chr) / sizeof(chr[0]); i++) {
		r = add_chr(root, chr[i].name, chr[i].rdev, chr[i].perm);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		r = add_link(root, links[i].name, links[i].target);
		if (r < 0)
			return r;
	}
	r = add_dir(root, "pts", 0755);
	if (r < 0)
		return r;
	return add_dir(root, "shm", 01777);
}

int devfs_mount(void)
{
	/* Device nodes and FIFOs on other filesystems open through us. */
	vfs_chrdev_open_hook = devfs_chr_open;
	pipe_install_hooks();

	struct super *sb = synth_super_new("devtmpfs", DEVFS_MAGIC);
	if (!sb)
		return -LINUX_ENOMEM;
	/* /dev's children never change, and /dev/shm is a mount point: mounts
	 * are found by dentry, so the dentries must stay cached. */
	sb->flags &= ~SB_NOCACHE;
	struct inode *root = synth_dir_new(sb, 0755, NULL, NULL);
	if (!root)
		return -LINUX_ENOMEM;
	int r = devfs_populate(root);
	if (r < 0) {
		inode_put(root);
		return r;
	}
	r = super_set_root(sb, root);
	if (r < 0)
		return r;
	r = vfs_mount_at("/dev", sb);
	if (r < 0) {
		log_warn("devfs: mount at /dev: %s", linux_errno_name(-r));
		return r;
	}
	struct super *shm = tmpfs_new(01777);
	if (!shm)
		return -LINUX_ENOMEM;
	r = vfs_mount_at("/dev/shm", shm);
	if (r < 0)
		log_warn("devfs: mount tmpfs at /dev/shm: %s",
			 linux_errno_name(-r));
	return r;
}
