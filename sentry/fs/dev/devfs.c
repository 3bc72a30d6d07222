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
#include "sentry/vfs/namei.h"

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

/* ------------------------------------------------------------------ */
/* The tree */

/* /dev's entries, made as an application would (mknod, symlink, mkdir) on
 * the tmpfs mounted there, so that the tree is an ordinary writable one:
 * a container's runtime binds files into it (Kubernetes'
 * /dev/termination-log) and programs make sockets in it (/dev/log). */
static int devfs_populate(const struct walk_ctx *wc)
{
	static const struct {
		const char *path;
		uint64_t rdev;
	} chr[] = {
	    {"/dev/null", RDEV_NULL},	    {"/dev/zero", RDEV_ZERO},
	    {"/dev/full", RDEV_FULL},	    {"/dev/random", RDEV_RANDOM},
	    {"/dev/urandom", RDEV_URANDOM}, {"/dev/tty", RDEV_TTY},
	};
	static const struct {
		const char *path, *target;
	} links[] = {
	    {"/dev/stdin", "/proc/self/fd/0"},
	    {"/dev/stdout", "/proc/self/fd/1"},
	    {"/dev/stderr", "/proc/self/fd/2"},
	    {"/dev/fd", "/proc/self/fd"},
	};
	int r;
	for (size_t i = 0; i < sizeof(chr) / sizeof(chr[0]); i++) {
		r = vfs_mknod(wc, chr[i].path, LINUX_S_IFCHR | 0666,
			      chr[i].rdev);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		r = vfs_symlink(wc, links[i].target, links[i].path);
		if (r < 0)
			return r;
	}
	r = vfs_mkdir(wc, "/dev/pts", 0755);
	if (r < 0)
		return r;
	return vfs_mkdir(wc, "/dev/shm", 01777);
}

int devfs_mount(void)
{
	return devfs_mount_in(vfs_root_mount());
}

int devfs_mount_in(struct mount *rm)
{
	/* Device nodes and FIFOs on any filesystem open through us. */
	vfs_chrdev_open_hook = devfs_chr_open;
	pipe_install_hooks();

	/* As runc and Docker make it: a tmpfs, mode 755. */
	struct super *sb = tmpfs_new(0755);
	if (!sb)
		return -LINUX_ENOMEM;
	int r = vfs_mount_at_in(rm, "/dev", sb);
	if (r < 0) {
		log_warn("devfs: mount at /dev: %s", linux_errno_name(-r));
		return r;
	}
	struct walk_ctx wc = {.root = {rm, rm->root}, .start = {rm, rm->root}};
	r = devfs_populate(&wc);
	if (r < 0) {
		log_warn("devfs: populating /dev: %s", linux_errno_name(-r));
		return r;
	}
	struct super *shm = tmpfs_new(01777);
	if (!shm)
		return -LINUX_ENOMEM;
	r = vfs_mount_at_in(rm, "/dev/shm", shm);
	if (r < 0)
		log_warn("devfs: mount tmpfs at /dev/shm: %s",
			 linux_errno_name(-r));
	return r;
}
