/* Per-process root, cwd and umask. */
#include <stdlib.h>

#include "sentry/vfs/fs_context.h"
#include "sentry/vfs/namei.h"

struct fs_context *fs_context_new(void)
{
	struct mount *m = vfs_root_mount();
	if (!m)
		return NULL;
	struct fs_context *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return NULL;
	fs->refs = 1;
	fs->root = (struct path){m, m->root};
	path_get(&fs->root);
	fs->cwd = fs->root;
	path_get(&fs->cwd);
	fs->umask = 022;
	return fs;
}

struct fs_context *fs_context_dup(struct fs_context *old)
{
	struct fs_context *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return NULL;
	fs->refs = 1;
	fs->root = old->root;
	path_get(&fs->root);
	fs->cwd = old->cwd;
	path_get(&fs->cwd);
	fs->umask = old->umask;
	return fs;
}

struct fs_context *fs_context_get(struct fs_context *fs)
{
	if (fs)
		fs->refs++;
	return fs;
}

void fs_context_put(struct fs_context *fs)
{
	if (!fs || --fs->refs > 0)
		return;
	path_put(&fs->root);
	path_put(&fs->cwd);
	free(fs);
}

int fs_context_chdir(struct fs_context *fs, const char *abs_path)
{
	struct walk_ctx wc = {.root = fs->root, .start = fs->root};
	struct path p;
	int ret = vfs_walk(&wc, abs_path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	if (ret < 0)
		return ret;
	fs_context_set_cwd(fs, &p);
	path_put(&p);
	return 0;
}

void fs_context_set_cwd(struct fs_context *fs, const struct path *p)
{
	path_get(p);
	path_put(&fs->cwd);
	fs->cwd = *p;
}

void fs_context_set_root(struct fs_context *fs, const struct path *p)
{
	path_get(p);
	path_put(&fs->root);
	fs->root = *p;
}
