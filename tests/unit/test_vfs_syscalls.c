/* The file syscalls against a tmpfs root, with a fake task whose
 * "application memory" is this process's memory: the usercopy functions
 * are replaced below (address 0..4095 faults). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "abi/fcntl.h"
#include "abi/stat.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/syscalls/sys_file.h"
#include "sentry/syscalls/sys_read_write.h"
#include "sentry/syscalls/sys_stat.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/fs_context.h"
#include "sentry/vfs/hostfd.h"
#include <fcntl.h>
#include <unistd.h>
#include "sentry/vfs/vfs.h"

/* ---- fake usercopy: addresses are sentry pointers ---- */
int copy_in(struct task *t, uint64_t addr, void *dst, size_t n)
{
	if (addr < 4096)
		return -LINUX_EFAULT;
	memcpy(dst, (void *)addr, n);
	return 0;
}
int copy_out(struct task *t, uint64_t addr, const void *src, size_t n)
{
	if (addr < 4096)
		return -LINUX_EFAULT;
	memcpy((void *)addr, src, n);
	return 0;
}
long copy_string_in(struct task *t, uint64_t addr, char *dst, size_t max)
{
	if (addr < 4096)
		return -LINUX_EFAULT;
	size_t len = strnlen((const char *)addr, max);
	if (len == max)
		return -LINUX_ENAMETOOLONG;
	memcpy(dst, (void *)addr, len + 1);
	return (long)len;
}
long copy_path_in(struct task *t, uint64_t addr, char *dst, int allow_empty)
{
	long ret = copy_string_in(t, addr, dst, 4096);
	if (ret == 0 && !allow_empty)
		return -LINUX_ENOENT;
	return ret;
}
long copy_iovec_in(struct task *t, uint64_t addr, uint64_t count,
		   struct linux_iovec *out)
{
	if (count > 1024)
		return -LINUX_EINVAL;
	int ret = copy_in(t, addr, out, count * sizeof(*out));
	return ret < 0 ? ret : (long)count;
}

static struct task *T;

#define U(p) ((uint64_t)(uintptr_t)(p))
#define CALL(fn, ...)                                                          \
	({                                                                     \
		const uint64_t a_[6] = {__VA_ARGS__};                          \
		sys_##fn(T, a_);                                               \
	})
#define FDCWD ((uint64_t)(int64_t)LINUX_AT_FDCWD)

static int setup(void **state)
{
	static bool done;
	if (!done) {
		assert_int_equal(vfs_init(-1, VFS_ROOT_RW), 0);
		done = true;
	}
	T = calloc(1, sizeof(*T));
	T->tg = calloc(1, sizeof(*T->tg));
	/* Root, with root's capabilities. */
	cred_set_caps(&T->cred, CAP_FULL_SET, CAP_FULL_SET, 0, CAP_FULL_SET, 0);
	T->fs = fs_context_new();
	T->fdt = fdtable_new();
	assert_non_null(T->fs);
	return 0;
}

static int teardown(void **state)
{
	fdtable_put(T->fdt);
	fs_context_put(T->fs);
	free(T->tg);
	free(T);
	return 0;
}

static void test_open_rw(void **state)
{
	long fd = CALL(openat, FDCWD, U("/f1"),
		       LINUX_O_CREAT | LINUX_O_RDWR | LINUX_O_EXCL, 0666);
	assert_int_equal(fd, 0);
	assert_int_equal(CALL(write, fd, U("hello world"), 11), 11);
	assert_int_equal(CALL(lseek, fd, 0, LINUX_SEEK_CUR), 11);
	assert_int_equal(CALL(lseek, fd, 6, LINUX_SEEK_SET), 6);
	char buf[32] = {0};
	assert_int_equal(CALL(read, fd, U(buf), sizeof(buf)), 5);
	assert_string_equal(buf, "world");
	assert_int_equal(CALL(read, fd, U(buf), sizeof(buf)), 0);
	assert_int_equal(CALL(pread64, fd, U(buf), 5, 0), 5);
	assert_int_equal(CALL(read, fd, 0, 5), 0); /* at EOF: nothing */
	assert_int_equal(CALL(lseek, fd, 0, LINUX_SEEK_SET), 0);
	assert_int_equal(CALL(read, fd, 1, 5), -LINUX_EFAULT);
	assert_int_equal(CALL(lseek, fd, -1, LINUX_SEEK_SET), -LINUX_EINVAL);
	assert_int_equal(CALL(lseek, fd, 0, 7), -LINUX_EINVAL);
	/* umask 022 applied */
	struct linux_stat st;
	assert_int_equal(CALL(fstat, fd, U(&st)), 0);
	assert_int_equal(st.st_mode, LINUX_S_IFREG | 0644);
	assert_int_equal(st.st_size, 11);
	assert_int_equal(CALL(close, fd), 0);
	assert_int_equal(CALL(close, fd), -LINUX_EBADF);
	assert_int_equal(CALL(read, fd, U(buf), 1), -LINUX_EBADF);
	/* Access modes. */
	fd = CALL(open, U("/f1"), LINUX_O_RDONLY, 0);
	assert_int_equal(CALL(write, fd, U("x"), 1), -LINUX_EBADF);
	assert_int_equal(CALL(ftruncate, fd, 0), -LINUX_EINVAL);
	CALL(close, fd);
	fd = CALL(open, U("/f1"), LINUX_O_WRONLY | LINUX_O_APPEND, 0);
	assert_int_equal(CALL(read, fd, U(buf), 1), -LINUX_EBADF);
	assert_int_equal(CALL(write, fd, U("!"), 1), 1);
	assert_int_equal(CALL(pwrite64, fd, U("?"), 1, 0), 1);
	CALL(close, fd);
	assert_int_equal(CALL(stat, U("/f1"), U(&st)), 0);
	assert_int_equal(st.st_size, 13);
	assert_int_equal(CALL(open, U("/f1"), LINUX_O_CREAT | LINUX_O_EXCL, 0),
			 -LINUX_EEXIST);
	assert_int_equal(CALL(open, U("/nope"), LINUX_O_RDONLY, 0),
			 -LINUX_ENOENT);
	assert_int_equal(CALL(open, U(""), LINUX_O_RDONLY, 0), -LINUX_ENOENT);
	assert_int_equal(CALL(open, 0, LINUX_O_RDONLY, 0), -LINUX_EFAULT);
	/* Directories. */
	fd = CALL(open, U("/"), LINUX_O_RDONLY, 0);
	assert_int_equal(CALL(read, fd, U(buf), 1), -LINUX_EISDIR);
	CALL(close, fd);
	assert_int_equal(CALL(open, U("/"), LINUX_O_RDWR, 0), -LINUX_EISDIR);
	/* F_GETFL shows O_LARGEFILE as on 64-bit Linux. */
	fd = CALL(open, U("/f1"), LINUX_O_RDWR | LINUX_O_NONBLOCK, 0);
	assert_int_equal(CALL(fcntl, fd, LINUX_F_GETFL, 0),
			 LINUX_O_RDWR | LINUX_O_NONBLOCK | LINUX_O_LARGEFILE);
	CALL(close, fd);
}

static void test_dup_fcntl(void **state)
{
	long fd = CALL(open, U("/f1"), LINUX_O_RDONLY | LINUX_O_CLOEXEC, 0);
	assert_int_equal(fd, 0);
	assert_int_equal(CALL(fcntl, fd, LINUX_F_GETFD), LINUX_FD_CLOEXEC);
	long d = CALL(dup, fd);
	assert_int_equal(d, 1);
	assert_int_equal(CALL(fcntl, d, LINUX_F_GETFD), 0);
	/* Shared offset. */
	char c;
	assert_int_equal(CALL(read, fd, U(&c), 1), 1);
	assert_int_equal(CALL(lseek, d, 0, LINUX_SEEK_CUR), 1);
	assert_int_equal(CALL(dup2, fd, 10), 10);
	assert_int_equal(CALL(dup2, 10, 10), 10);
	assert_int_equal(CALL(dup2, 55, 10), -LINUX_EBADF);
	assert_int_equal(CALL(dup3, 10, 10, 0), -LINUX_EINVAL);
	assert_int_equal(CALL(dup3, 10, 11, LINUX_O_CLOEXEC), 11);
	assert_int_equal(CALL(fcntl, 11, LINUX_F_GETFD), LINUX_FD_CLOEXEC);
	assert_int_equal(CALL(fcntl, fd, LINUX_F_DUPFD, 5), 5);
	assert_int_equal(CALL(fcntl, fd, LINUX_F_DUPFD_CLOEXEC, 5), 6);
	assert_int_equal(CALL(fcntl, fd, LINUX_F_DUPFD, 1024), -LINUX_EINVAL);
	assert_int_equal(CALL(dup2, fd, 1024), -LINUX_EBADF);
	fdtable_close_on_exec(T->fdt);
	assert_int_equal(CALL(fcntl, 0, LINUX_F_GETFD), -LINUX_EBADF);
	assert_int_equal(CALL(fcntl, 11, LINUX_F_GETFD), -LINUX_EBADF);
	assert_int_equal(CALL(fcntl, 10, LINUX_F_GETFD), 0);
	/* RLIMIT_NOFILE */
	T->tg->rlim[7].cur = 12;
	assert_int_equal(CALL(open, U("/f1"), 0, 0), 0);
	for (int i = 0; i < 12; i++)
		CALL(dup, 0);
	assert_int_equal(CALL(dup, 0), -LINUX_EMFILE);
	assert_int_equal(CALL(close_range, 3, ~0U, 0), 0);
	assert_int_equal(CALL(fcntl, 3, LINUX_F_GETFD), -LINUX_EBADF);
	assert_int_equal(CALL(close_range, 0, 2, LINUX_CLOSE_RANGE_CLOEXEC), 0);
	assert_int_equal(CALL(fcntl, 2, LINUX_F_GETFD), LINUX_FD_CLOEXEC);
	assert_int_equal(CALL(close_range, 5, 4, 0), -LINUX_EINVAL);
	T->tg->rlim[7].cur = 0;
}

static void test_dirs(void **state)
{
	assert_int_equal(CALL(mkdir, U("/d"), 0777), 0);
	assert_int_equal(CALL(mkdir, U("/d"), 0777), -LINUX_EEXIST);
	assert_int_equal(CALL(mkdirat, FDCWD, U("/d/sub"), 0700), 0);
	long dfd = CALL(open, U("/d"), LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
	assert_true(dfd >= 0);
	long fd =
	    CALL(openat, dfd, U("a"), LINUX_O_CREAT | LINUX_O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(CALL(openat, fd, U("x"), LINUX_O_RDONLY, 0),
			 -LINUX_ENOTDIR);
	CALL(close, fd);
	assert_int_equal(CALL(symlinkat, U("a"), dfd, U("la")), 0);
	char buf[64];
	assert_int_equal(CALL(readlinkat, dfd, U("la"), U(buf), sizeof(buf)),
			 1);
	assert_int_equal(CALL(readlink, U("/d/la"), U(buf), 0), -LINUX_EINVAL);
	assert_int_equal(CALL(readlink, U("/d/a"), U(buf), 10), -LINUX_EINVAL);
	assert_int_equal(CALL(linkat, dfd, U("a"), dfd, U("b"), 0), 0);
	struct linux_stat st;
	assert_int_equal(CALL(newfstatat, dfd, U("b"), U(&st), 0), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(
	    CALL(newfstatat, dfd, U("la"), U(&st), LINUX_AT_SYMLINK_NOFOLLOW),
	    0);
	assert_true(LINUX_S_ISLNK(st.st_mode));
	assert_int_equal(
	    CALL(newfstatat, dfd, U(""), U(&st), LINUX_AT_EMPTY_PATH), 0);
	assert_true(LINUX_S_ISDIR(st.st_mode));
	assert_int_equal(st.st_nlink, 3);
	assert_int_equal(CALL(newfstatat, dfd, U(""), U(&st), 0),
			 -LINUX_ENOENT);
	assert_int_equal(CALL(newfstatat, dfd, U("b"), U(&st), 0x8000),
			 -LINUX_EINVAL);
	struct linux_statx sx;
	assert_int_equal(CALL(statx, dfd, U("a"), 0, 0x7ff, U(&sx)), 0);
	assert_int_equal(sx.stx_mode, LINUX_S_IFREG | 0600);
	assert_true(sx.stx_mask & LINUX_STATX_BASIC_STATS);
	assert_int_equal(CALL(statx, dfd, U("a"), 0, 0x80000000u, U(&sx)),
			 -LINUX_EINVAL);
	assert_int_equal(
	    CALL(statx, FDCWD, U(""), LINUX_AT_EMPTY_PATH, 0x7ff, U(&sx)), 0);

	/* getdents64: ". .. sub a la b", then resume from a d_off. */
	char dbuf[4096];
	long n = CALL(getdents64, dfd, U(dbuf), sizeof(dbuf));
	assert_true(n > 0);
	char names[256] = "";
	int64_t off_after_a = -1;
	for (long p = 0; p < n;) {
		struct linux_dirent64 *d = (struct linux_dirent64 *)(dbuf + p);
		strcat(names, d->d_name);
		strcat(names, " ");
		if (strcmp(d->d_name, "a") == 0) {
			off_after_a = d->d_off;
			assert_int_equal(d->d_type, LINUX_DT_REG);
		}
		p += d->d_reclen;
	}
	assert_string_equal(names, ". .. sub a la b ");
	assert_int_equal(CALL(getdents64, dfd, U(dbuf), sizeof(dbuf)), 0);
	assert_int_equal(CALL(lseek, dfd, off_after_a, LINUX_SEEK_SET),
			 off_after_a);
	n = CALL(getdents64, dfd, U(dbuf), sizeof(dbuf));
	assert_true(n > 0);
	assert_string_equal(((struct linux_dirent64 *)dbuf)->d_name, "la");
	assert_int_equal(CALL(lseek, dfd, 0, LINUX_SEEK_SET), 0);
	assert_int_equal(CALL(getdents64, dfd, U(dbuf), 10), -LINUX_EINVAL);
	n = CALL(getdents, dfd, U(dbuf), sizeof(dbuf));
	assert_true(n > 0);
	assert_int_equal(dbuf[((struct linux_dirent *)dbuf)->d_reclen - 1],
			 LINUX_DT_DIR);
	fd = CALL(open, U("/f1"), 0, 0);
	assert_int_equal(CALL(getdents64, fd, U(dbuf), sizeof(dbuf)),
			 -LINUX_ENOTDIR);
	CALL(close, fd);

	/* unlink/rmdir/rename */
	assert_int_equal(CALL(unlinkat, dfd, U("sub"), 0), -LINUX_EISDIR);
	assert_int_equal(CALL(unlinkat, dfd, U("a"), LINUX_AT_REMOVEDIR),
			 -LINUX_ENOTDIR);
	assert_int_equal(CALL(unlinkat, dfd, U("a"), 0x1), -LINUX_EINVAL);
	assert_int_equal(CALL(rmdir, U("/d")), -LINUX_ENOTEMPTY);
	assert_int_equal(CALL(rmdir, U("/d/sub/.")), -LINUX_EINVAL);
	assert_int_equal(
	    CALL(renameat2, dfd, U("a"), dfd, U("b"), LINUX_RENAME_NOREPLACE),
	    -LINUX_EEXIST);
	assert_int_equal(CALL(renameat2, dfd, U("a"), dfd, U("c"), 0), 0);
	assert_int_equal(CALL(rename, U("/d/c"), U("/d/sub/c")), 0);
	assert_int_equal(CALL(access, U("/d/sub/c"), LINUX_R_OK), 0);
	assert_int_equal(CALL(access, U("/d/c"), LINUX_F_OK), -LINUX_ENOENT);
	assert_int_equal(CALL(access, U("/d/sub/c"), 8), -LINUX_EINVAL);
	/* root may not execute a file without x bits */
	assert_int_equal(CALL(access, U("/d/sub/c"), LINUX_X_OK),
			 -LINUX_EACCES);
	assert_int_equal(CALL(unlink, U("/d/sub/c")), 0);
	assert_int_equal(CALL(unlink, U("/d/sub/c")), -LINUX_ENOENT);
	CALL(close, dfd);
}

static void test_cwd(void **state)
{
	char buf[64];
	assert_int_equal(CALL(getcwd, U(buf), sizeof(buf)), 2);
	assert_string_equal(buf, "/");
	assert_int_equal(CALL(chdir, U("/d/sub")), 0);
	assert_int_equal(CALL(getcwd, U(buf), sizeof(buf)), 7);
	assert_string_equal(buf, "/d/sub");
	assert_int_equal(CALL(getcwd, U(buf), 3), -LINUX_ERANGE);
	assert_int_equal(CALL(chdir, U("/f1")), -LINUX_ENOTDIR);
	assert_int_equal(CALL(mkdir, U("rel"), 0755), 0);
	struct linux_stat st;
	assert_int_equal(CALL(stat, U("/d/sub/rel"), U(&st)), 0);
	assert_int_equal(CALL(chdir, U("..")), 0);
	assert_int_equal(CALL(getcwd, U(buf), sizeof(buf)), 3);
	long fd = CALL(open, U("/"), LINUX_O_PATH, 0);
	assert_int_equal(CALL(fchdir, fd), 0);
	assert_int_equal(CALL(read, fd, U(buf), 1), -LINUX_EBADF);
	CALL(close, fd);
	assert_int_equal(CALL(getcwd, U(buf), sizeof(buf)), 2);
	assert_int_equal(CALL(umask, 077), 022);
	assert_int_equal(CALL(umask, 022), 077);
}

static void test_attrs(void **state)
{
	struct linux_stat st;
	assert_int_equal(CALL(chmod, U("/f1"), 04751), 0);
	assert_int_equal(CALL(stat, U("/f1"), U(&st)), 0);
	assert_int_equal(st.st_mode & 07777, 04751);
	assert_int_equal(CALL(chown, U("/f1"), 5, 6), 0);
	assert_int_equal(CALL(stat, U("/f1"), U(&st)), 0);
	assert_int_equal(st.st_uid, 5);
	assert_int_equal(st.st_gid, 6);
	assert_int_equal(st.st_mode & 07777, 0751); /* setuid cleared */
	assert_int_equal(CALL(truncate, U("/f1"), 3), 0);
	assert_int_equal(CALL(stat, U("/f1"), U(&st)), 0);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(CALL(truncate, U("/f1"), -1), -LINUX_EINVAL);
	assert_int_equal(CALL(truncate, U("/d"), 0), -LINUX_EISDIR);
	int64_t ts[4] = {100, 5, 200, 6};
	assert_int_equal(CALL(utimensat, FDCWD, U("/f1"), U(ts), 0), 0);
	assert_int_equal(CALL(stat, U("/f1"), U(&st)), 0);
	assert_int_equal(st.st_atime_sec, 100);
	assert_int_equal(st.st_mtime_nsec, 6);
	ts[1] = LINUX_UTIME_OMIT;
	ts[2] = 300;
	assert_int_equal(CALL(utimensat, FDCWD, U("/f1"), U(ts), 0), 0);
	assert_int_equal(CALL(stat, U("/f1"), U(&st)), 0);
	assert_int_equal(st.st_atime_sec, 100);
	assert_int_equal(st.st_mtime_sec, 300);
	ts[1] = 1000000000;
	assert_int_equal(CALL(utimensat, FDCWD, U("/f1"), U(ts), 0),
			 -LINUX_EINVAL);
	/* Non-root: no capabilities either. */
	struct cred root = T->cred;
	T->cred.fsuid = T->cred.uid = T->cred.euid = 1000;
	T->cred.cap_effective = T->cred.cap_permitted = 0;
	assert_int_equal(CALL(chmod, U("/f1"), 0777), -LINUX_EPERM);
	assert_int_equal(CALL(chown, U("/f1"), 1000, -1), -LINUX_EPERM);
	assert_int_equal(CALL(open, U("/f1"), LINUX_O_WRONLY, 0),
			 -LINUX_EACCES);
	assert_int_equal(CALL(access, U("/f1"), LINUX_W_OK), -LINUX_EACCES);
	assert_int_equal(CALL(access, U("/f1"), LINUX_X_OK), 0);
	assert_int_equal(CALL(utimensat, FDCWD, U("/f1"), 0, 0), -LINUX_EACCES);
	T->cred = root;
	struct linux_statfs sfs;
	assert_int_equal(CALL(statfs, U("/"), U(&sfs)), 0);
	assert_int_equal(sfs.f_type, LINUX_TMPFS_MAGIC);
}

static void test_iov(void **state)
{
	long fd = CALL(open, U("/v"), LINUX_O_CREAT | LINUX_O_RDWR, 0644);
	struct linux_iovec iov[3] = {{U("ab"), 2}, {U(""), 0}, {U("cde"), 3}};
	assert_int_equal(CALL(writev, fd, U(iov), 3), 5);
	char x[2], y[10] = {0};
	struct linux_iovec rv[2] = {{U(x), 2}, {U(y), 10}};
	assert_int_equal(CALL(preadv, fd, U(rv), 2, 0), 5);
	assert_memory_equal(x, "ab", 2);
	assert_string_equal(y, "cde");
	assert_int_equal(CALL(readv, fd, U(rv), 2000), -LINUX_EINVAL);
	assert_int_equal(CALL(readv, fd, 0, 1), -LINUX_EFAULT);
	/* sendfile into a second file */
	long out = CALL(open, U("/v2"), LINUX_O_CREAT | LINUX_O_RDWR, 0644);
	int64_t off = 1;
	assert_int_equal(CALL(sendfile, out, fd, U(&off), 100), 4);
	assert_int_equal(off, 5);
	memset(y, 0, sizeof(y));
	assert_int_equal(CALL(pread64, out, U(y), 10, 0), 4);
	assert_string_equal(y, "bcde");
	CALL(close, fd);
	CALL(close, out);
}

static void test_hostfd(void **state)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct file *f = hostfd_file_new(p[0]);
	assert_non_null(f);
	long fd = fd_install(T, f, false);
	file_put(f);
	assert_true(fd >= 0);
	assert_int_equal(write(p[1], "ping", 4), 4);
	struct linux_stat st;
	assert_int_equal(CALL(fstat, fd, U(&st)), 0);
	assert_true(LINUX_S_ISFIFO(st.st_mode));
	assert_int_equal(CALL(lseek, fd, 0, LINUX_SEEK_CUR), -LINUX_ESPIPE);
	assert_int_equal(CALL(pread64, fd, U(&st), 1, 0), -LINUX_ESPIPE);
	f = fd_get(T, (int)fd);
	int avail = 0;
	assert_int_equal(f->ops->ioctl(f, T, 0x541B, U(&avail)), 0);
	assert_int_equal(avail, 4);
	assert_int_equal(f->ops->ioctl(f, T, 0x5401, U(&avail)), -LINUX_ENOTTY);
	assert_true(vfs_poll(f, NULL) & LINUX_POLLIN);
	file_put(f);
	char buf[8] = {0};
	assert_int_equal(CALL(read, fd, U(buf), sizeof(buf)), 4);
	assert_string_equal(buf, "ping");
	assert_int_equal(CALL(write, fd, U("x"), 1), -LINUX_EBADF);
	assert_int_equal(CALL(close, fd), 0);
	/* The host fd was closed with the last reference. */
	assert_int_equal(fcntl(p[0], F_GETFD), -1);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_rw, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dup_fcntl, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dirs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cwd, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_attrs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_iov, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostfd, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
