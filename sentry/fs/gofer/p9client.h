/* The sentry's 9P2000.L client: synchronous RPCs to the gofer over a
 * connected stream socket.
 *
 * Threads: every call may be made from any sentry thread, with or without
 * the kernel lock; an internal mutex serializes requests (one in flight at
 * a time). Calls block in the host until the gofer answers; they never
 * touch kernel state, so holding the kernel lock across them is allowed
 * (the gofer is a trusted local peer that answers promptly).
 *
 * Errors: every call returns >= 0 or -LINUX_Exxx. An Rlerror's ecode is
 * returned as -LINUX_<same number>. If the gofer dies, closes the socket or
 * sends anything malformed, the connection is marked broken and this and
 * every later call returns -LINUX_EIO immediately (never hangs, never
 * SIGPIPE).
 *
 * Fids: the client allocates fid numbers; a fid returned by attach/walk is
 * owned by the caller until passed to p9c_clunk (which frees the number
 * even when the gofer answers with an error).
 */
#ifndef SENTRY_FS_GOFER_P9CLIENT_H
#define SENTRY_FS_GOFER_P9CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "gofer/p9/p9.h"

struct p9_client;

/* Negotiate "9P2000.L" on fd with at most msize bytes per message
 * (clamped to [P9_MIN_MSIZE, P9_MAX_MSIZE]). On success the client owns
 * fd (p9c_close closes it). On failure returns NULL, *err = -LINUX_Exxx
 * (-LINUX_EIO when the gofer is gone), and fd is left open for the caller
 * to close (it may have been shut down). */
struct p9_client *p9c_connect(int fd, uint32_t msize, int *err);

/* Close the connection and free the client. Fids still held are dropped
 * with it (the gofer releases them when the socket closes). No call may be
 * in progress or made afterwards. */
void p9c_close(struct p9_client *c);

/* The negotiated msize. */
uint32_t p9c_msize(const struct p9_client *c);

/* Attach to the gofer's root (aname "" or "/"): *fid_out is a new fid for
 * the root, *qid its qid (qid may be NULL). */
int p9c_attach(struct p9_client *c, const char *aname, uint32_t *fid_out,
	       struct p9_qid *qid);

/* Walk nnames components from fid into a new fid. nnames == 0 clones fid.
 * Names are single components (no '/', not "." or ".."); more than
 * P9_MAXWELEM are walked in several round trips. A walk that stops short
 * (some component missing) returns -LINUX_ENOENT and creates no fid; an
 * error on the first component returns the gofer's error. last_qid (may
 * be NULL) is the qid of the last component (of fid itself for a clone,
 * which the gofer does not report: then it is zeroed). */
int p9c_walk(struct p9_client *c, uint32_t fid, int nnames,
	     const char *const *names, uint32_t *newfid_out,
	     struct p9_qid *last_qid);

/* Attributes of fid; mask is P9_GETATTR_* (the reply's out->valid says
 * which fields the gofer filled). */
int p9c_getattr(struct p9_client *c, uint32_t fid, uint64_t mask,
		struct p9_attr *out);

/* Open fid for I/O with Linux open flags (O_ACCMODE, O_TRUNC, O_APPEND,
 * O_DIRECTORY...; O_CREAT is not for lopen). qid and iounit may be NULL.
 * hostfd (may be NULL): set to a host descriptor of the opened file that
 * the gofer donated (P9_VERSION_L_FD: a regular file, open with the
 * access mode asked for; the caller owns it), or -1. */
int p9c_lopen(struct p9_client *c, uint32_t fid, uint32_t linux_open_flags,
	      struct p9_qid *qid, uint32_t *iounit, int *hostfd);

/* Read up to count bytes at off from an open fid into buf (sentry memory).
 * Requests larger than msize - P9_IOHDRSZ are split; stops at the first
 * short read. Returns the bytes read (0 at EOF) or -LINUX_Exxx (an error
 * after some bytes were read returns those bytes). */
long p9c_read(struct p9_client *c, uint32_t fid, uint64_t off, void *buf,
	      uint32_t count);

/* One Treaddir on an fid opened as a directory: fills buf with at most
 * count bytes of Rreaddir payload (decode it with p9_dirent_iter_init /
 * p9_dirent_next) and returns its length, 0 at the end of the directory.
 * off is 0 first, then the offset of the last dirent decoded. */
long p9c_readdir(struct p9_client *c, uint32_t fid, uint64_t off, void *buf,
		 uint32_t count);

/* Target of the symlink fid into buf[size], NUL-terminated. Returns its
 * length, or -LINUX_ENAMETOOLONG when it does not fit. */
long p9c_readlink(struct p9_client *c, uint32_t fid, char *buf, size_t size);

int p9c_statfs(struct p9_client *c, uint32_t fid, struct p9_statfs *out);

/* Release fid (always: the number is reusable after this call). */
int p9c_clunk(struct p9_client *c, uint32_t fid);

/* ---- Write side (the gofer answers EROFS when serving read-only) ---- */

/* Write count bytes from buf at off to an open fid; split like p9c_read.
 * Returns bytes written or -LINUX_Exxx. */
long p9c_write(struct p9_client *c, uint32_t fid, uint64_t off, const void *buf,
	       uint32_t count);

/* Create and open name in directory fid: on success fid itself now stands
 * for the new open file (9P semantics; clone the directory first to keep
 * it). Always exclusive: -LINUX_EEXIST when name exists (the gofer never
 * creates through a symlink); O_CREAT/O_EXCL in the flags are implied.
 * hostfd (may be NULL): the donated descriptor, as for p9c_lopen. */
int p9c_lcreate(struct p9_client *c, uint32_t fid, const char *name,
		uint32_t linux_open_flags, uint32_t mode, uint32_t gid,
		struct p9_qid *qid, uint32_t *iounit, int *hostfd);

int p9c_mkdir(struct p9_client *c, uint32_t dfid, const char *name,
	      uint32_t mode, uint32_t gid, struct p9_qid *qid);

int p9c_symlink(struct p9_client *c, uint32_t dfid, const char *name,
		const char *target, uint32_t gid, struct p9_qid *qid);

/* mode: S_IFIFO, S_IFSOCK or S_IFREG plus permission bits (the gofer
 * makes no device nodes: EPERM). */
int p9c_mknod(struct p9_client *c, uint32_t dfid, const char *name,
	      uint32_t mode, uint32_t gid, struct p9_qid *qid);

/* A new name in directory dfid for the (non-directory) file fid. */
int p9c_link(struct p9_client *c, uint32_t dfid, uint32_t fid,
	     const char *name);

/* flags: 0 or P9_AT_REMOVEDIR. */
int p9c_unlinkat(struct p9_client *c, uint32_t dfid, const char *name,
		 uint32_t flags);

int p9c_renameat(struct p9_client *c, uint32_t olddfid, const char *oldname,
		 uint32_t newdfid, const char *newname);

/* attr->fid is ignored (fid is used). */
int p9c_setattr(struct p9_client *c, uint32_t fid,
		const struct p9_tsetattr *attr);

int p9c_fsync(struct p9_client *c, uint32_t fid, int datasync);

#endif
