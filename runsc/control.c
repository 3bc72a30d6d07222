/* The container's control socket: see control.h. */
#define _GNU_SOURCE
#include "runsc/control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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

/* A socket at DIR/control.sock: bound and listening (a stale one
 * replaced), or connected. */
static int control_socket(const char *dir, bool listening, struct rerr *e)
{
	struct sockaddr_un a;
	int dfd, fd, r;

	if (sock_addr(dir, &a, &dfd, e) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rerr_set(e, errno, "socket");
		close(dfd);
		return -1;
	}
	if (listening) {
		unlink(a.sun_path);
		r = bind(fd, (struct sockaddr *)&a, sizeof(a));
		if (r == 0)
			r = listen(fd, 16);
	} else {
		r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	}
	if (r < 0) {
		rerr_set(e, errno, "%s%s/control.sock",
			 listening ? "" : "connecting to the sandbox at ", dir);
		close(fd);
		fd = -1;
	}
	close(dfd);
	return fd;
}

int control_listen(const char *dir, struct rerr *e)
{
	return control_socket(dir, true, e);
}

int control_connect(const char *dir, struct rerr *e)
{
	return control_socket(dir, false, e);
}
