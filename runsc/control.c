/* The container's control socket: see control.h. */
#define _GNU_SOURCE
#include "runsc/control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* The address of DIR/control.sock, through an O_PATH descriptor of DIR so
 * that a long state directory still fits in sun_path. *dirfd: close it
 * after the bind or connect. */
static int sock_addr(const char *dir, struct sockaddr_un *a, int *dirfd,
		     struct rerr *e)
{
	*dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return rerr_set(e, errno, "%s", dir);
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path),
		 "/proc/self/fd/%d/control.sock", *dirfd);
	return 0;
}

int control_listen(const char *dir, struct rerr *e)
{
	struct sockaddr_un a;
	int dfd, fd;

	if (sock_addr(dir, &a, &dfd, e) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rerr_set(e, errno, "socket");
		close(dfd);
		return -1;
	}
	unlink(a.sun_path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 16) < 0) {
		rerr_set(e, errno, "%s/control.sock", dir);
		close(fd);
		close(dfd);
		return -1;
	}
	close(dfd);
	return fd;
}

int control_connect(const char *dir, struct rerr *e)
{
	struct sockaddr_un a;
	int dfd, fd;

	if (sock_addr(dir, &a, &dfd, e) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rerr_set(e, errno, "socket");
		close(dfd);
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		rerr_set(e, errno,
			 "connecting to the sandbox (%s/control.sock)", dir);
		close(fd);
		close(dfd);
		return -1;
	}
	close(dfd);
	return fd;
}
