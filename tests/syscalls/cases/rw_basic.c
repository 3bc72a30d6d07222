/* read, write, pread64, pwrite64, readv, writev, lseek on a file in /tmp. */
#include "compat.h"
#include <sys/uio.h>

int main(void)
{
	char buf[64];
	int fd, p[2];

	compat_tmpdir();
	fd = RET("open(f, O_RDWR|O_CREAT)", open("f", O_RDWR | O_CREAT, 0644));
	RET("write(\"hello world\")", write(fd, "hello world", 11));
	RET("lseek(fd, 0, SEEK_CUR)", lseek(fd, 0, SEEK_CUR));
	RET("lseek(fd, 0, SEEK_SET)", lseek(fd, 0, SEEK_SET));
	memset(buf, 0, sizeof(buf));
	RET("read(fd, 5)", read(fd, buf, 5));
	print_bytes("data", buf, 5);
	RET("lseek(fd, 1, SEEK_CUR)", lseek(fd, 1, SEEK_CUR));
	RET("read(fd, 64)", read(fd, buf, 64));
	print_bytes("data", buf, 5);
	RET("read at EOF", read(fd, buf, 64));
	RET("lseek(fd, -5, SEEK_END)", lseek(fd, -5, SEEK_END));
	RET("lseek(fd, -100, SEEK_SET)", lseek(fd, -100, SEEK_SET));
	RET("lseek(fd, 0, 42)", lseek(fd, 0, 42));

	/* pread/pwrite do not move the offset. */
	RET("lseek(fd, 2, SEEK_SET)", lseek(fd, 2, SEEK_SET));
	RET("pread(fd, 4, 6)", pread(fd, buf, 4, 6));
	print_bytes("data", buf, 4);
	RET("pwrite(fd, \"HELLO\", 0)", pwrite(fd, "HELLO", 5, 0));
	RET("offset after pread/pwrite", lseek(fd, 0, SEEK_CUR));
	RET("pread(fd, 64, 0)", pread(fd, buf, 64, 0));
	print_bytes("data", buf, 11);
	RET("pread(fd, 4, -1)", pread(fd, buf, 4, -1));
	RET("pread beyond EOF", pread(fd, buf, 4, 1000));

	/* A hole reads back as zeros. */
	RET("pwrite(fd, \"end\", 20)", pwrite(fd, "end", 3, 20));
	RET("pread(fd, 64, 8)", pread(fd, buf, 64, 8));
	print_bytes("data", buf, 15);

	/* Vectored I/O. */
	struct iovec wv[3] = {
	    {.iov_base = "abc", .iov_len = 3},
	    {.iov_base = "", .iov_len = 0},
	    {.iov_base = "defgh", .iov_len = 5},
	};
	RET("ftruncate(fd, 0)", ftruncate(fd, 0));
	RET("lseek(fd, 0, SEEK_SET)", lseek(fd, 0, SEEK_SET));
	RET("writev(3 iovecs)", writev(fd, wv, 3));
	char a[2], b[4], c[8];
	struct iovec rv[3] = {
	    {.iov_base = a, .iov_len = sizeof(a)},
	    {.iov_base = b, .iov_len = sizeof(b)},
	    {.iov_base = c, .iov_len = sizeof(c)},
	};
	RET("lseek(fd, 0, SEEK_SET)", lseek(fd, 0, SEEK_SET));
	RET("readv(3 iovecs)", readv(fd, rv, 3));
	print_bytes("iov0", a, 2);
	print_bytes("iov1", b, 4);
	print_bytes("iov2", c, 2);
	RET("preadv(off 3)", preadv(fd, rv, 2, 3));
	print_bytes("iov0", a, 2);
	print_bytes("iov1", b, 3);
	RET("pwritev(off 1)", pwritev(fd, wv, 1, 1));
	RET("pread(fd, 64, 0)", pread(fd, buf, 64, 0));
	print_bytes("data", buf, 8);
	struct iovec badlen = {.iov_base = buf, .iov_len = (size_t)-1};
	ERR("readv(iov_len=-1)", readv(fd, &badlen, 1));
	ERR("readv(iovcnt=-1)", readv(fd, rv, -1));
	ERR("readv(iovcnt=2000)", readv(fd, rv, 2000));
	ERR("readv(iov=BADPTR)", readv(fd, BADPTR, 1));

	/* Errors. */
	ERR("read(-1)", read(-1, buf, 1));
	ERR("read(999)", read(999, buf, 1));
	ERR("write(999)", write(999, "x", 1));
	RET("lseek(fd, 0, SEEK_SET)", lseek(fd, 0, SEEK_SET));
	ERR("read(fd, BADPTR, 4)", read(fd, BADPTR, 4));
	ERR("write(fd, BADPTR, 4)", write(fd, BADPTR, 4));
	RET("read(fd, buf, 0)", read(fd, buf, 0));
	int ro = RET("open(f, O_RDONLY)", open("f", O_RDONLY));
	ERR("write to O_RDONLY fd", write(ro, "x", 1));
	int wo = RET("open(f, O_WRONLY)", open("f", O_WRONLY));
	ERR("read from O_WRONLY fd", read(wo, buf, 1));
	int dfd = RET("open(., O_RDONLY)", open(".", O_RDONLY));
	ERR("read(directory)", read(dfd, buf, 1));
	ERR("lseek(fd, 1, SEEK_DATA)", lseek(fd, 100, SEEK_DATA));

	/* Pipes are not seekable. */
	die_if(pipe(p) != 0, "pipe");
	ERR("lseek(pipe)", lseek(p[0], 0, SEEK_SET));
	ERR("pread(pipe)", pread(p[0], buf, 1, 0));
	ERR("pwrite(pipe)", pwrite(p[1], "x", 1, 0));
	RET("close(fd)", close(fd));
	ERR("close(fd) again", close(fd));
	ERR("read(closed fd)", read(fd, buf, 1));
	return 0;
}
