/* A terminal for a container's process (create's init, exec's process). */
#ifndef RUNSC_CONSOLE_H
#define RUNSC_CONSOLE_H

#include <stdbool.h>

#include "runsc/error.h"

/* process.terminal with --console-socket, runc's protocol: a new pty
 * whose master is sent over the socket in one SCM_RIGHTS message (data:
 * the master's name); the slave becomes the process's stdio. Returns the
 * slave (O_CLOEXEC), or -1 with e set. has_size: the window is rows x
 * cols. */
int make_console(const char *socket_path, bool has_size, unsigned rows,
		 unsigned cols, struct rerr *e);

#endif
