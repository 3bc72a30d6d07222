/* The sentry's VFS: inodes, dentries, mounts, open files, and the
 * operations tables every filesystem and file type implements.
 *
 * HOW TO ADD A FILESYSTEM OR A FILE TYPE (note for /dev, /proc, pipes...).
 * A filesystem is a struct super (super_new()) whose root inode you make
 * with inode_new() and attach with super_set_root(); mount it with
 * vfs_mount_at("/proc", sb) from your init function. Each inode carries
 * two tables: inode_ops (name-space operations: lookup, create, unlink...;
 * leave NULL what you do not support, the VFS answers EPERM/ENOTDIR/EROFS
 * as Linux would) and file_ops (what an open file of that inode does:
 * read, write, iterate, ioctl, poll, release). Most synthetic trees need
 * no ops of their own: synth_dir_new() makes a directory of fixed children
 * (synth_dir_add) plus optional callbacks for dynamic ones (/proc/PID),
 * synth_file_new() a file whose whole content is generated at open into a
 * buffer (reads and lseek then come from that buffer), synth_symlink_new()
 * a symlink whose target may depend on the reading task (/proc/self).
 * A device node is inode_new(sb, S_IFCHR | 0666) with ->rdev and ->f_op set
 * to your file_ops. An anonymous file (pipe end, eventfd, socket) is
 * file_new_anon(ops, mode, flags, priv): it gets an inode on an internal
 * filesystem so fstat works; put it in the fd table with fd_install().
 * Everything here runs under the kernel lock (kernel/klock.h); an
 * operation that blocks waits on a waitq with task_wait().
 *
 * Conventions: every function returns >= 0 or -LINUX_Exxx. "get"/"put"
 * take/drop a reference; a function returning an object in *out gives the
 * caller one reference it must put. Strings passed in are borrowed.
 */
#ifndef SENTRY_VFS_VFS_H
#define SENTRY_VFS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/stat.h"

struct task;
struct cred;
struct waitq;
struct inode;
struct dentry;
struct file;
struct super;
struct mount;
struct dir_context;

#define VFS_NAME_MAX 255
#define VFS_PATH_MAX 4096

/* ------------------------------------------------------------------ */
/* Inodes */

/* Attributes to change (setattr). */
#define ATTR_MODE  0x001u
#define ATTR_UID   0x002u
#define ATTR_GID   0x004u
#define ATTR_SIZE  0x008u
#define ATTR_ATIME 0x010u
#define ATTR_MTIME 0x020u
#define ATTR_CTIME 0x040u
#define ATTR_TOUCH                                                             \
	0x080u /* atime/mtime set to "now" (utimensat NULL):                   \
		* write permission suffices, as in Linux */

struct iattr {
	unsigned valid; /* ATTR_* */
	uint32_t mode;	/* permission bits only (07777) */
	uint32_t uid, gid;
	uint64_t size;
	struct timespec atime, mtime, ctime;
};

struct inode_ops {
	/* Find name in directory dir. *out gets a referenced inode.
	 * -LINUX_ENOENT when absent. name is never "." or "..". */
	int (*lookup)(struct inode *dir, const char *name, struct inode **out);
	/* Create a regular file (create), directory, node (mknod: FIFO,
	 * char/block device, socket), or symlink named name in dir, owned by
	 * cred's fsuid/fsgid. mode includes the S_IFMT bits and has the umask
	 * already applied. The VFS has checked name does not exist (EEXIST)
	 * and write+search permission on dir. */
	int (*create)(struct inode *dir, const char *name, uint32_t mode,
		      const struct cred *cred, struct inode **out);
	int (*mkdir)(struct inode *dir, const char *name, uint32_t mode,
		     const struct cred *cred, struct inode **out);
	int (*mknod)(struct inode *dir, const char *name, uint32_t mode,
		     uint64_t rdev, const struct cred *cred,
		     struct inode **out);
	int (*symlink)(struct inode *dir, const char *name, const char *target,
		       const struct cred *cred, struct inode **out);
	/* New hard link name in dir to the existing non-directory old. */
	int (*link)(struct inode *old, struct inode *dir, const char *name);
	/* Remove name (which is victim) from dir. unlink: victim is not a
	 * directory; rmdir: it is one, and the fs checks it is empty
	 * (ENOTEMPTY). */
	int (*unlink)(struct inode *dir, const char *name,
		      struct inode *victim);
	int (*rmdir)(struct inode *dir, const char *name, struct inode *victim);
	/* Move olddir/oldname (which is moved) to newdir/newname (same
	 * super), replacing victim (the inode newname names, or NULL when
	 * absent; exchanged with it under RENAME_EXCHANGE). flags:
	 * LINUX_RENAME_NOREPLACE/EXCHANGE. The VFS has checked: the source
	 * exists, types are compatible (EISDIR/ENOTDIR), a replaced directory
	 * target is the fs's to check for emptiness (ENOTEMPTY), the source is
	 * not an ancestor of the target (EINVAL). moved and victim are
	 * borrowed; a stacked filesystem calling its layer's rename may pass
	 * NULL for both when that layer is tmpfs (which finds them itself). */
	int (*rename)(struct inode *olddir, const char *oldname,
		      struct inode *moved, struct inode *newdir,
		      const char *newname, struct inode *victim,
		      unsigned flags);
	/* Copy a symlink's target into buf (not NUL-terminated), at most size
	 * bytes; returns its length. t is the reading task (may be NULL). */
	int (*readlink)(struct inode *inode, struct task *t, char *buf,
			size_t size);
	/* Change attributes; ATTR_SIZE on a regular file truncates/extends.
	 * Permission checks are done by the VFS. NULL: EPERM. */
	int (*setattr)(struct inode *inode, const struct iattr *attr);
	/* Refresh the inode's cached fields (size, times...) from the backing
	 * store before a stat. NULL: the fields are always current. */
	int (*getattr)(struct inode *inode);
	/* Prepare an open file: may replace f->ops/f->priv (default: the
	 * inode's f_op, priv NULL). f->flags is set. t may be NULL for
	 * kernel-internal opens. */
	int (*open)(struct inode *inode, struct file *f, struct task *t);
	/* Optional permission check replacing the generic mode-bit one.
	 * mask: LINUX_R_OK|W_OK|X_OK. */
	int (*permission)(struct inode *inode, const struct cred *cred,
			  int mask);
};

struct inode {
	int refs;
	uint64_t ino;
	uint64_t dev;  /* LINUX_MKDEV encoding; copied from the super */
	uint32_t mode; /* S_IFMT | permission bits */
	uint32_t uid, gid;
	uint32_t nlink;
	uint64_t size;
	uint64_t rdev; /* device nodes */
	struct timespec atime, mtime, ctime, btime;
	uint32_t blksize;
	uint64_t blocks; /* 512-byte units */
	const struct inode_ops *i_op;
	const struct file_ops *f_op;
	struct super *sb;
	void *priv; /* the filesystem's; freed by sb->ops->evict_inode */
	/* Reserved for the memory manager (page cache of this file). When the
	 * inode is freed and this is non-NULL, mm_inode_release() is called. */
	void *mm_private;
	/* Bumped on every content change (write, truncate), so caches keyed
	 * on the inode can tell they are stale. */
	uint64_t generation;
	/* Named pipes on any filesystem: the pipe layer's state for this
	 * inode (see vfs_fifo_open_hook). */
	void *fifo_private;
	/* A bound AF_UNIX socket's node: the socket layer's pointer (it
	 * holds an inode reference while bound and clears this). */
	void *sock_private;
};

/* Opening special nodes that live on ordinary filesystems (tmpfs, the
 * gofer's tree, the overlay): set by the owning layer at its init.
 * vfs_open_path() calls vfs_fifo_open_hook for every FIFO inode, and
 * vfs_chrdev_open_hook for char/block device inodes that have no f_op of
 * their own (devfs's inodes have one and are opened normally); the hook
 * sets f->ops/f->priv (f->flags is set). Without a hook such opens fail
 * with ENXIO. vfs_fifo_release_hook is called when an inode with
 * fifo_private != NULL is freed. */
extern int (*vfs_fifo_open_hook)(struct inode *inode, struct file *f,
				 struct task *t);
extern void (*vfs_fifo_release_hook)(struct inode *inode);
extern int (*vfs_chrdev_open_hook)(struct inode *inode, struct file *f,
				   struct task *t);

/* Allocate an inode on sb with a fresh inode number and the current time,
 * refs = 1, nlink = 1 (2 for directories), uid/gid 0. Returns NULL on
 * out-of-memory. */
struct inode *inode_new(struct super *sb, uint32_t mode);
struct inode *inode_get(struct inode *inode);
void inode_put(struct inode *inode);
/* Current CLOCK_REALTIME time. */
struct timespec vfs_now(void);
/* Mark modified: mtime = ctime = now, generation++. */
void inode_touch_mtime(struct inode *inode);
/* Generic Linux permission check (mode bits, owner, group, others; root
 * bypasses read/write, and execute when any x bit is set or a dir).
 * cred NULL: kernel-internal, always allowed. 0 or -LINUX_EACCES. */
int inode_permission(struct inode *inode, const struct cred *cred, int mask);
/* The mode-bit check alone (for i_op->permission implementations). */
int vfs_generic_permission(struct inode *inode, const struct cred *cred,
			   int mask);
/* Linux DT_* for an inode's mode. */
unsigned vfs_dtype(uint32_t mode);

/* ------------------------------------------------------------------ */
/* Superblocks (one mounted instance of a filesystem) */

struct super_ops {
	/* Free inode->priv (refs reached 0). NULL: nothing to free. */
	void (*evict_inode)(struct inode *inode);
	/* Fill *st (the VFS pre-fills f_type = magic, f_bsize 4096,
	 * f_namelen 255, f_frsize 4096, and zeros). NULL: keep defaults. */
	int (*statfs)(struct super *sb, struct linux_statfs *st);
};

#define SB_RDONLY 0x1u /* writes fail with EROFS */
#define SB_NOCACHE                                                             \
	0x2u /* dentries are not cached: every walk calls                      \
	      * lookup (synthetic trees whose children come and                \
	      * go, like /proc) */

struct super {
	int refs;
	const char *fstype; /* "tmpfs", "proc": for /proc/mounts */
	const struct super_ops *ops;
	uint64_t magic; /* statfs f_type */
	uint64_t dev;	/* st_dev of all inodes */
	unsigned flags; /* SB_* */
	uint64_t next_ino;
	struct dentry *root;
	void *priv;
};

/* A new super with a fresh anonymous device number (major 0). NULL on
 * out-of-memory. */
struct super *super_new(const char *fstype, const struct super_ops *ops,
			uint64_t magic);
/* Give sb its root directory (takes over the caller's inode reference). */
int super_set_root(struct super *sb, struct inode *root);

/* ------------------------------------------------------------------ */
/* Dentries, mounts, paths */

/* A name in a directory, bound to an inode (there are no negative
 * dentries). Children looked up once are cached under their parent (unless
 * SB_NOCACHE) until unlinked or renamed. */
struct dentry {
	int refs;
	char *name;	       /* "/" for a root */
	struct dentry *parent; /* referenced; NULL for a super's root */
	struct inode *inode;   /* referenced */
	struct super *sb;
	bool cached;  /* in the dentry cache */
	bool deleted; /* unlinked: file_path() appends " (deleted)" */
	int mounted;  /* number of mounts on this dentry */
	struct dentry *hash_next;
};

struct dentry *dentry_get(struct dentry *d);
void dentry_put(struct dentry *d);

/* Per-mount flags: the same bits as statfs's ST_* f_flags. */
#define MNT_RDONLY 0x1u /* writes fail with EROFS, as SB_RDONLY */
#define MNT_NOSUID 0x2u /* (the sentry never honours set-id bits) */
#define MNT_NODEV  0x4u /* opening device nodes fails with EACCES */
#define MNT_NOEXEC 0x8u /* execve fails with EACCES */

struct mount {
	int refs;
	int id;		/* for /proc/PID/mountinfo, statx stx_mnt_id */
	unsigned flags; /* MNT_* */
	struct super *sb;
	/* sb->root, or a dentry under it (a bind mount of a subtree) */
	struct dentry *root;
	struct mount *parent;	   /* NULL for the root mount */
	struct dentry *mountpoint; /* in parent */
	char *source;		   /* "none", "tmpfs"... for /proc/mounts */
	struct mount *next;	   /* global list */
};

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

/* Writes through p fail with EROFS: its mount or its filesystem is
 * read-only. */
bool path_rdonly(const struct path *p);

void path_get(const struct path *p);
void path_put(struct path *p); /* and clears it */
bool path_equal(const struct path *a, const struct path *b);

/* The root mount (after vfs_init) and the list of mounts (for
 * /proc/mounts: iterate m = vfs_mounts(); m; m = m->next). */
struct mount *vfs_root_mount(void);
struct mount *vfs_mounts(void);

/* Absolute path of p as seen from root (NULL: the global root) into buf.
 * Returns the length, -LINUX_ENAMETOOLONG if it does not fit. */
int vfs_path_name(const struct path *root, const struct path *p, char *buf,
		  size_t size);

/* ------------------------------------------------------------------ */
/* Open files */

struct file_ops {
	/* Read/write up to n bytes at *pos (the file's offset or a pread
	 * offset), advancing *pos; pos == &f->pos for read()/write(). buf is a
	 * sentry buffer. t is the calling task, for blocking (task_wait) and
	 * signals; NULL for kernel-internal I/O, which must not block. Returns
	 * bytes (0 = EOF), -LINUX_EAGAIN when O_NONBLOCK and nothing is ready,
	 * -LINUX_ERESTARTSYS when interrupted. NULL: EINVAL. */
	long (*read)(struct file *f, struct task *t, void *buf, size_t n,
		     loff_t *pos);
	long (*write)(struct file *f, struct task *t, const void *buf, size_t n,
		      loff_t *pos);
	/* NULL: vfs_generic_llseek (SEEK_SET/CUR/END against inode->size).
	 * Pipes/sockets use vfs_no_llseek (ESPIPE). */
	loff_t (*llseek)(struct file *f, loff_t off, int whence);
	/* Directory listing from ctx->pos: call dir_emit() for each entry and
	 * advance ctx->pos after each accepted one; stop when it returns
	 * false. NULL (on a dir): ENOTDIR. */
	int (*iterate)(struct file *f, struct dir_context *ctx);
	/* arg is the raw application argument (copy with usercopy.h).
	 * NULL: ENOTTY. */
	long (*ioctl)(struct file *f, struct task *t, unsigned cmd,
		      uint64_t arg);
	/* Readiness: returns LINUX_POLL* bits now, and sets *wq (if wq is not
	 * NULL) to the wait queue woken when readiness changes, or NULL when
	 * none (then see host_fd). NULL op: always POLLIN|POLLOUT (regular
	 * files). */
	unsigned (*poll)(struct file *f, struct waitq **wq);
	/* For files backed by a host fd (hostfd.c): the fd to wait on with
	 * task_wait_host_fd(). NULL or -1: none. */
	int (*host_fd)(struct file *f);
	/* A host fd with the file's content that mmap may map directly (the
	 * host's page cache, nothing copied), valid while f is open. Only for
	 * files whose every change goes through that same host file (writes
	 * are pwrite on it or reach it through the gofer), so that the host's
	 * pages are the only copy. A shared writable mapping is made from it
	 * only when it is open O_RDWR. NULL or -1: none (mappings go through
	 * the memory file's copy, written back through write). */
	int (*mmap_fd)(struct file *f);
	int (*fsync)(struct file *f, int datasync);
	/* Last reference to the open file dropped: free f->priv. */
	void (*release)(struct file *f);
};

/* An open file description: shared by dup() and fork(). */
struct file {
	int refs;
	struct path path;    /* mnt NULL for anonymous files */
	struct inode *inode; /* referenced */
	uint32_t flags;	     /* LINUX_O_* as opened (access mode, O_APPEND,
			      * O_NONBLOCK, O_PATH...; no O_CREAT/TRUNC/EXCL) */
	loff_t pos;
	const struct file_ops *ops;
	void *priv;
	/* Per-open directory iteration state or similar for the fs. */
	void *dir_priv;
};

static inline bool file_readable(const struct file *f)
{
	return !(f->flags & LINUX_O_PATH) &&
	       (f->flags & LINUX_O_ACCMODE) != LINUX_O_WRONLY;
}
static inline bool file_writable(const struct file *f)
{
	return !(f->flags & LINUX_O_PATH) &&
	       ((f->flags & LINUX_O_ACCMODE) == LINUX_O_WRONLY ||
		(f->flags & LINUX_O_ACCMODE) == LINUX_O_RDWR);
}

struct file *file_get(struct file *f);
void file_put(struct file *f);

/* An anonymous file (pipe, socket, eventfd...): a new inode of the given
 * mode (e.g. S_IFIFO | 0600) on an internal filesystem, ops, open flags,
 * priv. NULL on out-of-memory. *inode_out (may be NULL) gets a borrowed
 * pointer to the inode, e.g. to share it between two pipe ends: use
 * file_new_anon_inode for the second end. */
struct file *file_new_anon(const struct file_ops *ops, uint32_t mode,
			   uint32_t flags, void *priv);
/* True for inodes of that internal filesystem (a pipe2() pipe, not a
 * named FIFO: Linux's fifo_open never waits for a peer on those). */
bool inode_is_anon(const struct inode *inode);
struct file *file_new_anon_inode(struct inode *inode,
				 const struct file_ops *ops, uint32_t flags,
				 void *priv);
/* Open an already-resolved path (used by open(), exec, /proc/PID/fd).
 * flags: LINUX_O_*; checks permissions against cred (NULL: none),
 * handles O_TRUNC. */
int vfs_open_path(const struct path *p, uint32_t flags, const struct cred *cred,
		  struct task *t, struct file **out);

/* Open an inode that has no path in the tree (a layer of the overlay, a
 * gofer file): no permission checks, no O_TRUNC; file_path() reports an
 * anonymous name. */
int vfs_open_inode(struct inode *inode, uint32_t flags, struct task *t,
		   struct file **out);

/* I/O through the ops, with Linux's checks (EBADF for the wrong access
 * mode, EISDIR, EINVAL when the op is missing). pos: NULL = use and
 * advance f->pos (O_APPEND honoured). */
long vfs_read(struct file *f, struct task *t, void *buf, size_t n, loff_t *pos);
long vfs_write(struct file *f, struct task *t, const void *buf, size_t n,
	       loff_t *pos);
loff_t vfs_llseek(struct file *f, loff_t off, int whence);
loff_t vfs_generic_llseek(struct file *f, loff_t off, int whence);
loff_t vfs_no_llseek(struct file *f, loff_t off, int whence);
/* Readiness of any file (see file_ops.poll). */
unsigned vfs_poll(struct file *f, struct waitq **wq);

/* Read n bytes at off into a sentry buffer, for exec and the memory
 * manager: loops until n bytes or EOF. Returns bytes or -LINUX_Exxx. */
long file_pread(struct file *f, void *buf, size_t n, uint64_t off);

/* Absolute path of the file in the sandbox (as /proc/PID/fd shows it;
 * "pipe:[ino]"-style names for anonymous files, " (deleted)" appended
 * for unlinked ones). Returns the length or -LINUX_ENAMETOOLONG. */
int file_path(struct file *f, char *buf, size_t size);

/* Fill a struct stat / statx from an inode (calls i_op->getattr). */
int vfs_getattr(struct inode *inode);
void vfs_fill_stat(struct inode *inode, struct linux_stat *st);
void vfs_fill_statx(struct inode *inode, struct mount *mnt, uint32_t mask,
		    struct linux_statx *st);

/* ------------------------------------------------------------------ */
/* Directory iteration */

struct dir_context {
	/* Position: the fs's cookie; 0 = start. 0 and 1 are "." and ".." when
	 * the fs uses dir_emit_dots(). */
	loff_t pos;
	/* Filled by the getdents code. */
	bool (*actor)(struct dir_context *ctx, const char *name, size_t len,
		      uint64_t ino, unsigned dtype);
	void *priv;
};

/* Emit one entry; false when the caller's buffer is full (stop, and do not
 * advance ctx->pos). */
static inline bool dir_emit(struct dir_context *ctx, const char *name,
			    size_t len, uint64_t ino, unsigned dtype)
{
	return ctx->actor(ctx, name, len, ino, dtype);
}
/* Emit "." and ".." for positions 0 and 1 (advancing ctx->pos); false when
 * full. */
bool dir_emit_dots(struct file *f, struct dir_context *ctx);

/* ------------------------------------------------------------------ */
/* Synthetic files and directories (for /proc, /dev, /sys) */

/* Generate the whole content of a synthetic file at open. t is the
 * opening task (may be NULL), arg the pointer given at creation. Set *out
 * to a malloc'd buffer (freed by the VFS) and return its length, or
 * return -LINUX_Exxx. */
typedef long (*synth_gen_fn)(struct task *t, void *arg, char **out);
/* Optional write handler: data written by the application (whole write
 * at once). Returns bytes consumed or -LINUX_Exxx. */
typedef long (*synth_write_fn)(struct task *t, void *arg, const char *buf,
			       size_t n);
struct inode *synth_file_new(struct super *sb, uint32_t mode, synth_gen_fn gen,
			     synth_write_fn write, void *arg);

/* A symlink whose target is computed at readlink time. Returns the length
 * written into buf (at most size, not NUL-terminated) or -LINUX_Exxx. */
typedef int (*synth_link_fn)(struct task *t, void *arg, char *buf, size_t size);
struct inode *synth_symlink_new(struct super *sb, synth_link_fn fn, void *arg);
/* A symlink with a fixed target (copied). */
struct inode *synth_symlink_fixed(struct super *sb, const char *target);

/* A directory. Fixed children are added with synth_dir_add (the dir takes
 * over the child reference). Dynamic children come from ops (may be NULL):
 * lookup returns a new referenced inode (-LINUX_ENOENT when absent), list
 * calls emit for every dynamic child. Fixed children are listed first. */
struct synth_dir_ops {
	int (*lookup)(struct inode *dir, void *arg, const char *name,
		      struct inode **out);
	/* Call emit(ectx, name, ino, dtype) for each child; stop when it
	 * returns false. */
	int (*list)(struct inode *dir, void *arg,
		    bool (*emit)(void *ectx, const char *name, uint64_t ino,
				 unsigned dtype),
		    void *ectx);
	/* Free arg when the directory inode goes away (may be NULL). */
	void (*free)(void *arg);
};
struct inode *synth_dir_new(struct super *sb, uint32_t mode,
			    const struct synth_dir_ops *ops, void *arg);
int synth_dir_add(struct inode *dir, const char *name, struct inode *child);
/* The arg given to synth_*_new for inode (NULL if not synthetic). */
void *synth_arg(struct inode *inode);
/* A super for a synthetic tree (SB_NOCACHE set: /proc's changing
 * children are always looked up afresh). */
struct super *synth_super_new(const char *fstype, uint64_t magic);

/* ------------------------------------------------------------------ */
/* Mounting and init */

/* How the gofer's tree is the root: under an overlay with a tmpfs upper
 * layer (writes stay in the sandbox's memory: runsc do), or itself,
 * writable (writes reach the host: OCI containers) or read-only. */
enum vfs_root_mode { VFS_ROOT_OVERLAY, VFS_ROOT_RW, VFS_ROOT_RO };
/* Mount the root filesystem: the gofer's tree over gofer_fd as mode says.
 * gofer_fd < 0: an empty tmpfs root (tests). Call once, before any task
 * exists. */
int vfs_init(int gofer_fd, enum vfs_root_mode mode);
/* The gofer's root super vfs_init mounted (under the overlay or not), for
 * bind mounts through the same gofer; NULL without a gofer. */
struct super *vfs_gofer_super(void);
/* Mount sb at an absolute path (created as a directory when missing).
 * Takes a reference on sb. For devfs_mount()/procfs_mount(). */
int vfs_mount_at(const char *path, struct super *sb);
/* The same under another tree's root mount (vfs_mount_detached). */
int vfs_mount_at_in(struct mount *root, const char *path, struct super *sb);
/* sb as the root of a tree of its own, apart from the sandbox's (a joined
 * container's root: its tasks' fs root). NULL on out-of-memory. */
struct mount *vfs_mount_detached(struct super *sb);
/* The root mount of the tree m is in (the sandbox's or a detached one). */
struct mount *vfs_mount_ns_root(struct mount *m);
/* Mount sb with a given root mount (for tests / before vfs_init). */
int vfs_mount_root(struct super *sb);
/* Mount sb on a resolved directory. */
int vfs_mount_on(const struct path *mountpoint, struct super *sb,
		 const char *source);
/* Mount root (a dentry of any super: its root, or a subtree for a bind
 * mount) on mountpoint with MNT_* flags. Both must be directories, or
 * both not (a file mounted over a file): else ENOTDIR or EISDIR. */
int vfs_mount_tree(const struct path *mountpoint, struct dentry *root,
		   unsigned mnt_flags, const char *source);

/* Open an executable for the loader: follows symlinks; ENOENT, ENOTDIR,
 * ELOOP, EACCES (not a regular file, or no execute permission for t's
 * cred). The file is opened read-only. */
int vfs_open_exec(struct task *t, const char *path, struct file **out);

/* Implemented by the memory manager (sentry/mm/mm.h). */
void mm_inode_release(struct inode *inode);
/* Optional page-cache coherence hooks of the memory manager (weak: the
 * VFS calls them only when they are linked in), for regular files whose
 * inode has mm_private != NULL:
 * - mm_inode_written: after a successful write()/pwrite() of n bytes at
 *   off (buf holds them), so mapped pages can be updated in place;
 * - mm_inode_sync: before a read()/pread(), so dirty MAP_SHARED pages can
 *   be written back first and read() sees them. */
void mm_inode_written(struct inode *inode, uint64_t off, const void *buf,
		      size_t n);
void mm_inode_sync(struct inode *inode);

#endif
