/* /dev, /proc, pipes and FIFOs through the VFS, without tasks: device
 * nodes and their I/O, procfs's global files and tree, pipe semantics that
 * need no sleeping (t == NULL never blocks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sentry/fs/dev/devfs.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/fs/proc/proc_gen.h"
#include "sentry/fs/proc/procfs.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/kernel/version.h"
#include "sentry/vfs/namei.h"
#include "sentry/vfs/vfs.h"

static struct walk_ctx wc;

static int setup(void **state)
{
	struct super *sb = tmpfs_new(0755);
	assert_non_null(sb);
	assert_int_equal(vfs_mount_root(sb), 0);
	struct mount *m = vfs_root_mount();
	wc.root = (struct path){m, m->root};
	wc.start = wc.root;
	procfs_preload();
	assert_int_equal(devfs_mount(), 0);
	assert_int_equal(procfs_mount(), 0);
	return 0;
}

static int open_path(const char *path, uint32_t flags, struct file **f)
{
	return vfs_openat_ctx(&wc, path, flags, 0, f);
}

/* The whole content of a file (NUL-terminated, caller frees). */
static char *slurp(const char *path)
{
	struct file *f;
	int r = open_path(path, LINUX_O_RDONLY, &f);
	if (r < 0)
		print_error("open %s: %d\n", path, r);
	assert_int_equal(r, 0);
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		long n = vfs_read(f, NULL, buf + len, cap - 1 - len, NULL);
		assert_true(n >= 0);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	file_put(f);
	return buf;
}

static void test_dev_nodes(void **state)
{
	static const struct {
		const char *path;
		unsigned ma, mi;
	} devs[] = {{"/dev/null", 1, 3},    {"/dev/zero", 1, 5},
		    {"/dev/full", 1, 7},    {"/dev/random", 1, 8},
		    {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		struct path p;
		assert_int_equal(vfs_walk(&wc, devs[i].path, LOOKUP_FOLLOW, &p),
				 0);
		struct linux_stat st;
		vfs_fill_stat(p.dentry->inode, &st);
		assert_true(LINUX_S_ISCHR(st.st_mode));
		assert_int_equal(st.st_mode & 0777, 0666);
		assert_int_equal(LINUX_MAJOR(st.st_rdev), devs[i].ma);
		assert_int_equal(LINUX_MINOR(st.st_rdev), devs[i].mi);
		path_put(&p);
	}
	struct file *f;
	assert_int_equal(open_path("/dev/tty", LINUX_O_RDWR, &f), -LINUX_ENXIO);
}

static void test_dev_io(void **state)
{
	struct file *f;
	char buf[64];
	assert_int_equal(open_path("/dev/null", LINUX_O_RDWR, &f), 0);
	assert_int_equal(vfs_read(f, NULL, buf, sizeof(buf), NULL), 0);
	assert_int_equal(vfs_write(f, NULL, "abc", 3, NULL), 3);
	assert_int_equal(f->ops->ioctl, NULL); /* ioctl: ENOTTY */
	file_put(f);

	assert_int_equal(open_path("/dev/zero", LINUX_O_RDONLY, &f), 0);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(vfs_read(f, NULL, buf, sizeof(buf), NULL), 64);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	file_put(f);

	assert_int_equal(open_path("/dev/full", LINUX_O_RDWR, &f), 0);
	assert_int_equal(vfs_write(f, NULL, "a", 1, NULL), -LINUX_ENOSPC);
	assert_int_equal(vfs_read(f, NULL, buf, 8, NULL), 8);
	file_put(f);

	assert_int_equal(open_path("/dev/urandom", LINUX_O_RDONLY, &f), 0);
	char zero[32] = {0};
	assert_int_equal(vfs_read(f, NULL, buf, 32, NULL), 32);
	assert_memory_not_equal(buf, zero, 32);
	file_put(f);
}

static void test_dev_links(void **state)
{
	char buf[256];
	int n = vfs_readlink(&wc, "/dev/stdin", buf, sizeof(buf));
	assert_int_equal(n, (int)strlen("/proc/self/fd/0"));
	assert_memory_equal(buf, "/proc/self/fd/0", n);
	n = vfs_readlink(&wc, "/dev/fd", buf, sizeof(buf));
	assert_memory_equal(buf, "/proc/self/fd", n);
	/* /dev/shm is a writable tmpfs. */
	struct file *f;
	assert_int_equal(vfs_openat_ctx(&wc, "/dev/shm/x",
					LINUX_O_CREAT | LINUX_O_RDWR, 0600, &f),
			 0);
	assert_true(tmpfs_is_tmpfs(f->inode));
	file_put(f);
}

static void test_proc_global(void **state)
{
	char *s = slurp("/proc/version");
	assert_string_equal(s, SENTRY_PROC_VERSION);
	free(s);
	s = slurp("/proc/sys/kernel/osrelease");
	assert_string_equal(s, SENTRY_UNAME_RELEASE "\n");
	free(s);
	s = slurp("/proc/meminfo");
	assert_memory_equal(s, "MemTotal:", 9);
	free(s);
	s = slurp("/proc/cpuinfo");
	assert_non_null(strstr(s, "processor"));
	free(s);
	/* /proc/mounts is self/mounts: no task here, so call the generator. */
	assert_true(proc_gen_mounts(NULL, NULL, &s) > 0);
	assert_non_null(strstr(s, " /proc proc "));
	assert_non_null(strstr(s, " /dev tmpfs "));
	assert_non_null(strstr(s, " /dev/shm tmpfs "));
	free(s);
	s = slurp("/proc/filesystems");
	assert_non_null(strstr(s, "\ttmpfs\n"));
	free(s);
	s = slurp("/proc/uptime");
	double up, idle;
	assert_int_equal(sscanf(s, "%lf %lf", &up, &idle), 2);
	free(s);
	s = slurp("/proc/sys/kernel/random/uuid");
	assert_int_equal(strlen(s), 37);
	free(s);
	/* No task: /proc/self does not resolve. */
	struct file *f;
	assert_int_equal(open_path("/proc/self/stat", LINUX_O_RDONLY, &f),
			 -LINUX_ENOENT);
	assert_int_equal(open_path("/proc/1", LINUX_O_RDONLY, &f),
			 -LINUX_ENOENT);
}

struct names {
	struct dir_context ctx;
	char all[1024];
};

static bool collect(struct dir_context *ctx, const char *name, size_t len,
		    uint64_t ino, unsigned dtype)
{
	struct names *nm = (struct names *)ctx;
	strncat(nm->all, name, len);
	strcat(nm->all, " ");
	return true;
}

static void test_proc_readdir(void **state)
{
	struct file *f;
	assert_int_equal(
	    open_path("/proc", LINUX_O_RDONLY | LINUX_O_DIRECTORY, &f), 0);
	struct names nm = {.ctx.actor = collect};
	assert_int_equal(f->ops->iterate(f, &nm.ctx), 0);
	assert_non_null(strstr(nm.all, "self "));
	assert_non_null(strstr(nm.all, "sys "));
	assert_non_null(strstr(nm.all, "meminfo "));
	file_put(f);
}

static void test_pipe(void **state)
{
	struct file *rd, *wr;
	char buf[16];
	assert_int_equal(pipe_create(NULL, 0, &rd, &wr), 0);
	assert_true(LINUX_S_ISFIFO(rd->inode->mode));
	assert_ptr_equal(rd->inode, wr->inode);
	assert_int_equal(vfs_llseek(rd, 0, LINUX_SEEK_SET), -LINUX_ESPIPE);
	assert_int_equal(vfs_poll(rd, NULL), 0);
	assert_int_equal(vfs_poll(wr, NULL), LINUX_POLLOUT | LINUX_POLLWRNORM);
	/* Nothing to read and no way to sleep: EAGAIN. */
	assert_int_equal(vfs_read(rd, NULL, buf, sizeof(buf), NULL),
			 -LINUX_EAGAIN);
	assert_int_equal(vfs_write(wr, NULL, "hello", 5, NULL), 5);
	assert_int_equal(vfs_poll(rd, NULL), LINUX_POLLIN | LINUX_POLLRDNORM);
	assert_int_equal(vfs_read(rd, NULL, buf, 3, NULL), 3);
	assert_memory_equal(buf, "hel", 3);
	char path[64];
	int plen = file_path(rd, path, sizeof(path));
	assert_int_equal(plen, (int)strlen(path));
	assert_memory_equal(path, "pipe:[", 6);
	file_put(wr);
	/* The rest, then EOF and hangup once the writer is gone. */
	assert_int_equal(vfs_read(rd, NULL, buf, sizeof(buf), NULL), 2);
	assert_int_equal(vfs_read(rd, NULL, buf, sizeof(buf), NULL), 0);
	assert_true(vfs_poll(rd, NULL) & LINUX_POLLHUP);
	file_put(rd);

	/* No reader: EPIPE, POLLERR. */
	assert_int_equal(pipe_create(NULL, LINUX_O_NONBLOCK, &rd, &wr), 0);
	assert_true(wr->flags & LINUX_O_NONBLOCK);
	file_put(rd);
	assert_int_equal(vfs_write(wr, NULL, "x", 1, NULL), -LINUX_EPIPE);
	assert_true(vfs_poll(wr, NULL) & LINUX_POLLERR);
	file_put(wr);
}

static void test_pipe_atomic(void **state)
{
	struct file *rd, *wr;
	static char big[70000];
	assert_int_equal(pipe_create(NULL, LINUX_O_NONBLOCK, &rd, &wr), 0);
	assert_int_equal(pipe_fcntl(wr, LINUX_F_GETPIPE_SZ, 0), 65536);
	assert_int_equal(vfs_write(wr, NULL, big, 65536 - 100, NULL),
			 65536 - 100);
	/* Fewer than PIPE_BUF bytes: all or nothing. */
	assert_int_equal(vfs_write(wr, NULL, big, 200, NULL), -LINUX_EAGAIN);
	/* More than PIPE_BUF: whatever fits. */
	assert_int_equal(vfs_write(wr, NULL, big, 5000, NULL), 100);
	assert_int_equal(vfs_poll(wr, NULL), 0);
	assert_int_equal(pipe_fcntl(wr, LINUX_F_SETPIPE_SZ, 4096),
			 -LINUX_EBUSY);
	assert_int_equal(vfs_read(rd, NULL, big, sizeof(big), NULL), 65536);
	assert_int_equal(pipe_fcntl(rd, LINUX_F_SETPIPE_SZ, 5000), 8192);
	file_put(rd);
	file_put(wr);
}

static void test_fifo(void **state)
{
	assert_int_equal(vfs_mknod(&wc, "/fifo", LINUX_S_IFIFO | 0644, 0), 0);
	struct path p;
	assert_int_equal(vfs_walk(&wc, "/fifo", 0, &p), 0);
	struct inode *inode = p.dentry->inode;
	struct file *w = file_new_anon_inode(
	    inode, NULL, LINUX_O_WRONLY | LINUX_O_NONBLOCK, NULL);
	/* A non-blocking writer without a reader: ENXIO. */
	assert_int_equal(fifo_open(inode, w, NULL), -LINUX_ENXIO);
	file_put(w);
	struct file *r = file_new_anon_inode(
	    inode, NULL, LINUX_O_RDONLY | LINUX_O_NONBLOCK, NULL);
	assert_int_equal(fifo_open(inode, r, NULL), 0);
	/* No writer has ever opened it: no hangup yet. */
	assert_int_equal(vfs_poll(r, NULL), 0);
	w = file_new_anon_inode(inode, NULL, LINUX_O_WRONLY | LINUX_O_NONBLOCK,
				NULL);
	assert_int_equal(fifo_open(inode, w, NULL), 0);
	assert_int_equal(vfs_write(w, NULL, "fifo", 4, NULL), 4);
	char buf[8];
	assert_int_equal(vfs_read(r, NULL, buf, sizeof(buf), NULL), 4);
	assert_memory_equal(buf, "fifo", 4);
	file_put(w);
	assert_true(vfs_poll(r, NULL) & LINUX_POLLHUP);
	file_put(r);
	path_put(&p);
	/* Through open(): the VFS's FIFO hook (installed by devfs_mount). */
	struct file *rw;
	assert_int_equal(open_path("/fifo", LINUX_O_RDWR, &rw), 0);
	assert_true(file_is_pipe(rw));
	assert_int_equal(vfs_write(rw, NULL, "ab", 2, NULL), 2);
	assert_int_equal(vfs_read(rw, NULL, buf, sizeof(buf), NULL), 2);
	file_put(rw);
}

static void test_mknod_chr(void **state)
{
	/* A device node on tmpfs opens as the sentry's device. */
	assert_int_equal(
	    vfs_mknod(&wc, "/mynull", LINUX_S_IFCHR | 0666, LINUX_MKDEV(1, 3)),
	    0);
	struct file *f;
	assert_int_equal(open_path("/mynull", LINUX_O_RDWR, &f), 0);
	assert_int_equal(vfs_write(f, NULL, "abc", 3, NULL), 3);
	file_put(f);
	assert_int_equal(
	    vfs_mknod(&wc, "/nodev", LINUX_S_IFCHR | 0666, LINUX_MKDEV(42, 42)),
	    0);
	assert_int_equal(open_path("/nodev", LINUX_O_RDWR, &f), -LINUX_ENXIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dev_nodes),
	    cmocka_unit_test(test_dev_io),
	    cmocka_unit_test(test_dev_links),
	    cmocka_unit_test(test_proc_global),
	    cmocka_unit_test(test_proc_readdir),
	    cmocka_unit_test(test_pipe),
	    cmocka_unit_test(test_pipe_atomic),
	    cmocka_unit_test(test_fifo),
	    cmocka_unit_test(test_mknod_chr),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
