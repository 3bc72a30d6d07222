/* The console of a process with a terminal: see console.h. */
#define _GNU_SOURCE
#include "runsc/console.h"

#include "abi/scm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int make_console(const char *socket_path, bool has_size, unsigned rows,
		 unsigned cols, struct rerr *e)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	static const char name[] = "/dev/ptmx";
	int master = -1, slave = -1, sock = -1;

	if (strlen(socket_path) >= sizeof(addr.sun_path))
		return rerr_set(e, ENAMETOOLONG, "--console-socket %s",
				socket_path);
	strcpy(addr.sun_path, socket_path);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    !ptsname(master)) {
		rerr_set(e, errno, "creating the console (pty)");
		goto fail;
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		rerr_set(e, errno, "opening %s", ptsname(master));
		goto fail;
	}
	if (has_size) {
		struct winsize ws = {.ws_row = rows, .ws_col = cols};

		ioctl(slave, TIOCSWINSZ, &ws);
	}
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 ||
	    connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		rerr_set(e, errno, "--console-socket %s", socket_path);
		goto fail;
	}
	if (scm_send(sock, name, sizeof(name) - 1, &master, 1, MSG_NOSIGNAL) <
	    0) {
		rerr_set(e, errno, "--console-socket %s: sending the console",
			 socket_path);
		goto fail;
	}
	close(sock);
	close(master);
	return slave;

fail:
	if (sock >= 0)
		close(sock);
	if (slave >= 0)
		close(slave);
	if (master >= 0)
		close(master);
	return -1;
}
