/* Per-process filesystem context: root, cwd, umask (Linux's fs_struct).
 * Shared between tasks created with CLONE_FS, copied otherwise. Kernel lock
 * held for all calls. */
#ifndef SENTRY_VFS_FS_CONTEXT_H
#define SENTRY_VFS_FS_CONTEXT_H

#include <stdint.h>

#include "sentry/vfs/vfs.h"

struct fs_context {
	int refs;
	struct path root; /* referenced */
	struct path cwd;  /* referenced */
	uint32_t umask;
};

/* root = cwd = the global root ("/"), umask 022. NULL on out-of-memory
 * (or before vfs_init). */
struct fs_context *fs_context_new(void);
/* A copy (fork without CLONE_FS); NULL on out-of-memory. */
struct fs_context *fs_context_dup(struct fs_context *fs);
struct fs_context *fs_context_get(struct fs_context *fs);
void fs_context_put(struct fs_context *fs);
/* Change the cwd to an absolute path walked from fs's root (no
 * permission checks: for the kernel's setup, e.g. the OCI process.cwd).
 * 0, -LINUX_ENOENT, -LINUX_ENOTDIR... */
int fs_context_chdir(struct fs_context *fs, const char *abs_path);
/* Set cwd/root to an already-resolved directory (takes new references). */
void fs_context_set_cwd(struct fs_context *fs, const struct path *p);
void fs_context_set_root(struct fs_context *fs, const struct path *p);

#endif
