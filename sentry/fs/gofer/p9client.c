/* The sentry's 9P2000.L client: see p9client.h. */
#include "sentry/fs/gofer/p9client.h"

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "sentry/profile.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct p9_client {
	pthread_mutex_t mu;
	int fd;
	uint32_t msize;
	bool broken;	 /* the stream is unusable: every call fails with EIO */
	bool fd_dialect; /* P9_VERSION_L_FD: replies may carry a descriptor */
	int donated;	 /* passed with the last reply, until taken, or -1 */
	uint16_t tag;
	uint8_t *tbuf; /* request being built; msize bytes */
	uint8_t *rbuf; /* last reply; msize bytes */
	size_t rlen;

	/* Fid numbers: fresh ones from next_fid, reused ones from free_fids. */
	uint32_t next_fid;
	uint32_t *free_fids;
	size_t nfree, free_cap;
};

static void mark_broken(struct p9_client *c)
{
	if (!c->broken) {
		c->broken = true;
		/* Let a peer blocked on us see EOF too. */
		shutdown(c->fd, SHUT_RDWR);
	}
}

/* Send the tlen-byte request in c->tbuf (tlen < 0: the encoder's error,
 * returned as is) and wait for its reply of type rtype in c->rbuf.
 * Returns 0, the gofer's error from an Rlerror, or -LINUX_EIO when the
 * connection failed or went out of sync (it is then broken for good).
 * Caller holds c->mu. */
static int rpc(struct p9_client *c, long tlen, uint8_t rtype)
{
	uint64_t t0 = profile_enabled ? profile_now() : 0;
	struct p9_hdr h;
	long n;

	if (c->broken)
		return -LINUX_EIO;
	if (tlen < 0)
		return (int)tlen;
	if (p9_send_msg(c->fd, c->tbuf, (size_t)tlen) < 0)
		goto broken;
	if (c->donated >= 0) { /* not taken by the last caller */
		close(c->donated);
		c->donated = -1;
	}
	if (c->fd_dialect)
		n = p9_recv_msg_fd(c->fd, c->rbuf, c->msize, &c->donated);
	else
		n = p9_recv_msg(c->fd, c->rbuf, c->msize);
	if (profile_enabled)
		profile_p9(c->tbuf[4], profile_now() - t0);
	if (n <= 0)
		goto broken;
	c->rlen = (size_t)n;
	if (p9_dec_hdr(c->rbuf, c->rlen, &h) < 0 || h.tag != c->tag)
		goto broken;
	if (h.type == P9_RLERROR) {
		struct p9_rlerror e;

		if (p9_dec_rlerror(c->rbuf, c->rlen, &e) < 0)
			goto broken;
		if (e.ecode == 0 || e.ecode > 4095)
			return -LINUX_EIO;
		return -(int)e.ecode;
	}
	if (h.type != rtype)
		goto broken;
	return 0;
broken:
	mark_broken(c);
	return -LINUX_EIO;
}

/* A fresh tag for the next request (never NOTAG, which is Tversion's). */
static uint16_t next_tag(struct p9_client *c)
{
	c->tag = (uint16_t)(c->tag + 1);
	if (c->tag == P9_NOTAG)
		c->tag = 1;
	return c->tag;
}

/* Decode failures of a reply whose type was right mean a broken peer. */
static int reply_bad(struct p9_client *c)
{
	mark_broken(c);
	return -LINUX_EIO;
}

static int fid_alloc(struct p9_client *c, uint32_t *fid)
{
	if (c->nfree) {
		*fid = c->free_fids[--c->nfree];
		return 0;
	}
	if (c->next_fid == P9_NOFID)
		return -LINUX_ENFILE;
	*fid = c->next_fid++;
	return 0;
}

/* Give a fid number back. When the free list cannot grow the number is
 * simply never reused: there are 2^32 of them. */
static void fid_free(struct p9_client *c, uint32_t fid)
{
	if (c->nfree == c->free_cap) {
		size_t ncap = c->free_cap ? c->free_cap * 2 : 64;
		uint32_t *n = realloc(c->free_fids, ncap * sizeof(*n));

		if (!n)
			return;
		c->free_fids = n;
		c->free_cap = ncap;
	}
	c->free_fids[c->nfree++] = fid;
}

struct p9_client *p9c_connect(int fd, uint32_t msize, int *err)
{
	struct p9_client *c;
	struct p9_tversion tv;
	struct p9_rversion rv;
	int ret;

	if (msize > P9_MAX_MSIZE)
		msize = P9_MAX_MSIZE;
	if (msize < P9_MIN_MSIZE)
		msize = P9_MIN_MSIZE;
	c = calloc(1, sizeof(*c));
	if (!c) {
		*err = -LINUX_ENOMEM;
		return NULL;
	}
	c->fd = fd;
	c->donated = -1;
	c->msize = msize;
	c->next_fid = 1;
	c->tbuf = malloc(msize);
	c->rbuf = malloc(msize);
	if (!c->tbuf || !c->rbuf) {
		ret = -LINUX_ENOMEM;
		goto fail;
	}
	pthread_mutex_init(&c->mu, NULL);

	/* Our dialect first, then plain 9P2000.L. */
	c->tag = P9_NOTAG;
	tv.msize = msize;
	for (int i = 0; i < 2; i++) {
		const char *v = i ? P9_VERSION_L : P9_VERSION_L_FD;

		tv.version = p9_str_c(v);
		ret = rpc(c, p9_enc_tversion(c->tbuf, msize, P9_NOTAG, &tv),
			  P9_RVERSION);
		if (ret < 0)
			goto fail_mu;
		if (p9_dec_rversion(c->rbuf, c->rlen, &rv) < 0) {
			ret = -LINUX_EIO;
			goto fail_mu;
		}
		ret = -LINUX_EPROTONOSUPPORT;
		if (p9_str_eq(rv.version, v)) {
			c->fd_dialect = i == 0;
			ret = 0;
			break;
		}
	}
	if (ret < 0)
		goto fail_mu;
	if (rv.msize < P9_MIN_MSIZE || rv.msize > msize) {
		ret = -LINUX_EPROTO;
		goto fail_mu;
	}
	c->msize = rv.msize;
	c->tag = 0;
	return c;

fail_mu:
	pthread_mutex_destroy(&c->mu);
fail:
	free(c->tbuf);
	free(c->rbuf);
	free(c);
	*err = ret;
	return NULL;
}

void p9c_close(struct p9_client *c)
{
	if (!c)
		return;
	close(c->fd);
	if (c->donated >= 0)
		close(c->donated);
	pthread_mutex_destroy(&c->mu);
	free(c->tbuf);
	free(c->rbuf);
	free(c->free_fids);
	free(c);
}

uint32_t p9c_msize(const struct p9_client *c)
{
	return c->msize;
}

int p9c_attach(struct p9_client *c, const char *aname, uint32_t *fid_out,
	       struct p9_qid *qid)
{
	struct p9_tattach t = {
	    .afid = P9_NOFID,
	    .uname = p9_str_c(""),
	    .aname = p9_str_c(aname),
	    .n_uname = P9_NONUNAME,
	};
	struct p9_rattach r;
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = fid_alloc(c, &t.fid);
	if (ret < 0)
		goto out;
	ret = rpc(c, p9_enc_tattach(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RATTACH);
	if (ret == 0 && p9_dec_rattach(c->rbuf, c->rlen, &r) < 0)
		ret = reply_bad(c);
	if (ret < 0) {
		fid_free(c, t.fid);
		goto out;
	}
	*fid_out = t.fid;
	if (qid)
		*qid = r.qid;
out:
	pthread_mutex_unlock(&c->mu);
	return ret;
}

/* One Twalk of n <= P9_MAXWELEM names. 0 (*qid = last qid when n > 0),
 * -LINUX_ENOENT for a partial walk (newfid not created), or an error. */
static int walk1(struct p9_client *c, uint32_t fid, uint32_t newfid, int n,
		 const char *const *names, struct p9_qid *qid)
{
	struct p9_twalk t = {.fid = fid, .newfid = newfid, .nwname = n};
	struct p9_rwalk r;
	int ret;

	for (int i = 0; i < n; i++) {
		if (!names[i])
			return -LINUX_EINVAL;
		t.wname[i] = p9_str_c(names[i]);
	}
	ret =
	    rpc(c, p9_enc_twalk(c->tbuf, c->msize, next_tag(c), &t), P9_RWALK);
	if (ret < 0)
		return ret;
	if (p9_dec_rwalk(c->rbuf, c->rlen, &r) < 0 || r.nwqid > n)
		return reply_bad(c);
	if (r.nwqid < n)
		return -LINUX_ENOENT;
	if (n > 0)
		*qid = r.wqid[n - 1];
	return 0;
}

/* Clunk with c->mu held; the number is freed whatever the answer. */
static int clunk_locked(struct p9_client *c, uint32_t fid)
{
	struct p9_tclunk t = {.fid = fid};
	int ret;

	ret = rpc(c, p9_enc_tclunk(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RCLUNK);
	if (ret == 0 && p9_dec_rclunk(c->rbuf, c->rlen) < 0)
		ret = reply_bad(c);
	fid_free(c, fid);
	return ret;
}

int p9c_walk(struct p9_client *c, uint32_t fid, int nnames,
	     const char *const *names, uint32_t *newfid_out,
	     struct p9_qid *last_qid)
{
	struct p9_qid qid = {0};
	uint32_t newfid;
	int ret, n, done;

	if (nnames < 0 || (nnames > 0 && !names))
		return -LINUX_EINVAL;
	pthread_mutex_lock(&c->mu);
	ret = fid_alloc(c, &newfid);
	if (ret < 0)
		goto out;
	n = nnames < P9_MAXWELEM ? nnames : P9_MAXWELEM;
	ret = walk1(c, fid, newfid, n, names, &qid);
	if (ret < 0) {
		fid_free(c, newfid);
		goto out;
	}
	/* Long paths: walk newfid onto itself, P9_MAXWELEM names at a time. */
	for (done = n; done < nnames; done += n) {
		n = nnames - done;
		if (n > P9_MAXWELEM)
			n = P9_MAXWELEM;
		ret = walk1(c, newfid, newfid, n, names + done, &qid);
		if (ret < 0) {
			clunk_locked(c, newfid);
			goto out;
		}
	}
	*newfid_out = newfid;
	if (last_qid)
		*last_qid = qid;
out:
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int p9c_getattr(struct p9_client *c, uint32_t fid, uint64_t mask,
		struct p9_attr *out)
{
	struct p9_tgetattr t = {.fid = fid, .request_mask = mask};
	struct p9_rgetattr r;
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = rpc(c, p9_enc_tgetattr(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RGETATTR);
	if (ret == 0 && p9_dec_rgetattr(c->rbuf, c->rlen, &r) < 0)
		ret = reply_bad(c);
	if (ret == 0)
		*out = r.attr;
	pthread_mutex_unlock(&c->mu);
	return ret;
}

/* A donated descriptor is taken only if it is what the dialect promises:
 * a regular file open with the access mode asked for (LINUX_O_ACCMODE
 * bits of the request). */
static int take_donated(struct p9_client *c, uint32_t linux_open_flags)
{
	uint32_t acc = linux_open_flags & LINUX_O_ACCMODE;
	int want = acc == LINUX_O_RDWR	   ? O_RDWR
		   : acc == LINUX_O_WRONLY ? O_WRONLY
					   : O_RDONLY;
	int fd = c->donated;
	struct stat st;

	c->donated = -1;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (fcntl(fd, F_GETFL) & O_ACCMODE) == want)
		return fd;
	close(fd);
	return -1;
}

int p9c_lopen(struct p9_client *c, uint32_t fid, uint32_t linux_open_flags,
	      struct p9_qid *qid, uint32_t *iounit, int *hostfd)
{
	struct p9_tlopen t = {.fid = fid, .flags = linux_open_flags};
	struct p9_rlopen r;
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = rpc(c, p9_enc_tlopen(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RLOPEN);
	if (ret == 0 && p9_dec_rlopen(c->rbuf, c->rlen, &r) < 0)
		ret = reply_bad(c);
	if (ret == 0) {
		if (qid)
			*qid = r.qid;
		if (iounit)
			*iounit = r.iounit;
		if (hostfd)
			*hostfd = take_donated(c, linux_open_flags);
	}
	pthread_mutex_unlock(&c->mu);
	return ret;
}

/* One Tread or Treaddir of count <= msize - P9_IOHDRSZ into buf. */
static long read1(struct p9_client *c, bool dir, uint32_t fid, uint64_t off,
		  void *buf, uint32_t count)
{
	struct p9_tread t = {.fid = fid, .offset = off, .count = count};
	struct p9_rread r;
	long tlen;
	int ret;

	if (dir)
		tlen = p9_enc_treaddir(c->tbuf, c->msize, next_tag(c), &t);
	else
		tlen = p9_enc_tread(c->tbuf, c->msize, next_tag(c), &t);
	ret = rpc(c, tlen, dir ? P9_RREADDIR : P9_RREAD);
	if (ret < 0)
		return ret;
	if (dir)
		ret = p9_dec_rreaddir(c->rbuf, c->rlen, &r);
	else
		ret = p9_dec_rread(c->rbuf, c->rlen, &r);
	if (ret < 0 || r.count > count)
		return reply_bad(c);
	if (r.count)
		memcpy(buf, r.data, r.count);
	return r.count;
}

long p9c_read(struct p9_client *c, uint32_t fid, uint64_t off, void *buf,
	      uint32_t count)
{
	uint8_t *p = buf;
	uint32_t done = 0, chunk;
	long n = 0;

	pthread_mutex_lock(&c->mu);
	chunk = c->msize - P9_IOHDRSZ;
	while (done < count) {
		uint32_t want = count - done < chunk ? count - done : chunk;

		n = read1(c, false, fid, off + done, p + done, want);
		if (n <= 0)
			break;
		done += (uint32_t)n;
		if ((uint32_t)n < want)
			break;
	}
	pthread_mutex_unlock(&c->mu);
	if (done > 0 || n >= 0)
		return done;
	return n;
}

long p9c_readdir(struct p9_client *c, uint32_t fid, uint64_t off, void *buf,
		 uint32_t count)
{
	long n;

	pthread_mutex_lock(&c->mu);
	if (count > c->msize - P9_IOHDRSZ)
		count = c->msize - P9_IOHDRSZ;
	n = read1(c, true, fid, off, buf, count);
	pthread_mutex_unlock(&c->mu);
	return n;
}

long p9c_readlink(struct p9_client *c, uint32_t fid, char *buf, size_t size)
{
	struct p9_treadlink t = {.fid = fid};
	struct p9_rreadlink r;
	long ret;

	pthread_mutex_lock(&c->mu);
	ret = rpc(c, p9_enc_treadlink(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RREADLINK);
	if (ret == 0 && p9_dec_rreadlink(c->rbuf, c->rlen, &r) < 0)
		ret = reply_bad(c);
	if (ret == 0) {
		ret = p9_str_copy(r.target, buf, size);
		if (ret == -LINUX_EINVAL)
			ret = reply_bad(c); /* a NUL inside a target */
	}
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int p9c_statfs(struct p9_client *c, uint32_t fid, struct p9_statfs *out)
{
	struct p9_tstatfs t = {.fid = fid};
	struct p9_rstatfs r;
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = rpc(c, p9_enc_tstatfs(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RSTATFS);
	if (ret == 0 && p9_dec_rstatfs(c->rbuf, c->rlen, &r) < 0)
		ret = reply_bad(c);
	if (ret == 0)
		*out = r.st;
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int p9c_clunk(struct p9_client *c, uint32_t fid)
{
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = clunk_locked(c, fid);
	pthread_mutex_unlock(&c->mu);
	return ret;
}

/* ---- Write side ---- */

long p9c_write(struct p9_client *c, uint32_t fid, uint64_t off, const void *buf,
	       uint32_t count)
{
	const uint8_t *p = buf;
	uint32_t done = 0, chunk;
	long ret = 0;

	pthread_mutex_lock(&c->mu);
	chunk = c->msize - P9_IOHDRSZ;
	/* A zero-length write still goes to the gofer (it checks the fid). */
	do {
		uint32_t want = count - done < chunk ? count - done : chunk;
		struct p9_twrite t = {.fid = fid,
				      .offset = off + done,
				      .count = want,
				      .data = p + done};
		struct p9_rwrite r;

		ret = rpc(c, p9_enc_twrite(c->tbuf, c->msize, next_tag(c), &t),
			  P9_RWRITE);
		if (ret == 0 &&
		    (p9_dec_rwrite(c->rbuf, c->rlen, &r) < 0 || r.count > want))
			ret = reply_bad(c);
		if (ret < 0)
			break;
		done += r.count;
		if (r.count < want)
			break;
	} while (done < count);
	pthread_mutex_unlock(&c->mu);
	if (done > 0 || ret >= 0)
		return done;
	return ret;
}

int p9c_lcreate(struct p9_client *c, uint32_t fid, const char *name,
		uint32_t linux_open_flags, uint32_t mode, uint32_t gid,
		struct p9_qid *qid, uint32_t *iounit, int *hostfd)
{
	struct p9_tlcreate t = {.fid = fid,
				.name = p9_str_c(name),
				.flags = linux_open_flags,
				.mode = mode,
				.gid = gid};
	struct p9_rlcreate r;
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = rpc(c, p9_enc_tlcreate(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RLCREATE);
	if (ret == 0 && p9_dec_rlcreate(c->rbuf, c->rlen, &r) < 0)
		ret = reply_bad(c);
	if (ret == 0) {
		if (qid)
			*qid = r.qid;
		if (iounit)
			*iounit = r.iounit;
		if (hostfd)
			*hostfd = take_donated(c, linux_open_flags);
	}
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int p9c_mkdir(struct p9_client *c, uint32_t dfid, const char *name,
	      uint32_t mode, uint32_t gid, struct p9_qid *qid)
{
	struct p9_tmkdir t = {
	    .dfid = dfid, .name = p9_str_c(name), .mode = mode, .gid = gid};
	struct p9_rmkdir r;
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = rpc(c, p9_enc_tmkdir(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RMKDIR);
	if (ret == 0 && p9_dec_rmkdir(c->rbuf, c->rlen, &r) < 0)
		ret = reply_bad(c);
	if (ret == 0 && qid)
		*qid = r.qid;
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int p9c_symlink(struct p9_client *c, uint32_t dfid, const char *name,
		const char *target, uint32_t gid, struct p9_qid *qid)
{
	struct p9_tsymlink t = {.fid = dfid,
				.name = p9_str_c(name),
				.target = p9_str_c(target),
				.gid = gid};
	struct p9_rsymlink r;
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = rpc(c, p9_enc_tsymlink(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RSYMLINK);
	if (ret == 0 && p9_dec_rsymlink(c->rbuf, c->rlen, &r) < 0)
		ret = reply_bad(c);
	if (ret == 0 && qid)
		*qid = r.qid;
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int p9c_mknod(struct p9_client *c, uint32_t dfid, const char *name,
	      uint32_t mode, uint32_t gid, struct p9_qid *qid)
{
	struct p9_tmknod t = {
	    .dfid = dfid, .name = p9_str_c(name), .mode = mode, .gid = gid};
	struct p9_rmknod r;
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = rpc(c, p9_enc_tmknod(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RMKNOD);
	if (ret == 0 && p9_dec_rmknod(c->rbuf, c->rlen, &r) < 0)
		ret = reply_bad(c);
	if (ret == 0 && qid)
		*qid = r.qid;
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int p9c_link(struct p9_client *c, uint32_t dfid, uint32_t fid, const char *name)
{
	struct p9_tlink t = {.dfid = dfid, .fid = fid, .name = p9_str_c(name)};
	int ret;

	pthread_mutex_lock(&c->mu);
	ret =
	    rpc(c, p9_enc_tlink(c->tbuf, c->msize, next_tag(c), &t), P9_RLINK);
	if (ret == 0 && p9_dec_rlink(c->rbuf, c->rlen) < 0)
		ret = reply_bad(c);
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int p9c_unlinkat(struct p9_client *c, uint32_t dfid, const char *name,
		 uint32_t flags)
{
	struct p9_tunlinkat t = {
	    .dirfid = dfid, .name = p9_str_c(name), .flags = flags};
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = rpc(c, p9_enc_tunlinkat(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RUNLINKAT);
	if (ret == 0 && p9_dec_runlinkat(c->rbuf, c->rlen) < 0)
		ret = reply_bad(c);
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int p9c_renameat(struct p9_client *c, uint32_t olddfid, const char *oldname,
		 uint32_t newdfid, const char *newname)
{
	struct p9_trenameat t = {.olddirfid = olddfid,
				 .oldname = p9_str_c(oldname),
				 .newdirfid = newdfid,
				 .newname = p9_str_c(newname)};
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = rpc(c, p9_enc_trenameat(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RRENAMEAT);
	if (ret == 0 && p9_dec_rrenameat(c->rbuf, c->rlen) < 0)
		ret = reply_bad(c);
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int p9c_setattr(struct p9_client *c, uint32_t fid,
		const struct p9_tsetattr *attr)
{
	struct p9_tsetattr t = *attr;
	int ret;

	t.fid = fid;
	pthread_mutex_lock(&c->mu);
	ret = rpc(c, p9_enc_tsetattr(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RSETATTR);
	if (ret == 0 && p9_dec_rsetattr(c->rbuf, c->rlen) < 0)
		ret = reply_bad(c);
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int p9c_fsync(struct p9_client *c, uint32_t fid, int datasync)
{
	struct p9_tfsync t = {.fid = fid, .datasync = datasync ? 1 : 0};
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = rpc(c, p9_enc_tfsync(c->tbuf, c->msize, next_tag(c), &t),
		  P9_RFSYNC);
	if (ret == 0 && p9_dec_rfsync(c->rbuf, c->rlen) < 0)
		ret = reply_bad(c);
	pthread_mutex_unlock(&c->mu);
	return ret;
}
