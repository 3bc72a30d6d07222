/* The gofer's confinement, done once before serving.
 *
 * Host-side code: errors are reported crun's way, as a message naming what
 * failed (into err[errlen]) and a -1 return; main prints it once.
 */
#ifndef GOFER_SETUP_H
#define GOFER_SETUP_H

#include <stdbool.h>
#include <stddef.h>

/* One tree the gofer serves: a host directory or (bind mounts) file. */
struct gofer_tree {
	const char *path;
	bool read_only;
};

/* Confine the calling (single-threaded) process to trees[0..ntrees-1]: a
 * new mount namespace with every mount private; a detached recursive copy
 * of each tree (nodev and nosuid, and read-only when asked, on every mount
 * under it) mounted on entry "0", "1"... of a scratch tmpfs; then
 * pivot_root into the scratch tmpfs, made read-only, and detach the old
 * root, so that nothing else of the host's file tree is reachable.
 * Returns an O_PATH fd of the new "/" (>= 0), the trees' directory of
 * gofer_serve, or -1. Needs open_tree and mount_setattr (Linux 5.12). */
int gofer_confine_fs(const struct gofer_tree *trees, int ntrees, char *err,
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
