/* ioctl: TCGETS/TIOCGWINSZ on things that are not terminals give ENOTTY;
 * FIONREAD and FIONBIO on a pipe. */
#include "compat.h"
#include <sys/ioctl.h>
#include <termios.h>

int main(void)
{
	struct termios t;
	struct winsize ws;
	int p[2], n = -1;

	int fd = open("/etc/passwd", O_RDONLY);
	ERR("ioctl(file, TCGETS)", ioctl(fd, TCGETS, &t));
	ERR("ioctl(file, TIOCGWINSZ)", ioctl(fd, TIOCGWINSZ, &ws));
	YESNO("isatty(file)", isatty(fd));
	printf("  errno %s\n", errname(errno));
	int null = open("/dev/null", O_RDWR);
	ERR("ioctl(/dev/null, TCGETS)", ioctl(null, TCGETS, &t));
	die_if(pipe(p) != 0, "pipe");
	ERR("ioctl(pipe, TCGETS)", ioctl(p[0], TCGETS, &t));
	ERR("ioctl(99, TCGETS)", ioctl(99, TCGETS, &t));
	int dfd = open("/", O_RDONLY);
	ERR("ioctl(dir, TCGETS)", ioctl(dfd, TCGETS, &t));

	RET("ioctl(pipe, FIONREAD) empty", ioctl(p[0], FIONREAD, &n));
	printf("  bytes: %d\n", n);
	write(p[1], "hello", 5);
	RET("ioctl(pipe, FIONREAD)", ioctl(p[0], FIONREAD, &n));
	printf("  bytes: %d\n", n);
	ERR("ioctl(pipe, FIONREAD, BADPTR)", ioctl(p[0], FIONREAD, BADPTR));
	int on = 1;
	RET("ioctl(pipe, FIONBIO, 1)", ioctl(p[0], FIONBIO, &on));
	printf("  O_NONBLOCK now: %d\n", !!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	RET("ioctl(pipe, FIOCLEX)", ioctl(p[0], FIOCLEX));
	printf("  FD_CLOEXEC now: %d\n", fcntl(p[0], F_GETFD));
	RET("ioctl(file, FIONREAD)", ioctl(fd, FIONREAD, &n));
	YESNO("  FIONREAD(file) == file size - offset", ({
		      struct stat sb;
		      fstat(fd, &sb);
		      n == sb.st_size;
	      }));
	return 0;
}
