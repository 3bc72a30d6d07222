/* The VFS root over a real runsc-gofer (found next to this binary): the
 * gofer filesystem under the overlay, as `runsc do` mounts it. */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/vfs/namei.h"
#include "sentry/vfs/vfs.h"

static char tree[64];
static struct walk_ctx wc;
static pid_t gofer_pid;

static void put(const char *rel, const char *content)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int setup(void **state)
{
	char self[PATH_MAX], gofer[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(gofer, sizeof(gofer), "%s/runsc-gofer", self);
	if (access(gofer, X_OK) != 0) {
		print_message("no runsc-gofer next to the test: skipped\n");
		return -1;
	}
	strcpy(tree, "/tmp/test_gofer_vfs.XXXXXX");
	assert_non_null(mkdtemp(tree));
	char p[256];
	snprintf(p, sizeof(p), "%s/dir", tree);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/dir/sub", tree);
	mkdir(p, 0755);
	put("dir/a", "alpha");
	put("dir/b", "bravo");
	put("top", "top file");
	snprintf(p, sizeof(p), "%s/link", tree);
	assert_int_equal(symlink("dir/a", p), 0);
	snprintf(p, sizeof(p), "%s/escape", tree);
	assert_int_equal(symlink("../../../../etc/passwd", p), 0);

	/* A file larger than one 9P message, with position-dependent bytes. */
	snprintf(p, sizeof(p), "%s/big", tree);
	FILE *bf = fopen(p, "w");
	assert_non_null(bf);
	for (int i = 0; i < 3 * 1024 * 1024 + 123; i++)
		fputc((i * 7 + (i >> 12)) & 0xff, bf);
	fclose(bf);
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	gofer_pid = fork();
	if (gofer_pid == 0) {
		char fd[16];
		close(sv[0]);
		snprintf(fd, sizeof(fd), "%d", sv[1]);
		execl(gofer, "runsc-gofer", "--root", tree, "--fd", fd, "--ro",
		      (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	assert_int_equal(vfs_init(sv[0], VFS_ROOT_OVERLAY), 0);
	struct mount *m = vfs_root_mount();
	wc.root = (struct path){m, m->root};
	wc.start = wc.root;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

static void readf(const char *path, const char *want)
{
	struct file *f;
	assert_int_equal(vfs_openat_ctx(&wc, path, LINUX_O_RDONLY, 0, &f), 0);
	char buf[128] = {0};
	assert_true(file_pread(f, buf, sizeof(buf) - 1, 0) >= 0);
	assert_string_equal(buf, want);
	file_put(f);
}

struct acc {
	char s[512];
};

static bool actor(struct dir_context *ctx, const char *name, size_t len,
		  uint64_t ino, unsigned dtype)
{
	struct acc *a = ctx->priv;
	strncat(a->s, name, len);
	strcat(a->s, " ");
	return true;
}

/* Names sorted, so the host's readdir order does not matter. */
static void list(const char *path, char *out)
{
	struct file *f;
	assert_int_equal(vfs_openat_ctx(&wc, path,
					LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0,
					&f),
			 0);
	struct acc a = {{0}};
	struct dir_context ctx = {.actor = actor, .priv = &a};
	assert_int_equal(f->ops->iterate(f, &ctx), 0);
	file_put(f);
	char *names[64];
	int n = 0;
	for (char *s = strtok(a.s, " "); s && n < 64; s = strtok(NULL, " "))
		names[n++] = s;
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				char *x = names[i];
				names[i] = names[j];
				names[j] = x;
			}
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		strcat(out, names[i]);
		strcat(out, " ");
	}
}

static void test_read_tree(void **state)
{
	readf("/top", "top file");
	readf("/dir/a", "alpha");
	readf("/link", "alpha");
	readf("/dir/../dir/./b", "bravo");
	char s[512];
	list("/", s);
	assert_string_equal(s, ". .. big dir escape link top ");
	list("/dir", s);
	assert_string_equal(s, ". .. a b sub ");
	struct path p;
	assert_int_equal(vfs_walk(&wc, "/dir/a", 0, &p), 0);
	struct stat st;
	char hp[256];
	snprintf(hp, sizeof(hp), "%s/dir/a", tree);
	assert_int_equal(stat(hp, &st), 0);
	/* The gofer may fold the host device into the qid path. */
	assert_int_equal(p.dentry->inode->ino & 0xffffffffffffULL, st.st_ino);
	assert_int_equal(p.dentry->inode->size, 5);
	assert_true(LINUX_S_ISREG(p.dentry->inode->mode));
	path_put(&p);
	/* A symlink pointing out of the tree resolves inside the sandbox. */
	assert_int_equal(vfs_walk(&wc, "/escape", LOOKUP_FOLLOW, &p),
			 -LINUX_ENOENT);
	assert_int_equal(vfs_walk(&wc, "/nope", 0, &p), -LINUX_ENOENT);
	assert_int_equal(vfs_walk(&wc, "/top/x", 0, &p), -LINUX_ENOTDIR);
}

static void test_big_read(void **state)
{
	struct file *f;
	assert_int_equal(vfs_openat_ctx(&wc, "/big", LINUX_O_RDONLY, 0, &f), 0);
	size_t n = 3 * 1024 * 1024 + 123;
	unsigned char *buf = malloc(n + 10);
	assert_int_equal(file_pread(f, buf, n + 10, 0), (long)n);
	for (size_t i = 0; i < n; i++)
		if (buf[i] != (unsigned char)((i * 7 + (i >> 12)) & 0xff))
			fail_msg("byte %zu differs", i);
	assert_int_equal(file_pread(f, buf, 100, 4097), 100);
	assert_int_equal(buf[0], (unsigned char)((4097 * 7 + 1) & 0xff));
	assert_int_equal(file_pread(f, buf, 100, n), 0);
	free(buf);
	file_put(f);
}

static void test_overlay_writes(void **state)
{
	struct file *f;
	assert_int_equal(vfs_openat_ctx(&wc, "/dir/a",
					LINUX_O_WRONLY | LINUX_O_APPEND, 0, &f),
			 0);
	assert_int_equal(vfs_write(f, NULL, "!", 1, NULL), 1);
	file_put(f);
	readf("/dir/a", "alpha!");
	char hp[256], buf[32] = {0};
	snprintf(hp, sizeof(hp), "%s/dir/a", tree);
	int fd = open(hp, O_RDONLY);
	assert_true(read(fd, buf, sizeof(buf)) == 5);
	close(fd);
	assert_string_equal(buf, "alpha"); /* the host file is untouched */
	assert_int_equal(vfs_unlink(&wc, "/dir/b"), 0);
	assert_int_equal(vfs_mkdir(&wc, "/dir/new", 0755), 0);
	char s[512];
	list("/dir", s);
	assert_string_equal(s, ". .. a new sub ");
	assert_int_equal(vfs_rename(&wc, "/dir", &wc, "/dir2", 0),
			 -LINUX_EXDEV);
	assert_int_equal(vfs_rename(&wc, "/top", &wc, "/dir/top", 0), 0);
	readf("/dir/top", "top file");
	list("/", s);
	assert_string_equal(s, ". .. big dir escape link ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_tree),
	    cmocka_unit_test(test_big_read),
	    cmocka_unit_test(test_overlay_writes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
