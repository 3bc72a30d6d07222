/* The gofer's 9P2000.L server loop.
 *
 * Single-threaded. Every fid holds an O_PATH descriptor reached by
 * openat(dir, name, O_PATH|O_NOFOLLOW) one component at a time from the
 * root, so the server never follows a symlink and never resolves "..":
 * it cannot name anything outside the trees it was given, whatever the
 * peer sends. (The gofer also pivot_roots to where only they are; see
 * setup.h.)
 */
#ifndef GOFER_SERVER_H
#define GOFER_SERVER_H

#include <stdbool.h>

/* Upper bound on live fids; Tattach/Twalk past it get ENFILE. */
#define GOFER_MAX_FIDS 65536

/* Serve 9P2000.L on the connected stream socket sock until the peer closes
 * it (returns 0) or sends something the stream cannot recover from: a size
 * field out of range, a short message (returns a negative Linux errno).
 * Malformed or unsupported requests inside a well-framed message get
 * Rlerror and serving goes on.
 *
 * trees_fd: an O_PATH (or O_RDONLY) descriptor of a directory whose
 * entries "0" .. "ntrees-1" are the trees served (each a mount: the root
 * directory "0", then bind mounts, directories or single files); borrowed,
 * not closed. Tattach's aname picks one: "" or "/" the root, "N" tree N.
 * Nothing of that directory itself can be named by a request.
 * read_only: answer EROFS to every request that would modify any tree
 * (a tree mounted read-only gets EROFS from the host as well).
 *
 * Creation (Tlcreate, Tmkdir, Tsymlink, Tmknod) uses the mode as sent,
 * less the process umask: the gofer runs with umask 0, the client applies
 * its own. New files get the request's gid when the gofer may chown, and
 * keep the gofer's uid (the client chowns with Tsetattr if it wants
 * another). Tmknod makes FIFOs, sockets and regular files only (EPERM for
 * device nodes). Tlink links the walked file itself, never the target of
 * a symlink. */
int gofer_serve(int sock, int trees_fd, int ntrees, bool read_only);

#endif
