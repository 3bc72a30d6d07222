/* The path walker over a tmpfs tree built with the VFS API, without tasks:
 * "..", symlinks and ELOOP, trailing slashes, ENAMETOOLONG, mount
 * crossing, name-space operations, and the overlay (copy-up, whiteouts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sentry/fs/overlay/overlay.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/kernel/task.h"
#include "sentry/vfs/dcache.h"
#include "sentry/vfs/namei.h"
#include "sentry/vfs/vfs.h"

static struct walk_ctx wc;

static int setup_root(void **state)
{
	static bool done;
	if (!done) {
		struct super *sb = tmpfs_new(0755);
		assert_non_null(sb);
		assert_int_equal(vfs_mount_root(sb), 0);
		done = true;
	}
	struct mount *m = vfs_root_mount();
	wc.root = (struct path){m, m->root};
	wc.start = wc.root;
	wc.cred = NULL;
	wc.task = NULL;
	return 0;
}

static int walk_ino(const char *path, unsigned flags, uint64_t *ino)
{
	struct path p;
	int ret = vfs_walk(&wc, path, flags, &p);
	if (ret < 0)
		return ret;
	if (ino)
		*ino = p.dentry->inode->ino;
	path_put(&p);
	return 0;
}

static void write_file(const char *path, const char *content)
{
	struct file *f;
	assert_int_equal(
	    vfs_openat_ctx(&wc, path,
			   LINUX_O_WRONLY | LINUX_O_CREAT | LINUX_O_TRUNC, 0644,
			   &f),
	    0);
	long n = vfs_write(f, NULL, content, strlen(content), NULL);
	assert_int_equal(n, (long)strlen(content));
	file_put(f);
}

static void read_file(const char *path, const char *want)
{
	struct file *f;
	assert_int_equal(vfs_openat_ctx(&wc, path, LINUX_O_RDONLY, 0, &f), 0);
	char buf[256] = {0};
	long n = file_pread(f, buf, sizeof(buf) - 1, 0);
	assert_true(n >= 0);
	assert_string_equal(buf, want);
	file_put(f);
}

static void test_basic_tree(void **state)
{
	assert_int_equal(vfs_mkdir(&wc, "/a", 0755), 0);
	assert_int_equal(vfs_mkdir(&wc, "/a/b", 0755), 0);
	assert_int_equal(vfs_mkdir(&wc, "/a", 0755), -LINUX_EEXIST);
	write_file("/a/b/f", "hello");
	read_file("/a/b/f", "hello");
	read_file("a/./b/../b/f", "hello");
	uint64_t i1, i2;
	assert_int_equal(walk_ino("/a/b", 0, &i1), 0);
	assert_int_equal(walk_ino("/a/b/f/..", 0, &i2), -LINUX_ENOTDIR);
	assert_int_equal(walk_ino("/a/b/../../a/b", 0, &i2), 0);
	assert_int_equal(i1, i2);
	assert_int_equal(walk_ino("/nope", 0, NULL), -LINUX_ENOENT);
	assert_int_equal(walk_ino("", 0, NULL), -LINUX_ENOENT);
	assert_int_equal(walk_ino("", LOOKUP_EMPTY, NULL), 0);
}

static void test_dotdot_at_root(void **state)
{
	uint64_t r, x;
	assert_int_equal(walk_ino("/", 0, &r), 0);
	assert_int_equal(walk_ino("/../../..", 0, &x), 0);
	assert_int_equal(r, x);
	/* A walk rooted at /a cannot leave it. */
	struct walk_ctx sub = wc;
	struct path a;
	assert_int_equal(vfs_walk(&wc, "/a", 0, &a), 0);
	sub.root = a;
	sub.start = a;
	struct path p;
	assert_int_equal(vfs_walk(&sub, "../../b", 0, &p), 0);
	uint64_t ab;
	assert_int_equal(walk_ino("/a/b", 0, &ab), 0);
	assert_int_equal(p.dentry->inode->ino, ab);
	path_put(&p);
	assert_int_equal(vfs_walk(&sub, "/b/f", 0, &p), 0);
	path_put(&p);
	path_put(&a);
}

static void test_trailing_slash(void **state)
{
	assert_int_equal(walk_ino("/a/b/", 0, NULL), 0);
	assert_int_equal(walk_ino("/a/b/f/", 0, NULL), -LINUX_ENOTDIR);
	assert_int_equal(walk_ino("/a/b/f", LOOKUP_DIRECTORY, NULL),
			 -LINUX_ENOTDIR);
	assert_int_equal(walk_ino("/a//b///", 0, NULL), 0);
	assert_int_equal(vfs_unlink(&wc, "/a/b/f/"), -LINUX_ENOTDIR);
	assert_int_equal(vfs_mkdir(&wc, "/a/c/", 0755), 0);
	assert_int_equal(vfs_rmdir(&wc, "/a/c/"), 0);
}

static void test_symlinks(void **state)
{
	assert_int_equal(vfs_symlink(&wc, "b/f", "/a/lf"), 0);
	assert_int_equal(vfs_symlink(&wc, "/a/b", "/a/lb"), 0);
	read_file("/a/lf", "hello");
	read_file("/a/lb/f", "hello");
	uint64_t d, l;
	assert_int_equal(walk_ino("/a/lb/", 0, &d), 0);
	assert_int_equal(walk_ino("/a/b", 0, &l), 0);
	assert_int_equal(d, l);
	assert_int_equal(walk_ino("/a/lb", 0, &l), 0);
	assert_int_not_equal(d, l); /* no follow: the link itself */
	char buf[64];
	assert_int_equal(vfs_readlink(&wc, "/a/lf", buf, sizeof(buf)), 3);
	assert_int_equal(vfs_readlink(&wc, "/a/b", buf, sizeof(buf)),
			 -LINUX_EINVAL);
	/* Loops. */
	assert_int_equal(vfs_symlink(&wc, "loop2", "/a/loop1"), 0);
	assert_int_equal(vfs_symlink(&wc, "loop1", "/a/loop2"), 0);
	assert_int_equal(walk_ino("/a/loop1", LOOKUP_FOLLOW, NULL),
			 -LINUX_ELOOP);
	assert_int_equal(walk_ino("/a/loop1", 0, NULL), 0);
	assert_int_equal(walk_ino("/a/loop1/x", 0, NULL), -LINUX_ELOOP);
	struct file *f;
	assert_int_equal(vfs_openat_ctx(&wc, "/a/lf",
					LINUX_O_RDONLY | LINUX_O_NOFOLLOW, 0,
					&f),
			 -LINUX_ELOOP);
	assert_int_equal(vfs_openat_ctx(&wc, "/a/lf",
					LINUX_O_PATH | LINUX_O_NOFOLLOW, 0, &f),
			 0);
	assert_true(LINUX_S_ISLNK(f->inode->mode));
	file_put(f);
	/* 40 links are fine, 41 are not. */
	char name[32], target[32];
	assert_int_equal(vfs_mkdir(&wc, "/chain", 0755), 0);
	for (int i = 0; i < 41; i++) {
		snprintf(name, sizeof(name), "/chain/l%d", i);
		if (i == 0)
			snprintf(target, sizeof(target), "/a/b");
		else
			snprintf(target, sizeof(target), "l%d", i - 1);
		assert_int_equal(vfs_symlink(&wc, target, name), 0);
	}
	assert_int_equal(walk_ino("/chain/l39", LOOKUP_FOLLOW, NULL), 0);
	assert_int_equal(walk_ino("/chain/l40", LOOKUP_FOLLOW, NULL),
			 -LINUX_ELOOP);
	/* Dangling. */
	assert_int_equal(vfs_symlink(&wc, "/nowhere", "/a/dang"), 0);
	assert_int_equal(walk_ino("/a/dang", LOOKUP_FOLLOW, NULL),
			 -LINUX_ENOENT);
}

static void test_nametoolong(void **state)
{
	char comp[300];
	memset(comp, 'x', 256);
	comp[0] = '/';
	comp[257] = '\0';
	assert_int_equal(walk_ino(comp, 0, NULL), -LINUX_ENAMETOOLONG);
	comp[256] = '\0'; /* 255 chars: just absent */
	assert_int_equal(walk_ino(comp, 0, NULL), -LINUX_ENOENT);
	char *big = malloc(5000);
	memset(big, '/', 4999);
	big[4999] = '\0';
	assert_int_equal(walk_ino(big, 0, NULL), -LINUX_ENAMETOOLONG);
	big[4095] = '\0';
	assert_int_equal(walk_ino(big, 0, NULL), 0);
	free(big);
}

static void test_open_flags(void **state)
{
	struct file *f;
	assert_int_equal(
	    vfs_openat_ctx(&wc, "/a/b/f",
			   LINUX_O_CREAT | LINUX_O_EXCL | LINUX_O_WRONLY, 0644,
			   &f),
	    -LINUX_EEXIST);
	assert_int_equal(vfs_openat_ctx(&wc, "/a/b/f",
					LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0,
					&f),
			 -LINUX_ENOTDIR);
	assert_int_equal(vfs_openat_ctx(&wc, "/a/b", LINUX_O_WRONLY, 0, &f),
			 -LINUX_EISDIR);
	assert_int_equal(
	    vfs_openat_ctx(&wc, "/a/b/new/", LINUX_O_CREAT, 0644, &f),
	    -LINUX_EISDIR);
	write_file("/a/b/t", "long content");
	assert_int_equal(
	    vfs_openat_ctx(&wc, "/a/b/t", LINUX_O_RDWR | LINUX_O_TRUNC, 0, &f),
	    0);
	assert_int_equal(f->inode->size, 0);
	file_put(f);
	/* Permission checks with a non-root cred. */
	struct cred c = {.uid = 1000,
			 .euid = 1000,
			 .fsuid = 1000,
			 .gid = 1000,
			 .fsgid = 1000};
	struct walk_ctx uw = wc;
	uw.cred = &c;
	assert_int_equal(vfs_openat_ctx(&uw, "/a/b/t", LINUX_O_WRONLY, 0, &f),
			 -LINUX_EACCES);
	assert_int_equal(vfs_openat_ctx(&uw, "/a/b/t", LINUX_O_RDONLY, 0, &f),
			 0);
	file_put(f);
	assert_int_equal(vfs_mkdir(&uw, "/a/b/u", 0755), -LINUX_EACCES);
}

static void test_unlink_rename(void **state)
{
	write_file("/a/r1", "one");
	write_file("/a/r2", "two");
	assert_int_equal(
	    vfs_rename(&wc, "/a/r1", &wc, "/a/r2", LINUX_RENAME_NOREPLACE),
	    -LINUX_EEXIST);
	assert_int_equal(
	    vfs_rename(&wc, "/a/r1", &wc, "/a/r2", LINUX_RENAME_EXCHANGE), 0);
	read_file("/a/r1", "two");
	read_file("/a/r2", "one");
	assert_int_equal(vfs_rename(&wc, "/a/r1", &wc, "/a/r2", 0), 0);
	read_file("/a/r2", "two");
	assert_int_equal(walk_ino("/a/r1", 0, NULL), -LINUX_ENOENT);
	assert_int_equal(vfs_rename(&wc, "/a", &wc, "/a/b/x", 0),
			 -LINUX_EINVAL);
	assert_int_equal(vfs_rename(&wc, "/a/r2", &wc, "/a/b", 0),
			 -LINUX_EISDIR);
	assert_int_equal(vfs_rename(&wc, "/a/b", &wc, "/a/r2", 0),
			 -LINUX_ENOTDIR);
	assert_int_equal(vfs_rmdir(&wc, "/a"), -LINUX_ENOTEMPTY);
	assert_int_equal(vfs_rmdir(&wc, "/a/r2"), -LINUX_ENOTDIR);
	assert_int_equal(vfs_unlink(&wc, "/a/b"), -LINUX_EISDIR);
	/* Hard links. */
	assert_int_equal(vfs_link(&wc, "/a/r2", &wc, "/a/r3", 0), 0);
	uint64_t i2, i3;
	assert_int_equal(walk_ino("/a/r2", 0, &i2), 0);
	assert_int_equal(walk_ino("/a/r3", 0, &i3), 0);
	assert_int_equal(i2, i3);
	assert_int_equal(vfs_unlink(&wc, "/a/r2"), 0);
	read_file("/a/r3", "two");
	/* An open file survives its unlink and reports " (deleted)". */
	struct file *f;
	assert_int_equal(vfs_openat_ctx(&wc, "/a/r3", LINUX_O_RDONLY, 0, &f),
			 0);
	assert_int_equal(vfs_unlink(&wc, "/a/r3"), 0);
	char buf[128];
	assert_true(file_path(f, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "/a/r3 (deleted)");
	char data[8] = {0};
	assert_int_equal(file_pread(f, data, 7, 0), 3);
	file_put(f);
	/* Renamed directories keep their path for open files. */
	assert_int_equal(vfs_mkdir(&wc, "/m1", 0755), 0);
	assert_int_equal(vfs_openat_ctx(&wc, "/m1", LINUX_O_RDONLY, 0, &f), 0);
	assert_int_equal(vfs_rename(&wc, "/m1", &wc, "/m2", 0), 0);
	assert_true(file_path(f, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "/m2");
	file_put(f);
}

static void test_mount_crossing(void **state)
{
	assert_int_equal(vfs_mkdir(&wc, "/mnt", 0755), 0);
	write_file("/mnt/under", "hidden");
	struct super *sb = tmpfs_new(01777);
	assert_non_null(sb);
	assert_int_equal(vfs_mount_at("/mnt", sb), 0);
	assert_int_equal(walk_ino("/mnt/under", 0, NULL), -LINUX_ENOENT);
	write_file("/mnt/over", "top");
	read_file("/mnt/../mnt/over", "top");
	uint64_t r1, r2;
	assert_int_equal(walk_ino("/mnt/..", 0, &r1), 0);
	assert_int_equal(walk_ino("/", 0, &r2), 0);
	assert_int_equal(r1, r2);
	struct path p;
	assert_int_equal(vfs_walk(&wc, "/mnt/over", 0, &p), 0);
	char buf[64];
	assert_true(vfs_path_name(NULL, &p, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "/mnt/over");
	assert_int_not_equal(p.dentry->inode->dev, wc.root.dentry->inode->dev);
	path_put(&p);
	assert_int_equal(vfs_rmdir(&wc, "/mnt"), -LINUX_EBUSY);
	assert_int_equal(vfs_rename(&wc, "/mnt/over", &wc, "/moved", 0),
			 -LINUX_EXDEV);
	assert_int_equal(vfs_link(&wc, "/mnt/over", &wc, "/lnk", 0),
			 -LINUX_EXDEV);
}

struct list_acc {
	char names[1024];
};

static bool acc_actor(struct dir_context *ctx, const char *name, size_t len,
		      uint64_t ino, unsigned dtype)
{
	struct list_acc *a = ctx->priv;
	strncat(a->names, name, len);
	strcat(a->names, " ");
	return true;
}

static void list_dir(const char *path, char *out)
{
	struct file *f;
	assert_int_equal(vfs_openat_ctx(&wc, path, LINUX_O_RDONLY, 0, &f), 0);
	struct list_acc a = {{0}};
	struct dir_context ctx = {.pos = 0, .actor = acc_actor, .priv = &a};
	assert_non_null(f->ops->iterate);
	assert_int_equal(f->ops->iterate(f, &ctx), 0);
	strcpy(out, a.names);
	file_put(f);
}

static void test_overlay(void **state)
{
	/* Lower: a tmpfs tree standing in for the gofer's. */
	assert_int_equal(vfs_mkdir(&wc, "/lower", 0755), 0);
	assert_int_equal(vfs_mkdir(&wc, "/lower/d", 0755), 0);
	write_file("/lower/d/x", "lowerx");
	write_file("/lower/d/y", "lowery");
	write_file("/lower/top", "t");
	struct path lp;
	assert_int_equal(vfs_walk(&wc, "/lower", 0, &lp), 0);
	struct super *osb = overlay_new(lp.dentry->inode);
	assert_non_null(osb);
	path_put(&lp);
	assert_int_equal(vfs_mount_at("/ovl", osb), 0);

	char names[1024];
	list_dir("/ovl/d", names);
	assert_string_equal(names, ". .. x y ");
	read_file("/ovl/d/x", "lowerx");
	uint64_t i1, i2;
	assert_int_equal(walk_ino("/ovl/d/x", 0, &i1), 0);

	/* Copy-up on write: the lower file stays untouched. */
	write_file("/ovl/d/x", "upper!");
	read_file("/ovl/d/x", "upper!");
	read_file("/lower/d/x", "lowerx");
	assert_int_equal(walk_ino("/ovl/d/x", 0, &i2), 0);
	assert_int_equal(i1, i2);

	/* Whiteouts. */
	assert_int_equal(vfs_unlink(&wc, "/ovl/d/y"), 0);
	assert_int_equal(walk_ino("/ovl/d/y", 0, NULL), -LINUX_ENOENT);
	read_file("/lower/d/y", "lowery");
	list_dir("/ovl/d", names);
	assert_string_equal(names, ". .. x ");
	write_file("/ovl/d/y", "new y");
	read_file("/ovl/d/y", "new y");
	list_dir("/ovl/d", names);
	assert_string_equal(names, ". .. x y ");

	/* rmdir of a lower dir with lower content, recreate: opaque. */
	assert_int_equal(vfs_rmdir(&wc, "/ovl/d"), -LINUX_ENOTEMPTY);
	assert_int_equal(vfs_unlink(&wc, "/ovl/d/x"), 0);
	assert_int_equal(vfs_unlink(&wc, "/ovl/d/y"), 0);
	assert_int_equal(vfs_rmdir(&wc, "/ovl/d"), 0);
	assert_int_equal(walk_ino("/ovl/d", 0, NULL), -LINUX_ENOENT);
	assert_int_equal(vfs_mkdir(&wc, "/ovl/d", 0700), 0);
	list_dir("/ovl/d", names);
	assert_string_equal(names, ". .. ");

	/* Rename of a lower file: whiteout at the old name. */
	assert_int_equal(vfs_rename(&wc, "/ovl/top", &wc, "/ovl/d/top2", 0), 0);
	read_file("/ovl/d/top2", "t");
	assert_int_equal(walk_ino("/ovl/top", 0, NULL), -LINUX_ENOENT);
	list_dir("/ovl", names);
	assert_string_equal(names, ". .. d ");
	/* Symlinks and new dirs in the upper. */
	assert_int_equal(vfs_symlink(&wc, "d/top2", "/ovl/s"), 0);
	read_file("/ovl/s", "t");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_basic_tree, setup_root),
	    cmocka_unit_test_setup(test_dotdot_at_root, setup_root),
	    cmocka_unit_test_setup(test_trailing_slash, setup_root),
	    cmocka_unit_test_setup(test_symlinks, setup_root),
	    cmocka_unit_test_setup(test_nametoolong, setup_root),
	    cmocka_unit_test_setup(test_open_flags, setup_root),
	    cmocka_unit_test_setup(test_unlink_rename, setup_root),
	    cmocka_unit_test_setup(test_mount_crossing, setup_root),
	    cmocka_unit_test_setup(test_overlay, setup_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
