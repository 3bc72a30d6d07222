/* overlay: a read-only lower tree (the gofer's) under a tmpfs upper layer
 * that receives every change, as `runsc do` and --overlay use. Lookups
 * and directory listings merge both layers; the first change to a lower
 * file copies it up (content, mode, owner, times); deleted lower names
 * leave whiteouts (0/0 char devices) in the upper; a directory recreated
 * over a whiteout is opaque. Renaming a directory that exists in the
 * lower fails with EXDEV, as Linux's overlayfs without redirect_dir (mv
 * falls back to copying). Inode numbers are the lower's when a lower file
 * exists, so they stay stable across copy-up. Kernel lock held. */
#ifndef SENTRY_FS_OVERLAY_OVERLAY_H
#define SENTRY_FS_OVERLAY_OVERLAY_H

#include "sentry/vfs/vfs.h"

/* A new overlay of the directory lower_root (referenced by the overlay)
 * with a fresh tmpfs upper. NULL on out-of-memory. */
struct super *overlay_new(struct inode *lower_root);

#endif
