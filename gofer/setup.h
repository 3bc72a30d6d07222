/* The gofer's confinement, done once before serving.
 *
 * Host-side code: errors are reported crun's way, as a message naming what
 * failed (into err[errlen]) and a -1 return; main prints it once.
 */
#ifndef GOFER_SETUP_H
#define GOFER_SETUP_H

#include <stdbool.h>
#include <stddef.h>

/* Confine the calling (single-threaded) process to root: a new mount
 * namespace with every mount private, root bind-mounted recursively onto
 * itself (nodev and nosuid, and read-only when read_only, on every mount
 * under it), then pivot_root into it
 * and detach the old root, so that "/" is root and nothing else of the
 * host's file tree is reachable. Returns an O_PATH fd of the new "/"
 * (>= 0) or -1. */
int gofer_confine_fs(const char *root, bool read_only, char *err,
		     size_t errlen);

/* Close every fd but keep_a and keep_b (pass -1 to keep fewer); stdin and
 * stdout become /dev/null, opened beforehand as devnull (closed here), so
 * that nothing the process writes there lands in a served file. stderr is
 * kept for diagnostics only if keep_stderr. */
int gofer_close_fds(int keep_a, int keep_b, int devnull, bool keep_stderr,
		    char *err, size_t errlen);

/* PR_SET_NO_NEW_PRIVS, then a seccomp filter (default: kill the process)
 * allowing only what gofer_serve needs. After this the process cannot
 * open anything but through fds it holds. */
int gofer_install_seccomp(char *err, size_t errlen);

#endif
