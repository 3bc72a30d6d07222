/* tmpfs: a filesystem held entirely in sentry memory. Also the upper layer
 * of the overlay (which uses the opaque flag below). Kernel lock held. */
#ifndef SENTRY_FS_TMPFS_TMPFS_H
#define SENTRY_FS_TMPFS_TMPFS_H

#include <stdbool.h>
#include <stdint.h>

#include "sentry/vfs/vfs.h"

/* A new, empty tmpfs whose root directory has mode root_mode (permission
 * bits) and owner uid/gid 0. NULL on out-of-memory. */
struct super *tmpfs_new(uint32_t root_mode);

/* A mount's size= (bytes, rounded up to pages) and nr_inodes= limits; 0:
 * none. Past them, writes and creations fail with ENOSPC, and statfs
 * reports them. */
void tmpfs_set_limits(struct super *sb, uint64_t max_bytes,
		      uint64_t max_inodes);

/* True when inode belongs to a tmpfs. */
bool tmpfs_is_tmpfs(const struct inode *inode);

/* Overlay support: an "opaque" mark on a tmpfs directory (the overlay's
 * trusted.overlay.opaque). */
bool tmpfs_dir_opaque(const struct inode *dir);
void tmpfs_dir_set_opaque(struct inode *dir, bool opaque);

/* List a tmpfs directory's entries (no "." / ".."): calls fn for each
 * until it returns false. */
void tmpfs_dir_list(struct inode *dir,
		    bool (*fn)(void *arg, const char *name,
			       struct inode *child),
		    void *arg);

/* Replace a regular file's content (for the overlay's copy-up).
 * 0 or -LINUX_ENOMEM. */
int tmpfs_set_content(struct inode *inode, const void *data, size_t len);

#endif
