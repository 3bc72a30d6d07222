/* The gofer's 9P2000.L server: see server.h. */
#define _GNU_SOURCE
#include "gofer/server.h"

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "gofer/p9/p9.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* An O_PATH descriptor shared by the fids that name the file and by the
 * fids of its children (as their parent). */
struct fref {
	int fd;
	unsigned refs;
	dev_t dev;
	ino_t ino;
};

struct fid {
	uint32_t num;
	struct fid *next;    /* hash chain */
	struct fref *node;   /* the file itself (O_PATH) */
	struct fref *parent; /* its directory, NULL for an attach root */
	char *name;	     /* its name in parent, NULL for an attach root */
	mode_t type;	     /* S_IFMT bits when walked */
	int ofd;	     /* after Tlopen/Tlcreate, else -1 */
	int oacc;	     /* O_RDONLY / O_WRONLY / O_RDWR of ofd */
};

#define NBUCKETS 4096

struct server {
	int sock;
	struct fref *trees; /* the directory of the trees: see gofer_serve */
	int ntrees;
	bool ro;
	bool versioned;
	bool donate;   /* the P9_VERSION_L_FD dialect */
	int donate_fd; /* to pass with the reply being sent, or -1 */
	uint32_t msize;
	uint8_t *in;	  /* P9_MAX_MSIZE bytes */
	uint8_t *out;	  /* P9_MAX_MSIZE bytes */
	uint8_t *scratch; /* P9_MAX_MSIZE bytes, for getdents64 */
	struct fid *buckets[NBUCKETS];
	size_t nfids;
};

/* ---- fids ---- */

static struct fref *fref_new(int fd, const struct stat *st)
{
	struct fref *r = malloc(sizeof(*r));

	if (!r)
		return NULL;
	r->fd = fd;
	r->refs = 1;
	r->dev = st->st_dev;
	r->ino = st->st_ino;
	return r;
}

static struct fref *fref_get(struct fref *r)
{
	if (r)
		r->refs++;
	return r;
}

static void fref_put(struct fref *r)
{
	if (r && --r->refs == 0) {
		close(r->fd);
		free(r);
	}
}

static struct fid **bucket(struct server *s, uint32_t num)
{
	return &s->buckets[(num * 2654435761u) >> 20 & (NBUCKETS - 1)];
}

static struct fid *fid_lookup(struct server *s, uint32_t num)
{
	for (struct fid *f = *bucket(s, num); f; f = f->next)
		if (f->num == num)
			return f;
	return NULL;
}

/* A new, empty fid numbered num: NULL and *err set when num is NOFID, in
 * use, or the table is full. */
static struct fid *fid_new(struct server *s, uint32_t num, int *err)
{
	struct fid *f;

	if (num == P9_NOFID || fid_lookup(s, num)) {
		*err = -LINUX_EBADF;
		return NULL;
	}
	if (s->nfids >= GOFER_MAX_FIDS) {
		*err = -LINUX_ENFILE;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		*err = -LINUX_ENOMEM;
		return NULL;
	}
	f->num = num;
	f->ofd = -1;
	f->next = *bucket(s, num);
	*bucket(s, num) = f;
	s->nfids++;
	return f;
}

static void fid_destroy(struct server *s, struct fid *f)
{
	struct fid **pp = bucket(s, f->num);

	while (*pp != f)
		pp = &(*pp)->next;
	*pp = f->next;
	s->nfids--;
	if (f->ofd >= 0)
		close(f->ofd);
	fref_put(f->node);
	fref_put(f->parent);
	free(f->name);
	free(f);
}

static void fid_destroy_all(struct server *s)
{
	for (size_t i = 0; i < NBUCKETS; i++)
		while (s->buckets[i])
			fid_destroy(s, s->buckets[i]);
}

/* ---- helpers ---- */

static int host_err(void)
{
	return -linux_errno_from_host(errno);
}

/* A single path component the server may pass to openat: never "", ".",
 * "..", nor anything with '/' or NUL in it. Copied to out[NAME_MAX + 1]. */
static int check_name(struct p9_str s, char *out)
{
	int n = p9_str_copy(s, out, NAME_MAX + 1);

	if (n == -LINUX_ENAMETOOLONG)
		return n;
	if (n < 0 || n == 0 || strchr(out, '/') || strcmp(out, ".") == 0 ||
	    strcmp(out, "..") == 0)
		return -LINUX_EINVAL;
	return 0;
}

static struct p9_qid qid_of(const struct stat *st)
{
	struct p9_qid q = {0};

	if (S_ISDIR(st->st_mode))
		q.type = P9_QTDIR;
	else if (S_ISLNK(st->st_mode))
		q.type = P9_QTSYMLINK;
	else
		q.type = P9_QTFILE;
	/* Inode numbers of different mounts under the root may collide; fold
	 * the device in so that qid.path stays unique in practice. */
	q.path = (uint64_t)st->st_ino ^ ((uint64_t)st->st_dev << 48);
	return q;
}

static uint8_t qtype_of_dtype(unsigned char d)
{
	if (d == DT_DIR)
		return P9_QTDIR;
	if (d == DT_LNK)
		return P9_QTSYMLINK;
	return P9_QTFILE;
}

/* Wire (Linux) open flags to the host's. Creation flags are the caller's
 * business; flags that would make the gofer misbehave (O_DIRECT
 * alignment, O_NOATIME permission, O_ASYNC signals) are dropped. */
static int host_open_flags(uint32_t l)
{
	int h = 0;

	switch (l & LINUX_O_ACCMODE) {
	case LINUX_O_RDONLY:
		h = O_RDONLY;
		break;
	case LINUX_O_WRONLY:
		h = O_WRONLY;
		break;
	case LINUX_O_RDWR:
		h = O_RDWR;
		break;
	default:
		return -LINUX_EINVAL;
	}
	if (l & LINUX_O_APPEND)
		h |= O_APPEND;
	if ((l & LINUX_O_SYNC) == LINUX_O_SYNC)
		h |= O_SYNC;
	else if (l & LINUX_O_DSYNC)
		h |= O_DSYNC;
	return h;
}

static bool writes(uint32_t l)
{
	return (l & LINUX_O_ACCMODE) != LINUX_O_RDONLY || (l & LINUX_O_TRUNC);
}

/* A regular file opened for the client (Tlopen, Tlcreate): under the
 * P9_VERSION_L_FD dialect the client gets a duplicate of the descriptor
 * with the reply, to read and write it itself. (It was opened from the
 * O_PATH one or created here, so it names exactly a file beneath the
 * root; its access mode is the one the client asked for.) */
static void donate(struct server *s, int fd, const struct stat *st)
{
	if (s->donate && S_ISREG(st->st_mode))
		s->donate_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

/* ---- handlers ----
 * Each decodes msg[len], does the work and encodes its reply into s->out,
 * returning the reply's length, or a negative Linux errno for Rlerror. */

static long h_version(struct server *s, const void *msg, size_t len,
		      uint16_t tag)
{
	struct p9_tversion t;
	struct p9_rversion r;

	if (p9_dec_tversion(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	if (t.msize < P9_MIN_MSIZE)
		return -LINUX_EINVAL;
	/* A new session: every fid of the old one goes. */
	fid_destroy_all(s);
	r.msize = t.msize < P9_MAX_MSIZE ? t.msize : P9_MAX_MSIZE;
	if (p9_str_eq(t.version, P9_VERSION_L) ||
	    p9_str_eq(t.version, P9_VERSION_L_FD)) {
		s->donate = p9_str_eq(t.version, P9_VERSION_L_FD);
		r.version =
		    p9_str_c(s->donate ? P9_VERSION_L_FD : P9_VERSION_L);
		s->versioned = true;
		s->msize = r.msize;
	} else {
		r.version = p9_str_c("unknown");
		s->versioned = false;
	}
	return p9_enc_rversion(s->out, s->msize, tag, &r);
}

/* The scratch entry an aname names: "" or "/" is the root ("0"), "N"
 * (1 <= N < ntrees) the N-th mount. NULL for anything else. */
static const char *tree_of(const struct server *s, struct p9_str aname,
			   char name[16])
{
	int n = 0;

	if (aname.len == 0 || p9_str_eq(aname, "/"))
		return "0";
	if (aname.len > 5 || aname.s[0] < '1' || aname.s[0] > '9')
		return NULL;
	for (uint16_t i = 0; i < aname.len; i++) {
		if (aname.s[i] < '0' || aname.s[i] > '9')
			return NULL;
		n = n * 10 + (aname.s[i] - '0');
	}
	if (n >= s->ntrees)
		return NULL;
	snprintf(name, 16, "%d", n);
	return name;
}

static long h_attach(struct server *s, const void *msg, size_t len,
		     uint16_t tag)
{
	struct p9_tattach t;
	struct p9_rattach r;
	struct fref *node;
	struct fid *f;
	struct stat st;
	const char *tree;
	char num[16];
	int fd, err;

	if (p9_dec_tattach(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	if (t.afid != P9_NOFID)
		return -LINUX_EINVAL;
	tree = tree_of(s, t.aname, num);
	if (!tree)
		return -LINUX_ENOENT;
	if (fid_lookup(s, t.fid))
		return -LINUX_EBADF;
	/* The tree is mounted on its entry; walking onto it crosses into the
	 * mount (O_NOFOLLOW: entries are never symlinks anyway). */
	fd = openat(s->trees->fd, tree, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return host_err();
	if (fstat(fd, &st) < 0) {
		err = host_err();
		close(fd);
		return err;
	}
	node = fref_new(fd, &st);
	if (!node) {
		close(fd);
		return -LINUX_ENOMEM;
	}
	f = fid_new(s, t.fid, &err);
	if (!f) {
		fref_put(node);
		return err;
	}
	f->node = node;
	f->type = st.st_mode & S_IFMT;
	if (!S_ISDIR(st.st_mode)) {
		/* A bind-mounted file reopens through its scratch entry (see
		 * reopen); no request can name the scratch directory itself:
		 * walks start at nodes and never take "..". */
		f->parent = fref_get(s->trees);
		f->name = strdup(tree);
		if (!f->name) {
			fid_destroy(s, f);
			return -LINUX_ENOMEM;
		}
	}
	r.qid = qid_of(&st);
	return p9_enc_rattach(s->out, s->msize, tag, &r);
}

static long h_walk(struct server *s, const void *msg, size_t len, uint16_t tag)
{
	char names[P9_MAXWELEM][NAME_MAX + 1];
	struct p9_twalk t;
	struct p9_rwalk r = {0};
	struct fref *cur, *parent;
	const char *name;
	struct fid *f, *nf;
	mode_t type;
	int err = 0;

	if (p9_dec_twalk(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	f = fid_lookup(s, t.fid);
	if (!f)
		return -LINUX_EBADF;
	if (t.newfid != t.fid) {
		if (fid_lookup(s, t.newfid) || t.newfid == P9_NOFID)
			return -LINUX_EBADF;
		if (s->nfids >= GOFER_MAX_FIDS)
			return -LINUX_ENFILE;
	} else if (f->ofd >= 0 && t.nwname > 0) {
		return -LINUX_EBUSY; /* would change the file under the open fd
				      */
	}
	for (int i = 0; i < t.nwname; i++) {
		err = check_name(t.wname[i], names[i]);
		if (err < 0)
			return err;
	}

	cur = fref_get(f->node);
	parent = fref_get(f->parent);
	name = f->name;
	type = f->type;
	for (int i = 0; i < t.nwname; i++) {
		struct fref *next;
		struct stat st;
		int fd;

		fd = openat(cur->fd, names[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			err = host_err();
			break;
		}
		if (fstat(fd, &st) < 0) {
			err = host_err();
			close(fd);
			break;
		}
		next = fref_new(fd, &st);
		if (!next) {
			close(fd);
			err = -LINUX_ENOMEM;
			break;
		}
		fref_put(parent);
		parent = cur;
		cur = next;
		name = names[i];
		type = st.st_mode & S_IFMT;
		r.wqid[r.nwqid++] = qid_of(&st);
	}
	if (r.nwqid < t.nwname) {
		fref_put(cur);
		fref_put(parent);
		/* 9P: an error on the first name is an error; later, a short
		 * Rwalk tells how far the walk went. */
		if (r.nwqid == 0)
			return err;
		return p9_enc_rwalk(s->out, s->msize, tag, &r);
	}

	if (t.newfid == t.fid) {
		nf = f;
	} else {
		nf = fid_new(s, t.newfid, &err);
		if (!nf) {
			fref_put(cur);
			fref_put(parent);
			return err;
		}
	}
	if (name) {
		char *dup = strdup(name);

		if (!dup) {
			fref_put(cur);
			fref_put(parent);
			if (nf != f)
				fid_destroy(s, nf);
			return -LINUX_ENOMEM;
		}
		name = dup;
	}
	fref_put(nf->node);
	fref_put(nf->parent);
	free(nf->name);
	nf->node = cur;
	nf->parent = parent;
	nf->name = (char *)name;
	nf->type = type;
	return p9_enc_rwalk(s->out, s->msize, tag, &r);
}

static long h_getattr(struct server *s, const void *msg, size_t len,
		      uint16_t tag)
{
	struct p9_tgetattr t;
	struct p9_rgetattr r = {0};
	struct p9_attr *a = &r.attr;
	struct stat st;
	struct fid *f;

	if (p9_dec_tgetattr(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	f = fid_lookup(s, t.fid);
	if (!f)
		return -LINUX_EBADF;
	if (fstat(f->node->fd, &st) < 0)
		return host_err();
	a->valid = P9_GETATTR_BASIC;
	a->qid = qid_of(&st);
	a->mode = st.st_mode;
	a->uid = st.st_uid;
	a->gid = st.st_gid;
	a->nlink = st.st_nlink;
	a->rdev = st.st_rdev;
	a->size = (uint64_t)st.st_size;
	a->blksize = (uint64_t)st.st_blksize;
	a->blocks = (uint64_t)st.st_blocks;
	a->atime_sec = (uint64_t)st.st_atim.tv_sec;
	a->atime_nsec = (uint64_t)st.st_atim.tv_nsec;
	a->mtime_sec = (uint64_t)st.st_mtim.tv_sec;
	a->mtime_nsec = (uint64_t)st.st_mtim.tv_nsec;
	a->ctime_sec = (uint64_t)st.st_ctim.tv_sec;
	a->ctime_nsec = (uint64_t)st.st_ctim.tv_nsec;
	return p9_enc_rgetattr(s->out, s->msize, tag, &r);
}

/* Open the file f names for I/O with host flags hflags (no O_CREAT,
 * O_TRUNC). Directories reopen through "." of their own O_PATH fd;
 * regular files through their parent and name, checked to be the same
 * inode afterwards (the name may have been replaced meanwhile). */
static int reopen(struct fid *f, int hflags, struct stat *st)
{
	int fd, err;

	if (S_ISDIR(f->type)) {
		if ((hflags & O_ACCMODE) != O_RDONLY)
			return -LINUX_EISDIR;
		fd = openat(f->node->fd, ".",
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else if (S_ISREG(f->type)) {
		if (!f->parent)
			return -LINUX_EINVAL;
		fd = openat(f->parent->fd, f->name,
			    hflags | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK |
				O_CLOEXEC);
	} else if (S_ISLNK(f->type)) {
		return -LINUX_ELOOP;
	} else {
		/* FIFOs would block this single-threaded server; devices and
		 * sockets are the sentry's own business, never host ones. */
		return -LINUX_EOPNOTSUPP;
	}
	if (fd < 0)
		return host_err();
	if (fstat(fd, st) < 0) {
		err = host_err();
		close(fd);
		return err;
	}
	if (st->st_dev != f->node->dev || st->st_ino != f->node->ino) {
		close(fd);
		return -LINUX_ESTALE;
	}
	/* O_NONBLOCK was for the open only; keep reads plain. */
	if (!S_ISDIR(f->type) && fcntl(fd, F_SETFL, hflags & O_APPEND) < 0) {
		err = host_err();
		close(fd);
		return err;
	}
	return fd;
}

static long h_lopen(struct server *s, const void *msg, size_t len, uint16_t tag)
{
	struct p9_tlopen t;
	struct p9_rlopen r = {0};
	struct stat st;
	struct fid *f;
	int hflags, fd;

	if (p9_dec_tlopen(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	f = fid_lookup(s, t.fid);
	if (!f)
		return -LINUX_EBADF;
	if (f->ofd >= 0)
		return -LINUX_EINVAL;
	hflags = host_open_flags(t.flags);
	if (hflags < 0)
		return hflags;
	if (s->ro && writes(t.flags))
		return -LINUX_EROFS;
	if ((t.flags & LINUX_O_DIRECTORY) && !S_ISDIR(f->type))
		return -LINUX_ENOTDIR;
	fd = reopen(f, hflags, &st);
	if (fd < 0)
		return fd;
	if ((t.flags & LINUX_O_TRUNC) && S_ISREG(st.st_mode) &&
	    (hflags & O_ACCMODE) != O_RDONLY && ftruncate(fd, 0) < 0) {
		int err = host_err();

		close(fd);
		return err;
	}
	f->ofd = fd;
	f->oacc = hflags & O_ACCMODE;
	r.qid = qid_of(&st);
	donate(s, fd, &st);
	return p9_enc_rlopen(s->out, s->msize, tag, &r);
}

static long h_read(struct server *s, const void *msg, size_t len, uint16_t tag)
{
	struct p9_tread t;
	struct p9_rread r;
	struct fid *f;
	uint32_t count;
	ssize_t n;

	if (p9_dec_tread(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	f = fid_lookup(s, t.fid);
	if (!f || f->ofd < 0 || f->oacc == O_WRONLY)
		return -LINUX_EBADF;
	if (t.offset > INT64_MAX)
		return -LINUX_EINVAL;
	count = s->msize - P9_RREAD_HDRSZ;
	if (t.count < count)
		count = t.count;
	do
		n = pread(f->ofd, s->out + P9_RREAD_HDRSZ, count,
			  (off_t)t.offset);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return host_err();
	r.count = (uint32_t)n;
	r.data = s->out + P9_RREAD_HDRSZ;
	return p9_enc_rread(s->out, s->msize, tag, &r);
}

static long h_readdir(struct server *s, const void *msg, size_t len,
		      uint16_t tag)
{
	struct p9_treaddir t;
	struct p9_rreaddir r;
	struct fid *f;
	uint32_t count;
	size_t used = 0;
	long n;

	if (p9_dec_treaddir(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	f = fid_lookup(s, t.fid);
	if (!f || f->ofd < 0)
		return -LINUX_EBADF;
	if (!S_ISDIR(f->type))
		return -LINUX_ENOTDIR;
	count = s->msize - P9_RREAD_HDRSZ;
	if (t.count < count)
		count = t.count;
	/* The offset is the d_off cookie of the last entry the client
	 * decoded; entries read here but not sent are read again next time. */
	if (lseek(f->ofd, (off_t)t.offset, SEEK_SET) < 0)
		return host_err();
	n = syscall(SYS_getdents64, f->ofd, s->scratch, count);
	if (n < 0)
		return host_err();
	for (long off = 0; off < n;) {
		struct dirent64 *d = (struct dirent64 *)(s->scratch + off);
		struct p9_dirent e = {
		    .qid = {.type = qtype_of_dtype(d->d_type),
			    .path = d->d_ino},
		    .offset = (uint64_t)d->d_off,
		    .type = d->d_type,
		    .name = p9_str_c(d->d_name),
		};

		if (p9_dirent_put(s->out + P9_RREAD_HDRSZ, count, &used, &e) <
		    0)
			break;
		off += d->d_reclen;
	}
	if (n > 0 && used == 0)
		return -LINUX_EINVAL; /* count too small for one entry */
	r.count = (uint32_t)used;
	r.data = s->out + P9_RREAD_HDRSZ;
	return p9_enc_rreaddir(s->out, s->msize, tag, &r);
}

static long h_readlink(struct server *s, const void *msg, size_t len,
		       uint16_t tag)
{
	char target[PATH_MAX];
	struct p9_treadlink t;
	struct p9_rreadlink r;
	struct fid *f;
	ssize_t n;

	if (p9_dec_treadlink(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	f = fid_lookup(s, t.fid);
	if (!f)
		return -LINUX_EBADF;
	if (!S_ISLNK(f->type))
		return -LINUX_EINVAL;
	n = readlinkat(f->node->fd, "", target, sizeof(target));
	if (n < 0)
		return host_err();
	if ((size_t)n >= sizeof(target))
		return -LINUX_ENAMETOOLONG;
	r.target.s = target;
	r.target.len = (uint16_t)n;
	return p9_enc_rreadlink(s->out, s->msize, tag, &r);
}

static long h_statfs(struct server *s, const void *msg, size_t len,
		     uint16_t tag)
{
	struct p9_tstatfs t;
	struct p9_rstatfs r;
	struct statfs st;
	struct fid *f;

	if (p9_dec_tstatfs(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	f = fid_lookup(s, t.fid);
	if (!f)
		return -LINUX_EBADF;
	if (fstatfs(f->node->fd, &st) < 0)
		return host_err();
	r.st.type = (uint32_t)st.f_type;
	r.st.bsize = (uint32_t)st.f_bsize;
	r.st.blocks = st.f_blocks;
	r.st.bfree = st.f_bfree;
	r.st.bavail = st.f_bavail;
	r.st.files = st.f_files;
	r.st.ffree = st.f_ffree;
	r.st.fsid = (uint64_t)(uint32_t)st.f_fsid.__val[0] |
		    (uint64_t)(uint32_t)st.f_fsid.__val[1] << 32;
	r.st.namelen = (uint32_t)st.f_namelen;
	return p9_enc_rstatfs(s->out, s->msize, tag, &r);
}

static long h_clunk(struct server *s, const void *msg, size_t len, uint16_t tag)
{
	struct p9_tclunk t;
	struct fid *f;

	if (p9_dec_tclunk(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	f = fid_lookup(s, t.fid);
	if (!f)
		return -LINUX_EBADF;
	fid_destroy(s, f);
	return p9_enc_rclunk(s->out, s->msize, tag);
}

/* ---- write side ---- */

static long h_write(struct server *s, const void *msg, size_t len, uint16_t tag)
{
	struct p9_twrite t;
	struct p9_rwrite r;
	struct fid *f;
	ssize_t n;

	if (p9_dec_twrite(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	f = fid_lookup(s, t.fid);
	if (!f || f->ofd < 0 || f->oacc == O_RDONLY)
		return -LINUX_EBADF;
	if (s->ro)
		return -LINUX_EROFS;
	if (t.offset > INT64_MAX)
		return -LINUX_EINVAL;
	do
		n = pwrite(f->ofd, t.data, t.count, (off_t)t.offset);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return host_err();
	r.count = (uint32_t)n;
	return p9_enc_rwrite(s->out, s->msize, tag, &r);
}

/* The directory fid for a create-like request, checked. */
static int dir_fid(struct server *s, uint32_t num, struct fid **out)
{
	struct fid *f = fid_lookup(s, num);

	if (!f)
		return -LINUX_EBADF;
	if (!S_ISDIR(f->type))
		return -LINUX_ENOTDIR;
	if (s->ro)
		return -LINUX_EROFS;
	*out = f;
	return 0;
}

/* The writable directory fid num and a valid name in it (copied to name,
 * NAME_MAX + 1 bytes): the start of every request that makes or removes
 * an entry. */
static int dir_and_name(struct server *s, uint32_t num, struct p9_str pname,
			struct fid **out, char *name)
{
	int err = dir_fid(s, num, out);

	return err < 0 ? err : check_name(pname, name);
}

/* The end of Tmkdir, Tsymlink, Tmknod: give dir/name (just made) the
 * creator's group, as the protocol asks (best effort: an unprivileged
 * gofer keeps its own), and return its qid, not following a symlink. */
static int made(int dirfd, const char *name, uint32_t gid, struct p9_qid *q)
{
	struct stat st;

	if (fchownat(dirfd, name, (uid_t)-1, gid, AT_SYMLINK_NOFOLLOW) < 0) {
		/* ownership is advisory here */
	}
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return host_err();
	*q = qid_of(&st);
	return 0;
}

static long h_lcreate(struct server *s, const void *msg, size_t len,
		      uint16_t tag)
{
	char name[NAME_MAX + 1];
	struct p9_tlcreate t;
	struct p9_rlcreate r = {0};
	struct stat st, pst;
	struct fref *node;
	struct fid *f;
	char *dup;
	int hflags, fd, pfd, err;

	if (p9_dec_tlcreate(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	err = dir_fid(s, t.fid, &f);
	if (err < 0)
		return err;
	if (f->ofd >= 0)
		return -LINUX_EINVAL;
	err = check_name(t.name, name);
	if (err < 0)
		return err;
	hflags = host_open_flags(t.flags);
	if (hflags < 0)
		return hflags;
	dup = strdup(name);
	if (!dup)
		return -LINUX_ENOMEM;
	fd = openat(f->node->fd, name,
		    hflags | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY |
			O_CLOEXEC,
		    t.mode & 07777);
	if (fd < 0) {
		err = host_err();
		goto fail;
	}
	/* The creator's group, as the protocol asks; best effort (an
	 * unprivileged gofer keeps its own). */
	if (fchown(fd, (uid_t)-1, t.gid) < 0) {
		/* nothing: ownership is advisory here */
	}
	pfd = openat(f->node->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0) {
		err = host_err();
		goto fail_fd;
	}
	if (fstat(fd, &st) < 0 || fstat(pfd, &pst) < 0) {
		err = host_err();
		close(pfd);
		goto fail_fd;
	}
	if (st.st_dev != pst.st_dev || st.st_ino != pst.st_ino) {
		err = -LINUX_ESTALE;
		close(pfd);
		goto fail_fd;
	}
	node = fref_new(pfd, &st);
	if (!node) {
		err = -LINUX_ENOMEM;
		close(pfd);
		goto fail_fd;
	}
	/* The fid moves from the directory to the new, open file. */
	fref_put(f->parent);
	f->parent = f->node;
	f->node = node;
	free(f->name);
	f->name = dup;
	f->type = st.st_mode & S_IFMT;
	f->ofd = fd;
	f->oacc = hflags & O_ACCMODE;
	r.qid = qid_of(&st);
	donate(s, fd, &st);
	return p9_enc_rlcreate(s->out, s->msize, tag, &r);

fail_fd:
	close(fd);
fail:
	free(dup);
	return err;
}

static long h_mkdir(struct server *s, const void *msg, size_t len, uint16_t tag)
{
	char name[NAME_MAX + 1];
	struct p9_tmkdir t;
	struct p9_rmkdir r = {0};
	struct fid *f;
	int err;

	if (p9_dec_tmkdir(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	err = dir_and_name(s, t.dfid, t.name, &f, name);
	if (err < 0)
		return err;
	if (mkdirat(f->node->fd, name, t.mode & 07777) < 0)
		return host_err();
	err = made(f->node->fd, name, t.gid, &r.qid);
	if (err < 0)
		return err;
	return p9_enc_rmkdir(s->out, s->msize, tag, &r);
}

static long h_symlink(struct server *s, const void *msg, size_t len,
		      uint16_t tag)
{
	char name[NAME_MAX + 1], target[PATH_MAX];
	struct p9_tsymlink t;
	struct p9_rsymlink r = {0};
	struct fid *f;
	int err;

	if (p9_dec_tsymlink(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	err = dir_and_name(s, t.fid, t.name, &f, name);
	if (err < 0)
		return err;
	err = p9_str_copy(t.target, target, sizeof(target));
	if (err < 0)
		return err;
	if (err == 0)
		return -LINUX_ENOENT; /* symlink(2) refuses empty targets */
	if (symlinkat(target, f->node->fd, name) < 0)
		return host_err();
	err = made(f->node->fd, name, t.gid, &r.qid);
	if (err < 0)
		return err;
	return p9_enc_rsymlink(s->out, s->msize, tag, &r);
}

/* Tmknod: FIFOs, sockets and regular files only. Device nodes are
 * refused (the served tree is nodev anyway, and the sentry keeps its
 * devices to itself). */
static long h_mknod(struct server *s, const void *msg, size_t len, uint16_t tag)
{
	char name[NAME_MAX + 1];
	struct p9_tmknod t;
	struct p9_rmknod r = {0};
	struct fid *f;
	mode_t type;
	int err;

	if (p9_dec_tmknod(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	err = dir_and_name(s, t.dfid, t.name, &f, name);
	if (err < 0)
		return err;
	type = t.mode & S_IFMT;
	if (type == S_IFCHR || type == S_IFBLK)
		return -LINUX_EPERM;
	if (type != S_IFIFO && type != S_IFSOCK && type != S_IFREG)
		return -LINUX_EINVAL;
	if (mknodat(f->node->fd, name, type | (t.mode & 07777), 0) < 0)
		return host_err();
	err = made(f->node->fd, name, t.gid, &r.qid);
	if (err < 0)
		return err;
	return p9_enc_rmknod(s->out, s->msize, tag, &r);
}

/* Tlink: a new name for the file fid walked to. Through its O_PATH
 * descriptor when the gofer may (CAP_DAC_READ_SEARCH); otherwise through
 * its parent and name, never following a symlink (link(2) links the
 * symlink itself), and checked to have linked the file walked to. */
static long h_link(struct server *s, const void *msg, size_t len, uint16_t tag)
{
	char name[NAME_MAX + 1];
	struct p9_tlink t;
	struct fid *d, *f;
	struct stat st;
	int err;

	if (p9_dec_tlink(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	err = dir_and_name(s, t.dfid, t.name, &d, name);
	if (err < 0)
		return err;
	f = fid_lookup(s, t.fid);
	if (!f)
		return -LINUX_EBADF;
	if (S_ISDIR(f->type))
		return -LINUX_EPERM;
	if (linkat(f->node->fd, "", d->node->fd, name, AT_EMPTY_PATH) == 0)
		return p9_enc_rlink(s->out, s->msize, tag);
	if ((errno != EPERM && errno != ENOENT) || !f->parent)
		return host_err();
	if (linkat(f->parent->fd, f->name, d->node->fd, name, 0) < 0)
		return host_err();
	if (fstatat(d->node->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    st.st_dev != f->node->dev || st.st_ino != f->node->ino) {
		/* The walked name now names another file. */
		unlinkat(d->node->fd, name, 0);
		return -LINUX_ESTALE;
	}
	return p9_enc_rlink(s->out, s->msize, tag);
}

static long h_unlinkat(struct server *s, const void *msg, size_t len,
		       uint16_t tag)
{
	char name[NAME_MAX + 1];
	struct p9_tunlinkat t;
	struct fid *f;
	int err;

	if (p9_dec_tunlinkat(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	err = dir_and_name(s, t.dirfid, t.name, &f, name);
	if (err < 0)
		return err;
	if (t.flags & ~P9_AT_REMOVEDIR)
		return -LINUX_EINVAL;
	if (unlinkat(f->node->fd, name,
		     (t.flags & P9_AT_REMOVEDIR) ? AT_REMOVEDIR : 0) < 0)
		return host_err();
	return p9_enc_runlinkat(s->out, s->msize, tag);
}

/* After a rename, fids that named the file through (olddir, oldname) must
 * reopen it through (newdir, newname). */
static void rename_fids(struct server *s, struct fref *od, const char *on,
			struct fref *nd, const char *nn)
{
	for (size_t i = 0; i < NBUCKETS; i++) {
		for (struct fid *f = s->buckets[i]; f; f = f->next) {
			char *dup;

			if (!f->parent || f->parent->dev != od->dev ||
			    f->parent->ino != od->ino || strcmp(f->name, on))
				continue;
			dup = strdup(nn);
			if (!dup)
				continue; /* the fid then goes stale: ESTALE */
			free(f->name);
			f->name = dup;
			fref_put(f->parent);
			f->parent = fref_get(nd);
		}
	}
}

static long h_renameat(struct server *s, const void *msg, size_t len,
		       uint16_t tag)
{
	char on[NAME_MAX + 1], nn[NAME_MAX + 1];
	struct p9_trenameat t;
	struct fid *od, *nd;
	int err;

	if (p9_dec_trenameat(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	err = dir_fid(s, t.olddirfid, &od);
	if (err < 0)
		return err;
	err = dir_fid(s, t.newdirfid, &nd);
	if (err < 0)
		return err;
	err = check_name(t.oldname, on);
	if (err < 0)
		return err;
	err = check_name(t.newname, nn);
	if (err < 0)
		return err;
	if (renameat(od->node->fd, on, nd->node->fd, nn) < 0)
		return host_err();
	rename_fids(s, od->node, on, nd->node, nn);
	return p9_enc_rrenameat(s->out, s->msize, tag);
}

static int set_mode(struct fid *f, uint32_t mode)
{
	struct stat st;
	int fd, err = 0;

	if (S_ISLNK(f->type))
		return -LINUX_EOPNOTSUPP; /* Linux has no symlink modes */
	if (syscall(SYS_fchmodat2, f->node->fd, "", mode & 07777,
		    AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return host_err();
	/* Older kernels: O_PATH fds cannot fchmod; reopen the file. */
	fd = reopen(f, O_RDONLY, &st);
	if (fd < 0)
		return fd;
	if (fchmod(fd, mode & 07777) < 0)
		err = host_err();
	close(fd);
	return err;
}

static int set_size(struct fid *f, uint64_t size)
{
	struct stat st;
	int fd, err = 0;

	if (size > INT64_MAX)
		return -LINUX_EFBIG;
	if (S_ISDIR(f->type))
		return -LINUX_EISDIR;
	if (f->ofd >= 0 && f->oacc != O_RDONLY)
		return ftruncate(f->ofd, (off_t)size) < 0 ? host_err() : 0;
	fd = reopen(f, O_WRONLY, &st);
	if (fd < 0)
		return fd;
	if (ftruncate(fd, (off_t)size) < 0)
		err = host_err();
	close(fd);
	return err;
}

static int set_times(struct fid *f, const struct p9_tsetattr *t)
{
	struct timespec ts[2] = {{.tv_nsec = UTIME_OMIT},
				 {.tv_nsec = UTIME_OMIT}};

	if (t->valid & P9_SETATTR_ATIME) {
		if (t->valid & P9_SETATTR_ATIME_SET) {
			ts[0].tv_sec = (time_t)t->atime_sec;
			ts[0].tv_nsec = (long)t->atime_nsec;
		} else {
			ts[0].tv_nsec = UTIME_NOW;
		}
	}
	if (t->valid & P9_SETATTR_MTIME) {
		if (t->valid & P9_SETATTR_MTIME_SET) {
			ts[1].tv_sec = (time_t)t->mtime_sec;
			ts[1].tv_nsec = (long)t->mtime_nsec;
		} else {
			ts[1].tv_nsec = UTIME_NOW;
		}
	}
	if (utimensat(f->node->fd, "", ts, AT_EMPTY_PATH) < 0)
		return host_err();
	return 0;
}

static long h_setattr(struct server *s, const void *msg, size_t len,
		      uint16_t tag)
{
	struct p9_tsetattr t;
	struct fid *f;
	int err = 0;

	if (p9_dec_tsetattr(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	f = fid_lookup(s, t.fid);
	if (!f)
		return -LINUX_EBADF;
	if (s->ro)
		return -LINUX_EROFS;
	if (t.valid & P9_SETATTR_MODE)
		err = set_mode(f, t.mode);
	if (!err && (t.valid & (P9_SETATTR_UID | P9_SETATTR_GID))) {
		uid_t u = (t.valid & P9_SETATTR_UID) ? t.uid : (uid_t)-1;
		gid_t g = (t.valid & P9_SETATTR_GID) ? t.gid : (gid_t)-1;

		if (fchownat(f->node->fd, "", u, g, AT_EMPTY_PATH) < 0)
			err = host_err();
	}
	if (!err && (t.valid & P9_SETATTR_SIZE))
		err = set_size(f, t.size);
	if (!err && (t.valid & (P9_SETATTR_ATIME | P9_SETATTR_MTIME)))
		err = set_times(f, &t);
	if (err < 0)
		return err;
	return p9_enc_rsetattr(s->out, s->msize, tag);
}

static long h_fsync(struct server *s, const void *msg, size_t len, uint16_t tag)
{
	struct p9_tfsync t;
	struct fid *f;
	int r;

	if (p9_dec_tfsync(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	f = fid_lookup(s, t.fid);
	if (!f || f->ofd < 0)
		return -LINUX_EBADF;
	r = t.datasync ? fdatasync(f->ofd) : fsync(f->ofd);
	if (r < 0)
		return host_err();
	return p9_enc_rfsync(s->out, s->msize, tag);
}

/* Tflush: requests are answered in order, so none is ever pending. */
static long h_flush(struct server *s, const void *msg, size_t len, uint16_t tag)
{
	struct p9_tflush t;

	if (p9_dec_tflush(msg, len, &t) < 0)
		return -LINUX_EPROTO;
	return p9_enc_rflush(s->out, s->msize, tag);
}

typedef long (*handler_fn)(struct server *s, const void *msg, size_t len,
			   uint16_t tag);

static const handler_fn handlers[256] = {
    [P9_TVERSION] = h_version,	 [P9_TATTACH] = h_attach,
    [P9_TWALK] = h_walk,	 [P9_TGETATTR] = h_getattr,
    [P9_TLOPEN] = h_lopen,	 [P9_TREAD] = h_read,
    [P9_TREADDIR] = h_readdir,	 [P9_TREADLINK] = h_readlink,
    [P9_TSTATFS] = h_statfs,	 [P9_TCLUNK] = h_clunk,
    [P9_TWRITE] = h_write,	 [P9_TLCREATE] = h_lcreate,
    [P9_TMKDIR] = h_mkdir,	 [P9_TSYMLINK] = h_symlink,
    [P9_TUNLINKAT] = h_unlinkat, [P9_TRENAMEAT] = h_renameat,
    [P9_TSETATTR] = h_setattr,	 [P9_TFSYNC] = h_fsync,
    [P9_TFLUSH] = h_flush,	 [P9_TMKNOD] = h_mknod,
    [P9_TLINK] = h_link,
};

/* Answer one well-framed message. Returns the reply length (> 0). */
static long dispatch(struct server *s, size_t len)
{
	struct p9_rlerror e;
	struct p9_hdr h;
	handler_fn fn;
	long n;

	if (p9_dec_hdr(s->in, len, &h) < 0)
		return -LINUX_EPROTO; /* cannot happen: p9_recv_msg framed it */
	fn = handlers[h.type];
	if (!fn)
		n = -LINUX_EOPNOTSUPP;
	else if (!s->versioned && h.type != P9_TVERSION)
		n = -LINUX_EPROTO; /* Tversion comes first */
	else
		n = fn(s, s->in, len, h.tag);
	if (n > 0)
		return n;
	/* n == 0 cannot come from an encoder; treat it as an I/O error. */
	e.ecode = n < 0 ? (uint32_t)-n : LINUX_EIO;
	return p9_enc_rlerror(s->out, s->msize, h.tag, &e);
}

int gofer_serve(int sock, int trees_fd, int ntrees, bool read_only)
{
	struct server *s;
	struct stat st;
	int ret = 0, fd;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -LINUX_ENOMEM;
	s->sock = sock;
	s->ntrees = ntrees;
	s->donate_fd = -1;
	s->ro = read_only;
	/* Before Tversion: enough for any Tversion and any Rlerror. */
	s->msize = P9_MIN_MSIZE;
	s->in = malloc(P9_MAX_MSIZE);
	s->out = malloc(P9_MAX_MSIZE);
	s->scratch = malloc(P9_MAX_MSIZE);
	if (!s->in || !s->out || !s->scratch) {
		ret = -LINUX_ENOMEM;
		goto out;
	}
	/* Our own copy: the caller's stays the caller's. */
	fd = fcntl(trees_fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0 || fstat(fd, &st) < 0 || !(s->trees = fref_new(fd, &st))) {
		ret = fd < 0 ? host_err() : -LINUX_ENOMEM;
		if (fd >= 0)
			close(fd);
		goto out;
	}
	for (;;) {
		long n = p9_recv_msg(sock, s->in, s->msize);

		if (n <= 0) {
			ret = (int)n;
			break;
		}
		n = dispatch(s, (size_t)n);
		if (n < 0) {
			ret = (int)n;
			break;
		}
		ret = p9_send_msg_fd(sock, s->out, (size_t)n, s->donate_fd);
		if (s->donate_fd >= 0) {
			close(s->donate_fd);
			s->donate_fd = -1;
		}
		if (ret < 0)
			break;
	}
out:
	fid_destroy_all(s);
	fref_put(s->trees);
	free(s->in);
	free(s->out);
	free(s->scratch);
	free(s);
	return ret;
}
