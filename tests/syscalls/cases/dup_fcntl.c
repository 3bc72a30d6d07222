/* dup, dup2, dup3, fcntl(F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD/SETFD,
 * F_GETFL/SETFL): descriptors share one open file description. */
#include "compat.h"

int main(void)
{
	char buf[16];
	int fd, d;

	compat_tmpdir();
	compat_write_file("f", "abcdefgh");
	fd = RET("open(f, O_RDWR)", open("f", O_RDWR));
	d = RET("dup(fd)", dup(fd));
	RET("read(fd, 3)", read(fd, buf, 3));
	RET("offset seen through dup", lseek(d, 0, SEEK_CUR));
	RET("read(dup, 2)", read(d, buf, 2));
	print_bytes("data", buf, 2);
	RET("fcntl(dup, F_GETFD)", fcntl(d, F_GETFD));

	RET("dup2(fd, 10)", dup2(fd, 10));
	RET("offset through fd 10", lseek(10, 0, SEEK_CUR));
	RET("dup2(fd, fd) returns fd", dup2(fd, fd));
	ERR("dup2(99, 11)", dup2(99, 11));
	ERR("dup2(fd, -1)", dup2(fd, -1));
	ERR("dup2(99, 99)", dup2(99, 99));
	/* dup2 over an open descriptor closes it silently. */
	int other = open("/dev/null", O_RDONLY);
	RET("dup2(fd, other)", dup2(fd, other) == other ? 0 : -1);
	RET("other now reads f", read(other, buf, 1));
	print_bytes("data", buf, 1);

	ERR("dup3(fd, fd, 0)", dup3(fd, fd, 0));
	ERR("dup3(fd, 12, 0x1234)", dup3(fd, 12, 0x1234));
	RET("dup3(fd, 12, O_CLOEXEC)", dup3(fd, 12, O_CLOEXEC));
	RET("fcntl(12, F_GETFD)", fcntl(12, F_GETFD));
	RET("dup3(fd, 12, 0) clears cloexec", dup3(fd, 12, 0));
	RET("fcntl(12, F_GETFD)", fcntl(12, F_GETFD));

	RET("fcntl(fd, F_DUPFD, 20)", fcntl(fd, F_DUPFD, 20));
	RET("fcntl(fd, F_DUPFD, 20) again", fcntl(fd, F_DUPFD, 20));
	RET("fcntl(fd, F_DUPFD_CLOEXEC, 0)", d = fcntl(fd, F_DUPFD_CLOEXEC, 0));
	RET("fcntl(that, F_GETFD)", fcntl(d, F_GETFD));
	ERR("fcntl(fd, F_DUPFD, -1)", fcntl(fd, F_DUPFD, -1));
	RET("fcntl(fd, F_SETFD, FD_CLOEXEC)", fcntl(fd, F_SETFD, FD_CLOEXEC));
	RET("fcntl(fd, F_GETFD)", fcntl(fd, F_GETFD));
	RET("fcntl(10, F_GETFD) unaffected", fcntl(10, F_GETFD));

	int fl = RET("fcntl(fd, F_GETFL) & ~O_LARGEFILE",
		     fcntl(fd, F_GETFL) & ~O_LARGEFILE);
	RET("fcntl(fd, F_SETFL, O_APPEND|O_NONBLOCK)",
	    fcntl(fd, F_SETFL, fl | O_APPEND | O_NONBLOCK));
	RET("F_GETFL through dup (shared)", fcntl(10, F_GETFL) & ~O_LARGEFILE);
	/* Access mode and creation flags cannot be changed by F_SETFL. */
	RET("fcntl(fd, F_SETFL, O_RDONLY|O_TRUNC)",
	    fcntl(fd, F_SETFL, O_RDONLY | O_TRUNC));
	RET("fcntl(fd, F_GETFL)", fcntl(fd, F_GETFL) & ~O_LARGEFILE);
	struct stat st;
	fstat(fd, &st);
	printf("size still %ld\n", (long)st.st_size);

	ERR("fcntl(99, F_GETFD)", fcntl(99, F_GETFD));
	ERR("fcntl(fd, 9999)", fcntl(fd, 9999));
	ERR("dup(-1)", dup(-1));
	RET("close(fd)", close(fd));
	RET("dup keeps the file open: read(10)", pread(10, buf, 8, 0));
	print_bytes("data", buf, 8);
	return 0;
}
