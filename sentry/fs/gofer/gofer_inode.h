/* The gofer filesystem's inodes, shared by its read side (gofer_fs.c:
 * lookup, open, read, listing) and its write side (gofer_write.c).
 * Internal to sentry/fs/gofer. Kernel lock held for everything.
 *
 * The caches: the tree is taken to be the sandbox's alone (as gVisor's
 * exclusive file access), so what the gofer said once stays true until
 * the sandbox itself changes it, and every write-side operation updates
 * the caches it touches so that they stay exact: a directory's negative
 * names (neg), its listing (ents, once listed), the inode's attributes,
 * a symlink's target (never changes: symlinks are not rewritten).
 *
 * Opening: every inode keeps one walked, unopened fid (fid). The first
 * open clones it into an opened fid (ofid) shared by every open file of
 * the inode; reads and writes carry their offsets, so one fid serves all
 * of them. It is opened read-only until a file is opened for writing,
 * which reopens it O_RDWR (writable) in its place. With the
 * P9_VERSION_L_FD dialect a regular file's opened fid comes with a host
 * descriptor of the same access mode (hostfd): reads are pread, writes
 * pwrite, mappings map the host file; without one, every I/O is a 9P
 * round trip on ofid. */
#ifndef SENTRY_FS_GOFER_GOFER_INODE_H
#define SENTRY_FS_GOFER_GOFER_INODE_H

#include <stdbool.h>
#include <stdint.h>

#include "sentry/fs/gofer/p9client.h"
#include "sentry/vfs/vfs.h"

struct gofer_dirent {
	char *name; /* NULL: removed (kept so getdents offsets stay put) */
	uint64_t ino;
	unsigned dtype;
};

/* Names known to be absent from a directory: an open-addressed set that
 * stops growing at NEG_MAX (lookups beyond it just ask the gofer). */
struct negset {
	char **slot;
	size_t cap, n;
};

struct gofer_inode {
	uint32_t fid;  /* walked, never opened */
	uint32_t ofid; /* opened, when opened */
	bool opened;
	bool writable; /* ofid (and hostfd) are open O_RDWR */
	/* ofid must outlive its open files: the name fid was walked through
	 * is gone while the file lives on under another (a hard link), so
	 * fid could not be opened again. */
	bool pinned;
	bool stale;	/* written through hostfd: size/times to refetch */
	unsigned nopen; /* open files using ofid */
	int hostfd;	/* donated with the open, or -1 */
	char *link;	/* symlink target, once read */
	/* directories */
	struct gofer_dirent *ents;
	size_t nents;
	bool listed;
	struct negset neg;
};

static inline struct gofer_inode *GI(const struct inode *inode)
{
	return inode->priv;
}

struct p9_client *gofer_client(const struct inode *inode);

/* A new inode for the walked fid (owned by the inode from here on, also
 * on failure), with the gofer's attributes of it. */
int gofer_inode_new(struct super *sb, uint32_t fid, struct inode **out);
/* Fetch inode's attributes from the gofer again (after a change the
 * gofer makes its own: ctime, set-id bits cleared, blocks). */
int gofer_refresh(struct inode *inode);
/* Make sure inode has an opened fid, writable if write: 0 or
 * -LINUX_Exxx (the inode is unchanged then). */
int gofer_open_fid(struct inode *inode, bool write);

/* Make ofid (opened, writable: O_RDWR) with its donated hostfd (or -1)
 * inode's opened fid, in place of the one it had; both now the inode's. */
void gofer_set_open(struct inode *inode, uint32_t ofid, bool writable,
		    int hostfd);

/* pread (write: pwrite) of n bytes at pos on a donated descriptor,
 * restarted on EINTR: bytes or -LINUX_Exxx. buf is only read for a
 * write. */
long gofer_host_io(int fd, bool write, void *buf, size_t n, loff_t pos);

/* dir gained name (bound to child) / lost name: its negative set and
 * listing follow, its mtime and ctime are now. */
void gofer_dir_added(struct inode *dir, const char *name,
		     const struct inode *child);
void gofer_dir_removed(struct inode *dir, const char *name);
/* The gofer says name exists in dir after all: forget it was missing. */
void gofer_neg_forget(struct inode *dir, const char *name);

/* The write side (gofer_write.c), for the operations tables. */
int gofer_create(struct inode *dir, const char *name, uint32_t mode,
		 const struct cred *cred, struct inode **out);
int gofer_mkdir(struct inode *dir, const char *name, uint32_t mode,
		const struct cred *cred, struct inode **out);
int gofer_mknod(struct inode *dir, const char *name, uint32_t mode,
		uint64_t rdev, const struct cred *cred, struct inode **out);
int gofer_symlink(struct inode *dir, const char *name, const char *target,
		  const struct cred *cred, struct inode **out);
int gofer_link(struct inode *old, struct inode *dir, const char *name);
int gofer_unlink(struct inode *dir, const char *name, struct inode *victim);
int gofer_rmdir(struct inode *dir, const char *name, struct inode *victim);
int gofer_rename(struct inode *olddir, const char *oldname, struct inode *moved,
		 struct inode *newdir, const char *newname,
		 struct inode *victim, unsigned flags);
int gofer_setattr(struct inode *inode, const struct iattr *attr);
int gofer_getattr(struct inode *inode);
long gofer_write(struct file *f, struct task *t, const void *buf, size_t n,
		 loff_t *pos);
int gofer_fsync(struct file *f, int datasync);

#endif
