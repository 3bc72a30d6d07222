/* Files backed by a host fd that the sentry owns (the caller's stdin,
 * stdout and stderr in `runsc do`). Kernel lock held; reads and writes
 * release it while in the host. */
#ifndef SENTRY_VFS_HOSTFD_H
#define SENTRY_VFS_HOSTFD_H

struct file;

/* Wrap hostfd (owned by the file from now on: closed when the last
 * reference goes). fstat reports the host's type (a tty stays a character
 * device, a pipe a FIFO); TCGETS, TCSETS(W,F), TIOCGWINSZ/TIOCSWINSZ/TIOCGPGRP/
 * TIOCSPGRP/FIONREAD work on ttys (FIONREAD on pipes too), other ioctls
 * are ENOTTY. NULL when hostfd is not open or on out-of-memory (hostfd is
 * then still the caller's). */
struct file *hostfd_file_new(int hostfd);

#endif
