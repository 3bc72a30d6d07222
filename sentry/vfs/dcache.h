/* VFS-internal: the dentry cache and mount lookup. Filesystems do not need
 * these; the walker and name-space operations keep the cache consistent. */
#ifndef SENTRY_VFS_DCACHE_H
#define SENTRY_VFS_DCACHE_H

#include "sentry/vfs/vfs.h"

/* A new dentry (refs 1) named name under parent (referenced), taking over
 * the caller's reference on inode. NULL on out-of-memory. */
struct dentry *dentry_alloc(struct dentry *parent, const char *name,
			    struct inode *inode);
/* The cached child name of parent, referenced, or NULL. */
struct dentry *dcache_lookup(struct dentry *parent, const char *name);
/* Cache d under its parent (no-op for SB_NOCACHE supers and roots). */
void dcache_add(struct dentry *d);
/* Remove d from the cache. */
void dcache_drop(struct dentry *d);
/* Drop the cached child name of parent, if any, marking it deleted. */
void dcache_drop_name(struct dentry *parent, const char *name, bool deleted);
/* Rename d in the cache. */
int dcache_move(struct dentry *d, struct dentry *newparent,
		const char *newname);
/* The topmost mount on dentry d of mount parent, or NULL. */
struct mount *mount_lookup(struct mount *parent, struct dentry *d);

#endif
