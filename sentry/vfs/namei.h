/* The path walker.
 *
 * One walker for every path-taking call: absolute paths from the walk's
 * root, relative ones from its start (cwd or a dirfd); symlinks followed
 * (ELOOP after 40), ".." never above the root and crossing mount points
 * both ways, trailing slashes (the last component must then be a
 * directory), ENAMETOOLONG for a component over 255 bytes or a path of 4096
 * or more, search permission on every directory crossed. Kernel lock held.
 */
#ifndef SENTRY_VFS_NAMEI_H
#define SENTRY_VFS_NAMEI_H

#include "sentry/vfs/vfs.h"

struct cred;
struct task;

#define LOOKUP_FOLLOW	 0x1u /* follow a final symlink */
#define LOOKUP_DIRECTORY 0x2u /* the result must be a directory */
#define LOOKUP_EMPTY	 0x4u /* "" resolves to the start (AT_EMPTY_PATH) */
#define LOOKUP_NOXDEV	 0x8u /* reserved */

/* What a walk starts from: borrowed references. */
struct walk_ctx {
	struct path root;	 /* the walk never goes above it */
	struct path start;	 /* relative paths start here */
	const struct cred *cred; /* NULL: no permission checks */
	struct task *task;	 /* for task-dependent symlinks; may be NULL */
};

/* Resolve path to *out (referenced). */
int vfs_walk(const struct walk_ctx *wc, const char *path, unsigned flags,
	     struct path *out);

/* Resolve all but the last component: *parent gets the (referenced)
 * directory, last the final name (NUL-terminated, at most 255 bytes).
 * *last_type: LAST_NORM, LAST_DOT ("." or "/"), LAST_DOTDOT; *trailing
 * set when the path ended in '/'. */
enum { LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT };
int vfs_walk_parent(const struct walk_ctx *wc, const char *path,
		    struct path *parent, char last[VFS_NAME_MAX + 1],
		    int *last_type, bool *trailing);

/* Look up one name in a directory (no symlink following, no mount
 * crossing); *out gets a referenced dentry. Checks search permission. */
int vfs_lookup_one(struct dentry *dir, const char *name,
		   const struct cred *cred, struct dentry **out);

/* Set up a walk for task t relative to dirfd (LINUX_AT_FDCWD or an open
 * directory fd: ENOTDIR if it is not a directory, EBADF if not open).
 * Holds references: release with walk_ctx_release(). dirfd is only used for
 * relative paths and for empty paths. */
int walk_ctx_task(struct task *t, int dirfd, const char *path,
		  struct walk_ctx *wc);
void walk_ctx_release(struct walk_ctx *wc);

/* Convenience: resolve path for t relative to dirfd. */
int vfs_walk_task(struct task *t, int dirfd, const char *path, unsigned flags,
		  struct path *out);

/* open(2)'s core for a walk context: O_CREAT/O_EXCL/O_TRUNC/O_DIRECTORY/
 * O_NOFOLLOW/O_PATH handled; mode is applied with umask by the caller. */
int vfs_openat_ctx(const struct walk_ctx *wc, const char *path, uint32_t flags,
		   uint32_t mode, struct file **out);

/* Name-space operations under a walk context (used by the syscalls and
 * by tests). mode for mkdir/mknod/create already has the umask applied. */
int vfs_mkdir(const struct walk_ctx *wc, const char *path, uint32_t mode);
int vfs_mknod(const struct walk_ctx *wc, const char *path, uint32_t mode,
	      uint64_t rdev);
int vfs_unlink(const struct walk_ctx *wc, const char *path);
int vfs_rmdir(const struct walk_ctx *wc, const char *path);
int vfs_symlink(const struct walk_ctx *wc, const char *target,
		const char *path);
int vfs_link(const struct walk_ctx *oldwc, const char *oldpath,
	     const struct walk_ctx *newwc, const char *newpath,
	     unsigned lookup_flags);
int vfs_rename(const struct walk_ctx *oldwc, const char *oldpath,
	       const struct walk_ctx *newwc, const char *newpath,
	       unsigned flags);
int vfs_readlink(const struct walk_ctx *wc, const char *path, char *buf,
		 size_t size);
/* setattr with Linux's permission rules (owner or root for chmod/utimes,
 * root for chown, write permission for truncate, EROFS). */
int vfs_setattr(struct path *p, const struct cred *cred, struct iattr *attr);

#endif
