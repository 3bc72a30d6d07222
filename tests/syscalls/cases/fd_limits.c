/* EMFILE when RLIMIT_NOFILE is reached; closing one makes room again. */
#include "compat.h"
#include <sys/resource.h>

int main(void)
{
	struct rlimit rl = {.rlim_cur = 16, .rlim_max = 16};
	int n = 0, fd, last = -1, open_before = 0;

	for (fd = 0; fd < 16; fd++)
		open_before += fcntl(fd, F_GETFD) >= 0;

	RET("setrlimit(NOFILE, 16)", setrlimit(RLIMIT_NOFILE, &rl));
	for (;;) {
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0)
			break;
		last = fd;
		n++;
	}
	printf("open failed with %s\n", errname(errno));
	YESNO("opens succeeded until 16 fds were open", n + open_before == 16);
	RET("last fd opened", last);
	ERR("dup(0)", dup(0));
	ERR("fcntl(0, F_DUPFD, 0)", fcntl(0, F_DUPFD, 0));
	int p[2];
	ERR("pipe", pipe(p));
	ERR("dup2(0, 16)", dup2(0, 16));
	ERR("fcntl(0, F_DUPFD, 16)", fcntl(0, F_DUPFD, 16));
	RET("close(last)", close(last));
	RET("open again", open("/dev/null", O_RDONLY));
	RET("dup2(0, 15)", dup2(0, 15));
	return 0;
}
